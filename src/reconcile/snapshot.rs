//! What we know about one repository at the start of a reconcile, read from GitHub through
//! caches so that one event costs a handful of calls however many PRs are open.

use super::cache::{cached, cached_many, last_read, read_required, store_cache};
use super::config_files::{ConfigChange, load_config, read_config_changes};
use super::diffs::{self, PrFiles};
use super::error::ReconcileError;
use super::issue_by_number::{named, read_issue};
use super::publish::{BOARD_KEY, overlap_comment_key};
use crate::assign;
use crate::config::{Config, ConfigErrors, Coordinate};
use crate::github::models::{GitRef, PullRequest, Repository, Review};
use crate::github::{Conditional, REVIEWS_PER_PAGE, RepoClient};
use crate::ids::{PrNumber, RepoName, Sha};
use crate::jobs::Claim;
use crate::jobs::Trigger;
use crate::overlap::{BaseDiff, OpenPr, PathRules, files_to_fetch};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{self, SharedStore};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub repo: RepoName,
    /// The repository's web page.
    pub repo_url: String,
    pub default_branch: String,
    /// The head of the default branch: all line numbers are compared in its coordinates.
    pub default_head: Sha,
    pub config: Config,
    /// Every open pull request, oldest first.
    pub open_prs: Vec<OpenPullRequest>,
    /// The coordinated PRs, with what each changed and where it branched, as the overlap
    /// engine takes them.
    pub prs: Vec<OpenPr>,
    /// How the default branch moved since each merge base.
    pub base_diffs: HashMap<Sha, BaseDiff>,
    /// Coordinated PRs approved by review.
    pub approved: BTreeSet<PrNumber>,
    /// Numbers PRs depend on that are closed or merged (no longer anything to wait for).
    pub closed: BTreeSet<PrNumber>,
    /// PRs that carry our overlap comment.
    pub commented: BTreeSet<PrNumber>,
    /// Where the whole merge queue is shown, once there is a status board.
    pub board_url: Option<String>,
    /// Heads whose check run someone asked to run again, with the run's name.
    pub rerequested: BTreeSet<(Sha, String)>,
    /// Open PRs that change the configuration file, with their version of it.
    pub config_changes: Vec<ConfigChange>,
}

/// An open pull request as the rules read it, built from GitHub's answer here at the edge.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenPullRequest {
    pub number: PrNumber,
    pub title: String,
    pub body: String,
    pub draft: bool,
    pub created_at: DateTime<Utc>,
    pub head_branch: String,
    pub head_sha: Sha,
    /// Its page on GitHub.
    pub url: String,
    pub labels: Vec<String>,
    /// The numbers its body says it depends on.
    pub depends_on: Vec<PrNumber>,
}

impl From<&PullRequest> for OpenPullRequest {
    fn from(pr: &PullRequest) -> Self {
        let body = pr.body.clone().unwrap_or_default();
        OpenPullRequest {
            number: pr.number,
            title: pr.title.clone(),
            depends_on: dependencies(&body),
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

/// The numbers a PR body says it depends on ("Depends on #12", "Blocked by #12", unticked
/// task-list items); PRs and issues share the numbering.
pub fn dependencies(body: &str) -> Vec<PrNumber> {
    assign::dependencies(body)
        .into_iter()
        .map(|issue| PrNumber(issue.0))
        .collect()
}

impl Snapshot {
    pub fn merged_or_closed(&self, number: PrNumber) -> bool {
        self.closed.contains(&number)
    }

    /// The open PRs Switchyard coordinates.
    pub fn coordinated(&self) -> Vec<&OpenPullRequest> {
        self.open_prs
            .iter()
            .filter(|pr| is_coordinated(&self.config, pr))
            .collect()
    }
}

/// Whether Switchyard coordinates this pull request.
fn is_coordinated(config: &Config, pr: &OpenPullRequest) -> bool {
    match config.coordinate {
        Coordinate::All => true,
        Coordinate::LaneBranches => config.lane_for_branch(&pr.head_branch).is_some(),
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

/// Whether the triggers say that what the default branch holds (its head, the configuration,
/// the repository's settings) may have changed: a push to it, or a full reconcile. Otherwise
/// what was read before stands, and a push to a pull request reads none of it.
pub fn base_may_have_moved(triggers: &[Trigger]) -> bool {
    triggers
        .iter()
        .any(|t| matches!(t, Trigger::Full | Trigger::BaseMoved))
}

/// The repository's metadata (its default branch, its web page), read again (conditionally)
/// only when `refresh` or nothing is cached. A default branch renamed without a push to it is
/// seen at the next full reconcile.
pub async fn repository(
    client: &RepoClient,
    store: &SharedStore,
    refresh: bool,
) -> Result<Repository, ReconcileError> {
    let key = client.repo().to_string();
    if !refresh && let Some(meta) = last_read(store, "repo", key.clone()).await? {
        return Ok(meta);
    }
    read_required(store, "repo", key, |etag| async move {
        client.repository(etag.as_deref()).await
    })
    .await
}

/// The head of the default branch, read again only when `refresh` or nothing is cached (the
/// same as for the repository's metadata, so the two always come from the same reads).
async fn default_head(
    client: &RepoClient,
    store: &SharedStore,
    branch: &str,
    refresh: bool,
) -> Result<GitRef, ReconcileError> {
    let key = client.repo().to_string();
    if !refresh && let Some(head) = last_read(store, "default_head", key.clone()).await? {
        return Ok(head);
    }
    read_required(store, "default_head", key, |etag| async move {
        client.branch(branch, etag.as_deref()).await
    })
    .await
}

/// The repository as the default branch has it, and every open PR; what each coordinated PR
/// changed is filled in from the caches here, and from GitHub by [`Reading::read_next`].
pub async fn take_snapshot(
    client: &RepoClient,
    store: &SharedStore,
    claim: &Claim,
) -> Result<StartingPoint, ReconcileError> {
    let repo = &claim.repo;
    let refresh = base_may_have_moved(&claim.triggers);
    let meta = repository(client, store, refresh).await?;
    let head = default_head(client, store, &meta.default_branch, refresh).await?;
    let config = load_config(client, store, &meta.default_branch, refresh).await?;
    let open_prs: Vec<OpenPullRequest> = open_pull_requests(client, store, &claim.triggers)
        .await?
        .iter()
        .map(OpenPullRequest::from)
        .collect();
    let rerequested = claim
        .triggers
        .iter()
        .filter_map(|t| match t {
            Trigger::Rerequested {
                head_sha,
                check_name,
            } => Some((head_sha.clone(), check_name.clone())),
            _ => None,
        })
        .collect();
    let config = match config {
        Ok(config) => config,
        Err(errors) => {
            let config_changes =
                read_config_changes(client, store, &heads(&open_prs), &[], &claim.triggers).await?;
            return Ok(StartingPoint::BrokenConfig {
                errors,
                config_changes,
                rerequested,
            });
        }
    };
    let mut snapshot = Snapshot {
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
    read_dependencies(client, store, &mut snapshot, &claim.triggers).await?;
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
    pub snapshot: Snapshot,
    /// Coordinated PRs not read yet, oldest first, with what the caches had of them.
    unread: VecDeque<Unread>,
    /// PRs in the snapshot whose base diffs and reviews are still to read: those the caches
    /// held whole are completed with the first batch read from GitHub.
    added: Vec<PrNumber>,
    /// The files past the compare's cap already fetched into the base diffs.
    fetched: BTreeSet<(Sha, String)>,
}

/// A coordinated PR whose files or merge base the caches did not have.
struct Unread {
    number: PrNumber,
    head_sha: Sha,
    lane: Option<String>,
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
        count: usize,
        triggers: &[Trigger],
    ) -> Result<(), ReconcileError> {
        let count = count.min(self.unread.len());
        for pr in self.unread.drain(..count).collect::<Vec<_>>() {
            let files = match pr.files {
                Some(files) => files,
                None => diffs::read_pr_files(client, store, pr.number.0, &pr.head_sha).await?,
            };
            let default_head = &self.snapshot.default_head;
            let merge_base = match pr.merge_base {
                Some(sha) => sha,
                None => diffs::read_merge_base(client, store, default_head, &pr.head_sha).await?,
            };
            self.added.push(pr.number);
            self.snapshot.prs.push(OpenPr {
                number: pr.number,
                head_sha: pr.head_sha,
                merge_base,
                files: files.files,
                files_complete: files.complete,
                lane: pr.lane,
            });
        }
        self.complete(client, store, triggers).await
    }

    /// What the PRs just added need besides their own changes: the base diffs of their merge
    /// bases, the files past the compare's cap, and their reviews.
    async fn complete(
        &mut self,
        client: &RepoClient,
        store: &SharedStore,
        triggers: &[Trigger],
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
        read_reviews(client, store, snapshot, &added, triggers).await
    }

    /// The snapshot as far as it is read: the coordinated PRs not read yet are left out, as if
    /// they were not open. Its plan is right for what is read, and the runs of the heads it
    /// covers can go out while the rest is read.
    pub fn partial(&self) -> Snapshot {
        let unread: BTreeSet<PrNumber> = self.unread.iter().map(|pr| pr.number).collect();
        let mut partial = self.snapshot.clone();
        partial.open_prs.retain(|pr| !unread.contains(&pr.number));
        partial
    }

    /// The snapshot once every PR is read, with the PRs that change the configuration file.
    pub async fn finish(
        mut self,
        client: &RepoClient,
        store: &SharedStore,
        triggers: &[Trigger],
    ) -> Result<Snapshot, ReconcileError> {
        let rest = self.unread.len();
        self.read_next(client, store, rest, triggers).await?;
        let mut snapshot = self.snapshot;
        snapshot.config_changes = read_config_changes(
            client,
            store,
            &heads(&snapshot.open_prs),
            &snapshot.prs,
            triggers,
        )
        .await?;
        Ok(snapshot)
    }
}

/// Each open PR's number and head.
fn heads(prs: &[OpenPullRequest]) -> Vec<(PrNumber, Sha)> {
    prs.iter()
        .map(|pr| (pr.number, pr.head_sha.clone()))
        .collect()
}

/// Files and merge bases of the coordinated PRs, all cached by SHA: those the caches hold
/// whole go into the snapshot, the others come back to be read from GitHub.
async fn read_cached_changes(
    client: &RepoClient,
    store: &SharedStore,
    snapshot: &mut Snapshot,
) -> Result<Vec<Unread>, ReconcileError> {
    let heads: Vec<(PrNumber, Sha, Option<String>)> = snapshot
        .coordinated()
        .iter()
        .map(|pr| {
            let lane = snapshot.config.lane_for_branch(&pr.head_branch);
            (pr.number, pr.head_sha.clone(), lane.map(|a| a.name.clone()))
        })
        .collect();
    // Every head's cache entries in one trip to the store: a push reads none from GitHub
    // but its own head's.
    let keys: Vec<String> = heads
        .iter()
        .map(|(_, head, _)| diffs::head_key(client.repo(), head))
        .collect();
    let files_cached: Vec<Option<PrFiles>> =
        cached_many(store, diffs::PR_FILES, keys.clone()).await?;
    let bases_cached: Vec<Option<Sha>> = cached_many(store, diffs::MERGE_BASE, keys).await?;
    let mut unread = Vec::new();
    for ((number, head_sha, lane), (files, merge_base)) in heads
        .into_iter()
        .zip(files_cached.into_iter().zip(bases_cached))
    {
        match (files, merge_base) {
            (Some(files), Some(merge_base)) => snapshot.prs.push(OpenPr {
                number,
                head_sha,
                merge_base,
                files: files.files,
                files_complete: files.complete,
                lane,
            }),
            (files, merge_base) => unread.push(Unread {
                number,
                head_sha,
                lane,
                files,
                merge_base,
            }),
        }
    }
    Ok(unread)
}

/// Where a PR's approval is cached, with the ETag of the reviews it was judged from.
const APPROVAL: &str = "approval";

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
    snapshot: &mut Snapshot,
    numbers: &[PrNumber],
    triggers: &[Trigger],
) -> Result<(), ReconcileError> {
    let repo = snapshot.repo.clone();
    let full = triggers.contains(&Trigger::Full);
    let key = |number: PrNumber| format!("{repo}:{}", number.0);
    let cached: Vec<Option<Approval>> =
        cached_many(store, APPROVAL, numbers.iter().map(|&n| key(n)).collect()).await?;
    for (&number, cached) in numbers.iter().zip(cached) {
        let ask = full || triggers.contains(&Trigger::Review(number));
        let approval = match cached {
            Some(approval) if !ask => approval,
            cached => {
                let approval = read_approval(client, number, cached.clone()).await?;
                if cached.as_ref() != Some(&approval) {
                    store_cache(store, APPROVAL, key(number), &approval).await?;
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
    let (first_page, etag) = match client.reviews_first_page(number.0, etag).await? {
        Conditional::Fresh { value, etag } => (value, etag),
        Conditional::NotModified => match cached {
            Some(approval) => return Ok(approval),
            None => (client.reviews(number.0).await?, None),
        },
    };
    if first_page.len() < REVIEWS_PER_PAGE {
        return Ok(Approval {
            approved: is_approved(&first_page),
            etag,
        });
    }
    Ok(Approval {
        approved: is_approved(&client.reviews(number.0).await?),
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
    snapshot: &mut Snapshot,
    triggers: &[Trigger],
) -> Result<(), ReconcileError> {
    let open: BTreeSet<PrNumber> = snapshot.open_prs.iter().map(|p| p.number).collect();
    let wanted: BTreeSet<PrNumber> = snapshot
        .coordinated()
        .iter()
        .flat_map(|pr| pr.depends_on.iter().copied())
        .filter(|n| !open.contains(n))
        .collect();
    let (full, named) = (triggers.contains(&Trigger::Full), named(triggers));
    for number in wanted {
        let refresh = full || named.contains(&number.0);
        let issue = read_issue(client, store, number.0, refresh).await?;
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
    snapshot: &mut Snapshot,
) -> Result<(), ReconcileError> {
    let repo = snapshot.repo.clone();
    let numbers: Vec<PrNumber> = snapshot.coordinated().iter().map(|p| p.number).collect();
    // One trip to the store for every PR: each trip is a transaction and a wake of the
    // database thread, which cost more than the lookups themselves.
    let (commented, board) = store::blocking(store, move |s| {
        let keys: Vec<String> = numbers
            .iter()
            .map(|number| overlap_comment_key(number.0))
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

/// Where each open pull request is cached, by `repo:number`, so that a push rewrites one
/// entry rather than the whole list.
const OPEN_PR: &str = "open_pr";
/// Where the numbers of the open pull requests are cached, by repository.
const OPEN_PR_NUMBERS: &str = "open_pr_numbers";

/// The open pull requests: listed whole on a full reconcile (or when nothing is cached),
/// otherwise the cached ones with only the pull requests the events named re-read. Only the
/// entries that changed are written back.
async fn open_pull_requests(
    client: &RepoClient,
    store: &SharedStore,
    triggers: &[Trigger],
) -> Result<Vec<PullRequest>, ReconcileError> {
    let repo = client.repo();
    let key = |number: PrNumber| format!("{repo}:{}", number.0);
    let numbers: Option<Vec<PrNumber>> = cached(store, OPEN_PR_NUMBERS, repo.to_string()).await?;
    let known: Vec<PullRequest> = match &numbers {
        Some(numbers) => {
            let entries: Vec<Option<PullRequest>> =
                cached_many(store, OPEN_PR, numbers.iter().map(|&n| key(n)).collect()).await?;
            entries.into_iter().flatten().collect()
        }
        None => Vec::new(),
    };
    let whole = numbers
        .as_ref()
        .is_some_and(|numbers| numbers.len() == known.len());
    let mut prs = if whole && !triggers.contains(&Trigger::Full) {
        let mut prs = known.clone();
        for number in Trigger::pull_requests(triggers) {
            let fresh = client.pull_request(number.0).await?;
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
        store_cache(store, OPEN_PR, key(pr.number), pr).await?;
    }
    let open: Vec<PrNumber> = prs.iter().map(|p| p.number).collect();
    if numbers.as_ref() != Some(&open) {
        store_cache(store, OPEN_PR_NUMBERS, repo.to_string(), &open).await?;
        let still_open: BTreeSet<&PrNumber> = open.iter().collect();
        let closed: Vec<String> = numbers
            .unwrap_or_default()
            .into_iter()
            .filter(|n| !still_open.contains(n))
            .map(key)
            .collect();
        for entry in closed {
            store::blocking(store, move |s| s.cache_delete(OPEN_PR, &entry)).await?;
        }
    }
    Ok(prs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_read_from_lines_outside_code_and_quotes() {
        let body = "Adds the parser.\n\nDepends on #12, #15\n- blocked by #3.\n\
                    > Depends on #99\n```\nDepends on #98\n```\nmentions #7 in passing";
        let mut found = dependencies(body);
        found.sort();
        assert_eq!(found, vec![PrNumber(3), PrNumber(12), PrNumber(15)]);
    }
}
