//! Every word Switchyard posts: check-run titles and summaries, comments. Kept in one place
//! so the voice stays consistent and every text is snapshot-tested.

pub mod assign;
mod config_check;
mod merge_order;
mod overlap;

pub use config_check::{config_invalid, config_removed, config_valid};
pub use merge_order::{ConflictPaths, merge_order_check, merge_order_draft};
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
fn and_list(items: Vec<String>) -> String {
    match items.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

fn pr_list(prs: &[PrNumber]) -> String {
    and_list(prs.iter().map(PrNumber::to_string).collect())
}

/// Paths as inline code.
fn code_list(paths: &[String]) -> String {
    and_list(paths.iter().map(|p| format!("`{p}`")).collect())
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
        assert_eq!(code_list(&["a".into()]), "`a`");
        assert_eq!(and_list(vec![]), "");
    }
}
