//! The parts of a check run besides its title and summary: the warnings it puts on lines in
//! "Files changed", and the button on its page.

use super::{AnnotationText, ButtonText};
use crate::config::ConfigError;
use crate::ids::PrNumber;

/// The warning on lines this PR changes that `other` changes too.
pub fn overlap_annotation(other: PrNumber, other_title: &str) -> AnnotationText {
    AnnotationText {
        title: format!("Overlaps {other}"),
        message: format!("{other} ({other_title}) changes the same lines."),
    }
}

/// The mark on the line of one error in a pull request's version of the configuration file.
pub fn config_error_annotation(error: &ConfigError) -> AnnotationText {
    AnnotationText {
        title: "Invalid configuration".into(),
        message: error.message.clone(),
    }
}

/// The "Merge order" run's button, which asks for the order again. GitHub takes at most 20
/// characters for the label and 40 for the description.
pub fn recompute_button() -> ButtonText {
    ButtonText {
        label: "Recompute",
        description: "Compute the merge order again",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use insta::assert_snapshot;

    fn annotation(text: &AnnotationText) -> String {
        format!("{}\n{}", text.title, text.message)
    }

    #[test]
    fn an_overlap_names_the_other_pull_request_and_its_title() {
        assert_snapshot!(annotation(&overlap_annotation(
            PrNumber(12),
            "Parse the config"
        )));
    }

    #[test]
    fn a_configuration_error_is_marked_with_its_own_message() {
        let errors = crate::config::parse("agents: 2\ntrak: {}\n").unwrap_err();
        assert_snapshot!(annotation(&config_error_annotation(&errors.errors[0])));
    }

    #[test]
    fn a_file_that_is_not_text_is_marked_as_such() {
        let error = ConfigError {
            line: 0,
            column: 0,
            message: super::super::config_unreadable(),
        };
        assert_snapshot!(annotation(&config_error_annotation(&error)));
    }

    #[test]
    fn the_button_fits_github_limits() {
        let button = recompute_button();
        assert!(button.label.chars().count() <= 20);
        assert!(button.description.chars().count() <= 40);
        assert_snapshot!(format!("{}\n{}", button.label, button.description));
    }
}
