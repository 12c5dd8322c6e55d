/* cmd_model.c — the commands on one model file: `rnnts eval`, `grad`, `import`, `info`, `selfcheck`. */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_args.h"
#include "util.h"

/* ======================================================================================== */
/* eval                                                                                      */
/* ======================================================================================== */
/* Heads for the requested Ns (usage error naming the N when one is outside the network). */
static void heads_for(const rnnts_rnn *net, const cli_nlist *ns, int *heads) {
    rnnts_error he;
    for (int a = 0; a < ns->n; a++) {
        for (int b = 0; b < a; b++)
            if (ns->v[b] == ns->v[a]) cli_usage_error("--N: N = %d given twice", ns->v[a]);
        if (rnnts_rnn_head_for(net, ns->v[a], &heads[a], &he) != RNNTS_OK) cli_usage_error("--N %d: %s", ns->v[a], he.msg);
    }
}

static void eval_help(const cli_flag *flags, int n) {
    printf("usage: rnnts eval MODEL --N 2,3,5 [flags]\n\n"
           "Accuracy (percent) of a model on each N with the reference's test protocol: fresh test batches\n"
           "(rnnts_evaluate; sequence length M ~ U{Nmax+2..4Nmax+1} per batch, h0 = 0.1 U[0,1)).\n"
           "Head of each N: head 0 for single-head models (curriculum single or none, or 1 head); head\n"
           "N - N_min for multi-head models (N_min = first N of the metadata ns, default 2); the position\n"
           "in the metadata ns for sliding-window models. The Ns are evaluated together on the same test\n"
           "batches (M drawn from the largest N, as in training), unless --separate or Ns share a head.\n"
           "Output: one line per N, or with --json one object {\"accuracy\": {\"2\": 100.0, ...}}.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
int cmd_eval(int argc, char **argv) {
    int task = 0, batches = 50, batch = 256, threads = default_threads(), json = 0, separate = 0;
    uint64_t seed = 0;
    cli_nlist ns;
    const char *pos[1];
    cli_flag flags[] = {
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task (default: the model's metadata, else parity)", 0, 0},
        {"--N", CLI_NLIST, &ns, 1, 100000, NULL, "LIST", "Ns to evaluate, e.g. 2,3,5 or 2-6 (required)", 0, 0},
        {"--batches", CLI_INT, &batches, 1, 1000000, NULL, "T", "test batches (default 50)", 0, 0},
        {"--batch", CLI_INT, &batch, 1, 65536, NULL, "B", "sequences per batch (default 256)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the test data (default 0)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},
        {"--separate", CLI_FLAG, &separate, 0, 0, NULL, NULL, "evaluate each N on its own test batches (automatic when Ns share a head)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]), heads[CLI_MAX_LIST], code = CLI_EXIT_OK;
    float acc[CLI_MAX_LIST];
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_error e;
    memset(&ns, 0, sizeof ns);
    cli_prog = "rnnts eval";
    if (cli_parse(argc, argv, 2, flags, nf, pos, 1, eval_help) != 1) cli_usage_error("MODEL is required");
    if (!cli_seen(flags, nf, "--N")) cli_usage_error("--N LIST is required (e.g. --N 2,3,5)");
    net = load_model(pos[0]);
    heads_for(net, &ns, heads);
    task = task_of(task, cli_seen(flags, nf, "--task"), net);
    CLI_FUZZ_STOP();
    pool = make_pool(threads);
    if (!separate) {
        /* rnnts_evaluate reads each head once per batch: Ns that share a head are evaluated apart */
        for (int a = 0; a < ns.n; a++)
            for (int b = 0; b < a; b++)
                if (heads[a] == heads[b]) separate = 1;
        if (separate && ns.n > 1)
            fprintf(stderr, "%s: note: several Ns share head %d; each N is evaluated on its own test batches (M from that N)\n", cli_prog, heads[0]);
    }
    for (int a = 0; a < (separate ? ns.n : 1) && code == CLI_EXIT_OK; a++) {
        int off = separate ? a : 0, cnt = separate ? 1 : ns.n;
        if (rnnts_evaluate(net, (rnnts_task)task, ns.v + off, heads + off, cnt, batch, batches, seed, 0, pool, acc + off, &e) != RNNTS_OK) {
            fail_msg("evaluate", &e);
            code = CLI_EXIT_FAIL;
        }
    }
    if (code != CLI_EXIT_OK) {
    } else if (json) {
        printf("{\"accuracy\": {");
        for (int a = 0; a < ns.n; a++) { printf(a ? ", \"%d\": " : "\"%d\": ", ns.v[a]); json_num(stdout, (double)acc[a]); }
        printf("}}\n");
    } else {
        for (int a = 0; a < ns.n; a++) printf("N %-4d head %-4d accuracy %7.3f %%\n", ns.v[a], heads[a], (double)acc[a]);
    }
    rnnts_pool_destroy(pool);
    rnnts_rnn_destroy(net);
    return code;
}

/* ======================================================================================== */
/* grad                                                                                      */
/* ======================================================================================== */
static void grad_help(const cli_flag *flags, int n) {
    printf("usage: rnnts grad MODEL --N 2,3 --out FILE [--batch B] [--len M] [--seed S] [--task parity|dms]\n"
           "       rnnts grad --model rnn|gru|lstm [--hidden H] [--heads K] --N 2,3 --out FILE [flags]\n\n"
           "Loss and all gradients of MODEL on one seeded batch, written with the batch as safetensors, so\n"
           "another implementation can be checked on identical data. The batch is rnnts_task_batch_len(task,\n"
           "Ns, B, M, seed, RNNTS_PURPOSE_USER, index 0); h0 is drawn by rnnts from (seed, draw 0); the\n"
           "heads follow the Ns as in `rnnts eval`.\n"
           "FILE tensors (F32): grad.<parameter name> (same shapes as the parameters), input [M,B]\n"
           "(input[t][b]), h0 [B,H], label.<N> [B] (0/1, one per N of --N), loss [1] (sum over the Ns of the\n"
           "batch-mean cross-entropy). Metadata: active_heads (heads in the order of --N), ns, task, seed,\n"
           "batch, len, model_checksum_xxh3, model (rnn, gru or lstm).\n"
           "With --model and MODEL: MODEL must hold that kind of network (exit 2 otherwise).\n"
           "With --model instead of MODEL: a freshly initialised network, rnnts_rnn_create(H, K heads, seed S)\n"
           "(the rnn with learnable tau, leaky ReLU, default variant); heads as multi-head, head k serves\n"
           "N = 2 + k (default K = largest N - 1). Gradient names follow the model's tensors: grad.gru.* /\n"
           "grad.lstm.* (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0) and grad.modulelist.<k>.*.\n"
           "GRU/LSTM: `input` holds the task's bits s in {0, 1}; the network maps them to x = 2s - 1 inside\n"
           "(the reference LSTM script's +-1 inputs), so a peer feeds 2 * input - 1 to nn.GRU / nn.LSTM;\n"
           "h0 is all zeros (their h_0 = c_0 = 0).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
int cmd_grad(int argc, char **argv) {
    int task = 0, batch = 256, len = 0, model = 0, hidden = 500, n_heads = 0, n_pos;
    uint64_t seed = 0;
    const char *out = NULL, *pos[1];
    cli_nlist ns;
    cli_flag flags[] = {
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task (default: the model's metadata, else parity)", 0, 0},
        {"--N", CLI_NLIST, &ns, 1, 100000, NULL, "LIST", "Ns of the loss (required), e.g. 2,3", 0, 0},
        {"--batch", CLI_INT, &batch, 1, 65536, NULL, "B", "sequences (default 256)", 0, 0},
        {"--len", CLI_INT, &len, 1, 1000000, NULL, "M", "sequence length, >= the largest N (default 4 Nmax + 1)", 0, 0},
        {"--seed", CLI_U64, &seed, 0, 0, NULL, "S", "seed of the batch and h0 (default 0)", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "FILE", "output safetensors file (required)", 0, 0},
        {"--model", CLI_ENUM, &model, 0, 0, MODELS, NULL, "without MODEL: a fresh network of this kind; with MODEL: its expected kind", 0, 0},
        {"--hidden", CLI_INT, &hidden, 1, 16384, NULL, "H", "with --model: hidden units (default 500)", 0, 0},
        {"--heads", CLI_INT, &n_heads, 1, 65536, NULL, "K", "with --model: readout heads (default largest N - 1)", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]), heads[CLI_MAX_LIST], nmax = 0, code = CLI_EXIT_FAIL;
    rnnts_rnn *net;
    rnnts_rnn_ws *ws = NULL;
    rnnts_error e;
    float *input = NULL, *grad = NULL, *h0 = NULL, *labf = NULL, loss = 0.0f;
    int *labels = NULL;
    memset(&ns, 0, sizeof ns);
    cli_prog = "rnnts grad";
    n_pos = cli_parse(argc, argv, 2, flags, nf, pos, 1, grad_help);
    if (n_pos != 1 && !cli_seen(flags, nf, "--model")) cli_usage_error("MODEL is required (or --model rnn|gru|lstm for a fresh network)");
    if (n_pos == 1 && cli_seen(flags, nf, "--hidden")) cli_usage_error("--hidden applies to a fresh network only (MODEL's size comes from the file)");
    if (n_pos == 1 && cli_seen(flags, nf, "--heads")) cli_usage_error("--heads applies to a fresh network only (MODEL's heads come from the file)");
    if (!ns.n) cli_usage_error("--N LIST is required (e.g. --N 2,3)");
    if (!out) cli_usage_error("--out FILE is required");
    for (int a = 0; a < ns.n; a++) if (ns.v[a] > nmax) nmax = ns.v[a];
    if (!len) len = rnnts_task_max_len(nmax);
    if (len < nmax) cli_usage_error("--len %d: allowed %d..1000000 (at least the largest N)", len, nmax);
    if (n_pos == 1) {
        net = load_model(pos[0]);
        if (cli_seen(flags, nf, "--model") && net->cfg.model != (rnnts_model)model) {
            char m[16];
            cli_choice(MODELS, model, m, sizeof m);
            cli_usage_error("--model %s: %s holds a %s network", m, pos[0], rnnts_model_name(net->cfg.model));
        }
    } else {
        rnnts_rnn_config rc = rnnts_rnn_config_default();
        rc.model = (rnnts_model)model;
        rc.hidden = hidden;
        rc.heads = n_heads ? n_heads : (nmax > 2 ? nmax - 1 : 1);
        CLI_FUZZ_STOP(); /* before a network of up to 16384^2 weights */
        if (rnnts_rnn_create(&rc, seed, NULL, &net, &e) != RNNTS_OK) { fail_msg("create network", &e); return CLI_EXIT_USAGE; }
    }
    heads_for(net, &ns, heads);
    for (int a = 0; a < ns.n; a++)
        for (int b = 0; b < a; b++)
            if (heads[a] == heads[b])
                cli_usage_error("--N %d,%d: both are read out by head %d of this model; the loss needs distinct heads", ns.v[b], ns.v[a], heads[a]);
    task = task_of(task, cli_seen(flags, nf, "--task"), net);
    CLI_FUZZ_STOP();
    input = (float *)malloc((size_t)len * batch * sizeof(float));
    labels = (int *)malloc((size_t)ns.n * batch * sizeof(int));
    labf = (float *)malloc((size_t)ns.n * batch * sizeof(float));
    grad = (float *)malloc(net->n_param * sizeof(float));
    h0 = (float *)malloc((size_t)batch * net->H * sizeof(float));
    if (!input || !labels || !labf || !grad || !h0) { fprintf(stderr, "%s: out of memory\n", cli_prog); goto done; }
    if (rnnts_task_batch_len((rnnts_task)task, ns.v, ns.n, batch, len, seed, RNNTS_PURPOSE_USER, 0, input, labels, &e) != RNNTS_OK) { fail_msg("batch", &e); goto done; }
    if (rnnts_rnn_ws_create(net, batch, len, NULL, &ws, &e) != RNNTS_OK) { fail_msg("workspace", &e); goto done; }
    {
        rnnts_batch bt;
        memset(&bt, 0, sizeof bt);
        bt.batch = batch; bt.len = len; bt.input = input; bt.h0 = NULL; bt.h0_seed = seed; bt.h0_draw = 0;
        bt.n_active = ns.n; bt.heads = heads; bt.labels = labels;
        if (rnnts_rnn_forward(ws, net, &bt, NULL, NULL, &loss, &e) != RNNTS_OK) { fail_msg("forward", &e); goto done; }
        if (rnnts_rnn_backward(ws, net, NULL, grad, &e) != RNNTS_OK) { fail_msg("backward", &e); goto done; }
        if (rnnts_rnn_ws_h0(ws, h0) != RNNTS_OK) { fprintf(stderr, "%s: cannot read h0\n", cli_prog); goto done; }
    }
    {
        int nt = rnnts_rnn_tensor_count(net), n = 0;
        rnnts_named_tensor *t = (rnnts_named_tensor *)calloc((size_t)(nt + ns.n + 3), sizeof *t);
        char (*names)[64] = (char (*)[64])calloc((size_t)(nt + ns.n), 64);
        char heads_s[2048] = "", ns_s[2048] = "", seed_s[32], batch_s[16], len_s[16], sum_s[20];
        const char *meta[] = {"active_heads", heads_s, "ns", ns_s, "task", rnnts_name(RNNTS_NAMES_TASK, task), "seed", seed_s,
                              "batch", batch_s, "len", len_s, "model_checksum_xxh3", sum_s, "model", rnnts_model_name(net->cfg.model), NULL};
        if (!t || !names) { free(t); free(names); fprintf(stderr, "%s: out of memory\n", cli_prog); goto done; }
        for (int k = 0; k < nt; k++) {
            rnnts_tensor_info ti;
            rnnts_rnn_tensor(net, k, &ti);
            snprintf(names[n], 64, "grad.%s", ti.name);
            t[n].name = names[n]; t[n].ndim = ti.ndim; t[n].shape[0] = ti.shape[0]; t[n].shape[1] = ti.shape[1];
            t[n].data = grad + ti.offset;
            n++;
        }
        t[n].name = "input"; t[n].ndim = 2; t[n].shape[0] = len; t[n].shape[1] = batch; t[n].data = input; n++;
        t[n].name = "h0"; t[n].ndim = 2; t[n].shape[0] = batch; t[n].shape[1] = net->H; t[n].data = h0; n++;
        for (int a = 0; a < ns.n; a++) {
            for (int b = 0; b < batch; b++) labf[(size_t)a * batch + b] = (float)labels[(size_t)a * batch + b];
            snprintf(names[nt + a], 64, "label.%d", ns.v[a]);
            t[n].name = names[nt + a]; t[n].ndim = 1; t[n].shape[0] = batch; t[n].data = labf + (size_t)a * batch; n++;
        }
        t[n].name = "loss"; t[n].ndim = 1; t[n].shape[0] = 1; t[n].data = &loss; n++;
        for (int a = 0; a < ns.n; a++) {
            size_t u = strlen(heads_s), v = strlen(ns_s);
            snprintf(heads_s + u, sizeof heads_s - u, a ? ",%d" : "%d", heads[a]);
            snprintf(ns_s + v, sizeof ns_s - v, a ? ",%d" : "%d", ns.v[a]);
        }
        snprintf(seed_s, sizeof seed_s, "%llu", (unsigned long long)seed);
        snprintf(batch_s, sizeof batch_s, "%d", batch);
        snprintf(len_s, sizeof len_s, "%d", len);
        snprintf(sum_s, sizeof sum_s, "%016llx", (unsigned long long)rnnts_rnn_checksum(net));
        if (rnnts_safetensors_write(out, t, n, meta, &e) != RNNTS_OK) fail_msg("write", &e);
        else code = CLI_EXIT_OK;
        free(t);
        free(names);
    }
done:
    free(input); free(labels); free(labf); free(grad); free(h0);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    return code;
}

/* ======================================================================================== */
/* import                                                                                    */
/* ======================================================================================== */
static void import_help(const cli_flag *flags, int n) {
    printf("usage: rnnts import FILE.pt OUT.safetensors [--curriculum single|multi|sliding|none] [--n-min N] [--n-max N]\n\n"
           "Converts a reference PyTorch checkpoint (zip: data.pkl + storages; no PyTorch needed) into an\n"
           "rnnts model file. The curriculum and N range come from the pattern rnn_N<min>_N<max> in the file\n"
           "name (min = max: single-head; else sliding when the name starts with sliding_, multi-head\n"
           "otherwise) unless given; they go into the metadata\n"
           "(curriculum; ns = \"min,...,max\" for multi and sliding, \"max\" for single and none; task).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
/* Finds rnn_N<min>_N<max> in the file name part of path. */
static int name_range(const char *path, int *lo, int *hi) {
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *p = strstr(base, "rnn_N"); p; p = strstr(p + 1, "rnn_N")) {
        int a, b, used = 0;
        if (sscanf(p, "rnn_N%d_N%d%n", &a, &b, &used) == 2 && used > 0 && a >= 1 && b >= a) { *lo = a; *hi = b; return 1; }
    }
    return 0;
}
int cmd_import(int argc, char **argv) {
    int curriculum = -1, nmin = 0, nmax = 0, task = 0, lo = 0, hi = 0, have;
    const char *pos[2];
    cli_flag flags[] = {
        {"--curriculum", CLI_ENUM, &curriculum, 0, 0, CURRICULA, NULL, "curriculum for the metadata (default: from the file name)", 0, 0},
        {"--n-min", CLI_INT, &nmin, 1, 100000, NULL, "N", "smallest N (default: from the file name)", 0, 0},
        {"--n-max", CLI_INT, &nmax, 1, 100000, NULL, "N", "largest N (default: from the file name)", 0, 0},
        {"--task", CLI_ENUM, &task, 0, 0, TASKS, NULL, "task for the metadata (default parity)", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]), code = CLI_EXIT_FAIL;
    rnnts_rnn *net = NULL;
    rnnts_error e;
    cli_prog = "rnnts import";
    if (cli_parse(argc, argv, 2, flags, nf, pos, 2, import_help) != 2) cli_usage_error("FILE.pt and OUT.safetensors are required");
    have = name_range(pos[0], &lo, &hi);
    if (nmin) lo = nmin;
    if (nmax) hi = nmax;
    if (lo && !hi) hi = lo;
    if (hi && !lo) lo = hi;
    if (lo > hi) cli_usage_error("--n-min %d is larger than --n-max %d", lo, hi);
    if (curriculum < 0 && lo) { /* the reference names its runs <curriculum>_..., sliding ones sliding_<heads>_<forget>_... */
        const char *base = strrchr(pos[0], '/');
        base = base ? base + 1 : pos[0];
        curriculum = lo == hi ? RNNTS_CURR_SINGLE : strncmp(base, "sliding_", 8) == 0 ? RNNTS_CURR_SLIDING : RNNTS_CURR_MULTI;
    }
    if (curriculum >= 0 && !lo) cli_usage_error("--curriculum needs an N range: give --n-min/--n-max (the file name has no rnn_N<min>_N<max>)");
    CLI_FUZZ_STOP();
    if (rnnts_import_torch(pos[0], NULL, &net, &e) != RNNTS_OK) {
        fprintf(stderr, "%s: %s: %s\n", cli_prog, pos[0], e.msg);
        return CLI_EXIT_FAIL;
    }
    snprintf(net->meta.task, sizeof net->meta.task, "%s", rnnts_name(RNNTS_NAMES_TASK, task));
    if (curriculum >= 0) {
        snprintf(net->meta.curriculum, sizeof net->meta.curriculum, "%s",
                 rnnts_name(RNNTS_NAMES_CURRICULUM, curriculum));
        if (curriculum == RNNTS_CURR_MULTI || curriculum == RNNTS_CURR_SLIDING) {
            size_t used = 0;
            net->meta.ns[0] = 0;
            for (int v = lo; v <= hi; v++) {
                int w = snprintf(net->meta.ns + used, sizeof net->meta.ns - used, v > lo ? ",%d" : "%d", v);
                if (w < 0 || (size_t)w >= sizeof net->meta.ns - used) { fprintf(stderr, "%s: N range %d..%d too long for the metadata\n", cli_prog, lo, hi); goto done; }
                used += (size_t)w;
            }
            if (curriculum == RNNTS_CURR_MULTI && hi - lo >= net->K) fprintf(stderr, "%s: warning: N %d..%d needs %d heads, the network has %d\n", cli_prog, lo, hi, hi - lo + 1, net->K);
        } else {
            snprintf(net->meta.ns, sizeof net->meta.ns, "%d", hi);
        }
    } else {
        fprintf(stderr, "%s: note: no rnn_N<min>_N<max> in the file name and no --curriculum: curriculum and ns left empty\n", cli_prog);
    }
    if (rnnts_rnn_save(net, pos[1], &e) != RNNTS_OK) { fprintf(stderr, "%s: %s: %s\n", cli_prog, pos[1], e.msg); goto done; }
    fprintf(stderr, "%s: %s -> %s (H = %d, %d heads, curriculum \"%s\", ns \"%s\"%s)\n", cli_prog, pos[0], pos[1], net->H, net->K,
            net->meta.curriculum, net->meta.ns, have && !nmin && !nmax ? ", from the file name" : "");
    code = CLI_EXIT_OK;
done:
    rnnts_rnn_destroy(net);
    return code;
}

/* ======================================================================================== */
/* info                                                                                      */
/* ======================================================================================== */
static void info_help(const cli_flag *flags, int n) {
    printf("usage: rnnts info MODEL [--json]\n\n"
           "Prints a model file's metadata, its tensors (name, dtype, shape), statistics of the raw tau\n"
           "parameter (mean, median, population SD, min, max, count below 1; the leaky RNN only: GRU and LSTM\n"
           "files have no tau, JSON \"tau\": null) and the parameter checksum\n"
           "(XXH3-64 of the parameters as little-endian float32 bytes, in tensor order). The file is\n"
           "validated (and its checksum verified) by rnnts_rnn_load first.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
int cmd_info(int argc, char **argv) {
    int json = 0;
    const char *pos[1];
    cli_flag flags[] = {{"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0}};
    rnnts_rnn *net;
    rnnts_st_header h;
    rnnts_error e;
    struct stat st;
    char sel[160];
    tau_stats t;
    uint64_t sum;
    cli_prog = "rnnts info";
    if (cli_parse(argc, argv, 2, flags, 1, pos, 1, info_help) != 1) cli_usage_error("MODEL is required");
    net = load_model(pos[0]);
    if (rnnts_st_header_read(pos[0], NULL, &h, &e) != RNNTS_OK) {
        fprintf(stderr, "%s: %s\n", cli_prog, e.msg);
        rnnts_rnn_destroy(net);
        return CLI_EXIT_FAIL;
    }
    t = tau_stats_of(net);
    sum = rnnts_rnn_checksum(net);
    simd_selection(sel, sizeof sel);
    if (json) {
        printf("{\"file\":"); json_str(stdout, pos[0]);
        printf(",\"build\":"); json_str(stdout, rnnts_build_info());
        printf(",\"simd\":"); json_str(stdout, sel);
        printf(",\"metadata\":{");
        for (int i = 0; i < h.n_meta; i++) { if (i) putchar(','); json_str(stdout, h.meta[i].key); putchar(':'); json_str(stdout, h.meta[i].value); }
        printf("},\"model\":\"%s\",\"hidden\":%d,\"heads\":%d,\"parameters\":%zu,\"tensors\":[", rnnts_model_name(net->cfg.model), net->H, net->K,
               net->n_param);
        for (int i = 0; i < h.n_tensors; i++) {
            printf(i ? ",{\"name\":" : "{\"name\":"); json_str(stdout, h.tensors[i].name);
            printf(",\"dtype\":\"F32\""); /* the only dtype a loadable file holds */
            printf(",\"shape\":[");
            for (int d = 0; d < h.tensors[i].ndim && d < 8; d++) printf(d ? ",%lld" : "%lld", (long long)h.tensors[i].shape[d]);
            printf("]}");
        }
        printf("],\"tau\":");
        tau_json(stdout, &t);
        printf(",\"tau_count\":%d,\"checksum_xxh3\":\"%016llx\"}\n", t.count, (unsigned long long)sum);
    } else {
        printf("file        %s (%llu bytes, header %llu bytes)\n", pos[0], stat(pos[0], &st) == 0 ? (unsigned long long)st.st_size : 0ull,
               (unsigned long long)h.header_len);
        printf("network     %s, H = %d, %d heads, %zu parameters, %s\n", rnnts_model_name(net->cfg.model), net->H, net->K, net->n_param,
               net->cfg.model != RNNTS_MODEL_RNN ? "no tau" : net->cfg.train_tau ? "learnable tau" : "fixed tau");
        printf("metadata    (%d keys)\n", h.n_meta);
        for (int i = 0; i < h.n_meta; i++) printf("  %-20s %s\n", h.meta[i].key, h.meta[i].value);
        printf("tensors     (%d)\n", h.n_tensors);
        for (int i = 0; i < h.n_tensors; i++) {
            char shape[128] = "[";
            size_t u = 1;
            for (int d = 0; d < h.tensors[i].ndim && d < 8; d++) {
                int w = snprintf(shape + u, sizeof shape - u, d ? ", %lld" : "%lld", (long long)h.tensors[i].shape[d]);
                if (w > 0 && (size_t)w < sizeof shape - u) u += (size_t)w;
            }
            snprintf(shape + u, sizeof shape - u, "]");
            printf("  %-32s %-4s %s\n", h.tensors[i].name, "F32", shape);
        }
        if (t.count > 0) {
            printf("tau         (%d value%s, raw parameter)\n", t.count, t.count == 1 ? "" : "s");
            printf("  mean %.6g  median %.6g  sd %.6g  min %.6g  max %.6g  below 1: %d\n", t.mean, t.median, t.sd, t.min, t.max, t.below_1);
        } else {
            printf("tau         none (%s)\n", rnnts_model_name(net->cfg.model));
        }
        printf("checksum    %016llx (xxh3-64 of the parameters)\n", (unsigned long long)sum);
        printf("build       %s, simd %s\n", rnnts_build_info(), sel);
    }
    rnnts_st_header_free(&h);
    rnnts_rnn_destroy(net);
    return CLI_EXIT_OK;
}

/* ======================================================================================== */
/* selfcheck                                                                                 */
/* ======================================================================================== */
static void selfcheck_help(const cli_flag *flags, int n) {
    printf("usage: rnnts selfcheck\n\n"
           "Prints the build (version, architecture, vector path, compiler, threads) and checks the live\n"
           "floating-point environment (no contraction of a*b+c, no flush-to-zero). Exit 1 if it fails.\n");
    (void)flags; (void)n;
}
int cmd_selfcheck(int argc, char **argv) {
    char msg[256], sel[160];
    const char *pos[1];
    cli_flag flags[1];
    rnnts_result r;
    memset(flags, 0, sizeof flags);
    cli_prog = "rnnts selfcheck";
    cli_parse(argc, argv, 2, flags, 0, pos, 0, selfcheck_help);
    r = rnnts_selfcheck(msg, sizeof msg);
    printf("%s\nsimd %s\n%s: %s\n", rnnts_build_info(), simd_selection(sel, sizeof sel), r == RNNTS_OK ? "ok" : "FAILED", msg);
    return r == RNNTS_OK ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

