//! What the task part works with: the reconcile's client, store and reads, and what the rest
//! of the reconcile read (the repository's configuration and pull requests).

use crate::github::RepoClient;
use crate::ids::RepoName;
use crate::reconcile::cache::Reads;
use crate::reconcile::snapshot::Snapshot;
use crate::store::SharedStore;

pub struct Context<'a> {
    pub client: &'a RepoClient,
    pub store: &'a SharedStore,
    pub app_id: u64,
    pub reads: &'a Reads,
    pub main: &'a Snapshot,
}

impl Context<'_> {
    pub fn repo(&self) -> &RepoName {
        &self.main.repo
    }
}
