#!/bin/sh
# tests/windows_test.sh [BUILD_DIR] — the Windows x86-64 builds of `make windows` (MinGW-w64, Win32
# threads, statically linked: BUILD_DIR/win/{rnnts,golden}_{scalar,avx2,avx512}.exe) under wine64
# (AVX-512 where the CPU has it, as the builds' own CPUID/XGETBV check sees it under wine):
#   (a) the golden test of each build against reference/golden.txt, with pools of 1 and of 2
#       threads (the full set of configurations: golden --threads 1, then --threads 2);
#   (b) a tiny `rnnts train` with each build and 1 and 2 threads, --out given as a relative path
#       with backslashes (run\<name>) and as an absolute drive path (Z:\...\<name>, wine's Z: is /):
#       every .safetensors written must be byte for byte the one the Linux tool (BUILD_DIR/rnnts,
#       dispatched path) writes for the same command, and the log records the same but for their
#       timings (seconds, wall) and provenance (the writer); no temporary file may be left; and
#       `rnnts replay` of a Linux run by the Windows build and of a Windows run by the Linux tool;
#   (c) atomic replacement: a resumed run replaces last.safetensors (and appends to the log) as on
#       Linux; a write that cannot create its temporary file fails with exit code 1 and leaves the
#       old last.safetensors intact; a replacement MoveFileExA refuses (the destination is a
#       directory; wine lets root replace a read-only file) fails and removes its temporary;
#   (d) SIGINT (a Ctrl+C event under wine) stops training cleanly (exit 130, mid-epoch checkpoint)
#       and the resumed run ends with the files of an uninterrupted Linux run (when the run ended
#       before the signal: again with a longer run and an earlier signal, up to 3 attempts);
#   (e) the header with RNNTS_NO_THREADS compiles with MinGW-w64 (-Werror), imports no thread
#       function and runs a pool of 2 on 1 thread (build info threads=none).
# One ok/FAIL line per (build, threads) and per other check; the total time, then the count line
# "N passed, M failed[, S skipped]" last. With CROSS_ROWS
# set to a file name (tests/cross_test.sh does), one tab-separated row per (build, threads) is
# appended to it, in the columns of cross_test.sh's table:
#   windows-x64  scalar|avx2|avx512  THREADS  POOLS (golden --threads)  PASSED/TOTAL  XXH3 of last.safetensors
# The tiny run is cross_test.sh's (its table compares the hash with x86-64 scalar's).
# Prints "SKIPPED[pkg:...]: ..." and "0 passed, 0 failed, 1 skipped" and exits 0 without the MinGW-w64
# compiler or wine64. (sh has no pipefail: a command whose status matters writes to a file first.)
set -u
B=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "FAIL ${1:-build}: no such build directory"; echo "0 passed, 1 failed"; exit 1; }
SRC=$(cd "$(dirname "$0")/.." && pwd)
MINGW=${MINGW:-x86_64-w64-mingw32-gcc}
start=$(date +%s)
skip() { echo "SKIPPED[$1]: the Windows x64 builds under wine64 ($2)"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
command -v "$MINGW" >/dev/null 2>&1 || skip pkg:gcc-mingw-w64-x86-64 "no MinGW-w64 compiler $MINGW; 'make deps' installs gcc-mingw-w64-x86-64"
WINE=${WINE:-}
if [ -z "$WINE" ]; then
  for w in wine64 /usr/lib/wine/wine64; do
    if command -v "$w" >/dev/null 2>&1; then WINE=$(command -v "$w"); break; fi
  done
fi
[ -n "$WINE" ] || skip pkg:wine64 "no wine64 (tried wine64 and /usr/lib/wine/wine64); 'make deps' installs wine64"
WINESERVER=$(command -v wineserver 2>/dev/null || echo /usr/lib/wine/wineserver64)

fail=0 pass=0 skipped=0
okl() { printf 'ok   %s\n' "$1"; pass=$((pass + 1)); } # printf: the messages hold backslashes (run\avx2)
badl() { printf 'FAIL %s\n' "$1"; fail=$((fail + 1)); }
skipl() { printf 'SKIPPED[%s]: %s\n' "$1" "$2"; skipped=$((skipped + 1)); }
counts() { if [ "$skipped" -gt 0 ]; then echo "$pass passed, $fail failed, $skipped skipped"; else echo "$pass passed, $fail failed"; fi; }
for f in rnnts_scalar.exe rnnts_avx2.exe golden_scalar.exe golden_avx2.exe; do
  [ -f "$B/win/$f" ] || { badl "$B/win/$f is missing ('make windows' builds it)"; counts; exit 1; }
done
[ -x "$B/rnnts" ] || { badl "$B/rnnts is missing ('make tool' builds it)"; counts; exit 1; }

T=$(mktemp -d "${TMPDIR:-/tmp}/rnnts_windows.XXXXXX") || exit 1
export WINEPREFIX="$T/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
  "$WINESERVER" -k >/dev/null 2>&1 # this prefix's server only (WINEPREFIX)
  chmod -R u+w "$T" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A Windows path (Z:\...) of an absolute Unix path: wine maps drive Z: to /.
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
# The log records without their timings (seconds, wall), which differ from run to run, and their
# provenance (rnnts version, vector path, threads, host, build: the writer, not the result).
log_records() { sed -E 's/,"seconds":[^,]*,"wall":[^,}]*(,"provenance":\{[^}]*\})?\}$/}/' "$1"; }
xxh3() {
  if command -v xxhsum >/dev/null 2>&1; then xxhsum -H3 "$1" 2>/dev/null | sed -e 's/.* = //' -e 's/ .*//'
  else echo "none"; fi
}

# RNNTS_NO_THREADS with MinGW-w64 (compiled in the background meanwhile, -O0: it only has to
# work): no thread function imported, a pool of 2 asked runs on 1 thread, build info threads=none.
printf '#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\n#include <stdio.h>\n#include <string.h>\nint main(void) {\n    rnnts_pool *p = NULL;\n    int ok = rnnts_pool_create(2, NULL, &p, NULL) == RNNTS_OK && rnnts_pool_threads(p) == 1 && strstr(rnnts_build_info(), "threads=none") != NULL;\n    printf("%%s (a pool of 2 threads asked: %%d)\\n", rnnts_build_info(), rnnts_pool_threads(p));\n    rnnts_pool_destroy(p);\n    return !ok;\n}\n' > "$T/nothreads.c"
"$MINGW" -std=c11 -O0 -ffp-contract=off -Wall -Wextra -Werror -DRNNTS_NO_THREADS -I"$SRC" -static "$T/nothreads.c" -o "$T/nothreads.exe" 2>"$T/nothreads.err" &
nothreads_pid=$!

# The first start creates the prefix (slow); the build info names the Win32 threads.
t0=$(date +%s)
info=$("$WINE" "$B/win/rnnts_scalar.exe" --version 2>"$T/wineboot.err")
echo "# wine64 $("$WINE" --version 2>/dev/null); prefix created in $(($(date +%s) - t0)) s; $info"
# One server for the rest of the test (-p: persistent until cleanup's -k; it can start only when
# the first one has exited, -w). Without it every wine start meets a server that exits 3 s after
# its last client. Added after one CI run lost a training run to "wine client error:0: recvmsg:
# Connection reset by peer" (the server went away; an idle-exit race is the likely cause, not proven).
"$WINESERVER" -w >/dev/null 2>&1
"$WINESERVER" -p >/dev/null 2>&1 || badl "$WINESERVER -p (a persistent wine server) failed: status $?"
case "$info" in *threads=win32*) okl "build info of rnnts_scalar.exe: threads=win32";; *) badl "build info: '$info' (expected threads=win32)"; head -5 "$T/wineboot.err";; esac

# (b) reference: the Linux tool, same commands
# the tiny run of tests/cross_test.sh (its table compares the checkpoint hash with x86-64 scalar's)
ARGS="--hidden 16 --heads 3 --batch 16 --steps-per-epoch 20 --max-epochs 3 --test-batches 2 --seed 1"
GOLDEN=$(winpath "$SRC/reference/golden.txt")
mkdir -p "$T/wd"
lpath=$("$B/rnnts" selfcheck 2>/dev/null | sed -n 's/^simd \([A-Z0-9]*\).*/\1/p')
for t in 1 2; do
  "$B/rnnts" train $ARGS --threads $t --out "$T/linux_t$t" --quiet 2>"$T/linux_t$t.err" || { badl "Linux rnnts train --threads $t"; cat "$T/linux_t$t.err"; }
done

# Compares a Windows run directory with the Linux one: every .safetensors byte for byte, the log
# records but for their timings, no temporary file left. Prints what differs; status 0 when equal.
same_run() { # WINDIR LINUXDIR
  r=0; nf=0
  for f in "$2"/*.safetensors; do
    n=$(basename "$f"); nf=$((nf + 1))
    if [ ! -f "$1/$n" ]; then echo "    $1/$n missing"; r=1
    elif ! cmp -s "$f" "$1/$n"; then echo "    $n differs from Linux ($(cmp "$f" "$1/$n" | head -1))"; r=1; fi
  done
  for f in "$1"/*.safetensors; do [ -f "$2/$(basename "$f")" ] || { echo "    $(basename "$f"): not written on Linux"; r=1; }; done
  log_records "$1/log.jsonl" > "$T/records.win" 2>/dev/null
  log_records "$2/log.jsonl" > "$T/records.linux"
  if ! cmp -s "$T/records.win" "$T/records.linux"; then echo "    log.jsonl records differ:"; diff "$T/records.linux" "$T/records.win" | head -6 | sed 's/^/      /'; r=1; fi
  if ls "$1" | grep -q '\.tmp'; then echo "    temporary files left: $(ls "$1" | grep '\.tmp' | tr '\n' ' ')"; r=1; fi
  echo "$nf" > "$T/nfiles"
  return $r
}

builds="scalar avx2"
if "$WINE" "$B/win/rnnts_scalar.exe" selfcheck > "$T/selfcheck.raw" 2>&1; then
  cpu=$(tr -d '\r' < "$T/selfcheck.raw" | sed -n 's/.*this CPU runs \([A-Z0-9 ]*\)).*/\1/p')
  [ -n "$cpu" ] || badl "rnnts_scalar.exe selfcheck names no path this CPU runs: $(head -c 300 "$T/selfcheck.raw")"
else badl "rnnts_scalar.exe selfcheck under wine: exit status $?: $(head -c 300 "$T/selfcheck.raw")"; cpu=""; fi
case " $cpu " in
  *" AVX512 "*) if [ -f "$B/win/rnnts_avx512.exe" ] && [ -f "$B/win/golden_avx512.exe" ]; then builds="$builds avx512"
                else badl "windows-x64 avx512: $B/win/rnnts_avx512.exe or golden_avx512.exe not built ('make windows' builds them)"; fi;;
  *) skipl cpu:avx512f "windows-x64 avx512: golden test and training (this CPU, under wine, runs: $cpu)";;
esac
for b in $builds; do
  case $b in scalar) simd=SCALAR;; avx2) simd=AVX2;; avx512) simd=AVX512;; esac
  exe="$B/win/rnnts_$b.exe"
  for t in 1 2; do
    what="windows-x64 $b threads=$t"
    # (a) golden
    g0=$(date +%s)
    "$WINE" "$B/win/golden_$b.exe" --expect-simd $simd --threads $t "$GOLDEN" > "$T/golden_${b}_$t.raw" 2>&1
    grc=$?
    tr -d '\r' < "$T/golden_${b}_$t.raw" > "$T/golden_${b}_$t.txt"
    gsec=$(($(date +%s) - g0))
    last=$(tail -1 "$T/golden_${b}_$t.txt") # (stdout in text mode: \r\n line ends, removed above)
    passed=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    failed=$(echo "$last" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    [ -n "$passed" ] || { passed=0; failed=1; }
    [ "$grc" = 0 ] || { [ "$failed" = 0 ] && failed=1; problems0=" golden exit status $grc;"; }
    gold="$passed/$((passed + failed))"
    # (b) training, relative path with backslashes and absolute Z:\ path
    rel="run\\${b}_t$t"; abs="$T/abs_${b}_t$t"
    problems=${problems0:-}; problems0=""
    (cd "$T/wd" && "$WINE" "$exe" train $ARGS --threads $t --out "$rel" --quiet) 2>"$T/err" || problems="$problems train --out $rel failed: $(head -3 "$T/err");"
    "$WINE" "$exe" train $ARGS --threads $t --out "$(winpath "$abs")" --quiet 2>"$T/err" || problems="$problems train --out $(winpath "$abs") failed: $(head -3 "$T/err");"
    same_run "$T/wd/run/${b}_t$t" "$T/linux_t$t" > "$T/diff.rel" || problems="$problems --out $rel: $(tr '\n' ' ' < "$T/diff.rel");"
    same_run "$abs" "$T/linux_t$t" > "$T/diff.abs" || problems="$problems --out Z:\\...: $(tr '\n' ' ' < "$T/diff.abs");"
    nfiles=$(cat "$T/nfiles")
    hash=$(xxh3 "$T/wd/run/${b}_t$t/last.safetensors")
    hash=${hash:-none} # an empty field would shift the row's fields (tabs are IFS white space)
    if [ "$failed" = 0 ] && [ -z "$problems" ]; then
      okl "$what: golden $gold (${gsec} s); train: $nfiles checkpoints byte-equal to Linux ($B/rnnts, $lpath) with --out $rel and Z:\\...; log records equal; last.safetensors xxh3 $hash"
    else
      badl "$what: golden $gold;$problems"
      [ "$failed" = 0 ] || grep '^FAIL' "$T/golden_${b}_$t.txt" | head -5 | sed 's/^/    /'
    fi
    [ -n "${CROSS_ROWS:-}" ] && printf 'windows-x64\t%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$t" "$t" "$gold" "$hash" "$(($(date +%s) - g0))" >> "$CROSS_ROWS"
  done
done

# rnnts replay across the two systems: the Windows build replays a Linux run, the Linux tool a
# Windows run (each recreates the checkpoints from the configuration and compares them)
if "$WINE" "$B/win/rnnts_scalar.exe" replay "$(winpath "$T/linux_t2")" > "$T/rp.win" 2>&1 && "$B/rnnts" replay "$T/wd/run/scalar_t1" > "$T/rp.linux" 2>&1; then
  okl "rnnts replay: rnnts_scalar.exe replays a Linux run and the Linux tool a Windows run: $(grep -h '^identical' "$T/rp.win" "$T/rp.linux" | tr -d '\r' | tr '\n' ';' | sed 's/;$//; s/;/; /')"
else badl "rnnts replay across Windows and Linux: $(tail -3 "$T/rp.win" "$T/rp.linux" | tr '\n' ' ')"; fi

# (c) atomic replacement (the scalar build, the runs of (b))
W="$T/wd/run/scalar_t1"
cp -r "$T/linux_t1" "$T/linux_resume"
"$B/rnnts" train --resume "$T/linux_resume" --max-epochs 4 --quiet 2>/dev/null
(cd "$T/wd" && "$WINE" "$B/win/rnnts_scalar.exe" train --resume 'run\scalar_t1' --max-epochs 4 --quiet) 2>"$T/err"
rc=$?
if [ $rc = 0 ] && same_run "$W" "$T/linux_resume" > "$T/diff.res"; then
  okl "resume on Windows: last.safetensors replaced and the log appended, byte-equal to Linux (MoveFileExA over an existing file)"
else badl "resume on Windows (exit $rc): $(head -2 "$T/err") $(tr '\n' ' ' < "$T/diff.res")"; fi
cp "$W/last.safetensors" "$T/last.before"
# the temporary file cannot be created (a directory has its name)
mkdir "$W/last.safetensors.tmp"
(cd "$T/wd" && "$WINE" "$B/win/rnnts_scalar.exe" train --resume 'run\scalar_t1' --max-epochs 5 --quiet) 2>"$T/err"
rc=$?
if [ $rc = 1 ] && cmp -s "$T/last.before" "$W/last.safetensors" && grep -q 'cannot create' "$T/err"; then
  okl "a write that cannot create its temporary file fails (exit 1) and leaves last.safetensors intact: $(grep -o 'cannot create.*' "$T/err" | head -1 | cut -c1-110)"
else badl "failed write (temporary file blocked): exit $rc, $(head -2 "$T/err")"; fi
rmdir "$W/last.safetensors.tmp"
# the replacement is refused (the destination is a directory): MoveFileExA fails, the temporary goes
mkdir -p "$T/wd/run/blocked/last.safetensors/keep"
(cd "$T/wd" && "$WINE" "$B/win/rnnts_scalar.exe" train --resume 'run\scalar_t1' --out 'run\blocked' --max-epochs 5 --quiet) 2>"$T/err"
rc=$?
if [ $rc = 1 ] && [ -d "$T/wd/run/blocked/last.safetensors/keep" ] && grep -q 'cannot rename.*is unchanged' "$T/err" && ! ls "$T/wd/run/blocked" | grep -q '\.tmp'; then
  okl "a refused replacement (MoveFileExA onto a directory) fails (exit 1), removes the temporary, leaves the destination: $(grep -o 'cannot rename.*' "$T/err" | head -1)"
else badl "refused replacement: exit $rc, $(head -2 "$T/err")"; fi

# (d) SIGINT (wine passes it to the process as a console Ctrl+C event): train stops after the step
# in progress with exit code 130 and a mid-epoch checkpoint; the resumed run ends with the files of
# an uninterrupted Linux run
case " $cpu " in
*" AVX2 "*)
  # the run must still train when the signal comes: when it finished first, again with a longer
  # run and an earlier signal (the Linux reference run is made for the attempt that was cut)
  sig_done=0
  for attempt in 1 2 3; do
    case $attempt in 1) spe=8000 wait_s=1;; 2) spe=24000 wait_s=0.5;; 3) spe=64000 wait_s=0.2;; esac
    SARGS="--hidden 128 --heads 4 --batch 64 --steps-per-epoch $spe --max-epochs 1 --test-batches 2 --seed 1 --threads 2"
    rm -rf "$T/wd/run/sig"
    (cd "$T/wd" && exec "$WINE" "$B/win/rnnts_avx2.exe" train $SARGS --out 'run\sig' --quiet) 2>"$T/err.sig" &
    pid=$!
    i=0
    while [ $i -lt 200 ] && [ ! -f "$T/wd/run/sig/init.safetensors" ]; do sleep 0.1; i=$((i + 1)); done
    sleep $wait_s
    kill -INT $pid 2>/dev/null
    wait $pid
    rc=$?
    [ $rc = 0 ] || break
    echo "   SIGINT attempt $attempt: the run (--steps-per-epoch $spe) finished before the signal; again with a longer run"
  done
  if [ $rc = 0 ]; then badl "SIGINT on Windows: the run finished before the signal in 3 attempts (last: --steps-per-epoch $spe, signal $wait_s s after init.safetensors)"
  elif [ $rc = 130 ] && grep -q 'stopped by SIGINT in epoch 1 after step' "$T/err.sig" &&
       "$B/rnnts" train $SARGS --out "$T/linux_sig$attempt" --quiet 2>"$T/err" &&
       (cd "$T/wd" && "$WINE" "$B/win/rnnts_avx2.exe" train --resume 'run\sig' --quiet) 2>"$T/err" &&
       same_run "$T/wd/run/sig" "$T/linux_sig$attempt" > "$T/diff.sig"; then
    okl "SIGINT (attempt $attempt, --steps-per-epoch $spe): train stops with exit 130 ($(grep -o 'after step [0-9]* of [0-9]*' "$T/err.sig")), the resumed run's files equal an uninterrupted Linux run's"
  else badl "SIGINT: exit $rc, $(tr '\n' ' ' < "$T/err.sig" | cut -c1-200) $(cat "$T/err" "$T/diff.sig" 2>/dev/null | tr '\n' ' ' | cut -c1-300)"; fi;;
*) skipl cpu:avx2 "SIGINT on Windows (uses the AVX2 build; this CPU, under wine, runs: $cpu)";;
esac

if wait $nothreads_pid; then
  OBJDUMP=${MINGW%gcc}objdump
  # (objdump's output in a file first: a failing objdump must not read as "no thread import")
  if "$OBJDUMP" -p "$T/nothreads.exe" > "$T/nothreads.objdump" 2>&1 && grep -q 'DLL Name' "$T/nothreads.objdump"; then
    imports=$(grep -E 'CreateThread|SRWLock|ConditionVariable' "$T/nothreads.objdump" | tr -s ' \t' ' ')
  else imports="(objdump -p failed or lists no import: $(head -c 200 "$T/nothreads.objdump"))"; fi
  out=$("$WINE" "$T/nothreads.exe" 2>&1)
  rc=$?
  out=$(printf '%s' "$out" | tr -d '\r')
  if [ $rc = 0 ] && [ -z "$imports" ]; then okl "RNNTS_NO_THREADS (MinGW-w64, -Werror): no thread function imported; $out"
  else badl "RNNTS_NO_THREADS: $out; imports: $imports"; fi
else badl "RNNTS_NO_THREADS does not compile with $MINGW: $(head -3 "$T/nothreads.err")"; fi

echo "windows: $fail failed; total $(($(date +%s) - start)) s"
counts
[ "$fail" = 0 ]
