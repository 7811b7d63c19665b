//! What the overlap engine is given: the open PRs as GitHub describes them, the compares
//! from their merge bases, and the config's path rules.

use super::BaseDiff;
use super::files::ChangedFile;
use super::ownership::Ownership;
use crate::config::Config;
use crate::globs::PathFilter;
use crate::ids::{PrNumber, Sha};
use std::collections::HashMap;

/// One coordinated open PR, as GitHub describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPr {
    pub number: PrNumber,
    pub head_sha: Sha,
    /// The merge base of the PR's head with the default branch's head.
    pub merge_base: Sha,
    pub files: Vec<ChangedFile>,
    /// False when GitHub's file list stopped at its 3,000-file cap.
    pub files_complete: bool,
    /// The lane the PR belongs to, if it comes from a lane branch.
    pub lane: Option<String>,
}

/// Everything [`analyze`] needs.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The head of the default branch: the coordinates all lines are compared in.
    pub default_head: &'a Sha,
    pub prs: &'a [OpenPr],
    /// The compare from each merge base to `default_head`. A merge base without one (the
    /// compare failed) leaves its PRs' line numbers unmapped, and says so.
    pub base_diffs: &'a HashMap<Sha, BaseDiff>,
    pub ignore: &'a PathFilter,
    /// Files regenerated rather than merged (lock files): two PRs changing the same lines of
    /// one are a [`super::FileOverlapKind::Regenerated`] finding; separate regions of one are
    /// no conflict, as in any other file.
    pub regenerated: &'a PathFilter,
    pub ownership: &'a Ownership,
}

/// What a configuration says about paths when pull requests are compared: which never matter,
/// which are regenerated, which tracks own which. Compiled once and lent to each analysis.
#[derive(Debug, Default)]
pub struct PathRules {
    pub ignore: PathFilter,
    pub regenerated: PathFilter,
    pub ownership: Ownership,
}

impl PathRules {
    /// The rules of `config`, its tracks' ownership included.
    pub fn of(config: &Config) -> Self {
        Self {
            ownership: Ownership::from_tracks(&config.tracks).unwrap_or_default(),
            ..Self::without_ownership(config)
        }
    }

    /// The rules of `config` without ownership: for comparing branches no track governs.
    pub fn without_ownership(config: &Config) -> Self {
        Self {
            ignore: config.ignored(),
            regenerated: config.regenerated(),
            ownership: Ownership::default(),
        }
    }

    /// The engine's inputs for these PRs under these rules.
    pub fn inputs<'a>(
        &'a self,
        default_head: &'a Sha,
        prs: &'a [OpenPr],
        base_diffs: &'a HashMap<Sha, BaseDiff>,
    ) -> Inputs<'a> {
        Inputs {
            default_head,
            prs,
            base_diffs,
            ignore: &self.ignore,
            regenerated: &self.regenerated,
            ownership: &self.ownership,
        }
    }
}

/// A file to fetch at a merge base and at the default branch's head, then diff with
/// [`super::fetched_file`], because the compare stopped listing before it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FetchRequest {
    pub merge_base: Sha,
    pub path: String,
}
