//! `.github/switchyard.yml`: schema, defaults, validation.
//!
//! [`parse`] reads the file strictly: every key is optional, an unknown key is an error with a
//! suggestion, and every error carries the line and column of the node it is about. What the
//! checks compile (the branch template, each set of path globs) is what the [`Config`] holds,
//! so nothing is parsed twice and a config built in code goes through the same constructors.
//! The helpers on [`Config`] answer the questions the rest of the crate asks of it: which lane
//! does this branch belong to, what is this estimate.

mod branch;
mod errors;
mod estimate;
mod lock_files;
mod schema;
#[cfg(test)]
pub(crate) mod tests;
mod yaml;

use crate::globs::PathFilter;
use std::collections::BTreeMap;

pub use branch::{BranchTemplate, LaneBranch};
pub use errors::{ConfigError, ConfigErrors};

/// Where the file lives in a repository.
pub const CONFIG_PATH: &str = ".github/switchyard.yml";

/// Name of the check run that validates a pull request's version of the file.
pub const CONFIG_CHECK_NAME: &str = "Switchyard config";

/// The typed, validated configuration of one repository.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The lanes, in the order they were configured.
    pub agents: Vec<Agent>,
    /// Lane branch template: `parallel-dev/{agent}` (one long-lived branch per agent) or
    /// `{agent}/{issue}-{slug}` (a branch per task). Placeholders: `{agent}`, `{issue}`, `{slug}`.
    pub branch_template: BranchTemplate,
    /// Tasks at once per lane.
    pub capacity: u32,
    /// A task whose footprint shares a file with a task running on another lane waits for it
    /// ([`crate::footprint`]).
    pub footprint_wait: bool,
    /// The label that asks Switchyard to assign an issue (default `parallel`).
    pub trigger_label: String,
    /// Tracks by name, in configured order.
    pub tracks: Vec<Track>,
    /// Globs of paths whose overlaps never matter: never mentioned, never ordered.
    pub ignore_paths: PathFilter,
    /// Globs of files regenerated rather than merged by hand (lock files): two PRs changing
    /// one get their own short finding and count as a conflict in the merge order.
    pub regenerated_paths: PathFilter,
    /// Which open PRs are coordinated.
    pub coordinate: Coordinate,
    pub merge_order: MergeOrderConfig,
    /// Size labels (e.g. `size: S`) mapped to hours.
    pub size_labels: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    /// Lane name, e.g. `agent-1` or `beta`; the label is `agent:<name>`.
    pub name: String,
    /// GitHub login to set as the assignee of the lane's issues.
    pub login: Option<String>,
    /// Whether the App mentions `login` with what to do when the lane's open PR needs a
    /// rebase or waits for a PR it shares lines with: for agents that act on mentions.
    pub handoff: bool,
}

impl Agent {
    /// A lane with no login: nobody assigned, nobody mentioned.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            login: None,
            handoff: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Track {
    pub name: String,
    /// Globs of the paths the track owns.
    pub paths: PathFilter,
    /// Names of tracks whose work comes first.
    pub depends_on: Vec<String>,
    /// The lane the track is bound to, if any.
    pub agent: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coordinate {
    /// Only PRs whose head branch is a lane branch (matches `branch_template` for some agent).
    LaneBranches,
    /// Every open PR.
    All,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MergeOrderConfig {
    /// Name of the check run (default "Merge order").
    pub check_name: String,
    /// When true, a PR that must wait gets `action_required` instead of `neutral`.
    pub enforce: bool,
    /// Time budget of the exact ordering before it falls back to the greedy one.
    pub exact_budget_ms: u64,
}

/// Number of lanes when the file does not say.
const DEFAULT_AGENT_COUNT: usize = 3;

/// One long-lived branch per lane.
const DEFAULT_BRANCH_TEMPLATE: &str = "parallel-dev/{agent}";

/// Lock files: two branches that both change one collide on it (GitHub refuses the second
/// merge until it is rebased), and the fix is to regenerate it, not to merge it by hand.
pub const DEFAULT_REGENERATED_PATHS: &[&str] = &[
    "**/Cargo.lock",
    "**/package-lock.json",
    "**/npm-shrinkwrap.json",
    "**/yarn.lock",
    "**/pnpm-lock.yaml",
    "**/bun.lockb",
    "**/poetry.lock",
    "**/Pipfile.lock",
    "**/uv.lock",
    "**/Gemfile.lock",
    "**/composer.lock",
    "**/go.sum",
    "**/mix.lock",
    "**/pubspec.lock",
    "**/Package.resolved",
];

impl Default for Config {
    fn default() -> Self {
        Config {
            agents: numbered_agents(DEFAULT_AGENT_COUNT),
            branch_template: DEFAULT_BRANCH_TEMPLATE
                .parse()
                .expect("the default template is valid"),
            capacity: 1,
            footprint_wait: true,
            trigger_label: "parallel".to_owned(),
            tracks: Vec::new(),
            ignore_paths: PathFilter::empty(),
            regenerated_paths: PathFilter::new(DEFAULT_REGENERATED_PATHS)
                .expect("the default globs are valid"),
            coordinate: Coordinate::LaneBranches,
            merge_order: MergeOrderConfig::default(),
            size_labels: [("size: S", 1.0), ("size: M", 4.0), ("size: L", 8.0)]
                .into_iter()
                .map(|(label, hours)| (label.to_owned(), hours))
                .collect(),
        }
    }
}

impl Default for MergeOrderConfig {
    fn default() -> Self {
        MergeOrderConfig {
            check_name: "Merge order".to_owned(),
            enforce: false,
            exact_budget_ms: 50,
        }
    }
}

/// `agent-1` … `agent-<count>`, the lanes of `agents: <count>`.
fn numbered_agents(count: usize) -> Vec<Agent> {
    (1..=count)
        .map(|n| Agent::named(format!("agent-{n}")))
        .collect()
}

/// Parses and validates the text of `.github/switchyard.yml`.
///
/// An empty file, or one holding only comments, gives [`Config::default`]. Every problem found
/// is reported, each with its position, rather than only the first.
pub fn parse(text: &str) -> Result<Config, ConfigErrors> {
    yaml::load(text)
        .map_err(|error| ConfigErrors::from(vec![error]))
        .and_then(|root| schema::validate(root.as_ref()))
        .map_err(|errors| on_git_lines(errors, text))
}

/// YAML breaks lines at a lone carriage return too; git and GitHub only at `\n`. Errors are
/// moved to the lines GitHub shows, since an annotation on a line the file does not have
/// there is refused. The column stays the one within YAML's line.
fn on_git_lines(mut errors: ConfigErrors, text: &str) -> ConfigErrors {
    if !text.contains('\r') {
        return errors;
    }
    // The git line of each YAML line, in order.
    let mut git_line_of = vec![1];
    let mut git_line = 1;
    let mut bytes = text.bytes().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\n' => git_line += 1,
            b'\r' if bytes.peek() == Some(&b'\n') => {
                bytes.next();
                git_line += 1;
            }
            b'\r' => {}
            _ => continue,
        }
        git_line_of.push(git_line);
    }
    for error in &mut errors.errors {
        if error.line > 0 {
            error.line = git_line_of.get(error.line - 1).copied().unwrap_or(git_line);
        }
    }
    errors
}

impl Config {
    /// The lane named `name`. Names compare without regard to ASCII case, as GitHub labels
    /// (`agent:<name>`) do.
    pub fn agent(&self, name: &str) -> Option<&Agent> {
        self.agents
            .iter()
            .find(|agent| agent.name.eq_ignore_ascii_case(name))
    }

    /// The track named `name`, compared like [`Config::agent`] (its label is `track:<name>`).
    pub fn track(&self, name: &str) -> Option<&Track> {
        self.tracks
            .iter()
            .find(|track| track.name.eq_ignore_ascii_case(name))
    }
}
