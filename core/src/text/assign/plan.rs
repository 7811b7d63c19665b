//! A plan's comment: each sub-issue and where it stands, and the time left.

use super::{blocker_list, duration};
use crate::assign::{PlanGroup, PlanProgress, Stage};
use crate::text::{footprint_wait, plural};

pub(super) fn plan_text(progress: &PlanProgress) -> String {
    let (done, total) = (progress.done(), progress.steps.len());
    let headline = if done == total {
        format!(
            "**Plan done**: {}.",
            match total {
                1 => "its sub-issue is closed".to_owned(),
                _ => format!("all {total} sub-issues are closed"),
            }
        )
    } else {
        format!(
            "**Plan**: {done} of {total} done; {} left, about {} with {}.\n\n\
             Its open sub-issues are the tasks; this issue itself is never given a lane.",
            duration(progress.hours_left),
            duration(progress.parallel_hours),
            plural(progress.lanes, "lane", "lanes"),
        )
    };
    format!("{headline}\n\n{}", steps(progress, ""))
}

/// A plan on the status board: its progress, its sub-issues indented under it.
pub(super) fn plan_group(plan: &PlanGroup) -> String {
    let (done, total) = (plan.progress.done(), plan.progress.steps.len());
    format!(
        "- {} {}: {done} of {total} done, {} left\n{}",
        plan.issue,
        plan.title,
        duration(plan.progress.hours_left),
        steps(&plan.progress, "  ")
    )
}

/// One line per sub-issue, each starting with `indent`.
fn steps(progress: &PlanProgress, indent: &str) -> String {
    let steps: Vec<String> = progress
        .steps
        .iter()
        .map(|step| {
            let stage = match &step.stage {
                Stage::Running { lane } => format!("running on lane `{lane}`"),
                Stage::Queued(None) => "queued".to_owned(),
                Stage::Queued(Some(wait)) => format!("queued, {}", footprint_wait(wait)),
                Stage::Blocked { by, elsewhere } => {
                    format!("blocked by {}", blocker_list(by, elsewhere))
                }
                Stage::Stuck => "on a dependency cycle".to_owned(),
                Stage::Done => "done".to_owned(),
                Stage::Waiting => "open, on no lane".to_owned(),
            };
            format!("{indent}- {} {}: {stage}", step.issue, step.title)
        })
        .collect();
    steps.join("\n")
}
