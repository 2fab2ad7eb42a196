// The compact catalogue form, version 1 (see COMPACT.md at the repository
// root and src/core/catalogue/compact.rs),
// encoded from a catalogue document in JavaScript. Unknown, self and
// repeated references cannot be expressed by index: they are left out here,
// as the JSON loader would drop them.
const MAGIC = [0x4f, 0x44, 0x43, 0x31]; // "ODC1"

/** Encodes a version-1 catalogue document as compact bytes (Uint8Array). */
export function encodeCompact(doc) {
  const enc = new TextEncoder();
  const cats = doc.categories;
  const items = doc.items;
  const k = cats.length;
  const n = items.length;
  const catIndex = new Map(cats.map((c, i) => [c.id, i]));
  const index = new Map(items.map((it, i) => [it.id, i]));
  const strings = [...cats.map((c) => c.id), ...cats.map((c) => c.label), ...items.map((it) => it.id), ...items.map((it) => it.title ?? '')];
  const encoded = strings.map((s) => enc.encode(s));
  const lists = (field) => items.map((it, i) => {
    const seen = new Set();
    return (it[field] ?? []).filter((e) => {
      const t = index.get(e.id);
      if (t === undefined || t === i || seen.has(t)) return false;
      seen.add(t);
      return true;
    }).map((e) => [index.get(e.id), e.weight]);
  });
  const related = lists('related');
  const next = lists('next');
  const c = items.reduce((s, it) => s + (it.categories?.length ?? 0), 0);
  const r = related.reduce((s, l) => s + l.length, 0);
  const x = next.reduce((s, l) => s + l.length, 0);
  const s = encoded.reduce((a, b) => a + b.length, 0);
  const size = 28 + 4 * (2 * k + 2 * n) + k + n + 16 * n + 4 * n + c + (4 * n + 8 * r) + (4 * n + 8 * x) + s;
  const buf = new ArrayBuffer(size);
  const view = new DataView(buf);
  const bytes = new Uint8Array(buf);
  let at = 0;
  const u8 = (v) => view.setUint8(at++, v);
  const u32 = (v) => { view.setUint32(at, v, true); at += 4; };
  const f32 = (v) => { view.setFloat32(at, v, true); at += 4; };
  const f64 = (v) => { view.setFloat64(at, v, true); at += 8; };
  MAGIC.forEach(u8);
  [k, n, c, r, x, s].forEach(u32);
  let end = 0;
  for (const e of encoded) u32((end += e.length));
  for (const cat of cats) u8(cat.sensitive ? 1 : 0);
  for (const it of items) u8((it.repeatable ? 1 : 0) | (it.title !== undefined && it.title !== null ? 2 : 0) | (it.publishedAt !== undefined ? 4 : 0));
  for (const it of items) f64(it.popularity ?? 0);
  for (const it of items) f64(it.publishedAt ?? 0);
  end = 0;
  for (const it of items) u32((end += it.categories?.length ?? 0));
  for (const it of items) for (const cat of it.categories ?? []) u8(catIndex.get(cat));
  for (const list of [related, next]) {
    end = 0;
    for (const l of list) u32((end += l.length));
    for (const l of list) for (const [t] of l) u32(t);
    for (const l of list) for (const [, w] of l) f32(w);
  }
  for (const e of encoded) {
    bytes.set(e, at);
    at += e.length;
  }
  if (at !== size) throw new Error(`compact encoder: wrote ${at} of ${size} bytes`);
  return bytes;
}
