//! The credentials file: what GitHub handed over when the App was created, kept readable by
//! the server's user only. It holds the App's private key, so its contents are never logged.

use serde::{Deserialize, Serialize};
use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCredentials {
    /// The App's id (`GITHUB_APP_ID`).
    pub id: u64,
    /// The App's URL name: its page is `https://github.com/apps/<slug>`.
    pub slug: String,
    /// The App's private key, PEM (`GITHUB_PRIVATE_KEY`).
    pub pem: String,
    /// The webhook secret (`GITHUB_WEBHOOK_SECRET`).
    pub webhook_secret: String,
    /// For signing in users through the App; kept because GitHub shows the secret only once.
    pub client_id: String,
    pub client_secret: String,
}

impl std::fmt::Debug for StoredCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "StoredCredentials {{ id: {}, slug: {:?}, secrets: <redacted> }}",
            self.id, self.slug
        )
    }
}

/// Reads the file; `Ok(None)` when there is none.
pub fn load(path: &Path) -> Result<Option<StoredCredentials>, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    warn_if_others_can_read(path);
    // serde_json's messages can quote a value, and the values here are secrets: only the
    // position is reported.
    serde_json::from_str(&text).map(Some).map_err(|e| {
        format!(
            "{} is not a credentials file (line {}, column {})",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(metadata) = std::fs::metadata(path)
        && metadata.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            "the credentials file can be read by other users; `chmod 600` it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_path: &Path) {}

/// Writes the file readable and writable by its owner only. It is written beside its final
/// path and then renamed, so a crash never leaves half a file that the next start would refuse.
pub fn save(path: &Path, credentials: &StoredCredentials) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(credentials).map_err(std::io::Error::other)?;
    let partial = partial_path(path);
    if let Err(e) = std::fs::remove_file(&partial)
        && e.kind() != ErrorKind::NotFound
    {
        return Err(e);
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&partial)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StoredCredentials {
        StoredCredentials {
            id: 12,
            slug: "switchyard-acme".into(),
            pem: "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----\n".into(),
            webhook_secret: "hook".into(),
            client_id: "Iv1.abc".into(),
            client_secret: "client".into(),
        }
    }

    #[test]
    fn saved_credentials_load_back_and_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials.json");
        assert_eq!(load(&path), Ok(None));
        save(&path, &sample()).unwrap();
        assert_eq!(load(&path), Ok(Some(sample())));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!partial_path(&path).exists());
    }

    #[test]
    fn a_broken_file_is_named_without_quoting_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials.json");
        std::fs::write(&path, r#"{"id": "-----BEGIN secret"}"#).unwrap();
        let error = load(&path).unwrap_err();
        assert!(
            error.contains("is not a credentials file (line 1"),
            "{error}"
        );
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn debug_output_hides_the_secrets() {
        let shown = format!("{:?}", sample());
        assert!(!shown.contains("BEGIN") && !shown.contains("hook") && !shown.contains("client"));
    }
}
