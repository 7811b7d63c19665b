//! Check runs as GitHub takes them: the body of a create or an update. The words of its
//! vocabulary (a run's conclusion, an annotation's level) are the plan's own, spelled as
//! GitHub spells them.

use crate::ids::Sha;
use serde::Serialize;

pub use crate::pulls::{AnnotationLevel, Conclusion};

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
