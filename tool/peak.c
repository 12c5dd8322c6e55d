/* tool/peak.c — the single-core FMA throughput probe declared in peak.h: the x86-64 probes are
   compiled with function target attributes and chosen at run time, whatever the build's flags. */
#define _POSIX_C_SOURCE 200809L
#include "peak.h"

#include <math.h>
#include <time.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define RNNTS_BENCH_PEAK_X86 1
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

static volatile float rnnts_bench_peak_sink;

#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
static double rnnts_bench__peak_now(void) { /* no clock_gettime without winpthreads */
    static LARGE_INTEGER freq;
    LARGE_INTEGER t;
    if (!freq.QuadPart) QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t);
    return (double)t.QuadPart / (double)freq.QuadPart;
}
#else
static double rnnts_bench__peak_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#endif

/* n rounds of one FMA per chain; each returns the flops done. */
#ifdef RNNTS_BENCH_PEAK_X86
__attribute__((target("avx2,fma"))) static double rnnts_bench__peak_avx2(long long n) {
    __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    __m256 c0 = _mm256_set1_ps(0.f), c1 = _mm256_set1_ps(1.f), c2 = _mm256_set1_ps(2.f), c3 = _mm256_set1_ps(3.f);
    __m256 c4 = _mm256_set1_ps(4.f), c5 = _mm256_set1_ps(5.f), c6 = _mm256_set1_ps(6.f), c7 = _mm256_set1_ps(7.f);
    __m256 c8 = _mm256_set1_ps(8.f), c9 = _mm256_set1_ps(9.f), ca = _mm256_set1_ps(10.f), cb = _mm256_set1_ps(11.f);
    for (long long i = 0; i < n; i++) {
#define RNNTS_BENCH_F(c) c = _mm256_fmadd_ps(c, a, b)
        RNNTS_BENCH_F(c0); RNNTS_BENCH_F(c1); RNNTS_BENCH_F(c2); RNNTS_BENCH_F(c3);
        RNNTS_BENCH_F(c4); RNNTS_BENCH_F(c5); RNNTS_BENCH_F(c6); RNNTS_BENCH_F(c7);
        RNNTS_BENCH_F(c8); RNNTS_BENCH_F(c9); RNNTS_BENCH_F(ca); RNNTS_BENCH_F(cb);
#undef RNNTS_BENCH_F
    }
    c0 = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                       _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
    c8 = _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(ca, cb));
    c0 = _mm256_add_ps(c0, c8);
    rnnts_bench_peak_sink = _mm256_cvtss_f32(c0);
    return (double)n * 12 * 8 * 2;
}
__attribute__((target("avx512f"))) static double rnnts_bench__peak_avx512(long long n) {
    __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f), c[24], s;
    for (int k = 0; k < 24; k++) c[k] = _mm512_set1_ps((float)k);
    for (long long i = 0; i < n; i++) {
#if defined(__clang__)
#pragma clang loop unroll(full)
#else
#pragma GCC unroll 24
#endif
        for (int k = 0; k < 24; k++) c[k] = _mm512_fmadd_ps(c[k], a, b);
    }
    s = c[0];
    for (int k = 1; k < 24; k++) s = _mm512_add_ps(s, c[k]);
    rnnts_bench_peak_sink = _mm512_cvtss_f32(s);
    return (double)n * 24 * 16 * 2;
}
#endif
#if defined(__aarch64__)
static double rnnts_bench__peak_neon(long long n) {
    float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-7f);
    float32x4_t c[16];
    for (int k = 0; k < 16; k++) c[k] = vdupq_n_f32((float)k);
    for (long long i = 0; i < n; i++) {
        /* vfmaq_f32(acc, x, y) = acc + x*y: c = b + c*a */
        c[0] = vfmaq_f32(b, c[0], a); c[1] = vfmaq_f32(b, c[1], a); c[2] = vfmaq_f32(b, c[2], a); c[3] = vfmaq_f32(b, c[3], a);
        c[4] = vfmaq_f32(b, c[4], a); c[5] = vfmaq_f32(b, c[5], a); c[6] = vfmaq_f32(b, c[6], a); c[7] = vfmaq_f32(b, c[7], a);
        c[8] = vfmaq_f32(b, c[8], a); c[9] = vfmaq_f32(b, c[9], a); c[10] = vfmaq_f32(b, c[10], a); c[11] = vfmaq_f32(b, c[11], a);
        c[12] = vfmaq_f32(b, c[12], a); c[13] = vfmaq_f32(b, c[13], a); c[14] = vfmaq_f32(b, c[14], a); c[15] = vfmaq_f32(b, c[15], a);
    }
    for (int k = 1; k < 16; k++) c[0] = vaddq_f32(c[0], c[k]);
    rnnts_bench_peak_sink = vgetq_lane_f32(c[0], 0);
    return (double)n * 16 * 4 * 2;
}
#endif
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize"))) /* the scalar probe must stay scalar */
#endif
static double rnnts_bench__peak_scalar(long long n) {
    /* 16 named scalars (an array indexed in an inner loop stays in memory once vectorisation is
       off). clang has no per-function switch for its SLP vectoriser: an empty asm per chain keeps
       every chain in its own scalar register there. */
#if defined(__clang__) && (defined(__x86_64__) || defined(__i386__))
#define RNNTS_BENCH_KEEP(v) __asm__("" : "+x"(v))
#elif defined(__clang__) && defined(__aarch64__)
#define RNNTS_BENCH_KEEP(v) __asm__("" : "+w"(v))
#else
#define RNNTS_BENCH_KEEP(v) ((void)0)
#endif
    float a = 0.999999f, b = 1e-7f;
    float c0 = 0.f, c1 = 1.f, c2 = 2.f, c3 = 3.f, c4 = 4.f, c5 = 5.f, c6 = 6.f, c7 = 7.f;
    float c8 = 8.f, c9 = 9.f, ca = 10.f, cb = 11.f, cc = 12.f, cd = 13.f, ce = 14.f, cf = 15.f;
    for (long long i = 0; i < n; i++) {
#define RNNTS_BENCH_F(c) c = fmaf(c, a, b); RNNTS_BENCH_KEEP(c)
        RNNTS_BENCH_F(c0); RNNTS_BENCH_F(c1); RNNTS_BENCH_F(c2); RNNTS_BENCH_F(c3);
        RNNTS_BENCH_F(c4); RNNTS_BENCH_F(c5); RNNTS_BENCH_F(c6); RNNTS_BENCH_F(c7);
        RNNTS_BENCH_F(c8); RNNTS_BENCH_F(c9); RNNTS_BENCH_F(ca); RNNTS_BENCH_F(cb);
        RNNTS_BENCH_F(cc); RNNTS_BENCH_F(cd); RNNTS_BENCH_F(ce); RNNTS_BENCH_F(cf);
#undef RNNTS_BENCH_F
    }
#undef RNNTS_BENCH_KEEP
    rnnts_bench_peak_sink = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (ca + cb)) + ((cc + cd) + (ce + cf));
    return (double)n * 16 * 2;
}

/* 1 when this CPU (and OS) can run the probe of path `isa`. */
static int rnnts_bench__peak_has(int isa) {
    switch (isa) {
    case RNNTS_BENCH_PEAK_SCALAR: return 1;
#ifdef RNNTS_BENCH_PEAK_X86
    case RNNTS_BENCH_PEAK_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case RNNTS_BENCH_PEAK_AVX512: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
#if defined(__aarch64__)
    case RNNTS_BENCH_PEAK_NEON: return 1;
#endif
    default: return 0;
    }
}
static double rnnts_bench__peak_kernel(int isa, long long n) {
    switch (isa) {
#ifdef RNNTS_BENCH_PEAK_X86
    case RNNTS_BENCH_PEAK_AVX2: return rnnts_bench__peak_avx2(n);
    case RNNTS_BENCH_PEAK_AVX512: return rnnts_bench__peak_avx512(n);
#endif
#if defined(__aarch64__)
    case RNNTS_BENCH_PEAK_NEON: return rnnts_bench__peak_neon(n);
#endif
    default: return rnnts_bench__peak_scalar(n);
    }
}
static const char *rnnts_bench_peak_isa_name(int isa) {
    return isa == RNNTS_BENCH_PEAK_AVX512 ? "AVX512" : isa == RNNTS_BENCH_PEAK_AVX2 ? "AVX2" : isa == RNNTS_BENCH_PEAK_NEON ? "NEON" : "scalar";
}
/* The widest path this CPU runs. */
static int rnnts_bench_peak_widest(void) {
    static const int order[] = {RNNTS_BENCH_PEAK_AVX512, RNNTS_BENCH_PEAK_AVX2, RNNTS_BENCH_PEAK_NEON};
    for (int i = 0; i < 3; i++)
        if (rnnts_bench__peak_has(order[i])) return order[i];
    return RNNTS_BENCH_PEAK_SCALAR;
}

/* Single-core FMA peak of path `isa` in GFLOP/s, measured for about `seconds` (at least one
   calibration and one timed round, ~10 ms each); 0 when this CPU cannot run the path. */
double rnnts_bench_peak_gflops_isa(double seconds, int isa) {
    double best = 0.0, t_end;
    long long n = 1LL << 10;
    if (!rnnts_bench__peak_has(isa)) return 0.0;
    /* calibrate to ~10 ms per round */
    for (;;) {
        double t0 = rnnts_bench__peak_now();
        rnnts_bench__peak_kernel(isa, n);
        if (rnnts_bench__peak_now() - t0 > 0.01 || n > (1LL << 40)) break;
        n *= 2;
    }
    t_end = rnnts_bench__peak_now() + seconds;
    do {
        double t0 = rnnts_bench__peak_now(), f = rnnts_bench__peak_kernel(isa, n), dt = rnnts_bench__peak_now() - t0;
        if (dt > 0 && f / dt > best) best = f / dt;
    } while (rnnts_bench__peak_now() < t_end);
    return best * 1e-9;
}
/* The peak of the widest path this CPU runs (the reports' "peak"); isa_out (may be NULL) names
   it: "AVX512", "AVX2", "NEON", "scalar". */
double rnnts_bench_peak_gflops(double seconds, const char **isa_out) {
    int isa = rnnts_bench_peak_widest();
    if (isa_out) *isa_out = rnnts_bench_peak_isa_name(isa);
    return rnnts_bench_peak_gflops_isa(seconds, isa);
}

