#!/bin/sh
# Compile times of the library, the tool and the sanitizer builds, wall clock on this machine, as a
# Markdown table (the README's "Compile times" table comes from this script: `make compile-times`).
# Each build starts from an empty directory; -j is the number of parallel compiles (the tool's
# modules build in parallel, the implementation object is one compile). Usage:
#   sh bench/compile_times.sh [OUTDIR]      (default build/ctime; removed and made anew)
set -eu
CC=${CC:-gcc}
O=${1:-build/ctime}
rm -rf "$O"; mkdir -p "$O"
STD="-std=c11 -ffp-contract=off -Wall -Wextra -Werror"
SAN="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
AVX2="-mavx2 -mfma"
SCALAR="-DRNNTS_SIMD=1 -fno-tree-vectorize"
MODS=$(ls tool/*.c | grep -v tool/dispatch.c)
JOBS=${JOBS:-2}

now() { date +%s.%N; }
# row LABEL COMMAND...: runs the command (output to $O/log), prints a table row with its wall time
row() {
  label=$1; shift
  t0=$(now)
  if "$@" >> "$O/log" 2>&1; then
    printf '| %s | %.1f s |\n' "$label" "$(echo "$(now) - $t0" | bc)"
  else
    printf '| %s | FAILED (see %s/log) |\n' "$label" "$O"; exit 1
  fi
}
# modules FLAGS DIR [COMPILER]: every tool module and the implementation, compiled with FLAGS into
# DIR, JOBS at a time
modules() {
  flags=$1; d=$2; cc=${3:-$CC}; mkdir -p "$d"
  printf '%s\n' $MODS | xargs -P "$JOBS" -I{} sh -c "$cc $STD $flags -c {} -o $d/\$(basename {} .c).o"
}

echo "Compile times: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) CPUs, $CC $($CC -dumpversion), $(date -u +%Y-%m-%d), -j $JOBS"
echo
echo "| build | wall |"
echo "|---|---|"
row "examples/train_parity.c (implementation + example, -O2, AVX2)" $CC $STD -O2 $AVX2 examples/train_parity.c -o "$O/train_parity" -lm -lpthread
row "implementation object alone, -O2, scalar path" $CC $STD -O2 $SCALAR -c tool/rnnts_impl.c -o "$O/impl_scalar.o"
row "implementation object alone, -O2, AVX2 path" $CC $STD -O2 $AVX2 -c tool/rnnts_impl.c -o "$O/impl_avx2.o"
row "rnnts tool, x86-64 with 3 dispatched paths (make -j $JOBS, from scratch)" make -s -j "$JOBS" B="$O/b" "$O/b/rnnts"
touch tool/cmd_bench.c
row "rnnts tool, rebuild after touching one module" make -s -j "$JOBS" B="$O/b" "$O/b/rnnts"
row "tool modules + implementation, ASan + UBSan -O1, AVX2 path" modules "$SAN $AVX2" "$O/san_avx2"
row "tool modules + implementation, ASan + UBSan -O1, scalar path (no SIMD, as on an architecture without one)" modules "$SAN $SCALAR" "$O/san_scalar"
if command -v clang >/dev/null; then
  row "the same, scalar path, clang $(clang -dumpversion)" modules "$SAN $SCALAR" "$O/san_scalar_clang" clang
fi
row "unit tests (make build/test_unit: 12 test files and the implementation, AVX2)" make -s -j "$JOBS" B="$O/b" "$O/b/test_unit"
row "unit tests under ASan + UBSan (make build/asan_test_unit)" make -s -j "$JOBS" B="$O/b" "$O/b/asan_test_unit"
