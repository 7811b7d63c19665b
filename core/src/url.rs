//! Percent-encoding of paths and values placed in URLs, for the API and for links in posted text.

/// RFC 3986's unreserved characters stay as they are.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One path segment or query value, percent-encoded.
pub fn encode_component(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, COMPONENT).to_string()
}

/// A file path for the contents API: each segment encoded, the slashes kept.
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(encode_component)
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn paths_keep_their_slashes() {
        assert_eq!(encode_path("src/a b/c#.rs"), "src/a%20b/c%23.rs");
    }
}
