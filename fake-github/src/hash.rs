//! Hashes that stand in for GitHub's: git object ids, ETags and stable numeric ids.

use sha1::{Digest, Sha1};

/// The id git gives a blob with these contents, so a sha the app caches matches `git hash-object`.
pub(crate) fn git_blob_sha(contents: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(format!("blob {}\0", contents.len()));
    hasher.update(contents);
    hex(&hasher.finalize())
}

/// A 40-hex-digit id derived from `seed`, for commits and tokens the fake invents.
pub(crate) fn fake_sha(seed: &str) -> String {
    hex(&Sha1::digest(seed.as_bytes()))
}

/// A weak ETag over a response body, in GitHub's `W/"..."` form.
pub(crate) fn etag(body: &[u8]) -> String {
    format!("W/\"{}\"", hex(&Sha1::digest(body)))
}

/// A stable numeric id for a login, so the same user has the same id in every response.
pub(crate) fn user_id(login: &str) -> u64 {
    // FNV-1a: tiny, deterministic across runs, and good enough to keep logins apart.
    let hash = login
        .to_ascii_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    hash % 100_000_000 + 1
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_sha_matches_git() {
        // `printf 'hello\n' | git hash-object --stdin`
        assert_eq!(
            git_blob_sha(b"hello\n"),
            "ce013625030ba8dba906f756967f9e9ca394464a"
        );
    }

    #[test]
    fn etags_are_weak_and_follow_the_body() {
        assert!(etag(b"[]").starts_with("W/\""));
        assert_ne!(etag(b"[]"), etag(b"[1]"));
    }
}
