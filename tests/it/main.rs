//! Scenario tests: the real server, queue and store against a fake GitHub with state.

mod burst;
mod database;
mod support;

mod assign;
mod binary;
mod config_check;
mod connections;
mod fixtures;
mod footprints;
mod fuzz_corpus;
mod handoff;
mod hostile;
mod instances;
mod kill;
mod limits;
mod linked_issues;
mod local;
mod mcp;
mod merge_order;
mod merge_queue;
mod overlaps;
mod plan;
mod receive;
mod reconcile;
mod redeliver;
mod resilience;
mod setup;
mod store;
mod sub_issues;
