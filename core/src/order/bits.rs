//! A fixed-size set of small integers, one bit each: the exact search works on vertex sets and
//! needs intersection, difference and counting to be a few machine words each.

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    /// The empty set over `0..len`.
    pub(super) fn empty(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    /// `{0, 1, .., len - 1}`.
    pub(super) fn full(len: usize) -> Self {
        Self::with(len, 0..len)
    }

    /// `members` as a set over `0..len` (members outside it are left out).
    pub(super) fn with(len: usize, members: impl IntoIterator<Item = usize>) -> Self {
        let mut bits = Self::empty(len);
        for i in members {
            bits.insert(i);
        }
        bits
    }

    /// How many machine words a set takes: the cost of one operation on two sets.
    pub(super) fn words(&self) -> usize {
        self.words.len()
    }

    pub(super) fn insert(&mut self, i: usize) {
        if let Some(word) = self.words.get_mut(i / 64) {
            *word |= 1 << (i % 64);
        }
    }

    pub(super) fn remove(&mut self, i: usize) {
        if let Some(word) = self.words.get_mut(i / 64) {
            *word &= !(1 << (i % 64));
        }
    }

    pub(super) fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|word| word & (1 << (i % 64)) != 0)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.words.iter().all(|&w| w == 0)
    }

    pub(super) fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// `|self ∩ other|` without building the intersection.
    pub(super) fn count_common(&self, other: &Bits) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    pub(super) fn intersect_with(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub(super) fn add_all(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub(super) fn remove_all(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }

    /// Whether `(self ∩ within) \ {except}` is a subset of `other`.
    pub(super) fn is_subset_within(&self, other: &Bits, within: &Bits, except: usize) -> bool {
        let mut rest = self.clone();
        rest.intersect_with(within);
        rest.remove(except);
        rest.words
            .iter()
            .zip(&other.words)
            .all(|(a, b)| a & !b == 0)
    }

    /// The members in increasing order.
    pub(super) fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    w * 64 + bit
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations_across_word_boundaries() {
        let mut a = Bits::empty(130);
        for i in [0, 63, 64, 129] {
            a.insert(i);
        }
        a.insert(500);
        assert_eq!(a.iter().collect::<Vec<_>>(), vec![0, 63, 64, 129]);
        assert_eq!(a.count(), 4);
        assert!(a.contains(64) && !a.contains(65) && !a.contains(500));

        let mut b = Bits::full(130);
        assert_eq!(b.count(), 130);
        b.remove(63);
        assert_eq!(a.count_common(&b), 3);
        assert!(!a.is_subset_within(&b, &Bits::full(130), 0));
        assert!(a.is_subset_within(&b, &Bits::full(130), 63));

        b.remove_all(&a);
        assert_eq!(b.count(), 126);
        a.intersect_with(&b);
        assert!(a.is_empty());
        b.add_all(&Bits::with(130, [0, 1, 999]));
        assert_eq!(b.count(), 127);
        assert_eq!(b.words(), 3);
    }
}
