/* test_ablation.c — issue 14: ablation as the reference publishes it (rnnts_rnn_ablate_head: one
   head's readout column, or every head's) and the reference LSTM script's input bits for GRU/LSTM
   (rnnts_task_batch_bits, rnnts_task_bits_of, used by the trainer and rnnts_evaluate). */
#include "test_common.h"
#include <math.h>

static rnnts_rnn *ta_net(rnnts_model model, int H, int K, uint64_t seed) {
    rnnts_rnn_config c = rnnts_rnn_config_default();
    rnnts_rnn *net;
    rnnts_error e;
    c.hidden = H; c.heads = K; c.model = model;
    cr_assert_eq(rnnts_rnn_create(&c, seed, NULL, &net, &e), RNNTS_OK, "%s", e.msg);
    return net;
}

/* Every parameter of `after` equals `before`'s except those `zeroed` marks, which are 0. */
static void ta_expect(const rnnts_rnn *before, const rnnts_rnn *after, const unsigned char *zeroed, const char *what) {
    for (size_t e = 0; e < before->n_param; e++) {
        if (zeroed[e]) cr_assert_eq(after->param[e], 0.0f, "%s: parameter %zu not zeroed", what, e);
        else cr_assert_eq(tc_bits(after->param[e]), tc_bits(before->param[e]), "%s: parameter %zu changed", what, e);
    }
}

/* Leaky RNN, H = 9, K = 4, neuron 3: head h only (0, 2) zeroes row 3 and column 3 of W, w_in[3]
   and that head's two weights of neuron 3; the other heads, biases and tau are untouched.
   RNNTS_ABLATE_ALL_HEADS equals rnnts_rnn_ablate bit for bit. */
Test(ablation, rnn_one_head_or_all) {
    const int H = 9, K = 4, i = 3, heads[3] = {0, 2, RNNTS_ABLATE_ALL_HEADS};
    rnnts_rnn *net = ta_net(RNNTS_MODEL_RNN, H, K, 11), *cp, *old;
    unsigned char *z = (unsigned char *)tc_xmalloc(net->n_param);
    rnnts_error e;
    for (int q = 0; q < 3; q++) {
        int h = heads[q];
        memset(z, 0, net->n_param);
        for (int j = 0; j < H; j++) { z[(net->w - net->param) + i * H + j] = 1; z[(net->w - net->param) + j * H + i] = 1; }
        z[(net->w_in - net->param) + i] = 1;
        for (int k = 0; k < K; k++)
            if (h < 0 || k == h) { z[(net->head - net->param) + k * (2 * H + 2) + i] = 1; z[(net->head - net->param) + k * (2 * H + 2) + H + i] = 1; }
        cr_assert_eq(rnnts_rnn_clone(net, &cp, &e), RNNTS_OK);
        cr_assert_eq(rnnts_rnn_ablate_head(cp, i, h, &e), RNNTS_OK, "%s", e.msg);
        ta_expect(net, cp, z, h < 0 ? "all heads" : h == 0 ? "head 0" : "head 2");
        if (h < 0) {
            cr_assert_eq(rnnts_rnn_clone(net, &old, &e), RNNTS_OK);
            cr_assert_eq(rnnts_rnn_ablate(old, i, &e), RNNTS_OK, "%s", e.msg);
            cr_assert_eq(memcmp(old->param, cp->param, net->n_param * sizeof(float)), 0, "rnnts_rnn_ablate != ablate_head(ALL_HEADS)");
            rnnts_rnn_destroy(old);
        }
        rnnts_rnn_destroy(cp);
    }
    free(z);
    rnnts_rnn_destroy(net);
}

/* GRU and LSTM: the unit's rows of W_hh and W_ih in every gate and its W_hh column as before; the
   readout weights of head 0 only, the other heads and all biases untouched. */
Test(ablation, gated_head0_only) {
    for (int lstm = 0; lstm < 2; lstm++) {
        const int H = 6, K = 3, i = 4, G = lstm ? 4 : 3;
        rnnts_rnn *net = ta_net(lstm ? RNNTS_MODEL_LSTM : RNNTS_MODEL_GRU, H, K, 5), *cp;
        unsigned char *z = (unsigned char *)tc_xmalloc(net->n_param);
        rnnts_error e;
        size_t w0 = (size_t)(net->w - net->param), in0 = (size_t)(net->w_in - net->param), h0 = (size_t)(net->head - net->param);
        for (int p = 0; p < G * H; p++) {
            for (int j = 0; j < H; j++)
                if (p % H == i || j == i) z[w0 + (size_t)p * H + j] = 1;
            if (p % H == i) z[in0 + (size_t)p] = 1;
        }
        z[h0 + i] = 1; z[h0 + H + i] = 1;
        cr_assert_eq(rnnts_rnn_clone(net, &cp, &e), RNNTS_OK);
        cr_assert_eq(rnnts_rnn_ablate_head(cp, i, 0, &e), RNNTS_OK, "%s", e.msg);
        ta_expect(net, cp, z, lstm ? "lstm head 0" : "gru head 0");
        rnnts_rnn_destroy(cp);
        free(z);
        rnnts_rnn_destroy(net);
    }
}

Test(ablation, errors_name_the_field) {
    rnnts_rnn *net = ta_net(RNNTS_MODEL_RNN, 5, 2, 1);
    EXPECT_ERR(rnnts_rnn_ablate_head(net, 1, 2, &err_), RNNTS_ERR_INVALID_ARG, "head 2");
    EXPECT_ERR(rnnts_rnn_ablate_head(net, 1, -2, &err_), RNNTS_ERR_INVALID_ARG, "head -2");
    EXPECT_ERR(rnnts_rnn_ablate_head(net, 5, 0, &err_), RNNTS_ERR_INVALID_ARG, "neuron 5");
    EXPECT_ERR(rnnts_rnn_ablate_head(NULL, 0, 0, &err_), RNNTS_ERR_INVALID_ARG, "NULL");
    rnnts_rnn_destroy(net);
}

/* The bits per model, and HALF's statistics: every bit 0 or 1, the fraction of ones per sequence
   binomial around 0.5 (variance 0.25 / L, not U[0,1)'s 1/12), neighbours uncorrelated; the same M
   as P_SEQUENCE; labels = parity of the last N bits; DMS batches identical in both modes. */
Test(ablation, half_bits_are_bernoulli_half) {
    const int B = 1000, L = 400, ns[2] = {3, 7};
    float *a = (float *)tc_xmalloc((size_t)L * B * sizeof(float)); /* L > rnnts_task_max_len(7) */
    float *b = (float *)tc_xmalloc((size_t)L * B * sizeof(float));
    int *la = (int *)tc_xmalloc((size_t)2 * B * sizeof(int)), *lb = (int *)tc_xmalloc((size_t)2 * B * sizeof(int)), Ma, Mb;
    double mean = 0.0, var = 0.0, lag = 0.0, ones = 0.0;
    rnnts_error e;
    cr_assert_eq(rnnts_task_bits_of(RNNTS_MODEL_RNN), RNNTS_BITS_P_SEQUENCE);
    cr_assert_eq(rnnts_task_bits_of(RNNTS_MODEL_GRU), RNNTS_BITS_HALF);
    cr_assert_eq(rnnts_task_bits_of(RNNTS_MODEL_LSTM), RNNTS_BITS_HALF);
    cr_assert_eq(rnnts_task_batch_bits(RNNTS_TASK_PARITY, RNNTS_BITS_HALF, ns, 1, B, L, 3, RNNTS_PURPOSE_DATA, 0, a, la, &Ma, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(Ma, L);
    for (int s = 0; s < B; s++) {
        int c = 0;
        for (int t = 0; t < L; t++) {
            float x = a[(size_t)t * B + s];
            cr_assert(x == 0.0f || x == 1.0f, "bit (%d, %d) = %g", t, s, (double)x);
            c += x == 1.0f;
            if (t) lag += (x - 0.5) * (a[(size_t)(t - 1) * B + s] - 0.5);
        }
        mean += (double)c / L;
        var += ((double)c / L) * ((double)c / L);
        ones += c;
    }
    mean /= B;
    var = var / B - mean * mean;
    lag /= (double)B * (L - 1) * 0.25;
    cr_assert(fabs(ones / ((double)B * L) - 0.5) < 0.005, "fraction of ones %g (4 sd = 0.0032)", ones / ((double)B * L));
    cr_assert(var > 0.5 * 0.25 / L && var < 1.5 * 0.25 / L, "variance of the per-sequence fraction %g, expected %g", var, 0.25 / L);
    cr_assert(fabs(lag) < 0.01, "lag-1 correlation %g", lag);
    /* parity labels of a drawn batch (M from the same draw as P_SEQUENCE), N = 3 and 7 */
    cr_assert_eq(rnnts_task_batch_bits(RNNTS_TASK_PARITY, RNNTS_BITS_HALF, ns, 2, B, 0, 4, RNNTS_PURPOSE_TEST, 9, a, la, &Ma, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_task_batch(RNNTS_TASK_PARITY, ns, 2, B, 4, RNNTS_PURPOSE_TEST, 9, b, lb, &Mb, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(Ma, Mb, "M differs between the bit modes");
    for (int q = 0; q < 2; q++)
        for (int s = 0; s < B; s++) {
            int y = 0;
            for (int t = Ma - ns[q]; t < Ma; t++) y ^= a[(size_t)t * B + s] == 1.0f;
            cr_assert_eq(la[q * B + s], y, "N %d sequence %d: label %d, parity %d", ns[q], s, la[q * B + s], y);
        }
    cr_assert(memcmp(a, b, (size_t)Ma * B * sizeof(float)) != 0, "HALF drew the same bits as P_SEQUENCE");
    cr_assert_eq(rnnts_task_batch_bits(RNNTS_TASK_DMS, RNNTS_BITS_HALF, ns, 2, B, 0, 4, RNNTS_PURPOSE_TEST, 9, a, la, &Ma, &e), RNNTS_OK);
    cr_assert_eq(rnnts_task_batch(RNNTS_TASK_DMS, ns, 2, B, 4, RNNTS_PURPOSE_TEST, 9, b, lb, &Mb, &e), RNNTS_OK);
    cr_assert(Ma == Mb && memcmp(a, b, (size_t)Ma * B * sizeof(float)) == 0 && memcmp(la, lb, (size_t)2 * B * sizeof(int)) == 0,
              "DMS batches depend on the bit mode");
    /* P_SEQUENCE through rnnts_task_batch_bits is rnnts_task_batch_len */
    cr_assert_eq(rnnts_task_batch_bits(RNNTS_TASK_PARITY, RNNTS_BITS_P_SEQUENCE, ns, 2, B, 30, 4, RNNTS_PURPOSE_TEST, 9, a, la, &Ma, &e), RNNTS_OK);
    cr_assert_eq(rnnts_task_batch_len(RNNTS_TASK_PARITY, ns, 2, B, 30, 4, RNNTS_PURPOSE_TEST, 9, b, lb, &e), RNNTS_OK);
    cr_assert(memcmp(a, b, (size_t)30 * B * sizeof(float)) == 0 && memcmp(la, lb, (size_t)2 * B * sizeof(int)) == 0);
    EXPECT_ERR(rnnts_task_batch_bits(RNNTS_TASK_PARITY, (rnnts_bits)2, ns, 1, B, 0, 4, 1, 0, a, la, &Ma, &err_), RNNTS_ERR_INVALID_ARG, "bits = 2");
    EXPECT_ERR(rnnts_task_batch_bits(RNNTS_TASK_PARITY, RNNTS_BITS_HALF, ns, 1, B, -1, 4, 1, 0, a, la, &Ma, &err_), RNNTS_ERR_INVALID_ARG, "len = -1");
    free(a); free(b); free(la); free(lb);
}

/* Mean cross-entropy over heads of one forward pass of net on the batch of (seed, DATA, index 0)
   with the given bits, h0 as the trainer draws it for step 0. */
static float ta_loss(const rnnts_rnn *net, rnnts_bits bits, const int *ns, const int *heads, int n, int B, uint64_t seed) {
    float *in = (float *)tc_xmalloc((size_t)rnnts_task_max_len(ns[n - 1]) * B * sizeof(float)), loss;
    int *lab = (int *)tc_xmalloc((size_t)n * B * sizeof(int)), M;
    rnnts_rnn_ws *ws;
    rnnts_batch bt;
    rnnts_error e;
    cr_assert_eq(rnnts_task_batch_bits(RNNTS_TASK_PARITY, bits, ns, n, B, 0, seed, RNNTS_PURPOSE_DATA, 0, in, lab, &M, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_rnn_ws_create(net, B, M, NULL, &ws, &e), RNNTS_OK, "%s", e.msg);
    memset(&bt, 0, sizeof bt);
    bt.batch = B; bt.len = M; bt.input = in; bt.h0_seed = seed; bt.h0_draw = 0;
    bt.n_active = n; bt.heads = heads; bt.labels = lab;
    cr_assert_eq(rnnts_rnn_forward(ws, net, &bt, NULL, NULL, &loss, &e), RNNTS_OK, "%s", e.msg);
    rnnts_rnn_ws_destroy(ws);
    free(in); free(lab);
    return loss;
}

/* Accuracy (percent) of net on ns[0] over one test batch (seed, TEST, index 0) with the given bits,
   h0 as rnnts_evaluate draws it: the replay of rnnts_evaluate(batches = 1, first_index = 0). */
static float ta_eval(const rnnts_rnn *net, rnnts_bits bits, const int *ns, const int *heads, int B, uint64_t seed) {
    float *in = (float *)tc_xmalloc((size_t)rnnts_task_max_len(ns[0]) * B * sizeof(float));
    float *lg = (float *)tc_xmalloc((size_t)B * 2 * sizeof(float));
    int *lab = (int *)tc_xmalloc((size_t)B * sizeof(int)), M;
    long correct = 0;
    rnnts_rnn_ws *ws;
    rnnts_batch bt;
    rnnts_error e;
    cr_assert_eq(rnnts_task_batch_bits(RNNTS_TASK_PARITY, bits, ns, 1, B, 0, seed, RNNTS_PURPOSE_TEST, 0, in, lab, &M, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_rnn_ws_create(net, B, M, NULL, &ws, &e), RNNTS_OK, "%s", e.msg);
    memset(&bt, 0, sizeof bt);
    bt.batch = B; bt.len = M; bt.input = in; bt.h0_seed = seed; bt.h0_draw = (uint64_t)1 << 62;
    bt.n_active = 1; bt.heads = heads;
    cr_assert_eq(rnnts_rnn_forward(ws, net, &bt, NULL, lg, NULL, &e), RNNTS_OK, "%s", e.msg);
    for (int b = 0; b < B; b++) correct += (lg[2 * b + 1] > lg[2 * b] ? 1 : 0) == lab[b];
    rnnts_rnn_ws_destroy(ws);
    free(in); free(lg); free(lab);
    return (float)(100.0 * (double)correct / (double)B);
}

/* The trainer feeds an LSTM (and a GRU) Bernoulli(0.5) parity bits and the leaky RNN its per-sequence
   p: an epoch of one step reports the loss of the forward pass on the model's batch (before the
   update), which differs from the other mode's. rnnts_evaluate scores the model's bits too. */
Test(ablation, trainer_and_evaluate_use_the_models_bits, .timeout = 60) {
    const rnnts_model models[3] = {RNNTS_MODEL_LSTM, RNNTS_MODEL_GRU, RNNTS_MODEL_RNN};
    for (int q = 0; q < 3; q++) {
        rnnts_rnn *net = ta_net(models[q], 12, 2, 7), *cp;
        rnnts_train_config tc = rnnts_train_config_default();
        rnnts_trainer *tr;
        rnnts_epoch_report r;
        rnnts_error e;
        rnnts_bits own = rnnts_task_bits_of(models[q]), other = own == RNNTS_BITS_HALF ? RNNTS_BITS_P_SEQUENCE : RNNTS_BITS_HALF;
        int ns[1] = {2}, heads[1] = {0};
        float want, alt;
        tc.batch = 32; tc.steps_per_epoch = 1; tc.test_batches = 1; tc.seed = 13; tc.max_epochs = 1;
        tc.curriculum = RNNTS_CURR_SINGLE;
        want = ta_loss(net, own, ns, heads, 1, tc.batch, tc.seed);
        alt = ta_loss(net, other, ns, heads, 1, tc.batch, tc.seed);
        cr_assert_neq(tc_bits(want), tc_bits(alt), "model %d: the two bit modes give the same loss", (int)models[q]);
        cr_assert_eq(rnnts_rnn_clone(net, &cp, &e), RNNTS_OK);
        cr_assert_eq(rnnts_trainer_create(&tc, cp, NULL, NULL, &tr, &e), RNNTS_OK, "%s", e.msg);
        cr_assert_eq(rnnts_trainer_epoch(tr, &r, &e), RNNTS_OK, "%s", e.msg);
        cr_assert_eq(tc_bits(r.loss), tc_bits(want), "model %d: trainer loss %.9g, expected %.9g (own bits) not %.9g", (int)models[q],
                     (double)r.loss, (double)want, (double)alt);
        {   /* rnnts_evaluate: the replay with the model's bits (a batch of 512 tells the modes apart) */
            float acc, mine = ta_eval(net, own, ns, heads, 512, 17), theirs = ta_eval(net, other, ns, heads, 512, 17);
            cr_assert_eq(rnnts_evaluate(net, RNNTS_TASK_PARITY, ns, heads, 1, 512, 1, 17, 0, NULL, &acc, &e), RNNTS_OK, "%s", e.msg);
            cr_assert_eq(tc_bits(acc), tc_bits(mine), "model %d: evaluate %.9g, replay with own bits %.9g, other bits %.9g", (int)models[q],
                         (double)acc, (double)mine, (double)theirs);
        }
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(cp);
        rnnts_rnn_destroy(net);
    }
}
