//! Where a task of local mode's task book stands: the state the rules settle on, with the
//! tasks it names told by the ids the team gave them rather than by issue numbers.

use crate::footprint::Wait;

/// Where a task stands, for the commands and the status.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Standing {
    /// Holds a slot on its lane.
    Assigned {
        branch: String,
        started: bool,
    },
    /// Its lane is full, or (with `footprint`) another lane is changing one of its files.
    Queued {
        #[serde(skip_serializing_if = "Option::is_none")]
        footprint: Option<Wait<String>>,
    },
    /// Waits for these tasks.
    Blocked {
        waits_for: Vec<String>,
    },
    /// On a dependency cycle with these tasks.
    Cycle {
        cycle: Vec<String>,
    },
    Done,
    Released,
}
