//! Paths owned by tracks bound to lanes.

use crate::config::Track;
use crate::globs::PathFilter;
use glob::PatternError;

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
