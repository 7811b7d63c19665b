//! The binary as an operator runs it: settings checked at start-up, SIGTERM ends it cleanly.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

fn switchyard() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_switchyard"));
    for name in [
        "SWITCHYARD_LISTEN",
        "GITHUB_APP_ID",
        "GITHUB_PRIVATE_KEY",
        "GITHUB_PRIVATE_KEY_PATH",
        "GITHUB_WEBHOOK_SECRET",
        "GITHUB_API_URL",
        "GITHUB_WEB_URL",
        "DATABASE_URL",
        "SWITCHYARD_PUBLIC_URL",
        "SWITCHYARD_CREDENTIALS_PATH",
    ] {
        command.env_remove(name);
    }
    command
}

#[test]
fn a_malformed_setting_stops_start_up_with_one_line_naming_it() {
    let output = switchyard()
        .args(["serve"])
        .env("GITHUB_APP_ID", "twelve")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim(),
        "switchyard: GITHUB_APP_ID: `twelve` is not a number"
    );

    // Some credentials but not all: a mistake, not a first run (that is tests/it/setup.rs).
    let output = switchyard()
        .args(["serve"])
        .env("GITHUB_WEBHOOK_SECRET", "s")
        .env(
            "SWITCHYARD_CREDENTIALS_PATH",
            "/nonexistent/switchyard-credentials.json",
        )
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("GITHUB_APP_ID: is not set"));
}

#[test]
fn check_config_gives_errors_with_positions_or_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(&bad, "agents: 2\ntrak: {}\n").unwrap();
    let output = switchyard().arg("check-config").arg(&bad).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(":2:1: unknown key `trak`, did you mean `tracks`?"),
        "{stderr}"
    );

    let good = dir.path().join("good.yml");
    std::fs::write(&good, "agents: 2\ncoordinate: all\n").unwrap();
    let output = switchyard()
        .arg("check-config")
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!output.stdout.is_empty());
}

#[test]
fn sigterm_stops_the_server_and_it_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = switchyard()
        .arg("serve")
        .env("SWITCHYARD_LISTEN", "127.0.0.1:0")
        .env("GITHUB_APP_ID", "42")
        .env("GITHUB_PRIVATE_KEY", fake_github::TEST_PRIVATE_KEY_PEM)
        .env("GITHUB_WEBHOOK_SECRET", "s")
        .env("GITHUB_API_URL", "http://127.0.0.1:9")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", dir.path().join("s.db").display()),
        )
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let listening = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("listening"));
    assert!(listening.is_some(), "the server said where it listens");
    assert!(
        dir.path().join("s.db").exists(),
        "the SQLite file is created"
    );
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert_eq!(status.code(), Some(0));
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "still running after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
