//! The coordinated PRs' files, indexed by path, and their changes made ready to compare.

use super::compare::{FileSide, Side};
use super::coords::{BaseIndex, BaseView, MappedFile, is_pure_move, map_to_head};
use super::engine::Inputs;
use super::files::{ChangedFile, FileStatus};
use super::patch::{Change, parse_changes};
use super::paths::PathFilter;
use crate::ids::Sha;
use crate::overlap::OpenPr;
use std::collections::HashMap;

/// One PR file that is not ignored.
pub(crate) struct Entry<'a> {
    /// Index of its PR in [`PrFiles::prs`].
    pub pr: u32,
    pub side: FileSide<'a>,
    pub file: &'a ChangedFile,
    /// Path ids of the file's origin (see [`FileSide`]) and of its name on the PR's head.
    pub origin_path: u32,
    pub filename: u32,
    /// The path the base diff knows the file by: its old path, or its new one if added.
    pub lookup_path: &'a str,
    /// Ids of the paths it touches: origin, new and old, without repeats.
    paths: [u32; 3],
    path_count: usize,
    /// Whether another PR touches one of its paths.
    shared: bool,
}

impl Entry<'_> {
    pub(crate) fn paths(&self) -> &[u32] {
        &self.paths[..self.path_count]
    }
}

/// Small ids for paths, and the entries touching each path.
#[derive(Default)]
struct PathIds<'a> {
    ids: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
    entries: Vec<Vec<u32>>,
}

impl<'a> PathIds<'a> {
    fn id(&mut self, path: &'a str) -> u32 {
        let next = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let id = *self.ids.entry(path).or_insert(next);
        if id == next {
            self.names.push(path);
            self.entries.push(Vec::new());
        }
        id
    }

    /// The ids of a file's origin, name and previous name, without repeats (the origin
    /// first), and the id of its name.
    fn of_file(&mut self, origin: &'a str, file: &'a ChangedFile) -> ([u32; 3], usize, u32) {
        let origin_id = self.id(origin);
        let mut id_of = |name: &'a str| {
            if name == origin {
                origin_id
            } else {
                self.id(name)
            }
        };
        let filename = id_of(&file.filename);
        let previous = file.previous_filename.as_deref().map(&mut id_of);
        let mut ids = [origin_id; 3];
        let mut count = 1;
        for id in std::iter::once(filename).chain(previous) {
            if !ids[..count].contains(&id) {
                ids[count] = id;
                count += 1;
            }
        }
        (ids, count, filename)
    }
}

/// The PRs in number order, their files, and the index from path to files.
pub(crate) struct PrFiles<'a> {
    pub inputs: Inputs<'a>,
    pub prs: Vec<&'a OpenPr>,
    pub bases: HashMap<&'a Sha, BaseIndex<'a>>,
    /// Grouped by PR, in PR order.
    pub entries: Vec<Entry<'a>>,
    /// Entry ids by path id, in entry order.
    pub by_path: Vec<Vec<u32>>,
    /// Paths by id.
    pub path_names: Vec<&'a str>,
}

impl<'a> PrFiles<'a> {
    pub(crate) fn new(inputs: Inputs<'a>) -> Self {
        let mut prs: Vec<&OpenPr> = inputs.prs.iter().collect();
        prs.sort_by_key(|pr| pr.number);
        let bases = inputs
            .base_diffs
            .iter()
            .filter(|(merge_base, _)| *merge_base != inputs.default_head)
            .map(|(merge_base, diff)| (merge_base, BaseIndex::new(diff)))
            .collect();
        let mut files = Self {
            inputs,
            prs,
            bases,
            entries: Vec::new(),
            by_path: Vec::new(),
            path_names: Vec::new(),
        };
        files.collect_entries();
        files.mark_shared();
        files
    }

    fn collect_entries(&mut self) {
        let mut paths = PathIds::default();
        let mut merge_base_ids: HashMap<&'a Sha, u32> = HashMap::new();
        let mut entries = Vec::with_capacity(self.prs.iter().map(|pr| pr.files.len()).sum());
        for (pr, open) in (0u32..).zip(&self.prs) {
            let index = self.bases.get(&open.merge_base);
            let next_base = u32::try_from(merge_base_ids.len()).unwrap_or(u32::MAX);
            let merge_base_id = *merge_base_ids.entry(&open.merge_base).or_insert(next_base);
            for file in open
                .files
                .iter()
                .filter(|file| !is_ignored(self.inputs.ignore, file))
            {
                let (origin, added) = match file.old_path() {
                    Some(old) => (
                        index.and_then(|i| i.path_at_head(old)).unwrap_or(old),
                        false,
                    ),
                    None => (file.filename.as_str(), true),
                };
                let (path_ids, path_count, filename) = paths.of_file(origin, file);
                let id = u32::try_from(entries.len()).unwrap_or(u32::MAX);
                for &path in &path_ids[..path_count] {
                    paths.entries[path as usize].push(id);
                }
                let origin_path = path_ids[0];
                // New files have no old lines: they only meet other new files at their path.
                let origin_id = origin_path * 2 + u32::from(added);
                entries.push(Entry {
                    pr,
                    side: FileSide::new(merge_base_id, origin_id, file),
                    file,
                    origin_path,
                    filename,
                    lookup_path: file.old_path().unwrap_or(&file.filename),
                    paths: path_ids,
                    path_count,
                    shared: false,
                });
            }
        }
        self.entries = entries;
        self.by_path = paths.entries;
        self.path_names = paths.names;
    }

    fn mark_shared(&mut self) {
        let entries = &mut self.entries;
        for ids in &self.by_path {
            let pr = |id: Option<&u32>| id.map(|&id| entries[id as usize].pr);
            if pr(ids.first()) != pr(ids.last()) {
                for &id in ids {
                    entries[id as usize].shared = true;
                }
            }
        }
    }

    pub(crate) fn merge_base(&self, entry: &Entry) -> &'a Sha {
        &self.prs[entry.pr as usize].merge_base
    }

    fn base_view(&self, entry: &Entry<'a>) -> BaseView<'a> {
        let merge_base = self.merge_base(entry);
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
    pub(crate) fn prepare(&self, entry: &Entry<'a>) -> Option<Prepared<'a>> {
        let view = self.base_view(entry);
        if !entry.shared && matches!(&view, BaseView::Known(changes) if changes.is_empty()) {
            return None;
        }
        Some(match line_changes(entry.file) {
            Some(changes) => Prepared::Lines(map_to_head(changes, &view)),
            None => Prepared::NoLineDetail,
        })
    }

    pub(crate) fn side<'r>(
        &'r self,
        id: u32,
        prepared: &'r [Option<Prepared<'a>>],
    ) -> Side<'r, 'a> {
        let lines = prepared[id as usize].as_ref().and_then(Prepared::lines);
        (&self.entries[id as usize].side, lines)
    }
}

/// Whether overlaps on the file never matter: every path it touches is ignored.
fn is_ignored(ignore: &PathFilter, file: &ChangedFile) -> bool {
    file.touched_paths().all(|path| ignore.matches(path))
}

/// A PR file's line-level changes, or `None` when the file has no usable patch. A copy's
/// patch numbers the lines of its source, not of a file both sides share.
fn line_changes(file: &ChangedFile) -> Option<Vec<Change<'_>>> {
    if file.status == FileStatus::Copied {
        return None;
    }
    match &file.patch {
        Some(text) => parse_changes(text).ok(),
        None if is_pure_move(file) => Some(Vec::new()),
        None => None,
    }
}

/// A PR file made ready to compare.
pub(crate) enum Prepared<'a> {
    Lines(MappedFile<'a>),
    NoLineDetail,
}

impl<'a> Prepared<'a> {
    pub(crate) fn lines(&self) -> Option<&MappedFile<'a>> {
        match self {
            Prepared::Lines(mapped) => Some(mapped),
            Prepared::NoLineDetail => None,
        }
    }
}
