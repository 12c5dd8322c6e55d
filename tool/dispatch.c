/* tool/dispatch.c — main of the rnnts tool: the run-time choice of the vector path (x86-64, built
   with -DRNNTS_TOOL_DISPATCH), or elsewhere a call of the one native build's rnnts_tool_main.

   On x86-64 the Makefile compiles the whole tool (the modules of tool/ with the library) once per
   path — SCALAR (x86-64 baseline: SSE2, no FMA instructions), AVX2 + FMA, AVX-512F — combines each
   path's objects into one (ld -r), renames its rnnts_tool_main to rnnts_tool_main_<path> and hides
   every other global symbol (objcopy), so the three copies link into one binary without clashing. This file's
   main, compiled for the baseline, asks the library's rule (rnnts_simd_choose, from the scalar
   copy: CPUID and XGETBV) for the widest path the CPU and OS support, or the one named by the
   environment variable RNNTS_ISA=scalar|avx2|avx512. A path the CPU lacks is refused with exit
   code 2 before any of its instructions run, so the binary starts on any x86-64 machine.

   The numerics contract makes the paths interchangeable: every result, checkpoint and hash is the
   same bits whichever copy runs; only the speed differs. Whole-program copies (instead of
   per-kernel function pointers) keep every part of the tool — training, analyses, bench — on the
   chosen path without a dispatch table inside the library. */
#include <stdio.h>
#include <stdlib.h>

#ifdef RNNTS_TOOL_DISPATCH

/* From the scalar copy (exported by the Makefile's objcopy): the library's rule. */
int rnnts_simd_choose(const char *request, unsigned built, char *msg, size_t msg_size);

int rnnts_tool_main_scalar(int argc, char **argv);
int rnnts_tool_main_avx2(int argc, char **argv);
int rnnts_tool_main_avx512(int argc, char **argv);

/* RNNTS_SIMD_* values (rnnts.h's public list; this file does not include the header). */
enum { PATH_SCALAR = 1, PATH_AVX2 = 2, PATH_AVX512 = 4 };

int main(int argc, char **argv) {
    char msg[256];
    int path = rnnts_simd_choose(getenv("RNNTS_ISA"), (1u << PATH_SCALAR) | (1u << PATH_AVX2) | (1u << PATH_AVX512), msg, sizeof msg);
    switch (path) {
    case PATH_AVX512: return rnnts_tool_main_avx512(argc, argv);
    case PATH_AVX2: return rnnts_tool_main_avx2(argc, argv);
    case PATH_SCALAR: return rnnts_tool_main_scalar(argc, argv);
    default: fprintf(stderr, "rnnts: %s\n", msg); return 2;
    }
}
#else
int rnnts_tool_main(int argc, char **argv); /* main.c */

int main(int argc, char **argv) { return rnnts_tool_main(argc, argv); }
#endif
