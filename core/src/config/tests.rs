//! The file as a whole: defaults, a full example, each error with its position.

use super::*;

fn errors(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(config) => panic!("expected errors, got {config:?}"),
        Err(errors) => errors.errors.iter().map(ToString::to_string).collect(),
    }
}

/// A track with the given paths, optionally bound to a lane.
pub(crate) fn track(name: &str, paths: &[&str], agent: Option<&str>) -> Track {
    Track {
        name: name.into(),
        paths: PathFilter::new(paths).unwrap(),
        depends_on: vec![],
        agent: agent.map(str::to_owned),
    }
}

fn one_error(text: &str) -> String {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

pub(crate) const FULL_EXAMPLE: &str = r#"# Switchyard for the example repository
agents:
  - name: alpha
    login: octocat
  - name: beta
  - gamma
branch_template: "{agent}/{issue}-{slug}"
capacity: 2
trigger_label: parallel-work
tracks:
  core:
    paths: ["src/core/**"]
  api:
    paths: ["src/api/**", "src/http/*.rs"]
    depends_on: [core]
    agent: alpha
  docs:
    paths: "docs/**"
    depends_on: [Core, api]
ignore_paths: ["Cargo.lock", "**/*.generated.*"]
coordinate: all
merge_order:
  check_name: Merge queue
  enforce: true
  exact_budget_ms: 200
size_labels: {"size: S": 1, "size: M": 4, "size: L": 8, "size: XS": 0.5}
"#;

#[test]
fn empty_and_comment_only_files_give_defaults() {
    for text in [
        "",
        "\n",
        "# nothing configured yet\n",
        "---\n",
        "---\n# later\n",
    ] {
        assert_eq!(parse(text), Ok(Config::default()), "{text:?}");
    }
}

#[test]
fn defaults() {
    let config = Config::default();
    let names: Vec<&str> = config.agents.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["agent-1", "agent-2", "agent-3"]);
    assert!(config.agents.iter().all(|agent| agent.login.is_none()));
    assert_eq!(config.branch_template.to_string(), "parallel-dev/{agent}");
    assert_eq!(config.capacity, 1);
    assert!(config.footprint_wait);
    assert_eq!(config.trigger_label, "parallel");
    assert!(config.tracks.is_empty());
    assert!(config.ignore_paths.is_empty());
    assert!(
        config
            .regenerated_paths
            .globs()
            .any(|glob| glob == "**/Cargo.lock")
    );
    assert_eq!(config.coordinate, Coordinate::LaneBranches);
    assert_eq!(
        config.merge_order,
        MergeOrderConfig {
            check_name: "Merge order".into(),
            enforce: false,
            exact_budget_ms: 50,
        }
    );
    assert_eq!(config.size_labels.get("size: M"), Some(&4.0));
}

#[test]
fn null_values_mean_the_default() {
    let config = parse("agents:\ntracks:\nmerge_order:\n  check_name:\n").unwrap();
    assert_eq!(config, Config::default());
}

#[test]
fn full_example() {
    let config = parse(FULL_EXAMPLE).unwrap();
    assert_eq!(
        config.agents,
        vec![
            Agent {
                name: "alpha".into(),
                login: Some("octocat".into()),
                handoff: false,
            },
            Agent::named("beta"),
            Agent::named("gamma"),
        ]
    );
    assert_eq!(config.branch_template.to_string(), "{agent}/{issue}-{slug}");
    assert_eq!(config.capacity, 2);
    assert_eq!(config.trigger_label, "parallel-work");
    assert_eq!(
        config.tracks,
        vec![
            track("core", &["src/core/**"], None),
            Track {
                depends_on: vec!["core".into()],
                ..track("api", &["src/api/**", "src/http/*.rs"], Some("alpha"))
            },
            Track {
                // Written `Core`: references resolve to the configured spelling.
                depends_on: vec!["core".into(), "api".into()],
                ..track("docs", &["docs/**"], None)
            },
        ]
    );
    assert_eq!(
        config.ignore_paths,
        PathFilter::new(&["Cargo.lock", "**/*.generated.*"]).unwrap()
    );
    assert_eq!(config.coordinate, Coordinate::All);
    assert_eq!(
        config.merge_order,
        MergeOrderConfig {
            check_name: "Merge queue".into(),
            enforce: true,
            exact_budget_ms: 200,
        }
    );
    assert_eq!(config.size_labels.len(), 4);
    assert_eq!(config.size_labels["size: XS"], 0.5);

    let api = config.track("api").unwrap();
    assert!(api.paths.matches("src/http/server.rs"));
    assert!(!api.paths.matches("src/http/v1/server.rs"));
    assert!(config.ignore_paths.matches("web/schema.generated.ts"));
    assert!(!config.ignore_paths.matches("web/package-lock.json"));
    let alpha = config.agent("Alpha").unwrap();
    assert_eq!(alpha.login.as_deref(), Some("octocat"));
    assert!(!alpha.handoff);
    let lanes = parse("agents:\n  - {name: a, login: octocat, handoff: true}\n").unwrap();
    assert!(lanes.agents[0].handoff);
    assert_eq!(
        config.branch_for(alpha, crate::ids::IssueNumber(16), "Status command"),
        "alpha/16-status-command"
    );
    assert_eq!(
        config.lane_for_branch("alpha/16-status-command"),
        Some(alpha)
    );
    assert_eq!(config.track("API").map(|t| t.name.as_str()), Some("api"));
    assert_eq!(config.agent("delta"), None);
}

#[test]
fn footprint_wait_is_a_switch() {
    assert!(!parse("footprint_wait: false\n").unwrap().footprint_wait);
    assert!(parse("footprint_wait: true\n").unwrap().footprint_wait);
    assert_eq!(
        one_error("footprint_wait: sometimes\n"),
        "switchyard.yml:1:17: `footprint_wait` must be `true` or `false`, found text `sometimes`"
    );
    assert_eq!(
        one_error("footprint_waits: false\n"),
        "switchyard.yml:1:1: unknown key `footprint_waits`, did you mean `footprint_wait`?"
    );
}

#[test]
fn agents_as_a_count() {
    let config = parse("agents: 5\n").unwrap();
    assert_eq!(config.agents.len(), 5);
    assert_eq!(config.agents[4].name, "agent-5");
}

#[test]
fn scalars_that_look_like_numbers_keep_their_spelling() {
    let config =
        parse("agents: [007, beta]\ntrigger_label: 2024\ntracks:\n  1.10:\n    agent: 007\n")
            .unwrap();
    assert_eq!(config.agents[0].name, "007");
    assert_eq!(config.trigger_label, "2024");
    assert_eq!(config.tracks[0].name, "1.10");
    assert_eq!(config.tracks[0].agent.as_deref(), Some("007"));
}

#[test]
fn yaml_1_1_booleans_are_text() {
    let config = parse("trigger_label: on\n").unwrap();
    assert_eq!(config.trigger_label, "on");
    assert_eq!(
        one_error("merge_order:\n  enforce: yes\n"),
        "switchyard.yml:2:12: `merge_order.enforce` must be `true` or `false`, found text `yes`"
    );
}

#[test]
fn anchors_and_merge_keys_work() {
    let text = "\
tracks:
  base: &shared
    paths: [\"src/shared/**\"]
  api:
    <<: *shared
    depends_on: [base]
";
    let config = parse(text).unwrap();
    assert!(config.tracks[1].paths.globs().eq(["src/shared/**"]));
}

#[test]
fn unknown_keys_suggest_the_closest() {
    assert_eq!(
        one_error("agents: 2\ntrak:\n  api: {}\n"),
        "switchyard.yml:2:1: unknown key `trak`, did you mean `tracks`?"
    );
    assert_eq!(
        one_error("tracks:\n  api:\n    path: [\"src/**\"]\n"),
        "switchyard.yml:3:5: unknown key `path` in track `api`, did you mean `paths`?"
    );
    assert_eq!(
        one_error("merge_order:\n  enforced: true\n"),
        "switchyard.yml:2:3: unknown key `enforced` in `merge_order`, did you mean `enforce`?"
    );
    assert_eq!(
        one_error("agents:\n  - name: a\n    user: octocat\n"),
        "switchyard.yml:3:5: unknown key `user` in an agent; the keys here are `name`, \
         `login` and `handoff`"
    );
    assert_eq!(
        one_error("colour: red\n"),
        "switchyard.yml:1:1: unknown key `colour`; the keys here are `agents`, \
         `branch_template`, `capacity`, `footprint_wait`, `trigger_label`, `tracks`, \
         `ignore_paths`, `regenerated_paths`, `coordinate`, `merge_order` and 1 more"
    );
}

#[test]
fn several_errors_are_reported_in_file_order() {
    let text = "\
capacity: 0
trak: {}
coordinate: lane
ignore_paths: [\"/src/**\", \"ok/**\", \"src/[\"]
merge_order:
  check_name: \"  \"
  exact_budget_ms: fast
";
    assert_eq!(
        errors(text),
        [
            "switchyard.yml:1:11: `capacity` must be at least 1, found `0`",
            "switchyard.yml:2:1: unknown key `trak`, did you mean `tracks`?",
            "switchyard.yml:3:13: `coordinate` must be `lanes` or `all`, found `lane`, did you \
             mean `lanes`?",
            "switchyard.yml:4:16: path `/src/**` must be relative to the repository root: \
             write `src/**`",
            "switchyard.yml:4:36: path `src/[` is not a valid glob: invalid range pattern (at \
             character 5)",
            "switchyard.yml:6:15: `merge_order.check_name` must not be empty",
            "switchyard.yml:7:20: `merge_order.exact_budget_ms` must be a whole number, found \
             text `fast`",
        ]
    );
}

#[test]
fn wrong_types_name_what_was_found() {
    assert_eq!(
        one_error("capacity: two\n"),
        "switchyard.yml:1:11: `capacity` must be a whole number, found text `two`"
    );
    assert_eq!(
        one_error("capacity: 1.5\n"),
        "switchyard.yml:1:11: `capacity` must be a whole number, found `1.5`"
    );
    assert_eq!(
        one_error("trigger_label: [a, b]\n"),
        "switchyard.yml:1:16: `trigger_label` must be text, found a list"
    );
    assert_eq!(
        one_error("ignore_paths: {a: b}\n"),
        "switchyard.yml:1:15: `ignore_paths` must be a list, found a mapping"
    );
    assert_eq!(
        one_error("ignore_paths: [[a]]\n"),
        "switchyard.yml:1:16: each entry of `ignore_paths` must be text, found a list"
    );
    assert_eq!(
        one_error("merge_order: strict\n"),
        "switchyard.yml:1:14: `merge_order` must be a mapping with keys `check_name`, \
         `enforce` and `exact_budget_ms`, found text `strict`"
    );
    assert_eq!(
        one_error("- agents\n"),
        "switchyard.yml:1:1: the file must be a mapping with keys `agents`, `branch_template`, \
         `capacity`, `footprint_wait`, `trigger_label`, `tracks`, `ignore_paths`, \
         `regenerated_paths`, `coordinate`, `merge_order` and 1 more, found a list"
    );
    assert_eq!(
        one_error("just text\n"),
        "switchyard.yml:1:1: the file must be a mapping with keys `agents`, `branch_template`, \
         `capacity`, `footprint_wait`, `trigger_label`, `tracks`, `ignore_paths`, \
         `regenerated_paths`, `coordinate`, `merge_order` and 1 more, found text `just text`"
    );
    assert_eq!(
        one_error("? [a, b]\n: 1\n"),
        "switchyard.yml:1:3: keys must be text, found a list"
    );
    assert_eq!(
        one_error("size_labels: {\"size: S\": .nan}\n"),
        "switchyard.yml:1:26: size label `size: S` must be a number of hours above 0, found \
         text `.nan`"
    );
    assert_eq!(
        one_error("size_labels: {\"size: S\": 0}\n"),
        "switchyard.yml:1:26: size label `size: S` must be a number of hours above 0, found `0`"
    );
    assert_eq!(
        one_error("merge_order:\n  exact_budget_ms: 60000\n"),
        "switchyard.yml:2:20: `merge_order.exact_budget_ms` must be at most 10000, found `60000`"
    );
    assert_eq!(
        one_error("capacity: 99999999999999999999999999999999999999999\n"),
        "switchyard.yml:1:11: `capacity` must be a whole number, found \
         `99999999999999999999999999999999999999999`"
    );
}

#[test]
fn agent_errors() {
    assert_eq!(
        one_error("agents: 0\n"),
        "switchyard.yml:1:9: `agents` must be at least 1, found `0`"
    );
    assert_eq!(
        one_error("agents: 500\n"),
        "switchyard.yml:1:9: `agents` must be at most 100, found `500`"
    );
    assert_eq!(
        one_error("agents: []\n"),
        "switchyard.yml:1:9: `agents` is an empty list: name at least one agent, or give a \
         number such as `3`"
    );
    assert_eq!(
        one_error("agents: alpha\n"),
        "switchyard.yml:1:9: `agents` must be a number of lanes (such as `3`) or a list of \
         agents (such as `[alpha, beta]`), found text `alpha`"
    );
    assert_eq!(
        one_error("agents:\n  - alpha\n  - beta\n  - alpha\n"),
        "switchyard.yml:4:5: agent `alpha` is given twice (first on line 2)"
    );
    assert_eq!(
        one_error("agents:\n  - alpha\n  - name: Alpha\n"),
        "switchyard.yml:3:11: agent `Alpha` is given twice (first as `alpha` on line 2): \
         names ignore case, as GitHub labels do"
    );
    assert_eq!(
        one_error("agents:\n  - login: octocat\n"),
        "switchyard.yml:2:5: an agent needs a `name`"
    );
    assert_eq!(
        one_error("agents:\n  - name: a\n    login: \"@octocat\"\n"),
        "switchyard.yml:3:12: write the login without `@`: `octocat`"
    );
    assert_eq!(
        one_error("agents: [\"my agent\"]\n"),
        "switchyard.yml:1:10: agent name `my agent` may contain only letters, digits, `-`, `_` \
         and `.`"
    );
    assert_eq!(
        one_error("agents:\n  - name: a\n    handoff: true\n"),
        "switchyard.yml:3:14: `handoff: true` needs the lane's `login`, to mention it"
    );
    assert_eq!(
        one_error("agents:\n  - name: a\n    login: octocat\n    handoff: yes please\n"),
        "switchyard.yml:4:14: `handoff` must be `true` or `false`, found text `yes please`"
    );
    assert_eq!(
        one_error("agents: [[a]]\n"),
        "switchyard.yml:1:10: each agent must be a name or a mapping with `name` and `login`, \
         found a list"
    );
}

#[test]
fn template_errors_point_at_the_value() {
    assert_eq!(
        one_error("branch_template: \"lanes/{agnt}\"\n"),
        "switchyard.yml:1:18: unknown placeholder `{agnt}` in `branch_template`, did you mean \
         `{agent}`?"
    );
    assert_eq!(
        one_error("branch_template: main\n"),
        "switchyard.yml:1:18: `branch_template` must contain `{agent}`, so that each lane has \
         its own branches"
    );
    assert_eq!(
        one_error("branch_template: \"{agent}/{slug}\"\n"),
        "switchyard.yml:1:18: `branch_template` uses `{slug}` without `{issue}`: an issue \
         title alone does not make a branch name unique"
    );
}

#[test]
fn trigger_label_errors() {
    assert_eq!(
        one_error("trigger_label: \"\"\n"),
        "switchyard.yml:1:16: `trigger_label` must not be empty"
    );
    assert_eq!(
        one_error(&format!("trigger_label: {}\n", "x".repeat(51))),
        "switchyard.yml:1:16: `trigger_label` is longer than 50 characters"
    );
    assert_eq!(
        one_error("trigger_label: \"agent:alpha\"\n"),
        "switchyard.yml:1:16: `trigger_label` must not start with `agent:` or `track:`, which \
         name lanes and tracks; found `agent:alpha`"
    );
}

#[test]
fn merge_order_check_name_must_not_clash_with_the_config_check() {
    assert_eq!(
        one_error("merge_order:\n  check_name: switchyard config\n"),
        "switchyard.yml:2:15: `merge_order.check_name` must differ from `Switchyard config`, \
         the check that validates this file"
    );
}

#[test]
fn track_reference_errors() {
    let text = "\
agents: [alpha, beta]
tracks:
  core: {}
  api:
    depends_on: [cor, api, core, CORE]
    agent: betta
  web:
    agent: frontend-team
    depends_on: nothing
";
    assert_eq!(
        errors(text),
        [
            "switchyard.yml:5:18: track `api` depends on `cor`, which is not a track, did you \
             mean `core`?",
            "switchyard.yml:5:23: track `api` depends on itself",
            "switchyard.yml:5:34: track `api` lists `core` twice in `depends_on`",
            "switchyard.yml:6:12: track `api` is bound to agent `betta`, which is not \
             configured, did you mean `beta`?",
            "switchyard.yml:8:12: track `web` is bound to agent `frontend-team`, which is not \
             configured; the agents are `alpha` and `beta`",
            "switchyard.yml:9:17: track `web` depends on `nothing`, which is not a track; the \
             tracks are `core`, `api` and `web`",
        ]
    );
}

#[test]
fn tracks_may_bind_default_agents_declared_anywhere() {
    let config = parse("tracks:\n  api:\n    agent: agent-2\n").unwrap();
    assert_eq!(config.tracks[0].agent.as_deref(), Some("agent-2"));
    let config = parse("tracks:\n  api:\n    agent: B\nagents: [a, b]\n").unwrap();
    assert_eq!(config.tracks[0].agent.as_deref(), Some("b"));
}

#[test]
fn a_broken_agents_list_does_not_also_flag_bindings() {
    assert_eq!(
        one_error("agents: lots\ntracks:\n  api:\n    agent: beta\n"),
        "switchyard.yml:1:9: `agents` must be a number of lanes (such as `3`) or a list of \
         agents (such as `[alpha, beta]`), found text `lots`"
    );
}

#[test]
fn track_shape_errors() {
    assert_eq!(
        one_error("tracks:\n  api: [\"src/api/**\"]\n"),
        "switchyard.yml:2:8: track `api` must be a mapping; to give its paths, write \
         `api: {paths: [...]}`"
    );
    assert_eq!(
        one_error("tracks:\n  api: src\n"),
        "switchyard.yml:2:8: track `api` must be a mapping with keys `paths`, `depends_on` and \
         `agent`, found text `src`"
    );
    assert_eq!(
        one_error("tracks: [api]\n"),
        "switchyard.yml:1:9: `tracks` must be a mapping of track names to their settings, \
         such as `api: {paths: [\"src/api/**\"]}`, found a list"
    );
    assert_eq!(
        one_error("tracks:\n  api: {}\n  Api: {}\n"),
        "switchyard.yml:3:3: track `Api` is given twice (first as `api` on line 2): names \
         ignore case, as GitHub labels do"
    );
    assert_eq!(
        one_error("tracks:\n  \"a b\": {}\n"),
        "switchyard.yml:2:3: track name `a b` may contain only letters, digits, `-`, `_` and \
         `.`"
    );
    assert_eq!(
        one_error("tracks:\n  api:\n    paths: [\"src/api/\"]\n"),
        "switchyard.yml:3:13: path `src/api/` names a directory, but patterns match files: \
         write `src/api/**`"
    );
}

#[test]
fn dependency_cycles_are_reported_once_each() {
    let text = "\
tracks:
  a:
    depends_on: [b]
  b:
    depends_on: [c]
  c:
    depends_on: [a]
  d:
    depends_on: [e]
  e:
    depends_on: [d, a]
";
    assert_eq!(
        errors(text),
        [
            "switchyard.yml:7:18: tracks depend on each other in a cycle: `a` → `b` → `c` → \
             `a`; remove one of these dependencies",
            "switchyard.yml:11:18: tracks depend on each other in a cycle: `d` → `e` → `d`; \
             remove one of these dependencies",
        ]
    );
}

#[test]
fn a_long_dependency_chain_is_fine() {
    let mut text = String::from("tracks:\n  t0: {}\n");
    for n in 1..2000 {
        text.push_str(&format!("  t{n}:\n    depends_on: [t{}]\n", n - 1));
    }
    assert_eq!(parse(&text).unwrap().tracks.len(), 2000);
    text.push_str("  t0x:\n    depends_on: [t1999]\n");
    let text = text.replacen("  t0: {}", "  t0:\n    depends_on: [t0x]", 1);
    let errors = errors(&text);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("cycle: `t0`"), "{}", errors[0]);
}

#[test]
fn size_label_errors() {
    assert_eq!(
        one_error("size_labels: {\"size: S\": 1, \"SIZE: s\": 2}\n"),
        "switchyard.yml:1:29: size label `SIZE: s` is given twice (first as `size: S` on line \
         1): names ignore case, as GitHub labels do"
    );
    assert_eq!(
        one_error("size_labels: [S, M]\n"),
        "switchyard.yml:1:14: `size_labels` must be a mapping of labels to hours, such as \
         `{\"size: S\": 1}`, found a list"
    );
}

#[test]
fn yaml_syntax_errors_have_positions() {
    let errors = parse("agents: 2\ntracks:\n\tapi: {}\n").unwrap_err();
    assert_eq!(errors.errors.len(), 1);
    let error = &errors.errors[0];
    assert_eq!(error.line, 3);
    assert!(error.message.starts_with("invalid YAML: "), "{error}");
    assert!(parse("a: 1\n---\nb: 2\n").is_err());
    assert!(parse("capacity: 1\ncapacity: 2\n").is_err());
}

#[test]
fn windows_line_endings_and_byte_order_marks_are_read() {
    assert_eq!(
        one_error("\u{feff}capacity: 2\r\ntrak: 1\r\n"),
        "switchyard.yml:2:1: unknown key `trak`, did you mean `tracks`?"
    );
    assert_eq!(parse("capacity: 2\r\n").unwrap().capacity, 2);
}

#[test]
fn errors_render_against_any_file_name() {
    let errors = parse("trak: 1\ncapacity: 0\n").unwrap_err();
    assert_eq!(
        errors.render(".github/switchyard.yml"),
        ".github/switchyard.yml:1:1: unknown key `trak`, did you mean `tracks`?\n\
         .github/switchyard.yml:2:11: `capacity` must be at least 1, found `0`"
    );
    assert_eq!(errors.to_string(), errors.render("switchyard.yml"));
    let unplaced = ConfigError {
        line: 0,
        column: 0,
        message: "m".into(),
    };
    assert_eq!(unplaced.to_string(), "switchyard.yml: m");
    assert_eq!((&errors).into_iter().count(), 2);
}

/// A small deterministic generator, so the garbage below is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Random texts made of config words and YAML punctuation, then small edits of a valid file,
/// the same on every run.
pub(crate) fn garbage() -> Vec<String> {
    let mut texts = Vec::new();
    let pieces = [
        "agents",
        "tracks",
        ":",
        " ",
        "\n",
        "  ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "\"",
        "'",
        "&a",
        "*a",
        "<<",
        "?",
        "#",
        "|",
        ">",
        "\t",
        "{agent}",
        "{issue}",
        "{slug}",
        "**",
        "[!",
        "0",
        "-1",
        "1e999",
        ".nan",
        "~",
        "null",
        "true",
        "é",
        "日本",
        "\u{0}",
        "\r",
        "---",
        "...",
        "depends_on",
        "paths",
        "agent",
        "name",
        "login",
        "branch_template",
        "capacity",
        "merge_order",
        "size_labels",
        "ignore_paths",
        "coordinate",
        "!!str",
        "!tag",
        "%YAML 1.2",
        "99999999999999999999999999999999999999999",
    ];
    let mut random = Lcg(0x5eed);
    for _ in 0..3000 {
        let len = random.next() % 40;
        let text: String = (0..len)
            .map(|_| pieces[(random.next() % pieces.len() as u64) as usize])
            .collect();
        texts.push(text);
    }
    // Small edits to a valid file reach the validation behind the YAML parser.
    for _ in 0..1500 {
        let mut text: Vec<char> = FULL_EXAMPLE.chars().collect();
        for _ in 0..1 + random.next() % 3 {
            let at = (random.next() % text.len() as u64) as usize;
            if random.next().is_multiple_of(2) {
                text.remove(at);
            } else {
                let piece = pieces[(random.next() % pieces.len() as u64) as usize];
                text.splice(at..at, piece.chars());
            }
        }
        texts.push(text.into_iter().collect());
    }
    texts
}

#[test]
fn garbage_never_panics() {
    for text in garbage() {
        if let Err(errors) = parse(&text) {
            assert!(!errors.errors.is_empty());
        }
    }
}

#[test]
fn helpers_never_panic_on_odd_input() {
    let config = parse(FULL_EXAMPLE).unwrap();
    for text in [
        "",
        "/",
        "\u{0}",
        "日本/1-x",
        "alpha/",
        "alpha/1-",
        "alpha/1-日本",
        "**",
        "[",
        "../..",
    ] {
        let _ = config.lane_for_branch(text);
        let _ = crate::globs::PathFilter::new(&[text]).map(|f| f.matches(text));
        let _ = config.estimate_hours_from_labels(&[text.to_owned()]);
        let _ = config.branch_for(&config.agents[0], crate::ids::IssueNumber(u64::MAX), text);
    }
    assert_eq!(
        config.lane_branch("alpha/1-日本").map(|lane| lane.issue),
        Some(Some(crate::ids::IssueNumber(1)))
    );
}

#[test]
fn regenerated_paths_replace_the_lock_file_list() {
    let config = parse("regenerated_paths: [\"**/CHANGELOG.md\", \"db/schema.rb\"]\n").unwrap();
    assert!(
        config
            .regenerated_paths
            .globs()
            .eq(["**/CHANGELOG.md", "db/schema.rb"])
    );
    assert!(config.ignore_paths.is_empty());
    let none = parse("regenerated_paths: []\n").unwrap();
    assert!(none.regenerated_paths.is_empty());
    assert_eq!(
        one_error("regenerated_paths: [\"/yarn.lock\"]\n"),
        "switchyard.yml:1:21: path `/yarn.lock` must be relative to the repository root: \
         write `yarn.lock`"
    );
}

#[test]
fn errors_after_lone_carriage_returns_are_on_the_lines_github_shows() {
    // YAML counts each lone `\r` as a line break; GitHub counts only `\n`.
    let text = "agents:\r\r\r  - name: alpha\ncapacity: x\r\ntrigger_label: [\n";
    let parsed = parse(text).unwrap_err();
    let lines = text.split('\n').count();
    assert!(
        parsed.errors.iter().all(|e| e.line >= 1 && e.line <= lines),
        "{parsed:?}"
    );
    assert_eq!(
        errors("agents: 3\r\r\r\r\ncapacity: x\n")[0],
        "switchyard.yml:2:11: `capacity` must be a whole number, found text `x`"
    );
}
