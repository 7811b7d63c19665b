//! Desired state vs what we last wrote → the fewest writes. Running it twice writes nothing
//! the second time, and a retry after a crash finds what it already created.

use super::ReconcileError;
use crate::github::models::{CheckRunList, Created};
use crate::github::{GitHubError, InstallationClient, encode_component};
use crate::ids::{RepoName, Sha};
use crate::store::{self, Published, SharedStore};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// A check run as we want it to be on one head.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRunSpec {
    pub name: String,
    pub head_sha: Sha,
    pub conclusion: String,
    pub title: String,
    pub summary: String,
}

impl CheckRunSpec {
    fn key(&self) -> String {
        format!("check:{}:{}", self.name, self.head_sha)
    }

    fn digest(&self) -> String {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }

    fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "name": self.name,
            "head_sha": self.head_sha,
            "status": "completed",
            "conclusion": self.conclusion,
            "output": { "title": self.title, "summary": self.summary },
        })
    }
}

/// Writes the check runs whose content differs from what we last wrote. A rerequested run
/// is created anew, as GitHub expects.
pub async fn apply_check_runs(
    client: &InstallationClient,
    store: &SharedStore,
    repo: &RepoName,
    app_id: u64,
    specs: &[CheckRunSpec],
    rerequested: &BTreeSet<(Sha, String)>,
) -> Result<usize, ReconcileError> {
    let mut writes = 0;
    for spec in specs {
        let (key, digest) = (spec.key(), spec.digest());
        let fresh_run = rerequested.contains(&(spec.head_sha.clone(), spec.name.clone()));
        let held = {
            let (repo, key) = (repo.clone(), key.clone());
            store::blocking(store, move |s| s.published(&repo, &key)).await?
        };
        let existing = match held {
            _ if fresh_run => None,
            Some(p) if p.digest == digest => continue,
            Some(p) => Some(p.github_id),
            None => find_check_run(client, repo, spec, app_id).await?,
        };
        let id = match existing {
            Some(id) => {
                client
                    .patch::<_, Created>(&format!("/repos/{repo}/check-runs/{id}"), &spec.body())
                    .await?
                    .id
            }
            None => {
                client
                    .post::<_, Created>(&format!("/repos/{repo}/check-runs"), &spec.body())
                    .await?
                    .id
            }
        };
        writes += 1;
        let repo = repo.clone();
        let published = Published {
            github_id: id,
            digest,
        };
        store::blocking(store, move |s| s.set_published(&repo, &key, &published)).await?;
    }
    Ok(writes)
}

/// Our run of this name on this head, if one exists that we did not record (a crash between
/// creating it and writing down its id).
async fn find_check_run(
    client: &InstallationClient,
    repo: &RepoName,
    spec: &CheckRunSpec,
    app_id: u64,
) -> Result<Option<u64>, GitHubError> {
    let name = encode_component(&spec.name);
    let list: CheckRunList = client
        .get(&format!(
            "/repos/{repo}/commits/{}/check-runs?check_name={name}&app_id={app_id}",
            spec.head_sha
        ))
        .await?;
    Ok(list
        .check_runs
        .iter()
        .filter(|run| run.name == spec.name && run.app.as_ref().is_none_or(|a| a.id == app_id))
        .map(|run| run.id.0)
        .max())
}
