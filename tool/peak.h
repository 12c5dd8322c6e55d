/* tool/peak.h — single-core FMA throughput probe (GFLOP/s), the "peak" of the benchmark reports.
   Implemented in tool/peak.c, one object linked by `rnnts bench` (tool/cmd_bench.c) and by the
   Google Benchmark suite (bench/peak.c), so that both measure the same thing.

       const char *isa;
       double gf = rnnts_bench_peak_gflops(0.5, &isa);   // the widest path this CPU runs
       double g2 = rnnts_bench_peak_gflops_isa(0.5, RNNTS_BENCH_PEAK_AVX2);   // one path (0 if absent)

   Every path the CPU (and OS) can run is measured, whatever the build: the x86-64 probes are
   compiled with function target attributes and chosen at run time (__builtin_cpu_supports, which
   also checks that the OS saves the YMM / ZMM state). "% of peak" in the reports is against the
   widest path's peak, so a build that does not use AVX-512 on an AVX-512 machine shows it.
     AVX512 : 24 x __m512 _mm512_fmadd_ps  (16 lanes; 24 chains cover 4-cycle latency x 2 pipes
              with room to spare and leave 8 of the 32 zmm registers free)
     AVX2   : 12 x __m256 _mm256_fmadd_ps  (8 lanes; 12 accumulators and 2 constants fit the 16 ymm
              registers — 16 chains spill, and the probe then measures loads and stores: 70 instead
              of 113 GFLOP/s on the AMD EPYC this was first written on)
     NEON   : 16 x float32x4_t vfmaq_f32    (4 lanes; 32 q registers)
     scalar : 16 fmaf chains, kept scalar (no auto-vectorisation); a hardware fma instruction
              when the target has one (-mfma, AArch64), else the C library's fmaf — the same
              fmaf that rnnts's scalar path calls
   Each FMA counts 2 flops per lane. The result is the best of several timed rounds, so that a
   noisy machine understates it less. */
#ifndef RNNTS_BENCH_PEAK_H
#define RNNTS_BENCH_PEAK_H

/* The same numbers as rnnts.h's RNNTS_SIMD_* (this file does not need the header). */
#define RNNTS_BENCH_PEAK_SCALAR 1
#define RNNTS_BENCH_PEAK_AVX2 2
#define RNNTS_BENCH_PEAK_NEON 3
#define RNNTS_BENCH_PEAK_AVX512 4

/* Single-core FMA peak of path `isa` in GFLOP/s, measured for about `seconds` (at least one
   calibration and one timed round, ~10 ms each); 0 when this CPU cannot run the path. */
double rnnts_bench_peak_gflops_isa(double seconds, int isa);
/* The peak of the widest path this CPU runs (the reports' "peak"); isa_out (may be NULL) names
   it: "AVX512", "AVX2", "NEON", "scalar". */
double rnnts_bench_peak_gflops(double seconds, const char **isa_out);

#endif /* RNNTS_BENCH_PEAK_H */
