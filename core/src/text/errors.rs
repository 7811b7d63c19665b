//! Why the command line or the MCP server refuses what it was asked, each in one line: the
//! refusals worded where the command finds them. Failures of a kind (git missing, no
//! repository, a store error) are worded on their error types.

/// `--mine` (or a tool for the lane here) outside every lane's worktree.
pub fn not_a_lanes_worktree(dir: &str) -> String {
    format!("{dir} is no lane's worktree: run this in one, or name the lane with --lane NAME")
}

pub fn task_id_not_one_word(id: &str) -> String {
    format!("task id `{id}` must be one word")
}

pub fn estimate_unreadable(estimate: &str) -> String {
    format!("estimate `{estimate}` is not like 2h, 30m or 1d")
}

pub fn depends_on_itself(id: &str) -> String {
    format!("task {id} cannot depend on itself")
}

pub fn depends_on_unknown(id: &str, dependency: &str) -> String {
    format!("task {id} depends on {dependency}, which is not in the book")
}

/// A task id the book has, for a task not released: `done` or still open.
pub fn task_exists(id: &str, lane: &str, done: bool) -> String {
    let standing = if done { "done" } else { "in the book" };
    format!("task {id} is already {standing} (lane `{lane}`)")
}

pub fn no_task(id: &str) -> String {
    format!("there is no task {id}")
}

pub fn task_on_another_lane(id: &str, on: &str, asked: &str) -> String {
    format!("task {id} is on lane `{on}`, not `{asked}`")
}

/// A task that cannot be `doing` ("started", "completed"): `standing` as
/// [`super::local::describe`] words it.
pub fn task_cannot_be(id: &str, doing: &str, standing: &str) -> String {
    format!("task {id} cannot be {doing}: it is {standing}")
}

pub fn lane_has_no_task(lane: &str, doing: &str) -> String {
    format!("lane `{lane}` has no task to be {doing}")
}

pub fn lane_has_several_tasks(lane: &str, doing: &str, ids: &[&str]) -> String {
    format!(
        "lane `{lane}` has {} tasks to be {doing} ({}): name one",
        ids.len(),
        ids.join(", ")
    )
}

/// A lane the config does not have, with the closest name it has.
pub fn no_lane(name: &str, closest: Option<&str>, lanes: &[&str]) -> String {
    let hint = closest
        .map(|lane| format!("did you mean `{lane}`? "))
        .unwrap_or_default();
    format!(
        "there is no lane `{name}`: {hint}the lanes are {}",
        lanes.join(", ")
    )
}

/// `claim --for` with a duration it cannot read, `why` saying how to write one.
pub fn claim_duration(why: &str) -> String {
    format!("--for {why}")
}

pub fn no_shared_history(branch: &str, default_branch: &str) -> String {
    format!("branch `{branch}` shares no history with `{default_branch}`")
}

pub fn default_branch_named(branch: &str) -> String {
    format!("`{branch}` is the default branch: every branch is compared with it already")
}

/// Why the line engine could not read how the default branch moved since a merge base.
pub fn default_changes_unread(default_branch: &str, error: &str) -> String {
    format!("the changes of {default_branch} since its merge base could not be read ({error})")
}

pub fn touching_glob(path: &str) -> String {
    format!("`{path}`: `touching` takes files and folders, not globs")
}

pub fn folder_lines(asked: &str, folder: &str) -> String {
    format!("`{asked}`: {folder} is a folder, which has no lines")
}

pub fn lines_unreadable(asked: &str) -> String {
    format!("`{asked}`: lines are written like 42, 10-20 or 10-20,42, counted from 1")
}

pub fn staged_without_worktree() -> String {
    "--staged needs a worktree: run it in one".to_owned()
}

pub fn no_index(worktree: &str) -> String {
    format!("{worktree} has no index")
}

pub fn no_agents() -> String {
    "--agents must be at least 1".to_owned()
}

pub fn more_agents_than_lanes(asked: usize, lanes: usize) -> String {
    format!(
        "--agents {asked}: the config has {lanes} lanes; set `agents: {asked}` in \
         .github/switchyard.yml"
    )
}

/// A tool's `start_line`/`end_line` pair it cannot read.
pub fn end_line_alone(path: &str) -> String {
    format!("{path}: end_line without start_line")
}

pub fn line_zero(path: &str) -> String {
    format!("{path}: lines count from 1")
}

pub fn end_before_start(path: &str, start: u32, end: u32) -> String {
    format!("{path}: end_line {end} is before start_line {start}")
}

pub fn board_has_no_lane(lane: &str) -> String {
    format!("the board has no lane `{lane}`")
}

pub fn no_path_named() -> String {
    "name at least one path".to_owned()
}

pub fn plan_apply_where() -> String {
    "say where the tasks go: `--local` (the task book of the repository here) or \
     `--github OWNER/REPO`"
        .to_owned()
}

pub fn no_work_items(path: &str) -> String {
    format!("{path} holds no work items to apply")
}

pub fn no_token() -> String {
    "set GITHUB_TOKEN to a token that may read and write the repository's issues".to_owned()
}

/// `plan apply --write-config` would leave the config invalid: `errors` as the config check
/// renders them.
pub fn tracks_invalid(config_path: &str, errors: &str) -> String {
    format!("the tracks would make {config_path} invalid, so it was left as it was:\n{errors}")
}

pub fn no_runtime(error: &str) -> String {
    format!("cannot start the runtime: {error}")
}

pub fn session_not_started(error: &str) -> String {
    format!("the MCP session did not start: {error}")
}

pub fn session_stopped(error: &str) -> String {
    format!("the MCP session stopped: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_in_one_line() {
        let said = [
            not_a_lanes_worktree("/home/me/repo"),
            task_id_not_one_word("T 1"),
            estimate_unreadable("soon"),
            depends_on_itself("T1"),
            depends_on_unknown("T2", "T9"),
            task_exists("T1", "agent-1", false),
            task_exists("T1", "agent-1", true),
            no_task("T9"),
            task_on_another_lane("T1", "agent-1", "agent-2"),
            task_cannot_be("T3", "started", "blocked by T1"),
            lane_has_no_task("agent-1", "completed"),
            lane_has_several_tasks("agent-1", "started", &["T1", "T2"]),
            no_lane(
                "agent-9",
                Some("agent-1"),
                &["agent-1", "agent-2", "agent-3"],
            ),
            no_lane("zeta", None, &["agent-1", "agent-2"]),
            claim_duration("`soon` is not like 2h, 30m or 1d"),
            no_shared_history("orphan", "main"),
            default_branch_named("main"),
            default_changes_unread("main", "git diff: unable to read 1234"),
            touching_glob("src/*.rs"),
            folder_lines("src:3", "src/"),
            lines_unreadable("app.txt:x"),
            staged_without_worktree(),
            no_index("../repo-worktrees/agent-1"),
            no_agents(),
            more_agents_than_lanes(5, 3),
            end_line_alone("src/app.rs"),
            line_zero("src/app.rs"),
            end_before_start("src/app.rs", 9, 3),
            board_has_no_lane("agent-9"),
            no_path_named(),
            plan_apply_where(),
            no_work_items("PLAN.md"),
            no_token(),
            no_runtime("out of threads"),
            session_not_started("connection closed"),
            session_stopped("connection closed"),
        ];
        for line in &said {
            assert!(!line.contains('\n'), "{line}");
        }
        insta::assert_snapshot!(said.join("\n"));
        insta::assert_snapshot!(tracks_invalid(
            ".github/switchyard.yml",
            ".github/switchyard.yml:4:3: unknown key `pahts`, did you mean `paths`?"
        ));
    }
}
