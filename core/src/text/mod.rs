//! Every word Switchyard posts: check-run titles and summaries, comments. Kept in one place
//! so the voice stays consistent and every text is snapshot-tested.

pub mod assign;
mod check_parts;
mod config_check;
mod config_summary;
mod handoff;
pub mod local;
pub mod mcp;
mod merge_order;
mod overlap;
pub mod plan_issues;
mod planfile;

pub use check_parts::{config_error_annotation, overlap_annotation, recompute_button};
pub use config_check::{config_invalid, config_removed, config_unreadable, config_valid};
pub use config_summary::config_summary;
pub use handoff::{
    HANDOFF_MARKER, HandoffView, handoff_cause_of, handoff_comment, handoff_done_comment,
    handoff_replaced_comment,
};
pub use merge_order::{ConflictPaths, merge_group_check, merge_order_check, merge_order_draft};
pub use overlap::{
    Caveat, FILES_NAMED_PER_PR, OVERLAP_MARKER, OrderHint, OtherPr, OverlapView, OwnershipNote,
    PathLines, SharedFile, overlap_comment, overlap_gone_comment,
};
pub use planfile::{files_section, footprint_wait, plan_applied, plan_reading};

use crate::ids::PrNumber;

/// The most characters GitHub takes in a comment or an issue's body.
pub const MAX_COMMENT_CHARS: usize = 65_536;

/// The most characters GitHub takes in a check run's summary.
pub const MAX_SUMMARY_CHARS: usize = 65_535;

/// A check run's visible text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckText {
    pub title: String,
    pub summary: String,
}

/// The words of a warning on lines of a pull request, shown in "Files changed".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationText {
    pub title: String,
    pub message: String,
}

/// A button on a check run's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ButtonText {
    pub label: &'static str,
    pub description: &'static str,
}

/// `a`, `a and b`, `a, b and c`.
pub(crate) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn pr_list(prs: &[PrNumber]) -> String {
    let items: Vec<String> = prs.iter().map(PrNumber::to_string).collect();
    and_list(&items)
}

/// The first items of a list as prose, and a count of the `more` left out: "a, b and 7 more".
pub(crate) fn and_more(shown: &[String], more: usize) -> String {
    match more {
        0 => and_list(shown),
        _ => format!("{} and {more} more", shown.join(", ")),
    }
}

/// At most `limit` names as inline code, and a count of the rest: "`a`, `b` and 7 more".
pub(crate) fn code_list_of<S: AsRef<str>>(names: &[S], limit: usize) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(limit)
        .map(|name| format!("`{}`", name.as_ref()))
        .collect();
    and_more(&shown, names.len() - shown.len())
}

/// `text`, or when it has more than `limit` characters, as much of it as fits before a line
/// break, then a note that says so: the last guard that nothing the App posts passes
/// GitHub's size limits, which would refuse it whole.
pub(crate) fn within(text: String, limit: usize) -> String {
    const CUT: &str = "\n\n*Cut short here to fit GitHub's size limit.*\n";
    if text.chars().count() <= limit {
        return text;
    }
    let room = limit.saturating_sub(CUT.chars().count());
    let end = text
        .char_indices()
        .nth(room)
        .map_or(text.len(), |(at, _)| at);
    let kept = &text[..end];
    let kept = kept.rfind('\n').map_or(kept, |at| &kept[..at]);
    format!("{kept}{CUT}")
}

/// Names as inline code: "`a`", "`a` and `b`", "`a`, `b` and `c`".
pub(crate) fn code_list<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> String {
    let items: Vec<String> = names
        .into_iter()
        .map(|name| format!("`{}`", name.as_ref()))
        .collect();
    and_list(&items)
}

/// "1 task", "2 tasks".
pub(crate) fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(
            pr_list(&[PrNumber(1), PrNumber(2), PrNumber(3)]),
            "#1, #2 and #3"
        );
        assert_eq!(code_list(["a"]), "`a`");
        assert_eq!(and_list(&[]), "");
    }

    #[test]
    fn long_lists_name_the_first_and_count_the_rest() {
        let names = ["a", "b", "c", "d"];
        assert_eq!(code_list_of(&names, 2), "`a`, `b` and 2 more");
        assert_eq!(code_list_of(&names, 4), "`a`, `b`, `c` and `d`");
        assert_eq!(and_more(&["#1".to_owned()], 0), "#1");
    }

    #[test]
    fn text_past_the_limit_is_cut_at_a_line_break_and_says_so() {
        let text: String = (0..1000).map(|n| format!("line {n} é\n")).collect();
        assert_eq!(within(text.clone(), 100_000), text);
        let cut = within(text.clone(), 500);
        assert!(cut.chars().count() <= 500, "{cut}");
        assert!(cut.ends_with("\n\n*Cut short here to fit GitHub's size limit.*\n"));
        let kept = cut.split("\n\n*Cut").next().unwrap();
        assert!(text.starts_with(&format!("{kept}\n")), "{kept}");
        let one_line = within("x".repeat(MAX_COMMENT_CHARS * 2), MAX_COMMENT_CHARS);
        assert_eq!(one_line.chars().count(), MAX_COMMENT_CHARS);
    }

    #[test]
    fn plurals() {
        assert_eq!(plural(1, "lane", "lanes"), "1 lane");
        assert_eq!(plural(0, "lane", "lanes"), "0 lanes");
        assert_eq!(plural(3, "lane", "lanes"), "3 lanes");
    }
}
