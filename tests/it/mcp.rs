//! `switchyard mcp` driven by a client no one here wrote: the official MCP Python SDK, over
//! stdio, in lane worktrees of real repositories. The SDK is installed on first use into a
//! virtual environment under the target directory; when it cannot be, the tests say so and
//! pass, except under `CI=true`, where they fail.

use crate::local::scratch::Scratch;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The client's version range: 2.x is the SDK whose `Client` the driver uses.
const SDK: &str = "mcp>=2.3,<3";

const DRIVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/mcp/driver.py");

/// The Python of a virtual environment that has the SDK, or why there is none.
fn install() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mcp-client");
    let python = venv.join("bin").join("python");
    let has_sdk = |python: &Path| {
        Command::new(python)
            .args(["-c", "import mcp.client"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    };
    if has_sdk(&python) {
        return Ok(python);
    }
    let run = |command: &mut Command| -> Result<(), String> {
        let output = command
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{command:?}: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{command:?}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ))
        }
    };
    run(Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(&venv))?;
    run(Command::new(&python).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        SDK,
    ]))?;
    if has_sdk(&python) {
        Ok(python)
    } else {
        Err(format!("{SDK} installed, but `import mcp.client` fails"))
    }
}

/// The client's Python, installed once for all the tests; `None`, after saying so, when it
/// cannot be installed outside CI.
fn client() -> Option<PathBuf> {
    static CLIENT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match CLIENT.get_or_init(install) {
        Ok(python) => Some(python.clone()),
        Err(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("the MCP Python SDK is needed under CI=true: {why}")
        }
        Err(why) => {
            eprintln!("skipped: the MCP Python SDK cannot be installed here: {why}");
            None
        }
    }
}

/// Starts `switchyard mcp` in `dir` through the SDK, lists the tools, makes `calls` in order,
/// and returns what the driver reports: `tools` as listed and one answer per call.
fn drive(scratch: &Scratch, python: &Path, dir: &Path, calls: Value) -> Value {
    drive_with(scratch, python, dir, &[], calls)
}

/// [`drive`], the server started as `switchyard mcp ARGS…`.
fn drive_with(scratch: &Scratch, python: &Path, dir: &Path, args: &[&str], calls: Value) -> Value {
    let mut command = Command::new(python);
    command
        .arg(DRIVER)
        .arg(env!("CARGO_BIN_EXE_switchyard"))
        .arg(dir)
        .args(args)
        .env_clear()
        .envs(scratch.env())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("the driver starts");
    child
        .stdin
        .take()
        .expect("its input")
        .write_all(calls.to_string().as_bytes())
        .expect("the calls are written");
    let output = child.wait_with_output().expect("the driver ends");
    assert!(
        output.status.success(),
        "the driver failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the driver's JSON")
}

/// A call's structured result, which must not be an error.
fn structured(answer: &Value) -> &Value {
    assert_eq!(answer["isError"], false, "{answer}");
    let text = answer["content"][0]["text"].as_str().expect("a text copy");
    let copy: Value = serde_json::from_str(text).expect("the text is the JSON");
    assert_eq!(copy, answer["structuredContent"], "{answer}");
    &answer["structuredContent"]
}

/// A call's tool error, its one line.
fn tool_error(answer: &Value) -> &str {
    assert_eq!(answer["isError"], true, "{answer}");
    assert!(answer.get("structuredContent").is_none(), "{answer}");
    answer["content"][0]["text"].as_str().expect("a line")
}

/// The CLI's error line for `switchyard local ARGS`, without its `switchyard: `.
fn cli_error(scratch: &Scratch, dir: &Path, args: &[&str]) -> String {
    let answer = scratch.local_in(dir, args);
    assert_eq!(answer.code, 2, "{answer:?}");
    answer
        .stderr
        .trim_end()
        .strip_prefix("switchyard: ")
        .expect("one line")
        .to_owned()
}

#[test]
fn an_agents_client_lists_the_tools_and_works_the_task_book_through_them() {
    let Some(python) = client() else { return };
    let scratch = Scratch::new();
    scratch.init();
    for assign in [
        &["assign", "agent-1", "T1", "Parser", "--estimate", "2h"][..],
        &["assign", "agent-2", "T2", "Docs", "--depends-on", "T1"],
    ] {
        let answer = scratch.local(assign);
        assert_eq!(answer.code, 0, "{answer:?}");
    }
    let (one, _, _) = scratch.three_lanes();
    scratch.edit_line(&one, 2, "TWO");
    scratch.commit(&one, "Two");
    let answers = drive(
        &scratch,
        &python,
        &one,
        json!([
            {"tool": "my_task"},
            {"tool": "start_task"},
            {"tool": "merge_order"},
            {"tool": "complete_task", "arguments": {"task_id": "T1"}},
            {"tool": "my_task", "arguments": {"lane": "agent-2"}},
            {"tool": "my_task", "arguments": {"lane": 7}},
            {"tool": "touching", "arguments": {"paths": [{"path": "app.txt", "start_line": 5, "end_line": 2}]}},
            {"tool": "start_task", "arguments": {"lane": "agent-9"}},
            {"tool": "complete_task"},
            {"tool": "no_such_tool"},
            {"tool": "board"}
        ]),
    );

    let tools = answers["tools"].as_array().expect("the tools");
    let mut names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "board",
            "check_my_changes",
            "claim",
            "complete_task",
            "merge_order",
            "my_task",
            "start_task",
            "touching",
            "unclaim"
        ]
    );
    let schema = |name: &str| -> &Value {
        let tool = tools.iter().find(|t| t["name"] == name).expect("listed");
        assert!(tool["description"].as_str().is_some_and(|d| !d.is_empty()));
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        &tool["inputSchema"]
    };
    for name in [
        "my_task",
        "check_my_changes",
        "start_task",
        "complete_task",
        "claim",
        "unclaim",
        "touching",
    ] {
        assert_eq!(
            schema(name)["properties"]["lane"]["type"],
            json!(["string", "null"]),
            "{name}"
        );
    }
    let touching = schema("touching");
    assert_eq!(touching["required"], json!(["paths"]));
    assert_eq!(touching["properties"]["paths"]["minItems"], 1);
    assert_eq!(schema("claim")["required"], json!(["paths"]));
    assert_eq!(
        schema("claim")["properties"]["for"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(
        schema("check_my_changes")["properties"]["committed_only"]["type"],
        "boolean"
    );
    assert_eq!(
        schema("start_task")["properties"]["task_id"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(schema("board")["properties"], json!({}));
    assert_eq!(answers["server"]["name"], "switchyard");
    assert!(
        answers["instructions"]
            .as_str()
            .is_some_and(|text| text.contains("my_task"))
    );

    let calls = answers["calls"].as_array().expect("the answers");
    let mine = structured(&calls[0]);
    assert_eq!(mine["lane"], "agent-1", "found from the worktree's branch");
    assert_eq!(mine["branch"], "parallel-dev/agent-1");
    assert_eq!(mine["worktree"], "../repo-worktrees/agent-1");
    assert_eq!(mine["task"]["id"], "T1");
    assert_eq!(mine["task"]["started"], false);
    assert_eq!(mine["waited_on_by"][0]["id"], "T2");

    let started = structured(&calls[1]);
    assert_eq!(
        started["said"],
        json!([
            "T1 started on agent-1: branch parallel-dev/agent-1, worktree ../repo-worktrees/agent-1"
        ])
    );
    assert_eq!(started["my_task"]["task"]["started"], true);

    let order = structured(&calls[2]);
    assert_eq!(order["places"][0]["branch"], "parallel-dev/agent-1");

    let completed = structured(&calls[3]);
    assert_eq!(
        completed["said"],
        json!([
            "T1 is done (agent-1)",
            "then T2 assigned on agent-2: branch parallel-dev/agent-2, worktree ../repo-worktrees/agent-2"
        ])
    );
    assert_eq!(completed["my_task"]["task"], Value::Null);
    assert_eq!(completed["my_task"]["done"], json!(["T1"]));

    let theirs = structured(&calls[4]);
    assert_eq!(theirs["lane"], "agent-2");
    assert_eq!(theirs["task"]["id"], "T2");
    assert_eq!(
        theirs["depends_on"],
        json!([{"id": "T1", "lane": "agent-1", "state": "done"}])
    );

    assert!(tool_error(&calls[5]).contains("invalid type: integer `7`, expected a string"));
    assert_eq!(
        tool_error(&calls[6]),
        "app.txt: end_line 2 is before start_line 5"
    );
    assert_eq!(
        tool_error(&calls[7]),
        cli_error(&scratch, &one, &["start", "agent-9"]),
        "the CLI's own line"
    );
    assert_eq!(
        tool_error(&calls[8]),
        cli_error(&scratch, &one, &["complete", "agent-1"])
    );
    let unknown = &calls[9];
    assert!(
        unknown["isError"] == true || unknown["raised"].is_string(),
        "{unknown}"
    );
    assert_eq!(
        structured(&calls[10]),
        &scratch.local(&["status", "--json"]).json(),
        "the board is `status --json`, and the server still answers after errors"
    );
}

#[test]
fn outside_a_lanes_worktree_a_tool_for_a_lane_says_so_unless_dir_names_one() {
    let Some(python) = client() else { return };
    let scratch = Scratch::new();
    scratch.init();
    let answers = drive(
        &scratch,
        &python,
        &scratch.repo,
        json!([
            {"tool": "my_task"},
            {"tool": "my_task", "arguments": {"lane": "AGENT-3"}},
            {"tool": "board"}
        ]),
    );
    let calls = &answers["calls"];
    assert_eq!(
        tool_error(&calls[0]),
        format!(
            "{} is not a lane's worktree (it is on `main`): start the server in one \
             (`switchyard local init` makes them), or pass `lane`",
            scratch.repo.display()
        )
    );
    assert_eq!(structured(&calls[1])["lane"], "agent-3");
    assert_eq!(structured(&calls[2])["lanes"][2]["name"], "agent-3");

    let (_, two, _) = scratch.three_lanes();
    let two = two.to_string_lossy();
    let told = drive_with(
        &scratch,
        &python,
        &scratch.repo,
        &["--dir", &two],
        json!([{"tool": "my_task"}]),
    );
    assert_eq!(
        structured(&told["calls"][0])["lane"],
        "agent-2",
        "--dir names the worktree"
    );
}

/// Needs `local touching`, `conflicts --lane`, `claim` and `unclaim`.
#[test]
fn an_agent_learns_who_touches_its_lines_checks_its_uncommitted_work_and_claims_paths() {
    let Some(python) = client() else { return };
    let scratch = Scratch::new();
    scratch.init();
    let (one, two, _) = scratch.three_lanes();
    scratch.edit_line(&two, 3, "THREE from agent-2");
    scratch.commit(&two, "Three");
    scratch.edit_line(&one, 3, "THREE from agent-1, not committed");
    let answers = drive(
        &scratch,
        &python,
        &one,
        json!([
            {"tool": "check_my_changes"},
            {"tool": "check_my_changes", "arguments": {"committed_only": true}},
            {"tool": "touching", "arguments": {"paths": [{"path": "app.txt", "start_line": 3}]}},
            {"tool": "touching", "arguments": {"paths": [{"path": "README"}]}},
            {"tool": "claim", "arguments": {"paths": ["README"], "for": "1h", "reason": "docs"}},
            {"tool": "touching", "arguments": {"paths": [{"path": "README"}], "lane": "agent-2"}},
            {"tool": "unclaim"},
            {"tool": "touching", "arguments": {"paths": [{"path": "README"}], "lane": "agent-2"}},
            {"tool": "claim", "arguments": {"paths": []}}
        ]),
    );
    let calls = &answers["calls"];
    let check = structured(&calls[0]);
    assert_eq!(check["lane"], "agent-1");
    assert_eq!(
        check["conflict"], true,
        "the uncommitted edit meets agent-2's commit"
    );
    assert!(
        check["todo"][0]
            .as_str()
            .is_some_and(|todo| todo.contains("agent-2") && todo.contains("app.txt")),
        "{check}"
    );
    assert_eq!(
        check["report"]["pairs"],
        scratch
            .local_in(&one, &["conflicts", "--lane", "agent-1", "--json"])
            .json()["pairs"],
        "the report is the command's"
    );
    let committed = structured(&calls[1]);
    assert_eq!(committed["conflict"], false, "{committed}");
    assert_eq!(
        committed["todo"],
        json!(["Nothing you changed conflicts with another lane or with main: carry on."])
    );
    let line = structured(&calls[2]);
    assert_eq!(line["touched"], true, "{line}");
    assert!(line["report"].to_string().contains("agent-2"), "{line}");
    assert_eq!(structured(&calls[3])["touched"], false);
    let claimed = structured(&calls[4]);
    assert!(
        claimed["said"]
            .as_array()
            .is_some_and(|said| !said.is_empty())
    );
    let seen = structured(&calls[5]);
    assert_eq!(seen["touched"], true, "agent-1's claim: {seen}");
    assert!(seen["report"].to_string().contains("agent-1"), "{seen}");
    structured(&calls[6]);
    assert_eq!(structured(&calls[7])["touched"], false);
    assert_eq!(tool_error(&calls[8]), "name at least one path");
}

#[test]
fn with_a_branch_per_task_a_lanes_worktree_between_tasks_is_found_by_its_place() {
    let Some(python) = client() else { return };
    let scratch = Scratch::new();
    scratch.write(
        &scratch.repo,
        ".github/switchyard.yml",
        "agents: 2\nbranch_template: \"{agent}/{issue}-{slug}\"\n",
    );
    scratch.commit(&scratch.repo, "Config");
    scratch.init();
    let answers = drive(
        &scratch,
        &python,
        &scratch.lane("agent-2"),
        json!([{"tool": "my_task"}]),
    );
    let mine = structured(&answers["calls"][0]);
    assert_eq!(mine["lane"], "agent-2", "its HEAD is detached: {mine}");
    assert_eq!(mine["branch"], Value::Null);
}
