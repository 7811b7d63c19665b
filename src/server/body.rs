//! Reading a delivery's body under bounds no sender can get around: a deadline, and a share of
//! the memory that all bodies in flight may hold together, taken before the first byte is
//! read. A body that stalls is dropped at the deadline; a burst of large bodies waits for room
//! or is refused, while small ones (nearly every real delivery) keep a pool of their own.

use axum::body::{Body, Bytes, to_bytes};
use axum::http::{HeaderMap, header};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// GitHub caps payloads at 25 MB.
pub const MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

/// GitHub waits 10 seconds for the answer: a body still arriving after that is not GitHub's.
pub const BODY_DEADLINE: Duration = Duration::from_secs(10);

/// How long a body waits for room in its pool before it is refused.
const ROOM_WAIT: Duration = Duration::from_secs(2);

/// Bodies up to this size draw on the small pool.
const SMALL_BODY_BYTES: usize = 1024 * 1024;
const SMALL_POOL_BYTES: usize = 16 * 1024 * 1024;
/// Room for two of the largest bodies at once.
const LARGE_POOL_BYTES: usize = 2 * MAX_BODY_BYTES;

/// Why a body was not read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("the body is over GitHub's limit of 25 MB")]
    TooLarge,
    #[error("the body did not arrive within {} seconds", BODY_DEADLINE.as_secs())]
    TooSlow,
    #[error("too many large bodies are arriving at once; try again shortly")]
    Busy,
    #[error("the body could not be read: {0}")]
    Broken(String),
}

/// The memory bodies in flight may hold, in KiB, in two pools.
#[derive(Clone)]
pub struct BodyBudget {
    small: Arc<Semaphore>,
    large: Arc<Semaphore>,
    room_wait: Duration,
    deadline: Duration,
}

impl Default for BodyBudget {
    fn default() -> Self {
        Self::with_waits(ROOM_WAIT, BODY_DEADLINE)
    }
}

/// A body read whole, and its share of the budget, given back when this is dropped.
pub struct HeldBody {
    pub bytes: Bytes,
    _room: OwnedSemaphorePermit,
}

impl BodyBudget {
    fn with_waits(room_wait: Duration, deadline: Duration) -> Self {
        Self {
            small: Arc::new(Semaphore::new(SMALL_POOL_BYTES / 1024)),
            large: Arc::new(Semaphore::new(LARGE_POOL_BYTES / 1024)),
            room_wait,
            deadline,
        }
    }

    /// Reads `body`, first taking room for what `headers` declare (a body without a length
    /// is taken to be as large as allowed), then reading it within [`BODY_DEADLINE`].
    /// A large body waits [`ROOM_WAIT`] at most for room.
    pub async fn read(&self, headers: &HeaderMap, body: Body) -> Result<HeldBody, BodyError> {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let size = declared.unwrap_or(MAX_BODY_BYTES);
        if size > MAX_BODY_BYTES {
            return Err(BodyError::TooLarge);
        }
        let pool = if size <= SMALL_BODY_BYTES {
            &self.small
        } else {
            &self.large
        };
        let kib = u32::try_from(size.div_ceil(1024).max(1)).map_err(|_| BodyError::TooLarge)?;
        let room = tokio::time::timeout(self.room_wait, pool.clone().acquire_many_owned(kib))
            .await
            .map_err(|_| BodyError::Busy)?
            .map_err(|e| BodyError::Broken(e.to_string()))?;
        let bytes = tokio::time::timeout(self.deadline, to_bytes(body, size))
            .await
            .map_err(|_| BodyError::TooSlow)?
            .map_err(|e| {
                if declared.is_some() {
                    BodyError::Broken(e.to_string())
                } else {
                    BodyError::TooLarge
                }
            })?;
        Ok(HeldBody { bytes, _room: room })
    }

    /// The room free in each pool, in bytes: small, large.
    pub fn free(&self) -> (usize, usize) {
        (
            self.small.available_permits() * 1024,
            self.large.available_permits() * 1024,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::channel::Channel;

    fn declaring(length: usize) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, length.into());
        headers
    }

    #[tokio::test]
    async fn a_body_holds_its_room_until_dropped() {
        let budget = BodyBudget::default();
        let held = budget.read(&declaring(3), Body::from("abc")).await.unwrap();
        assert_eq!(held.bytes, "abc");
        assert_eq!(budget.free().0, SMALL_POOL_BYTES - 1024);
        drop(held);
        assert_eq!(budget.free(), (SMALL_POOL_BYTES, LARGE_POOL_BYTES));
    }

    #[tokio::test]
    async fn over_the_limit_is_refused_before_reading() {
        let budget = BodyBudget::default();
        let refused = budget
            .read(&declaring(MAX_BODY_BYTES + 1), Body::empty())
            .await;
        assert_eq!(refused.err(), Some(BodyError::TooLarge));
        let undeclared = budget
            .read(
                &HeaderMap::new(),
                Body::from(vec![b' '; MAX_BODY_BYTES + 1]),
            )
            .await;
        assert_eq!(undeclared.err(), Some(BodyError::TooLarge));
    }

    #[tokio::test]
    async fn large_bodies_past_their_pool_are_refused_and_small_ones_still_pass() {
        let budget = BodyBudget::with_waits(Duration::from_millis(50), Duration::from_millis(300));
        let large = declaring(MAX_BODY_BYTES);
        // Bodies whose bytes never come: their senders stay alive and silent.
        let mut senders = Vec::new();
        let mut stalled = || {
            let (sender, body) = Channel::<Bytes, std::io::Error>::new(1);
            senders.push(sender);
            Body::new(body)
        };
        let (body_1, body_2) = (stalled(), stalled());
        let first = tokio::spawn({
            let (budget, large) = (budget.clone(), large.clone());
            async move { budget.read(&large, body_1).await.err() }
        });
        let second = tokio::spawn({
            let (budget, large) = (budget.clone(), large.clone());
            async move { budget.read(&large, body_2).await.err() }
        });
        tokio::task::yield_now().await;
        assert_eq!(
            budget.read(&large, stalled()).await.err(),
            Some(BodyError::Busy)
        );
        let small = budget.read(&declaring(2), Body::from("{}")).await.unwrap();
        assert_eq!(small.bytes, "{}");
        assert_eq!(first.await.unwrap(), Some(BodyError::TooSlow));
        assert_eq!(second.await.unwrap(), Some(BodyError::TooSlow));
        assert_eq!(
            budget.free().1,
            LARGE_POOL_BYTES,
            "a stalled body's room comes back"
        );
    }
}
