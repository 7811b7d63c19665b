//! Every receive outcome, with the payloads GitHub really sends.

use crate::support::{Harness, REPO, SECRET, delivery_id, real_payload, retarget};
use switchyard::webhook::WEBHOOK_PATH;
use switchyard::webhook::WebhookSecrets;

fn signed(body: &[u8]) -> String {
    WebhookSecrets::parse(SECRET).unwrap().sign(body)
}

async fn queued(h: &Harness) -> u64 {
    h.app().store.job_counts().unwrap().queued + h.app().store.job_counts().unwrap().running
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn signatures_are_checked_before_anything_else() {
    let h = Harness::start().await;
    let body = real_payload("pull_request/opened.payload.json");
    let wrong = WebhookSecrets::parse("another").unwrap().sign(&body);
    for signature in [
        None,
        Some("sha256=nothex".to_owned()),
        Some("sha1=abc".to_owned()),
        Some(wrong),
    ] {
        let mut headers = vec![
            ("x-github-event", "pull_request".to_owned()),
            ("x-github-delivery", delivery_id()),
        ];
        if let Some(s) = signature {
            headers.push(("x-hub-signature-256", s));
        }
        let (status, _) = h
            .request("POST", WEBHOOK_PATH, &headers, body.clone())
            .await;
        assert_eq!(status, 401);
    }
    assert_eq!(queued(&h).await, 0);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn missing_headers_and_non_json_bodies_are_bad_requests() {
    let h = Harness::start().await;
    let body = real_payload("pull_request/opened.payload.json");
    let sig = signed(&body);
    let (status, text) = h
        .request(
            "POST",
            WEBHOOK_PATH,
            &[
                ("x-github-delivery", delivery_id()),
                ("x-hub-signature-256", sig.clone()),
            ],
            body.clone(),
        )
        .await;
    assert_eq!(
        (status, text.as_str()),
        (400, "the X-GitHub-Event header is missing")
    );
    let (status, _) = h
        .request(
            "POST",
            WEBHOOK_PATH,
            &[
                ("x-github-event", "pull_request".into()),
                ("x-hub-signature-256", sig),
            ],
            body,
        )
        .await;
    assert_eq!(status, 400);
    let (status, text) = h
        .deliver_as("pull_request", &delivery_id(), b"<xml/>")
        .await;
    assert_eq!((status, text.as_str()), (400, "the body is not JSON"));
    let (status, _) = h
        .deliver_as("pull_request", &delivery_id(), br#"{"action":"opened"}"#)
        .await;
    assert_eq!(status, 400, "JSON that is not a pull_request payload");
    assert_eq!(queued(&h).await, 0);
}

#[tokio::test]
async fn bodies_over_github_cap_are_too_large() {
    let h = Harness::start().await;
    let body = vec![b' '; switchyard::server::MAX_BODY_BYTES + 1];
    let (status, _) = h.deliver_as("push", &delivery_id(), &body).await;
    assert_eq!(status, 413);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn ping_unhandled_events_and_payloads_without_installation_queue_nothing() {
    let h = Harness::start().await;
    for (event, file) in [
        ("ping", "ping/payload.json"),
        ("label", "label/created.payload.json"),
        ("pull_request", "pull_request/labeled.payload.json"),
        ("issue_comment", "issue_comment/deleted.payload.json"),
    ] {
        let body = real_payload(file);
        let (status, _) = h.deliver_as(event, &delivery_id(), &body).await;
        assert_eq!(status, 200, "{file}");
    }
    // A real repository-webhook payload has no installation: answered, not queued.
    let body = real_payload("pull_request/converted_to_draft.payload.json");
    let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(value.get("installation").is_none());
    let (status, text) = h.deliver_as("pull_request", &delivery_id(), &body).await;
    assert_eq!(
        (status, text.as_str()),
        (200, "the payload has no installation")
    );
    assert_eq!(queued(&h).await, 0);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_handled_delivery_is_on_disk_before_its_202_and_a_redelivery_changes_nothing() {
    let mut h = Harness::start().await;
    let body = real_payload("pull_request/synchronize.payload.json");
    let body = serde_json::to_vec(&retarget(serde_json::from_slice(&body).unwrap(), REPO)).unwrap();
    // Stop the workers so the job stays queued and can be seen.
    h.app.take().unwrap().kill();
    h.start_app_without_workers().await;
    let id = delivery_id();
    let (status, _) = h.deliver_as("pull_request", &id, &body).await;
    assert_eq!(status, 202);
    assert_eq!(queued(&h).await, 1);
    let (status, text) = h.deliver_as("pull_request", &id, &body).await;
    assert_eq!((status, text.as_str()), (200, "already received"));
    assert_eq!(queued(&h).await, 1);
}

#[tokio::test]
async fn health_readiness_and_metrics_answer() {
    let h = Harness::start().await;
    assert_eq!(
        h.request("GET", "/healthz", &[], vec![]).await,
        (200, "ok".into())
    );
    assert_eq!(
        h.request("GET", "/readyz", &[], vec![]).await,
        (200, "ready".into())
    );
    h.deliver_as("pull_request", &delivery_id(), b"nope").await;
    let (status, text) = h.request("GET", "/metrics", &[], vec![]).await;
    assert_eq!(status, 200);
    assert!(
        text.contains(
            r#"switchyard_webhook_deliveries_total{event="pull_request",outcome="bad_request"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains("switchyard_jobs{state=\"queued\"}"), "{text}");
    assert!(
        text.contains("switchyard_reconcile_duration_seconds"),
        "{text}"
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn the_probot_path_is_the_same_receiver() {
    let h = Harness::start().await;
    let body = real_payload("ping/payload.json");
    let (status, _) = h
        .request(
            "POST",
            "/api/github/webhooks",
            &[
                ("x-github-event", "ping".into()),
                ("x-github-delivery", delivery_id()),
                ("x-hub-signature-256", signed(&body)),
            ],
            body,
        )
        .await;
    assert_eq!(status, 200);
}
