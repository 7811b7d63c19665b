//! `switchyard plan apply --local`: a plan's items become tasks of the task book, its
//! tracks go to the config when asked, and applying again adds nothing.

use crate::support::switchyard;
use std::path::Path;
use std::process::{Command, Output};

const PLAN: &str = "# Sync\n\
                    \n\
                    ## Task 1: Schema\n\
                    Files: `db/schema.sql`\n\
                    Estimate: 2h\n\
                    \n\
                    ## Task 2: API\n\
                    Agent: agent-2\n\
                    Depends on: Task 1\n\
                    Files: `src/api/`\n\
                    Estimate: 30 min\n\
                    \n\
                    ## Merge order\n\
                    Task 2, then Task 1.\n";

const CONFIG: &str = "# Two lanes for the sync work.\nagents: 2\n\ntracks:\n  docs:\n    paths: [\"docs/**\"] # the handbook\n";

fn run(dir: &Path, program: &str, args: &[&str]) -> Output {
    let mut command = if program == "git" {
        Command::new("git")
    } else {
        switchyard()
    };
    command
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        // The user's own git, as local mode drives it: the first on their PATH.
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com");
    let output = command.output().expect("it runs");
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A repository on `main` with the config committed, and the plan beside it.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    run(repo, "git", &["init", "--quiet", "--initial-branch=main"]);
    std::fs::create_dir_all(repo.join(".github")).unwrap();
    std::fs::write(repo.join(".github/switchyard.yml"), CONFIG).unwrap();
    run(repo, "git", &["add", "--all"]);
    run(repo, "git", &["commit", "--quiet", "-m", "Start"]);
    std::fs::write(repo.join("PLAN.md"), PLAN).unwrap();
    dir
}

#[test]
fn items_become_tasks_with_their_footprint_and_a_second_apply_adds_nothing() {
    let dir = repository();
    let repo = dir.path();
    let first = stdout(&run(
        repo,
        "switchyard",
        &["plan", "apply", "PLAN.md", "--local"],
    ));
    assert_eq!(
        first,
        "Added 2 tasks:\n  \
         task-1 on lane `agent-1`: Task 1: Schema (2h; changes `db/schema.sql`)\n  \
         task-2 on lane `agent-2`: Task 2: API (0.5h; waits for task-1; changes `src/api/`)\n\
         \n\
         Tracks for .github/switchyard.yml (`--write-config` adds them):\n\
         \n\
         tracks:\n  \
         task-1:\n    \
         paths: [\"db/schema.sql\"]\n  \
         task-2:\n    \
         paths: [\"src/api/**\"]\n    \
         depends_on: [\"task-1\"]\n    \
         agent: agent-2\n"
    );
    let status: serde_json::Value =
        serde_json::from_slice(&run(repo, "switchyard", &["local", "status", "--json"]).stdout)
            .unwrap();
    let text = status.to_string();
    assert!(
        text.contains("\"task-1\"") && text.contains("\"task-2\""),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join(".github/switchyard.yml")).unwrap(),
        CONFIG,
        "the config is only shown"
    );

    let again = stdout(&run(
        repo,
        "switchyard",
        &["plan", "apply", "PLAN.md", "--local"],
    ));
    assert!(
        again.starts_with("No tasks added: 2 tasks already in the book: task-1, task-2\n"),
        "{again}"
    );
}

#[test]
fn write_config_adds_the_tracks_once_and_keeps_the_file_as_written() {
    let dir = repository();
    let repo = dir.path();
    let apply = ["plan", "apply", "PLAN.md", "--local", "--write-config"];
    let first = stdout(&run(repo, "switchyard", &apply));
    assert!(
        first.ends_with("Wrote 2 tracks to .github/switchyard.yml.\n"),
        "{first}"
    );
    let config = std::fs::read_to_string(repo.join(".github/switchyard.yml")).unwrap();
    assert_eq!(
        config,
        format!(
            "{CONFIG}  task-1:\n    paths: [\"db/schema.sql\"]\n  task-2:\n    paths: [\"src/api/**\"]\n    depends_on: [\"task-1\"]\n    agent: agent-2\n"
        )
    );
    let check = run(
        repo,
        "switchyard",
        &["check-config", ".github/switchyard.yml"],
    );
    assert!(stdout(&check).contains("task-2"), "{}", stdout(&check));

    let again = stdout(&run(repo, "switchyard", &apply));
    assert!(
        again.ends_with("No tracks to add to .github/switchyard.yml.\n"),
        "{again}"
    );
    assert_eq!(
        std::fs::read_to_string(repo.join(".github/switchyard.yml")).unwrap(),
        config
    );
}

#[test]
fn a_task_sharing_a_file_with_one_running_on_another_lane_waits_and_says_why() {
    let dir = repository();
    let repo = dir.path();
    std::fs::write(
        repo.join("SHARED.md"),
        "## Task A: Parser\nFiles: `src/app.rs`\n\n\
         ## Task B: Printer\nAgent: agent-2\nFiles: `src/app.rs`, `src/print.rs`\n\n\
         ## Task C: Lexer\nFiles: `src/lex.rs`, `src/app.rs`\n",
    )
    .unwrap();
    let answer = stdout(&run(
        repo,
        "switchyard",
        &["plan", "apply", "SHARED.md", "--local"],
    ));
    assert!(answer.contains("task-b on lane `agent-2`"), "{answer}");
    assert!(
        answer.contains("task-c on lane `agent-1`"),
        "the lane holding the file takes the lexer: {answer}"
    );
    assert!(
        answer.ends_with(
            "task-b waits: would change `src/app.rs`, which agent-1 is changing for task-a\n"
        ),
        "{answer}"
    );
    let status = stdout(&run(repo, "switchyard", &["local", "status"]));
    assert!(
        status.contains(
            "  task-b Task B: Printer (no estimate) for agent-2: waits: would change \
             `src/app.rs`, which agent-1 is changing for task-a"
        ),
        "{status}"
    );
    assert!(
        status.contains("  task-c Task C: Lexer (no estimate) for agent-1\n"),
        "{status}"
    );
}
