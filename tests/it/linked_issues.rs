//! GitHub's own links between issues: "blocked by" links (issue dependencies) hold tasks
//! back as "Depends on #N" does, told as stories on the fake GitHub with the events GitHub
//! sends, made from the payloads in `fixtures/`.

use crate::assign::story::Story;
use crate::support::{REPO, delivery_id, retarget};
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

const TWO_LANES: &str = "agents:\n  - {name: alpha}\n  - {name: beta}\n";
const PLATFORM: &str = "octo/platform";

/// One of the project's own payloads (`fixtures/`).
pub(crate) fn fixture(relative: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(relative);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).expect("a fixture is JSON")
}

/// The `issue_dependencies` event GitHub sends the blocked issue's repository when a link
/// to `blocker` (in `blocker_repo`) is added or removed.
fn blocked_by_event(action: &str, blocked: u64, blocker_repo: &str, blocker: u64) -> Value {
    let mut payload = retarget(
        fixture("issue_dependencies/blocked_by_added.payload.json"),
        REPO,
    );
    payload["action"] = json!(action);
    payload["blocked_issue"]["number"] = json!(blocked);
    payload["blocking_issue"]["number"] = json!(blocker);
    payload["blocking_issue_repo"]["full_name"] = json!(blocker_repo);
    payload
}

impl Story {
    /// GitHub links `blocker` as blocking `blocked` and tells the App; the event is returned
    /// for redelivery.
    pub(crate) async fn link(&self, blocked: u64, blocker_repo: &str, blocker: u64) -> Value {
        self.h
            .gh
            .link_blocked_by(REPO, blocked, blocker_repo, blocker)
            .unwrap();
        let event = blocked_by_event("blocked_by_added", blocked, blocker_repo, blocker);
        self.tell_links(&event).await;
        event
    }

    async fn unlink(&self, blocked: u64, blocker_repo: &str, blocker: u64) -> Value {
        self.h
            .gh
            .unlink_blocked_by(REPO, blocked, blocker_repo, blocker);
        let event = blocked_by_event("blocked_by_removed", blocked, blocker_repo, blocker);
        self.tell_links(&event).await;
        event
    }

    async fn tell_links(&self, event: &Value) {
        let (status, text) = self.h.deliver("issue_dependencies", event).await;
        assert_eq!(status, 202, "{text}");
        self.settle().await;
    }

    /// Delivers `event` again, as GitHub's "Redeliver" does, and says what the App wrote.
    pub(crate) async fn redeliver(&self, event: &str, payload: &Value) -> Vec<String> {
        self.h.gh.clear_log();
        let body = serde_json::to_vec(payload).unwrap();
        let (status, _) = self.h.deliver_as(event, &delivery_id(), &body).await;
        assert_eq!(status, 202);
        self.settle().await;
        self.h.writes()
    }
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_blocker_linked_on_github_blocks_until_it_closes_or_is_unlinked() {
    let s = Story::configured(TWO_LANES).await;
    let parser = s.issue("Add the parser", "");

    // Linked before the label: the label's event reads the link.
    let api = s.issue("Add the API", "");
    s.h.gh.link_blocked_by(REPO, api, REPO, parser).unwrap();
    s.label(api, "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(api), ["blocked", "parallel"]);
    let comment = s.task_comment(api);
    assert!(
        comment.contains(&format!(
            "**Blocked** by #{parser} (linked on GitHub), which is still open."
        )),
        "{comment}"
    );

    s.close(parser).await;
    s.settle().await;
    assert_eq!(s.labels(api), ["agent:alpha", "parallel"]);
    assert!(
        s.task_comment(api)
            .contains(&format!("Was blocked by #{parser}, now assigned.")),
        "{}",
        s.task_comment(api)
    );

    // A link added to an assigned task, then removed: the event alone re-evaluates it.
    let search = s.issue("Search", "");
    s.label(search, "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(search), ["agent:beta", "parallel"]);
    let index = s.issue("Index the documents", "");
    s.tell_issue("opened", index, None).await;
    let linked = s.link(search, REPO, index).await;
    assert_eq!(s.labels(search), ["agent:beta", "blocked", "parallel"]);
    assert!(s.task_comment(search).contains(&format!(
        "**Blocked** by #{index} (linked on GitHub), which is still open. This issue is \
         assigned to lane `beta` as soon as it is closed."
    )));
    assert!(
        s.board()
            .contains(&format!("waits for #{index} (linked on GitHub)")),
        "{}",
        s.board()
    );
    assert_eq!(
        s.redeliver("issue_dependencies", &linked).await,
        Vec::<String>::new(),
        "a redelivered link writes nothing"
    );
    let unlinked = s.unlink(search, REPO, index).await;
    assert_eq!(s.labels(search), ["agent:beta", "parallel"]);
    assert_eq!(
        s.redeliver("issue_dependencies", &unlinked).await,
        Vec::<String>::new()
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_blocker_in_another_repository_is_named_with_its_link() {
    let s = Story::configured(TWO_LANES).await;
    s.h.gh.repo(PLATFORM);
    let tokens = s.h.gh.add_issue(
        PLATFORM,
        fake_github::IssueSpec::new("Publish the token API"),
    );
    let login = s.issue("Log in with tokens", "");
    s.label(login, "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(login), ["agent:alpha", "parallel"]);

    let linked = s.link(login, PLATFORM, tokens).await;
    assert_eq!(s.labels(login), ["agent:alpha", "blocked", "parallel"]);
    let link = format!("[{PLATFORM}#{tokens}](https://github.com/{PLATFORM}/issues/{tokens})");
    let comment = s.task_comment(login);
    assert!(
        comment.contains(&format!(
            "**Blocked** by {link} (linked on GitHub), which is still open."
        )),
        "{comment}"
    );
    assert!(comment.contains(&format!("- Depends on: {link} (open, linked on GitHub).")));
    assert!(
        s.board()
            .contains(&format!("waits for {link} (linked on GitHub)"))
    );
    assert_eq!(
        s.redeliver("issue_dependencies", &linked).await,
        Vec::<String>::new()
    );

    // Closed over there: GitHub sends this repository nothing, so the next event naming the
    // task (here, the link's removal) finds it free.
    s.h.gh.close_issue(PLATFORM, tokens);
    s.unlink(login, PLATFORM, tokens).await;
    assert_eq!(s.labels(login), ["agent:alpha", "parallel"]);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn text_and_links_that_disagree_both_hold_the_task_back() {
    let s = Story::configured(TWO_LANES).await;
    let model = s.issue("Model", "");
    let schema = s.issue("Schema", "");
    let api = s.issue("API", &format!("Depends on #{model}"));
    s.h.gh.link_blocked_by(REPO, api, REPO, schema).unwrap();
    s.label(api, "parallel").await;
    s.settle().await;
    assert!(
        s.task_comment(api).contains(&format!(
            "**Blocked** by #{model} and #{schema} (linked on GitHub), which are still open."
        )),
        "{}",
        s.task_comment(api)
    );

    // The text's dependency closes; the link still holds the task.
    s.close(model).await;
    s.settle().await;
    assert_eq!(s.labels(api), ["blocked", "parallel"]);
    // The link goes; the description now names the same issue, which still blocks.
    s.edit_body(api, &format!("Depends on #{schema}")).await;
    s.unlink(api, REPO, schema).await;
    assert_eq!(s.labels(api), ["blocked", "parallel"]);
    assert!(
        s.task_comment(api)
            .contains(&format!("**Blocked** by #{schema}, which is still open.")),
        "{}",
        s.task_comment(api)
    );
    s.close(schema).await;
    s.settle().await;
    assert_eq!(s.labels(api), ["agent:alpha", "parallel"]);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_link_event_reads_only_the_issue_it_names() {
    let s = Story::configured(TWO_LANES).await;
    let mut tasks = Vec::new();
    for title in ["One", "Two", "Three"] {
        let number = s.issue(title, "");
        s.label(number, "parallel").await;
        tasks.push(number);
    }
    s.settle().await;
    let blocker = s.issue("Blocker", "");
    s.tell_issue("opened", blocker, None).await;
    s.settle().await;
    s.h.gh
        .link_blocked_by(REPO, tasks[2], REPO, blocker)
        .unwrap();
    s.h.gh.clear_log();
    s.tell_links(&blocked_by_event(
        "blocked_by_added",
        tasks[2],
        REPO,
        blocker,
    ))
    .await;
    let reads: Vec<String> =
        s.h.gh
            .requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.path.contains("/issues"))
            .map(|r| r.path)
            .collect();
    assert_eq!(
        reads,
        [format!(
            "/repos/{REPO}/issues/{}/dependencies/blocked_by",
            tasks[2]
        )],
        "the named issue's links alone: the open blocker is known from its own event"
    );
    assert_eq!(s.labels(tasks[2]), ["blocked", "parallel"]);
}

/// Everything the App logs while the guard lives, on this thread (the test's runtime runs
/// the App's workers).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

impl Captured {
    fn lines_with(&self, needle: &str) -> usize {
        let text = String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned();
        text.lines().filter(|line| line.contains(needle)).count()
    }
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_server_without_issue_dependencies_degrades_to_text_with_one_warning() {
    let log = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(log.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let s = Story::configured(TWO_LANES).await;
    s.h.gh.without_issue_dependencies();
    let model = s.issue("Model", "");
    let api = s.issue("API", &format!("Depends on #{model}"));
    let docs = s.issue("Docs", "");
    s.label(api, "parallel").await;
    s.label(docs, "parallel").await;
    s.settle().await;
    assert_eq!(s.labels(api), ["blocked", "parallel"]);
    assert_eq!(s.labels(docs), ["agent:alpha", "parallel"]);
    s.close(model).await;
    s.settle().await;
    assert_eq!(s.labels(api), ["agent:beta", "parallel"]);
    assert_eq!(s.h.app().store.job_counts().unwrap().failed, 0);
    assert_eq!(log.lines_with("GitHub has no issue dependencies here"), 1);
    assert_eq!(
        s.h.gh
            .count("GET /repos/*/*/issues/*/dependencies/blocked_by"),
        1,
        "asked once, then not again until a full reconcile"
    );
}
