//! What we know about one repository at the start of a reconcile, read from GitHub through
//! caches so that one event costs a handful of calls however many PRs are open.

use super::cache::{Reads, cached, cached_many, store_cache};
use super::config_files::{load_config, read_config_changes};
use super::diffs::{self, PrFiles};
use super::error::ReconcileError;
use super::issue_by_number::read_issue;
use super::publish::{BOARD_KEY, overlap_comment_key};
use crate::config::ConfigErrors;
use crate::github::models::{GitRef, PullRequest, Repository, Review};
use crate::github::{Conditional, REVIEWS_PER_PAGE, RepoClient};
use crate::ids::{PrNumber, Sha};
use crate::overlap::{OpenPr, PathRules, files_to_fetch};
use crate::pulls::{ConfigChange, PrListing, PullSnapshot, depends_on};
use serde::{Deserialize, Serialize};

use crate::store::{self, CacheKind, SharedStore};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

impl From<&PullRequest> for PrListing {
    fn from(pr: &PullRequest) -> Self {
        let body = pr.body.clone().unwrap_or_default();
        PrListing {
            number: pr.number,
            title: pr.title.clone(),
            depends_on: depends_on(&body),
            body,
            draft: pr.draft,
            created_at: pr.created_at,
            head_branch: pr.head.name.clone(),
            head_sha: pr.head.sha.clone(),
            url: pr.html_url.clone(),
            labels: pr.labels.iter().map(|l| l.name.clone()).collect(),
        }
    }
}

/// What a reconcile starts from.
pub enum StartingPoint {
    Snapshot(Box<Reading>),
    /// The configuration on the default branch is invalid: nothing is coordinated under
    /// broken rules, but the PRs an event named that change the file still get their
    /// config check, so the PR that fixes it shows it does.
    BrokenConfig {
        errors: ConfigErrors,
        config_changes: Vec<ConfigChange>,
        rerequested: BTreeSet<(Sha, String)>,
    },
}

/// The repository's metadata (its default branch, its web page), read again (conditionally)
/// only when what the default branch holds may have changed (a push to it, or a full
/// reconcile) or nothing is cached: a push to a pull request reads none of it. A default
/// branch renamed without a push to it is seen at the next full reconcile.
pub async fn repository(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
) -> Result<Repository, ReconcileError> {
    reads
        .kept_or_required(client, store, CacheKind::Repo, None, |etag| async move {
            client.repository(etag.as_deref()).await
        })
        .await
}

/// The head of the default branch, read again when the repository's metadata is (so the two
/// always come from the same reads).
async fn default_head(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
    branch: &str,
) -> Result<GitRef, ReconcileError> {
    reads
        .kept_or_required(
            client,
            store,
            CacheKind::DefaultHead,
            None,
            |etag| async move { client.branch(branch, etag.as_deref()).await },
        )
        .await
}

/// The repository as the default branch has it, and every open PR; what each coordinated PR
/// changed is filled in from the caches here, and from GitHub by [`Reading::read_next`].
pub async fn take_snapshot(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
) -> Result<StartingPoint, ReconcileError> {
    let repo = client.repo();
    let meta = repository(client, store, reads).await?;
    let head = default_head(client, store, reads, &meta.default_branch).await?;
    let config = load_config(client, store, reads, &meta.default_branch).await?;
    let open_prs: Vec<PrListing> = open_pull_requests(client, store, reads)
        .await?
        .iter()
        .map(PrListing::from)
        .collect();
    let rerequested = reads.stale().reruns().clone();
    let config = match config {
        Ok(config) => config,
        Err(errors) => {
            let config_changes =
                read_config_changes(client, store, reads, &heads(&open_prs), &[]).await?;
            return Ok(StartingPoint::BrokenConfig {
                errors,
                config_changes,
                rerequested,
            });
        }
    };
    let mut snapshot = PullSnapshot {
        repo: repo.clone(),
        repo_url: meta.html_url,
        default_branch: meta.default_branch,
        default_head: head.object.sha,
        config,
        open_prs,
        prs: Vec::new(),
        base_diffs: HashMap::new(),
        approved: BTreeSet::new(),
        closed: BTreeSet::new(),
        commented: BTreeSet::new(),
        board_url: None,
        rerequested,
        config_changes: Vec::new(),
    };
    read_dependencies(client, store, reads, &mut snapshot).await?;
    read_commented(store, &mut snapshot).await?;
    let unread = read_cached_changes(client, store, &mut snapshot).await?;
    let added = snapshot.prs.iter().map(|pr| pr.number).collect();
    Ok(StartingPoint::Snapshot(Box::new(Reading {
        snapshot,
        unread: unread.into(),
        added,
        fetched: BTreeSet::new(),
    })))
}

/// A snapshot being read: the coordinated PRs whose changes are not cached are read from
/// GitHub a batch at a time, so that a large first reconcile can publish between batches.
pub struct Reading {
    pub snapshot: PullSnapshot,
    /// Coordinated PRs not read yet, oldest first, with what the caches had of them.
    unread: VecDeque<Unread>,
    /// PRs in the snapshot whose base diffs and reviews are still to read: those the caches
    /// held whole are completed with the first batch read from GitHub.
    added: Vec<PrNumber>,
    /// The files past the compare's cap already fetched into the base diffs.
    fetched: BTreeSet<(Sha, String)>,
}

/// A coordinated PR: its number, head and lane.
struct Coordinated {
    number: PrNumber,
    head_sha: Sha,
    lane: Option<String>,
}

impl Coordinated {
    /// The PR as the snapshot holds it, once its files and merge base are known.
    fn open_pr(self, files: PrFiles, merge_base: Sha) -> OpenPr {
        OpenPr {
            number: self.number,
            head_sha: self.head_sha,
            merge_base,
            files: files.files,
            files_complete: files.complete,
            lane: self.lane,
        }
    }
}

/// A coordinated PR whose files or merge base the caches did not have, with what they had.
struct Unread {
    pr: Coordinated,
    files: Option<PrFiles>,
    merge_base: Option<Sha>,
}

impl Reading {
    /// How many coordinated PRs are still to read from GitHub.
    pub fn unread(&self) -> usize {
        self.unread.len()
    }

    /// Reads the next `count` unread PRs: their files, merge bases, the base diffs they need
    /// and their reviews.
    pub async fn read_next(
        &mut self,
        client: &RepoClient,
        store: &SharedStore,
        reads: &Reads,
        count: usize,
    ) -> Result<(), ReconcileError> {
        let count = count.min(self.unread.len());
        for unread in self.unread.drain(..count).collect::<Vec<_>>() {
            let Unread {
                pr,
                files,
                merge_base,
            } = unread;
            let files = match files {
                Some(files) => files,
                None => diffs::read_pr_files(client, store, pr.number, &pr.head_sha).await?,
            };
            let default_head = &self.snapshot.default_head;
            let merge_base = match merge_base {
                Some(sha) => sha,
                None => diffs::read_merge_base(client, store, default_head, &pr.head_sha).await?,
            };
            self.added.push(pr.number);
            self.snapshot.prs.push(pr.open_pr(files, merge_base));
        }
        self.complete(client, store, reads).await
    }

    /// What the PRs just added need besides their own changes: the base diffs of their merge
    /// bases, the files past the compare's cap, and their reviews.
    async fn complete(
        &mut self,
        client: &RepoClient,
        store: &SharedStore,
        reads: &Reads,
    ) -> Result<(), ReconcileError> {
        let added = std::mem::take(&mut self.added);
        let snapshot = &mut self.snapshot;
        let bases: BTreeSet<Sha> = snapshot
            .prs
            .iter()
            .map(|pr| pr.merge_base.clone())
            .filter(|base| !snapshot.base_diffs.contains_key(base))
            .collect();
        for base in bases {
            let diff = diffs::base_diff(client, store, &base, &snapshot.default_head).await?;
            snapshot.base_diffs.insert(base, diff);
        }
        let rules = PathRules::of(&snapshot.config);
        let requests = files_to_fetch(&rules.inputs(
            &snapshot.default_head,
            &snapshot.prs,
            &snapshot.base_diffs,
        ));
        for request in requests {
            if !self
                .fetched
                .insert((request.merge_base.clone(), request.path.clone()))
            {
                continue;
            }
            let file =
                diffs::fetched_base_file(client, store, &request, &snapshot.default_head).await?;
            if let (Some(file), Some(diff)) =
                (file, snapshot.base_diffs.get_mut(&request.merge_base))
            {
                diff.files.push(file);
            }
        }
        read_reviews(client, store, reads, snapshot, &added).await
    }

    /// The snapshot as far as it is read: the coordinated PRs not read yet are left out, as if
    /// they were not open. Its plan is right for what is read, and the runs of the heads it
    /// covers can go out while the rest is read.
    pub fn partial(&self) -> PullSnapshot {
        let unread: BTreeSet<PrNumber> =
            self.unread.iter().map(|unread| unread.pr.number).collect();
        let mut partial = self.snapshot.clone();
        partial.open_prs.retain(|pr| !unread.contains(&pr.number));
        partial
    }

    /// The snapshot once every PR is read, with the PRs that change the configuration file.
    pub async fn finish(
        mut self,
        client: &RepoClient,
        store: &SharedStore,
        reads: &Reads,
    ) -> Result<PullSnapshot, ReconcileError> {
        let rest = self.unread.len();
        self.read_next(client, store, reads, rest).await?;
        let mut snapshot = self.snapshot;
        snapshot.config_changes = read_config_changes(
            client,
            store,
            reads,
            &heads(&snapshot.open_prs),
            &snapshot.prs,
        )
        .await?;
        Ok(snapshot)
    }
}

/// Each open PR's number and head.
fn heads(prs: &[PrListing]) -> Vec<(PrNumber, Sha)> {
    prs.iter()
        .map(|pr| (pr.number, pr.head_sha.clone()))
        .collect()
}

/// Files and merge bases of the coordinated PRs, all cached by SHA: those the caches hold
/// whole go into the snapshot, the others come back to be read from GitHub.
async fn read_cached_changes(
    client: &RepoClient,
    store: &SharedStore,
    snapshot: &mut PullSnapshot,
) -> Result<Vec<Unread>, ReconcileError> {
    let coordinated: Vec<Coordinated> = snapshot
        .coordinated()
        .iter()
        .map(|pr| Coordinated {
            number: pr.number,
            head_sha: pr.head_sha.clone(),
            lane: snapshot
                .config
                .lane_for_branch(&pr.head_branch)
                .map(|a| a.name.clone()),
        })
        .collect();
    // Every head's cache entries in one trip to the store: a push reads none from GitHub
    // but its own head's.
    let keys: Vec<String> = coordinated
        .iter()
        .map(|pr| diffs::head_key(client.repo(), &pr.head_sha))
        .collect();
    let files_cached: Vec<Option<PrFiles>> =
        cached_many(store, CacheKind::PrFiles, keys.clone()).await?;
    let bases_cached: Vec<Option<Sha>> = cached_many(store, CacheKind::MergeBase, keys).await?;
    let mut unread = Vec::new();
    for (pr, (files, merge_base)) in coordinated
        .into_iter()
        .zip(files_cached.into_iter().zip(bases_cached))
    {
        match (files, merge_base) {
            (Some(files), Some(merge_base)) => snapshot.prs.push(pr.open_pr(files, merge_base)),
            (files, merge_base) => unread.push(Unread {
                pr,
                files,
                merge_base,
            }),
        }
    }
    Ok(unread)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Approval {
    approved: bool,
    /// `None` when the reviews run past one page: then a later page may change while the
    /// first stays the same, so they are always read again.
    etag: Option<String>,
}

/// Approvals of `numbers`, asked again only for the PRs a review event named (reviews
/// arrive as events; a push does not change them) and on a full reconcile, and then
/// conditionally: reviews that did not change cost a 304, which GitHub does not count.
async fn read_reviews(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
    snapshot: &mut PullSnapshot,
    numbers: &[PrNumber],
) -> Result<(), ReconcileError> {
    let repo = snapshot.repo.clone();
    let key = |number: PrNumber| super::cache::key(&repo, Some(number.into()));
    let cached: Vec<Option<Approval>> = cached_many(
        store,
        CacheKind::Approval,
        numbers.iter().map(|&n| key(n)).collect(),
    )
    .await?;
    for (&number, cached) in numbers.iter().zip(cached) {
        let ask = reads.is_stale(CacheKind::Approval, &repo, Some(number.into()));
        let approval = match cached {
            Some(approval) if !ask => approval,
            cached => {
                let approval = read_approval(client, number, cached.clone()).await?;
                if cached.as_ref() != Some(&approval) {
                    store_cache(store, CacheKind::Approval, key(number), &approval).await?;
                }
                approval
            }
        };
        if approval.approved {
            snapshot.approved.insert(number);
        }
    }
    Ok(())
}

/// A PR's approval from GitHub, asked conditionally on the `cached` one.
async fn read_approval(
    client: &RepoClient,
    number: PrNumber,
    cached: Option<Approval>,
) -> Result<Approval, ReconcileError> {
    let etag = cached.as_ref().and_then(|a| a.etag.as_deref());
    let (first_page, etag) = match client.reviews_first_page(number, etag).await? {
        Conditional::Fresh { value, etag } => (value, etag),
        Conditional::NotModified => match cached {
            Some(approval) => return Ok(approval),
            None => (client.reviews(number).await?, None),
        },
    };
    if first_page.len() < REVIEWS_PER_PAGE {
        return Ok(Approval {
            approved: is_approved(&first_page),
            etag,
        });
    }
    Ok(Approval {
        approved: is_approved(&client.reviews(number).await?),
        etag: None,
    })
}

/// Approved when some reviewer's latest decisive review approves and none asks for changes.
fn is_approved(reviews: &[Review]) -> bool {
    let mut latest: BTreeMap<&str, &str> = BTreeMap::new();
    for review in reviews {
        let Some(user) = &review.user else { continue };
        if matches!(
            review.state.as_str(),
            "APPROVED" | "CHANGES_REQUESTED" | "DISMISSED"
        ) {
            latest.insert(&user.login, &review.state);
        }
    }
    latest.values().any(|s| *s == "APPROVED") && !latest.values().any(|s| *s == "CHANGES_REQUESTED")
}

/// Which numbers the coordinated PRs depend on are closed (an issue or PR, read with ETags).
async fn read_dependencies(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
    snapshot: &mut PullSnapshot,
) -> Result<(), ReconcileError> {
    let open: BTreeSet<PrNumber> = snapshot.open_prs.iter().map(|p| p.number).collect();
    let wanted: BTreeSet<PrNumber> = snapshot
        .coordinated()
        .iter()
        .flat_map(|pr| pr.depends_on.iter().copied())
        .filter(|n| !open.contains(n))
        .collect();
    for number in wanted {
        let issue = read_issue(client, store, reads, number.into()).await?;
        // A number that does not exist is nothing to wait for.
        if issue.is_none_or(|issue| !issue.is_open()) {
            snapshot.closed.insert(number);
        }
    }
    Ok(())
}

/// What we published before: which PRs carry our comment, and the status board's issue.
async fn read_commented(
    store: &SharedStore,
    snapshot: &mut PullSnapshot,
) -> Result<(), ReconcileError> {
    let repo = snapshot.repo.clone();
    let numbers: Vec<PrNumber> = snapshot.coordinated().iter().map(|p| p.number).collect();
    // One trip to the store for every PR: each trip is a transaction and a wake of the
    // database thread, which cost more than the lookups themselves.
    let (commented, board) = store::blocking(store, move |s| {
        let keys: Vec<String> = numbers
            .iter()
            .map(|number| overlap_comment_key(*number))
            .collect();
        let records = s.published_many(&repo, &keys)?;
        let commented = numbers
            .into_iter()
            .zip(records)
            .filter_map(|(number, record)| record.map(|_| number))
            .collect();
        Ok((commented, s.published(&repo, BOARD_KEY)?))
    })
    .await?;
    snapshot.commented = commented;
    snapshot.board_url = board.map(|b| format!("{}/issues/{}", snapshot.repo_url, b.github_id));
    Ok(())
}

/// The open pull requests: listed whole on a full reconcile (or when nothing is cached),
/// otherwise the cached ones with only the pull requests the events named re-read. Each is
/// cached by itself, so that a push rewrites one entry rather than the whole list, and only
/// the entries that changed are written back.
async fn open_pull_requests(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
) -> Result<Vec<PullRequest>, ReconcileError> {
    let repo = client.repo();
    let key = |number: PrNumber| super::cache::key(repo, Some(number.into()));
    let numbers: Option<Vec<PrNumber>> =
        cached(store, CacheKind::OpenPrNumbers, repo.to_string()).await?;
    let known: Vec<PullRequest> = match &numbers {
        Some(numbers) => {
            let entries: Vec<Option<PullRequest>> = cached_many(
                store,
                CacheKind::OpenPr,
                numbers.iter().map(|&n| key(n)).collect(),
            )
            .await?;
            entries.into_iter().flatten().collect()
        }
        None => Vec::new(),
    };
    let whole = numbers
        .as_ref()
        .is_some_and(|numbers| numbers.len() == known.len());
    let mut prs = if whole && !reads.is_stale(CacheKind::OpenPrNumbers, repo, None) {
        let mut prs = known.clone();
        for &number in reads.stale().pull_requests() {
            let fresh = client.pull_request(number).await?;
            prs.retain(|p| p.number != number);
            if fresh.is_open() {
                prs.push(fresh);
            }
        }
        prs
    } else {
        client.open_pull_requests().await?
    };
    prs.sort_by_key(|p| (p.created_at, p.number));
    let known: HashMap<PrNumber, &PullRequest> = known.iter().map(|p| (p.number, p)).collect();
    for pr in prs.iter().filter(|pr| known.get(&pr.number) != Some(pr)) {
        store_cache(store, CacheKind::OpenPr, key(pr.number), pr).await?;
    }
    let open: Vec<PrNumber> = prs.iter().map(|p| p.number).collect();
    if numbers.as_ref() != Some(&open) {
        store_cache(store, CacheKind::OpenPrNumbers, repo.to_string(), &open).await?;
        let still_open: BTreeSet<&PrNumber> = open.iter().collect();
        let closed: Vec<String> = numbers
            .unwrap_or_default()
            .into_iter()
            .filter(|n| !still_open.contains(n))
            .map(key)
            .collect();
        for entry in closed {
            store::blocking(store, move |s| s.cache_delete(CacheKind::OpenPr, &entry)).await?;
        }
    }
    Ok(prs)
}
