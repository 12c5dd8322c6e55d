/* cmd_compare.c — `rnnts compare`: multi-head vs single-head curriculum at a small size, table and SVG. */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "platform.h"
#include "svg_plot.h"
#include "train_opts.h"
#include "util.h"

/* ======================================================================================== */
/* compare                                                                                   */
/* ======================================================================================== */
static void compare_help(const cli_flag *flags, int n) {
    printf("usage: rnnts compare [flags]\n\n"
           "Trains a multi-head and a single-head network on N-parity at a small size, each for a wall-clock\n"
           "budget, then prints a table (per curriculum: the Ns reached, the epoch each was solved at, and\n"
           "the mean / SD / max of the trained tau at that moment) and writes DIR/tau_vs_N.svg (mean tau\n"
           "with SD bars and max tau vs N, one colour per curriculum), with the checkpoints and logs of the\n"
           "runs in DIR/multi and DIR/single. With two or more CPUs the two runs train side by side, in two\n"
           "processes of --threads threads each, each for the whole budget (about 3 minutes with the\n"
           "defaults); --sequential runs one after the other (twice as long). Both runs use the same seed,\n"
           "so they start from the same network, and train the same bits either way.%s\n\nflags:\n",
           platform_children_supported() ? "" : "\nOn Windows the runs are always sequential (no child processes).");
    cli_print_flags(stdout, flags, n);
}
/* The two runs of compare in two child processes at once (train_run keeps per-process state:
   signal flags, the trainer being saved); each child sends its train_result back through a pipe
   (platform_run_children). A signal reaches both children (same process group): each saves its
   checkpoint and exits. */
static int compare_job(void *arg, void *out) { return train_run((const train_opts *)arg, (train_result *)out); }
static int compare_side_by_side(train_opts o[2], train_result res[2]) {
    void *args[2] = {&o[0], &o[1]}, *outs[2] = {&res[0], &res[1]};
    platform_child st[2];
    int code = CLI_EXIT_OK;
    for (int k = 0; k < 2; k++) o[k].no_tty = 1; /* two progress streams on one terminal: whole lines */
    if (platform_run_children(2, compare_job, args, outs, sizeof res[0], st) != 0) code = CLI_EXIT_FAIL;
    for (int k = 0; k < 2; k++) {
        if (!st[k].started) continue;
        if (!st[k].exited || st[k].status != CLI_EXIT_OK || !st[k].complete) {
            fprintf(stderr, "%s: the %s run did not finish (%s %d)\n", cli_prog, o[k].label, st[k].exited ? "exit" : "signal", st[k].status);
            code = CLI_EXIT_FAIL;
        }
    }
    return code;
}
int cmd_compare(int argc, char **argv) {
    train_opts base;
    const char *out = "build/compare", *pos[1];
    int curricula[2] = {RNNTS_CURR_MULTI, RNNTS_CURR_SINGLE}, code = CLI_EXIT_OK;
    static train_result res[2];
    const char *names[2] = {"multi", "single"}, *colors[2] = {"#1f6fb4", "#e0682a"};
    train_opts_default(&base);
    int sequential = 0;
    base.hidden = 96; base.batch = 96; base.steps = 150; base.test_batches = 10; base.max_epochs = 5000; base.time_limit = 160;
    base.heads = 60;
    base.threads = 1; /* measured: at H = 96 a second thread gains less than a second run beside it */
    {
        cli_flag flags[] = {
            {"--out", CLI_STR, &out, 0, 0, NULL, "DIR", "output directory (default build/compare)", 0, 0},
            {"--hidden", CLI_INT, &base.hidden, 1, 65536, NULL, "H", "hidden units (default 96)", 0, 0},
            {"--heads", CLI_INT, &base.heads, 1, 65536, NULL, "K", "readout heads (default 60)", 0, 0},
            {"--batch", CLI_INT, &base.batch, 1, 65536, NULL, "B", "batch size (default 96)", 0, 0},
            {"--steps-per-epoch", CLI_INT, &base.steps, 1, 100000000, NULL, "S", "training steps per epoch (default 150)", 0, 0},
            {"--test-batches", CLI_INT, &base.test_batches, 1, 1000000, NULL, "T", "test batches per epoch (default 10)", 0, 0},
            {"--max-epochs", CLI_INT, &base.max_epochs, 1, 100000000, NULL, "E", "epoch budget per curriculum (default 5000: the wall-clock budget decides)", 0, 0},
            {"--time-limit", CLI_DOUBLE, &base.time_limit, 0, 1e9, NULL, "SECONDS", "wall-clock budget per curriculum (default 160; with --sequential\n                                 the two budgets add up; 0 = none)", 0, 0},
            {"--sequential", CLI_FLAG, &sequential, 0, 0, NULL, NULL, "one run after the other (default: side by side when there are 2+ CPUs)", 0, 0},
            {"--target-n", CLI_INT, &base.target_n, 0, 100000, NULL, "N", "stop a run once N is solved (default 0 = no target)", 0, 0},
            {"--task", CLI_ENUM, &base.task, 0, 0, TASKS, NULL, "task (default parity)", 0, 0},
            {"--seed", CLI_U64, &base.seed, 0, 0, NULL, "S", "seed (default 0)", 0, 0},
            {"--threads", CLI_INT, &base.threads, 1, 256, NULL, "P", "threads per run (default 1)", 0, 0},
            {"--lr", CLI_DOUBLE, &base.lr, 0, 1e6, NULL, "X", "learning rate (default 0.05)", 1, 0},
            {"--threshold", CLI_DOUBLE, &base.threshold, 0, 100, NULL, "PCT", "accuracy (%) to advance (default 98)", 0, 0},
            {"--quiet", CLI_FLAG, &base.quiet, 0, 0, NULL, NULL, "no progress on stderr", 0, 0},
        };
        int nf = (int)(sizeof flags / sizeof flags[0]);
        cli_prog = "rnnts compare";
        cli_parse(argc, argv, 2, flags, nf, pos, 0, compare_help);
    }
    base.force = 1;
    {
        static char dirs[2][4096], labels[2][32];
        train_opts o[2];
        int ncpu = platform_ncpu();
        for (int k = 0; k < 2; k++) {
            o[k] = base;
            snprintf(dirs[k], sizeof dirs[k], "%s/%s", out, names[k]);
            snprintf(labels[k], sizeof labels[k], "[%s]", names[k]);
            o[k].out = dirs[k];
            o[k].curriculum = curricula[k];
            o[k].label = labels[k];
        }
#ifdef CLI_FUZZ
        sequential = 1; /* train_run stops the fuzz input after its checks: no child processes */
#endif
        if (!sequential && ncpu >= 2 && !platform_children_supported() && !base.quiet)
            fprintf(stderr, "%s: Windows: the two runs train one after the other (no child processes)\n", cli_prog);
        if (!sequential && ncpu >= 2 && platform_children_supported()) {
            if (compare_side_by_side(o, res) != CLI_EXIT_OK) return CLI_EXIT_FAIL;
        } else {
            for (int k = 0; k < 2; k++)
                if (train_run(&o[k], &res[k]) != CLI_EXIT_OK) return CLI_EXIT_FAIL;
        }
    }
    /* table */
    printf("# rnnts compare: %s, H = %d, %d heads, batch %d, %d steps/epoch, %d test batches, budget %g s and %d epochs per curriculum, seed %llu\n",
           base.task ? "N-DMS" : "N-parity", base.hidden, base.heads, base.batch, base.steps, base.test_batches, base.time_limit, base.max_epochs,
           (unsigned long long)base.seed);
    for (int k = 0; k < 2; k++)
        printf("# %-6s reached N = %d after %d epochs (%.1f s)\n", names[k], res[k].largest_n, res[k].epochs, res[k].wall);
    printf("# initial tau: mean %.4f, sd %.4f, max %.4f\n", res[0].tau_init.mean, res[0].tau_init.sd, res[0].tau_init.max);
    printf("%-10s %4s %7s %7s %9s %9s %9s %9s %6s\n", "curriculum", "N", "epoch", "epochs", "seconds", "tau_mean", "tau_sd", "tau_max", "tau<1");
    for (int k = 0; k < 2; k++) {
        int prev = 0;
        for (int i = 0; i < res[k].n_reached; i++) {
            const reached_n *q = &res[k].r[i];
            printf("%-10s %4d %7d %7d %9.1f %9.4f %9.4f %9.4f %6d\n", names[k], q->N, q->epoch, q->epoch - prev, q->wall, q->tau.mean, q->tau.sd,
                   q->tau.max, q->tau.below_1);
            prev = q->epoch;
        }
        if (!res[k].n_reached) printf("%-10s %4s %7s %7s %9s %9s %9s %9s %6s\n", names[k], "-", "-", "-", "-", "-", "-", "-", "-");
    }
    /* plot */
    {
        static double x[4][RNNTS_MAX_NS], y[4][RNNTS_MAX_NS], err[2][RNNTS_MAX_NS];
        svg_series s[4];
        char path[4200], msg[512], sub[256], note[512], lab[4][64];
        svg_chart c;
        memset(s, 0, sizeof s);
        for (int k = 0; k < 2; k++) {
            for (int i = 0; i < res[k].n_reached; i++) {
                x[2 * k][i] = x[2 * k + 1][i] = res[k].r[i].N;
                y[2 * k][i] = res[k].r[i].tau.mean;
                err[k][i] = res[k].r[i].tau.sd;
                y[2 * k + 1][i] = res[k].r[i].tau.max;
            }
            snprintf(lab[2 * k], sizeof lab[0], "%s-head: mean \xcf\x84 \xc2\xb1 SD", names[k]);
            snprintf(lab[2 * k + 1], sizeof lab[0], "%s-head: max \xcf\x84", names[k]);
            s[2 * k].label = lab[2 * k]; s[2 * k].color = colors[k]; s[2 * k].dashed = 0; s[2 * k].hollow = 0;
            s[2 * k].n = res[k].n_reached; s[2 * k].x = x[2 * k]; s[2 * k].y = y[2 * k]; s[2 * k].err = err[k];
            s[2 * k + 1].label = lab[2 * k + 1]; s[2 * k + 1].color = colors[k]; s[2 * k + 1].dashed = 1; s[2 * k + 1].hollow = 1;
            s[2 * k + 1].n = res[k].n_reached; s[2 * k + 1].x = x[2 * k + 1]; s[2 * k + 1].y = y[2 * k + 1]; s[2 * k + 1].err = NULL;
            s[2 * k].dx = s[2 * k + 1].dx = k ? 3.0 : -3.0;
        }
        snprintf(sub, sizeof sub, "%s, H = %d, batch %d, %d steps/epoch; \xcf\x84 of the network when N was solved", base.task ? "N-DMS" : "N-parity",
                 base.hidden, base.batch, base.steps);
        snprintf(note, sizeof note, "multi: N = %d in %d epochs (%.0f s)\nsingle: N = %d in %d epochs (%.0f s)\ninitial \xcf\x84: %.2f \xc2\xb1 %.2f, max %.2f\nseed %llu",
                 res[0].largest_n, res[0].epochs, res[0].wall, res[1].largest_n, res[1].epochs, res[1].wall, res[0].tau_init.mean, res[0].tau_init.sd,
                 res[0].tau_init.max, (unsigned long long)base.seed);
        memset(&c, 0, sizeof c);
        c.title = "Trained time constants \xcf\x84 vs N: multi-head vs single-head curriculum";
        c.subtitle = sub;
        c.xlabel = "N (largest N solved)";
        c.ylabel = "\xcf\x84 (raw parameter)";
        c.integer_x = 1;
        c.note = note;
        path_join(path, sizeof path, out, "tau_vs_N.svg");
        if (svg_line_chart(path, &c, s, 4, msg, sizeof msg) != 0) { fprintf(stderr, "%s: %s\n", cli_prog, msg); code = CLI_EXIT_FAIL; }
        else if (!base.quiet) fprintf(stderr, "%s: wrote %s\n", cli_prog, path);
    }
    return code;
}

