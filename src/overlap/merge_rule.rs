//! Git's rule for a textual conflict between two sets of changes to the same old file.
//!
//! Like git's three-way merge (xdiff's `xdl_do_merge`), changes of the two sides whose old
//! ranges overlap or are adjacent (an insertion counts as touching a change that starts or
//! ends at its point, and another insertion at the same point) are chained into one region.
//! A region changed by both sides conflicts unless both sides turn it into the same text
//! (git's "zealous" refinement finds nothing to disagree about then).

use super::LineRange;
use super::patch::Line;
use std::ops::Range;

/// One change of one side, placed in the coordinates both sides are compared in.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span<'s, 'a> {
    pub range: LineRange,
    pub removed: &'s [Line<'a>],
    pub added: &'s [Line<'a>],
    /// False when `range` is only an approximation, so the texts cannot be lined up.
    pub text_known: bool,
}

/// A conflicting region: which spans of each side it chains, and the old lines it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Collision {
    pub a: Range<usize>,
    pub b: Range<usize>,
    pub range: LineRange,
}

/// The conflicting regions between two sides' changes. Each side is sorted by the start of
/// its spans; `span` places a change in the coordinates both sides are compared in.
pub(crate) fn collisions<'s, 'a: 's, T>(a: &'s [T], b: &'s [T], span: impl Fn(&'s T) -> Span<'s, 'a>) -> Vec<Collision> {
    let mut found = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (span_a, span_b) = (span(&a[i]), span(&b[j]));
        if span_a.range.end < span_b.range.start {
            i += 1;
        } else if span_b.range.end < span_a.range.start {
            j += 1;
        } else {
            let collision = chain(a, b, i, j, &span);
            (i, j) = (collision.a.end, collision.b.end);
            let spans_a: Vec<Span> = a[collision.a.clone()].iter().map(&span).collect();
            let spans_b: Vec<Span> = b[collision.b.clone()].iter().map(&span).collect();
            if !same_result(&spans_a, &spans_b, collision.range) {
                found.push(collision);
            }
        }
    }
    found
}

/// Grows a region from two touching changes until no further change of either side touches it.
fn chain<'s, 'a: 's, T>(a: &'s [T], b: &'s [T], i: usize, j: usize, span: &impl Fn(&'s T) -> Span<'s, 'a>) -> Collision {
    let mut range = span(&a[i]).range.cover(&span(&b[j]).range);
    let (mut a_end, mut b_end) = (i + 1, j + 1);
    loop {
        if let Some(next) = a.get(a_end).map(span).filter(|s| s.range.start <= range.end) {
            range = range.cover(&next.range);
            a_end += 1;
        } else if let Some(next) = b.get(b_end).map(span).filter(|s| s.range.start <= range.end) {
            range = range.cover(&next.range);
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
fn same_result(a: &[Span], b: &[Span], region: LineRange) -> bool {
    if a.iter().chain(b).any(|s| !s.text_known) {
        return false;
    }
    match (side_text(a, b, region), side_text(b, a, region)) {
        (Some(from_a), Some(from_b)) => from_a == from_b,
        _ => false,
    }
}

/// The region's text after `mine`, with untouched old lines taken from `theirs`.
fn side_text<'a>(mine: &[Span<'_, 'a>], theirs: &[Span<'_, 'a>], region: LineRange) -> Option<Vec<Line<'a>>> {
    let mut text = Vec::new();
    let mut line = region.start;
    for span in mine {
        push_old_lines(&mut text, theirs, line, span.range.start)?;
        text.extend_from_slice(span.added);
        line = span.range.end;
    }
    push_old_lines(&mut text, theirs, line, region.end)?;
    Some(text)
}

fn push_old_lines<'a>(text: &mut Vec<Line<'a>>, theirs: &[Span<'_, 'a>], from: u32, to: u32) -> Option<()> {
    for line in from..to {
        let span = theirs.iter().find(|s| s.range.start <= line && line < s.range.end)?;
        text.push(*span.removed.get(usize::try_from(line - span.range.start).ok()?)?);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&'static str]) -> Vec<Line<'static>> {
        texts.iter().map(|text| Line { text, newline: true }).collect()
    }

    struct Owned {
        range: LineRange,
        removed: Vec<Line<'static>>,
        added: Vec<Line<'static>>,
        text_known: bool,
    }

    fn change(start: u32, removed: &[&'static str], added: &[&'static str]) -> Owned {
        Owned {
            range: LineRange::new(start, start + removed.len() as u32),
            removed: lines(removed),
            added: lines(added),
            text_known: true,
        }
    }

    fn span(c: &Owned) -> Span<'_, 'static> {
        Span {
            range: c.range,
            removed: &c.removed,
            added: &c.added,
            text_known: c.text_known,
        }
    }

    fn conflict(a: &[Owned], b: &[Owned]) -> bool {
        !collisions(a, b, span).is_empty()
    }

    #[test]
    fn overlapping_and_adjacent_changes_conflict() {
        let a = [change(5, &["e", "f"], &["E"])];
        assert!(conflict(&a, &[change(6, &["f"], &["F"])]), "overlap");
        assert!(conflict(&a, &[change(7, &["g"], &["G"])]), "adjacent after");
        assert!(conflict(&a, &[change(4, &["d"], &["D"])]), "adjacent before");
        assert!(!conflict(&a, &[change(8, &["h"], &["H"])]), "one line between");
        assert!(conflict(&a, &[change(7, &[], &["new"])]), "insertion right after");
        assert!(!conflict(&a, &[change(8, &[], &["new"])]), "insertion a line later");
    }

    #[test]
    fn insertions_at_the_same_point_conflict_unless_identical() {
        let a = [change(1, &[], &["* entry A", ""])];
        assert!(conflict(&a, &[change(1, &[], &["* entry B", ""])]));
        assert!(!conflict(&a, &[change(1, &[], &["* entry A", ""])]));
        assert!(!conflict(&a, &[change(2, &[], &["* entry B"])]));
    }

    #[test]
    fn identical_changes_do_not_conflict() {
        let a = [change(3, &["c", "d"], &["C", "D"])];
        assert!(!conflict(&a, &[change(3, &["c", "d"], &["C", "D"])]));
        assert!(conflict(&a, &[change(3, &["c", "d"], &["C", "d"])]));
    }

    #[test]
    fn regions_that_end_up_the_same_do_not_conflict() {
        let a = [change(3, &["c"], &["C"]), change(5, &["e"], &["E"])];
        let b = [change(3, &["c", "d", "e"], &["C", "d", "E"])];
        assert!(!conflict(&a, &b));
    }

    #[test]
    fn a_newline_at_end_of_file_matters() {
        let a = [change(3, &["c"], &["C"])];
        let mut b = [change(3, &["c"], &["C"])];
        b[0].added[0].newline = false;
        assert!(conflict(&a, &b));
    }

    #[test]
    fn chains_of_touching_changes_form_one_region() {
        let a = [change(2, &["b"], &["B"]), change(4, &["d"], &["D"])];
        let b = [change(3, &["c"], &["C"])];
        let found = collisions(&a, &b, span);
        assert_eq!(
            found,
            [Collision {
                a: 0..2,
                b: 0..1,
                range: LineRange::new(2, 5)
            }]
        );
    }

    #[test]
    fn approximate_spans_always_conflict_when_touching() {
        let a = [change(3, &["c"], &["C"])];
        let mut b = [change(3, &["c"], &["C"])];
        b[0].text_known = false;
        assert!(conflict(&a, &b));
    }
}
