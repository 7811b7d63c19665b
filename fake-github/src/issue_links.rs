//! Issue dependencies and sub-issues as a test tells them: links made and removed on the
//! handle, under the same rules the endpoints keep (see `crate::relations`), and read back.

use crate::FakeGitHub;
use crate::relations::{IssueKey, RelationError};
use crate::state::World;

/// Issue dependencies and sub-issues.
impl FakeGitHub {
    /// Marks `blocked` (in `repo`) as blocked by `blocker` in `blocker_repo`, which may be
    /// another repository. Both issues must exist.
    pub fn link_blocked_by(
        &self,
        repo: &str,
        blocked: u64,
        blocker_repo: &str,
        blocker: u64,
    ) -> Result<(), RelationError> {
        let mut world = self.world();
        self.expect_issue(&world, repo, blocked);
        self.expect_issue(&world, blocker_repo, blocker);
        match world
            .relations
            .block(key(repo, blocked), key(blocker_repo, blocker))
        {
            Err(RelationError::AlreadyLinked) => Ok(()),
            other => other,
        }
    }

    /// Removes a "blocked by" link; removing one that does not exist changes nothing.
    pub fn unlink_blocked_by(&self, repo: &str, blocked: u64, blocker_repo: &str, blocker: u64) {
        let mut world = self.world();
        let to = key(blocker_repo, blocker);
        if let Some(blockers) = world.relations.blocked_by.get_mut(&key(repo, blocked)) {
            blockers.retain(|held| *held != to);
        }
    }

    /// Adds `sub` (in `sub_repo`, of the same owner) as the last sub-issue of `parent`.
    pub fn add_sub_issue(
        &self,
        repo: &str,
        parent: u64,
        sub_repo: &str,
        sub: u64,
    ) -> Result<(), RelationError> {
        let mut world = self.world();
        self.expect_issue(&world, repo, parent);
        self.expect_issue(&world, sub_repo, sub);
        world
            .relations
            .add_sub(key(repo, parent), key(sub_repo, sub), false)
    }

    /// Removes a sub-issue from its parent; it stays an issue of its own.
    pub fn remove_sub_issue(&self, repo: &str, parent: u64, sub_repo: &str, sub: u64) {
        let mut world = self.world();
        let sub_key = key(sub_repo, sub);
        if let Some(subs) = world.relations.sub_issues.get_mut(&key(repo, parent)) {
            subs.retain(|held| *held != sub_key);
        }
    }

    /// The numbers of `parent`'s sub-issues in `repo`, in their order.
    pub fn sub_issues_of(&self, repo: &str, parent: u64) -> Vec<u64> {
        let world = self.world();
        let subs = world.relations.sub_issues.get(&key(repo, parent));
        subs.map_or_else(Vec::new, |subs| subs.iter().map(|(_, n)| *n).collect())
    }

    /// What `blocked` in `repo` is linked as blocked by: each blocker's repository and number.
    pub fn blockers_of(&self, repo: &str, blocked: u64) -> Vec<(String, u64)> {
        let world = self.world();
        let blockers = world.relations.blocked_by.get(&key(repo, blocked));
        blockers.map_or_else(Vec::new, Clone::clone)
    }

    /// The server has no issue dependencies (GitHub Enterprise Server before 3.19): their
    /// endpoints answer 404.
    pub fn without_issue_dependencies(&self) {
        self.world().relations.dependencies = false;
    }

    fn expect_issue(&self, world: &World, repo: &str, number: u64) {
        let found = world
            .repo(repo)
            .is_ok_and(|r| r.issues.contains_key(&number));
        assert!(found, "{repo} has no issue #{number}");
    }
}

fn key(repo: &str, number: u64) -> IssueKey {
    (repo.to_ascii_lowercase(), number)
}
