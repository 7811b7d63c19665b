//! Reading the parallel plans teams already write: a Markdown document that splits work into
//! tracks, streams, agent sections, numbered tasks or the rows of an assignment table, each
//! with the files it changes, what it waits for, an estimate and often a checklist.
//!
//! [`read`] turns such a document into [`WorkItem`]s and [`Warning`]s, each with the line it
//! came from. It reads Markdown structure (headings, lists, tables, code blocks, labels such
//! as `**Owns:**`), not lines: a phase that only groups items is no item, a merge order is no
//! dependency, a file only read is no file of the item.

pub mod apply;
mod blocks;
pub mod config_tracks;
mod drafts;
mod encoding;
mod estimate;
mod fields;
pub mod github;
mod headings;
mod issue_body;
pub mod issue_writes;
mod item_facts;
mod item_reader;
mod item_tables;
mod items;
mod links;
mod loose_lines;
mod names;
mod outline;
mod paths;
mod restated;
#[cfg(test)]
mod tests;

pub use issue_body::{IssueFiles, issue_files, title};

use serde::Serialize;

/// What one lane takes: a track, stream, agent section, numbered task or table row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkItem {
    /// As written: `Track 2: Production Readiness`, `Task 1.1: Edit queue schema`.
    pub name: String,
    /// Every path, directory or glob it creates, changes or owns.
    pub files: Vec<String>,
    /// Names of the items that must finish first.
    pub depends_on: Vec<String>,
    pub estimate_hours: Option<f64>,
    /// The estimate as written (`1.5-2 hours`, `1 day`), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimate_text: Option<String>,
    pub subtasks: Vec<String>,
    /// The agent, person or role the plan names for it.
    pub agent: Option<String>,
    /// False only when the plan says it must not run alongside others.
    pub parallel: bool,
    /// The 1-based line the item starts on.
    pub line: usize,
}

/// Something in the plan the reader could not make sense of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    #[serde(flatten)]
    pub kind: WarningKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "warning", rename_all = "snake_case")]
pub enum WarningKind {
    /// A dependency that names no item of the plan.
    UnknownDependency { item: String, named: String },
    /// Items that wait for each other in a circle.
    Cycle { items: Vec<String> },
    /// An item that names no files, so nothing can keep it apart from others.
    NoFiles { item: String },
}

/// A plan's Markdown as [`read`] understands it: its work items, and what it found amiss.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PlanDocument {
    pub items: Vec<WorkItem>,
    pub warnings: Vec<Warning>,
}

/// Reads a plan's Markdown.
pub fn read(markdown: &str) -> PlanDocument {
    let blocks = blocks::blocks(&encoding::repair(markdown));
    let drafts = items::drafts(&blocks);
    links::resolve(drafts)
}
