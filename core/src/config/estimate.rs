//! Estimates from issue labels: `estimate: 2h`, `estimate: 30m`, `estimate: 1d`, or the size
//! labels the config maps to hours.

use super::Config;

/// A day in an estimate is a working day.
const HOURS_PER_DAY: f64 = 8.0;

/// The hours an `estimate:` label gives: a positive number followed by a unit, `m`/`min`/
/// `minutes`, `h`/`hr`/`hours` or `d`/`days` (a working day of 8 hours), with or without a
/// space. The prefix ignores case. A number without a unit gives nothing: `estimate: 2` could
/// mean hours or days.
fn estimate_hours(label: &str) -> Option<f64> {
    let label = label.trim();
    let prefix = label.get(..label.find(':')?)?;
    if !prefix.trim().eq_ignore_ascii_case("estimate") {
        return None;
    }
    let value = label[prefix.len() + 1..].trim();
    let number_len = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(number_len);
    let number: f64 = number.parse().ok()?;
    let per_unit = match unit.trim().to_ascii_lowercase().as_str() {
        "m" | "min" | "mins" | "minute" | "minutes" => 1.0 / 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 1.0,
        "d" | "day" | "days" => HOURS_PER_DAY,
        _ => return None,
    };
    let hours = number * per_unit;
    (hours.is_finite() && hours > 0.0).then_some(hours)
}

impl Config {
    /// The estimate an issue's labels give, in hours. An `estimate:` label wins over size
    /// labels, being the more precise; among several of one kind the largest wins, so the
    /// plan errs on the long side. Size labels match ignoring case and surrounding spaces,
    /// as GitHub labels do.
    pub fn estimate_hours_from_labels(&self, labels: &[String]) -> Option<f64> {
        let estimates = labels.iter().filter_map(|label| estimate_hours(label));
        let sizes = labels.iter().filter_map(|label| {
            self.size_labels
                .iter()
                .find(|(size, _)| size.trim().eq_ignore_ascii_case(label.trim()))
                .map(|(_, hours)| *hours)
        });
        estimates
            .reduce(f64::max)
            .or_else(|| sizes.reduce(f64::max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_labels_in_every_unit() {
        assert_eq!(estimate_hours("estimate: 2h"), Some(2.0));
        assert_eq!(estimate_hours("estimate: 1.5h"), Some(1.5));
        assert_eq!(estimate_hours("estimate: 30m"), Some(0.5));
        assert_eq!(estimate_hours("estimate: 90 min"), Some(1.5));
        assert_eq!(estimate_hours("estimate: 1d"), Some(8.0));
        assert_eq!(estimate_hours("estimate: 2 days"), Some(16.0));
        assert_eq!(estimate_hours("Estimate:3H"), Some(3.0));
        assert_eq!(estimate_hours(" estimate : 4 hours "), Some(4.0));
        assert_eq!(estimate_hours("estimate: .5h"), Some(0.5));
    }

    #[test]
    fn malformed_estimates_give_nothing() {
        for label in [
            "estimate: 2",
            "estimate: h",
            "estimate: 0h",
            "estimate: -1h",
            "estimate: 1.2.3h",
            "estimate: 2w",
            "estimate: 2 h 30m",
            "estimate 2h",
            "estimates: 2h",
            "size: S",
            "",
            "estimate:",
            "estimate: 1e400h",
        ] {
            assert_eq!(estimate_hours(label), None, "{label:?}");
        }
        let long_number = format!("estimate: {}h", "9".repeat(400));
        assert_eq!(estimate_hours(&long_number), None);
    }

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn estimate_labels_win_over_size_labels() {
        let config = Config::default();
        assert_eq!(
            config.estimate_hours_from_labels(&labels(&["size: L", "estimate: 30m"])),
            Some(0.5)
        );
        assert_eq!(
            config.estimate_hours_from_labels(&labels(&["bug", "size: M"])),
            Some(4.0)
        );
        assert_eq!(
            config.estimate_hours_from_labels(&labels(&["Size: s "])),
            Some(1.0)
        );
        assert_eq!(config.estimate_hours_from_labels(&labels(&["bug"])), None);
        assert_eq!(config.estimate_hours_from_labels(&[]), None);
    }

    #[test]
    fn the_largest_estimate_wins() {
        let config = Config::default();
        assert_eq!(
            config.estimate_hours_from_labels(&labels(&["estimate: 1h", "estimate: 1d"])),
            Some(8.0)
        );
        assert_eq!(
            config.estimate_hours_from_labels(&labels(&["size: S", "size: L", "size: M"])),
            Some(8.0)
        );
    }
}
