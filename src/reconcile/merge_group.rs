//! GitHub's merge queue: the "Merge order" run on each temporary commit it builds.
//!
//! The queue waits for every required check on its `gh-readonly-queue/...` commit. The order
//! was judged when the PRs entered the queue, and the queue now merges them one after
//! another, so the run is `success` at once. It costs the config's read and the write: no
//! snapshot, no read of any PR.

use super::apply::{Runs, apply_check_runs};
use super::cache::Reads;
use super::config_files::load_config;
use super::error::ReconcileError;
use super::snapshot::repository;
use super::stale::MergeGroup;
use crate::config::Config;
use crate::github::RepoClient;
use crate::ids::{AppId, PrNumber};
use crate::pulls::{CheckRunSpec, Conclusion};
use crate::store::SharedStore;
use crate::text;
use std::collections::BTreeSet;

/// The PR a queue branch `refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>` merges;
/// `None` for a name of another shape.
fn queued_pr(head_ref: &str) -> Option<PrNumber> {
    let last = head_ref
        .strip_prefix("refs/heads/")
        .unwrap_or(head_ref)
        .strip_prefix("gh-readonly-queue/")?
        .rsplit('/')
        .next()?;
    let (number, sha) = last.strip_prefix("pr-")?.split_once('-')?;
    if sha.is_empty() || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    number.parse().ok().map(PrNumber)
}

/// The run for one group, under the config's check name.
fn check_run(config: &Config, group: &MergeGroup) -> CheckRunSpec {
    let prs: Vec<PrNumber> = queued_pr(&group.head_ref).into_iter().collect();
    let base = group
        .base_ref
        .strip_prefix("refs/heads/")
        .unwrap_or(&group.base_ref);
    let words = text::merge_group_check(&prs, base);
    CheckRunSpec {
        name: config.merge_order.check_name.clone(),
        head_sha: group.head_sha.clone(),
        conclusion: Conclusion::Success,
        title: words.title,
        summary: words.summary,
        annotations: Vec::new(),
        recompute: false,
    }
}

/// Posts the run on the head of every merge group the triggers name.
pub(super) async fn publish(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
    app_id: AppId,
) -> Result<(), ReconcileError> {
    let groups = reads.stale().merge_groups();
    if groups.is_empty() {
        return Ok(());
    }
    let meta = repository(client, store, reads).await?;
    // A broken config on the default branch still names no other check: the queue would wait
    // for ever on a run that never comes, so the default name is used then.
    let config = load_config(client, store, reads, &meta.default_branch)
        .await?
        .unwrap_or_default();
    let runs: Vec<CheckRunSpec> = groups.iter().map(|g| check_run(&config, g)).collect();
    apply_check_runs(client, store, app_id, &runs, &BTreeSet::new(), Runs::All).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Sha;

    #[test]
    fn the_queue_branch_names_its_pull_request() {
        let sha = "929f8209d40f77f4abc622a499c93a83babdbe64";
        for (head_ref, pr) in [
            (
                format!("refs/heads/gh-readonly-queue/main/pr-104-{sha}"),
                Some(104),
            ),
            (format!("gh-readonly-queue/release/1.x/pr-7-{sha}"), Some(7)),
            (format!("refs/heads/feature/pr-104-{sha}"), None),
            (
                "refs/heads/gh-readonly-queue/main/pr-x-abc".to_owned(),
                None,
            ),
            ("refs/heads/gh-readonly-queue/main/pr-12-".to_owned(), None),
            (
                "refs/heads/gh-readonly-queue/main/pr-12-zz".to_owned(),
                None,
            ),
            (String::new(), None),
        ] {
            assert_eq!(queued_pr(&head_ref), pr.map(PrNumber), "{head_ref}");
        }
    }

    #[test]
    fn the_run_succeeds_under_the_configured_name_without_a_button() {
        let group = MergeGroup {
            head_sha: Sha("2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d".into()),
            head_ref: "refs/heads/gh-readonly-queue/main/pr-5-abc123".into(),
            base_ref: "refs/heads/main".into(),
        };
        let mut config = Config::default();
        config.merge_order.check_name = "Queue order".into();
        config.merge_order.enforce = true;
        let run = check_run(&config, &group);
        assert_eq!(
            (run.name.as_str(), run.conclusion, run.recompute),
            ("Queue order", Conclusion::Success, false)
        );
        assert_eq!(run.head_sha.0, "2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d");
        assert!(
            run.summary
                .starts_with("**#5 is in GitHub's merge queue.**")
        );
        assert!(run.summary.contains("onto `main`"));
    }
}
