//! The answers the tools compute from the commands' JSON, where no command gives them whole:
//! one lane's view of the board, and what to do about the conflicts found.

use crate::text::local::conflict_paths;
use crate::text::mcp as words;
use serde_json::{Map, Value, json};

fn same_lane(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map(Vec::as_slice).unwrap_or_default()
}

/// One lane's part of `status --json`: the lane's own fields (name as `lane`), its task (the
/// first holding a slot, or null), the tasks waiting for it, each dependency of its tasks with
/// where that stands, and the tasks anywhere that wait on its tasks. `None` when the board has
/// no such lane.
pub fn my_task(status: &Value, lane: &str) -> Option<Value> {
    let lanes = array(&status["lanes"]);
    let mine = lanes
        .iter()
        .find(|l| l["name"].as_str().is_some_and(|name| same_lane(name, lane)))?;
    let open: Vec<&Value> = lanes
        .iter()
        .flat_map(|l| array(&l["tasks"]))
        .chain(array(&status["queued"]))
        .chain(array(&status["blocked"]))
        .collect();
    let done_on = |id: &str| -> Option<&str> {
        lanes.iter().find_map(|l| {
            strings(&l["done"])
                .iter()
                .any(|done| done == id)
                .then(|| l["name"].as_str().unwrap_or_default())
        })
    };
    let tasks = array(&mine["tasks"]);
    let ids: Vec<&str> = tasks.iter().filter_map(|t| t["id"].as_str()).collect();
    let mut dependencies: Vec<String> = Vec::new();
    for task in tasks {
        for id in strings(&task["depends_on"]) {
            if !dependencies.contains(&id) {
                dependencies.push(id);
            }
        }
    }
    let depends_on: Vec<Value> = dependencies
        .iter()
        .map(|id| {
            if let Some(task) = open.iter().find(|t| t["id"] == id.as_str()) {
                (*task).clone()
            } else if let Some(lane) = done_on(id) {
                json!({"id": id, "lane": lane, "state": "done"})
            } else {
                json!({"id": id, "state": "missing"})
            }
        })
        .collect();
    let waited_on_by: Vec<Value> = open
        .iter()
        .filter(|t| {
            strings(&t["depends_on"])
                .iter()
                .any(|dependency| ids.contains(&dependency.as_str()))
        })
        .map(|t| (*t).clone())
        .collect();
    let waiting: Vec<Value> = array(&status["queued"])
        .iter()
        .chain(array(&status["blocked"]))
        .filter(|t| t["lane"].as_str().is_some_and(|l| same_lane(l, lane)))
        .cloned()
        .collect();
    let mut answer = Map::new();
    answer.insert("lane".into(), mine["name"].clone());
    answer.insert("task".into(), tasks.first().cloned().unwrap_or(Value::Null));
    answer.insert("depends_on".into(), Value::Array(depends_on));
    answer.insert("waited_on_by".into(), Value::Array(waited_on_by));
    answer.insert("waiting".into(), Value::Array(waiting));
    if let Some(fields) = mine.as_object() {
        for (key, value) in fields.iter().filter(|(key, _)| *key != "name") {
            answer.insert(key.clone(), value.clone());
        }
    }
    Some(Value::Object(answer))
}

/// A finding of `conflicts --json` (`line` or `exact`): whether it conflicts, and on which
/// paths.
fn finding(value: &Value) -> Option<Vec<String>> {
    value["conflict"]
        .as_bool()
        .unwrap_or(false)
        .then(|| strings(&value["paths"]))
}

/// What to do about each conflict of the lane in `conflicts --json`: a rebase for each
/// conflict with the default branch, an agreement for each with another branch, a look where
/// only the line engine warns; or that nothing is to be done.
pub fn todo(report: &Value, lane: &str) -> Vec<String> {
    let branches = array(&report["branches"]);
    let lane_of = |branch: &str| -> Option<&str> {
        branches
            .iter()
            .find(|b| b["name"] == branch)
            .and_then(|b| b["lane"].as_str())
    };
    let mine = |branch: &str| lane_of(branch).is_some_and(|l| same_lane(l, lane));
    let default_branch = report["default_branch"]
        .as_str()
        .unwrap_or(words::DEFAULT_BRANCH);
    let mut todo = Vec::new();
    for base in array(&report["with_default"]) {
        let branch = base["branch"].as_str().unwrap_or_default();
        if !mine(branch) {
            continue;
        }
        if let Some(paths) = finding(&base["exact"]) {
            let regenerated = strings(&base["regenerated"]);
            todo.push(words::rebase_on_default(
                default_branch,
                &conflict_paths(&paths, &regenerated),
            ));
        }
    }
    for pair in array(&report["pairs"]) {
        let (a, b) = (
            pair["a"].as_str().unwrap_or_default(),
            pair["b"].as_str().unwrap_or_default(),
        );
        let other = match (mine(a), mine(b)) {
            (true, false) => b,
            (false, true) => a,
            _ => continue,
        };
        let who = words::who(other, lane_of(other));
        if let Some(paths) = finding(&pair["exact"]) {
            let regenerated = strings(&pair["regenerated"]);
            todo.push(words::agree_with(
                &who,
                &conflict_paths(&paths, &regenerated),
            ));
        } else if let Some(paths) = finding(&pair["line"]) {
            todo.push(words::lines_near(&who, &paths.join(", ")));
        }
    }
    if todo.is_empty() {
        todo.push(words::nothing_to_do(default_branch));
    }
    todo
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status() -> Value {
        json!({
            "lanes": [
                {"name": "agent-1", "branch": "parallel-dev/agent-1", "worktree": "../r-worktrees/agent-1",
                 "tasks": [{"id": "T2", "title": "Lexer", "lane": "agent-1", "estimate_hours": 2.0,
                            "depends_on": ["T1", "T0", "T9"], "state": "assigned",
                            "branch": "parallel-dev/agent-1", "started": true}],
                 "done": ["T0"]},
                {"name": "agent-2", "branch": "parallel-dev/agent-2", "worktree": "../r-worktrees/agent-2",
                 "tasks": [{"id": "T1", "title": "Parser", "lane": "agent-2", "estimate_hours": null,
                            "depends_on": [], "state": "assigned",
                            "branch": "parallel-dev/agent-2", "started": false}],
                 "done": []}
            ],
            "queued": [{"id": "T4", "title": "Docs", "lane": "agent-1", "estimate_hours": null,
                        "depends_on": [], "state": "queued"}],
            "blocked": [{"id": "T3", "title": "CI", "lane": "agent-2", "estimate_hours": null,
                         "depends_on": ["T2"], "state": "blocked", "waits_for": ["T2"]}],
            "plan": {}
        })
    }

    #[test]
    fn a_lane_sees_its_task_what_it_waits_for_and_what_waits_on_it() {
        let mine = my_task(&status(), "Agent-1").expect("the lane");
        assert_eq!(mine["lane"], "agent-1");
        assert_eq!(mine["branch"], "parallel-dev/agent-1");
        assert_eq!(mine["task"]["id"], "T2");
        let depends: Vec<(&str, &str)> = array(&mine["depends_on"])
            .iter()
            .map(|d| (d["id"].as_str().unwrap(), d["state"].as_str().unwrap()))
            .collect();
        assert_eq!(
            depends,
            [("T1", "assigned"), ("T0", "done"), ("T9", "missing")]
        );
        assert_eq!(mine["depends_on"][1]["lane"], "agent-1");
        assert_eq!(mine["waited_on_by"][0]["id"], "T3");
        assert_eq!(mine["waiting"][0]["id"], "T4");
        assert_eq!(mine["done"], json!(["T0"]));
        let other = my_task(&status(), "agent-2").expect("the lane");
        assert_eq!(other["waited_on_by"][0]["id"], "T2");
        assert_eq!(other["waiting"][0]["id"], "T3");
        assert!(my_task(&status(), "agent-9").is_none());
    }

    #[test]
    fn a_lane_without_a_task_has_a_null_one() {
        let status = json!({"lanes": [{"name": "agent-1", "branch": null, "tasks": [], "done": []}],
                            "queued": [], "blocked": []});
        let mine = my_task(&status, "agent-1").expect("the lane");
        assert_eq!(mine["task"], Value::Null);
        assert_eq!(mine["depends_on"], json!([]));
    }

    fn found(paths: &[&str]) -> Value {
        json!({"conflict": !paths.is_empty(), "paths": paths})
    }

    #[test]
    fn each_conflict_of_the_lane_gets_what_to_do_and_others_are_left_out() {
        let report = json!({
            "default_branch": "main",
            "branches": [
                {"name": "parallel-dev/agent-1", "lane": "agent-1"},
                {"name": "parallel-dev/agent-2", "lane": "agent-2"},
                {"name": "parallel-dev/agent-3", "lane": "agent-3"},
                {"name": "feature", "lane": null}
            ],
            "pairs": [
                {"a": "parallel-dev/agent-1", "b": "parallel-dev/agent-2", "line": found(&["app.txt"]),
                 "exact": found(&["app.txt", "Cargo.lock"]), "regenerated": ["Cargo.lock"]},
                {"a": "feature", "b": "parallel-dev/agent-1", "line": found(&["a.rs"]),
                 "exact": found(&[]), "regenerated": []},
                {"a": "parallel-dev/agent-2", "b": "parallel-dev/agent-3", "line": found(&["b.rs"]),
                 "exact": found(&["b.rs"]), "regenerated": []},
                {"a": "parallel-dev/agent-1", "b": "parallel-dev/agent-3", "line": null,
                 "exact": found(&[]), "regenerated": []}
            ],
            "with_default": [
                {"branch": "parallel-dev/agent-1", "line": found(&["README"]), "exact": found(&["README"]),
                 "regenerated": []},
                {"branch": "parallel-dev/agent-2", "line": found(&["x"]), "exact": found(&["x"]),
                 "regenerated": []}
            ]
        });
        assert_eq!(
            todo(&report, "agent-1"),
            [
                words::rebase_on_default("main", "README"),
                words::agree_with(
                    "agent-2 (branch parallel-dev/agent-2)",
                    "app.txt, Cargo.lock; regenerate Cargo.lock after rebasing, don't merge it by hand"
                ),
                words::lines_near("branch feature", "a.rs"),
            ]
        );
        let clean =
            json!({"default_branch": "main", "branches": [], "pairs": [], "with_default": []});
        assert_eq!(todo(&clean, "agent-1"), [words::nothing_to_do("main")]);
    }
}
