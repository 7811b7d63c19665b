//! Driving the user's own `git`: each call is the binary with its arguments, never a shell
//! string, so a branch or path from the command line can only ever be one argument.
//!
//! The `git` binary rather than a library: it is the user's git with the user's config, hooks
//! and credential helpers; `git merge-tree --write-tree` is the merge git itself would do; and
//! it adds no dependency to build.

use super::error::LocalError;
use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The oldest git whose `git merge-tree --write-tree` (the exact tier) reads many merges from
/// one `--stdin`.
pub const MIN_VERSION: (u32, u32) = (2, 40);

/// What git reads from the environment to find a repository, a working tree or an index
/// elsewhere than the directory it runs in. Git exports some of them to the hooks it runs
/// (`GIT_DIR`, `GIT_INDEX_FILE`), so a command run from a hook would otherwise read the
/// committing worktree's repository and index wherever it is pointed.
const REDIRECTS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_NAMESPACE",
];

/// `git` run in one directory.
#[derive(Debug, Clone)]
pub struct Git {
    dir: PathBuf,
    /// An index of our own to use instead of the worktree's (a snapshot's).
    index: Option<PathBuf>,
}

/// What a git call answered, when its exit code is one the caller reads.
pub struct Answer {
    pub code: i32,
    pub stdout: Vec<u8>,
}

impl Git {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            index: None,
        }
    }

    /// git in the same directory, reading and writing the index file `index` instead of the
    /// worktree's own.
    pub fn with_index(&self, index: &Path) -> Self {
        Self {
            dir: self.dir.clone(),
            index: Some(index.to_owned()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut command = Command::new("git");
        command.arg("-C").arg(&self.dir).args(args);
        for name in REDIRECTS {
            command.env_remove(name);
        }
        if let Some(index) = &self.index {
            command.env("GIT_INDEX_FILE", index);
        }
        command
            // Messages in one language, so the one line we show reads the same everywhere;
            // never a prompt for credentials or an editor.
            .env("LC_ALL", "C")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_EDITOR", "true")
            // Reading a worktree's state never rewrites its index on the side, as `git
            // status` does to save its next run some work: the user's index is the user's.
            .env("GIT_OPTIONAL_LOCKS", "0");
        command
    }

    fn output<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Output, LocalError> {
        self.command(args)
            .output()
            .map_err(|e| LocalError::GitMissing(e.to_string()))
    }

    /// Runs git; anything but success is an error naming the command and git's first line.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<Vec<u8>, LocalError> {
        let answer = self.answer(args, &[0])?;
        Ok(answer.stdout)
    }

    /// Runs git and returns its output as text without the trailing newline.
    pub fn text<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<String, LocalError> {
        let out = self.run(args)?;
        Ok(String::from_utf8_lossy(&out).trim_end().to_owned())
    }

    /// Runs git, accepting the exit codes in `ok` (such as 1 for "conflicts").
    pub fn answer<S: AsRef<OsStr>>(&self, args: &[S], ok: &[i32]) -> Result<Answer, LocalError> {
        let output = self.output(args)?;
        Self::judge(args, output, ok)
    }

    /// Runs git with `input` on its standard input; anything but success is an error.
    pub fn run_with_input<S: AsRef<OsStr>>(
        &self,
        args: &[S],
        input: &[u8],
    ) -> Result<Vec<u8>, LocalError> {
        let missing = |e: std::io::Error| LocalError::GitMissing(e.to_string());
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(missing)?;
        let mut stdin = child.stdin.take();
        // Written from a thread of its own while the output is read, so that neither side
        // waits for the other with a full pipe. A write error means git stopped early; its
        // exit code and message say why.
        let output = std::thread::scope(|scope| {
            scope.spawn(move || {
                if let Some(stdin) = stdin.as_mut() {
                    let _ = stdin.write_all(input);
                }
            });
            child.wait_with_output()
        })
        .map_err(missing)?;
        Ok(Self::judge(args, output, &[0])?.stdout)
    }

    fn judge<S: AsRef<OsStr>>(
        args: &[S],
        output: Output,
        ok: &[i32],
    ) -> Result<Answer, LocalError> {
        let code = output.status.code().unwrap_or(-1);
        if ok.contains(&code) {
            return Ok(Answer {
                code,
                stdout: output.stdout,
            });
        }
        Err(LocalError::Git {
            command: describe(args),
            message: first_line(&output.stderr),
        })
    }

    /// Whether git succeeds, for questions such as "does this ref exist".
    pub fn succeeds<S: AsRef<OsStr>>(&self, args: &[S]) -> Result<bool, LocalError> {
        Ok(self.output(args)?.status.success())
    }

    /// The commit `rev` names, if it names one.
    pub fn commit(&self, rev: &str) -> Result<Option<String>, LocalError> {
        let spec = format!("{rev}^{{commit}}");
        let output = self.output(&[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ])?;
        Ok(output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned()))
    }

    /// The version of git, as (major, minor).
    pub fn version(&self) -> Result<(u32, u32), LocalError> {
        let text = self.text(&["--version"])?;
        parse_version(&text).ok_or_else(|| LocalError::Git {
            command: "git --version".into(),
            message: format!("cannot read the version in `{text}`"),
        })
    }
}

/// `git version 2.47.3` → (2, 47).
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let version = text.split_whitespace().nth(2)?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}

fn describe<S: AsRef<OsStr>>(args: &[S]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|arg| arg.as_ref().to_string_lossy().into_owned())
        .collect();
    format!("git {}", words.join(" "))
}

fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or("failed without a message");
    line.strip_prefix("fatal: ")
        .or_else(|| line.strip_prefix("error: "))
        .unwrap_or(line)
        .to_owned()
}

/// Splits `-z` output into its NUL-terminated fields, without empty ones.
pub fn nul_fields(out: &[u8]) -> impl Iterator<Item = String> + '_ {
    out.split(|&b| b == 0)
        .filter(|field| !field.is_empty())
        .map(|field| String::from_utf8_lossy(field).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_gits_own_words() {
        assert_eq!(parse_version("git version 2.47.3"), Some((2, 47)));
        assert_eq!(
            parse_version("git version 2.39.3 (Apple Git-146)"),
            Some((2, 39))
        );
        assert_eq!(parse_version("nonsense"), None);
    }

    #[test]
    fn the_first_line_of_an_error_loses_gits_prefix() {
        assert_eq!(
            first_line(b"\nfatal: not a git repository\nhint: x\n"),
            "not a git repository"
        );
        assert_eq!(first_line(b""), "failed without a message");
    }

    #[test]
    fn nul_fields_skip_empty_ones() {
        let fields: Vec<String> = nul_fields(b"abc\0f\0\0g\0").collect();
        assert_eq!(fields, ["abc", "f", "g"]);
    }
}
