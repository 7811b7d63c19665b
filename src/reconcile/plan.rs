//! The desired state, computed from a snapshot alone: no I/O, so the same snapshot always
//! gives the same plan.

use super::apply::CheckRunSpec;
use super::snapshot::Snapshot;
use crate::config::{Config, Coordinate};
use crate::github::models::PullRequest;
use crate::text;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One check run per coordinated open PR's head.
    pub check_runs: Vec<CheckRunSpec>,
}

/// Whether Switchyard coordinates this pull request.
pub fn is_coordinated(config: &Config, pr: &PullRequest) -> bool {
    match config.coordinate {
        Coordinate::All => true,
        Coordinate::LaneBranches => config.lane_for_branch(&pr.head.name).is_some(),
    }
}

pub fn plan(snapshot: &Snapshot) -> Plan {
    let coordinated: Vec<&PullRequest> = snapshot
        .open_prs
        .iter()
        .filter(|pr| is_coordinated(&snapshot.config, pr))
        .collect();
    let total = coordinated.len();
    let check_runs = coordinated
        .iter()
        .enumerate()
        .map(|(i, pr)| {
            let earlier: Vec<_> = coordinated[..i].iter().map(|p| p.number).collect();
            let text = text::merge_order_by_arrival(i + 1, total, &earlier);
            CheckRunSpec {
                name: snapshot.config.merge_order.check_name.clone(),
                head_sha: pr.head.sha.clone(),
                conclusion: "neutral".into(),
                title: text.title,
                summary: text.summary,
            }
        })
        .collect();
    Plan { check_runs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::models::{Branch, User};
    use crate::ids::{PrNumber, Sha};

    fn pr(number: u64, branch: &str, minute: u32) -> PullRequest {
        PullRequest {
            number: PrNumber(number),
            title: format!("PR {number}"),
            body: None,
            state: "open".into(),
            draft: false,
            user: User {
                login: "dev".into(),
                kind: "User".into(),
            },
            created_at: chrono::DateTime::from_timestamp(1_700_000_000 + i64::from(minute) * 60, 0)
                .unwrap(),
            head: Branch {
                name: branch.into(),
                sha: Sha(format!("{number:040}")),
            },
            base: Branch {
                name: "main".into(),
                sha: Sha("0".repeat(40)),
            },
            merged_at: None,
            html_url: String::new(),
            labels: vec![],
        }
    }

    fn snapshot(prs: Vec<PullRequest>, config: Config) -> Snapshot {
        Snapshot {
            repo: "o/r".parse().unwrap(),
            default_branch: "main".into(),
            config,
            open_prs: prs,
            rerequested: Default::default(),
        }
    }

    #[test]
    fn only_lane_branches_are_coordinated_by_default() {
        let s = snapshot(
            vec![
                pr(1, "parallel-dev/agent-1", 0),
                pr(2, "feature/x", 1),
                pr(3, "parallel-dev/agent-2", 2),
            ],
            Config::default(),
        );
        let plan = plan(&s);
        let heads: Vec<_> = plan.check_runs.iter().map(|c| c.head_sha.clone()).collect();
        assert_eq!(
            heads,
            vec![Sha(format!("{:040}", 1)), Sha(format!("{:040}", 3))]
        );
        assert_eq!(plan.check_runs[1].title, "2nd of 2 by arrival");
        assert!(plan.check_runs.iter().all(|c| c.conclusion == "neutral"));
    }

    #[test]
    fn coordinate_all_takes_every_open_pr() {
        let config = Config {
            coordinate: Coordinate::All,
            ..Config::default()
        };
        let s = snapshot(vec![pr(1, "a", 0), pr(2, "b", 1)], config);
        assert_eq!(plan(&s).check_runs.len(), 2);
    }

    #[test]
    fn the_same_snapshot_gives_the_same_plan() {
        let s = snapshot(vec![pr(1, "parallel-dev/agent-1", 0)], Config::default());
        assert_eq!(plan(&s), plan(&s));
    }
}
