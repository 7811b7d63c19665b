//! What has been read of one item: files, dependencies, estimates, agent and lists, and the
//! facts taken from its heading, its tables and the task lists kept in code blocks.

use crate::planfile::blocks::Line;
use crate::planfile::drafts::DepRef;
use crate::planfile::estimate::{self, Estimate};
use crate::planfile::fields::{self, Label};
use crate::planfile::names;
use crate::planfile::paths::{self, Trust};

/// An item's facts as read, each where it was found: the draft then prefers what the item
/// states for itself over its heading, its totals and its sub-sections.
#[derive(Default)]
pub(crate) struct Found {
    pub files: Vec<String>,
    /// The files among `files` that a files label, column or tree listing gives, rather than
    /// the item's prose.
    pub listed: Vec<String>,
    pub deps: Vec<DepRef>,
    pub estimate: Option<Estimate>,
    pub heading_estimate: Option<Estimate>,
    pub nested_estimate: Option<Estimate>,
    pub total: Option<Estimate>,
    pub agent: Option<String>,
    pub nested_agent: Option<String>,
    pub lists: Vec<Sublist>,
}

impl Found {
    /// Files a files label, column or tree listing gives.
    pub fn list(&mut self, paths: Vec<String>) {
        self.listed.extend(paths.iter().cloned());
        self.files.extend(paths);
    }

    /// Dependencies and a time the item's heading gives.
    pub fn heading(&mut self, heading: &Line) {
        let raw = heading.text.to_lowercase();
        for key in ["depends on", "blocked by", "dependencies:", "needs:"] {
            if let Some(at) = raw.find(key) {
                let rest = &heading.text[at + key.len()..];
                let rest = rest.trim_start_matches([':', ' ', '[', '(']);
                let rest = rest.split([']', ')']).next().unwrap_or("");
                self.deps.push(DepRef {
                    text: rest.to_owned(),
                    line: heading.line,
                    explicit: true,
                });
            }
        }
        if let Some(deps) = after_reference(&heading.text, heading.line) {
            self.deps.push(deps);
        }
        // A time in the heading's decoration: `(2h)`, `— 30 min`.
        let name = names::clean(&heading.text);
        let text = heading.text.replace('`', "");
        let decoration = text
            .find(&name)
            .and_then(|at| text.get(at + name.len()..))
            .unwrap_or("");
        if let Some(parsed) =
            estimate::parse(decoration).filter(|_| !decoration.to_lowercase().contains("after"))
        {
            self.heading_estimate = Some(parsed);
        }
    }

    /// The item's checklist; else its labelled task lists; else its first plain list;
    /// else the first list of its sub-sections. Each entry with the hours it names.
    pub fn subtasks(&self) -> Vec<(String, Option<f64>)> {
        let of = |keep: &dyn Fn(&Sublist) -> bool| -> Vec<(String, Option<f64>)> {
            self.lists
                .iter()
                .filter(|l| keep(l))
                .flat_map(|l| l.entries.iter().cloned())
                .collect()
        };
        let checkboxes = of(&|l| l.kind == ListKind::Checkbox);
        if !checkboxes.is_empty() {
            return checkboxes;
        }
        let listed = of(&|l| l.kind == ListKind::Labelled && !l.nested);
        if !listed.is_empty() {
            return listed;
        }
        self.lists
            .iter()
            .find(|l| !l.nested)
            .or_else(|| self.lists.first())
            .map(|l| l.entries.clone())
            .unwrap_or_default()
    }

    /// A table inside the item: its files, its one agent, and a column of tasks.
    pub fn table(&mut self, header: &[Line], rows: &[Vec<Line>], nested: bool) {
        let columns: Vec<Option<Label>> = header
            .iter()
            .map(|h| fields::classify(&h.text.to_lowercase().replace('`', "")))
            .collect();
        let mut agents: Vec<String> = Vec::new();
        let mut tasks = Vec::new();
        for row in rows {
            for (cell, column) in row.iter().zip(&columns) {
                match column {
                    Some(Label::Files) => self.list(paths::in_line(cell, Trust::Listed)),
                    Some(Label::Subtasks) => tasks.push((
                        cell.text.clone(),
                        estimate::parse(&cell.text).and_then(|e| e.hours),
                    )),
                    Some(Label::Agent) => agents.push(cell.text.clone()),
                    _ => {}
                }
            }
        }
        if !tasks.is_empty() {
            self.lists.push(Sublist {
                kind: ListKind::Labelled,
                nested,
                entries: tasks,
            });
        }
        agents.dedup();
        if let [agent] = agents.as_slice() {
            self.agent.get_or_insert(agent.clone());
        }
    }

    /// A task list kept in a code block: `1.1 [C1] Fix the specs in server.clj (5 min)`.
    pub fn code_task_list(&mut self, text: &str, kind: ListKind, nested: bool) {
        let lines: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        let listed = |l: &&&str| {
            l.starts_with(['-', '*', '•'])
                || l.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && l.split_whitespace().next().is_some_and(|w| {
                        w.trim_end_matches(['.', ')', ':'])
                            .chars()
                            .all(|c| c.is_ascii_digit() || c == '.')
                    })
        };
        if lines.is_empty() || lines.iter().filter(|l| listed(l)).count() * 2 < lines.len() {
            return;
        }
        let mut entries = Vec::new();
        for text in lines.iter().filter(|l| listed(l)) {
            let entry = text.trim_start_matches(['-', '*', '•', ' ']);
            let line = Line {
                text: entry.to_owned(),
                plain: entry.to_owned(),
                ..Line::default()
            };
            let words = entry.split_once(' ').map_or("", |(_, rest)| rest);
            if !fields::only_reads(words) {
                self.files.extend(paths::in_line(&line, Trust::Prose));
            }
            entries.push((
                entry.to_owned(),
                estimate::parse(entry).and_then(|e| e.hours),
            ));
        }
        self.lists.push(Sublist {
            kind,
            nested,
            entries,
        });
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    Checkbox,
    Labelled,
    Plain,
}

/// One list of an item's entries, of one kind.
pub(crate) struct Sublist {
    pub kind: ListKind,
    pub nested: bool,
    pub entries: Vec<(String, Option<f64>)>,
}

/// "after Track 1", "after Task 2.1 is merged": a reference with an item word.
pub(crate) fn after_reference(text: &str, line: usize) -> Option<DepRef> {
    let lower = text.to_lowercase();
    let at = lower.find("after ")?;
    let rest = &text[at + "after ".len()..];
    if lower.contains('%') || lower.contains("half") {
        return None;
    }
    if !rest.to_lowercase().starts_with("all ") {
        names::ident(rest)?.word.as_ref()?;
    }
    Some(DepRef {
        text: rest
            .split([',', ';', ')', ']', '.'])
            .next()
            .unwrap_or(rest)
            .trim()
            .to_owned(),
        line,
        explicit: false,
    })
}

/// `(3 hours total)`, `Total: 5h`.
pub(crate) fn total_time(text: &str) -> Option<Estimate> {
    let lower = text.to_lowercase();
    if !lower.contains("total") {
        return None;
    }
    let parsed = estimate::parse(text)?;
    let at = lower.find(&parsed.text.to_lowercase())?;
    let after = lower[at + parsed.text.len()..].trim_start();
    (after.starts_with("total") || lower[..at].trim_end().ends_with("total:")).then_some(parsed)
}
