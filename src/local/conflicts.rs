//! Which branches would conflict, by both tiers: the App's line engine ([`super::line`]) and
//! a real three-way merge ([`super::exact`]), on every pair and on each branch with the
//! default branch.
//!
//! A file the config says is regenerated rather than merged (a lock file) stops git like any
//! other, so it is a conflict for the exit code and the merge order; it is told apart so
//! that the advice is to regenerate it after rebasing. Files the config ignores are never
//! mentioned.

use super::error::LocalError;
use super::exact::{self, Merge};
use super::line::{self, LineTier};
use super::parallel;
use super::repo::Repo;
use serde::Serialize;

/// One branch taking part, at the commit it had.
#[derive(Debug, Clone, Serialize)]
pub struct Branch {
    pub name: String,
    pub lane: Option<String>,
    pub head: String,
    pub merge_base: String,
    /// Whether it has commits the default branch lacks.
    pub ahead: bool,
    /// Why its changes could not be read, so that only the exact tier judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
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

/// The tiers over `branches` (local branches other than the default branch, by name and
/// head).
pub fn find(
    repo: &Repo,
    branches: &[(String, String)],
    tiers: Tiers,
) -> Result<Report, LocalError> {
    let mut branches = resolve(repo, branches)?;
    let mut merges: Vec<Merge> = Vec::new();
    for (i, a) in branches.iter().enumerate() {
        for b in &branches[i + 1..] {
            merges.push((a.head.clone(), b.head.clone()));
        }
    }
    for branch in &branches {
        merges.push((repo.default_head.clone(), branch.head.clone()));
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
        for (branch, unread) in branches.iter_mut().zip(&line.unread) {
            branch.unread.clone_from(unread);
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

    let ignore = repo.config.ignored();
    let regenerated = repo.config.regenerated();
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
        default_branch: repo.default_branch.clone(),
        default_head: repo.default_head.clone(),
        branches,
        pairs,
        with_default,
    })
}

/// Each branch with its merge base, found side by side.
fn resolve(repo: &Repo, branches: &[(String, String)]) -> Result<Vec<Branch>, LocalError> {
    let git = &repo.git;
    let bases = parallel::map(branches, |(_, head)| {
        git.answer(&["merge-base", &repo.default_head, head], &[0, 1])
            .map(|answer| String::from_utf8_lossy(&answer.stdout).trim().to_owned())
    });
    branches
        .iter()
        .zip(bases)
        .map(|((name, head), merge_base)| {
            let merge_base = merge_base?;
            if merge_base.is_empty() {
                return Err(LocalError::Usage(format!(
                    "branch `{name}` shares no history with `{}`",
                    repo.default_branch
                )));
            }
            Ok(Branch {
                name: name.clone(),
                lane: repo.config.lane_for_branch(name).map(|a| a.name.clone()),
                ahead: merge_base != *head,
                head: head.clone(),
                merge_base,
                unread: None,
            })
        })
        .collect()
}
