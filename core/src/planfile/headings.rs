//! What a heading's words say about its section: that it only restates items, holds a list
//! of items, speaks of dependencies, must run alone, or is no part of the item it sits in.

use crate::planfile::names;

/// Sections that restate items or advise about them, and add none.
const RESTATING: &[&str] = &[
    "recommend",
    "timeline",
    "progress",
    "status",
    "summary",
    "overview",
    "merge order",
    "order of",
    "execution order",
    "schedule",
    "comparison",
    "tracking",
    "strategy",
    "conflict",
    "risk",
    "coordination",
    "next step",
    "next immediate",
    "outcome",
    "success criteria",
    "done when",
    "definition of done",
    "acceptance",
    "advice",
    "notes",
    "appendix",
    "reference",
    "background",
    "git workflow",
    "how to",
    "practical execution",
    "answer",
    "total time",
    "time saved",
    "launch",
    "sequencing",
    "critical path",
    "verification",
    "quick start",
    "example",
    "template",
    "checklist",
    "sync point",
    "integration point",
    "merge",
    "handoff",
    "rollback",
    "communication",
    "glossary",
    "changelog",
    "metrics",
];

/// Headings over a list of items: their sub-headings are items whatever their names.
const COLLECTIONS: &[&str] = &[
    "tracks",
    "streams",
    "workstreams",
    "work streams",
    "agents",
    "lanes",
    "assignments",
    "work items",
    "work packages",
    "parallel work",
    "agent assignments",
    "task breakdown",
];

const SEQUENTIAL: &[&str] = &[
    "sequential",
    "must run alone",
    "not parallel",
    "cannot parallel",
    "can't parallel",
    "do first",
    "one at a time",
    "blocking",
    "serial",
    "alone",
];

/// Labels and sub-headings whose content is no part of the item: what done looks like,
/// notes, risks, commands.
const IGNORED: &[&str] = &[
    "success criteria",
    "acceptance criteria",
    "acceptance",
    "done when",
    "deliverables",
    "deliverable",
    "definition of done",
    "expected",
    "expected result",
    "expected results",
    "expected behavior",
    "expected behaviour",
    "expected findings",
    "expected response",
    "expected outcome",
    "notes",
    "note",
    "risks",
    "risk",
    "output",
    "outcome",
    "outcomes",
    "verification",
    "why",
    "current issue",
    "current issues",
    "error handling",
    "goals",
    "goal",
    "validation",
    "success metrics",
    "testing",
    "tests to pass",
    "gotchas",
    "mitigation",
    "example",
    "examples",
    "commands",
];

pub(crate) fn restating(name: &str) -> bool {
    let lower = name.to_lowercase();
    RESTATING.iter().any(|w| lower.contains(w)) && !lower.contains("depend")
}

pub(crate) fn about_dependencies(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.contains("depend") || lower.contains("blocker")
}

pub(crate) fn sequential(text: &str) -> bool {
    let lower = text.to_lowercase();
    SEQUENTIAL.iter().any(|w| names::contains_word(&lower, w))
}

pub(crate) fn is_collection(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.split_whitespace().count() <= 3
        && COLLECTIONS.iter().any(|w| names::contains_word(&lower, w))
}

/// Whether a label or sub-heading, lowercased, starts with words of [`IGNORED`].
pub(crate) fn ignored(lower: &str) -> bool {
    IGNORED.iter().any(|w| lower.starts_with(w))
}
