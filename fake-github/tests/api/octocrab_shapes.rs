//! The app talks to GitHub through octocrab; every shape it reads must deserialize into
//! octocrab's models, and its real RS256 JWTs must be accepted.

use fake_github::{FakeGitHub, FileChange, IssueSpec, PrSpec, TEST_PRIVATE_KEY_PEM};
use octocrab::Octocrab;
use octocrab::models::reactions::ReactionContent;
use octocrab::params::repos::{Commitish, Reference};

const HEAD: &str = "3333333333333333333333333333333333333333";

#[tokio::test]
async fn octocrab_authenticates_as_the_app_and_reads_every_shape() {
    let gh = FakeGitHub::start().await;
    gh.set_app_id(42);
    gh.install(7, "octo/repo");
    gh.repo("octo/repo")
        .file("main", ".github/switchyard.yml", "agents: [alpha]\n");
    let pr = gh.open_pr(
        "octo/repo",
        PrSpec {
            body: Some("Lane alpha".into()),
            labels: vec!["lane".into()],
            files: vec![
                FileChange::modified("src/lib.rs"),
                FileChange::renamed("old.rs", "new.rs"),
            ],
            ..PrSpec::new("lane/alpha", HEAD)
        },
    );
    gh.approve("octo/repo", pr, "alice");
    gh.comment("octo/repo", pr, "alice", "looks right");
    gh.add_issue("octo/repo", IssueSpec::new("Tracking"));

    let key = octocrab::EncodingKey::from_rsa_pem(TEST_PRIVATE_KEY_PEM.as_bytes())
        .expect("test key parses");
    let app = Octocrab::builder()
        .base_uri(gh.url())
        .unwrap()
        .app(42.into(), key)
        .build()
        .unwrap();
    let github = app.installation(7.into()).unwrap();

    let repo = github.repos("octo", "repo").get().await.unwrap();
    assert_eq!(repo.default_branch.as_deref(), Some("main"));

    let pulls = github.pulls("octo", "repo").list().send().await.unwrap();
    assert_eq!(pulls.items[0].number, pr);
    let pull = github.pulls("octo", "repo").get(pr).await.unwrap();
    assert_eq!(pull.head.sha, HEAD);
    let files = github.pulls("octo", "repo").list_files(pr).await.unwrap();
    assert_eq!(files.items[1].previous_filename.as_deref(), Some("old.rs"));
    let reviews = github
        .pulls("octo", "repo")
        .list_reviews(pr)
        .send()
        .await
        .unwrap();
    assert_eq!(reviews.items[0].commit_id.as_deref(), Some(HEAD));

    let issues = github.issues("octo", "repo");
    assert_eq!(issues.list().send().await.unwrap().items.len(), 2);
    assert_eq!(issues.get(pr).await.unwrap().labels[0].name, "lane");
    let comment = issues.create_comment(pr, "Merge order: 1st").await.unwrap();
    assert_eq!(comment.user.login, "switchyard[bot]");
    issues
        .create_comment_reaction(comment.id, ReactionContent::Eyes)
        .await
        .unwrap();
    assert_eq!(
        issues.list_comments(pr).send().await.unwrap().items.len(),
        2
    );
    issues
        .add_labels(pr, &["agent:alpha".to_owned()])
        .await
        .unwrap();
    let left = issues.remove_label(pr, "agent:alpha").await.unwrap();
    assert_eq!(left.len(), 1);

    let checks = github.checks("octo", "repo");
    let run = checks
        .create_check_run("Merge order", HEAD)
        .send()
        .await
        .unwrap();
    let listed = checks
        .list_check_runs_for_git_ref(Commitish(HEAD.into()))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.check_runs[0].id, run.id);

    let mut content = github
        .repos("octo", "repo")
        .get_content()
        .path(".github/switchyard.yml")
        .r#ref("main")
        .send()
        .await
        .unwrap();
    assert_eq!(
        content.take_items()[0].decoded_content().as_deref(),
        Some("agents: [alpha]\n")
    );
    let main = github
        .repos("octo", "repo")
        .get_ref(&Reference::Branch("main".into()))
        .await
        .unwrap();
    assert_eq!(main.ref_field, "refs/heads/main");
    let comparison = github
        .commits("octo", "repo")
        .compare("main", HEAD)
        .send()
        .await
        .unwrap();
    assert_eq!(comparison.files.unwrap().len(), 2);

    assert_eq!(
        gh.count("POST /app/installations/7/access_tokens"),
        1,
        "the token is cached"
    );
}
