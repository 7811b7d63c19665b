//! Durations as plans write them: `2h`, `1.5-2 hours`, `45m`, `30 min`, `2–3 days`.
//! Hours and minutes give hours (a range its midpoint); days and weeks give no hours.

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Estimate {
    pub hours: Option<f64>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Hours,
    Minutes,
    Days,
}

const UNITS: &[(&str, Unit)] = &[
    ("hours", Unit::Hours),
    ("hour", Unit::Hours),
    ("hrs", Unit::Hours),
    ("hr", Unit::Hours),
    ("h", Unit::Hours),
    ("minutes", Unit::Minutes),
    ("minute", Unit::Minutes),
    ("mins", Unit::Minutes),
    ("min", Unit::Minutes),
    ("m", Unit::Minutes),
    ("days", Unit::Days),
    ("day", Unit::Days),
    ("d", Unit::Days),
    ("weeks", Unit::Days),
    ("week", Unit::Days),
    ("wks", Unit::Days),
    ("wk", Unit::Days),
    ("w", Unit::Days),
    ("sprints", Unit::Days),
    ("sprint", Unit::Days),
    ("months", Unit::Days),
    ("month", Unit::Days),
];

/// The first duration in `text`; an effort in hours wins over a duration in days or weeks
/// given beside it.
pub(crate) fn parse(text: &str) -> Option<Estimate> {
    let found = durations(text);
    let first = found.first()?;
    let hours = found
        .iter()
        .find(|d| d.1 != Unit::Days)
        .map(|(span, unit, value)| (span, *unit, *value));
    match hours {
        Some((span, unit, value)) => Some(Estimate {
            hours: Some(if unit == Unit::Minutes {
                value / 60.0
            } else {
                value
            }),
            text: span.clone(),
        }),
        None => Some(Estimate {
            hours: None,
            text: first.0.clone(),
        }),
    }
}

/// Every `number[-number] unit` in the text: its words, unit and value (a range's midpoint).
fn durations(text: &str) -> Vec<(String, Unit, f64)> {
    let lower = text.to_lowercase();
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let starts_word = i == 0 || !chars[i - 1].1.is_alphanumeric() && chars[i - 1].1 != '.';
        if !(c.is_ascii_digit() && starts_word) {
            i += 1;
            continue;
        }
        let (low, next) = number(&chars, i);
        let mut j = skip_spaces(&chars, next);
        let mut high = low;
        // A range: 1.5-2, 2–3, 3 to 4.
        let range_mark = match chars.get(j).map(|c| c.1) {
            Some('-' | '–' | '—' | '~') => Some(j + 1),
            _ if lower[chars.get(j).map_or(lower.len(), |c| c.0)..].starts_with("to ") => {
                Some(j + 2)
            }
            _ => None,
        };
        if let Some(after) = range_mark {
            let k = skip_spaces(&chars, after);
            if chars.get(k).is_some_and(|c| c.1.is_ascii_digit()) {
                let (value, next) = number(&chars, k);
                high = value;
                j = skip_spaces(&chars, next);
            }
        }
        let rest_at = chars.get(j).map_or(lower.len(), |c| c.0);
        let rest = &lower[rest_at..];
        let unit = UNITS.iter().find(|(word, _)| {
            rest.starts_with(word)
                && rest[word.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        });
        match (unit, low, high) {
            (Some((word, unit)), Some(low), Some(high)) => {
                let end = rest_at + word.len();
                out.push((text[start..end].to_owned(), *unit, (low + high) / 2.0));
                i = chars.partition_point(|c| c.0 < end);
            }
            _ => i = next.max(i + 1),
        }
    }
    out
}

fn number(chars: &[(usize, char)], from: usize) -> (Option<f64>, usize) {
    let mut end = from;
    while end < chars.len() && (chars[end].1.is_ascii_digit() || chars[end].1 == '.') {
        end += 1;
    }
    let digits: String = chars[from..end].iter().map(|c| c.1).collect();
    let digits = digits.trim_end_matches('.');
    (digits.parse().ok(), end)
}

fn skip_spaces(chars: &[(usize, char)], mut at: usize) -> usize {
    while at < chars.len() && chars[at].1 == ' ' {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(text: &str) -> Option<f64> {
        parse(text).and_then(|e| e.hours)
    }

    #[test]
    fn hours_minutes_and_ranges() {
        assert_eq!(hours("2h"), Some(2.0));
        assert_eq!(hours("1.5-2 hours"), Some(1.75));
        assert_eq!(hours("2–3h"), Some(2.5));
        assert_eq!(hours("45m"), Some(0.75));
        assert_eq!(hours("30 minutes"), Some(0.5));
        assert_eq!(hours("3 to 4 hours"), Some(3.5));
        assert_eq!(hours("**Time**: 1 hour"), Some(1.0));
    }

    #[test]
    fn days_and_weeks_keep_their_text_and_give_no_hours() {
        let days = parse("1 day").unwrap();
        assert_eq!((days.hours, days.text.as_str()), (None, "1 day"));
        assert_eq!(hours("2 weeks"), None);
        assert_eq!(hours("Week 3-4, 16-20 hours"), Some(18.0));
    }

    #[test]
    fn numbers_without_units_and_versions_are_not_durations() {
        assert_eq!(parse("Phase 2"), None);
        assert_eq!(parse("v1.2 of the API"), None);
        assert_eq!(parse("5 agents"), None);
        assert_eq!(parse("3 messages"), None);
    }
}
