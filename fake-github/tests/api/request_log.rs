use fake_github::{FakeGitHub, FileChange, PrSpec};

use crate::client::Api;

#[tokio::test]
async fn requests_are_logged_counted_and_grouped_by_endpoint() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let one = gh.open_pr(
        "octo/repo",
        PrSpec {
            files: vec![FileChange::added("a.rs")],
            ..PrSpec::default()
        },
    );
    let two = gh.open_pr("octo/repo", PrSpec::default());
    let api = Api::installation(&gh, 7);

    api.get("/repos/octo/repo/pulls?state=all").await;
    for number in [one, two] {
        api.get(&format!("/repos/octo/repo/pulls/{number}/files"))
            .await;
    }
    api.get("/nowhere").await;

    assert_eq!(gh.count("GET /repos/*/*/pulls/*/files"), 2);
    assert_eq!(gh.count("GET /repos/{owner}/{repo}/pulls/{n}/files"), 2);
    assert_eq!(gh.count("POST /repos/*/*/pulls/*/files"), 0);
    assert_eq!(gh.count("/repos/**"), 3);

    let by_endpoint = gh.calls_by_endpoint();
    assert_eq!(by_endpoint["GET /repos/{owner}/{repo}/pulls/{n}/files"], 2);
    assert_eq!(by_endpoint["GET /repos/{owner}/{repo}/pulls"], 1);
    assert_eq!(by_endpoint["GET /nowhere"], 1);

    let requests = gh.requests();
    assert_eq!(requests[0].query.as_deref(), Some("state=all"));
    assert_eq!(requests[0].status, 200);
    assert_eq!(requests.last().unwrap().status, 404);

    gh.clear_log();
    assert!(gh.requests().is_empty());
}
