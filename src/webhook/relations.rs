//! The `issue_dependencies` and `sub_issues` payloads: which issues of the event's repository
//! a change of GitHub's links between issues concerns.
//!
//! Field names and which repository each event is sent to are GitHub's webhook reference
//! (github/docs `src/webhooks/data/fpt/issue_dependencies.json` and `sub_issues.json`; the
//! project's `fixtures/README.md` says more). `blocked_by_*` goes to the blocked issue's
//! repository and names the blocker's in `blocking_issue_repo`; `blocking_*` goes to the
//! blocker's and names the blocked issue's in `blocked_issue_repo`. Likewise `sub_issue_*`
//! goes to the parent's repository (`sub_issue_repo`), `parent_issue_*` to the sub-issue's
//! (`parent_issue_repo`). GitHub marks the issues themselves optional, so a payload without
//! one names nothing.

use super::event::{Event, Id, IssueBody, Named, Repository, installation};
use crate::ids::{IssueNumber, RepoName};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct IssueDependenciesPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    blocked_issue: Option<IssueBody>,
    blocked_issue_repo: Option<Named>,
}

#[derive(Deserialize)]
pub(super) struct SubIssuesPayload {
    action: String,
    repository: Repository,
    installation: Option<Id>,
    parent_issue: Option<IssueBody>,
    parent_issue_repo: Option<Named>,
}

/// `issue` when it is in `here`: its own repository is `there`, or `here` when not given.
fn in_repo(here: &RepoName, there: Option<Named>, issue: Option<IssueBody>) -> Option<IssueNumber> {
    let there = there.map(|named| named.full_name);
    (there.as_ref().is_none_or(|there| there == here))
        .then_some(issue)
        .flatten()
        .map(|issue| IssueNumber(issue.number))
}

impl From<IssueDependenciesPayload> for Event {
    fn from(p: IssueDependenciesPayload) -> Event {
        let here = &p.repository.full_name;
        // Only `blocking_*` names the blocked issue's repository; `blocked_by_*` is sent there.
        let blocked = in_repo(here, p.blocked_issue_repo, p.blocked_issue);
        Event::IssueDependencies {
            action: p.action,
            installation: installation(p.installation),
            blocked,
            repo: p.repository.into(),
        }
    }
}

impl From<SubIssuesPayload> for Event {
    fn from(p: SubIssuesPayload) -> Event {
        let here = &p.repository.full_name;
        // Only `parent_issue_*` names the parent's repository; `sub_issue_*` is sent there.
        let parent = in_repo(here, p.parent_issue_repo, p.parent_issue);
        Event::SubIssues {
            action: p.action,
            installation: installation(p.installation),
            parent,
            repo: p.repository.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::webhook::{Event, parse_event};
    use std::path::PathBuf;

    fn fixture(name: &str) -> Vec<u8> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name);
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn blocked(event: &Event) -> Option<u64> {
        match event {
            Event::IssueDependencies { blocked, .. } => blocked.map(|n| n.0),
            other => panic!("{other:?}"),
        }
    }

    fn parent(event: &Event) -> Option<u64> {
        match event {
            Event::SubIssues { parent, .. } => parent.map(|n| n.0),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_dependency_event_names_the_blocked_issue_when_it_is_in_the_repository() {
        let body = fixture("issue_dependencies/blocked_by_added.payload.json");
        let event = parse_event("issue_dependencies", &body).unwrap();
        assert_eq!(event.action(), Some("blocked_by_added"));
        assert_eq!(
            event.repo().map(ToString::to_string).as_deref(),
            Some("octo-org/octo-repo")
        );
        assert_eq!(blocked(&event), Some(12));

        let body = fixture("issue_dependencies/blocking_added.payload.json");
        let event = parse_event("issue_dependencies", &body).unwrap();
        assert_eq!(blocked(&event), Some(12));

        let mut elsewhere: serde_json::Value = serde_json::from_slice(&body).unwrap();
        elsewhere["blocked_issue_repo"]["full_name"] = "octo-org/platform".into();
        let event = parse_event(
            "issue_dependencies",
            &serde_json::to_vec(&elsewhere).unwrap(),
        );
        assert_eq!(
            blocked(&event.unwrap()),
            None,
            "blocks another repository's issue"
        );
    }

    #[test]
    fn a_sub_issue_event_names_the_parent_when_it_is_in_the_repository() {
        for name in [
            "sub_issues/sub_issue_added.payload.json",
            "sub_issues/parent_issue_added.payload.json",
        ] {
            let event = parse_event("sub_issues", &fixture(name)).unwrap();
            assert_eq!(parent(&event), Some(20), "{name}");
        }
        let body = fixture("sub_issues/parent_issue_added.payload.json");
        let mut elsewhere: serde_json::Value = serde_json::from_slice(&body).unwrap();
        elsewhere["parent_issue_repo"]["full_name"] = "octo-org/platform".into();
        let event = parse_event("sub_issues", &serde_json::to_vec(&elsewhere).unwrap());
        assert_eq!(parent(&event.unwrap()), None);
    }
}
