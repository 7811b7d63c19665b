//! The repository a local command runs in: found from any directory inside it (a linked
//! worktree too), with its default branch and configuration, and where its state lives.

use super::error::LocalError;
use super::git::{Git, MIN_VERSION, nul_fields};
use crate::config::{self, CONFIG_PATH, Config};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Repo {
    /// git run in the main worktree.
    pub git: Git,
    /// The main worktree: where the lane worktrees go beside, and the config is read from.
    pub main_worktree: PathBuf,
    /// `.git/switchyard/` of the main repository, shared by all its worktrees.
    pub state_dir: PathBuf,
    pub default_branch: String,
    pub default_head: String,
    pub config: Config,
}

impl Repo {
    /// The repository `dir` is in. `default_branch` overrides the one found.
    pub fn open(dir: &Path, default_branch: Option<&str>) -> Result<Repo, LocalError> {
        let here = Git::new(dir);
        if !here.succeeds(&["rev-parse", "--git-dir"])? {
            return Err(LocalError::NotARepository(dir.to_owned()));
        }
        let (major, minor) = here.version()?;
        if (major, minor) < MIN_VERSION {
            return Err(LocalError::GitTooOld {
                found_major: major,
                found_minor: minor,
            });
        }
        let common_dir = PathBuf::from(here.text(&[
            "rev-parse",
            "--path-format=absolute",
            "--git-common-dir",
        ])?);
        let main = main_worktree(&here)?;
        let git = Git::new(&main.path);
        let any_branch = git.text(&[
            "for-each-ref",
            "--count=1",
            "--format=%(refname)",
            "refs/heads",
        ])?;
        if any_branch.is_empty() {
            return Err(LocalError::NoCommits);
        }
        let default_branch = match default_branch {
            Some(name) => name.to_owned(),
            None => match origin_head(&git)? {
                Some(name) => name,
                None => match main.branch.clone() {
                    Some(name) => name,
                    None => return Err(LocalError::DetachedHead(main.path)),
                },
            },
        };
        let default_head = match git.commit(&format!("refs/heads/{default_branch}"))? {
            Some(sha) => sha,
            None if main.branch.as_deref() == Some(default_branch.as_str()) => {
                return Err(LocalError::NoCommits);
            }
            None => return Err(LocalError::NoDefaultBranch(default_branch)),
        };
        let config = read_config(&main.path)?;
        Ok(Repo {
            git,
            state_dir: common_dir.join("switchyard"),
            main_worktree: main.path,
            default_branch,
            default_head,
            config,
        })
    }

    /// `../<repo>-worktrees/<lane>/` beside the main worktree.
    pub fn worktree_for(&self, lane: &str) -> PathBuf {
        let name = self
            .main_worktree
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "repo".to_owned());
        let parent = self.main_worktree.parent().unwrap_or(&self.main_worktree);
        parent.join(format!("{name}-worktrees")).join(lane)
    }

    /// The commit a local branch points at, if it exists.
    pub fn branch_head(&self, branch: &str) -> Result<Option<String>, LocalError> {
        self.git.commit(&format!("refs/heads/{branch}"))
    }

    /// Every local branch with the commit it points at, from one call.
    pub fn heads(&self) -> Result<BTreeMap<String, String>, LocalError> {
        let out = self.git.text(&[
            "for-each-ref",
            "--format=%(objectname) %(refname)",
            "refs/heads",
        ])?;
        Ok(out
            .lines()
            .filter_map(|line| line.split_once(" refs/heads/"))
            .map(|(sha, name)| (name.to_owned(), sha.to_owned()))
            .collect())
    }

    /// Each worktree git lists, with the branch checked out there (`None`: its HEAD is
    /// detached).
    pub fn checked_out(&self) -> Result<BTreeMap<PathBuf, Option<String>>, LocalError> {
        Ok(worktrees(&self.git)?
            .into_iter()
            .map(|worktree| (worktree.path, worktree.branch))
            .collect())
    }

    /// Every local branch name.
    pub fn branches(&self) -> Result<Vec<String>, LocalError> {
        let out = self
            .git
            .text(&["for-each-ref", "--format=%(refname)", "refs/heads"])?;
        Ok(out
            .lines()
            .filter_map(|line| line.strip_prefix("refs/heads/"))
            .map(str::to_owned)
            .collect())
    }

    /// Whether the worktree at `path` has uncommitted changes or untracked files.
    pub fn is_dirty(&self, path: &Path) -> Result<bool, LocalError> {
        let out = Git::new(path).run(&["status", "--porcelain=v1", "-z"])?;
        Ok(!out.is_empty())
    }
}

struct Worktree {
    path: PathBuf,
    /// `None` when its HEAD is detached.
    branch: Option<String>,
    bare: bool,
}

/// The worktrees git lists, the main one first.
fn worktrees(git: &Git) -> Result<Vec<Worktree>, LocalError> {
    let out = git.run(&["worktree", "list", "--porcelain", "-z"])?;
    let mut listed: Vec<Worktree> = Vec::new();
    for field in nul_fields(&out) {
        if let Some(path) = field.strip_prefix("worktree ") {
            listed.push(Worktree {
                path: PathBuf::from(path),
                branch: None,
                bare: false,
            });
        } else if let Some(worktree) = listed.last_mut() {
            if let Some(branch) = field.strip_prefix("branch refs/heads/") {
                worktree.branch = Some(branch.to_owned());
            } else if field == "bare" {
                worktree.bare = true;
            }
        }
    }
    Ok(listed)
}

/// The first worktree git lists is the main one.
fn main_worktree(git: &Git) -> Result<Worktree, LocalError> {
    match worktrees(git)?.into_iter().next() {
        Some(main) if !main.bare => Ok(main),
        _ => Err(LocalError::NotARepository(git.dir().to_owned())),
    }
}

/// The branch `origin/HEAD` names, if there is one and a local branch of that name.
fn origin_head(git: &Git) -> Result<Option<String>, LocalError> {
    let answer = git.answer(
        &["symbolic-ref", "-q", "refs/remotes/origin/HEAD"],
        &[0, 1, 128],
    )?;
    if answer.code != 0 {
        return Ok(None);
    }
    let target = String::from_utf8_lossy(&answer.stdout).trim().to_owned();
    let Some(name) = target.strip_prefix("refs/remotes/origin/") else {
        return Ok(None);
    };
    let local = git.commit(&format!("refs/heads/{name}"))?;
    Ok(local.map(|_| name.to_owned()))
}

/// `.github/switchyard.yml` of the main worktree, or the defaults without one.
fn read_config(main: &Path) -> Result<Config, LocalError> {
    let path = main.join(CONFIG_PATH);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(error) => return Err(LocalError::Io { path, error }),
    };
    config::parse(&text).map_err(|errors| LocalError::Config(errors.render(CONFIG_PATH)))
}
