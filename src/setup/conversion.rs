//! The last step of the manifest flow: the one-time code GitHub hands back becomes the new
//! App's credentials (`POST /app-manifests/{code}/conversions`, without authentication).

use super::credentials::StoredCredentials;
use crate::github::{api_request, http_client};

/// GitHub's codes are short strings of letters, digits, `-` and `_`; anything else never goes
/// into a URL.
pub fn is_plausible_code(code: &str) -> bool {
    (1..=100).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Exchanges `code` at `api_url`. The error is a sentence for the person registering the App;
/// it never quotes the answer's body, which holds the secrets.
pub async fn exchange(api_url: &str, code: &str) -> Result<StoredCredentials, String> {
    let octocrab =
        http_client(api_url).map_err(|e| format!("cannot build the HTTP client: {e}"))?;
    let uri = format!("/app-manifests/{code}/conversions")
        .parse()
        .map_err(|_| "the code does not fit in a URL".to_owned())?;
    let request = octocrab
        .build_request(api_request(http::Method::POST, uri), None::<&()>)
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let response = octocrab
        .execute(request)
        .await
        .map_err(|e| format!("GitHub did not answer: {e}"))?;
    let status = response.status();
    let body = octocrab
        .body_to_string(response)
        .await
        .map_err(|e| format!("GitHub's answer could not be read: {e}"))?;
    if !status.is_success() {
        #[derive(serde::Deserialize)]
        struct Message {
            message: String,
        }
        let message = serde_json::from_str::<Message>(&body)
            .map(|m| m.message)
            .unwrap_or_else(|_| "no message".to_owned());
        return Err(format!(
            "GitHub refused the code ({}: {message})",
            status.as_u16()
        ));
    }
    serde_json::from_str(&body).map_err(|e| {
        format!(
            "GitHub's answer is not an App's credentials (line {}, column {})",
            e.line(),
            e.column()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_codes_that_look_like_codes_are_sent() {
        assert!(is_plausible_code("a1b2c3d4e5f6a7b8c9d0"));
        for code in ["", "../app", "a b", "a/b", "a?b", &"a".repeat(101)] {
            assert!(!is_plausible_code(code), "{code:?}");
        }
    }
}
