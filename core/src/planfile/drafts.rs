//! What the outline yields before links are resolved: items and groups as written, and the
//! lines outside any item that may still speak of one.

use crate::planfile::blocks::Line;
use crate::planfile::estimate::Estimate;
use crate::planfile::names::Ident;

/// A dependency as written, before it is matched to an item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DepRef {
    pub text: String,
    pub line: usize,
    /// Written as a dependency field, so a name that matches nothing is worth a warning;
    /// an "after …" in prose is not.
    pub explicit: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Draft {
    pub name: String,
    pub ident: Option<Ident>,
    pub line: usize,
    pub files: Vec<String>,
    pub deps: Vec<DepRef>,
    pub estimate: Option<Estimate>,
    /// The estimate is the sum of the sub-tasks' times: a figure the plan states for the
    /// whole item wins over it.
    pub weak_estimate: bool,
    pub subtasks: Vec<String>,
    pub agent: Option<String>,
    pub parallel: bool,
    pub group: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Group {
    pub name: String,
    pub ident: Option<Ident>,
    pub members: Vec<usize>,
}

/// Everything read from the outline: items, the groups holding them, and lines outside any
/// item that may still speak of one (`Track 1: \`src/a/*\``, `Task 3 depends on Task 1`).
#[derive(Debug, Default)]
pub(crate) struct Drafts {
    pub items: Vec<Draft>,
    pub groups: Vec<Group>,
    pub loose: Vec<Line>,
    /// Lines of sections about dependencies, where `A → B` is an edge.
    pub graph: Vec<String>,
}

pub(crate) fn dedup(paths: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in paths {
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}
