//! Merge bases with the default branch, remembered in the state directory: the merge base
//! of two commits never changes, and `touching` and `conflicts` ask for the same ones run
//! after run, one git process each, while the lanes' heads stay where they are.

use super::error::LocalError;
use super::parallel;
use super::repo::Repo;
use std::collections::HashMap;
use std::io::Write;

/// The file, one line per pair: `<default head> <head> <merge base, or ->`.
const FILE: &str = "merge-bases";

/// Past this size the file is written again with only the pairs of the current run.
const MOST_BYTES: u64 = 4 << 20;

/// The merge base of each commit with the default branch's head (`None`: they share no
/// history).
pub fn merge_bases(repo: &Repo, heads: &[&str]) -> Vec<Result<Option<String>, LocalError>> {
    let path = repo.state_dir.join(FILE);
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let known: HashMap<(&str, &str), Option<&str>> = text
        .lines()
        .filter_map(|line| {
            let mut words = line.split(' ');
            let (from, head, base) = (words.next()?, words.next()?, words.next()?);
            let base = (base != "-").then_some(base);
            Some(((from, head), base))
        })
        .collect();
    let default_head = repo.default_head.as_str();
    let missing: Vec<&str> = heads
        .iter()
        .copied()
        .filter(|head| !known.contains_key(&(default_head, *head)))
        .collect();
    let found = parallel::map(&missing, |head| {
        repo.git
            .answer(&["merge-base", default_head, head], &[0, 1])
            .map(|answer| {
                let base = String::from_utf8_lossy(&answer.stdout).trim().to_owned();
                (!base.is_empty()).then_some(base)
            })
    });
    let found: HashMap<&str, Result<Option<String>, LocalError>> =
        missing.iter().copied().zip(found).collect();
    let new: String = found
        .iter()
        .filter_map(|(head, base)| {
            let base = base.as_ref().ok()?;
            Some(format!(
                "{default_head} {head} {}\n",
                base.as_deref().unwrap_or("-")
            ))
        })
        .collect();
    if !new.is_empty() {
        // Remembering is a saving, never a need: a file that cannot be written is left be.
        let _ = remember(repo, &new, text.len() as u64);
    }
    heads
        .iter()
        .map(|head| match found.get(head) {
            Some(Ok(base)) => Ok(base.clone()),
            Some(Err(error)) => Err(again(error)),
            None => Ok(known
                .get(&(default_head, *head))
                .copied()
                .flatten()
                .map(str::to_owned)),
        })
        .collect()
}

/// Adds `lines` to the file, or starts it again with them once it has grown past
/// [`MOST_BYTES`]. Each addition is one write to a file opened for appending, so two
/// processes adding at once never mix their lines.
fn remember(repo: &Repo, lines: &str, size: u64) -> std::io::Result<()> {
    std::fs::create_dir_all(&repo.state_dir)?;
    let path = repo.state_dir.join(FILE);
    if size > MOST_BYTES {
        let fresh = path.with_extension(format!("new-{}", std::process::id()));
        std::fs::write(&fresh, lines)?;
        return std::fs::rename(fresh, path);
    }
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?
        .write_all(lines.as_bytes())
}

/// The same error for a second branch on the same head.
fn again(error: &LocalError) -> LocalError {
    match error {
        LocalError::Git { command, message } => LocalError::Git {
            command: command.clone(),
            message: message.clone(),
        },
        LocalError::GitMissing(message) => LocalError::GitMissing(message.clone()),
        other => LocalError::Usage(other.to_string()),
    }
}
