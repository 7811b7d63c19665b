//! The "Switchyard config" run on a PR that changes the configuration file: the PR's own
//! version of the file, checked exactly as `switchyard check-config` checks it.

use super::{
    Annotation, AnnotationLevel, CheckRunSpec, Conclusion, ConfigChange, ConfigVersion,
    MAX_ANNOTATIONS,
};
use crate::config::{CONFIG_CHECK_NAME, CONFIG_PATH};
use crate::text;

pub fn check_run(change: &ConfigChange) -> CheckRunSpec {
    let (words, conclusion, annotations) = match &change.version {
        ConfigVersion::Valid(config) => (text::config_valid(config), Conclusion::Success, vec![]),
        ConfigVersion::Removed => (text::config_removed(), Conclusion::Success, vec![]),
        ConfigVersion::Invalid(errors) => (
            text::config_invalid(errors),
            Conclusion::Failure,
            errors
                .errors
                .iter()
                .take(MAX_ANNOTATIONS)
                .map(|e| {
                    let words = text::config_error_annotation(e);
                    Annotation {
                        level: AnnotationLevel::Failure,
                        path: CONFIG_PATH.to_owned(),
                        start_line: e.line.max(1) as u32,
                        end_line: e.line.max(1) as u32,
                        title: words.title,
                        message: words.message,
                    }
                })
                .collect(),
        ),
    };
    CheckRunSpec {
        name: CONFIG_CHECK_NAME.to_owned(),
        head_sha: change.head_sha.clone(),
        conclusion,
        title: words.title,
        summary: words.summary,
        annotations,
        recompute: false,
    }
}
