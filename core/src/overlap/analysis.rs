//! The engine's result. A large repository has hundreds of thousands of file overlaps, so
//! they are kept compact and read through views ([`FileOverlap`], [`PairOverlap`]).

use super::findings::{
    Certainty, FileOverlap, FileOverlapKind, OwnershipFinding, PrReport, Region, Tier,
};
use crate::ids::PrNumber;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt;

/// Everything the engine finds for one repository's coordinated open PRs, borrowing paths
/// and names from its inputs.
pub struct Analysis<'a> {
    /// Sorted by PR, then track.
    pub ownership: Vec<OwnershipFinding<'a>>,
    /// One per input PR, sorted by number.
    pub prs: Vec<PrReport<'a>>,
    overlaps: Overlaps<'a>,
}

/// Every file overlap, grouped by the lower PR of its pair.
pub(crate) struct Overlaps<'a> {
    /// PR numbers by PR index.
    pub numbers: Vec<PrNumber>,
    /// Paths in name order; records name them by rank, so that they sort by rank.
    pub names: Vec<&'a str>,
    /// By index of the lower PR; each sorted by the other PR, then paths.
    pub by_lower_pr: Vec<Vec<Record>>,
    /// By index of the lower PR: the index of each higher PR some of whose shared files were
    /// left out, and how many; sorted.
    pub omitted: Vec<Vec<(u32, u32)>>,
    pub regions: Vec<Region>,
}

/// One file overlap, compact.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Record {
    /// Index of the higher PR of the pair.
    pub pr_b: u32,
    /// Ranks in [`Overlaps::names`] of [`FileOverlap::path`], `path_in_a` and `path_in_b`.
    pub paths: [u32; 3],
    pub kind: FileOverlapKind,
    pub certainty: Certainty,
    /// Its regions: `start..start + len` in [`Overlaps::regions`].
    pub regions: (u32, u32),
}

impl<'a> Analysis<'a> {
    pub(crate) fn new(
        overlaps: Overlaps<'a>,
        ownership: Vec<OwnershipFinding<'a>>,
        prs: Vec<PrReport<'a>>,
    ) -> Self {
        Self {
            ownership,
            prs,
            overlaps,
        }
    }

    /// Every pair of PRs sharing a file, in order of `(a, b)`.
    pub fn pairs(&self) -> impl Iterator<Item = PairOverlap<'_>> {
        let store = &self.overlaps;
        store
            .by_lower_pr
            .iter()
            .enumerate()
            .flat_map(move |(a, records)| {
                records
                    .chunk_by(|x, y| x.pr_b == y.pr_b)
                    .filter_map(move |records| {
                        let b = records.first()?.pr_b;
                        let omitted = store.omitted.get(a).map_or(0, |counts| {
                            counts
                                .binary_search_by_key(&b, |&(other, _)| other)
                                .map_or(0, |i| counts[i].1)
                        });
                        Some(PairOverlap {
                            a: store.numbers[a],
                            b: store.numbers[b as usize],
                            records,
                            omitted,
                            store,
                        })
                    })
            })
    }

    /// Every file shared by two PRs, in order of `(a, b)`, then path.
    pub fn overlaps(&self) -> impl Iterator<Item = FileOverlap<'_>> {
        self.pairs().flat_map(|pair| pair.files())
    }
}

/// Two open PRs that change at least one common file; `a < b`.
#[derive(Clone, Copy)]
pub struct PairOverlap<'r> {
    pub a: PrNumber,
    pub b: PrNumber,
    records: &'r [Record],
    omitted: u32,
    store: &'r Overlaps<'r>,
}

impl<'r> PairOverlap<'r> {
    /// How many more files both change than [`Self::files`] holds: none, unless the
    /// repository has more file overlaps than [`super::FULL_DETAIL_LIMIT`].
    pub fn omitted_files(&self) -> u32 {
        self.omitted
    }

    /// The files both change, in order of path (some left out past
    /// [`super::FULL_DETAIL_LIMIT`], though never all of one tier).
    pub fn files(&self) -> impl Iterator<Item = FileOverlap<'r>> + use<'r> {
        let (a, b, store) = (self.a, self.b, self.store);
        self.records.iter().map(move |record| {
            let [path, path_in_a, path_in_b] = record.paths.map(|rank| store.names[rank as usize]);
            let (start, len) = (record.regions.0 as usize, record.regions.1 as usize);
            FileOverlap {
                a,
                b,
                path,
                path_in_a,
                path_in_b,
                kind: record.kind,
                certainty: record.certainty,
                regions: store.regions.get(start..start + len).unwrap_or_default(),
            }
        })
    }

    /// The closest of the files' tiers.
    pub fn tier(&self) -> Tier {
        self.files().map(|f| f.tier()).max().unwrap_or(Tier::File)
    }

    /// Whether merging one may force a rebase of the other (see [`FileOverlap::may_conflict`]).
    pub fn may_conflict(&self) -> bool {
        self.files().any(|f| f.may_conflict())
    }
}

impl fmt::Debug for PairOverlap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PairOverlap")
            .field("a", &self.a)
            .field("b", &self.b)
            .field("files", &self.files().collect::<Vec<_>>())
            .field("omitted", &self.omitted)
            .finish()
    }
}

impl fmt::Debug for Analysis<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Analysis")
            .field("overlaps", &self.overlaps().collect::<Vec<_>>())
            .field("ownership", &self.ownership)
            .field("prs", &self.prs)
            .finish()
    }
}

/// Two analyses are equal when they find the same things, however they store them.
impl PartialEq for Analysis<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.ownership == other.ownership
            && self.prs == other.prs
            && self.overlaps().eq(other.overlaps())
            && self
                .pairs()
                .map(|pair| pair.omitted)
                .eq(other.pairs().map(|pair| pair.omitted))
    }
}

impl Serialize for Analysis<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut analysis = serializer.serialize_struct("Analysis", 3)?;
        analysis.serialize_field("overlaps", &self.overlaps().collect::<Vec<_>>())?;
        analysis.serialize_field("ownership", &self.ownership)?;
        analysis.serialize_field("prs", &self.prs)?;
        analysis.end()
    }
}
