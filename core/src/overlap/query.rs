//! A question put to the engine: "would changing these lines meet what the others change?"
//!
//! The lines are asked in the asking side's own version of each file (the one its author
//! sees). They are carried back to its merge base through its own changes, and the question
//! becomes one more open PR there, which changes exactly those lines; the engine then
//! judges it against the others as it judges any two PRs, carrying every side to the
//! default branch's head.

use super::LineRange;
use super::files::{ChangedFile, FileStatus};
use super::inputs::OpenPr;
use super::patch::{Change, parse_patch};
use crate::ids::{PrNumber, Sha};

/// What the question's lines turn into: no side ever writes this line, so the engine never
/// takes the question's change and another's for the same edit.
const ASKED_LINE: &str = "switchyard: the lines asked about";

/// One file asked about, by line.
#[derive(Debug, Clone, Copy)]
pub struct Asked<'a> {
    /// Its path in the asking side's version.
    pub path: &'a str,
    /// Lines of the asking side's version; not empty.
    pub lines: &'a [LineRange],
    /// The asking side's own change to the file since its merge base, if it made one.
    pub own: Option<&'a ChangedFile>,
}

/// The lines of the old version that lines `asked` of the new version stand on: a line the
/// changes left alone moves by the lines inserted and removed above it, and a line a change
/// wrote stands on the lines that change replaced (a point, for an insertion).
pub fn old_lines(changes: &[Change<'_>], asked: LineRange) -> LineRange {
    let last = asked.end.saturating_sub(1).max(asked.start);
    old_range(changes, asked.start).cover(&old_range(changes, last))
}

/// The lines of the old version that line `line` of the new version stands on.
fn old_range(changes: &[Change<'_>], line: u32) -> LineRange {
    let mut shift = 0i64;
    for change in changes {
        if change.new.start <= line && line < change.new.end {
            return change.old;
        }
        if change.new.end > line {
            break;
        }
        shift += i64::from(change.new.len()) - i64::from(change.old.len());
    }
    let old = u32::try_from((i64::from(line) - shift).max(1)).unwrap_or(u32::MAX);
    LineRange::new(old, old.saturating_add(1))
}

/// The question as an open PR numbered `number` on the asking side's merge base: for each
/// file, a change of exactly the lines asked about, where they stand on the merge base. A
/// file the asking side added, or whose lines cannot be carried back (it has no patch), is
/// asked about whole, which meets every change to it.
pub fn question(number: PrNumber, merge_base: &Sha, asked: &[Asked<'_>]) -> OpenPr {
    let files = asked.iter().map(asked_file).collect();
    OpenPr {
        number,
        head_sha: merge_base.clone(),
        merge_base: merge_base.clone(),
        files,
        files_complete: true,
        lane: None,
    }
}

fn asked_file(asked: &Asked<'_>) -> ChangedFile {
    let file = |status, previous: Option<&str>, patch: Option<String>| ChangedFile {
        filename: asked.path.to_owned(),
        status,
        previous_filename: previous.map(str::to_owned),
        additions: 0,
        deletions: 0,
        changes: 0,
        patch,
    };
    let Some(own) = asked.own else {
        return file(
            FileStatus::Modified,
            None,
            Some(patch_of(asked.lines.to_vec())),
        );
    };
    let (status, previous) = match (own.status, own.old_path()) {
        (_, None) => return file(FileStatus::Added, None, None),
        (FileStatus::Renamed, Some(old)) => (FileStatus::Renamed, Some(old)),
        (_, Some(_)) => (FileStatus::Modified, None),
    };
    let old = match own.patch.as_deref().map(parse_patch) {
        Some(Ok(patch)) => asked
            .lines
            .iter()
            .map(|lines| old_lines(&patch.changes, *lines))
            .collect(),
        // A move without a changed line keeps every line where it was.
        None if own.status == FileStatus::Renamed => asked.lines.to_vec(),
        _ => return file(status, previous, None),
    };
    file(status, previous, Some(patch_of(old)))
}

/// A patch replacing each of `ranges` of the old version (a point: inserting there) with as
/// many lines that no side writes.
fn patch_of(mut ranges: Vec<LineRange>) -> String {
    ranges.sort();
    let mut merged: Vec<LineRange> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => *last = last.cover(&range),
            _ => merged.push(range),
        }
    }
    let mut text = String::new();
    let mut inserted = 0u32;
    for range in merged {
        let new_start = range.start + inserted;
        if range.is_empty() {
            text.push_str(&format!(
                "@@ -{},0 +{new_start},1 @@\n+{ASKED_LINE}\n",
                range.start - 1
            ));
            inserted += 1;
        } else {
            let len = range.len();
            text.push_str(&format!(
                "@@ -{},{len} +{new_start},{len} @@\n",
                range.start
            ));
            for _ in 0..len {
                text.push_str("-\n");
            }
            for _ in 0..len {
                text.push_str(&format!("+{ASKED_LINE}\n"));
            }
        }
    }
    text.pop();
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlap::{BaseDiff, PathRules, analyze};
    use std::collections::HashMap;

    fn range(start: u32, end: u32) -> LineRange {
        LineRange::new(start, end)
    }

    /// Lines 3-4 replaced by three lines, line 8 removed, two lines inserted before line 10.
    const OWN: &str =
        "@@ -3,2 +3,3 @@\n-c\n-d\n+C\n+D\n+E\n@@ -8 +8,0 @@\n-h\n@@ -9,0 +10,2 @@\n+x\n+y";

    #[test]
    fn lines_are_carried_back_through_the_askers_own_changes() {
        let patch = parse_patch(OWN).unwrap();
        let old = |start, end| old_lines(&patch.changes, range(start, end));
        assert_eq!(old(1, 3), range(1, 3), "above every change");
        assert_eq!(
            old(4, 5),
            range(3, 5),
            "a written line stands on what it replaced"
        );
        assert_eq!(old(6, 7), range(5, 6), "below: one line more");
        assert_eq!(old(8, 9), range(7, 8));
        assert_eq!(
            old(9, 10),
            range(9, 10),
            "past the removal: as many as before"
        );
        assert_eq!(
            old(10, 11),
            range(10, 10),
            "an inserted line stands on a point"
        );
        assert_eq!(old(12, 13), range(10, 11), "past the insertion");
        assert_eq!(old(2, 13), range(2, 11));
    }

    #[test]
    fn the_question_is_a_patch_of_the_lines_asked_about() {
        assert_eq!(
            patch_of(vec![range(7, 9), range(2, 3), range(8, 10), range(5, 5)]),
            format!(
                "@@ -2,1 +2,1 @@\n-\n+{ASKED_LINE}\n@@ -4,0 +5,1 @@\n+{ASKED_LINE}\n\
                 @@ -7,3 +8,3 @@\n-\n-\n-\n+{ASKED_LINE}\n+{ASKED_LINE}\n+{ASKED_LINE}"
            )
        );
        assert!(parse_patch(&patch_of(vec![range(1, 1), range(1, 4)])).is_ok());
    }

    fn pr(number: u64, files: Vec<ChangedFile>) -> OpenPr {
        OpenPr {
            number: PrNumber(number),
            head_sha: Sha(format!("head{number}")),
            merge_base: Sha("base".into()),
            files,
            files_complete: true,
            lane: None,
        }
    }

    fn modified(path: &str, patch: &str) -> ChangedFile {
        ChangedFile {
            filename: path.into(),
            status: FileStatus::Modified,
            previous_filename: None,
            additions: 1,
            deletions: 1,
            changes: 2,
            patch: Some(patch.into()),
        }
    }

    /// The PRs the engine says the question may conflict with, on `path`.
    fn answer(others: &[OpenPr], asked: &[Asked<'_>]) -> Vec<u64> {
        let base = Sha("base".into());
        let mut prs = others.to_vec();
        prs.push(question(PrNumber(99), &base, asked));
        let base_diffs = HashMap::from([(base.clone(), BaseDiff::default())]);
        let rules = PathRules::default();
        let analysis = analyze(&rules.inputs(&base, &prs, &base_diffs));
        analysis
            .pairs()
            .filter(|pair| pair.b == PrNumber(99) && pair.may_conflict())
            .map(|pair| pair.a.0)
            .collect()
    }

    #[test]
    fn the_engine_says_who_changes_the_lines_asked_about() {
        let others = [
            pr(1, vec![modified("app.txt", "@@ -12 +12 @@\n-l\n+L")]),
            pr(2, vec![modified("app.txt", "@@ -20 +20 @@\n-t\n+T")]),
        ];
        let own = modified("app.txt", OWN);
        // Line 14 of the asker's version is line 12 of the merge base.
        let asked = |lines: &[LineRange], own: Option<&ChangedFile>| {
            answer(
                &others,
                &[Asked {
                    path: "app.txt",
                    lines,
                    own,
                }],
            )
        };
        assert_eq!(asked(&[range(14, 15)], Some(&own)), [1]);
        assert_eq!(
            asked(&[range(14, 15)], None),
            [] as [u64; 0],
            "without its own changes, line 14 is line 14"
        );
        assert_eq!(asked(&[range(1, 3)], Some(&own)), [] as [u64; 0]);
        assert_eq!(asked(&[range(22, 23)], Some(&own)), [2]);
        let added = ChangedFile {
            status: FileStatus::Added,
            ..modified("app.txt", "@@ -0,0 +1 @@\n+new")
        };
        assert_eq!(
            asked(&[range(1, 2)], Some(&added)),
            [1, 2],
            "a file the asker added meets every change to that path"
        );
    }
}
