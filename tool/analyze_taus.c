/* analyze_taus.c — `rnnts analyze taus|taunet|forget`: a model's trained taus and network timescales,
   and a run directory's checkpoints (taus and taunet of each; forget: accuracy of each on every N). */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "analyze.h"
#include "cli_args.h"
#include "platform.h"
#include "svg_plot.h"
#include "util.h"

/* ---- taus --------------------------------------------------------------------------------- */
typedef struct an_taus { const char *model; const rnnts_rnn *net; rnnts_tau_summary s; int bins[40], under, over; double lo, hi; } an_taus;
static void an_taus_json(FILE *f, const void *vc) {
    const an_taus *c = (const an_taus *)vc;
    int n = c->net->cfg.train_tau ? c->net->H : 1;
    fputs("{\"analysis\":\"taus\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"H\":%d,\"n\":%d,\"mean\":", c->net->H, c->s.n); json_num(f, c->s.mean);
    fputs(",\"median\":", f); json_num(f, c->s.median);
    fputs(",\"sd\":", f); json_num(f, c->s.sd);
    fputs(",\"min\":", f); json_num(f, c->s.min);
    fputs(",\"max\":", f); json_num(f, c->s.max);
    fprintf(f, ",\"below_1\":%d,\"histogram\":{\"lo\":", c->s.below_1); json_num(f, c->lo);
    fputs(",\"hi\":", f); json_num(f, c->hi);
    fputs(",\"counts\":", f); an_int_array(f, c->bins, 40);
    fprintf(f, ",\"under\":%d,\"over\":%d},\"tau\":", c->under, c->over);
    an_float_array(f, c->net->tau, n);
    fputc('}', f);
}
static void an_taus_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze taus MODEL|RUN_DIR [--json] [--out DIR]\n\n"
           "Trained tau of a model: mean, median, SD (population), min, max, count below 1, a 40-bin\n"
           "histogram over [min(1, min tau), max tau] and every tau. --out writes taus.json, taus.csv\n"
           "(neuron,tau) and taus.svg (histogram). Given a run directory of `rnnts train`: the statistics of\n"
           "every checkpoint N<lo>_N<hi>.safetensors (tau vs N; taus.svg: mean, SD and max vs N).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
static int an_taus_run(const char *dir, int json, const char *out);
int an_cmd_taus(int argc, char **argv) {
    int json = 0;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write taus.json, taus.csv and taus.svg into DIR", 0, 0},
    };
    an_taus c;
    rnnts_error e;
    rnnts_rnn *net;
    cli_prog = "rnnts analyze taus";
    if (cli_parse(argc, argv, 3, flags, 2, pos, 1, an_taus_help) != 1) cli_usage_error("MODEL is required");
    if (platform_is_dir(pos[0])) return an_taus_run(pos[0], json, out);
    net = load_model(pos[0]);
    an_need_rnn(net, pos[0], "it has no tau");
    CLI_FUZZ_STOP();
    memset(&c, 0, sizeof c);
    c.model = pos[0]; c.net = net;
    if (rnnts_tau_summary_of(net, &c.s, &e) != RNNTS_OK) { fail_msg("taus", &e); return CLI_EXIT_FAIL; }
    c.lo = c.s.min < 1.0 ? c.s.min : 1.0;
    c.hi = c.s.max > c.lo ? c.s.max + 1e-6 * (c.s.max - c.lo) : c.lo + 1.0;
    if (rnnts_tau_histogram(net, c.lo, c.hi, 40, c.bins, &c.under, &c.over, &e) != RNNTS_OK) { fail_msg("taus", &e); return CLI_EXIT_FAIL; }
    an_prepare_out(out);
    an_emit_json(json, out, "taus", an_taus_json, &c);
    if (!json)
        printf("tau: n %d, mean %.4f, median %.4f, SD %.4f, min %.4f, max %.4f, below 1: %d\n", c.s.n, c.s.mean, c.s.median, c.s.sd,
               c.s.min, c.s.max, c.s.below_1);
    if (out) {
        char path[4096], msg[256];
        double x[40], y[40];
        svg_series s;
        svg_chart ch;
        FILE *f = an_open(out, "taus", "csv", path, sizeof path);
        fputs("neuron,tau\n", f);
        for (int i = 0; i < c.s.n; i++) fprintf(f, "%d,%.9g\n", i, (double)net->tau[i]);
        an_close(f, path);
        for (int k = 0; k < 40; k++) { x[k] = c.lo + (k + 0.5) * (c.hi - c.lo) / 40; y[k] = c.bins[k]; }
        memset(&s, 0, sizeof s); memset(&ch, 0, sizeof ch);
        s.label = "neurons per bin"; s.color = "#1f77b4"; s.n = 40; s.x = x; s.y = y;
        ch.title = "Trained tau"; ch.subtitle = pos[0]; ch.xlabel = "tau"; ch.ylabel = "neurons";
        path_join(path, sizeof path, out, "taus.svg");
        if (svg_line_chart(path, &ch, &s, 1, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); rnnts_rnn_destroy(net); return CLI_EXIT_FAIL; }
    }
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

/* ---- taunet ------------------------------------------------------------------------------- */
static const char *an_fit_name(rnnts_fit_method m) { return m == RNNTS_FIT_BEST ? "best" : "reference"; }
static rnnts_fit_method an_fit_other(rnnts_fit_method m) { return m == RNNTS_FIT_BEST ? RNNTS_FIT_REFERENCE : RNNTS_FIT_BEST; }
typedef struct an_taunet { const char *model, *inputs; const rnnts_rnn *net; const rnnts_taunet_config *cfg; const rnnts_taunet_result *r; double seconds; int threads; } an_taunet;
static void an_taunet_json(FILE *f, const void *vc) {
    const an_taunet *c = (const an_taunet *)vc;
    const rnnts_taunet_result *r = c->r;
    int H = r->H;
    fputs("{\"analysis\":\"taunet\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"H\":%d,\"steps\":%d,\"burn\":%d,\"trials\":%d,\"fit_lag\":%d,\"seed\":%llu,\"passes\":%d,\"threads\":%d,\"seconds\":",
            H, c->cfg->steps, c->cfg->burn, c->cfg->trials, c->cfg->fit_lag, (unsigned long long)c->cfg->seed, r->passes, c->threads);
    json_num(f, c->seconds);
    fprintf(f, ",\"fit\":\"%s\",\"inputs\":", an_fit_name(c->cfg->fit));
    if (c->inputs) json_str(f, c->inputs);
    else fputs("null", f);
    fputs(",\"tau_net\":", f); an_float_array(f, r->tau_net, H);
    fputs(",\"selected_model\":", f); an_fit_model_array(f, r->selected, H);
    fprintf(f, ",\"n_above_1\":%d,\"mean_above_1\":", r->n_above_1); json_num(f, r->mean_above_1);
    fputs(",\"median_above_1\":", f); json_num(f, r->median_above_1);
    fputs(",\"share_double\":", f); json_num(f, (double)r->n_double / H);
    fprintf(f, ",\"alt\":{\"fit\":\"%s\",\"n_above_1\":%d,\"mean_above_1\":", an_fit_name(an_fit_other(c->cfg->fit)), r->n_above_1_alt);
    json_num(f, r->mean_above_1_alt);
    fputs(",\"median_above_1\":", f); json_num(f, r->median_above_1_alt);
    fputs(",\"share_double\":", f); json_num(f, (double)r->n_double_alt / H);
    fputs(",\"tau_net\":", f); an_float_array(f, r->tau_net_alt, H);
    fputs(",\"selected_model\":", f); an_fit_model_array(f, r->selected_alt, H);
    fputc('}', f);
    fputs(",\"tau_trained\":", f);
    if (c->net->tau) an_float_array(f, c->net->tau, c->net->cfg.train_tau ? H : 1);
    else fputs("null", f); /* GRU/LSTM */
    fputs(",\"pop_ac\":", f); an_float_array(f, r->pop_ac, r->pop_lags);
    fputs(",\"fits\":[", f);
    for (int j = 0; j < H; j++) {
        const rnnts_expfit *x = &r->fit[j];
        fputs(j ? ",{\"a1\":" : "{\"a1\":", f); json_num(f, x->a1);
        fputs(",\"tau1\":", f); json_num(f, x->tau1);
        fputs(",\"aic1\":", f); json_num(f, x->aic1);
        fputs(",\"a2\":", f); json_num(f, x->a2);
        fputs(",\"t1\":", f); json_num(f, x->t1);
        fputs(",\"t2\":", f); json_num(f, x->t2);
        fputs(",\"c2\":", f); json_num(f, x->c2);
        fputs(",\"aic2\":", f); json_num(f, x->aic2);
        fputc('}', f);
    }
    fputs("]}", f);
}
static void an_taunet_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze taunet MODEL [--fit reference|best] [--steps T] [--trials R] [--seed S] [--json] [--out DIR] [--dump DIR]\n\n"
           "Network-mediated timescale tau_net per neuron, the reference's protocol: R trials of T input\n"
           "steps (trial r: bits Bernoulli(p_r), p_r ~ U[0,1)), the first --burn steps dropped, per neuron\n"
           "the autocorrelation by FFT averaged over trials, lags 0..--fit-lag of AC/AC[0] fitted with a\n"
           "single and a double exponential (bounded least squares), the model with the smaller AIC, tau_net\n"
           "= its (slowest) timescale; null where no fit. Statistics over neurons with tau_net > 1.\n"
           "--fit reference (default): the reference's fit, SciPy's curve_fit as it calls it (trust-region\n"
           "reflective from the midpoints of the bounds, one start, at most 2000 evaluations), which the\n"
           "paper's figures come from; --fit best: bounded Levenberg-Marquardt from several starts, the\n"
           "smallest residual (selects the double exponential more often). Both are computed; the other\n"
           "one is reported under \"alt\".\n"
           "JSON: fit, tau_net, selected_model (0 none, 1 single, 2 double), n_above_1, mean_above_1,\n"
           "median_above_1, share_double, alt (the same from the other fit), tau_trained, pop_ac\n"
           "(population activity AC, lags 0..199), fits. --dump DIR writes ac.npy (float32, neurons x\n"
           "lags 0..199: the trial-mean ACs that were fitted), pop_ac.npy, inputs.npy (steps x trials, the\n"
           "0/1 input bits) and p.npy (each trial's probability): to check the fits or re-run the\n"
           "simulation elsewhere (tests/taunet_scipy.py does the former).\n"
           "--out writes taunet.json, taunet.csv (neuron,tau_trained,tau_net,selected,aic1,aic2) and\n"
           "taunet.svg (population AC/AC[0]). Given a run directory of `rnnts train`: every checkpoint\n"
           "N<lo>_N<hi>.safetensors (tau_net vs N: n_above_1, mean_above_1, median_above_1 and the mean\n"
           "trained tau per checkpoint; taunet.svg: mean tau_net > 1 vs N). GRU/LSTM: the same protocol on\n"
           "the hidden state h (inputs mapped to +-1 inside), tau_trained null. The full protocol takes about\n"
           "20 s per checkpoint at H = 500 on 2 cores; --steps trades time for noise.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
static int an_taunet_run(const char *dir, const rnnts_taunet_config *cfg, int threads, int json, const char *out);
int an_cmd_taunet(int argc, char **argv) {
    rnnts_taunet_config cfg = rnnts_taunet_config_default();
    int steps = cfg.steps, burn = cfg.burn, trials = cfg.trials, fit_lag = cfg.fit_lag, threads = default_threads(), json = 0, fit = 0;
    int max_mb = (int)(cfg.max_bytes >> 20);
    uint64_t seed = 0;
    const char *out = NULL, *dump = NULL, *inputs = NULL, *pos[1];
    float *given = NULL;
    cli_flag flags[] = {
        {"--steps", CLI_INT, &steps, 100, 100000000, NULL, "T", "input steps per trial incl. burn-in (default 101000)", 0, 0},
        {"--burn", CLI_INT, &burn, 0, 10000000, NULL, "B", "steps dropped at the start (default 500)", 0, 0},
        {"--trials", CLI_INT, &trials, 1, 4096, NULL, "R", "trials (default 10)", 0, 0},
        {"--fit-lag", CLI_INT, &fit_lag, 4, RNNTS_FIT_REF_MAX_N - 1, NULL, "L", "fit lags 0..L (default 30)", 0, 0},
        {"--fit", CLI_ENUM, &fit, 0, 0, "reference|best", NULL, "exponential fits: the reference's (default) or the best of several starts", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the inputs and h0 (default 0)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--max-mem", CLI_INT, &max_mb, 1, 1 << 20, NULL, "MB", "activity kept at once, MiB (default 1024); less memory, more passes", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write taunet.json, taunet.csv and taunet.svg into DIR", 0, 0},
        {"--inputs", CLI_STR, &inputs, 0, 0, NULL, "FILE", "feed these inputs (.npy, steps x trials: float32, uint8 or bool) instead of rnnts's draws; sets --steps and --trials", 0, 0},
        {"--dump", CLI_STR, &dump, 0, 0, NULL, "DIR", "write ac.npy (neuron ACs, H x lags 0..199), pop_ac.npy, inputs.npy (steps x trials) and p.npy into DIR", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]), code = CLI_EXIT_OK;
    rnnts_taunet_result r;
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_error e;
    an_taunet c;
    double t0;
    cli_prog = "rnnts analyze taunet";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_taunet_help) != 1) cli_usage_error("MODEL is required");
    if (inputs) {
        int fs, ft;
        given = an_read_npy_2d(inputs, &fs, &ft);
        if (cli_seen(flags, nf, "--steps") && steps != fs) cli_usage_error("--steps %d: --inputs %s has %d steps", steps, inputs, fs);
        if (cli_seen(flags, nf, "--trials") && trials != ft) cli_usage_error("--trials %d: --inputs %s has %d trials", trials, inputs, ft);
        steps = fs;
        trials = ft;
    }
    if (burn >= steps) cli_usage_error("--burn %d: must be below --steps %d", burn, steps);
    if (steps - burn < fit_lag + 3 || steps - burn < 201) cli_usage_error("--steps %d: at least --burn + max(--fit-lag + 3, 201) = %d", steps, burn + (fit_lag + 3 > 201 ? fit_lag + 3 : 201));
    cfg.steps = steps; cfg.burn = burn; cfg.trials = trials; cfg.fit_lag = fit_lag; cfg.seed = seed;
    cfg.fit = fit ? RNNTS_FIT_BEST : RNNTS_FIT_REFERENCE;
    cfg.inputs = given;
    cfg.max_bytes = (size_t)max_mb << 20;
    if (platform_is_dir(pos[0])) return an_taunet_run(pos[0], &cfg, threads, json, out);
    net = load_model(pos[0]);
    CLI_FUZZ_STOP();
    pool = make_pool(threads);
    t0 = now_s();
    if (rnnts_taunet(net, &cfg, pool, &r, &e) != RNNTS_OK) {
        free(given);
        fail_msg("taunet", &e);
        rnnts_pool_destroy(pool);
        rnnts_rnn_destroy(net);
        return CLI_EXIT_FAIL;
    }
    c.model = pos[0]; c.inputs = inputs; c.net = net; c.cfg = &cfg; c.r = &r; c.seconds = now_s() - t0; c.threads = rnnts_pool_threads(pool);
    an_prepare_out(out);
    if (dump) {
        float *bits = (float *)malloc((size_t)steps * trials * sizeof(float)), *p = (float *)malloc((size_t)trials * sizeof(float));
        an_prepare_out(dump);
        an_write_npy(dump, "ac", r.ac, r.H, r.pop_lags);
        an_write_npy(dump, "pop_ac", r.pop_ac, 1, r.pop_lags);
        if (!bits || !p || rnnts_taunet_inputs(&cfg, 0, steps, bits, p, &e) != RNNTS_OK) {
            fprintf(stderr, "%s: --dump: out of memory for the inputs (%d steps x %d trials)\n", cli_prog, steps, trials);
            code = CLI_EXIT_FAIL;
        } else {
            an_write_npy(dump, "inputs", bits, steps, trials);
            an_write_npy(dump, "p", p, 1, trials);
        }
        free(bits); free(p);
    }
    an_emit_json(json, out, "taunet", an_taunet_json, &c);
    if (!json)
        printf("tau_net (%s fit): %d of %d neurons above 1, mean %.4g, median %.4g, double exponential %.1f %% (%s fit: %d, %.4g, %.4g, "
               "%.1f %%) (%d trials x %d steps, %.1f s)\n", an_fit_name(cfg.fit), r.n_above_1, r.H, r.mean_above_1, r.median_above_1,
               100.0 * r.n_double / r.H, an_fit_name(an_fit_other(cfg.fit)), r.n_above_1_alt, r.mean_above_1_alt, r.median_above_1_alt,
               100.0 * r.n_double_alt / r.H, trials, steps, c.seconds);
    if (out) {
        char path[4096], msg[256];
        FILE *f = an_open(out, "taunet", "csv", path, sizeof path);
        double *x = (double *)malloc((size_t)r.pop_lags * sizeof(double)), *y = (double *)malloc((size_t)r.pop_lags * sizeof(double));
        fputs("neuron,tau_trained,tau_net,selected,aic1,aic2\n", f);
        for (int j = 0; j < r.H; j++) {
            if (net->tau) fprintf(f, "%d,%.9g,", j, (double)net->tau[net->cfg.train_tau ? j : 0]);
            else fprintf(f, "%d,,", j);
            if (isfinite(r.tau_net[j])) fprintf(f, "%.9g", (double)r.tau_net[j]);
            fprintf(f, ",%d,%.9g,%.9g\n", (int)r.selected[j], r.fit[j].aic1, r.fit[j].aic2);
        }
        an_close(f, path);
        if (x && y && r.pop_ac[0] != 0.0f) {
            svg_series s;
            svg_chart ch;
            for (int k = 0; k < r.pop_lags; k++) { x[k] = k; y[k] = (double)r.pop_ac[k] / (double)r.pop_ac[0]; }
            memset(&s, 0, sizeof s); memset(&ch, 0, sizeof ch);
            s.label = "population activity"; s.color = "#d62728"; s.n = r.pop_lags; s.x = x; s.y = y;
            ch.title = "Autocorrelation of the population activity"; ch.subtitle = pos[0]; ch.xlabel = "lag (steps)"; ch.ylabel = "AC / AC(0)";
            ch.integer_x = 1;
            path_join(path, sizeof path, out, "taunet.svg");
            if (svg_line_chart(path, &ch, &s, 1, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); code = CLI_EXIT_FAIL; }
        }
        free(x); free(y);
    }
    free(given);
    rnnts_taunet_result_free(&r);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return code;
}


/* ---- forget: a run directory's checkpoints on every N ------------------------------------------ */
typedef struct an_ckpt { char path[4096]; int lo, hi; } an_ckpt;
static int an_cmp_ckpt(const void *a, const void *b) {
    const an_ckpt *x = (const an_ckpt *)a, *y = (const an_ckpt *)b;
    return x->hi != y->hi ? (x->hi > y->hi) - (x->hi < y->hi) : (x->lo > y->lo) - (x->lo < y->lo);
}
/* The checkpoints N<lo>_N<hi>.safetensors of a run directory, sorted by (hi, lo); exits 1 when none. */
static an_ckpt *an_list_run(const char *dir, int *count) {
    DIR *d;
    struct dirent *de;
    an_ckpt *v = NULL;
    int n = 0, cap = 0;
    CLI_FUZZ_STOP(); /* a run directory holds no fuzzed input */
    d = opendir(dir);
    if (!d) { fprintf(stderr, "%s: cannot open run directory %s: %s\n", cli_prog, dir, strerror(errno)); exit(CLI_EXIT_FAIL); }
    while ((de = readdir(d)) != NULL) {
        int lo, hi, used = 0;
        if (sscanf(de->d_name, "N%d_N%d.safetensors%n", &lo, &hi, &used) == 2 && used > 0 && de->d_name[used] == 0 && lo >= 1 && hi >= lo) {
            if (n == cap) {
                an_ckpt *nv = (an_ckpt *)realloc(v, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *v);
                if (!nv) { fprintf(stderr, "%s: out of memory\n", cli_prog); exit(CLI_EXIT_FAIL); }
                v = nv;
            }
            path_join(v[n].path, sizeof v[n].path, dir, de->d_name);
            v[n].lo = lo; v[n].hi = hi;
            n++;
        }
    }
    closedir(d);
    if (n == 0) { fprintf(stderr, "%s: %s holds no checkpoint N<min>_N<max>.safetensors\n", cli_prog, dir); exit(CLI_EXIT_FAIL); }
    qsort(v, (size_t)n, sizeof *v, an_cmp_ckpt);
    *count = n;
    return v;
}
/* taus over a run directory: statistics per checkpoint (tau vs N). */
static int an_taus_run(const char *dir, int json, const char *out) {
    int n_ck;
    an_ckpt *ck = an_list_run(dir, &n_ck);
    rnnts_tau_summary *st = (rnnts_tau_summary *)calloc((size_t)n_ck, sizeof *st);
    FILE *streams[2] = {json ? stdout : NULL, NULL};
    char path[4096];
    if (!st) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    for (int k = 0; k < n_ck; k++) {
        rnnts_rnn *net = load_model(ck[k].path);
        rnnts_error e;
        an_need_rnn(net, ck[k].path, "it has no tau");
        if (rnnts_tau_summary_of(net, &st[k], &e) != RNNTS_OK) { fail_msg(ck[k].path, &e); return CLI_EXIT_FAIL; }
        rnnts_rnn_destroy(net);
    }
    an_prepare_out(out);
    if (out) streams[1] = an_open(out, "taus", "json", path, sizeof path);
    for (int w = 0; w < 2; w++) {
        FILE *f = streams[w];
        if (!f) continue;
        fputs("{\"analysis\":\"taus\",\"run\":", f); json_str(f, dir);
        fputs(",\"checkpoints\":[", f);
        for (int k = 0; k < n_ck; k++) {
            const char *base = strrchr(ck[k].path, '/');
            fprintf(f, "%s{\"file\":", k ? "," : "");
            json_str(f, base ? base + 1 : ck[k].path);
            fprintf(f, ",\"n_lo\":%d,\"n_hi\":%d,\"mean\":", ck[k].lo, ck[k].hi); json_num(f, st[k].mean);
            fputs(",\"median\":", f); json_num(f, st[k].median);
            fputs(",\"sd\":", f); json_num(f, st[k].sd);
            fputs(",\"min\":", f); json_num(f, st[k].min);
            fputs(",\"max\":", f); json_num(f, st[k].max);
            fprintf(f, ",\"below_1\":%d}", st[k].below_1);
        }
        fputs("]}\n", f);
    }
    if (out) an_close(streams[1], path);
    if (!json) {
        printf("%-24s %8s %8s %8s %8s %8s %6s\n", "checkpoint", "mean", "median", "SD", "min", "max", "<1");
        for (int k = 0; k < n_ck; k++) {
            const char *base = strrchr(ck[k].path, '/');
            printf("%-24s %8.4f %8.4f %8.4f %8.4f %8.4f %6d\n", base ? base + 1 : ck[k].path, st[k].mean, st[k].median, st[k].sd, st[k].min,
                   st[k].max, st[k].below_1);
        }
    }
    if (out) {
        char msg[256];
        FILE *f = an_open(out, "taus", "csv", path, sizeof path);
        double *x = (double *)malloc((size_t)n_ck * sizeof(double)), *y = (double *)malloc((size_t)3 * n_ck * sizeof(double));
        fputs("checkpoint,n_lo,n_hi,mean,median,sd,min,max,below_1\n", f);
        for (int k = 0; k < n_ck; k++) {
            const char *base = strrchr(ck[k].path, '/');
            fprintf(f, "%s,%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%d\n", base ? base + 1 : ck[k].path, ck[k].lo, ck[k].hi, st[k].mean, st[k].median,
                    st[k].sd, st[k].min, st[k].max, st[k].below_1);
        }
        an_close(f, path);
        if (x && y) {
            svg_series sr[3];
            svg_chart ch;
            for (int k = 0; k < n_ck; k++) { x[k] = ck[k].hi; y[k] = st[k].mean; y[n_ck + k] = st[k].sd; y[2 * n_ck + k] = st[k].max; }
            memset(sr, 0, sizeof sr); memset(&ch, 0, sizeof ch);
            sr[0].label = "mean tau"; sr[0].color = "#1f77b4"; sr[0].n = n_ck; sr[0].x = x; sr[0].y = y;
            sr[1].label = "SD of tau"; sr[1].color = "#2ca02c"; sr[1].n = n_ck; sr[1].x = x; sr[1].y = y + n_ck; sr[1].dashed = 1;
            sr[2].label = "max tau"; sr[2].color = "#d62728"; sr[2].n = n_ck; sr[2].x = x; sr[2].y = y + 2 * n_ck; sr[2].hollow = 1;
            ch.title = "Trained tau vs N"; ch.subtitle = dir; ch.xlabel = "checkpoint: trained up to N"; ch.ylabel = "tau"; ch.integer_x = 1;
            path_join(path, sizeof path, out, "taus.svg");
            if (svg_line_chart(path, &ch, sr, 3, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
        }
        free(x); free(y);
    }
    free(st);
    free(ck);
    return CLI_EXIT_OK;
}

/* taunet over a run directory: tau_net statistics per checkpoint (tau_net vs N). */
static int an_taunet_run(const char *dir, const rnnts_taunet_config *cfg, int threads, int json, const char *out) {
    int n_ck;
    an_ckpt *ck = an_list_run(dir, &n_ck);
    double *mean = (double *)malloc((size_t)n_ck * sizeof(double)), *med = (double *)malloc((size_t)n_ck * sizeof(double));
    double *tmean = (double *)malloc((size_t)n_ck * sizeof(double)), t0 = now_s();
    int *nab = (int *)malloc((size_t)n_ck * sizeof(int)), H = 0;
    rnnts_pool *pool = make_pool(threads);
    FILE *streams[2] = {json ? stdout : NULL, NULL};
    char path[4096];
    if (!mean || !med || !tmean || !nab) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    for (int k = 0; k < n_ck; k++) {
        rnnts_rnn *net = load_model(ck[k].path);
        rnnts_taunet_result r;
        rnnts_tau_summary ts;
        rnnts_error e;
        if (rnnts_taunet(net, cfg, pool, &r, &e) != RNNTS_OK) { fail_msg(ck[k].path, &e); return CLI_EXIT_FAIL; }
        if (net->cfg.model != RNNTS_MODEL_RNN) ts.mean = NAN; /* GRU/LSTM: no trained tau */
        else if (rnnts_tau_summary_of(net, &ts, &e) != RNNTS_OK) { fail_msg(ck[k].path, &e); return CLI_EXIT_FAIL; }
        H = net->H;
        nab[k] = r.n_above_1; mean[k] = r.mean_above_1; med[k] = r.median_above_1; tmean[k] = ts.mean;
        if (!json) fprintf(stderr, "%s: %s: %d of %d above 1\n", cli_prog, ck[k].path, r.n_above_1, H);
        rnnts_taunet_result_free(&r);
        rnnts_rnn_destroy(net);
    }
    an_prepare_out(out);
    if (out) streams[1] = an_open(out, "taunet", "json", path, sizeof path);
    for (int w = 0; w < 2; w++) {
        FILE *f = streams[w];
        if (!f) continue;
        fputs("{\"analysis\":\"taunet\",\"run\":", f); json_str(f, dir);
        fprintf(f, ",\"H\":%d,\"steps\":%d,\"burn\":%d,\"trials\":%d,\"fit_lag\":%d,\"fit\":\"%s\",\"seed\":%llu,\"seconds\":", H, cfg->steps,
                cfg->burn, cfg->trials, cfg->fit_lag, an_fit_name(cfg->fit), (unsigned long long)cfg->seed);
        json_num(f, now_s() - t0);
        fputs(",\"checkpoints\":[", f);
        for (int k = 0; k < n_ck; k++) {
            const char *base = strrchr(ck[k].path, '/');
            fprintf(f, "%s{\"file\":", k ? "," : "");
            json_str(f, base ? base + 1 : ck[k].path);
            fprintf(f, ",\"n_lo\":%d,\"n_hi\":%d,\"n_above_1\":%d,\"mean_above_1\":", ck[k].lo, ck[k].hi, nab[k]); json_num(f, mean[k]);
            fputs(",\"median_above_1\":", f); json_num(f, med[k]);
            fputs(",\"tau_trained_mean\":", f); json_num(f, tmean[k]);
            fputc('}', f);
        }
        fputs("]}\n", f);
    }
    if (out) an_close(streams[1], path);
    if (!json) {
        printf("%-24s %10s %10s %12s %10s\n", "checkpoint", "tau_net>1", "mean", "median", "mean tau");
        for (int k = 0; k < n_ck; k++) {
            const char *base = strrchr(ck[k].path, '/');
            printf("%-24s %10d %10.4g %12.4g %10.4f\n", base ? base + 1 : ck[k].path, nab[k], mean[k], med[k], tmean[k]);
        }
    }
    if (out) {
        char msg[256];
        FILE *f = an_open(out, "taunet", "csv", path, sizeof path);
        double *x = (double *)malloc((size_t)n_ck * sizeof(double)), *y = (double *)malloc((size_t)n_ck * sizeof(double));
        int m = 0;
        fputs("checkpoint,n_lo,n_hi,n_above_1,mean_above_1,median_above_1,tau_trained_mean\n", f);
        for (int k = 0; k < n_ck; k++) {
            const char *base = strrchr(ck[k].path, '/');
            fprintf(f, "%s,%d,%d,%d,%.9g,%.9g,%.9g\n", base ? base + 1 : ck[k].path, ck[k].lo, ck[k].hi, nab[k], mean[k], med[k], tmean[k]);
        }
        an_close(f, path);
        if (x && y) {
            svg_series sr;
            svg_chart ch;
            for (int k = 0; k < n_ck; k++)
                if (isfinite(mean[k])) { x[m] = ck[k].hi; y[m] = mean[k]; m++; }
            memset(&sr, 0, sizeof sr); memset(&ch, 0, sizeof ch);
            sr.label = "mean tau_net (neurons above 1)"; sr.color = "#d62728"; sr.n = m; sr.x = x; sr.y = y;
            ch.title = "Network timescale vs N"; ch.subtitle = dir; ch.xlabel = "checkpoint: trained up to N"; ch.ylabel = "tau_net";
            ch.integer_x = 1;
            path_join(path, sizeof path, out, "taunet.svg");
            if (m > 0 && svg_line_chart(path, &ch, &sr, 1, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
        }
        free(x); free(y);
    }
    free(mean); free(med); free(tmean); free(nab); free(ck);
    rnnts_pool_destroy(pool);
    return CLI_EXIT_OK;
}

typedef struct an_forget { const char *dir; int task, n_ck, n_min, n_max, batches; uint64_t seed; const an_ckpt *ck; const float *acc; } an_forget;
static void an_forget_json(FILE *f, const void *vc) {
    const an_forget *c = (const an_forget *)vc;
    int nn = c->n_max - c->n_min + 1;
    fputs("{\"analysis\":\"forget\",\"run\":", f); json_str(f, c->dir);
    fprintf(f, ",\"task\":\"%s\",\"batches\":%d,\"seed\":%llu,\"N\":[", rnnts_name(RNNTS_NAMES_TASK, c->task), c->batches, (unsigned long long)c->seed);
    for (int q = 0; q < nn; q++) fprintf(f, q ? ",%d" : "%d", c->n_min + q);
    fputs("],\"checkpoints\":[", f);
    for (int k = 0; k < c->n_ck; k++) {
        const char *base = strrchr(c->ck[k].path, '/');
        fprintf(f, "%s{\"file\":", k ? "," : "");
        json_str(f, base ? base + 1 : c->ck[k].path);
        fprintf(f, ",\"n_lo\":%d,\"n_hi\":%d,\"accuracy\":", c->ck[k].lo, c->ck[k].hi);
        an_float_array(f, c->acc + (size_t)k * nn, nn);
        fputc('}', f);
    }
    fputs("]}", f);
}
static void an_forget_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze forget RUN_DIR [--batches T] [--seed S] [--task parity|dms] [--every K] [--own]\n"
           "                            [--json] [--out DIR]\n\n"
           "Forgetting matrix: every checkpoint N<lo>_N<hi>.safetensors of a run directory (trained up to\n"
           "N = hi) evaluated on every N' from the smallest to the largest N of the run, with the head that\n"
           "serves N' in that checkpoint (as `rnnts eval`; null where it has none), test protocol of the\n"
           "reference (rnnts_evaluate). Single-head networks forget earlier N; multi-head keep them.\n"
           "For long runs: --every K keeps the checkpoints whose N is a multiple of K (and the last), --own\n"
           "leaves out the N' a checkpoint was not trained on yet (null).\n"
           "--out writes forget.json, forget.csv (checkpoint,N,accuracy) and forget.svg.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
int an_cmd_forget(int argc, char **argv) {
    int batches = 10, task = 0, threads = default_threads(), json = 0, n_ck, nn, every = 1, own = 0;
    uint64_t seed = 0;
    const char *out = NULL, *pos[1];
    cli_flag flags[] = {
        {"--batches", CLI_INT, &batches, 1, 1000000, NULL, "T", "test batches of 256 per cell (default 10)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the test data (default 0)", 0, 0},
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task (default: the checkpoints' metadata, else parity)", 0, 0},
        {"--every", CLI_INT, &every, 1, 100000, NULL, "K", "only checkpoints whose N is a multiple of K, and the last (default 1)", 0, 0},
        {"--own", CLI_FLAG, &own, 0, 0, NULL, NULL, "only N' up to each checkpoint's own N (the others null)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "write forget.json, forget.csv and forget.svg into DIR", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]), task_given;
    an_ckpt *ck;
    an_forget c;
    float *acc;
    rnnts_pool *pool;
    cli_prog = "rnnts analyze forget";
    if (cli_parse(argc, argv, 3, flags, nf, pos, 1, an_forget_help) != 1) cli_usage_error("RUN_DIR is required");
    task_given = cli_seen(flags, nf, "--task");
    ck = an_list_run(pos[0], &n_ck);
    if (every > 1) { /* keep multiples of K and the last checkpoint */
        int m = 0;
        for (int k = 0; k < n_ck; k++)
            if (ck[k].hi % every == 0 || k == n_ck - 1) ck[m++] = ck[k];
        n_ck = m;
    }
    memset(&c, 0, sizeof c);
    c.dir = pos[0]; c.n_ck = n_ck; c.ck = ck; c.batches = batches; c.seed = seed;
    c.n_min = ck[0].lo; c.n_max = ck[0].hi;
    for (int k = 0; k < n_ck; k++) { if (ck[k].lo < c.n_min) c.n_min = ck[k].lo; if (ck[k].hi > c.n_max) c.n_max = ck[k].hi; }
    if (c.n_min > 2) c.n_min = 2;
    nn = c.n_max - c.n_min + 1;
    acc = (float *)malloc((size_t)n_ck * nn * sizeof(float));
    if (!acc) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    pool = make_pool(threads);
    for (int k = 0; k < n_ck; k++) {
        rnnts_rnn *net = load_model(ck[k].path);
        if (k == 0) c.task = task_of(task, task_given, net);
        for (int q = 0; q < nn; q++) {
            int N = c.n_min + q, h;
            rnnts_error e;
            float a;
            rnnts_rnn_head_for(net, N, &h, NULL); /* -1 when no head serves N */
            acc[(size_t)k * nn + q] = NAN;
            if (h < 0 || (own && N > ck[k].hi)) continue;
            if (rnnts_evaluate(net, (rnnts_task)c.task, &N, &h, 1, 256, batches, seed, 0, pool, &a, &e) != RNNTS_OK) {
                fail_msg(ck[k].path, &e);
                return CLI_EXIT_FAIL;
            }
            acc[(size_t)k * nn + q] = a;
        }
        rnnts_rnn_destroy(net);
    }
    c.acc = acc;
    an_prepare_out(out);
    an_emit_json(json, out, "forget", an_forget_json, &c);
    if (!json) {
        printf("%-22s", "checkpoint \\ N");
        for (int q = 0; q < nn; q++) printf(" %6d", c.n_min + q);
        printf("\n");
        for (int k = 0; k < n_ck; k++) {
            const char *base = strrchr(ck[k].path, '/');
            printf("%-22s", base ? base + 1 : ck[k].path);
            for (int q = 0; q < nn; q++) {
                float a = acc[(size_t)k * nn + q];
                if (isfinite(a)) printf(" %6.1f", (double)a); else printf(" %6s", "-");
            }
            printf("\n");
        }
    }
    if (out) {
        char path[4096], msg[256];
        FILE *f = an_open(out, "forget", "csv", path, sizeof path);
        double *x = (double *)malloc((size_t)n_ck * sizeof(double)), *y = (double *)malloc((size_t)n_ck * nn * sizeof(double));
        svg_series *s = (svg_series *)calloc((size_t)nn, sizeof *s);
        char (*labels)[32] = (char (*)[32])calloc((size_t)nn, 32);
        static const char *const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
        fputs("checkpoint,n_hi,N,accuracy\n", f);
        for (int k = 0; k < n_ck; k++)
            for (int q = 0; q < nn; q++) {
                const char *base = strrchr(ck[k].path, '/');
                float a = acc[(size_t)k * nn + q];
                fprintf(f, "%s,%d,%d,", base ? base + 1 : ck[k].path, ck[k].hi, c.n_min + q);
                if (isfinite(a)) fprintf(f, "%.9g", (double)a);
                fputc('\n', f);
            }
        an_close(f, path);
        if (x && y && s && labels) {
            svg_chart ch;
            int ns = 0;
            for (int k = 0; k < n_ck; k++) x[k] = ck[k].hi;
            for (int q = 0; q < nn; q++) {
                int m = 0;
                for (int k = 0; k < n_ck; k++) {
                    float a = acc[(size_t)k * nn + q];
                    if (isfinite(a)) y[(size_t)q * n_ck + m++] = a;
                }
                if (m != n_ck) continue; /* lines only for Ns every checkpoint serves */
                snprintf(labels[ns], 32, "N = %d", c.n_min + q);
                s[ns].label = labels[ns]; s[ns].color = colors[q % 10]; s[ns].n = n_ck; s[ns].x = x; s[ns].y = y + (size_t)q * n_ck;
                ns++;
            }
            memset(&ch, 0, sizeof ch);
            ch.title = "Accuracy on earlier N (forgetting)"; ch.subtitle = pos[0]; ch.xlabel = "checkpoint: trained up to N";
            ch.ylabel = "accuracy (%)"; ch.integer_x = 1;
            path_join(path, sizeof path, out, "forget.svg");
            if (ns > 0 && svg_line_chart(path, &ch, s, ns < 12 ? ns : 12, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
        }
        free(x); free(y); free(s); free(labels);
    }
    free(acc);
    free(ck);
    rnnts_pool_destroy(pool);
    return CLI_EXIT_OK;
}

