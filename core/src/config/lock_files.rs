//! Which globs name lock files, so a config that ignores them can be told apart.

use super::{Config, DEFAULT_REGENERATED_PATHS};
use crate::globs::Glob;

impl Config {
    /// The globs of `ignore_paths` that name lock files, which are better regenerated.
    pub fn ignored_lock_files(&self) -> Vec<String> {
        self.ignore_paths
            .globs()
            .filter(|glob| matches_a_lock_file(glob))
            .map(str::to_owned)
            .collect()
    }
}

/// Whether a glob names lock files Switchyard knows: its last part matches a lock file's
/// name, wherever the glob puts it, and is more than a wildcard (`docs/**` is about docs).
fn matches_a_lock_file(glob: &str) -> bool {
    let name_glob = glob.rsplit('/').next().unwrap_or(glob);
    if name_glob.chars().all(|c| c == '*') {
        return false;
    }
    let Ok(names) = Glob::new(name_glob) else {
        return false;
    };
    DEFAULT_REGENERATED_PATHS
        .iter()
        .filter_map(|default| default.rsplit('/').next())
        .any(|name| names.matches(name))
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
}
