//! Which deliveries become work. Pure: an event in, what to record and queue out.

use super::event::Event;
use crate::assign::COMMAND_PREFIX;
use crate::ids::{InstallationId, RepoName};
use crate::jobs::{JobRequest, RECOMPUTE_ACTION, RepoChange, Trigger};

/// What a verified, parsed delivery asks of us.
#[derive(Debug, Clone, PartialEq)]
pub enum Disposition {
    /// Answer 200 and queue nothing; the reason goes to the log.
    Ignore(&'static str),
    /// Record these repository changes and queue these jobs, then answer 202.
    Work {
        changes: Vec<RepoChange>,
        jobs: Vec<JobRequest>,
    },
}

const PULL_REQUEST_ACTIONS: &[&str] = &[
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
];
const REVIEW_ACTIONS: &[&str] = &["submitted", "dismissed"];
const CHECK_RUN_ACTIONS: &[&str] = &["rerequested", "requested_action"];
const CHECK_SUITE_ACTIONS: &[&str] = &["completed", "rerequested"];
const ISSUE_ACTIONS: &[&str] = &[
    "opened",
    "edited",
    "closed",
    "reopened",
    "labeled",
    "unlabeled",
];

/// Whether a delivery of `event` with `action` can ask for work, judged from its names alone
/// (as GitHub's delivery log gives them): `false` only where [`route`] ignores every payload
/// of that kind, so that a delivery this says no to never needs to arrive.
pub fn may_be_work(event: &str, action: Option<&str>) -> bool {
    let action = action.unwrap_or_default();
    match event {
        "pull_request" => PULL_REQUEST_ACTIONS.contains(&action),
        "pull_request_review" => REVIEW_ACTIONS.contains(&action),
        "check_run" => CHECK_RUN_ACTIONS.contains(&action),
        "check_suite" => CHECK_SUITE_ACTIONS.contains(&action),
        "merge_group" => action == "checks_requested",
        "issues" => ISSUE_ACTIONS.contains(&action),
        "issue_comment" => action == "created",
        "installation" => matches!(action, "created" | "deleted" | "suspend"),
        "push" | "issue_dependencies" | "sub_issues" | "installation_repositories" => true,
        _ => false,
    }
}

pub fn route(event: &Event) -> Disposition {
    let some = |repo: &RepoName, installation: &Option<InstallationId>, triggers: Vec<Trigger>| {
        match installation {
            Some(installation) => Disposition::Work {
                changes: vec![RepoChange::Add(repo.clone(), *installation)],
                jobs: triggers
                    .into_iter()
                    .map(|trigger| JobRequest {
                        repo: repo.clone(),
                        installation: *installation,
                        trigger,
                    })
                    .collect(),
            },
            None => Disposition::Ignore("the payload has no installation"),
        }
    };
    let one = |repo: &RepoName, installation: &Option<InstallationId>, trigger: Trigger| {
        some(repo, installation, vec![trigger])
    };
    match event {
        Event::Ping => Disposition::Ignore("ping"),
        // A pull request closed may have been merged: the default branch has moved then, and
        // what the App holds of it is read again at once rather than when the push arrives.
        Event::PullRequest {
            action,
            repo,
            installation,
            number,
            ..
        } if action == "closed" => some(
            &repo.name,
            installation,
            vec![Trigger::PullRequest(*number), Trigger::BaseMoved],
        ),
        Event::PullRequest {
            action,
            repo,
            installation,
            number,
            ..
        } if PULL_REQUEST_ACTIONS.contains(&action.as_str()) => {
            one(&repo.name, installation, Trigger::PullRequest(*number))
        }
        Event::PullRequestReview {
            action,
            repo,
            installation,
            number,
        } if REVIEW_ACTIONS.contains(&action.as_str()) => {
            one(&repo.name, installation, Trigger::Review(*number))
        }
        Event::Push {
            repo,
            installation,
            git_ref,
            ..
        } => match &repo.default_branch {
            Some(branch) if git_ref.strip_prefix("refs/heads/") == Some(branch) => {
                one(&repo.name, installation, Trigger::BaseMoved)
            }
            _ => Disposition::Ignore("a push to a branch other than the default branch"),
        },
        Event::CheckRun {
            action,
            requested_action,
            ..
        } if action == "requested_action"
            && requested_action.as_deref() != Some(RECOMPUTE_ACTION) =>
        {
            Disposition::Ignore("a requested action the App does not offer")
        }
        Event::CheckRun {
            action,
            repo,
            installation,
            head_sha,
            name,
            ..
        } if CHECK_RUN_ACTIONS.contains(&action.as_str()) => one(
            &repo.name,
            installation,
            Trigger::Rerequested {
                head_sha: head_sha.clone(),
                check_name: name.clone(),
            },
        ),
        Event::CheckSuite {
            action,
            repo,
            installation,
            ..
        } if CHECK_SUITE_ACTIONS.contains(&action.as_str()) => {
            one(&repo.name, installation, Trigger::Refresh)
        }
        Event::MergeGroup {
            action,
            repo,
            installation,
            head_sha,
            head_ref,
            base_ref,
        } => match action.as_str() {
            "checks_requested" => one(
                &repo.name,
                installation,
                Trigger::MergeGroup {
                    head_sha: head_sha.clone(),
                    head_ref: head_ref.clone(),
                    base_ref: base_ref.clone(),
                },
            ),
            _ => Disposition::Ignore("a merge group GitHub is done with needs nothing"),
        },
        Event::Issues {
            action,
            repo,
            installation,
            number,
        } if ISSUE_ACTIONS.contains(&action.as_str()) => {
            one(&repo.name, installation, Trigger::Issue(*number))
        }
        Event::IssueDependencies {
            repo,
            installation,
            blocked,
            ..
        } => match blocked {
            Some(blocked) => one(&repo.name, installation, Trigger::Dependencies(*blocked)),
            None => Disposition::Ignore("the blocked issue is in another repository"),
        },
        Event::SubIssues {
            repo,
            installation,
            parent,
            ..
        } => match parent {
            Some(parent) => one(&repo.name, installation, Trigger::SubIssues(*parent)),
            None => Disposition::Ignore("the parent issue is in another repository"),
        },
        Event::IssueComment {
            action,
            repo,
            installation,
            number,
            comment,
            author,
            body,
        } if action == "created" => {
            if author.is_bot() {
                Disposition::Ignore("a comment by a bot")
            } else if !mentions_command(body) {
                Disposition::Ignore("a comment without a /switchyard command")
            } else {
                let trigger = Trigger::Command {
                    issue: *number,
                    comment: *comment,
                };
                one(&repo.name, installation, trigger)
            }
        }
        Event::Installation {
            action,
            installation,
            repos,
        } => match action.as_str() {
            "created" => {
                let (changes, jobs) = added(*installation, repos);
                repo_changes(changes, jobs)
            }
            "deleted" | "suspend" => Disposition::Work {
                changes: vec![RepoChange::RemoveInstallation(*installation)],
                jobs: vec![],
            },
            _ => Disposition::Ignore("an installation action that changes no repository"),
        },
        Event::InstallationRepositories {
            installation,
            added: new,
            removed,
            ..
        } => {
            let (mut changes, jobs) = added(*installation, new);
            changes.extend(removed.iter().cloned().map(RepoChange::Remove));
            repo_changes(changes, jobs)
        }
        Event::Other { .. } => Disposition::Ignore("an event Switchyard does not handle"),
        _ => Disposition::Ignore("an action Switchyard does not handle"),
    }
}

/// Whether a comment may hold a command: the reconcile reads it properly (code blocks,
/// quotes), this only spares a job for the comments that cannot.
fn mentions_command(body: &str) -> bool {
    body.to_ascii_lowercase().contains(COMMAND_PREFIX)
}

/// Work for the repositories an installation gained or lost; none named, nothing to record
/// (rather than a 202 that queued nothing).
fn repo_changes(changes: Vec<RepoChange>, jobs: Vec<JobRequest>) -> Disposition {
    if changes.is_empty() {
        Disposition::Ignore("an installation change that names no repository")
    } else {
        Disposition::Work { changes, jobs }
    }
}

fn added(installation: InstallationId, repos: &[RepoName]) -> (Vec<RepoChange>, Vec<JobRequest>) {
    (
        repos
            .iter()
            .map(|r| RepoChange::Add(r.clone(), installation))
            .collect(),
        repos
            .iter()
            .map(|r| JobRequest {
                repo: r.clone(),
                installation,
                trigger: Trigger::Full,
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::models::User;
    use crate::ids::{CommentId, IssueNumber};
    use crate::webhook::event::RepoRef;

    fn comment(action: &str, kind: &str, body: &str) -> Event {
        Event::IssueComment {
            action: action.into(),
            repo: RepoRef {
                name: "octo/repo".parse().unwrap(),
                default_branch: Some("main".into()),
            },
            installation: Some(InstallationId(7)),
            number: IssueNumber(5),
            comment: CommentId(900),
            author: User {
                login: "mona".into(),
                kind: kind.into(),
            },
            body: body.into(),
        }
    }

    #[test]
    fn an_installation_change_naming_no_repository_records_nothing() {
        let created = Event::Installation {
            action: "created".into(),
            installation: InstallationId(7),
            repos: vec![],
        };
        let changed = Event::InstallationRepositories {
            action: "added".into(),
            installation: InstallationId(7),
            added: vec![],
            removed: vec![],
        };
        for event in [created, changed] {
            assert!(matches!(route(&event), Disposition::Ignore(_)), "{event:?}");
        }
    }

    #[test]
    fn a_new_comment_naming_switchyard_is_a_command_job() {
        let Disposition::Work { jobs, .. } =
            route(&comment("created", "User", "/Switchyard status"))
        else {
            panic!("queued");
        };
        assert_eq!(
            jobs[0].trigger,
            Trigger::Command {
                issue: IssueNumber(5),
                comment: CommentId(900)
            }
        );
    }

    #[test]
    fn bots_plain_comments_and_edits_queue_nothing() {
        for event in [
            comment("created", "Bot", "/switchyard status"),
            comment("created", "User", "thanks!"),
            comment("edited", "User", "/switchyard status"),
            comment("deleted", "User", "/switchyard status"),
        ] {
            assert!(matches!(route(&event), Disposition::Ignore(_)), "{event:?}");
        }
    }

    fn check_run(action: &str, requested_action: Option<&str>) -> Event {
        Event::CheckRun {
            action: action.into(),
            repo: RepoRef {
                name: "octo/repo".parse().unwrap(),
                default_branch: Some("main".into()),
            },
            installation: Some(InstallationId(7)),
            head_sha: crate::ids::Sha("a".repeat(40)),
            name: "Merge order".into(),
            requested_action: requested_action.map(str::to_owned),
        }
    }

    #[test]
    fn what_routes_to_work_may_be_work_by_its_names_and_what_never_does_is_not() {
        for (name, event) in [
            (
                "issue_comment",
                comment("created", "User", "/switchyard status"),
            ),
            ("check_run", check_run("rerequested", None)),
            (
                "check_run",
                check_run("requested_action", Some(RECOMPUTE_ACTION)),
            ),
        ] {
            assert!(matches!(route(&event), Disposition::Work { .. }));
            assert!(may_be_work(name, event.action()), "{name} {event:?}");
        }
        for (event, action) in [
            ("pull_request", Some("opened")),
            ("push", None),
            ("installation", Some("created")),
            ("installation_repositories", Some("added")),
        ] {
            assert!(may_be_work(event, action), "{event} {action:?}");
        }
        for (event, action) in [
            ("ping", None),
            ("pull_request", Some("labeled")),
            ("issue_comment", Some("edited")),
            ("installation", Some("new_permissions_accepted")),
            ("merge_group", Some("destroyed")),
            ("star", Some("created")),
        ] {
            assert!(!may_be_work(event, action), "{event} {action:?}");
        }
    }

    #[test]
    fn only_the_recompute_button_and_a_rerun_recompute() {
        for queued in [
            check_run("rerequested", None),
            check_run("requested_action", Some(RECOMPUTE_ACTION)),
        ] {
            assert!(
                matches!(route(&queued), Disposition::Work { .. }),
                "{queued:?}"
            );
        }
        assert!(matches!(
            route(&check_run("requested_action", Some("lgtm|26764"))),
            Disposition::Ignore(_)
        ));
    }
}

#[cfg(test)]
mod relation_tests {
    use super::*;
    use crate::ids::IssueNumber;
    use crate::webhook::event::RepoRef;

    fn repo() -> RepoRef {
        RepoRef {
            name: "octo/repo".parse().unwrap(),
            default_branch: None,
        }
    }

    fn trigger(disposition: Disposition) -> Option<Trigger> {
        match disposition {
            Disposition::Work { jobs, .. } => Some(jobs[0].trigger.clone()),
            Disposition::Ignore(_) => None,
        }
    }

    #[test]
    fn links_re_evaluate_the_blocked_issue_and_sub_issues_their_parent_when_here() {
        let dependencies = |blocked: Option<u64>| Event::IssueDependencies {
            action: "blocked_by_added".into(),
            repo: repo(),
            installation: Some(InstallationId(7)),
            blocked: blocked.map(IssueNumber),
        };
        assert_eq!(
            trigger(route(&dependencies(Some(12)))),
            Some(Trigger::Dependencies(IssueNumber(12)))
        );
        assert_eq!(trigger(route(&dependencies(None))), None);
        let sub_issues = |parent: Option<u64>| Event::SubIssues {
            action: "sub_issue_removed".into(),
            repo: repo(),
            installation: Some(InstallationId(7)),
            parent: parent.map(IssueNumber),
        };
        assert_eq!(
            trigger(route(&sub_issues(Some(20)))),
            Some(Trigger::SubIssues(IssueNumber(20)))
        );
        assert_eq!(trigger(route(&sub_issues(None))), None);
    }
}

#[cfg(test)]
mod pull_request_tests {
    use super::*;
    use crate::ids::{PrNumber, Sha};
    use crate::webhook::event::RepoRef;

    fn triggers(event: &Event) -> Vec<Trigger> {
        match route(event) {
            Disposition::Work { jobs, .. } => jobs.into_iter().map(|job| job.trigger).collect(),
            Disposition::Ignore(reason) => panic!("ignored: {reason}"),
        }
    }

    fn pull_request(action: &str) -> Event {
        Event::PullRequest {
            action: action.into(),
            repo: RepoRef {
                name: "octo/repo".parse().unwrap(),
                default_branch: Some("main".into()),
            },
            installation: Some(InstallationId(7)),
            number: PrNumber(3),
            head_sha: Sha("a1".into()),
        }
    }

    #[test]
    fn a_push_names_its_pull_request_a_review_its_reviews_and_a_close_the_default_branch_too() {
        assert_eq!(
            triggers(&pull_request("synchronize")),
            [Trigger::PullRequest(PrNumber(3))]
        );
        assert_eq!(
            triggers(&pull_request("closed")),
            [Trigger::PullRequest(PrNumber(3)), Trigger::BaseMoved],
            "a merge moves the default branch"
        );
        let review = Event::PullRequestReview {
            action: "submitted".into(),
            repo: RepoRef {
                name: "octo/repo".parse().unwrap(),
                default_branch: None,
            },
            installation: Some(InstallationId(7)),
            number: PrNumber(3),
        };
        assert_eq!(triggers(&review), [Trigger::Review(PrNumber(3))]);
    }
}
