//! The one command layer under both front ends: a tool builds the words of a `switchyard
//! local` command line, clap reads them exactly as it reads the terminal's, and the command
//! runs through the same entry as the CLI.

use super::error::ToolError;
use crate::local::cli::LocalArgs;
use crate::local::{Done, execute};
use clap::Parser;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `switchyard local …` as the command line reads it.
#[derive(Debug, Parser)]
#[command(name = "switchyard local", no_binary_name = true)]
struct LocalLine {
    #[command(flatten)]
    args: LocalArgs,
}

/// Where commands run and how: the server's directory and its `--default-branch`.
#[derive(Debug, Clone)]
pub struct Place {
    pub dir: PathBuf,
    pub default_branch: Option<String>,
}

/// What a command answered: its text and whether it exited 1 (it found something).
pub struct Said {
    pub text: String,
    pub found: bool,
}

impl Place {
    /// Runs `switchyard local WORDS…` here.
    pub fn run(&self, words: &[String]) -> Result<Said, ToolError> {
        let mut line: Vec<String> = Vec::with_capacity(words.len() + 2);
        if let Some(branch) = &self.default_branch {
            line.extend(["--default-branch".to_owned(), branch.clone()]);
        }
        line.extend(words.iter().cloned());
        let parsed = LocalLine::try_parse_from(&line).map_err(|e| ToolError::Refused {
            command: words.first().cloned().unwrap_or_default(),
            message: first_paragraph(&e.to_string()),
        })?;
        let Done { text, code } = execute(parsed.args, &self.dir)?;
        Ok(Said {
            text,
            found: code == 1,
        })
    }

    /// Runs a command given `--json` and reads its answer.
    pub fn json(&self, words: &[String]) -> Result<(Value, bool), ToolError> {
        let said = self.run(words)?;
        let value = serde_json::from_str(&said.text).map_err(|error| ToolError::NotJson {
            command: words.first().cloned().unwrap_or_default(),
            error,
        })?;
        Ok((value, said.found))
    }

    /// The directory commands run in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// clap's message up to its usage, on one line, without its `error: `.
fn first_paragraph(message: &str) -> String {
    let paragraph: Vec<&str> = message
        .lines()
        .map(str::trim)
        .take_while(|line| !line.is_empty())
        .collect();
    let line = paragraph.join(" ");
    line.strip_prefix("error: ").unwrap_or(&line).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_refusals_become_one_line() {
        let refused = LocalLine::try_parse_from(["no-such-command"]).unwrap_err();
        assert_eq!(
            first_paragraph(&refused.to_string()),
            "unrecognized subcommand 'no-such-command'"
        );
        let missing = LocalLine::try_parse_from(["assign", "agent-1"]).unwrap_err();
        assert_eq!(
            first_paragraph(&missing.to_string()),
            "the following required arguments were not provided: <TASK_ID> <TITLE>"
        );
    }

    #[test]
    fn the_words_are_read_as_the_command_line_reads_them() {
        let line = LocalLine::try_parse_from(["--default-branch", "trunk", "start", "agent-1"])
            .expect("a command line");
        assert_eq!(line.args.default_branch.as_deref(), Some("trunk"));
        assert!(matches!(
            line.args.command,
            crate::local::cli::LocalCommand::Start { ref lane, task_id: None } if lane == "agent-1"
        ));
    }
}
