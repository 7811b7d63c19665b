//! The vocabulary of applying a plan to GitHub's issues, shared by the planner (`github.rs`)
//! and the words it prints: the hidden marker that finds a plan's issue again, the plan's
//! issues by key, and the writes that make them.

use crate::ids::{IssueId, IssueNumber};

const MARKER_START: &str = "<!-- switchyard-plan: ";
const MARKER_END: &str = " -->";
const ITEM: &str = "item:";

/// The hidden marker of a plan's issue: `<!-- switchyard-plan: <plan> -->` on the parent,
/// `<!-- switchyard-plan: <plan> item: <item> -->` on each item's issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub plan: String,
    pub item: Option<String>,
}

impl Marker {
    pub fn text(&self) -> String {
        match &self.item {
            Some(item) => format!("{MARKER_START}{} {ITEM} {item}{MARKER_END}", self.plan),
            None => format!("{MARKER_START}{}{MARKER_END}", self.plan),
        }
    }

    /// The marker in an issue's body, if it has one.
    pub fn find(body: &str) -> Option<Marker> {
        let start = body.find(MARKER_START)? + MARKER_START.len();
        let inside = &body[start..start + body[start..].find(MARKER_END)?];
        let mut words = inside.split_whitespace();
        let plan = words.next()?.to_owned();
        let item = match (words.next(), words.next(), words.next()) {
            (None, ..) => None,
            (Some(ITEM), Some(item), None) => Some(item.to_owned()),
            _ => return None,
        };
        Some(Marker { plan, item })
    }
}

/// An issue of the plan: its parent, or an item's by the item's id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Parent,
    Item(String),
}

/// An issue a write names: one that exists, or one an earlier write of the same apply creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Existing { number: IssueNumber, id: IssueId },
    New(Key),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    Create {
        key: Key,
        title: String,
        body: String,
        labels: Vec<String>,
    },
    /// New title or body (`None`: unchanged).
    Edit {
        number: IssueNumber,
        title: Option<String>,
        body: Option<String>,
    },
    AddLabels {
        number: IssueNumber,
        labels: Vec<String>,
    },
    RemoveLabel {
        number: IssueNumber,
        label: String,
    },
    AddSubIssue {
        parent: Target,
        child: Target,
    },
    AddBlockedBy {
        blocked: Target,
        blocker: Target,
    },
}

/// What applying the plan to GitHub takes, and what it leaves alone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applying {
    /// In the order to send them.
    pub writes: Vec<Write>,
    /// Closed issues of the plan, which are neither edited nor reopened.
    pub closed: Vec<IssueNumber>,
    /// Issues of the plan's items that the plan no longer has.
    pub dropped: Vec<IssueNumber>,
    /// Dependencies left unlinked because they close a cycle: (item, dependency), by name.
    pub cut: Vec<(String, String)>,
}
