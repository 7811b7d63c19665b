//! `switchyard plan …`: read the parallel plan a team wrote, and turn it into tasks.

use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use switchyard_core::planfile;

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(subcommand)]
    pub command: PlanCommand,
}

#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// Print the work items a plan is read into, each with its line, and what could not be read.
    Read {
        /// The plan: a Markdown file.
        path: PathBuf,
        /// `{"items": [...], "warnings": [...]}` instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// Runs one plan command, printing its answer or its one-line error (exit 2).
pub fn run(args: PlanArgs) -> ExitCode {
    match args.command {
        PlanCommand::Read { path, json } => match read(&path, json) {
            Ok(text) => {
                println!("{text}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("switchyard: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// The reading of the plan at `path`, as text or as JSON.
pub fn read(path: &Path, json: bool) -> Result<String, String> {
    let markdown = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let plan = planfile::read(&markdown);
    if json {
        serde_json::to_string_pretty(&plan).map_err(|e| e.to_string())
    } else {
        Ok(switchyard_core::text::plan_reading(
            &path.display().to_string(),
            &plan,
        ))
    }
}
