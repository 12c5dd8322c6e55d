#!/bin/bash
# run_suites_test.sh — the rules of tests/run_suites.sh (make test's summary), on fake suites: a
# stand-in for make prints canned output per suite name. Checks the verdicts, the summed counts,
# the skip reasons in the table, and CI=true: a skip of a package, an untagged skip, a skip of
# ../shared data that is present fail; a skip of absent data or a missing CPU flag does not.
# Prints ok / FAIL lines and "P passed, F failed"; exits 1 on any failure.
set -u -o pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
PASS=0 FAIL=0
ok() { echo "ok   $*"; PASS=$((PASS + 1)); }
bad() { echo "FAIL $*"; FAIL=$((FAIL + 1)); }

cat > "$T/fake_make" <<'EOF'
#!/bin/sh
# called as: fake_make --no-print-directory SUITE
case "$2" in
  pass) echo "ok   a"; echo "3 passed, 0 failed";;
  two) echo "2 passed, 0 failed"; echo "[====] Synthesis: Tested: 5 | Passing: 5 | Failing: 0 | Crashing: 0 ";;
  crash) echo "[====] Synthesis: Tested: 5 | Passing: 4 | Failing: 0 | Crashing: 1 "; exit 1;;
  rc) echo "1 passed, 0 failed"; exit 2;;
  failcount) echo "2 passed, 1 failed";;
  nocount) echo "built something";;
  pkg) echo "SKIPPED[pkg:python3-torch]: the torch check (cannot import torch)"; echo "1 passed, 0 failed";;
  absent) echo "SKIPPED[shared:/nonexistent/rnnts-data]: interop (not found)"; echo "4 passed, 0 failed";;
  present) echo "SKIPPED[shared:/]: interop (not found)"; echo "4 passed, 0 failed";;
  untagged) echo "SKIPPED: something"; echo "1 passed, 0 failed";;
  nocpu) echo "  SKIPPED[cpu:no_such_flag_xyz]: the path (this CPU lacks it)"; echo "1 passed, 0 failed";;
  hascpu) echo "SKIPPED[cpu:fpu]: the path (this CPU lacks it)"; echo "1 passed, 0 failed";;
  wholeskip) echo "SKIPPED[shared:/nonexistent/rnnts-data]: all of it (absent)";;
esac
EOF
chmod +x "$T/fake_make"

# run [CI] SUITE... -> $out (stdout), $rc, $T/r/summary.tsv
run() {
  local ci=$1; shift
  out=$(CI=$ci MAKE="$T/fake_make" bash "$HERE/run_suites.sh" "$T/r" "$@" 2>&1); rc=$?
}
verdict() { awk -F'\t' -v s="$1" '$1 == s { print $2 }' "$T/r/summary.tsv"; }
row() { awk -F'\t' -v s="$1" '$1 == s { print $3 " " $4 " " $5 }' "$T/r/summary.tsv"; }

run "" pass two absent wholeskip
[ $rc = 0 ] && ok "passing suites: exit 0" || bad "passing suites: exit $rc"
[ "$(row pass)" = "3 0 0" ] && ok "counts of one count line" || bad "counts of pass: $(row pass)"
[ "$(row two)" = "7 0 0" ] && ok "a count line and a Criterion synthesis add up" || bad "counts of two: $(row two)"
[ "$(verdict wholeskip)" = skipped ] && ok "a suite with skips and no checks is 'skipped'" || bad "wholeskip: $(verdict wholeskip)"
printf '%s\n' "$out" | grep -q 'skipped \[shared:/nonexistent/rnnts-data\] interop (not found)' \
  && ok "the table names each skip with its need and reason" || bad "skip reason missing from the table"
printf '%s\n' "$out" | tail -n 1 | grep -qx '== all tests passed' && ok "last line: all tests passed" || bad "last line: $(printf '%s\n' "$out" | tail -n 1)"

for s in crash rc failcount nocount; do
  run "" pass "$s" pass
  v=$(verdict "$s")
  case "$rc:$v" in 1:FAILED*) ok "$s: suite FAILED ($v), make test exits 1";; *) bad "$s: exit $rc, verdict '$v'";; esac
  [ "$(awk -F'\t' '$1 == "pass"' "$T/r/summary.tsv" | wc -l)" = 2 ] && ok "$s: the suites after it still ran" || bad "$s: later suites did not run"
  if [ "$s" = crash ]; then
    [ "$(row crash)" = "4 1 0" ] && ok "a Criterion crash counts as failed" || bad "crash counts: $(row crash)"
  fi
done

for s in pkg absent present untagged nocpu hascpu; do
  run "" "$s"
  [ $rc = 0 ] && [ "$(verdict "$s")" = passed ] && ok "$s: without CI a skip passes (listed)" || bad "$s without CI: exit $rc, $(verdict "$s")"
done
for s in pkg present untagged hascpu; do
  run true pass "$s"
  v=$(verdict "$s")
  case "$rc:$v" in 1:"FAILED (CI: skipped"*) ok "$s: CI=true fails the skip ($v)";; *) bad "$s under CI=true: exit $rc, verdict '$v'";; esac
done
for s in absent nocpu; do
  run true "$s"
  [ $rc = 0 ] && [ "$(verdict "$s")" = passed ] && ok "$s: CI=true accepts a skip of what is really absent" || bad "$s under CI=true: exit $rc, $(verdict "$s")"
done

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
