//! The fake's world: the app, its installations, repositories and everything in them.
//!
//! Everything lives behind one mutex that neither handlers nor the test DSL hold across an
//! `await`, so a test can change the world between requests and see exactly what the app did.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, TimeZone, Utc};

use crate::deliveries::HookLog;
use crate::error::ApiError;
use crate::failure::{RandomFailures, ScriptedFailure};
use crate::hash;
use crate::log::RequestRecord;
use crate::model::{CheckRun, Comment, FileChange, FileStatus, Issue, Label, ManifestApp, Role};
use crate::rate_limit::RateLimits;
use crate::relations::Relations;
use crate::spec::CompareSpec;
use crate::write_limits::Limiter;

pub(crate) struct World {
    pub app: AppIdentity,
    pub token_lifetime: Duration,
    pub installations: BTreeMap<u64, Installation>,
    pub tokens: HashMap<String, TokenGrant>,
    /// Keyed by lower-cased `owner/name`: GitHub resolves repository names case-insensitively.
    pub repos: HashMap<String, Repo>,
    /// Links between issues, which may cross repositories.
    pub relations: Relations,
    pub manifest_codes: HashMap<String, ManifestApp>,
    pub rate_limits: RateLimits,
    /// The limits on writes, and what arrived while an installation was told to wait.
    pub limiter: Limiter,
    pub failures: Vec<ScriptedFailure>,
    pub random_failures: Option<RandomFailures>,
    pub log: Vec<RequestRecord>,
    pub seq: Sequence,
    /// How long every request takes before it is answered, as a distant GitHub's would.
    pub latency: Duration,
    /// The App's webhook and GitHub's log of deliveries to it.
    pub hooks: HookLog,
}

pub(crate) struct AppIdentity {
    pub id: u64,
    pub slug: String,
    pub owner: String,
}

impl AppIdentity {
    /// The login GitHub shows for anything the app does with an installation token.
    pub fn bot_login(&self) -> String {
        format!("{}[bot]", self.slug)
    }
}

pub(crate) struct Installation {
    pub account: String,
    /// Lower-cased `owner/name` keys of the repositories the installation can reach.
    pub repos: BTreeSet<String>,
    pub created_at: DateTime<Utc>,
}

pub(crate) struct TokenGrant {
    pub installation_id: u64,
    pub expires_at: SystemTime,
}

/// Ids and timestamps for everything the story creates.
///
/// Timestamps come from a story clock that starts at 2024-01-01T00:00:00Z and moves one second
/// per event, so creation order is strict and snapshots of bot text stay stable between runs.
pub(crate) struct Sequence {
    next_id: u64,
    clock: DateTime<Utc>,
}

impl Sequence {
    fn new() -> Self {
        Sequence {
            // Far above any issue number, so an id mistaken for a number fails loudly.
            next_id: 100_000_001,
            clock: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    pub fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The story time of a new event.
    pub fn tick(&mut self) -> DateTime<Utc> {
        self.clock += chrono::Duration::seconds(1);
        self.clock
    }

    pub fn advance(&mut self, by: Duration) {
        self.clock += chrono::Duration::from_std(by).expect("clock advance out of range");
    }
}

impl World {
    pub fn new() -> Self {
        World {
            app: AppIdentity {
                id: 1,
                slug: "switchyard".into(),
                owner: "switchyard-dev".into(),
            },
            token_lifetime: Duration::from_secs(3600),
            installations: BTreeMap::new(),
            tokens: HashMap::new(),
            repos: HashMap::new(),
            relations: Relations::default(),
            manifest_codes: HashMap::new(),
            rate_limits: RateLimits::default(),
            limiter: Limiter::default(),
            failures: Vec::new(),
            random_failures: None,
            log: Vec::new(),
            seq: Sequence::new(),
            latency: Duration::ZERO,
            hooks: HookLog::default(),
        }
    }

    pub fn repo(&self, full_name: &str) -> Result<&Repo, ApiError> {
        self.repos
            .get(&full_name.to_ascii_lowercase())
            .ok_or(ApiError::NotFound)
    }

    pub fn repo_mut(&mut self, full_name: &str) -> Result<&mut Repo, ApiError> {
        self.repos
            .get_mut(&full_name.to_ascii_lowercase())
            .ok_or(ApiError::NotFound)
    }

    /// The repository and the id/clock sequence, borrowed together for handlers that create things.
    pub fn repo_and_seq(
        &mut self,
        full_name: &str,
    ) -> Result<(&mut Repo, &mut Sequence), ApiError> {
        let repo = self
            .repos
            .get_mut(&full_name.to_ascii_lowercase())
            .ok_or(ApiError::NotFound)?;
        Ok((repo, &mut self.seq))
    }

    /// Creates the repository on first mention, with a default branch `main` holding one commit.
    pub fn ensure_repo(&mut self, full_name: &str) -> &mut Repo {
        let key = full_name.to_ascii_lowercase();
        if !self.repos.contains_key(&key) {
            let (owner, name) = full_name
                .split_once('/')
                .filter(|(owner, name)| {
                    !owner.is_empty() && !name.is_empty() && !name.contains('/')
                })
                .unwrap_or_else(|| {
                    panic!("repository names look like \"owner/name\", not {full_name:?}")
                });
            let id = self.seq.id();
            let created_at = self.seq.tick();
            let repo = Repo::new(id, owner, name, created_at);
            self.repos.insert(key.clone(), repo);
        }
        self.repos.get_mut(&key).expect("just inserted")
    }
}

/// A commit is only what the fake needs from one: its files and its first parent.
pub(crate) struct Commit {
    pub tree: Arc<Tree>,
    pub parent: Option<String>,
}

pub(crate) type Tree = BTreeMap<String, Blob>;

#[derive(Clone)]
pub(crate) struct Blob {
    pub sha: String,
    pub contents: Arc<str>,
}

impl Blob {
    pub fn new(contents: &str) -> Self {
        Blob {
            sha: hash::git_blob_sha(contents.as_bytes()),
            contents: contents.into(),
        }
    }
}

pub(crate) struct Repo {
    pub id: u64,
    pub owner: String,
    pub name: String,
    pub full_name: String,
    pub private: bool,
    pub default_branch: String,
    pub created_at: DateTime<Utc>,
    /// Full ref names (`refs/heads/main`) to commit shas.
    pub refs: BTreeMap<String, String>,
    pub commits: HashMap<String, Commit>,
    /// Issues and pull requests by number.
    pub issues: BTreeMap<u64, Issue>,
    next_number: u64,
    commit_counter: u64,
    /// Open or closed pull requests by head sha, for check runs' `pull_requests` and compares.
    pub pulls_by_head: HashMap<String, BTreeSet<u64>>,
    /// Keyed by lower-cased name: GitHub label names are case-insensitive.
    pub labels: BTreeMap<String, Label>,
    /// Every issue comment in the repository by id; ids grow, so this is also creation order.
    pub comments: BTreeMap<u64, Comment>,
    pub check_runs: BTreeMap<u64, CheckRun>,
    pub check_runs_by_sha: HashMap<String, Vec<u64>>,
    /// Explicit answers for `compare/{base}...{head}`, keyed by the two refs as requested.
    pub compares: HashMap<(String, String), CompareSpec>,
    /// Keyed by lower-cased login.
    pub roles: HashMap<String, Role>,
}

impl Repo {
    fn new(id: u64, owner: &str, name: &str, created_at: DateTime<Utc>) -> Self {
        let mut repo = Repo {
            id,
            owner: owner.to_owned(),
            name: name.to_owned(),
            full_name: format!("{owner}/{name}"),
            private: false,
            default_branch: "main".into(),
            created_at,
            refs: BTreeMap::new(),
            commits: HashMap::new(),
            issues: BTreeMap::new(),
            next_number: 1,
            commit_counter: 0,
            pulls_by_head: HashMap::new(),
            labels: BTreeMap::new(),
            comments: BTreeMap::new(),
            check_runs: BTreeMap::new(),
            check_runs_by_sha: HashMap::new(),
            compares: HashMap::new(),
            roles: HashMap::new(),
        };
        let root = repo.commit(None, Arc::new(Tree::new()));
        repo.refs.insert(branch_ref("main"), root);
        repo
    }

    /// Records a new commit with an invented sha and returns the sha.
    pub fn commit(&mut self, parent: Option<String>, tree: Arc<Tree>) -> String {
        self.commit_counter += 1;
        let sha = hash::fake_sha(&format!(
            "{}:commit:{}",
            self.full_name, self.commit_counter
        ));
        self.commits.insert(sha.clone(), Commit { tree, parent });
        sha
    }

    /// Records a commit whose sha the story chose (a pull request head, say).
    pub fn commit_as(&mut self, sha: &str, parent: Option<String>, tree: Arc<Tree>) {
        self.commits.insert(sha.to_owned(), Commit { tree, parent });
    }

    pub fn branch_sha(&self, branch: &str) -> Option<&String> {
        self.refs.get(&branch_ref(branch))
    }

    /// Resolves a branch name, tag name, full ref or commit sha to a commit sha.
    pub fn resolve(&self, reference: &str) -> Option<String> {
        let candidates = [
            format!("refs/heads/{reference}"),
            format!("refs/tags/{reference}"),
            reference.to_owned(),
        ];
        candidates
            .iter()
            .find_map(|name| self.refs.get(name))
            .cloned()
            .or_else(|| {
                self.commits
                    .contains_key(reference)
                    .then(|| reference.to_owned())
            })
    }

    /// How many first-parent steps lead from `from` back to `ancestor`, if it is on that chain.
    pub fn commits_between(&self, from: &str, ancestor: &str) -> Option<u64> {
        let mut current = from;
        // Bounded by the number of commits, so a cycle a test built by hand cannot hang us.
        for steps in 0..=self.commits.len() as u64 {
            if current == ancestor {
                return Some(steps);
            }
            current = self.commits.get(current)?.parent.as_deref()?;
        }
        None
    }

    /// The tree at a commit; unknown shas (chosen by a test without registering them) are empty.
    pub fn tree_at(&self, sha: &str) -> Arc<Tree> {
        self.commits
            .get(sha)
            .map(|commit| commit.tree.clone())
            .unwrap_or_default()
    }

    /// The tree after applying a diff's known contents on top of `tree`.
    pub fn apply(tree: &Arc<Tree>, files: &[FileChange]) -> Arc<Tree> {
        let touches_contents = files
            .iter()
            .any(|file| file.contents.is_some() || file.status == FileStatus::Removed);
        if !touches_contents {
            return tree.clone();
        }
        let mut tree = Tree::clone(tree);
        for file in files {
            if file.status == FileStatus::Removed {
                tree.remove(&file.filename);
            } else if let Some(contents) = &file.contents {
                if let Some(previous) = &file.previous_filename {
                    tree.remove(previous);
                }
                tree.insert(file.filename.clone(), Blob::new(contents));
            }
        }
        Arc::new(tree)
    }

    /// Takes the next issue number, or claims a chosen one if it is free.
    pub fn claim_number(&mut self, chosen: Option<u64>) -> u64 {
        let number = chosen.unwrap_or(self.next_number);
        assert!(
            number > 0 && !self.issues.contains_key(&number),
            "#{number} is already taken in {}",
            self.full_name
        );
        self.next_number = self.next_number.max(number + 1);
        number
    }

    pub fn issue(&self, number: u64) -> Result<&Issue, ApiError> {
        self.issues.get(&number).ok_or(ApiError::NotFound)
    }

    pub fn issue_mut(&mut self, number: u64) -> Result<&mut Issue, ApiError> {
        self.issues.get_mut(&number).ok_or(ApiError::NotFound)
    }

    /// Adds a label to the repository unless one with that name exists, and returns its name as
    /// stored (GitHub keeps the first spelling).
    pub fn ensure_label(&mut self, name: &str, seq: &mut Sequence) -> String {
        self.labels
            .entry(name.to_lowercase())
            .or_insert_with(|| Label {
                id: seq.id(),
                name: name.to_owned(),
                color: "ededed".into(),
                description: None,
            })
            .name
            .clone()
    }

    pub fn index_pull_head(&mut self, sha: &str, number: u64) {
        self.pulls_by_head
            .entry(sha.to_owned())
            .or_default()
            .insert(number);
    }

    pub fn unindex_pull_head(&mut self, sha: &str, number: u64) {
        if let Some(numbers) = self.pulls_by_head.get_mut(sha) {
            numbers.remove(&number);
            if numbers.is_empty() {
                self.pulls_by_head.remove(sha);
            }
        }
    }
}

pub(crate) fn branch_ref(branch: &str) -> String {
    format!("refs/heads/{branch}")
}
