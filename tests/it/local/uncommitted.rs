//! `conflicts` over the lanes' worktrees as they are: uncommitted edits and new files judged
//! by both tiers like commits, without touching anyone's index, files or refs.

use super::scratch::Scratch;
use serde_json::{Value, json};

const A1: &str = "parallel-dev/agent-1";
const A2: &str = "parallel-dev/agent-2";
const A3: &str = "parallel-dev/agent-3";

fn branch<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["branches"]
        .as_array()
        .expect("branches")
        .iter()
        .find(|b| b["name"] == name)
        .unwrap_or_else(|| panic!("no branch {name} in {report}"))
}

fn pair<'r>(report: &'r Value, a: &str, b: &str) -> &'r Value {
    report["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .find(|p| p["a"] == a && p["b"] == b)
        .unwrap_or_else(|| panic!("no pair {a} × {b} in {report}"))
}

/// agent-1 commits line 2; agent-2 edits line 2 without committing; agent-3 commits a guide.
fn an_uncommitted_edit_on_committed_lines() -> Scratch {
    let scratch = Scratch::new();
    scratch.init();
    let (one, two, three) = scratch.three_lanes();
    scratch.edit_line(&one, 2, "two, by agent-1");
    scratch.commit(&one, "agent-1's change");
    scratch.edit_line(&two, 2, "two, by agent-2, not committed");
    scratch.write(&three, "docs/guide.md", "A guide\n");
    scratch.commit(&three, "agent-3's guide");
    scratch
}

#[test]
fn an_uncommitted_edit_colliding_with_a_committed_one_is_a_conflict_by_both_tiers() {
    let scratch = an_uncommitted_edit_on_committed_lines();
    let lanes = scratch.three_lanes();
    let worktrees = [&scratch.repo, &lanes.0, &lanes.1, &lanes.2];
    let before: Vec<_> = worktrees.iter().map(|dir| scratch.state_of(dir)).collect();

    let answer = scratch.local(&["conflicts"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        answer.stdout,
        format!(
            "Conflicts among 3 branches and main ({head}), by a trial merge (git merge-tree):\n  \
             {A1} × {A2}: app.txt\n\
             The line engine agrees on every pair.\n\
             With uncommitted work, as their worktrees hold it: {A2}.\n"
        )
    );
    let json = scratch.local(&["conflicts", "--json"]);
    assert_eq!(json.code, 1);
    let report = json.json();
    assert_eq!(report["committed_only"], false);
    let two = branch(&report, A2);
    assert_eq!(two["uncommitted"], true);
    assert_eq!(two["ahead"], true, "its only work is uncommitted");
    assert_ne!(two["snapshot"], two["head"]);
    assert_eq!(
        two["worktree"],
        scratch.lane("agent-2").display().to_string()
    );
    assert_eq!(
        two["files"],
        json!([{"path": "app.txt", "status": "modified", "lines": [[2, 2]]}])
    );
    let one = branch(&report, A1);
    assert_eq!(one["uncommitted"], false);
    assert!(one.get("snapshot").is_none());
    assert_eq!(
        branch(&report, A3)["files"],
        json!([{"path": "docs/guide.md", "status": "added", "lines": [[1, 1]]}])
    );
    let clash = pair(&report, A1, A2);
    assert_eq!(clash["exact"]["paths"], json!(["app.txt"]));
    assert_eq!(clash["line"]["paths"], json!(["app.txt"]));
    assert_eq!(pair(&report, A1, A3)["exact"]["conflict"], false);

    let after: Vec<_> = worktrees.iter().map(|dir| scratch.state_of(dir)).collect();
    assert_eq!(before, after, "status, index and refs as they were");

    // The merge bases found are remembered, one line per lane head, and read back alike.
    let remembered =
        std::fs::read_to_string(scratch.repo.join(".git/switchyard/merge-bases")).unwrap();
    assert_eq!(remembered.lines().count(), 3, "{remembered}");
    let bases = |report: &Value| -> Vec<Value> {
        report["branches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["merge_base"].clone())
            .collect()
    };
    assert_eq!(
        bases(&scratch.local(&["conflicts", "--json"]).json()),
        bases(&report)
    );

    let committed = scratch.local(&["conflicts", "--committed-only", "--json"]);
    assert_eq!(committed.code, 0, "{committed:?}");
    let report = committed.json();
    assert_eq!(report["committed_only"], true);
    assert_eq!(branch(&report, A2)["uncommitted"], false);
    assert_eq!(branch(&report, A2)["ahead"], false);
}

#[test]
fn new_untracked_files_on_one_path_collide_and_ignored_ones_are_left_out() {
    let scratch = Scratch::new();
    scratch.write(&scratch.repo, ".gitignore", "build/\n");
    scratch.commit(&scratch.repo, "Ignore build output");
    scratch.init();
    let (one, two, _) = scratch.three_lanes();
    scratch.write(&one, "notes.md", "agent-1's notes\n");
    scratch.write(&two, "notes.md", "agent-2's notes\n");
    scratch.write(&one, "build/out.txt", "one\n");
    scratch.write(&two, "build/out.txt", "two\n");
    let before = (scratch.state_of(&one), scratch.state_of(&two));

    let answer = scratch.local(&["conflicts", "--json"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    let report = answer.json();
    let clash = pair(&report, A1, A2);
    assert_eq!(clash["exact"]["paths"], json!(["notes.md"]));
    assert_eq!(clash["line"]["paths"], json!(["notes.md"]));
    for name in [A1, A2] {
        assert_eq!(branch(&report, name)["uncommitted"], true);
        assert_eq!(
            branch(&report, name)["files"],
            json!([{"path": "notes.md", "status": "added", "lines": [[1, 1]]}])
        );
    }
    assert_eq!(before, (scratch.state_of(&one), scratch.state_of(&two)));
}

#[test]
fn a_worktree_in_the_middle_of_a_merge_or_a_rebase_is_reported_and_compared_as_committed() {
    let scratch = Scratch::new();
    scratch.init();
    let (one, two, three) = scratch.three_lanes();
    scratch.edit_line(&one, 5, "five, by agent-1");
    scratch.commit(&one, "agent-1's change");
    // agent-2 merges a side branch that conflicts with its own commit and stops there.
    scratch.git(&two, &["switch", "--quiet", "-c", "side"]);
    scratch.edit_line(&two, 2, "two, on the side");
    scratch.commit(&two, "side");
    scratch.git(&two, &["switch", "--quiet", A2]);
    scratch.edit_line(&two, 2, "two, by agent-2");
    scratch.commit(&two, "agent-2's change");
    let merge = scratch.git_output(&two, &["merge", "side"]);
    assert!(!merge.status.success(), "the merge stops on app.txt");
    // agent-3 rebases onto a commit of main that conflicts with its own, and stops there.
    scratch.edit_line(&three, 5, "five, by agent-3");
    scratch.commit(&three, "agent-3's change");
    scratch.edit_line(&scratch.repo, 5, "five, on main");
    scratch.commit(&scratch.repo, "main's change");
    let rebase = scratch.git_output(&three, &["rebase", "main"]);
    assert!(!rebase.status.success(), "the rebase stops on app.txt");

    let answer = scratch.local(&["conflicts"]);
    assert_eq!(
        answer.code, 1,
        "agent-1 and agent-3 both change line 5: {answer:?}"
    );
    assert!(
        answer.stdout.contains(&format!(
            "{} is in the middle of a merge: {A2} is compared as committed, without its \
             worktree's changes\n",
            two.display()
        )),
        "{}",
        answer.stdout
    );
    assert!(
        answer.stdout.contains(&format!(
            "{} is in the middle of a rebase: {A3} is compared as committed",
            three.display()
        )),
        "{}",
        answer.stdout
    );
    assert!(
        answer.stdout.contains(&format!("  {A1} × {A3}: app.txt\n")),
        "{}",
        answer.stdout
    );
    let report = scratch.local(&["conflicts", "--json"]).json();
    assert_eq!(branch(&report, A2)["in_progress"], "merge");
    assert_eq!(branch(&report, A2)["uncommitted"], false);
    assert_eq!(branch(&report, A3)["in_progress"], "rebase");
    assert_eq!(
        pair(&report, A1, A2)["exact"]["conflict"],
        false,
        "agent-2's committed line 2 meets nothing of agent-1's"
    );
}

#[test]
fn one_lanes_conflicts_and_an_exit_code_about_it_alone() {
    let scratch = an_uncommitted_edit_on_committed_lines();
    let (_, _, three) = scratch.three_lanes();
    let clear = scratch.local(&["conflicts", "--lane", "agent-3", "--json"]);
    assert_eq!(clear.code, 0, "agent-3 conflicts with nobody: {clear:?}");
    let report = clear.json();
    assert_eq!(report["lane"], "agent-3");
    let pairs: Vec<(String, String)> = report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["a"].as_str().unwrap().into(),
                p["b"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (A1.to_owned(), A3.to_owned()),
            (A2.to_owned(), A3.to_owned())
        ]
    );
    assert_eq!(report["with_default"].as_array().unwrap().len(), 1);
    assert_eq!(report["with_default"][0]["branch"], A3);

    let mine = scratch.local_in(&three.join("docs"), &["conflicts", "--mine"]);
    assert_eq!(mine.code, 0, "{mine:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        mine.stdout,
        format!(
            "No conflicts of agent-3 with 2 other branches and main ({head}).\n\
             The line engine agrees on every pair.\n"
        ),
        "agent-2's uncommitted work is read on agent-3's paths only, and it has none there"
    );
    let caught = scratch.local(&["conflicts", "--lane", "agent-1"]);
    assert_eq!(caught.code, 1, "{caught:?}");
    assert!(caught.stdout.contains(&format!("  {A1} × {A2}: app.txt\n")));

    let nowhere = scratch.local(&["conflicts", "--mine"]);
    assert_eq!(nowhere.code, 2);
    assert_eq!(
        nowhere.stderr,
        format!(
            "switchyard: {} is no lane's worktree: run this in one, or name the lane with \
             --lane NAME\n",
            scratch.repo.display()
        )
    );
    let unknown = scratch.local(&["conflicts", "--lane", "agent-9"]);
    assert_eq!(unknown.code, 2);
}

#[test]
fn the_merge_order_counts_uncommitted_work_unless_told_not_to() {
    let scratch = an_uncommitted_edit_on_committed_lines();
    let order = scratch.local(&["merge-order", "--json"]).json();
    assert_eq!(order["rebases"], 1, "{order}");
    let committed = scratch
        .local(&["merge-order", "--committed-only", "--json"])
        .json();
    assert_eq!(committed["rebases"], 0, "{committed}");
    assert_eq!(committed["nothing_to_merge"], json!([A2]));
}
