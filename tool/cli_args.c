/* cli_args.c — the flag parser of the rnnts tool (declared in cli_args.h). */
#define _POSIX_C_SOURCE 200809L
#include "cli_args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *cli_prog = "rnnts";

#ifdef CLI_FUZZ
jmp_buf cli_fuzz_env;
void *cli_fuzz_owned;
char cli_fuzz_msg[1024];
#endif

_Noreturn void cli_usage_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
#ifdef CLI_FUZZ
    vsnprintf(cli_fuzz_msg, sizeof cli_fuzz_msg, fmt, ap); /* formatted all the same: the arguments are read */
#else
    fprintf(stderr, "%s: ", cli_prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see '%s --help')\n", cli_prog);
#endif
    va_end(ap);
    cli_exit(CLI_EXIT_USAGE);
}

/* The i-th alternative of "a|b|c" into buf; returns 0 past the end. */
int cli_choice(const char *choices, int i, char *buf, size_t cap) {
    const char *p = choices;
    for (int k = 0; k < i; k++) {
        p = strchr(p, '|');
        if (!p) return 0;
        p++;
    }
    size_t n = strcspn(p, "|");
    if (n >= cap) n = cap - 1;
    memcpy(buf, p, n);
    buf[n] = 0;
    return 1;
}
int cli_choice_index(const char *choices, const char *s) {
    char b[64];
    for (int i = 0; cli_choice(choices, i, b, sizeof b); i++)
        if (strcmp(b, s) == 0) return i;
    return -1;
}
/* "a, b, c" for messages. */
static const char *cli_choices_text(const char *choices) {
    static char out[256];
    char b[64];
    size_t used = 0;
    out[0] = 0;
    for (int i = 0; cli_choice(choices, i, b, sizeof b); i++) {
        int w = snprintf(out + used, sizeof out - used, i ? ", %s" : "%s", b);
        if (w < 0 || (size_t)w >= sizeof out - used) break;
        used += (size_t)w;
    }
    return out;
}

/* Strict integer parse: the whole string, base 10. */
static int cli_parse_ll(const char *s, long long *v) {
    char *e;
    if (!*s) return 0;
    errno = 0;
    *v = strtoll(s, &e, 10);
    return !*e && errno == 0;
}
static int cli_parse_double(const char *s, double *v) {
    char *e;
    if (!*s) return 0;
    errno = 0;
    *v = strtod(s, &e);
    return !*e && errno == 0 && *v == *v && *v - *v == 0.0; /* finite */
}
static void cli_range_text(const cli_flag *f, char *buf, size_t cap) {
    if (f->kind == CLI_DOUBLE) {
        if (f->lo_open) snprintf(buf, cap, "> %g and <= %g", f->lo, f->hi);
        else snprintf(buf, cap, "%g..%g", f->lo, f->hi);
    } else {
        snprintf(buf, cap, "%.0f..%.0f", f->lo, f->hi);
    }
}

/* Parses "2,3,5" (also ranges "2-5") into l. Returns 0 on a malformed list or a value out of range. */
static int cli_parse_nlist(const cli_flag *f, const char *s, cli_nlist *l) {
    l->n = 0;
    if (!*s) return 0;
    while (*s) {
        char *e;
        long a, b;
        errno = 0;
        a = strtol(s, &e, 10);
        if (e == s || errno) return 0;
        b = a;
        s = e;
        if (*s == '-') {
            s++;
            b = strtol(s, &e, 10);
            if (e == s || errno || b < a) return 0;
            s = e;
        }
        for (long v = a; v <= b; v++) {
            if (v < (long)f->lo || v > (long)f->hi || l->n >= CLI_MAX_LIST) return 0;
            l->v[l->n++] = (int)v;
        }
        if (*s == ',') { s++; if (!*s) return 0; }
        else if (*s) return 0;
    }
    return 1;
}

/* Stores the value of flag f after validating it. Returns 0, or -1 with a message naming the flag,
   the value and the allowed values in msg (no exit: the sweep description parser and the fuzz
   targets need errors as values). */
int cli_set_r(cli_flag *f, const char *val, char *msg, size_t cap) {
    char range[96];
    cli_range_text(f, range, sizeof range);
    switch (f->kind) {
    case CLI_INT: {
        long long v;
        if (!cli_parse_ll(val, &v) || v < (long long)f->lo || v > (long long)f->hi) {
            snprintf(msg, cap, "%s %s: allowed %s", f->name, val, range);
            return -1;
        }
        *(int *)f->dst = (int)v;
        break;
    }
    case CLI_U64: {
        char *e;
        unsigned long long v;
        errno = 0;
        v = strtoull(val, &e, 10);
        if (!*val || *e || errno || val[0] == '-') {
            snprintf(msg, cap, "%s %s: allowed 0..18446744073709551615", f->name, val);
            return -1;
        }
        *(uint64_t *)f->dst = (uint64_t)v;
        break;
    }
    case CLI_DOUBLE: {
        double v;
        if (!cli_parse_double(val, &v) || v > f->hi || (f->lo_open ? !(v > f->lo) : v < f->lo)) {
            snprintf(msg, cap, "%s %s: allowed %s", f->name, val, range);
            return -1;
        }
        *(double *)f->dst = v;
        break;
    }
    case CLI_ENUM: {
        int i = cli_choice_index(f->choices, val);
        if (i < 0) {
            snprintf(msg, cap, "%s %s: allowed %s", f->name, val, cli_choices_text(f->choices));
            return -1;
        }
        *(int *)f->dst = i;
        break;
    }
    case CLI_STR:
        if (!*val) {
            snprintf(msg, cap, "%s: empty value", f->name);
            return -1;
        }
        *(const char **)f->dst = val;
        break;
    case CLI_NLIST:
        if (!cli_parse_nlist(f, val, (cli_nlist *)f->dst)) {
            snprintf(msg, cap, "%s %s: allowed a comma list of N in %s (e.g. 2,3,5 or 2-6), at most %d", f->name, val, range,
                     CLI_MAX_LIST);
            return -1;
        }
        break;
    case CLI_FLAG: *(int *)f->dst = 1; break;
    }
    return 0;
}

/* Prints the flag table as help text. */
void cli_print_flags(FILE *out, const cli_flag *flags, int n) {
    for (int i = 0; i < n; i++) {
        const cli_flag *f = &flags[i];
        char left[64];
        if (f->kind == CLI_FLAG) snprintf(left, sizeof left, "%s", f->name);
        else if (f->kind == CLI_ENUM) snprintf(left, sizeof left, "%s %s", f->name, f->choices);
        else snprintf(left, sizeof left, "%s %s", f->name, f->metavar ? f->metavar : "X");
        if (strlen(left) > 30) fprintf(out, "  %s\n  %-30s %s\n", left, "", f->help ? f->help : "");
        else fprintf(out, "  %-30s %s\n", left, f->help ? f->help : "");
    }
}

/* Parses argv[first..argc) against the flag table without exiting. Positional arguments (not
   starting with "-", or everything after "--") go to pos[] (at most max_pos). Returns the number
   of positional arguments, CLI_PARSE_HELP when "--help"/"-h" comes before any error, or -1 with a
   usage message in msg. */
int cli_parse_r(int argc, char **argv, int first, cli_flag *flags, int n_flags, const char **pos, int max_pos, char *msg,
                       size_t cap) {
    int n_pos = 0, only_pos = 0;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (!only_pos && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) return CLI_PARSE_HELP;
        if (!only_pos && strcmp(a, "--") == 0) { only_pos = 1; continue; }
        if (!only_pos && a[0] == '-' && a[1] != 0) {
            char name[64];
            const char *eq = strchr(a, '='), *val = NULL;
            size_t len = eq ? (size_t)(eq - a) : strlen(a);
            cli_flag *f = NULL;
            if (len >= sizeof name) len = sizeof name - 1;
            memcpy(name, a, len);
            name[len] = 0;
            for (int k = 0; k < n_flags; k++)
                if (strcmp(flags[k].name, name) == 0) f = &flags[k];
            if (!f) { snprintf(msg, cap, "unknown flag %s", name); return -1; }
            f->seen = 1;
            if (f->kind == CLI_FLAG) {
                if (eq) { snprintf(msg, cap, "%s takes no value", f->name); return -1; }
                if (cli_set_r(f, "", msg, cap) != 0) return -1;
                continue;
            }
            if (eq) val = eq + 1;
            else if (i + 1 < argc) val = argv[++i];
            else {
                char b[256];
                if (f->kind == CLI_ENUM) snprintf(b, sizeof b, "one of %s", cli_choices_text(f->choices));
                else if (f->kind == CLI_INT || f->kind == CLI_DOUBLE || f->kind == CLI_NLIST) cli_range_text(f, b, sizeof b);
                else snprintf(b, sizeof b, "%s", f->metavar ? f->metavar : "a value");
                snprintf(msg, cap, "%s needs a value (allowed %s)", f->name, b);
                return -1;
            }
            if (cli_set_r(f, val, msg, cap) != 0) return -1;
            continue;
        }
        if (n_pos >= max_pos) { snprintf(msg, cap, "unexpected argument '%s'", a); return -1; }
        pos[n_pos++] = a;
    }
    return n_pos;
}
/* cli_parse_r for the subcommands: "--help"/"-h" print help via help_fn(flags, n_flags) and exit 0;
   an error exits with a usage error (code 2). Returns the number of positional arguments. */
int cli_parse(int argc, char **argv, int first, cli_flag *flags, int n_flags, const char **pos, int max_pos,
                     void (*help_fn)(const cli_flag *, int)) {
    char msg[512];
    int r = cli_parse_r(argc, argv, first, flags, n_flags, pos, max_pos, msg, sizeof msg);
    if (r == CLI_PARSE_HELP) {
        help_fn(flags, n_flags);
        cli_exit(CLI_EXIT_OK);
    }
    if (r < 0) cli_usage_error("%s", msg);
    return r;
}

/* The flag entry of a name (for "was it given?"). */
cli_flag *cli_find(cli_flag *flags, int n, const char *name) {
    for (int k = 0; k < n; k++)
        if (strcmp(flags[k].name, name) == 0) return &flags[k];
    return NULL;
}
int cli_seen(cli_flag *flags, int n, const char *name) {
    cli_flag *f = cli_find(flags, n, name);
    return f && f->seen;
}

