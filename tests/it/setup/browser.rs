//! A small WebDriver client for chromedriver: just the commands a person's walk needs.

use super::free_port;
use crate::support::Http;
use base64::Engine;
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
/// The key under which WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Browser {
    http: Http,
    driver_url: String,
    /// `/session/<id>` once the browser runs.
    session: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    pub async fn start() -> Self {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("a profile directory");
        let mut browser = Self {
            http: Http::new(),
            driver_url: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            driver,
            _profile: profile,
        };
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let ready = browser.call("GET", "/status", None).await;
            if ready.is_ok_and(|status| status["ready"] == true) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "chromedriver did not get ready"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": CHROMIUM,
                    "args": [
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--window-size=1024,900",
                        format!("--user-data-dir={}", browser._profile.path().display()),
                    ],
                },
            }},
        });
        let created = browser
            .call("POST", "/session", Some(capabilities))
            .await
            .unwrap_or_else(|e| panic!("chromium starts: {e}"));
        let id = created["sessionId"]
            .as_str()
            .expect("a session id")
            .to_owned();
        browser.session = format!("/session/{id}");
        browser
    }

    /// One WebDriver command; its `value`, or the error WebDriver reported.
    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let (status, body) = self
            .http
            .try_send(
                method,
                &format!("{}{}{path}", self.driver_url, self.session),
                &[("content-type", "application/json".to_owned())],
                body.into_bytes(),
            )
            .await?;
        let mut answer: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
        let value = answer["value"].take();
        if (200..300).contains(&status) {
            Ok(value)
        } else {
            Err(format!(
                "{method} {path}: {} {}",
                value["error"], value["message"]
            ))
        }
    }

    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.call("POST", "/url", Some(json!({ "url": url })))
            .await?;
        Ok(())
    }

    pub async fn find(&self, css: &str) -> Result<String, String> {
        let found = self
            .call(
                "POST",
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await?;
        found[ELEMENT]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no element for {css}"))
    }

    pub async fn click(&self, element: &str) -> Result<(), String> {
        self.call(
            "POST",
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await?;
        Ok(())
    }

    pub async fn type_into(&self, element: &str, text: &str) -> Result<(), String> {
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        )
        .await?;
        Ok(())
    }

    pub async fn attribute(&self, element: &str, name: &str) -> Result<String, String> {
        let value = self
            .call("GET", &format!("/element/{element}/attribute/{name}"), None)
            .await?;
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no {name} attribute"))
    }

    /// The page's text as a person reads it. A click or a redirect may still be replacing
    /// the page, so a body that went stale is looked up again.
    pub async fn text(&self) -> Result<String, String> {
        let mut tries = 0;
        loop {
            let read = match self.find("body").await {
                Ok(body) => {
                    self.call("GET", &format!("/element/{body}/text"), None)
                        .await
                }
                Err(e) => Err(e),
            };
            match read {
                Ok(text) => return Ok(text.as_str().unwrap_or_default().to_owned()),
                Err(e) if page_replaced(&e) && tries < 50 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// The page's text once it shows `part`, or as it last read after ten seconds: the page
    /// a navigation or a click leads to may take a moment to replace the one before.
    pub async fn text_showing(&self, part: &str) -> Result<String, String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            let text = self.text().await?;
            if text.contains(part) || tokio::time::Instant::now() > deadline {
                return Ok(text);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the address contains `part`, and returns it.
    pub async fn wait_for_url(&self, part: &str) -> Result<String, String> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let url = self.call("GET", "/url", None).await?;
            let url = url.as_str().unwrap_or_default();
            if url.contains(part) {
                return Ok(url.to_owned());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("still on {url}, not on {part}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let png = self.call("GET", "/screenshot", None).await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap_or_default())
            .map_err(|e| e.to_string())?;
        std::fs::write(path, png).map_err(|e| e.to_string())
    }

    /// Closes the browser; chromedriver is stopped when the handle drops.
    pub async fn quit(self) {
        let _ = self.call("DELETE", "", None).await;
    }
}

/// Whether a WebDriver error means the page was being replaced (a redirect) as it was read;
/// Chromium words the same race in several ways.
fn page_replaced(error: &str) -> bool {
    [
        "stale element",
        "does not belong to the document",
        "no such element",
    ]
    .iter()
    .any(|race| error.contains(race))
}
