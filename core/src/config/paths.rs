//! Path globs in the file: checked here; matched by [`crate::overlap::PathFilter`].

use glob::Pattern;

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
