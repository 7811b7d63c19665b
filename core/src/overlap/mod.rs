//! Which open pull requests change the same files and the same lines.
//!
//! Pure: no I/O, no clock; the same result on any machine, though a large repository's
//! work is split over its cores. The snapshot code fetches what GitHub knows (each PR's changed
//! files as [`ChangedFile`]s, one compare per distinct merge base as a [`BaseDiff`], and the
//! few files [`files_to_fetch`] asks for, diffed with [`fetched_file`]) and [`analyze`] turns
//! it into an [`Analysis`]:
//!
//! - [`Analysis::pairs`]: every pair of PRs that shares a file (renames followed), and per
//!   file ([`FileOverlap`]) its [`Tier`]: [`Tier::Lines`] (changed regions overlap or touch:
//!   git's rule for a textual conflict), [`Tier::Regenerated`] (both change the same lines
//!   of a lock file or another file regenerated rather than merged), [`Tier::NoLineDetail`] (a side has no
//!   patch: may conflict) or [`Tier::File`] (separate regions), with a [`Certainty`] and, for
//!   overlapping lines, the [`Region`]s on the default branch and on each PR's head;
//! - [`Analysis::ownership`]: a PR changes paths of a track bound to another lane;
//! - [`Analysis::prs`]: per PR, the files whose changed lines the default branch itself has
//!   changed since the PR's merge base (the PR already conflicts with the base), and the
//!   files whose lines could not be placed on the default branch.
//!
//! Line numbers are compared in the coordinates of the default branch's head: each PR's
//! changes are carried there through the diff from its merge base. When that cannot be done
//! with confidence the finding says so instead of guessing silently.

mod analysis;
mod compare;
mod coords;
mod engine;
mod files;
mod findings;
mod index;
mod inputs;
mod merge_rule;
mod ownership;
mod parts;
mod patch;
mod query;
mod textdiff;

#[cfg(test)]
mod scenarios;

pub use analysis::{Analysis, PairOverlap};
pub use coords::BaseDiff;
pub use engine::{FILES_KEPT_PER_TIER, FULL_DETAIL_LIMIT, analyze, files_to_fetch};
pub use files::{ChangedFile, FileStatus};
pub use findings::{
    BaseConflict, Certainty, FileOverlap, FileOverlapKind, OwnershipFinding, PrReport, Region,
    Sides, Tier,
};
pub use inputs::{FetchRequest, Inputs, OpenPr, PathRules};
pub use patch::{Change, Hunk, Line, Lines, LinesIter, Patch, PatchError, parse_patch};
pub use query::{Asked, old_lines, question};
pub use textdiff::{diff_texts, fetched_file};

use serde::Serialize;

/// Lines `start..end` of one version of a file: 1-based, end exclusive.
///
/// An empty range (`start == end`) is a point between lines `start - 1` and `start`: where a
/// pure insertion goes in the old version, or where a pure deletion was in the new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineRange {
    pub start: u32,
    pub end: u32,
}

impl LineRange {
    pub fn new(start: u32, end: u32) -> Self {
        Self {
            start,
            end: end.max(start),
        }
    }

    pub fn len(&self) -> u32 {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// Git's rule: two changes conflict when their old ranges overlap or are adjacent, and
    /// an insertion conflicts with a change that starts or ends at its point.
    pub fn touches(&self, other: &LineRange) -> bool {
        self.start <= other.end && other.start <= self.end
    }

    /// The smallest range containing both.
    pub fn cover(&self, other: &LineRange) -> LineRange {
        LineRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The smallest range containing them all; `None` if there are none.
    pub fn cover_all(ranges: impl IntoIterator<Item = LineRange>) -> Option<LineRange> {
        ranges
            .into_iter()
            .reduce(|covered, next| covered.cover(&next))
    }

    /// The first and last line to put an annotation on: the range's lines, or for a point
    /// the line just above it (line 1 at the top of the file).
    pub fn annotation_lines(&self) -> (u32, u32) {
        if self.is_empty() {
            let line = self.start.saturating_sub(1).max(1);
            (line, line)
        } else {
            (self.start, self.end.saturating_sub(1))
        }
    }

    fn shifted(&self, delta: i64) -> LineRange {
        let move_line =
            |line: u32| u32::try_from((i64::from(line) + delta).max(1)).unwrap_or(u32::MAX);
        LineRange::new(move_line(self.start), move_line(self.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn touching_follows_gits_adjacency_rule() {
        let modified = LineRange::new(5, 8);
        assert!(modified.touches(&LineRange::new(7, 9)), "overlap");
        assert!(modified.touches(&LineRange::new(8, 10)), "adjacent after");
        assert!(modified.touches(&LineRange::new(3, 5)), "adjacent before");
        assert!(!modified.touches(&LineRange::new(9, 10)), "one line apart");
        assert!(
            modified.touches(&LineRange::new(8, 8)),
            "insertion at its end"
        );
        assert!(
            modified.touches(&LineRange::new(5, 5)),
            "insertion at its start"
        );
        assert!(
            !modified.touches(&LineRange::new(9, 9)),
            "insertion a line later"
        );
        assert!(
            LineRange::new(4, 4).touches(&LineRange::new(4, 4)),
            "same point"
        );
        assert!(!LineRange::new(4, 4).touches(&LineRange::new(5, 5)));
    }

    #[test]
    fn annotation_lines_of_points_and_ranges() {
        assert_eq!(LineRange::new(3, 6).annotation_lines(), (3, 5));
        assert_eq!(LineRange::new(4, 4).annotation_lines(), (3, 3));
        assert_eq!(LineRange::new(1, 1).annotation_lines(), (1, 1));
    }

    #[test]
    fn shifting_never_leaves_the_file() {
        assert_eq!(LineRange::new(3, 6).shifted(-10), LineRange::new(1, 1));
        assert_eq!(LineRange::new(3, 6).shifted(2), LineRange::new(5, 8));
    }
}
