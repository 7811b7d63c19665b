//! Labels renamed or deleted in the repository's settings: GitHub changes every issue carrying
//! them and sends one `label` event, on which the open issues are read again.

use super::ONE_LANE;
use super::story::Story;
use crate::support::REPO;

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_label_renamed_to_the_trigger_label_starts_its_issues_as_tasks() {
    let s = Story::start().await;
    let issue = s.issue("Add the parser", "");
    s.label(issue, "ready").await;
    s.settle().await;
    assert_eq!(s.labels(issue), ["ready"]);

    s.h.gh.clear_log();
    s.rename_label("ready", "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(issue), ["agent:agent-1", "parallel"]);
    assert!(
        s.task_comment(issue)
            .contains("**Assigned to lane `agent-1`**")
    );
    assert_eq!(s.h.gh.count("GET /repos/*/*/pulls"), 0, "no PR is read");
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn an_agent_label_deleted_releases_its_task_and_the_lane_takes_the_next() {
    let s = Story::configured(ONE_LANE).await;
    let first = s.issue("First", "");
    let second = s.issue("Second", "");
    s.label(first, "parallel").await;
    s.settle().await;
    s.label(second, "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(second), ["parallel", "queued"]);
    let made = |s: &Story| {
        s.h.gh
            .repo_labels(REPO)
            .into_iter()
            .find(|label| label.name == "agent:agent-1")
    };
    let before = made(&s).expect("the agent label was made");

    s.delete_label("agent:agent-1").await;
    s.settle().await;
    assert!(
        s.task_comment(first)
            .contains("**Released** from lane `agent-1`"),
        "as if the label were removed from the issue"
    );
    assert_eq!(s.labels(first), Vec::<String>::new());
    assert_eq!(s.labels(second), ["agent:agent-1", "parallel"]);
    let again = made(&s).expect("the agent label was made again");
    assert_eq!(
        (again.color, again.description),
        (before.color, before.description),
        "made as the App makes it, not as adding a missing label to an issue would"
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_new_label_or_a_new_colour_asks_for_nothing() {
    let s = Story::start().await;
    for file in ["created.payload.json", "edited.payload.json"] {
        let body = crate::support::real_payload(&format!("label/{file}"));
        let payload = crate::support::retarget(serde_json::from_slice(&body).unwrap(), REPO);
        let (status, _) = s.h.deliver("label", &payload).await;
        assert_eq!(status, 200, "{file}");
    }
    assert_eq!(s.h.app().store.job_counts().unwrap().queued, 0);
}
