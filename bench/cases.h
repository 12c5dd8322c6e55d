/* bench/cases.h — benchmark cases for rnnts, written in C against the public API.

   A case is one workload at one size, variant and thread count. The harness (bench/shim.cc,
   Google Benchmark) calls setup once, run() once per timed iteration, hash() once, teardown once.

   Workloads (leaky RNN, all heads of the size active, fixed-length batch of seeded task bits):
     fwd     rnnts_rnn_forward with labels (loss computed)            flops 2*H^2*B*M
     bwd     rnnts_rnn_forward + rnnts_rnn_backward                   flops 6*H^2*B*M
     step    forward + backward + rnnts_optim_step (SGD Nesterov,
             lr 0.05, momentum 0.1, clip 2: the reference's RNN
             training) + rnnts_rnn_zero_diag, as rnnts_trainer does  flops 6*H^2*B*M
     stream  rnnts_rnn_stream (every head read out at every step)     flops 2*H^2*B*M
   GRU / LSTM (issue 6; model = RNNTS_MODEL_GRU / _LSTM, G = 3 / 4 gates), step only:
     step    forward + backward + rnnts_optim_step (Adam from rnnts_optim_config_adam(): lr 1e-3,
             betas (0.9, 0.999), eps 1e-8, clip 2: the reference's LSTM training)
                                                                      flops 6*G*H^2*B*M
             named "step/gru|lstm/<size>/t<threads>" at the sizes large (H 500, B 64, M 30, K 9;
             1 and 2 threads) and small (H 64, B 32, M 20, K 5; 1 thread). Their h0 is zero (the
             gated models ignore the drawn h0); the input bits map to x = 2s - 1 inside the model.
   Oversubscribed pool: "step/default/medium|small/t<n+1>", the default step with one pool thread
   more than the n online CPUs (not built when n = 1), which times the pool's hand-off when some
   worker is always descheduled (of_peak divides by n + 1 cores the machine does not have).
   Flop counts take only the recurrent H x H products (G*H x H for the gated models: one packed
   gate product per step), 2 flops per multiply-add:
     forward   u_t = W h_t                         2*H^2*B per step
     backward  dh_t = W^T du_t (2*H^2*B) and dW += du_t h_t^T (2*H^2*B) = 4*H^2*B per step
   so the backward-only share of a bwd/step case is 4*H^2*B*M; the backward-only time is
   t(bwd) - t(fwd) at the same size. Input/readout/elementwise work, the loss and the optimiser
   (O(H^2 + K*H) per step) are not counted, which slightly understates small sizes.

   Inputs: rnnts_task_batch_len(PARITY, ns = 2..K+1, batch B, length M, seed 1234, purpose DATA,
   index 0); h0 drawn from (seed 1234, draw 0); network from rnnts_rnn_create(seed 42).
   Output hash (XXH3-64 via rnnts_xxh3_64) of the first iteration from that fixed start:
     fwd     logits [K][B][2] followed by the loss
     bwd     the gradient (rnnts_rnn_param_count floats)
     step    the parameters after the step
     stream  the stream logits [M][K][B][2]
   The numerics contract makes these hashes equal on every machine, ISA and thread count.
   fwd/bwd/stream are pure functions of the fixed inputs, so the last timed iteration is hashed
   again and compared (check_ok() says whether it matched). */
#ifndef RNNTS_BENCH_CASES_H
#define RNNTS_BENCH_CASES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bench_kind { BENCH_FWD = 0, BENCH_BWD = 1, BENCH_STEP = 2, BENCH_STREAM = 3 } bench_kind;

typedef struct bench_params {
    int hidden, batch, len, heads; /* H, B, M, K */
    int threads;
    int variant;                   /* rnnts_variant: 0 default, 1 mod (leaky RNN only) */
    int model;                     /* rnnts_model: 0 leaky RNN, 1 GRU, 2 LSTM */
} bench_params;

typedef struct bench_case {
    char name[64];                 /* e.g. "step/default/paper/t1" */
    bench_kind kind;
    bench_params p;
    void *(*setup)(const bench_params *p);   /* NULL on failure (message on stderr) */
    int (*run)(void *state);                 /* one iteration; 0 = ok */
    void (*teardown)(void *state);
    double flops;                            /* per iteration, see above */
    uint64_t (*hash)(void *state);           /* XXH3-64 of the first iteration's output */
    int (*check_ok)(void *state);            /* 1: last iteration hashes the same (or n/a) */
} bench_case;

/* All cases: kinds x variants x sizes (paper, medium, small) x threads (1, 2) of the leaky RNN,
   then the GRU and LSTM training steps (large t1, t2, small t1 per model). */
int bench_case_count(void);
const bench_case *bench_case_get(int i);

/* Single-core FMA peak in GFLOP/s (bench/peak.c), measured for about `seconds`. isa_out names the
   path used ("AVX2", "NEON", "scalar"). */
double bench_peak_gflops(double seconds, const char **isa_out);

/* rnnts_build_info() passthrough, so the C++ shim need not include the header implementation. */
const char *bench_build_info(void);

/* Which vector path the cases run and why (bench/dispatch.c on x86-64; "built for this path only"
   in a single-path build). */
const char *bench_simd_selection(void);

#ifdef __cplusplus
}
#endif
#endif
