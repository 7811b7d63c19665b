//! What the engine finds, in the shape the PR comment, the annotations and the merge order read.

use super::LineRange;
use crate::ids::{PrNumber, Sha};
use serde::Serialize;

/// How close two PRs' changes to one file (or to all their shared files) come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Same file, separate regions.
    File,
    /// Same file, and at least one side has no line detail: a conflict cannot be ruled out,
    /// whatever the other side's lines and whatever the merge bases.
    NoLineDetail,
    /// Both change the same lines of a file that is regenerated rather than merged (a lock
    /// file): GitHub refuses the second merge until it is rebased and the file regenerated.
    Regenerated,
    /// Changed regions overlap or touch, or the file's paths clash: git would stop there.
    Lines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileOverlapKind {
    /// Changed regions overlap or touch and do not end up identical.
    SameLines,
    /// Both rename the file to different paths, one renames what the other deletes, or two
    /// different files land on one path: git reports a conflict whatever the lines.
    PathClash,
    /// Same file, regions git merges cleanly.
    SeparateRegions,
    /// At least one side has no line detail (no patch, or an unreadable one).
    NoLineDetail,
    /// Changed regions of a file that is regenerated rather than merged by hand
    /// (`regenerated_paths`) overlap or touch: regenerate it rather than resolve its lines.
    /// Its regions are not kept: nobody edits a lock file's lines.
    Regenerated,
}

/// How much the finding for one file can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "certainty")]
pub enum Certainty {
    /// Both sides' changed lines were compared in one coordinate system.
    Exact,
    /// Judged at file level: these PRs have no usable patch for the file (binary file,
    /// patch too large, pure rename or mode change, unreadable patch).
    FileLevel { without_patch: Sides },
    /// Line numbers compared, but these PRs' lines could not be placed on the default
    /// branch's head with confidence (its changes since their merge base are unknown, or
    /// touch their lines).
    Uncertain { unmapped: Sides },
}

/// Which PRs of a pair something holds for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sides {
    A,
    B,
    Both,
}

impl Sides {
    /// `None` when it holds for neither.
    pub(crate) fn from_flags(a: bool, b: bool) -> Option<Sides> {
        match (a, b) {
            (true, true) => Some(Sides::Both),
            (true, false) => Some(Sides::A),
            (false, true) => Some(Sides::B),
            (false, false) => None,
        }
    }
}

/// One region where both PRs change the same or adjacent lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Region {
    /// The lines of the default branch's head the region covers, when they are known.
    pub base: Option<LineRange>,
    /// The lines of PR `a`'s head that its changes in the region cover.
    pub a_lines: LineRange,
    /// The lines of PR `b`'s head that its changes in the region cover.
    pub b_lines: LineRange,
}

/// One file two PRs both change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FileOverlap<'r> {
    /// The lower PR number of the two.
    pub a: PrNumber,
    pub b: PrNumber,
    /// The file's path on the default branch (its new path if both PRs add it); for two
    /// different files that end up on one path, that path.
    pub path: &'r str,
    /// The file's path on PR `a`'s head (before the change if `a` deletes it).
    pub path_in_a: &'r str,
    /// The file's path on PR `b`'s head (before the change if `b` deletes it).
    pub path_in_b: &'r str,
    pub kind: FileOverlapKind,
    pub certainty: Certainty,
    /// Where the lines meet; empty unless `kind` is `SameLines`.
    pub regions: &'r [Region],
}

impl FileOverlapKind {
    pub fn tier(self) -> Tier {
        match self {
            FileOverlapKind::SameLines | FileOverlapKind::PathClash => Tier::Lines,
            FileOverlapKind::Regenerated => Tier::Regenerated,
            FileOverlapKind::NoLineDetail => Tier::NoLineDetail,
            FileOverlapKind::SeparateRegions => Tier::File,
        }
    }
}

/// Whether a merge might stop on a file of this kind, known with this certainty: a
/// line-level overlap, a regenerated file, or not enough evidence to rule one out.
pub(crate) fn may_conflict(kind: FileOverlapKind, certainty: Certainty) -> bool {
    kind.tier() != Tier::File || certainty != Certainty::Exact
}

impl FileOverlap<'_> {
    pub fn tier(&self) -> Tier {
        self.kind.tier()
    }

    /// Whether a merge might stop on this file (see [`FileOverlapKind::tier`] and
    /// [`Certainty`]): a line-level overlap, a regenerated file, or not enough evidence to
    /// rule one out.
    pub fn may_conflict(&self) -> bool {
        may_conflict(self.kind, self.certainty)
    }
}

/// A PR changing paths that a track bound to another lane owns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnershipFinding<'a> {
    pub pr: PrNumber,
    /// The PR's own lane, if it is on one.
    pub pr_lane: Option<&'a str>,
    pub track: &'a str,
    /// The lane the track is bound to.
    pub owner_lane: &'a str,
    /// Sorted.
    pub paths: Vec<&'a str>,
}

/// A file where the default branch changed the lines a PR changes since the PR's merge base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseConflict<'a> {
    /// The file's path on the PR's head.
    pub path: &'a str,
    /// The lines of the PR's head involved.
    pub lines: Vec<LineRange>,
}

/// What the engine knows about one PR on its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrReport<'a> {
    pub number: PrNumber,
    pub head_sha: &'a Sha,
    /// False when GitHub's file list stopped at its cap: overlaps in files past it are unseen.
    pub files_complete: bool,
    /// Files where the PR already conflicts with the default branch; sorted by path.
    pub base_conflicts: Vec<BaseConflict<'a>>,
    /// Files whose lines could not be placed on the default branch's head (the default
    /// branch's changes to them are unknown, or touch the PR's lines); sorted.
    pub unmapped_files: Vec<&'a str>,
}
