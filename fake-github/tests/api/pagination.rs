use std::collections::BTreeSet;

use fake_github::{FakeGitHub, FileChange, PrSpec};

use crate::client::Api;

#[tokio::test]
async fn link_headers_are_absolute_keep_the_query_and_lead_through_every_page() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    for _ in 0..75 {
        gh.open_pr("octo/repo", PrSpec::default());
    }
    let api = Api::installation(&gh, 7);

    let first = api
        .get("/repos/octo/repo/pulls?state=open&per_page=30")
        .await;
    assert_eq!(first.json.as_array().unwrap().len(), 30);
    let base = gh.url();
    assert_eq!(
        first.header("link"),
        Some(
            format!(
                "<{base}/repos/octo/repo/pulls?state=open&per_page=30&page=2>; rel=\"next\", \
                 <{base}/repos/octo/repo/pulls?state=open&per_page=30&page=3>; rel=\"last\""
            )
            .as_str()
        )
    );

    let mut seen = BTreeSet::new();
    let mut next = Some("/repos/octo/repo/pulls?state=open&per_page=30".to_owned());
    while let Some(url) = next {
        let page = api.get(&url).await;
        seen.extend(
            page.json
                .as_array()
                .unwrap()
                .iter()
                .map(|pull| pull["number"].as_u64().unwrap()),
        );
        next = page.link("next");
    }
    assert_eq!(seen, (1..=75).collect());

    let newest_first = api.get("/repos/octo/repo/pulls?per_page=2").await;
    assert_eq!(
        newest_first.json[0]["number"], 75,
        "GitHub lists newest first by default"
    );
    let capped = api.get("/repos/octo/repo/pulls?per_page=500").await;
    assert_eq!(capped.json.as_array().unwrap().len(), 75);
    assert_eq!(
        api.get("/repos/octo/repo/pulls")
            .await
            .json
            .as_array()
            .unwrap()
            .len(),
        30,
        "default per_page"
    );
}

#[tokio::test]
async fn pull_request_files_stop_at_three_thousand() {
    let gh = FakeGitHub::start().await;
    gh.install(7, "octo/repo");
    let files = (0..3500)
        .map(|index| FileChange::modified(format!("src/file{index}.rs")))
        .collect();
    let number = gh.open_pr(
        "octo/repo",
        PrSpec {
            files,
            ..PrSpec::default()
        },
    );
    let api = Api::installation(&gh, 7);

    let mut listed = 0;
    let mut next = Some(format!(
        "/repos/octo/repo/pulls/{number}/files?per_page=100"
    ));
    while let Some(url) = next {
        let page = api.get(&url).await;
        listed += page.json.as_array().unwrap().len();
        next = page.link("next");
    }
    assert_eq!(listed, 3000);
    let pull = api.get(&format!("/repos/octo/repo/pulls/{number}")).await;
    assert_eq!(pull.json["changed_files"], 3500);
}
