//! `init`: one worktree per lane beside the repository, `../<repo>-worktrees/<lane>/`.

use super::error::LocalError;
use super::repo::Repo;
use crate::ids::IssueNumber;
use crate::text::errors;
use crate::text::local as words;

/// A lane's worktree as the user finds it from the main worktree.
pub fn display(repo: &Repo, lane: &str) -> String {
    let path = repo.worktree_for(lane);
    match (path.parent(), repo.main_worktree.parent()) {
        (Some(dir), Some(parent)) if dir.parent() == Some(parent) => {
            let group = dir.file_name().unwrap_or_default().to_string_lossy();
            format!("../{group}/{lane}")
        }
        _ => path.display().to_string(),
    }
}

/// Makes the worktrees of the first `agents` lanes (all by default) that do not exist yet: on
/// the lane's branch, created from the default branch if it is missing, or for a template with
/// a branch per task, at the default branch's head until a task starts.
pub fn init(repo: &Repo, agents: Option<usize>) -> Result<String, LocalError> {
    let config = &repo.config;
    let lanes = match agents {
        Some(0) => return Err(LocalError::Usage(errors::no_agents())),
        Some(n) if n > config.agents.len() => {
            return Err(LocalError::Usage(errors::more_agents_than_lanes(
                n,
                config.agents.len(),
            )));
        }
        Some(n) => &config.agents[..n],
        None => &config.agents[..],
    };
    let mut lines = Vec::new();
    for agent in lanes {
        let path = repo.worktree_for(&agent.name);
        let shown = display(repo, &agent.name);
        if path.exists() {
            lines.push(words::worktree_kept(&shown));
            continue;
        }
        let target = path.to_string_lossy().into_owned();
        if config.branch_per_lane() {
            let branch = config.branch_for(agent, IssueNumber(0), "");
            let new_from = if repo.branch_head(&branch)?.is_none() {
                repo.git
                    .run(&["branch", "--no-track", &branch, &repo.default_head])?;
                Some(repo.default_branch.as_str())
            } else {
                None
            };
            repo.git
                .run(&["worktree", "add", "--quiet", &target, &branch])?;
            lines.push(words::worktree_made(&shown, &branch, new_from));
        } else {
            repo.git.run(&[
                "worktree",
                "add",
                "--quiet",
                "--detach",
                &target,
                &repo.default_head,
            ])?;
            lines.push(words::worktree_made_detached(&shown, &repo.default_branch));
        }
    }
    Ok(lines.join("\n"))
}
