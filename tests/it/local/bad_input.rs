//! Every bad input gets one clear line and exit code 2, and changes nothing.

use super::scratch::Scratch;

fn refused(answer: &super::scratch::Answer, line: &str) {
    assert_eq!(answer.code, 2, "{answer:?}");
    assert_eq!(answer.stdout, "");
    assert_eq!(answer.stderr, format!("switchyard: {line}\n"));
}

#[test]
fn outside_a_repository() {
    let scratch = Scratch::empty();
    let answer = scratch.local(&["status"]);
    refused(
        &answer,
        &format!(
            "not a git repository: {} (run `switchyard local` inside one)",
            scratch.repo.display()
        ),
    );
}

#[test]
fn a_repository_without_commits() {
    let scratch = Scratch::unborn();
    refused(
        &scratch.local(&["init"]),
        "the repository has no commits yet: commit something to the default branch first",
    );
    assert!(!scratch.has_state());
    assert!(!scratch.root.join("repo-worktrees").exists());
}

#[test]
fn a_detached_head() {
    let scratch = Scratch::new();
    scratch.git(&scratch.repo, &["checkout", "--quiet", "--detach"]);
    refused(
        &scratch.local(&["assign", "agent-1", "T1", "Parser"]),
        &format!(
            "HEAD is detached in {}: check out the default branch there, or pass --default-branch NAME",
            scratch.repo.display()
        ),
    );
    assert!(!scratch.has_state());
    let named = scratch.local(&["--default-branch", "main", "status"]);
    assert_eq!(named.code, 0, "{named:?}");
}

#[test]
fn a_missing_lane_branch_or_other_branch() {
    let scratch = Scratch::new();
    refused(
        &scratch.local(&["conflicts"]),
        "lane `agent-1` has no branch `parallel-dev/agent-1` yet: run `switchyard local init`",
    );
    scratch.init();
    refused(
        &scratch.local(&["conflicts", "--branch", "nope"]),
        "there is no branch `nope`",
    );
    refused(
        &scratch.local(&["merge-order", "--branch", "main"]),
        "`main` is the default branch: every branch is compared with it already",
    );
    refused(
        &scratch.local(&["--default-branch", "trunk", "status"]),
        "the default branch `trunk` does not exist",
    );
}

#[test]
fn completing_with_a_dirty_worktree() {
    let scratch = Scratch::new();
    scratch.init();
    scratch.local(&["assign", "agent-1", "T1", "Parser"]);
    scratch.write(&scratch.lane("agent-1"), "work.txt", "not committed\n");
    refused(
        &scratch.local(&["complete", "agent-1"]),
        &format!(
            "{} has uncommitted changes: commit or stash them first",
            scratch.lane("agent-1").display()
        ),
    );
    let status = scratch.local(&["status"]);
    assert!(
        status.stdout.contains("T1 Parser (no estimate, assigned)"),
        "{}",
        status.stdout
    );
    let conflicts = scratch.local(&["conflicts"]);
    assert_eq!(conflicts.stderr, "");
    assert!(
        conflicts.stdout.ends_with(
            "With uncommitted work, as their worktrees hold it: parallel-dev/agent-1.\n"
        ),
        "{}",
        conflicts.stdout
    );
}

#[test]
fn bad_tasks_and_lanes() {
    let scratch = Scratch::new();
    refused(
        &scratch.local(&["assign", "agent-9", "T1", "Parser"]),
        "there is no lane `agent-9`: did you mean `agent-1`? the lanes are agent-1, agent-2, agent-3",
    );
    refused(
        &scratch.local(&["assign", "agent-1", "T1", "Parser", "--depends-on", "T0"]),
        "task T1 depends on T0, which is not in the book",
    );
    refused(
        &scratch.local(&["assign", "agent-1", "T1", "Parser", "--estimate", "soon"]),
        "estimate `soon` is not like 2h, 30m or 1d",
    );
    refused(
        &scratch.local(&["start", "agent-1"]),
        "lane `agent-1` has no task to be started",
    );
    refused(
        &scratch.local(&["init", "--agents", "5"]),
        "--agents 5: the config has 3 lanes; set `agents: 5` in .github/switchyard.yml",
    );
    let status = scratch.local(&["status", "--json"]).json();
    assert_eq!(status["lanes"][0]["tasks"], serde_json::json!([]));
    let usage = scratch.local(&["assign", "agent-1"]);
    assert_eq!(usage.code, 2);
    assert!(
        usage
            .stderr
            .contains("required arguments were not provided"),
        "{}",
        usage.stderr
    );
}

#[test]
fn a_broken_config() {
    let scratch = Scratch::new();
    scratch.write(
        &scratch.repo,
        ".github/switchyard.yml",
        "agents: 2\ntrak: {}\n",
    );
    let answer = scratch.local(&["status"]);
    assert_eq!(answer.code, 2, "{answer:?}");
    assert!(
        answer
            .stderr
            .starts_with("switchyard: .github/switchyard.yml:2"),
        "{}",
        answer.stderr
    );
    assert!(!scratch.has_state());
}

#[test]
fn starting_or_completing_on_a_lane_without_its_branch_or_worktree() {
    let scratch = Scratch::new();
    assert_eq!(
        scratch.local(&["assign", "agent-1", "T1", "Parser"]).code,
        0
    );
    let missing_branch =
        "lane `agent-1` has no branch `parallel-dev/agent-1` yet: run `switchyard local init`";
    refused(&scratch.local(&["start", "agent-1"]), missing_branch);
    refused(&scratch.local(&["complete", "agent-1"]), missing_branch);
    scratch.git(&scratch.repo, &["branch", "parallel-dev/agent-1"]);
    let missing_worktree =
        "lane `agent-1` has no worktree ../repo-worktrees/agent-1: run `switchyard local init`";
    refused(&scratch.local(&["start", "agent-1"]), missing_worktree);
    refused(&scratch.local(&["complete", "agent-1"]), missing_worktree);
    let status = scratch.local(&["status"]);
    assert!(
        status.stdout.contains("T1 Parser (no estimate, assigned)"),
        "nothing changed: {}",
        status.stdout
    );
    scratch.init();
    assert_eq!(scratch.local(&["start", "agent-1"]).code, 0);
}

#[test]
fn a_lane_worktree_with_a_detached_head() {
    let scratch = Scratch::new();
    scratch.init();
    scratch.local(&["assign", "agent-2", "T1", "Parser"]);
    scratch.git(
        &scratch.lane("agent-2"),
        &["checkout", "--quiet", "--detach"],
    );
    let detached = "HEAD is detached in ../repo-worktrees/agent-2: its commits are on no lane \
                    branch; run `git switch parallel-dev/agent-2` there";
    refused(&scratch.local(&["start", "agent-2"]), detached);
    refused(&scratch.local(&["complete", "agent-2"]), detached);
    refused(&scratch.local(&["conflicts"]), detached);
    refused(&scratch.local(&["merge-order"]), detached);
    let status = scratch.local(&["status"]);
    assert!(
        status.stdout.contains("T1 Parser (no estimate, assigned)"),
        "nothing changed: {}",
        status.stdout
    );
}

#[test]
fn named_branches_are_compared_before_any_lane_has_a_branch() {
    let scratch = Scratch::new();
    scratch.git(&scratch.repo, &["branch", "spike"]);
    scratch.git(&scratch.repo, &["switch", "--quiet", "spike"]);
    scratch.edit_line(&scratch.repo, 2, "two, on the spike");
    scratch.commit(&scratch.repo, "Spike");
    scratch.git(&scratch.repo, &["switch", "--quiet", "main"]);
    let answer = scratch.local(&["conflicts", "--branch", "spike"]);
    assert_eq!(answer.code, 0, "{answer:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        answer.stdout,
        format!(
            "No conflicts among 1 branch and main ({head}).\nThe line engine agrees on every pair.\n"
        )
    );
    let order = scratch.local(&["merge-order", "--branch", "spike"]);
    assert_eq!(order.code, 0, "{order:?}");
    assert!(
        order.stdout.contains("  1. spike: merge now\n"),
        "{}",
        order.stdout
    );
    assert!(!scratch.has_book(), "reading commands make no task book");
}
