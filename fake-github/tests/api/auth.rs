use std::time::Duration;

use fake_github::FakeGitHub;
use serde_json::json;

use crate::client::{Api, jwt, unix_now};

const REPO: &str = "/repos/octo/repo";

async fn installed() -> FakeGitHub {
    let gh = FakeGitHub::start().await;
    gh.set_app_id(42);
    gh.install(7, "octo/repo");
    gh
}

#[tokio::test]
async fn a_jwt_buys_an_installation_token_that_opens_the_repository() {
    let gh = installed().await;
    let app = Api::anonymous(&gh).with_authorization(format!(
        "Bearer {}",
        jwt(json!({ "iss": 42, "exp": unix_now() + 540 }))
    ));

    let minted = app
        .post("/app/installations/7/access_tokens", json!({}))
        .await;
    assert_eq!(minted.status, 201);
    let token = minted.json["token"].as_str().unwrap();
    assert!(token.starts_with("ghs_"));
    assert!(minted.json["expires_at"].as_str().unwrap().ends_with('Z'));

    for scheme in ["token", "Bearer"] {
        let repo = Api::anonymous(&gh)
            .with_authorization(format!("{scheme} {token}"))
            .get(REPO)
            .await;
        assert_eq!(repo.status, 200, "{scheme}");
        assert_eq!(repo.json["full_name"], "octo/repo");
    }
    assert_eq!(app.get("/app").await.json["id"], 42);
}

#[tokio::test]
async fn jwts_with_the_wrong_issuer_or_a_past_expiry_are_refused() {
    let gh = installed().await;
    for claims in [
        json!({ "iss": 41, "exp": unix_now() + 540 }),
        json!({ "iss": 42, "exp": unix_now() - 1 }),
    ] {
        let app = Api::anonymous(&gh).with_authorization(format!("Bearer {}", jwt(claims.clone())));
        let reply = app
            .post("/app/installations/7/access_tokens", json!({}))
            .await;
        assert_eq!(reply.status, 401, "{claims}");
    }
}

#[tokio::test]
async fn repository_endpoints_need_a_live_token_of_an_installation_that_has_the_repository() {
    let gh = installed().await;
    gh.repo("octo/elsewhere");

    let anonymous = Api::anonymous(&gh).get(REPO).await;
    assert_eq!(anonymous.status, 401);
    assert_eq!(anonymous.json["message"], "Requires authentication");

    let bogus = Api::anonymous(&gh)
        .with_authorization("token ghs_nope".into())
        .get(REPO)
        .await;
    assert_eq!(
        (bogus.status, bogus.json["message"].as_str()),
        (401, Some("Bad credentials"))
    );

    let api = Api::installation(&gh, 7);
    assert_eq!(
        api.get("/repos/octo/elsewhere").await.status,
        404,
        "not installed there"
    );

    gh.expire_tokens();
    assert_eq!(api.get(REPO).await.status, 401, "expired");
}

#[tokio::test]
async fn token_lifetime_is_configurable() {
    let gh = installed().await;
    gh.set_token_lifetime(Duration::from_millis(200));
    let api = Api::installation(&gh, 7);
    assert_eq!(api.get(REPO).await.status, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(api.get(REPO).await.status, 401);
}

#[tokio::test]
async fn the_app_lists_its_installations_and_an_installation_its_repositories() {
    let gh = installed().await;
    gh.install(7, "octo/tools");
    gh.install(8, "other/repo");
    let app = Api::anonymous(&gh).with_authorization(format!(
        "Bearer {}",
        jwt(json!({ "iss": 42, "exp": unix_now() + 60 }))
    ));

    let installations = app.get("/app/installations").await;
    assert_eq!(installations.json.as_array().unwrap().len(), 2);
    assert_eq!(installations.json[0]["account"]["login"], "octo");
    assert_eq!(app.get("/app/installations/8").await.json["id"], 8);
    assert_eq!(
        app.get("/repos/other/repo/installation").await.json["id"],
        8
    );
    assert_eq!(
        app.get("/repos/octo/repo").await.status,
        401,
        "a JWT cannot read repositories"
    );

    let repositories = Api::installation(&gh, 7)
        .get("/installation/repositories")
        .await;
    assert_eq!(repositories.json["total_count"], 2);
    assert_eq!(
        repositories.json["repositories"][0]["full_name"],
        "octo/repo"
    );

    gh.uninstall(7, "octo/tools");
    assert_eq!(
        Api::installation(&gh, 7)
            .get("/repos/octo/tools")
            .await
            .status,
        404
    );
    gh.remove_installation(8);
    assert_eq!(
        app.post("/app/installations/8/access_tokens", json!({}))
            .await
            .status,
        404
    );
}
