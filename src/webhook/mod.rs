//! What GitHub sends us: the signature over the raw bytes, and our own small event types
//! parsed from the payloads (only the fields Switchyard reads).

mod event;
mod handled;
mod relations;
mod route;
mod signature;

pub use event::{Event, EventError};
pub use handled::{event_names, parse_event, subscribed_events};
pub use route::{Disposition, may_be_work, route};
pub use signature::{SignatureError, WebhookSecrets};

/// The path GitHub delivers webhooks to.
pub const WEBHOOK_PATH: &str = "/webhook";
