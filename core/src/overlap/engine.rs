//! The overlap engine: every pair of open PRs sharing a file, classified per file.
//!
//! PRs meet through an index from path to the PR files touching it, so the work grows with
//! the pairs that really share a path, never with all pairs times all files.

use super::analysis::{Analysis, Overlaps, Record};
use super::compare::{FileComparison, compare_files};
use super::coords::{BaseFile, MappedFile, Mapping};
use super::findings::{BaseConflict, OwnershipFinding, PrReport, Region, Tier, may_conflict};
use super::index::PrFiles;
use super::inputs::{FetchRequest, Inputs, OpenPr};
use super::ownership::foreign_owners;
use super::parts::{Split, balanced_ranges, run_parts};
use crate::ids::PrNumber;
use std::collections::{BTreeMap, BTreeSet};

/// Up to this many file overlaps (one file changed by two PRs) in a repository, every one is
/// kept: about 28 MB of them at most. A repository with more (a hundred PRs that all change
/// the same 3,000 files have 15 million) keeps, for each pair of PRs, the first
/// [`FILES_KEPT_PER_TIER`] files of each tier and counts the rest
/// ([`super::PairOverlap::omitted_files`]). The pair's tier and whether it may conflict stay
/// exact, and memory grows with the pairs rather than with the files they share.
pub const FULL_DETAIL_LIMIT: usize = 500_000;

/// Files kept per pair of PRs and per tier (told apart by certainty too) past
/// [`FULL_DETAIL_LIMIT`].
pub const FILES_KEPT_PER_TIER: usize = 10;

/// Which file overlaps [`analyze`] keeps (see [`FULL_DETAIL_LIMIT`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Detail {
    pub full_up_to: usize,
    pub kept_per_tier: usize,
}

impl Detail {
    pub(crate) const DEFAULT: Detail = Detail {
        full_up_to: FULL_DETAIL_LIMIT,
        kept_per_tier: FILES_KEPT_PER_TIER,
    };

    /// How many files of each tier a pair keeps, for a repository with `file_pairs` file
    /// overlaps (about: see [`pairs_by_lower_pr`]); `None` for all of them.
    fn kept(self, file_pairs: usize) -> Option<usize> {
        (file_pairs > self.full_up_to).then_some(self.kept_per_tier)
    }
}

/// Finds every overlap between the PRs (see the documentation of [`super`]).
pub fn analyze<'a>(inputs: &Inputs<'a>) -> Analysis<'a> {
    analyze_split(inputs, Split::for_this_machine(), Detail::DEFAULT)
}

/// [`analyze`], its large loops split as `split` says, keeping what `detail` says.
pub(crate) fn analyze_split<'a>(inputs: &Inputs<'a>, split: Split, detail: Detail) -> Analysis<'a> {
    let pr_files = PrFiles::new(*inputs);
    let prepared = prepare_all(&pr_files, split);
    Analysis::new(
        file_overlaps(&pr_files, &prepared, split, detail),
        ownership_findings(&pr_files),
        pr_reports(&pr_files, &prepared),
    )
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
        for entry in entries().filter(|entry| matches!(entry.base, BaseFile::PastCap)) {
            requests.insert((pr_files.merge_base(entry), entry.file.base_path()));
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

/// Every entry's changes parsed and mapped (see [`PrFiles::prepare`]), in entry order.
fn prepare_all<'a>(pr_files: &PrFiles<'a>, split: Split) -> Vec<Option<MappedFile<'a>>> {
    let entries = &pr_files.entries;
    let part_len = entries.len().div_ceil(split.parts(entries.len())).max(1);
    let parts = run_parts(entries.chunks(part_len).collect(), |part| {
        part.iter()
            .map(|entry| pr_files.prepare(entry))
            .collect::<Vec<_>>()
    });
    parts.into_iter().flatten().collect()
}

/// Every file shared by two PRs.
///
/// Files are compared path by path, while the few files on one path are fresh in memory.
/// Many PRs are split into parts with about as many pairs each, a part taking the pairs
/// whose lower PR it holds.
fn file_overlaps<'a>(
    pr_files: &PrFiles<'a>,
    prepared: &[Option<MappedFile<'a>>],
    split: Split,
    detail: Detail,
) -> Overlaps<'a> {
    let pairs_by_pr = pairs_by_lower_pr(pr_files);
    let file_pairs = pairs_by_pr.iter().sum();
    let parts = split.parts(file_pairs);
    let kept = detail.kept(file_pairs);
    let order = PathOrder::new(&pr_files.path_names);
    let found = run_parts(balanced_ranges(&pairs_by_pr, parts), |prs| {
        let pairs = &pairs_by_pr[prs.clone()];
        let mut found = Found::new(pr_files, &order, prs.start, pairs, kept);
        let pr = |id: u32| pr_files.entries[id as usize].pr;
        for (path, ids) in (0u32..).zip(&pr_files.by_path) {
            // Matched once a pair shares the path: most paths are changed by one PR only.
            let mut regenerated = None;
            for &a in ids.iter().filter(|&&a| prs.contains(&(pr(a) as usize))) {
                let (pr_a, side_a) = (pr(a), pr_files.side(a, prepared));
                for &b in ids.iter().filter(|&&b| pr(b) > pr_a) {
                    if first_shared_path(pr_files, a, b) == Some(path) {
                        if found.counted_only(pr_a, pr(b)) {
                            continue;
                        }
                        let regenerated = *regenerated.get_or_insert_with(|| {
                            let name = pr_files.path_names[path as usize];
                            pr_files.inputs.regenerated.matches(name)
                        });
                        let comparison = compare_files(side_a, pr_files.side(b, prepared));
                        let comparison = if regenerated {
                            comparison.for_regenerated_file()
                        } else {
                            comparison
                        };
                        found.add(path, a, b, comparison);
                    }
                }
            }
        }
        found.finish()
    });
    Part::join(found, pr_files, order)
}

/// For each PR, about how many file pairs it is the lower PR of (exactly, where the entries
/// of a path are in PR order, as they nearly all are).
fn pairs_by_lower_pr(pr_files: &PrFiles) -> Vec<usize> {
    let mut pairs = vec![0; pr_files.prs.len()];
    for ids in &pr_files.by_path {
        for (i, &id) in ids.iter().enumerate() {
            pairs[pr_files.entries[id as usize].pr as usize] += ids.len() - 1 - i;
        }
    }
    pairs
}

/// The first path two entries share: a pair of files sharing several paths, such as two
/// renames of one file, is compared there only.
fn first_shared_path(pr_files: &PrFiles, a: u32, b: u32) -> Option<u32> {
    let entry = |id: u32| &pr_files.entries[id as usize];
    let (entry_a, entry_b) = (entry(a), entry(b));
    entry_a
        .paths()
        .iter()
        .filter(|path| entry_b.paths().contains(path))
        .min()
        .copied()
}

/// What one part has found, in a compact form: each pair's records kept with its lower PR.
struct Found<'p, 'a> {
    pr_files: &'p PrFiles<'a>,
    order: &'p PathOrder<'a>,
    /// The index of the part's first PR.
    first_pr: usize,
    /// By index of the lower PR, from `first_pr` on.
    by_lower_pr: Vec<Vec<Record>>,
    regions: Vec<Region>,
    /// Files kept per pair and tier, if not all (see [`FULL_DETAIL_LIMIT`]).
    kept: Option<usize>,
    /// How many files of each pair (by PR indexes) were kept per tier, and left out.
    tallies: foldhash::HashMap<(u32, u32), Tally>,
}

#[derive(Default)]
struct Tally {
    kept: [usize; 8],
    omitted: u32,
}

/// Which of a pair's kept files stand for the others: those of one tier, which say the same
/// about whether the pair may conflict.
fn tally_slot(comparison: &FileComparison) -> usize {
    slot(
        comparison.kind.tier(),
        may_conflict(comparison.kind, comparison.certainty),
    )
}

fn slot(tier: Tier, may_conflict: bool) -> usize {
    tier as usize * 2 + usize::from(may_conflict)
}

impl<'p, 'a> Found<'p, 'a> {
    /// Ready for the PRs from `first_pr` on, with room for about `pairs` pairs each (or as
    /// many as can be kept): growing hundreds of lists while filling them costs more than
    /// reserving what is not used.
    fn new(
        pr_files: &'p PrFiles<'a>,
        order: &'p PathOrder<'a>,
        first_pr: usize,
        pairs: &[usize],
        kept: Option<usize>,
    ) -> Self {
        let prs = pr_files.prs.len();
        let room = |(i, &n): (usize, &usize)| match kept {
            Some(kept) => n.min(kept * (prs - 1 - (first_pr + i))),
            None => n,
        };
        Self {
            pr_files,
            order,
            first_pr,
            by_lower_pr: pairs
                .iter()
                .enumerate()
                .map(|pr| Vec::with_capacity(room(pr)))
                .collect(),
            regions: Vec::new(),
            kept,
            tallies: foldhash::HashMap::default(),
        }
    }

    /// Whether the next file PRs `a` and `b` (by index) share is only counted, not compared:
    /// once a pair keeps its share of files on the same lines, the closest tier there is,
    /// nothing more about it is kept but the count.
    fn counted_only(&mut self, a: u32, b: u32) -> bool {
        let Some(kept) = self.kept else {
            return false;
        };
        let tally = self.tallies.entry((a, b)).or_default();
        let full = tally.kept[slot(Tier::Lines, true)] == kept;
        if full {
            tally.omitted += 1;
        }
        full
    }

    fn add(&mut self, path: u32, a: u32, b: u32, comparison: FileComparison) {
        let entry = |id: u32| &self.pr_files.entries[id as usize];
        let (entry_a, entry_b) = (entry(a), entry(b));
        if let Some(kept) = self.kept {
            let tally = self.tallies.entry((entry_a.pr, entry_b.pr)).or_default();
            let slot = &mut tally.kept[tally_slot(&comparison)];
            if *slot == kept {
                tally.omitted += 1;
                return;
            }
            *slot += 1;
        }
        let same_file = entry_a.side.origin_id == entry_b.side.origin_id;
        let shown = if same_file {
            entry_a.origin_path_id
        } else {
            path
        };
        let regions_at = u32::try_from(self.regions.len()).unwrap_or(u32::MAX);
        let region_count = u32::try_from(comparison.regions.len()).unwrap_or(u32::MAX);
        self.regions.extend(comparison.regions);
        self.by_lower_pr[entry_a.pr as usize - self.first_pr].push(Record {
            pr_b: entry_b.pr,
            paths: [shown, entry_a.filename_id, entry_b.filename_id].map(|id| self.order.rank(id)),
            kind: comparison.kind,
            certainty: comparison.certainty,
            regions: (regions_at, region_count),
        });
    }

    /// The part's results, each PR's records in order of the other PR, then paths.
    fn finish(mut self) -> Part {
        for records in &mut self.by_lower_pr {
            // Pairs share one file far more often than several: order by pair first, cheaply.
            records.sort_unstable_by_key(|record| record.pr_b);
            for pair in records.chunk_by_mut(|x, y| x.pr_b == y.pr_b) {
                pair.sort_unstable_by_key(|record| record.paths);
            }
        }
        let mut omitted = vec![Vec::new(); self.by_lower_pr.len()];
        for ((a, b), tally) in self.tallies {
            if tally.omitted > 0 {
                omitted[a as usize - self.first_pr].push((b, tally.omitted));
            }
        }
        for counts in &mut omitted {
            counts.sort_unstable();
        }
        Part {
            by_lower_pr: self.by_lower_pr,
            omitted,
            regions: self.regions,
        }
    }
}

/// What one part found (see [`Found`]).
struct Part {
    by_lower_pr: Vec<Vec<Record>>,
    /// By index of the lower PR: the higher PR and how many of their files were left out.
    omitted: Vec<Vec<(u32, u32)>>,
    regions: Vec<Region>,
}

impl Part {
    /// The parts' results, in order, as one.
    fn join<'a>(parts: Vec<Self>, pr_files: &PrFiles<'a>, order: PathOrder<'a>) -> Overlaps<'a> {
        let mut by_lower_pr = Vec::with_capacity(pr_files.prs.len());
        let mut omitted = Vec::with_capacity(pr_files.prs.len());
        let mut regions = Vec::new();
        for part in parts {
            let offset = u32::try_from(regions.len()).unwrap_or(u32::MAX);
            by_lower_pr.extend(part.by_lower_pr.into_iter().map(|mut records| {
                for record in &mut records {
                    record.regions.0 = record.regions.0.saturating_add(offset);
                }
                records
            }));
            omitted.extend(part.omitted);
            regions.extend(part.regions);
        }
        Overlaps {
            numbers: pr_files.prs.iter().map(|pr| pr.number).collect(),
            names: order.names,
            by_lower_pr,
            omitted,
            regions,
        }
    }
}

/// Paths in name order, so that results sort by small numbers rather than by strings.
struct PathOrder<'a> {
    names: Vec<&'a str>,
    rank_of_id: Vec<u32>,
}

impl<'a> PathOrder<'a> {
    fn new(names_by_id: &[&'a str]) -> Self {
        let mut ids: Vec<usize> = (0..names_by_id.len()).collect();
        ids.sort_unstable_by_key(|&id| names_by_id[id]);
        let mut rank_of_id = vec![0; ids.len()];
        for (rank, &id) in (0u32..).zip(&ids) {
            rank_of_id[id] = rank;
        }
        Self {
            names: ids.iter().map(|&id| names_by_id[id]).collect(),
            rank_of_id,
        }
    }

    fn rank(&self, id: u32) -> u32 {
        self.rank_of_id[id as usize]
    }
}

/// Paths of tracks bound to another lane that each PR changes (ignored paths aside).
fn ownership_findings<'a>(pr_files: &PrFiles<'a>) -> Vec<OwnershipFinding<'a>> {
    let mut found: BTreeMap<(PrNumber, &str), (&OpenPr, &str, BTreeSet<&str>)> = BTreeMap::new();
    for entry in &pr_files.entries {
        let pr = pr_files.prs[entry.pr as usize];
        for path in entry.file.touched_paths() {
            let owners = foreign_owners(pr_files.inputs.tracks, path, pr.lane.as_deref());
            for (track, owner_lane) in owners {
                found
                    .entry((pr.number, &track.name))
                    .or_insert_with(|| (pr, owner_lane, BTreeSet::new()))
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

fn pr_reports<'a>(
    pr_files: &PrFiles<'a>,
    prepared: &[Option<MappedFile<'a>>],
) -> Vec<PrReport<'a>> {
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
        let Some(lines) = prepared else { continue };
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
