//! The desired state of a pull request's published results, as the plan writes it and apply
//! reads it: the check runs on its head and the overlap comment.

pub use crate::github::checks::{AnnotationLevel, Conclusion};
use crate::ids::{PrNumber, Sha};
use serde::Serialize;

/// Annotations a check run carries at most: two requests' worth (GitHub takes 50 at a time,
/// and keeps adding them on every update). A PR overlapping thousands of lines gets warnings
/// on the first ones; its comment names the rest.
pub const MAX_ANNOTATIONS: usize = 100;

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

/// A check run as we want it to be on one head.
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
