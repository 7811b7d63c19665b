//! The configuration file as Switchyard reads it: from the default branch for the rules, and
//! from the head of each PR that changes it, for the "Switchyard config" check.

use super::cache::{Reads, cached, store_cache};
use super::diffs::{self, FileText};
use super::error::ReconcileError;
use crate::config::{self, CONFIG_PATH, Config, ConfigErrors};
use crate::github::models::Content;
use crate::github::{Conditional, RepoClient};
use crate::ids::{PrNumber, Sha};
use crate::overlap::{ChangedFile, OpenPr};
use crate::pulls::{ConfigChange, ConfigVersion};
use crate::store::{CacheKind, SharedStore};
use std::collections::BTreeMap;

/// The file's text parsed; `None` is a file that could not be read as UTF-8 text.
fn parse_text(text: Option<String>) -> Result<Config, ConfigErrors> {
    let text = text.ok_or_else(|| ConfigErrors {
        errors: vec![config::ConfigError {
            line: 0,
            column: 0,
            message: crate::text::config_unreadable(),
        }],
    })?;
    config::parse(&text)
}

/// The PRs that change the configuration file, with their version of it: among the open
/// PRs, those whose files were read anyway (`known`) and those an event named.
pub(super) async fn read_config_changes(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
    open_prs: &[(PrNumber, Sha)],
    known: &[OpenPr],
) -> Result<Vec<ConfigChange>, ReconcileError> {
    let known: BTreeMap<PrNumber, &[ChangedFile]> = known
        .iter()
        .map(|pr| (pr.number, pr.files.as_slice()))
        .collect();
    let named = reads.stale().pull_requests();
    let candidates = open_prs
        .iter()
        .filter(|(number, _)| known.contains_key(number) || named.contains(number));
    let mut found = Vec::new();
    for (number, head) in candidates {
        let read;
        let files = match known.get(number) {
            Some(files) => *files,
            None => {
                read = diffs::pr_files(client, store, *number, head).await?;
                read.files.as_slice()
            }
        };
        let Some(file) = files.iter().find(|f| f.filename == CONFIG_PATH) else {
            continue;
        };
        let version = if file.status == crate::overlap::FileStatus::Removed {
            ConfigVersion::Removed
        } else {
            config_at(client, store, head).await?
        };
        found.push(ConfigChange {
            head_sha: head.clone(),
            version,
        });
    }
    Ok(found)
}

/// The configuration file as a commit has it, parsed; kept by commit, which never changes.
async fn config_at(
    client: &RepoClient,
    store: &SharedStore,
    head: &Sha,
) -> Result<ConfigVersion, ReconcileError> {
    let key = format!("{}:{head}", client.repo());
    let file = match cached::<FileText>(store, CacheKind::ConfigAt, key.clone()).await? {
        Some(file) => file,
        None => {
            let file = diffs::file_text(client, CONFIG_PATH, head).await?;
            store_cache(store, CacheKind::ConfigAt, key, &file).await?;
            file
        }
    };
    let text = match file {
        FileText::Missing => return Ok(ConfigVersion::Removed),
        FileText::Text(text) => Some(text),
        FileText::Unreadable => None,
    };
    Ok(match parse_text(text) {
        Ok(config) => ConfigVersion::Valid(config),
        Err(errors) => ConfigVersion::Invalid(errors),
    })
}

/// The configuration as the default branch has it, so a PR cannot change the rules that
/// judge it, or its errors. No file means the defaults. Read again (conditionally) only when
/// the default branch may have moved or nothing is cached; that the branch has no file is
/// cached too, so a repository without one does not pay a 404 on every event.
pub(super) async fn load_config(
    client: &RepoClient,
    store: &SharedStore,
    reads: &Reads,
    default_branch: &str,
) -> Result<Result<Config, ConfigErrors>, ReconcileError> {
    let content: Option<Content> = reads
        .kept_or_read(client, store, CacheKind::Config, None, |etag| async move {
            match client
                .file_on_branch(CONFIG_PATH, default_branch, etag.as_deref())
                .await
            {
                Ok(Conditional::Fresh { value, etag }) => Ok(Conditional::Fresh {
                    value: Some(value),
                    etag,
                }),
                Ok(Conditional::NotModified) => Ok(Conditional::NotModified),
                Err(e) if e.is_not_found() => Ok(Conditional::Fresh {
                    value: None,
                    etag: None,
                }),
                Err(e) => Err(e),
            }
        })
        .await?
        .flatten();
    let Some(content) = content else {
        return Ok(Ok(Config::default()));
    };
    Ok(parse_text(content.text()))
}
