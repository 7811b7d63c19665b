use std::time::Duration;

use fake_github::{FakeGitHub, IssueSpec};

use crate::client::Api;

#[tokio::test]
async fn a_matching_etag_gets_an_empty_304_that_costs_no_rate_limit() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let issue = gh.add_issue("octo/repo", IssueSpec::new("Flaky test"));
    let api = Api::installation(&gh, 7);
    let path = format!("/repos/octo/repo/issues/{issue}");

    let first = api.get(&path).await;
    let etag = first.header("etag").unwrap().to_owned();
    assert!(etag.starts_with("W/\""));
    let remaining: u32 = first
        .header("x-ratelimit-remaining")
        .unwrap()
        .parse()
        .unwrap();

    let cached = api
        .send("GET", &path, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(cached.status, 304);
    assert!(cached.text.is_empty());
    assert_eq!(
        cached.header("x-ratelimit-remaining").unwrap(),
        remaining.to_string()
    );

    gh.label_issue("octo/repo", issue, "bug");
    let changed = api
        .send("GET", &path, None, &[("if-none-match", &etag)])
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag").unwrap(), etag);
    assert_eq!(
        changed.header("x-ratelimit-remaining").unwrap(),
        (remaining - 1).to_string()
    );
}

#[tokio::test]
async fn every_response_carries_rate_limit_headers_and_an_empty_budget_is_refused() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let api = Api::installation(&gh, 7);

    let reply = api.get("/repos/octo/repo").await;
    assert_eq!(reply.header("x-ratelimit-limit"), Some("5000"));
    assert_eq!(reply.header("x-ratelimit-remaining"), Some("4999"));
    assert_eq!(reply.header("x-ratelimit-used"), Some("1"));
    assert_eq!(reply.header("x-ratelimit-resource"), Some("core"));
    assert!(
        reply
            .header("x-ratelimit-reset")
            .unwrap()
            .parse::<u64>()
            .is_ok()
    );

    gh.set_rate_limit(7, 1, Duration::from_secs(600));
    assert_eq!(api.get("/repos/octo/repo").await.status, 200);
    let refused = api.get("/repos/octo/repo").await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.header("x-ratelimit-remaining"), Some("0"));
    assert!(
        refused.json["message"]
            .as_str()
            .unwrap()
            .starts_with("API rate limit exceeded for installation ID 7")
    );
}
