//! Check runs as GitHub takes them: the words of its vocabulary as enums, and the body of a
//! create or an update.

use crate::ids::Sha;
use serde::Serialize;

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

#[derive(Debug, Serialize)]
pub struct AnnotationWrite<'a> {
    pub path: &'a str,
    pub start_line: u32,
    pub end_line: u32,
    pub annotation_level: AnnotationLevel,
    pub title: &'a str,
    pub message: &'a str,
}

/// A button on the run's page; pressing it sends `requested_action` with `identifier`.
#[derive(Debug, Serialize)]
pub struct ActionWrite<'a> {
    pub label: &'a str,
    pub description: &'a str,
    pub identifier: &'a str,
}

#[derive(Debug, Serialize)]
pub struct OutputWrite<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub annotations: Vec<AnnotationWrite<'a>>,
}

/// A completed run, the body of an update (`PATCH …/check-runs/{id}`, which takes no head):
/// GitHub adds the annotations of an update to those the run has, and takes at most
/// [`ANNOTATIONS_PER_REQUEST`] at a time.
#[derive(Debug, Serialize)]
pub struct CheckRunWrite<'a> {
    pub name: &'a str,
    /// GitHub keeps it for the App: the digest of the run's content on the write that puts
    /// the last of it on, empty before.
    pub external_id: &'a str,
    pub status: &'static str,
    pub conclusion: Conclusion,
    pub output: OutputWrite<'a>,
    pub actions: Vec<ActionWrite<'a>>,
}

/// The body of a create (`POST …/check-runs`): the run, on the commit it is about.
#[derive(Debug, Serialize)]
pub struct CheckRunCreate<'a> {
    pub head_sha: &'a Sha,
    #[serde(flatten)]
    pub run: CheckRunWrite<'a>,
}

pub const ANNOTATIONS_PER_REQUEST: usize = 50;

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
