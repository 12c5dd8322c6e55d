#!/usr/bin/env bash
# Builds the unit-test programs (run from the repository root):
#   build/kernel_dump_scalar  plain-C kernel dump, SCALAR vector path (the reference twin)
#   build/kernel_dump_avx2    the same with the AVX2 path
#   build/test_unit           Criterion unit tests (AVX2 build); needs build/kernel_dump_scalar at run
#                             time (or RNNTS_SCALAR_DUMP=path)
# Optional cross builds (AArch64, static, run with qemu-aarch64-static) with CROSS=1.
set -e
cd "$(dirname "$0")/.."
mkdir -p build
CC=${CC:-gcc}
CFLAGS="-std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -I."
AVX2="-mavx2 -mfma"
SCALAR="-DRNNTS_SIMD=1 -fno-tree-vectorize"

$CC $CFLAGS $SCALAR tests/kernel_dump.c -o build/kernel_dump_scalar -lm -lpthread
$CC $CFLAGS $AVX2 tests/kernel_dump.c -o build/kernel_dump_avx2 -lm -lpthread
$CC $CFLAGS $AVX2 tests/test_unit.c tests/test_grad.c tests/test_errors.c -o build/test_unit \
    -lcriterion -lxxhash -lm -lpthread

if [ "${CROSS:-0}" = 1 ]; then
    XCC=${XCC:-aarch64-linux-gnu-gcc}
    $XCC $CFLAGS $SCALAR -static tests/kernel_dump.c -o build/kernel_dump_a64_scalar -lm -lpthread
    $XCC $CFLAGS -static tests/kernel_dump.c -o build/kernel_dump_a64_neon -lm -lpthread
fi
