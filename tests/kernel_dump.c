/* kernel_dump: prints `# <build info>` and then one line `<case-name> <16 hex digits>` per case
   of tests/kernel_cases.h. Plain C (no Criterion) so that it cross-compiles; built four ways
   (x86-64 SCALAR and AVX2, AArch64 static SCALAR and NEON under qemu-aarch64-static), whose
   outputs must agree on every line except the first. test_unit compares its in-process (AVX2)
   results with the output of the scalar build. */
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include "kernel_cases.h"

static void emit(void *ctx, const char *name, uint64_t hash) {
    unsigned long *count = (unsigned long *)ctx;
    printf("%s %016llx\n", name, (unsigned long long)hash);
    (*count)++;
}

int main(void) {
    unsigned long count = 0;
    char msg[160];
    printf("# %s\n", rnnts_build_info());
    if (rnnts_selfcheck(msg, sizeof msg) != RNNTS_OK) {
        fprintf(stderr, "kernel_dump: floating-point environment is wrong: %s\n", msg);
        return 1;
    }
    kc_run_all(emit, &count);
    if (fflush(stdout) != 0) return 1;
    fprintf(stderr, "kernel_dump: %lu cases\n", count);
    return 0;
}
