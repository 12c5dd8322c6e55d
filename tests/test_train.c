/* test_train.c — the training part of rnnts, public API only:
   - tasks: N-parity and N-DMS batches against their definitions (labels recomputed here), the
     per-sequence p of parity spread over [0,1), M ~ U{Nmax+2 .. 4Nmax+1} with every value reached,
     determinism in (seed, purpose, index), rnnts_task_batch_len, error paths;
   - optimisers: SGD (Nesterov, plain momentum, none) and Adam against step-by-step double-precision
     computations of PyTorch's update rules, the global norm clip over used tensors only, per-tensor
     state created at a tensor's first gradient, non-finite gradients;
   - curricula and the trainer: the advance rule (strict >, mean and largest N), single / multi /
     sliding / none, max_epochs, target_n, time limit, report consistency (accuracy = rnnts_evaluate,
     loss = canonical mean of the step losses), one epoch replayed by hand through the public API,
     a tiny network that learns 2-parity, config errors naming the field;
   - checkpoints: resume from epoch 2 gives byte-identical epoch-3 and epoch-4 files (single, multi,
     sliding, none; SGD and Adam), save(resume(f)) == f, a finished run resumes finished;
   - threads: pools of 1, 2, 3 threads (and none) give byte-identical checkpoints. */
#define _POSIX_C_SOURCE 200809L
#include "test_common.h"

#include <math.h>
#include <unistd.h>


/* =============================================================================================== */
/* tasks                                                                                          */
/* =============================================================================================== */
#define TT_MAXB 2048

static int tt_nmax(const int *ns, int n) {
    int m = 0;
    for (int a = 0; a < n; a++) if (ns[a] > m) m = ns[a];
    return m;
}
/* Labels recomputed from the bits by the task definitions in rnnts.h (>>tasks). */
static void tt_check_labels(rnnts_task task, const int *ns, int n, int B, int M, const float *in, const int *lab) {
    for (int a = 0; a < n; a++)
        for (int b = 0; b < B; b++) {
            int N = ns[a], y = 0;
            if (task == RNNTS_TASK_PARITY) {
                for (int t = M - N; t < M; t++) y += in[(size_t)t * B + b] == 1.0f;
                y &= 1;
            } else {
                y = in[(size_t)(M - N) * B + b] == in[(size_t)(M - 1) * B + b] ? 1 : 0;
            }
            cr_assert_eq(lab[(size_t)a * B + b], y, "task %d, N = %d, sequence %d (M = %d): label %d, definition gives %d",
                         (int)task, N, b, M, lab[(size_t)a * B + b], y);
        }
}
static void tt_check_bits(const float *in, size_t n) {
    for (size_t e = 0; e < n; e++)
        cr_assert(in[e] == 0.0f || in[e] == 1.0f, "input[%zu] = %g is not a bit", e, (double)in[e]);
}

static void tt_labels_and_lengths(rnnts_task task) {
    static const int ns[] = {1, 2, 3, 5, 7};
    const int n = 5, nmax = 7, B = 48;
    int lo = nmax + 2, hi = 4 * nmax + 1, hits[64] = {0};
    float *in = (float *)tc_xmalloc((size_t)rnnts_task_max_len(nmax) * B * sizeof(float));
    int *lab = (int *)tc_xmalloc((size_t)n * B * sizeof(int));
    long ones = 0, total = 0;
    cr_assert_eq(rnnts_task_max_len(nmax), hi);
    for (int idx = 0; idx < 400; idx++) {
        int M = -1;
        rnnts_error err;
        cr_assert_eq(rnnts_task_batch(task, ns, n, B, 77, RNNTS_PURPOSE_DATA, (uint64_t)idx, in, lab, &M, &err), RNNTS_OK, "%s", err.msg);
        cr_assert(M >= lo && M <= hi, "M = %d outside %d..%d", M, lo, hi);
        hits[M]++;
        tt_check_bits(in, (size_t)M * B);
        tt_check_labels(task, ns, n, B, M, in, lab);
        for (int e = 0; e < M * B; e++) ones += in[e] == 1.0f;
        total += (long)M * B;
    }
    for (int M = lo; M <= hi; M++) cr_assert_gt(hits[M], 0, "M = %d never drawn in 400 batches", M);
    /* parity: E[fraction] = E[p] = 0.5; DMS: 0.5 */
    cr_assert(fabs((double)ones / (double)total - 0.5) < 0.03, "fraction of ones %g", (double)ones / (double)total);
    free(in);
    free(lab);
}
Test(tasks, parity_labels_and_lengths) { tt_labels_and_lengths(RNNTS_TASK_PARITY); }
Test(tasks, dms_labels_and_lengths) { tt_labels_and_lengths(RNNTS_TASK_DMS); }

/* M ~ U{Nmax+2 .. 4Nmax+1}: every value reached, roughly uniformly, for several Nmax; M depends on
   the largest N only. */
Test(tasks, length_uniform_over_range) {
    static const int nmaxs[] = {1, 2, 3, 10, 40};
    float *in = (float *)tc_xmalloc((size_t)rnnts_task_max_len(40) * 2 * sizeof(float));
    int lab[8];
    for (int q = 0; q < 5; q++) {
        int nmax = nmaxs[q], lo = nmax + 2, hi = 4 * nmax + 1, nv = hi - lo + 1, draws = 200 * nv;
        int *hits = (int *)tc_xmalloc((size_t)(hi + 1) * sizeof(int));
        for (int idx = 0; idx < draws; idx++) {
            int M, M2, two[2] = {1, nmax};
            cr_assert_eq(rnnts_task_batch(RNNTS_TASK_DMS, &nmax, 1, 1, 5, RNNTS_PURPOSE_TEST, (uint64_t)idx, in, lab, &M, NULL), RNNTS_OK);
            cr_assert(M >= lo && M <= hi, "Nmax %d: M = %d outside %d..%d", nmax, M, lo, hi);
            hits[M]++;
            cr_assert_eq(rnnts_task_batch(RNNTS_TASK_PARITY, two, 2, 2, 5, RNNTS_PURPOSE_TEST, (uint64_t)idx, in, lab, &M2, NULL), RNNTS_OK);
            cr_assert_eq(M2, M, "M depends on more than (seed, purpose, index, Nmax)");
        }
        for (int M = lo; M <= hi; M++) /* expected 200 each; binomial sd ~14 */
            cr_assert(hits[M] > 120 && hits[M] < 280, "Nmax %d: M = %d drawn %d times in %d (expected ~200)", nmax, M, hits[M], draws);
        free(hits);
    }
    free(in);
}

/* Parity: per sequence p ~ U[0,1), bits Bernoulli(p). Over 2000 long sequences the fraction of
   ones per sequence must spread uniformly over [0,1]; DMS sequences all stay near 0.5. */
Test(tasks, parity_p_spreads_dms_half) {
    const int B = 2000, L = 400, ns[1] = {3};
    float *in = (float *)tc_xmalloc((size_t)L * B * sizeof(float));
    int *lab = (int *)tc_xmalloc((size_t)B * sizeof(int));
    int bins[10] = {0};
    double mean = 0.0, var = 0.0, fmin = 1.0, fmax = 0.0, lag = 0.0;
    rnnts_error err;
    cr_assert_eq(rnnts_task_batch_len(RNNTS_TASK_PARITY, ns, 1, B, L, 3, RNNTS_PURPOSE_DATA, 0, in, lab, &err), RNNTS_OK, "%s", err.msg);
    for (int b = 0; b < B; b++) {
        int c = 0;
        double f;
        for (int t = 0; t < L; t++) c += in[(size_t)t * B + b] == 1.0f;
        f = (double)c / L;
        bins[f >= 1.0 ? 9 : (int)(f * 10.0)]++;
        mean += f;
        var += f * f;
        if (f < fmin) fmin = f;
        if (f > fmax) fmax = f;
    }
    mean /= B;
    var = var / B - mean * mean;
    for (int k = 0; k < 10; k++) /* expected 200 per bin, sd ~13 */
        cr_assert(bins[k] > 140 && bins[k] < 260, "parity: %d of %d sequences have a fraction of ones in [%.1f, %.1f) (expected ~200)",
                  bins[k], B, k / 10.0, (k + 1) / 10.0);
    cr_assert(fabs(mean - 0.5) < 0.03, "parity: mean fraction %g", mean);
    cr_assert(var > 0.075 && var < 0.095, "parity: variance of the fraction %g (U[0,1): 1/12 + binomial noise)", var);
    cr_assert(fmin < 0.02 && fmax > 0.98, "parity: fractions span only [%g, %g]", fmin, fmax);

    cr_assert_eq(rnnts_task_batch_len(RNNTS_TASK_DMS, ns, 1, B, L, 3, RNNTS_PURPOSE_DATA, 0, in, lab, &err), RNNTS_OK, "%s", err.msg);
    mean = 0.0;
    for (int b = 0; b < B; b++) {
        int c = 0;
        double f;
        for (int t = 0; t < L; t++) c += in[(size_t)t * B + b] == 1.0f;
        for (int t = 1; t < L; t++) lag += in[(size_t)t * B + b] == in[(size_t)(t - 1) * B + b];
        f = (double)c / L;
        cr_assert(f > 0.35 && f < 0.65, "dms: sequence %d has a fraction of ones %g (Bernoulli(0.5), L = %d)", b, f, L);
        mean += f;
    }
    mean /= B;
    lag /= (double)B * (L - 1);
    cr_assert(fabs(mean - 0.5) < 0.01, "dms: mean fraction %g", mean);
    cr_assert(fabs(lag - 0.5) < 0.01, "dms: consecutive bits agree in %g of the cases (independent: 0.5)", lag);
    free(in);
    free(lab);
}

static int tt_batch_differs(rnnts_task task, const int *ns, int n, int B, uint64_t s1, uint64_t p1, uint64_t i1, uint64_t s2,
                            uint64_t p2, uint64_t i2) {
    int nmax = tt_nmax(ns, n), M1, M2;
    size_t cap = (size_t)rnnts_task_max_len(nmax) * B;
    float *a = (float *)tc_xmalloc(cap * sizeof(float)), *b = (float *)tc_xmalloc(cap * sizeof(float));
    int *la = (int *)tc_xmalloc((size_t)n * B * sizeof(int)), *lb = (int *)tc_xmalloc((size_t)n * B * sizeof(int));
    int differ;
    cr_assert_eq(rnnts_task_batch(task, ns, n, B, s1, p1, i1, a, la, &M1, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_task_batch(task, ns, n, B, s2, p2, i2, b, lb, &M2, NULL), RNNTS_OK);
    differ = M1 != M2 || memcmp(a, b, (size_t)M1 * B * sizeof(float)) != 0;
    if (!differ) cr_assert_eq(memcmp(la, lb, (size_t)n * B * sizeof(int)), 0, "same bits, different labels");
    free(a); free(b); free(la); free(lb);
    return differ;
}
Test(tasks, determinism) {
    static const int ns[] = {2, 4, 3};
    for (int task = 0; task < 2; task++)
        for (uint64_t idx = 0; idx < 20; idx++) {
            cr_assert(!tt_batch_differs((rnnts_task)task, ns, 3, 16, 9, RNNTS_PURPOSE_DATA, idx, 9, RNNTS_PURPOSE_DATA, idx),
                      "same (seed, purpose, index) gave different batches");
            cr_assert(tt_batch_differs((rnnts_task)task, ns, 3, 16, 9, RNNTS_PURPOSE_DATA, idx, 9, RNNTS_PURPOSE_TEST, idx),
                      "purpose DATA and TEST gave the same batch (index %llu)", (unsigned long long)idx);
            cr_assert(tt_batch_differs((rnnts_task)task, ns, 3, 16, 9, RNNTS_PURPOSE_DATA, idx, 9, RNNTS_PURPOSE_DATA, idx + 1),
                      "index %llu and %llu gave the same batch", (unsigned long long)idx, (unsigned long long)idx + 1);
            cr_assert(tt_batch_differs((rnnts_task)task, ns, 3, 16, 9, RNNTS_PURPOSE_DATA, idx, 10, RNNTS_PURPOSE_DATA, idx),
                      "seed 9 and 10 gave the same batch");
        }
}

/* rnnts_task_batch_len: the given length, the same draws as rnnts_task_batch (bit (t, b) is the same
   draw whatever M is), labels by the definitions for that length. */
Test(tasks, batch_len_uses_given_length) {
    static const int ns[] = {3, 1, 6};
    const int B = 7;
    float *a = (float *)tc_xmalloc((size_t)200 * B * sizeof(float)), *b = (float *)tc_xmalloc((size_t)200 * B * sizeof(float));
    int la[3 * 7], lb[3 * 7];
    for (int task = 0; task < 2; task++)
        for (uint64_t idx = 0; idx < 10; idx++) {
            int M, lens[] = {6, 7, 0, 50, 200};
            rnnts_error err;
            cr_assert_eq(rnnts_task_batch((rnnts_task)task, ns, 3, B, 4, RNNTS_PURPOSE_ANALYSIS, idx, a, la, &M, NULL), RNNTS_OK);
            lens[2] = M;
            for (int q = 0; q < 5; q++) {
                int L = lens[q], common = L < M ? L : M;
                for (size_t e = 0; e < (size_t)200 * B; e++) b[e] = -7.0f; /* must be overwritten up to L only */
                cr_assert_eq(rnnts_task_batch_len((rnnts_task)task, ns, 3, B, L, 4, RNNTS_PURPOSE_ANALYSIS, idx, b, lb, &err), RNNTS_OK,
                             "len %d: %s", L, err.msg);
                tt_check_bits(b, (size_t)L * B);
                if (L < 200) cr_assert_eq(b[(size_t)L * B], -7.0f, "len %d: wrote past the given length", L);
                cr_assert_eq(memcmp(a, b, (size_t)common * B * sizeof(float)), 0, "len %d: bits differ from rnnts_task_batch's draws", L);
                tt_check_labels((rnnts_task)task, ns, 3, B, L, b, lb);
                if (L == M) cr_assert_eq(memcmp(la, lb, sizeof la), 0, "len = drawn M: labels differ");
            }
        }
    free(a);
    free(b);
}

Test(tasks, errors_name_the_field) {
    int ns[3] = {2, 3, 4}, bad0[2] = {2, 0}, badneg[1] = {-1}, lab[64], M;
    int *many = (int *)tc_xmalloc((RNNTS_MAX_NS + 1) * sizeof(int));
    float in[64 * 17];
    for (int q = 0; q <= RNNTS_MAX_NS; q++) many[q] = 2;
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, bad0, 2, 4, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "N = 0");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_DMS, badneg, 1, 4, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "N = -1");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, ns, 0, 4, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "number of N");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, many, RNNTS_MAX_NS + 1, 1, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "number of N");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, NULL, 1, 4, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "number of N");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, ns, 3, 0, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "batch");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, ns, 3, -5, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "batch");
    EXPECT_ERR(rnnts_task_batch((rnnts_task)2, ns, 3, 4, 1, 3, 0, in, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "task");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, ns, 3, 4, 1, 3, 0, NULL, lab, &M, &err_), RNNTS_ERR_INVALID_ARG, "input");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, ns, 3, 4, 1, 3, 0, in, NULL, &M, &err_), RNNTS_ERR_INVALID_ARG, "labels");
    EXPECT_ERR(rnnts_task_batch(RNNTS_TASK_PARITY, ns, 3, 4, 1, 3, 0, in, lab, NULL, &err_), RNNTS_ERR_INVALID_ARG, "len_out");
    EXPECT_ERR(rnnts_task_batch_len(RNNTS_TASK_PARITY, ns, 3, 4, 3, 1, 3, 0, in, lab, &err_), RNNTS_ERR_INVALID_ARG, "len");
    EXPECT_ERR(rnnts_task_batch_len(RNNTS_TASK_DMS, ns, 3, 4, 0, 1, 3, 0, in, lab, &err_), RNNTS_ERR_INVALID_ARG, "len");
    EXPECT_ERR(rnnts_task_batch_len(RNNTS_TASK_DMS, ns, 3, 4, -2, 1, 3, 0, in, lab, &err_), RNNTS_ERR_INVALID_ARG, "len");
    EXPECT_ERR(rnnts_task_batch_len(RNNTS_TASK_DMS, ns, 0, 4, 5, 1, 3, 0, in, lab, &err_), RNNTS_ERR_INVALID_ARG, "number of N");
    EXPECT_ERR(rnnts_task_batch_len(RNNTS_TASK_DMS, bad0, 2, 4, 5, 1, 3, 0, in, lab, &err_), RNNTS_ERR_INVALID_ARG, "N = 0");
    EXPECT_ERR(rnnts_task_batch_len(RNNTS_TASK_DMS, ns, 3, 0, 5, 1, 3, 0, in, lab, &err_), RNNTS_ERR_INVALID_ARG, "batch");
    /* len == largest N is allowed */
    cr_assert_eq(rnnts_task_batch_len(RNNTS_TASK_PARITY, ns, 3, 4, 4, 1, 3, 0, in, lab, NULL), RNNTS_OK);
    free(many);
}

/* =============================================================================================== */
/* optimisers: float rnnts against a double computation of PyTorch's rules                         */
/* =============================================================================================== */
typedef struct {
    int nt;
    rnnts_tensor_info ti[16];
    size_t np;
    double *p, *m, *v;
    int steps[16];
} tt_ref;

static void tt_ref_init(tt_ref *r, const rnnts_rnn *net) {
    memset(r, 0, sizeof *r);
    r->nt = rnnts_rnn_tensor_count(net);
    cr_assert_leq(r->nt, 16);
    for (int t = 0; t < r->nt; t++) cr_assert_eq(rnnts_rnn_tensor(net, t, &r->ti[t]), RNNTS_OK);
    r->np = net->n_param;
    r->p = (double *)tc_xmalloc(r->np * sizeof(double));
    r->m = (double *)tc_xmalloc(r->np * sizeof(double));
    r->v = (double *)tc_xmalloc(r->np * sizeof(double));
    for (size_t e = 0; e < r->np; e++) r->p[e] = net->param[e];
}
static void tt_ref_free(tt_ref *r) {
    free(r->p); free(r->m); free(r->v);
}
/* One step in double, PyTorch semantics: clip_grad_norm_ over the used tensors, then SGD
   (buf = g at a tensor's first step, else mu buf + g; d = g + mu buf or buf) or Adam (bias
   corrections 1 - beta^k, k = that tensor's own step count). Returns the total norm. */
static double tt_ref_step(tt_ref *r, const rnnts_optim_config *c, const float *gf, const unsigned char *used) {
    double *g = (double *)tc_xmalloc(r->np * sizeof(double)), total = 0.0, coef = 1.0;
    double lr = c->lr, mu = c->momentum, b1 = c->beta1, b2 = c->beta2, eps = c->eps;
    for (size_t e = 0; e < r->np; e++) g[e] = gf[e];
    for (int t = 0; t < r->nt; t++) {
        double s = 0.0;
        if (!used[t]) continue;
        for (size_t e = 0; e < r->ti[t].count; e++) s += g[r->ti[t].offset + e] * g[r->ti[t].offset + e];
        total += s;
    }
    total = sqrt(total);
    if (c->clip > 0.0f) coef = (double)c->clip / (total + 1e-6);
    for (int t = 0; t < r->nt; t++) {
        const rnnts_tensor_info *ti = &r->ti[t];
        if (!used[t]) continue;
        r->steps[t]++;
        for (size_t e = ti->offset; e < ti->offset + ti->count; e++) {
            double gg = coef < 1.0 ? g[e] * coef : g[e], d = gg;
            if (c->kind == RNNTS_OPT_SGD) {
                if (mu > 0.0) {
                    r->m[e] = r->steps[t] == 1 ? gg : mu * r->m[e] + gg;
                    d = c->nesterov ? gg + mu * r->m[e] : r->m[e];
                }
                r->p[e] -= lr * d;
            } else {
                double bc1 = 1.0 - pow(b1, r->steps[t]), bc2 = 1.0 - pow(b2, r->steps[t]);
                r->m[e] = b1 * r->m[e] + (1.0 - b1) * gg;
                r->v[e] = b2 * r->v[e] + (1.0 - b2) * gg * gg;
                r->p[e] -= lr / bc1 * (r->m[e] / (sqrt(r->v[e]) / sqrt(bc2) + eps));
            }
        }
    }
    free(g);
    return total;
}
static void tt_ref_compare(const tt_ref *r, const rnnts_rnn *net, const float *before, const unsigned char *used_ever, const char *what,
                           int step) {
    for (int t = 0; t < r->nt; t++)
        for (size_t e = r->ti[t].offset; e < r->ti[t].offset + r->ti[t].count; e++) {
            if (!used_ever[t]) {
                cr_assert_eq(tc_bits(net->param[e]), tc_bits(before[e]), "%s step %d: unused tensor %s[%zu] changed", what, step,
                             r->ti[t].name, e - r->ti[t].offset);
                continue;
            }
            cr_assert(fabs((double)net->param[e] - r->p[e]) <= 1e-6 * fabs(r->p[e]),
                      "%s step %d: %s[%zu] = %.9g, double reference %.12g (rel. error %.3g)", what, step, r->ti[t].name,
                      e - r->ti[t].offset, (double)net->param[e], r->p[e], fabs((double)net->param[e] - r->p[e]) / fabs(r->p[e]));
        }
}

/* A network with parameters and per-step gradients chosen so that no update cancels: every
   element moves in one direction (the sign of its gradient, fixed over the steps) away from zero,
   so a relative tolerance of 1e-6 tests the whole accumulated update. */
static rnnts_rnn *tt_opt_net(int K) {
    rnnts_rnn_config c = rnnts_rnn_config_default();
    rnnts_rnn *net;
    uint64_t key = rnnts_rng_key(42, RNNTS_PURPOSE_USER, 1, 0);
    c.hidden = 3;
    c.heads = K;
    cr_assert_eq(rnnts_rnn_create_zero(&c, NULL, &net, NULL), RNNTS_OK);
    for (size_t e = 0; e < net->n_param; e++) {
        float sgn = rnnts_rng_uniform(key, e) < 0.5f ? -1.0f : 1.0f;
        net->param[e] = -sgn * (0.02f + 0.05f * rnnts_rng_uniform(key, 1000 + e)); /* moves away from 0 */
    }
    return net;
}
/* Gradient of step s (its sign per element fixed: the one the parameter was set against). */
static void tt_opt_grad(const rnnts_rnn *net, int s, float scale, float *g) {
    uint64_t key = rnnts_rng_key(42, RNNTS_PURPOSE_USER, 1, 0), ks = rnnts_rng_key(42, RNNTS_PURPOSE_USER, 2, (uint64_t)s);
    for (size_t e = 0; e < net->n_param; e++) {
        float sgn = rnnts_rng_uniform(key, e) < 0.5f ? -1.0f : 1.0f;
        g[e] = sgn * scale * (0.1f + rnnts_rng_uniform(ks, e));
    }
}

/* Runs `steps` steps of optimiser c on tt_opt_net, tensor t used at step s when
   use[s][t] (a row of 16), against the double reference. */
static void tt_opt_run(const rnnts_optim_config *c, int K, int steps, const unsigned char use[][16], float scale, const char *what) {
    rnnts_rnn *net = tt_opt_net(K);
    rnnts_optim *o;
    rnnts_error err;
    tt_ref ref;
    float *g = (float *)tc_xmalloc(net->n_param * sizeof(float)), *g0 = (float *)tc_xmalloc(net->n_param * sizeof(float));
    float *before = (float *)tc_xmalloc(net->n_param * sizeof(float));
    unsigned char ever[16] = {0};
    memcpy(before, net->param, net->n_param * sizeof(float));
    tt_ref_init(&ref, net);
    cr_assert_eq(rnnts_optim_create(c, net, NULL, &o, &err), RNNTS_OK, "%s", err.msg);
    for (int s = 0; s < steps; s++) {
        float norm = -1.0f;
        double total;
        tt_opt_grad(net, s, scale, g);
        memcpy(g0, g, net->n_param * sizeof(float));
        cr_assert_eq(rnnts_optim_step(o, net, g, use[s], &norm, &err), RNNTS_OK, "%s step %d: %s", what, s + 1, err.msg);
        total = tt_ref_step(&ref, c, g0, use[s]);
        for (int t = 0; t < ref.nt; t++) ever[t] |= use[s][t];
        cr_assert(fabs((double)norm - total) <= 1e-6 * total, "%s step %d: norm %.9g, double %.12g", what, s + 1, (double)norm, total);
        for (int t = 0; t < ref.nt; t++) /* gradients of unused tensors are not touched (not even by the clip) */
            if (!use[s][t])
                for (size_t e = ref.ti[t].offset; e < ref.ti[t].offset + ref.ti[t].count; e++)
                    cr_assert_eq(tc_bits(g[e]), tc_bits(g0[e]), "%s step %d: gradient of unused %s modified", what, s + 1, ref.ti[t].name);
        tt_ref_compare(&ref, net, before, ever, what, s + 1);
    }
    rnnts_optim_destroy(o);
    tt_ref_free(&ref);
    free(g); free(g0); free(before);
    rnnts_rnn_destroy(net);
}

static const unsigned char TT_ALL[4][16] = {{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                            {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                            {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                                            {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}};

Test(optim, defaults_are_the_reference) {
    rnnts_optim_config s = rnnts_optim_config_sgd(), a = rnnts_optim_config_adam();
    cr_assert_eq(s.kind, RNNTS_OPT_SGD);
    cr_assert_eq(s.lr, 0.05f);
    cr_assert_eq(s.momentum, 0.1f);
    cr_assert_eq(s.nesterov, 1);
    cr_assert_eq(s.clip, 2.0f);
    cr_assert_eq(a.kind, RNNTS_OPT_ADAM);
    cr_assert_eq(a.lr, 1e-3f);
    cr_assert_eq(a.beta1, 0.9f);
    cr_assert_eq(a.beta2, 0.999f);
    cr_assert_eq(a.eps, 1e-8f);
    cr_assert_eq(a.clip, 2.0f);
    cr_assert_eq(rnnts_optim_config_check(&s, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_optim_config_check(&a, NULL), RNNTS_OK);
}

Test(optim, sgd_nesterov_three_steps) {
    rnnts_optim_config c = rnnts_optim_config_sgd();
    c.clip = 0.0f;
    tt_opt_run(&c, 2, 3, TT_ALL, 1.0f, "sgd nesterov 0.1");
    c.momentum = 0.5f; /* a larger momentum makes the buffer's part of the step visible */
    tt_opt_run(&c, 2, 4, TT_ALL, 1.0f, "sgd nesterov 0.5");
}
Test(optim, sgd_momentum_without_nesterov_and_plain) {
    rnnts_optim_config c = rnnts_optim_config_sgd();
    c.clip = 0.0f;
    c.nesterov = 0;
    tt_opt_run(&c, 2, 3, TT_ALL, 1.0f, "sgd momentum 0.1");
    c.momentum = 0.0f;
    tt_opt_run(&c, 2, 3, TT_ALL, 1.0f, "sgd plain");
    c.lr = 0.3f;
    tt_opt_run(&c, 1, 3, TT_ALL, 1.0f, "sgd plain lr 0.3");
}
Test(optim, adam_three_steps) {
    rnnts_optim_config c = rnnts_optim_config_adam();
    c.clip = 0.0f;
    tt_opt_run(&c, 2, 3, TT_ALL, 1.0f, "adam");
    c.lr = 0.01f; /* steps as large as the parameters */
    c.beta1 = 0.5f;
    c.beta2 = 0.9f;
    tt_opt_run(&c, 2, 4, TT_ALL, 3.0f, "adam b1 0.5 b2 0.9");
    c.eps = 0.1f; /* eps comparable to sqrt(v_hat) */
    tt_opt_run(&c, 2, 3, TT_ALL, 0.2f, "adam eps 0.1");
}

/* Global clip: norm over the used tensors only (the unused ones get huge gradients here, which
   must neither count nor change); coefficient clip/(total+1e-6) when < 1. Head 1 (tensors 7, 8)
   unused at step 1 and used from step 2: its state starts there (SGD: buf = g; Adam: k = 1). */
static const unsigned char TT_PARTIAL[4][16] = {{1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},
                                                {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
                                                {1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0},
                                                {0, 1, 1, 1, 1, 0, 0, 1, 1, 0, 0}};
static void tt_clip_case(rnnts_optim_config c, const char *what) {
    c.clip = 2.0f;
    tt_opt_run(&c, 3, 4, TT_PARTIAL, 1.0f, what);   /* total ~ 4..5: clipped */
    tt_opt_run(&c, 3, 4, TT_PARTIAL, 0.05f, what);  /* total ~ 0.2: not clipped */
    c.clip = 0.0f;
    tt_opt_run(&c, 3, 4, TT_PARTIAL, 1.0f, what);   /* clip off */
}
Test(optim, clip_and_late_state_sgd) { tt_clip_case(rnnts_optim_config_sgd(), "sgd clip/partial"); }
Test(optim, clip_and_late_state_adam) { tt_clip_case(rnnts_optim_config_adam(), "adam clip/partial"); }

/* Huge gradients in unused tensors do not enter the norm; below the clip, the step equals the
   unclipped one bit for bit (coefficient >= 1 is not applied). */
Test(optim, clip_ignores_unused_and_is_identity_below) {
    rnnts_optim_config c = rnnts_optim_config_sgd(), off = c;
    rnnts_rnn *n1 = tt_opt_net(3), *n2 = tt_opt_net(3);
    rnnts_optim *o1, *o2;
    float *g1 = (float *)tc_xmalloc(n1->n_param * sizeof(float)), *g2 = (float *)tc_xmalloc(n1->n_param * sizeof(float));
    rnnts_tensor_info ti;
    float norm;
    off.clip = 0.0f;
    cr_assert_eq(rnnts_optim_create(&c, n1, NULL, &o1, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_optim_create(&off, n2, NULL, &o2, NULL), RNNTS_OK);
    for (int s = 0; s < 3; s++) {
        double tot = 0.0;
        tt_opt_grad(n1, s, 0.05f, g1);
        for (int t = 0; t < 11; t++) {
            rnnts_rnn_tensor(n1, t, &ti);
            for (size_t e = ti.offset; e < ti.offset + ti.count; e++) {
                if (!TT_PARTIAL[s][t]) g1[e] = 1e6f;
                else tot += (double)g1[e] * g1[e];
            }
        }
        cr_assert_lt(sqrt(tot), 1.9, "test setup: total %g must stay below the clip", sqrt(tot));
        memcpy(g2, g1, n1->n_param * sizeof(float));
        cr_assert_eq(rnnts_optim_step(o1, n1, g1, TT_PARTIAL[s], &norm, NULL), RNNTS_OK);
        cr_assert(fabs(norm - sqrt(tot)) <= 1e-6 * sqrt(tot), "norm %g counts unused tensors (used only: %g)", (double)norm, sqrt(tot));
        cr_assert_eq(rnnts_optim_step(o2, n2, g2, TT_PARTIAL[s], NULL, NULL), RNNTS_OK);
        cr_assert_eq(memcmp(n1->param, n2->param, n1->n_param * sizeof(float)), 0, "step %d: clip below the limit changed the step", s + 1);
        cr_assert_eq(memcmp(g1, g2, n1->n_param * sizeof(float)), 0, "step %d: clip below the limit changed the gradient", s + 1);
    }
    rnnts_optim_destroy(o1); rnnts_optim_destroy(o2);
    rnnts_rnn_destroy(n1); rnnts_rnn_destroy(n2);
    free(g1); free(g2);
}

/* A non-finite gradient in a used tensor: RNNTS_ERR_NONFINITE naming the tensor, parameters and
   state unchanged (the run continues exactly as if the step had not been tried). In an unused
   tensor it is ignored. */
static void tt_nonfinite(rnnts_optim_config c, float bad) {
    rnnts_rnn *n1 = tt_opt_net(2), *n2 = tt_opt_net(2);
    rnnts_optim *o1, *o2;
    size_t np = n1->n_param;
    float *g = (float *)tc_xmalloc(np * sizeof(float)), *before = (float *)tc_xmalloc(np * sizeof(float));
    rnnts_tensor_info ti;
    static const unsigned char use[16] = {1, 1, 1, 1, 1, 1, 1, 0, 0};
    cr_assert_eq(rnnts_optim_create(&c, n1, NULL, &o1, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_optim_create(&c, n2, NULL, &o2, NULL), RNNTS_OK);
    for (int fail_at = 0; fail_at < 2; fail_at++) {
        /* a good step on both, then a bad one on n1 only */
        tt_opt_grad(n1, 10 + fail_at, 1.0f, g);
        cr_assert_eq(rnnts_optim_step(o1, n1, g, use, NULL, NULL), RNNTS_OK);
        tt_opt_grad(n1, 10 + fail_at, 1.0f, g);
        cr_assert_eq(rnnts_optim_step(o2, n2, g, use, NULL, NULL), RNNTS_OK);
        memcpy(before, n1->param, np * sizeof(float));
        for (int t = 0; t < 7; t++) {
            tt_opt_grad(n1, 20, 1.0f, g);
            rnnts_rnn_tensor(n1, t, &ti);
            g[ti.offset + ti.count - 1] = bad;
            EXPECT_ERR(rnnts_optim_step(o1, n1, g, use, NULL, &err_), RNNTS_ERR_NONFINITE, ti.name);
            cr_assert_eq(memcmp(before, n1->param, np * sizeof(float)), 0, "failed step changed the parameters (bad %s)", ti.name);
        }
        /* in an unused tensor (head 1): ignored, same step as without it */
        tt_opt_grad(n1, 30 + fail_at, 1.0f, g);
        rnnts_rnn_tensor(n1, 7, &ti);
        g[ti.offset] = bad;
        cr_assert_eq(rnnts_optim_step(o1, n1, g, use, NULL, NULL), RNNTS_OK, "non-finite gradient of an unused tensor rejected");
        tt_opt_grad(n1, 30 + fail_at, 1.0f, g);
        cr_assert_eq(rnnts_optim_step(o2, n2, g, use, NULL, NULL), RNNTS_OK);
        cr_assert_eq(memcmp(n1->param, n2->param, np * sizeof(float)), 0, "failed steps changed the optimiser state");
    }
    rnnts_optim_destroy(o1); rnnts_optim_destroy(o2);
    rnnts_rnn_destroy(n1); rnnts_rnn_destroy(n2);
    free(g); free(before);
}
Test(optim, nonfinite_gradient) {
    rnnts_optim_config s = rnnts_optim_config_sgd(), a = rnnts_optim_config_adam();
    tt_nonfinite(s, NAN);
    tt_nonfinite(s, INFINITY);
    tt_nonfinite(a, -INFINITY);
    tt_nonfinite(a, NAN);
}

Test(optim, config_errors) {
    rnnts_optim_config d = rnnts_optim_config_sgd(), c;
    rnnts_rnn *net = tt_opt_net(1), *other = tt_opt_net(2);
    rnnts_optim *o = (rnnts_optim *)(uintptr_t)1;
    float g[64] = {0};
    unsigned char use[16] = {1, 1, 1, 1, 1, 1, 1};
    c = d; c.kind = (rnnts_optimizer)2; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "optimizer");
    c = d; c.lr = 0.0f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "lr");
    c = d; c.lr = NAN; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "lr");
    c = d; c.momentum = 1.0f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "momentum");
    c = d; c.momentum = -0.1f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "momentum");
    c = d; c.nesterov = 2; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "nesterov");
    c = d; c.momentum = 0.0f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "nesterov");
    c = d; c.beta1 = 1.0f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "beta1");
    c = d; c.beta2 = -0.5f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "beta2");
    c = d; c.eps = 0.0f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "eps");
    c = d; c.clip = -1.0f; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "clip");
    c = d; c.clip = INFINITY; EXPECT_ERR(rnnts_optim_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, "clip");
    EXPECT_ERR(rnnts_optim_create(&c, net, NULL, &o, &err_), RNNTS_ERR_INVALID_ARG, "clip");
    cr_assert_null(o);
    EXPECT_ERR(rnnts_optim_create(&d, NULL, NULL, &o, &err_), RNNTS_ERR_INVALID_ARG, "net");
    cr_assert_eq(rnnts_optim_create(&d, net, NULL, &o, NULL), RNNTS_OK);
    cr_assert_leq(net->n_param, 64);
    EXPECT_ERR(rnnts_optim_step(o, other, g, use, NULL, &err_), RNNTS_ERR_INVALID_ARG, "does not match");
    EXPECT_ERR(rnnts_optim_step(o, net, NULL, use, NULL, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    EXPECT_ERR(rnnts_optim_step(o, net, g, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    rnnts_optim_destroy(o);
    rnnts_optim_destroy(NULL);
    rnnts_rnn_destroy(net);
    rnnts_rnn_destroy(other);
}

/* =============================================================================================== */
/* curricula and the trainer                                                                      */
/* =============================================================================================== */
static rnnts_rnn *tt_net(int H, int K, uint64_t seed) {
    tc_netspec s;
    memset(&s, 0, sizeof s);
    s.H = H; s.K = K; s.seed = seed;
    return tc_make_net(&s);
}
/* Tiny training: batch 32, 20 steps, 2 test batches; threshold 0 advances after every epoch
   whose accuracies are > 0 (asserted where it matters). */
static rnnts_train_config tt_cfg(rnnts_curriculum curr, rnnts_task task, float threshold) {
    rnnts_train_config c = rnnts_train_config_default();
    c.curriculum = curr; c.task = task; c.threshold = threshold;
    c.batch = 32; c.steps_per_epoch = 20; c.test_batches = 2; c.seed = 9;
    c.window = 3;
    return c;
}
static rnnts_trainer *tt_trainer(const rnnts_train_config *c, rnnts_rnn *net, rnnts_pool *pool) {
    rnnts_trainer *tr = NULL;
    rnnts_error err;
    cr_assert_eq(rnnts_trainer_create(c, net, pool, NULL, &tr, &err), RNNTS_OK, "rnnts_trainer_create: %s", err.msg);
    return tr;
}
static void tt_epoch(rnnts_trainer *tr, rnnts_epoch_report *rep) {
    rnnts_error err;
    memset(rep, 0x5a, sizeof *rep);
    cr_assert_eq(rnnts_trainer_epoch(tr, rep, &err), RNNTS_OK, "rnnts_trainer_epoch: %s", err.msg);
}
static void tt_expect_ns(const rnnts_epoch_report *r, const int *ns, const int *heads, int n, const char *what) {
    cr_assert_eq(r->n_ns, n, "%s epoch %d: %d Ns trained, expected %d", what, r->epoch, r->n_ns, n);
    for (int a = 0; a < n; a++) {
        cr_assert_eq(r->ns[a], ns[a], "%s epoch %d: ns[%d] = %d, expected %d", what, r->epoch, a, r->ns[a], ns[a]);
        cr_assert_eq(r->heads[a], heads[a], "%s epoch %d: heads[%d] = %d, expected %d", what, r->epoch, a, r->heads[a], heads[a]);
    }
}
static void tt_expect_next(const rnnts_trainer *tr, const int *ns, int n, const char *what) {
    int got[RNNTS_MAX_NS];
    int k = rnnts_trainer_ns(tr, got, RNNTS_MAX_NS);
    cr_assert_eq(k, n, "%s: next Ns count %d, expected %d", what, k, n);
    for (int a = 0; a < n; a++) cr_assert_eq(got[a], ns[a], "%s: next ns[%d] = %d, expected %d", what, a, got[a], ns[a]);
}
static void tt_all_acc_positive(const rnnts_epoch_report *r) {
    for (int a = 0; a < r->n_ns; a++) cr_assert_gt(r->acc[a], 0.0f, "test setup: accuracy 0 for N = %d", r->ns[a]);
}
/* Head k's parameters (weight and bias) equal to `ref`'s. */
static int tt_head_same(const rnnts_rnn *net, const float *ref, int k) {
    size_t off = (size_t)(net->head - net->param) + (size_t)k * (2 * net->H + 2);
    return memcmp(net->param + off, ref + off, (2 * (size_t)net->H + 2) * sizeof(float)) == 0;
}

Test(curricula, defaults_are_the_reference) {
    rnnts_train_config c = rnnts_train_config_default();
    cr_assert_eq(c.n_start, 2); cr_assert_eq(c.n_add, 1); cr_assert_eq(c.window, 5); cr_assert_eq(c.slide, 1);
    cr_assert_eq(c.batch, 256); cr_assert_eq(c.steps_per_epoch, 600); cr_assert_eq(c.test_batches, 50);
    cr_assert_eq(c.max_epochs, 1000); cr_assert_eq(c.threshold, 98.0f); cr_assert_eq(c.target_n, 0);
    cr_assert_eq(c.optim.kind, RNNTS_OPT_SGD); cr_assert_eq(c.optim.lr, 0.05f);
    cr_assert_eq(rnnts_train_config_check(&c, NULL, NULL), RNNTS_OK);
}

/* single: Ns [2] -> [3] -> [4], always head 0; the other heads never change. */
Test(curricula, single_reuses_head0) {
    rnnts_rnn *net = tt_net(16, 3, 1);
    float *init = (float *)tc_xmalloc(net->n_param * sizeof(float));
    rnnts_train_config c = tt_cfg(RNNTS_CURR_SINGLE, RNNTS_TASK_PARITY, 0.0f);
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    int h0[1] = {0};
    memcpy(init, net->param, net->n_param * sizeof(float));
    tr = tt_trainer(&c, net, NULL);
    tt_expect_next(tr, (int[]){2}, 1, "single start");
    for (int e = 1; e <= 3; e++) {
        tt_epoch(tr, &r);
        cr_assert_eq(r.epoch, e);
        cr_assert_eq(rnnts_trainer_epochs(tr), e);
        tt_expect_ns(&r, (int[]){1 + e}, h0, 1, "single");
        tt_all_acc_positive(&r);
        cr_assert(r.solved && !r.done, "single epoch %d: solved %d done %d", e, r.solved, r.done);
        tt_expect_next(tr, (int[]){2 + e}, 1, "single");
    }
    cr_assert(!tt_head_same(net, init, 0), "head 0 never trained");
    cr_assert(tt_head_same(net, init, 1) && tt_head_same(net, init, 2), "single: heads 1, 2 changed");
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    free(init);
}

/* multi: [2] -> [2,3] -> [2,3,4], head = N - n_start; n_add Ns per success; out of heads ends it. */
Test(curricula, multi_adds_heads) {
    rnnts_rnn *net = tt_net(16, 4, 2);
    float *init = (float *)tc_xmalloc(net->n_param * sizeof(float));
    rnnts_train_config c = tt_cfg(RNNTS_CURR_MULTI, RNNTS_TASK_DMS, 0.0f);
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    memcpy(init, net->param, net->n_param * sizeof(float));
    tr = tt_trainer(&c, net, NULL);
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){2}, (int[]){0}, 1, "multi");
    tt_all_acc_positive(&r);
    cr_assert(r.solved && !r.done);
    cr_assert(tt_head_same(net, init, 1) && tt_head_same(net, init, 2) && tt_head_same(net, init, 3), "multi: inactive heads changed");
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){2, 3}, (int[]){0, 1}, 2, "multi");
    cr_assert(!tt_head_same(net, init, 1) && tt_head_same(net, init, 2), "multi: head 1 should train, head 2 not");
    tt_all_acc_positive(&r);
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){2, 3, 4}, (int[]){0, 1, 2}, 3, "multi");
    tt_all_acc_positive(&r);
    cr_assert(r.solved && !r.done);
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){2, 3, 4, 5}, (int[]){0, 1, 2, 3}, 4, "multi");
    tt_all_acc_positive(&r);
    /* N = 6 would need head 4 of a 4-head network: training is over */
    cr_assert(r.solved && r.done, "multi out of heads: solved %d done %d", r.solved, r.done);
    EXPECT_ERR(rnnts_trainer_epoch(tr, &r, &err_), RNNTS_ERR_STATE, "over");
    rnnts_trainer_destroy(tr);

    /* n_start 3, n_add 2: [3] -> [3,4,5] -> [3..7], heads N - 3 */
    c.n_start = 3; c.n_add = 2;
    rnnts_rnn_destroy(net);
    net = tt_net(16, 6, 3);
    tr = tt_trainer(&c, net, NULL);
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){3}, (int[]){0}, 1, "multi n_add 2");
    tt_all_acc_positive(&r);
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){3, 4, 5}, (int[]){0, 1, 2}, 3, "multi n_add 2");
    tt_all_acc_positive(&r);
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){3, 4, 5, 6, 7}, (int[]){0, 1, 2, 3, 4}, 5, "multi n_add 2");
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    free(init);
}

/* sliding: a window of 3 consecutive N, heads by position, drops `slide` and appends. */
Test(curricula, sliding_window) {
    for (int slide = 1; slide <= 3; slide++) {
        rnnts_rnn *net = tt_net(16, 4, 4);
        float *init = (float *)tc_xmalloc(net->n_param * sizeof(float));
        rnnts_train_config c = tt_cfg(RNNTS_CURR_SLIDING, RNNTS_TASK_PARITY, 0.0f);
        rnnts_trainer *tr;
        rnnts_epoch_report r;
        static const int pos[3] = {0, 1, 2};
        c.slide = slide;
        memcpy(init, net->param, net->n_param * sizeof(float));
        tr = tt_trainer(&c, net, NULL);
        tt_expect_next(tr, (int[]){2, 3, 4}, 3, "sliding start");
        for (int e = 0; e < 3; e++) {
            int lo = 2 + e * slide;
            tt_epoch(tr, &r);
            tt_expect_ns(&r, (int[]){lo, lo + 1, lo + 2}, pos, 3, "sliding");
            tt_all_acc_positive(&r);
            cr_assert(r.solved && !r.done);
        }
        tt_expect_next(tr, (int[]){2 + 3 * slide, 3 + 3 * slide, 4 + 3 * slide}, 3, "sliding");
        cr_assert(tt_head_same(net, init, 3), "sliding: head 3 outside the window changed");
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(net);
        free(init);
    }
}

/* none: one fixed N; a success ends training; without success the epoch budget does. */
Test(curricula, none_and_budgets) {
    rnnts_rnn *net = tt_net(16, 2, 5);
    rnnts_train_config c = tt_cfg(RNNTS_CURR_NONE, RNNTS_TASK_DMS, 0.0f);
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    c.n_fixed = 4;
    c.n_start = 7; /* ignored by none */
    tr = tt_trainer(&c, net, NULL);
    tt_expect_next(tr, (int[]){4}, 1, "none start");
    tt_epoch(tr, &r);
    tt_expect_ns(&r, (int[]){4}, (int[]){0}, 1, "none");
    tt_all_acc_positive(&r);
    cr_assert(r.solved && r.done, "none: solved %d done %d", r.solved, r.done);
    EXPECT_ERR(rnnts_trainer_epoch(tr, &r, &err_), RNNTS_ERR_STATE, "over");
    rnnts_trainer_destroy(tr);

    /* threshold 100 is never exceeded: max_epochs ends it, exactly at epoch 3 */
    c.threshold = 100.0f; c.max_epochs = 3;
    tr = tt_trainer(&c, net, NULL);
    for (int e = 1; e <= 3; e++) {
        tt_epoch(tr, &r);
        cr_assert_eq(r.solved, 0);
        cr_assert_eq(r.done != 0, e == 3, "max_epochs 3: done %d after epoch %d", r.done, e);
    }
    EXPECT_ERR(rnnts_trainer_epoch(tr, &r, &err_), RNNTS_ERR_STATE, "over");
    rnnts_trainer_destroy(tr);

    /* a wall-clock limit (checked between epochs) */
    c.max_epochs = 1000; c.time_limit_s = 1e-9;
    tr = tt_trainer(&c, net, NULL);
    tt_epoch(tr, &r);
    cr_assert(r.done, "time limit 1 ns: not done after an epoch");
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
}

/* target_n: training stops once the largest N trained reaches it (single and multi). */
Test(curricula, target_n) {
    for (int curr = 0; curr < 2; curr++) {
        rnnts_rnn *net = tt_net(16, 4, 6);
        rnnts_train_config c = tt_cfg((rnnts_curriculum)curr, RNNTS_TASK_PARITY, 0.0f);
        rnnts_trainer *tr;
        rnnts_epoch_report r;
        c.target_n = 4;
        tr = tt_trainer(&c, net, NULL);
        for (int e = 1; e <= 3; e++) {
            tt_epoch(tr, &r);
            tt_all_acc_positive(&r);
            cr_assert_eq(r.ns[r.n_ns - 1], 1 + e);
            cr_assert_eq(r.done != 0, e == 3, "curriculum %d, target 4: done %d after solving N = %d", curr, r.done, 1 + e);
        }
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(net);
    }
}

/* The advance rule: mean accuracy > threshold AND accuracy of the largest N > threshold, both
   strict. An accuracy exactly equal to the threshold does not advance. Determined by rerunning the
   same (deterministic) first epoch with thresholds taken from its own accuracies. */
static rnnts_epoch_report tt_first_epoch(rnnts_curriculum curr, uint64_t seed, float threshold, int *next) {
    rnnts_rnn *net = tt_net(16, 3, 8);
    rnnts_train_config c = tt_cfg(curr, RNNTS_TASK_PARITY, threshold);
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    c.seed = seed;
    tr = tt_trainer(&c, net, NULL);
    tt_epoch(tr, &r);
    rnnts_trainer_ns(tr, next, RNNTS_MAX_NS);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    return r;
}
Test(curricula, advance_rule_threshold_edges) {
    int next[RNNTS_MAX_NS], found_below = 0, found_above = 0;
    rnnts_epoch_report r0, r;
    float a;
    /* single head: acc_mean = acc of the one N */
    r0 = tt_first_epoch(RNNTS_CURR_SINGLE, 9, 100.0f, next);
    a = r0.acc[0];
    cr_assert(a > 0.0f && a < 100.0f, "test setup: accuracy %g", (double)a);
    cr_assert_eq(tc_bits(r0.acc_mean), tc_bits(a));
    r = tt_first_epoch(RNNTS_CURR_SINGLE, 9, a, next);
    cr_assert_eq(tc_bits(r.acc[0]), tc_bits(a), "rerun not deterministic");
    cr_assert(!r.solved && next[0] == 2, "accuracy %.9g == threshold advanced", (double)a);
    r = tt_first_epoch(RNNTS_CURR_SINGLE, 9, nextafterf(a, 0.0f), next);
    cr_assert(r.solved && next[0] == 3, "accuracy %.9g > threshold %.9g did not advance", (double)a, (double)nextafterf(a, 0.0f));

    /* sliding window of 3: neither "mean > threshold" nor "largest N > threshold" alone is
       enough. Seeds are searched for both orders (largest N below and above the mean). */
    for (uint64_t seed = 1; seed < 40 && !(found_below && found_above); seed++) {
        float last, mean, lo, hi, mid;
        double m = 0.0;
        r0 = tt_first_epoch(RNNTS_CURR_SLIDING, seed, 100.0f, next);
        last = r0.acc[2]; mean = r0.acc_mean;
        for (int q = 0; q < 3; q++) m += r0.acc[q];
        cr_assert(fabs(m / 3.0 - mean) <= 1e-5 * mean, "acc_mean %g is not the mean of %g %g %g", (double)mean, (double)r0.acc[0],
                  (double)r0.acc[1], (double)r0.acc[2]);
        if (last == mean || (last < mean && found_below) || (last > mean && found_above)) continue;
        if (last < mean) found_below = 1;
        else found_above = 1;
        lo = last < mean ? last : mean;
        hi = last < mean ? mean : last;
        mid = 0.5f * (lo + hi);
        /* threshold = the smaller one (equal is not above) and between the two: one conjunct holds */
        r = tt_first_epoch(RNNTS_CURR_SLIDING, seed, lo, next);
        cr_assert(!r.solved && next[0] == 2, "sliding: acc of largest N %g, mean %g, threshold %g advanced", (double)last, (double)mean,
                  (double)lo);
        r = tt_first_epoch(RNNTS_CURR_SLIDING, seed, mid, next);
        cr_assert(!r.solved && next[0] == 2, "sliding: acc of largest N %g, mean %g, threshold %g advanced", (double)last, (double)mean,
                  (double)mid);
        r = tt_first_epoch(RNNTS_CURR_SLIDING, seed, nextafterf(lo, 0.0f), next);
        cr_assert(r.solved && next[0] == 3, "sliding: both above threshold %g, not advanced", (double)nextafterf(lo, 0.0f));
    }
    cr_assert(found_below && found_above, "test setup: no seed gave the largest N's accuracy below (%d) / above (%d) the mean", found_below,
              found_above);
}

/* The report: accuracies equal rnnts_evaluate on the test stream of that epoch, acc_mean their
   canonical mean, loss the canonical mean of the step losses reported to on_step. */
typedef struct {
    int calls, last_step, steps;
    float loss[64];
} tt_steps;
static void tt_on_step(void *user, int step, int steps, float loss) {
    tt_steps *s = (tt_steps *)user;
    cr_assert_eq(step, s->last_step + 1, "on_step: step %d after %d", step, s->last_step);
    s->last_step = step;
    s->steps = steps;
    if (step - 1 < 64) s->loss[step - 1] = loss;
    s->calls++;
}
Test(curricula, report_matches_evaluate_and_step_losses) {
    rnnts_rnn *net = tt_net(16, 3, 10);
    rnnts_train_config c = tt_cfg(RNNTS_CURR_MULTI, RNNTS_TASK_PARITY, 0.0f);
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    rnnts_error err;
    c.test_batches = 3;
    tr = tt_trainer(&c, net, NULL);
    for (int e = 1; e <= 3; e++) {
        tt_steps st;
        float acc[RNNTS_MAX_NS];
        memset(&st, 0, sizeof st);
        rnnts_trainer_on_step(tr, tt_on_step, &st);
        tt_epoch(tr, &r);
        cr_assert_eq(st.calls, c.steps_per_epoch);
        cr_assert_eq(st.steps, c.steps_per_epoch);
        cr_assert_eq(tc_bits(r.loss), tc_bits(rnnts_sum_canon(st.loss, (size_t)c.steps_per_epoch) / (float)c.steps_per_epoch),
                     "epoch %d: loss %.9g is not the canonical mean of the step losses", e, (double)r.loss);
        cr_assert(r.loss > 0.0f && r.loss < 5.0f);
        cr_assert_eq(rnnts_evaluate(net, c.task, r.ns, r.heads, r.n_ns, c.batch, c.test_batches, c.seed,
                                    (uint64_t)(e - 1) * (uint64_t)c.test_batches, NULL, acc, &err),
                     RNNTS_OK, "%s", err.msg);
        for (int a = 0; a < r.n_ns; a++) {
            cr_assert_eq(tc_bits(r.acc[a]), tc_bits(acc[a]), "epoch %d N %d: report %.9g, rnnts_evaluate %.9g", e, r.ns[a],
                         (double)r.acc[a], (double)acc[a]);
            /* a multiple of 100 / (test_batches * batch) */
            cr_assert(fabs(r.acc[a] * (c.test_batches * c.batch) / 100.0 - floor(r.acc[a] * (c.test_batches * c.batch) / 100.0 + 0.5)) < 1e-3);
        }
        cr_assert_eq(tc_bits(r.acc_mean), tc_bits(rnnts_sum_canon(r.acc, (size_t)r.n_ns) / (float)r.n_ns));
        cr_assert(r.seconds >= 0.0);
    }
    rnnts_trainer_on_step(tr, NULL, NULL);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
}

/* One epoch replayed through the public API: data (seed, DATA, global step), h0 (seed, draw =
   global step), forward, backward, optimiser over tau/input/recurrent/active heads, zero diagonal.
   Must give the trainer's parameters bit for bit (the training stream is a pure
   function of (seed, step)). */
static void tt_replay(rnnts_curriculum curr, int train_tau, rnnts_optim_config oc) {
    tc_netspec s;
    rnnts_rnn *a, *b;
    rnnts_train_config c = tt_cfg(curr, RNNTS_TASK_DMS, 0.0f);
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    rnnts_optim *o;
    rnnts_rnn_ws *ws;
    rnnts_error err;
    float *grad, *input, tau0;
    int labels[8 * 32], nt;
    unsigned char used[32] = {0};
    uint64_t step = 0;
    memset(&s, 0, sizeof s);
    s.H = 12; s.K = 4; s.seed = 21; s.fixed = !train_tau; s.fixed_tau = 1.5f;
    a = tc_make_net(&s);
    b = tc_make_net(&s);
    tau0 = a->param[0];
    c.optim = oc;
    tr = tt_trainer(&c, a, NULL);
    cr_assert_eq(rnnts_optim_create(&oc, b, NULL, &o, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_ws_create(b, c.batch, rnnts_task_max_len(20), NULL, &ws, NULL), RNNTS_OK);
    grad = (float *)tc_xmalloc(b->n_param * sizeof(float));
    input = (float *)tc_xmalloc((size_t)rnnts_task_max_len(20) * c.batch * sizeof(float));
    nt = rnnts_rnn_tensor_count(b);
    for (int e = 0; e < 2; e++) {
        tt_epoch(tr, &r);
        memset(used, 0, sizeof used);
        for (int t = train_tau ? 0 : 1; t < 5; t++) used[t] = 1;
        for (int q = 0; q < r.n_ns; q++) used[5 + 2 * r.heads[q]] = used[6 + 2 * r.heads[q]] = 1;
        cr_assert_lt(nt, 32);
        for (int k = 0; k < c.steps_per_epoch; k++, step++) {
            rnnts_batch bt;
            int M;
            float loss;
            cr_assert_eq(rnnts_task_batch(c.task, r.ns, r.n_ns, c.batch, c.seed, RNNTS_PURPOSE_DATA, step, input, labels, &M, NULL), RNNTS_OK);
            memset(&bt, 0, sizeof bt);
            bt.batch = c.batch; bt.len = M; bt.input = input; bt.h0_seed = c.seed; bt.h0_draw = step;
            bt.n_active = r.n_ns; bt.heads = r.heads; bt.labels = labels;
            cr_assert_eq(rnnts_rnn_forward(ws, b, &bt, NULL, NULL, &loss, &err), RNNTS_OK, "%s", err.msg);
            cr_assert_eq(rnnts_rnn_backward(ws, b, NULL, grad, &err), RNNTS_OK, "%s", err.msg);
            cr_assert_eq(rnnts_optim_step(o, b, grad, used, NULL, &err), RNNTS_OK, "%s", err.msg);
            rnnts_rnn_zero_diag(b);
        }
        cr_assert_eq(memcmp(a->param, b->param, a->n_param * sizeof(float)), 0,
                     "curriculum %d, tau %s, %s: epoch %d differs from the replay through the public API", (int)curr,
                     train_tau ? "learnable" : "fixed", oc.kind == RNNTS_OPT_ADAM ? "adam" : "sgd", e + 1);
    }
    if (!train_tau) cr_assert_eq(tc_bits(a->param[0]), tc_bits(tau0), "fixed tau changed");
    rnnts_trainer_destroy(tr);
    rnnts_optim_destroy(o);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(a);
    rnnts_rnn_destroy(b);
    free(grad);
    free(input);
}
Test(curricula, epoch_equals_public_api_replay) {
    tt_replay(RNNTS_CURR_SINGLE, 1, rnnts_optim_config_sgd());
    tt_replay(RNNTS_CURR_MULTI, 0, rnnts_optim_config_sgd());
    tt_replay(RNNTS_CURR_SLIDING, 1, rnnts_optim_config_adam());
}

/* A tiny network learns 2-parity to 100 % test accuracy; with threshold 100 that does not
   advance, with the default 98 it does. */
Test(curricula, tiny_network_learns_2_parity) {
    rnnts_rnn *net = tt_net(32, 1, 7);
    rnnts_train_config c = tt_cfg(RNNTS_CURR_SINGLE, RNNTS_TASK_PARITY, 100.0f);
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    int reached = 0, e;
    c.steps_per_epoch = 100; c.test_batches = 3; c.seed = 5;
    tr = tt_trainer(&c, net, NULL);
    for (e = 1; e <= 15 && !reached; e++) {
        tt_epoch(tr, &r);
        cr_assert_eq(r.solved, 0, "threshold 100 advanced at accuracy %.9g", (double)r.acc[0]);
        cr_assert_eq(r.ns[0], 2);
        reached = r.acc[0] == 100.0f;
    }
    cr_assert(reached, "2-parity not learned to 100 %% in 15 epochs (H 32, batch 32, 100 steps)");
    tt_expect_next(tr, (int[]){2}, 1, "threshold 100");
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);

    net = tt_net(32, 1, 7);
    c.threshold = 98.0f;
    tr = tt_trainer(&c, net, NULL);
    for (e = 1; e <= 15; e++) {
        tt_epoch(tr, &r);
        if (r.solved) break;
    }
    cr_assert(r.solved && r.acc[0] > 98.0f, "threshold 98 never met in 15 epochs");
    tt_expect_next(tr, (int[]){3}, 1, "threshold 98");
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
}

Test(curricula, config_errors_name_the_field) {
    rnnts_train_config d = tt_cfg(RNNTS_CURR_MULTI, RNNTS_TASK_PARITY, 98.0f), c;
    rnnts_rnn *net = tt_net(4, 2, 1);
    rnnts_trainer *tr = (rnnts_trainer *)(uintptr_t)1;
    rnnts_epoch_report r;
#define TT_BAD(field_change, name)                                                                                \
    do {                                                                                                         \
        c = d;                                                                                                   \
        field_change;                                                                                            \
        EXPECT_ERR(rnnts_train_config_check(&c, net, &err_), RNNTS_ERR_INVALID_ARG, name);                   \
        tr = (rnnts_trainer *)(uintptr_t)1;                                                                      \
        EXPECT_ERR(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err_), RNNTS_ERR_INVALID_ARG, name);      \
        cr_assert_null(tr, "trainer_create failed but set *out");                                                \
    } while (0)
    TT_BAD(c.task = (rnnts_task)2, "task");
    TT_BAD(c.curriculum = (rnnts_curriculum)4, "curriculum");
    TT_BAD(c.curriculum = (rnnts_curriculum)-1, "curriculum");
    TT_BAD(c.n_start = 0, "n_start");
    TT_BAD(c.n_add = 0, "n_add");
    TT_BAD(c.window = 0, "window");
    TT_BAD(c.slide = 0, "slide");
    TT_BAD((c.window = 2, c.slide = 3), "slide");
    TT_BAD(c.n_fixed = 0, "n_fixed");
    TT_BAD(c.batch = 0, "batch");
    TT_BAD(c.batch = 65537, "batch");
    TT_BAD(c.steps_per_epoch = 0, "steps_per_epoch");
    TT_BAD(c.test_batches = 0, "test_batches");
    TT_BAD(c.max_epochs = 0, "max_epochs");
    TT_BAD(c.target_n = -1, "target_n");
    TT_BAD(c.time_limit_s = -1.0, "time_limit_s");
    TT_BAD(c.time_limit_s = NAN, "time_limit_s");
    TT_BAD(c.threshold = 100.5f, "threshold");
    TT_BAD(c.threshold = -1.0f, "threshold");
    TT_BAD(c.threshold = NAN, "threshold");
    TT_BAD(c.optim.lr = -1.0f, "lr");
    TT_BAD(c.optim.kind = (rnnts_optimizer)7, "optimizer");
    TT_BAD((c.curriculum = RNNTS_CURR_SLIDING, c.window = 3), "heads"); /* 2-head network, window 3 */
#undef TT_BAD
    EXPECT_ERR(rnnts_train_config_check(NULL, net, &err_), RNNTS_ERR_INVALID_ARG, "config");
    EXPECT_ERR(rnnts_trainer_create(&d, NULL, NULL, NULL, &tr, &err_), RNNTS_ERR_INVALID_ARG, "net");
    EXPECT_ERR(rnnts_trainer_create(&d, net, NULL, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "out");
    EXPECT_ERR(rnnts_trainer_epoch(NULL, &r, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    cr_assert_eq(rnnts_trainer_ns(NULL, NULL, 0), 0);
    cr_assert_eq(rnnts_trainer_epochs(NULL), 0);
    rnnts_trainer_destroy(NULL);
    rnnts_rnn_destroy(net);
}

Test(curricula, evaluate_errors) {
    rnnts_rnn *net = tt_net(4, 2, 1);
    int ns[2] = {2, 3}, heads[2] = {0, 1}, bad[1] = {0};
    float acc[2];
    EXPECT_ERR(rnnts_evaluate(NULL, RNNTS_TASK_PARITY, ns, heads, 2, 8, 1, 1, 0, NULL, acc, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    EXPECT_ERR(rnnts_evaluate(net, RNNTS_TASK_PARITY, ns, heads, 0, 8, 1, 1, 0, NULL, acc, &err_), RNNTS_ERR_INVALID_ARG, "Ns");
    EXPECT_ERR(rnnts_evaluate(net, RNNTS_TASK_PARITY, ns, heads, 2, 0, 1, 1, 0, NULL, acc, &err_), RNNTS_ERR_INVALID_ARG, "batch");
    EXPECT_ERR(rnnts_evaluate(net, RNNTS_TASK_PARITY, ns, heads, 2, 8, 0, 1, 0, NULL, acc, &err_), RNNTS_ERR_INVALID_ARG, "batches");
    EXPECT_ERR(rnnts_evaluate(net, RNNTS_TASK_PARITY, bad, heads, 1, 8, 1, 1, 0, NULL, acc, &err_), RNNTS_ERR_INVALID_ARG, "N = 0");
    cr_assert_eq(rnnts_evaluate(net, RNNTS_TASK_DMS, ns, heads, 2, 8, 2, 1, 0, NULL, acc, NULL), RNNTS_OK);
    for (int a = 0; a < 2; a++) cr_assert(acc[a] >= 0.0f && acc[a] <= 100.0f);
    rnnts_rnn_destroy(net);
}

/* =============================================================================================== */
/* checkpoints and resume                                                                          */
/* =============================================================================================== */
static void tt_save(const rnnts_trainer *tr, const char *path) {
    rnnts_error err;
    cr_assert_eq(rnnts_trainer_save(tr, path, &err), RNNTS_OK, "rnnts_trainer_save(%s): %s", path, err.msg);
}
static void tt_rm_dir(const char *dir, int n_files, const char *const *names) {
    char p[512];
    for (int i = 0; i < n_files; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        remove(p);
    }
    rmdir(dir);
}

/* Train 4 epochs saving after each; resume from epoch 2 and train 2 more: the epoch-3 and -4
   files are byte-identical. Also save(resume(e2)) == e2 before any training. */
static void tt_resume_case(rnnts_curriculum curr, rnnts_task task, int adam, float threshold, const char *what) {
    char dir[] = "/tmp/rnnts_train_XXXXXX", p[6][300];
    static const char *const names[] = {"e1", "e2", "e3", "e4", "r2", "r3", "r4"};
    rnnts_rnn *net = tt_net(16, 6, 31), *net2 = NULL;
    rnnts_train_config c = tt_cfg(curr, task, threshold);
    rnnts_trainer *tr, *tr2 = NULL;
    rnnts_epoch_report r, rr[5];
    rnnts_error err;
    char rp[3][300];
    if (adam) c.optim = rnnts_optim_config_adam();
    cr_assert_not_null(mkdtemp(dir));
    for (int e = 0; e < 4; e++) snprintf(p[e], sizeof p[e], "%s/e%d", dir, e + 1);
    for (int e = 0; e < 3; e++) snprintf(rp[e], sizeof rp[e], "%s/r%d", dir, e + 2);
    tr = tt_trainer(&c, net, NULL);
    for (int e = 0; e < 4; e++) {
        tt_epoch(tr, &rr[e + 1]);
        tt_save(tr, p[e]);
    }
    cr_assert_eq(rnnts_trainer_resume(p[1], NULL, NULL, &net2, &tr2, &err), RNNTS_OK, "%s: resume: %s", what, err.msg);
    cr_assert_eq(rnnts_trainer_epochs(tr2), 2);
    tt_save(tr2, rp[0]);
    tc_same_file(p[1], rp[0], what);
    for (int e = 2; e < 4; e++) {
        tt_epoch(tr2, &r);
        cr_assert_eq(r.epoch, e + 1);
        tt_expect_ns(&r, rr[e + 1].ns, rr[e + 1].heads, rr[e + 1].n_ns, what);
        cr_assert_eq(tc_bits(r.loss), tc_bits(rr[e + 1].loss), "%s epoch %d: loss %.9g after resume, %.9g uninterrupted", what, e + 1,
                     (double)r.loss, (double)rr[e + 1].loss);
        cr_assert_eq(r.solved, rr[e + 1].solved);
        cr_assert_eq(r.done, rr[e + 1].done);
        tt_save(tr2, rp[e - 1]);
        tc_same_file(p[e], rp[e - 1], what);
    }
    rnnts_trainer_destroy(tr2);
    rnnts_rnn_destroy(net2);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    tt_rm_dir(dir, 7, names);
}
Test(resume, single_sgd) { tt_resume_case(RNNTS_CURR_SINGLE, RNNTS_TASK_PARITY, 0, 0.0f, "single/sgd"); }
Test(resume, single_sgd_real_threshold) { tt_resume_case(RNNTS_CURR_SINGLE, RNNTS_TASK_PARITY, 0, 60.0f, "single/sgd/60"); }
Test(resume, multi_sgd) { tt_resume_case(RNNTS_CURR_MULTI, RNNTS_TASK_DMS, 0, 0.0f, "multi/sgd"); }
Test(resume, sliding_sgd) { tt_resume_case(RNNTS_CURR_SLIDING, RNNTS_TASK_PARITY, 0, 0.0f, "sliding/sgd"); }
Test(resume, none_sgd) { tt_resume_case(RNNTS_CURR_NONE, RNNTS_TASK_DMS, 0, 100.0f, "none/sgd"); }
Test(resume, single_adam) { tt_resume_case(RNNTS_CURR_SINGLE, RNNTS_TASK_DMS, 1, 0.0f, "single/adam"); }
Test(resume, multi_adam) { tt_resume_case(RNNTS_CURR_MULTI, RNNTS_TASK_PARITY, 1, 0.0f, "multi/adam"); }
Test(resume, sliding_adam) { tt_resume_case(RNNTS_CURR_SLIDING, RNNTS_TASK_DMS, 1, 0.0f, "sliding/adam"); }

/* A checkpoint saved after training is over resumes finished; its metadata names the Ns solved. */
Test(resume, finished_run_resumes_done) {
    char dir[] = "/tmp/rnnts_train_XXXXXX", p[300], q[300];
    static const char *const names[] = {"done", "again"};
    rnnts_rnn *net = tt_net(16, 2, 32), *net2 = NULL, *m = NULL;
    rnnts_train_config c = tt_cfg(RNNTS_CURR_NONE, RNNTS_TASK_PARITY, 0.0f);
    rnnts_trainer *tr, *tr2 = NULL;
    rnnts_epoch_report r;
    rnnts_error err;
    c.n_fixed = 3;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/done", dir);
    snprintf(q, sizeof q, "%s/again", dir);
    tr = tt_trainer(&c, net, NULL);
    tt_epoch(tr, &r);
    cr_assert(r.done && r.solved);
    tt_save(tr, p);
    cr_assert_eq(rnnts_trainer_resume(p, NULL, NULL, &net2, &tr2, &err), RNNTS_OK, "%s", err.msg);
    EXPECT_ERR(rnnts_trainer_epoch(tr2, &r, &err_), RNNTS_ERR_STATE, "over");
    cr_assert_eq(rnnts_trainer_epochs(tr2), 1);
    tt_save(tr2, q);
    tc_same_file(p, q, "done checkpoint re-saved");
    cr_assert_eq(memcmp(net->param, net2->param, net->n_param * sizeof(float)), 0);
    /* the checkpoint is also a model file with the metadata of a model file */
    cr_assert_eq(rnnts_rnn_load(p, NULL, &m, &err), RNNTS_OK, "checkpoint does not load as a model: %s", err.msg);
    cr_assert_str_eq(m->meta.task, "parity");
    cr_assert_str_eq(m->meta.curriculum, "none");
    cr_assert_str_eq(m->meta.ns, "3");
    cr_assert_eq(m->meta.epoch, 1);
    cr_assert_eq(m->meta.seed, c.seed);
    cr_assert_eq(memcmp(m->param, net->param, net->n_param * sizeof(float)), 0);
    rnnts_rnn_destroy(m);
    rnnts_trainer_destroy(tr2);
    rnnts_rnn_destroy(net2);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    tt_rm_dir(dir, 2, names);
}

/* rnnts_trainer_set_budget: a run that ended on its epoch budget, saved and resumed, continues
   under a larger budget with the same bits as a run that had the larger budget all along; a
   curriculum that is over stays over; bad values name the field. */
Test(resume, extended_budget_matches_uninterrupted) {
    char dir[] = "/tmp/rnnts_train_XXXXXX", p[4][300];
    static const char *const names[] = {"a3", "a4", "b2", "b4"};
    rnnts_rnn *na = tt_net(16, 6, 33), *nb = tt_net(16, 6, 33), *nr = NULL;
    rnnts_train_config c = tt_cfg(RNNTS_CURR_MULTI, RNNTS_TASK_PARITY, 0.0f);
    rnnts_trainer *ta, *tb, *trr = NULL;
    rnnts_epoch_report r;
    rnnts_error err;
    cr_assert_not_null(mkdtemp(dir));
    for (int i = 0; i < 4; i++) snprintf(p[i], sizeof p[i], "%s/%s", dir, names[i]);
    c.max_epochs = 3;
    ta = tt_trainer(&c, na, NULL);
    for (int e = 1; e <= 3; e++) tt_epoch(ta, &r);
    cr_assert(r.done, "max_epochs 3: not done");
    cr_assert_eq(rnnts_trainer_set_budget(ta, 3, 0, 0.0, &err), RNNTS_OK, "%s", err.msg);
    EXPECT_ERR(rnnts_trainer_epoch(ta, &r, &err_), RNNTS_ERR_STATE, "over");
    cr_assert_eq(rnnts_trainer_set_budget(ta, 4, 0, 0.0, &err), RNNTS_OK, "%s", err.msg);
    tt_epoch(ta, &r);
    cr_assert(r.done && r.epoch == 4);
    tt_save(ta, p[1]);

    c.max_epochs = 2;
    tb = tt_trainer(&c, nb, NULL);
    tt_epoch(tb, &r);
    tt_epoch(tb, &r);
    cr_assert(r.done);
    tt_save(tb, p[2]);
    cr_assert_eq(rnnts_trainer_resume(p[2], NULL, NULL, &nr, &trr, &err), RNNTS_OK, "%s", err.msg);
    EXPECT_ERR(rnnts_trainer_epoch(trr, &r, &err_), RNNTS_ERR_STATE, "over");
    EXPECT_ERR(rnnts_trainer_set_budget(trr, 0, 0, 0.0, &err_), RNNTS_ERR_INVALID_ARG, "max_epochs");
    EXPECT_ERR(rnnts_trainer_set_budget(trr, 4, -1, 0.0, &err_), RNNTS_ERR_INVALID_ARG, "target_n");
    EXPECT_ERR(rnnts_trainer_set_budget(trr, 4, 0, -1.0, &err_), RNNTS_ERR_INVALID_ARG, "time_limit_s");
    EXPECT_ERR(rnnts_trainer_set_budget(NULL, 4, 0, 0.0, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    cr_assert_eq(rnnts_trainer_set_budget(trr, 4, 0, 0.0, &err), RNNTS_OK, "%s", err.msg);
    tt_epoch(trr, &r);
    cr_assert(!r.done && r.epoch == 3);
    tt_epoch(trr, &r);
    cr_assert(r.done && r.epoch == 4);
    tt_save(trr, p[3]);
    tc_same_file(p[1], p[3], "budget 3 -> 4 in process vs budget 2 -> resumed -> 4");
    rnnts_trainer_destroy(trr);
    rnnts_rnn_destroy(nr);
    rnnts_trainer_destroy(ta);
    rnnts_trainer_destroy(tb);
    rnnts_rnn_destroy(na);
    rnnts_rnn_destroy(nb);

    /* curriculum over (none solved): stays over whatever the budget */
    na = tt_net(8, 1, 3);
    c = tt_cfg(RNNTS_CURR_NONE, RNNTS_TASK_DMS, 0.0f);
    c.max_epochs = 1;
    ta = tt_trainer(&c, na, NULL);
    tt_epoch(ta, &r);
    cr_assert(r.done && r.solved);
    cr_assert_eq(rnnts_trainer_set_budget(ta, 100, 0, 0.0, &err), RNNTS_OK, "%s", err.msg);
    EXPECT_ERR(rnnts_trainer_epoch(ta, &r, &err_), RNNTS_ERR_STATE, "over");
    rnnts_trainer_destroy(ta);
    rnnts_rnn_destroy(na);
    tt_rm_dir(dir, 4, names);
}

/* A plain model file is not a checkpoint. */
Test(resume, model_file_is_not_a_checkpoint) {
    char dir[] = "/tmp/rnnts_train_XXXXXX", p[300];
    static const char *const names[] = {"model"};
    rnnts_rnn *net = tt_net(4, 1, 1), *n2 = (rnnts_rnn *)(uintptr_t)1;
    rnnts_trainer *tr = (rnnts_trainer *)(uintptr_t)1;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/model", dir);
    cr_assert_eq(rnnts_rnn_save(net, p, NULL), RNNTS_OK);
    EXPECT_ERR(rnnts_trainer_resume(p, NULL, NULL, &n2, &tr, &err_), RNNTS_ERR_FORMAT, "train_config");
    cr_assert_null(n2);
    cr_assert_null(tr);
    EXPECT_ERR(rnnts_trainer_resume(p, NULL, NULL, NULL, &tr, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    snprintf(p, sizeof p, "%s/missing", dir);
    EXPECT_ERR(rnnts_trainer_resume(p, NULL, NULL, &n2, &tr, &err_), RNNTS_ERR_IO, "missing");
    EXPECT_ERR(rnnts_trainer_save(NULL, p, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    rnnts_rnn_destroy(net);
    tt_rm_dir(dir, 1, names);
}

/* Many Ns at once: the checkpoint must hold all of them and their heads (RNNTS_MAX_NS = 256 are
   allowed). A sliding window of 200 heads, saved before training, and a multi-head run trained
   (threshold 0) until it trains Ns 2..186 on heads 0..184: the default curriculum after a long run. */
static void tt_wide_case(rnnts_curriculum curr, int K, int n_want) {
    char dir[] = "/tmp/rnnts_train_XXXXXX", p[300];
    static const char *const names[] = {"wide"};
    rnnts_rnn *net = tt_net(2, K, 1), *net2 = NULL;
    rnnts_train_config c = tt_cfg(curr, RNNTS_TASK_DMS, 0.0f);
    rnnts_trainer *tr, *tr2 = NULL;
    rnnts_epoch_report r;
    rnnts_error err;
    int a[RNNTS_MAX_NS], b[RNNTS_MAX_NS], na, nb;
    rnnts_result res;
    c.window = K; c.batch = 16; c.steps_per_epoch = 1; c.test_batches = 1;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/wide", dir);
    tr = tt_trainer(&c, net, NULL);
    for (int e = 0; e < 2 * n_want && rnnts_trainer_ns(tr, a, RNNTS_MAX_NS) < n_want; e++) tt_epoch(tr, &r);
    tt_save(tr, p);
    na = rnnts_trainer_ns(tr, a, RNNTS_MAX_NS);
    cr_assert_eq(na, n_want, "test setup: %d Ns reached, wanted %d", na, n_want);
    err.msg[0] = 0;
    res = rnnts_trainer_resume(p, NULL, NULL, &net2, &tr2, &err);
    tt_rm_dir(dir, 1, names);
    cr_assert_eq(res, RNNTS_OK, "%s with %d Ns (%d..%d): the checkpoint does not resume: %s", curr == RNNTS_CURR_MULTI ? "multi" : "sliding",
                 na, a[0], a[na - 1], err.msg);
    nb = rnnts_trainer_ns(tr2, b, RNNTS_MAX_NS);
    cr_assert_eq(nb, na, "resumed with %d Ns, saved %d", nb, na);
    cr_assert_eq(memcmp(a, b, (size_t)na * sizeof(int)), 0);
    rnnts_trainer_destroy(tr2);
    rnnts_rnn_destroy(net2);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
}
Test(resume, wide_sliding_window_round_trip) { tt_wide_case(RNNTS_CURR_SLIDING, 200, 200); }
Test(resume, long_multi_run_round_trip) { tt_wide_case(RNNTS_CURR_MULTI, 190, 185); }

/* =============================================================================================== */
/* threads                                                                                        */
/* =============================================================================================== */
Test(train_threads, checkpoints_identical_for_1_2_3_threads) {
    char dir[] = "/tmp/rnnts_train_XXXXXX", p[5][300];
    static const char *const names[] = {"t0", "t1", "t2", "t3"};
    cr_assert_not_null(mkdtemp(dir));
    for (int curr = 0; curr < 4; curr++) {
        for (int t = 0; t <= 3; t++) { /* t = 0: no pool */
            rnnts_pool *pool = NULL;
            rnnts_rnn *net = tt_net(24, 3, 40);
            /* threshold 0 advances every epoch; none would stop after one, so it never advances */
            rnnts_train_config c = tt_cfg((rnnts_curriculum)curr, curr & 1 ? RNNTS_TASK_DMS : RNNTS_TASK_PARITY, curr == 3 ? 100.0f : 0.0f);
            rnnts_trainer *tr;
            rnnts_epoch_report r;
            if (curr == 3) c.optim = rnnts_optim_config_adam();
            if (t) cr_assert_eq(rnnts_pool_create(t, NULL, &pool, NULL), RNNTS_OK);
            tr = tt_trainer(&c, net, pool);
            tt_epoch(tr, &r);
            tt_epoch(tr, &r);
            snprintf(p[t], sizeof p[t], "%s/t%d", dir, t);
            tt_save(tr, p[t]);
            rnnts_trainer_destroy(tr);
            rnnts_rnn_destroy(net);
            rnnts_pool_destroy(pool);
            if (t) tc_same_file(p[0], p[t], "threads");
        }
    }
    tt_rm_dir(dir, 4, names);
}
