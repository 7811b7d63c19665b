//! Hostile input: webhook bodies of GitHub's 25 MB cap, deeply nested YAML, a patch of a
//! million lines, PRs sharing thousands of files, comments of 65,536 characters. Each gets a
//! defined answer, and what the App posts stays within GitHub's limits.

use crate::support::{Harness, INSTALLATION, REPO, delivery_id, pull_request_payload};
use fake_github::{FileChange, IssueSpec, PrSpec};
use serde_json::json;
use switchyard::server::MAX_BODY_BYTES;

/// `[[[…]]]` of `bytes` bytes at most: valid JSON, as deep as it can be.
fn nested_arrays(bytes: usize) -> String {
    let depth = bytes / 2;
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

fn jobs_waiting(h: &Harness) -> u64 {
    let counts = h.app().store.job_counts().expect("the store answers");
    counts.queued + counts.running
}

#[tokio::test]
async fn a_body_of_25_mb_of_nested_arrays_is_refused_and_nothing_is_recorded() {
    let h = Harness::start().await;
    let id = delivery_id();
    let body = nested_arrays(MAX_BODY_BYTES);
    let (status, text) = h.deliver_as("pull_request", &id, body.as_bytes()).await;
    assert_eq!(status, 400, "{text}");
    assert!(
        text.starts_with("the `pull_request` payload is not what GitHub sends: invalid type"),
        "{text}"
    );
    assert_eq!(jobs_waiting(&h), 0);
    // Not recorded either: the same delivery id is new when it comes with a real payload.
    let pr = h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    h.settle().await;
    let payload = pull_request_payload("synchronize", REPO, pr, &h.head(pr)).to_string();
    let (status, _) = h.deliver_as("pull_request", &id, payload.as_bytes()).await;
    assert_eq!(status, 202);
}

#[tokio::test]
async fn a_pull_request_payload_padded_to_25_mb_is_read_for_the_fields_it_needs() {
    let h = Harness::start().await;
    let pr = h.gh.open_pr(
        REPO,
        PrSpec {
            files: vec![FileChange::modified("src/a.rs")],
            ..PrSpec::new("parallel-dev/agent-1", "")
        },
    );
    let payload = pull_request_payload("opened", REPO, pr, &h.head(pr)).to_string();
    let open = payload.strip_suffix('}').expect("a JSON object");
    let room = MAX_BODY_BYTES - open.len() - r#","padding":}"#.len();
    for padding in [
        nested_arrays(room),
        format!("[{}[]]", "[],".repeat(room / 3 - 1)),
    ] {
        let body = format!(r#"{open},"padding":{padding}}}"#);
        assert!(body.len() <= MAX_BODY_BYTES);
        let (status, text) = h
            .deliver_as("pull_request", &delivery_id(), body.as_bytes())
            .await;
        assert_eq!(status, 202, "{text}");
        h.settle().await;
    }
    assert_eq!(h.merge_order_run(pr).title.as_deref(), Some("Merge now"));
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}

#[tokio::test]
async fn unsigned_deliveries_under_made_up_event_names_add_no_metric_series() {
    let h = Harness::start().await;
    for n in 0..50 {
        let headers = [
            ("x-github-event", format!("made-up-{n}")),
            ("x-github-delivery", delivery_id()),
        ];
        let (status, _) = h
            .request("POST", "/webhook", &headers, b"{}".to_vec())
            .await;
        assert_eq!(status, 401);
    }
    let (_, text) = h.request("GET", "/metrics", &[], vec![]).await;
    assert!(!text.contains("made-up"), "{text}");
    assert!(
        text.contains(
            r#"switchyard_webhook_deliveries_total{event="other",outcome="bad_signature"} 50"#
        ),
        "{text}"
    );
}

#[tokio::test]
async fn deeply_nested_yaml_in_a_config_pr_fails_its_check_with_a_clear_error() {
    let h = Harness::start().await;
    let text = format!("agents: {}\n", nested_arrays(200_000));
    let pr = h.gh.open_pr(
        REPO,
        PrSpec {
            files: vec![FileChange::modified(".github/switchyard.yml").with_contents(text)],
            ..PrSpec::new("config/deep", "")
        },
    );
    h.tell_pr(pr, "opened").await;
    h.settle().await;
    let run =
        h.gh.check_runs(REPO, &h.head(pr))
            .into_iter()
            .find(|r| r.name == "Switchyard config")
            .expect("a config run");
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(run.title.as_deref(), Some("1 error in the configuration"));
    assert_eq!(run.annotations.len(), 1);
    assert_eq!(
        run.annotations[0].message,
        "invalid YAML: lists and mappings nest more than 16 levels deep here; the settings need \
         five at most"
    );
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}

/// A patch over lines `1..=lines` of a file changing every other line, to `tag`.
fn every_other_line(lines: u32, tag: &str) -> String {
    let mut patch = format!("@@ -1,{lines} +1,{lines} @@");
    for line in 1..=lines {
        if line % 2 == 1 {
            patch.push_str(&format!("\n-line {line}\n+{tag} {line}"));
        } else {
            patch.push_str(&format!("\n line {line}"));
        }
    }
    patch
}

#[tokio::test]
async fn a_patch_of_a_million_lines_is_read_line_by_line() {
    let h = Harness::start().await;
    let huge = FileChange::modified("data/table.txt").with_patch(every_other_line(1_000_000, "a"));
    let a = h.open_pr_with("agent-1", "", vec![huge]).await;
    let one_line = "@@ -500001 +500001 @@\n-line 500001\n+b 500001";
    let b = h
        .open_pr_with(
            "agent-2",
            "",
            vec![FileChange::modified("data/table.txt").with_patch(one_line)],
        )
        .await;
    h.settle().await;
    let comment = h.app_comments(b).pop().expect("an overlap comment");
    assert!(
        comment.contains(&format!("- [#{a} ")) && comment.contains("same lines"),
        "{comment}"
    );
    assert!(
        comment.contains("`data/table.txt`: [line 500001](") && comment.contains("R500001) here"),
        "{comment}"
    );
    assert_eq!(h.merge_order_run(a).annotations.len(), 1);
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}

/// Seven separate one-line changes to a file, to `tag`.
fn seven_changes(path: &str, tag: &str) -> FileChange {
    let hunks: Vec<String> = (1..=7)
        .map(|n| format!("@@ -{0} +{0} @@\n-line {0}\n+{tag} {0}", n * 10))
        .collect();
    FileChange::modified(path).with_patch(hunks.join("\n"))
}

fn module(n: usize) -> String {
    format!("src/module_{n:04}/a_file_with_a_long_name.rs")
}

#[tokio::test]
async fn a_pr_with_3000_files_shared_with_others_gets_a_comment_within_githubs_limit() {
    let h = Harness::start().await;
    let all = |tag: &str| (0..3_000).map(|n| seven_changes(&module(n), tag)).collect();
    let big = h.open_pr_with("agent-1", "", all("a")).await;
    let twin = h.open_pr_with("agent-2", "", all("b")).await;
    let mut others = Vec::new();
    for lane in 0..6 {
        let files = (0..20)
            .map(|n| seven_changes(&module(n), &format!("c{lane}")))
            .collect();
        others.push(h.open_pr_with("agent-3", "", files).await);
    }
    h.settle().await;
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);

    let comment = h.app_comments(big).pop().expect("an overlap comment");
    assert!(comment.chars().count() <= 65_536);
    assert!(
        comment.contains("**Changes the same lines as 7 open pull requests.**"),
        "{comment}"
    );
    assert!(comment.contains("\n  - and 2990 more files\n"), "{comment}");
    assert!(comment.contains(" and 2 more here, "), "{comment}");
    let named = comment.matches("\n- [#").count();
    assert!(named < 7, "{named} named");
    let (rest, them) = (7 - named, if named == 6 { "request" } else { "requests" });
    assert!(
        comment.contains(&format!("\n- and {rest} more open pull {them} (#")),
        "{comment}"
    );
    assert!(comment.ends_with("<sub>Switchyard keeps this comment up to date.</sub>\n"));

    for pr in [big, twin, others[0]] {
        let run = h.merge_order_run(pr);
        assert!(run.summary.unwrap_or_default().chars().count() <= 65_535);
        assert_eq!(run.annotations.len(), 100, "#{pr}");
    }
}

/// `author` comments `body` on `issue`, and GitHub tells the App.
async fn comment(h: &Harness, issue: u64, author: &str, body: &str) -> u16 {
    let id = h.gh.comment(REPO, issue, author, body);
    let (status, _) = h
        .deliver(
            "issue_comment",
            &json!({
                "action": "created",
                "issue": { "number": issue },
                "comment": { "id": id, "body": body, "user": { "login": author, "type": "User" } },
                "repository": { "full_name": REPO, "default_branch": "main" },
                "installation": { "id": INSTALLATION },
                "sender": { "login": author, "type": "User" }
            }),
        )
        .await;
    status
}

fn replies(h: &Harness, issue: u64) -> Vec<String> {
    h.app_comments(issue)
        .into_iter()
        .filter(|body| !body.contains("<!-- switchyard:assign -->"))
        .collect()
}

#[tokio::test]
async fn comments_of_65536_characters_have_their_commands_found_and_answered_briefly() {
    let h = Harness::start().await;
    h.gh.set_permission(REPO, "mona", "maintain");
    let limit = 65_536;

    let issue = h.gh.add_issue(REPO, IssueSpec::new("Parser"));
    let last_line = "\n/switchyard status";
    let prose = format!(
        "{}{last_line}",
        "word ".repeat((limit - last_line.len()) / 5)
    );
    assert_eq!(comment(&h, issue, "mona", &prose).await, 202);
    h.settle().await;
    let reply = replies(&h, issue).pop().expect("a reply");
    assert!(reply.starts_with("**Status**:"), "{reply}");

    let issue = h.gh.add_issue(REPO, IssueSpec::new("Lexer"));
    let commands = "/switchyard help\n".repeat(limit / "/switchyard help\n".len());
    assert_eq!(comment(&h, issue, "mona", &commands).await, 202);
    h.settle().await;
    let reply = replies(&h, issue).pop().expect("a reply");
    assert_eq!(
        reply
            .matches("Switchyard's commands, each at the start")
            .count(),
        10
    );
    assert!(
        reply.ends_with(
            "Switchyard obeys the first 10 commands of a comment, and left the 3845 commands \
             after them undone."
        ),
        "{reply}"
    );

    let issue = h.gh.add_issue(REPO, IssueSpec::new("Printer"));
    let word = "x".repeat(limit - "/switchyard ".len());
    assert_eq!(
        comment(&h, issue, "mona", &format!("/switchyard {word}")).await,
        202
    );
    h.settle().await;
    let reply = replies(&h, issue).pop().expect("a reply");
    assert!(reply.len() < 400, "{reply}");
    assert!(reply.contains(&format!("`{}…` is not a command.", "x".repeat(60))));
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}
