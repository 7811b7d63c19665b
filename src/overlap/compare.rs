//! Classifying one file that two PRs both change.

use super::coords::{MappedChange, MappedFile, Mapping, old_side_span};
use super::files::ChangedFile;
use super::findings::{Certainty, FileOverlap, FileOverlapKind, Region};
use super::merge_rule::{Span, collisions};
use super::LineRange;
use crate::ids::PrNumber;

/// Where a PR file's old lines come from: a file of its merge base (named by its path on the
/// default branch's head), or nowhere because the PR adds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Origin<'a> {
    Existing(&'a str),
    Added(&'a str),
}

impl<'a> Origin<'a> {
    pub(crate) fn path(&self) -> &'a str {
        match self {
            Origin::Existing(path) | Origin::Added(path) => path,
        }
    }
}

/// One PR's side of a shared file. Merge bases and origins come as small ids, equal when
/// the things they stand for are: this comparison runs once per file pair.
pub(crate) struct Side<'r, 'a> {
    pub number: PrNumber,
    pub merge_base: u32,
    pub file: &'a ChangedFile,
    pub origin: Origin<'a>,
    pub origin_id: u32,
    /// `None` when the file has no usable patch.
    pub lines: Option<&'r MappedFile<'a>>,
}

type Verdict = (FileOverlapKind, Certainty, Vec<Region>);

pub(crate) fn compare_files<'a>(a: &Side<'_, 'a>, b: &Side<'_, 'a>) -> FileOverlap<'a> {
    let (kind, certainty, regions) = if a.origin_id != b.origin_id {
        different_files(a.file, b.file)
    } else if renamed_apart(a.file, b.file) {
        (FileOverlapKind::PathClash, Certainty::Exact, Vec::new())
    } else {
        match (a.lines, b.lines) {
            (Some(lines_a), Some(lines_b)) => compare_lines(a, lines_a, b, lines_b),
            _ => {
                let without_patch = [a, b].iter().filter(|s| s.lines.is_none()).map(|s| s.number).collect();
                (FileOverlapKind::NoLineDetail, Certainty::FileLevel { without_patch }, Vec::new())
            }
        }
    };
    FileOverlap {
        path: a.origin.path(),
        path_in_a: &a.file.filename,
        path_in_b: &b.file.filename,
        kind,
        certainty,
        regions,
    }
}

/// Two different files sharing a path name: a clash when both end up at that path.
fn different_files(a: &ChangedFile, b: &ChangedFile) -> Verdict {
    let kind = if a.new_path().is_some() && a.new_path() == b.new_path() {
        FileOverlapKind::PathClash
    } else {
        FileOverlapKind::SeparateRegions
    };
    (kind, Certainty::Exact, Vec::new())
}

/// Both move one file, to different places (or one moves what the other deletes).
fn renamed_apart(a: &ChangedFile, b: &ChangedFile) -> bool {
    (a.is_rename() || b.is_rename()) && a.new_path() != b.new_path()
}

/// Compares the changed lines: in the merge base's numbering when both PRs share it (exact
/// whatever the default branch did since), otherwise on the default branch's head.
fn compare_lines(a: &Side, lines_a: &MappedFile, b: &Side, lines_b: &MappedFile) -> Verdict {
    let same_base = a.merge_base == b.merge_base;
    let (changes_a, changes_b) = (&lines_a.changes, &lines_b.changes);
    let found = if same_base {
        collisions(changes_a, changes_b, |c| old_side_span(&c.change))
    } else {
        collisions(changes_a, changes_b, head_span)
    };
    let regions: Vec<Region> = found
        .into_iter()
        .filter_map(|c| region(&changes_a[c.a], &changes_b[c.b]))
        .collect();
    let unmapped: Vec<PrNumber> = [(a, lines_a), (b, lines_b)]
        .into_iter()
        .filter(|(_, lines)| !same_base && lines.mapping != Mapping::Exact)
        .map(|(side, _)| side.number)
        .collect();
    let certainty = if unmapped.is_empty() {
        Certainty::Exact
    } else {
        Certainty::Uncertain { unmapped }
    };
    let kind = if regions.is_empty() {
        FileOverlapKind::SeparateRegions
    } else {
        FileOverlapKind::SameLines
    };
    (kind, certainty, regions)
}

/// A change placed on the default branch's head; its text only lines up if placed exactly.
fn head_span<'s, 'a>(change: &'s MappedChange<'a>) -> Span<'s, 'a> {
    Span {
        range: change.at_head,
        removed: &change.change.removed,
        added: &change.change.added,
        text_known: change.exact,
    }
}

/// The region where changes of both sides meet; `None` if a side has none there.
fn region(a: &[MappedChange], b: &[MappedChange]) -> Option<Region> {
    let all_exact = a.iter().chain(b).all(|c| c.exact);
    Some(Region {
        base: all_exact
            .then(|| cover(a.iter().chain(b).map(|c| c.at_head)))
            .flatten(),
        a_lines: cover(a.iter().map(|c| c.change.new))?,
        b_lines: cover(b.iter().map(|c| c.change.new))?,
    })
}

fn cover(ranges: impl Iterator<Item = LineRange>) -> Option<LineRange> {
    ranges.reduce(|covered, next| covered.cover(&next))
}
