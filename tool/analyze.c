/* analyze.c — `rnnts analyze`: the dispatch table of the analyses and their shared output helpers (analyze.h). */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze.h"
#include "cli_args.h"
#include "util.h"

/* Opens DIR/<kind>.<ext> for writing, or exits 1 naming the path. */
FILE *an_open(const char *dir, const char *kind, const char *ext, char *path, size_t cap) {
    FILE *f;
    char name[128];
    snprintf(name, sizeof name, "%s.%s", kind, ext);
    path_join(path, cap, dir, name);
    f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "%s: cannot write %s: %s\n", cli_prog, path, strerror(errno));
        exit(CLI_EXIT_FAIL);
    }
    return f;
}
void an_close(FILE *f, const char *path) {
    if (fclose(f) != 0) {
        fprintf(stderr, "%s: writing %s failed: %s\n", cli_prog, path, strerror(errno));
        exit(CLI_EXIT_FAIL);
    }
}
void an_float_array(FILE *f, const float *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) { if (i) fputc(',', f); json_num(f, (double)v[i]); }
    fputc(']', f);
}
void an_int_array(FILE *f, const int *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) fprintf(f, i ? ",%d" : "%d", v[i]);
    fputc(']', f);
}
void an_fit_model_array(FILE *f, const rnnts_fit_model *v, int n) {
    fputc('[', f);
    for (int i = 0; i < n; i++) fprintf(f, i ? ",%d" : "%d", (int)v[i]);
    fputc(']', f);
}
/* Writes a C-order float32 array of shape [d0][d1] as DIR/<name>.npy (NumPy format 1.0: magic,
   little-endian header length, a dict padded with spaces to a multiple of 64 bytes, raw data). */
void an_write_npy(const char *dir, const char *name, const float *v, int d0, int d1) {
    char path[4096], hdr[128];
    FILE *f = an_open(dir, name, "npy", path, sizeof path);
    int len = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", d0, d1);
    int total = (10 + len + 1 + 63) / 64 * 64;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0};
    pre[8] = (unsigned char)((total - 10) & 255);
    pre[9] = (unsigned char)((total - 10) >> 8);
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, (size_t)len, f);
    for (int i = 10 + len; i < total - 1; i++) fputc(' ', f);
    fputc('\n', f);
    for (size_t i = 0; i < (size_t)d0 * (size_t)d1; i++) { /* little-endian whatever the host */
        uint32_t u;
        unsigned char b[4];
        memcpy(&u, &v[i], 4);
        b[0] = (unsigned char)u; b[1] = (unsigned char)(u >> 8); b[2] = (unsigned char)(u >> 16); b[3] = (unsigned char)(u >> 24);
        fwrite(b, 1, 4, f);
    }
    an_close(f, path);
}
/* Reads a 2-D C-order NumPy array of float32, uint8 or bool (NumPy format 1.x/2.x) as floats;
   *d0 x *d1 values in a malloc'd array, or exits 2 naming what is wrong with the file. */
float *an_read_npy_2d(const char *path, int *d0, int *d1) {
    FILE *f = fopen(path, "rb");
    unsigned char pre[12];
    char hdr[4096], *sh;
    size_t hl, n, wsz;
    long a, b;
    float *v;
    int u8;
    if (!f) cli_usage_error("%s: cannot open: %s", path, strerror(errno));
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) cli_usage_error("%s: not a NumPy .npy file", path);
    hl = (size_t)pre[8] | (size_t)pre[9] << 8;
    if (pre[6] >= 2) {
        if (fread(pre + 10, 1, 2, f) != 2) cli_usage_error("%s: truncated header", path);
        hl |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
    }
    if (hl >= sizeof hdr || fread(hdr, 1, hl, f) != hl) cli_usage_error("%s: header of %zu bytes not readable", path, hl);
    hdr[hl] = 0;
    if (strstr(hdr, "'fortran_order': True")) cli_usage_error("%s: Fortran order; save with numpy's default C order", path);
    if (strstr(hdr, "'<f4'")) u8 = 0;
    else if (strstr(hdr, "'|u1'") || strstr(hdr, "'|b1'")) u8 = 1;
    else cli_usage_error("%s: dtype must be float32 ('<f4'), uint8 or bool", path);
    if (!(sh = strstr(hdr, "'shape': (")) || sscanf(sh + 10, "%ld, %ld)", &a, &b) != 2 || a < 1 || b < 1 || a > 100000000 || b > 4096)
        cli_usage_error("%s: shape must be (steps, trials) with 1 <= trials <= 4096", path);
    n = (size_t)a * (size_t)b;
    wsz = u8 ? 1 : 4;
    if (!(v = (float *)malloc(n * sizeof(float)))) cli_usage_error("%s: out of memory (%zu values)", path, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char w[4];
        if (fread(w, 1, wsz, f) != wsz) cli_usage_error("%s: %zu values expected, the file ends after %zu", path, n, i);
        if (u8) v[i] = (float)w[0];
        else {
            uint32_t u = (uint32_t)w[0] | (uint32_t)w[1] << 8 | (uint32_t)w[2] << 16 | (uint32_t)w[3] << 24;
            memcpy(&v[i], &u, 4);
            if (!isfinite(v[i])) cli_usage_error("%s: value %zu (step %zu, trial %zu) is not finite", path, i, i / (size_t)b, i % (size_t)b);
        }
    }
    fclose(f);
    *d0 = (int)a;
    *d1 = (int)b;
    return v;
}
/* Writes the JSON produced by fn(f, ctx) to stdout (--json) and to DIR/<kind>.json (--out). */
void an_emit_json(int json, const char *out, const char *kind, void (*fn)(FILE *, const void *), const void *ctx) {
    if (json) { fn(stdout, ctx); fputc('\n', stdout); }
    if (out) {
        char path[4096];
        FILE *f = an_open(out, kind, "json", path, sizeof path);
        fn(f, ctx);
        fputc('\n', f);
        an_close(f, path);
    }
}
void an_prepare_out(const char *out) {
    if (out && mkdir_p(out) != 0) {
        fprintf(stderr, "%s: cannot create %s: %s\n", cli_prog, out, strerror(errno));
        exit(CLI_EXIT_FAIL);
    }
}

/* Analyses defined by tau (or by the leaky RNN's single W): a usage error (exit 2) for GRU/LSTM. */
void an_need_rnn(const rnnts_rnn *net, const char *path, const char *what) {
    if (net->cfg.model != RNNTS_MODEL_RNN)
        cli_usage_error("%s is a%s %s network: %s (leaky RNN only)%s", path, net->cfg.model == RNNTS_MODEL_LSTM ? "n" : "",
                        rnnts_model_name(net->cfg.model), what,
                        "; its gate timescales: rnnts analyze forgetgate");
}

/* ---- dispatch ------------------------------------------------------------------------------ */
static void analyze_help(void) {
    printf("usage: rnnts analyze <analysis> MODEL [flags]     (rnnts analyze <analysis> --help)\n\n"
           "  taus     trained tau statistics and histogram\n"
           "  taunet   network-mediated timescales tau_net per neuron (FFT autocorrelation, exponential fits, AIC)\n"
           "  ablate   stream accuracy after ablating the fastest / slowest neurons one at a time\n"
           "  perturb  stream accuracy under perturbations of W and of tau\n"
           "  forget   accuracy matrix of a run directory's checkpoints on every N\n"
           "  pca      dimensionality: PCA of the activity, components for 90 %% of the variance\n"
           "  retrain  single-head retraining on each N of a list for a fixed number of epochs\n"
           "  generalize  accuracy on longer sequences, larger N and (continuous time) other dt\n"
           "  forgetgate  LSTM/GRU: mean forget/update gate and effective timescale 1/(1 - f) per unit\n"
           "  merge    run directories of a sweep (rnnts sweep) merged into one table, aggregate over seeds and figure\n"
           "GRU/LSTM models: taunet, perturb (W_hh), forget, pca, retrain, generalize, forgetgate and ablate\n"
           "(units sorted by the gate timescale of forgetgate) apply; taus (defined by tau) exits with code 2.\n");
}
int cmd_analyze(int argc, char **argv) {
    static const struct { const char *name; int (*fn)(int, char **); } kinds[] = {
        {"taus", an_cmd_taus}, {"taunet", an_cmd_taunet}, {"ablate", an_cmd_ablate}, {"perturb", an_cmd_perturb}, {"forget", an_cmd_forget}, {"pca", an_cmd_pca},
        {"retrain", an_cmd_retrain}, {"generalize", an_cmd_generalize}, {"forgetgate", an_cmd_forgetgate}, {"merge", an_cmd_merge},
    };
    cli_prog = "rnnts analyze";
    if (argc < 3 || strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0) {
        analyze_help();
        return argc < 3 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
        if (strcmp(argv[2], kinds[k].name) == 0) return kinds[k].fn(argc, argv);
    fprintf(stderr, "rnnts analyze: unknown analysis '%s': allowed taus, taunet, ablate, perturb, forget, pca, retrain, generalize, forgetgate, merge\n", argv[2]);
    return CLI_EXIT_USAGE;
}
