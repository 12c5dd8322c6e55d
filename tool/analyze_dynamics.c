/* analyze_dynamics.c — `rnnts analyze pca|forgetgate`: dimensionality of the hidden activity and the
   forget/update gates of GRU/LSTM units. */
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

/* ---- pca ------------------------------------------------------------------------------------- */
typedef struct an_pca { const char *model; int H, steps, burn, trials; double var; uint64_t seed; const int *nc; const double *ev; double seconds; } an_pca;
static void an_pca_json(FILE *f, const void *vc) {
    const an_pca *c = (const an_pca *)vc;
    double m = 0.0, tot = 0.0;
    for (int q = 0; q < c->trials; q++) m += (double)c->nc[q] / c->trials;
    fputs("{\"analysis\":\"pca\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"H\":%d,\"steps\":%d,\"burn\":%d,\"trials\":%d,\"seed\":%llu,\"var_fraction\":", c->H, c->steps, c->burn, c->trials,
            (unsigned long long)c->seed);
    json_num(f, c->var);
    fputs(",\"seconds\":", f); json_num(f, c->seconds);
    fputs(",\"n_components\":", f); an_int_array(f, c->nc, c->trials);
    fputs(",\"mean_n_components\":", f); json_num(f, m);
    for (int i = 0; i < c->H; i++) tot += c->ev[i] > 0 ? c->ev[i] : 0.0;
    fputs(",\"explained_variance_ratio_trial0\":[", f);
    for (int i = 0; i < c->H; i++) { if (i) fputc(',', f); json_num(f, tot > 0 ? c->ev[i] / tot : NAN); }
    fputs("]}", f);
}
static void an_pca_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze pca MODEL [--steps T] [--burn B] [--trials R] [--var F] [--seed S] [--json] [--out DIR]\n\n"
           "Dimensionality (the reference's compute_pca.py): the network driven as for taunet (trial r: bits\n"
           "Bernoulli(p_r)), per trial the PCA of the (time x H) activity after the burn-in, and the number of\n"
           "components explaining --var (0.9) of the variance (the reference reports that count minus one).\n"
           "Default 10000 steps (the reference: 101000, which costs about 10x the time: use --steps 101000).\n"
           "--out writes pca.json, pca.csv (trial,n_components) and pca.svg (explained variance, trial 0).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
int an_cmd_pca(int argc, char **argv) {
    int steps = 10000, burn = 500, trials = 10, threads = default_threads(), json = 0;
    double var = 0.9;
    uint64_t seed = 0;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--steps", CLI_INT, &steps, 3, 100000000, NULL, "T", "input steps per trial incl. burn-in (default 10000)", 0, 0},
        {"--burn", CLI_INT, &burn, 0, 10000000, NULL, "B", "steps dropped at the start (default 500)", 0, 0},
        {"--trials", CLI_INT, &trials, 1, 4096, NULL, "R", "trials (default 10)", 0, 0},
        {"--var", CLI_DOUBLE, &var, 0, 1, NULL, "F", "variance fraction (default 0.9)", 1, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the inputs and h0 (default 0)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write pca.json, pca.csv and pca.svg into DIR", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]), *nc;
    double *ev, t0;
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_error e;
    rnnts_dim_config dc = rnnts_dim_config_default();
    an_pca c;
    cli_prog = "rnnts analyze pca";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_pca_help) != 1) cli_usage_error("MODEL is required");
    if (burn > steps - 2) cli_usage_error("--burn %d: at most --steps - 2 = %d", burn, steps - 2);
    net = load_model(pos[0]);
    CLI_FUZZ_STOP();
    nc = (int *)malloc((size_t)trials * sizeof(int));
    ev = (double *)malloc((size_t)trials * net->H * sizeof(double));
    if (!nc || !ev) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    pool = make_pool(threads);
    t0 = now_s();
    dc.steps = steps; dc.burn = burn; dc.trials = trials; dc.var_fraction = var; dc.seed = seed;
    if (rnnts_dimensionality(net, &dc, pool, nc, ev, &e) != RNNTS_OK) { fail_msg("pca", &e); return CLI_EXIT_FAIL; }
    memset(&c, 0, sizeof c);
    c.model = pos[0]; c.H = net->H; c.steps = steps; c.burn = burn; c.trials = trials; c.var = var; c.seed = seed; c.nc = nc; c.ev = ev;
    c.seconds = now_s() - t0;
    an_prepare_out(out);
    an_emit_json(json, out, "pca", an_pca_json, &c);
    if (!json) {
        double m = 0.0;
        for (int q = 0; q < trials; q++) m += (double)nc[q] / trials;
        printf("dimensionality: %.2f components for %.0f %% of the variance (mean over %d trials of %d steps, %.1f s)\n", m, 100 * var, trials,
               steps, c.seconds);
    }
    if (out) {
        char path[4096], msg[256];
        FILE *f = an_open(out, "pca", "csv", path, sizeof path);
        int k = net->H < 50 ? net->H : 50;
        double x[50], y[50], tot = 0.0, cum = 0.0;
        svg_series s;
        svg_chart ch;
        fputs("trial,n_components\n", f);
        for (int q = 0; q < trials; q++) fprintf(f, "%d,%d\n", q, nc[q]);
        an_close(f, path);
        for (int i = 0; i < net->H; i++) tot += ev[i] > 0 ? ev[i] : 0.0;
        for (int i = 0; i < k; i++) { cum += ev[i] > 0 ? ev[i] : 0.0; x[i] = i + 1; y[i] = tot > 0 ? cum / tot : 0.0; }
        memset(&s, 0, sizeof s); memset(&ch, 0, sizeof ch);
        s.label = "trial 0"; s.color = "#9467bd"; s.n = k; s.x = x; s.y = y;
        ch.title = "Cumulative explained variance"; ch.subtitle = pos[0]; ch.xlabel = "components"; ch.ylabel = "fraction of variance";
        ch.integer_x = 1;
        path_join(path, sizeof path, out, "pca.svg");
        if (svg_line_chart(path, &ch, &s, 1, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
    }
    free(nc); free(ev);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}


/* ---- forgetgate ---------------------------------------------------------------------------- */
typedef struct an_fg {
    const char *model, *gate; int H, steps, burn, trials; uint64_t seed; double seconds;
    const double *fbar, *ts, *tsb; double mean, median, max, min, f_mean, ts_of_f_mean, bias_mean, bias_median;
    int bins[40]; double lo, hi;
} an_fg;
static void an_fg_array(FILE *f, const double *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) { if (i) fputc(',', f); json_num(f, v[i]); }
    fputc(']', f);
}
static void an_fg_json(FILE *f, const void *vc) {
    const an_fg *c = (const an_fg *)vc;
    fputs("{\"analysis\":\"forgetgate\",\"model\":", f); json_str(f, c->model);
    fputs(",\"gate\":", f); json_str(f, c->gate);
    fprintf(f, ",\"H\":%d,\"steps\":%d,\"burn\":%d,\"trials\":%d,\"seed\":%llu,\"seconds\":", c->H, c->steps, c->burn, c->trials,
            (unsigned long long)c->seed);
    json_num(f, c->seconds);
    fputs(",\"forget_gate_mean\":", f); an_fg_array(f, c->fbar, c->H);
    fputs(",\"timescale\":", f); an_fg_array(f, c->ts, c->H);
    fputs(",\"timescale_bias\":", f); an_fg_array(f, c->tsb, c->H);
    fputs(",\"summary\":{\"mean\":", f); json_num(f, c->mean);
    fputs(",\"median\":", f); json_num(f, c->median);
    fputs(",\"max\":", f); json_num(f, c->max);
    fputs(",\"min\":", f); json_num(f, c->min);
    fputs(",\"forget_gate_mean\":", f); json_num(f, c->f_mean);
    fputs(",\"timescale_of_mean_forget_gate\":", f); json_num(f, c->ts_of_f_mean);
    fputs(",\"timescale_bias_mean\":", f); json_num(f, c->bias_mean);
    fputs(",\"timescale_bias_median\":", f); json_num(f, c->bias_median);
    fputs("},\"histogram\":{\"lo\":", f); json_num(f, c->lo);
    fputs(",\"hi\":", f); json_num(f, c->hi);
    fputs(",\"counts\":", f); an_int_array(f, c->bins, 40);
    fputs("}}", f);
}
static void an_fg_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze forgetgate LSTM_OR_GRU_MODEL [--steps T] [--burn B] [--trials R] [--seed S] [--json] [--out DIR]\n\n"
           "Forget gates of an LSTM (the reference's analysis/lstm_training_and_timescales): the network is\n"
           "driven as for taunet (trial r: bits Bernoulli(p_r), p_r ~ U[0,1), the same draws; x = 2s - 1;\n"
           "h_0 = c_0 = 0; one unbroken sequence of T steps per trial), the forget gate\n"
           "f_t = sig(W_if x_t + b_if + W_hf h_{t-1} + b_hf) is averaged per unit over the steps after the\n"
           "first B and over the trials (f-bar), and the effective timescale is 1 / (1 - f-bar) steps, the\n"
           "reference's _forget_gate_to_tau. GRU: the update gate z = sig(W_iz x + b_iz + W_hz h + b_hz)\n"
           "plays the forget gate's role (h' = (1 - z) n + z h), so f-bar is its mean and 1 / (1 - z-bar) the\n"
           "timescale (JSON \"gate\": \"forget\" for an LSTM, \"update\" for a GRU; the fields keep the names\n"
           "forget_gate_mean etc.). The cell runs in the library's operation order (its states equal\n"
           "rnnts_rnn_stream's). Also per unit the timescale from the biases alone,\n"
           "1 / (1 - sig(b_if + b_hf)) (GRU: b_iz + b_hz; the reference's \"tau from bias\"). The reference's simulation feeds\n"
           "every step from the initial state (its loop never updates h0, c0), so its gates see h = 0; here\n"
           "h_{t-1} is the running state. Cost: 4 H^2 (GRU 3 H^2) multiply-adds per step and trial (about 3 s for H = 500\n"
           "with the defaults). JSON: forget_gate_mean, timescale, timescale_bias (per unit), summary (mean,\n"
           "median, max, min of the timescales; forget_gate_mean over units and its timescale; bias\n"
           "timescale mean and median), histogram (40 bins of the timescale). --out writes forgetgate.json,\n"
           "forgetgate.csv (unit,forget_gate_mean,timescale,timescale_bias) and forgetgate.svg (histogram).\n"
           "LSTM and GRU models (exit 2 for rnn).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
int an_cmd_forgetgate(int argc, char **argv) {
    rnnts_gate_config gc = rnnts_gate_config_default();
    int steps = gc.steps, burn = gc.burn, trials = gc.trials, json = 0, H;
    uint64_t seed = gc.seed;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--steps", CLI_INT, &steps, 2, 100000000, NULL, "T", "input steps per trial incl. burn-in (default 1100)", 0, 0},
        {"--burn", CLI_INT, &burn, 0, 100000000, NULL, "B", "steps left out of the mean at the start (default 100)", 0, 0},
        {"--trials", CLI_INT, &trials, 1, 4096, NULL, "R", "trials (default 10)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the inputs (default 0)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write forgetgate.json, forgetgate.csv and forgetgate.svg into DIR", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    double *fbar, *ts, *tsb, *sorted, t0;
    rnnts_rnn *net;
    rnnts_error e;
    an_fg c;
    cli_prog = "rnnts analyze forgetgate";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_fg_help) != 1) cli_usage_error("LSTM_OR_GRU_MODEL is required");
    if (burn >= steps) cli_usage_error("--burn %d: must be below --steps %d", burn, steps);
    net = load_model(pos[0]);
    if (net->cfg.model == RNNTS_MODEL_RNN)
        cli_usage_error("%s is an rnn network: the forget / update gate exists in an LSTM / GRU only", pos[0]);
    CLI_FUZZ_STOP();
    H = net->H;
    fbar = (double *)malloc((size_t)H * sizeof(double));
    ts = (double *)malloc((size_t)H * sizeof(double));
    tsb = (double *)malloc((size_t)H * sizeof(double));
    sorted = (double *)malloc((size_t)H * sizeof(double));
    if (!fbar || !ts || !tsb || !sorted) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    t0 = now_s();
    gc.steps = steps; gc.burn = burn; gc.trials = trials; gc.seed = seed;
    if (rnnts_gate_timescales(net, &gc, fbar, ts, &e) != RNNTS_OK) { fail_msg("forgetgate", &e); return CLI_EXIT_FAIL; }
    memset(&c, 0, sizeof c);
    c.seconds = now_s() - t0;
    c.max = -INFINITY; c.min = INFINITY;
    for (int i = 0; i < H; i++) { /* ts infinite for a gate saturated at 1.0f throughout (JSON null) */
        double fb = (double)rnnts_sigmoidf(net->b_in[H + i] + net->b[H + i]);
        tsb[i] = fb < 1.0 ? 1.0 / (1.0 - fb) : INFINITY;
        c.mean += ts[i] / H; c.f_mean += fbar[i] / H; c.bias_mean += tsb[i] / H;
        if (ts[i] > c.max) c.max = ts[i];
        if (ts[i] < c.min) c.min = ts[i];
    }
    c.ts_of_f_mean = 1.0 / (1.0 - c.f_mean);
    memcpy(sorted, tsb, (size_t)H * sizeof(double));
    qsort(sorted, (size_t)H, sizeof(double), cmp_double);
    c.bias_median = H % 2 ? sorted[H / 2] : 0.5 * (sorted[H / 2 - 1] + sorted[H / 2]);
    memcpy(sorted, ts, (size_t)H * sizeof(double));
    qsort(sorted, (size_t)H, sizeof(double), cmp_double);
    c.median = H % 2 ? sorted[H / 2] : 0.5 * (sorted[H / 2 - 1] + sorted[H / 2]);
    c.lo = 1.0;
    c.hi = c.max > 1.0 ? c.max + 1e-9 * c.max : 2.0;
    for (int i = 0; i < H; i++) {
        int b = (int)((ts[i] - c.lo) / (c.hi - c.lo) * 40);
        c.bins[b < 0 ? 0 : b > 39 ? 39 : b]++;
    }
    c.model = pos[0]; c.H = H; c.steps = steps; c.burn = burn; c.trials = trials; c.seed = seed; c.fbar = fbar; c.ts = ts; c.tsb = tsb;
    c.gate = an_gate_name(net);
    an_prepare_out(out);
    an_emit_json(json, out, "forgetgate", an_fg_json, &c);
    if (!json)
        printf("%s gate: mean %.4f over %d units; timescale 1/(1-f): mean %.4g, median %.4g, max %.4g steps; from the biases: mean %.4g "
               "(%d trials x %d steps, %.1f s)\n", c.gate, c.f_mean, H, c.mean, c.median, c.max, c.bias_mean, trials, steps, c.seconds);
    if (out) {
        char path[4096], msg[256];
        char sub[512];
        double x[40], y[40];
        svg_series sr;
        svg_chart ch;
        FILE *f = an_open(out, "forgetgate", "csv", path, sizeof path);
        fputs("unit,forget_gate_mean,timescale,timescale_bias\n", f);
        for (int i = 0; i < H; i++) fprintf(f, "%d,%.9g,%.9g,%.9g\n", i, fbar[i], ts[i], tsb[i]);
        an_close(f, path);
        for (int k = 0; k < 40; k++) { x[k] = c.lo + (k + 0.5) * (c.hi - c.lo) / 40; y[k] = c.bins[k]; }
        memset(&sr, 0, sizeof sr); memset(&ch, 0, sizeof ch);
        sr.label = "units per bin"; sr.color = "#1f77b4"; sr.n = 40; sr.x = x; sr.y = y; sr.bar_width = (c.hi - c.lo) / 40;
        snprintf(sub, sizeof sub, "%.300s; mean %.3g, median %.3g, max %.3g steps", pos[0], c.mean, c.median, c.max);
        ch.title = net->cfg.model == RNNTS_MODEL_LSTM ? "LSTM forget-gate timescale 1 / (1 - mean f) per unit"
                                                      : "GRU update-gate timescale 1 / (1 - mean z) per unit"; ch.subtitle = sub; ch.xlabel = "timescale (steps)"; ch.ylabel = "units";
        path_join(path, sizeof path, out, "forgetgate.svg");
        if (svg_line_chart(path, &ch, &sr, 1, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
    }
    free(fbar); free(ts); free(tsb); free(sorted);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

