//! What `plan apply --github` writes: one parent issue for the plan and one sub-issue per work
//! item, each item with the trigger label, its estimate label, its checklist and its files,
//! linked to the parent as a sub-issue and to the items it waits for by GitHub's own "blocked
//! by" links.
//!
//! Each issue carries a hidden marker naming the plan and the item, so a second apply finds
//! what the first made: from a snapshot of those issues and their links, [`writes`] gives the
//! writes that are still missing, in the order to send them, and never one twice. Issues are
//! created in the order lanes should take them (the App assigns the oldest first): items that
//! must run alone first, each item after the items it waits for.

use crate::assign::same_label;
use crate::ids::{IssueId, IssueNumber};
use crate::planfile::apply::{estimate, slug, task_ids};
use crate::planfile::issue_writes::{Applying, Key, Marker, Target, Write};
use crate::planfile::{PlanDocument, WorkItem};
use crate::text::plan_issues::{item_body, parent_body};
use std::collections::BTreeMap;

/// A plan's id, from a name (its file's name without the extension): lower-case words
/// joined by `-`.
pub fn plan_id(name: &str) -> String {
    slug(name)
}

/// The plan being applied, and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    pub plan: &'a PlanDocument,
    /// What the markers name it by.
    pub id: &'a str,
    /// The parent issue's title.
    pub title: &'a str,
    /// The plan's file, as the bodies name it.
    pub path: &'a str,
    /// The label that asks the App to give an issue to a lane.
    pub trigger_label: &'a str,
}

/// An issue an earlier apply made, found by its marker.
#[derive(Debug, Clone, PartialEq)]
pub struct MadeIssue {
    pub number: IssueNumber,
    pub id: IssueId,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub open: bool,
    pub marker: Marker,
}

/// What GitHub holds of the plan: the issues with its markers and their links.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Made {
    pub issues: Vec<MadeIssue>,
    /// The ids of the parent's sub-issues.
    pub sub_issues: Vec<IssueId>,
    /// The ids of the issues each issue is blocked by.
    pub blocked_by: BTreeMap<IssueNumber, Vec<IssueId>>,
}

/// The writes that make GitHub hold `source`, given what earlier applies `made`.
pub fn writes(source: &Source<'_>, made: &Made) -> Applying {
    let items = &source.plan.items;
    let ids = task_ids(items);
    let mut out = Applying::default();
    let order = creation_order(source.plan, &mut out.cut);
    let found = Found::new(source.id, made);

    let parent = found.issue(&Key::Parent);
    let item_names: Vec<&str> = order.iter().map(|&at| items[at].name.as_str()).collect();
    let parent_wanted = Wanted {
        title: source.title.to_owned(),
        body: parent_body(
            &Marker {
                plan: source.id.to_owned(),
                item: None,
            },
            source.path,
            &item_names,
        ),
        labels: vec![source.trigger_label.to_owned()],
    };
    out.converge(Key::Parent, parent, parent_wanted);
    for &at in &order {
        let item = &items[at];
        let key = Key::Item(ids[at].clone());
        let existing = found.issue(&key);
        let wanted = Wanted {
            title: item.name.clone(),
            body: item_body(
                &Marker {
                    plan: source.id.to_owned(),
                    item: Some(ids[at].clone()),
                },
                source.path,
                item,
                &ticked(existing.map_or("", |issue| issue.body.as_str())),
            ),
            labels: item_labels(item, source.trigger_label),
        };
        out.converge(key, existing, wanted);
    }

    let target = |key: &Key| match found.issue(key) {
        Some(issue) => Target::Existing {
            number: issue.number,
            id: issue.id,
        },
        None => Target::New(key.clone()),
    };
    for &at in &order {
        let key = Key::Item(ids[at].clone());
        let linked = found
            .issue(&key)
            .is_some_and(|issue| made.sub_issues.contains(&issue.id));
        if !linked {
            out.writes.push(Write::AddSubIssue {
                parent: target(&Key::Parent),
                child: target(&key),
            });
        }
    }
    for &at in &order {
        let item = &items[at];
        let key = Key::Item(ids[at].clone());
        let blockers = found
            .issue(&key)
            .and_then(|issue| made.blocked_by.get(&issue.number));
        for dep in &item.depends_on {
            if out.cut.contains(&(item.name.clone(), dep.clone())) {
                continue;
            }
            let Some(dep_at) = items.iter().position(|i| &i.name == dep) else {
                continue;
            };
            let dep_key = Key::Item(ids[dep_at].clone());
            let linked = found
                .issue(&dep_key)
                .is_some_and(|d| blockers.is_some_and(|ids| ids.contains(&d.id)));
            if !linked {
                out.writes.push(Write::AddBlockedBy {
                    blocked: target(&key),
                    blocker: target(&dep_key),
                });
            }
        }
    }

    let kept: Vec<String> = ids.clone();
    out.dropped = found
        .by_key
        .iter()
        .filter_map(|(key, issue)| match key {
            Key::Item(item) if !kept.contains(item) => Some(issue.number),
            _ => None,
        })
        .collect();
    out.dropped.sort();
    out.closed = found
        .by_key
        .values()
        .filter(|issue| !issue.open)
        .map(|issue| issue.number)
        .collect();
    out.closed.sort();
    out
}

/// An issue as the plan wants it.
struct Wanted {
    title: String,
    body: String,
    labels: Vec<String>,
}

impl Applying {
    /// Creates the issue, or brings an open one's title, body and labels to what is wanted.
    /// Labels are only added, except `estimate:` labels the plan no longer gives.
    fn converge(&mut self, key: Key, existing: Option<&MadeIssue>, wanted: Wanted) {
        let Some(issue) = existing else {
            self.writes.push(Write::Create {
                key,
                title: wanted.title,
                body: wanted.body,
                labels: wanted.labels,
            });
            return;
        };
        if !issue.open {
            return;
        }
        let title = (issue.title != wanted.title).then_some(wanted.title);
        // GitHub keeps a body edited on its pages (a box ticked) with `\r\n` line ends.
        let held = issue.body.replace("\r\n", "\n");
        let body = (held.trim_end() != wanted.body.trim_end()).then_some(wanted.body);
        if title.is_some() || body.is_some() {
            self.writes.push(Write::Edit {
                number: issue.number,
                title,
                body,
            });
        }
        let missing: Vec<String> = wanted
            .labels
            .iter()
            .filter(|label| !issue.labels.iter().any(|held| same_label(held, label)))
            .cloned()
            .collect();
        if !missing.is_empty() {
            self.writes.push(Write::AddLabels {
                number: issue.number,
                labels: missing,
            });
        }
        for held in &issue.labels {
            let stale = is_estimate(held) && !wanted.labels.iter().any(|l| same_label(l, held));
            if stale {
                self.writes.push(Write::RemoveLabel {
                    number: issue.number,
                    label: held.clone(),
                });
            }
        }
    }
}

/// The plan's issues GitHub holds, by key; of two with one marker, the older.
struct Found<'m> {
    by_key: BTreeMap<Key, &'m MadeIssue>,
}

impl<'m> Found<'m> {
    fn new(plan: &str, made: &'m Made) -> Found<'m> {
        let mut by_key: BTreeMap<Key, &MadeIssue> = BTreeMap::new();
        let mut ours: Vec<&MadeIssue> = made
            .issues
            .iter()
            .filter(|issue| issue.marker.plan == plan)
            .collect();
        ours.sort_by_key(|issue| issue.number);
        for issue in ours {
            let key = match &issue.marker.item {
                Some(item) => Key::Item(item.clone()),
                None => Key::Parent,
            };
            by_key.entry(key).or_insert(issue);
        }
        Found { by_key }
    }

    fn issue(&self, key: &Key) -> Option<&'m MadeIssue> {
        self.by_key.get(key).copied()
    }
}

fn item_labels(item: &WorkItem, trigger_label: &str) -> Vec<String> {
    let mut labels = vec![trigger_label.to_owned()];
    labels.extend(estimate(item).map(|estimate| format!("estimate: {estimate}")));
    labels
}

fn is_estimate(label: &str) -> bool {
    label
        .split_once(':')
        .is_some_and(|(prefix, _)| prefix.trim().eq_ignore_ascii_case("estimate"))
}

/// The checklist entries ticked in an issue's body, so a new body keeps the ticks people
/// made.
fn ticked(body: &str) -> Vec<String> {
    body.lines()
        .filter_map(|line| {
            let line = line.trim_start().strip_prefix("- ")?;
            line.strip_prefix("[x] ")
                .or_else(|| line.strip_prefix("[X] "))
                .map(|text| text.trim().to_owned())
        })
        .collect()
}

/// Items in the order their issues are created: of the items whose dependencies are placed,
/// the first that must run alone, else the first; a dependency closing a cycle is cut (and
/// recorded, by name) so the rest can be placed.
fn creation_order(plan: &PlanDocument, cut: &mut Vec<(String, String)>) -> Vec<usize> {
    let items = &plan.items;
    let deps: Vec<Vec<usize>> = items
        .iter()
        .map(|item| {
            item.depends_on
                .iter()
                .filter_map(|d| items.iter().position(|i| &i.name == d))
                .collect()
        })
        .collect();
    let mut placed = vec![false; items.len()];
    let mut order = Vec::with_capacity(items.len());
    while order.len() < items.len() {
        let ready = |i: &usize| !placed[*i] && deps[*i].iter().all(|&d| placed[d]);
        let next = (0..items.len())
            .filter(ready)
            .find(|&i| !items[i].parallel)
            .or_else(|| (0..items.len()).find(ready))
            .unwrap_or_else(|| {
                let first = (0..items.len()).find(|&i| !placed[i]).unwrap_or(0);
                for &d in deps[first].iter().filter(|&&d| !placed[d]) {
                    cut.push((items[first].name.clone(), items[d].name.clone()));
                }
                first
            });
        placed[next] = true;
        order.push(next);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planfile::read;

    const PLAN: &str = "# Sync\n\n\
                        ## Task 1: Schema\nFiles: `db/schema.sql`\nEstimate: 2h\n\n\
                        - [ ] Add the table\n- [ ] Migrate\n\n\
                        ## Task 2: API\nDepends on: Task 1\nFiles: `src/api/`\nEstimate: 45m\n\n\
                        ## Task 3: Setup (sequential)\nFiles: `Cargo.toml`\n";

    fn source(plan: &PlanDocument) -> Source<'_> {
        Source {
            plan,
            id: "sync",
            title: "Sync",
            path: "PLAN.md",
            trigger_label: "parallel",
        }
    }

    /// What GitHub holds after `writes` are sent to it, numbering new issues from 10.
    fn after(made: &Made, writes: &[Write]) -> Made {
        let mut made = made.clone();
        let mut next = 10 + made.issues.len() as u64;
        let resolve = |made: &Made, target: &Target| match target {
            Target::Existing { number, id } => (*number, *id),
            Target::New(key) => {
                let issue = made
                    .issues
                    .iter()
                    .find(|i| match (&i.marker.item, key) {
                        (None, Key::Parent) => true,
                        (Some(item), Key::Item(wanted)) => item == wanted,
                        _ => false,
                    })
                    .expect("created before it is linked");
                (issue.number, issue.id)
            }
        };
        for write in writes {
            match write {
                Write::Create {
                    title,
                    body,
                    labels,
                    ..
                } => {
                    made.issues.push(MadeIssue {
                        number: IssueNumber(next),
                        id: IssueId(1000 + next),
                        title: title.clone(),
                        body: body.clone(),
                        labels: labels.clone(),
                        open: true,
                        marker: Marker::find(body).unwrap(),
                    });
                    next += 1;
                }
                Write::Edit {
                    number,
                    title,
                    body,
                } => {
                    let issue = made
                        .issues
                        .iter_mut()
                        .find(|i| i.number == *number)
                        .unwrap();
                    if let Some(title) = title {
                        issue.title = title.clone();
                    }
                    if let Some(body) = body {
                        issue.body = body.clone();
                    }
                }
                Write::AddLabels { number, labels } => {
                    let issue = made
                        .issues
                        .iter_mut()
                        .find(|i| i.number == *number)
                        .unwrap();
                    issue.labels.extend(labels.iter().cloned());
                }
                Write::RemoveLabel { number, label } => {
                    let issue = made
                        .issues
                        .iter_mut()
                        .find(|i| i.number == *number)
                        .unwrap();
                    issue.labels.retain(|l| l != label);
                }
                Write::AddSubIssue { child, .. } => {
                    let (_, id) = resolve(&made, child);
                    made.sub_issues.push(id);
                }
                Write::AddBlockedBy { blocked, blocker } => {
                    let (number, _) = resolve(&made, blocked);
                    let (_, id) = resolve(&made, blocker);
                    made.blocked_by.entry(number).or_default().push(id);
                }
            }
        }
        made
    }

    fn kinds(writes: &[Write]) -> Vec<String> {
        writes
            .iter()
            .map(|write| match write {
                Write::Create { key, labels, .. } => format!("create {key:?} {labels:?}"),
                Write::Edit { number, .. } => format!("edit {number}"),
                Write::AddLabels { number, labels } => format!("label {number} {labels:?}"),
                Write::RemoveLabel { number, label } => format!("unlabel {number} {label}"),
                Write::AddSubIssue { child, .. } => format!("sub {child:?}"),
                Write::AddBlockedBy { blocked, blocker } => {
                    format!("blocked {blocked:?} by {blocker:?}")
                }
            })
            .collect()
    }

    #[test]
    fn a_first_apply_creates_the_parent_then_the_items_alone_first_then_links_them() {
        let plan = read(PLAN);
        let applying = writes(&source(&plan), &Made::default());
        let item = |id: &str| Target::New(Key::Item(id.into()));
        assert_eq!(
            kinds(&applying.writes),
            [
                "create Parent [\"parallel\"]",
                "create Item(\"task-3\") [\"parallel\"]",
                "create Item(\"task-1\") [\"parallel\", \"estimate: 2h\"]",
                "create Item(\"task-2\") [\"parallel\", \"estimate: 0.75h\"]",
                &format!("sub {:?}", item("task-3")),
                &format!("sub {:?}", item("task-1")),
                &format!("sub {:?}", item("task-2")),
                &format!("blocked {:?} by {:?}", item("task-2"), item("task-1")),
            ]
        );
        let Write::Create { body, .. } = &applying.writes[2] else {
            unreachable!()
        };
        assert!(body.starts_with("<!-- switchyard-plan: sync item: task-1 -->\n"));
        assert_eq!(
            crate::footprint::of_task(body, &[]),
            ["db/schema.sql"],
            "the App reads the files back"
        );
    }

    #[test]
    fn a_second_apply_writes_nothing_and_a_changed_item_is_edited_in_place() {
        let plan = read(PLAN);
        let first = writes(&source(&plan), &Made::default());
        let made = after(&Made::default(), &first.writes);
        assert_eq!(writes(&source(&plan), &made), Applying::default());

        let changed = read(
            &PLAN
                .replace("Estimate: 45m", "Estimate: 3h")
                .replace("Files: `src/api/`", "Files: `src/api/`, `src/routes.rs`"),
        );
        let second = writes(&source(&changed), &made);
        let api = made
            .issues
            .iter()
            .find(|i| i.title == "Task 2: API")
            .unwrap()
            .number;
        assert_eq!(
            kinds(&second.writes),
            [
                format!("edit {api}"),
                format!("label {api} [\"estimate: 3h\"]"),
                format!("unlabel {api} estimate: 0.75h"),
            ]
        );
        let again = after(&made, &second.writes);
        assert_eq!(writes(&source(&changed), &again), Applying::default());
    }

    #[test]
    fn ticks_people_made_survive_a_new_body_and_closed_or_dropped_issues_are_left_alone() {
        let plan = read(PLAN);
        let mut made = after(
            &Made::default(),
            &writes(&source(&plan), &Made::default()).writes,
        );
        let schema = made
            .issues
            .iter_mut()
            .find(|i| i.title == "Task 1: Schema")
            .unwrap();
        schema.body = schema
            .body
            .replace("- [ ] Add the table", "- [x] Add the table")
            .replace('\n', "\r\n");
        let schema_number = schema.number;
        assert_eq!(writes(&source(&plan), &made), Applying::default());

        made.issues
            .iter_mut()
            .find(|i| i.number == schema_number)
            .unwrap()
            .open = false;
        let shorter = read(&PLAN.replace("Estimate: 45m", "Estimate: 1h"));
        let shorter = PlanDocument {
            items: shorter
                .items
                .into_iter()
                .filter(|i| !i.name.starts_with("Task 3"))
                .collect(),
            ..shorter
        };
        let applying = writes(&source(&shorter), &made);
        let setup = made
            .issues
            .iter()
            .find(|i| i.title.starts_with("Task 3"))
            .unwrap()
            .number;
        assert_eq!(applying.closed, [schema_number]);
        assert_eq!(applying.dropped, [setup]);
        assert!(
            applying
                .writes
                .iter()
                .all(|w| !matches!(w, Write::Edit { number, .. } if *number == schema_number)),
            "{:?}",
            kinds(&applying.writes)
        );
    }

    #[test]
    fn markers_are_found_again_and_other_plans_are_not_ours() {
        let item = Marker {
            plan: "sync".into(),
            item: Some("task-1.1".into()),
        };
        assert_eq!(Marker::find(&format!("x\n{}\ny", item.text())), Some(item));
        let parent = Marker {
            plan: "sync".into(),
            item: None,
        };
        assert_eq!(Marker::find(&parent.text()), Some(parent));
        assert_eq!(Marker::find("<!-- switchyard-plan: -->"), None);
        assert_eq!(Marker::find("<!-- switchyard:assign -->"), None);
        assert_eq!(plan_id("PARALLEL_PLAN"), "parallel-plan");

        let plan = read(PLAN);
        let made = after(
            &Made::default(),
            &writes(&source(&plan), &Made::default()).writes,
        );
        let other = Source {
            id: "other",
            ..source(&plan)
        };
        assert_eq!(
            writes(&other, &made).writes.len(),
            writes(&source(&plan), &Made::default()).writes.len(),
            "another plan's issues are not this one's"
        );
    }

    #[test]
    fn a_dependency_cycle_is_cut_and_the_rest_linked() {
        let plan = read("## Task 1: A\nDepends on: Task 2\n\n## Task 2: B\nDepends on: Task 1\n");
        let applying = writes(&source(&plan), &Made::default());
        assert_eq!(
            applying.cut,
            [("Task 1: A".to_owned(), "Task 2: B".to_owned())]
        );
        let links = applying
            .writes
            .iter()
            .filter(|w| matches!(w, Write::AddBlockedBy { .. }))
            .count();
        assert_eq!(links, 1);
    }
}
