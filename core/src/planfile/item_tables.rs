//! Assignment tables: a table whose rows are the items, one per row, with columns for the
//! name, files, dependencies, estimate or agent.

use crate::planfile::blocks::{Block, Line};
use crate::planfile::drafts::{DepRef, Draft, dedup};
use crate::planfile::estimate;
use crate::planfile::names;
use crate::planfile::paths::{self, Trust};

/// The rows of an assignment table as items: a table with a name column and a column of
/// files, dependencies or estimates (or agents, with ids).
pub(crate) fn item_table(block: &Block) -> Option<Vec<Draft>> {
    let Block::Table { header, rows } = block else {
        return None;
    };
    let mut columns: Vec<Column> = header.iter().map(|h| column(&h.text)).collect();
    let find = |columns: &[Column], c: Column| columns.iter().position(|x| *x == c);
    let cell = |row: &[Line], at: Option<usize>| at.and_then(|at| row.get(at)).cloned();
    // `| Track | Tasks | Effort |` with `| 1 | Foundation | 1 hour |`: the first column holds
    // the ids, worded by its header, and the next text column the names.
    let mut id_word = None;
    if let Some(at) = find(&columns, Column::Name).filter(|_| find(&columns, Column::Id).is_none())
    {
        let ids = rows
            .iter()
            .all(|row| cell(row, Some(at)).is_some_and(|c| is_bare_id(c.text.trim())));
        if ids && !rows.is_empty() {
            columns[at] = Column::Id;
            id_word = Some(singular(&header[at].text));
            if let Some(next) = columns
                .iter()
                .position(|c| *c == Column::Other || *c == Column::Name)
            {
                columns[next] = Column::Name;
            }
        }
    }
    let name = find(&columns, Column::Name)?;
    let id = find(&columns, Column::Id);
    let files = find(&columns, Column::Files);
    let deps = find(&columns, Column::Depends);
    let estimate_at = find(&columns, Column::Estimate);
    let agent = find(&columns, Column::Agent);
    if files.is_none()
        && deps.is_none()
        && estimate_at.is_none()
        && !(agent.is_some() && id.is_some())
    {
        return None;
    }
    let mut out = Vec::new();
    for row in rows {
        let agent_text = cell(row, agent)
            .map(|c| names::clean(&c.text))
            .filter(|a| !blank(a));
        let mut id_text = cell(row, id)
            .map(|c| c.text.replace('`', "").trim().to_owned())
            .unwrap_or_default();
        if let (Some(word), false) = (&id_word, id_text.is_empty()) {
            id_text = format!("{word} {id_text}");
        }
        // `| Agent 1 | Config parser |`: the agent is the item's id.
        if id_text.is_empty()
            && let Some(agent) = agent_text.as_deref().filter(|a| {
                names::ident(a).is_some_and(|i| i.word.is_some())
                    && names::clean(a).split_whitespace().count() <= 2
            })
        {
            id_text = names::clean(agent);
        }
        let name_text = cell(row, Some(name))
            .map(|c| c.text.replace('`', ""))
            .unwrap_or_default();
        let full = match (id_text.trim(), name_text.trim()) {
            ("", n) => n.to_owned(),
            (i, "") => i.to_owned(),
            (i, n) if n.starts_with(i) => n.to_owned(),
            (i, n) => format!("{i}: {n}"),
        };
        let full = names::clean(&full);
        if full.is_empty() {
            continue;
        }
        let line = row.first().map_or(0, |c| c.line);
        let dep_text = cell(row, deps).map(|c| c.text).filter(|d| !blank(d));
        out.push(Draft {
            ident: names::ident(&full),
            line,
            files: cell(row, files)
                .map(|c| dedup(paths::in_line(&c, Trust::Listed)))
                .unwrap_or_default(),
            deps: dep_text
                .map(|text| {
                    vec![DepRef {
                        text,
                        line,
                        explicit: true,
                    }]
                })
                .unwrap_or_default(),
            estimate: cell(row, estimate_at).and_then(|c| estimate::parse(&c.text)),
            weak_estimate: false,
            subtasks: Vec::new(),
            agent: agent_text,
            parallel: true,
            group: None,
            name: full,
        });
    }
    Some(out)
}

/// `1`, `2.1`, `A`, `B2`: a cell that is only an id.
pub(crate) fn is_bare_id(text: &str) -> bool {
    let text = text.trim_start_matches('#');
    !text.is_empty()
        && text.len() <= 5
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '.')
        && (text.chars().any(|c| c.is_ascii_digit()) || text.len() == 1)
}

/// `Tracks` → `Track`, as a name's word.
fn singular(header: &str) -> String {
    let word = header.trim().replace(['*', '`'], "");
    let word = word.trim();
    let word = word
        .strip_suffix('s')
        .filter(|w| w.len() > 2)
        .unwrap_or(word);
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn blank(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    t.is_empty() || matches!(t.as_str(), "-" | "—" | "–" | "n/a" | "none" | "tbd" | "?")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Name,
    Files,
    Depends,
    Estimate,
    Agent,
    Other,
}

fn column(header: &str) -> Column {
    let h = header.trim().to_lowercase().replace(['*', '`'], "");
    let h = h.trim();
    let has = |words: &[&str]| words.iter().any(|w| names::contains_word(h, w));
    if matches!(
        h,
        "#" | "id" | "no" | "no." | "key" | "ref" | "item #" | "task #" | "task id"
    ) {
        Column::Id
    } else if has(&[
        "file",
        "files",
        "owns",
        "paths",
        "path",
        "footprint",
        "scope",
        "touches",
    ]) {
        Column::Files
    } else if has(&[
        "depends",
        "dependencies",
        "dependency",
        "needs",
        "blocked",
        "after",
        "prereq",
        "prerequisites",
        "requires",
    ]) {
        Column::Depends
    } else if has(&[
        "effort",
        "estimate",
        "estimated",
        "time",
        "hours",
        "duration",
        "est",
    ]) {
        Column::Estimate
    } else if has(&[
        "agent",
        "owner",
        "assignee",
        "assigned",
        "who",
        "developer",
        "engineer",
        "lane",
        "session",
    ]) {
        Column::Agent
    } else if has(&[
        "task",
        "work",
        "title",
        "name",
        "description",
        "item",
        "feature",
        "stream",
        "track",
        "workstream",
        "what",
        "area",
        "module",
        "component",
        "job",
        "story",
        "epic",
        "ticket",
        "deliverable",
    ]) {
        Column::Name
    } else {
        Column::Other
    }
}
