//! Reading an item's section block by block: labels such as `**Files:**` or a `Depends on`
//! sub-heading set what the lines below them are, until the next label.

use crate::planfile::blocks::{Block, Line, ListEntry};
use crate::planfile::drafts::DepRef;
use crate::planfile::estimate;
use crate::planfile::fields::{self, Label};
use crate::planfile::headings::{ignored, restating};
use crate::planfile::item_facts::{Found, ListKind, Sublist, after_reference, total_time};
use crate::planfile::names;
use crate::planfile::outline::Section;
use crate::planfile::paths::{self, Trust};

/// An item's section: its own blocks, then its sub-sections.
pub(crate) fn read_section(section: &Section<'_>, heading: &Line) -> Found {
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
    found
}

/// Group fields (dependencies, agent) from a group's own blocks.
pub(crate) fn read_fields(blocks: &[&Block], heading: &Line) -> Found {
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
                    _ if ignored(&lower) => State::Ignore,
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
            Block::Table { header, rows } => {
                if !matches!(self.state, State::Ignore | State::Reads) {
                    self.found.table(header, rows, self.nested);
                }
            }
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
                self.found.list(found);
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
                self.state = if empty || ignored(name) {
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
            State::Files => self.found.list(paths::in_line(line, Trust::Listed)),
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
            (None, State::Files) => self.found.list(paths::in_line(first, Trust::Listed)),
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
                    State::Files => self.found.list(paths::in_line(line, Trust::Listed)),
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
            self.found.list(paths::tree(text));
        } else if matches!(self.state, State::Free | State::Subtasks) && lang.is_empty() {
            let kind = if self.state == State::Subtasks {
                ListKind::Labelled
            } else {
                ListKind::Plain
            };
            self.found.code_task_list(text, kind, self.nested);
        } else if self.state == State::Files {
            for line in text.lines() {
                let word = line.split_whitespace().next().unwrap_or("");
                if paths::is_path(word, Trust::Listed, true) {
                    self.found.list(vec![word.to_owned()]);
                }
            }
        }
    }
}
