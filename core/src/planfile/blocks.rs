//! A plan's Markdown as blocks with line numbers: headings, paragraphs split into their
//! lines, lists, tables and code. The reader works on these rather than on raw lines, so
//! emphasis, lazy continuation lines and nesting are read as CommonMark reads them.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// One line of inline text. `text` keeps code spans in backticks and drops other markup;
/// `plain` has the code spans blanked out, `code` holds them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Line {
    pub text: String,
    pub plain: String,
    pub code: Vec<String>,
    /// Every visible character of the line is bold (`**Files to create**`).
    pub strong_only: bool,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ListEntry {
    pub checked: Option<bool>,
    pub lines: Vec<Line>,
    pub children: Vec<Block>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    Heading {
        level: u8,
        text: Line,
    },
    Para(Vec<Line>),
    List(Vec<ListEntry>),
    Table {
        header: Vec<Line>,
        rows: Vec<Vec<Line>>,
    },
    Code {
        lang: String,
        text: String,
        line: usize,
    },
}

pub(crate) fn blocks(source: &str) -> Vec<Block> {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(source, options)
        .into_offset_iter()
        .collect();
    let mut reader = Reader {
        events,
        at: 0,
        line_starts: std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect(),
    };
    reader.blocks()
}

struct Reader<'s> {
    events: Vec<(Event<'s>, Range<usize>)>,
    at: usize,
    line_starts: Vec<usize>,
}

/// Inline text gathered into lines.
#[derive(Default)]
struct Inline {
    lines: Vec<Line>,
    current: Line,
    started: bool,
    strong: usize,
    strong_chars: usize,
    other_chars: usize,
}

impl Inline {
    fn start(&mut self, line: usize) {
        if !self.started {
            self.current.line = line;
            self.started = true;
        }
    }

    fn push_text(&mut self, text: &str, line: usize) {
        self.start(line);
        self.current.text.push_str(text);
        self.current.plain.push_str(text);
        self.count(text);
    }

    fn push_code(&mut self, code: &str, line: usize) {
        self.start(line);
        self.current.text.push('`');
        self.current.text.push_str(code);
        self.current.text.push('`');
        self.current.plain.push(' ');
        self.current.code.push(code.to_owned());
        self.count(code);
    }

    fn count(&mut self, text: &str) {
        let visible = text.chars().filter(|c| !c.is_whitespace()).count();
        if self.strong > 0 {
            self.strong_chars += visible;
        } else {
            self.other_chars += visible;
        }
    }

    fn end_line(&mut self) {
        if self.started {
            let mut line = std::mem::take(&mut self.current);
            line.text = line.text.trim().to_owned();
            line.strong_only = self.strong_chars > 0 && self.other_chars == 0;
            if !line.text.is_empty() {
                self.lines.push(line);
            }
        }
        self.started = false;
        self.strong_chars = 0;
        self.other_chars = 0;
    }

    fn finish(mut self) -> Vec<Line> {
        self.end_line();
        self.lines
    }
}

impl<'s> Reader<'s> {
    fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|start| *start <= offset)
    }

    fn next(&mut self) -> Option<(Event<'s>, usize)> {
        let (event, range) = self.events.get(self.at)?.clone();
        self.at += 1;
        Some((event, self.line_of(range.start)))
    }

    fn peek(&self) -> Option<&Event<'s>> {
        self.events.get(self.at).map(|(event, _)| event)
    }

    /// Blocks until the end of the enclosing container (or of the document).
    fn blocks(&mut self) -> Vec<Block> {
        let mut out = Vec::new();
        while let Some(event) = self.peek() {
            if matches!(event, Event::End(_)) {
                self.at += 1;
                break;
            }
            self.block(&mut out);
        }
        out
    }

    /// Reads one block starting at the next event into `out`.
    fn block(&mut self, out: &mut Vec<Block>) {
        let Some((event, line)) = self.next() else {
            return;
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let mut lines = self.inline(line);
                let mut text = lines.drain(..).reduce(|mut a, b| {
                    a.text = format!("{} {}", a.text, b.text);
                    a.plain = format!("{} {}", a.plain, b.plain);
                    a.code.extend(b.code);
                    a
                });
                if let Some(text) = text.take() {
                    out.push(Block::Heading {
                        level: heading_level(level),
                        text,
                    });
                }
            }
            Event::Start(Tag::Paragraph) => {
                let lines = self.inline(line);
                if !lines.is_empty() {
                    out.push(Block::Para(lines));
                }
            }
            Event::Start(Tag::List(_)) => {
                let entries = self.list();
                out.push(Block::List(entries));
            }
            Event::Start(Tag::Table(_)) => out.push(self.table()),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_lowercase()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                let mut text = String::new();
                while let Some((event, _)) = self.next() {
                    match event {
                        Event::Text(t) => text.push_str(&t),
                        Event::End(_) => break,
                        _ => {}
                    }
                }
                out.push(Block::Code {
                    lang,
                    text,
                    line: line + 1,
                });
            }
            Event::Start(Tag::BlockQuote(_)) => out.extend(self.blocks()),
            Event::Start(_) => {
                // Other containers (HTML blocks, footnotes): skip them whole.
                self.skip_to_end();
            }
            _ => {}
        }
    }

    fn skip_to_end(&mut self) {
        let mut depth = 1;
        while let Some((event, _)) = self.next() {
            match event {
                Event::Start(_) => depth += 1,
                Event::End(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    /// Inline events until the end of the enclosing tag, as lines.
    fn inline(&mut self, first_line: usize) -> Vec<Line> {
        let mut inline = Inline::default();
        inline.start(first_line);
        let mut depth = 0;
        while let Some((event, line)) = self.next() {
            if !self.inline_event(&mut inline, event, line, &mut depth) {
                break;
            }
        }
        inline.finish()
    }

    /// Feeds one inline event; false at the end of the enclosing tag.
    fn inline_event(
        &mut self,
        inline: &mut Inline,
        event: Event<'s>,
        line: usize,
        depth: &mut usize,
    ) -> bool {
        match event {
            Event::Text(t) => inline.push_text(&t, line),
            Event::Code(c) => inline.push_code(&c, line),
            Event::SoftBreak | Event::HardBreak => inline.end_line(),
            Event::Start(Tag::Strong) => {
                inline.strong += 1;
                *depth += 1;
            }
            Event::End(TagEnd::Strong) => {
                inline.strong = inline.strong.saturating_sub(1);
                *depth -= 1;
            }
            Event::Start(_) => *depth += 1,
            Event::End(_) => {
                if *depth == 0 {
                    return false;
                }
                *depth -= 1;
            }
            _ => {}
        }
        true
    }

    fn list(&mut self) -> Vec<ListEntry> {
        let mut entries = Vec::new();
        while let Some((event, line)) = self.next() {
            match event {
                Event::Start(Tag::Item) => entries.push(self.entry(line)),
                Event::End(_) => break,
                _ => {}
            }
        }
        entries
    }

    fn entry(&mut self, line: usize) -> ListEntry {
        let mut entry = ListEntry {
            checked: None,
            lines: Vec::new(),
            children: Vec::new(),
            line,
        };
        let mut inline = Inline::default();
        let mut depth = 0;
        while let Some(event) = self.peek().cloned() {
            match event {
                Event::TaskListMarker(done) => {
                    self.at += 1;
                    entry.checked = Some(done);
                }
                Event::End(TagEnd::Item) if depth == 0 => {
                    self.at += 1;
                    break;
                }
                Event::Start(Tag::Paragraph) => {
                    self.at += 1;
                    let lines = self.inline(line);
                    if entry.lines.is_empty() && entry.children.is_empty() {
                        entry.lines = lines;
                    } else if !lines.is_empty() {
                        entry.children.push(Block::Para(lines));
                    }
                }
                Event::Start(
                    Tag::List(_)
                    | Tag::Heading { .. }
                    | Tag::Table(_)
                    | Tag::CodeBlock(_)
                    | Tag::BlockQuote(_)
                    | Tag::HtmlBlock,
                ) if depth == 0 => {
                    let lines = std::mem::take(&mut inline).finish();
                    entry.lines.extend(lines);
                    self.block(&mut entry.children);
                }
                _ => {
                    let (event, line) = self.next().expect("peeked");
                    self.inline_event(&mut inline, event, line, &mut depth);
                }
            }
        }
        entry.lines.extend(inline.finish());
        entry
    }

    fn table(&mut self) -> Block {
        let mut header = Vec::new();
        let mut rows = Vec::new();
        let mut row: Vec<Line> = Vec::new();
        while let Some((event, line)) = self.next() {
            match event {
                Event::Start(Tag::TableCell) => {
                    let mut cell = self.inline(line);
                    let joined = cell.drain(..).reduce(|mut a, b| {
                        a.text = format!("{} {}", a.text, b.text);
                        a.plain = format!("{} {}", a.plain, b.plain);
                        a.code.extend(b.code);
                        a
                    });
                    row.push(joined.unwrap_or(Line {
                        line,
                        ..Line::default()
                    }));
                }
                Event::End(TagEnd::TableHead) => header = std::mem::take(&mut row),
                Event::End(TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
                Event::End(TagEnd::Table) => break,
                _ => {}
            }
        }
        Block::Table { header, rows }
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}
