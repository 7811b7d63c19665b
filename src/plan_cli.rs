//! `switchyard plan …`: read the parallel plan a team wrote, and turn it into tasks.

use crate::local::book::Standing;
use crate::local::error::LocalError;
use crate::local::repo::Repo;
use crate::local::{lock_book, open_book, save_book};
use crate::plan_github::{self, GitHubApply};
use chrono::Utc;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use switchyard_core::ids::RepoName;
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
    /// Add each work item as a task: into local mode's task book (title, estimate,
    /// dependencies, files), saying which tracks the config needs; or into GitHub, as one
    /// parent issue and a sub-issue per item. Applying the same plan again adds nothing.
    Apply {
        /// The plan: a Markdown file.
        path: PathBuf,
        /// Into local mode's task book of the repository here.
        #[arg(long, conflicts_with = "github")]
        local: bool,
        /// Also add the tracks to `.github/switchyard.yml`, keeping what it says already.
        #[arg(long, requires = "local")]
        write_config: bool,
        /// Into the issues of this repository on GitHub, with a token in `GITHUB_TOKEN`.
        #[arg(long, value_name = "OWNER/REPO")]
        github: Option<String>,
        /// GitHub's API, for `--github`: api.github.com, or a GitHub Enterprise Server's
        /// `https://HOST/api/v3`.
        #[arg(long, env = "GITHUB_API_URL", default_value = "https://api.github.com")]
        api_url: String,
        /// With `--github`: print the requests (method, path, body) and send nothing.
        #[arg(long, requires = "github")]
        dry_run: bool,
        /// With `--github`: the plan's name in the issues' hidden markers, by which a later
        /// apply finds them (by default the file's name: `PARALLEL_PLAN.md` is
        /// `parallel-plan`).
        #[arg(long, requires = "github")]
        id: Option<String>,
    },
}

/// Runs one plan command in `dir`, printing its answer or its one-line error (exit 2).
pub fn run(args: PlanArgs, dir: &Path) -> ExitCode {
    let result = match args.command {
        PlanCommand::Read { path, json } => read(&path, json),
        PlanCommand::Apply {
            path,
            github: Some(repo),
            api_url,
            dry_run,
            id,
            ..
        } => apply_to_github(&path, &repo, &api_url, dry_run, id.as_deref()),
        PlanCommand::Apply {
            path,
            local,
            write_config,
            ..
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

fn read_plan(path: &Path) -> Result<planfile::PlanDocument, String> {
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
            "say where the tasks go: `--local` (the task book of the repository here) or \
             `--github OWNER/REPO`"
                .into(),
        ));
    }
    let plan = read_plan(path).map_err(LocalError::Usage)?;
    let repo = Repo::open(dir, None)?;
    let _writing = lock_book(&repo)?;
    let mut book = open_book(&repo)?;
    let open_on = |lane: String| {
        book.tasks
            .iter()
            .filter(move |t| t.lane == lane && t.done_at.is_none() && t.released_at.is_none())
    };
    let lanes: Vec<apply::LaneLoad> = repo
        .config
        .agents
        .iter()
        .map(|agent| apply::LaneLoad {
            name: agent.name.clone(),
            footprints: if repo.config.footprint_wait {
                open_on(agent.name.clone())
                    .map(|t| t.footprint.clone())
                    .collect()
            } else {
                Vec::new()
            },
            hours: open_on(agent.name.clone())
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
    let plan = book.plan(now);
    for task in &added.tasks {
        if let Some(Standing::Queued {
            footprint: Some(wait),
        }) = book.task(&task.id).map(|t| book.standing(&plan, t))
        {
            let why = switchyard_core::text::footprint_wait(&wait);
            text.push_str(&format!("{} {why}\n", task.id));
        }
    }
    Ok(text)
}

/// Applies the plan to the issues of `repo` on GitHub, with the token in `GITHUB_TOKEN`.
fn apply_to_github(
    path: &Path,
    repo: &str,
    api_url: &str,
    dry_run: bool,
    id: Option<&str>,
) -> Result<String, String> {
    let repo: RepoName = repo.parse()?;
    let token = std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|token| !token.trim().is_empty())
        .ok_or("set GITHUB_TOKEN to a token that may read and write the repository's issues")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime
        .block_on(plan_github::apply(GitHubApply {
            path,
            repo,
            api_url,
            token: &token,
            dry_run,
            id,
        }))
        .map_err(|e| e.to_string())
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
