//! Carrying a PR's changed lines from its merge base to the default branch's head.
//!
//! A PR's patch numbers lines as its merge base has them. The diff from that merge base to
//! the head of the default branch says how the lines moved since: a change of the PR that no
//! change of that diff touches moves by the lines inserted and removed above it. A change it
//! does touch cannot be placed exactly, and unless both made the same edit, git will stop on it
//! when the PR is merged: the PR conflicts with the base there.

use super::LineRange;
use super::files::{ChangedFile, FileStatus};
use super::merge_rule::{SideSpans, Span, collisions};
use super::patch::{Change, parse_changes};
// Randomly seeded like std's, and several times faster on short keys such as paths.
use foldhash::HashMap;

/// GitHub's compare from one merge base to the head of the default branch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BaseDiff {
    /// The compare's files, plus any file fetched at both commits and diffed (see
    /// [`super::fetched_file`]) because the compare stopped listing before it.
    pub files: Vec<ChangedFile>,
    /// Whether the compare listed every changed file (GitHub lists at most 300). When it
    /// did, a file it does not list is unchanged.
    pub complete: bool,
}

/// A base diff's files by the path they had at the merge base (their new path if added).
pub(crate) struct BaseIndex<'a> {
    by_old_path: HashMap<&'a str, &'a ChangedFile>,
    complete: bool,
}

impl<'a> BaseIndex<'a> {
    pub(crate) fn new(diff: &'a BaseDiff) -> Self {
        let by_old_path = diff
            .files
            .iter()
            .map(|file| (file.base_path(), file))
            .collect();
        Self {
            by_old_path,
            complete: diff.complete,
        }
    }

    /// What the diff says about the file at `path` on the merge base.
    pub(crate) fn file(&self, path: &str) -> BaseFile<'a> {
        match self.by_old_path.get(path) {
            Some(file) => BaseFile::Listed(file),
            None if self.complete => BaseFile::Untouched,
            None => BaseFile::PastCap,
        }
    }
}

/// What is known of how the default branch changed one file since a PR's merge base.
#[derive(Debug, Clone, Copy)]
pub(crate) enum BaseFile<'a> {
    /// The merge base is the head itself, or the complete compare does not list the file.
    Untouched,
    Listed(&'a ChangedFile),
    /// The compare stopped listing before reaching the file (GitHub's 300-file cap).
    PastCap,
    /// There is no compare for the merge base (it failed).
    NoCompare,
}

impl<'a> BaseFile<'a> {
    /// Where the file at `path` on the merge base lives on the head, as far as is known.
    pub(crate) fn path_at_head<'p>(&self, path: &'p str) -> Option<&'p str>
    where
        'a: 'p,
    {
        match self {
            BaseFile::Listed(file) => file.new_path(),
            _ => Some(path),
        }
    }

    /// How the default branch changed the file since the merge base.
    pub(crate) fn view(&self) -> BaseView<'a> {
        match self {
            BaseFile::Untouched => BaseView::Known(Vec::new()),
            BaseFile::Listed(file) => listed_view(file),
            BaseFile::PastCap | BaseFile::NoCompare => BaseView::Unknown,
        }
    }
}

/// The default branch's changes to one file since a merge base.
pub(crate) enum BaseView<'a> {
    /// Known exactly; empty when the file did not change (or only moved).
    Known(Vec<Change<'a>>),
    /// Past the compare's cap and not fetched, no patch (binary, too large), or unreadable.
    Unknown,
}

fn listed_view(file: &ChangedFile) -> BaseView<'_> {
    match &file.patch {
        Some(text) => parse_changes(text).map_or(BaseView::Unknown, BaseView::Known),
        None if file.status == FileStatus::Unchanged || is_pure_move(file) => {
            BaseView::Known(Vec::new())
        }
        None => BaseView::Unknown,
    }
}

/// A rename or mode change without a line changed; GitHub sends no patch for it.
pub(crate) fn is_pure_move(file: &ChangedFile) -> bool {
    matches!(file.status, FileStatus::Renamed | FileStatus::Changed)
        && file.additions == 0
        && file.deletions == 0
}

/// Where one change of a PR lies on the default branch's head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placed {
    pub at_head: LineRange,
    /// False when `at_head` is an approximation (the base changed these lines, or how it
    /// changed the file is unknown and `at_head` is the merge base's numbering).
    pub exact: bool,
}

/// How well a PR file's changes could be placed on the head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mapping {
    Exact,
    /// The base changed lines under or next to some of the PR's changes.
    Approximate,
    /// The base's changes to this file are unknown.
    Unknown,
}

/// A PR file's changes, in its merge base's numbering and placed on the head.
#[derive(Debug, Clone)]
pub(crate) struct MappedFile<'a> {
    pub changes: Vec<Change<'a>>,
    /// Where each change lies on the head; empty when the base changed nothing in the file
    /// (the common case, which costs nothing then) or how it did is unknown, and each change
    /// is taken to lie where it was.
    placements: Vec<Placed>,
    pub mapping: Mapping,
    /// Head-side lines of the PR whose changes conflict with the base's.
    pub base_conflicts: Vec<LineRange>,
}

impl MappedFile<'_> {
    /// Where change `i` lies on the head.
    pub(crate) fn placed(&self, i: usize) -> Placed {
        self.placements.get(i).copied().unwrap_or(Placed {
            at_head: self.changes[i].old,
            exact: self.mapping == Mapping::Exact,
        })
    }
}

/// Places a PR file's changes on the head, given the base's changes to the same file.
pub(crate) fn map_to_head<'a>(changes: Vec<Change<'a>>, base: &BaseView<'_>) -> MappedFile<'a> {
    let mapping = match base {
        BaseView::Known(base) if !base.is_empty() => return map_through(changes, base),
        BaseView::Known(_) => Mapping::Exact,
        BaseView::Unknown => Mapping::Unknown,
    };
    MappedFile {
        changes,
        placements: Vec::new(),
        mapping,
        base_conflicts: Vec::new(),
    }
}

fn map_through<'a>(changes: Vec<Change<'a>>, base: &[Change<'_>]) -> MappedFile<'a> {
    let base_conflicts = conflicts_with_base(&changes, base);
    let mut below = 0;
    let mut shift = 0i64;
    let mut previous_start = 0;
    let placements: Vec<Placed> = changes
        .iter()
        .map(|change| {
            while let Some(b) = base.get(below).filter(|b| b.old.end < change.old.start) {
                shift += i64::from(b.new.len()) - i64::from(b.old.len());
                below += 1;
            }
            let mut at_head = change.old.shifted(shift);
            let mut exact = true;
            for b in base[below..]
                .iter()
                .take_while(|b| b.old.start <= change.old.end)
            {
                at_head = at_head.cover(&b.new);
                exact = false;
            }
            // Approximate places may overlap; keeping their starts in order keeps the
            // changes sorted on the head as well, which the comparison relies on.
            at_head = LineRange::new(at_head.start.max(previous_start), at_head.end);
            previous_start = at_head.start;
            Placed { at_head, exact }
        })
        .collect();
    let mapping = if placements.iter().all(|p| p.exact) {
        Mapping::Exact
    } else {
        Mapping::Approximate
    };
    MappedFile {
        changes,
        placements,
        mapping,
        base_conflicts,
    }
}

/// Head-side lines of the PR's changes that git could not merge with the base's.
fn conflicts_with_base(changes: &[Change<'_>], base: &[Change<'_>]) -> Vec<LineRange> {
    collisions(old_side_spans(changes), old_side_spans(base))
        .into_iter()
        .filter_map(|collision| LineRange::cover_all(changes[collision.a].iter().map(|c| c.new)))
        .collect()
}

fn old_side_spans<'c, 'a>(changes: &'c [Change<'a>]) -> SideSpans<impl Fn(usize) -> Span<'a> + 'c> {
    SideSpans {
        len: changes.len(),
        span: move |i| old_side_span(&changes[i]),
    }
}

/// A change in its own patch's old-side numbering.
pub(crate) fn old_side_span<'a>(change: &Change<'a>) -> Span<'a> {
    Span {
        range: change.old,
        removed: change.removed,
        added: change.added,
        added_len: change.new.len(),
        text_known: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rng::Rng;

    fn file(
        status: FileStatus,
        name: &str,
        previous: Option<&str>,
        patch: Option<&str>,
    ) -> ChangedFile {
        ChangedFile {
            filename: name.into(),
            status,
            previous_filename: previous.map(Into::into),
            additions: 0,
            deletions: 0,
            changes: 0,
            patch: patch.map(Into::into),
        }
    }

    fn changes(patch: &str) -> Vec<Change<'_>> {
        parse_changes(patch).unwrap()
    }

    fn at_head(mapped: &MappedFile) -> Vec<LineRange> {
        (0..mapped.changes.len())
            .map(|i| mapped.placed(i).at_head)
            .collect()
    }

    fn known(patch: &str) -> BaseView<'_> {
        BaseView::Known(changes(patch))
    }

    #[test]
    fn changes_below_base_changes_move_by_their_size() {
        // The base inserted two lines at the top and removed line 30.
        let base =
            known("@@ -1,3 +1,5 @@\n+x\n+y\n a\n b\n c\n@@ -28,5 +30,4 @@\n a\n b\n-c\n d\n e");
        let pr = changes("@@ -10,3 +10,3 @@\n a\n-b\n+B\n c\n@@ -40,3 +40,4 @@\n a\n+new\n b\n c");
        let mapped = map_to_head(pr, &base);
        assert_eq!(mapped.mapping, Mapping::Exact);
        assert!(mapped.base_conflicts.is_empty());
        assert_eq!(
            at_head(&mapped),
            [LineRange::new(13, 14), LineRange::new(42, 42)]
        );
    }

    #[test]
    fn base_changes_under_the_prs_lines_are_base_conflicts() {
        let base = known("@@ -4,3 +4,3 @@\n a\n-b\n+B\n c");
        let pr = changes("@@ -5,3 +5,3 @@\n b\n-c\n+C\n d");
        let mapped = map_to_head(pr, &base);
        assert_eq!(mapped.mapping, Mapping::Approximate);
        assert_eq!(mapped.base_conflicts, [LineRange::new(6, 7)]);
        assert_eq!(at_head(&mapped), [LineRange::new(5, 7)]);
    }

    #[test]
    fn the_same_edit_on_the_base_is_no_conflict_but_is_approximate() {
        let base = known("@@ -4,3 +4,3 @@\n a\n-b\n+B\n c");
        let pr = changes("@@ -4,3 +4,3 @@\n a\n-b\n+B\n c");
        let mapped = map_to_head(pr, &base);
        assert!(mapped.base_conflicts.is_empty());
        assert_eq!(mapped.mapping, Mapping::Approximate);
    }

    #[test]
    fn index_tells_known_from_unknown_files() {
        let capped = BaseDiff {
            files: vec![
                file(
                    FileStatus::Modified,
                    "a.rb",
                    None,
                    Some("@@ -1 +1 @@\n-a\n+b"),
                ),
                file(FileStatus::Renamed, "new.rb", Some("old.rb"), None),
                file(FileStatus::Modified, "image.png", None, None),
                file(FileStatus::Unchanged, "fetched.rb", None, None),
            ],
            complete: false,
        };
        let index = BaseIndex::new(&capped);
        let view = |path| index.file(path).view();
        assert!(matches!(view("a.rb"), BaseView::Known(c) if c.len() == 1));
        assert!(matches!(view("old.rb"), BaseView::Known(c) if c.is_empty()));
        assert_eq!(index.file("old.rb").path_at_head("old.rb"), Some("new.rb"));
        assert!(matches!(view("image.png"), BaseView::Unknown));
        assert!(matches!(view("fetched.rb"), BaseView::Known(c) if c.is_empty()));
        assert!(matches!(index.file("elsewhere.rb"), BaseFile::PastCap));
        let complete = BaseDiff {
            complete: true,
            ..capped
        };
        let index = BaseIndex::new(&complete);
        assert!(matches!(index.file("elsewhere.rb"), BaseFile::Untouched));
    }

    /// A text of a few repetitive lines (repetition makes diffs ambiguous, which is the hard
    /// case for placing lines), and a random edit of it.
    fn random_text(rng: &mut Rng) -> Vec<String> {
        (0..rng.below(25))
            .map(|_| format!("line {}", rng.below(6)))
            .collect()
    }

    fn edited(rng: &mut Rng, text: &[String]) -> Vec<String> {
        let mut lines = text.to_vec();
        for _ in 0..=rng.below(3) {
            let at = rng.below(lines.len() + 1);
            match rng.below(3) {
                0 => lines.insert(at, format!("new {}", rng.below(4))),
                1 if at < lines.len() => {
                    lines.remove(at);
                }
                _ if at < lines.len() => lines[at] = format!("changed {}", rng.below(4)),
                _ => {}
            }
        }
        lines
    }

    fn joined(lines: &[String]) -> String {
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    #[test]
    fn exactly_placed_changes_find_their_old_lines_on_the_head() {
        let mut rng = Rng(0x0DDB_1A5E_5BAD_5EED);
        let mut checked = 0;
        for _ in 0..3_000 {
            let merge_base = random_text(&mut rng);
            let head = edited(&mut rng, &merge_base);
            let pr = edited(&mut rng, &merge_base);
            let base_patch = super::super::diff_texts(&joined(&merge_base), &joined(&head));
            let pr_patch = super::super::diff_texts(&joined(&merge_base), &joined(&pr));
            let mapped = map_to_head(changes(&pr_patch), &known(&base_patch));
            for (i, change) in mapped.changes.iter().enumerate() {
                let placed = mapped.placed(i);
                if !placed.exact {
                    continue;
                }
                checked += 1;
                let on_head =
                    head.get(placed.at_head.start as usize - 1..placed.at_head.end as usize - 1);
                let removed: Vec<&str> = change.removed.iter().map(|line| line.text).collect();
                let on_head: Option<Vec<&str>> =
                    on_head.map(|lines| lines.iter().map(String::as_str).collect());
                assert_eq!(on_head, Some(removed), "{pr_patch}\n{base_patch}");
                let before =
                    |text: &[String], line: u32| text.get((line as usize).wrapping_sub(2)).cloned();
                assert_eq!(
                    before(&head, placed.at_head.start),
                    before(&merge_base, change.old.start),
                    "{pr_patch}\n{base_patch}"
                );
            }
        }
        assert!(
            checked > 1_000,
            "only {checked} changes were placed exactly"
        );
    }

    #[test]
    fn unknown_base_keeps_merge_base_numbers_but_says_so() {
        let pr = changes("@@ -5,3 +5,3 @@\n b\n-c\n+C\n d");
        let mapped = map_to_head(pr, &BaseView::Unknown);
        assert_eq!(mapped.mapping, Mapping::Unknown);
        assert_eq!(
            mapped.placed(0),
            Placed {
                at_head: LineRange::new(6, 7),
                exact: false
            }
        );
    }
}
