//! The "Switchyard config" run on a PR that changes the configuration file: the PR's own
//! version of the file, checked exactly as `switchyard check-config` checks it.

use super::Annotation;
use crate::config::{CONFIG_CHECK_NAME, CONFIG_PATH};
use crate::reconcile::apply::CheckRunSpec;
use crate::reconcile::config_files::{ConfigChange, ConfigVersion};
use crate::text;

pub fn check_run(change: &ConfigChange) -> CheckRunSpec {
    let (words, conclusion, annotations) = match &change.version {
        ConfigVersion::Valid(config) => (text::config_valid(config), "success", vec![]),
        ConfigVersion::Removed => (text::config_removed(), "success", vec![]),
        ConfigVersion::Invalid(errors) => (
            text::config_invalid(errors),
            "failure",
            errors
                .errors
                .iter()
                .map(|e| Annotation {
                    level: "failure",
                    path: CONFIG_PATH.to_owned(),
                    start_line: e.line.max(1) as u32,
                    end_line: e.line.max(1) as u32,
                    title: "Invalid configuration".into(),
                    message: e.message.clone(),
                })
                .collect(),
        ),
    };
    CheckRunSpec {
        name: CONFIG_CHECK_NAME.to_owned(),
        head_sha: change.head_sha.clone(),
        conclusion: conclusion.into(),
        title: words.title,
        summary: words.summary,
        annotations,
        recompute: false,
    }
}
