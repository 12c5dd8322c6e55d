/* test_api.c — the rules the library owns for its users and the tool: name tables, the curriculum
   (start, advance rule, next Ns, and that the trainer follows exactly them), the head serving N of a
   model file, the model checksum, the configuration comparison, the metadata readers, the JSON
   cursor, the config check that refuses a multi-head target beyond the heads, and the comparison of
   checkpoint images (what rnnts replay proves a run with). */
#define _POSIX_C_SOURCE 200809L /* mkstemp */
#include "test_common.h"

#include <math.h>
#include <unistd.h>

/* ---- names ------------------------------------------------------------------------------- */
Test(api, names_round_trip_and_choices) {
    static const struct { rnnts_name_set set; int n; const char *choices; } sets[] = {
        {RNNTS_NAMES_TASK, 2, "parity|dms"},
        {RNNTS_NAMES_CURRICULUM, 4, "single|multi|sliding|none"},
        {RNNTS_NAMES_ACTIVATION, 4, "leakyrelu|relu|tanh|sigmoid"},
        {RNNTS_NAMES_VARIANT, 2, "default|mod"},
        {RNNTS_NAMES_MODEL, 3, "rnn|gru|lstm"},
        {RNNTS_NAMES_OPTIMIZER, 2, "sgd|adam"},
    };
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        char joined[128] = "";
        cr_assert_str_eq(rnnts_name_choices(sets[s].set), sets[s].choices);
        for (int v = 0; v < sets[s].n; v++) {
            const char *nm = rnnts_name(sets[s].set, v);
            cr_assert_eq(rnnts_name_parse(sets[s].set, nm), v, "set %d value %d (%s)", (int)sets[s].set, v, nm);
            if (v) strcat(joined, "|");
            strcat(joined, nm);
        }
        /* the choices list is the names in value order: a flag's index is the enum value */
        cr_assert_str_eq(joined, sets[s].choices);
        cr_assert_str_eq(rnnts_name(sets[s].set, sets[s].n), "?");
        cr_assert_str_eq(rnnts_name(sets[s].set, -1), "?");
        cr_assert_eq(rnnts_name_parse(sets[s].set, "Parity"), -1);
        cr_assert_eq(rnnts_name_parse(sets[s].set, NULL), -1);
    }
    cr_assert_str_eq(rnnts_name((rnnts_name_set)99, 0), "?");
    cr_assert_str_eq(rnnts_name_choices((rnnts_name_set)99), "");
    cr_assert_str_eq(rnnts_model_name(RNNTS_MODEL_LSTM), "lstm");
}

/* ---- curriculum -------------------------------------------------------------------------- */
static void tc_expect_state(const rnnts_curriculum_state *s, int n, const int *ns, const int *heads) {
    cr_assert_eq(s->n_ns, n);
    for (int a = 0; a < n; a++) {
        cr_assert_eq(s->ns[a], ns[a], "ns[%d] = %d, want %d", a, s->ns[a], ns[a]);
        cr_assert_eq(s->heads[a], heads[a], "heads[%d] = %d, want %d", a, s->heads[a], heads[a]);
    }
}
Test(api, curriculum_start_and_advance) {
    rnnts_train_config c = rnnts_train_config_default();
    rnnts_curriculum_state s;
    c.n_start = 3;
    c.curriculum = RNNTS_CURR_SINGLE;
    rnnts_curriculum_start(&c, &s);
    tc_expect_state(&s, 1, (int[]){3}, (int[]){0});
    cr_assert_eq(rnnts_curriculum_advance(&c, 1, &s), RNNTS_DONE_RUNNING);
    tc_expect_state(&s, 1, (int[]){4}, (int[]){0});

    c.curriculum = RNNTS_CURR_MULTI; c.init_heads = 2; c.n_add = 2;
    rnnts_curriculum_start(&c, &s);
    tc_expect_state(&s, 2, (int[]){3, 4}, (int[]){0, 1});
    cr_assert_eq(rnnts_curriculum_advance(&c, 4, &s), RNNTS_DONE_RUNNING);
    tc_expect_state(&s, 4, (int[]){3, 4, 5, 6}, (int[]){0, 1, 2, 3});
    /* no head left for N = 7: over, with the Ns that fitted */
    cr_assert_eq(rnnts_curriculum_advance(&c, 4, &s), RNNTS_DONE_CURRICULUM);
    tc_expect_state(&s, 4, (int[]){3, 4, 5, 6}, (int[]){0, 1, 2, 3});
    /* target reached, heads left: TARGET, state advanced; no head left: CURRICULUM wins */
    c.target_n = 4;
    rnnts_curriculum_start(&c, &s);
    cr_assert_eq(rnnts_curriculum_advance(&c, 8, &s), RNNTS_DONE_TARGET);
    cr_assert_eq(s.n_ns, 4);
    rnnts_curriculum_start(&c, &s);
    cr_assert_eq(rnnts_curriculum_advance(&c, 2, &s), RNNTS_DONE_CURRICULUM);

    c.target_n = 0; c.curriculum = RNNTS_CURR_SLIDING; c.window = 3; c.slide = 2;
    rnnts_curriculum_start(&c, &s);
    tc_expect_state(&s, 3, (int[]){3, 4, 5}, (int[]){0, 1, 2});
    cr_assert_eq(rnnts_curriculum_advance(&c, 3, &s), RNNTS_DONE_RUNNING);
    tc_expect_state(&s, 3, (int[]){5, 6, 7}, (int[]){0, 1, 2});

    c.curriculum = RNNTS_CURR_NONE; c.n_fixed = 9;
    rnnts_curriculum_start(&c, &s);
    tc_expect_state(&s, 1, (int[]){9}, (int[]){0});
    cr_assert_eq(rnnts_curriculum_advance(&c, 1, &s), RNNTS_DONE_CURRICULUM);
}
Test(api, curriculum_solved_is_strict) {
    rnnts_train_config c = rnnts_train_config_default(); /* threshold 98 */
    float acc[3] = {100.0f, 100.0f, 98.5f};
    cr_assert(rnnts_curriculum_solved(&c, acc, 3, 99.5f));
    cr_assert(!rnnts_curriculum_solved(&c, acc, 3, 98.0f)); /* mean must exceed */
    acc[2] = 98.0f;
    cr_assert(!rnnts_curriculum_solved(&c, acc, 3, 99.3f)); /* the largest N must exceed */
    cr_assert(!rnnts_curriculum_solved(&c, acc, 0, 99.0f));
}
/* The trainer follows the public rule: every epoch's report replays through
   rnnts_curriculum_solved / _advance from rnnts_curriculum_start (multi, then sliding). */
static void tc_replay_trainer(rnnts_curriculum c_kind) {
    rnnts_rnn_config nc = rnnts_rnn_config_default();
    rnnts_train_config tc = rnnts_train_config_default();
    rnnts_curriculum_state s;
    rnnts_rnn *net;
    rnnts_trainer *tr;
    rnnts_error e;
    rnnts_epoch_report r;
    int advanced = 0;
    nc.hidden = 16; nc.heads = 6;
    tc.curriculum = c_kind; tc.window = 2; tc.batch = 16; tc.steps_per_epoch = 4; tc.test_batches = 1; tc.max_epochs = 12;
    tc.threshold = 40.0f; tc.seed = 3;
    cr_assert_eq(rnnts_rnn_create(&nc, 3, NULL, &net, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_trainer_create(&tc, net, NULL, NULL, &tr, &e), RNNTS_OK, "%s", e.msg);
    rnnts_curriculum_start(&tc, &s);
    do {
        rnnts_done want = RNNTS_DONE_RUNNING;
        cr_assert_eq(rnnts_trainer_epoch(tr, &r, &e), RNNTS_OK, "%s", e.msg);
        tc_expect_state(&s, r.n_ns, r.ns, r.heads);
        cr_assert_eq(r.solved, rnnts_curriculum_solved(&tc, r.acc, r.n_ns, r.acc_mean));
        if (r.solved) { want = rnnts_curriculum_advance(&tc, net->K, &s); advanced++; }
        if (want == RNNTS_DONE_RUNNING && r.epoch >= tc.max_epochs) want = RNNTS_DONE_BUDGET;
        cr_assert_eq(r.done, want, "epoch %d: done %d, the rule says %d", r.epoch, (int)r.done, (int)want);
    } while (r.done == RNNTS_DONE_RUNNING);
    cr_assert(advanced > 0, "threshold 40 %% should let the curriculum advance at least once");
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
}
Test(api, trainer_follows_curriculum_rule_multi) { tc_replay_trainer(RNNTS_CURR_MULTI); }
Test(api, trainer_follows_curriculum_rule_sliding) { tc_replay_trainer(RNNTS_CURR_SLIDING); }

Test(api, config_check_rejects_multi_target_beyond_heads) {
    rnnts_rnn_config nc = rnnts_rnn_config_default();
    rnnts_train_config tc = rnnts_train_config_default();
    rnnts_rnn *net;
    rnnts_error e;
    nc.hidden = 4; nc.heads = 10;
    cr_assert_eq(rnnts_rnn_create(&nc, 1, NULL, &net, &e), RNNTS_OK);
    tc.curriculum = RNNTS_CURR_MULTI; tc.target_n = 11; /* N = 2..11: 10 heads */
    cr_assert_eq(rnnts_train_config_check(&tc, net, &e), RNNTS_OK, "%s", e.msg);
    tc.target_n = 12;
    cr_assert_eq(rnnts_train_config_check(&tc, net, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "10 heads") && strstr(e.msg, "needs 11"), "%s", e.msg);
    tc.curriculum = RNNTS_CURR_SINGLE; /* one head serves every N */
    cr_assert_eq(rnnts_train_config_check(&tc, net, &e), RNNTS_OK, "%s", e.msg);
    rnnts_rnn_destroy(net);
}

/* ---- model files: head for N, checksum, metadata ------------------------------------------ */
static rnnts_rnn *tc_meta_net(int heads, const char *curriculum, const char *ns) {
    rnnts_rnn_config nc = rnnts_rnn_config_default();
    rnnts_rnn *net;
    nc.hidden = 5; nc.heads = heads;
    cr_assert_eq(rnnts_rnn_create(&nc, 2, NULL, &net, NULL), RNNTS_OK);
    snprintf(net->meta.curriculum, sizeof net->meta.curriculum, "%s", curriculum);
    snprintf(net->meta.ns, sizeof net->meta.ns, "%s", ns);
    return net;
}
Test(api, head_for_follows_the_curriculum) {
    rnnts_rnn *net;
    rnnts_error e;
    int h;
    net = tc_meta_net(4, "multi", "3,4");
    cr_assert_eq(rnnts_rnn_head_for(net, 5, &h, &e), RNNTS_OK); cr_assert_eq(h, 2);
    cr_assert_eq(rnnts_rnn_head_for(net, 7, &h, &e), RNNTS_ERR_INVALID_ARG); cr_assert_eq(h, -1);
    cr_assert(strstr(e.msg, "maps to head 4") && strstr(e.msg, "N = 3 + i"), "%s", e.msg);
    cr_assert_eq(rnnts_rnn_head_for(net, 2, &h, &e), RNNTS_ERR_INVALID_ARG);
    rnnts_rnn_destroy(net);
    net = tc_meta_net(4, "", ""); /* no curriculum recorded: as multi from N = 2 */
    cr_assert_eq(rnnts_rnn_head_for(net, 5, &h, &e), RNNTS_OK); cr_assert_eq(h, 3);
    rnnts_rnn_destroy(net);
    net = tc_meta_net(3, "sliding", "6,7,8");
    cr_assert_eq(rnnts_rnn_head_for(net, 7, &h, &e), RNNTS_OK); cr_assert_eq(h, 1);
    cr_assert_eq(rnnts_rnn_head_for(net, 5, &h, &e), RNNTS_ERR_INVALID_ARG);
    cr_assert(strstr(e.msg, "not in the sliding window") && strstr(e.msg, "6,7,8"), "%s", e.msg);
    rnnts_rnn_destroy(net);
    net = tc_meta_net(3, "single", "9");
    cr_assert_eq(rnnts_rnn_head_for(net, 40, &h, &e), RNNTS_OK); cr_assert_eq(h, 0);
    rnnts_rnn_destroy(net);
    cr_assert_eq(rnnts_rnn_head_for(NULL, 2, &h, &e), RNNTS_ERR_INVALID_ARG);
}
Test(api, checksum_header_and_meta_kv) {
    rnnts_rnn *net = tc_meta_net(2, "multi", "2,3");
    rnnts_st_header h;
    rnnts_error e;
    void *buf;
    size_t size;
    char want[32], v[16];
    snprintf(want, sizeof want, "%016llx", (unsigned long long)rnnts_rnn_checksum(net));
    cr_assert_eq(rnnts_rnn_save_mem(net, &buf, &size, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_st_header_mem(buf, size, NULL, &h, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_str_eq(rnnts_st_header_meta(&h, "checksum_xxh3"), want);
    cr_assert_str_eq(rnnts_st_header_meta(&h, "curriculum"), "multi");
    cr_assert_null(rnnts_st_header_meta(&h, "no such key"));
    cr_assert_eq(h.n_tensors, rnnts_rnn_tensor_count(net));
    for (int t = 0; t < h.n_tensors; t++) { /* data order = tensor order; bytes = 4 * count */
        rnnts_tensor_info ti;
        cr_assert_eq(rnnts_rnn_tensor(net, t, &ti), RNNTS_OK);
        cr_assert_str_eq(h.tensors[t].name, ti.name);
        cr_assert_eq(h.tensors[t].end - h.tensors[t].begin, 4 * ti.count);
    }
    rnnts_st_header_free(&h);
    /* a cut file fails with the loader's error, and leaves nothing to free */
    cr_assert_eq(rnnts_st_header_mem(buf, size - 1, NULL, &h, &e), RNNTS_ERR_OFFSETS, "%s", e.msg);
    cr_assert_eq(h.n_tensors, 0);
    rnnts_free(&net->alloc, buf);
    cr_assert(rnnts_meta_kv("a=1 task=dms b=x", "task", v, sizeof v) && !strcmp(v, "dms"));
    cr_assert(!rnnts_meta_kv("a=1 xtask=dms", "task", v, sizeof v));
    cr_assert(!rnnts_meta_kv("task=0123456789abcdefXYZ", "task", v, sizeof v)); /* does not fit */
    rnnts_rnn_destroy(net);
}
Test(api, ns_parse) {
    int ns[4];
    cr_assert_eq(rnnts_ns_parse("2,3,4", ns, 4), 3);
    cr_assert(ns[0] == 2 && ns[2] == 4);
    cr_assert_eq(rnnts_ns_parse("", ns, 4), 0);
    cr_assert_eq(rnnts_ns_parse("2,,3", ns, 4), -1);
    cr_assert_eq(rnnts_ns_parse("0", ns, 4), -1);
    cr_assert_eq(rnnts_ns_parse("1,2,3,4,5", ns, 4), -1);
    cr_assert_eq(rnnts_ns_parse(NULL, ns, 4), -1);
}
Test(api, config_differs_names_the_first_field) {
    rnnts_rnn_config ra = rnnts_rnn_config_default(), rb = ra;
    rnnts_train_config ta = rnnts_train_config_default(), tb = ta;
    rnnts_config_diff d;
    cr_assert_eq(rnnts_config_differs(&ra, &ta, &rb, &tb, &d), 0);
    tb.max_epochs = 7; tb.target_n = 9; tb.time_limit_s = 5.0; /* the budget is not compared */
    cr_assert_eq(rnnts_config_differs(&ra, &ta, &rb, &tb, &d), 0);
    tb.optim.lr = 0.25f; rb.hidden = 32;
    cr_assert_eq(rnnts_config_differs(&ra, &ta, &rb, &tb, &d), 1);
    cr_assert_str_eq(d.field, "hidden"); cr_assert_str_eq(d.a, "500"); cr_assert_str_eq(d.b, "32");
    rb.hidden = ra.hidden;
    cr_assert_eq(rnnts_config_differs(&ra, &ta, &rb, &tb, &d), 1);
    cr_assert_str_eq(d.field, "lr"); cr_assert_str_eq(d.b, "0.25");
    /* GRU/LSTM: the leaky RNN's fields do not count */
    ra.model = rb.model = RNNTS_MODEL_GRU; rb.tau_init = 3.0f; tb.optim.lr = ta.optim.lr;
    cr_assert_eq(rnnts_config_differs(&ra, &ta, &rb, &tb, &d), 0);
}

/* ---- JSON cursor ------------------------------------------------------------------------- */
Test(api, json_cursor) {
    const char *t = " {\"a\\u00e9\\ud83d\\ude00\": [1, -2.5e3, null, true, {\"x\": \"y\"}], \"n\": 12} ";
    rnnts_json j;
    char k[32];
    double v;
    uint64_t u;
    rnnts_json_init(&j, t, strlen(t));
    cr_assert(rnnts_json_eat(&j, '{'));
    cr_assert_eq(rnnts_json_string(&j, k, sizeof k), 7); /* a, e-acute (2 bytes), U+1F600 (4 bytes) */
    cr_assert(!memcmp(k, "a\xc3\xa9\xf0\x9f\x98\x80", 8));
    cr_assert(rnnts_json_eat(&j, ':') && rnnts_json_eat(&j, '['));
    cr_assert(rnnts_json_number(&j, &v, 0) && v == 1.0);
    cr_assert(rnnts_json_eat(&j, ',') && rnnts_json_number(&j, &v, 0) && v == -2500.0);
    cr_assert(rnnts_json_eat(&j, ',') && rnnts_json_number(&j, &v, 1) && isnan(v));
    cr_assert(rnnts_json_eat(&j, ',') && rnnts_json_skip(&j, 0));
    cr_assert(rnnts_json_eat(&j, ',') && !rnnts_json_skip(&j, 0)); /* an object needs max_depth >= 1 */
    cr_assert_str_eq(j.err, "nested too deeply");
    rnnts_json_init(&j, t, strlen(t)); /* three levels of containers: needs max_depth 3 */
    cr_assert(!rnnts_json_skip(&j, 2));
    rnnts_json_init(&j, t, strlen(t));
    cr_assert(rnnts_json_skip(&j, 3) && rnnts_json_end(&j));
    rnnts_json_init(&j, "\"ab\\x\"", 6);
    cr_assert_eq(rnnts_json_string(&j, k, sizeof k), -1);
    cr_assert_str_eq(j.err, "bad escape in a string");
    rnnts_json_init(&j, "01", 2);
    cr_assert(!rnnts_json_uint(&j, &u));
    rnnts_json_init(&j, "1.", 2);
    cr_assert(!rnnts_json_number(&j, &v, 0));
    cr_assert_str_eq(j.err, "bad number");
    rnnts_json_init(&j, "\"abcdef\"", 8); /* cut to cap - 1 bytes, full length returned */
    cr_assert_eq(rnnts_json_string(&j, k, 4), 6);
    cr_assert_str_eq(k, "abc");
    rnnts_json_init(&j, "9007199254740993", 16); /* 2^53 + 1 */
    cr_assert(!rnnts_json_uint(&j, &u));
}

/* ---- gate timescales --------------------------------------------------------------------- */
Test(api, gate_timescales_errors_and_range) {
    rnnts_rnn_config nc = rnnts_rnn_config_default();
    rnnts_gate_config gc = rnnts_gate_config_default();
    rnnts_rnn *net;
    rnnts_error e;
    double g[6], ts[6];
    nc.hidden = 6; nc.heads = 1;
    cr_assert_eq(rnnts_rnn_create(&nc, 1, NULL, &net, &e), RNNTS_OK);
    cr_assert_eq(rnnts_gate_timescales(net, &gc, g, ts, &e), RNNTS_ERR_INVALID_ARG); /* a leaky RNN has no gates */
    rnnts_rnn_destroy(net);
    nc.model = RNNTS_MODEL_LSTM;
    cr_assert_eq(rnnts_rnn_create(&nc, 1, NULL, &net, &e), RNNTS_OK);
    gc.steps = 60; gc.burn = 10; gc.trials = 3;
    cr_assert_eq(rnnts_gate_timescales(net, &gc, g, ts, &e), RNNTS_OK, "%s", e.msg);
    for (int i = 0; i < 6; i++) cr_assert(g[i] > 0.0 && g[i] < 1.0 && ts[i] == 1.0 / (1.0 - g[i]), "unit %d: %g %g", i, g[i], ts[i]);
    gc.burn = 60;
    cr_assert_eq(rnnts_gate_timescales(net, &gc, g, ts, &e), RNNTS_ERR_INVALID_ARG);
    rnnts_rnn_destroy(net);
}

/* A small trainer after `epochs` epochs, its checkpoint image in *img (free with rnnts_free(NULL, .)). */
static rnnts_trainer *tc_ckpt_trainer(float lr, int epochs, rnnts_rnn **net, void **img, size_t *n) {
    rnnts_rnn_config nc = rnnts_rnn_config_default();
    rnnts_train_config tc = rnnts_train_config_default();
    rnnts_trainer *tr;
    rnnts_epoch_report r;
    rnnts_error e;
    nc.hidden = 12; nc.heads = 3;
    tc.batch = 8; tc.steps_per_epoch = 3; tc.test_batches = 1; tc.max_epochs = 5; tc.seed = 4; tc.optim.lr = lr;
    cr_assert_eq(rnnts_rnn_create(&nc, 4, NULL, net, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_trainer_create(&tc, *net, NULL, NULL, &tr, &e), RNNTS_OK, "%s", e.msg);
    for (int k = 0; k < epochs; k++) cr_assert_eq(rnnts_trainer_epoch(tr, &r, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_trainer_save_mem(tr, img, n, &e), RNNTS_OK, "%s", e.msg);
    return tr;
}
Test(api, checkpoint_compare_names_the_first_difference) {
    rnnts_rnn *net, *net2;
    rnnts_trainer *tr, *tr2;
    rnnts_st_header h;
    rnnts_checkpoint_info info;
    rnnts_ckpt_diff d;
    rnnts_error e;
    void *a, *c, *o;
    size_t na, nc, no, nf;
    unsigned char *b, *file;
    char path[] = "/tmp/rnnts_test_ckpt_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    tr = tc_ckpt_trainer(0.05f, 2, &net, &a, &na);
    /* the image is the file rnnts_trainer_save writes */
    cr_assert_eq(rnnts_trainer_save(tr, path, &e), RNNTS_OK, "%s", e.msg);
    file = tc_read_file(path, &nf);
    cr_assert(nf == na && memcmp(file, a, na) == 0, "rnnts_trainer_save_mem differs from the file");
    free(file);
    remove(path);
    /* its position */
    cr_assert_eq(rnnts_st_header_mem(a, na, NULL, &h, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_checkpoint_info_of(&h, &info, &e), RNNTS_OK, "%s", e.msg);
    cr_assert(info.epoch == 2 && info.epoch_step == 0 && info.step == 6 && info.steps_per_epoch == 3 && info.max_epochs == 5 &&
              info.done == RNNTS_DONE_RUNNING && strcmp(info.version, RNNTS_VERSION_STRING) == 0);
    cr_assert_eq(rnnts_checkpoint_compare(a, na, a, na, 0, &d, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(d.kind, RNNTS_CKPT_SAME);
    /* one bit of element 7 of the recurrent weights */
    b = (unsigned char *)tc_xmalloc(na);
    memcpy(b, a, na);
    for (int t = 0; t < h.n_tensors; t++)
        if (strcmp(h.tensors[t].name, "modulelist.1.weight") == 0) b[8 + h.header_len + h.tensors[t].begin + 4 * 7] ^= 1;
    cr_assert_eq(rnnts_checkpoint_compare(a, na, b, na, 0, &d, &e), RNNTS_OK, "%s", e.msg);
    cr_assert(d.kind == RNNTS_CKPT_VALUE && strcmp(d.tensor, "modulelist.1.weight") == 0 && d.index == 7 && (d.want_bits ^ d.got_bits) == 1, "%s", d.msg);
    cr_assert(strstr(d.msg, "element 7 ([0, 7] of [12, 12])") != NULL, "%s", d.msg);
    /* the budget: compared, or left out (and done 0 vs 1 with it) */
    cr_assert_eq(rnnts_trainer_set_budget(tr, 2, 0, 0.0, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_trainer_save_mem(tr, &c, &nc, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(rnnts_checkpoint_compare(a, na, c, nc, 0, &d, &e), RNNTS_OK, "%s", e.msg);
    cr_assert(d.kind == RNNTS_CKPT_META && strcmp(d.key, "train_config.max_epochs") == 0 && strcmp(d.want_text, "5") == 0 && strcmp(d.got_text, "2") == 0, "%s", d.msg);
    cr_assert_eq(rnnts_checkpoint_compare(a, na, c, nc, RNNTS_CKPT_IGNORE_BUDGET, &d, &e), RNNTS_OK, "%s", e.msg);
    cr_assert_eq(d.kind, RNNTS_CKPT_SAME, "%s", d.msg);
    /* another configuration is named before the values it changed */
    tr2 = tc_ckpt_trainer(0.01f, 2, &net2, &o, &no);
    cr_assert_eq(rnnts_checkpoint_compare(a, na, o, no, RNNTS_CKPT_IGNORE_BUDGET, &d, &e), RNNTS_OK, "%s", e.msg);
    cr_assert(d.kind == RNNTS_CKPT_META && strcmp(d.key, "train_config.lr") == 0, "%s", d.msg);
    /* a malformed image is an error naming which one; never a read outside it */
    cr_assert_eq(rnnts_checkpoint_compare(a, na, b, 4, 0, &d, &e), RNNTS_ERR_TRUNCATED);
    cr_assert(strncmp(e.msg, "compared image: ", 16) == 0, "%s", e.msg);
    cr_assert_eq(rnnts_checkpoint_compare(NULL, 0, b, na, 0, &d, &e), RNNTS_ERR_INVALID_ARG);
    /* a model file is no checkpoint */
    rnnts_st_header_free(&h);
    {
        void *m;
        size_t nm;
        cr_assert_eq(rnnts_rnn_save_mem(net, &m, &nm, &e), RNNTS_OK, "%s", e.msg);
        cr_assert_eq(rnnts_st_header_mem(m, nm, NULL, &h, &e), RNNTS_OK, "%s", e.msg);
        cr_assert_eq(rnnts_checkpoint_info_of(&h, &info, &e), RNNTS_ERR_FORMAT);
        cr_assert(strstr(e.msg, "not a training checkpoint") != NULL, "%s", e.msg);
        rnnts_st_header_free(&h);
        rnnts_free(NULL, m);
    }
    free(b);
    rnnts_free(NULL, a); rnnts_free(NULL, c); rnnts_free(NULL, o);
    rnnts_trainer_destroy(tr); rnnts_rnn_destroy(net);
    rnnts_trainer_destroy(tr2); rnnts_rnn_destroy(net2);
}
