//! The tracks a plan adds, as `.github/switchyard.yml` writes them, and the file with them
//! added: the text edited in place, so its other settings and its comments stay as written.

use crate::planfile::apply::PlannedTrack;

/// The tracks as entries of the `tracks:` mapping, each line indented by `indent` spaces.
pub fn tracks_yaml(tracks: &[PlannedTrack], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for track in tracks {
        out.push_str(&format!("{pad}{}:\n", scalar(&track.name)));
        out.push_str(&format!("{pad}  paths: [{}]\n", list(&track.paths)));
        if !track.depends_on.is_empty() {
            out.push_str(&format!(
                "{pad}  depends_on: [{}]\n",
                list(&track.depends_on)
            ));
        }
        if let Some(agent) = &track.agent {
            out.push_str(&format!("{pad}  agent: {}\n", scalar(agent)));
        }
    }
    out
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| quoted(i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Plain when YAML reads it back as the same string, else double-quoted.
fn scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if plain { text.to_owned() } else { quoted(text) }
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("\"{text}\""))
}

/// The config text with the tracks added under its `tracks:` key (made when there is none).
pub fn with_tracks(config: &str, tracks: &[PlannedTrack]) -> String {
    if tracks.is_empty() {
        return config.to_owned();
    }
    let lines: Vec<&str> = config.lines().collect();
    let key = lines.iter().position(|l| {
        l.starts_with("tracks:")
            && l["tracks:".len()..]
                .trim_start()
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .is_empty()
            || l.trim_end() == "tracks: {}"
    });
    let Some(key) = key else {
        let mut out = config.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("tracks:\n");
        out.push_str(&tracks_yaml(tracks, 2));
        return out;
    };
    // The block under the key: its indented lines (and blank or comment lines between them).
    let mut end = key + 1;
    let mut indent = None;
    for (at, line) in lines.iter().enumerate().skip(key + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let depth = line.len() - trimmed.len();
        if depth == 0 {
            break;
        }
        indent.get_or_insert(depth);
        end = at + 1;
    }
    let mut out: Vec<String> = lines[..key].iter().map(|l| (*l).to_owned()).collect();
    out.push("tracks:".into());
    out.extend(lines[key + 1..end].iter().map(|l| (*l).to_owned()));
    out.extend(
        tracks_yaml(tracks, indent.unwrap_or(2))
            .lines()
            .map(str::to_owned),
    );
    out.extend(lines[end..].iter().map(|l| (*l).to_owned()));
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn track(name: &str, paths: &[&str], deps: &[&str]) -> PlannedTrack {
        PlannedTrack {
            name: name.into(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            agent: None,
        }
    }

    #[test]
    fn tracks_go_under_the_existing_key_keeping_comments_and_other_settings() {
        let config = "# lanes for the team\nagents: 2\n\ntracks:\n    # the API\n    api:\n        paths: [\"src/api/**\"]\nignore_paths: [\"*.lock\"] # keep\n";
        let added = with_tracks(config, &[track("task-1", &["db/**"], &["api"])]);
        assert_eq!(
            added,
            "# lanes for the team\nagents: 2\n\ntracks:\n    # the API\n    api:\n        paths: [\"src/api/**\"]\n    task-1:\n      paths: [\"db/**\"]\n      depends_on: [\"api\"]\nignore_paths: [\"*.lock\"] # keep\n"
        );
        let config = crate::config::parse(&added).unwrap();
        assert_eq!(config.tracks.len(), 2);
    }

    #[test]
    fn a_config_without_tracks_gets_the_key() {
        let added = with_tracks("agents: 2", &[track("A", &["billing/models.py"], &[])]);
        assert_eq!(
            added,
            "agents: 2\ntracks:\n  A:\n    paths: [\"billing/models.py\"]\n"
        );
        assert!(crate::config::parse(&added).is_ok());
        assert_eq!(with_tracks("agents: 2\n", &[]), "agents: 2\n");
    }
}
