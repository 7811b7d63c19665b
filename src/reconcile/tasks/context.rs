//! What the task part works with: the reconcile's client and store, and what the rest of the
//! reconcile read (the repository's configuration and pull requests).

use crate::github::RepoClient;
use crate::ids::{AppId, RepoName};
use crate::jobs::Trigger;
use crate::pulls::PullSnapshot;
use crate::store::SharedStore;

pub struct Context<'a> {
    pub client: &'a RepoClient,
    pub store: &'a SharedStore,
    pub app_id: AppId,
    pub triggers: &'a [Trigger],
    pub main: &'a PullSnapshot,
}

impl Context<'_> {
    pub fn repo(&self) -> &RepoName {
        &self.main.repo
    }
}
