//! Handoffs: a lane whose agent acts on mentions is told, in one comment per cause, what its
//! pull request must do when another PR landed on its lines or goes before it.

use crate::support::{Harness, REPO, changed};
use switchyard::text::HANDOFF_MARKER;

const HANDOFF_LANES: &str = "agents:\n  - {name: agent-1, login: bot-one, handoff: true}\n  \
     - {name: agent-2, login: bot-two, handoff: true}\n  - {name: agent-3, login: person}\n";

fn handoffs(h: &Harness, pr: u64) -> Vec<String> {
    h.app_comments(pr)
        .into_iter()
        .filter(|body| body.starts_with(HANDOFF_MARKER))
        .collect()
}

async fn configured() -> Harness {
    let h = Harness::start().await;
    h.gh.repo(REPO)
        .file("main", ".github/switchyard.yml", HANDOFF_LANES);
    h
}

#[tokio::test]
async fn the_pr_ordered_second_on_shared_lines_mentions_its_agent_once_per_cause() {
    let h = configured().await;
    let old_base = h.gh.refs(REPO)["refs/heads/main"].clone();
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 3, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 11, 2, "b")])
        .await;
    h.settle().await;
    assert!(handoffs(&h, a).is_empty(), "#{a} goes first: nothing to do");
    let told = handoffs(&h, b);
    assert_eq!(told.len(), 1, "{told:#?}");
    assert!(
        told[0].contains(&format!(
            "@bot-two, the merge order puts #{a} before this pull request, on the same lines: \
             let it land first, then rebase this branch on `main`."
        )),
        "{}",
        told[0]
    );
    assert!(
        told[0].contains("- `src/app.rs`: [lines 11–12]"),
        "{}",
        told[0]
    );
    assert!(
        told[0].contains("git push --force-with-lease origin HEAD:parallel-dev/agent-2"),
        "{}",
        told[0]
    );

    // Nothing new: nothing written, nobody mentioned again.
    h.gh.clear_log();
    h.tell_pr(b, "edited").await;
    h.settle().await;
    assert!(h.writes().is_empty(), "{:?}", h.writes());

    // #a lands on those lines: the cause is now a rebase, told in a new comment (so the
    // mention reaches the agent) while the old one says it was replaced.
    let merged = h.gh.merge_pr(REPO, a);
    h.gh.set_compare(
        REPO,
        &old_base,
        &merged,
        vec![changed("src/app.rs", 10, 3, "a")],
    );
    h.tell_pr(a, "closed").await;
    h.push_default_branch(&merged).await;
    h.settle().await;
    let told = handoffs(&h, b);
    assert_eq!(told.len(), 2, "{told:#?}");
    assert!(
        told[0].contains("**Replaced by a newer request below:**"),
        "{}",
        told[0]
    );
    assert!(!told[0].contains('@'), "{}", told[0]);
    assert!(
        told[1].contains("@bot-two, this pull request needs a rebase on `main`.\n"),
        "{}",
        told[1]
    );
    assert!(
        told[1].contains(
            "**`main` changed the lines this branch changes:**\n- `src/app.rs`: [lines 11–12]"
        ),
        "{}",
        told[1]
    );

    // Rebased away from those lines: the live comment says so, and mentions nobody.
    h.gh.push(REPO, b, "", vec![changed("src/other.rs", 1, 1, "b")]);
    h.tell_pr(b, "synchronize").await;
    h.settle().await;
    let told = handoffs(&h, b);
    assert_eq!(told.len(), 2, "{told:#?}");
    assert!(
        told[1].contains("**Nothing to do any more:**"),
        "{}",
        told[1]
    );
    assert!(!told[1].contains('@'), "{}", told[1]);
}

#[tokio::test]
async fn lanes_without_handoff_are_never_mentioned() {
    let h = configured().await;
    h.open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 3, "a")])
        .await;
    let c = h
        .open_pr_with("agent-3", "", vec![changed("src/app.rs", 11, 2, "c")])
        .await;
    h.settle().await;
    assert!(handoffs(&h, c).is_empty());
    assert_eq!(h.app_comments(c).len(), 1, "the overlap comment alone");
}

#[tokio::test]
async fn a_crash_between_posting_and_recording_mentions_nobody_twice() {
    let mut h = configured().await;
    h.open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 3, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 11, 2, "b")])
        .await;
    h.settle().await;
    assert_eq!(handoffs(&h, b).len(), 1);
    // Leave the store as a process that died right after GitHub took the comment leaves it:
    // the sign that the post began, no record of the comment.
    let repo: switchyard::ids::RepoName = REPO.parse().unwrap();
    let store = &h.app().store;
    store
        .forget_published(&repo, &format!("handoff:{b}"))
        .unwrap();
    let sign = switchyard::store::Published {
        github_id: 0,
        digest: String::new(),
    };
    store
        .set_published(&repo, &format!("creating:handoff:{b}"), &sign)
        .unwrap();
    h.app.take().unwrap().kill();
    h.start_app().await;
    h.tell_pr(b, "edited").await;
    h.settle().await;
    assert_eq!(
        handoffs(&h, b).len(),
        1,
        "found again by its cause, not posted twice"
    );
}
