//! `init --hooks`: a pre-commit hook in the lanes' worktrees that says what a commit
//! changes that another lane changes or claims. It never stops a commit.
//!
//! Each worktree's hooks folder is where git looks for it there: `core.hooksPath` if set
//! (for the repository, or for that worktree alone), else the repository's `hooks/`, which
//! all its worktrees share. A hook already there that is not ours is left as it is.

use super::error::LocalError;
use super::git::Git;
use super::repo::Repo;
use crate::config::Agent;
use crate::text::local::{HOOK_MARKER, hook_installed, hook_kept, hook_refused, pre_commit_hook};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Installs the hook for each of `lanes` that has a worktree; a line for each hooks folder.
pub fn install(repo: &Repo, lanes: &[Agent]) -> Result<Vec<String>, LocalError> {
    let exe = std::env::current_exe()
        .and_then(|exe| exe.canonicalize())
        .map(|exe| exe.display().to_string())
        .unwrap_or_else(|_| "switchyard".to_owned());
    let hook = pre_commit_hook(&exe);
    let mut folders: BTreeSet<PathBuf> = BTreeSet::new();
    for agent in lanes {
        let worktree = repo.worktree_for(&agent.name);
        if !worktree.is_dir() {
            continue;
        }
        let folder = Git::new(&worktree).text(&[
            "rev-parse",
            "--path-format=absolute",
            "--git-path",
            "hooks",
        ])?;
        folders.insert(PathBuf::from(folder));
    }
    let mut lines = Vec::new();
    for folder in folders {
        let path = folder.join("pre-commit");
        let shown = path.display().to_string();
        let io = |error| LocalError::Io {
            path: path.clone(),
            error,
        };
        match std::fs::read_to_string(&path) {
            Ok(existing) if existing == hook => {
                lines.push(hook_kept(&shown));
                continue;
            }
            Ok(existing) if !existing.contains(HOOK_MARKER) => {
                lines.push(hook_refused(&shown));
                continue;
            }
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                // Unreadable as text (a binary hook, say): not ours either.
                if path.exists() {
                    lines.push(hook_refused(&shown));
                    continue;
                }
                return Err(io(error));
            }
            _ => {}
        }
        std::fs::create_dir_all(&folder).map_err(|error| LocalError::Io {
            path: folder.clone(),
            error,
        })?;
        std::fs::write(&path, &hook).map_err(io)?;
        make_executable(&path).map_err(io)?;
        lines.push(hook_installed(&shown));
    }
    Ok(lines)
}

#[cfg(unix)]
fn make_executable(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_path: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}
