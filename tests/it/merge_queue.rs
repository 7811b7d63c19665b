//! GitHub's merge queue: the "Merge order" run on the queue's temporary commits, and the order
//! computed again when a PR enters or leaves the queue.

use crate::support::{Harness, REPO, changed, real_payload, retarget};
use serde_json::Value;

/// GitHub's real `merge_group` `checks_requested` payload, moved onto the harness's repository
/// and onto a queue commit the fake knows, for PR `pr`.
fn checks_requested(h: &Harness, pr: u64) -> (Value, String) {
    let body = real_payload("merge_group/checks_requested.payload.json");
    let mut payload = retarget(serde_json::from_slice(&body).expect("JSON"), REPO);
    let branch = format!("gh-readonly-queue/main/pr-{pr}-{}", "a".repeat(40));
    h.gh.repo(REPO)
        .file(&branch, "queued.txt", "the queue's merge commit\n");
    let head_sha = h.gh.refs(REPO)[&format!("refs/heads/{branch}")].clone();
    payload["merge_group"]["head_sha"] = Value::String(head_sha.clone());
    payload["merge_group"]["head_ref"] = Value::String(format!("refs/heads/{branch}"));
    (payload, head_sha)
}

fn runs_named(h: &Harness, sha: &str, name: &str) -> Vec<fake_github::CheckRun> {
    h.gh.check_runs(REPO, sha)
        .into_iter()
        .filter(|run| run.name == name)
        .collect()
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn the_queue_commit_gets_a_successful_run_at_once_without_reading_any_pr() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 2, "b")])
        .await;
    h.settle().await;
    assert_eq!(
        h.merge_order_run(b).title.unwrap_or_default(),
        format!("Merge after #{a}")
    );
    let (payload, head_sha) = checks_requested(&h, b);
    h.gh.clear_log();
    let (status, _) = h.deliver("merge_group", &payload).await;
    assert_eq!(status, 202);
    h.settle().await;

    let runs = runs_named(&h, &head_sha, "Merge order");
    assert_eq!(runs.len(), 1, "{runs:#?}");
    let run = &runs[0];
    assert_eq!(run.conclusion.as_deref(), Some("success"));
    assert_eq!(run.title.as_deref(), Some("In GitHub's merge queue"));
    assert_eq!(
        run.summary.as_deref(),
        Some(
            format!(
                "**#{b} is in GitHub's merge queue.** The merge order was judged when the queue \
                 took it in; the queue now merges its pull requests onto `main` one after \
                 another, so nothing is left to wait for here.\n"
            )
            .as_str()
        )
    );
    let calls: Vec<String> = h.gh.requests().into_iter().map(|r| r.endpoint).collect();
    assert!(
        calls.iter().all(|call| !call.contains("/pulls")),
        "no PR is read: {calls:#?}"
    );
    assert_eq!(
        h.writes(),
        [format!("POST /repos/{REPO}/check-runs")],
        "one write: {calls:#?}"
    );
    assert_eq!(
        calls,
        ["POST /repos/{owner}/{repo}/check-runs"],
        "the repository and its config as read when the default branch last moved, our runs \
         on the commit as the store records them (none), then the run"
    );
    assert_eq!(
        h.merge_order_run(b).title.unwrap_or_default(),
        format!("Merge after #{a}"),
        "the PRs' own runs are left as they are"
    );

    // GitHub sends the event again (a redelivery or a second request): nothing new to write.
    h.gh.clear_log();
    h.deliver("merge_group", &payload).await;
    h.settle().await;
    assert!(h.writes().is_empty(), "{:?}", h.writes());
    assert_eq!(runs_named(&h, &head_sha, "Merge order").len(), 1);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn the_run_takes_the_configured_check_name() {
    let h = Harness::start().await;
    h.gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "merge_order:\n  check_name: Queue order\n  enforce: true\n",
    );
    let (payload, head_sha) = checks_requested(&h, 7);
    h.deliver("merge_group", &payload).await;
    h.settle().await;
    let runs = runs_named(&h, &head_sha, "Queue order");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].conclusion.as_deref(), Some("success"));
    assert!(runs_named(&h, &head_sha, "Merge order").is_empty());
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_destroyed_merge_group_needs_nothing() {
    let h = Harness::start().await;
    let (mut payload, head_sha) = checks_requested(&h, 3);
    payload["action"] = Value::String("destroyed".into());
    payload["reason"] = Value::String("dequeued".into());
    h.gh.clear_log();
    let (status, text) = h.deliver("merge_group", &payload).await;
    assert_eq!(
        (status, text.as_str()),
        (200, "a merge group GitHub is done with needs nothing")
    );
    h.settle().await;
    assert!(h.gh.check_runs(REPO, &head_sha).is_empty());
    assert!(h.writes().is_empty());
}

#[tokio::test]
async fn entering_and_leaving_the_queue_computes_the_order_again() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 2, "b")])
        .await;
    h.settle().await;
    let title = |h: &Harness| h.merge_order_run(b).title.unwrap_or_default();
    assert_eq!(title(&h), format!("Merge after #{a}"));
    // #b moved off the shared lines, and the App hears of it only as the queue takes #b in.
    h.gh.push(REPO, b, "", vec![changed("src/other.rs", 1, 1, "b")]);
    h.tell_pr(b, "enqueued").await;
    h.settle().await;
    assert_eq!(title(&h), "Merge now");
    h.gh.push(REPO, b, "", vec![changed("src/app.rs", 11, 1, "b")]);
    h.tell_pr(b, "dequeued").await;
    h.settle().await;
    assert_eq!(title(&h), format!("Merge after #{a}"));
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_merge_group_and_a_push_in_one_claim_read_the_repository_and_its_config_once() {
    let mut h = Harness::start().await;
    h.open_lane_pr("agent-1", &["src/app.rs"]).await;
    h.settle().await;
    // Both events are queued before either is reconciled, so that one claim holds them.
    h.app.take().expect("running").kill();
    h.start_app_without_workers().await;
    let (payload, head_sha) = checks_requested(&h, 1);
    h.deliver("merge_group", &payload).await;
    let main = h.gh.refs(REPO)["refs/heads/main"].clone();
    h.push_default_branch(&main).await;
    h.app.take().expect("running").kill();
    h.gh.clear_log();
    h.start_app().await;
    h.settle().await;

    assert_eq!(runs_named(&h, &head_sha, "Merge order").len(), 1);
    let calls: Vec<String> = h.gh.requests().into_iter().map(|r| r.endpoint).collect();
    let count = |endpoint: &str| calls.iter().filter(|call| *call == endpoint).count();
    assert_eq!(count("GET /repos/{owner}/{repo}"), 1, "{calls:#?}");
    assert_eq!(
        count("GET /repos/{owner}/{repo}/contents/{*path}"),
        1,
        "{calls:#?}"
    );
}
