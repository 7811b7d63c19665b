//! Which deliveries become work. Pure: an event in, what to record and queue out, as the
//! event's entry in [`HANDLED`](super::handled::HANDLED) says.

use super::event::Event;
use super::handled::{Asks, handled};
use crate::jobs::{JobRequest, RepoChange};

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

/// Whether a delivery of `event` with `action` can ask for work, judged from its names alone
/// (as GitHub's delivery log gives them): `false` only where [`route`] ignores every payload
/// of that kind, so that a delivery this says no to never needs to arrive.
pub fn may_be_work(event: &str, action: Option<&str>) -> bool {
    handled(event).is_some_and(|handled| handled.actions.admit(action))
}

pub fn route(event: &Event) -> Disposition {
    let Some(handled) = handled(event.name()) else {
        return Disposition::Ignore("an event Switchyard does not handle");
    };
    if !handled.actions.admit(event.action()) {
        return Disposition::Ignore(handled.otherwise);
    }
    match (handled.asks)(event) {
        Asks::Nothing(reason) => Disposition::Ignore(reason),
        Asks::Repositories { changes, jobs } => Disposition::Work { changes, jobs },
        Asks::Reconcile(triggers) => match (event.repo(), event.installation()) {
            (Some(repo), Some(installation)) => Disposition::Work {
                changes: vec![RepoChange::Add(repo.clone(), installation)],
                jobs: triggers
                    .into_iter()
                    .map(|trigger| JobRequest {
                        repo: repo.clone(),
                        installation,
                        trigger,
                    })
                    .collect(),
            },
            _ => Disposition::Ignore("the payload has no installation"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::models::User;
    use crate::ids::{CommentId, InstallationId, IssueNumber};
    use crate::jobs::{RECOMPUTE_ACTION, Trigger};
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
            ("label", Some("edited")),
            ("label", Some("deleted")),
        ] {
            assert!(may_be_work(event, action), "{event} {action:?}");
        }
        for (event, action) in [
            ("ping", None),
            ("pull_request", Some("labeled")),
            ("issue_comment", Some("edited")),
            ("installation", Some("new_permissions_accepted")),
            ("merge_group", Some("destroyed")),
            ("label", Some("created")),
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
    use crate::ids::{InstallationId, IssueNumber};
    use crate::jobs::Trigger;
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
    use crate::ids::{InstallationId, PrNumber, Sha};
    use crate::jobs::Trigger;
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
