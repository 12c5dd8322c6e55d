#!/usr/bin/env bash
# tests/cross_test.sh (`make test-cross`): the same bits on every platform rnnts claims.
#   Platforms: x86-64 (scalar, AVX2, AVX-512 where the CPU has it; native), AArch64 (scalar, NEON),
#   s390x (big-endian, scalar) and riscv64 (scalar), the last three static under qemu-*-static,
#   and Windows x64 (MinGW-w64 under wine64: tests/windows_test.sh adds its rows).
#   Each (platform, build, threads) runs the golden test (reference/golden.txt: every config on
#   x86-64 and AArch64, the --quick subset on s390x and riscv64, which qemu runs 20-40x slower)
#   and trains one tiny run with the platform's rnnts tool; its checkpoint must be byte-identical
#   to x86-64 scalar's. Beyond the table, on s390x and riscv64: the kernel hashes and `rnnts bench`
#   output hashes equal x86-64's; the files they write (GRU and LSTM checkpoints, imported
#   reference networks, gradient files) are byte-identical to x86-64's; each loads the other's
#   (resume, eval, info print the same). One summary table at the end, then the count line
#   "N passed, M failed[, S skipped]" (tests/windows_test.sh's checks included: its own count line is
#   printed as "windows: N passed, ..." so that only this one matches); exit 1 on any failure.
#   The 1-thread qemu rows run two at a time (each row's seconds are then wall time shared with
#   the other); everything else runs one after the other.
#   usage: tests/cross_test.sh [BUILD_DIR]   (binaries built by make test-cross)
set -u -o pipefail
B=$(cd "${1:-build}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
GOLDEN=$SRC/reference/golden.txt
T=$(mktemp -d "${TMPDIR:-/tmp}/rnnts-cross.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
ROWS=$T/rows.tsv
: > "$ROWS"
failures=0
skips=0
passes=0
t0=$(date +%s)
ok() { echo "ok   $*"; passes=$((passes + 1)); }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
skip() { echo "SKIPPED[$1]: $2"; skips=$((skips + 1)); }  # skip NEED "WHAT (WHY)"
# XXH3-64 of a file: 16 hex digits (xxhsum 0.8 prints "XXH3 (FILE) = HASH"), or nothing
xxh() { xxhsum -H3 "$1" 2>/dev/null | sed -n 's/^XXH3 (.*) = \([0-9a-f]\{16\}\)$/\1/p'; }
if ! command -v xxhsum >/dev/null; then echo "FAIL xxhsum is missing ('make deps' installs xxhash)"; echo "0 passed, 1 failed"; exit 1; fi

# one tiny run: $1 = out dir, $2 = threads, then the command that runs rnnts (runner + binary)
TINY="--hidden 16 --heads 3 --batch 16 --steps-per-epoch 20 --max-epochs 3 --test-batches 2 --seed 1 --quiet"
tiny_train() {
    local out=$1 th=$2
    shift 2
    "$@" train $TINY --threads "$th" --out "$out" > "$out.log" 2>&1
}
# golden rows passed: "P/TOTAL" from the golden test's last line, or "error"
golden_rows() { sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$1" | tail -n 1; }

# ---- the table: platform build threads golden_args runner... -- tool runner... ---------------
# row PLATFORM BUILD THREADS POOLS GOLDEN_FLAGS GOLDEN_CMD... -- TOOL_CMD...: the golden test with
# the pool sizes POOLS, the tiny train with THREADS threads
row() {
    local plat=$1 build=$2 th=$3 pools=$4 gflags=$5
    shift 5
    local gcmd=() tcmd=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do gcmd+=("$1"); shift; done
    shift
    tcmd=("$@")
    local tag=$plat-$build-t$th glog=$T/$plat-$build-t$th.golden gres=error ck=none r0
    r0=$(date +%s)
    # shellcheck disable=SC2086
    "${gcmd[@]}" $gflags --threads "$pools" "$GOLDEN" > "$glog" 2>&1
    local rc=$? pf
    pf=$(golden_rows "$glog")
    if [ -n "$pf" ]; then
        set -- $pf
        gres="$1/$(($1 + $2))"
        if [ $rc -eq 0 ] && [ "$2" -eq 0 ] && [ "$1" -gt 0 ]; then ok "$tag golden: $gres rows"; else fail "$tag golden: $gres rows (exit $rc): $(grep -m 3 '^FAIL' "$glog" | tr '\n' ' ')"; fi
    else
        fail "$tag golden: no result line (exit $rc): $(tail -n 3 "$glog" | tr '\n' ' ')"
    fi
    if tiny_train "$T/$tag" "$th" "${tcmd[@]}" && [ -f "$T/$tag/last.safetensors" ]; then
        ck=$(xxh "$T/$tag/last.safetensors")
        [ -n "$ck" ] || { ck=none; fail "$tag: no XXH3 of last.safetensors"; }
    else
        fail "$tag tiny train: $(tail -n 3 "$T/$tag.log" | tr '\n' ' ')"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$plat" "$build" "$th" "$pools" "$gres" "$ck" "$(($(date +%s) - r0))" >> "$ROWS"
}

# Two 1-thread rows at once (one core each on the 2-core machines this runs on): in_background SLOT CMD...
# runs CMD in the background with its own output, rows file and counts; join_background SLOT... waits,
# prints each slot's output and adds its rows and counts in the order given (the table's order).
in_background() {
    local slot=$1
    shift
    (passes=0 failures=0 skips=0 ROWS=$T/rows.$slot
     : > "$ROWS"
     "$@"
     echo "$passes $failures $skips" > "$T/count.$slot") > "$T/out.$slot" 2>&1 &
}
join_background() {
    local slot p f s
    wait
    for slot in "$@"; do
        cat "$T/out.$slot"
        cat "$T/rows.$slot" >> "$ROWS" 2>/dev/null
        if read -r p f s < "$T/count.$slot" 2>/dev/null; then
            passes=$((passes + p)); failures=$((failures + f)); skips=$((skips + s))
        else fail "$slot: ended without its counts"; fi
    done
}

QA=qemu-aarch64-static
sc=$("$B/rnnts" selfcheck 2>&1) || fail "$B/rnnts selfcheck: exit status $?: $sc"
have_isa=$(printf '%s\n' "$sc" | sed -n 's/^simd .*runs: \(.*\))$/\1/p' | tr 'A-Z' 'a-z')
[ -n "$have_isa" ] || fail "$B/rnnts selfcheck names no path this CPU runs: $sc"
# pool sizes of the golden test: 1 with the 1-thread train, 2, 3 and 8 with the 2-thread one
pools() { [ "$1" -eq 1 ] && echo 1 || echo 2,3,8; }
for th in 1 2; do
    row x86-64 scalar $th "$(pools $th)" "--expect-simd SCALAR" "$B/golden_scalar" -- env RNNTS_ISA=scalar "$B/rnnts"
    case " $have_isa " in
        *" avx2 "*) row x86-64 avx2 $th "$(pools $th)" "--expect-simd AVX2" "$B/golden_native" -- env RNNTS_ISA=avx2 "$B/rnnts";;
        *) [ $th -eq 1 ] && skip cpu:avx2 "x86-64 AVX2 rows (this CPU runs: $have_isa)";;
    esac
    case " $have_isa " in
        *" avx512 "*) row x86-64 avx512 $th "$(pools $th)" "--expect-simd AVX512" "$B/golden_avx512" -- env RNNTS_ISA=avx512 "$B/rnnts";;
        *) [ $th -eq 1 ] && skip cpu:avx512f "x86-64 AVX-512 rows (this CPU runs: $have_isa)";;
    esac
done
if command -v $QA >/dev/null; then
    in_background arm-scalar-1 row aarch64 scalar 1 1 "--expect-simd SCALAR" $QA "$B/golden_arm_scalar" -- $QA "$B/rnnts_arm_scalar"
    in_background arm-neon-1 row aarch64 neon 1 1 "--expect-simd NEON" $QA "$B/golden_arm_neon" -- $QA "$B/rnnts_arm_neon"
    join_background arm-scalar-1 arm-neon-1
    row aarch64 scalar 2 "$(pools 2)" "--expect-simd SCALAR" $QA "$B/golden_arm_scalar" -- $QA "$B/rnnts_arm_scalar"
    row aarch64 neon 2 "$(pools 2)" "--expect-simd NEON" $QA "$B/golden_arm_neon" -- $QA "$B/rnnts_arm_neon"
else skip pkg:qemu-user-static "aarch64 rows, kernel hashes and bench hash ($QA is missing; 'make deps' installs qemu-user-static)"; fi
qemu_scalar=""
for a in s390x riscv64; do
    q=qemu-$a-static
    if ! command -v "$q" >/dev/null; then skip pkg:qemu-user-static "$a rows, kernel and bench hashes, files across byte orders ($q is missing; 'make deps' installs qemu-user-static)"; continue; fi
    qemu_scalar="$qemu_scalar $a"
    in_background "$a" row "$a" scalar 1 1 "--quick --expect-simd SCALAR" "$q" "$B/golden_$a" -- "$q" "$B/rnnts_$a"
done
# shellcheck disable=SC2086
join_background $qemu_scalar
for a in $qemu_scalar; do row "$a" scalar 2 2 "--quick --expect-simd SCALAR" "qemu-$a-static" "$B/golden_$a" -- "qemu-$a-static" "$B/rnnts_$a"; done
# tests/windows_test.sh: its lines as they are, but its count line renamed ("windows: N passed, ...")
# and its counts added to this script's (one count line, this script's, at the end)
if [ -f "$SRC/tests/windows_test.sh" ]; then
    CROSS_ROWS=$ROWS sh "$SRC/tests/windows_test.sh" "$B" > "$T/windows.out" 2>&1
    wrc=$?
    sed 's/^\([0-9][0-9]* passed, [0-9][0-9]* failed.*\)$/windows: \1/' "$T/windows.out"
    wcount=$(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\(, \([0-9][0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' "$T/windows.out" | tail -n 1)
    if [ -z "$wcount" ]; then fail "tests/windows_test.sh printed no count line (exit status $wrc)"
    else
        set -- $wcount
        passes=$((passes + $1)); failures=$((failures + $2)); skips=$((skips + ${3:-0}))
        [ $wrc -eq 0 ] || [ "$2" -gt 0 ] || fail "tests/windows_test.sh: exit status $wrc with 0 failures counted"
    fi
fi

# ---- beyond the table: kernels, bench hashes, files across byte orders -------------------------
"$B/kernel_dump_scalar" > "$T/kd_ref.raw" 2> /dev/null && grep -v '^#' "$T/kd_ref.raw" > "$T/kd_ref.txt" || fail "$B/kernel_dump_scalar (the reference kernel hashes) failed"
kernels() { # $1 name, then the command
    local name=$1
    shift
    if "$@" > "$T/kd_$name.raw" 2> "$T/kd_$name.err" && grep -v '^#' "$T/kd_$name.raw" > "$T/kd_$name.txt" && cmp -s "$T/kd_ref.txt" "$T/kd_$name.txt"; then
        ok "kernel hashes: $name equals x86-64 scalar ($(wc -l < "$T/kd_ref.txt") cases)"
    else fail "kernel hashes: $name differs from x86-64 scalar: $(diff "$T/kd_ref.txt" "$T/kd_$name.txt" | head -n 3 | tr '\n' ' ')"; fi
}
bench_hash() { "$@" bench --hidden 70 --batch 48 --len 9 --heads 3 --threads 2 --reps 1 --peak-seconds 0 --json | grep -o '"output_xxh3":"[0-9a-f]*"'; }
bench_ref=$(bench_hash "$B/rnnts")
check_bench() { # $1 name, then the command
    local name=$1 got
    shift
    got=$(bench_hash "$@")
    if [ -n "$bench_ref" ] && [ "$got" = "$bench_ref" ]; then ok "rnnts bench: $name $got = x86-64"; else fail "rnnts bench: $name '$got', x86-64 '$bench_ref'"; fi
}
if command -v $QA >/dev/null; then
    kernels aarch64-scalar $QA "$B/kernel_dump_arm_scalar"
    kernels aarch64-neon $QA "$B/kernel_dump_arm_neon"
    check_bench aarch64-neon $QA "$B/rnnts_arm_neon"
fi

# files written on x86-64 ($1 = "x86") or under qemu; $2.. the command that runs rnnts. Binary
# files: checkpoints (RNN, GRU, LSTM), a gradient file, the reference's networks imported, the
# .npy dumps of a tau_net analysis; text: its CSV (floats printed by printf)
write_files() {
    local d=$T/files-$1
    shift
    mkdir -p "$d"
    (cd "$d" &&
        "$@" train --hidden 12 --heads 2 --batch 9 --steps-per-epoch 5 --test-batches 2 --max-epochs 2 --threads 2 --quiet --out rnn &&
        "$@" train --model gru --curriculum sliding --hidden 11 --heads 5 --batch 9 --steps-per-epoch 5 --test-batches 2 --max-epochs 2 --threads 2 --quiet --out gru &&
        "$@" train --model lstm --hidden 9 --heads 2 --batch 7 --steps-per-epoch 5 --test-batches 2 --max-epochs 2 --threads 1 --quiet --out lstm &&
        "$@" grad --model rnn --hidden 12 --heads 3 --N 2,3,4 --batch 5 --seed 3 --out grad.safetensors &&
        "$@" analyze taunet rnn/last.safetensors --steps 3000 --burn 100 --trials 2 --threads 2 --dump taunet --out taunet &&
        for pt in "$SHARED"/*.pt; do
            [ -f "$pt" ] || continue
            "$@" import "$pt" "import_$(basename "$pt" .pt).safetensors" || exit 1
        done) > "$d.out" 2>&1
}
# reads files written elsewhere: $1 = directory of the files, $2 = output name, $3.. the command;
# what it prints depends on the files only, but for the line naming the build
read_files() {
    local src=$1 out=$T/read-$2
    shift 2
    mkdir -p "$out"
    (cd "$src" &&
        "$@" info gru/last.safetensors &&
        "$@" info rnn/last.safetensors &&
        "$@" eval lstm/last.safetensors --N 2,3 --batch 16 --batches 2 --threads 2 &&
        for f in import_*.safetensors; do
            [ -f "$f" ] || continue
            "$@" info "$f" && "$@" eval "$f" --N 2,3 --batch 8 --batches 1 --threads 2 || exit 1
        done) 2>&1 | grep -v '^build ' > "$out/stdout.txt" &&
        "$@" train --resume "$src/gru/last.safetensors" --max-epochs 3 --threads 2 --quiet --out "$out/gru" > "$out/resume.txt" 2>&1
}
SHARED=$SRC/../shared/reference-networks
[ -d "$SHARED" ] || skip "shared:$SHARED" "importing the reference's published .pt networks on every platform ($SHARED is missing)"
if write_files x86 "$B/rnnts"; then ok "x86-64 wrote GRU/LSTM checkpoints, a gradient file and $(ls "$T"/files-x86/import_*.safetensors 2>/dev/null | wc -l) imported networks"
else fail "x86-64 could not write the comparison files: $(tail -n 3 "$T/files-x86.out" | tr '\n' ' ')"; fi
read_files "$T/files-x86" x86 "$B/rnnts" || fail "x86-64 could not read its own files"
for a in s390x riscv64; do
    q=qemu-$a-static
    command -v "$q" >/dev/null || continue
    kernels "$a" "$q" "$B/kernel_dump_$a"
    check_bench "$a" "$q" "$B/rnnts_$a"
    if write_files "$a" "$q" "$B/rnnts_$a"; then
        n=0 bad=""
        for f in $(cd "$T/files-x86" && find . -name '*.safetensors' -o -name '*.npy' -o -name '*.csv' | sort); do
            n=$((n + 1))
            cmp -s "$T/files-x86/$f" "$T/files-$a/$f" || bad="$bad $f"
        done
        [ $n -gt 10 ] && [ -z "$bad" ] && ok "$a writes byte-identical files: $n checkpoints, imports, gradient, .npy and CSV files" || fail "$a files differ from x86-64's ($n compared):$bad"
    else fail "$a could not write the comparison files: $(tail -n 3 "$T/files-$a.out" | tr '\n' ' ')"; fi
    # each side reads the other's files: the same printout and the same resumed checkpoints
    if read_files "$T/files-x86" "$a-of-x86" "$q" "$B/rnnts_$a" && read_files "$T/files-$a" "x86-of-$a" "$B/rnnts" &&
        cmp -s "$T/read-x86/stdout.txt" "$T/read-$a-of-x86/stdout.txt" && cmp -s "$T/read-x86/stdout.txt" "$T/read-x86-of-$a/stdout.txt" &&
        cmp -s "$T/read-x86/gru/last.safetensors" "$T/read-$a-of-x86/gru/last.safetensors" &&
        cmp -s "$T/read-x86/gru/last.safetensors" "$T/read-x86-of-$a/gru/last.safetensors"; then
        ok "$a reads x86-64's files and x86-64 reads $a's: info, eval and a resumed run identical"
    else fail "$a / x86-64 cross reading: $(diff "$T/read-x86/stdout.txt" "$T/read-$a-of-x86/stdout.txt" 2>&1 | head -n 4 | tr '\n' ' ')"; fi
done

# ---- the summary table: every checkpoint equals x86-64 scalar's with 1 thread ---------------
ref=$(awk -F'\t' '$1 == "x86-64" && $2 == "scalar" && $3 == 1 { print $6 }' "$ROWS")
echo
printf '%-12s %-7s %-8s %-13s %-8s %-18s %-10s %s\n' platform build threads "golden pools" golden checkpoint "same bits" seconds
while IFS=$'\t' read -r plat build th pools gres ck secs; do
    same=no
    [ "$ref" != none ] && [ -n "$ref" ] && [ "$ck" = "$ref" ] && same=yes
    if [ "$same" = yes ]; then passes=$((passes + 1)); else fail "$plat $build threads $th: checkpoint $ck, x86-64 scalar $ref"; fi
    printf '%-12s %-7s %-8s %-13s %-8s %-18s %-10s %s\n' "$plat" "$build" "$th" "$pools" "$gres" "$ck" "$same" "$secs"
done < "$ROWS"
echo "golden: rows passed/checked (every config on x86-64 and aarch64, the --quick subset on s390x and riscv64) with the pools listed;"
echo "checkpoint: XXH3-64 of last.safetensors of 'rnnts train $TINY --threads <threads>'"
echo "cross: $(wc -l < "$ROWS") rows, $failures failed, $skips skipped, $(($(date +%s) - t0)) s"
if [ $skips -gt 0 ]; then echo "$passes passed, $failures failed, $skips skipped"; else echo "$passes passed, $failures failed"; fi
[ $failures -eq 0 ]
