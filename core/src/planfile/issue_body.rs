//! The files an issue's description names, read as a plan item's section is read: those a
//! files label, column or tree listing gives (`**Files:**` and a list, as `plan apply
//! --github` writes them), and every path its prose says it changes.

use crate::planfile::blocks::{Block, Line, blocks};
use crate::planfile::drafts::dedup;
use crate::planfile::encoding::repair;
use crate::planfile::item_reader::read_section;
use crate::planfile::names;
use crate::planfile::outline::outline;

/// The files a description names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueFiles {
    /// Under a files label (`Files:`, `Owns:`, `### Files to change`), in a files column or
    /// in a tree listing.
    pub listed: Vec<String>,
    /// Those, and the paths its prose says it creates or changes.
    pub named: Vec<String>,
}

/// The files `body` names.
pub fn issue_files(body: &str) -> IssueFiles {
    let blocks = blocks(&repair(body));
    let found = read_section(&outline(&blocks), &Line::default());
    IssueFiles {
        listed: dedup(found.listed),
        named: dedup(found.files),
    }
}

/// A plan's title: its first top-level heading, else its first heading.
pub fn title(markdown: &str) -> Option<String> {
    let blocks = blocks(&repair(markdown));
    let headings = || {
        blocks.iter().filter_map(|block| match block {
            Block::Heading { level, text } => Some((*level, text)),
            _ => None,
        })
    };
    let top = headings().map(|(level, _)| level).min()?;
    headings()
        .find(|(level, _)| *level == top)
        .map(|(_, text)| names::clean(&text.text))
        .filter(|title| !title.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_label_lists_and_prose_names() {
        let body = "<!-- switchyard-plan: sync item: task-1 -->\n\
                    Adds the table, then updates `src/api/routes.ts` to use it.\n\n\
                    **Files:**\n\n\
                    - `db/schema.sql`\n\
                    - `src/db/`\n\n\
                    **Checklist:**\n\n\
                    - [ ] Write the migration in `db/migrate/001.sql`\n";
        let files = issue_files(body);
        assert_eq!(files.listed, ["db/schema.sql", "src/db/"]);
        assert!(files.named.contains(&"src/api/routes.ts".to_owned()));
        assert!(files.named.contains(&"db/migrate/001.sql".to_owned()));
        assert!(files.named.contains(&"db/schema.sql".to_owned()));
    }

    #[test]
    fn files_only_read_and_shell_commands_are_no_footprint() {
        let body =
            "Read `docs/design.md` first.\n\n```sh\ncat src/main.rs\n```\n\nFixes the parser.";
        assert_eq!(issue_files(body), IssueFiles::default());
    }

    #[test]
    fn the_title_is_the_top_heading() {
        assert_eq!(
            title("intro\n\n## Task 1\n\n# Parallel plan: sync\n\n## Task 2\n").as_deref(),
            Some("Parallel plan: sync")
        );
        assert_eq!(title("## Only\n").as_deref(), Some("Only"));
        assert_eq!(title("no headings"), None);
    }
}
