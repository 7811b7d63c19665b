//! Accepting connections under limits a client cannot hold open for ever: at most so many
//! connections at once (below the process's open-file limit), a connection that sends no
//! complete request within a deadline is closed, and when every place is taken the connection
//! idle the longest makes room for the new one. Shutting down stops accepting and gives the
//! requests in flight a last deadline, so a half-sent request never holds the process up.

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

/// How the server treats connections.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    /// Connections open at once.
    pub max_connections: usize,
    /// How long a connection may go without a request in progress (a slow or missing request
    /// head, or an idle keep-alive) before it is closed.
    pub idle_timeout: Duration,
    /// At shutdown, how long the requests in flight get to finish once nothing new is taken.
    pub drain: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        Self {
            max_connections: connections_below_file_limit(),
            idle_timeout: Duration::from_secs(10),
            drain: Duration::from_secs(2),
        }
    }
}

/// Room kept for the files the process opens besides its connections: the database, its
/// journal, the connections to GitHub.
const FILES_KEPT: usize = 128;

/// The open-file limit less what the process needs besides its connections, read from
/// `/proc/self/limits` where there is one.
fn connections_below_file_limit() -> usize {
    let soft_limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3)?.parse::<usize>().ok())
        })
        .unwrap_or(1024);
    soft_limit.saturating_sub(FILES_KEPT).clamp(16, 16_384)
}

/// One open connection: whether a request is in progress on it, since when it is idle, and
/// how to close it.
struct Connection {
    requests: AtomicU64,
    idle_since: Mutex<Instant>,
    close: Notify,
}

impl Connection {
    fn idle_for(&self, now: Instant) -> Option<Duration> {
        (self.requests.load(Ordering::SeqCst) == 0).then(|| {
            now.saturating_duration_since(
                *self
                    .idle_since
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            )
        })
    }
}

/// The open connections by id.
#[derive(Default)]
struct Connections {
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    closed: Notify,
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes the connection idle the longest; false when every one has a request in progress.
    fn close_longest_idle(&self) -> bool {
        let now = Instant::now();
        let longest = self
            .lock()
            .values()
            .filter_map(|c| c.idle_for(now).map(|idle| (idle, c.clone())))
            .max_by_key(|(idle, _)| *idle);
        match longest {
            Some((_, connection)) => {
                connection.close.notify_one();
                true
            }
            None => false,
        }
    }

    fn close_idle_past(&self, timeout: Duration) {
        let now = Instant::now();
        for connection in self.lock().values() {
            if connection.idle_for(now).is_some_and(|idle| idle >= timeout) {
                connection.close.notify_one();
            }
        }
    }
}

/// Serves `router` on `listener` until `close` turns true, then lets the requests in flight
/// finish within [`ConnectionLimits::drain`].
pub async fn serve(
    listener: TcpListener,
    router: Router,
    mut close: watch::Receiver<bool>,
    limits: ConnectionLimits,
) {
    let connections = Arc::new(Connections::default());
    let watchdog = tokio::spawn({
        let (connections, timeout) = (connections.clone(), limits.idle_timeout);
        async move {
            let mut tick = tokio::time::interval(timeout / 4);
            loop {
                tick.tick().await;
                connections.close_idle_past(timeout);
            }
        }
    });
    let (stop_all, stopped) = watch::channel(false);
    let mut next_id = 0u64;
    loop {
        let accepted = tokio::select! {
            _ = close.wait_for(|close| *close) => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, most likely: the limit above keeps this rare.
                tracing::warn!(error = %e, "could not accept a connection");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        while connections.lock().len() >= limits.max_connections {
            let closed = connections.closed.notified();
            tokio::pin!(closed);
            closed.as_mut().enable();
            if !connections.close_longest_idle() {
                // Every place has a request in progress: this one takes one more, briefly.
                break;
            }
            let _ = tokio::time::timeout(Duration::from_secs(1), closed).await;
        }
        next_id += 1;
        let connection = Arc::new(Connection {
            requests: AtomicU64::new(0),
            idle_since: Mutex::new(Instant::now()),
            close: Notify::new(),
        });
        connections.lock().insert(next_id, connection.clone());
        tokio::spawn(run_connection(
            next_id,
            stream,
            router.clone(),
            connection,
            connections.clone(),
            stopped.clone(),
        ));
    }
    drop(listener);
    watchdog.abort();
    let _ = stop_all.send(true);
    let drained = tokio::time::timeout(limits.drain, async {
        loop {
            let closed = connections.closed.notified();
            tokio::pin!(closed);
            closed.as_mut().enable();
            if connections.lock().is_empty() {
                break;
            }
            closed.await;
        }
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.lock().len(),
            "closing the connections still open after the shutdown's deadline"
        );
        for connection in connections.lock().values() {
            connection.close.notify_one();
        }
    }
}

async fn run_connection(
    id: u64,
    stream: tokio::net::TcpStream,
    router: Router,
    connection: Arc<Connection>,
    connections: Arc<Connections>,
    mut stopped: watch::Receiver<bool>,
) {
    let tracked = connection.clone();
    let service = tower::service_fn(move |request| {
        let (router, tracked) = (router.clone(), tracked.clone());
        async move {
            tracked.requests.fetch_add(1, Ordering::SeqCst);
            let response = router.oneshot(request).await;
            *tracked
                .idle_since
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Instant::now();
            tracked.requests.fetch_sub(1, Ordering::SeqCst);
            response
        }
    });
    let served = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::pin!(served);
    let mut shutting_down = false;
    loop {
        tokio::select! {
            _ = &mut served => break,
            _ = connection.close.notified() => break,
            _ = stopped.wait_for(|stop| *stop), if !shutting_down => {
                // Finish the request in flight, take no other.
                served.as_mut().graceful_shutdown();
                shutting_down = true;
            }
        }
    }
    connections.lock().remove(&id);
    connections.closed.notify_waiters();
}
