/* analyze_train.c — `rnnts analyze retrain|generalize`: single-head retraining on each N, and accuracy
   on longer sequences, larger N and other dt. */
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

/* ---- retrain: single-head retraining on each N of a range ------------------------------------ */
typedef struct an_retrain {
    const char *model; int task, n_ns, epochs, batch, steps, test_batches; uint64_t seed;
    const int *ns; const float *acc; double *rel; const rnnts_optim_config *optim;
} an_retrain;
static void an_retrain_json(FILE *f, const void *vc) {
    const an_retrain *c = (const an_retrain *)vc;
    fputs("{\"analysis\":\"retrain\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"task\":\"%s\",\"epochs\":%d,\"batch\":%d,\"steps_per_epoch\":%d,\"test_batches\":%d,\"seed\":%llu,\"ns\":",
            rnnts_name(RNNTS_NAMES_TASK, c->task), c->epochs, c->batch, c->steps, c->test_batches, (unsigned long long)c->seed);
    an_int_array(f, c->ns, c->n_ns);
    fprintf(f, ",\"optimizer\":\"%s\",\"lr\":", rnnts_name(RNNTS_NAMES_OPTIMIZER, (int)c->optim->kind));
    json_num(f, (double)c->optim->lr);
    fputs(",\"accuracy\":[", f);
    for (int i = 0; i < c->n_ns; i++) { if (i) fputc(',', f); json_num(f, (double)c->acc[(size_t)i * c->epochs + c->epochs - 1]); }
    fputs("],\"relative\":[", f);
    for (int i = 0; i < c->n_ns; i++) { if (i) fputc(',', f); json_num(f, c->rel[i]); }
    fputs("],\"curves\":[", f);
    for (int i = 0; i < c->n_ns; i++) { if (i) fputc(',', f); an_float_array(f, c->acc + (size_t)i * c->epochs, c->epochs); }
    fputs("]}", f);
}
static void an_retrain_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze retrain MODEL --ns LIST [flags] [--json] [--out DIR]\n\n"
           "Retraining (the reference's retrain_as_singlehead): for each N of LIST a copy of the model is\n"
           "trained single-head on N alone (head 0, a fresh optimiser, SGD as `rnnts train`) for exactly\n"
           "--epochs epochs (GRU/LSTM: the reference's LSTM protocol, Adam lr 0.001, batch 64, 300 steps per\n"
           "epoch, 50 test batches, as rnnts_train_config_lstm; the size flags override it).\n"
           "Reports the test accuracy after the last epoch and the relative accuracy\n"
           "(acc - 50) / (acc of the first N - 50). --out writes retrain.json, retrain.csv (N,epoch,accuracy)\n"
           "and retrain.svg (relative accuracy vs N).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
static void an_retrain_progress(void *user, int i, const rnnts_epoch_report *rep) {
    const an_retrain *c = (const an_retrain *)user;
    fprintf(stderr, "%s: N %d epoch %d/%d accuracy %.2f%%\n", cli_prog, c->ns[i], rep->epoch, c->epochs, (double)rep->acc[0]);
}
int an_cmd_retrain(int argc, char **argv) {
    int epochs = 20, batch = 256, steps = 600, test_batches = 50, task = 0, threads = default_threads(), json = 0, quiet = 0;
    uint64_t seed = 0;
    cli_nlist ns;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--ns", CLI_NLIST, &ns, 1, 100000, NULL, "LIST", "Ns retrained, e.g. 16,21,26 (required)", 0, 0},
        {"--epochs", CLI_INT, &epochs, 1, 100000, NULL, "E", "epochs per N (default 20)", 0, 0},
        {"--batch", CLI_INT, &batch, 1, 65536, NULL, "B", "batch size (default 256; gru/lstm 64)", 0, 0},
        {"--steps-per-epoch", CLI_INT, &steps, 1, 100000000, NULL, "S", "training steps per epoch (default 600; gru/lstm 300)", 0, 0},
        {"--test-batches", CLI_INT, &test_batches, 1, 1000000, NULL, "T", "test batches per epoch (default 50)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the training and test data (default 0)", 0, 0},
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task (default: the model's metadata, else parity)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--quiet", CLI_FLAG, &quiet, 0, 0, NULL, NULL, "no progress on stderr", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write retrain.json, retrain.csv and retrain.svg into DIR", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_retrain_config rc;
    rnnts_error e;
    an_retrain c;
    float *acc;
    double *rel;
    memset(&ns, 0, sizeof ns);
    cli_prog = "rnnts analyze retrain";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_retrain_help) != 1) cli_usage_error("MODEL is required");
    if (!cli_seen(flags, nf, "--ns")) cli_usage_error("--ns LIST is required");
    net = load_model(pos[0]);
    rc = rnnts_retrain_config_default();
    if (net->cfg.model != RNNTS_MODEL_RNN) { /* the reference's LSTM protocol */
        rnnts_train_config lc = rnnts_train_config_lstm();
        rc.train.optim = lc.optim;
        if (!cli_seen(flags, nf, "--batch")) batch = lc.batch;
        if (!cli_seen(flags, nf, "--steps-per-epoch")) steps = lc.steps_per_epoch;
        if (!cli_seen(flags, nf, "--test-batches")) test_batches = lc.test_batches;
    }
    memset(&c, 0, sizeof c);
    c.optim = &rc.train.optim;
    c.model = pos[0]; c.task = task_of(task, cli_seen(flags, nf, "--task"), net);
    c.n_ns = ns.n; c.ns = ns.v; c.epochs = epochs; c.batch = batch; c.steps = steps; c.test_batches = test_batches; c.seed = seed;
    rc.epochs = epochs;
    rc.train.task = (rnnts_task)c.task; rc.train.batch = batch; rc.train.steps_per_epoch = steps; rc.train.test_batches = test_batches;
    rc.train.seed = seed;
    CLI_FUZZ_STOP();
    acc = (float *)malloc((size_t)ns.n * epochs * sizeof(float));
    rel = (double *)malloc((size_t)ns.n * sizeof(double));
    if (!acc || !rel) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    pool = make_pool(threads);
    if (rnnts_retrain(net, &rc, ns.v, ns.n, pool, acc, quiet ? NULL : an_retrain_progress, &c, &e) != RNNTS_OK) {
        fail_msg("retrain", &e);
        return CLI_EXIT_FAIL;
    }
    for (int i = 0; i < ns.n; i++)
        rel[i] = ((double)acc[(size_t)i * epochs + epochs - 1] - 50.0) / ((double)acc[epochs - 1] - 50.0);
    c.acc = acc; c.rel = rel;
    an_prepare_out(out);
    an_emit_json(json, out, "retrain", an_retrain_json, &c);
    if (!json) {
        printf("retraining single-head, %d epochs per N\n", epochs);
        for (int i = 0; i < ns.n; i++)
            printf("  N %-5d accuracy %6.2f%%  relative %.4f\n", ns.v[i], (double)acc[(size_t)i * epochs + epochs - 1], rel[i]);
    }
    if (out) {
        char path[4096], msg[256];
        FILE *f = an_open(out, "retrain", "csv", path, sizeof path);
        double x[CLI_MAX_LIST];
        svg_series sr;
        svg_chart ch;
        fputs("N,epoch,accuracy\n", f);
        for (int i = 0; i < ns.n; i++)
            for (int ep = 0; ep < epochs; ep++) fprintf(f, "%d,%d,%.9g\n", ns.v[i], ep + 1, (double)acc[(size_t)i * epochs + ep]);
        an_close(f, path);
        for (int i = 0; i < ns.n; i++) x[i] = ns.v[i];
        memset(&sr, 0, sizeof sr); memset(&ch, 0, sizeof ch);
        sr.label = "relative accuracy after retraining"; sr.color = "#1f77b4"; sr.n = ns.n; sr.x = x; sr.y = rel;
        ch.title = "Single-head retraining"; ch.subtitle = pos[0]; ch.xlabel = "N retrained"; ch.ylabel = "relative accuracy";
        ch.integer_x = 1;
        path_join(path, sizeof path, out, "retrain.svg");
        if (svg_line_chart(path, &ch, &sr, 1, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
    }
    free(acc); free(rel);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

/* ---- generalize: longer sequences, larger N, other dt ------------------------------------------ */
typedef struct an_gen {
    const char *model; int task, n_ns, batches, n_len, n_extra, n_k, m_train; uint64_t seed;
    const int *ns, *heads, *lens, *ks; int nx[CLI_MAX_LIST];
    const float *acc_len, *acc_x, *acc_k; /* [n_len][n_ns], [n_extra], [n_k][n_ns] */
} an_gen;
static void an_gen_matrix(FILE *f, const float *a, int rows, int cols) {
    fputc('[', f);
    for (int r = 0; r < rows; r++) { if (r) fputc(',', f); an_float_array(f, a + (size_t)r * cols, cols); }
    fputc(']', f);
}
static void an_gen_json(FILE *f, const void *vc) {
    const an_gen *c = (const an_gen *)vc;
    fputs("{\"analysis\":\"generalize\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"task\":\"%s\",\"batches\":%d,\"seed\":%llu,\"trained_max_len\":%d,\"ns\":", rnnts_name(RNNTS_NAMES_TASK, c->task), c->batches,
            (unsigned long long)c->seed, c->m_train);
    an_int_array(f, c->ns, c->n_ns);
    fputs(",\"heads\":", f); an_int_array(f, c->heads, c->n_ns);
    fputs(",\"lengths\":", f); an_int_array(f, c->lens, c->n_len);
    fputs(",\"accuracy_by_length\":", f); an_gen_matrix(f, c->acc_len, c->n_len, c->n_ns);
    fprintf(f, ",\"extra_head\":%d,\"extra_ns\":", c->n_ns ? c->heads[c->n_ns - 1] : 0);
    an_int_array(f, c->nx, c->n_extra);
    fputs(",\"accuracy_extra_ns\":", f); an_float_array(f, c->acc_x, c->n_extra);
    fputs(",\"k\":", f); an_int_array(f, c->ks, c->n_k);
    fputs(",\"accuracy_by_k\":", f); an_gen_matrix(f, c->acc_k, c->n_k, c->n_ns);
    fputc('}', f);
}
static void an_gen_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze generalize MODEL [flags] [--json] [--out DIR]\n\n"
           "Accuracy outside the training regime (test batches of 256, the task's labels):\n"
           "  longer sequences: every N the model serves (metadata ns) on sequences of fixed length\n"
           "    L = f * (4 N_max + 1), the longest trained, for each factor f of --length-factors;\n"
           "  larger N: the head of the largest N read out on N_max + 1 .. N_max + --extra;\n"
           "  other dt (continuous-time models only): every N with inputs repeated k times for each k of\n"
           "    --k (default the reference's 1..20, 25..50 step 5, 60..100 step 10, 150, 200).\n"
           "--out writes generalize.json, generalize.csv and generalize.svg (accuracy vs length), plus\n"
           "generalize_k.svg for a continuous-time model.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
/* The text report (without --json): accuracy per length and N, the larger Ns, each k. */
static void an_gen_print(const an_gen *c, int nmax) {
    printf("longest trained sequence: %d steps\n%-12s", c->m_train, "length \\ N");
    for (int i = 0; i < c->n_ns; i++) printf(" %6d", c->ns[i]);
    printf("\n");
    for (int l = 0; l < c->n_len; l++) {
        printf("%-12d", c->lens[l]);
        for (int i = 0; i < c->n_ns; i++) printf(" %6.1f", (double)c->acc_len[(size_t)l * c->n_ns + i]);
        printf("\n");
    }
    for (int d = 0; d < c->n_extra; d++) printf("head %d (N %d) on N %d: %.1f%%\n", c->heads[c->n_ns - 1], nmax, c->nx[d], (double)c->acc_x[d]);
    for (int q = 0; q < c->n_k; q++) {
        printf("k %-9d", c->ks[q]);
        for (int i = 0; i < c->n_ns; i++) printf(" %6.1f", (double)c->acc_k[(size_t)q * c->n_ns + i]);
        printf("\n");
    }
}
/* --out: DIR/generalize.csv, and the figures generalize.svg (length) and generalize_k.svg (dt).
   Returns 0, or -1 after the message (out of memory). */
static int an_gen_files(const an_gen *c, const char *out, const cli_nlist *factors) {
    char path[4096], msg[256];
    FILE *f = an_open(out, "generalize", "csv", path, sizeof path);
    static const char *const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    int rows = c->n_len > c->n_k ? c->n_len : c->n_k, show = c->n_ns < 10 ? c->n_ns : 10;
    double *x = (double *)malloc((size_t)rows * sizeof(double)), *y = (double *)malloc((size_t)rows * c->n_ns * sizeof(double));
    svg_series s[10];
    char labels[10][32];
    svg_chart ch;
    fputs("kind,value,N,accuracy\n", f);
    for (int l = 0; l < c->n_len; l++)
        for (int i = 0; i < c->n_ns; i++) fprintf(f, "length,%d,%d,%.9g\n", c->lens[l], c->ns[i], (double)c->acc_len[(size_t)l * c->n_ns + i]);
    for (int d = 0; d < c->n_extra; d++) fprintf(f, "extra_n,%d,%d,%.9g\n", c->nx[d], c->nx[d], (double)c->acc_x[d]);
    for (int q = 0; q < c->n_k; q++)
        for (int i = 0; i < c->n_ns; i++) fprintf(f, "k,%d,%d,%.9g\n", c->ks[q], c->ns[i], (double)c->acc_k[(size_t)q * c->n_ns + i]);
    an_close(f, path);
    if (!x || !y) { fprintf(stderr, "%s: out of memory\n", cli_prog); return -1; }
    /* up to 10 lines: Ns spread evenly over the list (always the first and the last) */
    for (int g = 0; g < 2; g++) {
        int rowsg = g ? c->n_k : c->n_len;
        const float *a = g ? c->acc_k : c->acc_len;
        if (rowsg == 0) continue;
        for (int r = 0; r < rowsg; r++) x[r] = g ? log10((double)c->ks[r]) : (double)factors->v[r];
        for (int j = 0; j < show; j++) {
            int i = show > 1 ? (int)((long)j * (c->n_ns - 1) / (show - 1)) : 0;
            for (int r = 0; r < rowsg; r++) y[(size_t)j * rowsg + r] = a[(size_t)r * c->n_ns + i];
            snprintf(labels[j], sizeof labels[j], "N = %d", c->ns[i]);
            memset(&s[j], 0, sizeof s[j]);
            s[j].label = labels[j]; s[j].color = colors[j]; s[j].n = rowsg; s[j].x = x; s[j].y = y + (size_t)j * rowsg;
        }
        memset(&ch, 0, sizeof ch);
        ch.title = g ? "Accuracy vs time step dt = 1/k" : "Accuracy on sequences longer than trained";
        ch.subtitle = c->model; ch.ylabel = "accuracy (%)";
        ch.xlabel = g ? "log10 k" : "sequence length / longest trained (4 N_max + 1)";
        path_join(path, sizeof path, out, g ? "generalize_k.svg" : "generalize.svg");
        if (svg_line_chart(path, &ch, s, show, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
    }
    free(x); free(y);
    return 0;
}
int an_cmd_generalize(int argc, char **argv) {
    int batches = 10, extra = 5, task = 0, threads = default_threads(), json = 0, nmax = 0, n_ns;
    uint64_t seed = 0;
    cli_nlist nsl, factors, ks;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--ns", CLI_NLIST, &nsl, 1, 100000, NULL, "LIST", "Ns tested (default: the model's metadata ns)", 0, 0},
        {"--length-factors", CLI_NLIST, &factors, 1, 1000, NULL, "LIST", "sequence lengths as multiples of 4 N_max + 1 (default 1,2,4,8)", 0, 0},
        {"--extra", CLI_INT, &extra, 0, CLI_MAX_LIST, NULL, "E", "larger Ns read by the largest N's head (default 5)", 0, 0}, /* an_gen.nx */
        {"--k", CLI_NLIST, &ks, 1, 10000, NULL, "LIST", "dt = 1/k of a continuous-time model (default: the reference's 31 values)", 0, 0},
        {"--batches", CLI_INT, &batches, 1, 1000000, NULL, "T", "test batches of 256 per cell (default 10)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the test data (default 0)", 0, 0},
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task (default: the model's metadata, else parity)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write generalize.json, generalize.csv and generalize.svg into DIR", 0, 0},
    };
    static const int k_default[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                    25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 150, 200};
    int nf = (int)(sizeof flags / sizeof flags[0]);
    int ns[CLI_MAX_LIST], heads[CLI_MAX_LIST], lens[CLI_MAX_LIST], kv[CLI_MAX_LIST];
    float *acc_len, *acc_x, *acc_k;
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_error e;
    an_gen c;
    memset(&nsl, 0, sizeof nsl); memset(&factors, 0, sizeof factors); memset(&ks, 0, sizeof ks);
    cli_prog = "rnnts analyze generalize";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_gen_help) != 1) cli_usage_error("MODEL is required");
    net = load_model(pos[0]);
    if (cli_seen(flags, nf, "--ns")) { n_ns = nsl.n; memcpy(ns, nsl.v, (size_t)n_ns * sizeof(int)); }
    else {
        n_ns = rnnts_ns_parse(net->meta.ns, ns, CLI_MAX_LIST);
        if (n_ns <= 0) cli_usage_error("the model's metadata names no Ns (ns = \"%.100s\"): give --ns", net->meta.ns);
    }
    for (int i = 0; i < n_ns; i++) {
        rnnts_error he;
        if (rnnts_rnn_head_for(net, ns[i], &heads[i], &he) != RNNTS_OK) cli_usage_error("--ns: N = %d: %s", ns[i], he.msg);
        if (ns[i] > nmax) nmax = ns[i];
    }
    if (!cli_seen(flags, nf, "--length-factors")) { factors.n = 4; factors.v[0] = 1; factors.v[1] = 2; factors.v[2] = 4; factors.v[3] = 8; }
    if (cli_seen(flags, nf, "--k") && net->cfg.k_continuous < 1) cli_usage_error("--k applies to continuous-time models only (this one is discrete)");
    memset(&c, 0, sizeof c);
    c.model = pos[0]; c.task = task_of(task, cli_seen(flags, nf, "--task"), net); c.batches = batches; c.seed = seed;
    c.ns = ns; c.heads = heads; c.n_ns = n_ns; c.m_train = rnnts_task_max_len(nmax);
    c.n_len = factors.n; c.n_extra = extra;
    for (int i = 0; i < factors.n; i++) lens[i] = factors.v[i] * c.m_train;
    c.lens = lens;
    if (net->cfg.k_continuous >= 1) {
        if (cli_seen(flags, nf, "--k")) { c.n_k = ks.n; memcpy(kv, ks.v, (size_t)ks.n * sizeof(int)); }
        else { c.n_k = (int)(sizeof k_default / sizeof k_default[0]); memcpy(kv, k_default, sizeof k_default); }
    }
    c.ks = kv;
    for (int d = 0; d < extra; d++) c.nx[d] = nmax + 1 + d;
    CLI_FUZZ_STOP();
    acc_len = (float *)malloc((size_t)c.n_len * n_ns * sizeof(float));
    acc_x = (float *)malloc((size_t)(extra + 1) * sizeof(float));
    acc_k = (float *)malloc((size_t)(c.n_k + 1) * n_ns * sizeof(float));
    if (!acc_len || !acc_x || !acc_k) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    pool = make_pool(threads);
    for (int l = 0; l < c.n_len; l++) {
        rnnts_eval_config ec = rnnts_eval_config_default();
        ec.task = (rnnts_task)c.task; ec.ns = ns; ec.heads = heads; ec.n = n_ns; ec.batches = batches; ec.len = lens[l]; ec.seed = seed;
        if (rnnts_evaluate_config(net, &ec, pool, acc_len + (size_t)l * n_ns, &e) != RNNTS_OK) {
            fail_msg("generalize (length)", &e);
            return CLI_EXIT_FAIL;
        }
    }
    for (int d = 0; d < extra; d++)
        if (rnnts_evaluate(net, (rnnts_task)c.task, &c.nx[d], &heads[n_ns - 1], 1, 256, batches, seed, 0, pool, &acc_x[d], &e) != RNNTS_OK) {
            fail_msg("generalize (larger N)", &e);
            return CLI_EXIT_FAIL;
        }
    if (c.n_k > 0) {
        rnnts_rnn *cp;
        if (rnnts_rnn_clone(net, &cp, &e) != RNNTS_OK) { fail_msg("generalize", &e); return CLI_EXIT_FAIL; }
        for (int q = 0; q < c.n_k; q++)
            if (rnnts_rnn_set_k_continuous(cp, kv[q], &e) != RNNTS_OK ||
                rnnts_evaluate(cp, (rnnts_task)c.task, ns, heads, n_ns, 256, batches, seed, 0, pool, acc_k + (size_t)q * n_ns, &e) != RNNTS_OK) {
                fail_msg("generalize (dt)", &e);
                return CLI_EXIT_FAIL;
            }
        rnnts_rnn_destroy(cp);
    }
    c.acc_len = acc_len; c.acc_x = acc_x; c.acc_k = acc_k;
    an_prepare_out(out);
    an_emit_json(json, out, "generalize", an_gen_json, &c);
    if (!json) an_gen_print(&c, nmax);
    if (out && an_gen_files(&c, out, &factors) != 0) return CLI_EXIT_FAIL;
    free(acc_len); free(acc_x); free(acc_k);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

