//! Every word Switchyard posts: check-run titles and summaries, comments. Kept in one place
//! so the voice stays consistent and every text is snapshot-tested.

pub mod assign;
mod config_check;
mod config_summary;
mod merge_order;
mod overlap;

pub use config_check::{config_invalid, config_removed, config_valid};
pub use config_summary::config_summary;
pub use merge_order::{ConflictPaths, merge_group_check, merge_order_check, merge_order_draft};
pub use overlap::{
    Caveat, OVERLAP_MARKER, OrderHint, OtherPr, OverlapView, OwnershipNote, PathLines, SharedFile,
    overlap_comment, overlap_gone_comment,
};

use crate::ids::PrNumber;

/// A check run's visible text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckText {
    pub title: String,
    pub summary: String,
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
    fn plurals() {
        assert_eq!(plural(1, "lane", "lanes"), "1 lane");
        assert_eq!(plural(0, "lane", "lanes"), "0 lanes");
        assert_eq!(plural(3, "lane", "lanes"), "3 lanes");
    }
}
