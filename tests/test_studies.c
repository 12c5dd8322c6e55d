/* test_studies.c — retraining and generalisation: rnnts_retrain, rnnts_evaluate_config,
   rnnts_rnn_set_k_continuous. Each is checked against a replay through the lower-level public API,
   bit for bit, and its errors name what was wrong. */
#include "test_common.h"

static rnnts_rnn *ts_net(int H, int K, uint64_t seed, int k_continuous) {
    rnnts_rnn_config c = rnnts_rnn_config_default();
    rnnts_rnn *net;
    rnnts_error e;
    c.hidden = H; c.heads = K;
    if (k_continuous) { c.variant = RNNTS_VARIANT_MOD; c.k_continuous = k_continuous; }
    cr_assert_eq(rnnts_rnn_create(&c, seed, NULL, &net, &e), RNNTS_OK, "%s", e.msg);
    return net;
}
static rnnts_retrain_config ts_retrain_cfg(void) {
    rnnts_retrain_config rc = rnnts_retrain_config_default();
    rc.epochs = 3; rc.train.batch = 16; rc.train.steps_per_epoch = 20; rc.train.test_batches = 2; rc.train.seed = 21;
    return rc;
}
static int ts_calls;
static void ts_count(void *user, int i, const rnnts_epoch_report *rep) {
    (void)user; (void)i; (void)rep;
    ts_calls++;
}

Test(studies, retrain_defaults_are_the_reference) {
    rnnts_retrain_config rc = rnnts_retrain_config_default();
    cr_assert_eq(rc.epochs, 20);
    cr_assert_eq(rc.train.batch, 256);
    cr_assert_eq(rc.train.steps_per_epoch, 600);
    cr_assert_eq(rc.train.optim.kind, RNNTS_OPT_SGD);
}

/* retrain == for each N: clone, trainer (curriculum none, threshold 100, max_epochs = epochs),
   `epochs` epochs; the network itself is not touched and no epoch stops early. */
Test(studies, retrain_equals_trainer_replay, .timeout = 120) {
    rnnts_rnn *net = ts_net(24, 3, 5, 0), *cp;
    rnnts_retrain_config rc = ts_retrain_cfg();
    int ns[3] = {2, 3, 2};
    float acc[9], *before = (float *)tc_xmalloc(rnnts_rnn_param_count(&net->cfg) * sizeof(float));
    rnnts_error e;
    memcpy(before, net->param, net->n_param * sizeof(float));
    ts_calls = 0;
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 3, NULL, acc, ts_count, NULL, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(ts_calls, 9, "on_epoch called %d times, expected 3 Ns x 3 epochs", ts_calls);
    cr_assert_eq(memcmp(before, net->param, net->n_param * sizeof(float)), 0, "retrain modified the network");
    for (int i = 0; i < 3; i++) {
        rnnts_train_config tc = rc.train;
        rnnts_trainer *tr;
        rnnts_epoch_report r;
        tc.curriculum = RNNTS_CURR_NONE; tc.n_fixed = ns[i]; tc.max_epochs = rc.epochs; tc.threshold = 100.0f;
        cr_assert_eq(rnnts_rnn_clone(net, &cp, &e), RNNTS_OK);
        cr_assert_eq(rnnts_trainer_create(&tc, cp, NULL, NULL, &tr, &e), RNNTS_OK, "%s", e.msg);
        for (int ep = 0; ep < rc.epochs; ep++) {
            cr_assert_eq(rnnts_trainer_epoch(tr, &r, &e), RNNTS_OK, "%s", e.msg);
            cr_assert_eq(r.ns[0], ns[i]);
            cr_assert_eq(r.heads[0], 0);
            cr_assert_eq(tc_bits(acc[i * rc.epochs + ep]), tc_bits(r.acc[0]), "N %d epoch %d: %.9g vs replay %.9g", ns[i], ep + 1,
                         (double)acc[i * rc.epochs + ep], (double)r.acc[0]);
        }
        cr_assert_eq(r.done, 1, "the replay should end on its epoch budget");
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(cp);
    }
    /* the same N twice gives the same curve (each N starts from the untouched network) */
    for (int ep = 0; ep < rc.epochs; ep++) cr_assert_eq(tc_bits(acc[ep]), tc_bits(acc[2 * rc.epochs + ep]));
    free(before);
    rnnts_rnn_destroy(net);
}

/* A network that solves its N at once still trains every epoch (no early stop). */
Test(studies, retrain_runs_every_epoch_when_solved, .timeout = 120) {
    rnnts_rnn *net = ts_net(32, 1, 7, 0);
    rnnts_retrain_config rc = ts_retrain_cfg();
    int ns[1] = {2};
    float acc[12];
    rnnts_error e;
    rc.epochs = 12; rc.train.steps_per_epoch = 100; rc.train.batch = 32; rc.train.test_batches = 3; rc.train.seed = 5;
    ts_calls = 0;
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 1, NULL, acc, ts_count, NULL, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(ts_calls, 12);
    cr_assert_eq(acc[11], 100.0f, "2-parity not learned in 12 epochs: %.9g", (double)acc[11]);
    rnnts_rnn_destroy(net);
}

Test(studies, retrain_threads_same_bits, .timeout = 120) {
    rnnts_rnn *net = ts_net(40, 2, 9, 0);
    rnnts_retrain_config rc = ts_retrain_cfg();
    rnnts_pool *pool;
    rnnts_error e;
    int ns[2] = {3, 4};
    float a1[6], a2[6];
    cr_assert_eq(rnnts_pool_create(2, NULL, &pool, &e), RNNTS_OK);
    rnnts_pool_set_min_flops(pool, 0.0);
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 2, NULL, a1, NULL, NULL, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 2, pool, a2, NULL, NULL, &e), RNNTS_OK, "%s", e.msg);
    for (int i = 0; i < 6; i++) cr_assert_eq(tc_bits(a1[i]), tc_bits(a2[i]), "entry %d: 1 thread %.9g, 2 threads %.9g", i, (double)a1[i], (double)a2[i]);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
}

Test(studies, retrain_errors_name_the_field) {
    rnnts_rnn *net = ts_net(8, 1, 1, 0);
    rnnts_retrain_config rc = ts_retrain_cfg();
    int ns[2] = {2, 0};
    float acc[8];
    rnnts_error e;
    cr_assert_eq(rnnts_retrain(NULL, &rc, ns, 1, NULL, acc, NULL, NULL, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 0, NULL, acc, NULL, NULL, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "Ns"), "%s", e.msg);
    rc.epochs = 0;
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 1, NULL, acc, NULL, NULL, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "epochs"), "%s", e.msg);
    rc = ts_retrain_cfg();
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 2, NULL, acc, NULL, NULL, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "n_fixed"), "%s", e.msg);
    rc.train.batch = 0;
    cr_assert_eq(rnnts_retrain(net, &rc, ns, 1, NULL, acc, NULL, NULL, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "batch"), "%s", e.msg);
    rnnts_rnn_destroy(net);
}

/* rnnts_evaluate_config with len = 0 is rnnts_evaluate; with a length it scores the batches of
   rnnts_task_batch_len through a forward pass (replayed here). */
Test(studies, evaluate_len_equals_replay) {
    rnnts_rnn *net = ts_net(20, 3, 3, 0);
    rnnts_rnn_ws *ws;
    rnnts_error e;
    int ns[2] = {2, 4}, heads[2] = {0, 2}, len = 23, B = 8, T = 3;
    float a0[2], a1[2], al[2], logits[2 * 8 * 2], input[23 * 8];
    int labels[2 * 8];
    long correct[2] = {0, 0};
    rnnts_eval_config ec = rnnts_eval_config_default();
    ec.ns = ns; ec.heads = heads; ec.n = 2; ec.batch = B; ec.batches = T; ec.seed = 4; ec.first_index = 1;
    cr_assert_eq(rnnts_evaluate(net, RNNTS_TASK_PARITY, ns, heads, 2, B, T, 4, 1, NULL, a0, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_evaluate_config(net, &ec, NULL, a1, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(tc_bits(a0[0]), tc_bits(a1[0]));
    cr_assert_eq(tc_bits(a0[1]), tc_bits(a1[1]));
    ec.task = RNNTS_TASK_DMS; ec.len = len;
    cr_assert_eq(rnnts_evaluate_config(net, &ec, NULL, al, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_rnn_ws_create(net, B, len, NULL, &ws, &e), RNNTS_OK);
    for (int j = 0; j < T; j++) {
        rnnts_batch bt;
        cr_assert_eq(rnnts_task_batch_len(RNNTS_TASK_DMS, ns, 2, B, len, 4, RNNTS_PURPOSE_TEST, 1 + (uint64_t)j, input, labels, &e), RNNTS_OK);
        memset(&bt, 0, sizeof bt);
        bt.batch = B; bt.len = len; bt.input = input; bt.h0_seed = 4; bt.h0_draw = ((uint64_t)1 << 62) + 1 + (uint64_t)j;
        bt.n_active = 2; bt.heads = heads;
        cr_assert_eq(rnnts_rnn_forward(ws, net, &bt, NULL, logits, NULL, &e), RNNTS_OK, "%s", e.msg);
        for (int q = 0; q < 2; q++)
            for (int b = 0; b < B; b++) {
                const float *l = logits + ((size_t)q * B + b) * 2;
                correct[q] += (l[1] > l[0] ? 1 : 0) == labels[q * B + b];
            }
    }
    for (int q = 0; q < 2; q++) {
        float want = (float)(100.0 * (double)correct[q] / (double)(B * T));
        cr_assert_eq(tc_bits(al[q]), tc_bits(want), "N %d: %.9g vs replay %.9g", ns[q], (double)al[q], (double)want);
    }
    /* errors */
    ec.len = 3;
    cr_assert_eq(rnnts_evaluate_config(net, &ec, NULL, al, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "len = 3") && strstr(e.msg, "N = 4"), "%s", e.msg);
    ec.len = -1;
    cr_assert_eq(rnnts_evaluate_config(net, &ec, NULL, al, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "len = -1"), "%s", e.msg);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
}

/* A continuous-time network moved to k behaves as one created with k (initialisation does not
   depend on k); workspaces of the old k are refused; discrete networks refuse the call. */
Test(studies, set_k_continuous) {
    rnnts_rnn *a = ts_net(16, 2, 8, 2), *b = ts_net(16, 2, 8, 5), *d = ts_net(16, 2, 8, 0);
    rnnts_rnn_ws *ws;
    rnnts_error e;
    int ns[2] = {2, 3}, heads[2] = {0, 1};
    float aa[2], ab[2], in[10 * 4] = {0};
    rnnts_batch bt;
    cr_assert_eq(memcmp(a->param, b->param, a->n_param * sizeof(float)), 0, "initialisation depends on k");
    cr_assert_eq(rnnts_rnn_ws_create(a, 4, 10, NULL, &ws, &e), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_set_k_continuous(a, 5, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(a->cfg.k_continuous, 5);
    cr_assert_eq(rnnts_evaluate(a, RNNTS_TASK_PARITY, ns, heads, 2, 16, 2, 3, 0, NULL, aa, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_evaluate(b, RNNTS_TASK_PARITY, ns, heads, 2, 16, 2, 3, 0, NULL, ab, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(tc_bits(aa[0]), tc_bits(ab[0]));
    cr_assert_eq(tc_bits(aa[1]), tc_bits(ab[1]));
    memset(&bt, 0, sizeof bt);
    bt.batch = 4; bt.len = 10; bt.input = in; bt.n_active = 1; bt.heads = heads;
    cr_assert_neq(rnnts_rnn_forward(ws, a, &bt, NULL, NULL, NULL, &e), RNNTS_OK, "a workspace of k = 2 used at k = 5");
    cr_assert_eq(rnnts_rnn_set_k_continuous(d, 3, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "discrete"), "%s", e.msg);
    cr_assert_eq(rnnts_rnn_set_k_continuous(a, 0, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "k = 0"), "%s", e.msg);
    cr_assert_eq(rnnts_rnn_set_k_continuous(NULL, 2, &e), RNNTS_ERR_INVALID_ARG);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(a);
    rnnts_rnn_destroy(b);
    rnnts_rnn_destroy(d);
}
