//! What applying a plan adds: one task per work item (its id, title, lane, estimate,
//! dependencies and footprint) in an order where each task's dependencies come first, and
//! one track per item with files for `.github/switchyard.yml`. Items already in the book and
//! tracks already configured are left alone, so applying twice adds nothing.

use crate::footprint::{Running, holder_lane};
use crate::planfile::names;
use crate::planfile::{PlanDocument, WorkItem};
use std::collections::BTreeSet;

/// A lane, the hours of open work on it and the footprints of its open tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct LaneLoad {
    pub name: String,
    pub hours: f64,
    /// Each open task's files; a new task sharing one of them goes to this lane.
    pub footprints: Vec<Vec<String>>,
}

/// A task to add to the book.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTask {
    pub id: String,
    pub title: String,
    pub lane: String,
    /// As the book takes it: `2h`, `0.75h`, `1d`.
    pub estimate: Option<String>,
    pub depends_on: Vec<String>,
    /// The files the item names.
    pub footprint: Vec<String>,
}

/// A track to configure for an item with files.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedTrack {
    pub name: String,
    pub paths: Vec<String>,
    pub depends_on: Vec<String>,
    pub agent: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Additions {
    pub tasks: Vec<PlannedTask>,
    /// Ids of items the book holds already.
    pub already: Vec<String>,
    /// Dependencies left out because they close a cycle: (task, dependency).
    pub cut: Vec<(String, String)>,
    pub tracks: Vec<PlannedTrack>,
}

/// Hours a task without an estimate counts for when lanes are balanced.
const UNKNOWN_HOURS: f64 = 1.0;

/// What applying `plan` adds to a book holding the tasks `in_book`, on `lanes`, to a config
/// whose tracks are `configured`.
pub fn additions(
    plan: &PlanDocument,
    lanes: &[LaneLoad],
    in_book: &[String],
    configured: &[String],
) -> Additions {
    let ids = task_ids(&plan.items);
    let mut loads: Vec<LaneLoad> = lanes.to_vec();
    let mut out = Additions::default();
    for at in dependency_order(plan, &ids, &mut out.cut) {
        let item = &plan.items[at];
        let id = ids[at].clone();
        let depends_on: Vec<String> = item
            .depends_on
            .iter()
            .filter_map(|dep| plan.items.iter().position(|i| &i.name == dep))
            .map(|dep| ids[dep].clone())
            .filter(|dep| !out.cut.contains(&(id.clone(), dep.clone())))
            .collect();
        if configured.iter().all(|t| t != &id) && !item.files.is_empty() {
            out.tracks.push(PlannedTrack {
                name: id.clone(),
                paths: item.files.iter().map(|f| track_path(f)).collect(),
                depends_on: depends_on.clone(),
                agent: lane_named(&loads, item.agent.as_deref()),
            });
        }
        if in_book.contains(&id) {
            out.already.push(id);
            continue;
        }
        let Some(lane) = lane_named(&loads, item.agent.as_deref())
            .or_else(|| holding(&loads, &item.files))
            .or_else(|| lightest(&loads))
        else {
            continue;
        };
        if let Some(load) = loads.iter_mut().find(|l| l.name == lane) {
            load.hours += item.estimate_hours.unwrap_or(UNKNOWN_HOURS);
            load.footprints.push(item.files.clone());
        }
        out.tasks.push(PlannedTask {
            id,
            title: item.name.clone(),
            lane,
            estimate: estimate(item),
            depends_on,
            footprint: item.files.clone(),
        });
    }
    out
}

/// One-word ids from the items' identifiers (`track-2`, `task-1.1`, `A`), else from their
/// titles, each unique.
pub(crate) fn task_ids(items: &[WorkItem]) -> Vec<String> {
    let mut taken = BTreeSet::new();
    items
        .iter()
        .map(|item| {
            let base = match names::ident(&item.name) {
                Some(ident) => match ident.word {
                    Some(word) => format!("{word}-{}", ident.id),
                    None => item.name[..ident.id.len()].to_owned(),
                },
                None => slug(&item.name),
            };
            let mut id = base.clone();
            let mut n = 2;
            while !taken.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            id
        })
        .collect()
}

pub(crate) fn slug(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(5)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "item".into()
    } else {
        words.join("-")
    }
}

/// Items in plan order, each after the items it depends on; a dependency that closes a
/// cycle is cut (and recorded) so the rest can still be added.
fn dependency_order(
    plan: &PlanDocument,
    ids: &[String],
    cut: &mut Vec<(String, String)>,
) -> Vec<usize> {
    let deps: Vec<Vec<usize>> = plan
        .items
        .iter()
        .map(|item| {
            item.depends_on
                .iter()
                .filter_map(|d| plan.items.iter().position(|i| &i.name == d))
                .collect()
        })
        .collect();
    let mut placed = vec![false; plan.items.len()];
    let mut order = Vec::new();
    while order.len() < plan.items.len() {
        let ready =
            (0..plan.items.len()).find(|&i| !placed[i] && deps[i].iter().all(|&d| placed[d]));
        let next = ready.unwrap_or_else(|| {
            // Everything left waits on something left: take the first and cut its waits.
            let first = (0..plan.items.len())
                .find(|&i| !placed[i])
                .expect("some left");
            for &d in deps[first].iter().filter(|&&d| !placed[d]) {
                cut.push((ids[first].clone(), ids[d].clone()));
            }
            first
        });
        placed[next] = true;
        order.push(next);
    }
    order
}

/// The lane the plan names for the item, when it is one of ours.
fn lane_named(lanes: &[LaneLoad], agent: Option<&str>) -> Option<String> {
    let agent = agent?.trim();
    lanes
        .iter()
        .find(|l| l.name.eq_ignore_ascii_case(agent))
        .map(|l| l.name.clone())
}

/// The lane whose open tasks change one of `files`: the task runs after them there rather
/// than waiting for them on another lane.
fn holding(lanes: &[LaneLoad], files: &[String]) -> Option<String> {
    let holders: Vec<Running<'_, ()>> = lanes
        .iter()
        .flat_map(|lane| {
            lane.footprints.iter().map(|footprint| Running {
                lane: lane.name.as_str(),
                task: (),
                footprint,
            })
        })
        .collect();
    holder_lane(files, &holders).map(str::to_owned)
}

/// The lane with the least open work; the first of equals.
fn lightest(lanes: &[LaneLoad]) -> Option<String> {
    lanes
        .iter()
        .min_by(|a, b| a.hours.total_cmp(&b.hours))
        .map(|l| l.name.clone())
}

pub(crate) fn estimate(item: &WorkItem) -> Option<String> {
    if let Some(hours) = item.estimate_hours {
        let text = format!("{hours:.2}");
        return Some(format!(
            "{}h",
            text.trim_end_matches('0').trim_end_matches('.')
        ));
    }
    // Days as the book counts them; weeks and sizes stay out.
    let text = item.estimate_text.as_deref()?.to_lowercase();
    let number: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    (!number.is_empty() && text.contains("day")).then(|| format!("{number}d"))
}

/// A folder as the glob of everything in it.
fn track_path(file: &str) -> String {
    match file.strip_suffix('/') {
        Some(dir) => format!("{dir}/**"),
        None => file.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planfile::read;

    fn lanes() -> Vec<LaneLoad> {
        ["agent-1", "agent-2"]
            .iter()
            .map(|name| LaneLoad {
                name: (*name).into(),
                hours: 0.0,
                footprints: Vec::new(),
            })
            .collect()
    }

    const PLAN: &str = "## Task 1: Schema\nFiles: `db/schema.sql`, `db/`\nEstimate: 2h\n\n\
                        ## Task 2: API\nAgent: agent-1\nDepends on: Task 1\nFiles: `src/api.rs`\nEstimate: 45m\n\n\
                        ## Task 3: Docs\nDepends on: Task 1\nEstimate: 1 day\n";

    #[test]
    fn each_item_becomes_a_task_on_its_named_or_lightest_lane_after_its_dependencies() {
        let added = additions(&read(PLAN), &lanes(), &[], &[]);
        let tasks: Vec<(&str, &str, Option<&str>, Vec<&str>)> = added
            .tasks
            .iter()
            .map(|t| {
                (
                    t.id.as_str(),
                    t.lane.as_str(),
                    t.estimate.as_deref(),
                    t.depends_on.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            tasks,
            [
                ("task-1", "agent-1", Some("2h"), vec![]),
                ("task-2", "agent-1", Some("0.75h"), vec!["task-1"]),
                ("task-3", "agent-2", Some("1d"), vec!["task-1"]),
            ]
        );
        assert_eq!(added.tasks[0].footprint, ["db/schema.sql", "db/"]);
        let tracks: Vec<(&str, &[String])> = added
            .tracks
            .iter()
            .map(|t| (t.name.as_str(), t.paths.as_slice()))
            .collect();
        assert_eq!(
            tracks,
            [
                (
                    "task-1",
                    &["db/schema.sql".to_owned(), "db/**".to_owned()][..]
                ),
                ("task-2", &["src/api.rs".to_owned()][..]),
            ]
        );
        assert_eq!(added.tracks[1].agent.as_deref(), Some("agent-1"));
    }

    #[test]
    fn what_the_book_and_config_hold_already_is_not_added_again() {
        let ids = [
            "task-1".to_owned(),
            "task-2".to_owned(),
            "task-3".to_owned(),
        ];
        let added = additions(
            &read(PLAN),
            &lanes(),
            &ids,
            &["task-1".into(), "task-2".into()],
        );
        assert!(added.tasks.is_empty());
        assert!(added.tracks.is_empty());
        assert_eq!(added.already, ids);
    }

    #[test]
    fn an_item_goes_to_the_lane_holding_one_of_its_files() {
        let plan = read(
            "## Task 1: Parser\nFiles: `src/app.rs`\n\n## Task 2: Docs\nFiles: `docs/`\n\n\
             ## Task 3: Printer\nFiles: `src/app.rs`, `src/print.rs`\n",
        );
        let mut lanes = lanes();
        lanes[1].footprints.push(vec!["docs/guide.md".into()]);
        let added = additions(&plan, &lanes, &[], &[]);
        let placed: Vec<(&str, &str)> = added
            .tasks
            .iter()
            .map(|t| (t.id.as_str(), t.lane.as_str()))
            .collect();
        assert_eq!(
            placed,
            [
                ("task-1", "agent-1"),
                ("task-2", "agent-2"),
                ("task-3", "agent-1")
            ],
            "docs go where the book's docs task is; the printer after the parser"
        );
    }

    #[test]
    fn a_cycle_is_cut_so_the_rest_can_be_added() {
        let plan = read("## Task 1: A\nDepends on: Task 2\n\n## Task 2: B\nDepends on: Task 1\n");
        let added = additions(&plan, &lanes(), &[], &[]);
        assert_eq!(added.cut, [("task-1".to_owned(), "task-2".to_owned())]);
        assert_eq!(added.tasks[0].depends_on, Vec::<String>::new());
        assert_eq!(added.tasks[1].depends_on, ["task-1"]);
    }
}
