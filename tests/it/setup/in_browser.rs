//! A person's first run in a real headless Chromium.

use super::github_web::Created;
#[cfg(unix)]
use super::mode_of;
use super::{FirstRun, browser, setup_settings};
use crate::support::{INSTALLATION, REPO, pull_request_payload};
use fake_github::{FileChange, PrSpec};
use std::path::{Path, PathBuf};
use std::time::Duration;
use switchyard::setup;
use switchyard::webhook::WEBHOOK_PATH;

/// Drives the whole first run in a real headless Chromium: the page without a public URL, the
/// registration page, an organization's form, a refused link, then the personal account's button through GitHub and
/// back to the success page. Then the App accepts webhooks signed with the stored secret and
/// its workers reconcile as the new App.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_registers_the_app_in_a_browser() {
    if !Path::new(browser::CHROMEDRIVER).exists() {
        eprintln!("skipped: needs chromium-driver");
        return;
    }
    let run = FirstRun::start().await;
    let unconfigured_dir = tempfile::tempdir().unwrap();
    let unconfigured = setup::start(setup_settings(
        &run.gh,
        &run.web,
        unconfigured_dir.path(),
        None,
    ))
    .await
    .unwrap();
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("setup-flow");
    std::fs::create_dir_all(&shots).unwrap();
    let browser = browser::Browser::start().await;
    let unconfigured_url = format!("http://{}/", unconfigured.addr);
    let seen = walk_through(&browser, &unconfigured_url, &run, &shots).await;
    browser.quit().await;
    unconfigured.stop().await;
    let seen = seen.unwrap_or_else(|e| panic!("the browser walk failed: {e}"));
    for shot in &seen.screenshots {
        println!("screenshot: {}", shot.display());
    }

    assert!(
        seen.needs_public_url.contains("Set SWITCHYARD_PUBLIC_URL"),
        "{}",
        seen.needs_public_url
    );
    assert!(seen.setup.contains("Register GitHub App"), "{}", seen.setup);
    assert!(
        seen.organization
            .contains("Register GitHub App for acme-labs")
    );
    assert!(seen.refused.contains("its state is missing or wrong"));
    assert!(
        seen.landed_on.contains("/setup/callback?code="),
        "{}",
        seen.landed_on
    );
    assert!(seen.registered.contains("Switchyard is registered"));
    assert_eq!(
        seen.install_link,
        format!(
            "{}/apps/{}/installations/new",
            run.web.url, run.created.slug
        )
    );

    let created = run.web.created();
    assert_eq!(created.len(), 1, "one App was created: {created:?}");
    let Created {
        organization,
        state,
        manifest,
    } = &created[0];
    assert_eq!(organization, &None);
    assert_eq!(state.len(), 32);
    assert_eq!(manifest["name"], "Switchyard");
    assert_eq!(manifest["url"], run.public_url.as_str());
    assert_eq!(
        manifest["hook_attributes"]["url"],
        run.url(WEBHOOK_PATH).as_str()
    );
    assert_eq!(
        manifest["redirect_url"],
        run.url("/setup/callback").as_str()
    );
    #[cfg(unix)]
    assert_eq!(mode_of(&run.credentials_path), 0o600);

    // The App now runs: a signed ping is answered, a pull request is queued and reconciled
    // with the new App's key, which puts a check run on its head.
    let secret = &run.created.webhook_secret;
    let (status, body) = run.ping().await;
    assert_eq!((status, body.as_str()), (200, "pong"));
    run.gh.install(INSTALLATION, REPO);
    let number = run.gh.open_pr(
        REPO,
        PrSpec {
            files: vec![FileChange::modified("src/lib.rs")],
            ..PrSpec::new("parallel-dev/agent-1", "")
        },
    );
    let head = run
        .gh
        .issue(REPO, number)
        .pull_request
        .expect("a pull request")
        .head_sha;
    let (status, _) = run
        .http
        .deliver(
            &run.public_url,
            secret,
            "pull_request",
            &pull_request_payload("opened", REPO, number, &head),
        )
        .await;
    assert_eq!(status, 202);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while run.gh.check_runs(REPO, &head).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no check run on the pull request's head"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    run.app.stop().await;
}

/// What the browser showed on the way.
struct Seen {
    needs_public_url: String,
    setup: String,
    organization: String,
    refused: String,
    landed_on: String,
    registered: String,
    install_link: String,
    screenshots: Vec<PathBuf>,
}

async fn walk_through(
    browser: &browser::Browser,
    unconfigured_url: &str,
    run: &FirstRun,
    shots: &Path,
) -> Result<Seen, String> {
    let mut screenshots = Vec::new();
    let mut shoot = async |name: &str| -> Result<(), String> {
        let path = shots.join(name);
        browser.screenshot(&path).await?;
        screenshots.push(path);
        Ok(())
    };

    browser.goto(unconfigured_url).await?;
    let needs_public_url = browser.text_showing("Set SWITCHYARD_PUBLIC_URL").await?;
    shoot("1-needs-public-url.png").await?;

    browser.goto(&run.url("/")).await?;
    let setup = browser.text_showing("Register GitHub App").await?;
    shoot("2-setup.png").await?;

    let field = browser.find("#organization").await?;
    browser.type_into(&field, "acme-labs").await?;
    browser
        .click(&browser.find("#choose-organization").await?)
        .await?;
    let organization = browser
        .text_showing("Register GitHub App for acme-labs")
        .await?;
    shoot("3-organization.png").await?;

    browser
        .goto(&run.url("/setup/callback?code=0123&state=forged"))
        .await?;
    let refused = browser
        .text_showing("its state is missing or wrong")
        .await?;
    shoot("4-refused.png").await?;

    browser.goto(&run.url("/setup")).await?;
    browser
        .click(&browser.find("#register-personal").await?)
        .await?;
    let landed_on = browser.wait_for_url("/setup/callback").await?;
    let registered = browser.text_showing("Switchyard is registered").await?;
    let install_link = browser
        .attribute(&browser.find("#install").await?, "href")
        .await?;
    shoot("5-registered.png").await?;

    Ok(Seen {
        needs_public_url,
        setup,
        organization,
        refused,
        landed_on,
        registered,
        install_link,
        screenshots,
    })
}
