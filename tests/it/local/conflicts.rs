//! `conflicts` and `merge-order` over lane branches, checked against `git merge-tree`.

use super::scratch::{Answer, Scratch};
use serde_json::Value;

const A1: &str = "parallel-dev/agent-1";
const A2: &str = "parallel-dev/agent-2";
const A3: &str = "parallel-dev/agent-3";

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().expect("a string").to_owned())
        .collect()
}

/// Every exact finding in `conflicts --json` is what `git merge-tree` says of the same
/// branches.
fn assert_exact_tier_is_git(scratch: &Scratch, answer: &Answer) {
    let report = answer.json();
    for pair in report["pairs"].as_array().expect("pairs") {
        let (a, b) = (pair["a"].as_str().unwrap(), pair["b"].as_str().unwrap());
        let git = scratch.merge_tree(a, b);
        assert_eq!(strings(&pair["exact"]["paths"]), git, "{a} and {b}");
        assert_eq!(pair["exact"]["conflict"], !git.is_empty(), "{a} and {b}");
    }
    for branch in report["with_default"].as_array().expect("with_default") {
        let name = branch["branch"].as_str().unwrap();
        let git = scratch.merge_tree("main", name);
        assert_eq!(strings(&branch["exact"]["paths"]), git, "{name} and main");
    }
}

/// Three lanes: two change the same line of `app.txt`, the third another file.
fn three_lanes() -> Scratch {
    let scratch = Scratch::new();
    scratch.init();
    scratch.edit_line(&scratch.lane("agent-1"), 2, "two, by agent-1");
    scratch.commit(&scratch.lane("agent-1"), "agent-1's change");
    scratch.edit_line(&scratch.lane("agent-2"), 2, "two, by agent-2");
    scratch.commit(&scratch.lane("agent-2"), "agent-2's change");
    scratch.write(&scratch.lane("agent-3"), "docs/guide.md", "A guide\n");
    scratch.commit(&scratch.lane("agent-3"), "agent-3's guide");
    scratch
}

#[test]
fn two_lanes_on_the_same_lines_conflict_and_the_third_is_clear() {
    let scratch = three_lanes();
    let answer = scratch.local(&["conflicts"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        answer.stdout,
        format!(
            "Conflicts among 3 branches and main ({head}), by a trial merge (git merge-tree):\n  \
             {A1} × {A2}: app.txt\nThe line engine agrees on every pair.\n"
        )
    );
    let json = scratch.local(&["conflicts", "--json"]);
    assert_eq!(json.code, 1);
    assert_exact_tier_is_git(&scratch, &json);
    let report = json.json();
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[0]["line"]["paths"], serde_json::json!(["app.txt"]));
    assert_eq!(pairs[1]["line"]["conflict"], false);
    assert_eq!(pairs[2]["exact"]["conflict"], false);
}

#[test]
fn the_merge_order_lets_the_clear_lane_and_one_of_the_pair_merge_now() {
    let scratch = three_lanes();
    let answer = scratch.local(&["merge-order"]);
    assert_eq!(answer.code, 0, "{answer:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        answer.stdout,
        format!(
            "Merge order of 3 branches (main at {head}):\n  \
             1. {A1}: merge now; then rebase {A2}\n  \
             2. {A3}: merge now\n  \
             3. {A2}: after {A1} (both change app.txt)\n\
             This order costs 1 rebase; the fewest possible is 1; arrival order would cost 1.\n"
        )
    );
    let json = scratch.local(&["merge-order", "--json"]).json();
    assert_eq!(json["rebases"], 1);
    assert_eq!(json["places"][2]["waits_for"][0]["branch"], A1);
}

#[test]
fn a_rename_is_followed_by_both_tiers() {
    let scratch = Scratch::new();
    scratch.init();
    let (one, two, three) = scratch.three_lanes();
    scratch.git(&one, &["mv", "app.txt", "app-renamed.txt"]);
    std::fs::rename(one.join("app-renamed.txt"), one.join("app.txt")).unwrap();
    scratch.edit_line(&one, 2, "two, moved by agent-1");
    std::fs::rename(one.join("app.txt"), one.join("app-renamed.txt")).unwrap();
    scratch.commit(&one, "agent-1 moves app.txt and changes line 2");
    scratch.edit_line(&two, 7, "seven, by agent-2");
    scratch.commit(&two, "agent-2 changes line 7");
    scratch.edit_line(&three, 2, "two, by agent-3");
    scratch.commit(&three, "agent-3 changes line 2");
    let answer = scratch.local(&["conflicts", "--json"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    assert_exact_tier_is_git(&scratch, &answer);
    let report = answer.json();
    let pair = |a: &str, b: &str| {
        report["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["a"] == a && p["b"] == b)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        pair(A1, A2)["exact"]["conflict"],
        false,
        "git follows the move"
    );
    assert_eq!(
        pair(A1, A2)["line"]["conflict"],
        false,
        "so does the line engine"
    );
    assert_eq!(pair(A1, A3)["exact"]["conflict"], true);
    assert_eq!(pair(A1, A3)["line"]["conflict"], true);
    assert_eq!(pair(A2, A3)["exact"]["conflict"], false);
}

#[test]
fn a_branch_can_conflict_with_the_default_branch_alone() {
    let scratch = Scratch::new();
    scratch.init();
    scratch.write(&scratch.lane("agent-3"), "README", "agent-3's words\n");
    scratch.commit(&scratch.lane("agent-3"), "agent-3 rewrites the README");
    scratch.write(&scratch.repo, "README", "main's words\n");
    scratch.commit(&scratch.repo, "main rewrites the README");
    let answer = scratch.local(&["conflicts"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    assert!(
        answer.stdout.contains(&format!("  {A3} × main: README\n")),
        "{}",
        answer.stdout
    );
    assert!(
        answer
            .stdout
            .contains("The line engine agrees on every pair.")
    );
    let json = scratch.local(&["conflicts", "--json"]);
    assert_exact_tier_is_git(&scratch, &json);
    let report = json.json();
    assert!(
        report["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["exact"]["conflict"] == false)
    );
    assert_eq!(
        report["with_default"][2]["line"]["paths"],
        serde_json::json!(["README"])
    );
}

#[test]
fn lanes_apart_and_another_branch_give_no_conflicts_and_exit_0() {
    let scratch = Scratch::new();
    scratch.init();
    scratch.edit_line(&scratch.lane("agent-1"), 1, "one, by agent-1");
    scratch.commit(&scratch.lane("agent-1"), "line 1");
    scratch.edit_line(&scratch.lane("agent-2"), 8, "eight, by agent-2");
    scratch.commit(&scratch.lane("agent-2"), "line 8");
    scratch.git(&scratch.repo, &["branch", "spike"]);
    let answer = scratch.local(&["conflicts", "--branch", "spike"]);
    assert_eq!(answer.code, 0, "{answer:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        answer.stdout,
        format!(
            "No conflicts among 4 branches and main ({head}).\nThe line engine agrees on every pair.\n"
        )
    );
    let order = scratch.local(&["merge-order", "--branch", "spike"]);
    assert!(
        order
            .stdout
            .ends_with("Nothing to merge yet: parallel-dev/agent-3, spike.\n"),
        "{}",
        order.stdout
    );
}

#[test]
fn a_task_depending_on_work_done_on_another_lane_waits_for_that_branch() {
    let scratch = three_lanes();
    assert_eq!(scratch.local(&["assign", "agent-3", "T1", "Guide"]).code, 0);
    assert_eq!(scratch.local(&["complete", "agent-3"]).code, 0);
    let assign = scratch.local(&[
        "assign",
        "agent-1",
        "T2",
        "Use the guide",
        "--depends-on",
        "T1",
    ]);
    assert_eq!(assign.code, 0, "{assign:?}");
    let order = scratch.local(&["merge-order"]);
    assert_eq!(order.code, 0, "{order:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        order.stdout,
        format!(
            "Merge order of 3 branches (main at {head}):\n  \
             1. {A3}: merge now\n  \
             2. {A1}: after {A3} (a task here depends on it); then rebase {A2}\n  \
             3. {A2}: after {A1} (both change app.txt)\n\
             This order costs 1 rebase; the fewest possible is 1; arrival order would cost 1.\n"
        )
    );
}

#[test]
fn a_blocked_task_holds_no_branch_back() {
    let scratch = three_lanes();
    assert_eq!(scratch.local(&["assign", "agent-3", "T1", "Guide"]).code, 0);
    let blocked = scratch.local(&["assign", "agent-1", "T2", "Use it", "--depends-on", "T1"]);
    assert_eq!(blocked.stdout, "T2 blocked for agent-1: waits for T1\n");
    let order = scratch.local(&["merge-order", "--json"]).json();
    let first = &order["places"][0];
    assert_eq!(first["branch"], A1);
    assert_eq!(first["waits_for"], serde_json::json!([]));
}

#[test]
fn lock_files_git_stops_on_are_conflicts_to_regenerate_and_ignored_files_are_never_mentioned() {
    let scratch = Scratch::new();
    scratch.write(
        &scratch.repo,
        ".github/switchyard.yml",
        "ignore_paths: [\"generated/**\"]\n",
    );
    scratch.write(&scratch.repo, "Cargo.lock", "version = 3\n");
    scratch.write(&scratch.repo, "generated/api.rs", "// generated\n");
    scratch.commit(&scratch.repo, "Config, lock file and generated code");
    scratch.init();
    for lane in ["agent-1", "agent-2"] {
        let dir = scratch.lane(lane);
        scratch.write(&dir, "Cargo.lock", &format!("version = 3\n# {lane}\n"));
        scratch.write(
            &dir,
            "generated/api.rs",
            &format!("// generated for {lane}\n"),
        );
        scratch.commit(&dir, &format!("{lane}'s dependencies"));
    }
    let answer = scratch.local(&["conflicts"]);
    assert_eq!(answer.code, 1, "git stops on the lock file: {answer:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        answer.stdout,
        format!(
            "Conflicts among 3 branches and main ({head}), by a trial merge (git merge-tree):\n  \
             {A1} × {A2}: Cargo.lock; regenerate it after rebasing, don't merge it by hand\n\
             The line engine agrees on every pair.\n"
        )
    );
    let json = scratch.local(&["conflicts", "--json"]);
    let report = json.json();
    assert_eq!(
        report["pairs"][0]["regenerated"],
        serde_json::json!(["Cargo.lock"])
    );
    assert_eq!(
        report["pairs"][0]["exact"]["paths"],
        serde_json::json!(["Cargo.lock"])
    );
    assert_eq!(report["pairs"][0]["line"]["conflict"], true);

    let order = scratch.local(&["merge-order"]);
    assert_eq!(order.code, 0, "{order:?}");
    assert_eq!(
        order.stdout,
        format!(
            "Merge order of 2 branches (main at {head}):\n  \
             1. {A1}: merge now; then rebase {A2}\n  \
             2. {A2}: after {A1} (both change Cargo.lock; regenerate it after rebasing, \
             don't merge it by hand)\n\
             This order costs 1 rebase; the fewest possible is 1; arrival order would cost 1.\n\
             Nothing to merge yet: {A3}.\n"
        )
    );
}

#[test]
fn a_lock_file_changed_in_separate_places_merges_and_holds_nothing_back() {
    let scratch = Scratch::new();
    scratch.write(&scratch.repo, "Cargo.lock", super::scratch::LINES);
    scratch.commit(&scratch.repo, "Lock file");
    scratch.init();
    let (one, two) = (scratch.lane("agent-1"), scratch.lane("agent-2"));
    scratch.write(
        &one,
        "Cargo.lock",
        &super::scratch::LINES.replace("one", "uno"),
    );
    scratch.commit(&one, "agent-1 bumps the first package");
    scratch.write(
        &two,
        "Cargo.lock",
        &super::scratch::LINES.replace("eight", "ocho"),
    );
    scratch.commit(&two, "agent-2 bumps the last package");
    let answer = scratch.local(&["conflicts", "--json"]);
    assert_eq!(answer.code, 0, "git merges them: {answer:?}");
    assert_exact_tier_is_git(&scratch, &answer);
    let report = answer.json();
    assert_eq!(report["pairs"][0]["exact"]["conflict"], false);
    assert_eq!(report["pairs"][0]["regenerated"], serde_json::json!([]));
    let order = scratch.local(&["merge-order", "--json"]).json();
    assert_eq!(order["rebases"], 0);
    assert!(
        order["places"]
            .as_array()
            .unwrap()
            .iter()
            .all(|place| place["waits_for"] == serde_json::json!([]))
    );
}
