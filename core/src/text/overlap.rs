//! The one comment on a PR about the other open PRs that touch the same files and lines.

use super::{MAX_COMMENT_CHARS, and_list, and_more, code_list_of, plural, within};
use crate::ids::PrNumber;
use crate::overlap::{LineRange, Tier};
use sha2::{Digest, Sha256};

/// Finds the comment again among a PR's comments.
pub const OVERLAP_MARKER: &str = "<!-- switchyard:overlaps -->";

/// The files named for each other PR; [`OtherPr::more_files`] counts the rest.
pub const FILES_NAMED_PER_PR: usize = 10;

/// Line links per file and side, paths per list, files changed on the default branch, PRs
/// left out: the first so many are named and the rest counted, so that one comment reads in
/// a minute however large the pull requests.
const LINKS_NAMED: usize = 5;
const PATHS_NAMED: usize = 10;
const BASE_FILES_NAMED: usize = 20;
const PRS_NAMED: usize = 10;

/// Room kept for the line that counts the other PRs left out of a long comment.
const ROOM_FOR_THE_REST: usize = 400;

/// Everything the comment says about one PR.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlapView {
    /// The pull request's web page, which its line links start from.
    pub pr_url: String,
    pub default_branch: String,
    pub others: Vec<OtherPr>,
    pub ownership: Vec<OwnershipNote>,
    /// Files where the default branch changed the lines this PR changes.
    pub base_conflicts: Vec<PathLines>,
    /// GitHub listed only the first 3,000 files of this PR.
    pub files_incomplete: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OtherPr {
    pub number: PrNumber,
    pub title: String,
    pub url: String,
    pub lane: Option<String>,
    pub draft: bool,
    pub tier: Tier,
    /// The shared files named, in path order: at most [`FILES_NAMED_PER_PR`], the closest
    /// ones when there are more.
    pub files: Vec<SharedFile>,
    /// The shared files not named.
    pub more_files: usize,
    pub order: OrderHint,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SharedFile {
    pub path_here: String,
    pub path_there: String,
    /// Where both change the same lines: this PR's head lines, the other's head lines.
    pub same_lines: Vec<(LineRange, LineRange)>,
    /// Why the finding is less than exact, if it is.
    pub caveat: Option<Caveat>,
    /// A file regenerated rather than merged (a lock file) whose changed lines meet the other
    /// PR's: said in its own short line, without line links.
    pub regenerated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caveat {
    /// One side has no patch for the file (binary, too large, a pure rename).
    NoPatch,
    /// The default branch changed the file since one of them branched, in ways that could
    /// not be followed line by line.
    Unmapped,
}

/// What the merge order says about the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderHint {
    /// This PR goes first; the other rebases after it.
    ThisFirst,
    /// The other goes first; this PR rebases after it.
    OtherFirst,
    /// Not in the order together (a draft, or no conflict).
    Unordered,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OwnershipNote {
    pub track: String,
    pub owner_lane: String,
    pub paths: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathLines {
    pub path: String,
    pub lines: Vec<LineRange>,
}

/// A link to lines of a pull request's head in its "Files changed" view, where GitHub names a
/// file by the SHA-256 of its path: unlike a link to a blob at the head, it stays the same
/// when the head moves but the lines do not.
fn lines_link(pr_url: &str, path: &str, range: LineRange) -> String {
    let (first, last) = range.annotation_lines();
    let (label, anchor) = if first == last {
        (format!("line {first}"), format!("R{first}"))
    } else {
        (format!("lines {first}–{last}"), format!("R{first}-R{last}"))
    };
    let file = Sha256::digest(path.as_bytes());
    format!("[{label}]({pr_url}/files#diff-{file:x}{anchor})")
}

fn headline(view: &OverlapView) -> String {
    let count = |tier: Tier| view.others.iter().filter(|o| o.tier == tier).count();
    let mut parts = Vec::new();
    let mut counted = 0;
    let mut prs = |count: usize| {
        let more = if counted > 0 { " more" } else { "" };
        counted += count;
        format!(
            "{}{more}",
            plural(count, "open pull request", "open pull requests")
        )
    };
    for (tier, say) in [
        (Tier::Lines, "changes the same lines as {prs}"),
        (
            Tier::Regenerated,
            "changes the same lines of regenerated files as {prs}",
        ),
        (
            Tier::NoLineDetail,
            "may conflict with {prs}: no line detail",
        ),
        (
            Tier::File,
            "touches the same files as {prs}, in separate regions",
        ),
    ] {
        let count = count(tier);
        if count > 0 {
            parts.push(say.replace("{prs}", &prs(count)));
        }
    }
    if !view.ownership.is_empty() {
        parts.push("changes paths another lane owns".to_owned());
    }
    if !view.base_conflicts.is_empty() {
        parts.push(format!("needs a rebase on `{}`", view.default_branch));
    }
    format!("**{}.**", capitalized(&parts.join("; ")))
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The one line for the regenerated files two PRs change on the same lines.
fn regenerated_line(paths: &[&str]) -> String {
    let it = if paths.len() == 1 { "it" } else { "them" };
    format!(
        "  - both change {} on the same lines: regenerate {it} after rebasing, don't merge \
         {it} by hand\n",
        code_list_of(paths, PATHS_NAMED)
    )
}

/// Links to the first lines of a file, and a count of the rest.
pub(super) fn links(
    pr_url: &str,
    path: &str,
    lines: impl ExactSizeIterator<Item = LineRange>,
) -> String {
    let total = lines.len();
    let shown: Vec<String> = lines
        .take(LINKS_NAMED)
        .map(|range| lines_link(pr_url, path, range))
        .collect();
    and_more(&shown, total - shown.len())
}

fn other_pr(view: &OverlapView, other: &OtherPr) -> String {
    let mut about = Vec::new();
    if let Some(lane) = &other.lane {
        about.push(format!("lane `{lane}`"));
    }
    if other.draft {
        about.push("draft".into());
    }
    about.push(
        match other.tier {
            Tier::Lines => "same lines",
            Tier::Regenerated => "same lines of regenerated files",
            Tier::NoLineDetail => "may conflict, no line detail",
            Tier::File => "same files, separate regions",
        }
        .to_owned(),
    );
    let mut out = format!(
        "- [#{} {}]({}) ({})\n",
        other.number.0,
        other.title.replace(['[', ']'], ""),
        other.url,
        about.join(", ")
    );
    for file in other.files.iter().filter(|file| !file.regenerated) {
        let path = if file.path_here == file.path_there {
            format!("`{}`", file.path_here)
        } else {
            format!("`{}` (`{}` there)", file.path_here, file.path_there)
        };
        let mut line = format!("  - {path}");
        if !file.same_lines.is_empty() {
            let here = file.same_lines.iter().map(|(here, _)| *here);
            let there = file.same_lines.iter().map(|(_, there)| *there);
            line.push_str(&format!(
                ": {} here, {} there",
                links(&view.pr_url, &file.path_here, here),
                links(&other.url, &file.path_there, there)
            ));
        }
        match file.caveat {
            Some(Caveat::NoPatch) => line.push_str(
                " (judged at file level: GitHub gives no line diff for it, e.g. a binary file, \
                 a very large diff or a pure rename)",
            ),
            Some(Caveat::Unmapped) => line.push_str(&format!(
                " (line numbers uncertain: `{}` changed this file since one of the branches \
                 started)",
                view.default_branch
            )),
            None => {}
        }
        out.push_str(&line);
        out.push('\n');
    }
    let regenerated: Vec<&str> = other
        .files
        .iter()
        .filter(|file| file.regenerated)
        .map(|file| file.path_here.as_str())
        .collect();
    if !regenerated.is_empty() {
        out.push_str(&regenerated_line(&regenerated));
    }
    if other.more_files > 0 {
        out.push_str(&format!(
            "  - and {}\n",
            plural(other.more_files, "more file", "more files")
        ));
    }
    out
}

/// The line that counts the other PRs a long comment leaves out.
fn the_rest(rest: &[OtherPr]) -> String {
    let numbers: Vec<String> = rest
        .iter()
        .take(PRS_NAMED)
        .map(|other| other.number.to_string())
        .collect();
    format!(
        "- and {} ({}), left out to keep this comment within GitHub's size limit\n",
        plural(
            rest.len(),
            "more open pull request",
            "more open pull requests"
        ),
        and_more(&numbers, rest.len() - numbers.len())
    )
}

fn advice(view: &OverlapView) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<&OtherPr> = view
        .others
        .iter()
        .filter(|o| o.tier == Tier::Lines)
        .collect();
    let first: Vec<String> = lines
        .iter()
        .filter(|o| o.order == OrderHint::OtherFirst)
        .map(|o| o.number.to_string())
        .collect();
    let after: Vec<String> = lines
        .iter()
        .filter(|o| o.order == OrderHint::ThisFirst)
        .map(|o| o.number.to_string())
        .collect();
    let unordered: Vec<String> = lines
        .iter()
        .filter(|o| o.order == OrderHint::Unordered)
        .map(|o| o.number.to_string())
        .collect();
    if !first.is_empty() {
        out.push(format!(
            "The merge order puts {} first: let it land, then rebase this branch on `{}` and \
             resolve the shared lines once.",
            and_list(&first),
            view.default_branch
        ));
    }
    if !after.is_empty() {
        out.push(format!(
            "The merge order puts this pull request before {}, which will rebase after it.",
            and_list(&after)
        ));
    }
    if !unordered.is_empty() {
        out.push(format!(
            "Coordinate with the authors of {} on who changes the shared lines.",
            and_list(&unordered)
        ));
    }
    let regenerated_first: Vec<String> = view
        .others
        .iter()
        .filter(|o| o.tier == Tier::Regenerated && o.order == OrderHint::OtherFirst)
        .map(|o| o.number.to_string())
        .collect();
    if !regenerated_first.is_empty() {
        out.push(format!(
            "The merge order puts {} first: let it land, then rebase this branch on `{}` and \
             regenerate the files you both change.",
            and_list(&regenerated_first),
            view.default_branch
        ));
    }
    if view.others.iter().any(|o| o.tier == Tier::NoLineDetail) {
        out.push(
            "Where GitHub gives no line diff, a conflict cannot be ruled out: compare those \
             files by hand before merging."
                .into(),
        );
    }
    if !view.others.is_empty() && view.others.iter().all(|o| o.tier == Tier::File) {
        out.push(
            "Git merges separate regions on its own; review the changes together if they \
             interact."
                .into(),
        );
    }
    if !view.ownership.is_empty() {
        out.push(
            "Move the changes to owned paths into the owning lane, or agree on them with it."
                .into(),
        );
    }
    if !view.base_conflicts.is_empty() {
        out.push(format!(
            "Rebase on `{}` now: it already conflicts there.",
            view.default_branch
        ));
    }
    out
}

/// The comment while anything overlaps: the other PRs in order, as many as GitHub's limit
/// leaves room for, then a count of the rest.
pub fn overlap_comment(view: &OverlapView) -> String {
    let head = format!("{OVERLAP_MARKER}\n{}\n", headline(view));
    let tail = after_the_others(view);
    let room = MAX_COMMENT_CHARS
        .saturating_sub(head.chars().count() + tail.chars().count() + ROOM_FOR_THE_REST);
    let mut others = String::new();
    if !view.others.is_empty() {
        others.push('\n');
        let mut used = 0;
        for (at, other) in view.others.iter().enumerate() {
            let text = other_pr(view, other);
            used += text.chars().count();
            if used > room {
                others.push_str(&the_rest(&view.others[at..]));
                break;
            }
            others.push_str(&text);
        }
    }
    within(format!("{head}{others}{tail}"), MAX_COMMENT_CHARS)
}

/// Everything the comment says after the other PRs.
fn after_the_others(view: &OverlapView) -> String {
    let mut out = String::new();
    if !view.ownership.is_empty() {
        out.push_str("\n**Paths another lane owns:**\n");
        for note in &view.ownership {
            out.push_str(&format!(
                "- {} (track `{}`, lane `{}`)\n",
                code_list_of(&note.paths, PATHS_NAMED),
                note.track,
                note.owner_lane
            ));
        }
    }
    if !view.base_conflicts.is_empty() {
        out.push_str(&format!(
            "\n**`{}` changed the same lines since this branch started:**\n",
            view.default_branch
        ));
        for file in view.base_conflicts.iter().take(BASE_FILES_NAMED) {
            let lines = file.lines.iter().copied();
            out.push_str(&format!(
                "- `{}`: {}\n",
                file.path,
                links(&view.pr_url, &file.path, lines)
            ));
        }
        let more = view.base_conflicts.len().saturating_sub(BASE_FILES_NAMED);
        if more > 0 {
            out.push_str(&format!(
                "- and {}\n",
                plural(more, "more file", "more files")
            ));
        }
    }
    if view.files_incomplete {
        out.push_str(
            "\nGitHub lists only the first 3,000 files of this pull request: overlaps in the \
             files past that are not seen.\n",
        );
    }
    let advice = advice(view);
    if !advice.is_empty() {
        out.push_str(&format!("\n**What to do:** {}\n", advice.join(" ")));
    }
    out.push_str(FOOTER);
    out
}

/// Names nothing that moves with the head, so that a push which changes no overlap leaves
/// the comment as it is.
const FOOTER: &str = "\n<sub>Switchyard keeps this comment up to date.</sub>\n";

/// The comment once nothing overlaps any more: it says so rather than vanishing.
pub fn overlap_gone_comment() -> String {
    format!(
        "{OVERLAP_MARKER}\n**No overlaps any more.** No other open pull request changes the \
         files this one changes.\n{FOOTER}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(others: Vec<OtherPr>) -> OverlapView {
        OverlapView {
            pr_url: "https://github.com/octo/repo/pull/7".into(),
            default_branch: "main".into(),
            others,
            ownership: vec![],
            base_conflicts: vec![],
            files_incomplete: false,
        }
    }

    fn other(number: u64, tier: Tier, order: OrderHint, files: Vec<SharedFile>) -> OtherPr {
        OtherPr {
            number: PrNumber(number),
            title: format!("Work [{number}]"),
            url: format!("https://github.com/octo/repo/pull/{number}"),
            lane: Some("agent-2".into()),
            draft: false,
            tier,
            files,
            more_files: 0,
            order,
        }
    }

    fn file(path: &str, same_lines: Vec<(LineRange, LineRange)>) -> SharedFile {
        SharedFile {
            path_here: path.into(),
            path_there: path.into(),
            same_lines,
            caveat: None,
            regenerated: false,
        }
    }

    #[test]
    fn same_lines_with_links_and_what_to_do() {
        let v = view(vec![
            other(
                12,
                Tier::Lines,
                OrderHint::OtherFirst,
                vec![file(
                    "src/app.rs",
                    vec![(LineRange::new(10, 14), LineRange::new(11, 12))],
                )],
            ),
            other(
                15,
                Tier::File,
                OrderHint::Unordered,
                vec![file("src/lib.rs", vec![])],
            ),
        ]);
        insta::assert_snapshot!(overlap_comment(&v));
    }

    #[test]
    fn caveats_ownership_base_conflicts_and_the_file_cap_are_said() {
        let mut v = view(vec![other(
            3,
            Tier::NoLineDetail,
            OrderHint::Unordered,
            vec![SharedFile {
                path_here: "logo.png".into(),
                path_there: "img/logo.png".into(),
                same_lines: vec![],
                caveat: Some(Caveat::NoPatch),
                regenerated: false,
            }],
        )]);
        v.others[0].draft = true;
        v.others[0].lane = None;
        v.ownership = vec![OwnershipNote {
            track: "api".into(),
            owner_lane: "agent-1".into(),
            paths: vec!["src/api/mod.rs".into()],
        }];
        v.base_conflicts = vec![PathLines {
            path: "src/db.rs".into(),
            lines: vec![LineRange::new(4, 4)],
        }];
        v.files_incomplete = true;
        insta::assert_snapshot!(overlap_comment(&v));
    }

    #[test]
    fn this_pr_first_and_uncoordinated_pairs() {
        let v = view(vec![
            other(
                7,
                Tier::Lines,
                OrderHint::ThisFirst,
                vec![file("a.rs", vec![])],
            ),
            other(
                8,
                Tier::Lines,
                OrderHint::Unordered,
                vec![file("a.rs", vec![])],
            ),
        ]);
        let text = overlap_comment(&v);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn regenerated_files_get_their_own_line_and_no_line_links() {
        let lock = |path: &str| SharedFile {
            regenerated: true,
            ..file(path, vec![])
        };
        let v = view(vec![
            other(
                4,
                Tier::Regenerated,
                OrderHint::OtherFirst,
                vec![lock("yarn.lock")],
            ),
            other(
                9,
                Tier::Lines,
                OrderHint::ThisFirst,
                vec![
                    file(
                        "src/a.rs",
                        vec![(LineRange::new(2, 3), LineRange::new(2, 3))],
                    ),
                    lock("Cargo.lock"),
                    lock("web/package-lock.json"),
                ],
            ),
            other(
                11,
                Tier::File,
                OrderHint::Unordered,
                vec![file("src/b.rs", vec![])],
            ),
        ]);
        insta::assert_snapshot!(overlap_comment(&v));
    }

    #[test]
    fn long_lists_of_lines_and_files_name_the_first_and_count_the_rest() {
        let regions: Vec<_> = (1..=8)
            .map(|n| (LineRange::new(n * 10, n * 10 + 1), LineRange::new(n, n + 1)))
            .collect();
        let mut big = other(
            5,
            Tier::Lines,
            OrderHint::Unordered,
            vec![file("a.rs", regions)],
        );
        big.more_files = 2_990;
        let text = overlap_comment(&view(vec![big]));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_hundred_prs_sharing_thousands_of_files_stay_within_githubs_limit() {
        let files: Vec<SharedFile> = (0..FILES_NAMED_PER_PR)
            .map(|n| {
                let regions = (1..=40)
                    .map(|line| {
                        (
                            LineRange::new(line, line + 1),
                            LineRange::new(line, line + 1),
                        )
                    })
                    .collect();
                file(
                    &format!("src/module_{n}/a_rather_long_file_name.rs"),
                    regions,
                )
            })
            .collect();
        let others = (1..=100)
            .map(|number| OtherPr {
                more_files: 2_990,
                ..other(number, Tier::Lines, OrderHint::OtherFirst, files.clone())
            })
            .collect();
        let mut v = view(others);
        v.ownership = vec![OwnershipNote {
            track: "api".into(),
            owner_lane: "agent-1".into(),
            paths: (0..3_000).map(|n| format!("src/api/{n}.rs")).collect(),
        }];
        v.base_conflicts = (0..3_000)
            .map(|n| PathLines {
                path: format!("src/module_{n}/a.rs"),
                lines: vec![LineRange::new(4, 5); 100],
            })
            .collect();
        let text = overlap_comment(&v);
        assert!(text.chars().count() <= MAX_COMMENT_CHARS, "{}", text.len());
        assert!(text.starts_with(OVERLAP_MARKER));
        assert!(text.contains("**Changes the same lines as 100 open pull requests;"));
        let shown = text.matches("\n- [#").count();
        assert!(shown >= 3, "{shown} shown");
        assert!(
            text.contains(&format!(
                "\n- and {} more open pull requests (#{}, #{}",
                100 - shown,
                shown + 1,
                shown + 2
            )),
            "{text}"
        );
        assert!(text.contains("`src/api/9.rs` and 2990 more (track `api`"));
        assert!(text.contains("\n- and 2980 more files\n"));
        assert!(text.ends_with("<sub>Switchyard keeps this comment up to date.</sub>\n"));
    }

    #[test]
    fn the_gone_comment_says_so() {
        insta::assert_snapshot!(overlap_gone_comment());
        // A snapshot leaves out the line break a comment ends with.
        assert!(overlap_gone_comment().ends_with("</sub>\n"));
    }

    #[test]
    fn line_links_point_into_the_pull_requests_diff_by_the_hash_of_the_path() {
        // GitHub's anchor for `docs/a b#1.md` in "Files changed": the SHA-256 of its path.
        let file = "c78a68c87edf6bce6d0af7ffe1aacb7ecf983d8e308432c4f044bcb56e960dc0";
        assert_eq!(
            lines_link(
                "https://ghe.example.com/octo/repo/pull/7",
                "docs/a b#1.md",
                LineRange::new(3, 4)
            ),
            format!("[line 3](https://ghe.example.com/octo/repo/pull/7/files#diff-{file}R3)")
        );
    }
}
