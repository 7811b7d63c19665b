//! What changed between two commits, in the overlap engine's shape: the same
//! [`ChangedFile`]s the App reads from GitHub's pull request files and compares, built from
//! `git diff` instead.
//!
//! Two calls with the same options: `--raw -z` lists the files with their status and exact
//! paths (no quoting), and `--patch` gives their hunks. git prints both in the same order, one
//! `diff --git` header per file (two for a file that became a symlink or stopped being one),
//! so each patch is matched to its file by position and its header never has to be parsed
//! for paths.

use super::error::LocalError;
use super::git::{Git, nul_fields};
use crate::overlap::{ChangedFile, FileStatus};
use std::collections::BTreeSet;

/// The options that make git's diff the same whatever the user's config says: no external
/// or text-converting diff drivers, no order file, paths from the top of the repository.
const DIFF_OPTIONS: &[&str] = &[
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "-O/dev/null",
];

/// What only the patch call takes: three lines of context as GitHub's patches have (any
/// `--unified` makes git print patches, so never in the raw call), and submodules as one
/// line each, never their log.
const PATCH_OPTIONS: &[&str] = &[
    "--patch",
    "--unified=3",
    "--inter-hunk-context=0",
    "--submodule=short",
];

/// Beyond this many paths, a diff is asked for whole rather than path by path, so that the
/// command line stays far below the system's limit.
const MAX_PATHSPECS: usize = 1000;

/// Whether git pairs a removed file with an added one as a rename. Renames are followed as
/// GitHub follows them, but finding them is most of the time of a large diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Renames {
    Find,
    Skip,
}

impl Renames {
    fn option(self) -> &'static str {
        match self {
            Renames::Find => "--find-renames",
            Renames::Skip => "--no-renames",
        }
    }
}

/// The files changed from `from` to `to`, renames followed, each with its hunks.
pub fn changed_files(git: &Git, from: &str, to: &str) -> Result<Vec<ChangedFile>, LocalError> {
    with_patches(git, Sides::commits(from, to), Renames::Find, None)
}

/// The files changed from `from` to `to` within `pathspecs` (git's pathspecs, magic
/// included), renames among them followed, each with its hunks.
pub fn changed_files_in(
    git: &Git,
    from: &str,
    to: &str,
    pathspecs: &[String],
) -> Result<Vec<ChangedFile>, LocalError> {
    if pathspecs.len() > MAX_PATHSPECS {
        return changed_files(git, from, to);
    }
    with_patches(
        git,
        Sides::commits(from, to),
        Renames::Find,
        Some(pathspecs),
    )
}

/// For each pair `(from, to)` of commits, whether anything within `pathspecs` changed from
/// one to the other: one `git diff-tree --stdin` for them all, so that the many pairs that
/// change none of the paths cost no process of their own.
pub fn any_changed(
    git: &Git,
    pairs: &[(&str, &str)],
    pathspecs: &[String],
) -> Result<Vec<bool>, LocalError> {
    if pairs.is_empty() || pathspecs.len() > MAX_PATHSPECS {
        return Ok(vec![true; pairs.len()]);
    }
    let input: String = pairs
        .iter()
        .map(|(from, to)| format!("{to} {from}\n"))
        .collect();
    let mut args: Vec<&str> = vec![
        "diff-tree",
        "--stdin",
        "--always",
        "-r",
        "--no-renames",
        "--name-only",
        "-z",
        "--",
    ];
    args.extend(pathspecs.iter().map(String::as_str));
    let out = git.run_with_input(&args, input.as_bytes())?;
    Ok(changed_sections(&out, pairs))
}

/// `diff-tree --stdin --always --name-only -z` output: each pair's section starts with the
/// commit it diffs to, then the paths that changed.
fn changed_sections(out: &[u8], pairs: &[(&str, &str)]) -> Vec<bool> {
    let mut changed = vec![false; pairs.len()];
    let mut at: Option<usize> = None;
    for field in nul_fields(out) {
        let next = at.map_or(0, |at| at + 1);
        if pairs.get(next).is_some_and(|(_, to)| *to == field) {
            at = Some(next);
        } else if let Some(at) = at {
            changed[at] = true;
        }
    }
    changed
}

/// The files changed from `from` to the index `git` is given, within `pathspecs`, renames
/// among them followed, each with its hunks.
pub fn changed_files_to_index(
    git: &Git,
    from: &str,
    pathspecs: &[String],
) -> Result<Vec<ChangedFile>, LocalError> {
    let sides = Sides { from, to: None };
    with_patches(git, sides, Renames::Find, Some(pathspecs))
}

/// The files changed from `from` to `to` that touch `paths` (by their path or the path they
/// were renamed from), each with its hunks: the default branch's changes since a merge
/// base, which only matter for the files the branches on that merge base change. The whole
/// tree is listed without looking for renames, which is quick however old `from` is; renames
/// are looked for only when a file of `paths` is gone, and hunks read only for `paths`.
pub fn changed_files_touching(
    git: &Git,
    from: &str,
    to: &str,
    paths: &BTreeSet<&str>,
) -> Result<Vec<ChangedFile>, LocalError> {
    let sides = Sides::commits(from, to);
    let listed = raw_entries(git, sides, Renames::Skip, None)?;
    let renames = if listed
        .iter()
        .any(|entry| entry.status == FileStatus::Removed && paths.contains(entry.path.as_str()))
    {
        Renames::Find
    } else {
        Renames::Skip
    };
    let listed = match renames {
        Renames::Find => raw_entries(git, sides, renames, None)?,
        Renames::Skip => listed,
    };
    let touches = |entry: &RawEntry| {
        paths.contains(entry.path.as_str())
            || entry
                .previous
                .as_deref()
                .is_some_and(|previous| paths.contains(previous))
    };
    let wanted: BTreeSet<&str> = listed
        .iter()
        .filter(|entry| touches(entry))
        .flat_map(|entry| std::iter::once(entry.path.as_str()).chain(entry.previous.as_deref()))
        .collect();
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let pathspecs: Vec<String> = wanted
        .iter()
        .map(|path| format!(":(literal){path}"))
        .collect();
    let limit = (pathspecs.len() <= MAX_PATHSPECS).then_some(pathspecs.as_slice());
    let files = with_patches(git, sides, renames, limit)?;
    Ok(files
        .into_iter()
        .filter(|file| {
            paths.contains(file.filename.as_str())
                || file
                    .previous_filename
                    .as_deref()
                    .is_some_and(|previous| paths.contains(previous))
        })
        .collect())
}

/// What a diff compares: two commits, or a commit and the index git is given.
#[derive(Debug, Clone, Copy)]
struct Sides<'a> {
    from: &'a str,
    /// `None`: the index.
    to: Option<&'a str>,
}

impl<'a> Sides<'a> {
    fn commits(from: &'a str, to: &'a str) -> Self {
        Sides { from, to: Some(to) }
    }

    fn args(&self) -> Vec<&'a str> {
        match self.to {
            Some(to) => vec![self.from, to],
            None => vec!["--cached", self.from],
        }
    }

    fn named(&self) -> String {
        format!("git diff {}", self.args().join(" "))
    }
}

/// The raw list and the patches of one diff, matched.
fn with_patches(
    git: &Git,
    sides: Sides<'_>,
    renames: Renames,
    pathspecs: Option<&[String]>,
) -> Result<Vec<ChangedFile>, LocalError> {
    let entries = raw_entries(git, sides, renames, pathspecs)?;
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let mut args: Vec<&str> = vec!["diff"];
    args.extend_from_slice(PATCH_OPTIONS);
    args.extend_from_slice(DIFF_OPTIONS);
    args.push(renames.option());
    args.extend(sides.args());
    args.push("--");
    args.extend(pathspecs.unwrap_or_default().iter().map(String::as_str));
    let sections = split_patches(&git.run(&args).map_err(|e| shorter(e, sides))?);
    match_patches(entries, sections).map_err(|(listed, patched)| LocalError::Git {
        command: sides.named(),
        message: format!("listed {listed} files but gave {patched} patches"),
    })
}

fn raw_entries(
    git: &Git,
    sides: Sides<'_>,
    renames: Renames,
    pathspecs: Option<&[String]>,
) -> Result<Vec<RawEntry>, LocalError> {
    let mut args: Vec<&str> = vec!["diff", "--raw", "-z"];
    args.extend_from_slice(DIFF_OPTIONS);
    args.push(renames.option());
    args.extend(sides.args());
    args.push("--");
    args.extend(pathspecs.unwrap_or_default().iter().map(String::as_str));
    parse_raw(&git.run(&args).map_err(|e| shorter(e, sides))?).map_err(|field| LocalError::Git {
        command: format!("git diff --raw {}", sides.args().join(" ")),
        message: format!("cannot read `{field}` as a file's status"),
    })
}

/// git's error named by the sides compared rather than by every option.
fn shorter(error: LocalError, sides: Sides<'_>) -> LocalError {
    match error {
        LocalError::Git { message, .. } => LocalError::Git {
            command: sides.named(),
            message,
        },
        other => other,
    }
}

/// Each entry with its patch: one section per entry, two for a type change (git shows it as
/// a removal and an addition), which has no line detail. `Err((entries, sections))` when the
/// two calls do not match.
fn match_patches(
    entries: Vec<RawEntry>,
    sections: Vec<Option<String>>,
) -> Result<Vec<ChangedFile>, (usize, usize)> {
    let expected: usize = entries
        .iter()
        .map(|entry| 1 + usize::from(entry.status == FileStatus::Changed))
        .sum();
    if expected != sections.len() {
        return Err((entries.len(), sections.len()));
    }
    let mut sections = sections.into_iter();
    Ok(entries
        .into_iter()
        .map(|entry| {
            let patch = sections.next().flatten();
            if entry.status == FileStatus::Changed {
                sections.next();
                return entry.into_file(None);
            }
            entry.into_file(patch)
        })
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
/// `Err(field)` for a field where a status was due and something else stands.
fn parse_raw(out: &[u8]) -> Result<Vec<RawEntry>, String> {
    let mut fields = nul_fields(out);
    let mut entries = Vec::new();
    while let Some(header) = fields.next() {
        let letter = header
            .strip_prefix(':')
            .and_then(|rest| rest.split_whitespace().last())
            .and_then(|status| status.chars().next())
            .ok_or_else(|| header.clone())?;
        let status = match letter {
            'A' => FileStatus::Added,
            'M' => FileStatus::Modified,
            'D' => FileStatus::Removed,
            'R' => FileStatus::Renamed,
            'C' => FileStatus::Copied,
            'T' => FileStatus::Changed,
            _ => FileStatus::Unknown,
        };
        let first = fields.next().ok_or_else(|| header.clone())?;
        let entry = if matches!(letter, 'R' | 'C') {
            let second = fields.next().ok_or_else(|| header.clone())?;
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
    Ok(entries)
}

/// Each file's hunks from a multi-file patch, from the first `@@` line on as GitHub gives
/// them; `None` for a file without line detail: no hunks (binary, a pure rename, a mode
/// change) or a NUL byte in them (a file git took for text that is not quite text).
fn split_patches(out: &[u8]) -> Vec<Option<String>> {
    // Each file's section as (where its first hunk starts, where the section ends).
    let mut sections: Vec<(Option<usize>, usize)> = Vec::new();
    let mut in_file = false;
    let mut hunks_at: Option<usize> = None;
    let mut at = 0;
    while at < out.len() {
        let end = out[at..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(out.len(), |n| at + n + 1);
        let line = &out[at..end];
        // Every line of a hunk starts with a space, '+', '-' or a backslash: a header line
        // is never content.
        if line.starts_with(b"diff --git ") {
            if in_file {
                sections.push((hunks_at, at));
            }
            in_file = true;
            hunks_at = None;
        } else if in_file && hunks_at.is_none() && line.starts_with(b"@@") {
            hunks_at = Some(at);
        }
        at = end;
    }
    if in_file {
        sections.push((hunks_at, out.len()));
    }
    sections
        .into_iter()
        .map(|(start, end)| {
            let hunks = &out[start?..end];
            if hunks.contains(&0) {
                return None;
            }
            let text = String::from_utf8_lossy(hunks);
            Some(text.strip_suffix('\n').unwrap_or(&text).to_owned())
        })
        .collect()
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
    fn each_pair_of_a_batch_says_whether_it_changed_anything() {
        let (a, b) = ("a".repeat(40), "b".repeat(40));
        let pairs = [("x", a.as_str()), ("y", a.as_str()), ("z", b.as_str())];
        let out = format!("{a}\0{a}\0go.mod\0src/a.rs\0{b}\0");
        assert_eq!(
            changed_sections(out.as_bytes(), &pairs),
            [false, true, false]
        );
    }

    #[test]
    fn raw_entries_keep_exact_paths_and_follow_renames() {
        let out = b":100644 100644 de98044 797be14 R066\0old name.txt\0new\tname.txt\0\
                    :000000 100644 0000000 e69de29 A\0added\0:100644 000000 e69de29 0000000 D\0gone\0";
        let entries = parse_raw(out).unwrap();
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
    fn a_raw_list_with_a_patch_in_it_is_refused_rather_than_misread() {
        let out =
            b":100644 100644 de98044 797be14 M\0f\0\ndiff --git a/f b/f\n@@ -1 +1 @@\n-a\n+b\n";
        assert!(parse_raw(out).is_err());
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

    #[test]
    fn a_patch_with_a_nul_byte_has_no_line_detail_and_its_neighbours_keep_theirs() {
        let out =
            b"diff --git a/pb b/pb2\nrename from pb\nrename to pb2\n@@ -1 +1 @@\n-a\0b\n+c\0\n\
                    diff --git a/f b/f\n@@ -1 +1 @@\n-x\n+y\n";
        assert_eq!(
            split_patches(out),
            [None, Some("@@ -1 +1 @@\n-x\n+y".to_owned())]
        );
    }

    #[test]
    fn a_type_change_takes_two_patches_and_keeps_no_line_detail() {
        let entry = |status, path: &str| RawEntry {
            status,
            path: path.into(),
            previous: None,
        };
        let entries = vec![
            entry(FileStatus::Changed, "link"),
            entry(FileStatus::Modified, "f"),
        ];
        let sections = vec![
            Some("@@ -1 +0,0 @@\n-a".to_owned()),
            Some("@@ -0,0 +1 @@\n+target".to_owned()),
            Some("@@ -1 +1 @@\n-x\n+y".to_owned()),
        ];
        let files = match_patches(entries.clone(), sections.clone()).unwrap();
        assert_eq!(files[0].patch, None);
        assert_eq!(files[1].patch.as_deref(), Some("@@ -1 +1 @@\n-x\n+y"));
        assert_eq!(
            match_patches(entries, sections[..2].to_vec()).err(),
            Some((2, 2))
        );
    }
}
