//! What the pull requests' plan reads: the repository's open pull requests as the App read
//! them from GitHub and its caches, plain values with no handle on either.

use crate::assign;
use crate::config::{Config, ConfigErrors, Coordinate};
use crate::ids::{PrNumber, RepoName, Sha};
use crate::overlap::{BaseDiff, OpenPr};
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};

/// One repository's pull requests at the start of a reconcile: the pull requests' plan is a
/// function of this alone.
#[derive(Debug, Clone)]
pub struct PullSnapshot {
    pub repo: RepoName,
    /// The repository's web page.
    pub repo_url: String,
    pub default_branch: String,
    /// The head of the default branch: all line numbers are compared in its coordinates.
    pub default_head: Sha,
    pub config: Config,
    /// Every open pull request, oldest first.
    pub open_prs: Vec<PrListing>,
    /// The coordinated PRs, with what each changed and where it branched, as the overlap
    /// engine takes them.
    pub prs: Vec<OpenPr>,
    /// How the default branch moved since each merge base.
    pub base_diffs: HashMap<Sha, BaseDiff>,
    /// Coordinated PRs approved by review.
    pub approved: BTreeSet<PrNumber>,
    /// Numbers PRs depend on that are closed or merged (no longer anything to wait for).
    pub closed: BTreeSet<PrNumber>,
    /// PRs that carry our overlap comment.
    pub commented: BTreeSet<PrNumber>,
    /// Where the whole merge queue is shown, once there is a status board.
    pub board_url: Option<String>,
    /// Heads whose check run someone asked to run again, with the run's name.
    pub rerequested: BTreeSet<(Sha, String)>,
    /// Open PRs that change the configuration file, with their version of it.
    pub config_changes: Vec<ConfigChange>,
}

/// An open pull request as GitHub lists it: what it says of itself, not what it changes
/// ([`OpenPr`] holds that, for the coordinated ones).
#[derive(Debug, Clone, PartialEq)]
pub struct PrListing {
    pub number: PrNumber,
    pub title: String,
    pub body: String,
    pub draft: bool,
    pub created_at: DateTime<Utc>,
    pub head_branch: String,
    pub head_sha: Sha,
    /// Its page on GitHub.
    pub url: String,
    pub labels: Vec<String>,
    /// The numbers its body says it depends on ([`depends_on`]).
    pub depends_on: Vec<PrNumber>,
}

/// The numbers a PR body says it depends on ("Depends on #12", "Blocked by #12", unticked
/// task-list items); PRs and issues share the numbering.
pub fn depends_on(body: &str) -> Vec<PrNumber> {
    assign::dependencies(body)
        .into_iter()
        .map(|issue| PrNumber(issue.0))
        .collect()
}

impl PullSnapshot {
    pub fn merged_or_closed(&self, number: PrNumber) -> bool {
        self.closed.contains(&number)
    }

    /// The open PRs Switchyard coordinates.
    pub fn coordinated(&self) -> Vec<&PrListing> {
        self.open_prs
            .iter()
            .filter(|pr| is_coordinated(&self.config, pr))
            .collect()
    }
}

/// Whether Switchyard coordinates this pull request.
fn is_coordinated(config: &Config, pr: &PrListing) -> bool {
    match config.coordinate {
        Coordinate::All => true,
        Coordinate::LaneBranches => config.lane_for_branch(&pr.head_branch).is_some(),
    }
}

/// An open PR that changes the configuration file, with its version of the file.
#[derive(Debug, Clone)]
pub struct ConfigChange {
    pub head_sha: Sha,
    pub version: ConfigVersion,
}

#[derive(Debug, Clone)]
pub enum ConfigVersion {
    Valid(Config),
    Invalid(ConfigErrors),
    Removed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_read_from_lines_outside_code_and_quotes() {
        let body = "Adds the parser.\n\nDepends on #12, #15\n- blocked by #3.\n\
                    > Depends on #99\n```\nDepends on #98\n```\nmentions #7 in passing";
        let mut found = depends_on(body);
        found.sort();
        assert_eq!(found, vec![PrNumber(3), PrNumber(12), PrNumber(15)]);
    }
}
