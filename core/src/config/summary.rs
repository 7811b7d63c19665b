//! A short account of what a config does, for `switchyard check-config` and the
//! "Switchyard config" check run. It is Markdown that also reads as plain text: short
//! paragraphs, `-` lists and code spans, no tables or emphasis.

use super::branch::Template;
use super::lock_files::matches_a_lock_file;
use super::{Agent, Config, Coordinate, Track};
use crate::text::plural;

impl Config {
    /// What the config sets up: lanes and their branches, capacity, trigger label, tracks,
    /// ignored and regenerated paths, which pull requests are coordinated, the merge-order
    /// check and estimates.
    pub fn summary(&self) -> String {
        [
            self.lanes_summary(),
            self.tracks_summary(),
            self.ignored_summary(),
            self.regenerated_summary(),
            self.coordinated_summary(),
            self.merge_order_summary(),
            self.estimates_summary(),
        ]
        .join("\n\n")
    }

    fn lanes_summary(&self) -> String {
        let lanes = plural(self.agents.len(), "lane", "lanes");
        let tasks = plural(self.capacity as usize, "task", "tasks");
        let mut text = format!(
            "{lanes}, each working on up to {tasks} at a time. Issues labelled {} are assigned \
             to a lane.",
            code(&self.trigger_label)
        );
        let template = Template::parse(&self.branch_template).ok();
        for agent in &self.agents {
            text.push_str(&format!(
                "\n- {}: {}",
                lane_name(agent),
                self.branches(template.as_ref(), agent)
            ));
        }
        text
    }

    fn branches(&self, template: Option<&Template>, agent: &Agent) -> String {
        match template {
            Some(template) if template.has_issue() => format!(
                "a branch per issue, {}",
                code(&template.pattern_for(&agent.name))
            ),
            Some(template) => format!("branch {}", code(&template.pattern_for(&agent.name))),
            None => format!("branches from {}", code(&self.branch_template)),
        }
    }

    fn tracks_summary(&self) -> String {
        if self.tracks.is_empty() {
            return "Tracks: none.".to_owned();
        }
        let mut text = "Tracks (an issue joins one with a `track:<name>` label):".to_owned();
        for track in &self.tracks {
            text.push_str(&format!(
                "\n- {}: {}",
                code(&track.name),
                track_details(track)
            ));
        }
        text
    }

    fn ignored_summary(&self) -> String {
        if self.ignore_paths.is_empty() {
            return "Ignored paths: none; every changed file counts when pull requests are \
                    compared."
                .to_owned();
        }
        let mut text = format!(
            "Ignored when pull requests are compared: {}.",
            code_list(&self.ignore_paths)
        );
        let lock_files: Vec<String> = self
            .ignore_paths
            .iter()
            .filter(|glob| matches_a_lock_file(glob))
            .cloned()
            .collect();
        if !lock_files.is_empty() {
            text.push_str(&format!(
                " Lock files among them ({}) are never mentioned and never ordered, although \
                 GitHub makes the second of two pull requests that change one rebase; list \
                 them under `regenerated_paths` instead to be told to regenerate them.",
                code_list(&lock_files)
            ));
        }
        text
    }

    fn regenerated_summary(&self) -> String {
        if self.regenerated_paths.is_empty() {
            "Regenerated paths: none; lock files are compared line by line like any other file."
                .to_owned()
        } else {
            format!(
                "Regenerated, not merged by hand (two pull requests that change one are told to \
                 regenerate it after rebasing, and the merge order puts one after the other): {}.",
                code_list(&self.regenerated_paths)
            )
        }
    }

    fn coordinated_summary(&self) -> String {
        match self.coordinate {
            Coordinate::LaneBranches => {
                "Coordinated pull requests: those from lane branches.".to_owned()
            }
            Coordinate::All => "Coordinated pull requests: every open pull request.".to_owned(),
        }
    }

    fn merge_order_summary(&self) -> String {
        let merge_order = &self.merge_order;
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

    fn estimates_summary(&self) -> String {
        let labels = "Estimates: labels such as `estimate: 2h`, `estimate: 30m` or \
                      `estimate: 1d` (8 h)";
        if self.size_labels.is_empty() {
            return format!("{labels}.");
        }
        let mut sizes: Vec<(&String, &f64)> = self.size_labels.iter().collect();
        sizes.sort_by(|a, b| a.1.total_cmp(b.1).then_with(|| a.0.cmp(b.0)));
        let sizes: Vec<String> = sizes
            .into_iter()
            .map(|(label, hours)| format!("{} = {hours} h", code(label)))
            .collect();
        format!("{labels}; otherwise size labels {}.", sizes.join(", "))
    }
}

fn lane_name(agent: &Agent) -> String {
    match &agent.login {
        Some(login) => format!("{} (assignee {})", code(&agent.name), code(login)),
        None => code(&agent.name),
    }
}

fn track_details(track: &Track) -> String {
    let mut details = vec![if track.paths.is_empty() {
        "owns no paths".to_owned()
    } else {
        format!("owns {}", code_list(&track.paths))
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

fn code_list(items: &[String]) -> String {
    items
        .iter()
        .map(|item| code(item))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("size: S"), "`size: S`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
