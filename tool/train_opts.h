/* train_opts.h — what train, compare and sweep share: the options of one training run, its
   flag table (TRAIN_FLAGS), the checks of a new run's flags, and the training driver (train_run.c)
   with what it reports. Implemented in train_opts.c and train_run.c. */
#ifndef RNNTS_TOOL_TRAIN_OPTS_H
#define RNNTS_TOOL_TRAIN_OPTS_H

#include <stddef.h>
#include <stdint.h>

#include "../rnnts.h"
#include "cli_args.h"
#include "util.h"

typedef struct train_opts {
    int task, curriculum, hidden, batch, steps, test_batches, max_epochs, target_n, variant, activation;
    double fixed_tau, tau_init;
    uint64_t seed;
    int threads, heads, n_start, add, window, slide, n_fixed, optimizer, log_format, quiet, force, k_continuous;
    int model; /* rnnts_model */
    double lr, momentum, clip, threshold, time_limit;
    int budget_set; /* with --resume: bit 0 --max-epochs, bit 1 --target-n, bit 2 --time-limit given */
    int auto_resume; /* --auto-resume: continue the run in --out when there is one (its config must match) */
    int lr_set, momentum_set, fixed_tau_set;
    const char *out, *resume, *label; /* label: prefix of progress lines (compare) */
    int no_tty;                       /* progress as whole lines even on a terminal (compare's side-by-side runs) */
    double tau_mean;                  /* --init-tau-mean (0 = off) */
    int init_heads;                   /* --init-heads */
    const char *preset;               /* --preset sliding_W_F */
    cli_nlist k_list;                 /* --k-list (n = 0: none) */
    struct runlock *held_lock;        /* the lock of out, when the caller took it (cmd_train's --auto-resume) */
} train_opts;

/* One N reached by a run: the epoch it was solved at and the trained tau right then. */
typedef struct reached_n {
    int N, epoch;
    double wall;
    tau_stats tau;
} reached_n;
typedef struct train_result {
    int n_reached, epochs, largest_n;
    double wall;
    reached_n r[RNNTS_MAX_NS];
    tau_stats tau_init;
} train_result;

/* Flag table of train (shared with compare, which uses a subset). */
#define TRAIN_FLAGS(o)                                                                                                   \
    {"--model", CLI_ENUM, &(o).model, 0, 0, MODELS, NULL, "network: leaky RNN with tau, GRU or LSTM (default rnn)", 0, 0}, \
    {"--task", CLI_ENUM, &(o).task, 0, 0, TASKS, NULL, "task (default parity)", 0, 0},                                  \
    {"--curriculum", CLI_ENUM, &(o).curriculum, 0, 0, CURRICULA, NULL, "curriculum (default multi)", 0, 0},              \
    {"--hidden", CLI_INT, &(o).hidden, 1, 65536, NULL, "H", "hidden units (default 500)", 0, 0},                       \
    {"--heads", CLI_INT, &(o).heads, 1, 65536, NULL, "K", "readout heads (default 100)", 0, 0},                          \
    {"--batch", CLI_INT, &(o).batch, 1, 65536, NULL, "B", "batch size (default 256; gru/lstm 64)", 0, 0},                \
    {"--steps-per-epoch", CLI_INT, &(o).steps, 1, 100000000, NULL, "S", "training steps per epoch (default 600; gru/lstm 300)", 0, 0}, \
    {"--test-batches", CLI_INT, &(o).test_batches, 1, 1000000, NULL, "T", "test batches per epoch (default 50)", 0, 0}, \
    {"--max-epochs", CLI_INT, &(o).max_epochs, 1, 100000000, NULL, "E", "epoch budget (default 1000; gru/lstm 100)", 0, 0},            \
    {"--target-n", CLI_INT, &(o).target_n, 0, 100000, NULL, "N", "stop once N is solved (default 0 = no target)", 0, 0}, \
    {"--variant", CLI_ENUM, &(o).variant, 0, 0, VARIANTS, NULL, "model variant (default default)", 0, 0},               \
    {"--activation", CLI_ENUM, &(o).activation, 0, 0, ACTIVATIONS, NULL, "nonlinearity (default leakyrelu)", 0, 0},     \
    {"--fixed-tau", CLI_DOUBLE, &(o).fixed_tau, 1, 1e6, NULL, "X", "fixed tau for all neurons (default: learnable)", 0, 0}, \
    {"--tau-init", CLI_DOUBLE, &(o).tau_init, 0, 1e6, NULL, "X", "learnable tau starts at X + U[0,1) (default 1)", 0, 0}, \
    {"--k-continuous", CLI_INT, &(o).k_continuous, 0, 10000, NULL, "K", "continuous time, dt = 1/K: inputs repeated K times (needs --variant mod; default 0 = discrete)", 0, 0}, \
    {"--k-list", CLI_NLIST, &(o).k_list, 1, 10000, NULL, "LIST", "continuous time over several dt = 1/k, e.g. 1,2,5: per step one update per k in order, tested at every k (needs --variant mod; at most 16)", 0, 0}, \
    {"--init-tau-mean", CLI_DOUBLE, &(o).tau_mean, 0.001, 1e6, NULL, "X", "rescale the initial learnable tau to mean X (the reference's init_tau; --tau-init shifts instead)", 0, 0}, \
    {"--seed", CLI_U64, &(o).seed, 0, 0, NULL, "S", "seed of initialisation and data (default 0)", 0, 0},                \
    {"--threads", CLI_INT, &(o).threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8)", 0, 0},         \
    {"--n-start", CLI_INT, &(o).n_start, 1, 100000, NULL, "N", "first N (default 2)", 0, 0},                             \
    {"--add", CLI_INT, &(o).add, 1, RNNTS_MAX_NS, NULL, "K", "multi: Ns added per success (default 1)", 0, 0},          \
    {"--init-heads", CLI_INT, &(o).init_heads, 1, RNNTS_MAX_NS, NULL, "K", "multi: start with K heads, Ns n-start..n-start+K-1 (the reference's -ih; default 1)", 0, 0}, \
    {"--preset", CLI_STR, &(o).preset, 0, 0, NULL, "NAME", "sliding_W_F: sliding curriculum, window W sliding by F (the reference's sliding_W_F runs, e.g. sliding_10_5)", 0, 0}, \
    {"--window", CLI_INT, &(o).window, 1, RNNTS_MAX_NS, NULL, "W", "sliding: Ns in the window (default 5)", 0, 0},       \
    {"--slide", CLI_INT, &(o).slide, 1, RNNTS_MAX_NS, NULL, "S", "sliding: slide per success (default 1)", 0, 0},       \
    {"--n", CLI_INT, &(o).n_fixed, 1, 100000, NULL, "N", "curriculum none: the N trained (default 2)", 0, 0},           \
    {"--lr", CLI_DOUBLE, &(o).lr, 0, 1e6, NULL, "X", "learning rate (default 0.05 sgd, 0.001 adam)", 1, 0},            \
    {"--momentum", CLI_DOUBLE, &(o).momentum, 0, 0.999999, NULL, "X", "Nesterov momentum of sgd (default 0.1)", 0, 0}, \
    {"--optimizer", CLI_ENUM, &(o).optimizer, 0, 0, OPTIMIZERS, NULL, "optimiser (default sgd; gru/lstm adam)", 0, 0},               \
    {"--clip", CLI_DOUBLE, &(o).clip, 0, 1e9, NULL, "X", "global gradient-norm clip, 0 = off (default 2)", 0, 0},      \
    {"--threshold", CLI_DOUBLE, &(o).threshold, 0, 100, NULL, "PCT", "accuracy (%) to advance (default 98)", 0, 0},     \
    {"--time-limit", CLI_DOUBLE, &(o).time_limit, 0, 1e9, NULL, "SECONDS", "wall-clock budget, checked between epochs (default 0 = none)", 0, 0}, \
    {"--log-format", CLI_ENUM, &(o).log_format, 0, 0, LOG_FORMATS, NULL, "per-epoch log: DIR/log.jsonl or DIR/log.csv (default jsonl)", 0, 0}, \
    {"--quiet", CLI_FLAG, &(o).quiet, 0, 0, NULL, NULL, "no progress on stderr", 0, 0}

/* The defaults of every option (the library's configuration defaults; threads: default_threads()). */
void train_opts_default(train_opts *o);
/* The network and training configurations the flags describe. */
void opts_configs(const train_opts *o, rnnts_rnn_config *rc_out, rnnts_train_config *tc_out);
/* The checks of a new run's flags beyond each flag's own range, shared by train and sweep (which
   validates every run of a sweep before any starts). Applies the --model defaults to o.
   Returns 0, or -1 with a usage message. */
int train_opts_check(train_opts *o, cli_flag *flags, int nf, char *msg, size_t cap);
/* Runs (or resumes) one training. Returns an exit code; res (may be NULL) receives the Ns reached. */
int train_run(const train_opts *o, train_result *res);
/* One writer per run directory: takes the lock of dir (runlock.h; train_run takes it unless
   o->held_lock). Returns 0, or the exit code after a message: CLI_EXIT_BUSY naming the holder. */
struct runlock;
int train_lock_dir(const char *dir, struct runlock *l);

#endif /* RNNTS_TOOL_TRAIN_OPTS_H */
