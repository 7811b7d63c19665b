//! The labels Switchyard puts on issues, and how it creates them: GitHub would otherwise
//! create a missing label on first use, grey and without a description.

use crate::config::{Agent, Config};

/// On an issue that waits for an open dependency (or sits on a dependency cycle).
pub const BLOCKED_LABEL: &str = "blocked";
/// On an issue that waits for a lane to free.
pub const QUEUED_LABEL: &str = "queued";
const AGENT_PREFIX: &str = "agent:";
const TRACK_PREFIX: &str = "track:";
/// GitHub refuses longer label descriptions.
const MAX_DESCRIPTION_LEN: usize = 100;

/// A label to create in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelSpec {
    pub name: String,
    /// Six hex digits, without `#`, as GitHub takes it.
    pub color: String,
    pub description: String,
}

/// `agent:<name>`, the label that puts an issue on a lane.
pub fn agent_label(agent: &Agent) -> String {
    format!("{AGENT_PREFIX}{}", agent.name)
}

/// The name after `agent:` (any case), if `label` is an agent label.
pub fn agent_label_name(label: &str) -> Option<&str> {
    strip_prefix_ignoring_case(label.trim(), AGENT_PREFIX).map(str::trim)
}

/// The name after `track:` (any case), if `label` is a track label.
pub(crate) fn track_label_name(label: &str) -> Option<&str> {
    strip_prefix_ignoring_case(label.trim(), TRACK_PREFIX).map(str::trim)
}

/// The rest of `text` after `prefix`, which it starts with in any case.
pub(crate) fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Whether two label names are the same label: GitHub ignores case.
pub fn same_label(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// How Switchyard creates `name`, one of the labels it puts on issues: `blocked`, `queued`,
/// the trigger label, or an agent label.
pub(crate) fn spec(config: &Config, name: &str) -> LabelSpec {
    let (color, description) = if same_label(name, BLOCKED_LABEL) {
        (
            "b60205",
            "Waits for an open dependency; Switchyard assigns it when they close".to_owned(),
        )
    } else if same_label(name, QUEUED_LABEL) {
        (
            "fbca04",
            "Waits for a free lane; Switchyard assigns it oldest first".to_owned(),
        )
    } else if same_label(name, &config.trigger_label) {
        (
            "0e8a16",
            "Switchyard assigns this issue to a lane".to_owned(),
        )
    } else {
        let lane = agent_label_name(name).unwrap_or(name);
        ("1d76db", format!("Assigned to Switchyard lane {lane}"))
    };
    LabelSpec {
        name: name.to_owned(),
        color: color.to_owned(),
        description: shorten(description),
    }
}

fn shorten(mut text: String) -> String {
    if text.chars().count() > MAX_DESCRIPTION_LEN {
        text = text.chars().take(MAX_DESCRIPTION_LEN - 1).collect();
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_names_are_read_ignoring_case() {
        assert_eq!(agent_label_name("Agent:Beta"), Some("Beta"));
        assert_eq!(agent_label_name("agent: beta "), Some("beta"));
        assert_eq!(agent_label_name("agents:beta"), None);
        assert_eq!(agent_label_name("age"), None);
        assert_eq!(track_label_name("TRACK:api"), Some("api"));
        assert!(same_label("Blocked", "blocked"));
    }

    #[test]
    fn every_label_gets_a_colour_and_a_description() {
        let config = Config::default();
        let agent = &config.agents[0];
        assert_eq!(
            spec(&config, &agent_label(agent)),
            LabelSpec {
                name: "agent:agent-1".into(),
                color: "1d76db".into(),
                description: "Assigned to Switchyard lane agent-1".into(),
            }
        );
        assert_eq!(spec(&config, "parallel").color, "0e8a16");
        assert_eq!(spec(&config, "queued").color, "fbca04");
        assert_eq!(spec(&config, "blocked").color, "b60205");
        let long = spec(&config, &format!("agent:{}", "x".repeat(120)));
        assert_eq!(long.description.chars().count(), MAX_DESCRIPTION_LEN);
    }
}
