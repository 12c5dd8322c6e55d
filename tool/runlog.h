/* runlog.h — reader of the per-epoch logs that `rnnts train` writes (DIR/log.jsonl, one JSON object
   per epoch, or DIR/log.csv), for `rnnts analyze merge`. Strict and bounded: it reads a buffer of
   known length (no terminating NUL needed) and never past it; lines, records and nesting are
   limited; a malformed line is reported with its line number and skipped; an unterminated last
   line that does not parse (a crash mid-write) is ignored with a note. Errors are returned, never
   exit()ed: tests/fuzz/fuzz_runlog.c runs it on arbitrary bytes. JSON through the library's cursor
   (rnnts_json_*).

   A record that repeats an earlier epoch (a run resumed from an older checkpoint re-runs the
   epochs after it and appends them) replaces that epoch and every later one: the kept records are
   those of the run the checkpoints belong to.

   Provenance: since rnnts records it, each record names the process that wrote it (rnnts version,
   vector path, threads, host, build; JSON "provenance", CSV the columns after accuracy). The
   distinct writers of a log are kept once (runlog.writers) and a record points to its own; logs
   written before, and CSV logs continued in their old form, have none (writer -1). */
#ifndef RNNTS_RUNLOG_H
#define RNNTS_RUNLOG_H

#include "../rnnts.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RUNLOG_MAX_LINE 65536        /* bytes of one record (256 Ns with accuracies need about 6 KB) */
#define RUNLOG_MAX_RECORDS 10000000  /* records of one log */
#define RUNLOG_MAX_FILE (512u << 20) /* bytes of a log file */
#define RUNLOG_MAX_NS 256            /* Ns of one epoch (RNNTS_MAX_NS) */
#define RUNLOG_MAX_DEPTH 32          /* nesting of unknown JSON values that are skipped */
#define RUNLOG_MSGS 8                /* error messages kept (all are counted) */
#define RUNLOG_MAX_WRITERS 32        /* distinct writers kept (a run continued on that many machines or setups) */

/* The process that wrote records: train's provenance (strings cut to fit). */
typedef struct runlog_writer {
    char rnnts[16], simd[16], host[64], build[96];
    int threads;
} runlog_writer;

typedef struct runlog_rec {
    int epoch;                /* 1-based */
    int n_ns, ns_lo, ns_hi;   /* the Ns trained in the epoch: count, smallest, largest */
    double loss, acc_mean;    /* NaN where the log holds null */
    double acc_hi, acc_min;   /* accuracy (percent) of the largest N; the lowest over the Ns */
    int solved;               /* the advance rule held (a checkpoint N<lo>_N<hi> was written) */
    int has_tau;              /* 0: "tau": null (GRU/LSTM) */
    double tau_mean, tau_median, tau_sd, tau_min, tau_max;
    int tau_below_1;
    double seconds, wall;     /* the epoch's time; the run's wall clock after it */
    int writer;               /* index into runlog.writers; -1: none recorded; -2: beyond RUNLOG_MAX_WRITERS */
} runlog_rec;

typedef struct runlog {
    runlog_rec *rec;
    int n, cap;
    int lines;                       /* lines read */
    int n_errors;                    /* malformed lines (skipped) */
    char errors[RUNLOG_MSGS][192];   /* the first messages, "line L: ..." */
    int truncated;                   /* the last line had no newline and did not parse (ignored) */
    int replaced;                    /* records replaced by a later record of the same epoch */
    int gaps;                        /* records whose epoch skips ahead of the previous one */
    int n_writers;                   /* distinct provenances seen */
    runlog_writer writers[RUNLOG_MAX_WRITERS];
} runlog;

/* Frees the records of a log. */
void runlog_free(runlog *l);
/* Parses a log of len bytes (csv: the CSV form, whose first line must be train's header).
   Malformed lines are counted in l->n_errors (the first messages kept) and skipped. Returns 0, or
   -1 with msg when the log cannot be read as a whole (out of memory, too many records, a CSV
   without its header). l is valid (runlog_free it) either way. */
int runlog_parse(const char *buf, size_t len, int csv, runlog *l, char *msg, size_t cap);
/* Reads and parses a log file. Returns 0, or -1 with msg (l valid either way). */
int runlog_read_file(const char *path, int csv, runlog *l, char *msg, size_t cap);

#endif /* RNNTS_RUNLOG_H */
