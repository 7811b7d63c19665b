//! The pull requests' plan on plain values.

use super::*;
use crate::config::{Config, Coordinate};
use crate::ids::{RepoName, Sha};
use std::collections::HashMap;

fn listing(number: u64) -> PrListing {
    PrListing {
        number: PrNumber(number),
        title: format!("Change {number}"),
        body: String::new(),
        draft: false,
        created_at: chrono::DateTime::from_timestamp(1_700_000_000 + number as i64, 0).unwrap(),
        head_branch: format!("work-{number}"),
        head_sha: Sha(format!("{number:040x}")),
        url: format!("https://github.com/o/r/pull/{number}"),
        labels: Vec::new(),
        depends_on: Vec::new(),
    }
}

fn snapshot(open_prs: Vec<PrListing>) -> PullSnapshot {
    PullSnapshot {
        repo: "o/r".parse::<RepoName>().unwrap(),
        repo_url: "https://github.com/o/r".into(),
        default_branch: "main".into(),
        default_head: Sha("f".repeat(40)),
        config: Config {
            coordinate: Coordinate::All,
            ..Config::default()
        },
        open_prs,
        prs: Vec::new(),
        base_diffs: HashMap::new(),
        approved: BTreeSet::new(),
        closed: BTreeSet::new(),
        commented: BTreeSet::new(),
        board_url: None,
        rerequested: BTreeSet::new(),
        config_changes: Vec::new(),
    }
}

fn run(plan: &PullPlan, number: u64) -> &CheckRunSpec {
    let head = listing(number).head_sha;
    plan.check_runs
        .iter()
        .find(|run| run.head_sha == head)
        .unwrap()
}

#[test]
fn an_approved_pull_request_goes_first_among_equals_and_a_draft_is_left_out() {
    let mut draft = listing(1);
    draft.draft = true;
    let mut snapshot = snapshot(vec![draft, listing(2), listing(3)]);
    snapshot.approved.insert(PrNumber(3));
    let plan = plan(&snapshot);
    assert_eq!(plan.order.order, [PrNumber(3), PrNumber(2)]);
    assert_eq!(run(&plan, 1).conclusion, Conclusion::Neutral);
    assert_eq!(run(&plan, 2).conclusion, Conclusion::Success);
    assert!(plan.comments.is_empty() && plan.handoffs.is_empty());
}

#[test]
fn a_closed_dependency_holds_nothing_back_and_an_open_one_does() {
    let mut waits = listing(2);
    waits.depends_on = vec![PrNumber(1), PrNumber(9)];
    let mut snapshot = snapshot(vec![listing(1), waits]);
    snapshot.closed.insert(PrNumber(9));
    let plan = plan(&snapshot);
    let waits_for: Vec<PrNumber> = plan.order.placements[&PrNumber(2)]
        .waits_for
        .iter()
        .map(|wait| wait.pr)
        .collect();
    assert_eq!(waits_for, [PrNumber(1)]);
    assert_eq!(run(&plan, 2).conclusion, Conclusion::Neutral);
}

#[test]
fn a_configuration_that_does_not_parse_fails_its_check_on_the_lines_of_its_errors() {
    let errors = crate::config::parse("agents: 2\ntrak: {}\n").unwrap_err();
    let run = config_check(&ConfigChange {
        head_sha: Sha("a".repeat(40)),
        version: ConfigVersion::Invalid(errors),
    });
    assert_eq!(run.conclusion, Conclusion::Failure);
    assert_eq!(
        run.annotations
            .iter()
            .map(|a| (a.level, a.start_line, a.title.as_str()))
            .collect::<Vec<_>>(),
        [(AnnotationLevel::Failure, 2, "Invalid configuration")]
    );
}
