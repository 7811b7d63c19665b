//! The rules told as stories: a repository, people labelling, closing and merging, and what
//! the plan makes of it. `World::apply` plays the part of the writer, so every story also
//! checks that a second plan has nothing left to write.

use super::*;
use crate::assign::*;
use crate::config::tests::track;
use crate::config::{Agent, Config};
use crate::ids::{CommentId, IssueNumber, PrNumber, RepoName};
use crate::order::{self, Candidate, Conflict, OrderInput};
use chrono::{DateTime, Duration, Utc};
use std::collections::BTreeMap;

// Only the stories ask whether a plan is settled or look a task up by its issue.
impl Plan {
    /// Nothing to write: applying the plan would change nothing.
    fn is_settled(&self) -> bool {
        self.tasks.iter().all(TaskPlan::is_settled)
            && self.labels_to_create.is_empty()
            && self.branches_to_create.is_empty()
            && self.records.is_empty()
            && self.commands.is_empty()
            && self.board_change.is_none()
    }

    fn task(&self, issue: IssueNumber) -> Option<&TaskPlan> {
        self.tasks.iter().find(|task| task.issue == issue)
    }
}

impl TaskPlan {
    fn is_settled(&self) -> bool {
        self.add_labels.is_empty()
            && self.remove_labels.is_empty()
            && self.add_assignees.is_empty()
            && self.remove_assignees.is_empty()
            && self.comment.is_none()
    }
}

impl RecordChanges {
    fn is_empty(&self) -> bool {
        self.assigned.is_empty()
            && self.forgotten.is_empty()
            && self.completed.is_empty()
            && self.was_blocked.is_none()
    }
}

struct World {
    snapshot: Snapshot,
    next_comment: u64,
    /// The outcomes of the commands each plan handled.
    handled: Vec<CommandOutcome>,
}

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap() + Duration::minutes(minutes)
}

fn config(lanes: usize, capacity: u32) -> Config {
    Config {
        agents: (1..=lanes)
            .map(|n| Agent::named(format!("agent-{n}")))
            .collect(),
        capacity,
        ..Config::default()
    }
}

impl World {
    fn new(config: Config) -> World {
        World {
            snapshot: Snapshot {
                config,
                repo: "acme/widgets".parse().unwrap(),
                now: at(0),
                issues: vec![],
                comments: vec![],
                open_prs: vec![],
                merged_prs: vec![],
                branches: vec!["main".into()],
                labels: vec!["bug".into()],
                assignments: vec![],
                completions: vec![],
                was_blocked: vec![],
                status_issue: None,
                merge_queue: None,
                commands: vec![],
            },
            next_comment: 1000,
            handled: vec![],
        }
    }

    fn issue(&mut self, number: u64, title: &str, body: &str, labels: &[&str]) -> &mut Self {
        self.snapshot.issues.push(Issue {
            number: IssueNumber(number),
            title: title.into(),
            body: body.into(),
            labels: labels.iter().map(|l| (*l).to_owned()).collect(),
            assignees: vec![],
            created_at: at(number as i64),
            open: true,
            pull_request: false,
            linked_blockers: vec![],
            sub_issues: vec![],
        });
        self
    }

    fn get(&mut self, number: u64) -> &mut Issue {
        self.snapshot
            .issues
            .iter_mut()
            .find(|issue| issue.number == IssueNumber(number))
            .unwrap()
    }

    fn label(&mut self, number: u64, label: &str) -> &mut Self {
        self.get(number).labels.push(label.into());
        self
    }

    fn unlabel(&mut self, number: u64, label: &str) -> &mut Self {
        self.get(number).labels.retain(|held| held != label);
        self
    }

    fn close(&mut self, number: u64) -> &mut Self {
        self.get(number).open = false;
        self
    }

    fn open_pr(&mut self, pr: u64, head: &str, closes: &[u64], overlaps: &[u64]) -> &mut Self {
        self.snapshot.open_prs.push(BoardPr {
            number: PrNumber(pr),
            head_branch: head.into(),
            closes: closes.iter().copied().map(IssueNumber).collect(),
            overlaps_with: overlaps.iter().copied().map(PrNumber).collect(),
        });
        self
    }

    /// Merges an open pull request, closing the issues it closes.
    fn merge(&mut self, pr: u64, files: &[&str]) -> &mut Self {
        let at_ = self.snapshot.now;
        let position = self
            .snapshot
            .open_prs
            .iter()
            .position(|open| open.number == PrNumber(pr))
            .unwrap();
        let open = self.snapshot.open_prs.remove(position);
        for issue in &open.closes {
            self.close(issue.0);
        }
        self.snapshot.merged_prs.push(MergedPr {
            number: open.number,
            merged_at: at_,
            files: files.iter().map(|f| (*f).to_owned()).collect(),
            closes: open.closes,
        });
        self
    }

    fn command(&mut self, issue: u64, login: &str, access: Access, body: &str) -> &mut Self {
        self.next_comment += 1;
        self.snapshot.commands.push(CommandComment {
            issue: IssueNumber(issue),
            on_pull_request: false,
            comment: CommentId(self.next_comment),
            author: Author {
                login: login.into(),
                is_bot: false,
                is_app: false,
                access,
            },
            body: body.into(),
        });
        self
    }

    fn later(&mut self, minutes: i64) -> &mut Self {
        self.snapshot.now += Duration::minutes(minutes);
        self
    }

    fn plan(&self) -> Plan {
        plan(&self.snapshot)
    }

    /// Plans, writes the plan as the writer would, and checks the next plan writes nothing.
    fn settle(&mut self) -> Plan {
        let plan = self.plan();
        self.apply(&plan);
        let again = self.plan();
        assert!(again.is_settled(), "a second plan still writes: {again:#?}");
        plan
    }

    fn apply(&mut self, plan: &Plan) {
        let s = &mut self.snapshot;
        s.labels
            .extend(plan.labels_to_create.iter().map(|l| l.name.clone()));
        s.branches.extend(plan.branches_to_create.iter().cloned());
        for task in &plan.tasks {
            let issue = s
                .issues
                .iter_mut()
                .find(|issue| issue.number == task.issue)
                .unwrap();
            issue.labels.retain(|l| !task.remove_labels.contains(l));
            issue.labels.extend(task.add_labels.iter().cloned());
            issue
                .assignees
                .retain(|a| !task.remove_assignees.contains(a));
            issue.assignees.extend(task.add_assignees.iter().cloned());
            match &task.comment {
                Some(CommentChange::Create { body }) => {
                    self.next_comment += 1;
                    s.comments.push(ExistingComment {
                        issue: task.issue,
                        id: CommentId(self.next_comment),
                        body: body.clone(),
                    });
                }
                Some(CommentChange::Update { id, body }) => {
                    let comment = s.comments.iter_mut().find(|c| c.id == *id).unwrap();
                    comment.body = body.clone();
                }
                None => {}
            }
        }
        for record in &plan.records.assigned {
            s.assignments.retain(|r| r.issue != record.issue);
            s.assignments.push(record.clone());
        }
        s.assignments
            .retain(|r| !plan.records.forgotten.contains(&r.issue));
        s.completions.extend(plan.records.completed.iter().cloned());
        if let Some(was_blocked) = &plan.records.was_blocked {
            s.was_blocked = was_blocked.clone();
        }
        self.handled.extend(plan.commands.iter().cloned());
        s.commands.clear();
        match &plan.board_change {
            Some(BoardChange::Create { body, .. }) => {
                s.status_issue = Some(StatusIssue {
                    number: IssueNumber(100),
                    body: body.clone(),
                });
            }
            Some(BoardChange::Update { body, .. }) => {
                if let Some(board) = &mut s.status_issue {
                    board.body = body.clone();
                }
            }
            None => {}
        }
    }

    fn labels(&self, number: u64) -> Vec<&str> {
        let issue = self
            .snapshot
            .issues
            .iter()
            .find(|issue| issue.number == IssueNumber(number))
            .unwrap();
        let mut labels: Vec<&str> = issue.labels.iter().map(String::as_str).collect();
        labels.sort_unstable();
        labels
    }

    fn comment(&self, number: u64) -> &str {
        self.snapshot
            .comments
            .iter()
            .find(|c| c.issue == IssueNumber(number))
            .map_or("", |c| c.body.as_str())
    }

    fn board(&self) -> &str {
        self.snapshot
            .status_issue
            .as_ref()
            .map_or("", |board| board.body.as_str())
    }
}

fn lane_of(plan: &Plan, number: u64) -> Option<String> {
    plan.task(IssueNumber(number))
        .and_then(|task| task.state.lane())
        .filter(|_| {
            matches!(
                plan.task(IssueNumber(number)).map(|t| &t.state),
                Some(TaskState::Assigned(_))
            )
        })
        .map(str::to_owned)
}

fn state_name(plan: &Plan, number: u64) -> &'static str {
    match plan.task(IssueNumber(number)).map(|task| &task.state) {
        None => "untracked",
        Some(TaskState::Assigned(_)) => "assigned",
        Some(TaskState::Blocked(_)) => "blocked",
        Some(TaskState::Cycle(_)) => "cycle",
        Some(TaskState::Queued(_)) => "queued",
        Some(TaskState::Released(_)) => "released",
        Some(TaskState::Withdrawn(_)) => "withdrawn",
        Some(TaskState::Done(_)) => "done",
        Some(TaskState::UnknownLane(_)) => "unknown lane",
        Some(TaskState::Plan(_)) => "plan",
    }
}

#[test]
fn labelling_an_issue_plans_every_write_of_an_assignment() {
    let mut config = config(2, 1);
    config.agents[0].login = Some("octo-one".into());
    let mut world = World::new(config);
    world.issue(1, "Parser", "", &["parallel", "estimate: 2h"]);
    let plan = world.plan();

    let task = plan.task(IssueNumber(1)).unwrap();
    assert_eq!(task.add_labels, ["agent:agent-1"]);
    assert!(task.remove_labels.is_empty());
    assert_eq!(task.add_assignees, ["octo-one"]);
    assert!(
        matches!(&task.comment, Some(CommentChange::Create { body }) if body.contains(
            "git fetch origin && git worktree add --track -b parallel-dev/agent-1 ../widgets-agent-1 origin/parallel-dev/agent-1"
        ))
    );
    assert_eq!(plan.branches_to_create, ["parallel-dev/agent-1"]);
    assert_eq!(
        plan.labels_to_create,
        [LabelSpec {
            name: "agent:agent-1".into(),
            color: "1d76db".into(),
            description: "Assigned to Switchyard lane agent-1".into(),
        }]
    );
    assert_eq!(
        plan.records.assigned,
        [AssignmentRecord {
            issue: IssueNumber(1),
            lane: "agent-1".into(),
            assigned_at: at(0),
        }]
    );
    assert!(
        matches!(&plan.board_change, Some(BoardChange::Create { title, .. }) if title == "Switchyard status")
    );
    assert_eq!(plan, world.plan(), "the same snapshot gives the same plan");
}

#[test]
fn a_redelivered_label_event_assigns_nothing_twice() {
    let mut world = World::new(config(3, 1));
    world.issue(1, "Parser", "", &["parallel"]);
    world.settle();
    let comments = world.snapshot.comments.len();
    let again = world.plan();
    assert!(again.is_settled());
    assert!(again.records.assigned.is_empty());
    assert_eq!(world.snapshot.comments.len(), comments);
    assert_eq!(world.labels(1), ["agent:agent-1", "parallel"]);
}

#[test]
fn issues_labelled_at_the_same_moment_never_overfill_a_lane() {
    let mut world = World::new(config(2, 1));
    for number in 1..=3 {
        world.issue(number, "Task", "", &["parallel"]);
        world.get(number).created_at = at(0);
    }
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-2"));
    assert_eq!(state_name(&plan, 3), "queued");
    assert_eq!(world.labels(3), ["parallel", "queued"]);
    assert_eq!(plan.records.assigned.len(), 2);
}

#[test]
fn queued_issues_are_assigned_oldest_first_when_a_lane_frees() {
    let mut world = World::new(config(1, 1));
    world
        .issue(1, "First", "", &["parallel"])
        .issue(2, "Second", "", &["parallel"])
        .issue(3, "Third", "", &["parallel"]);
    world.settle();
    world.close(1).later(30);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 1), "released");
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-1"));
    assert_eq!(state_name(&plan, 3), "queued");
    assert_eq!(world.labels(2), ["agent:agent-1", "parallel"]);
    assert_eq!(
        world.comment(1),
        "<!-- switchyard:assign -->\n**Closed** without a merged pull request, so lane \
         `agent-1` is free for other work."
    );
}

#[test]
fn capacity_two_takes_two_tasks_per_lane() {
    let mut world = World::new(config(1, 2));
    world
        .issue(1, "A", "", &["parallel"])
        .issue(2, "B", "", &["parallel"])
        .issue(3, "C", "", &["parallel"]);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-1"));
    assert_eq!(state_name(&plan, 3), "queued");
    assert_eq!(plan.branches_to_create, ["parallel-dev/agent-1"]);
}

const NOTES: &str = "**Files:**\n\n- `src/store/notes.ts`\n";
const SEARCH: &str = "Files: `src/store/notes.ts`, `src/search.ts`\n";

/// Docs on agent-1, the notes store on agent-2, and the search, which also changes the notes
/// store, labelled last.
fn notes_world(config: Config) -> World {
    let mut world = World::new(config);
    world
        .issue(
            1,
            "Docs",
            "Update `docs/guide.md`.",
            &["parallel", "estimate: 1h"],
        )
        .issue(2, "Notes store", NOTES, &["parallel", "estimate: 2h"])
        .issue(3, "Notes search", SEARCH, &["parallel", "estimate: 2h"]);
    world
}

#[test]
fn two_tasks_sharing_a_file_never_run_at_once_and_the_waiting_one_takes_the_holder_lane() {
    let mut world = notes_world(config(3, 1));
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-2"));
    assert_eq!(
        state_name(&plan, 3),
        "queued",
        "agent-3 is free, but #2 changes the file"
    );
    assert_eq!(world.labels(3), ["estimate: 2h", "parallel", "queued"]);
    assert!(world.comment(3).contains(
        "**Queued** — waits: would change `src/store/notes.ts`, which agent-2 is changing for #2."
    ));
    assert!(
        world.board().contains(
            "- #3 Notes search (2 h): waits: would change `src/store/notes.ts`, which agent-2 \
             is changing for #2"
        ),
        "{}",
        world.board()
    );

    // agent-1 frees first: the search still waits, as it would run beside #2.
    world
        .later(60)
        .open_pr(10, "parallel-dev/agent-1", &[1], &[]);
    world.merge(10, &["docs/guide.md"]);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 1), "done");
    assert_eq!(state_name(&plan, 3), "queued");

    // #2 lands: every lane is free and the search goes to agent-2, which changed the file.
    world
        .later(60)
        .open_pr(11, "parallel-dev/agent-2", &[2], &[]);
    world.merge(11, &["src/store/notes.ts"]);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 2), "done");
    assert_eq!(lane_of(&plan, 3).as_deref(), Some("agent-2"));
}

#[test]
fn with_footprint_wait_off_both_run_at_once() {
    let mut config = config(3, 1);
    config.footprint_wait = false;
    let mut world = notes_world(config);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-2"));
    assert_eq!(lane_of(&plan, 3).as_deref(), Some("agent-3"));
}

#[test]
fn a_lane_with_room_takes_the_task_beside_the_one_changing_its_file() {
    let mut world = notes_world(config(3, 2));
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-2"));
    assert_eq!(
        lane_of(&plan, 3).as_deref(),
        Some("agent-2"),
        "the lightest lane is agent-3, but agent-2 holds the file"
    );
}

#[test]
fn a_persons_assign_command_overrides_the_wait() {
    let mut world = notes_world(config(3, 1));
    world.settle();
    world.command(3, "octocat", Access::Write, "/switchyard assign agent-3");
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 3).as_deref(), Some("agent-3"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-2"));
}

#[test]
fn a_tracks_paths_are_the_footprint_of_an_issue_without_files() {
    let mut config = config(2, 1);
    config.tracks = vec![
        track("core", &["src/**"], None),
        track("api", &["src/api/**"], None),
    ];
    let mut world = World::new(config);
    world
        .issue(1, "Core", "", &["parallel", "track:core"])
        .issue(2, "Api", "", &["parallel", "track:api"]);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(state_name(&plan, 2), "queued");
    assert!(
        world
            .comment(2)
            .contains("waits: would change `src/api/**`, which agent-1 is changing for #1")
    );
}

#[test]
fn a_bound_track_sends_its_issues_to_its_lane_or_waits_for_it() {
    let mut config = config(3, 1);
    config.tracks = vec![track("core", &["src/core/**"], Some("agent-3"))];
    let mut world = World::new(config);
    world
        .issue(1, "Core one", "", &["parallel", "track:core"])
        .issue(2, "Core two", "", &["parallel", "Track:Core"]);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-3"));
    assert_eq!(state_name(&plan, 2), "queued");
    assert!(world.comment(2).contains(
        "**Queued**: its track `core` is bound to lane `agent-3`, which is full (1 task at a time)."
    ));
}

#[test]
fn lanes_whose_tracks_share_no_paths_come_first_and_overlaps_are_warned() {
    let mut config = config(3, 2);
    // Footprints would hold #4 back while #1 runs, or put it beside #1; here they are off.
    config.footprint_wait = false;
    config.tracks = vec![
        track("core", &["src/**"], None),
        track("api", &["src/api/**"], None),
        track("web", &["web/**"], None),
    ];
    let mut world = World::new(config);
    world
        .issue(1, "Core", "", &["parallel", "track:core", "estimate: 1h"])
        .issue(2, "Web", "", &["parallel", "track:web", "estimate: 8h"])
        .issue(3, "Web two", "", &["parallel", "track:web", "estimate: 8h"])
        .issue(4, "Api", "", &["parallel", "track:api", "estimate: 1h"]);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-2"));
    assert_eq!(lane_of(&plan, 3).as_deref(), Some("agent-3"));
    // agent-1 is the lightest but shares `src/**`; agent-2 has 8 h of web work only.
    assert_eq!(lane_of(&plan, 4).as_deref(), Some("agent-2"));
    assert!(world.comment(1).contains(
        "> - #4 on lane `agent-2`: track `api` owns `src/api/**`, which overlaps `src/**` here."
    ));
    assert!(world.comment(4).contains(
        "> - #1 on lane `agent-1`: track `core` owns `src/**`, which overlaps `src/api/**` here."
    ));
    assert!(world.comment(2).contains(
        "> - #3 on lane `agent-3`: track `web` owns `web/**`, which overlaps `web/**` here."
    ));
    assert!(
        !world.comment(2).contains("#4 on lane"),
        "same lane, same branch"
    );
}

#[test]
fn blocked_until_the_last_dependency_closes_then_assigned_and_says_so() {
    let mut world = World::new(config(2, 1));
    world
        .issue(1, "Model", "", &[])
        .issue(2, "Schema", "", &[])
        .issue(3, "Api", "Depends on #1\n- [ ] #2\n- [x] #9", &["parallel"]);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 3), "blocked");
    assert_eq!(world.labels(3), ["blocked", "parallel"]);
    assert!(plan.branches_to_create.is_empty());
    assert!(
        plan.board_change.is_none(),
        "no board before the first assignment"
    );

    world.close(1);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 3), "blocked");
    assert!(
        world
            .comment(3)
            .starts_with("<!-- switchyard:assign -->\n**Blocked** by #2, which is still open.")
    );

    world.close(2);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 3).as_deref(), Some("agent-1"));
    assert_eq!(world.labels(3), ["agent:agent-1", "parallel"]);
    assert!(
        world
            .comment(3)
            .contains("Was blocked by #2, now assigned.")
    );

    world.later(60).label(3, "estimate: 1h");
    world.settle();
    assert!(
        world
            .comment(3)
            .contains("Was blocked by #2, now assigned."),
        "the note outlives the blocked label"
    );
}

#[test]
fn a_dependency_cycle_is_named_and_nothing_in_it_is_assigned() {
    let mut world = World::new(config(3, 1));
    world
        .issue(3, "A", "Depends on #5", &["parallel"])
        .issue(5, "B", "Blocked by #7", &["parallel"])
        .issue(7, "C", "Depends on #3", &["parallel"])
        .issue(8, "D", "Depends on #7", &["parallel"]);
    let plan = world.settle();
    for number in [3, 5, 7] {
        assert_eq!(state_name(&plan, number), "cycle");
        assert!(
            world
                .comment(number)
                .contains("**Dependency cycle**: #3 → #5 → #7 → #3"),
            "{}",
            world.comment(number)
        );
        assert_eq!(world.labels(number), ["blocked", "parallel"]);
    }
    assert_eq!(state_name(&plan, 8), "blocked");
    assert!(plan.records.assigned.is_empty());
}

#[test]
fn removing_the_agent_label_releases_the_lane_for_the_queue() {
    let mut config = config(1, 1);
    config.agents[0].login = Some("octo".into());
    let mut world = World::new(config);
    world
        .issue(1, "First", "", &["parallel"])
        .issue(2, "Second", "", &["parallel"]);
    world.settle();
    assert_eq!(world.snapshot.issues[0].assignees, ["octo"]);

    world.unlabel(1, "agent:agent-1").later(5);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 1), "released");
    assert_eq!(
        plan.task(IssueNumber(1)).unwrap().remove_labels,
        ["parallel"]
    );
    assert_eq!(
        plan.task(IssueNumber(1)).unwrap().remove_assignees,
        ["octo"]
    );
    assert_eq!(plan.records.forgotten, [IssueNumber(1)]);
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-1"));
    assert!(world.labels(1).is_empty());
    assert!(
        world
            .comment(1)
            .contains("**Released** from lane `agent-1`")
    );
    assert_eq!(state_name(&world.plan(), 1), "untracked");
}

#[test]
fn a_merged_pull_request_marks_the_task_done_with_files_and_time() {
    let mut world = World::new(config(2, 1));
    world.issue(1, "Parser", "", &["parallel"]);
    world.settle();
    world
        .later(390)
        .open_pr(10, "parallel-dev/agent-1", &[1], &[])
        .merge(10, &["src/parser.rs", "src/lexer.rs"]);
    let plan = world.settle();
    assert_eq!(
        plan.records.completed,
        [Completion {
            issue: IssueNumber(1),
            lane: "agent-1".into(),
            pr: PrNumber(10),
            files_changed: vec!["src/parser.rs".into(), "src/lexer.rs".into()],
            assigned_at: at(0),
            merged_at: at(390),
        }]
    );
    assert_eq!(
        world.comment(1),
        "<!-- switchyard:assign -->\n**Done**: #10 merged 6.5 h after lane `agent-1` took this \
         issue, changing 2 files."
    );
    assert!(
        world
            .board()
            .contains("| `agent-1` | `parallel-dev/agent-1` | — | — | 1 | — | — |")
    );
}

#[test]
fn a_person_s_agent_label_is_obeyed_even_on_a_full_lane() {
    let mut world = World::new(config(2, 1));
    world
        .issue(1, "A", "", &["agent:agent-2"])
        .issue(2, "B", "", &["AGENT:Agent-2"])
        .issue(3, "C", "", &["parallel"]);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-2"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-2"));
    assert_eq!(lane_of(&plan, 3).as_deref(), Some("agent-1"));
    assert_eq!(world.labels(2), ["AGENT:Agent-2"]);
}

#[test]
fn two_agent_labels_keep_the_first_lane_in_config_order() {
    let mut world = World::new(config(2, 1));
    world.issue(1, "A", "", &["agent:agent-2", "agent:agent-1"]);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(world.labels(1), ["agent:agent-1"]);
}

#[test]
fn an_unknown_lane_gets_a_comment_and_no_lane() {
    let mut world = World::new(config(3, 1));
    world.issue(1, "A", "", &["agent:agnet-3"]);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 1), "unknown lane");
    assert!(world.comment(1).contains("Did you mean `agent:agent-3`?"));
    assert!(plan.branches_to_create.is_empty());
}

#[test]
fn a_queued_issue_that_loses_the_trigger_label_is_withdrawn() {
    let mut world = World::new(config(1, 1));
    world
        .issue(1, "A", "", &["parallel"])
        .issue(2, "B", "", &["parallel"]);
    world.settle();
    world.unlabel(2, "parallel");
    let plan = world.settle();
    assert_eq!(state_name(&plan, 2), "withdrawn");
    assert!(world.labels(2).is_empty());
    assert!(world.comment(2).contains("**No longer waiting**"));
}

#[test]
fn a_branch_per_task_is_kept_when_the_issue_is_renamed() {
    let mut config = config(2, 1);
    config.branch_template = "{agent}/{issue}-{slug}".parse().unwrap();
    let mut world = World::new(config);
    world.issue(16, "Status command", "", &["parallel"]);
    let plan = world.settle();
    assert_eq!(plan.branches_to_create, ["agent-1/16-status-command"]);
    assert!(world.comment(16).contains(
        "git fetch origin && git worktree add --track -b agent-1/16-status-command \
         ../widgets-agent-1-16 origin/agent-1/16-status-command"
    ));
    assert!(!world.comment(16).contains("from task to task"));
    world.get(16).title = "The status command".into();
    let plan = world.settle();
    assert!(plan.branches_to_create.is_empty());
}

#[test]
fn commands_act_through_labels() {
    let mut world = World::new(config(3, 1));
    world
        .issue(1, "A", "", &[])
        .issue(2, "B", "", &["parallel"]);
    world.command(1, "mona", Access::Write, "/switchyard assign agent-3");
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-3"));
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-1"));
    assert_eq!(world.handled[0].reaction, Some(Reaction::ThumbsUp));
    assert_eq!(world.handled[0].reply, None);

    world.command(1, "mona", Access::Maintain, "/switchyard release");
    let plan = world.settle();
    assert_eq!(state_name(&plan, 1), "released");
    assert!(world.labels(1).is_empty());

    world.command(1, "mona", Access::Admin, "Please:\n/switchyard assign");
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-2"));
    assert_eq!(world.labels(1), ["agent:agent-2", "parallel"]);
}

#[test]
fn a_command_to_reassign_a_released_issue_in_the_same_plan_is_no_release() {
    let mut world = World::new(config(1, 1));
    world
        .issue(1, "A", "", &["parallel"])
        .issue(2, "B", "", &["parallel"]);
    world.settle();
    world.command(
        1,
        "mona",
        Access::Write,
        "/switchyard release\n/switchyard assign",
    );
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(state_name(&plan, 2), "queued");
}

#[test]
fn commands_without_write_access_do_nothing_and_say_why() {
    let mut world = World::new(config(3, 1));
    world.issue(1, "A", "", &[]);
    world.command(1, "guest", Access::Read, "/switchyard assign");
    let plan = world.settle();
    assert!(plan.tasks.is_empty());
    assert!(world.labels(1).is_empty());
    assert_eq!(
        world.handled[0],
        CommandOutcome {
            issue: IssueNumber(1),
            comment: CommentId(1001),
            reaction: Some(Reaction::Confused),
            reply: Some(
                "@guest: Switchyard takes commands only from people with write access to this \
                 repository, and you have read access, so nothing was done."
                    .into()
            ),
        }
    );
}

#[test]
fn bots_and_the_app_itself_are_not_obeyed() {
    let mut world = World::new(config(3, 1));
    world.issue(1, "A", "", &[]);
    world.command(1, "ci[bot]", Access::Admin, "/switchyard assign");
    world.snapshot.commands[0].author.is_bot = true;
    world.command(1, "switchyard[bot]", Access::Admin, "/switchyard assign");
    world.snapshot.commands[1].author.is_app = true;
    let plan = world.settle();
    assert!(plan.tasks.is_empty());
    assert!(
        world
            .handled
            .iter()
            .all(|o| o.reaction.is_none() && o.reply.is_none())
    );
}

#[test]
fn status_and_help_replies_show_the_plan_after_the_commands() {
    let mut world = World::new(config(1, 1));
    world.issue(1, "Parser", "", &["estimate: 2h"]);
    world.command(
        1,
        "mona",
        Access::Write,
        "/switchyard assign\n/switchyard status\n/switchyard hepl",
    );
    world.settle();
    let outcome = &world.handled[0];
    assert_eq!(outcome.reaction, Some(Reaction::Confused));
    assert_eq!(
        outcome.reply.as_deref(),
        Some(
            "**Status**:

| Lane | Branch | Task | Estimate | Done | Open PR | Overlaps |
| --- | --- | --- | --- | --- | --- | --- |
| `agent-1` | `parallel-dev/agent-1` | #1 Parser | 2 h | 0 | — | — |

Nothing is queued or blocked.

2 h of work, 2 h with 1 lane.

`/switchyard hepl`: `hepl` is not a command; did you mean `help`? The commands are `assign [lane]`, `release`, `status` and `help`."
        )
    );
}

#[test]
fn pull_requests_and_the_board_issue_are_never_assigned() {
    let mut world = World::new(config(2, 1));
    world.issue(1, "A PR", "", &["parallel"]);
    world.get(1).pull_request = true;
    world.issue(100, "Switchyard status", "", &["parallel"]);
    world.snapshot.status_issue = Some(StatusIssue {
        number: IssueNumber(100),
        body: String::new(),
    });
    let plan = world.plan();
    assert!(plan.tasks.is_empty());
}

fn merge_queue(conflicts: &[(u64, u64)], prs: &[u64]) -> MergeQueue {
    let order = order::recommend(&OrderInput {
        candidates: prs
            .iter()
            .map(|&pr| Candidate {
                pr: PrNumber(pr),
                ready: true,
                arrival: pr as i64,
                depends_on: vec![],
            })
            .collect(),
        conflicts: conflicts
            .iter()
            .map(|&(a, b)| Conflict {
                a: PrNumber(a),
                b: PrNumber(b),
                reason: (),
            })
            .collect(),
        exact_budget: std::time::Duration::from_millis(50),
    });
    MergeQueue::from(&order)
}

#[test]
fn the_merge_order_becomes_the_board_s_queue() {
    let queue = merge_queue(&[(11, 12), (11, 13)], &[11, 12, 13]);
    assert_eq!(
        queue.entries,
        [
            QueueEntry {
                pr: PrNumber(12),
                waits_for: vec![]
            },
            QueueEntry {
                pr: PrNumber(13),
                waits_for: vec![]
            },
            QueueEntry {
                pr: PrNumber(11),
                waits_for: vec![PrNumber(12), PrNumber(13)]
            },
        ]
    );
    assert_eq!(
        (queue.rebases, queue.fewest_rebases, queue.arrival_rebases),
        (1, 1, 2)
    );
}

/// Three lanes, six issues with dependencies, told step by step: the closing note quotes the
/// board this ends with.
#[test]
fn worked_example_three_lanes_six_issues() {
    let mut config = config(3, 1);
    config.tracks = vec![
        track("core", &["src/core/**"], Some("agent-1")),
        track("api", &["src/api/**"], None),
        track("web", &["web/**"], None),
        track("docs", &["docs/**"], None),
    ];
    let mut world = World::new(config);
    world
        .issue(1, "Core data model", "", &["track:core", "estimate: 3h"])
        .issue(
            2,
            "REST endpoints",
            "Depends on #1",
            &["track:api", "estimate: 4h"],
        )
        .issue(
            3,
            "Web dashboard",
            "Blocked by #2",
            &["track:web", "estimate: 5h"],
        )
        .issue(4, "CLI client", "", &["size: M"])
        .issue(
            5,
            "User guide",
            "Needs:\n- [ ] #2\n- [ ] #4",
            &["track:docs", "estimate: 2h"],
        )
        .issue(6, "Search index", "", &["track:core", "estimate: 2h"]);

    // A planner labels all six at once: #1 takes the core lane, #6 waits for it, #4 takes
    // the next lane, the rest wait for their dependencies.
    for number in 1..=6 {
        world.label(number, "parallel");
    }
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 1).as_deref(), Some("agent-1"));
    assert_eq!(lane_of(&plan, 4).as_deref(), Some("agent-2"));
    assert_eq!(state_name(&plan, 6), "queued");
    for number in [2, 3, 5] {
        assert_eq!(state_name(&plan, number), "blocked", "#{number}");
    }
    assert!(world.board().contains("20 h of work, 12 h with 3 lanes."));

    // #1 lands after 3 h: #2 starts on the idle lane, leaving the core lane to #6.
    world
        .later(180)
        .open_pr(7, "parallel-dev/agent-1", &[1], &[])
        .merge(7, &["src/core/model.rs", "src/core/mod.rs"]);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 1), "done");
    assert_eq!(lane_of(&plan, 2).as_deref(), Some("agent-3"));
    assert_eq!(lane_of(&plan, 6).as_deref(), Some("agent-1"));
    assert!(
        world
            .comment(2)
            .contains("Was blocked by #1, now assigned.")
    );

    // Three pull requests; the endpoints touch the same lines as the other two.
    world
        .later(120)
        .open_pr(8, "parallel-dev/agent-3", &[2], &[9, 10])
        .open_pr(9, "parallel-dev/agent-2", &[4], &[8])
        .open_pr(10, "parallel-dev/agent-1", &[6], &[8]);
    world.snapshot.merge_queue = Some(merge_queue(&[(8, 9), (8, 10)], &[8, 9, 10]));
    world.settle();
    assert!(world.board().contains(
        "| 1 | #9 | nothing: merge now |\n| 2 | #10 | nothing: merge now |\n| 3 | #8 | #9, #10 |\n\n\
         This order costs 1 rebase; the fewest possible is 1; arrival order would cost 2."
    ));

    // The CLI lands as the queue says; the guide still waits for the endpoints.
    world
        .later(30)
        .merge(9, &["src/cli/main.rs", "src/cli/args.rs", "README.md"]);
    world.snapshot.open_prs[0].overlaps_with = vec![PrNumber(10)];
    world.snapshot.merge_queue = Some(merge_queue(&[(8, 10)], &[8, 10]));
    let plan = world.settle();
    assert_eq!(state_name(&plan, 4), "done");
    assert_eq!(state_name(&plan, 5), "blocked");

    let board = world.board();
    println!("{board}");
    assert_eq!(
        board,
        "<!-- switchyard:status -->
The lanes, what waits, the merge queue and the plan. Switchyard keeps this issue up to date.

## Lanes

| Lane | Branch | Task | Estimate | Done | Open PR | Overlaps |
| --- | --- | --- | --- | --- | --- | --- |
| `agent-1` | `parallel-dev/agent-1` | #6 Search index | 2 h | 1 | #10 | 1 PR |
| `agent-2` | `parallel-dev/agent-2` | — | — | 1 | — | — |
| `agent-3` | `parallel-dev/agent-3` | #2 REST endpoints | 4 h | 0 | #8 | 1 PR |

## Waiting

Blocked:

- #3 Web dashboard: waits for #2
- #5 User guide: waits for #2

## Merge queue

| Order | Pull request | Waits for |
| --- | --- | --- |
| 1 | #8 | nothing: merge now |
| 2 | #10 | #8 |

This order costs 1 rebase; the fewest possible is 1; arrival order would cost 1.

## Plan

13 h of work, 9 h with 3 lanes.

- Longest chain of dependencies: #2 → #3, 9 h.

The time with lanes places the open tasks one at a time, the one with the longest chain of work behind it first, each on its own lane or on the lane that can start it earliest once its dependencies are done."
    );
    let done: BTreeMap<IssueNumber, usize> = world
        .snapshot
        .completions
        .iter()
        .map(|c| (c.issue, c.files_changed.len()))
        .collect();
    assert_eq!(
        done,
        BTreeMap::from([(IssueNumber(1), 2), (IssueNumber(4), 3)])
    );
}

/// A small deterministic generator, so that the many-worlds test needs no extra crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % below.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next(items.len())]
    }
}

/// Random repositories: whatever the labels, bodies and commands, planning never panics, the
/// plan settles after one application, and the App alone never overfills a lane.
#[test]
fn many_random_worlds_settle_and_respect_capacity() {
    const LABELS: &[&str] = &[
        "parallel",
        "parallel",
        "queued",
        "blocked",
        "track:core",
        "track:api",
        "track:web",
        "estimate: 2h",
        "size: S",
        "agent:zeta",
        "bug",
    ];
    const BODIES: &[&str] = &[
        "",
        "Depends on #",
        "Blocked by #",
        "- [ ] #",
        "- [x] #",
        "> Depends on #",
        "```\nDepends on #",
        "depends on: #1, #",
    ];
    const COMMANDS: &[&str] = &[
        "/switchyard assign",
        "/switchyard assign agent-2",
        "/switchyard release",
        "/switchyard status",
        "/switchyard asign",
        "thanks",
    ];
    let mut rng = Lcg(7);
    for round in 0..300 {
        let lanes = 1 + rng.next(3);
        let capacity = 1 + rng.next(2) as u32;
        let mut config = config(lanes, capacity);
        config.tracks = vec![
            track("core", &["src/**"], Some("agent-1")),
            track("api", &["src/api/**"], None),
            track("web", &["web/**"], None),
        ];
        if rng.next(2) == 0 {
            config.branch_template = "{agent}/{issue}-{slug}".parse().unwrap();
        }
        let mut world = World::new(config);
        // `assign <lane>` is obeyed even on a full lane, as an `agent:` label is.
        let mut lane_named = false;
        let count = 1 + rng.next(10);
        for number in 1..=count as u64 {
            let body = format!("{}{}", rng.pick(BODIES), 1 + rng.next(count + 2));
            let labels: Vec<&str> = (0..rng.next(4)).map(|_| rng.pick(LABELS)).collect();
            world.issue(number, "Task", &body, &labels);
        }
        for step in 0..4 {
            world.settle();
            let config = &world.snapshot.config;
            for agent in &config.agents {
                let label = agent_label(agent);
                let on_lane = world
                    .snapshot
                    .issues
                    .iter()
                    .filter(|issue| issue.open && issue.labels.contains(&label))
                    .count();
                assert!(
                    lane_named || on_lane <= config.capacity as usize,
                    "round {round}, step {step}: {label} holds {on_lane}"
                );
            }
            let target = 1 + rng.next(count) as u64;
            match rng.next(4) {
                0 => {
                    world.close(target);
                }
                1 => {
                    let access = if rng.next(3) == 0 {
                        Access::Read
                    } else {
                        Access::Write
                    };
                    let body = rng.pick(COMMANDS);
                    lane_named |= body.ends_with("agent-2") && access == Access::Write;
                    world.command(target, "mona", access, body);
                }
                2 => {
                    world.label(target, "parallel");
                }
                _ => {
                    world.unlabel(target, "parallel");
                }
            }
            world.later(10);
        }
    }
}

impl World {
    /// GitHub links `blocker` (this repository) as blocking `number`, or unlinks it.
    fn link(&mut self, number: u64, blocker: u64, linked: bool) -> &mut Self {
        let issue = self.get(number);
        issue
            .linked_blockers
            .retain(|b| !(b.repo.is_none() && b.number == IssueNumber(blocker)));
        if linked {
            issue.linked_blockers.push(LinkedBlocker {
                repo: None,
                number: IssueNumber(blocker),
                open: true,
                url: format!("https://github.com/octo/repo/issues/{blocker}"),
            });
        }
        self
    }

    /// GitHub lists `repo#blocker` as blocking `number`, open or closed.
    fn link_elsewhere(&mut self, number: u64, repo: &str, blocker: u64, open: bool) -> &mut Self {
        let issue = self.get(number);
        issue.linked_blockers.retain(|b| b.repo.is_none());
        issue.linked_blockers.push(LinkedBlocker {
            repo: Some(RepoName::try_from(repo.to_owned()).unwrap()),
            number: IssueNumber(blocker),
            open,
            url: format!("https://github.com/{repo}/issues/{blocker}"),
        });
        self
    }
}

#[test]
fn a_blocker_linked_on_github_blocks_until_it_closes_and_is_named_as_linked() {
    let mut world = World::new(config(2, 1));
    world
        .issue(12, "Parser", "", &[])
        .issue(13, "CLI", "", &["parallel"])
        .link(13, 12, true);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 13), "blocked");
    assert_eq!(world.labels(13), ["blocked", "parallel"]);
    let comment = world.comment(13);
    assert!(comment.contains("**Blocked** by #12 (linked on GitHub), which is still open."));
    assert!(comment.contains("- Depends on: #12 (open, linked on GitHub)."));

    world.link(13, 12, false);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 13).as_deref(), Some("agent-1"), "unlinked");
    assert!(
        world
            .comment(13)
            .contains("Was blocked by #12, now assigned.")
    );
}

#[test]
fn a_closed_linked_blocker_frees_the_issue() {
    let mut world = World::new(config(1, 1));
    world
        .issue(12, "Parser", "", &[])
        .issue(13, "CLI", "", &["parallel"])
        .link(13, 12, true);
    world.settle();
    world.close(12);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 13).as_deref(), Some("agent-1"));
    assert!(
        world
            .comment(13)
            .contains("- Depends on: #12 (closed, linked on GitHub).")
    );
}

#[test]
fn text_and_links_that_disagree_both_block() {
    let mut world = World::new(config(2, 1));
    world
        .issue(3, "Model", "", &[])
        .issue(4, "Schema", "", &[])
        .issue(5, "Api", "Depends on #3, #4", &["parallel"])
        .link(5, 4, true)
        .link(5, 6, true)
        .issue(6, "Auth", "", &[]);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 5), "blocked");
    assert!(world.comment(5).contains(
        "**Blocked** by #3, #4 (in the description and linked on GitHub) and #6 (linked on \
         GitHub), which are still open."
    ));
    // The link to #4 is gone, but the text still names it; the text no longer names #6,
    // but the link still holds it.
    world.link(5, 4, false).close(3);
    world.get(5).body = "Depends on #4".into();
    let plan = world.settle();
    assert_eq!(state_name(&plan, 5), "blocked");
    assert!(
        world
            .comment(5)
            .contains("**Blocked** by #4 and #6 (linked on GitHub), which are still open.")
    );
    world.close(4).close(6);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 5).as_deref(), Some("agent-1"));
}

#[test]
fn a_blocker_in_another_repository_is_named_with_its_link_until_github_lists_it_closed() {
    let mut world = World::new(config(2, 1));
    world
        .issue(7, "Login", "", &["parallel"])
        .link_elsewhere(7, "octo/platform", 31, true);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 7), "blocked");
    assert!(world.comment(7).contains(
        "**Blocked** by [octo/platform#31](https://github.com/octo/platform/issues/31) \
         (linked on GitHub), which is still open."
    ));

    world.link_elsewhere(7, "octo/platform", 31, false);
    let plan = world.settle();
    assert_eq!(lane_of(&plan, 7).as_deref(), Some("agent-1"));
}

#[test]
fn linked_blockers_between_tasks_count_in_cycles() {
    let mut world = World::new(config(2, 1));
    world
        .issue(3, "A", "Depends on #5", &["parallel"])
        .issue(5, "B", "", &["parallel"])
        .link(5, 3, true);
    let plan = world.settle();
    assert_eq!(state_name(&plan, 3), "cycle");
    assert_eq!(state_name(&plan, 5), "cycle");
}

#[test]
fn a_labelled_issue_with_sub_issues_is_a_plan_whose_open_sub_issues_are_the_tasks() {
    let mut world = World::new(config(3, 1));
    world
        .issue(20, "Importer", "", &["parallel"])
        .issue(21, "Manifest", "", &["estimate: 2h"])
        .issue(22, "Entries", "", &["estimate: 1h"])
        .issue(23, "Index", "", &["estimate: 1h"])
        .issue(24, "Publish", "", &["estimate: 30m"])
        .issue(25, "Docs", "", &["estimate: 1h"])
        .link(24, 23, true);
    world.get(20).sub_issues = [21, 22, 23, 24, 25].map(IssueNumber).to_vec();
    let plan = world.settle();
    assert_eq!(state_name(&plan, 20), "plan");
    assert_eq!(world.labels(20), ["parallel"], "the plan takes no lane");
    assert_eq!(lane_of(&plan, 21).as_deref(), Some("agent-1"));
    assert_eq!(lane_of(&plan, 22).as_deref(), Some("agent-2"));
    assert_eq!(lane_of(&plan, 23).as_deref(), Some("agent-3"));
    assert_eq!(state_name(&plan, 24), "blocked");
    assert_eq!(state_name(&plan, 25), "queued");
    assert_eq!(
        world.comment(20),
        "<!-- switchyard:assign -->
**Plan**: 0 of 5 done; 5.5 h left, about 2 h with 3 lanes.

Its open sub-issues are the tasks; this issue itself is never given a lane.

- #21 Manifest: running on lane `agent-1`
- #22 Entries: running on lane `agent-2`
- #23 Index: running on lane `agent-3`
- #24 Publish: blocked by #23 (linked on GitHub)
- #25 Docs: queued"
    );

    world.close(22);
    world.settle();
    assert!(
        world
            .comment(20)
            .contains("**Plan**: 1 of 5 done; 4.5 h left")
    );
    assert!(world.comment(20).contains("- #22 Entries: done"));
    assert!(
        world
            .comment(20)
            .contains("- #25 Docs: running on lane `agent-2`")
    );

    // A sub-issue removed on GitHub leaves the plan; another joins it.
    world.issue(26, "Changelog", "", &["estimate: 30m"]);
    world.get(20).sub_issues = [21, 22, 23, 24, 26].map(IssueNumber).to_vec();
    world.settle();
    let comment = world.comment(20);
    assert!(!comment.contains("#25"), "{comment}");
    assert!(comment.contains("- #26 Changelog: queued"), "{comment}");

    for done in [21, 23, 24, 26] {
        world.close(done);
        world.settle();
    }
    assert!(
        world
            .comment(20)
            .contains("**Plan done**: all 5 sub-issues are closed.")
    );
    assert_eq!(world.labels(20), ["parallel"]);
}
