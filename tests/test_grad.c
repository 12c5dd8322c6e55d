/* test_grad.c — loss and gradients of rnnts_rnn_forward/backward against an independent
   double-precision implementation written here (forward in double, reverse mode by hand in
   double, itself checked by central finite differences); thread-count independence; the drawn
   h0; W's diagonal. Public API only. */
#include "test_common.h"

#include <math.h>

/* ---- the double-precision reference ------------------------------------------------------------
   Parameters in rnnts's layout (as doubles): tau [H] or [1], w_in [H], b_in [H], W [H*H], b [H],
   heads k: V [2][H], c [2]. Model (rnnts.h, >>rnn): tau_hat = max(k tau, 1) learnable, k tau fixed
   (k = 1 in discrete time); W's diagonal reads as zero but receives a gradient.
     u = b + sum_{j != i} W_ij h_j + w_in s + b_in
     default: h' = phi((1 - 1/tau_hat) h + u / tau_hat)
     mod:     h' = (1 - 1/tau_hat) h + phi(u) / tau_hat
   loss = sum over active heads of mean_b cross-entropy(V h_L + c, y). */
typedef struct {
    int H, K, variant, act, train_tau, kc, B, M, na;
    const int *heads, *labels;
    const double *input; /* [M][B] */
    const double *h0;    /* [B][H] */
} ref_prob;
typedef struct {
    long pos, neg, zero; /* signs of the activation's argument over the run */
} ref_stats;

static double phi_d(int act, double x) {
    switch (act) {
    case RNNTS_ACT_LEAKYRELU: return x > 0 ? x : 0.01 * x;
    case RNNTS_ACT_RELU: return x > 0 ? x : 0.0;
    case RNNTS_ACT_TANH: return tanh(x);
    default: return 1.0 / (1.0 + exp(-x));
    }
}
static double dphi_d(int act, double x) {
    switch (act) {
    case RNNTS_ACT_LEAKYRELU: return x > 0 ? 1.0 : 0.01; /* torch: self > 0 ? 1 : negative_slope */
    case RNNTS_ACT_RELU: return x > 0 ? 1.0 : 0.0;
    case RNNTS_ACT_TANH: { double t = tanh(x); return 1.0 - t * t; }
    default: { double s = 1.0 / (1.0 + exp(-x)); return s * (1.0 - s); }
    }
}
static size_t ref_nparam(const ref_prob *p) {
    size_t H = (size_t)p->H;
    return (p->train_tau ? H : 1) + 3 * H + H * H + (size_t)p->K * (2 * H + 2);
}

/* Returns the loss; writes dloss/dparam into grad (n_param doubles) when grad != NULL, and the
   final-step logits [na][B][2] into logits when != NULL. */
static double ref_run(const ref_prob *p, const double *prm, double *grad, double *logits, ref_stats *st) {
    const int H = p->H, B = p->B, kcv = p->kc > 0 ? p->kc : 1, L = p->M * kcv;
    const size_t ntau = p->train_tau ? (size_t)H : 1;
    const double *tau = prm, *win = prm + ntau, *bin = win + H, *W = bin + H, *bb = W + (size_t)H * H, *head = bb + H;
    double *th = (double *)tc_xmalloc((size_t)H * 8), *hs = (double *)tc_xmalloc((size_t)(L + 1) * B * H * 8);
    double *us = (double *)tc_xmalloc((size_t)L * B * H * 8), *as = (double *)tc_xmalloc((size_t)L * B * H * 8);
    double loss = 0.0;
    for (int i = 0; i < H; i++) {
        if (p->train_tau) {
            double kt = (double)kcv * tau[i];
            th[i] = kt > 1.0 ? kt : 1.0;
        } else th[i] = (double)kcv * tau[0];
    }
    memcpy(hs, p->h0, (size_t)B * H * 8);
    for (int t = 0; t < L; t++) {
        const double *h = hs + (size_t)t * B * H;
        double *hn = hs + (size_t)(t + 1) * B * H, *u = us + (size_t)t * B * H, *a = as + (size_t)t * B * H;
        for (int b = 0; b < B; b++) {
            double s = p->input[(size_t)(t / kcv) * B + b];
            for (int i = 0; i < H; i++) {
                double acc = bb[i] + win[i] * s + bin[i], al = 1.0 - 1.0 / th[i], arg;
                for (int j = 0; j < H; j++)
                    if (j != i) acc += W[(size_t)i * H + j] * h[(size_t)b * H + j];
                u[(size_t)b * H + i] = acc;
                if (p->variant == RNNTS_VARIANT_DEFAULT && p->kc == 0) {
                    arg = al * h[(size_t)b * H + i] + acc / th[i];
                    a[(size_t)b * H + i] = arg;
                    hn[(size_t)b * H + i] = phi_d(p->act, arg);
                } else {
                    arg = acc;
                    hn[(size_t)b * H + i] = al * h[(size_t)b * H + i] + phi_d(p->act, acc) / th[i];
                }
                if (st) {
                    if (arg > 0) st->pos++;
                    else if (arg < 0) st->neg++;
                    else st->zero++;
                }
            }
        }
    }
    {
        const double *hL = hs + (size_t)L * B * H;
        double *g = NULL, *gp = NULL, *dth = NULL;
        if (grad) {
            memset(grad, 0, ref_nparam(p) * 8);
            g = (double *)tc_xmalloc((size_t)B * H * 8);
            gp = (double *)tc_xmalloc((size_t)B * H * 8);
            dth = (double *)tc_xmalloc((size_t)H * 8);
        }
        for (int a = 0; a < p->na; a++) {
            int k = p->heads[a];
            const double *V = head + (size_t)k * (2 * H + 2), *c = V + 2 * H;
            double *dV = grad ? grad + (head - prm) + (size_t)k * (2 * H + 2) : NULL, *dc = dV ? dV + 2 * H : NULL;
            for (int b = 0; b < B; b++) {
                double l[2], m, lse;
                int y = p->labels[(size_t)a * B + b];
                for (int cl = 0; cl < 2; cl++) {
                    l[cl] = c[cl];
                    for (int i = 0; i < H; i++) l[cl] += V[(size_t)cl * H + i] * hL[(size_t)b * H + i];
                    if (logits) logits[((size_t)a * B + b) * 2 + cl] = l[cl];
                }
                m = l[0] > l[1] ? l[0] : l[1];
                lse = m + log(exp(l[0] - m) + exp(l[1] - m));
                loss += (lse - l[y]) / B;
                if (grad)
                    for (int cl = 0; cl < 2; cl++) {
                        double dl = (exp(l[cl] - lse) - (cl == y ? 1.0 : 0.0)) / B;
                        dc[cl] += dl;
                        for (int i = 0; i < H; i++) {
                            dV[(size_t)cl * H + i] += dl * hL[(size_t)b * H + i];
                            g[(size_t)b * H + i] += V[(size_t)cl * H + i] * dl;
                        }
                    }
            }
        }
        if (grad) {
            double *dtau = grad, *dwin = grad + ntau, *dbin = dwin + H, *dW = dbin + H, *db = dW + (size_t)H * H;
            for (int t = L - 1; t >= 0; t--) {
                const double *h = hs + (size_t)t * B * H, *u = us + (size_t)t * B * H, *av = as + (size_t)t * B * H;
                memset(gp, 0, (size_t)B * H * 8);
                for (int b = 0; b < B; b++) {
                    double s = p->input[(size_t)(t / kcv) * B + b];
                    for (int i = 0; i < H; i++) {
                        size_t q = (size_t)b * H + i;
                        double al = 1.0 - 1.0 / th[i], du;
                        if (p->variant == RNNTS_VARIANT_DEFAULT && p->kc == 0) {
                            double da = g[q] * dphi_d(p->act, av[q]);
                            du = da / th[i];
                            gp[q] += al * da;
                            dth[i] += da * (h[q] - u[q]) / (th[i] * th[i]);
                        } else {
                            du = g[q] / th[i] * dphi_d(p->act, u[q]);
                            gp[q] += al * g[q];
                            dth[i] += g[q] * (h[q] - phi_d(p->act, u[q])) / (th[i] * th[i]);
                        }
                        db[i] += du;
                        dbin[i] += du;
                        dwin[i] += du * s;
                        for (int j = 0; j < H; j++) {
                            dW[(size_t)i * H + j] += du * h[(size_t)b * H + j]; /* diagonal too */
                            if (j != i) gp[(size_t)b * H + j] += W[(size_t)i * H + j] * du;
                        }
                    }
                }
                memcpy(g, gp, (size_t)B * H * 8);
            }
            if (p->train_tau)
                for (int i = 0; i < H; i++) dtau[i] = (double)kcv * tau[i] >= 1.0 ? dth[i] * kcv : 0.0; /* torch.clamp */
            free(g); free(gp); free(dth);
        }
    }
    free(th); free(hs); free(us); free(as);
    return loss;
}

/* ---- one gradient case ---------------------------------------------------------------------- */
typedef struct {
    const char *name;
    int H, K, B, M, variant, act, fixed, kc;
    float fixed_tau;
    int na, heads[4];
    int clamp;     /* learnable tau: some below the clamp, one exactly on it */
    float h0_amp;  /* > 0: given h0 in [-amp, amp); 0: drawn */
    int kink;      /* b_in = -b and h0 = 0 for half the batch with zero first input: pre-activations exactly 0 */
    uint64_t seed;
} gcase;

typedef struct {
    double worst_tensor, worst_elem, loss_err;
    int clamp_passed; /* taus exactly on the clamp with a non-zero gradient, checked */
} gresult;

static void to_double(const float *x, double *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i];
}

static gresult check_case(const gcase *c) {
    tc_netspec ns = {c->H, c->K, c->variant, c->act, c->fixed, c->kc, c->fixed_tau, c->seed};
    rnnts_rnn *net = tc_make_net(&ns);
    rnnts_rnn_ws *ws;
    rnnts_error err;
    tc_batch tb;
    float loss, *grad = (float *)tc_xmalloc(net->n_param * 4), *h0f, *logits;
    double *prm = (double *)tc_xmalloc(net->n_param * 8), *gref = (double *)tc_xmalloc(net->n_param * 8);
    double *in = (double *)tc_xmalloc((size_t)c->M * c->B * 8), *h0 = (double *)tc_xmalloc((size_t)c->B * c->H * 8);
    double *lref = (double *)tc_xmalloc((size_t)c->na * c->B * 2 * 8), lossref;
    ref_stats st = {0, 0, 0};
    gresult res = {0, 0, 0, 0};
    ref_prob p;
    int kcv = c->kc > 0 ? c->kc : 1;

    if (c->clamp && !c->fixed) {
        for (int i = 0; i < c->H; i += 3) net->tau[i] = (0.55f + 0.1f * (float)(i % 4)) / (float)kcv; /* below: k tau < 1 */
        net->tau[c->H > 1 ? 1 : 0] = 1.0f / (float)kcv;                                              /* exactly on the clamp */
        cr_assert_eq((float)kcv * net->tau[c->H > 1 ? 1 : 0], 1.0f);
    }
    tc_make_batch(&tb, c->H, c->B, c->M, c->na, c->heads, c->seed * 31 + 7, c->h0_amp);
    if (c->kink) {
        /* u = (b + W.0) + (w_in.0 + (-b)) = 0 exactly at t = 0 for sequences with h0 = 0, s_0 = 0. */
        for (int i = 0; i < c->H; i++) net->b_in[i] = -net->b[i];
        for (int b = 0; b < c->B; b += 2) {
            tb.input[b] = 0.0f;
            for (int i = 0; i < c->H; i++) tb.h0[(size_t)b * c->H + i] = 0.0f;
        }
    }
    cr_assert_eq(rnnts_rnn_ws_create(net, c->B, c->M, NULL, &ws, &err), RNNTS_OK, "%s: %s", c->name, err.msg);
    logits = (float *)tc_xmalloc((size_t)c->na * c->B * 2 * 4);
    cr_assert_eq(rnnts_rnn_forward(ws, net, &tb.bt, NULL, logits, &loss, &err), RNNTS_OK, "%s: forward: %s", c->name, err.msg);
    cr_assert_eq(rnnts_rnn_backward(ws, net, NULL, grad, &err), RNNTS_OK, "%s: backward: %s", c->name, err.msg);
    h0f = (float *)tc_xmalloc((size_t)c->B * c->H * 4);
    cr_assert_eq(rnnts_rnn_ws_h0(ws, h0f), RNNTS_OK);
    if (tb.h0)
        for (int e = 0; e < c->B * c->H; e++) cr_assert_eq(tc_bits(h0f[e]), tc_bits(tb.h0[e]), "%s: ws_h0 differs from the given h0", c->name);

    to_double(net->param, prm, net->n_param);
    to_double(tb.input, in, (size_t)c->M * c->B);
    to_double(h0f, h0, (size_t)c->B * c->H);
    memset(&p, 0, sizeof p);
    p.H = c->H; p.K = c->K; p.variant = c->variant; p.act = c->act; p.train_tau = !c->fixed; p.kc = c->kc;
    p.B = c->B; p.M = c->M; p.na = c->na; p.heads = c->heads; p.labels = tb.labels; p.input = in; p.h0 = h0;
    lossref = ref_run(&p, prm, gref, lref, &st);

    res.loss_err = fabs(loss - lossref) / fabs(lossref);
    cr_assert(res.loss_err <= 1e-5, "%s: loss %.9g, double reference %.12g (relative error %.3g)", c->name, (double)loss, lossref,
              res.loss_err);
    for (int e = 0; e < c->na * c->B * 2; e++)
        cr_assert(fabs(logits[e] - lref[e]) <= 1e-5 * (1.0 + fabs(lref[e])), "%s: logit %d = %.9g, reference %.12g", c->name, e,
                  (double)logits[e], lref[e]);
    if (c->act <= RNNTS_ACT_RELU && c->B * c->M * c->H >= 8)
        cr_assert(st.pos > 0 && st.neg > 0, "%s: activation arguments should take both signs (pos %ld, neg %ld)", c->name, st.pos,
                  st.neg);
    if (c->kink) cr_assert(st.zero > 0, "%s: the kink case produced no pre-activation exactly 0", c->name);

    for (int t = 0; t < rnnts_rnn_tensor_count(net); t++) {
        rnnts_tensor_info ti;
        double mref = 0, mdiff = 0, mgot = 0;
        rnnts_rnn_tensor(net, t, &ti);
        for (size_t q = 0; q < ti.count; q++) {
            double r = gref[ti.offset + q], g = grad[ti.offset + q];
            if (fabs(r) > mref) mref = fabs(r);
            if (fabs(g) > mgot) mgot = fabs(g);
            if (fabs(g - r) > mdiff) mdiff = fabs(g - r);
        }
        if (mref < 1e-12) {
            cr_assert(mgot <= 1e-9, "%s: gradient of %s should be 0 (reference max %.3g), got max |g| = %.3g", c->name, ti.name, mref,
                      mgot);
            continue;
        }
        {
            double rel = mdiff / mref;
            if (rel > res.worst_tensor) res.worst_tensor = rel;
            cr_assert(rel <= 1e-4, "%s: gradient of %s: relative error %.3g > 1e-4 (max |ref| %.3g)", c->name, ti.name, rel, mref);
        }
        for (size_t q = 0; q < ti.count; q++) {
            double r = gref[ti.offset + q], g = grad[ti.offset + q];
            if (fabs(r) >= 1e-2 * mref) {
                double rel = fabs(g - r) / fabs(r);
                if (rel > res.worst_elem) res.worst_elem = rel;
                cr_assert(rel <= 1e-3, "%s: gradient of %s[%zu] = %.9g, reference %.12g (relative %.3g)", c->name, ti.name, q,
                          (double)g, r, rel);
            }
        }
        /* inactive heads get exactly 0 */
        if (t >= 5) {
            int k = (t - 5) / 2, active = 0;
            for (int a = 0; a < c->na; a++) active |= c->heads[a] == k;
            if (!active)
                for (size_t q = 0; q < ti.count; q++) cr_assert_eq(grad[ti.offset + q], 0.0f, "%s: inactive head %d has a gradient", c->name, k);
        }
    }
    if (c->fixed) cr_assert_eq(grad[0], 0.0f, "%s: a fixed tau receives no gradient", c->name);
    if (c->clamp && !c->fixed)
        for (int i = 0; i < c->H; i++) {
            float kt = (float)kcv * net->tau[i];
            if (kt < 1.0f) cr_assert_eq(grad[i], 0.0f, "%s: tau[%d] (k tau = %g < 1) is clamped and gets no gradient", c->name, i, (double)kt);
            if (kt == 1.0f) {
                cr_assert(fabs(grad[i] - gref[i]) <= 1e-4 * fabs(gref[i]) + 1e-9,
                          "%s: tau[%d] exactly on the clamp passes the gradient (torch.clamp): got %.9g, reference %.12g", c->name, i,
                          (double)grad[i], gref[i]);
                if (fabs(gref[i]) > 1e-6) res.clamp_passed++;
            }
        }
    fprintf(stderr, "[grad] %-34s loss rel %.2e  worst tensor rel %.2e  worst element rel %.2e\n", c->name, res.loss_err,
            res.worst_tensor, res.worst_elem);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    tc_free_batch(&tb);
    free(grad); free(prm); free(gref); free(in); free(h0); free(lref); free(h0f); free(logits);
    return res;
}

#define GC(nm, H, K, B, M, var, act, fixed, kc, ftau, na, ha, hb, hc, clamp, amp, kink, seed) \
    {nm, H, K, B, M, var, act, fixed, kc, ftau, na, {ha, hb, hc, 0}, clamp, amp, kink, seed}

Test(grad, default_variant_all_activations, .timeout = 60) {
    static const char *names[4] = {"default/leakyrelu", "default/relu", "default/tanh", "default/sigmoid"};
    for (int act = 0; act < 4; act++) {
        gcase c = GC(names[act], 9, 3, 5, 7, RNNTS_VARIANT_DEFAULT, act, 0, 0, 1.0f, 2, 2, 0, 0, 1, 0.4f, 0, 100 + (uint64_t)act);
        gresult r = check_case(&c);
        cr_assert_eq(r.clamp_passed, 1, "%s: the tau exactly on the clamp should have a non-zero gradient", c.name);
    }
}
Test(grad, mod_variant_all_activations, .timeout = 60) {
    static const char *names[4] = {"mod/leakyrelu", "mod/relu", "mod/tanh", "mod/sigmoid"};
    for (int act = 0; act < 4; act++) {
        gcase c = GC(names[act], 11, 3, 6, 6, RNNTS_VARIANT_MOD, act, 0, 0, 1.0f, 3, 1, 2, 0, 1, 0.4f, 0, 200 + (uint64_t)act);
        check_case(&c);
    }
}
Test(grad, fixed_tau, .timeout = 60) {
    static const char *names[4] = {"fixed/default/leakyrelu", "fixed/mod/relu", "fixed/default/tanh", "fixed/mod/sigmoid"};
    static const float taus[4] = {2.5f, 1.0f, 4.0f, 1.75f};
    for (int act = 0; act < 4; act++) {
        gcase c = GC(names[act], 8, 2, 4, 6, act % 2, act, 1, 0, taus[act], 2, 1, 0, 0, 0, 0.3f, 0, 300 + (uint64_t)act);
        check_case(&c);
    }
}
Test(grad, continuous_time_k2, .timeout = 60) {
    static const char *names[4] = {"cont2/leakyrelu", "cont2/relu", "cont2/tanh", "cont2/sigmoid"};
    for (int act = 0; act < 4; act++) {
        gcase c = GC(names[act], 7, 2, 5, 5, RNNTS_VARIANT_MOD, act, 0, 2, 1.0f, 2, 0, 1, 0, 1, 0.4f, 0, 400 + (uint64_t)act);
        check_case(&c);
    }
    {
        gcase c = GC("cont3/fixed/tanh", 6, 1, 3, 4, RNNTS_VARIANT_MOD, RNNTS_ACT_TANH, 1, 3, 1.5f, 1, 0, 0, 0, 0, 0.2f, 0, 450);
        check_case(&c);
    }
}
Test(grad, tau_clamp_and_kinks, .timeout = 60) {
    for (int act = 0; act < 2; act++)
        for (int var = 0; var < 2; var++) {
            char nm[64];
            snprintf(nm, sizeof nm, "kink/%s/%s", var ? "mod" : "default", act ? "relu" : "leakyrelu");
            gcase c = GC(nm, 10, 2, 8, 5, var, act, 0, 0, 1.0f, 2, 1, 0, 0, 1, 0.5f, 1, 500 + (uint64_t)(act * 2 + var));
            check_case(&c);
        }
}
Test(grad, drawn_h0_and_edge_shapes, .timeout = 60) {
    gcase cs[] = {
        GC("H1B1M1K1/default/leakyrelu", 1, 1, 1, 1, 0, 0, 0, 0, 1.0f, 1, 0, 0, 0, 0, 0.0f, 0, 600),
        GC("H1B1M3K1/mod/tanh/clamp", 1, 1, 1, 3, 1, 2, 0, 0, 1.0f, 1, 0, 0, 0, 1, 0.0f, 0, 601),
        GC("H2B17M4K3/default/sigmoid/drawn", 2, 3, 17, 4, 0, 3, 0, 0, 1.0f, 3, 2, 0, 1, 0, 0.0f, 0, 602),
        GC("H13B9M8K3/default/leaky/drawn", 13, 3, 9, 8, 0, 0, 0, 0, 1.0f, 2, 2, 1, 0, 1, 0.0f, 0, 603),
        GC("H17B16M6K2/mod/leaky/given", 17, 2, 16, 6, 1, 0, 0, 0, 1.0f, 2, 1, 0, 0, 1, 0.5f, 0, 604),
        GC("H24B3M10K3/default/tanh", 24, 3, 3, 10, 0, 2, 0, 0, 1.0f, 2, 0, 2, 0, 1, 0.3f, 0, 605),
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) check_case(&cs[i]);
}

/* The reference's reverse mode against central finite differences of its own forward. */
Test(grad, reference_matches_finite_differences, .timeout = 60) {
    static const int acts[] = {RNNTS_ACT_TANH, RNNTS_ACT_SIGMOID, RNNTS_ACT_LEAKYRELU, RNNTS_ACT_TANH, RNNTS_ACT_SIGMOID};
    static const int vars[] = {0, 1, 0, 1, 1}, kcs[] = {0, 0, 0, 2, 0}, fixeds[] = {0, 0, 0, 0, 1};
    for (int c = 0; c < 5; c++) {
        const int H = 5, K = 2, B = 3, M = 4, na = 2;
        int heads[2] = {1, 0}, labels[6] = {0, 1, 1, 0, 0, 1};
        tc_netspec s = {H, K, vars[c], acts[c], fixeds[c], kcs[c], 1.5f, 700 + (uint64_t)c};
        rnnts_rnn *net = tc_make_net(&s);
        double in[12], h0[15], *prm = (double *)tc_xmalloc(net->n_param * 8), *g = (double *)tc_xmalloc(net->n_param * 8);
        ref_prob p = {H, K, vars[c], acts[c], !fixeds[c], kcs[c], B, M, na, heads, labels, in, h0};
        uint64_t key = rnnts_rng_key(c, RNNTS_PURPOSE_TEST, 8, 8);
        double worst = 0;
        for (int e = 0; e < 12; e++) in[e] = (e * 7 + c) % 3 == 0;
        for (int e = 0; e < 15; e++) h0[e] = 0.8 * rnnts_rng_uniform(key, (uint64_t)e) - 0.4;
        to_double(net->param, prm, net->n_param);
        if (!fixeds[c]) prm[2] = 0.3; /* one tau below the clamp (also for k = 2): zero gradient there */
        ref_run(&p, prm, g, NULL, NULL);
        for (size_t e = 0; e < net->n_param; e++) {
            const double eps = 1e-6;
            double save = prm[e], lp, lm, fd;
            if (fixeds[c] && e == 0) continue; /* a fixed tau has no gradient by definition */
            if (e >= (size_t)(fixeds[c] ? 1 : H) + 2 * H && e < (size_t)(fixeds[c] ? 1 : H) + 2 * H + (size_t)H * H &&
                (e - (size_t)(fixeds[c] ? 1 : H) - 2 * H) % (size_t)(H + 1) == 0)
                continue; /* W's diagonal: the forward ignores it, its gradient is the reference's convention */
            prm[e] = save + eps; lp = ref_run(&p, prm, NULL, NULL, NULL);
            prm[e] = save - eps; lm = ref_run(&p, prm, NULL, NULL, NULL);
            prm[e] = save;
            fd = (lp - lm) / (2 * eps);
            if (fabs(fd - g[e]) > worst) worst = fabs(fd - g[e]);
            cr_assert(fabs(fd - g[e]) <= 1e-7 + 1e-6 * fabs(fd), "reference case %d, parameter %zu: reverse mode %.12g, finite differences %.12g",
                      c, e, g[e], fd);
        }
        fprintf(stderr, "[grad] reference vs finite differences, case %d: worst abs diff %.2e\n", c, worst);
        rnnts_rnn_destroy(net);
        free(prm); free(g);
    }
}

/* ---- thread-count independence -------------------------------------------------------------- */
typedef struct {
    float *logits, *grad, *out, *states, loss;
} run_out;
static run_out run_all(rnnts_rnn *net, tc_batch *tb, int threads) {
    rnnts_pool *pool = NULL;
    rnnts_rnn_ws *ws;
    rnnts_error err;
    run_out o;
    int H = net->H, K = net->K, B = tb->B, M = tb->M;
    if (threads > 0) cr_assert_eq(rnnts_pool_create(threads, NULL, &pool, &err), RNNTS_OK, "%s", err.msg);
    if (threads > 0) cr_assert_eq(rnnts_pool_threads(pool), threads);
    if (threads > 0) rnnts_pool_set_min_flops(pool, 0.0); /* every parallel path, however small */
    o.logits = (float *)tc_xmalloc((size_t)tb->na * B * 2 * 4);
    o.grad = (float *)tc_xmalloc(net->n_param * 4);
    o.out = (float *)tc_xmalloc((size_t)M * K * B * 2 * 4);
    o.states = (float *)tc_xmalloc((size_t)(M + 1) * B * H * 4);
    cr_assert_eq(rnnts_rnn_ws_create(net, B, M, NULL, &ws, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_rnn_forward(ws, net, &tb->bt, pool, o.logits, &o.loss, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_rnn_backward(ws, net, pool, o.grad, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_rnn_stream(ws, net, &tb->bt, pool, o.out, o.states, &err), RNNTS_OK, "%s", err.msg);
    rnnts_rnn_ws_destroy(ws);
    rnnts_pool_destroy(pool);
    return o;
}
static void cmp_bits(const float *a, const float *b, size_t n, const char *what, int threads) {
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(tc_bits(a[i]), tc_bits(b[i]), "%s[%zu] differs with %d threads: %a vs %a (1 thread)", what, i, threads,
                     (double)a[i], (double)b[i]);
}
static void thread_case(int H, int B, int M, int variant, int act, int kc) {
    static const int heads[2] = {2, 0};
    static const int counts[] = {1, 2, 3, 8};
    tc_netspec s = {H, 3, variant, act, 0, kc, 1.0f, 900 + (uint64_t)H};
    rnnts_rnn *net = tc_make_net(&s);
    tc_batch tb;
    run_out ref;
    for (int i = 0; i < H; i += 5) net->tau[i] = 0.8f;
    tc_make_batch(&tb, H, B, M, 2, heads, 77 + (uint64_t)H, 0.0f);
    ref = run_all(net, &tb, 0);
    for (int c = 0; c < 4; c++) {
        run_out o = run_all(net, &tb, counts[c]);
        cr_assert_eq(tc_bits(o.loss), tc_bits(ref.loss), "loss differs with %d threads", counts[c]);
        cmp_bits(o.logits, ref.logits, (size_t)2 * B * 2, "logits", counts[c]);
        cmp_bits(o.grad, ref.grad, net->n_param, "grad", counts[c]);
        cmp_bits(o.out, ref.out, (size_t)M * 3 * B * 2, "stream out", counts[c]);
        cmp_bits(o.states, ref.states, (size_t)(M + 1) * B * H, "stream states", counts[c]);
        free(o.logits); free(o.grad); free(o.out); free(o.states);
    }
    free(ref.logits); free(ref.grad); free(ref.out); free(ref.states);
    tc_free_batch(&tb);
    rnnts_rnn_destroy(net);
}
Test(threads, results_independent_of_thread_count, .timeout = 60) {
    thread_case(37, 19, 6, RNNTS_VARIANT_DEFAULT, RNNTS_ACT_LEAKYRELU, 0);
    thread_case(64, 40, 3, RNNTS_VARIANT_MOD, RNNTS_ACT_TANH, 0);
    thread_case(37, 19, 6, RNNTS_VARIANT_MOD, RNNTS_ACT_SIGMOID, 2);
    thread_case(30, 64, 4, RNNTS_VARIANT_DEFAULT, RNNTS_ACT_TANH, 0); /* 4 column panels: split by columns */
}

/* ---- h0 -------------------------------------------------------------------------------------- */
static void drawn_h0(rnnts_rnn *net, int B, uint64_t seed, uint64_t draw, float *out, int stream) {
    static const int heads[1] = {0};
    tc_batch tb;
    rnnts_rnn_ws *ws;
    rnnts_error err;
    tc_make_batch(&tb, net->H, B, 2, 1, heads, seed + 1000, 0.0f);
    tb.bt.h0_seed = seed;
    tb.bt.h0_draw = draw;
    cr_assert_eq(rnnts_rnn_ws_create(net, B, 2, NULL, &ws, &err), RNNTS_OK);
    if (stream) {
        float *o = (float *)tc_xmalloc((size_t)2 * net->K * B * 2 * 4);
        cr_assert_eq(rnnts_rnn_stream(ws, net, &tb.bt, NULL, o, NULL, &err), RNNTS_OK, "%s", err.msg);
        free(o);
    } else
        cr_assert_eq(rnnts_rnn_forward(ws, net, &tb.bt, NULL, NULL, NULL, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_rnn_ws_h0(ws, out), RNNTS_OK);
    rnnts_rnn_ws_destroy(ws);
    tc_free_batch(&tb);
}
Test(h0, drawn_h0_is_pure_function_of_seed_and_draw) {
    tc_netspec s1 = {9, 1, 0, 0, 0, 0, 1.0f, 1}, s2 = {9, 2, 1, 2, 0, 0, 1.0f, 2};
    rnnts_rnn *n1 = tc_make_net(&s1), *n2 = tc_make_net(&s2);
    float a[5 * 9], b[5 * 9], c[3 * 9], d[5 * 9], e[5 * 9];
    uint64_t key = rnnts_rng_key(42, RNNTS_PURPOSE_H0, 8, 0);
    drawn_h0(n1, 5, 42, 8, a, 0);
    drawn_h0(n2, 5, 42, 8, b, 1); /* another network, stream mode, other inputs */
    drawn_h0(n1, 3, 42, 8, c, 0); /* smaller batch: a prefix */
    drawn_h0(n1, 5, 42, 9, d, 0); /* another draw */
    drawn_h0(n1, 5, 43, 8, e, 0); /* another seed */
    for (int q = 0; q < 5 * 9; q++) {
        cr_assert(a[q] >= 0.0f && a[q] < 0.1f, "h0[%d] = %g outside [0, 0.1)", q, (double)a[q]);
        cr_assert_eq(tc_bits(a[q]), tc_bits(0.1f * rnnts_rng_uniform(key, (uint64_t)q)),
                     "h0[b][i] is not 0.1 * uniform(key(seed, H0, draw, 0), b*H + i)");
        cr_assert_eq(tc_bits(a[q]), tc_bits(b[q]), "h0 depends on the network or the mode");
        if (q < 3 * 9) cr_assert_eq(tc_bits(a[q]), tc_bits(c[q]), "h0 depends on the batch size");
    }
    cr_assert(memcmp(a, d, sizeof a) != 0, "h0 does not depend on h0_draw");
    cr_assert(memcmp(a, e, sizeof a) != 0, "h0 does not depend on h0_seed");
    rnnts_rnn_destroy(n1);
    rnnts_rnn_destroy(n2);
}

/* ---- W's diagonal ---------------------------------------------------------------------------- */
Test(wdiag, forward_ignores_diagonal_gradient_does_not) {
    static const int heads[2] = {1, 0};
    for (int variant = 0; variant < 2; variant++) {
        tc_netspec s = {12, 2, variant, RNNTS_ACT_TANH, 0, 0, 1.0f, 31};
        rnnts_rnn *a = tc_make_net(&s), *b = tc_make_net(&s);
        tc_batch tb;
        run_out ra, rb;
        int H = 12;
        for (int i = 0; i < H; i++) b->w[i * H + i] = 5.0f * (float)(i + 1) * (i % 2 ? -1.0f : 1.0f);
        for (int i = 0; i < H; i++) a->w[i * H + i] = 0.0f;
        tc_make_batch(&tb, H, 7, 5, 2, heads, 5, 0.0f);
        ra = run_all(a, &tb, 0);
        rb = run_all(b, &tb, 0);
        cr_assert_eq(tc_bits(ra.loss), tc_bits(rb.loss), "loss depends on W's diagonal");
        cmp_bits(rb.logits, ra.logits, 2 * 7 * 2, "logits (W diagonal)", 1);
        cmp_bits(rb.out, ra.out, 5 * 2 * 7 * 2, "stream out (W diagonal)", 1);
        cmp_bits(rb.grad, ra.grad, a->n_param, "grad (W diagonal)", 1);
        {
            int nonzero = 0;
            size_t off = (size_t)(a->w - a->param);
            for (int i = 0; i < H; i++) nonzero += rb.grad[off + (size_t)i * H + i] != 0.0f;
            cr_assert_eq(nonzero, H, "only %d of %d diagonal entries of W received a gradient", nonzero, H);
        }
        rnnts_rnn_zero_diag(b);
        for (int i = 0; i < H; i++) cr_assert_eq(b->w[i * H + i], 0.0f);
        free(ra.logits); free(ra.grad); free(ra.out); free(ra.states);
        free(rb.logits); free(rb.grad); free(rb.out); free(rb.states);
        tc_free_batch(&tb);
        rnnts_rnn_destroy(a);
        rnnts_rnn_destroy(b);
    }
}
