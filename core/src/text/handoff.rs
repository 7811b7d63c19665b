//! The handoff comment: for a lane whose agent acts on mentions, what its pull request must do
//! now that another PR landed on its lines or goes before it, addressed to the lane's login.

use super::overlap::links;
use super::{OtherPr, PathLines, and_list, plural};
use sha2::{Digest, Sha256};

/// Opens every handoff comment; the cause follows it in the same hidden line.
pub const HANDOFF_MARKER: &str = "<!-- switchyard:handoff";

/// Files named per cause; the rest are counted.
const FILES_NAMED: usize = 10;

/// What one lane's pull request must do, if anything.
#[derive(Debug, Clone, PartialEq)]
pub struct HandoffView {
    pub login: String,
    pub pr_url: String,
    pub head_branch: String,
    pub default_branch: String,
    /// Files where the default branch changed the lines this PR changes.
    pub rebase: Vec<PathLines>,
    /// The PRs the merge order puts first that change the same lines, with those files.
    pub goes_first: Vec<OtherPr>,
}

impl HandoffView {
    /// What the comment is about, as a short key: the same while the same files need a rebase
    /// and the same PRs on the same files go first, however the lines move. None when there
    /// is nothing to do.
    pub fn cause(&self) -> Option<String> {
        if self.rebase.is_empty() && self.goes_first.is_empty() {
            return None;
        }
        let mut words = vec!["rebase".to_owned()];
        words.extend(self.rebase.iter().map(|file| file.path.clone()));
        for other in &self.goes_first {
            words.push(format!("after {}", other.number));
            words.extend(other.files.iter().map(|file| file.path_here.clone()));
        }
        let digest = Sha256::digest(words.join("\n").as_bytes());
        Some(format!("{digest:x}")[..16].to_owned())
    }
}

/// The comment mentioning the lane's login, or None when there is nothing to do.
pub fn handoff_comment(view: &HandoffView) -> Option<String> {
    let cause = view.cause()?;
    let base = &view.default_branch;
    let mut out = format!("{HANDOFF_MARKER} cause={cause} -->\n");
    let firsts: Vec<String> = view
        .goes_first
        .iter()
        .map(|o| o.number.to_string())
        .collect();
    let task = match (view.rebase.is_empty(), firsts.is_empty()) {
        (false, true) => format!("this pull request needs a rebase on `{base}`."),
        (true, false) => format!(
            "the merge order puts {} before this pull request, on the same lines: let {} \
             land first, then rebase this branch on `{base}`.",
            and_list(&firsts),
            if firsts.len() == 1 { "it" } else { "them" },
        ),
        _ => format!(
            "this pull request needs a rebase on `{base}`, after {} {}: the merge order \
             puts {} first, on the same lines.",
            and_list(&firsts),
            if firsts.len() == 1 { "lands" } else { "land" },
            if firsts.len() == 1 { "it" } else { "them" },
        ),
    };
    out.push_str(&format!("@{}, {task}\n", view.login));
    if !view.rebase.is_empty() {
        out.push_str(&format!(
            "\n**`{base}` changed the lines this branch changes:**\n"
        ));
        for file in view.rebase.iter().take(FILES_NAMED) {
            let lines = file.lines.iter().copied();
            out.push_str(&format!(
                "- `{}`: {}\n",
                file.path,
                links(&view.pr_url, &file.path, lines)
            ));
        }
        out.push_str(&more_files(view.rebase.len()));
    }
    for other in &view.goes_first {
        out.push_str(&format!(
            "\n**[{} {}]({}) goes first; both change:**\n",
            other.number,
            other.title.replace(['[', ']'], ""),
            other.url
        ));
        for file in other.files.iter().take(FILES_NAMED) {
            let here = file.same_lines.iter().map(|(here, _)| *here);
            let there = file.same_lines.iter().map(|(_, there)| *there);
            let detail = if file.regenerated {
                "regenerate it after rebasing, don't merge it by hand".to_owned()
            } else if file.same_lines.is_empty() {
                "may conflict (no line detail)".to_owned()
            } else {
                format!(
                    "{} here, {} there",
                    links(&view.pr_url, &file.path_here, here),
                    links(&other.url, &file.path_there, there)
                )
            };
            out.push_str(&format!("- `{}`: {detail}\n", file.path_here));
        }
        out.push_str(&more_files(other.files.len() + other.more_files));
    }
    let mut paths: Vec<String> = Vec::new();
    let every_path = view.rebase.iter().map(|file| &file.path).chain(
        view.goes_first
            .iter()
            .flat_map(|other| other.files.iter().map(|file| &file.path_here)),
    );
    for path in every_path {
        if !paths.contains(path) && paths.len() < FILES_NAMED {
            paths.push(path.clone());
        }
    }
    let when = if firsts.is_empty() {
        "In this branch's worktree:".to_owned()
    } else {
        let verb = if firsts.len() == 1 { "is" } else { "are" };
        format!(
            "Once {} {verb} merged, in this branch's worktree:",
            and_list(&firsts)
        )
    };
    out.push_str(&format!(
        "\n**What to do.** {when}\n\n```sh\ngit fetch origin\ngit rebase origin/{base}\n\
         # resolve {}, then: git add <the files> && git rebase --continue\n\
         git push --force-with-lease origin HEAD:{}\n```\n\n\
         This comment is kept up to date; a new one mentions you only when the cause changes.\n",
        and_list(&paths),
        view.head_branch
    ));
    Some(out)
}

fn more_files(total: usize) -> String {
    match total.saturating_sub(FILES_NAMED) {
        0 => String::new(),
        more => format!("- and {}\n", plural(more, "more file", "more files")),
    }
}

/// What a handoff comment becomes when there is nothing left to do: no mention, so nobody is
/// called for it.
pub fn handoff_done_comment() -> String {
    format!(
        "{HANDOFF_MARKER} done -->\n**Nothing to do any more:** this pull request needs no \
         rebase and waits for no pull request on the same lines."
    )
}

/// What a handoff comment becomes when a newer one replaces it.
pub fn handoff_replaced_comment() -> String {
    format!(
        "{HANDOFF_MARKER} replaced -->\n**Replaced by a newer request below:** what this \
         pull request must do has changed."
    )
}

/// The cause a comment of ours was posted for, if it is a live handoff comment.
pub fn handoff_cause_of(body: &str) -> Option<&str> {
    let rest = body.strip_prefix(HANDOFF_MARKER)?.strip_prefix(" cause=")?;
    rest.split_once(" -->").map(|(cause, _)| cause)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PrNumber;
    use crate::overlap::{LineRange, Tier};
    use crate::text::{OrderHint, SharedFile};

    const PR: &str = "https://github.com/o/r/pull/7";

    fn view() -> HandoffView {
        HandoffView {
            login: "agent-bot".into(),
            pr_url: PR.into(),
            head_branch: "parallel-dev/agent-2".into(),
            default_branch: "main".into(),
            rebase: vec![],
            goes_first: vec![],
        }
    }

    fn rebase_on(path: &str, start: u32, end: u32) -> PathLines {
        PathLines {
            path: path.into(),
            lines: vec![LineRange::new(start, end)],
        }
    }

    fn first(number: u64, path: &str) -> OtherPr {
        OtherPr {
            number: PrNumber(number),
            title: "Add the [parser]".into(),
            url: format!("https://github.com/o/r/pull/{number}"),
            lane: Some("agent-1".into()),
            draft: false,
            tier: Tier::Lines,
            files: vec![SharedFile {
                path_here: path.into(),
                path_there: path.into(),
                same_lines: vec![(LineRange::new(10, 14), LineRange::new(11, 12))],
                caveat: None,
                regenerated: false,
            }],
            more_files: 0,
            order: OrderHint::OtherFirst,
        }
    }

    #[test]
    fn nothing_to_do_has_no_cause_and_no_comment() {
        assert_eq!(view().cause(), None);
        assert_eq!(handoff_comment(&view()), None);
    }

    #[test]
    fn a_rebase_names_the_lines_and_the_commands() {
        let mut v = view();
        v.rebase = vec![rebase_on("src/app.rs", 4, 5)];
        let cause = v.cause().unwrap();
        let body = handoff_comment(&v).unwrap();
        insta::assert_snapshot!(body);
        // A snapshot leaves out the line break a comment ends with.
        assert!(body.ends_with(".\n"));
        assert_eq!(handoff_cause_of(&body), Some(cause.as_str()));
    }

    #[test]
    fn a_pr_that_goes_first_is_named_with_both_sides_lines_and_when_to_act() {
        let mut v = view();
        v.goes_first = vec![first(12, "src/app.rs")];
        let body = handoff_comment(&v).unwrap();
        insta::assert_snapshot!(body);
    }

    #[test]
    fn both_causes_together() {
        let mut v = view();
        v.rebase = vec![rebase_on("src/lib.rs", 1, 2)];
        v.goes_first = vec![first(12, "src/app.rs"), first(15, "src/app.rs")];
        let body = handoff_comment(&v).unwrap();
        insta::assert_snapshot!(body);
    }

    #[test]
    fn the_cause_ignores_moved_lines_but_not_new_files_or_prs() {
        let mut v = view();
        v.rebase = vec![rebase_on("src/app.rs", 4, 5)];
        let cause = v.cause();
        v.rebase = vec![rebase_on("src/app.rs", 40, 52)];
        assert_eq!(v.cause(), cause, "the same file, lines moved");
        v.rebase.push(rebase_on("src/lib.rs", 1, 2));
        assert_ne!(v.cause(), cause);
        let with_files = v.cause();
        v.goes_first = vec![first(12, "src/app.rs")];
        assert_ne!(v.cause(), with_files);
    }

    #[test]
    fn done_and_replaced_comments_mention_nobody_and_carry_no_cause() {
        for body in [handoff_done_comment(), handoff_replaced_comment()] {
            assert!(body.starts_with(HANDOFF_MARKER));
            assert!(!body.contains('@'));
            assert_eq!(handoff_cause_of(&body), None);
        }
        insta::assert_snapshot!(handoff_done_comment());
        insta::assert_snapshot!(handoff_replaced_comment());
    }
}
