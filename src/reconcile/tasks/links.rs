//! The "blocked by" links GitHub holds for the issues the task rules look at, read through
//! their ETags and kept: read again only when an event names the issue (a label, a link
//! added or removed) or on a full reconcile, never for every issue of the repository.
//!
//! A server without issue dependencies (GitHub Enterprise Server before 3.19) answers 404:
//! the rules then go by the descriptions' "Depends on #N" alone, the log says so once, and
//! the endpoint is asked again only on the next full reconcile.

use super::context::Context;
use crate::assign::LinkedBlocker;
use crate::github::models::LinkedIssue;
use crate::ids::{IssueNumber, RepoName};
use crate::reconcile::cache::{cached, store_cache};
use crate::reconcile::error::ReconcileError;
use crate::store::{self, CacheKind};

pub struct Links {
    /// The server has no issue dependencies, as far as this reconcile knows.
    unavailable: bool,
    /// Whether the server has them is asked again (a full reconcile).
    ask: bool,
    /// A list was read since: the server has the feature, as recorded.
    confirmed: bool,
}

impl Links {
    pub async fn new(ctx: &Context<'_>) -> Result<Self, ReconcileError> {
        let ask = ctx
            .reads
            .is_stale(CacheKind::NoIssueDependencies, ctx.repo(), None);
        let marked: Option<bool> = cached(
            ctx.store,
            CacheKind::NoIssueDependencies,
            ctx.repo().to_string(),
        )
        .await?;
        Ok(Links {
            unavailable: marked.unwrap_or(false) && !ask,
            ask,
            confirmed: false,
        })
    }

    /// The blockers GitHub lists for `issue`, an open issue the rules look at.
    pub async fn blockers(
        &mut self,
        ctx: &Context<'_>,
        issue: IssueNumber,
    ) -> Result<Vec<LinkedBlocker>, ReconcileError> {
        if self.unavailable {
            return Ok(Vec::new());
        }
        let read: Option<Vec<LinkedIssue>> = ctx
            .reads
            .kept_or_read(
                ctx.client,
                ctx.store,
                CacheKind::BlockedBy,
                Some(issue),
                |etag| async move { ctx.client.blocked_by(issue, etag.as_deref()).await },
            )
            .await?;
        match read {
            Some(listed) => {
                if self.ask && !self.confirmed {
                    self.mark(ctx, false).await?;
                    self.confirmed = true;
                }
                Ok(to_blockers(ctx.repo(), &listed))
            }
            // The issue exists (the rules just read it), so it is the endpoint that is missing.
            None => {
                self.unavailable = true;
                self.mark(ctx, true).await?;
                Ok(Vec::new())
            }
        }
    }

    /// Records whether the server lacks issue dependencies; the first time it does, says so.
    async fn mark(&self, ctx: &Context<'_>, missing: bool) -> Result<(), ReconcileError> {
        let repo = ctx.repo().to_string();
        let was: Option<bool> =
            cached(ctx.store, CacheKind::NoIssueDependencies, repo.clone()).await?;
        if was.unwrap_or(false) == missing {
            return Ok(());
        }
        if missing {
            tracing::warn!(
                repo = %ctx.repo(),
                "GitHub has no issue dependencies here (404 on dependencies/blocked_by): \
                 tasks wait only for the dependencies their descriptions name"
            );
            store_cache(ctx.store, CacheKind::NoIssueDependencies, repo, &true).await?;
        } else {
            store::blocking(ctx.store, move |s| {
                s.cache_delete(CacheKind::NoIssueDependencies, &repo)
            })
            .await?;
        }
        Ok(())
    }
}

fn to_blockers(here: &RepoName, listed: &[LinkedIssue]) -> Vec<LinkedBlocker> {
    listed
        .iter()
        .map(|issue| LinkedBlocker {
            repo: repository(&issue.repository_url).filter(|repo| repo != here),
            number: issue.number,
            open: issue.state == "open",
            url: issue.html_url.clone(),
        })
        .collect()
}

/// `owner/repo` from `https://api.github.com/repos/{owner}/{repo}` (or a GitHub Enterprise
/// Server's `https://host/api/v3/repos/{owner}/{repo}`).
pub(super) fn repository(url: &str) -> Option<RepoName> {
    let (_, path) = url.rsplit_once("/repos/")?;
    RepoName::try_from(path.trim_end_matches('/').to_owned()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::IssueId;

    #[test]
    fn blockers_in_this_repository_carry_no_repository_and_others_do() {
        let here: RepoName = "octo/repo".parse().unwrap();
        let listed = |repo: &str, number: u64, state: &str| LinkedIssue {
            id: IssueId(1000 + number),
            number: IssueNumber(number),
            state: state.into(),
            repository_url: format!("https://api.github.com/repos/{repo}"),
            html_url: format!("https://github.com/{repo}/issues/{number}"),
        };
        let blockers = to_blockers(
            &here,
            &[
                listed("octo/repo", 3, "open"),
                listed("octo/platform", 31, "closed"),
            ],
        );
        assert_eq!(blockers[0].repo, None);
        assert!(blockers[0].open);
        assert_eq!(
            blockers[1]
                .repo
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("octo/platform")
        );
        assert!(!blockers[1].open);
        assert_eq!(
            blockers[1].url,
            "https://github.com/octo/platform/issues/31"
        );
        assert_eq!(
            repository("https://ghe.example/api/v3/repos/o/r"),
            "o/r".parse().ok()
        );
    }
}
