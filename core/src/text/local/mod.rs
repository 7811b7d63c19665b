//! What `switchyard local` prints for a terminal: a few plain lines per command. Tasks are
//! named by the ids the team gave them, where the App's posts name issues. With `--json` the
//! commands print their own answers instead, which hold no words.

mod claims;
mod conflicts;
mod hooks;
mod merge_order;
mod tasks;
mod touching;
mod worktrees;

pub use claims::{
    ClaimView, changes_claimed, claim_made, claimed, claimed_too, clock, status_claim, unclaimed,
};
pub use conflicts::{
    ClaimedChangeView, ConflictLine, ConflictsView, Disagreement, Scope, conflict_paths, conflicts,
};
pub use hooks::{HOOK_MARKER, hook_installed, hook_kept, hook_refused, pre_commit_hook};
pub use merge_order::{MergeOrderView, PlaceView, WaitView, merge_order};
pub use tasks::{Status, StatusLane, StatusTask, describe, status, task_line, then};
pub use touching::{ToucherView, TouchingView, touching};
pub use worktrees::{LeftOutView, worktree_kept, worktree_made, worktree_made_detached};

/// A commit as git shortens it: its first seven hex digits.
fn short(sha: &str) -> &str {
    sha.get(..7).unwrap_or(sha)
}
