//! Scenario tests: the real server, queue and store against a fake GitHub with state.

mod support;

mod assign;
mod binary;
mod config_check;
mod fixtures;
mod local;
mod merge_order;
mod overlaps;
mod receive;
mod reconcile;
mod resilience;
mod setup;
