//! The coordinated PRs' files, indexed by path, and their changes made ready to compare.

use super::compare::{FileSide, Side};
use super::coords::{BaseFile, BaseIndex, BaseView, MappedFile, is_pure_move, map_to_head};
use super::files::{ChangedFile, FileStatus};
use super::inputs::{Inputs, OpenPr};
use super::patch::{Change, parse_changes};
use crate::globs::PathFilter;
use crate::ids::Sha;
// Randomly seeded like std's, and several times faster on short keys such as paths.
use foldhash::HashMap;

/// One PR file that is not ignored.
pub(crate) struct Entry<'a> {
    /// Index of its PR in [`PrFiles::prs`].
    pub pr: u32,
    pub side: FileSide<'a>,
    pub file: &'a ChangedFile,
    /// Path ids of the file's origin (see [`FileSide`]) and of its name on the PR's head.
    pub origin_path_id: u32,
    pub filename_id: u32,
    /// What the base diff says about the file.
    pub base: BaseFile<'a>,
    /// Ids of the paths it touches: origin, new and old, without repeats.
    paths: [u32; 3],
    path_count: u8,
    /// Whether another PR touches one of its paths.
    shared: bool,
}

impl Entry<'_> {
    pub(crate) fn paths(&self) -> &[u32] {
        &self.paths[..usize::from(self.path_count)]
    }
}

/// Small ids for paths.
#[derive(Default)]
struct PathIds<'a> {
    ids: HashMap<&'a str, u32>,
    names: Vec<&'a str>,
}

impl<'a> PathIds<'a> {
    fn id(&mut self, path: &'a str) -> u32 {
        let next = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        let id = *self.ids.entry(path).or_insert(next);
        if id == next {
            self.names.push(path);
        }
        id
    }

    /// The ids of a file's origin, name and previous name, without repeats (the origin
    /// first), and the id of its name.
    fn of_file(&mut self, origin: &'a str, file: &'a ChangedFile) -> ([u32; 3], u8, u32) {
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
            if !ids[..usize::from(count)].contains(&id) {
                ids[usize::from(count)] = id;
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
    /// Grouped by origin, each group in PR order: the files compared with each other lie
    /// next to each other in memory.
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
        let mut files = Self {
            inputs,
            prs,
            entries: Vec::new(),
            by_path: Vec::new(),
            path_names: Vec::new(),
        };
        files.collect_entries();
        files.index_paths();
        files
    }

    fn collect_entries(&mut self) {
        let bases: HashMap<&Sha, BaseIndex> = self
            .inputs
            .base_diffs
            .iter()
            .map(|(merge_base, diff)| (merge_base, BaseIndex::new(diff)))
            .collect();
        let mut paths = PathIds::default();
        let mut merge_base_ids: HashMap<&'a Sha, u32> = HashMap::default();
        let mut entries = Vec::with_capacity(self.prs.iter().map(|pr| pr.files.len()).sum());
        for (pr, open) in (0u32..).zip(&self.prs) {
            let on_head = open.merge_base == *self.inputs.default_head;
            let index = bases.get(&open.merge_base);
            let base_of = |path: &str| match index {
                _ if on_head => BaseFile::Untouched,
                Some(index) => index.file(path),
                None => BaseFile::NoCompare,
            };
            let next_base = u32::try_from(merge_base_ids.len()).unwrap_or(u32::MAX);
            let merge_base_id = *merge_base_ids.entry(&open.merge_base).or_insert(next_base);
            for file in open
                .files
                .iter()
                .filter(|file| !is_ignored(self.inputs.ignore, file))
            {
                let base = base_of(file.base_path());
                let (origin, added) = match file.old_path() {
                    Some(old) => (base.path_at_head(old).unwrap_or(old), false),
                    None => (file.filename.as_str(), true),
                };
                let (path_ids, path_count, filename_id) = paths.of_file(origin, file);
                let origin_path_id = path_ids[0];
                // New files have no old lines: they only meet other new files at their path.
                let origin_id = origin_path_id * 2 + u32::from(added);
                entries.push(Entry {
                    pr,
                    side: FileSide::new(merge_base_id, origin_id, file),
                    file,
                    origin_path_id,
                    filename_id,
                    base,
                    paths: path_ids,
                    path_count,
                    shared: false,
                });
            }
        }
        self.entries = grouped_by_origin(entries, paths.names.len());
        self.path_names = paths.names;
    }

    /// Lists the entries touching each path, and marks those another PR's entry meets.
    fn index_paths(&mut self) {
        let mut by_path = vec![Vec::new(); self.path_names.len()];
        for (id, entry) in (0u32..).zip(&self.entries) {
            for &path in entry.paths() {
                by_path[path as usize].push(id);
            }
        }
        for ids in &by_path {
            let pr = |id: &u32| self.entries[*id as usize].pr;
            if ids
                .first()
                .is_some_and(|first| ids.iter().any(|id| pr(id) != pr(first)))
            {
                for &id in ids {
                    self.entries[id as usize].shared = true;
                }
            }
        }
        self.by_path = by_path;
    }

    pub(crate) fn merge_base(&self, entry: &Entry) -> &'a Sha {
        &self.prs[entry.pr as usize].merge_base
    }

    /// The file's changes, parsed and placed on the head; `None` when it has no usable
    /// patch, or when nothing would read them: a file no other PR shares, which the default
    /// branch has not changed since the merge base.
    pub(crate) fn prepare(&self, entry: &Entry<'a>) -> Option<MappedFile<'a>> {
        let view = entry.base.view();
        if !entry.shared && matches!(&view, BaseView::Known(changes) if changes.is_empty()) {
            return None;
        }
        line_changes(entry.file).map(|changes| map_to_head(changes, &view))
    }

    pub(crate) fn side<'r>(
        &'r self,
        id: u32,
        prepared: &'r [Option<MappedFile<'a>>],
    ) -> Side<'r, 'a> {
        (
            &self.entries[id as usize].side,
            prepared[id as usize].as_ref(),
        )
    }
}

/// The entries reordered so that those with the same origin are adjacent, keeping their
/// order otherwise (a counting sort: each entry moves once).
fn grouped_by_origin(entries: Vec<Entry<'_>>, distinct_paths: usize) -> Vec<Entry<'_>> {
    let mut next_slot = vec![0usize; distinct_paths + 1];
    for entry in &entries {
        next_slot[entry.origin_path_id as usize + 1] += 1;
    }
    for path in 1..next_slot.len() {
        next_slot[path] += next_slot[path - 1];
    }
    let mut order = vec![0; entries.len()];
    for (index, entry) in entries.iter().enumerate() {
        let slot = &mut next_slot[entry.origin_path_id as usize];
        order[*slot] = index;
        *slot += 1;
    }
    let mut taken: Vec<Option<Entry>> = entries.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&index| taken[index].take())
        .collect()
}

/// Whether overlaps on the file never matter: every path it touches is ignored.
fn is_ignored(ignore: &PathFilter, file: &ChangedFile) -> bool {
    file.touched_paths().all(|path| ignore.matches(path))
}

/// A PR file's changed lines, or `None` when it has no usable patch: binary, too large, a
/// copy (whose patch numbers the lines of its source, not of a file both sides share), or
/// unreadable. A move or mode change without a patch changes no line.
fn line_changes(file: &ChangedFile) -> Option<Vec<Change<'_>>> {
    match &file.patch {
        _ if file.status == FileStatus::Copied => None,
        Some(text) => parse_changes(text).ok(),
        None if is_pure_move(file) => Some(Vec::new()),
        None => None,
    }
}
