//! Whether two tracks' path globs may name the same file: see [`crate::globs::may_overlap`].

use crate::config::Track;
use crate::globs::may_overlap;

/// The first pair of globs, one from each track, that may match the same path.
pub(crate) fn first_overlap<'t>(a: &'t Track, b: &'t Track) -> Option<(&'t str, &'t str)> {
    a.paths.globs().find_map(|ours| {
        b.paths
            .globs()
            .find(|theirs| may_overlap(ours, theirs))
            .map(|theirs| (ours, theirs))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_overlap_names_the_globs() {
        let track = |paths: &[&str]| crate::config::tests::track("t", paths, None);
        let api = track(&["docs/api/**", "src/api/**"]);
        let core = track(&["src/**"]);
        let web = track(&["web/**"]);
        assert_eq!(first_overlap(&api, &core), Some(("src/api/**", "src/**")));
        assert_eq!(first_overlap(&api, &web), None);
    }
}
