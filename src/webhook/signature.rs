//! `X-Hub-Signature-256`: HMAC-SHA256 of the raw body, checked in constant time against every
//! configured secret so a secret can be rotated without downtime.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignatureError {
    #[error("the X-Hub-Signature-256 header is missing")]
    Missing,
    #[error("the X-Hub-Signature-256 header is not of the form sha256=<64 hex digits>")]
    Malformed,
    #[error("the signature matches none of the configured webhook secrets")]
    Mismatch,
}

/// One or more webhook secrets; any of them verifies a delivery.
#[derive(Clone)]
pub struct WebhookSecrets(Vec<Vec<u8>>);

impl std::fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "WebhookSecrets({} configured)", self.0.len())
    }
}

impl WebhookSecrets {
    /// Parses the comma-separated `GITHUB_WEBHOOK_SECRET` value. Blank entries are refused so
    /// that a stray comma can never make an empty secret verify.
    pub fn parse(value: &str) -> Result<Self, String> {
        let secrets: Vec<Vec<u8>> = value
            .split(',')
            .map(|s| s.trim().as_bytes().to_vec())
            .collect();
        if secrets.iter().any(Vec::is_empty) {
            return Err("contains an empty secret (check for stray commas)".into());
        }
        Ok(Self(secrets))
    }

    pub fn verify(&self, header: Option<&str>, body: &[u8]) -> Result<(), SignatureError> {
        let header = header.ok_or(SignatureError::Missing)?;
        let hex_digest = header
            .strip_prefix("sha256=")
            .ok_or(SignatureError::Malformed)?;
        let expected = hex::decode(hex_digest).map_err(|_| SignatureError::Malformed)?;
        if expected.len() != 32 {
            return Err(SignatureError::Malformed);
        }
        let matches = self.0.iter().any(|secret| {
            let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any size");
            mac.update(body);
            mac.verify_slice(&expected).is_ok()
        });
        if matches {
            Ok(())
        } else {
            Err(SignatureError::Mismatch)
        }
    }

    /// The header value GitHub would send for `body` signed with the first secret.
    pub fn sign(&self, body: &[u8]) -> String {
        sign_with(&self.0[0], body)
    }
}

/// `sha256=<hex>` for `body` under `secret`.
pub fn sign_with(secret: &[u8], body: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any size");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_configured_secret_verifies() {
        let secrets = WebhookSecrets::parse("old, new").unwrap();
        let body = br#"{"zen":"hi"}"#;
        assert_eq!(secrets.verify(Some(&sign_with(b"new", body)), body), Ok(()));
        assert_eq!(secrets.verify(Some(&sign_with(b"old", body)), body), Ok(()));
        assert_eq!(
            secrets.verify(Some(&sign_with(b"other", body)), body),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn malformed_and_missing_headers_are_refused() {
        let secrets = WebhookSecrets::parse("s").unwrap();
        assert_eq!(secrets.verify(None, b"x"), Err(SignatureError::Missing));
        for bad in ["sha1=abcd", "sha256=zz", "sha256=abcd", "", "sha256="] {
            assert_eq!(
                secrets.verify(Some(bad), b"x"),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_changed_body_does_not_verify() {
        let secrets = WebhookSecrets::parse("s").unwrap();
        let sig = secrets.sign(b"one");
        assert_eq!(
            secrets.verify(Some(&sig), b"two"),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn empty_secrets_are_refused() {
        assert!(WebhookSecrets::parse("").is_err());
        assert!(WebhookSecrets::parse("a,,b").is_err());
    }
}
