//! The fields of GitHub's responses that Switchyard reads. Small structs of our own rather
//! than octocrab's models, so a field GitHub adds, drops or reshapes elsewhere never breaks us.

use crate::ids::{CheckRunId, PrNumber, Sha};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Repository {
    pub full_name: String,
    pub default_branch: String,
    /// The repository's page, on github.com or on a GitHub Enterprise Server.
    pub html_url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub login: String,
    #[serde(rename = "type", default)]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    #[serde(rename = "ref")]
    pub name: String,
    pub sha: Sha,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Label {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    pub number: PrNumber,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    #[serde(default)]
    pub draft: bool,
    pub user: User,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub head: Branch,
    pub base: Branch,
    #[serde(default)]
    pub merged_at: Option<chrono::DateTime<chrono::Utc>>,
    pub html_url: String,
    #[serde(default)]
    pub labels: Vec<Label>,
}

impl PullRequest {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InstallationToken {
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Content {
    pub sha: Sha,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub encoding: String,
}

impl Content {
    /// The file's text; GitHub sends base64 with line breaks.
    pub fn text(&self) -> Option<String> {
        use base64::Engine;
        if self.encoding != "base64" {
            return None;
        }
        let compact: String = self.content.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(compact)
            .ok()?;
        String::from_utf8(bytes).ok()
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckRunList {
    pub check_runs: Vec<CheckRun>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckRun {
    pub id: CheckRunId,
    pub name: String,
    pub head_sha: Sha,
    #[serde(default)]
    pub app: Option<AppRef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AppRef {
    pub id: u64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Created {
    pub id: u64,
}
