//! GitHub's sub-issues: an issue with the trigger label and sub-issues is a plan whose open
//! sub-issues are the tasks, told as a story on the fake GitHub with the `sub_issues` events
//! GitHub sends, made from the payloads in `fixtures/`.

use crate::assign::story::Story;
use crate::linked_issues::fixture;
use crate::support::{REPO, retarget};
use serde_json::{Value, json};

const THREE_LANES: &str = "agents:\n  - {name: alpha}\n  - {name: beta}\n  - {name: gamma}\n";

/// The `sub_issues` event GitHub sends the parent's repository.
fn sub_issue_event(action: &str, parent: u64, sub: u64) -> Value {
    let mut payload = retarget(fixture("sub_issues/sub_issue_added.payload.json"), REPO);
    payload["action"] = json!(action);
    payload["parent_issue"]["number"] = json!(parent);
    payload["sub_issue"]["number"] = json!(sub);
    payload["sub_issue_repo"]["full_name"] = json!(REPO);
    payload
}

impl Story {
    async fn add_sub(&self, parent: u64, sub: u64) -> Value {
        self.h.gh.add_sub_issue(REPO, parent, REPO, sub).unwrap();
        self.tell_sub_issues(sub_issue_event("sub_issue_added", parent, sub))
            .await
    }

    async fn remove_sub(&self, parent: u64, sub: u64) -> Value {
        self.h.gh.remove_sub_issue(REPO, parent, REPO, sub);
        self.tell_sub_issues(sub_issue_event("sub_issue_removed", parent, sub))
            .await
    }

    async fn tell_sub_issues(&self, event: Value) -> Value {
        let (status, text) = self.h.deliver("sub_issues", &event).await;
        assert_eq!(status, 202, "{text}");
        self.settle().await;
        event
    }
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_parent_with_sub_issues_is_a_plan_on_three_lanes() {
    let s = Story::configured(THREE_LANES).await;
    let parent = s.issue("Importer", "");
    let mut subs = Vec::new();
    for (title, estimate) in [
        ("Manifest", "2h"),
        ("Entries", "1h"),
        ("Index", "1h"),
        ("Publish", "30m"),
        ("Docs", "1h"),
    ] {
        let sub = s.issue(title, "");
        s.h.gh
            .label_issue(REPO, sub, &format!("estimate: {estimate}"));
        s.h.gh.add_sub_issue(REPO, parent, REPO, sub).unwrap();
        subs.push(sub);
    }
    // "Publish" waits for "Index", linked on GitHub.
    s.h.gh
        .link_blocked_by(REPO, subs[3], REPO, subs[2])
        .unwrap();
    s.label(parent, "parallel").await;
    s.settle().await;

    assert_eq!(s.labels(parent), ["parallel"], "the plan takes no lane");
    assert_eq!(s.labels(subs[0]), ["agent:alpha", "estimate: 2h"]);
    assert_eq!(s.labels(subs[1]), ["agent:beta", "estimate: 1h"]);
    assert_eq!(s.labels(subs[2]), ["agent:gamma", "estimate: 1h"]);
    assert_eq!(s.labels(subs[3]), ["blocked", "estimate: 30m"]);
    assert_eq!(s.labels(subs[4]), ["estimate: 1h", "queued"]);
    let [manifest, entries, index, publish, docs] = subs[..] else {
        unreachable!()
    };
    assert_eq!(
        s.task_comment(parent),
        format!(
            "<!-- switchyard:assign -->
**Plan**: 0 of 5 done; 5.5 h left, about 2 h with 3 lanes.

Its open sub-issues are the tasks; this issue itself is never given a lane.

- #{manifest} Manifest: running on lane `alpha`
- #{entries} Entries: running on lane `beta`
- #{index} Index: running on lane `gamma`
- #{publish} Publish: blocked by #{index} (linked on GitHub)
- #{docs} Docs: queued"
        )
    );

    let board = s.board();
    assert!(
        board.contains(&format!(
            "- #{parent} Importer: 0 of 5 done, 5.5 h left\n  - #{manifest} Manifest: running \
             on lane `alpha`"
        )),
        "{board}"
    );

    s.close(entries).await;
    s.settle().await;
    let comment = s.task_comment(parent);
    assert!(
        comment.contains("**Plan**: 1 of 5 done; 4.5 h left"),
        "{comment}"
    );
    assert!(comment.contains(&format!("- #{entries} Entries: done")));
    assert!(comment.contains(&format!("- #{docs} Docs: running on lane `beta`")));

    // "Docs" leaves the plan: its agent label still holds lane `beta` (labels are the
    // truth), so "Changelog", joining, waits for a lane.
    let removed = s.remove_sub(parent, docs).await;
    assert_eq!(s.labels(docs), ["agent:beta", "estimate: 1h"]);
    let changelog = s.issue("Changelog", "");
    s.tell_issue("opened", changelog, None).await;
    let added = s.add_sub(parent, changelog).await;
    let comment = s.task_comment(parent);
    assert!(!comment.contains(&format!("#{docs} ")), "{comment}");
    assert!(
        comment.contains(&format!("- #{changelog} Changelog: queued")),
        "{comment}"
    );
    for event in [&removed, &added] {
        assert_eq!(
            s.redeliver("sub_issues", event).await,
            Vec::<String>::new(),
            "a redelivered sub-issue event writes nothing"
        );
    }

    s.close(manifest).await;
    s.settle().await;
    assert!(s.task_comment(parent).contains(&format!(
        "- #{changelog} Changelog: running on lane `alpha`"
    )));
    for done in [index, publish, changelog] {
        s.close(done).await;
        s.settle().await;
    }
    let comment = s.task_comment(parent);
    assert!(
        comment.contains("**Plan done**: all 5 sub-issues are closed."),
        "{comment}"
    );
    assert_eq!(s.labels(parent), ["parallel"]);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_push_to_a_pull_request_reads_no_links_or_sub_issues() {
    let s = Story::configured(THREE_LANES).await;
    let parent = s.issue("Importer", "");
    let blocker = s.issue("Schema", "");
    for title in ["Manifest", "Entries"] {
        let sub = s.issue(title, "");
        s.h.gh.add_sub_issue(REPO, parent, REPO, sub).unwrap();
        s.h.gh.link_blocked_by(REPO, sub, REPO, blocker).unwrap();
    }
    s.label(parent, "parallel").await;
    s.settle().await;
    let pr =
        s.h.open_pr_with("alpha", "", vec![fake_github::FileChange::modified("a.rs")])
            .await;
    s.settle().await;

    s.h.gh.clear_log();
    s.h.gh.push(
        REPO,
        pr,
        "",
        vec![fake_github::FileChange::modified("b.rs")],
    );
    s.h.tell_pr(pr, "synchronize").await;
    s.settle().await;
    assert_eq!(
        s.h.gh.count("GET /repos/*/*/issues/**"),
        0,
        "{:?}",
        s.h.gh.calls_by_endpoint()
    );
}
