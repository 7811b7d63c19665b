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
        Ok(self
            .tips()?
            .into_iter()
            .map(|(name, tip)| (name, tip.commit))
            .collect())
    }

    /// Every local branch with its commit and that commit's tree, from one call.
    pub fn tips(&self) -> Result<BTreeMap<String, Tip>, LocalError> {
        let out = self.git.text(&[
            "for-each-ref",
            "--format=%(objectname) %(tree) %(refname)",
            "refs/heads",
        ])?;
        Ok(out
            .lines()
            .filter_map(|line| {
                let (commit, rest) = line.split_once(' ')?;
                let (tree, name) = rest.split_once(" refs/heads/")?;
                Some((
                    name.to_owned(),
                    Tip {
                        commit: commit.to_owned(),
                        tree: tree.to_owned(),
                    },
                ))
            })
            .collect())
    }

    /// The worktrees git lists, the main one first.
    pub fn worktrees(&self) -> Result<Vec<Worktree>, LocalError> {
        worktrees(&self.git)
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

    /// The top of the worktree `dir` is in.
    pub fn top_of(dir: &Path) -> Result<PathBuf, LocalError> {
        Ok(PathBuf::from(
            Git::new(dir).text(&["rev-parse", "--show-toplevel"])?,
        ))
    }

    /// Whether the worktree at `path` has uncommitted changes or untracked files.
    pub fn is_dirty(&self, path: &Path) -> Result<bool, LocalError> {
        let out = Git::new(path).run(&["status", "--porcelain=v1", "-z"])?;
        Ok(!out.is_empty())
    }
}

/// A branch's commit and its tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tip {
    pub commit: String,
    pub tree: String,
}

/// One worktree of the repository, as `git worktree list` gives it.
#[derive(Debug, Clone)]
pub struct Worktree {
    pub path: PathBuf,
    /// The commit checked out; `None` before the first commit.
    pub head: Option<String>,
    /// `None` when its HEAD is detached.
    pub branch: Option<String>,
    pub bare: bool,
    /// Its directory is gone; git prunes it in time.
    pub prunable: bool,
}

/// The worktrees git lists, the main one first.
fn worktrees(git: &Git) -> Result<Vec<Worktree>, LocalError> {
    let out = git.run(&["worktree", "list", "--porcelain", "-z"])?;
    let mut listed: Vec<Worktree> = Vec::new();
    for field in nul_fields(&out) {
        if let Some(path) = field.strip_prefix("worktree ") {
            listed.push(Worktree {
                path: PathBuf::from(path),
                head: None,
                branch: None,
                bare: false,
                prunable: false,
            });
        } else if let Some(worktree) = listed.last_mut() {
            if let Some(branch) = field.strip_prefix("branch refs/heads/") {
                worktree.branch = Some(branch.to_owned());
            } else if let Some(head) = field.strip_prefix("HEAD ") {
                worktree.head = Some(head.to_owned());
            } else if field == "bare" {
                worktree.bare = true;
            } else if field == "prunable" || field.starts_with("prunable ") {
                worktree.prunable = true;
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
