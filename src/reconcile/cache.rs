//! Reads and writes of the store's caches as JSON, and GETs made conditional on them.

use super::error::ReconcileError;
use crate::github::{Conditional, GitHubError};
use crate::store::{self, CacheKind, SharedStore, StoreError};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

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
pub async fn read_through<T, F, Fut>(
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

/// Like [`read_through`] for a resource that must exist: a 404 is an error.
pub async fn read_required<T, F, Fut>(
    store: &SharedStore,
    kind: CacheKind,
    key: String,
    fetch: F,
) -> Result<T, ReconcileError>
where
    T: Serialize + DeserializeOwned + Send + 'static,
    F: FnOnce(Option<String>) -> Fut,
    Fut: Future<Output = Result<Conditional<T>, GitHubError>>,
{
    read_tagged(store, kind, key, fetch).await??.ok_or_else(|| {
        GitHubError::Status {
            method: "GET".into(),
            endpoint: kind.as_str().into(),
            status: 404,
            message: "Not Found".into(),
        }
        .into()
    })
}
