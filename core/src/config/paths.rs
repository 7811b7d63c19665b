//! Path globs in the file: checked here; matched by [`crate::overlap::PathFilter`] with
//! [`MATCH_OPTIONS`].

use super::DEFAULT_REGENERATED_PATHS;
use glob::{MatchOptions, Pattern};

/// `*` stays within one directory and `**` crosses directories, as in `.gitignore` and
/// GitHub's CODEOWNERS; a leading dot needs no special pattern.
pub(crate) const MATCH_OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// Whether a glob names lock files Switchyard knows: its last part matches a lock file's
/// name, wherever the glob puts it, and is more than a wildcard (`docs/**` is about docs).
pub(super) fn matches_a_lock_file(glob: &str) -> bool {
    let name_glob = glob.rsplit('/').next().unwrap_or(glob);
    if name_glob.chars().all(|c| c == '*') {
        return false;
    }
    let Ok(pattern) = Pattern::new(name_glob) else {
        return false;
    };
    DEFAULT_REGENERATED_PATHS
        .iter()
        .filter_map(|default| default.rsplit('/').next())
        .any(|name| pattern.matches_with(name, MATCH_OPTIONS))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_file_globs_are_told_apart() {
        for glob in [
            "Cargo.lock",
            "**/yarn.lock",
            "web/**/package-lock.json",
            "**/*.lock",
        ] {
            assert!(matches_a_lock_file(glob), "{glob}");
        }
        for glob in ["**/*.generated.*", "docs/**", "src/["] {
            assert!(!matches_a_lock_file(glob), "{glob}");
        }
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
}
