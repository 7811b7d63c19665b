//! Path globs, one rule everywhere: how a config's paths are checked, how they match a file,
//! and whether two of them may name the same file.
//!
//! That last question is decided without any file list, and errs on the side of "may
//! overlap", never the other way:
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

use glob::{MatchOptions, Pattern};

/// `*` stays within one directory and `**` crosses directories, as in `.gitignore` and
/// GitHub's CODEOWNERS; a leading dot needs no special pattern.
const MATCH_OPTIONS: MatchOptions = MatchOptions {
    case_sensitive: true,
    require_literal_separator: true,
    require_literal_leading_dot: false,
};

/// One path glob, checked as a config's paths are and compiled.
#[derive(Debug, Clone)]
pub struct Glob {
    text: String,
    pattern: Pattern,
}

impl Glob {
    /// `text` as a glob, or what is wrong with it, in words for the file's author.
    pub fn new(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("a path pattern is empty".to_owned());
        }
        if let Some(relative) = text.strip_prefix("./").or(text.strip_prefix('/')) {
            return Err(format!(
                "path `{text}` must be relative to the repository root: write `{relative}`"
            ));
        }
        if text.ends_with('/') {
            return Err(format!(
                "path `{text}` names a directory, but patterns match files: write `{text}**`"
            ));
        }
        match Pattern::new(text) {
            Ok(pattern) => Ok(Self {
                text: text.to_owned(),
                pattern,
            }),
            Err(error) => Err(format!(
                "path `{text}` is not a valid glob: {} (at character {})",
                error.msg,
                error.pos + 1
            )),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn matches(&self, path: &str) -> bool {
        self.pattern.matches_with(path, MATCH_OPTIONS)
    }
}

/// A set of path globs, compiled, with their text as written.
#[derive(Debug, Clone, Default)]
pub struct PathFilter {
    globs: Vec<Glob>,
}

impl PathFilter {
    /// Matches nothing.
    pub const fn empty() -> Self {
        Self { globs: Vec::new() }
    }

    /// The globs, or the problem of the first that is not one.
    pub fn new<S: AsRef<str>>(globs: &[S]) -> Result<Self, String> {
        globs.iter().map(|glob| Glob::new(glob.as_ref())).collect()
    }

    pub fn matches(&self, path: &str) -> bool {
        self.globs.iter().any(|glob| glob.matches(path))
    }

    /// The globs as written, in order.
    pub fn globs(&self) -> impl ExactSizeIterator<Item = &str> + Clone {
        self.globs.iter().map(Glob::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.globs.is_empty()
    }
}

impl FromIterator<Glob> for PathFilter {
    fn from_iter<I: IntoIterator<Item = Glob>>(globs: I) -> Self {
        Self {
            globs: globs.into_iter().collect(),
        }
    }
}

/// Two filters are the same when they hold the same globs in the same order.
impl PartialEq for PathFilter {
    fn eq(&self, other: &Self) -> bool {
        self.globs().eq(other.globs())
    }
}

const WILDCARDS: [char; 4] = ['*', '?', '[', ']'];

/// Whether some path may match both globs.
pub fn may_overlap(a: &str, b: &str) -> bool {
    match (is_literal(a), is_literal(b)) {
        (true, true) => a == b,
        (true, false) => may_match(b, a),
        (false, true) => may_match(a, b),
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
fn may_match(glob: &str, path: &str) -> bool {
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

    fn problem(text: &str) -> Option<String> {
        Glob::new(text).err()
    }

    #[test]
    fn problems_say_what_to_write() {
        assert_eq!(problem("src/**"), None);
        assert_eq!(problem("Cargo.lock"), None);
        assert_eq!(problem(" ").as_deref(), Some("a path pattern is empty"));
        assert_eq!(
            problem("/src/**").as_deref(),
            Some("path `/src/**` must be relative to the repository root: write `src/**`")
        );
        assert_eq!(
            problem("./src/**").as_deref(),
            Some("path `./src/**` must be relative to the repository root: write `src/**`")
        );
        assert_eq!(
            problem("src/api/").as_deref(),
            Some("path `src/api/` names a directory, but patterns match files: write `src/api/**`")
        );
        let invalid = problem("src/[a").expect("an unclosed class is invalid");
        assert!(
            invalid.starts_with("path `src/[a` is not a valid glob: "),
            "{invalid}"
        );
        assert!(problem("src/a**").is_some());
    }

    #[test]
    fn nested_and_equal_globs_overlap() {
        assert!(may_overlap("src/**", "src/api/**"));
        assert!(may_overlap("src/api/**", "src/**"));
        assert!(may_overlap("src/api/**", "src/api/**"));
        assert!(may_overlap("**", "docs/**"));
        assert!(may_overlap("src/**/*.rs", "**/mod.rs"));
    }

    #[test]
    fn diverging_prefixes_or_suffixes_do_not() {
        assert!(!may_overlap("src/api/**", "src/core/**"));
        assert!(!may_overlap("src/api/**", "docs/**"));
        assert!(!may_overlap("**/*.rs", "**/*.md"));
        assert!(!may_overlap("src/**/*.rs", "src/**/*.toml"));
    }

    #[test]
    fn a_glob_starting_with_double_star_matches_at_the_root_too() {
        assert!(may_overlap("**/Cargo.lock", "*Cargo.lock"));
        assert!(may_overlap("**/Cargo.lock", "Cargo.lock"));
    }

    #[test]
    fn literal_paths_are_matched_exactly() {
        assert!(may_overlap("Cargo.toml", "Cargo.toml"));
        assert!(!may_overlap("Cargo.toml", "Cargo.toml.bak"));
        assert!(may_overlap("*.toml", "Cargo.toml"));
        assert!(!may_overlap("src/*.rs", "src/api/mod.rs"));
        assert!(may_overlap("src/[", "src/x"));
    }
}
