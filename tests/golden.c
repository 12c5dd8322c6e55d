/* golden: the plain-C golden test of rnnts. No test framework, only rnnts.h + libc,
   libm and pthreads, so that it also builds as a static aarch64 binary and runs under qemu.

   It runs a few small fixed configurations and hashes (XXH3-64, seed 0, raw little-endian float
   bits, NaN canonicalised, rnnts_xxh3_64) what they produce:
       init          initial parameters (the `param` array = model-file tensor order)
       h0            the initial state the forward pass drew, [B][H]
       logits        forward readout of the active heads, [n_active][B][2]
       loss          forward loss (1 float)
       grad          the whole gradient array (rnnts_rnn_param_count floats)
       stream_out    stream-mode readout, [M][K][B][2]
       stream_states stream-mode states, [M+1][B][H]
       model         bytes of the saved model (rnnts_rnn_save_mem) at initialisation
       train_losses  the 20 losses of a short plain-SGD run (p -= 0.05 g, zero diagonal after each
                     step, batch and labels pure functions of (seed, step), h0 drawn with draw = step)
       train_params  the parameters after those 20 steps
       train_model   bytes of the saved model after those 20 steps
   Every configuration runs with thread pools of 1, 2, 3 and 8 threads; all must give the same bits.

   Trainer traces (configs trainer_<curriculum>_<task>: single, multi, sliding, none x parity, dms;
   parity with SGD, DMS with Adam): H = 24, batch 16, 12 steps per epoch, 2 test batches, 3 epochs
   (max_epochs 3), seed per config; multi-head with 6 heads, sliding window 3; threshold 0 (every
   epoch advances the curriculum) except none, whose threshold 100 is never met. Quantities:
       train_epoch1..3  parameters after each epoch
       train_reports    per epoch: loss, acc_mean, solved, done != 0, n_ns, then N and accuracy per N
       train_ckpt       bytes of rnnts_trainer_save after the last epoch (written to a temporary
                        file under $TMPDIR or /tmp, read back and removed)
   These run with pools of 1, 2 and 3 threads; all must give the same bits.
   GRU and LSTM (issue 6): configs gru_*, lstm_* with the quantities above (h0 is the zero state,
   the 20 SGD steps skip nothing: zero_diag is a no-op for them), and trainer traces
   trainer_gru_multi_parity (Adam), trainer_lstm_sliding_dms (Adam), trainer_lstm_single_parity (SGD).
   The reference's options (issue 14): trainer_ct_klist_multi_parity (continuous time over
   k = 1, 3, 2, initial tau rescaled to mean 3, multi starting with 2 heads; SGD),
   trainer_ct_klist_sliding_dms (k = 2, 4; Adam), trainer_sliding_10_5_parity (the preset
   sliding_10_5: 10 heads sliding by 5; SGD).

   Besides the hashes, every saved model is loaded back (rnnts_rnn_load_mem) and every trainer
   checkpoint resumed (rnnts_trainer_resume); saving them again must give the same bytes (one check
   row "roundtrip", so that load and resume run wherever the golden test runs: qemu, sanitizers,
   valgrind).

   Usage:
       golden [--check] [--expect-simd SCALAR|AVX2|AVX512|NEON] [--only PATTERNS] [--threads LIST] [--quick] [--no-spin] [GOLDEN_FILE]
       golden --write GOLDEN_FILE                                          regenerate (make golden-update)
   GOLDEN_FILE defaults to reference/golden.txt. Output: "# <build info>", one line per check
   "ok|FAIL <config> <quantity> <hash>", and last "N passed, N failed"; exit 0 iff none failed.
   --only runs the configs whose names match one of the comma-separated patterns (* and ? wildcards),
   --threads only these pool sizes (a subset of 1,2,3,8); the golden rows of the other configs are
   skipped, not failed. --quick is the subset for slow runners (valgrind, make test-valgrind):
   QUICK_CONFIGS below with a pool of 2 threads. --no-spin: pools that yield at once instead of
   spinning (rnnts_pool_set_spin 0; valgrind runs one thread at a time, and a spinning waiter
   holds that one thread: the --quick run took 160 s with the spin and 78 s without). */
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(_WIN32) /* MinGW-w64: the checkpoint's temporary file (temp_path) */
#include <fcntl.h>
#include <io.h>
#include <sys/stat.h>
#endif

/* The SGD update below must stay unfused (N3) even when this file is built without
   -ffp-contract=off (GCC's gnu11 default fuses across statements on aarch64 and with -mfma). */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define N_STEPS 20
#define LR 0.05f
#define EVAL_DRAW 1000u /* step index of the batch used for the single forward/backward/stream */
#define MAX_ACTIVE 3

typedef struct gcase {
    const char *name;
    rnnts_variant variant;
    rnnts_activation act;
    int train_tau;
    float fixed_tau;
    float tau_init;
    int kc;
    int H, K, B, M;
    int n_active;
    int active[MAX_ACTIVE];
    uint64_t seed;
    rnnts_model model; /* last, so that the leaky-RNN rows need not name it (0 = RNN) */
} gcase;

/* H in {1,7,24,33}, B in {1,5,19}, M in {1,4,9}, K in {1,3}; heads active in unsorted orders. */
static const gcase CASES[] = {
    /* name             variant                 activation          tt  ftau  tinit kc  H   K  B   M  na active     seed */
    {"default_lrelu",   RNNTS_VARIANT_DEFAULT, RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 0, 24, 3, 5, 9, 2, {2, 0, 0}, 11, RNNTS_MODEL_RNN},
    {"mod_lrelu",       RNNTS_VARIANT_MOD,     RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 0, 33, 3, 19, 4, 3, {1, 2, 0}, 12, RNNTS_MODEL_RNN},
    {"default_relu",    RNNTS_VARIANT_DEFAULT, RNNTS_ACT_RELU,      1, 1.0f, 1.0f, 0, 7, 1, 19, 9, 1, {0, 0, 0}, 13, RNNTS_MODEL_RNN},
    {"mod_tanh",        RNNTS_VARIANT_MOD,     RNNTS_ACT_TANH,      1, 1.0f, 1.0f, 0, 24, 3, 1, 4, 2, {2, 1, 0}, 14, RNNTS_MODEL_RNN},
    {"default_sigmoid", RNNTS_VARIANT_DEFAULT, RNNTS_ACT_SIGMOID,   1, 1.0f, 1.0f, 0, 33, 1, 5, 9, 1, {0, 0, 0}, 15, RNNTS_MODEL_RNN},
    {"fixed_tau",       RNNTS_VARIANT_DEFAULT, RNNTS_ACT_TANH,      0, 2.5f, 1.0f, 0, 24, 3, 19, 4, 3, {2, 0, 1}, 16, RNNTS_MODEL_RNN},
    {"ct3_mod",         RNNTS_VARIANT_MOD,     RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 3, 33, 3, 5, 4, 2, {0, 2, 0}, 17, RNNTS_MODEL_RNN},
    {"tau_clamp_mod",   RNNTS_VARIANT_MOD,     RNNTS_ACT_SIGMOID,   1, 1.0f, 0.5f, 0, 7, 3, 5, 9, 3, {1, 0, 2}, 18, RNNTS_MODEL_RNN},
    {"tiny_h1",         RNNTS_VARIANT_DEFAULT, RNNTS_ACT_TANH,      1, 1.0f, 1.0f, 0, 1, 1, 1, 1, 1, {0, 0, 0}, 19, RNNTS_MODEL_RNN},
    /* H > RNNTS__KC (256): the k-blocked products carry partial sums across blocks. */
    {"wide_kblock",     RNNTS_VARIANT_DEFAULT, RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 0, 300, 2, 9, 3, 2, {1, 0, 0}, 20, RNNTS_MODEL_RNN},
    /* GRU and LSTM (issue 6; variant, activation and tau fields do not apply); the wide one crosses
       the GEMM's k-blocks (H > 256) before its fused panel epilogue */
    {"gru_h24",         RNNTS_VARIANT_DEFAULT, RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 0, 24, 3, 19, 9, 2, {2, 0, 0}, 21, RNNTS_MODEL_GRU},
    {"lstm_h33",        RNNTS_VARIANT_DEFAULT, RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 0, 33, 3, 5, 4, 3, {1, 2, 0}, 22, RNNTS_MODEL_LSTM},
    {"gru_h1",          RNNTS_VARIANT_DEFAULT, RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 0, 1, 1, 1, 1, 1, {0, 0, 0}, 23, RNNTS_MODEL_GRU},
    {"lstm_wide_kblock", RNNTS_VARIANT_DEFAULT, RNNTS_ACT_LEAKYRELU, 1, 1.0f, 1.0f, 0, 260, 2, 9, 3, 2, {1, 0, 0}, 24, RNNTS_MODEL_LSTM},
};
#define N_CASES ((int)(sizeof CASES / sizeof CASES[0]))

static const char *const QUANT[] = {"init",       "h0",           "logits",       "loss",
                                    "grad",       "stream_out",   "stream_states", "model",
                                    "train_losses", "train_params", "train_model"};
#define N_QUANT ((int)(sizeof QUANT / sizeof QUANT[0]))

static const int THREADS[] = {1, 2, 3, 8};
#define N_THREADS ((int)(sizeof THREADS / sizeof THREADS[0]))

/* --quick: one config per code path class, chosen for run time under valgrind (20-50x slower):
   forward/backward/stream/SGD of the leaky RNN (default variant with leaky ReLU and 3 heads; mod
   variant with tanh; continuous time; H = 1), of the GRU and of the LSTM, the k-blocked products
   (H > 256, its cheapest config; lstm_wide_kblock alone would take 40 s), the trainer with SGD and
   with Adam over the multi and sliding curricula (RNN, GRU, LSTM), checkpoints and their resume,
   and the analyses (the slowest: 50 s under valgrind). One pool of 2 threads, the parallel paths
   (--threads 1 runs the serial ones); the full run compares the pool sizes. */
static const char QUICK_CONFIGS[] = "default_lrelu,mod_tanh,ct3_mod,tiny_h1,gru_h24,lstm_h33,wide_kblock,analysis_h24,"
                                    "trainer_multi_parity,trainer_sliding_dms,trainer_gru_multi_parity,trainer_lstm_sliding_dms,"
                                    "trainer_ct_klist_multi_parity";
static const char QUICK_THREADS[] = "2";

/* Glob match with * and ? (no fnmatch: plain C11, the test also builds for aarch64 -static). */
static int glob_match(const char *p, const char *s) {
    for (; *p; p++, s++) {
        if (*p == '*') {
            for (;; s++) {
                if (glob_match(p + 1, s)) return 1;
                if (!*s) return 0;
            }
        }
        if (!*s || (*p != '?' && *p != *s)) return 0;
    }
    return !*s;
}
/* Whether config `name` is selected by the comma list `pats` (NULL: every config). */
static int selected(const char *pats, const char *name) {
    char pat[128];
    if (!pats) return 1;
    while (*pats) {
        size_t n = strcspn(pats, ",");
        if (n < sizeof pat) {
            memcpy(pat, pats, n);
            pat[n] = 0;
            if (glob_match(pat, name)) return 1;
        }
        pats += n;
        if (*pats == ',') pats++;
    }
    return 0;
}

/* ---- hashing ------------------------------------------------------------------------------- */
/* XXH3-64 of the little-endian bits of x[0..n), every NaN replaced by 0x7fc00000. */
static uint64_t hash_floats(const float *x, size_t n) {
    unsigned char *buf = (unsigned char *)malloc(n * 4 + 1);
    uint64_t h;
    if (!buf) { fprintf(stderr, "golden: out of memory\n"); exit(2); }
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], 4);
        if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu) != 0) u = 0x7fc00000u;
        buf[4 * i + 0] = (unsigned char)(u & 0xff);
        buf[4 * i + 1] = (unsigned char)((u >> 8) & 0xff);
        buf[4 * i + 2] = (unsigned char)((u >> 16) & 0xff);
        buf[4 * i + 3] = (unsigned char)(u >> 24);
    }
    h = rnnts_xxh3_64(buf, n * 4);
    free(buf);
    return h;
}

static void die(const char *what, const gcase *c, const rnnts_error *err) {
    fprintf(stderr, "golden: %s failed for %s: %s\n", what, c ? c->name : "-", err ? err->msg : "");
    exit(2);
}

/* ---- load and resume round trips (the "roundtrip" check row) ---------------------------------- */
static int rt_count, rt_failed;
static char rt_first[256]; /* the first failure */
static void rt_result(int ok, const char *cfg, const char *what) {
    rt_count++;
    if (!ok && !rt_failed++) snprintf(rt_first, sizeof rt_first, "%s %s", cfg, what);
}
/* Loads model bytes and saves the network again: the same bytes. */
static void roundtrip_model(const char *cfg, const void *bytes, size_t n) {
    rnnts_rnn *net;
    rnnts_error err;
    void *again;
    size_t m;
    int ok = 0;
    if (rnnts_rnn_load_mem(bytes, n, NULL, &net, &err) == RNNTS_OK) {
        if (rnnts_rnn_save_mem(net, &again, &m, &err) == RNNTS_OK) {
            ok = m == n && memcmp(again, bytes, n) == 0;
            rnnts_free(&net->alloc, again);
        }
        rnnts_rnn_destroy(net);
    }
    rt_result(ok, cfg, "model load_mem/save_mem");
}

/* ---- data: pure functions of (seed, step) --------------------------------------------------- */
/* input[t*B+b] = bit from key(seed, DATA, step, 0), draw t*B+b.
   Label of active head a for sequence b: the parity of the last (heads[a] + 2) bits (capped at M),
   XOR a noise bit from key(seed, DATA, step, 1), draw a*B+b, that is 1 with probability 1/8. */
static void make_batch(const gcase *c, uint64_t step, float *input, int *labels) {
    uint64_t kin = rnnts_rng_key(c->seed, RNNTS_PURPOSE_DATA, step, 0);
    uint64_t klab = rnnts_rng_key(c->seed, RNNTS_PURPOSE_DATA, step, 1);
    int B = c->B, M = c->M;
    for (int t = 0; t < M; t++)
        for (int b = 0; b < B; b++)
            input[(size_t)t * B + b] = rnnts_rng_uniform(kin, (uint64_t)t * B + b) < 0.5f ? 1.0f : 0.0f;
    for (int a = 0; a < c->n_active; a++) {
        int n = c->active[a] + 2;
        if (n > M) n = M;
        for (int b = 0; b < B; b++) {
            int y = 0;
            for (int t = M - n; t < M; t++) y ^= input[(size_t)t * B + b] != 0.0f;
            if (rnnts_rng_uniform(klab, (uint64_t)a * B + b) < 0.125f) y ^= 1;
            labels[(size_t)a * B + b] = y;
        }
    }
}

/* ---- one configuration with one pool -------------------------------------------------------- */
static void run_case(const gcase *c, rnnts_pool *pool, uint64_t out[N_QUANT]) {
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_error err;
    rnnts_rnn *net;
    rnnts_rnn_ws *ws;
    rnnts_batch bt;
    int B = c->B, M = c->M, H = c->H, K = c->K, na = c->n_active;
    float loss, losses[N_STEPS];
    void *bytes;
    size_t nbytes, np;
    int q = 0;

    cfg.hidden = H;
    cfg.heads = K;
    cfg.variant = c->variant;
    cfg.activation = c->act;
    cfg.train_tau = c->train_tau;
    cfg.fixed_tau = c->fixed_tau;
    cfg.tau_init = c->tau_init;
    cfg.k_continuous = c->kc;
    cfg.model = c->model;
    if (rnnts_rnn_create(&cfg, c->seed, NULL, &net, &err) != RNNTS_OK) die("rnnts_rnn_create", c, &err);
    if (rnnts_rnn_ws_create(net, B, M, NULL, &ws, &err) != RNNTS_OK) die("rnnts_rnn_ws_create", c, &err);
    np = net->n_param;
    if (np != rnnts_rnn_param_count(&cfg)) die("param count", c, NULL);

    float *input = (float *)malloc((size_t)M * B * sizeof(float));
    int *labels = (int *)malloc((size_t)na * B * sizeof(int));
    float *h0 = (float *)malloc((size_t)B * H * sizeof(float));
    float *logits = (float *)malloc((size_t)na * B * 2 * sizeof(float));
    float *grad = (float *)malloc(np * sizeof(float));
    float *sout = (float *)malloc((size_t)M * K * B * 2 * sizeof(float));
    float *sst = (float *)malloc((size_t)(M + 1) * B * H * sizeof(float));
    if (!input || !labels || !h0 || !logits || !grad || !sout || !sst) die("malloc", c, NULL);

    memset(&bt, 0, sizeof bt);
    bt.batch = B;
    bt.len = M;
    bt.input = input;
    bt.h0 = NULL;
    bt.h0_seed = c->seed;
    bt.n_active = na;
    bt.heads = c->active;
    bt.labels = labels;

    /* initial parameters */
    out[q++] = hash_floats(net->param, np);

    /* one forward/backward and one stream pass on the evaluation batch */
    make_batch(c, EVAL_DRAW, input, labels);
    bt.h0_draw = EVAL_DRAW;
    if (rnnts_rnn_forward(ws, net, &bt, pool, logits, &loss, &err) != RNNTS_OK) die("rnnts_rnn_forward", c, &err);
    if (rnnts_rnn_ws_h0(ws, h0) != RNNTS_OK) die("rnnts_rnn_ws_h0", c, NULL);
    out[q++] = hash_floats(h0, (size_t)B * H);
    out[q++] = hash_floats(logits, (size_t)na * B * 2);
    out[q++] = hash_floats(&loss, 1);
    if (rnnts_rnn_backward(ws, net, pool, grad, &err) != RNNTS_OK) die("rnnts_rnn_backward", c, &err);
    out[q++] = hash_floats(grad, np);
    if (rnnts_rnn_stream(ws, net, &bt, pool, sout, sst, &err) != RNNTS_OK) die("rnnts_rnn_stream", c, &err);
    out[q++] = hash_floats(sout, (size_t)M * K * B * 2);
    out[q++] = hash_floats(sst, (size_t)(M + 1) * B * H);

    /* saved model */
    if (rnnts_rnn_save_mem(net, &bytes, &nbytes, &err) != RNNTS_OK) die("rnnts_rnn_save_mem", c, &err);
    out[q++] = rnnts_xxh3_64(bytes, nbytes);
    roundtrip_model(c->name, bytes, nbytes);
    rnnts_free(&net->alloc, bytes);

    /* 20 steps of plain SGD */
    for (int s = 0; s < N_STEPS; s++) {
        make_batch(c, (uint64_t)s, input, labels);
        bt.h0_draw = (uint64_t)s;
        if (rnnts_rnn_forward(ws, net, &bt, pool, NULL, &loss, &err) != RNNTS_OK) die("rnnts_rnn_forward (train)", c, &err);
        if (rnnts_rnn_backward(ws, net, pool, grad, &err) != RNNTS_OK) die("rnnts_rnn_backward (train)", c, &err);
        losses[s] = loss;
        for (size_t i = 0; i < np; i++) {
            float d = LR * grad[i]; /* unfused: p - (0.05*g) rounded twice */
            net->param[i] = net->param[i] - d;
        }
        rnnts_rnn_zero_diag(net);
    }
    out[q++] = hash_floats(losses, N_STEPS);
    out[q++] = hash_floats(net->param, np);
    if (rnnts_rnn_save_mem(net, &bytes, &nbytes, &err) != RNNTS_OK) die("rnnts_rnn_save_mem (trained)", c, &err);
    out[q++] = rnnts_xxh3_64(bytes, nbytes);
    roundtrip_model(c->name, bytes, nbytes);
    rnnts_free(&net->alloc, bytes);
    if (q != N_QUANT) die("quantity count", c, NULL);

    free(input); free(labels); free(h0); free(logits); free(grad); free(sout); free(sst);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
}

/* ---- trainer traces ------------------------------------------------------------------------- */
typedef struct tcase {
    const char *name;
    rnnts_curriculum curr;
    rnnts_task task;
    int adam, K;
    float threshold;
    uint64_t seed;
    rnnts_model model; /* last: 0 = leaky RNN */
} tcase;
/* The reference's options (issue 14) of the trainer traces that use them (by name; zero = not
   used): continuous time over k_list[0..n_k) (variant mod), initial tau rescaled to tau_mean, multi
   starting with init_heads heads, a sliding preset by name. */
typedef struct tref {
    const char *name;
    int n_k, k_list[3], init_heads;
    float tau_mean;
    const char *preset;
} tref;
static const tref TREFS[] = {
    {"trainer_ct_klist_multi_parity", 3, {1, 3, 2}, 2, 3.0f, NULL},
    {"trainer_ct_klist_sliding_dms",  2, {2, 4, 0}, 0, 0.0f, NULL},
    {"trainer_sliding_10_5_parity",   0, {0, 0, 0}, 0, 0.0f, "sliding_10_5"},
};
static const tref *tref_of(const char *name) {
    for (size_t q = 0; q < sizeof TREFS / sizeof TREFS[0]; q++)
        if (strcmp(TREFS[q].name, name) == 0) return &TREFS[q];
    return NULL;
}
static const tcase TCASES[] = {
    /* name                     curriculum          task              adam K  threshold seed */
    {"trainer_single_parity",  RNNTS_CURR_SINGLE,  RNNTS_TASK_PARITY, 0, 1, 0.0f,   31, RNNTS_MODEL_RNN},
    {"trainer_single_dms",     RNNTS_CURR_SINGLE,  RNNTS_TASK_DMS,    1, 1, 0.0f,   32, RNNTS_MODEL_RNN},
    {"trainer_multi_parity",   RNNTS_CURR_MULTI,   RNNTS_TASK_PARITY, 0, 6, 0.0f,   33, RNNTS_MODEL_RNN},
    {"trainer_multi_dms",      RNNTS_CURR_MULTI,   RNNTS_TASK_DMS,    1, 6, 0.0f,   34, RNNTS_MODEL_RNN},
    {"trainer_sliding_parity", RNNTS_CURR_SLIDING, RNNTS_TASK_PARITY, 0, 3, 0.0f,   35, RNNTS_MODEL_RNN},
    {"trainer_sliding_dms",    RNNTS_CURR_SLIDING, RNNTS_TASK_DMS,    1, 3, 0.0f,   36, RNNTS_MODEL_RNN},
    {"trainer_none_parity",    RNNTS_CURR_NONE,    RNNTS_TASK_PARITY, 0, 1, 100.0f, 37, RNNTS_MODEL_RNN},
    {"trainer_none_dms",       RNNTS_CURR_NONE,    RNNTS_TASK_DMS,    1, 1, 100.0f, 38, RNNTS_MODEL_RNN},
    {"trainer_gru_multi_parity", RNNTS_CURR_MULTI, RNNTS_TASK_PARITY, 1, 6, 0.0f,   39, RNNTS_MODEL_GRU},
    {"trainer_lstm_sliding_dms", RNNTS_CURR_SLIDING, RNNTS_TASK_DMS,  1, 3, 0.0f,   40, RNNTS_MODEL_LSTM},
    {"trainer_lstm_single_parity", RNNTS_CURR_SINGLE, RNNTS_TASK_PARITY, 0, 1, 0.0f, 41, RNNTS_MODEL_LSTM},
    {"trainer_ct_klist_multi_parity", RNNTS_CURR_MULTI, RNNTS_TASK_PARITY, 0, 6, 0.0f, 42, RNNTS_MODEL_RNN},
    {"trainer_ct_klist_sliding_dms", RNNTS_CURR_SLIDING, RNNTS_TASK_DMS, 1, 3, 0.0f,   43, RNNTS_MODEL_RNN},
    {"trainer_sliding_10_5_parity", RNNTS_CURR_SLIDING, RNNTS_TASK_PARITY, 0, 10, 0.0f, 44, RNNTS_MODEL_RNN},
};
#define N_TCASES ((int)(sizeof TCASES / sizeof TCASES[0]))
#define T_EPOCHS 3
#define T_H 24    /* not a multiple of the 16-wide kernel tiles */
#define T_B 16
#define T_STEPS 12
#define T_TEST 2
static const char *const TQUANT[] = {"train_epoch1", "train_epoch2", "train_epoch3", "train_reports", "train_ckpt"};
#define N_TQUANT ((int)(sizeof TQUANT / sizeof TQUANT[0]))
#define T_MAX_THREADS 3 /* trainer traces run with the pools of THREADS up to this size */

/* A fresh file name for the checkpoint (plain C11: no getpid/mkstemp): candidates from the clock
   and a counter, reserved with the C11 exclusive mode "wx". */
static void temp_path(char *path, size_t cap) {
    static unsigned counter;
    const char *dir = getenv("TMPDIR");
#if defined(_WIN32)
    if (!dir || !*dir) dir = getenv("TEMP");
#endif
    if (!dir || !*dir) dir = "/tmp";
    for (int tries = 0; tries < 1000; tries++) {
        unsigned long long u = (unsigned long long)time(NULL) * 1000003ull + (unsigned long long)clock() * 7919ull + counter++;
        snprintf(path, cap, "%s/rnnts_golden_%llx_%u.ckpt", dir, u, counter);
#if defined(_WIN32) /* msvcrt.dll's fopen has no exclusive mode "x" (wine's ignores it): O_EXCL */
        {
            int fd = _open(path, _O_WRONLY | _O_CREAT | _O_EXCL | _O_BINARY, _S_IREAD | _S_IWRITE);
            if (fd >= 0) { _close(fd); return; }
        }
#else
        {
            FILE *f = fopen(path, "wx");
            if (f) { fclose(f); return; }
        }
#endif
    }
    fprintf(stderr, "golden: cannot create a temporary file in %s\n", dir);
    exit(2);
}

/* The bytes of a file (malloc'd; exits 2 when it cannot be read). */
static unsigned char *read_all(const char *path, size_t *n, const char *cfg) {
    FILE *f = fopen(path, "rb");
    unsigned char *bytes;
    long len = 0;
    gcase dummy;
    memset(&dummy, 0, sizeof dummy);
    dummy.name = cfg;
    if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) != 0) die("reading the checkpoint", &dummy, NULL);
    bytes = (unsigned char *)malloc((size_t)len);
    if (!bytes || fread(bytes, 1, (size_t)len, f) != (size_t)len) die("reading the checkpoint", &dummy, NULL);
    fclose(f);
    *n = (size_t)len;
    return bytes;
}

static void run_tcase(const tcase *tc, rnnts_pool *pool, uint64_t out[N_TQUANT]) {
    const tref *ref = tref_of(tc->name);
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_train_config c = rnnts_train_config_default();
    rnnts_error err;
    rnnts_rnn *net;
    rnnts_trainer *tr;
    float rep[T_EPOCHS * (5 + 2 * RNNTS_MAX_NS)];
    size_t nrep = 0;
    char path[4200];
    unsigned char *bytes;
    size_t len;
    gcase dummy;
    memset(&dummy, 0, sizeof dummy);
    dummy.name = tc->name;

    rc.hidden = T_H;
    rc.heads = tc->K;
    rc.model = tc->model;
    if (ref) {
        rc.tau_mean = ref->tau_mean;
        if (ref->n_k > 0) { rc.variant = RNNTS_VARIANT_MOD; rc.k_continuous = ref->k_list[0]; }
    }
    if (rnnts_rnn_create(&rc, tc->seed, NULL, &net, &err) != RNNTS_OK) die("rnnts_rnn_create (trainer)", &dummy, &err);
    c.task = tc->task;
    c.curriculum = tc->curr;
    c.window = 3;
    c.n_fixed = 3;
    c.batch = T_B;
    c.steps_per_epoch = T_STEPS;
    c.test_batches = T_TEST;
    c.max_epochs = T_EPOCHS;
    c.threshold = tc->threshold;
    c.seed = tc->seed;
    if (tc->adam) c.optim = rnnts_optim_config_adam();
    if (ref) {
        if (ref->init_heads > 0) c.init_heads = ref->init_heads;
        c.n_k = ref->n_k;
        for (int j = 0; j < ref->n_k; j++) c.k_list[j] = ref->k_list[j];
        if (ref->preset && rnnts_train_config_preset(ref->preset, &c, &err) != RNNTS_OK) die("rnnts_train_config_preset", &dummy, &err);
    }
    if (rnnts_trainer_create(&c, net, pool, NULL, &tr, &err) != RNNTS_OK) die("rnnts_trainer_create", &dummy, &err);
    for (int e = 0; e < T_EPOCHS; e++) {
        rnnts_epoch_report r;
        if (rnnts_trainer_epoch(tr, &r, &err) != RNNTS_OK) die("rnnts_trainer_epoch", &dummy, &err);
        out[e] = hash_floats(net->param, net->n_param);
        rep[nrep++] = r.loss;
        rep[nrep++] = r.acc_mean;
        rep[nrep++] = (float)r.solved;
        rep[nrep++] = (float)(r.done != 0);
        rep[nrep++] = (float)r.n_ns;
        for (int a = 0; a < r.n_ns; a++) {
            rep[nrep++] = (float)r.ns[a];
            rep[nrep++] = r.acc[a];
        }
    }
    out[T_EPOCHS] = hash_floats(rep, nrep);

    temp_path(path, sizeof path);
    if (rnnts_trainer_save(tr, path, &err) != RNNTS_OK) { remove(path); die("rnnts_trainer_save", &dummy, &err); }
    bytes = read_all(path, &len, tc->name);
    out[T_EPOCHS + 1] = rnnts_xxh3_64(bytes, len);
    {
        /* resume the checkpoint and save it again: the same bytes */
        rnnts_rnn *net2;
        rnnts_trainer *tr2;
        int ok = 0;
        if (rnnts_trainer_resume(path, pool, NULL, &net2, &tr2, &err) == RNNTS_OK) {
            char path2[4200];
            temp_path(path2, sizeof path2);
            if (rnnts_trainer_save(tr2, path2, &err) == RNNTS_OK) {
                size_t len2;
                unsigned char *again = read_all(path2, &len2, tc->name);
                ok = len2 == len && memcmp(again, bytes, len) == 0;
                free(again);
            }
            remove(path2);
            rnnts_trainer_destroy(tr2);
            rnnts_rnn_destroy(net2);
        }
        rt_result(ok, tc->name, "checkpoint trainer_resume/trainer_save");
    }
    remove(path);
    free(bytes);

    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
}

/* ---- analyses (issue 5): tau_net, stream accuracy, ablation, perturbation, tau summary, retraining,
   generalisation. A seeded network (H = 24, 3 heads, learnable tau) trained for 6 short epochs of
   multi-head parity: tau_net with a short protocol (3 trials x 3000 steps, 100 burn-in; two memory
   passes), stream accuracy on parity N = 2 (head 0, the trained one), the parameters after ablating neuron 5 and
   after perturbing W and tau (eps 0.1), the tau summary, retraining on N = 2, 3 (2 epochs), accuracy
   on fixed lengths, and a continuous-time network moved from k = 3 to k = 5. */
static const char *const AQUANT[] = {"taunet", "taunet_fit", "taunet_ac", "stream_acc", "ablate", "perturb_w", "perturb_tau",
                                     "tau_summary", "retrain", "evaluate_len", "continuous_k", "taunet_ref", "taunet_ref_fit"};
#define N_AQUANT ((int)(sizeof AQUANT / sizeof AQUANT[0]))
static uint64_t hash_doubles(const double *x, size_t n) {
    float *f = (float *)malloc(n * 2 * sizeof(float) + 4);
    uint64_t h;
    if (!f) { fprintf(stderr, "golden: out of memory\n"); exit(2); }
    /* the bits of each double as its low then its high 32-bit word, hashed as floats (NaN words
       canonicalised): the little-endian byte image on every host, big-endian ones included */
    for (size_t i = 0; i < n; i++) {
        uint64_t b;
        uint32_t w[2];
        memcpy(&b, &x[i], sizeof b);
        w[0] = (uint32_t)b;
        w[1] = (uint32_t)(b >> 32);
        memcpy(&f[2 * i], w, sizeof w);
    }
    h = hash_floats(f, n * 2);
    free(f);
    return h;
}
/* tau_net with the reference fit (the default): tau_net and selected, and every fit's parameters;
   the run with the other method must have reported the same figures in its *_alt fields. */
static void run_taunet_ref(const rnnts_rnn *net, const rnnts_taunet_config *best_cfg, rnnts_pool *pool, uint64_t out[2]) {
    rnnts_taunet_config tc = *best_cfg;
    rnnts_taunet_result r, rb;
    rnnts_error err;
    int H = net->H;
    float *v = (float *)malloc((size_t)2 * H * sizeof(float));
    double *fits = (double *)malloc((size_t)H * 10 * sizeof(double));
    if (!v || !fits) { fprintf(stderr, "golden: out of memory\n"); exit(2); }
    tc.fit = RNNTS_FIT_REFERENCE;
    if (rnnts_taunet(net, &tc, pool, &r, &err) != RNNTS_OK || rnnts_taunet(net, best_cfg, pool, &rb, &err) != RNNTS_OK) die("rnnts_taunet", NULL, &err);
    for (int j = 0; j < H; j++) {
        const rnnts_expfit *x = &r.fit[j];
        double f[10] = {x->a1, x->tau1, x->rss1, x->aic1, x->a2, x->t1, x->t2, x->c2, x->rss2, x->aic2};
        v[j] = r.tau_net[j]; v[H + j] = (float)r.selected[j];
        memcpy(fits + (size_t)j * 10, f, sizeof f);
        if (memcmp(&r.tau_net[j], &rb.tau_net_alt[j], sizeof(float)) != 0 || r.selected[j] != rb.selected_alt[j] ||
            memcmp(&rb.tau_net[j], &r.tau_net_alt[j], sizeof(float)) != 0 || rb.selected[j] != r.selected_alt[j]) {
            fprintf(stderr, "golden: taunet neuron %d: the *_alt fields differ from the other method's own run\n", j);
            exit(1);
        }
    }
    out[0] = hash_floats(v, (size_t)2 * H);
    out[1] = hash_doubles(fits, (size_t)H * 10);
    free(v); free(fits);
    rnnts_taunet_result_free(&r);
    rnnts_taunet_result_free(&rb);
}
static void run_acase(rnnts_pool *pool, uint64_t out[N_AQUANT]) {
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_taunet_config tc = rnnts_taunet_config_default();
    rnnts_stream_config sc = rnnts_stream_config_default();
    rnnts_taunet_result r;
    rnnts_tau_summary ts;
    rnnts_rnn *net, *cp;
    rnnts_error err;
    float acc[4];
    double *fits, sum[6];
    int H = 24;
    cfg.hidden = H; cfg.heads = 3;
    if (rnnts_rnn_create(&cfg, 4242, NULL, &net, &err) != RNNTS_OK) die("rnnts_rnn_create", NULL, &err);
    {
        /* a tiny trained network (multi-head parity, 6 epochs of 60 steps): the analyses see learned
           weights and taus, not the initialisation */
        rnnts_train_config trc = rnnts_train_config_default();
        rnnts_trainer *tr;
        rnnts_epoch_report rep;
        trc.curriculum = RNNTS_CURR_MULTI; trc.batch = 32; trc.steps_per_epoch = 60; trc.test_batches = 2; trc.seed = 17;
        if (rnnts_trainer_create(&trc, net, pool, NULL, &tr, &err) != RNNTS_OK) die("rnnts_trainer_create", NULL, &err);
        for (int e = 0; e < 6; e++)
            if (rnnts_trainer_epoch(tr, &rep, &err) != RNNTS_OK) die("rnnts_trainer_epoch", NULL, &err);
        if (getenv("RNNTS_GOLDEN_VERBOSE"))
            fprintf(stderr, "analysis_h24: trained to Ns %d..%d, accuracy %.1f %%\n", rep.ns[0], rep.ns[rep.n_ns - 1], (double)rep.acc_mean);
        rnnts_trainer_destroy(tr);
    }
    tc.steps = 3000; tc.burn = 100; tc.trials = 3; tc.seed = 9;
    tc.fit = RNNTS_FIT_BEST; /* the rows taunet, taunet_fit; the reference fit: taunet_ref, taunet_ref_fit */
    tc.max_bytes = (size_t)13 * tc.trials * (tc.steps - tc.burn) * sizeof(float); /* 13 neurons per pass: 2 passes */
    if (rnnts_taunet(net, &tc, pool, &r, &err) != RNNTS_OK) die("rnnts_taunet", NULL, &err);
    {
        float *v = (float *)malloc((size_t)(2 * H + r.pop_lags) * sizeof(float));
        if (!v) { fprintf(stderr, "golden: out of memory\n"); exit(2); }
        for (int j = 0; j < H; j++) { v[j] = r.tau_net[j]; v[H + j] = (float)r.selected[j]; }
        memcpy(v + 2 * H, r.pop_ac, (size_t)r.pop_lags * sizeof(float));
        out[0] = hash_floats(v, (size_t)(2 * H + r.pop_lags));
        free(v);
    }
    fits = (double *)malloc((size_t)H * 10 * sizeof(double));
    if (!fits) { fprintf(stderr, "golden: out of memory\n"); exit(2); }
    for (int j = 0; j < H; j++) {
        const rnnts_expfit *x = &r.fit[j];
        double v[10] = {x->a1, x->tau1, x->rss1, x->aic1, x->a2, x->t1, x->t2, x->c2, x->rss2, x->aic2};
        memcpy(fits + (size_t)j * 10, v, sizeof v);
    }
    out[1] = hash_doubles(fits, (size_t)H * 10);
    free(fits);
    out[2] = hash_floats(r.ac, (size_t)H * r.pop_lags);
    rnnts_taunet_result_free(&r);
    sc.trials = 4; sc.len = 300; sc.warmup = 20; sc.seed = 3; sc.draw = 1;
    if (rnnts_stream_accuracy(net, RNNTS_TASK_PARITY, 2, 0, &sc, pool, acc, &err) != RNNTS_OK) die("rnnts_stream_accuracy", NULL, &err);
    out[3] = hash_floats(acc, 4);
    if (rnnts_rnn_clone(net, &cp, &err) != RNNTS_OK || rnnts_rnn_ablate(cp, 5, &err) != RNNTS_OK) die("ablate", NULL, &err);
    out[4] = hash_floats(cp->param, cp->n_param);
    rnnts_rnn_destroy(cp);
    if (rnnts_rnn_clone(net, &cp, &err) != RNNTS_OK || rnnts_rnn_perturb_w(cp, 0.1, 7, 2, &err) != RNNTS_OK) die("perturb_w", NULL, &err);
    out[5] = hash_floats(cp->param, cp->n_param);
    rnnts_rnn_destroy(cp);
    if (rnnts_rnn_clone(net, &cp, &err) != RNNTS_OK || rnnts_rnn_perturb_tau(cp, 0.1, 7, 2, &err) != RNNTS_OK) die("perturb_tau", NULL, &err);
    out[6] = hash_floats(cp->param, cp->n_param);
    rnnts_rnn_destroy(cp);
    if (rnnts_tau_summary_of(net, &ts, &err) != RNNTS_OK) die("tau_summary", NULL, &err);
    sum[0] = ts.mean; sum[1] = ts.median; sum[2] = ts.sd; sum[3] = ts.min; sum[4] = ts.max; sum[5] = ts.below_1;
    out[7] = hash_doubles(sum, 6);
    {
        /* retraining: two Ns, two epochs each; generalisation: fixed lengths, and a continuous-time
           network evaluated at another k */
        rnnts_retrain_config rc = rnnts_retrain_config_default();
        int ns[2] = {2, 3}, heads[2] = {0, 1};
        float racc[4], lacc[4], kacc[2];
        rnnts_rnn_config cc = rnnts_rnn_config_default();
        rnnts_rnn *cn;
        rc.epochs = 2; rc.train.batch = 16; rc.train.steps_per_epoch = 5; rc.train.test_batches = 2; rc.train.seed = 11;
        if (rnnts_retrain(net, &rc, ns, 2, pool, racc, NULL, NULL, &err) != RNNTS_OK) die("rnnts_retrain", NULL, &err);
        out[8] = hash_floats(racc, 4);
        rnnts_eval_config ec = rnnts_eval_config_default(), ed;
        ec.ns = ns; ec.heads = heads; ec.n = 2; ec.batch = 32; ec.batches = 2; ec.len = 40; ec.seed = 5;
        ed = ec; ed.task = RNNTS_TASK_DMS; ed.len = 7;
        if (rnnts_evaluate_config(net, &ec, pool, lacc, &err) != RNNTS_OK || rnnts_evaluate_config(net, &ed, pool, lacc + 2, &err) != RNNTS_OK)
            die("rnnts_evaluate_config", NULL, &err);
        out[9] = hash_floats(lacc, 4);
        cc.hidden = H; cc.heads = 2; cc.variant = RNNTS_VARIANT_MOD; cc.k_continuous = 3;
        if (rnnts_rnn_create(&cc, 77, NULL, &cn, &err) != RNNTS_OK || rnnts_rnn_set_k_continuous(cn, 5, &err) != RNNTS_OK ||
            rnnts_evaluate(cn, RNNTS_TASK_PARITY, ns, heads, 2, 16, 2, 6, 0, pool, kacc, &err) != RNNTS_OK)
            die("continuous k", NULL, &err);
        out[10] = hash_floats(kacc, 2);
        rnnts_rnn_destroy(cn);
    }
    run_taunet_ref(net, &tc, pool, out + 11);
    rnnts_rnn_destroy(net);
}

/* ---- results: one row per (config, quantity), its hash per thread count ---------------------- */
typedef struct grow {
    const char *cfg, *quant;
    int n_thr;
    const int *thr;
    uint64_t h[N_THREADS];
} grow;

/* ---- golden file ----------------------------------------------------------------------------- */
typedef struct gline {
    char cfg[64], quant[64];
    uint64_t hash;
    int used;
} gline;

static gline *read_golden(const char *path, int *n_out) {
    FILE *f = fopen(path, "r");
    char line[512];
    gline *g = NULL;
    int n = 0, cap = 0, lineno = 0;
    *n_out = -1;
    if (!f) return NULL;
    while (fgets(line, sizeof line, f)) {
        char a[64], b[64], h[64], extra[8];
        char *p = line;
        lineno++;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == 0) continue;
        if (sscanf(p, "%63s %63s %63s %7s", a, b, h, extra) != 3 || strlen(h) != 16 ||
            strspn(h, "0123456789abcdef") != 16) {
            fprintf(stderr, "golden: %s:%d: malformed line\n", path, lineno);
            fclose(f);
            free(g);
            return NULL;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            g = (gline *)realloc(g, (size_t)cap * sizeof *g);
            if (!g) { fprintf(stderr, "golden: out of memory\n"); exit(2); }
        }
        snprintf(g[n].cfg, sizeof g[n].cfg, "%s", a);
        snprintf(g[n].quant, sizeof g[n].quant, "%s", b);
        g[n].hash = strtoull(h, NULL, 16);
        g[n].used = 0;
        n++;
    }
    fclose(f);
    *n_out = n;
    if (!g) g = (gline *)malloc(sizeof *g);
    return g;
}

static int write_golden(const char *path, const grow *rows, int n_rows) {
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (!f) { fprintf(stderr, "golden: cannot write %s\n", tmp); return 1; }
    fprintf(f, "# rnnts golden hashes (see reference/README.md): <config> <quantity> <XXH3-64 seed 0 of raw LE float bits>\n");
    fprintf(f, "# Written by `tests/golden.c --write` (make golden-update) with: %s\n", rnnts_build_info());
    fprintf(f, "# Configurations and quantities are defined in tests/golden.c; see reference/README.md.\n");
    for (int i = 0; i < n_rows; i++) fprintf(f, "%s %s %016llx\n", rows[i].cfg, rows[i].quant, (unsigned long long)rows[i].h[0]);
    if (fflush(f) != 0 || ferror(f)) { fclose(f); remove(tmp); fprintf(stderr, "golden: write error\n"); return 1; }
    if (fclose(f) != 0) { remove(tmp); fprintf(stderr, "golden: write error\n"); return 1; }
    if (rename(tmp, path) != 0) { remove(tmp); fprintf(stderr, "golden: cannot rename %s to %s\n", tmp, path); return 1; }
    return 0;
}

static double now_s(void) {
#if defined(_WIN32) && !defined(TIME_UTC)
    return (double)clock() / CLOCKS_PER_SEC; /* Windows' msvcrt.dll has no timespec_get; its clock() counts wall time */
#else
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0.0; /* C11; wall clock is fine here */
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}

static void usage(void) {
    fprintf(stderr, "usage: golden [--check] [--expect-simd SCALAR|AVX2|AVX512|NEON] [--only PATTERNS] [--threads LIST] [--quick] [--no-spin] [GOLDEN_FILE]\n"
                    "       golden --write GOLDEN_FILE\n");
    exit(2);
}

/* Pool sizes of "1,2" into use[] (indexes of THREADS); 0 when a value is not in THREADS. */
static int parse_threads(const char *s, int use[N_THREADS]) {
    memset(use, 0, N_THREADS * sizeof use[0]);
    while (*s) {
        char *e;
        long v = strtol(s, &e, 10);
        int t = 0;
        while (t < N_THREADS && THREADS[t] != v) t++;
        if (e == s || t == N_THREADS) return 0;
        use[t] = 1;
        s = e;
        if (*s == ',' && s[1]) s++;
        else if (*s) return 0;
    }
    return 1;
}

int main(int argc, char **argv) {
    const char *path = "reference/golden.txt", *expect = NULL, *only = NULL, *threads = NULL;
    int write = 0, no_spin = 0, passed = 0, failed = 0, have_path = 0, skipped = 0;
    static uint64_t hashes[N_THREADS][N_CASES][N_QUANT], thashes[N_THREADS][N_TCASES][N_TQUANT], ahashes[N_THREADS][N_AQUANT];
    static grow rows[N_CASES * N_QUANT + N_AQUANT + N_TCASES * N_TQUANT];
    int n_rows = 0, use[N_THREADS], thr[N_THREADS], n_thr = 0, n_tthr = 0, sel_cases = 0, sel_t = 0, sel_a;
    double t_train = 0.0;
    char scmsg[256], thr_text[32] = "", tthr_text[32] = "";
    double t0 = now_s();

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check")) {
            if (i + 1 < argc && argv[i + 1][0] != '-') { path = argv[++i]; have_path = 1; }
        } else if (!strcmp(argv[i], "--write")) {
            if (i + 1 >= argc) usage();
            write = 1;
            path = argv[++i];
            have_path = 1;
        } else if (!strcmp(argv[i], "--expect-simd")) {
            if (i + 1 >= argc) usage();
            expect = argv[++i];
        } else if (!strcmp(argv[i], "--only")) {
            if (i + 1 >= argc) usage();
            only = argv[++i];
        } else if (!strcmp(argv[i], "--threads")) {
            if (i + 1 >= argc) usage();
            threads = argv[++i];
        } else if (!strcmp(argv[i], "--no-spin")) {
            no_spin = 1;
        } else if (!strcmp(argv[i], "--quick")) {
            only = QUICK_CONFIGS;
            threads = QUICK_THREADS;
        } else if (argv[i][0] == '-') {
            usage();
        } else {
            if (have_path) usage();
            path = argv[i];
            have_path = 1;
        }
    }
    if (write && (only || threads)) {
        fprintf(stderr, "golden: --write computes every config with every pool size (no --only, --threads, --quick)\n");
        return 2;
    }
    for (int t = 0; t < N_THREADS; t++) use[t] = 1;
    if (threads && !parse_threads(threads, use)) {
        fprintf(stderr, "golden: --threads %s: allowed a comma list of 1, 2, 3, 8\n", threads);
        return 2;
    }
    for (int t = 0; t < N_THREADS; t++)
        if (use[t]) {
            size_t l = strlen(thr_text);
            snprintf(thr_text + l, sizeof thr_text - l, l ? ",%d" : "%d", THREADS[t]);
            thr[n_thr++] = THREADS[t];
            if (THREADS[t] <= T_MAX_THREADS) { memcpy(tthr_text, thr_text, sizeof tthr_text); n_tthr++; }
        }
    for (int c = 0; c < N_CASES; c++) sel_cases += selected(only, CASES[c].name);
    for (int c = 0; c < N_TCASES; c++) sel_t += selected(only, TCASES[c].name);
    sel_a = selected(only, "analysis_h24");
    if (sel_cases + sel_t + sel_a == 0) {
        fprintf(stderr, "golden: --only %s matches no config\n", only);
        return 2;
    }

    printf("# %s\n", rnnts_build_info());
    fflush(stdout);

    /* the build and the floating-point environment */
    if (expect) {
        int ok = !strcmp(rnnts_simd_name(), expect);
        printf("%s build simd %s%s%s\n", ok ? "ok" : "FAIL", rnnts_simd_name(), ok ? "" : " expected ", ok ? "" : expect);
        ok ? passed++ : failed++;
    }
    {
        int ok = rnnts_selfcheck(scmsg, sizeof scmsg) == RNNTS_OK;
        printf("%s build selfcheck %s\n", ok ? "ok" : "FAIL", scmsg);
        ok ? passed++ : failed++;
    }

    /* compute the selected configs with every selected pool size (index k: pool size thr[k]) */
    for (int k = 0; k < n_thr; k++) {
        rnnts_pool *pool;
        rnnts_error err;
        if (rnnts_pool_create(thr[k], NULL, &pool, &err) != RNNTS_OK) die("rnnts_pool_create", NULL, &err);
        rnnts_pool_set_min_flops(pool, 0.0); /* every parallel path, however small the case */
        if (no_spin) rnnts_pool_set_spin(pool, 0);
        for (int c = 0; c < N_CASES; c++)
            if (selected(only, CASES[c].name)) run_case(&CASES[c], pool, hashes[k][c]);
        if (sel_a) run_acase(pool, ahashes[k]);
        if (thr[k] <= T_MAX_THREADS) {
            double t1 = now_s();
            for (int c = 0; c < N_TCASES; c++)
                if (selected(only, TCASES[c].name)) run_tcase(&TCASES[c], pool, thashes[k][c]);
            t_train += now_s() - t1;
        }
        rnnts_pool_destroy(pool);
    }
    /* the rows, in file order: the forward/backward configs first, then the trainer traces */
    for (int c = 0; c < N_CASES; c++)
        for (int q = 0; q < N_QUANT && selected(only, CASES[c].name); q++, n_rows++) {
            rows[n_rows].cfg = CASES[c].name; rows[n_rows].quant = QUANT[q];
            rows[n_rows].n_thr = n_thr; rows[n_rows].thr = thr;
            for (int k = 0; k < n_thr; k++) rows[n_rows].h[k] = hashes[k][c][q];
        }
    for (int q = 0; q < N_AQUANT && sel_a; q++, n_rows++) {
        rows[n_rows].cfg = "analysis_h24"; rows[n_rows].quant = AQUANT[q];
        rows[n_rows].n_thr = n_thr; rows[n_rows].thr = thr;
        for (int k = 0; k < n_thr; k++) rows[n_rows].h[k] = ahashes[k][q];
    }
    for (int c = 0; c < N_TCASES; c++)
        for (int q = 0; q < N_TQUANT && selected(only, TCASES[c].name); q++, n_rows++) {
            rows[n_rows].cfg = TCASES[c].name; rows[n_rows].quant = TQUANT[q];
            rows[n_rows].n_thr = n_tthr; rows[n_rows].thr = thr;
            for (int k = 0; k < n_tthr; k++) rows[n_rows].h[k] = thashes[k][c][q];
        }
    if (sel_t && n_tthr == 0) {
        printf("FAIL trainer configs selected but no pool of at most %d threads (--threads %s)\n", T_MAX_THREADS, thr_text);
        failed++;
    }

    if (write) {
        for (int i = 0; i < n_rows; i++)
            for (int t = 1; t < rows[i].n_thr; t++)
                if (rows[i].h[t] != rows[i].h[0]) {
                    fprintf(stderr, "golden: %s %s differs between 1 and %d threads; not writing\n", rows[i].cfg, rows[i].quant,
                            rows[i].thr[t]);
                    return 1;
                }
        if (failed || rt_failed) { fprintf(stderr, "golden: build or round-trip checks failed; not writing\n"); return 1; }
        if (write_golden(path, rows, n_rows)) return 1;
        printf("wrote %s: %d configs x %d quantities, %d trainer configs x %d quantities\n", path, N_CASES, N_QUANT, N_TCASES,
               N_TQUANT);
        return 0;
    }

    {
        int ng;
        gline *g = read_golden(path, &ng);
        if (!g) {
            printf("FAIL golden-file %s unreadable\n", path);
            failed++;
            ng = 0;
        }
        for (int r = 0; r < n_rows; r++) {
            const grow *w = &rows[r];
            uint64_t h = w->h[0];
            int found = -1, thr_ok = 1;
            char why[256] = "";
            for (int t = 1; t < w->n_thr; t++)
                if (w->h[t] != h) {
                    size_t l = strlen(why);
                    snprintf(why + l, sizeof why - l, " threads=%d:%016llx", w->thr[t], (unsigned long long)w->h[t]);
                    thr_ok = 0;
                }
            for (int i = 0; i < ng; i++)
                if (!strcmp(g[i].cfg, w->cfg) && !strcmp(g[i].quant, w->quant)) { found = i; break; }
            if (found >= 0) g[found].used = 1;
            if (thr_ok && found >= 0 && g[found].hash == h) {
                printf("ok %s %s %016llx\n", w->cfg, w->quant, (unsigned long long)h);
                passed++;
            } else {
                printf("FAIL %s %s %016llx", w->cfg, w->quant, (unsigned long long)h);
                if (found < 0) printf(" expected (missing from %s)", path);
                else if (g[found].hash != h) printf(" expected %016llx", (unsigned long long)g[found].hash);
                if (!thr_ok) printf(" (threads=%d; differs:%s)", w->thr[0], why);
                printf("\n");
                failed++;
            }
        }
        for (int i = 0; i < ng; i++)
            if (!g[i].used && !selected(only, g[i].cfg)) {
                skipped++; /* a config --only did not select */
            } else if (!g[i].used) {
                printf("FAIL %s %s %016llx expected but not computed (stale golden file)\n", g[i].cfg, g[i].quant,
                       (unsigned long long)g[i].hash);
                failed++;
            }
        free(g);
    }
    printf("%s roundtrip %d saved models and checkpoints loaded/resumed and saved again: same bytes%s%s\n", rt_failed ? "FAIL" : "ok",
           rt_count, rt_failed ? "; first difference: " : "", rt_failed ? rt_first : "");
    rt_failed ? failed++ : passed++;
    printf("# %d configs x %d quantities x threads {%s}, %d trainer configs x %d quantities x threads {%s} "
           "(trainer %.2f s): %.2f s\n", sel_cases, N_QUANT, thr_text, sel_t, N_TQUANT, tthr_text,
           t_train, now_s() - t0);
    if (skipped) printf("# %d golden rows skipped (configs not selected by --only)\n", skipped);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
