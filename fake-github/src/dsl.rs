//! The test DSL: story steps that change the world, and inspectors that read it back.
//!
//! Steps panic on a story that cannot happen (a pull request that does not exist, say), since
//! that is a mistake in the test, not behaviour to assert on.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::failure::{Failure, RandomFailures, ScriptedFailure, SplitMix64};
use crate::log::{self, RequestRecord, RoutePattern};
use crate::model::{
    CheckRun, Comment, FileChange, Issue, IssueState, Label, ManifestApp, PullRequest, Review,
    ReviewState, Role,
};
use crate::rate_limit::RateKey;
use crate::spec::{CompareSpec, IssueSpec, PrSpec};
use crate::state::{Blob, Installation, Repo, Sequence, Tree, branch_ref};
use crate::write_limits::WriteLimits;
use crate::{FakeGitHub, TEST_PRIVATE_KEY_PEM, auth, hash};

/// The app, its installations and tokens.
impl FakeGitHub {
    /// The app id JWTs must carry in `iss` (default 1).
    pub fn set_app_id(&self, app_id: u64) {
        self.world().app.id = app_id;
    }

    /// The app's slug (default `switchyard`); what it writes appears as `<slug>[bot]`.
    pub fn set_app_slug(&self, slug: &str) {
        self.world().app.slug = slug.to_owned();
    }

    /// The login of the app's bot user, e.g. `switchyard[bot]`.
    pub fn bot_login(&self) -> String {
        self.world().app.bot_login()
    }

    /// How long new installation tokens live (default one hour, as on GitHub).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.world().token_lifetime = lifetime;
    }

    /// Makes every installation token issued so far expire now.
    pub fn expire_tokens(&self) {
        let now = SystemTime::now();
        for grant in self.world().tokens.values_mut() {
            grant.expires_at = grant.expires_at.min(now);
        }
    }

    /// Issues an installation token directly, for requests a test makes itself.
    pub fn installation_token(&self, installation_id: u64) -> String {
        let mut world = self.world();
        assert!(
            world.installations.contains_key(&installation_id),
            "no installation {installation_id}"
        );
        auth::mint_token(&mut world, installation_id, SystemTime::now()).0
    }

    /// Registers a one-time code for `POST /app-manifests/{code}/conversions` and returns the
    /// credentials the conversion will hand out. Converting makes the fake that app.
    pub fn register_manifest_code(&self, code: &str) -> ManifestApp {
        let mut world = self.world();
        let secret = |purpose: &str| hash::fake_sha(&format!("{code}:{purpose}"));
        let app = ManifestApp {
            id: world.app.id,
            slug: world.app.slug.clone(),
            name: world.app.slug.clone(),
            owner: world.app.owner.clone(),
            client_id: format!("Iv1.{}", &secret("client-id")[..16]),
            client_secret: secret("client-secret"),
            webhook_secret: secret("webhook-secret"),
            pem: TEST_PRIVATE_KEY_PEM.to_owned(),
        };
        world.manifest_codes.insert(code.to_owned(), app.clone());
        app
    }

    /// Installs the app on a repository (created if new). The installation's account is the
    /// owner of the first repository it is installed on.
    pub fn install(&self, installation_id: u64, repo: &str) {
        let mut world = self.world();
        let repo = world.ensure_repo(repo);
        let (key, owner) = (repo.full_name.to_ascii_lowercase(), repo.owner.clone());
        let created_at = world.seq.tick();
        world
            .installations
            .entry(installation_id)
            .or_insert_with(|| Installation {
                account: owner,
                repos: Default::default(),
                created_at,
            })
            .repos
            .insert(key);
    }

    /// Removes a repository from an installation; its tokens then get 404 there.
    pub fn uninstall(&self, installation_id: u64, repo: &str) {
        if let Some(installation) = self.world().installations.get_mut(&installation_id) {
            installation.repos.remove(&repo.to_ascii_lowercase());
        }
    }

    /// Deletes an installation; its tokens stop working.
    pub fn remove_installation(&self, installation_id: u64) {
        self.world().installations.remove(&installation_id);
    }
}

/// Repositories.
impl FakeGitHub {
    /// A repository to shape, created on first mention with a default branch `main`.
    pub fn repo(&self, full_name: &str) -> RepoBuilder<'_> {
        self.world().ensure_repo(full_name);
        RepoBuilder {
            gh: self,
            full_name: full_name.to_owned(),
        }
    }

    /// Gives `user` a built-in role: `admin`, `maintain`, `write`, `triage`, `read` or `none`.
    pub fn set_permission(&self, repo: &str, user: &str, role: &str) {
        let permission = match role {
            "admin" => "admin",
            "maintain" | "write" => "write",
            "triage" | "read" => "read",
            "none" => "none",
            custom => panic!(
                "{custom:?} is not a built-in role; use set_custom_role with its base permission"
            ),
        };
        self.set_custom_role(repo, user, role, permission);
    }

    /// Gives `user` a custom role, reported as `role_name`, whose legacy `permission` is
    /// `admin`, `write`, `read` or `none`.
    pub fn set_custom_role(&self, repo: &str, user: &str, role_name: &str, permission: &str) {
        let role = Role {
            permission: permission.to_owned(),
            role_name: role_name.to_owned(),
        };
        self.with_repo(repo, |repo, _| {
            repo.roles.insert(user.to_ascii_lowercase(), role)
        });
    }

    /// Sets the answer to `compare/{base}...{head}`. Refs match as the app requests them or by
    /// the shas they resolve to. Without one, compares are derived from pull requests.
    pub fn set_compare(
        &self,
        repo: &str,
        base: &str,
        head: &str,
        comparison: impl Into<CompareSpec>,
    ) {
        let comparison = comparison.into();
        self.with_repo(repo, |repo, _| {
            repo.compares
                .insert((base.to_owned(), head.to_owned()), comparison)
        });
    }
}

/// Pull requests.
impl FakeGitHub {
    /// Opens a pull request and returns its number. Its head becomes a branch and a commit whose
    /// files are the base's plus any [`FileChange::with_contents`].
    pub fn open_pr(&self, repo: &str, spec: PrSpec) -> u64 {
        self.with_repo(repo, |repo, seq| {
            let number = repo.claim_number(spec.number);
            let base_ref = spec.base_ref.unwrap_or_else(|| repo.default_branch.clone());
            let base_tip = repo
                .branch_sha(&base_ref)
                .cloned()
                .unwrap_or_else(|| panic!("{} has no branch {base_ref:?}", repo.full_name));
            let merge_base = spec.merge_base.unwrap_or(base_tip);
            let head_ref = if spec.head_ref.is_empty() {
                format!("branch-{number}")
            } else {
                spec.head_ref
            };
            let tree = Repo::apply(&repo.tree_at(&merge_base), &spec.files);
            let head_sha = record_commit(repo, &spec.head_sha, Some(merge_base.clone()), tree);
            repo.refs.insert(branch_ref(&head_ref), head_sha.clone());
            repo.index_pull_head(&head_sha, number);
            let labels = spec
                .labels
                .iter()
                .map(|label| repo.ensure_label(label, seq))
                .collect();
            let created_at = spec.created_at.unwrap_or_else(|| seq.tick());
            let pull = PullRequest {
                id: seq.id(),
                head_ref,
                head_sha,
                base_ref,
                merge_base,
                draft: spec.draft,
                files: spec.files,
                commits: 1,
                merged_at: None,
                merge_commit_sha: None,
                reviews: Vec::new(),
            };
            let issue = Issue {
                number,
                id: seq.id(),
                title: spec.title,
                body: spec.body,
                state: IssueState::Open,
                author: spec.author,
                labels,
                assignees: Vec::new(),
                created_at,
                updated_at: created_at,
                closed_at: None,
                comment_ids: Vec::new(),
                pull_request: Some(pull),
            };
            repo.issues.insert(number, issue);
            number
        })
    }

    /// Pushes a commit to a pull request's head and returns its sha (invented when `new_sha`
    /// is empty). `files` is the pull request's whole diff after the push.
    pub fn push(&self, repo: &str, number: u64, new_sha: &str, files: Vec<FileChange>) -> String {
        self.with_repo(repo, |repo, seq| {
            let now = seq.tick();
            let pull = pull_mut(repo, number);
            let (old_sha, head_ref) = (pull.head_sha.clone(), pull.head_ref.clone());
            let tree = Repo::apply(&repo.tree_at(&old_sha), &files);
            let new_sha = record_commit(repo, new_sha, Some(old_sha.clone()), tree);
            repo.refs.insert(branch_ref(&head_ref), new_sha.clone());
            repo.unindex_pull_head(&old_sha, number);
            repo.index_pull_head(&new_sha, number);
            let pull = pull_mut(repo, number);
            pull.head_sha = new_sha.clone();
            pull.files = files;
            pull.commits += 1;
            issue_mut(repo, number).updated_at = now;
            new_sha
        })
    }

    /// Merges an open pull request: its base branch moves to a new merge commit, whose sha is
    /// returned, and the pull request closes as merged.
    pub fn merge_pr(&self, repo: &str, number: u64) -> String {
        self.with_repo(repo, |repo, seq| {
            let now = seq.tick();
            let pull = pull_mut(repo, number);
            assert!(pull.merged_at.is_none(), "#{number} is already merged");
            let (base_ref, head_sha) = (pull.base_ref.clone(), pull.head_sha.clone());
            let base_tip = repo.branch_sha(&base_ref).cloned();
            let tree = repo.tree_at(&head_sha);
            let merge_sha = repo.commit(base_tip, tree);
            repo.refs.insert(branch_ref(&base_ref), merge_sha.clone());
            let pull = pull_mut(repo, number);
            pull.merged_at = Some(now);
            pull.merge_commit_sha = Some(merge_sha.clone());
            close(issue_mut(repo, number), now);
            merge_sha
        })
    }

    /// Closes a pull request without merging it.
    pub fn close_pr(&self, repo: &str, number: u64) {
        self.with_repo(repo, |repo, seq| {
            pull_mut(repo, number);
            close(issue_mut(repo, number), seq.tick());
        });
    }

    /// Reopens a closed, unmerged pull request.
    pub fn reopen_pr(&self, repo: &str, number: u64) {
        self.with_repo(repo, |repo, seq| {
            assert!(
                pull_mut(repo, number).merged_at.is_none(),
                "#{number} is merged and cannot reopen"
            );
            let issue = issue_mut(repo, number);
            issue.state = IssueState::Open;
            issue.closed_at = None;
            issue.updated_at = seq.tick();
        });
    }

    /// Marks a pull request draft, or ready for review.
    pub fn set_draft(&self, repo: &str, number: u64, draft: bool) {
        self.with_repo(repo, |repo, seq| {
            pull_mut(repo, number).draft = draft;
            issue_mut(repo, number).updated_at = seq.tick();
        });
    }

    /// `reviewer` approves the pull request's current head.
    pub fn approve(&self, repo: &str, number: u64, reviewer: &str) {
        self.review(repo, number, reviewer, ReviewState::Approved);
    }

    /// `reviewer` submits a review of the pull request's current head.
    pub fn review(&self, repo: &str, number: u64, reviewer: &str, state: ReviewState) {
        self.with_repo(repo, |repo, seq| {
            let pull = pull_mut(repo, number);
            let review = Review {
                id: seq.id(),
                reviewer: reviewer.to_owned(),
                state,
                commit_id: pull.head_sha.clone(),
                submitted_at: seq.tick(),
            };
            pull.reviews.push(review);
        });
    }
}

/// Issues, labels and comments (pull requests are issues too).
impl FakeGitHub {
    /// Opens an issue and returns its number.
    pub fn add_issue(&self, repo: &str, spec: IssueSpec) -> u64 {
        self.with_repo(repo, |repo, seq| {
            let number = repo.claim_number(spec.number);
            let labels = spec
                .labels
                .iter()
                .map(|label| repo.ensure_label(label, seq))
                .collect();
            let created_at = spec.created_at.unwrap_or_else(|| seq.tick());
            let issue = Issue {
                number,
                id: seq.id(),
                title: spec.title,
                body: spec.body,
                state: IssueState::Open,
                author: spec.author,
                labels,
                assignees: spec.assignees,
                created_at,
                updated_at: created_at,
                closed_at: None,
                comment_ids: Vec::new(),
                pull_request: None,
            };
            repo.issues.insert(number, issue);
            number
        })
    }

    /// Adds a label to an issue or pull request, creating it in the repository if needed.
    pub fn label_issue(&self, repo: &str, number: u64, label: &str) {
        self.with_repo(repo, |repo, seq| {
            let name = repo.ensure_label(label, seq);
            let issue = issue_mut(repo, number);
            if !issue.labels.contains(&name) {
                issue.labels.push(name);
            }
            issue.updated_at = seq.tick();
        });
    }

    /// Removes a label from an issue or pull request.
    pub fn unlabel_issue(&self, repo: &str, number: u64, label: &str) {
        self.with_repo(repo, |repo, seq| {
            let issue = issue_mut(repo, number);
            issue
                .labels
                .retain(|name| name.to_lowercase() != label.to_lowercase());
            issue.updated_at = seq.tick();
        });
    }

    /// Renames a label as the repository's label settings do: every issue and pull request
    /// carrying it carries the new name, and GitHub sends no `issues` event for them.
    pub fn rename_label(&self, repo: &str, from: &str, to: &str) {
        self.with_repo(repo, |repo, seq| {
            let from = from.to_lowercase();
            if let Some(mut label) = repo.labels.remove(&from) {
                label.name = to.to_owned();
                repo.labels.insert(to.to_lowercase(), label);
            }
            for issue in repo.issues.values_mut() {
                for name in issue.labels.iter_mut() {
                    if name.to_lowercase() == from {
                        *name = to.to_owned();
                        issue.updated_at = seq.tick();
                    }
                }
            }
        });
    }

    /// Deletes a label from the repository and from every issue and pull request carrying it.
    pub fn delete_label(&self, repo: &str, label: &str) {
        self.with_repo(repo, |repo, seq| {
            let label = label.to_lowercase();
            repo.labels.remove(&label);
            for issue in repo.issues.values_mut() {
                if issue.labels.iter().any(|name| name.to_lowercase() == label) {
                    issue.labels.retain(|name| name.to_lowercase() != label);
                    issue.updated_at = seq.tick();
                }
            }
        });
    }

    /// Closes an issue.
    pub fn close_issue(&self, repo: &str, number: u64) {
        self.with_repo(repo, |repo, seq| close(issue_mut(repo, number), seq.tick()));
    }

    /// Replaces an issue's or pull request's body.
    pub fn set_body(&self, repo: &str, number: u64, body: &str) {
        self.with_repo(repo, |repo, seq| {
            let issue = issue_mut(repo, number);
            issue.body = Some(body.to_owned());
            issue.updated_at = seq.tick();
        });
    }

    /// `author` comments on an issue or pull request; returns the comment id.
    pub fn comment(&self, repo: &str, number: u64, author: &str, body: &str) -> u64 {
        self.with_repo(repo, |repo, seq| {
            let (id, now) = (seq.id(), seq.tick());
            let issue = issue_mut(repo, number);
            issue.comment_ids.push(id);
            issue.updated_at = now;
            let comment = Comment {
                id,
                issue_number: number,
                body: body.to_owned(),
                author: author.to_owned(),
                created_at: now,
                updated_at: now,
                reactions: Vec::new(),
            };
            repo.comments.insert(id, comment);
            id
        })
    }
}

/// Inspectors: snapshots of the world for assertions.
impl FakeGitHub {
    /// An issue or pull request.
    pub fn issue(&self, repo: &str, number: u64) -> Issue {
        self.with_repo(repo, |repo, _| issue_mut(repo, number).clone())
    }

    /// The repository's issues, not counting pull requests, by number.
    pub fn issues(&self, repo: &str) -> Vec<Issue> {
        self.with_repo(repo, |repo, _| {
            repo.issues
                .values()
                .filter(|issue| issue.pull_request.is_none())
                .cloned()
                .collect()
        })
    }

    /// Every check run on a commit, oldest first (all of them, not only the latest per name).
    pub fn check_runs(&self, repo: &str, sha: &str) -> Vec<CheckRun> {
        self.with_repo(repo, |repo, _| {
            let ids = repo
                .check_runs_by_sha
                .get(sha)
                .map(Vec::as_slice)
                .unwrap_or_default();
            ids.iter().map(|id| repo.check_runs[id].clone()).collect()
        })
    }

    /// The comments on an issue or pull request, oldest first.
    pub fn comments(&self, repo: &str, number: u64) -> Vec<Comment> {
        self.with_repo(repo, |repo, _| {
            let ids = issue_mut(repo, number).comment_ids.clone();
            ids.iter().map(|id| repo.comments[id].clone()).collect()
        })
    }

    /// The label names on an issue or pull request, in the order they were added.
    pub fn labels_of(&self, repo: &str, number: u64) -> Vec<String> {
        self.with_repo(repo, |repo, _| issue_mut(repo, number).labels.clone())
    }

    /// The repository's labels, by name.
    pub fn repo_labels(&self, repo: &str) -> Vec<Label> {
        self.with_repo(repo, |repo, _| repo.labels.values().cloned().collect())
    }

    /// Every ref (`refs/heads/main`, ...) and the sha it points at.
    pub fn refs(&self, repo: &str) -> BTreeMap<String, String> {
        self.with_repo(repo, |repo, _| repo.refs.clone())
    }

    /// A file's contents at a branch, tag or sha, if the fake knows them.
    pub fn file_at(&self, repo: &str, reference: &str, path: &str) -> Option<String> {
        self.with_repo(repo, |repo, _| {
            let sha = repo.resolve(reference)?;
            repo.tree_at(&sha)
                .get(path)
                .map(|blob| blob.contents.to_string())
        })
    }
}

/// Rate limits, scripted failures, the story clock and the request log.
impl FakeGitHub {
    /// Sets an installation's remaining primary rate limit and when it refills. At zero, its
    /// requests get GitHub's 403 until the reset.
    pub fn set_rate_limit(&self, installation_id: u64, remaining: u32, resets_in: Duration) {
        let reset = auth::unix_secs(SystemTime::now() + resets_in);
        self.world()
            .rate_limits
            .set(RateKey::Installation(installation_id), remaining, reset);
    }

    /// Holds every installation's writes to `limits` from now on: a write past them gets
    /// GitHub's 403 with `retry-after`.
    pub fn limit_writes(&self, limits: WriteLimits) {
        self.world().limiter.limits = Some(limits);
    }

    /// Writes refused for [`limit_writes`](Self::limit_writes)' limits.
    pub fn writes_refused(&self) -> usize {
        self.world().limiter.refused
    }

    /// Writes that arrived while their installation had been told to wait (a 403 or 429 with
    /// `retry-after` not yet over): an App that honours secondary limits sends none.
    pub fn writes_while_limited(&self) -> usize {
        self.world().limiter.writes_while_limited
    }

    /// Makes the next `times` requests matching `route` fail. `route` is a method and a path
    /// pattern: `"POST /repos/*/*/check-runs"`; `*` or `{name}` match one segment, a final `**`
    /// the rest, and a `*` method (or none) every method. Failures come before authentication,
    /// as a GitHub outage would.
    pub fn fail_next(&self, route: &str, failure: Failure, times: usize) {
        let route = RoutePattern::parse(route);
        if times > 0 {
            self.world().failures.push(ScriptedFailure {
                route,
                failure,
                remaining: times,
            });
        }
    }

    /// From now on, fails `percent` out of 100 requests matching `route` (patterns as for
    /// [`fail_next`](Self::fail_next)), picked at random, each with one of `failures` picked at
    /// random, until [`stop_failing_randomly`](Self::stop_failing_randomly). The picks come from
    /// `seed`: the same seed fails the same requests of the same sequence. Failures scripted with
    /// `fail_next` come first; a new call replaces the last one.
    pub fn fail_randomly(&self, route: &str, percent: u8, failures: &[Failure], seed: u64) {
        assert!(percent <= 100, "a percentage, not {percent}");
        self.world().random_failures = Some(RandomFailures {
            route: RoutePattern::parse(route),
            percent: u64::from(percent),
            failures: failures.to_vec(),
            rng: SplitMix64(seed),
            served: 0,
        });
    }

    /// Ends [`fail_randomly`](Self::fail_randomly) and says how many requests it failed.
    pub fn stop_failing_randomly(&self) -> usize {
        self.world()
            .random_failures
            .take()
            .map_or(0, |random| random.served)
    }

    /// Scripted failures not yet used up.
    pub fn pending_failures(&self) -> usize {
        self.world()
            .failures
            .iter()
            .map(|scripted| scripted.remaining)
            .sum()
    }

    /// Makes every request from now on take `latency` before it is answered.
    pub fn set_latency(&self, latency: Duration) {
        self.world().latency = latency;
    }

    /// Moves the story clock, which stamps everything the story and the app create.
    pub fn advance_clock(&self, by: Duration) {
        self.world().seq.advance(by);
    }

    /// Every request so far, oldest first.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.world().log.clone()
    }

    /// How many requests matched `route` (same patterns as [`fail_next`](Self::fail_next)), e.g.
    /// `"GET /repos/*/*/pulls/*/files"`.
    pub fn count(&self, route: &str) -> usize {
        let route = RoutePattern::parse(route);
        self.world()
            .log
            .iter()
            .filter(|record| route.matches(&record.method, &record.path))
            .count()
    }

    /// Forgets the requests so far, e.g. after a test's setup.
    pub fn clear_log(&self) {
        self.world().log.clear();
    }

    /// Requests per endpoint template, e.g. `"GET /repos/{owner}/{repo}/pulls/{n}/files" => 3`.
    pub fn calls_by_endpoint(&self) -> BTreeMap<String, usize> {
        log::calls_by_endpoint(&self.world().log)
    }

    fn with_repo<R>(
        &self,
        full_name: &str,
        change: impl FnOnce(&mut Repo, &mut Sequence) -> R,
    ) -> R {
        let mut world = self.world();
        let (repo, seq) = world.repo_and_seq(full_name).unwrap_or_else(|_| {
            panic!("no repository {full_name}; create it with gh.repo(..) or gh.install(..)")
        });
        change(repo, seq)
    }
}

/// Shapes a repository: `gh.repo("octo/repo").default_branch("trunk").file("trunk", path, text)`.
pub struct RepoBuilder<'a> {
    gh: &'a FakeGitHub,
    full_name: String,
}

impl RepoBuilder<'_> {
    /// Sets the default branch, creating it at the current default branch's tip if it is new.
    pub fn default_branch(self, branch: &str) -> Self {
        self.gh.with_repo(&self.full_name, |repo, _| {
            if repo.branch_sha(branch).is_none() {
                let tip = repo
                    .branch_sha(&repo.default_branch)
                    .cloned()
                    .expect("default branch exists");
                repo.refs.insert(branch_ref(branch), tip);
            }
            repo.default_branch = branch.to_owned();
        });
        self
    }

    pub fn private(self, private: bool) -> Self {
        self.gh
            .with_repo(&self.full_name, |repo, _| repo.private = private);
        self
    }

    /// Creates a branch at the default branch's tip.
    pub fn branch(self, branch: &str) -> Self {
        self.gh.with_repo(&self.full_name, |repo, _| {
            let tip = repo
                .branch_sha(&repo.default_branch)
                .cloned()
                .expect("default branch exists");
            repo.refs.entry(branch_ref(branch)).or_insert(tip);
        });
        self
    }

    /// Commits a file to a branch (created from the default branch if new).
    pub fn file(self, branch: &str, path: &str, contents: &str) -> Self {
        self.commit_to(branch, |tree| {
            tree.insert(path.to_owned(), Blob::new(contents));
        });
        self
    }

    /// Commits the removal of a file from a branch.
    pub fn remove_file(self, branch: &str, path: &str) -> Self {
        self.commit_to(branch, |tree| {
            tree.remove(path);
        });
        self
    }

    /// Creates a label; `color` is six hex digits without `#`.
    pub fn label(self, name: &str, color: &str) -> Self {
        self.gh.with_repo(&self.full_name, |repo, seq| {
            let label = Label {
                id: seq.id(),
                name: name.to_owned(),
                color: color.to_owned(),
                description: None,
            };
            repo.labels.insert(name.to_lowercase(), label);
        });
        self
    }

    fn commit_to(&self, branch: &str, change: impl FnOnce(&mut Tree)) {
        self.gh.with_repo(&self.full_name, |repo, _| {
            let parent = repo
                .branch_sha(branch)
                .or_else(|| repo.branch_sha(&repo.default_branch))
                .cloned()
                .expect("default branch exists");
            let mut tree = Tree::clone(&repo.tree_at(&parent));
            change(&mut tree);
            let sha = repo.commit(Some(parent), Arc::new(tree));
            repo.refs.insert(branch_ref(branch), sha);
        });
    }
}

/// Records a commit under the sha the story chose, or an invented one when it chose none.
fn record_commit(repo: &mut Repo, chosen: &str, parent: Option<String>, tree: Arc<Tree>) -> String {
    if chosen.is_empty() {
        repo.commit(parent, tree)
    } else {
        repo.commit_as(chosen, parent, tree);
        chosen.to_owned()
    }
}

fn issue_mut(repo: &mut Repo, number: u64) -> &mut Issue {
    let full_name = repo.full_name.clone();
    repo.issues
        .get_mut(&number)
        .unwrap_or_else(|| panic!("{full_name} has no issue or pull request #{number}"))
}

fn pull_mut(repo: &mut Repo, number: u64) -> &mut PullRequest {
    let full_name = repo.full_name.clone();
    issue_mut(repo, number)
        .pull_request
        .as_mut()
        .unwrap_or_else(|| panic!("{full_name} #{number} is an issue, not a pull request"))
}

fn close(issue: &mut Issue, now: chrono::DateTime<chrono::Utc>) {
    issue.state = IssueState::Closed;
    issue.closed_at = Some(now);
    issue.updated_at = now;
}
