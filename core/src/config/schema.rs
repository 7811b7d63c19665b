//! From the YAML tree to a validated [`Config`], collecting every problem with its position.

use std::collections::{BTreeMap, HashMap};

use super::BranchTemplate;
use super::yaml::{Node, Pos, Scalar, Value};
use super::{
    Agent, CONFIG_CHECK_NAME, Config, ConfigError, ConfigErrors, Coordinate, MergeOrderConfig,
    Track, numbered_agents,
};
use crate::globs::{Glob, PathFilter};
use crate::graph;
use crate::suggest::closest;

const TOP_LEVEL_KEYS: &[&str] = &[
    "agents",
    "branch_template",
    "capacity",
    "footprint_wait",
    "trigger_label",
    "tracks",
    "ignore_paths",
    "regenerated_paths",
    "coordinate",
    "merge_order",
    "size_labels",
];
const AGENT_KEYS: &[&str] = &["name", "login", "handoff"];
const TRACK_KEYS: &[&str] = &["paths", "depends_on", "agent"];
const MERGE_ORDER_KEYS: &[&str] = &["check_name", "enforce", "exact_budget_ms"];
const COORDINATE_VALUES: &[&str] = &["lanes", "all"];

/// Each lane gets a label and branches; a typo such as `agents: 300` should not create them.
const MAX_AGENTS: i128 = 100;
/// GitHub's limit on the length of a label name.
const MAX_LABEL_LEN: usize = 50;
/// Agent and track names become labels `agent:<name>` and `track:<name>`.
const MAX_NAME_LEN: usize = MAX_LABEL_LEN - "agent:".len();
/// The exact ordering runs inside a reconcile; a longer budget would hold up the repository.
const MAX_EXACT_BUDGET_MS: i128 = 10_000;
/// How many names a message lists before it says "and N more".
const LISTED_NAMES: usize = 10;

pub(super) fn validate(root: Option<&Node>) -> Result<Config, ConfigErrors> {
    let mut checker = Checker::default();
    let config = checker.config(root);
    if checker.errors.is_empty() {
        Ok(config)
    } else {
        Err(checker.errors.into())
    }
}

/// `` `a`, `b` and `c` ``, cut short after [`LISTED_NAMES`].
fn code_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<String> = names.into_iter().map(|name| format!("`{name}`")).collect();
    match names.as_slice() {
        [] => "none".to_owned(),
        [only] => only.clone(),
        _ if names.len() > LISTED_NAMES => format!(
            "{} and {} more",
            names[..LISTED_NAMES].join(", "),
            names.len() - LISTED_NAMES
        ),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// ", did you mean `x`?" when a candidate is close, else "; the {kind} are `a` and `b`".
fn suggestion(word: &str, kind: &str, candidates: &[&str]) -> String {
    match closest(word, candidates.iter().copied()) {
        Some(close) => format!(", did you mean `{close}`?"),
        None => format!("; the {kind} are {}", code_list(candidates.iter().copied())),
    }
}

/// What is wrong with an agent or track name, if anything. Names become labels
/// (`agent:<name>`) and agent names become part of branch names, so they keep to characters
/// both accept.
fn name_problem(name: &str) -> Option<String> {
    let problem = if name.is_empty() {
        "must not be empty".to_owned()
    } else if name.chars().count() > MAX_NAME_LEN {
        format!("is longer than {MAX_NAME_LEN} characters")
    } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        "must start with a letter or digit".to_owned()
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        "may contain only letters, digits, `-`, `_` and `.`".to_owned()
    } else if name.contains("..") || name.ends_with('.') || name.ends_with(".lock") {
        "must not contain `..` or end with `.` or `.lock`, which git refuses in branch names"
            .to_owned()
    } else {
        return None;
    };
    Some(problem)
}

/// What is wrong with a GitHub login, if anything: 1 to 39 letters, digits or single hyphens,
/// not starting or ending with a hyphen.
fn login_problem(login: &str) -> Option<String> {
    if let Some(bare) = login.strip_prefix('@') {
        return Some(format!("write the login without `@`: `{bare}`"));
    }
    let valid = (1..=39).contains(&login.len())
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !login.starts_with('-')
        && !login.ends_with('-')
        && !login.contains("--");
    (!valid).then(|| format!("`login` must be a GitHub login such as `octocat`, found `{login}`"))
}

#[derive(Default)]
struct Checker {
    errors: Vec<ConfigError>,
}

/// A key of a mapping and its value.
/// Longest error message kept whole. Messages quote what the file says, keys and names
/// included, and a file of a megabyte could make one too long to show in a check run.
const MAX_MESSAGE_CHARS: usize = 300;

fn shortened(message: String) -> String {
    match message.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    }
}

struct Field<'n> {
    key: String,
    key_pos: Pos,
    value: &'n Node,
}

/// A track as written, with the positions its cross-checks report against.
struct TrackDraft {
    track: Track,
    agent_pos: Option<Pos>,
    depends_pos: Vec<Pos>,
}

/// Where an earlier entry with the same name (ignoring case) was written.
struct FirstSeen {
    spelling: String,
    line: usize,
}

impl Checker {
    fn error(&mut self, pos: Pos, message: impl Into<String>) {
        self.errors.push(ConfigError {
            line: pos.line,
            column: pos.column,
            message: shortened(message.into()),
        });
    }

    fn config(&mut self, root: Option<&Node>) -> Config {
        let mut config = Config::default();
        let Some(root) = root.and_then(Node::present) else {
            return config;
        };
        let Some(fields) = self.fields(root, TOP_LEVEL_KEYS, "the file", "") else {
            return config;
        };
        // Agent references are checked only against a usable `agents`, so one mistake there
        // does not also flag every track bound to a lane.
        let mut agents_usable = true;
        let mut tracks = Vec::new();
        for field in fields {
            let Some(value) = field.value.present() else {
                continue;
            };
            match field.key.as_str() {
                "agents" => match self.agents(value) {
                    Some(agents) => config.agents = agents,
                    None => agents_usable = false,
                },
                "branch_template" => {
                    if let Some(template) = self.branch_template(value) {
                        config.branch_template = template;
                    }
                }
                "capacity" => {
                    if let Some(capacity) = self.integer(value, "`capacity`", 1, u32::MAX.into())
                        && let Ok(capacity) = u32::try_from(capacity)
                    {
                        config.capacity = capacity;
                    }
                }
                "footprint_wait" => {
                    if let Some(wait) = self.boolean(value, "`footprint_wait`") {
                        config.footprint_wait = wait;
                    }
                }
                "trigger_label" => {
                    if let Some(label) = self.trigger_label(value) {
                        config.trigger_label = label;
                    }
                }
                "tracks" => tracks = self.tracks(value),
                "ignore_paths" => {
                    if let Some(globs) = self.globs(value, "`ignore_paths`") {
                        config.ignore_paths = globs;
                    }
                }
                "regenerated_paths" => {
                    if let Some(globs) = self.globs(value, "`regenerated_paths`") {
                        config.regenerated_paths = globs;
                    }
                }
                "coordinate" => {
                    if let Some(coordinate) = self.coordinate(value) {
                        config.coordinate = coordinate;
                    }
                }
                "merge_order" => config.merge_order = self.merge_order(value),
                "size_labels" => {
                    if let Some(labels) = self.size_labels(value) {
                        config.size_labels = labels;
                    }
                }
                _ => {}
            }
        }
        let agents = agents_usable.then_some(config.agents.as_slice());
        config.tracks = self.link_tracks(tracks, agents);
        config
    }

    /// The entries of a mapping, each key as text. `None`, with an error, when `node` is not
    /// a mapping; `expected` then says what it should be.
    fn entries<'n>(&mut self, node: &'n Node, expected: &str) -> Option<Vec<Field<'n>>> {
        let Value::Map(entries) = &node.value else {
            self.error(node.pos, format!("{expected}, found {}", node.describe()));
            return None;
        };
        let mut fields = Vec::new();
        for (key, value) in entries {
            match &key.value {
                Value::Scalar(_, text) => fields.push(Field {
                    key: text.clone(),
                    key_pos: key.pos,
                    value,
                }),
                _ => self.error(
                    key.pos,
                    format!("keys must be text, found {}", key.describe()),
                ),
            }
        }
        Some(fields)
    }

    /// The entries of a mapping whose keys are all in `known`; any other key is reported,
    /// with a suggestion. `what` names the mapping, `place` says where it is in messages
    /// about unknown keys (" in `merge_order`").
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        known: &[&str],
        what: &str,
        place: &str,
    ) -> Option<Vec<Field<'n>>> {
        let expected = format!(
            "{what} must be a mapping with keys {}",
            code_list(known.iter().copied())
        );
        let entries = self.entries(node, &expected)?;
        let mut fields = Vec::new();
        for field in entries {
            if known.contains(&field.key.as_str()) {
                fields.push(field);
            } else {
                let hint = suggestion(&field.key, "keys here", known);
                self.error(
                    field.key_pos,
                    format!("unknown key `{}`{place}{hint}", field.key),
                );
            }
        }
        Some(fields)
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Scalar(_, text) => Some(text.clone()),
            _ => {
                self.error(
                    node.pos,
                    format!("{what} must be text, found {}", node.describe()),
                );
                None
            }
        }
    }

    /// Non-empty text of at most `max_len` characters, trimmed.
    fn short_text(&mut self, node: &Node, what: &str, max_len: usize) -> Option<String> {
        let text = self.text(node, what)?;
        let text = text.trim();
        if text.is_empty() {
            self.error(node.pos, format!("{what} must not be empty"));
            None
        } else if text.chars().count() > max_len {
            self.error(
                node.pos,
                format!("{what} is longer than {max_len} characters"),
            );
            None
        } else {
            Some(text.to_owned())
        }
    }

    fn integer(&mut self, node: &Node, what: &str, min: i128, max: i128) -> Option<i128> {
        match &node.value {
            Value::Scalar(Scalar::Int(n), _) if (min..=max).contains(n) => Some(*n),
            Value::Scalar(Scalar::Int(n), text) => {
                let bound = if *n < min {
                    format!("at least {min}")
                } else {
                    format!("at most {max}")
                };
                self.error(node.pos, format!("{what} must be {bound}, found `{text}`"));
                None
            }
            _ => {
                self.error(
                    node.pos,
                    format!("{what} must be a whole number, found {}", node.describe()),
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Scalar(Scalar::Bool(value), _) => Some(value),
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "{what} must be `true` or `false`, found {}",
                        node.describe()
                    ),
                );
                None
            }
        }
    }

    fn hours(&mut self, node: &Node, what: &str) -> Option<f64> {
        let hours = match node.value {
            // Rounding an absurdly large whole number is harmless for an estimate.
            Value::Scalar(Scalar::Int(n), _) => n as f64,
            Value::Scalar(Scalar::Float(x), _) => x,
            _ => f64::NAN,
        };
        if hours.is_finite() && hours > 0.0 {
            Some(hours)
        } else {
            self.error(
                node.pos,
                format!(
                    "{what} must be a number of hours above 0, found {}",
                    node.describe()
                ),
            );
            None
        }
    }

    /// A list of text entries with their positions; a single scalar counts as a list of one.
    fn texts(&mut self, node: &Node, what: &str) -> Option<Vec<(String, Pos)>> {
        match &node.value {
            Value::Scalar(_, text) => Some(vec![(text.clone(), node.pos)]),
            Value::Seq(items) => Some(
                items
                    .iter()
                    .filter_map(|item| {
                        let text = self.text(item, &format!("each entry of {what}"))?;
                        Some((text, item.pos))
                    })
                    .collect(),
            ),
            _ => {
                self.error(
                    node.pos,
                    format!("{what} must be a list, found {}", node.describe()),
                );
                None
            }
        }
    }

    /// The globs, compiled; each that is not one is reported and left out.
    fn globs(&mut self, node: &Node, what: &str) -> Option<PathFilter> {
        let patterns = self.texts(node, what)?;
        Some(
            patterns
                .into_iter()
                .filter_map(|(pattern, pos)| match Glob::new(&pattern) {
                    Ok(glob) => Some(glob),
                    Err(problem) => {
                        self.error(pos, problem);
                        None
                    }
                })
                .collect(),
        )
    }

    /// Notes `name` (ignoring case) in `seen`; if it was there, reports it at `pos`.
    fn note_unique(
        &mut self,
        seen: &mut HashMap<String, FirstSeen>,
        name: &str,
        pos: Pos,
        what: &str,
    ) {
        match seen.get(&name.to_ascii_lowercase()) {
            Some(first) if first.spelling == name => self.error(
                pos,
                format!(
                    "{what} `{name}` is given twice (first on line {})",
                    first.line
                ),
            ),
            Some(first) => self.error(
                pos,
                format!(
                    "{what} `{name}` is given twice (first as `{}` on line {}): names ignore \
                     case, as GitHub labels do",
                    first.spelling, first.line
                ),
            ),
            None => {
                seen.insert(
                    name.to_ascii_lowercase(),
                    FirstSeen {
                        spelling: name.to_owned(),
                        line: pos.line,
                    },
                );
            }
        }
    }

    fn check_name(&mut self, name: &str, pos: Pos, what: &str) {
        if let Some(problem) = name_problem(name) {
            self.error(pos, format!("{what} name `{name}` {problem}"));
        }
    }

    /// `None` when `agents` is unusable as a whole; a list with bad entries is still returned
    /// (their errors recorded) so tracks bound to its lanes are checked against it.
    fn agents(&mut self, node: &Node) -> Option<Vec<Agent>> {
        match &node.value {
            Value::Scalar(Scalar::Int(_), _) => {
                let count = self.integer(node, "`agents`", 1, MAX_AGENTS)?;
                usize::try_from(count).ok().map(numbered_agents)
            }
            Value::Seq(items) if items.is_empty() => {
                self.error(
                    node.pos,
                    "`agents` is an empty list: name at least one agent, or give a number such \
                     as `3`",
                );
                None
            }
            Value::Seq(items) => {
                let mut seen = HashMap::new();
                let mut agents = Vec::new();
                for item in items {
                    if let Some((agent, pos)) = self.agent_entry(item) {
                        self.note_unique(&mut seen, &agent.name, pos, "agent");
                        agents.push(agent);
                    }
                }
                Some(agents)
            }
            _ => {
                self.error(
                    node.pos,
                    format!(
                        "`agents` must be a number of lanes (such as `3`) or a list of agents \
                         (such as `[alpha, beta]`), found {}",
                        node.describe()
                    ),
                );
                None
            }
        }
    }

    /// One entry of an `agents` list: a name, or a mapping with `name` and `login`.
    fn agent_entry(&mut self, item: &Node) -> Option<(Agent, Pos)> {
        match &item.value {
            Value::Scalar(_, name) => {
                self.check_name(name, item.pos, "agent");
                Some((Agent::named(name.clone()), item.pos))
            }
            Value::Map(_) => {
                let fields = self.fields(item, AGENT_KEYS, "an agent", " in an agent")?;
                let mut name = None;
                let mut login = None;
                let mut handoff = None;
                for field in fields {
                    let Some(value) = field.value.present() else {
                        continue;
                    };
                    if field.key == "name" {
                        name = self.text(value, "`name`").map(|text| (text, value.pos));
                    } else if field.key == "handoff" {
                        handoff = self.boolean(value, "`handoff`").map(|on| (on, value.pos));
                    } else if let Some(text) = self.text(value, "`login`") {
                        match login_problem(&text) {
                            Some(problem) => self.error(value.pos, problem),
                            None => login = Some(text),
                        }
                    }
                }
                let Some((name, pos)) = name else {
                    self.error(item.pos, "an agent needs a `name`");
                    return None;
                };
                self.check_name(&name, pos, "agent");
                let handoff = match handoff {
                    Some((true, at)) if login.is_none() => {
                        self.error(
                            at,
                            "`handoff: true` needs the lane's `login`, to mention it",
                        );
                        false
                    }
                    Some((on, _)) => on,
                    None => false,
                };
                Some((
                    Agent {
                        name,
                        login,
                        handoff,
                    },
                    pos,
                ))
            }
            _ => {
                self.error(
                    item.pos,
                    format!(
                        "each agent must be a name or a mapping with `name` and `login`, found {}",
                        item.describe()
                    ),
                );
                None
            }
        }
    }

    fn branch_template(&mut self, node: &Node) -> Option<BranchTemplate> {
        let text = self.text(node, "`branch_template`")?;
        match BranchTemplate::parse(&text) {
            Ok(template) => Some(template),
            Err(problem) => {
                self.error(node.pos, problem);
                None
            }
        }
    }

    fn trigger_label(&mut self, node: &Node) -> Option<String> {
        let label = self.short_text(node, "`trigger_label`", MAX_LABEL_LEN)?;
        let lower = label.to_ascii_lowercase();
        if lower.starts_with("agent:") || lower.starts_with("track:") {
            self.error(
                node.pos,
                format!(
                    "`trigger_label` must not start with `agent:` or `track:`, which name lanes \
                     and tracks; found `{label}`"
                ),
            );
            return None;
        }
        Some(label)
    }

    fn coordinate(&mut self, node: &Node) -> Option<Coordinate> {
        let text = self.text(node, "`coordinate`")?;
        match text.as_str() {
            "lanes" => Some(Coordinate::LaneBranches),
            "all" => Some(Coordinate::All),
            _ => {
                let hint = match closest(&text, COORDINATE_VALUES.iter().copied()) {
                    Some(close) => format!(", did you mean `{close}`?"),
                    None => String::new(),
                };
                self.error(
                    node.pos,
                    format!("`coordinate` must be `lanes` or `all`, found `{text}`{hint}"),
                );
                None
            }
        }
    }

    fn merge_order(&mut self, node: &Node) -> MergeOrderConfig {
        let mut merge_order = MergeOrderConfig::default();
        let fields = self
            .fields(node, MERGE_ORDER_KEYS, "`merge_order`", " in `merge_order`")
            .unwrap_or_default();
        for field in fields {
            let Some(value) = field.value.present() else {
                continue;
            };
            match field.key.as_str() {
                "check_name" => {
                    let what = "`merge_order.check_name`";
                    if let Some(name) = self.short_text(value, what, usize::MAX) {
                        if name.eq_ignore_ascii_case(CONFIG_CHECK_NAME) {
                            self.error(
                                value.pos,
                                format!(
                                    "{what} must differ from `{CONFIG_CHECK_NAME}`, the check \
                                     that validates this file"
                                ),
                            );
                        } else {
                            merge_order.check_name = name;
                        }
                    }
                }
                "enforce" => {
                    if let Some(enforce) = self.boolean(value, "`merge_order.enforce`") {
                        merge_order.enforce = enforce;
                    }
                }
                "exact_budget_ms" => {
                    let what = "`merge_order.exact_budget_ms`";
                    if let Some(ms) = self.integer(value, what, 0, MAX_EXACT_BUDGET_MS)
                        && let Ok(ms) = u64::try_from(ms)
                    {
                        merge_order.exact_budget_ms = ms;
                    }
                }
                _ => {}
            }
        }
        merge_order
    }

    fn size_labels(&mut self, node: &Node) -> Option<BTreeMap<String, f64>> {
        let entries = self.entries(
            node,
            "`size_labels` must be a mapping of labels to hours, such as `{\"size: S\": 1}`",
        )?;
        let mut seen = HashMap::new();
        let mut labels = BTreeMap::new();
        for field in entries {
            let label = field.key.trim();
            if label.is_empty() || label.chars().count() > MAX_LABEL_LEN {
                self.error(
                    field.key_pos,
                    format!("size label `{label}` must be 1 to {MAX_LABEL_LEN} characters long"),
                );
                continue;
            }
            self.note_unique(&mut seen, label, field.key_pos, "size label");
            let what = format!("size label `{label}`");
            if let Some(hours) = self.hours(field.value, &what) {
                labels.insert(label.to_owned(), hours);
            }
        }
        Some(labels)
    }

    fn tracks(&mut self, node: &Node) -> Vec<TrackDraft> {
        let Some(entries) = self.entries(
            node,
            "`tracks` must be a mapping of track names to their settings, such as \
             `api: {paths: [\"src/api/**\"]}`",
        ) else {
            return Vec::new();
        };
        let mut seen = HashMap::new();
        entries
            .into_iter()
            .map(|field| {
                self.check_name(&field.key, field.key_pos, "track");
                self.note_unique(&mut seen, &field.key, field.key_pos, "track");
                self.track(field.key, field.value)
            })
            .collect()
    }

    fn track(&mut self, name: String, node: &Node) -> TrackDraft {
        let mut draft = TrackDraft {
            track: Track {
                name,
                paths: PathFilter::empty(),
                depends_on: Vec::new(),
                agent: None,
            },
            agent_pos: None,
            depends_pos: Vec::new(),
        };
        let Some(node) = node.present() else {
            return draft;
        };
        let name = &draft.track.name;
        if matches!(node.value, Value::Seq(_)) {
            self.error(
                node.pos,
                format!(
                    "track `{name}` must be a mapping; to give its paths, write \
                     `{name}: {{paths: [...]}}`"
                ),
            );
            return draft;
        }
        let what = format!("track `{name}`");
        let place = format!(" in track `{name}`");
        let fields = self
            .fields(node, TRACK_KEYS, &what, &place)
            .unwrap_or_default();
        for field in fields {
            let Some(value) = field.value.present() else {
                continue;
            };
            match field.key.as_str() {
                "paths" => {
                    let what = format!("`paths` of track `{}`", draft.track.name);
                    draft.track.paths = self.globs(value, &what).unwrap_or_default();
                }
                "depends_on" => {
                    let what = format!("`depends_on` of track `{}`", draft.track.name);
                    let names = self.texts(value, &what).unwrap_or_default();
                    (draft.track.depends_on, draft.depends_pos) = names.into_iter().unzip();
                }
                "agent" => {
                    let what = format!("`agent` of track `{}`", draft.track.name);
                    draft.track.agent = self.text(value, &what);
                    draft.agent_pos = Some(value.pos);
                }
                _ => {}
            }
        }
        draft
    }

    /// Resolves each track's lane and dependencies to the names as configured, reporting
    /// unknown or repeated ones and dependency cycles. `agents` is `None` when it could not
    /// be read, and bindings are then left unchecked.
    fn link_tracks(&mut self, drafts: Vec<TrackDraft>, agents: Option<&[Agent]>) -> Vec<Track> {
        let track_names: Vec<&str> = drafts.iter().map(|d| d.track.name.as_str()).collect();
        let index_of = |name: &str| {
            track_names
                .iter()
                .position(|candidate| candidate.eq_ignore_ascii_case(name))
        };
        let mut edges: Vec<Vec<(usize, Pos)>> = vec![Vec::new(); drafts.len()];
        let mut resolved_dependencies = Vec::with_capacity(drafts.len());
        let mut resolved_agents = Vec::with_capacity(drafts.len());
        for (from, draft) in drafts.iter().enumerate() {
            let name = &draft.track.name;
            resolved_agents.push(match (&draft.track.agent, agents, draft.agent_pos) {
                (Some(agent), Some(agents), Some(pos)) => {
                    self.resolve_agent(name, agent, agents, pos)
                }
                (agent, _, _) => agent.clone(),
            });
            let mut dependencies: Vec<String> = Vec::new();
            for (dependency, pos) in draft.track.depends_on.iter().zip(&draft.depends_pos) {
                let Some(to) = index_of(dependency) else {
                    let hint = suggestion(dependency, "tracks", &track_names);
                    self.error(
                        *pos,
                        format!(
                            "track `{name}` depends on `{dependency}`, which is not a track{hint}"
                        ),
                    );
                    continue;
                };
                let canonical = track_names[to];
                if to == from {
                    self.error(*pos, format!("track `{name}` depends on itself"));
                } else if dependencies.iter().any(|seen| seen == canonical) {
                    self.error(
                        *pos,
                        format!("track `{name}` lists `{canonical}` twice in `depends_on`"),
                    );
                } else {
                    dependencies.push(canonical.to_owned());
                    edges[from].push((to, *pos));
                }
            }
            resolved_dependencies.push(dependencies);
        }
        self.report_cycles(&track_names, &edges);
        drafts
            .into_iter()
            .zip(resolved_dependencies.into_iter().zip(resolved_agents))
            .map(|(draft, (depends_on, agent))| Track {
                depends_on,
                agent,
                ..draft.track
            })
            .collect()
    }

    fn resolve_agent(
        &mut self,
        track: &str,
        agent: &str,
        agents: &[Agent],
        pos: Pos,
    ) -> Option<String> {
        if let Some(found) = agents.iter().find(|a| a.name.eq_ignore_ascii_case(agent)) {
            return Some(found.name.clone());
        }
        let names: Vec<&str> = agents.iter().map(|a| a.name.as_str()).collect();
        let hint = suggestion(agent, "agents", &names);
        self.error(
            pos,
            format!("track `{track}` is bound to agent `{agent}`, which is not configured{hint}"),
        );
        None
    }

    /// Reports each dependency cycle once, at the `depends_on` entry that closes it (the one
    /// that leads back to the cycle's first track).
    fn report_cycles(&mut self, names: &[&str], edges: &[Vec<(usize, Pos)>]) {
        let successors: Vec<Vec<usize>> = edges
            .iter()
            .map(|out| out.iter().map(|&(to, _)| to).collect())
            .collect();
        for cycle in graph::cycles(&successors) {
            let (first, last) = (cycle[0], cycle[cycle.len() - 1]);
            let Some(&(_, pos)) = edges[last].iter().find(|&&(to, _)| to == first) else {
                continue;
            };
            let route: Vec<String> = cycle
                .iter()
                .chain(std::iter::once(&first))
                .map(|&t| format!("`{}`", names[t]))
                .collect();
            self.error(
                pos,
                format!(
                    "tracks depend on each other in a cycle: {}; remove one of these \
                     dependencies",
                    route.join(" → ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_likely_misspellings_only() {
        let keys = TOP_LEVEL_KEYS.iter().copied();
        assert_eq!(closest("trak", keys.clone()), Some("tracks"));
        assert_eq!(closest("agent", keys.clone()), Some("agents"));
        assert_eq!(closest("Agents", keys.clone()), Some("agents"));
        assert_eq!(
            closest("branch-template", keys.clone()),
            Some("branch_template")
        );
        assert_eq!(closest("capcity", keys.clone()), Some("capacity"));
        assert_eq!(closest("ignore", keys.clone()), Some("ignore_paths"));
        assert_eq!(closest("merge", keys.clone()), Some("merge_order"));
        assert_eq!(closest("colour", keys.clone()), None);
        assert_eq!(closest("x", keys), None);
        let track_keys = TRACK_KEYS.iter().copied();
        assert_eq!(closest("path", track_keys.clone()), Some("paths"));
        assert_eq!(closest("depends", track_keys.clone()), Some("depends_on"));
        assert_eq!(closest("dependencies", track_keys), Some("depends_on"));
    }

    #[test]
    fn code_lists_read_as_prose() {
        assert_eq!(code_list([]), "none");
        assert_eq!(code_list(["a"]), "`a`");
        assert_eq!(code_list(["a", "b", "c"]), "`a`, `b` and `c`");
        let many: Vec<String> = (1..=12).map(|n| n.to_string()).collect();
        assert_eq!(
            code_list(many.iter().map(String::as_str)),
            "`1`, `2`, `3`, `4`, `5`, `6`, `7`, `8`, `9`, `10` and 2 more"
        );
    }

    #[test]
    fn names_keep_to_label_and_branch_safe_characters() {
        assert_eq!(name_problem("agent-1"), None);
        assert_eq!(name_problem("Beta_2.x"), None);
        assert_eq!(name_problem("").as_deref(), Some("must not be empty"));
        assert!(name_problem("-x").is_some());
        assert!(name_problem(".x").is_some());
        assert!(name_problem("a b").is_some());
        assert!(name_problem("a/b").is_some());
        assert!(name_problem("a..b").is_some());
        assert!(name_problem("a.lock").is_some());
        assert!(name_problem("a.").is_some());
        assert!(name_problem(&"a".repeat(MAX_NAME_LEN)).is_none());
        assert!(name_problem(&"a".repeat(MAX_NAME_LEN + 1)).is_some());
    }

    #[test]
    fn logins_follow_github_rules() {
        assert_eq!(login_problem("octocat"), None);
        assert_eq!(login_problem("octo-cat-2"), None);
        assert_eq!(
            login_problem("octo cat").as_deref(),
            Some("`login` must be a GitHub login such as `octocat`, found `octo cat`")
        );
        assert_eq!(
            login_problem("@octocat").as_deref(),
            Some("write the login without `@`: `octocat`")
        );
        for bad in [
            "",
            "-octo",
            "octo-",
            "oc--to",
            "octo cat",
            "octo_cat",
            &"a".repeat(40),
        ] {
            assert!(login_problem(bad).is_some(), "{bad}");
        }
    }
}
