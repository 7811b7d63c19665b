//! Replies to `/switchyard` commands.

use super::board::{lanes_table, plan_time, waiting};
use crate::assign::{Board, CommandError, CommandErrorKind, MAX_COMMANDS, ReplyPart};
use crate::config::Config;
use crate::ids::IssueNumber;
use crate::text::{MAX_COMMENT_CHARS, code_list, plural, within};

/// Longest quote of what a comment says kept whole: a command line may be 65,536 characters.
const QUOTED_CHARS: usize = 60;

/// One reply holding every part, in order. `board_issue` is the status issue, if it exists.
pub fn reply(
    parts: &[ReplyPart],
    config: &Config,
    board: &Board,
    board_issue: Option<IssueNumber>,
) -> String {
    let text = parts
        .iter()
        .map(|part| match part {
            ReplyPart::Help => help(config),
            ReplyPart::Status => status(board, board_issue),
            ReplyPart::Error(error) => error_text(error),
            ReplyPart::Refused { login, access } => format!(
                "@{login}: Switchyard takes commands only from people with write access to this \
                 repository, and you have {}, so nothing was done.",
                access.describe()
            ),
            ReplyPart::TooMany { ignored } => format!(
                "Switchyard obeys the first {MAX_COMMANDS} commands of a comment, and left the {} \
                 after them undone.",
                plural(*ignored, "command", "commands")
            ),
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    within(text, MAX_COMMENT_CHARS)
}

/// A word or line of the comment as the reply quotes it: cut short past [`QUOTED_CHARS`].
fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

fn help(config: &Config) -> String {
    let lanes = code_list(config.agents.iter().map(|agent| agent.name.as_str()));
    format!(
        "Switchyard's commands, each at the start of a line of its own:\n\n\
         - `/switchyard assign`: assign this issue to a lane, as the `{trigger}` label does.\n\
         - `/switchyard assign <lane>`: assign it to that lane; the lanes are {lanes}.\n\
         - `/switchyard release`: take it off its lane, or out of the queue.\n\
         - `/switchyard status`: show the lanes, what waits and the plan.\n\
         - `/switchyard help`: show this list.\n\n\
         Only people with write access to the repository can use them.",
        trigger = config.trigger_label,
    )
}

fn status(board: &Board, board_issue: Option<IssueNumber>) -> String {
    let head = match board_issue {
        Some(issue) => format!("**Status** (the full board, with the merge queue, is {issue}):"),
        None => "**Status**:".to_owned(),
    };
    format!(
        "{head}\n\n{}\n\n{}\n\n{}",
        lanes_table(&board.lanes),
        waiting(board),
        plan_time(&board.time)
    )
}

fn error_text(error: &CommandError) -> String {
    let commands = "The commands are `assign [lane]`, `release`, `status` and `help`.";
    let detail = match &error.kind {
        CommandErrorKind::UnknownCommand { word, suggestion } => format!(
            "`{}` is not a command{} {commands}",
            quoted(word),
            did_you_mean(suggestion.as_deref())
        ),
        CommandErrorKind::UnknownLane {
            name,
            suggestion,
            lanes,
        } => format!(
            "there is no lane `{}`{} The lanes are {}.",
            quoted(name),
            did_you_mean(suggestion.as_deref()),
            code_list(lanes)
        ),
        CommandErrorKind::UnexpectedArgument { command } if command == "assign" => {
            "`assign` takes one lane at most.".to_owned()
        }
        CommandErrorKind::UnexpectedArgument { command } => {
            format!("`{command}` takes no argument.")
        }
        CommandErrorKind::NotAnIssue { command } => format!(
            "`{command}` works on issues, not pull requests; use it on the issue this pull \
             request closes."
        ),
    };
    format!("`{}`: {detail}", quoted(&error.line))
}

/// The end of a sentence: "; did you mean `x`?" or a full stop.
fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion.map_or(".".to_owned(), |word| format!("; did you mean `{word}`?"))
}
