//! The desired state of a pull request's published results, as the plan writes it and the
//! App's apply reads it: the check runs on its head, the overlap comment and the handoff.

use crate::ids::{PrNumber, Sha};
use crate::order::MergeOrder;
use crate::text::ConflictPaths;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the pull requests' plan asks for: what each PR should show, and what the task
/// plan reads of the PRs (their merge order and overlaps).
#[derive(Debug, Clone, PartialEq)]
pub struct PullPlan {
    /// One "Merge order" run per coordinated open PR's head.
    pub check_runs: Vec<CheckRunSpec>,
    /// The overlap comment of each PR that has (or had) something to say.
    pub comments: Vec<CommentSpec>,
    /// What each PR of a lane that takes handoffs must be told, if anything.
    pub handoffs: Vec<HandoffSpec>,
    /// The recommended merge order of the coordinated PRs that are not drafts.
    pub order: MergeOrder<ConflictPaths>,
    /// For each coordinated PR, the other open PRs it shares a file with.
    pub overlaps_with: BTreeMap<PrNumber, BTreeSet<PrNumber>>,
}

/// Annotations a check run carries at most: two requests' worth (GitHub takes 50 at a time,
/// and keeps adding them on every update). A PR overlapping thousands of lines gets warnings
/// on the first ones; its comment names the rest.
pub const MAX_ANNOTATIONS: usize = 100;

/// How a completed check run ended, in GitHub's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Conclusion {
    Success,
    Neutral,
    Failure,
    ActionRequired,
}

/// How loud an annotation is, in GitHub's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnotationLevel {
    Warning,
    Failure,
}

/// A warning on lines of a PR's head, shown in "Files changed".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Annotation {
    pub level: AnnotationLevel,
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    pub title: String,
    pub message: String,
}

/// A check run as we want it to be on one head. Its serialized form is what the App keeps a
/// digest of, to tell whether a run needs writing again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRunSpec {
    pub name: String,
    pub head_sha: Sha,
    pub conclusion: Conclusion,
    pub title: String,
    pub summary: String,
    pub annotations: Vec<Annotation>,
    /// Offers the "Recompute" button.
    pub recompute: bool,
}

/// The overlap comment as we want it on one PR.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentSpec {
    pub issue: PrNumber,
    pub body: String,
}

/// A PR of a lane that takes handoffs: what its lane's login must do now, if anything.
#[derive(Debug, Clone, PartialEq)]
pub struct HandoffSpec {
    pub issue: PrNumber,
    pub request: Option<HandoffRequest>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HandoffRequest {
    /// Tells one reason to act from another; a new cause is a new comment, so its mention
    /// reaches the agent (GitHub notifies nobody of a mention added by an edit).
    pub cause: String,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conclusions_and_levels_are_spelled_as_github_spells_them() {
        let words = serde_json::to_value([
            Conclusion::Success,
            Conclusion::Neutral,
            Conclusion::Failure,
            Conclusion::ActionRequired,
        ])
        .unwrap();
        assert_eq!(
            words,
            serde_json::json!(["success", "neutral", "failure", "action_required"])
        );
        let levels = serde_json::to_value([AnnotationLevel::Warning, AnnotationLevel::Failure]);
        assert_eq!(levels.unwrap(), serde_json::json!(["warning", "failure"]));
    }
}
