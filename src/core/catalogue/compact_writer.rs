//! Writes the compact form (`COMPACT.md`), either version, from a
//! validated catalogue: for the aggregates builder, `examples/compact.rs`
//! and the tests (the wasm never links it).

use super::compact::{CompactForm, HAS_PUBLISHED, MAGIC};
use super::{Catalogue, Edge, HAS_TITLE};
use crate::core::weights::SITE_WEIGHTS;

struct Out(Vec<u8>);

impl Out {
    fn u32(&mut self, v: usize) {
        self.0.extend_from_slice(&(v as u32).to_le_bytes());
    }

    /// An entry of a per-item or per-string section: a u32 end (version 1),
    /// or the entry's own length, `width` bytes (version 2).
    fn end(&mut self, end: usize, previous: usize, width: usize) {
        match width {
            1 => self.0.push((end - previous) as u8),
            2 => self
                .0
                .extend_from_slice(&((end - previous) as u16).to_le_bytes()),
            _ => self.u32(end),
        }
    }
}

/// The quantization step of a list type's weights: its largest weight over
/// the largest step count (0 when every weight is 0).
fn scale(edges: &[Edge], bits: u32) -> f32 {
    let max = edges.iter().fold(0.0f32, |m, e| m.max(e.weight));
    (f64::from(max) / f64::from((1u32 << bits) - 1)) as f32
}

pub(super) fn write(c: &Catalogue, form: CompactForm) -> Vec<u8> {
    let bits: u32 = match form {
        CompactForm::Version1 => 32,
        CompactForm::Weights8 => 8,
        CompactForm::Weights16 => 16,
    };
    let v2 = bits != 32;
    let (sw, iw) = if v2 { (2, 1) } else { (4, 4) };
    let n = c.len();
    let k = c.categories.len();
    let mut strings = String::new();
    let mut string_ends = Vec::with_capacity(2 * k + 2 * n);
    for s in c
        .categories
        .iter()
        .map(|c| c.id.as_str())
        .chain(c.categories.iter().map(|c| c.label.as_str()))
    {
        strings.push_str(s);
        string_ends.push(strings.len());
    }
    for i in 0..n as u32 {
        strings.push_str(c.id(i));
        string_ends.push(strings.len());
    }
    for i in 0..n as u32 {
        if c.flag(i, HAS_TITLE) {
            strings.push_str(c.title(i));
        }
        string_ends.push(strings.len());
    }
    let lists = [(&c.related_offsets, &c.related), (&c.next_offsets, &c.next)];
    let scales = lists.map(|(_, edges)| if v2 { scale(edges, bits) } else { 0.0 });
    let site: Vec<f64> = c
        .weights
        .as_ref()
        .map(|w| (0..SITE_WEIGHTS.len()).map(|k| w.site(k)).collect())
        .unwrap_or_default();
    let mut o = Out(Vec::new());
    o.0.extend_from_slice(MAGIC);
    o.0.push(if v2 { b'2' } else { b'1' });
    for v in [
        k,
        n,
        c.item_categories.len(),
        c.related.len(),
        c.next.len(),
        strings.len(),
    ] {
        o.u32(v);
    }
    if v2 {
        o.u32(if site.is_empty() {
            0
        } else {
            (1 << site.len()) - 1
        });
        o.u32(bits as usize);
        for s in scales {
            o.0.extend_from_slice(&s.to_le_bytes());
        }
        for x in &site {
            o.0.extend_from_slice(&x.to_le_bytes());
        }
    }
    let mut previous = 0;
    for (j, &e) in string_ends.iter().enumerate() {
        o.end(e, if j == 0 { 0 } else { previous }, sw);
        previous = e;
    }
    o.0.extend(c.categories.iter().map(|c| u8::from(c.sensitive)));
    for i in 0..n as u32 {
        let published = if c.published_at(i).is_some() {
            HAS_PUBLISHED
        } else {
            0
        };
        o.0.push(c.flags.get(i as usize).copied().unwrap_or(0) | published);
    }
    for i in 0..n as u32 {
        o.0.extend_from_slice(&c.popularity(i).to_le_bytes());
    }
    for i in 0..n as u32 {
        o.0.extend_from_slice(&c.published_at(i).unwrap_or(0.0).to_le_bytes());
    }
    for w in c.category_offsets.windows(2) {
        if let [a, b] = *w {
            o.end(b as usize, a as usize, iw);
        }
    }
    o.0.extend(c.item_categories.iter().map(|&ci| ci as u8));
    for ((offsets, edges), scale) in lists.into_iter().zip(scales) {
        for w in offsets.windows(2) {
            if let [a, b] = *w {
                o.end(b as usize, a as usize, iw);
            }
        }
        if !v2 {
            for e in edges.iter() {
                o.u32(e.target as usize);
            }
            for e in edges.iter() {
                o.0.extend_from_slice(&e.weight.to_le_bytes());
            }
            continue;
        }
        for shift in [0, 8, 16] {
            o.0.extend(edges.iter().map(|e| (e.target >> shift) as u8));
        }
        let max = (1u32 << bits) - 1;
        let mut steps = Vec::with_capacity(edges.len());
        for w in offsets.windows(2) {
            let mut previous = 0u32;
            let list = match *w {
                [a, b] => edges.get(a as usize..b as usize).unwrap_or(&[]),
                _ => &[],
            };
            for e in list {
                let q = if scale > 0.0 {
                    (f64::from(e.weight) / f64::from(scale))
                        .round()
                        .min(f64::from(max)) as u32
                } else {
                    0
                };
                steps.push(q.wrapping_sub(previous) & max);
                previous = q;
            }
        }
        for shift in (0..bits).step_by(8) {
            o.0.extend(steps.iter().map(|d| (d >> shift) as u8));
        }
    }
    o.0.extend_from_slice(strings.as_bytes());
    o.0
}
