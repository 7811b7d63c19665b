//! The lanes' work as it is, committed or not: each worktree's files made into a commit of
//! their own, which both tiers then compare exactly as they compare a branch.
//!
//! Nothing of the user's is touched: the snapshot is taken with an index file of our own (a
//! copy of the worktree's, so git's record of each file's size and time spares it reading
//! files that did not change), `git add -A` writes the files' contents as objects and that
//! index alone, and `git write-tree` and `git commit-tree` make a tree and a commit no ref
//! points at, which `git gc` removes in time. The worktree's index, files and refs are left
//! as they were.
//!
//! A worktree in the middle of a merge, a rebase, a cherry-pick or a revert holds a
//! half-done operation, conflict markers and all: its branch is compared as committed, and
//! the answer says why.

use super::error::LocalError;
use super::git::Git;
use super::parallel;
use super::repo::{Repo, Tip};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// An operation git is in the middle of in a worktree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InProgress {
    Merge,
    Rebase,
    CherryPick,
    Revert,
}

impl InProgress {
    pub fn name(self) -> &'static str {
        match self {
            InProgress::Merge => "merge",
            InProgress::Rebase => "rebase",
            InProgress::CherryPick => "cherry-pick",
            InProgress::Revert => "revert",
        }
    }
}

/// A worktree a branch is checked out in.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub path: PathBuf,
    /// The worktree's own git directory, where its index and its operations' state live.
    pub git_dir: PathBuf,
    pub in_progress: Option<InProgress>,
}

/// Each branch checked out in some worktree, with that worktree. A worktree rebasing a
/// branch has its HEAD detached; it is that branch's all the same.
pub fn checkouts(repo: &Repo) -> Result<BTreeMap<String, Checkout>, LocalError> {
    let mut found = BTreeMap::new();
    for worktree in repo.worktrees()? {
        if worktree.bare || worktree.prunable {
            continue;
        }
        let Some(git_dir) = git_dir_of(&worktree.path) else {
            continue;
        };
        let (in_progress, rebasing) = operation(&git_dir);
        if let Some(branch) = worktree.branch.or(rebasing) {
            found.insert(
                branch,
                Checkout {
                    path: worktree.path,
                    git_dir,
                    in_progress,
                },
            );
        }
    }
    Ok(found)
}

/// The worktree's git directory: `.git` itself, or where its `.git` file points.
pub fn git_dir_of(worktree: &Path) -> Option<PathBuf> {
    let dot_git = worktree.join(".git");
    let meta = std::fs::metadata(&dot_git).ok()?;
    if meta.is_dir() {
        return Some(dot_git);
    }
    let text = std::fs::read_to_string(&dot_git).ok()?;
    let target = text.lines().next()?.strip_prefix("gitdir:")?.trim();
    Some(worktree.join(target))
}

/// The operation under way in a worktree with this git directory, and for a rebase the
/// branch it rewrites.
fn operation(git_dir: &Path) -> (Option<InProgress>, Option<String>) {
    for dir in ["rebase-merge", "rebase-apply"] {
        let state = git_dir.join(dir);
        if state.is_dir() {
            let branch = std::fs::read_to_string(state.join("head-name"))
                .ok()
                .and_then(|name| name.trim().strip_prefix("refs/heads/").map(str::to_owned));
            return (Some(InProgress::Rebase), branch);
        }
    }
    let marks = [
        ("MERGE_HEAD", InProgress::Merge),
        ("CHERRY_PICK_HEAD", InProgress::CherryPick),
        ("REVERT_HEAD", InProgress::Revert),
    ];
    let found = marks
        .iter()
        .find(|(file, _)| git_dir.join(file).exists())
        .map(|(_, operation)| *operation);
    (found, None)
}

/// How much of a worktree's uncommitted work a comparison needs.
#[derive(Debug, Clone, Copy)]
pub enum Reach<'a> {
    /// None: the branch as committed.
    Committed,
    /// All of it.
    Whole,
    /// Its work on these paths (files or folders, from the top), the only ones where it can
    /// meet the work it is compared with.
    Paths(&'a [String]),
}

/// What is compared of one branch.
#[derive(Debug, Clone)]
pub struct Compared {
    /// The commit compared: the branch's, or a snapshot of its worktree on it.
    pub commit: String,
    /// Whether the worktree's uncommitted work is in `commit`.
    pub uncommitted: bool,
    pub worktree: Option<PathBuf>,
    /// Why the worktree's work was left out.
    pub in_progress: Option<InProgress>,
}

/// What to compare of each branch (by name and tip), its worktree's work as far as `reach`
/// says, side by side.
pub fn compare(
    repo: &Repo,
    branches: &[(String, Tip)],
    checkouts: &BTreeMap<String, Checkout>,
    reach: &[Reach<'_>],
) -> Result<Vec<Compared>, LocalError> {
    let jobs: Vec<(usize, &Checkout, Reach<'_>)> = branches
        .iter()
        .zip(reach)
        .enumerate()
        .filter_map(|(at, ((name, _), reach))| {
            let checkout = checkouts.get(name)?;
            match reach {
                Reach::Committed => None,
                _ if checkout.in_progress.is_some() => None,
                reach => Some((at, checkout, *reach)),
            }
        })
        .collect();
    let asked: Vec<(&str, &Path, &[String])> = jobs
        .iter()
        .filter_map(|(at, checkout, reach)| match reach {
            Reach::Paths(paths) => Some((
                branches[*at].1.commit.as_str(),
                checkout.path.as_path(),
                *paths,
            )),
            _ => None,
        })
        .collect();
    let mut states = path_states(repo, &asked)?.into_iter();
    let differing: Vec<Vec<String>> = jobs
        .iter()
        .map(|(_, _, reach)| match reach {
            Reach::Paths(_) => states
                .next()
                .unwrap_or_default()
                .into_iter()
                .filter(|state| state.differs)
                .map(|state| state.path)
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    let each: Vec<usize> = (0..jobs.len()).collect();
    let taken = parallel::map(&each, |&job| {
        let (at, checkout, reach) = &jobs[job];
        let tip = &branches[*at].1;
        match reach {
            Reach::Whole => take(repo, checkout, tip, None),
            Reach::Paths(_) if !differing[job].is_empty() => {
                take(repo, checkout, tip, Some(&differing[job]))
            }
            _ => Ok(None),
        }
    });
    let mut snapshots: BTreeMap<usize, String> = BTreeMap::new();
    for ((at, _, _), taken) in jobs.iter().zip(taken) {
        if let Some(commit) = taken? {
            snapshots.insert(*at, commit);
        }
    }
    Ok(branches
        .iter()
        .zip(reach)
        .enumerate()
        .map(|(at, ((name, tip), reach))| {
            let checkout = checkouts.get(name);
            let snapshot = snapshots.remove(&at);
            let wanted = !matches!(reach, Reach::Committed);
            Compared {
                uncommitted: snapshot.is_some(),
                commit: snapshot.unwrap_or_else(|| tip.commit.clone()),
                worktree: checkout.map(|c| c.path.clone()),
                in_progress: checkout.and_then(|c| c.in_progress).filter(|_| wanted),
            }
        })
        .collect())
}

/// A path asked about in a worktree, against a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathState {
    /// As asked: a folder ends with `/`.
    pub path: String,
    /// Whether the commit has something at the path.
    pub committed: bool,
    /// Whether the worktree has something at the path.
    pub on_disk: bool,
    /// Whether the worktree's file (or folder) there may differ from the commit's.
    pub differs: bool,
}

/// For each worktree (with the commit it is compared with, and paths), each path's state:
/// whether its file there may differ from the commit's (its bytes differ, either side is
/// missing, or a folder is there). All the committed files are read by one `git cat-file`,
/// so a worktree that leaves these paths alone costs no git process of its own. Bytes that
/// differ only by git's filters (line endings, say) are found equal by git afterwards.
pub fn path_states(
    repo: &Repo,
    asked: &[(&str, &Path, &[String])],
) -> Result<Vec<Vec<PathState>>, LocalError> {
    let mut input = String::new();
    let mut found: Vec<Vec<PathState>> = vec![Vec::new(); asked.len()];
    let mut read: Vec<(usize, &Path, &str)> = Vec::new();
    for (at, (commit, worktree, paths)) in asked.iter().enumerate() {
        for path in *paths {
            // A name the batch protocol cannot carry is left to git itself.
            if path.contains('\n') {
                found[at].push(PathState {
                    path: path.clone(),
                    committed: true,
                    on_disk: true,
                    differs: true,
                });
                continue;
            }
            input.push_str(&format!("{commit}:{}\n", path.trim_end_matches('/')));
            read.push((at, worktree, path));
        }
    }
    if read.is_empty() {
        return Ok(found);
    }
    let out = repo
        .git
        .run_with_input(&["cat-file", "--batch"], input.as_bytes())?;
    let committed = read_batch(&out, read.len()).ok_or_else(|| LocalError::Git {
        command: "git cat-file --batch".into(),
        message: "answered in a shape it does not have".into(),
    })?;
    for ((at, worktree, path), committed) in read.into_iter().zip(committed) {
        let file = worktree.join(path);
        found[at].push(PathState {
            path: path.to_owned(),
            committed: committed.is_some(),
            on_disk: std::fs::symlink_metadata(&file).is_ok(),
            differs: differs(&file, committed),
        });
    }
    Ok(found)
}

/// An index of our own holding a worktree's files at some paths and nothing else, and git
/// reading it in that worktree.
pub struct PathsIndex {
    _index: TempIndex,
    pub git: Git,
}

/// The worktree's files at the paths of `states` (files, not folders), as `git add` would
/// record them: a file the commit has is added whatever the ignore files say (git tracks
/// it), a new one only if they do not ignore it, and a missing one is left out, so that
/// against the commit it reads as removed.
pub fn paths_index(
    repo: &Repo,
    worktree: &Path,
    states: &[PathState],
) -> Result<PathsIndex, LocalError> {
    let index = TempIndex::new(repo)?;
    let git = Git::new(worktree).with_index(&index.path);
    let literal = |state: &PathState| format!(":(literal){}", state.path);
    let tracked: Vec<String> = states
        .iter()
        .filter(|s| s.on_disk && s.committed)
        .map(literal)
        .collect();
    let new: Vec<String> = states
        .iter()
        .filter(|s| s.on_disk && !s.committed)
        .map(literal)
        .collect();
    if !tracked.is_empty() {
        let mut args = vec!["add", "--all", "--force", "--"];
        args.extend(tracked.iter().map(String::as_str));
        git.run(&args)?;
    }
    if !new.is_empty() {
        // 1: some of them are ignored, and left out; the others are added.
        let mut args = vec!["add", "--all", "--"];
        args.extend(new.iter().map(String::as_str));
        git.answer(&args, &[0, 1])?;
    }
    Ok(PathsIndex { _index: index, git })
}

/// What was committed at a path: the object's type and contents, if there is one.
type Committed<'a> = Option<(&'a str, &'a [u8])>;

/// What `git cat-file --batch` holds for each object asked: its type and contents, or
/// `None` when there is none. `None` overall for output of another shape.
fn read_batch(out: &[u8], count: usize) -> Option<Vec<Committed<'_>>> {
    let mut found = Vec::with_capacity(count);
    let mut at = 0;
    while found.len() < count {
        let end = at + out[at..].iter().position(|&b| b == b'\n')?;
        let header = std::str::from_utf8(&out[at..end]).ok()?;
        at = end + 1;
        let words: Vec<&str> = header.split(' ').collect();
        let object = match words.as_slice() {
            [oid, kind, size] if oid.bytes().all(|b| b.is_ascii_hexdigit()) => {
                let size: usize = size.parse().ok()?;
                let contents = out.get(at..at + size)?;
                at += size + 1;
                Some((*kind, contents))
            }
            // `<name> missing`, `<name> ambiguous`: the name may hold spaces.
            _ => None,
        };
        found.push(object);
    }
    Some(found)
}

/// Whether the file (or folder) at `path` may differ from what was committed there. A
/// folder present on either side is left to the snapshot.
fn differs(path: &Path, committed: Committed<'_>) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return committed.is_some();
    };
    let Some((kind, contents)) = committed else {
        return true;
    };
    if kind != "blob" {
        return true;
    }
    if meta.file_type().is_symlink() {
        return std::fs::read_link(path)
            .map(|target| target.as_os_str().as_encoded_bytes() != contents)
            .unwrap_or(true);
    }
    if !meta.is_file() || meta.len() != contents.len() as u64 {
        return true;
    }
    std::fs::read(path).map_or(true, |bytes| bytes != contents)
}

/// An index file of our own in the state directory, removed when dropped.
struct TempIndex {
    path: PathBuf,
}

static TAKEN: AtomicUsize = AtomicUsize::new(0);

impl TempIndex {
    fn new(repo: &Repo) -> Result<TempIndex, LocalError> {
        let dir = repo.state_dir.join("snapshots");
        std::fs::create_dir_all(&dir).map_err(|error| LocalError::Io {
            path: dir.clone(),
            error,
        })?;
        let n = TAKEN.fetch_add(1, Ordering::Relaxed);
        Ok(TempIndex {
            path: dir.join(format!("index-{}-{n}", std::process::id())),
        })
    }
}

impl Drop for TempIndex {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(self.path.with_extension("lock"));
    }
}

/// What the index file `index` of a worktree holds (what a commit made now would hold),
/// made into a commit on `tip`; `None` when it holds what `tip` does. The index file is
/// copied first, so git's lock on it while a commit is being made is no obstacle.
pub fn staged(
    repo: &Repo,
    worktree: &Path,
    index: &Path,
    tip: &Tip,
) -> Result<Option<String>, LocalError> {
    let copy = TempIndex::new(repo)?;
    std::fs::copy(index, &copy.path).map_err(|error| LocalError::Io {
        path: index.to_owned(),
        error,
    })?;
    let git = Git::new(worktree).with_index(&copy.path);
    let tree = git.text(&["write-tree"])?;
    commit_unless(&git, &tree, tip, worktree)
}

/// The worktree's files made into a commit on `tip`, all of them or only `paths`; `None`
/// when they are as committed.
pub fn take(
    repo: &Repo,
    checkout: &Checkout,
    tip: &Tip,
    paths: Option<&[String]>,
) -> Result<Option<String>, LocalError> {
    let index = TempIndex::new(repo)?;
    let git = Git::new(&checkout.path).with_index(&index.path);
    // A copy of the worktree's index spares `git add` reading every file again: what git
    // recorded of their sizes and times says which changed. With `paths`, only those are
    // read from the worktree; the rest is as its index has it (its staged changes too).
    let own_index = checkout.git_dir.join("index");
    if std::fs::copy(&own_index, &index.path).is_err() {
        git.run(&["read-tree", &tip.commit])?;
    }
    let added = match paths {
        None => git.run(&["add", "--all"]).map(drop),
        Some(paths) => {
            let mut args = vec!["add".to_owned(), "--all".to_owned(), "--".to_owned()];
            args.extend(paths.iter().map(|path| format!(":(literal){path}")));
            git.run(&args).map(drop)
        }
    };
    if added.is_err() && paths.is_some() {
        // A path git refuses to add on its own (one the worktree ignores): the whole
        // worktree then, which never names a path.
        drop(index);
        return take(repo, checkout, tip, None);
    }
    added?;
    let tree = git.text(&["write-tree"])?;
    commit_unless(&git, &tree, tip, &checkout.path)
}

/// A commit of `tree` on `tip`, no ref pointing at it; `None` when `tree` is the tip's own.
fn commit_unless(
    git: &Git,
    tree: &str,
    tip: &Tip,
    worktree: &Path,
) -> Result<Option<String>, LocalError> {
    if tree == tip.tree {
        return Ok(None);
    }
    let message = format!("switchyard: uncommitted work in {}", worktree.display());
    let commit = git.text(&[
        "-c",
        "user.name=Switchyard",
        "-c",
        "user.email=switchyard@localhost",
        "commit-tree",
        "--no-gpg-sign",
        tree,
        "-p",
        &tip.commit,
        "-m",
        &message,
    ])?;
    Ok(Some(commit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_answer_is_read_object_by_object() {
        let oid = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";
        let out = format!("{oid} blob 3\nab\n\nHEAD:a b missing\n{oid} tree 0\n\n");
        let read = read_batch(out.as_bytes(), 3).unwrap();
        assert_eq!(read[0], Some(("blob", &b"ab\n"[..])));
        assert_eq!(read[1], None);
        assert_eq!(read[2], Some(("tree", &b""[..])));
        assert!(read_batch(b"garbage", 1).is_none());
    }

    #[test]
    fn a_file_differs_when_its_bytes_or_its_kind_do() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        let file = dir.join("f");
        std::fs::write(&file, b"same\n").unwrap();
        assert!(!differs(&file, Some(("blob", b"same\n"))));
        assert!(differs(&file, Some(("blob", b"other\n"))));
        assert!(differs(&file, None), "new in the worktree");
        assert!(differs(&dir.join("gone"), Some(("blob", b"x"))));
        assert!(!differs(&dir.join("gone"), None), "missing on both sides");
        assert!(differs(dir, Some(("tree", b""))), "a folder is left to git");
    }
}
