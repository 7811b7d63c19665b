//! `switchyard plan read` measured against plans with a careful reading beside them: the
//! shapes in `../shared/plans/` and the public plans in `fixtures/plans/`, each scored
//! as `score.py` scores it, against the goals the reader is held to.

mod apply;
pub(crate) mod github;
mod score;

use crate::support::switchyard;
use score::{Counts, load, metrics, score_doc};
use std::path::Path;
use switchyard::planfile;

const SHARED_PLANS: &str = "../shared/plans";
const OWN_PLANS: &str = "fixtures/plans";

/// Every `<name>.md` beside a `<name>.truth.json` in `dir`, read and scored; the totals.
fn score_dir(dir: &Path) -> Counts {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".truth.json").map(str::to_owned)
        })
        .collect();
    names.sort();
    assert!(!names.is_empty(), "no truths in {}", dir.display());
    let mut total = Counts::default();
    for name in names {
        let truth: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(format!("{name}.truth.json"))).unwrap(),
        )
        .unwrap();
        let markdown = std::fs::read_to_string(dir.join(format!("{name}.md"))).unwrap();
        let reading = serde_json::to_value(planfile::read(&markdown)).unwrap();
        let counts = score_doc(&load(&truth), &load(&reading));
        eprintln!("{name}: {:?}", metrics(&counts));
        total += counts;
    }
    total
}

fn assert_goals(dir: &Path) {
    let total = metrics(&score_dir(dir));
    eprintln!("{}: {total:?}", dir.display());
    assert!(total.item_recall >= 0.9, "{total:?}");
    assert!(total.item_precision >= 0.9, "{total:?}");
    assert!(total.file_f1 >= 0.85, "{total:?}");
    assert!(total.dep_f1 >= 0.8, "{total:?}");
    assert!(total.est_exact >= 0.8, "{total:?}");
}

#[cfg_attr(no_shared_plans, ignore = "needs ../shared/plans")]
#[test]
fn the_shared_plans_are_read_within_the_goals() {
    assert_goals(Path::new(SHARED_PLANS));
}

#[test]
fn the_collected_public_plans_are_read_within_the_goals() {
    assert_goals(Path::new(OWN_PLANS));
}

#[test]
fn a_reading_that_misses_items_scores_below_the_goals() {
    // The scorer itself can fail: a reading with one item of four and no dependencies.
    let truth = serde_json::json!({"items": [
        {"name": "A: One", "files": ["a.rs"], "depends_on": [], "estimate_hours": 1},
        {"name": "B: Two", "files": ["b.rs"], "depends_on": ["A: One"], "estimate_hours": 2},
        {"name": "C: Three", "files": ["c/"], "depends_on": ["A: One"], "estimate_hours": null},
        {"name": "D: Four", "files": ["d.rs"], "depends_on": ["B: Two"], "estimate_hours": 4},
    ]});
    let reading = serde_json::json!({"items": [
        {"name": "B: Two", "files": ["b.rs", "x.rs"], "depends_on": [], "estimate_hours": 3},
    ]});
    let total = metrics(&score_doc(&load(&truth), &load(&reading)));
    assert_eq!(total.item_recall, 0.25);
    assert_eq!(total.item_precision, 1.0);
    assert!((total.file_f1 - 2.0 / 3.0).abs() < 1e-9, "{total:?}");
    assert_eq!(total.dep_f1, 0.0);
    assert_eq!(total.est_exact, 0.0);
}

#[test]
fn plan_read_prints_items_with_lines_or_json_in_the_schema() {
    let plan = Path::new(OWN_PLANS).join("hive-mcp-dry-audit.md");
    let output = switchyard()
        .args(["plan", "read", "--json"])
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &json["items"][0];
    assert_eq!(first["name"], "Track 1: Foundation Macros");
    for field in [
        "files",
        "depends_on",
        "estimate_hours",
        "subtasks",
        "agent",
        "parallel",
        "line",
    ] {
        assert!(first.get(field).is_some(), "{field} missing in {first}");
    }
    assert_eq!(first["parallel"], false);

    let output = switchyard()
        .args(["plan", "read"])
        .arg(&plan)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("5 work items"), "{text}");
    assert!(
        text.contains("line 156: Track 1: Foundation Macros (runs alone)"),
        "{text}"
    );
    assert!(
        text.contains("line 186: Track 5: Cleanup names no files"),
        "{text}"
    );

    let output = switchyard()
        .args(["plan", "read", "/nonexistent/PLAN.md"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with("switchyard: /nonexistent/PLAN.md: ")
    );
}
