//! Who asks: the lane a command speaks for (`--lane NAME`, `--mine`, or the lane whose
//! worktree it runs in), its worktree and its branches.

use super::book::lane_of;
use super::error::LocalError;
use super::repo::Repo;
use super::snapshot::Checkout;
use crate::ids::IssueNumber;
use crate::text::errors;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The side a question is asked from.
#[derive(Debug, Clone, Default)]
pub struct Asker {
    pub lane: Option<String>,
    /// Its worktree, whose files the lines asked about are counted in.
    pub worktree: Option<PathBuf>,
    /// The branch checked out there (or being rebased there), else the lane's own.
    pub branch: Option<String>,
}

/// Whom a command asks for: the lane named, the lane of the worktree `dir` is in (which
/// `mine` requires there to be), or, when `dir` is in no lane's worktree, that worktree
/// alone.
pub fn asker(
    repo: &Repo,
    dir: &Path,
    lane: Option<&str>,
    mine: bool,
    checkouts: &BTreeMap<String, Checkout>,
) -> Result<Asker, LocalError> {
    if let Some(name) = lane {
        let lane = lane_of(&repo.config, name)?.name.clone();
        return Ok(of_lane(repo, &lane, checkouts));
    }
    let top = canonical(&Repo::top_of(dir)?);
    let branch = checkouts
        .iter()
        .find(|(_, checkout)| canonical(&checkout.path) == top)
        .map(|(branch, _)| branch.clone());
    let lane = branch
        .as_deref()
        .and_then(|branch| repo.config.lane_for_branch(branch))
        .or_else(|| {
            repo.config
                .agents
                .iter()
                .find(|agent| canonical(&repo.worktree_for(&agent.name)) == top)
        })
        .map(|agent| agent.name.clone());
    if mine && lane.is_none() {
        return Err(LocalError::Usage(errors::not_a_lanes_worktree(
            &top.display().to_string(),
        )));
    }
    Ok(Asker {
        lane,
        worktree: Some(top),
        branch,
    })
}

/// The lane `lane` (a configured name): its worktree if it has one, and the branch there.
fn of_lane(repo: &Repo, lane: &str, checkouts: &BTreeMap<String, Checkout>) -> Asker {
    let expected = canonical(&repo.worktree_for(lane));
    let own_branch = repo
        .config
        .agent(lane)
        .filter(|_| repo.config.branch_per_lane())
        .map(|agent| repo.config.branch_for(agent, IssueNumber(0), ""));
    let in_worktree = checkouts
        .iter()
        .find(|(_, checkout)| canonical(&checkout.path) == expected)
        .or_else(|| {
            let branch = own_branch.as_ref()?;
            checkouts.get_key_value(branch)
        });
    match in_worktree {
        Some((branch, checkout)) => Asker {
            lane: Some(lane.to_owned()),
            worktree: Some(checkout.path.clone()),
            branch: Some(branch.clone()),
        },
        None => Asker {
            lane: Some(lane.to_owned()),
            worktree: expected.is_dir().then_some(expected),
            branch: own_branch,
        },
    }
}

impl Asker {
    /// Whether `branch` is the asker's own: its branch, or a branch of its lane.
    pub fn owns(&self, repo: &Repo, branch: &str) -> bool {
        self.branch.as_deref() == Some(branch)
            || self.lane.as_deref().is_some_and(|lane| {
                repo.config
                    .lane_for_branch(branch)
                    .is_some_and(|agent| agent.name.eq_ignore_ascii_case(lane))
            })
    }
}

/// The path with symbolic links resolved, so two spellings of one folder compare equal.
pub fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_owned())
}
