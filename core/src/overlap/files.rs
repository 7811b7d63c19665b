//! One changed file, as GitHub's "list pull request files" and compare APIs return it.

use serde::{Deserialize, Serialize};

/// One entry of a PR's (or a compare's) changed files. Unknown fields are ignored, so both
/// GitHub's JSON and the benchmark datasets deserialize into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedFile {
    /// The path after the change.
    pub filename: String,
    pub status: FileStatus,
    /// The path before a rename or copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_filename: Option<String>,
    #[serde(default)]
    pub additions: u64,
    #[serde(default)]
    pub deletions: u64,
    #[serde(default)]
    pub changes: u64,
    /// Unified diff hunks from the first `@@` line; absent for binary files, pure renames,
    /// mode changes and patches GitHub found too large.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Added,
    Modified,
    Removed,
    Renamed,
    Copied,
    /// A type change (file to symlink and back) or mode change.
    Changed,
    Unchanged,
    /// A status this code does not know yet; treated as an opaque change.
    #[serde(other)]
    Unknown,
}

impl ChangedFile {
    /// The path of the file in the old version, if it existed there as this file. A copy
    /// leaves its source untouched, so it counts as a new file.
    pub fn old_path(&self) -> Option<&str> {
        match self.status {
            FileStatus::Added | FileStatus::Copied => None,
            FileStatus::Renamed => {
                Some(self.previous_filename.as_deref().unwrap_or(&self.filename))
            }
            _ => Some(&self.filename),
        }
    }

    /// The path a diff of the old version against another version lists the file under:
    /// its old path, or its new one if it is added.
    pub fn base_path(&self) -> &str {
        self.old_path().unwrap_or(&self.filename)
    }

    /// The path of the file in the new version, if it still exists.
    pub fn new_path(&self) -> Option<&str> {
        match self.status {
            FileStatus::Removed => None,
            _ => Some(&self.filename),
        }
    }

    /// Every path the change touches: the new name and, for a rename or copy, the old one.
    pub fn touched_paths(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.filename.as_str()).chain(
            self.previous_filename
                .as_deref()
                .filter(|previous| *previous != self.filename),
        )
    }

    /// Whether the file moved to another path.
    pub fn is_rename(&self) -> bool {
        self.status == FileStatus::Renamed && self.old_path() != self.new_path()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deserializes_github_api_json() {
        let json = r#"{
            "sha": "bbcd538c8e72b8c175046e27cc8f907076331401",
            "filename": "file1.txt",
            "status": "renamed",
            "previous_filename": "file0.txt",
            "additions": 103,
            "deletions": 21,
            "changes": 124,
            "blob_url": "https://github.com/octocat/Hello-World/blob/6dcb09b/file1.txt",
            "raw_url": "https://github.com/octocat/Hello-World/raw/6dcb09b/file1.txt",
            "contents_url": "https://api.github.com/repos/octocat/Hello-World/contents/file1.txt",
            "patch": "@@ -132,7 +132,7 @@ module Test @@ -1000,7 +1000,7 @@ module Test"
        }"#;
        let file: ChangedFile = serde_json::from_str(json).unwrap();
        assert_eq!(file.status, FileStatus::Renamed);
        assert_eq!(file.old_path(), Some("file0.txt"));
        assert_eq!(file.new_path(), Some("file1.txt"));
        assert!(file.is_rename());
        assert_eq!(
            file.touched_paths().collect::<Vec<_>>(),
            ["file1.txt", "file0.txt"]
        );
    }

    #[test]
    fn deserializes_dataset_file_objects_and_unknown_statuses() {
        let json = r#"[
            {"filename": "a.png", "status": "added", "additions": 0, "deletions": 0,
             "changes": 0, "binary": true, "hunks": []},
            {"filename": "b.rb", "status": "removed", "additions": 0, "deletions": 2,
             "changes": 2, "patch": "@@ -1,2 +0,0 @@\n-a\n-b", "hunks": [[1, 2, 0, 0]]},
            {"filename": "c.rb", "status": "something-new"}
        ]"#;
        let files: Vec<ChangedFile> = serde_json::from_str(json).unwrap();
        assert_eq!(files[0].old_path(), None);
        assert_eq!(files[0].patch, None);
        assert_eq!(files[1].new_path(), None);
        assert_eq!(files[1].old_path(), Some("b.rb"));
        assert_eq!(files[2].status, FileStatus::Unknown);
    }

    #[test]
    fn a_copy_is_a_new_file() {
        let copy = ChangedFile {
            filename: "b".into(),
            status: FileStatus::Copied,
            previous_filename: Some("a".into()),
            additions: 0,
            deletions: 0,
            changes: 0,
            patch: None,
        };
        assert_eq!(copy.old_path(), None);
        assert!(!copy.is_rename());
    }
}
