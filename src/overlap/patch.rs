//! Parser for the `patch` text of a changed file: hunks, and inside them the exact lines
//! changed (a hunk's `@@` ranges also include up to three lines of context on each side).

use super::LineRange;
use std::fmt;
use std::iter::Peekable;

/// One line of a file as a patch shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub text: &'a str,
    /// False for the last line of a file without a final newline (`\ No newline at end of
    /// file`): git sees such a line as different from the same text with a newline.
    pub newline: bool,
}

/// The ranges of one `@@ -a,b +c,d @@` header, context included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hunk {
    pub old: LineRange,
    pub new: LineRange,
}

/// One run of consecutive removed and added lines.
///
/// `old` is the lines removed from the old version; when empty, the change is a pure
/// insertion before line `old.start`. `new` is the lines the new version has instead; when
/// empty, a pure deletion before line `new.start`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change<'a> {
    pub old: LineRange,
    pub new: LineRange,
    pub removed: Vec<Line<'a>>,
    pub added: Vec<Line<'a>>,
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
    let mut lines = patch_lines(text).enumerate().peekable();
    let mut patch = Patch::default();
    while let Some((index, line)) = lines.next() {
        let hunk = parse_header(line).ok_or(PatchError {
            line: index + 1,
            reason: "expected a hunk header `@@ -a,b +c,d @@`",
        })?;
        if let Some(previous) = patch.hunks.last()
            && (hunk.old.start < previous.old.end || hunk.new.start < previous.new.end)
        {
            return Err(PatchError {
                line: index + 1,
                reason: "hunk overlaps or precedes the previous one",
            });
        }
        parse_body(&mut lines, hunk, &mut patch.changes)?;
        patch.hunks.push(hunk);
    }
    Ok(patch)
}

/// The lines of the text; a final newline ends the last line rather than starting another.
fn patch_lines(text: &str) -> impl Iterator<Item = &str> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    (!text.is_empty()).then(|| text.split('\n')).into_iter().flatten()
}

fn parse_header(line: &str) -> Option<Hunk> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _section) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    Some(Hunk {
        old: parse_header_range(old)?,
        new: parse_header_range(new)?,
    })
}

/// `start,count` or `start` (count 1). A count of 0 names the line *before* the empty range.
fn parse_header_range(text: &str) -> Option<LineRange> {
    let (start, count) = match text.split_once(',') {
        Some((start, count)) => (parse_number(start)?, parse_number(count)?),
        None => (parse_number(text)?, 1),
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

fn parse_number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Which list the last body line went to, so a `\ No newline` marker can find it.
#[derive(Clone, Copy)]
enum LastLine {
    Context,
    Removed,
    Added,
}

/// Reads one hunk's body, exactly as many lines as its header counts, plus any trailing
/// `\ No newline at end of file` marker.
fn parse_body<'a, I>(
    lines: &mut Peekable<I>,
    hunk: Hunk,
    changes: &mut Vec<Change<'a>>,
) -> Result<(), PatchError>
where
    I: Iterator<Item = (usize, &'a str)>,
{
    let (mut old_line, mut new_line) = (hunk.old.start, hunk.new.start);
    let (mut old_left, mut new_left) = (hunk.old.len(), hunk.new.len());
    let mut open: Option<Change<'a>> = None;
    let mut last = LastLine::Context;
    let mut last_index = 0;
    while old_left > 0 || new_left > 0 || lines.peek().is_some_and(|(_, l)| l.starts_with('\\')) {
        let Some((index, line)) = lines.next() else {
            return Err(PatchError {
                line: last_index + 1,
                reason: "hunk is shorter than its header says",
            });
        };
        last_index = index;
        let error = |reason| PatchError { line: index + 1, reason };
        let marker = line.as_bytes().first().copied();
        // Every marker is one ASCII byte, so the text starts right after it.
        let text = line.get(1..).unwrap_or("");
        match marker {
            Some(b' ') | None if old_left > 0 && new_left > 0 => {
                changes.extend(open.take());
                old_left -= 1;
                new_left -= 1;
                old_line += 1;
                new_line += 1;
                last = LastLine::Context;
            }
            Some(b'-') if old_left > 0 => {
                let change = open.get_or_insert_with(|| empty_change(old_line, new_line));
                change.removed.push(Line { text, newline: true });
                old_left -= 1;
                old_line += 1;
                change.old.end = old_line;
                last = LastLine::Removed;
            }
            Some(b'+') if new_left > 0 => {
                let change = open.get_or_insert_with(|| empty_change(old_line, new_line));
                change.added.push(Line { text, newline: true });
                new_left -= 1;
                new_line += 1;
                change.new.end = new_line;
                last = LastLine::Added;
            }
            Some(b'\\') => mark_no_newline(open.as_mut(), last),
            Some(b' ' | b'-' | b'+') | None => return Err(error("more lines than the hunk header says")),
            _ => return Err(error("line does not start with ' ', '-', '+' or '\\'")),
        }
    }
    changes.extend(open);
    Ok(())
}

fn empty_change<'a>(old_line: u32, new_line: u32) -> Change<'a> {
    Change {
        old: LineRange::new(old_line, old_line),
        new: LineRange::new(new_line, new_line),
        removed: Vec::new(),
        added: Vec::new(),
    }
}

fn mark_no_newline(open: Option<&mut Change<'_>>, last: LastLine) {
    let Some(change) = open else { return };
    let line = match last {
        LastLine::Removed => change.removed.last_mut(),
        LastLine::Added => change.added.last_mut(),
        LastLine::Context => None,
    };
    if let Some(line) = line {
        line.newline = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u32, end: u32) -> LineRange {
        LineRange::new(start, end)
    }

    fn texts<'a>(lines: &[Line<'a>]) -> Vec<&'a str> {
        lines.iter().map(|l| l.text).collect()
    }

    #[test]
    fn separates_changed_lines_from_context() {
        let patch = parse_patch(
            "@@ -10,7 +10,7 @@ class A\n a\n b\n-c\n+C\n+C2\n d\n e\n-f\n g",
        )
        .unwrap();
        assert_eq!(patch.hunks, [Hunk { old: range(10, 17), new: range(10, 17) }]);
        let [modified, removed] = &patch.changes[..] else { panic!("{patch:?}") };
        assert_eq!((modified.old, modified.new), (range(12, 13), range(12, 14)));
        assert_eq!(texts(&modified.removed), ["c"]);
        assert_eq!(texts(&modified.added), ["C", "C2"]);
        assert_eq!((removed.old, removed.new), (range(15, 16), range(16, 16)));
    }

    #[test]
    fn a_pure_addition_is_an_insertion_point() {
        let patch = parse_patch("@@ -1,3 +1,5 @@\n+new\n+\n one\n two\n three").unwrap();
        let [insertion] = &patch.changes[..] else { panic!() };
        assert_eq!((insertion.old, insertion.new), (range(1, 1), range(1, 3)));
    }

    #[test]
    fn new_and_removed_files() {
        let added = parse_patch("@@ -0,0 +1,3 @@\n+a\n+b\n+c").unwrap();
        assert_eq!(added.hunks[0].old, range(1, 1));
        assert_eq!(added.changes[0].new, range(1, 4));
        let removed = parse_patch("@@ -1,2 +0,0 @@\n-a\n-b").unwrap();
        assert_eq!((removed.changes[0].old, removed.changes[0].new), (range(1, 3), range(1, 1)));
    }

    #[test]
    fn omitted_counts_mean_one_line() {
        let patch = parse_patch("@@ -5 +5 @@\n-x\n+y").unwrap();
        assert_eq!(patch.hunks[0], Hunk { old: range(5, 6), new: range(5, 6) });
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
        assert!(!change.removed[0].newline);
        assert!(!change.added[0].newline);
        let patch = parse_patch("@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c");
        let change = &patch.unwrap().changes[0];
        assert!(!change.removed[0].newline);
        assert!(change.added.iter().all(|l| l.newline));
    }

    #[test]
    fn several_hunks_in_order() {
        let patch = parse_patch("@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -20,2 +20,3 @@\n x\n+y\n z").unwrap();
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

    /// A small deterministic generator (xorshift64*), enough to garble text.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    const SEEDS: [&str; 4] = [
        "@@ -1,3 +1,7 @@\n+*   Entry\n+\n+    *Author*\n+\n *   Old\n     text\n ",
        "@@ -10,7 +10,7 @@ class A\n a\n b\n-c\n+C\n+C2\n d\n e\n-f\n g\n@@ -40 +40 @@\n-x\n+y",
        "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n\\ No newline at end of file",
        "@@ -0,0 +1,2 @@\n+é\n+ü",
    ];

    const PIECES: [&str; 12] = [
        "@@ -", " +", " @@", ",", "\n", "-", "+", " ", "\\ No newline at end of file", "0",
        "4294967295", "é",
    ];

    fn mutate(rng: &mut Rng, seed: &str) -> String {
        let mut text = seed.to_owned();
        for _ in 0..=rng.below(4) {
            let at = rng.below(text.len() + 1);
            let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
            match rng.below(3) {
                0 => text.insert_str(at, PIECES[rng.below(PIECES.len())]),
                1 => text.truncate(at),
                _ => {
                    let end = (at + rng.below(8)).min(text.len());
                    let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(at);
                    text.replace_range(at..end, "");
                }
            }
        }
        text
    }

    fn garbage(rng: &mut Rng) -> String {
        let bytes: Vec<u8> = (0..rng.below(64)).map(|_| b"@ -+,0123\n\\x"[rng.below(12)]).collect();
        String::from_utf8_lossy(&bytes).into_owned()
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
                    assert_eq!(change.removed.len() as u32, change.old.len(), "{text:?}");
                    assert_eq!(change.added.len() as u32, change.new.len(), "{text:?}");
                }
            }
        }
        assert!(parsed > 100, "the mutations should keep some patches valid");
    }
}
