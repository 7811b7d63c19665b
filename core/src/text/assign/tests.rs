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
    insta::assert_snapshot!(task_comment(&TaskState::Assigned(assignment())));
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
    insta::assert_snapshot!(task_comment(&TaskState::Assigned(assignment)));
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
    insta::assert_snapshot!(task_comment(&TaskState::Blocked(blocked)));
    let on_lane = Blocked {
        lane: Some("beta".into()),
        depends_on: vec![dep(5, DependencyState::Open)],
        elsewhere: vec![],
        estimate: None,
    };
    insta::assert_snapshot!(task_comment(&TaskState::Blocked(on_lane)));
}

#[test]
fn cycles_name_the_circle() {
    let cycle = Cycle {
        lane: None,
        cycle: issues(&[3, 7, 5, 3]),
    };
    insta::assert_snapshot!(task_comment(&TaskState::Cycle(cycle)));
    let on_lane = Cycle {
        lane: Some("agent-2".into()),
        cycle: issues(&[1, 2, 1]),
    };
    insta::assert_snapshot!(task_comment(&TaskState::Cycle(on_lane)));
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
    insta::assert_snapshot!(task_comment(&TaskState::Queued(queued)));
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
    insta::assert_snapshot!(task_comment(&TaskState::Queued(queued)));
    let bound = Queued {
        lanes: vec!["agent-1".into()],
        footprint: None,
        bound_by: Some("core".into()),
        capacity: 2,
        depends_on: vec![dep(1, DependencyState::Closed)],
        estimate: None,
        was_blocked_by: issues(&[1]),
    };
    insta::assert_snapshot!(task_comment(&TaskState::Queued(bound)));
}

#[test]
fn endings() {
    let released = |why| {
        task_comment(&TaskState::Released(Released {
            lane: "agent-1".into(),
            why,
        }))
    };
    insta::assert_snapshot!(released(ReleaseReason::LabelRemoved {
        trigger_label: "parallel".into()
    }));
    insta::assert_snapshot!(released(ReleaseReason::ClosedUnmerged));
    insta::assert_snapshot!(task_comment(&TaskState::Withdrawn(Withdrawn {
        trigger_label: "parallel".into()
    })));
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
    insta::assert_snapshot!(task_comment(&TaskState::Done(done.clone())));
    let quick = Completion {
        files_changed: vec![],
        merged_at: at(40 * 60),
        ..done
    };
    insta::assert_snapshot!(task_comment(&TaskState::Done(quick)));
}

#[test]
fn unknown_lanes_get_a_suggestion() {
    let lanes = vec!["agent-1".into(), "agent-2".into(), "agent-3".into()];
    insta::assert_snapshot!(task_comment(&TaskState::UnknownLane(UnknownLane {
        name: "agent-4".into(),
        suggestion: Some("agent-3".into()),
        lanes: lanes.clone(),
    })));
    insta::assert_snapshot!(task_comment(&TaskState::UnknownLane(UnknownLane {
        name: "zeta".into(),
        suggestion: None,
        lanes,
    })));
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
    insta::assert_snapshot!(board_body(&board()));
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
    insta::assert_snapshot!(board_body(&empty));
}

#[test]
fn merge_queue_variants() {
    let mut board = board();
    let queue = board.merge_queue.as_mut().unwrap();
    queue.fewest_proven = false;
    queue.rebases = 2;
    let body = board_body(&board);
    insta::assert_snapshot!(body);
    board.merge_queue = Some(MergeQueue {
        entries: vec![],
        rebases: 0,
        fewest_rebases: 0,
        fewest_proven: true,
        arrival_rebases: 0,
    });
    insta::assert_snapshot!(board_body(&board));
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
    insta::assert_snapshot!(reply(&[ReplyPart::Help], &config, &board(), None));
}

#[test]
fn status_reply() {
    let mut board = board();
    board.lanes.truncate(1);
    board.blocked.clear();
    board.time.unestimated.clear();
    board.time.left_out.clear();
    insta::assert_snapshot!(reply(
        &[ReplyPart::Status],
        &Config::default(),
        &board,
        Some(IssueNumber(20))
    ));
    insta::assert_snapshot!(reply(
        &[ReplyPart::Status],
        &Config::default(),
        &board,
        None
    ));
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
    insta::assert_snapshot!(reply(&parts, &Config::default(), &board(), None));
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
    insta::assert_snapshot!(task_comment(&TaskState::Blocked(blocked)));
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
    insta::assert_snapshot!(board_body(&board));
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
    insta::assert_snapshot!(board_body(&planned));
    assert!(!board_body(&board()).contains("## Plans"));
}

#[test]
fn a_plans_comment_says_where_each_sub_issue_stands() {
    use crate::assign::{PlanProgress, PlanStep, Stage};
    let step = |issue: u64, title: &str, stage: Stage| PlanStep {
        issue: IssueNumber(issue),
        title: title.into(),
        stage,
    };
    let running = PlanProgress {
        steps: vec![
            step(21, "Manifest", Stage::Done),
            step(
                22,
                "Entries",
                Stage::Running {
                    lane: "agent-1".into(),
                },
            ),
            step(
                23,
                "Index",
                Stage::Queued(Some(crate::footprint::Wait {
                    path: "src/index.rs".into(),
                    lane: "agent-1".into(),
                    task: IssueNumber(22),
                })),
            ),
            step(24, "Search", Stage::Queued(None)),
            step(
                25,
                "Ranking",
                Stage::Blocked {
                    by: vec![dep(24, DependencyState::Open)],
                    elsewhere: vec![],
                },
            ),
            step(26, "Loop", Stage::Stuck),
            step(27, "Docs", Stage::Waiting),
        ],
        hours_left: 9.5,
        parallel_hours: 6.0,
        lanes: 2,
    };
    insta::assert_snapshot!(task_comment(&TaskState::Plan(running)));
    let done = |steps: Vec<PlanStep>| PlanProgress {
        steps,
        hours_left: 0.0,
        parallel_hours: 0.0,
        lanes: 2,
    };
    insta::assert_snapshot!(task_comment(&TaskState::Plan(done(vec![step(
        21,
        "Manifest",
        Stage::Done
    )]))));
    insta::assert_snapshot!(task_comment(&TaskState::Plan(done(vec![
        step(21, "Manifest", Stage::Done),
        step(22, "Entries", Stage::Done),
    ]))));
}
