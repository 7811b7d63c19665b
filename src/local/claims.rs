//! `claim` and `unclaim`: the paths a lane says it is about to change, kept in the task
//! book, and what the answers say of them.

use super::asking::{Asker, asker, canonical};
use super::book::{Book, Standing};
use super::error::LocalError;
use super::repo::Repo;
use super::snapshot;
use super::{open_store, read_book, store_error};
use crate::claims::{self, Claim};
use crate::text::errors;
use crate::text::local::{ClaimView, claim_made, claimed_too, unclaimed};
use chrono::{DateTime, Duration, Local, Utc};
use std::path::Path;

/// A claim as it is told, on this machine's clock.
pub fn view(claim: &Claim, now: DateTime<Utc>) -> ClaimView<'_> {
    ClaimView {
        lane: &claim.lane,
        path: &claim.path,
        task: claim.task.as_deref(),
        reason: claim.reason.as_deref(),
        until: claim.until.with_timezone(&Local).naive_local(),
        now: now.with_timezone(&Local).naive_local(),
    }
}

/// The claims holding at `now`; none when there is no task book yet.
pub fn holding(repo: &Repo, now: DateTime<Utc>) -> Result<Vec<Claim>, LocalError> {
    if !super::book_path(repo).exists() {
        return Ok(Vec::new());
    }
    open_store(repo)?
        .local_claims(now)
        .map_err(|e| store_error(repo, e))
}

/// The lane a claim is made or let go for: named, else the lane of the worktree `dir` is in.
fn claiming_lane(repo: &Repo, dir: &Path, lane: Option<&str>) -> Result<Asker, LocalError> {
    let checkouts = snapshot::checkouts(repo)?;
    asker(repo, dir, lane, true, &checkouts)
}

/// A path as claims keep it; a folder of the worktree gets its trailing `/`.
fn claim_path(text: &str, top: &Path) -> Result<String, LocalError> {
    let relative = match Path::new(text).strip_prefix(top) {
        Ok(inside) if Path::new(text).is_absolute() => inside.to_string_lossy().into_owned(),
        _ => text.to_owned(),
    };
    let mut path = claims::normalize_path(&relative).map_err(LocalError::Usage)?;
    if !path.ends_with('/') && top.join(&path).is_dir() {
        path.push('/');
    }
    Ok(path)
}

/// The task the lane is working on: the started one, else the assigned one.
fn current_task(book: &Book, lane: &str) -> Option<String> {
    let plan = book.plan(Utc::now());
    let on_lane = |started: bool| {
        book.tasks.iter().find(|task| {
            task.lane.eq_ignore_ascii_case(lane)
                && matches!(book.standing(&plan, task),
                    Standing::Assigned { started: s, .. } if s == started)
        })
    };
    on_lane(true)
        .or_else(|| on_lane(false))
        .map(|task| task.id.clone())
}

/// `claim PATHS… [--for D] [--reason TEXT] [--lane NAME]`.
pub fn claim(
    repo: &Repo,
    dir: &Path,
    paths: &[String],
    duration: Option<&str>,
    reason: Option<String>,
    lane: Option<&str>,
) -> Result<String, LocalError> {
    let asker = claiming_lane(repo, dir, lane)?;
    let lane = asker.lane.clone().unwrap_or_default();
    let top = canonical(asker.worktree.as_deref().unwrap_or(&repo.main_worktree));
    let mut wanted = paths
        .iter()
        .map(|text| claim_path(text, &top))
        .collect::<Result<Vec<_>, _>>()?;
    wanted.sort();
    wanted.dedup();
    let duration = match duration {
        Some(text) => claims::parse_duration(text)
            .map_err(|why| LocalError::Usage(errors::claim_duration(&why)))?,
        None => Duration::hours(claims::DEFAULT_HOURS),
    };
    let reason = reason
        .map(|reason| reason.trim().to_owned())
        .filter(|reason| !reason.is_empty());
    let task = current_task(&read_book(repo)?, &lane);
    let now = Utc::now();
    let made: Vec<Claim> = wanted
        .iter()
        .map(|path| Claim {
            lane: lane.clone(),
            path: path.clone(),
            task: task.clone(),
            reason: reason.clone(),
            claimed_at: now,
            until: now + duration,
        })
        .collect();
    super::ensure_state_dir(repo)?;
    let store = open_store(repo)?;
    store
        .add_local_claims(&made, now)
        .map_err(|e| store_error(repo, e))?;
    let others = store.local_claims(now).map_err(|e| store_error(repo, e))?;
    let mut lines = Vec::new();
    for claim in &made {
        lines.push(claim_made(&view(claim, now)));
        for other in claims::claimed_by_others(&others, Some(&lane), &claim.path) {
            lines.push(claimed_too(&view(other, now)));
        }
    }
    Ok(lines.join("\n"))
}

/// `unclaim [PATHS…] [--lane NAME]`.
pub fn unclaim(
    repo: &Repo,
    dir: &Path,
    paths: &[String],
    lane: Option<&str>,
) -> Result<String, LocalError> {
    let asker = claiming_lane(repo, dir, lane)?;
    let lane = asker.lane.clone().unwrap_or_default();
    let top = canonical(asker.worktree.as_deref().unwrap_or(&repo.main_worktree));
    let asked = paths
        .iter()
        .map(|text| claim_path(text, &top))
        .collect::<Result<Vec<_>, _>>()?;
    if !super::book_path(repo).exists() {
        return Ok(unclaimed(&lane, &[], &asked));
    }
    // `src` lets go of `src/` too: the folder may be gone from the worktree by now.
    let candidates: Vec<String> = asked
        .iter()
        .flat_map(|path| {
            let folder = (!path.ends_with('/')).then(|| format!("{path}/"));
            std::iter::once(path.clone()).chain(folder)
        })
        .collect();
    let removed = open_store(repo)?
        .remove_local_claims(
            &lane,
            (!asked.is_empty()).then_some(&candidates),
            Utc::now(),
        )
        .map_err(|e| store_error(repo, e))?;
    let kept: Vec<String> = asked
        .iter()
        .filter(|path| {
            !removed
                .iter()
                .any(|gone| gone == *path || gone.trim_end_matches('/') == path.as_str())
        })
        .cloned()
        .collect();
    Ok(unclaimed(&lane, &removed, &kept))
}
