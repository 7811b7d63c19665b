//! What the task part works with: the reconcile's client, store and reads, and what the rest
//! of the reconcile read (the repository's configuration and pull requests).

use crate::github::RepoClient;
use crate::ids::{AppId, RepoName};
use crate::pulls::PullSnapshot;
use crate::reconcile::cache::Reads;
use crate::store::SharedStore;

pub struct Context<'a> {
    pub client: &'a RepoClient,
    pub store: &'a SharedStore,
    pub app_id: AppId,
    pub reads: &'a Reads,
    pub main: &'a PullSnapshot,
}

impl Context<'_> {
    pub fn repo(&self) -> &RepoName {
        &self.main.repo
    }
}
