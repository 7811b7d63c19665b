//! `switchyard plan apply PLAN.md --github OWNER/REPO`: the I/O around the core's planning
//! ([`crate::planfile::github`]). It reads the repository's config (for the trigger label)
//! and the issues an earlier apply made (found by their markers) with their links, then sends
//! the writes the core plans, in order, or with `--dry-run` prints them.

use crate::config::{self, CONFIG_PATH, Config};
use crate::github::{Conditional, GitHubError, PlanRequest, RepoClient, token_client};
use crate::ids::{IssueId, IssueNumber, RepoName};
use crate::planfile::github::{self, Made, MadeIssue, Source};
use crate::planfile::issue_writes::{Key, Marker, Target, Write};
use crate::text::errors;
use crate::text::plan_issues::{
    ISSUE_DEPENDENCIES, SUB_ISSUES, github_applied, github_write, links_unavailable,
};
use std::collections::BTreeMap;
use std::path::Path;

/// What `plan apply --github` was asked.
pub struct GitHubApply<'a> {
    pub path: &'a Path,
    pub repo: RepoName,
    pub api_url: &'a str,
    pub token: &'a str,
    pub dry_run: bool,
    /// The plan's name in the markers; by default its file's name.
    pub id: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    GitHub(#[from] GitHubError),
    #[error("{path} on `{branch}` is not valid, so its trigger label is unknown:\n{errors}")]
    Config {
        path: String,
        branch: String,
        errors: String,
    },
    /// A write failed after others went through: what was done, then why it stopped.
    #[error("{done}stopped: {error}")]
    Stopped { done: String, error: GitHubError },
}

/// Applies the plan to the repository's issues, or shows the requests it would send.
pub async fn apply(args: GitHubApply<'_>) -> Result<String, ApplyError> {
    let markdown = std::fs::read_to_string(args.path)
        .map_err(|e| ApplyError::Usage(format!("{}: {e}", args.path.display())))?;
    let plan = crate::planfile::read(&markdown);
    if plan.items.is_empty() {
        return Err(ApplyError::Usage(errors::no_work_items(
            &args.path.display().to_string(),
        )));
    }
    let stem = args
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = crate::planfile::title(&markdown).unwrap_or_else(|| stem.clone());
    let id = args
        .id
        .map_or_else(|| github::plan_id(&stem), str::to_owned);
    let client = RepoClient::new(token_client(args.api_url, args.token)?, args.repo.clone());
    let config = repository_config(&client).await?;
    let made = made(&client, &id).await?;
    // Its name only: the bodies stay the same whichever directory the command runs from.
    let path = args
        .path
        .file_name()
        .map_or_else(|| stem.clone(), |name| name.to_string_lossy().into_owned());
    let source = Source {
        plan: &plan,
        id: &id,
        title: &title,
        path: &path,
        trigger_label: &config.trigger_label,
    };
    let applying = github::writes(&source, &made);
    let repo = args.repo.to_string();
    if args.dry_run {
        let known = |target: &Target| existing(target);
        let shown: Vec<String> = applying
            .writes
            .iter()
            .map(|write| request_line(&client.plan_request(write, &known)))
            .collect();
        return Ok(github_applied(&repo, &applying, &shown, true));
    }
    let mut sender = Sender {
        client: &client,
        created: BTreeMap::new(),
        done: Vec::new(),
        missing: Vec::new(),
    };
    for write in &applying.writes {
        if let Err(error) = sender.send(write).await {
            return Err(ApplyError::Stopped {
                done: github_applied(&repo, &applying, &sender.done, false),
                error,
            });
        }
    }
    let mut out = github_applied(&repo, &applying, &sender.done, false);
    for kind in &sender.missing {
        out.push_str(&links_unavailable(kind));
        out.push('\n');
    }
    Ok(out)
}

/// Sends writes in order, keeping the number and id of each issue it creates for the links
/// that name it.
struct Sender<'c> {
    client: &'c RepoClient,
    created: BTreeMap<Key, (IssueNumber, IssueId)>,
    done: Vec<String>,
    /// Kinds of links this GitHub has no endpoint for.
    missing: Vec<&'static str>,
}

impl Sender<'_> {
    async fn send(&mut self, write: &Write) -> Result<(), GitHubError> {
        let kind = match write {
            Write::AddSubIssue { .. } => Some(SUB_ISSUES),
            Write::AddBlockedBy { .. } => Some(ISSUE_DEPENDENCIES),
            _ => None,
        };
        if kind.is_some_and(|kind| self.missing.contains(&kind)) {
            return Ok(());
        }
        let created = &self.created;
        let known = |target: &Target| match target {
            Target::New(key) => created.get(key).copied(),
            existing_one => existing(existing_one),
        };
        let request = self.client.plan_request(write, &known);
        if !request.complete {
            return Err(GitHubError::Decode {
                endpoint: request.path,
                reason: "it names an issue that was not created".into(),
            });
        }
        let answer = match self.client.send_plan_request(&request).await {
            Ok(answer) => answer,
            // A GitHub Enterprise Server without the feature: the rest of the plan still goes.
            Err(error) if error.is_not_found() && kind.is_some() => {
                self.missing.extend(kind);
                return Ok(());
            }
            Err(error) => return Err(error),
        };
        if let Write::Create { key, .. } = write {
            let number = answer["number"].as_u64();
            let id = answer["id"].as_u64();
            let (Some(number), Some(id)) = (number, id) else {
                return Err(GitHubError::Decode {
                    endpoint: request.path,
                    reason: "the new issue has no number or id".into(),
                });
            };
            self.created
                .insert(key.clone(), (IssueNumber(number), IssueId(id)));
        }
        let created = &self.created;
        let name = |target: &Target| match target {
            Target::Existing { number, .. } => number.to_string(),
            Target::New(key) => created
                .get(key)
                .map_or_else(|| format!("{key:?}"), |(number, _)| number.to_string()),
        };
        self.done.push(github_write(write, &name));
        Ok(())
    }
}

fn existing(target: &Target) -> Option<(IssueNumber, IssueId)> {
    match target {
        Target::Existing { number, id } => Some((*number, *id)),
        Target::New(_) => None,
    }
}

/// `POST /repos/o/r/issues {"title": …}`: a request as a dry run shows it.
fn request_line(request: &PlanRequest) -> String {
    match &request.body {
        Some(body) => format!("{} {} {body}", request.method, request.path),
        None => format!("{} {}", request.method, request.path),
    }
}

/// The config on the repository's default branch; the defaults without one.
async fn repository_config(client: &RepoClient) -> Result<Config, ApplyError> {
    let Conditional::Fresh {
        value: repository, ..
    } = client.repository(None).await?
    else {
        return Ok(Config::default());
    };
    let branch = repository.default_branch;
    let text = match client.file_on_branch(CONFIG_PATH, &branch, None).await {
        Ok(Conditional::Fresh { value, .. }) => value.text().unwrap_or_default(),
        Ok(Conditional::NotModified) => String::new(),
        Err(error) if error.is_not_found() => String::new(),
        Err(error) => return Err(error.into()),
    };
    config::parse(&text).map_err(|errors| ApplyError::Config {
        path: CONFIG_PATH.to_owned(),
        errors: errors.render(CONFIG_PATH),
        branch,
    })
}

/// The issues an earlier apply of plan `id` made, and their links.
async fn made(client: &RepoClient, id: &str) -> Result<Made, GitHubError> {
    let issues: Vec<MadeIssue> = client
        .all_issues()
        .await?
        .into_iter()
        .filter(|issue| !issue.is_pull_request())
        .filter_map(|issue| {
            let marker = Marker::find(issue.body()).filter(|m| m.plan == id)?;
            Some(MadeIssue {
                number: issue.number,
                id: issue.id,
                open: issue.is_open(),
                labels: issue.label_names(),
                title: issue.title.clone(),
                body: issue.body().to_owned(),
                marker,
            })
        })
        .collect();
    let mut made = Made {
        issues,
        ..Made::default()
    };
    let parent = made
        .issues
        .iter()
        .filter(|issue| issue.marker.item.is_none())
        .map(|issue| issue.number)
        .min();
    if let Some(parent) = parent {
        made.sub_issues = match client.sub_issues(parent, None).await {
            Ok(Conditional::Fresh { value, .. }) => value.iter().map(|sub| sub.issue.id).collect(),
            Ok(Conditional::NotModified) => Vec::new(),
            Err(error) if error.is_not_found() => Vec::new(),
            Err(error) => return Err(error),
        };
    }
    let items: Vec<IssueNumber> = made
        .issues
        .iter()
        .filter(|issue| issue.marker.item.is_some())
        .map(|issue| issue.number)
        .collect();
    for number in items {
        let blockers = match client.blocked_by(number, None).await {
            Ok(Conditional::Fresh { value, .. }) => {
                value.iter().map(|blocker| blocker.id).collect()
            }
            Ok(Conditional::NotModified) => Vec::new(),
            // No issue dependencies on this server: nothing is linked.
            Err(error) if error.is_not_found() => break,
            Err(error) => return Err(error),
        };
        made.blocked_by.insert(number, blockers);
    }
    Ok(made)
}
