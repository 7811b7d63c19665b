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
    /// Which branches would conflict, by the line engine and by a real merge. Exit 1 if any.
    Conflicts {
        /// Another branch to include (repeatable).
        #[arg(long = "branch", value_name = "BRANCH")]
        branches: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// The order to merge the lane branches in with the fewest rebases.
    MergeOrder {
        /// Another branch to include (repeatable).
        #[arg(long = "branch", value_name = "BRANCH")]
        branches: Vec<String>,
        #[arg(long)]
        json: bool,
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
            | LocalCommand::MergeOrder { .. } => false,
        }
    }
}
