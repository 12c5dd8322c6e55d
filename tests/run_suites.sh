#!/bin/bash
# run_suites.sh — what `make test` runs: every suite (a make target) one after the other, its output
# shown and kept in RESULTS/<suite>.log, then one table: suite, verdict, checks passed / failed /
# skipped, seconds, and the reason of every skip. Exit 0 iff every suite passed.
#
# Counts come from the suites' own count lines: "P passed, F failed[, S skipped]" at the start of
# a line (the golden test and the shell suites) and Criterion's "Synthesis: Tested: T | Passing: P
# | Failing: F | Crashing: C"; several lines in one suite (two builds, two programs) add up. Skips
# are the lines "SKIPPED[<need>]: <what> (<why>)" (an untagged "SKIPPED" line counts too).
#
# Under CI=true (or 1) a skip fails its suite unless what it needs is truly absent and not
# something CI installs: shared:<path> passes only if <path> does not exist, cpu:<flag> only if
# /proc/cpuinfo lacks the flag, arch:<uname -m> only on another architecture, root only when not
# root. pkg:<package> (what `make deps` installs) and untagged skips always fail under CI.
#
# Usage: run_suites.sh RESULTS SUITE...   (MAKE: the make to run, default make)
set -u -o pipefail
RESULTS=$1; shift
MAKE=${MAKE:-make}
CI_STRICT=0
case "${CI:-}" in true|TRUE|True|1|yes) CI_STRICT=1;; esac
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.log "$RESULTS/summary.tsv"

# skip_allowed NEED: 0 when a skip for NEED is acceptable under CI (the thing is really absent)
skip_allowed() {
  case "$1" in
    shared:*) [ ! -e "${1#shared:}" ];;
    cpu:*) ! grep -qw -- "${1#cpu:}" /proc/cpuinfo 2>/dev/null;;
    arch:*) [ "$(uname -m)" != "${1#arch:}" ];;
    root) [ "$(id -u)" != 0 ];;
    *) return 1;;
  esac
}

# counts LOG: "passed failed" summed over the count lines of LOG
counts() {
  awk '
    /^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
    /Synthesis: Tested: [0-9]+ \| Passing: [0-9]+ \| Failing: [0-9]+ \| Crashing: [0-9]+/ {
      for (i = 1; i <= NF; i++) {
        if ($i == "Passing:") p += $(i + 1)
        if ($i == "Failing:" || $i == "Crashing:") f += $(i + 1)
      }
    }
    END { printf "%d %d\n", p, f }' "$1"
}

# skips LOG: one line per skip, "<need>\t<text>" (need "-" when untagged)
skips() {
  sed -n 's/^[[:space:]]*SKIPPED\[\([^]]*\)\]:[[:space:]]*\(.*\)$/\1\t\2/p
          /^[[:space:]]*SKIPPED\[/!s/^[[:space:]]*SKIPPED[: ]*\(.*\)$/-\t\1/p' "$1"
}

printf 'suite\tverdict\tpassed\tfailed\tskipped\tseconds\n' > "$RESULTS/summary.tsv"
all_ok=1
for s in "$@"; do
  log="$RESULTS/$s.log"
  echo "== $s"
  t0=$(date +%s)
  $MAKE --no-print-directory "$s" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  secs=$(( $(date +%s) - t0 ))
  read -r np nf < <(counts "$log")
  skips "$log" > "$RESULTS/$s.skips"
  ns=$(wc -l < "$RESULTS/$s.skips")
  verdict=passed
  if [ "$rc" -ne 0 ]; then verdict="FAILED (exit $rc)"
  elif [ "$nf" -gt 0 ]; then verdict="FAILED ($nf failed checks)"
  elif [ "$np" -eq 0 ] && [ "$ns" -gt 0 ]; then verdict=skipped
  elif [ "$np" -eq 0 ]; then verdict="FAILED (no count line: nothing was checked?)"
  fi
  if [ "$CI_STRICT" = 1 ] && [ "$ns" -gt 0 ]; then
    while IFS=$'\t' read -r need text; do
      skip_allowed "$need" || { verdict="FAILED (CI: skipped $need)"; break; }
    done < "$RESULTS/$s.skips"
  fi
  case "$verdict" in passed|skipped) ;; *) all_ok=0;; esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$verdict" "$np" "$nf" "$ns" "$secs" >> "$RESULTS/summary.tsv"
done

echo
echo "== summary (CI=${CI:-unset}$([ "$CI_STRICT" = 1 ] && echo ': skips of what CI installs fail'))"
total=0
while IFS=$'\t' read -r s verdict np nf ns secs; do
  [ "$s" = suite ] && { printf '%-16s %-40s %7s %7s %7s %8s\n' suite verdict passed failed skipped seconds; continue; }
  printf '%-16s %-40s %7s %7s %7s %8s\n' "$s" "$verdict" "$np" "$nf" "$ns" "$secs"
  total=$((total + secs))
  while IFS=$'\t' read -r need text; do
    printf '%16s   skipped [%s] %s\n' "" "$need" "$text"
  done < "$RESULTS/$s.skips"
done < "$RESULTS/summary.tsv"
echo "($((total / 60)) min $((total % 60)) s; logs in $RESULTS/)"
if [ "$all_ok" = 1 ]; then echo "== all tests passed"; exit 0; fi
echo "== some tests FAILED (see the table above)"
exit 1
