//! The setup pages over plain HTTP: the callback's checks, saving the credentials, and the
//! next start running as the App they name.

#[cfg(unix)]
use super::mode_of;
use super::{CODE, FirstRun, cli, ping, state_in};
use crate::support::sqlite_url;
use serde_json::{Value, json};
use switchyard::setup::{self, Mode};

#[tokio::test]
async fn a_callback_without_the_pages_state_or_a_good_code_registers_nothing() {
    let run = FirstRun::start().await;
    for query in [
        format!("?code={CODE}"),
        format!("?code={CODE}&state="),
        format!("?code={CODE}&state=0123456789abcdef0123456789abcdef"),
    ] {
        let (status, page) = run
            .http
            .get(&run.url(&format!("/setup/callback{query}")))
            .await;
        assert_eq!(status, 400, "{query}");
        assert!(page.contains("its state is missing or wrong"), "{page}");
    }
    assert_eq!(run.gh.count("POST /app-manifests/*/conversions"), 0);
    assert!(!run.credentials_path.exists());

    let (status, page) = run.http.get(&run.url("/setup")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Register GitHub App"), "{page}");

    // With the right state: a missing code, or one GitHub does not know, registers nothing.
    let state = state_in(&page);
    let (status, page) = run
        .http
        .get(&run.url(&format!("/setup/callback?state={state}")))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("code is missing"), "{page}");
    let (status, page) = run
        .http
        .get(&run.url(&format!("/setup/callback?code=0ddc0de&state={state}")))
        .await;
    assert_eq!(status, 502);
    assert!(page.contains("GitHub refused the code (404"), "{page}");
    assert!(!run.credentials_path.exists());
    let (status, _) = run.ping().await;
    assert_eq!(status, 503, "still in setup mode");
    run.app.stop().await;
}

#[tokio::test]
async fn credentials_that_cannot_be_saved_are_reported_and_the_app_still_runs() {
    let run = FirstRun::start_saving_to("missing-directory/switchyard-credentials.json").await;
    let (_, status, page) = run.register().await;
    assert_eq!(status, 500);
    assert!(
        page.contains("The credentials could not be saved"),
        "{page}"
    );
    assert!(page.contains(&format!("GITHUB_APP_ID={}", run.created.id)));
    let (status, _) = run.ping().await;
    assert_eq!(status, 200, "the App runs until the process stops");
    run.app.stop().await;
}

#[tokio::test]
async fn until_registered_webhooks_wait_and_health_answers() {
    let run = FirstRun::start().await;
    let (status, body) = run.ping().await;
    assert_eq!(status, 503);
    assert!(body.contains("GitHub can redeliver"), "{body}");
    assert_eq!(run.http.get(&run.url("/healthz")).await.0, 200);
    assert_eq!(run.http.get(&run.url("/readyz")).await.0, 503);
    run.app.stop().await;
}

#[tokio::test]
async fn an_organization_gets_a_form_of_its_own() {
    let run = FirstRun::start().await;
    let (status, page) = run
        .http
        .get(&run.url("/setup?organization=acme-labs"))
        .await;
    assert_eq!(status, 200);
    let state = state_in(&page);
    assert!(
        page.contains(&format!(
            r#"action="{}/organizations/acme-labs/settings/apps/new?state={state}""#,
            run.web.url
        )),
        "{page}"
    );
    assert!(page.contains("Register GitHub App for acme-labs"));

    let (status, page) = run
        .http
        .get(&run.url("/setup?organization=%22%3E%3Cb%3Eacme"))
        .await;
    assert_eq!(status, 400);
    assert!(page.contains("up to 39 letters, digits and single hyphens"));
    assert!(page.contains("&quot;&gt;&lt;b&gt;acme") && !page.contains("<b>acme"));
    assert!(!page.contains("/organizations/"));
    run.app.stop().await;
}

#[tokio::test]
async fn registering_saves_private_credentials_that_the_next_start_uses() {
    let run = FirstRun::start().await;
    let (state, status, page) = run.register().await;
    assert_eq!(status, 200, "{page}");
    let install = format!(
        "{}/apps/{}/installations/new",
        run.web.url, run.created.slug
    );
    assert!(page.contains(&install), "{page}");

    let path = run.credentials_path.clone();
    #[cfg(unix)]
    assert_eq!(mode_of(&path), 0o600);
    let stored: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        stored,
        json!({
            "id": run.created.id,
            "slug": run.created.slug,
            "pem": run.created.pem,
            "webhook_secret": run.created.webhook_secret,
            "client_id": run.created.client_id,
            "client_secret": run.created.client_secret,
        })
    );

    // Running as the App now, without a restart.
    let (status, body) = run.ping().await;
    assert_eq!((status, body.as_str()), (200, "pong"));
    let (status, _) = run.ping_signed_with("not-it").await;
    assert_eq!(status, 401);
    let (status, page) = run.http.get(&run.url("/")).await;
    assert_eq!(status, 200);
    assert!(page.contains(&install), "the root page links to installing");
    let (status, page) = run
        .http
        .get(&run.url(&format!("/setup/callback?code={CODE}&state={state}")))
        .await;
    assert_eq!(status, 200, "a reload shows the same page: {page}");
    assert_eq!(run.gh.count("POST /app-manifests/*/conversions"), 1);
    let conversion = run
        .gh
        .requests()
        .into_iter()
        .find(|r| r.endpoint == "POST /app-manifests/{code}/conversions");
    assert_eq!(
        conversion.and_then(|r| r.accept).as_deref(),
        Some("application/vnd.github+json"),
        "the code exchange asks for GitHub's media type like every other request"
    );

    let FirstRun {
        gh,
        created,
        app,
        http,
        dir,
        ..
    } = run;
    app.stop().await;
    let database_url = sqlite_url(dir.path());
    let mode = cli(&[
        "--listen",
        "127.0.0.1:0",
        "--api-url",
        gh.url(),
        "--database-url",
        &database_url,
        "--credentials-path",
        path.to_str().unwrap(),
    ])
    .into_settings()
    .expect("the stored credentials are valid settings");
    let Mode::App(settings) = &mode else {
        panic!("the next start should run as the App: {mode:?}");
    };
    assert_eq!(settings.credentials.app_id, created.id);
    let next = setup::launch(mode).await.expect("the App starts");
    let base = format!("http://{}", next.addr);
    let (status, _) = http
        .deliver(&base, &created.webhook_secret, "ping", &ping())
        .await;
    assert_eq!(status, 200);
    let (status, page) = http.get(&format!("{base}/")).await;
    assert_eq!(status, 200);
    assert!(page.contains("Switchyard is running"), "{page}");
    next.stop().await;
}
