//! GitHub's side of the App's webhook: deliveries sent, signed and logged; the log listed as
//! the App reads it, and an attempt asked for again.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{HeaderMap, StatusCode};
use fake_github::FakeGitHub;
use serde_json::{Value, json};

use crate::client::{Api, jwt, unix_now};

/// A webhook receiver that answers every delivery with `status` and keeps its headers.
struct Receiver {
    url: String,
    received: Arc<Mutex<Vec<HeaderMap>>>,
}

impl Receiver {
    async fn start(status: StatusCode) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap| {
            let kept = kept.clone();
            async move {
                kept.lock().unwrap().push(headers);
                status
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/webhook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, received }
    }

    fn deliveries(&self) -> Vec<HeaderMap> {
        self.received.lock().unwrap().clone()
    }
}

/// An address nothing listens on.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}/webhook", listener.local_addr().unwrap())
}

fn as_app(gh: &FakeGitHub) -> Api {
    Api::anonymous(gh).with_authorization(format!(
        "Bearer {}",
        jwt(json!({ "iss": 42, "exp": unix_now() + 300 }))
    ))
}

fn opened(number: u64) -> Value {
    json!({
        "action": "opened",
        "number": number,
        "installation": { "id": 7 },
        "repository": { "id": 99, "full_name": "octo/repo" }
    })
}

/// Every field GitHub's `hook-delivery-item` requires, with its JSON type.
fn assert_hook_delivery_item(item: &Value) {
    for (field, is_type) in [
        ("id", Value::is_u64 as fn(&Value) -> bool),
        ("guid", Value::is_string),
        ("delivered_at", Value::is_string),
        ("redelivery", Value::is_boolean),
        ("duration", Value::is_number),
        ("status", Value::is_string),
        ("status_code", Value::is_u64),
        ("event", Value::is_string),
    ] {
        assert!(is_type(&item[field]), "{field} in {item}");
    }
    for nullable in ["action", "installation_id", "repository_id"] {
        assert!(item.get(nullable).is_some(), "{nullable} in {item}");
    }
    let delivered_at = item["delivered_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(delivered_at).is_ok(),
        "{delivered_at}"
    );
}

#[tokio::test]
async fn deliveries_are_signed_logged_and_listed_newest_first_by_cursor() {
    let gh = FakeGitHub::start().await;
    gh.set_app_id(42);
    let receiver = Receiver::start(StatusCode::ACCEPTED).await;
    gh.set_webhook(&receiver.url, "s3cret");
    let first = gh.send_webhook("pull_request", &opened(1)).await;
    gh.set_webhook(&closed_url(), "s3cret");
    let refused = gh.send_webhook("pull_request", &opened(2)).await;
    gh.set_webhook(&receiver.url, "s3cret");
    let last = gh
        .send_webhook("push", &json!({ "ref": "refs/heads/main" }))
        .await;

    assert_eq!((first.status_code, first.status.as_str()), (202, "OK"));
    assert_eq!(
        (refused.status_code, refused.status.as_str()),
        (0, "failed to connect to host")
    );
    assert_eq!(
        (
            first.action.as_deref(),
            first.installation_id,
            first.repository_id
        ),
        (Some("opened"), Some(7), Some(99))
    );
    assert!(first.id < refused.id && refused.id < last.id);
    assert_ne!(first.guid, refused.guid);
    let sent = receiver.deliveries();
    assert_eq!(sent.len(), 2);
    let header = |n: usize, name: &str| sent[n][name].to_str().unwrap().to_owned();
    assert_eq!(header(0, "x-github-event"), "pull_request");
    assert_eq!(header(0, "x-github-delivery"), first.guid);
    assert_eq!(header(1, "x-github-delivery"), last.guid);
    let signature = header(0, "x-hub-signature-256");
    assert!(
        signature.len() == 71 && signature.starts_with("sha256="),
        "{signature}"
    );

    let app = as_app(&gh);
    let page = app.get("/app/hook/deliveries?per_page=2").await;
    assert_eq!(page.status, 200, "{}", page.text);
    let ids: Vec<u64> = page
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [last.id, refused.id], "newest first");
    page.json
        .as_array()
        .unwrap()
        .iter()
        .for_each(assert_hook_delivery_item);
    assert_eq!(page.json[1]["status_code"], 0);
    assert_eq!(page.json[1]["action"], "opened");
    assert_eq!(page.json[0]["action"], Value::Null);
    let next = page.link("next").expect("a next page");
    assert!(next.contains("cursor="), "{next}");
    let rest = app.get(&next).await;
    assert_eq!(rest.json.as_array().unwrap().len(), 1);
    assert_eq!(rest.json[0]["id"], first.id);
    assert_eq!(rest.link("next"), None);

    let only_redeliveries = app.get("/app/hook/deliveries?redelivery=true").await;
    assert_eq!(only_redeliveries.json, json!([]));
    let token = Api::installation(&gh, {
        gh.install(7, "octo/repo");
        7
    });
    assert_eq!(token.get("/app/hook/deliveries").await.status, 401);
    assert_eq!(
        Api::anonymous(&gh).get("/app/hook/deliveries").await.status,
        401
    );
}

#[tokio::test]
async fn an_attempt_asked_for_again_delivers_its_event_once_more_under_its_guid() {
    let gh = FakeGitHub::start().await;
    gh.set_app_id(42);
    gh.set_webhook(&closed_url(), "s3cret");
    let failed = gh.send_webhook("pull_request", &opened(3)).await;
    let receiver = Receiver::start(StatusCode::ACCEPTED).await;
    gh.set_webhook(&receiver.url, "s3cret");

    let app = as_app(&gh);
    let asked = app
        .post(
            &format!("/app/hook/deliveries/{}/attempts", failed.id),
            json!({}),
        )
        .await;
    assert_eq!((asked.status, asked.json.clone()), (202, json!({})));
    let sent = receiver.deliveries();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["x-github-delivery"].to_str().unwrap(), failed.guid);
    let log = gh.hook_deliveries();
    assert_eq!(log.len(), 2);
    let again = &log[1];
    assert!(again.redelivery && again.id > failed.id);
    assert_eq!(
        (again.guid.as_str(), again.status_code, again.event.as_str()),
        (failed.guid.as_str(), 202, "pull_request")
    );
    let listed = app.get("/app/hook/deliveries?redelivery=true").await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1);
    assert_eq!(listed.json[0]["redelivery"], true);

    assert_eq!(
        app.post("/app/hook/deliveries/1/attempts", json!({}))
            .await
            .status,
        404
    );
    gh.age_hook_deliveries(Duration::from_secs(3 * 24 * 3600 + 1));
    assert_eq!(
        app.get("/app/hook/deliveries").await.json,
        json!([]),
        "kept three days"
    );
    let gone = app
        .post(
            &format!("/app/hook/deliveries/{}/attempts", failed.id),
            json!({}),
        )
        .await;
    assert_eq!(gone.status, 404);
}
