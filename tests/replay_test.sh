#!/usr/bin/env bash
# tests/replay_test.sh (`make test-replay`): `rnnts replay` and the lock of a run directory.
#   - a run written by the x86-64 tool with RNNTS_ISA=avx2 and 2 threads replays as identical with
#     RNNTS_ISA=scalar, with RNNTS_ISA=avx512 (where the CPU has it), with other thread counts and
#     with the AArch64 NEON build under qemu; the recorded provenance is printed next to the replay's;
#   - one float flipped in a stored checkpoint: "different", naming the file, tensor and element;
#   - GRU and LSTM runs (one with a CSV log); --until a solved checkpoint in the middle of a run;
#   - a run of "another version" (metadata rnnts_version edited) refused, exit 2, both versions named;
#   - a time-limited run, and a run stopped by SIGINT mid-epoch then continued with --auto-resume
#     (up to 3 attempts with longer epochs and a later signal until the signal lands mid-epoch);
#   - one writer per directory: a second train (fresh, --force, --resume, --auto-resume) on a
#     directory whose train runs exits 3 at once naming the holder's pid, and changes no file;
#     analyze, info and replay work meanwhile; after SIGKILL of the holder --auto-resume continues.
# Prints ok / FAIL / SKIPPED[need] lines and "N passed, M failed[, S skipped]" last; exits 1 on any failure.
#   usage: tests/replay_test.sh RNNTS [RNNTS_ARM_NEON]
set -u -o pipefail
BIN=${1:?usage: replay_test.sh RNNTS [RNNTS_ARM_NEON]}
ARM=${2:-}
QEMU=${QEMU:-qemu-aarch64-static}
PY=${PYTHON:-python3}
passed=0 failed=0 skipped=0
ok() { echo "ok   $*"; passed=$((passed + 1)); }
bad() { echo "FAIL $*"; failed=$((failed + 1)); }
skip() { echo "SKIPPED[$1]: $2"; skipped=$((skipped + 1)); }
T=$(mktemp -d "${TMPDIR:-/tmp}/rnnts-replay.XXXXXX") || exit 1
BG=""
cleanup() { [ -n "$BG" ] && kill -9 $BG 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
t0=$(date +%s.%N)

# expect_identical NAME DIR [RUNNER...] -- [REPLAY FLAGS...]: exit 0, "identical through epoch E (N files)"
# with N = the checkpoints of DIR (or --until's); the output is kept in $T/out
expect_identical() {
    local name=$1 dir=$2 runner=() flags=() rc
    shift 2
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do runner+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    flags=("$@")
    "${runner[@]}" replay "$dir" "${flags[@]}" >"$T/out" 2>"$T/err"
    rc=$?
    if [ $rc -eq 0 ] && grep -q "^identical through epoch" "$T/out"; then ok "$name: $(grep '^identical through' "$T/out")"
    else bad "$name: exit $rc: $(tail -n 3 "$T/out" "$T/err" | tr '\n' ' ')"; fi
}
n_ckpt() { ls "$1"/init.safetensors "$1"/last.safetensors "$1"/N*_N*.safetensors 2>/dev/null | wc -l; }
# train_state of a checkpoint
state_of() {
    "$PY" - "$1" <<'EOF'
import json, struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", b[:8])[0]
print(json.loads(b[8:8 + n])["__metadata__"]["train_state"])
EOF
}

# ---- one run, replayed on every path, thread count and architecture ---------------------------
TINY=(--hidden 24 --heads 6 --batch 16 --steps-per-epoch 30 --test-batches 2 --max-epochs 8 --threshold 70 --seed 3 --quiet)
A=$T/avx2run
if RNNTS_ISA=avx2 "$BIN" train "${TINY[@]}" --threads 2 --out "$A" 2>"$T/err"; then ok "train with RNNTS_ISA=avx2, 2 threads: $(n_ckpt "$A") checkpoints"
else bad "train with RNNTS_ISA=avx2: $(cat "$T/err")"; fi
NA=$(n_ckpt "$A")
expect_identical "replay with RNNTS_ISA=scalar, 1 thread" "$A" env RNNTS_ISA=scalar "$BIN" -- --threads 1
grep -q "identical through epoch 8 ($NA files)" "$T/out" && ok "scalar replay: all $NA checkpoints, through the last epoch" || bad "scalar replay: expected 'identical through epoch 8 ($NA files)': $(tail -n 2 "$T/out")"
grep -q "^recorded by: epochs 1-8: rnnts [0-9.]*, AVX2, 2 threads, host " "$T/out" && grep -q "^replayed by: rnnts [0-9.]*, SCALAR, 1 thread, host " "$T/out" &&
    ok "provenance: the log's writer (AVX2, 2 threads) next to the replay's (SCALAR, 1 thread)" || bad "provenance lines: $(grep 'by:' "$T/out" | tr '\n' ' ')"
if grep -qw avx512f /proc/cpuinfo; then expect_identical "replay with RNNTS_ISA=avx512, 3 threads" "$A" env RNNTS_ISA=avx512 "$BIN" -- --threads 3
else skip cpu:avx512f "replay with RNNTS_ISA=avx512 (this CPU has no AVX-512F)"; fi
expect_identical "replay with RNNTS_ISA=avx2, 4 threads" "$A" env RNNTS_ISA=avx2 "$BIN" -- --threads 4
if [ -z "$ARM" ]; then skip pkg:gcc-aarch64-linux-gnu "replay on AArch64 NEON (no RNNTS_ARM_NEON argument; make build/rnnts_arm_neon builds it with gcc-aarch64-linux-gnu, as make test-replay does)"
elif [ ! -x "$ARM" ]; then bad "replay on AArch64 NEON: $ARM is not an executable (make $ARM)"
elif ! command -v "$QEMU" >/dev/null; then skip pkg:qemu-user-static "replay on AArch64 NEON ($QEMU not found; 'make deps' installs qemu-user-static)"
else
    expect_identical "replay on AArch64 NEON (qemu), 2 threads" "$A" "$QEMU" "$ARM" -- --threads 2
    grep -q "^replayed by: rnnts [0-9.]*, NEON, 2 threads" "$T/out" && ok "the NEON replay names its path" || bad "NEON replay provenance: $(grep 'replayed by' "$T/out")"
fi
"$BIN" replay "$A" --json --threads 1 >"$T/json" 2>"$T/err"
"$PY" -c "
import json, sys
r = json.load(open('$T/json'))
assert r['identical'] is True and r['epoch'] == 8 and r['files'] == $NA and r['difference'] is None, r
assert r['recorded'][0]['simd'] == 'AVX2' and r['recorded'][0]['threads'] == 2 and r['replayed']['threads'] == 1, r
" 2>"$T/pyerr" && ok "--json: one object (identical, epoch 8, $NA files, provenance)" || bad "--json: $(cat "$T/pyerr" "$T/json" | tail -n 3)"

# ---- a stored checkpoint altered in one float ----------------------------------------------------
F=$T/flipped
cp -r "$A" "$F"
SOLVED=$(cd "$A" && ls N*_N*.safetensors | head -n 1)
"$PY" - "$F/$SOLVED" <<'EOF'
import json, struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
n = struct.unpack("<Q", b[:8])[0]
t = json.loads(b[8:8 + n])["modulelist.1.weight"]
b[8 + n + t["data_offsets"][0] + 4 * 29] ^= 0x10   # element 29: one bit of its mantissa
open(p, "wb").write(b)
EOF
"$BIN" replay "$F" --threads 2 >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && grep -q "^different: $SOLVED at epoch [0-9]* (global step [0-9]*): tensor modulelist.1.weight element 29 (\[1, 5\] of \[24, 24\]): expected .* got " "$T/out" &&
    ok "one float flipped in $SOLVED: exit 1, $(grep '^different' "$T/out" | cut -c1-150)..." || bad "flipped float: exit $rc: $(cat "$T/out" "$T/err" | tail -n 3)"
"$BIN" replay "$F" --json >"$T/json" 2>/dev/null
"$PY" -c "
import json
d = json.load(open('$T/json'))['difference']
assert d['kind'] == 'value' and d['file'] == '$SOLVED' and d['tensor'] == 'modulelist.1.weight' and d['index'] == 29, d
assert d['expected'] != d['got'] and d['expected_bits'] != d['got_bits'], d
" 2>"$T/pyerr" && ok "--json names the difference (kind value, file, tensor, index, both values)" || bad "--json difference: $(cat "$T/pyerr")"

# ---- GRU and LSTM runs; --until a solved checkpoint in the middle --------------------------------
"$BIN" train --model gru --curriculum sliding --hidden 19 --heads 6 --batch 17 --steps-per-epoch 12 --test-batches 2 --max-epochs 5 \
    --threshold 60 --threads 3 --log-format csv --quiet --out "$T/gru" 2>"$T/err" || bad "train gru: $(cat "$T/err")"
expect_identical "GRU run (CSV log) replayed with 1 thread, scalar" "$T/gru" env RNNTS_ISA=scalar "$BIN" -- --threads 1
grep -q "^recorded by: epochs 1-5: rnnts [0-9.]*, [A-Z0-9]*, 3 threads" "$T/out" && ok "GRU: provenance read from log.csv" || bad "GRU provenance: $(grep 'by:' "$T/out")"
"$BIN" analyze merge "$T/gru" --format csv >"$T/out" 2>"$T/err" && grep -q ',gru,.*,5,' "$T/out" && ok "analyze merge reads the CSV log with its provenance columns" ||
    bad "merge of the GRU run: $(cat "$T/err" "$T/out")"
# a CSV log begun before the provenance columns: resumed, it keeps its 14 columns, and is still read
cp -r "$T/gru" "$T/gru_v1"
"$PY" - "$T/gru_v1/log.csv" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().splitlines()
open(p, "w").write("\n".join([lines[0].rsplit(",rnnts_version", 1)[0]] + [",".join(l.split(",")[:14]) for l in lines[1:]]) + "\n")
EOF
"$BIN" train --resume "$T/gru_v1" --max-epochs 7 --quiet 2>"$T/err" && [ "$(awk -F, '{ print NF }' "$T/gru_v1/log.csv" | sort -u)" = 14 ] &&
    "$BIN" analyze merge "$T/gru_v1" --format csv > "$T/merge_v1" 2>/dev/null && grep -q ',gru,.*,7,' "$T/merge_v1" && ok "an old-form CSV log keeps 14 columns when resumed, and merge reads it" ||
    bad "old-form CSV log: $(cat "$T/err"; head -n 3 "$T/gru_v1/log.csv")"
"$BIN" train --model lstm --task dms --hidden 13 --heads 4 --batch 20 --steps-per-epoch 15 --test-batches 2 --max-epochs 6 --threshold 55 \
    --threads 1 --quiet --out "$T/lstm" 2>"$T/err" || bad "train lstm: $(cat "$T/err")"
expect_identical "LSTM run replayed with 2 threads" "$T/lstm" "$BIN" -- --threads 2
mid=$(cd "$A" && for f in N*_N*.safetensors; do echo "$(state_of "$f" | sed 's/^epoch=\([0-9]*\).*/\1/') $f"; done | sort -n | head -n 1)
MID_EPOCH=${mid%% *} MID=${mid#* }
if [ -n "$MID" ] && [ "$MID_EPOCH" -lt 8 ]; then
    n_before=$(cd "$A" && for f in N*_N*.safetensors; do state_of "$f" | sed 's/^epoch=\([0-9]*\).*/\1/'; done | awk -v e="$MID_EPOCH" '$1 <= e' | wc -l)
    expect_identical "--until $MID (epoch $MID_EPOCH of 8)" "$A" "$BIN" -- --until "$MID"
    grep -q "identical through epoch $MID_EPOCH ($((n_before + 1)) files)" "$T/out" && ! grep -q "^last.safetensors" "$T/out" &&
        ok "--until stops at $MID: $((n_before + 1)) files, last.safetensors not replayed" || bad "--until: $(tail -n 3 "$T/out")"
else bad "no solved checkpoint before the last epoch in $A ($mid)"; fi
expect_identical "--until given as a path" "$A" "$BIN" -- --until "$A/$MID"
"$BIN" replay "$A" --epochs 2 >"$T/out" 2>&1 && grep -q "^identical through epoch [0-2] (" "$T/out" && ok "--epochs 2: $(grep '^identical' "$T/out")" || bad "--epochs 2: $(cat "$T/out")"

# ---- usage errors and refusals -------------------------------------------------------------------
usage() { local what=$1; shift; "$BIN" "$@" >"$T/out" 2>"$T/err"; local rc=$?
    [ $rc -eq 2 ] && grep -q -- "$what" "$T/err" && ok "exit 2: $(head -n 1 "$T/err" | cut -c1-170)" || bad "expected exit 2 with '$what': exit $rc: $(cat "$T/err")"; }
usage "DIR (a run directory of rnnts train) is required" replay
usage "exclude each other" replay "$A" --until "$MID" --epochs 2
usage "cannot read run directory" replay "$T/nonexistent"
mkdir -p "$T/empty"
usage "has no init.safetensors" replay "$T/empty"
usage "not a checkpoint of" replay "$A" --until "$T/gru/last.safetensors"
# "another version": the metadata rnnts_version of a copy's checkpoint rewritten (the header re-serialised
# with its length; the checksum covers the parameters only, so the file still loads)
for which in init.safetensors last.safetensors; do
    V=$T/oldversion_${which%%.*}
    cp -r "$A" "$V"
    "$PY" - "$V/$which" <<'EOF'
import json, struct, sys
p = sys.argv[1]
b = open(p, "rb").read()
n = struct.unpack("<Q", b[:8])[0]
h = json.loads(b[8:8 + n])
h["__metadata__"]["rnnts_version"] = "0.0.9-old"
s = json.dumps(h, separators=(",", ":")).encode()
s += b" " * (-len(s) % 8)
open(p, "wb").write(struct.pack("<Q", len(s)) + s + b[8 + n:])
EOF
    usage "written by rnnts 0.0.9-old; this is rnnts [0-9]" replay "$V"
done
"$BIN" info "$V/last.safetensors" >/dev/null 2>&1 && ok "the edited file still loads (a refusal by version, not by checksum)" || bad "the edited file does not load"

# ---- a time-limited run; a run stopped by SIGINT mid-epoch, then continued with --auto-resume ----------
LONG=(--hidden 48 --heads 100 --batch 32 --steps-per-epoch 250 --test-batches 2 --max-epochs 100000 --threads 1 --quiet)
"$BIN" train "${LONG[@]}" --time-limit 1 --out "$T/timed" 2>"$T/err" || bad "time-limited train: $(cat "$T/err")"
st=$(state_of "$T/timed/last.safetensors")
case "$st" in *done=1*) ok "time-limited run stopped by its time limit ($st)";; *) bad "time-limited run: $st";; esac
expect_identical "time-limited run replayed (budget lifted to its epochs)" "$T/timed" "$BIN" -- --threads 2
# the signal must land mid-epoch (a checkpoint with epoch_step): when it came between two epochs
# (during the epoch's test batches), again with longer epochs and a later signal, up to 3 attempts
mid_epoch=0
for attempt in 1 2 3; do
    case $attempt in 1) spe=250 wait_s=0.2;; 2) spe=1000 wait_s=0.5;; 3) spe=4000 wait_s=1;; esac
    SL=(--hidden 48 --heads 100 --batch 32 --steps-per-epoch $spe --test-batches 2 --max-epochs 100000 --threads 1 --quiet)
    S=$T/signal$attempt
    "$BIN" train "${SL[@]}" --out "$S" 2>"$T/serr" &
    BG=$!
    k=0; while [ ! -e "$S/last.safetensors" ] && [ $k -lt 400 ]; do sleep 0.05; k=$((k + 1)); done
    sleep $wait_s
    kill -INT $BG; wait $BG; rc=$?; BG=""
    st=$(state_of "$S/last.safetensors")
    [ $rc -eq 130 ] || { bad "SIGINT (attempt $attempt): exit $rc ($(cat "$T/serr"))"; break; }
    case "$st" in *epoch_step=*) mid_epoch=1; break;; esac
    echo "   attempt $attempt: the signal came between two epochs ($st); again with longer epochs"
done
if [ $mid_epoch = 1 ]; then
    ok "SIGINT: exit 130 mid-epoch (attempt $attempt, --steps-per-epoch $spe: $st)"
    expect_identical "the checkpoint written on SIGINT replayed" "$S" "$BIN" -- --threads 1
    grep -q "^last.safetensors  *epoch [0-9]* step [0-9]*  *identical" "$T/out" && ok "written mid-epoch: compared at its step" ||
        bad "mid-epoch line: $(grep last "$T/out")"
elif [ $rc -eq 130 ]; then bad "SIGINT never landed mid-epoch in 3 attempts (last: --steps-per-epoch $spe, $st): no mid-epoch checkpoint to replay"; fi
ep=$(echo "$st" | sed 's/^epoch=\([0-9]*\).*/\1/')
"$BIN" train "${SL[@]}" --max-epochs $((ep + 2)) --out "$S" --auto-resume 2>"$T/err" && ok "--auto-resume after SIGINT to epoch $((ep + 2))" || bad "--auto-resume after SIGINT: $(cat "$T/err")"
expect_identical "interrupted + --auto-resumed run replayed" "$S" env RNNTS_ISA=scalar "$BIN" -- --threads 2
grep -q "identical through epoch $((ep + 2)) " "$T/out" && ok "replayed through the continued epochs" || bad "continued run: $(tail -n 2 "$T/out")"

# ---- one writer per run directory ----------------------------------------------------------------
L=$T/locked
"$BIN" train "${LONG[@]}" --out "$L" 2>"$T/lerr" &
BG=$!
k=0; while [ ! -e "$L/N2_N3.safetensors" ] && [ $k -lt 300 ]; do sleep 0.05; k=$((k + 1)); done
kill -STOP $BG   # the holder keeps its lock; its files stand still while the others are tried
snap() { (cd "$L" && ls -la --time-style=full-iso . | grep -v ' \.\.$' && md5sum -- * .lock); }
snap >"$T/before"
for how in "fresh" "--force" "--auto-resume" "--resume"; do
    case $how in
    fresh) args=("${LONG[@]}" --out "$L");;
    --force|--auto-resume) args=("${LONG[@]}" --out "$L" "$how");;
    --resume) args=(--resume "$L" --quiet);;
    esac
    s0=$(date +%s.%N)
    "$BIN" train "${args[@]}" >"$T/out" 2>"$T/err"
    rc=$?
    s1=$(date +%s.%N)
    if [ $rc -eq 3 ] && grep -q "is being written by another rnnts train (pid $BG on host [^ ]* since [0-9T:-]*Z); nothing was written" "$T/err" &&
        awk -v a="$s0" -v b="$s1" 'BEGIN { exit !(b - a < 2) }'; then ok "second train ($how) refused at once: exit 3, names pid $BG"
    else bad "second train ($how): exit $rc: $(cat "$T/err")"; fi
done
snap >"$T/after"
# (the listing covers temporary files: the stopped holder may be in the middle of a write itself)
cmp -s "$T/before" "$T/after" && ok "the refused trains added, removed and changed no file of $L (.lock included)" ||
    bad "files changed: $(diff "$T/before" "$T/after" | head -n 6 | tr '\n' ' ')"
"$BIN" analyze taus "$L/last.safetensors" >/dev/null 2>"$T/err" && ok "analyze taus while the run holds the lock" || bad "analyze taus: $(cat "$T/err")"
"$BIN" info "$L/last.safetensors" >/dev/null 2>"$T/err" && ok "info while the run holds the lock" || bad "info: $(cat "$T/err")"
kill -CONT $BG
expect_identical "replay while the run trains" "$L" "$BIN" -- --until N2_N3.safetensors --threads 1
"$BIN" analyze taus "$L" >/dev/null 2>"$T/err" && ok "analyze taus of the run directory while it trains" || bad "analyze taus DIR: $(cat "$T/err")"
kill -KILL $BG; wait $BG 2>/dev/null; BG=""
grep -q "^pid=[0-9]* host=" "$L/.lock" && ok "a killed holder leaves its note ($(cat "$L/.lock" | tr -d '\n'))" || bad "no note in .lock"
ep=$(state_of "$L/last.safetensors" | sed 's/^epoch=\([0-9]*\).*/\1/')
"$BIN" train "${LONG[@]}" --max-epochs $((ep + 1)) --out "$L" --auto-resume 2>"$T/err" && ok "after SIGKILL of the holder --auto-resume continues (the kernel dropped its lock)" ||
    bad "--auto-resume after SIGKILL: $(cat "$T/err")"
expect_identical "the run continued after SIGKILL replays" "$L" "$BIN" -- --threads 2
"$BIN" train "${TINY[@]}" --out "$T/lockfree" && ok "a run in a fresh directory is not blocked (its own lock)" || bad "fresh run after the others"

echo "replay test: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
if [ $skipped -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"; else echo "$passed passed, $failed failed"; fi
[ $failed -eq 0 ]
