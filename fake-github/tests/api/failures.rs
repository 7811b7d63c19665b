use fake_github::{Failure, FakeGitHub};

use crate::client::{Api, unix_now};

#[tokio::test]
async fn scripted_failures_answer_the_matching_requests_then_run_out() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let api = Api::installation(&gh, 7);
    gh.fail_next("GET /repos/*/*", Failure::Status(500), 2);
    gh.fail_next("GET /repos/*/*/pulls", Failure::Status(404), 1);
    assert_eq!(gh.pending_failures(), 3);

    assert_eq!(
        api.get("/repos/octo/repo/issues").await.status,
        200,
        "a pattern matches whole paths"
    );
    let failed = api.get("/repos/octo/repo").await;
    assert_eq!(
        (failed.status, failed.json["message"].as_str()),
        (500, Some("Internal Server Error"))
    );
    assert_eq!(api.get("/repos/octo/repo").await.status, 500);
    assert_eq!(api.get("/repos/octo/repo").await.status, 200);
    assert_eq!(api.get("/repos/octo/repo/pulls").await.status, 404);
    assert_eq!(api.get("/repos/octo/repo/pulls").await.status, 200);
    assert_eq!(gh.pending_failures(), 0);
}

#[tokio::test]
async fn rate_limit_failures_carry_githubs_headers() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let api = Api::installation(&gh, 7);
    gh.fail_next(
        "POST /repos/octo/repo/**",
        Failure::SecondaryRateLimit {
            retry_after_secs: 7,
        },
        1,
    );
    gh.fail_next(
        "*  /repos/octo/repo",
        Failure::PrimaryRateLimit { reset_in_secs: 90 },
        1,
    );

    let secondary = api
        .post(
            "/repos/octo/repo/issues",
            serde_json::json!({ "title": "t" }),
        )
        .await;
    assert_eq!(secondary.status, 403);
    assert_eq!(secondary.header("retry-after"), Some("7"));
    assert!(
        secondary.json["message"]
            .as_str()
            .unwrap()
            .starts_with("You have exceeded a secondary rate limit")
    );

    let primary = api.get("/repos/octo/repo").await;
    assert_eq!(primary.status, 403);
    assert_eq!(primary.header("x-ratelimit-remaining"), Some("0"));
    let reset: u64 = primary
        .header("x-ratelimit-reset")
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset >= unix_now() + 85 && reset <= unix_now() + 91);

    assert_eq!(api.get("/repos/octo/repo").await.status, 200);
    assert!(
        gh.issues("octo/repo").is_empty(),
        "the refused create created nothing"
    );
}

#[tokio::test]
async fn random_failures_hit_a_seeded_share_of_the_matching_requests_until_stopped() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let api = Api::installation(&gh, 7);
    let failures = [
        Failure::Status(502),
        Failure::SecondaryRateLimit {
            retry_after_secs: 1,
        },
    ];
    let mut runs = Vec::new();
    for _ in 0..2 {
        gh.fail_randomly("GET /repos/octo/repo", 30, &failures, 14);
        let mut statuses = Vec::new();
        for _ in 0..200 {
            statuses.push(api.get("/repos/octo/repo").await.status);
        }
        assert_eq!(
            api.get("/repos/octo/repo/issues").await.status,
            200,
            "other routes are spared"
        );
        let failed = statuses.iter().filter(|status| **status != 200).count();
        assert_eq!(gh.stop_failing_randomly(), failed);
        assert!((40..=80).contains(&failed), "{failed} of 200 failed");
        assert!(statuses.contains(&502) && statuses.contains(&403));
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1], "the same seed fails the same requests");
    assert_eq!(api.get("/repos/octo/repo").await.status, 200);
    assert_eq!(gh.stop_failing_randomly(), 0);
}
