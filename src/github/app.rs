//! Authenticating as the App: a JWT signed with its private key buys installation tokens,
//! which are cached and renewed before they expire.

mod hooks;

use super::budget::{Budget, Ledger};
use super::client::{InstallationClient, RetrySettings, Transport};
use super::error::GitHubError;
use super::models::InstallationToken;
use crate::ids::{AppId, InstallationId};
use crate::metrics::Metrics;
pub use hooks::{HookDeliveryItem, HookDeliveryPage};
use http::{Method, Uri};
use octocrab::Octocrab;
use octocrab::jsonwebtoken::EncodingKey;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// A token is renewed when less than this is left of its hour.
const RENEW_BEFORE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Installation tokens kept in memory at most. A token lasts an hour, so this many
/// installations at work within one hour are served from memory; past that, the token that
/// expires first makes room, and is asked for again when needed.
const MAX_CACHED_TOKENS: usize = 1024;

#[derive(Clone)]
pub struct AppCredentials {
    pub app_id: u64,
    pub private_key_pem: String,
}

impl std::fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AppCredentials {{ app_id: {}, private_key: <redacted> }}",
            self.app_id
        )
    }
}

/// The HTTP client every call to the API goes through, with explicit timeouts; credentials
/// are added per request.
pub fn http_client(api_url: &str) -> octocrab::Result<Octocrab> {
    Octocrab::builder().base_uri(api_url).and_then(|b| {
        b.set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(Duration::from_secs(30)))
            .set_write_timeout(Some(Duration::from_secs(30)))
            .build()
    })
}

/// A client that acts with a token it is given (a person's, or an installation's) rather
/// than as the App: what the command line uses.
pub fn token_client(api_url: &str, token: &str) -> Result<InstallationClient, GitHubError> {
    let base: Uri = api_url
        .parse()
        .map_err(|_| GitHubError::Auth(format!("`{api_url}` is not a URL")))?;
    let octocrab = http_client(api_url)
        .map_err(|e| GitHubError::Auth(format!("cannot build the HTTP client: {e}")))?;
    Ok(InstallationClient {
        transport: Transport {
            octocrab,
            base,
            metrics: Arc::new(Metrics::new()),
            retry: RetrySettings::default(),
            budget: None,
        },
        auth: format!("Bearer {}", token.trim()),
        installation: None,
    })
}

pub struct GitHubApp {
    app_id: AppId,
    key: EncodingKey,
    transport: Transport,
    tokens: Mutex<TokenCache>,
}

impl GitHubApp {
    /// The App, keeping each installation's rate-limit budget in `ledger`.
    pub fn new(
        credentials: &AppCredentials,
        api_url: &str,
        metrics: Arc<Metrics>,
        retry: RetrySettings,
        ledger: Arc<dyn Ledger>,
    ) -> Result<Self, GitHubError> {
        let key =
            EncodingKey::from_rsa_pem(credentials.private_key_pem.as_bytes()).map_err(|e| {
                GitHubError::Auth(format!("the private key is not an RSA PEM key: {e}"))
            })?;
        let base: Uri = api_url
            .parse()
            .map_err(|_| GitHubError::Auth(format!("`{api_url}` is not a URL")))?;
        let octocrab = http_client(api_url)
            .map_err(|e| GitHubError::Auth(format!("cannot build the HTTP client: {e}")))?;
        let budget = Arc::new(Budget::new(ledger, retry.write_interval, metrics.clone()));
        Ok(Self {
            app_id: AppId(credentials.app_id),
            key,
            transport: Transport {
                octocrab,
                base,
                metrics,
                retry,
                budget: Some(budget),
            },
            tokens: Mutex::new(TokenCache::default()),
        })
    }

    pub fn app_id(&self) -> AppId {
        self.app_id
    }

    fn jwt(&self) -> Result<String, GitHubError> {
        octocrab::auth::create_jwt(octocrab::models::AppId(self.app_id.0), &self.key)
            .map_err(|e| GitHubError::Auth(format!("cannot sign the App's JWT: {e}")))
    }

    /// A client for one installation, with a token valid for at least a few more minutes.
    pub async fn installation(
        &self,
        installation: InstallationId,
    ) -> Result<InstallationClient, GitHubError> {
        let mut tokens = self.tokens.lock().await;
        let token = match tokens.fresh(installation, chrono::Utc::now()) {
            Some(token) => token,
            None => {
                let token = self.request_token(installation).await?;
                tokens.keep(installation, token.clone(), chrono::Utc::now());
                token
            }
        };
        Ok(InstallationClient {
            transport: self.transport.clone(),
            auth: format!("token {}", token.token),
            installation: Some(installation),
        })
    }

    /// Forgets a cached token, e.g. after GitHub refused it.
    pub async fn forget_token(&self, installation: InstallationId) {
        self.tokens.lock().await.forget(installation);
    }

    async fn request_token(
        &self,
        installation: InstallationId,
    ) -> Result<InstallationToken, GitHubError> {
        let path = format!("/app/installations/{}/access_tokens", installation.0);
        let auth = format!("Bearer {}", self.jwt()?);
        // Asking for a token twice only costs a token, so unlike other POSTs this one may be
        // repeated after a 5xx.
        let mut last = None;
        for _ in 0..self.transport.retry.max_tries {
            let response = self
                .transport
                .send(Method::POST, &path, &auth, None, None, None)
                .await?;
            if response.status.is_success() {
                return serde_json::from_slice(&response.body).map_err(|e| GitHubError::Decode {
                    endpoint: "/app/installations/{n}/access_tokens".into(),
                    reason: e.to_string(),
                });
            }
            let retry = response.status.is_server_error();
            last = Some(GitHubError::Auth(format!(
                "GitHub answered {} when asked for installation {}'s token: {}",
                response.status,
                installation.0,
                String::from_utf8_lossy(&response.body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            )));
            if !retry {
                break;
            }
            tokio::time::sleep(self.transport.retry.backoff).await;
        }
        Err(last.unwrap_or_else(|| GitHubError::Auth("no token".into())))
    }
}

/// The installation tokens in hand, at most [`MAX_CACHED_TOKENS`] of them.
#[derive(Default)]
struct TokenCache(HashMap<InstallationId, InstallationToken>);

impl TokenCache {
    /// The installation's token, if it is good for a few more minutes.
    fn fresh(&self, installation: InstallationId, now: Timestamp) -> Option<InstallationToken> {
        self.0
            .get(&installation)
            .filter(|t| t.expires_at - now > RENEW_BEFORE)
            .cloned()
    }

    /// Keeps `token`, dropping expired tokens and, when full, the one that expires first.
    fn keep(&mut self, installation: InstallationId, token: InstallationToken, now: Timestamp) {
        self.0.retain(|_, t| t.expires_at > now);
        if self.0.len() >= MAX_CACHED_TOKENS && !self.0.contains_key(&installation) {
            let first_to_expire = self
                .0
                .iter()
                .min_by_key(|(_, t)| t.expires_at)
                .map(|(id, _)| *id);
            if let Some(id) = first_to_expire {
                self.0.remove(&id);
            }
        }
        self.0.insert(installation, token);
    }

    fn forget(&mut self, installation: InstallationId) {
        self.0.remove(&installation);
    }
}

type Timestamp = chrono::DateTime<chrono::Utc>;

#[cfg(test)]
mod tests {
    use super::*;

    fn token(name: &str, expires_at: Timestamp) -> InstallationToken {
        InstallationToken {
            token: name.to_owned(),
            expires_at,
        }
    }

    #[test]
    fn expired_tokens_are_dropped_and_the_cache_never_passes_its_bound() {
        let now = chrono::Utc::now();
        let hour = chrono::TimeDelta::hours(1);
        let mut cache = TokenCache::default();
        cache.keep(InstallationId(1), token("old", now + hour), now);
        cache.keep(InstallationId(2), token("new", now + hour * 2), now + hour);
        assert_eq!(
            cache.fresh(InstallationId(1), now),
            None,
            "expired and dropped"
        );
        assert_eq!(cache.0.len(), 1);
        for id in 10..10 + MAX_CACHED_TOKENS as u64 * 2 {
            let expires = now + hour + chrono::TimeDelta::seconds(id as i64);
            cache.keep(InstallationId(id), token("t", expires), now);
            assert!(cache.0.len() <= MAX_CACHED_TOKENS);
        }
        let last = InstallationId(9 + MAX_CACHED_TOKENS as u64 * 2);
        assert!(cache.fresh(last, now).is_some(), "the newest is kept");
        assert!(
            cache.fresh(InstallationId(10), now).is_none(),
            "the first to expire made room"
        );
    }

    #[test]
    fn a_token_about_to_expire_is_not_fresh() {
        let now = chrono::Utc::now();
        let mut cache = TokenCache::default();
        cache.keep(
            InstallationId(1),
            token("t", now + chrono::TimeDelta::minutes(4)),
            now,
        );
        assert_eq!(cache.fresh(InstallationId(1), now), None);
        cache.forget(InstallationId(1));
        assert!(cache.0.is_empty());
    }
}
