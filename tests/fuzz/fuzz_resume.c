/* libFuzzer target: the training-checkpoint metadata read by rnnts_trainer_resume (the train_config
   and train_state strings: key=value lists, the curriculum's Ns and heads, the optimiser). Only a
   path reaches that parser, so each input becomes a file in a private directory (under /dev/shm
   when it exists: no disk I/O).

   The input is "TRAIN_CONFIG\nTRAIN_STATE" (a missing newline: an empty state). Both strings replace
   the metadata values of a template checkpoint (a small Adam trainer: H = 4, 3 heads, saved by
   rnnts_trainer_save at start-up), JSON-escaped, so that every input is a well-formed safetensors
   file with valid tensors and only the training metadata varies; the loader itself has its own
   target (fuzz_safetensors). A resumed trainer runs one epoch when that is cheap (batch x (steps +
   test batches) x largest N <= 20000), then is saved again (its configuration passed
   rnnts_train_config_check, so the save must work). Any result code is fine; a crash, a sanitizer
   report, a leak or a hang is a bug. A crash leaves the private directory behind (no atexit handlers
   run when a sanitizer ends the process). */
#define _POSIX_C_SOURCE 200809L
#ifndef RNNTS_FUZZ_SHARED_IMPL /* run.sh links one implementation compiled for every target */
#define RNNTS_IMPLEMENTATION
#endif
#include "../../rnnts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fz_dir[64], fz_in[96], fz_out[96];
static unsigned char *fz_tmpl;  /* the template file */
static size_t fz_tmpl_size;
static size_t fz_hlen;          /* its header length */
static size_t fz_cfg[2], fz_st[2]; /* [begin, end) of the two metadata values in the file */

_Noreturn static void fz_die(const char *what, const char *why) {
    fprintf(stderr, "fuzz_resume: %s: %s\n", what, why);
    abort();
}
static void fz_cleanup(void) {
    remove(fz_in);
    remove(fz_out);
    if (fz_dir[0]) rmdir(fz_dir);
    free(fz_tmpl);
}
/* [begin, end) of the JSON string value of "key" in the template's header. */
static void fz_find(const char *key, size_t span[2]) {
    char pat[64];
    const unsigned char *h = fz_tmpl + 8, *p;
    size_t n;
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    n = strlen(pat);
    for (p = h; p + n <= h + fz_hlen; p++)
        if (memcmp(p, pat, n) == 0) break;
    if (p + n > h + fz_hlen) fz_die(key, "not in the template");
    span[0] = (size_t)(p - fz_tmpl) + n;
    span[1] = span[0];
    while (span[1] < 8 + fz_hlen && fz_tmpl[span[1]] != '"') span[1]++; /* the template's values hold no escapes */
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
    struct stat st;
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_train_config tc = rnnts_train_config_default();
    rnnts_rnn *net;
    rnnts_trainer *tr;
    rnnts_error e;
    FILE *f;
    long len;
    (void)argc; (void)argv;
    snprintf(fz_dir, sizeof fz_dir, "%s/rnnts_fuzz_resume_XXXXXX", stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp");
    if (!mkdtemp(fz_dir)) fz_die(fz_dir, strerror(errno));
    snprintf(fz_in, sizeof fz_in, "%s/in.safetensors", fz_dir);
    snprintf(fz_out, sizeof fz_out, "%s/out.safetensors", fz_dir);
    atexit(fz_cleanup);
    rc.hidden = 4; rc.heads = 3;
    tc.optim = rnnts_optim_config_adam(); /* the checkpoint holds both moments: SGD and Adam configs resume */
    tc.batch = 4; tc.steps_per_epoch = 2; tc.test_batches = 1; tc.max_epochs = 2;
    if (rnnts_rnn_create(&rc, 1, NULL, &net, &e) != RNNTS_OK || rnnts_trainer_create(&tc, net, NULL, NULL, &tr, &e) != RNNTS_OK ||
        rnnts_trainer_save(tr, fz_in, &e) != RNNTS_OK)
        fz_die("template", e.msg);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    f = fopen(fz_in, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 8 || fseek(f, 0, SEEK_SET) != 0) fz_die(fz_in, "unreadable");
    fz_tmpl_size = (size_t)len;
    if (!(fz_tmpl = (unsigned char *)malloc(fz_tmpl_size)) || fread(fz_tmpl, 1, fz_tmpl_size, f) != fz_tmpl_size) fz_die(fz_in, "unreadable");
    fclose(f);
    for (int k = 0; k < 8; k++) fz_hlen |= (size_t)fz_tmpl[k] << (8 * k);
    fz_find("train_config", fz_cfg);
    fz_find("train_state", fz_st);
    if (fz_cfg[0] > fz_st[0]) fz_die("template", "train_state before train_config");
    return 0;
}

/* Appends s[0..n) JSON-escaped. */
static size_t fz_escape(unsigned char *out, const uint8_t *s, size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\') m += (size_t)sprintf((char *)out + m, "\\u%04x", s[i]);
        else out[m++] = s[i];
    }
    return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const uint8_t *nl = (const uint8_t *)memchr(data, '\n', size);
    size_t n_cfg = nl ? (size_t)(nl - data) : size, hlen;
    unsigned char *file = (unsigned char *)malloc(fz_tmpl_size + 6 * size + 16), *p;
    rnnts_rnn *net;
    rnnts_trainer *tr;
    rnnts_error e;
    rnnts_result r;
    FILE *f;
    if (!file) fz_die("malloc", "out of memory");
    /* header: template up to the config value, config, template up to the state value, state, rest */
    p = file + 8;
    memcpy(p, fz_tmpl + 8, fz_cfg[0] - 8); p += fz_cfg[0] - 8;
    p += fz_escape(p, data, n_cfg);
    memcpy(p, fz_tmpl + fz_cfg[1], fz_st[0] - fz_cfg[1]); p += fz_st[0] - fz_cfg[1];
    if (nl) p += fz_escape(p, nl + 1, size - n_cfg - 1);
    memcpy(p, fz_tmpl + fz_st[1], 8 + fz_hlen - fz_st[1]); p += 8 + fz_hlen - fz_st[1];
    hlen = (size_t)(p - file) - 8;
    for (int k = 0; k < 8; k++) file[k] = (unsigned char)(hlen >> (8 * k));
    memcpy(p, fz_tmpl + 8 + fz_hlen, fz_tmpl_size - 8 - fz_hlen); p += fz_tmpl_size - 8 - fz_hlen;
    f = fopen(fz_in, "wb");
    if (!f || fwrite(file, 1, (size_t)(p - file), f) != (size_t)(p - file) || fclose(f) != 0) fz_die(fz_in, strerror(errno));
    free(file);
    r = rnnts_trainer_resume(fz_in, NULL, NULL, &net, &tr, &e);
    if (getenv("FUZZ_VERBOSE")) fprintf(stderr, "fuzz_resume: %s\n", r == RNNTS_OK ? "resumed" : e.msg); /* for replaying an input */
    if (r == RNNTS_OK) {
        const rnnts_train_config *c = rnnts_trainer_config(tr);
        int ns[RNNTS_MAX_NS], n = rnnts_trainer_ns(tr, ns, RNNTS_MAX_NS), nmax = 0;
        rnnts_epoch_report rep;
        for (int a = 0; a < n; a++) if (ns[a] > nmax) nmax = ns[a];
        /* one epoch from the parsed state (Ns, heads, step) when it is cheap: any result, no crash */
        if ((double)c->batch * (c->steps_per_epoch + c->test_batches) * nmax <= 20000) (void)rnnts_trainer_epoch(tr, &rep, &e);
        if (rnnts_trainer_save(tr, fz_out, &e) != RNNTS_OK) fz_die("trainer_save of a resumed trainer", e.msg);
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(net);
    }
    return 0;
}
