//! `switchyard local`: real repositories built with git in temporary directories, driven
//! through the binary for its output and exit codes.

mod at_once;
mod bad_input;
mod claims;
mod conflicts;
mod history;
mod hooks;
pub mod scratch;
mod tasks;
mod touching;
mod uncommitted;
