//! The overlap engine: every pair of open PRs sharing a file, classified per file.
//!
//! PRs meet through an index from path to the PR files touching it, so the work grows with
//! the pairs that really share a path, never with all pairs times all files.

use super::BaseDiff;
use super::compare::compare_files;
use super::coords::Mapping;
use super::files::ChangedFile;
use super::findings::{
    Analysis, BaseConflict, Certainty, FileOverlap, FileOverlapKind, OwnershipFinding, PrReport,
    Region,
};
use super::index::{Entry, PrFiles, Prepared};
use super::paths::{Ownership, PathFilter};
use crate::ids::{PrNumber, Sha};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One coordinated open PR, as GitHub describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPr {
    pub number: PrNumber,
    pub head_sha: Sha,
    /// The merge base of the PR's head with the default branch's head.
    pub merge_base: Sha,
    pub files: Vec<ChangedFile>,
    /// False when GitHub's file list stopped at its 3,000-file cap.
    pub files_complete: bool,
    /// The lane the PR belongs to, if it comes from a lane branch.
    pub lane: Option<String>,
}

/// Everything [`analyze`] needs.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The head of the default branch: the coordinates all lines are compared in.
    pub default_head: &'a Sha,
    pub prs: &'a [OpenPr],
    /// The compare from each merge base to `default_head`. A merge base without one (the
    /// compare failed) leaves its PRs' line numbers unmapped, and says so.
    pub base_diffs: &'a HashMap<Sha, BaseDiff>,
    pub ignore: &'a PathFilter,
    pub ownership: &'a Ownership,
}

/// A file to fetch at a merge base and at the default branch's head, then diff with
/// [`super::fetched_file`], because the compare stopped listing before it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FetchRequest {
    pub merge_base: Sha,
    pub path: String,
}

/// Finds every overlap between the PRs (see the documentation of [`super`]).
pub fn analyze<'a>(inputs: &Inputs<'a>) -> Analysis<'a> {
    let pr_files = PrFiles::new(*inputs);
    let prepared: Vec<Option<Prepared<'a>>> = pr_files
        .entries
        .iter()
        .map(|entry| pr_files.prepare(entry))
        .collect();
    Analysis {
        overlaps: file_overlaps(&pr_files, &prepared),
        ownership: ownership_findings(&pr_files),
        prs: pr_reports(&pr_files, &prepared),
    }
}

/// The files the compares did not list (GitHub's 300-file cap) whose lines are needed to
/// compare PRs on different merge bases. PRs on the same merge base compare in its own
/// numbering and need nothing. Sorted, without duplicates.
pub fn files_to_fetch(inputs: &Inputs) -> Vec<FetchRequest> {
    let pr_files = PrFiles::new(*inputs);
    let mut requests = BTreeSet::new();
    for ids in &pr_files.by_path {
        let entries = || ids.iter().map(|&id| &pr_files.entries[id as usize]);
        let first_base = entries().next().map(|entry| entry.side.merge_base_id);
        if entries().all(|entry| Some(entry.side.merge_base_id) == first_base) {
            continue;
        }
        for entry in entries() {
            let merge_base = pr_files.merge_base(entry);
            if let Some(index) = pr_files.bases.get(merge_base)
                && !index.knows(entry.lookup_path)
            {
                requests.insert((merge_base, entry.lookup_path));
            }
        }
    }
    requests
        .into_iter()
        .map(|(merge_base, path)| FetchRequest {
            merge_base: merge_base.clone(),
            path: path.to_owned(),
        })
        .collect()
}

/// Every file shared by two PRs, in order of the pair, then path.
///
/// Files are compared path by path, while the few files on one path are fresh in memory.
/// Each result waits, in a compact form, with the lower PR of its pair until all are known.
fn file_overlaps<'a>(
    pr_files: &PrFiles<'a>,
    prepared: &[Option<Prepared<'a>>],
) -> Vec<FileOverlap<'a>> {
    let order = PathOrder::new(&pr_files.path_names);
    let mut by_lower_pr: Vec<Vec<Found>> = vec![Vec::new(); pr_files.prs.len()];
    let mut regions: Vec<Vec<Region>> = Vec::new();
    for (path, ids) in (0u32..).zip(&pr_files.by_path) {
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                let (entry_a, entry_b) =
                    (&pr_files.entries[a as usize], &pr_files.entries[b as usize]);
                if entry_a.pr == entry_b.pr || first_shared_path(entry_a, entry_b) != Some(path) {
                    continue;
                }
                let verdict = compare_files(pr_files.side(a, prepared), pr_files.side(b, prepared));
                let regions_at = u32::try_from(regions.len()).unwrap_or(u32::MAX);
                if !verdict.regions.is_empty() {
                    regions.push(verdict.regions);
                }
                let same_file = entry_a.side.origin_id == entry_b.side.origin_id;
                let shown = if same_file { entry_a.origin_path } else { path };
                by_lower_pr[entry_a.pr as usize].push(Found {
                    pr_b: entry_b.pr,
                    paths: [shown, entry_a.filename, entry_b.filename].map(|id| order.rank(id)),
                    kind: verdict.kind,
                    certainty: verdict.certainty,
                    regions: regions_at,
                });
            }
        }
    }
    let mut overlaps = Vec::with_capacity(by_lower_pr.iter().map(Vec::len).sum());
    for (pr_a, mut found) in by_lower_pr.into_iter().enumerate() {
        found.sort_unstable_by_key(|f| (f.pr_b, f.paths));
        overlaps.extend(found.into_iter().map(|f| {
            let [path, path_in_a, path_in_b] = f.paths.map(|rank| order.name(rank));
            FileOverlap {
                a: pr_files.prs[pr_a].number,
                b: pr_files.prs[f.pr_b as usize].number,
                path,
                path_in_a,
                path_in_b,
                kind: f.kind,
                certainty: f.certainty,
                regions: match f.kind {
                    FileOverlapKind::SameLines => regions
                        .get_mut(f.regions as usize)
                        .map(std::mem::take)
                        .unwrap_or_default(),
                    _ => Vec::new(),
                },
            }
        }));
    }
    overlaps
}

/// Paths in name order, so that results sort by small numbers rather than by strings.
struct PathOrder<'a> {
    names: Vec<&'a str>,
    rank_of_id: Vec<u32>,
}

impl<'a> PathOrder<'a> {
    fn new(names_by_id: &[&'a str]) -> Self {
        let mut names = names_by_id.to_vec();
        names.sort_unstable();
        let mut rank_of_id = vec![0; names_by_id.len()];
        for (id, name) in names_by_id.iter().enumerate() {
            let rank = names.binary_search(name).unwrap_or_default();
            rank_of_id[id] = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        Self { names, rank_of_id }
    }

    fn rank(&self, id: u32) -> u32 {
        self.rank_of_id[id as usize]
    }

    fn name(&self, rank: u32) -> &'a str {
        self.names[rank as usize]
    }
}

/// A compared file pair, waiting for its turn in the output.
#[derive(Clone)]
struct Found {
    pr_b: u32,
    /// Ranks in [`PathOrder`] of the file's origin (or the path two different files share),
    /// of its name on PR `a`'s head and on PR `b`'s.
    paths: [u32; 3],
    kind: FileOverlapKind,
    certainty: Certainty,
    /// Where its regions wait in the list of regions, if it has any.
    regions: u32,
}

/// The first path two files share, in path id order: a pair of files sharing several paths
/// (both rename one file) is compared only once, under that path.
fn first_shared_path(a: &Entry, b: &Entry) -> Option<u32> {
    a.paths()
        .iter()
        .filter(|path| b.paths().contains(path))
        .min()
        .copied()
}

fn ownership_findings<'a>(pr_files: &PrFiles<'a>) -> Vec<OwnershipFinding<'a>> {
    let mut found: BTreeMap<(PrNumber, &str), (&OpenPr, &str, BTreeSet<&str>)> = BTreeMap::new();
    for entry in &pr_files.entries {
        let pr = pr_files.prs[entry.pr as usize];
        for path in entry.file.touched_paths() {
            for track in pr_files
                .inputs
                .ownership
                .foreign_owners(path, pr.lane.as_deref())
            {
                found
                    .entry((pr.number, &track.name))
                    .or_insert_with(|| (pr, &track.lane, BTreeSet::new()))
                    .2
                    .insert(path);
            }
        }
    }
    found
        .into_iter()
        .map(|((_, track), (pr, owner_lane, paths))| OwnershipFinding {
            pr: pr.number,
            pr_lane: pr.lane.as_deref(),
            track,
            owner_lane,
            paths: paths.into_iter().collect(),
        })
        .collect()
}

fn pr_reports<'a>(pr_files: &PrFiles<'a>, prepared: &[Option<Prepared<'a>>]) -> Vec<PrReport<'a>> {
    let mut reports: Vec<PrReport> = pr_files
        .prs
        .iter()
        .map(|pr| PrReport {
            number: pr.number,
            head_sha: &pr.head_sha,
            files_complete: pr.files_complete,
            base_conflicts: Vec::new(),
            unmapped_files: Vec::new(),
        })
        .collect();
    for (entry, prepared) in pr_files.entries.iter().zip(prepared) {
        let Some(lines) = prepared.as_ref().and_then(Prepared::lines) else {
            continue;
        };
        let report = &mut reports[entry.pr as usize];
        if !lines.base_conflicts.is_empty() {
            report.base_conflicts.push(BaseConflict {
                path: &entry.file.filename,
                lines: lines.base_conflicts.clone(),
            });
        }
        if lines.mapping != Mapping::Exact {
            report.unmapped_files.push(&entry.file.filename);
        }
    }
    for report in &mut reports {
        report.base_conflicts.sort_by_key(|conflict| conflict.path);
        report.unmapped_files.sort_unstable();
    }
    reports
}
