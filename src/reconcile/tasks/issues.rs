//! The issues the task rules read. The open ones are listed once and then kept in the store,
//! re-read one by one as events name them; any other issue is read by number, through its
//! ETag, when the rules need it.

use super::context::Context;
use super::links::Links;
use super::stored::{self, OpenIssues};
use crate::assign;
use crate::github::models::GhIssue;
use crate::ids::IssueNumber;
use crate::reconcile::cache::cached;
use crate::reconcile::error::ReconcileError;
use crate::reconcile::issue_by_number::read_issue;
use crate::store::CacheKind;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub struct Issues {
    /// Every open issue of the repository, pull requests left out.
    pub open: OpenIssues,
    /// Issues read by number in this reconcile; `None` when GitHub has no such issue.
    fresh: BTreeMap<IssueNumber, Option<GhIssue>>,
}

impl Issues {
    /// The open issues, brought up to date with the issues the events name.
    pub async fn read(ctx: &Context<'_>) -> Result<Self, ReconcileError> {
        let mut issues = Issues {
            open: OpenIssues::new(),
            fresh: BTreeMap::new(),
        };
        let stale = ctx.reads.is_stale(CacheKind::OpenIssues, ctx.repo(), None);
        let stored: Option<OpenIssues> =
            cached(ctx.store, CacheKind::OpenIssues, ctx.repo().to_string()).await?;
        match stored {
            Some(open) if !stale => {
                issues.open = open;
                for number in ctx.reads.stale().issues() {
                    let issue = issues.get(ctx, number).await?;
                    match issue.filter(|i| i.is_open() && !i.is_pull_request()) {
                        Some(issue) => issues.open.insert(number, issue),
                        None => issues.open.remove(&number),
                    };
                }
            }
            _ => issues.open = list_open(ctx).await?,
        }
        stored::save(ctx.store, CacheKind::OpenIssues, ctx.repo(), &issues.open).await?;
        Ok(issues)
    }

    /// An issue or pull request by number: read this reconcile, stored in the store, or read now.
    pub async fn get(
        &mut self,
        ctx: &Context<'_>,
        number: IssueNumber,
    ) -> Result<Option<GhIssue>, ReconcileError> {
        if let Some(read) = self.fresh.get(&number) {
            return Ok(read.clone());
        }
        let read = read_issue(ctx.client, ctx.store, ctx.reads, number).await?;
        self.fresh.insert(number, read.clone());
        Ok(read)
    }

    /// An issue or pull request as the rules read it. Whether it is open comes from the lists
    /// of open issues and pull requests, which events keep current.
    pub async fn issue(
        &mut self,
        ctx: &Context<'_>,
        number: IssueNumber,
    ) -> Result<Option<assign::Issue>, ReconcileError> {
        if let Some(issue) = self.open.get(&number) {
            return Ok(Some(issue.to_issue(true)));
        }
        if let Some(pr) = ctx
            .main
            .open_prs
            .iter()
            .find(|pr| IssueNumber::from(pr.number) == number)
        {
            return Ok(Some(assign::Issue {
                number,
                title: pr.title.clone(),
                body: pr.body.clone(),
                labels: pr.labels.clone(),
                assignees: Vec::new(),
                created_at: pr.created_at,
                open: true,
                pull_request: true,
                linked_blockers: Vec::new(),
                sub_issues: Vec::new(),
            }));
        }
        Ok(self.get(ctx, number).await?.map(|i| i.to_issue(false)))
    }

    /// `task_issues`, with the blockers GitHub links to the open ones, and every issue they
    /// depend on, directly or not, by number; and the task_issues GitHub no longer has.
    pub async fn with_dependencies(
        &mut self,
        ctx: &Context<'_>,
        task_issues: impl IntoIterator<Item = IssueNumber>,
    ) -> Result<(Vec<assign::Issue>, Vec<IssueNumber>), ReconcileError> {
        let task_issues: BTreeSet<IssueNumber> = task_issues.into_iter().collect();
        let mut wanted: VecDeque<IssueNumber> = task_issues.iter().copied().collect();
        let mut found: BTreeMap<IssueNumber, assign::Issue> = BTreeMap::new();
        let mut gone = Vec::new();
        let mut links = Links::new(ctx).await?;
        while let Some(number) = wanted.pop_front() {
            if found.contains_key(&number) || gone.contains(&number) {
                continue;
            }
            let Some(mut issue) = self.issue(ctx, number).await? else {
                gone.push(number);
                continue;
            };
            // A closed issue holds nothing back, so what it depends on does not matter.
            if issue.open {
                wanted.extend(assign::dependencies(&issue.body));
                if task_issues.contains(&number) && !issue.pull_request {
                    issue.linked_blockers = links.blockers(ctx, number).await?;
                    let here = issue.linked_blockers.iter().filter(|b| b.repo.is_none());
                    wanted.extend(here.map(|blocker| blocker.number));
                }
            }
            found.insert(number, issue);
        }
        gone.retain(|number| task_issues.contains(number));
        Ok((found.into_values().collect(), gone))
    }
}

async fn list_open(ctx: &Context<'_>) -> Result<OpenIssues, ReconcileError> {
    let listed = ctx.client.open_issues().await?;
    Ok(listed
        .into_iter()
        .filter(|issue| !issue.is_pull_request())
        .map(|issue| (issue.number, issue))
        .collect())
}
