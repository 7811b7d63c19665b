//! GitHub's relations between issues: "blocked by" links (issue dependencies) and sub-issues.
//!
//! Where the shapes and rules come from:
//! - The endpoints `GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by`
//!   and `GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues` are GitHub's REST
//!   description (`@octokit/openapi`, `generated/api.github.com.json`, operations
//!   `issues/list-dependencies-blocked-by` and `issues/list-sub-issues`): both answer a
//!   paginated array of `issue` objects, each rendered from its own repository (so a blocker in
//!   another repository has that repository's `repository_url` and `html_url`), and 404 when
//!   the issue does not exist.
//! - The limits: a parent holds at most 100 sub-issues and a sub-issue has one parent
//!   (GitHub's sub-issues documentation; `replace_parent` in `issues/add-sub-issue`), and the
//!   sub-issue belongs to the same owner as its parent (`sub_issue_id`'s description there).
//!   An issue is blocked by at most 50 issues (GitHub's changelog of 2025-08-21, "Link up to
//!   50 issues for each relationship type").
//! - Adding links, `POST .../issues/{issue_number}/dependencies/blocked_by` with
//!   `{"issue_id"}` and `POST .../issues/{issue_number}/sub_issues` with `{"sub_issue_id",
//!   "replace_parent"}` (operations `issues/add-blocked-by-dependency` and
//!   `issues/add-sub-issue`), name the other issue by its `id`, not its number, and answer
//!   201 with the issue of the path: the blocked issue, the parent. An id no issue has is 404;
//!   a link GitHub refuses (to itself, over a limit, a sub-issue that has a parent without
//!   `replace_parent`, one already there) is 422.
//! - GitHub Enterprise Server releases before 3.19 have no dependencies endpoints (their
//!   descriptions, `generated/ghes-3.18.json`, lack the path):
//!   [`crate::FakeGitHub::without_issue_dependencies`] makes them answer 404 as such a server
//!   would.

use std::collections::BTreeMap;

/// GitHub allows this many sub-issues under one parent.
pub const MAX_SUB_ISSUES: usize = 100;
/// GitHub allows this many "blocked by" links on one issue.
pub const MAX_BLOCKED_BY: usize = 50;

/// An issue anywhere on the fake: its repository (lower-cased `owner/name`) and number.
pub(crate) type IssueKey = (String, u64);

pub(crate) struct Relations {
    /// Each blocked issue's blockers, in the order they were linked.
    pub blocked_by: BTreeMap<IssueKey, Vec<IssueKey>>,
    /// Each parent's sub-issues, in the order they were added.
    pub sub_issues: BTreeMap<IssueKey, Vec<IssueKey>>,
    /// `false`: the dependencies endpoints answer 404, as on a server without the feature.
    pub dependencies: bool,
}

impl Default for Relations {
    fn default() -> Self {
        Relations {
            blocked_by: BTreeMap::new(),
            sub_issues: BTreeMap::new(),
            dependencies: true,
        }
    }
}

/// Why GitHub refuses a link (its 422 messages, in short).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RelationError {
    #[error("an issue cannot be linked to itself")]
    Itself,
    #[error("an issue can be blocked by at most {MAX_BLOCKED_BY} issues")]
    TooManyBlockers,
    #[error("a parent issue can have at most {MAX_SUB_ISSUES} sub-issues")]
    TooManySubIssues,
    #[error("the sub-issue already has a parent")]
    HasParent,
    #[error("a sub-issue must belong to the same owner as its parent")]
    OtherOwner,
    #[error("the issues are linked already")]
    AlreadyLinked,
}

impl Relations {
    /// Links `blocked` as blocked by `blocker`, as GitHub's rules allow.
    pub(crate) fn block(
        &mut self,
        blocked: IssueKey,
        blocker: IssueKey,
    ) -> Result<(), RelationError> {
        if blocked == blocker {
            return Err(RelationError::Itself);
        }
        let blockers = self.blocked_by.entry(blocked).or_default();
        if blockers.contains(&blocker) {
            return Err(RelationError::AlreadyLinked);
        }
        if blockers.len() >= MAX_BLOCKED_BY {
            return Err(RelationError::TooManyBlockers);
        }
        blockers.push(blocker);
        Ok(())
    }

    /// Adds `sub` as the last sub-issue of `parent`; `replace_parent` moves it from the
    /// parent it has.
    pub(crate) fn add_sub(
        &mut self,
        parent: IssueKey,
        sub: IssueKey,
        replace_parent: bool,
    ) -> Result<(), RelationError> {
        if parent == sub {
            return Err(RelationError::Itself);
        }
        if !owner(&parent.0).eq_ignore_ascii_case(owner(&sub.0)) {
            return Err(RelationError::OtherOwner);
        }
        if self
            .sub_issues
            .get(&parent)
            .is_some_and(|subs| subs.contains(&sub))
        {
            return Err(RelationError::AlreadyLinked);
        }
        let has_parent = self.sub_issues.values().any(|subs| subs.contains(&sub));
        if has_parent && !replace_parent {
            return Err(RelationError::HasParent);
        }
        if self.sub_issues.get(&parent).map_or(0, Vec::len) >= MAX_SUB_ISSUES {
            return Err(RelationError::TooManySubIssues);
        }
        for subs in self.sub_issues.values_mut() {
            subs.retain(|held| *held != sub);
        }
        self.sub_issues.entry(parent).or_default().push(sub);
        Ok(())
    }
}

fn owner(repo: &str) -> &str {
    repo.split_once('/').map_or(repo, |(owner, _)| owner)
}
