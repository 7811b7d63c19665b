//! Paths owned by tracks bound to lanes.

use crate::config::Track;

/// The tracks owning `path` that are bound to a lane other than `lane` (every owning track
/// when the PR is on no lane), each with the lane it is bound to. Unbound tracks own nothing.
pub(super) fn foreign_owners<'t>(
    tracks: &'t [Track],
    path: &'t str,
    lane: Option<&'t str>,
) -> impl Iterator<Item = (&'t Track, &'t str)> {
    tracks.iter().filter_map(move |track| {
        let owner = track.agent.as_deref()?;
        (Some(owner) != lane && track.paths.matches(path)).then_some((track, owner))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::tests::track;

    #[test]
    fn default_config_regenerates_lock_files_anywhere() {
        let config = crate::config::Config::default();
        assert!(config.ignore_paths.is_empty());
        let regenerated = &config.regenerated_paths;
        assert!(regenerated.matches("Cargo.lock"));
        assert!(regenerated.matches("web/package-lock.json"));
        assert!(regenerated.matches("go.sum"));
        assert!(!regenerated.matches("Cargo.toml"));
        assert!(!regenerated.matches("src/lock.rs"));
    }

    #[test]
    fn owning_tracks_keep_configured_order() {
        let tracks = [
            track("api", &["src/api/**"], Some("agent-1")),
            track("docs", &["docs/**", "*.md"], Some("agent-2")),
            track("all-rust", &["**/*.rs"], Some("agent-3")),
        ];
        let names = |path| -> Vec<&str> {
            foreign_owners(&tracks, path, None)
                .map(|(t, _)| t.name.as_str())
                .collect()
        };
        assert_eq!(names("src/api/mod.rs"), ["api", "all-rust"]);
        assert_eq!(names("README.md"), ["docs"]);
        assert_eq!(names("docs/a/b.md"), ["docs"]);
        assert_eq!(names("Makefile"), Vec::<&str>::new());
    }

    #[test]
    fn only_tracks_of_other_lanes_are_foreign() {
        let tracks = [
            track("api", &["src/api/**"], Some("agent-1")),
            track("ui", &["src/ui/**"], Some("agent-2")),
            track("docs", &["docs/**"], None),
        ];
        let owners = |path, lane| -> Vec<(&str, &str)> {
            foreign_owners(&tracks, path, lane)
                .map(|(t, owner)| (t.name.as_str(), owner))
                .collect()
        };
        assert_eq!(owners("src/api/x.rs", Some("agent-1")), []);
        assert_eq!(
            owners("src/api/x.rs", Some("agent-2")),
            [("api", "agent-1")]
        );
        assert_eq!(owners("src/api/x.rs", None), [("api", "agent-1")]);
        assert_eq!(owners("docs/x.md", None), []);
        assert_eq!(owners("docs/x.md", Some("agent-2")), []);
    }
}
