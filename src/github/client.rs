//! One installation's client: every call counted, 5xx and rate limits retried with the
//! waits GitHub asks for (creates excepted), pages followed, reads made conditional, and
//! every request within the installation's budget (see [`super::budget`]).

use super::budget::{Budget, Limit, now_ms};
use super::endpoint::endpoint_template;
use super::error::GitHubError;
use crate::ids::InstallationId;
use crate::metrics::Metrics;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode, Uri};
use http_body_util::BodyExt;
use octocrab::Octocrab;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

/// A request as GitHub's REST API asks to be called: its media type and API version.
pub fn api_request(method: Method, uri: Uri) -> http::request::Builder {
    http::Request::builder()
        .method(method)
        .uri(uri)
        .header(http::header::ACCEPT, "application/vnd.github+json")
        .header("x-github-api-version", "2022-11-28")
}

#[derive(Debug, Clone)]
pub struct RetrySettings {
    /// Tries per request, the first included.
    pub max_tries: u32,
    /// First wait after a 5xx; doubles each time.
    pub backoff: Duration,
    /// The longest wait we sit through inside one job; a longer one ends the job, which the
    /// queue runs again when the limit resets.
    pub max_wait: Duration,
    /// A whole request, connection and body included.
    pub request_timeout: Duration,
    /// The least time between two writes of one installation, across workers and instances.
    pub write_interval: Duration,
}

/// GitHub asks Apps to wait at least a second between writes of one installation.
pub const DEFAULT_WRITE_INTERVAL: Duration = Duration::from_secs(1);

impl Default for RetrySettings {
    fn default() -> Self {
        Self {
            max_tries: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            write_interval: DEFAULT_WRITE_INTERVAL,
        }
    }
}

/// A conditional read's result.
pub enum Conditional<T> {
    /// 304: what we cached under this ETag is still current.
    NotModified,
    Fresh {
        value: T,
        etag: Option<String>,
    },
}

pub(crate) struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Sends requests through octocrab with the credentials we give it, counting each call.
#[derive(Clone)]
pub(crate) struct Transport {
    pub octocrab: Octocrab,
    pub base: Uri,
    pub metrics: Arc<Metrics>,
    pub retry: RetrySettings,
    /// The App's installations' budgets; none for a client acting with a person's token.
    pub budget: Option<Arc<Budget>>,
}

impl Transport {
    /// Turns a path or an absolute URL GitHub gave us (a `Link` header) into a request URI,
    /// refusing a host other than the API's so credentials never leave it.
    fn uri(&self, path_or_url: &str) -> Result<Uri, GitHubError> {
        let bad = |reason: &str| GitHubError::Decode {
            endpoint: path_or_url.to_owned(),
            reason: reason.to_owned(),
        };
        let uri: Uri = path_or_url.parse().map_err(|_| bad("not a URL"))?;
        if uri.authority().is_some() && uri.authority() != self.base.authority() {
            return Err(bad("points away from the configured API host"));
        }
        uri.path_and_query()
            .ok_or_else(|| bad("has no path"))?
            .as_str()
            .parse()
            .map_err(|_| bad("not a URL"))
    }

    async fn once(
        &self,
        method: &Method,
        uri: &Uri,
        auth: &str,
        body: Option<&serde_json::Value>,
        etag: Option<&str>,
    ) -> Result<Response, String> {
        let mut builder =
            api_request(method.clone(), uri.clone()).header(http::header::AUTHORIZATION, auth);
        if let Some(etag) = etag {
            builder = builder.header(http::header::IF_NONE_MATCH, etag);
        }
        let request = self
            .octocrab
            .build_request(builder, body)
            .map_err(|e| e.to_string())?;
        let exchange = async {
            let response = self
                .octocrab
                .execute(request)
                .await
                .map_err(|e| e.to_string())?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
            Ok::<_, String>(Response {
                status: parts.status,
                headers: parts.headers,
                body,
            })
        };
        tokio::time::timeout(self.retry.request_timeout, exchange)
            .await
            .map_err(|_| "timed out".to_owned())?
    }

    /// One logical request with GitHub's retry etiquette; an installation's request waits for
    /// its budget, and what the answer says of the rate limits is kept there for the others.
    pub async fn send(
        &self,
        method: Method,
        path_or_url: &str,
        auth: &str,
        body: Option<&serde_json::Value>,
        etag: Option<&str>,
        installation: Option<InstallationId>,
    ) -> Result<Response, GitHubError> {
        let uri = self.uri(path_or_url)?;
        let endpoint = endpoint_template(uri.path());
        // A POST creates something: after a 5xx or a lost answer we cannot know whether it
        // did, so it is never repeated here; the next reconcile reads first and then decides.
        let repeatable = method != Method::POST;
        let write = method != Method::GET && method != Method::HEAD;
        let budget = self.budget.as_deref().zip(installation);
        let mut tries = 0;
        loop {
            tries += 1;
            let turn = match budget {
                Some((budget, id)) if write => {
                    Some(budget.before_write(id, self.retry.max_wait).await?)
                }
                Some((budget, id)) => {
                    budget.before_read(id, self.retry.max_wait).await?;
                    None
                }
                None => None,
            };
            let outcome = self.once(&method, &uri, auth, body, etag).await;
            let response = match outcome {
                Ok(response) => response,
                Err(reason) => {
                    drop(turn);
                    self.metrics.api_call(&endpoint, 0);
                    if repeatable && tries < self.retry.max_tries {
                        tokio::time::sleep(self.backoff(tries)).await;
                        continue;
                    }
                    return Err(GitHubError::Transport {
                        method: method.to_string(),
                        endpoint,
                        reason,
                    });
                }
            };
            self.metrics.api_call(&endpoint, response.status.as_u16());
            if let Some(remaining) = header_i64(&response.headers, "x-ratelimit-remaining") {
                self.metrics.rate_limit_remaining(remaining);
            }
            if let (Some((budget, id)), Some(limit)) = (budget, limit_seen(&response, now_ms())) {
                budget.observe(id, write, limit).await?;
            }
            drop(turn);
            let answer = classify(&response);
            let wait = match answer {
                Answer::Done => return Ok(response),
                Answer::ServerError if repeatable => {
                    retry_after(&response.headers).unwrap_or_else(|| self.backoff(tries))
                }
                Answer::ServerError => return Ok(response),
                Answer::RateLimited(wait) => wait,
            };
            if tries >= self.retry.max_tries || wait > self.retry.max_wait {
                if answer == Answer::ServerError {
                    return Ok(response);
                }
                return Err(GitHubError::RateLimited {
                    until: chrono::Utc::now().timestamp() + wait.as_secs().max(1) as i64,
                });
            }
            tracing::debug!(%endpoint, status = response.status.as_u16(), ?wait, "waiting before retry");
            // An installation's budget holds the pause and waits it out before the next try.
            if budget.is_none() || answer == Answer::ServerError {
                tokio::time::sleep(wait).await;
            }
        }
    }

    fn backoff(&self, tries: u32) -> Duration {
        self.retry.backoff * 2u32.saturating_pow(tries.saturating_sub(1).min(10))
    }
}

#[derive(Debug, PartialEq)]
enum Answer {
    Done,
    ServerError,
    RateLimited(Duration),
}

fn header_i64(headers: &HeaderMap, name: &str) -> Option<i64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_i64(headers, "retry-after").map(|s| Duration::from_secs(s.max(0) as u64))
}

/// The rate limit an answer reports, with when it ends (unix milliseconds at `now`): as
/// [`classify`] tells them apart, and also a success that spent the hour's last request.
fn limit_seen(response: &Response, now: i64) -> Option<Limit> {
    let spent_until = || {
        (header_i64(&response.headers, "x-ratelimit-remaining") == Some(0))
            .then(|| header_i64(&response.headers, "x-ratelimit-reset").unwrap_or(0) * 1000)
            .filter(|&reset| reset > now)
    };
    match classify(response) {
        Answer::RateLimited(wait) => {
            let until = now + wait.as_millis() as i64;
            if retry_after(&response.headers).is_none()
                && let Some(reset) = spent_until()
            {
                return Some(Limit::Primary { until: reset });
            }
            Some(Limit::Secondary { until })
        }
        _ => spent_until().map(|until| Limit::Primary { until }),
    }
}

/// GitHub's rules: a 403 or 429 with `retry-after` is a secondary rate limit; with
/// `x-ratelimit-remaining: 0` the primary one, until `x-ratelimit-reset`; a secondary limit
/// without a header asks for at least a minute.
fn classify(response: &Response) -> Answer {
    let status = response.status;
    if status.is_server_error() {
        return Answer::ServerError;
    }
    if status != StatusCode::FORBIDDEN && status != StatusCode::TOO_MANY_REQUESTS {
        return Answer::Done;
    }
    if let Some(wait) = retry_after(&response.headers) {
        return Answer::RateLimited(wait);
    }
    if header_i64(&response.headers, "x-ratelimit-remaining") == Some(0) {
        let reset = header_i64(&response.headers, "x-ratelimit-reset").unwrap_or(0);
        let now = chrono::Utc::now().timestamp();
        return Answer::RateLimited(Duration::from_secs((reset - now).max(1) as u64));
    }
    let body = String::from_utf8_lossy(&response.body).to_ascii_lowercase();
    if body.contains("secondary rate limit") || status == StatusCode::TOO_MANY_REQUESTS {
        return Answer::RateLimited(Duration::from_secs(60));
    }
    Answer::Done
}

pub(super) fn error_for(method: &Method, path: &str, response: &Response) -> GitHubError {
    #[derive(serde::Deserialize)]
    struct Message {
        message: String,
    }
    let message = serde_json::from_slice::<Message>(&response.body)
        .map(|m| m.message)
        .unwrap_or_else(|_| {
            String::from_utf8_lossy(&response.body)
                .chars()
                .take(200)
                .collect()
        });
    GitHubError::Status {
        method: method.to_string(),
        endpoint: endpoint_template(path),
        status: response.status.as_u16(),
        message,
    }
}

pub(super) fn decode<T: DeserializeOwned>(path: &str, body: &[u8]) -> Result<T, GitHubError> {
    serde_json::from_slice(body).map_err(|e| GitHubError::Decode {
        endpoint: endpoint_template(path),
        reason: e.to_string(),
    })
}

/// `rel="next"` of a `Link` header.
pub(super) fn next_link(headers: &HeaderMap) -> Option<String> {
    let link = headers.get(http::header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params
            .split(';')
            .any(|p| p.trim() == r#"rel="next""#)
            .then(|| {
                url.trim()
                    .trim_start_matches('<')
                    .trim_end_matches('>')
                    .to_owned()
            })
    })
}

/// A client acting as one installation, with a token that the App renews.
#[derive(Clone)]
pub struct InstallationClient {
    pub(crate) transport: Transport,
    pub(crate) auth: String,
    /// The installation whose budget its requests keep; none for a person's token.
    pub(crate) installation: Option<InstallationId>,
}

impl InstallationClient {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
        etag: Option<&str>,
    ) -> Result<Response, GitHubError> {
        let response = self
            .transport
            .send(
                method.clone(),
                path,
                &self.auth,
                body,
                etag,
                self.installation,
            )
            .await?;
        if response.status.is_success() || response.status == StatusCode::NOT_MODIFIED {
            Ok(response)
        } else {
            Err(error_for(&method, path, &response))
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, GitHubError> {
        let response = self.call(Method::GET, path, None, None).await?;
        decode(path, &response.body)
    }

    /// A GET that costs nothing when what we hold under `etag` is still current.
    pub async fn get_conditional<T: DeserializeOwned>(
        &self,
        path: &str,
        etag: Option<&str>,
    ) -> Result<Conditional<T>, GitHubError> {
        let response = self.call(Method::GET, path, None, etag).await?;
        if response.status == StatusCode::NOT_MODIFIED {
            return Ok(Conditional::NotModified);
        }
        let etag = response
            .headers
            .get(http::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Conditional::Fresh {
            value: decode(path, &response.body)?,
            etag,
        })
    }

    /// Every page of a list endpoint, following GitHub's `Link` headers (absolute URLs,
    /// which we send with our own credentials as long as they point at the API host).
    pub async fn get_all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, GitHubError> {
        self.get_pages(path, |page: Vec<T>| page).await
    }

    /// Like [`Self::get_all`] for endpoints that wrap each page in an object.
    pub async fn get_pages<P: DeserializeOwned, T>(
        &self,
        path: &str,
        items: impl Fn(P) -> Vec<T>,
    ) -> Result<Vec<T>, GitHubError> {
        let mut all = Vec::new();
        let mut next = Some(path.to_owned());
        while let Some(url) = next {
            let response = self.call(Method::GET, &url, None, None).await?;
            all.extend(items(decode(&url, &response.body)?));
            next = next_link(&response.headers);
        }
        Ok(all)
    }

    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        let body = to_value(path, body)?;
        let response = self.call(Method::POST, path, Some(&body), None).await?;
        decode(path, &response.body)
    }

    pub async fn patch<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, GitHubError> {
        let body = to_value(path, body)?;
        let response = self.call(Method::PATCH, path, Some(&body), None).await?;
        decode(path, &response.body)
    }

    pub async fn delete(&self, path: &str) -> Result<(), GitHubError> {
        self.call(Method::DELETE, path, None, None).await.map(drop)
    }

    /// A DELETE that names in its body what to remove (an issue's assignees, say).
    pub async fn delete_with<B: Serialize>(&self, path: &str, body: &B) -> Result<(), GitHubError> {
        let body = to_value(path, body)?;
        self.call(Method::DELETE, path, Some(&body), None)
            .await
            .map(drop)
    }
}

fn to_value<B: Serialize>(path: &str, body: &B) -> Result<serde_json::Value, GitHubError> {
    serde_json::to_value(body).map_err(|e| GitHubError::Decode {
        endpoint: endpoint_template(path),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(
                http::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        Response {
            status: StatusCode::from_u16(status).unwrap(),
            headers: map,
            body: Bytes::from(body.to_owned()),
        }
    }

    #[test]
    fn rate_limits_are_told_apart() {
        assert_eq!(classify(&response(200, &[], "")), Answer::Done);
        assert_eq!(classify(&response(404, &[], "")), Answer::Done);
        assert_eq!(classify(&response(502, &[], "")), Answer::ServerError);
        assert_eq!(
            classify(&response(403, &[("retry-after", "3")], "")),
            Answer::RateLimited(Duration::from_secs(3))
        );
        assert_eq!(
            classify(&response(
                403,
                &[],
                r#"{"message":"You have exceeded a secondary rate limit"}"#
            )),
            Answer::RateLimited(Duration::from_secs(60))
        );
        assert_eq!(
            classify(&response(
                403,
                &[],
                r#"{"message":"Resource not accessible by integration"}"#
            )),
            Answer::Done
        );
        let reset = (chrono::Utc::now().timestamp() + 30).to_string();
        match classify(&response(
            403,
            &[
                ("x-ratelimit-remaining", "0"),
                ("x-ratelimit-reset", &reset),
            ],
            "",
        )) {
            Answer::RateLimited(wait) => assert!(wait.as_secs() >= 29 && wait.as_secs() <= 30),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_limit_on_the_answer_says_until_when_and_which() {
        let now = chrono::Utc::now().timestamp() * 1000;
        let reset = (now / 1000 + 30).to_string();
        let spent = [
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", reset.as_str()),
        ];
        assert_eq!(
            limit_seen(&response(403, &[("retry-after", "3")], ""), now),
            Some(Limit::Secondary { until: now + 3000 })
        );
        assert_eq!(
            limit_seen(&response(403, &spent, ""), now),
            Some(Limit::Primary {
                until: (now / 1000 + 30) * 1000
            })
        );
        assert_eq!(
            limit_seen(&response(200, &spent, "{}"), now),
            Some(Limit::Primary {
                until: (now / 1000 + 30) * 1000
            }),
            "the hour's last request went through; the next would not"
        );
        assert_eq!(
            limit_seen(&response(200, &[("x-ratelimit-remaining", "9")], ""), now),
            None
        );
        assert_eq!(limit_seen(&response(502, &spent[..1], ""), now), None);
    }

    #[test]
    fn next_link_is_found_among_others() {
        let r = response(
            200,
            &[(
                "link",
                r#"<http://h/x?page=3>; rel="last", <http://h/x?page=2>; rel="next""#,
            )],
            "",
        );
        assert_eq!(next_link(&r.headers).as_deref(), Some("http://h/x?page=2"));
        assert_eq!(next_link(&response(200, &[], "").headers), None);
    }
}
