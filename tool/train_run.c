/* train_run.c — the training driver of train and compare (train_run, train_opts.h): run directory,
   progress display, per-epoch log, checkpoints, resume, signals, memory limit. */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <signal.h>

#include "cli_args.h"
#include "platform.h"
#include "runlock.h"
#include "train_opts.h"
#include "util.h"

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
            char p[4096 + 2 + 256]; /* a directory path and a directory entry name */
            snprintf(p, sizeof p, "%s/%s", dir, nm);
            if (remove(p) == 0) n++;
        }
    }
    closedir(d);
    return n;
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
    FILE *f = fopen(path, "rb");
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

/* prov: the writer's provenance as this format's suffix of a record (train_provenance; "" in a CSV
   log begun before rnnts recorded it, whose header has no such columns). */
static void log_record(FILE *f, int csv, const rnnts_epoch_report *r, const tau_stats *t, double wall, const char *prov) {
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
        fputs(prov, f);
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
        fputs(prov, f);
        fputc('\n', f);
    }
    fflush(f);
}
static const char CSV_HEADER[] = "epoch,ns,loss,acc_mean,solved,tau_mean,tau_median,tau_sd,tau_min,tau_max,tau_below_1,seconds,wall,accuracy,"
                                 "rnnts_version,simd,threads,host,build\n";
/* The header of CSV logs written before the provenance columns: a resumed run keeps its log's form. */
static const char CSV_HEADER_V1[] = "epoch,ns,loss,acc_mean,solved,tau_mean,tau_median,tau_sd,tau_min,tau_max,tau_below_1,seconds,wall,accuracy\n";

/* Whether a CSV log begins with the header of the logs before the provenance columns. */
static int csv_log_is_v1(const char *path) {
    FILE *f = fopen(path, "rb");
    char line[512];
    int v1;
    if (!f) return 0;
    v1 = fgets(line, sizeof line, f) && strcmp(line, CSV_HEADER_V1) == 0;
    fclose(f);
    return v1;
}
/* Provenance of the records this process writes: rnnts version, vector path, threads, host and
   build. It is in the log and not in the checkpoints on purpose: checkpoints written on every
   path, architecture and thread count are byte-identical files (they change no bit), and a
   checkpoint that named its writer would not be. The suffix of a record of the log at logpath:
   JSON ",\"provenance\":{...}", CSV ",0.1.0,AVX2,2,host,build", or nothing in a CSV log begun
   without these columns. */
static void train_provenance(rnnts_pool *pool, int csv, const char *logpath, char *out, size_t cap) {
    char host[256], build[160];
    int threads = pool ? rnnts_pool_threads(pool) : 1;
    host_name(host, sizeof host);
    snprintf(build, sizeof build, "%s", rnnts_build_info());
    for (char *p = build; *p; p++) if (*p == ',' || *p == '"' || *p == '\\') *p = '_'; /* one CSV field, one JSON string */
    if (!csv)
        snprintf(out, cap, ",\"provenance\":{\"rnnts\":\"%s\",\"simd\":\"%s\",\"threads\":%d,\"host\":\"%s\",\"build\":\"%s\"}",
                 RNNTS_VERSION_STRING, rnnts_simd_name(), threads, host, build);
    else if (csv_log_is_v1(logpath))
        out[0] = 0;
    else
        snprintf(out, cap, ",%s,%s,%d,%s,%s", RNNTS_VERSION_STRING, rnnts_simd_name(), threads, host, build);
}

/* ---- signals: SIGINT, SIGTERM (e.g. a scheduler's time limit) and SIGHUP (Windows: SIGINT,
   SIGBREAK, SIGTERM; platform.h) end training cleanly: the step in progress finishes,
   DIR/last.safetensors is written, the exit code is 128 + signal. */
static volatile sig_atomic_t g_signal;        /* the signal received, 0 = none */
static rnnts_trainer *volatile g_trainer;     /* the trainer a signal interrupts, NULL = none */
static void on_signal(int sig) {
    rnnts_trainer *tr = g_trainer;
    g_signal = sig;
    if (tr) rnnts_trainer_interrupt(tr); /* async-signal-safe: an atomic store */
    platform_signal_default(sig);        /* a second signal ends the process at once */
}
static void signals_install(void) { platform_stop_signals_install(on_signal); }
/* The pool's workers inherit the mask at creation: they never take the stop signals, which
   therefore reach the thread that trains. */
static rnnts_pool *make_pool_signals_blocked(int threads) {
    rnnts_pool *pool;
    platform_stop_signals_block(1);
    pool = make_pool(threads);
    platform_stop_signals_block(0);
    return pool;
}
static const char *signal_name(int sig) { return platform_signal_name(sig); }

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
    FILE *f = fopen(path, "rb"), *g;
    char tmp[4300], *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int dropped = 0, kept_lines = 0;
    if (!f) return 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (!(g = fopen(tmp, "wb"))) { fclose(f); return -1; }
    while ((len = platform_getline(&line, &cap, f)) > 0) {
        int complete = line[len - 1] == '\n', e = log_line_epoch(line, csv);
        int header = csv && kept_lines == 0 && strncmp(line, "epoch,", 6) == 0;
        if (complete && (header || (e >= 1 && e <= epoch))) { fputs(line, g); kept_lines++; }
        else dropped++;
    }
    free(line);
    fclose(f);
    if (fflush(g) != 0 || platform_fsync(g) != 0) { fclose(g); remove(tmp); return -1; }
    if (fclose(g) != 0) { remove(tmp); return -1; }
    if (!dropped) { remove(tmp); return 0; }
    if (platform_rename_replace(tmp, path) != 0) { remove(tmp); return -1; }
    return dropped;
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
    size_t phys = platform_phys_mem();
    if (env && *env) {
        size_t b = parse_bytes(env);
        if (b) return b;
        fprintf(stderr, "%s: warning: RNNTS_MEMORY_LIMIT=%s is not a size (e.g. 4G); using the physical memory\n", cli_prog, env);
    }
    return phys ? phys : SIZE_MAX;
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
            cli_prog, o->label ? " " : "", o->label ? o->label : "", rnnts_model_name((rnnts_model)o->model), rnnts_name(RNNTS_NAMES_TASK, o->task),
            rnnts_name(RNNTS_NAMES_CURRICULUM, o->curriculum), o->hidden,
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
/* What one run of train holds while it runs (train_run and its phases). */
typedef struct train_ctx {
    const train_opts *o;
    train_result *res;
    rnnts_pool *pool; /* created once the configuration is known to be valid */
    rnnts_rnn *net;
    rnnts_trainer *tr;
    mem_cap cap;
    rnnts_allocator alloc;
    char dir[4096], last[4200], logpath[4200];
    char prov[600];   /* the provenance suffix of this process's log records (train_provenance) */
    runlock lock;     /* the run directory's (one writer per directory), unless o->held_lock */
    FILE *logf;
    int csv, code;
    double wall0, t_start;
    progress pr;
} train_ctx;

/* One writer per run directory (runlock.h): the lock of dir. 0, or the exit code after a message
   naming the holder (CLI_EXIT_BUSY) or the cause. */
int train_lock_dir(const char *dir, struct runlock *l) {
    char msg[4400];
    int r = runlock_acquire(l, dir, msg, sizeof msg);
    if (r == 0) return 0;
    if (r != RUNLOCK_HELD) { fprintf(stderr, "%s: %s\n", cli_prog, msg); return CLI_EXIT_FAIL; }
    fprintf(stderr, "%s: %s is being written by another rnnts train (%s); nothing was written. Let it finish, or stop it and "
                    "continue the run with --auto-resume (the lock of a killed train is gone with it)\n", cli_prog, dir, msg);
    return CLI_EXIT_BUSY;
}
/* One writer per run directory: the lock of c->dir, taken before anything is written there (a
   --force clean-up and the log truncation of a resume included). 0, or -1 with c->code set. */
static int train_lock_ctx(train_ctx *c) {
    int code;
    if (c->o->held_lock || c->lock.held) return 0; /* cmd_train took it: --auto-resume decided under it */
    if ((code = train_lock_dir(c->dir, &c->lock)) == 0) return 0;
    c->code = code;
    return -1;
}
/* --resume: the trainer from the checkpoint (checked against the flags with --auto-resume), a new
   budget, the log truncated to the checkpoint. 0, or -1 with c->code set. */
static int train_open_resume(train_ctx *c) {
    const train_opts *o = c->o;
    rnnts_error e;
    int ep;
    CLI_FUZZ_STOP();
    c->pool = make_pool_signals_blocked(o->threads);
    if (o->out) snprintf(c->dir, sizeof c->dir, "%s", o->out);
    else path_dir(c->dir, sizeof c->dir, o->resume);
    /* before reading the checkpoint: a writer in the directory may be replacing it */
    if (file_exists(c->dir) && train_lock_ctx(c) != 0) return -1;
    if (rnnts_trainer_resume(o->resume, c->pool, &c->alloc, &c->net, &c->tr, &e) != RNNTS_OK) { fail_msg("resume", &e); oom_hint(&e, &c->cap); return -1; }
    if (o->auto_resume) {
        rnnts_config_diff d;
        rnnts_rnn_config want_rc;
        rnnts_train_config want_tc;
        opts_configs(o, &want_rc, &want_tc);
        if (rnnts_config_differs(&c->net->cfg, rnnts_trainer_config(c->tr), &want_rc, &want_tc, &d)) {
            fprintf(stderr, "%s: --auto-resume: %s holds another run (%s = %s, the flags say %s); use --force to replace it or another --out\n",
                    cli_prog, c->dir, d.field, d.a, d.b);
            c->code = CLI_EXIT_USAGE;
            return -1;
        }
    }
    if (o->budget_set) { /* extend (or shorten) the budget of the resumed run */
        const rnnts_train_config *rc = rnnts_trainer_config(c->tr);
        if (rnnts_trainer_set_budget(c->tr, o->budget_set & 1 ? o->max_epochs : rc->max_epochs, o->budget_set & 2 ? o->target_n : rc->target_n,
                                     o->budget_set & 4 ? o->time_limit : rc->time_limit_s, &e) != RNNTS_OK) { fail_msg("resume", &e); return -1; }
    }
    if (mkdir_p(c->dir) != 0) { fprintf(stderr, "%s: cannot create directory %s: %s\n", cli_prog, c->dir, strerror(errno)); return -1; }
    if (train_lock_ctx(c) != 0) return -1; /* a new --out */
    ep = rnnts_trainer_epochs(c->tr);
    c->wall0 = train_resume_log(o, c->dir, ep, &c->csv, c->logpath, sizeof c->logpath);
    if (!o->quiet) {
        int es = rnnts_trainer_epoch_step(c->tr);
        char at[96] = "";
        if (es > 0) snprintf(at, sizeof at, ", step %d of %d", es, rnnts_trainer_config(c->tr)->steps_per_epoch);
        fprintf(stderr, "%s: resuming %s after epoch %d%s (%s, H = %d, %d heads); writing to %s\n", cli_prog, o->resume, ep, at,
                rnnts_model_name(c->net->cfg.model), c->net->H, c->net->K, c->dir);
    }
    return 0;
}
/* A fresh run: configuration checked, --out prepared, network and trainer created, init.safetensors
   and a new log written. 0, or -1 with c->code set. */
static int train_open_fresh(train_ctx *c) {
    const train_opts *o = c->o;
    rnnts_rnn_config rc;
    rnnts_train_config tc;
    rnnts_error e;
    char path[4200];
    opts_configs(o, &rc, &tc);
    if (rnnts_rnn_config_check(&rc, &e) != RNNTS_OK || rnnts_train_config_check(&tc, NULL, &e) != RNNTS_OK) {
        fail_msg("invalid configuration", &e);
        c->code = CLI_EXIT_USAGE;
        return -1;
    }
    CLI_FUZZ_STOP();
    c->pool = make_pool_signals_blocked(o->threads);
    snprintf(c->dir, sizeof c->dir, "%s", o->out);
    if (mkdir_p(c->dir) != 0) { fprintf(stderr, "%s: cannot create directory %s: %s\n", cli_prog, c->dir, strerror(errno)); return -1; }
    if (train_lock_ctx(c) != 0) return -1;
    path_join(path, sizeof path, c->dir, "init.safetensors");
    path_join(c->logpath, sizeof c->logpath, c->dir, c->csv ? "log.csv" : "log.jsonl");
    if (train_clear_out(o, c->dir, path, c->logpath, c->csv) != 0) return -1;
    if (rnnts_rnn_create(&rc, o->seed, &c->alloc, &c->net, &e) != RNNTS_OK) { fail_msg("create network", &e); oom_hint(&e, &c->cap); return -1; }
    if (rnnts_trainer_create(&tc, c->net, c->pool, &c->alloc, &c->tr, &e) != RNNTS_OK) {
        fail_msg("create trainer", &e);
        oom_hint(&e, &c->cap);
        c->code = e.code == RNNTS_ERR_INVALID_ARG ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
        return -1;
    }
    if (rnnts_trainer_save(c->tr, path, &e) != RNNTS_OK) { fail_msg("save init", &e); return -1; }
    c->logf = fopen(c->logpath, "wb");
    if (!c->logf) { fprintf(stderr, "%s: cannot create %s: %s\n", cli_prog, c->logpath, strerror(errno)); return -1; }
    if (c->csv) fputs(CSV_HEADER, c->logf);
    if (!o->quiet) train_start_line(o, c->pool, c->dir);
    return 0;
}
/* A failed rnnts_trainer_epoch: the message and the exit code (a run that is already over is no
   failure). */
static void train_epoch_failed(train_ctx *c, const rnnts_error *e, int first) {
    if (first && e->code == RNNTS_ERR_STATE) {
        fprintf(stderr, "%s: the run in %s is already over (%s); nothing to do\n", cli_prog, c->o->resume ? c->o->resume : c->dir, e->msg);
        c->code = CLI_EXIT_OK;
    } else {
        fail_msg("training stopped", e);
        oom_hint(e, &c->cap);
        fprintf(stderr, "%s: the checkpoints written so far in %s are intact\n", cli_prog, c->dir);
    }
}
/* One epoch and what follows it: log record, solved and rolling checkpoints, the epoch line.
   Returns 1 when the run is over, 0 to go on, 2 on a signal, -1 on failure (c->code set). */
static int train_one_epoch(train_ctx *c, int first) {
    const train_opts *o = c->o;
    rnnts_epoch_report rep;
    rnnts_error e;
    tau_stats ts;
    double wall;
    int ns_cur[RNNTS_MAX_NS], n_cur = rnnts_trainer_ns(c->tr, ns_cur, RNNTS_MAX_NS);
    char solved_name[64] = "";
    c->pr.epoch = rnnts_trainer_epochs(c->tr) + 1;
    ns_text(c->pr.ns, sizeof c->pr.ns, ns_cur, n_cur);
    c->pr.t0 = c->pr.t_last = now_s();
    c->pr.loss_sum = 0.0;
    if (g_signal) return 2; /* between epochs */
    if (rnnts_trainer_epoch(c->tr, &rep, &e) != RNNTS_OK) {
        if (c->pr.tty && !o->quiet) fputs("\r\033[K", stderr);
        if (e.code == RNNTS_ERR_INTERRUPTED) return 2;
        train_epoch_failed(c, &e, first);
        return -1;
    }
    if (first && !c->logf) { /* resume: append to the run's log (opened only once there is a record) */
        int had = file_exists(c->logpath);
        if (!(c->logf = fopen(c->logpath, "ab"))) { fprintf(stderr, "%s: cannot open %s: %s\n", cli_prog, c->logpath, strerror(errno)); return -1; }
        if (c->csv && !had) fputs(CSV_HEADER, c->logf);
    }
    ts = tau_stats_of(c->net);
    wall = c->wall0 + (now_s() - c->t_start);
    log_record(c->logf, c->csv, &rep, &ts, wall, c->prov);
    c->res->epochs = rep.epoch;
    c->res->wall = wall;
    if (rep.solved && train_save_solved(c->tr, c->dir, &rep, &ts, wall, c->res, solved_name, sizeof solved_name) != 0) return -1;
    /* the rolling checkpoint: a crash loses at most the epoch in progress */
    if (rnnts_trainer_save(c->tr, c->last, &e) != RNNTS_OK) {
        fail_msg("save checkpoint", &e);
        fprintf(stderr, "%s: the checkpoints written before are intact\n", cli_prog);
        return -1;
    }
    if (!o->quiet) train_epoch_line(o, &c->pr, &rep, &ts, solved_name);
    c->pr.have_acc = 1;
    c->pr.last_acc = rep.acc_mean;
    return rep.done != RNNTS_DONE_RUNNING;
}
int train_run(const train_opts *o, train_result *res) {
    train_ctx c;
    train_result local;
    int step = 0;
    if (!res) res = &local;
    memset(res, 0, sizeof *res);
    memset(&c, 0, sizeof c);
    c.o = o; c.res = res;
    c.cap.limit = memory_limit();
    c.alloc.alloc = cap_alloc; c.alloc.free = cap_free; c.alloc.user = &c.cap;
    c.csv = o->log_format == 1; c.code = CLI_EXIT_FAIL; c.t_start = now_s();
    c.pr.tty = platform_isatty_stderr() && !o->no_tty;
    c.pr.quiet = o->quiet;
    c.pr.label = o->label;
    if ((o->resume ? train_open_resume(&c) : train_open_fresh(&c)) != 0) goto done;
    train_provenance(c.pool, c.csv, c.logpath, c.prov, sizeof c.prov);
    res->tau_init = tau_stats_of(c.net);
    rnnts_trainer_on_step(c.tr, on_step, &c.pr);
    path_join(c.last, sizeof c.last, c.dir, "last.safetensors");
    g_trainer = c.tr;
    signals_install();
    for (int first = 1; (step = train_one_epoch(&c, first)) == 0; first = 0) {}
    if (step < 0) goto done;
    if (step == 2) {
        c.code = train_stop_by_signal(c.tr, o, &c.pr, c.last, c.dir);
        goto done;
    }
    if (!o->quiet)
        fprintf(stderr, "%s%s%s: finished after epoch %d (%.1f s); largest N solved: %s%d; files in %s\n", cli_prog, o->label ? " " : "",
                o->label ? o->label : "", res->epochs, now_s() - c.t_start, res->largest_n ? "" : "none ", res->largest_n, c.dir);
    c.code = CLI_EXIT_OK;
done:
    g_trainer = NULL;
    if (c.logf) fclose(c.logf);
    runlock_release(&c.lock);
    rnnts_trainer_destroy(c.tr);
    rnnts_rnn_destroy(c.net);
    rnnts_pool_destroy(c.pool);
    return c.code;
}

