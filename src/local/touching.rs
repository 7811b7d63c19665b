//! `touching`: which other lanes change the files (or the lines) asked about, in their
//! commits or in their worktrees, and which lanes have claimed them.
//!
//! Only the paths asked about are read: each other lane's changes to them since its merge
//! base, its worktree's files at those paths first compared byte for byte with its commit
//! (one `git cat-file` for every lane), and a snapshot of those paths alone taken only where
//! they differ. Lines are asked in the asking worktree's own version of each file and
//! judged by the line engine, which carries every side to the default branch's head.

use super::asking::{Asker, asker, canonical};
use super::bases::merge_bases;
use super::branch::FileLines;
use super::diff::{any_changed, changed_files_in, changed_files_to_index, changed_files_touching};
use super::error::LocalError;
use super::parallel;
use super::repo::{Repo, Tip};
use super::snapshot::{self, Checkout, InProgress, PathState};
use crate::claims::Claim;
use crate::footprint::shares;
use crate::ids::{PrNumber, Sha};
use crate::overlap::{
    self, Asked as AskedLines, BaseDiff, ChangedFile, LineRange, OpenPr, PathRules,
};
use crate::text::errors;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// One path asked about, with the lines asked about if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asked {
    /// From the repository's root; a folder ends with `/`.
    pub path: String,
    /// `[first, last]`, in the asking worktree's version of the file; empty: all of it.
    pub lines: Vec<[u32; 2]>,
}

impl Asked {
    /// `app.txt:10-20,42` as written on the command line.
    pub fn spelled(&self) -> String {
        if self.lines.is_empty() {
            return self.path.clone();
        }
        let ranges: Vec<String> = self
            .lines
            .iter()
            .map(|[first, last]| {
                if first == last {
                    first.to_string()
                } else {
                    format!("{first}-{last}")
                }
            })
            .collect();
        format!("{}:{}", self.path, ranges.join(","))
    }

    fn ranges(&self) -> Vec<LineRange> {
        self.lines
            .iter()
            .map(|[first, last]| LineRange::new(*first, last + 1))
            .collect()
    }

    fn pathspec(&self) -> String {
        format!(":(literal){}", self.path)
    }

    /// Whether the changed file at `path` (or renamed from it) is one asked about.
    fn matches(&self, file: &ChangedFile) -> bool {
        file.touched_paths()
            .any(|path| path == self.path || shares(&self.path, path))
    }
}

/// The paths asked about in order, each once: the lines asked about a path twice put
/// together, and a path asked about whole once asked about whole.
fn merged(mut asked: Vec<Asked>) -> Vec<Asked> {
    asked.sort_by(|a, b| a.path.cmp(&b.path));
    let mut kept: Vec<Asked> = Vec::with_capacity(asked.len());
    for next in asked {
        match kept.last_mut() {
            Some(last) if last.path == next.path => {
                if last.lines.is_empty() || next.lines.is_empty() {
                    last.lines.clear();
                } else {
                    last.lines.extend(next.lines);
                    last.lines.sort_unstable();
                    last.lines.dedup();
                }
            }
            _ => kept.push(next),
        }
    }
    kept
}

/// `PATH[:LINES]` as written: the path from the repository's root (an absolute path inside
/// `top` is made relative to it), and lines like `42`, `10-20` or `10-20,42`.
pub fn parse_asked(text: &str, top: &Path) -> Result<Asked, LocalError> {
    let (path, lines) = match text.rsplit_once(':') {
        Some((path, lines))
            if !lines.is_empty()
                && lines
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == ',') =>
        {
            (path, parse_lines(text, lines)?)
        }
        _ => (text, Vec::new()),
    };
    let relative = match Path::new(path).strip_prefix(top) {
        Ok(inside) if Path::new(path).is_absolute() => inside.to_string_lossy().into_owned(),
        _ => path.to_owned(),
    };
    if relative.contains(['*', '?', '[']) {
        return Err(LocalError::Usage(errors::touching_glob(path)));
    }
    let mut path = crate::claims::normalize_path(&relative).map_err(LocalError::Usage)?;
    if !path.ends_with('/') && top.join(&path).is_dir() {
        path.push('/');
    }
    if path.ends_with('/') && !lines.is_empty() {
        return Err(LocalError::Usage(errors::folder_lines(text, &path)));
    }
    Ok(Asked { path, lines })
}

fn parse_lines(text: &str, lines: &str) -> Result<Vec<[u32; 2]>, LocalError> {
    let bad = || LocalError::Usage(errors::lines_unreadable(text));
    let mut ranges = Vec::new();
    for part in lines.split(',') {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        let first: u32 = first.parse().map_err(|_| bad())?;
        let last: u32 = last.parse().map_err(|_| bad())?;
        if first == 0 || last < first {
            return Err(bad());
        }
        ranges.push([first, last]);
    }
    ranges.sort_unstable();
    Ok(ranges)
}

/// Another lane's branch that changes something asked about.
#[derive(Debug, Clone, Serialize)]
pub struct Toucher {
    pub name: String,
    pub lane: Option<String>,
    pub head: String,
    /// Whether its worktree's uncommitted work on the paths asked about was compared.
    pub uncommitted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worktree: Option<String>,
    /// Its changed files among those asked about, with the lines it changes in its version.
    pub files: Vec<FileLines>,
}

/// A claim of another lane on a path asked about.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimOn {
    #[serde(flatten)]
    pub claim: Claim,
    /// The paths asked about that it covers.
    pub asked: Vec<String>,
}

/// A branch whose worktree's work was left out: an operation is under way there.
#[derive(Debug, Clone, Serialize)]
pub struct LeftOut {
    pub branch: String,
    pub worktree: String,
    pub operation: InProgress,
}

/// The side the lines are asked from.
#[derive(Debug, Clone, Serialize)]
pub struct AskingSide {
    pub lane: Option<String>,
    pub branch: Option<String>,
    pub worktree: Option<String>,
    /// Whether the lines are its worktree's (`false`: its commit's, or its index's with
    /// `staged`).
    pub uncommitted: bool,
    /// Whether the paths and lines are those of its staged changes.
    pub staged: bool,
}

/// What `touching` answers.
#[derive(Debug, Clone, Serialize)]
pub struct Touching {
    pub asking: AskingSide,
    pub asked: Vec<Asked>,
    pub committed_only: bool,
    /// How many other branches were compared.
    pub compared: usize,
    /// Whether any branch or claim touches what was asked.
    pub touched: bool,
    pub branches: Vec<Toucher>,
    pub claims: Vec<ClaimOn>,
    pub in_progress: Vec<LeftOut>,
}

/// The question as the command line put it.
pub struct Question<'a> {
    pub paths: &'a [String],
    pub lane: Option<&'a str>,
    pub mine: bool,
    pub committed_only: bool,
    pub staged: bool,
    /// `GIT_INDEX_FILE` as git gave it to a hook: the index a commit is being made from.
    pub index_file: Option<PathBuf>,
}

/// Answers `touching` for `dir`, with the claims holding now.
pub fn answer(
    repo: &Repo,
    dir: &Path,
    question: &Question<'_>,
    claims: &[Claim],
) -> Result<Touching, LocalError> {
    let checkouts = snapshot::checkouts(repo)?;
    let asker = asker(repo, dir, question.lane, question.mine, &checkouts)?;
    let tips = repo.tips()?;
    let top = asker
        .worktree
        .clone()
        .unwrap_or_else(|| repo.main_worktree.clone());
    let mut asked: Vec<Asked> = question
        .paths
        .iter()
        .map(|text| parse_asked(text, &canonical(&top)))
        .collect::<Result<_, _>>()?;

    let own_tip = asker_tip(repo, &asker, &tips)?;
    // With `--staged`: the commit made of what is staged.
    let mut asking_commit: Option<String> = None;
    let mut asking_uncommitted = false;
    if question.staged {
        let worktree = asker
            .worktree
            .as_deref()
            .ok_or_else(|| LocalError::Usage(errors::staged_without_worktree()))?;
        let index = match &question.index_file {
            Some(index) if index.is_absolute() => index.clone(),
            Some(index) => dir.join(index),
            None => snapshot::git_dir_of(worktree)
                .map(|git_dir| git_dir.join("index"))
                .ok_or_else(|| {
                    LocalError::Usage(errors::no_index(&worktree.display().to_string()))
                })?,
        };
        if let Some(staged) = snapshot::staged(repo, worktree, &index, &own_tip)? {
            for file in changed_files_in(&repo.git, &own_tip.commit, &staged, &[])? {
                let lines = FileLines::of(&file).lines;
                let path = file.filename.clone();
                if !asked.iter().any(|a| a.path == path) {
                    asked.push(Asked { path, lines });
                }
            }
            asking_commit = Some(staged);
        }
    }
    asked = merged(asked);

    let others: Vec<(String, Tip)> = branches_asked_about(repo, &asker, &tips);
    let with_lines: Vec<&Asked> = asked.iter().filter(|a| !a.lines.is_empty()).collect();

    // A branch sharing no history with the default branch is read from the default head.
    let mut heads: Vec<&str> = others.iter().map(|(_, tip)| tip.commit.as_str()).collect();
    if !with_lines.is_empty() {
        heads.push(&own_tip.commit);
    }
    let mut bases = Vec::with_capacity(heads.len());
    for base in merge_bases(repo, &heads) {
        bases.push(base?.unwrap_or_else(|| repo.default_head.clone()));
    }
    let own_base = if with_lines.is_empty() {
        repo.default_head.clone()
    } else {
        bases.pop().unwrap_or_else(|| repo.default_head.clone())
    };

    let changes = changes_on_paths(
        repo,
        &others,
        &bases,
        &checkouts,
        &asked,
        question.committed_only,
    )?;

    // Files asked about whole touch wherever they are changed; those asked by line, where
    // the line engine says the lines meet.
    let mut touching: Vec<BTreeSet<usize>> = changes
        .iter()
        .map(|changes| {
            changes
                .files
                .iter()
                .enumerate()
                .filter(|(_, file)| asked.iter().any(|a| a.lines.is_empty() && a.matches(file)))
                .map(|(at, _)| at)
                .collect()
        })
        .collect();
    if !with_lines.is_empty() {
        let lined: Vec<Asked> = with_lines.iter().map(|a| (*a).clone()).collect();
        let own_files = match (&asking_commit, &asker.branch) {
            // The asker's own version: what it is committing, or its worktree.
            (Some(staged), _) => {
                let specs: Vec<String> = lined.iter().map(Asked::pathspec).collect();
                changed_files_in(&repo.git, &own_base, staged, &specs)?
            }
            (None, Some(branch)) => {
                let own = changes_on_paths(
                    repo,
                    &[(branch.clone(), own_tip.clone())],
                    std::slice::from_ref(&own_base),
                    &checkouts,
                    &lined,
                    question.committed_only,
                )?;
                let own = own.into_iter().next().unwrap_or_default();
                asking_uncommitted = own.uncommitted;
                own.files
            }
            (None, None) if own_base != own_tip.commit => {
                let specs: Vec<String> = lined.iter().map(Asked::pathspec).collect();
                changed_files_in(&repo.git, &own_base, &own_tip.commit, &specs)?
            }
            (None, None) => Vec::new(),
        };
        let files: Vec<Vec<ChangedFile>> = changes.iter().map(|c| c.files.clone()).collect();
        let met = lines_met(repo, &with_lines, &own_files, &own_base, &files, &bases)?;
        for (branch, files) in met {
            touching[branch].extend(files);
        }
    }

    let mut branches = Vec::new();
    let mut in_progress = Vec::new();
    for (at, ((name, tip), compared)) in others.iter().zip(&changes).enumerate() {
        if let (Some(operation), Some(worktree)) = (compared.in_progress, &compared.worktree) {
            in_progress.push(LeftOut {
                branch: name.clone(),
                worktree: worktree.display().to_string(),
                operation,
            });
        }
        if touching[at].is_empty() {
            continue;
        }
        branches.push(Toucher {
            name: name.clone(),
            lane: repo.config.lane_for_branch(name).map(|a| a.name.clone()),
            head: tip.commit.clone(),
            uncommitted: compared.uncommitted,
            worktree: compared
                .worktree
                .as_ref()
                .map(|path| path.display().to_string()),
            files: touching[at]
                .iter()
                .map(|&file| FileLines::of(&changes[at].files[file]))
                .collect(),
        });
    }
    let claims: Vec<ClaimOn> = claims
        .iter()
        .filter(|claim| {
            asker
                .lane
                .as_deref()
                .is_none_or(|lane| !claim.lane.eq_ignore_ascii_case(lane))
        })
        .filter_map(|claim| {
            let covered: Vec<String> = asked
                .iter()
                .filter(|a| claim.covers(&a.path))
                .map(|a| a.path.clone())
                .collect();
            (!covered.is_empty()).then(|| ClaimOn {
                claim: claim.clone(),
                asked: covered,
            })
        })
        .collect();
    Ok(Touching {
        asking: AskingSide {
            lane: asker.lane.clone(),
            branch: asker.branch.clone(),
            worktree: asker.worktree.as_ref().map(|p| p.display().to_string()),
            uncommitted: asking_uncommitted,
            staged: question.staged,
        },
        asked,
        committed_only: question.committed_only,
        compared: others.len(),
        touched: !branches.is_empty() || !claims.is_empty(),
        branches,
        claims,
        in_progress,
    })
}

/// What one branch changes on the paths asked about, committed or not.
#[derive(Debug, Clone, Default)]
struct Changes {
    files: Vec<ChangedFile>,
    /// Whether its worktree's uncommitted work on those paths is in `files`.
    uncommitted: bool,
    worktree: Option<PathBuf>,
    /// The operation under way in its worktree, which left that worktree out.
    in_progress: Option<InProgress>,
}

/// What each branch (by name and tip, with its merge base) changes on the paths asked
/// about since its merge base: its commits, and unless `committed_only` its worktree's
/// files there. A worktree whose files there are as committed costs no git process; one
/// whose files differ is read into an index of its own holding those paths alone.
fn changes_on_paths(
    repo: &Repo,
    branches: &[(String, Tip)],
    bases: &[String],
    checkouts: &BTreeMap<String, Checkout>,
    asked: &[Asked],
    committed_only: bool,
) -> Result<Vec<Changes>, LocalError> {
    let paths: Vec<String> = asked.iter().map(|a| a.path.clone()).collect();
    let specs: Vec<String> = asked.iter().map(Asked::pathspec).collect();
    let ignored = &repo.config.ignore_paths;
    let read: Vec<Option<&Checkout>> = branches
        .iter()
        .map(|(name, _)| {
            checkouts
                .get(name)
                .filter(|checkout| !committed_only && checkout.in_progress.is_none())
        })
        .collect();
    let wanted: Vec<(&str, &Path, &[String])> = branches
        .iter()
        .zip(&read)
        .filter_map(|((_, tip), checkout)| {
            Some((
                tip.commit.as_str(),
                (*checkout)?.path.as_path(),
                paths.as_slice(),
            ))
        })
        .collect();
    let mut states = snapshot::path_states(repo, &wanted)?.into_iter();
    let states: Vec<Vec<PathState>> = read
        .iter()
        .map(|checkout| match checkout {
            Some(_) => states.next().unwrap_or_default(),
            None => Vec::new(),
        })
        .collect();
    // The commits of the branches whose worktrees leave the paths as committed, all asked
    // at once whether they change any of them.
    let as_committed: Vec<usize> = (0..branches.len())
        .filter(|&at| !states[at].iter().any(|s| s.differs))
        .filter(|&at| bases[at] != branches[at].1.commit)
        .collect();
    let pairs: Vec<(&str, &str)> = as_committed
        .iter()
        .map(|&at| (bases[at].as_str(), branches[at].1.commit.as_str()))
        .collect();
    let mut touches = vec![true; branches.len()];
    for (&at, changed) in as_committed
        .iter()
        .zip(any_changed(&repo.git, &pairs, &specs)?)
    {
        touches[at] = changed;
    }
    let jobs: Vec<usize> = (0..branches.len()).collect();
    let found = parallel::map(&jobs, |&at| {
        let (_, tip) = &branches[at];
        let base = &bases[at];
        let committed = || {
            if *base == tip.commit || !touches[at] {
                Ok(Vec::new())
            } else {
                changed_files_in(&repo.git, base, &tip.commit, &specs)
            }
        };
        let differing: Vec<&PathState> = states[at].iter().filter(|s| s.differs).collect();
        let (files, uncommitted) = match read[at] {
            Some(checkout) if !differing.is_empty() => {
                if differing.iter().any(|s| s.path.ends_with('/')) {
                    // A folder: the worktree's files there, as a commit.
                    let folders: Vec<String> = differing.iter().map(|s| s.path.clone()).collect();
                    match snapshot::take(repo, checkout, tip, Some(&folders))? {
                        Some(commit) => (changed_files_in(&repo.git, base, &commit, &specs)?, true),
                        None => (committed()?, false),
                    }
                } else {
                    let index = snapshot::paths_index(repo, &checkout.path, &states[at])?;
                    let mut args = vec![
                        "diff",
                        "--cached",
                        "--quiet",
                        "--no-ext-diff",
                        &tip.commit,
                        "--",
                    ];
                    args.extend(specs.iter().map(String::as_str));
                    if index.git.answer(&args, &[0, 1])?.code == 1 {
                        (changed_files_to_index(&index.git, base, &specs)?, true)
                    } else {
                        (committed()?, false)
                    }
                }
            }
            _ => (committed()?, false),
        };
        // Past git's limit of pathspecs the whole diff is read: keep the files asked about.
        // Files the config ignores are never mentioned.
        let files = files
            .into_iter()
            .filter(|file| asked.iter().any(|a| a.matches(file)))
            .filter(|file| !ignored.matches(&file.filename))
            .collect();
        Ok::<_, LocalError>(Changes {
            files,
            uncommitted,
            worktree: checkouts.get(&branches[at].0).map(|c| c.path.clone()),
            in_progress: checkouts
                .get(&branches[at].0)
                .and_then(|c| c.in_progress)
                .filter(|_| !committed_only),
        })
    });
    found.into_iter().collect()
}

/// The commit the asking side stands on: its worktree's HEAD, else its branch's, else the
/// default branch's.
fn asker_tip(repo: &Repo, asker: &Asker, tips: &BTreeMap<String, Tip>) -> Result<Tip, LocalError> {
    if let Some(tip) = asker.branch.as_ref().and_then(|branch| tips.get(branch)) {
        return Ok(tip.clone());
    }
    if let Some(worktree) = &asker.worktree {
        let git = super::git::Git::new(worktree);
        if let Some(commit) = git.commit("HEAD")? {
            let tree = git.text(&["rev-parse", &format!("{commit}^{{tree}}")])?;
            return Ok(Tip { commit, tree });
        }
    }
    let tree = repo
        .git
        .text(&["rev-parse", &format!("{}^{{tree}}", repo.default_head)])?;
    Ok(Tip {
        commit: repo.default_head.clone(),
        tree,
    })
}

/// The lane branches other than the asker's, with their tips.
fn branches_asked_about(
    repo: &Repo,
    asker: &Asker,
    tips: &BTreeMap<String, Tip>,
) -> Vec<(String, Tip)> {
    tips.iter()
        .filter(|(name, _)| **name != repo.default_branch)
        .filter(|(name, _)| repo.config.lane_for_branch(name).is_some())
        .filter(|(name, _)| !asker.owns(repo, name))
        .map(|(name, tip)| (name.clone(), tip.clone()))
        .collect()
}

/// For each branch (by index), its files (by index in `changes`) whose changed lines meet
/// the lines asked about, by the line engine.
fn lines_met(
    repo: &Repo,
    asked: &[&Asked],
    own_files: &[ChangedFile],
    own_base: &str,
    changes: &[Vec<ChangedFile>],
    bases: &[String],
) -> Result<Vec<(usize, Vec<usize>)>, LocalError> {
    let ranges: Vec<Vec<LineRange>> = asked.iter().map(|a| a.ranges()).collect();
    let questions: Vec<AskedLines<'_>> = asked
        .iter()
        .zip(&ranges)
        .map(|(a, lines)| AskedLines {
            path: &a.path,
            lines,
            own: own_files
                .iter()
                .find(|file| file.new_path() == Some(a.path.as_str())),
        })
        .collect();
    let question_number = PrNumber(changes.len() as u64 + 1);
    let question = overlap::question(question_number, &Sha(own_base.to_owned()), &questions);

    let mut prs: Vec<OpenPr> = changes
        .iter()
        .zip(bases)
        .enumerate()
        .map(|(at, (files, base))| OpenPr {
            number: PrNumber(at as u64 + 1),
            head_sha: Sha(format!("branch {at}")),
            merge_base: Sha(base.clone()),
            files: files
                .iter()
                .filter(|file| asked.iter().any(|a| a.matches(file)))
                .cloned()
                .collect(),
            files_complete: true,
            lane: None,
        })
        .filter(|pr| !pr.files.is_empty())
        .collect();
    prs.push(question);

    let mut touched: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for pr in &prs {
        let paths = touched.entry(pr.merge_base.0.as_str()).or_default();
        for file in &pr.files {
            paths.extend(file.touched_paths());
        }
    }
    let bases_to_read: Vec<(&str, &BTreeSet<&str>)> = touched
        .iter()
        .filter(|(base, _)| **base != repo.default_head)
        .map(|(base, paths)| (*base, paths))
        .collect();
    let read = parallel::map(&bases_to_read, |(base, paths)| {
        changed_files_touching(&repo.git, base, &repo.default_head, paths)
    });
    let mut base_diffs: HashMap<Sha, BaseDiff> = touched
        .keys()
        .map(|base| {
            (
                Sha((*base).to_owned()),
                BaseDiff {
                    files: Vec::new(),
                    complete: true,
                },
            )
        })
        .collect();
    for ((base, _), diff) in bases_to_read.iter().zip(read) {
        // A base diff that cannot be read leaves lines where they were on the merge base:
        // the engine then calls them uncertain, which still counts as meeting.
        match diff {
            Ok(files) => {
                base_diffs.insert(
                    Sha((*base).to_owned()),
                    BaseDiff {
                        files,
                        complete: true,
                    },
                );
            }
            Err(_) => {
                base_diffs.remove(&Sha((*base).to_owned()));
            }
        }
    }
    let rules = PathRules::without_ownership(&repo.config);
    let default_head = Sha(repo.default_head.clone());
    let analysis = overlap::analyze(&rules.inputs(&default_head, &prs, &base_diffs));
    let mut met: Vec<(usize, Vec<usize>)> = Vec::new();
    for pair in analysis.pairs() {
        if pair.b != question_number {
            continue;
        }
        let branch = (pair.a.0 - 1) as usize;
        let files: Vec<usize> = pair
            .files()
            .filter(|file| file.may_conflict())
            .filter_map(|file| {
                changes[branch].iter().position(|changed| {
                    changed.filename == file.path_in_a
                        || changed.previous_filename.as_deref() == Some(file.path_in_a)
                })
            })
            .collect();
        if !files.is_empty() {
            met.push((branch, files));
        }
    }
    Ok(met)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(path: &str, lines: &[[u32; 2]]) -> Asked {
        Asked {
            path: path.into(),
            lines: lines.to_vec(),
        }
    }

    #[test]
    fn paths_and_lines_are_read_as_written() {
        let top = Path::new("/no/such/top");
        let read = |text| parse_asked(text, top).unwrap();
        assert_eq!(
            read("src/app.rs:42,10-20"),
            asked("src/app.rs", &[[10, 20], [42, 42]])
        );
        assert_eq!(read("src/app.rs:42,10-20").spelled(), "src/app.rs:10-20,42");
        assert_eq!(read("./notes:v2.txt"), asked("notes:v2.txt", &[]));
        assert_eq!(
            read("/no/such/top/src/x.rs:3"),
            asked("src/x.rs", &[[3, 3]])
        );
        assert_eq!(read("docs/"), asked("docs/", &[]));
        assert!(parse_asked("a.rs:3-", top).is_err());
        assert!(parse_asked("docs/:3", top).is_err());
    }

    #[test]
    fn a_path_asked_twice_is_asked_once() {
        assert_eq!(
            merged(vec![
                asked("b", &[[7, 7]]),
                asked("a", &[[1, 2]]),
                asked("b", &[[2, 3]]),
                asked("c", &[[5, 5]]),
                asked("c", &[]),
            ]),
            [
                asked("a", &[[1, 2]]),
                asked("b", &[[2, 3], [7, 7]]),
                asked("c", &[])
            ]
        );
    }
}
