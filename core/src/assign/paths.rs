//! Whether two tracks' path globs may name the same file, decided without any file list.
//!
//! The test errs on the side of "may overlap", never the other way:
//!
//! - two globs without wildcards overlap when they are equal;
//! - a glob without wildcards overlaps a glob with some when the glob matches it;
//! - two globs with wildcards overlap unless their literal prefixes (the text before the first
//!   `*`, `?` or `[`) part ways, or their literal suffixes (the text after the last wildcard,
//!   without a leading `/`, which `**/` may match as nothing) part ways. Every path a glob
//!   matches starts with its prefix and ends with its suffix, so globs whose prefixes differ
//!   (`src/api/**`, `docs/**`) or whose suffixes differ (`**/*.rs`, `**/*.md`) share no path.
//!
//! So `src/**` and `src/api/**` overlap, as do `src/**/*.rs` and `**/mod.rs`.

use crate::config::Track;
use crate::overlap::MATCH_OPTIONS;
use glob::Pattern;

const WILDCARDS: [char; 4] = ['*', '?', '[', ']'];

/// The first pair of globs, one from each track, that may match the same path.
pub(crate) fn first_overlap<'t>(a: &'t Track, b: &'t Track) -> Option<(&'t str, &'t str)> {
    a.paths.iter().find_map(|ours| {
        b.paths
            .iter()
            .find(|theirs| globs_may_overlap(ours, theirs))
            .map(|theirs| (ours.as_str(), theirs.as_str()))
    })
}

/// Whether some path may match both globs.
pub(crate) fn globs_may_overlap(a: &str, b: &str) -> bool {
    match (is_literal(a), is_literal(b)) {
        (true, true) => a == b,
        (true, false) => matches(b, a),
        (false, true) => matches(a, b),
        (false, false) => {
            let (prefix_a, prefix_b) = (literal_prefix(a), literal_prefix(b));
            let (suffix_a, suffix_b) = (literal_suffix(a), literal_suffix(b));
            (prefix_a.starts_with(prefix_b) || prefix_b.starts_with(prefix_a))
                && (suffix_a.ends_with(suffix_b) || suffix_b.ends_with(suffix_a))
        }
    }
}

fn is_literal(glob: &str) -> bool {
    !glob.contains(WILDCARDS)
}

/// An invalid glob might have been meant to match anything, so it is taken to.
fn matches(glob: &str, path: &str) -> bool {
    Pattern::new(glob).map_or(true, |pattern| pattern.matches_with(path, MATCH_OPTIONS))
}

fn literal_prefix(glob: &str) -> &str {
    glob.find(WILDCARDS).map_or(glob, |at| &glob[..at])
}

fn literal_suffix(glob: &str) -> &str {
    let suffix = glob.rfind(WILDCARDS).map_or(glob, |at| &glob[at + 1..]);
    suffix.strip_prefix('/').unwrap_or(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_equal_globs_overlap() {
        assert!(globs_may_overlap("src/**", "src/api/**"));
        assert!(globs_may_overlap("src/api/**", "src/**"));
        assert!(globs_may_overlap("src/api/**", "src/api/**"));
        assert!(globs_may_overlap("**", "docs/**"));
        assert!(globs_may_overlap("src/**/*.rs", "**/mod.rs"));
    }

    #[test]
    fn diverging_prefixes_or_suffixes_do_not() {
        assert!(!globs_may_overlap("src/api/**", "src/core/**"));
        assert!(!globs_may_overlap("src/api/**", "docs/**"));
        assert!(!globs_may_overlap("**/*.rs", "**/*.md"));
        assert!(!globs_may_overlap("src/**/*.rs", "src/**/*.toml"));
    }

    #[test]
    fn a_glob_starting_with_double_star_matches_at_the_root_too() {
        assert!(globs_may_overlap("**/Cargo.lock", "*Cargo.lock"));
        assert!(globs_may_overlap("**/Cargo.lock", "Cargo.lock"));
    }

    #[test]
    fn literal_paths_are_matched_exactly() {
        assert!(globs_may_overlap("Cargo.toml", "Cargo.toml"));
        assert!(!globs_may_overlap("Cargo.toml", "Cargo.toml.bak"));
        assert!(globs_may_overlap("*.toml", "Cargo.toml"));
        assert!(!globs_may_overlap("src/*.rs", "src/api/mod.rs"));
        assert!(globs_may_overlap("src/[", "src/x"));
    }

    #[test]
    fn first_overlap_names_the_globs() {
        let track = |paths: &[&str]| Track {
            name: "t".into(),
            paths: paths.iter().map(|p| (*p).to_owned()).collect(),
            depends_on: vec![],
            agent: None,
        };
        let api = track(&["docs/api/**", "src/api/**"]);
        let core = track(&["src/**"]);
        let web = track(&["web/**"]);
        assert_eq!(first_overlap(&api, &core), Some(("src/api/**", "src/**")));
        assert_eq!(first_overlap(&api, &web), None);
    }
}
