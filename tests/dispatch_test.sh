#!/bin/sh
# tests/dispatch_test.sh (`make test-dispatch`): the run-time choice of the vector path of the
# x86-64 rnnts tool (tool/dispatch.c).
#   - every path this CPU runs, forced with RNNTS_ISA, trains the same runs (a leaky RNN with
#     2 threads, a GRU with 3, an LSTM with 1): every checkpoint byte-identical, the logs identical
#     but for their wall-clock fields; `rnnts bench` output hashes identical;
#   - without RNNTS_ISA the widest path runs (selfcheck names it);
#   - an unknown RNNTS_ISA and a path the CPU lacks are refused with exit 2 and a message;
#   - under qemu-x86_64 emulating older CPUs (Nehalem: no AVX; Haswell: AVX2, no AVX-512) the same
#     binary starts, picks SCALAR / AVX2, refuses the paths the emulated CPU lacks, and trains the
#     same checkpoints as the native run.
# Prints ok / FAIL / SKIPPED[need] lines and "N passed, M failed[, S skipped]" last; exits 1 on any
# failure. Usage: dispatch_test.sh RNNTS [QEMU_X86]
# (sh has no pipefail: commands whose status matters write to a variable or file, not into a pipe)
set -u
RNNTS=${1:?usage: dispatch_test.sh RNNTS [QEMU_X86]}
QEMU=${2:-qemu-x86_64-static}
failures=0 passes=0 skips=0
ok() { echo "ok   $*"; passes=$((passes + 1)); }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
skip() { echo "SKIPPED[$1]: $2"; skips=$((skips + 1)); }
finish() {
    if [ "$skips" -gt 0 ]; then echo "$passes passed, $failures failed, $skips skipped"; else echo "$passes passed, $failures failed"; fi
    [ "$failures" -eq 0 ] && exit 0
    exit 1
}
T=$(mktemp -d "${TMPDIR:-/tmp}/rnnts-dispatch.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

case "$(uname -m)" in x86_64) ;; *) skip arch:x86_64 "the run-time dispatch test of the x86-64 tool (x86-64 only; this is $(uname -m))"; finish;; esac

# the paths this CPU runs, from the tool itself ("... this CPU runs SCALAR AVX2 AVX512)")
sc=$("$RNNTS" selfcheck 2>&1) || { fail "$RNNTS selfcheck: exit status $?: $sc"; finish; }
line=$(printf '%s\n' "$sc" | sed -n 's/^simd //p')
case "$line" in *"the widest this CPU runs:"*) ;; *) fail "selfcheck does not report a dispatched path: '$line'"; finish;; esac
have=$(echo "$line" | sed 's/.*runs: \(.*\))$/\1/')
widest=${have##* }
case "$line" in "$widest "*) ok "no RNNTS_ISA: the widest path runs ($line)";; *) fail "no RNNTS_ISA: '$line' is not the widest of '$have'";; esac
paths=$(echo "$have" | tr 'A-Z' 'a-z')
for p in avx2 avx512; do
    flag=$p; [ "$p" = avx512 ] && flag=avx512f
    case " $paths " in *" $p "*) ;; *) skip "cpu:$flag" "the $p path in the checks below (this CPU does not run it)";; esac
done

# one small run per model; $1 = directory, the environment chooses the path
train_all() {
    "$RNNTS" train --hidden 24 --heads 4 --batch 20 --steps-per-epoch 6 --test-batches 2 --max-epochs 3 --threads 2 \
        --quiet --out "$1/rnn" >/dev/null 2>&1 &&
    "$RNNTS" train --model gru --curriculum sliding --hidden 19 --heads 6 --batch 17 --steps-per-epoch 4 --test-batches 2 \
        --max-epochs 2 --threads 3 --quiet --out "$1/gru" >/dev/null 2>&1 &&
    "$RNNTS" train --model lstm --task dms --hidden 13 --heads 3 --batch 33 --steps-per-epoch 3 --test-batches 2 \
        --max-epochs 2 --threads 1 --quiet --out "$1/lstm" >/dev/null 2>&1
}
# same files, bytes for checkpoints, logs without "seconds", "wall" and the writer's "provenance"
# (vector path, threads, host: what it records differs by design); the lock files (.lock: the
# last holder's pid and start time) exist in both but are not compared
same_runs() {
    for f in $(cd "$1" && find . -type f ! -name .lock | sort); do
        case "$f" in
        *.jsonl) sed 's/"seconds":[^,}]*//; s/"wall":[^,}]*//; s/,"provenance":{[^}]*}//' "$1/$f" > "$T/a.log"
                 sed 's/"seconds":[^,}]*//; s/"wall":[^,}]*//; s/,"provenance":{[^}]*}//' "$2/$f" > "$T/b.log" 2>/dev/null
                 cmp -s "$T/a.log" "$T/b.log" || { echo "$f"; return 1; };;
        *) cmp -s "$1/$f" "$2/$f" || { echo "$f"; return 1; };;
        esac
    done
    [ "$(cd "$1" && find . -type f | sort)" = "$(cd "$2" && find . -type f | sort)" ] || { echo "file lists"; return 1; }
}

ref=""
for p in $paths; do
    if ! RNNTS_ISA=$p train_all "$T/$p"; then fail "RNNTS_ISA=$p: training failed"; continue; fi
    n=$(find "$T/$p" -name '*.safetensors' | wc -l)
    if [ -z "$ref" ]; then ref=$p; ok "RNNTS_ISA=$p: rnn, gru, lstm runs trained ($n checkpoints)"; continue; fi
    if d=$(same_runs "$T/$ref" "$T/$p"); then ok "RNNTS_ISA=$p: $n checkpoints and 3 logs identical to RNNTS_ISA=$ref"
    else fail "RNNTS_ISA=$p differs from RNNTS_ISA=$ref in $d"; fi
done

for args in "--hidden 70 --batch 48 --len 9 --heads 3 --threads 2" "--model gru --hidden 37 --batch 40 --len 7 --heads 2 --threads 3"; do
    first=""
    for p in $paths; do
        # shellcheck disable=SC2086
        if ! bj=$(RNNTS_ISA=$p "$RNNTS" bench $args --reps 1 --peak-seconds 0 --json 2>&1); then fail "RNNTS_ISA=$p rnnts bench $args: exit status $?: $bj"; continue; fi
        h=$(printf '%s\n' "$bj" | grep -o '"output_xxh3":"[0-9a-f]*"')
        if [ -z "$h" ]; then fail "RNNTS_ISA=$p rnnts bench $args: no hash"; elif [ -z "$first" ]; then first=$h;
        elif [ "$h" != "$first" ]; then fail "RNNTS_ISA=$p rnnts bench $args: $h, expected $first"; fi
    done
    [ -n "$first" ] && ok "rnnts bench $args: $first on every path ($paths)"
done

out=$(RNNTS_ISA=sse4 "$RNNTS" --version 2>&1); rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "allowed scalar, avx2, avx512"; then ok "RNNTS_ISA=sse4 refused (exit 2: $out)"
else fail "RNNTS_ISA=sse4: exit $rc, '$out'"; fi
for p in avx2 avx512; do
    case " $paths " in *" $p "*) continue;; esac
    out=$(RNNTS_ISA=$p "$RNNTS" --version 2>&1); rc=$?
    if [ $rc -eq 2 ] && echo "$out" | grep -q "cannot run"; then ok "RNNTS_ISA=$p on this CPU refused (exit 2)"
    else fail "RNNTS_ISA=$p on a CPU without it: exit $rc, '$out'"; fi
done

# older CPUs, emulated: the same binary must start, choose what the CPU has and give the same bits
if ! command -v "$QEMU" >/dev/null 2>&1; then
    skip pkg:qemu-user-static "emulated older CPUs: path choice, refusals and checkpoints under qemu-x86_64 -cpu Nehalem/Haswell ($QEMU not found; 'make deps' installs qemu-user-static)"
else
    for cpu in Nehalem:SCALAR:avx2 Haswell:AVX2:avx512; do
        model=${cpu%%:*}; rest=${cpu#*:}; want=${rest%%:*}; lacks=${rest#*:}
        if v=$("$QEMU" -cpu "$model" "$RNNTS" --version 2>/dev/null); then got=$(echo "$v" | awk '{print $4}'); else got="(exit status $?)"; fi
        if [ "$got" = "$want" ]; then ok "qemu -cpu $model: the tool starts and picks $got"
        else fail "qemu -cpu $model: picked '$got', expected $want"; fi
        out=$(RNNTS_ISA=$lacks "$QEMU" -cpu "$model" "$RNNTS" --version 2>&1); rc=$?
        out=$(printf '%s\n' "$out" | grep -v '^qemu')
        if [ $rc -eq 2 ] && echo "$out" | grep -q "cannot run the"; then ok "qemu -cpu $model: RNNTS_ISA=$lacks refused ($out)"
        else fail "qemu -cpu $model: RNNTS_ISA=$lacks gave exit $rc, '$out' (expected exit 2, 'cannot run the')"; fi
    done
    mkdir -p "$T/qemu"
    if "$QEMU" -cpu Nehalem "$RNNTS" train --hidden 24 --heads 4 --batch 20 --steps-per-epoch 6 --test-batches 2 --max-epochs 3 \
        --threads 2 --quiet --out "$T/qemu/rnn" >/dev/null 2>&1 && [ -n "$ref" ]; then
        if cmp -s "$T/qemu/rnn/last.safetensors" "$T/$ref/rnn/last.safetensors" && cmp -s "$T/qemu/rnn/init.safetensors" "$T/$ref/rnn/init.safetensors"
        then ok "qemu -cpu Nehalem (SCALAR): the rnn run's checkpoints are those of the native runs"
        else fail "qemu -cpu Nehalem: checkpoints differ from the native run's"; fi
    else fail "qemu -cpu Nehalem: training failed"; fi
fi

if [ "$failures" -eq 0 ]; then echo "== dispatch test passed (paths: $paths)"; else echo "== dispatch test: $failures failure(s)"; fi
finish
