//! Every word Switchyard posts: check-run titles and summaries, comments. Kept in one place
//! so the voice stays consistent and every text is snapshot-tested.

pub mod assign;
mod merge_order;
mod overlap;

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

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
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

/// The "Merge order" run while the order is plain arrival order.
pub fn merge_order_by_arrival(place: usize, total: usize, earlier: &[PrNumber]) -> CheckText {
    let title = format!("{} of {} by arrival", ordinal(place), total);
    let summary = if earlier.is_empty() {
        format!("This pull request is the oldest of the {total} coordinated open pull requests.")
    } else {
        format!(
            "This pull request is {} of the {total} coordinated open pull requests by arrival; \
             opened before it: {}.",
            ordinal(place),
            pr_list(earlier)
        )
    };
    CheckText { title, summary }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrival_texts() {
        assert_eq!(
            merge_order_by_arrival(1, 1, &[]),
            CheckText {
                title: "1st of 1 by arrival".into(),
                summary: "This pull request is the oldest of the 1 coordinated open pull requests."
                    .into()
            }
        );
        let t = merge_order_by_arrival(3, 12, &[PrNumber(4), PrNumber(9)]);
        assert_eq!(t.title, "3rd of 12 by arrival");
        assert_eq!(
            t.summary,
            "This pull request is 3rd of the 12 coordinated open pull requests by arrival; \
             opened before it: #4 and #9."
        );
        assert_eq!(ordinal(11), "11th");
        assert_eq!(ordinal(22), "22nd");
        assert_eq!(
            pr_list(&[PrNumber(1), PrNumber(2), PrNumber(3)]),
            "#1, #2 and #3"
        );
    }
}
