/* test_unit.c — the translation unit of build/test_unit that holds the implementation.
   Kernels: every case of kernel_cases.h computed in-process (the AVX2 build) against the output of
   the scalar build of kernel_dump; GEMM and canonical-sum order against plain C emulations of the
   documented order; own math: ulp error against double libm and bitwise lane equality of the
   vector forms; activation kinks; RNG; XXH3 against libxxhash; selfcheck; result strings. */
#define _POSIX_C_SOURCE 200809L
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include "kernel_cases.h"
#include "test_common.h"

#include <float.h>
#include <math.h>
#include <unistd.h>
#include <xxhash.h>

/* ---- SIMD vs scalar, bit for bit --------------------------------------------------------------- */
typedef struct {
    char **names;
    uint64_t *hash;
    size_t n, cap;
} case_list;
static void collect(void *ctx, const char *name, uint64_t hash) {
    case_list *l = (case_list *)ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->names = (char **)realloc(l->names, l->cap * sizeof *l->names);
        l->hash = (uint64_t *)realloc(l->hash, l->cap * sizeof *l->hash);
        cr_assert(l->names && l->hash, "out of memory");
    }
    l->names[l->n] = strdup(name);
    l->hash[l->n] = hash;
    l->n++;
}

Test(simd, all_kernel_cases_match_scalar_build, .timeout = 120) {
    const char *path = getenv("RNNTS_SCALAR_DUMP");
    char line[512], header[512] = "";
    case_list mine = {0}, ref = {0};
    FILE *p;
    size_t mismatches = 0, missing = 0;
    if (!path || !*path) path = "build/kernel_dump_scalar";
    if (access(path, X_OK) != 0)
        cr_assert_fail("scalar reference dump program '%s' not found or not executable (build it with tests/build_units.sh, "
                 "or point RNNTS_SCALAR_DUMP at it); the SIMD-vs-scalar comparison cannot run",
                 path);
    p = popen(path, "r");
    cr_assert(p != NULL, "popen(%s) failed", path);
    while (fgets(line, sizeof line, p)) {
        char name[400];
        unsigned long long h;
        if (line[0] == '#') {
            snprintf(header, sizeof header, "%s", line);
            header[strcspn(header, "\n")] = 0;
            continue;
        }
        if (sscanf(line, "%399s %llx", name, &h) != 2) cr_assert_fail("unparsable line from %s: %s", path, line);
        collect(&ref, name, (uint64_t)h);
    }
    cr_assert_eq(pclose(p), 0, "%s exited with an error", path);
    cr_assert(strstr(header, " SCALAR ") != NULL, "%s is not a SCALAR build: its banner is '%s'", path, header);
    cr_log_info("reference: %s in-process: %s", header, rnnts_build_info());
    if (strcmp(rnnts_simd_name(), "SCALAR") == 0)
        cr_log_warn("this binary is itself a SCALAR build (no AVX2 here?): the comparison proves nothing about a SIMD path");

    kc_run_all(collect, &mine);
    cr_assert_gt(mine.n, 500, "only %zu cases", mine.n);
    cr_assert_eq(mine.n, ref.n, "in-process run has %zu cases, %s printed %zu (stale dump binary?)", mine.n, path, ref.n);
    for (size_t i = 0; i < mine.n; i++) {
        size_t j = i < ref.n && strcmp(ref.names[i], mine.names[i]) == 0 ? i : SIZE_MAX;
        if (j == SIZE_MAX)
            for (size_t q = 0; q < ref.n; q++)
                if (strcmp(ref.names[q], mine.names[i]) == 0) { j = q; break; }
        if (j == SIZE_MAX) {
            if (missing++ < 20) cr_log_error("case %s missing from the scalar dump", mine.names[i]);
            continue;
        }
        if (ref.hash[j] != mine.hash[i]) {
            if (mismatches++ < 40)
                cr_log_error("MISMATCH %s: %s %016llx, scalar %016llx", mine.names[i], rnnts_simd_name(),
                             (unsigned long long)mine.hash[i], (unsigned long long)ref.hash[j]);
        }
    }
    for (size_t i = 0; i < mine.n; i++) free(mine.names[i]);
    for (size_t i = 0; i < ref.n; i++) free(ref.names[i]);
    free(mine.names); free(mine.hash); free(ref.names); free(ref.hash);
    cr_assert_eq(missing, 0, "%zu cases missing from the scalar dump", missing);
    cr_assert_eq(mismatches, 0, "%zu of %zu cases differ between %s and SCALAR (names in the log above)", mismatches,
                 mine.n, rnnts_simd_name());
}

/* ---- documented reduction orders ------------------------------------------------------------- */
Test(kernels, gemm_matches_documented_fma_order) {
    static const int Ks[] = {1, 2, 7, 33, 256, 300, 520}, rows[] = {1, 5, 6, 7, 13}, cols[] = {16, 32};
    for (int ki = 0; ki < 7; ki++)
        for (int ri = 0; ri < 5; ri++)
            for (int ci = 0; ci < 2; ci++) {
                int K = Ks[ki], R = rows[ri], N = cols[ci];
                size_t lda = (size_t)K + 2, ldb = (size_t)N + 3, ldc = (size_t)N + 5;
                float *A = (float *)tc_xmalloc((size_t)R * lda * 4), *B = (float *)tc_xmalloc((size_t)K * ldb * 4);
                float *C = (float *)tc_xmalloc((size_t)R * ldc * 4), *E = (float *)tc_xmalloc((size_t)R * ldc * 4);
                kc_fill(A, (size_t)R * lda, 11 + (uint64_t)K, 10);
                kc_fill(B, (size_t)K * ldb, 12 + (uint64_t)N, 10);
                kc_fill(C, (size_t)R * ldc, 13 + (uint64_t)R, 4);
                memcpy(E, C, (size_t)R * ldc * 4);
                for (int r = 0; r < R; r++)
                    for (int n = 0; n < N; n++) {
                        float acc = E[(size_t)r * ldc + n];
                        for (int k = 0; k < K; k++) acc = fmaf(A[(size_t)r * lda + k], B[(size_t)k * ldb + n], acc);
                        E[(size_t)r * ldc + n] = acc;
                    }
                kc_gemm_rows(0, R, K, A, lda, B, ldb, C, ldc, N);
                for (size_t e = 0; e < (size_t)R * ldc; e++)
                    cr_assert_eq(tc_bits(C[e]), tc_bits(E[e]), "gemm K=%d rows=%d cols=%d element %zu: %a, expected %a", K, R,
                                 N, e, (double)C[e], (double)E[e]);
                free(A); free(B); free(C); free(E);
            }
}

/* The blocked state layout (A with blocked k, B and C blocked) gives the documented order too, and
   the tile hooks run once per tile: pre before the first k-chunk, post after the last. */
typedef struct { float *C; int R; } tc_hook_ctx;
static void tc_pre(void *vc, int i, int mr, int n) {
    tc_hook_ctx *h = (tc_hook_ctx *)vc;
    for (int r = i; r < i + mr; r++)
        for (int c = n; c < n + 16; c++) h->C[RNNTS__BLK(h->R, r, c)] = 0.25f * (float)(r + 1);
}
static void tc_post(void *vc, int i, int mr, int n) {
    tc_hook_ctx *h = (tc_hook_ctx *)vc;
    for (int r = i; r < i + mr; r++)
        for (int c = n; c < n + 16; c++) h->C[RNNTS__BLK(h->R, r, c)] *= -2.0f;
}
Test(kernels, gemm_blocked_layout_and_hooks) {
    static const int Ks[] = {1, 16, 17, 256, 300, 520}, rows[] = {1, 6, 7, 13}, cols[] = {16, 48};
    for (int ki = 0; ki < 6; ki++)
        for (int ri = 0; ri < 4; ri++)
            for (int ci = 0; ci < 2; ci++) {
                int K = Ks[ki], R = rows[ri], N = cols[ci], Kp = (K + 15) / 16 * 16;
                float *A = (float *)tc_xmalloc((size_t)R * Kp * 4), *B = (float *)tc_xmalloc((size_t)K * N * 4);
                float *Ab = (float *)tc_xmalloc((size_t)R * Kp * 4), *Bb = (float *)tc_xmalloc((size_t)K * N * 4);
                float *C = (float *)tc_xmalloc((size_t)R * N * 4), *Cb = (float *)tc_xmalloc((size_t)R * N * 4);
                float *E = (float *)tc_xmalloc((size_t)R * N * 4);
                rnnts__gemm g;
                tc_hook_ctx h;
                kc_fill(A, (size_t)R * Kp, 21 + (uint64_t)K, 10);
                kc_fill(B, (size_t)K * N, 22 + (uint64_t)N, 10);
                kc_fill(C, (size_t)R * N, 23 + (uint64_t)R, 4);
                kc_to_blocked(A, (size_t)Kp, R, Kp, Ab);
                kc_to_blocked(B, (size_t)N, K, N, Bb);
                kc_to_blocked(C, (size_t)N, R, N, Cb);
                /* without hooks: C += A B */
                kc_gemm_blocked(R, K, Ab, Bb, Cb, N);
                for (int r = 0; r < R; r++)
                    for (int n = 0; n < N; n++) {
                        float acc = C[(size_t)r * N + n];
                        for (int k = 0; k < K; k++) acc = fmaf(A[(size_t)r * Kp + k], B[(size_t)k * N + n], acc);
                        cr_assert_eq(tc_bits(Cb[RNNTS__BLK(R, r, n)]), tc_bits(acc), "blocked gemm K=%d R=%d N=%d (%d,%d): %a, expected %a",
                                     K, R, N, r, n, (double)Cb[RNNTS__BLK(R, r, n)], (double)acc);
                    }
                /* with hooks: C = -2 (0.25 (r+1) + A B), split over two "threads" (panel ranges) */
                memset(&g, 0, sizeof g);
                g.K = K; g.ncols = N;
                rnnts__gemm_a(&g, Ab, 16, (size_t)R * 16);
                rnnts__gemm_b(&g, Bb, 16, (size_t)K * 16);
                rnnts__gemm_c(&g, Cb, 16, (size_t)R * 16);
                h.C = Cb; h.R = R;
                g.pre = tc_pre; g.post = tc_post; g.hook_ctx = &h;
                rnnts__gemm_run(&g, 0, 1, R);
                rnnts__gemm_run(&g, 1, rnnts__panels(R), R);
                for (int r = 0; r < R; r++)
                    for (int n = 0; n < N; n++) {
                        float acc = 0.25f * (float)(r + 1);
                        for (int k = 0; k < K; k++) acc = fmaf(A[(size_t)r * Kp + k], B[(size_t)k * N + n], acc);
                        E[(size_t)r * N + n] = -2.0f * acc;
                        cr_assert_eq(tc_bits(Cb[RNNTS__BLK(R, r, n)]), tc_bits(E[(size_t)r * N + n]),
                                     "hooked gemm K=%d R=%d N=%d (%d,%d): %a, expected %a", K, R, N, r, n,
                                     (double)Cb[RNNTS__BLK(R, r, n)], (double)E[(size_t)r * N + n]);
                    }
                free(A); free(B); free(Ab); free(Bb); free(C); free(Cb); free(E);
            }
}

Test(kernels, sum_canon_matches_documented_order) {
    static const size_t ns[] = {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4099};
    float *x = (float *)tc_xmalloc(4099 * 4);
    for (int k = 0; k < 13; k++)
        for (int v = 0; v < 4; v++) {
            float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0}, want, got;
            kc_fill(x, ns[k], 70 + (uint64_t)v, v * 9);
            for (size_t i = 0; i < ns[k]; i++) lane[i % 8] = lane[i % 8] + x[i];
            want = ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
            got = rnnts_sum_canon(x, ns[k]);
            cr_assert_eq(tc_bits(got), tc_bits(want), "sum_canon n=%zu variant %d: %a, documented order gives %a", ns[k], v,
                         (double)got, (double)want);
        }
    free(x);
}

/* ---- own math: ulp error against double libm ------------------------------------------------- */
static double ref_math(int f, double x) {
    switch (f) {
    case KC_EXP: return exp(x);
    case KC_LOG: return log(x);
    case KC_TANH: return tanh(x);
    case KC_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case KC_SIN: return sin(x);
    default: return cos(x);
    }
}
/* |got - ref| in units of the float ulp at ref (2^-149 in the subnormal range). */
static double ulp_err(float got, double ref) {
    int e;
    double ulp;
    if (isnan(ref)) return isnan(got) ? 0.0 : INFINITY;
    if (isnan(got)) return INFINITY;
    if (ref == 0.0) ulp = ldexp(1.0, -149);
    else {
        frexp(ref, &e);
        ulp = ldexp(1.0, e - 24 < -149 ? -149 : e - 24);
    }
    if (isinf(got)) return isinf(ref) && (got > 0) == (ref > 0) ? 0.0 : INFINITY;
    return fabs((double)got - ref) / ulp;
}
typedef struct {
    double max;
    float at;
    long n, bad;
} ulp_stat;
static void ulp_point(int f, float x, ulp_stat *s) {
    double e = ulp_err(kc_math_scalar(f, x), ref_math(f, (double)x));
    s->n++;
    if (!(e <= 2.0)) s->bad++;
    if (!(e <= s->max)) { s->max = e; s->at = x; }
}
/* Every stride-th float in [lo, hi] (both signs, by bit pattern) plus a linear grid over [glo, ghi]. */
static ulp_stat ulp_sweep(int f, float lo, float hi, float glo, float ghi) {
    ulp_stat s = {0.0, 0.0f, 0, 0};
    float top = fabsf(lo) > fabsf(hi) ? fabsf(lo) : fabsf(hi);
    uint32_t utop = tc_bits(top);
    for (uint32_t u = 0; u <= utop; u += 509) {
        float x = kc_bits(u);
        if (x >= lo && x <= hi) ulp_point(f, x, &s);
        if (-x >= lo && -x <= hi && u) ulp_point(f, -x, &s);
    }
    for (int i = 0; i <= (1 << 20); i++) ulp_point(f, glo + (ghi - glo) * (float)((double)i / (1 << 20)), &s);
    ulp_point(f, lo, &s);
    ulp_point(f, hi, &s);
    return s;
}
static void ulp_check(int f, float lo, float hi, float glo, float ghi) {
    ulp_stat s = ulp_sweep(f, lo, hi, glo, ghi);
    fprintf(stderr, "[ulp] %-7s on [%g, %g]: max %.3g ulp at x = %a (%.9g), %ld of %ld points above 2 ulp\n",
            kc_math_names[f], (double)lo, (double)hi, s.max, (double)s.at, (double)s.at, s.bad, s.n);
    cr_assert(s.max <= 2.0, "rnnts_%sf: max error %.3g ulp at x = %a (%.9g) > 2 ulp (%ld of %ld points above 2 ulp)",
              kc_math_names[f], s.max, (double)s.at, (double)s.at, s.bad, s.n);
}
/* Domains: where the result is a normal float (exp, sigmoid), all positive floats (log, subnormals
   included), all finite floats (tanh), [-2pi, 2pi] (sin, cos: Box-Muller uses [0, 2pi)). */
Test(math, ulp_expf, .timeout = 60) { ulp_check(KC_EXP, -87.3f, 88.72f, -87.3f, 88.72f); }
Test(math, ulp_logf, .timeout = 60) { ulp_check(KC_LOG, 0x1p-149f, FLT_MAX, 1e-3f, 1e3f); }
Test(math, ulp_tanhf, .timeout = 60) { ulp_check(KC_TANH, -FLT_MAX, FLT_MAX, -12.0f, 12.0f); }
Test(math, ulp_sigmoidf, .timeout = 60) { ulp_check(KC_SIGMOID, -87.0f, FLT_MAX, -87.0f, 30.0f); }
Test(math, ulp_sinf, .timeout = 60) { ulp_check(KC_SIN, -6.28318548f, 6.28318548f, -6.28318548f, 6.28318548f); }
Test(math, ulp_cosf, .timeout = 60) { ulp_check(KC_COS, -6.28318548f, 6.28318548f, -6.28318548f, 6.28318548f); }

Test(math, exact_points_and_symmetry) {
    cr_expect_eq(rnnts_expf(0.0f), 1.0f, "exp(0) = %a", (double)rnnts_expf(0.0f));
    cr_expect_eq(rnnts_logf(1.0f), 0.0f, "log(1) = %a", (double)rnnts_logf(1.0f));
    cr_expect_eq(rnnts_tanhf(0.0f), 0.0f, "tanh(0) = %a", (double)rnnts_tanhf(0.0f));
    cr_expect_eq(rnnts_sigmoidf(0.0f), 0.5f, "sigmoid(0) = %a", (double)rnnts_sigmoidf(0.0f));
    cr_expect_eq(rnnts_sinf(0.0f), 0.0f, "sin(0) = %a", (double)rnnts_sinf(0.0f));
    cr_expect_eq(rnnts_cosf(0.0f), 1.0f, "cos(0) = %a", (double)rnnts_cosf(0.0f));
    for (int i = 1; i < 4000; i++) {
        float x = (float)i * 0.00731f;
        cr_assert_eq(tc_bits(rnnts_tanhf(-x)), tc_bits(-rnnts_tanhf(x)), "tanh not odd at %a", (double)x);
        cr_assert_eq(tc_bits(rnnts_cosf(-x)), tc_bits(rnnts_cosf(x)), "cos not even at %a", (double)x);
    }
}

Test(math, vector_forms_equal_scalar_lane_by_lane, .timeout = 60) {
    size_t n;
    float *x = kc_math_inputs(&n);
    for (int f = 0; f < KC_NMATH; f++)
        for (size_t i = 0; i + RNNTS__VN <= n; i += RNNTS__VN) {
            float r[16];
            rnnts__vn_store(r, kc_math_vec(f, rnnts__vn_load(x + i)));
            for (int l = 0; l < RNNTS__VN; l++) {
                float s = kc_math_scalar(f, x[i + l]);
                if (isnan(s) && isnan(r[l])) continue;
                cr_assert_eq(tc_bits(r[l]), tc_bits(s), "rnnts__%s_v lane %d at x = %a gives %a, rnnts_%sf gives %a",
                             kc_math_names[f], l, (double)x[i + l], (double)r[l], kc_math_names[f], (double)s);
            }
        }
    free(x);
}

/* ---- activations: the kink at 0 and -0 (PyTorch conventions) --------------------------------- */
/* on native vectors (8 or 16 lanes), one lane read back */
static float act1(int k, float x) {
    float t[16];
    rnnts__vn_store(t, rnnts__act((rnnts_activation)k, rnnts__vn_set1(x)));
    return t[3];
}
static float dact1(int k, float x) {
    float t[16];
    rnnts__vn v = rnnts__vn_set1(x);
    rnnts__vn_store(t, rnnts__dact((rnnts_activation)k, v, rnnts__act((rnnts_activation)k, v)));
    return t[RNNTS__VN - 1];
}
Test(activation, kinks_and_values) {
    /* leaky ReLU: phi(x) = x > 0 ? x : 0.01x; phi'(0) = phi'(-0) = 0.01 (torch: self > 0 ? 1 : slope) */
    cr_assert_eq(tc_bits(act1(RNNTS_ACT_LEAKYRELU, 0.0f)), tc_bits(0.0f));
    cr_assert_eq(tc_bits(act1(RNNTS_ACT_LEAKYRELU, -0.0f)), tc_bits(-0.0f));
    cr_assert_eq(dact1(RNNTS_ACT_LEAKYRELU, 0.0f), 0.01f);
    cr_assert_eq(dact1(RNNTS_ACT_LEAKYRELU, -0.0f), 0.01f);
    cr_assert_eq(dact1(RNNTS_ACT_LEAKYRELU, 0x1p-149f), 1.0f);
    cr_assert_eq(dact1(RNNTS_ACT_LEAKYRELU, -0x1p-149f), 0.01f);
    cr_assert_eq(act1(RNNTS_ACT_LEAKYRELU, -3.0f), -3.0f * 0.01f);
    cr_assert_eq(act1(RNNTS_ACT_LEAKYRELU, 2.5f), 2.5f);
    /* ReLU: phi'(0) = 0 */
    cr_assert_eq(tc_bits(act1(RNNTS_ACT_RELU, -0.0f)), tc_bits(0.0f), "relu(-0) should be +0 (x > 0 ? x : 0)");
    cr_assert_eq(dact1(RNNTS_ACT_RELU, 0.0f), 0.0f);
    cr_assert_eq(dact1(RNNTS_ACT_RELU, -0.0f), 0.0f);
    cr_assert_eq(dact1(RNNTS_ACT_RELU, 0x1p-149f), 1.0f);
    cr_assert_eq(act1(RNNTS_ACT_RELU, -5.0f), 0.0f);
    /* tanh, sigmoid at 0: derivative from the output */
    cr_assert_eq(dact1(RNNTS_ACT_TANH, 0.0f), 1.0f);
    cr_assert_eq(dact1(RNNTS_ACT_SIGMOID, 0.0f), 0.25f, "sigmoid'(0) = %a", (double)dact1(RNNTS_ACT_SIGMOID, 0.0f));
    for (int i = -400; i <= 400; i++) {
        float x = (float)i / 37.0f;
        double t = tanh((double)x), s = 1.0 / (1.0 + exp(-(double)x));
        cr_assert(fabs(act1(RNNTS_ACT_TANH, x) - t) <= 1e-6, "tanh(%g)", (double)x);
        cr_assert(fabs(act1(RNNTS_ACT_SIGMOID, x) - s) <= 1e-6, "sigmoid(%g)", (double)x);
        cr_assert(fabs(dact1(RNNTS_ACT_TANH, x) - (1 - t * t)) <= 2e-6, "tanh'(%g)", (double)x);
        cr_assert(fabs(dact1(RNNTS_ACT_SIGMOID, x) - s * (1 - s)) <= 2e-6, "sigmoid'(%g)", (double)x);
    }
}

/* ---- RNG -------------------------------------------------------------------------------------- */
Test(rng, draws_are_pure_functions) {
    enum { N = 20000 };
    uint64_t *u = (uint64_t *)tc_xmalloc(N * 8);
    float *f = (float *)tc_xmalloc(N * 4), *z = (float *)tc_xmalloc(N * 4);
    uint64_t key = rnnts_rng_key(123, RNNTS_PURPOSE_DATA, 4, 5);
    cr_assert_eq(key, rnnts_rng_key(123, RNNTS_PURPOSE_DATA, 4, 5));
    for (int i = 0; i < N; i++) { u[i] = rnnts_rng_u64(key, (uint64_t)i); f[i] = rnnts_rng_uniform(key, (uint64_t)i); z[i] = rnnts_rng_normal(key, (uint64_t)i); }
    /* any order: a permutation, interleaved with draws from other streams */
    for (int q = 0; q < N; q++) {
        int i = (int)(((uint64_t)q * 7919u) % N);
        (void)rnnts_rng_u64(rnnts_rng_key(9, 9, 9, 9), (uint64_t)q);
        cr_assert_eq(rnnts_rng_u64(key, (uint64_t)i), u[i], "draw %d changed when drawn out of order", i);
        cr_assert_eq(tc_bits(rnnts_rng_uniform(key, (uint64_t)i)), tc_bits(f[i]));
        cr_assert_eq(tc_bits(rnnts_rng_normal(key, (uint64_t)i)), tc_bits(z[i]));
        cr_assert_eq(rnnts_rng_u64(key, (uint64_t)i) >> 40, (uint64_t)(f[i] * 0x1p24f), "uniform is not (u >> 40) * 2^-24");
    }
    /* streams differ by every key component */
    cr_assert_neq(rnnts_rng_key(1, 1, 0, 0), rnnts_rng_key(2, 1, 0, 0));
    cr_assert_neq(rnnts_rng_key(1, 1, 0, 0), rnnts_rng_key(1, 2, 0, 0));
    cr_assert_neq(rnnts_rng_key(1, 1, 0, 0), rnnts_rng_key(1, 1, 1, 0));
    cr_assert_neq(rnnts_rng_key(1, 1, 0, 0), rnnts_rng_key(1, 1, 0, 1));
    cr_assert_neq(rnnts_rng_u64(key, 0), rnnts_rng_u64(key, 1));
    free(u); free(f); free(z);
}

Test(rng, uniform_in_unit_interval_and_flat) {
    enum { N = 1000000, BINS = 16 };
    long hist[BINS] = {0};
    double sum = 0.0, chi2 = 0.0;
    float lo = 1.0f, hi = 0.0f;
    uint64_t key = rnnts_rng_key(7, RNNTS_PURPOSE_TEST, 0, 0);
    for (int i = 0; i < N; i++) {
        float u = rnnts_rng_uniform(key, (uint64_t)i);
        cr_assert(u >= 0.0f && u < 1.0f, "draw %d = %a outside [0,1)", i, (double)u);
        cr_assert_eq(u * 0x1p24f, floorf(u * 0x1p24f), "draw %d = %a is not a multiple of 2^-24", i, (double)u);
        if (u < lo) lo = u;
        if (u > hi) hi = u;
        sum += u;
        hist[(int)(u * BINS)]++;
    }
    for (int b = 0; b < BINS; b++) chi2 += ((double)hist[b] - N / BINS) * ((double)hist[b] - N / BINS) / (N / BINS);
    cr_assert(fabs(sum / N - 0.5) < 2e-3, "mean of 1e6 uniforms = %g", sum / N);
    cr_assert(chi2 < 45.0, "chi-square over %d bins = %g (df 15; 45 is p ~ 1e-4)", BINS, chi2);
    cr_assert(lo < 1e-5f && hi > 1.0f - 1e-5f, "range [%g, %g] of 1e6 draws", (double)lo, (double)hi);
}

Test(rng, normal_mean_zero_var_one) {
    enum { N = 100000 };
    double s = 0, s2 = 0, within1 = 0;
    uint64_t key = rnnts_rng_key(99, RNNTS_PURPOSE_ANALYSIS, 1, 0);
    for (int i = 0; i < N; i++) {
        double z = rnnts_rng_normal(key, (uint64_t)i);
        cr_assert(isfinite(z), "normal draw %d is not finite", i);
        s += z;
        s2 += z * z;
        within1 += fabs(z) < 1.0;
    }
    double mean = s / N, var = s2 / N - mean * mean;
    fprintf(stderr, "[rng] normal over 1e5 draws: mean %.5f var %.5f P(|z|<1) %.5f\n", mean, var, within1 / N);
    cr_assert(fabs(mean) < 0.015, "mean of 1e5 normals = %g (standard error 0.003)", mean);
    cr_assert(fabs(var - 1.0) < 0.025, "variance of 1e5 normals = %g (standard error 0.0045)", var);
    cr_assert(fabs(within1 / N - 0.682689) < 0.01, "P(|z| < 1) = %g, expected 0.6827", within1 / N);
}

/* ---- XXH3 against libxxhash -------------------------------------------------------------------- */
Test(io, xxh3_matches_libxxhash) {
    enum { N = 70000 };
    unsigned char *d = (unsigned char *)tc_xmalloc(N + 8);
    uint64_t key = rnnts_rng_key(5, RNNTS_PURPOSE_TEST, 0, 0);
    for (int i = 0; i < N + 8; i++) d[i] = (unsigned char)(rnnts_rng_u64(key, (uint64_t)i) >> 33);
    for (size_t len = 0; len <= 4100; len++)
        for (size_t off = 0; off < 2; off++)
            cr_assert_eq(rnnts_xxh3_64(d + off, len), (uint64_t)XXH3_64bits(d + off, len), "length %zu offset %zu", len, off);
    for (size_t len = 4101; len <= N; len += 997)
        cr_assert_eq(rnnts_xxh3_64(d + 3, len), (uint64_t)XXH3_64bits(d + 3, len), "length %zu", len);
    cr_assert_eq(rnnts_xxh3_64(d, N), (uint64_t)XXH3_64bits(d, N));
    free(d);
}

/* ---- environment, strings ---------------------------------------------------------------------- */
Test(misc, selfcheck_ok_in_this_build) {
    char msg[200] = "";
    rnnts_result r = rnnts_selfcheck(msg, sizeof msg);
    cr_assert_eq(r, RNNTS_OK, "selfcheck: %s", msg);
    cr_assert(strstr(msg, "contraction off") != NULL, "message: %s", msg);
    cr_assert_eq(rnnts_selfcheck(NULL, 0), RNNTS_OK);
}

Test(misc, result_string_for_every_code) {
    static const struct { rnnts_result r; const char *msg; } codes[] = {
#define X(name, val, msg) {name, msg},
        RNNTS__RESULTS(X)
#undef X
    };
    size_t n = sizeof codes / sizeof codes[0];
    cr_assert_eq(n, 17, "expected 17 result codes, the list has %zu", n);
    for (size_t i = 0; i < n; i++) {
        const char *s = rnnts_result_string(codes[i].r);
        cr_assert(s && *s, "empty string for code %d", (int)codes[i].r);
        cr_assert_str_eq(s, codes[i].msg);
        cr_assert_eq((int)codes[i].r, -(int)i, "codes are 0, -1, -2, ...");
        for (size_t j = 0; j < i; j++) cr_assert_str_neq(s, rnnts_result_string(codes[j].r), "codes %zu and %zu share a message", i, j);
    }
    cr_assert_str_eq(rnnts_result_string((rnnts_result)-17), "unknown result code");
    cr_assert_str_eq(rnnts_result_string((rnnts_result)1), "unknown result code");
    cr_assert_str_eq(rnnts_result_string((rnnts_result)-1000), "unknown result code");
}

/* The pool spins only when each thread can have a core (rnnts__pool_spin_iters); the count of
   online CPUs is the system's own; rnnts_pool_set_spin overrides it. */
Test(misc, pool_spins_only_when_threads_fit_the_cpus) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    rnnts_pool *fit = NULL, *over = NULL;
    cr_assert_eq(rnnts__online_cpus(), (int)online);
    cr_assert_eq(rnnts__pool_spin_iters(2, 2), RNNTS_SPIN_ITERS);
    cr_assert_eq(rnnts__pool_spin_iters(1, 1), RNNTS_SPIN_ITERS);
    cr_assert_eq(rnnts__pool_spin_iters(3, 2), 0);
    cr_assert_eq(rnnts__pool_spin_iters(64, 0), RNNTS_SPIN_ITERS, "unknown CPU count: spin");
    cr_assert_eq(rnnts_pool_create((int)online, NULL, &fit, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_pool_create((int)online + 1, NULL, &over, NULL), RNNTS_OK);
    cr_assert_eq(fit->spin, RNNTS_SPIN_ITERS);
    cr_assert_eq(over->spin, 0);
    cr_assert_eq(rnnts_pool_set_spin(fit, 0), RNNTS_SPIN_ITERS, "returns the previous value");
    cr_assert_eq(rnnts_pool_set_spin(fit, -5), 0);
    cr_assert_eq(fit->spin, 0, "negative is read as 0");
    cr_assert_eq(rnnts_pool_set_spin(over, 123), 0);
    cr_assert_eq(over->spin, 123);
    cr_assert_eq(rnnts_pool_set_spin(NULL, 7), 0);
    rnnts_pool_destroy(fit);
    rnnts_pool_destroy(over);
}

Test(misc, build_info_names_version_and_path) {
    const char *b = rnnts_build_info();
    cr_assert(strstr(b, RNNTS_VERSION_STRING) != NULL, "%s", b);
    cr_assert(strstr(b, rnnts_simd_name()) != NULL, "%s", b);
    cr_assert(strncmp(b, "rnnts ", 6) == 0, "%s", b);
}

/* The chunked simulation of tau_net / dimensionality (chunks of RNNTS__TN_CHUNK steps, each
   starting from the previous chunk's final h and, for an LSTM, c) gives the same states as one
   pass over all steps, for every model kind. */
typedef struct { float *x; int H, trials; } tu_rec;
static void tu_rec_sink(void *vc, int m, const float *h, int H, int Bp) {
    tu_rec *r = (tu_rec *)vc;
    (void)Bp;
    for (int b = 0; b < r->trials; b++)
        for (int i = 0; i < H; i++) r->x[((size_t)m * r->trials + b) * H + i] = h[RNNTS__BLK(H, i, b)];
}
Test(misc, chunked_simulation_equals_one_pass) {
    for (int model = 0; model < 3; model++) {
        rnnts_rnn_config cfg = rnnts_rnn_config_default();
        rnnts_taunet_config c = rnnts_taunet_config_default();
        rnnts_rnn *net;
        rnnts_rnn_ws *ws1, *ws2;
        rnnts_batch bt;
        rnnts_error e;
        int H = 12, T = 2300, R = 3;
        float *in1 = (float *)tc_xmalloc((size_t)RNNTS__TN_CHUNK * R * sizeof(float)), *in2 = (float *)tc_xmalloc((size_t)T * R * sizeof(float));
        float *last = (float *)tc_xmalloc((size_t)2 * R * H * sizeof(float));
        tu_rec r1 = {(float *)tc_xmalloc((size_t)T * R * H * sizeof(float)), H, R}, r2 = {(float *)tc_xmalloc((size_t)T * R * H * sizeof(float)), H, R};
        cfg.hidden = H; cfg.heads = 1; cfg.model = (rnnts_model)model;
        c.steps = T; c.trials = R; c.seed = 4;
        cr_assert_eq(rnnts_rnn_create(&cfg, 3, NULL, &net, &e), RNNTS_OK, "%s", e.msg);
        cr_assert_eq(rnnts_rnn_ws_create(net, R, RNNTS__TN_CHUNK, NULL, &ws1, &e), RNNTS_OK);
        cr_assert_eq(rnnts_rnn_ws_create(net, R, T, NULL, &ws2, &e), RNNTS_OK);
        cr_assert_eq(rnnts__tn_simulate(net, &c, ws1, NULL, in1, last, tu_rec_sink, &r1, &e), RNNTS_OK, "%s", e.msg);
        rnnts__tn_bits(&c, 0, T, in2);
        memset(&bt, 0, sizeof bt);
        bt.batch = R; bt.len = T; bt.input = in2; bt.h0_seed = c.seed; bt.h0_draw = RNNTS_TAUNET_H0_DRAW;
        cr_assert_eq(rnnts__simulate(ws2, net, &bt, NULL, tu_rec_sink, &r2, &e), RNNTS_OK, "%s", e.msg);
        cr_assert_eq(memcmp(r1.x, r2.x, (size_t)T * R * H * sizeof(float)), 0, "model %s: chunked states differ from one pass",
                     rnnts_model_name((rnnts_model)model));
        rnnts_rnn_ws_destroy(ws1);
        rnnts_rnn_ws_destroy(ws2);
        rnnts_rnn_destroy(net);
        free(in1); free(in2); free(last); free(r1.x); free(r2.x);
    }
}
