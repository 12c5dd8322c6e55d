/* merge.c — `rnnts analyze merge`: the run directories of a sweep merged into one table (one row
   per run: axes, configuration, status, epochs, largest N solved, the epoch each milestone N was
   reached, final tau, wall time), an aggregate over seeds (mean and SD per combination of the other
   axes: what the paper's figures show) and one figure (largest N solved vs epoch, every run, one
   colour per group). Reads each run's log (runlog.h) and the metadata of its checkpoints
   (rnnts_st_header_read; no network is loaded), and ROOT/sweep.tsv written by `rnnts sweep` for the axes.
   Declared in analyze.h (the dispatch table of analyze.c). */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"
#include "analyze.h"
#include "cli_args.h"
#include "platform.h"
#include "runlog.h"
#include "svg_plot.h"
#include "sweep.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define MG_MAX_MANIFEST (256u << 20)
#define MG_MAX_MILESTONES 12
static const char *const MG_COLORS[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
/* Fixed columns from the run's own files, named as train's flags; an axis of the same name replaces one. */
enum { MG_MODEL, MG_TASK, MG_CURRICULUM, MG_HIDDEN, MG_SEED, MG_NFIXED };
static const char *const MG_FIXED[MG_NFIXED] = {"model", "task", "curriculum", "hidden", "seed"};

/* ---- the manifest (ROOT/sweep.tsv) -------------------------------------------------------------- */
typedef struct mg_manifest {
    char root[4096];
    int n_axes, n;
    char **axes;    /* axis names */
    char **names;   /* run names */
    long *index;
    char ***vals;   /* vals[row][axis] */
} mg_manifest;

static void mg_manifest_free(mg_manifest *m) {
    for (int i = 0; i < m->n; i++) {
        for (int k = 0; k < m->n_axes; k++) free(m->vals[i][k]);
        free(m->vals[i]);
        free(m->names[i]);
    }
    for (int k = 0; k < m->n_axes; k++) free(m->axes[k]);
    free(m->axes); free(m->names); free(m->index); free(m->vals);
    memset(m, 0, sizeof *m);
}
static char *mg_strndup(const char *p, size_t n) {
    char *s = (char *)malloc(n + 1);
    if (s) { memcpy(s, p, n); s[n] = 0; }
    return s;
}
/* Splits the line [p, e) on tabs into at most max fields. Returns the count (max + 1 when more). */
static int mg_tabs(const char *p, const char *e, const char **f, const char **fe, int max) {
    int n = 0;
    for (const char *q = p;; q++)
        if (q == e || *q == '\t') {
            if (n >= max) return max + 1;
            f[n] = p; fe[n] = q; n++;
            if (q == e) return n;
            p = q + 1;
        }
}
/* Reads ROOT/sweep.tsv. Returns 0, 1 when there is none, or -1 with msg (file:line). */
static int mg_read_manifest(const char *root, mg_manifest *m, char *msg, size_t cap) {
    char path[4200], *text, *p, *end;
    size_t len;
    int line = 0, ncol = 0, rc = -1, cap_rows = 0;
    const char *f[SWEEP_MAX_AXES + 4], *fe[SWEEP_MAX_AXES + 4];
    memset(m, 0, sizeof *m);
    snprintf(m->root, sizeof m->root, "%s", root);
    path_join(path, sizeof path, root, "sweep.tsv");
    if (!file_exists(path)) return 1;
    if (!(text = sweep_read_file(path, MG_MAX_MANIFEST, &len, msg, cap))) return -1;
    p = text;
    end = text + len;
    while (p < end) {
        char *nl = (char *)memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
        int n;
        line++;
        n = mg_tabs(p, le, f, fe, SWEEP_MAX_AXES + 3);
        if (line == 1) {
            if (n < 3 || n > SWEEP_MAX_AXES + 3 || fe[0] - f[0] != 5 || memcmp(f[0], "index", 5) != 0 || fe[1] - f[1] != 4 ||
                memcmp(f[1], "name", 4) != 0 || fe[n - 1] - f[n - 1] != 7 || memcmp(f[n - 1], "command", 7) != 0) {
                snprintf(msg, cap, "%.3000s:1: not a manifest of rnnts sweep (header index, name, axes..., command)", path);
                goto done;
            }
            ncol = n;
            m->n_axes = n - 3;
            if (m->n_axes && !(m->axes = (char **)calloc((size_t)m->n_axes, sizeof *m->axes))) goto oom;
            for (int k = 0; k < m->n_axes; k++)
                if (!(m->axes[k] = mg_strndup(f[2 + k], (size_t)(fe[2 + k] - f[2 + k])))) goto oom;
        } else {
            char *e;
            long idx;
            const char *nm;
            size_t nl_len;
            if (n != ncol) { snprintf(msg, cap, "%.3000s:%d: %d tab-separated fields, the header has %d", path, line, n > ncol ? ncol + 1 : n, ncol); goto done; }
            errno = 0;
            idx = strtol(f[0], &e, 10);
            if (e != fe[0] || e == f[0] || errno || idx < 1) { snprintf(msg, cap, "%.3000s:%d: index: allowed an integer >= 1", path, line); goto done; }
            nm = f[1];
            nl_len = (size_t)(fe[1] - f[1]);
            if (nl_len == 0 || nl_len > SWEEP_MAX_NAME || memchr(nm, '/', nl_len) || (nl_len <= 2 && nm[0] == '.' && (nl_len == 1 || nm[1] == '.'))) {
                snprintf(msg, cap, "%.3000s:%d: name: allowed a directory name (no '/', not . or ..)", path, line);
                goto done;
            }
            if (m->n >= SWEEP_MAX_RUNS) { snprintf(msg, cap, "%.3000s:%d: more than %d runs", path, line, SWEEP_MAX_RUNS); goto done; }
            if (m->n == cap_rows) {
                int c2 = cap_rows ? 2 * cap_rows : 64;
                char **nn = (char **)realloc(m->names, (size_t)c2 * sizeof *nn);
                long *ii;
                char ***vv;
                if (!nn) goto oom;
                m->names = nn;
                if (!(ii = (long *)realloc(m->index, (size_t)c2 * sizeof *ii))) goto oom;
                m->index = ii;
                if (!(vv = (char ***)realloc(m->vals, (size_t)c2 * sizeof *vv))) goto oom;
                m->vals = vv;
                cap_rows = c2;
            }
            m->index[m->n] = idx;
            m->names[m->n] = mg_strndup(nm, nl_len);
            m->vals[m->n] = (char **)calloc((size_t)m->n_axes + 1, sizeof(char *));
            m->n++;
            if (!m->names[m->n - 1] || !m->vals[m->n - 1]) goto oom;
            for (int k = 0; k < m->n_axes; k++)
                if (!(m->vals[m->n - 1][k] = mg_strndup(f[2 + k], (size_t)(fe[2 + k] - f[2 + k])))) goto oom;
        }
        p = nl ? nl + 1 : end;
    }
    if (line == 0) { snprintf(msg, cap, "%.3000s: empty", path); goto done; }
    rc = 0;
    goto done;
oom:
    snprintf(msg, cap, "out of memory");
done:
    free(text);
    if (rc != 0) mg_manifest_free(m);
    return rc;
}

/* ---- one run -------------------------------------------------------------------------------- */
typedef struct mg_run {
    char *dir, name[256];    /* dir: malloc'ed (a sweep may have 100000 runs) */
    long index;
    int row;                 /* manifest row, -1 when not in it */
    char fixed[MG_NFIXED][40];
    char *cfg;               /* "key=value ..." of the model metadata and train_config (axes without a manifest); malloc'ed */
    int max_epochs, target_n;
    double time_limit;
    int state_done, state_epoch; /* train_state of the newest checkpoint (-1: unknown) */
    int n_ckpt, have_last;
    int n_rec, log_errors, log_replaced, log_truncated; /* the log's records are not kept: reach is all the table and plot need */
    int log_found, log_failed;
    char *log_path, log_msg[256]; /* log_path: malloc'ed */
    const char *status;
    int epochs, largest, first_lo;
    int *reach;              /* reach[N - first_lo]: first epoch with N solved (0 = not), N = first_lo..largest */
    double *tau_at;          /* mean tau in that epoch's record (NaN: none) */
    double tau_mean, tau_sd, tau_max, acc_mean, wall;
    int has_tau, group;
} mg_run;

static void mg_cfg_add(char *cfg, size_t cap, const char *key, const char *val) {
    size_t u = strlen(cfg);
    char clean[256];
    size_t n = 0;
    for (const char *c = val; *c && n + 1 < sizeof clean; c++) clean[n++] = *c == ' ' || *c == '=' ? '_' : *c;
    clean[n] = 0;
    snprintf(cfg + u, cap - u, "%s%s=%s", u ? " " : "", key, clean);
}
/* Configuration from init.safetensors (the run as started) and the budget and state from the
   newest checkpoint (last.safetensors, else the N<lo>_N<hi> with the largest N). */
static void mg_read_config(mg_run *r) {
    static const char *const model_keys[] = {"model", "variant", "activation", "hidden", "heads", "tau", "fixed_tau", "tau_init", "k_continuous"};
    char path[4200], best[256] = "", b[64], cfg[3072] = "";
    int best_hi = -1, best_lo = -1;
    rnnts_st_header h;
    DIR *d;
    struct dirent *de;
    r->state_done = r->state_epoch = -1;
    path_join(path, sizeof path, r->dir, "init.safetensors");
    if (rnnts_st_header_read(path, NULL, &h, NULL) == RNNTS_OK) {
        const char *tc = rnnts_st_header_meta(&h, "train_config"), *v;
        for (size_t q = 0; q < sizeof model_keys / sizeof model_keys[0]; q++)
            if ((v = rnnts_st_header_meta(&h, model_keys[q]))) mg_cfg_add(cfg, sizeof cfg, model_keys[q], v);
        if ((v = rnnts_st_header_meta(&h, "model"))) snprintf(r->fixed[MG_MODEL], sizeof r->fixed[0], "%s", v);
        if ((v = rnnts_st_header_meta(&h, "hidden"))) snprintf(r->fixed[MG_HIDDEN], sizeof r->fixed[0], "%s", v);
        if ((v = rnnts_st_header_meta(&h, "task"))) snprintf(r->fixed[MG_TASK], sizeof r->fixed[0], "%s", v);
        if ((v = rnnts_st_header_meta(&h, "curriculum"))) snprintf(r->fixed[MG_CURRICULUM], sizeof r->fixed[0], "%s", v);
        if ((v = rnnts_st_header_meta(&h, "seed"))) snprintf(r->fixed[MG_SEED], sizeof r->fixed[0], "%s", v);
        if (tc) {
            /* train_config is "k=v k=v ...": its keys join the model's */
            size_t u = strlen(cfg);
            snprintf(cfg + u, sizeof cfg - u, "%s%s", u ? " " : "", tc);
            if (rnnts_meta_kv(tc, "max_epochs", b, sizeof b)) r->max_epochs = atoi(b);
            if (rnnts_meta_kv(tc, "target_n", b, sizeof b)) r->target_n = atoi(b);
            if (rnnts_meta_kv(tc, "time_limit_s", b, sizeof b)) r->time_limit = strtod(b, NULL);
        }
        rnnts_st_header_free(&h);
    }
    r->cfg = mg_strndup(cfg, strlen(cfg));
    if ((d = opendir(r->dir)) != NULL) {
        while ((de = readdir(d)) != NULL) {
            int lo, hi, used = 0;
            if (strcmp(de->d_name, "last.safetensors") == 0) r->have_last = 1;
            if (sscanf(de->d_name, "N%d_N%d.safetensors%n", &lo, &hi, &used) == 2 && used > 0 && de->d_name[used] == 0 && lo >= 1 && hi >= lo) {
                r->n_ckpt++;
                if (hi > best_hi || (hi == best_hi && lo > best_lo)) { best_hi = hi; best_lo = lo; snprintf(best, sizeof best, "%s", de->d_name); }
            }
        }
        closedir(d);
    }
    if (r->have_last) snprintf(best, sizeof best, "last.safetensors");
    if (best[0]) {
        path_join(path, sizeof path, r->dir, best);
        if (rnnts_st_header_read(path, NULL, &h, NULL) == RNNTS_OK) {
            const char *tc = rnnts_st_header_meta(&h, "train_config"), *ts = rnnts_st_header_meta(&h, "train_state");
            /* a resumed run may have a new budget: the newest file's */
            if (tc && rnnts_meta_kv(tc, "max_epochs", b, sizeof b)) r->max_epochs = atoi(b);
            if (tc && rnnts_meta_kv(tc, "target_n", b, sizeof b)) r->target_n = atoi(b);
            if (tc && rnnts_meta_kv(tc, "time_limit_s", b, sizeof b)) r->time_limit = strtod(b, NULL);
            if (ts && rnnts_meta_kv(ts, "done", b, sizeof b)) r->state_done = atoi(b);
            if (ts && rnnts_meta_kv(ts, "epoch", b, sizeof b)) r->state_epoch = atoi(b);
            rnnts_st_header_free(&h);
        }
    }
}
static double mg_mtime(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (double)st.st_mtime : -1.0;
}
/* Reads a run directory: config, log, derived values and status; reports the log's problems on
   stderr. Returns 1 when the log could not be read or has malformed lines, else 0. */
static int mg_read_run(mg_run *r, double running_window) {
    char p_json[4200], p_csv[4200];
    int csv, bad = 0;
    runlog log;
    memset(&log, 0, sizeof log);
    r->tau_mean = r->tau_sd = r->tau_max = r->acc_mean = r->wall = NAN;
    if (!platform_is_dir(r->dir)) { r->status = "pending"; return 0; }
    mg_read_config(r);
    path_join(p_json, sizeof p_json, r->dir, "log.jsonl");
    path_join(p_csv, sizeof p_csv, r->dir, "log.csv");
    csv = !file_exists(p_json) && file_exists(p_csv); /* train's own rule on resume */
    r->log_path = mg_strndup(csv ? p_csv : p_json, strlen(csv ? p_csv : p_json));
    if (!r->log_path) { r->status = "failed"; return 1; }
    r->log_found = file_exists(r->log_path);
    if (r->log_found && runlog_read_file(r->log_path, csv, &log, r->log_msg, sizeof r->log_msg) != 0) {
        r->log_failed = bad = 1;
        fprintf(stderr, "%s: %s: %s\n", cli_prog, r->log_path, r->log_msg);
    }
    for (int k = 0; k < log.n_errors && k < RUNLOG_MSGS; k++) fprintf(stderr, "%s: %s:%s\n", cli_prog, r->log_path, log.errors[k] + 5);
    if (log.n_errors > RUNLOG_MSGS) fprintf(stderr, "%s: %s: %d more malformed lines\n", cli_prog, r->log_path, log.n_errors - RUNLOG_MSGS);
    if (log.n_errors) bad = 1;
    if (log.truncated) fprintf(stderr, "%s: note: %s: the last line is incomplete (a write was cut off) and was ignored\n", cli_prog, r->log_path);
    if (log.replaced)
        fprintf(stderr, "%s: note: %s: %d records replaced by later records of the same epochs (a resume from an older checkpoint)\n", cli_prog,
                r->log_path, log.replaced);
    r->n_rec = log.n;
    r->log_errors = log.n_errors;
    r->log_replaced = log.replaced;
    r->log_truncated = log.truncated;
    if (log.n > 0) {
        const runlog_rec *last = &log.rec[log.n - 1];
        r->epochs = last->epoch;
        r->first_lo = log.rec[0].ns_lo;
        for (int i = 0; i < log.n; i++)
            if (log.rec[i].solved && log.rec[i].ns_hi > r->largest) r->largest = log.rec[i].ns_hi;
        if (r->largest >= r->first_lo) {
            int n = r->largest - r->first_lo + 1, best = r->first_lo - 1;
            r->reach = (int *)calloc((size_t)n, sizeof(int));
            r->tau_at = (double *)malloc((size_t)n * sizeof(double));
            if (r->reach && r->tau_at) {
                for (int k = 0; k < n; k++) r->tau_at[k] = NAN;
                /* N counts as reached at the first epoch whose solved Ns go up to N or beyond */
                for (int i = 0; i < log.n; i++) {
                    const runlog_rec *q = &log.rec[i];
                    if (!q->solved || q->ns_hi <= best) continue;
                    for (int N = best + 1 < r->first_lo ? r->first_lo : best + 1; N <= q->ns_hi; N++) {
                        r->reach[N - r->first_lo] = q->epoch;
                        r->tau_at[N - r->first_lo] = q->has_tau ? q->tau_mean : NAN;
                    }
                    best = q->ns_hi;
                }
            }
        }
        r->has_tau = last->has_tau;
        if (last->has_tau) { r->tau_mean = last->tau_mean; r->tau_sd = last->tau_sd; r->tau_max = last->tau_max; }
        r->acc_mean = last->acc_mean;
        r->wall = last->wall;
    }
    /* status: the trainer's own end state when a checkpoint holds it, else the log against the budget */
    if (r->state_done == 2 || r->state_done == 3) r->status = "finished";
    else if (r->state_done == 1 || (r->max_epochs > 0 && r->epochs >= r->max_epochs)) r->status = "budget";
    else if (r->time_limit > 0 && isfinite(r->wall) && r->wall >= r->time_limit) r->status = "budget";
    else {
        /* the newest of the files a running train writes */
        static const char *const files[] = {"last.safetensors", "init.safetensors"};
        double t = mg_mtime(r->log_path);
        for (int k = 0; k < 2; k++) {
            char path[4200];
            double tk;
            path_join(path, sizeof path, r->dir, files[k]);
            if ((tk = mg_mtime(path)) > t) t = tk;
        }
        if (t >= 0 && (double)time(NULL) - t < running_window) r->status = "running";
        else if (r->have_last) r->status = "interrupted";
        else r->status = "failed";
    }
    runlog_free(&log);
    return bad;
}

/* ---- statistics ---------------------------------------------------------------------------- */
/* Mean and population SD of the finite values. Returns the count. */
static int mg_stats(const double *v, int n, double *mean, double *sd) {
    double s = 0.0, ss = 0.0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) { s += v[i]; k++; }
    *mean = k ? s / k : NAN;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) ss += (v[i] - *mean) * (v[i] - *mean);
    *sd = k ? sqrt(ss / k) : NAN;
    return k;
}
static int mg_reach(const mg_run *r, int N) {
    return r->reach && N >= r->first_lo && N <= r->largest ? r->reach[N - r->first_lo] : 0;
}
static double mg_tau_at(const mg_run *r, int N) {
    return r->tau_at && N >= r->first_lo && N <= r->largest ? r->tau_at[N - r->first_lo] : NAN;
}

/* ---- the merge ------------------------------------------------------------------------------ */
typedef struct mg_ctx {
    mg_run *runs;
    int n;
    const mg_manifest *man;  /* NULL: axes from the configurations */
    int n_axes;
    char axes[64][48];       /* column names of the axes */
    int fixed_shown[MG_NFIXED];
    int n_gcols;             /* group columns: indices into axes (>= 0) or -1 - fixed */
    int gcol[80];
    int n_groups, *group_first, *group_size;
    int milestones[CLI_MAX_LIST], n_ms;
    int any_tau;
} mg_ctx;

/* Value of axis k of run r ("" when unknown). */
static const char *mg_axis_value(const mg_ctx *c, const mg_run *r, int k) {
    static char buf[256];
    if (c->man) return r->row >= 0 ? c->man->vals[r->row][k] : "";
    return r->cfg && rnnts_meta_kv(r->cfg, c->axes[k], buf, sizeof buf) ? buf : "";
}
static const char *mg_gcol_name(const mg_ctx *c, int g) { return c->gcol[g] >= 0 ? c->axes[c->gcol[g]] : MG_FIXED[-1 - c->gcol[g]]; }
static const char *mg_gcol_value(const mg_ctx *c, const mg_run *r, int g) {
    return c->gcol[g] >= 0 ? mg_axis_value(c, r, c->gcol[g]) : r->fixed[-1 - c->gcol[g]];
}
/* The axes: the manifest's, else the configuration keys whose values differ between runs (seed
   and the fixed columns aside). */
static void mg_find_axes(mg_ctx *c) {
    if (c->man) {
        for (int k = 0; k < c->man->n_axes && c->n_axes < 64; k++) snprintf(c->axes[c->n_axes++], sizeof c->axes[0], "%s", c->man->axes[k]);
    } else {
        /* every key once (the union over the runs), compared across the runs */
        char seen[256][48];
        int n_seen = 0;
        for (int i = 0; i < c->n; i++)
            for (const char *p = c->runs[i].cfg ? c->runs[i].cfg : ""; *p;) {
                char key[48], v0[256], vi[256];
                size_t kl = strcspn(p, "= ");
                int known = 0, differs = 0;
                if (kl > 0 && kl < sizeof key && p[kl] == '=') {
                    memcpy(key, p, kl);
                    key[kl] = 0;
                    for (int f = 0; f < MG_NFIXED; f++) known |= strcmp(key, MG_FIXED[f]) == 0;
                    for (int q = 0; q < n_seen && !known; q++) known |= strcmp(key, seen[q]) == 0;
                    if (!known && n_seen < 256) {
                        memcpy(seen[n_seen++], key, kl + 1);
                        if (!c->runs[0].cfg || !rnnts_meta_kv(c->runs[0].cfg, key, v0, sizeof v0)) v0[0] = 0;
                        for (int j = 1; j < c->n && !differs; j++) {
                            if (!c->runs[j].cfg || !rnnts_meta_kv(c->runs[j].cfg, key, vi, sizeof vi)) vi[0] = 0;
                            differs = strcmp(v0, vi) != 0;
                        }
                        if (differs && c->n_axes < 64) snprintf(c->axes[c->n_axes++], sizeof c->axes[0], "%s", key);
                    }
                }
                p += strcspn(p, " ");
                while (*p == ' ') p++;
            }
    }
    for (int f = 0; f < MG_NFIXED; f++) {
        c->fixed_shown[f] = 1;
        for (int k = 0; k < c->n_axes; k++)
            if (strcmp(c->axes[k], MG_FIXED[f]) == 0) c->fixed_shown[f] = 0;
    }
    /* group columns: the non-seed axes, then the fixed columns that differ between runs */
    for (int k = 0; k < c->n_axes; k++)
        if (strcmp(c->axes[k], "seed") != 0) c->gcol[c->n_gcols++] = k;
    for (int f = 0; f < MG_NFIXED; f++) {
        int differs = 0;
        if (f == MG_SEED || !c->fixed_shown[f]) continue;
        for (int j = 1; j < c->n && !differs; j++) differs = strcmp(c->runs[j].fixed[f], c->runs[0].fixed[f]) != 0;
        if (differs) c->gcol[c->n_gcols++] = -1 - f;
    }
}
/* Groups: runs with equal group-column values, in order of first appearance. */
static int mg_group(mg_ctx *c) {
    c->group_first = (int *)malloc((size_t)(c->n ? c->n : 1) * sizeof(int));
    c->group_size = (int *)calloc((size_t)(c->n ? c->n : 1), sizeof(int));
    if (!c->group_first || !c->group_size) return -1;
    for (int i = 0; i < c->n; i++) {
        int g = -1;
        for (int q = 0; q < c->n_groups && g < 0; q++) {
            int same = 1;
            const mg_run *a = &c->runs[c->group_first[q]];
            for (int k = 0; k < c->n_gcols && same; k++) {
                char va[256];
                snprintf(va, sizeof va, "%s", mg_gcol_value(c, a, k));
                same = strcmp(va, mg_gcol_value(c, &c->runs[i], k)) == 0;
            }
            if (same) g = q;
        }
        if (g < 0) { g = c->n_groups++; c->group_first[g] = i; }
        c->runs[i].group = g;
        c->group_size[g]++;
    }
    return 0;
}
static void mg_group_label(const mg_ctx *c, int g, char *out, size_t cap) {
    size_t u = 0;
    out[0] = 0;
    for (int k = 0; k < c->n_gcols; k++) {
        int w = snprintf(out + u, cap - u, "%s%s=%s", k ? ", " : "", mg_gcol_name(c, k), mg_gcol_value(c, &c->runs[c->group_first[g]], k));
        if (w < 0 || (size_t)w >= cap - u) break;
        u += (size_t)w;
    }
    if (!out[0]) snprintf(out, cap, "all runs");
}
/* Default milestones: every N from the smallest first N to the largest N solved, at most 12 spread evenly. */
static void mg_default_milestones(mg_ctx *c) {
    int lo = 0, hi = 0;
    for (int i = 0; i < c->n; i++) {
        const mg_run *r = &c->runs[i];
        if (r->largest < r->first_lo || !r->reach) continue;
        if (!lo || r->first_lo < lo) lo = r->first_lo;
        if (r->largest > hi) hi = r->largest;
    }
    c->n_ms = 0;
    if (!lo) return;
    if (hi - lo + 1 <= MG_MAX_MILESTONES) {
        for (int N = lo; N <= hi; N++) c->milestones[c->n_ms++] = N;
    } else {
        for (int i = 0; i < MG_MAX_MILESTONES; i++) {
            int N = lo + (int)floor((double)i * (hi - lo) / (MG_MAX_MILESTONES - 1) + 0.5);
            if (!c->n_ms || N != c->milestones[c->n_ms - 1]) c->milestones[c->n_ms++] = N;
        }
    }
}

/* ---- output --------------------------------------------------------------------------------- */
static void mg_csv_cell(FILE *f, const char *s) {
    if (strpbrk(s, ",\"\n\r")) {
        fputc('"', f);
        for (; *s; s++) { if (*s == '"') fputc('"', f); fputc(*s, f); }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}
static void mg_csv_num(FILE *f, double v) { if (isfinite(v)) fprintf(f, "%.9g", v); }
static void mg_md_cell(FILE *f, const char *s) {
    fputc(' ', f);
    if (!*s) fputc('-', f);
    for (; *s; s++) { if (*s == '|') fputc('\\', f); fputc(*s, f); }
    fputs(" |", f);
}
static void mg_md_num(FILE *f, double v, const char *fmt) {
    char b[64];
    if (isfinite(v)) snprintf(b, sizeof b, fmt, v);
    else snprintf(b, sizeof b, "-");
    mg_md_cell(f, b);
}
static void mg_md_int(FILE *f, int v) {
    char b[32];
    if (v > 0) snprintf(b, sizeof b, "%d", v);
    else snprintf(b, sizeof b, "-");
    mg_md_cell(f, b);
}
static void mg_md_rule(FILE *f, int cols) {
    fputc('|', f);
    for (int i = 0; i < cols; i++) fputs("---|", f);
    fputc('\n', f);
}

/* The runs table as CSV. */
static void mg_runs_csv(FILE *f, const mg_ctx *c) {
    fputs("index,name,dir", f);
    for (int k = 0; k < c->n_axes; k++) { fputc(',', f); mg_csv_cell(f, c->axes[k]); }
    for (int x = 0; x < MG_NFIXED; x++) if (c->fixed_shown[x]) fprintf(f, ",%s", MG_FIXED[x]);
    fputs(",status,epochs,largest_n", f);
    for (int m = 0; m < c->n_ms; m++) fprintf(f, ",epoch_N%d", c->milestones[m]);
    fputs(",tau_mean,tau_sd,tau_max,acc_mean,wall_s,log_errors\n", f);
    for (int i = 0; i < c->n; i++) {
        const mg_run *r = &c->runs[i];
        fprintf(f, "%ld,", r->index);
        mg_csv_cell(f, r->name);
        fputc(',', f);
        mg_csv_cell(f, r->dir);
        for (int k = 0; k < c->n_axes; k++) { fputc(',', f); mg_csv_cell(f, mg_axis_value(c, r, k)); }
        for (int x = 0; x < MG_NFIXED; x++) if (c->fixed_shown[x]) { fputc(',', f); mg_csv_cell(f, r->fixed[x]); }
        fprintf(f, ",%s,%d,", r->status, r->epochs);
        if (r->largest > 0) fprintf(f, "%d", r->largest);
        for (int m = 0; m < c->n_ms; m++) {
            int e = mg_reach(r, c->milestones[m]);
            fputc(',', f);
            if (e) fprintf(f, "%d", e);
        }
        fputc(',', f); mg_csv_num(f, r->tau_mean);
        fputc(',', f); mg_csv_num(f, r->tau_sd);
        fputc(',', f); mg_csv_num(f, r->tau_max);
        fputc(',', f); mg_csv_num(f, r->acc_mean);
        fputc(',', f); mg_csv_num(f, r->wall);
        fprintf(f, ",%d\n", r->log_errors);
    }
}
/* Per group: mean, SD and count of largest N, of the epoch each milestone was reached, of the final mean tau and of the wall time. */
typedef struct mg_gstat { double ln_m, ln_s, tau_m, tau_s, wall_m, wall_s; int ln_k, tau_k; } mg_gstat;
static void mg_group_stats(const mg_ctx *c, int g, mg_gstat *s) {
    double *v = (double *)malloc((size_t)c->n * 3 * sizeof(double));
    int k = 0;
    memset(s, 0, sizeof *s);
    s->ln_m = s->ln_s = s->tau_m = s->tau_s = s->wall_m = s->wall_s = NAN;
    if (!v) return;
    for (int i = 0; i < c->n; i++) {
        const mg_run *r = &c->runs[i];
        if (r->group != g) continue;
        v[k] = r->largest > 0 ? r->largest : NAN;
        v[c->n + k] = r->tau_mean;
        v[2 * c->n + k] = r->wall;
        k++;
    }
    s->ln_k = mg_stats(v, k, &s->ln_m, &s->ln_s);
    s->tau_k = mg_stats(v + c->n, k, &s->tau_m, &s->tau_s);
    mg_stats(v + 2 * c->n, k, &s->wall_m, &s->wall_s);
    free(v);
}
static int mg_epoch_stats(const mg_ctx *c, int g, int N, double *mean, double *sd) {
    double *v = (double *)malloc((size_t)c->n * sizeof(double));
    int k = 0, n;
    *mean = *sd = NAN;
    if (!v) return 0;
    for (int i = 0; i < c->n; i++)
        if (c->runs[i].group == g) {
            int e = mg_reach(&c->runs[i], N);
            v[k++] = e ? (double)e : NAN;
        }
    n = mg_stats(v, k, mean, sd);
    free(v);
    return n;
}
static void mg_groups_csv(FILE *f, const mg_ctx *c) {
    for (int k = 0; k < c->n_gcols; k++) { mg_csv_cell(f, mg_gcol_name(c, k)); fputc(',', f); }
    fputs("runs,largest_n_mean,largest_n_sd,largest_n_runs", f);
    for (int m = 0; m < c->n_ms; m++) fprintf(f, ",epoch_N%d_mean,epoch_N%d_sd,epoch_N%d_runs", c->milestones[m], c->milestones[m], c->milestones[m]);
    fputs(",tau_mean_mean,tau_mean_sd,wall_s_mean\n", f);
    for (int g = 0; g < c->n_groups; g++) {
        mg_gstat s;
        mg_group_stats(c, g, &s);
        for (int k = 0; k < c->n_gcols; k++) { mg_csv_cell(f, mg_gcol_value(c, &c->runs[c->group_first[g]], k)); fputc(',', f); }
        fprintf(f, "%d,", c->group_size[g]);
        mg_csv_num(f, s.ln_m); fputc(',', f); mg_csv_num(f, s.ln_s);
        fprintf(f, ",%d", s.ln_k);
        for (int m = 0; m < c->n_ms; m++) {
            double mean, sd;
            int n = mg_epoch_stats(c, g, c->milestones[m], &mean, &sd);
            fputc(',', f); mg_csv_num(f, mean);
            fputc(',', f); mg_csv_num(f, sd);
            fprintf(f, ",%d", n);
        }
        fputc(',', f); mg_csv_num(f, s.tau_m);
        fputc(',', f); mg_csv_num(f, s.tau_s);
        fputc(',', f); mg_csv_num(f, s.wall_m);
        fputc('\n', f);
    }
}
static void mg_json(FILE *f, const mg_ctx *c) {
    fputs("{\"analysis\":\"merge\",\"sweep\":", f);
    if (c->man) json_str(f, c->man->root);
    else fputs("null", f);
    fputs(",\"axes\":[", f);
    for (int k = 0; k < c->n_axes; k++) { if (k) fputc(',', f); json_str(f, c->axes[k]); }
    fputs("],\"group_by\":[", f);
    for (int k = 0; k < c->n_gcols; k++) { if (k) fputc(',', f); json_str(f, mg_gcol_name(c, k)); }
    fputs("],\"milestones\":", f);
    an_int_array(f, c->milestones, c->n_ms);
    fputs(",\"runs\":[", f);
    for (int i = 0; i < c->n; i++) {
        const mg_run *r = &c->runs[i];
        fprintf(f, "%s{\"index\":%ld,\"name\":", i ? "," : "", r->index);
        json_str(f, r->name);
        fputs(",\"dir\":", f); json_str(f, r->dir);
        fputs(",\"axes\":{", f);
        for (int k = 0; k < c->n_axes; k++) { if (k) fputc(',', f); json_str(f, c->axes[k]); fputc(':', f); json_str(f, mg_axis_value(c, r, k)); }
        fputc('}', f);
        for (int x = 0; x < MG_NFIXED; x++) { fprintf(f, ",\"%s\":", MG_FIXED[x]); json_str(f, r->fixed[x]); }
        fprintf(f, ",\"status\":\"%s\",\"epochs\":%d,\"largest_n\":", r->status, r->epochs);
        if (r->largest > 0) fprintf(f, "%d", r->largest);
        else fputs("null", f);
        fputs(",\"reached\":{", f);
        for (int N = r->first_lo, k = 0; r->reach && N <= r->largest; N++)
            if (mg_reach(r, N)) { fprintf(f, "%s\"%d\":%d", k++ ? "," : "", N, mg_reach(r, N)); }
        fputs("},\"tau_at_reached\":{", f);
        for (int N = r->first_lo, k = 0; r->reach && N <= r->largest; N++)
            if (mg_reach(r, N)) { fprintf(f, "%s\"%d\":", k++ ? "," : "", N); json_num(f, mg_tau_at(r, N)); }
        fputs("},\"tau_mean\":", f); json_num(f, r->tau_mean);
        fputs(",\"tau_sd\":", f); json_num(f, r->tau_sd);
        fputs(",\"tau_max\":", f); json_num(f, r->tau_max);
        fputs(",\"acc_mean\":", f); json_num(f, r->acc_mean);
        fputs(",\"wall_s\":", f); json_num(f, r->wall);
        fprintf(f, ",\"checkpoints\":%d,\"log_errors\":%d,\"log_replaced\":%d,\"log_truncated\":%s}", r->n_ckpt, r->log_errors, r->log_replaced,
                r->log_truncated ? "true" : "false");
    }
    fputs("],\"groups\":[", f);
    for (int g = 0; g < c->n_groups; g++) {
        mg_gstat s;
        mg_group_stats(c, g, &s);
        fprintf(f, "%s{\"key\":{", g ? "," : "");
        for (int k = 0; k < c->n_gcols; k++) {
            if (k) fputc(',', f);
            json_str(f, mg_gcol_name(c, k));
            fputc(':', f);
            json_str(f, mg_gcol_value(c, &c->runs[c->group_first[g]], k));
        }
        fprintf(f, "},\"runs\":%d,\"largest_n_mean\":", c->group_size[g]); json_num(f, s.ln_m);
        fputs(",\"largest_n_sd\":", f); json_num(f, s.ln_s);
        fprintf(f, ",\"largest_n_runs\":%d,\"epochs_to\":{", s.ln_k);
        for (int m = 0; m < c->n_ms; m++) {
            double mean, sd;
            int n = mg_epoch_stats(c, g, c->milestones[m], &mean, &sd);
            fprintf(f, "%s\"%d\":{\"mean\":", m ? "," : "", c->milestones[m]); json_num(f, mean);
            fputs(",\"sd\":", f); json_num(f, sd);
            fprintf(f, ",\"runs\":%d}", n);
        }
        fputs("},\"tau_mean_mean\":", f); json_num(f, s.tau_m);
        fputs(",\"tau_mean_sd\":", f); json_num(f, s.tau_s);
        fputs(",\"wall_s_mean\":", f); json_num(f, s.wall_m);
        fputc('}', f);
    }
    fputs("]}\n", f);
}
static void mg_markdown(FILE *f, const mg_ctx *c) {
    int cols = 2 + c->n_axes + 7 + c->n_ms;
    for (int x = 0; x < MG_NFIXED; x++) cols += c->fixed_shown[x];
    fputs("| # | name |", f);
    for (int k = 0; k < c->n_axes; k++) mg_md_cell(f, c->axes[k]);
    for (int x = 0; x < MG_NFIXED; x++) if (c->fixed_shown[x]) mg_md_cell(f, MG_FIXED[x]);
    fputs(" status | epochs | largest N |", f);
    for (int m = 0; m < c->n_ms; m++) fprintf(f, " epoch N=%d |", c->milestones[m]);
    fputs(" τ mean | τ SD | τ max | wall s |\n", f);
    mg_md_rule(f, cols);
    for (int i = 0; i < c->n; i++) {
        const mg_run *r = &c->runs[i];
        fprintf(f, "| %ld |", r->index);
        mg_md_cell(f, r->name);
        for (int k = 0; k < c->n_axes; k++) mg_md_cell(f, mg_axis_value(c, r, k));
        for (int x = 0; x < MG_NFIXED; x++) if (c->fixed_shown[x]) mg_md_cell(f, r->fixed[x]);
        mg_md_cell(f, r->status);
        fprintf(f, " %d |", r->epochs);
        mg_md_int(f, r->largest);
        for (int m = 0; m < c->n_ms; m++) mg_md_int(f, mg_reach(r, c->milestones[m]));
        mg_md_num(f, r->tau_mean, "%.3f");
        mg_md_num(f, r->tau_sd, "%.3f");
        mg_md_num(f, r->tau_max, "%.3f");
        mg_md_num(f, r->wall, "%.1f");
        fputc('\n', f);
    }
    fprintf(f, "\nMean ± SD over the runs of each group (largest N over the runs that solved one; epochs to N over the runs that reached N):\n\n|");
    for (int k = 0; k < c->n_gcols; k++) mg_md_cell(f, mg_gcol_name(c, k));
    fputs(" runs | largest N |", f);
    for (int m = 0; m < c->n_ms; m++) fprintf(f, " epochs to N=%d |", c->milestones[m]);
    fputs(" final τ mean |\n", f);
    mg_md_rule(f, c->n_gcols + 3 + c->n_ms);
    for (int g = 0; g < c->n_groups; g++) {
        mg_gstat s;
        char b[96];
        mg_group_stats(c, g, &s);
        fputc('|', f);
        for (int k = 0; k < c->n_gcols; k++) mg_md_cell(f, mg_gcol_value(c, &c->runs[c->group_first[g]], k));
        fprintf(f, " %d |", c->group_size[g]);
        if (s.ln_k) snprintf(b, sizeof b, "%.2f ± %.2f (%d)", s.ln_m, s.ln_s, s.ln_k);
        else snprintf(b, sizeof b, "-");
        mg_md_cell(f, b);
        for (int m = 0; m < c->n_ms; m++) {
            double mean, sd;
            int n = mg_epoch_stats(c, g, c->milestones[m], &mean, &sd);
            if (n) snprintf(b, sizeof b, "%.1f ± %.1f (%d)", mean, sd, n);
            else snprintf(b, sizeof b, "-");
            mg_md_cell(f, b);
        }
        if (s.tau_k) snprintf(b, sizeof b, "%.3f ± %.3f", s.tau_m, s.tau_s);
        else snprintf(b, sizeof b, "-");
        mg_md_cell(f, b);
        fputc('\n', f);
    }
}

/* merge.svg: largest N solved vs epoch, a step line per run, one colour per group. */
static int mg_plot(const mg_ctx *c, const char *path, const char *subtitle, char *msg, size_t cap) {
    svg_series *s = (svg_series *)calloc((size_t)(c->n ? c->n : 1), sizeof *s);
    double **xy = (double **)calloc((size_t)(c->n ? c->n : 1) * 2, sizeof *xy);
    char (*labels)[160] = (char (*)[160])calloc((size_t)(c->n_groups ? c->n_groups : 1), 160);
    int *labelled = (int *)calloc((size_t)(c->n_groups ? c->n_groups : 1), sizeof(int)), rc = -1, ns = 0;
    svg_chart ch;
    if (!s || !xy || !labels || !labelled) { snprintf(msg, cap, "out of memory"); goto done; }
    for (int g = 0; g < c->n_groups; g++) mg_group_label(c, g, labels[g], sizeof labels[g]);
    for (int i = 0; i < c->n; i++) {
        const mg_run *r = &c->runs[i];
        int n = 0, best;
        double *x, *y;
        int W = r->reach ? r->largest - r->first_lo + 1 : 0;
        if (r->n_rec == 0) continue;
        x = xy[2 * ns] = (double *)malloc((size_t)(2 * W + 2) * sizeof(double));
        y = xy[2 * ns + 1] = (double *)malloc((size_t)(2 * W + 2) * sizeof(double));
        if (!x || !y) { snprintf(msg, cap, "out of memory"); goto done; }
        best = r->first_lo - 1; /* before the first success: the first N - 1 */
        x[n] = 0; y[n] = best; n++;
        /* a step at each epoch that raised the largest N solved: the last N reached at that epoch */
        for (int k = 0; k < W; k++) {
            int e = r->reach[k];
            if (!e || (k + 1 < W && r->reach[k + 1] == e)) continue;
            x[n] = e; y[n] = best; n++;
            best = r->first_lo + k;
            x[n] = e; y[n] = best; n++;
        }
        x[n] = r->epochs; y[n] = best; n++;
        s[ns].x = x; s[ns].y = y; s[ns].n = n;
        s[ns].color = MG_COLORS[r->group % 10];
        s[ns].dashed = (r->group / 10) % 2;
        s[ns].no_markers = 1;
        s[ns].dx = c->n_groups > 1 ? -3.0 + 6.0 * r->group / (c->n_groups - 1) : 0.0; /* equal runs of two groups stay visible */
        s[ns].label = labelled[r->group] ? NULL : labels[r->group];
        labelled[r->group] = 1;
        ns++;
    }
    memset(&ch, 0, sizeof ch);
    ch.title = "Largest N solved vs epoch";
    ch.subtitle = subtitle;
    ch.xlabel = "epoch";
    ch.ylabel = "largest N solved";
    ch.integer_x = 1;
    ch.integer_y = 1;
    rc = svg_line_chart(path, &ch, s, ns, msg, cap);
done:
    for (int i = 0; xy && i < 2 * ns + 2 && i < 2 * (c->n ? c->n : 1); i++) free(xy[i]);
    free(xy); free(s); free(labels); free(labelled);
    return rc;
}
/* merge_tau.svg: mean tau at the epoch N was reached vs N, mean and SD over each group's runs. */
static int mg_plot_tau(const mg_ctx *c, const char *path, const char *subtitle, char *msg, size_t cap) {
    int lo = 0, hi = 0, rc = -1, G = c->n_groups ? c->n_groups : 1, W;
    svg_series *s = (svg_series *)calloc((size_t)G, sizeof *s);
    char (*labels)[160] = (char (*)[160])calloc((size_t)G, 160);
    double *x = NULL, *y = NULL, *e = NULL, *v = (double *)malloc((size_t)(c->n ? c->n : 1) * sizeof(double));
    svg_chart ch;
    for (int i = 0; i < c->n; i++) {
        const mg_run *r = &c->runs[i];
        if (!r->reach || !r->has_tau) continue;
        if (!lo || r->first_lo < lo) lo = r->first_lo;
        if (r->largest > hi) hi = r->largest;
    }
    W = lo ? hi - lo + 1 : 1;
    x = (double *)malloc((size_t)G * W * sizeof(double));
    y = (double *)malloc((size_t)G * W * sizeof(double));
    e = (double *)malloc((size_t)G * W * sizeof(double));
    if (!s || !labels || !x || !y || !e || !v) { snprintf(msg, cap, "out of memory"); goto done; }
    for (int g = 0; g < c->n_groups; g++) {
        mg_group_label(c, g, labels[g], sizeof labels[g]);
        for (int N = lo, k = 0; lo && N <= hi; N++, k++) {
            int m = 0;
            for (int i = 0; i < c->n; i++)
                if (c->runs[i].group == g) v[m++] = mg_tau_at(&c->runs[i], N);
            x[g * W + k] = N;
            mg_stats(v, m, &y[g * W + k], &e[g * W + k]);
        }
        s[g].label = labels[g]; s[g].color = MG_COLORS[g % 10]; s[g].dashed = (g / 10) % 2;
        s[g].n = lo ? W : 0; s[g].x = x + g * W; s[g].y = y + g * W; s[g].err = e + g * W;
        s[g].dx = c->n_groups > 1 ? -4.0 + 8.0 * g / (c->n_groups - 1) : 0.0;
    }
    memset(&ch, 0, sizeof ch);
    ch.title = "Mean trained τ when N was reached (mean ± SD over runs)";
    ch.subtitle = subtitle;
    ch.xlabel = "N";
    ch.ylabel = "mean τ of the network";
    ch.integer_x = 1;
    rc = svg_line_chart(path, &ch, s, c->n_groups, msg, cap);
done:
    free(s); free(labels); free(x); free(y); free(e); free(v);
    return rc;
}

/* Writes OUT/<name> with fn (atomically). Returns 0, or -1 after printing the reason. */
static int mg_write(const char *out, const char *name, void (*fn)(FILE *, const mg_ctx *), const mg_ctx *c) {
    afile a;
    char path[4200], msg[4400];
    path_join(path, sizeof path, out, name);
    if (afile_open(&a, path, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); return -1; }
    fn(a.f, c);
    if (afile_commit(&a, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); return -1; }
    return 0;
}

static void an_merge_help(const cli_flag *flags, int n) {
    printf("usage: rnnts analyze merge DIR... [--sweep ROOT] [--out OUT] [--format md|csv|json] [--milestones LIST]\n"
           "       rnnts analyze merge --sweep ROOT [...]      (every run of ROOT/sweep.tsv)\n\n"
           "Merges run directories of `rnnts train` (a sweep: `rnnts sweep`) into one table, one row per run:\n"
           "  index, name, dir   the run's index and name in the manifest ROOT/sweep.tsv (else its position\n"
           "                     and directory name)\n"
           "  axes               the manifest's vary columns; without one, the configuration keys (metadata\n"
           "                     and train_config of init.safetensors) whose values differ between the runs\n"
           "  model, task, curriculum, hidden, seed   from init.safetensors (left out when an axis)\n"
           "  status             finished (target N reached or the curriculum over), budget (epoch or\n"
           "                     time budget used up), running (a file changed within --running-window),\n"
           "                     interrupted (stopped early, last.safetensors lets --auto-resume continue),\n"
           "                     failed (stopped early with nothing to continue from), pending (no directory\n"
           "                     yet); from the newest checkpoint's train_state and the log\n"
           "  epochs, largest_n  epochs run; the largest N solved (empty: none)\n"
           "  epoch_N<k>         the first epoch whose solved Ns reach N = k (--milestones; default every N\n"
           "                     solved, at most 12 spread evenly)\n"
           "  tau_mean, tau_sd, tau_max, acc_mean, wall_s   of the last epoch (tau: leaky RNN only)\n"
           "  log_errors         malformed log lines (reported as FILE:LINE; exit code 1)\n"
           "and the aggregate over seeds: per group of runs equal in every axis but seed (and in the fixed\n"
           "columns that differ), mean and population SD of largest N, of the epochs to reach each milestone\n"
           "and of the final mean tau, each over the runs that have the value (counted).\n"
           "stdout: both tables as Markdown (--format md), the runs as CSV (csv) or everything as JSON (json).\n"
           "--out OUT writes merge.csv (runs), merge_groups.csv, merge.json, merge.svg (largest N solved vs\n"
           "epoch, a line per run, a colour per group) and merge_tau.svg (mean tau when N was reached vs N,\n"
           "mean and SD per group; leaky RNN runs), each atomically.\n"
           "A DIR that holds sweep.tsv and no run is a sweep root (as --sweep). Given DIRs, the manifest is\n"
           "--sweep ROOT's, else the sweep.tsv in the first DIR's parent directory.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}

static int mg_add_run(mg_ctx *c, int *cap, const char *dir, const char *name, long index, int row) {
    mg_run *r;
    if (c->n == *cap) {
        int nc = *cap ? 2 * *cap : 16;
        mg_run *v = (mg_run *)realloc(c->runs, (size_t)nc * sizeof *v);
        if (!v) return -1;
        c->runs = v;
        *cap = nc;
    }
    r = &c->runs[c->n++];
    memset(r, 0, sizeof *r);
    if (!(r->dir = mg_strndup(dir, strlen(dir)))) { c->n--; return -1; }
    snprintf(r->name, sizeof r->name, "%s", name);
    r->index = index;
    r->row = row;
    return 0;
}
/* Whether dir is a sweep root: it holds sweep.tsv and no run files. */
static int mg_is_root(const char *dir) {
    char p[4200];
    path_join(p, sizeof p, dir, "sweep.tsv");
    if (!file_exists(p)) return 0;
    path_join(p, sizeof p, dir, "log.jsonl");
    if (file_exists(p)) return 0;
    path_join(p, sizeof p, dir, "log.csv");
    if (file_exists(p)) return 0;
    path_join(p, sizeof p, dir, "init.safetensors");
    return !file_exists(p);
}
static int mg_same_dir(const char *a, const char *b) { return platform_same_file(a, b); }

int an_cmd_merge(int argc, char **argv) {
    const char *sweep = NULL, *out = NULL, **pos = (const char **)malloc((size_t)argc * sizeof *pos);
    int format = 0, n_pos, cap = 0, code = CLI_EXIT_OK, man_rc = 1;
    double window = 1800;
    cli_nlist ms;
    cli_flag flags[] = {
        {"--sweep", CLI_STR, &sweep, 0, 0, NULL, "ROOT", "the sweep's root: its manifest ROOT/sweep.tsv gives the axes (and the runs, without DIRs)", 0, 0},
        {"--out", CLI_STR, &out, 0, 0, NULL, "OUT", "write merge.csv, merge_groups.csv, merge.json, merge.svg and merge_tau.svg into OUT", 0, 0},
        {"--format", CLI_ENUM, &format, 0, 0, "md|csv|json", NULL, "stdout: Markdown tables (default), the runs as CSV, or JSON", 0, 0},
        {"--milestones", CLI_NLIST, &ms, 1, 100000, NULL, "LIST", "the Ns of the epoch_N<k> columns, e.g. 2,5,10 (default: every N solved, at most 12)", 0, 0},
        {"--running-window", CLI_DOUBLE, &window, 0, 1e9, NULL, "SECONDS", "an unfinished run whose files changed this recently is running (default 1800)", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    mg_manifest man;
    mg_ctx c;
    char msg[4400], sub[512];
    memset(&ms, 0, sizeof ms);
    memset(&c, 0, sizeof c);
    memset(&man, 0, sizeof man);
    cli_prog = "rnnts analyze merge";
    if (!pos) { fprintf(stderr, "%s: out of memory\n", cli_prog); return CLI_EXIT_FAIL; }
    n_pos = cli_parse(argc, argv, 3, flags, nf, pos, argc, an_merge_help);
    if (n_pos == 0 && !sweep) cli_usage_error("DIR... or --sweep ROOT is required");
    if (n_pos == 1 && !sweep && mg_is_root(pos[0])) { sweep = pos[0]; n_pos = 0; }
    for (int i = 0; i < n_pos; i++) {
        if (!platform_is_dir(pos[i])) cli_usage_error("%s: not a directory (allowed: run directories of rnnts train, or a sweep root)", pos[i]);
    }
    if (sweep) {
        man_rc = mg_read_manifest(sweep, &man, msg, sizeof msg);
        if (man_rc == 1) cli_usage_error("--sweep %s: no sweep.tsv there (rnnts sweep writes it into the root)", sweep);
    } else if (n_pos > 0) {
        char parent[4096];
        path_dir(parent, sizeof parent, pos[0]);
        man_rc = mg_read_manifest(parent, &man, msg, sizeof msg);
    }
    if (man_rc < 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); return CLI_EXIT_FAIL; }
    c.man = man_rc == 0 ? &man : NULL;
    if (n_pos == 0) {
        for (int i = 0; i < man.n; i++) {
            char dir[4200];
            path_join(dir, sizeof dir, man.root, man.names[i]);
            if (mg_add_run(&c, &cap, dir, man.names[i], man.index[i], i) != 0) goto oom;
        }
    } else {
        for (int i = 0; i < n_pos; i++) {
            char parent[4096], name[4096];
            const char *slash;
            int row = -1;
            size_t l = strlen(pos[i]);
            snprintf(name, sizeof name, "%s", pos[i]);
            while (l > 1 && name[l - 1] == '/') name[--l] = 0; /* "dir/" */
            slash = strrchr(name, '/');
            path_dir(parent, sizeof parent, name);
            if (c.man && mg_same_dir(parent, c.man->root))
                for (int q = 0; q < c.man->n && row < 0; q++)
                    if (strcmp(c.man->names[q], slash ? slash + 1 : name) == 0) row = q;
            if (mg_add_run(&c, &cap, name, slash ? slash + 1 : name, row >= 0 ? c.man->index[row] : i + 1, row) != 0) goto oom;
            if (c.man && row < 0) fprintf(stderr, "%s: note: %s is not in %s/sweep.tsv (its axes are empty)\n", cli_prog, name, c.man->root);
        }
    }
    for (int i = 0; i < c.n; i++) {
        if (mg_read_run(&c.runs[i], window)) code = CLI_EXIT_FAIL;
    }
    mg_find_axes(&c);
    if (mg_group(&c) != 0) goto oom;
    if (ms.n) {
        c.n_ms = ms.n;
        for (int m = 0; m < ms.n; m++) c.milestones[m] = ms.v[m];
    } else {
        mg_default_milestones(&c);
    }
    for (int i = 0; i < c.n; i++) c.any_tau |= c.runs[i].has_tau && c.runs[i].reach != NULL;
    if (format == 0) mg_markdown(stdout, &c);
    else if (format == 1) mg_runs_csv(stdout, &c);
    else mg_json(stdout, &c);
    if (out) {
        char path[4200];
        an_prepare_out(out);
        if (mg_write(out, "merge.csv", mg_runs_csv, &c) || mg_write(out, "merge_groups.csv", mg_groups_csv, &c) || mg_write(out, "merge.json", mg_json, &c))
            code = CLI_EXIT_FAIL;
        {
            int k = 0;
            const char *st[] = {"finished", "budget", "running", "interrupted", "failed", "pending"};
            size_t u = 0;
            u += (size_t)snprintf(sub, sizeof sub, "%d run%s%s%s: ", c.n, c.n == 1 ? "" : "s", c.man ? " of " : "", c.man ? c.man->root : "");
            for (int q = 0; q < 6 && u < sizeof sub; q++) {
                int cnt = 0;
                for (int i = 0; i < c.n; i++) cnt += strcmp(c.runs[i].status, st[q]) == 0;
                if (cnt && u < sizeof sub) u += (size_t)snprintf(sub + u, sizeof sub - u, "%s%d %s", k++ ? ", " : "", cnt, st[q]);
            }
        }
        path_join(path, sizeof path, out, "merge.svg");
        if (mg_plot(&c, path, sub, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); code = CLI_EXIT_FAIL; }
        if (c.any_tau) {
            path_join(path, sizeof path, out, "merge_tau.svg");
            if (mg_plot_tau(&c, path, sub, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); code = CLI_EXIT_FAIL; }
        }
    }
    if (fflush(stdout) != 0) code = CLI_EXIT_FAIL;
    goto done;
oom:
    fprintf(stderr, "%s: out of memory\n", cli_prog);
    code = CLI_EXIT_FAIL;
done:
    for (int i = 0; i < c.n; i++) {
        mg_run *r = &c.runs[i];
        free(r->reach); free(r->tau_at); free(r->dir); free(r->cfg); free(r->log_path);
    }
    free(c.runs); free(c.group_first); free(c.group_size);
    free(pos);
    mg_manifest_free(&man);
    return code;
}

