//! What GitHub sends us: the signature over the raw bytes, and our own small event types
//! parsed from the payloads (only the fields Switchyard reads).

mod event;
mod relations;
mod route;
mod signature;

pub use event::{EVENT_NAMES, Event, EventError, parse_event};
pub use route::{Disposition, may_be_work, route};
pub use signature::{SignatureError, WebhookSecrets};

/// The path GitHub delivers webhooks to.
pub const WEBHOOK_PATH: &str = "/webhook";
