//! What the store's cache holds, by kind. Each kind's name is the one the database holds, so
//! the names never change: a database written before reads back the same.

/// One kind of entry in the store's cache; its entries are told apart by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CacheKind {
    /// The repository's metadata (its default branch, its web page), with its ETag.
    Repo,
    /// The head of the default branch, with its ETag.
    DefaultHead,
    /// The configuration file on the default branch (or that there is none), with its ETag.
    Config,
    /// The configuration file at one commit, parsed or not.
    ConfigAt,
    /// A PR head's changed files.
    PrFiles,
    /// A PR head's merge base with the default branch.
    MergeBase,
    /// How the default branch changed from one commit to another.
    BaseDiff,
    /// One file past the compare's cap, diffed here.
    FetchedFile,
    /// A PR's approval, with the ETag of the reviews it was judged from.
    Approval,
    /// One open pull request.
    OpenPr,
    /// The numbers of the open pull requests.
    OpenPrNumbers,
    /// One issue or pull request read by number, with its ETag.
    Issue,
    /// Whether the last reconcile left tasks in play.
    TasksActive,
    /// The open issues (pull requests left out), by number.
    OpenIssues,
    /// The names of the repository's labels.
    Labels,
    /// Lane branches known to exist.
    Branches,
    /// A commenter's access, with when it was asked.
    Permission,
    /// The body of the App's assignment comment, by comment id.
    CommentBody,
    /// The status board's body as last written.
    BoardBody,
    /// One issue's sub-issues, with the ETag of the list.
    SubIssues,
    /// One issue's "blocked by" links, with the ETag of the list.
    BlockedBy,
    /// Set for a repository whose server answered 404 for issue dependencies.
    NoIssueDependencies,
}

impl CacheKind {
    /// The name the database holds.
    pub fn as_str(self) -> &'static str {
        match self {
            CacheKind::Repo => "repo",
            CacheKind::DefaultHead => "default_head",
            CacheKind::Config => "config",
            CacheKind::ConfigAt => "config_at",
            CacheKind::PrFiles => "pr_files",
            CacheKind::MergeBase => "merge_base",
            CacheKind::BaseDiff => "base_diff",
            CacheKind::FetchedFile => "fetched_file",
            CacheKind::Approval => "approval",
            CacheKind::OpenPr => "open_pr",
            CacheKind::OpenPrNumbers => "open_pr_numbers",
            CacheKind::Issue => "task_issue",
            CacheKind::TasksActive => "tasks_active",
            CacheKind::OpenIssues => "task_open_issues",
            CacheKind::Labels => "task_labels",
            CacheKind::Branches => "task_branches",
            CacheKind::Permission => "task_permission",
            CacheKind::CommentBody => "task_comment_body",
            CacheKind::BoardBody => "task_board_body",
            CacheKind::SubIssues => "task_sub_issues",
            CacheKind::BlockedBy => "task_blocked_by",
            CacheKind::NoIssueDependencies => "task_no_issue_dependencies",
        }
    }
}

impl std::fmt::Display for CacheKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::CacheKind;

    #[test]
    fn each_kind_keeps_the_name_databases_hold() {
        let kinds = [
            CacheKind::Repo,
            CacheKind::DefaultHead,
            CacheKind::Config,
            CacheKind::ConfigAt,
            CacheKind::PrFiles,
            CacheKind::MergeBase,
            CacheKind::BaseDiff,
            CacheKind::FetchedFile,
            CacheKind::Approval,
            CacheKind::OpenPr,
            CacheKind::OpenPrNumbers,
            CacheKind::Issue,
            CacheKind::TasksActive,
            CacheKind::OpenIssues,
            CacheKind::Labels,
            CacheKind::Branches,
            CacheKind::Permission,
            CacheKind::CommentBody,
            CacheKind::BoardBody,
            CacheKind::SubIssues,
            CacheKind::BlockedBy,
            CacheKind::NoIssueDependencies,
        ];
        let names: Vec<&str> = kinds.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(
            names,
            [
                "repo",
                "default_head",
                "config",
                "config_at",
                "pr_files",
                "merge_base",
                "base_diff",
                "fetched_file",
                "approval",
                "open_pr",
                "open_pr_numbers",
                "task_issue",
                "tasks_active",
                "task_open_issues",
                "task_labels",
                "task_branches",
                "task_permission",
                "task_comment_body",
                "task_board_body",
                "task_sub_issues",
                "task_blocked_by",
                "task_no_issue_dependencies",
            ]
        );
    }
}
