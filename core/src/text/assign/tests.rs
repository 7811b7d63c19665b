//! Every text of assignment, as it reads.

use super::*;
use crate::assign::{
    Access, BlockedTask, Board, CommandError, CommandErrorKind, DependencySource, LaneStatus,
    LaneTask, MergeQueue, PlanTime, QueueEntry, ReplyPart, WaitingTask,
};
use crate::config::Config;
use crate::ids::PrNumber;
use chrono::DateTime;

fn issues(numbers: &[u64]) -> Vec<IssueNumber> {
    numbers.iter().copied().map(IssueNumber).collect()
}

fn dep(issue: u64, state: DependencyState) -> Dependency {
    Dependency {
        issue: IssueNumber(issue),
        state,
        source: DependencySource::Text,
    }
}

fn assignment() -> Assignment {
    Assignment {
        lane: "agent-1".into(),
        branch: "parallel-dev/agent-1".into(),
        worktree: "widgets-agent-1".into(),
        lane_branch: true,
        tracks: vec![TrackPaths {
            name: "api".into(),
            paths: vec!["src/api/**".into(), "docs/api/**".into()],
        }],
        depends_on: vec![
            dep(3, DependencyState::Closed),
            dep(9, DependencyState::NotFound),
        ],
        estimate: Some(2.0),
        overlaps: vec![PlannedOverlap {
            issue: IssueNumber(7),
            lane: "agent-2".into(),
            track: "core".into(),
            theirs: "src/**".into(),
            ours: "src/api/**".into(),
        }],
        was_blocked_by: issues(&[3]),
    }
}

#[test]
fn assigned_on_a_lane_branch() {
    assert_eq!(
        task_comment(&TaskState::Assigned(assignment())),
        "<!-- switchyard:assign -->
**Assigned to lane `agent-1`**, on branch `parallel-dev/agent-1`.

Was blocked by #3, now assigned.

To start, make a worktree for the branch beside your clone:

```sh
git fetch origin && git worktree add --track -b parallel-dev/agent-1 ../widgets-agent-1 origin/parallel-dev/agent-1
```

The lane keeps this branch from task to task: if you already have its worktree, update it instead with `git -C ../widgets-agent-1 pull --ff-only`.

- Paths: track `api` owns `src/api/**` and `docs/api/**`.
- Depends on: #3 (closed) and #9 (not found).
- Estimate: 2 h.

> [!WARNING]
> Planned overlap: tasks on other lanes are in tracks whose paths overlap this task's. Agree who changes what before both start.
> - #7 on lane `agent-2`: track `core` owns `src/**`, which overlaps `src/api/**` here."
    );
}

#[test]
fn assigned_on_a_task_branch() {
    let assignment = Assignment {
        branch: "agent-2/16-status-command".into(),
        lane: "agent-2".into(),
        worktree: "widgets-agent-2-16".into(),
        lane_branch: false,
        tracks: vec![],
        depends_on: vec![],
        estimate: None,
        overlaps: vec![],
        was_blocked_by: vec![],
    };
    assert_eq!(
        task_comment(&TaskState::Assigned(assignment)),
        "<!-- switchyard:assign -->
**Assigned to lane `agent-2`**, on branch `agent-2/16-status-command`.

To start, make a worktree for the branch beside your clone:

```sh
git fetch origin && git worktree add --track -b agent-2/16-status-command ../widgets-agent-2-16 origin/agent-2/16-status-command
```

- Paths: none set aside, as the issue has no `track:<name>` label.
- Depends on: nothing.
- Estimate: none; a label such as `estimate: 2h` gives one."
    );
}

#[test]
fn blocked_with_and_without_a_lane() {
    let blocked = Blocked {
        lane: None,
        depends_on: vec![
            dep(3, DependencyState::Open),
            dep(4, DependencyState::Open),
            dep(2, DependencyState::Closed),
        ],
        elsewhere: vec![],
        estimate: Some(0.5),
    };
    assert_eq!(
        task_comment(&TaskState::Blocked(blocked)),
        "<!-- switchyard:assign -->
**Blocked** by #3 and #4, which are still open. This issue is assigned to a lane as soon as they are closed.

- Depends on: #3 (open), #4 (open) and #2 (closed).
- Estimate: 30 min."
    );
    let on_lane = Blocked {
        lane: Some("beta".into()),
        depends_on: vec![dep(5, DependencyState::Open)],
        elsewhere: vec![],
        estimate: None,
    };
    assert_eq!(
        task_comment(&TaskState::Blocked(on_lane)),
        "<!-- switchyard:assign -->
**Blocked** by #5, which is still open. This issue is assigned to lane `beta` as soon as it is closed.

- Depends on: #5 (open).
- Estimate: none; a label such as `estimate: 2h` gives one."
    );
}

#[test]
fn cycles_name_the_circle() {
    let cycle = Cycle {
        lane: None,
        cycle: issues(&[3, 7, 5, 3]),
    };
    assert_eq!(
        task_comment(&TaskState::Cycle(cycle)),
        "<!-- switchyard:assign -->
**Dependency cycle**: #3 → #7 → #5 → #3, each waiting for the next. None of them can start, so none is assigned, until one of these issues stops depending on the next."
    );
    let on_lane = Cycle {
        lane: Some("agent-2".into()),
        cycle: issues(&[1, 2, 1]),
    };
    assert_eq!(
        task_comment(&TaskState::Cycle(on_lane)),
        "<!-- switchyard:assign -->
**Dependency cycle**: #1 → #2 → #1, each waiting for the next. None of them can start, so none is assigned, until one of these issues stops depending on the next. This issue keeps lane `agent-2` meanwhile."
    );
}

#[test]
fn queued_for_a_file_another_lane_is_changing() {
    let queued = Queued {
        lanes: vec!["agent-1".into(), "agent-2".into()],
        footprint: Some(crate::footprint::Wait {
            path: "src/store/notes.ts".into(),
            lane: "agent-2".into(),
            task: IssueNumber(12),
        }),
        bound_by: None,
        capacity: 1,
        depends_on: vec![],
        estimate: Some(2.0),
        was_blocked_by: vec![],
    };
    assert_eq!(
        task_comment(&TaskState::Queued(queued)),
        "<!-- switchyard:assign -->
**Queued** — waits: would change `src/store/notes.ts`, which agent-2 is changing for #12. Two lanes are never given work on the same file at once: this issue is assigned once #12 is done, to lane `agent-2` first, which holds the file.

- Depends on: nothing.
- Estimate: 2 h."
    );
}

#[test]
fn queued_for_any_lane_or_its_bound_lane() {
    let queued = Queued {
        lanes: vec!["agent-1".into(), "agent-2".into(), "agent-3".into()],
        footprint: None,
        bound_by: None,
        capacity: 1,
        depends_on: vec![],
        estimate: Some(3.0),
        was_blocked_by: vec![],
    };
    assert_eq!(
        task_comment(&TaskState::Queued(queued)),
        "<!-- switchyard:assign -->
**Queued**: every lane is full (`agent-1`, `agent-2` and `agent-3`, 1 task at a time each). It is assigned, oldest issue first, as soon as a lane frees.

- Depends on: nothing.
- Estimate: 3 h."
    );
    let bound = Queued {
        lanes: vec!["agent-1".into()],
        footprint: None,
        bound_by: Some("core".into()),
        capacity: 2,
        depends_on: vec![dep(1, DependencyState::Closed)],
        estimate: None,
        was_blocked_by: issues(&[1]),
    };
    assert_eq!(
        task_comment(&TaskState::Queued(bound)),
        "<!-- switchyard:assign -->
**Queued**: its track `core` is bound to lane `agent-1`, which is full (2 tasks at a time). It is assigned, oldest issue first, as soon as the lane frees.

Was blocked by #1, now queued.

- Depends on: #1 (closed).
- Estimate: none; a label such as `estimate: 2h` gives one."
    );
}

#[test]
fn endings() {
    let released = |why| {
        task_comment(&TaskState::Released(Released {
            lane: "agent-1".into(),
            why,
        }))
    };
    assert_eq!(
        released(ReleaseReason::LabelRemoved {
            trigger_label: "parallel".into()
        }),
        "<!-- switchyard:assign -->
**Released** from lane `agent-1`: its `agent:agent-1` label is gone, so the lane is free for other work. Label the issue `parallel` to assign it again."
    );
    assert_eq!(
        released(ReleaseReason::ClosedUnmerged),
        "<!-- switchyard:assign -->
**Closed** without a merged pull request, so lane `agent-1` is free for other work."
    );
    assert_eq!(
        task_comment(&TaskState::Withdrawn(Withdrawn {
            trigger_label: "parallel".into()
        })),
        "<!-- switchyard:assign -->
**No longer waiting** for a lane: the `parallel` label is gone. Label the issue `parallel` again to assign it."
    );
}

#[test]
fn done_says_when_and_how_much() {
    let at = |seconds: i64| DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap();
    let done = Completion {
        issue: IssueNumber(4),
        lane: "agent-2".into(),
        pr: PrNumber(12),
        files_changed: vec!["src/a.rs".into(), "src/b.rs".into(), "README.md".into()],
        assigned_at: at(0),
        merged_at: at(6 * 3600 + 1800),
    };
    assert_eq!(
        task_comment(&TaskState::Done(done.clone())),
        "<!-- switchyard:assign -->
**Done**: #12 merged 6.5 h after lane `agent-2` took this issue, changing 3 files."
    );
    let quick = Completion {
        files_changed: vec![],
        merged_at: at(40 * 60),
        ..done
    };
    assert_eq!(
        task_comment(&TaskState::Done(quick)),
        "<!-- switchyard:assign -->
**Done**: #12 merged 40 min after lane `agent-2` took this issue."
    );
}

#[test]
fn unknown_lanes_get_a_suggestion() {
    let lanes = vec!["agent-1".into(), "agent-2".into(), "agent-3".into()];
    assert_eq!(
        task_comment(&TaskState::UnknownLane(UnknownLane {
            name: "agent-4".into(),
            suggestion: Some("agent-3".into()),
            lanes: lanes.clone(),
        })),
        "<!-- switchyard:assign -->
**No lane `agent-4`**: the `agent:agent-4` label names no lane, so it assigns nothing. Did you mean `agent:agent-3`? The lanes are `agent-1`, `agent-2` and `agent-3`."
    );
    assert_eq!(
        task_comment(&TaskState::UnknownLane(UnknownLane {
            name: "zeta".into(),
            suggestion: None,
            lanes,
        })),
        "<!-- switchyard:assign -->
**No lane `zeta`**: the `agent:zeta` label names no lane, so it assigns nothing. The lanes are `agent-1`, `agent-2` and `agent-3`."
    );
}

#[test]
fn comments_are_recognised_and_hold_no_state_but_their_marker() {
    let body = task_comment(&TaskState::Assigned(assignment()));
    assert!(is_assign_comment(&body));
    assert!(!is_assign_comment("Thanks!"));
    assert_eq!(body.matches("<!--").count(), 1, "{body}");
}

#[test]
fn durations_read_naturally() {
    assert_eq!(duration(12.0), "12 h");
    assert_eq!(duration(1.25), "1.3 h");
    assert_eq!(duration(0.999), "60 min");
    assert_eq!(duration(0.0), "0 min");
    assert_eq!(duration(1.0 / 3.0), "20 min");
}

fn board() -> Board {
    Board {
        lanes: vec![
            LaneStatus {
                name: "agent-1".into(),
                branch: Some("parallel-dev/agent-1".into()),
                tasks: vec![LaneTask {
                    issue: IssueNumber(4),
                    title: "Parser | lexer".into(),
                    estimate: Some(2.0),
                    branch: "parallel-dev/agent-1".into(),
                }],
                done: 1,
                open_prs: vec![PrNumber(12)],
                overlapping_prs: 1,
            },
            LaneStatus {
                name: "agent-2".into(),
                branch: None,
                tasks: vec![
                    LaneTask {
                        issue: IssueNumber(5),
                        title: "Docs".into(),
                        estimate: None,
                        branch: "agent-2/5-docs".into(),
                    },
                    LaneTask {
                        issue: IssueNumber(6),
                        title: "CLI".into(),
                        estimate: Some(1.5),
                        branch: "agent-2/6-cli".into(),
                    },
                ],
                done: 0,
                open_prs: vec![PrNumber(13)],
                overlapping_prs: 0,
            },
            LaneStatus {
                name: "agent-3".into(),
                branch: None,
                tasks: vec![],
                done: 2,
                open_prs: vec![],
                overlapping_prs: 0,
            },
        ],
        queued: vec![WaitingTask {
            issue: IssueNumber(7),
            title: "Search".into(),
            estimate: Some(3.0),
            footprint: None,
        }],
        blocked: vec![
            BlockedTask {
                issue: IssueNumber(8),
                title: "Cache".into(),
                lane: None,
                waits_for: vec![dep(4, DependencyState::Open), dep(5, DependencyState::Open)],
                elsewhere: vec![],
                cycle: None,
            },
            BlockedTask {
                issue: IssueNumber(9),
                title: "Sync".into(),
                lane: Some("agent-3".into()),
                waits_for: vec![],
                elsewhere: vec![],
                cycle: Some(issues(&[9, 10, 9])),
            },
        ],
        merge_queue: Some(MergeQueue {
            entries: vec![
                QueueEntry {
                    pr: PrNumber(12),
                    waits_for: vec![],
                },
                QueueEntry {
                    pr: PrNumber(13),
                    waits_for: vec![PrNumber(12)],
                },
            ],
            rebases: 1,
            fewest_rebases: 1,
            fewest_proven: true,
            arrival_rebases: 2,
        }),
        time: PlanTime {
            work_hours: 12.0,
            parallel_hours: 5.0,
            lanes: 3,
            longest_chain: issues(&[4, 8]),
            longest_chain_hours: 4.0,
            unestimated: issues(&[5]),
            left_out: issues(&[9, 10]),
        },
        plans: vec![],
    }
}

#[test]
fn the_board_in_full() {
    assert_eq!(
        board_body(&board()),
        "<!-- switchyard:status -->
The lanes, what waits, the merge queue and the plan. Switchyard keeps this issue up to date.

## Lanes

| Lane | Branch | Task | Estimate | Done | Open PR | Overlaps |
| --- | --- | --- | --- | --- | --- | --- |
| `agent-1` | `parallel-dev/agent-1` | #4 Parser \\| lexer | 2 h | 1 | #12 | 1 PR |
| `agent-2` | `agent-2/5-docs`<br>`agent-2/6-cli` | #5 Docs<br>#6 CLI | —<br>1.5 h | 0 | #13 | none |
| `agent-3` | — | — | — | 2 | — | — |

## Waiting

Queued, to be assigned oldest first when a lane frees:

- #7 Search (3 h)

Blocked:

- #8 Cache: waits for #4 and #5
- #9 Sync (lane `agent-3`): dependency cycle #9 → #10 → #9

## Merge queue

| Order | Pull request | Waits for |
| --- | --- | --- |
| 1 | #12 | nothing: merge now |
| 2 | #13 | #12 |

This order costs 1 rebase; the fewest possible is 1; arrival order would cost 2.

## Plan

12 h of work, 5 h with 3 lanes.

- Longest chain of dependencies: #4 → #8, 4 h.
- Without an estimate, counted as 1 h each: #5.
- Left out, on or behind a dependency cycle: #9 and #10.

The time with lanes places the open tasks one at a time, the one with the longest chain of work behind it first, each on its own lane or on the lane that can start it earliest once its dependencies are done."
    );
    assert!(is_status_board(&board_body(&board())));
}

#[test]
fn an_empty_board() {
    let empty = Board {
        lanes: vec![],
        queued: vec![],
        blocked: vec![],
        merge_queue: None,
        time: PlanTime {
            work_hours: 0.0,
            parallel_hours: 0.0,
            lanes: 3,
            longest_chain: vec![],
            longest_chain_hours: 0.0,
            unestimated: vec![],
            left_out: vec![],
        },
        plans: vec![],
    };
    assert_eq!(
        board_body(&empty),
        "<!-- switchyard:status -->
The lanes, what waits, the merge queue and the plan. Switchyard keeps this issue up to date.

## Lanes

| Lane | Branch | Task | Estimate | Done | Open PR | Overlaps |
| --- | --- | --- | --- | --- | --- | --- |

## Waiting

Nothing is queued or blocked.

## Merge queue

Not computed yet.

## Plan

No open tasks to schedule.

The time with lanes places the open tasks one at a time, the one with the longest chain of work behind it first, each on its own lane or on the lane that can start it earliest once its dependencies are done."
    );
}

#[test]
fn merge_queue_variants() {
    let mut board = board();
    let queue = board.merge_queue.as_mut().unwrap();
    queue.fewest_proven = false;
    queue.rebases = 2;
    let body = board_body(&board);
    assert!(body.contains(
        "This order costs 2 rebases; no order can cost fewer than 1; arrival order would cost 2."
    ));
    board.merge_queue = Some(MergeQueue {
        entries: vec![],
        rebases: 0,
        fewest_rebases: 0,
        fewest_proven: true,
        arrival_rebases: 0,
    });
    assert!(
        board_body(&board).contains("## Merge queue\n\nNo coordinated pull requests are open.\n")
    );
}

fn error(line: &str, kind: CommandErrorKind) -> ReplyPart {
    ReplyPart::Error(CommandError {
        line: line.into(),
        kind,
    })
}

#[test]
fn help_reply() {
    let config = Config::default();
    assert_eq!(
        reply(&[ReplyPart::Help], &config, &board(), None),
        "Switchyard's commands, each at the start of a line of its own:

- `/switchyard assign`: assign this issue to a lane, as the `parallel` label does.
- `/switchyard assign <lane>`: assign it to that lane; the lanes are `agent-1`, `agent-2` and `agent-3`.
- `/switchyard release`: take it off its lane, or out of the queue.
- `/switchyard status`: show the lanes, what waits and the plan.
- `/switchyard help`: show this list.

Only people with write access to the repository can use them."
    );
}

#[test]
fn status_reply() {
    let mut board = board();
    board.lanes.truncate(1);
    board.blocked.clear();
    board.time.unestimated.clear();
    board.time.left_out.clear();
    assert_eq!(
        reply(
            &[ReplyPart::Status],
            &Config::default(),
            &board,
            Some(IssueNumber(20))
        ),
        "**Status** (the full board, with the merge queue, is #20):

| Lane | Branch | Task | Estimate | Done | Open PR | Overlaps |
| --- | --- | --- | --- | --- | --- | --- |
| `agent-1` | `parallel-dev/agent-1` | #4 Parser \\| lexer | 2 h | 1 | #12 | 1 PR |

Queued, to be assigned oldest first when a lane frees:

- #7 Search (3 h)

12 h of work, 5 h with 3 lanes.

- Longest chain of dependencies: #4 → #8, 4 h."
    );
    assert!(
        reply(&[ReplyPart::Status], &Config::default(), &board, None)
            .starts_with("**Status**:\n\n|")
    );
}

#[test]
fn error_and_refusal_replies() {
    let lanes: Vec<String> = vec!["agent-1".into(), "agent-2".into()];
    let parts = [
        error(
            "/switchyard asign",
            CommandErrorKind::UnknownCommand {
                word: "asign".into(),
                suggestion: Some("assign".into()),
            },
        ),
        error(
            "/switchyard frobnicate",
            CommandErrorKind::UnknownCommand {
                word: "frobnicate".into(),
                suggestion: None,
            },
        ),
        error(
            "/switchyard assign agnt-2",
            CommandErrorKind::UnknownLane {
                name: "agnt-2".into(),
                suggestion: Some("agent-2".into()),
                lanes: lanes.clone(),
            },
        ),
        error(
            "/switchyard assign zeta",
            CommandErrorKind::UnknownLane {
                name: "zeta".into(),
                suggestion: None,
                lanes,
            },
        ),
        error(
            "/switchyard release now",
            CommandErrorKind::UnexpectedArgument {
                command: "release".into(),
            },
        ),
        error(
            "/switchyard assign agent-1 agent-2",
            CommandErrorKind::UnexpectedArgument {
                command: "assign".into(),
            },
        ),
        error(
            "/switchyard assign",
            CommandErrorKind::NotAnIssue {
                command: "assign".into(),
            },
        ),
        ReplyPart::Refused {
            login: "mona".into(),
            access: Access::Triage,
        },
    ];
    assert_eq!(
        reply(&parts, &Config::default(), &board(), None),
        "`/switchyard asign`: `asign` is not a command; did you mean `assign`? The commands are `assign [lane]`, `release`, `status` and `help`.

`/switchyard frobnicate`: `frobnicate` is not a command. The commands are `assign [lane]`, `release`, `status` and `help`.

`/switchyard assign agnt-2`: there is no lane `agnt-2`; did you mean `agent-2`? The lanes are `agent-1` and `agent-2`.

`/switchyard assign zeta`: there is no lane `zeta`. The lanes are `agent-1` and `agent-2`.

`/switchyard release now`: `release` takes no argument.

`/switchyard assign agent-1 agent-2`: `assign` takes one lane at most.

`/switchyard assign`: `assign` works on issues, not pull requests; use it on the issue this pull request closes.

@mona: Switchyard takes commands only from people with write access to this repository, and you have triage access, so nothing was done."
    );
}

#[test]
fn replies_to_a_comment_of_65536_characters_quote_it_short() {
    let word = "x".repeat(65_524);
    let parts = [
        error(
            &format!("/switchyard {word}"),
            CommandErrorKind::UnknownCommand {
                word: word.clone(),
                suggestion: None,
            },
        ),
        ReplyPart::TooMany { ignored: 3_844 },
    ];
    let text = reply(&parts, &Config::default(), &board(), None);
    let quote = format!("{}…", "x".repeat(60));
    assert_eq!(
        text,
        format!(
            "`/switchyard {}…`: `{quote}` is not a command. The commands are `assign [lane]`, \
             `release`, `status` and `help`.\n\nSwitchyard obeys the first 10 commands of a \
             comment, and left the 3844 commands after them undone.",
            "x".repeat(48)
        )
    );
}

#[test]
fn linked_blockers_say_where_they_come_from_and_other_repositories_are_linked() {
    let linked = |issue: u64, source: DependencySource| Dependency {
        source,
        ..dep(issue, DependencyState::Open)
    };
    let platform = crate::assign::ForeignBlocker {
        repo: crate::ids::RepoName::try_from("octo/platform".to_owned()).unwrap(),
        number: IssueNumber(31),
        url: "https://github.com/octo/platform/issues/31".into(),
    };
    let blocked = Blocked {
        lane: None,
        depends_on: vec![
            linked(12, DependencySource::Linked),
            linked(14, DependencySource::Both),
        ],
        elsewhere: vec![platform.clone()],
        estimate: None,
    };
    assert_eq!(
        task_comment(&TaskState::Blocked(blocked)),
        "<!-- switchyard:assign -->
**Blocked** by #12 (linked on GitHub), #14 (in the description and linked on GitHub) and [octo/platform#31](https://github.com/octo/platform/issues/31) (linked on GitHub), which are still open. This issue is assigned to a lane as soon as they are closed.

- Depends on: #12 (open, linked on GitHub), #14 (open, in the description and linked on GitHub) and [octo/platform#31](https://github.com/octo/platform/issues/31) (open, linked on GitHub).
- Estimate: none; a label such as `estimate: 2h` gives one."
    );
    let board = Board {
        blocked: vec![BlockedTask {
            issue: IssueNumber(20),
            title: "Login".into(),
            lane: None,
            waits_for: vec![linked(12, DependencySource::Linked)],
            elsewhere: vec![platform],
            cycle: None,
        }],
        ..board()
    };
    assert!(board_body(&board).contains(
        "- #20 Login: waits for #12 (linked on GitHub) and \
         [octo/platform#31](https://github.com/octo/platform/issues/31) (linked on GitHub)"
    ));
}

#[test]
fn the_board_groups_tasks_under_their_plan() {
    use crate::assign::{PlanGroup, PlanProgress, PlanStep, Stage};
    let step = |issue: u64, title: &str, stage: Stage| PlanStep {
        issue: IssueNumber(issue),
        title: title.into(),
        stage,
    };
    let planned = Board {
        plans: vec![PlanGroup {
            issue: IssueNumber(20),
            title: "Importer".into(),
            progress: PlanProgress {
                steps: vec![
                    step(21, "Manifest", Stage::Done),
                    step(
                        22,
                        "Entries",
                        Stage::Running {
                            lane: "agent-1".into(),
                        },
                    ),
                    step(23, "Index", Stage::Queued(None)),
                ],
                hours_left: 2.0,
                parallel_hours: 1.0,
                lanes: 2,
            },
        }],
        ..board()
    };
    assert!(board_body(&planned).contains(
        "## Plans

Their sub-issues are the tasks.

- #20 Importer: 1 of 3 done, 2 h left
  - #21 Manifest: done
  - #22 Entries: running on lane `agent-1`
  - #23 Index: queued

## Merge queue"
    ));
    assert!(!board_body(&board()).contains("## Plans"));
}
