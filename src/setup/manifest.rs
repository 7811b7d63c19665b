//! `app-manifest.yml`, embedded, with this server's URLs filled in.

use crate::pages::CALLBACK_PATH;
use crate::webhook::WEBHOOK_PATH;
use serde_json::{Value, json};

/// The manifest as checked in at the repository root.
const MANIFEST_YAML: &str = include_str!("../../app-manifest.yml");

/// The manifest as GitHub expects it: JSON, with the homepage, webhook URL and redirect URL
/// pointing at `public_url` (no trailing slash).
pub fn filled(public_url: &str) -> Result<Value, String> {
    let mut manifest: Value = serde_saphyr::from_str(MANIFEST_YAML)
        .map_err(|e| format!("app-manifest.yml is not valid YAML: {e}"))?;
    let Some(fields) = manifest.as_object_mut() else {
        return Err("app-manifest.yml is not a mapping".to_owned());
    };
    fields.insert("url".to_owned(), json!(public_url));
    fields.insert(
        "redirect_url".to_owned(),
        json!(format!("{public_url}{CALLBACK_PATH}")),
    );
    let hook = fields
        .entry("hook_attributes")
        .or_insert_with(|| json!({ "active": true }));
    let Some(hook) = hook.as_object_mut() else {
        return Err("app-manifest.yml: `hook_attributes` is not a mapping".to_owned());
    };
    hook.insert(
        "url".to_owned(),
        json!(format!("{public_url}{WEBHOOK_PATH}")),
    );
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_urls_point_at_this_server() {
        let manifest = filled("https://switchyard.example.com").unwrap();
        assert_eq!(manifest["url"], "https://switchyard.example.com");
        assert_eq!(
            manifest["hook_attributes"],
            json!({ "active": true, "url": "https://switchyard.example.com/webhook" })
        );
        assert_eq!(
            manifest["redirect_url"],
            "https://switchyard.example.com/setup/callback"
        );
        assert_eq!(manifest["public"], false);
    }

    #[test]
    fn it_asks_for_every_event_the_app_handles_and_the_least_permissions() {
        let manifest = filled("https://x.example").unwrap();
        let mut events: Vec<&str> = manifest["default_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        events.sort_unstable();
        let mut handled: Vec<&str> = crate::webhook::subscribed_events().collect();
        handled.sort_unstable();
        assert_eq!(events, handled);
        assert_eq!(
            manifest["default_permissions"],
            json!({
                "metadata": "read",
                "checks": "write",
                "contents": "write",
                "pull_requests": "read",
                "issues": "write",
                "merge_queues": "read",
            })
        );
    }
}
