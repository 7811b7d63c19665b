//! `/switchyard` commands in comments: reading them, who may give them, and what they do.
//!
//! A command is a line of prose (outside code blocks, quotes and HTML comments) that starts
//! with `/switchyard`. `assign` and `release` act through labels, which stay the one truth
//! about assignment: `assign` adds the trigger label, `assign <lane>` the lane's `agent:`
//! label (removing other lanes'), `release` removes the agent and trigger labels. The plan
//! then treats the issue as if a person had changed the labels.

use super::labels::{agent_label, agent_label_name, same_label, strip_prefix_ignoring_case};
use super::markdown::prose_lines;
use super::snapshot::{Access, CommandComment};
use crate::config::Config;
use crate::ids::{CommentId, IssueNumber};
use crate::suggest::closest;

/// How a command line starts, in any case; written in lower case.
pub const COMMAND_PREFIX: &str = "/switchyard";
/// Commands obeyed from one comment. The rest are not, and the reply says so: one comment
/// costs one short reply and a few label changes, whatever it holds.
pub const MAX_COMMANDS: usize = 10;
/// The command words, for "did you mean".
const COMMANDS: [&str; 4] = ["assign", "release", "status", "help"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// To the named lane (as configured), or to the lane the rules choose.
    Assign(Option<String>),
    Release,
    Status,
    Help,
}

/// A command line Switchyard cannot obey, with the line as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError {
    pub line: String,
    pub kind: CommandErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandErrorKind {
    UnknownCommand {
        word: String,
        suggestion: Option<String>,
    },
    UnknownLane {
        name: String,
        suggestion: Option<String>,
        lanes: Vec<String>,
    },
    UnexpectedArgument {
        command: String,
    },
    /// `assign` or `release` on a pull request.
    NotAnIssue {
        command: String,
    },
}

/// The commands in `body`, in order. A bare `/switchyard` asks for help.
pub fn parse(body: &str, config: &Config) -> Vec<Result<Command, CommandError>> {
    prose_lines(body)
        .iter()
        .filter_map(|line| {
            let line = line.trim();
            let rest = command_rest(line)?;
            Some(parse_words(rest, config).map_err(|kind| CommandError {
                line: line.to_owned(),
                kind,
            }))
        })
        .collect()
}

/// The text after `/switchyard` (any case), if `line` is a command line.
fn command_rest(line: &str) -> Option<&str> {
    strip_prefix_ignoring_case(line, COMMAND_PREFIX)
        .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
}

fn parse_words(rest: &str, config: &Config) -> Result<Command, CommandErrorKind> {
    let mut words = rest.split_whitespace();
    let Some(word) = words.next() else {
        return Ok(Command::Help);
    };
    let argument = words.next();
    let no_argument = |command: Command| match argument {
        Some(_) => Err(CommandErrorKind::UnexpectedArgument {
            command: word.to_ascii_lowercase(),
        }),
        None => Ok(command),
    };
    match word.to_ascii_lowercase().as_str() {
        "assign" if words.next().is_some() => Err(CommandErrorKind::UnexpectedArgument {
            command: "assign".to_owned(),
        }),
        "assign" => argument.map_or(Ok(Command::Assign(None)), |name| lane(name, config)),
        "release" => no_argument(Command::Release),
        "status" => no_argument(Command::Status),
        "help" => no_argument(Command::Help),
        _ => Err(CommandErrorKind::UnknownCommand {
            word: word.to_owned(),
            suggestion: closest(word, COMMANDS).map(str::to_owned),
        }),
    }
}

/// `assign <lane>`: the lane may be written as its name or its label, in any case.
fn lane(written: &str, config: &Config) -> Result<Command, CommandErrorKind> {
    let name = agent_label_name(written).unwrap_or(written);
    match config.agent(name) {
        Some(agent) => Ok(Command::Assign(Some(agent.name.clone()))),
        None => Err(CommandErrorKind::UnknownLane {
            name: name.to_owned(),
            suggestion: closest(name, config.agents.iter().map(|a| a.name.as_str()))
                .map(str::to_owned),
            lanes: config.agents.iter().map(|a| a.name.clone()).collect(),
        }),
    }
}

/// The reaction that acknowledges a command comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reaction {
    /// Every command was obeyed.
    ThumbsUp,
    /// Something was not obeyed; the reply says why.
    Confused,
}

impl Reaction {
    /// The `content` GitHub's reactions API takes.
    pub fn content(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "+1",
            Reaction::Confused => "confused",
        }
    }
}

/// What to do about one command comment: react, and reply if there is something to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutcome {
    pub issue: IssueNumber,
    pub comment: CommentId,
    /// `None` for comments that are ignored: no commands, or written by a bot or the App.
    pub reaction: Option<Reaction>,
    pub reply: Option<String>,
}

/// Why a comment's commands are not obeyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// The App's own comment: never a command, whatever it quotes.
    OwnComment,
    /// Another bot: answering could start two bots talking to each other.
    Bot,
    /// Needs write access.
    Access(Access),
}

/// Whether the author of a comment may give commands.
fn authority(is_app: bool, is_bot: bool, access: Access) -> Result<(), Refusal> {
    if is_app {
        Err(Refusal::OwnComment)
    } else if is_bot {
        Err(Refusal::Bot)
    } else if !access.may_command() {
        Err(Refusal::Access(access))
    } else {
        Ok(())
    }
}

/// What a comment's reply is made of, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplyPart {
    Help,
    Status,
    Error(CommandError),
    Refused {
        login: String,
        access: Access,
    },
    /// Commands past the first [`MAX_COMMANDS`] of a comment, not obeyed.
    TooMany {
        ignored: usize,
    },
}

/// What one comment's commands come to, before the reply is written (a status reply shows the
/// plan, which these commands change).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decision {
    /// The commands that change labels, to apply in order.
    pub(crate) relabel: Vec<Command>,
    pub(crate) replies: Vec<ReplyPart>,
    pub(crate) reaction: Option<Reaction>,
}

/// Obey, refuse or ignore the commands of one comment.
pub(crate) fn decide(comment: &CommandComment, config: &Config) -> Decision {
    let ignored = Decision {
        relabel: Vec::new(),
        replies: Vec::new(),
        reaction: None,
    };
    let commands = parse(&comment.body, config);
    if commands.is_empty() {
        return ignored;
    }
    let author = &comment.author;
    match authority(author.is_app, author.is_bot, author.access) {
        Ok(()) => {}
        Err(Refusal::OwnComment | Refusal::Bot) => return ignored,
        Err(Refusal::Access(access)) => {
            return Decision {
                relabel: Vec::new(),
                replies: vec![ReplyPart::Refused {
                    login: author.login.clone(),
                    access,
                }],
                reaction: Some(Reaction::Confused),
            };
        }
    }
    let mut decision = Decision {
        reaction: Some(Reaction::ThumbsUp),
        ..ignored
    };
    let too_many = commands.len().saturating_sub(MAX_COMMANDS);
    for command in commands.into_iter().take(MAX_COMMANDS) {
        let part = match command {
            Ok(Command::Help) => ReplyPart::Help,
            Ok(Command::Status) => ReplyPart::Status,
            Ok(command) if comment.on_pull_request => ReplyPart::Error(CommandError {
                line: line_of(&command),
                kind: CommandErrorKind::NotAnIssue {
                    command: word_of(&command).to_owned(),
                },
            }),
            Ok(command) => {
                decision.relabel.push(command);
                continue;
            }
            Err(error) => ReplyPart::Error(error),
        };
        if matches!(part, ReplyPart::Error(_)) {
            decision.reaction = Some(Reaction::Confused);
        }
        decision.replies.push(part);
    }
    if too_many > 0 {
        decision
            .replies
            .push(ReplyPart::TooMany { ignored: too_many });
        decision.reaction = Some(Reaction::Confused);
    }
    decision
}

fn word_of(command: &Command) -> &'static str {
    match command {
        Command::Assign(_) => "assign",
        Command::Release => "release",
        Command::Status => "status",
        Command::Help => "help",
    }
}

fn line_of(command: &Command) -> String {
    match command {
        Command::Assign(Some(lane)) => format!("{COMMAND_PREFIX} assign {lane}"),
        other => format!("{COMMAND_PREFIX} {}", word_of(other)),
    }
}

/// The issue's labels after `command`, given its labels before.
pub(crate) fn relabel(labels: &mut Vec<String>, command: &Command, config: &Config) {
    let is_agent =
        |label: &String| agent_label_name(label).is_some_and(|n| config.agent(n).is_some());
    match command {
        Command::Assign(None) => add(labels, &config.trigger_label),
        Command::Assign(Some(name)) => {
            let Some(agent) = config.agent(name) else {
                return;
            };
            let wanted = agent_label(agent);
            labels.retain(|label| !is_agent(label) || same_label(label, &wanted));
            add(labels, &wanted);
        }
        Command::Release => {
            labels.retain(|label| !is_agent(label) && !same_label(label, &config.trigger_label));
        }
        Command::Status | Command::Help => {}
    }
}

fn add(labels: &mut Vec<String>, label: &str) {
    if !labels.iter().any(|held| same_label(held, label)) {
        labels.push(label.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commands(body: &str) -> Vec<Result<Command, CommandErrorKind>> {
        parse(body, &Config::default())
            .into_iter()
            .map(|result| result.map_err(|error| error.kind))
            .collect()
    }

    #[test]
    fn commands_at_line_starts() {
        assert_eq!(
            commands("/switchyard assign\n/Switchyard ASSIGN Agent-2\n  /switchyard release"),
            [
                Ok(Command::Assign(None)),
                Ok(Command::Assign(Some("agent-2".into()))),
                Ok(Command::Release)
            ]
        );
        assert_eq!(
            commands("/switchyard status\n/switchyard help\n/switchyard"),
            [Ok(Command::Status), Ok(Command::Help), Ok(Command::Help)]
        );
        assert_eq!(
            commands("/switchyard assign agent:agent-3"),
            [Ok(Command::Assign(Some("agent-3".into())))]
        );
    }

    #[test]
    fn mentions_code_and_quotes_are_not_commands() {
        let body = "please run /switchyard assign\n/switchyardassign\n```\n/switchyard release\n```\n\
                    > /switchyard release\n`/switchyard status`\n<!-- /switchyard help -->";
        assert_eq!(commands(body), []);
    }

    #[test]
    fn unknown_words_get_a_suggestion() {
        assert_eq!(
            commands("/switchyard asign\n/switchyard frobnicate"),
            [
                Err(CommandErrorKind::UnknownCommand {
                    word: "asign".into(),
                    suggestion: Some("assign".into())
                }),
                Err(CommandErrorKind::UnknownCommand {
                    word: "frobnicate".into(),
                    suggestion: None
                })
            ]
        );
        assert_eq!(
            commands("/switchyard assign agnt-2"),
            [Err(CommandErrorKind::UnknownLane {
                name: "agnt-2".into(),
                suggestion: Some("agent-2".into()),
                lanes: vec!["agent-1".into(), "agent-2".into(), "agent-3".into()]
            })]
        );
    }

    #[test]
    fn extra_arguments_are_refused() {
        let unexpected = |command: &str| {
            Err(CommandErrorKind::UnexpectedArgument {
                command: command.into(),
            })
        };
        assert_eq!(
            commands(
                "/switchyard release now\n/switchyard STATUS x\n/switchyard assign agent-1 agent-2"
            ),
            [
                unexpected("release"),
                unexpected("status"),
                unexpected("assign")
            ]
        );
    }

    #[test]
    fn errors_keep_the_line_as_written() {
        let parsed = parse("  /switchyard Asign  ", &Config::default());
        assert!(
            matches!(&parsed[..], [Err(CommandError { line, .. })] if line == "/switchyard Asign")
        );
    }

    #[test]
    fn access_takes_the_higher_of_permission_and_role() {
        assert_eq!(
            Access::from_github("write", Some("maintain")),
            Access::Maintain
        );
        assert_eq!(Access::from_github("read", Some("triage")), Access::Triage);
        assert_eq!(
            Access::from_github("write", Some("deploy-bots")),
            Access::Write
        );
        assert_eq!(Access::from_github("admin", None), Access::Admin);
        assert_eq!(Access::from_github("none", None), Access::None);
        assert_eq!(Access::from_github("READ", Some("")), Access::Read);
        assert_eq!(Access::from_github("", Some("weird")), Access::None);
        assert!(Access::Write.may_command());
        assert!(Access::Maintain.may_command());
        assert!(!Access::Triage.may_command());
        assert!(!Access::Read.may_command());
    }

    #[test]
    fn only_people_with_write_access_command() {
        assert_eq!(authority(false, false, Access::Write), Ok(()));
        assert_eq!(
            authority(true, true, Access::Admin),
            Err(Refusal::OwnComment)
        );
        assert_eq!(authority(false, true, Access::Admin), Err(Refusal::Bot));
        assert_eq!(
            authority(false, false, Access::Triage),
            Err(Refusal::Access(Access::Triage))
        );
    }

    #[test]
    fn commands_change_labels() {
        let config = Config::default();
        let mut labels = vec![
            "bug".to_owned(),
            "agent:agent-1".to_owned(),
            "agent:gone".to_owned(),
        ];
        relabel(
            &mut labels,
            &Command::Assign(Some("agent-2".into())),
            &config,
        );
        assert_eq!(labels, ["bug", "agent:gone", "agent:agent-2"]);
        relabel(&mut labels, &Command::Assign(None), &config);
        assert_eq!(labels, ["bug", "agent:gone", "agent:agent-2", "parallel"]);
        relabel(&mut labels, &Command::Release, &config);
        assert_eq!(labels, ["bug", "agent:gone"]);
        relabel(&mut labels, &Command::Status, &config);
        assert_eq!(labels, ["bug", "agent:gone"]);
    }

    fn comment(body: &str, access: Access, on_pull_request: bool) -> CommandComment {
        CommandComment {
            issue: IssueNumber(5),
            on_pull_request,
            comment: CommentId(77),
            author: super::super::snapshot::Author {
                login: "mona".into(),
                is_bot: false,
                is_app: false,
                access,
            },
            body: body.into(),
        }
    }

    #[test]
    fn obeyed_commands_relabel_and_get_a_thumbs_up() {
        let decision = decide(
            &comment(
                "/switchyard assign agent-2
/switchyard status",
                Access::Write,
                false,
            ),
            &Config::default(),
        );
        assert_eq!(decision.relabel, [Command::Assign(Some("agent-2".into()))]);
        assert_eq!(decision.replies, [ReplyPart::Status]);
        assert_eq!(decision.reaction, Some(Reaction::ThumbsUp));
    }

    #[test]
    fn a_reader_is_told_why_not_and_nothing_changes() {
        let decision = decide(
            &comment("/switchyard release", Access::Read, false),
            &Config::default(),
        );
        assert!(decision.relabel.is_empty());
        assert_eq!(
            decision.replies,
            [ReplyPart::Refused {
                login: "mona".into(),
                access: Access::Read
            }]
        );
        assert_eq!(decision.reaction, Some(Reaction::Confused));
    }

    #[test]
    fn bots_the_app_and_plain_comments_are_ignored() {
        let config = Config::default();
        let mut from_bot = comment("/switchyard release", Access::Admin, false);
        from_bot.author.is_bot = true;
        let mut from_app = from_bot.clone();
        from_app.author.is_app = true;
        for ignored in [from_bot, from_app, comment("thanks!", Access::Admin, false)] {
            let decision = decide(&ignored, &config);
            assert_eq!(decision.reaction, None);
            assert!(decision.replies.is_empty() && decision.relabel.is_empty());
        }
    }

    #[test]
    fn a_comment_of_65536_characters_has_its_command_found() {
        let command = "\n/switchyard release";
        let body = format!("{}{command}", "word ".repeat((65_536 - command.len()) / 5));
        assert_eq!(commands(&body), [Ok(Command::Release)]);
        let unclosed = format!("{}\n/switchyard status", "<!--".repeat(16_379));
        assert_eq!(commands(&unclosed), [], "inside an HTML comment");
        let long_word = format!("/switchyard {}", "x".repeat(65_524));
        assert!(matches!(
            &commands(&long_word)[..],
            [Err(CommandErrorKind::UnknownCommand { word, suggestion: None })] if word.len() == 65_524
        ));
    }

    #[test]
    fn past_ten_commands_a_comment_is_told_the_rest_were_not_obeyed() {
        let body = "/switchyard assign\n/switchyard release\n".repeat(1_927);
        let decision = decide(&comment(&body, Access::Write, false), &Config::default());
        assert_eq!(decision.relabel.len(), MAX_COMMANDS);
        assert_eq!(decision.replies, [ReplyPart::TooMany { ignored: 3_844 }]);
        assert_eq!(decision.reaction, Some(Reaction::Confused));
    }

    #[test]
    fn assign_on_a_pull_request_is_an_error_but_status_works() {
        let decision = decide(
            &comment(
                "/switchyard assign agent-1
/switchyard status",
                Access::Admin,
                true,
            ),
            &Config::default(),
        );
        assert!(decision.relabel.is_empty());
        assert_eq!(
            decision.replies,
            [
                ReplyPart::Error(CommandError {
                    line: "/switchyard assign agent-1".into(),
                    kind: CommandErrorKind::NotAnIssue {
                        command: "assign".into()
                    }
                }),
                ReplyPart::Status
            ]
        );
        assert_eq!(decision.reaction, Some(Reaction::Confused));
    }
}
