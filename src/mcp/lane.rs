//! Which lane a tool speaks for: the one it names, or the one whose worktree the server was
//! started in.

use super::error::ToolError;
use crate::local::book::lane_of;
use crate::local::git::Git;
use crate::local::repo::Repo;
use std::path::{Path, PathBuf};

/// The lane named `asked` (any case, as the config spells it), or else the lane of the
/// worktree `dir` is in: the lane its branch belongs to, or the lane whose worktree it is
/// (with a branch per task, a lane's worktree waits on a detached HEAD between tasks).
pub fn resolve(repo: &Repo, dir: &Path, asked: Option<&str>) -> Result<String, ToolError> {
    if let Some(name) = asked {
        return Ok(lane_of(&repo.config, name)?.name.clone());
    }
    let top = PathBuf::from(Git::new(dir).text(&["rev-parse", "--show-toplevel"])?);
    let branch = repo.checked_out()?.get(&top).cloned().flatten();
    if let Some(agent) = branch
        .as_deref()
        .and_then(|b| repo.config.lane_for_branch(b))
    {
        return Ok(agent.name.clone());
    }
    if let Some(agent) = repo
        .config
        .agents
        .iter()
        .find(|agent| repo.worktree_for(&agent.name) == top)
    {
        return Ok(agent.name.clone());
    }
    Err(ToolError::NoLane {
        worktree: top,
        branch,
    })
}
