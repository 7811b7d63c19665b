//! Claims: a lane says what it is about to change; the others hear of it in `status`,
//! `touching` and `conflicts`, until it ends. Advice, never a lock.

use super::scratch::Scratch;
use chrono::{Duration, Local, Utc};
use serde_json::json;
use switchyard::claims::Claim;

const A1: &str = "parallel-dev/agent-1";

/// "15:40" for a time today on this machine's clock, as the commands print it.
fn clock(at: chrono::DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    if local.date_naive() == Local::now().date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%b %-d %H:%M").to_string()
    }
}

fn until_of(answer: &serde_json::Value) -> chrono::DateTime<Utc> {
    answer["claims"][0]["until"]
        .as_str()
        .expect("until")
        .parse()
        .expect("a time")
}

#[test]
fn a_claim_is_told_to_the_other_lanes_in_status_touching_and_conflicts() {
    let scratch = Scratch::new();
    scratch.init();
    let (one, two, three) = scratch.three_lanes();
    assert_eq!(
        scratch.local(&["assign", "agent-2", "T2", "Parser"]).code,
        0
    );
    let made = scratch.local_in(
        &two,
        &[
            "claim",
            "app.txt",
            "./src/",
            "--for",
            "1h",
            "--reason",
            "new parser",
        ],
    );
    assert_eq!(made.code, 0, "{made:?}");
    let status = scratch.local(&["status", "--json"]).json();
    let until = until_of(&status);
    let minutes = (until - Utc::now()).num_minutes();
    assert!((58..=60).contains(&minutes), "{minutes} minutes");
    assert_eq!(
        made.stdout,
        format!(
            "agent-2 claims app.txt for T2 until {0}: new parser\n\
             agent-2 claims src/ for T2 until {0}: new parser\n",
            clock(until)
        )
    );
    assert_eq!(status["claims"][0]["lane"], "agent-2");
    assert_eq!(status["claims"][0]["path"], "app.txt");
    assert_eq!(status["claims"][0]["task"], "T2");
    assert_eq!(status["claims"][0]["reason"], "new parser");
    assert_eq!(status["claims"][1]["path"], "src/");
    let text = scratch.local(&["status"]).stdout;
    assert!(
        text.contains(&format!(
            "Claims:\n  agent-2 claims app.txt for T2 until {}: new parser\n",
            clock(until)
        )),
        "{text}"
    );

    let asked = scratch.local_in(&three, &["touching", "src/lib.rs", "README"]);
    assert_eq!(asked.code, 1, "a claim touches: {asked:?}");
    assert_eq!(
        asked.stdout,
        format!(
            "Changing README and src/lib.rs:\n  \
             agent-2 claimed src/ for T2 (until {}: new parser)\n",
            clock(until)
        )
    );
    let json = scratch
        .local_in(&three, &["touching", "src/lib.rs", "--json"])
        .json();
    assert_eq!(json["claims"][0]["path"], "src/");
    assert_eq!(json["claims"][0]["asked"], json!(["src/lib.rs"]));
    let own = scratch.local_in(&two, &["touching", "src/lib.rs"]);
    assert_eq!(
        own.code, 0,
        "a lane's own claims are no news to it: {own:?}"
    );

    scratch.edit_line(&one, 3, "three, by agent-1");
    scratch.commit(&one, "agent-1 changes the claimed file");
    let conflicts = scratch.local(&["conflicts"]);
    assert_eq!(
        conflicts.code, 0,
        "a claim is advice, not a conflict: {conflicts:?}"
    );
    assert!(
        conflicts.stdout.contains(&format!(
            "{A1} changes a path agent-2 claimed for T2 (until {}: new parser): app.txt\n",
            clock(until)
        )),
        "{}",
        conflicts.stdout
    );
    let report = scratch.local(&["conflicts", "--json"]).json();
    assert_eq!(report["claimed"][0]["branch"], A1);
    assert_eq!(report["claimed"][0]["paths"], json!(["app.txt"]));
    assert_eq!(report["claimed"][0]["claim"]["lane"], "agent-2");
    let theirs = scratch
        .local(&["conflicts", "--lane", "agent-3", "--json"])
        .json();
    assert_eq!(
        theirs["claimed"],
        json!([]),
        "agent-3 neither changes a claimed path nor holds a claim"
    );

    let let_go = scratch.local_in(&two, &["unclaim", "src", "docs/"]);
    assert_eq!(
        let_go.stdout,
        "agent-2 lets go of src/\nagent-2 had no claim on docs/\n"
    );
    let all = scratch.local(&["unclaim", "--lane", "agent-2"]);
    assert_eq!(all.stdout, "agent-2 lets go of app.txt\n");
    assert_eq!(
        scratch.local(&["status", "--json"]).json()["claims"],
        json!([])
    );
}

#[test]
fn a_claim_past_its_end_is_told_to_nobody() {
    let scratch = Scratch::new();
    scratch.init();
    let three = scratch.lane("agent-3");
    let now = Utc::now();
    let claim = |path: &str, until| Claim {
        lane: "agent-2".into(),
        path: path.into(),
        task: None,
        reason: None,
        claimed_at: now - Duration::hours(3),
        until,
    };
    scratch
        .book()
        .add_local_claims(
            &[
                claim("app.txt", now - Duration::minutes(1)),
                claim("README", now + Duration::hours(1)),
            ],
            now - Duration::hours(3),
        )
        .expect("claims written");
    let status = scratch.local(&["status", "--json"]).json();
    assert_eq!(status["claims"].as_array().unwrap().len(), 1);
    assert_eq!(status["claims"][0]["path"], "README");
    let ended = scratch.local_in(&three, &["touching", "app.txt"]);
    assert_eq!(ended.code, 0, "{ended:?}");
    let holding = scratch.local_in(&three, &["touching", "README"]);
    assert_eq!(holding.code, 1, "{holding:?}");
}

#[test]
fn claims_made_at_once_by_many_processes_are_all_kept() {
    let scratch = Scratch::new();
    scratch.init();
    let children: Vec<_> = (0..8)
        .map(|n| {
            let lane = format!("agent-{}", n % 3 + 1);
            let path = format!("file-{n}.txt");
            let mut command = crate::support::switchyard();
            command
                .args(["local", "claim", &path, "--lane", &lane])
                .current_dir(&scratch.repo)
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("HOME", &scratch.root)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null");
            command.spawn().expect("claim runs")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("claim ends").success());
    }
    let status = scratch.local(&["status", "--json"]).json();
    let mut paths: Vec<&str> = status["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        (0..8).map(|n| format!("file-{n}.txt")).collect::<Vec<_>>()
    );
}

#[test]
fn bad_claims_are_refused_in_one_line() {
    let scratch = Scratch::new();
    scratch.init();
    let refused = |args: &[&str], message: &str| {
        let answer = scratch.local(args);
        assert_eq!(answer.code, 2, "{answer:?}");
        assert_eq!(answer.stderr, format!("switchyard: {message}\n"));
    };
    refused(
        &["claim", "app.txt"],
        &format!(
            "{} is no lane's worktree: run this in one, or name the lane with --lane NAME",
            scratch.repo.display()
        ),
    );
    refused(
        &["claim", "app.txt", "--lane", "agent-1", "--for", "soon"],
        "--for `soon` is not like 2h, 30m or 1d",
    );
    refused(
        &["claim", "/etc/passwd", "--lane", "agent-1"],
        "`/etc/passwd` is not a path from the repository's root",
    );
    refused(
        &["claim", "a", "--lane", "agent-9"],
        "there is no lane `agent-9`: did you mean `agent-1`? the lanes are agent-1, agent-2, agent-3",
    );
    assert!(!scratch.has_state(), "nothing written for refused claims");
}
