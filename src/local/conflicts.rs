//! Which branches would conflict, by both tiers: the App's line engine ([`super::line`]) and
//! a real three-way merge ([`super::exact`]), on every pair and on each branch with the
//! default branch.
//!
//! A file the config says is regenerated rather than merged (a lock file) stops git like any
//! other, so it is a conflict for the exit code and the merge order; it is told apart so
//! that the advice is to regenerate it after rebasing. Files the config ignores are never
//! mentioned.

use super::branch::Branch;
use super::error::LocalError;
use super::exact::{self, Merge};
use super::line::{self, LineTier};
use super::repo::Repo;
use super::snapshot::Compared;
use crate::text::errors;
use serde::Serialize;
use std::collections::BTreeSet;

/// A branch to compare: its name, its commit, and what of it is compared.
#[derive(Debug, Clone)]
pub struct ToCompare {
    pub name: String,
    pub head: String,
    pub compared: Compared,
}

impl ToCompare {
    /// The branch as committed.
    pub fn committed(name: String, head: String) -> ToCompare {
        ToCompare {
            compared: Compared {
                commit: head.clone(),
                uncommitted: false,
                worktree: None,
                in_progress: None,
            },
            name,
            head,
        }
    }
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
    /// `None` when the line tier did not judge the pair (`merge-order`, or a branch whose
    /// changes could not be read).
    pub line: Option<Finding>,
    pub exact: Finding,
    /// The paths git stops on that are regenerated rather than merged (lock files):
    /// regenerate them after rebasing.
    pub regenerated: Vec<String>,
}

/// Both tiers on one branch against the default branch.
#[derive(Debug, Clone, Serialize)]
pub struct BaseFinding {
    pub branch: String,
    pub line: Option<Finding>,
    pub exact: Finding,
    pub regenerated: Vec<String>,
}

/// Everything `conflicts` finds.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The lane asked about (`--lane`, `--mine`): only its pairs are judged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
    pub committed_only: bool,
    pub default_branch: String,
    pub default_head: String,
    pub branches: Vec<Branch>,
    /// Every pair judged, in the order of `branches`.
    pub pairs: Vec<PairFinding>,
    pub with_default: Vec<BaseFinding>,
    /// Branches' changes to paths another lane has claimed.
    pub claimed: Vec<ClaimedChange>,
}

/// A branch changing a path that another lane has claimed: advice, not a conflict.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimedChange {
    pub branch: String,
    /// The branch's changed files the claim covers.
    pub paths: Vec<String>,
    pub claim: crate::claims::Claim,
}

impl Report {
    /// Whether a real merge would stop anywhere.
    pub fn any_conflict(&self) -> bool {
        self.pairs.iter().any(|p| p.exact.conflict)
            || self.with_default.iter().any(|b| b.exact.conflict)
    }

    /// The pairs and branches where the line engine and git disagree.
    pub fn disagreements(&self) -> (Vec<&PairFinding>, Vec<&BaseFinding>) {
        let differs = |line: &Option<Finding>, exact: &Finding| {
            line.as_ref()
                .is_some_and(|line| line.conflict != exact.conflict)
        };
        (
            self.pairs
                .iter()
                .filter(|p| differs(&p.line, &p.exact))
                .collect(),
            self.with_default
                .iter()
                .filter(|b| differs(&b.line, &b.exact))
                .collect(),
        )
    }
}

/// Which tiers to run: `merge-order` needs only the exact one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tiers {
    Both,
    Exact,
}

/// Which pairs to judge: all, or those where one side is among the branches at these
/// places (a lane's), and only they against the default branch.
#[derive(Debug, Clone, Copy)]
pub enum Focus<'a> {
    All,
    On(&'a BTreeSet<usize>),
}

impl Focus<'_> {
    fn pair(&self, i: usize, j: usize) -> bool {
        match self {
            Focus::All => true,
            Focus::On(set) => set.contains(&i) || set.contains(&j),
        }
    }

    fn one(&self, i: usize) -> bool {
        match self {
            Focus::All => true,
            Focus::On(set) => set.contains(&i),
        }
    }
}

/// The tiers over `branches` (local branches other than the default branch), on the pairs
/// `focus` names.
pub fn find(
    repo: &Repo,
    branches: &[ToCompare],
    tiers: Tiers,
    focus: Focus<'_>,
) -> Result<Report, LocalError> {
    let mut branches = resolve(repo, branches)?;
    let mut merges: Vec<Merge> = Vec::new();
    for (i, a) in branches.iter().enumerate() {
        for (j, b) in branches.iter().enumerate().skip(i + 1) {
            if focus.pair(i, j) {
                merges.push((a.tip().to_owned(), b.tip().to_owned()));
            }
        }
    }
    for (i, branch) in branches.iter().enumerate() {
        if focus.one(i) {
            merges.push((repo.default_head.clone(), branch.tip().to_owned()));
        }
    }
    // The tiers share nothing, so they run side by side.
    let (exact, line) = std::thread::scope(|scope| {
        let line = (tiers == Tiers::Both).then(|| scope.spawn(|| line::judge(repo, &branches)));
        let exact = exact::trial_merges(&repo.git, &merges);
        let line = line.map(|line| {
            line.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (exact, line)
    });
    let mut exact = exact?.into_iter();
    if let Some(line) = &line {
        for ((branch, unread), files) in branches.iter_mut().zip(&line.unread).zip(&line.files) {
            branch.unread.clone_from(unread);
            branch.files.clone_from(files);
        }
    }
    let line_pair = |i: usize, j: usize| {
        let line: &LineTier = line.as_ref()?;
        let unread = |at: usize| line.unread.get(at).is_some_and(Option::is_some);
        if unread(i) || unread(j) {
            return None;
        }
        Some(Finding::from_paths(
            line.pairs.get(&(i, j)).cloned().unwrap_or_default(),
        ))
    };
    let line_base = |i: usize| {
        let line: &LineTier = line.as_ref()?;
        if line.unread.get(i).is_some_and(Option::is_some) {
            return None;
        }
        Some(Finding::from_paths(line.with_default[i].clone()))
    };

    let ignore = &repo.config.ignore_paths;
    let regenerated = &repo.config.regenerated_paths;
    let split = |paths: Vec<String>| -> (Finding, Vec<String>) {
        let paths: Vec<String> = paths.into_iter().filter(|p| !ignore.matches(p)).collect();
        let regenerate = paths
            .iter()
            .filter(|path| regenerated.matches(path))
            .cloned()
            .collect();
        (Finding::from_paths(paths), regenerate)
    };
    let mut pairs = Vec::new();
    for (i, a) in branches.iter().enumerate() {
        for (j, b) in branches.iter().enumerate().skip(i + 1) {
            if !focus.pair(i, j) {
                continue;
            }
            let (exact, regenerate) = split(exact.next().unwrap_or_default());
            pairs.push(PairFinding {
                a: a.name.clone(),
                b: b.name.clone(),
                line: line_pair(i, j),
                exact,
                regenerated: regenerate,
            });
        }
    }
    let with_default = (0..branches.len())
        .filter(|&i| focus.one(i))
        .map(|i| {
            let (exact, regenerate) = split(exact.next().unwrap_or_default());
            BaseFinding {
                branch: branches[i].name.clone(),
                line: line_base(i),
                exact,
                regenerated: regenerate,
            }
        })
        .collect();
    Ok(Report {
        lane: None,
        committed_only: false,
        default_branch: repo.default_branch.clone(),
        default_head: repo.default_head.clone(),
        branches,
        pairs,
        with_default,
        claimed: Vec::new(),
    })
}

/// Each branch with its merge base, found side by side. A snapshot's merge base is its
/// branch's: it is a commit on the branch's head.
fn resolve(repo: &Repo, branches: &[ToCompare]) -> Result<Vec<Branch>, LocalError> {
    let bases = super::bases::merge_bases(
        repo,
        &branches
            .iter()
            .map(|branch| branch.head.as_str())
            .collect::<Vec<_>>(),
    );
    branches
        .iter()
        .zip(bases)
        .map(|(branch, merge_base)| {
            let name = &branch.name;
            let merge_base = merge_base?.ok_or_else(|| {
                LocalError::Usage(errors::no_shared_history(name, &repo.default_branch))
            })?;
            let compared = &branch.compared;
            Ok(Branch {
                name: name.clone(),
                lane: repo.config.lane_for_branch(name).map(|a| a.name.clone()),
                ahead: merge_base != branch.head || compared.uncommitted,
                head: branch.head.clone(),
                merge_base,
                uncommitted: compared.uncommitted,
                snapshot: compared.uncommitted.then(|| compared.commit.clone()),
                worktree: compared
                    .worktree
                    .as_ref()
                    .map(|path| path.display().to_string()),
                in_progress: compared.in_progress,
                unread: None,
                files: Vec::new(),
            })
        })
        .collect()
}
