//! What we know about one repository at the start of a reconcile, read from GitHub through
//! caches so that one event costs a handful of calls however many PRs are open.

use super::ReconcileError;
use super::cache::{cached, read_required, store_cache};
use super::changes;
use super::config_files::{ConfigChange, load_config, read_config_changes};
use super::plan::{coordinated, ignored, ownership, regenerated};
use super::tasks;
use crate::config::{Config, ConfigErrors};
use crate::github::InstallationClient;
use crate::github::models::{PullRequest, Repository};
use crate::ids::{PrNumber, RepoName, Sha};
use crate::jobs::Claim;
use crate::jobs::Trigger;
use crate::overlap::{BaseDiff, Inputs, OpenPr, files_to_fetch};
use crate::store::{self, SharedStore};
use crate::url::encode_component;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

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
    pub open_prs: Vec<PullRequest>,
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

impl Snapshot {
    pub fn merged_or_closed(&self, number: PrNumber) -> bool {
        self.closed.contains(&number)
    }
}

#[derive(Deserialize, serde::Serialize)]
struct GitRef {
    object: GitObject,
}

#[derive(Deserialize, serde::Serialize)]
struct GitObject {
    sha: Sha,
}

#[derive(Deserialize, serde::Serialize)]
struct Review {
    user: Option<crate::github::models::User>,
    state: String,
}

/// What a reconcile starts from.
pub enum Taken {
    Snapshot(Box<Snapshot>),
    /// The configuration on the default branch is invalid: nothing is coordinated under
    /// broken rules, but the PRs an event named that change the file still get their
    /// config check, so the PR that fixes it shows it does.
    BrokenConfig {
        errors: ConfigErrors,
        config_changes: Vec<ConfigChange>,
        rerequested: BTreeSet<(Sha, String)>,
    },
}

pub async fn take_snapshot(
    client: &InstallationClient,
    store: &SharedStore,
    claim: &Claim,
) -> Result<Taken, ReconcileError> {
    let repo = &claim.repo;
    let meta: Repository = read_required(
        client,
        store,
        "repo",
        repo.to_string(),
        &format!("/repos/{repo}"),
    )
    .await?;
    let branch = encode_component(&meta.default_branch);
    let head: GitRef = read_required(
        client,
        store,
        "default_head",
        repo.to_string(),
        &format!("/repos/{repo}/git/ref/heads/{branch}"),
    )
    .await?;
    let config = load_config(client, store, repo, &meta.default_branch).await?;
    let open_prs = open_pull_requests(client, store, repo, &claim.triggers).await?;
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
                read_config_changes(client, store, repo, &open_prs, &[], &claim.triggers).await?;
            return Ok(Taken::BrokenConfig {
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
    read_changes(client, store, &mut snapshot).await?;
    read_reviews(client, store, &mut snapshot, &claim.triggers).await?;
    read_dependencies(client, store, &mut snapshot, &claim.triggers).await?;
    read_commented(store, &mut snapshot).await?;
    snapshot.config_changes = read_config_changes(
        client,
        store,
        repo,
        &snapshot.open_prs,
        &snapshot.prs,
        &claim.triggers,
    )
    .await?;
    Ok(Taken::Snapshot(Box::new(snapshot)))
}

/// Files, merge bases and base diffs of the coordinated PRs: all cached by SHA.
async fn read_changes(
    client: &InstallationClient,
    store: &SharedStore,
    snapshot: &mut Snapshot,
) -> Result<(), ReconcileError> {
    let repo = snapshot.repo.clone();
    let heads: Vec<(PrNumber, Sha, Option<String>)> = coordinated(snapshot)
        .iter()
        .map(|pr| {
            let lane = snapshot.config.lane_for_branch(&pr.head.name);
            (pr.number, pr.head.sha.clone(), lane.map(|a| a.name.clone()))
        })
        .collect();
    for (number, head_sha, lane) in heads {
        let files = changes::pr_files(client, store, &repo, number.0, &head_sha).await?;
        let merge_base =
            changes::merge_base(client, store, &repo, &snapshot.default_head, &head_sha).await?;
        snapshot.prs.push(OpenPr {
            number,
            head_sha,
            merge_base,
            files: files.files,
            files_complete: files.complete,
            lane,
        });
    }
    let bases: BTreeSet<Sha> = snapshot
        .prs
        .iter()
        .map(|pr| pr.merge_base.clone())
        .collect();
    for base in bases {
        let diff = changes::base_diff(client, store, &repo, &base, &snapshot.default_head).await?;
        snapshot.base_diffs.insert(base, diff);
    }
    let (ignore, ownership) = (ignored(&snapshot.config), ownership(&snapshot.config));
    let regenerated = regenerated(&snapshot.config);
    let requests = files_to_fetch(&Inputs {
        default_head: &snapshot.default_head,
        prs: &snapshot.prs,
        base_diffs: &snapshot.base_diffs,
        ignore: &ignore,
        regenerated: &regenerated,
        ownership: &ownership,
    });
    for request in requests {
        let file =
            changes::fetched_base_file(client, store, &repo, &request, &snapshot.default_head)
                .await?;
        if let (Some(file), Some(diff)) = (file, snapshot.base_diffs.get_mut(&request.merge_base)) {
            diff.files.push(file);
        }
    }
    Ok(())
}

/// Approvals, re-read only for the PRs an event named (reviews arrive as events).
async fn read_reviews(
    client: &InstallationClient,
    store: &SharedStore,
    snapshot: &mut Snapshot,
    triggers: &[Trigger],
) -> Result<(), ReconcileError> {
    let repo = snapshot.repo.clone();
    let full = triggers.contains(&Trigger::Full);
    let numbers: Vec<PrNumber> = coordinated(snapshot).iter().map(|p| p.number).collect();
    for number in numbers {
        let key = format!("{repo}:{}", number.0);
        let fresh = full || triggers.contains(&Trigger::PullRequest(number));
        let held = if fresh {
            None
        } else {
            cached::<bool>(store, "approved", key.clone()).await?
        };
        let approved = match held {
            Some(approved) => approved,
            None => {
                let reviews: Vec<Review> = client
                    .get_all(&format!(
                        "/repos/{repo}/pulls/{}/reviews?per_page=100",
                        number.0
                    ))
                    .await?;
                let approved = is_approved(&reviews);
                store_cache(store, "approved", key, &approved).await?;
                approved
            }
        };
        if approved {
            snapshot.approved.insert(number);
        }
    }
    Ok(())
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
    client: &InstallationClient,
    store: &SharedStore,
    snapshot: &mut Snapshot,
    triggers: &[Trigger],
) -> Result<(), ReconcileError> {
    let open: BTreeSet<PrNumber> = snapshot.open_prs.iter().map(|p| p.number).collect();
    let wanted: BTreeSet<PrNumber> = coordinated(snapshot)
        .iter()
        .flat_map(|pr| super::plan::dependencies(pr.body.as_deref().unwrap_or_default()))
        .filter(|n| !open.contains(n))
        .collect();
    let (full, named) = (triggers.contains(&Trigger::Full), tasks::named(triggers));
    for number in wanted {
        let refresh = full || named.contains(&number.0);
        let issue = tasks::read_issue(client, store, &snapshot.repo, number.0, refresh).await?;
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
    let numbers: Vec<PrNumber> = coordinated(snapshot).iter().map(|p| p.number).collect();
    let (commented, board) = store::blocking(store, move |s| {
        let mut commented = BTreeSet::new();
        for number in numbers {
            if s.published(&repo, &super::apply::overlap_comment_key(number.0))?
                .is_some()
            {
                commented.insert(number);
            }
        }
        Ok((commented, s.published(&repo, BOARD_KEY)?))
    })
    .await?;
    snapshot.commented = commented;
    snapshot.board_url = board.map(|b| format!("{}/issues/{}", snapshot.repo_url, b.github_id));
    Ok(())
}

/// The store's record of the status board issue: its number as the id.
pub const BOARD_KEY: &str = "board";

/// The open pull requests: listed whole on a full reconcile (or when nothing is cached),
/// otherwise the cached list with only the pull requests the events named re-read.
async fn open_pull_requests(
    client: &InstallationClient,
    store: &SharedStore,
    repo: &RepoName,
    triggers: &[Trigger],
) -> Result<Vec<PullRequest>, ReconcileError> {
    let held: Option<Vec<PullRequest>> = cached(store, "open_prs", repo.to_string()).await?;
    let mut prs = match held {
        Some(prs) if !triggers.contains(&Trigger::Full) => {
            let mut prs = prs;
            for number in Trigger::pull_requests(triggers) {
                let fresh: PullRequest = client
                    .get(&format!("/repos/{repo}/pulls/{}", number.0))
                    .await?;
                prs.retain(|p| p.number != number);
                if fresh.is_open() {
                    prs.push(fresh);
                }
            }
            prs
        }
        _ => {
            client
                .get_all(&format!("/repos/{repo}/pulls?state=open&per_page=100"))
                .await?
        }
    };
    prs.sort_by_key(|p| (p.created_at, p.number));
    store_cache(store, "open_prs", repo.to_string(), &prs).await?;
    Ok(prs)
}
