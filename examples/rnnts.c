/* rnnts — the command line tool of rnnts.h.

       rnnts train | eval | grad | import | info | selfcheck | compare | bench | analyze | sweep   (each with --help)

   Data goes to stdout or files; progress and messages go to stderr. Exit codes: 0 ok, 1 failure,
   2 usage (a message names the flag and the allowed values), 128 + signal (130 SIGINT, 143
   SIGTERM, 129 SIGHUP) when train stopped on a signal after writing its checkpoint.

   Files of this tool (one job each):
       examples/rnnts.c       subcommands, training driver, logs, progress display, reports
       examples/cli_args.h    flag tables: parsing, range checks, usage errors, --help
       examples/st_header.h   safetensors header reader (tensor list and metadata for `info`)
       examples/svg_plot.h    SVG line charts (`compare`, `analyze`)
       examples/analyze.h     `analyze`: taus, taunet, ablate, perturb, forget, pca, retrain, generalize, forgetgate
       examples/sweep.h       `sweep`: sweep descriptions expanded into one train command per run, the manifest
       examples/runlog.h      reader of the per-epoch logs (log.jsonl, log.csv) of train
       examples/merge.h       `analyze merge`: run directories of a sweep merged into one table and figure
       bench/peak.h           single-core FMA peak probe (`bench`; shared with the Google Benchmark suite)
       examples/cli_test.sh   tests of the CLI

   Build: gcc -std=c11 -O2 -ffp-contract=off -mavx2 -mfma examples/rnnts.c -o build/rnnts -lm -lpthread */
#define _POSIX_C_SOURCE 200809L
#ifndef RNNTS_FUZZ_SHARED_IMPL /* tests/fuzz/run.sh links one implementation compiled for every target */
#define RNNTS_IMPLEMENTATION
#endif
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <signal.h>
#include <pthread.h>
#include <unistd.h>

#include "cli_args.h"
#include "st_header.h"
#include "svg_plot.h"
#include "../bench/peak.h"

static const char *const TASKS = "parity|dms";
static const char *const CURRICULA = "single|multi|sliding|none"; /* order of rnnts_curriculum */
static const char *const VARIANTS = "default|mod";
static const char *const ACTIVATIONS = "leakyrelu|relu|tanh|sigmoid"; /* order of rnnts_activation */
static const char *const OPTIMIZERS = "sgd|adam";
static const char *const LOG_FORMATS = "jsonl|csv";
static const char *const MODELS = "rnn|gru|lstm"; /* order of rnnts_model */

/* ---- small utilities ------------------------------------------------------------------------ */
static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static void fail_msg(const char *what, const rnnts_error *e) {
    fprintf(stderr, "%s: %s%s%s\n", cli_prog, what ? what : "", what && *what ? ": " : "", e->msg[0] ? e->msg : rnnts_result_string(e->code));
}
/* Which vector path runs and why, e.g. "AVX512 (the widest this CPU runs: SCALAR AVX2 AVX512)".
   With -DRNNTS_TOOL_DISPATCH (the Makefile's x86-64 tool, examples/dispatch.c) RNNTS_ISA chose
   the copy when set; a single-path build ignores it. */
static const char *simd_selection(char *buf, size_t cap) {
    const char *env = getenv("RNNTS_ISA");
    char have[64];
    rnnts_simd_mask_names(rnnts_cpu_simd_mask(), have, sizeof have);
#ifdef RNNTS_TOOL_DISPATCH
    if (env && *env) snprintf(buf, cap, "%s (RNNTS_ISA=%s; this CPU runs %s)", rnnts_simd_name(), env, have);
    else snprintf(buf, cap, "%s (the widest this CPU runs: %s)", rnnts_simd_name(), have);
#else
    snprintf(buf, cap, "%s (built for this path only%s; this CPU runs %s)", rnnts_simd_name(), env && *env ? ", RNNTS_ISA ignored" : "", have);
#endif
    return buf;
}
/* mkdir -p. Returns 0 or -1 (errno set). */
static int mkdir_p(const char *path) {
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] == '/' || buf[i] == 0) {
            char c = buf[i];
            buf[i] = 0;
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
            buf[i] = c;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) { errno = ENOTDIR; return -1; }
    return 0;
}
static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}
/* An output file written atomically: PATH.tmp.<pid> first, renamed over PATH on commit, so that a
   reader (or a crash) never sees half a file and concurrent writers never share a temporary. */
typedef struct afile {
    FILE *f;
    char path[4096], tmp[4200];
} afile;
/* Returns 0, or -1 with a message naming the path. */
static int afile_open(afile *a, const char *path, char *msg, size_t cap) {
    a->f = NULL;
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path) { snprintf(msg, cap, "path too long: %.300s...", path); return -1; }
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, (long)getpid());
    if (!(a->f = fopen(a->tmp, "w"))) { snprintf(msg, cap, "cannot create %.3000s: %s", a->tmp, strerror(errno)); return -1; }
    return 0;
}
/* Closes and renames into place; on any write error removes the temporary. Returns 0 or -1 with a message. */
static int afile_commit(afile *a, char *msg, size_t cap) {
    int bad = ferror(a->f);
    if (fclose(a->f) != 0) bad = 1;
    a->f = NULL;
    if (bad) { remove(a->tmp); snprintf(msg, cap, "writing %.3000s failed", a->tmp); return -1; }
    if (rename(a->tmp, a->path) != 0) {
        snprintf(msg, cap, "cannot rename %.2000s to %.2000s: %s", a->tmp, a->path, strerror(errno));
        remove(a->tmp);
        return -1;
    }
    return 0;
}
/* --force: removes the files of an earlier run in dir (init, last and N<a>_N<b>.safetensors, logs, *.tmp),
   so that the directory holds one run only. Returns the number of files removed. */
static int remove_old_run(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    if (!d) return 0;
    while ((de = readdir(d)) != NULL) {
        int a, b, used = 0;
        const char *nm = de->d_name;
        int ckpt = sscanf(nm, "N%d_N%d.safetensors%n", &a, &b, &used) == 2 && used > 0 && nm[used] == 0;
        size_t len = strlen(nm);
        int tmp = len > 4 && strcmp(nm + len - 4, ".tmp") == 0; /* left by a write a crash cut short */
        if (ckpt || tmp || strcmp(nm, "log.jsonl") == 0 || strcmp(nm, "log.csv") == 0 || strcmp(nm, "init.safetensors") == 0 ||
            strcmp(nm, "last.safetensors") == 0) {
            char p[4200];
            snprintf(p, sizeof p, "%s/%s", dir, nm);
            if (remove(p) == 0) n++;
        }
    }
    closedir(d);
    return n;
}
/* Whether dir holds checkpoints N<a>_N<b>.safetensors. */
static int dir_has_checkpoints(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *de;
    int found = 0;
    if (!d) return 0;
    while (!found && (de = readdir(d)) != NULL) {
        int a, b, used = 0;
        found = sscanf(de->d_name, "N%d_N%d.safetensors%n", &a, &b, &used) == 2 && used > 0 && de->d_name[used] == 0;
    }
    closedir(d);
    return found;
}
/* Whether a log file has at least one complete epoch record (a line a crash cut short is none). */
static int log_has_records(const char *path) {
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int found = 0;
    if (!f) return 0;
    while (!found && (len = getline(&line, &cap, f)) > 0)
        found = line[len - 1] == '\n' && ((line[0] >= '0' && line[0] <= '9') || strncmp(line, "{\"epoch\":", 9) == 0);
    free(line);
    fclose(f);
    return found;
}
static void path_join(char *out, size_t cap, const char *dir, const char *name) {
    size_t n = strlen(dir);
    snprintf(out, cap, "%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}
/* Directory part of a path ("." when it has none). */
static void path_dir(char *out, size_t cap, const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(out, cap, ".");
    else if (slash == path) snprintf(out, cap, "/");
    else snprintf(out, cap, "%.*s", (int)(slash - path), path);
}
/* A JSON number with %.9g, or null when not finite. */
static void json_num(FILE *f, double v) {
    if (isfinite(v)) fprintf(f, "%.9g", v);
    else fputs("null", f);
}
static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}
/* "2-5" for a run of consecutive Ns, else "2,3,7" (shortened). */
static void ns_text(char *out, size_t cap, const int *ns, int n) {
    int run = n > 2;
    for (int i = 1; i < n; i++) run = run && ns[i] == ns[i - 1] + 1;
    if (run) { snprintf(out, cap, "%d-%d", ns[0], ns[n - 1]); return; }
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; i < n; i++) {
        int w = snprintf(out + used, cap - used, i ? ",%d" : "%d", ns[i]);
        if (w < 0 || (size_t)w >= cap - used) break;
        used += (size_t)w;
    }
}
static int default_threads(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}
static rnnts_pool *make_pool(int threads) {
    rnnts_pool *pool = NULL;
    rnnts_error e;
    if (rnnts_pool_create(threads, NULL, &pool, &e) != RNNTS_OK) {
        fprintf(stderr, "%s: warning: %s; running on one thread\n", cli_prog, e.msg);
        return NULL;
    }
    return pool;
}
/* Parses a metadata "ns" string ("2,3,4"); returns the count (0 when empty or malformed). */
static int parse_ns(const char *s, int *ns, int max) {
    int n = 0;
    while (s && *s) {
        char *e;
        long v = strtol(s, &e, 10);
        if (e == s || v < 1 || v > 100000 || n >= max) return 0;
        ns[n++] = (int)v;
        s = e;
        if (*s == ',') s++;
        else if (*s) return 0;
    }
    return n;
}

/* ---- tau statistics (raw parameter, not clamped) ------------------------------------------- */
typedef struct tau_stats {
    double mean, median, sd, min, max; /* sd: population standard deviation (numpy's default) */
    int below_1, count;
} tau_stats;
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
/* rnnts_tau_summary_of in the tool's record (NaN when it fails). */
static tau_stats tau_stats_of(const rnnts_rnn *net) {
    tau_stats s;
    rnnts_tau_summary t;
    memset(&s, 0, sizeof s);
    if (rnnts_tau_summary_of(net, &t, NULL) != RNNTS_OK) { s.mean = s.median = s.sd = s.min = s.max = NAN; return s; }
    s.mean = t.mean; s.median = t.median; s.sd = t.sd; s.min = t.min; s.max = t.max;
    s.below_1 = t.below_1; s.count = t.n;
    return s;
}
static void tau_json(FILE *f, const tau_stats *t) {
    if (t->count == 0) { fputs("null", f); return; } /* GRU/LSTM: no tau */
    fputs("{\"mean\":", f); json_num(f, t->mean);
    fputs(",\"median\":", f); json_num(f, t->median);
    fputs(",\"sd\":", f); json_num(f, t->sd);
    fputs(",\"min\":", f); json_num(f, t->min);
    fputs(",\"max\":", f); json_num(f, t->max);
    fprintf(f, ",\"below_1\":%d}", t->below_1);
}

/* The parameter checksum: XXH3-64 of the parameters as little-endian float32 bytes. */
static uint64_t param_checksum(const rnnts_rnn *net) {
    unsigned char *b = (unsigned char *)malloc(net->n_param * 4 + 1);
    uint64_t h;
    if (!b) return 0;
    for (size_t i = 0; i < net->n_param; i++) {
        uint32_t u;
        memcpy(&u, &net->param[i], 4);
        b[4 * i] = (unsigned char)u; b[4 * i + 1] = (unsigned char)(u >> 8);
        b[4 * i + 2] = (unsigned char)(u >> 16); b[4 * i + 3] = (unsigned char)(u >> 24);
    }
    h = rnnts_xxh3_64(b, net->n_param * 4);
    free(b);
    return h;
}

/* ---- head selection (eval, grad) ------------------------------------------------------------
   single-head models (curriculum single or none, or 1 head): head 0 for every N;
   multi: head N - N_min, N_min = first value of metadata ns (2 when absent);
   sliding: position of N in metadata ns;
   no curriculum in the metadata (e.g. an imported file without a name pattern): as multi.
   Returns the head, or -1 with a reason in why. */
static int head_for(const rnnts_rnn *net, int N, char *why, size_t cap) {
    const char *c = net->meta.curriculum;
    int ns[RNNTS_MAX_NS], n = parse_ns(net->meta.ns, ns, RNNTS_MAX_NS), h;
    if (net->K == 1 || strcmp(c, "single") == 0 || strcmp(c, "none") == 0) return 0;
    if (strcmp(c, "sliding") == 0) {
        for (int i = 0; i < n; i++)
            if (ns[i] == N) return i;
        snprintf(why, cap, "N = %d is not in the sliding window of this model (metadata ns = \"%.120s\")", N, net->meta.ns);
        return -1;
    }
    h = N - (n > 0 ? ns[0] : 2);
    if (h < 0 || h >= net->K) {
        snprintf(why, cap, "N = %d maps to head %d, outside the network's %d heads (head i serves N = %d + i)", N, h, net->K,
                 n > 0 ? ns[0] : 2);
        return -1;
    }
    return h;
}

/* ======================================================================================== */
/* train                                                                                     */
/* ======================================================================================== */
typedef struct train_opts {
    int task, curriculum, hidden, batch, steps, test_batches, max_epochs, target_n, variant, activation;
    double fixed_tau, tau_init;
    uint64_t seed;
    int threads, heads, n_start, add, window, slide, n_fixed, optimizer, log_format, quiet, force, k_continuous;
    int model; /* rnnts_model */
    double lr, momentum, clip, threshold, time_limit;
    int budget_set; /* with --resume: bit 0 --max-epochs, bit 1 --target-n, bit 2 --time-limit given */
    int auto_resume; /* --auto-resume: continue the run in --out when there is one (its config must match) */
    int lr_set, momentum_set, fixed_tau_set;
    const char *out, *resume, *label; /* label: prefix of progress lines (compare) */
    int no_tty;                       /* progress as whole lines even on a terminal (compare's side-by-side runs) */
    double tau_mean;                  /* --init-tau-mean (0 = off) */
    int init_heads;                   /* --init-heads */
    const char *preset;               /* --preset sliding_W_F */
    cli_nlist k_list;                 /* --k-list (n = 0: none) */
} train_opts;

static void train_opts_default(train_opts *o) {
    rnnts_train_config tc = rnnts_train_config_default();
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    memset(o, 0, sizeof *o);
    o->task = 0; o->curriculum = RNNTS_CURR_MULTI;
    o->hidden = rc.hidden; o->batch = tc.batch; o->steps = tc.steps_per_epoch; o->test_batches = tc.test_batches;
    o->max_epochs = tc.max_epochs; o->target_n = 0; o->variant = 0; o->activation = 0;
    o->fixed_tau = 1.0; o->tau_init = rc.tau_init;
    o->seed = 0; o->threads = default_threads(); o->heads = 100; o->n_start = tc.n_start; o->add = tc.n_add;
    o->window = tc.window; o->slide = tc.slide; o->n_fixed = tc.n_fixed; o->optimizer = 0; o->log_format = 0;
    o->lr = tc.optim.lr; o->momentum = tc.optim.momentum; o->clip = tc.optim.clip; o->threshold = tc.threshold;
    o->time_limit = 0.0;
    o->init_heads = tc.init_heads;
}

/* One N reached by a run: the epoch it was solved at and the trained tau right then. */
typedef struct reached_n {
    int N, epoch;
    double wall;
    tau_stats tau;
} reached_n;
typedef struct train_result {
    int n_reached, epochs, largest_n;
    double wall;
    reached_n r[RNNTS_MAX_NS];
    tau_stats tau_init;
} train_result;

/* Progress display, fed by rnnts_trainer_on_step. */
typedef struct progress {
    int tty, quiet;
    const char *label;
    int epoch;
    char ns[64];
    double t0, t_last, loss_sum;
    int have_acc;
    float last_acc;
} progress;
static void fmt_eta(char *buf, size_t cap, double s) {
    if (!isfinite(s) || s < 0) { snprintf(buf, cap, "?"); return; }
    if (s >= 3600) snprintf(buf, cap, "%d:%02d:%02d", (int)(s / 3600), (int)fmod(s / 60, 60), (int)fmod(s, 60));
    else snprintf(buf, cap, "%d:%02d", (int)(s / 60), (int)fmod(s, 60));
}
static void on_step(void *user, int step, int steps, float loss) {
    progress *p = (progress *)user;
    double t = now_s();
    p->loss_sum += (double)loss;
    if (!p->tty || p->quiet) return;
    if (step != steps && t - p->t_last < 0.1) return;
    p->t_last = t;
    {
        double rate = step / fmax(t - p->t0, 1e-9);
        char eta[32], acc[32];
        fmt_eta(eta, sizeof eta, (steps - step) / rate);
        if (p->have_acc) snprintf(acc, sizeof acc, "%.1f%%", (double)p->last_acc);
        else snprintf(acc, sizeof acc, "-");
        fprintf(stderr, "\r\033[K%s%sepoch %d  N %s  step %d/%d  loss %.4f  acc(last) %s  %.0f steps/s  ETA %s%s",
                p->label ? p->label : "", p->label ? "  " : "", p->epoch, p->ns, step, steps, p->loss_sum / step, acc, rate, eta,
                step == steps ? "  testing..." : "");
        fflush(stderr);
    }
}

/* Reads the "wall" of epoch `epoch` from an existing log (to continue the wall clock on resume). */
static double log_wall_of_epoch(const char *path, int csv, int epoch) {
    FILE *f = fopen(path, "r");
    char line[16384];
    double wall = 0.0;
    if (!f) return 0.0;
    while (fgets(line, sizeof line, f)) {
        if (csv) {
            int e;
            if (sscanf(line, "%d,", &e) == 1 && e == epoch) {
                /* wall is field 13 (1-based) */
                char *p = line;
                for (int k = 1; k < 13 && p; k++) { p = strchr(p, ','); if (p) p++; }
                if (p) wall = strtod(p, NULL);
            }
        } else {
            char *p = strstr(line, "{\"epoch\":"), *w;
            if (p && atoi(p + 9) == epoch && (w = strstr(line, "\"wall\":"))) wall = strtod(w + 7, NULL);
        }
    }
    fclose(f);
    return isfinite(wall) ? wall : 0.0;
}

static void log_record(FILE *f, int csv, const rnnts_epoch_report *r, const tau_stats *t, double wall) {
    if (!csv) {
        fprintf(f, "{\"epoch\":%d,\"ns\":[", r->epoch);
        for (int a = 0; a < r->n_ns; a++) fprintf(f, a ? ",%d" : "%d", r->ns[a]);
        fputs("],\"loss\":", f); json_num(f, (double)r->loss);
        fputs(",\"accuracy\":{", f);
        for (int a = 0; a < r->n_ns; a++) { fprintf(f, a ? ",\"%d\":" : "\"%d\":", r->ns[a]); json_num(f, (double)r->acc[a]); }
        fputs("},\"acc_mean\":", f); json_num(f, (double)r->acc_mean);
        fprintf(f, ",\"solved\":%s,\"tau\":", r->solved ? "true" : "false");
        tau_json(f, t);
        fputs(",\"seconds\":", f); json_num(f, r->seconds);
        fputs(",\"wall\":", f); json_num(f, wall);
        fputs("}\n", f);
    } else {
        double v[] = {t->mean, t->median, t->sd, t->min, t->max};
        fprintf(f, "%d,", r->epoch);
        for (int a = 0; a < r->n_ns; a++) fprintf(f, a ? ";%d" : "%d", r->ns[a]);
        fputc(',', f);
        if (isfinite(r->loss)) fprintf(f, "%.9g", (double)r->loss);
        fputc(',', f);
        if (isfinite(r->acc_mean)) fprintf(f, "%.9g", (double)r->acc_mean);
        fprintf(f, ",%d", r->solved);
        for (int k = 0; k < 5; k++) { fputc(',', f); if (isfinite(v[k])) fprintf(f, "%.9g", v[k]); }
        if (t->count > 0) fprintf(f, ",%d", t->below_1);
        else fputc(',', f);
        fprintf(f, ",%.9g,%.9g,", r->seconds, wall);
        for (int a = 0; a < r->n_ns; a++) {
            if (a) fputc(';', f);
            if (isfinite(r->acc[a])) fprintf(f, "%.9g", (double)r->acc[a]);
        }
        fputc('\n', f);
    }
    fflush(f);
}
static const char CSV_HEADER[] = "epoch,ns,loss,acc_mean,solved,tau_mean,tau_median,tau_sd,tau_min,tau_max,tau_below_1,seconds,wall,accuracy\n";

/* ---- signals: SIGINT, SIGTERM (e.g. a scheduler's time limit) and SIGHUP end training cleanly:
   the step in progress finishes, DIR/last.safetensors is written, the exit code is 128 + signal. */
static volatile sig_atomic_t g_signal;        /* the signal received, 0 = none */
static rnnts_trainer *volatile g_trainer;     /* the trainer a signal interrupts, NULL = none */
static void on_signal(int sig) {
    rnnts_trainer *tr = g_trainer;
    struct sigaction dfl;
    g_signal = sig;
    if (tr) rnnts_trainer_interrupt(tr); /* async-signal-safe: an atomic store */
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;            /* a second signal ends the process at once */
    sigaction(sig, &dfl, NULL);
}
static const int STOP_SIGNALS[] = {SIGINT, SIGTERM, SIGHUP};
static void signals_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0]; k++) sigaction(STOP_SIGNALS[k], &sa, NULL);
}
/* The pool's workers inherit the mask at creation: they never take the stop signals, which
   therefore reach the thread that trains. */
static rnnts_pool *make_pool_signals_blocked(int threads) {
    sigset_t set, old;
    rnnts_pool *pool;
    sigemptyset(&set);
    for (size_t k = 0; k < sizeof STOP_SIGNALS / sizeof STOP_SIGNALS[0]; k++) sigaddset(&set, STOP_SIGNALS[k]);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    pool = make_pool(threads);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return pool;
}
static const char *signal_name(int sig) { return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal"; }

/* Epoch number at the start of a complete log line (JSONL or CSV); -1 when there is none. */
static int log_line_epoch(const char *line, int csv) {
    int e = -1;
    if (csv) { if (sscanf(line, "%d,", &e) != 1) e = -1; }
    else if (strncmp(line, "{\"epoch\":", 9) == 0) e = atoi(line + 9);
    return e;
}
/* Resuming from a checkpoint of epoch `epoch`: log records of later epochs (written before a
   crash or an interruption, or by the run an older checkpoint continues) and a line a crash cut
   short are dropped, so that the resumed run's records follow without a gap or a repeat. The log
   is rewritten atomically only when something is dropped. Returns the number dropped, -1 on error. */
static int log_truncate_after(const char *path, int csv, int epoch) {
    FILE *f = fopen(path, "r"), *g;
    char tmp[4300], *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int dropped = 0, kept_lines = 0;
    if (!f) return 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(g = fopen(tmp, "w"))) { fclose(f); return -1; }
    while ((len = getline(&line, &cap, f)) > 0) {
        int complete = line[len - 1] == '\n', e = log_line_epoch(line, csv);
        int header = csv && kept_lines == 0 && strncmp(line, "epoch,", 6) == 0;
        if (complete && (header || (e >= 1 && e <= epoch))) { fputs(line, g); kept_lines++; }
        else dropped++;
    }
    free(line);
    fclose(f);
    if (fflush(g) != 0 || fsync(fileno(g)) != 0) { fclose(g); remove(tmp); return -1; }
    if (fclose(g) != 0) { remove(tmp); return -1; }
    if (!dropped) { remove(tmp); return 0; }
    if (rename(tmp, path) != 0) { remove(tmp); return -1; }
    return dropped;
}

/* The network and training configurations the flags describe. */
static void opts_configs(const train_opts *o, rnnts_rnn_config *rc_out, rnnts_train_config *tc_out) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_train_config tc = rnnts_train_config_default();
    rc.model = (rnnts_model)o->model;
    rc.hidden = o->hidden; rc.heads = o->heads; rc.variant = (rnnts_variant)o->variant; rc.k_continuous = o->k_continuous;
    rc.activation = (rnnts_activation)o->activation; rc.tau_init = (float)o->tau_init;
    if (o->fixed_tau_set) { rc.train_tau = 0; rc.fixed_tau = (float)o->fixed_tau; }
    rc.tau_mean = (float)o->tau_mean;
    if (o->k_list.n > 0) rc.k_continuous = o->k_list.v[0]; /* the trainer leaves the network at the first k */
    tc.init_heads = o->init_heads;
    tc.n_k = o->k_list.n;
    for (int j = 0; j < o->k_list.n && j < RNNTS_MAX_K; j++) tc.k_list[j] = o->k_list.v[j];
    tc.task = (rnnts_task)o->task; tc.curriculum = (rnnts_curriculum)o->curriculum;
    tc.n_start = o->n_start; tc.n_add = o->add; tc.window = o->window; tc.slide = o->slide; tc.n_fixed = o->n_fixed;
    tc.batch = o->batch; tc.steps_per_epoch = o->steps; tc.test_batches = o->test_batches; tc.max_epochs = o->max_epochs;
    tc.target_n = o->target_n; tc.time_limit_s = o->time_limit; tc.threshold = (float)o->threshold; tc.seed = o->seed;
    tc.optim = o->optimizer == 1 ? rnnts_optim_config_adam() : rnnts_optim_config_sgd();
    if (o->lr_set || o->optimizer == 0) tc.optim.lr = (float)o->lr;
    if (o->momentum_set || o->optimizer == 0) tc.optim.momentum = (float)o->momentum;
    tc.optim.clip = (float)o->clip;
    *rc_out = rc;
    *tc_out = tc;
}
/* --auto-resume: the run found in --out must be the one the flags describe (the budget may
   differ: it is the flags'). Writes the first difference into why; returns 0 when they agree. */
static int config_differs(const train_opts *o, const rnnts_rnn *net, const rnnts_train_config *have, char *why, size_t cap) {
    rnnts_rnn_config rc;
    rnnts_train_config tc;
    const rnnts_rnn_config *hr = &net->cfg;
    opts_configs(o, &rc, &tc);
#define DIFF_I(name, a, b) do { if ((a) != (b)) { snprintf(why, cap, "%s = %lld, the flags say %lld", name, (long long)(a), (long long)(b)); return 1; } } while (0)
#define DIFF_F(name, a, b) do { if ((a) != (b)) { snprintf(why, cap, "%s = %.9g, the flags say %.9g", name, (double)(a), (double)(b)); return 1; } } while (0)
    DIFF_I("model", hr->model, rc.model);
    DIFF_I("hidden", hr->hidden, rc.hidden);
    DIFF_I("heads", hr->heads, rc.heads);
    if (rc.model == RNNTS_MODEL_RNN) {
        DIFF_I("variant", hr->variant, rc.variant);
        DIFF_I("activation", hr->activation, rc.activation);
        DIFF_I("learnable tau", hr->train_tau, rc.train_tau);
        if (rc.train_tau) DIFF_F("tau_init", hr->tau_init, rc.tau_init);
        else DIFF_F("fixed_tau", hr->fixed_tau, rc.fixed_tau);
        DIFF_I("k_continuous", hr->k_continuous, rc.k_continuous);
        DIFF_F("tau_mean", hr->tau_mean, rc.tau_mean);
    }
    DIFF_I("init_heads", have->init_heads, tc.init_heads);
    DIFF_I("number of k in k_list", have->n_k, tc.n_k);
    for (int j = 0; j < tc.n_k; j++) DIFF_I("k_list value", have->k_list[j], tc.k_list[j]);
    DIFF_I("task", have->task, tc.task);
    DIFF_I("curriculum", have->curriculum, tc.curriculum);
    DIFF_I("n_start", have->n_start, tc.n_start);
    DIFF_I("add", have->n_add, tc.n_add);
    DIFF_I("window", have->window, tc.window);
    DIFF_I("slide", have->slide, tc.slide);
    DIFF_I("n", have->n_fixed, tc.n_fixed);
    DIFF_I("batch", have->batch, tc.batch);
    DIFF_I("steps_per_epoch", have->steps_per_epoch, tc.steps_per_epoch);
    DIFF_I("test_batches", have->test_batches, tc.test_batches);
    DIFF_F("threshold", have->threshold, tc.threshold);
    DIFF_I("seed", have->seed, tc.seed);
    DIFF_I("optimizer", have->optim.kind, tc.optim.kind);
    DIFF_F("lr", have->optim.lr, tc.optim.lr);
    DIFF_F("momentum", have->optim.momentum, tc.optim.momentum);
    DIFF_F("clip", have->optim.clip, tc.optim.clip);
#undef DIFF_I
#undef DIFF_F
    return 0;
}

/* ---- memory limit of training: an allocator that refuses to go beyond a budget, so that a valid
   but huge configuration (--hidden 65536 --heads 65536) ends with "out of memory" and the size it
   needed instead of the kernel's OOM killer. Budget: RNNTS_MEMORY_LIMIT (bytes, or with a K/M/G/T
   suffix) or else the physical memory. Blocks carry their size in a 16-byte header (malloc's
   alignment is kept; the library aligns its arrays itself). */
typedef struct mem_cap {
    size_t limit, live;
} mem_cap;
static void *cap_alloc(size_t size, void *user) {
    mem_cap *c = (mem_cap *)user;
    unsigned char *p;
    size_t live;
    if (size > c->limit || size > SIZE_MAX - 16) return NULL;
    live = __atomic_add_fetch(&c->live, size, __ATOMIC_RELAXED);
    if (live > c->limit || !(p = (unsigned char *)malloc(size + 16))) { __atomic_sub_fetch(&c->live, size, __ATOMIC_RELAXED); return NULL; }
    memcpy(p, &size, sizeof size);
    return p + 16;
}
static void cap_free(void *ptr, void *user) {
    mem_cap *c = (mem_cap *)user;
    size_t size;
    if (!ptr) return;
    memcpy(&size, (unsigned char *)ptr - 16, sizeof size);
    __atomic_sub_fetch(&c->live, size, __ATOMIC_RELAXED);
    free((unsigned char *)ptr - 16);
}
/* Parses "123", "1.5G", "512M" into bytes; 0 when malformed. */
static size_t parse_bytes(const char *s) {
    char *end;
    double v = strtod(s, &end), m = 1.0;
    if (end == s || !(v > 0.0)) return 0;
    switch (*end) {
    case 'k': case 'K': m = 1024.0; end++; break;
    case 'm': case 'M': m = 1048576.0; end++; break;
    case 'g': case 'G': m = 1073741824.0; end++; break;
    case 't': case 'T': m = 1099511627776.0; end++; break;
    default: break;
    }
    if (*end == 'B' || *end == 'b') end++;
    if (*end || v * m >= 1.8e19) return 0;
    return (size_t)(v * m);
}
static size_t memory_limit(void) {
    const char *env = getenv("RNNTS_MEMORY_LIMIT");
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    if (env && *env) {
        size_t b = parse_bytes(env);
        if (b) return b;
        fprintf(stderr, "%s: warning: RNNTS_MEMORY_LIMIT=%s is not a size (e.g. 4G); using the physical memory\n", cli_prog, env);
    }
    return pages > 0 && psz > 0 ? (size_t)pages * (size_t)psz : SIZE_MAX;
}
static void oom_hint(const rnnts_error *e, const mem_cap *c) {
    if (e->code == RNNTS_ERR_OOM)
        fprintf(stderr, "%s: the memory limit is %.2f GB (%s); %.2f GB were in use\n", cli_prog, (double)c->limit / 1073741824.0,
                getenv("RNNTS_MEMORY_LIMIT") && *getenv("RNNTS_MEMORY_LIMIT") ? "RNNTS_MEMORY_LIMIT" : "the physical memory; set RNNTS_MEMORY_LIMIT to change it",
                (double)c->live / 1073741824.0);
}

/* A fresh run's directory: refuses one that holds a run (init or log) unless --force, which removes
   the earlier run's files. 0, or -1 after the message. */
static int train_clear_out(const train_opts *o, const char *dir, const char *init, const char *logpath, int csv) {
    if (!o->force && (file_exists(init) || file_exists(logpath))) {
        fprintf(stderr, "%s: %s already holds a run (%s); use --force to overwrite it or --resume to continue it\n", cli_prog, dir,
                file_exists(init) ? "init.safetensors" : csv ? "log.csv" : "log.jsonl");
        return -1;
    }
    if (o->force) {
        int n = remove_old_run(dir);
        if (n && !o->quiet) fprintf(stderr, "%s: --force: removed %d file%s of an earlier run in %s\n", cli_prog, n, n == 1 ? "" : "s", dir);
    }
    return 0;
}
/* The start line of a fresh run on stderr: configuration, threads, vector path, directory. */
static void train_start_line(const train_opts *o, rnnts_pool *pool, const char *dir) {
    fprintf(stderr, "%s%s%s: %s %s, %s curriculum, H = %d, %d heads, batch %d, %d steps/epoch, %d test batches, seed %llu, %d threads, %s -> %s\n",
            cli_prog, o->label ? " " : "", o->label ? o->label : "", rnnts_model_name((rnnts_model)o->model), o->task ? "dms" : "parity",
            o->curriculum == 0 ? "single" : o->curriculum == 1 ? "multi" : o->curriculum == 2 ? "sliding" : "none", o->hidden,
            o->heads, o->batch, o->steps, o->test_batches, (unsigned long long)o->seed, pool ? rnnts_pool_threads(pool) : 1,
            rnnts_simd_name(), dir);
}
/* The progress line of one epoch on stderr. */
static void train_epoch_line(const train_opts *o, const progress *pr, const rnnts_epoch_report *rep, const tau_stats *ts, const char *solved_name) {
    float amin = rep->acc[0];
    char ns[64], taus[96] = "";
    for (int a = 1; a < rep->n_ns; a++) if (rep->acc[a] < amin) amin = rep->acc[a];
    ns_text(ns, sizeof ns, rep->ns, rep->n_ns);
    if (pr->tty) fputs("\r\033[K", stderr);
    if (ts->count > 0) snprintf(taus, sizeof taus, "  tau %.3f+-%.3f max %.3f", ts->mean, ts->sd, ts->max); /* the leaky RNN only */
    fprintf(stderr, "%s%sepoch %d  N %s  loss %.4f  acc %.2f%% (min %.2f%%)%s  %.1f s%s%s%s",
            o->label ? o->label : "", o->label ? "  " : "", rep->epoch, ns, (double)rep->loss, (double)rep->acc_mean, (double)amin,
            taus, rep->seconds, rep->solved ? "  solved -> " : "", solved_name, rep->done ? "  (done)" : "");
    /* on a terminal the line stays (updating) unless something happened */
    if (!pr->tty || rep->solved || rep->done) fputc('\n', stderr);
    fflush(stderr);
}
/* A solved epoch: its checkpoint DIR/N<lo>_N<hi>.safetensors (name into solved_name) and the
   record in res. 0, or -1 after the message. */
static int train_save_solved(rnnts_trainer *tr, const char *dir, const rnnts_epoch_report *rep, const tau_stats *ts, double wall,
                             train_result *res, char *solved_name, size_t cap) {
    char path[4200];
    rnnts_error e;
    int lo = rep->ns[0], hi = rep->ns[0];
    for (int a = 1; a < rep->n_ns; a++) { if (rep->ns[a] < lo) lo = rep->ns[a]; if (rep->ns[a] > hi) hi = rep->ns[a]; }
    snprintf(solved_name, cap, "N%d_N%d.safetensors", lo, hi);
    path_join(path, sizeof path, dir, solved_name);
    if (rnnts_trainer_save(tr, path, &e) != RNNTS_OK) { fail_msg("save checkpoint", &e); return -1; }
    if (res->n_reached < RNNTS_MAX_NS) {
        reached_n *q = &res->r[res->n_reached++];
        q->N = hi; q->epoch = rep->epoch; q->wall = wall; q->tau = *ts;
    }
    if (hi > res->largest_n) res->largest_n = hi;
    return 0;
}
/* Stopped by a signal: the rolling checkpoint, the message; the exit code (128 + signal, or 1 when
   the checkpoint could not be written). */
static int train_stop_by_signal(rnnts_trainer *tr, const train_opts *o, const progress *pr, const char *last, const char *dir) {
    int sig = g_signal ? g_signal : SIGINT, es = rnnts_trainer_epoch_step(tr);
    char at[96];
    rnnts_error e;
    if (pr->tty && !o->quiet) fputs("\r\033[K", stderr);
    if (es > 0) snprintf(at, sizeof at, "in epoch %d after step %d of %d", rnnts_trainer_epochs(tr) + 1, es, rnnts_trainer_config(tr)->steps_per_epoch);
    else snprintf(at, sizeof at, "after epoch %d", rnnts_trainer_epochs(tr));
    if (rnnts_trainer_save(tr, last, &e) != RNNTS_OK) {
        fail_msg("save checkpoint", &e);
        fprintf(stderr, "%s: stopped by %s %s; the checkpoints written before are intact\n", cli_prog, signal_name(sig), at);
        return CLI_EXIT_FAIL;
    }
    fprintf(stderr, "%s: stopped by %s %s; checkpoint %s (continue with: rnnts train --resume %s)\n", cli_prog, signal_name(sig), at,
            last, dir);
    return 128 + sig;
}
/* The log of a resumed run: its format (the file that exists; csv when only log.csv does) into
   *csv, its path into logpath, the records after epoch ep dropped (written after the checkpoint);
   returns the wall time recorded at epoch ep. */
static double train_resume_log(const train_opts *o, const char *dir, int ep, int *csv, char *logpath, size_t cap) {
    int dropped;
    path_join(logpath, cap, dir, "log.csv");
    if (!*csv && file_exists(logpath)) {
        char j[4200];
        path_join(j, sizeof j, dir, "log.jsonl");
        if (!file_exists(j)) *csv = 1;
    }
    path_join(logpath, cap, dir, *csv ? "log.csv" : "log.jsonl");
    dropped = log_truncate_after(logpath, *csv, ep);
    if (dropped < 0) fprintf(stderr, "%s: warning: cannot rewrite %s: %s\n", cli_prog, logpath, strerror(errno));
    else if (dropped > 0 && !o->quiet)
        fprintf(stderr, "%s: %s: dropped %d record%s after epoch %d (written after the checkpoint)\n", cli_prog, logpath, dropped,
                dropped == 1 ? "" : "s", ep);
    return log_wall_of_epoch(logpath, *csv, ep);
}
/* Runs (or resumes) one training. Returns an exit code; res (may be NULL) receives the Ns reached. */
static int train_run(const train_opts *o, train_result *res) {
    rnnts_error e;
    rnnts_pool *pool = NULL; /* created once the configuration is known to be valid */
    rnnts_rnn *net = NULL;
    rnnts_trainer *tr = NULL;
    int interrupted = 0;
    char last[4200];
    mem_cap cap = {memory_limit(), 0};
    rnnts_allocator alloc = {cap_alloc, cap_free, &cap};
    char dir[4096], path[4200], logpath[4200];
    FILE *logf = NULL;
    int csv = o->log_format == 1, code = CLI_EXIT_FAIL, first = 1;
    double wall0 = 0.0, t_start = now_s();
    progress pr;
    train_result local;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    memset(&pr, 0, sizeof pr);
    pr.tty = isatty(2) && !o->no_tty;
    pr.quiet = o->quiet;
    pr.label = o->label;

    if (o->resume) {
        int ep;
        CLI_FUZZ_STOP();
        pool = make_pool_signals_blocked(o->threads);
        if (o->out) snprintf(dir, sizeof dir, "%s", o->out);
        else path_dir(dir, sizeof dir, o->resume);
        if (rnnts_trainer_resume(o->resume, pool, &alloc, &net, &tr, &e) != RNNTS_OK) { fail_msg("resume", &e); oom_hint(&e, &cap); goto done; }
        if (o->auto_resume) {
            char why[256];
            if (config_differs(o, net, rnnts_trainer_config(tr), why, sizeof why)) {
                fprintf(stderr, "%s: --auto-resume: %s holds another run (%s); use --force to replace it or another --out\n", cli_prog, dir, why);
                code = CLI_EXIT_USAGE;
                goto done;
            }
        }
        if (o->budget_set) { /* extend (or shorten) the budget of the resumed run */
            const rnnts_train_config *rc = rnnts_trainer_config(tr);
            if (rnnts_trainer_set_budget(tr, o->budget_set & 1 ? o->max_epochs : rc->max_epochs, o->budget_set & 2 ? o->target_n : rc->target_n,
                                         o->budget_set & 4 ? o->time_limit : rc->time_limit_s, &e) != RNNTS_OK) { fail_msg("resume", &e); goto done; }
        }
        if (mkdir_p(dir) != 0) { fprintf(stderr, "%s: cannot create directory %s: %s\n", cli_prog, dir, strerror(errno)); goto done; }
        ep = rnnts_trainer_epochs(tr);
        wall0 = train_resume_log(o, dir, ep, &csv, logpath, sizeof logpath);
        if (!o->quiet) {
            int es = rnnts_trainer_epoch_step(tr);
            char at[96] = "";
            if (es > 0) snprintf(at, sizeof at, ", step %d of %d", es, rnnts_trainer_config(tr)->steps_per_epoch);
            fprintf(stderr, "%s: resuming %s after epoch %d%s (%s, H = %d, %d heads); writing to %s\n", cli_prog, o->resume, ep, at,
                    rnnts_model_name(net->cfg.model), net->H, net->K, dir);
        }
    } else {
        rnnts_rnn_config rc;
        rnnts_train_config tc;
        opts_configs(o, &rc, &tc);
        if (rnnts_rnn_config_check(&rc, &e) != RNNTS_OK || rnnts_train_config_check(&tc, NULL, &e) != RNNTS_OK) {
            fail_msg("invalid configuration", &e);
            code = CLI_EXIT_USAGE;
            goto done;
        }
        CLI_FUZZ_STOP();
        pool = make_pool_signals_blocked(o->threads);
        snprintf(dir, sizeof dir, "%s", o->out);
        if (mkdir_p(dir) != 0) { fprintf(stderr, "%s: cannot create directory %s: %s\n", cli_prog, dir, strerror(errno)); goto done; }
        path_join(path, sizeof path, dir, "init.safetensors");
        path_join(logpath, sizeof logpath, dir, csv ? "log.csv" : "log.jsonl");
        if (train_clear_out(o, dir, path, logpath, csv) != 0) goto done;
        if (rnnts_rnn_create(&rc, o->seed, &alloc, &net, &e) != RNNTS_OK) { fail_msg("create network", &e); oom_hint(&e, &cap); goto done; }
        if (rnnts_trainer_create(&tc, net, pool, &alloc, &tr, &e) != RNNTS_OK) {
            fail_msg("create trainer", &e);
            oom_hint(&e, &cap);
            code = e.code == RNNTS_ERR_INVALID_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
            goto done;
        }
        if (rnnts_trainer_save(tr, path, &e) != RNNTS_OK) { fail_msg("save init", &e); goto done; }
        logf = fopen(logpath, "w");
        if (!logf) { fprintf(stderr, "%s: cannot create %s: %s\n", cli_prog, logpath, strerror(errno)); goto done; }
        if (csv) fputs(CSV_HEADER, logf);
        if (!o->quiet) train_start_line(o, pool, dir);
    }
    res->tau_init = tau_stats_of(net);
    rnnts_trainer_on_step(tr, on_step, &pr);
    path_join(last, sizeof last, dir, "last.safetensors");
    g_trainer = tr;
    signals_install();

    for (;;) {
        rnnts_epoch_report rep;
        tau_stats ts;
        double wall;
        int ns_cur[RNNTS_MAX_NS], n_cur = rnnts_trainer_ns(tr, ns_cur, RNNTS_MAX_NS);
        char solved_name[64] = "";
        pr.epoch = rnnts_trainer_epochs(tr) + 1;
        ns_text(pr.ns, sizeof pr.ns, ns_cur, n_cur);
        pr.t0 = pr.t_last = now_s();
        pr.loss_sum = 0.0;
        if (g_signal) { interrupted = 1; break; } /* between epochs */
        if (rnnts_trainer_epoch(tr, &rep, &e) != RNNTS_OK) {
            if (pr.tty && !o->quiet) fputs("\r\033[K", stderr);
            if (e.code == RNNTS_ERR_INTERRUPTED) { interrupted = 1; break; }
            if (first && e.code == RNNTS_ERR_STATE) {
                fprintf(stderr, "%s: the run in %s is already over (%s); nothing to do\n", cli_prog, o->resume ? o->resume : dir, e.msg);
                code = CLI_EXIT_OK;
            } else {
                fail_msg("training stopped", &e);
                oom_hint(&e, &cap);
                fprintf(stderr, "%s: the checkpoints written so far in %s are intact\n", cli_prog, dir);
            }
            goto done;
        }
        if (first && !logf) { /* resume: append to the run's log (opened only once there is a record) */
            int had = file_exists(logpath);
            if (!(logf = fopen(logpath, "a"))) { fprintf(stderr, "%s: cannot open %s: %s\n", cli_prog, logpath, strerror(errno)); goto done; }
            if (csv && !had) fputs(CSV_HEADER, logf);
        }
        first = 0;
        ts = tau_stats_of(net);
        wall = wall0 + (now_s() - t_start);
        log_record(logf, csv, &rep, &ts, wall);
        res->epochs = rep.epoch;
        res->wall = wall;
        if (rep.solved && train_save_solved(tr, dir, &rep, &ts, wall, res, solved_name, sizeof solved_name) != 0) goto done;
        /* the rolling checkpoint: a crash loses at most the epoch in progress */
        if (rnnts_trainer_save(tr, last, &e) != RNNTS_OK) {
            fail_msg("save checkpoint", &e);
            fprintf(stderr, "%s: the checkpoints written before are intact\n", cli_prog);
            goto done;
        }
        if (!o->quiet) train_epoch_line(o, &pr, &rep, &ts, solved_name);
        pr.have_acc = 1;
        pr.last_acc = rep.acc_mean;
        if (rep.done) break;
    }
    if (interrupted) {
        code = train_stop_by_signal(tr, o, &pr, last, dir);
        goto done;
    }
    if (!o->quiet)
        fprintf(stderr, "%s%s%s: finished after epoch %d (%.1f s); largest N solved: %s%d; files in %s\n", cli_prog, o->label ? " " : "",
                o->label ? o->label : "", res->epochs, now_s() - t_start, res->largest_n ? "" : "none ", res->largest_n, dir);
    code = CLI_EXIT_OK;
done:
    g_trainer = NULL;
    if (logf) fclose(logf);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    rnnts_pool_destroy(pool);
    return code;
}

/* Flag table of train (shared with compare, which uses a subset). */
#define TRAIN_FLAGS(o)                                                                                                   \
    {"--model", CLI_ENUM, &(o).model, 0, 0, MODELS, NULL, "network: leaky RNN with tau, GRU or LSTM (default rnn)", 0, 0}, \
    {"--task", CLI_ENUM, &(o).task, 0, 0, TASKS, NULL, "task (default parity)", 0, 0},                                  \
    {"--curriculum", CLI_ENUM, &(o).curriculum, 0, 0, CURRICULA, NULL, "curriculum (default multi)", 0, 0},              \
    {"--hidden", CLI_INT, &(o).hidden, 1, 65536, NULL, "H", "hidden units (default 500)", 0, 0},                       \
    {"--heads", CLI_INT, &(o).heads, 1, 65536, NULL, "K", "readout heads (default 100)", 0, 0},                          \
    {"--batch", CLI_INT, &(o).batch, 1, 65536, NULL, "B", "batch size (default 256; gru/lstm 64)", 0, 0},                \
    {"--steps-per-epoch", CLI_INT, &(o).steps, 1, 100000000, NULL, "S", "training steps per epoch (default 600; gru/lstm 300)", 0, 0}, \
    {"--test-batches", CLI_INT, &(o).test_batches, 1, 1000000, NULL, "T", "test batches per epoch (default 50)", 0, 0}, \
    {"--max-epochs", CLI_INT, &(o).max_epochs, 1, 100000000, NULL, "E", "epoch budget (default 1000; gru/lstm 100)", 0, 0},            \
    {"--target-n", CLI_INT, &(o).target_n, 0, 100000, NULL, "N", "stop once N is solved (default 0 = no target)", 0, 0}, \
    {"--variant", CLI_ENUM, &(o).variant, 0, 0, VARIANTS, NULL, "model variant (default default)", 0, 0},               \
    {"--activation", CLI_ENUM, &(o).activation, 0, 0, ACTIVATIONS, NULL, "nonlinearity (default leakyrelu)", 0, 0},     \
    {"--fixed-tau", CLI_DOUBLE, &(o).fixed_tau, 1, 1e6, NULL, "X", "fixed tau for all neurons (default: learnable)", 0, 0}, \
    {"--tau-init", CLI_DOUBLE, &(o).tau_init, 0, 1e6, NULL, "X", "learnable tau starts at X + U[0,1) (default 1)", 0, 0}, \
    {"--k-continuous", CLI_INT, &(o).k_continuous, 0, 10000, NULL, "K", "continuous time, dt = 1/K: inputs repeated K times (needs --variant mod; default 0 = discrete)", 0, 0}, \
    {"--k-list", CLI_NLIST, &(o).k_list, 1, 10000, NULL, "LIST", "continuous time over several dt = 1/k, e.g. 1,2,5: per step one update per k in order, tested at every k (needs --variant mod; at most 16)", 0, 0}, \
    {"--init-tau-mean", CLI_DOUBLE, &(o).tau_mean, 0.001, 1e6, NULL, "X", "rescale the initial learnable tau to mean X (the reference's init_tau; --tau-init shifts instead)", 0, 0}, \
    {"--seed", CLI_U64, &(o).seed, 0, 0, NULL, "S", "seed of initialisation and data (default 0)", 0, 0},                \
    {"--threads", CLI_INT, &(o).threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},         \
    {"--n-start", CLI_INT, &(o).n_start, 1, 100000, NULL, "N", "first N (default 2)", 0, 0},                             \
    {"--add", CLI_INT, &(o).add, 1, RNNTS_MAX_NS, NULL, "K", "multi: Ns added per success (default 1)", 0, 0},          \
    {"--init-heads", CLI_INT, &(o).init_heads, 1, RNNTS_MAX_NS, NULL, "K", "multi: start with K heads, Ns n-start..n-start+K-1 (the reference's -ih; default 1)", 0, 0}, \
    {"--preset", CLI_STR, &(o).preset, 0, 0, NULL, "NAME", "sliding_W_F: sliding curriculum, window W sliding by F (the reference's sliding_W_F runs, e.g. sliding_10_5)", 0, 0}, \
    {"--window", CLI_INT, &(o).window, 1, RNNTS_MAX_NS, NULL, "W", "sliding: Ns in the window (default 5)", 0, 0},       \
    {"--slide", CLI_INT, &(o).slide, 1, RNNTS_MAX_NS, NULL, "S", "sliding: slide per success (default 1)", 0, 0},       \
    {"--n", CLI_INT, &(o).n_fixed, 1, 100000, NULL, "N", "curriculum none: the N trained (default 2)", 0, 0},           \
    {"--lr", CLI_DOUBLE, &(o).lr, 0, 1e6, NULL, "X", "learning rate (default 0.05 sgd, 0.001 adam)", 1, 0},            \
    {"--momentum", CLI_DOUBLE, &(o).momentum, 0, 0.999999, NULL, "X", "Nesterov momentum of sgd (default 0.1)", 0, 0}, \
    {"--optimizer", CLI_ENUM, &(o).optimizer, 0, 0, OPTIMIZERS, NULL, "optimiser (default sgd; gru/lstm adam)", 0, 0},               \
    {"--clip", CLI_DOUBLE, &(o).clip, 0, 1e9, NULL, "X", "global gradient-norm clip, 0 = off (default 2)", 0, 0},      \
    {"--threshold", CLI_DOUBLE, &(o).threshold, 0, 100, NULL, "PCT", "accuracy (%) to advance (default 98)", 0, 0},     \
    {"--time-limit", CLI_DOUBLE, &(o).time_limit, 0, 1e9, NULL, "SECONDS", "wall-clock budget, checked between epochs (default 0 = none)", 0, 0}, \
    {"--log-format", CLI_ENUM, &(o).log_format, 0, 0, LOG_FORMATS, NULL, "per-epoch log: DIR/log.jsonl or DIR/log.csv (default jsonl)", 0, 0}, \
    {"--quiet", CLI_FLAG, &(o).quiet, 0, 0, NULL, NULL, "no progress on stderr", 0, 0}

static void train_help(const cli_flag *flags, int n) {
    printf("usage: rnnts train [flags] --out DIR [--auto-resume]\n"
           "       rnnts train --resume DIR | DIR/<checkpoint>.safetensors [--out DIR] [--threads P] [--quiet]\n"
           "                   [--max-epochs E] [--target-n N] [--time-limit SECONDS]   (a new budget)\n\n"
           "Trains a leaky RNN with learnable time constants (--model rnn), a GRU or an LSTM on N-parity or\n"
           "N-DMS with a curriculum.\n"
           "Writes DIR/init.safetensors (the initial network), DIR/N<min>_N<max>.safetensors each time an\n"
           "epoch solves its Ns (network plus optimiser and trainer state, usable with --resume), and\n"
           "DIR/log.jsonl (one JSON object per epoch), and after every epoch DIR/last.safetensors (the\n"
           "rolling checkpoint: a crash loses at most the epoch in progress). Every file is written\n"
           "atomically (a failed write leaves the previous file intact). Progress goes to stderr.\n"
           "SIGINT, SIGTERM or SIGHUP: the step in progress finishes, DIR/last.safetensors is written (mid-\n"
           "epoch if need be) and train exits with 128 + the signal (130, 143, 129); a second signal ends it\n"
           "at once. --resume DIR continues from DIR/last.safetensors. A resumed run writes the same\n"
           "checkpoints, bit for bit, as an uninterrupted one; log records after the checkpoint's epoch are\n"
           "dropped, then the log is appended to. --auto-resume (for sweeps and requeued jobs): when --out\n"
           "holds last.safetensors of the same configuration, continue it (the budget flags apply; a run\n"
           "that is over exits 0), otherwise start the run. Memory: training allocates at most the\n"
           "physical memory, or RNNTS_MEMORY_LIMIT (e.g. 4G) when set; beyond it train exits 1 with\n"
           "\"out of memory\" and the size it needed.\n"
           "--model gru|lstm (PyTorch's nn.GRU / nn.LSTM, one layer; the input bit s enters as 2s - 1)\n"
           "defaults to the reference's LSTM protocol (rnnts_train_config_lstm): Adam lr 0.001, batch 64,\n"
           "300 steps per epoch, 50 test batches, clip 2, 100 epochs; each flag overrides its value.\n"
           "--variant, --activation, --fixed-tau, --tau-init, --init-tau-mean, --k-continuous and --k-list\n"
           "apply to --model rnn only; the log's tau statistics are null for gru/lstm.\n"
           "--tau-init X starts learnable tau at X + U[0,1) (a shift; what the reference's -T flag did, as\n"
           "its script re-enables tau training); --init-tau-mean X draws 1 + U[0,1) and rescales to mean X\n"
           "(the reference's init_tau); --fixed-tau X really fixes tau.\n"
           "--k-list 1,2,5 (with --variant mod) trains in continuous time over every k in turn, as the\n"
           "reference's continuous-time script: each training step is one update per k (its own batch),\n"
           "the test runs at every k, and an N's accuracy is the mean over k.\n"
           "The reference's sliding runs: --preset sliding_10_5 (window 10, slide 5: the published\n"
           "sliding_10_5_* networks); its script's own defaults (1 head, forget 1) are sliding_1_1.\n"
           "rnnts's sliding defaults are --window 5 --slide 1.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}

/* --model gru|lstm: the tau-only flags are usage errors; unset flags take rnnts_train_config_lstm()'s values.
   Returns 0, or -1 with a usage message. */
static int train_apply_model(train_opts *o, cli_flag *flags, int nf, char *msg, size_t cap) {
    static const char *const tau_only[] = {"--variant", "--activation", "--fixed-tau", "--tau-init", "--init-tau-mean", "--k-continuous",
                                           "--k-list"};
    rnnts_train_config lc = rnnts_train_config_lstm();
    char m[16];
    if (o->model == RNNTS_MODEL_RNN) return 0;
    cli_choice(MODELS, o->model, m, sizeof m);
    for (size_t q = 0; q < sizeof tau_only / sizeof tau_only[0]; q++)
        if (cli_seen(flags, nf, tau_only[q])) {
            snprintf(msg, cap, "%s applies to --model rnn only (a %s has no tau, variant or activation choice)", tau_only[q], m);
            return -1;
        }
    if (!cli_seen(flags, nf, "--batch")) o->batch = lc.batch;
    if (!cli_seen(flags, nf, "--steps-per-epoch")) o->steps = lc.steps_per_epoch;
    if (!cli_seen(flags, nf, "--test-batches")) o->test_batches = lc.test_batches;
    if (!cli_seen(flags, nf, "--max-epochs")) o->max_epochs = lc.max_epochs;
    if (!cli_seen(flags, nf, "--optimizer")) o->optimizer = lc.optim.kind == RNNTS_OPT_ADAM ? 1 : 0;
    if (!cli_seen(flags, nf, "--lr")) o->lr = lc.optim.lr;
    if (!cli_seen(flags, nf, "--clip")) o->clip = lc.optim.clip;
    if (!cli_seen(flags, nf, "--threshold")) o->threshold = lc.threshold;
    return 0;
}

/* --preset, --k-list, --init-tau-mean and --init-heads (the reference's options): applies the
   preset to o and checks the combinations. Returns 0, or -1 with a usage message. */
static int train_check_reference_opts(train_opts *o, cli_flag *flags, int nf, char *msg, size_t cap) {
    if (o->preset) {
        rnnts_train_config pc = rnnts_train_config_default();
        rnnts_error e;
        if (cli_seen(flags, nf, "--window") || cli_seen(flags, nf, "--slide")) {
            snprintf(msg, cap, "--preset %s sets the window and the slide; drop --window/--slide", o->preset);
            return -1;
        }
        if (cli_seen(flags, nf, "--curriculum") && o->curriculum != RNNTS_CURR_SLIDING) {
            snprintf(msg, cap, "--preset %s is a sliding curriculum; --curriculum must be sliding or absent", o->preset);
            return -1;
        }
        if (rnnts_train_config_preset(o->preset, &pc, &e) != RNNTS_OK) { snprintf(msg, cap, "--%s", e.msg); return -1; }
        o->curriculum = pc.curriculum; o->window = pc.window; o->slide = pc.slide;
    }
    if (o->k_list.n > 0) {
        if (o->k_list.n > RNNTS_MAX_K) { snprintf(msg, cap, "--k-list: %d values, allowed at most %d", o->k_list.n, RNNTS_MAX_K); return -1; }
        if (cli_seen(flags, nf, "--k-continuous")) {
            snprintf(msg, cap, "--k-list and --k-continuous exclude each other (--k-list %d is --k-continuous %d)", o->k_list.v[0], o->k_list.v[0]);
            return -1;
        }
        if (o->variant != RNNTS_VARIANT_MOD) { snprintf(msg, cap, "--k-list needs --variant mod (the continuous-time model is the mod form)"); return -1; }
    }
    if (o->tau_mean > 0.0 && cli_seen(flags, nf, "--fixed-tau")) {
        snprintf(msg, cap, "--init-tau-mean rescales learnable tau; with --fixed-tau there is nothing to rescale");
        return -1;
    }
    if (o->init_heads != 1 && o->curriculum != RNNTS_CURR_MULTI) {
        snprintf(msg, cap, "--init-heads %d applies to --curriculum multi only (sliding starts with its --window)", o->init_heads);
        return -1;
    }
    if (o->init_heads > o->heads) {
        snprintf(msg, cap, "--heads %d: allowed %d..65536 (--init-heads needs as many heads)", o->heads, o->init_heads);
        return -1;
    }
    return 0;
}

/* The checks of a new run's flags beyond each flag's own range, shared by train and sweep (which
   validates every run of a sweep before any starts). Applies the --model defaults to o.
   Returns 0, or -1 with a usage message. */
static int train_opts_check(train_opts *o, cli_flag *flags, int nf, char *msg, size_t cap) {
    o->lr_set = cli_seen(flags, nf, "--lr");
    o->momentum_set = cli_seen(flags, nf, "--momentum");
    o->fixed_tau_set = cli_seen(flags, nf, "--fixed-tau");
    if (train_apply_model(o, flags, nf, msg, cap) != 0) return -1;
    if (train_check_reference_opts(o, flags, nf, msg, cap) != 0) return -1;
    if (o->k_continuous > 0 && o->variant != RNNTS_VARIANT_MOD) {
        snprintf(msg, cap, "--k-continuous %d needs --variant mod (the continuous-time model is the mod form)", o->k_continuous);
        return -1;
    }
    if (o->curriculum == RNNTS_CURR_SLIDING) {
        if (o->slide > o->window) { snprintf(msg, cap, "--slide %d: allowed 1..%d (the --window)", o->slide, o->window); return -1; }
        if (o->heads < o->window) {
            snprintf(msg, cap, "--heads %d: allowed %d..65536 (the sliding window needs --window heads)", o->heads, o->window);
            return -1;
        }
    }
    return 0;
}

static int cmd_train(int argc, char **argv) {
    train_opts o;
    const char *pos[1];
    train_opts_default(&o);
    cli_flag flags[] = {
        TRAIN_FLAGS(o),
        {"--out", CLI_STR, &o.out, 0, 0, NULL, "DIR", "output directory (created; default with --resume: the checkpoint's)", 0, 0},
        {"--resume", CLI_STR, &o.resume, 0, 0, NULL, "FILE", "continue a run from a checkpoint written by train", 0, 0},
        {"--force", CLI_FLAG, &o.force, 0, 0, NULL, NULL, "replace a run already in --out (removes its init, checkpoints and log)", 0, 0},
        {"--auto-resume", CLI_FLAG, &o.auto_resume, 0, 0, NULL, NULL, "continue the run in --out if there is one (same configuration required; the budget is the flags'), else start it", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    char auto_path[4200];
    cli_prog = "rnnts train";
    cli_parse(argc, argv, 2, flags, nf, pos, 0, train_help);
    if (o.resume) {
        /* The configuration comes from the checkpoint; only output and execution flags apply. */
        static const char *const ok[] = {"--resume", "--out", "--threads", "--quiet", "--log-format", "--force",
                                         "--max-epochs", "--target-n", "--time-limit"};
        static char in_dir[4200];
        struct stat st;
        for (int k = 0; k < nf; k++) {
            int allowed = 0;
            for (size_t q = 0; q < sizeof ok / sizeof ok[0]; q++) allowed |= strcmp(flags[k].name, ok[q]) == 0;
            if (flags[k].seen && !allowed)
                cli_usage_error("%s cannot be used with --resume: the configuration comes from the checkpoint (allowed with --resume: --out, --threads, --quiet, --log-format, and the budget: --max-epochs, --target-n, --time-limit)",
                                flags[k].name);
        }
        if (stat(o.resume, &st) == 0 && S_ISDIR(st.st_mode)) { /* a run directory: its rolling checkpoint */
            path_join(in_dir, sizeof in_dir, o.resume, "last.safetensors");
            if (!file_exists(in_dir)) cli_usage_error("--resume %s: the directory has no last.safetensors (give a checkpoint file)", o.resume);
            o.resume = in_dir;
        }
        if (!file_exists(o.resume)) cli_usage_error("--resume %s: no such file", o.resume);
        o.budget_set = (cli_seen(flags, nf, "--max-epochs") ? 1 : 0) | (cli_seen(flags, nf, "--target-n") ? 2 : 0) |
                       (cli_seen(flags, nf, "--time-limit") ? 4 : 0);
        return train_run(&o, NULL);
    }
    if (!o.out) cli_usage_error("--out DIR is required (or --resume FILE)");
    {
        char msg[512];
        if (train_opts_check(&o, flags, nf, msg, sizeof msg) != 0) cli_usage_error("%s", msg);
    }
    if (o.auto_resume && o.force) cli_usage_error("--auto-resume and --force exclude each other (continue the run in --out, or replace it)");
    if (o.auto_resume) {
        path_join(auto_path, sizeof auto_path, o.out, "last.safetensors");
        if (file_exists(auto_path)) {
            o.resume = auto_path;
            o.budget_set = 7; /* the flags' budget (defaults included): a sweep may extend it */
            if (!o.quiet) fprintf(stderr, "%s: --auto-resume: continuing the run in %s\n", cli_prog, o.out);
        } else {
            /* no rolling checkpoint: a run that died in its first epoch starts again; anything
               else (checkpoints of an older rnnts, a log with records) is not replaced silently */
            char p1[4200], p2[4200];
            path_join(p1, sizeof p1, o.out, "log.jsonl");
            path_join(p2, sizeof p2, o.out, "log.csv");
            if (dir_has_checkpoints(o.out) || log_has_records(p1) || log_has_records(p2))
                cli_usage_error("--auto-resume: %s holds a run without last.safetensors; continue it with --resume FILE or replace it with --force", o.out);
            o.force = 1;
        }
    }
    if (o.curriculum != RNNTS_CURR_SLIDING) {
        if (cli_seen(flags, nf, "--window")) fprintf(stderr, "%s: warning: --window applies to --curriculum sliding only\n", cli_prog);
        if (cli_seen(flags, nf, "--slide")) fprintf(stderr, "%s: warning: --slide applies to --curriculum sliding only\n", cli_prog);
    }
    if (o.curriculum != RNNTS_CURR_MULTI && cli_seen(flags, nf, "--add")) fprintf(stderr, "%s: warning: --add applies to --curriculum multi only\n", cli_prog);
    if (o.curriculum != RNNTS_CURR_NONE && cli_seen(flags, nf, "--n")) fprintf(stderr, "%s: warning: --n applies to --curriculum none only\n", cli_prog);
    if (o.curriculum == RNNTS_CURR_NONE && cli_seen(flags, nf, "--n-start")) fprintf(stderr, "%s: warning: --n-start does not apply to --curriculum none (use --n)\n", cli_prog);
    if (o.optimizer == 1 && o.momentum_set) fprintf(stderr, "%s: warning: --momentum applies to --optimizer sgd only\n", cli_prog);
    return train_run(&o, NULL);
}

/* ======================================================================================== */
/* eval                                                                                      */
/* ======================================================================================== */
/* Loads a model; exits 1 with a message when it fails. */
static rnnts_rnn *load_model(const char *path) {
    rnnts_rnn *net = NULL;
    rnnts_error e;
    if (rnnts_rnn_load(path, NULL, &net, &e) != RNNTS_OK) {
        fprintf(stderr, "%s: %s: %s\n", cli_prog, path, e.msg);
        cli_exit(CLI_EXIT_FAIL);
    }
    CLI_FUZZ_OWN(net);
    return net;
}
/* Task from --task if given, else the model's metadata, else parity. */
static int task_of(int flag_task, int given, const rnnts_rnn *net) {
    if (given) return flag_task;
    return strcmp(net->meta.task, "dms") == 0 ? 1 : 0;
}
/* Heads for the requested Ns (usage error naming the N when one is outside the network). */
static void heads_for(const rnnts_rnn *net, const cli_nlist *ns, int *heads) {
    char why[256];
    for (int a = 0; a < ns->n; a++) {
        for (int b = 0; b < a; b++)
            if (ns->v[b] == ns->v[a]) cli_usage_error("--N: N = %d given twice", ns->v[a]);
        heads[a] = head_for(net, ns->v[a], why, sizeof why);
        if (heads[a] < 0) cli_usage_error("--N %d: %s", ns->v[a], why);
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
static int cmd_eval(int argc, char **argv) {
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
static int cmd_grad(int argc, char **argv) {
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
        const char *meta[] = {"active_heads", heads_s, "ns", ns_s, "task", task ? "dms" : "parity", "seed", seed_s,
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
        snprintf(sum_s, sizeof sum_s, "%016llx", (unsigned long long)param_checksum(net));
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
static int cmd_import(int argc, char **argv) {
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
    snprintf(net->meta.task, sizeof net->meta.task, "%s", task ? "dms" : "parity");
    if (curriculum >= 0) {
        snprintf(net->meta.curriculum, sizeof net->meta.curriculum, "%s",
                 curriculum == 0 ? "single" : curriculum == 1 ? "multi" : curriculum == 2 ? "sliding" : "none");
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
static int cmd_info(int argc, char **argv) {
    int json = 0;
    const char *pos[1];
    cli_flag flags[] = {{"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0}};
    rnnts_rnn *net;
    st_header h;
    char msg[512], sel[160];
    tau_stats t;
    uint64_t sum;
    cli_prog = "rnnts info";
    if (cli_parse(argc, argv, 2, flags, 1, pos, 1, info_help) != 1) cli_usage_error("MODEL is required");
    net = load_model(pos[0]);
    if (st_header_read(pos[0], &h, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s: %s\n", cli_prog, msg);
        rnnts_rnn_destroy(net);
        return CLI_EXIT_FAIL;
    }
    t = tau_stats_of(net);
    sum = param_checksum(net);
    simd_selection(sel, sizeof sel);
    if (json) {
        printf("{\"file\":"); json_str(stdout, pos[0]);
        printf(",\"build\":"); json_str(stdout, rnnts_build_info());
        printf(",\"simd\":"); json_str(stdout, sel);
        printf(",\"metadata\":{");
        for (int i = 0; i < h.n_meta; i++) { if (i) putchar(','); json_str(stdout, h.meta[i].key); putchar(':'); json_str(stdout, h.meta[i].val); }
        printf("},\"model\":\"%s\",\"hidden\":%d,\"heads\":%d,\"parameters\":%zu,\"tensors\":[", rnnts_model_name(net->cfg.model), net->H, net->K,
               net->n_param);
        for (int i = 0; i < h.n_tensors; i++) {
            printf(i ? ",{\"name\":" : "{\"name\":"); json_str(stdout, h.t[i].name);
            printf(",\"dtype\":"); json_str(stdout, h.t[i].dtype);
            printf(",\"shape\":[");
            for (int d = 0; d < h.t[i].ndim && d < 8; d++) printf(d ? ",%lld" : "%lld", (long long)h.t[i].shape[d]);
            printf("]}");
        }
        printf("],\"tau\":");
        tau_json(stdout, &t);
        printf(",\"tau_count\":%d,\"checksum_xxh3\":\"%016llx\"}\n", t.count, (unsigned long long)sum);
    } else {
        printf("file        %s (%llu bytes, header %llu bytes)\n", pos[0], (unsigned long long)h.file_size, (unsigned long long)h.header_len);
        printf("network     %s, H = %d, %d heads, %zu parameters, %s\n", rnnts_model_name(net->cfg.model), net->H, net->K, net->n_param,
               net->cfg.model != RNNTS_MODEL_RNN ? "no tau" : net->cfg.train_tau ? "learnable tau" : "fixed tau");
        printf("metadata    (%d keys)\n", h.n_meta);
        for (int i = 0; i < h.n_meta; i++) printf("  %-20s %s\n", h.meta[i].key, h.meta[i].val);
        printf("tensors     (%d)\n", h.n_tensors);
        for (int i = 0; i < h.n_tensors; i++) {
            char shape[128] = "[";
            size_t u = 1;
            for (int d = 0; d < h.t[i].ndim && d < 8; d++) {
                int w = snprintf(shape + u, sizeof shape - u, d ? ", %lld" : "%lld", (long long)h.t[i].shape[d]);
                if (w > 0 && (size_t)w < sizeof shape - u) u += (size_t)w;
            }
            snprintf(shape + u, sizeof shape - u, "]");
            printf("  %-32s %-4s %s\n", h.t[i].name, h.t[i].dtype, shape);
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
    st_header_free(&h);
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
static int cmd_selfcheck(int argc, char **argv) {
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

/* ======================================================================================== */
/* compare                                                                                   */
/* ======================================================================================== */
static void compare_help(const cli_flag *flags, int n) {
    printf("usage: rnnts compare [flags]\n\n"
           "Trains a multi-head and a single-head network on N-parity at a small size, each for a wall-clock\n"
           "budget, then prints a table (per curriculum: the Ns reached, the epoch each was solved at, and\n"
           "the mean / SD / max of the trained tau at that moment) and writes DIR/tau_vs_N.svg (mean tau\n"
           "with SD bars and max tau vs N, one colour per curriculum), with the checkpoints and logs of the\n"
           "runs in DIR/multi and DIR/single. With two or more CPUs the two runs train side by side, in two\n"
           "processes of --threads threads each, each for the whole budget (about 3 minutes with the\n"
           "defaults); --sequential runs one after the other (twice as long). Both runs use the same seed,\n"
           "so they start from the same network, and train the same bits either way.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
/* The two runs of compare in two child processes at once (train_run keeps per-process state:
   signal flags, the trainer being saved); each child sends its train_result back through a pipe.
   A signal reaches both children (same process group): each saves its checkpoint and exits. */
static int compare_side_by_side(train_opts o[2], train_result res[2]) {
    pid_t pid[2] = {-1, -1};
    int fd[2][2] = {{-1, -1}, {-1, -1}}, code = CLI_EXIT_OK;
    fflush(NULL);
    for (int k = 0; k < 2; k++) {
        o[k].no_tty = 1; /* two progress streams on one terminal: whole lines */
        if (pipe(fd[k]) != 0) { fprintf(stderr, "%s: pipe: %s\n", cli_prog, strerror(errno)); code = CLI_EXIT_FAIL; break; }
        pid[k] = fork();
        if (pid[k] == 0) {
            train_result r;
            int rc;
            const char *p = (const char *)&r;
            size_t left = sizeof r;
            close(fd[k][0]);
            memset(&r, 0, sizeof r);
            rc = train_run(&o[k], &r);
            while (left > 0) {
                ssize_t w = write(fd[k][1], p, left);
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) _exit(CLI_EXIT_FAIL);
                p += w; left -= (size_t)w;
            }
            _exit(rc);
        }
        close(fd[k][1]);
        if (pid[k] < 0) { fprintf(stderr, "%s: fork: %s\n", cli_prog, strerror(errno)); code = CLI_EXIT_FAIL; }
    }
    for (int k = 0; k < 2; k++) {
        char *p = (char *)&res[k];
        size_t got = 0;
        int st = 0;
        if (pid[k] < 0) { if (fd[k][0] >= 0) close(fd[k][0]); continue; }
        while (got < sizeof res[k]) { /* read before waiting: the child may block on a full pipe */
            ssize_t n = read(fd[k][0], p + got, sizeof res[k] - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += (size_t)n;
        }
        close(fd[k][0]);
        while (waitpid(pid[k], &st, 0) < 0 && errno == EINTR) {}
        if (!WIFEXITED(st) || WEXITSTATUS(st) != CLI_EXIT_OK || got != sizeof res[k]) {
            fprintf(stderr, "%s: the %s run did not finish (%s %d)\n", cli_prog, o[k].label, WIFEXITED(st) ? "exit" : "signal",
                    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
            code = CLI_EXIT_FAIL;
        }
    }
    return code;
}
static int cmd_compare(int argc, char **argv) {
    train_opts base;
    const char *out = "build/compare", *pos[1];
    int curricula[2] = {RNNTS_CURR_MULTI, RNNTS_CURR_SINGLE}, code = CLI_EXIT_OK;
    static train_result res[2];
    const char *names[2] = {"multi", "single"}, *colors[2] = {"#1f6fb4", "#e0682a"};
    train_opts_default(&base);
    int sequential = 0;
    base.hidden = 96; base.batch = 96; base.steps = 150; base.test_batches = 10; base.max_epochs = 5000; base.time_limit = 160;
    base.heads = 60;
    base.threads = 1; /* measured: at H = 96 a second thread gains less than a second run beside it */
    {
        cli_flag flags[] = {
            {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "output directory (default build/compare)", 0, 0},
            {"--hidden", CLI_INT, &base.hidden, 1, 65536, NULL, "H", "hidden units (default 96)", 0, 0},
            {"--heads", CLI_INT, &base.heads, 1, 65536, NULL, "K", "readout heads (default 60)", 0, 0},
            {"--batch", CLI_INT, &base.batch, 1, 65536, NULL, "B", "batch size (default 96)", 0, 0},
            {"--steps-per-epoch", CLI_INT, &base.steps, 1, 100000000, NULL, "S", "training steps per epoch (default 150)", 0, 0},
            {"--test-batches", CLI_INT, &base.test_batches, 1, 1000000, NULL, "T", "test batches per epoch (default 10)", 0, 0},
            {"--max-epochs", CLI_INT, &base.max_epochs, 1, 100000000, NULL, "E", "epoch budget per curriculum (default 5000: the wall-clock budget decides)", 0, 0},
            {"--time-limit", CLI_DOUBLE, &base.time_limit, 0, 1e9, NULL, "SECONDS", "wall-clock budget per curriculum (default 160; with --sequential\n                                 the two budgets add up; 0 = none)", 0, 0},
            {"--sequential", CLI_FLAG, &sequential, 0, 0, NULL, NULL, "one run after the other (default: side by side when there are 2+ CPUs)", 0, 0},
            {"--target-n", CLI_INT, &base.target_n, 0, 100000, NULL, "N", "stop a run once N is solved (default 0 = no target)", 0, 0},
            {"--task", CLI_ENUM, &base.task, 0, 0, TASKS, NULL, "task (default parity)", 0, 0},
            {"--seed", CLI_U64, &base.seed, 0, 0, NULL, "S", "seed (default 0)", 0, 0},
            {"--threads", CLI_INT, &base.threads, 1, 256, NULL, "P", "threads per run (default 1)", 0, 0},
            {"--lr", CLI_DOUBLE, &base.lr, 0, 1e6, NULL, "X", "learning rate (default 0.05)", 1, 0},
            {"--threshold", CLI_DOUBLE, &base.threshold, 0, 100, NULL, "PCT", "accuracy (%) to advance (default 98)", 0, 0},
            {"--quiet", CLI_FLAG, &base.quiet, 0, 0, NULL, NULL, "no progress on stderr", 0, 0},
        };
        int nf = (int)(sizeof flags / sizeof flags[0]);
        cli_prog = "rnnts compare";
        cli_parse(argc, argv, 2, flags, nf, pos, 0, compare_help);
    }
    base.force = 1;
    {
        static char dirs[2][4096], labels[2][32];
        train_opts o[2];
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        for (int k = 0; k < 2; k++) {
            o[k] = base;
            snprintf(dirs[k], sizeof dirs[k], "%s/%s", out, names[k]);
            snprintf(labels[k], sizeof labels[k], "[%s]", names[k]);
            o[k].out = dirs[k];
            o[k].curriculum = curricula[k];
            o[k].label = labels[k];
        }
#ifdef CLI_FUZZ
        sequential = 1; /* train_run stops the fuzz input after its checks: no child processes */
#endif
        if (!sequential && ncpu >= 2) {
            if (compare_side_by_side(o, res) != CLI_EXIT_OK) return CLI_EXIT_FAIL;
        } else {
            for (int k = 0; k < 2; k++)
                if (train_run(&o[k], &res[k]) != CLI_EXIT_OK) return CLI_EXIT_FAIL;
        }
    }
    /* table */
    printf("# rnnts compare: %s, H = %d, %d heads, batch %d, %d steps/epoch, %d test batches, budget %g s and %d epochs per curriculum, seed %llu\n",
           base.task ? "N-DMS" : "N-parity", base.hidden, base.heads, base.batch, base.steps, base.test_batches, base.time_limit, base.max_epochs,
           (unsigned long long)base.seed);
    for (int k = 0; k < 2; k++)
        printf("# %-6s reached N = %d after %d epochs (%.1f s)\n", names[k], res[k].largest_n, res[k].epochs, res[k].wall);
    printf("# initial tau: mean %.4f, sd %.4f, max %.4f\n", res[0].tau_init.mean, res[0].tau_init.sd, res[0].tau_init.max);
    printf("%-10s %4s %7s %7s %9s %9s %9s %9s %6s\n", "curriculum", "N", "epoch", "epochs", "seconds", "tau_mean", "tau_sd", "tau_max", "tau<1");
    for (int k = 0; k < 2; k++) {
        int prev = 0;
        for (int i = 0; i < res[k].n_reached; i++) {
            const reached_n *q = &res[k].r[i];
            printf("%-10s %4d %7d %7d %9.1f %9.4f %9.4f %9.4f %6d\n", names[k], q->N, q->epoch, q->epoch - prev, q->wall, q->tau.mean, q->tau.sd,
                   q->tau.max, q->tau.below_1);
            prev = q->epoch;
        }
        if (!res[k].n_reached) printf("%-10s %4s %7s %7s %9s %9s %9s %9s %6s\n", names[k], "-", "-", "-", "-", "-", "-", "-", "-");
    }
    /* plot */
    {
        static double x[4][RNNTS_MAX_NS], y[4][RNNTS_MAX_NS], err[2][RNNTS_MAX_NS];
        svg_series s[4];
        char path[4200], msg[512], sub[256], note[512], lab[4][64];
        svg_chart c;
        memset(s, 0, sizeof s);
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < res[k].n_reached; i++) {
                x[2 * k][i] = x[2 * k + 1][i] = res[k].r[i].N;
                y[2 * k][i] = res[k].r[i].tau.mean;
                err[k][i] = res[k].r[i].tau.sd;
                y[2 * k + 1][i] = res[k].r[i].tau.max;
            }
            snprintf(lab[2 * k], sizeof lab[0], "%s-head: mean \xcf\x84 \xc2\xb1 SD", names[k]);
            snprintf(lab[2 * k + 1], sizeof lab[0], "%s-head: max \xcf\x84", names[k]);
            s[2 * k].label = lab[2 * k]; s[2 * k].color = colors[k]; s[2 * k].dashed = 0; s[2 * k].hollow = 0;
            s[2 * k].n = res[k].n_reached; s[2 * k].x = x[2 * k]; s[2 * k].y = y[2 * k]; s[2 * k].err = err[k];
            s[2 * k + 1].label = lab[2 * k + 1]; s[2 * k + 1].color = colors[k]; s[2 * k + 1].dashed = 1; s[2 * k + 1].hollow = 1;
            s[2 * k + 1].n = res[k].n_reached; s[2 * k + 1].x = x[2 * k + 1]; s[2 * k + 1].y = y[2 * k + 1]; s[2 * k + 1].err = NULL;
            s[2 * k].dx = s[2 * k + 1].dx = k ? 3.0 : -3.0;
        }
        snprintf(sub, sizeof sub, "%s, H = %d, batch %d, %d steps/epoch; \xcf\x84 of the network when N was solved", base.task ? "N-DMS" : "N-parity",
                 base.hidden, base.batch, base.steps);
        snprintf(note, sizeof note, "multi: N = %d in %d epochs (%.0f s)\nsingle: N = %d in %d epochs (%.0f s)\ninitial \xcf\x84: %.2f \xc2\xb1 %.2f, max %.2f\nseed %llu",
                 res[0].largest_n, res[0].epochs, res[0].wall, res[1].largest_n, res[1].epochs, res[1].wall, res[0].tau_init.mean, res[0].tau_init.sd,
                 res[0].tau_init.max, (unsigned long long)base.seed);
        memset(&c, 0, sizeof c);
        c.title = "Trained time constants \xcf\x84 vs N: multi-head vs single-head curriculum";
        c.subtitle = sub;
        c.xlabel = "N (largest N solved)";
        c.ylabel = "\xcf\x84 (raw parameter)";
        c.integer_x = 1;
        c.note = note;
        path_join(path, sizeof path, out, "tau_vs_N.svg");
        if (svg_line_chart(path, &c, s, 4, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); code = CLI_EXIT_FAIL; }
        else if (!base.quiet) fprintf(stderr, "%s: wrote %s\n", cli_prog, path);
    }
    return code;
}

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
           "  peak_gflops  single-core FMA throughput probe (bench/peak.h) of the widest vector path this CPU\n"
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
static void bench_print_json(const bench_out *b) {
    char sel[160];
    printf("{\"model\":\"%s\",\"hidden\":%d,\"batch\":%d,\"len\":%d,\"heads\":%d,\"threads\":%d,\"variant\":\"%s\",\"optim\":\"%s\","
           "\"reps\":%d,\"seed\":%llu,\"build\":",
           rnnts_model_name((rnnts_model)b->model), b->hidden, b->batch, b->len, b->heads, b->used_threads,
           b->model != RNNTS_MODEL_RNN ? "none" : b->variant ? "mod" : "default", b->optim ? "adam" : "sgd", b->reps, (unsigned long long)b->seed);
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
           b->model != RNNTS_MODEL_RNN ? "none" : b->variant ? "mod" : "default", b->optim ? "adam" : "sgd", b->reps, (unsigned long long)b->seed);
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
static int cmd_bench(int argc, char **argv) {
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
    double *t_step = NULL, *t_fwd = NULL, peak = NAN, step_s, fwd_s, flops_step, flops_fwd, gflops, fwd_gflops;
    double bptt_bytes, rss_bytes;
    const char *peak_isa = "none";
    double peak_by[4] = {0, 0, 0, 0}; /* scalar, AVX2, AVX512, NEON (--json only; 0: not on this CPU) */
    uint64_t hash1;
    size_t P, slots;
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_optim_config oc;
    rnnts_error e;
    bench_ctx c;
    struct rusage ru;
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

    /* warm-up: step 1 from the seeded start, whose result is hashed */
    if (bench_step(&c, &e) != RNNTS_OK) { fail_msg("training step 1", &e); goto done; }
    loss1 = c.loss;
    hash1 = param_checksum(c.net);
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        if (bench_step(&c, &e) != RNNTS_OK) { fail_msg("training step", &e); goto done; }
        t_step[r] = now_s() - t0;
    }
    if (rnnts_rnn_forward(c.ws, c.net, &c.bt, c.pool, NULL, &c.loss, &e) != RNNTS_OK) { fail_msg("forward", &e); goto done; }
    for (int r = 0; r < reps; r++) {
        double t0 = now_s();
        if (rnnts_rnn_forward(c.ws, c.net, &c.bt, c.pool, NULL, &c.loss, &e) != RNNTS_OK) { fail_msg("forward", &e); goto done; }
        t_fwd[r] = now_s() - t0;
    }
    getrusage(RUSAGE_SELF, &ru);
    rss_bytes = (double)ru.ru_maxrss * 1024.0;

    step_s = median_of(t_step, reps);
    fwd_s = median_of(t_fwd, reps);
    if (model == RNNTS_MODEL_RNN) {
        flops_step = 6.0 * hidden * (double)hidden * batch * (double)len;
        flops_fwd = 2.0 * hidden * (double)hidden * batch * (double)len;
    } else {
        double G = model == RNNTS_MODEL_GRU ? 3.0 : 4.0;
        flops_fwd = 2.0 * G * hidden * (double)hidden * batch * (double)len + 4.0 * heads * (double)hidden * batch;
        flops_step = 3.0 * flops_fwd;
    }
    gflops = flops_step / step_s * 1e-9;
    fwd_gflops = flops_fwd / fwd_s * 1e-9;
    P = c.net->n_param;
    slots = optim == 1 ? 2 : 1;
    {
        double HB = (double)hidden * batch, per_step = model == RNNTS_MODEL_GRU ? 4.0 : model == RNNTS_MODEL_LSTM ? 5.0 : 1.0;
        double states = model == RNNTS_MODEL_LSTM ? 2.0 : 1.0; /* h (and the LSTM's c) at 0..M */
        bptt_bytes = 4.0 * ((double)P * (double)(2 + slots) + states * (double)(len + 1) * HB + per_step * (double)len * HB);
    }

    {
        bench_out b;
        b.model = model; b.hidden = hidden; b.batch = batch; b.len = len; b.heads = heads; b.used_threads = used_threads;
        b.variant = variant; b.optim = optim; b.reps = reps; b.seed = seed; b.oc = oc; b.P = P;
        b.step_s = step_s; b.fwd_s = fwd_s; b.flops_step = flops_step; b.flops_fwd = flops_fwd; b.gflops = gflops;
        b.fwd_gflops = fwd_gflops; b.peak = peak; b.rss_bytes = rss_bytes; b.bptt_bytes = bptt_bytes;
        b.t_step = t_step; b.t_fwd = t_fwd; b.peak_isa = peak_isa; memcpy(b.peak_by, peak_by, sizeof b.peak_by);
        b.loss1 = loss1; b.hash1 = hash1;
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

#include "sweep.h"
#include "runlog.h"
#include "analyze.h"

/* ======================================================================================== */
static void main_help(void) {
    printf("usage: rnnts <command> [flags]     (rnnts <command> --help for its flags)\n\n"
           "commands:\n"
           "  train      train a network (leaky RNN, GRU or LSTM) on N-parity / N-DMS with a curriculum (checkpoints, log, resume)\n"
           "  eval       accuracy of a model per N\n"
           "  grad       loss and gradients of a model on one seeded batch, as safetensors\n"
           "  import     convert a reference PyTorch checkpoint (.pt) to an rnnts model file\n"
           "  info       metadata, tensors, tau statistics and checksum of a model file\n"
           "  selfcheck  build info and floating-point environment check\n"
           "  compare    multi-head vs single-head curriculum at a small size: table and SVG plot\n"
           "  bench      time training steps and forward passes; GFLOP/s, fraction of peak, memory, output hash\n"
           "  analyze    taus, taunet, ablate, perturb, forget, pca, retrain, generalize, forgetgate, merge (rnnts analyze --help)\n"
           "  sweep      expand a sweep description (seeds x curricula x tasks x sizes) into one train command per run\n\n"
           "Exit codes: 0 ok, 1 failure, 2 usage. %s\n", rnnts_build_info());
}

int main(int argc, char **argv) {
    static const struct { const char *name; int (*fn)(int, char **); } cmds[] = {
        {"train", cmd_train}, {"eval", cmd_eval}, {"grad", cmd_grad}, {"import", cmd_import},
        {"info", cmd_info}, {"selfcheck", cmd_selfcheck}, {"compare", cmd_compare}, {"bench", cmd_bench}, {"analyze", cmd_analyze},
        {"sweep", cmd_sweep},
    };
    char msg[256];
    /* A file size limit (ulimit -f) makes writes fail with EFBIG, reported like a full disk,
       instead of killing the process mid-write. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        main_help();
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) { main_help(); return CLI_EXIT_OK; }
    if (strcmp(argv[1], "--version") == 0) { printf("%s\n", rnnts_build_info()); return CLI_EXIT_OK; }
    if (strcmp(argv[1], "selfcheck") != 0 && rnnts_selfcheck(msg, sizeof msg) != RNNTS_OK)
        fprintf(stderr, "rnnts: warning: floating-point self-check failed (%s); results may not be reproducible\n", msg);
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
        if (strcmp(argv[1], cmds[k].name) == 0) return cmds[k].fn(argc, argv);
    fprintf(stderr, "rnnts: unknown command '%s': allowed train, eval, grad, import, info, selfcheck, compare, bench, analyze, sweep (see 'rnnts --help')\n", argv[1]);
    return CLI_EXIT_USAGE;
}
