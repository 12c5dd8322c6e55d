/* runlog.c — see runlog.h. */
#define _POSIX_C_SOURCE 200809L
#include "runlog.h"

void runlog_free(runlog *l) {
    free(l->rec);
    memset(l, 0, sizeof *l);
}

/* ---- the library's JSON cursor, in this file's conventions (0 = ok, -1 = failed) ------------ */
typedef rnnts_json runlog_cur;
static int runlog_fail(runlog_cur *c, const char *what) {
    if (!c->err[0]) snprintf(c->err, sizeof c->err, "%s", what);
    return -1;
}
static int runlog_number(runlog_cur *c, double *v, int allow_null) { return rnnts_json_number(c, v, allow_null) ? 0 : -1; }
/* An integer in [lo, hi]. */
static int runlog_int(runlog_cur *c, long lo, long hi, long *v, const char *what) {
    double d;
    if (runlog_number(c, &d, 0) != 0) return -1;
    if (d != floor(d) || d < (double)lo || d > (double)hi) {
        char m[96];
        snprintf(m, sizeof m, "%s: allowed an integer %ld..%ld", what, lo, hi);
        return runlog_fail(c, m);
    }
    *v = (long)d;
    return 0;
}
/* Skips any JSON value (unknown keys: later versions may add fields) found at nesting depth. */
static int runlog_skip(runlog_cur *c, int depth) { return rnnts_json_skip(c, RUNLOG_MAX_DEPTH - depth) ? 0 : -1; }

/* Key bits of a record: each required once. */
enum { RL_EPOCH = 1, RL_NS = 2, RL_LOSS = 4, RL_ACC = 8, RL_ACC_MEAN = 16, RL_SOLVED = 32, RL_TAU = 64, RL_SECONDS = 128, RL_WALL = 256,
       RL_ALL = 511 };
static const char *const RUNLOG_KEYS[] = {"epoch", "ns", "loss", "accuracy", "acc_mean", "solved", "tau", "seconds", "wall"};

/* The tau object: mean, median, sd, min, max (number or null), below_1 (integer). */
static int runlog_tau(runlog_cur *c, runlog_rec *r) {
    static const char *const keys[] = {"mean", "median", "sd", "min", "max", "below_1"};
    double *dst[5];
    int have = 0;
    dst[0] = &r->tau_mean; dst[1] = &r->tau_median; dst[2] = &r->tau_sd; dst[3] = &r->tau_min; dst[4] = &r->tau_max;
    if (rnnts_json_literal(c, "null")) { r->has_tau = 0; return 0; }
    if (!rnnts_json_eat(c, '{')) return runlog_fail(c, "tau: expected an object or null");
    r->has_tau = 1;
    if (!rnnts_json_eat(c, '}'))
        for (;;) {
            char k[32];
            int q = -1;
            if (rnnts_json_string(c, k, sizeof k) < 0) return -1;
            if (!rnnts_json_eat(c, ':')) return runlog_fail(c, "expected ':'");
            for (int i = 0; i < 6; i++)
                if (strcmp(k, keys[i]) == 0) q = i;
            if (q >= 0 && (have >> q & 1)) return runlog_fail(c, "tau: a key given twice");
            if (q >= 0) have |= 1 << q;
            if (q >= 0 && q < 5) {
                if (runlog_number(c, dst[q], 1) != 0) return -1;
            } else if (q == 5) {
                long v;
                if (runlog_int(c, 0, 2147483647L, &v, "tau.below_1") != 0) return -1;
                r->tau_below_1 = (int)v;
            } else if (runlog_skip(c, 2) != 0) {
                return -1;
            }
            if (rnnts_json_eat(c, ',')) continue;
            if (rnnts_json_eat(c, '}')) break;
            return runlog_fail(c, "tau: expected ',' or '}'");
        }
    if (have != 63) return runlog_fail(c, "tau: needs mean, median, sd, min, max and below_1");
    return 0;
}

/* The ns array: 1..256 distinct Ns into ns[], their count in r->n_ns. */
static int runlog_ns(runlog_cur *c, runlog_rec *r, int *ns) {
    if (!rnnts_json_eat(c, '[')) return runlog_fail(c, "ns: expected an array");
    if (rnnts_json_eat(c, ']')) return runlog_fail(c, "ns: empty");
    for (;;) {
        long v;
        if (r->n_ns >= RUNLOG_MAX_NS) return runlog_fail(c, "ns: more than 256 values");
        if (runlog_int(c, 1, 100000, &v, "ns") != 0) return -1;
        for (int i = 0; i < r->n_ns; i++)
            if (ns[i] == (int)v) return runlog_fail(c, "ns: a value given twice");
        ns[r->n_ns++] = (int)v;
        if (rnnts_json_eat(c, ',')) continue;
        if (rnnts_json_eat(c, ']')) return 0;
        return runlog_fail(c, "ns: expected ',' or ']'");
    }
}
/* The accuracy object {"N": percent or null, ...}: distinct Ns into acc_n, values into acc_v. */
static int runlog_accuracy(runlog_cur *c, int *acc_n, double *acc_v, int *n_acc) {
    if (!rnnts_json_eat(c, '{')) return runlog_fail(c, "accuracy: expected an object");
    if (rnnts_json_eat(c, '}')) return 0;
    for (;;) {
        char key[16], *e;
        long n = rnnts_json_string(c, key, sizeof key), v;
        if (n < 0) return -1;
        errno = 0;
        v = strtol(key, &e, 10);
        if (n == 0 || n >= (long)sizeof key || *e || errno || key[0] == '-' || key[0] == '+' || key[0] == ' ' || v < 1 || v > 100000)
            return runlog_fail(c, "accuracy: keys must be the Ns (\"2\", \"3\", ...)");
        if (*n_acc >= RUNLOG_MAX_NS) return runlog_fail(c, "accuracy: more than 256 values");
        for (int i = 0; i < *n_acc; i++)
            if (acc_n[i] == (int)v) return runlog_fail(c, "accuracy: an N given twice");
        if (!rnnts_json_eat(c, ':')) return runlog_fail(c, "expected ':'");
        acc_n[*n_acc] = (int)v;
        if (runlog_number(c, &acc_v[*n_acc], 1) != 0) return -1;
        (*n_acc)++;
        if (rnnts_json_eat(c, ',')) continue;
        if (rnnts_json_eat(c, '}')) return 0;
        return runlog_fail(c, "accuracy: expected ',' or '}'");
    }
}

/* The provenance object {"rnnts", "simd", "threads", "host", "build"} into w (strings cut to fit;
   other keys skipped: later versions may add some). */
static int runlog_provenance(runlog_cur *c, runlog_writer *w) {
    memset(w, 0, sizeof *w);
    if (!rnnts_json_eat(c, '{')) return runlog_fail(c, "provenance: expected an object");
    if (rnnts_json_eat(c, '}')) return 0;
    for (;;) {
        char k[32];
        if (rnnts_json_string(c, k, sizeof k) < 0) return -1;
        if (!rnnts_json_eat(c, ':')) return runlog_fail(c, "expected ':'");
        if (strcmp(k, "threads") == 0) {
            long v;
            if (runlog_int(c, 1, 1000000L, &v, "provenance.threads") != 0) return -1;
            w->threads = (int)v;
        } else {
            char *dst = strcmp(k, "rnnts") == 0 ? w->rnnts : strcmp(k, "simd") == 0 ? w->simd : strcmp(k, "host") == 0 ? w->host
                      : strcmp(k, "build") == 0 ? w->build : NULL;
            size_t cap = strcmp(k, "host") == 0 ? sizeof w->host : strcmp(k, "build") == 0 ? sizeof w->build : sizeof w->rnnts;
            if (dst ? rnnts_json_string(c, dst, cap) < 0 : runlog_skip(c, 2) != 0) return -1;
        }
        if (rnnts_json_eat(c, ',')) continue;
        if (rnnts_json_eat(c, '}')) return 0;
        return runlog_fail(c, "provenance: expected ',' or '}'");
    }
}

/* One JSON line [p, end) into r, its provenance (r->writer 0, else -1) into w. Returns 0, or -1 with c->err. */
static int runlog_json_line(const char *p, const char *end, runlog_rec *r, runlog_writer *w, char *err, size_t cap) {
    runlog_cur c;
    int have = 0, n_acc = 0, acc_n[RUNLOG_MAX_NS], ns[RUNLOG_MAX_NS], have_prov = 0;
    double acc_v[RUNLOG_MAX_NS];
    rnnts_json_init(&c, p, (size_t)(end - p));
    memset(r, 0, sizeof *r);
    r->loss = r->acc_mean = r->acc_hi = r->acc_min = r->seconds = r->wall = NAN;
    r->tau_mean = r->tau_median = r->tau_sd = r->tau_min = r->tau_max = NAN;
    r->writer = -1;
    if (!rnnts_json_eat(&c, '{')) { runlog_fail(&c, "expected '{' (one JSON object per line)"); goto bad; }
    if (!rnnts_json_eat(&c, '}'))
        for (;;) {
            char k[32];
            int q = -1;
            if (rnnts_json_string(&c, k, sizeof k) < 0) goto bad;
            if (!rnnts_json_eat(&c, ':')) { runlog_fail(&c, "expected ':'"); goto bad; }
            if (strcmp(k, "provenance") == 0) { /* optional: logs before it have none */
                if (have_prov++) { runlog_fail(&c, "key \"provenance\" given twice"); goto bad; }
                if (runlog_provenance(&c, w) != 0) goto bad;
                r->writer = 0;
                if (rnnts_json_eat(&c, ',')) continue;
                if (rnnts_json_eat(&c, '}')) break;
                runlog_fail(&c, "expected ',' or '}'");
                goto bad;
            }
            for (int i = 0; i < 9; i++)
                if (strcmp(k, RUNLOG_KEYS[i]) == 0) q = i;
            if (q >= 0 && (have >> q & 1)) {
                char m[64];
                snprintf(m, sizeof m, "key \"%s\" given twice", RUNLOG_KEYS[q]);
                runlog_fail(&c, m);
                goto bad;
            }
            if (q >= 0) have |= 1 << q;
            switch (q) {
            case 0: {
                long v;
                if (runlog_int(&c, 1, 1000000000L, &v, "epoch") != 0) goto bad;
                r->epoch = (int)v;
                break;
            }
            case 1: if (runlog_ns(&c, r, ns) != 0) goto bad; break;
            case 2: if (runlog_number(&c, &r->loss, 1) != 0) goto bad; break;
            case 3: if (runlog_accuracy(&c, acc_n, acc_v, &n_acc) != 0) goto bad; break;
            case 4: if (runlog_number(&c, &r->acc_mean, 1) != 0) goto bad; break;
            case 5:
                if (rnnts_json_literal(&c, "true")) r->solved = 1;
                else if (rnnts_json_literal(&c, "false")) r->solved = 0;
                else { runlog_fail(&c, "solved: expected true or false"); goto bad; }
                break;
            case 6: if (runlog_tau(&c, r) != 0) goto bad; break;
            case 7: if (runlog_number(&c, &r->seconds, 1) != 0) goto bad; break;
            case 8: if (runlog_number(&c, &r->wall, 1) != 0) goto bad; break;
            default: if (runlog_skip(&c, 1) != 0) goto bad; break;
            }
            if (rnnts_json_eat(&c, ',')) continue;
            if (rnnts_json_eat(&c, '}')) break;
            runlog_fail(&c, "expected ',' or '}'");
            goto bad;
        }
    if (!rnnts_json_end(&c)) { runlog_fail(&c, "text after the object"); goto bad; }
    if (have != RL_ALL) {
        for (int i = 0; i < 9; i++)
            if (!(have >> i & 1)) {
                char m[64];
                snprintf(m, sizeof m, "missing key \"%s\"", RUNLOG_KEYS[i]);
                runlog_fail(&c, m);
                break;
            }
        goto bad;
    }
    /* accuracy: one value per N of ns */
    if (n_acc != r->n_ns) { runlog_fail(&c, "accuracy: needs one value per N of ns"); goto bad; }
    r->ns_lo = r->ns_hi = ns[0];
    for (int i = 0; i < r->n_ns; i++) {
        int found = -1;
        if (ns[i] < r->ns_lo) r->ns_lo = ns[i];
        if (ns[i] > r->ns_hi) r->ns_hi = ns[i];
        for (int j = 0; j < n_acc; j++)
            if (acc_n[j] == ns[i]) found = j;
        if (found < 0) { runlog_fail(&c, "accuracy: needs one value per N of ns"); goto bad; }
    }
    for (int j = 0; j < n_acc; j++) {
        if (acc_n[j] == r->ns_hi) r->acc_hi = acc_v[j];
        if (!(acc_v[j] >= r->acc_min)) r->acc_min = isnan(r->acc_min) || acc_v[j] < r->acc_min ? acc_v[j] : r->acc_min;
    }
    return 0;
bad:
    snprintf(err, cap, "%s (at byte %ld of the line)", c.err[0] ? c.err : "malformed", (long)(c.p - p) + 1);
    return -1;
}

/* ---- CSV (--log-format csv) ------------------------------------------------------------------- */
static const char RUNLOG_CSV_HEADER_V1[] = "epoch,ns,loss,acc_mean,solved,tau_mean,tau_median,tau_sd,tau_min,tau_max,tau_below_1,seconds,wall,accuracy";
/* since rnnts records provenance: five columns more (a log continued in the form above keeps it) */
static const char RUNLOG_CSV_HEADER[] = "epoch,ns,loss,acc_mean,solved,tau_mean,tau_median,tau_sd,tau_min,tau_max,tau_below_1,seconds,wall,accuracy,"
                                        "rnnts_version,simd,threads,host,build";
#define RUNLOG_CSV_FIELDS 19

/* A CSV number field [p, e): empty = null (NaN) when allow_empty. */
static int runlog_csv_num(const char *p, const char *e, double *v, int allow_empty) {
    runlog_cur c;
    if (p == e) { *v = NAN; return allow_empty ? 0 : -1; }
    rnnts_json_init(&c, p, (size_t)(e - p));
    if (runlog_number(&c, v, 0) != 0 || c.p != e) return -1;
    return 0;
}
/* A ';'-separated list of numbers [p, e) (empty items = null when allow_empty) into v (at most max). Returns the count or -1. */
static int runlog_csv_list(const char *p, const char *e, double *v, int max, int allow_empty) {
    int n = 0;
    for (;;) {
        const char *q = p;
        while (q < e && *q != ';') q++;
        if (n >= max || runlog_csv_num(p, q, &v[n], allow_empty) != 0) return -1;
        n++;
        if (q == e) return n;
        p = q + 1;
    }
}
/* The provenance columns rnnts_version, simd, threads, host, build ([f, fe), 5 fields) into w. */
static const char *runlog_csv_writer(const char *const *f, const char *const *fe, runlog_writer *w) {
    double v;
    memset(w, 0, sizeof *w);
    snprintf(w->rnnts, sizeof w->rnnts, "%.*s", (int)(fe[0] - f[0]), f[0]);
    snprintf(w->simd, sizeof w->simd, "%.*s", (int)(fe[1] - f[1]), f[1]);
    if (runlog_csv_num(f[2], fe[2], &v, 0) != 0 || v != floor(v) || v < 1 || v > 1e6) return "threads: allowed an integer 1..1000000";
    w->threads = (int)v;
    snprintf(w->host, sizeof w->host, "%.*s", (int)(fe[3] - f[3]), f[3]);
    snprintf(w->build, sizeof w->build, "%.*s", (int)(fe[4] - f[4]), f[4]);
    return NULL;
}
/* One CSV line [p, end) of a log whose header has nfields columns (14, or 19 with provenance into w). */
static int runlog_csv_line(const char *p, const char *end, int nfields, runlog_rec *r, runlog_writer *w, char *err, size_t cap) {
    const char *f[RUNLOG_CSV_FIELDS], *fe[RUNLOG_CSV_FIELDS];
    double ns[RUNLOG_MAX_NS], acc[RUNLOG_MAX_NS], t[5], v;
    int nf = 0, n_ns, n_acc;
    const char *why = NULL;
    char m[64];
    memset(r, 0, sizeof *r);
    r->acc_hi = r->acc_min = NAN;
    r->writer = -1;
    for (const char *q = p;; q++) {
        if (q == end || *q == ',') {
            if (nf >= nfields) { snprintf(m, sizeof m, "more than %d fields", nfields); why = m; goto bad; }
            f[nf] = p; fe[nf] = q; nf++;
            if (q == end) break;
            p = q + 1;
        }
    }
    if (nf != nfields) { snprintf(m, sizeof m, "expected %d fields (the header's columns)", nfields); why = m; goto bad; }
    if (runlog_csv_num(f[0], fe[0], &v, 0) != 0 || v != floor(v) || v < 1 || v > 1e9) { why = "epoch: allowed an integer 1..1000000000"; goto bad; }
    r->epoch = (int)v;
    n_ns = runlog_csv_list(f[1], fe[1], ns, RUNLOG_MAX_NS, 0);
    if (n_ns < 1) { why = "ns: allowed 1..256 integers separated by ';'"; goto bad; }
    r->n_ns = n_ns;
    for (int i = 0; i < n_ns; i++) {
        if (ns[i] != floor(ns[i]) || ns[i] < 1 || ns[i] > 100000) { why = "ns: allowed integers 1..100000"; goto bad; }
        for (int j = 0; j < i; j++)
            if (ns[j] == ns[i]) { why = "ns: a value given twice"; goto bad; }
        if (i == 0 || ns[i] < r->ns_lo) r->ns_lo = (int)ns[i];
        if (i == 0 || ns[i] > r->ns_hi) r->ns_hi = (int)ns[i];
    }
    if (runlog_csv_num(f[2], fe[2], &r->loss, 1) != 0) { why = "loss: expected a number or empty"; goto bad; }
    if (runlog_csv_num(f[3], fe[3], &r->acc_mean, 1) != 0) { why = "acc_mean: expected a number or empty"; goto bad; }
    if (fe[4] - f[4] != 1 || (f[4][0] != '0' && f[4][0] != '1')) { why = "solved: expected 0 or 1"; goto bad; }
    r->solved = f[4][0] == '1';
    for (int k = 0; k < 5; k++)
        if (runlog_csv_num(f[5 + k], fe[5 + k], &t[k], 1) != 0) { why = "tau: expected numbers or empty fields"; goto bad; }
    r->tau_mean = t[0]; r->tau_median = t[1]; r->tau_sd = t[2]; r->tau_min = t[3]; r->tau_max = t[4];
    if (f[10] != fe[10]) {
        if (runlog_csv_num(f[10], fe[10], &v, 0) != 0 || v != floor(v) || v < 0 || v > 2147483647.0) { why = "tau_below_1: allowed an integer >= 0 or empty"; goto bad; }
        r->has_tau = 1;
        r->tau_below_1 = (int)v;
    }
    if (runlog_csv_num(f[11], fe[11], &r->seconds, 1) != 0) { why = "seconds: expected a number or empty"; goto bad; }
    if (runlog_csv_num(f[12], fe[12], &r->wall, 1) != 0) { why = "wall: expected a number or empty"; goto bad; }
    n_acc = runlog_csv_list(f[13], fe[13], acc, RUNLOG_MAX_NS, 1);
    if (n_acc != n_ns) { why = "accuracy: needs one value per N of ns, separated by ';'"; goto bad; }
    for (int i = 0; i < n_ns; i++) {
        if ((int)ns[i] == r->ns_hi) r->acc_hi = acc[i];
        if (!isnan(acc[i]) && (isnan(r->acc_min) || acc[i] < r->acc_min)) r->acc_min = acc[i];
    }
    if (nfields > 14) {
        if ((why = runlog_csv_writer(f + 14, fe + 14, w)) != NULL) goto bad;
        r->writer = 0;
    }
    return 0;
bad:
    snprintf(err, cap, "%s", why);
    return -1;
}

/* ---- the log -------------------------------------------------------------------------------- */
static void runlog_error(runlog *l, int line, const char *msg) {
    if (l->n_errors < RUNLOG_MSGS) snprintf(l->errors[l->n_errors], sizeof l->errors[0], "line %d: %.160s", line, msg);
    l->n_errors++;
}
/* The index of writer w in l->writers (added when new; -2 when the table is full). */
static int runlog_writer_index(runlog *l, const runlog_writer *w) {
    for (int i = 0; i < l->n_writers; i++)
        if (memcmp(&l->writers[i], w, sizeof *w) == 0) return i;
    if (l->n_writers >= RUNLOG_MAX_WRITERS) return -2;
    l->writers[l->n_writers] = *w;
    return l->n_writers++;
}
/* Appends r: a record whose epoch is not after the last kept one replaces the kept records from
   that epoch on (a resumed run's re-run epochs). Returns 0, or -1 when out of memory or full. */
static int runlog_add(runlog *l, const runlog_rec *r) {
    if (l->n > 0 && r->epoch <= l->rec[l->n - 1].epoch) {
        int k = l->n;
        while (k > 0 && l->rec[k - 1].epoch >= r->epoch) k--;
        l->replaced += l->n - k;
        l->n = k;
    } else if ((l->n > 0 && r->epoch > l->rec[l->n - 1].epoch + 1) || (l->n == 0 && r->epoch != 1)) {
        l->gaps++;
    }
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 64;
        runlog_rec *v;
        if (l->n >= RUNLOG_MAX_RECORDS) return -1;
        if (cap > RUNLOG_MAX_RECORDS) cap = RUNLOG_MAX_RECORDS;
        v = (runlog_rec *)realloc(l->rec, (size_t)cap * sizeof *v);
        if (!v) return -1;
        l->rec = v;
        l->cap = cap;
    }
    l->rec[l->n++] = *r;
    return 0;
}

/* Parses a log of len bytes (csv: the CSV form, whose first line must be train's header).
   Malformed lines are counted in l->n_errors (the first messages kept) and skipped. Returns 0, or
   -1 with msg when the log cannot be read as a whole (out of memory, too many records, a CSV
   without its header). l is valid (runlog_free it) either way. */
int runlog_parse(const char *buf, size_t len, int csv, runlog *l, char *msg, size_t cap) {
    const char *p = buf, *end = buf + len;
    int nfields = RUNLOG_CSV_FIELDS;
    memset(l, 0, sizeof *l);
    if (len > RUNLOG_MAX_FILE) { snprintf(msg, cap, "log larger than %u bytes", RUNLOG_MAX_FILE); return -1; }
    while (p < end) {
        const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
        char err[192];
        runlog_rec r;
        runlog_writer w;
        int bad;
        l->lines++;
        if (csv && l->lines == 1) {
            size_t hl = sizeof RUNLOG_CSV_HEADER - 1, h1 = sizeof RUNLOG_CSV_HEADER_V1 - 1;
            if ((size_t)(le - p) == h1 && memcmp(p, RUNLOG_CSV_HEADER_V1, h1) == 0) nfields = 14;
            else if ((size_t)(le - p) != hl || memcmp(p, RUNLOG_CSV_HEADER, hl) != 0) {
                snprintf(msg, cap, "line 1: not the header of rnnts train's CSV log (%s)", RUNLOG_CSV_HEADER);
                return -1;
            }
            p = nl ? nl + 1 : end;
            continue;
        }
        if (le - p > RUNLOG_MAX_LINE) {
            if (nl) runlog_error(l, l->lines, "line longer than 65536 bytes");
            else l->truncated = 1;
            p = nl ? nl + 1 : end;
            continue;
        }
        bad = csv ? runlog_csv_line(p, le, nfields, &r, &w, err, sizeof err) : runlog_json_line(p, le, &r, &w, err, sizeof err);
        p = nl ? nl + 1 : end;
        if (bad) {
            if (nl) runlog_error(l, l->lines, err);
            else l->truncated = 1; /* an unterminated last line: a crash mid-write */
            continue;
        }
        if (r.writer == 0) r.writer = runlog_writer_index(l, &w);
        if (runlog_add(l, &r) != 0) {
            snprintf(msg, cap, "line %d: %s", l->lines, l->n >= RUNLOG_MAX_RECORDS ? "more than 10000000 records" : "out of memory");
            return -1;
        }
    }
    return 0;
}

/* Reads and parses a log file. Returns 0, or -1 with msg (l valid either way). */
int runlog_read_file(const char *path, int csv, runlog *l, char *msg, size_t cap) {
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n = 0, bcap = 1 << 16;
    int r;
    memset(l, 0, sizeof *l);
    if (!f) { snprintf(msg, cap, "cannot read %.200s: %s", path, strerror(errno)); return -1; }
    if (!(buf = (char *)malloc(bcap))) { fclose(f); snprintf(msg, cap, "out of memory"); return -1; }
    for (;;) {
        size_t got;
        if (n == bcap) {
            /* grow up to one byte past the limit: a file that fills it is too large */
            size_t nc = bcap * 2 > (size_t)RUNLOG_MAX_FILE + 1 ? (size_t)RUNLOG_MAX_FILE + 1 : bcap * 2;
            char *nb;
            if (nc <= bcap) { fclose(f); free(buf); snprintf(msg, cap, "%.200s: larger than %u bytes", path, RUNLOG_MAX_FILE); return -1; }
            nb = (char *)realloc(buf, nc);
            if (!nb) { fclose(f); free(buf); snprintf(msg, cap, "out of memory"); return -1; }
            buf = nb;
            bcap = nc;
        }
        got = fread(buf + n, 1, bcap - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) { fclose(f); free(buf); snprintf(msg, cap, "cannot read %.200s: %s", path, strerror(errno)); return -1; }
    fclose(f);
    r = runlog_parse(buf, n, csv, l, msg, cap);
    free(buf);
    return r;
}

