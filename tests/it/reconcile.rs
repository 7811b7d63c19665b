//! The pipeline end to end: PRs opened and pushed, check runs posted, nothing rewritten.

use crate::support::{Harness, REPO};
use fake_github::{IssueSpec, PrSpec};

#[tokio::test]
async fn every_coordinated_pr_gets_a_merge_order_run() {
    let h = Harness::start().await;
    let first = h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    let second = h.open_lane_pr("agent-2", &["src/b.rs"]).await;
    let outside = h.gh.open_pr(REPO, PrSpec::new("feature/other", ""));
    h.tell_pr(outside, "opened").await;
    h.settle().await;

    let runs = h.gh.check_runs(REPO, &h.head(first));
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].name, "Merge order");
    assert_eq!(runs[0].conclusion.as_deref(), Some("success"));
    assert_eq!(runs[0].title.as_deref(), Some("Merge now"));
    let runs = h.gh.check_runs(REPO, &h.head(second));
    assert_eq!(runs[0].title.as_deref(), Some("Merge now"));
    assert!(
        h.gh.check_runs(REPO, &h.head(outside)).is_empty(),
        "not a lane branch"
    );
}

#[tokio::test]
async fn a_second_reconcile_with_nothing_new_writes_nothing() {
    let h = Harness::start().await;
    let pr = h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    h.settle().await;
    h.gh.clear_log();
    h.check_suite_event(&h.head(pr)).await;
    h.settle().await;
    assert_eq!(h.writes().len(), 0, "{:?}", h.gh.calls_by_endpoint());
}

#[tokio::test]
async fn a_push_moves_the_run_to_the_new_head_and_closing_drops_the_pr() {
    let h = Harness::start().await;
    let first = h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    let second = h.open_lane_pr("agent-2", &["src/b.rs"]).await;
    h.settle().await;
    let new_head = h.gh.push(
        REPO,
        second,
        "",
        vec![fake_github::FileChange::modified("src/c.rs")],
    );
    h.tell_pr(second, "synchronize").await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &new_head).len(), 1);

    h.gh.close_pr(REPO, first);
    h.tell_pr(first, "closed").await;
    h.settle().await;
    let runs = h.gh.check_runs(REPO, &new_head);
    assert_eq!(runs.len(), 1, "nothing changed for it, nothing written");
    assert_eq!(runs[0].title.as_deref(), Some("Merge now"));
}

#[tokio::test]
async fn a_rerequested_run_is_posted_anew() {
    let h = Harness::start().await;
    let pr = h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    h.settle().await;
    h.check_run_event("rerequested", &h.head(pr), None).await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 2);
}

#[tokio::test]
async fn open_prs_are_read_across_pages() {
    let h = Harness::start().await;
    for i in 0..130 {
        h.gh.open_pr(
            REPO,
            PrSpec::new(format!("parallel-dev/agent-{}", i % 3 + 1), ""),
        );
    }
    h.add_repository().await;
    h.settle().await;
    assert_eq!(h.gh.count("GET /repos/*/*/pulls"), 2, "two pages of 100");
    assert_eq!(h.gh.count("POST /repos/*/*/check-runs"), 130);
    assert_eq!(
        h.gh.check_runs(REPO, &h.head(130))[0].title.as_deref(),
        Some("Merge now")
    );
}

#[tokio::test]
async fn config_from_the_default_branch_widens_scope() {
    let h = Harness::start().await;
    h.gh.repo(REPO)
        .file("main", ".github/switchyard.yml", "coordinate: all\n");
    let pr = h.gh.open_pr(REPO, PrSpec::new("feature/anything", ""));
    h.tell_pr(pr, "opened").await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 1);
}

#[tokio::test]
async fn a_fresh_install_creates_its_runs_and_comments_without_looking_for_its_own_first() {
    let h = Harness::start().await;
    let prs: Vec<u64> = (1..=5)
        .map(|i| {
            h.gh.open_pr(
                REPO,
                PrSpec {
                    files: vec![crate::support::changed("src/app.rs", i * 2, 1, "x")],
                    ..PrSpec::new(format!("parallel-dev/agent-{}", i % 3 + 1), "")
                },
            )
        })
        .collect();
    h.add_repository().await;
    h.settle().await;
    assert_eq!(h.gh.count("GET /repos/*/*/commits/*/check-runs"), 0);
    assert_eq!(h.gh.count("GET /repos/*/*/issues/*/comments"), 0);
    assert_eq!(h.gh.count("POST /repos/*/*/check-runs"), 5);
    for pr in prs {
        assert_eq!(h.merge_order_run(pr).name, "Merge order");
        assert_eq!(h.app_comments(pr).len(), 1, "#{pr}: adjacent lines overlap");
    }
}

#[tokio::test]
async fn the_sweep_asks_for_reviews_conditionally_and_writes_nothing_when_nothing_changed() {
    let h = Harness::start().await;
    for lane in ["agent-1", "agent-2", "agent-3"] {
        h.open_lane_pr(lane, &[&format!("src/{lane}.rs")]).await;
    }
    h.settle().await;
    h.gh.clear_log();
    h.app().queue.sweep().await.unwrap();
    h.settle().await;
    let reviews: Vec<u16> =
        h.gh.requests()
            .into_iter()
            .filter(|r| r.endpoint == "GET /repos/{owner}/{repo}/pulls/{n}/reviews")
            .map(|r| r.status)
            .collect();
    assert_eq!(reviews, [304, 304, 304], "GitHub counts none of them");
    assert_eq!(h.writes().len(), 0, "{:?}", h.gh.calls_by_endpoint());
}

#[tokio::test]
async fn the_reconcile_that_opens_the_board_gives_every_run_its_link_in_one_run_per_head() {
    let h = Harness::start().await;
    // Adjacent lines: every run carries annotations, which a later link would have replaced
    // with a second run on the same head.
    let prs: Vec<u64> = (1..=6)
        .map(|i| {
            h.gh.open_pr(
                REPO,
                PrSpec {
                    files: vec![crate::support::changed("src/app.rs", 10 + i, 1, "x")],
                    ..PrSpec::new(format!("parallel-dev/agent-{}", i % 3 + 1), "")
                },
            )
        })
        .collect();
    h.gh.add_issue(
        REPO,
        IssueSpec {
            labels: vec!["parallel".into()],
            ..IssueSpec::new("Add the parser")
        },
    );
    h.add_repository().await;
    h.settle().await;
    h.check_suite_event(&h.head(prs[0])).await;
    h.settle().await;

    let board =
        h.gh.issues(REPO)
            .into_iter()
            .find(|issue| issue.title == "Switchyard status")
            .expect("the first assignment opened the board");
    let link = format!(
        "[status board](https://github.com/{REPO}/issues/{})",
        board.number
    );
    for pr in prs {
        let runs = h.gh.check_runs(REPO, &h.head(pr));
        assert_eq!(runs.len(), 1, "#{pr}: one run on its head");
        let summary = runs[0].summary.clone().unwrap_or_default();
        assert!(summary.contains(&link), "#{pr}: {summary}");
        assert!(
            !runs[0].annotations.is_empty(),
            "#{pr}: its overlapping lines"
        );
    }
}

#[tokio::test]
async fn a_large_first_reconcile_publishes_runs_as_it_reads_with_one_run_per_head() {
    let h = Harness::start().await;
    // PR i and PR i + 40 change adjacent lines of one file: pairs that the batches read apart.
    let prs: Vec<u64> = (0..80)
        .map(|i| {
            h.gh.open_pr(
                REPO,
                PrSpec {
                    files: vec![crate::support::changed(
                        &format!("src/f{}.rs", i % 40),
                        10 + i / 40,
                        1,
                        "x",
                    )],
                    ..PrSpec::new(format!("parallel-dev/agent-{}", i % 3 + 1), "")
                },
            )
        })
        .collect();
    h.add_repository().await;
    h.settle().await;

    let log = h.gh.requests();
    let position = |what: &dyn Fn(&fake_github::RequestRecord) -> bool| {
        log.iter().position(what).expect("such a request")
    };
    let first_run = position(&|r| r.method == "POST" && r.path.ends_with("/check-runs"));
    let last_files = log
        .iter()
        .rposition(|r| r.method == "GET" && r.path.ends_with("/files"))
        .expect("files read");
    assert!(
        first_run < last_files,
        "runs went out before every PR was read"
    );
    let last_run_write = log
        .iter()
        .rposition(|r| r.method != "GET" && r.path.contains("/check-runs"))
        .expect("runs written");
    let first_comment = position(&|r| r.method == "POST" && r.path.ends_with("/comments"));
    assert!(last_run_write < first_comment, "runs before comments");
    for pr in prs {
        let runs = h.gh.check_runs(REPO, &h.head(pr));
        assert_eq!(runs.len(), 1, "#{pr}: one run on its head");
        assert!(!runs[0].annotations.is_empty(), "#{pr}: its shared line");
    }
}
