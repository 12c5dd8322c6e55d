/* test_refopts.c — the reference's training options (issue 14, item 4): continuous-time training
   over a list of k, init_tau as a rescaling to a mean (tau_mean), a multi-head run that starts with
   several heads (init_heads), the sliding presets. The k-list step is checked against a replay
   through the single-k public API (forward, backward, optimiser) in the documented order. */
#define _POSIX_C_SOURCE 200809L
#include "test_common.h"
#include <math.h>
#include <unistd.h>

/* Whether needle occurs in the n bytes of hay. */
static int ro_contains(const unsigned char *hay, size_t n, const char *needle) {
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0) return 1;
    return 0;
}
static rnnts_rnn *ro_ct_net(int H, int K, int k, uint64_t seed, float tau_mean) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_error err;
    rc.hidden = H; rc.heads = K; rc.variant = RNNTS_VARIANT_MOD; rc.k_continuous = k; rc.tau_mean = tau_mean;
    cr_assert_eq(rnnts_rnn_create(&rc, seed, NULL, &net, &err), RNNTS_OK, "rnnts_rnn_create: %s", err.msg);
    return net;
}
static rnnts_train_config ro_cfg(rnnts_curriculum curr, float threshold) {
    rnnts_train_config c = rnnts_train_config_default();
    c.curriculum = curr; c.task = RNNTS_TASK_PARITY; c.threshold = threshold;
    c.batch = 16; c.steps_per_epoch = 6; c.test_batches = 2; c.seed = 13;
    return c;
}
static void ro_epoch(rnnts_trainer *tr, rnnts_epoch_report *r) {
    rnnts_error err;
    cr_assert_eq(rnnts_trainer_epoch(tr, r, &err), RNNTS_OK, "rnnts_trainer_epoch: %s", err.msg);
}

/* The k-list step by hand: for every training step s and k_list[j] in order, the batch and h0 of
   (seed, s * n_k + j) at k = k_list[j], forward, backward, one optimiser step, zero diagonal; the
   step's loss is the mean of the n_k losses summed in list order. The test at every k on batches
   (epoch * n_k + j) * test_batches + i, accuracy = mean over k. Bit for bit with the trainer. */
Test(refopts, klist_step_equals_single_k_replay) {
    static const int ks[3] = {2, 1, 3};
    const int nk = 3;
    rnnts_rnn *a = ro_ct_net(10, 4, 1, 5, 0.0f), *b = ro_ct_net(10, 4, 1, 5, 0.0f);
    rnnts_train_config c = ro_cfg(RNNTS_CURR_MULTI, 0.0f);
    rnnts_trainer *tr = NULL;
    rnnts_optim *o;
    rnnts_rnn_ws *ws[3];
    rnnts_error err;
    float *grad, *input, step_loss[16];
    int labels[4 * 16];
    unsigned char used[32];
    uint64_t step = 0;
    c.init_heads = 2; c.n_k = nk;
    for (int j = 0; j < nk; j++) c.k_list[j] = ks[j];
    cr_assert_eq(rnnts_trainer_create(&c, a, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(a->cfg.k_continuous, ks[0], "the trainer sets the network to k_list[0]");
    cr_assert_eq(rnnts_optim_create(&c.optim, b, NULL, &o, NULL), RNNTS_OK);
    for (int j = 0; j < nk; j++) {
        cr_assert_eq(rnnts_rnn_set_k_continuous(b, ks[j], NULL), RNNTS_OK);
        cr_assert_eq(rnnts_rnn_ws_create(b, c.batch, rnnts_task_max_len(8), NULL, &ws[j], NULL), RNNTS_OK);
    }
    grad = (float *)tc_xmalloc(b->n_param * sizeof(float));
    input = (float *)tc_xmalloc((size_t)rnnts_task_max_len(8) * c.batch * sizeof(float));
    for (int e = 0; e < 2; e++) {
        rnnts_epoch_report r;
        float acc[RNNTS_MAX_NS] = {0}, acc_k[RNNTS_MAX_NS];
        ro_epoch(tr, &r);
        cr_assert_eq(r.n_ns, e == 0 ? 2 : 3, "epoch %d: init_heads 2 then one N added", e + 1);
        memset(used, 0, sizeof used);
        for (int t = 0; t < 5; t++) used[t] = 1;
        for (int q = 0; q < r.n_ns; q++) used[5 + 2 * r.heads[q]] = used[6 + 2 * r.heads[q]] = 1;
        for (int s = 0; s < c.steps_per_epoch; s++, step++) {
            float sum = 0.0f;
            for (int j = 0; j < nk; j++) {
                uint64_t idx = step * (uint64_t)nk + (uint64_t)j;
                rnnts_batch bt;
                int M;
                float loss;
                cr_assert_eq(rnnts_rnn_set_k_continuous(b, ks[j], NULL), RNNTS_OK);
                cr_assert_eq(rnnts_task_batch(c.task, r.ns, r.n_ns, c.batch, c.seed, RNNTS_PURPOSE_DATA, idx, input, labels, &M, NULL), RNNTS_OK);
                memset(&bt, 0, sizeof bt);
                bt.batch = c.batch; bt.len = M; bt.input = input; bt.h0_seed = c.seed; bt.h0_draw = idx;
                bt.n_active = r.n_ns; bt.heads = r.heads; bt.labels = labels;
                cr_assert_eq(rnnts_rnn_forward(ws[j], b, &bt, NULL, NULL, &loss, &err), RNNTS_OK, "%s", err.msg);
                cr_assert_eq(rnnts_rnn_backward(ws[j], b, NULL, grad, &err), RNNTS_OK, "%s", err.msg);
                cr_assert_eq(rnnts_optim_step(o, b, grad, used, NULL, &err), RNNTS_OK, "%s", err.msg);
                rnnts_rnn_zero_diag(b);
                sum = j == 0 ? loss : sum + loss;
            }
            step_loss[s] = sum / (float)nk;
        }
        cr_assert_eq(memcmp(a->param, b->param, a->n_param * sizeof(float)), 0, "epoch %d: the k-list trainer differs from the replay", e + 1);
        cr_assert_eq(tc_bits(r.loss), tc_bits(rnnts_sum_canon(step_loss, (size_t)c.steps_per_epoch) / (float)c.steps_per_epoch),
                     "epoch %d: loss %.9g is not the mean of the k-mean step losses", e + 1, (double)r.loss);
        for (int j = 0; j < nk; j++) {
            cr_assert_eq(rnnts_rnn_set_k_continuous(b, ks[j], NULL), RNNTS_OK);
            cr_assert_eq(rnnts_evaluate(b, c.task, r.ns, r.heads, r.n_ns, c.batch, c.test_batches, c.seed,
                                        ((uint64_t)e * nk + (uint64_t)j) * (uint64_t)c.test_batches, NULL, acc_k, &err), RNNTS_OK, "%s", err.msg);
            for (int q = 0; q < r.n_ns; q++) acc[q] = j == 0 ? acc_k[q] : acc[q] + acc_k[q];
        }
        for (int q = 0; q < r.n_ns; q++)
            cr_assert_eq(tc_bits(r.acc[q]), tc_bits(acc[q] / (float)nk), "epoch %d N %d: accuracy %.9g, mean over k %.9g", e + 1, r.ns[q],
                         (double)r.acc[q], (double)(acc[q] / (float)nk));
        cr_assert_eq(a->cfg.k_continuous, ks[0], "between epochs the network is at k_list[0]");
    }
    rnnts_trainer_destroy(tr);
    rnnts_optim_destroy(o);
    for (int j = 0; j < nk; j++) rnnts_rnn_ws_destroy(ws[j]);
    rnnts_rnn_destroy(a);
    rnnts_rnn_destroy(b);
    free(grad);
    free(input);
}

/* A list of one k is the network's own k_continuous: the same bits. */
Test(refopts, klist_of_one_equals_k_continuous) {
    rnnts_rnn *a = ro_ct_net(12, 3, 3, 8, 0.0f), *b = ro_ct_net(12, 3, 3, 8, 0.0f);
    rnnts_train_config ca = ro_cfg(RNNTS_CURR_SLIDING, 0.0f), cb;
    rnnts_trainer *ta = NULL, *tb = NULL;
    ca.window = 2;
    cb = ca;
    cb.n_k = 1; cb.k_list[0] = 3;
    cr_assert_eq(rnnts_trainer_create(&ca, a, NULL, NULL, &ta, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_trainer_create(&cb, b, NULL, NULL, &tb, NULL), RNNTS_OK);
    for (int e = 0; e < 2; e++) {
        rnnts_epoch_report ra, rb;
        ro_epoch(ta, &ra);
        ro_epoch(tb, &rb);
        cr_assert_eq(tc_bits(ra.loss), tc_bits(rb.loss));
        for (int q = 0; q < ra.n_ns; q++) cr_assert_eq(tc_bits(ra.acc[q]), tc_bits(rb.acc[q]));
        cr_assert_eq(memcmp(a->param, b->param, a->n_param * sizeof(float)), 0, "epoch %d", e + 1);
    }
    rnnts_trainer_destroy(ta);
    rnnts_trainer_destroy(tb);
    rnnts_rnn_destroy(a);
    rnnts_rnn_destroy(b);
}

/* Checkpoints record k_list and init_heads: resume from epoch 1, one more epoch, the same bytes as
   the uninterrupted epoch-2 checkpoint; files without the options keep their form (no keys). */
Test(refopts, klist_init_heads_resume) {
    char dir[] = "/tmp/rnnts_refopts_XXXXXX", p1[300], p2[300], r2[300];
    rnnts_rnn *a = ro_ct_net(10, 5, 1, 3, 2.5f), *net2 = NULL;
    rnnts_train_config c = ro_cfg(RNNTS_CURR_MULTI, 0.0f);
    rnnts_trainer *tr = NULL, *tr2 = NULL;
    rnnts_epoch_report r;
    rnnts_error err;
    size_t n;
    unsigned char *bytes;
    c.init_heads = 3; c.n_k = 2; c.k_list[0] = 2; c.k_list[1] = 4;
    c.optim = rnnts_optim_config_adam();
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p1, sizeof p1, "%s/e1", dir); snprintf(p2, sizeof p2, "%s/e2", dir); snprintf(r2, sizeof r2, "%s/r2", dir);
    cr_assert_eq(rnnts_trainer_create(&c, a, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
    ro_epoch(tr, &r);
    cr_assert_eq(rnnts_trainer_save(tr, p1, &err), RNNTS_OK, "%s", err.msg);
    ro_epoch(tr, &r);
    cr_assert_eq(rnnts_trainer_save(tr, p2, &err), RNNTS_OK, "%s", err.msg);
    bytes = tc_read_file(p1, &n);
    cr_assert(ro_contains(bytes, n, "init_heads=3 k_list=2,4"), "train_config records init_heads and k_list");
    cr_assert(ro_contains(bytes, n, "\"tau_mean\":\"2.5\""), "the model metadata records tau_mean");
    free(bytes);
    cr_assert_eq(rnnts_trainer_resume(p1, NULL, NULL, &net2, &tr2, &err), RNNTS_OK, "resume: %s", err.msg);
    cr_assert_eq(rnnts_trainer_config(tr2)->n_k, 2);
    cr_assert_eq(rnnts_trainer_config(tr2)->k_list[1], 4);
    cr_assert_eq(rnnts_trainer_config(tr2)->init_heads, 3);
    cr_assert_eq(net2->cfg.tau_mean, 2.5f);
    ro_epoch(tr2, &r);
    cr_assert_eq(rnnts_trainer_save(tr2, r2, &err), RNNTS_OK, "%s", err.msg);
    tc_same_file(p2, r2, "k_list/init_heads resume");
    rnnts_trainer_destroy(tr2);
    rnnts_rnn_destroy(net2);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(a);
    remove(p1); remove(p2); remove(r2);
    rmdir(dir);
}

/* tau_mean rescales the draw tau_init + U[0,1): tau'_i = tau_i * (tau_mean / mean), mean in double
   in index order rounded to float; the mean is then tau_mean. */
Test(refopts, tau_mean_rescales_the_draw) {
    rnnts_rnn *plain = ro_ct_net(50, 1, 0, 17, 0.0f), *scaled = ro_ct_net(50, 1, 0, 17, 4.0f);
    double sum = 0.0, sum2 = 0.0;
    float mean, scale;
    for (int i = 0; i < 50; i++) sum += (double)plain->tau[i];
    mean = (float)(sum / 50.0);
    scale = 4.0f / mean;
    for (int i = 0; i < 50; i++) {
        cr_assert_eq(tc_bits(scaled->tau[i]), tc_bits(plain->tau[i] * scale), "tau[%d]", i);
        sum2 += (double)scaled->tau[i];
    }
    cr_assert(fabs(sum2 / 50.0 - 4.0) < 1e-5, "mean %.9g", sum2 / 50.0);
    /* everything but tau is the plain network's */
    cr_assert_eq(memcmp(plain->param + 50, scaled->param + 50, (plain->n_param - 50) * sizeof(float)), 0);
    rnnts_rnn_destroy(plain);
    rnnts_rnn_destroy(scaled);
}

Test(refopts, errors_name_the_field) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_train_config c = ro_cfg(RNNTS_CURR_MULTI, 98.0f);
    rnnts_rnn *disc = ro_ct_net(6, 2, 0, 1, 0.0f), *ct = ro_ct_net(6, 2, 1, 1, 0.0f);
    rnnts_trainer *tr = NULL;
    rnnts_error err;
    rc.hidden = 4; rc.train_tau = 0; rc.fixed_tau = 2.0f; rc.tau_mean = 3.0f;
    cr_assert_eq(rnnts_rnn_config_check(&rc, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "tau_mean"), "%s", err.msg);
    rc.train_tau = 1; rc.tau_mean = -1.0f;
    cr_assert_eq(rnnts_rnn_config_check(&rc, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "tau_mean = -1"), "%s", err.msg);
    rc.tau_mean = 2.0f; rc.model = RNNTS_MODEL_LSTM;
    cr_assert_eq(rnnts_rnn_config_check(&rc, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "has no tau"), "%s", err.msg);

    c.n_k = 2; c.k_list[0] = 1; c.k_list[1] = 2;
    cr_assert_eq(rnnts_trainer_create(&c, disc, NULL, NULL, &tr, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "k_list needs a continuous-time network"), "%s", err.msg);
    c.k_list[1] = 0;
    cr_assert_eq(rnnts_train_config_check(&c, ct, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "k_list[1] = 0"), "%s", err.msg);
    c.n_k = 17;
    cr_assert_eq(rnnts_train_config_check(&c, ct, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "n_k = 17"), "%s", err.msg);
    c.n_k = 0; c.init_heads = 3;
    cr_assert_eq(rnnts_train_config_check(&c, ct, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "init_heads = 3 needs"), "%s", err.msg);
    c.init_heads = 2; c.curriculum = RNNTS_CURR_SLIDING; c.window = 2;
    cr_assert_eq(rnnts_train_config_check(&c, ct, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "multi curriculum only"), "%s", err.msg);
    c.init_heads = 0;
    cr_assert_eq(rnnts_train_config_check(&c, NULL, &err), RNNTS_ERR_INVALID_ARG);
    cr_assert_not_null(strstr(err.msg, "init_heads = 0"), "%s", err.msg);
    rnnts_rnn_destroy(disc);
    rnnts_rnn_destroy(ct);
}

Test(refopts, sliding_presets) {
    static const char *const bad[] = {"sliding_5_10", "sliding_x_1", "cumulative", "sliding_10_5x", "sliding_0_0", "sliding_ 3_1",
                                      "sliding_300_1", ""};
    rnnts_train_config c = rnnts_train_config_default();
    rnnts_error err;
    cr_assert_eq(rnnts_train_config_preset("sliding_10_5", &c, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(c.curriculum, RNNTS_CURR_SLIDING);
    cr_assert_eq(c.window, 10);
    cr_assert_eq(c.slide, 5);
    cr_assert_eq(c.n_start, 2);
    cr_assert_eq(rnnts_train_config_preset("sliding_1_1", &c, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(c.window, 1);
    for (size_t q = 0; q < sizeof bad / sizeof bad[0]; q++) {
        c = rnnts_train_config_default();
        cr_assert_eq(rnnts_train_config_preset(bad[q], &c, &err), RNNTS_ERR_INVALID_ARG, "\"%s\" accepted", bad[q]);
        cr_assert_not_null(strstr(err.msg, "preset"), "%s", err.msg);
        cr_assert_eq(c.curriculum, RNNTS_CURR_MULTI, "a failed preset changed the config");
    }
}
