//! Hostile input, each through the code that meets it in production: what comes of it, the
//! wall time it takes and the most heap it holds at once beyond what was live before it
//! started (a counting allocator wraps the system's).
//!
//! cargo bench --bench hostile

use axum::body::Body;
use http::Request;
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use switchyard::assign::{self, Access, Author, CommandComment};
use switchyard::config::{self, Config, Coordinate};
use switchyard::ids::{CommentId, IssueNumber, PrNumber, RepoName, Sha};
use switchyard::metrics::Metrics;
use switchyard::overlap::{ChangedFile, FileStatus, Inputs, OpenPr, analyze, parse_patch};
use switchyard::pulls::{PrListing, PullSnapshot, plan};
use switchyard::queue::{Queue, QueueSettings};
use switchyard::server::{AppState, BodyBudget, MAX_BODY_BYTES, router};
use switchyard::webhook::WEBHOOK_PATH;
use switchyard::webhook::WebhookSecrets;
use tower::ServiceExt;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let live = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call goes to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f`, printing its outcome with the time it took and its peak heap.
fn measure<T>(name: &str, f: impl FnOnce() -> T, outcome: impl FnOnce(&T) -> String) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let started = Instant::now();
    let result = f();
    let took = started.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    println!(
        "  {name}: {} in {}, peak heap {}",
        outcome(&result),
        duration(took),
        bytes(peak)
    );
}

fn duration(took: Duration) -> String {
    if took < Duration::from_millis(10) {
        format!("{:.2} ms", took.as_secs_f64() * 1e3)
    } else {
        format!("{:.0} ms", took.as_secs_f64() * 1e3)
    }
}

fn bytes(n: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if n < 1024 * 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{:.1} MB", n as f64 / MB)
    }
}

fn shortened(text: &str) -> String {
    let one_line = text.replace('\n', " ");
    if one_line.chars().count() > 110 {
        format!("{}…", one_line.chars().take(110).collect::<String>())
    } else {
        one_line
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    println!("a. webhook bodies of 25 MB (GitHub's cap), valid JSON:");
    runtime.block_on(webhook_bodies());
    println!("b. deeply nested YAML in .github/switchyard.yml:");
    nested_yaml();
    println!("c. a patch of a million lines:");
    million_line_patch();
    println!("d. a PR with 3,000 files, each changed by 100 other open PRs:");
    many_shared_files();
    println!("e. comments of 65,536 characters:");
    long_comments();
}

const SECRET: &str = "bench-secret";

async fn webhook_bodies() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let database = format!("sqlite://{}", dir.path().join("hostile.db").display());
    let store = switchyard::store::open(&database).expect("the store opens");
    let metrics = Arc::new(Metrics::new());
    let queue = Queue::new(store.clone(), QueueSettings::default(), metrics.clone());
    let app = router(AppState {
        store: store.clone(),
        secrets: WebhookSecrets::parse(SECRET).expect("a secret"),
        metrics,
        queue,
        bodies: BodyBudget::default(),
    });
    let limit = MAX_BODY_BYTES;
    let depth = (limit - 2) / 2;
    let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth)).into_bytes();
    let wide = padded_payload(limit, |room| {
        let mut padding = "[".to_owned();
        padding.push_str(&"[],".repeat(room / 3 - 1));
        padding.push_str("[]]");
        padding
    });
    let deep_field = padded_payload(limit, |room| {
        let half = room / 2;
        format!("{}{}", "[".repeat(half), "]".repeat(half))
    });
    for (name, body) in [
        ("nested 13 million deep", deep),
        (
            "a pull_request payload padded with 8 million empty arrays",
            wide,
        ),
        (
            "a pull_request payload padded with one array nested 13 million deep",
            deep_field,
        ),
    ] {
        let signature = WebhookSecrets::parse(SECRET).expect("a secret").sign(&body);
        let request = Request::post(WEBHOOK_PATH)
            .header("x-github-event", "pull_request")
            .header("x-github-delivery", format!("hostile-{}", name.len()))
            .header("x-hub-signature-256", signature)
            .header("content-type", "application/json")
            .body(Body::from(body))
            .expect("a request");
        let started = Instant::now();
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let response = app.clone().oneshot(request).await.expect("an answer");
        let status = response.status();
        let text = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap_or_default();
        let took = started.elapsed();
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        println!(
            "  {name}: {} \"{}\" in {}, peak heap {}",
            status.as_u16(),
            shortened(&String::from_utf8_lossy(&text)),
            duration(took),
            bytes(peak)
        );
    }
    let counts = store.job_counts().expect("the store answers");
    println!("  jobs queued after all three: {}", counts.queued);
}

/// A `pull_request` payload as GitHub sends it with a `padding` field that makes it `size`
/// bytes; `padding` gets the room left and returns the field's JSON.
fn padded_payload(size: usize, padding: impl FnOnce(usize) -> String) -> Vec<u8> {
    let payload = json!({
        "action": "opened",
        "number": 1,
        "pull_request": { "number": 1, "head": { "sha": "a".repeat(40), "ref": "x" } },
        "repository": { "full_name": "octo/repo", "default_branch": "main" },
        "installation": { "id": 7 },
        "padding": null
    })
    .to_string();
    let room = size - (payload.len() - "null".len());
    payload.replace("null", &padding(room)).into_bytes()
}

fn nested_yaml() {
    // GitHub's contents API hands over files of up to 1 MB inline.
    let flow = format!("agents: {}1{}", "[".repeat(500_000), "]".repeat(500_000));
    let block: String = (0..1_400)
        .map(|n| format!("{}k:\n", " ".repeat(n)))
        .collect();
    let mut aliases = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n".to_owned();
    for level in 1..10 {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        aliases.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    for (name, text) in [
        ("a flow list nested 500,000 deep (1 MB)", flow),
        ("a block mapping nested 1,400 deep (1 MB)", block),
        (
            "ten levels of aliases, ten each (10^10 nodes expanded)",
            aliases,
        ),
    ] {
        measure(
            name,
            || config::parse(&text),
            |parsed| match parsed {
                Ok(_) => "valid".to_owned(),
                Err(errors) => format!("\"{}\"", shortened(&errors.render(config::CONFIG_PATH))),
            },
        );
    }
}

fn sha(n: u64) -> Sha {
    Sha(format!("{n:040x}"))
}

/// A patch over lines `1..=lines` of `file.rs` changing the lines with `changes(line)`.
fn patch(lines: u32, tag: &str, changes: impl Fn(u32) -> bool) -> String {
    let mut text = format!("@@ -1,{lines} +1,{lines} @@\n");
    for line in 1..=lines {
        if changes(line) {
            text.push_str(&format!("-line {line}\n+{tag} {line}\n"));
        } else {
            text.push_str(&format!(" line {line}\n"));
        }
    }
    text.pop();
    text
}

fn open_pr(number: u64, files: Vec<ChangedFile>, default_head: &Sha) -> OpenPr {
    OpenPr {
        number: PrNumber(number),
        head_sha: sha(1000 + number),
        merge_base: default_head.clone(),
        files,
        files_complete: true,
        lane: None,
    }
}

fn modified(path: &str, patch: String) -> ChangedFile {
    ChangedFile {
        filename: path.to_owned(),
        status: FileStatus::Modified,
        previous_filename: None,
        additions: 0,
        deletions: 0,
        changes: 0,
        patch: Some(patch),
    }
}

fn million_line_patch() {
    const LINES: u32 = 1_000_000;
    let odd = patch(LINES, "a", |line| line % 2 == 1);
    let even = patch(LINES, "b", |line| line % 2 == 0);
    measure(
        "parsing it (every other line changed)",
        || parse_patch(&odd),
        |parsed| match parsed {
            Ok(patch) => format!("{} changes", patch.changes.len()),
            Err(e) => format!("refused: {e}"),
        },
    );
    let default_head = sha(1);
    let prs = vec![
        open_pr(1, vec![modified("file.rs", odd)], &default_head),
        open_pr(2, vec![modified("file.rs", even)], &default_head),
    ];
    let (ignore, regenerated) = (Default::default(), Default::default());
    let base_diffs = HashMap::new();
    measure(
        "two PRs changing alternate lines of it, analysed",
        || {
            let analysis = analyze(&Inputs {
                default_head: &default_head,
                prs: &prs,
                base_diffs: &base_diffs,
                ignore: &ignore,
                regenerated: &regenerated,
                tracks: &[],
            });
            analysis
                .overlaps()
                .map(|file| (file.tier(), file.regions.len()))
                .collect::<Vec<_>>()
        },
        |files| format!("{files:?} (tier, regions)"),
    );
}

fn many_shared_files() {
    const FILES: usize = 3_000;
    const PRS: u64 = 101;
    let default_head = sha(1);
    let paths: Vec<String> = (0..FILES)
        .map(|i| format!("src/module_{i}/file.rs"))
        .collect();
    let prs: Vec<OpenPr> = (1..=PRS)
        .map(|number| {
            let files = paths
                .iter()
                .map(|path| {
                    modified(
                        path,
                        format!("@@ -10,1 +10,1 @@\n-line 10\n+pr {number} line 10"),
                    )
                })
                .collect();
            open_pr(number, files, &default_head)
        })
        .collect();
    let open_prs = (1..=PRS)
        .map(|number| PrListing {
            number: PrNumber(number),
            title: format!("Change every module, take {number}"),
            body: String::new(),
            draft: false,
            created_at: chrono::DateTime::from_timestamp(1_700_000_000 + number as i64, 0)
                .expect("a time"),
            head_branch: format!("work-{number}"),
            head_sha: sha(1000 + number),
            url: format!("https://github.com/octo/repo/pull/{number}"),
            labels: Vec::new(),
            depends_on: Vec::new(),
        })
        .collect();
    let snapshot = PullSnapshot {
        repo: "octo/repo".parse::<RepoName>().expect("a name"),
        repo_url: "https://github.com/octo/repo".into(),
        default_branch: "main".into(),
        default_head,
        config: Config {
            coordinate: Coordinate::All,
            ..Config::default()
        },
        open_prs,
        prs,
        base_diffs: HashMap::new(),
        approved: BTreeSet::new(),
        closed: BTreeSet::new(),
        commented: BTreeSet::new(),
        board_url: None,
        rerequested: BTreeSet::new(),
        config_changes: Vec::new(),
    };
    let (ignore, regenerated) = (Default::default(), Default::default());
    measure(
        "the overlap engine alone",
        || {
            analyze(&Inputs {
                default_head: &snapshot.default_head,
                prs: &snapshot.prs,
                base_diffs: &snapshot.base_diffs,
                ignore: &ignore,
                regenerated: &regenerated,
                tracks: &[],
            })
            .pairs()
            .map(|pair| (pair.files().count(), pair.omitted_files()))
            .fold((0, 0, 0), |(pairs, kept, omitted), (k, o)| {
                (pairs + 1, kept + k, omitted + o)
            })
        },
        |(pairs, kept, omitted)| {
            format!("{pairs} pairs, {kept} file overlaps kept and {omitted} counted")
        },
    );
    measure(
        "the plan: overlaps, merge order, comments and check runs",
        || plan(&snapshot),
        |plan| {
            let longest_comment = plan.comments.iter().map(|c| c.body.chars().count()).max();
            let longest_summary = plan
                .check_runs
                .iter()
                .map(|r| r.summary.chars().count())
                .max();
            let annotations = plan.check_runs.iter().map(|r| r.annotations.len()).max();
            format!(
                "{} comments, the longest {} characters; {} check runs, the longest summary {} \
                 characters, at most {} annotations",
                plan.comments.len(),
                longest_comment.unwrap_or(0),
                plan.check_runs.len(),
                longest_summary.unwrap_or(0),
                annotations.unwrap_or(0)
            )
        },
    );
}

fn long_comments() {
    const LIMIT: usize = 65_536;
    let prose_then_command = {
        let command = "\n/switchyard status";
        format!("{}{command}", "word ".repeat((LIMIT - command.len()) / 5))
    };
    let commands = "/switchyard help\n".repeat(LIMIT / "/switchyard help\n".len());
    let one_long_word = format!("/switchyard {}", "x".repeat(LIMIT - "/switchyard ".len()));
    let comment_markers = format!(
        "{}\n/switchyard status",
        "<!--".repeat((LIMIT - "\n/switchyard status".len()) / 4)
    );
    for (name, body) in [
        ("prose, then a command on the last line", prose_then_command),
        ("3,855 commands, one a line", commands),
        ("one command whose word is 65,524 characters", one_long_word),
        ("16,379 unclosed `<!--`, then a command", comment_markers),
    ] {
        measure(
            name,
            || tasks_plan(&body),
            |plan| match plan.commands.first() {
                Some(outcome) => format!(
                    "{} command(s) found; reaction {:?}, reply of {} characters",
                    assign::parse_commands(&body, &Config::default()).len(),
                    outcome.reaction,
                    outcome.reply.as_deref().map_or(0, |r| r.chars().count())
                ),
                None => "nothing to answer".to_owned(),
            },
        );
    }
}

fn tasks_plan(body: &str) -> switchyard::tasks::Plan {
    let snapshot = assign::Snapshot {
        config: Config::default(),
        repo: "octo/repo".parse().expect("a name"),
        now: chrono::DateTime::from_timestamp(1_700_000_000, 0).expect("a time"),
        issues: Vec::new(),
        comments: Vec::new(),
        open_prs: Vec::new(),
        merged_prs: Vec::new(),
        branches: Vec::new(),
        labels: Vec::new(),
        assignments: Vec::new(),
        completions: Vec::new(),
        was_blocked: Vec::new(),
        status_issue: None,
        merge_queue: None,
        commands: vec![CommandComment {
            issue: IssueNumber(5),
            on_pull_request: false,
            comment: CommentId(900),
            author: Author {
                login: "mona".into(),
                is_bot: false,
                is_app: false,
                access: Access::Write,
            },
            body: body.to_owned(),
        }],
    };
    switchyard::tasks::plan(&snapshot)
}
