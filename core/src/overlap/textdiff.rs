//! Diffing two versions of a file ourselves, for files past the compare API's 300-file cap.

use super::files::{ChangedFile, FileStatus};
use similar::TextDiff;

/// Unified diff hunks of `old` → `new` with three lines of context, in the form of GitHub's
/// `patch` field (no file header; `\ No newline at end of file` where it applies).
pub fn diff_texts(old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .to_string()
}

/// The compare entry for `path` built from its contents at the merge base (`old`) and at the
/// head of the default branch (`new`); `None` where the file does not exist. Push it into
/// [`super::BaseDiff::files`].
pub fn fetched_file(path: &str, old: Option<&str>, new: Option<&str>) -> ChangedFile {
    let status = match (old, new) {
        (Some(old), Some(new)) if old == new => FileStatus::Unchanged,
        (None, None) => FileStatus::Unchanged,
        (None, Some(_)) => FileStatus::Added,
        (Some(_), None) => FileStatus::Removed,
        (Some(_), Some(_)) => FileStatus::Modified,
    };
    let patch = Some(diff_texts(old.unwrap_or(""), new.unwrap_or(""))).filter(|p| !p.is_empty());
    let count = |prefix: char| {
        patch.as_deref().map_or(0, |p| {
            p.lines().filter(|l| l.starts_with(prefix)).count() as u64
        })
    };
    let (additions, deletions) = (count('+'), count('-'));
    ChangedFile {
        filename: path.to_owned(),
        status,
        previous_filename: None,
        additions,
        deletions,
        changes: additions + deletions,
        patch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::overlap::{LineRange, parse_patch};

    #[test]
    fn diff_reads_back_as_the_changed_lines() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nC\nd\ne\nf\ng\nh\ni\n";
        let text = diff_texts(old, new);
        let patch = parse_patch(&text).unwrap();
        let olds: Vec<_> = patch.changes.iter().map(|c| c.old).collect();
        assert_eq!(olds, [LineRange::new(3, 4), LineRange::new(9, 9)]);
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let text = diff_texts("a\nb", "a\nc");
        assert!(text.contains("\\ No newline at end of file"), "{text}");
        let patch = parse_patch(&text).unwrap();
        assert!(patch.changes[0].added.iter().all(|line| !line.newline));
    }

    #[test]
    fn fetched_files_get_github_statuses() {
        let added = fetched_file("x", None, Some("a\n"));
        assert_eq!((added.status, added.additions), (FileStatus::Added, 1));
        assert_eq!(added.patch.as_deref(), Some("@@ -0,0 +1 @@\n+a\n"));
        let removed = fetched_file("x", Some("a\nb\n"), None);
        assert_eq!(
            (removed.status, removed.deletions),
            (FileStatus::Removed, 2)
        );
        let same = fetched_file("x", Some("a\n"), Some("a\n"));
        assert_eq!((same.status, same.patch), (FileStatus::Unchanged, None));
        let modified = fetched_file("x", Some("a\n"), Some("b\n"));
        assert_eq!(
            (modified.status, modified.changes),
            (FileStatus::Modified, 2)
        );
    }
}
