//! Path globs: paths whose overlaps never matter, and paths owned by tracks bound to lanes.

use crate::config::Track;
use glob::{MatchOptions, Pattern, PatternError};

/// `*` stays within one directory; `**` crosses directories.
const MATCH_OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// A set of path globs.
#[derive(Debug, Clone, Default)]
pub struct PathFilter {
    patterns: Vec<Pattern>,
}

impl PathFilter {
    /// Matches nothing.
    pub const fn empty() -> Self {
        Self {
            patterns: Vec::new(),
        }
    }

    pub fn new<S: AsRef<str>>(globs: &[S]) -> Result<Self, PatternError> {
        let patterns = globs
            .iter()
            .map(|glob| Pattern::new(glob.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Self { patterns })
    }

    pub fn matches(&self, path: &str) -> bool {
        self.patterns
            .iter()
            .any(|pattern| pattern.matches_with(path, MATCH_OPTIONS))
    }
}

/// A track bound to a lane, with the paths it owns.
#[derive(Debug, Clone)]
pub struct OwnedTrack {
    pub name: String,
    pub lane: String,
    pub paths: PathFilter,
}

/// Which lane owns which paths, from the tracks bound to a lane.
#[derive(Debug, Clone, Default)]
pub struct Ownership {
    pub tracks: Vec<OwnedTrack>,
}

impl Ownership {
    /// No track owns anything.
    pub const fn empty() -> Self {
        Self { tracks: Vec::new() }
    }

    /// The tracks of the config that are bound to a lane; unbound tracks own nothing here.
    pub fn from_tracks(tracks: &[Track]) -> Result<Self, PatternError> {
        let tracks = tracks
            .iter()
            .filter_map(|track| {
                let lane = track.agent.clone()?;
                Some(PathFilter::new(&track.paths).map(|paths| OwnedTrack {
                    name: track.name.clone(),
                    lane,
                    paths,
                }))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { tracks })
    }

    /// The tracks owning `path` that are bound to a lane other than `lane` (every owning
    /// track when the PR is on no lane).
    pub fn foreign_owners<'s>(
        &'s self,
        path: &'s str,
        lane: Option<&'s str>,
    ) -> impl Iterator<Item = &'s OwnedTrack> {
        self.tracks
            .iter()
            .filter(move |track| Some(track.lane.as_str()) != lane && track.paths.matches(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_stays_in_a_directory_and_double_star_does_not() {
        let filter =
            PathFilter::new(&["*.lock", "docs/*.md", "gen/**", "**/fixtures/*.json"]).unwrap();
        assert!(filter.matches("Cargo.lock"));
        assert!(!filter.matches("sub/Cargo.lock"));
        assert!(filter.matches("docs/a.md"));
        assert!(!filter.matches("docs/deep/a.md"));
        assert!(filter.matches("gen/a/b/c.rs"));
        assert!(filter.matches("tests/fixtures/x.json"));
        assert!(filter.matches("a/b/fixtures/x.json"));
        assert!(!filter.matches("src/main.rs"));
        assert!(PathFilter::new(&["[unclosed"]).is_err());
    }

    fn track(name: &str, agent: Option<&str>, paths: &[&str]) -> Track {
        Track {
            name: name.into(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
            depends_on: Vec::new(),
            agent: agent.map(Into::into),
        }
    }

    #[test]
    fn only_tracks_of_other_lanes_are_foreign() {
        let ownership = Ownership::from_tracks(&[
            track("api", Some("agent-1"), &["src/api/**"]),
            track("ui", Some("agent-2"), &["src/ui/**"]),
            track("docs", None, &["docs/**"]),
        ])
        .unwrap();
        assert_eq!(ownership.tracks.len(), 2);
        let names = |path, lane| -> Vec<&str> {
            ownership
                .foreign_owners(path, lane)
                .map(|t| t.name.as_str())
                .collect()
        };
        assert_eq!(names("src/api/x.rs", Some("agent-1")), Vec::<&str>::new());
        assert_eq!(names("src/api/x.rs", Some("agent-2")), ["api"]);
        assert_eq!(names("src/api/x.rs", None), ["api"]);
        assert_eq!(names("docs/x.md", Some("agent-2")), Vec::<&str>::new());
    }
}
