/* libFuzzer target: the sweep description parser of `rnnts sweep` (tool/sweep.c, with the train
   flag table and checks of tool/train_opts.c, linked from the tool's modules) on arbitrary bytes.
   The parser must return an error, never exit() (libFuzzer reports an exit as a crash); an
   accepted description must expand into names and commands without a sanitizer report. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../tool/sweep.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *sink;
    sweep_desc d;
    char msg[2048];
    if (!sink && !(sink = fopen("/dev/null", "w"))) return 0;
    /* at most 500 runs: each is checked as train checks it, and the fuzzer wants many inputs per second */
    if (sweep_parse((const char *)data, size, "fuzz.txt", 500, &d, msg, sizeof msg) != 0) {
        if (!memchr(msg, 0, sizeof msg) || strncmp(msg, "fuzz.txt", 8) != 0) __builtin_trap(); /* every message names the file */
        return 0;
    }
    if (d.n_runs < 1 || d.n_runs > 500 || !d.out) __builtin_trap();
    for (long long r = 0; r < d.n_runs; r++) {
        char name[SWEEP_MAX_NAME + 64];
        if (sweep_run_name(&d, r, name, sizeof name) != 0 || strchr(name, '/')) __builtin_trap();
        sweep_command(sink, &d, r, "/opt/it's here/rnnts", r & 1, r & 2);
    }
    sweep_table(sink, &d, "rnnts", 1, 1, 1);
    sweep_free(&d);
    return 0;
}
