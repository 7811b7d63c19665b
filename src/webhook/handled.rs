//! Every event the App reads, one entry each: its `X-GitHub-Event` name, whether the App
//! subscribes to it, the actions that may ask for work, the payload type it is read as, and
//! what it asks for. A new event is its entry here and its variant of [`Event`]; then the rule
//! that acts on its trigger, and `app-manifest.yml`.

use super::event::{
    CheckRunPayload, CheckSuitePayload, Event, EventError, InstallationPayload,
    InstallationRepositoriesPayload, IssueCommentPayload, IssuesPayload, LabelPayload,
    MergeGroupPayload, PullRequestPayload, PushPayload, ReviewPayload,
};
use super::relations::{IssueDependenciesPayload, SubIssuesPayload};
use crate::assign::COMMAND_PREFIX;
use crate::ids::{InstallationId, RepoName};
use crate::jobs::{JobRequest, RECOMPUTE_ACTION, RepoChange, Trigger};
use serde::de::DeserializeOwned;

/// One event the App reads.
pub(super) struct Handled {
    /// The `X-GitHub-Event` header.
    pub name: &'static str,
    /// Whether `app-manifest.yml` subscribes to it; GitHub sends the others to every App.
    pub subscribed: bool,
    /// The actions that may ask for work, judged from the names alone (all that GitHub's log
    /// of deliveries gives).
    pub actions: Actions,
    /// Why a delivery with any other action asks for nothing.
    pub otherwise: &'static str,
    /// The payload read into our own event, as the payload type it names.
    pub read: fn(&[u8]) -> serde_json::Result<Event>,
    /// What a delivery with one of the actions asks for.
    pub asks: fn(&Event) -> Asks,
}

pub(super) enum Actions {
    /// Every delivery may ask for work: the event has no actions, or its payload decides.
    Any,
    Only(&'static [&'static str]),
    /// No delivery asks for anything.
    Never,
}

impl Actions {
    pub fn admit(&self, action: Option<&str>) -> bool {
        match self {
            Actions::Any => true,
            Actions::Only(names) => action.is_some_and(|action| names.contains(&action)),
            Actions::Never => false,
        }
    }
}

/// What one delivery asks for.
pub(super) enum Asks {
    /// Nothing; why, for the log.
    Nothing(&'static str),
    /// A reconcile of the event's repository, for these reasons.
    Reconcile(Vec<Trigger>),
    /// Changes to the repositories the App serves, and the reconciles they need.
    Repositories {
        changes: Vec<RepoChange>,
        jobs: Vec<JobRequest>,
    },
}

/// Why a delivery of a handled event with an action not listed asks for nothing.
const OTHER_ACTION: &str = "an action Switchyard does not handle";

/// Reads `body` as the payload type `P`.
fn read<P: DeserializeOwned + Into<Event>>(body: &[u8]) -> serde_json::Result<Event> {
    serde_json::from_slice::<P>(body).map(Into::into)
}

/// What an entry's `asks` gives for an event of another kind, which `route` never hands it.
const NOT_MINE: Asks = Asks::Nothing(OTHER_ACTION);

pub(super) const HANDLED: [Handled; 14] = [
    Handled {
        name: "ping",
        subscribed: false,
        actions: Actions::Never,
        otherwise: "ping",
        read: |_| Ok(Event::Ping),
        asks: |_| Asks::Nothing("ping"),
    },
    Handled {
        name: "pull_request",
        subscribed: true,
        actions: Actions::Only(&[
            "opened",
            "synchronize",
            "reopened",
            "edited",
            "closed",
            "ready_for_review",
            "converted_to_draft",
            // GitHub's merge queue took the PR in or let it go: the order is computed again.
            "enqueued",
            "dequeued",
        ]),
        otherwise: OTHER_ACTION,
        read: read::<PullRequestPayload>,
        asks: |event| match event {
            // A pull request closed may have been merged: the default branch has moved then,
            // and what the App holds of it is read again at once rather than when the push
            // arrives.
            Event::PullRequest { action, number, .. } if action == "closed" => {
                Asks::Reconcile(vec![Trigger::PullRequest(*number), Trigger::BaseMoved])
            }
            Event::PullRequest { number, .. } => {
                Asks::Reconcile(vec![Trigger::PullRequest(*number)])
            }
            _ => NOT_MINE,
        },
    },
    Handled {
        name: "pull_request_review",
        subscribed: true,
        actions: Actions::Only(&["submitted", "dismissed"]),
        otherwise: OTHER_ACTION,
        read: read::<ReviewPayload>,
        asks: |event| match event {
            Event::PullRequestReview { number, .. } => {
                Asks::Reconcile(vec![Trigger::Review(*number)])
            }
            _ => NOT_MINE,
        },
    },
    Handled {
        name: "push",
        subscribed: true,
        actions: Actions::Any,
        otherwise: OTHER_ACTION,
        read: read::<PushPayload>,
        asks: |event| match event {
            Event::Push { repo, git_ref, .. }
                if repo
                    .default_branch
                    .as_deref()
                    .is_some_and(|branch| git_ref.strip_prefix("refs/heads/") == Some(branch)) =>
            {
                Asks::Reconcile(vec![Trigger::BaseMoved])
            }
            _ => Asks::Nothing("a push to a branch other than the default branch"),
        },
    },
    Handled {
        name: "check_run",
        subscribed: true,
        actions: Actions::Only(&["rerequested", "requested_action"]),
        otherwise: OTHER_ACTION,
        read: read::<CheckRunPayload>,
        asks: |event| match event {
            Event::CheckRun {
                action,
                requested_action,
                ..
            } if action == "requested_action"
                && requested_action.as_deref() != Some(RECOMPUTE_ACTION) =>
            {
                Asks::Nothing("a requested action the App does not offer")
            }
            Event::CheckRun { head_sha, name, .. } => Asks::Reconcile(vec![Trigger::Rerequested {
                head_sha: head_sha.clone(),
                check_name: name.clone(),
            }]),
            _ => NOT_MINE,
        },
    },
    Handled {
        name: "check_suite",
        subscribed: true,
        actions: Actions::Only(&["completed", "rerequested"]),
        otherwise: OTHER_ACTION,
        read: read::<CheckSuitePayload>,
        asks: |_| Asks::Reconcile(vec![Trigger::Refresh]),
    },
    Handled {
        name: "merge_group",
        subscribed: true,
        actions: Actions::Only(&["checks_requested"]),
        otherwise: "a merge group GitHub is done with needs nothing",
        read: read::<MergeGroupPayload>,
        asks: |event| match event {
            Event::MergeGroup {
                head_sha,
                head_ref,
                base_ref,
                ..
            } => Asks::Reconcile(vec![Trigger::MergeGroup {
                head_sha: head_sha.clone(),
                head_ref: head_ref.clone(),
                base_ref: base_ref.clone(),
            }]),
            _ => NOT_MINE,
        },
    },
    Handled {
        name: "issues",
        subscribed: true,
        actions: Actions::Only(&[
            "opened",
            "edited",
            "closed",
            "reopened",
            "labeled",
            "unlabeled",
        ]),
        otherwise: OTHER_ACTION,
        read: read::<IssuesPayload>,
        asks: |event| match event {
            Event::Issues { number, .. } => Asks::Reconcile(vec![Trigger::Issue(*number)]),
            _ => NOT_MINE,
        },
    },
    Handled {
        name: "issue_comment",
        subscribed: true,
        actions: Actions::Only(&["created"]),
        otherwise: OTHER_ACTION,
        read: read::<IssueCommentPayload>,
        asks: |event| match event {
            Event::IssueComment { author, .. } if author.is_bot() => {
                Asks::Nothing("a comment by a bot")
            }
            Event::IssueComment { body, .. } if !mentions_command(body) => {
                Asks::Nothing("a comment without a /switchyard command")
            }
            Event::IssueComment {
                number, comment, ..
            } => Asks::Reconcile(vec![Trigger::Command {
                issue: *number,
                comment: *comment,
            }]),
            _ => NOT_MINE,
        },
    },
    Handled {
        name: "issue_dependencies",
        subscribed: true,
        actions: Actions::Any,
        otherwise: OTHER_ACTION,
        read: read::<IssueDependenciesPayload>,
        asks: |event| match event {
            Event::IssueDependencies {
                blocked: Some(blocked),
                ..
            } => Asks::Reconcile(vec![Trigger::Dependencies(*blocked)]),
            _ => Asks::Nothing("the blocked issue is in another repository"),
        },
    },
    Handled {
        name: "sub_issues",
        subscribed: true,
        actions: Actions::Any,
        otherwise: OTHER_ACTION,
        read: read::<SubIssuesPayload>,
        asks: |event| match event {
            Event::SubIssues {
                parent: Some(parent),
                ..
            } => Asks::Reconcile(vec![Trigger::SubIssues(*parent)]),
            _ => Asks::Nothing("the parent issue is in another repository"),
        },
    },
    Handled {
        name: "label",
        subscribed: true,
        actions: Actions::Only(&["edited", "deleted"]),
        otherwise: "a new label is on no issue yet",
        read: read::<LabelPayload>,
        asks: |event| match event {
            // Every issue carrying it changed, and GitHub sends no `issues` event for them.
            Event::Label {
                action,
                renamed_from,
                ..
            } if action == "deleted" || renamed_from.is_some() => {
                Asks::Reconcile(vec![Trigger::Labels])
            }
            _ => Asks::Nothing("a label edited without a new name"),
        },
    },
    Handled {
        name: "installation",
        subscribed: false,
        actions: Actions::Only(&["created", "deleted", "suspend"]),
        otherwise: "an installation action that changes no repository",
        read: read::<InstallationPayload>,
        asks: |event| match event {
            Event::Installation {
                action,
                installation,
                repos,
            } if action == "created" => added(*installation, repos, Vec::new()),
            Event::Installation { installation, .. } => Asks::Repositories {
                changes: vec![RepoChange::RemoveInstallation(*installation)],
                jobs: Vec::new(),
            },
            _ => NOT_MINE,
        },
    },
    Handled {
        name: "installation_repositories",
        subscribed: false,
        actions: Actions::Any,
        otherwise: OTHER_ACTION,
        read: read::<InstallationRepositoriesPayload>,
        asks: |event| match event {
            Event::InstallationRepositories {
                installation,
                added: new,
                removed,
                ..
            } => added(
                *installation,
                new,
                removed.iter().cloned().map(RepoChange::Remove).collect(),
            ),
            _ => NOT_MINE,
        },
    },
];

/// The entry for an `X-GitHub-Event` name.
pub(super) fn handled(name: &str) -> Option<&'static Handled> {
    HANDLED.iter().find(|handled| handled.name == name)
}

/// Parses a payload whose signature was already verified. `event` is the `X-GitHub-Event`
/// header; names the App does not read become [`Event::Other`] without looking at the body.
pub fn parse_event(event: &str, body: &[u8]) -> Result<Event, EventError> {
    match handled(event) {
        Some(handled) => (handled.read)(body).map_err(|source| EventError {
            event: event.to_owned(),
            source,
        }),
        None => Ok(Event::Other {
            name: event.to_owned(),
        }),
    }
}

/// The `X-GitHub-Event` names [`parse_event`] reads; every other name is [`Event::Other`].
pub fn event_names() -> impl Iterator<Item = &'static str> {
    HANDLED.iter().map(|handled| handled.name)
}

/// The events `app-manifest.yml` subscribes to.
pub fn subscribed_events() -> impl Iterator<Item = &'static str> {
    HANDLED
        .iter()
        .filter(|handled| handled.subscribed)
        .map(|handled| handled.name)
}

/// Whether a comment may hold a command: the reconcile reads it properly (code blocks,
/// quotes), this only spares a job for the comments that cannot.
fn mentions_command(body: &str) -> bool {
    body.to_ascii_lowercase().contains(COMMAND_PREFIX)
}

/// The repositories an installation gained, each with a full first reconcile, and the
/// `removed` ones; none named, nothing to record (rather than a 202 that queued nothing).
fn added(installation: InstallationId, repos: &[RepoName], removed: Vec<RepoChange>) -> Asks {
    let mut changes: Vec<RepoChange> = repos
        .iter()
        .map(|repo| RepoChange::Add(repo.clone(), installation))
        .collect();
    changes.extend(removed);
    if changes.is_empty() {
        return Asks::Nothing("an installation change that names no repository");
    }
    let jobs = repos
        .iter()
        .map(|repo| JobRequest {
            repo: repo.clone(),
            installation,
            trigger: Trigger::Full,
        })
        .collect();
    Asks::Repositories { changes, jobs }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One body every payload type reads: each takes the fields it needs and skips the rest.
    const EVERY_FIELD: &str = r#"{
        "action": "opened", "ref": "refs/heads/main", "after": "a1",
        "repository": {"full_name": "o/r"}, "installation": {"id": 7},
        "pull_request": {"number": 1, "head": {"sha": "a1"}},
        "check_run": {"head_sha": "a1", "name": "Merge order"},
        "check_suite": {"head_sha": "a1"},
        "merge_group": {"head_sha": "a1", "head_ref": "refs/heads/q", "base_ref": "refs/heads/main"},
        "issue": {"number": 1},
        "comment": {"id": 1, "user": {"login": "mona", "type": "User"}, "body": "hi"},
        "label": {"name": "parallel"}
    }"#;

    #[test]
    fn every_name_read_is_parsed_as_its_own_event_and_no_other() {
        for name in event_names() {
            let parsed = parse_event(name, EVERY_FIELD.as_bytes());
            let event = parsed.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(event.name(), name);
        }
        assert_eq!(
            parse_event("star", b"not even JSON").unwrap(),
            Event::Other {
                name: "star".into()
            }
        );
    }

    #[test]
    fn each_name_has_one_entry() {
        let mut names: Vec<&str> = event_names().collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), HANDLED.len());
    }
}
