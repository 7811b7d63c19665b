//! `touching`'s answer: which other lanes change or claim the paths and lines asked about.

use super::claims::{ClaimView, claimed};
use super::worktrees::{LeftOutView, in_progress};
use crate::text::{and_list, plural};

/// What `touching` found, as it is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TouchingView<'a> {
    /// The paths asked about, as the question spells them: "app.txt:3-5". None: nothing was
    /// staged and no path named.
    pub asked: Vec<String>,
    /// Whether any branch or claim touches what was asked.
    pub touched: bool,
    /// How many other branches were compared.
    pub compared: usize,
    /// Whose version the lines asked about are counted in, when lines were asked and it
    /// matters: the asking lane, and whether in its staged changes.
    pub lines_of: Option<(&'a str, bool)>,
    pub branches: Vec<ToucherView<'a>>,
    /// Other lanes' claims on the paths asked about.
    pub claims: Vec<ClaimView<'a>>,
    pub in_progress: Vec<LeftOutView<'a>>,
}

/// Another lane's branch that changes something asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToucherView<'a> {
    pub name: &'a str,
    /// Whether its worktree's uncommitted work was compared.
    pub uncommitted: bool,
    /// Each file it changes among those asked about, with the `[first, last]` lines it
    /// changes there (none: no line detail).
    pub files: Vec<(&'a str, &'a [[u32; 2]])>,
}

/// `touching`'s answer, a line for each branch and claim that touches what was asked.
pub fn touching(view: &TouchingView<'_>) -> String {
    let mut lines = Vec::new();
    if view.asked.is_empty() {
        lines.push("Nothing is staged, and no path was named: nothing to ask about.".to_owned());
    } else if !view.touched {
        lines.push(format!(
            "No other lane changes or claims {} ({} compared).",
            and_list(&view.asked),
            plural(view.compared, "branch", "branches")
        ));
    } else {
        lines.push(heading(&view.asked, view.lines_of));
        for branch in &view.branches {
            lines.push(toucher(branch));
        }
        for claim in &view.claims {
            lines.push(format!("  {}", claimed(claim)));
        }
    }
    for left in &view.in_progress {
        lines.push(in_progress(left));
    }
    lines.join("\n")
}

/// "line 9", "lines 3-5 and 9".
fn lines_text(lines: &[[u32; 2]]) -> String {
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

/// One file of a branch's answer: "app.txt (lines 3-5)", or its path alone when it has no
/// line detail.
fn touched_file(path: &str, lines: &[[u32; 2]]) -> String {
    if lines.is_empty() {
        path.to_owned()
    } else {
        format!("{path} ({})", lines_text(lines))
    }
}

/// The first line of the answer when something touches the paths asked about.
fn heading(asked: &[String], lines_of: Option<(&str, bool)>) -> String {
    let from = match lines_of {
        Some((lane, true)) => format!(" (lines as {lane} is committing them)"),
        Some((lane, false)) => format!(" (lines as {lane}'s worktree has them)"),
        None => String::new(),
    };
    format!("Changing {}{from}:", and_list(asked))
}

/// One branch that changes the paths asked about.
fn toucher(branch: &ToucherView<'_>) -> String {
    let how = if branch.uncommitted {
        " (with uncommitted work)"
    } else {
        ""
    };
    let files: Vec<String> = branch
        .files
        .iter()
        .map(|(path, lines)| touched_file(path, lines))
        .collect();
    format!("  {}{how} changes {}", branch.name, files.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const A1: &str = "parallel-dev/agent-1";
    const A2: &str = "parallel-dev/agent-2";

    fn view<'a>(asked: &[&str], branches: Vec<ToucherView<'a>>) -> TouchingView<'a> {
        TouchingView {
            asked: asked.iter().map(|path| path.to_string()).collect(),
            touched: true,
            compared: 2,
            lines_of: None,
            branches,
            claims: vec![],
            in_progress: vec![],
        }
    }

    #[test]
    fn lines_read_as_prose() {
        assert_eq!(lines_text(&[[9, 9]]), "line 9");
        assert_eq!(lines_text(&[[3, 5], [9, 9]]), "lines 3-5 and 9");
        assert_eq!(touched_file("a", &[]), "a");
    }

    #[test]
    fn branches_changing_the_paths_asked_about() {
        let said = touching(&view(
            &["app.txt"],
            vec![
                ToucherView {
                    name: A1,
                    uncommitted: false,
                    files: vec![("app.txt", &[[2, 2]])],
                },
                ToucherView {
                    name: A2,
                    uncommitted: true,
                    files: vec![("app.txt", &[[7, 7]])],
                },
            ],
        ));
        assert_eq!(
            said,
            format!(
                "Changing app.txt:\n  \
                 {A1} changes app.txt (line 2)\n  \
                 {A2} (with uncommitted work) changes app.txt (line 7)"
            )
        );
        insta::assert_snapshot!(said);
    }

    #[test]
    fn lines_asked_in_the_askers_worktree() {
        let mut asked = view(
            &["app.txt:9-10"],
            vec![ToucherView {
                name: A2,
                uncommitted: true,
                files: vec![("app.txt", &[[7, 7]])],
            }],
        );
        asked.lines_of = Some(("agent-3", false));
        let said = touching(&asked);
        assert_eq!(
            said,
            format!(
                "Changing app.txt:9-10 (lines as agent-3's worktree has them):\n  \
                 {A2} (with uncommitted work) changes app.txt (line 7)"
            )
        );
        insta::assert_snapshot!(said);
    }

    #[test]
    fn staged_lines_claims_files_without_lines_and_a_rebase_under_way() {
        let at = |hour, minute| {
            NaiveDate::from_ymd_opt(2025, 3, 3)
                .unwrap()
                .and_hms_opt(hour, minute, 0)
                .unwrap()
        };
        let mut asked = view(
            &["src/app.rs:3-5", "logo.png"],
            vec![ToucherView {
                name: A1,
                uncommitted: false,
                files: vec![("src/app.rs", &[[3, 5], [9, 9]]), ("logo.png", &[])],
            }],
        );
        asked.lines_of = Some(("agent-2", true));
        asked.claims = vec![ClaimView {
            lane: "agent-3",
            path: "src/",
            task: Some("T4"),
            reason: None,
            until: at(15, 40),
            now: at(13, 40),
        }];
        asked.in_progress = vec![LeftOutView {
            worktree: "../repo-worktrees/agent-3",
            operation: "rebase",
            branch: "parallel-dev/agent-3",
        }];
        insta::assert_snapshot!(touching(&asked));
    }

    #[test]
    fn nothing_touches_or_nothing_was_asked() {
        let mut quiet = view(&["README", "docs/"], vec![]);
        quiet.touched = false;
        let said = touching(&quiet);
        assert_eq!(
            said,
            "No other lane changes or claims README and docs/ (2 branches compared)."
        );
        insta::assert_snapshot!(said);
        insta::assert_snapshot!(touching(&view(&[], vec![])));
    }
}
