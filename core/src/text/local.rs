//! What `switchyard local` says about claims, uncommitted work, the question `touching`
//! answers and the pre-commit hook.

use super::{and_list, plural};
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

/// A worktree whose work was left out because an operation is under way there.
pub fn in_progress(worktree: &str, operation: &str, branch: &str) -> String {
    format!(
        "{worktree} is in the middle of a {operation}: {branch} is compared as committed, \
         without its worktree's changes"
    )
}

/// The branches whose worktrees' uncommitted work was compared.
pub fn uncommitted_compared(branches: &[String]) -> String {
    format!(
        "With uncommitted work, as their worktrees hold it: {}.",
        branches.join(", ")
    )
}

/// "line 9", "lines 3-5 and 9".
pub fn lines_text(lines: &[[u32; 2]]) -> String {
    let items: Vec<String> = lines
        .iter()
        .map(|[first, last]| {
            if first == last {
                first.to_string()
            } else {
                format!("{first}-{last}")
            }
        })
        .collect();
    let single = lines.len() == 1 && lines[0][0] == lines[0][1];
    format!(
        "{} {}",
        if single { "line" } else { "lines" },
        and_list(&items)
    )
}

/// One file of a branch's answer to `touching`: "app.txt (lines 3-5)", or its path alone
/// when it has no line detail.
pub fn touching_file(path: &str, lines: &[[u32; 2]]) -> String {
    if lines.is_empty() {
        path.to_owned()
    } else {
        format!("{path} ({})", lines_text(lines))
    }
}

/// The first line of `touching`'s answer when something touches the paths asked about;
/// `lines_of` says whose version the lines asked about are counted in, when that matters.
pub fn touching_heading(asked: &[String], lines_of: Option<(&str, bool)>) -> String {
    let from = match lines_of {
        Some((lane, true)) => format!(" (lines as {lane} is committing them)"),
        Some((lane, false)) => format!(" (lines as {lane}'s worktree has them)"),
        None => String::new(),
    };
    format!("Changing {}{from}:", and_list(asked))
}

/// One branch that changes the paths asked about.
pub fn touching_branch(branch: &str, uncommitted: bool, files: &[String]) -> String {
    let how = if uncommitted {
        " (with uncommitted work)"
    } else {
        ""
    };
    format!("  {branch}{how} changes {}", files.join(", "))
}

/// `touching`'s answer when nothing touches the paths asked about.
pub fn nothing_touching(asked: &[String], branches: usize) -> String {
    format!(
        "No other lane changes or claims {} ({} compared).",
        and_list(asked),
        plural(branches, "branch", "branches")
    )
}

/// `touching --staged` with nothing staged and no path named.
pub fn nothing_staged() -> String {
    "Nothing is staged, and no path was named: nothing to ask about.".to_owned()
}

/// The marker that tells our pre-commit hook from anyone else's.
pub const HOOK_MARKER: &str = "# switchyard local pre-commit hook";

/// The pre-commit hook: `switchyard` (found at `exe`, else on the PATH) says what the
/// commit changes that other lanes change or claim; it never stops the commit.
pub fn pre_commit_hook(exe: &str) -> String {
    let quoted = exe.replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n\
         {HOOK_MARKER}: installed by `switchyard local init --hooks`.\n\
         # Prints what this commit changes that another lane changes or claims. It never\n\
         # stops the commit: it always exits 0.\n\
         exe='{quoted}'\n\
         [ -x \"$exe\" ] || exe=switchyard\n\
         command -v \"$exe\" >/dev/null 2>&1 || exit 0\n\
         said=$(\"$exe\" local touching --staged 2>&1)\n\
         [ $? -eq 0 ] || printf '%s\\n' \"$said\" >&2\n\
         exit 0\n"
    )
}

/// What `init --hooks` did with one hooks folder.
pub fn hook_installed(path: &str) -> String {
    format!("installed the pre-commit hook {path}")
}

pub fn hook_kept(path: &str) -> String {
    format!("kept the pre-commit hook {path}: it is up to date")
}

pub fn hook_refused(path: &str) -> String {
    format!(
        "left {path} alone: it is another pre-commit hook; to hear from Switchyard there too, \
         have it run `switchyard local touching --staged || true`"
    )
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
        let paths = vec!["src/app.rs".to_owned()];
        assert_eq!(
            changes_claimed("parallel-dev/agent-1", &claim(Some("T12"), None), &paths),
            "parallel-dev/agent-1 changes a path agent-2 claimed for T12 (until 15:40): src/app.rs"
        );
        assert_eq!(
            changes_claimed("agent-1", &claim(None, Some("new parser")), &paths),
            "agent-1 changes a path agent-2 claimed (until 15:40: new parser): src/app.rs"
        );
        assert_eq!(
            claim_made(&claim(Some("T12"), None)),
            "agent-2 claims src/app.rs for T12 until 15:40"
        );
        let tomorrow = ClaimView {
            until: at(4, 9, 5),
            ..claim(None, None)
        };
        assert_eq!(
            claimed(&tomorrow),
            "agent-2 claimed src/app.rs (until Mar 4 09:05)"
        );
    }

    #[test]
    fn lines_read_as_prose() {
        assert_eq!(lines_text(&[[9, 9]]), "line 9");
        assert_eq!(lines_text(&[[3, 5], [9, 9]]), "lines 3-5 and 9");
        assert_eq!(touching_file("a", &[]), "a");
        assert_eq!(
            unclaimed("agent-1", &["a".into()], &["b".into()]),
            "agent-1 lets go of a\nagent-1 had no claim on b"
        );
        assert_eq!(unclaimed("agent-1", &[], &[]), "agent-1 has no claims");
        assert_eq!(
            unclaimed("agent-1", &[], &["b".into()]),
            "agent-1 has no claim on b"
        );
    }

    #[test]
    fn the_hook_never_stops_a_commit_and_quotes_its_path() {
        let hook = pre_commit_hook("/opt/it's/switchyard");
        assert!(hook.contains(r"exe='/opt/it'\''s/switchyard'"), "{hook}");
        assert!(hook.contains(HOOK_MARKER));
        assert!(hook.trim_end().ends_with("exit 0"));
    }
}
