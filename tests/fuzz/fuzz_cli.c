/* libFuzzer target: the rnnts tool's command lines (the modules of tool/ with their real flag
   tables, tool/cli_args.c, the checks each command makes after parsing, the analyses), linked from
   objects compiled with -DCLI_FUZZ (tests/fuzz/run.sh).

   The input is an argv: tokens separated by NUL or newline (at most MAX_ARGS; no token after a
   trailing separator), run as `rnnts <tokens>` in this process. Built with
   -DCLI_FUZZ, the tool's usage errors, --help and failed model loads longjmp back here instead of
   exiting, and every command stops (CLI_FUZZ_STOP) once its flags are checked, before threads,
   files, training or analyses; so `train` runs its flag checks and rnnts_rnn_config_check /
   rnnts_train_config_check, `eval` maps --N to heads by the model's metadata, and so on.
   Any exit code is fine; a crash, a sanitizer report, a leak, a hang or an exit() is a bug.

   Paths: the tool runs in a private directory (under /dev/shm when it exists) that holds small
   model files named @rnn (multi-head, ns 2,3,4), @sliding (ns 3,4,5), @fixed (fixed tau, single,
   dms), @ct (continuous time k = 3), @gru and @lstm, so commands get past their model load. A '/' at
   the start of a path (or of a --flag=value) and the second '.' of ".." become '_', so no path
   leaves that directory (no /dev/stdin, no files of the machine). A crash (sanitizer report) leaves
   the directory behind (~50 KB): sanitizers end the process without atexit handlers.

   Two more modes on the same input:
     "@meta" CURRICULUM NS N   rnnts_rnn_head_for / rnnts_ns_parse on a network whose metadata
                               curriculum and ns are the given strings (the reading of a model's
                               metadata the tool uses);
     "@st" then the bytes       the bytes as a file, read by rnnts_st_header_read (the header reader
                               of `rnnts info` and `analyze merge`; the file is rewritten in the
                               private directory).
   Output: stdout goes to /dev/null; run with -close_fd_mask=2 to silence the tool's warnings on
   stderr (sanitizer reports still print: libFuzzer keeps a copy of stderr for them). */
#define _POSIX_C_SOURCE 200809L
#ifndef CLI_FUZZ
#error "build with -DCLI_FUZZ, like the tool's modules it links (tests/fuzz/run.sh)"
#endif
#include "../../rnnts.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../tool/cli_args.h"

int rnnts_tool_main(int argc, char **argv); /* tool/main.c */

#define MAX_ARGS 64

static char fz_dir[64];     /* the private directory */
static int fz_home = -1;    /* descriptor of the directory libFuzzer runs in */
static rnnts_rnn *fz_meta;  /* network of the @meta mode */
static const char *const FZ_MODELS[] = {"@rnn", "@sliding", "@fixed", "@ct", "@gru", "@lstm"};
#define FZ_N_MODELS ((int)(sizeof FZ_MODELS / sizeof FZ_MODELS[0]))

_Noreturn static void fz_die(const char *what) {
    fprintf(stderr, "fuzz_cli: %s: %s\n", what, strerror(errno));
    abort();
}
static void fz_cleanup(void) {
    char p[128];
    if (!fz_dir[0]) return;
    for (int k = 0; k < FZ_N_MODELS; k++) { snprintf(p, sizeof p, "%s/%s", fz_dir, FZ_MODELS[k]); remove(p); }
    snprintf(p, sizeof p, "%s/st.bin", fz_dir);
    remove(p);
    rmdir(fz_dir);
    rnnts_rnn_destroy(fz_meta);
}
/* A small network saved as fz_dir/name, with the metadata the tool reads. */
static void fz_model(const char *name, rnnts_model model, int hidden, int heads, int train_tau, int kc, const char *curriculum,
                     const char *ns, const char *task) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_rnn *net;
    rnnts_error e;
    char p[128];
    rc.model = model; rc.hidden = hidden; rc.heads = heads;
    if (!train_tau) { rc.train_tau = 0; rc.fixed_tau = 2.0f; }
    if (kc) { rc.variant = RNNTS_VARIANT_MOD; rc.k_continuous = kc; }
    if (rnnts_rnn_create(&rc, 1, NULL, &net, &e) != RNNTS_OK) { fprintf(stderr, "fuzz_cli: %s: %s\n", name, e.msg); abort(); }
    snprintf(net->meta.curriculum, sizeof net->meta.curriculum, "%s", curriculum);
    snprintf(net->meta.ns, sizeof net->meta.ns, "%s", ns);
    snprintf(net->meta.task, sizeof net->meta.task, "%s", task);
    snprintf(p, sizeof p, "%s/%s", fz_dir, name);
    if (rnnts_rnn_save(net, p, &e) != RNNTS_OK) { fprintf(stderr, "fuzz_cli: %s: %s\n", p, e.msg); abort(); }
    rnnts_rnn_destroy(net);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    struct stat st;
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_error e;
    (void)argc; (void)argv;
    if (!freopen("/dev/null", "w", stdout)) fz_die("/dev/null");
    snprintf(fz_dir, sizeof fz_dir, "%s/rnnts_fuzz_cli_XXXXXX", stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
    if (!mkdtemp(fz_dir)) fz_die(fz_dir);
    atexit(fz_cleanup);
    if ((fz_home = open(".", O_RDONLY | O_DIRECTORY)) < 0) fz_die(".");
    fz_model("@rnn", RNNTS_MODEL_RNN, 8, 3, 1, 0, "multi", "2,3,4", "parity");
    fz_model("@sliding", RNNTS_MODEL_RNN, 8, 3, 1, 0, "sliding", "3,4,5", "parity");
    fz_model("@fixed", RNNTS_MODEL_RNN, 6, 1, 0, 0, "single", "5", "dms");
    fz_model("@ct", RNNTS_MODEL_RNN, 6, 2, 1, 3, "multi", "2,3", "parity");
    fz_model("@gru", RNNTS_MODEL_GRU, 4, 2, 1, 0, "single", "3", "parity");
    fz_model("@lstm", RNNTS_MODEL_LSTM, 4, 2, 1, 0, "", "", "");
    rc.hidden = 4; rc.heads = 3;
    if (rnnts_rnn_create(&rc, 1, NULL, &fz_meta, &e) != RNNTS_OK) { fprintf(stderr, "fuzz_cli: %s\n", e.msg); abort(); }
    return 0;
}

/* @meta CURRICULUM NS N */
static void fz_meta_mode(int argc, char **argv) {
    int ns[RNNTS_MAX_NS], head;
    rnnts_error e;
    if (argc < 5) return;
    snprintf(fz_meta->meta.curriculum, sizeof fz_meta->meta.curriculum, "%s", argv[2]);
    snprintf(fz_meta->meta.ns, sizeof fz_meta->meta.ns, "%s", argv[3]);
    (void)rnnts_ns_parse(fz_meta->meta.ns, ns, RNNTS_MAX_NS);
    (void)rnnts_rnn_head_for(fz_meta, (int)strtol(argv[4], NULL, 10), &head, &e);
}
/* @st BYTES */
static void fz_st_mode(const uint8_t *data, size_t size) {
    rnnts_st_header h;
    FILE *f = fopen("st.bin", "wb");
    if (!f) fz_die("st.bin");
    if (size && fwrite(data, 1, size, f) != size) fz_die("st.bin");
    if (fclose(f) != 0) fz_die("st.bin");
    if (rnnts_st_header_read("st.bin", NULL, &h, NULL) == RNNTS_OK) rnnts_st_header_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *argv[MAX_ARGS + 2];
    int argc = 0;
    size_t start = 0;
    argv[argc++] = (char *)"rnnts";
    if (chdir(fz_dir) != 0) fz_die(fz_dir);
    if (size >= 4 && memcmp(data, "@st", 3) == 0 && (data[3] == '\n' || data[3] == 0)) {
        fz_st_mode(data + 4, size - 4);
        if (fchdir(fz_home) != 0) fz_die("fchdir");
        return 0;
    }
    /* tokens, each in its own allocation of exactly its length + 1 (so ASan sees an over-read) */
    for (size_t i = 0; i <= size && argc < MAX_ARGS + 1; i++) {
        if (i < size && data[i] != '\n' && data[i] != 0) continue;
        if (i == size && start == size) break; /* no input, or a trailing separator */
        {
            size_t n = i - start;
            char *t = (char *)malloc(n + 1);
            if (!t) fz_die("malloc");
            memcpy(t, data + start, n);
            t[n] = 0;
            for (size_t k = 0; k < n; k++) {
                if (t[k] == '/' && (k == 0 || t[k - 1] == '=')) t[k] = '_';
                if (t[k] == '.' && k + 1 < n && t[k + 1] == '.') t[k + 1] = '_';
            }
            argv[argc++] = t;
        }
        start = i + 1;
    }
    argv[argc] = NULL;
    if (argc >= 2 && strcmp(argv[1], "@meta") == 0) {
        fz_meta_mode(argc, argv);
    } else {
        int how;
        cli_fuzz_owned = NULL;
        cli_fuzz_msg[0] = 0;
        if ((how = setjmp(cli_fuzz_env)) == 0) how = rnnts_tool_main(argc, argv);
        else if (cli_fuzz_owned) rnnts_rnn_destroy((rnnts_rnn *)cli_fuzz_owned); /* a jump skipped its destroy */
        cli_fuzz_owned = NULL;
        if (getenv("FUZZ_VERBOSE")) /* for replaying an input: how the command ended */
            fprintf(stderr, "fuzz_cli: %s %d%s%s\n", how == 0x200 ? "stopped before the work" : how & 0x100 ? "exit" : "returned",
                    how & 0xff, cli_fuzz_msg[0] ? ": " : "", cli_fuzz_msg);
    }
    for (int k = 1; k < argc; k++) free(argv[k]);
    if (fchdir(fz_home) != 0) fz_die("fchdir");
    return 0;
}
