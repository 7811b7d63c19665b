//! What `switchyard plan read` prints: each item the plan was read into, with the line it
//! came from, then what could not be read.

use crate::planfile::apply::{Additions, PlannedTask};
use crate::planfile::config_tracks::tracks_yaml;
use crate::planfile::{PlanDocument, Warning, WarningKind, WorkItem};
use crate::text::{code_list, plural};

/// The reading of a plan, for a person: items with their facts, then the warnings.
pub fn plan_reading(path: &str, plan: &PlanDocument) -> String {
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
pub(crate) fn hours_text(hours: f64) -> String {
    let text = format!("{hours:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn warning_text(warning: &Warning) -> String {
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

/// What `switchyard plan apply` did: the tasks it added, what it left as it was, and the
/// tracks for the config (written to `config_path`, or shown to copy there).
pub fn plan_applied(added: &Additions, config_path: &str, written: bool) -> String {
    let mut out = String::new();
    if added.tasks.is_empty() {
        out.push_str("No tasks added");
    } else {
        out.push_str(&format!(
            "Added {}:
",
            plural(added.tasks.len(), "task", "tasks")
        ));
        for task in &added.tasks {
            out.push_str(&format!(
                "  {}
",
                task_text(task)
            ));
        }
    }
    if !added.already.is_empty() {
        let sep = if added.tasks.is_empty() { ": " } else { "\n" };
        out = out.trim_end().to_owned();
        out.push_str(&format!(
            "{sep}{} already in the book: {}\n",
            plural(added.already.len(), "task", "tasks"),
            added.already.join(", ")
        ));
    } else if added.tasks.is_empty() {
        out.push_str(".\n");
    }
    for (task, dep) in &added.cut {
        out.push_str(&format!(
            "{task} does not wait for {dep}: the plan has them wait for each other in a circle\n"
        ));
    }
    if added.tracks.is_empty() {
        out.push_str(&format!("No tracks to add to {config_path}.\n"));
    } else if written {
        out.push_str(&format!(
            "Wrote {} to {config_path}.\n",
            plural(added.tracks.len(), "track", "tracks")
        ));
    } else {
        out.push_str(&format!(
            "\nTracks for {config_path} (`--write-config` adds them):\n\ntracks:\n{}",
            tracks_yaml(&added.tracks, 2)
        ));
    }
    out
}

fn task_text(task: &PlannedTask) -> String {
    let mut facts = Vec::new();
    if let Some(estimate) = &task.estimate {
        facts.push(estimate.clone());
    }
    if !task.depends_on.is_empty() {
        facts.push(format!("waits for {}", task.depends_on.join(", ")));
    }
    if !task.footprint.is_empty() {
        facts.push(format!("changes {}", code_list(&task.footprint)));
    }
    let facts = if facts.is_empty() {
        String::new()
    } else {
        format!(" ({})", facts.join("; "))
    };
    format!("{} on lane `{}`: {}{facts}", task.id, task.lane, task.title)
}

/// The files section of a task's issue: what the footprint rule reads back as the files
/// its plan item names. Empty for no files.
pub fn files_section(files: &[String]) -> String {
    if files.is_empty() {
        return String::new();
    }
    let list: Vec<String> = files.iter().map(|file| format!("- `{file}`")).collect();
    format!("**Files:**\n\n{}\n", list.join("\n"))
}

/// Why a task waits for another lane: "waits: would change `src/store/notes.ts`, which
/// agent-2 is changing for #12".
pub fn footprint_wait<T: std::fmt::Display>(wait: &crate::footprint::Wait<T>) -> String {
    format!(
        "waits: would change `{}`, which {} is changing for {}",
        wait.path, wait.lane, wait.task
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_with_its_facts_and_the_warnings() {
        let plan = PlanDocument {
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

    #[test]
    fn an_apply_lists_its_tasks_and_the_tracks_to_add() {
        let added = Additions {
            tasks: vec![PlannedTask {
                id: "task-2".into(),
                title: "Task 2: API".into(),
                lane: "agent-1".into(),
                estimate: Some("0.75h".into()),
                depends_on: vec!["task-1".into()],
                footprint: vec!["src/api.rs".into()],
            }],
            already: vec!["task-1".into()],
            cut: vec![],
            tracks: vec![crate::planfile::apply::PlannedTrack {
                name: "task-2".into(),
                paths: vec!["src/api.rs".into()],
                depends_on: vec![],
                agent: None,
            }],
        };
        assert_eq!(
            plan_applied(&added, ".github/switchyard.yml", false),
            "Added 1 task:\n  \
             task-2 on lane `agent-1`: Task 2: API (0.75h; waits for task-1; changes `src/api.rs`)\n\
             1 task already in the book: task-1\n\
             \n\
             Tracks for .github/switchyard.yml (`--write-config` adds them):\n\
             \n\
             tracks:\n  \
             task-2:\n    \
             paths: [\"src/api.rs\"]\n"
        );
        let again = Additions {
            already: vec!["task-1".into(), "task-2".into()],
            ..Additions::default()
        };
        assert_eq!(
            plan_applied(&again, ".github/switchyard.yml", true),
            "No tasks added: 2 tasks already in the book: task-1, task-2\n\
             No tracks to add to .github/switchyard.yml.\n"
        );
    }

    #[test]
    fn the_files_section_reads_back_as_the_footprint() {
        let files = vec!["src/store/notes.ts".to_owned(), "src/api/".to_owned()];
        let section = files_section(&files);
        assert_eq!(
            section,
            "**Files:**\n\n- `src/store/notes.ts`\n- `src/api/`\n"
        );
        assert_eq!(crate::footprint::of_task(&section, &[]), files);
        assert_eq!(files_section(&[]), "");
    }

    #[test]
    fn a_footprint_wait_names_the_file_the_lane_and_the_task() {
        let wait = crate::footprint::Wait {
            path: "src/store/notes.ts".into(),
            lane: "agent-2".into(),
            task: crate::ids::IssueNumber(12),
        };
        assert_eq!(
            footprint_wait(&wait),
            "waits: would change `src/store/notes.ts`, which agent-2 is changing for #12"
        );
    }
}
