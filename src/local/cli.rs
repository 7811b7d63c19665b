//! `switchyard local …`: the command line.

use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct LocalArgs {
    /// The default branch, when it is neither `origin/HEAD`'s nor the one checked out in the
    /// main worktree.
    #[arg(long, global = true, value_name = "NAME")]
    pub default_branch: Option<String>,
    #[command(subcommand)]
    pub command: LocalCommand,
}

#[derive(Debug, Subcommand)]
pub enum LocalCommand {
    /// Make one worktree per lane beside the repository, on the lane's branch.
    Init {
        /// Only the first N lanes of the config.
        #[arg(long, value_name = "N")]
        agents: Option<usize>,
        /// Also install a pre-commit hook in the lanes' worktrees that says what a commit
        /// changes that another lane changes or claims (it never stops a commit).
        #[arg(long)]
        hooks: bool,
    },
    /// Give a task to a lane; it waits while the lane is full or its dependencies are open.
    Assign {
        lane: String,
        task_id: String,
        title: String,
        /// How long it takes: 2h, 30m, 1d.
        #[arg(long)]
        estimate: Option<String>,
        /// Tasks that must be done first.
        #[arg(long = "depends-on", value_name = "ID", num_args = 1..)]
        depends_on: Vec<String>,
    },
    /// Mark the lane's assigned task as started.
    Start {
        lane: String,
        task_id: Option<String>,
    },
    /// Mark the lane's task as done; its lane and dependents move on.
    Complete {
        lane: String,
        task_id: Option<String>,
    },
    /// Take the task off its lane.
    Release {
        lane: String,
        task_id: Option<String>,
    },
    /// Lanes, tasks, what waits, and the plan's time.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Which branches would conflict, their worktrees' uncommitted work included, by the
    /// line engine and by a real merge. Exit 1 if any.
    Conflicts {
        /// Another branch to include (repeatable).
        #[arg(long = "branch", value_name = "BRANCH")]
        branches: Vec<String>,
        /// Only the pairs involving this lane's branches; the exit code is about them.
        #[arg(long, value_name = "NAME", conflicts_with = "mine")]
        lane: Option<String>,
        /// Only the pairs involving the lane of the worktree this runs in.
        #[arg(long)]
        mine: bool,
        /// Compare commits only, leaving every worktree's uncommitted work out.
        #[arg(long)]
        committed_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// The order to merge the lane branches in with the fewest rebases.
    MergeOrder {
        /// Another branch to include (repeatable).
        #[arg(long = "branch", value_name = "BRANCH")]
        branches: Vec<String>,
        /// Compare commits only, leaving every worktree's uncommitted work out.
        #[arg(long)]
        committed_only: bool,
        #[arg(long)]
        json: bool,
    },
    /// Which other lanes change these files or lines (committed or not), and which lanes
    /// have claimed them. Exit 1 if any.
    Touching {
        /// A path from the repository's root, with lines of the asking worktree's version
        /// if wanted: `src/app.rs`, `src/app.rs:42`, `src/app.rs:10-20,42`, `docs/`.
        #[arg(value_name = "PATH[:LINES]", required_unless_present = "staged")]
        paths: Vec<String>,
        /// Ask for this lane (left out of the answer) rather than the worktree's.
        #[arg(long, value_name = "NAME", conflicts_with = "mine")]
        lane: Option<String>,
        /// Ask for the lane of the worktree this runs in, which must be a lane's.
        #[arg(long)]
        mine: bool,
        /// Compare the other lanes' commits only, not their worktrees.
        #[arg(long)]
        committed_only: bool,
        /// Ask about what is staged for commit here: its files and lines.
        #[arg(long)]
        staged: bool,
        #[arg(long)]
        json: bool,
    },
    /// Tell the other lanes you are about to change these paths (advice, never a lock).
    Claim {
        /// Files, folders (`src/store/`) or globs, from the repository's root.
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<String>,
        /// How long the claim holds: 2h (the default), 30m, 1d.
        #[arg(long = "for", value_name = "DURATION")]
        duration: Option<String>,
        /// Why, for the other lanes to read.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// The lane claiming; by default the lane of the worktree this runs in.
        #[arg(long, value_name = "NAME")]
        lane: Option<String>,
    },
    /// Let go of claimed paths: those named, or all of the lane's claims.
    Unclaim {
        #[arg(value_name = "PATH")]
        paths: Vec<String>,
        /// The lane whose claims these are; by default the lane of the worktree this runs in.
        #[arg(long, value_name = "NAME")]
        lane: Option<String>,
    },
}

impl LocalCommand {
    /// Whether the command reads the task book and saves it back, and so holds its lock while
    /// it runs (a command writing rows of its own in one statement needs none).
    pub fn rewrites_book(&self) -> bool {
        match self {
            LocalCommand::Assign { .. }
            | LocalCommand::Start { .. }
            | LocalCommand::Complete { .. }
            | LocalCommand::Release { .. } => true,
            LocalCommand::Init { .. }
            | LocalCommand::Status { .. }
            | LocalCommand::Conflicts { .. }
            | LocalCommand::MergeOrder { .. }
            // A claim is written in one statement of its own: no read-then-save to guard.
            | LocalCommand::Touching { .. }
            | LocalCommand::Claim { .. }
            | LocalCommand::Unclaim { .. } => false,
        }
    }
}
