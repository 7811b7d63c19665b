//! The lanes' worktrees: what `init` made of them, and how their uncommitted work was
//! compared or left out.

/// A worktree whose uncommitted work was left out: an operation is under way there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOutView<'a> {
    pub worktree: &'a str,
    /// The operation as git names it: "rebase", "cherry-pick".
    pub operation: &'a str,
    pub branch: &'a str,
}

/// `init` found the lane's worktree there already.
pub fn worktree_kept(worktree: &str) -> String {
    format!("kept {worktree}: it exists")
}

/// `init` made the lane's worktree on its branch, with `new_from` the default branch when it
/// made the branch too.
pub fn worktree_made(worktree: &str, branch: &str, new_from: Option<&str>) -> String {
    let made_branch = new_from
        .map(|default_branch| format!(", a new branch from {default_branch}"))
        .unwrap_or_default();
    format!("made {worktree} on {branch}{made_branch}")
}

/// `init` made the worktree of a lane with a branch per task, at the default branch's head.
pub fn worktree_made_detached(worktree: &str, default_branch: &str) -> String {
    format!("made {worktree} at {default_branch} (each task gets its own branch when it starts)")
}

/// A worktree whose work was left out because an operation is under way there.
pub(super) fn in_progress(left: &LeftOutView<'_>) -> String {
    format!(
        "{} is in the middle of a {}: {} is compared as committed, without its worktree's \
         changes",
        left.worktree, left.operation, left.branch
    )
}

/// The branches whose worktrees' uncommitted work was compared.
pub(super) fn uncommitted_compared(branches: &[&str]) -> String {
    format!(
        "With uncommitted work, as their worktrees hold it: {}.",
        branches.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_says_what_it_made_and_what_it_kept() {
        let said = [
            worktree_made(
                "../r-worktrees/agent-1",
                "parallel-dev/agent-1",
                Some("main"),
            ),
            worktree_made("../r-worktrees/agent-1", "parallel-dev/agent-1", None),
            worktree_made_detached("../r-worktrees/agent-1", "main"),
            worktree_kept("../r-worktrees/agent-1"),
        ];
        insta::assert_snapshot!(said.join("\n"));
    }
}
