//! Lane branch names: the `branch_template`, the branches it gives, and reading a branch name
//! back into its lane and issue.

use crate::ids::IssueNumber;
use std::fmt;

use super::{Agent, Config};

/// A pull request's head branch read back through the template.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaneBranch<'a> {
    pub agent: &'a Agent,
    /// The issue, when the template has an `{issue}` placeholder.
    pub issue: Option<IssueNumber>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Agent,
    Issue,
    Slug,
}

impl Part {
    fn placeholder(&self) -> &'static str {
        match self {
            Part::Literal(_) => "",
            Part::Agent => "{agent}",
            Part::Issue => "{issue}",
            Part::Slug => "{slug}",
        }
    }
}

const PLACEHOLDERS: [&str; 3] = ["agent", "issue", "slug"];

/// A `branch_template`, parsed and checked: whatever holds one can fill it in and read a
/// branch name back through it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchTemplate {
    parts: Vec<Part>,
}

/// Longest slug taken from an issue title, so branch names stay readable in a terminal.
const SLUG_MAX_LEN: usize = 40;

impl BranchTemplate {
    /// Parses and validates a template; the error is a message for users.
    pub fn parse(text: &str) -> Result<BranchTemplate, String> {
        let parts = split_parts(text)?;
        for placeholder in [Part::Agent, Part::Issue, Part::Slug] {
            if parts.iter().filter(|part| **part == placeholder).count() > 1 {
                return Err(format!(
                    "`{}` appears more than once in `branch_template`",
                    placeholder.placeholder()
                ));
            }
        }
        if !parts.contains(&Part::Agent) {
            return Err(
                "`branch_template` must contain `{agent}`, so that each lane has its own branches"
                    .to_owned(),
            );
        }
        if parts.contains(&Part::Slug) && !parts.contains(&Part::Issue) {
            return Err(
                "`branch_template` uses `{slug}` without `{issue}`: an issue title alone does not \
                 make a branch name unique"
                    .to_owned(),
            );
        }
        // Two placeholders side by side cannot be told apart again: with lanes `agent-1` and
        // `agent-11`, `{agent}{issue}` gives `agent-112` for both #12 and #2.
        for pair in parts.windows(2) {
            if let [first, second] = pair
                && !matches!(first, Part::Literal(_))
                && !matches!(second, Part::Literal(_))
            {
                return Err(format!(
                    "`{}` and `{}` in `branch_template` must be separated by text such as `/` or \
                     `-`, so that a branch name can be read back",
                    first.placeholder(),
                    second.placeholder()
                ));
            }
        }
        let template = BranchTemplate { parts };
        let example = template.render("agent-1", IssueNumber(12), "fix-login");
        if let Some(problem) = ref_name_problem(&example) {
            return Err(format!(
                "`branch_template` gives branch names git does not accept, such as `{example}`: \
                 {problem}"
            ));
        }
        Ok(template)
    }

    fn has_issue(&self) -> bool {
        self.parts.contains(&Part::Issue)
    }

    fn render(&self, agent: &str, issue: IssueNumber, slug: &str) -> String {
        let issue = issue.0.to_string();
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.as_str(),
                Part::Agent => agent,
                Part::Issue => &issue,
                Part::Slug => slug,
            })
            .collect()
    }

    /// The template with only `{agent}` filled in, as the summary shows it.
    fn pattern_for(&self, agent: &str) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.as_str(),
                Part::Agent => agent,
                other => other.placeholder(),
            })
            .collect()
    }

    /// Whether `branch` is this template filled in for `agent`; if so, the issue it names.
    fn read(&self, branch: &str, agent: &str) -> Option<Option<IssueNumber>> {
        let mut issue = None;
        read_parts(&self.parts, branch, agent, &mut issue).then_some(issue)
    }
}

impl std::str::FromStr for BranchTemplate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Self::parse(text)
    }
}

/// The template as written: the parts join back into the text they were parsed from.
impl fmt::Display for BranchTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.parts.iter().try_for_each(|part| match part {
            Part::Literal(text) => f.write_str(text),
            other => f.write_str(other.placeholder()),
        })
    }
}

fn split_parts(text: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let brace = rest.find(['{', '}']).unwrap_or(rest.len());
        if brace > 0 {
            parts.push(Part::Literal(rest[..brace].to_owned()));
        }
        rest = &rest[brace..];
        if rest.starts_with('}') {
            return Err("`branch_template` has a `}` without an opening `{`".to_owned());
        }
        let Some(inner) = rest.strip_prefix('{') else {
            break;
        };
        let Some(close) = inner.find('}') else {
            return Err("`branch_template` has a `{` without a closing `}`".to_owned());
        };
        let name = &inner[..close];
        parts.push(match name {
            "agent" => Part::Agent,
            "issue" => Part::Issue,
            "slug" => Part::Slug,
            _ => return Err(unknown_placeholder(name)),
        });
        rest = &inner[close + 1..];
    }
    Ok(parts)
}

fn unknown_placeholder(name: &str) -> String {
    match crate::suggest::closest(name, PLACEHOLDERS) {
        Some(suggestion) => format!(
            "unknown placeholder `{{{name}}}` in `branch_template`, did you mean `{{{suggestion}}}`?"
        ),
        None => format!(
            "unknown placeholder `{{{name}}}` in `branch_template`; the placeholders are \
             `{{agent}}`, `{{issue}}` and `{{slug}}`"
        ),
    }
}

/// Matches `branch` against `parts` exactly. `{issue}` takes one or more digits without a
/// leading zero (issue numbers start at 1); `{slug}` takes one or more characters other than
/// `/`. Each tries every length, so literal text after it decides where it ends.
fn read_parts(parts: &[Part], branch: &str, agent: &str, issue: &mut Option<IssueNumber>) -> bool {
    let Some((part, tail)) = parts.split_first() else {
        return branch.is_empty();
    };
    match part {
        Part::Literal(text) => branch
            .strip_prefix(text.as_str())
            .is_some_and(|rest| read_parts(tail, rest, agent, issue)),
        Part::Agent => branch
            .strip_prefix(agent)
            .is_some_and(|rest| read_parts(tail, rest, agent, issue)),
        Part::Issue => {
            if branch.starts_with('0') {
                return false;
            }
            let digits = branch.bytes().take_while(u8::is_ascii_digit).count();
            (1..=digits).any(|len| {
                let Ok(number) = branch[..len].parse::<u64>() else {
                    return false;
                };
                let found = read_parts(tail, &branch[len..], agent, issue);
                if found {
                    *issue = Some(IssueNumber(number));
                }
                found
            })
        }
        Part::Slug => {
            let end = branch.find('/').unwrap_or(branch.len());
            branch[..end]
                .char_indices()
                .map(|(at, c)| at + c.len_utf8())
                .any(|len| read_parts(tail, &branch[len..], agent, issue))
        }
    }
}

/// Why git would refuse `name` as a branch name (`git check-ref-format --branch`), if it would.
fn ref_name_problem(name: &str) -> Option<String> {
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || "~^:?*[\\".contains(*c))
    {
        return Some(format!("it contains {}", describe_char(c)));
    }
    let problem = if name.starts_with('-') {
        "it starts with `-`"
    } else if name.starts_with('/') || name.ends_with('/') {
        "it starts or ends with `/`"
    } else if name.contains("//") {
        "it contains `//`"
    } else if name.contains("..") {
        "it contains `..`"
    } else if name.contains("@{") || name == "@" {
        "it contains `@{` or is `@`"
    } else if name.ends_with('.') {
        "it ends with `.`"
    } else if name.split('/').any(|part| part.starts_with('.')) {
        "a part of it starts with `.`"
    } else if name.split('/').any(|part| part.ends_with(".lock")) {
        "a part of it ends with `.lock`"
    } else {
        return None;
    };
    Some(problem.to_owned())
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        c if c.is_control() || c.is_whitespace() => format!("the character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

/// A branch-friendly form of an issue title: lowercase ASCII letters and digits joined by
/// single `-`, at most [`SLUG_MAX_LEN`] long, cut at a word boundary when one is near.
fn slug(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if matches!(c, '\'' | '’') {
            // "Don't" reads better as `dont` than `don-t`.
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if slug.len() > SLUG_MAX_LEN {
        // Only ASCII was pushed, so every byte index is a char boundary.
        slug.truncate(SLUG_MAX_LEN);
        if let Some(last_break) = slug.rfind('-')
            && last_break >= SLUG_MAX_LEN / 2
        {
            slug.truncate(last_break);
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "issue".to_owned()
    } else {
        slug.to_owned()
    }
}

impl Config {
    /// The lane a pull request's head branch belongs to, if the branch is exactly the
    /// template filled in for one of the agents.
    pub fn lane_for_branch(&self, branch: &str) -> Option<&Agent> {
        self.lane_branch(branch).map(|lane| lane.agent)
    }

    /// Like [`Config::lane_for_branch`], with the issue the branch names when the template
    /// has `{issue}`. When two lanes could both have made the branch (lanes `a` and `a-1` under
    /// `{agent}-{issue}-{slug}`), the longer name wins: it is the more specific reading.
    pub fn lane_branch(&self, branch: &str) -> Option<LaneBranch<'_>> {
        self.agents
            .iter()
            .filter_map(|agent| {
                self.branch_template
                    .read(branch, &agent.name)
                    .map(|issue| LaneBranch { agent, issue })
            })
            .reduce(|best, next| {
                if next.agent.name.len() > best.agent.name.len() {
                    next
                } else {
                    best
                }
            })
    }

    /// The branch `agent` works on for the issue numbered `issue` titled `title`. With a
    /// per-lane template such as `parallel-dev/{agent}` the issue plays no part.
    pub fn branch_for(&self, agent: &Agent, issue: IssueNumber, title: &str) -> String {
        self.branch_template
            .render(&agent.name, issue, &slug(title))
    }

    /// The pattern of the branches `agent` works on (`alpha/{issue}-{slug}`).
    pub fn branch_pattern(&self, agent: &Agent) -> String {
        self.branch_template.pattern_for(&agent.name)
    }

    /// Whether the template gives a lane one branch for all its tasks (`parallel-dev/{agent}`)
    /// rather than a branch per task (`{agent}/{issue}-{slug}`).
    pub fn branch_per_lane(&self) -> bool {
        !self.branch_template.has_issue()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(template: &str, agents: &[&str]) -> Config {
        Config {
            branch_template: template.parse().unwrap(),
            agents: agents.iter().map(|name| Agent::named(*name)).collect(),
            ..Config::default()
        }
    }

    fn lane(config: &Config, branch: &str) -> Option<(String, Option<u64>)> {
        config
            .lane_branch(branch)
            .map(|lane| (lane.agent.name.clone(), lane.issue.map(|issue| issue.0)))
    }

    #[test]
    fn per_lane_template_matches_exactly() {
        let config = config("parallel-dev/{agent}", &["agent-1", "agent-2", "beta"]);
        assert_eq!(
            lane(&config, "parallel-dev/agent-1"),
            Some(("agent-1".into(), None))
        );
        assert_eq!(
            lane(&config, "parallel-dev/beta"),
            Some(("beta".into(), None))
        );
        for branch in [
            "parallel-dev/agent-3",
            "parallel-dev/agent-1/x",
            "parallel-dev/agent-10",
            "parallel-dev/Beta",
            "xparallel-dev/beta",
            "parallel-dev/",
            "main",
            "",
        ] {
            assert_eq!(lane(&config, branch), None, "{branch}");
        }
    }

    #[test]
    fn per_issue_template_reads_agent_and_issue() {
        let config = config("{agent}/{issue}-{slug}", &["agent-1", "beta"]);
        assert_eq!(
            lane(&config, "agent-1/16-status-command"),
            Some(("agent-1".into(), Some(16)))
        );
        assert_eq!(lane(&config, "beta/7-x"), Some(("beta".into(), Some(7))));
        assert_eq!(
            lane(&config, "beta/7-2024-plan"),
            Some(("beta".into(), Some(7)))
        );
        for branch in [
            "beta/7-",
            "beta/7",
            "beta/-x",
            "beta/07-x",
            "beta/x-7",
            "beta/7-a/b",
            "gamma/7-x",
            "beta/99999999999999999999999-x",
        ] {
            assert_eq!(lane(&config, branch), None, "{branch}");
        }
    }

    #[test]
    fn issue_without_slug_takes_all_digits() {
        let config = config("lanes/{agent}/issue-{issue}", &["a"]);
        assert_eq!(
            lane(&config, "lanes/a/issue-123"),
            Some(("a".into(), Some(123)))
        );
        assert_eq!(lane(&config, "lanes/a/issue-123x"), None);
        assert_eq!(lane(&config, "lanes/a/issue-"), None);
    }

    #[test]
    fn longest_agent_name_wins_an_ambiguous_branch() {
        let config = config("{agent}-{issue}-{slug}", &["a", "a-1"]);
        assert_eq!(lane(&config, "a-1-2-fix"), Some(("a-1".into(), Some(2))));
        assert_eq!(lane(&config, "a-3-fix"), Some(("a".into(), Some(3))));
    }

    #[test]
    fn branch_for_fills_the_template() {
        let agent = Agent::named("agent-1");
        let per_issue = config("{agent}/{issue}-{slug}", &["agent-1"]);
        assert_eq!(
            per_issue.branch_for(&agent, IssueNumber(16), "Status command"),
            "agent-1/16-status-command"
        );
        let per_lane = config("parallel-dev/{agent}", &["agent-1"]);
        assert_eq!(
            per_lane.branch_for(&agent, IssueNumber(16), "Status command"),
            "parallel-dev/agent-1"
        );
    }

    #[test]
    fn branch_for_reads_back_to_its_lane_and_issue() {
        let config = config("{agent}/{issue}-{slug}", &["agent-1", "agent-11"]);
        for agent in &config.agents {
            for (issue, title) in [(1, "Fix: the 2nd login bug!"), (204, "日本語"), (9, "")] {
                let branch = config.branch_for(agent, IssueNumber(issue), title);
                assert_eq!(
                    lane(&config, &branch),
                    Some((agent.name.clone(), Some(issue))),
                    "{branch}"
                );
                assert_eq!(ref_name_problem(&branch), None, "{branch}");
            }
        }
    }

    #[test]
    fn slugs_are_lowercase_ascii_words() {
        assert_eq!(slug("Status command"), "status-command");
        assert_eq!(slug("  Fix: the *login* bug!! "), "fix-the-login-bug");
        assert_eq!(slug("Don't panic"), "dont-panic");
        assert_eq!(slug("Use café API v2"), "use-caf-api-v2");
        assert_eq!(slug("---"), "issue");
        assert_eq!(slug("日本語"), "issue");
        assert_eq!(slug(""), "issue");
    }

    #[test]
    fn long_slugs_are_cut_at_a_word_boundary() {
        let title = "Make the merge order check run explain which pull requests must wait";
        let cut = slug(title);
        assert_eq!(cut, "make-the-merge-order-check-run-explain");
        assert!(cut.len() <= SLUG_MAX_LEN);
        let one_word = slug(&"a".repeat(100));
        assert_eq!(one_word, "a".repeat(SLUG_MAX_LEN));
    }

    #[test]
    fn template_errors_are_worded_for_users() {
        let error = |text: &str| BranchTemplate::parse(text).unwrap_err();
        assert_eq!(
            error("lanes/{agnt}"),
            "unknown placeholder `{agnt}` in `branch_template`, did you mean `{agent}`?"
        );
        assert_eq!(
            error("lanes/{agent}/{number}"),
            "unknown placeholder `{number}` in `branch_template`; the placeholders are \
             `{agent}`, `{issue}` and `{slug}`"
        );
        assert_eq!(
            error("lanes/{agent"),
            "`branch_template` has a `{` without a closing `}`"
        );
        assert_eq!(
            error("lanes/agent}"),
            "`branch_template` has a `}` without an opening `{`"
        );
        assert_eq!(
            error("lanes/main"),
            "`branch_template` must contain `{agent}`, so that each lane has its own branches"
        );
        assert_eq!(
            error("{agent}/{agent}"),
            "`{agent}` appears more than once in `branch_template`"
        );
        assert!(error("{agent}/{slug}").starts_with("`branch_template` uses `{slug}` without"));
        assert!(error("{agent}{issue}").starts_with("`{agent}` and `{issue}` in"));
        assert_eq!(
            error("my lanes/{agent}"),
            "`branch_template` gives branch names git does not accept, such as \
             `my lanes/agent-1`: it contains a space"
        );
        assert!(error("{agent}..x").ends_with("it contains `..`"));
        assert!(error("/{agent}").ends_with("it starts or ends with `/`"));
        assert!(error("{agent}/").ends_with("it starts or ends with `/`"));
        assert!(error("{agent}.lock").ends_with("a part of it ends with `.lock`"));
        assert!(error("x/.{agent}").ends_with("a part of it starts with `.`"));
        assert!(error("-{agent}").ends_with("it starts with `-`"));
        assert!(error("{agent}:x").ends_with("it contains `:`"));
        assert!(error("{agent}\tx").ends_with("it contains the character U+0009"));
    }

    #[test]
    fn valid_templates_parse() {
        for text in [
            "parallel-dev/{agent}",
            "{agent}/{issue}-{slug}",
            "{agent}",
            "work/{issue}/{agent}",
            "{agent}-{issue}",
        ] {
            let template = BranchTemplate::parse(text).unwrap();
            assert_eq!(template.to_string(), text);
        }
        let template = BranchTemplate::parse("{agent}/{issue}-{slug}").unwrap();
        assert!(template.has_issue());
        assert_eq!(template.pattern_for("beta"), "beta/{issue}-{slug}");
    }
}
