//! Overlap warnings on PRs, told as stories against the fake GitHub.

use crate::support::{Harness, REPO, changed};
use fake_github::FileChange;

fn only(comments: Vec<String>) -> String {
    assert_eq!(comments.len(), 1, "exactly one comment: {comments:#?}");
    comments.into_iter().next().unwrap_or_default()
}

#[tokio::test]
async fn two_prs_on_the_same_lines_warn_each_other_and_annotate_the_lines() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 3, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 11, 2, "b")])
        .await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(
        comment.starts_with(
            "<!-- switchyard:overlaps -->\n**Changes the same lines as 1 open pull request.**"
        ),
        "{comment}"
    );
    assert!(comment.contains(&format!("[#{b} Update]")), "{comment}");
    assert!(
        comment.contains("(lane `agent-2`, same lines)"),
        "{comment}"
    );
    assert!(comment.contains("`src/app.rs`: [lines 10–12]"), "{comment}");
    assert!(comment.contains("here, [lines 11–12]"), "{comment}");
    assert!(only(h.app_comments(b)).contains(&format!("[#{a} Update]")));
    let run = h.merge_order_run(b);
    assert_eq!(run.annotations.len(), 1);
    assert_eq!(run.annotations[0].path, "src/app.rs");
    assert_eq!(
        (run.annotations[0].start_line, run.annotations[0].end_line),
        (11, 12)
    );
    assert_eq!(run.annotations[0].annotation_level, "warning");
    assert!(run.annotations[0].message.contains(&format!("#{a}")));
}

#[tokio::test]
async fn separate_regions_of_one_file_are_a_file_level_note() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 1, "a")])
        .await;
    h.open_pr_with("agent-2", "", vec![changed("src/app.rs", 60, 1, "b")])
        .await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(
        comment.contains("**Touches the same files as 1 open pull request, in separate regions.**"),
        "{comment}"
    );
    assert!(
        comment.contains("Git merges separate regions on its own"),
        "{comment}"
    );
    assert!(h.merge_order_run(a).annotations.is_empty());
    assert_eq!(h.merge_order_run(a).title.as_deref(), Some("Merge now"));
}

#[tokio::test]
async fn disjoint_files_get_no_comment() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/a.rs", 1, 1, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/b.rs", 1, 1, "b")])
        .await;
    h.settle().await;
    assert!(h.app_comments(a).is_empty());
    assert!(h.app_comments(b).is_empty());
}

#[tokio::test]
async fn a_rename_is_followed_to_the_old_path() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with(
            "agent-1",
            "",
            vec![FileChange::renamed("src/old.rs", "src/new.rs")],
        )
        .await;
    h.open_pr_with("agent-2", "", vec![changed("src/old.rs", 5, 1, "b")])
        .await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(
        comment.contains("`src/new.rs` (`src/old.rs` there)"),
        "{comment}"
    );
}

#[tokio::test]
async fn a_binary_file_is_judged_at_file_level_and_says_so() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with(
            "agent-1",
            "",
            vec![FileChange::modified("logo.png").without_patch()],
        )
        .await;
    h.open_pr_with(
        "agent-2",
        "",
        vec![FileChange::modified("logo.png").without_patch()],
    )
    .await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(comment.contains("judged at file level"), "{comment}");
    assert!(
        comment.contains("may conflict, no line detail"),
        "{comment}"
    );
}

#[tokio::test]
async fn a_pr_past_githubs_file_cap_is_reported_as_such() {
    let h = Harness::start().await;
    let files: Vec<FileChange> = (0..3005)
        .map(|i| changed(&format!("gen/f{i}.rs"), 1, 1, "a"))
        .collect();
    let a = h.open_pr_with("agent-1", "", files).await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(
        comment.contains("GitHub lists only the first 3,000 files"),
        "{comment}"
    );
    assert_eq!(
        h.gh.count("GET /repos/*/*/pulls/*/files"),
        30,
        "30 pages of 100"
    );
}

#[tokio::test]
async fn changing_paths_another_lane_owns_is_an_ownership_warning() {
    let h = Harness::start().await;
    h.gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "tracks:\n  api:\n    paths: [\"src/api/**\"]\n    agent: agent-1\n",
    );
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/api/routes.rs", 1, 1, "b")])
        .await;
    h.settle().await;
    let comment = only(h.app_comments(b));
    assert!(
        comment.contains("**Changes paths another lane owns.**"),
        "{comment}"
    );
    assert!(
        comment.contains("- `src/api/routes.rs` (track `api`, lane `agent-1`)"),
        "{comment}"
    );
}

#[tokio::test]
async fn prs_on_different_merge_bases_are_compared_on_the_default_branch_head() {
    let h = Harness::start().await;
    let old_base = h.gh.refs(REPO)["refs/heads/main"].clone();
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 1, "a")])
        .await;
    // main gains 20 lines at the top of the file; B branches from the new head, where A's
    // line 10 is line 30.
    h.gh.repo(REPO).file("main", "src/app.rs", "moved on\n");
    let new_head = h.gh.refs(REPO)["refs/heads/main"].clone();
    h.gh.set_compare(
        REPO,
        &old_base,
        &new_head,
        vec![FileChange::modified("src/app.rs").with_patch(format!(
                "@@ -0,0 +1,20 @@\n{}",
                (1..=20)
                    .map(|i| format!("+top {i}"))
                    .collect::<Vec<_>>()
                    .join("\n")
            ))],
    );
    h.push_default_branch(&new_head).await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 30, 1, "b")])
        .await;
    let c = h
        .open_pr_with("agent-3", "", vec![changed("src/app.rs", 10, 1, "c")])
        .await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(
        comment.contains(&format!("[#{b} Update]")) && comment.contains("same lines"),
        "{comment}"
    );
    assert!(
        !comment.contains(&format!("[#{c} Update]")) || comment.contains("separate regions"),
        "{comment}"
    );
}

#[tokio::test]
async fn an_overlap_that_goes_away_after_a_push_says_so() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 1, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 1, "b")])
        .await;
    h.settle().await;
    assert_eq!(h.app_comments(a).len(), 1);
    h.gh.push(REPO, b, "", vec![changed("src/other.rs", 1, 1, "b")]);
    h.tell_pr(b, "synchronize").await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(comment.contains("**No overlaps any more.**"), "{comment}");
    assert_eq!(
        h.app_comments(b).len(),
        1,
        "edited in place, never a second comment"
    );
}

#[tokio::test]
async fn a_merge_tells_the_prs_whose_lines_it_touched_to_rebase() {
    let h = Harness::start().await;
    let old_base = h.gh.refs(REPO)["refs/heads/main"].clone();
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 2, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 11, 1, "b")])
        .await;
    h.settle().await;
    let merged = h.gh.merge_pr(REPO, a);
    h.gh.set_compare(
        REPO,
        &old_base,
        &merged,
        vec![changed("src/app.rs", 10, 2, "a")],
    );
    h.tell_pr(a, "closed").await;
    h.push_default_branch(&merged).await;
    h.settle().await;
    let comment = only(h.app_comments(b));
    assert!(
        comment.contains("needs a rebase on `main`")
            || comment.contains("Needs a rebase on `main`"),
        "{comment}"
    );
    assert!(comment.contains("- `src/app.rs`: [line 11]"), "{comment}");
}

#[tokio::test]
async fn a_second_reconcile_with_nothing_new_writes_nothing() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 1, "a")])
        .await;
    h.open_pr_with("agent-2", "", vec![changed("src/app.rs", 10, 1, "b")])
        .await;
    h.settle().await;
    h.gh.clear_log();
    h.tell_pr(a, "edited").await;
    h.settle().await;
    let writes = h.writes();
    assert!(writes.is_empty(), "{writes:?}");
}

/// A patch changing every tenth line, `count` times: as many separate regions.
fn every_tenth_line(count: u32, tag: &str) -> FileChange {
    let patch: Vec<String> = (0..count)
        .map(|k| {
            let line = 1 + 10 * k;
            format!("@@ -{line},1 +{line},1 @@\n-line {line}\n+{tag} {line}")
        })
        .collect();
    FileChange::modified("src/long.rs").with_patch(patch.join("\n"))
}

#[tokio::test]
async fn more_than_fifty_annotations_go_in_batches_and_a_failed_batch_is_sent_again() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![every_tenth_line(60, "a")])
        .await;
    h.settle().await;
    h.gh.fail_next(
        "PATCH /repos/*/*/check-runs/*",
        fake_github::Failure::Status(500),
        4,
    );
    let b = h
        .open_pr_with("agent-2", "", vec![every_tenth_line(60, "b")])
        .await;
    h.settle().await;
    assert_eq!(h.gh.pending_failures(), 0);
    for pr in [a, b] {
        let run = h.merge_order_run(pr);
        assert_eq!(run.annotations.len(), 60, "#{pr}");
        let lines: std::collections::BTreeSet<u64> =
            run.annotations.iter().map(|a| a.start_line).collect();
        assert_eq!(lines.len(), 60);
    }
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}

#[tokio::test]
async fn two_prs_on_the_same_lines_of_a_lock_file_are_told_to_regenerate_it_and_one_waits() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with(
            "agent-1",
            "",
            vec![
                changed("Cargo.lock", 10, 2, "a"),
                changed("src/a.rs", 1, 1, "a"),
            ],
        )
        .await;
    let b = h
        .open_pr_with(
            "agent-2",
            "",
            vec![
                changed("Cargo.lock", 11, 2, "b"),
                changed("src/b.rs", 1, 1, "b"),
            ],
        )
        .await;
    h.settle().await;
    let comment = only(h.app_comments(b));
    assert!(
        comment.starts_with(
            "<!-- switchyard:overlaps -->\n**Changes the same lines of regenerated files as 1 \
             open pull request.**\n"
        ),
        "{comment}"
    );
    assert!(
        comment.contains(
            "(lane `agent-1`, same lines of regenerated files)\n  - both change `Cargo.lock` on \
             the same lines: regenerate it after rebasing, don't merge it by hand\n"
        ),
        "{comment}"
    );
    assert!(
        comment.contains(&format!(
            "**What to do:** The merge order puts #{a} first: let it land, then rebase this \
             branch on `main` and regenerate the files you both change."
        )),
        "{comment}"
    );
    let run = h.merge_order_run(b);
    assert_eq!(
        run.title.as_deref(),
        Some(format!("Merge after #{a}").as_str())
    );
    let summary = run.summary.unwrap_or_default();
    assert!(
        summary.contains(&format!(
            "- #{a}: both change `Cargo.lock` on the same lines (regenerate it after rebasing, \
             don't merge it by hand)"
        )),
        "{summary}"
    );
    assert!(run.annotations.is_empty(), "{:?}", run.annotations);
    assert!(h.merge_order_run(a).annotations.is_empty());
}

#[tokio::test]
async fn two_prs_changing_separate_regions_of_a_lock_file_may_both_merge_now() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("Cargo.lock", 10, 2, "a")])
        .await;
    // Far from #a's lines: git merges them, so neither waits.
    let b = h
        .open_pr_with("agent-2", "", vec![changed("Cargo.lock", 400, 2, "b")])
        .await;
    h.settle().await;
    for (pr, other) in [(a, b), (b, a)] {
        assert_eq!(h.merge_order_run(pr).title.as_deref(), Some("Merge now"));
        let comment = only(h.app_comments(pr));
        assert!(
            comment.contains(
                "**Touches the same files as 1 open pull request, in separate regions.**"
            ) && comment.contains(&format!("/pull/{other}) (lane "))
                && comment.contains("same files, separate regions)\n  - `Cargo.lock`\n"),
            "{comment}"
        );
    }
}

#[tokio::test]
async fn lock_files_under_ignore_paths_stay_unmentioned_and_unordered() {
    let h = Harness::start().await;
    h.gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "ignore_paths: [\"**/Cargo.lock\"]\n",
    );
    let a = h
        .open_pr_with("agent-1", "", vec![changed("Cargo.lock", 10, 2, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("Cargo.lock", 10, 2, "b")])
        .await;
    h.settle().await;
    for pr in [a, b] {
        assert!(h.app_comments(pr).is_empty());
        assert_eq!(h.merge_order_run(pr).title.as_deref(), Some("Merge now"));
    }
}

#[tokio::test]
async fn a_file_without_patch_on_another_merge_base_may_conflict_never_separate_regions() {
    let h = Harness::start().await;
    // Lock files compared like any file, as a repository with `regenerated_paths: []` has it.
    h.gh.repo(REPO)
        .file("main", ".github/switchyard.yml", "regenerated_paths: []\n");
    let old_base = h.gh.refs(REPO)["refs/heads/main"].clone();
    let a = h
        .open_pr_with(
            "agent-1",
            "",
            vec![FileChange::modified("yarn.lock").without_patch()],
        )
        .await;
    h.gh.repo(REPO).file("main", "yarn.lock", "moved on\n");
    let new_head = h.gh.refs(REPO)["refs/heads/main"].clone();
    h.gh.set_compare(
        REPO,
        &old_base,
        &new_head,
        vec![changed("yarn.lock", 900, 1, "main")],
    );
    h.push_default_branch(&new_head).await;
    let b = h
        .open_pr_with(
            "agent-2",
            "",
            vec![
                changed("yarn.lock", 10, 2, "b"),
                changed("src/b.rs", 1, 1, "b"),
            ],
        )
        .await;
    h.settle().await;
    let comment = only(h.app_comments(a));
    assert!(
        comment.starts_with(
            "<!-- switchyard:overlaps -->\n**May conflict with 1 open pull request: no line \
             detail.**\n"
        ),
        "{comment}"
    );
    assert!(
        comment.contains(
            "(lane `agent-2`, may conflict, no line detail)\n  - `yarn.lock` (judged at file \
             level: GitHub gives no line diff for it"
        ),
        "{comment}"
    );
    assert!(!comment.contains("separate regions"), "{comment}");
    let waiting = [a, b]
        .into_iter()
        .find(|pr| h.merge_order_run(*pr).title.as_deref() != Some("Merge now"))
        .expect("one of them waits for the other");
    let summary = h.merge_order_run(waiting).summary.unwrap_or_default();
    assert!(
        summary.contains("both change `yarn.lock`, which may conflict (no line detail)"),
        "{summary}"
    );
}

#[tokio::test]
async fn a_push_that_changes_no_overlap_writes_only_its_new_run() {
    let h = Harness::start().await;
    let a = h
        .open_pr_with("agent-1", "", vec![changed("src/app.rs", 10, 3, "a")])
        .await;
    let b = h
        .open_pr_with("agent-2", "", vec![changed("src/app.rs", 11, 2, "b")])
        .await;
    h.settle().await;
    let comments = (h.app_comments(a), h.app_comments(b));
    h.gh.clear_log();
    // New commits, the same lines changed: the comments' links name no head, so they stand.
    h.gh.push(REPO, b, "", vec![changed("src/app.rs", 11, 2, "b, again")]);
    h.tell_pr(b, "synchronize").await;
    h.settle().await;
    assert_eq!(
        h.writes(),
        [format!("POST /repos/{REPO}/check-runs")],
        "the new head's run, nothing else"
    );
    assert_eq!((h.app_comments(a), h.app_comments(b)), comments);
}
