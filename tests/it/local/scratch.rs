//! A scratch repository: git with no config but its own, and the binary run inside it.

use crate::support::switchyard;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Scratch {
    _dir: tempfile::TempDir,
    /// Holds the repository and, beside it, `repo-worktrees/`.
    pub root: PathBuf,
    pub repo: PathBuf,
}

/// What the binary answered.
#[derive(Debug)]
pub struct Answer {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).expect("JSON output")
    }
}

/// Eight numbered lines: room for changes that are apart and changes that meet.
pub const LINES: &str = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n";

impl Scratch {
    /// An empty directory with `repo/` not yet a repository.
    pub fn empty() -> Scratch {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().canonicalize().expect("its path");
        let repo = root.join("repo");
        std::fs::create_dir(&repo).expect("repo directory");
        Scratch {
            _dir: dir,
            root,
            repo,
        }
    }

    /// A repository on `main` with no commits.
    pub fn unborn() -> Scratch {
        let scratch = Scratch::empty();
        scratch.git(&scratch.repo, &["init", "--quiet", "--initial-branch=main"]);
        scratch.git(&scratch.repo, &["config", "user.name", "Test"]);
        scratch.git(&scratch.repo, &["config", "user.email", "test@example.com"]);
        scratch
    }

    /// A repository whose `main` has one commit: `app.txt` ([`LINES`]) and `README`.
    pub fn new() -> Scratch {
        let scratch = Scratch::unborn();
        scratch.write(&scratch.repo, "app.txt", LINES);
        scratch.write(&scratch.repo, "README", "read me\n");
        scratch.commit(&scratch.repo, "Start");
        scratch
    }

    /// git in `dir`, with none of the user's or the system's config; panics on failure.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.git_command(dir, args).output().expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .trim_end()
            .to_owned()
    }

    fn git_command(&self, dir: &Path, args: &[&str]) -> Command {
        let mut command = Command::new("git");
        command.current_dir(dir).args(args);
        for (key, value) in self.env() {
            command.env(key, value);
        }
        command
    }

    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("HOME", self.root.display().to_string()),
            ("GIT_CONFIG_NOSYSTEM", "1".to_owned()),
            ("GIT_CONFIG_GLOBAL", "/dev/null".to_owned()),
            ("GIT_AUTHOR_NAME", "Test".to_owned()),
            ("GIT_AUTHOR_EMAIL", "test@example.com".to_owned()),
            ("GIT_COMMITTER_NAME", "Test".to_owned()),
            ("GIT_COMMITTER_EMAIL", "test@example.com".to_owned()),
            ("PATH", std::env::var("PATH").unwrap_or_default()),
        ]
    }

    pub fn write(&self, dir: &Path, path: &str, text: &str) {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("directories");
        }
        std::fs::write(file, text).expect("a file");
    }

    pub fn write_bytes(&self, dir: &Path, path: &str, bytes: &[u8]) {
        let file = dir.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).expect("directories");
        }
        std::fs::write(file, bytes).expect("a file");
    }

    pub fn commit(&self, dir: &Path, message: &str) {
        self.git(dir, &["add", "--all"]);
        self.git(dir, &["commit", "--quiet", "-m", message]);
    }

    /// `app.txt` with line `line` (1-based) replaced.
    pub fn edit_line(&self, dir: &Path, line: usize, text: &str) {
        let file = dir.join("app.txt");
        let old = std::fs::read_to_string(&file).expect("app.txt");
        let new: Vec<&str> = old
            .lines()
            .enumerate()
            .map(|(at, l)| if at + 1 == line { text } else { l })
            .collect();
        std::fs::write(file, format!("{}\n", new.join("\n"))).expect("app.txt");
    }

    /// The lane's worktree that `init` makes.
    pub fn lane(&self, lane: &str) -> PathBuf {
        self.root.join("repo-worktrees").join(lane)
    }

    /// The worktrees of the three default lanes.
    pub fn three_lanes(&self) -> (PathBuf, PathBuf, PathBuf) {
        (
            self.lane("agent-1"),
            self.lane("agent-2"),
            self.lane("agent-3"),
        )
    }

    /// `switchyard local ARGS` in `dir`.
    pub fn local_in(&self, dir: &Path, args: &[&str]) -> Answer {
        let mut command = switchyard();
        command.arg("local").args(args).current_dir(dir);
        for (key, value) in self.env() {
            command.env(key, value);
        }
        let output = command.output().expect("the binary runs");
        Answer {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// `switchyard local ARGS` in the main worktree.
    pub fn local(&self, args: &[&str]) -> Answer {
        self.local_in(&self.repo, args)
    }

    /// `init`, which must succeed.
    pub fn init(&self) {
        let answer = self.local(&["init"]);
        assert_eq!(answer.code, 0, "{answer:?}");
    }

    /// The paths `git merge-tree --write-tree` stops on when merging `a` and `b`.
    pub fn merge_tree(&self, a: &str, b: &str) -> Vec<String> {
        let output = self
            .git_command(
                &self.repo,
                &[
                    "merge-tree",
                    "--write-tree",
                    "--name-only",
                    "--no-messages",
                    a,
                    b,
                ],
            )
            .output()
            .expect("git runs");
        let code = output.status.code();
        assert!(matches!(code, Some(0 | 1)), "merge-tree: {output:?}");
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect()
    }

    /// What the user sees of a worktree's state: `git status`, the index file's bytes, and
    /// every ref; a command that reads worktrees must leave all three as they were.
    pub fn state_of(&self, dir: &Path) -> (String, Vec<u8>, String) {
        let status = self.git(dir, &["status", "--porcelain=v1", "--untracked-files=all"]);
        let index = self.git(
            dir,
            &["rev-parse", "--path-format=absolute", "--git-path", "index"],
        );
        let bytes = std::fs::read(index).expect("the index");
        let refs = self.git(dir, &["for-each-ref", "--format=%(objectname) %(refname)"]);
        (status, bytes, refs)
    }

    /// git in `dir` as a user runs it, whatever it answers.
    pub fn git_output(&self, dir: &Path, args: &[&str]) -> std::process::Output {
        self.git_command(dir, args).output().expect("git runs")
    }

    /// The task book's database, as the binary keeps it.
    pub fn book(&self) -> switchyard::store::SqliteStore {
        std::fs::create_dir_all(self.repo.join(".git/switchyard")).expect("the state dir");
        let path = self.repo.join(".git/switchyard/tasks.db");
        switchyard::store::SqliteStore::open(&path.to_string_lossy()).expect("the book opens")
    }

    /// Whether the task book exists.
    pub fn has_book(&self) -> bool {
        self.repo.join(".git/switchyard/tasks.db").exists()
    }

    /// Whether the state directory exists: commands refused for bad input create nothing.
    pub fn has_state(&self) -> bool {
        self.repo.join(".git/switchyard").exists()
    }
}
