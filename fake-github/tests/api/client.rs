//! A bare HTTP client, so tests control every header (or leave credentials out).

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Request};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fake_github::FakeGitHub;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

pub struct Api {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
    authorization: Option<String>,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub text: String,
    /// The body as JSON, or `Null` when it is empty or not JSON.
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The URL of a `Link` relation, e.g. `next`.
    pub fn link(&self, rel: &str) -> Option<String> {
        let marker = format!("rel=\"{rel}\"");
        self.header("link")?
            .split(", ")
            .find(|part| part.ends_with(&marker))
            .map(|part| part[1..part.find('>').expect("link has a URL")].to_owned())
    }
}

impl Api {
    /// A client that sends no credentials.
    pub fn anonymous(gh: &FakeGitHub) -> Self {
        Api {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: gh.url().to_owned(),
            authorization: None,
        }
    }

    /// A client using a fresh installation token.
    pub fn installation(gh: &FakeGitHub, installation_id: u64) -> Self {
        Self::anonymous(gh)
            .with_authorization(format!("token {}", gh.installation_token(installation_id)))
    }

    pub fn with_authorization(mut self, value: String) -> Self {
        self.authorization = Some(value);
        self
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send("POST", path, Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send("PATCH", path, Some(body), &[]).await
    }

    pub async fn post_text(&self, path: &str, text: &str) -> Reply {
        self.exchange("POST", path, Bytes::from(text.to_owned()), &[])
            .await
    }

    /// `path` may be a path or an absolute URL (from a `Link` header).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let body = body
            .map(|body| Bytes::from(body.to_string()))
            .unwrap_or_default();
        self.exchange(method, path, body, headers).await
    }

    async fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Bytes,
        headers: &[(&str, &str)],
    ) -> Reply {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("{}{path}", self.base)
        };
        let mut request = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(url);
        if let Some(authorization) = &self.authorization {
            request = request.header("authorization", authorization);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .client
            .request(request.body(Full::new(body)).unwrap())
            .await
            .expect("fake answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body arrives")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }
}

/// An unsigned JWT with these claims; the fake checks claims, not signatures.
pub fn jwt(claims: Value) -> String {
    let encode = |value: &str| URL_SAFE_NO_PAD.encode(value);
    format!(
        "{}.{}.{}",
        encode(r#"{"alg":"RS256","typ":"JWT"}"#),
        encode(&claims.to_string()),
        encode("signature")
    )
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}
