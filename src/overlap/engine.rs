//! The overlap engine: every pair of open PRs sharing a file, classified per file.
//!
//! PRs meet through an index from path to the PR files touching it, so the work grows with
//! the pairs that really share a path, never with all pairs times all files.

use super::compare::{Origin, Side, compare_files};
use super::coords::{BaseIndex, BaseView, MappedFile, Mapping, is_pure_move, map_to_head};
use super::files::{ChangedFile, FileStatus};
use super::findings::{Analysis, BaseConflict, OwnershipFinding, PairOverlap, PrReport};
use super::patch::{Change, parse_patch};
use super::paths::{Ownership, PathFilter};
use super::BaseDiff;
use crate::ids::{PrNumber, Sha};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hash;

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
    let repo = Repo::new(*inputs);
    let pairs = entry_pairs(&repo);
    let mut shared = vec![false; repo.entries.len()];
    for pair in &pairs {
        shared[pair.entries.0 as usize] = true;
        shared[pair.entries.1 as usize] = true;
    }
    let prepared: Vec<Option<Prepared<'a>>> = repo
        .entries
        .iter()
        .zip(&shared)
        .map(|(entry, &shared)| repo.prepare(entry, shared))
        .collect();
    Analysis {
        pairs: pair_overlaps(&repo, &prepared, &pairs),
        ownership: ownership_findings(&repo),
        prs: pr_reports(&repo, &prepared),
    }
}

/// The files the compares did not list (GitHub's 300-file cap) whose lines are needed to
/// compare PRs on different merge bases. PRs on the same merge base compare in its own
/// numbering and need nothing. Sorted, without duplicates.
pub fn files_to_fetch(inputs: &Inputs) -> Vec<FetchRequest> {
    let repo = Repo::new(*inputs);
    let mut requests = BTreeSet::new();
    for ids in repo.by_path.values() {
        let entries = || ids.iter().map(|&id| &repo.entries[id as usize]);
        let first_base = entries().next().map(|entry| entry.merge_base_id);
        if entries().all(|entry| Some(entry.merge_base_id) == first_base) {
            continue;
        }
        for entry in entries() {
            let merge_base = &repo.prs[entry.pr].merge_base;
            if let Some(index) = repo.bases.get(merge_base)
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

/// One PR file that is not ignored.
struct Entry<'a> {
    pr: usize,
    number: PrNumber,
    /// Equal for PRs on the same merge base.
    merge_base_id: u32,
    file: &'a ChangedFile,
    origin: Origin<'a>,
    /// Equal for files with the same origin.
    origin_id: u32,
    /// The path the base diff knows the file by: its old path, or its new one if added.
    lookup_path: &'a str,
}

/// The PRs in number order, their files and the index from path to files.
struct Repo<'a> {
    inputs: Inputs<'a>,
    prs: Vec<&'a OpenPr>,
    bases: HashMap<&'a Sha, BaseIndex<'a>>,
    entries: Vec<Entry<'a>>,
    by_path: HashMap<&'a str, Vec<u32>>,
}

impl<'a> Repo<'a> {
    fn new(inputs: Inputs<'a>) -> Self {
        let mut prs: Vec<&OpenPr> = inputs.prs.iter().collect();
        prs.sort_by_key(|pr| pr.number);
        let bases = inputs
            .base_diffs
            .iter()
            .filter(|(merge_base, _)| *merge_base != inputs.default_head)
            .map(|(merge_base, diff)| (merge_base, BaseIndex::new(diff)))
            .collect();
        let mut repo = Self {
            inputs,
            prs,
            bases,
            entries: Vec::new(),
            by_path: HashMap::new(),
        };
        repo.entries = repo.collect_entries();
        repo.by_path = index_by_path(&repo.entries);
        repo
    }

    fn collect_entries(&self) -> Vec<Entry<'a>> {
        let ignore = self.inputs.ignore;
        let mut merge_base_ids = Interner::default();
        let mut origin_ids = Interner::default();
        let mut entries = Vec::with_capacity(self.prs.iter().map(|pr| pr.files.len()).sum());
        for (pr, open) in self.prs.iter().enumerate() {
            let index = self.bases.get(&open.merge_base);
            let merge_base_id = merge_base_ids.id(&open.merge_base);
            for file in &open.files {
                if file.touched_paths().all(|path| ignore.matches(path)) {
                    continue;
                }
                let origin = match file.old_path() {
                    Some(old) => Origin::Existing(index.and_then(|i| i.path_at_head(old)).unwrap_or(old)),
                    None => Origin::Added(&file.filename),
                };
                entries.push(Entry {
                    pr,
                    number: open.number,
                    merge_base_id,
                    file,
                    origin,
                    origin_id: origin_ids.id(origin),
                    lookup_path: file.old_path().unwrap_or(&file.filename),
                });
            }
        }
        entries
    }

    fn base_view(&self, entry: &Entry<'a>) -> BaseView<'a> {
        let merge_base = &self.prs[entry.pr].merge_base;
        if merge_base == self.inputs.default_head {
            return BaseView::Known(Vec::new());
        }
        match self.bases.get(merge_base) {
            Some(index) => index.view(entry.lookup_path),
            None => BaseView::Unknown,
        }
    }

    /// Parses and maps a file's changes, unless nothing would read them: a file no other PR
    /// shares, which the default branch has not changed since the merge base.
    fn prepare(&self, entry: &Entry<'a>, shared: bool) -> Option<Prepared<'a>> {
        let view = self.base_view(entry);
        if !shared && matches!(&view, BaseView::Known(changes) if changes.is_empty()) {
            return None;
        }
        Some(match line_changes(entry.file) {
            Some(changes) => Prepared::Lines(map_to_head(changes, &view)),
            None => Prepared::NoLineDetail,
        })
    }

    fn side<'r>(&self, id: u32, prepared: &'r [Option<Prepared<'a>>]) -> Side<'r, 'a> {
        let entry = &self.entries[id as usize];
        Side {
            number: entry.number,
            merge_base: entry.merge_base_id,
            file: entry.file,
            origin: entry.origin,
            origin_id: entry.origin_id,
            lines: prepared[id as usize].as_ref().and_then(Prepared::lines),
        }
    }
}

/// Small ids for values, equal for equal values.
struct Interner<T>(HashMap<T, u32>);

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Self(HashMap::new())
    }
}

impl<T: Eq + Hash> Interner<T> {
    fn id(&mut self, value: T) -> u32 {
        let next = u32::try_from(self.0.len()).unwrap_or(u32::MAX);
        *self.0.entry(value).or_insert(next)
    }
}

fn index_by_path<'a>(entries: &[Entry<'a>]) -> HashMap<&'a str, Vec<u32>> {
    let mut by_path: HashMap<&str, Vec<u32>> = HashMap::with_capacity(entries.len());
    for (id, entry) in (0u32..).zip(entries) {
        let file = entry.file;
        let keys = [Some(file.filename.as_str()), file.previous_filename.as_deref(), Some(entry.origin.path())];
        for (i, key) in keys.iter().enumerate() {
            if let Some(key) = key
                && !keys[..i].contains(&Some(key))
            {
                by_path.entry(key).or_default().push(id);
            }
        }
    }
    by_path
}

/// A PR file's line-level changes, or `None` when the file has no usable patch. A copy's
/// patch numbers the lines of its source, not of a file both sides share.
fn line_changes(file: &ChangedFile) -> Option<Vec<Change<'_>>> {
    if file.status == FileStatus::Copied {
        return None;
    }
    match &file.patch {
        Some(text) => parse_patch(text).ok().map(|patch| patch.changes),
        None if is_pure_move(file) => Some(Vec::new()),
        None => None,
    }
}

enum Prepared<'a> {
    Lines(MappedFile<'a>),
    NoLineDetail,
}

impl<'a> Prepared<'a> {
    fn lines(&self) -> Option<&MappedFile<'a>> {
        match self {
            Prepared::Lines(mapped) => Some(mapped),
            Prepared::NoLineDetail => None,
        }
    }
}

/// Two files of two PRs sharing a path, as indices, lower PR first. Compact, because a large
/// repository has hundreds of thousands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct EntryPair {
    prs: (u32, u32),
    entries: (u32, u32),
}

/// Every pair of files from different PRs sharing a path, grouped by PR pair, unique.
fn entry_pairs(repo: &Repo) -> Vec<EntryPair> {
    let pr_of = |id: u32| u32::try_from(repo.entries[id as usize].pr).unwrap_or(u32::MAX);
    let mut pairs = Vec::new();
    for ids in repo.by_path.values() {
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                let prs = (pr_of(a), pr_of(b));
                if prs.0 != prs.1 {
                    pairs.push(EntryPair { prs, entries: (a, b) });
                }
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    pairs
}

fn pair_overlaps<'a>(repo: &Repo<'a>, prepared: &[Option<Prepared<'a>>], pairs: &[EntryPair]) -> Vec<PairOverlap<'a>> {
    pairs
        .chunk_by(|x, y| x.prs == y.prs)
        .map(|group| {
            let mut files: Vec<_> = group
                .iter()
                .map(|pair| compare_files(&repo.side(pair.entries.0, prepared), &repo.side(pair.entries.1, prepared)))
                .collect();
            files.sort_by_key(|f| (f.path, f.path_in_a, f.path_in_b));
            let (a, b) = group[0].prs;
            PairOverlap {
                a: repo.prs[a as usize].number,
                b: repo.prs[b as usize].number,
                files,
            }
        })
        .collect()
}

fn ownership_findings<'a>(repo: &Repo<'a>) -> Vec<OwnershipFinding<'a>> {
    let mut found: BTreeMap<(PrNumber, &str), (&OpenPr, &str, BTreeSet<&str>)> = BTreeMap::new();
    for entry in &repo.entries {
        let pr = repo.prs[entry.pr];
        for path in entry.file.touched_paths() {
            for track in repo.inputs.ownership.foreign_owners(path, pr.lane.as_deref()) {
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

fn pr_reports<'a>(repo: &Repo<'a>, prepared: &[Option<Prepared<'a>>]) -> Vec<PrReport<'a>> {
    let mut reports: Vec<PrReport> = repo
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
    for (entry, prepared) in repo.entries.iter().zip(prepared) {
        let Some(lines) = prepared.as_ref().and_then(Prepared::lines) else { continue };
        let report = &mut reports[entry.pr];
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
