//! "Did you mean": one rule for config keys, commands and lane names.

/// The candidate closest to `word`, if one is close enough to be a likely misspelling.
/// Case and `-` versus `_` are not held against a candidate.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let normalise = |text: &str| text.to_ascii_lowercase().replace('-', "_");
    let word = normalise(word);
    candidates
        .into_iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&word, &normalise(candidate)),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .reduce(|best, next| if next.0 > best.0 { next } else { best })
        .map(|(_, candidate)| candidate)
}
