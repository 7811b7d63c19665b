//! `touching`'s answer: which other lanes change or claim the paths and lines asked about.

use super::claims::{ClaimView, claimed};
use super::worktrees::{LeftOut, in_progress};
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
    pub branches: Vec<Toucher<'a>>,
    /// Other lanes' claims on the paths asked about.
    pub claims: Vec<ClaimView<'a>>,
    pub in_progress: Vec<LeftOut<'a>>,
}

/// Another lane's branch that changes something asked about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toucher<'a> {
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
fn toucher(branch: &Toucher<'_>) -> String {
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

    #[test]
    fn lines_read_as_prose() {
        assert_eq!(lines_text(&[[9, 9]]), "line 9");
        assert_eq!(lines_text(&[[3, 5], [9, 9]]), "lines 3-5 and 9");
        assert_eq!(touched_file("a", &[]), "a");
    }
}
