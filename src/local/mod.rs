//! Local mode: the same coordination for lanes working in worktrees on one machine, before
//! any pull request exists. `switchyard local …` runs inside a git repository, reads its
//! `.github/switchyard.yml`, keeps its task book in `.git/switchyard/`, and answers from the
//! App's own engines: the assignment rules, the line engine, the order engine, with
//! `git merge-tree` as the exact tier.
//!
//! Exit codes: 0 fine, 1 conflicts found (`conflicts`), 2 usage or git error, in one line.

pub mod book;
pub mod cli;
pub mod conflicts;
pub mod diff;
pub mod error;
pub mod exact;
pub mod git;
pub mod line;
pub mod merge_order;
pub mod output;
pub mod parallel;
pub mod repo;
pub mod worktrees;

use crate::planfile::apply::PlannedTask;
use book::{Book, Standing};
use chrono::Utc;
use cli::{LocalArgs, LocalCommand};
use conflicts::Tiers;
use error::LocalError;
use repo::Repo;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::store::{SqliteStore, TaskRecord};

/// Runs one local command in `dir`, printing its answer or its one-line error.
pub fn run(args: LocalArgs, dir: &Path) -> ExitCode {
    match execute(args, dir) {
        Ok(Done { text, code }) => {
            if !text.is_empty() {
                println!("{text}");
            }
            ExitCode::from(code)
        }
        Err(e) => {
            eprintln!("switchyard: {e}");
            ExitCode::from(2)
        }
    }
}

/// What a command printed and its exit code.
pub struct Done {
    pub text: String,
    pub code: u8,
}

fn fine(text: String) -> Result<Done, LocalError> {
    Ok(Done { text, code: 0 })
}

pub fn execute(args: LocalArgs, dir: &Path) -> Result<Done, LocalError> {
    let repo = Repo::open(dir, args.default_branch.as_deref())?;
    let _writing = if args.command.rewrites_book() {
        Some(lock_book(&repo)?)
    } else {
        None
    };
    match args.command {
        LocalCommand::Init { agents } => fine(worktrees::init(&repo, agents)?),
        LocalCommand::Assign {
            lane,
            task_id,
            title,
            estimate,
            depends_on,
        } => {
            let mut book = open_book(&repo)?;
            let new = PlannedTask {
                id: task_id.clone(),
                title,
                lane,
                estimate,
                depends_on,
                footprint: Vec::new(),
            };
            change(&repo, &mut book, &task_id, |book| {
                book.add(new, Utc::now()).map(drop)
            })
        }
        LocalCommand::Start { lane, task_id } => {
            let mut book = open_book(&repo)?;
            let plan = book.plan(Utc::now());
            let at = book.lane_task(
                &plan,
                &lane,
                task_id.as_deref(),
                |s| matches!(s, Standing::Assigned { started: false, .. }),
                "started",
            )?;
            let lane = book.tasks[at].lane.clone();
            if let Standing::Assigned { branch, .. } = book.standing(&plan, &book.tasks[at]) {
                if repo.config.branch_per_lane() {
                    lane_ready(&repo, &lane, &branch)?;
                } else {
                    worktree_ready(&repo, &lane)?;
                    if repo.branch_head(&branch)?.is_none() {
                        repo.git
                            .run(&["branch", "--no-track", &branch, &repo.default_head])?;
                    }
                }
            }
            let id = book.tasks[at].id.clone();
            change(&repo, &mut book, &id, |book| {
                book.tasks[at].started_at = Some(Utc::now());
                Ok(())
            })
        }
        LocalCommand::Complete { lane, task_id } => {
            let mut book = open_book(&repo)?;
            let plan = book.plan(Utc::now());
            let at = book.lane_task(
                &plan,
                &lane,
                task_id.as_deref(),
                |s| matches!(s, Standing::Assigned { .. }),
                "completed",
            )?;
            let lane = book.tasks[at].lane.clone();
            if let Standing::Assigned { branch, .. } = book.standing(&plan, &book.tasks[at]) {
                if repo.config.branch_per_lane() {
                    lane_ready(&repo, &lane, &branch)?;
                } else {
                    worktree_ready(&repo, &lane)?;
                    if repo.branch_head(&branch)?.is_none() {
                        return Err(LocalError::MissingBranch(branch));
                    }
                }
            }
            let worktree = repo.worktree_for(&lane);
            if repo.is_dirty(&worktree)? {
                return Err(LocalError::DirtyWorktree(worktree));
            }
            let id = book.tasks[at].id.clone();
            change(&repo, &mut book, &id, |book| {
                book.tasks[at].done_at = Some(Utc::now());
                Ok(())
            })
        }
        LocalCommand::Release { lane, task_id } => {
            let mut book = open_book(&repo)?;
            let plan = book.plan(Utc::now());
            let at = book.lane_task(
                &plan,
                &lane,
                task_id.as_deref(),
                |s| {
                    matches!(
                        s,
                        Standing::Assigned { .. }
                            | Standing::Queued
                            | Standing::Blocked { .. }
                            | Standing::Cycle { .. }
                    )
                },
                "released",
            )?;
            let id = book.tasks[at].id.clone();
            change(&repo, &mut book, &id, |book| {
                let task = &mut book.tasks[at];
                task.released_at = Some(Utc::now());
                task.assigned_at = None;
                task.started_at = None;
                Ok(())
            })
        }
        LocalCommand::Status { json } => {
            let book = read_book(&repo)?;
            let plan = book.plan(Utc::now());
            let worktree = |lane: &str| worktrees::display(&repo, lane);
            fine(output::status(&book, &plan, &worktree, json))
        }
        LocalCommand::Conflicts { branches, json } => {
            let names = branches_to_compare(&repo, &branches)?;
            note_dirty_worktrees(&repo)?;
            let report = conflicts::find(&repo, &names, Tiers::Both)?;
            Ok(Done {
                text: output::conflicts(&report, json),
                code: if report.any_conflict() { 1 } else { 0 },
            })
        }
        LocalCommand::MergeOrder { branches, json } => {
            let names = branches_to_compare(&repo, &branches)?;
            let (report, arrivals) = std::thread::scope(|scope| {
                let arrivals = scope.spawn(|| merge_order::arrivals(&repo, &names));
                let report = conflicts::find(&repo, &names, Tiers::Exact);
                let arrivals = arrivals
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (report, arrivals)
            });
            let (report, arrivals) = (report?, arrivals?);
            let book = read_book(&repo)?;
            let order = merge_order::order(&repo, &report, &arrivals, &book)?;
            fine(output::merge_order(&order, &report, json))
        }
    }
}

/// Applies `edit` to the book, lets the rules settle it, saves it, and says what happened to
/// the task `id` and to every other task whose standing changed.
fn change(
    repo: &Repo,
    book: &mut Book,
    id: &str,
    edit: impl FnOnce(&mut Book) -> Result<(), LocalError>,
) -> Result<Done, LocalError> {
    let now = Utc::now();
    let before_plan = book.plan(now);
    let before: Vec<(String, Standing)> = book
        .tasks
        .iter()
        .map(|t| (t.id.clone(), book.standing(&before_plan, t)))
        .collect();
    edit(book)?;
    let plan = book.settle(now);
    save_book(repo, &book.tasks)?;
    let line = |task: &TaskRecord| {
        output::task_line(book, &plan, task, &worktrees::display(repo, &task.lane))
    };
    let mut lines = Vec::new();
    if let Some(task) = book.task(id) {
        lines.push(line(task));
    }
    for task in book.tasks.iter().filter(|t| t.id != id) {
        let was = before.iter().find(|(i, _)| i == &task.id).map(|(_, s)| s);
        if was != Some(&book.standing(&plan, task)) {
            lines.push(format!("then {}", line(task)));
        }
    }
    fine(lines.join("\n"))
}

fn book_path(repo: &Repo) -> std::path::PathBuf {
    repo.state_dir.join("tasks.db")
}

fn store_error(repo: &Repo, error: crate::store::StoreError) -> LocalError {
    LocalError::Store {
        path: book_path(repo),
        error,
    }
}

fn repo_name(repo: &Repo) -> String {
    repo.main_worktree
        .file_name()
        .map_or_else(|| "repo".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Held by a command that changes the task book, from reading the book to saving it (the lock
/// goes with the file): two such commands at once, two agents or two terminals, each read
/// what the other saved, rather than the later one writing back what it read before the
/// earlier one's change.
pub(crate) fn lock_book(repo: &Repo) -> Result<std::fs::File, LocalError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |error| LocalError::Io { path, error }
    };
    std::fs::create_dir_all(&repo.state_dir).map_err(io(&repo.state_dir))?;
    let path = repo.state_dir.join("tasks.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io(&path))?;
    file.lock().map_err(io(&path))?;
    Ok(file)
}

/// The book for a command that changes it: created on first use.
pub(crate) fn open_book(repo: &Repo) -> Result<Book, LocalError> {
    std::fs::create_dir_all(&repo.state_dir).map_err(|error| LocalError::Io {
        path: repo.state_dir.clone(),
        error,
    })?;
    let tasks = open_store(repo)?
        .local_tasks()
        .map_err(|e| store_error(repo, e))?;
    Ok(Book::new(
        &repo.config,
        &repo_name(repo),
        tasks,
        repo.branches()?,
    ))
}

/// The book for a command that only reads it: empty, and nothing created, when there is none.
fn read_book(repo: &Repo) -> Result<Book, LocalError> {
    if !book_path(repo).exists() {
        return Ok(Book::new(
            &repo.config,
            &repo_name(repo),
            Vec::new(),
            repo.branches()?,
        ));
    }
    open_book(repo)
}

fn open_store(repo: &Repo) -> Result<SqliteStore, LocalError> {
    SqliteStore::open(&book_path(repo).to_string_lossy()).map_err(|e| store_error(repo, e))
}

pub(crate) fn save_book(repo: &Repo, tasks: &[TaskRecord]) -> Result<(), LocalError> {
    open_store(repo)?
        .save_local_tasks(tasks)
        .map_err(|e| store_error(repo, e))
}

/// The lane branches (each lane's, or every branch a per-task template made), then the
/// extra branches asked for, without the default branch or repeats, each with its head. When
/// branches are named, lanes without a branch yet are left out rather than refused.
fn branches_to_compare(repo: &Repo, extra: &[String]) -> Result<Vec<(String, String)>, LocalError> {
    let config = &repo.config;
    let heads = repo.heads()?;
    let mut names: Vec<String> = Vec::new();
    if config.branch_per_lane() {
        for agent in &config.agents {
            let branch = config.branch_for(agent, crate::ids::IssueNumber(0), "");
            if heads.contains_key(&branch) {
                names.push(branch);
            } else if extra.is_empty() {
                return Err(LocalError::MissingLaneBranch {
                    lane: agent.name.clone(),
                    branch,
                });
            }
        }
        lanes_on_their_branches(repo)?;
    } else {
        names.extend(
            heads
                .keys()
                .filter(|b| config.lane_for_branch(b).is_some())
                .cloned(),
        );
    }
    for branch in extra {
        if branch == &repo.default_branch {
            return Err(LocalError::Usage(format!(
                "`{branch}` is the default branch: every branch is compared with it already"
            )));
        }
        if !heads.contains_key(branch) {
            return Err(LocalError::MissingBranch(branch.clone()));
        }
        names.push(branch.clone());
    }
    names.retain(|name| name != &repo.default_branch);
    let mut seen = std::collections::BTreeSet::new();
    names.retain(|name| seen.insert(name.clone()));
    Ok(names
        .into_iter()
        .map(|name| {
            let head = heads[&name].clone();
            (name, head)
        })
        .collect())
}

/// A lane with a branch of its own must have its branch and its worktree, checked out on
/// that branch, before a task on it starts or completes.
fn lane_ready(repo: &Repo, lane: &str, branch: &str) -> Result<(), LocalError> {
    if repo.branch_head(branch)?.is_none() {
        return Err(LocalError::MissingLaneBranch {
            lane: lane.to_owned(),
            branch: branch.to_owned(),
        });
    }
    worktree_ready(repo, lane)?;
    on_its_branch(repo, &repo.checked_out()?, lane, branch)
}

fn worktree_ready(repo: &Repo, lane: &str) -> Result<(), LocalError> {
    let path = repo.worktree_for(lane);
    if !path.exists() || !repo.checked_out()?.contains_key(&path) {
        return Err(LocalError::MissingWorktree {
            lane: lane.to_owned(),
            worktree: worktrees::display(repo, lane),
        });
    }
    Ok(())
}

/// With a branch per lane, a lane worktree whose HEAD is detached makes commits that are on
/// no lane branch, which no comparison would see.
fn on_its_branch(
    repo: &Repo,
    checked_out: &BTreeMap<PathBuf, Option<String>>,
    lane: &str,
    branch: &str,
) -> Result<(), LocalError> {
    match checked_out.get(&repo.worktree_for(lane)) {
        Some(None) => Err(LocalError::DetachedWorktree {
            worktree: worktrees::display(repo, lane),
            branch: branch.to_owned(),
        }),
        _ => Ok(()),
    }
}

fn lanes_on_their_branches(repo: &Repo) -> Result<(), LocalError> {
    let checked_out = repo.checked_out()?;
    for agent in &repo.config.agents {
        let branch = repo
            .config
            .branch_for(agent, crate::ids::IssueNumber(0), "");
        on_its_branch(repo, &checked_out, &agent.name, &branch)?;
    }
    Ok(())
}

/// Conflicts compare commits: say so for lane worktrees holding work not committed yet.
fn note_dirty_worktrees(repo: &Repo) -> Result<(), LocalError> {
    let dirty = parallel::map(&repo.config.agents, |agent| {
        let path = repo.worktree_for(&agent.name);
        Ok::<_, LocalError>(path.exists() && repo.is_dirty(&path)?)
    });
    for (agent, dirty) in repo.config.agents.iter().zip(dirty) {
        if dirty? {
            eprintln!(
                "note: {} has uncommitted changes, which are not compared",
                worktrees::display(repo, &agent.name)
            );
        }
    }
    Ok(())
}
