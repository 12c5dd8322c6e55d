/* analyze.h — `rnnts analyze taus|taunet|ablate|perturb|forget|pca|retrain|generalize|forgetgate|merge ...`, included by examples/rnnts.c
   after its utilities (json_num, load_model, head_for, make_pool, mkdir_p, svg_line_chart, ...).
   Each analysis prints one JSON object with --json (a summary line otherwise) and, with --out DIR,
   writes DIR/<kind>.json, DIR/<kind>.csv and DIR/<kind>.svg. */
#ifndef RNNTS_ANALYZE_H
#define RNNTS_ANALYZE_H

/* Opens DIR/<kind>.<ext> for writing, or exits 1 naming the path. */
static FILE *an_open(const char *dir, const char *kind, const char *ext, char *path, size_t cap) {
    FILE *f;
    char name[128];
    snprintf(name, sizeof name, "%s.%s", kind, ext);
    path_join(path, cap, dir, name);
    f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "%s: cannot write %s: %s\n", cli_prog, path, strerror(errno));
        exit(CLI_EXIT_FAIL);
    }
    return f;
}
static void an_close(FILE *f, const char *path) {
    if (fclose(f) != 0) {
        fprintf(stderr, "%s: writing %s failed: %s\n", cli_prog, path, strerror(errno));
        exit(CLI_EXIT_FAIL);
    }
}
static void an_float_array(FILE *f, const float *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) { if (i) fputc(',', f); json_num(f, (double)v[i]); }
    fputc(']', f);
}
static void an_int_array(FILE *f, const int *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) fprintf(f, i ? ",%d" : "%d", v[i]);
    fputc(']', f);
}
/* Writes a C-order float32 array of shape [d0][d1] as DIR/<name>.npy (NumPy format 1.0: magic,
   little-endian header length, a dict padded with spaces to a multiple of 64 bytes, raw data). */
static void an_write_npy(const char *dir, const char *name, const float *v, int d0, int d1) {
    char path[4096], hdr[128];
    FILE *f = an_open(dir, name, "npy", path, sizeof path);
    int len = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", d0, d1);
    int total = (10 + len + 1 + 63) / 64 * 64;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    pre[8] = (unsigned char)((total - 10) & 255);
    pre[9] = (unsigned char)((total - 10) >> 8);
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, (size_t)len, f);
    for (int i = 10 + len; i < total - 1; i++) fputc(' ', f);
    fputc('\n', f);
    for (size_t i = 0; i < (size_t)d0 * (size_t)d1; i++) { /* little-endian whatever the host */
        uint32_t u;
        unsigned char b[4];
        memcpy(&u, &v[i], 4);
        b[0] = (unsigned char)u; b[1] = (unsigned char)(u >> 8); b[2] = (unsigned char)(u >> 16); b[3] = (unsigned char)(u >> 24);
        fwrite(b, 1, 4, f);
    }
    an_close(f, path);
}
/* Reads a 2-D C-order NumPy array of float32, uint8 or bool (NumPy format 1.x/2.x) as floats;
   *d0 x *d1 values in a malloc'd array, or exits 2 naming what is wrong with the file. */
static float *an_read_npy_2d(const char *path, int *d0, int *d1) {
    FILE *f = fopen(path, "rb");
    unsigned char pre[12];
    char hdr[4096], *sh;
    size_t hl, n, wsz;
    long a, b;
    float *v;
    int u8;
    if (!f) cli_usage_error("%s: cannot open: %s", path, strerror(errno));
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) cli_usage_error("%s: not a NumPy .npy file", path);
    hl = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2) cli_usage_error("%s: truncated header", path);
        hl |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    if (hl >= sizeof hdr || fread(hdr, 1, hl, f) != hl) cli_usage_error("%s: header of %zu bytes not readable", path, hl);
    hdr[hl] = 0;
    if (strstr(hdr, "'fortran_order': True")) cli_usage_error("%s: Fortran order; save with numpy's default C order", path);
    if (strstr(hdr, "'<f4'")) u8 = 0;
    else if (strstr(hdr, "'|u1'") || strstr(hdr, "'|b1'")) u8 = 1;
    else cli_usage_error("%s: dtype must be float32 ('<f4'), uint8 or bool", path);
    if (!(sh = strstr(hdr, "'shape': (")) || sscanf(sh + 10, "%ld, %ld)", &a, &b) != 2 || a < 1 || b < 1 || a > 100000000 || b > 4096)
        cli_usage_error("%s: shape must be (steps, trials) with 1 <= trials <= 4096", path);
    n = (size_t)a * (size_t)b;
    wsz = u8 ? 1 : 4;
    if (!(v = (float *)malloc(n * sizeof(float)))) cli_usage_error("%s: out of memory (%zu values)", path, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char w[4];
        if (fread(w, 1, wsz, f) != wsz) cli_usage_error("%s: %zu values expected, the file ends after %zu", path, n, i);
        if (u8) v[i] = (float)w[0];
        else {
            uint32_t u = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
            memcpy(&v[i], &u, 4);
            if (!isfinite(v[i])) cli_usage_error("%s: value %zu (step %zu, trial %zu) is not finite", path, i, i / (size_t)b, i % (size_t)b);
        }
    }
    fclose(f);
    *d0 = (int)a;
    *d1 = (int)b;
    return v;
}
/* Writes the JSON produced by fn(f, ctx) to stdout (--json) and to DIR/<kind>.json (--out). */
static void an_emit_json(int json, const char *out, const char *kind, void (*fn)(FILE *, const void *), const void *ctx) {
    if (json) { fn(stdout, ctx); fputc('\n', stdout); }
    if (out) {
        char path[4096];
        FILE *f = an_open(out, kind, "json", path, sizeof path);
        fn(f, ctx);
        fputc('\n', f);
        an_close(f, path);
    }
}
static void an_prepare_out(const char *out) {
    if (out && mkdir_p(out) != 0) {
        fprintf(stderr, "%s: cannot create %s: %s\n", cli_prog, out, strerror(errno));
        exit(CLI_EXIT_FAIL);
    }
}

/* Analyses defined by tau (or by the leaky RNN's single W): a usage error (exit 2) for GRU/LSTM. */
static void an_need_rnn(const rnnts_rnn *net, const char *path, const char *what) {
    if (net->cfg.model != RNNTS_MODEL_RNN)
        cli_usage_error("%s is a%s %s network: %s (leaky RNN only)%s", path, net->cfg.model == RNNTS_MODEL_LSTM ? "n" : "",
                        rnnts_model_name(net->cfg.model), what,
                        "; its gate timescales: rnnts analyze forgetgate");
}

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
static int an_cmd_taus(int argc, char **argv) {
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
    {
        struct stat st;
        if (stat(pos[0], &st) == 0 && S_ISDIR(st.st_mode)) return an_taus_run(pos[0], json, out);
    }
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
    fputs(",\"selected_model\":", f); an_int_array(f, r->selected, H);
    fprintf(f, ",\"n_above_1\":%d,\"mean_above_1\":", r->n_above_1); json_num(f, r->mean_above_1);
    fputs(",\"median_above_1\":", f); json_num(f, r->median_above_1);
    fputs(",\"share_double\":", f); json_num(f, (double)r->n_double / H);
    fprintf(f, ",\"alt\":{\"fit\":\"%s\",\"n_above_1\":%d,\"mean_above_1\":", an_fit_name(an_fit_other(c->cfg->fit)), r->n_above_1_alt);
    json_num(f, r->mean_above_1_alt);
    fputs(",\"median_above_1\":", f); json_num(f, r->median_above_1_alt);
    fputs(",\"share_double\":", f); json_num(f, (double)r->n_double_alt / H);
    fputs(",\"tau_net\":", f); an_float_array(f, r->tau_net_alt, H);
    fputs(",\"selected_model\":", f); an_int_array(f, r->selected_alt, H);
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
static int an_cmd_taunet(int argc, char **argv) {
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
    {
        struct stat st;
        if (stat(pos[0], &st) == 0 && S_ISDIR(st.st_mode)) return an_taunet_run(pos[0], &cfg, threads, json, out);
    }
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
            fprintf(f, ",%d,%.9g,%.9g\n", r.selected[j], r.fit[j].aic1, r.fit[j].aic2);
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
    char why[256];
    *task = task_of(task_flag, task_given, net);
    *head = head_for(net, N, why, sizeof why);
    if (*head < 0) cli_usage_error("--N %d: %s", N, why);
    *sc = rnnts_stream_config_default();
    sc->trials = trials;
    sc->seed = seed;
    if (sc->warmup < N - 1) sc->warmup = N - 1;
}

/* ---- forgetgate: mean forget (LSTM) / update (GRU) gate and effective timescale 1/(1 - f) per unit -- */
/* Runs the GRU or LSTM (PyTorch's cells as rnnts_model documents, gate rows r z n / i f g o) in the
   library's operation order, so that the states equal rnnts_rnn_stream's bit for bit: P = b_hh, then
   P = fmaf(W_hh[p][j], h[j], P) for j ascending; a = (w_ih x + b_ih) + P; GRU n = tanh((w_in x + b_in)
   + r hn), h' = (1 - z) n + z h; LSTM c' = f c + i g, h' = o tanh(c') (the library's sigmoid/tanh).
   Inputs as for tau_net: trial r: bits Bernoulli(p_r), p_r ~ U[0,1) from the same draws as rnnts_taunet
   (key(seed, ANALYSIS, TAUNET_P, 0) index r; bits key(seed, ANALYSIS, TAUNET_BITS, r) index t),
   x = 2s - 1, h_0 = c_0 = 0, one unbroken sequence per trial (the states are never reset). Gate 1 of
   every unit (the LSTM's forget gate f, the GRU's update gate z, which keeps z of the old state) of
   steps t >= burn is summed per unit (double, in step then trial order) into fsum[H]. All trials
   advance together, so W_hh^T is read once per step. hlast (may be NULL): h_T of every trial, [trials][H].
   Returns 0, or -1 on out of memory. */
static int an_gate_sum(const rnnts_rnn *net, int steps, int burn, int trials, uint64_t seed, double *fsum, float *hlast) {
    const int H = net->H, lstm = net->cfg.model == RNNTS_MODEL_LSTM, P = (lstm ? 4 : 3) * H;
    float *wt = (float *)malloc((size_t)H * P * sizeof(float)), *x = (float *)malloc((size_t)trials * sizeof(float));
    float *h = (float *)calloc((size_t)trials * H, sizeof(float)), *c = (float *)calloc((size_t)trials * H, sizeof(float));
    float *pre = (float *)malloc((size_t)trials * P * sizeof(float)), *p = (float *)malloc((size_t)trials * sizeof(float));
    uint64_t *kb = (uint64_t *)malloc((size_t)trials * sizeof(uint64_t));
    uint64_t kp = rnnts_rng_key(seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_TAUNET_P, 0);
    int ok = wt && x && h && c && pre && p && kb;
    if (ok) {
        for (int q = 0; q < P; q++)
            for (int j = 0; j < H; j++) wt[(size_t)j * P + q] = net->w[(size_t)q * H + j];
        for (int r = 0; r < trials; r++) {
            p[r] = rnnts_rng_uniform(kp, (uint64_t)r);
            kb[r] = rnnts_rng_key(seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_TAUNET_BITS, (uint64_t)r);
        }
        for (int i = 0; i < H; i++) fsum[i] = 0.0;
        for (int t = 0; t < steps; t++) {
            for (int r = 0; r < trials; r++) {
                x[r] = rnnts_rng_uniform(kb[r], (uint64_t)t) < p[r] ? 1.0f : -1.0f;
                memcpy(pre + (size_t)r * P, net->b, (size_t)P * sizeof(float));
            }
            for (int j = 0; j < H; j++) {
                const float *restrict wj = wt + (size_t)j * P;
                for (int r = 0; r < trials; r++) {
                    float hj = h[(size_t)r * H + j], *restrict pr = pre + (size_t)r * P;
                    if (hj == 0.0f) continue; /* fmaf(w, 0, P) = P */
                    for (int q = 0; q < P; q++) pr[q] = fmaf(wj[q], hj, pr[q]);
                }
            }
            for (int r = 0; r < trials; r++) {
                const float *pr = pre + (size_t)r * P, *wi = net->w_in, *bi = net->b_in, xr = x[r];
                float *hr = h + (size_t)r * H, *cr = c + (size_t)r * H;
                for (int i = 0; i < H; i++) {
                    float g1;
                    if (lstm) {
                        float ig = rnnts_sigmoidf((wi[i] * xr + bi[i]) + pr[i]), g = rnnts_tanhf((wi[2 * H + i] * xr + bi[2 * H + i]) + pr[2 * H + i]);
                        float o = rnnts_sigmoidf((wi[3 * H + i] * xr + bi[3 * H + i]) + pr[3 * H + i]);
                        g1 = rnnts_sigmoidf((wi[H + i] * xr + bi[H + i]) + pr[H + i]);
                        cr[i] = g1 * cr[i] + ig * g;
                        hr[i] = o * rnnts_tanhf(cr[i]);
                    } else {
                        float rg = rnnts_sigmoidf((wi[i] * xr + bi[i]) + pr[i]), n;
                        g1 = rnnts_sigmoidf((wi[H + i] * xr + bi[H + i]) + pr[H + i]);
                        n = rnnts_tanhf((wi[2 * H + i] * xr + bi[2 * H + i]) + rg * pr[2 * H + i]);
                        hr[i] = (1.0f - g1) * n + g1 * hr[i];
                    }
                    if (t >= burn) fsum[i] += (double)g1;
                }
            }
        }
        if (hlast) memcpy(hlast, h, (size_t)trials * H * sizeof(float));
    }
    free(wt); free(x); free(h); free(c); free(pre); free(p); free(kb);
    return ok ? 0 : -1;
}
/* Gate-1 mean gbar[i] over the protocol of an_gate_sum and the effective timescale ts[i] = 1 / (1 - gbar[i])
   (infinite for a gate saturated at 1.0f throughout). Shared by forgetgate and ablate. 0, or -1 on out of memory. */
static int an_gate_timescales(const rnnts_rnn *net, int steps, int burn, int trials, uint64_t seed, double *gbar, double *ts) {
    double cnt = (double)(steps - burn) * trials;
    if (an_gate_sum(net, steps, burn, trials, seed, gbar, NULL) != 0) return -1;
    for (int i = 0; i < net->H; i++) {
        gbar[i] /= cnt;
        ts[i] = gbar[i] < 1.0 ? 1.0 / (1.0 - gbar[i]) : INFINITY;
    }
    return 0;
}
enum { AN_FG_STEPS = 1100, AN_FG_BURN = 100, AN_FG_TRIALS = 10 }; /* forgetgate's defaults */
static const char *an_gate_name(const rnnts_rnn *net) { return net->cfg.model == RNNTS_MODEL_LSTM ? "forget" : "update"; }
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
    fprintf(f, ",\"task\":\"%s\",\"N\":%d,\"head\":%d,\"count\":%d,\"trials\":%d,\"seed\":%llu,\"baseline\":", c->task ? "dms" : "parity",
            c->N, c->head, c->count, c->trials, (unsigned long long)c->seed);
    json_num(f, c->base);
    fputs(",\"baseline_trials\":", f); an_float_array(f, c->base_acc, c->trials);
    fprintf(f, ",\"zero_heads\":\"%s\",\"zeroed_head\":%d,\"normalise\":\"%s\",\"baseline_norm\":",
            c->zero_heads == AN_ZERO_ALL ? "all" : c->zero_heads == AN_ZERO_SERVING ? "serving" : "0", c->zeroed_head,
            c->norm == AN_NORM_MEAN ? "mean" : "max");
    json_num(f, c->base_norm);
    if (c->gate) { /* GRU/LSTM only: the RNN's fields stay as they were */
        fputs(",\"sort_by\":\"gate_timescale\",\"gate\":", f); json_str(f, c->gate);
        fprintf(f, ",\"gate_steps\":%d,\"gate_burn\":%d,\"gate_trials\":%d,\"gate_seed\":0", AN_FG_STEPS, AN_FG_BURN, AN_FG_TRIALS);
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
        rc = g && ts ? an_gate_timescales(net, AN_FG_STEPS, AN_FG_BURN, AN_FG_TRIALS, 0, g, ts) : -1;
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
static int an_cmd_ablate(int argc, char **argv) {
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
    fprintf(f, ",\"task\":\"%s\",\"N\":%d,\"head\":%d,\"trials\":%d,\"seed\":%llu,\"baseline\":", c->task ? "dms" : "parity", c->N, c->head,
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
static int an_cmd_perturb(int argc, char **argv) {
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
    fprintf(f, ",\"task\":\"%s\",\"batches\":%d,\"seed\":%llu,\"N\":[", c->task ? "dms" : "parity", c->batches, (unsigned long long)c->seed);
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
static int an_cmd_forget(int argc, char **argv) {
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
            char why[256];
            rnnts_error e;
            float a;
            h = head_for(net, N, why, sizeof why);
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
static int an_cmd_pca(int argc, char **argv) {
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
    if (rnnts_dimensionality(net, steps, burn, trials, var, seed, pool, nc, ev, &e) != RNNTS_OK) { fail_msg("pca", &e); return CLI_EXIT_FAIL; }
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

/* ---- retrain: single-head retraining on each N of a range ------------------------------------ */
typedef struct an_retrain {
    const char *model; int task, n_ns, epochs, batch, steps, test_batches; uint64_t seed;
    const int *ns; const float *acc; double *rel; const rnnts_optim_config *optim;
} an_retrain;
static void an_retrain_json(FILE *f, const void *vc) {
    const an_retrain *c = (const an_retrain *)vc;
    fputs("{\"analysis\":\"retrain\",\"model\":", f); json_str(f, c->model);
    fprintf(f, ",\"task\":\"%s\",\"epochs\":%d,\"batch\":%d,\"steps_per_epoch\":%d,\"test_batches\":%d,\"seed\":%llu,\"ns\":",
            c->task ? "dms" : "parity", c->epochs, c->batch, c->steps, c->test_batches, (unsigned long long)c->seed);
    an_int_array(f, c->ns, c->n_ns);
    fprintf(f, ",\"optimizer\":\"%s\",\"lr\":", c->optim->kind == RNNTS_OPT_ADAM ? "adam" : "sgd");
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
static int an_cmd_retrain(int argc, char **argv) {
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
    fprintf(f, ",\"task\":\"%s\",\"batches\":%d,\"seed\":%llu,\"trained_max_len\":%d,\"ns\":", c->task ? "dms" : "parity", c->batches,
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
static int an_cmd_generalize(int argc, char **argv) {
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
        n_ns = parse_ns(net->meta.ns, ns, CLI_MAX_LIST);
        if (n_ns <= 0) cli_usage_error("the model's metadata names no Ns (ns = \"%.100s\"): give --ns", net->meta.ns);
    }
    for (int i = 0; i < n_ns; i++) {
        char why[256];
        if ((heads[i] = head_for(net, ns[i], why, sizeof why)) < 0) cli_usage_error("--ns: N = %d: %s", ns[i], why);
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
    for (int l = 0; l < c.n_len; l++)
        if (rnnts_evaluate_len(net, (rnnts_task)c.task, ns, heads, n_ns, 256, batches, lens[l], seed, 0, pool, acc_len + (size_t)l * n_ns, &e) != RNNTS_OK) {
            fail_msg("generalize (length)", &e);
            return CLI_EXIT_FAIL;
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
    if (!json) {
        printf("longest trained sequence: %d steps\n%-12s", c.m_train, "length \\ N");
        for (int i = 0; i < n_ns; i++) printf(" %6d", ns[i]);
        printf("\n");
        for (int l = 0; l < c.n_len; l++) {
            printf("%-12d", lens[l]);
            for (int i = 0; i < n_ns; i++) printf(" %6.1f", (double)acc_len[(size_t)l * n_ns + i]);
            printf("\n");
        }
        for (int d = 0; d < extra; d++) printf("head %d (N %d) on N %d: %.1f%%\n", heads[n_ns - 1], nmax, c.nx[d], (double)acc_x[d]);
        for (int q = 0; q < c.n_k; q++) {
            printf("k %-9d", kv[q]);
            for (int i = 0; i < n_ns; i++) printf(" %6.1f", (double)acc_k[(size_t)q * n_ns + i]);
            printf("\n");
        }
    }
    if (out) {
        char path[4096], msg[256];
        FILE *f = an_open(out, "generalize", "csv", path, sizeof path);
        static const char *const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
        int rows = c.n_len > c.n_k ? c.n_len : c.n_k, show = n_ns < 10 ? n_ns : 10;
        double *x = (double *)malloc((size_t)rows * sizeof(double)), *y = (double *)malloc((size_t)rows * n_ns * sizeof(double));
        svg_series s[10];
        char labels[10][32];
        svg_chart ch;
        fputs("kind,value,N,accuracy\n", f);
        for (int l = 0; l < c.n_len; l++)
            for (int i = 0; i < n_ns; i++) fprintf(f, "length,%d,%d,%.9g\n", lens[l], ns[i], (double)acc_len[(size_t)l * n_ns + i]);
        for (int d = 0; d < extra; d++) fprintf(f, "extra_n,%d,%d,%.9g\n", c.nx[d], c.nx[d], (double)acc_x[d]);
        for (int q = 0; q < c.n_k; q++)
            for (int i = 0; i < n_ns; i++) fprintf(f, "k,%d,%d,%.9g\n", kv[q], ns[i], (double)acc_k[(size_t)q * n_ns + i]);
        an_close(f, path);
        if (!x || !y) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
        /* up to 10 lines: Ns spread evenly over the list (always the first and the last) */
        for (int g = 0; g < 2; g++) {
            int rowsg = g ? c.n_k : c.n_len;
            const float *a = g ? acc_k : acc_len;
            if (rowsg == 0) continue;
            for (int r = 0; r < rowsg; r++) x[r] = g ? log10((double)kv[r]) : (double)factors.v[r];
            for (int j = 0; j < show; j++) {
                int i = show > 1 ? (int)((long)j * (n_ns - 1) / (show - 1)) : 0;
                for (int r = 0; r < rowsg; r++) y[(size_t)j * rowsg + r] = a[(size_t)r * n_ns + i];
                snprintf(labels[j], sizeof labels[j], "N = %d", ns[i]);
                memset(&s[j], 0, sizeof s[j]);
                s[j].label = labels[j]; s[j].color = colors[j]; s[j].n = rowsg; s[j].x = x; s[j].y = y + (size_t)j * rowsg;
            }
            memset(&ch, 0, sizeof ch);
            ch.title = g ? "Accuracy vs time step dt = 1/k" : "Accuracy on sequences longer than trained";
            ch.subtitle = pos[0]; ch.ylabel = "accuracy (%)";
            ch.xlabel = g ? "log10 k" : "sequence length / longest trained (4 N_max + 1)";
            path_join(path, sizeof path, out, g ? "generalize_k.svg" : "generalize.svg");
            if (svg_line_chart(path, &ch, s, show, msg, sizeof msg) != 0) fprintf(stderr, "%s: %s\n", cli_prog, msg);
        }
        free(x); free(y);
    }
    free(acc_len); free(acc_x); free(acc_k);
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

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
static int an_cmd_forgetgate(int argc, char **argv) {
    int steps = AN_FG_STEPS, burn = AN_FG_BURN, trials = AN_FG_TRIALS, json = 0, H;
    uint64_t seed = 0;
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
    if (an_gate_timescales(net, steps, burn, trials, seed, fbar, ts) != 0) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
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

#include "merge.h"

/* ---- dispatch ------------------------------------------------------------------------------ */
static void analyze_help(void) {
    printf("usage: rnnts analyze <analysis> MODEL [flags]     (rnnts analyze <analysis> --help)\n\n"
           "  taus     trained tau statistics and histogram\n"
           "  taunet   network-mediated timescales tau_net per neuron (FFT autocorrelation, exponential fits, AIC)\n"
           "  ablate   stream accuracy after ablating the fastest / slowest neurons one at a time\n"
           "  perturb  stream accuracy under perturbations of W and of tau\n"
           "  forget   accuracy matrix of a run directory's checkpoints on every N\n"
           "  pca      dimensionality: PCA of the activity, components for 90 %% of the variance\n"
           "  retrain  single-head retraining on each N of a list for a fixed number of epochs\n"
           "  generalize  accuracy on longer sequences, larger N and (continuous time) other dt\n"
           "  forgetgate  LSTM/GRU: mean forget/update gate and effective timescale 1/(1 - f) per unit\n"
           "  merge    run directories of a sweep (rnnts sweep) merged into one table, aggregate over seeds and figure\n"
           "GRU/LSTM models: taunet, perturb (W_hh), forget, pca, retrain, generalize, forgetgate and ablate\n"
           "(units sorted by the gate timescale of forgetgate) apply; taus (defined by tau) exits with code 2.\n");
}
static int cmd_analyze(int argc, char **argv) {
    static const struct { const char *name; int (*fn)(int, char **); } kinds[] = {
        {"taus", an_cmd_taus}, {"taunet", an_cmd_taunet}, {"ablate", an_cmd_ablate}, {"perturb", an_cmd_perturb}, {"forget", an_cmd_forget}, {"pca", an_cmd_pca},
        {"retrain", an_cmd_retrain}, {"generalize", an_cmd_generalize}, {"forgetgate", an_cmd_forgetgate}, {"merge", an_cmd_merge},
    };
    cli_prog = "rnnts analyze";
    if (argc < 3 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
        analyze_help();
        return argc < 3 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(argv[2], kinds[k].name) == 0) return kinds[k].fn(argc, argv);
    fprintf(stderr, "rnnts analyze: unknown analysis '%s': allowed taus, taunet, ablate, perturb, forget, pca, retrain, generalize, forgetgate, merge\n", argv[2]);
    return CLI_EXIT_USAGE;
}

#endif
