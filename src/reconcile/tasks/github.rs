//! How the task rules read GitHub's issues and permission answers.

use crate::assign::{self, Access};
use crate::github::models::{GhIssue, Permission};

impl GhIssue {
    /// As the rules read it; `open` is what the snapshot knows of its state, which may be
    /// fresher than this copy.
    pub fn to_issue(&self, open: bool) -> assign::Issue {
        assign::Issue {
            number: self.number,
            title: self.title.clone(),
            body: self.body().to_owned(),
            labels: self.label_names(),
            assignees: self.assignees.iter().map(|a| a.login.clone()).collect(),
            created_at: self.created_at,
            open,
            pull_request: self.is_pull_request(),
            linked_blockers: Vec::new(),
            sub_issues: Vec::new(),
        }
    }
}

impl Permission {
    pub fn access(&self) -> Access {
        Access::from_github(&self.permission, self.role_name.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::models::{AppRef, GhComment, User};
    use crate::ids::{AppId, CommentId};

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
            id: CommentId(1),
            body: None,
            user: Some(User {
                login: "x[bot]".into(),
                kind: kind.into(),
            }),
            created_at: None,
            performed_via_github_app: via.map(|id| AppRef { id: AppId(id) }),
        };
        assert!(comment(Some(42), "Bot").by_app(AppId(42)));
        assert!(!comment(Some(7), "Bot").by_app(AppId(42)));
        assert!(comment(None, "Bot").by_app(AppId(42)));
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
