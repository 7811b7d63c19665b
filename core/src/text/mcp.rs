//! The words of `switchyard mcp`: what the server tells an agent's client about itself, and
//! what `check_my_changes` advises doing about each conflict it finds.

/// Sent to the client when a session starts: what the tools are for and when to call them.
pub const INSTRUCTIONS: &str = "Switchyard coordinates lanes: parallel workers, each on its own \
branch and worktree of one repository. This server speaks for the lane whose worktree it was \
started in. Call `my_task` first to learn your task and what it waits for; `touching` before you \
edit files, to see which other lanes change them or have claimed them; `claim` the paths you are \
about to change; `check_my_changes` after editing (committed or not) to find conflicts with other \
lanes and the default branch while they are small; `start_task` and `complete_task` as your task \
moves on. `board` and `merge_order` show the whole team.";

/// The default branch, when a report does not name it.
pub const DEFAULT_BRANCH: &str = "the default branch";

/// Who a conflict is with: a lane's branch, or a branch no lane owns.
pub fn who(branch: &str, lane: Option<&str>) -> String {
    match lane {
        Some(lane) => format!("{lane} (branch {branch})"),
        None => format!("branch {branch}"),
    }
}

/// The default branch changed what the lane changes. `paths` names them, as
/// [`super::local::conflict_paths`] words it (lock files last, with the advice to regenerate them).
pub fn rebase_on_default(default_branch: &str, paths: &str) -> String {
    format!(
        "Rebase on {default_branch} now (`git rebase {default_branch}` once your work is \
         committed): it changed the same lines, and git stops on {paths}."
    )
}

/// Another lane changes the same lines: `who` as [`who`] words it.
pub fn agree_with(who: &str, paths: &str) -> String {
    format!(
        "Agree with {who} which of you merges first (`merge_order` says which costs fewer \
         rebases), and keep off each other's lines meanwhile: you both change the same lines, \
         and git stops on {paths}."
    )
}

/// The line engine warns where git merges cleanly: lines next to each other.
pub fn lines_near(who: &str, paths: &str) -> String {
    format!(
        "{who} changes lines next to yours in {paths}: git merges them cleanly today; look \
         before you widen your change there."
    )
}

/// Nothing of the lane's conflicts.
pub fn nothing_to_do(default_branch: &str) -> String {
    format!("Nothing you changed conflicts with another lane or with {default_branch}: carry on.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_conflict_says_what_to_do() {
        let mut said = Vec::new();
        let other = who("parallel-dev/agent-2", Some("agent-2"));
        said.push(other.clone());
        said.push(who("feature", None));
        said.push(agree_with(&other, "src/app.rs"));
        said.push(rebase_on_default("main", "README"));
        said.push(lines_near("branch feature", "a.rs"));
        said.push(nothing_to_do("main"));
        insta::assert_snapshot!(said.join("\n"));
    }

    #[test]
    fn the_instructions_a_client_gets() {
        insta::assert_snapshot!(INSTRUCTIONS);
    }
}
