//! Splitting the engine's large loops over the machine's cores.
//!
//! A repository with a thousand open PRs has tens of thousands of patches to parse and
//! hundreds of thousands of file pairs to compare. The parts are independent and their
//! results come back in order, so the result is the same on any machine.

use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;

/// How far to split work.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    cores: usize,
    /// Below this many units of work (patches, or file pairs) per part, a thread costs more
    /// than it saves.
    work_per_part: usize,
}

impl Split {
    pub(crate) fn for_this_machine() -> Self {
        static CORES: OnceLock<usize> = OnceLock::new();
        Self {
            cores: *CORES
                .get_or_init(|| thread::available_parallelism().map_or(1, NonZeroUsize::get)),
            work_per_part: 4_000,
        }
    }

    /// Always into `parts` parts, however little the work.
    #[cfg(test)]
    pub(crate) fn exactly(parts: usize) -> Self {
        Self {
            cores: parts,
            work_per_part: 0,
        }
    }

    /// How many parts `work` units are worth splitting into.
    pub(crate) fn parts(self, work: usize) -> usize {
        let worth = work.checked_div(self.work_per_part).unwrap_or(usize::MAX);
        self.cores.min(worth).max(1)
    }
}

/// `0..weights.len()` cut into at most `parts` consecutive ranges of about equal weight.
pub(crate) fn balanced_ranges(weights: &[usize], parts: usize) -> Vec<Range<usize>> {
    let total: usize = weights.iter().sum();
    let mut ranges = Vec::with_capacity(parts);
    let (mut start, mut so_far) = (0, 0);
    for (i, weight) in weights.iter().enumerate() {
        so_far += weight;
        if ranges.len() + 1 < parts && so_far * parts >= total * (ranges.len() + 1) {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    ranges.push(start..weights.len());
    ranges
}

/// `run` applied to every part, the first on the calling thread and the others each on a
/// thread of its own; results in the order of the parts. A part whose thread cannot be
/// started runs on the calling thread instead.
pub(crate) fn run_parts<P: Send, R: Send>(parts: Vec<P>, run: impl Fn(P) -> R + Sync) -> Vec<R> {
    let run = &run;
    // Each part waits in a slot that either its thread or, failing that, this one empties.
    let slots: Vec<Mutex<Option<P>>> = parts.into_iter().map(|p| Mutex::new(Some(p))).collect();
    let take = |slot: &Mutex<Option<P>>| slot.lock().unwrap_or_else(PoisonError::into_inner).take();
    thread::scope(|scope| {
        let others: Vec<_> = slots
            .iter()
            .skip(1)
            .map(|slot| {
                let spawned =
                    thread::Builder::new().spawn_scoped(scope, move || take(slot).map(run));
                (slot, spawned)
            })
            .collect();
        let mut results: Vec<R> = slots.first().and_then(take).map(run).into_iter().collect();
        for (slot, spawned) in others {
            let result = match spawned {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => take(slot).map(run),
            };
            results.extend(result);
        }
        results
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once_with_about_equal_weight() {
        assert_eq!(balanced_ranges(&[1, 1, 1, 1], 2), [0..2, 2..4]);
        assert_eq!(balanced_ranges(&[10, 1, 1, 1], 2), [0..1, 1..4]);
        assert_eq!(balanced_ranges(&[1, 1, 1], 1), vec![0..3]);
        assert_eq!(balanced_ranges(&[], 2), vec![0..0]);
        assert_eq!(balanced_ranges(&[0, 0, 5, 5, 0], 3), [0..3, 3..4, 4..5]);
    }

    #[test]
    fn results_come_back_in_order() {
        let squares = run_parts((0..5u64).collect(), |n| n * n);
        assert_eq!(squares, [0, 1, 4, 9, 16]);
    }
}
