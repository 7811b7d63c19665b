//! The engine end to end, on small repositories told as stories.

use super::engine::{Detail, analyze_split};
use super::parts::Split;
use super::*;
use crate::config::Track;
use crate::config::tests::track;
use crate::globs::PathFilter;
use crate::ids::{PrNumber, Sha};
use crate::test_rng::Rng;
use std::collections::HashMap;

const HEAD: &str = "head";

fn file(status: FileStatus, filename: &str, patch: Option<&str>) -> ChangedFile {
    ChangedFile {
        filename: filename.into(),
        status,
        previous_filename: None,
        additions: 0,
        deletions: 0,
        changes: 0,
        patch: patch.map(Into::into),
    }
}

fn modified(filename: &str, patch: &str) -> ChangedFile {
    file(FileStatus::Modified, filename, Some(patch))
}

fn renamed(from: &str, to: &str) -> ChangedFile {
    ChangedFile {
        previous_filename: Some(from.into()),
        ..file(FileStatus::Renamed, to, None)
    }
}

fn pr(number: u64, merge_base: &str, files: Vec<ChangedFile>) -> OpenPr {
    OpenPr {
        number: PrNumber(number),
        head_sha: Sha(format!("sha-{number}")),
        merge_base: Sha(merge_base.into()),
        files,
        files_complete: true,
        lane: None,
    }
}

/// A repository: open PRs, compares from merge bases, ignore globs and tracks.
struct Repo {
    head: Sha,
    prs: Vec<OpenPr>,
    base_diffs: HashMap<Sha, BaseDiff>,
    ignore: PathFilter,
    regenerated: PathFilter,
    tracks: Vec<Track>,
}

impl Repo {
    fn new(prs: Vec<OpenPr>) -> Self {
        Self {
            head: Sha(HEAD.into()),
            prs,
            base_diffs: HashMap::new(),
            ignore: PathFilter::default(),
            regenerated: PathFilter::default(),
            tracks: Vec::new(),
        }
    }

    fn with_base_diff(mut self, merge_base: &str, files: Vec<ChangedFile>, complete: bool) -> Self {
        self.base_diffs
            .insert(Sha(merge_base.into()), BaseDiff { files, complete });
        self
    }

    fn inputs(&self) -> Inputs<'_> {
        Inputs {
            default_head: &self.head,
            prs: &self.prs,
            base_diffs: &self.base_diffs,
            ignore: &self.ignore,
            regenerated: &self.regenerated,
            tracks: &self.tracks,
        }
    }

    fn analyze(&self) -> Analysis<'_> {
        analyze(&self.inputs())
    }
}

/// A patch of a file whose lines read `l1`, `l2`, ...: line `n` becomes `new`.
fn change_line(n: u32, new: &str) -> String {
    let start = n.saturating_sub(3).max(1);
    let mut patch = format!(
        "@@ -{start},{len} +{start},{len} @@\n",
        len = n + 3 - start + 1
    );
    for line in start..n {
        patch.push_str(&format!(" l{line}\n"));
    }
    patch.push_str(&format!("-l{n}\n+{new}\n"));
    for line in n + 1..=n + 3 {
        patch.push_str(&format!(" l{line}\n"));
    }
    patch
}

fn only_overlap<'r>(analysis: &'r Analysis) -> FileOverlap<'r> {
    let overlaps: Vec<_> = analysis.overlaps().collect();
    let [overlap] = overlaps[..] else {
        panic!("expected one overlap: {overlaps:#?}")
    };
    overlap
}

#[test]
fn two_prs_changing_the_same_line() {
    let repo = Repo::new(vec![
        pr(
            2,
            HEAD,
            vec![modified("src/app.rs", &change_line(5, "two"))],
        ),
        pr(
            1,
            HEAD,
            vec![modified("src/app.rs", &change_line(5, "one"))],
        ),
    ]);
    let analysis = repo.analyze();
    let overlap = only_overlap(&analysis);
    assert_eq!((overlap.a, overlap.b), (PrNumber(1), PrNumber(2)));
    assert_eq!(overlap.kind, FileOverlapKind::SameLines);
    assert_eq!(overlap.tier(), Tier::Lines);
    assert_eq!(overlap.certainty, Certainty::Exact);
    let lines = LineRange::new(5, 6);
    assert_eq!(
        overlap.regions,
        [Region {
            base: Some(lines),
            a_lines: lines,
            b_lines: lines
        }]
    );
    let pairs: Vec<_> = analysis.pairs().collect();
    assert_eq!(pairs.len(), 1);
    assert!(pairs[0].may_conflict());
}

#[test]
fn separate_regions_and_adjacent_lines() {
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![modified("a.rs", &change_line(2, "x"))]),
        pr(2, HEAD, vec![modified("a.rs", &change_line(9, "y"))]),
        pr(3, HEAD, vec![modified("a.rs", &change_line(3, "z"))]),
    ]);
    let analysis = repo.analyze();
    let kinds: Vec<_> = analysis
        .overlaps()
        .map(|o| (o.a.0, o.b.0, o.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (1, 2, FileOverlapKind::SeparateRegions),
            (1, 3, FileOverlapKind::SameLines),
            (2, 3, FileOverlapKind::SeparateRegions),
        ]
    );
    let conflicting: Vec<_> = analysis
        .pairs()
        .filter(|p| p.may_conflict())
        .map(|p| (p.a.0, p.b.0))
        .collect();
    assert_eq!(conflicting, [(1, 3)]);
}

#[test]
fn identical_changes_do_not_conflict() {
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![modified("a.rs", &change_line(4, "same"))]),
        pr(2, HEAD, vec![modified("a.rs", &change_line(4, "same"))]),
    ]);
    assert_eq!(
        only_overlap(&repo.analyze()).kind,
        FileOverlapKind::SeparateRegions
    );
}

#[test]
fn disjoint_files_do_not_meet() {
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![modified("a.rs", &change_line(4, "x"))]),
        pr(2, HEAD, vec![modified("b.rs", &change_line(4, "x"))]),
    ]);
    let analysis = repo.analyze();
    assert_eq!(analysis.overlaps().count(), 0);
    assert_eq!(analysis.prs.len(), 2);
}

#[test]
fn a_rename_is_followed() {
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![renamed("old.rs", "new.rs")]),
        pr(2, HEAD, vec![modified("old.rs", &change_line(4, "x"))]),
        pr(
            3,
            HEAD,
            vec![file(FileStatus::Added, "new.rs", Some("@@ -0,0 +1 @@\n+x"))],
        ),
    ]);
    let analysis = repo.analyze();
    let found: Vec<_> = analysis
        .overlaps()
        .map(|o| (o.a.0, o.b.0, o.path, o.path_in_a, o.path_in_b, o.kind))
        .collect();
    assert_eq!(
        found,
        [
            (
                1,
                2,
                "old.rs",
                "new.rs",
                "old.rs",
                FileOverlapKind::SeparateRegions
            ),
            (
                1,
                3,
                "new.rs",
                "new.rs",
                "new.rs",
                FileOverlapKind::PathClash
            ),
        ]
    );
}

#[test]
fn renaming_one_file_to_two_places_clashes() {
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![renamed("a.rs", "b.rs")]),
        pr(2, HEAD, vec![renamed("a.rs", "c.rs")]),
    ]);
    assert_eq!(
        only_overlap(&repo.analyze()).kind,
        FileOverlapKind::PathClash
    );
}

#[test]
fn a_binary_file_is_judged_at_file_level() {
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![file(FileStatus::Modified, "logo.png", None)]),
        pr(2, HEAD, vec![file(FileStatus::Modified, "logo.png", None)]),
    ]);
    let analysis = repo.analyze();
    let overlap = only_overlap(&analysis);
    assert_eq!(overlap.kind, FileOverlapKind::NoLineDetail);
    assert_eq!(
        overlap.certainty,
        Certainty::FileLevel {
            without_patch: Sides::Both
        }
    );
    assert_eq!(overlap.tier(), Tier::NoLineDetail);
    assert!(overlap.may_conflict());
}

/// A large diff GitHub sends without its patch, though it counts its lines.
fn too_large(filename: &str) -> ChangedFile {
    ChangedFile {
        additions: 4_200,
        deletions: 3_900,
        changes: 8_100,
        ..file(FileStatus::Modified, filename, None)
    }
}

#[test]
fn a_side_without_patch_is_never_separate_regions_whatever_the_merge_bases() {
    // The other side has hunks, the two PRs branched from different commits, and the default
    // branch changed the file since the older one: still no line detail, so may conflict.
    let repo = Repo::new(vec![
        pr(
            1,
            "old",
            vec![
                too_large("yarn.lock"),
                modified("src/a.rs", &change_line(5, "x")),
            ],
        ),
        pr(
            2,
            HEAD,
            vec![
                modified("yarn.lock", &change_line(40, "y")),
                modified("src/a.rs", &change_line(30, "y")),
            ],
        ),
        pr(
            3,
            "older",
            vec![modified("yarn.lock", &change_line(8, "z"))],
        ),
    ])
    .with_base_diff(
        "old",
        vec![modified("yarn.lock", &change_line(20, "main"))],
        true,
    )
    .with_base_diff("older", Vec::new(), false);
    let analysis = repo.analyze();
    let pair = |a: u64, b: u64| {
        analysis
            .pairs()
            .find(|p| (p.a.0, p.b.0) == (a, b))
            .expect("the pair shares yarn.lock")
    };
    for (a, b, without_patch) in [(1, 2, Sides::A), (1, 3, Sides::A)] {
        let pair = pair(a, b);
        let lock = pair.files().find(|f| f.path == "yarn.lock").unwrap();
        assert_eq!(lock.kind, FileOverlapKind::NoLineDetail, "#{a} #{b}");
        assert_eq!(lock.certainty, Certainty::FileLevel { without_patch });
        assert_eq!(lock.tier(), Tier::NoLineDetail);
        assert_eq!(
            pair.tier(),
            Tier::NoLineDetail,
            "separate regions elsewhere do not hide it"
        );
        assert!(pair.may_conflict());
    }
    let both_with_hunks = pair(2, 3);
    assert_ne!(both_with_hunks.tier(), Tier::NoLineDetail);
}

#[test]
fn regenerated_files_are_judged_by_their_lines_with_their_own_finding() {
    let mut repo = Repo::new(vec![
        pr(
            1,
            HEAD,
            vec![modified("web/yarn.lock", &change_line(5, "x"))],
        ),
        pr(
            2,
            HEAD,
            vec![modified("web/yarn.lock", &change_line(6, "y"))],
        ),
        pr(
            3,
            HEAD,
            vec![modified("web/yarn.lock", &change_line(90, "z"))],
        ),
        pr(4, HEAD, vec![too_large("web/yarn.lock")]),
    ]);
    repo.regenerated = PathFilter::new(&["**/yarn.lock"]).unwrap();
    let analysis = repo.analyze();
    let found: Vec<_> = analysis
        .overlaps()
        .map(|o| (o.a.0, o.b.0, o.kind, o.regions.len(), o.may_conflict()))
        .collect();
    assert_eq!(
        found,
        [
            (1, 2, FileOverlapKind::Regenerated, 0, true),
            (1, 3, FileOverlapKind::SeparateRegions, 0, false),
            (1, 4, FileOverlapKind::NoLineDetail, 0, true),
            (2, 3, FileOverlapKind::SeparateRegions, 0, false),
            (2, 4, FileOverlapKind::NoLineDetail, 0, true),
            (3, 4, FileOverlapKind::NoLineDetail, 0, true),
        ],
        "adjacent lines meet (git's rule) and keep no regions: nobody resolves a lock file's \
         lines; separate regions merge cleanly; a side without patch may conflict"
    );
    assert_eq!(
        analysis.pairs().next().map(|p| p.tier()),
        Some(Tier::Regenerated)
    );
}

#[test]
fn a_regenerated_file_past_the_compare_cap_is_fetched_like_any_other() {
    let mut repo = Repo::new(vec![
        pr(1, HEAD, vec![modified("yarn.lock", &change_line(5, "x"))]),
        pr(2, "old", vec![modified("yarn.lock", &change_line(90, "y"))]),
    ])
    .with_base_diff("old", Vec::new(), false);
    repo.regenerated = PathFilter::new(&["yarn.lock"]).unwrap();
    let fetched: Vec<String> = files_to_fetch(&repo.inputs())
        .into_iter()
        .map(|request| request.path)
        .collect();
    assert_eq!(
        fetched,
        ["yarn.lock"],
        "its lines are compared, so on different merge bases they need mapping"
    );
}

#[test]
fn both_adding_a_file_conflicts_unless_identical() {
    let added = |text| file(FileStatus::Added, "new.rs", Some(text));
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![added("@@ -0,0 +1 @@\n+one")]),
        pr(2, HEAD, vec![added("@@ -0,0 +1 @@\n+two")]),
        pr(3, HEAD, vec![added("@@ -0,0 +1 @@\n+one")]),
    ]);
    let kinds: Vec<_> = repo
        .analyze()
        .overlaps()
        .map(|o| (o.a.0, o.b.0, o.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            (1, 2, FileOverlapKind::SameLines),
            (1, 3, FileOverlapKind::SeparateRegions),
            (2, 3, FileOverlapKind::SameLines),
        ]
    );
}

#[test]
fn deleting_a_file_another_pr_modifies_conflicts() {
    let removed = file(
        FileStatus::Removed,
        "a.rs",
        Some("@@ -1,3 +0,0 @@\n-l1\n-l2\n-l3"),
    );
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![removed]),
        pr(
            2,
            HEAD,
            vec![modified("a.rs", "@@ -1,3 +1,3 @@\n l1\n-l2\n+x\n l3")],
        ),
    ]);
    assert_eq!(
        only_overlap(&repo.analyze()).kind,
        FileOverlapKind::SameLines
    );
}

#[test]
fn ignored_paths_never_overlap() {
    let mut repo = Repo::new(vec![
        pr(1, HEAD, vec![modified("Cargo.lock", &change_line(4, "x"))]),
        pr(2, HEAD, vec![modified("Cargo.lock", &change_line(4, "y"))]),
    ]);
    repo.ignore = PathFilter::new(&["*.lock"]).unwrap();
    assert_eq!(repo.analyze().overlaps().count(), 0);
}

#[test]
fn changing_paths_of_another_lanes_track_is_an_ownership_finding() {
    let mut repo = Repo::new(vec![
        OpenPr {
            lane: Some("agent-1".into()),
            ..pr(
                1,
                HEAD,
                vec![modified("src/ui/menu.rs", &change_line(4, "x"))],
            )
        },
        OpenPr {
            lane: Some("agent-2".into()),
            ..pr(
                2,
                HEAD,
                vec![modified("src/ui/menu.rs", &change_line(9, "x"))],
            )
        },
    ]);
    repo.tracks = vec![track("ui", &["src/ui/**"], Some("agent-2"))];
    let analysis = repo.analyze();
    assert_eq!(
        analysis.ownership,
        [OwnershipFinding {
            pr: PrNumber(1),
            pr_lane: Some("agent-1"),
            track: "ui",
            owner_lane: "agent-2",
            paths: vec!["src/ui/menu.rs"],
        }]
    );
}

/// The default branch inserted three lines at the top of `a.rs` since merge base `old`.
fn three_lines_inserted_on_top() -> ChangedFile {
    modified("a.rs", "@@ -1,3 +1,6 @@\n+n1\n+n2\n+n3\n l1\n l2\n l3")
}

#[test]
fn prs_on_different_merge_bases_are_compared_on_the_head() {
    let repo = Repo::new(vec![
        pr(1, "old", vec![modified("a.rs", &change_line(5, "x"))]),
        pr(2, HEAD, vec![modified("a.rs", &change_line(8, "y"))]),
        pr(3, HEAD, vec![modified("a.rs", &change_line(5, "z"))]),
    ])
    .with_base_diff("old", vec![three_lines_inserted_on_top()], true);
    let analysis = repo.analyze();
    let found: Vec<_> = analysis
        .overlaps()
        .map(|o| {
            (
                o.a.0,
                o.b.0,
                o.kind,
                o.certainty,
                o.regions.first().map(|r| (r.base, r.a_lines, r.b_lines)),
            )
        })
        .collect();
    let head_line_8 = Some(LineRange::new(8, 9));
    assert_eq!(
        found,
        [
            (
                1,
                2,
                FileOverlapKind::SameLines,
                Certainty::Exact,
                Some((head_line_8, LineRange::new(5, 6), LineRange::new(8, 9)))
            ),
            (
                1,
                3,
                FileOverlapKind::SeparateRegions,
                Certainty::Exact,
                None
            ),
            (
                2,
                3,
                FileOverlapKind::SeparateRegions,
                Certainty::Exact,
                None
            ),
        ]
    );
    assert!(
        analysis
            .prs
            .iter()
            .all(|r| r.base_conflicts.is_empty() && r.unmapped_files.is_empty())
    );
}

#[test]
fn a_file_past_the_compare_cap_is_fetched_then_compared_exactly() {
    let mut repo = Repo::new(vec![
        pr(1, "old", vec![modified("a.rs", &change_line(5, "x"))]),
        pr(2, HEAD, vec![modified("a.rs", &change_line(8, "y"))]),
    ])
    .with_base_diff("old", Vec::new(), false);
    let analysis = repo.analyze();
    let overlap = only_overlap(&analysis);
    assert_eq!(
        overlap.certainty,
        Certainty::Uncertain { unmapped: Sides::A }
    );
    assert!(overlap.may_conflict());
    assert_eq!(analysis.prs[0].unmapped_files, ["a.rs"]);
    drop(analysis);

    let requests = files_to_fetch(&repo.inputs());
    assert_eq!(
        requests,
        [FetchRequest {
            merge_base: Sha("old".into()),
            path: "a.rs".into()
        }]
    );
    let old_text: String = (1..=10).map(|n| format!("l{n}\n")).collect();
    let new_text = format!("n1\nn2\nn3\n{old_text}");
    let fetched = fetched_file("a.rs", Some(&old_text), Some(&new_text));
    if let Some(diff) = repo.base_diffs.get_mut(&Sha("old".into())) {
        diff.files.push(fetched);
    }
    let analysis = repo.analyze();
    let overlap = only_overlap(&analysis);
    assert_eq!(
        (overlap.kind, overlap.certainty),
        (FileOverlapKind::SameLines, Certainty::Exact)
    );
    assert!(files_to_fetch(&repo.inputs()).is_empty());
}

#[test]
fn prs_on_the_same_merge_base_compare_exactly_without_the_compare() {
    let repo = Repo::new(vec![
        pr(1, "old", vec![modified("a.rs", &change_line(5, "x"))]),
        pr(2, "old", vec![modified("a.rs", &change_line(5, "y"))]),
    ]);
    let analysis = repo.analyze();
    let overlap = only_overlap(&analysis);
    assert_eq!(
        (overlap.kind, overlap.certainty),
        (FileOverlapKind::SameLines, Certainty::Exact)
    );
    assert_eq!(
        overlap.regions[0].base, None,
        "the head's line numbers are unknown"
    );
    assert!(files_to_fetch(&repo.inputs()).is_empty());
}

#[test]
fn lines_the_default_branch_changed_under_a_pr_are_a_base_conflict() {
    let repo = Repo::new(vec![pr(
        1,
        "old",
        vec![modified("a.rs", &change_line(5, "x"))],
    )])
    .with_base_diff(
        "old",
        vec![modified("a.rs", &change_line(6, "changed on main"))],
        true,
    );
    let analysis = repo.analyze();
    let report = &analysis.prs[0];
    assert_eq!(
        report.base_conflicts,
        [BaseConflict {
            path: "a.rs",
            lines: vec![LineRange::new(5, 6)]
        }]
    );
    assert_eq!(report.unmapped_files, ["a.rs"]);
}

#[test]
fn a_pr_past_the_file_cap_says_so() {
    let repo = Repo::new(vec![OpenPr {
        files_complete: false,
        ..pr(1, HEAD, vec![modified("a.rs", &change_line(5, "x"))])
    }]);
    assert!(!repo.analyze().prs[0].files_complete);
}

#[test]
fn an_unreadable_patch_falls_back_to_file_level() {
    let repo = Repo::new(vec![
        pr(1, HEAD, vec![modified("a.rs", "@@ garbage")]),
        pr(2, HEAD, vec![modified("a.rs", &change_line(5, "y"))]),
    ]);
    let analysis = repo.analyze();
    assert_eq!(
        only_overlap(&analysis).certainty,
        Certainty::FileLevel {
            without_patch: Sides::A
        }
    );
}

#[test]
fn output_order_does_not_depend_on_input_order() {
    let prs = vec![
        pr(
            3,
            HEAD,
            vec![
                modified("b.rs", &change_line(2, "x")),
                modified("a.rs", &change_line(2, "x")),
            ],
        ),
        pr(
            1,
            HEAD,
            vec![
                modified("a.rs", &change_line(2, "y")),
                modified("b.rs", &change_line(7, "y")),
            ],
        ),
        pr(2, "old", vec![modified("b.rs", &change_line(2, "z"))]),
    ];
    let forward = Repo::new(prs.clone()).with_base_diff("old", Vec::new(), true);
    let mut reversed = prs;
    reversed.reverse();
    let backward = Repo::new(reversed).with_base_diff("old", Vec::new(), true);
    let (forward, backward) = (forward.analyze(), backward.analyze());
    assert_eq!(forward, backward);
    let keys: Vec<_> = forward.overlaps().map(|o| (o.a.0, o.b.0, o.path)).collect();
    assert_eq!(
        keys,
        [
            (1, 2, "b.rs"),
            (1, 3, "a.rs"),
            (1, 3, "b.rs"),
            (2, 3, "b.rs")
        ]
    );
    let pairs: Vec<_> = forward
        .pairs()
        .map(|p| (p.a.0, p.b.0, p.files().count()))
        .collect();
    assert_eq!(pairs, [(1, 2, 1), (1, 3, 2), (2, 3, 1)]);
}

/// A random file of a random PR: a real diff of a random edit (ASCII, so any byte is a
/// char boundary), a garbled patch, or none.
fn random_file(rng: &mut Rng) -> ChangedFile {
    let path = ["a.rs", "b.rs", "c.rs", "d/e.rs"][rng.below(4)];
    let old: String = (0..rng.below(12))
        .map(|_| format!("l{}\n", rng.below(5)))
        .collect();
    let mut new = old.clone();
    for _ in 0..=rng.below(2) {
        let at = rng.below(new.len() + 1);
        new.insert_str(at, ["x\n", "l1\n", "\n"][rng.below(3)]);
    }
    let patch = match rng.below(6) {
        0 => None,
        1 => Some("@@ -1,2 +1 @@\n garbled".to_owned()),
        _ => Some(diff_texts(&old, &new)),
    };
    let status = [
        FileStatus::Modified,
        FileStatus::Added,
        FileStatus::Removed,
        FileStatus::Renamed,
    ][rng.below(4)];
    ChangedFile {
        previous_filename: (status == FileStatus::Renamed).then(|| "old.rs".to_owned()),
        ..file(status, path, patch.as_deref())
    }
}

/// Up to `max_prs` (at most 61) PRs of random files on random merge bases, with random base diffs.
fn random_repo(rng: &mut Rng, max_prs: usize) -> Repo {
    let merge_bases = ["head", "m1", "m2", "m3"];
    let prs: Vec<OpenPr> = (0..rng.below(max_prs))
        .map(|n| {
            let files = (0..rng.below(4)).map(|_| random_file(rng)).collect();
            // Distinct numbers, out of order (61 is prime).
            pr(1 + n as u64 * 7 % 61, merge_bases[rng.below(4)], files)
        })
        .collect();
    let mut repo = Repo::new(prs);
    for merge_base in &merge_bases[1..rng.below(4) + 1] {
        let files = (0..rng.below(3)).map(|_| random_file(rng)).collect();
        repo = repo.with_base_diff(merge_base, files, rng.below(2) == 0);
    }
    repo
}

#[test]
fn random_repositories_never_panic_and_keep_the_output_in_order() {
    let mut rng = Rng(0xC0FF_EE00_1234_5678);
    for _ in 0..300 {
        let repo = random_repo(&mut rng, 8);
        let analysis = repo.analyze();
        let keys: Vec<_> = analysis
            .overlaps()
            .map(|o| (o.a, o.b, o.path, o.path_in_a, o.path_in_b))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
        for overlap in analysis.overlaps() {
            assert!(overlap.a < overlap.b);
            assert_eq!(
                overlap.kind == FileOverlapKind::SameLines,
                !overlap.regions.is_empty()
            );
        }
        let _ = files_to_fetch(&repo.inputs());
    }
}

#[test]
fn splitting_the_work_over_threads_changes_nothing() {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    for _ in 0..40 {
        let repo = random_repo(&mut rng, 60);
        let whole = analyze_split(&repo.inputs(), Split::exactly(1), Detail::DEFAULT);
        for parts in [2, 3, 7] {
            assert_eq!(
                whole,
                analyze_split(&repo.inputs(), Split::exactly(parts), Detail::DEFAULT)
            );
        }
    }
}

#[test]
fn past_the_detail_limit_pairs_keep_a_few_files_of_each_tier_and_count_the_rest() {
    let few = Detail {
        full_up_to: 0,
        kept_per_tier: 1,
    };
    let mut rng = Rng(0x0DD5_F11E_5000_0001);
    let mut omitted = 0;
    for _ in 0..200 {
        let repo = random_repo(&mut rng, 30);
        let full = analyze_split(&repo.inputs(), Split::exactly(1), Detail::DEFAULT);
        let kept = analyze_split(&repo.inputs(), Split::exactly(1), few);
        assert_eq!(kept, analyze_split(&repo.inputs(), Split::exactly(3), few));
        assert_eq!(full.pairs().count(), kept.pairs().count());
        for (full, kept) in full.pairs().zip(kept.pairs()) {
            assert_eq!((full.a, full.b), (kept.a, kept.b));
            assert_eq!(full.tier(), kept.tier());
            assert_eq!(full.may_conflict(), kept.may_conflict());
            assert_eq!(full.omitted_files(), 0);
            let all: Vec<_> = full.files().collect();
            let some: Vec<_> = kept.files().collect();
            assert!(some.iter().all(|file| all.contains(file)), "{some:?}");
            assert_eq!(some.len() + kept.omitted_files() as usize, all.len());
            omitted += kept.omitted_files();
        }
    }
    assert!(omitted > 0, "some files were left out");
}
