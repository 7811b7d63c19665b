//! A PR that changes the configuration gets a "Switchyard config" run on its own version.

use crate::support::{Harness, REPO};
use fake_github::{FileChange, PrSpec};

async fn pr_changing_config(h: &Harness, branch: &str, file: FileChange) -> u64 {
    let number = h.gh.open_pr(
        REPO,
        PrSpec {
            files: vec![file],
            ..PrSpec::new(branch, "")
        },
    );
    h.tell_pr(number, "opened").await;
    h.settle().await;
    number
}

fn config_run(h: &Harness, pr: u64) -> fake_github::CheckRun {
    let runs: Vec<_> =
        h.gh.check_runs(REPO, &h.head(pr))
            .into_iter()
            .filter(|r| r.name == "Switchyard config")
            .collect();
    assert_eq!(runs.len(), 1, "{runs:#?}");
    runs.into_iter().next().unwrap()
}

#[tokio::test]
async fn a_broken_config_shows_its_error_on_the_right_line() {
    let h = Harness::start().await;
    let text = "agents: 2\ncoordinate: all\ntrak: {}\n";
    let file = FileChange::modified(".github/switchyard.yml").with_contents(text);
    let pr = pr_changing_config(&h, "config/broken", file).await;
    let run = config_run(&h, pr);
    assert_eq!(run.conclusion.as_deref(), Some("failure"));
    assert_eq!(run.title.as_deref(), Some("1 error in the configuration"));
    assert_eq!(run.annotations.len(), 1);
    let annotation = &run.annotations[0];
    assert_eq!(
        (annotation.path.as_str(), annotation.start_line),
        (".github/switchyard.yml", 3)
    );
    assert_eq!(annotation.annotation_level, "failure");
    // The same verdict as `switchyard check-config` on the same file.
    let errors = switchyard::config::parse(text).unwrap_err();
    assert_eq!(annotation.message, errors.errors[0].message);
    assert!(
        run.summary
            .unwrap_or_default()
            .contains(&errors.render(".github/switchyard.yml"))
    );
}

#[tokio::test]
async fn a_valid_config_says_what_it_will_do() {
    let h = Harness::start().await;
    let text = "agents: [alpha, beta]\n";
    let file = FileChange::modified(".github/switchyard.yml").with_contents(text);
    let pr = pr_changing_config(&h, "config/lanes", file).await;
    let run = config_run(&h, pr);
    assert_eq!(run.conclusion.as_deref(), Some("success"));
    let summary = run.summary.unwrap_or_default();
    assert!(
        summary.contains(&switchyard::text::config_summary(
            &switchyard::config::parse(text).unwrap()
        )),
        "{summary}"
    );
    assert!(run.actions.is_empty());
}

#[tokio::test]
async fn removing_the_config_falls_back_to_defaults() {
    let h = Harness::start().await;
    let file = FileChange::removed(".github/switchyard.yml");
    let pr = pr_changing_config(&h, "config/remove", file).await;
    assert_eq!(
        config_run(&h, pr).title.as_deref(),
        Some("The configuration file is removed")
    );
}

#[tokio::test]
async fn the_pr_that_fixes_a_broken_config_gets_its_check() {
    let h = Harness::start().await;
    h.gh.repo(REPO).file(
        "main",
        ".github/switchyard.yml",
        "coordinate: all\ntrak: 1\n",
    );
    let text = "coordinate: all\n";
    let file = FileChange::modified(".github/switchyard.yml").with_contents(text);
    let pr = pr_changing_config(&h, "config/fix", file).await;
    let run = config_run(&h, pr);
    assert_eq!(run.conclusion.as_deref(), Some("success"));
    // Nothing else is published under the broken rules.
    assert_eq!(h.gh.check_runs(REPO, &h.head(pr)).len(), 1);
    assert_eq!(h.app().store.job_counts().unwrap().failed, 0);
}
