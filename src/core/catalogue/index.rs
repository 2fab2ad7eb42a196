//! The catalogue's id index: open addressing over the ids it already holds.

use crate::core::json::same;

/// Open-addressing hash index from a string key to an index (item or
/// category). Keys are not stored twice: the table holds `index + 1` and the
/// caller resolves an index to its key's bytes (no `str` boundary checks on
/// the hot path of loading). FNV-1a, linear probing, load <= 1/2.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdIndex {
    pub(super) slots: Vec<u32>,
}

fn fnv1a(s: &[u8]) -> u64 {
    s.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl IdIndex {
    pub(crate) fn with_capacity(n: usize) -> Self {
        IdIndex {
            slots: vec![0; (2 * n).next_power_of_two().max(16)],
        }
    }

    pub(super) fn start(&self, key: &[u8]) -> usize {
        let h = fnv1a(key);
        ((h ^ (h >> 29)) as usize) & (self.slots.len().wrapping_sub(1))
    }

    /// Finds `key`; `key_of` returns the key of a stored index.
    pub(crate) fn find<'k>(&self, key: &[u8], key_of: impl Fn(u32) -> &'k [u8]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut p = self.start(key);
        loop {
            match self.slots.get(p).copied() {
                None | Some(0) => return None,
                Some(slot) if same(key_of(slot - 1), key) => return Some(slot - 1),
                Some(_) => p = (p + 1) & mask,
            }
        }
    }

    /// Inserts `index` under `key`, or returns the index already there.
    pub(crate) fn insert<'k>(
        &mut self,
        key: &[u8],
        index: u32,
        key_of: impl Fn(u32) -> &'k [u8],
    ) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut p = self.start(key);
        loop {
            match self.slots.get_mut(p) {
                None => return None,
                Some(slot @ 0) => {
                    *slot = index + 1;
                    return None;
                }
                Some(slot) if same(key_of(*slot - 1), key) => return Some(*slot - 1),
                Some(_) => p = (p + 1) & mask,
            }
        }
    }
}
