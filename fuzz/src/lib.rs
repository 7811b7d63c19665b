//! What each fuzz target does with one input. `cargo fuzz` runs them on nightly; the App's own
//! tests replay the saved corpus through these same functions on stable
//! (`tests/it/fuzz_corpus.rs`), so a crash once found stays fixed.
//!
//! Each target checks what must hold whatever the input, not only that nothing panics.

use std::collections::HashMap;
use std::sync::OnceLock;
use switchyard::assign::{self, Board, CommandErrorKind, PlanTime, ReplyPart};
use switchyard::config::{self, Config};
use switchyard::globs::PathFilter;
use switchyard::ids::{PrNumber, Sha};
use switchyard::overlap::{self, BaseDiff, ChangedFile, FileStatus, Inputs, OpenPr, parse_patch};
use switchyard::setup::{CallbackRefusal, read_callback};
use switchyard::text::{self, MAX_COMMENT_CHARS, MAX_SUMMARY_CHARS};
use switchyard::webhook::{Disposition, WebhookSecrets, parse_event, route};

/// The webhook secret deliveries are signed with.
const SECRET: &str = "fuzz-secret";

/// The state the setup callback expects: the fuzzer meets it through the corpus.
pub const SETUP_STATE: &str = "5e1f0c0ffee0ddba11";

/// A delivery: the `X-GitHub-Event` header, a newline, then the body, signed with the secret.
/// It verifies, and the same body under a changed signature does not; what parses routes.
pub fn webhook(data: &[u8]) {
    let (event_name, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let event_name = String::from_utf8_lossy(event_name);
    let secrets = WebhookSecrets::parse(SECRET).expect("the fuzz secret is valid");
    let signature = secrets.sign(body);
    secrets
        .verify(Some(&signature), body)
        .expect("a body signed with the secret verifies");
    let last = if signature.ends_with('0') { "1" } else { "0" };
    let tampered = format!("{}{last}", &signature[..signature.len() - 1]);
    assert!(secrets.verify(Some(&tampered), body).is_err());

    let Ok(event) = parse_event(&event_name, body) else {
        return;
    };
    let _ = (event.name(), event.action());
    if let Disposition::Work { changes, jobs } = route(&event) {
        assert!(
            !(changes.is_empty() && jobs.is_empty()),
            "work with nothing in it"
        );
    }
}

/// Up to three patches of one file, parted by NUL: this PR's, another PR's on the same merge
/// base, and the default branch's since that base. Each parses or says where it stopped; the
/// engine judges the pair whatever they hold.
pub fn patch(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let ours = parts.next().unwrap_or_default();
    let theirs = parts.next().unwrap_or(ours);
    let base = parts.next();

    for side in [ours, theirs] {
        match parse_patch(side) {
            Ok(parsed) => {
                for change in &parsed.changes {
                    assert!(
                        change.old.start <= change.old.end && change.new.start <= change.new.end
                    );
                    let _ = (change.removed.iter().count(), change.added.iter().count());
                }
            }
            Err(e) => assert!(e.line >= 1 && e.line <= side.split('\n').count()),
        }
    }

    let file = |patch: &str| ChangedFile {
        filename: "src/lib.rs".into(),
        status: FileStatus::Modified,
        previous_filename: None,
        additions: 1,
        deletions: 1,
        changes: 2,
        patch: Some(patch.to_owned()),
    };
    let merge_base = Sha("b".repeat(40));
    let head = Sha("d".repeat(40));
    let pr = |number, patch| OpenPr {
        number: PrNumber(number),
        head_sha: Sha(format!("{number:040}")),
        merge_base: merge_base.clone(),
        files: vec![file(patch)],
        files_complete: true,
        lane: None,
    };
    let prs = [pr(1, ours), pr(2, theirs)];
    let base_diffs = HashMap::from([(
        merge_base.clone(),
        BaseDiff {
            files: base.map(file).into_iter().collect(),
            complete: true,
        },
    )]);
    let nothing = PathFilter::empty();
    let analysis = overlap::analyze(&Inputs {
        default_head: &head,
        prs: &prs,
        base_diffs: &base_diffs,
        ignore: &nothing,
        regenerated: &nothing,
        tracks: &[],
    });
    assert_eq!(analysis.prs.len(), 2);
    for pair in analysis.pairs() {
        assert_eq!(pair.files().count(), 1, "one file is shared");
        let _ = (pair.tier(), pair.may_conflict());
    }
}

/// A `.github/switchyard.yml`: valid, and its summary fits a check run; or its errors, each on
/// a line of the file, and their check text fits too.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    match config::parse(&text) {
        Ok(config) => {
            let check = text::config_valid(&config);
            assert!(check.summary.chars().count() <= MAX_SUMMARY_CHARS);
        }
        Err(errors) => {
            assert!(!errors.errors.is_empty(), "an error without a message");
            let lines = text.split('\n').count();
            for error in &errors.errors {
                assert!(
                    error.line <= lines,
                    "error on line {} of {lines}",
                    error.line
                );
            }
            let check = text::config_invalid(&errors);
            assert!(check.summary.chars().count() <= MAX_SUMMARY_CHARS);
        }
    }
}

/// A comment's body: its commands, and the reply to them within GitHub's comment limit.
pub fn commands(data: &[u8]) {
    let body = String::from_utf8_lossy(data);
    let config = lanes_config();
    let commands = assign::parse_commands(&body, config);
    let mut parts = Vec::new();
    for command in commands.into_iter().take(assign::MAX_COMMANDS) {
        match command {
            Ok(_) => parts.push(ReplyPart::Help),
            Err(error) => {
                if let CommandErrorKind::UnknownLane { name, .. } = &error.kind {
                    assert!(config.agents.iter().all(|lane| lane.name != *name));
                }
                parts.push(ReplyPart::Error(error));
            }
        }
    }
    let reply = text::assign::reply(&parts, config, &empty_board(), None);
    assert!(reply.chars().count() <= MAX_COMMENT_CHARS);
}

/// The query of a link to `/setup/callback`: it finishes a registration only with this
/// server's state and a code that may go into a URL.
pub fn setup_callback(data: &[u8]) {
    let query = String::from_utf8_lossy(data);
    match read_callback(&query, SETUP_STATE) {
        Ok(code) => {
            assert!(
                code.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            );
            assert!(query.contains(SETUP_STATE) || query.contains('%'));
        }
        Err(CallbackRefusal::WrongState | CallbackRefusal::NoCode) => {}
    }
}

fn lanes_config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        config::parse("agents:\n  - name: alpha\n  - name: beta\n  - name: gamma-2\n")
            .expect("the lanes parse")
    })
}

fn empty_board() -> Board {
    Board {
        lanes: Vec::new(),
        queued: Vec::new(),
        blocked: Vec::new(),
        merge_queue: None,
        time: PlanTime {
            work_hours: 0.0,
            parallel_hours: 0.0,
            lanes: 0,
            longest_chain: Vec::new(),
            longest_chain_hours: 0.0,
            unestimated: Vec::new(),
            left_out: Vec::new(),
        },
        plans: Vec::new(),
    }
}
