//! What changed between two commits, in the overlap engine's shape: the same
//! [`ChangedFile`]s the App reads from GitHub's pull request files and compares, built from
//! `git diff` instead.
//!
//! Two calls: `--raw -z` lists the files with their status and paths exactly (no quoting),
//! and the patch gives their hunks. git prints both in the same order, one `diff --git` header
//! per file, so each patch is matched to its file by position and its header never has to be
//! parsed for paths.

use super::error::LocalError;
use super::git::{Git, nul_fields};
use crate::overlap::{ChangedFile, FileStatus};

/// The options that make git's diff the same whatever the user's config says: renames
/// followed as GitHub follows them, three lines of context as GitHub's patches have, and no
/// external or text-converting diff drivers.
const DIFF_OPTIONS: &[&str] = &[
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--find-renames",
    "--unified=3",
    "--inter-hunk-context=0",
];

/// The files changed from `from` to `to`.
pub fn changed_files(git: &Git, from: &str, to: &str) -> Result<Vec<ChangedFile>, LocalError> {
    let mut raw_args = vec!["diff", "--raw", "-z"];
    raw_args.extend_from_slice(DIFF_OPTIONS);
    raw_args.extend_from_slice(&[from, to, "--"]);
    let entries = parse_raw(&git.run(&raw_args)?);
    let mut patch_args = vec!["diff", "--patch"];
    patch_args.extend_from_slice(DIFF_OPTIONS);
    patch_args.extend_from_slice(&[from, to, "--"]);
    let patches = split_patches(&git.run(&patch_args)?);
    if patches.len() != entries.len() {
        return Err(LocalError::Git {
            command: format!("git diff {from} {to}"),
            message: format!(
                "listed {} files but gave {} patches",
                entries.len(),
                patches.len()
            ),
        });
    }
    Ok(entries
        .into_iter()
        .zip(patches)
        .map(|(entry, patch)| entry.into_file(patch))
        .collect())
}

/// One file of `git diff --raw -z`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RawEntry {
    status: FileStatus,
    path: String,
    previous: Option<String>,
}

impl RawEntry {
    fn into_file(self, patch: Option<String>) -> ChangedFile {
        let (additions, deletions) = patch.as_deref().map_or((0, 0), count_lines);
        ChangedFile {
            filename: self.path,
            status: self.status,
            previous_filename: self.previous,
            additions,
            deletions,
            changes: additions + deletions,
            patch,
        }
    }
}

/// `:100644 100644 abc def M\0path\0` and, for renames and copies, `R087\0old\0new\0`.
fn parse_raw(out: &[u8]) -> Vec<RawEntry> {
    let mut fields = nul_fields(out);
    let mut entries = Vec::new();
    while let Some(header) = fields.next() {
        let Some(letter) = header
            .split_whitespace()
            .last()
            .and_then(|s| s.chars().next())
        else {
            continue;
        };
        let status = match letter {
            'A' => FileStatus::Added,
            'M' => FileStatus::Modified,
            'D' => FileStatus::Removed,
            'R' => FileStatus::Renamed,
            'C' => FileStatus::Copied,
            'T' => FileStatus::Changed,
            _ => FileStatus::Unknown,
        };
        let Some(first) = fields.next() else { break };
        let entry = if matches!(letter, 'R' | 'C') {
            let Some(second) = fields.next() else { break };
            RawEntry {
                status,
                path: second,
                previous: Some(first),
            }
        } else {
            RawEntry {
                status,
                path: first,
                previous: None,
            }
        };
        entries.push(entry);
    }
    entries
}

/// Each file's hunks from a multi-file patch, from the first `@@` line on as GitHub gives
/// them; `None` for a file without hunks (binary, a pure rename, a mode change).
fn split_patches(out: &[u8]) -> Vec<Option<String>> {
    let text = String::from_utf8_lossy(out);
    let mut patches: Vec<Option<String>> = Vec::new();
    let mut hunks: Option<String> = None;
    let mut in_file = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("diff --git ") {
            if in_file {
                patches.push(hunks.take().map(trim_newline));
            }
            in_file = true;
            continue;
        }
        match &mut hunks {
            Some(body) => body.push_str(line),
            None if line.starts_with("@@") => hunks = Some(line.to_owned()),
            None => {}
        }
    }
    if in_file {
        patches.push(hunks.map(trim_newline));
    }
    patches
}

fn trim_newline(mut text: String) -> String {
    if text.ends_with('\n') {
        text.pop();
    }
    text
}

/// Lines added and removed by a patch.
fn count_lines(patch: &str) -> (u64, u64) {
    patch
        .lines()
        .filter(|line| !line.starts_with("@@"))
        .fold((0, 0), |(add, del), line| match line.as_bytes().first() {
            Some(b'+') => (add + 1, del),
            Some(b'-') => (add, del + 1),
            _ => (add, del),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_entries_keep_exact_paths_and_follow_renames() {
        let out = b":100644 100644 de98044 797be14 R066\0old name.txt\0new\tname.txt\0\
                    :000000 100644 0000000 e69de29 A\0added\0:100644 000000 e69de29 0000000 D\0gone\0";
        let entries = parse_raw(out);
        assert_eq!(
            entries,
            [
                RawEntry {
                    status: FileStatus::Renamed,
                    path: "new\tname.txt".into(),
                    previous: Some("old name.txt".into()),
                },
                RawEntry {
                    status: FileStatus::Added,
                    path: "added".into(),
                    previous: None,
                },
                RawEntry {
                    status: FileStatus::Removed,
                    path: "gone".into(),
                    previous: None,
                },
            ]
        );
    }

    #[test]
    fn patches_split_per_file_from_their_first_hunk() {
        let out = b"diff --git a/f b/g\nsimilarity index 66%\nrename from f\nrename to g\n\
                    index de98044..797be14 100644\n--- a/f\n+++ b/g\n@@ -1,3 +1,3 @@\n a\n-b\n+Y\n c\n\
                    diff --git a/bin b/bin\nindex 1..2 100644\nBinary files a/bin and b/bin differ\n\
                    diff --git a/m b/m\nold mode 100644\nnew mode 100755\n";
        let patches = split_patches(out);
        assert_eq!(
            patches,
            [
                Some("@@ -1,3 +1,3 @@\n a\n-b\n+Y\n c".to_owned()),
                None,
                None
            ]
        );
        assert_eq!(count_lines(patches[0].as_deref().unwrap()), (1, 1));
    }

    #[test]
    fn a_line_that_looks_like_a_header_inside_a_hunk_is_content() {
        let out = b"diff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1 @@\n-diff --git x\n+y\n";
        assert_eq!(
            split_patches(out),
            [Some("@@ -1 +1 @@\n-diff --git x\n+y".to_owned())]
        );
    }
}
