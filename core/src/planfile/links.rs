//! Matching what items say about each other to the items: dependencies by name or id, file
//! ownership stated outside the item (`Track 1: \`src/a/*\``), dependency graphs; then the
//! warnings for what matched nothing, for cycles and for items without files.

use crate::planfile::drafts::{DepRef, Draft, Drafts, Group};
use crate::planfile::names::{self, Ident};
use crate::planfile::paths::{self, Trust};
use crate::planfile::{PlanDocument, Warning, WarningKind, WorkItem};

pub(crate) fn resolve(mut drafts: Drafts) -> PlanDocument {
    let mut warnings = Vec::new();
    attach_loose_lines(&mut drafts);
    let graph = graph_edges(&drafts);
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); drafts.items.len()];
    for (at, draft) in drafts.items.iter().enumerate() {
        for dep in &draft.deps {
            for piece in pieces(&dep.text) {
                match targets(&drafts, &piece, at) {
                    Some(found) => {
                        for target in found {
                            if target != at && !edges[at].contains(&target) {
                                edges[at].push(target);
                            }
                        }
                    }
                    None if dep.explicit => warnings.push(Warning {
                        line: dep.line,
                        kind: WarningKind::UnknownDependency {
                            item: draft.name.clone(),
                            named: piece.clone(),
                        },
                    }),
                    None => {}
                }
            }
        }
    }
    for (from, to) in graph {
        if from != to && !edges[from].contains(&to) {
            edges[from].push(to);
        }
    }
    for cycle in cycles(&edges) {
        warnings.push(Warning {
            line: drafts.items[cycle[0]].line,
            kind: WarningKind::Cycle {
                items: cycle
                    .iter()
                    .map(|&i| drafts.items[i].name.clone())
                    .collect(),
            },
        });
    }
    let items: Vec<WorkItem> = drafts
        .items
        .iter()
        .enumerate()
        .map(|(at, d)| item(d, &edges[at], &drafts.items))
        .collect();
    for item in &items {
        if item.files.is_empty() {
            warnings.push(Warning {
                line: item.line,
                kind: WarningKind::NoFiles {
                    item: item.name.clone(),
                },
            });
        }
    }
    warnings.sort_by_key(|w| w.line);
    PlanDocument { items, warnings }
}

fn item(draft: &Draft, edges: &[usize], all: &[Draft]) -> WorkItem {
    let estimate = draft.estimate.clone();
    WorkItem {
        name: draft.name.clone(),
        files: draft.files.clone(),
        depends_on: edges.iter().map(|&e| all[e].name.clone()).collect(),
        estimate_hours: estimate
            .as_ref()
            .and_then(|e| e.hours)
            .map(|h| (h * 10_000.0).round() / 10_000.0),
        estimate_text: estimate.map(|e| e.text),
        subtasks: draft.subtasks.clone(),
        agent: draft.agent.clone(),
        parallel: draft.parallel,
        line: draft.line,
    }
}

/// The references in a dependency's text: `1.1, 1.2`, `Agent Alpha and Agent Beta`,
/// `[Task 2.1](#task-21), Task 2.2`. "None" and its kin give none.
fn pieces(text: &str) -> Vec<String> {
    let text = text.replace('`', "");
    let lower = text.trim().to_lowercase();
    let empty = [
        "none",
        "n/a",
        "-",
        "—",
        "–",
        "nothing",
        "no dependencies",
        "independent",
        "tbd",
    ];
    if lower.is_empty()
        || empty.iter().any(|e| {
            lower == *e
                || lower.starts_with(&format!("{e} "))
                || lower.starts_with(&format!("{e} ("))
        })
        || lower.starts_with("none")
    {
        return Vec::new();
    }
    let mut out = Vec::new();
    for part in text.split([',', ';', '&', '+', '[', ']']) {
        for piece in split_words(part, &[" and ", " or ", " then "]) {
            let piece = piece
                .trim()
                .trim_matches(|c: char| "*_()#.:'\"".contains(c) || c.is_whitespace())
                .trim();
            let piece = piece.strip_prefix("and ").unwrap_or(piece).trim();
            if !piece.is_empty() {
                out.push(piece.to_owned());
            }
        }
    }
    out
}

fn split_words<'t>(text: &'t str, separators: &[&str]) -> Vec<&'t str> {
    let mut out = vec![text];
    for sep in separators {
        out = out.iter().flat_map(|t| t.split(sep)).collect();
    }
    out
}

/// The items a reference names: one item, or every item of a group. None when it names
/// nothing. `from` is the item that holds the reference, for ids relative to its group.
fn targets(drafts: &Drafts, piece: &str, from: usize) -> Option<Vec<usize>> {
    let items = &drafts.items;
    let norm = names::normal(piece);
    if let Some(all) = everything(items, &norm, from) {
        return Some(all);
    }
    let unique = |found: Vec<usize>| (found.len() == 1).then_some(found);
    // The whole name, or the title after the id.
    if let Some(found) = unique(
        items
            .iter()
            .enumerate()
            .filter(|(_, d)| names::normal(&d.name) == norm)
            .map(|(i, _)| i)
            .collect(),
    ) {
        return Some(found);
    }
    let ident = names::ident(piece).or_else(|| bare(piece));
    if let Some(ident) = &ident {
        let keyed = |d: &Option<Ident>| d.as_ref().is_some_and(|i| same(i, ident));
        let mut found: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, d)| keyed(&d.ident))
            .map(|(i, _)| i)
            .collect();
        if found.len() > 1 {
            // Ids repeated across groups (`Stream 1` of two phases): the one in the same group.
            let group = items[from].group;
            found.retain(|&i| items[i].group == group);
        }
        if let Some(found) = unique(found) {
            return Some(found);
        }
        let groups: Vec<&Group> = drafts.groups.iter().filter(|g| keyed(&g.ident)).collect();
        if let [group] = groups.as_slice()
            && !group.members.is_empty()
        {
            return Some(group.members.clone());
        }
        // The agent the plan names for an item: "Blocked by: Agent Alpha".
        if ident.word.as_deref() == Some("agent") {
            let key = ident.key();
            if let Some(found) = unique(
                items
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| {
                        d.agent
                            .as_deref()
                            .is_some_and(|a| names::normal(a).contains(&key))
                    })
                    .map(|(i, _)| i)
                    .collect(),
            ) {
                return Some(found);
            }
        }
    }
    // Prose that names items: `Uses Agents 1-3`, `Task 2.1 being merged`.
    let named: Vec<Ident> = names::mentions(piece);
    if !named.is_empty() {
        let mut found = Vec::new();
        for ident in &named {
            let text = ident.key();
            if names::normal(&text) == norm {
                continue;
            }
            found.extend(targets(drafts, &text, from).into_iter().flatten());
        }
        if !found.is_empty() {
            return Some(found);
        }
    }
    if norm.len() >= 4 {
        let titled: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                let title = names::normal(names::title(&d.name));
                title.len() >= 4
                    && (norm == title || norm.contains(&title) && title.split(' ').count() >= 2)
            })
            .map(|(i, _)| i)
            .collect();
        if let Some(found) = unique(titled) {
            return Some(found);
        }
    }
    None
}

/// "All previous tasks", "all tracks": every item before this one, or every other item.
fn everything(items: &[Draft], norm: &str, from: usize) -> Option<Vec<usize>> {
    let rest = norm.strip_prefix("all ")?;
    let earlier = [
        "previous",
        "prior",
        "above",
        "earlier",
        "preceding",
        "before",
    ];
    if earlier.iter().any(|w| rest.contains(w)) {
        return Some((0..from).collect());
    }
    let kinds = [
        "tracks",
        "tasks",
        "streams",
        "agents",
        "items",
        "other",
        "lanes",
        "workstreams",
    ];
    kinds
        .iter()
        .any(|w| rest.split(' ').any(|r| r == *w))
        .then(|| (0..items.len()).filter(|&i| i != from).collect())
}

/// Two identifiers name the same item: the same word and id, or a bare id against a
/// worded one (`1.1` for `Task 1.1`, `A` for `A:`).
fn same(item: &Ident, reference: &Ident) -> bool {
    item.id == reference.id
        && match (&item.word, &reference.word) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
}

/// A bare id as a whole reference: `1.1`, `A`, `#3`.
fn bare(piece: &str) -> Option<Ident> {
    let piece = piece.trim().trim_start_matches('#');
    let ok = !piece.is_empty()
        && piece.len() <= 8
        && (piece.chars().all(|c| c.is_ascii_digit() || c == '.')
            || (piece.chars().count() == 1 && piece.chars().all(|c| c.is_ascii_uppercase()))
            || (piece.contains('-')
                && piece.chars().any(|c| c.is_ascii_digit())
                && !piece.contains(' ')));
    ok.then(|| Ident {
        word: None,
        id: piece.to_lowercase(),
    })
}

/// Lines outside items that open with an item's identifier and give paths
/// (`Track 1: \`python/tests/*\``), and dependency statements (`Task 3 depends on Task 1`).
fn attach_loose_lines(drafts: &mut Drafts) {
    let loose = std::mem::take(&mut drafts.loose);
    for line in &loose {
        let text = line.text.replace('`', "");
        let Some(ident) = names::ident(&text) else {
            continue;
        };
        if ident.word.is_none() {
            continue;
        }
        let owners: Vec<usize> = drafts
            .items
            .iter()
            .enumerate()
            .filter(|(_, d)| d.ident.as_ref().is_some_and(|i| *i == ident))
            .map(|(i, _)| i)
            .collect();
        let [owner] = owners.as_slice() else {
            continue;
        };
        let after_id = text
            .to_lowercase()
            .find(&ident.id)
            .map_or(0, |at| at + ident.id.len());
        let rest = text[after_id..].trim_start();
        let lower = rest.to_lowercase();
        if rest.starts_with([':', '-', '—', '–']) && !line.code.is_empty() {
            let found = paths::in_line(line, Trust::Listed);
            let draft = &mut drafts.items[*owner];
            for path in found {
                if !draft.files.contains(&path) {
                    draft.files.push(path);
                }
            }
        } else {
            for key in ["depends on", "blocked by", "waits for", "needs", "requires"] {
                if let Some(at) = lower.find(key) {
                    drafts.items[*owner].deps.push(DepRef {
                        text: rest[at + key.len()..]
                            .trim_start_matches([':', ' '])
                            .to_owned(),
                        line: line.line,
                        explicit: true,
                    });
                    break;
                }
            }
        }
    }
}

/// Edges of a dependency graph drawn in a section about dependencies: `A → B` and `A`
/// over `↓` over `B` (B waits for A), and a header `Phase 1 (after #2):` over the items
/// listed below it.
fn graph_edges(drafts: &Drafts) -> Vec<(usize, usize)> {
    let mut edges = Vec::new();
    let mut above: Option<Vec<usize>> = None;
    let mut down = false;
    let mut after: Vec<usize> = Vec::new();
    for raw in &drafts.graph {
        let line = raw
            .replace("-->", "→")
            .replace("->", "→")
            .replace("=>", "→")
            .replace('⟶', "→");
        let trimmed = line.trim();
        if trimmed.is_empty() {
            (above, down) = (None, false);
            after.clear();
            continue;
        }
        if trimmed.chars().all(|c| "↓▼ ".contains(c)) {
            down = above.is_some();
            continue;
        }
        if trimmed.ends_with(':') {
            after = waits_for(drafts, trimmed);
            (above, down) = (None, false);
            continue;
        }
        let steps: Vec<&str> = trimmed.split('→').collect();
        let nodes: Vec<Option<Vec<usize>>> = steps.iter().map(|s| lone_target(drafts, s)).collect();
        for pair in nodes.windows(2) {
            if let (Some(from), Some(to)) = (&pair[0], &pair[1]) {
                edges.extend(to.iter().flat_map(|b| from.iter().map(move |a| (*b, *a))));
            }
        }
        if let [Some(node)] = nodes.as_slice() {
            if let (true, Some(from)) = (down, &above) {
                edges.extend(node.iter().flat_map(|b| from.iter().map(move |a| (*b, *a))));
            }
            edges.extend(
                node.iter()
                    .flat_map(|b| after.iter().map(move |a| (*b, *a))),
            );
        }
        above = nodes.last().cloned().flatten();
        down = false;
    }
    edges
}

/// The items a header line waits for: `Phase 2 (after #5):`.
fn waits_for(drafts: &Drafts, line: &str) -> Vec<usize> {
    let lower = line.to_lowercase();
    let Some(at) = lower.find("after ") else {
        return Vec::new();
    };
    let rest = line[at + "after ".len()..].trim_end_matches([':', ')', ' ']);
    pieces(rest)
        .iter()
        .filter_map(|piece| lone_target(drafts, piece))
        .flatten()
        .collect()
}

/// The item (or items) a node of a graph names: `Track 2: Tests`, `#3 ttl-cache`,
/// `#3+#4`.
fn lone_target(drafts: &Drafts, text: &str) -> Option<Vec<usize>> {
    let text = text.trim_matches(|c: char| c.is_whitespace() || "│|[]()*`".contains(c));
    let text = text.split(['(', '[']).next().unwrap_or(text).trim();
    let mut out = Vec::new();
    for part in text.split(['+', ',']) {
        // `#3 ttl-cache`: the number is the reference, the words a reminder.
        let found = match part.split_whitespace().next() {
            Some(first) if first.starts_with('#') => targets(drafts, first, 0)?,
            _ => {
                let mut found = Vec::new();
                for piece in pieces(part) {
                    found.extend(targets(drafts, &piece, 0)?);
                }
                found
            }
        };
        out.extend(found);
    }
    (!out.is_empty()).then_some(out)
}

/// Each cycle once, as the items in it.
fn cycles(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    fn visit(
        at: usize,
        edges: &[Vec<usize>],
        marks: &mut [Mark],
        path: &mut Vec<usize>,
        out: &mut Vec<Vec<usize>>,
    ) {
        marks[at] = Mark::Open;
        path.push(at);
        for &next in &edges[at] {
            match marks[next] {
                Mark::New => visit(next, edges, marks, path, out),
                Mark::Open => {
                    let start = path
                        .iter()
                        .position(|&p| p == next)
                        .expect("open is on the path");
                    out.push(path[start..].to_vec());
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks[at] = Mark::Done;
    }
    let mut marks = vec![Mark::New; edges.len()];
    let mut out = Vec::new();
    for start in 0..edges.len() {
        if marks[start] == Mark::New {
            visit(start, edges, &mut marks, &mut Vec::new(), &mut out);
        }
    }
    out
}
