//! Paths in a plan: which tokens are files, directories or globs, and tree listings
//! (`├── a.rs`) rebuilt into full paths.

/// How sure the surrounding text is that it lists files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trust {
    /// A files list, an ownership field, a files column: bare names count.
    Listed,
    /// Task text: only what plainly looks like a path.
    Prose,
}

const EXTENSIONS: &[&str] = &[
    "py",
    "ts",
    "tsx",
    "js",
    "jsx",
    "mjs",
    "cjs",
    "rs",
    "go",
    "md",
    "mdx",
    "json",
    "yml",
    "yaml",
    "toml",
    "sql",
    "html",
    "htm",
    "css",
    "scss",
    "sass",
    "less",
    "sh",
    "bash",
    "java",
    "kt",
    "kts",
    "swift",
    "rb",
    "php",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "cs",
    "txt",
    "lock",
    "xml",
    "cfg",
    "ini",
    "conf",
    "vue",
    "svelte",
    "proto",
    "graphql",
    "gql",
    "dart",
    "ex",
    "exs",
    "clj",
    "cljs",
    "cljc",
    "edn",
    "lua",
    "scala",
    "tf",
    "csv",
    "ipynb",
    "gradle",
    "erb",
    "ejs",
    "hbs",
    "tsv",
    "env",
    "example",
    "template",
    "tpl",
    "mk",
    "cmake",
    "zig",
    "nim",
    "ml",
    "mli",
    "hs",
    "elm",
    "erl",
    "fs",
    "fsx",
    "r",
    "jl",
    "pl",
    "pm",
    "ps1",
    "bat",
    "dockerfile",
    "prisma",
    "rst",
    "adoc",
    "astro",
    "snap",
    "spec",
    "test",
    "d.ts",
    "wasm",
    "db",
    "sqlite",
    "pem",
];

const FILE_NAMES: &[&str] = &[
    "Dockerfile",
    "Makefile",
    "Justfile",
    "Procfile",
    "Gemfile",
    "Rakefile",
    "LICENSE",
    "README",
    "CHANGELOG",
    "CODEOWNERS",
];

/// Commands whose arguments are not files an item changes.
const COMMANDS: &[&str] = &[
    "git", "npm", "npx", "pnpm", "yarn", "bun", "deno", "cd", "cargo", "python", "python3", "pip",
    "uv", "poetry", "make", "docker", "curl", "wget", "bash", "sh", "node", "go", "ls", "cat",
    "mkdir", "rm", "cp", "mv", "touch", "claude", "codex", "kubectl", "psql", "pytest", "rustup",
    "brew", "apt", "sudo", "export", "source", "echo", "grep", "find", "gh", "get", "post", "put",
    "patch", "delete",
];

/// The paths in one line of text: its code spans, and its plain words when `trust` allows.
pub(crate) fn in_line(line: &crate::planfile::blocks::Line, trust: Trust) -> Vec<String> {
    let mut out = Vec::new();
    for span in &line.code {
        out.extend(in_code_span(span, trust));
    }
    for word in line.plain.split_whitespace() {
        let word = trim_word(word);
        if is_path(word, trust, false) {
            out.push(word.to_owned());
        }
    }
    out
}

fn in_code_span(span: &str, trust: Trust) -> Vec<String> {
    let words: Vec<&str> = span.split_whitespace().collect();
    match words.as_slice() {
        [] => Vec::new(),
        [one] => {
            let one = trim_word(one);
            if is_path(one, trust, true) {
                vec![one.to_owned()]
            } else {
                Vec::new()
            }
        }
        [first, ..] if COMMANDS.contains(&first.to_lowercase().as_str()) => Vec::new(),
        _ => {
            // `a.rs, b.rs` or `src/x.rs (new)`: the path-like words of a short span.
            words
                .iter()
                .map(|w| trim_word(w))
                .filter(|w| is_path(w, trust, true))
                .map(str::to_owned)
                .collect()
        }
    }
}

fn trim_word(word: &str) -> &str {
    let word = word.trim_matches(|c: char| ",;:\"'()[]<>“”‘’`".contains(c));
    // A sentence's full stop, but not a glob's or a dot file's.
    match word.strip_suffix('.') {
        Some(stem) if !stem.ends_with('*') && !stem.is_empty() => stem,
        _ => word,
    }
}

/// Whether a word is a file, directory or glob path. `in_code` says it was in backticks.
pub(crate) fn is_path(word: &str, trust: Trust, in_code: bool) -> bool {
    if word.is_empty()
        || word.len() > 200
        || word.contains("://")
        || word.starts_with(['@', '-', '$', '~', '<', '#', '+', '='])
        || word.contains(['(', ')', '\'', '"', '=', '<', '>', '|', '\\', ';', '`'])
        || outside_braces(word).contains(',')
        || word.starts_with("www.")
        || !word.chars().any(|c| c.is_alphabetic() || c == '*')
    {
        return false;
    }
    let glob = word.contains('*');
    let last = word.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let has_extension = extension_ok(last, trust, in_code);
    if let Some(rest) = word.strip_prefix('/') {
        // A route (`/api/users`) unless it names a file.
        return !rest.is_empty() && has_extension;
    }
    if word.contains('/') {
        let segments: Vec<&str> = word.trim_end_matches('/').split('/').collect();
        if segments.iter().any(|s| s.is_empty() && segments.len() > 1) && !word.contains("**") {
            return false;
        }
        if segments
            .iter()
            .all(|s| s.chars().all(|c| c.is_ascii_digit()))
        {
            return false;
        }
        return has_extension
            || glob
            || word.ends_with('/')
            || in_code
            || (trust == Trust::Listed && segments.iter().all(|s| plain_segment(s)));
    }
    if glob {
        return word.contains('.') || trust == Trust::Listed;
    }
    has_extension
        || (trust == Trust::Listed && FILE_NAMES.iter().any(|n| word.starts_with(n)))
        || (in_code && FILE_NAMES.contains(&word))
}

/// The word without its `{a,b}` alternatives.
fn outside_braces(word: &str) -> String {
    let mut depth = 0usize;
    word.chars()
        .filter(|c| {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth == 0 && *c != '}'
        })
        .collect()
}

fn plain_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .chars()
            .all(|c| c.is_alphanumeric() || "._-*[]{}".contains(c))
        && segment
            .chars()
            .any(|c| c.is_lowercase() || c == '_' || c == '.')
}

fn extension_ok(name: &str, trust: Trust, in_code: bool) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    let ext_lower = ext.to_lowercase();
    if ext.is_empty() || !ext.chars().all(|c| c.is_ascii_alphanumeric()) || ext.len() > 10 {
        return false;
    }
    if ext.chars().all(|c| c.is_ascii_digit()) {
        return false; // 1.5, v2.0
    }
    // Next.js, Node.js: frameworks, not files.
    if ext_lower == "js" && stem.chars().next().is_some_and(|c| c.is_uppercase()) && !in_code {
        return false;
    }
    if stem.is_empty() {
        // A dot file (`.env`) named in passing is usually read, not changed.
        return trust == Trust::Listed;
    }
    if !stem
        .chars()
        .all(|c| c.is_alphanumeric() || "._-*[]{}@+".contains(c))
    {
        return false;
    }
    EXTENSIONS.contains(&ext_lower.as_str()) || (trust == Trust::Listed && ext.len() <= 5)
}

const TREE_MARKS: &[char] = &['├', '└', '│', '─', '┬', '┼', '╰', '╭', '┃', '┣', '┗', '━'];

/// Whether a code block is a tree listing (box drawing, or `|--` / `+--` / backtick marks).
pub(crate) fn is_tree(text: &str) -> bool {
    text.lines()
        .filter(|l| {
            let t = l.trim_start();
            t.starts_with(TREE_MARKS)
                || t.starts_with("|--")
                || t.starts_with("+--")
                || t.starts_with("`--")
        })
        .count()
        >= 1
}

/// The full paths of a tree listing, folders at the root kept: each entry joined to the
/// folders above it by indentation.
pub(crate) fn tree(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    for raw in text.lines() {
        let line = raw.replace('\u{a0}', " ");
        let depth = line
            .chars()
            .take_while(|c| c.is_whitespace() || TREE_MARKS.contains(c) || "|`+-".contains(*c))
            .count();
        let entry: String = line.chars().skip(depth).collect();
        let Some(name) = entry.split_whitespace().next() else {
            continue;
        };
        if name.starts_with('#') || name.starts_with("//") || name == "..." || name == "…" {
            continue;
        }
        let name = name.trim_end_matches([',', ':']);
        while stack.last().is_some_and(|(d, _)| *d >= depth) {
            stack.pop();
        }
        let is_dir = name.ends_with('/');
        let looks_like_file = is_path(name, Trust::Listed, true)
            || FILE_NAMES.contains(&name)
            || (name.starts_with('.') && name.len() > 1);
        if !(is_dir || looks_like_file) {
            // A folder written without its slash: it counts through the entries below it.
            if name
                .chars()
                .all(|c| c.is_alphanumeric() || "._-".contains(c))
            {
                stack.push((depth, format!("{name}/")));
            }
            continue;
        }
        let parent: String = stack.iter().map(|(_, d)| d.as_str()).collect();
        let path = format!("{parent}{name}");
        out.push(path.clone());
        if is_dir {
            stack.push((depth, name.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trees_are_rebuilt_into_full_paths() {
        let listing = "python/agents/\n├── base_agent.py (ADD method)\n├── */health.py (NEW)\nmonitoring/\n├── prometheus.yml\n├── grafana/ (NEW)\n└── dashboards/*.json\ndocker-compose.yml\n";
        assert_eq!(
            tree(listing),
            [
                "python/agents/",
                "python/agents/base_agent.py",
                "python/agents/*/health.py",
                "monitoring/",
                "monitoring/prometheus.yml",
                "monitoring/grafana/",
                "monitoring/dashboards/*.json",
                "docker-compose.yml",
            ]
        );
    }

    #[test]
    fn nested_trees() {
        let listing = "src/\n├── api/\n│   └── client.ts\n└── main.ts\n";
        assert_eq!(
            tree(listing),
            ["src/", "src/api/", "src/api/client.ts", "src/main.ts"]
        );
    }

    #[test]
    fn words_that_are_paths() {
        assert!(is_path("src/a.rs", Trust::Prose, false));
        assert!(is_path("session_cli.py", Trust::Prose, true));
        assert!(is_path("billing/pdf/", Trust::Prose, false));
        assert!(is_path("docs/*", Trust::Listed, true));
        assert!(is_path("*.md", Trust::Listed, true));
        assert!(!is_path("/api/auth/me", Trust::Listed, true));
        assert!(!is_path("https://x.dev/a.md", Trust::Listed, true));
        assert!(!is_path("ChatGPT/Claude", Trust::Prose, false));
        assert!(!is_path("Next.js", Trust::Prose, false));
        assert!(!is_path("1.5", Trust::Listed, false));
        assert!(!is_path("fetch('/api/va')", Trust::Listed, true));
    }
}
