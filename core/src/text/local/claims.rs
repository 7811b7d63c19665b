//! What `switchyard local` says of claims: made, let go, held by another lane on what a
//! branch changes or a question asks about.

use crate::text::and_list;
use chrono::NaiveDateTime;

/// A claim as it is told: times already on the reader's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimView<'a> {
    pub lane: &'a str,
    pub path: &'a str,
    pub task: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub until: NaiveDateTime,
    pub now: NaiveDateTime,
}

/// "15:40" today, "Mar 4 15:40" another day.
pub fn clock(at: NaiveDateTime, now: NaiveDateTime) -> String {
    if at.date() == now.date() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%b %-d %H:%M").to_string()
    }
}

/// " for T12", or nothing for a claim made without a task.
fn for_task(claim: &ClaimView<'_>) -> String {
    claim
        .task
        .map(|task| format!(" for {task}"))
        .unwrap_or_default()
}

/// "(until 15:40)", with the reason when there is one.
fn until(claim: &ClaimView<'_>) -> String {
    let time = clock(claim.until, claim.now);
    match claim.reason {
        Some(reason) => format!("(until {time}: {reason})"),
        None => format!("(until {time})"),
    }
}

/// "parallel-dev/agent-1 changes a path agent-2 claimed for T12 (until 15:40): app.txt".
pub fn changes_claimed(who: &str, claim: &ClaimView<'_>, paths: &[String]) -> String {
    format!(
        "{who} changes a path {} claimed{} {}: {}",
        claim.lane,
        for_task(claim),
        until(claim),
        paths.join(", ")
    )
}

/// "agent-2 claimed src/ for T12 (until 15:40)".
pub fn claimed(claim: &ClaimView<'_>) -> String {
    format!(
        "{} claimed {}{} {}",
        claim.lane,
        claim.path,
        for_task(claim),
        until(claim)
    )
}

/// "agent-1 claims src/app.rs for T1 until 15:40".
pub fn claim_made(claim: &ClaimView<'_>) -> String {
    let reason = claim
        .reason
        .map(|reason| format!(": {reason}"))
        .unwrap_or_default();
    format!(
        "{} claims {}{} until {}{reason}",
        claim.lane,
        claim.path,
        for_task(claim),
        clock(claim.until, claim.now)
    )
}

/// What claiming a path that another lane has claimed adds: both claims stand.
pub fn claimed_too(claim: &ClaimView<'_>) -> String {
    format!(
        "  note: {}; a claim is advice, so both stand",
        claimed(claim)
    )
}

/// "agent-1 lets go of a.rs and b/", and the paths asked about it held no claim on.
pub fn unclaimed(lane: &str, removed: &[String], unheld: &[String]) -> String {
    let mut lines = Vec::new();
    if removed.is_empty() && unheld.is_empty() {
        lines.push(format!("{lane} has no claims"));
    }
    if !removed.is_empty() {
        lines.push(format!("{lane} lets go of {}", and_list(removed)));
    }
    if !unheld.is_empty() {
        let verb = if removed.is_empty() { "has" } else { "had" };
        lines.push(format!("{lane} {verb} no claim on {}", and_list(unheld)));
    }
    lines.join("\n")
}

/// One claim on the status board: "  agent-1  src/app.rs for T1 until 15:40".
pub fn status_claim(claim: &ClaimView<'_>) -> String {
    format!("  {}", claim_made(claim))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2025, 3, day)
            .unwrap()
            .and_hms_opt(hour, minute, 0)
            .unwrap()
    }

    fn claim<'a>(task: Option<&'a str>, reason: Option<&'a str>) -> ClaimView<'a> {
        ClaimView {
            lane: "agent-2",
            path: "src/app.rs",
            task,
            reason,
            until: at(3, 15, 40),
            now: at(3, 13, 40),
        }
    }

    #[test]
    fn a_claim_is_told_with_its_lane_task_and_end() {
        let mut said = Vec::new();
        let paths = vec!["src/app.rs".to_owned()];
        said.push(changes_claimed(
            "parallel-dev/agent-1",
            &claim(Some("T12"), None),
            &paths,
        ));
        said.push(changes_claimed(
            "agent-1",
            &claim(None, Some("new parser")),
            &paths,
        ));
        said.push(claim_made(&claim(Some("T12"), None)));
        let tomorrow = ClaimView {
            until: at(4, 9, 5),
            ..claim(None, None)
        };
        said.push(claimed(&tomorrow));
        said.push(claimed_too(&claim(Some("T12"), Some("new parser"))));
        said.push(status_claim(&claim(None, None)));
        insta::assert_snapshot!(said.join("\n"));
    }

    #[test]
    fn letting_go_names_what_was_held_and_what_was_not() {
        insta::assert_snapshot!(unclaimed("agent-1", &["a".into()], &["b".into()]));
        insta::assert_snapshot!(unclaimed("agent-1", &[], &[]));
        insta::assert_snapshot!(unclaimed("agent-1", &[], &["b".into()]));
    }
}
