//! GitHub: App authentication, a client per installation with retries, pagination,
//! conditional reads and a rate-limit budget per installation, a client scoped to one
//! repository with typed methods, and the response types we read.

mod app;
pub mod budget;
pub mod checks;
mod client;
mod endpoint;
mod error;
pub mod models;
mod repo;

pub use app::{
    AppCredentials, GitHubApp, HookDeliveryItem, HookDeliveryPage, http_client, token_client,
};
pub use budget::{Ledger, Pauses};
pub use client::{
    Conditional, DEFAULT_WRITE_INTERVAL, InstallationClient, RetrySettings, api_request,
};
pub use endpoint::endpoint_template;
pub use error::GitHubError;
pub use repo::{NewLabel, PlanRequest, REVIEWS_PER_PAGE, RepoClient};
