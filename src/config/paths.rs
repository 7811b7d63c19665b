//! Path globs: which paths are ignored, which tracks own a path.

use glob::{MatchOptions, Pattern};

use super::{Config, Track};

/// `*` stays within one directory and `**` crosses directories, as in `.gitignore` and
/// GitHub's CODEOWNERS; a leading dot needs no special pattern.
const MATCH_OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// Whether `path` (relative to the repository root, as GitHub lists changed files) matches
/// `pattern`. A pattern that is not a valid glob matches nothing; [`super::parse`] rejects
/// those, so this only concerns configs built by hand.
fn glob_matches(pattern: &str, path: &str) -> bool {
    Pattern::new(pattern).is_ok_and(|pattern| pattern.matches_with(path, MATCH_OPTIONS))
}

/// What is wrong with `pattern` as a path glob in this file, if anything.
pub(super) fn glob_problem(pattern: &str) -> Option<String> {
    if pattern.trim().is_empty() {
        return Some("a path pattern is empty".to_owned());
    }
    if let Some(relative) = pattern.strip_prefix("./").or(pattern.strip_prefix('/')) {
        return Some(format!(
            "path `{pattern}` must be relative to the repository root: write `{relative}`"
        ));
    }
    if pattern.ends_with('/') {
        return Some(format!(
            "path `{pattern}` names a directory, but patterns match files: write `{pattern}**`"
        ));
    }
    Pattern::new(pattern).err().map(|error| {
        format!(
            "path `{pattern}` is not a valid glob: {} (at character {})",
            error.msg,
            error.pos + 1
        )
    })
}

impl Config {
    /// Whether overlaps on `path` never matter: it matches one of `ignore_paths`.
    pub fn is_ignored(&self, path: &str) -> bool {
        self.ignore_paths
            .iter()
            .any(|pattern| glob_matches(pattern, path))
    }

    /// The tracks that own `path`, in configured order.
    pub fn tracks_owning(&self, path: &str) -> Vec<&Track> {
        self.tracks
            .iter()
            .filter(|track| track.owns(path))
            .collect()
    }
}

impl Track {
    /// Whether one of the track's globs matches `path`.
    pub fn owns(&self, path: &str) -> bool {
        self.paths.iter().any(|pattern| glob_matches(pattern, path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_star_stays_within_a_directory() {
        assert!(glob_matches("src/*.rs", "src/main.rs"));
        assert!(!glob_matches("src/*.rs", "src/api/mod.rs"));
        assert!(!glob_matches("*.md", "docs/guide.md"));
        assert!(glob_matches("*.md", "README.md"));
    }

    #[test]
    fn double_star_crosses_directories() {
        assert!(glob_matches("src/api/**", "src/api/mod.rs"));
        assert!(glob_matches("src/api/**", "src/api/v1/routes.rs"));
        assert!(!glob_matches("src/api/**", "src/apis/mod.rs"));
        assert!(glob_matches("**/Cargo.lock", "Cargo.lock"));
        assert!(glob_matches("**/Cargo.lock", "crates/core/Cargo.lock"));
        assert!(glob_matches("**/*.generated.*", "schema.generated.ts"));
        assert!(glob_matches("**/*.generated.*", "web/src/api.generated.ts"));
        assert!(!glob_matches("**/*.generated.*", "web/src/api.ts"));
    }

    #[test]
    fn dot_files_need_no_special_pattern_and_case_matters() {
        assert!(glob_matches("*", ".gitignore"));
        assert!(glob_matches(".github/**", ".github/workflows/ci.yml"));
        assert!(!glob_matches("readme.md", "README.md"));
    }

    #[test]
    fn invalid_globs_match_nothing() {
        assert!(!glob_matches("src/[", "src/["));
        assert!(!glob_matches("a**", "abc"));
    }

    #[test]
    fn glob_problems_say_what_to_write() {
        assert_eq!(glob_problem("src/**"), None);
        assert_eq!(glob_problem("Cargo.lock"), None);
        assert_eq!(
            glob_problem(" ").as_deref(),
            Some("a path pattern is empty")
        );
        assert_eq!(
            glob_problem("/src/**").as_deref(),
            Some("path `/src/**` must be relative to the repository root: write `src/**`")
        );
        assert_eq!(
            glob_problem("./src/**").as_deref(),
            Some("path `./src/**` must be relative to the repository root: write `src/**`")
        );
        assert_eq!(
            glob_problem("src/api/").as_deref(),
            Some("path `src/api/` names a directory, but patterns match files: write `src/api/**`")
        );
        let problem = glob_problem("src/[a").expect("an unclosed class is invalid");
        assert!(
            problem.starts_with("path `src/[a` is not a valid glob: "),
            "{problem}"
        );
        assert!(glob_problem("src/a**").is_some());
    }

    #[test]
    fn default_config_ignores_lock_files_anywhere() {
        let config = Config::default();
        assert!(config.is_ignored("Cargo.lock"));
        assert!(config.is_ignored("web/package-lock.json"));
        assert!(config.is_ignored("go.sum"));
        assert!(!config.is_ignored("Cargo.toml"));
        assert!(!config.is_ignored("src/lock.rs"));
    }

    #[test]
    fn tracks_owning_keeps_configured_order() {
        let track = |name: &str, paths: &[&str]| Track {
            name: name.to_owned(),
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            depends_on: Vec::new(),
            agent: None,
        };
        let config = Config {
            tracks: vec![
                track("api", &["src/api/**"]),
                track("docs", &["docs/**", "*.md"]),
                track("all-rust", &["**/*.rs"]),
            ],
            ..Config::default()
        };
        let names = |path: &str| -> Vec<&str> {
            config
                .tracks_owning(path)
                .into_iter()
                .map(|track| track.name.as_str())
                .collect()
        };
        assert_eq!(names("src/api/mod.rs"), ["api", "all-rust"]);
        assert_eq!(names("README.md"), ["docs"]);
        assert_eq!(names("docs/a/b.md"), ["docs"]);
        assert_eq!(names("Makefile"), Vec::<&str>::new());
    }
}
