//! What the task rules remember of a repository that labels cannot hold: when each
//! assignment was made, the finished tasks, the merged pull requests that will finish them,
//! and what each task was told it waits for. The App keeps it in its store between
//! reconciles; losing it would forget a lane's task.

use super::plan::RecordChanges;
use super::snapshot::{AssignmentRecord, Completion, MergedPr, WasBlocked};
use crate::ids::IssueNumber;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TaskLedger {
    pub assignments: Vec<AssignmentRecord>,
    pub completions: Vec<Completion>,
    /// The merged pull requests that close issues with assignment records, kept until those
    /// are done: the issues may close before or after the pull request's own event arrives.
    pub merged: Vec<MergedPr>,
    /// What each task was told it waits for.
    pub was_blocked: Vec<WasBlocked>,
}

impl TaskLedger {
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
        let mut ledger = TaskLedger {
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
        ledger.apply(&RecordChanges {
            assigned: vec![record(2, "agent-3"), record(4, "agent-1")],
            forgotten: vec![IssueNumber(1)],
            completed: vec![done.clone()],
            was_blocked: None,
        });
        assert_eq!(
            ledger.assignments,
            [record(2, "agent-3"), record(4, "agent-1")]
        );
        assert_eq!(ledger.completions, [done]);
        assert!(ledger.merged.is_empty(), "#1 is done");
        ledger.forget(&[IssueNumber(4)]);
        assert_eq!(ledger.assignments, [record(2, "agent-3")]);
    }
}
