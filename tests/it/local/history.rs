//! What real histories hold and toy ones do not: binary files, a NUL byte inside a file git
//! takes for text, a file that becomes a symlink, and a branch whose changes cannot be read.

use super::scratch::Scratch;
use serde_json::{Value, json};

const A1: &str = "parallel-dev/agent-1";
const A2: &str = "parallel-dev/agent-2";
const A3: &str = "parallel-dev/agent-3";

fn pair<'r>(report: &'r Value, a: &str, b: &str) -> &'r Value {
    report["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .find(|p| p["a"] == a && p["b"] == b)
        .expect("the pair")
}

fn base<'r>(report: &'r Value, branch: &str) -> &'r Value {
    report["with_default"]
        .as_array()
        .expect("with_default")
        .iter()
        .find(|b| b["branch"] == branch)
        .expect("the branch")
}

/// Each tier's finding on every pair and branch is what `git merge-tree` says.
fn tiers_agree_with_git(scratch: &Scratch, report: &Value) {
    for pair in report["pairs"].as_array().expect("pairs") {
        let (a, b) = (pair["a"].as_str().unwrap(), pair["b"].as_str().unwrap());
        let stops = !scratch.merge_tree(a, b).is_empty();
        assert_eq!(pair["exact"]["conflict"], stops, "{a} and {b}");
        assert_eq!(pair["line"]["conflict"], stops, "{a} and {b}: {pair}");
    }
    for branch in report["with_default"].as_array().expect("with_default") {
        let name = branch["branch"].as_str().unwrap();
        let stops = !scratch.merge_tree("main", name).is_empty();
        assert_eq!(branch["exact"]["conflict"], stops, "{name}");
        assert_eq!(branch["line"]["conflict"], stops, "{name}: {branch}");
    }
}

/// Bytes git calls binary: a NUL early on.
fn image(colour: u8) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend(std::iter::repeat_n(colour, 64));
    bytes
}

#[test]
fn binary_files_changed_on_both_sides_may_conflict_and_do() {
    let scratch = Scratch::new();
    scratch.write_bytes(&scratch.repo, "logo.png", &image(0));
    scratch.commit(&scratch.repo, "Logo");
    scratch.init();
    for (lane, colour) in [("agent-1", 1), ("agent-2", 2)] {
        let dir = scratch.lane(lane);
        scratch.write_bytes(&dir, "logo.png", &image(colour));
        scratch.commit(&dir, &format!("{lane} recolours the logo"));
    }
    scratch.edit_line(&scratch.lane("agent-3"), 4, "four, by agent-3");
    scratch.commit(&scratch.lane("agent-3"), "agent-3 changes line 4");
    scratch.write_bytes(&scratch.repo, "logo.png", &image(9));
    scratch.commit(&scratch.repo, "main recolours the logo too");

    let answer = scratch.local(&["conflicts", "--json"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    let report = answer.json();
    tiers_agree_with_git(&scratch, &report);
    assert_eq!(pair(&report, A1, A2)["exact"]["paths"], json!(["logo.png"]));
    assert_eq!(pair(&report, A1, A2)["line"]["paths"], json!(["logo.png"]));
    assert_eq!(base(&report, A1)["line"]["paths"], json!(["logo.png"]));
    assert_eq!(base(&report, A3)["exact"]["conflict"], false);
}

#[test]
fn a_nul_inside_a_renamed_text_file_and_a_new_symlink_are_read_without_failing() {
    let scratch = Scratch::new();
    // Text for git (no NUL in its first 8,000 bytes), with one NUL further on, like a
    // vendored protobuf descriptor.
    let mut descriptor: String = (1..=1000).map(|n| format!("field {n}\n")).collect();
    descriptor.push_str("tag \0 end\nlast field\n");
    scratch.write(&scratch.repo, "api/swagger.pb", &descriptor);
    scratch.commit(&scratch.repo, "Descriptor");
    scratch.init();
    let (one, two, three) = scratch.three_lanes();
    std::fs::remove_file(one.join("api/swagger.pb")).unwrap();
    scratch.write(
        &one,
        "vendor/swagger.pb",
        &descriptor.replace("last field", "last field, by agent-1"),
    );
    scratch.commit(&one, "agent-1 vendors the descriptor and changes its end");
    scratch.write(
        &two,
        "api/swagger.pb",
        &descriptor.replace("last field", "last field, by agent-2"),
    );
    scratch.commit(&two, "agent-2 changes the descriptor's end");
    scratch.edit_line(&three, 6, "six, by agent-3");
    std::fs::remove_file(three.join("README")).unwrap();
    std::os::unix::fs::symlink("app.txt", three.join("README")).unwrap();
    scratch.commit(&three, "agent-3 changes line 6 and links the README");

    let answer = scratch.local(&["conflicts", "--json"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    let report = answer.json();
    assert!(
        report["branches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b.get("unread").is_none()),
        "every branch is read: {report}"
    );
    tiers_agree_with_git(&scratch, &report);
    assert_eq!(
        pair(&report, A1, A2)["exact"]["paths"],
        json!(["vendor/swagger.pb"])
    );
    let text = scratch.local(&["conflicts"]);
    assert!(
        text.stdout
            .contains(&format!("  {A1} × {A2}: vendor/swagger.pb\n")),
        "{}",
        text.stdout
    );
}

#[test]
fn a_branch_whose_changes_cannot_be_read_is_named_and_every_other_pair_still_judged() {
    let scratch = Scratch::new();
    scratch.init();
    let (one, two, three) = scratch.three_lanes();
    scratch.write(&one, "data.bin.txt", "data agent-1 added\n");
    scratch.commit(&one, "agent-1 adds data");
    scratch.edit_line(&two, 3, "three, by agent-2");
    scratch.commit(&two, "agent-2 changes line 3");
    scratch.edit_line(&three, 3, "three, by agent-3");
    scratch.commit(&three, "agent-3 changes line 3");
    // The added file's content goes missing from the object store, as in a damaged or
    // partial clone: its diff cannot be read, while a merge never needs its content.
    let blob = scratch.git(&scratch.repo, &["rev-parse", &format!("{A1}:data.bin.txt")]);
    std::fs::remove_file(
        scratch
            .repo
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .unwrap();

    // Commits only: a snapshot of agent-1's worktree would hash the file again and so
    // write the missing object back.
    let answer = scratch.local(&["conflicts", "--committed-only"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    let head = scratch.git(&scratch.repo, &["rev-parse", "--short=7", "main"]);
    let merge_base = scratch.git(&scratch.repo, &["merge-base", "main", A1]);
    let a1_head = scratch.git(&scratch.repo, &["rev-parse", A1]);
    assert_eq!(
        answer.stdout,
        format!(
            "Conflicts among 3 branches and main ({head}), by a trial merge (git merge-tree):\n  \
             {A2} × {A3}: app.txt\n\
             The line engine could not read {A1}, so the trial merge alone judged it: \
             git diff {merge_base} {a1_head}: unable to read {blob}\n\
             The line engine agrees on every other pair.\n"
        )
    );
    let report = scratch
        .local(&["conflicts", "--committed-only", "--json"])
        .json();
    assert!(report["branches"][0]["unread"].is_string(), "{report}");
    assert_eq!(pair(&report, A1, A2)["line"], Value::Null);
    assert_eq!(pair(&report, A1, A2)["exact"]["conflict"], false);
    assert_eq!(pair(&report, A2, A3)["line"]["paths"], json!(["app.txt"]));
    assert_eq!(base(&report, A1)["line"], Value::Null);
    let order = scratch.local(&["merge-order", "--committed-only", "--json"]);
    assert_eq!(order.code, 0, "the order needs no diff: {order:?}");
}
