/* bench/peak.c — single-core FMA throughput probe (GFLOP/s), the "peak" of the benchmark report.
   12 independent accumulator chains, enough to cover FMA latency x throughput on current cores
   (4-5 cycles x 2 pipes = 8-10 chains in flight), and few enough that the 12 accumulators and 2
   constants stay in the 16 ymm registers of AVX2 (16 chains spill, and the probe then measures
   loads and stores instead: 70 instead of 113 GFLOP/s on the AMD EPYC this was written on). Each FMA counts 2 flops
   per lane.
     __AVX2__ && __FMA__ : 12 x __m256 _mm256_fmadd_ps  (8 lanes; the vector width rnnts uses)
     __aarch64__         : 16 x float32x4_t vfmaq_f32    (4 lanes; 32 q registers)
     otherwise           : 16 scalar fmaf chains (what a compiler makes of it; a lower bound)
   The result is the best of several timed rounds, so that a noisy machine understates it less. */
#define _POSIX_C_SOURCE 199309L
#include "cases.h"

#include <math.h>
#include <time.h>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define PEAK_ISA "AVX2"
#elif defined(__aarch64__)
#include <arm_neon.h>
#define PEAK_ISA "NEON"
#else
#define PEAK_ISA "scalar"
#endif

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

volatile float bench_peak_sink;

/* n rounds of one FMA per chain; returns the flops done. */
static double kernel(long n) {
#if defined(__AVX2__) && defined(__FMA__)
    __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
    __m256 c0 = _mm256_set1_ps(0.f), c1 = _mm256_set1_ps(1.f), c2 = _mm256_set1_ps(2.f), c3 = _mm256_set1_ps(3.f);
    __m256 c4 = _mm256_set1_ps(4.f), c5 = _mm256_set1_ps(5.f), c6 = _mm256_set1_ps(6.f), c7 = _mm256_set1_ps(7.f);
    __m256 c8 = _mm256_set1_ps(8.f), c9 = _mm256_set1_ps(9.f), ca = _mm256_set1_ps(10.f), cb = _mm256_set1_ps(11.f);
    for (long i = 0; i < n; i++) {
#define F(c) c = _mm256_fmadd_ps(c, a, b)
        F(c0); F(c1); F(c2); F(c3); F(c4); F(c5); F(c6); F(c7);
        F(c8); F(c9); F(ca); F(cb);
#undef F
    }
    c0 = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                       _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
    c8 = _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(ca, cb));
    c0 = _mm256_add_ps(c0, c8);
    bench_peak_sink = _mm256_cvtss_f32(c0);
    return (double)n * 12 * 8 * 2;
#elif defined(__aarch64__)
    float32x4_t a = vdupq_n_f32(0.999999f), b = vdupq_n_f32(1e-7f);
    float32x4_t c[16];
    for (int k = 0; k < 16; k++) c[k] = vdupq_n_f32((float)k);
    for (long i = 0; i < n; i++) {
        /* vfmaq_f32(acc, x, y) = acc + x*y: c = b + c*a */
        c[0] = vfmaq_f32(b, c[0], a); c[1] = vfmaq_f32(b, c[1], a); c[2] = vfmaq_f32(b, c[2], a); c[3] = vfmaq_f32(b, c[3], a);
        c[4] = vfmaq_f32(b, c[4], a); c[5] = vfmaq_f32(b, c[5], a); c[6] = vfmaq_f32(b, c[6], a); c[7] = vfmaq_f32(b, c[7], a);
        c[8] = vfmaq_f32(b, c[8], a); c[9] = vfmaq_f32(b, c[9], a); c[10] = vfmaq_f32(b, c[10], a); c[11] = vfmaq_f32(b, c[11], a);
        c[12] = vfmaq_f32(b, c[12], a); c[13] = vfmaq_f32(b, c[13], a); c[14] = vfmaq_f32(b, c[14], a); c[15] = vfmaq_f32(b, c[15], a);
    }
    for (int k = 1; k < 16; k++) c[0] = vaddq_f32(c[0], c[k]);
    bench_peak_sink = vgetq_lane_f32(c[0], 0);
    return (double)n * 16 * 4 * 2;
#else
    float a = 0.999999f, b = 1e-7f, c[16];
    for (int k = 0; k < 16; k++) c[k] = (float)k;
    for (long i = 0; i < n; i++)
        for (int k = 0; k < 16; k++) c[k] = fmaf(c[k], a, b);
    for (int k = 1; k < 16; k++) c[0] += c[k];
    bench_peak_sink = c[0];
    return (double)n * 16 * 2;
#endif
}

double bench_peak_gflops(double seconds, const char **isa_out) {
    double best = 0.0, t_end;
    long n = 1L << 16;
    if (isa_out) *isa_out = PEAK_ISA;
    /* calibrate to ~10 ms per round */
    for (;;) {
        double t0 = now_s();
        kernel(n);
        if (now_s() - t0 > 0.01 || n > (1L << 40)) break;
        n *= 2;
    }
    t_end = now_s() + seconds;
    do {
        double t0 = now_s(), f = kernel(n), dt = now_s() - t0;
        if (dt > 0 && f / dt > best) best = f / dt;
    } while (now_s() < t_end);
    return best * 1e-9;
}
