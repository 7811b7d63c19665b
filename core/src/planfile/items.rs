//! From blocks to work items: the heading outline decides what is an item, a group of items
//! or neither; each item's section is then read for its files, dependencies, estimate,
//! checklist and agent.

use crate::planfile::blocks::{Block, Line, ListEntry};
use crate::planfile::estimate::{self, Estimate};
use crate::planfile::fields::{self, Label};
use crate::planfile::names::{self, Ident, Kind};
use crate::planfile::paths::{self, Trust};

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

struct Section<'b> {
    heading: Option<&'b Line>,
    blocks: Vec<&'b Block>,
    children: Vec<Section<'b>>,
}

fn outline(blocks: &[Block]) -> Section<'_> {
    // Each heading opens a section inside the nearest one of a higher level.
    let mut stack: Vec<(u8, Section<'_>)> = vec![(
        0,
        Section {
            heading: None,
            blocks: Vec::new(),
            children: Vec::new(),
        },
    )];
    for block in blocks {
        if let Block::Heading { level, text } = block {
            while stack.last().is_some_and(|(l, _)| *l >= *level) {
                let (_, done) = stack.pop().expect("root stays");
                stack.last_mut().expect("root stays").1.children.push(done);
            }
            stack.push((
                *level,
                Section {
                    heading: Some(text),
                    blocks: Vec::new(),
                    children: Vec::new(),
                },
            ));
        } else {
            stack.last_mut().expect("root stays").1.blocks.push(block);
        }
    }
    while stack.len() > 1 {
        let (_, done) = stack.pop().expect("checked");
        stack.last_mut().expect("root stays").1.children.push(done);
    }
    stack.pop().expect("root stays").1
}

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

fn restating(name: &str) -> bool {
    let lower = name.to_lowercase();
    RESTATING.iter().any(|w| lower.contains(w)) && !lower.contains("depend")
}

fn about_dependencies(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.contains("depend") || lower.contains("blocker")
}

fn sequential(text: &str) -> bool {
    let lower = text.to_lowercase();
    SEQUENTIAL.iter().any(|w| names::contains_word(&lower, w))
}

pub(crate) fn drafts(blocks: &[Block]) -> Drafts {
    let root = outline(blocks);
    // A document's one top heading is its title, whatever words it uses.
    let title = match root.children.as_slice() {
        [only] => Some(only),
        _ => None,
    };
    let mut out = Drafts::default();
    walk_root(&root, title, &mut out, false);
    if out.items.is_empty() {
        // A plan of phases only: the phases that carry work are the items.
        out = Drafts::default();
        walk_root(&root, title, &mut out, true);
    }
    out
}

fn walk_root(
    root: &Section<'_>,
    title: Option<&Section<'_>>,
    out: &mut Drafts,
    groups_are_items: bool,
) {
    let Some(title) = title else {
        walk(root, out, &Context::default(), groups_are_items);
        return;
    };
    let ctx = Context::default();
    if section_kind(title, &ctx) == Kind::Item {
        walk(root, out, &ctx, groups_are_items);
        return;
    }
    collect_loose_blocks(&root.blocks, out);
    collect_loose_blocks(&title.blocks, out);
    let inner = Context::default();
    for block in &title.blocks {
        for draft in item_table(block).into_iter().flatten() {
            push_row(out, draft);
        }
    }
    for child in &title.children {
        walk(child, out, &inner, groups_are_items);
    }
}

/// What a group passes on to the items inside it.
#[derive(Default, Clone)]
struct Context {
    group: Option<usize>,
    deps: Vec<DepRef>,
    agent: Option<String>,
    collection: bool,
}

fn section_kind(section: &Section<'_>, parent: &Context) -> Kind {
    let Some(heading) = section.heading else {
        return Kind::Other;
    };
    let name = names::clean(&heading.text);
    match names::kind(&name) {
        Kind::Other
            if parent.collection
                && !restating(&name)
                && fields::classify(&name.to_lowercase()).is_none_or(|l| l == Label::Other) =>
        {
            Kind::Item
        }
        kind => kind,
    }
}

/// Whether the section holds items: item headings or an assignment table below it.
fn holds_items(section: &Section<'_>) -> bool {
    let ctx = Context {
        collection: section
            .heading
            .is_some_and(|h| is_collection(&names::clean(&h.text))),
        ..Context::default()
    };
    section.blocks.iter().any(|b| item_table(b).is_some())
        || section.children.iter().any(|child| {
            let name = child
                .heading
                .map(|h| names::clean(&h.text))
                .unwrap_or_default();
            match section_kind(child, &ctx) {
                Kind::Item => true,
                _ if restating(&name) => false,
                _ => holds_items(child),
            }
        })
}

fn is_collection(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.split_whitespace().count() <= 3
        && COLLECTIONS.iter().any(|w| names::contains_word(&lower, w))
}

fn walk(section: &Section<'_>, out: &mut Drafts, ctx: &Context, groups_are_items: bool) {
    let name = section
        .heading
        .map(|h| names::clean(&h.text))
        .unwrap_or_default();
    let kind = section_kind(section, ctx);
    let holds = holds_items(section);
    if section.heading.is_some() && kind != Kind::Item && restating(&name) {
        collect_loose(section, out);
        return;
    }
    if about_dependencies(&name) {
        collect_graph(section, out);
    }
    let heading = section.heading;
    let carries_work = kind == Kind::Group
        && !holds
        && heading.is_some_and(|h| {
            groups_are_items || sequential(&h.text) || section.children.iter().any(|c| c.heading.is_some_and(|h| sequential(&h.text)))
                || section.blocks.iter().take(2).any(|b| matches!(b, Block::Para(lines) if lines.iter().any(|l| l.strong_only && sequential(&l.text))))
        });
    if let (Some(heading), true) = (heading, (kind == Kind::Item && !holds) || carries_work) {
        let mut draft = read_item(section, heading, ctx);
        if kind == Kind::Group {
            draft.parallel = groups_are_items && !sequential(&heading.text) && draft.parallel;
        }
        push_item(out, draft);
        return;
    }
    // A group, or a section around items: its own fields pass to the items inside.
    let mut inner = ctx.clone();
    inner.collection = is_collection(&name);
    if let Some(heading) = heading.filter(|_| kind != Kind::Other) {
        out.groups.push(Group {
            name: name.clone(),
            ident: names::ident(&name),
            members: Vec::new(),
        });
        inner.group = Some(out.groups.len() - 1);
        let own = read_fields(&section.blocks, heading);
        if !own.deps.is_empty() {
            inner.deps = own.deps;
        }
        if own.agent.is_some() {
            inner.agent = own.agent;
        }
    } else {
        collect_loose_blocks(&section.blocks, out);
    }
    for block in &section.blocks {
        for mut draft in item_table(block).into_iter().flatten() {
            inherit(&mut draft, &inner);
            push_row(out, draft);
        }
    }
    for child in &section.children {
        walk(child, out, &inner, groups_are_items);
    }
}

fn inherit(draft: &mut Draft, ctx: &Context) {
    draft.group = ctx.group;
    if draft.deps.is_empty() {
        draft.deps = ctx.deps.clone();
    }
    if draft.agent.is_none() {
        draft.agent = ctx.agent.clone();
    }
}

/// Adds an item unless it restates one already read (the same name again, in a status
/// section the restating check did not catch); then it only fills what the first lacks.
fn push_item(out: &mut Drafts, draft: Draft) {
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
fn push_row(out: &mut Drafts, draft: Draft) {
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

fn read_item(section: &Section<'_>, heading: &Line, ctx: &Context) -> Draft {
    let name = names::clean(&heading.text);
    let ident = names::ident(&name);
    let mut found = Found::default();
    found.heading(heading);
    let mut reader = ItemReader {
        found: &mut found,
        state: State::Free,
        nested: false,
    };
    reader.blocks(&section.blocks);
    for child in &section.children {
        reader.subsection(child);
    }
    let named_agent = ident
        .as_ref()
        .filter(|i| {
            matches!(
                i.word.as_deref(),
                Some("agent" | "developer" | "dev" | "engineer" | "lane")
            )
        })
        .map(|_| agent_in_name(&name));
    let chosen = found.subtasks();
    let hours: Vec<Option<f64>> = chosen.iter().map(|(_, h)| *h).collect();
    let summed = sum_of(&hours);
    let subtasks = chosen.into_iter().map(|(text, _)| text).collect();
    let stated = found.estimate.or(found.heading_estimate).or(found.total);
    let weak_estimate = stated.is_none() && summed.is_some();
    let mut draft = Draft {
        weak_estimate,
        ident,
        line: heading.line,
        files: dedup(found.files),
        deps: found.deps,
        estimate: stated.or(summed).or(found.nested_estimate),
        subtasks,
        agent: found.agent.or(named_agent).or(found.nested_agent),
        parallel: !sequential(&heading.text),
        group: None,
        name,
    };
    inherit(&mut draft, ctx);
    draft
}

/// `Agent Alpha` of `Agent Alpha — Indexer`.
fn agent_in_name(name: &str) -> String {
    let cut = name.find([':', '—', '–', '(']).unwrap_or(name.len());
    let head = name[..cut].trim();
    head.split(" - ").next().unwrap_or(head).trim().to_owned()
}

fn sum_of(estimates: &[Option<f64>]) -> Option<Estimate> {
    if estimates.len() < 2 || estimates.iter().any(Option::is_none) {
        return None;
    }
    let total: f64 = estimates.iter().flatten().sum();
    Some(Estimate {
        hours: Some(total),
        text: format!("{total} hours"),
    })
}

fn dedup(paths: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in paths {
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

#[derive(Default)]
struct Found {
    files: Vec<String>,
    deps: Vec<DepRef>,
    estimate: Option<Estimate>,
    heading_estimate: Option<Estimate>,
    nested_estimate: Option<Estimate>,
    total: Option<Estimate>,
    agent: Option<String>,
    nested_agent: Option<String>,
    lists: Vec<Sublist>,
}

impl Found {
    fn heading(&mut self, heading: &Line) {
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
    fn subtasks(&self) -> Vec<(String, Option<f64>)> {
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Checkbox,
    Labelled,
    Plain,
}

/// One list of an item's entries, of one kind.
struct Sublist {
    kind: ListKind,
    nested: bool,
    entries: Vec<(String, Option<f64>)>,
}

/// "after Track 1", "after Task 2.1 is merged": a reference with an item word.
fn after_reference(text: &str, line: usize) -> Option<DepRef> {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    Files,
    Reads,
    Depends,
    Subtasks,
    Ignore,
}

struct ItemReader<'f> {
    found: &'f mut Found,
    state: State,
    /// Inside a sub-heading that is no label: facts here count after the item's own.
    nested: bool,
}

impl ItemReader<'_> {
    fn subsection(&mut self, section: &Section<'_>) {
        let saved = (self.state, self.nested);
        if let Some(heading) = section.heading {
            let title = names::clean(&heading.text);
            let lower = title.to_lowercase();
            if let Some((label, name, value)) =
                fields::split(heading).filter(|(_, _, v)| !v.is_empty())
            {
                self.field(label, &name, &value, heading);
            } else {
                self.state = match fields::classify(&lower) {
                    _ if IGNORED.iter().any(|w| lower.starts_with(w)) => State::Ignore,
                    Some(Label::Files) => State::Files,
                    Some(Label::Reads) => State::Reads,
                    Some(Label::Depends) => State::Depends,
                    Some(Label::Subtasks) => State::Subtasks,
                    Some(Label::Estimate | Label::Agent) => State::Free,
                    _ if restating(&title) => State::Ignore,
                    _ => {
                        self.nested = true;
                        State::Free
                    }
                };
            }
        }
        self.blocks(&section.blocks);
        for child in &section.children {
            self.subsection(child);
        }
        (self.state, self.nested) = saved;
    }

    fn blocks(&mut self, blocks: &[&Block]) {
        for block in blocks {
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Heading { .. } => {}
            Block::Para(lines) => {
                for line in lines {
                    self.para_line(line);
                }
            }
            Block::List(entries) => {
                let mut top = Vec::new();
                for entry in entries {
                    self.entry(entry, true, &mut top);
                }
                for kind in [ListKind::Checkbox, ListKind::Labelled, ListKind::Plain] {
                    let entries: Vec<(String, Option<f64>)> = top
                        .iter()
                        .filter(|(k, _, _)| *k == kind)
                        .map(|(_, text, hours)| (text.clone(), *hours))
                        .collect();
                    if !entries.is_empty() {
                        self.found.lists.push(Sublist {
                            kind,
                            nested: self.nested,
                            entries,
                        });
                    }
                }
            }
            Block::Table { header, rows } => self.table(header, rows),
            Block::Code { lang, text, .. } => self.code(lang, text),
        }
    }

    fn field(&mut self, label: Label, name: &str, value: &str, line: &Line) {
        let empty = value.is_empty();
        match label {
            Label::Files => {
                let found = paths::in_line(line, Trust::Listed);
                let found: Vec<String> = found
                    .into_iter()
                    .filter(|p| !name.contains(p.as_str()))
                    .collect();
                self.found.files.extend(found);
                self.state = if empty { State::Files } else { State::Free };
            }
            Label::Reads => self.state = if empty { State::Reads } else { State::Free },
            Label::Depends => {
                if !empty {
                    self.found.deps.push(DepRef {
                        text: value.to_owned(),
                        line: line.line,
                        explicit: true,
                    });
                }
                self.state = if empty { State::Depends } else { State::Free };
            }
            Label::Estimate => {
                if let Some(parsed) = estimate::parse(value) {
                    let slot = if self.nested {
                        &mut self.found.nested_estimate
                    } else {
                        &mut self.found.estimate
                    };
                    if slot.is_none() {
                        *slot = Some(parsed);
                    }
                }
                self.state = State::Free;
            }
            Label::Agent => {
                if !empty {
                    let slot = if self.nested {
                        &mut self.found.nested_agent
                    } else {
                        &mut self.found.agent
                    };
                    if slot.is_none() {
                        *slot = Some(value.replace('`', "").trim().to_owned());
                    }
                }
                self.state = State::Free;
            }
            Label::Subtasks => self.state = State::Subtasks,
            Label::Other => {
                let ignored = IGNORED.iter().any(|w| name.starts_with(w));
                self.state = if empty || ignored {
                    State::Ignore
                } else {
                    State::Free
                };
            }
        }
    }

    fn para_line(&mut self, line: &Line) {
        if let Some(total) = total_time(&line.text) {
            self.found.total.get_or_insert(total);
        }
        if let Some((label, name, value)) = fields::split(line) {
            self.field(label, &name, &value, line);
            return;
        }
        match self.state {
            State::Files => self.found.files.extend(paths::in_line(line, Trust::Listed)),
            State::Depends => self.found.deps.push(DepRef {
                text: line.text.clone(),
                line: line.line,
                explicit: true,
            }),
            State::Free | State::Subtasks => {
                if fields::changes(&line.text) && !fields::only_reads(&line.text) {
                    self.found.files.extend(paths::in_line(line, Trust::Prose));
                }
                if let Some(dep) = after_reference(&line.text, line.line) {
                    self.found.deps.push(dep);
                }
            }
            State::Reads | State::Ignore => {}
        }
    }

    fn entry(
        &mut self,
        entry: &ListEntry,
        top: bool,
        out: &mut Vec<(ListKind, String, Option<f64>)>,
    ) {
        let Some(first) = entry.lines.first() else {
            for child in &entry.children {
                self.block(child);
            }
            return;
        };
        let state = self.state;
        let field =
            fields::split(first).filter(|_| state != State::Subtasks && entry.checked.is_none());
        match (field, state) {
            (Some((label, name, value)), _) => self.field(label, &name, &value, first),
            (None, State::Files) => self
                .found
                .files
                .extend(paths::in_line(first, Trust::Listed)),
            (None, State::Depends) => self.found.deps.push(DepRef {
                text: first.text.clone(),
                line: first.line,
                explicit: true,
            }),
            (None, State::Reads | State::Ignore) => {}
            (None, State::Free | State::Subtasks) => {
                if !fields::only_reads(&first.text) {
                    self.found.files.extend(paths::in_line(first, Trust::Prose));
                }
                if top {
                    let text = first.text.clone();
                    let hours = estimate::parse(&text).and_then(|e| e.hours);
                    let kind = match (entry.checked, state) {
                        (Some(_), _) => ListKind::Checkbox,
                        (None, State::Subtasks) => ListKind::Labelled,
                        _ => ListKind::Plain,
                    };
                    out.push((kind, text, hours));
                }
            }
        }
        // Lines after the first: lazy continuations, which may open a new label.
        for line in &entry.lines[1..] {
            match fields::split(line) {
                Some((label, name, value)) if label != Label::Other => {
                    self.field(label, &name, &value, line)
                }
                _ => match self.state {
                    State::Files => self.found.files.extend(paths::in_line(line, Trust::Listed)),
                    State::Free | State::Subtasks if !fields::only_reads(&line.text) => {
                        self.found.files.extend(paths::in_line(line, Trust::Prose))
                    }
                    _ => {}
                },
            }
        }
        for child in &entry.children {
            match child {
                Block::List(entries) => {
                    let mut below = Vec::new();
                    for nested in entries {
                        self.entry(nested, false, &mut below);
                    }
                }
                other => self.block(other),
            }
        }
    }

    fn table(&mut self, header: &[Line], rows: &[Vec<Line>]) {
        if matches!(self.state, State::Ignore | State::Reads) {
            return;
        }
        let columns: Vec<Option<Label>> = header
            .iter()
            .map(|h| fields::classify(&h.text.to_lowercase().replace('`', "")))
            .collect();
        let mut agents: Vec<String> = Vec::new();
        let mut tasks = Vec::new();
        for row in rows {
            for (cell, column) in row.iter().zip(&columns) {
                match column {
                    Some(Label::Files) => {
                        self.found.files.extend(paths::in_line(cell, Trust::Listed))
                    }
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
            self.found.lists.push(Sublist {
                kind: ListKind::Labelled,
                nested: self.nested,
                entries: tasks,
            });
        }
        agents.dedup();
        if let [agent] = agents.as_slice() {
            self.found.agent.get_or_insert(agent.clone());
        }
    }

    fn code(&mut self, lang: &str, text: &str) {
        const SHELL: &[&str] = &[
            "bash",
            "sh",
            "shell",
            "zsh",
            "console",
            "powershell",
            "ps1",
            "cmd",
            "fish",
        ];
        if SHELL.contains(&lang)
            || matches!(self.state, State::Ignore | State::Reads | State::Depends)
        {
            return;
        }
        if paths::is_tree(text) {
            self.found.files.extend(paths::tree(text));
        } else if matches!(self.state, State::Free | State::Subtasks) && lang.is_empty() {
            self.code_task_list(text);
        } else if self.state == State::Files {
            for line in text.lines() {
                let word = line.split_whitespace().next().unwrap_or("");
                if paths::is_path(word, Trust::Listed, true) {
                    self.found.files.push(word.to_owned());
                }
            }
        }
    }
}

impl ItemReader<'_> {
    /// A task list kept in a code block: `1.1 [C1] Fix the specs in server.clj (5 min)`.
    fn code_task_list(&mut self, text: &str) {
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
                self.found.files.extend(paths::in_line(&line, Trust::Prose));
            }
            entries.push((
                entry.to_owned(),
                estimate::parse(entry).and_then(|e| e.hours),
            ));
        }
        self.found.lists.push(Sublist {
            kind: if self.state == State::Subtasks {
                ListKind::Labelled
            } else {
                ListKind::Plain
            },
            nested: self.nested,
            entries,
        });
    }
}

/// `(3 hours total)`, `Total: 5h`.
fn total_time(text: &str) -> Option<Estimate> {
    let lower = text.to_lowercase();
    if !lower.contains("total") {
        return None;
    }
    let parsed = estimate::parse(text)?;
    let at = lower.find(&parsed.text.to_lowercase())?;
    let after = lower[at + parsed.text.len()..].trim_start();
    (after.starts_with("total") || lower[..at].trim_end().ends_with("total:")).then_some(parsed)
}

/// Group fields (dependencies, agent) from a group's own blocks.
fn read_fields(blocks: &[&Block], heading: &Line) -> Found {
    let mut found = Found::default();
    found.heading(heading);
    let mut reader = ItemReader {
        found: &mut found,
        state: State::Free,
        nested: false,
    };
    for block in blocks {
        if matches!(block, Block::Para(_) | Block::List(_)) {
            reader.block(block);
        }
    }
    found
}

fn collect_loose(section: &Section<'_>, out: &mut Drafts) {
    let name = section.heading.map(|h| h.text.clone()).unwrap_or_default();
    if about_dependencies(&name) {
        collect_graph(section, out);
    }
    collect_loose_blocks(&section.blocks, out);
    for child in &section.children {
        collect_loose(child, out);
    }
}

fn collect_loose_blocks(blocks: &[&Block], out: &mut Drafts) {
    fn entries(list: &[ListEntry], out: &mut Drafts) {
        for entry in list {
            out.loose.extend(entry.lines.iter().cloned());
            for child in &entry.children {
                match child {
                    Block::List(inner) => entries(inner, out),
                    Block::Para(lines) => out.loose.extend(lines.iter().cloned()),
                    _ => {}
                }
            }
        }
    }
    for block in blocks {
        match block {
            Block::Para(lines) => out.loose.extend(lines.iter().cloned()),
            Block::List(list) => entries(list, out),
            _ => {}
        }
    }
}

fn collect_graph(section: &Section<'_>, out: &mut Drafts) {
    fn lines_of(blocks: &[&Block], out: &mut Vec<String>) {
        for block in blocks {
            match block {
                Block::Code { text, .. } => out.extend(text.lines().map(str::to_owned)),
                Block::Para(lines) => out.extend(lines.iter().map(|l| l.text.clone())),
                Block::List(entries) => out.extend(
                    entries
                        .iter()
                        .flat_map(|e| e.lines.iter().map(|l| l.text.clone())),
                ),
                _ => {}
            }
        }
    }
    lines_of(&section.blocks, &mut out.graph);
    for child in &section.children {
        lines_of(&child.blocks, &mut out.graph);
    }
}

/// The rows of an assignment table as items: a table with a name column and a column of
/// files, dependencies or estimates (or agents, with ids).
fn item_table(block: &Block) -> Option<Vec<Draft>> {
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
fn is_bare_id(text: &str) -> bool {
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
