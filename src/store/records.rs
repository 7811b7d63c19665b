//! How both stores write the task records' columns: times as RFC 3339 text, lists as JSON
//! text, so one row reads back exactly as it was written in either database.

use super::{Result, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub fn time_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub fn parse_time(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("task record time `{text}`: {e}")))
}

pub fn list_text<T: Serialize>(items: &[T]) -> Result<String> {
    serde_json::to_string(items).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub fn parse_list<T: DeserializeOwned>(text: &str) -> Result<Vec<T>> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("task record list `{text}`: {e}")))
}

/// The tables that hold the task records, replaced together.
pub const TASK_TABLES: [&str; 4] = [
    "task_assignments",
    "task_completions",
    "task_merged_prs",
    "task_was_blocked",
];
