//! Items named again: a heading or table row that restates an item already read fills in
//! what the first lacks instead of adding an item.

use crate::planfile::drafts::{Draft, Drafts};
use crate::planfile::item_tables::is_bare_id;
use crate::planfile::names::{self, Ident};

/// Adds an item unless it restates one already read (the same name again, in a status
/// section the restating check did not catch); then it only fills what the first lacks.
pub(crate) fn push_item(out: &mut Drafts, draft: Draft) {
    let key = names::normal(&draft.name);
    if let Some(first) = out.items.iter_mut().find(|d| names::normal(&d.name) == key) {
        fill(first, draft);
        return;
    }
    if let Some(group) = draft.group {
        out.groups[group].members.push(out.items.len());
    }
    out.items.push(draft);
}

/// A table row: when its id names exactly one item already read (a table of estimates or
/// dependencies for the tracks above), it fills that item in.
pub(crate) fn push_row(out: &mut Drafts, draft: Draft) {
    let found = restated(out, &draft);
    match found {
        Some(at) => {
            let first = &mut out.items[at];
            for path in &draft.files {
                if !first.files.contains(path) {
                    first.files.push(path.clone());
                }
            }
            fill(first, draft);
        }
        None => push_item(out, draft),
    }
}

/// The one item a table row speaks of again: by its id (`Track 1`, `#2`), by a name that
/// is only a status (`✅ Done`), or by the files it gives.
fn restated(out: &Drafts, row: &Draft) -> Option<usize> {
    let unique = |found: Vec<usize>| match found.as_slice() {
        [only] => Some(*only),
        _ => None,
    };
    let ident = row.ident.clone().or_else(|| {
        // A name that is only a reference: `#2`.
        let name = row.name.trim();
        name.strip_prefix('#')
            .filter(|id| is_bare_id(id))
            .map(|id| Ident {
                word: None,
                id: id.to_lowercase(),
            })
    });
    if let Some(ident) = &ident {
        let same = (0..out.items.len())
            .filter(|&i| {
                out.items[i].ident.as_ref().is_some_and(|mine| {
                    mine.id == ident.id && (ident.word.is_none() || mine.word == ident.word)
                })
            })
            .collect();
        if let Some(at) = unique(same) {
            return Some(at);
        }
        if ident.word.is_none() && row.name.starts_with('#') {
            return None;
        }
    }
    let status_only =
        names::clean(&row.name).split_whitespace().count() <= 2 && is_decoration_word(&row.name);
    if status_only || ident.is_some() {
        let shared = (0..out.items.len())
            .filter(|&i| row.files.iter().any(|f| out.items[i].files.contains(f)))
            .collect();
        return unique(shared);
    }
    None
}

fn is_decoration_word(name: &str) -> bool {
    let lower = name.to_lowercase();
    [
        "done",
        "complete",
        "completed",
        "finished",
        "pending",
        "todo",
        "in progress",
        "blocked",
    ]
    .iter()
    .any(|w| names::contains_word(&lower, w))
}

fn fill(first: &mut Draft, again: Draft) {
    if first.files.is_empty() {
        first.files = again.files;
    }
    if first.deps.is_empty() {
        first.deps = again.deps;
    }
    if first.estimate.is_none()
        || (first.weak_estimate && again.estimate.is_some() && !again.weak_estimate)
    {
        first.estimate = again.estimate;
        first.weak_estimate = again.weak_estimate;
    }
    if first.agent.is_none() {
        first.agent = again.agent;
    }
    if first.subtasks.is_empty() {
        first.subtasks = again.subtasks;
    }
}
