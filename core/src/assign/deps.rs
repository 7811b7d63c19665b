//! Which issues an issue waits for, which issues a pull request closes, and dependency cycles.
//!
//! Dependencies are read from an issue body's prose ([`super::markdown::prose_lines`]):
//!
//! - a line that starts (after an optional list marker and emphasis) with "Depends on" or
//!   "Blocked by", any case, optionally followed by `:`: every `#N` on the rest of the line;
//! - an unchecked task-list item whose text starts with `#N` (`- [ ] #12`). A checked item
//!   (`- [x] #12`) does not count: ticking the box is how a person says the item no longer
//!   holds this issue back, even while #12 stays open.
//!
//! References to other repositories (`owner/repo#N`) and full URLs are not dependencies here.

use super::labels::strip_prefix_ignoring_case;
use super::markdown::prose_lines;
use crate::ids::IssueNumber;
use std::collections::BTreeMap;

/// The issues `body` says this issue depends on, in order of first mention, without repeats.
pub fn dependencies(body: &str) -> Vec<IssueNumber> {
    let mut found = Vec::new();
    for line in prose_lines(body) {
        let text = strip_list_marker(&line);
        let references = match unchecked_task(text) {
            Some(task) => leading_reference(task).into_iter().collect(),
            None => dependency_line(text).map(references).unwrap_or_default(),
        };
        for issue in references {
            if !found.contains(&issue) {
                found.push(issue);
            }
        }
    }
    found
}

/// The issues a pull request body closes when it merges: `close`, `closes`, `closed`, `fix`,
/// `fixes`, `fixed`, `resolve`, `resolves` or `resolved`, any case, optionally followed by
/// `:`, then `#N`, as GitHub reads them. Each keyword closes the one reference right after it.
pub fn closing_issues(body: &str) -> Vec<IssueNumber> {
    const KEYWORDS: [&str; 9] = [
        "close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved",
    ];
    let mut found = Vec::new();
    for line in prose_lines(body) {
        let words = split_words(&line);
        for pair in words.windows(2) {
            let [(keyword, _), (_, rest)] = pair else {
                continue;
            };
            let keyword = keyword.strip_suffix(':').unwrap_or(keyword);
            if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(keyword))
                && let Some(issue) = leading_reference(rest)
                && !found.contains(&issue)
            {
                found.push(issue);
            }
        }
    }
    found
}

/// Each word of `line` that follows a non-word character, with the text from it to the end.
fn split_words(line: &str) -> Vec<(&str, &str)> {
    let mut words = Vec::new();
    let mut start = None;
    for (at, c) in line.char_indices().chain([(line.len(), ' ')]) {
        let in_word = !c.is_whitespace();
        match (start, in_word) {
            (None, true) => start = Some(at),
            (Some(from), false) => {
                let word = line[from..at].trim_start_matches(|c: char| "([{*_".contains(c));
                words.push((word, &line[from..]));
                start = None;
            }
            _ => {}
        }
    }
    words
}

/// `- `, `* `, `+ `, `1. ` or `1) ` and the spaces around it, if `line` starts with one.
fn strip_list_marker(line: &str) -> &str {
    let line = line.trim_start();
    let after_marker = if let Some(rest) = line.strip_prefix(['-', '*', '+']) {
        rest
    } else {
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match line[digits..].strip_prefix(['.', ')']) {
            Some(rest) if digits > 0 => rest,
            _ => return line,
        }
    };
    if after_marker.starts_with(' ') {
        after_marker.trim_start()
    } else {
        line
    }
}

/// The text of a task-list item whose box is not ticked: `[ ] text`.
fn unchecked_task(item: &str) -> Option<&str> {
    if let Some(rest) = item.strip_prefix("[ ]") {
        return Some(rest.trim_start());
    }
    if item.starts_with("[x]") || item.starts_with("[X]") {
        return Some("");
    }
    None
}

/// The rest of a "Depends on" or "Blocked by" line, after the phrase.
fn dependency_line(line: &str) -> Option<&str> {
    let line = line.trim_start_matches(['*', '_']);
    ["depends on", "blocked by"].iter().find_map(|phrase| {
        strip_prefix_ignoring_case(line, phrase)
            .filter(|rest| !rest.starts_with(|c: char| c.is_alphanumeric()))
    })
}

/// `#N` at the very start of `text`, ending at a word boundary.
fn leading_reference(text: &str) -> Option<IssueNumber> {
    let digits = text.strip_prefix('#')?;
    let len = digits.len()
        - digits
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let after = &digits[len..];
    if len == 0 || after.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let number: u64 = digits[..len].parse().ok()?;
    (number > 0).then_some(IssueNumber(number))
}

/// Every `#N` in `text` that stands on its own: not part of a word or an `owner/repo#N`.
fn references(text: &str) -> Vec<IssueNumber> {
    text.char_indices()
        .filter(|&(at, c)| {
            c == '#'
                && !text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|before| before.is_alphanumeric() || "/_-.".contains(before))
        })
        .filter_map(|(at, _)| leading_reference(&text[at..]))
        .collect()
}

/// For every issue on a dependency cycle, a shortest cycle through it, written from its
/// smallest member round to it again (`[#3, #5, #3]`), so every member of a circle names it the
/// same way. `graph` maps each issue to the issues it depends on; self-references are ignored.
pub(crate) fn cycles(
    graph: &BTreeMap<IssueNumber, Vec<IssueNumber>>,
) -> BTreeMap<IssueNumber, Vec<IssueNumber>> {
    let nodes: Vec<IssueNumber> = graph.keys().copied().collect();
    let index_of: BTreeMap<IssueNumber, usize> =
        nodes.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let successors: Vec<Vec<usize>> = nodes
        .iter()
        .map(|node| {
            graph[node]
                .iter()
                .filter_map(|to| index_of.get(to).copied())
                .collect()
        })
        .collect();
    let mut found: BTreeMap<IssueNumber, Vec<IssueNumber>> = BTreeMap::new();
    for cycle in crate::graph::cycles(&successors) {
        let mut issues: Vec<IssueNumber> = cycle.iter().map(|&v| nodes[v]).collect();
        issues.push(issues[0]);
        for &member in &issues {
            found.entry(member).or_insert_with(|| issues.clone());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(issues: &[IssueNumber]) -> Vec<u64> {
        issues.iter().map(|issue| issue.0).collect()
    }

    fn deps(body: &str) -> Vec<u64> {
        numbers(&dependencies(body))
    }

    #[test]
    fn depends_on_and_blocked_by_lines() {
        assert_eq!(deps("Depends on #3"), [3]);
        assert_eq!(deps("blocked by #4 and #5."), [4, 5]);
        assert_eq!(deps("Depends on: #1, #2"), [1, 2]);
        assert_eq!(deps("DEPENDS ON #7 (the parser)"), [7]);
        assert_eq!(deps("- **Depends on:** #8"), [8]);
        assert_eq!(deps("1. Blocked by #9"), [9]);
        assert_eq!(deps("Depends on #3\nDepends on #3, #4"), [3, 4]);
    }

    #[test]
    fn other_mentions_are_not_dependencies() {
        assert_eq!(
            deps("See #3. This depends on #4 somehow"),
            Vec::<u64>::new()
        );
        assert_eq!(deps("Dependson #3"), Vec::<u64>::new());
        assert_eq!(deps("Depends onto #3"), Vec::<u64>::new());
        assert_eq!(deps("Depends on other/repo#3 and abc#4"), Vec::<u64>::new());
        assert_eq!(deps("Depends on #3x, #0 and #"), Vec::<u64>::new());
        assert_eq!(
            deps("Depends on #99999999999999999999999"),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn task_list_items_count_unless_ticked() {
        let body = "- [ ] #12\n- [x] #13\n* [X] #14\n  - [ ] #15 nested, with text\n\
                    - [ ] write docs for #16\n+ [ ] #17";
        assert_eq!(deps(body), [12, 15, 17]);
    }

    #[test]
    fn code_and_quotes_hold_no_dependencies() {
        let body = "```\nDepends on #1\n```\n> Blocked by #2\n\n<!-- Depends on #3 -->\n\
                    Depends on #4";
        assert_eq!(deps(body), [4]);
    }

    #[test]
    fn closing_keywords_as_github_reads_them() {
        let closes = |body: &str| numbers(&closing_issues(body));
        assert_eq!(closes("Closes #1"), [1]);
        assert_eq!(closes("fixes #2, resolves: #3"), [2, 3]);
        assert_eq!(closes("This FIXED #4.\nAnd Resolve #5"), [4, 5]);
        assert_eq!(closes("Closes #1, #2"), [1]);
        assert_eq!(closes("(closes #6)"), [6]);
        assert_eq!(closes("prefixes #7 enclosed #8"), Vec::<u64>::new());
        assert_eq!(closes("closes other/repo#9"), Vec::<u64>::new());
        assert_eq!(closes("```\ncloses #10\n```"), Vec::<u64>::new());
        assert_eq!(closes("Closes #11 and fixes #11"), [11]);
    }

    fn graph(edges: &[(u64, &[u64])]) -> BTreeMap<IssueNumber, Vec<IssueNumber>> {
        edges
            .iter()
            .map(|&(from, to)| {
                (
                    IssueNumber(from),
                    to.iter().copied().map(IssueNumber).collect(),
                )
            })
            .collect()
    }

    fn cycle_of(found: &BTreeMap<IssueNumber, Vec<IssueNumber>>, issue: u64) -> Vec<u64> {
        found
            .get(&IssueNumber(issue))
            .map_or(vec![], |c| numbers(c))
    }

    #[test]
    fn every_member_names_the_same_cycle() {
        let found = cycles(&graph(&[(5, &[3]), (3, &[7]), (7, &[5]), (9, &[5])]));
        assert_eq!(cycle_of(&found, 3), [3, 7, 5, 3]);
        assert_eq!(cycle_of(&found, 5), [3, 7, 5, 3]);
        assert_eq!(cycle_of(&found, 7), [3, 7, 5, 3]);
        assert_eq!(cycle_of(&found, 9), Vec::<u64>::new());
    }

    #[test]
    fn self_references_and_chains_are_not_cycles() {
        let found = cycles(&graph(&[(1, &[1, 2]), (2, &[3]), (3, &[])]));
        assert!(found.is_empty());
    }

    #[test]
    fn the_shortest_cycle_through_each_issue() {
        let found = cycles(&graph(&[(1, &[2]), (2, &[1, 3]), (3, &[4]), (4, &[2])]));
        assert_eq!(cycle_of(&found, 1), [1, 2, 1]);
        assert_eq!(cycle_of(&found, 3), [2, 3, 4, 2]);
    }

    #[test]
    fn long_chains_do_not_exhaust_the_stack() {
        let mut edges: BTreeMap<IssueNumber, Vec<IssueNumber>> = (1..=50_000u64)
            .map(|n| (IssueNumber(n), vec![IssueNumber(n + 1)]))
            .collect();
        assert!(cycles(&edges).is_empty());
        edges.insert(IssueNumber(50_001), vec![IssueNumber(49_999)]);
        assert_eq!(
            cycle_of(&cycles(&edges), 50_000),
            [49_999, 50_000, 50_001, 49_999]
        );
    }
}
