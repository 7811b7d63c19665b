//! Which branches would conflict, by both tiers: the App's line engine, fed from `git diff`
//! exactly as the App feeds it from GitHub (each branch's changes since its merge base with the
//! default branch, and the default branch's changes since each merge base, to carry line
//! numbers to its head), and the exact tier, a real three-way merge by
//! `git merge-tree --write-tree` that writes nothing but unreferenced objects.

use super::diff::changed_files;
use super::error::LocalError;
use super::git::{Git, nul_fields};
use super::repo::Repo;
use crate::ids::{PrNumber, Sha};
use crate::overlap::{self, BaseDiff, Inputs, OpenPr, Ownership};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One branch taking part, at the commit it had.
#[derive(Debug, Clone, Serialize)]
pub struct Branch {
    pub name: String,
    pub lane: Option<String>,
    pub head: String,
    pub merge_base: String,
    /// Whether it has commits the default branch lacks.
    pub ahead: bool,
}

/// What one tier says of a pair (or of a branch and the default branch).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub conflict: bool,
    /// Where: the files the line engine warns about, or the paths git stops on.
    pub paths: Vec<String>,
}

impl Finding {
    fn from_paths(paths: Vec<String>) -> Self {
        Finding {
            conflict: !paths.is_empty(),
            paths,
        }
    }
}

/// Both tiers on one pair of branches.
#[derive(Debug, Clone, Serialize)]
pub struct PairFinding {
    pub a: String,
    pub b: String,
    pub line: Finding,
    pub exact: Finding,
    /// Paths both change that the config says are regenerated rather than merged (lock
    /// files): regenerate them after rebasing. Neither tier counts them as conflicts.
    pub regenerated: Vec<String>,
}

/// Both tiers on one branch against the default branch.
#[derive(Debug, Clone, Serialize)]
pub struct BaseFinding {
    pub branch: String,
    pub line: Finding,
    pub exact: Finding,
    pub regenerated: Vec<String>,
}

/// Everything `conflicts` finds.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub default_branch: String,
    pub default_head: String,
    pub branches: Vec<Branch>,
    /// Every pair, in the order of `branches`.
    pub pairs: Vec<PairFinding>,
    pub with_default: Vec<BaseFinding>,
}

impl Report {
    /// Whether a real merge would stop anywhere.
    pub fn any_conflict(&self) -> bool {
        self.pairs.iter().any(|p| p.exact.conflict)
            || self.with_default.iter().any(|b| b.exact.conflict)
    }

    /// The pairs and branches where the line engine and git disagree.
    pub fn disagreements(&self) -> (Vec<&PairFinding>, Vec<&BaseFinding>) {
        (
            self.pairs
                .iter()
                .filter(|p| p.line.conflict != p.exact.conflict)
                .collect(),
            self.with_default
                .iter()
                .filter(|b| b.line.conflict != b.exact.conflict)
                .collect(),
        )
    }
}

/// Both tiers over `names` (local branches other than the default branch).
pub fn find(repo: &Repo, names: &[String]) -> Result<Report, LocalError> {
    let git = &repo.git;
    let default_head = Sha(repo.default_head.clone());
    let mut branches = Vec::new();
    let mut prs = Vec::new();
    for (number, name) in (1..).zip(names) {
        let head = repo
            .branch_head(name)?
            .ok_or_else(|| LocalError::MissingBranch(name.clone()))?;
        let merge_base = git
            .answer(&["merge-base", &repo.default_head, &head], &[0, 1])
            .map(|answer| String::from_utf8_lossy(&answer.stdout).trim().to_owned())?;
        if merge_base.is_empty() {
            return Err(LocalError::Usage(format!(
                "branch `{name}` shares no history with `{}`",
                repo.default_branch
            )));
        }
        let files = changed_files(git, &merge_base, &head)?;
        let lane = repo.config.lane_for_branch(name).map(|a| a.name.clone());
        prs.push(OpenPr {
            number: PrNumber(number),
            head_sha: Sha(head.clone()),
            merge_base: Sha(merge_base.clone()),
            files,
            files_complete: true,
            lane: lane.clone(),
        });
        branches.push(Branch {
            name: name.clone(),
            lane,
            ahead: merge_base != head,
            head,
            merge_base,
        });
    }
    let mut base_diffs = HashMap::new();
    let bases: BTreeSet<&Sha> = prs.iter().map(|pr| &pr.merge_base).collect();
    for base in bases {
        let files = if *base == default_head {
            Vec::new()
        } else {
            changed_files(git, base.as_str(), &repo.default_head)?
        };
        base_diffs.insert(
            base.clone(),
            BaseDiff {
                files,
                complete: true,
            },
        );
    }
    let ignore = repo.config.ignored();
    let regenerated = repo.config.regenerated();
    let ownership = Ownership::default();
    let analysis = overlap::analyze(&Inputs {
        default_head: &default_head,
        prs: &prs,
        base_diffs: &base_diffs,
        ignore: &ignore,
        regenerated: &regenerated,
        ownership: &ownership,
    });

    let index = |number: PrNumber| (number.0 - 1) as usize;
    let mut line_pairs: HashMap<(usize, usize), Vec<String>> = HashMap::new();
    for pair in analysis.pairs() {
        let paths: BTreeSet<String> = pair
            .files()
            .filter(|f| f.may_conflict() && !regenerated.matches(f.path))
            .map(|f| f.path.to_owned())
            .collect();
        if !paths.is_empty() {
            line_pairs.insert((index(pair.a), index(pair.b)), paths.into_iter().collect());
        }
    }

    let mut merges: Vec<(String, String)> = Vec::new();
    for (i, a) in branches.iter().enumerate() {
        for b in &branches[i + 1..] {
            merges.push((a.head.clone(), b.head.clone()));
        }
    }
    for branch in &branches {
        merges.push((repo.default_head.clone(), branch.head.clone()));
    }
    let mut exact = trial_merges(git, &merges)?.into_iter();

    // Files the config ignores are never mentioned; regenerated ones are told apart.
    let split = |paths: Vec<String>| -> (Finding, Vec<String>) {
        let (regenerate, kept): (Vec<String>, Vec<String>) = paths
            .into_iter()
            .filter(|path| !ignore.matches(path))
            .partition(|path| regenerated.matches(path));
        (Finding::from_paths(kept), regenerate)
    };
    let mut pairs = Vec::new();
    for (i, a) in branches.iter().enumerate() {
        for (j, b) in branches.iter().enumerate().skip(i + 1) {
            let (exact, regenerate) = split(exact.next().unwrap_or_default());
            pairs.push(PairFinding {
                a: a.name.clone(),
                b: b.name.clone(),
                line: Finding::from_paths(line_pairs.remove(&(i, j)).unwrap_or_default()),
                exact,
                regenerated: regenerate,
            });
        }
    }
    let with_default = branches
        .iter()
        .zip(&analysis.prs)
        .map(|(branch, report)| {
            let paths: BTreeSet<String> = report
                .base_conflicts
                .iter()
                .map(|c| c.path.to_owned())
                .chain(report.unmapped_files.iter().map(|p| (*p).to_owned()))
                .filter(|path| !regenerated.matches(path))
                .collect();
            let (exact, regenerate) = split(exact.next().unwrap_or_default());
            BaseFinding {
                branch: branch.name.clone(),
                line: Finding::from_paths(paths.into_iter().collect()),
                exact,
                regenerated: regenerate,
            }
        })
        .collect();
    Ok(Report {
        default_branch: repo.default_branch.clone(),
        default_head: repo.default_head.clone(),
        branches,
        pairs,
        with_default,
    })
}

/// The paths each trial merge stops on (empty: it merges cleanly), in the order given; the
/// merges run on as many threads as the machine has cores.
fn trial_merges(git: &Git, merges: &[(String, String)]) -> Result<Vec<Vec<String>>, LocalError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(merges.len().max(1));
    let chunk = merges.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = merges
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(a, b)| trial_merge(git, a, b))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(merges.len());
        for worker in workers {
            let part = worker.join().unwrap_or_else(|_| {
                Err(LocalError::Git {
                    command: "git merge-tree".into(),
                    message: "a trial merge stopped unexpectedly".into(),
                })
            })?;
            all.extend(part);
        }
        Ok(all)
    })
}

/// `git merge-tree --write-tree`: exit 0 merges cleanly, 1 has conflicts, listed by name
/// after the tree's id.
pub fn trial_merge(git: &Git, a: &str, b: &str) -> Result<Vec<String>, LocalError> {
    let answer = git.answer(
        &[
            "merge-tree",
            "--write-tree",
            "--name-only",
            "-z",
            "--no-messages",
            a,
            b,
        ],
        &[0, 1],
    )?;
    if answer.code == 0 {
        return Ok(Vec::new());
    }
    let paths: BTreeSet<String> = nul_fields(&answer.stdout).skip(1).collect();
    Ok(paths.into_iter().collect())
}
