//! The GitHub API calls one reconcile costs after a push to one PR, in repositories with 10,
//! 100 and 1,000 open PRs. Unchanged PRs are served from cache, so the count must not grow
//! with the number of open PRs.
//!
//! cargo bench --bench reconcile_calls

#[allow(dead_code)]
#[path = "../tests/it/support.rs"]
mod support;

use fake_github::{FileChange, PrSpec};
use std::time::Duration;
use support::{Harness, INSTALLATION, REPO, pull_request_payload};

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        for open in [10usize, 100, 1000] {
            measure(open).await;
        }
    });
}

async fn measure(open: usize) {
    let h = Harness::start().await;
    // The first full reconcile of 1,000 PRs needs more calls than GitHub's 5,000 an hour;
    // here only the count matters, so the fake's limit is lifted.
    h.gh.set_rate_limit(INSTALLATION, 1_000_000, Duration::from_secs(3600));
    for i in 0..open {
        h.gh.open_pr(
            REPO,
            PrSpec {
                files: vec![FileChange::modified(format!("src/file_{i}.rs"))],
                ..PrSpec::new(format!("parallel-dev/agent-{}", i % 3 + 1), "")
            },
        );
    }
    h.add_repository().await;
    h.settle().await;
    let first = h.gh.requests().len();
    h.gh.clear_log();

    let pushed = (open / 2) as u64;
    let head = h.gh.push(
        REPO,
        pushed,
        "",
        vec![FileChange::modified("src/pushed.rs")],
    );
    h.deliver(
        "pull_request",
        &pull_request_payload("synchronize", REPO, pushed, &head),
    )
    .await;
    h.settle().await;
    let calls = h.gh.calls_by_endpoint();
    let total: usize = calls.values().sum();
    println!(
        "{open} open PRs: first full reconcile {first} calls; after a push to one PR {total} calls:"
    );
    for (endpoint, count) in calls {
        println!("  {count:>4}  {endpoint}");
    }
}
