//! `switchyard plan …`: read the parallel plan a team wrote, and turn it into tasks.

use crate::local::error::LocalError;
use crate::local::repo::Repo;
use crate::local::{lock_book, open_book, save_book};
use chrono::Utc;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use switchyard_core::planfile::{self, apply, config_tracks};

/// Where local mode reads the config from, inside the main worktree.
const CONFIG_PATH: &str = ".github/switchyard.yml";

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
    /// Add each work item as a task (title, estimate, dependencies, files) and say which
    /// tracks the config needs. Applying the same plan again adds nothing.
    Apply {
        /// The plan: a Markdown file.
        path: PathBuf,
        /// Into local mode's task book of the repository here.
        #[arg(long)]
        local: bool,
        /// Also add the tracks to `.github/switchyard.yml`, keeping what it says already.
        #[arg(long)]
        write_config: bool,
    },
}

/// Runs one plan command in `dir`, printing its answer or its one-line error (exit 2).
pub fn run(args: PlanArgs, dir: &Path) -> ExitCode {
    let result = match args.command {
        PlanCommand::Read { path, json } => read(&path, json),
        PlanCommand::Apply {
            path,
            local,
            write_config,
        } => apply_locally(&path, local, write_config, dir).map_err(|e| e.to_string()),
    };
    match result {
        Ok(text) => {
            println!("{}", text.trim_end());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("switchyard: {e}");
            ExitCode::from(2)
        }
    }
}

fn read_plan(path: &Path) -> Result<planfile::Plan, String> {
    let markdown = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(planfile::read(&markdown))
}

/// The reading of the plan at `path`, as text or as JSON.
pub fn read(path: &Path, json: bool) -> Result<String, String> {
    let plan = read_plan(path)?;
    if json {
        serde_json::to_string_pretty(&plan).map_err(|e| e.to_string())
    } else {
        Ok(switchyard_core::text::plan_reading(
            &path.display().to_string(),
            &plan,
        ))
    }
}

/// Adds the plan's items to the task book of the repository `dir` is in, and the tracks to
/// its config when asked.
pub fn apply_locally(
    path: &Path,
    local: bool,
    write_config: bool,
    dir: &Path,
) -> Result<String, LocalError> {
    if !local {
        return Err(LocalError::Usage(
            "say where the tasks go: `--local` (the task book of the repository here)".into(),
        ));
    }
    let plan = read_plan(path).map_err(LocalError::Usage)?;
    let repo = Repo::open(dir, None)?;
    let _writing = lock_book(&repo)?;
    let mut book = open_book(&repo)?;
    let lanes: Vec<apply::LaneLoad> = repo
        .config
        .agents
        .iter()
        .map(|agent| apply::LaneLoad {
            name: agent.name.clone(),
            hours: book
                .tasks
                .iter()
                .filter(|t| t.lane == agent.name && t.done_at.is_none() && t.released_at.is_none())
                .map(|t| {
                    let label = t.estimate.as_deref().map(|e| format!("estimate: {e}"));
                    repo.config
                        .estimate_hours_from_labels(&label.into_iter().collect::<Vec<_>>())
                        .unwrap_or(1.0)
                })
                .sum(),
        })
        .collect();
    let in_book: Vec<String> = book
        .tasks
        .iter()
        .filter(|t| t.released_at.is_none())
        .map(|t| t.id.clone())
        .collect();
    let configured: Vec<String> = repo.config.tracks.iter().map(|t| t.name.clone()).collect();
    let added = apply::additions(&plan, &lanes, &in_book, &configured);
    let now = Utc::now();
    for task in &added.tasks {
        book.add(task.clone(), now)?;
    }
    save_book(&repo, &book.tasks)?;
    let written = write_config && !added.tracks.is_empty();
    if written {
        write_tracks(&repo.main_worktree.join(CONFIG_PATH), &added.tracks)?;
    }
    let mut text = switchyard_core::text::plan_applied(&added, CONFIG_PATH, written);
    // Tasks held back because another lane is changing their files, and why.
    for task in &added.tasks {
        if let Some(wait) = book.task(&task.id).and_then(|t| book.footprint_wait(t)) {
            let why = switchyard_core::text::footprint_wait(&wait);
            text.push_str(&format!("{} {why}\n", task.id));
        }
    }
    Ok(text)
}

/// Adds the tracks to the config file, refusing when the result would not be a valid config.
fn write_tracks(path: &Path, tracks: &[apply::PlannedTrack]) -> Result<(), LocalError> {
    let io = |error| LocalError::Io {
        path: path.to_owned(),
        error,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io(e)),
    };
    let updated = config_tracks::with_tracks(&text, tracks);
    if let Err(errors) = switchyard_core::config::parse(&updated) {
        return Err(LocalError::Config(format!(
            "the tracks would make {} invalid, so it was left as it was:\n{}",
            CONFIG_PATH,
            errors.render(CONFIG_PATH)
        )));
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path, updated).map_err(io)
}
