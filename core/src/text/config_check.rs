//! The "Switchyard config" check run on a pull request that changes the configuration file.

use super::{CheckText, MAX_SUMMARY_CHARS, plural, within};
use crate::config::{CONFIG_PATH, Config, ConfigErrors};

/// Errors listed in the summary; the rest are counted. Each error's message is short, so
/// these fit in GitHub's limit with room to spare.
const ERRORS_LISTED: usize = 100;

pub fn config_valid(config: &Config) -> CheckText {
    CheckText {
        title: "The new configuration is valid".into(),
        summary: within(
            format!(
                "Once this pull request is merged, `{CONFIG_PATH}` configures:\n\n{}",
                super::config_summary(config)
            ),
            MAX_SUMMARY_CHARS,
        ),
    }
}

pub fn config_invalid(errors: &ConfigErrors) -> CheckText {
    let count = errors.errors.len();
    let listed = ConfigErrors {
        errors: errors.errors.iter().take(ERRORS_LISTED).cloned().collect(),
    };
    let more = match count - listed.errors.len() {
        0 => String::new(),
        more => format!("\n\nAnd {}.", plural(more, "more error", "more errors")),
    };
    CheckText {
        title: if count == 1 {
            "1 error in the configuration".into()
        } else {
            format!("{count} errors in the configuration")
        },
        summary: within(
            format!(
                "Switchyard keeps using the configuration on the default branch until this is \
                 fixed.\n\n```\n{}\n```{more}",
                listed.render(CONFIG_PATH)
            ),
            MAX_SUMMARY_CHARS,
        ),
    }
}

/// The error of a configuration file that is not UTF-8 text.
pub fn config_unreadable() -> String {
    "the file could not be read as UTF-8 text".into()
}

pub fn config_removed() -> CheckText {
    CheckText {
        title: "The configuration file is removed".into(),
        summary: format!(
            "Once this pull request is merged, `{CONFIG_PATH}` is gone and Switchyard works on \
             its defaults."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;

    #[test]
    fn an_invalid_file_lists_its_errors_with_positions() {
        let errors = parse("agents: 2\ntrak: {}\n").unwrap_err();
        let text = config_invalid(&errors);
        assert_eq!(text.title, "1 error in the configuration");
        assert_eq!(
            text.summary,
            "Switchyard keeps using the configuration on the default branch until this is \
             fixed.\n\n```\n.github/switchyard.yml:2:1: unknown key `trak`, did you mean \
             `tracks`?\n```"
        );
    }

    #[test]
    fn a_file_with_thousands_of_errors_lists_the_first_hundred() {
        let text: String = (0..5_000)
            .map(|n| format!("unknown_{n}_{}: 1\n", "k".repeat(400)))
            .collect();
        let errors = parse(&text).unwrap_err();
        assert_eq!(errors.errors.len(), 5_000);
        let words = config_invalid(&errors);
        assert_eq!(words.title, "5000 errors in the configuration");
        assert!(words.summary.chars().count() <= MAX_SUMMARY_CHARS);
        assert!(
            words.summary.ends_with("\n```\n\nAnd 4900 more errors."),
            "{}",
            words.summary
        );
        assert_eq!(
            words.summary.matches(".github/switchyard.yml:").count(),
            100
        );
        assert!(words.summary.contains("unknown key `unknown_0_kkkk"));
    }

    #[test]
    fn a_valid_file_says_what_it_configures() {
        let text = config_valid(&Config::default());
        assert_eq!(text.title, "The new configuration is valid");
        assert!(text.summary.starts_with(
            "Once this pull request is merged, `.github/switchyard.yml` configures:\n\n"
        ));
        assert!(
            text.summary
                .ends_with(&crate::text::config_summary(&Config::default()))
        );
    }
}
