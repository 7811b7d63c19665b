//! The state of every task of a repository, from a snapshot alone.
//!
//! Issues are taken all at once, oldest first, so two issues labelled at the same moment
//! see each other: the second sees the lane the first took, and no lane goes over capacity
//! by the App's choice. A person's `agent:` label is obeyed even on a full lane.

use super::board::{Board, BoardInput, BoardTask, board};
use super::commands::{Command, Decision, decide, relabel};
use super::labels::{BLOCKED_LABEL, QUEUED_LABEL, agent_label_name, same_label};
use super::lanes::{Lanes, Slot, UNESTIMATED_HOURS};
use super::open::{OpenIssue, open_issues, waiting};
use super::plans::{plans, progress};
use super::snapshot::{AssignmentRecord, Completion, Issue, MergedPr, Snapshot, WasBlocked};
use super::state::{
    Assignment, DependencyState, FootprintWait, PlannedOverlap, Queued, ReleaseReason, Released,
    TaskState, TrackPaths, UnknownLane, Withdrawn,
};
use super::track_overlap::first_overlap;
use crate::config::{Config, Track};
use crate::footprint::{self, Dispatch, Running};
use crate::ids::IssueNumber;
use crate::suggest::closest;
use std::collections::{BTreeMap, BTreeSet};

/// What the labels and records ask for an open issue.
enum Intent {
    /// On the lane (by position) its `agent:` label names.
    Placed(usize),
    /// Has the trigger label: the rules choose a lane.
    Wanted,
    Released(String),
    UnknownLane(String),
    Withdrawn,
    Untracked,
    /// Has the trigger label and sub-issues: a plan, never on a lane.
    Plan,
}

struct Planner<'s> {
    snapshot: &'s Snapshot,
    config: &'s Config,
    records: BTreeMap<IssueNumber, &'s AssignmentRecord>,
    /// Issues a command assigned in this snapshot: their old record is no release.
    reassigned: BTreeSet<IssueNumber>,
    lanes: Lanes<'s>,
    states: BTreeMap<IssueNumber, TaskState>,
    records_out: RecordChanges,
    /// Each plan's sub-issues, by plan.
    plans: BTreeMap<IssueNumber, Vec<IssueNumber>>,
    /// The tasks given a slot and running, with their footprints, as the plan goes; kept
    /// only while some issue waits for a lane, as only such an issue asks.
    running: Vec<Held>,
    /// Whether some open issue waits for the rules to choose its lane.
    choosing: bool,
    /// Finished tasks with the files they changed, most recent first, while `choosing`.
    finished: Vec<Held>,
}

/// A task on a lane, or one a lane finished, and its footprint.
struct Held {
    lane: String,
    issue: IssueNumber,
    footprint: Vec<String>,
}

fn as_running(held: &[Held]) -> Vec<Running<'_, IssueNumber>> {
    held.iter()
        .map(|h| Running {
            lane: &h.lane,
            task: h.issue,
            footprint: &h.footprint,
        })
        .collect()
}

/// What the rules make of a snapshot: each issue's state, the labels after the snapshot's
/// commands, the records to keep, and the board. [`crate::tasks::plan`] turns it into writes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Settled<'s> {
    /// Each issue's labels once the snapshot's commands are obeyed.
    pub labels: BTreeMap<IssueNumber, Vec<String>>,
    /// One per command comment in the snapshot, in the same order.
    pub decisions: Vec<Decision>,
    pub states: BTreeMap<IssueNumber, TaskState>,
    /// The assignment records the snapshot holds, by issue.
    pub records: BTreeMap<IssueNumber, &'s AssignmentRecord>,
    pub records_out: RecordChanges,
    pub board: Board,
}

/// What the store should remember after this plan. Both kinds of record are keyed by issue:
/// a new one replaces any earlier one of the same issue.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordChanges {
    /// New or moved assignments.
    pub assigned: Vec<AssignmentRecord>,
    /// Assignment records to drop: the issue was released or is done.
    pub forgotten: Vec<IssueNumber>,
    pub completed: Vec<Completion>,
    /// What every task was told it waits for, whole, when it differs from the snapshot's.
    pub was_blocked: Option<Vec<WasBlocked>>,
}

pub(crate) fn settle(snapshot: &Snapshot) -> Settled<'_> {
    let config = &snapshot.config;
    let decisions: Vec<Decision> = snapshot
        .commands
        .iter()
        .map(|comment| decide(comment, config))
        .collect();
    let mut labels: BTreeMap<IssueNumber, Vec<String>> = snapshot
        .issues
        .iter()
        .map(|issue| (issue.number, issue.labels.clone()))
        .collect();
    let mut reassigned = BTreeSet::new();
    for (comment, decision) in snapshot.commands.iter().zip(&decisions) {
        for command in &decision.relabel {
            if let Some(held) = labels.get_mut(&comment.issue) {
                relabel(held, command, config);
            }
            if matches!(command, Command::Assign(_)) {
                reassigned.insert(comment.issue);
            }
        }
    }

    let mut planner = Planner {
        snapshot,
        config,
        records: snapshot
            .assignments
            .iter()
            .map(|record| (record.issue, record))
            .collect(),
        reassigned,
        lanes: Lanes::new(config),
        states: BTreeMap::new(),
        records_out: RecordChanges::default(),
        plans: plans(snapshot, &labels),
        running: Vec::new(),
        choosing: false,
        finished: Vec::new(),
    };
    let open = open_issues(snapshot, &labels);
    planner.plan_open(&open);
    planner.plan_closed();
    planner.plan_plans(&open);
    planner.add_overlaps(&open);
    let board = planner.board(&open);

    let Planner {
        states,
        mut records_out,
        records,
        ..
    } = planner;
    let was_blocked = told_blockers(&states);
    if was_blocked != snapshot.was_blocked {
        records_out.was_blocked = Some(was_blocked);
    }
    Settled {
        labels,
        decisions,
        states,
        records,
        records_out,
        board,
    }
}

/// What each task's comment tells it waits for or was blocked by, by issue: the blockers of
/// a blocked task, and what an assigned or queued one was blocked by.
fn told_blockers(states: &BTreeMap<IssueNumber, TaskState>) -> Vec<WasBlocked> {
    states
        .iter()
        .filter_map(|(&issue, state)| {
            let by = match state {
                TaskState::Blocked(blocked) => blocked.waits_for(),
                TaskState::Assigned(assigned) => assigned.was_blocked_by.clone(),
                TaskState::Queued(queued) => queued.was_blocked_by.clone(),
                _ => return None,
            };
            (!by.is_empty()).then_some(WasBlocked { issue, by })
        })
        .collect()
}

impl<'s> Planner<'s> {
    fn intent(&self, open: &OpenIssue<'_>) -> Intent {
        if self.plans.contains_key(&open.issue.number) {
            return Intent::Plan;
        }
        let names: Vec<&str> = open
            .labels
            .iter()
            .filter_map(|label| agent_label_name(label))
            .collect();
        if let Some(lane) = self
            .config
            .agents
            .iter()
            .position(|agent| names.iter().any(|n| agent.name.eq_ignore_ascii_case(n)))
        {
            return Intent::Placed(lane);
        }
        let number = open.issue.number;
        let has = |label: &str| open.labels.iter().any(|held| same_label(held, label));
        match self.records.get(&number) {
            Some(record) if !self.reassigned.contains(&number) => {
                Intent::Released(record.lane.clone())
            }
            _ if has(&self.config.trigger_label) || self.in_plan(number) => Intent::Wanted,
            _ => match names.first() {
                Some(name) => Intent::UnknownLane((*name).to_owned()),
                None if has(QUEUED_LABEL) || has(BLOCKED_LABEL) => Intent::Withdrawn,
                None => Intent::Untracked,
            },
        }
    }

    fn plan_open(&mut self, open: &[OpenIssue<'s>]) {
        let intents: Vec<Intent> = open.iter().map(|o| self.intent(o)).collect();
        self.choosing = intents.iter().any(|i| matches!(i, Intent::Wanted));
        if self.choosing {
            self.finished = finished(self.snapshot);
        }
        // Issues already on a lane hold their slots before any lane is chosen.
        for (issue, intent) in open.iter().zip(&intents) {
            if let Intent::Placed(lane) = intent {
                self.place(issue, *lane);
            }
        }
        // The lane each issue waiting for a lane is bound to, so that others leave it free.
        let bound: Vec<Option<usize>> = open
            .iter()
            .zip(&intents)
            .map(|(issue, intent)| match intent {
                Intent::Wanted if waiting(issue, None).is_none() => {
                    self.lanes.bound_lane(&issue.tracks)
                }
                _ => None,
            })
            .collect();
        for (at, (issue, intent)) in open.iter().zip(&intents).enumerate() {
            let number = issue.issue.number;
            let state = match intent {
                Intent::Placed(_) | Intent::Untracked | Intent::Plan => continue,
                Intent::Wanted => {
                    let reserved = bound[at + 1..].iter().flatten().copied().collect();
                    self.choose_lane(issue, &reserved);
                    continue;
                }
                Intent::Released(lane) => {
                    self.records_out.forgotten.push(number);
                    TaskState::Released(Released {
                        lane: lane.clone(),
                        why: ReleaseReason::LabelRemoved {
                            trigger_label: self.config.trigger_label.clone(),
                        },
                    })
                }
                Intent::UnknownLane(name) => TaskState::UnknownLane(UnknownLane {
                    name: name.clone(),
                    suggestion: closest(name, self.config.agents.iter().map(|a| a.name.as_str()))
                        .map(str::to_owned),
                    lanes: self.config.agents.iter().map(|a| a.name.clone()).collect(),
                }),
                Intent::Withdrawn => TaskState::Withdrawn(Withdrawn {
                    trigger_label: self.config.trigger_label.clone(),
                }),
            };
            self.states.insert(number, state);
        }
    }

    /// An issue whose `agent:` label names `lane`.
    fn place(&mut self, open: &OpenIssue<'s>, lane: usize) {
        let state = match waiting(open, Some(self.lane_name(lane))) {
            Some(waiting) => waiting,
            None => {
                if self.choosing {
                    let footprint = self.footprint(open);
                    self.run(open, lane, footprint);
                }
                self.assigned(open, lane)
            }
        };
        self.hold(open, lane);
        self.states.insert(open.issue.number, state);
    }

    /// An issue with the trigger label and no lane yet. `reserved` lanes are those younger
    /// issues waiting for a lane are bound to.
    fn choose_lane(&mut self, open: &OpenIssue<'s>, reserved: &BTreeSet<usize>) {
        let number = open.issue.number;
        let state = waiting(open, None).unwrap_or_else(|| {
            let eligible = self.lanes.eligible(&open.tracks);
            let free = self.lanes.ranked(&eligible, &open.tracks, reserved);
            let names: Vec<String> = free.iter().map(|&lane| self.lane_name(lane)).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let footprint = self.footprint(open);
            let dispatch = footprint::dispatch(
                &names,
                &footprint,
                &as_running(&self.running),
                &as_running(&self.finished),
            );
            match dispatch {
                Dispatch::Start(at) => {
                    let lane = free[at];
                    self.hold(open, lane);
                    self.run(open, lane, footprint);
                    self.assigned(open, lane)
                }
                Dispatch::Wait(wait) => self.queued(open, &eligible, Some(wait)),
                Dispatch::NoRoom => self.queued(open, &eligible, None),
            }
        });
        // A command's assignment that did not take replaces the old record, or the next
        // plan would read the missing label as a release.
        if self.records.contains_key(&number) && !matches!(state, TaskState::Assigned(_)) {
            self.records_out.forgotten.push(number);
        }
        self.states.insert(number, state);
    }

    /// The files the task will change, when footprints are waited for.
    fn footprint(&self, open: &OpenIssue<'_>) -> Vec<String> {
        if !self.config.footprint_wait {
            return Vec::new();
        }
        let tracks: Vec<String> = open
            .tracks
            .iter()
            .flat_map(|track| track.paths.globs().map(str::to_owned))
            .collect();
        footprint::of_task(&open.issue.body, &tracks)
    }

    /// Records the task as running on `lane`, for the footprints of the tasks after it.
    fn run(&mut self, open: &OpenIssue<'_>, lane: usize, footprint: Vec<String>) {
        if !footprint.is_empty() {
            self.running.push(Held {
                lane: self.lane_name(lane),
                issue: open.issue.number,
                footprint,
            });
        }
    }

    fn hold(&mut self, open: &OpenIssue<'s>, lane: usize) {
        self.lanes.take(
            lane,
            Slot {
                hours: open.estimate.unwrap_or(UNESTIMATED_HOURS),
                tracks: open.tracks.clone(),
            },
        );
    }

    fn lane_name(&self, lane: usize) -> String {
        self.lanes
            .agent(lane)
            .map(|agent| agent.name.clone())
            .unwrap_or_default()
    }

    fn assigned(&mut self, open: &OpenIssue<'s>, lane: usize) -> TaskState {
        let number = open.issue.number;
        let name = self.lane_name(lane);
        let recorded = self
            .records
            .get(&number)
            .is_some_and(|record| record.lane.eq_ignore_ascii_case(&name));
        if !recorded {
            self.records_out.assigned.push(AssignmentRecord {
                issue: number,
                lane: name.clone(),
                assigned_at: self.snapshot.now,
            });
        }
        let branch = self.branch(lane, open.issue);
        // Beside the clone, named after the repository and the lane (and the task, when the
        // lane has a branch per task and so may hold several worktrees).
        let repo = self.snapshot.repo.name();
        let worktree = if self.config.branch_per_lane() {
            format!("{repo}-{name}")
        } else {
            format!("{repo}-{name}-{}", number.0)
        };
        TaskState::Assigned(Assignment {
            lane: name,
            branch,
            worktree,
            lane_branch: self.config.branch_per_lane(),
            tracks: open
                .tracks
                .iter()
                .map(|track| TrackPaths {
                    name: track.name.clone(),
                    paths: track.paths.globs().map(str::to_owned).collect(),
                })
                .collect(),
            depends_on: open.depends_on.clone(),
            estimate: open.estimate,
            overlaps: Vec::new(),
            was_blocked_by: self.was_blocked_by(open),
        })
    }

    /// The lane's branch for the issue: one that already exists for this lane and issue (so a
    /// retitled issue keeps its branch), else the template's.
    fn branch(&self, lane: usize, issue: &Issue) -> String {
        let Some(agent) = self.lanes.agent(lane) else {
            return String::new();
        };
        let existing = (!self.config.branch_per_lane())
            .then(|| {
                self.snapshot.branches.iter().find(|branch| {
                    self.config.lane_branch(branch).is_some_and(|read| {
                        read.agent.name == agent.name && read.issue == Some(issue.number)
                    })
                })
            })
            .flatten();
        existing
            .cloned()
            .unwrap_or_else(|| self.config.branch_for(agent, issue.number, &issue.title))
    }

    /// What the issue was told it waits for, as recorded; failing that, its closed
    /// dependencies if it still wears the `blocked` label.
    fn was_blocked_by(&self, open: &OpenIssue<'_>) -> Vec<IssueNumber> {
        let told = (self.snapshot.was_blocked.iter())
            .find(|record| record.issue == open.issue.number)
            .map(|record| record.by.clone())
            .unwrap_or_default();
        if !told.is_empty() {
            return told;
        }
        let wore_blocked = open
            .issue
            .labels
            .iter()
            .any(|l| same_label(l, BLOCKED_LABEL));
        if !wore_blocked {
            return Vec::new();
        }
        open.depends_on
            .iter()
            .filter(|dep| dep.state == DependencyState::Closed)
            .map(|dep| dep.issue)
            .collect()
    }

    fn queued(
        &self,
        open: &OpenIssue<'_>,
        eligible: &[usize],
        footprint: Option<FootprintWait>,
    ) -> TaskState {
        let bound_by = self
            .lanes
            .bound_track(&open.tracks)
            .map(|track| track.name.clone());
        TaskState::Queued(Queued {
            lanes: eligible.iter().map(|&lane| self.lane_name(lane)).collect(),
            footprint,
            bound_by,
            capacity: self.config.capacity,
            depends_on: open.depends_on.clone(),
            estimate: open.estimate,
            was_blocked_by: self.was_blocked_by(open),
        })
    }

    fn in_plan(&self, issue: IssueNumber) -> bool {
        self.plans.values().any(|subs| subs.contains(&issue))
    }

    /// Each plan's comment, once its sub-issues have their states. A plan that had a lane
    /// before it had sub-issues leaves it.
    fn plan_plans(&mut self, open: &[OpenIssue<'s>]) {
        let lanes = self.config.agents.len();
        for (&parent, subs) in &self.plans {
            let progress = progress(subs, self.snapshot, open, &self.states, lanes);
            if self.records.contains_key(&parent) {
                self.records_out.forgotten.push(parent);
            }
            self.states.insert(parent, TaskState::Plan(progress));
        }
    }

    /// Closed issues with an assignment record: done if a merged pull request closed them,
    /// else released.
    fn plan_closed(&mut self) {
        for issue in self.snapshot.issues.iter().filter(|issue| !issue.open) {
            let Some(record) = self.records.get(&issue.number) else {
                continue;
            };
            let state = match merged_closer(self.snapshot, issue.number) {
                Some(pr) => {
                    let done = Completion {
                        issue: issue.number,
                        lane: record.lane.clone(),
                        pr: pr.number,
                        files_changed: pr.files.clone(),
                        assigned_at: record.assigned_at,
                        merged_at: pr.merged_at,
                    };
                    self.records_out.completed.push(done.clone());
                    TaskState::Done(done)
                }
                None => TaskState::Released(Released {
                    lane: record.lane.clone(),
                    why: ReleaseReason::ClosedUnmerged,
                }),
            };
            self.records_out.forgotten.push(issue.number);
            self.states.insert(issue.number, state);
        }
    }

    /// Warns each assigned task of other lanes' assigned tasks whose tracks share paths.
    fn add_overlaps(&mut self, open: &[OpenIssue<'s>]) {
        let tracks: BTreeMap<IssueNumber, &[&Track]> = open
            .iter()
            .map(|o| (o.issue.number, o.tracks.as_slice()))
            .collect();
        let active: Vec<(IssueNumber, String)> = self
            .states
            .iter()
            .filter_map(|(&issue, state)| match state {
                TaskState::Assigned(a) => Some((issue, a.lane.clone())),
                _ => None,
            })
            .collect();
        for (issue, lane) in &active {
            let ours = tracks.get(issue).copied().unwrap_or_default();
            let overlaps: Vec<PlannedOverlap> = active
                .iter()
                .filter(|(other, other_lane)| other != issue && other_lane != lane)
                .filter_map(|(other, other_lane)| {
                    let theirs = tracks.get(other).copied().unwrap_or_default();
                    planned_overlap(ours, theirs).map(|(track, ours, theirs)| PlannedOverlap {
                        issue: *other,
                        lane: other_lane.clone(),
                        track,
                        theirs,
                        ours,
                    })
                })
                .collect();
            if let Some(TaskState::Assigned(assignment)) = self.states.get_mut(issue) {
                assignment.overlaps = overlaps;
            }
        }
    }

    /// The board, from the open tasks oldest first and every completion so far.
    fn board(&self, open: &[OpenIssue<'s>]) -> Board {
        let tasks: Vec<BoardTask<'_>> = open
            .iter()
            .filter_map(|o| {
                let state = self.states.get(&o.issue.number)?;
                let lane = match state.lane() {
                    Some(name) => self.lanes.index(name),
                    None => self.lanes.bound_lane(&o.tracks),
                };
                Some(BoardTask {
                    issue: o.issue,
                    state,
                    estimate: o.estimate,
                    depends_on: &o.open_dependencies,
                    lane,
                })
            })
            .collect();
        let mut completions: Vec<Completion> = self.snapshot.completions.clone();
        for done in &self.records_out.completed {
            if !completions.iter().any(|c| c.issue == done.issue) {
                completions.push(done.clone());
            }
        }
        board(&BoardInput {
            config: self.config,
            tasks: &tasks,
            open_prs: &self.snapshot.open_prs,
            completions: &completions,
            merge_queue: self.snapshot.merge_queue.as_ref(),
        })
    }
}

/// The merged pull request that closed `issue`: the first to merge.
fn merged_closer(snapshot: &Snapshot, issue: IssueNumber) -> Option<&MergedPr> {
    snapshot
        .merged_prs
        .iter()
        .filter(|pr| pr.closes.contains(&issue))
        .min_by_key(|pr| (pr.merged_at, pr.number))
}

/// How many finished tasks are asked which lane last changed a file: the most recent, so the
/// question costs the same however long the history.
const RECENT_FINISHED: usize = 100;

/// The tasks lanes finished, with the files their pull requests changed, most recent first:
/// those recorded, and those a merged pull request closed since; the [`RECENT_FINISHED`] most
/// recent.
fn finished(snapshot: &Snapshot) -> Vec<Held> {
    if !snapshot.config.footprint_wait {
        return Vec::new();
    }
    let mut done: Vec<(chrono::DateTime<chrono::Utc>, Held)> = snapshot
        .completions
        .iter()
        .map(|c| {
            (
                c.merged_at,
                c.lane.clone(),
                c.issue,
                c.files_changed.clone(),
            )
        })
        .chain(
            snapshot
                .issues
                .iter()
                .filter(|i| !i.open)
                .filter_map(|issue| {
                    let record = snapshot
                        .assignments
                        .iter()
                        .find(|r| r.issue == issue.number)?;
                    let pr = merged_closer(snapshot, issue.number)?;
                    Some((
                        pr.merged_at,
                        record.lane.clone(),
                        issue.number,
                        pr.files.clone(),
                    ))
                }),
        )
        .filter(|(.., files)| !files.is_empty())
        .map(|(at, lane, issue, footprint)| {
            (
                at,
                Held {
                    lane,
                    issue,
                    footprint,
                },
            )
        })
        .collect();
    done.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.issue.cmp(&a.1.issue)));
    done.truncate(RECENT_FINISHED);
    done.into_iter().map(|(_, held)| held).collect()
}

/// The first pair of tracks that share paths: the other track's name, our glob, theirs.
fn planned_overlap(ours: &[&Track], theirs: &[&Track]) -> Option<(String, String, String)> {
    ours.iter().find_map(|our| {
        theirs.iter().find_map(|their| {
            first_overlap(our, their).map(|(o, t)| (their.name.clone(), o.to_owned(), t.to_owned()))
        })
    })
}
