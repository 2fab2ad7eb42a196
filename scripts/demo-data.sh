#!/usr/bin/env bash
# Prepares the demo's catalogue in www/data/ (git-ignored, never packed):
#   catalogue.json  the aggregates builder's output
#   catalogue.js    the same as a JavaScript module, which is how the pages
#                   load it: the demo runs under `connect-src 'none'`, so it
#                   cannot fetch JSON.
#
# MovieLens-100K (1,682 films) comes from the recbole 1.2.1 wheel on PyPI via
# bench/quality/fetch_ml100k.sh, is turned into the builder's CSVs by
# bench/quality/movielens.py (both reused, not copied), with every rating as
# one view and one genre marked sensitive for the demonstration (Romance;
# DEMO_SENSITIVE=<genre id> to choose another), and the builder CLI computes
# popularity, `related` and `next`. If any step is unavailable the script
# says why and falls back to the small hand-made catalogue of the e2e tests.
#
#   bash scripts/demo-data.sh            # does nothing when already prepared
#   bash scripts/demo-data.sh --force    # rebuild
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=www/data
WORK=data/demo                      # under the git-ignored data/, like the benchmark
SENSITIVE="${DEMO_SENSITIVE:-romance}"
PYTHON="${PYTHON:-python3}"
MARKER='// source: movielens-100k'
say() { printf '[demo-data] %s\n' "$*" >&2; }

if [ "${1:-}" != "--force" ] && [ -f "$OUT/catalogue.js" ] && head -1 "$OUT/catalogue.js" | grep -qF "$MARKER"; then
  say "$OUT/catalogue.js is already the MovieLens catalogue (--force rebuilds it)"
  exit 0
fi
mkdir -p "$OUT" "$WORK"

# Writes catalogue.js from a catalogue JSON: the source line, the release
# years (display only, see below) and the catalogue itself.
write_module() { # json-file source-text marker years-json-file
  node --input-type=module - "$1" "$2" "$3" "${4:-}" "$OUT/catalogue.js" <<'JS'
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
const [json, source, marker, yearsFile, out] = process.argv.slice(2);
const catalogue = JSON.parse(readFileSync(json, 'utf8'));
const years = yearsFile ? readFileSync(yearsFile, 'utf8') : '{}';
const text = `${marker}\n`
  + `// Written by scripts/demo-data.sh; do not edit, do not commit.\n`
  + `export const source = ${JSON.stringify(source)};\n`
  + `// Release years for display; publishedAt cannot hold dates before 1970.\n`
  + `export const years = ${years.trim()};\n`
  + `export default ${JSON.stringify(catalogue)};\n`;
writeFileSync(`${out}.part`, text);
renameSync(`${out}.part`, out); // never leave a half-written module behind
JS
}

fallback() {
  say "$1"
  say "falling back to the small hand-made catalogue of the e2e tests (26 films instead of 1,682)"
  node --input-type=module -e "
    const { default: c } = await import('./tests/e2e/fixture/catalogue.js');
    (await import('node:fs')).writeFileSync('$OUT/catalogue.json', JSON.stringify(c));"
  write_module "$OUT/catalogue.json" 'Catalogue: a small hand-made test catalogue (tests/e2e/fixture), because MovieLens could not be prepared.' '// source: fixture'
  say "wrote $OUT/catalogue.js (fallback); run this script again once the problem above is fixed"
  exit 0
}

say "fetching MovieLens-100K (bench/quality/fetch_ml100k.sh)"
PYTHON="$PYTHON" bash bench/quality/fetch_ml100k.sh >&2 \
  || fallback "could not fetch MovieLens-100K: it needs $PYTHON with pip and access to PyPI"

say "writing the builder's CSVs to $WORK (bench/quality/movielens.py)"
"$PYTHON" - "$WORK" "$SENSITIVE" <<'PY' || fallback "could not convert MovieLens with bench/quality/movielens.py"
import csv, json, sys
from pathlib import Path
sys.path.insert(0, "bench/quality")
import movielens

work, sensitive = Path(sys.argv[1]), sys.argv[2]
interactions = movielens.read_interactions(Path("data/ml-100k/ml-100k.inter"))
movies = movielens.read_movies(Path("data/ml-100k/ml-100k.item"))
# The whole log, not the benchmark's split: the demo is a site, not a test.
history = {}
for x in interactions:
    history.setdefault(x.user, []).append(x)
paths = movielens.write_builder_input(history, movies, work)

# Dates before 1970 are negative milliseconds, which neither the builder nor
# the core accepts: leave those films without publishedAt (their year is
# still shown, from years.json).
# MovieLens files titles as "Empire Strikes Back, The"; people read "The
# Empire Strikes Back" (and ondevice's reasons quote the title as given).
items = list(csv.DictReader(open(paths["items"], newline="", encoding="utf-8")))
for row in items:
    if row["published_at"].startswith("-"):
        row["published_at"] = ""
    for article in ("The", "A", "An"):
        if row["title"].endswith(f", {article}"):
            row["title"] = f"{article} {row['title'][: -len(article) - 2]}"
with open(paths["items"], "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=list(items[0].keys()), lineterminator="\n")
    w.writeheader()
    w.writerows(items)

# One genre is sensitive for the demonstration, so the behaviour is visible.
categories = list(csv.DictReader(open(paths["categories"], newline="", encoding="utf-8")))
if sensitive not in {c["id"] for c in categories}:
    sys.exit(f"DEMO_SENSITIVE={sensitive!r} is not a genre; known: {', '.join(c['id'] for c in categories)}")
for c in categories:
    c["sensitive"] = "true" if c["id"] == sensitive else "false"
with open(paths["categories"], "w", newline="", encoding="utf-8") as f:
    w = csv.DictWriter(f, fieldnames=["id", "label", "sensitive"], lineterminator="\n")
    w.writeheader()
    w.writerows(categories)

json.dump({m.id: m.year for m in movies if m.year is not None}, open(work / "years.json", "w"))
print(f"[demo-data] {len(movies)} films, {len(interactions)} views, sensitive: {sensitive}", file=sys.stderr)
PY

command -v cargo >/dev/null || fallback "cargo is not installed, so the aggregates builder cannot run"
say "building the catalogue with the aggregates builder (the first run compiles it: minutes)"
if ! cargo run -q -p ondevice-builder -- build \
    --events "$WORK/events.csv" --items "$WORK/items.csv" --categories "$WORK/categories.csv" \
    --out "$WORK/catalogue.json" --quiet 2> "$WORK/builder.log"; then
  tail -5 "$WORK/builder.log" >&2
  fallback "the aggregates builder failed (full log: $WORK/builder.log)"
fi

cp "$WORK/catalogue.json" "$OUT/catalogue.json"
write_module "$OUT/catalogue.json" 'Catalogue: MovieLens 100K (GroupLens Research, University of Minnesota), via the recbole 1.2.1 wheel; not redistributed.' "$MARKER" "$WORK/years.json"
say "wrote $OUT/catalogue.js ($(wc -c < "$OUT/catalogue.js") bytes)"
