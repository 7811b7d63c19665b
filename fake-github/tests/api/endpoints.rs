use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use fake_github::{FakeGitHub, FileChange, IssueSpec, PrSpec};
use serde_json::json;

use crate::client::Api;

async fn installed() -> (FakeGitHub, Api) {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let api = Api::installation(&gh, 7);
    (gh, api)
}

#[tokio::test]
async fn contents_are_base64_in_sixty_character_lines_and_absent_files_are_404() {
    let (gh, api) = installed().await;
    let config = "agents:\n  - alpha\n  - beta\n".repeat(5);
    gh.repo("octo/repo")
        .default_branch("trunk")
        .file("trunk", ".github/switchyard.yml", &config);
    gh.open_pr(
        "octo/repo",
        PrSpec {
            files: vec![
                FileChange::modified(".github/switchyard.yml").with_contents("agents: []\n"),
            ],
            ..PrSpec::new("lane/sneaky", "2222222222222222222222222222222222222222")
        },
    );

    let file = api
        .get("/repos/octo/repo/contents/.github/switchyard.yml")
        .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.json["type"], "file");
    assert_eq!(file.json["encoding"], "base64");
    assert_eq!(file.json["path"], ".github/switchyard.yml");
    assert_eq!(file.json["size"], config.len());
    assert_eq!(file.json["sha"].as_str().unwrap().len(), 40);
    let content = file.json["content"].as_str().unwrap();
    assert!(content.lines().all(|line| line.len() <= 60) && content.ends_with('\n'));
    assert_eq!(
        STANDARD.decode(content.replace('\n', "")).unwrap(),
        config.as_bytes()
    );

    let at_head = api
        .get("/repos/octo/repo/contents/.github/switchyard.yml?ref=lane/sneaky")
        .await;
    assert_ne!(
        at_head.json["sha"], file.json["sha"],
        "the PR's head has its own version"
    );

    let raw = api
        .send(
            "GET",
            "/repos/octo/repo/contents/.github/switchyard.yml",
            None,
            &[("accept", "application/vnd.github.raw")],
        )
        .await;
    assert_eq!(raw.text, config);

    let missing = api.get("/repos/octo/repo/contents/nope.yml").await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json["message"], "Not Found");
    assert!(missing.json["documentation_url"].is_string());
}

#[tokio::test]
async fn labels_are_added_listed_and_removed_by_encoded_name() {
    let (gh, api) = installed().await;
    let issue = gh.add_issue("octo/repo", IssueSpec::new("Parser"));

    let created = api
        .post(
            "/repos/octo/repo/labels",
            json!({ "name": "agent:alpha", "color": "0e8a16" }),
        )
        .await;
    assert_eq!(created.status, 201);
    let again = api
        .post("/repos/octo/repo/labels", json!({ "name": "Agent:Alpha" }))
        .await;
    assert_eq!(
        (again.status, again.json["errors"][0]["code"].as_str()),
        (422, Some("already_exists"))
    );

    let added = api
        .post(
            &format!("/repos/octo/repo/issues/{issue}/labels"),
            json!({ "labels": ["agent:alpha", "new"] }),
        )
        .await;
    assert_eq!(added.status, 200);
    assert_eq!(added.json.as_array().unwrap().len(), 2);
    assert_eq!(
        gh.repo_labels("octo/repo").len(),
        2,
        "unknown labels are created"
    );

    let removed = api
        .send(
            "DELETE",
            &format!("/repos/octo/repo/issues/{issue}/labels/agent%3Aalpha"),
            None,
            &[],
        )
        .await;
    assert_eq!(removed.status, 200);
    assert_eq!(gh.labels_of("octo/repo", issue), ["new"]);
    let gone = api
        .send(
            "DELETE",
            &format!("/repos/octo/repo/issues/{issue}/labels/agent%3Aalpha"),
            None,
            &[],
        )
        .await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn the_apps_comments_are_by_its_bot_and_can_be_edited_and_reacted_to() {
    let (gh, api) = installed().await;
    let pr = gh.open_pr("octo/repo", PrSpec::default());
    gh.comment("octo/repo", pr, "alice", "please coordinate");

    let posted = api
        .post(
            &format!("/repos/octo/repo/issues/{pr}/comments"),
            json!({ "body": "Merge order: 1st" }),
        )
        .await;
    assert_eq!(posted.status, 201);
    assert_eq!(posted.json["user"]["login"], "switchyard[bot]");
    assert_eq!(posted.json["user"]["type"], "Bot");
    let id = posted.json["id"].as_u64().unwrap();

    let edited = api
        .patch(
            &format!("/repos/octo/repo/issues/comments/{id}"),
            json!({ "body": "Merge order: 2nd" }),
        )
        .await;
    assert_eq!(edited.json["body"], "Merge order: 2nd");
    let read = api
        .get(&format!("/repos/octo/repo/issues/comments/{id}"))
        .await;
    assert_eq!(
        (
            read.json["body"].as_str(),
            read.json["user"]["type"].as_str()
        ),
        (Some("Merge order: 2nd"), Some("Bot"))
    );
    let reaction = api
        .post(
            &format!("/repos/octo/repo/issues/comments/{id}/reactions"),
            json!({ "content": "eyes" }),
        )
        .await;
    assert_eq!(reaction.status, 201);
    let repeated = api
        .post(
            &format!("/repos/octo/repo/issues/comments/{id}/reactions"),
            json!({ "content": "eyes" }),
        )
        .await;
    assert_eq!(repeated.status, 200);

    let comments = gh.comments("octo/repo", pr);
    assert_eq!(comments.len(), 2);
    assert_eq!(
        (comments[0].author.as_str(), comments[1].body.as_str()),
        ("alice", "Merge order: 2nd")
    );
    assert_eq!(comments[1].reactions.len(), 1);

    let listed = api
        .get(&format!("/repos/octo/repo/issues/{pr}/comments"))
        .await;
    assert_eq!(listed.json[0]["user"]["type"], "User");
    assert_eq!(listed.json[1]["reactions"]["eyes"], 1);
}

#[tokio::test]
async fn issue_listings_include_pull_requests_and_filter_like_github() {
    let (gh, api) = installed().await;
    let pr = gh.open_pr(
        "octo/repo",
        PrSpec {
            labels: vec!["lane".into()],
            ..PrSpec::default()
        },
    );
    let issue = gh.add_issue(
        "octo/repo",
        IssueSpec {
            labels: vec!["lane".into(), "bug".into()],
            author: "bob".into(),
            ..IssueSpec::default()
        },
    );
    gh.close_issue("octo/repo", gh.add_issue("octo/repo", IssueSpec::default()));

    let open = api.get("/repos/octo/repo/issues").await;
    let numbers: Vec<u64> = open
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [issue, pr]);
    assert!(open.json[1]["pull_request"]["url"].is_string());
    assert!(open.json[0].get("pull_request").is_none());

    assert_eq!(
        api.get("/repos/octo/repo/issues?labels=lane,bug")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api.get("/repos/octo/repo/issues?creator=bob")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        api.get("/repos/octo/repo/issues?state=all")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let created = api
        .post(
            "/repos/octo/repo/issues",
            json!({ "title": "Track lanes", "labels": ["lane"] }),
        )
        .await;
    assert_eq!(created.status, 201);
    let number = created.json["number"].as_u64().unwrap();
    let closed = api
        .patch(
            &format!("/repos/octo/repo/issues/{number}"),
            json!({ "state": "closed", "assignees": ["alice"] }),
        )
        .await;
    assert_eq!(
        (
            closed.json["state"].as_str(),
            closed.json["assignees"][0]["login"].as_str()
        ),
        (Some("closed"), Some("alice"))
    );
    assert_eq!(gh.issues("octo/repo").len(), 3);

    let path = format!("/repos/octo/repo/issues/{number}");
    let edited = api
        .patch(
            &path,
            json!({ "body": null, "labels": [{ "name": "Bug" }] }),
        )
        .await;
    assert_eq!(
        (
            edited.json["body"].is_null(),
            edited.json["labels"][0]["name"].as_str()
        ),
        (true, Some("bug"))
    );
    api.send(
        "PUT",
        &format!("{path}/labels"),
        Some(json!(["triage"])),
        &[],
    )
    .await;
    assert_eq!(gh.labels_of("octo/repo", number), ["triage"]);
    api.post(
        &format!("{path}/assignees"),
        json!({ "assignees": ["bob"] }),
    )
    .await;
    api.send(
        "DELETE",
        &format!("{path}/assignees"),
        Some(json!({ "assignees": ["alice"] })),
        &[],
    )
    .await;
    assert_eq!(gh.issue("octo/repo", number).assignees, ["bob"]);
}

#[tokio::test]
async fn refs_are_read_and_created_once() {
    let (gh, api) = installed().await;
    let main = gh.refs("octo/repo")["refs/heads/main"].clone();

    let read = api.get("/repos/octo/repo/git/ref/heads/main").await;
    assert_eq!(read.json["ref"], "refs/heads/main");
    assert_eq!(
        read.json["object"],
        json!({ "sha": main, "type": "commit", "url": read.json["object"]["url"] })
    );

    let body = json!({ "ref": "refs/heads/switchyard/queue", "sha": main });
    assert_eq!(
        api.post("/repos/octo/repo/git/refs", body.clone())
            .await
            .status,
        201
    );
    let again = api.post("/repos/octo/repo/git/refs", body).await;
    assert_eq!(
        (again.status, again.json["message"].as_str()),
        (422, Some("Reference already exists"))
    );
    assert_eq!(
        api.get("/repos/octo/repo/git/ref/heads/switchyard/queue")
            .await
            .status,
        200
    );
    assert_eq!(
        api.get("/repos/octo/repo/git/ref/heads/nope").await.status,
        404
    );
}

#[tokio::test]
async fn compare_reports_the_pull_requests_diff_and_how_far_behind_it_is() {
    let (gh, api) = installed().await;
    let pr = gh.open_pr(
        "octo/repo",
        PrSpec {
            files: vec![FileChange::added("a.rs")],
            ..PrSpec::new("lane/a", "")
        },
    );
    let head = gh.issue("octo/repo", pr).pull_request.unwrap().head_sha;
    gh.merge_pr("octo/repo", gh.open_pr("octo/repo", PrSpec::default()));

    let derived = api
        .get(&format!("/repos/octo/repo/compare/main...{head}"))
        .await;
    assert_eq!(derived.json["status"], "diverged");
    assert_eq!(
        (
            derived.json["ahead_by"].as_u64(),
            derived.json["behind_by"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(derived.json["files"][0]["filename"], "a.rs");

    let files: Vec<FileChange> = (0..400)
        .map(|index| FileChange::added(format!("f{index}")))
        .collect();
    gh.set_compare("octo/repo", "main", "lane/a", files);
    let set = api.get("/repos/octo/repo/compare/main...lane/a").await;
    assert_eq!(
        set.json["files"].as_array().unwrap().len(),
        300,
        "GitHub caps compare files at 300"
    );
    assert_eq!(
        api.get("/repos/octo/repo/compare/main...nope").await.status,
        404
    );
}

#[tokio::test]
async fn permissions_report_the_legacy_permission_beside_the_role() {
    let (gh, api) = installed().await;
    gh.set_permission("octo/repo", "alice", "maintain");
    gh.set_custom_role("octo/repo", "bob", "lane-lead", "write");

    let alice = api
        .get("/repos/octo/repo/collaborators/alice/permission")
        .await;
    assert_eq!(
        (
            alice.json["permission"].as_str(),
            alice.json["role_name"].as_str()
        ),
        (Some("write"), Some("maintain"))
    );
    assert_eq!(alice.json["user"]["login"], "alice");
    let bob = api
        .get("/repos/octo/repo/collaborators/bob/permission")
        .await;
    assert_eq!(
        (
            bob.json["permission"].as_str(),
            bob.json["role_name"].as_str()
        ),
        (Some("write"), Some("lane-lead"))
    );
    let stranger = api
        .get("/repos/octo/repo/collaborators/eve/permission")
        .await;
    assert_eq!(stranger.json["permission"], "none");
}

#[tokio::test]
async fn a_manifest_code_converts_once() {
    let gh = FakeGitHub::start().await;
    gh.set_app_slug("switchyard-test");
    let app = gh.register_manifest_code("c0de");
    let api = Api::anonymous(&gh);

    assert_eq!(
        api.post("/app-manifests/wrong/conversions", json!({}))
            .await
            .status,
        404
    );
    let converted = api.post("/app-manifests/c0de/conversions", json!({})).await;
    assert_eq!(converted.status, 201);
    assert_eq!(converted.json["slug"], "switchyard-test");
    assert_eq!(converted.json["pem"], app.pem);
    for field in [
        "id",
        "node_id",
        "client_id",
        "client_secret",
        "webhook_secret",
        "owner",
        "html_url",
    ] {
        assert!(!converted.json[field].is_null(), "{field}");
    }
    assert_eq!(
        api.post("/app-manifests/c0de/conversions", json!({}))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn unknown_routes_and_bad_bodies_get_githubs_errors() {
    let (_gh, api) = installed().await;
    let unknown = api.get("/repos/octo/repo/teleport").await;
    assert_eq!(
        (unknown.status, unknown.json["message"].as_str()),
        (404, Some("Not Found"))
    );
    assert_eq!(
        api.send("PUT", "/repos/octo/repo/pulls", None, &[])
            .await
            .status,
        404
    );
    assert_eq!(api.get("/repos/octo/repo/pulls/abc").await.status, 404);

    let broken = api.post_text("/repos/octo/repo/issues", "{").await;
    assert_eq!(
        (broken.status, broken.json["message"].as_str()),
        (400, Some("Problems parsing JSON"))
    );
    let missing = api
        .post("/repos/octo/repo/labels", json!({ "color": "ffffff" }))
        .await;
    assert_eq!(missing.status, 422);
    assert!(missing.json["message"].as_str().unwrap().contains("name"));
}
