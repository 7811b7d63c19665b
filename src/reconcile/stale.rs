//! What a claim's triggers make stale, worked out once per reconcile: every read asks this one
//! value about the entries it keeps, rather than reading the triggers again.

use crate::ids::{CommentId, IssueNumber, PrNumber, Sha};
use crate::jobs::Trigger;
use crate::store::CacheKind;
use std::collections::BTreeSet;

/// What the events behind one reconcile changed, as the reads need to know it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stale {
    /// Everything is read again (a new installation, the periodic sweep).
    everything: bool,
    /// What the default branch holds (its head, the configuration, the repository's settings)
    /// may have changed.
    base: bool,
    /// Pull requests whose own events arrived.
    pull_requests: BTreeSet<PrNumber>,
    /// Pull requests whose reviews changed, and nothing else of them.
    reviews: BTreeSet<PrNumber>,
    /// Issues whose own events arrived.
    issues: BTreeSet<IssueNumber>,
    /// Issues whose "blocked by" links changed.
    links: BTreeSet<IssueNumber>,
    /// Issues whose sub-issues changed.
    sub_issues: BTreeSet<IssueNumber>,
    /// A label was renamed or deleted: any open issue may carry other labels now.
    labels: bool,
    /// Comments that may hold commands, with the issue or pull request each is on.
    commands: Vec<(IssueNumber, CommentId)>,
    /// Heads whose check run someone asked to run again, with the run's name.
    reruns: BTreeSet<(Sha, String)>,
    /// Merge groups GitHub's merge queue waits on.
    merge_groups: Vec<MergeGroup>,
    /// Some trigger asks for more than merge-group runs.
    beyond_merge_groups: bool,
}

/// A temporary commit of GitHub's merge queue, waiting for the required checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeGroup {
    pub head_sha: Sha,
    /// `refs/heads/gh-readonly-queue/<base>/pr-<number>-<sha>`.
    pub head_ref: String,
    /// `refs/heads/<base>`.
    pub base_ref: String,
}

impl Stale {
    pub fn of(triggers: &[Trigger]) -> Stale {
        let mut stale = Stale::default();
        for trigger in triggers {
            stale.beyond_merge_groups |= !matches!(trigger, Trigger::MergeGroup { .. });
            match trigger {
                Trigger::Full => {
                    stale.everything = true;
                    stale.base = true;
                }
                Trigger::Refresh => {}
                Trigger::BaseMoved => stale.base = true,
                Trigger::PullRequest(number) => {
                    stale.pull_requests.insert(*number);
                }
                Trigger::Review(number) => {
                    stale.reviews.insert(*number);
                }
                Trigger::Issue(number) => {
                    stale.issues.insert(*number);
                }
                Trigger::Dependencies(number) => {
                    stale.links.insert(*number);
                }
                Trigger::SubIssues(number) => {
                    stale.sub_issues.insert(*number);
                }
                Trigger::Labels => stale.labels = true,
                Trigger::Command { issue, comment } => stale.commands.push((*issue, *comment)),
                Trigger::Rerequested {
                    head_sha,
                    check_name,
                } => {
                    stale.reruns.insert((head_sha.clone(), check_name.clone()));
                }
                Trigger::MergeGroup {
                    head_sha,
                    head_ref,
                    base_ref,
                } => stale.merge_groups.push(MergeGroup {
                    head_sha: head_sha.clone(),
                    head_ref: head_ref.clone(),
                    base_ref: base_ref.clone(),
                }),
            }
        }
        stale
    }

    /// Whether everything is to be read again.
    pub fn everything(&self) -> bool {
        self.everything
    }

    /// Whether what the cache keeps of `kind` is stale; `number` is the issue or pull request
    /// (they share the numbering) an entry kept by number is about.
    pub fn is_stale(&self, kind: CacheKind, number: Option<IssueNumber>) -> bool {
        let named = |numbers: &BTreeSet<IssueNumber>| number.is_some_and(|n| numbers.contains(&n));
        let pull_request = |numbers: &BTreeSet<PrNumber>| {
            number.is_some_and(|n| numbers.iter().any(|&pr| IssueNumber::from(pr) == n))
        };
        let commented = self.commands.iter().any(|(on, _)| Some(*on) == number);
        match kind {
            CacheKind::Repo | CacheKind::DefaultHead | CacheKind::Config => self.base,
            CacheKind::OpenPrNumbers | CacheKind::NoIssueDependencies => self.everything,
            // The open issues are listed again with their labels, and the label names with
            // them, so that a deleted label the tasks need is made again.
            CacheKind::OpenIssues | CacheKind::Labels => self.everything || self.labels,
            CacheKind::OpenPr => self.everything || pull_request(&self.pull_requests),
            CacheKind::Approval => self.everything || pull_request(&self.reviews),
            // PRs and issues share the numbering, and a comment names either.
            CacheKind::Issue => {
                self.everything
                    || named(&self.issues)
                    || commented
                    || pull_request(&self.pull_requests)
            }
            CacheKind::BlockedBy => self.everything || named(&self.links) || named(&self.issues),
            CacheKind::SubIssues => {
                self.everything || named(&self.sub_issues) || named(&self.issues)
            }
            // Named by the commits they are about, which never change, or what the App wrote
            // itself and keeps up to date (a commenter's access expires by its own clock).
            CacheKind::ConfigAt
            | CacheKind::PrFiles
            | CacheKind::MergeBase
            | CacheKind::BaseDiff
            | CacheKind::FetchedFile
            | CacheKind::TasksActive
            | CacheKind::Branches
            | CacheKind::Permission
            | CacheKind::CommentBody
            | CacheKind::BoardBody => false,
        }
    }

    /// The pull requests whose own events arrived: each is read again into the open list.
    pub fn pull_requests(&self) -> &BTreeSet<PrNumber> {
        &self.pull_requests
    }

    /// The issues whose own events arrived or that got a comment that may hold commands (for
    /// a comment on a pull request, its number): each is read again into the open list.
    pub fn issues(&self) -> BTreeSet<IssueNumber> {
        let commented = self.commands.iter().map(|(issue, _)| *issue);
        self.issues.iter().copied().chain(commented).collect()
    }

    pub fn commands(&self) -> &[(IssueNumber, CommentId)] {
        &self.commands
    }

    pub fn reruns(&self) -> &BTreeSet<(Sha, String)> {
        &self.reruns
    }

    pub fn merge_groups(&self) -> &[MergeGroup] {
        &self.merge_groups
    }

    /// Whether nothing but merge-group runs is asked for: those need no snapshot.
    pub fn only_merge_groups(&self) -> bool {
        !self.merge_groups.is_empty() && !self.beyond_merge_groups
    }

    /// Whether the events may start tasks where none are in play (a label renamed to the
    /// trigger label may).
    pub fn concerns_tasks(&self) -> bool {
        self.everything
            || self.labels
            || !self.issues.is_empty()
            || !self.links.is_empty()
            || !self.commands.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group() -> Trigger {
        Trigger::MergeGroup {
            head_sha: Sha("2ffea6db159f6b6c47a24e778fb9ef40cf6b1c7d".into()),
            head_ref: "refs/heads/gh-readonly-queue/main/pr-5-abc".into(),
            base_ref: "refs/heads/main".into(),
        }
    }

    #[test]
    fn a_push_to_a_pull_request_makes_that_pull_request_stale_and_nothing_of_the_base() {
        let stale = Stale::of(&[Trigger::PullRequest(PrNumber(3))]);
        assert!(stale.is_stale(CacheKind::OpenPr, Some(PrNumber(3).into())));
        assert!(
            stale.is_stale(CacheKind::Issue, Some(IssueNumber(3))),
            "read by number too"
        );
        assert!(!stale.is_stale(CacheKind::OpenPr, Some(PrNumber(4).into())));
        assert!(
            !stale.is_stale(CacheKind::Approval, Some(PrNumber(3).into())),
            "reviews are their own event"
        );
        for kind in [CacheKind::Repo, CacheKind::Config, CacheKind::OpenPrNumbers] {
            assert!(!stale.is_stale(kind, None), "{kind}");
        }
        assert!(!stale.concerns_tasks());
    }

    #[test]
    fn everything_is_stale_on_a_full_reconcile_but_what_commits_name() {
        let stale = Stale::of(&[Trigger::Full]);
        for kind in [
            CacheKind::Repo,
            CacheKind::OpenPrNumbers,
            CacheKind::OpenIssues,
            CacheKind::Labels,
        ] {
            assert!(stale.is_stale(kind, None), "{kind}");
        }
        assert!(stale.is_stale(CacheKind::Approval, Some(PrNumber(9).into())));
        assert!(stale.is_stale(CacheKind::BlockedBy, Some(IssueNumber(9))));
        assert!(!stale.is_stale(CacheKind::PrFiles, None));
        assert!(!stale.is_stale(CacheKind::Permission, None));
        assert!(stale.concerns_tasks());
    }

    #[test]
    fn an_issue_event_makes_its_links_and_sub_issues_stale_and_a_link_event_only_its_links() {
        let stale = Stale::of(&[
            Trigger::Issue(IssueNumber(5)),
            Trigger::Dependencies(IssueNumber(6)),
        ]);
        assert!(stale.is_stale(CacheKind::BlockedBy, Some(IssueNumber(5))));
        assert!(stale.is_stale(CacheKind::SubIssues, Some(IssueNumber(5))));
        assert!(stale.is_stale(CacheKind::BlockedBy, Some(IssueNumber(6))));
        assert!(!stale.is_stale(CacheKind::SubIssues, Some(IssueNumber(6))));
        assert!(!stale.is_stale(CacheKind::Issue, Some(IssueNumber(6))));
        assert_eq!(stale.issues(), BTreeSet::from([IssueNumber(5)]));
    }

    #[test]
    fn a_command_reads_its_issue_again_but_not_its_links() {
        let stale = Stale::of(&[Trigger::Command {
            issue: IssueNumber(7),
            comment: CommentId(70),
        }]);
        assert!(stale.is_stale(CacheKind::Issue, Some(IssueNumber(7))));
        assert!(!stale.is_stale(CacheKind::BlockedBy, Some(IssueNumber(7))));
        assert_eq!(stale.issues(), BTreeSet::from([IssueNumber(7)]));
        assert_eq!(stale.commands(), [(IssueNumber(7), CommentId(70))]);
        assert!(stale.concerns_tasks());
    }

    #[test]
    fn a_label_renamed_or_deleted_makes_the_open_issues_stale_and_nothing_of_the_pull_requests() {
        let stale = Stale::of(&[Trigger::Labels]);
        assert!(stale.is_stale(CacheKind::OpenIssues, None));
        assert!(stale.is_stale(CacheKind::Labels, None));
        assert!(
            stale.concerns_tasks(),
            "a label renamed `parallel` starts tasks"
        );
        for kind in [
            CacheKind::Repo,
            CacheKind::OpenPrNumbers,
            CacheKind::NoIssueDependencies,
        ] {
            assert!(!stale.is_stale(kind, None), "{kind}");
        }
        assert!(!stale.is_stale(CacheKind::OpenPr, Some(PrNumber(1).into())));
        assert!(!stale.is_stale(CacheKind::Issue, Some(IssueNumber(1))));
        assert!(!stale.is_stale(CacheKind::BlockedBy, Some(IssueNumber(1))));
    }

    #[test]
    fn only_merge_groups_need_no_snapshot() {
        assert!(Stale::of(&[group()]).only_merge_groups());
        let mixed = Stale::of(&[group(), Trigger::PullRequest(PrNumber(5))]);
        assert!(!mixed.only_merge_groups());
        assert_eq!(mixed.merge_groups().len(), 1);
        assert!(!Stale::of(&[]).only_merge_groups());
        assert!(!Stale::of(&[Trigger::Refresh]).only_merge_groups());
    }

    #[test]
    fn the_default_branch_moved_makes_what_it_holds_stale() {
        let stale = Stale::of(&[Trigger::BaseMoved]);
        for kind in [CacheKind::Repo, CacheKind::DefaultHead, CacheKind::Config] {
            assert!(stale.is_stale(kind, None), "{kind}");
        }
        assert!(!stale.everything());
        assert!(!stale.is_stale(CacheKind::OpenPrNumbers, None));
    }
}
