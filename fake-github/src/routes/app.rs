//! The app itself: its identity, installations, installation tokens and the manifest flow.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::render::{self, WEB, timestamp};
use super::{ApiResult, Ctx, created, ok};
use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::hash;
use crate::state::{AppIdentity, Installation, Repo, World};

pub(crate) async fn get_app(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let mut body = render::app(ctx.base(), &world.app);
    body["installations_count"] = json!(world.installations.len());
    ok(body)
}

pub(crate) async fn list_installations(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let installations: Vec<(&u64, &Installation)> = world.installations.iter().collect();
    Ok(ctx.page(&installations, |(id, installation)| {
        installation_json(ctx.base(), &world, **id, installation)
    }))
}

pub(crate) async fn get_installation(ctx: Ctx) -> ApiResult {
    let id = ctx.number("installation_id")?;
    let world = ctx.lock();
    let installation = world.installations.get(&id).ok_or(ApiError::NotFound)?;
    ok(installation_json(ctx.base(), &world, id, installation))
}

/// `GET /repos/{owner}/{repo}/installation`, with the app's JWT.
pub(crate) async fn get_repo_installation(ctx: Ctx) -> ApiResult {
    let world = ctx.lock();
    let key = world.repo(&ctx.repo_name())?.full_name.to_ascii_lowercase();
    let (id, installation) = world
        .installations
        .iter()
        .find(|(_, installation)| installation.repos.contains(&key))
        .ok_or(ApiError::NotFound)?;
    ok(installation_json(ctx.base(), &world, *id, installation))
}

/// Exchanges the app's JWT (checked by the gateway) for an installation token.
pub(crate) async fn create_access_token(ctx: Ctx) -> ApiResult {
    let id = ctx.number("installation_id")?;
    let mut world = ctx.lock();
    if !world.installations.contains_key(&id) {
        return Err(ApiError::NotFound);
    }
    let (token, expires_at) = auth::mint_token(&mut world, id, SystemTime::now());
    created(json!({
        "token": token,
        "expires_at": timestamp(DateTime::<Utc>::from(expires_at)),
        "permissions": render::app_permissions(),
        "repository_selection": "selected",
    }))
}

/// `GET /installation/repositories`: what the calling installation's token can reach.
pub(crate) async fn list_installation_repositories(ctx: Ctx) -> ApiResult {
    let Caller::Installation(id) = ctx.caller else {
        return Err(ApiError::Unauthorized("Bad credentials"));
    };
    let world = ctx.lock();
    let installation = world.installations.get(&id).ok_or(ApiError::NotFound)?;
    let repos: Vec<&Repo> = installation
        .repos
        .iter()
        .filter_map(|key| world.repos.get(key))
        .collect();
    Ok(ctx.wrapped_page("repositories", &repos, |repo| {
        render::repository(ctx.base(), repo)
    }))
}

/// `POST /app-manifests/{code}/conversions`: a code the test registered turns, once, into the
/// new app's credentials, and the fake becomes that app.
pub(crate) async fn convert_manifest(ctx: Ctx) -> ApiResult {
    let mut world = ctx.lock();
    let app = world
        .manifest_codes
        .remove(ctx.param("code"))
        .ok_or(ApiError::NotFound)?;
    world.app = AppIdentity {
        id: app.id,
        slug: app.slug.clone(),
        owner: app.owner.clone(),
    };
    let mut body = render::app(ctx.base(), &world.app);
    let extra = json!({
        "name": app.name,
        "client_id": app.client_id,
        "client_secret": app.client_secret,
        "webhook_secret": app.webhook_secret,
        "pem": app.pem,
    });
    for (key, value) in extra.as_object().expect("extra is an object") {
        body[key] = value.clone();
    }
    created(body)
}

fn installation_json(base: &str, world: &World, id: u64, installation: &Installation) -> Value {
    json!({
        "id": id,
        "account": render::user(base, &installation.account),
        "repository_selection": "selected",
        "access_tokens_url": format!("{base}/app/installations/{id}/access_tokens"),
        "repositories_url": format!("{base}/installation/repositories"),
        "html_url": format!("{WEB}/settings/installations/{id}"),
        "app_id": world.app.id,
        "app_slug": world.app.slug,
        "target_id": hash::user_id(&installation.account),
        "target_type": "Organization",
        "permissions": render::app_permissions(),
        "events": render::app_events(),
        "created_at": timestamp(installation.created_at),
        "updated_at": timestamp(installation.created_at),
        "single_file_name": null,
        "suspended_at": null,
        "suspended_by": null,
    })
}
