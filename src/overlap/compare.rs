//! Classifying one file that two PRs both change.

use super::coords::{MappedFile, Mapping, old_side_span};
use super::files::ChangedFile;
use super::findings::{Certainty, FileOverlap, FileOverlapKind, Region};
use super::merge_rule::{SideSpans, Span, collisions};
use super::LineRange;
use crate::ids::PrNumber;
use std::ops::Range;

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

/// What comparing one PR's file with another's needs to know about it. Merge bases and
/// origins come as small ids, equal when the things they stand for are: the comparison runs
/// once per file pair, so it reads only this.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileSide<'a> {
    pub number: PrNumber,
    pub merge_base_id: u32,
    pub origin: Origin<'a>,
    pub origin_id: u32,
    /// The file's path on the PR's head (the deleted path if it deletes the file).
    pub filename: &'a str,
    /// `None` when the PR deletes the file.
    pub new_path: Option<&'a str>,
    /// Whether the PR moves the file to another path.
    pub renamed: bool,
}

impl<'a> FileSide<'a> {
    pub(crate) fn new(number: PrNumber, merge_base_id: u32, file: &'a ChangedFile, origin: Origin<'a>, origin_id: u32) -> Self {
        Self {
            number,
            merge_base_id,
            origin,
            origin_id,
            filename: &file.filename,
            new_path: file.new_path(),
            renamed: file.is_rename(),
        }
    }
}

/// One PR's side of a shared file: the file, and its changed lines if it has a usable patch.
pub(crate) type Side<'r, 'a> = (&'r FileSide<'a>, Option<&'r MappedFile<'a>>);

type Verdict = (FileOverlapKind, Certainty, Vec<Region>);

pub(crate) fn compare_files<'a>((a, lines_a): Side<'_, 'a>, (b, lines_b): Side<'_, 'a>) -> FileOverlap<'a> {
    let (kind, certainty, regions) = if a.origin_id != b.origin_id {
        different_files(a, b)
    } else if renamed_apart(a, b) {
        (FileOverlapKind::PathClash, Certainty::Exact, Vec::new())
    } else {
        match (lines_a, lines_b) {
            (Some(lines_a), Some(lines_b)) => compare_lines(a, lines_a, b, lines_b),
            _ => {
                let without_patch = [(a, lines_a), (b, lines_b)]
                    .iter()
                    .filter(|(_, lines)| lines.is_none())
                    .map(|(side, _)| side.number)
                    .collect();
                (FileOverlapKind::NoLineDetail, Certainty::FileLevel { without_patch }, Vec::new())
            }
        }
    };
    FileOverlap {
        a: a.number,
        b: b.number,
        path: a.origin.path(),
        path_in_a: a.filename,
        path_in_b: b.filename,
        kind,
        certainty,
        regions,
    }
}

/// Two different files sharing a path name: a clash when both end up at that path.
fn different_files(a: &FileSide, b: &FileSide) -> Verdict {
    let kind = if a.new_path.is_some() && a.new_path == b.new_path {
        FileOverlapKind::PathClash
    } else {
        FileOverlapKind::SeparateRegions
    };
    (kind, Certainty::Exact, Vec::new())
}

/// Both move one file, to different places (or one moves what the other deletes).
fn renamed_apart(a: &FileSide, b: &FileSide) -> bool {
    (a.renamed || b.renamed) && a.new_path != b.new_path
}

/// Compares the changed lines: in the merge base's numbering when both PRs share it (exact
/// whatever the default branch did since), otherwise on the default branch's head.
fn compare_lines(a: &FileSide, lines_a: &MappedFile, b: &FileSide, lines_b: &MappedFile) -> Verdict {
    let same_base = a.merge_base_id == b.merge_base_id;
    let regions: Vec<Region> = collisions(spans(lines_a, same_base), spans(lines_b, same_base))
        .into_iter()
        .filter_map(|c| region(lines_a, c.a, lines_b, c.b))
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

/// The file's changes in the numbering they are compared in. On the head, a change's text
/// only lines up with the other side's if it was placed exactly.
fn spans<'r, 'a>(lines: &'r MappedFile<'a>, same_base: bool) -> SideSpans<impl Fn(usize) -> Span<'a> + 'r> {
    SideSpans {
        len: lines.changes.len(),
        span: move |i| {
            let change = &lines.changes[i];
            if same_base {
                return old_side_span(change);
            }
            let placed = lines.placed(i);
            Span {
                range: placed.at_head,
                removed: change.removed,
                added: change.added,
                added_len: change.new.len(),
                text_known: placed.exact,
            }
        },
    }
}

/// The region where changes of both sides meet; `None` if a side has none there.
fn region(a: &MappedFile, in_a: Range<usize>, b: &MappedFile, in_b: Range<usize>) -> Option<Region> {
    let placed = || in_a.clone().map(|i| a.placed(i)).chain(in_b.clone().map(|i| b.placed(i)));
    let all_exact = placed().all(|p| p.exact);
    Some(Region {
        base: all_exact.then(|| cover(placed().map(|p| p.at_head))).flatten(),
        a_lines: cover(in_a.clone().map(|i| a.changes[i].new))?,
        b_lines: cover(in_b.clone().map(|i| b.changes[i].new))?,
    })
}

fn cover(ranges: impl Iterator<Item = LineRange>) -> Option<LineRange> {
    ranges.reduce(|covered, next| covered.cover(&next))
}
