use fake_github::{FakeGitHub, PrSpec};
use serde_json::{Value, json};

use crate::client::Api;

const HEAD: &str = "1111111111111111111111111111111111111111";

async fn repo_with_pr() -> (FakeGitHub, Api) {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    gh.open_pr("octo/repo", PrSpec::new("lane/alpha", HEAD));
    let api = Api::installation(&gh, 7);
    (gh, api)
}

fn annotations(count: usize) -> Vec<Value> {
    (0..count)
        .map(|line| {
            json!({ "path": "src/lib.rs", "start_line": line + 1, "end_line": line + 1,
                    "annotation_level": "warning", "message": format!("line {line}") })
        })
        .collect()
}

#[tokio::test]
async fn annotations_sent_in_updates_are_appended() {
    let (gh, api) = repo_with_pr().await;
    let created = api
        .post(
            "/repos/octo/repo/check-runs",
            json!({ "name": "Merge order", "head_sha": HEAD, "status": "in_progress",
                    "output": { "title": "Overlaps", "summary": "Two files", "annotations": annotations(50) } }),
        )
        .await;
    assert_eq!(created.status, 201);
    let id = created.json["id"].as_u64().unwrap();
    let run_path = format!("/repos/octo/repo/check-runs/{id}");

    let updated = api
        .patch(
            &run_path,
            json!({ "conclusion": "neutral", "output": { "summary": "Two files", "annotations": annotations(30) } }),
        )
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.json["output"]["annotations_count"], 80);
    assert_eq!(
        updated.json["output"]["title"], "Overlaps",
        "a title left out is kept"
    );
    assert_eq!(
        updated.json["status"], "completed",
        "a conclusion completes the run"
    );

    let too_many = api
        .patch(
            &run_path,
            json!({ "output": { "summary": "s", "annotations": annotations(51) } }),
        )
        .await;
    assert_eq!(too_many.status, 422);

    let page = api
        .get(&format!("{run_path}/annotations?per_page=100"))
        .await;
    assert_eq!(page.json.as_array().unwrap().len(), 80);
    let run = &gh.check_runs("octo/repo", HEAD)[0];
    assert_eq!(
        (run.annotations.len(), run.conclusion.as_deref()),
        (80, Some("neutral"))
    );
}

#[tokio::test]
async fn creation_is_validated_like_github() {
    let (_gh, api) = repo_with_pr().await;
    let refused = [
        json!({ "head_sha": HEAD }),
        json!({ "name": "x", "head_sha": "feedface" }),
        json!({ "name": "x", "head_sha": HEAD, "status": "completed" }),
        json!({ "name": "x", "head_sha": HEAD, "conclusion": "great" }),
        json!({ "name": "x", "head_sha": HEAD, "output": { "title": "t" } }),
        json!({ "name": "x", "head_sha": HEAD, "output": { "title": "t", "summary": "s", "annotations": annotations(51) } }),
    ];
    for body in refused {
        assert_eq!(
            api.post("/repos/octo/repo/check-runs", body.clone())
                .await
                .status,
            422,
            "{body}"
        );
    }
    let broken = api
        .send("POST", "/repos/octo/repo/check-runs", None, &[])
        .await;
    assert_eq!(
        broken.status, 422,
        "an empty body lacks the required fields"
    );
}

#[tokio::test]
async fn listing_for_a_ref_shows_the_latest_run_of_each_name() {
    let (_gh, api) = repo_with_pr().await;
    for conclusion in ["failure", "success"] {
        let body = json!({ "name": "Merge order", "head_sha": HEAD, "conclusion": conclusion });
        assert_eq!(
            api.post("/repos/octo/repo/check-runs", body).await.status,
            201
        );
    }
    api.post(
        "/repos/octo/repo/check-runs",
        json!({ "name": "Overlap", "head_sha": HEAD }),
    )
    .await;

    let latest = api
        .get(&format!("/repos/octo/repo/commits/{HEAD}/check-runs"))
        .await;
    assert_eq!(latest.json["total_count"], 2);
    let named = api
        .get(&format!(
            "/repos/octo/repo/commits/{HEAD}/check-runs?check_name=Merge%20order&filter=all"
        ))
        .await;
    assert_eq!(named.json["total_count"], 2);
    let run = &latest.json["check_runs"][0];
    assert_eq!(run["conclusion"], "success");
    assert_eq!(run["app"]["id"], 1);
    assert_eq!(run["pull_requests"][0]["number"], 1);
}
