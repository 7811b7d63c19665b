//! Item names: cleaning a heading into the name as written (no emoji, status or time
//! decorations), and the identifiers plans refer to items by (`Track 2`, `Task 1.1`, `A`).

/// Words that open an item's name: the unit one lane takes.
const ITEM_WORDS: &[&str] = &[
    "parallel stream",
    "workstream",
    "work stream",
    "work package",
    "stream",
    "track",
    "task",
    "agent",
    "lane",
    "developer",
    "dev",
    "engineer",
    "wp",
    "story",
    "ticket",
    "issue",
    "epic",
];

/// Words that open a group's name: a phase or batch that holds items.
const GROUP_WORDS: &[&str] = &[
    "phase",
    "batch",
    "wave",
    "stage",
    "sprint",
    "milestone",
    "category",
    "part",
    "component",
    "iteration",
    "step",
    "round",
    "tier",
];

/// Words whose item names continue with a name rather than a number (`Agent Alpha`).
const NAMED_WORDS: &[&str] = &["agent", "developer", "dev", "engineer", "lane"];

/// Decorations in parentheses or after a dash that say how or when, not what.
const DECORATION_WORDS: &[&str] = &[
    "sequential",
    "parallel",
    "optional",
    "active",
    "first",
    "last",
    "blocked",
    "blocker",
    "done",
    "complete",
    "completed",
    "in progress",
    "wip",
    "todo",
    "start",
    "new",
    "required",
    "critical",
    "priority",
    "p0",
    "p1",
    "p2",
    "must",
    "can run",
    "agents at once",
    "alone",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Item,
    Group,
    Other,
}

/// An identifier such as `track 2` (word and id, lower case) and its bare id `2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ident {
    pub word: Option<String>,
    pub id: String,
}

impl Ident {
    pub fn key(&self) -> String {
        match &self.word {
            Some(word) => format!("{word} {}", self.id),
            None => self.id.clone(),
        }
    }
}

/// The name as written, without emoji, status marks, time and dependency decorations.
pub(crate) fn clean(raw: &str) -> String {
    let text = raw.replace('`', "");
    let text = cut_bracketed_dependency(&text);
    let mut words: Vec<&str> = text.split_whitespace().collect();
    while words.first().is_some_and(|w| is_symbol_word(w)) {
        words.remove(0);
    }
    // Status marks after the name: the first emoji or symbol ends it.
    if let Some(at) = words.iter().skip(1).position(|w| is_symbol_word(w)) {
        words.truncate(at + 1);
    }
    let mut name = words.join(" ");
    loop {
        let trimmed = name.trim_end_matches([' ', ':', '-', '–', '—', '|', '*']);
        let before = trimmed.len();
        let cut = cut_trailing_decoration(trimmed);
        name = cut.to_owned();
        if name.len() == before {
            break;
        }
    }
    name.trim().to_owned()
}

/// True for a word with no letters or digits of a script (emoji, arrows, check marks, and
/// the mis-encoded forms of them such as `ğŸ¯`).
fn is_symbol_word(word: &str) -> bool {
    const TYPOGRAPHY: &str = "—–‘’“”…«»·";
    word.chars()
        .any(|c| !c.is_ascii() && !c.is_alphanumeric() && !TYPOGRAPHY.contains(c))
        || word
            .chars()
            .any(|c| matches!(c as u32, 0xFE00..=0xFE0F | 0x200D | 0xFFFD))
}

fn cut_bracketed_dependency(text: &str) -> String {
    let lower = text.to_lowercase();
    for key in [
        "depends on",
        "blocked by",
        "dependencies",
        "needs:",
        "after:",
    ] {
        if let Some(at) = lower.find(key) {
            let open = lower[..at].rfind(['[', '(']);
            let cut = match open {
                Some(open)
                    if lower[open..at]
                        .trim_start_matches(['[', '('])
                        .trim()
                        .is_empty() =>
                {
                    open
                }
                _ => at,
            };
            if cut > 0 {
                return text[..cut].to_owned();
            }
        }
    }
    text.to_owned()
}

/// Removes one trailing `(…)`, `[…]` or ` - WORDS` decoration that says how or when.
fn cut_trailing_decoration(name: &str) -> &str {
    if let Some(stripped) = name.strip_suffix(')').or_else(|| name.strip_suffix(']')) {
        let open = if name.ends_with(')') { '(' } else { '[' };
        if let Some(at) = stripped.rfind(open) {
            let inner = &stripped[at + 1..];
            if at > 0 && is_decoration(inner) {
                return name[..at].trim_end();
            }
        }
    }
    for dash in [" - ", " – ", " — "] {
        if let Some(at) = name.rfind(dash) {
            let tail = &name[at + dash.len()..];
            if is_decoration(tail) && tail.chars().any(|c| c.is_alphabetic()) && !has_lower(tail) {
                return name[..at].trim_end();
            }
        }
    }
    name
}

fn has_lower(text: &str) -> bool {
    text.chars().any(|c| c.is_lowercase())
}

fn is_decoration(inner: &str) -> bool {
    let lower = inner.to_lowercase();
    let all_caps = inner.chars().any(|c| c.is_alphabetic()) && !has_lower(inner);
    all_caps
        || DECORATION_WORDS.iter().any(|w| contains_word(&lower, w))
        || crate::planfile::estimate::parse(&lower).is_some()
}

/// `needle` in `hay` as whole words.
pub(crate) fn contains_word(hay: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(at) = hay[from..].find(needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            return true;
        }
        from = end;
    }
    false
}

/// Whether a (cleaned) heading names an item, a group of items, or neither.
pub(crate) fn kind(name: &str) -> Kind {
    match ident(name) {
        Some(Ident {
            word: Some(word), ..
        }) if GROUP_WORDS.contains(&word.as_str()) => Kind::Group,
        Some(_) => Kind::Item,
        None => Kind::Other,
    }
}

/// The identifier a name starts with: `Track 2`, `Task 1.1`, `Agent Alpha`, `Phase 0`,
/// `A:` or `PHY-1`.
pub(crate) fn ident(name: &str) -> Option<Ident> {
    let lower = name.to_lowercase();
    let lower = lower.trim_start_matches(['#', '*', ' ']);
    for word in ITEM_WORDS.iter().chain(GROUP_WORDS) {
        let Some(rest) = lower.strip_prefix(word) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix([' ', '#', '-', '_']) else {
            continue;
        };
        let rest = rest.trim_start_matches(['#', ' ']);
        let token: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '.' || *c == '-')
            .collect();
        let token = token.trim_end_matches(['.', '-']);
        let after = rest[token.len()..].chars().next();
        let ends_well = after.is_none_or(|c| !c.is_alphanumeric());
        if token.is_empty() || !ends_well {
            continue;
        }
        let numbered = is_numbered(token);
        let named = NAMED_WORDS.contains(word) && token.chars().all(|c| c.is_alphanumeric());
        if numbered || named {
            let word = word.replace(' ', "");
            let word = if word == "workstream" {
                "stream".into()
            } else {
                word
            };
            let word = if word == "parallelstream" {
                "stream".into()
            } else {
                word
            };
            return Some(Ident {
                word: Some(word),
                id: token.to_owned(),
            });
        }
    }
    bare_ident(name)
}

/// `1`, `1.2`, `2a`, `a`, `b2`: what follows a word such as "Task".
fn is_numbered(token: &str) -> bool {
    let letters = token.chars().filter(|c| c.is_alphabetic()).count();
    let digits = token.chars().filter(|c| c.is_ascii_digit()).count();
    (digits > 0 && letters <= 1)
        || (token.chars().count() == 1 && letters == 1)
        || (digits > 0 && token.contains('-'))
}

/// A name opening with a bare id and a colon or dash: `A: …`, `PHY-1: …`, `4a. …`.
fn bare_ident(name: &str) -> Option<Ident> {
    let token: String = name
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '.' || *c == '-')
        .collect();
    let token = token.trim_end_matches(['.', '-']);
    let rest = name[token.len()..].trim_start_matches('.').trim_start();
    if token.is_empty() || !(rest.starts_with(':') || rest.starts_with(['—', '–', ')'])) {
        return None;
    }
    let upper_letter = token.chars().count() == 1 && token.chars().all(|c| c.is_ascii_uppercase());
    let ticket = token.contains('-')
        && token
            .split('-')
            .next()
            .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase()))
        && token.chars().any(|c| c.is_ascii_digit());
    let number = token.chars().next().is_some_and(|c| c.is_ascii_digit()) && is_numbered(token);
    (upper_letter || ticket || number).then(|| Ident {
        word: None,
        id: token.to_lowercase(),
    })
}

/// Lower case, symbols dropped, spaces collapsed: names compared for equality.
pub(crate) fn normal(name: &str) -> String {
    let lower = name.to_lowercase().replace('&', " and ");
    let kept: String = lower
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || "#./+-".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches([' ', '.', '-'])
        .to_owned()
}

/// The part of a name after its identifier: `Edit queue schema` of `Task 1.1: Edit queue schema`.
pub(crate) fn title(name: &str) -> &str {
    let Some(at) = name.find([':', '—', '–']) else {
        return if ident(name).is_some() { "" } else { name };
    };
    name[at..]
        .trim_start_matches([':', '—', '–', ' ', '-'])
        .trim()
}

/// Every identifier a sentence names with an item word: `Uses Agents 1-3` names agents 1, 2
/// and 3; `Depends on Task 1.1 being merged` names task 1.1.
pub(crate) fn mentions(text: &str) -> Vec<Ident> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while at < lower.len() {
        let rest = &lower[at..];
        let starts_word = lower[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        let word = ITEM_WORDS
            .iter()
            .chain(GROUP_WORDS)
            .find(|w| starts_word && rest.starts_with(*w));
        if let Some(word) = word {
            let after = &rest[word.len()..];
            let after = after.strip_prefix('s').unwrap_or(after);
            if let Some(found) = ident(&format!("{word}{after}")) {
                out.extend(expand(found));
            }
            at += word.len();
        } else {
            at += rest.chars().next().map_or(1, char::len_utf8);
        }
    }
    out
}

/// `agent 1-3` as agents 1, 2 and 3.
fn expand(found: Ident) -> Vec<Ident> {
    let range = found
        .id
        .split_once('-')
        .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
    match range {
        Some((from, to)) if from < to && to - from < 50 => (from..=to)
            .map(|n| Ident {
                word: found.word.clone(),
                id: n.to_string(),
            })
            .collect(),
        _ => vec![found],
    }
}
