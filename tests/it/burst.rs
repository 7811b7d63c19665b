//! A burst of deliveries over many repositories, as the tests that run the binary through
//! crashes and failures send it, and what it must leave behind: every job run, the queue
//! empty, each effect on GitHub once.

use crate::support::{APP_ID, Binary, INSTALLATION, SECRET, changed, pull_request_payload};
use fake_github::{FakeGitHub, PrSpec, TEST_PRIVATE_KEY_PEM};
use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};
use switchyard::store;

/// Pull requests per repository: two change the same lines of one file (so each gets an
/// overlap comment), the third another file (so it gets none).
const PRS_PER_REPO: usize = 3;

/// Repositories on the fake GitHub, each with its pull requests' numbers and heads.
pub struct Repositories(BTreeMap<String, Vec<(u64, String)>>);

impl Repositories {
    /// Installs `count` repositories, `octo/repo-0` onwards, and opens their pull requests.
    pub fn open(gh: &FakeGitHub, count: usize) -> Self {
        gh.set_app_id(APP_ID);
        let mut prs = BTreeMap::new();
        for n in 0..count {
            let repo = format!("octo/repo-{n}");
            gh.install(INSTALLATION, &repo);
            let mut heads = Vec::new();
            for (lane, file) in [
                ("agent-1", changed("src/app.rs", 10, 3, "one")),
                ("agent-2", changed("src/app.rs", 11, 2, "two")),
                ("agent-3", changed("src/lib.rs", 1, 1, "three")),
            ] {
                let number = gh.open_pr(
                    &repo,
                    PrSpec {
                        files: vec![file],
                        ..PrSpec::new(format!("parallel-dev/{lane}"), "")
                    },
                );
                let head = gh
                    .issue(&repo, number)
                    .pull_request
                    .expect("a pull request")
                    .head_sha;
                heads.push((number, head));
            }
            prs.insert(repo, heads);
        }
        Self(prs)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The `n`th delivery of a burst: round-robin over the repositories and their PRs.
    pub fn payload(&self, n: usize) -> serde_json::Value {
        let (repo, heads) = self.0.iter().nth(n % self.len()).expect("a repository");
        let (number, head) = &heads[(n / self.len()) % PRS_PER_REPO];
        pull_request_payload("synchronize", repo, *number, head)
    }

    /// One "Merge order" run per head, one overlap comment on each PR that overlaps, none
    /// on the one that does not.
    pub fn assert_effects_once(&self, gh: &FakeGitHub) {
        let app = gh.bot_login();
        for (repo, heads) in &self.0 {
            for (index, (number, head)) in heads.iter().enumerate() {
                let runs = gh
                    .check_runs(repo, head)
                    .into_iter()
                    .filter(|run| run.name == "Merge order")
                    .count();
                assert_eq!(runs, 1, "{repo}#{number}: check runs");
                let comments = gh
                    .comments(repo, *number)
                    .into_iter()
                    .filter(|comment| comment.author == app)
                    .count();
                assert_eq!(
                    comments,
                    usize::from(index < 2),
                    "{repo}#{number}: comments"
                );
            }
        }
    }
}

/// `switchyard serve` in `dir` as the App against `gh`, with `settings` besides its
/// credentials; without a `DATABASE_URL` it keeps its default SQLite file in `dir`.
pub fn serve(dir: &std::path::Path, gh: &FakeGitHub, settings: &[(&str, &str)]) -> Binary {
    let app_id = APP_ID.to_string();
    let mut env = vec![
        ("GITHUB_APP_ID", app_id.as_str()),
        ("GITHUB_PRIVATE_KEY", TEST_PRIVATE_KEY_PEM),
        ("GITHUB_WEBHOOK_SECRET", SECRET),
        ("GITHUB_API_URL", gh.url()),
        // Writes of the one installation spaced as GitHub's second is, kept short so that a
        // burst's hundreds of writes stay quick.
        ("SWITCHYARD_WRITE_INTERVAL_MS", "5"),
    ];
    env.extend_from_slice(settings);
    Binary::spawn(dir, &env)
}

/// Waits until the database holds no queued or running job, or panics after `limit`;
/// no job may have failed for good.
pub async fn settle(database_url: &str, limit: Duration) {
    let observer = store::open(database_url).expect("the store opens");
    let deadline = Instant::now() + limit;
    loop {
        let counts = observer.job_counts().expect("the store answers");
        if counts.queued == 0 && counts.running == 0 {
            assert_eq!(counts.failed, 0);
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the jobs did not finish: {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One reconcile as a process logged it.
#[derive(Debug, Clone)]
pub struct Run {
    /// Which process ran it, as the test numbers them.
    pub instance: usize,
    pub repo: String,
    pub jobs: Vec<i64>,
    pub started: SystemTime,
    /// When it ended; `None` when the process died first.
    pub finished: Option<SystemTime>,
    /// It ended in an error, and its jobs wait for another try.
    pub failed: bool,
}

pub fn log_time(line: &str) -> SystemTime {
    let stamp = line.split_whitespace().next().expect("a timestamp");
    let at: chrono::DateTime<chrono::Utc> = stamp.parse().expect("an RFC 3339 timestamp");
    at.into()
}

fn field<'a>(line: &'a str, name: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {name}="))? + name.len() + 2;
    let rest = &line[start..];
    if rest.starts_with('[') {
        return rest.find(']').map(|end| &rest[..=end]);
    }
    rest.split_whitespace().next()
}

fn job_ids(list: &str) -> Vec<i64> {
    list.trim_matches(['[', ']'])
        .split(',')
        .filter(|id| !id.trim().is_empty())
        .map(|id| id.trim().parse().expect("a job id"))
        .collect()
}

/// The reconciles in a process's log, from each "reconciling" to its outcome.
pub fn runs(instance: usize, log: &[String]) -> Vec<Run> {
    let mut open: BTreeMap<String, Run> = BTreeMap::new();
    let mut runs = Vec::new();
    for line in log {
        let Some(repo) = field(line, "repo") else {
            continue;
        };
        if line.contains(" reconciling ") {
            let run = Run {
                instance,
                repo: repo.to_owned(),
                jobs: job_ids(field(line, "jobs").expect("the jobs")),
                started: log_time(line),
                finished: None,
                failed: false,
            };
            assert!(
                open.insert(repo.to_owned(), run).is_none(),
                "one process ran {repo} twice at once"
            );
        } else if line.contains(" reconciled") || line.contains(" reconcile failed") {
            let mut run = open.remove(repo).expect("a run that started");
            run.finished = Some(log_time(line));
            run.failed = line.contains(" reconcile failed");
            runs.push(run);
        }
    }
    runs.extend(open.into_values());
    runs
}
