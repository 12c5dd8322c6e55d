/* test_gates.c — GRU and LSTM (issue 6): loss and gradients of every tensor against an independent
   double-precision implementation written here (forward in double, BPTT by hand in double, itself
   checked by central finite differences), thread-count independence, stream mode against the
   forward, training a tiny GRU and LSTM to solve 2-parity, save/load with the reference's tensor
   names, checkpoint resume, and the errors (shapes, names, tau analyses). Public API only. */
#include "test_common.h"

#include <math.h>

/* ---- the double-precision reference ------------------------------------------------------------
   PyTorch's nn.GRU / nn.LSTM (one layer, input size 1), gate rows gate-major, x = 2 s - 1:
     GRU   r = sig(Wi_r x + bi_r + Wh_r h + bh_r); z likewise; n = tanh(Wi_n x + bi_n + r (Wh_n h + bh_n));
           h' = (1 - z) n + z h
     LSTM  [i f g o] = Wi x + bi + Wh h + bh; i f o sig, g tanh; c' = f c + i g; h' = o tanh(c')
   Parameters in file order: weight_ih [G*H], weight_hh [G*H][H], bias_ih [G*H], bias_hh [G*H], heads
   k: V [2][H], c [2]. Loss: sum over active heads of the batch-mean cross-entropy of V h_M + c. */
typedef struct {
    int lstm, H, K, B, M, na;
    const int *heads, *labels;
    const double *input; /* [M][B] bits */
    const double *h0;    /* [B][H] or NULL (zero) */
} gref_prob;

static double sig_d(double x) { return 1.0 / (1.0 + exp(-x)); }
static size_t gref_nparam(const gref_prob *p) {
    size_t H = (size_t)p->H, GH = (size_t)(p->lstm ? 4 : 3) * H;
    return 3 * GH + GH * H + (size_t)p->K * (2 * H + 2);
}

/* Returns the loss; gradient (n_param doubles) when grad != NULL; logits [na][B][2] when != NULL. */
static double gref_run(const gref_prob *p, const double *prm, double *grad, double *logits) {
    const int H = p->H, B = p->B, M = p->M, G = p->lstm ? 4 : 3, GH = G * H;
    const double *wi = prm, *wh = wi + GH, *bi = wh + (size_t)GH * H, *bh = bi + GH, *head = bh + GH;
    /* per step t, sequence b: h[t], c[t] (H), gates act[t] (G*H), hn (GRU: Wh_n h + bh_n), tc (LSTM) */
    double *h = (double *)tc_xmalloc((size_t)(M + 1) * B * H * 8), *c = (double *)tc_xmalloc((size_t)(M + 1) * B * H * 8);
    double *act = (double *)tc_xmalloc((size_t)M * B * GH * 8), *hn = (double *)tc_xmalloc((size_t)M * B * H * 8);
    double *tcs = (double *)tc_xmalloc((size_t)M * B * H * 8);
    double *dl = (double *)tc_xmalloc((size_t)p->na * B * 2 * 8);
    double loss = 0.0;
#define HI(t, b, i) ((((size_t)(t) * B) + (size_t)(b)) * H + (size_t)(i))
#define AI(t, b, q) ((((size_t)(t) * B) + (size_t)(b)) * GH + (size_t)(q))
    for (int b = 0; b < B; b++)
        for (int i = 0; i < H; i++) h[HI(0, b, i)] = p->h0 ? p->h0[(size_t)b * H + i] : 0.0;
    for (int t = 0; t < M; t++)
        for (int b = 0; b < B; b++) {
            double x = 2.0 * p->input[(size_t)t * B + b] - 1.0;
            double *gh = (double *)tc_xmalloc((size_t)GH * 8);
            for (int q = 0; q < GH; q++) {
                double s = bh[q];
                for (int j = 0; j < H; j++) s += wh[(size_t)q * H + j] * h[HI(t, b, j)];
                gh[q] = s;
            }
            for (int i = 0; i < H; i++) {
                if (!p->lstm) {
                    double r = sig_d(wi[i] * x + bi[i] + gh[i]);
                    double z = sig_d(wi[H + i] * x + bi[H + i] + gh[H + i]);
                    double n = tanh(wi[2 * H + i] * x + bi[2 * H + i] + r * gh[2 * H + i]);
                    act[AI(t, b, i)] = r; act[AI(t, b, H + i)] = z; act[AI(t, b, 2 * H + i)] = n;
                    hn[HI(t, b, i)] = gh[2 * H + i];
                    h[HI(t + 1, b, i)] = (1.0 - z) * n + z * h[HI(t, b, i)];
                } else {
                    double ig = sig_d(wi[i] * x + bi[i] + gh[i]);
                    double fg = sig_d(wi[H + i] * x + bi[H + i] + gh[H + i]);
                    double gg = tanh(wi[2 * H + i] * x + bi[2 * H + i] + gh[2 * H + i]);
                    double og = sig_d(wi[3 * H + i] * x + bi[3 * H + i] + gh[3 * H + i]);
                    double cn = fg * c[HI(t, b, i)] + ig * gg;
                    act[AI(t, b, i)] = ig; act[AI(t, b, H + i)] = fg; act[AI(t, b, 2 * H + i)] = gg; act[AI(t, b, 3 * H + i)] = og;
                    c[HI(t + 1, b, i)] = cn;
                    tcs[HI(t, b, i)] = tanh(cn);
                    h[HI(t + 1, b, i)] = og * tanh(cn);
                }
            }
            free(gh);
        }
    for (int a = 0; a < p->na; a++) {
        const double *V = head + (size_t)p->heads[a] * (2 * H + 2), *cc = V + 2 * H;
        double La = 0.0;
        for (int b = 0; b < B; b++) {
            double l[2], m, lse;
            int y = p->labels[(size_t)a * B + b];
            for (int k = 0; k < 2; k++) {
                l[k] = cc[k];
                for (int i = 0; i < H; i++) l[k] += V[(size_t)k * H + i] * h[HI(M, b, i)];
                if (logits) logits[((size_t)a * B + b) * 2 + k] = l[k];
            }
            m = l[0] > l[1] ? l[0] : l[1];
            lse = m + log(exp(l[0] - m) + exp(l[1] - m));
            La += lse - l[y];
            for (int k = 0; k < 2; k++) dl[((size_t)a * B + b) * 2 + k] = (exp(l[k] - lse) - (k == y)) / B;
        }
        loss += La / B;
    }
    if (grad) {
        double *gw = grad, *gwh = gw + GH, *gbi = gwh + (size_t)GH * H, *gbh = gbi + GH, *ghd = gbh + GH;
        double *dh = (double *)tc_xmalloc((size_t)B * H * 8), *dc = (double *)tc_xmalloc((size_t)B * H * 8);
        double *dg = (double *)tc_xmalloc((size_t)GH * 8), *dgi = (double *)tc_xmalloc((size_t)GH * 8);
        memset(grad, 0, gref_nparam(p) * 8);
        for (int a = 0; a < p->na; a++) {
            const double *V = head + (size_t)p->heads[a] * (2 * H + 2);
            double *gV = ghd + (size_t)p->heads[a] * (2 * H + 2);
            for (int b = 0; b < B; b++)
                for (int k = 0; k < 2; k++) {
                    double d = dl[((size_t)a * B + b) * 2 + k];
                    gV[2 * H + k] += d;
                    for (int i = 0; i < H; i++) {
                        gV[(size_t)k * H + i] += d * h[HI(M, b, i)];
                        dh[(size_t)b * H + i] += d * V[(size_t)k * H + i];
                    }
                }
        }
        for (int t = M - 1; t >= 0; t--)
            for (int b = 0; b < B; b++) {
                double x = 2.0 * p->input[(size_t)t * B + b] - 1.0;
                double *dhb = dh + (size_t)b * H, *dcb = dc + (size_t)b * H;
                for (int i = 0; i < H; i++) {
                    double g = dhb[i];
                    if (!p->lstm) {
                        double r = act[AI(t, b, i)], z = act[AI(t, b, H + i)], n = act[AI(t, b, 2 * H + i)];
                        double dn = g * (1.0 - z), dz = g * (h[HI(t, b, i)] - n), dan = dn * (1.0 - n * n);
                        dg[i] = dgi[i] = dan * hn[HI(t, b, i)] * r * (1.0 - r);
                        dg[H + i] = dgi[H + i] = dz * z * (1.0 - z);
                        dgi[2 * H + i] = dan;
                        dg[2 * H + i] = dan * r;
                        dhb[i] = g * z; /* direct path; the W_hh part is added below */
                    } else {
                        double ig = act[AI(t, b, i)], fg = act[AI(t, b, H + i)], gg = act[AI(t, b, 2 * H + i)], og = act[AI(t, b, 3 * H + i)];
                        double tc = tcs[HI(t, b, i)], dct = dcb[i] + g * og * (1.0 - tc * tc);
                        dg[i] = dgi[i] = dct * gg * ig * (1.0 - ig);
                        dg[H + i] = dgi[H + i] = dct * c[HI(t, b, i)] * fg * (1.0 - fg);
                        dg[2 * H + i] = dgi[2 * H + i] = dct * ig * (1.0 - gg * gg);
                        dg[3 * H + i] = dgi[3 * H + i] = g * tc * og * (1.0 - og);
                        dcb[i] = dct * fg;
                        dhb[i] = 0.0;
                    }
                }
                for (int q = 0; q < GH; q++) {
                    gw[q] += dgi[q] * x;
                    gbi[q] += dgi[q];
                    gbh[q] += dg[q];
                    for (int j = 0; j < H; j++) {
                        gwh[(size_t)q * H + j] += dg[q] * h[HI(t, b, j)];
                        dhb[j] += wh[(size_t)q * H + j] * dg[q];
                    }
                }
            }
        free(dh); free(dc); free(dg); free(dgi);
    }
#undef HI
#undef AI
    free(h); free(c); free(act); free(hn); free(tcs); free(dl);
    return loss;
}

/* 1 when the n bytes of buf contain the string pat. */
static int has_bytes(const void *buf, size_t n, const char *pat) {
    size_t m = strlen(pat);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp((const char *)buf + i, pat, m) == 0) return 1;
    return 0;
}

static rnnts_rnn *make_gated(rnnts_model model, int H, int K, uint64_t seed) {
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_error err;
    cfg.model = model; cfg.hidden = H; cfg.heads = K;
    cr_assert_eq(rnnts_rnn_create(&cfg, seed, NULL, &net, &err), RNNTS_OK, "create: %s", err.msg);
    return net;
}
static double *to_d(const float *x, size_t n) {
    double *d = (double *)tc_xmalloc(n * 8);
    for (size_t i = 0; i < n; i++) d[i] = x ? (double)x[i] : 0.0;
    return d;
}

typedef struct {
    const char *name;
    rnnts_model model;
    int H, K, B, M, na, heads[3];
    float h0_amp, scale; /* given h0 (0: zero state); parameters multiplied by scale (larger gates) */
    uint64_t seed;
} gcase_t;

/* Worst relative error per tensor (max |g - ref| / max |ref|) of one case; asserts <= 1e-4. */
static double check_case(const gcase_t *c) {
    rnnts_rnn *net = make_gated(c->model, c->H, c->K, c->seed);
    rnnts_rnn_ws *ws;
    rnnts_error err;
    tc_batch tb;
    gref_prob p;
    float loss, *grad = (float *)tc_xmalloc(net->n_param * 4), *logits = (float *)tc_xmalloc((size_t)c->na * c->B * 2 * 4);
    double *prm, *gref, *lref = (double *)tc_xmalloc((size_t)c->na * c->B * 2 * 8), *in, *h0 = NULL, lossref, worst = 0.0;
    for (size_t e = 0; e < net->n_param; e++) net->param[e] *= c->scale;
    tc_make_batch(&tb, c->H, c->B, c->M, c->na, c->heads, c->seed + 100, c->h0_amp);
    cr_assert_eq(rnnts_rnn_ws_create(net, c->B, c->M, NULL, &ws, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_rnn_forward(ws, net, &tb.bt, NULL, logits, &loss, &err), RNNTS_OK, "%s: forward: %s", c->name, err.msg);
    cr_assert_eq(rnnts_rnn_backward(ws, net, NULL, grad, &err), RNNTS_OK, "%s: backward: %s", c->name, err.msg);
    prm = to_d(net->param, net->n_param);
    gref = (double *)tc_xmalloc(net->n_param * 8);
    in = to_d(tb.input, (size_t)c->M * c->B);
    if (tb.h0) h0 = to_d(tb.h0, (size_t)c->B * c->H);
    memset(&p, 0, sizeof p);
    p.lstm = c->model == RNNTS_MODEL_LSTM; p.H = c->H; p.K = c->K; p.B = c->B; p.M = c->M; p.na = c->na;
    p.heads = c->heads; p.labels = tb.labels; p.input = in; p.h0 = h0;
    cr_assert_eq(gref_nparam(&p), net->n_param, "%s: parameter count", c->name);
    lossref = gref_run(&p, prm, gref, lref);
    cr_assert(fabs(loss - lossref) <= 1e-5 * fabs(lossref), "%s: loss %.9g, double reference %.12g", c->name, (double)loss, lossref);
    for (int e = 0; e < c->na * c->B * 2; e++)
        cr_assert(fabs(logits[e] - lref[e]) <= 1e-5 * (1.0 + fabs(lref[e])), "%s: logit %d = %.9g, reference %.12g", c->name, e,
                  (double)logits[e], lref[e]);
    for (int t = 0; t < rnnts_rnn_tensor_count(net); t++) {
        rnnts_tensor_info ti;
        double mref = 0, mdiff = 0, mgot = 0;
        int k = (t - 4) / 2, active = t < 4;
        rnnts_rnn_tensor(net, t, &ti);
        for (int a = 0; a < c->na; a++) active |= t >= 4 && c->heads[a] == k;
        for (size_t q = 0; q < ti.count; q++) {
            double r = gref[ti.offset + q], g = grad[ti.offset + q];
            if (fabs(r) > mref) mref = fabs(r);
            if (fabs(g) > mgot) mgot = fabs(g);
            if (fabs(g - r) > mdiff) mdiff = fabs(g - r);
        }
        if (!active) {
            for (size_t q = 0; q < ti.count; q++) cr_assert_eq(grad[ti.offset + q], 0.0f, "%s: inactive head %d has a gradient", c->name, k);
            continue;
        }
        if (mref < 1e-12) { /* e.g. W_hh with h_0 = 0 and M = 1 */
            cr_assert(mgot <= 1e-9, "%s: gradient of %s should be 0, got max |g| = %.3g", c->name, ti.name, mgot);
            continue;
        }
        cr_assert(mdiff / mref <= 1e-4, "%s: gradient of %s: relative error %.3g > 1e-4 (max |ref| %.3g)", c->name, ti.name, mdiff / mref, mref);
        if (mdiff / mref > worst) worst = mdiff / mref;
    }
    fprintf(stderr, "[gates] %-22s loss rel %.2e  worst tensor rel %.2e\n", c->name, fabs(loss - lossref) / fabs(lossref), worst);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    tc_free_batch(&tb);
    free(grad); free(logits); free(prm); free(gref); free(lref); free(in); free(h0);
    return worst;
}

static const gcase_t CASES[] = {
    /* name              model             H   K  B   M  na heads      h0    scale seed */
    {"gru_h24_b5",       RNNTS_MODEL_GRU,  24, 3, 5,  9, 2, {2, 0, 0}, 0.0f, 1.0f, 1},
    {"gru_h1_b1_m1",     RNNTS_MODEL_GRU,  1,  1, 1,  1, 1, {0, 0, 0}, 0.0f, 1.0f, 2},
    {"gru_h7_b19_h0",    RNNTS_MODEL_GRU,  7,  2, 19, 6, 2, {1, 0, 0}, 0.5f, 3.0f, 3},
    {"gru_h33_b17",      RNNTS_MODEL_GRU,  33, 1, 17, 4, 1, {0, 0, 0}, 0.0f, 2.0f, 4},
    {"lstm_h24_b5",      RNNTS_MODEL_LSTM, 24, 3, 5,  9, 2, {2, 0, 0}, 0.0f, 1.0f, 5},
    {"lstm_h1_b1_m1",    RNNTS_MODEL_LSTM, 1,  1, 1,  1, 1, {0, 0, 0}, 0.0f, 1.0f, 6},
    {"lstm_h7_b19_h0",   RNNTS_MODEL_LSTM, 7,  2, 19, 6, 2, {1, 0, 0}, 0.5f, 3.0f, 7},
    {"lstm_h33_b17",     RNNTS_MODEL_LSTM, 33, 1, 17, 4, 1, {0, 0, 0}, 0.0f, 2.0f, 8},
};

Test(gates, gradients_match_double_reference, .timeout = 120) {
    double worst[2] = {0, 0};
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        double w = check_case(&CASES[i]);
        int l = CASES[i].model == RNNTS_MODEL_LSTM;
        if (w > worst[l]) worst[l] = w;
    }
    fprintf(stderr, "[gates] max relative gradient error: GRU %.2e, LSTM %.2e\n", worst[0], worst[1]);
}

/* The double reference itself against central finite differences (double) of its own loss. */
Test(gates, reference_matches_finite_differences, .timeout = 60) {
    for (int lstm = 0; lstm < 2; lstm++) {
        rnnts_rnn *net = make_gated(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, 5, 2, 40 + (uint64_t)lstm);
        int heads[2] = {1, 0};
        tc_batch tb;
        gref_prob p;
        double *prm = to_d(net->param, net->n_param), *g = (double *)tc_xmalloc(net->n_param * 8), *in, *h0;
        tc_make_batch(&tb, 5, 3, 4, 2, heads, 77, 0.3f);
        in = to_d(tb.input, 12);
        h0 = to_d(tb.h0, 15);
        memset(&p, 0, sizeof p);
        p.lstm = lstm; p.H = 5; p.K = 2; p.B = 3; p.M = 4; p.na = 2; p.heads = heads; p.labels = tb.labels; p.input = in; p.h0 = h0;
        gref_run(&p, prm, g, NULL);
        for (size_t e = 0; e < net->n_param; e++) {
            double keep = prm[e], hstep = 1e-5, lp, lm, fd;
            prm[e] = keep + hstep; lp = gref_run(&p, prm, NULL, NULL);
            prm[e] = keep - hstep; lm = gref_run(&p, prm, NULL, NULL);
            prm[e] = keep;
            fd = (lp - lm) / (2 * hstep);
            cr_assert(fabs(fd - g[e]) <= 1e-6 + 1e-5 * fabs(fd), "%s: parameter %zu: finite difference %.10g, reference BPTT %.10g",
                      lstm ? "lstm" : "gru", e, fd, g[e]);
        }
        rnnts_rnn_destroy(net);
        tc_free_batch(&tb);
        free(prm); free(g); free(in); free(h0);
    }
}

/* Same bits for pools of 1, 2, 3 threads (forward, backward, stream), every parallel path forced. */
Test(gates, threads_give_the_same_bits, .timeout = 60) {
    for (int lstm = 0; lstm < 2; lstm++) {
        rnnts_rnn *net = make_gated(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, 40, 2, 9);
        int heads[2] = {0, 1}, B = 50, M = 7;
        tc_batch tb;
        float *ref = NULL;
        size_t n = net->n_param + (size_t)M * 2 * B * 2 + 1;
        tc_make_batch(&tb, 40, B, M, 2, heads, 5, 0.0f);
        for (int nt = 1; nt <= 3; nt++) {
            rnnts_pool *pool;
            rnnts_rnn_ws *ws;
            rnnts_error err;
            float *out = (float *)tc_xmalloc(n * 4);
            cr_assert_eq(rnnts_pool_create(nt, NULL, &pool, &err), RNNTS_OK);
            rnnts_pool_set_min_flops(pool, 0.0);
            cr_assert_eq(rnnts_rnn_ws_create(net, B, M, NULL, &ws, &err), RNNTS_OK);
            cr_assert_eq(rnnts_rnn_forward(ws, net, &tb.bt, pool, NULL, out + n - 1, &err), RNNTS_OK, "%s", err.msg);
            cr_assert_eq(rnnts_rnn_backward(ws, net, pool, out, &err), RNNTS_OK, "%s", err.msg);
            cr_assert_eq(rnnts_rnn_stream(ws, net, &tb.bt, pool, out + net->n_param, NULL, &err), RNNTS_OK, "%s", err.msg);
            if (!ref) ref = out;
            else {
                cr_assert(memcmp(ref, out, n * 4) == 0, "%s: %d threads differ from 1 thread", lstm ? "lstm" : "gru", nt);
                free(out);
            }
            rnnts_rnn_ws_destroy(ws);
            rnnts_pool_destroy(pool);
        }
        free(ref);
        tc_free_batch(&tb);
        rnnts_rnn_destroy(net);
    }
}

/* Stream mode reads every head at every step: step m equals a forward over the first m+1 inputs. */
Test(gates, stream_matches_forward_prefixes, .timeout = 60) {
    for (int lstm = 0; lstm < 2; lstm++) {
        rnnts_rnn *net = make_gated(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, 11, 2, 21);
        int heads[2] = {0, 1}, B = 3, M = 5;
        tc_batch tb;
        rnnts_rnn_ws *ws;
        rnnts_error err;
        float out[5 * 2 * 3 * 2], lg[2 * 3 * 2], states[6 * 3 * 11], h0[3 * 11];
        tc_make_batch(&tb, 11, B, M, 2, heads, 6, 0.0f);
        cr_assert_eq(rnnts_rnn_ws_create(net, B, M, NULL, &ws, &err), RNNTS_OK);
        cr_assert_eq(rnnts_rnn_stream(ws, net, &tb.bt, NULL, out, states, &err), RNNTS_OK, "%s", err.msg);
        for (int e = 0; e < B * 11; e++) cr_assert_eq(states[e], 0.0f, "zero initial state");
        cr_assert_eq(rnnts_rnn_ws_h0(ws, h0), RNNTS_OK);
        for (int e = 0; e < B * 11; e++) cr_assert_eq(h0[e], 0.0f, "ws_h0 of a gated model is 0");
        for (int m = 0; m < M; m++) {
            rnnts_batch bt = tb.bt;
            bt.len = m + 1; bt.labels = NULL;
            cr_assert_eq(rnnts_rnn_forward(ws, net, &bt, NULL, lg, NULL, &err), RNNTS_OK, "%s", err.msg);
            for (int k = 0; k < 2; k++)
                for (int e = 0; e < B * 2; e++)
                    cr_assert_eq(tc_bits(out[((size_t)m * 2 + k) * B * 2 + e]), tc_bits(lg[(size_t)k * B * 2 + e]), "step %d head %d", m, k);
        }
        rnnts_rnn_ws_destroy(ws);
        tc_free_batch(&tb);
        rnnts_rnn_destroy(net);
    }
}

/* A tiny GRU and LSTM solve 2-parity with the multi-head curriculum under the LSTM defaults
   (shortened: batch 32, 100 steps per epoch). */
Test(gates, tiny_gru_and_lstm_solve_2_parity, .timeout = 240) {
    for (int lstm = 0; lstm < 2; lstm++) {
        rnnts_rnn *net = make_gated(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, 16, 3, 3);
        rnnts_train_config c = rnnts_train_config_lstm();
        rnnts_trainer *tr;
        rnnts_error err;
        int solved = 0, e;
        cr_assert_eq(c.optim.kind, RNNTS_OPT_ADAM);
        cr_assert_eq(c.batch, 64); cr_assert_eq(c.steps_per_epoch, 300); cr_assert_eq(c.test_batches, 50); cr_assert_eq(c.max_epochs, 100);
        cr_assert(c.optim.lr == 1e-3f && c.optim.clip == 2.0f);
        c.batch = 32; c.steps_per_epoch = 100; c.test_batches = 4; c.max_epochs = 30; c.target_n = 2; c.seed = 12;
        c.optim.lr = 1e-2f;
        cr_assert_eq(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
        for (e = 0; e < c.max_epochs && !solved; e++) {
            rnnts_epoch_report r;
            cr_assert_eq(rnnts_trainer_epoch(tr, &r, &err), RNNTS_OK, "%s", err.msg);
            solved = r.solved && r.ns[0] == 2;
            if (r.done) break;
        }
        fprintf(stderr, "[gates] %s H=16 solved 2-parity: %s after %d epoch(s)\n", lstm ? "lstm" : "gru", solved ? "yes" : "no", e + 1);
        cr_assert(solved, "%s did not solve 2-parity in %d epochs", lstm ? "lstm" : "gru", e);
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(net);
    }
}

/* Save/load round trip with the reference's names; a checkpoint resumes with the same bits. */
Test(gates, save_load_with_reference_names, .timeout = 120) {
    static const char *const want[2][6] = {
        {"gru.weight_ih_l0", "gru.weight_hh_l0", "gru.bias_ih_l0", "gru.bias_hh_l0", "modulelist.0.weight", "modulelist.0.bias"},
        {"lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "modulelist.0.weight", "modulelist.0.bias"}};
    for (int lstm = 0; lstm < 2; lstm++) {
        rnnts_rnn *net = make_gated(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, 6, 2, 4), *back;
        rnnts_error err;
        void *buf, *buf2;
        size_t n, n2;
        int G = lstm ? 4 : 3;
        float bound = 1.0f / sqrtf(6.0f);
        cr_assert_eq(rnnts_rnn_tensor_count(net), 8);
        for (int t = 0; t < 6; t++) {
            rnnts_tensor_info ti;
            rnnts_rnn_tensor(net, t, &ti);
            cr_assert_str_eq(ti.name, want[lstm][t]);
        }
        {
            rnnts_tensor_info ti;
            rnnts_rnn_tensor(net, 1, &ti);
            cr_assert(ti.ndim == 2 && ti.shape[0] == G * 6 && ti.shape[1] == 6, "weight_hh shape");
            rnnts_rnn_tensor(net, 0, &ti);
            cr_assert(ti.ndim == 2 && ti.shape[0] == G * 6 && ti.shape[1] == 1, "weight_ih shape");
            rnnts_rnn_tensor(net, 7, &ti);
            cr_assert_str_eq(ti.name, "modulelist.1.bias");
        }
        for (size_t e = 0; e < net->n_param; e++) cr_assert(fabsf(net->param[e]) <= bound, "init U(-1/sqrt(H), 1/sqrt(H))");
        cr_assert(net->tau == NULL);
        cr_assert_eq(rnnts_rnn_save_mem(net, &buf, &n, &err), RNNTS_OK, "%s", err.msg);
        cr_assert(has_bytes(buf, n, lstm ? "\"model\":\"lstm\"" : "\"model\":\"gru\""), "model kind in the metadata");
        cr_assert_eq(rnnts_rnn_load_mem(buf, n, NULL, &back, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(back->cfg.model, net->cfg.model);
        cr_assert(back->H == 6 && back->K == 2 && back->n_param == net->n_param);
        cr_assert(memcmp(back->param, net->param, net->n_param * 4) == 0);
        cr_assert_eq(rnnts_rnn_save_mem(back, &buf2, &n2, &err), RNNTS_OK);
        cr_assert(n2 == n && memcmp(buf, buf2, n) == 0, "save(load(save)) is byte-identical");
        rnnts_free(&back->alloc, buf2);
        rnnts_rnn_destroy(back);
        /* the other kind's name, a wrong shape, a missing tensor: named errors */
        {
            unsigned char *bad = (unsigned char *)tc_xmalloc(n);
            char *hdr;
            memcpy(bad, buf, n);
            hdr = (char *)bad + 8;
            { char *q = strstr(hdr, lstm ? "\"lstm.bias_ih_l0\"" : "\"gru.bias_ih_l0\""); cr_assert(q); memcpy(q + 1, lstm ? "lstm.bias_IH_l0" : "gru.bias_IH_l0", lstm ? 15 : 14); }
            EXPECT_ERR(rnnts_rnn_load_mem(bad, n, NULL, &back, &err_), RNNTS_ERR_MISSING, lstm ? "lstm.bias_ih_l0" : "gru.bias_ih_l0");
            memcpy(bad, buf, n);
            { char *q = strstr(hdr, "\"modulelist.0.bias\""); cr_assert(q); memcpy(q + 1, "modulelist.9.bias", 17); }
            EXPECT_ERR(rnnts_rnn_load_mem(bad, n, NULL, &back, &err_), RNNTS_ERR_MISSING, "modulelist.0.bias");
            free(bad);
        }
        rnnts_free(&net->alloc, buf);
        rnnts_rnn_destroy(net);
    }
}

/* A checkpoint of a GRU/LSTM run resumes with the same bits as the uninterrupted run (Adam state
   and the four cell tensors in the file). */
Test(gates, checkpoint_resume_is_bit_identical, .timeout = 120) {
    const char *dir = getenv("TMPDIR");
    char path[512];
    if (!dir || !*dir) dir = "/tmp";
    for (int lstm = 0; lstm < 2; lstm++) {
        rnnts_rnn *net = make_gated(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, 10, 4, 8), *net2;
        rnnts_train_config c = rnnts_train_config_lstm();
        rnnts_trainer *tr, *tr2;
        rnnts_epoch_report r;
        rnnts_error err;
        c.batch = 16; c.steps_per_epoch = 6; c.test_batches = 2; c.threshold = 0.0f; c.seed = 5; c.task = RNNTS_TASK_DMS;
        snprintf(path, sizeof path, "%s/rnnts_gates_ckpt_%d_%d.safetensors", dir, lstm, (int)(rnnts_xxh3_64(dir, strlen(dir)) & 0xffff));
        cr_assert_eq(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
        for (int e = 0; e < 2; e++) cr_assert_eq(rnnts_trainer_epoch(tr, &r, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_save(tr, path, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_epoch(tr, &r, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_resume(path, NULL, NULL, &net2, &tr2, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(net2->cfg.model, net->cfg.model);
        cr_assert_eq(rnnts_trainer_epoch(tr2, &r, &err), RNNTS_OK, "%s", err.msg);
        cr_assert(memcmp(net->param, net2->param, net->n_param * 4) == 0, "%s: resumed run differs", lstm ? "lstm" : "gru");
        remove(path);
        rnnts_trainer_destroy(tr); rnnts_trainer_destroy(tr2);
        rnnts_rnn_destroy(net); rnnts_rnn_destroy(net2);
    }
}

Test(gates, shape_and_name_errors, .timeout = 60) {
    const char *dir = getenv("TMPDIR");
    char path[512];
    if (!dir || !*dir) dir = "/tmp";
    for (int lstm = 0; lstm < 2; lstm++) {
        const char *pre = lstm ? "lstm" : "gru";
        int G = lstm ? 4 : 3, H = 4;
        float wi[16], wh[64], bi[16], bh[16], v[8], c[2];
        char n1[32], n2[32], n3[32], n4[32];
        rnnts_named_tensor t[7];
        rnnts_rnn *net;
        rnnts_error err;
        memset(wi, 0, sizeof wi); memset(wh, 0, sizeof wh); memset(bi, 0, sizeof bi); memset(bh, 0, sizeof bh);
        memset(v, 0, sizeof v); memset(c, 0, sizeof c);
        snprintf(n1, sizeof n1, "%s.weight_ih_l0", pre); snprintf(n2, sizeof n2, "%s.weight_hh_l0", pre);
        snprintf(n3, sizeof n3, "%s.bias_ih_l0", pre); snprintf(n4, sizeof n4, "%s.bias_hh_l0", pre);
        t[0] = (rnnts_named_tensor){n1, 2, {G * H, 1, 0, 0}, wi};
        t[1] = (rnnts_named_tensor){n2, 2, {G * H, H, 0, 0}, wh};
        t[2] = (rnnts_named_tensor){n3, 1, {G * H, 0, 0, 0}, bi};
        t[3] = (rnnts_named_tensor){n4, 1, {G * H, 0, 0, 0}, bh};
        t[4] = (rnnts_named_tensor){"modulelist.0.weight", 2, {2, H, 0, 0}, v};
        t[5] = (rnnts_named_tensor){"modulelist.0.bias", 1, {2, 0, 0, 0}, c};
        snprintf(path, sizeof path, "%s/rnnts_gates_%s_%d.safetensors", dir, pre, (int)rnnts_xxh3_64(dir, strlen(dir)) & 0xffff);
        /* a file as PyTorch's safetensors would write it (no metadata): the kind from the names */
        cr_assert_eq(rnnts_safetensors_write(path, t, 6, NULL, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_rnn_load(path, NULL, &net, &err), RNNTS_OK, "%s", err.msg);
        cr_assert(net->cfg.model == (lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU) && net->H == H && net->K == 1);
        /* tau analyses do not apply */
        {
            rnnts_tau_summary ts;
            int counts[4], un, ov;
            EXPECT_ERR(rnnts_tau_summary_of(net, &ts, &err_), RNNTS_ERR_INVALID_ARG, "model");
            EXPECT_ERR(rnnts_tau_histogram(net, 0, 1, 4, counts, &un, &ov, &err_), RNNTS_ERR_INVALID_ARG, "model");
            EXPECT_ERR(rnnts_rnn_perturb_tau(net, 0.1, 1, 1, &err_), RNNTS_ERR_INVALID_ARG, "tau");
            {   /* perturb_w perturbs W_hh of every gate: G*H*H floats, nothing else */
                rnnts_rnn *cp;
                size_t GHH = (size_t)(lstm ? 4 : 3) * H * H, changed = 0;
                for (size_t e = 0; e < GHH; e++) net->w[e] = 0.5f; /* the file's W_hh is 0, and eps scales with ||W_hh|| */
                cr_assert_eq(rnnts_rnn_clone(net, &cp, &err), RNNTS_OK);
                cr_assert_eq(rnnts_rnn_perturb_w(cp, 0.1, 1, 1, &err), RNNTS_OK, "%s", err.msg);
                for (size_t e = 0; e < net->n_param; e++) {
                    int in_w = cp->param + e >= cp->w && cp->param + e < cp->w + GHH;
                    if (cp->param[e] != net->param[e]) { cr_assert(in_w, "perturb_w changed element %zu outside W_hh", e); changed++; }
                }
                cr_assert(changed > GHH / 2, "perturb_w changed only %zu of %zu weights", changed, GHH);
                rnnts_rnn_destroy(cp);
            }
            {   /* ablation zeroes unit 1's gate rows of W_hh and W_ih, column 1 of W_hh and its head weights */
                int G = lstm ? 4 : 3;
                for (size_t e = 0; e < net->n_param; e++) net->param[e] = 0.25f;
                cr_assert_eq(rnnts_rnn_ablate(net, 1, &err), RNNTS_OK, "%s", err.msg);
                for (int p = 0; p < G * H; p++)
                    for (int j = 0; j < H; j++)
                        cr_assert_eq(net->w[p * H + j], (p % H == 1 || j == 1) ? 0.0f : 0.25f, "W_hh[%d][%d]", p, j);
                for (int p = 0; p < G * H; p++) {
                    cr_assert_eq(net->w_in[p], p % H == 1 ? 0.0f : 0.25f);
                    cr_assert_eq(net->b_in[p], 0.25f);
                    cr_assert_eq(net->b[p], 0.25f);
                }
                cr_assert_eq(net->head[1], 0.0f);
                cr_assert_eq(net->head[H + 1], 0.0f);
                cr_assert_eq(net->head[0], 0.25f);
                EXPECT_ERR(rnnts_rnn_ablate(net, H, &err_), RNNTS_ERR_INVALID_ARG, "neuron");
            }
            EXPECT_ERR(rnnts_rnn_set_k_continuous(net, 2, &err_), RNNTS_ERR_INVALID_ARG, "k_continuous");
        }
        rnnts_rnn_destroy(net);
        /* a tensor the model does not have */
        t[6] = t[2];
        t[6].name = lstm ? "lstm.bias_ih_l1" : "gru.bias_ih_l1";
        cr_assert_eq(rnnts_safetensors_write(path, t, 7, NULL, &err), RNNTS_OK);
        EXPECT_ERR(rnnts_rnn_load(path, NULL, &net, &err_), RNNTS_ERR_FORMAT, t[6].name);
        /* weight_hh not [G*H, H] */
        t[1].shape[0] = G * H - 1;
        cr_assert_eq(rnnts_safetensors_write(path, t, 6, NULL, &err), RNNTS_OK);
        EXPECT_ERR(rnnts_rnn_load(path, NULL, &net, &err_), RNNTS_ERR_SHAPE, n2);
        t[1].shape[0] = G * H;
        /* bias_ih of the wrong length */
        t[2].shape[0] = G * H + 1;
        {
            float big[17] = {0};
            t[2].data = big;
            cr_assert_eq(rnnts_safetensors_write(path, t, 6, NULL, &err), RNNTS_OK);
            EXPECT_ERR(rnnts_rnn_load(path, NULL, &net, &err_), RNNTS_ERR_SHAPE, n3);
            t[2].data = bi;
        }
        t[2].shape[0] = G * H;
        /* a head of the wrong width */
        t[4].shape[1] = H - 1;
        cr_assert_eq(rnnts_safetensors_write(path, t, 6, NULL, &err), RNNTS_OK);
        EXPECT_ERR(rnnts_rnn_load(path, NULL, &net, &err_), RNNTS_ERR_SHAPE, "modulelist.0.weight");
        t[4].shape[1] = H;
        /* no head 0 */
        t[4].name = "modulelist.1.weight"; t[5].name = "modulelist.1.bias";
        cr_assert_eq(rnnts_safetensors_write(path, t, 6, NULL, &err), RNNTS_OK);
        EXPECT_ERR(rnnts_rnn_load(path, NULL, &net, &err_), RNNTS_ERR_MISSING, "modulelist.0.weight");
        t[4].name = "modulelist.0.weight"; t[5].name = "modulelist.0.bias";
        /* a missing cell tensor */
        t[3] = t[5];
        cr_assert_eq(rnnts_safetensors_write(path, t, 5, NULL, &err), RNNTS_OK);
        EXPECT_ERR(rnnts_rnn_load(path, NULL, &net, &err_), RNNTS_ERR_MISSING, n4);
        {
            const char *meta[] = {"model", "transformer", NULL};
            cr_assert_eq(rnnts_safetensors_write(path, t, 5, meta, &err), RNNTS_OK);
            EXPECT_ERR(rnnts_rnn_load(path, NULL, &net, &err_), RNNTS_ERR_FORMAT, "model");
        }
        remove(path);
    }
    /* config errors name the field */
    {
        rnnts_rnn_config cfg = rnnts_rnn_config_default();
        rnnts_rnn *net;
        cfg.hidden = 8; cfg.model = RNNTS_MODEL_GRU; cfg.k_continuous = 2;
        EXPECT_ERR(rnnts_rnn_create(&cfg, 1, NULL, &net, &err_), RNNTS_ERR_INVALID_ARG, "k_continuous");
        cfg.k_continuous = 0; cfg.model = (rnnts_model)7;
        EXPECT_ERR(rnnts_rnn_create(&cfg, 1, NULL, &net, &err_), RNNTS_ERR_INVALID_ARG, "model");
        cfg.model = RNNTS_MODEL_LSTM; cfg.hidden = 20000;
        EXPECT_ERR(rnnts_rnn_config_check(&cfg, &err_), RNNTS_ERR_INVALID_ARG, "hidden");
        cr_assert_eq(rnnts_rnn_config_default().model, RNNTS_MODEL_RNN, "the default stays the leaky RNN");
        cr_assert_str_eq(rnnts_model_name(RNNTS_MODEL_LSTM), "lstm");
    }
    /* a workspace of another model kind */
    {
        rnnts_rnn *g = make_gated(RNNTS_MODEL_GRU, 4, 1, 1), *l = make_gated(RNNTS_MODEL_LSTM, 4, 1, 1);
        rnnts_rnn_ws *ws;
        rnnts_error err;
        tc_batch tb;
        int heads[1] = {0};
        tc_make_batch(&tb, 4, 2, 3, 1, heads, 1, 0.0f);
        cr_assert_eq(rnnts_rnn_ws_create(g, 2, 3, NULL, &ws, &err), RNNTS_OK);
        EXPECT_ERR(rnnts_rnn_forward(ws, l, &tb.bt, NULL, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "gru");
        rnnts_rnn_ws_destroy(ws);
        tc_free_batch(&tb);
        rnnts_rnn_destroy(g);
        rnnts_rnn_destroy(l);
    }
}

/* The analyses that need no tau run on GRU/LSTM through the shared step: stream accuracy, tau_net
   (short protocol), dimensionality; a trained-then-untrained check is out of scope, so only that
   they run, give finite values in range and the same bits with 1 and 2 threads. */
Test(gates, stream_accuracy_taunet_pca_run, .timeout = 120) {
    for (int lstm = 0; lstm < 2; lstm++) {
        rnnts_rnn *net = make_gated(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, 12, 2, 31);
        rnnts_stream_config sc = rnnts_stream_config_default();
        rnnts_taunet_config tc = rnnts_taunet_config_default();
        rnnts_taunet_result tr[2];
        rnnts_error err;
        float acc[2][3];
        int ncomp[2][2];
        sc.trials = 3; sc.len = 200; sc.warmup = 10; sc.seed = 2;
        tc.steps = 2000; tc.burn = 100; tc.trials = 2; tc.seed = 4;
        for (int nt = 1; nt <= 2; nt++) {
            rnnts_pool *pool;
            cr_assert_eq(rnnts_pool_create(nt, NULL, &pool, &err), RNNTS_OK);
            rnnts_pool_set_min_flops(pool, 0.0);
            cr_assert_eq(rnnts_stream_accuracy(net, RNNTS_TASK_PARITY, 2, 1, &sc, pool, acc[nt - 1], &err), RNNTS_OK, "%s", err.msg);
            cr_assert_eq(rnnts_taunet(net, &tc, pool, &tr[nt - 1], &err), RNNTS_OK, "%s", err.msg);
            rnnts_dim_config dc = rnnts_dim_config_default();
            dc.steps = 600; dc.burn = 100; dc.trials = 2; dc.var_fraction = 0.9; dc.seed = 3;
            cr_assert_eq(rnnts_dimensionality(net, &dc, pool, ncomp[nt - 1], NULL, &err), RNNTS_OK, "%s", err.msg);
            rnnts_pool_destroy(pool);
        }
        for (int q = 0; q < 3; q++) cr_assert(acc[0][q] >= 0.0f && acc[0][q] <= 1.0f);
        for (int q = 0; q < 2; q++) cr_assert(ncomp[0][q] >= 1 && ncomp[0][q] <= 12);
        cr_assert(memcmp(acc[0], acc[1], sizeof acc[0]) == 0, "stream accuracy: threads differ");
        cr_assert(memcmp(ncomp[0], ncomp[1], sizeof ncomp[0]) == 0, "dimensionality: threads differ");
        cr_assert(memcmp(tr[0].ac, tr[1].ac, (size_t)12 * tr[0].pop_lags * sizeof(float)) == 0, "tau_net autocorrelations: threads differ");
        rnnts_taunet_result_free(&tr[0]);
        rnnts_taunet_result_free(&tr[1]);
        rnnts_rnn_destroy(net);
    }
}
