//! Local mode's task book: the tasks a team gives its lanes on one machine, kept in the
//! repository's own `.git/switchyard/` database. Each task is one row, its record as JSON.

use super::{SqliteStore, db};
use crate::store::{Result, StoreError};
use chrono::{DateTime, Utc};
use rusqlite::params;
use serde::{Deserialize, Serialize};

/// One task of the book, as the commands left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The id the team gave it.
    pub id: String,
    /// Its place in the book, from 1: older tasks are assigned first.
    pub seq: u64,
    pub title: String,
    /// The lane it was given to.
    pub lane: String,
    /// As written, e.g. `2h`.
    pub estimate: Option<String>,
    /// Ids of the tasks it waits for.
    pub depends_on: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// When it took a slot on its lane (it may wait for its dependencies or a free slot first).
    pub assigned_at: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    pub released_at: Option<DateTime<Utc>>,
    /// The files its plan item names (`switchyard plan apply`); records from before plans
    /// have none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footprint: Vec<String>,
}

impl SqliteStore {
    /// Every task of the book, in book order.
    pub fn local_tasks(&self) -> Result<Vec<TaskRecord>> {
        self.run(|conn| {
            let mut statement = conn
                .prepare_cached("SELECT record FROM local_tasks ORDER BY seq")
                .map_err(db)?;
            let rows = statement
                .query_map([], |row| row.get::<_, String>(0))
                .map_err(db)?;
            let mut tasks = Vec::new();
            for row in rows {
                let json = row.map_err(db)?;
                let task = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt(format!("task record: {e}")))?;
                tasks.push(task);
            }
            Ok(tasks)
        })
    }

    /// Writes the tasks, each replacing its earlier record, in one transaction.
    pub fn save_local_tasks(&self, tasks: &[TaskRecord]) -> Result<()> {
        let rows = tasks
            .iter()
            .map(|task| {
                serde_json::to_string(task)
                    .map(|json| (task.id.clone(), task.seq, json))
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .collect::<Result<Vec<_>>>()?;
        self.run(move |conn| {
            let mut statement = conn
                .prepare_cached(
                    "INSERT INTO local_tasks (id, seq, record) VALUES (?1, ?2, ?3)
                     ON CONFLICT (id) DO UPDATE SET record = excluded.record",
                )
                .map_err(db)?;
            for (id, seq, json) in rows {
                statement
                    .execute(params![id, i64::try_from(seq).unwrap_or(i64::MAX), json])
                    .map_err(db)?;
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(id: &str, seq: u64) -> TaskRecord {
        TaskRecord {
            id: id.into(),
            seq,
            title: format!("task {id}"),
            lane: "agent-1".into(),
            estimate: Some("2h".into()),
            depends_on: vec![],
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
            assigned_at: None,
            started_at: None,
            done_at: None,
            released_at: None,
            footprint: vec![],
        }
    }

    #[test]
    fn tasks_come_back_in_book_order_and_a_save_replaces() {
        let store = SqliteStore::open(":memory:").unwrap();
        store
            .save_local_tasks(&[task("b", 2), task("a", 1)])
            .unwrap();
        let mut done = task("a", 1);
        done.done_at = Some(done.created_at);
        store.save_local_tasks(&[done.clone()]).unwrap();
        assert_eq!(store.local_tasks().unwrap(), vec![done, task("b", 2)]);
    }
}
