//! Footprint-aware dispatch, told as stories on the fake GitHub: two issues whose files meet
//! never run at once on two lanes; the one that waits says why, and starts on the lane that
//! held the file once that task is done. `footprint_wait: false` turns it off, and a person's
//! `/switchyard assign <lane>` overrides it.

use crate::assign::story::Story;
use crate::support::REPO;
use fake_github::FileChange;

const LANES: &str = "agents:\n  - {name: alpha}\n  - {name: beta}\n  - {name: gamma}\n";
const NOTES: &str = "Keeps notes.\n\n**Files:**\n\n- `src/store/notes.ts`\n";
const SEARCH: &str = "Searches notes.\n\nFiles: `src/store/notes.ts`, `src/search.ts`\n";

struct Notes {
    s: Story,
    docs: u64,
    store: u64,
    search: u64,
}

/// Docs on alpha and the notes store on beta; then the search, which changes the store too.
async fn notes(config: &str) -> Notes {
    let s = Story::configured(config).await;
    let docs = s.issue("Docs", "Update `docs/guide.md`.");
    let store = s.issue("Notes store", NOTES);
    let search = s.issue("Notes search", SEARCH);
    for issue in [docs, store, search] {
        s.label(issue, "parallel").await;
    }
    s.settle().await;
    Notes {
        s,
        docs,
        store,
        search,
    }
}

impl Notes {
    /// The lane's pull request closing `issue`, changing `files`, merged and told.
    async fn finish(&self, lane: &str, issue: u64, files: &[&str]) {
        let s = &self.s;
        let changes = files.iter().map(|f| FileChange::modified(*f)).collect();
        let pr =
            s.h.open_pr_with(lane, &format!("Closes #{issue}"), changes)
                .await;
        s.settle().await;
        s.h.gh.merge_pr(REPO, pr);
        s.h.tell_pr(pr, "closed").await;
        s.close(issue).await;
        s.settle().await;
    }
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn issues_sharing_a_file_never_run_at_once_and_the_waiting_one_takes_the_holder_lane() {
    let n = notes(LANES).await;
    let s = &n.s;
    assert_eq!(s.labels(n.docs), ["agent:alpha", "parallel"]);
    assert_eq!(s.labels(n.store), ["agent:beta", "parallel"]);
    assert_eq!(
        s.labels(n.search),
        ["parallel", "queued"],
        "gamma is free, but beta is changing the store"
    );
    let why = format!(
        "waits: would change `src/store/notes.ts`, which beta is changing for #{}",
        n.store
    );
    let comment = s.task_comment(n.search);
    assert!(
        comment.contains(&format!("**Queued** — {why}.")),
        "{comment}"
    );
    let board = s.board();
    assert!(
        board.contains(&format!("- #{} Notes search: {why}", n.search)),
        "{board}"
    );

    // alpha frees first: the search still waits, as it would run beside the store.
    n.finish("alpha", n.docs, &["docs/guide.md"]).await;
    assert_eq!(s.labels(n.search), ["parallel", "queued"]);

    // The store lands: the search starts, on beta, the lane that changed the file.
    n.finish("beta", n.store, &["src/store/notes.ts"]).await;
    assert_eq!(s.labels(n.search), ["agent:beta", "parallel"]);
    let comment = s.task_comment(n.search);
    assert!(comment.contains("**Assigned to lane `beta`**"), "{comment}");
    assert!(!s.board().contains("waits: would change"), "{}", s.board());
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn with_footprint_wait_off_both_run_at_once() {
    let n = notes(&format!("{LANES}footprint_wait: false\n")).await;
    assert_eq!(n.s.labels(n.store), ["agent:beta", "parallel"]);
    assert_eq!(n.s.labels(n.search), ["agent:gamma", "parallel"]);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_persons_assign_command_overrides_the_wait() {
    let n = notes(LANES).await;
    let s = &n.s;
    s.h.gh.set_permission(REPO, "mona", "write");
    s.comment(n.search, "mona", "/switchyard assign gamma")
        .await;
    s.settle().await;
    assert_eq!(s.labels(n.search), ["agent:gamma", "parallel"]);
    assert_eq!(s.labels(n.store), ["agent:beta", "parallel"]);
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_applied_to_github_is_dispatched_by_the_files_its_items_name() {
    let s = Story::configured(LANES).await;
    let dir = tempfile::tempdir().unwrap();
    let plan = "# Notes\n\n\
                ## Task 1: Store\nFiles: `src/store/notes.ts`\n\n\
                ## Task 2: Search\nFiles: `src/store/notes.ts`, `src/search.ts`\n\n\
                ## Task 3: Guide\nFiles: `docs/guide.md`\n";
    let (ok, out) = crate::plan::github::apply(&s.h.gh, dir.path(), plan, &[]).await;
    assert!(ok, "{out}");
    let number = |title: &str| {
        s.h.gh
            .issues(REPO)
            .into_iter()
            .find(|issue| issue.title == title)
            .map(|issue| issue.number)
            .unwrap()
    };
    let (parent, store, search, guide) = (
        number("Notes"),
        number("Task 1: Store"),
        number("Task 2: Search"),
        number("Task 3: Guide"),
    );
    s.tell_issue("labeled", parent, Some("parallel")).await;
    s.settle().await;
    assert_eq!(s.labels(store), ["agent:alpha", "parallel"]);
    assert_eq!(s.labels(search), ["parallel", "queued"]);
    assert_eq!(s.labels(guide), ["agent:beta", "parallel"]);
    let why =
        format!("waits: would change `src/store/notes.ts`, which alpha is changing for #{store}");
    assert!(
        s.task_comment(search).contains(&why),
        "{}",
        s.task_comment(search)
    );
    assert!(
        s.task_comment(parent)
            .contains(&format!("- #{search} Task 2: Search: queued, {why}")),
        "{}",
        s.task_comment(parent)
    );
}
