//! What the task part works with: the reconcile's client and store, and what the rest of the
//! reconcile already read and planned (pull requests, the merge order).

use crate::github::RepoClient;
use crate::ids::RepoName;
use crate::jobs::Trigger;
use crate::reconcile::plan::Plan;
use crate::reconcile::snapshot::Snapshot;
use crate::store::SharedStore;

pub struct Context<'a> {
    pub client: &'a RepoClient,
    pub store: &'a SharedStore,
    pub app_id: u64,
    pub triggers: &'a [Trigger],
    pub main: &'a Snapshot,
    pub order: &'a Plan,
}

impl Context<'_> {
    pub fn repo(&self) -> &RepoName {
        &self.main.repo
    }
}
