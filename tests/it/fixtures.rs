//! Every event the App handles, parsed from the payloads GitHub really sends.

use crate::support::{real_payload, shared_fixtures};
use switchyard::webhook::{Disposition, Event, parse_event, route};

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[test]
fn every_real_payload_of_a_handled_event_parses() {
    let root = shared_fixtures();
    let dirs = std::fs::read_dir(&root).unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let mut parsed = 0;
    for dir in dirs.flatten().filter(|d| d.path().is_dir()) {
        let event = dir.file_name().to_string_lossy().into_owned();
        for file in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let body = std::fs::read(file.path()).unwrap();
            let parsed_event = parse_event(&event, &body)
                .unwrap_or_else(|e| panic!("{}: {e}", file.path().display()));
            // Routing never fails either: each payload is answered one way or another.
            let _ = route(&parsed_event);
            parsed += 1;
        }
    }
    assert!(parsed >= 70, "parsed {parsed} payloads");
}

fn parsed(event: &str, file: &str) -> Event {
    parse_event(event, &real_payload(&format!("{event}/{file}"))).unwrap()
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[test]
fn real_payloads_give_the_fields_we_read() {
    let Event::PullRequest {
        action,
        number,
        head_sha,
        installation,
        repo,
    } = parsed("pull_request", "synchronize.payload.json")
    else {
        panic!("pull_request");
    };
    assert_eq!(action, "synchronize");
    assert_eq!(number.0, 2);
    assert_eq!(head_sha.0.len(), 40);
    assert_eq!(installation.map(|i| i.0), Some(1));
    assert_eq!(repo.name.as_str(), "codertocat/hello-world");
    assert!(matches!(
        route(&parsed("pull_request", "synchronize.payload.json")),
        Disposition::Work { .. }
    ));

    let Event::PullRequest { .. } = parsed("pull_request", "opened.with-null-body.json") else {
        panic!("a null body parses");
    };
    let Event::CheckRun {
        requested_action, ..
    } = parsed("check_run", "requested_action.payload.json")
    else {
        panic!("check_run");
    };
    assert_eq!(requested_action.as_deref(), Some("lgtm|26764"));
    let Event::InstallationRepositories { added, .. } =
        parsed("installation_repositories", "added.payload.json")
    else {
        panic!("installation_repositories");
    };
    assert_eq!(added[0].as_str(), "codertocat/space");
    let Event::Push { git_ref, .. } = parsed("push", "with-installation.payload.json") else {
        panic!("push");
    };
    assert_eq!(git_ref, "refs/tags/simple-tag");
    assert!(
        matches!(
            route(&parsed("push", "with-installation.payload.json")),
            Disposition::Ignore(_)
        ),
        "a tag push is not the default branch"
    );
    let Event::IssueComment {
        author, comment, ..
    } = parsed("issue_comment", "created.payload.json")
    else {
        panic!("issue_comment");
    };
    assert!(!author.is_bot());
    assert_eq!(comment.0, 492700400);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[test]
fn a_real_merge_group_asks_for_the_run_on_its_head() {
    let event = parsed("merge_group", "checks_requested.payload.json");
    let Event::MergeGroup {
        action,
        head_sha,
        head_ref,
        base_ref,
        installation,
        repo,
    } = &event
    else {
        panic!("merge_group: {event:?}");
    };
    assert_eq!(action, "checks_requested");
    assert_eq!(head_sha.0, "2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d");
    assert_eq!(
        head_ref,
        "refs/heads/gh-readonly-queue/main/pr-104-929f8209d40f77f4abc622a499c93a83babdbe64"
    );
    assert_eq!(base_ref, "refs/heads/main");
    assert_eq!(installation.map(|i| i.0), Some(1));
    assert_eq!(repo.name.to_string(), "octo-org/octo-repo");
    let Disposition::Work { jobs, .. } = route(&event) else {
        panic!("queued");
    };
    assert_eq!(
        jobs[0].trigger,
        switchyard::jobs::Trigger::MergeGroup {
            head_sha: head_sha.clone(),
            head_ref: head_ref.clone(),
            base_ref: base_ref.clone(),
        }
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[test]
fn entering_and_leaving_the_queue_are_pull_request_jobs() {
    // The shared fixtures hold no `enqueued` or `dequeued` example: a real `synchronize`
    // payload with its action changed stands for them.
    let body = real_payload("pull_request/synchronize.payload.json");
    let mut payload: serde_json::Value = serde_json::from_slice(&body).unwrap();
    payload["installation"] = serde_json::json!({ "id": 7 });
    for action in ["enqueued", "dequeued"] {
        payload["action"] = serde_json::json!(action);
        let event = parse_event("pull_request", &serde_json::to_vec(&payload).unwrap()).unwrap();
        let Disposition::Work { jobs, .. } = route(&event) else {
            panic!("{action} is queued");
        };
        assert!(
            matches!(jobs[0].trigger, switchyard::jobs::Trigger::PullRequest(_)),
            "{action}"
        );
    }
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[test]
fn every_real_label_payload_parses_and_only_a_rename_or_a_deletion_is_work() {
    let dir = shared_fixtures().join("label");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    for file in &files {
        let Event::Label { name, .. } = parsed("label", file) else {
            panic!("{file}");
        };
        assert_eq!(name, ":bug: Bugfix", "{file}");
    }

    let with_installation = |file: &str| {
        let body = real_payload(&format!("label/{file}"));
        let mut payload: serde_json::Value = serde_json::from_slice(&body).unwrap();
        payload["installation"] = serde_json::json!({ "id": 7 });
        parse_event("label", &serde_json::to_vec(&payload).unwrap()).unwrap()
    };
    let Disposition::Work { jobs, .. } = route(&with_installation("deleted.payload.json")) else {
        panic!("a deleted label is work");
    };
    assert_eq!(jobs[0].trigger, switchyard::jobs::Trigger::Labels);
    assert!(matches!(
        route(&with_installation("created.payload.json")),
        Disposition::Ignore("a new label is on no issue yet")
    ));
    let Event::Label { renamed_from, .. } = with_installation("edited.payload.json") else {
        panic!("edited");
    };
    assert_eq!(renamed_from, None, "only its colour changed");
    assert!(matches!(
        route(&with_installation("edited.payload.json")),
        Disposition::Ignore("a label edited without a new name")
    ));

    let body = real_payload("label/edited.payload.json");
    let mut renamed: serde_json::Value = serde_json::from_slice(&body).unwrap();
    renamed["installation"] = serde_json::json!({ "id": 7 });
    renamed["changes"]["name"] = serde_json::json!({ "from": "bug" });
    let event = parse_event("label", &serde_json::to_vec(&renamed).unwrap()).unwrap();
    let Event::Label { renamed_from, .. } = &event else {
        panic!("edited");
    };
    assert_eq!(renamed_from.as_deref(), Some("bug"));
    assert!(matches!(route(&event), Disposition::Work { .. }));
}
