//! Classifying one file that two PRs both change.

use super::LineRange;
use super::coords::{MappedFile, Mapping, old_side_span};
use super::files::ChangedFile;
use super::findings::{Certainty, FileOverlapKind, Region, Sides};
use super::merge_rule::{SideSpans, Span, collisions};
use std::ops::Range;

/// What comparing one PR's file with another's needs to know about it. Merge bases and
/// origins (the file of the merge base the old lines come from, or the path of a new file)
/// come as small ids, equal when the things they stand for are: the comparison runs once per
/// file pair, so it reads only this.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FileSide<'a> {
    pub merge_base_id: u32,
    pub origin_id: u32,
    /// `None` when the PR deletes the file.
    pub new_path: Option<&'a str>,
    /// Whether the PR moves the file to another path.
    pub renamed: bool,
}

impl<'a> FileSide<'a> {
    pub(crate) fn new(merge_base_id: u32, origin_id: u32, file: &'a ChangedFile) -> Self {
        Self {
            merge_base_id,
            origin_id,
            new_path: file.new_path(),
            renamed: file.is_rename(),
        }
    }
}

/// One PR's side of a shared file: the file, and its changed lines if it has a usable patch.
pub(crate) type Side<'r, 'a> = (&'r FileSide<'a>, Option<&'r MappedFile<'a>>);

/// How two PRs' changes to one file relate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileComparison {
    pub kind: FileOverlapKind,
    pub certainty: Certainty,
    pub regions: Vec<Region>,
}

impl FileComparison {
    /// The finding for a file regenerated rather than merged (a lock file): judged by its
    /// lines like any other, but lines that meet are the lock-file finding, whose advice is
    /// to regenerate the file rather than to resolve its lines. Separate regions and a side
    /// without line detail stay what they are.
    pub(crate) fn for_regenerated_file(self) -> Self {
        if self.kind == FileOverlapKind::SameLines {
            Self {
                kind: FileOverlapKind::Regenerated,
                certainty: self.certainty,
                regions: Vec::new(),
            }
        } else {
            self
        }
    }

    fn exact(kind: FileOverlapKind) -> Self {
        Self {
            kind,
            certainty: Certainty::Exact,
            regions: Vec::new(),
        }
    }
}

pub(crate) fn compare_files((a, lines_a): Side, (b, lines_b): Side) -> FileComparison {
    if a.origin_id != b.origin_id {
        return different_files(a, b);
    }
    if renamed_apart(a, b) {
        return FileComparison::exact(FileOverlapKind::PathClash);
    }
    match (lines_a, lines_b) {
        (Some(lines_a), Some(lines_b)) => compare_lines(a, lines_a, b, lines_b),
        _ => FileComparison {
            kind: FileOverlapKind::NoLineDetail,
            certainty: Sides::from_flags(lines_a.is_none(), lines_b.is_none())
                .map_or(Certainty::Exact, |without_patch| Certainty::FileLevel {
                    without_patch,
                }),
            regions: Vec::new(),
        },
    }
}

/// Two different files sharing a path name: a clash when both end up at that path.
fn different_files(a: &FileSide, b: &FileSide) -> FileComparison {
    FileComparison::exact(if a.new_path.is_some() && a.new_path == b.new_path {
        FileOverlapKind::PathClash
    } else {
        FileOverlapKind::SeparateRegions
    })
}

/// Both move one file to different places, or one moves what the other deletes: git stops
/// whatever the lines. (A move against an edit in place merges: git follows the move.)
fn renamed_apart(a: &FileSide, b: &FileSide) -> bool {
    match (a.renamed, b.renamed) {
        (true, true) => a.new_path != b.new_path,
        (true, false) => b.new_path.is_none(),
        (false, true) => a.new_path.is_none(),
        (false, false) => false,
    }
}

/// Compares the changed lines: in the merge base's numbering when both PRs share it (exact
/// whatever the default branch did since), otherwise on the default branch's head.
fn compare_lines(
    a: &FileSide,
    lines_a: &MappedFile,
    b: &FileSide,
    lines_b: &MappedFile,
) -> FileComparison {
    let same_base = a.merge_base_id == b.merge_base_id;
    let regions: Vec<Region> = collisions(spans(lines_a, same_base), spans(lines_b, same_base))
        .into_iter()
        .filter_map(|c| region(lines_a, c.a, lines_b, c.b))
        .collect();
    let unmapped = |lines: &MappedFile| !same_base && lines.mapping != Mapping::Exact;
    let certainty = Sides::from_flags(unmapped(lines_a), unmapped(lines_b))
        .map_or(Certainty::Exact, |unmapped| Certainty::Uncertain {
            unmapped,
        });
    let kind = if regions.is_empty() {
        FileOverlapKind::SeparateRegions
    } else {
        FileOverlapKind::SameLines
    };
    FileComparison {
        kind,
        certainty,
        regions,
    }
}

/// The file's changes in the numbering they are compared in. On the head, a change's text
/// only lines up with the other side's if it was placed exactly.
fn spans<'r, 'a>(
    lines: &'r MappedFile<'a>,
    same_base: bool,
) -> SideSpans<impl Fn(usize) -> Span<'a> + 'r> {
    SideSpans {
        len: lines.changes.len(),
        span: move |i| {
            let own = old_side_span(&lines.changes[i]);
            if same_base {
                return own;
            }
            let placed = lines.placed(i);
            Span {
                range: placed.at_head,
                text_known: placed.exact,
                ..own
            }
        },
    }
}

/// The region where changes of both sides meet; `None` if a side has none there.
fn region(
    a: &MappedFile,
    in_a: Range<usize>,
    b: &MappedFile,
    in_b: Range<usize>,
) -> Option<Region> {
    let placed = || {
        in_a.clone()
            .map(|i| a.placed(i))
            .chain(in_b.clone().map(|i| b.placed(i)))
    };
    let all_exact = placed().all(|p| p.exact);
    Some(Region {
        base: all_exact
            .then(|| LineRange::cover_all(placed().map(|p| p.at_head)))
            .flatten(),
        a_lines: LineRange::cover_all(in_a.clone().map(|i| a.changes[i].new))?,
        b_lines: LineRange::cover_all(in_b.clone().map(|i| b.changes[i].new))?,
    })
}
