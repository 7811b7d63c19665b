//! Path globs: paths whose overlaps never matter, and paths owned by tracks bound to lanes.

pub(crate) use crate::config::MATCH_OPTIONS;
use crate::config::Track;
use glob::{Pattern, PatternError};

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

    fn matches(glob: &str, path: &str) -> bool {
        PathFilter::new(&[glob]).is_ok_and(|filter| filter.matches(path))
    }

    #[test]
    fn single_star_stays_within_a_directory() {
        assert!(matches("src/*.rs", "src/main.rs"));
        assert!(!matches("src/*.rs", "src/api/mod.rs"));
        assert!(!matches("*.md", "docs/guide.md"));
        assert!(matches("*.md", "README.md"));
    }

    #[test]
    fn double_star_crosses_directories() {
        assert!(matches("src/api/**", "src/api/mod.rs"));
        assert!(matches("src/api/**", "src/api/v1/routes.rs"));
        assert!(!matches("src/api/**", "src/apis/mod.rs"));
        assert!(matches("**/Cargo.lock", "Cargo.lock"));
        assert!(matches("**/Cargo.lock", "crates/core/Cargo.lock"));
        assert!(matches("**/*.generated.*", "schema.generated.ts"));
        assert!(matches("**/*.generated.*", "web/src/api.generated.ts"));
        assert!(!matches("**/*.generated.*", "web/src/api.ts"));
    }

    #[test]
    fn dot_files_need_no_special_pattern_and_case_matters() {
        assert!(matches("*", ".gitignore"));
        assert!(matches(".github/**", ".github/workflows/ci.yml"));
        assert!(!matches("readme.md", "README.md"));
    }

    #[test]
    fn invalid_globs_match_nothing() {
        assert!(!matches("src/[", "src/["));
        assert!(!matches("a**", "abc"));
    }

    #[test]
    fn default_config_regenerates_lock_files_anywhere() {
        let config = crate::config::Config::default();
        assert!(config.ignore_paths.is_empty());
        let ignored = PathFilter::new(&config.regenerated_paths).unwrap();
        assert!(ignored.matches("Cargo.lock"));
        assert!(ignored.matches("web/package-lock.json"));
        assert!(ignored.matches("go.sum"));
        assert!(!ignored.matches("Cargo.toml"));
        assert!(!ignored.matches("src/lock.rs"));
    }

    #[test]
    fn owning_tracks_keep_configured_order() {
        let ownership = Ownership::from_tracks(&[
            track("api", Some("agent-1"), &["src/api/**"]),
            track("docs", Some("agent-2"), &["docs/**", "*.md"]),
            track("all-rust", Some("agent-3"), &["**/*.rs"]),
        ])
        .unwrap();
        let names = |path| -> Vec<&str> {
            ownership
                .foreign_owners(path, None)
                .map(|t| t.name.as_str())
                .collect()
        };
        assert_eq!(names("src/api/mod.rs"), ["api", "all-rust"]);
        assert_eq!(names("README.md"), ["docs"]);
        assert_eq!(names("docs/a/b.md"), ["docs"]);
        assert_eq!(names("Makefile"), Vec::<&str>::new());
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
