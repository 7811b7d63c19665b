//! The YAML document as a tree of nodes with positions.
//!
//! The file is read into this generic tree rather than straight into typed structs so that
//! validation can report every unknown key and wrong type, each at its own position, instead
//! of stopping at the first one serde meets.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::{
    ExternalMessageSource, MessageFormatter, NonFiniteFloatPolicy, Spanned, UserMessageFormatter,
};

use super::ConfigError;

/// 1-based line and column of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Pos {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub value: Value,
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Null,
    /// A scalar: what YAML resolved it to, and its text as written (`007`, `1.10`, `true`),
    /// so a label or name that happens to look like a number keeps its spelling.
    Scalar(Scalar, String),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Scalar {
    Text,
    Int(i128),
    Float(f64),
    Bool(bool),
}

impl Node {
    /// The node, unless it is null: an empty value means "use the default".
    pub fn present(&self) -> Option<&Node> {
        match self.value {
            Value::Null => None,
            _ => Some(self),
        }
    }

    /// A short description of what the node is, for messages: "a list", "`3`", "text `abc`".
    pub fn describe(&self) -> String {
        match &self.value {
            Value::Null => "nothing".to_owned(),
            Value::Scalar(Scalar::Text, text) => format!("text `{}`", shorten(text)),
            Value::Scalar(_, text) => format!("`{}`", shorten(text)),
            Value::Seq(_) => "a list".to_owned(),
            Value::Map(_) => "a mapping".to_owned(),
        }
    }
}

/// Keeps quoted user text in a message to one readable line.
fn shorten(text: &str) -> String {
    const LIMIT: usize = 60;
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if one_line.chars().count() > LIMIT {
        let cut: String = one_line.chars().take(LIMIT).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

/// Deepest nesting of lists and mappings accepted. The schema needs five levels; the limit
/// keeps the recursive descent of a hostile file far from the end of a worker thread's stack.
const MAX_DEPTH: usize = 16;

/// Most nodes accepted, aliases expanded. A generous config has a few thousand; the limit
/// keeps an alias bomb from costing seconds of a worker's time.
const MAX_NODES: usize = 20_000;

/// Reads the document. `Ok(None)` for a document with no content (empty, comments only, or
/// a bare `---`).
pub(super) fn load(text: &str) -> Result<Option<Node>, ConfigError> {
    let options = serde_saphyr::options! {
        // YAML 1.2: only `true` and `false` are booleans, so `trigger_label: on` stays text.
        strict_booleans: true,
        with_snippet: false,
        // `.nan` or `1e999` then reach validation as text and are reported like any other
        // bad number, alongside the file's other errors.
        non_finite_float_policy: NonFiniteFloatPolicy::AsString,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_events: MAX_NODES * 4,
        },
    };
    match serde_saphyr::from_str_with_options::<Option<Spanned<RawNode>>>(text, options) {
        Ok(root) => Ok(root.map(|root| convert(root, text))),
        Err(error) => Err(syntax_error(&error)),
    }
}

fn syntax_error(error: &serde_saphyr::Error) -> ConfigError {
    let detail: String = match original(error) {
        error if nests_too_deep(error) => format!(
            "lists and mappings nest more than {MAX_DEPTH} levels deep here; the settings \
             need five at most"
        ),
        serde_saphyr::Error::Budget { .. } => format!(
            "the file is too large: more than {MAX_NODES} values, aliases expanded, where a \
             generous configuration has a few thousand"
        ),
        _ => UserMessageFormatter
            .format_message(error.without_snippet())
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    };
    let (line, column) = error
        .location()
        .map(|at| (to_usize(at.line()), to_usize(at.column())))
        .unwrap_or((0, 0));
    ConfigError {
        line,
        column,
        message: format!("invalid YAML: {detail}"),
    }
}

/// The error itself, without the snippet or the alias it was met through.
fn original(mut error: &serde_saphyr::Error) -> &serde_saphyr::Error {
    while let serde_saphyr::Error::AliasError { error: inner, .. }
    | serde_saphyr::Error::WithSnippet { error: inner, .. } = error
    {
        error = inner;
    }
    error
}

/// Past our own limit on nesting, or past the scanner's on nested `[` and `{` (255), which
/// a file of many more of them meets first.
fn nests_too_deep(error: &serde_saphyr::Error) -> bool {
    match error {
        serde_saphyr::Error::Budget {
            breach: BudgetBreach::Depth { .. },
            ..
        } => true,
        serde_saphyr::Error::ExternalMessage { source, .. } => matches!(
            &**source,
            ExternalMessageSource::Parser(scan) if matches!(scan.kind(), ErrorKind::RecursionLimitExceeded)
        ),
        _ => false,
    }
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// What serde-saphyr hands over: values wrapped with their locations.
enum RawNode {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

fn convert(raw: Spanned<RawNode>, source: &str) -> Node {
    let pos = Pos {
        line: to_usize(raw.referenced.line()),
        column: to_usize(raw.referenced.column()),
    };
    let written = |fallback: String| written_text(&raw.defined, source).unwrap_or(fallback);
    let value = match raw.value {
        RawNode::Null => Value::Null,
        RawNode::Bool(b) => Value::Scalar(Scalar::Bool(b), written(b.to_string())),
        RawNode::Int(n) => Value::Scalar(Scalar::Int(n), written(n.to_string())),
        RawNode::Float(x) => Value::Scalar(Scalar::Float(x), written(x.to_string())),
        RawNode::Text(text) => Value::Scalar(Scalar::Text, text),
        RawNode::Seq(items) => Value::Seq(
            items
                .into_iter()
                .map(|item| convert(item, source))
                .collect(),
        ),
        RawNode::Map(entries) => Value::Map(
            entries
                .into_iter()
                .map(|(key, value)| (convert(key, source), convert(value, source)))
                .collect(),
        ),
    };
    Node { value, pos }
}

/// The source text of a plain scalar, when its span can be had and is one line.
fn written_text(at: &serde_saphyr::Location, source: &str) -> Option<String> {
    let span = at.span();
    let start = usize::try_from(span.byte_offset()?).ok()?;
    let len = usize::try_from(span.byte_len()?).ok()?;
    let text = source.get(start..start.checked_add(len)?)?;
    (!text.is_empty() && !text.contains(['\n', '\r'])).then(|| text.to_owned())
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawNodeVisitor)
    }
}

struct RawNodeVisitor;

impl<'de> Visitor<'de> for RawNodeVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(deserializer)
    }

    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode::Int(v.into()))
    }

    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(RawNode::Int(v))
    }

    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        // Beyond i128 is beyond any count this file holds; keep it as text so validation
        // reports it as out of range rather than the parser failing.
        Ok(i128::try_from(v).map_or_else(|_| RawNode::Text(v.to_string()), RawNode::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::Text(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::Text(v))
    }

    fn visit_bytes<E>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::Text(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(RawNode::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(text: &str) -> Node {
        load(text).expect("valid YAML").expect("a document")
    }

    #[test]
    fn empty_and_comment_only_documents_have_no_root() {
        for text in [
            "",
            "\n\n",
            "# only a comment\n  # and another\n",
            "---\n",
            "~\n",
        ] {
            let loaded = load(text).expect("valid YAML");
            assert!(
                loaded.as_ref().and_then(Node::present).is_none(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn scalars_keep_their_written_text_and_position() {
        let Value::Map(entries) = root("a: 42\nb: 1.10\nc: true\nd: yes\n\"e\": x\n").value else {
            panic!("expected a mapping");
        };
        let seen: Vec<_> = entries
            .iter()
            .map(|(key, value)| (key.describe(), value.value.clone(), value.pos))
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    "text `a`".to_owned(),
                    Value::Scalar(Scalar::Int(42), "42".into()),
                    Pos { line: 1, column: 4 }
                ),
                (
                    "text `b`".to_owned(),
                    Value::Scalar(Scalar::Float(1.1), "1.10".into()),
                    Pos { line: 2, column: 4 }
                ),
                (
                    "text `c`".to_owned(),
                    Value::Scalar(Scalar::Bool(true), "true".into()),
                    Pos { line: 3, column: 4 }
                ),
                (
                    "text `d`".to_owned(),
                    Value::Scalar(Scalar::Text, "yes".into()),
                    Pos { line: 4, column: 4 }
                ),
                (
                    "text `e`".to_owned(),
                    Value::Scalar(Scalar::Text, "x".into()),
                    Pos { line: 5, column: 6 }
                ),
            ]
        );
    }

    #[test]
    fn leading_zeros_survive_in_the_written_text() {
        let Value::Map(entries) = root("a: 007\n").value else {
            panic!("expected a mapping");
        };
        assert!(matches!(&entries[0].1.value, Value::Scalar(_, text) if text == "007"));
    }

    #[test]
    fn non_finite_numbers_arrive_as_text() {
        let Value::Map(entries) = root("a: .nan\nb: 1e999\n").value else {
            panic!("expected a mapping");
        };
        assert!(
            entries
                .iter()
                .all(|(_, value)| matches!(value.value, Value::Scalar(Scalar::Text, _)))
        );
    }

    #[test]
    fn syntax_errors_carry_their_position() {
        let error = load("agents: [1\n").unwrap_err();
        assert_eq!((error.line, error.column), (1, 9));
        assert!(error.message.starts_with("invalid YAML: "), "{error}");

        let error = load("capacity: 1\ncapacity: 2\n").unwrap_err();
        assert_eq!((error.line, error.column), (2, 1));
        assert!(error.message.contains("duplicate"), "{error}");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let too_deep = "invalid YAML: lists and mappings nest more than 16 levels deep here; the \
                        settings need five at most";
        for depth in [MAX_DEPTH + 1, 60, 10_000, 500_000] {
            let flow = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
            assert_eq!(
                load(&flow).unwrap_err().message,
                too_deep,
                "flow depth {depth}"
            );
            let flow_maps = format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth));
            assert_eq!(
                load(&flow_maps).unwrap_err().message,
                too_deep,
                "flow maps {depth}"
            );
        }
        for depth in [MAX_DEPTH + 1, 60, 10_000] {
            let block: String = (0..depth)
                .map(|n| format!("{}k:\n", " ".repeat(n)))
                .collect();
            assert_eq!(
                load(&block).unwrap_err().message,
                too_deep,
                "block depth {depth}"
            );
        }
        let error = load(&format!("{}1{}", "[".repeat(40), "]".repeat(40))).unwrap_err();
        assert!(error.line > 0, "{error}");
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
        for level in 1..8 {
            let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
        }
        let error = load(&text).unwrap_err();
        assert_eq!(
            error.message,
            "invalid YAML: the file is too large: more than 20000 values, aliases expanded, \
             where a generous configuration has a few thousand"
        );
    }

    #[test]
    fn descriptions_are_short_and_single_line() {
        let long = format!("a: \"{}\\nnext\"\n", "x".repeat(100));
        let Value::Map(entries) = root(&long).value else {
            panic!("expected a mapping");
        };
        let described = entries[0].1.describe();
        assert!(!described.contains('\n'));
        assert!(described.ends_with("…`"), "{described}");
    }
}
