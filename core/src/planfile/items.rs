//! From blocks to work items: the heading outline decides what is an item, a group of items
//! or neither; each item's section is then read for its files, dependencies, estimate,
//! checklist and agent.

use crate::planfile::blocks::{Block, Line};
use crate::planfile::drafts::{DepRef, Draft, Drafts, Group, dedup};
use crate::planfile::estimate::Estimate;
use crate::planfile::fields::{self, Label};
use crate::planfile::headings::{about_dependencies, is_collection, restating, sequential};
use crate::planfile::item_reader::{read_fields, read_section};
use crate::planfile::item_tables::item_table;
use crate::planfile::loose_lines::{collect_graph, collect_loose, collect_loose_blocks};
use crate::planfile::names::{self, Kind};
use crate::planfile::outline::{Section, outline};
use crate::planfile::restated::{push_item, push_row};

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

fn read_item(section: &Section<'_>, heading: &Line, ctx: &Context) -> Draft {
    let name = names::clean(&heading.text);
    let ident = names::ident(&name);
    let found = read_section(section, heading);
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
