//! Git's rule for a textual conflict between two sets of changes to the same old file.
//!
//! Like git's three-way merge (xdiff's `xdl_do_merge`), changes of the two sides whose old
//! ranges overlap or are adjacent (an insertion counts as touching a change that starts or
//! ends at its point, and another insertion at the same point) are chained into one region.
//! A region changed by both sides conflicts unless both sides turn it into the same text
//! (git's "zealous" refinement finds nothing to disagree about then).

use super::LineRange;
use super::patch::{Line, Lines, LinesIter};
use std::ops::Range;

/// One change of one side, placed in the coordinates both sides are compared in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span<'a> {
    pub range: LineRange,
    pub removed: Lines<'a>,
    pub added: Lines<'a>,
    /// How many lines `added` holds.
    pub added_len: u32,
    /// False when `range` is only an approximation, so the texts cannot be lined up.
    pub text_known: bool,
}

/// A conflicting region: which changes of each side it chains, and the old lines it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Collision {
    pub a: Range<usize>,
    pub b: Range<usize>,
    pub range: LineRange,
}

/// One side: how many changes it has, and each one's span. Spans come sorted by start.
pub(crate) struct SideSpans<F> {
    pub len: usize,
    pub span: F,
}

/// The conflicting regions between two sides' changes.
pub(crate) fn collisions<'a, A, B>(a: SideSpans<A>, b: SideSpans<B>) -> Vec<Collision>
where
    A: Fn(usize) -> Span<'a>,
    B: Fn(usize) -> Span<'a>,
{
    let mut found = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len && j < b.len {
        let (span_a, span_b) = ((a.span)(i), (b.span)(j));
        if span_a.range.end < span_b.range.start {
            i += 1;
        } else if span_b.range.end < span_a.range.start {
            j += 1;
        } else {
            let collision = chain(&a, &b, i, j);
            (i, j) = (collision.a.end, collision.b.end);
            if !same_result(&a, &b, &collision) {
                found.push(collision);
            }
        }
    }
    found
}

/// Grows a region from two touching changes until no further change of either side touches it.
fn chain<'a, A, B>(a: &SideSpans<A>, b: &SideSpans<B>, i: usize, j: usize) -> Collision
where
    A: Fn(usize) -> Span<'a>,
    B: Fn(usize) -> Span<'a>,
{
    let mut range = (a.span)(i).range.cover(&(b.span)(j).range);
    let (mut a_end, mut b_end) = (i + 1, j + 1);
    let touching =
        |span: Span, range: LineRange| (span.range.start <= range.end).then_some(span.range);
    loop {
        if let Some(next) = (a_end < a.len)
            .then(|| (a.span)(a_end))
            .and_then(|s| touching(s, range))
        {
            range = range.cover(&next);
            a_end += 1;
        } else if let Some(next) = (b_end < b.len)
            .then(|| (b.span)(b_end))
            .and_then(|s| touching(s, range))
        {
            range = range.cover(&next);
            b_end += 1;
        } else {
            return Collision {
                a: i..a_end,
                b: j..b_end,
                range,
            };
        }
    }
}

/// Whether both sides produce the same text over the region. Every old line of a chained
/// region is removed by at least one side, so its text is known from one of the patches.
/// The texts are compared line by line as they are read, never held whole.
fn same_result<'a, A, B>(a: &SideSpans<A>, b: &SideSpans<B>, collision: &Collision) -> bool
where
    A: Fn(usize) -> Span<'a>,
    B: Fn(usize) -> Span<'a>,
{
    let region = collision.range;
    let known = |side: &dyn Fn(usize) -> Span<'a>, changes: &Range<usize>| {
        changes.clone().all(|i| side(i).text_known)
    };
    if !known(&a.span, &collision.a)
        || !known(&b.span, &collision.b)
        || text_len(a, &collision.a, region) != text_len(b, &collision.b, region)
    {
        return false;
    }
    let mut from_a = SideText::new(a, collision.a.clone(), b, collision.b.clone(), region);
    let mut from_b = SideText::new(b, collision.b.clone(), a, collision.a.clone(), region);
    loop {
        match (from_a.next(), from_b.next()) {
            (None, None) => return true,
            (Some(Some(x)), Some(Some(y))) if x == y => {}
            _ => return false,
        }
    }
}

/// How many lines the region has after `mine`: cheap to compare before the texts.
fn text_len<'a, F>(mine: &SideSpans<F>, changes: &Range<usize>, region: LineRange) -> i64
where
    F: Fn(usize) -> Span<'a>,
{
    let replaced: i64 = changes
        .clone()
        .map(&mine.span)
        .map(|s| i64::from(s.added_len) - i64::from(s.range.len()))
        .sum();
    i64::from(region.len()) + replaced
}

/// The region's text after the changes `mine` makes there, line by line, the old lines
/// between them read from the changes of `theirs`; `None` for an old line neither removes.
struct SideText<'s, 'a, M, T> {
    mine: &'s SideSpans<M>,
    changes: Range<usize>,
    theirs: OldLines<'s, 'a, T>,
    /// The old lines `line..gap_end` come next, then the change `then` (or the region's end).
    line: u32,
    gap_end: u32,
    then: Option<Span<'a>>,
    added: Option<LinesIter<'a>>,
    region_end: u32,
    at_end: bool,
}

impl<'s, 'a, M, T> SideText<'s, 'a, M, T>
where
    M: Fn(usize) -> Span<'a>,
    T: Fn(usize) -> Span<'a>,
{
    fn new(
        mine: &'s SideSpans<M>,
        changes: Range<usize>,
        theirs: &'s SideSpans<T>,
        their_changes: Range<usize>,
        region: LineRange,
    ) -> Self {
        let mut text = Self {
            mine,
            changes,
            theirs: OldLines::new(theirs, their_changes),
            line: region.start,
            gap_end: region.start,
            then: None,
            added: None,
            region_end: region.end,
            at_end: false,
        };
        text.next_gap();
        text
    }

    fn next_gap(&mut self) {
        match self.changes.next() {
            Some(i) => {
                let change = (self.mine.span)(i);
                self.gap_end = change.range.start;
                self.then = Some(change);
            }
            None => {
                self.gap_end = self.region_end;
                self.at_end = true;
            }
        }
    }
}

impl<'a, M, T> Iterator for SideText<'_, 'a, M, T>
where
    M: Fn(usize) -> Span<'a>,
    T: Fn(usize) -> Span<'a>,
{
    type Item = Option<Line<'a>>;

    fn next(&mut self) -> Option<Option<Line<'a>>> {
        loop {
            if self.line < self.gap_end {
                let old = self.theirs.line(self.line);
                self.line += 1;
                return Some(old);
            }
            if let Some(change) = self.then.take() {
                self.added = Some(change.added.iter());
                self.line = change.range.end;
            }
            if let Some(line) = self.added.as_mut().and_then(Iterator::next) {
                return Some(Some(line));
            }
            self.added = None;
            if self.at_end {
                return None;
            }
            self.next_gap();
        }
    }
}

/// Old lines read from the changes that remove them, in increasing order: each change's
/// lines are walked once however many gaps ask for them, so a region chaining thousands of
/// changes costs as much as its lines.
struct OldLines<'s, 'a, T> {
    spans: &'s SideSpans<T>,
    changes: Range<usize>,
    /// The old line the change first in `changes` is read at, and its lines from there.
    reading: Option<(u32, LinesIter<'a>)>,
}

impl<'s, 'a, T> OldLines<'s, 'a, T>
where
    T: Fn(usize) -> Span<'a>,
{
    fn new(spans: &'s SideSpans<T>, changes: Range<usize>) -> Self {
        Self {
            spans,
            changes,
            reading: None,
        }
    }

    /// Old line `line`, past every line asked for before; `None` when no change removes it,
    /// or its patch holds fewer lines than its range says.
    fn line(&mut self, line: u32) -> Option<Line<'a>> {
        let span = loop {
            if self.changes.is_empty() {
                return None;
            }
            let span = (self.spans.span)(self.changes.start);
            if span.range.end > line {
                break span;
            }
            self.changes.start += 1;
            self.reading = None;
        };
        if line < span.range.start {
            return None;
        }
        let (next, lines) = self
            .reading
            .get_or_insert_with(|| (span.range.start, span.removed.iter()));
        while *next < line {
            lines.next()?;
            *next += 1;
        }
        *next += 1;
        lines.next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlap::patch::{Change, parse_patch};

    fn changes(patch: &str) -> Vec<Change<'_>> {
        parse_patch(patch).unwrap().changes
    }

    fn spans<'c, 'a>(
        changes: &'c [Change<'a>],
        text_known: bool,
    ) -> SideSpans<impl Fn(usize) -> Span<'a> + 'c> {
        SideSpans {
            len: changes.len(),
            span: move |i: usize| Span {
                range: changes[i].old,
                removed: changes[i].removed,
                added: changes[i].added,
                added_len: changes[i].new.len(),
                text_known,
            },
        }
    }

    fn found(a: &str, b: &str) -> Vec<Collision> {
        let (a, b) = (changes(a), changes(b));
        collisions(spans(&a, true), spans(&b, true))
    }

    fn conflict(a: &str, b: &str) -> bool {
        !found(a, b).is_empty()
    }

    #[test]
    fn overlapping_and_adjacent_changes_conflict() {
        let a = "@@ -5,2 +5 @@\n-e\n-f\n+E";
        assert!(conflict(a, "@@ -6 +6 @@\n-f\n+F"), "overlap");
        assert!(conflict(a, "@@ -7 +7 @@\n-g\n+G"), "adjacent after");
        assert!(conflict(a, "@@ -4 +4 @@\n-d\n+D"), "adjacent before");
        assert!(!conflict(a, "@@ -8 +8 @@\n-h\n+H"), "one line between");
        assert!(conflict(a, "@@ -6,0 +7 @@\n+new"), "insertion right after");
        assert!(
            !conflict(a, "@@ -7,0 +8 @@\n+new"),
            "insertion a line later"
        );
    }

    #[test]
    fn insertions_at_the_same_point_conflict_unless_identical() {
        let a = "@@ -0,0 +1,2 @@\n+* entry A\n+";
        assert!(conflict(a, "@@ -0,0 +1,2 @@\n+* entry B\n+"));
        assert!(!conflict(a, a));
        assert!(!conflict(a, "@@ -1,0 +2 @@\n+* entry B"));
    }

    #[test]
    fn identical_changes_do_not_conflict() {
        let a = "@@ -3,2 +3,2 @@\n-c\n-d\n+C\n+D";
        assert!(!conflict(a, a));
        assert!(conflict(a, "@@ -3,2 +3,2 @@\n-c\n-d\n+C\n+d"));
    }

    #[test]
    fn regions_that_end_up_the_same_do_not_conflict() {
        let a = "@@ -3 +3 @@\n-c\n+C\n@@ -5 +5 @@\n-e\n+E";
        let b = "@@ -3,3 +3,3 @@\n-c\n-d\n-e\n+C\n+d\n+E";
        assert!(!conflict(a, b));
    }

    #[test]
    fn a_newline_at_end_of_file_matters() {
        let a = "@@ -3 +3 @@\n-c\n+C";
        assert!(conflict(
            a,
            "@@ -3 +3 @@\n-c\n+C\n\\ No newline at end of file"
        ));
    }

    #[test]
    fn chains_of_touching_changes_form_one_region() {
        let a = "@@ -2 +2 @@\n-b\n+B\n@@ -4 +4 @@\n-d\n+D";
        let b = "@@ -3 +3 @@\n-c\n+C";
        assert_eq!(
            found(a, b),
            [Collision {
                a: 0..2,
                b: 0..1,
                range: LineRange::new(2, 5)
            }]
        );
    }

    /// A patch over lines `1..=lines` changing those `changes` picks, to `tag`.
    fn every(lines: u32, tag: &str, changes: impl Fn(u32) -> bool) -> String {
        let mut patch = format!("@@ -1,{lines} +1,{lines} @@");
        for line in 1..=lines {
            if changes(line) {
                patch.push_str(&format!("\n-{line}\n+{tag}{line}"));
            } else {
                patch.push_str(&format!("\n {line}"));
            }
        }
        patch
    }

    /// A patch replacing lines `1..=lines` with `tag`ged ones in one change.
    fn all_at_once(lines: u32, tag: &str) -> String {
        let mut patch = format!("@@ -1,{lines} +1,{lines} @@");
        for line in 1..=lines {
            patch.push_str(&format!("\n-{line}"));
        }
        for line in 1..=lines {
            patch.push_str(&format!("\n+{tag}{line}"));
        }
        patch
    }

    #[test]
    fn a_region_chaining_a_hundred_thousand_changes_is_judged_whole() {
        const LINES: u32 = 200_000;
        let whole = |a: &[Change], b: &[Change]| {
            let found = collisions(spans(a, true), spans(b, true));
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].range, LineRange::new(1, LINES + 1));
        };
        let texts = [
            every(LINES, "a", |line| line % 2 == 1),
            every(LINES, "b", |line| line % 2 == 0),
            all_at_once(LINES, "c"),
            every(LINES, "c", |line| line % 2 == 1),
            every(LINES, "c", |line| line % 2 == 0),
        ];
        let [odd, even, all, same_odd, same_even] = texts.each_ref().map(|text| changes(text));
        assert_eq!((odd.len(), even.len(), all.len()), (100_000, 100_000, 1));
        whole(&odd, &even);
        // Every gap between the changes of one side is read from the one change of the other.
        whole(&odd, &all);
        // Both sides make the same edits, one line at a time and all at once: no conflict.
        let mut same_one_by_one = [same_odd, same_even].concat();
        same_one_by_one.sort_by_key(|change| change.old);
        assert!(collisions(spans(&same_one_by_one, true), spans(&all, true)).is_empty());
    }

    #[test]
    fn approximate_spans_always_conflict_when_touching() {
        let a = changes("@@ -3 +3 @@\n-c\n+C");
        assert!(collisions(spans(&a, true), spans(&a, true)).is_empty());
        assert_eq!(collisions(spans(&a, true), spans(&a, false)).len(), 1);
    }
}
