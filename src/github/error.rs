//! Why a call to GitHub failed, as the installation's client, its rate-limit budget and the
//! App's own calls report it.

#[derive(Debug, thiserror::Error)]
pub enum GitHubError {
    #[error("GitHub answered {status} to {method} {endpoint}: {message}")]
    Status {
        method: String,
        endpoint: String,
        status: u16,
        message: String,
    },
    #[error("GitHub's rate limit is spent until {until}")]
    RateLimited { until: i64 },
    #[error("could not reach GitHub ({method} {endpoint}): {reason}")]
    Transport {
        method: String,
        endpoint: String,
        reason: String,
    },
    #[error("GitHub's answer to {endpoint} is not what we expected: {reason}")]
    Decode { endpoint: String, reason: String },
    #[error("GitHub App authentication failed: {0}")]
    Auth(String),
    #[error("the installation's rate-limit budget could not be read or kept: {0}")]
    Budget(String),
}

impl GitHubError {
    pub fn status(&self) -> Option<u16> {
        match self {
            GitHubError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}
