/* sweep.h — `rnnts sweep`: expands a sweep description (seeds x curricula x tasks x sizes ...) into
   one `rnnts train` command per run, for an existing scheduler (a SLURM job array, xargs -P, GNU
   parallel) rather than a home-made one, and writes ROOT/sweep.tsv, the manifest that
   `rnnts analyze merge` reads. Implemented in sweep.c (it validates every run with train's own flag table and checks,
   train_opts.h). The parser reports errors by return value, never
   exits: tests/fuzz/fuzz_sweep.c runs it on arbitrary bytes.

   Description: one statement per line, '#' starts a comment (at the start of a line or after a
   blank):
       out = runs/curricula                 root directory of the runs (ROOT)
       base = --hidden 64 --threads 1       flags of every run (several base lines add up)
       vary seed = 0..2                     an axis: a train flag without "--" and its values
       vary curriculum = single multi
   Runs are the Cartesian product of the vary lines, the first line the outermost (slowest) loop. */
#ifndef RNNTS_SWEEP_H
#define RNNTS_SWEEP_H

#include <stdio.h>

#define SWEEP_MAX_RUNS 100000
#define SWEEP_MAX_AXES 32
#define SWEEP_MAX_TEXT (1 << 20)  /* bytes of a description file */
#define SWEEP_MAX_NAME 255        /* a run directory name (NAME_MAX) */

typedef struct sweep_strs {
    char **v;
    int *line; /* source line of each string */
    int n, cap;
} sweep_strs;

typedef struct sweep_axis {
    char name[64];  /* train flag without the dashes: "seed" */
    char flag[66];  /* "--seed" */
    int line;
    sweep_strs vals;
} sweep_axis;

typedef struct sweep_desc {
    const char *file; /* for messages */
    char *out;        /* ROOT */
    int out_line;
    sweep_strs base;  /* tokens of the base lines */
    int n_axes;
    sweep_axis axes[SWEEP_MAX_AXES];
    long long n_runs;
} sweep_desc;


/* Frees a description (and zeroes it). */
void sweep_free(sweep_desc *d);
/* Directory name of run r: "name-value" per axis joined by '_' ("run" without axes). Returns 0, or
   -1 when longer than SWEEP_MAX_NAME. */
int sweep_run_name(const sweep_desc *d, long long r, char *buf, size_t cap);
/* Parses and validates a description (text of len bytes; file names it in messages). At most
   max_runs runs (SWEEP_MAX_RUNS for the tool). Returns 0 with d filled (sweep_free it), or -1 with
   a message "FILE:LINE: ..." in msg (d freed). Never exits. */
int sweep_parse(const char *text, size_t len, const char *file, long long max_runs, sweep_desc *d, char *msg, size_t cap);
/* The command of run r on one line. */
void sweep_command(FILE *f, const sweep_desc *d, long long r, const char *prog, int auto_resume, int quiet);
/* The manifest (sweep.tsv) or the --list table: index, name, one column per axis[, command]. */
void sweep_table(FILE *f, const sweep_desc *d, const char *prog, int auto_resume, int quiet, int with_command);
/* A whole file of at most max bytes, NUL-terminated (length in *len); NULL with msg. */
char *sweep_read_file(const char *path, size_t max, size_t *len, char *msg, size_t cap);

#endif /* RNNTS_SWEEP_H */
