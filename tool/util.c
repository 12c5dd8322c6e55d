/* util.c — utilities shared by the rnnts tool's modules: clock, messages, paths, atomic files,
   JSON output, thread pools, tau statistics, model loading (declared in util.h). */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli_args.h"
#include "platform.h"

const char *const LOG_FORMATS = "jsonl|csv";

/* ---- small utilities ------------------------------------------------------------------------ */
double now_s(void) { return platform_monotonic_s(); }
void fail_msg(const char *what, const rnnts_error *e) {
    fprintf(stderr, "%s: %s%s%s\n", cli_prog, what ? what : "", what && *what ? ": " : "", e->msg[0] ? e->msg : rnnts_result_string(e->code));
}
/* Which vector path runs and why, e.g. "AVX512 (the widest this CPU runs: SCALAR AVX2 AVX512)".
   With -DRNNTS_TOOL_DISPATCH (the Makefile's x86-64 tool, tool/dispatch.c) RNNTS_ISA chose
   the copy when set; a single-path build ignores it. */
const char *simd_selection(char *buf, size_t cap) {
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
int mkdir_p(const char *path) {
    char buf[4096];
    size_t n = strlen(path), root;
    if (n == 0 || n >= sizeof buf) { errno = ENAMETOOLONG; return -1; }
    memcpy(buf, path, n + 1);
    root = platform_path_root(buf); /* "/" (or "C:\"): exists */
    for (size_t i = 1; i <= n; i++) {
        if (i > root && (platform_is_sep(buf[i]) || buf[i] == 0)) {
            char c = buf[i];
            buf[i] = 0;
            if (platform_mkdir(buf) != 0 && errno != EEXIST) return -1;
            buf[i] = c;
        }
    }
    if (!platform_is_dir(path)) { errno = ENOTDIR; return -1; }
    return 0;
}
int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}
/* An output file written atomically: PATH.tmp.<pid> first, renamed over PATH on commit, so that a
   reader (or a crash) never sees half a file and concurrent writers never share a temporary. */
/* Returns 0, or -1 with a message naming the path. */
int afile_open(afile *a, const char *path, char *msg, size_t cap) {
    a->f = NULL;
    if (snprintf(a->path, sizeof a->path, "%s", path) >= (int)sizeof a->path) { snprintf(msg, cap, "path too long: %.300s...", path); return -1; }
    snprintf(a->tmp, sizeof a->tmp, "%s.tmp.%ld", path, platform_pid());
    if (!(a->f = fopen(a->tmp, "wb"))) { snprintf(msg, cap, "cannot create %.3000s: %s", a->tmp, strerror(errno)); return -1; }
    return 0;
}
/* Closes and renames into place; on any write error removes the temporary. Returns 0 or -1 with a message. */
int afile_commit(afile *a, char *msg, size_t cap) {
    int bad = ferror(a->f);
    if (fclose(a->f) != 0) bad = 1;
    a->f = NULL;
    if (bad) { remove(a->tmp); snprintf(msg, cap, "writing %.3000s failed", a->tmp); return -1; }
    if (platform_rename_replace(a->tmp, a->path) != 0) {
        snprintf(msg, cap, "cannot rename %.2000s to %.2000s: %s", a->tmp, a->path, strerror(errno));
        remove(a->tmp);
        return -1;
    }
    return 0;
}
void path_join(char *out, size_t cap, const char *dir, const char *name) {
    size_t n = strlen(dir);
    snprintf(out, cap, "%s%s%s", dir, n && platform_is_sep(dir[n - 1]) ? "" : "/", name);
}
/* Directory part of a path ("." when it has none; the root stays whole: "/", "C:\"). */
void path_dir(char *out, size_t cap, const char *path) {
    const char *slash = NULL;
    size_t root = platform_path_root(path);
    for (const char *p = path; *p; p++)
        if (platform_is_sep(*p)) slash = p;
    if (!slash && root == 0) snprintf(out, cap, ".");
    else if (!slash || (size_t)(slash - path) < root) snprintf(out, cap, "%.*s", (int)root, path);
    else if (slash == path) snprintf(out, cap, "/");
    else snprintf(out, cap, "%.*s", (int)(slash - path), path);
}
/* A JSON number with %.9g, or null when not finite. */
void json_num(FILE *f, double v) {
    if (isfinite(v)) fprintf(f, "%.9g", v);
    else fputs("null", f);
}
void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}
int default_threads(void) {
    int n = platform_ncpu();
    return n > 8 ? 8 : n;
}
rnnts_pool *make_pool(int threads) {
    rnnts_pool *pool = NULL;
    rnnts_error e;
    if (rnnts_pool_create(threads, NULL, &pool, &e) != RNNTS_OK) {
        fprintf(stderr, "%s: warning: %s; running on one thread\n", cli_prog, e.msg);
        return NULL;
    }
    return pool;
}
/* ---- tau statistics (raw parameter, not clamped) ------------------------------------------- */
int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
/* rnnts_tau_summary_of in the tool's record (NaN when it fails). */
tau_stats tau_stats_of(const rnnts_rnn *net) {
    tau_stats s;
    rnnts_tau_summary t;
    memset(&s, 0, sizeof s);
    if (rnnts_tau_summary_of(net, &t, NULL) != RNNTS_OK) { s.mean = s.median = s.sd = s.min = s.max = NAN; return s; }
    s.mean = t.mean; s.median = t.median; s.sd = t.sd; s.min = t.min; s.max = t.max;
    s.below_1 = t.below_1; s.count = t.n;
    return s;
}
void tau_json(FILE *f, const tau_stats *t) {
    if (t->count == 0) { fputs("null", f); return; } /* GRU/LSTM: no tau */
    fputs("{\"mean\":", f); json_num(f, t->mean);
    fputs(",\"median\":", f); json_num(f, t->median);
    fputs(",\"sd\":", f); json_num(f, t->sd);
    fputs(",\"min\":", f); json_num(f, t->min);
    fputs(",\"max\":", f); json_num(f, t->max);
    fprintf(f, ",\"below_1\":%d}", t->below_1);
}

/* Loads a model; exits 1 with a message when it fails. */
rnnts_rnn *load_model(const char *path) {
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
int task_of(int flag_task, int given, const rnnts_rnn *net) {
    if (given) return flag_task;
    return strcmp(net->meta.task, "dms") == 0 ? 1 : 0;
}
