//! What the store keeps for the task rules between reconciles: the open issues as the events
//! left them, the records labels cannot hold (when each assignment was made, the finished
//! tasks, the merged pull requests that will finish them), the commands already handled, and
//! the text of what the App last wrote.

use crate::assign::{AssignmentRecord, Completion, MergedPr, RecordChanges, WasBlocked};
use crate::github::models::GhIssue;
use crate::ids::{CommentId, IssueNumber, RepoName};
use crate::reconcile::cache::{cached, store_cache};
use crate::store::{self, CacheKind, SharedStore, StoreError, TaskRecords};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

pub type OpenIssues = BTreeMap<u64, GhIssue>;

pub fn repo_key(repo: &RepoName, id: impl std::fmt::Display) -> String {
    format!("{repo}:{id}")
}

pub async fn load<T: DeserializeOwned + Default + Send + 'static>(
    store: &SharedStore,
    kind: CacheKind,
    repo: &RepoName,
) -> Result<T, StoreError> {
    Ok(cached(store, kind, repo.to_string())
        .await?
        .unwrap_or_default())
}

pub async fn save<T: Serialize>(
    store: &SharedStore,
    kind: CacheKind,
    repo: &RepoName,
    value: &T,
) -> Result<(), StoreError> {
    store_cache(store, kind, repo.to_string(), value).await
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    pub assignments: Vec<AssignmentRecord>,
    pub completions: Vec<Completion>,
    /// The merged pull requests that close issues with assignment records, kept until those
    /// are done: the issues may close before or after the pull request's own event arrives.
    pub merged: Vec<MergedPr>,
    /// What each task was told it waits for.
    pub was_blocked: Vec<WasBlocked>,
}

impl Records {
    pub async fn load(store: &SharedStore, repo: &RepoName) -> Result<Self, StoreError> {
        let repo = repo.clone();
        let stored = store::blocking(store, move |s| s.task_records(&repo)).await?;
        Ok(Records {
            assignments: stored.assignments,
            completions: stored.completions,
            merged: stored.merged,
            was_blocked: stored.was_blocked,
        })
    }

    /// Saves the records, and marks the `handled` commands handled with them.
    pub async fn save(
        &self,
        store: &SharedStore,
        repo: &RepoName,
        handled: Vec<CommentId>,
    ) -> Result<(), StoreError> {
        let (repo, stored) = (
            repo.clone(),
            TaskRecords {
                assignments: self.assignments.clone(),
                completions: self.completions.clone(),
                merged: self.merged.clone(),
                was_blocked: self.was_blocked.clone(),
            },
        );
        store::blocking(store, move |s| s.set_task_records(&repo, &stored, &handled)).await
    }

    pub fn is_recorded(&self, issue: IssueNumber) -> bool {
        self.assignments.iter().any(|r| r.issue == issue)
    }

    /// Takes in what a plan asks the store to remember; a merged pull request is kept only
    /// while one of the issues it closes still has an assignment record.
    pub fn apply(&mut self, changes: &RecordChanges) {
        self.assignments
            .retain(|r| !changes.forgotten.contains(&r.issue));
        for record in &changes.assigned {
            self.assignments.retain(|r| r.issue != record.issue);
            self.assignments.push(record.clone());
        }
        for done in &changes.completed {
            self.completions.retain(|c| c.issue != done.issue);
            self.completions.push(done.clone());
        }
        if let Some(was_blocked) = &changes.was_blocked {
            self.was_blocked = was_blocked.clone();
        }
        let assignments = &self.assignments;
        self.merged.retain(|pr| {
            pr.closes
                .iter()
                .any(|issue| assignments.iter().any(|r| r.issue == *issue))
        });
    }

    /// Drops the assignment records of issues that no longer exist.
    pub fn forget(&mut self, gone: &[IssueNumber]) {
        self.assignments.retain(|r| !gone.contains(&r.issue));
        self.was_blocked.retain(|told| !gone.contains(&told.issue));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PrNumber;
    use chrono::{DateTime, Utc};

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + hours * 3600, 0).unwrap()
    }

    fn record(issue: u64, lane: &str) -> AssignmentRecord {
        AssignmentRecord {
            issue: IssueNumber(issue),
            lane: lane.into(),
            assigned_at: at(0),
        }
    }

    #[test]
    fn records_are_replaced_by_issue_and_merged_prs_kept_while_needed() {
        let mut records = Records {
            assignments: vec![record(1, "agent-1"), record(2, "agent-2")],
            completions: vec![],
            merged: vec![MergedPr {
                number: PrNumber(9),
                merged_at: at(3),
                files: vec!["src/a.rs".into()],
                closes: vec![IssueNumber(1)],
            }],
            was_blocked: vec![],
        };
        let done = Completion {
            issue: IssueNumber(1),
            lane: "agent-1".into(),
            pr: PrNumber(9),
            files_changed: vec!["src/a.rs".into()],
            assigned_at: at(0),
            merged_at: at(3),
        };
        records.apply(&RecordChanges {
            assigned: vec![record(2, "agent-3"), record(4, "agent-1")],
            forgotten: vec![IssueNumber(1)],
            completed: vec![done.clone()],
            was_blocked: None,
        });
        assert_eq!(
            records.assignments,
            [record(2, "agent-3"), record(4, "agent-1")]
        );
        assert_eq!(records.completions, [done]);
        assert!(records.merged.is_empty(), "#1 is done");
        records.forget(&[IssueNumber(4)]);
        assert_eq!(records.assignments, [record(2, "agent-3")]);
    }
}
