/* cmd_bench.c — `rnnts bench`: timed training steps and forward passes, GFLOP/s against the FMA peak
   (peak.h), memory, output hash. */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "peak.h"
#include "platform.h"
#include "util.h"

/* ======================================================================================== */
/* bench                                                                                     */
/* ======================================================================================== */
#define BENCH_BPTT_DEF "4*(P*(2+S) + (M+1)*H*B + M*H*B): P params + grads + S optimiser slots (sgd 1, adam 2), states h_0..h_M, pre-activations"
#define BENCH_BPTT_DEF_GRU "4*(P*(2+S) + (M+1)*H*B + M*4*H*B): P params + grads + S optimiser slots (sgd 1, adam 2), states h_0..h_M, per step r, z, n and W_hn h + b_hn"
#define BENCH_BPTT_DEF_LSTM "4*(P*(2+S) + 2*(M+1)*H*B + M*5*H*B): P params + grads + S optimiser slots (sgd 1, adam 2), states h_0..h_M and c_0..c_M, per step i, f, g, o and tanh(c)"

static void bench_help(const cli_flag *flags, int n) {
    printf("usage: rnnts bench --model rnn|gru|lstm --hidden H --batch B --len M --heads K --threads P\n"
           "                   [--variant default|mod] [--reps R] [--optim sgd|adam] [--seed S] [--json]\n\n"
           "Times training steps and forward passes of a leaky RNN, GRU or LSTM on one seeded N-parity batch and prints\n"
           "medians, GFLOP/s, the fraction of the single-core FMA peak (measured in the same run), the peak\n"
           "memory and a hash of the parameters after one step.\n\n"
           "  batch      rnnts_task_batch_len(parity, N = 2..K+1, B, M, seed S, RNNTS_PURPOSE_DATA, index 0);\n"
           "             head k reads N = 2 + k, every head active with its labels; h0 from (seed S, draw 0);\n"
           "             the network from rnnts_rnn_create(seed S), K heads, learnable tau, leaky ReLU\n"
           "             (gru/lstm: PyTorch's cells, h0 = 0, input x = 2s - 1; --variant does not apply)\n"
           "  step       forward (loss) + BPTT + global-norm clip and optimiser step + zero_diag, as the\n"
           "             trainer does (sgd: the trainer's defaults, lr 0.05, Nesterov momentum 0.1, clip 2;\n"
           "             adam: lr 0.001, betas 0.9/0.999, clip 2); 1 warm-up step, then R timed steps\n"
           "  forward    forward pass with the loss; 1 warm-up, then R timed passes\n"
           "  step_s, fwd_s     medians in seconds (step_s_all, fwd_s_all: every timed rep)\n"
           "  gflops     6*H*H*B*M / step_s (flops_per_step: the recurrent HxH products only, forward\n"
           "             W h, backward W^T du and dW, 2 flops per multiply-add); fwd_gflops: 2*H*H*B*M / fwd_s\n"
           "             gru/lstm (G = 3 / 4 gates): forward 2*G*H*H*B*M (the packed W_hh h of every gate) +\n"
           "             4*K*H*B (the readout of the last state), step = 3 x forward (backward W_hh^T dgates\n"
           "             and dW_hh: twice the forward); the elementwise gate work is not counted\n"
           "  peak_gflops  single-core FMA throughput probe (tool/peak.c) of the widest vector path this CPU\n"
           "             runs (peak_isa), whatever path this run uses (simd); peak_gflops_by_isa: every path\n"
           "             the CPU runs; fraction_of_peak = gflops / peak_gflops (one core, whatever --threads),\n"
           "             fraction_of_threads_peak = gflops / (threads * peak_gflops); same for fwd_\n"
           "  max_rss_bytes  getrusage(RUSAGE_SELF) ru_maxrss * 1024 at the end of the run\n"
           "  bptt_bytes  what BPTT must keep, from the sizes: 4 bytes x (P x (2 + S) + (M+1) H B + M H B)\n"
           "             with P = parameters (weights + gradients + S optimiser slots: sgd 1 momentum\n"
           "             buffer, adam 2 moments), hidden states h_0..h_M and pre-activations u_1..u_M;\n"
           "             gru: + per step r, z, n and W_hn h + b_hn (4 H B instead of H B); lstm: + cell states\n"
           "             c_0..c_M and per step i, f, g, o, tanh(c) (5 H B); bptt_bytes_def states it;\n"
           "             rss_over_bptt = max_rss_bytes / bptt_bytes\n"
           "  output_xxh3  XXH3-64 of the parameters (little-endian float32, tensor order) after exactly one\n"
           "             step from the seeded start (the warm-up step): the same for any --reps, thread\n"
           "             count and ISA\n"
           "\nflags:\n");
    cli_print_flags(stdout, flags, n);
}

static double median_of(const double *v, int n) {
    double *s = (double *)malloc((size_t)n * sizeof *s), m;
    if (!s || n < 1) { free(s); return NAN; }
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    m = n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    free(s);
    return m;
}
static void json_num_array(FILE *f, const double *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) { if (i) fputc(',', f); json_num(f, v[i]); }
    fputc(']', f);
}

typedef struct bench_ctx {
    rnnts_rnn *net;
    rnnts_rnn_ws *ws;
    rnnts_pool *pool;
    rnnts_optim *opt;
    rnnts_batch bt;
    float *grad, loss;
    unsigned char *used;
} bench_ctx;
/* One training step as rnnts_trainer_epoch does it. */
static rnnts_result bench_step(bench_ctx *c, rnnts_error *e) {
    rnnts_result r = rnnts_rnn_forward(c->ws, c->net, &c->bt, c->pool, NULL, &c->loss, e);
    if (r == RNNTS_OK) r = rnnts_rnn_backward(c->ws, c->net, c->pool, c->grad, e);
    if (r == RNNTS_OK) r = rnnts_optim_step(c->opt, c->net, c->grad, c->used, NULL, e);
    if (r == RNNTS_OK) rnnts_rnn_zero_diag(c->net);
    return r;
}

/* The timed part: the warm-up step 1 from the seeded start (its loss and the parameters' hash
   after it into loss1, hash1), reps timed steps, 1 warm-up and reps timed forward passes.
   Returns 0, or -1 after the message. */
static int bench_measure(bench_ctx *c, int reps, double *t_step, double *t_fwd, float *loss1, uint64_t *hash1) {
    rnnts_error e;
    /* warm-up: step 1 from the seeded start, whose result is hashed */
    if (bench_step(c, &e) != RNNTS_OK) { fail_msg("training step 1", &e); return -1; }
    *loss1 = c->loss;
    *hash1 = rnnts_rnn_checksum(c->net);
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        if (bench_step(c, &e) != RNNTS_OK) { fail_msg("training step", &e); return -1; }
        t_step[r] = now_s() - t0;
    }
    if (rnnts_rnn_forward(c->ws, c->net, &c->bt, c->pool, NULL, &c->loss, &e) != RNNTS_OK) { fail_msg("forward", &e); return -1; }
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        if (rnnts_rnn_forward(c->ws, c->net, &c->bt, c->pool, NULL, &c->loss, &e) != RNNTS_OK) { fail_msg("forward", &e); return -1; }
        t_fwd[r] = now_s() - t0;
    }
    return 0;
}

/* What `rnnts bench` measured, for its two printers. */
typedef struct bench_out {
    int model, hidden, batch, len, heads, used_threads, variant, optim, reps;
    uint64_t seed;
    rnnts_optim_config oc;
    size_t P;
    double step_s, fwd_s, flops_step, flops_fwd, gflops, fwd_gflops, peak, rss_bytes, bptt_bytes;
    const double *t_step, *t_fwd;
    const char *peak_isa;
    double peak_by[4]; /* scalar, AVX2, AVX512, NEON (--json only; 0: not on this CPU) */
    float loss1;
    uint64_t hash1;
} bench_out;
/* The medians, the flop counts and rates, and the memory BPTT must keep, from the sizes and the
   timed reps in b. */
static void bench_rates(bench_out *b) {
    int hidden = b->hidden, batch = b->batch, len = b->len, heads = b->heads, model = b->model;
    size_t slots = b->optim == 1 ? 2 : 1;
    b->step_s = median_of(b->t_step, b->reps);
    b->fwd_s = median_of(b->t_fwd, b->reps);
    if (model == RNNTS_MODEL_RNN) {
        b->flops_step = 6.0 * hidden * (double)hidden * batch * (double)len;
        b->flops_fwd = 2.0 * hidden * (double)hidden * batch * (double)len;
    } else {
        double G = model == RNNTS_MODEL_GRU ? 3.0 : 4.0;
        b->flops_fwd = 2.0 * G * hidden * (double)hidden * batch * (double)len + 4.0 * heads * (double)hidden * batch;
        b->flops_step = 3.0 * b->flops_fwd;
    }
    b->gflops = b->flops_step / b->step_s * 1e-9;
    b->fwd_gflops = b->flops_fwd / b->fwd_s * 1e-9;
    {
        double HB = (double)hidden * batch, per_step = model == RNNTS_MODEL_GRU ? 4.0 : model == RNNTS_MODEL_LSTM ? 5.0 : 1.0;
        double states = model == RNNTS_MODEL_LSTM ? 2.0 : 1.0; /* h (and the LSTM's c) at 0..M */
        b->bptt_bytes = 4.0 * ((double)b->P * (double)(2 + slots) + states * (double)(len + 1) * HB + per_step * (double)len * HB);
    }
}
static void bench_print_json(const bench_out *b) {
    char sel[160];
    printf("{\"model\":\"%s\",\"hidden\":%d,\"batch\":%d,\"len\":%d,\"heads\":%d,\"threads\":%d,\"variant\":\"%s\",\"optim\":\"%s\","
           "\"reps\":%d,\"seed\":%llu,\"build\":",
           rnnts_model_name((rnnts_model)b->model), b->hidden, b->batch, b->len, b->heads, b->used_threads,
           b->model != RNNTS_MODEL_RNN ? "none" : rnnts_name(RNNTS_NAMES_VARIANT, b->variant), rnnts_name(RNNTS_NAMES_OPTIMIZER, b->optim), b->reps, (unsigned long long)b->seed);
    json_str(stdout, rnnts_build_info());
    printf(",\"simd\":"); json_str(stdout, rnnts_simd_name());
    printf(",\"simd_selection\":"); json_str(stdout, simd_selection(sel, sizeof sel));
    printf(",\"lr\":"); json_num(stdout, (double)b->oc.lr);
    printf(",\"momentum\":"); json_num(stdout, (double)b->oc.momentum);
    printf(",\"clip\":"); json_num(stdout, (double)b->oc.clip);
    printf(",\"param_count\":%zu", b->P);
    printf(",\"step_s\":"); json_num(stdout, b->step_s);
    printf(",\"step_s_all\":"); json_num_array(stdout, b->t_step, b->reps);
    printf(",\"fwd_s\":"); json_num(stdout, b->fwd_s);
    printf(",\"fwd_s_all\":"); json_num_array(stdout, b->t_fwd, b->reps);
    printf(",\"flops_per_step\":"); json_num(stdout, b->flops_step);
    printf(",\"flops_per_step_def\":\"%s\",\"fwd_flops\":", b->model == RNNTS_MODEL_RNN ? "6*H*H*B*M" : b->model == RNNTS_MODEL_GRU ? "3*(2*3*H*H*B*M + 4*K*H*B)" : "3*(2*4*H*H*B*M + 4*K*H*B)");
    json_num(stdout, b->flops_fwd);
    printf(",\"fwd_flops_def\":\"%s\",\"gflops\":", b->model == RNNTS_MODEL_RNN ? "2*H*H*B*M" : b->model == RNNTS_MODEL_GRU ? "2*3*H*H*B*M + 4*K*H*B" : "2*4*H*H*B*M + 4*K*H*B");
    json_num(stdout, b->gflops);
    printf(",\"fwd_gflops\":"); json_num(stdout, b->fwd_gflops);
    printf(",\"peak_gflops\":"); json_num(stdout, b->peak);
    printf(",\"peak_isa\":"); json_str(stdout, b->peak_isa);
    printf(",\"peak_gflops_by_isa\":{");
    for (int k = 0, first_k = 1; k < 4; k++)
        if (b->peak_by[k] > 0) {
            printf("%s\"%s\":", first_k ? "" : ",", k == 0 ? "scalar" : k == 1 ? "AVX2" : k == 2 ? "AVX512" : "NEON");
            json_num(stdout, b->peak_by[k]);
            first_k = 0;
        }
    printf("}");
    printf(",\"fraction_of_peak\":"); json_num(stdout, b->gflops / b->peak);
    printf(",\"fwd_fraction_of_peak\":"); json_num(stdout, b->fwd_gflops / b->peak);
    printf(",\"fraction_of_threads_peak\":"); json_num(stdout, b->gflops / (b->peak * b->used_threads));
    printf(",\"fwd_fraction_of_threads_peak\":"); json_num(stdout, b->fwd_gflops / (b->peak * b->used_threads));
    printf(",\"max_rss_bytes\":"); json_num(stdout, b->rss_bytes);
    printf(",\"bptt_bytes\":"); json_num(stdout, b->bptt_bytes);
    printf(",\"bptt_bytes_def\":"); json_str(stdout, b->model == RNNTS_MODEL_GRU ? BENCH_BPTT_DEF_GRU : b->model == RNNTS_MODEL_LSTM ? BENCH_BPTT_DEF_LSTM : BENCH_BPTT_DEF);
    printf(",\"rss_over_bptt\":"); json_num(stdout, b->rss_bytes / b->bptt_bytes);
    printf(",\"loss_step1\":"); json_num(stdout, (double)b->loss1);
    printf(",\"output_xxh3\":\"%016llx\"}\n", (unsigned long long)b->hash1);
}
static void bench_print_text(const bench_out *b) {
    char sel[160];
    double mn = b->t_step[0], mx = b->t_step[0];
    for (int r = 1; r < b->reps; r++) { if (b->t_step[r] < mn) mn = b->t_step[r]; if (b->t_step[r] > mx) mx = b->t_step[r]; }
    printf("rnnts bench: %s H = %d, B = %d, M = %d, K = %d, %d thread%s, variant %s, %s, %d reps, seed %llu\n",
           rnnts_model_name((rnnts_model)b->model), b->hidden, b->batch, b->len, b->heads, b->used_threads, b->used_threads == 1 ? "" : "s",
           b->model != RNNTS_MODEL_RNN ? "none" : rnnts_name(RNNTS_NAMES_VARIANT, b->variant), rnnts_name(RNNTS_NAMES_OPTIMIZER, b->optim), b->reps, (unsigned long long)b->seed);
    printf("%s\nsimd     %s\n", rnnts_build_info(), simd_selection(sel, sizeof sel));
    printf("step     %10.3f ms median (min %.3f, max %.3f)  %7.2f GFLOP/s", b->step_s * 1e3, mn * 1e3, mx * 1e3, b->gflops);
    if (isfinite(b->peak)) printf("  %5.1f %% of 1-core peak", 100.0 * b->gflops / b->peak);
    printf("\nforward  %10.3f ms median                          %7.2f GFLOP/s", b->fwd_s * 1e3, b->fwd_gflops);
    if (isfinite(b->peak)) printf("  %5.1f %% of 1-core peak", 100.0 * b->fwd_gflops / b->peak);
    if (isfinite(b->peak)) printf("\npeak     %10.2f GFLOP/s (%s FMA probe, 1 core)\n", b->peak, b->peak_isa);
    else printf("\npeak     not measured (--peak-seconds 0)\n");
    printf("memory   max RSS %.1f MiB, BPTT needs %.1f MiB (params, grads, optimiser, states), ratio %.2f\n", b->rss_bytes / 1048576.0,
           b->bptt_bytes / 1048576.0, b->rss_bytes / b->bptt_bytes);
    printf("output   %016llx (xxh3-64 of the parameters after step 1; loss %.6g)\n", (unsigned long long)b->hash1, (double)b->loss1);
}
int cmd_bench(int argc, char **argv) {
    int model = 0, hidden = 500, batch = 256, len = 30, heads = 1, threads = 1, variant = 0, reps = 10, optim = 0, json = 0;
    uint64_t seed = 0;
    double peak_seconds = 0.3;
    const char *pos[1];
    cli_flag flags[] = {
        {"--model", CLI_ENUM, &model, 0, 0, MODELS, NULL, "model (default rnn)", 0, 0},
        {"--hidden", CLI_INT, &hidden, 1, 65536, NULL, "H", "hidden units (default 500)", 0, 0},
        {"--batch", CLI_INT, &batch, 1, 65536, NULL, "B", "batch size (default 256)", 0, 0},
        {"--len", CLI_INT, &len, 2, 1000000, NULL, "M", "sequence length, >= K + 1 (default 30)", 0, 0},
        {"--heads", CLI_INT, &heads, 1, RNNTS_MAX_NS, NULL, "K", "readout heads, all active: N = 2..K+1 (default 1)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default 1)", 0, 0},
        {"--variant", CLI_ENUM, &variant, 0, 0, VARIANTS, NULL, "model variant, rnn only (default default)", 0, 0},
        {"--reps", CLI_INT, &reps, 1, 1000000, NULL, "R", "timed repetitions after 1 warm-up (default 10)", 0, 0},
        {"--optim", CLI_ENUM, &optim, 0, 0, OPTIMIZERS, NULL, "optimiser of the step (default sgd; gru/lstm adam, as their training)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the network, batch and h0 (default 0)", 0, 0},
        {"--peak-seconds", CLI_DOUBLE, &peak_seconds, 0, 60, NULL, "X", "duration of the FMA peak probe (default 0.3; 0 = no probe, peak fields null)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]), code = CLI_EXIT_FAIL, nt, used_threads;
    int ns[RNNTS_MAX_NS], hs[RNNTS_MAX_NS], *labels = NULL;
    float *input = NULL, loss1 = 0.0f;
    double *t_step = NULL, *t_fwd = NULL, peak = NAN, rss_bytes;
    const char *peak_isa = "none";
    double peak_by[4] = {0, 0, 0, 0}; /* scalar, AVX2, AVX512, NEON (--json only; 0: not on this CPU) */
    uint64_t hash1;
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_optim_config oc;
    rnnts_error e;
    bench_ctx c;
    memset(&c, 0, sizeof c);
    cli_prog = "rnnts bench";
    cli_parse(argc, argv, 2, flags, nf, pos, 0, bench_help);
    if (model != RNNTS_MODEL_RNN && cli_seen(flags, nf, "--variant")) {
        char m[16];
        cli_choice(MODELS, model, m, sizeof m);
        cli_usage_error("--variant applies to --model rnn only (%s has no variant)", m);
    }
    if (model != RNNTS_MODEL_RNN && !cli_seen(flags, nf, "--optim")) optim = 1; /* rnnts_train_config_lstm: Adam */
    if (len < heads + 1)
        cli_usage_error("--len %d: allowed %d..1000000 (at least the largest N = heads + 1 = %d)", len, heads + 1, heads + 1);
    rc.hidden = hidden; rc.heads = heads; rc.variant = (rnnts_variant)variant; rc.model = (rnnts_model)model;
    oc = optim == 1 ? rnnts_optim_config_adam() : rnnts_train_config_default().optim;
    oc.clip = rnnts_train_config_default().optim.clip;
    if (rnnts_rnn_config_check(&rc, &e) != RNNTS_OK || rnnts_optim_config_check(&oc, &e) != RNNTS_OK) {
        fail_msg("invalid configuration", &e);
        return CLI_EXIT_USAGE;
    }
    CLI_FUZZ_STOP();

    if (peak_seconds > 0) {
        static const int isas[] = {RNNTS_BENCH_PEAK_SCALAR, RNNTS_BENCH_PEAK_AVX2, RNNTS_BENCH_PEAK_AVX512, RNNTS_BENCH_PEAK_NEON};
        peak = rnnts_bench_peak_gflops(peak_seconds, &peak_isa);
        for (int k = 0; k < 4; k++) peak_by[k] = json ? rnnts_bench_peak_gflops_isa(peak_seconds, isas[k]) : 0.0;
    }

    c.pool = make_pool(threads);
    used_threads = c.pool ? rnnts_pool_threads(c.pool) : 1;
    if (rnnts_rnn_create(&rc, seed, NULL, &c.net, &e) != RNNTS_OK) { fail_msg("create network", &e); goto done; }
    if (rnnts_rnn_ws_create(c.net, batch, len, NULL, &c.ws, &e) != RNNTS_OK) { fail_msg("workspace", &e); goto done; }
    if (rnnts_optim_create(&oc, c.net, NULL, &c.opt, &e) != RNNTS_OK) { fail_msg("optimiser", &e); goto done; }
    nt = rnnts_rnn_tensor_count(c.net);
    input = (float *)malloc((size_t)len * batch * sizeof(float));
    labels = (int *)malloc((size_t)heads * batch * sizeof(int));
    c.grad = (float *)calloc(c.net->n_param, sizeof(float));
    c.used = (unsigned char *)malloc((size_t)nt);
    t_step = (double *)malloc((size_t)reps * sizeof(double));
    t_fwd = (double *)malloc((size_t)reps * sizeof(double));
    if (!input || !labels || !c.grad || !c.used || !t_step || !t_fwd) { fprintf(stderr, "%s: out of memory\n", cli_prog); goto done; }
    /* every tensor gets a gradient: tau (learnable), input, recurrent and all heads (all active) */
    memset(c.used, 1, (size_t)nt);
    for (int a = 0; a < heads; a++) { ns[a] = 2 + a; hs[a] = a; }
    if (rnnts_task_batch_len(RNNTS_TASK_PARITY, ns, heads, batch, len, seed, RNNTS_PURPOSE_DATA, 0, input, labels, &e) != RNNTS_OK) {
        fail_msg("batch", &e);
        goto done;
    }
    c.bt.batch = batch; c.bt.len = len; c.bt.input = input; c.bt.h0 = NULL; c.bt.h0_seed = seed; c.bt.h0_draw = 0;
    c.bt.n_active = heads; c.bt.heads = hs; c.bt.labels = labels;

    if (bench_measure(&c, reps, t_step, t_fwd, &loss1, &hash1) != 0) goto done;
    rss_bytes = platform_max_rss_bytes();

    {
        bench_out b;
        b.model = model; b.hidden = hidden; b.batch = batch; b.len = len; b.heads = heads; b.used_threads = used_threads;
        b.variant = variant; b.optim = optim; b.reps = reps; b.seed = seed; b.oc = oc; b.P = c.net->n_param;
        b.peak = peak; b.rss_bytes = rss_bytes;
        b.t_step = t_step; b.t_fwd = t_fwd; b.peak_isa = peak_isa; memcpy(b.peak_by, peak_by, sizeof b.peak_by);
        b.loss1 = loss1; b.hash1 = hash1;
        bench_rates(&b);
        if (json) bench_print_json(&b);
        else bench_print_text(&b);
    }
    code = CLI_EXIT_OK;
done:
    free(input); free(labels); free(c.grad); free(c.used); free(t_step); free(t_fwd);
    rnnts_optim_destroy(c.opt);
    rnnts_rnn_ws_destroy(c.ws);
    rnnts_rnn_destroy(c.net);
    rnnts_pool_destroy(c.pool);
    return code;
}

