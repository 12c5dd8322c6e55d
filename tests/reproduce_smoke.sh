#!/bin/sh
# `make reproduce` at its quick scale (seconds): every job runs, REPORT.md has its findings table and
# figures, findings.json parses, and a second run skips the finished jobs and writes the same table.
set -e
RNNTS=${RNNTS:-build/rnnts}
PYTHON=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL reproduce: $*"; exit 1; }
$PYTHON examples/reproduce.py --rnnts "$RNNTS" --out "$tmp/r" --scale quick > "$tmp/log1" 2>&1 || { tail -20 "$tmp/log1"; fail "quick run failed"; }
r="$tmp/r/REPORT.md"
[ -s "$r" ] || fail "no REPORT.md"
grep -q '^| finding | paper | this run | verdict |' "$r" || fail "no findings table"
rows=$(grep -c '^| [A-Z].* | .* | .* | .* |$' "$r" || true)
[ "$rows" -ge 10 ] || fail "findings table has $rows rows, expected >= 10"
for f in $(grep -o '([a-z_]*/[a-z_]*\.svg)' "$r" | tr -d '()'); do
  [ -s "$tmp/r/$f" ] || fail "figure $f named in the report is missing"
  grep -q '</svg>' "$tmp/r/$f" || fail "figure $f is not a complete SVG"
done
nfig=$(grep -c '^!\[' "$r")
[ "$nfig" -ge 10 ] || fail "only $nfig figures in the report"
$PYTHON -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d) >= 10 and all(set(x) == {"finding","paper","measured","verdict"} for x in d)' "$tmp/r/findings.json" || fail "findings.json"
sed -n '/^| finding/,/^$/p' "$r" > "$tmp/t1"
$PYTHON examples/reproduce.py --rnnts "$RNNTS" --out "$tmp/r" --scale quick > "$tmp/log2" 2>&1 || fail "second run failed"
grep -q '\[start\]' "$tmp/log2" && fail "the second run ran jobs again"
sed -n '/^| finding/,/^$/p' "$r" > "$tmp/t2"
cmp -s "$tmp/t1" "$tmp/t2" || fail "the second run wrote a different table"
echo "ok   reproduce (quick scale): $rows findings, $nfig figures; a second run skips every job and writes the same table"
