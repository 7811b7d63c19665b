//! Parser for the `patch` text of a changed file: hunks, and inside them the exact lines
//! changed (a hunk's `@@` ranges also include up to three lines of context on each side).

use super::LineRange;
use std::fmt;
use std::iter::Peekable;
use std::str::Split;

/// One line of a file as a patch shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub text: &'a str,
    /// False for the last line of a file without a final newline (`\ No newline at end of
    /// file`): git sees such a line as different from the same text with a newline.
    pub newline: bool,
}

/// The ranges of one `@@ -a,b +c,d @@` header, context included. A count of 0 gives an
/// empty range at the point after line `a` (`@@ -0,0 +1,3 @@` inserts before line 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    pub old: LineRange,
    pub new: LineRange,
}

/// One side's lines of a change, read from the patch text when asked for (most changes are
/// only ever compared by their ranges, so nothing is copied).
#[derive(Debug, Clone, Copy, Default)]
pub struct Lines<'a> {
    /// The patch lines, markers included, of one side of one change.
    block: &'a str,
}

impl<'a> Lines<'a> {
    pub fn iter(&self) -> LinesIter<'a> {
        LinesIter {
            pieces: (!self.block.is_empty()).then(|| self.block.split('\n').peekable()),
        }
    }
}

impl PartialEq for Lines<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Lines<'_> {}

pub struct LinesIter<'a> {
    pieces: Option<Peekable<Split<'a, char>>>,
}

impl<'a> Iterator for LinesIter<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        let pieces = self.pieces.as_mut()?;
        loop {
            let piece = pieces.next()?;
            if piece.starts_with('\\') {
                continue;
            }
            let newline = !pieces.peek().is_some_and(|next| next.starts_with('\\'));
            // Every piece starts with its one-byte marker.
            return Some(Line {
                text: piece.get(1..).unwrap_or(""),
                newline,
            });
        }
    }
}

/// One run of consecutive removed and added lines.
///
/// `old` is the lines removed from the old version; when empty, the change is a pure
/// insertion before line `old.start`. `new` is the lines the new version has instead; when
/// empty, a pure deletion before line `new.start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change<'a> {
    pub old: LineRange,
    pub new: LineRange,
    pub removed: Lines<'a>,
    pub added: Lines<'a>,
}

/// A parsed patch: hunks in order, and every change in order of its old lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patch<'a> {
    pub hunks: Vec<Hunk>,
    pub changes: Vec<Change<'a>>,
}

/// Why a patch could not be read; `line` is 1-based within the patch text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    pub line: usize,
    pub reason: &'static str,
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "patch line {}: {}", self.line, self.reason)
    }
}

impl std::error::Error for PatchError {}

/// Parses GitHub's `patch` text (from the first `@@` line, no file header).
pub fn parse_patch(text: &str) -> Result<Patch<'_>, PatchError> {
    let mut hunks = Vec::new();
    let changes = parse(text, |hunk| hunks.push(hunk))?;
    Ok(Patch { hunks, changes })
}

/// The changes of a patch, without keeping its hunk headers.
pub(crate) fn parse_changes(text: &str) -> Result<Vec<Change<'_>>, PatchError> {
    parse(text, |_| ())
}

fn parse(text: &str, mut on_hunk: impl FnMut(Hunk)) -> Result<Vec<Change<'_>>, PatchError> {
    let mut lines = patch_lines(text).peekable();
    let mut body = Body {
        text,
        // Most patches have a few changes; this saves the first regrowths.
        changes: Vec::with_capacity(4),
    };
    let mut previous: Option<Hunk> = None;
    while let Some(line) = lines.next() {
        let hunk = parse_header(line.bytes)
            .ok_or(line.error("expected a hunk header `@@ -a,b +c,d @@`"))?;
        if previous.is_some_and(|p| hunk.old.start < p.old.end || hunk.new.start < p.new.end) {
            return Err(line.error("hunk overlaps or precedes the previous one"));
        }
        body.read(&mut lines, hunk, line.number)?;
        on_hunk(hunk);
        previous = Some(hunk);
    }
    Ok(body.changes)
}

/// One line of the patch text and where it starts.
#[derive(Clone, Copy)]
struct PatchLine<'a> {
    /// 1-based.
    number: usize,
    start: usize,
    bytes: &'a [u8],
}

impl PatchLine<'_> {
    fn end(&self) -> usize {
        self.start + self.bytes.len()
    }

    fn error(&self, reason: &'static str) -> PatchError {
        PatchError {
            line: self.number,
            reason,
        }
    }
}

/// The lines of the text; a final newline ends the last line rather than starting another.
fn patch_lines(text: &str) -> PatchLines<'_> {
    // Bytes: every boundary the parser cuts at is a newline, so blocks of lines it slices
    // out are still valid text.
    PatchLines {
        text: text.as_bytes(),
        start: 0,
        number: 0,
    }
}

struct PatchLines<'a> {
    text: &'a [u8],
    start: usize,
    number: usize,
}

impl<'a> Iterator for PatchLines<'a> {
    type Item = PatchLine<'a>;

    fn next(&mut self) -> Option<PatchLine<'a>> {
        let rest = self
            .text
            .get(self.start..)
            .filter(|rest| !rest.is_empty())?;
        let len = find_newline(rest).unwrap_or(rest.len());
        self.number += 1;
        let line = PatchLine {
            number: self.number,
            start: self.start,
            bytes: rest.get(..len)?,
        };
        self.start += len + 1;
        Some(line)
    }
}

/// The first `\n`, eight bytes at a time: patch lines are too short for a vectorised
/// search to pay off, and too long for a byte loop to be cheap.
fn find_newline(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    const NEWLINES: u64 = u64::from_ne_bytes([b'\n'; 8]);
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().ok()?) ^ NEWLINES;
        let zero_bytes = word.wrapping_sub(ONES) & !word & HIGHS;
        if zero_bytes != 0 {
            return Some(offset + zero_bytes.trailing_zeros() as usize / 8);
        }
        offset += 8;
    }
    let tail = chunks.remainder().iter().position(|&b| b == b'\n');
    tail.map(|i| offset + i)
}

/// `@@ -a,b +c,d @@`, optionally followed by a section heading.
fn parse_header(line: &[u8]) -> Option<Hunk> {
    let mut cursor = line;
    let old = header_range(&mut cursor, b"@@ -")?;
    let new = header_range(&mut cursor, b" +")?;
    cursor.starts_with(b" @@").then_some(Hunk { old, new })
}

/// After `prefix`: `start,count` or `start` (count 1). A count of 0 names the line *before*
/// the empty range.
fn header_range(cursor: &mut &[u8], prefix: &[u8]) -> Option<LineRange> {
    *cursor = cursor.strip_prefix(prefix)?;
    let start = number(cursor)?;
    let count = match cursor.strip_prefix(b",") {
        Some(rest) => {
            *cursor = rest;
            number(cursor)?
        }
        None => 1,
    };
    if count == 0 {
        let point = start.checked_add(1)?;
        return Some(LineRange::new(point, point));
    }
    if start == 0 {
        return None;
    }
    Some(LineRange::new(start, start.checked_add(count)?))
}

/// The decimal number at the cursor, which moves past it.
fn number(cursor: &mut &[u8]) -> Option<u32> {
    let digits = cursor.iter().take_while(|b| b.is_ascii_digit()).count();
    let (number, rest) = cursor.split_at(digits);
    *cursor = rest;
    if number.is_empty() {
        return None;
    }
    number.iter().try_fold(0u32, |n, digit| {
        n.checked_mul(10)?.checked_add(u32::from(digit - b'0'))
    })
}

/// Which side the last body line was on, so a `\ No newline` marker can join it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    Context,
    Removed,
    Added,
}

/// A change being read: its ranges so far and the byte spans of its two blocks of lines.
struct OpenChange {
    old: LineRange,
    new: LineRange,
    removed: Option<(usize, usize)>,
    added: Option<(usize, usize)>,
}

impl OpenChange {
    fn at(old_line: u32, new_line: u32) -> Self {
        Self {
            old: LineRange::new(old_line, old_line),
            new: LineRange::new(new_line, new_line),
            removed: None,
            added: None,
        }
    }
}

fn extend(block: &mut Option<(usize, usize)>, line: &PatchLine) {
    let start = block.map_or(line.start, |(start, _)| start);
    *block = Some((start, line.end()));
}

struct Body<'a> {
    text: &'a str,
    changes: Vec<Change<'a>>,
}

impl<'a> Body<'a> {
    /// Reads one hunk's body, exactly as many lines as its header counts, plus any trailing
    /// `\ No newline at end of file` marker.
    fn read(
        &mut self,
        lines: &mut Peekable<impl Iterator<Item = PatchLine<'a>>>,
        hunk: Hunk,
        header_line: usize,
    ) -> Result<(), PatchError> {
        let (mut old_line, mut new_line) = (hunk.old.start, hunk.new.start);
        let (mut old_left, mut new_left) = (hunk.old.len(), hunk.new.len());
        let mut open: Option<OpenChange> = None;
        let mut last = Last::Context;
        let mut last_number = header_line;
        while old_left > 0
            || new_left > 0
            || lines.peek().is_some_and(|l| l.bytes.starts_with(b"\\"))
        {
            let Some(line) = lines.next() else {
                return Err(PatchError {
                    line: last_number,
                    reason: "hunk is shorter than its header says",
                });
            };
            last_number = line.number;
            match line.bytes.first() {
                Some(b' ') | None if old_left > 0 && new_left > 0 => {
                    self.close(open.take());
                    (old_left, new_left) = (old_left - 1, new_left - 1);
                    (old_line, new_line) = (old_line + 1, new_line + 1);
                    last = Last::Context;
                }
                Some(b'-') if old_left > 0 => {
                    // A removal after additions starts a new change: keeps each block contiguous.
                    if open.as_ref().is_some_and(|c| c.added.is_some()) {
                        self.close(open.take());
                    }
                    let change = open.get_or_insert_with(|| OpenChange::at(old_line, new_line));
                    extend(&mut change.removed, &line);
                    (old_left, old_line) = (old_left - 1, old_line + 1);
                    change.old.end = old_line;
                    last = Last::Removed;
                }
                Some(b'+') if new_left > 0 => {
                    let change = open.get_or_insert_with(|| OpenChange::at(old_line, new_line));
                    extend(&mut change.added, &line);
                    (new_left, new_line) = (new_left - 1, new_line + 1);
                    change.new.end = new_line;
                    last = Last::Added;
                }
                Some(b'\\') => {
                    if let Some(change) = open.as_mut() {
                        match last {
                            Last::Removed => extend(&mut change.removed, &line),
                            Last::Added => extend(&mut change.added, &line),
                            Last::Context => {}
                        }
                    }
                }
                Some(b' ' | b'-' | b'+') | None => {
                    return Err(line.error("more lines than the hunk header says"));
                }
                Some(_) => return Err(line.error("line does not start with ' ', '-', '+' or '\\'")),
            }
        }
        self.close(open);
        Ok(())
    }

    fn close(&mut self, open: Option<OpenChange>) {
        let Some(change) = open else { return };
        let block = |span: Option<(usize, usize)>| Lines {
            block: span
                .and_then(|(start, end)| self.text.get(start..end))
                .unwrap_or(""),
        };
        self.changes.push(Change {
            old: change.old,
            new: change.new,
            removed: block(change.removed),
            added: block(change.added),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    fn range(start: u32, end: u32) -> LineRange {
        LineRange::new(start, end)
    }

    fn texts<'a>(lines: &Lines<'a>) -> Vec<&'a str> {
        lines.iter().map(|l| l.text).collect()
    }

    fn newlines(lines: &Lines) -> Vec<bool> {
        lines.iter().map(|l| l.newline).collect()
    }

    #[test]
    fn a_patch_of_a_million_lines_is_read_in_one_pass() {
        let mut text = String::from("@@ -1,1000000 +1,1000000 @@");
        for line in 1..=1_000_000u32 {
            if line % 2 == 1 {
                text.push_str(&format!("\n-{line}\n+x{line}"));
            } else {
                text.push_str(&format!("\n {line}"));
            }
        }
        let patch = parse_patch(&text).unwrap();
        assert_eq!(patch.hunks.len(), 1);
        assert_eq!(patch.changes.len(), 500_000);
        let last = patch.changes.last().unwrap();
        assert_eq!(
            (last.old, last.new),
            (range(999_999, 1_000_000), range(999_999, 1_000_000))
        );
        assert_eq!(texts(&last.added), ["x999999"]);
    }

    #[test]
    fn separates_changed_lines_from_context() {
        let patch =
            parse_patch("@@ -10,7 +10,7 @@ class A\n a\n b\n-c\n+C\n+C2\n d\n e\n-f\n g").unwrap();
        assert_eq!(
            patch.hunks,
            [Hunk {
                old: range(10, 17),
                new: range(10, 17)
            }]
        );
        let [modified, removed] = &patch.changes[..] else {
            panic!("{patch:?}")
        };
        assert_eq!((modified.old, modified.new), (range(12, 13), range(12, 14)));
        assert_eq!(texts(&modified.removed), ["c"]);
        assert_eq!(texts(&modified.added), ["C", "C2"]);
        assert_eq!((removed.old, removed.new), (range(15, 16), range(16, 16)));
    }

    #[test]
    fn a_pure_addition_is_an_insertion_point() {
        let patch = parse_patch("@@ -1,3 +1,5 @@\n+new\n+\n one\n two\n three").unwrap();
        let [insertion] = &patch.changes[..] else {
            panic!()
        };
        assert_eq!((insertion.old, insertion.new), (range(1, 1), range(1, 3)));
    }

    #[test]
    fn new_and_removed_files() {
        let added = parse_patch("@@ -0,0 +1,3 @@\n+a\n+b\n+c").unwrap();
        assert_eq!(added.hunks[0].old, range(1, 1));
        assert_eq!(added.changes[0].new, range(1, 4));
        let removed = parse_patch("@@ -1,2 +0,0 @@\n-a\n-b").unwrap();
        assert_eq!(
            (removed.changes[0].old, removed.changes[0].new),
            (range(1, 3), range(1, 1))
        );
    }

    #[test]
    fn omitted_counts_mean_one_line() {
        let patch = parse_patch("@@ -5 +5 @@\n-x\n+y").unwrap();
        assert_eq!(
            patch.hunks[0],
            Hunk {
                old: range(5, 6),
                new: range(5, 6)
            }
        );
        let patch = parse_patch("@@ -5,0 +6 @@\n+y").unwrap();
        assert_eq!(patch.changes[0].old, range(6, 6));
    }

    #[test]
    fn no_newline_marker_applies_to_the_line_before_it() {
        let patch = parse_patch(
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n",
        );
        let patch = patch.unwrap();
        let change = &patch.changes[0];
        assert_eq!(texts(&change.removed), ["b"]);
        assert_eq!(newlines(&change.removed), [false]);
        assert_eq!(newlines(&change.added), [false]);
        assert_eq!(
            change.removed, change.added,
            "same text, both without a final newline"
        );
        let patch = parse_patch("@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c");
        let change = &patch.unwrap().changes[0];
        assert_eq!(newlines(&change.removed), [false]);
        assert_eq!(newlines(&change.added), [true, true]);
    }

    #[test]
    fn interleaved_removals_and_additions_become_adjacent_changes() {
        let patch = parse_patch("@@ -1,2 +1,2 @@\n-a\n+A\n-b\n+B").unwrap();
        let ranges: Vec<_> = patch.changes.iter().map(|c| (c.old, c.new)).collect();
        assert_eq!(
            ranges,
            [(range(1, 2), range(1, 2)), (range(2, 3), range(2, 3))]
        );
        assert_eq!(texts(&patch.changes[1].removed), ["b"]);
        assert_eq!(texts(&patch.changes[1].added), ["B"]);
    }

    #[test]
    fn several_hunks_in_order() {
        let patch =
            parse_patch("@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -20,2 +20,3 @@\n x\n+y\n z").unwrap();
        assert_eq!(patch.hunks.len(), 2);
        assert_eq!(patch.changes[1].old, range(21, 21));
        assert_eq!(patch.changes[1].new, range(21, 22));
    }

    #[test]
    fn empty_patch_has_no_hunks() {
        assert_eq!(parse_patch("").unwrap(), Patch::default());
    }

    #[test]
    fn malformed_patches_are_errors() {
        for text in [
            "diff --git a/x b/x",
            "@@ -1,2 +1,2 @@\n a",
            "@@ -1,1 +1,1 @@\n a\n b",
            "@@ -1,1 +1,1 @@\n*a",
            "@@ -x,1 +1,1 @@\n a",
            "@@ -4294967295,2 +1,1 @@\n a\n-b",
            "@@ -0,2 +1,1 @@\n a\n-b",
            "@@ -5,1 +5,1 @@\n a\n@@ -1,1 +1,1 @@\n a",
            "@@ -+1,1 +1,1 @@\n a",
        ] {
            assert!(parse_patch(text).is_err(), "{text:?}");
        }
    }

    const SEEDS: [&str; 4] = [
        "@@ -1,3 +1,7 @@\n+*   Entry\n+\n+    *Author*\n+\n *   Old\n     text\n ",
        "@@ -10,7 +10,7 @@ class A\n a\n b\n-c\n+C\n+C2\n d\n e\n-f\n g\n@@ -40 +40 @@\n-x\n+y",
        "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n\\ No newline at end of file",
        "@@ -0,0 +1,2 @@\n+é\n+ü",
    ];

    const PIECES: [&str; 12] = [
        "@@ -",
        " +",
        " @@",
        ",",
        "\n",
        "-",
        "+",
        " ",
        "\\ No newline at end of file",
        "0",
        "4294967295",
        "é",
    ];

    fn mutate(rng: &mut Rng, seed: &str) -> String {
        let mut text = seed.to_owned();
        for _ in 0..=rng.below(4) {
            let at = rng.below(text.len() + 1);
            let at = (0..=at)
                .rev()
                .find(|i| text.is_char_boundary(*i))
                .unwrap_or(0);
            match rng.below(3) {
                0 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
                1 => text.truncate(at),
                _ => {
                    let end = (at + rng.below(8)).min(text.len());
                    let end = (end..=text.len())
                        .find(|i| text.is_char_boundary(*i))
                        .unwrap_or(at);
                    text.replace_range(at..end, "");
                }
            }
        }
        text
    }

    fn garbage(rng: &mut Rng) -> String {
        let bytes: Vec<u8> = (0..rng.below(64))
            .map(|_| b"@ -+,0123\n\\x"[rng.below(12)])
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn newlines_are_found_wherever_they_are() {
        let mut rng = Rng(7);
        for _ in 0..2_000 {
            let bytes: Vec<u8> = (0..rng.below(40))
                .map(|_| b"ab\n\xc3\xa9\x80"[rng.below(6)])
                .collect();
            assert_eq!(
                find_newline(&bytes),
                bytes.iter().position(|&b| b == b'\n'),
                "{bytes:?}"
            );
        }
    }

    #[test]
    fn never_panics_on_garbled_or_mutated_patches() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut parsed = 0;
        for round in 0..20_000 {
            let text = if round % 2 == 0 {
                let seed = SEEDS[rng.below(SEEDS.len())];
                mutate(&mut rng, seed)
            } else {
                garbage(&mut rng)
            };
            if let Ok(patch) = parse_patch(&text) {
                parsed += 1;
                for change in &patch.changes {
                    assert_eq!(
                        change.removed.iter().count() as u32,
                        change.old.len(),
                        "{text:?}"
                    );
                    assert_eq!(
                        change.added.iter().count() as u32,
                        change.new.len(),
                        "{text:?}"
                    );
                }
            }
        }
        assert!(parsed > 100, "the mutations should keep some patches valid");
    }
}
