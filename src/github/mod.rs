//! GitHub: App authentication, a client per installation with retries, pagination and
//! conditional reads, and the response types we read.

mod app;
mod client;
mod endpoint;
pub mod models;

pub use app::{AppCredentials, GitHubApp, http_client};
pub use client::{Conditional, GitHubError, InstallationClient, RetrySettings};
pub use endpoint::endpoint_template;
