//! Sorting for the short lists outside the ranking loop (reasons, category
//! sets, summary counts, the two tabs' histories being merged). Each use of
//! `slice::sort*` instantiates a whole sorting algorithm, 2–5 KB of wasm per
//! element type and comparator; this is one small loop, stable, in place.
//! The ranking's top-k keeps `sort_unstable_by` (large lists, hot path).

/// Stable insertion sort by `less`: O(n + inversions), so cheap on the
/// nearly sorted input it gets (a list that is sorted except within runs).
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    for i in 1..v.len() {
        let mut j = i;
        while j > 0 && matches!((v.get(j), v.get(j - 1)), (Some(a), Some(b)) if less(a, b)) {
            v.swap(j, j - 1);
            j -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_keeps_equal_elements_in_order() {
        let mut v = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        sort_by(&mut v, |a, b| a.0 < b.0);
        assert_eq!(
            v,
            [(0, 'f'), (1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]
        );
        let mut empty: [u8; 0] = [];
        sort_by(&mut empty, |a, b| a < b);
        let mut desc: Vec<u32> = (0..300).rev().collect();
        sort_by(&mut desc, |a, b| a < b);
        assert!(desc.windows(2).all(|w| w[0] < w[1]));
    }
}
