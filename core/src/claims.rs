//! Claims: a lane says which paths it is about to change, for a while, so that the other
//! lanes hear of it before they edit the same files. A claim is advice, never a lock: it is
//! shown to whoever changes or asks about a claimed path, and it ends by itself.

use crate::footprint::shares;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long a claim holds when its lane does not say: about one sitting of work.
pub const DEFAULT_HOURS: i64 = 2;

/// The longest a claim may hold: a claim nobody renews should not outlive the work it was
/// made for by weeks.
pub const MAX_DAYS: i64 = 30;

/// One path a lane has claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    pub lane: String,
    /// A file, a folder written with a trailing `/`, or a glob, from the repository's root.
    pub path: String,
    /// The lane's task when it claimed, if it had one.
    pub task: Option<String>,
    pub reason: Option<String>,
    pub claimed_at: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Claim {
    /// Whether it still holds at `now`.
    pub fn holds(&self, now: DateTime<Utc>) -> bool {
        self.until > now
    }

    /// Whether `path` (a file, a folder with a trailing `/`, or a glob) may name a file the
    /// claim covers.
    pub fn covers(&self, path: &str) -> bool {
        shares(&self.path, path)
    }
}

/// The claims of lanes other than `lane` that cover `path`.
pub fn claimed_by_others<'c>(
    claims: &'c [Claim],
    lane: Option<&'c str>,
    path: &'c str,
) -> impl Iterator<Item = &'c Claim> + 'c {
    claims.iter().filter(move |claim| {
        lane.is_none_or(|lane| !claim.lane.eq_ignore_ascii_case(lane)) && claim.covers(path)
    })
}

/// How long a claim holds, as written after `--for`: a positive number and a unit, `m`
/// (minutes), `h` (hours) or `d` (days of 24 hours), with or without a space: `2h`, `30m`,
/// `1.5h`, `1d`. At most [`MAX_DAYS`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let value = text.trim();
    let number_len = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(number_len);
    let seconds_per_unit = match unit.trim().to_ascii_lowercase().as_str() {
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86_400.0,
        _ => return Err(format!("`{text}` is not like 2h, 30m or 1d")),
    };
    let seconds = number
        .parse::<f64>()
        .ok()
        .map(|n| n * seconds_per_unit)
        .filter(|s| s.is_finite() && *s >= 1.0)
        .ok_or_else(|| format!("`{text}` is not like 2h, 30m or 1d"))?;
    let most = (MAX_DAYS * 86_400) as f64;
    if seconds > most {
        return Err(format!("`{text}` is longer than {MAX_DAYS} days"));
    }
    Ok(Duration::seconds(seconds.round() as i64))
}

/// A claimed path as the lane wrote it, made the one way claims are kept: from the
/// repository's root, without `./`, a folder with one trailing `/`. `Err` says why it cannot
/// be a path of the repository.
pub fn normalize_path(text: &str) -> Result<String, String> {
    let trimmed = text.trim();
    let mut parts: Vec<&str> = Vec::new();
    if trimmed.starts_with('/') {
        return Err(format!("`{text}` is not a path from the repository's root"));
    }
    for part in trimmed.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                return Err(format!(
                    "`{text}` leaves the repository: name paths from its root"
                ));
            }
            part => parts.push(part),
        }
    }
    if parts.is_empty() {
        return Err(format!("`{text}` names no path"));
    }
    let mut path = parts.join("/");
    if trimmed.ends_with('/') {
        path.push('/');
    }
    if path.contains(['*', '?', '['])
        && let Err(error) = glob::Pattern::new(path.trim_end_matches('/'))
    {
        return Err(format!("`{text}` is not a valid glob: {}", error.msg));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000 + minute * 60, 0).unwrap()
    }

    fn claim(lane: &str, path: &str) -> Claim {
        Claim {
            lane: lane.into(),
            path: path.into(),
            task: Some("T1".into()),
            reason: None,
            claimed_at: at(0),
            until: at(120),
        }
    }

    #[test]
    fn a_claim_covers_its_file_its_folder_and_what_a_glob_names_until_it_ends() {
        let claims = [
            claim("agent-2", "src/app.rs"),
            claim("agent-2", "docs/"),
            claim("agent-3", "**/*.lock"),
        ];
        let on = |path: &'static str| -> Vec<&str> {
            claimed_by_others(&claims, Some("agent-1"), path)
                .map(|c| c.path.as_str())
                .collect()
        };
        assert_eq!(on("src/app.rs"), ["src/app.rs"]);
        assert_eq!(on("docs/guide/intro.md"), ["docs/"]);
        assert_eq!(on("Cargo.lock"), ["**/*.lock"]);
        assert!(on("src/other.rs").is_empty());
        assert!(
            claimed_by_others(&claims, Some("Agent-2"), "src/app.rs")
                .next()
                .is_none(),
            "a lane's own claims are never news to it"
        );
        assert!(claims[0].holds(at(119)));
        assert!(!claims[0].holds(at(120)));
    }

    #[test]
    fn durations_in_minutes_hours_and_days() {
        assert_eq!(parse_duration("2h"), Ok(Duration::hours(2)));
        assert_eq!(parse_duration("30m"), Ok(Duration::minutes(30)));
        assert_eq!(parse_duration("1.5 h"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration("1d"), Ok(Duration::hours(24)));
        for bad in ["2", "h", "0h", "-1h", "2w", "1.2.3h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_duration("31d"),
            Err("`31d` is longer than 30 days".to_owned())
        );
    }

    #[test]
    fn paths_are_kept_from_the_root_and_folders_keep_their_slash() {
        assert_eq!(normalize_path("./src//app.rs"), Ok("src/app.rs".into()));
        assert_eq!(normalize_path("src/store/"), Ok("src/store/".into()));
        assert_eq!(normalize_path("src/**/*.rs"), Ok("src/**/*.rs".into()));
        assert!(normalize_path("/etc/passwd").is_err());
        assert!(normalize_path("../other/x").is_err());
        assert!(normalize_path("./").is_err());
        assert!(normalize_path("src/[").is_err());
    }
}
