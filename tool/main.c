/* rnnts — the command line tool of rnnts.h.

       rnnts train | eval | grad | import | info | selfcheck | compare | bench | analyze | sweep | replay
       (each with --help)

   Data goes to stdout or files; progress and messages go to stderr. Exit codes: 0 ok, 1 failure
   (replay: a difference), 2 usage (a message names the flag and the allowed values), 3 when train
   finds its run directory held by another train (runlock.h; nothing written), 128 + signal (130
   SIGINT, 143 SIGTERM, 129 SIGHUP) when train stopped on a signal after writing its checkpoint.

   Files of this tool (tool/; one job each, each compiled on its own):
       main.c            the command table (below) and rnnts_tool_main
       dispatch.c        main: the vector path chosen at run time (x86-64), or the one build
       cmd_train.c       train: flags and checks;  train_opts.c/.h  options shared with compare and
                         sweep;  train_run.c  the training driver (logs, checkpoints, signals)
       runlock.c/.h      one writer per run directory: the lock train holds on DIR/.lock
       cmd_replay.c      replay: re-executes a recorded run and compares its checkpoints
       cmd_model.c       eval, grad, import, info, selfcheck
       cmd_compare.c     compare
       cmd_bench.c       bench;  peak.c/.h  single-core FMA peak probe (shared with bench/)
       analyze.c/.h      analyze: dispatch and shared output; analyze_taus.c, analyze_stream.c,
                         analyze_dynamics.c, analyze_train.c the analyses; merge.c analyze merge
       sweep.c/.h        sweep: descriptions expanded into one train command per run, the manifest
       runlog.c/.h       reader of the per-epoch logs (log.jsonl, log.csv) of train
       cli_args.c/.h     flag tables: parsing, range checks, usage errors, --help
       svg_plot.c/.h     SVG line charts (compare, analyze)
       util.c/.h         paths, atomic files, JSON output, pools, tau statistics, model loading
       platform.c/.h     what differs between POSIX and Windows (files, paths, signals, processes)
       rnnts_impl.c      the implementation of rnnts.h
       tests/cli_test.sh tests of the CLI

   A new subcommand: one file defining int cmd_<name>(int argc, char **argv), and one row in
   TOOL_COMMANDS below (the Makefile compiles every .c file of tool/). */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <stdio.h>
#include <string.h>

#include "cli_args.h"
#include "platform.h"

/* The subcommands, in the order of `rnnts --help`: X(name, one-line help). */
#define TOOL_COMMANDS(X)                                                                                                     \
    X(train, "train a network (leaky RNN, GRU or LSTM) on N-parity / N-DMS with a curriculum (checkpoints, log, resume)")    \
    X(eval, "accuracy of a model per N")                                                                                     \
    X(grad, "loss and gradients of a model on one seeded batch, as safetensors")                                             \
    X(import, "convert a reference PyTorch checkpoint (.pt) to an rnnts model file")                                         \
    X(info, "metadata, tensors, tau statistics and checksum of a model file")                                                \
    X(selfcheck, "build info and floating-point environment check")                                                          \
    X(compare, "multi-head vs single-head curriculum at a small size: table and SVG plot")                                   \
    X(bench, "time training steps and forward passes; GFLOP/s, fraction of peak, memory, output hash")                      \
    X(analyze, "taus, taunet, ablate, perturb, forget, pca, retrain, generalize, forgetgate, merge (rnnts analyze --help)") \
    X(sweep, "expand a sweep description (seeds x curricula x tasks x sizes) into one train command per run")             \
    X(replay, "re-execute a run recorded by train and prove its checkpoints identical (or name the first difference)")

#define TOOL_DECLARE(name, help) int cmd_##name(int argc, char **argv);
TOOL_COMMANDS(TOOL_DECLARE)
#undef TOOL_DECLARE

typedef struct tool_command {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} tool_command;
#define TOOL_ROW(name, help) {#name, cmd_##name, help},
static const tool_command COMMANDS[] = {TOOL_COMMANDS(TOOL_ROW)};
#undef TOOL_ROW
#define N_COMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static void main_help(void) {
    printf("usage: rnnts <command> [flags]     (rnnts <command> --help for its flags)\n\n"
           "commands:\n");
    for (size_t k = 0; k < N_COMMANDS; k++) printf("  %-10s %s\n", COMMANDS[k].name, COMMANDS[k].help);
    printf("\nExit codes: 0 ok, 1 failure (replay: a difference), 2 usage, 3 run directory held by another train.\n%s\n", rnnts_build_info());
}

/* The tool's entry point (dispatch.c's main calls it; tests/fuzz/fuzz_cli.c too). */
int rnnts_tool_main(int argc, char **argv);
int rnnts_tool_main(int argc, char **argv) {
    char msg[256];
    /* POSIX: a file size limit (ulimit -f) makes writes fail with EFBIG, reported like a full
       disk, instead of killing the process mid-write; Windows: binary stdout and stderr. */
    platform_init();
    if (argc < 2) {
        main_help();
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) { main_help(); return CLI_EXIT_OK; }
    if (strcmp(argv[1], "--version") == 0) { printf("%s\n", rnnts_build_info()); return CLI_EXIT_OK; }
    if (strcmp(argv[1], "selfcheck") != 0 && rnnts_selfcheck(msg, sizeof msg) != RNNTS_OK)
        fprintf(stderr, "rnnts: warning: floating-point self-check failed (%s); results may not be reproducible\n", msg);
    for (size_t k = 0; k < N_COMMANDS; k++)
        if (strcmp(argv[1], COMMANDS[k].name) == 0) return COMMANDS[k].fn(argc, argv);
    fprintf(stderr, "rnnts: unknown command '%s': allowed ", argv[1]);
    for (size_t k = 0; k < N_COMMANDS; k++) fprintf(stderr, "%s%s", k ? ", " : "", COMMANDS[k].name);
    fprintf(stderr, " (see 'rnnts --help')\n");
    return CLI_EXIT_USAGE;
}
