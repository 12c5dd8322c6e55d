/* bench/dispatch.c — run-time choice of the vector path for the benchmark suite (x86-64), as
   tool/dispatch.c does for the tool: bench/cases.c is compiled once per path (scalar, AVX2,
   AVX-512) with its three entry points renamed (_scalar, _avx2, _avx512) and every other global
   symbol hidden; the entry points of cases.h here forward to the widest path the CPU runs, or to
   RNNTS_ISA=scalar|avx2|avx512. bench_simd_selection() says which and why. */
#include <stdio.h>
#include <stdlib.h>

#include "cases.h"

/* the library's rule, from the scalar copy */
int rnnts_simd_choose(const char *request, unsigned built, char *msg, size_t msg_size);

#define BENCH_PATHS(X) X(scalar, 1) X(avx2, 2) X(avx512, 4)
#define BENCH_DECL(p, id)                                  \
    int bench_case_count_##p(void);                        \
    const bench_case *bench_case_get_##p(int i);           \
    const char *bench_build_info_##p(void);
BENCH_PATHS(BENCH_DECL)

static int chosen(void) { /* the path id; exits with 2 on an RNNTS_ISA this CPU cannot run */
    static int path;        /* the benchmark program's own state, set once on the main thread */
    if (!path) {
        char msg[256];
        path = rnnts_simd_choose(getenv("RNNTS_ISA"), (1u << 1) | (1u << 2) | (1u << 4), msg, sizeof msg);
        if (!path) {
            fprintf(stderr, "bench: %s\n", msg);
            exit(2);
        }
    }
    return path;
}
#define BENCH_CASE(p, id) case id: return bench_case_count_##p();
int bench_case_count(void) { switch (chosen()) { BENCH_PATHS(BENCH_CASE) default: return 0; } }
#undef BENCH_CASE
#define BENCH_CASE(p, id) case id: return bench_case_get_##p(i);
const bench_case *bench_case_get(int i) { switch (chosen()) { BENCH_PATHS(BENCH_CASE) default: return NULL; } }
#undef BENCH_CASE
#define BENCH_CASE(p, id) case id: return bench_build_info_##p();
const char *bench_build_info(void) { switch (chosen()) { BENCH_PATHS(BENCH_CASE) default: return "?"; } }
#undef BENCH_CASE
const char *bench_simd_selection(void) {
    const char *env = getenv("RNNTS_ISA");
    int p = chosen();
    return env && *env ? (p == 4 ? "AVX512 (RNNTS_ISA)" : p == 2 ? "AVX2 (RNNTS_ISA)" : "SCALAR (RNNTS_ISA)")
                       : (p == 4 ? "AVX512 (the widest this CPU runs)" : p == 2 ? "AVX2 (the widest this CPU runs)" : "SCALAR (the widest this CPU runs)");
}
