//! The issues `switchyard plan apply --github` writes, and what it prints: the parent issue's
//! body, each item's body (its files in the section the footprint rule reads back), and one
//! line per write.

use crate::planfile::WorkItem;
use crate::planfile::issue_writes::{Applying, Key, Marker, Target, Write};
use crate::text::planfile::{files_section, hours_text};
use crate::text::{MAX_COMMENT_CHARS, and_list, plural, within};

/// The parent issue's body: what the plan is and where its items are.
pub fn parent_body(marker: &Marker, path: &str, items: &[&str]) -> String {
    let listed: Vec<String> = items.iter().map(|name| format!("- {name}")).collect();
    within(
        format!(
            "{}\nThe parallel plan in `{path}`, applied by `switchyard plan apply`. Its {} \
             are the sub-issues of this issue, in the order lanes take them:\n\n{}\n",
            marker.text(),
            plural(items.len(), "work item", "work items"),
            listed.join("\n"),
        ),
        MAX_COMMENT_CHARS,
    )
}

/// A work item's body. `ticked` are the checklist entries ticked on GitHub, kept ticked.
pub fn item_body(marker: &Marker, path: &str, item: &WorkItem, ticked: &[String]) -> String {
    let mut parts = vec![format!(
        "{}\nA work item of the plan in `{path}`.",
        marker.text()
    )];
    let files = files_section(&item.files);
    if !files.is_empty() {
        parts.push(files.trim_end().to_owned());
    }
    if !item.subtasks.is_empty() {
        let entries: Vec<String> = item
            .subtasks
            .iter()
            .map(|task| {
                let tick = if ticked.iter().any(|t| t == task.trim()) {
                    "x"
                } else {
                    " "
                };
                format!("- [{tick}] {task}")
            })
            .collect();
        parts.push(format!("**Checklist:**\n\n{}", entries.join("\n")));
    }
    let mut facts = Vec::new();
    if !item.depends_on.is_empty() {
        // Named, not numbered: GitHub's "blocked by" links carry the dependencies.
        facts.push(format!("**Waits for:** {}", item.depends_on.join("; ")));
    }
    match (item.estimate_hours, &item.estimate_text) {
        (Some(hours), _) => facts.push(format!("**Estimate:** {} h", hours_text(hours))),
        (None, Some(text)) => facts.push(format!("**Estimate:** {text}")),
        (None, None) => {}
    }
    if let Some(agent) = &item.agent {
        facts.push(format!("**Agent in the plan:** {agent}"));
    }
    if !item.parallel {
        facts.push("**Runs alone:** the plan says it must not run alongside other work.".into());
    }
    if !facts.is_empty() {
        parts.push(facts.join("\n"));
    }
    within(format!("{}\n", parts.join("\n\n")), MAX_COMMENT_CHARS)
}

/// One write, done (`#12 Task 1: Schema created`), each issue named by `name`.
pub fn github_write(write: &Write, name: &dyn Fn(&Target) -> String) -> String {
    match write {
        Write::Create { key, title, .. } => {
            let what = match key {
                Key::Parent => "the plan",
                Key::Item(_) => "a work item",
            };
            format!(
                "created {} {title} ({what})",
                name(&Target::New(key.clone()))
            )
        }
        Write::Edit {
            number,
            title,
            body,
        } => {
            let changed: Vec<String> = [
                title.as_ref().map(|_| "title"),
                body.as_ref().map(|_| "body"),
            ]
            .into_iter()
            .flatten()
            .map(str::to_owned)
            .collect();
            format!("updated the {} of {number}", and_list(&changed))
        }
        Write::AddLabels { number, labels } => {
            let labels: Vec<String> = labels.iter().map(|l| format!("`{l}`")).collect();
            format!("labelled {number} {}", and_list(&labels))
        }
        Write::RemoveLabel { number, label } => format!("took `{label}` off {number}"),
        Write::AddSubIssue { parent, child } => {
            format!("made {} a sub-issue of {}", name(child), name(parent))
        }
        Write::AddBlockedBy { blocked, blocker } => {
            format!("linked {} as blocked by {}", name(blocked), name(blocker))
        }
    }
}

/// What an apply did (or, with `dry_run`, would send): `done` lines, then what it left alone.
pub fn github_applied(repo: &str, applying: &Applying, done: &[String], dry_run: bool) -> String {
    let mut out = if done.is_empty() {
        format!("{repo}: nothing to change; the plan's issues are up to date.\n")
    } else if dry_run {
        format!(
            "{repo}: would send {} (--dry-run sends nothing):\n",
            plural(done.len(), "request", "requests")
        )
    } else {
        format!("{repo}: {}:\n", plural(done.len(), "change", "changes"))
    };
    for line in done {
        out.push_str(&format!("  {line}\n"));
    }
    let numbers = |issues: &[crate::ids::IssueNumber]| -> String {
        and_list(&issues.iter().map(ToString::to_string).collect::<Vec<_>>())
    };
    if !applying.closed.is_empty() {
        out.push_str(&format!(
            "Left as they are, being closed: {}.\n",
            numbers(&applying.closed)
        ));
    }
    if !applying.dropped.is_empty() {
        out.push_str(&format!(
            "No longer in the plan, left as they are: {}.\n",
            numbers(&applying.dropped)
        ));
    }
    for (item, dep) in &applying.cut {
        out.push_str(&format!(
            "{item} is not linked as blocked by {dep}: the plan has them wait for each other \
             in a circle\n"
        ));
    }
    out
}

/// The kinds of link a GitHub may have no endpoint for, as [`links_unavailable`] names them.
pub const SUB_ISSUES: &str = "sub-issues";
pub const ISSUE_DEPENDENCIES: &str = "issue dependencies";

/// Said once when GitHub has no endpoint for a kind of link (GitHub Enterprise Server before
/// 3.19 has no issue dependencies).
pub fn links_unavailable(kind: &str) -> String {
    format!("This GitHub has no {kind}: those links were left out; the issues' bodies name them.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{IssueId, IssueNumber};

    fn item() -> WorkItem {
        WorkItem {
            name: "Task 1.1: Edit queue schema".into(),
            files: vec!["src/offline/queue.ts".into(), "src/offline/".into()],
            depends_on: vec!["Task 0: Setup".into()],
            estimate_hours: Some(1.75),
            estimate_text: Some("1.5-2 hours".into()),
            subtasks: vec!["Add the store".into(), "Migrate".into()],
            agent: Some("claude-1".into()),
            parallel: false,
            line: 8,
        }
    }

    fn marker() -> Marker {
        Marker {
            plan: "sync".into(),
            item: Some("task-1.1".into()),
        }
    }

    #[test]
    fn an_items_body_lists_its_files_checklist_and_facts() {
        let body = item_body(&marker(), "PLAN.md", &item(), &["Migrate".into()]);
        insta::assert_snapshot!(body);
        // A snapshot leaves out the line break a body ends with.
        assert!(body.ends_with('\n'));
    }

    #[test]
    fn an_item_without_files_has_no_footprint() {
        let mut item = item();
        item.files.clear();
        let body = item_body(&marker(), "docs/PLAN.md", &item, &[]);
        assert_eq!(
            crate::footprint::of_task(&body, &[]),
            Vec::<String>::new(),
            "{body}"
        );
    }

    #[test]
    fn the_body_holds_no_dependency_the_app_would_read_twice() {
        let mut item = item();
        item.depends_on = vec!["Fix #3 first".into()];
        let body = item_body(&marker(), "PLAN.md", &item, &[]);
        assert!(crate::assign::dependencies(&body).is_empty(), "{body}");
    }

    #[test]
    fn the_parent_lists_its_items() {
        let parent = Marker {
            plan: "sync".into(),
            item: None,
        };
        let body = parent_body(&parent, "PLAN.md", &["Task 1: Schema", "Task 2: API"]);
        insta::assert_snapshot!(body);
        assert!(body.ends_with('\n'));
    }

    #[test]
    fn each_write_in_one_line_and_what_was_left_alone() {
        let name = |target: &Target| match target {
            Target::Existing { number, .. } => number.to_string(),
            Target::New(Key::Parent) => "#10".into(),
            Target::New(Key::Item(_)) => "#11".into(),
        };
        let sub = Write::AddSubIssue {
            parent: Target::New(Key::Parent),
            child: Target::Existing {
                number: IssueNumber(7),
                id: IssueId(70),
            },
        };
        let edit = Write::Edit {
            number: IssueNumber(7),
            title: None,
            body: Some("b".into()),
        };
        let done = vec![github_write(&sub, &name), github_write(&edit, &name)];
        let applying = Applying {
            closed: vec![IssueNumber(5)],
            dropped: vec![IssueNumber(6)],
            ..Applying::default()
        };
        insta::assert_snapshot!(github_applied("octo/repo", &applying, &done, false));
        insta::assert_snapshot!(github_applied(
            "octo/repo",
            &Applying::default(),
            &[],
            false
        ));
    }

    #[test]
    fn every_kind_of_write_a_dry_run_and_a_cut_link() {
        let name = |target: &Target| match target {
            Target::Existing { number, .. } => number.to_string(),
            Target::New(Key::Parent) => "#10".into(),
            Target::New(Key::Item(_)) => "#11".into(),
        };
        let item = Target::New(Key::Item("task-1.1".into()));
        let writes = [
            Write::Create {
                key: Key::Parent,
                title: "Sync".into(),
                body: String::new(),
                labels: vec![],
            },
            Write::Create {
                key: Key::Item("task-1.1".into()),
                title: "Task 1.1: Edit queue schema".into(),
                body: String::new(),
                labels: vec![],
            },
            Write::Edit {
                number: IssueNumber(7),
                title: Some("t".into()),
                body: Some("b".into()),
            },
            Write::AddLabels {
                number: IssueNumber(7),
                labels: vec!["parallel".into(), "agent:agent-1".into()],
            },
            Write::RemoveLabel {
                number: IssueNumber(7),
                label: "parallel".into(),
            },
            Write::AddBlockedBy {
                blocked: item,
                blocker: Target::Existing {
                    number: IssueNumber(7),
                    id: IssueId(70),
                },
            },
        ];
        let done: Vec<String> = writes.iter().map(|w| github_write(w, &name)).collect();
        let applying = Applying {
            cut: vec![("Task 2: API".into(), "Task 1: Schema".into())],
            ..Applying::default()
        };
        insta::assert_snapshot!(github_applied("octo/repo", &applying, &done, true));
        insta::assert_snapshot!(links_unavailable(ISSUE_DEPENDENCIES));
        insta::assert_snapshot!(links_unavailable(SUB_ISSUES));
    }
}
