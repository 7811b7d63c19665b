//! The words of assignment: the one comment on each managed issue, the status board and the
//! replies to commands.

mod board;
mod plan;
mod replies;

pub(crate) use board::plan_sentences;
pub use board::{BOARD_MARKER, BOARD_TITLE, board_body, is_status_board};
pub use replies::reply;

use crate::assign::{
    Assignment, Blocked, Completion, Cycle, Dependency, DependencySource, DependencyState,
    ForeignBlocker, PlannedOverlap, Queued, ReleaseReason, Released, TaskState, TrackPaths,
    UnknownLane, Withdrawn,
};
use crate::ids::IssueNumber;
use crate::text::{MAX_COMMENT_CHARS, and_list, code_list, footprint_wait, plural, within};

/// Marks the App's assignment comment on an issue, so it is found again and edited in place.
pub const ASSIGN_MARKER: &str = "<!-- switchyard:assign -->";

pub fn is_assign_comment(body: &str) -> bool {
    body.contains(ASSIGN_MARKER)
}

/// The comment for an issue in `state`.
pub fn task_comment(state: &TaskState) -> String {
    let text = match state {
        TaskState::Assigned(assignment) => assigned(assignment),
        TaskState::Blocked(blocked) => blocked_text(blocked),
        TaskState::Plan(progress) => plan::plan_text(progress),
        TaskState::Cycle(cycle) => cycle_text(cycle),
        TaskState::Queued(queued) => queued_text(queued),
        TaskState::Released(released) => released_text(released),
        TaskState::Withdrawn(withdrawn) => withdrawn_text(withdrawn),
        TaskState::Done(done) => done_text(done),
        TaskState::UnknownLane(unknown) => unknown_lane(unknown),
    };
    within(format!("{ASSIGN_MARKER}\n{text}"), MAX_COMMENT_CHARS)
}

fn assigned(a: &Assignment) -> String {
    let mut parts = vec![format!(
        "**Assigned to lane `{}`**, on branch `{}`.",
        a.lane, a.branch
    )];
    if !a.was_blocked_by.is_empty() {
        parts.push(was_blocked(&a.was_blocked_by, "assigned"));
    }
    parts.push(format!(
        "To start, make a worktree for the branch beside your clone:\n\n```sh\n\
         git fetch origin && git worktree add --track -b {branch} ../{dir} origin/{branch}\n```",
        branch = a.branch,
        dir = a.worktree,
    ));
    if a.lane_branch {
        parts.push(format!(
            "The lane keeps this branch from task to task: if you already have its worktree, \
             update it instead with `git -C ../{} pull --ff-only`.",
            a.worktree
        ));
    }
    parts.push(
        [
            paths_line(&a.tracks),
            depends_line(&a.depends_on, &[]),
            estimate_line(a.estimate),
        ]
        .join("\n"),
    );
    if !a.overlaps.is_empty() {
        parts.push(overlap_warning(&a.overlaps));
    }
    parts.join("\n\n")
}

/// "Was blocked by #3, now assigned."
fn was_blocked(by: &[IssueNumber], now: &str) -> String {
    format!("Was blocked by {}, now {now}.", issue_list(by))
}

fn paths_line(tracks: &[TrackPaths]) -> String {
    if tracks.is_empty() {
        return "- Paths: none set aside, as the issue has no `track:<name>` label.".to_owned();
    }
    let owned: Vec<String> = tracks
        .iter()
        .map(|track| format!("track `{}` owns {}", track.name, code_list(&track.paths)))
        .collect();
    format!("- Paths: {}.", owned.join("; "))
}

fn depends_line(depends_on: &[Dependency], elsewhere: &[ForeignBlocker]) -> String {
    if depends_on.is_empty() && elsewhere.is_empty() {
        return "- Depends on: nothing.".to_owned();
    }
    let mut items: Vec<String> = depends_on
        .iter()
        .map(|dep| {
            let state = match dep.state {
                DependencyState::Open => "open",
                DependencyState::Closed => "closed",
                DependencyState::NotFound => "not found",
            };
            match where_found(dep.source) {
                Some(source) => format!("{} ({state}, {source})", dep.issue),
                None => format!("{} ({state})", dep.issue),
            }
        })
        .collect();
    items.extend(
        elsewhere
            .iter()
            .map(|blocker| format!("{} (open, linked on GitHub)", foreign_link(blocker))),
    );
    format!("- Depends on: {}.", and_list(&items))
}

/// Where a dependency was found, when it is more than the description's text (which people
/// see in the issue itself).
fn where_found(source: DependencySource) -> Option<&'static str> {
    match source {
        DependencySource::Text => None,
        DependencySource::Linked => Some("linked on GitHub"),
        DependencySource::Both => Some("in the description and linked on GitHub"),
    }
}

/// "#12", or "#12 (linked on GitHub)" for a link.
fn sourced_issue(dep: &Dependency) -> String {
    match where_found(dep.source) {
        Some(source) => format!("{} ({source})", dep.issue),
        None => dep.issue.to_string(),
    }
}

/// `[owner/repo#N](url)`: another repository's issue, linked to its page.
pub(crate) fn foreign_link(blocker: &ForeignBlocker) -> String {
    format!("[{}#{}]({})", blocker.repo, blocker.number.0, blocker.url)
}

/// The open blockers of a task, each with where it was found: "#12 (linked on GitHub) and
/// [octo/platform#31](…) (linked on GitHub)".
pub(crate) fn blocker_list(open: &[Dependency], elsewhere: &[ForeignBlocker]) -> String {
    let mut items: Vec<String> = open.iter().map(sourced_issue).collect();
    items.extend(
        elsewhere
            .iter()
            .map(|blocker| format!("{} (linked on GitHub)", foreign_link(blocker))),
    );
    and_list(&items)
}

fn estimate_line(estimate: Option<f64>) -> String {
    match estimate {
        Some(hours) => format!("- Estimate: {}.", duration(hours)),
        None => "- Estimate: none; a label such as `estimate: 2h` gives one.".to_owned(),
    }
}

fn overlap_warning(overlaps: &[PlannedOverlap]) -> String {
    let mut text = "> [!WARNING]\n> Planned overlap: tasks on other lanes are in tracks whose \
                    paths overlap this task's. Agree who changes what before both start."
        .to_owned();
    for overlap in overlaps {
        text.push_str(&format!(
            "\n> - {} on lane `{}`: track `{}` owns `{}`, which overlaps `{}` here.",
            overlap.issue, overlap.lane, overlap.track, overlap.theirs, overlap.ours
        ));
    }
    text
}

fn blocked_text(blocked: &Blocked) -> String {
    let open: Vec<Dependency> = blocked.open_dependencies().copied().collect();
    let (which, they) = if open.len() + blocked.elsewhere.len() == 1 {
        ("which is", "it is")
    } else {
        ("which are", "they are")
    };
    let target = match &blocked.lane {
        Some(lane) => format!("to lane `{lane}`"),
        None => "to a lane".to_owned(),
    };
    format!(
        "**Blocked** by {}, {which} still open. This issue is assigned {target} as soon as \
         {they} closed.\n\n{}\n{}",
        blocker_list(&open, &blocked.elsewhere),
        depends_line(&blocked.depends_on, &blocked.elsewhere),
        estimate_line(blocked.estimate),
    )
}

fn cycle_text(cycle: &Cycle) -> String {
    let mut text = format!(
        "**Dependency cycle**: {}, each waiting for the next. None of them can start, so none \
         is assigned, until one of these issues stops depending on the next.",
        issue_chain(&cycle.cycle)
    );
    if let Some(lane) = &cycle.lane {
        text.push_str(&format!(" This issue keeps lane `{lane}` meanwhile."));
    }
    text
}

fn queued_text(queued: &Queued) -> String {
    let each = plural(queued.capacity as usize, "task", "tasks");
    let head = match (&queued.footprint, &queued.bound_by) {
        (Some(wait), _) => format!(
            "**Queued** — {}. Two lanes are never given work on the same file at once: this \
             issue is assigned once {} is done, to lane `{}` first, which holds the file.",
            footprint_wait(wait),
            wait.task,
            wait.lane,
        ),
        (None, bound_by) => queued_head(bound_by.as_deref(), &queued.lanes, &each),
    };
    let mut parts = vec![head];
    if !queued.was_blocked_by.is_empty() {
        parts.push(was_blocked(&queued.was_blocked_by, "queued"));
    }
    parts.push(format!(
        "{}\n{}",
        depends_line(&queued.depends_on, &[]),
        estimate_line(queued.estimate)
    ));
    parts.join("\n\n")
}

/// Why an issue waits for a full lane.
fn queued_head(bound_by: Option<&str>, lanes: &[String], each: &str) -> String {
    match bound_by {
        Some(track) => format!(
            "**Queued**: its track `{track}` is bound to lane {}, which is full ({each} at a \
             time). It is assigned, oldest issue first, as soon as the lane frees.",
            code_list(lanes),
        ),
        None => format!(
            "**Queued**: every lane is full ({}, {each} at a time each). It is assigned, oldest \
             issue first, as soon as a lane frees.",
            code_list(lanes),
        ),
    }
}

fn released_text(released: &Released) -> String {
    match &released.why {
        ReleaseReason::LabelRemoved { trigger_label } => format!(
            "**Released** from lane `{lane}`: its `agent:{lane}` label is gone, so the lane is \
             free for other work. Label the issue `{trigger_label}` to assign it again.",
            lane = released.lane,
        ),
        ReleaseReason::ClosedUnmerged => format!(
            "**Closed** without a merged pull request, so lane `{}` is free for other work.",
            released.lane
        ),
    }
}

fn withdrawn_text(withdrawn: &Withdrawn) -> String {
    format!(
        "**No longer waiting** for a lane: the `{label}` label is gone. Label the issue \
         `{label}` again to assign it.",
        label = withdrawn.trigger_label
    )
}

fn done_text(done: &Completion) -> String {
    let files = match done.files_changed.len() {
        0 => String::new(),
        count => format!(", changing {}", plural(count, "file", "files")),
    };
    format!(
        "**Done**: {} merged {} after lane `{}` took this issue{files}.",
        done.pr,
        duration(done.hours_to_merge()),
        done.lane
    )
}

fn unknown_lane(unknown: &UnknownLane) -> String {
    let suggestion = unknown
        .suggestion
        .as_ref()
        .map(|lane| format!(" Did you mean `agent:{lane}`?"))
        .unwrap_or_default();
    format!(
        "**No lane `{name}`**: the `agent:{name}` label names no lane, so it assigns \
         nothing.{suggestion} The lanes are {}.",
        code_list(&unknown.lanes),
        name = unknown.name,
    )
}

/// "2 h", "1.5 h", "40 min": to the tenth of an hour, minutes under an hour.
pub fn duration(hours: f64) -> String {
    if hours < 1.0 {
        let minutes = (hours * 60.0).round().max(0.0);
        return format!("{minutes:.0} min");
    }
    let tenths = (hours * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0} h")
    } else {
        format!("{tenths:.1} h")
    }
}

/// "#3", "#3 and #4", "#3, #4 and #5".
pub(crate) fn issue_list(issues: &[IssueNumber]) -> String {
    let items: Vec<String> = issues.iter().map(IssueNumber::to_string).collect();
    and_list(&items)
}

/// "#3 → #5 → #3": issues in the order each leads to the next.
fn issue_chain(issues: &[IssueNumber]) -> String {
    let items: Vec<String> = issues.iter().map(IssueNumber::to_string).collect();
    items.join(" → ")
}

#[cfg(test)]
mod tests;
