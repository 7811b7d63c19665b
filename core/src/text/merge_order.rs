//! The "Merge order" check run's words: what concerns this one PR.

use super::{CheckText, MAX_SUMMARY_CHARS, and_more, code_list_of, plural, pr_list, within};
use crate::ids::PrNumber;
use crate::order::{Placement, WaitReason};

/// Paths named per reason, PRs named in a title; the rest are counted.
const PATHS_NAMED: usize = 3;
const PRS_NAMED: usize = 10;

/// Why two PRs conflict, by the files that make it so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConflictPaths {
    /// Both change the same lines (or their paths clash).
    pub same_lines: Vec<String>,
    /// Both change the same lines of these files, which are regenerated rather than merged
    /// (lock files).
    pub regenerated: Vec<String>,
    /// A conflict cannot be ruled out: a side has no line detail, or its lines could not be
    /// placed on the default branch.
    pub unsure: Vec<String>,
    /// Files both change beyond those above, left out of the analysis's detail.
    pub more_files: usize,
}

impl ConflictPaths {
    /// "both change the same lines of `a`; both change `yarn.lock` on the same lines
    /// (regenerate it after rebasing, don't merge it by hand)".
    fn long(&self) -> String {
        let mut parts = Vec::new();
        if !self.same_lines.is_empty() {
            parts.push(format!(
                "both change the same lines of {}",
                code_list_of(&self.same_lines, PATHS_NAMED)
            ));
        }
        if !self.regenerated.is_empty() {
            let it = if self.regenerated.len() == 1 {
                "it"
            } else {
                "them"
            };
            parts.push(format!(
                "both change {} on the same lines (regenerate {it} after rebasing, don't merge \
                 {it} by hand)",
                code_list_of(&self.regenerated, PATHS_NAMED)
            ));
        }
        if !self.unsure.is_empty() {
            parts.push(format!(
                "both change {}, which may conflict (no line detail)",
                code_list_of(&self.unsure, PATHS_NAMED)
            ));
        }
        if self.more_files > 0 {
            let n = self.more_files;
            parts.push(format!("they share {n} more {}", files(n)));
        }
        parts.join("; ")
    }

    /// "same lines of `a`; same lines of regenerated `yarn.lock`".
    fn short(&self) -> String {
        let mut parts = Vec::new();
        let named = |paths: &[String]| code_list_of(paths, PATHS_NAMED);
        if !self.same_lines.is_empty() {
            parts.push(format!("same lines of {}", named(&self.same_lines)));
        }
        if !self.regenerated.is_empty() {
            parts.push(format!(
                "same lines of regenerated {}",
                named(&self.regenerated)
            ));
        }
        if !self.unsure.is_empty() {
            parts.push(format!("may conflict in {}", named(&self.unsure)));
        }
        if self.more_files > 0 {
            let n = self.more_files;
            parts.push(format!("{n} more shared {}", files(n)));
        }
        parts.join("; ")
    }
}

fn files(count: usize) -> &'static str {
    if count == 1 { "file" } else { "files" }
}

/// "#1, #2 and #3", or the first few and a count of the rest.
fn pr_list_of(prs: &[PrNumber]) -> String {
    if prs.len() <= PRS_NAMED {
        return pr_list(prs);
    }
    let shown: Vec<String> = prs[..PRS_NAMED].iter().map(PrNumber::to_string).collect();
    and_more(&shown, prs.len() - PRS_NAMED)
}

fn reason_text(reason: &WaitReason<ConflictPaths>) -> String {
    match reason {
        WaitReason::DependsOn => "this pull request depends on it".into(),
        WaitReason::DependsOnUnqueued => {
            "this pull request depends on it, and it is not in the merge queue yet (a draft, \
             an issue without a pull request, or a pull request Switchyard does not coordinate)"
                .into()
        }
        WaitReason::Conflicts(paths) => paths.long(),
        WaitReason::DependsOnAndConflicts(paths) => {
            format!("this pull request depends on it, and {}", paths.long())
        }
    }
}

/// The run for a PR in the queue. `board_url` links the whole queue when the status board
/// exists.
pub fn merge_order_check(
    placement: &Placement<ConflictPaths>,
    board_url: Option<&str>,
) -> CheckText {
    let waits: Vec<PrNumber> = placement.waits_for.iter().map(|w| w.pr).collect();
    let title = match &placement.dependency_cycle {
        Some(cycle) => format!("Dependency cycle: {}", pr_list_of(cycle)),
        None if waits.is_empty() => "Merge now".to_owned(),
        None => format!("Merge after {}", pr_list_of(&waits)),
    };
    let mut summary = String::new();
    if let Some(cycle) = &placement.dependency_cycle {
        summary.push_str(&format!(
            "{} depend on each other in a circle, so none of them can go first. Remove one \
             \"Depends on\" line to break it.\n\n",
            pr_list(cycle)
        ));
    }
    if waits.is_empty() {
        summary.push_str(
            "**Merge now.** Nothing this pull request depends on or conflicts with has to land \
             before it.\n",
        );
    } else {
        summary.push_str("**Waits for:**\n");
        for wait in &placement.waits_for {
            summary.push_str(&format!("- {}: {}\n", wait.pr, reason_text(&wait.reason)));
        }
    }
    if !placement.will_force_rebase_on.is_empty() {
        summary.push_str("\n**Once this lands, these will need a rebase:**\n");
        for other in &placement.will_force_rebase_on {
            summary.push_str(&format!("- {} ({})\n", other.pr, other.reason.short()));
        }
    }
    if let Some(url) = board_url {
        summary.push_str(&format!(
            "\nThe whole merge queue is on the [status board]({url}).\n"
        ));
    }
    CheckText {
        title,
        summary: within(summary, MAX_SUMMARY_CHARS),
    }
}

/// The run on a temporary commit of GitHub's merge queue: `prs` is what the group merges
/// (empty when its branch name does not say), onto `base_branch`.
pub fn merge_group_check(prs: &[PrNumber], base_branch: &str) -> CheckText {
    let subject = match prs {
        [] => "This merge group is".to_owned(),
        [one] => format!("{one} is"),
        many => format!("{} are", pr_list(many)),
    };
    CheckText {
        title: "In GitHub's merge queue".into(),
        summary: format!(
            "**{subject} in GitHub's merge queue.** The merge order was judged when the queue \
             took {it} in; the queue now merges its pull requests onto `{base_branch}` one after \
             another, so nothing is left to wait for here.\n",
            it = if prs.len() > 1 { "them" } else { "it" },
        ),
    }
}

/// What an order costs, as the status board and local mode's merge order both say it: "This
/// order costs 2 rebases; the fewest possible is 2; arrival order would cost 4."
pub(crate) fn order_cost(rebases: usize, fewest: usize, proven: bool, arrival: usize) -> String {
    let fewest = if proven {
        format!("the fewest possible is {fewest}")
    } else {
        format!("no order can cost fewer than {fewest}")
    };
    format!(
        "This order costs {}; {fewest}; arrival order would cost {arrival}.",
        plural(rebases, "rebase", "rebases"),
    )
}

/// The run for a draft: it stays out of the queue until it is ready for review.
pub fn merge_order_draft() -> CheckText {
    CheckText {
        title: "Draft: not in the merge queue".into(),
        summary: "Drafts are left out of the merge order. Mark this pull request ready for \
                  review and its place in the order appears here."
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order::{ConflictWith, Wait};
    use crate::text::tests::shown;

    fn same_lines(paths: &[&str]) -> ConflictPaths {
        ConflictPaths {
            same_lines: paths.iter().map(|p| (*p).to_owned()).collect(),
            ..ConflictPaths::default()
        }
    }

    fn placement(
        waits: Vec<Wait<ConflictPaths>>,
        rebases: Vec<ConflictWith<ConflictPaths>>,
        cycle: Option<Vec<PrNumber>>,
    ) -> Placement<ConflictPaths> {
        Placement {
            waits_for: waits,
            will_force_rebase_on: rebases,
            dependency_cycle: cycle,
        }
    }

    #[test]
    fn waiting_for_a_hundred_prs_sharing_thousands_of_files_names_a_few_of_each() {
        let paths: Vec<String> = (0..10).map(|n| format!("src/module_{n}/file.rs")).collect();
        let reason = ConflictPaths {
            same_lines: paths,
            more_files: 2_990,
            ..ConflictPaths::default()
        };
        let waits = (1..=100)
            .map(|n| Wait {
                pr: PrNumber(n),
                reason: WaitReason::Conflicts(reason.clone()),
            })
            .collect();
        let rebases = (101..=200)
            .map(|n| ConflictWith {
                pr: PrNumber(n),
                reason: reason.clone(),
            })
            .collect();
        let text = merge_order_check(&placement(waits, rebases, None), None);
        assert_eq!(
            text.title,
            "Merge after #1, #2, #3, #4, #5, #6, #7, #8, #9, #10 and 90 more"
        );
        assert!(text.summary.chars().count() <= MAX_SUMMARY_CHARS);
        assert!(text.summary.contains(
            "- #100: both change the same lines of `src/module_0/file.rs`, \
             `src/module_1/file.rs`, `src/module_2/file.rs` and 7 more; they share 2990 more \
             files\n"
        ));
        assert!(text.summary.contains(
            "- #200 (same lines of `src/module_0/file.rs`, `src/module_1/file.rs`, \
             `src/module_2/file.rs` and 7 more; 2990 more shared files)\n"
        ));
    }

    #[test]
    fn merge_now_with_rebases_after_it() {
        let v = placement(
            vec![],
            vec![ConflictWith {
                pr: PrNumber(15),
                reason: same_lines(&["src/app.rs"]),
            }],
            None,
        );
        let text = merge_order_check(&v, Some("https://github.com/o/r/issues/3"));
        insta::assert_snapshot!(shown(&text));
        // A snapshot leaves out the line break a summary ends with.
        assert!(text.summary.ends_with('\n'));
    }

    #[test]
    fn waiting_names_each_reason() {
        let v = placement(
            vec![
                Wait {
                    pr: PrNumber(12),
                    reason: WaitReason::Conflicts(same_lines(&["src/app.rs", "README.md"])),
                },
                Wait {
                    pr: PrNumber(9),
                    reason: WaitReason::DependsOn,
                },
                Wait {
                    pr: PrNumber(4),
                    reason: WaitReason::DependsOnUnqueued,
                },
            ],
            vec![],
            None,
        );
        let text = merge_order_check(&v, None);
        insta::assert_snapshot!(shown(&text));
    }

    #[test]
    fn a_cycle_is_named() {
        let v = placement(
            vec![Wait {
                pr: PrNumber(5),
                reason: WaitReason::DependsOnAndConflicts(same_lines(&["a.rs"])),
            }],
            vec![],
            Some(vec![PrNumber(3), PrNumber(5)]),
        );
        let text = merge_order_check(&v, None);
        insta::assert_snapshot!(shown(&text));
    }

    #[test]
    fn regenerated_and_unsure_files_are_told_apart_from_same_lines() {
        let paths = ConflictPaths {
            same_lines: vec!["src/app.rs".into()],
            regenerated: vec!["yarn.lock".into()],
            unsure: vec!["assets/big.json".into()],
            more_files: 0,
        };
        let v = placement(
            vec![Wait {
                pr: PrNumber(12),
                reason: WaitReason::Conflicts(ConflictPaths {
                    regenerated: vec!["Cargo.lock".into(), "yarn.lock".into()],
                    ..ConflictPaths::default()
                }),
            }],
            vec![ConflictWith {
                pr: PrNumber(15),
                reason: paths,
            }],
            None,
        );
        insta::assert_snapshot!(shown(&merge_order_check(&v, None)));
        let unsure = ConflictPaths {
            unsure: vec!["logo.png".into()],
            ..ConflictPaths::default()
        };
        insta::assert_snapshot!(reason_text(&WaitReason::DependsOnAndConflicts(unsure)));
    }

    #[test]
    fn a_merge_group_run_names_its_pull_requests() {
        let text = merge_group_check(&[PrNumber(104)], "main");
        insta::assert_snapshot!(shown(&text));
        insta::assert_snapshot!(shown(&merge_group_check(
            &[PrNumber(3), PrNumber(5)],
            "release/1.x"
        )));
        insta::assert_snapshot!(shown(&merge_group_check(&[], "main")));
    }

    #[test]
    fn drafts_are_told_why_they_have_no_place() {
        insta::assert_snapshot!(shown(&merge_order_draft()));
    }
}
