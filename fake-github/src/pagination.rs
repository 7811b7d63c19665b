//! GitHub's pagination: `per_page` (default 30, at most 100), `page` from 1, and a `Link` header
//! of absolute URLs that keep the request's other query parameters.

use std::collections::HashMap;

const DEFAULT_PER_PAGE: usize = 30;
const MAX_PER_PAGE: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRequest {
    pub per_page: usize,
    pub page: usize,
}

impl PageRequest {
    /// Reads `per_page` and `page` leniently, as GitHub does: junk falls back to the defaults.
    pub fn from_query(query: &HashMap<String, String>) -> Self {
        let number = |name: &str| {
            query
                .get(name)
                .and_then(|value| value.parse::<usize>().ok())
        };
        PageRequest {
            per_page: number("per_page")
                .unwrap_or(DEFAULT_PER_PAGE)
                .clamp(1, MAX_PER_PAGE),
            page: number("page").unwrap_or(1).max(1),
        }
    }

    /// This page's share of `items`; empty past the last page.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start = (self.page - 1)
            .saturating_mul(self.per_page)
            .min(items.len());
        let end = start.saturating_add(self.per_page).min(items.len());
        &items[start..end]
    }

    /// The `Link` header for a list of `total` items, or `None` when it fits on one page.
    pub fn link_header(
        &self,
        total: usize,
        url_without_query: &str,
        raw_query: Option<&str>,
    ) -> Option<String> {
        let last = total.div_ceil(self.per_page).max(1);
        if last == 1 && self.page == 1 {
            return None;
        }
        let url_for = |page: usize| format!("<{}>", page_url(url_without_query, raw_query, page));
        let mut links = Vec::new();
        if self.page > 1 {
            links.push(format!(
                "{}; rel=\"prev\"",
                url_for((self.page - 1).min(last))
            ));
        }
        if self.page < last {
            links.push(format!("{}; rel=\"next\"", url_for(self.page + 1)));
            links.push(format!("{}; rel=\"last\"", url_for(last)));
        }
        if self.page > 1 {
            links.push(format!("{}; rel=\"first\"", url_for(1)));
        }
        Some(links.join(", "))
    }
}

/// The request's URL with `page` set, other parameters kept in order and encoding.
fn page_url(url_without_query: &str, raw_query: Option<&str>, page: usize) -> String {
    let mut pairs: Vec<String> = raw_query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some("page"))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("page={page}"));
    format!("{url_without_query}?{}", pairs.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(per_page: usize, page: usize) -> PageRequest {
        PageRequest { per_page, page }
    }

    #[test]
    fn defaults_and_caps() {
        let query = HashMap::from([("per_page".to_owned(), "500".to_owned())]);
        assert_eq!(PageRequest::from_query(&query), request(100, 1));
        assert_eq!(PageRequest::from_query(&HashMap::new()), request(30, 1));
    }

    #[test]
    fn middle_page_links_every_direction_and_keeps_parameters() {
        let link = request(10, 2).link_header(
            35,
            "http://h/repos/o/r/pulls",
            Some("state=open&page=2&per_page=10"),
        );
        assert_eq!(
            link.as_deref(),
            Some(
                "<http://h/repos/o/r/pulls?state=open&per_page=10&page=1>; rel=\"prev\", \
                 <http://h/repos/o/r/pulls?state=open&per_page=10&page=3>; rel=\"next\", \
                 <http://h/repos/o/r/pulls?state=open&per_page=10&page=4>; rel=\"last\", \
                 <http://h/repos/o/r/pulls?state=open&per_page=10&page=1>; rel=\"first\""
            )
        );
    }

    #[test]
    fn a_single_page_has_no_link() {
        assert_eq!(request(30, 1).link_header(30, "http://h/x", None), None);
        assert_eq!(request(30, 1).slice(&[1, 2, 3]), &[1, 2, 3]);
        assert!(request(30, 2).slice(&[1, 2, 3]).is_empty());
    }
}
