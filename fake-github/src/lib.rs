//! A fake of GitHub's REST API with real state, for Switchyard's integration tests and benchmarks.
//!
//! [`FakeGitHub::start`] serves the API on a free loopback port; point the app's API base URL at
//! [`FakeGitHub::url`]. Tests then tell a story through the handle and check what the app did:
//!
//! ```no_run
//! # async fn story() {
//! use fake_github::{FakeGitHub, FileChange, PrSpec};
//!
//! let gh = FakeGitHub::start().await;
//! gh.set_app_id(42);
//! gh.install(7, "octo/repo");
//! gh.repo("octo/repo").file("main", ".github/switchyard.yml", "agents: [alpha]\n");
//! let pr = gh.open_pr("octo/repo", PrSpec {
//!     files: vec![FileChange::modified("src/lib.rs")],
//!     ..PrSpec::new("lane/alpha", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1")
//! });
//! // ... run the app against gh.url() ...
//! let runs = gh.check_runs("octo/repo", &gh.issue("octo/repo", pr).pull_request.unwrap().head_sha);
//! assert_eq!(gh.count("POST /repos/*/*/check-runs"), runs.len());
//! # }
//! ```
//!
//! Like GitHub it authenticates apps (JWT → installation token), paginates with absolute `Link`
//! URLs, sends rate-limit headers and ETags (a matching `If-None-Match` gets a free 304), and
//! answers errors with GitHub's JSON. It can hold installations to GitHub's limits on writes
//! ([`FakeGitHub::limit_writes`]) and counts what an App sends while told to wait. Tests can script failures ([`FakeGitHub::fail_next`], or a
//! seeded random share of requests with [`FakeGitHub::fail_randomly`]) and count every request
//! ([`FakeGitHub::count`], [`FakeGitHub::calls_by_endpoint`]).
//!
//! It also plays GitHub's side of the App's webhook: [`FakeGitHub::send_webhook`] delivers an
//! event, signed, to the URL [`FakeGitHub::set_webhook`] gives, and logs the attempt with the
//! App's answer ([`FakeGitHub::hook_deliveries`]); the App reads that log and asks for a
//! redelivery through `GET /app/hook/deliveries` and `POST /app/hook/deliveries/{id}/attempts`.

mod auth;
mod deliveries;
mod dsl;
mod error;
mod failure;
mod gateway;
mod hash;
mod issue_links;
mod log;
mod model;
mod pagination;
mod rate_limit;
mod relations;
mod routes;
mod spec;
mod state;
mod write_limits;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use deliveries::HookDelivery;
pub use dsl::RepoBuilder;
pub use failure::{Failure, SplitMix64};
pub use log::RequestRecord;
pub use model::{
    Annotation, CheckRun, CheckRunAction, Comment, FileChange, FileStatus, Issue, IssueState,
    Label, ManifestApp, PullRequest, Reaction, Review, ReviewState, Role,
};
pub use relations::{MAX_BLOCKED_BY, MAX_SUB_ISSUES, RelationError};
pub use spec::{CompareSpec, IssueSpec, PrSpec};
pub use write_limits::WriteLimits;

use crate::state::World;

/// A real RSA private key in PKCS#1 PEM, as GitHub issues them. The fake never verifies JWT
/// signatures, so any key works; this one lets the app under test sign with a key it can parse.
pub const TEST_PRIVATE_KEY_PEM: &str = include_str!("test_app_key.pem");

/// A running fake GitHub. The server stops when the handle is dropped.
pub struct FakeGitHub {
    shared: Shared,
    server: JoinHandle<()>,
}

/// The state the server and the handle share.
#[derive(Clone)]
pub(crate) struct Shared {
    world: Arc<Mutex<World>>,
    base_url: Arc<str>,
}

impl Shared {
    /// Locks the world. A test that panics mid-story poisons the lock; the state is still
    /// consistent enough to report on, so the poison is ignored.
    pub(crate) fn lock(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl FakeGitHub {
    /// Binds `127.0.0.1:0` and serves the API on a background task.
    pub async fn start() -> FakeGitHub {
        Self::start_on(&tokio::runtime::Handle::current())
    }

    /// Like [`FakeGitHub::start`], serving on `runtime`: a benchmark gives the fake a runtime
    /// of its own, so that the CPU time of the App under test can be told from the fake's.
    pub fn start_on(runtime: &tokio::runtime::Handle) -> FakeGitHub {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .expect("bind a loopback port for the fake GitHub");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking socket");
        let address = listener.local_addr().expect("bound socket has an address");
        let shared = Shared {
            world: Arc::new(Mutex::new(World::new())),
            base_url: format!("http://{address}").into(),
        };
        let app = routes::router(shared.clone());
        let server = runtime.spawn(async move {
            let listener = TcpListener::from_std(listener).expect("the socket joins the runtime");
            axum::serve(listener, app)
                .await
                .expect("fake GitHub server failed");
        });
        FakeGitHub { shared, server }
    }

    /// The API base URL, e.g. `http://127.0.0.1:40123`, without a trailing slash.
    pub fn url(&self) -> &str {
        &self.shared.base_url
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.shared.lock()
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        self.server.abort();
    }
}
