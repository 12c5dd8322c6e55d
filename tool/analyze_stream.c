/* analyze_stream.c — `rnnts analyze ablate|perturb`: stream accuracy after ablating units and under
   perturbations; the gate timescales of GRU/LSTM units (ablate's order, forgetgate's report). */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cli_args.h"
#include "svg_plot.h"
#include "util.h"

/* ---- stream accuracy, ablation and perturbation ------------------------------------------- */
static double an_mean(const float *v, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += v[i];
    return s / n;
}
/* Mean stream accuracy (fraction) of net on N (head h) over cfg's trials, every trial's in
   acc[cfg->trials]; exits 1 on failure. */
static double an_stream_trials(const rnnts_rnn *net, int task, int N, int h, const rnnts_stream_config *cfg, rnnts_pool *pool, float *acc) {
    rnnts_error e;
    if (rnnts_stream_accuracy(net, (rnnts_task)task, N, h, cfg, pool, acc, &e) != RNNTS_OK) {
        fail_msg("stream accuracy", &e);
        exit(CLI_EXIT_FAIL);
    }
    return an_mean(acc, cfg->trials);
}
static double an_relative(double acc, double base) { return (acc - 0.5) / (base - 0.5); }
/* Denominator of the relative accuracy: the reference's published tables divide by the best of the
   baseline trials (AN_NORM_MAX); AN_NORM_MEAN is rnnts's earlier choice (their mean). */
enum { AN_NORM_MAX = 0, AN_NORM_MEAN = 1 };
static const char *const AN_NORMS = "max|mean";
static double an_norm_base(int norm, const float *acc, int n) {
    double m = acc[0];
    if (norm == AN_NORM_MEAN) return an_mean(acc, n);
    for (int r = 1; r < n; r++) m = acc[r] > m ? acc[r] : m;
    return m;
}
/* Shared by ablate and perturb: the task (flag, else metadata), the head serving N (usage error
   when none) and the stream configuration (warm-up at least N - 1). */
static void an_stream_setup(const rnnts_rnn *net, int N, int task_flag, int task_given, int trials, uint64_t seed, int *task, int *head,
                            rnnts_stream_config *sc) {
    rnnts_error he;
    *task = task_of(task_flag, task_given, net);
    if (rnnts_rnn_head_for(net, N, head, &he) != RNNTS_OK) cli_usage_error("--N %d: %s", N, he.msg);
    *sc = rnnts_stream_config_default();
    sc->trials = trials;
    sc->seed = seed;
    if (sc->warmup < N - 1) sc->warmup = N - 1;
}

const char *an_gate_name(const rnnts_rnn *net) { return net->cfg.model == RNNTS_MODEL_LSTM ? "forget" : "update"; }
/* --zero-heads: whose readout weights of the ablated neuron are zeroed */
enum { AN_ZERO_HEAD0 = 0, AN_ZERO_SERVING = 1, AN_ZERO_ALL = 2 };
static const char *const AN_ZERO_HEADS = "0|serving|all";
typedef struct an_ablate {
    const char *model, *key, *gate; int N, head, task, count, trials; uint64_t seed; double base; /* key: "tau" or "gate_timescale" */
    int zero_heads, zeroed_head, norm; double base_norm; float *base_acc; /* zeroed_head: RNNTS_ABLATE_ALL_HEADS or a head */
    int *idx; double *tau, *acc, *rel; double mean_fast, mean_slow;
} an_ablate;
static void an_ablate_json(FILE *f, const void *vc) {
    const an_ablate *c = (const an_ablate *)vc;
    fputs("{\"analysis\":\"ablate\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"task\":\"%s\",\"N\":%d,\"head\":%d,\"count\":%d,\"trials\":%d,\"seed\":%llu,\"baseline\":", rnnts_name(RNNTS_NAMES_TASK, c->task),
            c->N, c->head, c->count, c->trials, (unsigned long long)c->seed);
    json_num(f, c->base);
    fputs(",\"baseline_trials\":", f); an_float_array(f, c->base_acc, c->trials);
    fprintf(f, ",\"zero_heads\":\"%s\",\"zeroed_head\":%d,\"normalise\":\"%s\",\"baseline_norm\":",
            c->zero_heads == AN_ZERO_ALL ? "all" : c->zero_heads == AN_ZERO_SERVING ? "serving" : "0", c->zeroed_head,
            c->norm == AN_NORM_MEAN ? "mean" : "max");
    json_num(f, c->base_norm);
    if (c->gate) { /* GRU/LSTM only: the RNN's fields stay as they were */
        fputs(",\"sort_by\":\"gate_timescale\",\"gate\":", f); json_str(f, c->gate);
        rnnts_gate_config gc = rnnts_gate_config_default(); /* the driving of the gate timescales */
        fprintf(f, ",\"gate_steps\":%d,\"gate_burn\":%d,\"gate_trials\":%d,\"gate_seed\":%llu", gc.steps, gc.burn, gc.trials,
                (unsigned long long)gc.seed);
    }
    fputs(",\"mean_relative_fastest\":", f); json_num(f, c->mean_fast);
    fputs(",\"mean_relative_slowest\":", f); json_num(f, c->mean_slow);
    fputs(",\"neurons\":[", f);
    for (int k = 0; k < 2 * c->count; k++) {
        fprintf(f, "%s{\"group\":\"%s\",\"rank\":%d,\"neuron\":%d,\"%s\":", k ? "," : "", k < c->count ? "fastest" : "slowest",
                k < c->count ? k : k - c->count, c->idx[k], c->key);
        json_num(f, c->tau[k]);
        fputs(",\"accuracy\":", f); json_num(f, c->acc[k]);
        fputs(",\"relative\":", f); json_num(f, c->rel[k]);
        fputc('}', f);
    }
    fputs("]}", f);
}
typedef struct { int i; double tau; } an_tau_idx;
static int an_cmp_tau(const void *a, const void *b) {
    const an_tau_idx *x = (const an_tau_idx *)a, *y = (const an_tau_idx *)b;
    return x->tau < y->tau ? -1 : x->tau > y->tau ? 1 : (x->i > y->i) - (x->i < y->i);
}
/* Sort key of every unit: the trained tau (RNN) or the gate timescale of forgetgate's defaults (GRU/LSTM). */
static int an_ablate_keys(const rnnts_rnn *net, an_tau_idx *order) {
    double *g = NULL, *ts = NULL;
    int rc = 0;
    if (net->cfg.model != RNNTS_MODEL_RNN) {
        g = (double *)malloc((size_t)net->H * sizeof(double));
        ts = (double *)malloc((size_t)net->H * sizeof(double));
        rnnts_gate_config gc = rnnts_gate_config_default(); /* forgetgate's defaults */
        rc = g && ts && rnnts_gate_timescales(net, &gc, g, ts, NULL) == RNNTS_OK ? 0 : -1;
    }
    for (int i = 0; rc == 0 && i < net->H; i++) { order[i].i = i; order[i].tau = ts ? ts[i] : (double)net->tau[i]; }
    free(g); free(ts);
    return rc;
}
static void an_ablate_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze ablate MODEL --N N [--count C] [--trials R] [--seed S] [--zero-heads 0|serving|all]\n"
           "                            [--normalise max|mean] [--task parity|dms] [--json] [--out DIR]\n\n"
           "Ablation by trained tau (the reference's protocol): neurons sorted by tau (ties by index); each\n"
           "of the C fastest and C slowest neurons ablated alone (row and column of W and input weight\n"
           "zeroed; biases kept); stream accuracy on N (R trials of 100 + 1000 Bernoulli(0.5) bits, the same\n"
           "bits for every ablation, read out by the head serving N) relative to the intact network:\n"
           "(acc - 0.5) / (base - 0.5), acc the mean over the R trials.\n"
           "--zero-heads: whose readout weights of the neuron are zeroed. 0 (default, the reference's code):\n"
           "head 0 only, also when another head serves N (multi-head and sliding networks): that head then\n"
           "still reads the ablated neuron, whose state its biases alone drive. serving: the head serving N\n"
           "only. all: every head (rnnts's earlier default: nothing reads the neuron any more).\n"
           "--normalise: base = the best of the R baseline trials (max, default: the reference's published\n"
           "tables) or their mean (mean). The JSON records both choices (zero_heads, zeroed_head, normalise,\n"
           "baseline_norm) and every baseline trial.\n"
           "--out writes ablate.json, ablate.csv and ablate.svg. GRU/LSTM models: units sorted by the gate\n"
           "timescale 1 / (1 - mean gate) of `analyze forgetgate` with its defaults (update gate z / forget\n"
           "gate f, 1100 steps, 100 burn-in, 10 trials, seed 0; the field gate_timescale in place of tau),\n"
           "ablated with rnnts_rnn_ablate_head (the unit's rows of W_ih and W_hh in every gate, its W_hh\n"
           "column, and its weights in the head(s) --zero-heads names).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
static void an_ablate_files(const char *out, const an_ablate *c, const char *model_path) {
    char path[4096], msg[256];
    int count = c->count;
    double *x = (double *)malloc((size_t)count * sizeof(double));
    FILE *f = an_open(out, "ablate", "csv", path, sizeof path);
    svg_series s[2];
    svg_chart ch;
    fprintf(f, "group,rank,neuron,%s,accuracy,relative\n", c->key);
    for (int k = 0; k < 2 * count; k++)
        fprintf(f, "%s,%d,%d,%.9g,%.9g,%.9g\n", k < count ? "fastest" : "slowest", k < count ? k : k - count, c->idx[k], c->tau[k], c->acc[k],
                c->rel[k]);
    an_close(f, path);
    if (!x) return;
    for (int k = 0; k < count; k++) x[k] = k + 1;
    memset(s, 0, sizeof s); memset(&ch, 0, sizeof ch);
    s[0].label = c->gate ? "fastest gate timescale ablated" : "fastest tau ablated"; s[0].color = "#1f77b4"; s[0].n = count; s[0].x = x; s[0].y = c->rel;
    s[1].label = c->gate ? "slowest gate timescale ablated" : "slowest tau ablated"; s[1].color = "#d62728"; s[1].n = count; s[1].x = x; s[1].y = c->rel + count; s[1].dashed = 1;
    ch.title = "Relative accuracy after ablating one neuron"; ch.subtitle = model_path; ch.xlabel = "rank within the group";
    ch.ylabel = "relative accuracy"; ch.integer_x = 1;
    path_join(path, sizeof path, out, "ablate.svg");
    if (svg_line_chart(path, &ch, s, 2, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
    free(x);
}
int an_cmd_ablate(int argc, char **argv) {
    int N = 0, count = 20, trials = 10, task = 0, threads = default_threads(), json = 0, zero_heads = AN_ZERO_HEAD0, norm = AN_NORM_MAX;
    uint64_t seed = 0;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--N", CLI_INT, &N, 1, 100000, NULL, "N", "task difficulty read out (required)", 0, 0},
        {"--count", CLI_INT, &count, 1, 100000, NULL, "C", "neurons per group (default 20)", 0, 0},
        {"--trials", CLI_INT, &trials, 1, 4096, NULL, "R", "stream trials (default 10)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the stream bits (default 0)", 0, 0},
        {"--zero-heads", CLI_ENUM, &zero_heads, 0, 0, AN_ZERO_HEADS, NULL, "readout weights zeroed: head 0 (default, the reference), the head serving N, every head", 0, 0},
        {"--normalise", CLI_ENUM, &norm, 0, 0, AN_NORMS, NULL, "relative to the max (default, the reference) or mean of the baseline trials", 0, 0},
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task (default: the model's metadata, else parity)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write ablate.json, ablate.csv and ablate.svg into DIR", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_stream_config sc;
    an_ablate c;
    an_tau_idx *order;
    float *acc;
    cli_prog = "rnnts analyze ablate";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_ablate_help) != 1) cli_usage_error("MODEL is required");
    if (!cli_seen(flags, nf, "--N")) cli_usage_error("--N N is required");
    net = load_model(pos[0]);
    if (net->cfg.model == RNNTS_MODEL_RNN && !net->cfg.train_tau) cli_usage_error("the model has a fixed tau: nothing to sort by");
    if (2 * count > net->H) cli_usage_error("--count %d: at most H / 2 = %d", count, net->H / 2);
    memset(&c, 0, sizeof c);
    c.model = pos[0]; c.N = N; c.count = count; c.trials = trials; c.seed = seed; c.zero_heads = zero_heads; c.norm = norm;
    c.key = net->cfg.model == RNNTS_MODEL_RNN ? "tau" : "gate_timescale";
    c.gate = net->cfg.model == RNNTS_MODEL_RNN ? NULL : an_gate_name(net);
    an_stream_setup(net, N, task, cli_seen(flags, nf, "--task"), trials, seed, &c.task, &c.head, &sc);
    c.zeroed_head = zero_heads == AN_ZERO_ALL ? RNNTS_ABLATE_ALL_HEADS : zero_heads == AN_ZERO_SERVING ? c.head : 0;
    CLI_FUZZ_STOP();
    pool = make_pool(threads);
    order = (an_tau_idx *)malloc((size_t)net->H * sizeof *order);
    c.idx = (int *)malloc((size_t)2 * count * sizeof(int));
    c.tau = (double *)malloc((size_t)2 * count * sizeof(double));
    c.acc = (double *)malloc((size_t)2 * count * sizeof(double));
    c.rel = (double *)malloc((size_t)2 * count * sizeof(double));
    c.base_acc = (float *)malloc((size_t)trials * sizeof(float));
    acc = (float *)malloc((size_t)trials * sizeof(float));
    if (!order || !c.idx || !c.tau || !c.acc || !c.rel || !c.base_acc || !acc) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    if (an_ablate_keys(net, order) != 0) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    qsort(order, (size_t)net->H, sizeof *order, an_cmp_tau);
    c.base = an_stream_trials(net, c.task, N, c.head, &sc, pool, c.base_acc);
    c.base_norm = an_norm_base(norm, c.base_acc, trials);
    /* the mean accuracy over trials, then relative: equal to the reference's mean over trials of the
       per-trial relative accuracy (the map is affine with one denominator per network) */
    for (int k = 0; k < 2 * count; k++) {
        int i = k < count ? order[k].i : order[net->H - 1 - (k - count)].i;
        rnnts_rnn *cp;
        rnnts_error e;
        if (rnnts_rnn_clone(net, &cp, &e) != RNNTS_OK || rnnts_rnn_ablate_head(cp, i, c.zeroed_head, &e) != RNNTS_OK) { fail_msg("ablate", &e); return CLI_EXIT_FAIL; }
        c.idx[k] = i; c.tau[k] = order[k < count ? k : net->H - 1 - (k - count)].tau;
        c.acc[k] = an_stream_trials(cp, c.task, N, c.head, &sc, pool, acc);
        c.rel[k] = an_relative(c.acc[k], c.base_norm);
        rnnts_rnn_destroy(cp);
        if (k < count) c.mean_fast += c.rel[k] / count;
        else c.mean_slow += c.rel[k] / count;
    }
    an_prepare_out(out);
    an_emit_json(json, out, "ablate", an_ablate_json, &c);
    if (!json)
        printf("ablation on N = %d (head %d; readout zeroed in %s; relative to the %s baseline trial accuracy %.4f): baseline accuracy %.4f; "
               "mean relative accuracy: %d fastest %.4f, %d slowest %.4f\n", N, c.head,
               c.zeroed_head < 0 ? "every head" : c.zeroed_head == 0 ? "head 0" : "the serving head", norm == AN_NORM_MEAN ? "mean" : "max",
               c.base_norm, c.base, count, c.mean_fast, count, c.mean_slow);
    if (out) an_ablate_files(out, &c, pos[0]);
    free(order); free(c.idx); free(c.tau); free(c.acc); free(c.rel); free(c.base_acc); free(acc);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

typedef struct an_perturb {
    const char *model; const char *note; int N, head, task, trials, norm; uint64_t seed; double base, base_norm; float *base_acc;
    int n_w, n_tau; double eps_w[16], rel_w[16], sd_w[16], acc_w[16], eps_tau[16], rel_tau[16], sd_tau[16], acc_tau[16];
} an_perturb;
static void an_perturb_json(FILE *f, const void *vc) {
    const an_perturb *c = (const an_perturb *)vc;
    fputs("{\"analysis\":\"perturb\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"task\":\"%s\",\"N\":%d,\"head\":%d,\"trials\":%d,\"seed\":%llu,\"baseline\":", rnnts_name(RNNTS_NAMES_TASK, c->task), c->N, c->head,
            c->trials, (unsigned long long)c->seed);
    json_num(f, c->base);
    fputs(",\"baseline_trials\":", f); an_float_array(f, c->base_acc, c->trials);
    fprintf(f, ",\"normalise\":\"%s\",\"baseline_norm\":", c->norm == AN_NORM_MEAN ? "mean" : "max");
    json_num(f, c->base_norm);
    for (int g = 0; g < 2; g++) {
        int n = g ? c->n_tau : c->n_w;
        const double *e = g ? c->eps_tau : c->eps_w, *r = g ? c->rel_tau : c->rel_w, *s = g ? c->sd_tau : c->sd_w, *a = g ? c->acc_tau : c->acc_w;
        fputs(g ? ",\"tau\":[" : ",\"w\":[", f);
        for (int k = 0; k < n; k++) {
            fputs(k ? ",{\"eps\":" : "{\"eps\":", f); json_num(f, e[k]);
            fputs(",\"accuracy\":", f); json_num(f, a[k]);
            fputs(",\"relative\":", f); json_num(f, r[k]);
            fputs(",\"sd\":", f); json_num(f, s[k]);
            fputc('}', f);
        }
        fputc(']', f);
    }
    if (c->note) { fputs(",\"note\":", f); json_str(f, c->note); }
    fputc('}', f);
}
static void an_perturb_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze perturb MODEL --N N [--trials R] [--seed S] [--normalise max|mean] [--task parity|dms]\n"
           "                             [--json] [--out DIR]\n\n"
           "Perturbation (the reference's protocol): W += eps ||W||_F D/||D||_F, D ~ N(0,1) over all H x H\n"
           "entries (the diagonal then set back to 0), eps in {0} and 10 log-spaced values in [1e-2, 10];\n"
           "tau += eps ||tau|| |D|/|| |D| ||, eps in {0} and 13 log-spaced values in [1e-3, 10]. For each\n"
           "eps, R trials: trial r perturbs a copy with draw r and scores it on one stream of 100 + 1000\n"
           "Bernoulli(0.5) bits (stream draw r, read out by the head serving N), the same stream as baseline\n"
           "trial r (so eps = 0 repeats the baseline trials). Relative accuracy per trial (acc - 0.5) /\n"
           "(base - 0.5), base = the best baseline trial (--normalise max, default, the reference's tables)\n"
           "or their mean (mean); mean and population SD over the trials (numpy's std), and \"accuracy\" the\n"
           "mean of the raw accuracies. --out writes perturb.json, perturb.csv and perturb.svg.\n"
           "GRU/LSTM: W is W_hh of every gate ([G*H, H], the same definition, computed by the tool); there\n"
           "is no tau, so \"tau\" is [] and \"note\" says so.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
/* Accuracy of trial r: one stream, draw r (the bits and h0 of no other trial). */
static double an_stream_one(const rnnts_rnn *net, int task, int N, int h, const rnnts_stream_config *cfg, int r, rnnts_pool *pool) {
    rnnts_stream_config one = *cfg;
    float a;
    one.trials = 1;
    one.draw = (uint64_t)r;
    return an_stream_trials(net, task, N, h, &one, pool, &a);
}
/* Row k of W (g = 0) or tau (g = 1): trials perturbed copies, scored and summarised into c. */
static void an_perturb_row(an_perturb *c, const rnnts_rnn *net, const rnnts_stream_config *sc, int g, int k, double *vals, rnnts_pool *pool) {
    double eps = g ? c->eps_tau[k] : c->eps_w[k], m = 0.0, v = 0.0, am = 0.0;
    int trials = c->trials;
    for (int r = 0; r < trials; r++) {
        rnnts_rnn *cp;
        rnnts_error e;
        rnnts_result rr = rnnts_rnn_clone(net, &cp, &e);
        double a;
        if (rr == RNNTS_OK)
            rr = g ? rnnts_rnn_perturb_tau(cp, eps, c->seed, (uint64_t)r, &e) : rnnts_rnn_perturb_w(cp, eps, c->seed, (uint64_t)r, &e);
        if (rr != RNNTS_OK) { fail_msg("perturb", &e); exit(CLI_EXIT_FAIL); }
        a = an_stream_one(cp, c->task, c->N, c->head, sc, r, pool);
        vals[r] = an_relative(a, c->base_norm);
        rnnts_rnn_destroy(cp);
        m += vals[r] / trials;
        am += a / trials;
    }
    for (int r = 0; r < trials; r++) v += (vals[r] - m) * (vals[r] - m);
    if (g) { c->rel_tau[k] = m; c->sd_tau[k] = sqrt(v / trials); c->acc_tau[k] = am; }
    else { c->rel_w[k] = m; c->sd_w[k] = sqrt(v / trials); c->acc_w[k] = am; }
}
int an_cmd_perturb(int argc, char **argv) {
    int N = 0, trials = 10, task = 0, threads = default_threads(), json = 0, norm = AN_NORM_MAX;
    uint64_t seed = 0;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--N", CLI_INT, &N, 1, 100000, NULL, "N", "task difficulty read out (required)", 0, 0},
        {"--trials", CLI_INT, &trials, 1, 4096, NULL, "R", "trials: perturbation draws, one stream each (default 10)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the directions and bits (default 0)", 0, 0},
        {"--normalise", CLI_ENUM, &norm, 0, 0, AN_NORMS, NULL, "relative to the max (default, the reference) or mean of the baseline trials", 0, 0},
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task (default: the model's metadata, else parity)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write perturb.json, perturb.csv and perturb.svg into DIR", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_stream_config sc;
    an_perturb c;
    double *vals;
    cli_prog = "rnnts analyze perturb";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_perturb_help) != 1) cli_usage_error("MODEL is required");
    if (!cli_seen(flags, nf, "--N")) cli_usage_error("--N N is required");
    net = load_model(pos[0]);
    memset(&c, 0, sizeof c);
    c.model = pos[0]; c.N = N; c.trials = trials; c.seed = seed; c.norm = norm;
    an_stream_setup(net, N, task, cli_seen(flags, nf, "--task"), trials, seed, &c.task, &c.head, &sc);
    CLI_FUZZ_STOP();
    pool = make_pool(threads);
    vals = (double *)malloc((size_t)trials * sizeof(double));
    c.base_acc = (float *)malloc((size_t)trials * sizeof(float));
    if (!vals || !c.base_acc) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    for (int r = 0; r < trials; r++) c.base_acc[r] = (float)an_stream_one(net, c.task, N, c.head, &sc, r, pool);
    c.base = an_mean(c.base_acc, trials);
    c.base_norm = an_norm_base(norm, c.base_acc, trials);
    c.n_w = 11; c.n_tau = net->cfg.model == RNNTS_MODEL_RNN && net->cfg.train_tau ? 14 : 0;
    if (net->cfg.model != RNNTS_MODEL_RNN)
        c.note = net->cfg.model == RNNTS_MODEL_GRU ? "gru: W = W_hh of the r, z, n gates (3H x H); no tau, tau perturbation skipped"
                                                   : "lstm: W = W_hh of the i, f, g, o gates (4H x H); no tau, tau perturbation skipped";
    /* eps: 0 and 10^(-2 + 3j/9), j = 0..9 (W); 0 and 10^(-3 + 4j/12), j = 0..12 (tau). Written out
       (glibc's pow, to 17 digits) so that no libm result enters the analysis on any platform. */
    {
        static const double ew[11] = {0.0, 0.01, 0.021544346900318832, 0.046415888336127774, 0.10000000000000001,
                                      0.21544346900318834, 0.46415888336127797, 1.0, 2.1544346900318843, 4.6415888336127775, 10.0};
        static const double et[14] = {0.0, 0.001, 0.0021544346900318843, 0.0046415888336127772, 0.01, 0.021544346900318832,
                                      0.046415888336127795, 0.10000000000000001, 0.21544346900318845, 0.46415888336127775, 1.0,
                                      2.1544346900318843, 4.6415888336127775, 10.0};
        for (int k = 0; k < c.n_w; k++) c.eps_w[k] = ew[k];
        for (int k = 0; k < c.n_tau; k++) c.eps_tau[k] = et[k];
    }
    for (int g = 0; g < 2; g++)
        for (int k = 0; k < (g ? c.n_tau : c.n_w); k++) an_perturb_row(&c, net, &sc, g, k, vals, pool);
    an_prepare_out(out);
    an_emit_json(json, out, "perturb", an_perturb_json, &c);
    if (!json) {
        printf("perturbation on N = %d (head %d), baseline accuracy %.4f (relative to the %s baseline trial, %.4f)\n", N, c.head, c.base,
               norm == AN_NORM_MEAN ? "mean" : "max", c.base_norm);
        for (int k = 0; k < c.n_w; k++) printf("  W   eps %-8.4g relative accuracy %.4f (SD %.4f)\n", c.eps_w[k], c.rel_w[k], c.sd_w[k]);
        for (int k = 0; k < c.n_tau; k++) printf("  tau eps %-8.4g relative accuracy %.4f (SD %.4f)\n", c.eps_tau[k], c.rel_tau[k], c.sd_tau[k]);
    }
    if (out) {
        char path[4096], msg[256];
        double lx[2][16];
        FILE *f = an_open(out, "perturb", "csv", path, sizeof path);
        svg_series s[2];
        svg_chart ch;
        fputs("target,eps,relative,sd\n", f);
        for (int k = 0; k < c.n_w; k++) fprintf(f, "w,%.9g,%.9g,%.9g\n", c.eps_w[k], c.rel_w[k], c.sd_w[k]);
        for (int k = 0; k < c.n_tau; k++) fprintf(f, "tau,%.9g,%.9g,%.9g\n", c.eps_tau[k], c.rel_tau[k], c.sd_tau[k]);
        an_close(f, path);
        /* x: log10(eps), eps = 0 left out */
        for (int k = 1; k < c.n_w; k++) lx[0][k - 1] = log10(c.eps_w[k]);
        for (int k = 1; k < c.n_tau; k++) lx[1][k - 1] = log10(c.eps_tau[k]);
        memset(s, 0, sizeof s); memset(&ch, 0, sizeof ch);
        s[0].label = "W perturbed"; s[0].color = "#1f77b4"; s[0].n = c.n_w - 1; s[0].x = lx[0]; s[0].y = c.rel_w + 1; s[0].err = c.sd_w + 1;
        s[1].label = "tau perturbed"; s[1].color = "#2ca02c"; s[1].n = c.n_tau > 0 ? c.n_tau - 1 : 0; s[1].x = lx[1]; s[1].y = c.rel_tau + 1;
        s[1].err = c.sd_tau + 1; s[1].dashed = 1;
        ch.title = "Relative accuracy under perturbation"; ch.subtitle = pos[0]; ch.xlabel = "log10 eps"; ch.ylabel = "relative accuracy";
        path_join(path, sizeof path, out, "perturb.svg");
        if (svg_line_chart(path, &ch, s, c.n_tau > 0 ? 2 : 1, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
    }
    free(vals); free(c.base_acc);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

