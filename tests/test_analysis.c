/* test_analysis.c — the numerical building blocks of the analyses (>>analysis), public API only:
   rnnts_autocorr against a direct O(n^2) double computation of the same formula, its documented
   exact properties (prefix, series independence, power-of-two scaling, constant series); recovery
   of the time constants of synthetic AR(1) processes through autocorr + rnnts_fit_ac; the fitter
   on exact curves and at its bounds; rnnts_eig_sym and rnnts_pca on spectra known exactly; every
   error path. Bit-identity across SCALAR/AVX2/NEON is checked by the "analysis/..." cases of
   kernel_cases.h (test_unit's all_kernel_cases_match_scalar_build and make test-arm). */
#include "test_common.h"

#include <math.h>

/* ---- autocorrelation ------------------------------------------------------------------------ */
/* Test data: series s = offset_s + scale_s * N(0,1) (offset 3 s, scale 1 + s). */
static float *ac_data(size_t n, int S, uint64_t seed) {
    float *x = (float *)tc_xmalloc(n * (size_t)S * sizeof(float));
    uint64_t key = rnnts_rng_key(seed, RNNTS_PURPOSE_USER, n, 31);
    for (int s = 0; s < S; s++)
        for (size_t t = 0; t < n; t++)
            x[(size_t)s * n + t] = 3.0f * (float)s + (float)(1 + s) * rnnts_rng_normal(key, (uint64_t)s * n + t);
    return x;
}
/* Direct: raw c_k = sum_t (x_t - m)(x_{t+k} - m) in double, m the double mean. */
static void ac_direct(const float *x, size_t n, int max_lag, double *c) {
    double m = 0.0;
    for (size_t t = 0; t < n; t++) m += (double)x[t];
    m /= (double)n;
    for (int k = 0; k < max_lag; k++) {
        double s = 0.0;
        for (size_t t = 0; t + (size_t)k < n; t++) s += ((double)x[t] - m) * ((double)x[t + (size_t)k] - m);
        c[k] = s;
    }
}

/* Accuracy: the float FFT's error is absolute, about eps * log2(P) * c_0 for every lag (c_k the raw
   sum; ac[k] = c_k / (n-1-k)), so the bound is on |ac[k] (n-1-k) - c_k| <= 1e-5 c_0, i.e. 1e-5 of
   ac[0] at lag 0 (measured: at most 1.7e-7). Relative to ac[k] itself the error grows towards the
   last lags, where the reference divides by 1, 2, ... */
Test(analysis, autocorr_matches_direct_computation, .timeout = 60) {
    static const size_t ns[] = {2, 3, 7, 100, 1000, 2049, 4097, 9000, 20000};
    double worst_all = 0.0;
    for (int q = 0; q < 9; q++) {
        size_t n = ns[q];
        int S = n > 2000 ? 3 : 11, ml = (int)(n > 4097 ? 700 : n - 1);
        float *x = ac_data(n, S, 1), *ac = (float *)tc_xmalloc((size_t)ml * (size_t)S * sizeof(float));
        double *c = (double *)tc_xmalloc((size_t)ml * sizeof(double)), worst = 0.0;
        rnnts_error err;
        cr_assert_eq(rnnts_autocorr(x, n, S, ml, ac, NULL, &err), RNNTS_OK, "n = %zu: %s", n, err.msg);
        for (int s = 0; s < S; s++) {
            ac_direct(x + (size_t)s * n, n, ml, c);
            cr_assert_gt(c[0], 0.0);
            for (int k = 0; k < ml; k++) {
                double e = fabs((double)ac[(size_t)s * (size_t)ml + (size_t)k] * (double)(n - 1 - (size_t)k) - c[k]) / c[0];
                worst = e > worst ? e : worst;
                cr_assert_leq(e, 1e-5, "n = %zu series %d lag %d: ac = %.9g, direct %.9g (c0 %.9g)", n, s, k,
                              (double)ac[(size_t)s * (size_t)ml + (size_t)k], c[k] / (double)(n - 1 - (size_t)k), c[0]);
            }
        }
        worst_all = worst > worst_all ? worst : worst_all;
        cr_log_info("autocorr n = %zu, %d series: max |error| / c0 = %.3g", n, S, worst);
        free(x); free(ac); free(c);
    }
    cr_log_info("autocorr: worst error over all n = %.3g of c0 (bound 1e-5)", worst_all);
}

/* Documented exact properties: the result for a series does not depend on max_lag, on the other
   series or on their number; x * 2^k gives exactly ac * 2^(2k); a constant series gives 0. */
Test(analysis, autocorr_exact_properties) {
    size_t n = 4097;
    int S = 13, ml = 300;
    float *x = ac_data(n, S, 2), *ac = (float *)tc_xmalloc((size_t)ml * (size_t)S * sizeof(float));
    float *one = (float *)tc_xmalloc((size_t)ml * sizeof(float)), *x4 = (float *)tc_xmalloc(n * sizeof(float));
    cr_assert_eq(rnnts_autocorr(x, n, S, ml, ac, NULL, NULL), RNNTS_OK);
    for (int s = 0; s < S; s++) { /* each series alone, with a shorter max_lag */
        cr_assert_eq(rnnts_autocorr(x + (size_t)s * n, n, 1, 17, one, NULL, NULL), RNNTS_OK);
        cr_assert(memcmp(one, ac + (size_t)s * (size_t)ml, 17 * sizeof(float)) == 0, "series %d alone differs", s);
    }
    for (size_t t = 0; t < n; t++) x4[t] = x[5 * n + t] * 4.0f;
    cr_assert_eq(rnnts_autocorr(x4, n, 1, ml, one, NULL, NULL), RNNTS_OK);
    for (int k = 0; k < ml; k++)
        cr_assert_eq(tc_bits(one[k]), tc_bits(ac[5 * ml + k] * 16.0f), "scaling by 4 at lag %d: %.9g vs 16 * %.9g", k, (double)one[k],
                     (double)ac[5 * ml + k]);
    for (size_t t = 0; t < n; t++) x4[t] = -7.25f;
    cr_assert_eq(rnnts_autocorr(x4, n, 1, ml, one, NULL, NULL), RNNTS_OK);
    for (int k = 0; k < ml; k++) cr_assert_eq(one[k], 0.0f);
    /* n = 2: one lag, (x0 - m)^2 + (x1 - m)^2 over n-1 = 1 */
    {
        float y[2] = {1.0f, 4.0f}, a;
        cr_assert_eq(rnnts_autocorr(y, 2, 1, 1, &a, NULL, NULL), RNNTS_OK);
        cr_assert_float_eq(a, 4.5f, 1e-6f);
    }
    free(x); free(ac); free(one); free(x4);
}

/* ---- synthetic processes ---------------------------------------------------------------------- */
/* trials AR(1) series of n steps with unit variance, x_t = phi x_{t-1} + sqrt(1 - phi^2) e_t,
   phi = e^(-1/tau), x_0 ~ N(0,1), e from rnnts_rng_normal of (seed, trial); added to x if add. */
static void ar1(float *x, int trials, size_t n, double tau, uint64_t seed, int add) {
    double phi = exp(-1.0 / tau), q = sqrt(1.0 - phi * phi);
    for (int r = 0; r < trials; r++) {
        uint64_t key = rnnts_rng_key(seed, RNNTS_PURPOSE_USER, (uint64_t)r, 7);
        double v = rnnts_rng_normal(key, 0);
        for (size_t t = 0; t < n; t++) {
            if (t) v = phi * v + q * rnnts_rng_normal(key, t);
            x[(size_t)r * n + t] = (add ? x[(size_t)r * n + t] : 0.0f) + (float)v;
        }
    }
}
/* The reference's protocol: AC per trial, averaged over trials, lags 0..30 over AC[0], fitted. */
static rnnts_expfit ac_fit(const float *x, int trials, size_t n) {
    float ac[10 * 31];
    double y[31];
    rnnts_expfit f;
    rnnts_error err;
    cr_assert_eq(rnnts_autocorr(x, n, trials, 31, ac, NULL, &err), RNNTS_OK, "%s", err.msg);
    for (int k = 0; k < 31; k++) {
        double s = 0.0;
        for (int r = 0; r < trials; r++) s += (double)ac[r * 31 + k];
        y[k] = s / trials;
    }
    for (int k = 30; k >= 0; k--) y[k] /= y[0];
    cr_assert_eq(rnnts_fit_ac(y, 31, &f, &err), RNNTS_OK, "%s", err.msg);
    return f;
}
static double fit_curve(const rnnts_expfit *f, int model, double t) {
    if (model == 1) return f->a1 * exp(-t / f->tau1);
    return f->a2 * (f->c2 * exp(-t / f->t1) + (1.0 - f->c2) * exp(-t / f->t2));
}

/* Pure AR(1), tau = 2, 5, 20; 10 trials of 10^5 steps. What is asserted, and why (statistics over
   40 seeds of this very generator, measured when the test was written):
   - the single-exponential tau within 5 % (errors: SD 0.36 / 0.63 / 0.93 %, max 2.25 %);
   - AIC picks the double model for about half of the seeds (18-21 of 40 per tau): a second
     component of small weight, often at the bound 100, fits the sampling noise of the AC estimate,
     which is correlated over lags. tau_net = max(t1, t2) is then that component (up to 100, as the
     reference's protocol would report too), so tau_net is asserted only when selected == 1. When
     selected == 2 the double fit must be the same curve plus a small correction: within 0.01 of
     the single fit at every lag 0..30 (40-seed max 0.0039). This seed selects 1 for tau = 2 and 5
     and 2 (t2 = 100, weight 2 %) for tau = 20, so both branches run. */
Test(analysis, ar1_timescale_recovered, .timeout = 60) {
    static const double taus[3] = {2.0, 5.0, 20.0};
    size_t n = 100000;
    int trials = 10;
    float *x = (float *)tc_xmalloc(n * (size_t)trials * sizeof(float));
    for (int i = 0; i < 3; i++) {
        rnnts_expfit f;
        ar1(x, trials, n, taus[i], 1 + (uint64_t)i, 0);
        f = ac_fit(x, trials, n);
        cr_log_info("AR(1) tau = %g: single tau %.4f (a %.4f, %+.2f %%); double t1 %.4f t2 %.4f c %.4f; AIC %.2f / %.2f; selected %d, tau_net %.4f",
                    taus[i], f.tau1, f.a1, 100.0 * (f.tau1 / taus[i] - 1.0), f.t1, f.t2, f.c2, f.aic1, f.aic2, f.selected, f.tau_net);
        cr_assert(f.ok1 && f.ok2, "tau = %g: fits did not converge", taus[i]);
        cr_assert_lt(fabs(f.tau1 / taus[i] - 1.0), 0.05, "tau = %g: single fit gives %.6g", taus[i], f.tau1);
        cr_assert_gt(f.a1, 0.98);
        cr_assert(f.selected == 1 || f.selected == 2);
        if (f.selected == 1) {
            cr_assert_eq(f.tau_net, f.tau1);
        } else {
            for (int t = 0; t <= 30; t++)
                cr_assert_lt(fabs(fit_curve(&f, 2, t) - fit_curve(&f, 1, t)), 0.01, "tau = %g lag %d: double and single fits differ", taus[i], t);
        }
    }
    free(x);
}

/* Sum of two independent unit-variance AR(1) processes, tau 2 and 20: AC = (e^(-t/2) + e^(-t/20))/2.
   Asserted: selected == 2 (40 of 40 seeds), tau_net within 5 % of 20 (40 seeds: SD 1.6 %, max
   4.3 %), the fast time constant within 10 % of 2 (SD 1.1 %, max 2.5 %) and its weight within 0.03
   of 1/2 (SD 0.004). */
Test(analysis, two_timescales_select_double_exponential, .timeout = 60) {
    size_t n = 100000;
    int trials = 10;
    float *x = (float *)tc_xmalloc(n * (size_t)trials * sizeof(float));
    rnnts_expfit f;
    double fast, wfast;
    ar1(x, trials, n, 2.0, 11, 0);
    ar1(x, trials, n, 20.0, 12, 1);
    f = ac_fit(x, trials, n);
    fast = f.t1 < f.t2 ? f.t1 : f.t2;
    wfast = f.t1 < f.t2 ? f.c2 : 1.0 - f.c2;
    cr_log_info("AR(1) 2 + 20: single tau %.4f; double t1 %.4f t2 %.4f c %.4f a %.4f; AIC %.2f / %.2f; selected %d, tau_net %.4f (%+.2f %%)",
                f.tau1, f.t1, f.t2, f.c2, f.a2, f.aic1, f.aic2, f.selected, f.tau_net, 100.0 * (f.tau_net / 20.0 - 1.0));
    cr_assert_eq(f.selected, 2);
    cr_assert_lt(fabs(f.tau_net / 20.0 - 1.0), 0.05, "tau_net %.6g", f.tau_net);
    cr_assert_eq(f.tau_net, f.t1 > f.t2 ? f.t1 : f.t2);
    cr_assert_lt(fabs(fast / 2.0 - 1.0), 0.10, "fast time constant %.6g", fast);
    cr_assert_lt(fabs(wfast - 0.5), 0.03, "weight of the fast component %.6g", wfast);
    free(x);
}

/* ---- the fitter on exact curves and at its bounds ----------------------------------------------- */
#define REL_EQ(got, want, tol, what) \
    cr_assert_leq(fabs((got) - (want)), (tol) * fabs(want), "%s = %.12g, expected %.12g", what, (double)(got), (double)(want))
Test(analysis, fit_exact_curves) {
    double y[31];
    rnnts_expfit f;
    rnnts_error err;
    /* single exponentials inside the bounds */
    static const double single[3][2] = {{0.8, 7.5}, {1.0, 0.7}, {0.35, 63.0}};
    for (int c = 0; c < 3; c++) {
        for (int t = 0; t < 31; t++) y[t] = single[c][0] * exp(-t / single[c][1]);
        cr_assert_eq(rnnts_fit_ac(y, 31, &f, &err), RNNTS_OK, "%s", err.msg);
        cr_assert(f.ok1);
        REL_EQ(f.a1, single[c][0], 1e-6, "a1");
        REL_EQ(f.tau1, single[c][1], 1e-6, "tau1");
        cr_assert_eq(f.selected, 1, "exact single exponential %d selected %d", c, f.selected);
        cr_assert_eq(f.tau_net, f.tau1);
    }
    /* double exponentials: (a, c, t1, t2); the fit may return the components in either order */
    static const double dbl[3][4] = {{0.9, 0.4, 1.5, 12.0}, {0.6, 0.7, 0.8, 40.0}, {1.0, 0.25, 3.0, 9.0}};
    for (int c = 0; c < 3; c++) {
        double a = dbl[c][0], w = dbl[c][1], t1 = dbl[c][2], t2 = dbl[c][3];
        for (int t = 0; t < 31; t++) y[t] = a * (w * exp(-t / t1) + (1.0 - w) * exp(-t / t2));
        cr_assert_eq(rnnts_fit_ac(y, 31, &f, &err), RNNTS_OK, "%s", err.msg);
        cr_assert(f.ok2);
        if (f.t1 > f.t2) { double s = f.t1; f.t1 = f.t2; f.t2 = s; f.c2 = 1.0 - f.c2; }
        REL_EQ(f.a2, a, 1e-6, "a2");
        REL_EQ(f.c2, w, 1e-6, "c2");
        REL_EQ(f.t1, t1, 1e-6, "t1");
        REL_EQ(f.t2, t2, 1e-6, "t2");
        cr_assert_eq(f.selected, 2);
        REL_EQ(f.tau_net, t2, 1e-6, "tau_net");
        cr_assert_lt(f.rss2, 1e-20);
    }
    /* tau = 300 is outside [0, 100]: the fit ends on the bound */
    for (int t = 0; t < 31; t++) y[t] = exp(-t / 300.0);
    cr_assert_eq(rnnts_fit_ac(y, 31, &f, &err), RNNTS_OK, "%s", err.msg);
    cr_assert(f.ok1);
    cr_assert_eq(f.tau1, 100.0, "tau1 = %.12g", f.tau1);
    cr_assert_eq(f.a1, 1.0, "a1 = %.12g", f.a1);
    cr_assert_leq(f.t1, 100.0);
    cr_assert_leq(f.t2, 100.0);
    cr_assert_eq(f.tau_net, f.selected == 1 ? f.tau1 : (f.t1 > f.t2 ? f.t1 : f.t2));
    /* y = [1, 0, 0, ...]: tau at its lower bound, RSS 0 (the AIC floor keeps it finite) */
    for (int t = 0; t < 31; t++) y[t] = t == 0 ? 1.0 : 0.0;
    cr_assert_eq(rnnts_fit_ac(y, 31, &f, &err), RNNTS_OK, "%s", err.msg);
    cr_assert(f.ok1 && isfinite(f.aic1) && isfinite(f.aic2));
    cr_assert_leq(f.tau1, 1e-3);
    cr_assert_eq(f.selected, 1);
    /* every parameter stays in its box on arbitrary data */
    for (int t = 0; t < 31; t++) y[t] = t * 0.5 - 3.0;
    cr_assert_eq(rnnts_fit_ac(y, 31, &f, &err), RNNTS_OK, "%s", err.msg);
    cr_assert(f.a1 >= 0.0 && f.a1 <= 1.0 && f.tau1 >= 1e-6 && f.tau1 <= 100.0);
    cr_assert(f.a2 >= 0.0 && f.a2 <= 1.0 && f.c2 >= 0.0 && f.c2 <= 1.0 && f.t1 >= 1e-6 && f.t1 <= 100.0 && f.t2 >= 1e-6 && f.t2 <= 100.0);
}

/* ---- eigenvalues and PCA on spectra known exactly ------------------------------------------------ */
/* Tridiagonal Toeplitz (2 on the diagonal, -1 beside it): eigenvalues 2 - 2 cos(k pi / (n+1)). */
Test(analysis, eig_sym_toeplitz_analytic, .timeout = 30) {
    static const int ns[] = {1, 2, 3, 10, 101, 500};
    for (int q = 0; q < 6; q++) {
        int n = ns[q];
        double *A = (double *)tc_xmalloc((size_t)n * (size_t)n * sizeof(double)), *w = (double *)tc_xmalloc((size_t)n * sizeof(double));
        double worst = 0.0;
        rnnts_error err;
        for (int i = 0; i < n; i++) {
            A[(size_t)i * (size_t)n + (size_t)i] = 2.0;
            if (i) A[(size_t)i * (size_t)n + (size_t)i - 1] = -1.0; /* only the lower triangle is read */
            if (i + 1 < n) A[(size_t)i * (size_t)n + (size_t)i + 1] = 12345.0;
        }
        cr_assert_eq(rnnts_eig_sym(A, n, w, &err), RNNTS_OK, "n = %d: %s", n, err.msg);
        for (int k = 1; k <= n; k++) {
            double want = 2.0 - 2.0 * cos(k * 3.14159265358979323846 / (n + 1)), got = w[n - k], e = fabs(got - want) / want;
            worst = e > worst ? e : worst;
            cr_assert_leq(e, 1e-9, "n = %d, eigenvalue %d: %.17g, expected %.17g", n, k, got, want);
        }
        for (int i = 1; i < n; i++) cr_assert_geq(w[i - 1], w[i], "not descending at %d", i);
        cr_log_info("eig_sym Toeplitz n = %d: max relative error %.3g", n, worst);
        free(A); free(w);
    }
}

/* X = A diag(s) Q: A = columns 1..16 of the 64 x 64 Sylvester Hadamard matrix (+-1, zero-mean,
   A^T A = 64 I), Q = (H4 / 2) kron (H4 / 2) (entries +-1/4, orthogonal, dense). Every entry of X
   is exact in float, the means are exactly 0 and the covariance is exactly
   Q^T diag(s^2) Q * 64/63: its eigenvalues are s_k^2 * 64/63. */
static int hadamard(int i, int j) { return __builtin_parity((unsigned)(i & j)) ? -1 : 1; }
Test(analysis, pca_known_spectrum) {
    enum { ROWS = 64, COLS = 16 };
    static const double s[COLS] = {20, 15, 12, 10, 8, 6, 5, 4, 3, 2, 2, 1, 1, 1, 1, 1};
    float X[ROWS * COLS];
    double w[COLS], total = 0.0;
    int nc;
    rnnts_error err;
    for (int t = 0; t < ROWS; t++)
        for (int j = 0; j < COLS; j++) {
            double v = 0.0;
            for (int k = 0; k < COLS; k++) v += hadamard(t, k + 1) * s[k] * 0.25 * hadamard(k, j);
            X[t * COLS + j] = (float)v;
            cr_assert_eq((double)X[t * COLS + j], v);
        }
    for (int k = 0; k < COLS; k++) total += s[k] * s[k];
    cr_assert_eq(rnnts_pca(X, ROWS, COLS, 0.9, w, &nc, NULL, &err), RNNTS_OK, "%s", err.msg);
    for (int k = 0; k < COLS; k++) {
        double want = s[k] * s[k] * 64.0 / 63.0;
        cr_assert_leq(fabs(w[k] - want), 1e-9 * want, "eigenvalue %d: %.17g, expected %.17g", k, w[k], want);
    }
    cr_assert_eq(nc, 5); /* cumulative 400, 625, 769, 869, 933 of 1032: first >= 928.8 */
    cr_assert_eq(rnnts_pca(X, ROWS, COLS, 0.5, w, &nc, NULL, NULL), RNNTS_OK);
    cr_assert_eq(nc, 2);
    cr_assert_eq(rnnts_pca(X, ROWS, COLS, 0.99, w, &nc, NULL, NULL), RNNTS_OK);
    cr_assert_eq(nc, 10); /* 1019 < 1021.68 <= 1023 */
    cr_assert_eq(rnnts_pca(X, ROWS, COLS, 1e-9, w, NULL, NULL, NULL), RNNTS_OK); /* n_components may be NULL */
    (void)total;
    /* constant data: all eigenvalues 0, no component needed */
    for (int i = 0; i < ROWS * COLS; i++) X[i] = 3.0f;
    cr_assert_eq(rnnts_pca(X, ROWS, COLS, 0.9, w, &nc, NULL, NULL), RNNTS_OK);
    cr_assert_eq(nc, 0);
    for (int k = 0; k < COLS; k++) cr_assert_eq(w[k], 0.0);
}

/* ---- error paths --------------------------------------------------------------------------------- */
Test(analysis, errors_autocorr) {
    float x[64] = {0}, ac[64];
    for (int i = 0; i < 64; i++) x[i] = (float)(i % 5);
    EXPECT_ERR(rnnts_autocorr(NULL, 16, 1, 3, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "x is NULL");
    EXPECT_ERR(rnnts_autocorr(x, 16, 1, 3, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "ac is NULL");
    EXPECT_ERR(rnnts_autocorr(x, 16, 0, 3, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "n_series");
    EXPECT_ERR(rnnts_autocorr(x, 16, -2, 3, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "n_series");
    EXPECT_ERR(rnnts_autocorr(x, 1, 1, 1, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "n = 1");
    EXPECT_ERR(rnnts_autocorr(x, 0, 1, 1, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "n = 0");
    EXPECT_ERR(rnnts_autocorr(x, 16, 1, 0, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "max_lag");
    EXPECT_ERR(rnnts_autocorr(x, 16, 1, -1, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "max_lag");
    EXPECT_ERR(rnnts_autocorr(x, 16, 1, 16, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "max_lag");
    EXPECT_ERR(rnnts_autocorr(x, (size_t)1 << 29, 1, 3, ac, NULL, &err_), RNNTS_ERR_INVALID_ARG, "n =");
    cr_assert_eq(rnnts_autocorr(x, 16, 4, 15, ac, NULL, NULL), RNNTS_OK); /* max_lag = n-1 is allowed */
    x[2 * 16 + 7] = NAN;
    EXPECT_ERR(rnnts_autocorr(x, 16, 4, 3, ac, NULL, &err_), RNNTS_ERR_NONFINITE, "x[series 2][7]");
    x[2 * 16 + 7] = 0.0f;
    x[3 * 16 + 15] = -INFINITY;
    EXPECT_ERR(rnnts_autocorr(x, 16, 4, 3, ac, NULL, &err_), RNNTS_ERR_NONFINITE, "x[series 3][15]");
    x[3 * 16 + 15] = 0.0f;
    /* allocation failure at each allocation: OOM, nothing leaked; the counting allocator succeeds */
    for (long k = 0;; k++) {
        tc_failalloc fa;
        rnnts_allocator a = tc_fa_make(&fa, k);
        rnnts_result r = rnnts_autocorr(x, 16, 4, 3, ac, &a, NULL);
        cr_assert_eq(fa.live, 0, "fail at %ld: %ld blocks leaked", k, fa.live);
        if (r == RNNTS_OK) { cr_assert_geq(k, 2); break; }
        cr_assert_eq(r, RNNTS_ERR_OOM);
        EXPECT_ERR((a = tc_fa_make(&fa, k), rnnts_autocorr(x, 16, 4, 3, ac, &a, &err_)), RNNTS_ERR_OOM, "out of memory");
    }
}

/* The reference's fit (SciPy's trust-region reflective method from the midpoints of the bounds):
   a single exponential with a small deterministic ripple is fitted as single, tau within 1 %; a
   clear two-timescale curve leaves the symmetric start (t1 = t2 = 50, c = 0.5) and is fitted as
   double with the slow timescale within 2 %; a flat curve (tau far beyond the bound) ends at the
   bound 100; the work stays well inside the 2000-evaluation budget; and the method's own errors. */
Test(analysis, reference_fit) {
    double y[65];
    rnnts_expfit f;
    rnnts_error err_;
    for (int t = 0; t < 31; t++) y[t] = 0.92 * exp(-t / 3.0) + 2e-4 * sin(1.7 * t);
    cr_assert_eq(rnnts_fit_ac_method(y, 31, RNNTS_FIT_REFERENCE, &f, &err_), RNNTS_OK, "%s", err_.msg);
    cr_assert(f.ok1 && f.selected == 1 && fabs(f.tau1 / 3.0 - 1.0) < 0.01 && fabs(f.a1 - 0.92) < 0.01, "single: sel %d tau %g a %g", f.selected, f.tau1, f.a1);
    cr_assert(f.iters1 > 2 && f.iters1 < 200 && f.iters2 < 2000, "evaluations %d, %d", f.iters1, f.iters2);
    cr_assert(fabs(f.aic1 - (4.0 + 31.0 * log(f.rss1))) < 1e-9 * fabs(f.aic1), "AIC = 2k + n ln RSS");
    for (int t = 0; t < 31; t++) y[t] = 0.55 * exp(-t / 1.0) + 0.45 * exp(-t / 12.0) + 2e-4 * sin(1.7 * t);
    cr_assert_eq(rnnts_fit_ac_method(y, 31, RNNTS_FIT_REFERENCE, &f, &err_), RNNTS_OK, "%s", err_.msg);
    cr_assert(f.ok2 && f.selected == 2 && fabs(f.tau_net / 12.0 - 1.0) < 0.02 && fabs(f.t1 - f.t2) > 5.0, "double: sel %d t1 %g t2 %g c %g",
              f.selected, f.t1, f.t2, f.c2);
    for (int t = 0; t < 31; t++) y[t] = 1.0 - 1e-4 * t;
    cr_assert_eq(rnnts_fit_ac_method(y, 31, RNNTS_FIT_REFERENCE, &f, &err_), RNNTS_OK, "%s", err_.msg);
    cr_assert(f.ok1 && f.tau1 > 99.0 && f.tau1 <= 100.0, "flat: tau %g (bound 100)", f.tau1);
    cr_assert_eq(rnnts_fit_ac_method(y, 31, RNNTS_FIT_BEST, &f, &err_), RNNTS_OK, "%s", err_.msg);
    EXPECT_ERR(rnnts_fit_ac_method(y, 31, (rnnts_fit_method)7, &f, &err_), RNNTS_ERR_INVALID_ARG, "method = 7");
    for (int t = 31; t < 65; t++) y[t] = 0.0;
    EXPECT_ERR(rnnts_fit_ac_method(y, 65, RNNTS_FIT_REFERENCE, &f, &err_), RNNTS_ERR_INVALID_ARG, "n = 65");
    EXPECT_ERR(rnnts_fit_ac_method(NULL, 31, RNNTS_FIT_REFERENCE, &f, &err_), RNNTS_ERR_INVALID_ARG, "y is NULL");
    y[3] = NAN;
    EXPECT_ERR(rnnts_fit_ac_method(y, 31, RNNTS_FIT_REFERENCE, &f, &err_), RNNTS_ERR_NONFINITE, "y[3]");
}

Test(analysis, errors_fit_eig_pca) {
    double y[31], A[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, w[3];
    float X[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13};
    rnnts_expfit f;
    int nc;
    for (int t = 0; t < 31; t++) y[t] = exp(-t / 3.0);
    EXPECT_ERR(rnnts_fit_ac(NULL, 31, &f, &err_), RNNTS_ERR_INVALID_ARG, "y is NULL");
    EXPECT_ERR(rnnts_fit_ac(y, 31, NULL, &err_), RNNTS_ERR_INVALID_ARG, "out is NULL");
    EXPECT_ERR(rnnts_fit_ac(y, 4, &f, &err_), RNNTS_ERR_INVALID_ARG, "n = 4");
    EXPECT_ERR(rnnts_fit_ac(y, 100001, &f, &err_), RNNTS_ERR_INVALID_ARG, "n = 100001");
    y[7] = NAN;
    EXPECT_ERR(rnnts_fit_ac(y, 31, &f, &err_), RNNTS_ERR_NONFINITE, "y[7]");
    y[7] = INFINITY;
    EXPECT_ERR(rnnts_fit_ac(y, 31, &f, &err_), RNNTS_ERR_NONFINITE, "y[7]");
    y[7] = exp(-7 / 3.0);
    cr_assert_eq(rnnts_fit_ac(y, 5, &f, NULL), RNNTS_OK);

    EXPECT_ERR(rnnts_eig_sym(NULL, 3, w, &err_), RNNTS_ERR_INVALID_ARG, "A is NULL");
    EXPECT_ERR(rnnts_eig_sym(A, 3, NULL, &err_), RNNTS_ERR_INVALID_ARG, "eigvals is NULL");
    EXPECT_ERR(rnnts_eig_sym(A, 0, w, &err_), RNNTS_ERR_INVALID_ARG, "n = 0");
    A[3] = NAN;
    EXPECT_ERR(rnnts_eig_sym(A, 3, w, &err_), RNNTS_ERR_NONFINITE, "A[1][0]");
    A[3] = 0.0;
    cr_assert_eq(rnnts_eig_sym(A, 3, w, NULL), RNNTS_OK);
    cr_assert(w[0] == 1.0 && w[1] == 1.0 && w[2] == 1.0);

    EXPECT_ERR(rnnts_pca(NULL, 4, 3, 0.9, w, &nc, NULL, &err_), RNNTS_ERR_INVALID_ARG, "X is NULL");
    EXPECT_ERR(rnnts_pca(X, 4, 3, 0.9, NULL, &nc, NULL, &err_), RNNTS_ERR_INVALID_ARG, "eigvals is NULL");
    EXPECT_ERR(rnnts_pca(X, 1, 3, 0.9, w, &nc, NULL, &err_), RNNTS_ERR_INVALID_ARG, "rows = 1");
    EXPECT_ERR(rnnts_pca(X, 4, 0, 0.9, w, &nc, NULL, &err_), RNNTS_ERR_INVALID_ARG, "cols = 0");
    EXPECT_ERR(rnnts_pca(X, 4, 3, 0.0, w, &nc, NULL, &err_), RNNTS_ERR_INVALID_ARG, "var_fraction");
    EXPECT_ERR(rnnts_pca(X, 4, 3, 1.5, w, &nc, NULL, &err_), RNNTS_ERR_INVALID_ARG, "var_fraction");
    EXPECT_ERR(rnnts_pca(X, 4, 3, NAN, w, &nc, NULL, &err_), RNNTS_ERR_INVALID_ARG, "var_fraction");
    X[7] = INFINITY;
    EXPECT_ERR(rnnts_pca(X, 4, 3, 0.9, w, &nc, NULL, &err_), RNNTS_ERR_NONFINITE, "X[row 2][col 1]");
    X[7] = 8.0f;
    cr_assert_eq(rnnts_pca(X, 4, 3, 1.0, w, &nc, NULL, NULL), RNNTS_OK);
    for (long k = 0;; k++) {
        tc_failalloc fa;
        rnnts_allocator a = tc_fa_make(&fa, k);
        rnnts_result r = rnnts_pca(X, 4, 3, 0.9, w, &nc, &a, NULL);
        cr_assert_eq(fa.live, 0, "fail at %ld: %ld blocks leaked", k, fa.live);
        if (r == RNNTS_OK) { cr_assert_geq(k, 3); break; }
        cr_assert_eq(r, RNNTS_ERR_OOM);
        EXPECT_ERR((a = tc_fa_make(&fa, k), rnnts_pca(X, 4, 3, 0.9, w, &nc, &a, &err_)), RNNTS_ERR_OOM, "out of memory");
    }
}
