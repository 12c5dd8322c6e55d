/* bench/cases.c — the benchmark cases (see cases.h for workloads, flop counts and hashes). */
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include "cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h> /* sysconf: online CPUs for the oversubscribed cases */

#define BENCH_NET_SEED 42u
#define BENCH_DATA_SEED 1234u

typedef struct bench_state {
    bench_kind kind;
    bench_params p;
    rnnts_rnn *net;
    rnnts_rnn_ws *ws;
    rnnts_pool *pool;
    rnnts_optim *opt;
    float *input, *grad, *out, loss;
    int *labels, *heads;
    unsigned char *used;
    size_t n_out;
    rnnts_batch batch;
    uint64_t hash0;
} bench_state;

static void st_free(bench_state *s) {
    if (!s) return;
    if (s->opt) rnnts_optim_destroy(s->opt);
    if (s->ws) rnnts_rnn_ws_destroy(s->ws);
    if (s->pool) rnnts_pool_destroy(s->pool);
    if (s->net) rnnts_rnn_destroy(s->net);
    free(s->input); free(s->grad); free(s->out); free(s->labels); free(s->heads); free(s->used);
    free(s);
}

static int st_run(void *vs) {
    bench_state *s = (bench_state *)vs;
    rnnts_error e;
    rnnts_result r = RNNTS_OK;
    switch (s->kind) {
    case BENCH_FWD:
        r = rnnts_rnn_forward(s->ws, s->net, &s->batch, s->pool, s->out, &s->loss, &e);
        break;
    case BENCH_BWD:
        r = rnnts_rnn_forward(s->ws, s->net, &s->batch, s->pool, NULL, &s->loss, &e);
        if (r == RNNTS_OK) r = rnnts_rnn_backward(s->ws, s->net, s->pool, s->grad, &e);
        break;
    case BENCH_STEP:
        r = rnnts_rnn_forward(s->ws, s->net, &s->batch, s->pool, NULL, &s->loss, &e);
        if (r == RNNTS_OK) r = rnnts_rnn_backward(s->ws, s->net, s->pool, s->grad, &e);
        if (r == RNNTS_OK) r = rnnts_optim_step(s->opt, s->net, s->grad, s->used, NULL, &e);
        if (r == RNNTS_OK) rnnts_rnn_zero_diag(s->net); /* no-op for GRU/LSTM */
        break;
    case BENCH_STREAM:
        r = rnnts_rnn_stream(s->ws, s->net, &s->batch, s->pool, s->out, NULL, &e);
        break;
    }
    if (r != RNNTS_OK) {
        fprintf(stderr, "bench: %s\n", e.msg);
        return 1;
    }
    return 0;
}

static uint64_t st_hash_now(const bench_state *s) {
    switch (s->kind) {
    case BENCH_FWD: {
        /* logits then the loss, in one buffer (out has room for the loss at the end) */
        memcpy(s->out + s->n_out, &s->loss, sizeof s->loss);
        return rnnts_xxh3_64(s->out, (s->n_out + 1) * sizeof(float));
    }
    case BENCH_BWD: return rnnts_xxh3_64(s->grad, s->net->n_param * sizeof(float));
    case BENCH_STEP: return rnnts_xxh3_64(s->net->param, s->net->n_param * sizeof(float));
    case BENCH_STREAM: return rnnts_xxh3_64(s->out, s->n_out * sizeof(float));
    }
    return 0;
}

static void *st_setup(bench_kind kind, const bench_params *p) {
    bench_state *s = (bench_state *)calloc(1, sizeof *s);
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_optim_config oc = p->model == RNNTS_MODEL_RNN ? rnnts_optim_config_sgd() : rnnts_optim_config_adam();
    rnnts_error e;
    int K = p->heads, B = p->batch, M = p->len, nt;
    int ns[64];
    if (!s || K > 64) goto fail;
    s->kind = kind;
    s->p = *p;
    cfg.hidden = p->hidden;
    cfg.heads = K;
    cfg.variant = (rnnts_variant)p->variant;
    cfg.model = (rnnts_model)p->model;
    if (rnnts_rnn_create(&cfg, BENCH_NET_SEED, NULL, &s->net, &e) != RNNTS_OK) goto fail_e;
    if (rnnts_pool_create(p->threads, NULL, &s->pool, &e) != RNNTS_OK) goto fail_e;
    if (rnnts_rnn_ws_create(s->net, B, M, NULL, &s->ws, &e) != RNNTS_OK) goto fail_e;
    s->input = (float *)malloc((size_t)M * B * sizeof(float));
    s->labels = (int *)malloc((size_t)K * B * sizeof(int));
    s->heads = (int *)malloc((size_t)K * sizeof(int));
    s->grad = (float *)calloc(s->net->n_param, sizeof(float));
    s->n_out = kind == BENCH_STREAM ? (size_t)M * K * B * 2 : (size_t)K * B * 2;
    s->out = (float *)calloc(s->n_out + 1, sizeof(float));
    nt = rnnts_rnn_tensor_count(s->net);
    s->used = (unsigned char *)calloc((size_t)nt, 1);
    if (!s->input || !s->labels || !s->heads || !s->grad || !s->out || !s->used) goto fail;
    for (int a = 0; a < K; a++) { ns[a] = 2 + a; s->heads[a] = a; }
    /* The multi-head curriculum at its K-th stage: head a reads parity of the last 2 + a bits. */
    if (rnnts_task_batch_len(RNNTS_TASK_PARITY, ns, K, B, M, BENCH_DATA_SEED, RNNTS_PURPOSE_DATA, 0, s->input,
                             s->labels, &e) != RNNTS_OK) goto fail_e;
    s->batch.batch = B;
    s->batch.len = M;
    s->batch.input = s->input;
    s->batch.h0 = NULL;
    s->batch.h0_seed = BENCH_DATA_SEED;
    s->batch.h0_draw = 0;
    s->batch.n_active = K;
    s->batch.heads = s->heads;
    s->batch.labels = s->labels;
    if (kind == BENCH_STEP) {
        /* as rnnts_trainer_epoch: tau, w_in, b_in, w, b (GRU/LSTM: weight_ih, weight_hh, bias_ih,
           bias_hh) and every active head get a gradient */
        for (int t = 0; t < nt; t++) s->used[t] = 1;
        if (rnnts_optim_create(&oc, s->net, NULL, &s->opt, &e) != RNNTS_OK) goto fail_e;
    }
    /* first iteration from the fixed start: the output hash (and a warm-up) */
    if (st_run(s) != 0) goto fail;
    s->hash0 = st_hash_now(s);
    return s;
fail_e:
    fprintf(stderr, "bench setup: %s\n", e.msg);
fail:
    fprintf(stderr, "bench setup failed (H=%d B=%d M=%d K=%d threads=%d)\n", p->hidden, p->batch, p->len, p->heads,
            p->threads);
    st_free(s);
    return NULL;
}

static void *setup_fwd(const bench_params *p) { return st_setup(BENCH_FWD, p); }
static void *setup_bwd(const bench_params *p) { return st_setup(BENCH_BWD, p); }
static void *setup_step(const bench_params *p) { return st_setup(BENCH_STEP, p); }
static void *setup_stream(const bench_params *p) { return st_setup(BENCH_STREAM, p); }
static void st_teardown(void *s) { st_free((bench_state *)s); }
static uint64_t st_hash(void *s) { return ((bench_state *)s)->hash0; }
static int st_check(void *vs) {
    bench_state *s = (bench_state *)vs;
    return s->kind == BENCH_STEP ? 1 : st_hash_now(s) == s->hash0;
}

/* ---- the case table ------------------------------------------------------------------------- */
static const struct { const char *name; int H, B, M, K; } sizes[3] = {
    {"paper", 500, 256, 30, 9},
    {"medium", 128, 64, 30, 9},
    {"small", 64, 32, 20, 5},
};
static const char *kind_names[4] = {"fwd", "bwd", "step", "stream"};
static const double flop_factor[4] = {2.0, 6.0, 6.0, 2.0};
static void *(*const setups[4])(const bench_params *) = {setup_fwd, setup_bwd, setup_step, setup_stream};

/* GRU / LSTM training steps (issue 6): the sizes of its speed targets */
static const struct { const char *name; int H, B, M, K, threads; } gated_sizes[3] = {
    {"large", 500, 64, 30, 9, 1},
    {"large", 500, 64, 30, 9, 2},
    {"small", 64, 32, 20, 5, 1},
};

/* one pool thread more than the online CPUs (a pool that cannot spin on a core of its own), the
   leaky RNN's default step at the sizes where hand-offs dominate: "step/default/<size>/t<n+1>" */
static const int over_sizes[2] = {1, 2}; /* medium, small */

#define N_CASES (4 * 2 * 3 * 2 + 2 * 3 + 2)
static bench_case cases[N_CASES];
static int n_built;

/* a leaky-RNN case: size z, kind k, variant v, a pool of t threads */
static void rnn_case(bench_case *c, int z, int k, int v, int t) {
    double H = sizes[z].H;
    snprintf(c->name, sizeof c->name, "%s/%s/%s/t%d", kind_names[k], v ? "mod" : "default", sizes[z].name, t);
    c->kind = (bench_kind)k;
    c->p.hidden = sizes[z].H;
    c->p.batch = sizes[z].B;
    c->p.len = sizes[z].M;
    c->p.heads = sizes[z].K;
    c->p.threads = t;
    c->p.variant = v;
    c->p.model = RNNTS_MODEL_RNN;
    c->setup = setups[k];
    c->run = st_run;
    c->teardown = st_teardown;
    c->flops = flop_factor[k] * H * H * sizes[z].B * sizes[z].M;
    c->hash = st_hash;
    c->check_ok = st_check;
}

static void build(void) {
    if (n_built) return;
    int n = 0;
    /* order: size (paper first), kind, variant, threads — 1 and 2 threads side by side */
    for (int z = 0; z < 3; z++)
        for (int k = 0; k < 4; k++)
            for (int v = 0; v < 2; v++)
                for (int t = 1; t <= 2; t++) rnn_case(&cases[n++], z, k, v, t);
    for (int m = RNNTS_MODEL_GRU; m <= RNNTS_MODEL_LSTM; m++)
        for (int z = 0; z < 3; z++) {
            bench_case *c = &cases[n++];
            double H = gated_sizes[z].H, G = m == RNNTS_MODEL_GRU ? 3.0 : 4.0;
            snprintf(c->name, sizeof c->name, "step/%s/%s/t%d", rnnts_model_name((rnnts_model)m), gated_sizes[z].name,
                     gated_sizes[z].threads);
            c->kind = BENCH_STEP;
            c->p.hidden = gated_sizes[z].H;
            c->p.batch = gated_sizes[z].B;
            c->p.len = gated_sizes[z].M;
            c->p.heads = gated_sizes[z].K;
            c->p.threads = gated_sizes[z].threads;
            c->p.variant = 0;
            c->p.model = m;
            c->setup = setup_step;
            c->run = st_run;
            c->teardown = st_teardown;
            c->flops = 6.0 * G * H * H * gated_sizes[z].B * gated_sizes[z].M;
            c->hash = st_hash;
            c->check_ok = st_check;
        }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    for (int o = 0; o < 2 && online >= 2 && online < 1024; o++) /* t2 exists already when online = 1 */
        rnn_case(&cases[n++], over_sizes[o], BENCH_STEP, 0, (int)online + 1);
    n_built = n;
}

int bench_case_count(void) { build(); return n_built; }
const bench_case *bench_case_get(int i) { build(); return i >= 0 && i < n_built ? &cases[i] : NULL; }
const char *bench_build_info(void) { return rnnts_build_info(); }
#ifndef BENCH_DISPATCHED /* bench/dispatch.c defines it in the x86-64 build */
const char *bench_simd_selection(void) { return "built for this path only"; }
#endif
