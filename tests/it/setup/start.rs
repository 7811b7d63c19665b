//! `switchyard serve` as an operator runs it: without credentials, or with some in the
//! environment and some in the credentials file.

use super::{cli, ping};
use crate::support::{APP_ID, Binary, Http, sqlite_url};
use fake_github::{FakeGitHub, TEST_PRIVATE_KEY_PEM};
use switchyard::setup::{self, Mode, StoredCredentials};
use switchyard::webhook::WebhookSecrets;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_without_credentials_serves_the_setup_page() {
    let dir = tempfile::tempdir().unwrap();
    let database_url = sqlite_url(dir.path());
    let mut binary = Binary::spawn(dir.path(), &[("DATABASE_URL", &database_url)]);
    let http = Http::new();

    let (status, page) = http.get(&binary.url("/")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Set <code>SWITCHYARD_PUBLIC_URL</code>"),
        "{page}"
    );
    assert!(!page.contains("Register GitHub App"));
    let (status, _) = http.deliver(&binary.url(""), "any", "ping", &ping()).await;
    assert_eq!(status, 503);
    assert_eq!(http.get(&binary.url("/healthz")).await.0, 200);

    assert_eq!(binary.stop(), Some(0));
    assert!(!dir.path().join("switchyard-credentials.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_in_the_environment_win_over_the_credentials_file() {
    let gh = FakeGitHub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("switchyard-credentials.json");
    setup::credentials::save(
        &path,
        &StoredCredentials {
            id: APP_ID,
            slug: "switchyard".into(),
            pem: TEST_PRIVATE_KEY_PEM.into(),
            webhook_secret: "from-the-file".into(),
            client_id: "Iv1.0123456789abcdef".into(),
            client_secret: "client-secret".into(),
        },
    )
    .unwrap();

    let database_url = sqlite_url(dir.path());
    let mut binary = Binary::spawn(
        dir.path(),
        &[
            ("GITHUB_WEBHOOK_SECRET", "from-the-environment"),
            ("GITHUB_API_URL", gh.url()),
            ("DATABASE_URL", &database_url),
        ],
    );
    let http = Http::new();
    let base = binary.url("");
    let (status, _) = http
        .deliver(&base, "from-the-environment", "ping", &ping())
        .await;
    assert_eq!(status, 200, "the environment's secret verifies");
    let (status, _) = http.deliver(&base, "from-the-file", "ping", &ping()).await;
    assert_eq!(status, 401, "the file's secret is overridden");
    assert_eq!(binary.stop(), Some(0));

    let mode = cli(&[
        "--credentials-path",
        path.to_str().unwrap(),
        "--app-id",
        "9",
    ])
    .into_settings()
    .unwrap();
    let Mode::App(settings) = mode else {
        panic!("expected the App: {mode:?}");
    };
    assert_eq!(settings.credentials.app_id, 9);
    assert_eq!(settings.credentials.private_key_pem, TEST_PRIVATE_KEY_PEM);
    let body = b"{}";
    let signed = WebhookSecrets::parse("from-the-file").unwrap().sign(body);
    assert_eq!(settings.secrets.verify(Some(&signed), body), Ok(()));
}
