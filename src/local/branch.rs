//! A branch as the conflict tiers compare it: the commits it had, its worktree's uncommitted
//! work when that was compared, and the lines each of its changed files changes.

use super::snapshot::InProgress;
use crate::overlap::{ChangedFile, FileStatus, parse_patch};
use serde::Serialize;
use std::collections::BTreeSet;

/// One branch taking part, at the commit it had, with its worktree's uncommitted work when
/// that was compared.
#[derive(Debug, Clone, Serialize)]
pub struct Branch {
    pub name: String,
    pub lane: Option<String>,
    /// The branch's commit.
    pub head: String,
    pub merge_base: String,
    /// Whether it has work the default branch lacks, committed or not.
    pub ahead: bool,
    /// Whether its worktree's uncommitted work was compared, in `snapshot`.
    pub uncommitted: bool,
    /// The commit made of its worktree's files, on `head`, that was compared instead of
    /// `head`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<String>,
    /// The worktree the branch is checked out in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worktree: Option<String>,
    /// The operation its worktree is in the middle of, which left its uncommitted work out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_progress: Option<InProgress>,
    /// Why its changes could not be read, so that only the exact tier judged it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<String>,
    /// What it changes since its merge base, as the line tier read it (none when only the
    /// exact tier ran).
    pub files: Vec<FileLines>,
}

impl Branch {
    /// The commit compared: the snapshot of its worktree, or its own.
    pub fn tip(&self) -> &str {
        self.snapshot.as_deref().unwrap_or(&self.head)
    }
}

/// One changed file and the lines the change leaves changed, in the changed version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileLines {
    pub path: String,
    pub status: FileStatus,
    /// Its path before a rename or copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_path: Option<String>,
    /// `[first, last]` line of each change, 1-based, in the changed version; a removal of
    /// lines is shown as the line above where they were. Empty when there is no line detail
    /// (a binary file, a removed one, a pure rename).
    pub lines: Vec<[u32; 2]>,
}

impl FileLines {
    pub fn of(file: &ChangedFile) -> FileLines {
        let lines: BTreeSet<[u32; 2]> = file
            .patch
            .as_deref()
            .and_then(|patch| parse_patch(patch).ok())
            .map(|patch| {
                patch
                    .changes
                    .iter()
                    .map(|change| {
                        let (first, last) = change.new.annotation_lines();
                        [first, last]
                    })
                    .collect()
            })
            .unwrap_or_default();
        FileLines {
            path: file.filename.clone(),
            status: file.status,
            previous_path: file.previous_filename.clone(),
            lines: lines.into_iter().collect(),
        }
    }
}
