//! The request log, and the route patterns tests use to count requests and script failures.

use std::collections::BTreeMap;
use std::time::SystemTime;

/// One request the fake answered.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub method: String,
    /// The path as requested, e.g. `/repos/octo/repo/pulls/3/files`.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The route it matched with placeholders, e.g. `GET /repos/{owner}/{repo}/pulls/{n}/files`;
    /// unmatched requests keep their raw path.
    pub endpoint: String,
    pub status: u16,
    pub at: SystemTime,
    /// The `Accept` header as sent.
    pub accept: Option<String>,
    /// The request's body when it is JSON, so that tests assert the exact body the App wrote.
    pub body: Option<serde_json::Value>,
}

/// Counts requests by endpoint template, sorted by template.
pub(crate) fn calls_by_endpoint(log: &[RequestRecord]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for record in log {
        *counts.entry(record.endpoint.clone()).or_default() += 1;
    }
    counts
}

/// A method and a path pattern such as `GET /repos/*/*/pulls/*/files`.
///
/// `*` or any `{placeholder}` matches one path segment, so an endpoint template from
/// [`calls_by_endpoint`](crate::FakeGitHub::calls_by_endpoint) is itself a pattern; a final `**`
/// matches any rest of the path. The method may be `*`, or left out, to match every method.
#[derive(Debug, Clone)]
pub(crate) struct RoutePattern {
    method: Option<String>,
    segments: Vec<String>,
}

impl RoutePattern {
    pub fn parse(route: &str) -> Self {
        let route = route.trim();
        let (method, path) = match route.split_once(' ') {
            Some((method, path)) => (method.trim(), path.trim()),
            None => ("*", route),
        };
        assert!(
            path.starts_with('/'),
            "route patterns look like \"GET /repos/*/*/pulls\", not {route:?}"
        );
        RoutePattern {
            method: (method != "*").then(|| method.to_ascii_uppercase()),
            segments: path.split('/').skip(1).map(str::to_owned).collect(),
        }
    }

    pub fn matches(&self, method: &str, path: &str) -> bool {
        if self
            .method
            .as_deref()
            .is_some_and(|expected| expected != method)
        {
            return false;
        }
        let mut actual = path.split('/').skip(1);
        for (index, pattern) in self.segments.iter().enumerate() {
            if pattern == "**" && index + 1 == self.segments.len() {
                return true;
            }
            let Some(segment) = actual.next() else {
                return false;
            };
            let wildcard = pattern == "*" || (pattern.starts_with('{') && pattern.ends_with('}'));
            if !((wildcard && !segment.is_empty()) || pattern == segment) {
                return false;
            }
        }
        actual.next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::RoutePattern;

    #[test]
    fn stars_and_placeholders_match_one_segment() {
        let pattern = RoutePattern::parse("GET /repos/*/*/pulls/{n}/files");
        assert!(pattern.matches("GET", "/repos/octo/repo/pulls/7/files"));
        assert!(!pattern.matches("POST", "/repos/octo/repo/pulls/7/files"));
        assert!(!pattern.matches("GET", "/repos/octo/repo/pulls/7"));
        assert!(!pattern.matches("GET", "/repos/octo/repo/pulls/7/files/extra"));
    }

    #[test]
    fn double_star_matches_the_rest_and_method_may_be_left_out() {
        let pattern = RoutePattern::parse("/repos/octo/repo/**");
        assert!(pattern.matches("PATCH", "/repos/octo/repo/check-runs/5"));
        assert!(pattern.matches("GET", "/repos/octo/repo"));
        assert!(!pattern.matches("GET", "/repos/octo/other/pulls"));
    }
}
