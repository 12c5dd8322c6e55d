/* util.h — utilities shared by the rnnts tool's modules: the choice lists of the flag tables,
   clock, messages, vector path, paths and directories, atomic output files, JSON output, thread
   pools, tau statistics and model loading. Implemented in util.c. */
#ifndef RNNTS_TOOL_UTIL_H
#define RNNTS_TOOL_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "../rnnts.h"

/* Choices of the CLI_ENUM flags ("a|b|c"; a flag stores the index, which is the enum value: the
   library's name tables are in value order). */
#define TASKS rnnts_name_choices(RNNTS_NAMES_TASK)
#define CURRICULA rnnts_name_choices(RNNTS_NAMES_CURRICULUM)
#define VARIANTS rnnts_name_choices(RNNTS_NAMES_VARIANT)
#define ACTIVATIONS rnnts_name_choices(RNNTS_NAMES_ACTIVATION)
#define OPTIMIZERS rnnts_name_choices(RNNTS_NAMES_OPTIMIZER)
#define MODELS rnnts_name_choices(RNNTS_NAMES_MODEL)
extern const char *const LOG_FORMATS;

/* Monotonic clock in seconds. */
double now_s(void);
/* "<prog>: <what>: <message>" of a library error on stderr. */
void fail_msg(const char *what, const rnnts_error *e);
/* Which vector path runs and why, e.g. "AVX512 (the widest this CPU runs: SCALAR AVX2 AVX512)". */
const char *simd_selection(char *buf, size_t cap);

/* mkdir -p. Returns 0 or -1 (errno set). */
int mkdir_p(const char *path);
int file_exists(const char *path);
/* dir + "/" + name (no second slash). */
void path_join(char *out, size_t cap, const char *dir, const char *name);
/* Directory part of a path ("." when it has none). */
void path_dir(char *out, size_t cap, const char *path);

/* An output file written atomically: PATH.tmp.<pid> first, renamed over PATH on commit, so that a
   reader (or a crash) never sees half a file and concurrent writers never share a temporary. */
typedef struct afile {
    FILE *f;
    char path[4096], tmp[4200];
} afile;
/* Returns 0, or -1 with a message naming the path. */
int afile_open(afile *a, const char *path, char *msg, size_t cap);
/* Closes and renames into place; on any write error removes the temporary. Returns 0 or -1 with a message. */
int afile_commit(afile *a, char *msg, size_t cap);

/* A JSON number with %.9g, or null when not finite. */
void json_num(FILE *f, double v);
/* A JSON string (quotes, backslashes and control characters escaped). */
void json_str(FILE *f, const char *s);

/* Online CPUs, at most 8. */
int default_threads(void);
/* A pool of `threads` threads, or NULL (one thread) with a warning. */
rnnts_pool *make_pool(int threads);

/* qsort comparison of doubles. */
int cmp_double(const void *a, const void *b);

/* ---- tau statistics (raw parameter, not clamped) ------------------------------------------- */
typedef struct tau_stats {
    double mean, median, sd, min, max; /* sd: population standard deviation (numpy's default) */
    int below_1, count;
} tau_stats;
/* rnnts_tau_summary_of in the tool's record (NaN when it fails). */
tau_stats tau_stats_of(const rnnts_rnn *net);
/* The record as a JSON object (null for GRU/LSTM: no tau). */
void tau_json(FILE *f, const tau_stats *t);

/* Loads a model; exits 1 with a message when it fails. */
rnnts_rnn *load_model(const char *path);
/* Task from --task if given, else the model's metadata, else parity. */
int task_of(int flag_task, int given, const rnnts_rnn *net);

#endif /* RNNTS_TOOL_UTIL_H */
