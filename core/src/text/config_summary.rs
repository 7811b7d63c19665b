//! A short account of what a config does, for `switchyard check-config` and the
//! "Switchyard config" check run. It is Markdown that also reads as plain text: short
//! paragraphs, `-` lists and code spans, no tables or emphasis.

use super::plural;
use crate::config::{Agent, Config, Coordinate, Track};

/// What the config sets up: lanes and their branches, capacity, trigger label, tracks,
/// ignored and regenerated paths, which pull requests are coordinated, the merge-order
/// check and estimates.
pub fn config_summary(config: &Config) -> String {
    [
        lanes_summary(config),
        tracks_summary(config),
        footprints_summary(config),
        ignored_summary(config),
        regenerated_summary(config),
        coordinated_summary(config),
        merge_order_summary(config),
        estimates_summary(config),
    ]
    .join("\n\n")
}

fn lanes_summary(config: &Config) -> String {
    let lanes = plural(config.agents.len(), "lane", "lanes");
    let tasks = plural(config.capacity as usize, "task", "tasks");
    let mut text = format!(
        "{lanes}, each working on up to {tasks} at a time. Issues labelled {} are assigned \
         to a lane.",
        code(&config.trigger_label)
    );
    for agent in &config.agents {
        text.push_str(&format!(
            "\n- {}: {}",
            lane_name(agent),
            branches(config, agent)
        ));
    }
    text
}

fn branches(config: &Config, agent: &Agent) -> String {
    let pattern = code(&config.branch_pattern(agent));
    if config.branch_per_lane() {
        format!("branch {pattern}")
    } else {
        format!("a branch per issue, {pattern}")
    }
}

fn tracks_summary(config: &Config) -> String {
    if config.tracks.is_empty() {
        return "Tracks: none.".to_owned();
    }
    let mut text = "Tracks (an issue joins one with a `track:<name>` label):".to_owned();
    for track in &config.tracks {
        text.push_str(&format!(
            "\n- {}: {}",
            code(&track.name),
            track_details(track)
        ));
    }
    text
}

fn footprints_summary(config: &Config) -> String {
    if config.footprint_wait {
        "Footprints: a task waits while another lane changes a file it would change (the \
         files its plan item lists, else its track's paths, else the paths its issue names), \
         and goes to the lane that holds or last changed that file."
            .to_owned()
    } else {
        "Footprints: not waited for (`footprint_wait: false`); two lanes may be given work \
         on the same file at once."
            .to_owned()
    }
}

fn ignored_summary(config: &Config) -> String {
    if config.ignore_paths.is_empty() {
        return "Ignored paths: none; every changed file counts when pull requests are \
                compared."
            .to_owned();
    }
    let mut text = format!(
        "Ignored when pull requests are compared: {}.",
        code_list(config.ignore_paths.globs())
    );
    let lock_files = config.ignored_lock_files();
    if !lock_files.is_empty() {
        text.push_str(&format!(
            " Lock files among them ({}) are never mentioned and never ordered, although \
             GitHub makes the second of two pull requests that change the same lines of one \
             rebase; list them under `regenerated_paths` instead to be told to regenerate them.",
            code_list(&lock_files)
        ));
    }
    text
}

fn regenerated_summary(config: &Config) -> String {
    if config.regenerated_paths.is_empty() {
        "Regenerated paths: none; lock files are compared line by line like any other file."
            .to_owned()
    } else {
        format!(
            "Regenerated, not merged by hand (two pull requests that change the same lines of \
             one are told to regenerate it after rebasing, and the merge order puts one after \
             the other; changes in separate regions of one are no conflict): {}.",
            code_list(config.regenerated_paths.globs())
        )
    }
}

fn coordinated_summary(config: &Config) -> String {
    match config.coordinate {
        Coordinate::LaneBranches => {
            "Coordinated pull requests: those from lane branches.".to_owned()
        }
        Coordinate::All => "Coordinated pull requests: every open pull request.".to_owned(),
    }
}

fn merge_order_summary(config: &Config) -> String {
    let merge_order = &config.merge_order;
    let verdict = if merge_order.enforce {
        "enforced: a pull request that must wait is marked action required"
    } else {
        "advisory: a pull request that must wait is marked neutral"
    };
    let search = match merge_order.exact_budget_ms {
        0 => "Only the greedy order is used.".to_owned(),
        ms => format!(
            "The order with the fewest rebases is searched for up to {ms} ms before falling back to the greedy one."
        ),
    };
    format!(
        "Merge order: check run {}, {verdict}. {search}",
        code(&merge_order.check_name)
    )
}

fn estimates_summary(config: &Config) -> String {
    let labels = "Estimates: labels such as `estimate: 2h`, `estimate: 30m` or \
                  `estimate: 1d` (8 h)";
    if config.size_labels.is_empty() {
        return format!("{labels}.");
    }
    let mut sizes: Vec<(&String, &f64)> = config.size_labels.iter().collect();
    sizes.sort_by(|a, b| a.1.total_cmp(b.1).then_with(|| a.0.cmp(b.0)));
    let sizes: Vec<String> = sizes
        .into_iter()
        .map(|(label, hours)| format!("{} = {hours} h", code(label)))
        .collect();
    format!("{labels}; otherwise size labels {}.", sizes.join(", "))
}

fn lane_name(agent: &Agent) -> String {
    match &agent.login {
        Some(login) if agent.handoff => format!(
            "{} (assignee {}, mentioned with what to do when its pull request must rebase)",
            code(&agent.name),
            code(login)
        ),
        Some(login) => format!("{} (assignee {})", code(&agent.name), code(login)),
        None => code(&agent.name),
    }
}

fn track_details(track: &Track) -> String {
    let mut details = vec![if track.paths.is_empty() {
        "owns no paths".to_owned()
    } else {
        format!("owns {}", code_list(track.paths.globs()))
    }];
    if !track.depends_on.is_empty() {
        details.push(format!("after {}", code_list(&track.depends_on)));
    }
    if let Some(agent) = &track.agent {
        details.push(format!("bound to lane {}", code(agent)));
    }
    details.join("; ")
}

/// A Markdown code span that survives a backtick inside the text.
fn code(text: &str) -> String {
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn code_list<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    items
        .into_iter()
        .map(|item| code(item.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;
    use crate::config::tests::{FULL_EXAMPLE, garbage};

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("size: S"), "`size: S`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }

    #[test]
    fn summary_of_the_defaults() {
        assert_eq!(
            config_summary(&Config::default()),
            "\
3 lanes, each working on up to 1 task at a time. Issues labelled `parallel` are assigned to a lane.
- `agent-1`: branch `parallel-dev/agent-1`
- `agent-2`: branch `parallel-dev/agent-2`
- `agent-3`: branch `parallel-dev/agent-3`

Tracks: none.

Footprints: a task waits while another lane changes a file it would change (the files its plan \
item lists, else its track's paths, else the paths its issue names), and goes to the lane that \
holds or last changed that file.

Ignored paths: none; every changed file counts when pull requests are compared.

Regenerated, not merged by hand (two pull requests that change the same lines of one are told \
to regenerate it after rebasing, and the merge order puts one after the other; changes in separate \
regions of one are no conflict): `**/Cargo.lock`, \
`**/package-lock.json`, `**/npm-shrinkwrap.json`, `**/yarn.lock`, `**/pnpm-lock.yaml`, \
`**/bun.lockb`, `**/poetry.lock`, `**/Pipfile.lock`, `**/uv.lock`, `**/Gemfile.lock`, \
`**/composer.lock`, `**/go.sum`, `**/mix.lock`, `**/pubspec.lock`, `**/Package.resolved`.

Coordinated pull requests: those from lane branches.

Merge order: check run `Merge order`, advisory: a pull request that must wait is marked neutral. \
The order with the fewest rebases is searched for up to 50 ms before falling back to the greedy one.

Estimates: labels such as `estimate: 2h`, `estimate: 30m` or `estimate: 1d` (8 h); otherwise \
size labels `size: S` = 1 h, `size: M` = 4 h, `size: L` = 8 h."
        );
    }

    #[test]
    fn summary_of_the_full_example() {
        assert_eq!(
        config_summary(&parse(FULL_EXAMPLE).unwrap()),
        "\
3 lanes, each working on up to 2 tasks at a time. Issues labelled `parallel-work` are assigned to a lane.
- `alpha` (assignee `octocat`): a branch per issue, `alpha/{issue}-{slug}`
- `beta`: a branch per issue, `beta/{issue}-{slug}`
- `gamma`: a branch per issue, `gamma/{issue}-{slug}`

Tracks (an issue joins one with a `track:<name>` label):
- `core`: owns `src/core/**`
- `api`: owns `src/api/**`, `src/http/*.rs`; after `core`; bound to lane `alpha`
- `docs`: owns `docs/**`; after `core`, `api`

Footprints: a task waits while another lane changes a file it would change (the files its plan \
item lists, else its track's paths, else the paths its issue names), and goes to the lane that \
holds or last changed that file.

Ignored when pull requests are compared: `Cargo.lock`, `**/*.generated.*`. Lock files among \
them (`Cargo.lock`) are never mentioned and never ordered, although GitHub makes the second of \
two pull requests that change the same lines of one rebase; list them under `regenerated_paths` \
instead to be told to regenerate them.

Regenerated, not merged by hand (two pull requests that change the same lines of one are told \
to regenerate it after rebasing, and the merge order puts one after the other; changes in separate \
regions of one are no conflict): `**/Cargo.lock`, \
`**/package-lock.json`, `**/npm-shrinkwrap.json`, `**/yarn.lock`, `**/pnpm-lock.yaml`, \
`**/bun.lockb`, `**/poetry.lock`, `**/Pipfile.lock`, `**/uv.lock`, `**/Gemfile.lock`, \
`**/composer.lock`, `**/go.sum`, `**/mix.lock`, `**/pubspec.lock`, `**/Package.resolved`.

Coordinated pull requests: every open pull request.

Merge order: check run `Merge queue`, enforced: a pull request that must wait is marked action required. \
The order with the fewest rebases is searched for up to 200 ms before falling back to the greedy one.

Estimates: labels such as `estimate: 2h`, `estimate: 30m` or `estimate: 1d` (8 h); otherwise \
size labels `size: XS` = 0.5 h, `size: S` = 1 h, `size: M` = 4 h, `size: L` = 8 h."
    );
    }

    #[test]
    fn summary_of_sparse_settings() {
        let config = parse(
            "agents: 1\ncapacity: 3\nignore_paths: []\nsize_labels: {}\ntracks:\n  misc:\n\
         merge_order:\n  exact_budget_ms: 0\n",
        )
        .unwrap();
        let summary = config_summary(&config);
        assert!(summary.starts_with("1 lane, each working on up to 3 tasks at a time."));
        assert!(summary.contains("\n- `misc`: owns no paths\n"), "{summary}");
        assert!(summary.contains(
            "Ignored paths: none; every changed file counts when pull requests are compared."
        ));
        assert!(summary.contains("Only the greedy order is used."));
        assert!(summary.ends_with("`estimate: 1d` (8 h)."), "{summary}");
    }

    #[test]
    fn any_config_that_parses_has_a_summary() {
        for text in garbage() {
            if let Ok(config) = parse(&text) {
                assert!(!config_summary(&config).is_empty());
            }
        }
    }

    #[test]
    fn footprints_switched_off_are_said_so() {
        let off = parse("footprint_wait: false\n").unwrap();
        assert!(config_summary(&off).contains(
            "Footprints: not waited for (`footprint_wait: false`); two lanes may be given work \
             on the same file at once."
        ));
    }

    #[test]
    fn no_regenerated_paths_compare_lock_files_line_by_line() {
        let none = parse("regenerated_paths: []\n").unwrap();
        assert!(config_summary(&none).contains(
            "Regenerated paths: none; lock files are compared line by line like any other file."
        ));
    }

    #[test]
    fn lock_files_under_ignore_paths_stay_ignored_and_the_summary_says_so() {
        let config = parse("ignore_paths: [\"**/yarn.lock\", \"docs/**\"]\n").unwrap();
        assert!(config.ignore_paths.globs().eq(["**/yarn.lock", "docs/**"]));
        assert!(config_summary(&config).contains(
            "Ignored when pull requests are compared: `**/yarn.lock`, `docs/**`. Lock files among \
             them (`**/yarn.lock`) are never mentioned and never ordered"
        ));
    }

    #[test]
    fn a_lane_taking_handoffs_says_it_is_mentioned() {
        let config = parse("agents:\n  - {name: a, login: bot, handoff: true}\n").unwrap();
        assert!(config_summary(&config).contains(
            "- `a` (assignee `bot`, mentioned with what to do when its pull request must rebase): \
             branch `parallel-dev/a`"
        ));
    }
}
