//! The "Merge order" check run, told as stories against the fake GitHub.

use crate::support::{Harness, INSTALLATION, REPO, changed};
use serde_json::json;

fn title(h: &Harness, pr: u64) -> String {
    h.merge_order_run(pr).title.unwrap_or_default()
}

fn conclusion(h: &Harness, pr: u64) -> String {
    h.merge_order_run(pr).conclusion.unwrap_or_default()
}

#[tokio::test]
async fn independent_prs_may_all_merge_now() {
    let h = Harness::start().await;
    let prs = [
        h.open_pr_with("agent-1", "", vec![changed("a.rs", 1, 1, "x")])
            .await,
        h.open_pr_with("agent-2", "", vec![changed("b.rs", 1, 1, "x")])
            .await,
        h.open_pr_with("agent-3", "", vec![changed("c.rs", 1, 1, "x")])
            .await,
    ];
    h.settle().await;
    for pr in prs {
        assert_eq!(
            (title(&h, pr).as_str(), conclusion(&h, pr).as_str()),
            ("Merge now", "success")
        );
    }
}

#[tokio::test]
async fn a_chain_of_dependencies_merges_in_order() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("a.rs", 1, 1, "x")])
        .await;
    let b = h
        .open_pr_with(
            "agent-2",
            &format!("Depends on #{a}"),
            vec![changed("b.rs", 1, 1, "x")],
        )
        .await;
    let c = h
        .open_pr_with(
            "agent-3",
            &format!("Depends on #{b}"),
            vec![changed("c.rs", 1, 1, "x")],
        )
        .await;
    h.settle().await;
    assert_eq!(title(&h, a), "Merge now");
    assert_eq!(title(&h, b), format!("Merge after #{a}"));
    assert_eq!(title(&h, c), format!("Merge after #{b}"));
    assert_eq!(conclusion(&h, c), "neutral");
    let summary = h.merge_order_run(c).summary.unwrap_or_default();
    assert!(
        summary.contains(&format!("- #{b}: this pull request depends on it")),
        "{summary}"
    );
}

#[tokio::test]
async fn a_dependency_cycle_is_reported_and_never_merges() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "Depends on #2", vec![changed("a.rs", 1, 1, "x")])
        .await;
    let b = h
        .open_pr_with("agent-2", "Depends on #1", vec![changed("b.rs", 1, 1, "x")])
        .await;
    assert_eq!((a, b), (1, 2));
    h.settle().await;
    for pr in [a, b] {
        assert_eq!(title(&h, pr), "Dependency cycle: #1 and #2");
        assert_ne!(conclusion(&h, pr), "success");
    }
}

#[tokio::test]
async fn in_a_conflict_triangle_one_goes_first_and_the_others_wait() {
    let h = Harness::start().await;
    let prs = [
        h.open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
            .await,
        h.open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 2, "b")])
            .await,
        h.open_pr_with("agent-3", "", vec![changed("src/app.rs", 10, 2, "c")])
            .await,
    ];
    h.settle().await;
    let now: Vec<u64> = prs
        .iter()
        .copied()
        .filter(|pr| title(&h, *pr) == "Merge now")
        .collect();
    assert_eq!(now, vec![prs[0]], "the oldest goes first among equals");
    let summary = h.merge_order_run(prs[0]).summary.unwrap_or_default();
    assert!(
        summary.contains("**Once this lands, these will need a rebase:**"),
        "{summary}"
    );
    assert!(title(&h, prs[2]).starts_with("Merge after"));
    let summary = h.merge_order_run(prs[2]).summary.unwrap_or_default();
    assert!(
        summary.contains("both change the same lines of `src/app.rs`"),
        "{summary}"
    );
}

#[tokio::test]
async fn a_draft_is_left_out_of_the_queue() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
        .await;
    h.gh.set_draft(REPO, a, true);
    h.tell_pr(a, "converted_to_draft").await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 2, "b")])
        .await;
    h.settle().await;
    assert_eq!(title(&h, a), "Draft: not in the merge queue");
    assert_eq!(title(&h, b), "Merge now");
    let comment = h.app_comments(b).join("\n");
    assert!(comment.contains("draft, same lines"), "{comment}");
}

#[tokio::test]
async fn an_approval_puts_the_ready_pr_first() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 2, "b")])
        .await;
    h.settle().await;
    assert_eq!(title(&h, a), "Merge now");
    h.gh.approve(REPO, b, "reviewer");
    h.deliver(
        "pull_request_review",
        &json!({
            "action": "submitted",
            "pull_request": { "number": b, "head": { "sha": h.head(b) } },
            "repository": { "full_name": REPO, "default_branch": "main" },
            "installation": { "id": INSTALLATION }
        }),
    )
    .await;
    h.settle().await;
    assert_eq!(title(&h, b), "Merge now");
    assert_eq!(title(&h, a), format!("Merge after #{b}"));
}

#[tokio::test]
async fn a_merge_releases_the_prs_that_waited_for_it() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
        .await;
    let b = h
        .open_pr_with(
            "agent-2",
            &format!("Depends on #{a}"),
            vec![changed("b.rs", 1, 1, "b")],
        )
        .await;
    let c = h
        .open_pr_with("agent-3", "", vec![changed("c.rs", 1, 1, "c")])
        .await;
    h.settle().await;
    assert_eq!(title(&h, b), format!("Merge after #{a}"));
    let runs_on_c = h.gh.check_runs(REPO, &h.head(c)).len();
    h.gh.merge_pr(REPO, a);
    h.tell_pr(a, "closed").await;
    h.settle().await;
    assert_eq!(title(&h, b), "Merge now");
    assert_eq!(
        h.gh.check_runs(REPO, &h.head(c)).len(),
        runs_on_c,
        "c's run did not change"
    );
}

#[tokio::test]
async fn enforce_mode_requires_action_from_waiting_prs() {
    let h = Harness::start().await;
    h.gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "merge_order:\n  enforce: true\n",
    );
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 2, "b")])
        .await;
    h.settle().await;
    assert_eq!(conclusion(&h, a), "success");
    assert_eq!(conclusion(&h, b), "action_required");
}

#[tokio::test]
async fn the_recompute_button_posts_a_fresh_run() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("a.rs", 1, 1, "x")])
        .await;
    h.settle().await;
    let run = h.merge_order_run(a);
    assert_eq!(run.actions.len(), 1);
    assert_eq!(run.actions[0].identifier, "recompute");
    h.check_run_event("requested_action", &h.head(a), Some("recompute"))
        .await;
    h.settle().await;
    assert_eq!(h.gh.check_runs(REPO, &h.head(a)).len(), 2);
    assert_eq!(title(&h, a), "Merge now");
}

#[tokio::test]
async fn a_renamed_check_is_used_from_config() {
    let h = Harness::start().await;
    h.gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "merge_order:\n  check_name: Queue\n",
    );
    let a = h
        .open_pr_with("agent-1", "", vec![changed("a.rs", 1, 1, "x")])
        .await;
    h.settle().await;
    let runs = h.gh.check_runs(REPO, &h.head(a));
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].name, "Queue");
}

#[tokio::test]
async fn a_run_is_created_on_its_head_and_updated_without_one_as_github_describes() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("a.rs", 1, 1, "x")])
        .await;
    h.settle().await;
    h.gh.set_draft(REPO, a, true);
    h.tell_pr(a, "converted_to_draft").await;
    h.settle().await;
    let bodies = |endpoint: &str| -> Vec<serde_json::Value> {
        h.gh.requests()
            .into_iter()
            .filter(|r| r.endpoint == endpoint && r.status < 300)
            .map(|r| r.body.unwrap_or_default())
            .collect()
    };
    let created = bodies("POST /repos/{owner}/{repo}/check-runs");
    let updated = bodies("PATCH /repos/{owner}/{repo}/check-runs/{id}");
    assert_eq!(created.len(), 1, "{created:#?}");
    assert_eq!(updated.len(), 1, "{updated:#?}");
    let head = h.head(a);
    let summary = |run: &serde_json::Value| run["output"]["summary"].clone();
    assert_eq!(
        created[0],
        json!({
            "name": "Merge order",
            "head_sha": head,
            "external_id": created[0]["external_id"],
            "status": "completed",
            "conclusion": "success",
            "output": {"title": "Merge now", "summary": summary(&created[0]), "annotations": []},
            "actions": [{
                "label": "Recompute",
                "description": "Compute the merge order again",
                "identifier": "recompute",
            }],
        })
    );
    assert_eq!(
        updated[0],
        json!({
            "name": "Merge order",
            "external_id": updated[0]["external_id"],
            "status": "completed",
            "conclusion": "neutral",
            "output": {
                "title": "Draft: not in the merge queue",
                "summary": summary(&updated[0]),
                "annotations": [],
            },
            "actions": [{
                "label": "Recompute",
                "description": "Compute the merge order again",
                "identifier": "recompute",
            }],
        }),
        "an update takes no head_sha"
    );
}
