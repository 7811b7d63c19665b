//! `touching`: who else changes these files or lines, committed or not.

use super::scratch::Scratch;
use serde_json::json;

const A1: &str = "parallel-dev/agent-1";
const A2: &str = "parallel-dev/agent-2";

/// agent-1 commits a change to line 2 of `app.txt`; agent-2 changes line 7 without
/// committing; agent-3 has written nothing yet.
fn two_lanes_on_app() -> Scratch {
    let scratch = Scratch::new();
    scratch.init();
    let (one, two, _) = scratch.three_lanes();
    scratch.edit_line(&one, 2, "two, by agent-1");
    scratch.commit(&one, "agent-1's change");
    scratch.edit_line(&two, 7, "seven, by agent-2, not committed");
    scratch
}

fn names(answer: &serde_json::Value) -> Vec<String> {
    answer["branches"]
        .as_array()
        .expect("branches")
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_file_is_touched_by_committed_and_uncommitted_work_and_the_asker_is_left_out() {
    let scratch = two_lanes_on_app();
    let (one, two, three) = scratch.three_lanes();
    let before: Vec<_> = [&one, &two, &three]
        .iter()
        .map(|dir| scratch.state_of(dir))
        .collect();
    let answer = scratch.local_in(&three, &["touching", "app.txt"]);
    assert_eq!(answer.code, 1, "{answer:?}");
    assert_eq!(
        answer.stdout,
        format!(
            "Changing app.txt:\n  \
             {A1} changes app.txt (line 2)\n  \
             {A2} (with uncommitted work) changes app.txt (line 7)\n"
        )
    );
    let json = scratch
        .local_in(&three, &["touching", "app.txt", "--json"])
        .json();
    assert_eq!(json["asking"]["lane"], "agent-3");
    assert_eq!(json["asked"], json!([{"path": "app.txt", "lines": []}]));
    assert_eq!(json["compared"], 2);
    assert_eq!(json["touched"], true);
    assert_eq!(json["branches"][1]["uncommitted"], true);
    assert_eq!(
        json["branches"][1]["files"],
        json!([{"path": "app.txt", "status": "modified", "lines": [[7, 7]]}])
    );
    let after: Vec<_> = [&one, &two, &three]
        .iter()
        .map(|dir| scratch.state_of(dir))
        .collect();
    assert_eq!(before, after, "status, index and refs as they were");

    let from_one = scratch.local_in(&one, &["touching", "app.txt", "--json"]);
    assert_eq!(
        names(&from_one.json()),
        [A2],
        "agent-1 is not told of itself"
    );
    let for_two = scratch.local(&["touching", "--lane", "agent-2", "app.txt", "--json"]);
    assert_eq!(names(&for_two.json()), [A1]);
    let committed = scratch.local_in(
        &three,
        &["touching", "app.txt", "--committed-only", "--json"],
    );
    assert_eq!(names(&committed.json()), [A1]);

    let quiet = scratch.local_in(&three, &["touching", "README", "docs/"]);
    assert_eq!(quiet.code, 0, "{quiet:?}");
    assert_eq!(
        quiet.stdout,
        "No other lane changes or claims README and docs/ (2 branches compared).\n"
    );
}

#[test]
fn lines_are_asked_in_the_askers_own_version_of_the_file() {
    let scratch = two_lanes_on_app();
    let three = scratch.lane("agent-3");
    let ask = |args: &[&str]| {
        let mut words = vec!["touching", "--json"];
        words.extend_from_slice(args);
        let answer = scratch.local_in(&three, &words);
        assert!(answer.code < 2, "{answer:?}");
        names(&answer.json())
    };
    assert_eq!(ask(&["app.txt:2"]), [A1]);
    assert_eq!(ask(&["app.txt:7"]), [A2]);
    assert_eq!(ask(&["app.txt:4-5"]), Vec::<String>::new());
    assert_eq!(
        ask(&["app.txt:1,8"]),
        [A1, A2],
        "adjacent lines meet, as git says"
    );
    assert_eq!(
        ask(&["app.txt:7", "--committed-only"]),
        Vec::<String>::new()
    );

    // Two lines inserted at the top of agent-3's copy: its line 9 is everyone else's line 7.
    let text = std::fs::read_to_string(three.join("app.txt")).unwrap();
    scratch.write(&three, "app.txt", &format!("zero\nhalf\n{text}"));
    assert_eq!(ask(&["app.txt:9"]), [A2]);
    assert_eq!(ask(&["app.txt:7"]), Vec::<String>::new());
    let json = scratch
        .local_in(&three, &["touching", "--json", "app.txt:9"])
        .json();
    assert_eq!(json["asking"]["uncommitted"], true);
    assert_eq!(
        json["asked"],
        json!([{"path": "app.txt", "lines": [[9, 9]]}])
    );
    let text = scratch.local_in(&three, &["touching", "app.txt:9-10"]);
    assert_eq!(
        text.stdout,
        format!(
            "Changing app.txt:9-10 (lines as agent-3's worktree has them):\n  \
             {A2} (with uncommitted work) changes app.txt (line 7)\n"
        )
    );
}

#[test]
fn questions_it_cannot_answer_are_refused_in_one_line() {
    let scratch = two_lanes_on_app();
    let three = scratch.lane("agent-3");
    let refused = |dir: &std::path::Path, args: &[&str], message: &str| {
        let answer = scratch.local_in(dir, args);
        assert_eq!(answer.code, 2, "{answer:?}");
        assert_eq!(answer.stderr, format!("switchyard: {message}\n"));
    };
    refused(
        &three,
        &["touching", "app.txt:0"],
        "`app.txt:0`: lines are written like 42, 10-20 or 10-20,42, counted from 1",
    );
    refused(
        &three,
        &["touching", "app.txt:9-3"],
        "`app.txt:9-3`: lines are written like 42, 10-20 or 10-20,42, counted from 1",
    );
    std::fs::create_dir_all(three.join("docs")).unwrap();
    refused(
        &three,
        &["touching", "docs:3"],
        "`docs:3`: docs/ is a folder, which has no lines",
    );
    refused(
        &three,
        &["touching", "../elsewhere"],
        "`../elsewhere` leaves the repository: name paths from its root",
    );
    refused(
        &three,
        &["touching", "src/**/*.rs"],
        "`src/**/*.rs`: `touching` takes files and folders, not globs",
    );
    refused(
        &scratch.repo,
        &["touching", "--mine", "app.txt"],
        &format!(
            "{} is no lane's worktree: run this in one, or name the lane with --lane NAME",
            scratch.repo.display()
        ),
    );
    let missing = scratch.local_in(&three, &["touching"]);
    assert_eq!(missing.code, 2, "a path or --staged is needed: {missing:?}");
}

#[test]
fn files_the_config_ignores_touch_nobody() {
    let scratch = Scratch::new();
    scratch.write(
        &scratch.repo,
        ".github/switchyard.yml",
        "ignore_paths: [\"generated/**\"]\n",
    );
    scratch.write(&scratch.repo, "generated/api.rs", "// generated\n");
    scratch.commit(&scratch.repo, "Config and generated code");
    scratch.init();
    let (one, _, three) = scratch.three_lanes();
    scratch.write(&one, "generated/api.rs", "// generated again\n");
    scratch.edit_line(&one, 4, "four, by agent-1");
    let answer = scratch.local_in(&three, &["touching", "generated/api.rs", "--json"]);
    assert_eq!(answer.code, 0, "{answer:?}");
    let both = scratch.local_in(&three, &["touching", "generated/", "app.txt", "--json"]);
    assert_eq!(both.code, 1);
    assert_eq!(
        both.json()["branches"][0]["files"],
        json!([{"path": "app.txt", "status": "modified", "lines": [[4, 4]]}])
    );
}
