//! Local mode: the same coordination for lanes working in worktrees on one machine, before
//! any pull request exists. `switchyard local …` runs inside a git repository, reads its
//! `.github/switchyard.yml`, keeps its task book in `.git/switchyard/`, and answers from the
//! App's own engines: the assignment rules, the line engine, the order engine, with
//! `git merge-tree` as the exact tier.
//!
//! Exit codes: 0 fine, 1 something found (`conflicts`: a conflict; `touching`: a lane or a
//! claim on the paths), 2 usage or git error, in one line.

pub mod asking;
pub mod bases;
pub mod book;
pub mod branch;
pub mod claims;
pub mod cli;
pub mod conflicts;
pub mod diff;
pub mod error;
pub mod exact;
pub mod git;
pub mod hooks;
pub mod line;
pub mod merge_order;
pub mod output;
pub mod parallel;
pub mod repo;
pub mod snapshot;
pub mod touching;
pub mod worktrees;

use crate::planfile::apply::PlannedTask;
use book::{Book, Standing};
use chrono::Utc;
use cli::{LocalArgs, LocalCommand};
use conflicts::{ClaimedChange, Focus, Report, Tiers, ToCompare};
use error::LocalError;
use repo::{Repo, Tip};
use snapshot::Reach;
use std::collections::{BTreeMap, BTreeSet};
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
        LocalCommand::Init { agents, hooks } => {
            let mut text = worktrees::init(&repo, agents)?;
            if hooks {
                let lanes = &repo.config.agents[..agents.unwrap_or(repo.config.agents.len())];
                for line in hooks::install(&repo, lanes)? {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&line);
                }
            }
            fine(text)
        }
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
                            | Standing::Queued { .. }
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
            let now = Utc::now();
            let plan = book.plan(now);
            let claims = claims::holding(&repo, now)?;
            let worktree = |lane: &str| worktrees::display(&repo, lane);
            fine(output::status(&book, &plan, &worktree, &claims, now, json))
        }
        LocalCommand::Conflicts {
            branches,
            lane,
            mine,
            committed_only,
            json,
        } => {
            let focus_on = (lane.is_some() || mine).then_some(lane.as_deref());
            let report = conflicts_report(&repo, dir, &branches, focus_on, committed_only)?;
            Ok(Done {
                text: output::conflicts(&report, Utc::now(), json),
                code: if report.any_conflict() { 1 } else { 0 },
            })
        }
        LocalCommand::Touching {
            paths,
            lane,
            mine,
            committed_only,
            staged,
            json,
        } => {
            let question = touching::Question {
                paths: &paths,
                lane: lane.as_deref(),
                mine,
                committed_only,
                staged,
                index_file: std::env::var_os("GIT_INDEX_FILE").map(PathBuf::from),
            };
            let now = Utc::now();
            let claims = claims::holding(&repo, now)?;
            let answer = touching::answer(&repo, dir, &question, &claims)?;
            Ok(Done {
                text: output::touching(&answer, now, json),
                code: if answer.touched { 1 } else { 0 },
            })
        }
        LocalCommand::Claim {
            paths,
            duration,
            reason,
            lane,
        } => fine(claims::claim(
            &repo,
            dir,
            &paths,
            duration.as_deref(),
            reason,
            lane.as_deref(),
        )?),
        LocalCommand::Unclaim { paths, lane } => {
            fine(claims::unclaim(&repo, dir, &paths, lane.as_deref())?)
        }
        LocalCommand::MergeOrder {
            branches,
            committed_only,
            json,
        } => {
            let tips = branches_to_compare(&repo, &branches)?;
            let names: Vec<(String, String)> = tips
                .iter()
                .map(|(name, tip)| (name.clone(), tip.commit.clone()))
                .collect();
            let reach = if committed_only {
                Reach::Committed
            } else {
                Reach::Whole
            };
            let checkouts = snapshot::checkouts(&repo)?;
            let compared = to_compare(
                &tips,
                snapshot::compare(&repo, &tips, &checkouts, &vec![reach; tips.len()])?,
            );
            let (report, arrivals) = std::thread::scope(|scope| {
                let arrivals = scope.spawn(|| merge_order::arrivals(&repo, &names));
                let report = conflicts::find(&repo, &compared, Tiers::Exact, Focus::All);
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
            lines.push(crate::text::local::then(&line(task)));
        }
    }
    fine(lines.join("\n"))
}

pub(crate) fn book_path(repo: &Repo) -> std::path::PathBuf {
    repo.state_dir.join("tasks.db")
}

pub(crate) fn store_error(repo: &Repo, error: crate::store::StoreError) -> LocalError {
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
    ensure_state_dir(repo)?;
    let path = repo.state_dir.join("tasks.lock");
    let io = |error| LocalError::Io {
        path: path.clone(),
        error,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    file.lock().map_err(io)?;
    Ok(file)
}

/// The state directory, made on first use.
pub(crate) fn ensure_state_dir(repo: &Repo) -> Result<(), LocalError> {
    std::fs::create_dir_all(&repo.state_dir).map_err(|error| LocalError::Io {
        path: repo.state_dir.clone(),
        error,
    })
}

/// The book for a command that changes it: created on first use.
pub(crate) fn open_book(repo: &Repo) -> Result<Book, LocalError> {
    ensure_state_dir(repo)?;
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
pub(crate) fn read_book(repo: &Repo) -> Result<Book, LocalError> {
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

pub(crate) fn open_store(repo: &Repo) -> Result<SqliteStore, LocalError> {
    SqliteStore::open(&book_path(repo).to_string_lossy()).map_err(|e| store_error(repo, e))
}

pub(crate) fn save_book(repo: &Repo, tasks: &[TaskRecord]) -> Result<(), LocalError> {
    open_store(repo)?
        .save_local_tasks(tasks)
        .map_err(|e| store_error(repo, e))
}

/// The lane branches (each lane's, or every branch a per-task template made), then the
/// extra branches asked for, without the default branch or repeats, each with its tip. When
/// branches are named, lanes without a branch yet are left out rather than refused.
fn branches_to_compare(repo: &Repo, extra: &[String]) -> Result<Vec<(String, Tip)>, LocalError> {
    let config = &repo.config;
    let heads = repo.tips()?;
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
            return Err(LocalError::Usage(
                crate::text::errors::default_branch_named(branch),
            ));
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

/// Each lane worktree is on its lane's branch, or rebasing it.
fn lanes_on_their_branches(repo: &Repo) -> Result<(), LocalError> {
    let checked_out = repo.checked_out()?;
    let checkouts = snapshot::checkouts(repo)?;
    for agent in &repo.config.agents {
        let branch = repo
            .config
            .branch_for(agent, crate::ids::IssueNumber(0), "");
        let rebasing = checkouts.get(&branch).is_some_and(|checkout| {
            checkout.in_progress.is_some()
                && asking::canonical(&checkout.path)
                    == asking::canonical(&repo.worktree_for(&agent.name))
        });
        if !rebasing {
            on_its_branch(repo, &checked_out, &agent.name, &branch)?;
        }
    }
    Ok(())
}

/// Each branch with what is compared of it.
fn to_compare(tips: &[(String, Tip)], compared: Vec<snapshot::Compared>) -> Vec<ToCompare> {
    tips.iter()
        .zip(compared)
        .map(|((name, tip), compared)| ToCompare {
            name: name.clone(),
            head: tip.commit.clone(),
            compared,
        })
        .collect()
}

/// `conflicts`: every pair, or with `focus_on` (`Some(lane)`: `--lane`; `Some(None)`:
/// `--mine`) the pairs of one lane's branches. The lane's worktree is compared whole; the
/// others' uncommitted work only on the paths the lane changes, the only ones where the two
/// can meet.
fn conflicts_report(
    repo: &Repo,
    dir: &Path,
    extra: &[String],
    focus_on: Option<Option<&str>>,
    committed_only: bool,
) -> Result<Report, LocalError> {
    let tips = branches_to_compare(repo, extra)?;
    let checkouts = snapshot::checkouts(repo)?;
    let asker = match focus_on {
        Some(lane) => Some(asking::asker(repo, dir, lane, true, &checkouts)?),
        None => None,
    };
    let focused: BTreeSet<usize> = match &asker {
        Some(asker) => (0..tips.len())
            .filter(|&at| asker.owns(repo, &tips[at].0))
            .collect(),
        None => BTreeSet::new(),
    };
    let every = |reach| vec![reach; tips.len()];
    let compared = if committed_only {
        snapshot::compare(repo, &tips, &checkouts, &every(Reach::Committed))?
    } else if asker.is_some() {
        let mine: Vec<(String, Tip)> = focused.iter().map(|&at| tips[at].clone()).collect();
        let own = snapshot::compare(repo, &mine, &checkouts, &vec![Reach::Whole; mine.len()])?;
        let mut paths: BTreeSet<String> = BTreeSet::new();
        for compared in &own {
            let range = format!("{}...{}", repo.default_head, compared.commit);
            let out = repo
                .git
                .run(&["diff", "--name-only", "-z", "--no-renames", &range, "--"])?;
            paths.extend(git::nul_fields(&out));
        }
        let paths: Vec<String> = paths.into_iter().collect();
        let reach: Vec<Reach<'_>> = (0..tips.len())
            .map(|at| {
                if focused.contains(&at) {
                    Reach::Committed
                } else {
                    Reach::Paths(&paths)
                }
            })
            .collect();
        let mut all = snapshot::compare(repo, &tips, &checkouts, &reach)?;
        for (&at, own) in focused.iter().zip(own) {
            all[at] = own;
        }
        all
    } else {
        snapshot::compare(repo, &tips, &checkouts, &every(Reach::Whole))?
    };
    let compared = to_compare(&tips, compared);
    let focus = match &asker {
        Some(_) => Focus::On(&focused),
        None => Focus::All,
    };
    let mut report = conflicts::find(repo, &compared, Tiers::Both, focus)?;
    report.lane = asker.as_ref().and_then(|asker| asker.lane.clone());
    report.committed_only = committed_only;
    let now = Utc::now();
    for claim in claims::holding(repo, now)? {
        for (at, branch) in report.branches.iter().enumerate() {
            let own = branch
                .lane
                .as_deref()
                .is_some_and(|lane| lane.eq_ignore_ascii_case(&claim.lane));
            let relevant = asker.is_none()
                || focused.contains(&at)
                || report
                    .lane
                    .as_deref()
                    .is_some_and(|lane| lane.eq_ignore_ascii_case(&claim.lane));
            if own || !relevant {
                continue;
            }
            let paths: Vec<String> = branch
                .files
                .iter()
                .filter(|file| {
                    claim.covers(&file.path)
                        || file
                            .previous_path
                            .as_deref()
                            .is_some_and(|previous| claim.covers(previous))
                })
                .map(|file| file.path.clone())
                .collect();
            if !paths.is_empty() {
                report.claimed.push(ClaimedChange {
                    branch: branch.name.clone(),
                    paths,
                    claim: claim.clone(),
                });
            }
        }
    }
    Ok(report)
}
