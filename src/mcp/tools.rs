//! The tools: each builds the `switchyard local` command it stands for, runs it through the
//! one command layer with `--json` where the command has it, and answers its JSON as the
//! structured result (and as text, for clients that read only text).

use super::answers;
use super::command::Place;
use super::error::ToolError;
use super::lane;
use crate::local::repo::Repo;
use crate::text::errors;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{CallToolResult, ContentBlock, Implementation, ServerCapabilities, ServerConfig};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

/// The lane a tool acts for.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LaneArgs {
    /// The lane to act for, as the config names it. By default, the lane whose worktree the
    /// server runs in.
    #[serde(default)]
    pub lane: Option<String>,
}

/// A file, or some of its lines.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathLines {
    /// The file's path from the repository's root, e.g. `src/app.rs`.
    pub path: String,
    /// The first line asked about, from 1. Without it, the whole file.
    #[serde(default)]
    pub start_line: Option<u32>,
    /// The last line asked about. By default `start_line`.
    #[serde(default)]
    pub end_line: Option<u32>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TouchingArgs {
    /// The files (or lines) to ask about.
    #[schemars(length(min = 1))]
    pub paths: Vec<PathLines>,
    /// Compare the other lanes' commits only, not their uncommitted work.
    #[serde(default)]
    pub committed_only: bool,
    /// The lane asking, left out of the answer. By default, the lane whose worktree the server
    /// runs in.
    #[serde(default)]
    pub lane: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckArgs {
    /// Compare commits only, leaving uncommitted work out on every side.
    #[serde(default)]
    pub committed_only: bool,
    /// The lane whose work is checked. By default, the lane whose worktree the server runs in.
    #[serde(default)]
    pub lane: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimArgs {
    /// The paths (files or directories, from the repository's root) about to be changed.
    #[schemars(length(min = 1))]
    pub paths: Vec<String>,
    /// How long the claim holds, e.g. `2h` or `30m`. It expires then.
    #[serde(default, rename = "for")]
    pub duration: Option<String>,
    /// Why, for the other lanes to read.
    #[serde(default)]
    pub reason: Option<String>,
    /// The lane claiming. By default, the lane whose worktree the server runs in.
    #[serde(default)]
    pub lane: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnclaimArgs {
    /// The claimed paths to let go. None: all of the lane's claims.
    #[serde(default)]
    pub paths: Vec<String>,
    /// The lane whose claims these are. By default, the lane whose worktree the server runs
    /// in.
    #[serde(default)]
    pub lane: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskArgs {
    /// The task, when the lane holds more than one.
    #[serde(default)]
    pub task_id: Option<String>,
    /// The task's lane. By default, the lane whose worktree the server runs in.
    #[serde(default)]
    pub lane: Option<String>,
}

/// The MCP server: the tools over one repository, speaking for one lane by default.
#[derive(Clone)]
pub struct Server {
    place: Arc<Place>,
    tool_router: ToolRouter<Server>,
}

fn words(items: &[&str]) -> Vec<String> {
    items.iter().map(|&item| item.to_owned()).collect()
}

/// `path`, `path:42` or `path:10-20`, as `touching` reads them.
fn path_spec(asked: &PathLines) -> Result<String, ToolError> {
    match (asked.start_line, asked.end_line) {
        (None, None) => Ok(asked.path.clone()),
        (None, Some(_)) => Err(ToolError::Arguments(errors::end_line_alone(&asked.path))),
        (Some(0), _) => Err(ToolError::Arguments(errors::line_zero(&asked.path))),
        (Some(start), end) => match end.unwrap_or(start) {
            end if end < start => Err(ToolError::Arguments(errors::end_before_start(
                &asked.path,
                start,
                end,
            ))),
            end if end == start => Ok(format!("{}:{start}", asked.path)),
            end => Ok(format!("{}:{start}-{end}", asked.path)),
        },
    }
}

impl Place {
    fn repo(&self) -> Result<Repo, ToolError> {
        Ok(Repo::open(self.dir(), self.default_branch.as_deref())?)
    }

    /// The lane asked for, or the server's own.
    fn lane(&self, asked: Option<&str>) -> Result<String, ToolError> {
        lane::resolve(&self.repo()?, self.dir(), asked)
    }

    fn my_task(&self, lane: &str) -> Result<Value, ToolError> {
        let (status, _) = self.json(&words(&["status", "--json"]))?;
        answers::my_task(&status, lane)
            .ok_or_else(|| ToolError::Arguments(errors::board_has_no_lane(lane)))
    }

    /// A command that changes the task book and prints lines: what it said, and the lane's
    /// task afterwards.
    fn task_change(&self, command: &str, args: TaskArgs) -> Result<Value, ToolError> {
        let lane = self.lane(args.lane.as_deref())?;
        let mut line = words(&[command, "--", &lane]);
        line.extend(args.task_id);
        let said = self.run(&line)?;
        Ok(json!({
            "lane": lane,
            "said": said.text.lines().collect::<Vec<_>>(),
            "my_task": self.my_task(&lane)?,
        }))
    }
}

#[tool_router]
impl Server {
    pub fn new(place: Place) -> Server {
        Server {
            place: Arc::new(place),
            tool_router: Self::tool_router(),
        }
    }

    /// Runs `work` on the blocking pool (it drives git and the task book) and makes its answer
    /// the tool's result, or its one line the tool's error.
    async fn answer<F>(&self, work: F) -> CallToolResult
    where
        F: FnOnce(&Place) -> Result<Value, ToolError> + Send + 'static,
    {
        let place = Arc::clone(&self.place);
        let done = tokio::task::spawn_blocking(move || work(&place))
            .await
            .unwrap_or_else(|e| Err(ToolError::Stopped(e.to_string())));
        match done {
            Ok(value) => CallToolResult::structured(value),
            Err(e) => CallToolResult::error(vec![ContentBlock::text(e.to_string())]),
        }
    }

    /// Your lane, its branch and worktree, its task (null when it has none) with the tasks it
    /// depends on and where each stands, the tasks that wait on it, and the tasks queued or
    /// blocked for the lane.
    #[tool(annotations(read_only_hint = true))]
    async fn my_task(&self, Parameters(args): Parameters<LaneArgs>) -> CallToolResult {
        self.answer(move |place| {
            let lane = place.lane(args.lane.as_deref())?;
            place.my_task(&lane)
        })
        .await
    }

    /// Which other lanes (committed or uncommitted work) and which open claims change these
    /// files or lines. Ask before editing them. `touched` is true when anything does;
    /// `report` is `switchyard local touching --json`.
    #[tool(annotations(read_only_hint = true))]
    async fn touching(&self, Parameters(args): Parameters<TouchingArgs>) -> CallToolResult {
        self.answer(move |place| {
            if args.paths.is_empty() {
                return Err(ToolError::Arguments(errors::no_path_named()));
            }
            let specs = args
                .paths
                .iter()
                .map(path_spec)
                .collect::<Result<Vec<_>, _>>()?;
            let lane = place.lane(args.lane.as_deref())?;
            let mut line = words(&["touching", "--lane", &lane, "--json"]);
            if args.committed_only {
                line.push("--committed-only".into());
            }
            line.push("--".into());
            line.extend(specs);
            let (report, touched) = place.json(&line)?;
            Ok(json!({"lane": lane, "touched": touched, "report": report}))
        })
        .await
    }

    /// Your lane's committed and uncommitted work against every other lane and the default
    /// branch: the conflicts with their files and line ranges (`report`, which is
    /// `switchyard local conflicts --lane LANE --json`), whether there is any (`conflict`),
    /// and what to do about each (`todo`).
    #[tool(annotations(read_only_hint = true))]
    async fn check_my_changes(&self, Parameters(args): Parameters<CheckArgs>) -> CallToolResult {
        self.answer(move |place| {
            let lane = place.lane(args.lane.as_deref())?;
            let mut line = words(&["conflicts", "--lane", &lane, "--json"]);
            if args.committed_only {
                line.push("--committed-only".into());
            }
            let (report, conflict) = place.json(&line)?;
            let todo = answers::todo(&report, &lane);
            Ok(json!({"lane": lane, "conflict": conflict, "todo": todo, "report": report}))
        })
        .await
    }

    /// Claim paths you are about to change, so other lanes are told (advice, never a lock).
    /// The claim is for the lane's current task and expires after `for` (the command's default
    /// otherwise).
    #[tool(annotations(idempotent_hint = true, destructive_hint = false))]
    async fn claim(&self, Parameters(args): Parameters<ClaimArgs>) -> CallToolResult {
        self.answer(move |place| {
            if args.paths.is_empty() {
                return Err(ToolError::Arguments(errors::no_path_named()));
            }
            let lane = place.lane(args.lane.as_deref())?;
            let mut line = words(&["claim", "--lane", &lane]);
            if let Some(duration) = args.duration {
                line.extend(["--for".to_owned(), duration]);
            }
            if let Some(reason) = args.reason {
                line.extend(["--reason".to_owned(), reason]);
            }
            line.push("--".into());
            line.extend(args.paths);
            let said = place.run(&line)?;
            Ok(json!({"lane": lane, "said": said.text.lines().collect::<Vec<_>>()}))
        })
        .await
    }

    /// Let go of claimed paths: the ones named, or all of the lane's claims.
    #[tool(annotations(idempotent_hint = true, destructive_hint = false))]
    async fn unclaim(&self, Parameters(args): Parameters<UnclaimArgs>) -> CallToolResult {
        self.answer(move |place| {
            let lane = place.lane(args.lane.as_deref())?;
            let mut line = words(&["unclaim", "--lane", &lane]);
            if !args.paths.is_empty() {
                line.push("--".into());
                line.extend(args.paths);
            }
            let said = place.run(&line)?;
            Ok(json!({"lane": lane, "said": said.text.lines().collect::<Vec<_>>()}))
        })
        .await
    }

    /// Mark your lane's assigned task as started (`switchyard local start`). Answers what
    /// changed and `my_task` afterwards.
    #[tool(annotations(destructive_hint = false))]
    async fn start_task(&self, Parameters(args): Parameters<TaskArgs>) -> CallToolResult {
        self.answer(move |place| place.task_change("start", args))
            .await
    }

    /// Mark your lane's task as done (`switchyard local complete`): commit your work first.
    /// The lane and the tasks waiting on it move on. Answers what changed and `my_task`
    /// afterwards: the lane's next task, if one was waiting.
    #[tool(annotations(destructive_hint = false))]
    async fn complete_task(&self, Parameters(args): Parameters<TaskArgs>) -> CallToolResult {
        self.answer(move |place| place.task_change("complete", args))
            .await
    }

    /// The order to merge the lane branches in with the fewest rebases: which may merge now,
    /// which wait for which, and why (`switchyard local merge-order --json`).
    #[tool(annotations(read_only_hint = true))]
    async fn merge_order(&self) -> CallToolResult {
        self.answer(|place| Ok(place.json(&words(&["merge-order", "--json"]))?.0))
            .await
    }

    /// The whole board: every lane with its tasks, what is queued and blocked, and the plan's
    /// time (`switchyard local status --json`).
    #[tool(annotations(read_only_hint = true))]
    async fn board(&self) -> CallToolResult {
        self.answer(|place| Ok(place.json(&words(&["status", "--json"]))?.0))
            .await
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Server {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("switchyard", env!("CARGO_PKG_VERSION")))
            .with_instructions(crate::text::mcp::INSTRUCTIONS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(start_line: Option<u32>, end_line: Option<u32>) -> PathLines {
        PathLines {
            path: "src/app.rs".into(),
            start_line,
            end_line,
        }
    }

    #[test]
    fn lines_are_written_as_touching_reads_them() {
        assert_eq!(path_spec(&asked(None, None)).unwrap(), "src/app.rs");
        assert_eq!(path_spec(&asked(Some(42), None)).unwrap(), "src/app.rs:42");
        assert_eq!(path_spec(&asked(Some(4), Some(4))).unwrap(), "src/app.rs:4");
        assert_eq!(
            path_spec(&asked(Some(10), Some(20))).unwrap(),
            "src/app.rs:10-20"
        );
        let refused = |start, end| path_spec(&asked(start, end)).unwrap_err().to_string();
        assert_eq!(refused(Some(0), None), "src/app.rs: lines count from 1");
        assert_eq!(
            refused(Some(9), Some(3)),
            "src/app.rs: end_line 3 is before start_line 9"
        );
        assert_eq!(
            refused(None, Some(3)),
            "src/app.rs: end_line without start_line"
        );
    }

    #[test]
    fn every_tool_is_listed_with_an_object_schema() {
        let server = Server::new(Place {
            dir: ".".into(),
            default_branch: None,
        });
        let tools = server.tool_router.list_all();
        let mut names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            [
                "board",
                "check_my_changes",
                "claim",
                "complete_task",
                "merge_order",
                "my_task",
                "start_task",
                "touching",
                "unclaim"
            ]
        );
        for tool in &tools {
            assert_eq!(tool.input_schema["type"], "object", "{}", tool.name);
            assert!(tool.description.is_some(), "{}", tool.name);
        }
        let touching = tools.iter().find(|t| t.name == "touching").unwrap();
        assert_eq!(touching.input_schema["required"], json!(["paths"]));
    }
}
