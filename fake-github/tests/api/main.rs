//! The fake's behaviour over HTTP, as the app sees it.

mod auth;
mod caching;
mod checks;
mod client;
mod deliveries;
mod endpoints;
mod failures;
mod octocrab_shapes;
mod pagination;
mod relations;
mod request_log;
