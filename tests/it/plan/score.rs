//! The plan scorer of `../shared/plans/score.py`, in Rust so that the goals are checked
//! wherever the tests run: items matched one-to-one (equal normalised name, then a unique
//! leading id, then name tokens, then files), files compared as paths, directories and
//! globs, dependency edges mapped through the matching, estimates exact within 0.01.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};

const ID_WORDS: &[&str] = &[
    "parallel stream",
    "workstream",
    "work stream",
    "work package",
    "stream",
    "track",
    "task",
    "agent",
    "phase",
    "batch",
    "wave",
    "wp",
    "issue",
    "developer",
    "dev",
    "engineer",
    "lane",
    "group",
    "step",
    "story",
    "sprint",
];

#[derive(Debug, Clone)]
pub struct Item {
    name: String,
    files: Vec<String>,
    depends_on: Vec<String>,
    estimate: Option<f64>,
}

/// The items of `{"items": [...]}` (or a bare list), as the scorer reads them.
pub fn load(json: &Value) -> Vec<Item> {
    let items = json.get("items").unwrap_or(json);
    let Some(items) = items.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter(|it| it.is_object())
        .map(|it| Item {
            name: it["name"].as_str().unwrap_or("").to_owned(),
            files: it["files"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(norm_path)
                .filter(|p| !p.is_empty())
                .collect(),
            depends_on: it["depends_on"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|d| match d {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            estimate: it["estimate_hours"].as_f64(),
        })
        .collect()
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

pub fn norm_name(s: &str) -> String {
    let lower = s.to_lowercase().replace('&', " and ");
    let kept: String = lower
        .chars()
        .map(|c| {
            if is_word_char(c) || c.is_whitespace() || ".#/+-".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    let kept = kept.replace('_', " ");
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_matches([' ', '.', '-'])
        .to_owned()
}

/// `[a-z]?\d+(\.\d+)*[a-z]?` or `[a-z]`, followed by a word boundary: its length.
fn id_at(s: &str) -> Option<usize> {
    let b: Vec<char> = s.chars().collect();
    let boundary = |at: usize| b.get(at).is_none_or(|c| !is_word_char(*c));
    let mut i = 0;
    if b.get(i).is_some_and(|c| c.is_ascii_lowercase()) {
        i += 1;
    }
    let digits_from = i;
    while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
    }
    if i > digits_from {
        loop {
            let dot = b.get(i) == Some(&'.') && b.get(i + 1).is_some_and(|c| c.is_ascii_digit());
            if !dot {
                break;
            }
            i += 1;
            while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
        }
        // Try with a trailing letter, then without (the regex backtracks).
        if b.get(i).is_some_and(|c| c.is_ascii_lowercase()) && boundary(i + 1) {
            return Some(i + 1);
        }
        if boundary(i) {
            return Some(i);
        }
    }
    (b.first().is_some_and(|c| c.is_ascii_lowercase()) && boundary(1)).then_some(1)
}

pub fn id_key(s: &str) -> Option<String> {
    let n = norm_name(s);
    for word in ID_WORDS {
        let Some(rest) = n.strip_prefix(word) else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix('#').unwrap_or(rest).trim_start();
        if let Some(len) = id_at(rest) {
            let chars: String = rest.chars().take(len).collect();
            return Some(format!("{} {chars}", word.replace(' ', "")));
        }
    }
    // Bare ids such as phy-1, p0, wp3, 4a.
    let b: Vec<char> = n.chars().collect();
    let mut i = 0;
    while b.get(i).is_some_and(|c| c.is_ascii_lowercase()) {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    if b.get(i) == Some(&'-') {
        i += 1;
    }
    let from = i;
    while b.get(i).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
    }
    if i == from {
        return None;
    }
    let boundary = |at: usize| b.get(at).is_none_or(|c| !is_word_char(*c));
    if b.get(i).is_some_and(|c| c.is_ascii_lowercase()) && boundary(i + 1) {
        return Some(b[..=i].iter().collect());
    }
    boundary(i).then(|| b[..i].iter().collect())
}

fn tokens(s: &str) -> BTreeSet<String> {
    norm_name(s)
        .split(|c: char| c.is_whitespace() || "/:.-#()".contains(c))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn norm_path(p: &str) -> String {
    let mut p = p.trim().trim_matches('`').trim();
    while let Some(rest) = p.strip_prefix("./") {
        p = rest;
    }
    let mut out = String::new();
    for c in p.chars() {
        if !(c == '/' && out.ends_with('/')) {
            out.push(c);
        }
    }
    if out.is_empty() || out == "/" {
        out
    } else {
        out.trim_end_matches('/').to_owned()
    }
}

fn is_glob(p: &str) -> bool {
    p.contains(['*', '?'])
}

/// `**` any text (and a following `/` optional), `*` and `?` within one segment.
fn glob_match(pattern: &[char], text: &[char]) -> bool {
    match pattern {
        [] => text.is_empty(),
        ['*', '*', rest @ ..] => {
            let rest = rest.strip_prefix(&['/']).map_or(rest, |r| r);
            let slash_optional = pattern.len() > 2 && pattern[2] == '/';
            (0..=text.len()).any(|at| {
                glob_match(rest, &text[at..])
                    || (slash_optional
                        && text[at..].first() == Some(&'/')
                        && glob_match(rest, &text[at + 1..]))
            })
        }
        ['*', rest @ ..] => (0..=text.len())
            .take_while(|at| *at == 0 || text[at - 1] != '/')
            .any(|at| glob_match(rest, &text[at..])),
        ['?', rest @ ..] => text.first().is_some_and(|c| *c != '/') && glob_match(rest, &text[1..]),
        [c, rest @ ..] => text.first() == Some(c) && glob_match(rest, &text[1..]),
    }
}

pub fn covers(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    if !is_glob(a) {
        return b.starts_with(&format!("{a}/"));
    }
    let pattern: Vec<char> = a.chars().collect();
    let text: Vec<char> = b.chars().collect();
    if glob_match(&pattern, &text) {
        return true;
    }
    let base = a
        .split(['*', '?'])
        .next()
        .unwrap_or("")
        .trim_end_matches('/');
    if a.ends_with("/**") || a.ends_with("/**/*") {
        return b == base || b.starts_with(&format!("{base}/"));
    }
    false
}

fn file_overlap(truth: &[String], pred: &[String]) -> f64 {
    if truth.is_empty() || pred.is_empty() {
        return 0.0;
    }
    let ct = truth
        .iter()
        .filter(|t| pred.iter().any(|p| covers(p, t)))
        .count();
    let cp = pred
        .iter()
        .filter(|p| truth.iter().any(|t| covers(p, t) || covers(t, p)))
        .count();
    (ct + cp) as f64 / (truth.len() + pred.len()) as f64
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f64 / a.union(b).count() as f64
}

/// pred index → truth index.
fn match_items(truth: &[Item], pred: &[Item]) -> BTreeMap<usize, usize> {
    let mut m: BTreeMap<usize, usize> = BTreeMap::new();
    let mut used: HashSet<usize> = HashSet::new();
    for (j, p) in pred.iter().enumerate() {
        let pn = norm_name(&p.name);
        if pn.is_empty() {
            continue;
        }
        if let Some(i) =
            (0..truth.len()).find(|i| !used.contains(i) && norm_name(&truth[*i].name) == pn)
        {
            m.insert(j, i);
            used.insert(i);
        }
    }
    let mut tk: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for i in (0..truth.len()).filter(|i| !used.contains(i)) {
        tk.entry(id_key(&truth[i].name)).or_default().push(i);
    }
    let mut pk: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for j in (0..pred.len()).filter(|j| !m.contains_key(j)) {
        pk.entry(id_key(&pred[j].name)).or_default().push(j);
    }
    for (k, js) in &pk {
        if let (Some(_), [j]) = (k, js.as_slice())
            && let Some([i]) = tk.get(k).map(Vec::as_slice)
        {
            m.insert(*j, *i);
            used.insert(*i);
        }
    }
    type Scorer = fn(&Item, &Item) -> f64;
    let scorers: [(Scorer, f64); 2] = [
        (|t, p| jaccard(&tokens(&t.name), &tokens(&p.name)), 0.6),
        (|t, p| file_overlap(&t.files, &p.files), 0.5),
    ];
    for (scorer, threshold) in scorers {
        let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
        for i in (0..truth.len()).filter(|i| !used.contains(i)) {
            for j in (0..pred.len()).filter(|j| !m.contains_key(j)) {
                candidates.push((scorer(&truth[i], &pred[j]), i, j));
            }
        }
        // Best score first, then the first truth item, then the first prediction.
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        for (score, i, j) in candidates {
            if score < threshold {
                break;
            }
            if used.contains(&i) || m.contains_key(&j) {
                continue;
            }
            m.insert(j, i);
            used.insert(i);
        }
    }
    m
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Target {
    Item(usize),
    Unknown(String),
}

fn resolve_deps(items: &[Item]) -> BTreeSet<(usize, Target)> {
    let mut exact: BTreeMap<&str, usize> = BTreeMap::new();
    let mut normd: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut ids: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (k, it) in items.iter().enumerate() {
        exact.insert(&it.name, k);
        normd.entry(norm_name(&it.name)).or_default().push(k);
        ids.entry(id_key(&it.name)).or_default().push(k);
    }
    let mut edges = BTreeSet::new();
    for (k, it) in items.iter().enumerate() {
        for d in &it.depends_on {
            let target = if let Some(t) = exact.get(d.as_str()) {
                Some(*t)
            } else if let Some([t]) = normd.get(&norm_name(d)).map(Vec::as_slice) {
                Some(*t)
            } else if let Some(key) = id_key(d) {
                match ids.get(&Some(key)).map(Vec::as_slice) {
                    Some([t]) => Some(*t),
                    _ => None,
                }
            } else {
                None
            };
            edges.insert((
                k,
                target.map_or_else(|| Target::Unknown(d.clone()), Target::Item),
            ));
        }
    }
    edges
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub t_items: usize,
    pub p_items: usize,
    pub matched: usize,
    f_tp_r: usize,
    f_t: usize,
    f_tp_p: usize,
    f_p: usize,
    d_tp: usize,
    d_t: usize,
    d_p: usize,
    e_pairs: usize,
    e_exact: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.t_items += o.t_items;
        self.p_items += o.p_items;
        self.matched += o.matched;
        self.f_tp_r += o.f_tp_r;
        self.f_t += o.f_t;
        self.f_tp_p += o.f_tp_p;
        self.f_p += o.f_p;
        self.d_tp += o.d_tp;
        self.d_t += o.d_t;
        self.d_p += o.d_p;
        self.e_pairs += o.e_pairs;
        self.e_exact += o.e_exact;
    }
}

pub fn score_doc(truth: &[Item], pred: &[Item]) -> Counts {
    let m = match_items(truth, pred);
    let mut c = Counts {
        t_items: truth.len(),
        p_items: pred.len(),
        matched: m.len(),
        ..Counts::default()
    };
    for (&j, &i) in &m {
        let (tf, pf) = (&truth[i].files, &pred[j].files);
        c.f_t += tf.len();
        c.f_p += pf.len();
        c.f_tp_r += tf
            .iter()
            .filter(|t| pf.iter().any(|p| covers(p, t)))
            .count();
        c.f_tp_p += pf
            .iter()
            .filter(|p| tf.iter().any(|t| covers(p, t) || covers(t, p)))
            .count();
        c.e_pairs += 1;
        c.e_exact += match (truth[i].estimate, pred[j].estimate) {
            (None, None) => 1,
            (Some(t), Some(p)) => usize::from((t - p).abs() <= 0.01),
            _ => 0,
        };
    }
    let tedges: BTreeSet<(usize, usize)> = resolve_deps(truth)
        .into_iter()
        .filter_map(|(a, b)| match b {
            Target::Item(b) => Some((a, b)),
            Target::Unknown(_) => None,
        })
        .collect();
    let pedges = resolve_deps(pred);
    let mapped: BTreeSet<(usize, usize)> = pedges
        .iter()
        .filter_map(|(a, b)| match (m.get(a), b) {
            (Some(a), Target::Item(b)) => m.get(b).map(|b| (*a, *b)),
            _ => None,
        })
        .collect();
    c.d_t = tedges.len();
    c.d_p = pedges.len();
    c.d_tp = tedges.intersection(&mapped).count();
    c
}

#[derive(Debug, Clone, Copy)]
pub struct Metrics {
    pub item_recall: f64,
    pub item_precision: f64,
    pub file_f1: f64,
    pub dep_f1: f64,
    pub est_exact: f64,
}

fn ratio(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

pub fn metrics(c: &Counts) -> Metrics {
    let mut file_r = ratio(c.f_tp_r, c.f_t);
    let mut file_p = ratio(c.f_tp_p, c.f_p);
    if c.f_t == 0 && c.f_p == 0 && c.matched > 0 {
        (file_r, file_p) = (Some(1.0), Some(1.0));
    }
    if c.f_p == 0 && c.f_t > 0 {
        file_p = Some(0.0);
    }
    if c.f_t == 0 && c.f_p > 0 {
        file_r = Some(1.0);
    }
    let (dep_p, dep_r) = match (c.d_t, c.d_p) {
        (0, _) => (ratio(c.d_tp, c.d_p).unwrap_or(1.0), 1.0),
        (_, 0) => (0.0, 0.0),
        _ => (c.d_tp as f64 / c.d_p as f64, c.d_tp as f64 / c.d_t as f64),
    };
    Metrics {
        item_recall: ratio(c.matched, c.t_items).unwrap_or(1.0),
        item_precision: ratio(c.matched, c.p_items).unwrap_or(1.0),
        file_f1: match (file_p, file_r) {
            (Some(p), Some(r)) => f1(p, r),
            _ => 1.0,
        },
        dep_f1: f1(dep_p, dep_r),
        est_exact: ratio(c.e_exact, c.e_pairs).unwrap_or(1.0),
    }
}

#[test]
fn names_ids_and_paths_normalise_as_the_python_scorer_does() {
    assert_eq!(
        norm_name("🎯 Track 1: Testing & Integration"),
        "track 1 testing and integration"
    );
    assert_eq!(
        id_key("Task 1.1: Edit queue schema").as_deref(),
        Some("task 1.1")
    );
    assert_eq!(
        id_key("Parallel Stream 2: LLM").as_deref(),
        Some("parallelstream 2")
    );
    assert_eq!(id_key("PHY-1: physics").as_deref(), Some("phy-1"));
    assert_eq!(id_key("Agent Alpha — Indexer"), None);
    assert_eq!(norm_path("./src//a/"), "src/a");
    for (a, b, want) in [
        ("docs/agents/", "docs/agents/a.md", true),
        ("./src/", "src/x.py", true),
        ("backend/inference/*.py", "backend/inference/vllm.py", true),
        ("frontend/src/**/*", "frontend/src/a/b.tsx", true),
        ("src/sim/physics/**", "src/sim/physics", true),
        ("docs/*", "docs/a/b.md", false),
        ("src/a.py", "src/a.pyc", false),
        ("src", "src2/a", false),
    ] {
        assert_eq!(covers(&norm_path(a), &norm_path(b)), want, "{a} covers {b}");
    }
}
