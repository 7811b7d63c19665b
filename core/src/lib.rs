//! Switchyard's engines: the config, the overlap engine, the merge order, lane assignment and
//! every word the App posts. Pure functions over plain values: nothing here does I/O, so
//! nothing here depends on an async runtime, an HTTP client, a database or a web framework.

pub mod assign;
pub mod claims;
pub mod config;
pub mod footprint;
pub mod globs;
pub mod graph;
pub mod ids;
pub mod order;
pub mod overlap;
pub mod planfile;
pub mod pulls;
pub mod redeliver;
pub mod suggest;
pub mod tasks;
pub mod text;
pub mod url;

#[cfg(test)]
mod test_rng;
