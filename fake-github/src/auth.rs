//! GitHub App authentication: app JWTs, installation tokens, and who may reach which path.

use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::error::ApiError;
use crate::hash;
use crate::rate_limit::RateKey;
use crate::state::{TokenGrant, World};

/// Longest JWT lifetime GitHub accepts.
const MAX_JWT_LIFETIME_SECS: u64 = 600;

/// Who a request authenticated as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    Anonymous,
    /// A valid app JWT.
    App,
    /// A valid, unexpired installation token.
    Installation(u64),
    /// Credentials were sent but are no good; the message is GitHub's.
    Rejected(&'static str),
}

impl Caller {
    pub fn rate_key(&self) -> RateKey {
        match self {
            Caller::App => RateKey::App,
            Caller::Installation(id) => RateKey::Installation(*id),
            Caller::Anonymous | Caller::Rejected(_) => RateKey::Anonymous,
        }
    }
}

/// Reads the `Authorization` header: `Bearer <jwt>`, or `token`/`Bearer` with an installation token.
pub(crate) fn identify(world: &World, authorization: Option<&str>, now: SystemTime) -> Caller {
    let Some(header) = authorization else {
        return Caller::Anonymous;
    };
    let credential = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .or_else(|| header.strip_prefix("token "))
        .map(str::trim);
    let Some(credential) = credential else {
        return Caller::Rejected("Bad credentials");
    };
    if credential.split('.').count() == 3 {
        return match check_jwt(credential, world.app.id, unix_secs(now)) {
            Ok(()) => Caller::App,
            Err(message) => Caller::Rejected(message),
        };
    }
    match world.tokens.get(credential) {
        Some(grant)
            if grant.expires_at > now
                && world.installations.contains_key(&grant.installation_id) =>
        {
            Caller::Installation(grant.installation_id)
        }
        _ => Caller::Rejected("Bad credentials"),
    }
}

/// Checks a JWT's claims the way GitHub does, minus the signature: `iss` must be the app id and
/// `exp` must lie in the next ten minutes.
fn check_jwt(jwt: &str, app_id: u64, now: u64) -> Result<(), &'static str> {
    const UNDECODABLE: &str = "A JSON web token could not be decoded";
    let payload = jwt.split('.').nth(1).ok_or(UNDECODABLE)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| UNDECODABLE)?;
    let claims: Value = serde_json::from_slice(&bytes).map_err(|_| UNDECODABLE)?;
    let issuer = match &claims["iss"] {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    };
    if issuer != Some(app_id) {
        return Err("'Issuer' claim ('iss') must be an Integer");
    }
    let expires = claims["exp"]
        .as_u64()
        .ok_or("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires")?;
    if expires <= now {
        return Err(
            "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
        );
    }
    if expires > now + MAX_JWT_LIFETIME_SECS {
        return Err("'Expiration time' claim ('exp') is too far in the future");
    }
    Ok(())
}

/// Issues a new installation token and returns it with its expiry.
pub(crate) fn mint_token(
    world: &mut World,
    installation_id: u64,
    now: SystemTime,
) -> (String, SystemTime) {
    let serial = world.seq.id();
    let token = format!(
        "ghs_{}",
        &hash::fake_sha(&format!("token:{installation_id}:{serial}"))[..36]
    );
    let expires_at = now + world.token_lifetime;
    world.tokens.insert(
        token.clone(),
        TokenGrant {
            installation_id,
            expires_at,
        },
    );
    (token, expires_at)
}

/// Which credential a path needs.
enum Access<'a> {
    Public,
    App,
    AnyInstallation,
    Repo(&'a str, &'a str),
}

fn required_access(path: &str) -> Access<'_> {
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    match segments.as_slice() {
        ["app-manifests", ..] => Access::Public,
        ["app", ..] => Access::App,
        ["repos", _, _, "installation"] => Access::App,
        ["repos", owner, repo, ..] => Access::Repo(owner, repo),
        ["installation", ..] => Access::AnyInstallation,
        _ => Access::Public,
    }
}

/// Lets the request through, or answers as GitHub would: 401 for missing or bad credentials,
/// 404 for a repository the installation cannot see (GitHub does not reveal that it exists).
pub(crate) fn authorize(world: &World, caller: &Caller, path: &str) -> Result<(), ApiError> {
    match (required_access(path), caller) {
        (Access::Public, _) => Ok(()),
        (_, Caller::Anonymous) => Err(ApiError::Unauthorized("Requires authentication")),
        (_, Caller::Rejected(message)) => Err(ApiError::Unauthorized(message)),
        (Access::App, Caller::App) | (Access::AnyInstallation, Caller::Installation(_)) => Ok(()),
        (Access::App, Caller::Installation(_)) => Err(ApiError::Unauthorized(
            "A JSON web token could not be decoded",
        )),
        (Access::AnyInstallation | Access::Repo(..), Caller::App) => {
            Err(ApiError::Unauthorized("Bad credentials"))
        }
        (Access::Repo(owner, repo), Caller::Installation(id)) => {
            let key = format!("{owner}/{repo}").to_ascii_lowercase();
            let reachable = world.repos.contains_key(&key)
                && world
                    .installations
                    .get(id)
                    .is_some_and(|installation| installation.repos.contains(&key));
            if reachable {
                Ok(())
            } else {
                Err(ApiError::NotFound)
            }
        }
    }
}

pub(crate) fn unix_secs(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn jwt(claims: &str) -> String {
        format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    #[test]
    fn jwt_needs_our_issuer_and_a_near_future_expiry() {
        assert_eq!(check_jwt(&jwt(r#"{"iss":7,"exp":1100}"#), 7, 1000), Ok(()));
        assert_eq!(
            check_jwt(&jwt(r#"{"iss":"7","exp":1100}"#), 7, 1000),
            Ok(())
        );
        assert!(check_jwt(&jwt(r#"{"iss":8,"exp":1100}"#), 7, 1000).is_err());
        assert!(check_jwt(&jwt(r#"{"iss":7,"exp":999}"#), 7, 1000).is_err());
        assert!(check_jwt(&jwt(r#"{"iss":7,"exp":5000}"#), 7, 1000).is_err());
        assert!(check_jwt("a.%%%.c", 7, 1000).is_err());
    }
}
