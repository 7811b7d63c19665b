//! The "Switchyard config" check run on a pull request that changes the configuration file.

use super::CheckText;
use crate::config::{CONFIG_PATH, Config, ConfigErrors};

pub fn config_valid(config: &Config) -> CheckText {
    CheckText {
        title: "The new configuration is valid".into(),
        summary: format!(
            "Once this pull request is merged, `{CONFIG_PATH}` configures:\n\n{}",
            super::config_summary(config)
        ),
    }
}

pub fn config_invalid(errors: &ConfigErrors) -> CheckText {
    let count = errors.errors.len();
    CheckText {
        title: if count == 1 {
            "1 error in the configuration".into()
        } else {
            format!("{count} errors in the configuration")
        },
        summary: format!(
            "Switchyard keeps using the configuration on the default branch until this is \
             fixed.\n\n```\n{}\n```",
            errors.render(CONFIG_PATH)
        ),
    }
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
