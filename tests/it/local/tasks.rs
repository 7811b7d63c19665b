//! The task book: lanes, capacity, dependencies, the plan's time, and its state on disk.

use super::scratch::Scratch;

#[test]
fn init_twice_makes_the_worktrees_once() {
    let scratch = Scratch::new();
    let first = scratch.local(&["init", "--agents", "2"]);
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(
        first.stdout,
        "made ../repo-worktrees/agent-1 on parallel-dev/agent-1, a new branch from main\n\
         made ../repo-worktrees/agent-2 on parallel-dev/agent-2, a new branch from main\n"
    );
    let second = scratch.local(&["init"]);
    assert_eq!(second.code, 0, "{second:?}");
    assert_eq!(
        second.stdout,
        "kept ../repo-worktrees/agent-1: it exists\n\
         kept ../repo-worktrees/agent-2: it exists\n\
         made ../repo-worktrees/agent-3 on parallel-dev/agent-3, a new branch from main\n"
    );
    let listed = scratch.git(&scratch.repo, &["worktree", "list", "--porcelain"]);
    assert_eq!(listed.matches("worktree ").count(), 4, "{listed}");
    assert!(listed.contains("branch refs/heads/parallel-dev/agent-3"));
    let status = scratch.git(&scratch.repo, &["status", "--porcelain"]);
    assert_eq!(status, "", "the user's working tree is untouched");
}

#[test]
fn a_full_lane_queues_a_dependency_blocks_and_completing_moves_both_on() {
    let scratch = Scratch::new();
    scratch.init();
    let assign = scratch.local(&["assign", "agent-1", "T1", "Parser", "--estimate", "2h"]);
    assert_eq!(assign.code, 0, "{assign:?}");
    assert_eq!(
        assign.stdout,
        "T1 assigned on agent-1: branch parallel-dev/agent-1, worktree ../repo-worktrees/agent-1\n"
    );
    let queued = scratch.local(&["assign", "agent-1", "T2", "Lexer", "--estimate", "3h"]);
    assert_eq!(
        queued.stdout,
        "T2 queued for agent-1: the lane is full (1 task at a time)\n"
    );
    let blocked = scratch.local(&[
        "assign",
        "agent-2",
        "T3",
        "Docs",
        "--estimate",
        "1.5h",
        "--depends-on",
        "T1",
    ]);
    assert_eq!(blocked.stdout, "T3 blocked for agent-2: waits for T1\n");
    scratch.local(&["assign", "agent-3", "T4", "CI", "--estimate", "4h"]);
    let status = scratch.local(&["status"]);
    assert_eq!(status.code, 0);
    assert_eq!(
        status.stdout,
        "Lanes:\n  \
         agent-1  parallel-dev/agent-1  T1 Parser (2 h, assigned)  none done\n  \
         agent-2  parallel-dev/agent-2  no task  none done\n  \
         agent-3  parallel-dev/agent-3  T4 CI (4 h, assigned)  none done\n\
         Queued, assigned oldest first when their lane frees:\n  \
         T2 Lexer (3 h) for agent-1\n\
         Blocked:\n  \
         T3 Docs (agent-2): blocked by T1\n\
         Plan: 10.5 h of work, 5 h with 3 lanes.\n"
    );
    let started = scratch.local(&["start", "agent-1"]);
    assert_eq!(
        started.stdout,
        "T1 started on agent-1: branch parallel-dev/agent-1, worktree ../repo-worktrees/agent-1\n"
    );
    let complete = scratch.local(&["complete", "agent-1"]);
    assert_eq!(complete.code, 0, "{complete:?}");
    assert_eq!(
        complete.stdout,
        "T1 is done (agent-1)\n\
         then T2 assigned on agent-1: branch parallel-dev/agent-1, worktree ../repo-worktrees/agent-1\n\
         then T3 assigned on agent-2: branch parallel-dev/agent-2, worktree ../repo-worktrees/agent-2\n"
    );
    let json = scratch.local(&["status", "--json"]).json();
    assert_eq!(json["lanes"][0]["done"], serde_json::json!(["T1"]));
    assert_eq!(json["lanes"][1]["tasks"][0]["id"], "T3");
    assert_eq!(json["plan"]["work_hours"], 8.5);
    assert_eq!(json["plan"]["parallel_hours"], 4.0);
}

#[test]
fn release_frees_the_lane_for_the_next_task() {
    let scratch = Scratch::new();
    scratch.local(&["assign", "agent-2", "A", "First"]);
    scratch.local(&["assign", "agent-2", "B", "Second"]);
    let released = scratch.local(&["release", "agent-2", "A"]);
    assert_eq!(released.code, 0, "{released:?}");
    assert_eq!(
        released.stdout,
        "A is released (agent-2)\n\
         then B assigned on agent-2: branch parallel-dev/agent-2, worktree ../repo-worktrees/agent-2\n"
    );
    let again = scratch.local(&["assign", "agent-1", "A", "First, again"]);
    assert_eq!(
        again.stdout,
        "A assigned on agent-1: branch parallel-dev/agent-1, worktree ../repo-worktrees/agent-1\n"
    );
}

#[test]
fn the_book_lives_in_the_common_git_dir_and_is_shared_by_the_worktrees() {
    let scratch = Scratch::new();
    scratch.init();
    let from_lane = scratch.local_in(
        &scratch.lane("agent-2"),
        &["assign", "agent-2", "T1", "From a lane"],
    );
    assert_eq!(from_lane.code, 0, "{from_lane:?}");
    assert!(scratch.repo.join(".git/switchyard/tasks.db").exists());
    let status = scratch.local(&["status", "--json"]).json();
    assert_eq!(status["lanes"][1]["tasks"][0]["id"], "T1");
    assert_eq!(
        scratch.git(&scratch.lane("agent-2"), &["status", "--porcelain"]),
        "",
        "the lane's worktree is untouched"
    );
}

#[test]
fn a_template_with_a_branch_per_task_starts_the_tasks_branch() {
    let scratch = Scratch::new();
    scratch.write(
        &scratch.repo,
        ".github/switchyard.yml",
        "agents: 2\nbranch_template: \"{agent}/{issue}-{slug}\"\n",
    );
    scratch.commit(&scratch.repo, "Config");
    let init = scratch.local(&["init"]);
    assert_eq!(
        init.stdout,
        "made ../repo-worktrees/agent-1 at main (each task gets its own branch when it starts)\n\
         made ../repo-worktrees/agent-2 at main (each task gets its own branch when it starts)\n"
    );
    scratch.local(&["assign", "agent-1", "T1", "Fix the parser"]);
    let started = scratch.local(&["start", "agent-1"]);
    assert_eq!(
        started.stdout,
        "T1 started on agent-1: branch agent-1/1-fix-the-parser, worktree ../repo-worktrees/agent-1\n"
    );
    scratch.git(
        &scratch.repo,
        &[
            "rev-parse",
            "--verify",
            "refs/heads/agent-1/1-fix-the-parser",
        ],
    );
    let conflicts = scratch.local(&["conflicts"]);
    assert_eq!(conflicts.code, 0, "{conflicts:?}");
    assert!(
        conflicts
            .stdout
            .starts_with("No conflicts among 1 branch and main"),
        "{}",
        conflicts.stdout
    );
}
