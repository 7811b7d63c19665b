//! The durable job queue: jobs keyed by repository, one repository's jobs one at a time and
//! in order, different repositories in parallel up to a bound, a burst coalesced into one
//! reconcile, failures retried with a capped backoff for as long as retrying can help (only
//! what it cannot fix is kept as failed), and a periodic sweep. With several instances on one
//! database, a lease on each repository keeps its jobs on one instance at a time, and a dead
//! instance's work is taken over when its leases run out.

mod worker;

pub use worker::{DEFAULT_LEASE_SECS, JobError, Queue, QueueSettings, Reconcile, now};
