/* analyze.h — what the modules of `rnnts analyze` share: output helpers (analyze.c), the gate
   timescales of GRU/LSTM units (analyze_stream.c; ablate sorts units by them, forgetgate reports
   them) and the analyses' entry points, called by the dispatch table in analyze.c:
       analyze_taus.c      taus, taunet, forget (a model's taus; a run directory's checkpoints)
       analyze_stream.c    ablate, perturb (stream accuracy)
       analyze_dynamics.c  pca, forgetgate (hidden-state dynamics)
       analyze_train.c     retrain, generalize
       merge.c             merge (run directories of a sweep)
   Each analysis prints one JSON object with --json (a summary line otherwise) and, with --out DIR,
   writes DIR/<kind>.json, DIR/<kind>.csv and DIR/<kind>.svg. */
#ifndef RNNTS_TOOL_ANALYZE_H
#define RNNTS_TOOL_ANALYZE_H

#include <stdint.h>
#include <stdio.h>

#include "../rnnts.h"

/* Opens DIR/<kind>.<ext> for writing, or exits 1 naming the path. */
FILE *an_open(const char *dir, const char *kind, const char *ext, char *path, size_t cap);
/* Closes, or exits 1 naming the path when a write failed. */
void an_close(FILE *f, const char *path);
void an_float_array(FILE *f, const float *v, int n);
void an_int_array(FILE *f, const int *v, int n);
void an_fit_model_array(FILE *f, const rnnts_fit_model *v, int n); /* as integers: 0 none, 1 single, 2 double */
/* Writes a C-order float32 array of shape [d0][d1] as DIR/<name>.npy. */
void an_write_npy(const char *dir, const char *name, const float *v, int d0, int d1);
/* Reads a 2-D C-order NumPy array of float32, uint8 or bool as floats (malloc'd), or exits 2. */
float *an_read_npy_2d(const char *path, int *d0, int *d1);
/* Writes the JSON produced by fn(f, ctx) to stdout (--json) and to DIR/<kind>.json (--out). */
void an_emit_json(int json, const char *out, const char *kind, void (*fn)(FILE *, const void *), const void *ctx);
/* mkdir -p of --out, or exits 1. */
void an_prepare_out(const char *out);
/* Analyses defined by tau (or by the leaky RNN's single W): a usage error (exit 2) for GRU/LSTM. */
void an_need_rnn(const rnnts_rnn *net, const char *path, const char *what);

/* forgetgate and ablate: the name of gate 1 ("forget" for an LSTM, "update" for a GRU). */
const char *an_gate_name(const rnnts_rnn *net);

int an_cmd_taus(int argc, char **argv);
int an_cmd_taunet(int argc, char **argv);
int an_cmd_forget(int argc, char **argv);
int an_cmd_ablate(int argc, char **argv);
int an_cmd_perturb(int argc, char **argv);
int an_cmd_pca(int argc, char **argv);
int an_cmd_forgetgate(int argc, char **argv);
int an_cmd_retrain(int argc, char **argv);
int an_cmd_generalize(int argc, char **argv);
int an_cmd_merge(int argc, char **argv);

#endif /* RNNTS_TOOL_ANALYZE_H */
