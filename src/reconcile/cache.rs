//! Reads and writes of the store's caches as JSON, and GETs made conditional on them; and
//! [`Reads`], the one layer through which a reconcile keeps or reads again what its triggers
//! made stale.

use super::error::ReconcileError;
use super::stale::Stale;
use crate::github::{Conditional, GitHubError, RepoClient};
use crate::ids::{IssueNumber, RepoName};
use crate::store::{self, CacheKind, SharedStore, StoreError};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::collections::HashSet;
use std::sync::Mutex;

/// One reconcile's reads of what GitHub holds, kept in the store by kind: taken as kept unless
/// the claim's triggers made an entry stale, and then read again through its ETag, once: an
/// entry read again is current for the rest of the reconcile, however many parts of it ask
/// (the merge-group runs and the snapshot both read the repository and its configuration).
pub struct Reads {
    stale: Stale,
    read_again: Mutex<HashSet<(CacheKind, String)>>,
}

impl Reads {
    pub fn new(stale: Stale) -> Reads {
        Reads {
            stale,
            read_again: Mutex::new(HashSet::new()),
        }
    }

    pub fn stale(&self) -> &Stale {
        &self.stale
    }

    /// Whether the entry of `kind` about `number` (or about the whole repository) is to be
    /// read again: the triggers made it stale and this reconcile has not read it yet.
    pub fn is_stale(&self, kind: CacheKind, repo: &RepoName, number: Option<IssueNumber>) -> bool {
        self.stale.is_stale(kind, number) && !self.was_read(kind, &key(repo, number))
    }

    fn was_read(&self, kind: CacheKind, key: &str) -> bool {
        let read = self.read_again.lock().unwrap_or_else(|e| e.into_inner());
        read.contains(&(kind, key.to_owned()))
    }

    /// The entry as kept, unless it [`is_stale`](Reads::is_stale); `None` when it is, or when
    /// nothing is kept.
    pub async fn kept<T: DeserializeOwned + Send + 'static>(
        &self,
        store: &SharedStore,
        kind: CacheKind,
        repo: &RepoName,
        number: Option<IssueNumber>,
    ) -> Result<Option<T>, StoreError> {
        if self.is_stale(kind, repo, number) {
            return Ok(None);
        }
        last_read(store, kind, key(repo, number)).await
    }

    /// The entry as [kept](Reads::kept), else [read](Reads::read). `Ok(None)` is a 404.
    pub async fn kept_or_read<T, F, Fut>(
        &self,
        client: &RepoClient,
        store: &SharedStore,
        kind: CacheKind,
        number: Option<IssueNumber>,
        fetch: F,
    ) -> Result<Option<T>, ReconcileError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(Option<String>) -> Fut,
        Fut: Future<Output = Result<Conditional<T>, GitHubError>>,
    {
        match self.kept(store, kind, client.repo(), number).await? {
            Some(kept) => Ok(Some(kept)),
            None => self.read(client, store, kind, number, fetch).await,
        }
    }

    /// Like [`Reads::kept_or_read`] for a resource that must exist: a 404 is an error.
    pub async fn kept_or_required<T, F, Fut>(
        &self,
        client: &RepoClient,
        store: &SharedStore,
        kind: CacheKind,
        number: Option<IssueNumber>,
        fetch: F,
    ) -> Result<T, ReconcileError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(Option<String>) -> Fut,
        Fut: Future<Output = Result<Conditional<T>, GitHubError>>,
    {
        self.kept_or_read(client, store, kind, number, fetch)
            .await?
            .ok_or_else(|| {
                GitHubError::Status {
                    method: "GET".into(),
                    endpoint: kind.as_str().into(),
                    status: 404,
                    message: "Not Found".into(),
                }
                .into()
            })
    }

    /// The entry read from GitHub through the ETag kept with it, and kept. `Ok(None)` is a
    /// 404, which forgets what was kept.
    pub async fn read<T, F, Fut>(
        &self,
        client: &RepoClient,
        store: &SharedStore,
        kind: CacheKind,
        number: Option<IssueNumber>,
        fetch: F,
    ) -> Result<Option<T>, ReconcileError>
    where
        T: Serialize + DeserializeOwned + Send + 'static,
        F: FnOnce(Option<String>) -> Fut,
        Fut: Future<Output = Result<Conditional<T>, GitHubError>>,
    {
        let read = read_through(store, kind, key(client.repo(), number), fetch).await?;
        self.mark_read(kind, client.repo(), number);
        Ok(read)
    }

    fn mark_read(&self, kind: CacheKind, repo: &RepoName, number: Option<IssueNumber>) {
        let mut read = self.read_again.lock().unwrap_or_else(|e| e.into_inner());
        read.insert((kind, key(repo, number)));
    }
}

/// Where an entry about the repository, or about one number in it, is kept.
pub fn key(repo: &RepoName, number: Option<IssueNumber>) -> String {
    match number {
        Some(number) => format!("{repo}:{}", number.0),
        None => repo.to_string(),
    }
}

pub async fn cached<T: DeserializeOwned + Send + 'static>(
    store: &SharedStore,
    kind: CacheKind,
    key: String,
) -> Result<Option<T>, StoreError> {
    let bytes = store::blocking(store, move |s| s.cache_get(kind, &key)).await?;
    Ok(bytes.and_then(|b| serde_json::from_slice(&b).ok()))
}

/// [`cached`] for many keys with one trip to the store, in the keys' order.
pub async fn cached_many<T: DeserializeOwned + Send + 'static>(
    store: &SharedStore,
    kind: CacheKind,
    keys: Vec<String>,
) -> Result<Vec<Option<T>>, StoreError> {
    let values = store::blocking(store, move |s| s.cache_get_many(kind, &keys)).await?;
    Ok(values
        .into_iter()
        .map(|bytes| bytes.and_then(|b| serde_json::from_slice(&b).ok()))
        .collect())
}

pub async fn store_cache<T: Serialize>(
    store: &SharedStore,
    kind: CacheKind,
    key: String,
    value: &T,
) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store::blocking(store, move |s| s.cache_put(kind, &key, &bytes)).await
}

/// A response kept with the ETag it came with.
#[derive(Serialize, Deserialize)]
struct Tagged<T> {
    etag: Option<String>,
    value: T,
}

/// What [`read_through`] keeps under `kind`/`key`, without asking GitHub.
pub async fn last_read<T: DeserializeOwned + Send + 'static>(
    store: &SharedStore,
    kind: CacheKind,
    key: String,
) -> Result<Option<T>, StoreError> {
    Ok(cached::<Tagged<T>>(store, kind, key)
        .await?
        .map(|tagged| tagged.value))
}

/// A read made conditional on what we cached under `kind`/`key`: `fetch` is given its ETag.
/// A 404 forgets what was cached and is handed back; `None` is a 304 with nothing cached.
async fn read_tagged<T, F, Fut>(
    store: &SharedStore,
    kind: CacheKind,
    key: String,
    fetch: F,
) -> Result<Result<Option<T>, GitHubError>, StoreError>
where
    T: Serialize + DeserializeOwned + Send + 'static,
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = Result<Conditional<T>, GitHubError>>,
{
    let cached_entry: Option<Tagged<T>> = cached(store, kind, key.clone()).await?;
    let etag = cached_entry.as_ref().and_then(|h| h.etag.clone());
    match fetch(etag).await {
        Ok(Conditional::NotModified) => Ok(Ok(cached_entry.map(|h| h.value))),
        Ok(Conditional::Fresh { value, etag }) => {
            let tagged = Tagged { etag, value };
            store_cache(store, kind, key, &tagged).await?;
            Ok(Ok(Some(tagged.value)))
        }
        Err(e) => {
            if e.is_not_found() {
                store::blocking(store, move |s| s.cache_delete(kind, &key)).await?;
            }
            Ok(Err(e))
        }
    }
}

/// A read made conditional on what we cached under `kind`/`key`. `Ok(None)` is a 404.
async fn read_through<T, F, Fut>(
    store: &SharedStore,
    kind: CacheKind,
    key: String,
    fetch: F,
) -> Result<Option<T>, ReconcileError>
where
    T: Serialize + DeserializeOwned + Send + 'static,
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = Result<Conditional<T>, GitHubError>>,
{
    match read_tagged(store, kind, key, fetch).await? {
        Ok(value) => Ok(value),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}
