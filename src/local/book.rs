//! The task book: tasks given to lanes, gated by their dependencies and the lanes' capacity
//! by the App's own assignment rules ([`crate::assign::plan`]).
//!
//! Each task stands for an issue, its number the task's place in the book. A task that has
//! taken a slot on its lane wears that lane's `agent:` label, as an issue the App assigned
//! does; one still waiting wears the trigger label and the label of a track bound to its lane,
//! so the rules queue it for that lane alone while the lane is full and give it the lane,
//! oldest first, once a slot frees and its dependencies are done. A done task is a closed
//! issue; its dependents see it closed.

use super::error::LocalError;
use crate::assign::{AssignmentRecord, Completion, Issue, Snapshot, TaskState};
use crate::config::{Agent, Config, Track};
use crate::footprint::Wait;
use crate::globs::PathFilter;
use crate::ids::{IssueNumber, PrNumber, RepoName};
use crate::planfile::apply::PlannedTask;
use crate::store::TaskRecord;
use crate::suggest::closest;
use crate::tasks::{self, Plan};
use crate::text::{files_section, footprint_wait};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Where a task stands, for the commands and the status.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Standing {
    /// Holds a slot on its lane.
    Assigned {
        branch: String,
        started: bool,
    },
    /// Its lane is full, or (with `footprint`) another lane is changing one of its files.
    Queued {
        #[serde(skip_serializing_if = "Option::is_none")]
        footprint: Option<Wait<String>>,
    },
    /// Waits for these tasks.
    Blocked {
        waits_for: Vec<String>,
    },
    /// On a dependency cycle with these tasks.
    Cycle {
        cycle: Vec<String>,
    },
    Done,
    Released,
}

pub struct Book {
    /// The repository's config, its tracks replaced by one track bound to each lane.
    config: Config,
    repo: RepoName,
    pub tasks: Vec<TaskRecord>,
    /// Local branch names, so a lane with a branch per task keeps the branch it has.
    branches: Vec<String>,
}

/// The track that binds a waiting task to its lane.
fn lane_track(lane: &str) -> String {
    format!("lane {lane}")
}

impl Book {
    pub fn new(config: &Config, repo: &str, tasks: Vec<TaskRecord>, branches: Vec<String>) -> Book {
        let mut config = config.clone();
        config.tracks = config
            .agents
            .iter()
            .map(|agent| Track {
                name: lane_track(&agent.name),
                paths: PathFilter::empty(),
                depends_on: Vec::new(),
                agent: Some(agent.name.clone()),
            })
            .collect();
        Book {
            config,
            repo: RepoName::new("local", repo),
            tasks,
            branches,
        }
    }

    /// The configured lane named `name` (any case), or a usage error with a suggestion.
    pub fn lane(&self, name: &str) -> Result<&Agent, LocalError> {
        lane_of(&self.config, name)
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.tasks.iter().position(|task| task.id == id)
    }

    pub fn task(&self, id: &str) -> Option<&TaskRecord> {
        self.index(id).map(|at| &self.tasks[at])
    }

    /// Adds a task (or gives a released one a lane again) and lets the rules place it.
    pub fn add(&mut self, new: PlannedTask, now: DateTime<Utc>) -> Result<Plan, LocalError> {
        let lane = self.lane(&new.lane)?.name.clone();
        if new.id.trim().is_empty() || new.id.chars().any(char::is_whitespace) {
            return Err(LocalError::Usage(format!(
                "task id `{}` must be one word",
                new.id
            )));
        }
        if let Some(estimate) = &new.estimate
            && self
                .config
                .estimate_hours_from_labels(&[estimate_label(estimate)])
                .is_none()
        {
            return Err(LocalError::Usage(format!(
                "estimate `{estimate}` is not like 2h, 30m or 1d"
            )));
        }
        for dep in &new.depends_on {
            if dep == &new.id {
                return Err(LocalError::Usage(format!(
                    "task {dep} cannot depend on itself"
                )));
            }
            if self.index(dep).is_none() {
                return Err(LocalError::Usage(format!(
                    "task {} depends on {dep}, which is not in the book",
                    new.id
                )));
            }
        }
        let record = TaskRecord {
            id: new.id.clone(),
            seq: 0,
            title: new.title,
            lane,
            estimate: new.estimate,
            depends_on: new.depends_on,
            created_at: now,
            assigned_at: None,
            started_at: None,
            done_at: None,
            released_at: None,
            footprint: new.footprint,
        };
        match self.index(&new.id) {
            Some(at) if self.tasks[at].released_at.is_some() => {
                let seq = self.tasks[at].seq;
                self.tasks[at] = TaskRecord { seq, ..record };
            }
            Some(at) => {
                let existing = &self.tasks[at];
                let standing = if existing.done_at.is_some() {
                    "done"
                } else {
                    "in the book"
                };
                return Err(LocalError::Usage(format!(
                    "task {} is already {standing} (lane `{}`)",
                    existing.id, existing.lane
                )));
            }
            None => {
                let seq = self.tasks.iter().map(|t| t.seq).max().unwrap_or(0) + 1;
                self.tasks.push(TaskRecord { seq, ..record });
            }
        }
        Ok(self.settle(now))
    }

    /// Plans, and records the slots the plan gave: what every command does after changing
    /// the book, so a freed slot goes to the oldest task waiting for it at once.
    pub fn settle(&mut self, now: DateTime<Utc>) -> Plan {
        let plan = self.plan(now);
        for record in &plan.records.assigned {
            if let Some(task) = self.tasks.iter_mut().find(|t| t.seq == record.issue.0) {
                task.assigned_at.get_or_insert(record.assigned_at);
            }
        }
        plan
    }

    /// What the App's rules make of the book now.
    pub fn plan(&self, now: DateTime<Utc>) -> Plan {
        tasks::plan(&self.snapshot(now))
    }

    fn snapshot(&self, now: DateTime<Utc>) -> Snapshot {
        let seq_of: BTreeMap<&str, u64> =
            self.tasks.iter().map(|t| (t.id.as_str(), t.seq)).collect();
        let mut issues = Vec::new();
        let mut assignments = Vec::new();
        let mut completions = Vec::new();
        for task in &self.tasks {
            let number = IssueNumber(task.seq);
            let mut labels = Vec::new();
            if task.done_at.is_none() && task.released_at.is_none() {
                match task.assigned_at {
                    Some(assigned_at) => {
                        labels.push(format!("agent:{}", task.lane));
                        assignments.push(AssignmentRecord {
                            issue: number,
                            lane: task.lane.clone(),
                            assigned_at,
                        });
                    }
                    None => {
                        labels.push(self.config.trigger_label.clone());
                        labels.push(format!("track:{}", lane_track(&task.lane)));
                    }
                }
            }
            labels.extend(task.estimate.as_deref().map(estimate_label));
            if let Some(done_at) = task.done_at {
                completions.push(Completion {
                    issue: number,
                    lane: task.lane.clone(),
                    pr: PrNumber(task.seq),
                    files_changed: Vec::new(),
                    assigned_at: task.assigned_at.unwrap_or(task.created_at),
                    merged_at: done_at,
                });
            }
            let mut body: Vec<String> = task
                .depends_on
                .iter()
                .filter_map(|dep| seq_of.get(dep.as_str()))
                .map(|seq| format!("Depends on #{seq}"))
                .collect();
            // The files as an issue lists them, so the App's footprint rule reads them.
            body.push(files_section(&task.footprint));
            issues.push(Issue {
                number,
                title: task.title.clone(),
                body: body.join("\n\n"),
                labels,
                assignees: Vec::new(),
                created_at: task.created_at,
                open: task.done_at.is_none(),
                pull_request: false,
                linked_blockers: Vec::new(),
                sub_issues: Vec::new(),
            });
        }
        Snapshot {
            config: self.config.clone(),
            repo: self.repo.clone(),
            now,
            issues,
            comments: Vec::new(),
            open_prs: Vec::new(),
            merged_prs: Vec::new(),
            branches: self.branches.clone(),
            labels: Vec::new(),
            assignments,
            completions,
            // Local tasks have no comment to keep telling it.
            was_blocked: Vec::new(),
            status_issue: None,
            merge_queue: None,
            commands: Vec::new(),
        }
    }

    /// The id of the task numbered `issue`.
    pub fn id_of(&self, issue: IssueNumber) -> String {
        self.tasks
            .iter()
            .find(|t| t.seq == issue.0)
            .map_or_else(|| issue.to_string(), |t| t.id.clone())
    }

    fn ids(&self, issues: &[IssueNumber]) -> Vec<String> {
        issues.iter().map(|&issue| self.id_of(issue)).collect()
    }

    /// Where the task stands in `plan`.
    pub fn standing(&self, plan: &Plan, task: &TaskRecord) -> Standing {
        if task.done_at.is_some() {
            return Standing::Done;
        }
        if task.released_at.is_some() {
            return Standing::Released;
        }
        let state = plan
            .tasks
            .iter()
            .find(|t| t.issue.0 == task.seq)
            .map(|t| &t.state);
        match state {
            Some(TaskState::Assigned(assignment)) => Standing::Assigned {
                branch: assignment.branch.clone(),
                started: task.started_at.is_some(),
            },
            Some(TaskState::Blocked(blocked)) => Standing::Blocked {
                waits_for: self.ids(&blocked.waits_for()),
            },
            Some(TaskState::Cycle(cycle)) => Standing::Cycle {
                cycle: self.ids(&cycle.cycle),
            },
            Some(TaskState::Queued(queued)) => Standing::Queued {
                footprint: queued.footprint.as_ref().map(|wait| Wait {
                    path: wait.path.clone(),
                    lane: wait.lane.clone(),
                    task: self.id_of(wait.task),
                }),
            },
            _ => Standing::Queued { footprint: None },
        }
    }

    /// The lane's task a command acts on: the one named, or the lane's only task `fits`.
    pub fn lane_task(
        &self,
        plan: &Plan,
        lane: &str,
        id: Option<&str>,
        fits: impl Fn(&Standing) -> bool,
        doing: &str,
    ) -> Result<usize, LocalError> {
        let lane = self.lane(lane)?.name.clone();
        if let Some(id) = id {
            let at = self
                .index(id)
                .ok_or_else(|| LocalError::Usage(format!("there is no task {id}")))?;
            let task = &self.tasks[at];
            if !task.lane.eq_ignore_ascii_case(&lane) {
                return Err(LocalError::Usage(format!(
                    "task {id} is on lane `{}`, not `{lane}`",
                    task.lane
                )));
            }
            let standing = self.standing(plan, task);
            if !fits(&standing) {
                return Err(LocalError::Usage(format!(
                    "task {id} cannot be {doing}: it is {}",
                    describe(&standing)
                )));
            }
            return Ok(at);
        }
        let fitting: Vec<usize> = (0..self.tasks.len())
            .filter(|&at| self.tasks[at].lane.eq_ignore_ascii_case(&lane))
            .filter(|&at| fits(&self.standing(plan, &self.tasks[at])))
            .collect();
        match fitting.as_slice() {
            [one] => Ok(*one),
            [] => Err(LocalError::Usage(format!(
                "lane `{lane}` has no task to be {doing}"
            ))),
            several => {
                let ids: Vec<&str> = several
                    .iter()
                    .map(|&at| self.tasks[at].id.as_str())
                    .collect();
                Err(LocalError::Usage(format!(
                    "lane `{lane}` has {} tasks to be {doing} ({}): name one",
                    ids.len(),
                    ids.join(", ")
                )))
            }
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }
}

/// The configured lane named `name` (any case), or a usage error with a suggestion.
pub fn lane_of<'c>(config: &'c Config, name: &str) -> Result<&'c Agent, LocalError> {
    config.agent(name).ok_or_else(|| {
        let lanes: Vec<&str> = config.agents.iter().map(|a| a.name.as_str()).collect();
        let hint = closest(name, lanes.iter().copied())
            .map(|lane| format!("did you mean `{lane}`? "))
            .unwrap_or_default();
        LocalError::Usage(format!(
            "there is no lane `{name}`: {hint}the lanes are {}",
            lanes.join(", ")
        ))
    })
}

fn estimate_label(estimate: &str) -> String {
    format!("estimate: {estimate}")
}

/// "assigned", "queued", "blocked by T1", as a sentence ends.
pub fn describe(standing: &Standing) -> String {
    match standing {
        Standing::Assigned { started: true, .. } => "started".into(),
        Standing::Assigned { started: false, .. } => "assigned".into(),
        Standing::Queued { footprint: None } => "queued".into(),
        Standing::Queued {
            footprint: Some(wait),
        } => format!("queued, {}", footprint_wait(wait)),
        Standing::Blocked { waits_for } => format!("blocked by {}", waits_for.join(", ")),
        Standing::Cycle { cycle } => format!("on a dependency cycle ({})", cycle.join(" → ")),
        Standing::Done => "done".into(),
        Standing::Released => "released".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + hour * 3600, 0).unwrap()
    }

    fn new(id: &str, lane: &str, deps: &[&str]) -> PlannedTask {
        PlannedTask {
            id: id.into(),
            title: format!("Task {id}"),
            lane: lane.into(),
            estimate: Some("2h".into()),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            footprint: Vec::new(),
        }
    }

    fn standing_of(book: &Book, id: &str) -> Standing {
        let plan = book.plan(at(9));
        book.standing(&plan, book.task(id).unwrap())
    }

    #[test]
    fn a_full_lane_queues_and_a_completed_task_frees_it_for_the_oldest() {
        let mut book = Book::new(&Config::default(), "repo", vec![], vec![]);
        book.add(new("T1", "agent-1", &[]), at(0)).unwrap();
        book.add(new("T2", "agent-1", &[]), at(1)).unwrap();
        book.add(new("T3", "agent-1", &[]), at(2)).unwrap();
        assert!(matches!(
            standing_of(&book, "T1"),
            Standing::Assigned { .. }
        ));
        assert_eq!(
            standing_of(&book, "T2"),
            Standing::Queued { footprint: None }
        );
        let done = book.index("T1").unwrap();
        book.tasks[done].done_at = Some(at(3));
        book.settle(at(3));
        assert_eq!(standing_of(&book, "T1"), Standing::Done);
        assert!(matches!(
            standing_of(&book, "T2"),
            Standing::Assigned { .. }
        ));
        assert_eq!(
            standing_of(&book, "T3"),
            Standing::Queued { footprint: None }
        );
    }

    #[test]
    fn a_dependency_blocks_until_done_and_an_older_unblocked_task_never_takes_a_started_slot() {
        let mut book = Book::new(&Config::default(), "repo", vec![], vec![]);
        book.add(new("A", "agent-2", &[]), at(0)).unwrap();
        book.add(new("B", "agent-1", &["A"]), at(1)).unwrap();
        book.add(new("C", "agent-1", &[]), at(2)).unwrap();
        assert_eq!(
            standing_of(&book, "B"),
            Standing::Blocked {
                waits_for: vec!["A".into()]
            }
        );
        assert!(matches!(standing_of(&book, "C"), Standing::Assigned { .. }));
        let a = book.index("A").unwrap();
        book.tasks[a].done_at = Some(at(3));
        book.settle(at(3));
        assert!(matches!(standing_of(&book, "C"), Standing::Assigned { .. }));
        assert_eq!(
            standing_of(&book, "B"),
            Standing::Queued { footprint: None }
        );
    }

    #[test]
    fn two_tasks_sharing_a_file_never_run_at_once_and_the_waiting_one_starts_after() {
        let mut book = Book::new(&Config::default(), "repo", vec![], vec![]);
        let mut first = new("A", "agent-1", &[]);
        first.footprint = vec!["src/store/notes.ts".into()];
        book.add(first, at(0)).unwrap();
        let mut second = new("B", "agent-2", &[]);
        second.footprint = vec!["src/store/".into()];
        book.add(second, at(1)).unwrap();
        let mut apart = new("C", "agent-3", &[]);
        apart.footprint = vec!["docs/a.md".into()];
        book.add(apart, at(2)).unwrap();
        assert_eq!(
            standing_of(&book, "B"),
            Standing::Queued {
                footprint: Some(Wait {
                    path: "src/store/".into(),
                    lane: "agent-1".into(),
                    task: "A".into(),
                })
            }
        );
        assert_eq!(
            describe(&standing_of(&book, "B")),
            "queued, waits: would change `src/store/`, which agent-1 is changing for A"
        );
        assert!(matches!(standing_of(&book, "C"), Standing::Assigned { .. }));
        let a = book.index("A").unwrap();
        book.tasks[a].done_at = Some(at(3));
        book.settle(at(3));
        assert!(matches!(standing_of(&book, "B"), Standing::Assigned { .. }));
    }

    #[test]
    fn bad_tasks_are_refused_with_a_reason() {
        let mut book = Book::new(&Config::default(), "repo", vec![], vec![]);
        let refused = |book: &mut Book, task: PlannedTask| match book.add(task, at(0)) {
            Err(LocalError::Usage(message)) => message,
            other => panic!("{:?}", other.map(|_| ())),
        };
        assert_eq!(
            refused(&mut book, new("T1", "agent-9", &[])),
            "there is no lane `agent-9`: did you mean `agent-1`? the lanes are agent-1, agent-2, agent-3"
        );
        assert_eq!(
            refused(&mut book, new("T1", "agent-1", &["T0"])),
            "task T1 depends on T0, which is not in the book"
        );
        let mut sloppy = new("T1", "agent-1", &[]);
        sloppy.estimate = Some("soon".into());
        assert_eq!(
            refused(&mut book, sloppy),
            "estimate `soon` is not like 2h, 30m or 1d"
        );
        book.add(new("T1", "agent-1", &[]), at(0)).unwrap();
        assert_eq!(
            refused(&mut book, new("T1", "agent-2", &[])),
            "task T1 is already in the book (lane `agent-1`)"
        );
    }
}
