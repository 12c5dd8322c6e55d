#!/usr/bin/env bash
# Builds the unit-test programs without make (run from anywhere; works in the repository root):
#   build/kernel_dump_scalar  plain-C kernel dump, SCALAR vector path (the reference twin)
#   build/kernel_dump_avx2    the same with the AVX2 path (x86-64 with AVX2 only)
#   build/test_unit           Criterion unit tests: every tests/test_*.c in one program, as
#                             `make build/test_unit` builds it (AVX2 where the CPU has it); needs
#                             build/kernel_dump_scalar at run time (or RNNTS_SCALAR_DUMP=path)
# Each program built is checked: the kernel dumps run and print their cases; test_unit lists a
# suite from every test file (--list). RUN=1 also runs the unit tests (--jobs 2, minutes).
# Optional cross builds (AArch64, static, run with qemu-aarch64-static) with CROSS=1.
# Prints ok / FAIL lines and "N passed, M failed" last; exits 1 on any failure.
set -u -o pipefail
cd "$(dirname "$0")/.." || exit 1
mkdir -p build
CC=${CC:-gcc}
CFLAGS="-std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -I."
AVX2="-mavx2 -mfma"
SCALAR="-DRNNTS_SIMD=1 -fno-tree-vectorize"
NATIVE=""
if [ "$(uname -m)" = x86_64 ] && grep -qw avx2 /proc/cpuinfo 2>/dev/null; then NATIVE=$AVX2; fi
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
# build NAME CMD...: runs the compile, its messages shown on failure
build() {
    local name=$1
    shift
    if "$@" 2> "$T/err"; then ok "built $name"; return 0; fi
    bad "build $name: $*"; head -n 20 "$T/err"; return 1
}
# dump_ok PROGRAM [RUNNER]: the kernel dump runs (exit 0) and prints case lines "NAME HASH"
dump_ok() {
    local prog=$1
    shift
    if ! "$@" "$prog" > "$T/dump" 2> "$T/err"; then bad "$prog exits with an error: $(head -c 300 "$T/err")"; return; fi
    local n
    n=$(grep -c '^[^#][^ ]* [0-9a-f]*$' "$T/dump")
    if [ "$n" -gt 0 ]; then ok "$prog runs: $n kernel cases"; else bad "$prog printed no kernel case: $(head -c 300 "$T/dump")"; fi
}

build build/kernel_dump_scalar $CC $CFLAGS $SCALAR tests/kernel_dump.c -o build/kernel_dump_scalar -lm -lpthread &&
    dump_ok build/kernel_dump_scalar
if [ -n "$NATIVE" ]; then
    build build/kernel_dump_avx2 $CC $CFLAGS $AVX2 tests/kernel_dump.c -o build/kernel_dump_avx2 -lm -lpthread &&
        dump_ok build/kernel_dump_avx2
fi
# every unit-test file: test_unit.c holds the implementation, the others the API users' view
units=(tests/test_*.c)
if build "build/test_unit (${#units[@]} files: ${units[*]})" $CC $CFLAGS $NATIVE "${units[@]}" -o build/test_unit -lcriterion -lxxhash -lm -lpthread; then
    # the suites each file defines (Test(SUITE, NAME...)) must all be in the program's list
    if build/test_unit --list > "$T/list" 2> "$T/err"; then
        missing=""
        nsuites=0
        for f in "${units[@]}"; do
            for s in $(sed -n 's/^Test( *\([A-Za-z0-9_]*\),.*/\1/p' "$f" | sort -u); do
                nsuites=$((nsuites + 1))
                grep -q "^$s: " "$T/list" || missing="$missing $f:$s"
            done
        done
        ntests=$(grep -c '^[├└]' "$T/list")
        if [ "$nsuites" -gt 0 ] && [ -z "$missing" ]; then ok "build/test_unit --list: $nsuites suites from ${#units[@]} files, $ntests tests"
        else bad "build/test_unit --list lacks suites:$missing ($nsuites suites expected)"; fi
    else bad "build/test_unit --list: $(head -c 300 "$T/err")"; fi
    if [ "${RUN:-0}" = 1 ]; then
        if RNNTS_SCALAR_DUMP=build/kernel_dump_scalar build/test_unit --jobs 2 > "$T/run" 2>&1; then ok "build/test_unit: $(tail -n 1 "$T/run")"
        else bad "build/test_unit: $(tail -n 5 "$T/run")"; fi
    fi
fi

if [ "${CROSS:-0}" = 1 ]; then
    XCC=${XCC:-aarch64-linux-gnu-gcc}
    QA=${QEMU:-qemu-aarch64-static}
    build build/kernel_dump_a64_scalar $XCC $CFLAGS $SCALAR -static tests/kernel_dump.c -o build/kernel_dump_a64_scalar -lm -lpthread &&
        dump_ok build/kernel_dump_a64_scalar "$QA"
    build build/kernel_dump_a64_neon $XCC $CFLAGS -static tests/kernel_dump.c -o build/kernel_dump_a64_neon -lm -lpthread &&
        dump_ok build/kernel_dump_a64_neon "$QA"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
