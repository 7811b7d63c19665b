//! What we know about one repository at the start of a reconcile, read from GitHub through
//! caches so that one event costs a handful of calls however many PRs are open.

use super::cache::{ReadError, cached, read_through, store_cache};
use crate::config::{self, CONFIG_PATH, Config, ConfigErrors};
use crate::github::models::{Content, PullRequest, Repository};
use crate::github::{GitHubError, InstallationClient, encode_component, encode_path};
use crate::ids::{RepoName, Sha};
use crate::queue::Trigger;
use crate::store::{Claim, SharedStore, StoreError};
use std::collections::BTreeSet;

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub repo: RepoName,
    pub default_branch: String,
    pub config: Config,
    /// Every open pull request, oldest first.
    pub open_prs: Vec<PullRequest>,
    /// Heads whose check run someone asked to run again, with the run's name.
    pub rerequested: BTreeSet<(Sha, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the configuration file is invalid")]
    Config(ConfigErrors),
}

impl From<ReadError> for SnapshotError {
    fn from(e: ReadError) -> Self {
        match e {
            ReadError::GitHub(e) => SnapshotError::GitHub(e),
            ReadError::Store(e) => SnapshotError::Store(e),
        }
    }
}

pub async fn take_snapshot(
    client: &InstallationClient,
    store: &SharedStore,
    claim: &Claim,
) -> Result<Snapshot, SnapshotError> {
    let repo = &claim.repo;
    let meta: Repository = read_through(
        client,
        store,
        "repo",
        repo.to_string(),
        &format!("/repos/{repo}"),
    )
    .await?
    .ok_or_else(|| GitHubError::Status {
        method: "GET".into(),
        endpoint: "/repos/{owner}/{repo}".into(),
        status: 404,
        message: "Not Found".into(),
    })?;
    let config = load_config(client, store, repo, &meta.default_branch).await?;
    let open_prs = open_pull_requests(client, store, repo, &claim.triggers).await?;
    let rerequested = claim
        .triggers
        .iter()
        .filter_map(|t| match t {
            Trigger::Rerequested {
                head_sha,
                check_name,
            } => Some((head_sha.clone(), check_name.clone())),
            _ => None,
        })
        .collect();
    Ok(Snapshot {
        repo: repo.clone(),
        default_branch: meta.default_branch,
        config,
        open_prs,
        rerequested,
    })
}

/// The configuration as the default branch has it, so a PR cannot change the rules that
/// judge it. No file means the defaults.
async fn load_config(
    client: &InstallationClient,
    store: &SharedStore,
    repo: &RepoName,
    default_branch: &str,
) -> Result<Config, SnapshotError> {
    let path = format!(
        "/repos/{repo}/contents/{}?ref={}",
        encode_path(CONFIG_PATH),
        encode_component(default_branch)
    );
    let content: Option<Content> =
        read_through(client, store, "config", repo.to_string(), &path).await?;
    let Some(content) = content else {
        return Ok(Config::default());
    };
    let text = content.text().ok_or_else(|| {
        SnapshotError::Config(ConfigErrors {
            errors: vec![config::ConfigError {
                line: 0,
                column: 0,
                message: "the file is not UTF-8 text".into(),
            }],
        })
    })?;
    config::parse(&text).map_err(SnapshotError::Config)
}

/// The open pull requests: listed whole on a full reconcile (or when nothing is cached),
/// otherwise the cached list with only the pull requests the events named re-read.
async fn open_pull_requests(
    client: &InstallationClient,
    store: &SharedStore,
    repo: &RepoName,
    triggers: &[Trigger],
) -> Result<Vec<PullRequest>, SnapshotError> {
    let held: Option<Vec<PullRequest>> = cached(store, "open_prs", repo.to_string()).await?;
    let mut prs = match held {
        Some(prs) if !triggers.contains(&Trigger::Full) => {
            let mut prs = prs;
            let changed: BTreeSet<_> = triggers
                .iter()
                .filter_map(|t| match t {
                    Trigger::PullRequest(n) => Some(*n),
                    _ => None,
                })
                .collect();
            for number in changed {
                let fresh: PullRequest = client
                    .get(&format!("/repos/{repo}/pulls/{}", number.0))
                    .await?;
                prs.retain(|p| p.number != number);
                if fresh.is_open() {
                    prs.push(fresh);
                }
            }
            prs
        }
        _ => {
            client
                .get_all(&format!("/repos/{repo}/pulls?state=open&per_page=100"))
                .await?
        }
    };
    prs.sort_by_key(|p| (p.created_at, p.number));
    store_cache(store, "open_prs", repo.to_string(), &prs).await?;
    Ok(prs)
}
