//! Typed identifiers for what Switchyard handles, so a PR number is never mistaken for an
//! issue number or an installation id.

use serde::{Deserialize, Serialize};
use std::fmt;

/// `owner/name` of a repository, compared case-insensitively as GitHub does.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RepoName {
    full: String,
}

impl RepoName {
    pub fn new(owner: &str, name: &str) -> Self {
        Self {
            full: format!("{}/{}", owner, name).to_ascii_lowercase(),
        }
    }

    pub fn owner(&self) -> &str {
        self.full.split_once('/').map(|(o, _)| o).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.full.split_once('/').map(|(_, n)| n).unwrap_or("")
    }

    pub fn as_str(&self) -> &str {
        &self.full
    }
}

impl TryFrom<String> for RepoName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<RepoName> for String {
    fn from(r: RepoName) -> String {
        r.full
    }
}

impl std::str::FromStr for RepoName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.split_once('/') {
            Some((o, n)) if !o.is_empty() && !n.is_empty() && !n.contains('/') => {
                Ok(Self::new(o, n))
            }
            _ => Err(format!("`{s}` is not of the form owner/name")),
        }
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full)
    }
}

macro_rules! number_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

number_id!(
    /// A pull request's number within its repository.
    PrNumber,
    "#"
);
number_id!(
    /// An issue's number within its repository (PRs share the numbering).
    IssueNumber,
    "#"
);
number_id!(
    /// A GitHub App installation.
    InstallationId,
    ""
);
number_id!(
    /// A GitHub App: what tells the App's own comments and check runs from others'.
    AppId,
    ""
);
number_id!(
    /// A check run's id.
    CheckRunId,
    ""
);
number_id!(
    /// An issue comment's id.
    CommentId,
    ""
);
number_id!(
    /// An issue's id across GitHub (not its number): what sub-issue and "blocked by" links
    /// name.
    IssueId,
    ""
);

/// Zero, for an answer that leaves the id out.
impl Default for IssueId {
    fn default() -> Self {
        IssueId(0)
    }
}

/// A pull request is an issue too: GitHub numbers them together, and the issue endpoints
/// (comments, labels) take a pull request's number.
impl From<PrNumber> for IssueNumber {
    fn from(number: PrNumber) -> Self {
        IssueNumber(number.0)
    }
}

/// A git object id (commit or blob), as GitHub sends it: 40 hex digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sha(pub String);

impl Sha {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn short(&self) -> &str {
        self.0.get(..7).unwrap_or(&self.0)
    }
}

impl From<&str> for Sha {
    fn from(s: &str) -> Self {
        Sha(s.to_owned())
    }
}

impl fmt::Display for Sha {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_name_parses_and_lowercases() {
        let r: RepoName = "Octo-Org/Hello-World".parse().unwrap();
        assert_eq!(r.as_str(), "octo-org/hello-world");
        assert_eq!(r.owner(), "octo-org");
        assert_eq!(r.name(), "hello-world");
        assert!("nope".parse::<RepoName>().is_err());
        assert!("a/b/c".parse::<RepoName>().is_err());
        assert!("/b".parse::<RepoName>().is_err());
    }

    #[test]
    fn ids_display() {
        assert_eq!(PrNumber(12).to_string(), "#12");
        assert_eq!(Sha::from("0123456789abcdef").short(), "0123456");
    }
}
