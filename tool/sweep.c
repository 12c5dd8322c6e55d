/* sweep.c — `rnnts sweep` (see sweep.h). */
#define _POSIX_C_SOURCE 200809L
#include "sweep.h"

#include "../rnnts.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_args.h"
#include "train_opts.h"
#include "util.h"
static void sweep_strs_free(sweep_strs *s) {
    for (int i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    free(s->line);
    memset(s, 0, sizeof *s);
}
static int sweep_strs_push(sweep_strs *s, const char *p, size_t n, int line) {
    char *c;
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        char **v = (char **)realloc(s->v, (size_t)cap * sizeof *v);
        int *l;
        if (!v) return -1;
        s->v = v;
        l = (int *)realloc(s->line, (size_t)cap * sizeof *l);
        if (!l) return -1;
        s->line = l;
        s->cap = cap;
    }
    if (!(c = (char *)malloc(n + 1))) return -1;
    memcpy(c, p, n);
    c[n] = 0;
    s->v[s->n] = c;
    s->line[s->n++] = line;
    return 0;
}
void sweep_free(sweep_desc *d) {
    free(d->out);
    sweep_strs_free(&d->base);
    for (int k = 0; k < d->n_axes; k++) sweep_strs_free(&d->axes[k].vals);
    memset(d, 0, sizeof *d);
}

/* The flags a sweep sets itself (per run), never in base or vary. */
static const char *const SWEEP_RESERVED[] = {"--out", "--resume", "--force", "--auto-resume"};

/* A scratch train flag table: TRAIN_FLAGS plus the reserved flags (so that they parse and get a
   precise message). */
#define SWEEP_FLAGS(o, str, flag)                                                               \
    TRAIN_FLAGS(o),                                                                            \
    {"--out", CLI_STR, &(str), 0, 0, NULL, "DIR", "", 0, 0},                                   \
    {"--resume", CLI_STR, &(str), 0, 0, NULL, "FILE", "", 0, 0},                               \
    {"--force", CLI_FLAG, &(flag), 0, 0, NULL, NULL, "", 0, 0},                                \
    {"--auto-resume", CLI_FLAG, &(flag), 0, 0, NULL, NULL, "", 0, 0}

/* Characters allowed in a value (a run directory name is built from them). */
static int sweep_value_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-';
}
static int sweep_blank(char c) { return c == ' ' || c == '\t'; }

/* "allowed: model, task, ..." for messages. */
static void sweep_flag_names(char *out, size_t cap) {
    train_opts o;
    cli_flag t[] = {TRAIN_FLAGS(o)};
    size_t used = 0;
    out[0] = 0;
    for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
        int w;
        if (t[k].kind == CLI_FLAG) continue;
        w = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", t[k].name + 2);
        if (w < 0 || (size_t)w >= cap - used) break;
        used += (size_t)w;
    }
}

/* Canonical form of a value for duplicate detection ("01" and "1" are the same seed). */
static void sweep_canon(const cli_flag *f, char *out, size_t cap) {
    switch (f->kind) {
    case CLI_INT: case CLI_ENUM: snprintf(out, cap, "%d", *(const int *)f->dst); break;
    case CLI_U64: snprintf(out, cap, "%llu", (unsigned long long)*(const uint64_t *)f->dst); break;
    case CLI_DOUBLE: snprintf(out, cap, "%.17g", *(const double *)f->dst); break;
    default: snprintf(out, cap, "?"); break;
    }
}
typedef struct sweep_canon_val { char *canon; int i; } sweep_canon_val;
static int sweep_cmp_canon(const void *a, const void *b) {
    const sweep_canon_val *x = (const sweep_canon_val *)a, *y = (const sweep_canon_val *)b;
    int c = strcmp(x->canon, y->canon);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Splits on blanks into s (line numbers: line). Returns 0, or -1 when out of memory. */
static int sweep_split(const char *p, const char *end, int line, sweep_strs *s) {
    while (p < end) {
        const char *q;
        while (p < end && sweep_blank(*p)) p++;
        q = p;
        while (q < end && !sweep_blank(*q)) q++;
        if (q > p && sweep_strs_push(s, p, (size_t)(q - p), line) != 0) return -1;
        p = q;
    }
    return 0;
}

/* Adds the values of `vary NAME = ...` (line `line`, text [p, end)) to axis a, expanding A..B for
   integer flags and checking each value with the flag's own parser. Returns 0 or -1 with msg. */
static int sweep_axis_values(const sweep_desc *d, sweep_axis *a, cli_flag *f, const char *p, const char *end, int line, char *msg,
                             size_t cap) {
    sweep_strs raw;
    sweep_canon_val *canon = NULL;
    int rc = -1;
    memset(&raw, 0, sizeof raw);
    if (sweep_split(p, end, line, &raw) != 0) { snprintf(msg, cap, "%s:%d: out of memory", d->file, line); goto done; }
    if (raw.n == 0) {
        snprintf(msg, cap, "%s:%d: vary %s: no values (allowed: one or more values separated by spaces%s)", d->file, line, a->name,
                 f->kind == CLI_INT || f->kind == CLI_U64 ? ", or a range A..B" : "");
        goto done;
    }
    for (int i = 0; i < raw.n; i++) {
        const char *v = raw.v[i], *dots = strstr(v, "..");
        for (const char *c = v; *c; c++)
            if (!sweep_value_char(*c)) {
                snprintf(msg, cap, "%s:%d: vary %s: value '%.80s': character '%c' not allowed (allowed: letters, digits, . + -; the value names a directory)",
                         d->file, line, a->name, v, *c >= 32 && *c < 127 ? *c : '?');
                goto done;
            }
        if (dots && (f->kind == CLI_INT || f->kind == CLI_U64)) {
            /* A..B: both ends strict decimal integers, A <= B, at most SWEEP_MAX_RUNS values */
            char lo_s[32], *e1, *e2;
            size_t nl = (size_t)(dots - v);
            unsigned long long lo, hi;
            if (nl == 0 || nl >= sizeof lo_s || v[0] == '-' || dots[2] == '-' || dots[2] == 0) goto bad_range;
            memcpy(lo_s, v, nl);
            lo_s[nl] = 0;
            errno = 0;
            lo = strtoull(lo_s, &e1, 10);
            hi = strtoull(dots + 2, &e2, 10);
            if (errno || *e1 || *e2 || hi < lo) goto bad_range;
            if (hi - lo >= (unsigned long long)SWEEP_MAX_RUNS) {
                snprintf(msg, cap, "%s:%d: vary %s: range %.80s has more than %d values (allowed at most %d runs)", d->file, line, a->name, v,
                         SWEEP_MAX_RUNS, SWEEP_MAX_RUNS);
                goto done;
            }
            for (unsigned long long x = lo;; x++) {
                char b[32];
                int w = snprintf(b, sizeof b, "%llu", x);
                if (a->vals.n >= SWEEP_MAX_RUNS) {
                    snprintf(msg, cap, "%s:%d: vary %s: more than %d values", d->file, line, a->name, SWEEP_MAX_RUNS);
                    goto done;
                }
                if (sweep_strs_push(&a->vals, b, (size_t)w, line) != 0) { snprintf(msg, cap, "%s:%d: out of memory", d->file, line); goto done; }
                if (x == hi) break;
            }
            continue;
        bad_range:
            snprintf(msg, cap, "%s:%d: vary %s: range '%.80s': allowed A..B with integers 0 <= A <= B", d->file, line, a->name, v);
            goto done;
        }
        if (a->vals.n >= SWEEP_MAX_RUNS) { snprintf(msg, cap, "%s:%d: vary %s: more than %d values", d->file, line, a->name, SWEEP_MAX_RUNS); goto done; }
        if (sweep_strs_push(&a->vals, v, strlen(v), line) != 0) { snprintf(msg, cap, "%s:%d: out of memory", d->file, line); goto done; }
    }
    /* every value as rnnts train parses it; canonical forms for the duplicate check */
    canon = (sweep_canon_val *)calloc((size_t)a->vals.n, sizeof *canon);
    if (!canon) { snprintf(msg, cap, "%s:%d: out of memory", d->file, line); goto done; }
    for (int i = 0; i < a->vals.n; i++) {
        char m[400], c[64];
        if (cli_set_r(f, a->vals.v[i], m, sizeof m) != 0) {
            snprintf(msg, cap, "%s:%d: vary %s: %s", d->file, line, a->name, m);
            goto done;
        }
        sweep_canon(f, c, sizeof c);
        canon[i].i = i;
        if (!(canon[i].canon = (char *)malloc(strlen(c) + 1))) { snprintf(msg, cap, "%s:%d: out of memory", d->file, line); goto done; }
        memcpy(canon[i].canon, c, strlen(c) + 1);
    }
    qsort(canon, (size_t)a->vals.n, sizeof *canon, sweep_cmp_canon);
    for (int i = 1; i < a->vals.n; i++)
        if (strcmp(canon[i].canon, canon[i - 1].canon) == 0) {
            const char *x = a->vals.v[canon[i - 1].i], *y = a->vals.v[canon[i].i];
            if (strcmp(x, y) == 0) snprintf(msg, cap, "%s:%d: vary %s: the value %.60s is given twice (each value once)", d->file, line, a->name, x);
            else snprintf(msg, cap, "%s:%d: vary %s: the values %.60s and %.60s are the same (each value once)", d->file, line, a->name, x, y);
            goto done;
        }
    rc = 0;
done:
    if (canon)
        for (int i = 0; i < a->vals.n; i++) free(canon[i].canon);
    free(canon);
    sweep_strs_free(&raw);
    return rc;
}

/* Axis value indices of run r (0-based; the last axis varies fastest). */
static void sweep_run_index(const sweep_desc *d, long long r, int *idx) {
    for (int k = d->n_axes - 1; k >= 0; k--) {
        idx[k] = (int)(r % d->axes[k].vals.n);
        r /= d->axes[k].vals.n;
    }
}
/* Directory name of run r: "name-value" per axis joined by '_' ("run" without axes). Values never
   hold '_' or '/' and axis names never '_', so distinct runs get distinct names. Returns 0, or -1
   when longer than SWEEP_MAX_NAME. */
int sweep_run_name(const sweep_desc *d, long long r, char *buf, size_t cap) {
    int idx[SWEEP_MAX_AXES];
    size_t used = 0;
    if (d->n_axes == 0) { snprintf(buf, cap, "run"); return 0; }
    sweep_run_index(d, r, idx);
    buf[0] = 0;
    for (int k = 0; k < d->n_axes; k++) {
        int w = snprintf(buf + used, cap - used, "%s%s-%s", k ? "_" : "", d->axes[k].name, d->axes[k].vals.v[idx[k]]);
        if (w < 0 || (size_t)w >= cap - used) return -1;
        used += (size_t)w;
    }
    return used <= SWEEP_MAX_NAME ? 0 : -1;
}
/* train's arguments of run r (without --out): base tokens, then "--axis value" per axis. argv
   must hold base.n + 2 * n_axes entries. Returns the count. */
static int sweep_run_argv(const sweep_desc *d, long long r, const char **argv) {
    int idx[SWEEP_MAX_AXES], n = 0;
    sweep_run_index(d, r, idx);
    for (int i = 0; i < d->base.n; i++) argv[n++] = d->base.v[i];
    for (int k = 0; k < d->n_axes; k++) { argv[n++] = d->axes[k].flag; argv[n++] = d->axes[k].vals.v[idx[k]]; }
    return n;
}
/* Where msg first names the flag f (the part of a token before '=') as a whole word ("--slide" but
   not "--slide-x"); -1 when it does not. */
static long sweep_msg_pos(const char *msg, const char *f) {
    size_t n = strcspn(f, "=");
    for (const char *p = strstr(msg, "--"); p; p = strstr(p + 1, "--")) {
        char c;
        if (strncmp(p, f, n) != 0) continue;
        c = p[n]; /* within the string: p[0..n) matched */
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return (long)(p - msg);
    }
    return -1;
}
/* Checks run r as `rnnts train` would (flags, their combinations, the library's configuration
   checks). tmpl: train_opts_default, computed once. Returns 0 or -1 with msg. */
static int sweep_check_run(const sweep_desc *d, long long r, const train_opts *tmpl, char *msg, size_t cap) {
    train_opts o = *tmpl;
    const char *str = NULL, *pos[1];
    int flag = 0, argc, nf, line;
    cli_flag flags[] = {SWEEP_FLAGS(o, str, flag)};
    const char **argv = (const char **)malloc((size_t)(d->base.n + 2 * d->n_axes + 1) * sizeof *argv);
    char m[512], name[SWEEP_MAX_NAME + 64];
    rnnts_rnn_config rc;
    rnnts_train_config tc;
    rnnts_error e;
    if (!argv) { snprintf(msg, cap, "%s: out of memory", d->file); return -1; }
    nf = (int)(sizeof flags / sizeof flags[0]);
    argc = sweep_run_argv(d, r, argv);
    if (cli_parse_r(argc, (char **)argv, 0, flags, nf, pos, 0, m, sizeof m) < 0 || train_opts_check(&o, flags, nf, m, sizeof m) != 0) {
        /* each token was checked alone already: a combination failed */
    } else {
        opts_configs(&o, &rc, &tc);
        if (rnnts_rnn_config_check(&rc, &e) == RNNTS_OK && rnnts_train_config_check(&tc, NULL, &e) == RNNTS_OK) {
            free(argv);
            return 0;
        }
        snprintf(m, sizeof m, "%s", e.msg);
    }
    free(argv);
    /* the line of the flag the message names first (an axis or a base flag), else the first vary line */
    line = d->n_axes ? d->axes[0].line : d->base.n ? d->base.line[0] : 0;
    {
        long best = -1, p;
        for (int k = 0; k < d->n_axes; k++)
            if ((p = sweep_msg_pos(m, d->axes[k].flag)) >= 0 && (best < 0 || p < best)) { best = p; line = d->axes[k].line; }
        for (int i = 0; i < d->base.n; i++)
            if (d->base.v[i][0] == '-' && (p = sweep_msg_pos(m, d->base.v[i])) >= 0 && (best < 0 || p < best)) { best = p; line = d->base.line[i]; }
    }
    if (sweep_run_name(d, r, name, sizeof name) != 0) snprintf(name, sizeof name, "#%lld", r + 1);
    snprintf(msg, cap, "%s:%d: run %lld (%s) would be rejected by rnnts train: %s", d->file, line, r + 1, name, m);
    return -1;
}

/* The base line's tokens [first, base.n): each flag alone as train parses it, no reserved flag,
   no flag twice across base lines (seen_line[k]: the line that gave flag k, 0 = none). Returns 0
   or -1 with msg. */
static int sweep_check_base_line(const sweep_desc *d, int first, int line, const train_opts *tmpl, int *seen_line, char *msg, size_t cap) {
    train_opts o = *tmpl;
    const char *str = NULL, *pos[1];
    int flag = 0, nf, r;
    cli_flag flags[] = {SWEEP_FLAGS(o, str, flag)};
    char m[512];
    nf = (int)(sizeof flags / sizeof flags[0]);
    if (nf > 64) { snprintf(msg, cap, "%s: internal: more than 64 train flags", d->file); return -1; }
    r = cli_parse_r(d->base.n - first, d->base.v + first, 0, flags, nf, pos, 0, m, sizeof m);
    if (r == CLI_PARSE_HELP) { snprintf(msg, cap, "%s:%d: base: --help is not a flag of a run", d->file, line); return -1; }
    if (r < 0) { snprintf(msg, cap, "%s:%d: base: %s (the flags of rnnts train: rnnts train --help)", d->file, line, m); return -1; }
    for (int k = 0; k < nf; k++) {
        if (!flags[k].seen) continue;
        for (size_t q = 0; q < sizeof SWEEP_RESERVED / sizeof SWEEP_RESERVED[0]; q++)
            if (strcmp(flags[k].name, SWEEP_RESERVED[q]) == 0) {
                snprintf(msg, cap, "%s:%d: base: %s is set by the sweep for each run (--out ROOT/NAME --auto-resume); "
                         "base allows every other flag of rnnts train", d->file, line, flags[k].name);
                return -1;
            }
        if (seen_line[k]) {
            snprintf(msg, cap, "%s:%d: base: %s is already given on line %d (each flag once)", d->file, line, flags[k].name, seen_line[k]);
            return -1;
        }
        seen_line[k] = line;
    }
    return 0;
}

/* One "vary NAME = VALUES" line (key kb..ke, value vb..ve): a new axis of d. 0, or -1 with msg. */
static int sweep_parse_vary(sweep_desc *d, const char *kb, const char *ke, const char *vb, const char *ve, int line, const train_opts *tmpl,
                            const char *file, char *msg, size_t cap) {
    const char *nb = kb + 4;
    size_t nn;
    sweep_axis *a;
    train_opts o = *tmpl;
    const char *str = NULL;
    int flag = 0, nf;
    cli_flag flags[] = {SWEEP_FLAGS(o, str, flag)};
    cli_flag *f = NULL;
    nf = (int)(sizeof flags / sizeof flags[0]);
    while (nb < ke && sweep_blank(*nb)) nb++;
    if (ke - nb >= 2 && nb[0] == '-' && nb[1] == '-') nb += 2; /* "vary --seed" is "vary seed" */
    nn = (size_t)(ke - nb);
    for (const char *c = nb; c < ke; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-')) {
            snprintf(msg, cap, "%s:%d: vary: '%.*s' is not a flag name (allowed: a flag of rnnts train without --, e.g. vary seed = 0 1 2)",
                     file, line, (int)(ke - kb > 60 ? 60 : ke - kb), kb);
            return -1;
        }
    if (nn == 0 || nn > 60) {
        snprintf(msg, cap, "%s:%d: vary: missing or too long flag name (allowed: a flag of rnnts train without --, e.g. vary seed = 0 1 2)", file, line);
        return -1;
    }
    if (d->n_axes >= SWEEP_MAX_AXES) { snprintf(msg, cap, "%s:%d: vary: more than %d axes", file, line, SWEEP_MAX_AXES); return -1; }
    a = &d->axes[d->n_axes];
    memset(a, 0, sizeof *a);
    memcpy(a->name, nb, nn);
    a->name[nn] = 0;
    a->flag[0] = a->flag[1] = '-';
    memcpy(a->flag + 2, nb, nn);
    a->flag[nn + 2] = 0;
    a->line = line;
    for (int k = 0; k < d->n_axes; k++)
        if (strcmp(d->axes[k].name, a->name) == 0) {
            snprintf(msg, cap, "%s:%d: vary %s: this axis is already defined on line %d (one vary line per flag)", file, line, a->name, d->axes[k].line);
            return -1;
        }
    for (int k = 0; k < nf; k++)
        if (strcmp(flags[k].name, a->flag) == 0) f = &flags[k];
    for (size_t q = 0; q < sizeof SWEEP_RESERVED / sizeof SWEEP_RESERVED[0]; q++)
        if (strcmp(a->flag, SWEEP_RESERVED[q]) == 0) {
            snprintf(msg, cap, "%s:%d: vary %s: %s is set by the sweep for each run (ROOT/NAME); vary any other flag of rnnts train",
                     file, line, a->name, a->flag);
            return -1;
        }
    if (!f) {
        char names[1024];
        sweep_flag_names(names, sizeof names);
        snprintf(msg, cap, "%s:%d: vary %s: not a flag of rnnts train (allowed: %s)", file, line, a->name, names);
        return -1;
    }
    if (f->kind == CLI_FLAG) {
        snprintf(msg, cap, "%s:%d: vary %s: %s takes no value (a switch; put it in base)", file, line, a->name, a->flag);
        return -1;
    }
    d->n_axes++; /* owned by d from here (freed with it) */
    return sweep_axis_values(d, a, f, vb, ve, line, msg, cap);
}
/* The checks of a whole description: out given, no axis also in base, at most max_runs runs, every
   run's name and configuration valid. 0, or -1 with msg. */
static int sweep_check_all(sweep_desc *d, long long max_runs, const train_opts *tmpl, const char *file, char *msg, size_t cap) {
    if (!d->out) { snprintf(msg, cap, "%s: no 'out = DIR' line (the root directory of the runs, e.g. out = runs/sweep1)", file); return -1; }
    /* an axis that base sets too */
    for (int k = 0; k < d->n_axes; k++)
        for (int i = 0; i < d->base.n; i++) {
            const char *t = d->base.v[i];
            size_t fl = strlen(d->axes[k].flag);
            if (strncmp(t, d->axes[k].flag, fl) == 0 && (t[fl] == 0 || t[fl] == '=')) {
                snprintf(msg, cap, "%s:%d: vary %s: %s is also set in base (line %d); remove one of them", file, d->axes[k].line,
                         d->axes[k].name, d->axes[k].flag, d->base.line[i]);
                return -1;
            }
        }
    d->n_runs = 1;
    for (int k = 0; k < d->n_axes; k++) {
        d->n_runs *= d->axes[k].vals.n;
        if (d->n_runs > max_runs) {
            snprintf(msg, cap, "%s:%d: vary %s: the sweep has more than %lld runs (the product of the vary lines %d..%d); allowed at most %lld",
                     file, d->axes[k].line, d->axes[k].name, max_runs, d->axes[0].line, d->axes[k].line, max_runs);
            return -1;
        }
    }
    for (long long r = 0; r < d->n_runs; r++) {
        char name[SWEEP_MAX_NAME + 64];
        if (sweep_run_name(d, r, name, sizeof name) != 0) {
            snprintf(msg, cap, "%s:%d: run %lld: its directory name is longer than %d bytes (fewer or shorter axes or values)", file,
                     d->axes[d->n_axes - 1].line, r + 1, SWEEP_MAX_NAME);
            return -1;
        }
        if (sweep_check_run(d, r, tmpl, msg, cap) != 0) return -1;
    }
    return 0;
}
/* Parses and validates a description (text of len bytes; file names it in messages). At most
   max_runs runs (SWEEP_MAX_RUNS for the tool). Returns 0 with d filled (sweep_free it), or -1 with
   a message "FILE:LINE: ..." in msg (d freed). Never exits. */
int sweep_parse(const char *text, size_t len, const char *file, long long max_runs, sweep_desc *d, char *msg, size_t cap) {
    train_opts tmpl;
    const char *p = text, *end = text + len;
    int line = 0;
    int seen_base[64];
    train_opts_default(&tmpl);
    memset(d, 0, sizeof *d);
    memset(seen_base, 0, sizeof seen_base);
    d->file = file;
    if (len > SWEEP_MAX_TEXT) { snprintf(msg, cap, "%s: %zu bytes: allowed at most %d", file, len, SWEEP_MAX_TEXT); return -1; }
    while (p < end) {
        const char *nl = (const char *)memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *q, *eq, *kb, *ke, *vb, *ve;
        line++;
        /* NUL and control characters (other than tab and a CR before the newline) are errors */
        if (le > p && le[-1] == '\r') le--;
        for (q = p; q < le; q++)
            if ((unsigned char)*q < 32 && *q != '\t') {
                snprintf(msg, cap, "%s:%d: control character 0x%02x (a description is plain text)", file, line, (unsigned char)*q);
                goto fail;
            }
        /* comment: '#' at the start or after a blank */
        for (q = p; q < le; q++)
            if (*q == '#' && (q == p || sweep_blank(q[-1]))) { le = q; break; }
        kb = p;
        while (kb < le && sweep_blank(*kb)) kb++;
        while (le > kb && sweep_blank(le[-1])) le--;
        p = nl ? nl + 1 : end;
        if (kb == le) continue;
        eq = (const char *)memchr(kb, '=', (size_t)(le - kb));
        if (!eq) {
            snprintf(msg, cap, "%s:%d: expected KEY = VALUE (keys: out, base, vary NAME), got '%.*s'", file, line,
                     (int)(le - kb > 60 ? 60 : le - kb), kb);
            goto fail;
        }
        ke = eq;
        while (ke > kb && sweep_blank(ke[-1])) ke--;
        vb = eq + 1;
        while (vb < le && sweep_blank(*vb)) vb++;
        ve = le;
        if ((size_t)(ke - kb) == 3 && memcmp(kb, "out", 3) == 0) {
            if (d->out) { snprintf(msg, cap, "%s:%d: out: already set on line %d (one root directory per sweep)", file, line, d->out_line); goto fail; }
            if (vb == ve) { snprintf(msg, cap, "%s:%d: out: empty value (allowed: a directory path, e.g. out = runs/sweep1)", file, line); goto fail; }
            if ((size_t)(ve - vb) > 3000) { snprintf(msg, cap, "%s:%d: out: path longer than 3000 bytes", file, line); goto fail; }
            if (memchr(vb, '\t', (size_t)(ve - vb))) { snprintf(msg, cap, "%s:%d: out: tab in the path (the manifest is tab-separated)", file, line); goto fail; }
            if (!(d->out = (char *)malloc((size_t)(ve - vb) + 1))) { snprintf(msg, cap, "%s: out of memory", file); goto fail; }
            memcpy(d->out, vb, (size_t)(ve - vb));
            d->out[ve - vb] = 0;
            d->out_line = line;
        } else if ((size_t)(ke - kb) == 4 && memcmp(kb, "base", 4) == 0) {
            int first = d->base.n;
            if (vb == ve) { snprintf(msg, cap, "%s:%d: base: empty value (allowed: flags of rnnts train, e.g. base = --hidden 64)", file, line); goto fail; }
            if (sweep_split(vb, ve, line, &d->base) != 0) { snprintf(msg, cap, "%s: out of memory", file); goto fail; }
            if (d->base.n > 4096) { snprintf(msg, cap, "%s:%d: base: more than 4096 words", file, line); goto fail; }
            if (sweep_check_base_line(d, first, line, &tmpl, seen_base, msg, cap) != 0) goto fail;
        } else if ((size_t)(ke - kb) == 4 && memcmp(kb, "vary", 4) == 0) {
            snprintf(msg, cap, "%s:%d: vary: missing flag name (allowed: vary NAME = VALUES with a flag of rnnts train, e.g. vary seed = 0 1 2)", file, line);
            goto fail;
        } else if ((size_t)(ke - kb) > 4 && memcmp(kb, "vary", 4) == 0 && sweep_blank(kb[4])) {
            if (sweep_parse_vary(d, kb, ke, vb, ve, line, &tmpl, file, msg, cap) != 0) goto fail;
        } else {
            snprintf(msg, cap, "%s:%d: unknown key '%.*s' (allowed: out, base, vary NAME)", file, line, (int)(ke - kb > 60 ? 60 : ke - kb), kb);
            goto fail;
        }
    }
    if (sweep_check_all(d, max_runs, &tmpl, file, msg, cap) != 0) goto fail;
    return 0;
fail:
    sweep_free(d);
    return -1;
}

/* Writes s as one shell word (POSIX sh): as is when it holds only safe characters, else in single
   quotes with each ' written as '\''. */
static void sweep_shell_word(FILE *f, const char *s) {
    int safe = *s != 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("_@%+=:,./-", *c))) safe = 0;
    if (safe) { fputs(s, f); return; }
    fputc('\'', f);
    for (const char *c = s; *c; c++) {
        if (*c == '\'') fputs("'\\''", f);
        else fputc(*c, f);
    }
    fputc('\'', f);
}
/* The command of run r on one line. */
void sweep_command(FILE *f, const sweep_desc *d, long long r, const char *prog, int auto_resume, int quiet) {
    const char **argv = (const char **)malloc((size_t)(d->base.n + 2 * d->n_axes + 1) * sizeof *argv);
    char name[SWEEP_MAX_NAME + 64], dir[4096];
    int argc, has_quiet = 0;
    if (!argv) return;
    argc = sweep_run_argv(d, r, argv);
    sweep_run_name(d, r, name, sizeof name);
    path_join(dir, sizeof dir, d->out, name);
    sweep_shell_word(f, prog);
    fputs(" train", f);
    for (int i = 0; i < argc; i++) {
        fputc(' ', f);
        sweep_shell_word(f, argv[i]);
        if (strcmp(argv[i], "--quiet") == 0) has_quiet = 1;
    }
    fputs(" --out ", f);
    sweep_shell_word(f, dir);
    if (auto_resume) fputs(" --auto-resume", f);
    if (quiet && !has_quiet) fputs(" --quiet", f);
    fputc('\n', f);
    free(argv);
}
/* The manifest (sweep.tsv) or the --list table: index, name, one column per axis[, command]. */
void sweep_table(FILE *f, const sweep_desc *d, const char *prog, int auto_resume, int quiet, int with_command) {
    fputs("index\tname", f);
    for (int k = 0; k < d->n_axes; k++) fprintf(f, "\t%s", d->axes[k].name);
    fputs(with_command ? "\tcommand\n" : "\n", f);
    for (long long r = 0; r < d->n_runs; r++) {
        int idx[SWEEP_MAX_AXES];
        char name[SWEEP_MAX_NAME + 64];
        sweep_run_index(d, r, idx);
        sweep_run_name(d, r, name, sizeof name);
        fprintf(f, "%lld\t%s", r + 1, name);
        for (int k = 0; k < d->n_axes; k++) fprintf(f, "\t%s", d->axes[k].vals.v[idx[k]]);
        if (with_command) {
            fputc('\t', f);
            sweep_command(f, d, r, prog, auto_resume, quiet); /* ends the line */
        } else {
            fputc('\n', f);
        }
    }
}

/* Reads a whole file of at most max bytes into a NUL-terminated buffer (grown as it reads: the
   limit is not allocated up front). Returns NULL with msg. */
char *sweep_read_file(const char *path, size_t max, size_t *len, char *msg, size_t cap) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, bcap = 0;
    if (!f) { snprintf(msg, cap, "cannot read %.3000s: %s", path, strerror(errno)); return NULL; }
    for (;;) {
        size_t got;
        if (n + 1 >= bcap) {
            size_t nc = bcap ? 2 * bcap : 65536;
            char *nb;
            if (nc > max + 2) nc = max + 2;
            if (nc <= bcap) { fclose(f); free(buf); snprintf(msg, cap, "%.3000s: larger than %zu bytes", path, max); return NULL; }
            if (!(nb = (char *)realloc(buf, nc))) { fclose(f); free(buf); snprintf(msg, cap, "out of memory"); return NULL; }
            buf = nb;
            bcap = nc;
        }
        got = fread(buf + n, 1, bcap - 1 - n, f);
        n += got;
        if (got == 0) break;
    }
    if (ferror(f)) { fclose(f); free(buf); snprintf(msg, cap, "cannot read %.3000s: %s", path, strerror(errno)); return NULL; }
    fclose(f);
    if (n > max) { free(buf); snprintf(msg, cap, "%.3000s: larger than %zu bytes", path, max); return NULL; }
    buf[n] = 0;
    *len = n;
    return buf;
}

static void sweep_help(const cli_flag *flags, int n) {
    printf("usage: rnnts sweep FILE [--commands | --list] [--out-file F] [--rnnts PATH] [--no-auto-resume] [--progress]\n\n"
           "Expands a sweep description into one `rnnts train` command per run and writes ROOT/sweep.tsv\n"
           "(the manifest: index, name, one column per axis, command) for `rnnts analyze merge`.\n\n"
           "The description, one statement per line ('#' starts a comment at the start of a line or\n"
           "after a blank):\n"
           "  out = runs/curricula             ROOT, the root directory of the runs, relative to the\n"
           "                                   directory where the commands run (run NAME: ROOT/NAME)\n"
           "  base = --hidden 64 --threads 1   flags every run gets; several base lines add up; any\n"
           "                                   flag of rnnts train except --out, --resume, --force,\n"
           "                                   --auto-resume (set per run)\n"
           "  vary seed = 0..4                 an axis: a flag of rnnts train without \"--\" and its\n"
           "  vary curriculum = single multi   values, separated by blanks; A..B = the integers A to B\n"
           "  vary task = parity dms           (integer flags)\n"
           "Runs: every combination of the vary values (at most %d). The first vary line is the\n"
           "outermost, slowest loop, the last the innermost, fastest one: above, runs 1-4 are seed 0\n"
           "(single parity, single dms, multi parity, multi dms), runs 5-8 seed 1, ...\n"
           "Run NAME: axis-value per axis in file order joined by '_', e.g. seed-0_curriculum-single_task-dms\n"
           "(\"run\" when there is no vary line); values may hold letters, digits, '.', '+', '-'.\n"
           "Every value and every run is checked as rnnts train checks it (ranges, choices, combinations)\n"
           "before anything is written; an error names FILE:LINE, the key and the allowed values (exit 2).\n\n"
           "Output (stdout, or --out-file F written atomically):\n"
           "  --commands  (default) line i = run i = SLURM array index i, shell-quoted:\n"
           "              PROG train BASE --AXIS VALUE ... --out ROOT/NAME --auto-resume --quiet\n"
           "              With --auto-resume a command continues its run from ROOT/NAME/last.safetensors,\n"
           "              or does nothing when the run is over: rerunning the list is cheap.\n"
           "  --list      index, name and axis values, tab-separated; writes nothing else\n\n"
           "Run the commands:\n"
           "  rnnts sweep s.txt > cmds.txt\n"
           "  xargs -d '\\n' -n 1 -P 2 sh -c < cmds.txt        (or: parallel -j 2 < cmds.txt;\n"
           "                                                   examples/run_local.sh cmds.txt -j 2)\n"
           "  sbatch --array=1-$(wc -l < cmds.txt)%%50 examples/slurm/sweep.sbatch cmds.txt\n"
           "  rnnts analyze merge --sweep ROOT --out ROOT/merged   (one table and figure)\n\nflags:\n",
           SWEEP_MAX_RUNS);
    cli_print_flags(stdout, flags, n);
}

int cmd_sweep(int argc, char **argv) {
    int list = 0, commands = 0, no_auto = 0, progress = 0, code = CLI_EXIT_FAIL;
    const char *prog = NULL, *out_file = NULL, *pos[1];
    cli_flag flags[] = {
        {"--commands", CLI_FLAG, &commands, 0, 0, NULL, NULL, "print one train command per run (default); writes ROOT/sweep.tsv", 0, 0},
        {"--list", CLI_FLAG, &list, 0, 0, NULL, NULL, "print index, name and axis values of every run; writes nothing else", 0, 0},
        {"--out-file", CLI_STR, &out_file, 0, 0, NULL, "F", "write the output to F (atomically) instead of stdout", 0, 0},
        {"--rnnts", CLI_STR, &prog, 0, 0, NULL, "PATH", "program in the commands (default: this binary's absolute path, or rnnts when run from PATH)", 0, 0},
        {"--no-auto-resume", CLI_FLAG, &no_auto, 0, 0, NULL, NULL, "leave --auto-resume out of the commands (for a train without it)", 0, 0},
        {"--progress", CLI_FLAG, &progress, 0, 0, NULL, NULL, "leave --quiet out: each run prints a line per epoch on stderr (SLURM logs)", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    char msg[2048], resolved[4096], cwd[4096], *text;
    size_t len;
    sweep_desc d;
    cli_prog = "rnnts sweep";
    if (cli_parse(argc, argv, 2, flags, nf, pos, 1, sweep_help) != 1) cli_usage_error("FILE (the sweep description) is required");
    if (list && commands) cli_usage_error("--list and --commands exclude each other");
    if (!prog) {
        /* the running binary, absolute, so that the commands work from any directory */
        if (argv[0][0] == '/') prog = argv[0];
        else if (strchr(argv[0], '/') && getcwd(cwd, sizeof cwd) && snprintf(resolved, sizeof resolved, "%s/%s", cwd, argv[0] + (strncmp(argv[0], "./", 2) == 0 ? 2 : 0)) < (int)sizeof resolved)
            prog = resolved;
        else prog = "rnnts";
    }
    for (const char *c = prog; *c; c++)
        if ((unsigned char)*c < 32) cli_usage_error("--rnnts: control character in the path");
    if (!(text = sweep_read_file(pos[0], SWEEP_MAX_TEXT, &len, msg, sizeof msg))) cli_usage_error("%s", msg);
    if (sweep_parse(text, len, pos[0], SWEEP_MAX_RUNS, &d, msg, sizeof msg) != 0) {
        free(text);
        cli_usage_error("%s", msg);
    }
    free(text);

    if (!list) {
        /* the manifest first: a root that cannot be created fails before any command is printed */
        afile a;
        char path[4096], old[256] = "";
        if (mkdir_p(d.out) != 0) {
            fprintf(stderr, "%s: cannot create the sweep root %s: %s\n", cli_prog, d.out, strerror(errno));
            goto done;
        }
        path_join(path, sizeof path, d.out, "sweep.tsv");
        {
            /* a different sweep in the same root: its runs stay, the manifest now describes this one */
            FILE *f = fopen(path, "rb");
            if (f) {
                if (!fgets(old, sizeof old, f)) old[0] = 0;
                fclose(f);
            }
        }
        if (afile_open(&a, path, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); goto done; }
        sweep_table(a.f, &d, prog, !no_auto, !progress, 1);
        if (afile_commit(&a, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); goto done; }
        {
            char now[256];
            FILE *f = fopen(path, "rb");
            if (f) {
                if (!fgets(now, sizeof now, f)) now[0] = 0;
                fclose(f);
                if (old[0] && strcmp(old, now) != 0)
                    fprintf(stderr, "%s: warning: %s described a sweep with other axes; it now describes this one (the runs already in %s stay)\n",
                            cli_prog, path, d.out);
            }
        }
    }
    {
        afile a;
        FILE *f = stdout;
        if (out_file) {
            if (afile_open(&a, out_file, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); goto done; }
            f = a.f;
        }
        if (list) sweep_table(f, &d, prog, !no_auto, !progress, 0);
        else
            for (long long r = 0; r < d.n_runs; r++) sweep_command(f, &d, r, prog, !no_auto, !progress);
        if (out_file && afile_commit(&a, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); goto done; }
        if (!out_file && (fflush(stdout) != 0 || ferror(stdout))) { fprintf(stderr, "%s: writing stdout failed\n", cli_prog); goto done; }
    }
    if (!list)
        fprintf(stderr, "%s: %lld run%s in %s (manifest %s/sweep.tsv)\n", cli_prog, d.n_runs, d.n_runs == 1 ? "" : "s", d.out, d.out);
    code = CLI_EXIT_OK;
done:
    sweep_free(&d);
    return code;
}

