//! The binary as an operator runs it: settings checked at start-up, SIGTERM ends it cleanly.

use crate::support::{Binary, sqlite_url, switchyard};

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
    let database_url = sqlite_url(dir.path());
    let mut binary = Binary::spawn(
        dir.path(),
        &[
            ("GITHUB_APP_ID", "42"),
            ("GITHUB_PRIVATE_KEY", fake_github::TEST_PRIVATE_KEY_PEM),
            ("GITHUB_WEBHOOK_SECRET", "s"),
            ("GITHUB_API_URL", "http://127.0.0.1:9"),
            ("DATABASE_URL", &database_url),
        ],
    );
    assert!(
        dir.path().join("switchyard.db").exists(),
        "the SQLite file is created"
    );
    assert_eq!(binary.stop(), Some(0));
}
