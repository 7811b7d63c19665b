//! The command comments the events name and nobody has answered yet, read with what the
//! rules need to know of their authors.

use super::context::Context;
use super::issues::Issues;
use super::stored::repo_key;
use crate::assign::{Access, Author, CommandComment, parse_commands};
use crate::github::models::{GhComment, Permission};
use crate::ids::{CommentId, IssueNumber};
use crate::reconcile::cache::{cached, store_cache};
use crate::reconcile::error::ReconcileError;
use crate::store::{self, CacheKind};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How long a person's access is taken as GitHub last gave it.
const ACCESS_TTL_SECS: i64 = 5 * 60;

/// Comments that may hold commands, not handled yet.
pub struct Pending {
    pub comments: Vec<(IssueNumber, GhComment)>,
    /// Comments deleted before they were read: nothing to answer.
    pub deleted: Vec<CommentId>,
}

impl Pending {
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.deleted.is_empty()
    }

    pub fn issues(&self) -> impl Iterator<Item = IssueNumber> + '_ {
        self.comments.iter().map(|(issue, _)| *issue)
    }
}

pub async fn pending(ctx: &Context<'_>) -> Result<Pending, ReconcileError> {
    let mut seen = BTreeSet::new();
    let mut pending = Pending {
        comments: Vec::new(),
        deleted: Vec::new(),
    };
    for (issue, comment) in ctx.reads.stale().commands() {
        if !seen.insert(*comment) || is_handled(ctx, *comment).await? {
            continue;
        }
        match ctx.client.comment(*comment).await {
            Ok(read) => pending.comments.push((*issue, read)),
            Err(e) if e.is_not_found() => pending.deleted.push(*comment),
            Err(e) => return Err(e.into()),
        }
    }
    pending
        .comments
        .sort_by_key(|(_, comment)| (comment.created_at, comment.id));
    Ok(pending)
}

async fn is_handled(ctx: &Context<'_>, comment: CommentId) -> Result<bool, ReconcileError> {
    let repo = ctx.repo().clone();
    Ok(store::blocking(ctx.store, move |s| s.command_handled(&repo, comment)).await?)
}

/// The comments as the rules take them. Access is asked only of people whose comment holds
/// a command: bots and the App are ignored whatever their access.
pub async fn command_comments(
    ctx: &Context<'_>,
    pending: &Pending,
    issues: &mut Issues,
) -> Result<Vec<CommandComment>, ReconcileError> {
    let mut comments = Vec::new();
    for (issue, comment) in &pending.comments {
        let (login, is_bot) = comment
            .user
            .as_ref()
            .map_or((String::new(), true), |u| (u.login.clone(), u.is_bot()));
        let is_app = comment.by_app(ctx.app_id);
        let has_commands = !parse_commands(comment.body(), &ctx.main.config).is_empty();
        let access = if is_bot || is_app || !has_commands {
            Access::None
        } else {
            access(ctx, &login).await?
        };
        let on_pull_request = issues
            .issue(ctx, *issue)
            .await?
            .is_some_and(|i| i.pull_request);
        comments.push(CommandComment {
            issue: *issue,
            on_pull_request,
            comment: comment.id,
            author: Author {
                login,
                is_bot,
                is_app,
                access,
            },
            body: comment.body().to_owned(),
        });
    }
    Ok(comments)
}

#[derive(Serialize, Deserialize)]
struct KnownPermission {
    permission: Permission,
    asked_at: i64,
}

/// A person's access to the repository, asked of GitHub at most every few minutes. Someone
/// GitHub does not know as a collaborator has none.
async fn access(ctx: &Context<'_>, login: &str) -> Result<Access, ReconcileError> {
    let key = repo_key(ctx.repo(), login.to_ascii_lowercase());
    let now = chrono::Utc::now().timestamp();
    let stored: Option<KnownPermission> =
        cached(ctx.store, CacheKind::Permission, key.clone()).await?;
    if let Some(stored) = stored.filter(|h| (0..ACCESS_TTL_SECS).contains(&(now - h.asked_at))) {
        return Ok(stored.permission.access());
    }
    let permission = match ctx.client.permission(login).await {
        Ok(permission) => permission,
        Err(e) if e.is_not_found() => Permission {
            permission: "none".into(),
            role_name: None,
        },
        Err(e) => return Err(e.into()),
    };
    let access = permission.access();
    let stored = KnownPermission {
        permission,
        asked_at: now,
    };
    store_cache(ctx.store, CacheKind::Permission, key, &stored).await?;
    Ok(access)
}
