/* cli_args.h — command line flags for the rnnts tool: one table per subcommand, parsed in one
   place, so every flag gets the same syntax (--flag VALUE or --flag=VALUE), range checks, usage
   errors (exit code 2, a message naming the flag and the allowed values) and --help text.
   Implemented in cli_args.c. */
#ifndef RNNTS_CLI_ARGS_H
#define RNNTS_CLI_ARGS_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2
#define CLI_EXIT_BUSY 3 /* train: another train holds the run directory (runlock.h) */

typedef enum cli_kind {
    CLI_INT,    /* int in [lo, hi] */
    CLI_U64,    /* unsigned 64-bit (seeds) */
    CLI_DOUBLE, /* finite double in [lo, hi] (or (lo, hi] with lo_open) */
    CLI_ENUM,   /* one of choices "a|b|c"; stores the index as int */
    CLI_STR,    /* string (path) */
    CLI_FLAG,   /* no value; stores 1 */
    CLI_NLIST   /* comma list of N (ints in [lo, hi]) into a cli_nlist */
} cli_kind;

#define CLI_MAX_LIST 256
typedef struct cli_nlist {
    int n;
    int v[CLI_MAX_LIST];
} cli_nlist;

typedef struct cli_flag {
    const char *name;    /* "--batch" */
    cli_kind kind;
    void *dst;           /* int*, uint64_t*, double*, int* (enum index), const char**, int* (flag), cli_nlist* */
    double lo, hi;       /* ranges of CLI_INT, CLI_DOUBLE and CLI_NLIST values */
    const char *choices; /* CLI_ENUM: "parity|dms" */
    const char *metavar; /* shown in --help: "B" */
    const char *help;    /* one line */
    int lo_open;         /* CLI_DOUBLE: value must be > lo */
    int seen;            /* set by the parser */
} cli_flag;

/* Name of the running subcommand, for messages ("rnnts train"). */
extern const char *cli_prog;

/* Fuzzing hook (tests/fuzz/fuzz_cli.c links the tool's modules compiled with -DCLI_FUZZ and runs
   whole command lines in one process): cli_exit() of a usage error or --help, and CLI_FUZZ_STOP()
   where a command has checked its flags and begins the work (files, threads, training), longjmp
   back to the harness, which sets cli_fuzz_env. CLI_FUZZ_OWN(net) hands a loaded network to the
   harness to free after such a jump. Without CLI_FUZZ: exit(), nothing and nothing. Every module
   of one build must be compiled with the same setting. */
#ifdef CLI_FUZZ
#include <setjmp.h>
extern jmp_buf cli_fuzz_env;
extern void *cli_fuzz_owned;
extern char cli_fuzz_msg[1024]; /* the last usage error, formatted as the tool would print it */
#define cli_exit(code) longjmp(cli_fuzz_env, 0x100 | (code))
#define CLI_FUZZ_STOP() longjmp(cli_fuzz_env, 0x200)
#define CLI_FUZZ_OWN(p) (cli_fuzz_owned = (void *)(p))
#else
#define cli_exit(code) exit(code)
#define CLI_FUZZ_STOP() ((void)0)
#define CLI_FUZZ_OWN(p) ((void)0)
#endif

/* Prints "rnnts <cmd>: <message>" and a pointer to --help on stderr; exits with code 2. */
_Noreturn void cli_usage_error(const char *fmt, ...)
#if defined(__MINGW32__) /* its C99 printf (__USE_MINGW_ANSI_STDIO): %zu, %lld */
    __attribute__((format(gnu_printf, 1, 2)))
#elif defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* The i-th alternative of "a|b|c" into buf; returns 0 past the end. */
int cli_choice(const char *choices, int i, char *buf, size_t cap);
/* Index of s in "a|b|c", or -1. */
int cli_choice_index(const char *choices, const char *s);
/* Sets flag f from the text val (range-checked). Returns 0, or -1 with a usage message. */
int cli_set_r(cli_flag *f, const char *val, char *msg, size_t cap);
/* Prints the flag table as help text. */
void cli_print_flags(FILE *out, const cli_flag *flags, int n);

#define CLI_PARSE_HELP (-2) /* cli_parse_r: --help or -h was given */
/* Parses argv[first..argc) against the flag table without exiting. Positional arguments (not
   starting with "-", or everything after "--") go to pos[] (at most max_pos). Returns the number
   of positional arguments, CLI_PARSE_HELP when "--help"/"-h" comes before any error, or -1 with a
   usage message in msg. */
int cli_parse_r(int argc, char **argv, int first, cli_flag *flags, int n_flags, const char **pos, int max_pos, char *msg, size_t cap);
/* cli_parse_r for the subcommands: "--help"/"-h" print help via help_fn(flags, n_flags) and exit 0;
   an error exits with a usage error (code 2). Returns the number of positional arguments. */
int cli_parse(int argc, char **argv, int first, cli_flag *flags, int n_flags, const char **pos, int max_pos,
              void (*help_fn)(const cli_flag *, int));
/* The flag entry of a name (for "was it given?"). */
cli_flag *cli_find(cli_flag *flags, int n, const char *name);
int cli_seen(cli_flag *flags, int n, const char *name);

#endif /* RNNTS_CLI_ARGS_H */
