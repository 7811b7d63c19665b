//! `/switchyard` commands in comments: obeyed from people with write access, refused with a
//! reason from others, ignored from bots, the App itself and code blocks.

use super::story::Story;
use crate::support::REPO;

const MAINTAINER: &str = "mona";
const READER: &str = "hubot-fan";

async fn story() -> Story {
    let s = Story::start().await;
    s.h.gh.set_permission(REPO, MAINTAINER, "maintain");
    s.h.gh.set_permission(REPO, READER, "read");
    s
}

/// The reactions on a comment, as `user:content`.
fn reactions(s: &Story, number: u64, comment: u64) -> Vec<String> {
    s.h.gh
        .comments(REPO, number)
        .into_iter()
        .find(|c| c.id == comment)
        .expect("the comment")
        .reactions
        .into_iter()
        .map(|r| format!("{}:{}", r.user, r.content))
        .collect()
}

/// The App's replies: its comments other than the assignment comment.
fn replies(s: &Story, number: u64) -> Vec<String> {
    s.h.app_comments(number)
        .into_iter()
        .filter(|body| !body.contains("<!-- switchyard:assign -->"))
        .collect()
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn assign_and_release_act_through_labels() {
    let s = story().await;
    let issue = s.issue("Parser", "");
    let (comment, status) = s.comment(issue, MAINTAINER, "/switchyard assign").await;
    assert_eq!(status, 202);
    s.settle().await;
    assert_eq!(s.labels(issue), ["agent:agent-1", "parallel"]);
    assert_eq!(
        reactions(&s, issue, comment),
        [format!("{}:+1", s.h.gh.bot_login())]
    );
    assert!(replies(&s, issue).is_empty(), "a thumbs-up says it all");

    s.comment(issue, MAINTAINER, "/switchyard assign agent-3")
        .await;
    s.settle().await;
    assert_eq!(s.labels(issue), ["agent:agent-3", "parallel"]);
    assert!(
        s.task_comment(issue)
            .contains("**Assigned to lane `agent-3`**")
    );

    s.comment(issue, MAINTAINER, "/switchyard release").await;
    s.settle().await;
    assert_eq!(s.labels(issue), Vec::<String>::new());
    assert!(
        s.task_comment(issue)
            .contains("**Released** from lane `agent-3`")
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn status_and_help_are_answered_in_a_reply() {
    let s = story().await;
    let issue = s.issue("Parser", "");
    s.label(issue, "parallel").await;
    s.settle().await;
    let board = s.boards()[0].number;
    s.comment(issue, MAINTAINER, "/switchyard status\n/switchyard help")
        .await;
    s.settle().await;
    let replies = replies(&s, issue);
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert!(replies[0].starts_with(&format!(
        "**Status** (the full board, with the merge queue, is #{board}):"
    )));
    assert!(replies[0].contains("Switchyard's commands, each at the start of a line"));
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn an_unknown_command_gets_the_valid_ones_and_a_guess() {
    let s = story().await;
    let issue = s.issue("Parser", "");
    let (comment, _) = s.comment(issue, MAINTAINER, "/switchyard asign").await;
    s.settle().await;
    assert_eq!(
        replies(&s, issue),
        [
            "`/switchyard asign`: `asign` is not a command; did you mean `assign`? The commands \
          are `assign [lane]`, `release`, `status` and `help`."
        ]
    );
    assert_eq!(
        reactions(&s, issue, comment),
        [format!("{}:confused", s.h.gh.bot_login())]
    );
    assert_eq!(s.labels(issue), Vec::<String>::new());
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn without_write_access_nothing_happens_and_the_reply_says_why() {
    let s = story().await;
    let issue = s.issue("Parser", "");
    let (comment, _) = s.comment(issue, READER, "/switchyard assign").await;
    s.settle().await;
    assert_eq!(s.labels(issue), Vec::<String>::new());
    assert_eq!(
        replies(&s, issue),
        [format!(
            "@{READER}: Switchyard takes commands only from people with write access to this \
             repository, and you have read access, so nothing was done."
        )]
    );
    assert_eq!(
        reactions(&s, issue, comment),
        [format!("{}:confused", s.h.gh.bot_login())]
    );
    assert!(s.boards().is_empty());
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn bots_the_app_and_code_blocks_give_no_commands() {
    let s = story().await;
    let issue = s.issue("Parser", "");
    let (_, status) = s
        .comment(issue, "ci-helper[bot]", "/switchyard assign")
        .await;
    assert_eq!(status, 200, "a bot's comment is not even queued");
    let (_, status) = s
        .comment(issue, s.h.gh.bot_login().as_str(), "/switchyard release")
        .await;
    assert_eq!(status, 200, "nor is the App's own");
    let (quoted, status) = s
        .comment(
            issue,
            MAINTAINER,
            "Run this:\n```\n/switchyard assign\n```\n> /switchyard release",
        )
        .await;
    assert_eq!(status, 202);
    s.settle().await;
    assert_eq!(s.labels(issue), Vec::<String>::new());
    assert!(reactions(&s, issue, quoted).is_empty());
    assert_eq!(
        replies(&s, issue),
        ["/switchyard release"],
        "only the comment this story wrote as the App"
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn a_command_is_answered_once_and_access_is_asked_once() {
    let s = story().await;
    let issue = s.issue("Parser", "");
    let (comment, _) = s.comment(issue, MAINTAINER, "/switchyard help").await;
    s.settle().await;
    // The same comment's event again, under a new delivery id.
    let event = s.comment_event(issue, comment, MAINTAINER, "/switchyard help");
    assert_eq!(s.h.deliver("issue_comment", &event).await.0, 202);
    s.settle().await;
    assert_eq!(replies(&s, issue).len(), 1);

    s.comment(issue, MAINTAINER, "/switchyard status").await;
    s.settle().await;
    assert_eq!(replies(&s, issue).len(), 2);
    assert_eq!(
        s.h.gh.count("GET /repos/*/*/collaborators/*/permission"),
        1,
        "access is asked once and kept for a while"
    );
}

#[cfg_attr(no_shared_fixtures, ignore = "needs ../shared/fixtures")]
#[tokio::test]
async fn on_a_pull_request_status_works_and_assign_is_refused() {
    let s = story().await;
    let pr = s.h.open_lane_pr("agent-1", &["src/a.rs"]).await;
    s.settle().await;
    s.comment(pr, MAINTAINER, "/switchyard assign\n/switchyard status")
        .await;
    s.settle().await;
    let replies = replies(&s, pr);
    assert_eq!(replies.len(), 1, "{replies:?}");
    assert!(
        replies[0].starts_with("`/switchyard assign`: `assign` works on issues, not pull requests")
    );
    assert!(replies[0].contains("**Status**:"));
    assert_eq!(s.labels(pr), Vec::<String>::new());
}
