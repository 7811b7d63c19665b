//! Authenticating as the App: a JWT signed with its private key buys installation tokens,
//! which are cached and renewed before they expire.

use super::client::{GitHubError, InstallationClient, RetrySettings, Transport};
use super::models::InstallationToken;
use crate::ids::InstallationId;
use crate::metrics::Metrics;
use http::{Method, Uri};
use octocrab::Octocrab;
use octocrab::jsonwebtoken::EncodingKey;
use octocrab::models::AppId;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// A token is renewed when less than this is left of its hour.
const RENEW_BEFORE: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

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

pub struct GitHubApp {
    app_id: u64,
    key: EncodingKey,
    transport: Transport,
    tokens: Mutex<HashMap<InstallationId, InstallationToken>>,
}

impl GitHubApp {
    pub fn new(
        credentials: &AppCredentials,
        api_url: &str,
        metrics: Arc<Metrics>,
        retry: RetrySettings,
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
        Ok(Self {
            app_id: credentials.app_id,
            key,
            transport: Transport {
                octocrab,
                base,
                metrics,
                retry,
            },
            tokens: Mutex::new(HashMap::new()),
        })
    }

    pub fn app_id(&self) -> u64 {
        self.app_id
    }

    fn jwt(&self) -> Result<String, GitHubError> {
        octocrab::auth::create_jwt(AppId(self.app_id), &self.key)
            .map_err(|e| GitHubError::Auth(format!("cannot sign the App's JWT: {e}")))
    }

    /// A client for one installation, with a token valid for at least a few more minutes.
    pub async fn installation(
        &self,
        installation: InstallationId,
    ) -> Result<InstallationClient, GitHubError> {
        let mut tokens = self.tokens.lock().await;
        let fresh = tokens
            .get(&installation)
            .filter(|t| t.expires_at - chrono::Utc::now() > RENEW_BEFORE)
            .cloned();
        let token = match fresh {
            Some(token) => token,
            None => {
                let token = self.request_token(installation).await?;
                tokens.insert(installation, token.clone());
                token
            }
        };
        Ok(InstallationClient {
            transport: self.transport.clone(),
            auth: format!("token {}", token.token),
        })
    }

    /// Forgets a cached token, e.g. after GitHub refused it.
    pub async fn forget_token(&self, installation: InstallationId) {
        self.tokens.lock().await.remove(&installation);
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
                .send(Method::POST, &path, &auth, None, None)
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
