//! The fields of GitHub's issue, comment and permission answers that the task rules read,
//! kept in the store as they came.

use crate::assign::{self, Access};
use crate::ids::IssueNumber;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GhIssue {
    pub number: u64,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    pub state: String,
    #[serde(default)]
    pub labels: Vec<Named>,
    #[serde(default)]
    pub assignees: Vec<Login>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub user: Option<Author>,
    /// Present on pull requests, which share the issues' numbers and endpoints.
    #[serde(default)]
    pub pull_request: Option<PullRequestLink>,
    #[serde(default)]
    pub performed_via_github_app: Option<AppRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Login {
    pub login: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Author {
    pub login: String,
    #[serde(rename = "type", default)]
    pub kind: String,
}

impl Author {
    pub fn is_bot(&self) -> bool {
        self.kind == "Bot" || self.login.ends_with("[bot]")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequestLink {}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppRef {
    pub id: u64,
}

/// Written by this App: GitHub names the App on what it performed; without that field, a bot
/// account is the best evidence there is.
fn by_app(user: Option<&Author>, via: Option<&AppRef>, app_id: u64) -> bool {
    match via {
        Some(app) => app.id == app_id,
        None => user.is_some_and(Author::is_bot),
    }
}

impl GhIssue {
    pub fn is_open(&self) -> bool {
        self.state == "open"
    }

    pub fn is_pull_request(&self) -> bool {
        self.pull_request.is_some()
    }

    pub fn body(&self) -> &str {
        self.body.as_deref().unwrap_or_default()
    }

    pub fn label_names(&self) -> Vec<String> {
        self.labels.iter().map(|l| l.name.clone()).collect()
    }

    pub fn by_app(&self, app_id: u64) -> bool {
        by_app(
            self.user.as_ref(),
            self.performed_via_github_app.as_ref(),
            app_id,
        )
    }

    /// As the rules read it; `open` is what the snapshot knows of its state, which may be
    /// fresher than this copy.
    pub fn to_issue(&self, open: bool) -> assign::Issue {
        assign::Issue {
            number: IssueNumber(self.number),
            title: self.title.clone(),
            body: self.body().to_owned(),
            labels: self.label_names(),
            assignees: self.assignees.iter().map(|a| a.login.clone()).collect(),
            created_at: self.created_at,
            open,
            pull_request: self.is_pull_request(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GhComment {
    pub id: u64,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub user: Option<Author>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub performed_via_github_app: Option<AppRef>,
}

impl GhComment {
    pub fn body(&self) -> &str {
        self.body.as_deref().unwrap_or_default()
    }

    pub fn by_app(&self, app_id: u64) -> bool {
        by_app(
            self.user.as_ref(),
            self.performed_via_github_app.as_ref(),
            app_id,
        )
    }
}

/// `GET /repos/{owner}/{repo}/collaborators/{user}/permission`, read with our own type:
/// `role_name` may name a custom role, which octocrab's model does not accept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Permission {
    pub permission: String,
    #[serde(default)]
    pub role_name: Option<String>,
}

impl Permission {
    pub fn access(&self) -> Access {
        Access::from_github(&self.permission, self.role_name.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pull_requests_are_told_apart_from_issues() {
        let issue: GhIssue = serde_json::from_str(
            r#"{"number": 3, "title": "t", "body": null, "state": "open", "labels": [{"name": "parallel"}],
                "assignees": [], "created_at": "2024-01-01T00:00:00Z", "user": {"login": "a", "type": "User"},
                "pull_request": {"url": "x", "merged_at": null}}"#,
        )
        .unwrap();
        assert!(issue.is_pull_request() && issue.is_open());
        assert_eq!(issue.to_issue(true).labels, ["parallel"]);
        let round: GhIssue = serde_json::from_str(&serde_json::to_string(&issue).unwrap()).unwrap();
        assert_eq!(round, issue);
    }

    #[test]
    fn own_writing_is_told_by_the_app_id_when_github_gives_it() {
        let comment = |via: Option<u64>, kind: &str| GhComment {
            id: 1,
            body: None,
            user: Some(Author {
                login: "x[bot]".into(),
                kind: kind.into(),
            }),
            created_at: None,
            performed_via_github_app: via.map(|id| AppRef { id }),
        };
        assert!(comment(Some(42), "Bot").by_app(42));
        assert!(!comment(Some(7), "Bot").by_app(42));
        assert!(comment(None, "Bot").by_app(42));
    }

    #[test]
    fn permission_reads_custom_roles() {
        let answer: Permission = serde_json::from_str(
            r#"{"permission": "write", "role_name": "deploy-bots", "user": {"login": "a"}}"#,
        )
        .unwrap();
        assert_eq!(answer.access(), Access::Write);
        let maintainer: Permission =
            serde_json::from_str(r#"{"permission": "write", "role_name": "maintain"}"#).unwrap();
        assert_eq!(maintainer.access(), Access::Maintain);
    }
}
