//! The task stories' stage: a repository on the fake GitHub, people labelling, closing and
//! commenting, and the events GitHub would send for each step, made from real payloads.

use crate::support::{Harness, REPO, real_payload, retarget};
use fake_github::{Issue, IssueSpec};
use serde_json::{Value, json};

pub const CONFIG_PATH: &str = ".github/switchyard.yml";

pub struct Story {
    pub h: Harness,
    /// The real `issues` `labeled` payload; its shape serves every issue action.
    issues: Value,
    /// The real `issue_comment` `created` payload.
    comment: Value,
}

impl Story {
    /// A story whose events are made from the real payloads beside the clone.
    pub async fn start() -> Story {
        Story {
            h: Harness::start().await,
            issues: payload("issues/labeled.payload.json"),
            comment: payload("issue_comment/created.payload.json"),
        }
    }

    /// A story on a repository whose default branch holds this configuration.
    pub async fn configured(config: &str) -> Story {
        let story = Story::start().await;
        story.h.gh.repo(REPO).file("main", CONFIG_PATH, config);
        story
    }

    /// Opens an issue (GitHub sends no event the App needs for that).
    pub fn issue(&self, title: &str, body: &str) -> u64 {
        self.h.gh.add_issue(
            REPO,
            IssueSpec {
                body: Some(body.to_owned()),
                ..IssueSpec::new(title)
            },
        )
    }

    pub async fn label(&self, number: u64, label: &str) {
        self.h.gh.label_issue(REPO, number, label);
        self.tell_issue("labeled", number, Some(label)).await;
    }

    pub async fn unlabel(&self, number: u64, label: &str) {
        self.h.gh.unlabel_issue(REPO, number, label);
        self.tell_issue("unlabeled", number, Some(label)).await;
    }

    pub async fn close(&self, number: u64) {
        self.h.gh.close_issue(REPO, number);
        self.tell_issue("closed", number, None).await;
    }

    pub async fn edit_body(&self, number: u64, body: &str) {
        self.h.gh.set_body(REPO, number, body);
        self.tell_issue("edited", number, None).await;
    }

    /// Someone renames a label in the repository's settings: GitHub renames it on every issue
    /// carrying it and sends one `label` event.
    pub async fn rename_label(&self, from: &str, to: &str) {
        self.h.gh.rename_label(REPO, from, to);
        let mut event = retarget(payload("label/edited.payload.json"), REPO);
        event["label"]["name"] = json!(to);
        event["changes"] = json!({ "name": { "from": from } });
        self.tell_label(&event).await;
    }

    /// Someone deletes a label in the repository's settings.
    pub async fn delete_label(&self, label: &str) {
        self.h.gh.delete_label(REPO, label);
        let mut event = retarget(payload("label/deleted.payload.json"), REPO);
        event["label"]["name"] = json!(label);
        self.tell_label(&event).await;
    }

    async fn tell_label(&self, event: &Value) {
        let (status, text) = self.h.deliver("label", event).await;
        assert_eq!(status, 202, "{text}");
    }

    /// Sends the `issues` event for an action on an issue, and expects it queued.
    pub async fn tell_issue(&self, action: &str, number: u64, label: Option<&str>) {
        let (status, text) = self
            .h
            .deliver("issues", &self.issue_event(action, number, label))
            .await;
        assert_eq!(status, 202, "{text}");
    }

    pub fn issue_event(&self, action: &str, number: u64, label: Option<&str>) -> Value {
        let mut payload = retarget(self.issues.clone(), REPO);
        payload["action"] = json!(action);
        payload["issue"]["number"] = json!(number);
        match label {
            Some(label) => payload["label"]["name"] = json!(label),
            None => {
                if let Some(fields) = payload.as_object_mut() {
                    fields.remove("label");
                }
            }
        }
        payload
    }

    /// `author` comments; GitHub's event is sent and its HTTP status returned.
    pub async fn comment(&self, number: u64, author: &str, body: &str) -> (u64, u16) {
        let id = self.h.gh.comment(REPO, number, author, body);
        let (status, _) = self
            .h
            .deliver(
                "issue_comment",
                &self.comment_event(number, id, author, body),
            )
            .await;
        (id, status)
    }

    pub fn comment_event(&self, number: u64, id: u64, author: &str, body: &str) -> Value {
        let mut payload = retarget(self.comment.clone(), REPO);
        let kind = if author.ends_with("[bot]") {
            "Bot"
        } else {
            "User"
        };
        payload["issue"]["number"] = json!(number);
        payload["comment"]["id"] = json!(id);
        payload["comment"]["body"] = json!(body);
        payload["comment"]["user"]["login"] = json!(author);
        payload["comment"]["user"]["type"] = json!(kind);
        payload["sender"]["login"] = json!(author);
        payload["sender"]["type"] = json!(kind);
        payload
    }

    pub async fn settle(&self) {
        self.h.settle().await;
    }

    pub fn labels(&self, number: u64) -> Vec<String> {
        let mut labels = self.h.gh.labels_of(REPO, number);
        labels.sort();
        labels
    }

    pub fn issue_now(&self, number: u64) -> Issue {
        self.h.gh.issue(REPO, number)
    }

    /// The App's one assignment comment on an issue.
    pub fn task_comment(&self, number: u64) -> String {
        let comments: Vec<String> = self
            .h
            .app_comments(number)
            .into_iter()
            .filter(|body| body.contains("<!-- switchyard:assign -->"))
            .collect();
        assert_eq!(comments.len(), 1, "one assignment comment on #{number}");
        comments[0].clone()
    }

    /// Every "Switchyard status" issue.
    pub fn boards(&self) -> Vec<Issue> {
        self.h
            .gh
            .issues(REPO)
            .into_iter()
            .filter(|issue| issue.title == "Switchyard status")
            .collect()
    }

    /// The one status board's body.
    pub fn board(&self) -> String {
        let boards = self.boards();
        assert_eq!(boards.len(), 1, "one status board");
        boards[0].body.clone().unwrap_or_default()
    }
}

fn payload(relative: &str) -> Value {
    serde_json::from_slice(&real_payload(relative)).expect("a real payload is JSON")
}
