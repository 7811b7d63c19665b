//! Lines outside any item: sections that only restate items, and the blocks around items,
//! may still name an item's files or dependencies, and sections about dependencies may draw
//! the graph (`A → B`). The links read them once every item is known.

use crate::planfile::blocks::{Block, ListEntry};
use crate::planfile::drafts::Drafts;
use crate::planfile::headings::about_dependencies;
use crate::planfile::outline::Section;

pub(crate) fn collect_loose(section: &Section<'_>, out: &mut Drafts) {
    let name = section.heading.map(|h| h.text.clone()).unwrap_or_default();
    if about_dependencies(&name) {
        collect_graph(section, out);
    }
    collect_loose_blocks(&section.blocks, out);
    for child in &section.children {
        collect_loose(child, out);
    }
}

pub(crate) fn collect_loose_blocks(blocks: &[&Block], out: &mut Drafts) {
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

pub(crate) fn collect_graph(section: &Section<'_>, out: &mut Drafts) {
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
