//! From the overlap engine's findings to what each PR's comment says and where its warnings go.

use super::{Annotation, AnnotationLevel, MAX_ANNOTATIONS, PrListing, PullSnapshot};
use crate::ids::PrNumber;
use crate::order::MergeOrder;
use crate::overlap::{Analysis, Certainty, FileOverlap, Tier};
use crate::text::{
    self, Caveat, ConflictPaths, FILES_NAMED_PER_PR, OrderHint, OtherPr, OverlapView,
    OwnershipNote, PathLines, SharedFile,
};
use std::collections::BTreeMap;

/// The pairs whose merge may force a rebase, with the paths that make it so: the merge
/// order's conflict graph.
pub fn conflicts(analysis: &Analysis) -> Vec<crate::order::Conflict<ConflictPaths>> {
    analysis
        .pairs()
        .filter(|pair| pair.may_conflict())
        .map(|pair| {
            let mut reason = ConflictPaths {
                more_files: pair.omitted_files() as usize,
                ..ConflictPaths::default()
            };
            for file in pair.files().filter(|f| f.may_conflict()) {
                let paths = match file.tier() {
                    Tier::Lines => &mut reason.same_lines,
                    Tier::Regenerated => &mut reason.regenerated,
                    Tier::NoLineDetail | Tier::File => &mut reason.unsure,
                };
                paths.push(file.path.to_owned());
            }
            crate::order::Conflict {
                a: pair.a,
                b: pair.b,
                reason,
            }
        })
        .collect()
}

/// This PR's side of a file overlap: its path, the other PR, the lines on each side.
struct Side<'r> {
    other: PrNumber,
    path_here: &'r str,
    path_there: &'r str,
    file: FileOverlap<'r>,
    here_is_a: bool,
    /// Files the pair shares that the analysis left out (the same on every side of a pair).
    omitted: usize,
}

fn sides_of<'r>(analysis: &'r Analysis) -> BTreeMap<PrNumber, Vec<Side<'r>>> {
    let mut sides: BTreeMap<PrNumber, Vec<Side<'r>>> = BTreeMap::new();
    for pair in analysis.pairs() {
        let omitted = pair.omitted_files() as usize;
        for file in pair.files() {
            sides.entry(file.a).or_default().push(Side {
                other: file.b,
                path_here: file.path_in_a,
                path_there: file.path_in_b,
                file,
                here_is_a: true,
                omitted,
            });
            sides.entry(file.b).or_default().push(Side {
                other: file.a,
                path_here: file.path_in_b,
                path_there: file.path_in_a,
                file,
                here_is_a: false,
                omitted,
            });
        }
    }
    sides
}

fn caveat(file: &FileOverlap) -> Option<Caveat> {
    match file.certainty {
        Certainty::Exact => None,
        Certainty::FileLevel { .. } => Some(Caveat::NoPatch),
        Certainty::Uncertain { .. } => Some(Caveat::Unmapped),
    }
}

fn shared_file(side: &Side) -> SharedFile {
    SharedFile {
        path_here: side.path_here.to_owned(),
        path_there: side.path_there.to_owned(),
        same_lines: side
            .file
            .regions
            .iter()
            .map(|r| {
                if side.here_is_a {
                    (r.a_lines, r.b_lines)
                } else {
                    (r.b_lines, r.a_lines)
                }
            })
            .collect(),
        caveat: caveat(&side.file),
        regenerated: side.file.tier() == Tier::Regenerated,
    }
}

fn order_hint(order: &MergeOrder<ConflictPaths>, here: PrNumber, other: PrNumber) -> OrderHint {
    let Some(placement) = order.placements.get(&here) else {
        return OrderHint::Unordered;
    };
    if placement.waits_for.iter().any(|w| w.pr == other) {
        OrderHint::OtherFirst
    } else if placement.will_force_rebase_on.iter().any(|w| w.pr == other) {
        OrderHint::ThisFirst
    } else {
        OrderHint::Unordered
    }
}

/// The files of one pair the comment names (the closest ones, in path order), and how many
/// more they share.
fn named_files(sides: &[Side]) -> (Vec<SharedFile>, usize) {
    let mut closest: Vec<&Side> = sides.iter().collect();
    if closest.len() > FILES_NAMED_PER_PR {
        closest.sort_by_key(|side| std::cmp::Reverse(side.file.tier()));
        closest.truncate(FILES_NAMED_PER_PR);
        closest.sort_by_key(|side| side.file.path);
    }
    let omitted = sides.first().map_or(0, |side| side.omitted);
    let named = closest.into_iter().map(shared_file).collect();
    (
        named,
        sides.len().saturating_sub(FILES_NAMED_PER_PR) + omitted,
    )
}

/// Every coordinated PR's comment view, and the warnings on its lines.
pub struct Findings {
    pub views: BTreeMap<PrNumber, OverlapView>,
    pub annotations: BTreeMap<PrNumber, Vec<Annotation>>,
}

pub fn findings(
    snapshot: &PullSnapshot,
    prs: &[&PrListing],
    analysis: &Analysis,
    order: &MergeOrder<ConflictPaths>,
) -> Findings {
    let by_number: BTreeMap<PrNumber, &PrListing> = prs.iter().map(|p| (p.number, *p)).collect();
    let mut sides = sides_of(analysis);
    for list in sides.values_mut() {
        list.sort_by_key(|side| side.other);
    }
    let mut views = BTreeMap::new();
    let mut annotations = BTreeMap::new();
    for report in &analysis.prs {
        let Some(pr) = by_number.get(&report.number) else {
            continue;
        };
        let mine = sides.get(&pr.number).map(Vec::as_slice).unwrap_or_default();
        let mut others: Vec<OtherPr> = Vec::new();
        let mut warnings = Vec::new();
        for files in mine.chunk_by(|x, y| x.other == y.other) {
            let Some(other) = by_number.get(&files[0].other) else {
                continue;
            };
            let tier = files
                .iter()
                .map(|s| s.file.tier())
                .max()
                .unwrap_or(Tier::File);
            let words = text::overlap_annotation(other.number, &other.title);
            // Only files changed on the same lines have regions.
            for side in files {
                for region in side.file.regions {
                    if warnings.len() == MAX_ANNOTATIONS {
                        break;
                    }
                    let here = if side.here_is_a {
                        region.a_lines
                    } else {
                        region.b_lines
                    };
                    let (start_line, end_line) = here.annotation_lines();
                    warnings.push(Annotation {
                        level: AnnotationLevel::Warning,
                        path: side.path_here.to_owned(),
                        start_line,
                        end_line,
                        title: words.title.clone(),
                        message: words.message.clone(),
                    });
                }
            }
            let (named, more_files) = named_files(files);
            others.push(OtherPr {
                number: other.number,
                title: other.title.clone(),
                url: other.url.clone(),
                lane: snapshot
                    .config
                    .lane_for_branch(&other.head_branch)
                    .map(|a| a.name.clone()),
                draft: other.draft,
                tier,
                files: named,
                more_files,
                order: order_hint(order, pr.number, other.number),
            });
        }
        others.sort_by_key(|o| (std::cmp::Reverse(o.tier), o.number));
        let ownership = analysis
            .ownership
            .iter()
            .filter(|f| f.pr == pr.number)
            .map(|f| OwnershipNote {
                track: f.track.to_owned(),
                owner_lane: f.owner_lane.to_owned(),
                paths: f.paths.iter().map(|p| (*p).to_owned()).collect(),
            })
            .collect();
        let base_conflicts = report
            .base_conflicts
            .iter()
            .map(|c| PathLines {
                path: c.path.to_owned(),
                lines: c.lines.clone(),
            })
            .collect();
        views.insert(
            pr.number,
            OverlapView {
                pr_url: pr.url.clone(),
                default_branch: snapshot.default_branch.clone(),
                others,
                ownership,
                base_conflicts,
                files_incomplete: !report.files_complete,
            },
        );
        annotations.insert(pr.number, warnings);
    }
    Findings { views, annotations }
}

/// Whether the view has anything to say.
pub fn has_findings(view: &OverlapView) -> bool {
    !view.others.is_empty()
        || !view.ownership.is_empty()
        || !view.base_conflicts.is_empty()
        || view.files_incomplete
}
