//! Labels plans put before their facts (`**Owns:**`, `Estimate: 2h`, `### Files Changed`)
//! and what each one introduces.

use crate::planfile::blocks::Line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Label {
    /// Files the item creates, changes or owns.
    Files,
    /// Files it only reads.
    Reads,
    Depends,
    Estimate,
    Agent,
    /// Its checklist or task list.
    Subtasks,
    /// Criteria, deliverables, notes: nothing the reader takes.
    Other,
}

const READS: &[&str] = &[
    "read",
    "read these",
    "reads",
    "reference",
    "references",
    "context",
    "relevant files",
    "files to read",
    "see",
    "inputs",
    "input",
    "docs",
    "documentation",
    "related",
    "related files",
    "existing files",
    "do not touch",
    "don't touch",
    "off limits",
    "read only",
    "read-only",
];

const FILES: &[&str] = &[
    "files",
    "file",
    "owns",
    "owned",
    "owned files",
    "owned paths",
    "paths",
    "footprint",
    "creates",
    "modifies",
    "changes",
    "touches",
    "new files",
    "modified files",
    "changed files",
    "files changed",
    "files touched",
    "files to create",
    "files to modify",
    "files to change",
    "files to edit",
    "files to update",
    "files to add",
    "files to delete",
    "files created",
    "files modified",
    "file ownership",
    "ownership",
    "scope",
    "write scope",
    "writes",
    "location",
    "locations",
    "directory",
    "directories",
    "deliverable files",
    "outputs",
    "output files",
    "create",
    "modify",
    "edit",
    "update",
    "key files",
    "files involved",
    "affected files",
    "target files",
    "files to check",
];

const DEPENDS: &[&str] = &[
    "depends on",
    "depends",
    "dependencies",
    "dependency",
    "deps",
    "blocked by",
    "needs",
    "requires",
    "prerequisites",
    "prerequisite",
    "prereqs",
    "after",
    "waits for",
    "wait for",
    "upstream",
];

const ESTIMATE: &[&str] = &[
    "estimate",
    "estimated",
    "estimates",
    "effort",
    "time",
    "duration",
    "est",
    "estimated time",
    "time estimate",
    "estimated effort",
    "estimated duration",
    "hours",
    "eta estimate",
    "time budget",
    "timebox",
    "size",
];

const AGENT: &[&str] = &[
    "agent",
    "agents",
    "owner",
    "owners",
    "assigned to",
    "assignee",
    "assigned",
    "who",
    "developer",
    "engineer",
    "lane",
    "assigned agent",
    "responsible",
];

const SUBTASKS: &[&str] = &[
    "tasks",
    "task",
    "steps",
    "todo",
    "to do",
    "to-do",
    "checklist",
    "subtasks",
    "sub-tasks",
    "work",
    "implementation",
    "actions",
    "task list",
    "work items",
    "implementation steps",
    "what to do",
    "scope of work",
];

/// The label a line opens with, and the value after it: `Owns: a, b` → (Files, "a, b").
/// A bold line without a colon (`**Files to create**`) is a label with no value.
pub(crate) fn split(line: &Line) -> Option<(Label, String, String)> {
    let text = line.text.trim();
    let (label, value) = match text.split_once(':') {
        Some((label, value)) if !label.contains('`') && label.split_whitespace().count() <= 5 => {
            (label, value)
        }
        _ if line.strong_only => (text, ""),
        _ => return None,
    };
    let name = label
        .trim()
        .trim_matches(['*', '_', '-', ' '])
        .to_lowercase();
    if name.is_empty() || name.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((
        classify(&name)?,
        name,
        value
            .trim()
            .trim_start_matches(['*', '_'])
            .trim()
            .to_owned(),
    ))
}

/// What a label (or a sub-heading inside an item) introduces; None for words that are no
/// label at all.
pub(crate) fn classify(name: &str) -> Option<Label> {
    let name = name.trim().trim_end_matches(':').trim();
    let is = |list: &[&str]| list.contains(&name);
    if is(READS) || name.starts_with("read ") || name.starts_with("files to read") {
        Some(Label::Reads)
    } else if is(FILES) || name.starts_with("files ") || name.ends_with(" files") {
        Some(Label::Files)
    } else if is(DEPENDS) || name.starts_with("depends") || name.starts_with("blocked by") {
        Some(Label::Depends)
    } else if is(ESTIMATE) || name.starts_with("estimate") {
        Some(Label::Estimate)
    } else if is(AGENT) {
        Some(Label::Agent)
    } else if is(SUBTASKS) {
        Some(Label::Subtasks)
    } else if name.split_whitespace().count() <= 4
        && name
            .chars()
            .all(|c| c.is_alphabetic() || " /&'-()".contains(c))
    {
        Some(Label::Other)
    } else {
        None
    }
}

/// Verbs of task text that only read a file.
pub(crate) fn only_reads(text: &str) -> bool {
    let first = text
        .trim_start_matches(|c: char| !c.is_alphabetic())
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_lowercase();
    matches!(
        first.as_str(),
        "read"
            | "review"
            | "check"
            | "study"
            | "inspect"
            | "look"
            | "consult"
            | "see"
            | "understand"
            | "examine"
            | "explore"
            | "analyze"
            | "analyse"
            | "investigate"
            | "reference"
            | "verify"
            | "confirm"
            | "search"
            | "audit"
            | "compare"
            | "note"
    )
}

/// Verbs of a sentence that changes the files it names.
pub(crate) fn changes(text: &str) -> bool {
    const VERBS: &[&str] = &[
        "create",
        "add",
        "update",
        "modify",
        "edit",
        "change",
        "write",
        "implement",
        "fix",
        "refactor",
        "delete",
        "remove",
        "rename",
        "move",
        "extend",
        "replace",
        "build",
        "introduce",
        "rewrite",
        "split",
        "wire",
        "migrate",
    ];
    let lower = text.to_lowercase();
    lower.split(|c: char| !c.is_alphabetic()).any(|w| {
        VERBS
            .iter()
            .any(|v| w == *v || w.strip_suffix('s') == Some(v) || w.strip_suffix("es") == Some(v))
    })
}
