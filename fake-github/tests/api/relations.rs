use fake_github::{FakeGitHub, IssueSpec, MAX_SUB_ISSUES, RelationError};
use serde_json::json;

use crate::client::Api;

fn issue(gh: &FakeGitHub, repo: &str, title: &str) -> u64 {
    gh.add_issue(repo, IssueSpec::new(title))
}

#[tokio::test]
async fn blocked_by_lists_blockers_from_their_own_repositories_with_etags() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    gh.repo("octo/platform");
    let blocked = issue(&gh, "octo/repo", "Wire the parser");
    let here = issue(&gh, "octo/repo", "Add the parser");
    let there = issue(&gh, "octo/platform", "Publish the token API");
    gh.link_blocked_by("octo/repo", blocked, "octo/repo", here)
        .unwrap();
    gh.link_blocked_by("octo/repo", blocked, "octo/platform", there)
        .unwrap();
    assert_eq!(
        gh.link_blocked_by("octo/repo", blocked, "octo/repo", blocked),
        Err(RelationError::Itself)
    );
    let api = Api::installation(&gh, 7);
    let path = format!("/repos/octo/repo/issues/{blocked}/dependencies/blocked_by");

    let listed = api.get(&path).await;
    assert_eq!(listed.status, 200);
    let items = listed.json.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["number"], here);
    assert_eq!(items[1]["number"], there);
    assert!(
        items[1]["repository_url"]
            .as_str()
            .unwrap()
            .ends_with("/repos/octo/platform")
    );
    assert_eq!(
        items[1]["html_url"],
        format!("https://github.com/octo/platform/issues/{there}")
    );

    let etag = listed.header("etag").unwrap().to_owned();
    let again = api
        .send("GET", &path, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    gh.close_issue("octo/platform", there);
    let changed = api
        .send("GET", &path, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(changed.status, 200, "a blocker's state is part of the list");

    gh.unlink_blocked_by("octo/repo", blocked, "octo/repo", here);
    let after = api.get(&path).await;
    assert_eq!(after.json.as_array().unwrap().len(), 1);
    assert_eq!(
        api.get("/repos/octo/repo/issues/999/dependencies/blocked_by")
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn a_server_without_issue_dependencies_answers_404() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let number = issue(&gh, "octo/repo", "Anything");
    gh.without_issue_dependencies();
    let api = Api::installation(&gh, 7);
    let path = format!("/repos/octo/repo/issues/{number}/dependencies/blocked_by");
    assert_eq!(api.get(&path).await.status, 404);
    let subs = format!("/repos/octo/repo/issues/{number}/sub_issues");
    assert_eq!(api.get(&subs).await.status, 200);
}

#[tokio::test]
async fn sub_issues_are_paginated_and_limited_to_a_hundred_per_parent() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    gh.repo("octo/other");
    gh.repo("someone/else");
    let parent = issue(&gh, "octo/repo", "Plan");
    for n in 0..MAX_SUB_ISSUES {
        let sub = issue(&gh, "octo/repo", &format!("Step {n}"));
        gh.add_sub_issue("octo/repo", parent, "octo/repo", sub)
            .unwrap();
    }
    let one_more = issue(&gh, "octo/other", "One more");
    assert_eq!(
        gh.add_sub_issue("octo/repo", parent, "octo/other", one_more),
        Err(RelationError::TooManySubIssues)
    );
    let other_parent = issue(&gh, "octo/repo", "Another plan");
    gh.add_sub_issue("octo/repo", other_parent, "octo/other", one_more)
        .unwrap();
    assert_eq!(
        gh.add_sub_issue("octo/repo", parent, "octo/other", one_more),
        Err(RelationError::HasParent),
    );
    let stranger = issue(&gh, "someone/else", "Not ours");
    assert_eq!(
        gh.add_sub_issue("octo/repo", other_parent, "someone/else", stranger),
        Err(RelationError::OtherOwner)
    );

    let api = Api::installation(&gh, 7);
    let first = api
        .get(&format!("/repos/octo/repo/issues/{parent}/sub_issues"))
        .await;
    assert_eq!(
        first.json.as_array().unwrap().len(),
        30,
        "GitHub's default page"
    );
    assert!(first.link("next").is_some());
    let all = api
        .get(&format!(
            "/repos/octo/repo/issues/{parent}/sub_issues?per_page=100"
        ))
        .await;
    assert_eq!(all.json.as_array().unwrap().len(), MAX_SUB_ISSUES);
    assert!(all.link("next").is_none());

    gh.remove_sub_issue("octo/repo", other_parent, "octo/other", one_more);
    let emptied = api
        .get(&format!(
            "/repos/octo/repo/issues/{other_parent}/sub_issues"
        ))
        .await;
    assert_eq!(emptied.json, serde_json::json!([]));
}

#[tokio::test]
async fn links_are_added_by_issue_id_and_answer_the_issue_of_the_path() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let parent = issue(&gh, "octo/repo", "Plan");
    let schema = issue(&gh, "octo/repo", "Schema");
    let api_issue = issue(&gh, "octo/repo", "API");
    let id = |number: u64| gh.issue("octo/repo", number).id;
    let api = Api::installation(&gh, 7);

    let blocked_by = format!("/repos/octo/repo/issues/{api_issue}/dependencies/blocked_by");
    let linked = api
        .post(&blocked_by, json!({ "issue_id": id(schema) }))
        .await;
    assert_eq!(linked.status, 201);
    assert_eq!(linked.json["number"], api_issue, "the blocked issue");
    let listed = api.get(&blocked_by).await;
    assert_eq!(listed.json[0]["number"], schema);
    assert_eq!(
        api.post(&blocked_by, json!({ "issue_id": id(schema) }))
            .await
            .status,
        422,
        "a link already there"
    );
    assert_eq!(
        api.post(&blocked_by, json!({ "issue_id": schema }))
            .await
            .status,
        404,
        "a number is no issue's id"
    );
    assert_eq!(
        api.post(&blocked_by, json!({ "issue_id": id(api_issue) }))
            .await
            .status,
        422,
        "an issue cannot block itself"
    );
    assert_eq!(api.post(&blocked_by, json!({})).await.status, 422);

    let subs = format!("/repos/octo/repo/issues/{parent}/sub_issues");
    for sub in [schema, api_issue] {
        let added = api.post(&subs, json!({ "sub_issue_id": id(sub) })).await;
        assert_eq!(added.status, 201);
        assert_eq!(added.json["number"], parent, "the parent");
    }
    let listed = api.get(&subs).await;
    let numbers: Vec<u64> = listed
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [schema, api_issue]);
    assert_eq!(
        api.post(&subs, json!({ "sub_issue_id": id(schema) }))
            .await
            .status,
        422,
        "already a sub-issue"
    );
    let other = issue(&gh, "octo/repo", "Other plan");
    let moved = format!("/repos/octo/repo/issues/{other}/sub_issues");
    assert_eq!(
        api.post(&moved, json!({ "sub_issue_id": id(schema) }))
            .await
            .status,
        422,
        "a sub-issue has one parent"
    );
    assert_eq!(
        api.post(
            &moved,
            json!({ "sub_issue_id": id(schema), "replace_parent": true })
        )
        .await
        .status,
        201
    );
    assert_eq!(api.get(&subs).await.json.as_array().unwrap().len(), 1);

    gh.without_issue_dependencies();
    assert_eq!(
        api.post(&blocked_by, json!({ "issue_id": id(parent) }))
            .await
            .status,
        404
    );
}
