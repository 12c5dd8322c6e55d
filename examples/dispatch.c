/* examples/dispatch.c — run-time choice of the vector path for the rnnts tool (x86-64).

   The Makefile compiles the whole tool (examples/rnnts.c with the library) once per path —
   SCALAR (x86-64 baseline: SSE2, no FMA instructions), AVX2 + FMA, AVX-512F — with `main` renamed
   to rnnts_tool_main_<path>, and hides every other global symbol of each object (objcopy
   --keep-global-symbol), so the three copies link into one binary without clashing. This file's
   main, compiled for the baseline, reads the CPU (rnnts_cpu_simd_mask: CPUID and XGETBV, from the
   scalar copy) and runs the widest path the CPU and OS support, or the one named by the
   environment variable RNNTS_ISA=scalar|avx2|avx512. A path the CPU lacks is refused with exit
   code 2 before any of its instructions run, so the binary starts on any x86-64 machine.

   The numerics contract makes the paths interchangeable: every result, checkpoint and hash is the
   same bits whichever copy runs; only the speed differs. Whole-program copies (instead of
   per-kernel function pointers) keep every part of the tool — training, analyses, bench — on the
   chosen path without a dispatch table inside the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From the scalar copy (exported by the Makefile's objcopy): the library's CPU rules. */
unsigned rnnts_cpu_simd_mask(void);
int rnnts_simd_best(unsigned mask);
int rnnts_simd_parse(const char *name);
const char *rnnts_simd_id_name(int simd);

int rnnts_tool_main_scalar(int argc, char **argv);
int rnnts_tool_main_avx2(int argc, char **argv);
int rnnts_tool_main_avx512(int argc, char **argv);

/* RNNTS_SIMD_* values (rnnts.h's public list; this file does not include the header). */
enum { PATH_SCALAR = 1, PATH_AVX2 = 2, PATH_AVX512 = 4 };

static void list_paths(char *buf, size_t cap, unsigned mask) {
    static const int order[] = {PATH_SCALAR, PATH_AVX2, PATH_AVX512};
    size_t u = 0;
    buf[0] = 0;
    for (int i = 0; i < 3; i++)
        if (mask & (1u << order[i])) {
            int w = snprintf(buf + u, cap - u, "%s%s", u ? " " : "", rnnts_simd_id_name(order[i]));
            if (w > 0 && (size_t)w < cap - u) u += (size_t)w;
        }
}

int main(int argc, char **argv) {
    unsigned mask = rnnts_cpu_simd_mask() & ((1u << PATH_SCALAR) | (1u << PATH_AVX2) | (1u << PATH_AVX512));
    const char *env = getenv("RNNTS_ISA");
    int path = rnnts_simd_best(mask);
    char have[64];
    if (env && *env) {
        path = rnnts_simd_parse(env);
        if (path != PATH_SCALAR && path != PATH_AVX2 && path != PATH_AVX512) {
            fprintf(stderr, "rnnts: RNNTS_ISA=%s: allowed scalar, avx2, avx512 (or unset: the widest the CPU has)\n", env);
            return 2;
        }
        if (!(mask & (1u << path))) {
            list_paths(have, sizeof have, mask);
            fprintf(stderr, "rnnts: RNNTS_ISA=%s: this CPU (or its operating system) cannot run the %s path; it runs: %s\n", env,
                    rnnts_simd_id_name(path), have);
            return 2;
        }
    }
    switch (path) {
    case PATH_AVX512: return rnnts_tool_main_avx512(argc, argv);
    case PATH_AVX2: return rnnts_tool_main_avx2(argc, argv);
    default: return rnnts_tool_main_scalar(argc, argv);
    }
}
