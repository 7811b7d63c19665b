//! Issues labelled for lanes: assignment, estimates, dependencies, capacity, release and
//! completion, planned overlaps and the status board, told as stories on the fake GitHub.

mod commands;
mod labels;
pub(crate) mod story;

use crate::support::{REPO, delivery_id};
use fake_github::FileChange;
use story::Story;

const TWO_LANES: &str = "agents:\n  - {name: alpha, login: octocat}\n  - {name: beta}\n";
const ONE_LANE: &str = "agents: 1\n";

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn labelling_assigns_a_lane_with_its_branch_assignee_and_start_commands() {
    let s = Story::configured(TWO_LANES).await;
    let issue = s.issue("Add the parser", "Parse the input.");
    s.label(issue, "parallel").await;
    s.settle().await;

    assert_eq!(s.labels(issue), ["agent:alpha", "parallel"]);
    assert_eq!(s.issue_now(issue).assignees, ["octocat"]);
    let branch = "refs/heads/parallel-dev/alpha";
    assert_eq!(
        s.h.gh.refs(REPO).get(branch),
        s.h.gh.refs(REPO).get("refs/heads/main"),
        "the lane branch starts at the default branch's head"
    );
    let comment = s.task_comment(issue);
    assert!(comment.contains("**Assigned to lane `alpha`**, on branch `parallel-dev/alpha`."));
    assert!(comment.contains(
        "git fetch origin && git worktree add --track -b parallel-dev/alpha ../repo-alpha \
         origin/parallel-dev/alpha"
    ));
    assert!(comment.contains("- Depends on: nothing."));
    let label =
        s.h.gh
            .repo_labels(REPO)
            .into_iter()
            .find(|l| l.name == "agent:alpha")
            .expect("the agent label was created");
    assert_eq!(label.color, "1d76db");
    assert_eq!(
        label.description.as_deref(),
        Some("Assigned to Switchyard lane alpha")
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn an_agent_label_puts_the_issue_on_that_lane() {
    let s = Story::configured(TWO_LANES).await;
    let issue = s.issue("Docs", "");
    s.label(issue, "agent:beta").await;
    s.settle().await;
    assert_eq!(s.labels(issue), ["agent:beta"]);
    assert!(s.issue_now(issue).assignees.is_empty(), "beta has no login");
    assert!(
        s.task_comment(issue)
            .contains("on branch `parallel-dev/beta`")
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn estimates_come_from_estimate_and_size_labels() {
    let s = Story::start().await;
    let short = s.issue("Fix a typo", "");
    s.h.gh.label_issue(REPO, short, "estimate: 30m");
    let medium = s.issue("Add a command", "");
    s.h.gh.label_issue(REPO, medium, "size: M");
    s.label(short, "parallel").await;
    s.label(medium, "parallel").await;
    s.settle().await;

    assert!(s.task_comment(short).contains("- Estimate: 30 min."));
    assert!(s.task_comment(medium).contains("- Estimate: 4 h."));
    let board = s.board();
    assert!(board.contains("| `agent-1` |"), "{board}");
    assert!(board.contains("30 min") && board.contains("4 h"), "{board}");
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_dependency_blocks_until_it_closes_then_the_issue_is_assigned() {
    let s = Story::start().await;
    let base = s.issue("Core types", "");
    let waiting = s.issue("Use the types", "Depends on #1");
    s.label(waiting, "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(waiting), ["blocked", "parallel"]);
    assert!(
        s.task_comment(waiting)
            .contains("**Blocked** by #1, which is still open.")
    );
    assert!(
        !s.h.gh
            .refs(REPO)
            .contains_key("refs/heads/parallel-dev/agent-1")
    );

    s.close(base).await;
    s.settle().await;
    assert_eq!(s.labels(waiting), ["agent:agent-1", "parallel"]);
    let comment = s.task_comment(waiting);
    assert!(
        comment.contains("Was blocked by #1, now assigned."),
        "{comment}"
    );
    assert!(comment.contains("- Depends on: #1 (closed)."));
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn an_edited_body_is_read_again() {
    let s = Story::start().await;
    s.issue("Core types", "");
    let later = s.issue("Use the types", "");
    s.label(later, "parallel").await;
    s.settle().await;
    assert!(s.labels(later).contains(&"agent:agent-1".to_owned()));

    s.edit_body(later, "Blocked by #1").await;
    s.settle().await;
    assert_eq!(s.labels(later), ["agent:agent-1", "blocked", "parallel"]);
    assert!(s.task_comment(later).contains("**Blocked** by #1"));
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_dependency_cycle_is_reported_and_nothing_is_assigned() {
    let s = Story::start().await;
    let first = s.issue("One", "Depends on #2");
    let second = s.issue("Two", "- [ ] #1");
    s.label(first, "parallel").await;
    s.label(second, "parallel").await;
    s.settle().await;
    for issue in [first, second] {
        assert_eq!(s.labels(issue), ["blocked", "parallel"]);
    }
    assert!(
        s.task_comment(first)
            .contains("**Dependency cycle**: #1 → #2 → #1")
    );
    assert!(
        s.boards().is_empty(),
        "the board opens at the first assignment"
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_full_lane_queues_and_frees_for_the_oldest_waiting_issue() {
    let s = Story::configured(ONE_LANE).await;
    let first = s.issue("First", "");
    let second = s.issue("Second", "");
    let third = s.issue("Third", "");
    s.label(first, "parallel").await;
    s.settle().await;
    s.label(third, "parallel").await;
    s.label(second, "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(second), ["parallel", "queued"]);
    assert_eq!(s.labels(third), ["parallel", "queued"]);
    assert!(
        s.task_comment(second)
            .contains("**Queued**: every lane is full")
    );

    s.unlabel(first, "agent:agent-1").await;
    s.settle().await;
    assert!(
        s.task_comment(first)
            .contains("**Released** from lane `agent-1`")
    );
    assert_eq!(s.labels(first), Vec::<String>::new());
    assert_eq!(s.labels(second), ["agent:agent-1", "parallel"]);
    assert_eq!(s.labels(third), ["parallel", "queued"]);
    assert!(
        s.task_comment(second)
            .contains("**Assigned to lane `agent-1`**")
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn two_issues_labelled_at_once_never_overfill_a_lane() {
    let mut s = Story::configured(ONE_LANE).await;
    // Both events are queued before either is reconciled.
    s.h.app.take().expect("running").kill();
    s.h.start_app_without_workers().await;
    let first = s.issue("First", "");
    let second = s.issue("Second", "");
    s.label(first, "parallel").await;
    s.label(second, "parallel").await;
    s.h.app.take().expect("running").kill();
    s.h.start_app().await;
    s.settle().await;
    let on_lane: Vec<u64> = [first, second]
        .into_iter()
        .filter(|n| s.labels(*n).contains(&"agent:agent-1".to_owned()))
        .collect();
    assert_eq!(on_lane, [first]);
    assert_eq!(s.labels(second), ["parallel", "queued"]);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn closing_an_issue_unmerged_frees_its_lane() {
    let s = Story::configured(ONE_LANE).await;
    let first = s.issue("First", "");
    let second = s.issue("Second", "");
    s.label(first, "parallel").await;
    s.label(second, "parallel").await;
    s.settle().await;
    s.close(first).await;
    s.settle().await;
    assert!(
        s.task_comment(first)
            .contains("**Closed** without a merged pull request, so lane `agent-1` is free")
    );
    assert_eq!(s.labels(second), ["agent:agent-1", "parallel"]);
}

/// An assigned issue and an open pull request from its lane that closes it.
async fn task_with_pull_request(s: &Story) -> (u64, u64) {
    let issue = s.issue("Parser", "");
    s.label(issue, "parallel").await;
    s.settle().await;
    let pr =
        s.h.open_pr_with(
            "agent-1",
            &format!("Closes #{issue}"),
            vec![
                FileChange::modified("src/parser.rs"),
                FileChange::added("tests/parser.rs"),
            ],
        )
        .await;
    s.settle().await;
    assert!(s.board().contains(&format!("| #{pr} |")), "{}", s.board());
    (issue, pr)
}

fn assert_done(s: &Story, issue: u64, pr: u64) {
    let comment = s.task_comment(issue);
    assert!(
        comment.contains(&format!("**Done**: #{pr} merged"))
            && comment.contains("after lane `agent-1` took this issue, changing 2 files."),
        "{comment}"
    );
    let board = s.board();
    assert!(
        board.contains("| `agent-1` | `parallel-dev/agent-1` | — | — | 1 |"),
        "{board}"
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_merged_pull_request_closing_the_issue_marks_the_task_done() {
    let s = Story::start().await;
    let (issue, pr) = task_with_pull_request(&s).await;
    s.h.gh.merge_pr(REPO, pr);
    s.h.tell_pr(pr, "closed").await;
    s.settle().await;
    s.close(issue).await;
    s.settle().await;
    assert_done(&s, issue, pr);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_task_is_done_when_its_issue_closes_before_the_merge_event_arrives() {
    let s = Story::start().await;
    let (issue, pr) = task_with_pull_request(&s).await;
    s.h.gh.merge_pr(REPO, pr);
    s.close(issue).await;
    s.settle().await;
    assert_done(&s, issue, pr);
    s.h.tell_pr(pr, "closed").await;
    s.settle().await;
    assert_done(&s, issue, pr);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn with_tasks_in_play_a_push_reads_nothing_more_of_them() {
    let s = Story::start().await;
    let (_, pr) = task_with_pull_request(&s).await;
    s.h.gh.clear_log();
    let head =
        s.h.gh
            .push(REPO, pr, "", vec![FileChange::modified("src/lexer.rs")]);
    s.h.tell_pr(pr, "synchronize").await;
    s.settle().await;
    assert_eq!(s.h.head(pr), head);
    let task_reads: Vec<String> =
        s.h.gh
            .requests()
            .into_iter()
            .filter(|r| r.path.contains("/issues") || r.path.contains("/labels"))
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
    assert_eq!(task_reads, Vec::<String>::new());
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn tracks_that_share_paths_warn_both_issues() {
    // With footprints waited for, the server's issue would wait for the API's instead.
    let config = "footprint_wait: false\ntracks:\n  api:\n    paths: [\"src/api/**\"]\n  \
                  server:\n    paths: [\"src/**\"]\n";
    let s = Story::configured(config).await;
    let api = s.issue("API", "");
    s.h.gh.label_issue(REPO, api, "track:api");
    let server = s.issue("Server", "");
    s.h.gh.label_issue(REPO, server, "track:server");
    s.label(api, "parallel").await;
    s.label(server, "parallel").await;
    s.settle().await;
    let api_comment = s.task_comment(api);
    assert!(api_comment.contains("Planned overlap"), "{api_comment}");
    assert!(api_comment.contains(&format!(
        "#{server} on lane `agent-2`: track `server` owns `src/**`, which overlaps `src/api/**` here."
    )));
    assert!(s.task_comment(server).contains("Planned overlap"));
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn the_status_board_is_opened_once_and_edited_in_place() {
    let s = Story::start().await;
    let first = s.issue("First", "");
    s.label(first, "parallel").await;
    s.settle().await;
    let before = s.board();
    assert!(before.contains("<!-- switchyard:status -->"));
    assert!(before.contains(&format!("#{first} First")), "{before}");
    let number = s.boards()[0].number;

    let second = s.issue("Second", "");
    s.label(second, "parallel").await;
    s.settle().await;
    let after = s.board();
    assert_eq!(s.boards()[0].number, number);
    assert!(after.contains(&format!("#{second} Second")), "{after}");
    assert!(s.h.app_comments(number).is_empty());
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_redelivered_label_event_assigns_nothing_twice() {
    let s = Story::start().await;
    let issue = s.issue("First", "");
    s.h.gh.label_issue(REPO, issue, "parallel");
    let body = serde_json::to_vec(&s.issue_event("labeled", issue, Some("parallel"))).unwrap();
    let delivery = delivery_id();
    assert_eq!(s.h.deliver_as("issues", &delivery, &body).await.0, 202);
    s.settle().await;
    s.h.gh.clear_log();

    let (status, text) = s.h.deliver_as("issues", &delivery, &body).await;
    assert_eq!((status, text.as_str()), (200, "already received"));
    // The same event under a new delivery id, as a re-sent webhook has.
    assert_eq!(s.h.deliver_as("issues", &delivery_id(), &body).await.0, 202);
    s.settle().await;
    assert_eq!(s.h.writes(), Vec::<String>::new());
    assert_eq!(s.h.app_comments(issue).len(), 1);
    assert_eq!(s.labels(issue), ["agent:agent-1", "parallel"]);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_second_reconcile_writes_nothing() {
    let s = Story::configured(ONE_LANE).await;
    s.issue("Base", "");
    let blocked = s.issue("Blocked", "Depends on #1");
    let assigned = s.issue("Assigned", "");
    let queued = s.issue("Queued", "");
    for issue in [blocked, assigned, queued] {
        s.label(issue, "parallel").await;
    }
    s.settle().await;
    s.h.gh.clear_log();

    s.tell_issue("edited", assigned, None).await;
    s.h.check_suite_event(&"0".repeat(40)).await;
    s.settle().await;
    assert_eq!(s.h.writes(), Vec::<String>::new());
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_repository_without_tasks_spends_nothing_on_them_after_a_push() {
    let s = Story::start().await;
    let pr = s.h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    s.settle().await;
    s.h.gh.clear_log();
    s.h.gh
        .push(REPO, pr, "", vec![FileChange::modified("src/b.rs")]);
    s.h.tell_pr(pr, "synchronize").await;
    s.settle().await;
    assert_eq!(s.h.gh.count("GET /repos/*/*/issues"), 0);
    assert_eq!(s.h.gh.count("GET /repos/*/*/labels"), 0);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn worked_example_three_lanes_six_issues() {
    let s = Story::start().await;
    let issues = [
        ("Core types", "", "estimate: 2h"),
        ("Parser", "Depends on #1", "estimate: 3h"),
        ("Lexer", "", "estimate: 1h"),
        ("Command line", "Depends on #2", "estimate: 2h"),
        ("Docs", "", "estimate: 30m"),
        ("Benchmarks", "- [ ] #2\n- [ ] #3", "estimate: 4h"),
    ];
    for (title, body, estimate) in issues {
        let number = s.issue(title, body);
        s.h.gh.label_issue(REPO, number, estimate);
        s.label(number, "parallel").await;
    }
    s.settle().await;
    let core =
        s.h.open_pr_with(
            "agent-1",
            "Closes #1",
            vec![FileChange::modified("src/core.rs")],
        )
        .await;
    s.h.open_pr_with(
        "agent-2",
        "Closes #3",
        vec![FileChange::modified("src/lexer.rs")],
    )
    .await;
    s.settle().await;
    s.h.gh.merge_pr(REPO, core);
    s.h.tell_pr(core, "closed").await;
    s.close(1).await;
    s.settle().await;
    assert!(
        s.task_comment(2)
            .contains("Was blocked by #1, now assigned.")
    );
    assert_eq!(s.board(), WORKED_EXAMPLE_BOARD);
}

/// The board of the worked example: #1 done through #8, #2 assigned when #1 closed, #4 and
/// #6 still blocked, the lexer's pull request first in the merge queue.
const WORKED_EXAMPLE_BOARD: &str = "<!-- switchyard:status -->
The lanes, what waits, the merge queue and the plan. Switchyard keeps this issue up to date.

## Lanes

| Lane | Branch | Task | Estimate | Done | Open PR | Overlaps |
| --- | --- | --- | --- | --- | --- | --- |
| `agent-1` | `parallel-dev/agent-1` | #2 Parser | 3 h | 1 | — | — |
| `agent-2` | `parallel-dev/agent-2` | #3 Lexer | 1 h | 0 | #9 | none |
| `agent-3` | `parallel-dev/agent-3` | #5 Docs | 30 min | 0 | — | — |

## Waiting

Blocked:

- #4 Command line: waits for #2
- #6 Benchmarks: waits for #2 and #3

## Merge queue

| Order | Pull request | Waits for |
| --- | --- | --- |
| 1 | #9 | nothing: merge now |

This order costs 0 rebases; the fewest possible is 0; arrival order would cost 0.

## Plan

10.5 h of work, 7 h with 3 lanes.

- Longest chain of dependencies: #2 → #6, 7 h.

The time with lanes places the open tasks one at a time, the one with the longest chain of \
work behind it first, each on its own lane or on the lane that can start it earliest once its \
dependencies are done.";
