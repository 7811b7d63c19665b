//! GitHub: App authentication, a client per installation with retries, pagination and
//! conditional reads, a client scoped to one repository with typed methods, and the
//! response types we read.

mod app;
pub mod checks;
mod client;
mod endpoint;
pub mod models;
mod repo;

pub use app::{
    AppCredentials, GitHubApp, HookDeliveryItem, HookDeliveryPage, http_client, token_client,
};
pub use client::{Conditional, GitHubError, InstallationClient, RetrySettings, api_request};
pub use endpoint::endpoint_template;
pub use repo::{NewLabel, PlanRequest, REVIEWS_PER_PAGE, RepoClient};
