/* cmd_train.c — `rnnts train`: flags, the checks of a new or resumed run, --auto-resume; the
   training itself is train_run (train_run.c). */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include "cli_args.h"
#include "platform.h"
#include "runlock.h"
#include "train_opts.h"
#include "util.h"

/* Whether dir holds checkpoints N<a>_N<b>.safetensors. */
static int dir_has_checkpoints(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *de;
    int found = 0;
    if (!d) return 0;
    while (!found && (de = readdir(d)) != NULL) {
        int a, b, used = 0;
        found = sscanf(de->d_name, "N%d_N%d.safetensors%n", &a, &b, &used) == 2 && used > 0 && de->d_name[used] == 0;
    }
    closedir(d);
    return found;
}
/* Whether a log file has at least one complete epoch record (a line a crash cut short is none). */
static int log_has_records(const char *path) {
    FILE *f = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int found = 0;
    if (!f) return 0;
    while (!found && (len = platform_getline(&line, &cap, f)) > 0)
        found = line[len - 1] == '\n' && ((line[0] >= '0' && line[0] <= '9') || strncmp(line, "{\"epoch\":", 9) == 0);
    free(line);
    fclose(f);
    return found;
}

static void train_help(const cli_flag *flags, int n) {
    printf("usage: rnnts train [flags] --out DIR [--auto-resume]\n"
           "       rnnts train --resume DIR | DIR/<checkpoint>.safetensors [--out DIR] [--threads P] [--quiet]\n"
           "                   [--max-epochs E] [--target-n N] [--time-limit SECONDS]   (a new budget)\n\n"
           "Trains a leaky RNN with learnable time constants (--model rnn), a GRU or an LSTM on N-parity or\n"
           "N-DMS with a curriculum.\n"
           "Writes DIR/init.safetensors (the initial network), DIR/N<min>_N<max>.safetensors each time an\n"
           "epoch solves its Ns (network plus optimiser and trainer state, usable with --resume), and\n"
           "DIR/log.jsonl (one JSON object per epoch), and after every epoch DIR/last.safetensors (the\n"
           "rolling checkpoint: a crash loses at most the epoch in progress). Every file is written\n"
           "atomically (a failed write leaves the previous file intact). Progress goes to stderr.\n"
           "SIGINT, SIGTERM or SIGHUP: the step in progress finishes, DIR/last.safetensors is written (mid-\n"
           "epoch if need be) and train exits with 128 + the signal (130, 143, 129); a second signal ends it\n"
           "at once. --resume DIR continues from DIR/last.safetensors. A resumed run writes the same\n"
           "checkpoints, bit for bit, as an uninterrupted one; log records after the checkpoint's epoch are\n"
           "dropped, then the log is appended to. --auto-resume (for sweeps and requeued jobs): when --out\n"
           "holds last.safetensors of the same configuration, continue it (the budget flags apply; a run\n"
           "that is over exits 0), otherwise start the run. Memory: training allocates at most the\n"
           "physical memory, or RNNTS_MEMORY_LIMIT (e.g. 4G) when set; beyond it train exits 1 with\n"
           "\"out of memory\" and the size it needed.\n"
           "--model gru|lstm (PyTorch's nn.GRU / nn.LSTM, one layer; the input bit s enters as 2s - 1)\n"
           "defaults to the reference's LSTM protocol (rnnts_train_config_lstm): Adam lr 0.001, batch 64,\n"
           "300 steps per epoch, 50 test batches, clip 2, 100 epochs; each flag overrides its value.\n"
           "--variant, --activation, --fixed-tau, --tau-init, --init-tau-mean, --k-continuous and --k-list\n"
           "apply to --model rnn only; the log's tau statistics are null for gru/lstm.\n"
           "--tau-init X starts learnable tau at X + U[0,1) (a shift; what the reference's -T flag did, as\n"
           "its script re-enables tau training); --init-tau-mean X draws 1 + U[0,1) and rescales to mean X\n"
           "(the reference's init_tau); --fixed-tau X really fixes tau.\n"
           "--k-list 1,2,5 (with --variant mod) trains in continuous time over every k in turn, as the\n"
           "reference's continuous-time script: each training step is one update per k (its own batch),\n"
           "the test runs at every k, and an N's accuracy is the mean over k.\n"
           "The reference's sliding runs: --preset sliding_10_5 (window 10, slide 5: the published\n"
           "sliding_10_5_* networks); its script's own defaults (1 head, forget 1) are sliding_1_1.\n"
           "rnnts's sliding defaults are --window 5 --slide 1.\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}


int cmd_train(int argc, char **argv) {
    train_opts o;
    const char *pos[1];
    train_opts_default(&o);
    cli_flag flags[] = {
        TRAIN_FLAGS(o),
        {"--out", CLI_STR, &o.out, 0, 0, NULL, "DIR", "output directory (created; default with --resume: the checkpoint's)", 0, 0},
        {"--resume", CLI_STR, &o.resume, 0, 0, NULL, "FILE", "continue a run from a checkpoint written by train", 0, 0},
        {"--force", CLI_FLAG, &o.force, 0, 0, NULL, NULL, "replace a run already in --out (removes its init, checkpoints and log)", 0, 0},
        {"--auto-resume", CLI_FLAG, &o.auto_resume, 0, 0, NULL, NULL, "continue the run in --out if there is one (same configuration required; the budget is the flags'), else start it", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    char auto_path[4200];
    cli_prog = "rnnts train";
    cli_parse(argc, argv, 2, flags, nf, pos, 0, train_help);
    if (o.resume) {
        /* The configuration comes from the checkpoint; only output and execution flags apply. */
        static const char *const ok[] = {"--resume", "--out", "--threads", "--quiet", "--log-format", "--force",
                                         "--max-epochs", "--target-n", "--time-limit"};
        static char in_dir[4200];
        for (int k = 0; k < nf; k++) {
            int allowed = 0;
            for (size_t q = 0; q < sizeof ok / sizeof ok[0]; q++) allowed |= strcmp(flags[k].name, ok[q]) == 0;
            if (flags[k].seen && !allowed)
                cli_usage_error("%s cannot be used with --resume: the configuration comes from the checkpoint (allowed with --resume: --out, --threads, --quiet, --log-format, and the budget: --max-epochs, --target-n, --time-limit)",
                                flags[k].name);
        }
        if (platform_is_dir(o.resume)) { /* a run directory: its rolling checkpoint */
            path_join(in_dir, sizeof in_dir, o.resume, "last.safetensors");
            if (!file_exists(in_dir)) cli_usage_error("--resume %s: the directory has no last.safetensors (give a checkpoint file)", o.resume);
            o.resume = in_dir;
        }
        if (!file_exists(o.resume)) cli_usage_error("--resume %s: no such file", o.resume);
        o.budget_set = (cli_seen(flags, nf, "--max-epochs") ? 1 : 0) | (cli_seen(flags, nf, "--target-n") ? 2 : 0) |
                       (cli_seen(flags, nf, "--time-limit") ? 4 : 0);
        return train_run(&o, NULL);
    }
    if (!o.out) cli_usage_error("--out DIR is required (or --resume FILE)");
    {
        char msg[512];
        if (train_opts_check(&o, flags, nf, msg, sizeof msg) != 0) cli_usage_error("%s", msg);
    }
    if (o.auto_resume && o.force) cli_usage_error("--auto-resume and --force exclude each other (continue the run in --out, or replace it)");
    if (o.auto_resume) {
        static runlock lock; /* held to the end of the process */
        /* decide under the lock: a writer still in the directory could otherwise finish (or be
           replaced) between the look below and the --force clean-up of a run decided fresh */
        if (file_exists(o.out)) {
            int code;
            CLI_FUZZ_STOP();
            if ((code = train_lock_dir(o.out, &lock)) != 0) return code;
            o.held_lock = &lock;
        }
        path_join(auto_path, sizeof auto_path, o.out, "last.safetensors");
        if (file_exists(auto_path)) {
            o.resume = auto_path;
            o.budget_set = 7; /* the flags' budget (defaults included): a sweep may extend it */
            if (!o.quiet) fprintf(stderr, "%s: --auto-resume: continuing the run in %s\n", cli_prog, o.out);
        } else {
            /* no rolling checkpoint: a run that died in its first epoch starts again; anything
               else (checkpoints of an older rnnts, a log with records) is not replaced silently */
            char p1[4200], p2[4200];
            path_join(p1, sizeof p1, o.out, "log.jsonl");
            path_join(p2, sizeof p2, o.out, "log.csv");
            if (dir_has_checkpoints(o.out) || log_has_records(p1) || log_has_records(p2))
                cli_usage_error("--auto-resume: %s holds a run without last.safetensors; continue it with --resume FILE or replace it with --force", o.out);
            o.force = 1;
        }
    }
    if (o.curriculum != RNNTS_CURR_SLIDING) {
        if (cli_seen(flags, nf, "--window")) fprintf(stderr, "%s: warning: --window applies to --curriculum sliding only\n", cli_prog);
        if (cli_seen(flags, nf, "--slide")) fprintf(stderr, "%s: warning: --slide applies to --curriculum sliding only\n", cli_prog);
    }
    if (o.curriculum != RNNTS_CURR_MULTI && cli_seen(flags, nf, "--add")) fprintf(stderr, "%s: warning: --add applies to --curriculum multi only\n", cli_prog);
    if (o.curriculum != RNNTS_CURR_NONE && cli_seen(flags, nf, "--n")) fprintf(stderr, "%s: warning: --n applies to --curriculum none only\n", cli_prog);
    if (o.curriculum == RNNTS_CURR_NONE && cli_seen(flags, nf, "--n-start")) fprintf(stderr, "%s: warning: --n-start does not apply to --curriculum none (use --n)\n", cli_prog);
    if (o.optimizer == 1 && o.momentum_set) fprintf(stderr, "%s: warning: --momentum applies to --optimizer sgd only\n", cli_prog);
    return train_run(&o, NULL);
}

