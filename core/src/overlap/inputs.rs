//! What the overlap engine is given: the open PRs as GitHub describes them, the compares
//! from their merge bases, and the config's path rules.

use super::BaseDiff;
use super::files::ChangedFile;
use crate::config::{Config, Track};
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
    /// The configured tracks: a PR changing paths that a track bound to another lane owns is
    /// an ownership finding. Tracks bound to no lane own nothing here.
    pub tracks: &'a [Track],
}

/// What a configuration says about paths when pull requests are compared: which never matter,
/// which are regenerated, which tracks own which. Compiled when the configuration was read;
/// this lends them to each analysis.
#[derive(Debug, Clone, Copy)]
pub struct PathRules<'c> {
    pub ignore: &'c PathFilter,
    pub regenerated: &'c PathFilter,
    pub tracks: &'c [Track],
}

/// The filter of no paths, for rules that ignore and regenerate nothing.
static NO_PATHS: PathFilter = PathFilter::empty();

/// No path ignored, none regenerated, none owned.
impl Default for PathRules<'_> {
    fn default() -> Self {
        Self {
            ignore: &NO_PATHS,
            regenerated: &NO_PATHS,
            tracks: &[],
        }
    }
}

impl<'c> PathRules<'c> {
    /// The rules of `config`, its tracks' ownership included.
    pub fn of(config: &'c Config) -> Self {
        Self {
            ignore: &config.ignore_paths,
            regenerated: &config.regenerated_paths,
            tracks: &config.tracks,
        }
    }

    /// The rules of `config` without ownership: for comparing branches no track governs.
    pub fn without_ownership(config: &'c Config) -> Self {
        Self {
            tracks: &[],
            ..Self::of(config)
        }
    }

    /// The engine's inputs for these PRs under these rules.
    pub fn inputs<'a>(
        self,
        default_head: &'a Sha,
        prs: &'a [OpenPr],
        base_diffs: &'a HashMap<Sha, BaseDiff>,
    ) -> Inputs<'a>
    where
        'c: 'a,
    {
        Inputs {
            default_head,
            prs,
            base_diffs,
            ignore: self.ignore,
            regenerated: self.regenerated,
            tracks: self.tracks,
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
