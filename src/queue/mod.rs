//! The durable job queue: jobs keyed by repository, one repository's jobs one at a time and
//! in order, different repositories in parallel up to a bound, a burst coalesced into one
//! reconcile, failures retried with backoff and then kept, and a periodic sweep.

mod worker;

pub use worker::{JobError, Queue, QueueSettings, Reconcile, now};
