//! Prometheus metrics: deliveries, jobs, leases, reconcile time, GitHub API calls, rate limit
//! and the pauses it asked for, and the recovery of deliveries GitHub could not make.

use crate::jobs::JobCounts;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Duration;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    event: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PauseLabels {
    /// `writes`, or `all` requests.
    paused: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ApiLabels {
    endpoint: String,
    status: String,
}

pub struct Metrics {
    registry: Registry,
    deliveries: Family<DeliveryLabels, Counter>,
    jobs: Family<StateLabels, Gauge>,
    jobs_failed: Family<ReasonLabels, Counter>,
    leases_held: Gauge,
    lease_takeovers: Counter,
    reconcile_seconds: Histogram,
    api_calls: Family<ApiLabels, Counter>,
    rate_limit_remaining: Gauge,
    github_pauses: Family<PauseLabels, Counter>,
    deliveries_recovered: Counter,
    delivery_gap_seconds: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("switchyard");
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "webhook_deliveries",
            "Webhook deliveries by event and outcome",
            deliveries.clone(),
        );
        let jobs = Family::<StateLabels, Gauge>::default();
        registry.register("jobs", "Jobs by state", jobs.clone());
        let jobs_failed = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "jobs_failed",
            "Jobs kept as failed because trying again cannot help, by reason",
            jobs_failed.clone(),
        );
        let leases_held = Gauge::default();
        registry.register(
            "leases_held",
            "Repositories this instance holds the lease of, working on their jobs",
            leases_held.clone(),
        );
        let lease_takeovers = Counter::default();
        registry.register(
            "lease_takeovers",
            "Repositories taken over after the lease of the instance working on them ran out",
            lease_takeovers.clone(),
        );
        let reconcile_seconds = Histogram::new(exponential_buckets(0.005, 2.0, 14));
        registry.register(
            "reconcile_duration_seconds",
            "Time one reconcile of a repository takes",
            reconcile_seconds.clone(),
        );
        let api_calls = Family::<ApiLabels, Counter>::default();
        registry.register(
            "github_api_calls",
            "GitHub API calls by endpoint and status",
            api_calls.clone(),
        );
        let rate_limit_remaining = Gauge::default();
        registry.register(
            "github_rate_limit_remaining",
            "Requests left in the current GitHub rate-limit window, as last reported",
            rate_limit_remaining.clone(),
        );
        let github_pauses = Family::<PauseLabels, Counter>::default();
        registry.register(
            "github_pauses",
            "Times an installation's writes, or all its requests, paused for a GitHub rate limit",
            github_pauses.clone(),
        );
        let deliveries_recovered = Counter::default();
        registry.register(
            "deliveries_recovered",
            "Deliveries GitHub could not make that it was asked to make again, and agreed to",
            deliveries_recovered.clone(),
        );
        let delivery_gap_seconds = Gauge::default();
        registry.register(
            "delivery_gap_seconds",
            "At the last walk of GitHub's delivery log: age of the oldest event GitHub could \
             not deliver, the App has not recorded, and no redelivery is under way for; 0 if none",
            delivery_gap_seconds.clone(),
        );
        Self {
            registry,
            deliveries,
            jobs,
            jobs_failed,
            leases_held,
            lease_takeovers,
            reconcile_seconds,
            api_calls,
            rate_limit_remaining,
            github_pauses,
            deliveries_recovered,
            delivery_gap_seconds,
        }
    }

    pub fn delivery(&self, event: &str, outcome: &str) {
        self.deliveries
            .get_or_create(&DeliveryLabels {
                event: event.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    pub fn set_job_counts(&self, counts: JobCounts) {
        for (state, n) in [
            ("queued", counts.queued),
            ("running", counts.running),
            ("failed", counts.failed),
        ] {
            self.jobs
                .get_or_create(&StateLabels {
                    state: state.to_owned(),
                })
                .set(n as i64);
        }
    }

    /// Jobs kept as failed, `reason` being a short label (`github_404`).
    pub fn jobs_failed(&self, reason: &str, jobs: usize) {
        self.jobs_failed
            .get_or_create(&ReasonLabels {
                reason: reason.to_owned(),
            })
            .inc_by(jobs as u64);
    }

    /// A lease taken (`true`) or given up (`false`).
    pub fn lease_held(&self, held: bool) {
        if held {
            self.leases_held.inc();
        } else {
            self.leases_held.dec();
        }
    }

    pub fn lease_taken_over(&self) {
        self.lease_takeovers.inc();
    }

    pub fn observe_reconcile(&self, took: Duration) {
        self.reconcile_seconds.observe(took.as_secs_f64());
    }

    pub fn api_call(&self, endpoint: &str, status: u16) {
        self.api_calls
            .get_or_create(&ApiLabels {
                endpoint: endpoint.to_owned(),
                status: status.to_string(),
            })
            .inc();
    }

    pub fn rate_limit_remaining(&self, remaining: i64) {
        self.rate_limit_remaining.set(remaining);
    }

    pub fn github_pause(&self, paused: &str) {
        self.github_pauses
            .get_or_create(&PauseLabels {
                paused: paused.to_owned(),
            })
            .inc();
    }

    /// GitHub agreed to deliver again an event it could not deliver.
    pub fn delivery_recovered(&self) {
        self.deliveries_recovered.inc();
    }

    pub fn set_delivery_gap(&self, seconds: i64) {
        self.delivery_gap_seconds.set(seconds);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
