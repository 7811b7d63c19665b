//! `switchyard plan apply --github` against the fake GitHub: a parent issue and a sub-issue
//! per item with the config's trigger label, estimate labels, checklists, the files the App
//! reads back, sub-issue and "blocked by" links; a second apply writes nothing, a changed plan
//! updates what the first made, and `--dry-run` sends nothing.

use crate::support::{INSTALLATION, switchyard};
use fake_github::FakeGitHub;
use std::path::Path;

const REPO: &str = "octo/repo";

const PLAN: &str = "# Sync plan\n\n\
                    ## Task 1: Schema\nFiles: `db/schema.sql`\nEstimate: 2h\n\n\
                    - [ ] Add the table\n- [ ] Migrate\n\n\
                    ## Task 2: API\nDepends on: Task 1\nFiles: `src/api/`\nEstimate: 45m\n\n\
                    ## Task 3: Setup (sequential)\nFiles: `Cargo.toml`\n";

/// A fake GitHub with the repository installed and a config naming its own trigger label.
async fn github() -> FakeGitHub {
    let gh = FakeGitHub::start().await;
    gh.install(INSTALLATION, REPO);
    gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "trigger_label: parallel-work\n",
    );
    gh
}

/// Runs `switchyard plan apply SYNC_PLAN.md --github octo/repo` with `extra` arguments in
/// `dir`, off the runtime the fake serves on; its exit status and output.
pub(crate) async fn apply(
    gh: &FakeGitHub,
    dir: &Path,
    plan: &str,
    extra: &[&str],
) -> (bool, String) {
    std::fs::write(dir.join("SYNC_PLAN.md"), plan).unwrap();
    let mut command = switchyard();
    command
        .args(["plan", "apply", "SYNC_PLAN.md", "--github", REPO])
        .args(["--api-url", gh.url()])
        .args(extra)
        .current_dir(dir)
        .env("GITHUB_TOKEN", gh.installation_token(INSTALLATION));
    let output = tokio::task::spawn_blocking(move || command.output().expect("it runs"))
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn labels(gh: &FakeGitHub, number: u64) -> Vec<String> {
    let mut labels = gh.labels_of(REPO, number);
    labels.sort();
    labels
}

/// The number of the issue titled `title`.
fn numbered(gh: &FakeGitHub, title: &str) -> u64 {
    gh.issues(REPO)
        .into_iter()
        .find(|issue| issue.title == title)
        .unwrap_or_else(|| panic!("no issue {title}"))
        .number
}

/// The writes the fake was sent: every request but reads.
fn writes(gh: &FakeGitHub) -> Vec<String> {
    gh.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| r.endpoint)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_becomes_a_parent_with_linked_sub_issues_and_a_second_apply_writes_nothing() {
    let gh = github().await;
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = apply(&gh, dir.path(), PLAN, &[]).await;
    assert!(ok, "{out}");

    let parent = numbered(&gh, "Sync plan");
    let setup = numbered(&gh, "Task 3: Setup");
    let schema = numbered(&gh, "Task 1: Schema");
    let api = numbered(&gh, "Task 2: API");
    assert!(
        parent < setup && setup < schema && schema < api,
        "the item that runs alone first, each item after what it waits for"
    );
    assert_eq!(labels(&gh, parent), ["parallel-work"]);
    assert_eq!(labels(&gh, setup), ["parallel-work"]);
    assert_eq!(labels(&gh, schema), ["estimate: 2h", "parallel-work"]);
    assert_eq!(labels(&gh, api), ["estimate: 0.75h", "parallel-work"]);
    assert_eq!(gh.sub_issues_of(REPO, parent), [setup, schema, api]);
    assert_eq!(gh.blockers_of(REPO, api), [(REPO.to_owned(), schema)]);
    assert!(gh.blockers_of(REPO, schema).is_empty());

    let body = gh.issue(REPO, schema).body.unwrap_or_default();
    assert!(
        body.starts_with("<!-- switchyard-plan: sync-plan item: task-1 -->\n"),
        "{body}"
    );
    assert!(
        body.contains("- [ ] Add the table\n- [ ] Migrate"),
        "{body}"
    );
    assert_eq!(
        switchyard::footprint::of_task(&body, &[]),
        ["db/schema.sql"],
        "the App's footprint rule reads the files back"
    );
    assert!(
        out.contains(&format!("created #{schema} Task 1: Schema (a work item)")),
        "{out}"
    );
    assert!(
        out.contains(&format!("linked #{api} as blocked by #{schema}")),
        "{out}"
    );

    gh.clear_log();
    let (ok, again) = apply(&gh, dir.path(), PLAN, &[]).await;
    assert!(ok, "{again}");
    assert_eq!(writes(&gh), Vec::<String>::new());
    assert_eq!(
        again,
        "octo/repo: nothing to change; the plan's issues are up to date.\n"
    );
    assert_eq!(gh.issues(REPO).len(), 4, "nothing created twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_plan_updates_what_the_first_apply_made_and_adds_only_what_is_new() {
    let gh = github().await;
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = apply(&gh, dir.path(), PLAN, &[]).await;
    assert!(ok, "{out}");
    let parent = numbered(&gh, "Sync plan");
    let schema = numbered(&gh, "Task 1: Schema");
    let api = numbered(&gh, "Task 2: API");

    let changed = PLAN
        .replace("Estimate: 45m", "Estimate: 3h")
        .replace("Files: `src/api/`", "Files: `src/api/`, `src/routes.rs`")
        + "\n## Task 4: Docs\nDepends on: Task 2\nFiles: `docs/api.md`\n";
    gh.clear_log();
    let (ok, out) = apply(&gh, dir.path(), &changed, &[]).await;
    assert!(ok, "{out}");
    let docs = numbered(&gh, "Task 4: Docs");
    let mut sent = writes(&gh);
    sent.sort();
    assert_eq!(
        sent,
        [
            "DELETE /repos/{owner}/{repo}/issues/{n}/labels/{name}",
            "PATCH /repos/{owner}/{repo}/issues/{n}",
            "PATCH /repos/{owner}/{repo}/issues/{n}",
            "POST /repos/{owner}/{repo}/issues",
            "POST /repos/{owner}/{repo}/issues/{n}/dependencies/blocked_by",
            "POST /repos/{owner}/{repo}/issues/{n}/labels",
            "POST /repos/{owner}/{repo}/issues/{n}/sub_issues",
        ],
        "{out}"
    );
    assert_eq!(labels(&gh, api), ["estimate: 3h", "parallel-work"]);
    let body = gh.issue(REPO, api).body.unwrap_or_default();
    assert_eq!(
        switchyard::footprint::of_task(&body, &[]),
        ["src/api/", "src/routes.rs"]
    );
    assert_eq!(gh.sub_issues_of(REPO, parent).len(), 4);
    assert_eq!(gh.sub_issues_of(REPO, parent).last(), Some(&docs));
    assert_eq!(gh.blockers_of(REPO, api), [(REPO.to_owned(), schema)]);
    assert_eq!(gh.blockers_of(REPO, docs), [(REPO.to_owned(), api)]);
    assert!(
        out.contains(&format!("updated the body of #{api}")),
        "{out}"
    );
    assert!(
        out.contains(&format!("updated the body of #{parent}")),
        "the parent lists the new item: {out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_prints_the_requests_and_sends_nothing() {
    let gh = github().await;
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = apply(&gh, dir.path(), PLAN, &["--dry-run"]).await;
    assert!(ok, "{out}");
    assert_eq!(writes(&gh), Vec::<String>::new());
    assert!(gh.issues(REPO).is_empty());
    assert!(
        out.starts_with("octo/repo: would send 8 requests (--dry-run sends nothing):\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "  POST /repos/octo/repo/issues {\"body\":\"<!-- switchyard-plan: sync-plan -->"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "  POST /repos/octo/repo/issues/{new: task-2}/dependencies/blocked_by \
             {\"issue_id\":\"{id of new: task-1}\"}"
        ),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_token_nothing_is_asked() {
    let gh = github().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("SYNC_PLAN.md"), PLAN).unwrap();
    let mut command = switchyard();
    command
        .args(["plan", "apply", "SYNC_PLAN.md", "--github", REPO])
        .args(["--api-url", gh.url()])
        .current_dir(dir.path());
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "switchyard: set GITHUB_TOKEN to a token that may read and write the repository's issues\n"
    );
    assert!(gh.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_without_issue_dependencies_gets_the_rest_and_is_told() {
    let gh = github().await;
    gh.without_issue_dependencies();
    let dir = tempfile::tempdir().unwrap();
    let (ok, out) = apply(&gh, dir.path(), PLAN, &[]).await;
    assert!(ok, "{out}");
    assert!(
        out.ends_with(
            "This GitHub has no issue dependencies: those links were left out; the issues' \
             bodies name them.\n"
        ),
        "{out}"
    );
    assert_eq!(gh.sub_issues_of(REPO, numbered(&gh, "Sync plan")).len(), 3);
    gh.clear_log();
    let (ok, again) = apply(&gh, dir.path(), PLAN, &[]).await;
    assert!(ok, "{again}");
    assert_eq!(
        writes(&gh),
        ["POST /repos/{owner}/{repo}/issues/{n}/dependencies/blocked_by"],
        "one try, refused, and nothing else: {again}"
    );
}
