//! What `switchyard plan read` prints: each item the plan was read into, with the line it
//! came from, then what could not be read.

use crate::planfile::{Plan, Warning, WarningKind, WorkItem};
use crate::text::{code_list, plural};

/// The reading of a plan, for a person: items with their facts, then the warnings.
pub fn plan_reading(path: &str, plan: &Plan) -> String {
    let mut out = format!(
        "{path}: {}, {}\n",
        plural(plan.items.len(), "work item", "work items"),
        plural(plan.warnings.len(), "warning", "warnings")
    );
    for item in &plan.items {
        out.push('\n');
        out.push_str(&item_text(item));
    }
    if !plan.warnings.is_empty() {
        out.push_str("\nWarnings:\n");
        for warning in &plan.warnings {
            out.push_str(&format!(
                "  line {}: {}\n",
                warning.line,
                warning_text(warning)
            ));
        }
    }
    out
}

fn item_text(item: &WorkItem) -> String {
    let mut out = format!("line {}: {}", item.line, item.name);
    if !item.parallel {
        out.push_str(" (runs alone)");
    }
    out.push('\n');
    if let Some(agent) = &item.agent {
        out.push_str(&format!("  agent: {agent}\n"));
    }
    match (&item.estimate_hours, &item.estimate_text) {
        (Some(hours), _) => out.push_str(&format!("  estimate: {} h\n", hours_text(*hours))),
        (None, Some(text)) => out.push_str(&format!("  estimate: {text} (no hours)\n")),
        (None, None) => {}
    }
    if !item.depends_on.is_empty() {
        out.push_str(&format!("  waits for: {}\n", item.depends_on.join("; ")));
    }
    if !item.files.is_empty() {
        out.push_str(&format!("  files: {}\n", code_list(&item.files)));
    }
    if !item.subtasks.is_empty() {
        out.push_str(&format!(
            "  {}:\n",
            plural(item.subtasks.len(), "subtask", "subtasks")
        ));
        for subtask in &item.subtasks {
            out.push_str(&format!("    - {subtask}\n"));
        }
    }
    out
}

/// `1.75`, `2`, `0.5`.
fn hours_text(hours: f64) -> String {
    let text = format!("{hours:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub fn warning_text(warning: &Warning) -> String {
    match &warning.kind {
        WarningKind::UnknownDependency { item, named } => {
            format!("{item} depends on \"{named}\", which names no item of the plan")
        }
        WarningKind::Cycle { items } => {
            format!(
                "these items wait for each other in a circle: {}",
                items.join(" → ")
            )
        }
        WarningKind::NoFiles { item } => {
            format!("{item} names no files, so nothing keeps it apart from other work")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_with_its_facts_and_the_warnings() {
        let plan = Plan {
            items: vec![WorkItem {
                name: "Task 1.1: Edit queue schema".into(),
                files: vec!["src/offline/queue.ts".into()],
                depends_on: vec!["Task 0: Setup".into()],
                estimate_hours: Some(1.75),
                estimate_text: Some("1.5-2 hours".into()),
                subtasks: vec!["Add the store".into()],
                agent: Some("claude-1".into()),
                parallel: false,
                line: 8,
            }],
            warnings: vec![Warning {
                line: 9,
                kind: WarningKind::UnknownDependency {
                    item: "Task 1.1: Edit queue schema".into(),
                    named: "Task 9".into(),
                },
            }],
        };
        assert_eq!(
            plan_reading("PLAN.md", &plan),
            "PLAN.md: 1 work item, 1 warning\n\
             \n\
             line 8: Task 1.1: Edit queue schema (runs alone)\n  \
             agent: claude-1\n  \
             estimate: 1.75 h\n  \
             waits for: Task 0: Setup\n  \
             files: `src/offline/queue.ts`\n  \
             1 subtask:\n    \
             - Add the store\n\
             \n\
             Warnings:\n  \
             line 9: Task 1.1: Edit queue schema depends on \"Task 9\", which names no item of the plan\n"
        );
    }

    #[test]
    fn days_are_shown_as_written_and_cycles_as_a_circle() {
        let item = WorkItem {
            name: "A: Model".into(),
            files: vec![],
            depends_on: vec![],
            estimate_hours: None,
            estimate_text: Some("1 day".into()),
            subtasks: vec![],
            agent: None,
            parallel: true,
            line: 3,
        };
        assert_eq!(
            item_text(&item),
            "line 3: A: Model\n  estimate: 1 day (no hours)\n"
        );
        let cycle = Warning {
            line: 3,
            kind: WarningKind::Cycle {
                items: vec!["A".into(), "B".into()],
            },
        };
        assert_eq!(
            warning_text(&cycle),
            "these items wait for each other in a circle: A → B"
        );
    }
}
