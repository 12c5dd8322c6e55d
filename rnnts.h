/* rnnts.h — recurrent networks with learnable time constants, trained on memory tasks.
   Version 0.1.0. MIT licence (see the end of this file).

   Do this:
       #define RNNTS_IMPLEMENTATION
   before you include this file in *one* C or C++ file to create the implementation.
   Every other file includes it without the define.

   CONTENTS (grep for the tags)
       >>config       configuration macros, pragma guards, hooks
       >>simd-scalar  8-lane vector layer, plain C (the reference twin)
       >>simd-avx2    8-lane vector layer, AVX2 + FMA
       >>simd-neon    8-lane vector layer, AArch64 NEON (two q registers)
       >>simd-avx512  native 16-lane layer on AVX-512F (elsewhere the native layer is the 8-lane one)
       >>math         own exp, log, tanh, sigmoid, sin, cos (float only, fma Horner)
       >>rng          counter-based random draws, pure functions of (seed, purpose, indices)
       >>threads      persistent thread pool (POSIX or Win32 threads), static partitions, spin-then-sleep hand-off
       >>kernels      register-blocked GEMM micro-kernel (6x16, AVX-512 10x32), packed-order driver
       >>rnn          network object (config, create, tensors, metadata, workspace); leaky RNN cell
       >>gru          GRU cell; gate layout, equations and orders of GRU/LSTM forward and BPTT
       >>lstm         LSTM cell: forward epilogue
       >>loss         cross-entropy over readout heads (before >>model: the forward pass computes it)
       >>model        driver of every model: batch preparation, gate step, readout, forward, BPTT
       >>tasks        N-parity and N-DMS batches
       >>optim        SGD (Nesterov) and Adam, PyTorch semantics; global gradient-norm clip
       >>curricula    single, multi, sliding, none; the advance rule
       >>train        trainer: epochs, evaluation, budgets
       >>json         JSON reader (the public cursor)
       >>xxh3         XXH3-64 (model checksum, golden values)
       >>safetensors  safetensors save/load of models (metadata, checksum), header reader, writer
       >>checkpoint   trainer checkpoints and resume
       >>torch-import import of the reference's PyTorch checkpoints (zip + pickle)
       >>analysis     autocorrelation by FFT, bounded exponential fits with AIC, eigenvalues, PCA
       >>studies      tau statistics, tau_net, stream accuracy, ablation, perturbation
       >>public       build info, self-check, result strings

   CONFIG MACROS
       RNNTS_SIMD        RNNTS_SIMD_SCALAR | RNNTS_SIMD_AVX2 | RNNTS_SIMD_AVX512 | RNNTS_SIMD_NEON.
                         Default: AVX512 when __AVX512F__ && __AVX2__ && __FMA__ (-mavx512f -mavx2
                         -mfma), AVX2 when __AVX2__ && __FMA__, NEON on __aarch64__, else SCALAR.
                         Asking for an ISA the compiler does not enable is an #error. One build runs
                         one path; rnnts_cpu_simd_mask() tells a program built once per path which
                         one the CPU runs (the rnnts tool does this: README, "Run-time dispatch").
       RNNTS_NO_THREADS  build without threads (pools run everything on the calling thread). Threads
                         are POSIX threads, or Win32 threads under _WIN32 (MinGW-w64, MSVC).
       RNNTS_SPIN_ITERS, RNNTS_YIELD_ITERS, RNNTS_PAR_MIN_FLOPS   pool tuning (see >>threads);
                         none of them changes a result.
       RNNTS_NO_STDIO    no file I/O (the in-memory safetensors functions stay).
       RNNTS_SOFT_FMA    1: the scalar path's fma computed exactly in software instead of libm's
                         fmaf (default 1 on MinGW-w64, whose fmaf is not correctly rounded; see >>config).
       RNNTS_MALLOC(sz,user) / RNNTS_FREE(p,user)   default allocator (define both or neither).
       RNNTS_ASSERT(x)   internal invariant check (default: assert). Never used for bad input.
       RNNTS_STATIC      the implementation is static to the file that defines RNNTS_IMPLEMENTATION.
       RNNTS_DEF         storage class of every public function (default extern; static with
                         RNNTS_STATIC).

   NUMERICS CONTRACT (the README repeats it; each section below gives its own orders)
       Same version + config + seed => the same bits on SCALAR, AVX2, AVX-512 and NEON, x86-64 and
       AArch64, gcc >= 12 / clang >= 14, any thread count. To keep that promise:
       N1 build with -ffp-contract=off; this file also forces it by pragma and refuses -ffast-math
          and float evaluated in a wider type (FLT_EVAL_METHOD != 0: gcc on s390x needs
          -fexcess-precision=fast with -std=c11; i386 needs -msse2 -mfpmath=sse).
          rnnts_selfcheck() detects live contraction and flush-to-zero at run time.
       N2 only correctly rounded binary32 + - * / sqrt fma, compares, selects. max(a,b) = a > b ? a : b.
       N3 every accumulation step acc = a*b + acc is one explicit fma; every other a*b+c is unfused.
       N4 reductions have one order, written down where they happen:
          - matrix products: each output accumulates its terms in increasing index of the summed
            dimension from a stated start value; vectorised only across independent outputs;
          - sums without independent outputs: rnnts__sum_canon — lane j (of 8) adds the elements with
            index = j (mod 8) in increasing order, lanes combined by the fixed tree
            ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7));
          - BPTT: time runs backwards; weight gradients accumulate over t = M-1 .. 0, and within a
            step over b = 0 .. B-1 (see >>rnn and >>model for every gradient).
          Every reduction in this file, with its order (b = batch index, t = time step, i/j = neuron):
            forward  u[i][b]   = b_i, then + W[i][j] h[j][b] for j = 0..H-1 (fma), then + (w_in_i s_b + b_in_i)
            readout  l[r][b]   = c_r, then + V[r][i] h[i][b] for i = 0..H-1 (fma)
            loss     L_a       = canon_b(ce_b) / B;  loss = ((0 + L_0) + L_1) + ... over active heads in order
            g_M      g[i][b]   = 0, then + V[a,c][i] dl[a,c][b] for a in head order, c = 0, 1 (fma)
            dh_t     g[j][b]   = alpha_j da[j][b], then + W[i][j] du[i][b] for i = 0..H-1 (fma)
            dW       dW[i][j]  = 0, then + du_t[i][b] h_t[j][b] for t = L-1..0, b = 0..B-1 (fma)
            db, db_in, dw_in, dtau: per neuron, lane l of 8 takes b = l (mod 8), over t = L-1..0 then
                       ascending b; lanes combined by the canonical tree (dtau then / tau_hat^2)
            dV, dc   canon_b(dl[c][b] h_M[i][b]) and canon_b(dl[c][b]) (lane form, one step)
            GRU/LSTM gates P[p][b] = b_hh[p], then + W_hh[p][j] h[j][b] for j = 0..H-1 (fma); dh_t, dW_hh,
                       db_ih, db_hh, dw_ih in the orders above with p = 0..G*H-1 for i (see >>gru)
            analyses (>>analysis): autocorr mean = double sum in the canonical 8-lane order; FFT
                       butterflies in the fixed radix-2 order (lanes = series); fits, eigenvalues and
                       PCA in double, every sum in increasing index (covariance: increasing t, product
                       then add)
       N5 no libm transcendental anywhere: own exp/log/tanh/sigmoid/sin/cos, <= 2 ulp.
       N6 threads split only independent outputs; results do not depend on the thread count.
       N7 random numbers are integer hashes of (seed, purpose, indices): u = (x >> 40) * 2^-24.
       N8 default rounding, gradual underflow assumed; never changed here.
       N9 golden values are XXH3-64 of raw little-endian bits; NaN never appears in a correct run.
          Every file is little-endian on every host (big-endian ones write the same bytes).

   QUICK START (examples/train_parity.c is a complete program)
       rnnts_rnn_config nc = rnnts_rnn_config_default();    // leaky RNN, learnable tau
       nc.hidden = 64; nc.heads = 10;                        // head i reads N = 2 + i
       rnnts_train_config tc = rnnts_train_config_default(); // multi-head N-parity, SGD as the reference
       tc.target_n = 5; tc.seed = 1;
       rnnts_rnn *net; rnnts_trainer *tr; rnnts_error err; rnnts_epoch_report r;
       if (rnnts_rnn_create(&nc, tc.seed, NULL, &net, &err) ||
           rnnts_trainer_create(&tc, net, NULL, NULL, &tr, &err)) { puts(err.msg); ... }
       do { if (rnnts_trainer_epoch(tr, &r, &err)) break; } while (r.done == RNNTS_DONE_RUNNING);
       rnnts_trainer_save(tr, "run.safetensors", &err);      // resume with rnnts_trainer_resume
       rnnts_trainer_destroy(tr); rnnts_rnn_destroy(net);
   Then: rnnts_taunet / rnnts_tau_summary_of (timescales), rnnts_evaluate (accuracy), a pool from
   rnnts_pool_create for threads (same bits), rnnts_rnn_forward / _backward for your own loop.
   docs/DESIGN.md explains how the library is built and why.
*/
#ifndef RNNTS_H_INCLUDED
#define RNNTS_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

#define RNNTS_VERSION_MAJOR 0
#define RNNTS_VERSION_MINOR 1
#define RNNTS_VERSION_PATCH 0
#define RNNTS_VERSION_STRING "0.1.0"

/* Declaration of every public function. Default: extern. Define RNNTS_STATIC before including the
   file (with RNNTS_IMPLEMENTATION, in the one file that uses it) to make the whole implementation
   static to that file: several libraries or test programs can then each embed their own copy.
   Or define RNNTS_DEF yourself (e.g. __declspec(dllexport)). */
#ifndef RNNTS_DEF
#ifdef RNNTS_STATIC
#if defined(__GNUC__) || defined(__clang__)
#define RNNTS_DEF static __attribute__((unused))
#else
#define RNNTS_DEF static
#endif
#else
#define RNNTS_DEF extern
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- results ---------------------------------------------------------------------------- */
/* One X-macro list gives the codes and their messages. */
#define RNNTS__RESULTS(X) \
    X(RNNTS_OK,                0, "ok") \
    X(RNNTS_ERR_INVALID_ARG,  -1, "invalid argument") \
    X(RNNTS_ERR_OOM,          -2, "out of memory") \
    X(RNNTS_ERR_IO,           -3, "file input/output failed") \
    X(RNNTS_ERR_FORMAT,       -4, "malformed file") \
    X(RNNTS_ERR_JSON,         -5, "malformed JSON header") \
    X(RNNTS_ERR_TRUNCATED,    -6, "file truncated") \
    X(RNNTS_ERR_DTYPE,        -7, "unsupported tensor dtype") \
    X(RNNTS_ERR_SHAPE,        -8, "tensor shape inconsistent") \
    X(RNNTS_ERR_OFFSETS,      -9, "tensor data offsets out of range or overlapping") \
    X(RNNTS_ERR_MISSING,     -10, "required tensor missing") \
    X(RNNTS_ERR_DUPLICATE,   -11, "duplicate key") \
    X(RNNTS_ERR_CHECKSUM,    -12, "checksum mismatch") \
    X(RNNTS_ERR_NONFINITE,   -13, "non-finite value") \
    X(RNNTS_ERR_THREADS,     -14, "thread creation failed") \
    X(RNNTS_ERR_STATE,       -15, "call out of order") \
    X(RNNTS_ERR_INTERRUPTED, -16, "interrupted on request (the state is consistent; save it to resume)")

typedef enum rnnts_result {
#define RNNTS__ENUM(name, val, msg) name = val,
    RNNTS__RESULTS(RNNTS__ENUM)
#undef RNNTS__ENUM
    RNNTS__RESULT_END = -17
} rnnts_result;

/* Optional detail for a failed call: the code and a message that names what was wrong.
   Every fallible function takes an `rnnts_error *` that may be NULL. */
typedef struct rnnts_error {
    rnnts_result code;
    char msg[256];
} rnnts_error;

/* Allocator hook. alloc(size, user) returns NULL on failure; free(ptr, user). */
typedef struct rnnts_allocator {
    void *(*alloc)(size_t size, void *user);
    void (*free)(void *ptr, void *user);
    void *user;
} rnnts_allocator;

/* ---- model configuration ---------------------------------------------------------------- */
typedef enum rnnts_variant { RNNTS_VARIANT_DEFAULT = 0, RNNTS_VARIANT_MOD = 1 } rnnts_variant;
typedef enum rnnts_activation {
    RNNTS_ACT_LEAKYRELU = 0, /* slope 0.01 below zero (PyTorch nn.LeakyReLU default) */
    RNNTS_ACT_RELU = 1,
    RNNTS_ACT_TANH = 2,
    RNNTS_ACT_SIGMOID = 3
} rnnts_activation;

/* Model kind. GRU and LSTM follow PyTorch's nn.GRU / nn.LSTM (one layer, input size 1):
     GRU  (gate rows r, z, n):  r = sig(W_ir x + b_ir + W_hr h + b_hr),  z = sig(W_iz x + b_iz + W_hz h + b_hz),
                                n = tanh(W_in x + b_in + r (W_hn h + b_hn)),  h' = (1 - z) n + z h
     LSTM (gate rows i, f, g, o): [i f g o] = W_ih x + b_ih + W_hh h + b_hh;  i, f, o = sig, g = tanh;
                                c' = f c + i g,  h' = o tanh(c')
   with the input bit s mapped to x = 2s - 1 (the reference LSTM script's +-1 inputs; exact for s in
   {0, 1}, so the task batches of the leaky RNN's format serve all three models; the trainer and
   rnnts_evaluate draw their parity bits Bernoulli(0.5), see rnnts_task_bits_of), zero initial states (a
   batch's h0, when given, sets h_0; c_0 = 0 always; h0_seed/h0_draw are ignored), readout
   logits_k = V_k h_M + c_k from the last output. Initialisation U(-1/sqrt(H), 1/sqrt(H)) for every
   tensor (PyTorch's RNN modules and nn.Linear heads). The fields variant, activation, train_tau,
   fixed_tau and tau_init do not apply (ignored); k_continuous must be 0. */
typedef enum rnnts_model { RNNTS_MODEL_RNN = 0, RNNTS_MODEL_GRU = 1, RNNTS_MODEL_LSTM = 2 } rnnts_model;

typedef struct rnnts_rnn_config {
    int hidden;                  /* H >= 1 */
    int heads;                   /* K >= 1 readout heads of 2 classes */
    rnnts_variant variant;       /* default: phi outside the leak; mod: phi inside */
    rnnts_activation activation; /* default leaky ReLU */
    int train_tau;               /* 1: learnable per-neuron tau (clamped at 1); 0: fixed scalar */
    float fixed_tau;             /* tau when train_tau == 0, must be >= 1 */
    float tau_init;              /* learnable tau starts at tau_init + U[0,1); default 1 */
    int k_continuous;            /* 0: discrete time; k >= 1: continuous-time variant, each input
                                    repeated k times, tau_hat = max(k*tau, 1), mod form */
    rnnts_model model;           /* RNNTS_MODEL_RNN (default, the leaky RNN above), _GRU, _LSTM */
    float tau_mean;              /* 0 (default): off. > 0 (learnable tau only): after the draw above every
                                    tau is multiplied by tau_mean / mean(tau), so the mean is tau_mean and
                                    the spread scales with it (the reference's init_tau of its
                                    continuous-time model; tau_init shifts instead). mean in double,
                                    index order, rounded to float; then tau_i * (tau_mean / mean) */
} rnnts_rnn_config;

/* Strings stored in a model file's metadata (see >>safetensors) besides what the config says. */
typedef struct rnnts_meta {
    char task[32];        /* "parity", "dms" or "" */
    char curriculum[32];  /* "single", "multi", "sliding", "none" or "" */
    char ns[2048];        /* comma-separated list of N, e.g. "2,3,4" */
    uint64_t seed;
    int epoch;
} rnnts_meta;

/* A leaky RNN. All parameters live in one array `param` in the file's tensor order:
   tau [H] (or [1] when fixed), w_in [H] (modulelist.0.weight [H,1]), b_in [H], w [H*H] row-major
   (w[i*H+j] is the weight from j to i), b [H], then per head k: v [2*H] (row c = class c), c [2].
   The named pointers below point into `param`. Gradients use the same layout.
   GRU / LSTM (G = 3 / 4 gates, rows gate-major as PyTorch: row g*H + i is gate g of neuron i):
   w_in = weight_ih [G*H] ([G*H,1]), w = weight_hh [G*H][H] row-major, b_in = bias_ih [G*H],
   b = bias_hh [G*H], in this file order: weight_ih, weight_hh, bias_ih, bias_hh, then the heads;
   tau = NULL. */
typedef struct rnnts_rnn {
    rnnts_rnn_config cfg;
    rnnts_meta meta;
    int H, K;
    size_t n_param;
    float *param;
    float *tau, *w_in, *b_in, *w, *b;
    float *head; /* head k: weight at head + k*(2H+2), bias right after it */
    rnnts_allocator alloc;
    /* Metadata entries rnnts does not interpret (see rnnts_rnn_meta_extra): n_meta_extra pairs
       "key\0value\0" packed in meta_extra (meta_extra_len bytes), owned by the network. */
    char *meta_extra;
    size_t meta_extra_len;
    int n_meta_extra;
} rnnts_rnn;

/* Description of one tensor of a model (for I/O, hashing, clipping). */
typedef struct rnnts_tensor_info {
    char name[40];
    int ndim;
    int64_t shape[2];
    size_t offset; /* into param (floats) */
    size_t count;  /* floats */
} rnnts_tensor_info;

/* A batch of B sequences of length M (input steps).
   input[t*B + b] is the input bit (0 or 1, any float works) of sequence b at step t.
   h0: given initial state as [B][H] (h0[b*H + i]), or NULL to draw h0 = 0.1*U[0,1) as a pure
   function of (h0_seed, h0_draw, b, i). GRU/LSTM: NULL means h_0 = 0 (no draw); c_0 = 0 always.
   heads[a], a < n_active: the readout heads the loss uses, in this order (distinct when labels are
   given; without labels a head may repeat, e.g. to score several N read by one head).
   labels[a*B + b] in {0,1}: label of sequence b for active head a; NULL for forward without loss. */
typedef struct rnnts_batch {
    int batch, len;
    const float *input;
    const float *h0;
    uint64_t h0_seed, h0_draw;
    int n_active;
    const int *heads;
    const int *labels;
} rnnts_batch;

typedef struct rnnts_pool rnnts_pool;
typedef struct rnnts_rnn_ws rnnts_rnn_ws;

/* ---- API ---------------------------------------------------------------------------------
   Template of every doc comment: what it does. Params. Returns. Thread safety.
   Thread safety, where a comment says nothing else: calls on different objects may run
   concurrently; one object (network, workspace, pool, optimiser, trainer) must not be used by two
   calls at once; a network read by forward/backward/stream/evaluate may be shared by concurrent
   calls as long as nothing modifies it. Functions without objects (math, RNG, hashing, tasks) are
   pure and thread-safe. */

/* Message for a result code. Returns a static string. Thread-safe. */
RNNTS_DEF const char *rnnts_result_string(rnnts_result r);

/* Build description, e.g. "rnnts 0.1.0 x86_64 AVX2 gcc-12.2 threads=pthreads" (threads=win32 on
   Windows, threads=none with RNNTS_NO_THREADS). Static string.
   Thread-safe. */
RNNTS_DEF const char *rnnts_build_info(void);

/* Vector paths (the values of RNNTS_SIMD). */
#define RNNTS_SIMD_SCALAR 1
#define RNNTS_SIMD_AVX2 2
#define RNNTS_SIMD_NEON 3
#define RNNTS_SIMD_AVX512 4

/* Name of the compiled vector path: "SCALAR", "AVX2", "AVX512" or "NEON". Thread-safe. */
RNNTS_DEF const char *rnnts_simd_name(void);
/* The compiled vector path, an RNNTS_SIMD_* value. Thread-safe. */
RNNTS_DEF int rnnts_simd_id(void);
/* The paths the running CPU and OS can execute, as a mask of (1u << RNNTS_SIMD_*): SCALAR always;
   on x86-64 AVX2 when CPUID reports AVX, AVX2 and FMA and the OS saves the YMM state (OSXSAVE,
   XCR0 bits 1-2), AVX512 when it also reports AVX-512F and the OS saves the opmask and ZMM state
   (XCR0 bits 5-7); NEON on AArch64. The library itself never switches paths: a program built
   once per path (see README, "Run-time dispatch") picks one with this. Thread-safe. */
RNNTS_DEF unsigned rnnts_cpu_simd_mask(void);
/* The widest path in mask (AVX512, AVX2, NEON, then SCALAR). Thread-safe. */
RNNTS_DEF int rnnts_simd_best(unsigned mask);
/* "scalar", "avx2", "avx512", "neon" (any case) to an RNNTS_SIMD_* value; 0 for anything else.
   Thread-safe. */
RNNTS_DEF int rnnts_simd_parse(const char *name);
/* RNNTS_SIMD_* value to its name ("SCALAR", "AVX2", "AVX512", "NEON"; "?" otherwise). */
RNNTS_DEF const char *rnnts_simd_id_name(int simd);
/* The names of the paths in mask, widest last, space-separated ("SCALAR AVX2 AVX512"), into
   buf[cap]. Returns buf. Thread-safe. */
RNNTS_DEF char *rnnts_simd_mask_names(unsigned mask, char *buf, size_t cap);
/* The rule of a program built once per path: among the paths in `built` (a mask), the one to run on
   this CPU — the widest the CPU runs when request is NULL or empty, else the path named by request
   (e.g. the environment variable RNNTS_ISA). Returns an RNNTS_SIMD_* value, or 0 with a message in
   msg (may be NULL) naming the request and what this CPU runs. Thread-safe. */
RNNTS_DEF int rnnts_simd_choose(const char *request, unsigned built, char *msg, size_t msg_size);

/* Checks the live floating-point environment: contraction of a*b+c (which would break N3) and
   flush-to-zero / denormals-are-zero. msg (may be NULL) receives a description.
   Returns RNNTS_OK when both are off, RNNTS_ERR_STATE otherwise. Thread-safe. */
RNNTS_DEF rnnts_result rnnts_selfcheck(char *msg, size_t msg_size);

/* Defaults of the reference: H = 500, 1 head, default variant, leaky ReLU, learnable tau,
   tau_init = 1, fixed_tau = 1, discrete time. */
RNNTS_DEF rnnts_rnn_config rnnts_rnn_config_default(void);
/* "rnn", "gru" or "lstm" (the metadata value "model" of model files); "?" otherwise. Thread-safe.
   Equals rnnts_name(RNNTS_NAMES_MODEL, m). */
RNNTS_DEF const char *rnnts_model_name(rnnts_model m);

/* Validates a config. Returns RNNTS_ERR_INVALID_ARG naming the field. Thread-safe. */
RNNTS_DEF rnnts_result rnnts_rnn_config_check(const rnnts_rnn_config *cfg, rnnts_error *err);

/* Number of parameters (floats) of a config, 0 if the config is invalid. */
RNNTS_DEF size_t rnnts_rnn_param_count(const rnnts_rnn_config *cfg);

/* Creates and initialises a network as PyTorch would (nn.Linear defaults: w_in, b_in ~ U(-1,1);
   w, b, heads ~ U(-1/sqrt(H), 1/sqrt(H)); tau = tau_init + U[0,1), rescaled to mean tau_mean when
   that is set), every draw a pure function
   of (seed, tensor, index). alloc may be NULL. Returns OK, INVALID_ARG, OOM. */
RNNTS_DEF rnnts_result rnnts_rnn_create(const rnnts_rnn_config *cfg, uint64_t seed, const rnnts_allocator *alloc,
                              rnnts_rnn **out, rnnts_error *err);
/* Creates a network with all parameters zero (for loading or gradients). */
RNNTS_DEF rnnts_result rnnts_rnn_create_zero(const rnnts_rnn_config *cfg, const rnnts_allocator *alloc,
                                   rnnts_rnn **out, rnnts_error *err);
RNNTS_DEF void rnnts_rnn_destroy(rnnts_rnn *net);

/* Number of tensors and the description of tensor idx (file order). */
RNNTS_DEF int rnnts_rnn_tensor_count(const rnnts_rnn *net);
RNNTS_DEF rnnts_result rnnts_rnn_tensor(const rnnts_rnn *net, int idx, rnnts_tensor_info *info);

/* Sets the diagonal of w to zero (the reference does it at every forward pass; forward uses a
   zero diagonal whatever w holds). No-op for GRU/LSTM. */
RNNTS_DEF void rnnts_rnn_zero_diag(rnnts_rnn *net);

/* Thread pool with `threads` workers (the calling thread is one of them); threads = 1 runs
   inline. Results never depend on the thread count. A pool serves one call at a time. */
RNNTS_DEF rnnts_result rnnts_pool_create(int threads, const rnnts_allocator *alloc, rnnts_pool **out, rnnts_error *err);
RNNTS_DEF void rnnts_pool_destroy(rnnts_pool *pool);
RNNTS_DEF int rnnts_pool_threads(const rnnts_pool *pool);

/* Workspace for forward/backward of `net`-shaped networks with batch <= max_batch and input
   length <= max_len. No allocation happens in forward/backward. Not thread-safe: one per caller. */
RNNTS_DEF rnnts_result rnnts_rnn_ws_create(const rnnts_rnn *net, int max_batch, int max_len,
                                 const rnnts_allocator *alloc, rnnts_rnn_ws **out, rnnts_error *err);
RNNTS_DEF void rnnts_rnn_ws_destroy(rnnts_rnn_ws *ws);

/* Forward pass over a batch. Stores what backward needs in ws.
   logits (may be NULL): [n_active][B][2] readout of the active heads at the last step.
   loss (may be NULL; needs labels): sum over active heads of the batch-mean cross-entropy.
   pool may be NULL (single thread). Returns OK, INVALID_ARG (naming the field), NONFINITE (NaN or
   infinite input, h0 or tau, or a non-finite loss). */
RNNTS_DEF rnnts_result rnnts_rnn_forward(rnnts_rnn_ws *ws, const rnnts_rnn *net, const rnnts_batch *batch,
                               rnnts_pool *pool, float *logits, float *loss, rnnts_error *err);

/* Backpropagation through time of the loss of the last forward (which needs labels).
   grad: rnnts_rnn_param_count floats, overwritten (heads not active get 0).
   Returns OK, STATE (no forward with labels before). */
RNNTS_DEF rnnts_result rnnts_rnn_backward(rnnts_rnn_ws *ws, const rnnts_rnn *net, rnnts_pool *pool, float *grad,
                                rnnts_error *err);

/* Stream mode: the forward pass reading out every head at every input step.
   out: [M][K][B][2] logits (M input steps; in continuous time the last of the k sub-steps).
   states (may be NULL): [M+1][B][H] hidden states after each input step, states[0] = h0.
   Labels are ignored. Returns OK, INVALID_ARG. */
RNNTS_DEF rnnts_result rnnts_rnn_stream(rnnts_rnn_ws *ws, const rnnts_rnn *net, const rnnts_batch *batch,
                              rnnts_pool *pool, float *out, float *states, rnnts_error *err);

/* The initial state the last forward/stream used, as [B][H]. */
RNNTS_DEF rnnts_result rnnts_rnn_ws_h0(const rnnts_rnn_ws *ws, float *h0_out);

/* ---- tasks, optimisers, curricula, training ------------------------------------------ */
typedef enum rnnts_task { RNNTS_TASK_PARITY = 0, RNNTS_TASK_DMS = 1 } rnnts_task;
typedef enum rnnts_curriculum {
    RNNTS_CURR_SINGLE = 0,  /* Ns = [2] -> [3] -> ...; one head reused */
    RNNTS_CURR_MULTI = 1,   /* Ns = [2] -> [2,3] -> ...; head i serves N = n_start + i (reference "cumulative") */
    RNNTS_CURR_SLIDING = 2, /* a window of `window` consecutive N sliding by `slide`; heads by position */
    RNNTS_CURR_NONE = 3     /* one fixed N from scratch */
} rnnts_curriculum;
typedef enum rnnts_optimizer { RNNTS_OPT_SGD = 0, RNNTS_OPT_ADAM = 1 } rnnts_optimizer;

/* ---- names: the strings of model files, checkpoints, logs and the tool ---------------------
   One table per enumeration; X(value, name). */
#define RNNTS_TASK_NAMES(X) X(RNNTS_TASK_PARITY, "parity") X(RNNTS_TASK_DMS, "dms")
#define RNNTS_CURRICULUM_NAMES(X) \
    X(RNNTS_CURR_SINGLE, "single") X(RNNTS_CURR_MULTI, "multi") X(RNNTS_CURR_SLIDING, "sliding") X(RNNTS_CURR_NONE, "none")
#define RNNTS_ACTIVATION_NAMES(X) \
    X(RNNTS_ACT_LEAKYRELU, "leakyrelu") X(RNNTS_ACT_RELU, "relu") X(RNNTS_ACT_TANH, "tanh") X(RNNTS_ACT_SIGMOID, "sigmoid")
#define RNNTS_VARIANT_NAMES(X) X(RNNTS_VARIANT_DEFAULT, "default") X(RNNTS_VARIANT_MOD, "mod")
#define RNNTS_MODEL_NAMES(X) X(RNNTS_MODEL_RNN, "rnn") X(RNNTS_MODEL_GRU, "gru") X(RNNTS_MODEL_LSTM, "lstm")
#define RNNTS_OPTIMIZER_NAMES(X) X(RNNTS_OPT_SGD, "sgd") X(RNNTS_OPT_ADAM, "adam")
typedef enum rnnts_name_set {
    RNNTS_NAMES_TASK = 0,
    RNNTS_NAMES_CURRICULUM = 1,
    RNNTS_NAMES_ACTIVATION = 2,
    RNNTS_NAMES_VARIANT = 3,
    RNNTS_NAMES_MODEL = 4,
    RNNTS_NAMES_OPTIMIZER = 5
} rnnts_name_set;
/* The name of value v of a set ("parity", "multi", ...); "?" for a value or set out of range.
   Static string. Thread-safe. */
RNNTS_DEF const char *rnnts_name(rnnts_name_set set, int v);
/* The value named `name` (exact, lower case) in a set; -1 when none is. Thread-safe. */
RNNTS_DEF int rnnts_name_parse(rnnts_name_set set, const char *name);
/* Every name of a set in value order, joined by '|' ("parity|dms"); "" for a set out of range.
   Static string. Thread-safe. */
RNNTS_DEF const char *rnnts_name_choices(rnnts_name_set set);

/* Bits of parity batches. P_SEQUENCE: per sequence p ~ U[0,1), bits ~ Bernoulli(p) (the reference's
   leaky RNN tasks). HALF: every bit Bernoulli(0.5) (the reference's LSTM script, which feeds them as
   +-1; GRU/LSTM map s to 2s - 1 themselves). DMS bits are Bernoulli(0.5) either way. */
typedef enum rnnts_bits { RNNTS_BITS_P_SEQUENCE = 0, RNNTS_BITS_HALF = 1 } rnnts_bits;
/* The bits the trainer and rnnts_evaluate draw for a model: P_SEQUENCE for the leaky RNN, HALF for
   GRU and LSTM (as the reference trained and tested its LSTMs). */
RNNTS_DEF rnnts_bits rnnts_task_bits_of(rnnts_model model);
/* Longest sequence a batch with largest N = n_max can have: 4 n_max + 1. */
RNNTS_DEF int rnnts_task_max_len(int n_max);
/* One batch of a task, every draw a pure function of (seed, purpose, index):
   M ~ U{Nmax+2 .. 4Nmax+1} (Nmax = largest of ns); parity: per sequence p ~ U[0,1), bits ~ Bernoulli(p),
   label = parity of the last N bits; DMS: bits ~ Bernoulli(0.5), label = (x[M-N] == x[M-1]).
   input: [M][batch] (room for rnnts_task_max_len(Nmax) * batch floats); labels: [n_ns][batch].
   Returns M in *len_out. */
RNNTS_DEF rnnts_result rnnts_task_batch(rnnts_task task, const int *ns, int n_ns, int batch, uint64_t seed, uint64_t purpose,
                              uint64_t index, float *input, int *labels, int *len_out, rnnts_error *err);

/* The same with a given length M >= largest N (for checks on identical data, e.g. `rnnts grad`);
   the bits and labels follow the same draws as rnnts_task_batch. */
RNNTS_DEF rnnts_result rnnts_task_batch_len(rnnts_task task, const int *ns, int n_ns, int batch, int len, uint64_t seed,
                                  uint64_t purpose, uint64_t index, float *input, int *labels, rnnts_error *err);
/* Either of the two with the given bits (rnnts_task_batch and _len are P_SEQUENCE): len = 0 draws M
   as rnnts_task_batch, len > 0 is rnnts_task_batch_len's. The same draws in both modes (HALF
   compares the same uniforms with 0.5), so M and the DMS batches do not depend on bits. */
RNNTS_DEF rnnts_result rnnts_task_batch_bits(rnnts_task task, rnnts_bits bits, const int *ns, int n_ns, int batch, int len,
                                   uint64_t seed, uint64_t purpose, uint64_t index, float *input, int *labels, int *len_out,
                                   rnnts_error *err);

typedef struct rnnts_optim_config {
    rnnts_optimizer kind;
    float lr;
    float momentum;  /* SGD */
    int nesterov;    /* SGD */
    float beta1, beta2, eps; /* Adam */
    float clip;      /* global gradient-norm clip (PyTorch clip_grad_norm_); 0 = off */
} rnnts_optim_config;
/* SGD with Nesterov momentum: lr 0.05, momentum 0.1, clip 2 (the reference's RNN training). */
RNNTS_DEF rnnts_optim_config rnnts_optim_config_sgd(void);
/* Adam: lr 1e-3, betas (0.9, 0.999), eps 1e-8, clip 2 (the reference's LSTM training). */
RNNTS_DEF rnnts_optim_config rnnts_optim_config_adam(void);
RNNTS_DEF rnnts_result rnnts_optim_config_check(const rnnts_optim_config *c, rnnts_error *err);

typedef struct rnnts_optim rnnts_optim;
/* Optimiser state for the tensors of `net` (state per tensor, created at its first gradient). */
RNNTS_DEF rnnts_result rnnts_optim_create(const rnnts_optim_config *cfg, const rnnts_rnn *net, const rnnts_allocator *alloc,
                                rnnts_optim **out, rnnts_error *err);
RNNTS_DEF void rnnts_optim_destroy(rnnts_optim *o);
/* One update from grad (rnnts_rnn_param_count floats; modified by the clip). used[t] != 0 for the
   tensors that received a gradient (t in file order); the others are left alone, as PyTorch skips
   parameters whose .grad is None. Clip: per-tensor L2 norms, total = L2 of those, coefficient
   clip / (total + 1e-6) applied when < 1. norm_out (may be NULL): the total norm before clipping.
   A non-finite gradient leaves net and state unchanged and returns RNNTS_ERR_NONFINITE. */
RNNTS_DEF rnnts_result rnnts_optim_step(rnnts_optim *o, rnnts_rnn *net, float *grad, const unsigned char *used, float *norm_out,
                              rnnts_error *err);

typedef struct rnnts_train_config {
    rnnts_task task;
    rnnts_curriculum curriculum;
    int n_start;         /* first N; default 2 */
    int n_add;           /* multi: N added per success; default 1 */
    int window, slide;   /* sliding: heads in the window (default 5) and slide per success (default 1) */
    int n_fixed;         /* none: the N trained (default 2) */
    int batch;           /* default 256 */
    int steps_per_epoch; /* default 600 */
    int test_batches;    /* default 50 */
    int max_epochs;      /* default 1000 */
    int target_n;        /* stop once this N is solved; 0 = no target */
    double time_limit_s; /* stop after this wall time of the process (checked between epochs); 0 = none */
    float threshold;     /* advance when mean accuracy > threshold and accuracy of the largest N > threshold; 98 */
    rnnts_optim_config optim;
    uint64_t seed;
    int init_heads;      /* multi: start with Ns n_start .. n_start + init_heads - 1 (the reference's -ih);
                            default 1; other curricula need 1 (sliding starts with its window) */
    int n_k;             /* 0 (default): one step per training step at the network's own k_continuous.
                            1..RNNTS_MAX_K: continuous-time training over k_list (the network must be
                            continuous-time): every training step s is n_k optimiser steps, for k_list[j]
                            in order j = 0..n_k-1, each on its own batch (data and h0 index s*n_k + j)
                            at dt = 1/k_list[j]; the step's loss is the mean of the n_k losses. The test
                            runs test_batches batches at every k (indices (epoch*n_k + j)*test_batches
                            + i) and an N's accuracy is the mean over k; the advance rule reads those
                            means. Between calls the network is left at k_list[0]. */
    int k_list[16];      /* RNNTS_MAX_K values in 1..10000 (repeats allowed) */
} rnnts_train_config;
#define RNNTS_MAX_K 16
RNNTS_DEF rnnts_train_config rnnts_train_config_default(void);
/* Named configurations of the reference. "sliding_W_F" (e.g. "sliding_10_5", the published
   sliding_10_5_* networks: the reference names a sliding run <curriculum>_<heads>_<forget>): the
   sliding curriculum with a window of W heads (Ns n_start .. n_start + W - 1) that slides by F per
   success, 1 <= F <= W <= RNNTS_MAX_NS. Sets curriculum, window and slide of *c, nothing else.
   Returns OK, INVALID_ARG naming what is wrong. */
RNNTS_DEF rnnts_result rnnts_train_config_preset(const char *name, rnnts_train_config *c, rnnts_error *err);
/* The reference's LSTM protocol, the defaults for GRU and LSTM networks: Adam (lr 1e-3, betas
   (0.9, 0.999), eps 1e-8), clip 2, batch 64, 300 steps per epoch, 50 test batches, 100 epochs;
   everything else as rnnts_train_config_default. */
RNNTS_DEF rnnts_train_config rnnts_train_config_lstm(void);
/* Validates a config, and with net also what it needs of the network: heads for the sliding window,
   for init_heads and for target_n under multi (head i serves N = n_start + i), a continuous-time
   network for k_list. Returns INVALID_ARG naming the field. Thread-safe. */
RNNTS_DEF rnnts_result rnnts_train_config_check(const rnnts_train_config *c, const rnnts_rnn *net, rnnts_error *err);

/* The first difference between two runs' configurations that changes what they train (the budget
   max_epochs, target_n, time_limit_s is not compared): model, hidden, heads; for a leaky RNN b
   variant, activation, learnable tau, tau_init or fixed_tau, k_continuous, tau_mean; then the
   training fields in their declaration order. d->field names it, d->a and d->b give the values as
   text. Returns 1 and fills d, or 0 when they agree. Thread-safe. */
typedef struct rnnts_config_diff {
    char field[32];
    char a[32], b[32];
} rnnts_config_diff;
RNNTS_DEF int rnnts_config_differs(const rnnts_rnn_config *ra, const rnnts_train_config *ta, const rnnts_rnn_config *rb,
                                   const rnnts_train_config *tb, rnnts_config_diff *d);

#define RNNTS_MAX_NS 256
/* Why a run is over (rnnts_epoch_report.done; the values are stored in checkpoints). */
typedef enum rnnts_done {
    RNNTS_DONE_RUNNING = 0,   /* not over: call rnnts_trainer_epoch again */
    RNNTS_DONE_BUDGET = 1,    /* max_epochs or time_limit_s reached */
    RNNTS_DONE_TARGET = 2,    /* target_n solved */
    RNNTS_DONE_CURRICULUM = 3 /* the curriculum is over: curriculum none solved its N, or no head left */
} rnnts_done;
/* ---- curricula: what is trained next (the trainer's rule; public so that tools and users who
   train or evaluate outside the trainer apply the same one). All pure and thread-safe. */
/* The Ns trained at one point of a run and the head that reads each: N = ns[a] by heads[a]. */
typedef struct rnnts_curriculum_state {
    int n_ns, ns[RNNTS_MAX_NS], heads[RNNTS_MAX_NS];
} rnnts_curriculum_state;
/* The Ns of a run's first epoch: single [n_start] and none [n_fixed] by head 0; multi n_start ..
   n_start + init_heads - 1 and sliding n_start .. n_start + window - 1 by heads 0, 1, ... c must pass
   rnnts_train_config_check. */
RNNTS_DEF void rnnts_curriculum_start(const rnnts_train_config *c, rnnts_curriculum_state *s);
/* The advance rule on an epoch's accuracies (percent) acc[0..n) of the Ns in state order, with their
   mean acc_mean: acc_mean > threshold and acc[n-1] (the largest N) > threshold. */
RNNTS_DEF int rnnts_curriculum_solved(const rnnts_train_config *c, const float *acc, int n, float acc_mean);
/* After a success, moves s to the next Ns: single [N+1] (N = the largest N of s); multi adds n_add Ns
   N+1, N+2, ... read by heads N+1 - n_start, ...; sliding drops the first `slide` Ns and appends as
   many (heads stay by position); none is over. n_heads: the network's heads. Returns RUNNING;
   TARGET when N >= target_n (> 0); CURRICULUM when the curriculum is over (none, or multi has no
   head left for a new N: s then holds the Ns that fitted) — CURRICULUM wins over TARGET. */
RNNTS_DEF rnnts_done rnnts_curriculum_advance(const rnnts_train_config *c, int n_heads, rnnts_curriculum_state *s);
/* Parses a list of N as stored in metadata ns ("2,3,4": values 1..100000, comma-separated).
   Returns the count (0 for ""), or -1 when malformed or longer than max. */
RNNTS_DEF int rnnts_ns_parse(const char *s, int *ns, int max);
typedef struct rnnts_epoch_report {
    int epoch;               /* 1-based epoch just finished */
    int n_ns, ns[RNNTS_MAX_NS], heads[RNNTS_MAX_NS]; /* Ns trained this epoch and their heads */
    float loss;              /* mean training loss of the epoch */
    float acc[RNNTS_MAX_NS]; /* test accuracy (percent) per N */
    float acc_mean;
    int solved;              /* the advance rule held: a checkpoint of these Ns is due */
    rnnts_done done;         /* RUNNING, or why the run is over */
    double seconds;          /* wall time of the epoch */
} rnnts_epoch_report;

typedef struct rnnts_trainer rnnts_trainer;
/* Trainer over `net` (borrowed; the trainer updates it). pool may be NULL. */
RNNTS_DEF rnnts_result rnnts_trainer_create(const rnnts_train_config *cfg, rnnts_rnn *net, rnnts_pool *pool,
                                  const rnnts_allocator *alloc, rnnts_trainer **out, rnnts_error *err);
RNNTS_DEF void rnnts_trainer_destroy(rnnts_trainer *tr);
/* Optional progress callback, called after every training step. */
RNNTS_DEF void rnnts_trainer_on_step(rnnts_trainer *tr, void (*fn)(void *user, int step, int steps, float loss), void *user);
/* Runs one epoch (training steps, then test batches, then the advance rule). After
   rnnts_trainer_interrupt it returns RNNTS_ERR_INTERRUPTED before the next training step (the
   step in progress finishes; the test batches of an epoch whose steps are all done still run):
   the trainer is then consistent mid-epoch, rnnts_trainer_save writes a checkpoint of that
   point, and calling rnnts_trainer_epoch again (or resuming the checkpoint) finishes the epoch
   with the same bits as an uninterrupted run. */
RNNTS_DEF rnnts_result rnnts_trainer_epoch(rnnts_trainer *tr, rnnts_epoch_report *rep, rnnts_error *err);
/* Asks a running (or the next) rnnts_trainer_epoch to stop after the current training step.
   Async-signal-safe and callable from any thread: it only stores a flag (e.g. from a SIGINT or
   SIGTERM handler). The flag is cleared when rnnts_trainer_epoch returns RNNTS_ERR_INTERRUPTED. */
RNNTS_DEF void rnnts_trainer_interrupt(rnnts_trainer *tr);
/* Training steps already done in the current epoch (0 at an epoch boundary; > 0 after an
   interruption). */
RNNTS_DEF int rnnts_trainer_epoch_step(const rnnts_trainer *tr);
/* The Ns trained next, the epoch count and the global step count. */
RNNTS_DEF int rnnts_trainer_ns(const rnnts_trainer *tr, int *ns, int max);
RNNTS_DEF int rnnts_trainer_epochs(const rnnts_trainer *tr);
/* The trainer's configuration (e.g. of a resumed run). */
RNNTS_DEF const rnnts_train_config *rnnts_trainer_config(const rnnts_trainer *tr);
/* Changes the budget (e.g. of a resumed run): max_epochs, target_n (0 = none), time_limit_s (0 =
   none; wall time of this process only: checkpoints carry no wall time, so that they stay
   byte-identical between a resumed and an uninterrupted run). A run that ended on its budget or
   target continues if the new budget allows; one whose curriculum is over stays over.
   Returns INVALID_ARG naming the field. */
RNNTS_DEF rnnts_result rnnts_trainer_set_budget(rnnts_trainer *tr, int max_epochs, int target_n, double time_limit_s, rnnts_error *err);
/* Accuracy (percent) of net on N = ns[a] read out by heads[a], over `batches` test batches of
   `batch` sequences drawn from (seed, RNNTS_PURPOSE_TEST, first_index + j) with the model's bits
   (rnnts_task_bits_of; the trainer's training batches likewise). The common case of
   rnnts_evaluate_config (len = 0). */
RNNTS_DEF rnnts_result rnnts_evaluate(const rnnts_rnn *net, rnnts_task task, const int *ns, const int *heads, int n, int batch,
                            int batches, uint64_t seed, uint64_t first_index, rnnts_pool *pool, float *acc_out, rnnts_error *err);
/* What rnnts_evaluate_config measures: accuracy (percent) on N = ns[a] read out by heads[a], a < n,
   over `batches` test batches of `batch` sequences drawn from (seed, RNNTS_PURPOSE_TEST,
   first_index + j); len = 0: the task's random M (rnnts_evaluate), len >= every N: every sequence
   that long — the generalisation test on sequences longer than trained (the bits and labels follow
   the draws of rnnts_task_batch_len). */
typedef struct rnnts_eval_config {
    rnnts_task task;
    const int *ns, *heads; /* n values each, not copied */
    int n;
    int batch, batches;    /* default 256 and 50 (the trainer's test) */
    int len;               /* default 0 */
    uint64_t seed, first_index;
} rnnts_eval_config;
RNNTS_DEF rnnts_eval_config rnnts_eval_config_default(void);
RNNTS_DEF rnnts_result rnnts_evaluate_config(const rnnts_rnn *net, const rnnts_eval_config *cfg, rnnts_pool *pool, float *acc_out,
                                             rnnts_error *err);
/* The checkpoint rnnts_trainer_save writes, as bytes in memory: the same bytes and the same side
   effect on the network's metadata (a replay compares its own image with a stored file without
   writing one). *out is allocated with the network's allocator: free it with rnnts_free(that
   allocator, *out). Returns OK, INVALID_ARG (a NULL argument), OOM. */
RNNTS_DEF rnnts_result rnnts_trainer_save_mem(const rnnts_trainer *tr, void **out, size_t *out_size, rnnts_error *err);
#ifndef RNNTS_NO_STDIO
/* Checkpoint: the network (metadata: task, curriculum, ns solved = the Ns of the last report,
   epoch) plus optimiser and trainer state, so that rnnts_trainer_resume continues with the same
   bits as an uninterrupted run. Written atomically. It also sets the network's metadata (task,
   curriculum, ns, seed, epoch) as a side effect. */
RNNTS_DEF rnnts_result rnnts_trainer_save(const rnnts_trainer *tr, const char *path, rnnts_error *err);
/* Loads a checkpoint written by rnnts_trainer_save: creates the network (*net_out) and a trainer
   whose configuration comes from the file. Every malformed or inconsistent field is an error
   naming it (FORMAT), non-finite state is NONFINITE. */
RNNTS_DEF rnnts_result rnnts_trainer_resume(const char *path, rnnts_pool *pool, const rnnts_allocator *alloc, rnnts_rnn **net_out,
                                  rnnts_trainer **out, rnnts_error *err);
#endif
/* The same from a checkpoint in memory (never reads outside [data, data+size)). */
RNNTS_DEF rnnts_result rnnts_trainer_resume_mem(const void *data, size_t size, rnnts_pool *pool, const rnnts_allocator *alloc,
                                      rnnts_rnn **net_out, rnnts_trainer **out, rnnts_error *err);

/* ---- random draws (N7) ------------------------------------------------------------------- */
/* Purposes keep streams apart. */
enum {
    RNNTS_PURPOSE_INIT = 1,
    RNNTS_PURPOSE_H0 = 2,
    RNNTS_PURPOSE_DATA = 3,
    RNNTS_PURPOSE_TEST = 4,
    RNNTS_PURPOSE_ANALYSIS = 5,
    RNNTS_PURPOSE_USER = 100
};
/* A stream key from (seed, purpose, a, b); draw i of the stream is rnnts_rng_u64(key, i). */
RNNTS_DEF uint64_t rnnts_rng_key(uint64_t seed, uint64_t purpose, uint64_t a, uint64_t b);
RNNTS_DEF uint64_t rnnts_rng_u64(uint64_t key, uint64_t i);
/* Uniform in [0,1) with 24 random bits: (u >> 40) * 2^-24 (exact). */
RNNTS_DEF float rnnts_rng_uniform(uint64_t key, uint64_t i);
/* Standard normal by Box-Muller from draws 2i and 2i+1, using the own log/sqrt/cos. */
RNNTS_DEF float rnnts_rng_normal(uint64_t key, uint64_t i);


/* ---- analyses: numerical building blocks (implementation and orders in >>analysis) ------------------
   Every result is bit-identical on the SCALAR, AVX2 and NEON builds, x86-64 and AArch64. All
   functions are pure (no global state) and thread-safe. */

/* Autocorrelation by FFT, the reference's protocol (timescales_utils.comp_ac_fft) per series:
   subtract the series mean, zero-pad, circular autocorrelation via FFT, and
       ac[s][k] = (sum_{t=0}^{n-1-k} xp[t] xp[t+k]) / (n-1-k),   k = 0 .. max_lag-1
   (lag k divided by n-1-k, as the reference does; not averaged over series).
   x: n_series series of n floats, series s at x + s*n. ac: [n_series][max_lag], ac[s*max_lag + k].
   n >= 2, 1 <= max_lag <= n-1, n_series >= 1. The result for one series depends only on that series
   and n (not on max_lag, on the other series or on their number), so callers may split the series
   over threads or calls freely. Float FFT: the error of ac[k]*(n-1-k) is about 1e-6 of ac[0]*(n-1)
   (tests assert 1e-5). A constant series gives ac = 0; x * 2^k gives exactly ac * 2^(2k). Work
   memory: 44 P bytes, P = the power of two >= 2n (11 MB for n = 100500), from alloc (may be NULL).
   Speed (AVX2, one thread, 2-core EPYC VM): 5000 series of n = 100500 in about 2.5-4 s.
   Returns OK, INVALID_ARG (naming the argument), NONFINITE (naming series and index; ac may then
   be partly written), OOM. */
RNNTS_DEF rnnts_result rnnts_autocorr(const float *x, size_t n, int n_series, int max_lag, float *ac,
                            const rnnts_allocator *alloc, rnnts_error *err);

/* The model an exponential fit selected. */
typedef enum rnnts_fit_model { RNNTS_FIT_NONE = 0, RNNTS_FIT_SINGLE = 1, RNNTS_FIT_DOUBLE = 2 } rnnts_fit_model;
/* Result of rnnts_fit_ac. */
typedef struct rnnts_expfit {
    double a1, tau1, rss1, aic1;             /* single: a e^(-t/tau),  a in [0,1], tau in [0,100] */
    double a2, t1, t2, c2, rss2, aic2;       /* double: a (c e^(-t/t1) + (1-c) e^(-t/t2)), a, c in [0,1], t1, t2 in [0,100] */
    int ok1, ok2;                            /* 1 when that fit converged to a finite result */
    rnnts_fit_model selected;                /* SINGLE or DOUBLE (smaller AIC), NONE when neither fit or a tie */
    double tau_net;                          /* selected: tau1, or max(t1, t2); NaN when selected == NONE */
    int iters1, iters2;                      /* Levenberg-Marquardt iterations over all starts (diagnostic) */
} rnnts_expfit;

/* Fits y[t], t = 0..n-1 (AC/AC[0] at lags 0..n-1; the reference uses n = 31) with a single and a
   double exponential by bounded Levenberg-Marquardt (double precision, own exp/log, several fixed
   starts, best RSS kept; details in >>analysis) and selects by AIC = 2k + n ln(RSS/n), k = 2 and 4
   (the reference's n ln(RSS) differs by the same constant for both models: same choice). Time
   constants are kept >= 1e-6 internally (the reference's lower bound 0 would divide by zero).
   RSS/n below 1e-30 counts as 1e-30 in the AIC (an exact fit then selects the simpler model).
   Caveat of the protocol (measured on AR(1) data, tests/test_analysis.c): for a single-timescale
   process AIC picks the double model for about half of the noise realisations, a small-weight
   second component (often at the bound 100) fitting the correlated sampling noise of the AC, so
   tau_net = max(t1, t2) can be far from tau1; tau1 itself stays within ~2 %.
   n in 5..100000. Returns OK, INVALID_ARG, NONFINITE (naming the index of y). */
RNNTS_DEF rnnts_result rnnts_fit_ac(const double *y, int n, rnnts_expfit *out, rnnts_error *err);
/* How tau_net's exponentials are fitted. REFERENCE: the reference's own procedure, SciPy's
   curve_fit(..., maxfev=2000, bounds=...) without a start: one trust-region reflective fit per model
   from the midpoints of the bounds, forward-difference Jacobian, at most 2000 residual evaluations
   (a fit that needs more fails, as curve_fit raises), AIC = 2k + n ln RSS. It can stop in a local
   minimum: that is part of the protocol the paper's tau_net figures come from (it chooses the
   double exponential less often than BEST). BEST: rnnts_fit_ac, bounded Levenberg-Marquardt from
   several starts, the smallest RSS. */
typedef enum rnnts_fit_method { RNNTS_FIT_REFERENCE = 0, RNNTS_FIT_BEST = 1 } rnnts_fit_method;
#define RNNTS_FIT_REF_MAX_N 64
/* rnnts_fit_ac with a chosen method; REFERENCE takes n in 5..RNNTS_FIT_REF_MAX_N (iters1/iters2 then
   count residual evaluations). Returns OK, INVALID_ARG (method, n, NULL), NONFINITE. */
RNNTS_DEF rnnts_result rnnts_fit_ac_method(const double *y, int n, rnnts_fit_method method, rnnts_expfit *out, rnnts_error *err);

/* Eigenvalues of the symmetric n x n matrix A (row-major; only the lower triangle A[i*n+j], j <= i,
   is read; A is overwritten) into eigvals[n], descending. Householder tridiagonalisation, then
   implicit QL with Wilkinson shifts; no allocation. n >= 1. Returns OK, INVALID_ARG, NONFINITE,
   STATE (no convergence; not seen in practice). */
RNNTS_DEF rnnts_result rnnts_eig_sym(double *A, int n, double *eigvals, rnnts_error *err);

/* PCA of X (rows = time, cols = variables, row-major floats): eigenvalues of the covariance of the
   columns (mean-subtracted, divided by rows-1, double accumulation in a fixed order) into
   eigvals[cols], descending; *n_components = the smallest k whose k largest eigenvalues sum to
   >= var_fraction of the total (0 when the total is 0). The reference's "dimensionality" is
   np.where(cumsum(ratio) > 0.9)[0][0], which is the count minus one (and uses >): see >>analysis.
   rows >= 2, cols >= 1, 0 < var_fraction <= 1; n_components may be NULL. Work memory about
   8 cols^2 + 1 KB * cols bytes from alloc (may be NULL). 500 columns: 0.1 s for 1000 rows, 2 s
   for 100500 rows (AVX2 build, one thread).
   Returns OK, INVALID_ARG, NONFINITE (naming row and column), OOM, STATE (see rnnts_eig_sym). */
RNNTS_DEF rnnts_result rnnts_pca(const float *X, int rows, int cols, double var_fraction, double *eigvals, int *n_components,
                       const rnnts_allocator *alloc, rnnts_error *err);

/* ---- studies: tau_net, stream accuracy, ablation, perturbation ---------------------------------
   Everything below is a pure function of (network, configuration, seed): the same bits on every
   build and thread count. Random draws use key(seed, RNNTS_PURPOSE_ANALYSIS, a, b) with a, b: */
enum {
    RNNTS_ANALYSIS_TAUNET_P = 1,    /* a = 1, b = 0: per-trial input probability p_r ~ U[0,1) (index r) */
    RNNTS_ANALYSIS_TAUNET_BITS = 2, /* a = 2, b = r: input bits of trial r (index: step) */
    RNNTS_ANALYSIS_STREAM_BITS = 3, /* a = 3 + 256 r, b = draw: stream-accuracy bits of trial r (index: step) */
    RNNTS_ANALYSIS_PERTURB_W = 4,   /* a = 4, b = draw: W perturbation direction (index: i*H + j) */
    RNNTS_ANALYSIS_PERTURB_TAU = 5  /* a = 5, b = draw: tau perturbation direction (index: i) */
};

/* Trained tau: mean, median, population SD, min, max, count below 1 (of the stored tau), and a
   histogram of n_bins equal bins over [lo, hi) (values outside are counted in under / over). */
typedef struct rnnts_tau_summary {
    int n;
    double mean, median, sd, min, max;
    int below_1;
} rnnts_tau_summary;
RNNTS_DEF rnnts_result rnnts_tau_summary_of(const rnnts_rnn *net, rnnts_tau_summary *out, rnnts_error *err);
RNNTS_DEF rnnts_result rnnts_tau_histogram(const rnnts_rnn *net, double lo, double hi, int n_bins, int *counts, int *under,
                                 int *over, rnnts_error *err);

/* Network timescales tau_net (the reference's protocol): `trials` sequences of `steps`
   input steps, trial r with bits Bernoulli(p_r), p_r ~ U[0,1); h0 = 0.1 U[0,1) (h0_seed = seed,
   h0_draw = RNNTS_TAUNET_H0_DRAW); the first `burn` steps dropped; per neuron and trial the
   autocorrelation by FFT (rnnts_autocorr), averaged over trials in trial order; lags 0..fit_lag of
   AC/AC[0] fitted by rnnts_fit_ac_method (cfg.fit; the other method's tau_net in the *_alt
   fields); tau_net = the selected fit's (slowest) timescale. The population
   activity (sum over neurons, index order, float) gets the same autocorrelation (lags
   0..pop_lags-1). Aggregates over neurons with tau_net > 1. Memory: the activity of as many neurons
   as fit in max_bytes is kept; the network is simulated again for the next group (same bits).
   The autocorrelations run on the pool's threads, so the network's allocator must be thread-safe
   (the default one is). */
#define RNNTS_TAUNET_H0_DRAW 0x7A0E7ull
typedef struct rnnts_taunet_config {
    int steps;        /* simulated input steps per trial, including burn-in (default 10^5 + 1000) */
    int burn;         /* dropped at the start (default 500) */
    int trials;       /* default 10 */
    int fit_lag;      /* fit lags 0..fit_lag (default 30) */
    int pop_lags;     /* lags kept of the population and neuron ACs (default 200) */
    uint64_t seed;    /* default 0 */
    size_t max_bytes; /* activity kept at once (default 1 GiB; at least one neuron) */
    rnnts_fit_method fit; /* default RNNTS_FIT_REFERENCE (the paper's figures); the other method is
                             reported too, in the result's *_alt fields */
    const float *inputs;  /* NULL (default): rnnts's own draws; else [steps][trials] input values
                             fed instead (e.g. the bits another implementation drew), not copied */
} rnnts_taunet_config;
RNNTS_DEF rnnts_taunet_config rnnts_taunet_config_default(void);
typedef struct rnnts_taunet_result {
    int H, pop_lags, fit_lag, passes;
    float *tau_net;      /* [H]; NaN where neither fit succeeded */
    rnnts_fit_model *selected; /* [H] */
    rnnts_expfit *fit;   /* [H] */
    float *ac;           /* [H][pop_lags] neuron autocorrelations (trial mean, not normalised) */
    float *pop_ac;       /* [pop_lags] population autocorrelation */
    int n_above_1, n_double;             /* n_double: neurons where the double exponential was selected */
    double mean_above_1, median_above_1; /* NaN when n_above_1 == 0 */
    /* the same from the other fit method (cfg.fit BEST <-> REFERENCE), on the same ACs */
    float *tau_net_alt; /* [H] */
    rnnts_fit_model *selected_alt; /* [H] */
    int n_above_1_alt, n_double_alt;
    double mean_above_1_alt, median_above_1_alt;
    rnnts_allocator alloc;
} rnnts_taunet_result;
RNNTS_DEF rnnts_result rnnts_taunet(const rnnts_rnn *net, const rnnts_taunet_config *cfg, rnnts_pool *pool,
                          rnnts_taunet_result *out, rnnts_error *err);
/* The input bits rnnts_taunet feeds (steps t0..t0+len-1 of every trial: input[(t - t0) * trials + r]
   = 0 or 1) and, when p is not NULL, each trial's probability p[r]: for re-running the simulation
   elsewhere. With cfg->inputs set: a copy of those (p = NaN). Returns OK or INVALID_ARG. */
RNNTS_DEF rnnts_result rnnts_taunet_inputs(const rnnts_taunet_config *cfg, int t0, int len, float *input, float *p, rnnts_error *err);
RNNTS_DEF void rnnts_taunet_result_free(rnnts_taunet_result *r);

/* Stream accuracy (the reference's protocol): per trial one sequence of warmup + len bits
   Bernoulli(p) (p = 0.5), read out at every step by `head`; accuracy over the last len steps
   against the task's label for N (parity of the last N bits; DMS: bit t == bit t-N+1); class 1
   when logit 1 > logit 0. h0 = 0.1 U[0,1) (h0_seed = seed, h0_draw = draw). `draw` selects an
   independent set of trials (the bits use (seed, STREAM_BITS, r, draw)). */
typedef struct rnnts_stream_config {
    int len;      /* default 1000 */
    int warmup;   /* default 100; must be >= N - 1 */
    int trials;   /* default 10 */
    float p;      /* default 0.5 */
    uint64_t seed, draw;
} rnnts_stream_config;
RNNTS_DEF rnnts_stream_config rnnts_stream_config_default(void);
RNNTS_DEF rnnts_result rnnts_stream_accuracy(const rnnts_rnn *net, rnnts_task task, int N, int head, const rnnts_stream_config *cfg,
                                   rnnts_pool *pool, float *acc /* [trials], fractions in [0,1] */, rnnts_error *err);

/* Gate timescales of a GRU or LSTM (the counterpart of tau for gated units): driven as for tau_net
   (trial r: bits Bernoulli(p_r) from the draws of rnnts_taunet with this seed, x = 2s - 1,
   h_0 = c_0 = 0, one unbroken sequence per trial), the mean over steps t >= burn and trials of gate 1
   of every unit (the LSTM's forget gate f, the GRU's update gate z, the share of the old state
   kept), gbar[i] (sum in double, step then trial order), and ts[i] = 1 / (1 - gbar[i]) (infinite
   for a gate at 1 throughout). The states equal rnnts_rnn_stream's bit for bit (same operation
   order). Returns OK, INVALID_ARG (a leaky RNN, or a field out of range), OOM. */
typedef struct rnnts_gate_config {
    int steps;     /* input steps per trial, including burn-in (default 1100) */
    int burn;      /* default 100; 0 <= burn < steps */
    int trials;    /* default 10 */
    uint64_t seed; /* default 0 */
} rnnts_gate_config;
RNNTS_DEF rnnts_gate_config rnnts_gate_config_default(void);
RNNTS_DEF rnnts_result rnnts_gate_timescales(const rnnts_rnn *net, const rnnts_gate_config *cfg, double *gbar /* [H] */,
                                             double *ts /* [H] */, rnnts_error *err);

/* Metadata entries of a model file that rnnts does not interpret (written by another tool or a
   user): rnnts_rnn_load keeps them and every save writes them back, in their order, after the
   entries rnnts writes itself. Returns the number of entries; entry i (when 0 <= i < count)
   in *key and *value (owned by net, valid until the next change). Thread-safe for reading. */
RNNTS_DEF int rnnts_rnn_meta_extra(const rnnts_rnn *net, int i, const char **key, const char **value);
/* Adds or replaces (value != NULL) or removes (value == NULL) the extra entry `key`. key: 1..63
   bytes, not one rnnts writes itself (format, rnnts_version, model, variant, activation, hidden,
   heads, tau, fixed_tau, tau_init, k_continuous, task, curriculum, ns, seed, epoch,
   checksum_xxh3, train_config, train_state, tau_mean); value up to 4607 bytes; at most 256 entries (as many as a file may hold).
   Returns OK, INVALID_ARG naming the key, OOM. */
RNNTS_DEF rnnts_result rnnts_rnn_meta_set(rnnts_rnn *net, const char *key, const char *value, rnnts_error *err);

/* The model checksum: XXH3-64 of the parameters as little-endian float32 bytes in tensor order (the
   metadata value checksum_xxh3 of model files). 0 when memory for the bytes cannot be had. */
RNNTS_DEF uint64_t rnnts_rnn_checksum(const rnnts_rnn *net);
/* The head of a model that serves N, by the rule of the curriculum named in its metadata (the
   trainer's rule, see rnnts_curriculum_advance): one head, single or none: head 0; sliding: the
   position of N in metadata ns; multi, and no curriculum recorded (e.g. an imported file without a
   name pattern): N - (first N of metadata ns; 2 when absent). Returns OK, or INVALID_ARG when no
   head serves N, saying why. Thread-safe. */
RNNTS_DEF rnnts_result rnnts_rnn_head_for(const rnnts_rnn *net, int N, int *head, rnnts_error *err);
/* A copy of net (same allocator, extra metadata included). */
RNNTS_DEF rnnts_result rnnts_rnn_clone(const rnnts_rnn *net, rnnts_rnn **out, rnnts_error *err);
/* Ablation of neuron i: row i and column i of W, w_in[i], and the weight of i in every head set to 0.
   GRU/LSTM: unit i's rows of W_hh and W_ih in every gate, column i of W_hh and its head weights
   (its biases stay; nothing reads the unit any more). Equals rnnts_rnn_ablate_head(net, i,
   RNNTS_ABLATE_ALL_HEADS). */
RNNTS_DEF rnnts_result rnnts_rnn_ablate(rnnts_rnn *net, int neuron, rnnts_error *err);
/* The same with the readout weights of i zeroed in one head only (head 0..K-1), or in every head
   (RNNTS_ABLATE_ALL_HEADS). The reference's published ablation is head = 0: it zeroes head 0's
   column even when another head serves the N it scores, and that head then still reads the
   neuron, whose state is driven by its biases alone. Returns INVALID_ARG naming neuron or head. */
#define RNNTS_ABLATE_ALL_HEADS (-1)
RNNTS_DEF rnnts_result rnnts_rnn_ablate_head(rnnts_rnn *net, int neuron, int head, rnnts_error *err);
/* W += eps ||W||_F D / ||D||_F, D_ij ~ N(0,1) from (seed, PERTURB_W, draw); norms in double, index
   order. ||D||_F runs over all H*H entries, the diagonal included, and the diagonal is then set back
   to 0 (the model reads it as 0): the reference's "normalized rnn" perturbation, whose forward pass
   zeroes the diagonal after the perturbation. Biases, w_in and heads are untouched.
   GRU/LSTM: W = W_hh of every gate
   ([G*H][H], no diagonal rule). */
RNNTS_DEF rnnts_result rnnts_rnn_perturb_w(rnnts_rnn *net, double eps, uint64_t seed, uint64_t draw, rnnts_error *err);
/* tau += eps ||tau|| |D| / || |D| ||, D_i ~ N(0,1) from (seed, PERTURB_TAU, draw) (learnable tau only). */
RNNTS_DEF rnnts_result rnnts_rnn_perturb_tau(rnnts_rnn *net, double eps, uint64_t seed, uint64_t draw, rnnts_error *err);
/* Changes the time step of a continuous-time network to dt = 1/k (each input repeated k times,
   tau_hat = max(k tau, 1)): the generalisation test over dt. Workspaces made for the old k must be
   made again (forward reports the mismatch). INVALID_ARG for a discrete-time network. */
RNNTS_DEF rnnts_result rnnts_rnn_set_k_continuous(rnnts_rnn *net, int k, rnnts_error *err);

/* Retraining (the reference's retrain_as_singlehead): for each N of ns, a copy of net is trained
   single-head on N alone (curriculum none, head 0, a fresh optimiser) for exactly `epochs` epochs
   (no early stop), with the data of train.seed; the copies never touch net. */
typedef struct rnnts_retrain_config {
    rnnts_train_config train; /* task, batch, steps_per_epoch, test_batches, optim, seed; curriculum,
                                 n_fixed, max_epochs, target_n and threshold are set per N */
    int epochs;               /* default 20 */
} rnnts_retrain_config;
RNNTS_DEF rnnts_retrain_config rnnts_retrain_config_default(void);
/* acc_out[i * epochs + e]: test accuracy (percent) on ns[i] after epoch e + 1; the last one is the
   retrained accuracy. on_epoch (may be NULL) is called after every epoch (progress). */
RNNTS_DEF rnnts_result rnnts_retrain(const rnnts_rnn *net, const rnnts_retrain_config *cfg, const int *ns, int n_ns, rnnts_pool *pool,
                           float *acc_out, void (*on_epoch)(void *user, int i, const rnnts_epoch_report *rep), void *user,
                           rnnts_error *err);

/* Dimensionality (the reference's protocol, compute_pca.py): the network driven as for tau_net
   (trial r: bits Bernoulli(p_r), the same draws and h0 as rnnts_taunet with this seed), `steps`
   input steps of which the first `burn` are dropped; per trial the PCA of the (time x H) activity
   (rnnts_pca) and the number of components that explain var_fraction of the variance. Keeps
   trials x (steps - burn) x H floats. */
typedef struct rnnts_dim_config {
    int steps;           /* input steps per trial, including burn-in (default 10000) */
    int burn;            /* dropped at the start (default 500); at most steps - 2 */
    int trials;          /* default 10 */
    double var_fraction; /* default 0.9 */
    uint64_t seed;       /* default 0 */
} rnnts_dim_config;
RNNTS_DEF rnnts_dim_config rnnts_dim_config_default(void);
RNNTS_DEF rnnts_result rnnts_dimensionality(const rnnts_rnn *net, const rnnts_dim_config *cfg, rnnts_pool *pool,
                                            int *n_components /* [trials] */, double *eigvals /* [trials][H] or NULL */, rnnts_error *err);

/* ---- JSON reading ----------------------------------------------------------------------------
   The bounded cursor the library reads model headers with, public for readers of what rnnts writes
   (logs, JSON output). RFC 8259 grammar. Every call skips whitespace first and never reads outside
   [text, text + len). A failing call returns 0 (or -1) and keeps the first failure's message in
   err ("expected a string", "bad number", ...). Thread-safe on different cursors. */
typedef struct rnnts_json {
    const char *p, *end;
    char err[128];
} rnnts_json;
RNNTS_DEF void rnnts_json_init(rnnts_json *j, const char *text, size_t len);
/* 1 (consumed) when c comes next, else 0 (no message: the caller knows what it expected). */
RNNTS_DEF int rnnts_json_eat(rnnts_json *j, char c);
/* 1 when only whitespace is left, else 0 (the cursor then stands on the first other byte). */
RNNTS_DEF int rnnts_json_end(rnnts_json *j);
/* 1 (consumed) when the literal lit ("true", "false", "null") comes next, else 0. */
RNNTS_DEF int rnnts_json_literal(rnnts_json *j, const char *lit);
/* A string: escapes decoded (\u to UTF-8, surrogate pairs joined), other bytes copied as they are.
   Its first cap - 1 bytes go to out (may be NULL), NUL-terminated. Returns the decoded length
   (>= cap: out was cut), or -1. */
RNNTS_DEF long rnnts_json_string(rnnts_json *j, char *out, size_t cap);
/* A finite number of at most 63 characters (converted by strtod: the C locale's decimal point);
   with allow_null also null, read as NaN. 1 or 0. */
RNNTS_DEF int rnnts_json_number(rnnts_json *j, double *v, int allow_null);
/* A non-negative integer without sign, fraction, exponent or leading zeros, at most 2^53. 1 or 0. */
RNNTS_DEF int rnnts_json_uint(rnnts_json *j, uint64_t *v);
/* Skips one value of any kind with at most max_depth levels of containers (0: a scalar). 1 or 0. */
RNNTS_DEF int rnnts_json_skip(rnnts_json *j, int max_depth);

/* ---- files ------------------------------------------------------------------------------- */
/* A named float tensor of up to 4 dimensions (row-major), for writing. */
typedef struct rnnts_named_tensor {
    const char *name;
    int ndim;
    int64_t shape[4];
    const float *data;
} rnnts_named_tensor;
/* XXH3-64 (seed 0) of a byte buffer, the checksum used in model files. */
RNNTS_DEF uint64_t rnnts_xxh3_64(const void *data, size_t len);

/* Serialises net as safetensors into a buffer allocated with net's allocator (free it with
   rnnts_free(net's allocator, ptr)). Byte-identical on every platform for the same model. */
RNNTS_DEF rnnts_result rnnts_rnn_save_mem(const rnnts_rnn *net, void **out, size_t *out_size, rnnts_error *err);
/* Parses and validates a safetensors model from memory. Every malformed or inconsistent input
   gives an error code and a message; never reads outside [data, data+size). */
RNNTS_DEF rnnts_result rnnts_rnn_load_mem(const void *data, size_t size, const rnnts_allocator *alloc,
                                rnnts_rnn **out, rnnts_error *err);
/* Imports a checkpoint of the reference implementation (a PyTorch zip: data.pkl + data/<n> float32
   storages), without PyTorch. H from modulelist.1.weight, K = number of heads modulelist.{2..},
   learnable tau when parameterlist.0 has H values, fixed when it has 1; variant default, leaky
   ReLU; W's diagonal kept as stored. The pickle may be {'state_dict': OrderedDict, ...} or the
   state dict itself; only the opcodes and globals torch.save uses for such files are accepted.
   Metadata (task, curriculum, ns) is left empty for the caller. Never reads outside the buffer;
   every malformed input gives an error naming what and where. */
RNNTS_DEF rnnts_result rnnts_import_torch_mem(const void *data, size_t size, const rnnts_allocator *alloc,
                                    rnnts_rnn **out, rnnts_error *err);
RNNTS_DEF void rnnts_free(const rnnts_allocator *alloc, void *ptr);
/* The header of a safetensors file as the loader reads and validates it (framing, JSON, data
   offsets covering the data without holes or overlaps): for tools that list or index files
   without building a network (checkpoints included: optim.* and trainer.* tensors are listed). */
typedef struct rnnts_st_tensor {
    char name[64];
    int ndim;
    uint64_t shape[8];
    uint64_t begin, end; /* byte offsets into the data section; dtype is F32, the only one read */
} rnnts_st_tensor;
typedef struct rnnts_st_meta {
    char key[64];
    char value[4608];
} rnnts_st_meta;
typedef struct rnnts_st_header {
    uint64_t header_len;      /* bytes of JSON after the 8-byte length */
    int n_tensors, n_meta;
    rnnts_st_tensor *tensors; /* in data order (the order rnnts writes them in) */
    rnnts_st_meta *meta;      /* __metadata__ entries in file order */
    rnnts_allocator alloc;
} rnnts_st_header;
/* Parses the header of a safetensors buffer. Returns OK, or the loader's error naming what is wrong;
   *out is then empty. Free with rnnts_st_header_free. */
RNNTS_DEF rnnts_result rnnts_st_header_mem(const void *data, size_t size, const rnnts_allocator *alloc, rnnts_st_header *out,
                                           rnnts_error *err);
/* Value of a metadata key, NULL when absent. */
RNNTS_DEF const char *rnnts_st_header_meta(const rnnts_st_header *h, const char *key);
RNNTS_DEF void rnnts_st_header_free(rnnts_st_header *h);
/* Value of key in a "k=v k=v" list (the train_config and train_state metadata of checkpoints),
   copied into out. Returns 1, or 0 when the key is absent or its value does not fit in cap. */
RNNTS_DEF int rnnts_meta_kv(const char *list, const char *key, char *out, size_t cap);
/* Where a training checkpoint stands and the budget it was written under, from its header: the
   train_state and train_config values rnnts_trainer_resume reads (checked for presence and range
   only; resuming validates the rest) and the metadata rnnts_version. */
typedef struct rnnts_checkpoint_info {
    char version[32];      /* rnnts_version of the writer ("" when absent: a file of another tool) */
    int epoch;             /* epochs done */
    int epoch_step;        /* training steps done in epoch + 1: 0 at an epoch boundary, > 0 when the
                              file was written on an interruption (rnnts_trainer_interrupt) */
    int steps_per_epoch;
    uint64_t step;         /* global step count: epoch * steps_per_epoch + epoch_step */
    rnnts_done done;
    int max_epochs, target_n;
    double time_limit_s;   /* the budget (0 = none) */
} rnnts_checkpoint_info;
/* Returns OK, or FORMAT naming the missing or bad key (a model file without train_config and
   train_state is "not a training checkpoint"). Thread-safe. */
RNNTS_DEF rnnts_result rnnts_checkpoint_info_of(const rnnts_st_header *h, rnnts_checkpoint_info *out, rnnts_error *err);

/* The first difference between two safetensors images (checkpoints or model files), for proving
   that a run replays to the same bits (rnnts replay). The images are parsed like the loader's header
   (framing, JSON, offsets) but not loaded: checksums are not verified and non-finite values are
   compared like any other, so a damaged file is named by its first differing element. Order of the
   comparison, so that the difference named is the telling one:
     1. the tensor list (count, names, shapes, in file order)         -> RNNTS_CKPT_TENSORS
     2. the metadata keys (count and names, in file order)            -> RNNTS_CKPT_META
     3. the metadata that describes the run (all but the four below;
        train_config field by field): another configuration           -> RNNTS_CKPT_META
     4. the tensor values, bitwise, in file order: a divergence       -> RNNTS_CKPT_VALUE
     5. what follows from the values and the trajectory: checksum_xxh3, ns, epoch, train_state (field
        by field)                                                     -> RNNTS_CKPT_META
     6. without RNNTS_CKPT_IGNORE_BUDGET, the bytes themselves (everything above agrees but, e.g.,
        the header's formatting)                                      -> RNNTS_CKPT_BYTES
   RNNTS_CKPT_IGNORE_BUDGET leaves the budget out: train_config's max_epochs, target_n and
   time_limit_s, and of train_state's done only whether the curriculum is over (3) counts: 0, 1 and
   2 are the budget's verdicts (rnnts_trainer_set_budget reopens them; a time limit makes them
   depend on wall time). A replay runs under a budget of its own, so it compares with this flag.
   Checkpoints hold no wall time (§6.5), so nothing else is left out. */
typedef enum rnnts_ckpt_diff_kind {
    RNNTS_CKPT_SAME = 0,    /* no difference */
    RNNTS_CKPT_TENSORS = 1, /* the tensor lists differ: tensor (expected name, or the extra one) */
    RNNTS_CKPT_VALUE = 2,   /* an element differs: tensor, index, want, got */
    RNNTS_CKPT_META = 3,    /* a metadata entry: key ("lr" of train_config is "train_config.lr"),
                               want_text, got_text ("(absent)" for a missing one) */
    RNNTS_CKPT_BYTES = 4    /* only the bytes differ: offset */
} rnnts_ckpt_diff_kind;
#define RNNTS_CKPT_IGNORE_BUDGET 1u
typedef struct rnnts_ckpt_diff {
    rnnts_ckpt_diff_kind kind;
    char tensor[64];
    uint64_t index;            /* element, row-major */
    float want, got;           /* VALUE: the two floats; want_bits/got_bits their bits */
    uint32_t want_bits, got_bits;
    char key[80];
    char want_text[128], got_text[128]; /* META (truncated to fit) */
    uint64_t offset;           /* BYTES: first differing byte */
    char msg[512];             /* the difference in one line, e.g. "tensor modulelist.1.weight element
                                  37 ([2, 5] of [16, 16]): expected 0.0123 (bits 3c4985f0), got ..." */
} rnnts_ckpt_diff;
/* Compares image b (e.g. a replay's, rnnts_trainer_save_mem) with image a (the expected one, e.g.
   the stored file); the first difference in *d (kind SAME when there is none). Returns OK when both
   images could be read (whether or not they differ), otherwise the header parser's error prefixed
   with "expected image: " or "compared image: " (INVALID_ARG for NULL arguments). Never reads
   outside the buffers. Thread-safe. */
RNNTS_DEF rnnts_result rnnts_checkpoint_compare(const void *a, size_t a_size, const void *b, size_t b_size, unsigned flags,
                                                rnnts_ckpt_diff *d, rnnts_error *err);
#ifndef RNNTS_NO_STDIO
/* rnnts_st_header_mem of a file. */
RNNTS_DEF rnnts_result rnnts_st_header_read(const char *path, const rnnts_allocator *alloc, rnnts_st_header *out, rnnts_error *err);
RNNTS_DEF rnnts_result rnnts_import_torch(const char *path, const rnnts_allocator *alloc, rnnts_rnn **out, rnnts_error *err);
/* Writes atomically: a temporary file in the same directory, then rename. */
RNNTS_DEF rnnts_result rnnts_rnn_save(const rnnts_rnn *net, const char *path, rnnts_error *err);
RNNTS_DEF rnnts_result rnnts_rnn_load(const char *path, const rnnts_allocator *alloc, rnnts_rnn **out, rnnts_error *err);
#endif

/* ---- building blocks and test hooks ------------------------------------------------------
   Not needed to train or analyse: the library's own math (N5) and canonical sum, for tests that
   check them and for code that must round exactly as the library does; a pool knob tests use to
   force every split onto the workers; a raw safetensors writer for tools and tests. Stable like
   the rest of the API. */
RNNTS_DEF float rnnts_expf(float x);
RNNTS_DEF float rnnts_logf(float x);
RNNTS_DEF float rnnts_tanhf(float x);
RNNTS_DEF float rnnts_sigmoidf(float x);
RNNTS_DEF float rnnts_sinf(float x);
RNNTS_DEF float rnnts_cosf(float x);
/* The canonical 8-lane sum of x[0..n) (N4). */
RNNTS_DEF float rnnts_sum_canon(const float *x, size_t n);
/* Runs smaller than `flops` (estimated) stay on the calling thread; default RNNTS_PAR_MIN_FLOPS.
   0 sends every run with more than one task to the workers (tests use it). Never changes a result. */
RNNTS_DEF void rnnts_pool_set_min_flops(rnnts_pool *pool, double flops);
/* Pause iterations a waiting thread of the pool spins before it yields (then sleeps): by default
   RNNTS_SPIN_ITERS when the pool's threads fit the online CPUs, else 0. Set 0 when jobs share the
   cores or under a tool that runs one thread at a time (valgrind); negative is read as 0. Returns
   the previous value; never changes a result. */
RNNTS_DEF int rnnts_pool_set_spin(rnnts_pool *pool, int iters);
#ifndef RNNTS_NO_STDIO
/* Writes named float tensors as safetensors atomically (used by tools and tests). Each tensor
   has ndim <= 4 dims. meta_kv: NULL or pairs of strings (key, value), ending with NULL. */
RNNTS_DEF rnnts_result rnnts_safetensors_write(const char *path, const rnnts_named_tensor *t, int n,
                                     const char *const *meta_kv, rnnts_error *err);
#endif

#ifdef __cplusplus
}
#endif
#endif /* RNNTS_H_INCLUDED */

/* ========================================================================================== */
/*                                      IMPLEMENTATION                                        */
/* ========================================================================================== */
#ifdef RNNTS_IMPLEMENTATION
#ifndef RNNTS_IMPLEMENTATION_INCLUDED
#define RNNTS_IMPLEMENTATION_INCLUDED

/* >>config ---------------------------------------------------------------------------------- */
#if defined(__FAST_MATH__)
#error "rnnts: -ffast-math breaks the numerics contract (N1); build without it"
#endif
#if defined(__FINITE_MATH_ONLY__) && __FINITE_MATH_ONLY__
#error "rnnts: -ffinite-math-only breaks the numerics contract (N1)"
#endif
#include <float.h>
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0
/* Float expressions evaluated in a wider type round differently (N1): gcc on s390x in ISO C mode
   (-std=c11) evaluates float in double; i386 without SSE math evaluates in x87 long double. */
#error "rnnts: FLT_EVAL_METHOD != 0 (float arithmetic in excess precision) breaks the numerics contract (N1); on s390x add -fexcess-precision=fast (or use -std=gnu11), on i386 use -msse2 -mfpmath=sse"
#endif
#if defined(_MSC_VER) && !defined(__clang__) && defined(_M_FP_FAST)
#error "rnnts: /fp:fast breaks the numerics contract (N1); build with /fp:precise"
#endif
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(_MSC_VER)
#pragma fp_contract(off) /* MSVC (untested): no contraction, as -ffp-contract=off */
#elif defined(__GNUC__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
#define RNNTS__GCC_PUSHED 1
#if defined(__cplusplus) && __GNUC__ < 13 && defined(__AVX512F__)
/* g++ 12 warns inside its own AVX-512 intrinsics, whose _mm512_undefined_* results it takes for
   uninitialised variables (GCC bug 105593, fixed in 13). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#define RNNTS__GCC_DIAG_PUSHED 1
#endif
#endif

#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <math.h> /* fmaf and sqrtf only (correctly rounded by IEEE 754) */
#include <time.h> /* timespec_get: wall time for budgets and reports only */
#if !defined(RNNTS_NO_STDIO) && (defined(__unix__) || defined(__APPLE__))
#include <errno.h>
#include <fcntl.h>  /* open: atomic file writes with fsync */
#include <unistd.h> /* write, fsync, close */
#endif
/* Windows (MinGW-w64 or MSVC): Win32 threads (>>threads) and Win32 file calls (atomic replace with
   MoveFileExA, FlushFileBuffers), wall time when the C runtime lacks timespec_get (msvcrt.dll). */
#if defined(_WIN32)
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#define RNNTS__DEFINED_LEAN 1
#endif
#ifndef NOMINMAX
#define NOMINMAX
#define RNNTS__DEFINED_NOMINMAX 1
#endif
#include <windows.h>
#if defined(RNNTS__DEFINED_LEAN)
#undef WIN32_LEAN_AND_MEAN
#undef RNNTS__DEFINED_LEAN
#endif
#if defined(RNNTS__DEFINED_NOMINMAX)
#undef NOMINMAX
#undef RNNTS__DEFINED_NOMINMAX
#endif
#if !defined(RNNTS_NO_THREADS) && defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#error "rnnts: the Win32 thread pool needs Windows Vista's SRW locks and condition variables (_WIN32_WINNT >= 0x0600), or define RNNTS_NO_THREADS"
#endif
#endif
/* printf-style format checks. MinGW-w64: the C99 printf of its runtime (__USE_MINGW_ANSI_STDIO,
   the default in C99/C11 and C++11 modes) or the UCRT's; msvcrt.dll's own printf lacks %zu and
   writes three exponent digits (1e-008), which would change the bytes of checkpoint metadata. */
#if defined(__MINGW32__)
#if !__USE_MINGW_ANSI_STDIO && !defined(_UCRT)
#error "rnnts: MinGW-w64 with msvcrt.dll needs its C99 printf: build with -D__USE_MINGW_ANSI_STDIO=1 (the default with -std=c99/c11) or link the UCRT"
#endif
#define RNNTS__PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__) || defined(__clang__)
#define RNNTS__PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RNNTS__PRINTF(f, a)
#endif

/* fma of the scalar path: libm's fmaf (one instruction where the compiler enables FMA), or with
   RNNTS_SOFT_FMA our own, exact by construction: the product of two floats is exact in double, the
   sum is rounded to odd (two-sum error term; an inexact sum with an even last bit moves one ulp
   towards the exact value), and rounding that to float is then correctly rounded (53 >= 2*24 + 2
   bits; subnormal results included). Default on MinGW-w64, whose fmaf (mingw-w64 10) is not
   correctly rounded: it broke the golden hashes of the scalar path. */
#ifndef RNNTS_SOFT_FMA
#if defined(__MINGW32__) && !defined(__FMA__)
#define RNNTS_SOFT_FMA 1
#else
#define RNNTS_SOFT_FMA 0
#endif
#endif
#if RNNTS_SOFT_FMA
static inline float rnnts__fmaf_soft(float a, float b, float c) {
    double xy = (double)a * (double)b, s = xy + (double)c, bv, err;
    uint64_t u;
    if (s - s != 0.0 || s == 0.0) return (float)s; /* inf, NaN; an exact zero (its sign as IEEE fma) */
    bv = s - xy;
    err = (xy - (s - bv)) + ((double)c - bv); /* xy + c = s + err exactly (Knuth's two-sum) */
    memcpy(&u, &s, sizeof u);
    if (err != 0.0 && !(u & 1)) {
        if ((err > 0.0) == (s > 0.0)) u++;
        else u--;
        memcpy(&s, &u, sizeof s);
    }
    return (float)s;
}
#define RNNTS__FMAF(a, b, c) rnnts__fmaf_soft((a), (b), (c))
#else
#define RNNTS__FMAF(a, b, c) fmaf((a), (b), (c))
#endif

#if defined(RNNTS_MALLOC) != defined(RNNTS_FREE)
#error "rnnts: define both RNNTS_MALLOC and RNNTS_FREE or neither"
#endif
#ifndef RNNTS_MALLOC
#define RNNTS_MALLOC(sz, user) ((void)(user), malloc(sz))
#define RNNTS_FREE(p, user) ((void)(user), free(p))
#endif
#ifndef RNNTS_ASSERT
#include <assert.h>
#define RNNTS_ASSERT(x) assert(x)
#endif

#ifndef RNNTS_SIMD
#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
#define RNNTS_SIMD RNNTS_SIMD_AVX512
#elif defined(__AVX2__) && defined(__FMA__)
#define RNNTS_SIMD RNNTS_SIMD_AVX2
#elif defined(__aarch64__)
#define RNNTS_SIMD RNNTS_SIMD_NEON
#else
#define RNNTS_SIMD RNNTS_SIMD_SCALAR
#endif
#endif
#if RNNTS_SIMD == RNNTS_SIMD_AVX2 && !(defined(__AVX2__) && defined(__FMA__))
#error "rnnts: RNNTS_SIMD_AVX2 requested but the compiler does not enable AVX2 and FMA (-mavx2 -mfma)"
#endif
#if RNNTS_SIMD == RNNTS_SIMD_AVX512 && !(defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__))
#error "rnnts: RNNTS_SIMD_AVX512 requested but the compiler does not enable AVX-512F, AVX2 and FMA (-mavx512f -mavx2 -mfma)"
#endif
#if RNNTS_SIMD == RNNTS_SIMD_NEON && !defined(__aarch64__)
#error "rnnts: RNNTS_SIMD_NEON requested but this is not an AArch64 target"
#endif
#if RNNTS_SIMD != RNNTS_SIMD_SCALAR && RNNTS_SIMD != RNNTS_SIMD_AVX2 && RNNTS_SIMD != RNNTS_SIMD_NEON && RNNTS_SIMD != RNNTS_SIMD_AVX512
#error "rnnts: RNNTS_SIMD must be RNNTS_SIMD_SCALAR, RNNTS_SIMD_AVX2, RNNTS_SIMD_AVX512 or RNNTS_SIMD_NEON"
#endif

#ifndef RNNTS_NO_THREADS
#if defined(_WIN32)
#define RNNTS__WIN32_THREADS 1 /* CreateThread, SRW lock + condition variable (<windows.h> above) */
#else
#include <pthread.h>
#include <sched.h>
#include <unistd.h> /* sysconf: online CPUs, which set the pool's spin (>>threads) */
#endif
#endif

/* Atomic operations on int-sized objects (int, unsigned long on Windows): the pool's hand-off
   (>>threads), the trainer's interrupt flag, failure codes of pool tasks. GCC and clang: their
   __atomic builtins with the memory orders named. MSVC (untested): the Interlocked functions,
   which are full barriers (at least as strong as every order asked for; loads are an atomic OR of
   0). Another compiler: only a build without threads (plain volatile accesses). */
#if defined(__GNUC__) || defined(__clang__)
#define RNNTS__AT_LOAD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define RNNTS__AT_LOAD_SC(p) __atomic_load_n((p), __ATOMIC_SEQ_CST)
#define RNNTS__AT_STORE_RLX(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define RNNTS__AT_XCHG_RLX(p, v) __atomic_exchange_n((p), (v), __ATOMIC_RELAXED)
#define RNNTS__AT_ADD_SC(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define RNNTS__AT_SUB_SC(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
#define RNNTS__AT_SUB_REL(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_RELEASE)
#elif defined(_MSC_VER)
#include <intrin.h>
#define RNNTS__AT_LOAD_ACQ(p) _InterlockedOr((volatile long *)(p), 0)
#define RNNTS__AT_LOAD_SC(p) _InterlockedOr((volatile long *)(p), 0)
#define RNNTS__AT_STORE_RLX(p, v) ((void)_InterlockedExchange((volatile long *)(p), (long)(v)))
#define RNNTS__AT_XCHG_RLX(p, v) _InterlockedExchange((volatile long *)(p), (long)(v))
#define RNNTS__AT_ADD_SC(p, v) (_InterlockedExchangeAdd((volatile long *)(p), (long)(v)) + (long)(v))
#define RNNTS__AT_SUB_SC(p, v) (_InterlockedExchangeAdd((volatile long *)(p), -(long)(v)) - (long)(v))
#define RNNTS__AT_SUB_REL(p, v) (_InterlockedExchangeAdd((volatile long *)(p), -(long)(v)) - (long)(v))
#elif defined(RNNTS_NO_THREADS)
static int rnnts__at_xchg_plain(volatile int *p, int v) { int o = *p; *p = v; return o; }
#define RNNTS__AT_STORE_RLX(p, v) ((void)(*(volatile int *)(p) = (int)(v)))
#define RNNTS__AT_XCHG_RLX(p, v) rnnts__at_xchg_plain((volatile int *)(p), (int)(v))
#else
#error "rnnts: atomics are defined for GCC, clang and MSVC; with another compiler define RNNTS_NO_THREADS"
#endif

#if defined(__GNUC__) || defined(__clang__)
#define RNNTS__INLINE static inline __attribute__((always_inline))
#define RNNTS__UNUSED __attribute__((unused))
#else
#define RNNTS__INLINE static inline
#define RNNTS__UNUSED
#endif
/* The vector math functions (exp, log, tanh, sigmoid, sin/cos): always inlined, except in clang's
   scalar build, where inlining them (8-lane loops) into the loss and cell epilogues made -O1
   sanitizer builds take ~3 min; a call per 8 lanes costs little there. Results are the same. */
#if defined(__clang__) && RNNTS_SIMD == RNNTS_SIMD_SCALAR
#define RNNTS__MATH_INLINE static
#else
#define RNNTS__MATH_INLINE RNNTS__INLINE
#endif

#define RNNTS__MIN(a, b) ((a) < (b) ? (a) : (b))
#define RNNTS__ALIGN 64

static void *rnnts__default_alloc(size_t size, void *user) { return RNNTS_MALLOC(size, user); }
static void rnnts__default_free(void *p, void *user) { RNNTS_FREE(p, user); }
static rnnts_allocator rnnts__alloc_or_default(const rnnts_allocator *a) {
    rnnts_allocator d;
    if (a && a->alloc && a->free) return *a;
    d.alloc = rnnts__default_alloc;
    d.free = rnnts__default_free;
    d.user = NULL;
    return d;
}
/* 64-byte aligned allocation on top of the hook: stores the raw pointer just before. */
static void *rnnts__amalloc(const rnnts_allocator *a, size_t size) {
    unsigned char *raw, *p;
    if (size > SIZE_MAX - RNNTS__ALIGN - sizeof(void *)) return NULL;
    raw = (unsigned char *)a->alloc(size + RNNTS__ALIGN + sizeof(void *), a->user);
    if (!raw) return NULL;
    p = raw + sizeof(void *);
    p += (RNNTS__ALIGN - ((uintptr_t)p % RNNTS__ALIGN)) % RNNTS__ALIGN;
    memcpy(p - sizeof(void *), &raw, sizeof(void *));
    return p;
}
static void rnnts__afree(const rnnts_allocator *a, void *p) {
    void *raw;
    if (!p) return;
    memcpy(&raw, (unsigned char *)p - sizeof(void *), sizeof(void *));
    a->free(raw, a->user);
}
/* Overflow-checked n*m*k*sizeof(float); 0 on overflow. */
static size_t rnnts__fbytes(size_t n, size_t m, size_t k) {
    size_t r = n;
    if (m && r > SIZE_MAX / m) return 0;
    r *= m;
    if (k && r > SIZE_MAX / k) return 0;
    r *= k;
    if (r > SIZE_MAX / sizeof(float)) return 0;
    return r * sizeof(float);
}

static rnnts_result rnnts__fail(rnnts_error *err, rnnts_result code, const char *fmt, ...) RNNTS__PRINTF(3, 4);
#include <stdarg.h>
static rnnts_result rnnts__fail(rnnts_error *err, rnnts_result code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
static rnnts_result rnnts__ok(rnnts_error *err) {
    if (err) {
        err->code = RNNTS_OK;
        err->msg[0] = 0;
    }
    return RNNTS_OK;
}

/* Copies a NUL-terminated string into dst[cap], truncating. */
static void rnnts__strcpy(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (!cap) return;
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}
static uint32_t rnnts__f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float rnnts__u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static int rnnts__isfinite(float f) { return (rnnts__f2u(f) & 0x7f800000u) != 0x7f800000u; }

/* ------------------------------------------------------------------------------------------
   The vector layer: 8 float lanes on every target (rnnts__vf), 8 int32 lanes (rnnts__vi) and
   8 lane masks (rnnts__vm). Every kernel is written once against these functions.
   Semantics, identical on all three paths:
     vf_fma(a,b,c) = fma(a,b,c) = a*b+c rounded once;  vf_max(a,b) = a > b ? a : b;
     vf_min(a,b) = a < b ? a : b;  vf_sel(m,a,b) = m ? a : b;  comparisons are ordered (false on NaN);
     vi_* are two's complement 32-bit; vf_to_vi_exact converts integer-valued floats.
   ------------------------------------------------------------------------------------------ */
#if RNNTS_SIMD == RNNTS_SIMD_SCALAR
/* >>simd-scalar ----------------------------------------------------------------------------- */
typedef struct { float v[8]; } rnnts__vf;
typedef struct { int32_t v[8]; } rnnts__vi;
typedef struct { uint32_t v[8]; } rnnts__vm;
/* RNNTS__L(stmt): stmt once per lane l_ = 0..7, written out (l_ a constant), not a loop: then every
   lane access has a constant index, so the compiler keeps a vector in 8 registers (SRA) at any -O
   level. A loop is unrolled only late at -O1, after SRA: every vector stayed in memory, each op a
   loop with UBSan bounds checks and ASan accesses, and the inlined math and kernels grew to huge
   functions (minimal TU at -O1 -g, ASan + UBSan, gcc 12: 425-504 s CPU, 76 % in var-tracking; now 23 s).
   The lanes are independent: each gets the same operation either way, so no result changes.
   Not for clang, whose backend (register allocator, debug values) takes longer on the straight-line
   form (clang 14, same TU: 164 s with the loop, 480 s without): there the loop stays. */
#if defined(__GNUC__) && !defined(__clang__)
#define RNNTS__L1(k, ...) { enum { l_ = k }; __VA_ARGS__; }
#define RNNTS__L(...) RNNTS__L1(0, __VA_ARGS__) RNNTS__L1(1, __VA_ARGS__) RNNTS__L1(2, __VA_ARGS__) RNNTS__L1(3, __VA_ARGS__) RNNTS__L1(4, __VA_ARGS__) RNNTS__L1(5, __VA_ARGS__) RNNTS__L1(6, __VA_ARGS__) RNNTS__L1(7, __VA_ARGS__)
#else
#define RNNTS__L(...) for (int l_ = 0; l_ < 8; l_++) { __VA_ARGS__; }
#endif
RNNTS__INLINE rnnts__vf rnnts__vf_load(const float *p) { rnnts__vf r; memcpy(r.v, p, 32); return r; }
RNNTS__INLINE void rnnts__vf_store(float *p, rnnts__vf a) { memcpy(p, a.v, 32); }
RNNTS__INLINE rnnts__vf rnnts__vf_set1(float x) { rnnts__vf r; RNNTS__L(r.v[l_] = x); return r; }
RNNTS__INLINE rnnts__vf rnnts__vf_zero(void) { return rnnts__vf_set1(0.0f); }
RNNTS__INLINE rnnts__vf rnnts__vf_add(rnnts__vf a, rnnts__vf b) { RNNTS__L(a.v[l_] = a.v[l_] + b.v[l_]); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_sub(rnnts__vf a, rnnts__vf b) { RNNTS__L(a.v[l_] = a.v[l_] - b.v[l_]); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_mul(rnnts__vf a, rnnts__vf b) { RNNTS__L(a.v[l_] = a.v[l_] * b.v[l_]); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_div(rnnts__vf a, rnnts__vf b) { RNNTS__L(a.v[l_] = a.v[l_] / b.v[l_]); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_fma(rnnts__vf a, rnnts__vf b, rnnts__vf c) { RNNTS__L(c.v[l_] = RNNTS__FMAF(a.v[l_], b.v[l_], c.v[l_])); return c; }
RNNTS__INLINE rnnts__vf rnnts__vf_sqrt(rnnts__vf a) { RNNTS__L(a.v[l_] = sqrtf(a.v[l_])); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_max(rnnts__vf a, rnnts__vf b) { RNNTS__L(a.v[l_] = a.v[l_] > b.v[l_] ? a.v[l_] : b.v[l_]); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_min(rnnts__vf a, rnnts__vf b) { RNNTS__L(a.v[l_] = a.v[l_] < b.v[l_] ? a.v[l_] : b.v[l_]); return a; }
RNNTS__INLINE rnnts__vm rnnts__vf_gt(rnnts__vf a, rnnts__vf b) { rnnts__vm m; RNNTS__L(m.v[l_] = a.v[l_] > b.v[l_] ? 0xffffffffu : 0u); return m; }
RNNTS__INLINE rnnts__vm rnnts__vf_ge(rnnts__vf a, rnnts__vf b) { rnnts__vm m; RNNTS__L(m.v[l_] = a.v[l_] >= b.v[l_] ? 0xffffffffu : 0u); return m; }
RNNTS__INLINE rnnts__vm rnnts__vf_lt(rnnts__vf a, rnnts__vf b) { return rnnts__vf_gt(b, a); }
RNNTS__INLINE rnnts__vm rnnts__vm_and(rnnts__vm a, rnnts__vm b) { RNNTS__L(a.v[l_] &= b.v[l_]); return a; }
RNNTS__INLINE rnnts__vm rnnts__vm_or(rnnts__vm a, rnnts__vm b) { RNNTS__L(a.v[l_] |= b.v[l_]); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_sel(rnnts__vm m, rnnts__vf a, rnnts__vf b) { RNNTS__L(a.v[l_] = m.v[l_] ? a.v[l_] : b.v[l_]); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_abs(rnnts__vf a) { RNNTS__L(a.v[l_] = rnnts__u2f(rnnts__f2u(a.v[l_]) & 0x7fffffffu)); return a; }
RNNTS__INLINE rnnts__vf rnnts__vf_xorsign(rnnts__vf a, rnnts__vf s) { RNNTS__L(a.v[l_] = rnnts__u2f(rnnts__f2u(a.v[l_]) ^ (rnnts__f2u(s.v[l_]) & 0x80000000u))); return a; }
RNNTS__INLINE rnnts__vi rnnts__vf_bits(rnnts__vf a) { rnnts__vi r; RNNTS__L(r.v[l_] = (int32_t)rnnts__f2u(a.v[l_])); return r; }
RNNTS__INLINE rnnts__vf rnnts__vi_asf(rnnts__vi a) { rnnts__vf r; RNNTS__L(r.v[l_] = rnnts__u2f((uint32_t)a.v[l_])); return r; }
RNNTS__INLINE rnnts__vi rnnts__vf_to_vi_exact(rnnts__vf a) { rnnts__vi r; RNNTS__L(r.v[l_] = (int32_t)a.v[l_]); return r; }
RNNTS__INLINE rnnts__vf rnnts__vi_to_vf(rnnts__vi a) { rnnts__vf r; RNNTS__L(r.v[l_] = (float)a.v[l_]); return r; }
RNNTS__INLINE rnnts__vi rnnts__vi_set1(int32_t x) { rnnts__vi r; RNNTS__L(r.v[l_] = x); return r; }
RNNTS__INLINE rnnts__vi rnnts__vi_add(rnnts__vi a, rnnts__vi b) { RNNTS__L(a.v[l_] = (int32_t)((uint32_t)a.v[l_] + (uint32_t)b.v[l_])); return a; }
RNNTS__INLINE rnnts__vi rnnts__vi_sub(rnnts__vi a, rnnts__vi b) { RNNTS__L(a.v[l_] = (int32_t)((uint32_t)a.v[l_] - (uint32_t)b.v[l_])); return a; }
RNNTS__INLINE rnnts__vi rnnts__vi_and(rnnts__vi a, rnnts__vi b) { RNNTS__L(a.v[l_] &= b.v[l_]); return a; }
RNNTS__INLINE rnnts__vi rnnts__vi_or(rnnts__vi a, rnnts__vi b) { RNNTS__L(a.v[l_] |= b.v[l_]); return a; }
#define rnnts__vi_shl(a, n) rnnts__vi_shl_((a), (n))
#define rnnts__vi_sra(a, n) rnnts__vi_sra_((a), (n))
RNNTS__INLINE rnnts__vi rnnts__vi_shl_(rnnts__vi a, int n) { RNNTS__L(a.v[l_] = (int32_t)((uint32_t)a.v[l_] << n)); return a; }
RNNTS__INLINE rnnts__vi rnnts__vi_sra_(rnnts__vi a, int n) { RNNTS__L(a.v[l_] = a.v[l_] < 0 ? (int32_t)~(~(uint32_t)a.v[l_] >> n) : (int32_t)((uint32_t)a.v[l_] >> n)); return a; }
RNNTS__INLINE rnnts__vm rnnts__vi_gt(rnnts__vi a, rnnts__vi b) { rnnts__vm m; RNNTS__L(m.v[l_] = a.v[l_] > b.v[l_] ? 0xffffffffu : 0u); return m; }
RNNTS__INLINE rnnts__vi rnnts__vi_sel(rnnts__vm m, rnnts__vi a, rnnts__vi b) { RNNTS__L(a.v[l_] = m.v[l_] ? a.v[l_] : b.v[l_]); return a; }
RNNTS__INLINE float rnnts__vf_lane(rnnts__vf a, int l) { return a.v[l]; }
#undef RNNTS__L
#undef RNNTS__L1
#define RNNTS__SIMD_NAME "SCALAR"

#elif RNNTS_SIMD == RNNTS_SIMD_AVX2 || RNNTS_SIMD == RNNTS_SIMD_AVX512
/* >>simd-avx2 ------------------------------------------------------------------------------- */
/* (also the 8-lane layer of the AVX-512 path: canonical reductions, math and analyses keep 8 lanes) */
#include <immintrin.h>
typedef __m256 rnnts__vf;
typedef __m256i rnnts__vi;
typedef __m256 rnnts__vm;
RNNTS__INLINE rnnts__vf rnnts__vf_load(const float *p) { return _mm256_loadu_ps(p); }
RNNTS__INLINE void rnnts__vf_store(float *p, rnnts__vf a) { _mm256_storeu_ps(p, a); }
RNNTS__INLINE rnnts__vf rnnts__vf_set1(float x) { return _mm256_set1_ps(x); }
RNNTS__INLINE rnnts__vf rnnts__vf_zero(void) { return _mm256_setzero_ps(); }
RNNTS__INLINE rnnts__vf rnnts__vf_add(rnnts__vf a, rnnts__vf b) { return _mm256_add_ps(a, b); }
RNNTS__INLINE rnnts__vf rnnts__vf_sub(rnnts__vf a, rnnts__vf b) { return _mm256_sub_ps(a, b); }
RNNTS__INLINE rnnts__vf rnnts__vf_mul(rnnts__vf a, rnnts__vf b) { return _mm256_mul_ps(a, b); }
RNNTS__INLINE rnnts__vf rnnts__vf_div(rnnts__vf a, rnnts__vf b) { return _mm256_div_ps(a, b); }
RNNTS__INLINE rnnts__vf rnnts__vf_fma(rnnts__vf a, rnnts__vf b, rnnts__vf c) { return _mm256_fmadd_ps(a, b, c); }
RNNTS__INLINE rnnts__vf rnnts__vf_sqrt(rnnts__vf a) { return _mm256_sqrt_ps(a); }
/* Written as compare + blend so that NaN and signed zero behave like the scalar a > b ? a : b. */
RNNTS__INLINE rnnts__vf rnnts__vf_max(rnnts__vf a, rnnts__vf b) { return _mm256_blendv_ps(b, a, _mm256_cmp_ps(a, b, _CMP_GT_OQ)); }
RNNTS__INLINE rnnts__vf rnnts__vf_min(rnnts__vf a, rnnts__vf b) { return _mm256_blendv_ps(b, a, _mm256_cmp_ps(a, b, _CMP_LT_OQ)); }
RNNTS__INLINE rnnts__vm rnnts__vf_gt(rnnts__vf a, rnnts__vf b) { return _mm256_cmp_ps(a, b, _CMP_GT_OQ); }
RNNTS__INLINE rnnts__vm rnnts__vf_ge(rnnts__vf a, rnnts__vf b) { return _mm256_cmp_ps(a, b, _CMP_GE_OQ); }
RNNTS__INLINE rnnts__vm rnnts__vf_lt(rnnts__vf a, rnnts__vf b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
RNNTS__INLINE rnnts__vm rnnts__vm_and(rnnts__vm a, rnnts__vm b) { return _mm256_and_ps(a, b); }
RNNTS__INLINE rnnts__vm rnnts__vm_or(rnnts__vm a, rnnts__vm b) { return _mm256_or_ps(a, b); }
RNNTS__INLINE rnnts__vf rnnts__vf_sel(rnnts__vm m, rnnts__vf a, rnnts__vf b) { return _mm256_blendv_ps(b, a, m); }
RNNTS__INLINE rnnts__vf rnnts__vf_abs(rnnts__vf a) { return _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff))); }
RNNTS__INLINE rnnts__vf rnnts__vf_xorsign(rnnts__vf a, rnnts__vf s) { return _mm256_xor_ps(a, _mm256_and_ps(s, _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u)))); }
RNNTS__INLINE rnnts__vi rnnts__vf_bits(rnnts__vf a) { return _mm256_castps_si256(a); }
RNNTS__INLINE rnnts__vf rnnts__vi_asf(rnnts__vi a) { return _mm256_castsi256_ps(a); }
RNNTS__INLINE rnnts__vi rnnts__vf_to_vi_exact(rnnts__vf a) { return _mm256_cvttps_epi32(a); }
RNNTS__INLINE rnnts__vf rnnts__vi_to_vf(rnnts__vi a) { return _mm256_cvtepi32_ps(a); }
RNNTS__INLINE rnnts__vi rnnts__vi_set1(int32_t x) { return _mm256_set1_epi32(x); }
RNNTS__INLINE rnnts__vi rnnts__vi_add(rnnts__vi a, rnnts__vi b) { return _mm256_add_epi32(a, b); }
RNNTS__INLINE rnnts__vi rnnts__vi_sub(rnnts__vi a, rnnts__vi b) { return _mm256_sub_epi32(a, b); }
RNNTS__INLINE rnnts__vi rnnts__vi_and(rnnts__vi a, rnnts__vi b) { return _mm256_and_si256(a, b); }
RNNTS__INLINE rnnts__vi rnnts__vi_or(rnnts__vi a, rnnts__vi b) { return _mm256_or_si256(a, b); }
#define rnnts__vi_shl(a, n) _mm256_slli_epi32((a), (n))
#define rnnts__vi_sra(a, n) _mm256_srai_epi32((a), (n))
RNNTS__INLINE rnnts__vm rnnts__vi_gt(rnnts__vi a, rnnts__vi b) { return _mm256_castsi256_ps(_mm256_cmpgt_epi32(a, b)); }
RNNTS__INLINE rnnts__vi rnnts__vi_sel(rnnts__vm m, rnnts__vi a, rnnts__vi b) { return _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(b), _mm256_castsi256_ps(a), m)); }
RNNTS__INLINE float rnnts__vf_lane(rnnts__vf a, int l) { float t[8]; _mm256_storeu_ps(t, a); return t[l]; }
#if RNNTS_SIMD == RNNTS_SIMD_AVX2
#define RNNTS__SIMD_NAME "AVX2"
#else
#define RNNTS__SIMD_NAME "AVX512"
#endif

#else
/* >>simd-neon ------------------------------------------------------------------------------- */
#include <arm_neon.h>
typedef struct { float32x4_t lo, hi; } rnnts__vf;
typedef struct { int32x4_t lo, hi; } rnnts__vi;
typedef struct { uint32x4_t lo, hi; } rnnts__vm;
#define RNNTS__N2(T, lo_, hi_) do { T r_; r_.lo = lo_; r_.hi = hi_; return r_; } while (0)
RNNTS__INLINE rnnts__vf rnnts__vf_load(const float *p) { RNNTS__N2(rnnts__vf, vld1q_f32(p), vld1q_f32(p + 4)); }
RNNTS__INLINE void rnnts__vf_store(float *p, rnnts__vf a) { vst1q_f32(p, a.lo); vst1q_f32(p + 4, a.hi); }
RNNTS__INLINE rnnts__vf rnnts__vf_set1(float x) { RNNTS__N2(rnnts__vf, vdupq_n_f32(x), vdupq_n_f32(x)); }
RNNTS__INLINE rnnts__vf rnnts__vf_zero(void) { return rnnts__vf_set1(0.0f); }
RNNTS__INLINE rnnts__vf rnnts__vf_add(rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vf, vaddq_f32(a.lo, b.lo), vaddq_f32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vf_sub(rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vf, vsubq_f32(a.lo, b.lo), vsubq_f32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vf_mul(rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vf, vmulq_f32(a.lo, b.lo), vmulq_f32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vf_div(rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vf, vdivq_f32(a.lo, b.lo), vdivq_f32(a.hi, b.hi)); }
/* vfmaq_f32(c, a, b) = c + a*b, fused. */
RNNTS__INLINE rnnts__vf rnnts__vf_fma(rnnts__vf a, rnnts__vf b, rnnts__vf c) { RNNTS__N2(rnnts__vf, vfmaq_f32(c.lo, a.lo, b.lo), vfmaq_f32(c.hi, a.hi, b.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vf_sqrt(rnnts__vf a) { RNNTS__N2(rnnts__vf, vsqrtq_f32(a.lo), vsqrtq_f32(a.hi)); }
RNNTS__INLINE rnnts__vm rnnts__vf_gt(rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vm, vcgtq_f32(a.lo, b.lo), vcgtq_f32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vm rnnts__vf_ge(rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vm, vcgeq_f32(a.lo, b.lo), vcgeq_f32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vm rnnts__vf_lt(rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vm, vcltq_f32(a.lo, b.lo), vcltq_f32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vm rnnts__vm_and(rnnts__vm a, rnnts__vm b) { RNNTS__N2(rnnts__vm, vandq_u32(a.lo, b.lo), vandq_u32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vm rnnts__vm_or(rnnts__vm a, rnnts__vm b) { RNNTS__N2(rnnts__vm, vorrq_u32(a.lo, b.lo), vorrq_u32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vf_sel(rnnts__vm m, rnnts__vf a, rnnts__vf b) { RNNTS__N2(rnnts__vf, vbslq_f32(m.lo, a.lo, b.lo), vbslq_f32(m.hi, a.hi, b.hi)); }
/* vmaxq_f32 differs from AVX2 on NaN and signed zero (N2): compare + select instead. */
RNNTS__INLINE rnnts__vf rnnts__vf_max(rnnts__vf a, rnnts__vf b) { return rnnts__vf_sel(rnnts__vf_gt(a, b), a, b); }
RNNTS__INLINE rnnts__vf rnnts__vf_min(rnnts__vf a, rnnts__vf b) { return rnnts__vf_sel(rnnts__vf_lt(a, b), a, b); }
RNNTS__INLINE rnnts__vf rnnts__vf_abs(rnnts__vf a) { RNNTS__N2(rnnts__vf, vabsq_f32(a.lo), vabsq_f32(a.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vf_xorsign(rnnts__vf a, rnnts__vf s) {
    uint32x4_t k = vdupq_n_u32(0x80000000u);
    RNNTS__N2(rnnts__vf, vreinterpretq_f32_u32(veorq_u32(vreinterpretq_u32_f32(a.lo), vandq_u32(vreinterpretq_u32_f32(s.lo), k))),
              vreinterpretq_f32_u32(veorq_u32(vreinterpretq_u32_f32(a.hi), vandq_u32(vreinterpretq_u32_f32(s.hi), k))));
}
RNNTS__INLINE rnnts__vi rnnts__vf_bits(rnnts__vf a) { RNNTS__N2(rnnts__vi, vreinterpretq_s32_f32(a.lo), vreinterpretq_s32_f32(a.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vi_asf(rnnts__vi a) { RNNTS__N2(rnnts__vf, vreinterpretq_f32_s32(a.lo), vreinterpretq_f32_s32(a.hi)); }
RNNTS__INLINE rnnts__vi rnnts__vf_to_vi_exact(rnnts__vf a) { RNNTS__N2(rnnts__vi, vcvtq_s32_f32(a.lo), vcvtq_s32_f32(a.hi)); }
RNNTS__INLINE rnnts__vf rnnts__vi_to_vf(rnnts__vi a) { RNNTS__N2(rnnts__vf, vcvtq_f32_s32(a.lo), vcvtq_f32_s32(a.hi)); }
RNNTS__INLINE rnnts__vi rnnts__vi_set1(int32_t x) { RNNTS__N2(rnnts__vi, vdupq_n_s32(x), vdupq_n_s32(x)); }
RNNTS__INLINE rnnts__vi rnnts__vi_add(rnnts__vi a, rnnts__vi b) { RNNTS__N2(rnnts__vi, vaddq_s32(a.lo, b.lo), vaddq_s32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vi rnnts__vi_sub(rnnts__vi a, rnnts__vi b) { RNNTS__N2(rnnts__vi, vsubq_s32(a.lo, b.lo), vsubq_s32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vi rnnts__vi_and(rnnts__vi a, rnnts__vi b) { RNNTS__N2(rnnts__vi, vandq_s32(a.lo, b.lo), vandq_s32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vi rnnts__vi_or(rnnts__vi a, rnnts__vi b) { RNNTS__N2(rnnts__vi, vorrq_s32(a.lo, b.lo), vorrq_s32(a.hi, b.hi)); }
#define rnnts__vi_shl(a, n) rnnts__vi_shl_((a), vdupq_n_s32(n))
#define rnnts__vi_sra(a, n) rnnts__vi_shl_((a), vdupq_n_s32(-(n)))
/* vshlq_s32 by a negative count is an arithmetic right shift. */
RNNTS__INLINE rnnts__vi rnnts__vi_shl_(rnnts__vi a, int32x4_t n) { RNNTS__N2(rnnts__vi, vshlq_s32(a.lo, n), vshlq_s32(a.hi, n)); }
RNNTS__INLINE rnnts__vm rnnts__vi_gt(rnnts__vi a, rnnts__vi b) { RNNTS__N2(rnnts__vm, vcgtq_s32(a.lo, b.lo), vcgtq_s32(a.hi, b.hi)); }
RNNTS__INLINE rnnts__vi rnnts__vi_sel(rnnts__vm m, rnnts__vi a, rnnts__vi b) { RNNTS__N2(rnnts__vi, vbslq_s32(m.lo, a.lo, b.lo), vbslq_s32(m.hi, a.hi, b.hi)); }
RNNTS__INLINE float rnnts__vf_lane(rnnts__vf a, int l) { float t[8]; rnnts__vf_store(t, a); return t[l]; }
#undef RNNTS__N2
#define RNNTS__SIMD_NAME "NEON"
#endif

/* ------------------------------------------------------------------------------------------
   The native layer: RNNTS__VN float lanes (rnnts__vn, masks rnnts__vnm), the widest register of the
   path: 16 on AVX-512, 8 (the same type as rnnts__vf) everywhere else. It carries only work that
   is independent per element — the GEMM (vectorised across independent outputs) and element-wise
   maps — so its width cannot change a bit (N4). Reductions that run along lanes keep the canonical
   8-lane form: rnnts__vn_add8 / rnnts__vn_fma8 add the elements of one native vector into an
   8-lane accumulator in ascending index order (lanes 0-7, then 8-15), which is the order an
   8-lane loop over the same elements has.
   ------------------------------------------------------------------------------------------ */
#if RNNTS_SIMD == RNNTS_SIMD_AVX512
/* >>simd-avx512 ----------------------------------------------------------------------------- */
/* AVX-512F only (plus the AVX2 + FMA of the 8-lane layer): no DQ, BW or VL instruction is used. */
#define RNNTS__VN 16
typedef __m512 rnnts__vn;
typedef __mmask16 rnnts__vnm;
RNNTS__INLINE rnnts__vn rnnts__vn_load(const float *p) { return _mm512_loadu_ps(p); }
RNNTS__INLINE void rnnts__vn_store(float *p, rnnts__vn a) { _mm512_storeu_ps(p, a); }
RNNTS__INLINE rnnts__vn rnnts__vn_set1(float x) { return _mm512_set1_ps(x); }
RNNTS__INLINE rnnts__vn rnnts__vn_zero(void) { return _mm512_setzero_ps(); }
RNNTS__INLINE rnnts__vn rnnts__vn_add(rnnts__vn a, rnnts__vn b) { return _mm512_add_ps(a, b); }
RNNTS__INLINE rnnts__vn rnnts__vn_sub(rnnts__vn a, rnnts__vn b) { return _mm512_sub_ps(a, b); }
RNNTS__INLINE rnnts__vn rnnts__vn_mul(rnnts__vn a, rnnts__vn b) { return _mm512_mul_ps(a, b); }
RNNTS__INLINE rnnts__vn rnnts__vn_div(rnnts__vn a, rnnts__vn b) { return _mm512_div_ps(a, b); }
RNNTS__INLINE rnnts__vn rnnts__vn_fma(rnnts__vn a, rnnts__vn b, rnnts__vn c) { return _mm512_fmadd_ps(a, b, c); }
RNNTS__INLINE rnnts__vn rnnts__vn_sqrt(rnnts__vn a) { return _mm512_sqrt_ps(a); }
RNNTS__INLINE rnnts__vnm rnnts__vn_gt(rnnts__vn a, rnnts__vn b) { return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ); }
RNNTS__INLINE rnnts__vnm rnnts__vn_lt(rnnts__vn a, rnnts__vn b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
RNNTS__INLINE rnnts__vn rnnts__vn_sel(rnnts__vnm m, rnnts__vn a, rnnts__vn b) { return _mm512_mask_blend_ps(m, b, a); }
RNNTS__INLINE rnnts__vnm rnnts__vn_ge(rnnts__vn a, rnnts__vn b) { return _mm512_cmp_ps_mask(a, b, _CMP_GE_OQ); }
/* compare + blend, as the 8-lane layers (N2: NaN and signed zero as a > b ? a : b) */
RNNTS__INLINE rnnts__vn rnnts__vn_max(rnnts__vn a, rnnts__vn b) { return rnnts__vn_sel(rnnts__vn_gt(a, b), a, b); }
RNNTS__INLINE rnnts__vn rnnts__vn_min(rnnts__vn a, rnnts__vn b) { return rnnts__vn_sel(rnnts__vn_lt(a, b), a, b); }
typedef __m512i rnnts__vni;
RNNTS__INLINE rnnts__vni rnnts__vn_bits(rnnts__vn a) { return _mm512_castps_si512(a); }
RNNTS__INLINE rnnts__vn rnnts__vni_asf(rnnts__vni a) { return _mm512_castsi512_ps(a); }
RNNTS__INLINE rnnts__vn rnnts__vn_abs(rnnts__vn a) { return rnnts__vni_asf(_mm512_and_si512(rnnts__vn_bits(a), _mm512_set1_epi32(0x7fffffff))); }
RNNTS__INLINE rnnts__vn rnnts__vn_xorsign(rnnts__vn a, rnnts__vn s) {
    return rnnts__vni_asf(_mm512_xor_si512(rnnts__vn_bits(a), _mm512_and_si512(rnnts__vn_bits(s), _mm512_set1_epi32((int)0x80000000u))));
}
RNNTS__INLINE rnnts__vni rnnts__vn_to_vni_exact(rnnts__vn a) { return _mm512_cvttps_epi32(a); }
RNNTS__INLINE rnnts__vn rnnts__vni_to_vn(rnnts__vni a) { return _mm512_cvtepi32_ps(a); }
RNNTS__INLINE rnnts__vni rnnts__vni_set1(int32_t x) { return _mm512_set1_epi32(x); }
RNNTS__INLINE rnnts__vni rnnts__vni_add(rnnts__vni a, rnnts__vni b) { return _mm512_add_epi32(a, b); }
RNNTS__INLINE rnnts__vni rnnts__vni_sub(rnnts__vni a, rnnts__vni b) { return _mm512_sub_epi32(a, b); }
RNNTS__INLINE rnnts__vni rnnts__vni_and(rnnts__vni a, rnnts__vni b) { return _mm512_and_si512(a, b); }
#define rnnts__vni_shl(a, n) _mm512_slli_epi32((a), (n))
#define rnnts__vni_sra(a, n) _mm512_srai_epi32((a), (n))
RNNTS__INLINE rnnts__vnm rnnts__vni_gt(rnnts__vni a, rnnts__vni b) { return _mm512_cmpgt_epi32_mask(a, b); }
RNNTS__INLINE float rnnts__vn_lane(rnnts__vn a, int l) { float t[16]; _mm512_storeu_ps(t, a); return t[l]; }
RNNTS__INLINE rnnts__vf rnnts__vn_lo(rnnts__vn a) { return _mm512_castps512_ps256(a); }
/* lanes 8-15: a shuffle of 128-bit blocks (AVX-512F; vextractf32x8 would need AVX-512DQ) */
RNNTS__INLINE rnnts__vf rnnts__vn_hi(rnnts__vn a) { return _mm512_castps512_ps256(_mm512_shuffle_f32x4(a, a, 0xEE)); }
RNNTS__INLINE rnnts__vf rnnts__vn_add8(rnnts__vf acc, rnnts__vn a) { return rnnts__vf_add(rnnts__vf_add(acc, rnnts__vn_lo(a)), rnnts__vn_hi(a)); }
RNNTS__INLINE rnnts__vf rnnts__vn_fma8(rnnts__vn a, rnnts__vn b, rnnts__vf acc) {
    return rnnts__vf_fma(rnnts__vn_hi(a), rnnts__vn_hi(b), rnnts__vf_fma(rnnts__vn_lo(a), rnnts__vn_lo(b), acc));
}
#else
#define RNNTS__VN 8
typedef rnnts__vf rnnts__vn;
typedef rnnts__vm rnnts__vnm;
#define rnnts__vn_load rnnts__vf_load
#define rnnts__vn_store rnnts__vf_store
#define rnnts__vn_set1 rnnts__vf_set1
#define rnnts__vn_zero rnnts__vf_zero
#define rnnts__vn_add rnnts__vf_add
#define rnnts__vn_sub rnnts__vf_sub
#define rnnts__vn_mul rnnts__vf_mul
#define rnnts__vn_div rnnts__vf_div
#define rnnts__vn_fma rnnts__vf_fma
#define rnnts__vn_sqrt rnnts__vf_sqrt
#define rnnts__vn_gt rnnts__vf_gt
#define rnnts__vn_lt rnnts__vf_lt
#define rnnts__vn_sel rnnts__vf_sel
#define rnnts__vn_ge rnnts__vf_ge
#define rnnts__vn_max rnnts__vf_max
#define rnnts__vn_min rnnts__vf_min
#define rnnts__vn_abs rnnts__vf_abs
#define rnnts__vn_xorsign rnnts__vf_xorsign
#define rnnts__vn_lane rnnts__vf_lane
#define rnnts__vn_add8 rnnts__vf_add
#define rnnts__vn_fma8 rnnts__vf_fma
typedef rnnts__vi rnnts__vni;
#define rnnts__vn_bits rnnts__vf_bits
#define rnnts__vni_asf rnnts__vi_asf
#define rnnts__vn_to_vni_exact rnnts__vf_to_vi_exact
#define rnnts__vni_to_vn rnnts__vi_to_vf
#define rnnts__vni_set1 rnnts__vi_set1
#define rnnts__vni_add rnnts__vi_add
#define rnnts__vni_sub rnnts__vi_sub
#define rnnts__vni_and rnnts__vi_and
#define rnnts__vni_shl rnnts__vi_shl
#define rnnts__vni_sra rnnts__vi_sra
#define rnnts__vni_gt rnnts__vi_gt
#endif

/* Tail load/store: the first n (< 8) lanes; other lanes read as 0. */
RNNTS__INLINE rnnts__vf rnnts__vf_load_part(const float *p, int n) {
    float t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(t, p, (size_t)n * sizeof(float));
    return rnnts__vf_load(t);
}
RNNTS__INLINE void rnnts__vf_store_part(float *p, rnnts__vf a, int n) {
    float t[8];
    rnnts__vf_store(t, a);
    memcpy(p, t, (size_t)n * sizeof(float));
}
/* Fixed lane tree of the canonical sum (N4): ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7)). */
RNNTS__INLINE float rnnts__vf_tree(rnnts__vf a) {
    float t[8];
    rnnts__vf_store(t, a);
    return ((t[0] + t[4]) + (t[2] + t[6])) + ((t[1] + t[5]) + (t[3] + t[7]));
}

/* >>math ------------------------------------------------------------------------------------
   Own exp, log, tanh, sigmoid, sin, cos (N5). Written only with the native vector layer above
   (binary32 + - * / fma, compares, selects, int32 bit operations; 16 lanes on AVX-512, 8 elsewhere),
   so SCALAR, AVX2, AVX-512 and NEON give the same bits; the public scalar rnnts_*f run the very same
   sequence on lane 0 of a vector.
   Polynomials: weighted Remez fits in high precision, coefficients rounded to float, Horner form with fma. Rounding to an integer: t = x + 0x1.8p23 (|x| < 2^22), then
   t - 0x1.8p23 is the float and bits(t) - bits(0x1.8p23) the int32 (no conversion instruction).
   Max errors below are measured against double libm over the sweeps in math_test.c. */
#define RNNTS__K(c) rnnts__vn_set1(c)
#define RNNTS__KB(b) rnnts__vni_asf(rnnts__vni_set1((int32_t)(b)))
#define RNNTS__MAGIC 0x1.8p23f

/* y * 2^n for int lanes n in [-150, 128], rounded once: 2^(n>>1) and 2^(n-(n>>1)) are normal. */
RNNTS__INLINE rnnts__vn rnnts__vn_scale2_(rnnts__vn y, rnnts__vni n) {
    rnnts__vni n1 = rnnts__vni_sra(n, 1), n2 = rnnts__vni_sub(n, n1), b = rnnts__vni_set1(127);
    y = rnnts__vn_mul(y, rnnts__vni_asf(rnnts__vni_shl(rnnts__vni_add(n1, b), 23)));
    return rnnts__vn_mul(y, rnnts__vni_asf(rnnts__vni_shl(rnnts__vni_add(n2, b), 23)));
}

/* e^x = 2^k * (1 + r + r^2*P(r)), k = round(x/ln2), x - k*ln2 = r + lo (2-constant Cody-Waite
   with fma), P degree 4 on |r| <= ln2/2, summed with 1 + r compensated; x clamped to [-104, 89]
   (NaN kept), so underflow is gradual and overflow gives +inf in the 2-step scaling. *elo gets the
   rounding error of the result (scaled the same way; used by sigmoid).
   Measured: max 0.78 ulp, every float in [-104, 89] (the max is at a subnormal result). */
RNNTS__MATH_INLINE rnnts__vn rnnts__exp_v_(rnnts__vn x, rnnts__vn *elo) { /* *elo: e^x - result */
    rnnts__vn t, k, r1, r, lo, p, a, y;
    rnnts__vni n;
    x = rnnts__vn_min(RNNTS__K(89.0f), rnnts__vn_max(RNNTS__K(-104.0f), x));
    t = rnnts__vn_fma(x, RNNTS__K(0x1.715476p+0f), RNNTS__K(RNNTS__MAGIC));
    k = rnnts__vn_sub(t, RNNTS__K(RNNTS__MAGIC));
    r1 = rnnts__vn_fma(k, RNNTS__K(-0x1.62e43p-1f), x);                       /* exact */
    r = rnnts__vn_fma(k, RNNTS__K(0x1.05c61p-29f), r1);
    lo = rnnts__vn_fma(k, RNNTS__K(0x1.05c61p-29f), rnnts__vn_sub(r1, r));     /* x - k*ln2 = r + lo */
    p = rnnts__vn_fma(RNNTS__K(0x1.6a244cp-10f), r, RNNTS__K(0x1.1239d4p-7f));
    p = rnnts__vn_fma(p, r, RNNTS__K(0x1.5558f2p-5f));
    p = rnnts__vn_fma(p, r, RNNTS__K(0x1.555492p-3f));
    p = rnnts__vn_fma(p, r, RNNTS__K(0x1.fffffcp-2f));
    p = rnnts__vn_fma(p, rnnts__vn_mul(r, r), lo);
    a = rnnts__vn_add(r, RNNTS__K(1.0f));                                      /* 1 + r = a + (1 - a) + r */
    p = rnnts__vn_add(rnnts__vn_add(rnnts__vn_sub(RNNTS__K(1.0f), a), r), p);
    y = rnnts__vn_add(a, p);
    n = rnnts__vni_sub(rnnts__vn_bits(t), rnnts__vn_bits(RNNTS__K(RNNTS__MAGIC)));
    *elo = rnnts__vn_scale2_(rnnts__vn_add(rnnts__vn_sub(a, y), p), n);      /* a + p = y + (a - y) + p */
    return rnnts__vn_scale2_(y, n);
}
RNNTS__INLINE rnnts__vn rnnts__exp_v(rnnts__vn x) { rnnts__vn lo; return rnnts__exp_v_(x, &lo); }

/* ln x = e*ln2 + log1p(f), x = 2^e*(1+f), 1+f in [sqrt(1/2), sqrt(2)); log1p(f) = f - h + s*(h + z*Q(z)),
   h = f^2/2, s = f/(2+f), z = s^2, Q degree 2 (musl's form); subnormals pre-scaled by 2^23.
   ln(+-0) = -inf, ln(x < 0) = NaN, ln(+inf) = +inf. Measured: max 0.84 ulp, every positive float. */
RNNTS__MATH_INLINE rnnts__vn rnnts__log_v(rnnts__vn x) {
    rnnts__vnm sub = rnnts__vn_lt(x, RNNTS__K(0x1p-126f));
    rnnts__vni ix = rnnts__vn_bits(rnnts__vn_sel(sub, rnnts__vn_mul(x, RNNTS__K(0x1p23f)), x));
    rnnts__vni e = rnnts__vni_sra(rnnts__vni_sub(ix, rnnts__vni_set1(0x3f3504f3)), 23);
    rnnts__vn f = rnnts__vn_sub(rnnts__vni_asf(rnnts__vni_sub(ix, rnnts__vni_shl(e, 23))), RNNTS__K(1.0f));
    rnnts__vn dk = rnnts__vn_add(rnnts__vni_to_vn(e), rnnts__vn_sel(sub, RNNTS__K(-23.0f), RNNTS__K(0.0f)));
    rnnts__vn s = rnnts__vn_div(f, rnnts__vn_add(f, RNNTS__K(2.0f))), z = rnnts__vn_mul(s, s);
    rnnts__vn h = rnnts__vn_mul(rnnts__vn_mul(f, f), RNNTS__K(0.5f)), q, r;
    q = rnnts__vn_fma(RNNTS__K(0x1.31e2fcp-2f), z, RNNTS__K(0x1.995ebap-2f));
    q = rnnts__vn_mul(rnnts__vn_fma(q, z, RNNTS__K(0x1.55557ap-1f)), z);
    r = rnnts__vn_fma(s, rnnts__vn_add(h, q), rnnts__vn_mul(dk, RNNTS__K(0x1.2fefa2p-17f)));
    r = rnnts__vn_fma(dk, RNNTS__K(0x1.62e3p-1f), rnnts__vn_add(rnnts__vn_sub(r, h), f));
    r = rnnts__vn_sel(rnnts__vn_lt(x, RNNTS__KB(0x7f800000)), r, x);
    return rnnts__vn_sel(rnnts__vn_gt(x, RNNTS__K(0.0f)), r,
                         rnnts__vn_sel(rnnts__vn_ge(x, RNNTS__K(0.0f)), RNNTS__KB(0xff800000u), RNNTS__KB(0x7fc00000)));
}

/* tanh x = sign(x)*t(|x|): a < 0.8: a + a*z*T(z), z = a^2, T degree 5; else 1 - 2/(e^(2a)+1).
   tanh -0 = -0, tanh +-large = +-1. Measured: max 1.003 ulp, every finite float. */
RNNTS__MATH_INLINE rnnts__vn rnnts__tanh_v(rnnts__vn x) {
    rnnts__vn a = rnnts__vn_abs(x), z = rnnts__vn_mul(a, a), p, q;
    p = rnnts__vn_fma(RNNTS__K(0x1.9f6f36p-10f), z, RNNTS__K(-0x1.e597c2p-8f));
    p = rnnts__vn_fma(p, z, RNNTS__K(0x1.5d0738p-6f));
    p = rnnts__vn_fma(p, z, RNNTS__K(-0x1.b92886p-5f));
    p = rnnts__vn_fma(p, z, RNNTS__K(0x1.110b3cp-3f));
    p = rnnts__vn_fma(p, z, RNNTS__K(-0x1.55553ep-2f));
    p = rnnts__vn_fma(rnnts__vn_mul(a, z), p, a);
    q = rnnts__vn_add(rnnts__exp_v(rnnts__vn_add(a, a)), RNNTS__K(1.0f));
    q = rnnts__vn_sub(RNNTS__K(1.0f), rnnts__vn_div(RNNTS__K(2.0f), q));
    return rnnts__vn_xorsign(rnnts__vn_sel(rnnts__vn_lt(a, RNNTS__K(0.8f)), p, q), x);
}

/* sigmoid(x) = 1/(1+e) for x >= 0, e/(1+e) for x < 0, e = e^(-|x|) (tiny results keep their
   relative accuracy, sigmoid(-inf) = 0, sigmoid(+inf) = 1); e carried as e + el and 1 + e as d + dl,
   one correction step of the quotient. Measured: max 0.81 ulp, every finite float. */
RNNTS__MATH_INLINE rnnts__vn rnnts__sigmoid_v(rnnts__vn x) {
    rnnts__vn el, e = rnnts__exp_v_(rnnts__vn_xorsign(rnnts__vn_abs(x), RNNTS__K(-1.0f)), &el);
    rnnts__vnm neg = rnnts__vn_lt(x, RNNTS__K(0.0f));
    rnnts__vn n = rnnts__vn_sel(neg, e, RNNTS__K(1.0f)), nl = rnnts__vn_sel(neg, el, RNNTS__K(0.0f));
    rnnts__vn d = rnnts__vn_add(e, RNNTS__K(1.0f)), q = rnnts__vn_div(n, d);
    rnnts__vn dl = rnnts__vn_add(rnnts__vn_add(rnnts__vn_sub(RNNTS__K(1.0f), d), e), el); /* 1 + e + el = d + dl */
    /* q + (n + nl - q*(d + dl))/d, with n - q*d exact by fma */
    n = rnnts__vn_sub(rnnts__vn_add(rnnts__vn_fma(rnnts__vn_sub(RNNTS__K(0.0f), q), d, n), nl), rnnts__vn_mul(q, dl));
    return rnnts__vn_add(q, rnnts__vn_div(n, d));
}

/* sin(x) for quad = 0, cos(x) for quad = 1. Domain |x| <= 8 (Box-Muller's cos(2*pi*u)); finite
   beyond but less accurate; sin(-0) = +0. k = round(x*2/pi), x - k*pi/2 = r + lo (3-constant
   Cody-Waite with fma; the 2nd constant has 21 bits so r - h is exact for |x| <= 8; inf, NaN -> NaN),
   quadrant k + quad picks +-sin(r) = r + r*z*S(z) or +-cos(r) = 1 - z/2 + z^2*C(z), z = r^2, S and
   C degree 2, with lo and the rounding errors of 1 - z/2 and z added before the last rounding. */
RNNTS__MATH_INLINE rnnts__vn rnnts__vn_sincos_(rnnts__vn x, int quad) {
    rnnts__vn t = rnnts__vn_fma(x, RNNTS__K(0x1.45f306p-1f), RNNTS__K(RNNTS__MAGIC));
    rnnts__vn k = rnnts__vn_sub(t, RNNTS__K(RNNTS__MAGIC)), r, h, lo, z, s, c, w;
    rnnts__vni q = rnnts__vni_add(rnnts__vni_sub(rnnts__vn_bits(t), rnnts__vn_bits(RNNTS__K(RNNTS__MAGIC))), rnnts__vni_set1(quad));
    r = rnnts__vn_fma(k, RNNTS__K(-0x1.921fb6p+0f), x);
    h = rnnts__vn_fma(k, RNNTS__K(0x1.777a6p-25f), r);
    lo = rnnts__vn_fma(k, RNNTS__K(-0x1.84698ap-48f), rnnts__vn_fma(k, RNNTS__K(0x1.777a6p-25f), rnnts__vn_sub(r, h)));
    r = h;
    z = rnnts__vn_mul(r, r);
    s = rnnts__vn_fma(RNNTS__K(-0x1.994222p-13f), z, RNNTS__K(0x1.110736p-7f));
    s = rnnts__vn_fma(s, z, RNNTS__K(-0x1.555546p-3f));
    c = rnnts__vn_fma(RNNTS__K(0x1.9a6df0p-16f), z, RNNTS__K(-0x1.6c0e74p-10f));
    c = rnnts__vn_mul(rnnts__vn_fma(c, z, RNNTS__K(0x1.55554ep-5f)), z);
    h = rnnts__vn_mul(z, RNNTS__K(0.5f));
    w = rnnts__vn_sub(RNNTS__K(1.0f), h);                                      /* 1 - h = w + (1 - w) - h */
    /* cos(r + lo) = w + ((1 - w) - h) - (r*r - z)/2 - lo*r + z*z*C(z) */
    c = rnnts__vn_fma(c, z, rnnts__vn_sub(rnnts__vn_sub(rnnts__vn_sub(RNNTS__K(1.0f), w), h),
                                          rnnts__vn_fma(rnnts__vn_fma(r, r, rnnts__vn_sub(RNNTS__K(0.0f), z)), RNNTS__K(0.5f), rnnts__vn_mul(lo, r))));
    c = rnnts__vn_add(w, c);
    /* sin(r + lo) = r + (r*z*S(z) + lo*cos(r)) */
    s = rnnts__vn_add(r, rnnts__vn_fma(rnnts__vn_mul(r, z), s, rnnts__vn_mul(lo, w)));
    s = rnnts__vn_sel(rnnts__vni_gt(rnnts__vni_and(q, rnnts__vni_set1(1)), rnnts__vni_set1(0)), c, s);
    return rnnts__vn_xorsign(s, rnnts__vni_asf(rnnts__vni_shl(rnnts__vni_and(q, rnnts__vni_set1(2)), 30)));
}
/* sin(x), cos(x) for |x| <= 8, see rnnts__vn_sincos_. Measured: max 0.79 ulp (sin), 0.79 ulp (cos), every float in [-8, 8]. */
RNNTS__INLINE rnnts__vn rnnts__sin_v(rnnts__vn x) { return rnnts__vn_sincos_(x, 0); }
RNNTS__INLINE rnnts__vn rnnts__cos_v(rnnts__vn x) { return rnnts__vn_sincos_(x, 1); }
#undef RNNTS__K
#undef RNNTS__KB
#undef RNNTS__MAGIC

float rnnts_expf(float x) { return rnnts__vn_lane(rnnts__exp_v(rnnts__vn_set1(x)), 0); }
float rnnts_logf(float x) { return rnnts__vn_lane(rnnts__log_v(rnnts__vn_set1(x)), 0); }
float rnnts_tanhf(float x) { return rnnts__vn_lane(rnnts__tanh_v(rnnts__vn_set1(x)), 0); }
float rnnts_sigmoidf(float x) { return rnnts__vn_lane(rnnts__sigmoid_v(rnnts__vn_set1(x)), 0); }
float rnnts_sinf(float x) { return rnnts__vn_lane(rnnts__sin_v(rnnts__vn_set1(x)), 0); }
float rnnts_cosf(float x) { return rnnts__vn_lane(rnnts__cos_v(rnnts__vn_set1(x)), 0); }


/* Canonical 8-lane sum (N4): lane j adds x[i] for i = j (mod 8) in increasing i, then the tree. */
float rnnts_sum_canon(const float *x, size_t n) {
    rnnts__vf acc = rnnts__vf_zero();
    size_t i = 0;
    for (; i + 8 <= n; i += 8) acc = rnnts__vf_add(acc, rnnts__vf_load(x + i));
    if (i < n) acc = rnnts__vf_add(acc, rnnts__vf_load_part(x + i, (int)(n - i)));
    return rnnts__vf_tree(acc);
}

/* >>rng ------------------------------------------------------------------------------------- */
/* splitmix64's output function applied to x + golden ratio: a bijective 64-bit mix. */
static uint64_t rnnts__mix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
/* key = mix(mix(mix(mix(seed) ^ purpose) ^ a) ^ b): the stream of one (seed, purpose, a, b). */
uint64_t rnnts_rng_key(uint64_t seed, uint64_t purpose, uint64_t a, uint64_t b) {
    return rnnts__mix64(rnnts__mix64(rnnts__mix64(rnnts__mix64(seed) ^ purpose) ^ a) ^ b);
}
/* draw i = mix(key + (i+1) * 0xD1B54A32D192ED03): a counter-based stream (any i, any order). */
uint64_t rnnts_rng_u64(uint64_t key, uint64_t i) { return rnnts__mix64(key + (i + 1) * 0xD1B54A32D192ED03ull); }
float rnnts_rng_uniform(uint64_t key, uint64_t i) { return (float)(rnnts_rng_u64(key, i) >> 40) * 0x1p-24f; }
/* z = sqrt(-2 ln(1-u1)) * cos(2 pi u2), u1 = draw 2i, u2 = draw 2i+1 (1-u1 in (0,1], exact). */
float rnnts_rng_normal(uint64_t key, uint64_t i) {
    float u1 = rnnts_rng_uniform(key, 2 * i), u2 = rnnts_rng_uniform(key, 2 * i + 1);
    float r = sqrtf(-2.0f * rnnts_logf(1.0f - u1));
    return r * rnnts_cosf(6.28318530717958647692f * u2);
}

/* >>threads --------------------------------------------------------------------------------- */
/* A pool runs `ntasks` independent tasks; thread w of n gets the range [w*ntasks/n, (w+1)*ntasks/n)
   in one call fn(ctx, t0, t1). Tasks write disjoint outputs and every output element is computed
   by the same sequence of operations whoever runs it, so the partition never changes a result (N6).
   Hand-off: the caller publishes (fn, ctx, ntasks) and bumps `gen` (release); workers spin on `gen`
   and yield for a while (a training step issues thousands of runs of 10 us - 2 ms each, where a
   condition-variable wake-up per run would cost more than the work; no spin when the pool has more
   threads than CPUs), then sleep on a condition variable.
   `sleepers` and `gen` are both seq_cst so that a worker going to sleep and a caller publishing
   cannot miss each other (each reads the other's write). The caller spins on `pending`, then yields. */
typedef void (*rnnts__task_fn)(void *ctx, int t0, int t1);
struct rnnts_pool {
    int n;
    double min_flops;
    rnnts_allocator alloc;
#ifndef RNNTS_NO_THREADS
#if defined(RNNTS__WIN32_THREADS)
    HANDLE *th;
    SRWLOCK mu;
    CONDITION_VARIABLE cv_go;
#else
    pthread_t *th;
    pthread_mutex_t mu;
    pthread_cond_t cv_go;
#endif
    unsigned long gen;         /* atomic: generation of the current run */
    int pending;               /* atomic: workers still running the current run */
    int sleepers;              /* atomic: workers in (or entering) the condition wait */
    int quit, started;
    int spin;                  /* pause iterations before yielding (rnnts__pool_spin_iters) */
    rnnts__task_fn fn;         /* NULL: quit */
    void *ctx;
    int ntasks;
#endif
};
#ifndef RNNTS_NO_THREADS
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
#define RNNTS__PAUSE() __builtin_ia32_pause()
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
#define RNNTS__PAUSE() __asm__ __volatile__("yield" ::: "memory")
#elif defined(_WIN32)
#define RNNTS__PAUSE() YieldProcessor() /* MSVC: pause (x86-64), yield (ARM64) */
#else
#define RNNTS__PAUSE() ((void)0)
#endif
/* The few thread primitives, on POSIX threads or Win32 (same semantics: a mutex, a condition
   variable with broadcast, yielding the processor, start and join). */
#if defined(RNNTS__WIN32_THREADS)
#define RNNTS__LOCK(p) AcquireSRWLockExclusive(&(p)->mu)
#define RNNTS__UNLOCK(p) ReleaseSRWLockExclusive(&(p)->mu)
#define RNNTS__WAIT(p) SleepConditionVariableSRW(&(p)->cv_go, &(p)->mu, INFINITE, 0)
#define RNNTS__BROADCAST(p) WakeAllConditionVariable(&(p)->cv_go)
#define RNNTS__YIELD() SwitchToThread()
#define RNNTS__WORKER_RET DWORD WINAPI
#define RNNTS__WORKER_END 0
#define RNNTS__THREAD_API "CreateThread"
#define RNNTS__TH_T HANDLE
#else
#define RNNTS__LOCK(p) pthread_mutex_lock(&(p)->mu)
#define RNNTS__UNLOCK(p) pthread_mutex_unlock(&(p)->mu)
#define RNNTS__WAIT(p) pthread_cond_wait(&(p)->cv_go, &(p)->mu)
#define RNNTS__BROADCAST(p) pthread_cond_broadcast(&(p)->cv_go)
#define RNNTS__YIELD() sched_yield()
#define RNNTS__WORKER_RET void *
#define RNNTS__WORKER_END NULL
#define RNNTS__THREAD_API "pthread_create"
#define RNNTS__TH_T pthread_t
#endif
/* Waiting: RNNTS_SPIN_ITERS pause instructions (~20 ns each on current x86), then yields (a core
   shared with another process goes to whoever needs it), then (workers only) sleep. A pool with
   more threads than online CPUs does not spin: some thread is always descheduled, and a spinning
   waiter only keeps it off a core (measured 10-30x slower runs, docs/DESIGN.md §4). */
#ifndef RNNTS_SPIN_ITERS
#define RNNTS_SPIN_ITERS 4000
#endif
#ifndef RNNTS_YIELD_ITERS
#define RNNTS_YIELD_ITERS 400
#endif
/* Online CPUs of the machine, 0 when unknown (then the pool spins as if each thread had a core). */
static int rnnts__online_cpus(void) {
#if defined(RNNTS__WIN32_THREADS)
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return (int)si.dwNumberOfProcessors;
#elif defined(_SC_NPROCESSORS_ONLN)
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 && n <= 1 << 20 ? (int)n : 0;
#else
    return 0;
#endif
}
/* spin = RNNTS_SPIN_ITERS when threads <= online CPUs (or online unknown), else 0 */
static int rnnts__pool_spin_iters(int threads, int online) {
    return online > 0 && threads > online ? 0 : RNNTS_SPIN_ITERS;
}
static void rnnts__run_range(rnnts__task_fn fn, void *ctx, int ntasks, int w, int n) {
    int a = (int)((long long)ntasks * w / n), b = (int)((long long)ntasks * (w + 1) / n);
    if (a < b) fn(ctx, a, b);
}
typedef struct { rnnts_pool *pool; int w; } rnnts__worker_arg;
static RNNTS__WORKER_RET rnnts__worker(void *arg) {
    rnnts__worker_arg *wa = (rnnts__worker_arg *)arg;
    rnnts_pool *p = wa->pool;
    int w = wa->w;
    unsigned long seen = 0;
    for (;;) {
        unsigned long g = RNNTS__AT_LOAD_ACQ(&p->gen);
        int spin = RNNTS__AT_LOAD_ACQ(&p->spin); /* rnnts_pool_set_spin may change it between runs */
        for (int s = 0; g == seen && s < spin + RNNTS_YIELD_ITERS; s++) {
            if (s < spin) RNNTS__PAUSE();
            else RNNTS__YIELD();
            g = RNNTS__AT_LOAD_ACQ(&p->gen);
        }
        if (g == seen) {
            RNNTS__LOCK(p);
            RNNTS__AT_ADD_SC(&p->sleepers, 1);
            while ((g = RNNTS__AT_LOAD_SC(&p->gen)) == seen && !p->quit) RNNTS__WAIT(p);
            RNNTS__AT_SUB_SC(&p->sleepers, 1);
            RNNTS__UNLOCK(p);
        }
        if (g == seen || p->fn == NULL) return RNNTS__WORKER_END; /* quit */
        seen = g;
        rnnts__run_range(p->fn, p->ctx, p->ntasks, w, p->n);
        RNNTS__AT_SUB_REL(&p->pending, 1);
    }
}
/* Publishes a run (fn NULL: quit) and wakes the workers that sleep. */
static void rnnts__pool_publish(rnnts_pool *p, rnnts__task_fn fn, void *ctx, int ntasks) {
    p->fn = fn; p->ctx = ctx; p->ntasks = ntasks;
    RNNTS__AT_STORE_RLX(&p->pending, p->n - 1);
    RNNTS__AT_ADD_SC(&p->gen, 1);
    if (fn == NULL || RNNTS__AT_LOAD_SC(&p->sleepers) > 0) {
        RNNTS__LOCK(p);
        if (fn == NULL) p->quit = 1;
        RNNTS__BROADCAST(p);
        RNNTS__UNLOCK(p);
    }
}
#endif
/* Runs fn over tasks 0..ntasks-1 on the pool; inline when pool is NULL, has one thread, or the run
   is smaller than the pool's min_flops (`work`, flops estimated by the caller; default RNNTS_PAR_MIN_FLOPS): a hand-off costs
   1.5-2 us on an idle 2-core VM and more when state lines must cross cores: below ~2 Mflop (20 us)
   a second thread did not pay off in measurements. The partition changes no bit. */
#ifndef RNNTS_PAR_MIN_FLOPS
#define RNNTS_PAR_MIN_FLOPS 2000000.0
#endif
static void rnnts__pool_run(rnnts_pool *p, int ntasks, rnnts__task_fn fn, void *ctx, double work) {
    if (ntasks < 1) return;
#ifndef RNNTS_NO_THREADS
    if (p && p->n > 1 && ntasks > 1 && work >= p->min_flops) {
        rnnts__pool_publish(p, fn, ctx, ntasks);
        rnnts__run_range(fn, ctx, ntasks, 0, p->n);
        for (int s = 0; RNNTS__AT_LOAD_ACQ(&p->pending) > 0; s++) {
            if (s < p->spin) RNNTS__PAUSE(); /* (the caller is the only writer of spin) */
            else RNNTS__YIELD();
        }
        return;
    }
#endif
    (void)p; (void)work;
    fn(ctx, 0, ntasks);
}
rnnts_result rnnts_pool_create(int threads, const rnnts_allocator *alloc, rnnts_pool **out, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts_pool *p;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "pool: out is NULL");
    *out = NULL;
    if (threads < 1 || threads > 1024)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "threads = %d: allowed 1..1024", threads);
    p = (rnnts_pool *)a.alloc(sizeof *p, a.user);
    if (!p) return rnnts__fail(err, RNNTS_ERR_OOM, "pool: out of memory");
    memset(p, 0, sizeof *p);
    p->alloc = a;
    p->min_flops = RNNTS_PAR_MIN_FLOPS;
#ifdef RNNTS_NO_THREADS
    p->n = 1; /* built without threads: everything runs on the caller */
#else
    p->n = threads;
    p->spin = rnnts__pool_spin_iters(threads, rnnts__online_cpus());
    if (threads > 1) {
        rnnts__worker_arg *args;
        size_t bytes = (size_t)threads * (sizeof *p->th + sizeof(rnnts__worker_arg));
        p->th = (RNNTS__TH_T *)a.alloc(bytes, a.user);
        if (!p->th) { a.free(p, a.user); return rnnts__fail(err, RNNTS_ERR_OOM, "pool: out of memory"); }
        args = (rnnts__worker_arg *)(void *)(p->th + threads);
#if defined(RNNTS__WIN32_THREADS)
        InitializeSRWLock(&p->mu);
        InitializeConditionVariable(&p->cv_go);
#else
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->cv_go, NULL);
#endif
        for (int w = 1; w < threads; w++) {
            int ok;
            args[w].pool = p;
            args[w].w = w;
#if defined(RNNTS__WIN32_THREADS)
            ok = (p->th[w] = CreateThread(NULL, 0, rnnts__worker, &args[w], 0, NULL)) != NULL;
#else
            ok = pthread_create(&p->th[w], NULL, rnnts__worker, &args[w]) == 0;
#endif
            if (!ok) {
                p->n = w; /* join those that started */
                rnnts_pool_destroy(p);
                return rnnts__fail(err, RNNTS_ERR_THREADS, "pool: " RNNTS__THREAD_API " failed for worker %d", w);
            }
            p->started = w;
        }
    }
#endif
    *out = p;
    return rnnts__ok(err);
}
void rnnts_pool_destroy(rnnts_pool *p) {
    if (!p) return;
#ifndef RNNTS_NO_THREADS
    if (p->th) {
        rnnts__pool_publish(p, NULL, NULL, 0);
#if defined(RNNTS__WIN32_THREADS)
        for (int w = 1; w <= p->started; w++) { WaitForSingleObject(p->th[w], INFINITE); CloseHandle(p->th[w]); }
        /* SRW locks and condition variables need no destruction */
#else
        for (int w = 1; w <= p->started; w++) pthread_join(p->th[w], NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv_go);
#endif
        p->alloc.free(p->th, p->alloc.user);
    }
#endif
    p->alloc.free(p, p->alloc.user);
}
int rnnts_pool_threads(const rnnts_pool *p) { return p ? p->n : 1; }
void rnnts_pool_set_min_flops(rnnts_pool *p, double flops) {
    if (p) p->min_flops = flops >= 0.0 ? flops : 0.0;
}
int rnnts_pool_set_spin(rnnts_pool *p, int iters) {
#ifndef RNNTS_NO_THREADS
    int old;
    if (!p) return 0;
    old = p->spin;
    RNNTS__AT_STORE_RLX(&p->spin, iters > 0 ? iters : 0);
    return old;
#else
    (void)p; (void)iters;
    return 0; /* no pool threads: nothing waits */
#endif
}

/* >>kernels --------------------------------------------------------------------------------- */
/* The one GEMM micro-kernel. For r < mr, n < NV * RNNTS__VN:
       C[r][n] = C[r][n] + sum_{k=0}^{K-1} A[r][k] * B[k][n]       (k ascending, one fma per term)
   A[r][k] at A + r*lda + (k/16)*akb + k%16 (akb = 16: plain rows; akb = R*16: the blocked state
   layout of >>rnn), or with `packed` at A + k*RNNTS__MR + r (a panel of rnnts__pack_a: one stream
   of broadcasts instead of MR, which is what lets the kernel run at the FMA peak); B row k at
   B + k*ldb, C row r at C + r*ldc; native vector v (< nv) of a row at + v*boff (B) and + v*coff
   (C). Rows r >= mr are computed (from row 0, or from a packed panel's zero rows) and discarded.
   The tile is RNNTS__MR rows x 2 native vectors: 6 x 16 columns (12 accumulators) with 8 lanes,
   the two halves of one 16-column panel (boff = coff = 8); 10 x 32 with 16 lanes (20 of the 32
   zmm registers), two 16-column panels (boff, coff = the panel strides), or one panel (nv = 1) for
   an odd last one. The height was chosen by measurement (`rnnts bench`, fastest of 3 interleaved
   runs, Xeon of the Sapphire Rapids class): training step H 500 / B 256 / M 30 in 80.0 ms with 10
   rows against 82.9 (8), 86.6 (12), 81.5 (14); H 64 / B 32 0.189 ms against 0.182 (8), 0.197 (12),
   0.189 (14); H 128 / B 64 equal to 8 rows within 1 %. */
#if RNNTS__VN == 16
#ifndef RNNTS__MR /* (a test hook for such measurements; the packed layout follows it) */
#define RNNTS__MR 10
#endif
#define RNNTS__TN 32
#else
#define RNNTS__MR 6
#define RNNTS__TN 16
#endif
#define RNNTS__NR 16 /* columns of a panel of the blocked layout */
#if defined(__clang__)
#define RNNTS__UNROLL _Pragma("clang loop unroll(full)")
#elif defined(__GNUC__)
#define RNNTS__UNROLL _Pragma("GCC unroll 32")
#else
#define RNNTS__UNROLL
#endif
RNNTS__INLINE void rnnts__gemm_micro(int K, const float *A, size_t lda, size_t akb, int mr, const float *B, size_t ldb,
                                     size_t boff, float *C, size_t ldc, size_t coff, int nv, int packed) {
    const float *ar[RNNTS__MR];
    float *cr[RNNTS__MR];
    rnnts__vn x0[RNNTS__MR], x1[RNNTS__MR];
    RNNTS__UNROLL for (int r = 0; r < RNNTS__MR; r++) {
        ar[r] = A + (r < mr ? (size_t)r * lda : 0);
        cr[r] = C + (r < mr ? (size_t)r * ldc : 0);
        x0[r] = rnnts__vn_load(cr[r]);
        x1[r] = nv > 1 ? rnnts__vn_load(cr[r] + coff) : x0[r];
    }
    for (int k0 = 0; k0 < K; k0 += 16) {
        const float *bk = B + (size_t)k0 * ldb;
        size_t ao = (size_t)(k0 >> 4) * akb;
        int kn = K - k0 < 16 ? K - k0 : 16;
        for (int k = 0; k < kn; k++, bk += ldb) {
            const float *ap = A + (size_t)(k0 + k) * RNNTS__MR;
            rnnts__vn b0 = rnnts__vn_load(bk), b1 = nv > 1 ? rnnts__vn_load(bk + boff) : b0;
            RNNTS__UNROLL for (int r = 0; r < RNNTS__MR; r++) {
                rnnts__vn sr = rnnts__vn_set1(packed ? ap[r] : ar[r][ao + (size_t)k]);
                x0[r] = rnnts__vn_fma(sr, b0, x0[r]);
                if (nv > 1) x1[r] = rnnts__vn_fma(sr, b1, x1[r]);
            }
        }
    }
    /* Store in reverse row order so that duplicated rows (r >= mr alias row 0) end with row 0. */
    RNNTS__UNROLL for (int r = RNNTS__MR - 1; r >= 0; r--) {
        if (nv > 1) rnnts__vn_store(cr[r] + coff, x1[r]);
        rnnts__vn_store(cr[r], x0[r]);
    }
}
/* The instances: two native vectors per row (tile2) or one (tile1, AVX-512's odd last panel),
   A strided or packed (_p). */
static void rnnts__gemm_tile2(int K, const float *A, size_t lda, size_t akb, int mr, const float *B, size_t ldb,
                              size_t boff, float *C, size_t ldc, size_t coff) {
    rnnts__gemm_micro(K, A, lda, akb, mr, B, ldb, boff, C, ldc, coff, 2, 0);
}
static void rnnts__gemm_tile2_p(int K, const float *A, int mr, const float *B, size_t ldb, size_t boff, float *C,
                                size_t ldc, size_t coff) {
    rnnts__gemm_micro(K, A, 0, 0, mr, B, ldb, boff, C, ldc, coff, 2, 1);
}
#if RNNTS__VN == 16
static void rnnts__gemm_tile1(int K, const float *A, size_t lda, size_t akb, int mr, const float *B, size_t ldb,
                              float *C, size_t ldc) {
    rnnts__gemm_micro(K, A, lda, akb, mr, B, ldb, 0, C, ldc, 0, 1, 0);
}
static void rnnts__gemm_tile1_p(int K, const float *A, int mr, const float *B, size_t ldb, float *C, size_t ldc) {
    rnnts__gemm_micro(K, A, 0, 0, mr, B, ldb, 0, C, ldc, 0, 1, 1);
}
#endif
/* Packs rows [0, R) of A (element (r, k) at A + r*rs + k*cs: cs = 1 for A, rs = 1 for a transpose)
   into panels of RNNTS__MR rows: dst[(p*K + k)*MR + r] = A[p*MR + r][k], rows past R zero.
   dst holds rnnts__packed_floats(R, K) floats. */
static size_t rnnts__packed_floats(size_t R, size_t K) { return (R + RNNTS__MR - 1) / RNNTS__MR * RNNTS__MR * K; }
static void rnnts__pack_a(float *dst, const float *A, size_t rs, size_t cs, int R, int K) {
    for (int p = 0; p * RNNTS__MR < R; p++, dst += (size_t)K * RNNTS__MR) {
        int mr = RNNTS__MIN(RNNTS__MR, R - p * RNNTS__MR);
        const float *a = A + (size_t)p * RNNTS__MR * rs;
        if (cs == 1) /* rows of A are contiguous: read along them */
            for (int r = 0; r < mr; r++)
                for (int k = 0; k < K; k++) dst[(size_t)k * RNNTS__MR + r] = a[(size_t)r * rs + (size_t)k];
        else
            for (int k = 0; k < K; k++)
                for (int r = 0; r < mr; r++) dst[(size_t)k * RNNTS__MR + r] = a[(size_t)r * rs + (size_t)k * cs];
        for (int r = mr; r < RNNTS__MR; r++)
            for (int k = 0; k < K; k++) dst[(size_t)k * RNNTS__MR + r] = 0.0f;
    }
}
/* A GEMM C[R][ncols] += A[R][K] B[K][ncols] described by strides, ncols a multiple of 16:
   A as in the micro-kernel; the 16-column panel n of B starts at B + (n/16)*bnb (row k at + k*ldb),
   of C at C + (n/16)*cnb (row r at + r*ldc). Row-major: ld = row length, nb = 16. Blocked: ld = 16,
   nb = rows*16. Optional hooks run on each tile's 16-column panels (rows i..i+mr, panel n) just before its first
   k-chunk (pre: e.g. the start value) and just after its last (post: a fused epilogue). */
typedef void (*rnnts__tile_fn)(void *ctx, int i, int mr, int n);
typedef struct rnnts__gemm {
    int K, ncols;
    const float *A, *B;
    const float *Ap;           /* A packed by rnnts__pack_a (then A, lda, akb are unused) */
    float *C;
    size_t lda, akb, ldb, bnb, ldc, cnb;
    rnnts__tile_fn pre, post;
    void *hook_ctx;
} rnnts__gemm;
/* Rows [i0, i1), columns [n0, n1) in the loop order of a packed GEMM: k-chunks of RNNTS__KC (outer),
   tiles of RNNTS__TN columns (one or two 16-column panels), then RNNTS__MR-row panels, so that the
   tile's B panels (KC x 16 floats each, contiguous) stay in L1 while the A rows stream past them.
   C holds the partial sums between chunks: every element still adds its terms in ascending k, so
   the loop order changes no bit. */
#ifndef RNNTS__KC /* (a test hook for measurements, like RNNTS__MR) */
#define RNNTS__KC 256
#endif
static void rnnts__gemm_tiles(const rnnts__gemm *g, int i0, int i1, int n0, int n1) {
    int K = g->K > 0 ? g->K : 0, k0 = 0;
    do { /* at least one pass, so that the hooks run when K = 0 */
        int kc = RNNTS__MIN(RNNTS__KC, K - k0), last = k0 + kc >= K;
        for (int n = n0; n < n1; n += RNNTS__TN) {
            const float *b = g->B + (size_t)(n / RNNTS__NR) * g->bnb + (size_t)k0 * g->ldb;
            float *c = g->C + (size_t)(n / RNNTS__NR) * g->cnb;
            int np = RNNTS__MIN(RNNTS__TN, n1 - n) / RNNTS__NR; /* 16-column panels in this tile */
            for (int i = i0; i < i1; i += RNNTS__MR) {
                int mr = RNNTS__MIN(RNNTS__MR, i1 - i);
                const float *a = g->Ap ? g->Ap + ((size_t)i * K + (size_t)k0 * RNNTS__MR) /* i: a multiple of MR */
                                       : g->A + (size_t)i * g->lda + (size_t)(k0 >> 4) * g->akb;
                float *ci = c + (size_t)i * g->ldc;
                if (k0 == 0 && g->pre)
                    for (int q = 0; q < np; q++) g->pre(g->hook_ctx, i, mr, n + q * RNNTS__NR);
#if RNNTS__VN == 16
                if (kc > 0 && np == 2 && g->Ap) rnnts__gemm_tile2_p(kc, a, mr, b, g->ldb, g->bnb, ci, g->ldc, g->cnb);
                else if (kc > 0 && np == 2) rnnts__gemm_tile2(kc, a, g->lda, g->akb, mr, b, g->ldb, g->bnb, ci, g->ldc, g->cnb);
                else if (kc > 0 && g->Ap) rnnts__gemm_tile1_p(kc, a, mr, b, g->ldb, ci, g->ldc);
                else if (kc > 0) rnnts__gemm_tile1(kc, a, g->lda, g->akb, mr, b, g->ldb, ci, g->ldc);
#else
                if (kc > 0 && g->Ap) rnnts__gemm_tile2_p(kc, a, mr, b, g->ldb, 8, ci, g->ldc, 8);
                else if (kc > 0) rnnts__gemm_tile2(kc, a, g->lda, g->akb, mr, b, g->ldb, 8, ci, g->ldc, 8);
#endif
                if (last && g->post)
                    for (int q = 0; q < np; q++) g->post(g->hook_ctx, i, mr, n + q * RNNTS__NR);
            }
        }
        k0 += RNNTS__KC;
    } while (k0 < K);
}
/* Row panels [p0, p1) of R rows, all columns. */
static void rnnts__gemm_run(const rnnts__gemm *g, int p0, int p1, int R) {
    rnnts__gemm_tiles(g, p0 * RNNTS__MR, RNNTS__MIN(p1 * RNNTS__MR, R), 0, g->ncols);
}
static int rnnts__panels(int rows) { return (rows + RNNTS__MR - 1) / RNNTS__MR; }
typedef struct { const rnnts__gemm *g; int R; } rnnts__gemm_task;
static void rnnts__task_gemm(void *vc, int p0, int p1) {
    const rnnts__gemm_task *c = (const rnnts__gemm_task *)vc;
    rnnts__gemm_run(c->g, p0, p1, c->R);
}
static void rnnts__task_gemm_cols(void *vc, int q0, int q1) {
    const rnnts__gemm_task *c = (const rnnts__gemm_task *)vc;
    rnnts__gemm_tiles(c->g, 0, c->R, q0 * RNNTS__NR, q1 * RNNTS__NR); /* (a tile may then span fewer panels) */
}
/* Runs a GEMM over R rows on the pool, split statically between threads by RNNTS__MR-row panels, or with
   by_cols by 16-column panels when they divide evenly (then a thread reads and writes only its own
   columns of B and C: nothing crosses cores but A, which the products here only read). */
static void rnnts__gemm_pool(rnnts_pool *pool, const rnnts__gemm *g, int R, int by_cols) {
    rnnts__gemm_task c;
    int nq = g->ncols / RNNTS__NR, nt = rnnts_pool_threads(pool);
    double work = 2.0 * R * (g->K > 0 ? g->K : 1) * g->ncols;
    c.g = g; c.R = R;
    if (by_cols && nt > 1 && nq % nt == 0)
        rnnts__pool_run(pool, nq, rnnts__task_gemm_cols, &c, work);
    else
        rnnts__pool_run(pool, rnnts__panels(R), rnnts__task_gemm, &c, work);
}
/* Strides of the two layouts, for rnnts__gemm. */
static void rnnts__gemm_a(rnnts__gemm *g, const float *A, size_t lda, size_t akb) { g->A = A; g->lda = lda; g->akb = akb; g->Ap = NULL; }
static void rnnts__gemm_ap(rnnts__gemm *g, const float *Ap) { g->A = NULL; g->Ap = Ap; }
static void rnnts__gemm_b(rnnts__gemm *g, const float *B, size_t ldb, size_t bnb) { g->B = B; g->ldb = ldb; g->bnb = bnb; }
static void rnnts__gemm_c(rnnts__gemm *g, float *C, size_t ldc, size_t cnb) { g->C = C; g->ldc = ldc; g->cnb = cnb; }

/* >>rnn ------------------------------------------------------------------------------------- */
/* Model, reference RNN_Stack / RNN_Mod / RNN_Continuous, with tau_hat = max(tau, 1) (learnable) or
   the fixed tau (not clamped), alpha = 1 - 1/tau_hat per neuron, and W's diagonal read as zero:
     default:  u_t = (b + W h_t) + (w_in s_t + b_in);  a_t = alpha h_t + u_t / tau_hat;  h_{t+1} = phi(a_t)
     mod:      u_t as above;                           h_{t+1} = alpha h_t + phi(u_t) / tau_hat
   Continuous time: every input repeated k times, tau_hat = max(k tau, 1), mod form.
   Order of (b + W h): start value b_i, then j = 0..H-1 ascending, one fma each.
   State layout ("blocked"): a state matrix of R rows (neurons) and Bp = B rounded up to 16 columns
   (sequences) is stored as Bp/16 panels of R rows x 16 columns, element (i, b) at RNNTS__BLK(R, i, b),
   so that the GEMM's B operand (KC rows x 16) is contiguous; pad columns are 0. */
#define RNNTS__BLK(R, i, b) ((((size_t)(b) >> 4) * (size_t)(R) + (size_t)(i)) * 16 + ((size_t)(b)&15))

rnnts_rnn_config rnnts_rnn_config_default(void) {
    rnnts_rnn_config c;
    memset(&c, 0, sizeof c);
    c.hidden = 500;
    c.heads = 1;
    c.variant = RNNTS_VARIANT_DEFAULT;
    c.activation = RNNTS_ACT_LEAKYRELU;
    c.train_tau = 1;
    c.fixed_tau = 1.0f;
    c.tau_init = 1.0f;
    c.k_continuous = 0;
    c.model = RNNTS_MODEL_RNN;
    return c;
}
const char *rnnts_model_name(rnnts_model m) { return rnnts_name(RNNTS_NAMES_MODEL, (int)m); }
/* Gates per neuron: 1 (leaky RNN), 3 (GRU), 4 (LSTM). */
static int rnnts__gates(rnnts_model m) { return m == RNNTS_MODEL_GRU ? 3 : m == RNNTS_MODEL_LSTM ? 4 : 1; }
/* Index of head 0's weight tensor: after tau, input and recurrent (RNN) or the four cell tensors. */
static int rnnts__head_t0(const rnnts_rnn *net) { return net->cfg.model == RNNTS_MODEL_RNN ? 5 : 4; }
#define RNNTS__MAX_H 65536
#define RNNTS__MAX_K 65536
rnnts_result rnnts_rnn_config_check(const rnnts_rnn_config *c, rnnts_error *err) {
    if (!c) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "config is NULL");
    if (c->hidden < 1 || c->hidden > RNNTS__MAX_H)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "hidden = %d: allowed 1..%d", c->hidden, RNNTS__MAX_H);
    if (c->heads < 1 || c->heads > RNNTS__MAX_K)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "heads = %d: allowed 1..%d", c->heads, RNNTS__MAX_K);
    if ((int)c->model < 0 || (int)c->model > 2)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "model = %d: allowed rnn (0), gru (1), lstm (2)", (int)c->model);
    if (c->model != RNNTS_MODEL_RNN) { /* tau, variant and activation do not apply */
        if (c->hidden > 16384) /* G*H*H floats must stay far from 2^31 */
            return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "hidden = %d: allowed 1..16384 for %s", c->hidden, rnnts_model_name(c->model));
        if (c->k_continuous != 0)
            return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "k_continuous = %d: %s is discrete-time (allowed 0)", c->k_continuous, rnnts_model_name(c->model));
        if (c->tau_mean != 0.0f)
            return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_mean = %.9g: %s has no tau (allowed 0)", (double)c->tau_mean, rnnts_model_name(c->model));
        return rnnts__ok(err);
    }
    if (c->variant != RNNTS_VARIANT_DEFAULT && c->variant != RNNTS_VARIANT_MOD)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "variant = %d: allowed default (0), mod (1)", (int)c->variant);
    if ((int)c->activation < 0 || (int)c->activation > 3)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG,
                           "activation = %d: allowed leakyrelu (0), relu (1), tanh (2), sigmoid (3)", (int)c->activation);
    if (c->train_tau != 0 && c->train_tau != 1)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "train_tau = %d: allowed 0 or 1", c->train_tau);
    if (!c->train_tau && !(rnnts__isfinite(c->fixed_tau) && c->fixed_tau >= 1.0f && c->fixed_tau <= 1e6f))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fixed_tau = %.9g: allowed finite, 1..1e6", (double)c->fixed_tau);
    if (!(rnnts__isfinite(c->tau_init) && c->tau_init >= 0.0f && c->tau_init <= 1e6f))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_init = %.9g: allowed finite, 0..1e6", (double)c->tau_init);
    if (c->k_continuous < 0 || c->k_continuous > 10000)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "k_continuous = %d: allowed 0 (discrete) or 1..10000", c->k_continuous);
    if (c->k_continuous > 0 && c->variant != RNNTS_VARIANT_MOD)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "k_continuous = %d needs variant = mod (the continuous-time model is the mod form)", c->k_continuous);
    if (!(rnnts__isfinite(c->tau_mean) && (c->tau_mean == 0.0f || (c->tau_mean >= 1e-3f && c->tau_mean <= 1e6f))))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_mean = %.9g: allowed 0 (off) or 0.001..1e6", (double)c->tau_mean);
    if (c->tau_mean != 0.0f && !c->train_tau)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_mean = %.9g rescales learnable tau; with train_tau = 0 use fixed_tau", (double)c->tau_mean);
    return rnnts__ok(err);
}
size_t rnnts_rnn_param_count(const rnnts_rnn_config *c) {
    size_t H, K;
    if (rnnts_rnn_config_check(c, NULL) != RNNTS_OK) return 0;
    H = (size_t)c->hidden;
    K = (size_t)c->heads;
    if (c->model != RNNTS_MODEL_RNN) {
        size_t GH = (size_t)rnnts__gates(c->model) * H;
        return 3 * GH + GH * H + K * (2 * H + 2);
    }
    return (c->train_tau ? H : 1) + 3 * H + H * H + K * (2 * H + 2);
}
int rnnts_rnn_tensor_count(const rnnts_rnn *net) { return net ? rnnts__head_t0(net) + 2 * net->K : 0; }
/* GRU / LSTM tensors: PyTorch's names under the prefix "gru." / "lstm." (the reference LSTM
   module's attribute), then the heads as modulelist.{k} with k from 0. */
static void rnnts__gated_tensor(const rnnts_rnn *net, int idx, rnnts_tensor_info *ti) {
    static const char *const nm[4] = {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"};
    size_t H = (size_t)net->H, GH = (size_t)rnnts__gates(net->cfg.model) * H;
    ti->ndim = 1;
    if (idx < 4) {
        snprintf(ti->name, sizeof ti->name, "%s.%s", rnnts_model_name(net->cfg.model), nm[idx]);
        ti->shape[0] = (int64_t)GH;
        if (idx < 2) { ti->ndim = 2; ti->shape[1] = idx == 0 ? 1 : (int64_t)H; }
        ti->offset = idx == 0 ? 0 : idx == 1 ? GH : idx == 2 ? GH + GH * H : 2 * GH + GH * H;
    } else {
        int k = (idx - 4) / 2;
        size_t base = 3 * GH + GH * H + (size_t)k * (2 * H + 2);
        if ((idx - 4) % 2 == 0) {
            snprintf(ti->name, sizeof ti->name, "modulelist.%d.weight", k);
            ti->ndim = 2; ti->shape[0] = 2; ti->shape[1] = (int64_t)H; ti->offset = base;
        } else {
            snprintf(ti->name, sizeof ti->name, "modulelist.%d.bias", k);
            ti->shape[0] = 2; ti->offset = base + 2 * H;
        }
    }
    ti->count = (size_t)ti->shape[0] * (ti->ndim == 2 ? (size_t)ti->shape[1] : 1);
}
rnnts_result rnnts_rnn_tensor(const rnnts_rnn *net, int idx, rnnts_tensor_info *ti) {
    size_t H, ntau;
    if (!net || !ti || idx < 0 || idx >= rnnts_rnn_tensor_count(net)) return RNNTS_ERR_INVALID_ARG;
    memset(ti, 0, sizeof *ti);
    if (net->cfg.model != RNNTS_MODEL_RNN) { rnnts__gated_tensor(net, idx, ti); return RNNTS_OK; }
    H = (size_t)net->H;
    ntau = net->cfg.train_tau ? H : 1;
    memset(ti, 0, sizeof *ti);
    ti->ndim = 1;
    switch (idx) {
    case 0: snprintf(ti->name, sizeof ti->name, "parameterlist.0"); ti->shape[0] = (int64_t)ntau; ti->offset = 0; break;
    case 1: snprintf(ti->name, sizeof ti->name, "modulelist.0.weight"); ti->ndim = 2; ti->shape[0] = (int64_t)H; ti->shape[1] = 1; ti->offset = ntau; break;
    case 2: snprintf(ti->name, sizeof ti->name, "modulelist.0.bias"); ti->shape[0] = (int64_t)H; ti->offset = ntau + H; break;
    case 3: snprintf(ti->name, sizeof ti->name, "modulelist.1.weight"); ti->ndim = 2; ti->shape[0] = (int64_t)H; ti->shape[1] = (int64_t)H; ti->offset = ntau + 2 * H; break;
    case 4: snprintf(ti->name, sizeof ti->name, "modulelist.1.bias"); ti->shape[0] = (int64_t)H; ti->offset = ntau + 2 * H + H * H; break;
    default: {
        int k = (idx - 5) / 2;
        size_t base = ntau + 3 * H + H * H + (size_t)k * (2 * H + 2);
        if ((idx - 5) % 2 == 0) {
            snprintf(ti->name, sizeof ti->name, "modulelist.%d.weight", 2 + k);
            ti->ndim = 2; ti->shape[0] = 2; ti->shape[1] = (int64_t)H; ti->offset = base;
        } else {
            snprintf(ti->name, sizeof ti->name, "modulelist.%d.bias", 2 + k);
            ti->shape[0] = 2; ti->offset = base + 2 * H;
        }
    }
    }
    ti->count = (size_t)ti->shape[0] * (ti->ndim == 2 ? (size_t)ti->shape[1] : 1);
    return RNNTS_OK;
}
static void rnnts__rnn_bind(rnnts_rnn *n) {
    size_t H = (size_t)n->H, ntau = n->cfg.train_tau ? H : 1;
    if (n->cfg.model != RNNTS_MODEL_RNN) { /* file order: weight_ih, weight_hh, bias_ih, bias_hh, heads */
        size_t GH = (size_t)rnnts__gates(n->cfg.model) * H;
        n->tau = NULL;
        n->w_in = n->param;
        n->w = n->w_in + GH;
        n->b_in = n->w + GH * H;
        n->b = n->b_in + GH;
        n->head = n->b + GH;
        return;
    }
    n->tau = n->param;
    n->w_in = n->param + ntau;
    n->b_in = n->w_in + H;
    n->w = n->b_in + H;
    n->b = n->w + H * H;
    n->head = n->b + H;
}
rnnts_result rnnts_rnn_create_zero(const rnnts_rnn_config *cfg, const rnnts_allocator *alloc, rnnts_rnn **out,
                                   rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts_result r;
    rnnts_rnn *n;
    size_t np, bytes;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "out is NULL");
    *out = NULL;
    if ((r = rnnts_rnn_config_check(cfg, err)) != RNNTS_OK) return r;
    np = rnnts_rnn_param_count(cfg);
    bytes = rnnts__fbytes(np, 1, 1);
    n = (rnnts_rnn *)a.alloc(sizeof *n, a.user);
    if (!n) return rnnts__fail(err, RNNTS_ERR_OOM, "network: out of memory");
    memset(n, 0, sizeof *n);
    n->param = bytes ? (float *)rnnts__amalloc(&a, bytes) : NULL;
    if (!n->param) { a.free(n, a.user); return rnnts__fail(err, RNNTS_ERR_OOM, "network: out of memory for %zu parameters", np); }
    memset(n->param, 0, bytes);
    n->cfg = *cfg;
    n->H = cfg->hidden;
    n->K = cfg->heads;
    n->n_param = np;
    n->alloc = a;
    rnnts__rnn_bind(n);
    *out = n;
    return rnnts__ok(err);
}
rnnts_result rnnts_rnn_create(const rnnts_rnn_config *cfg, uint64_t seed, const rnnts_allocator *alloc, rnnts_rnn **out,
                              rnnts_error *err) {
    rnnts_rnn *n;
    rnnts_result r;
    float bound;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "out is NULL");
    *out = NULL;
    if ((r = rnnts_rnn_create_zero(cfg, alloc, &n, err)) != RNNTS_OK) return r;
    bound = 1.0f / sqrtf((float)n->H);
    n->meta.seed = seed;
    /* Tensor t, element e: u = uniform(key(seed, INIT, t, 0), e); value = (2u - 1) * bound. */
    for (int t = 0; t < rnnts_rnn_tensor_count(n); t++) {
        rnnts_tensor_info ti;
        uint64_t key = rnnts_rng_key(seed, RNNTS_PURPOSE_INIT, (uint64_t)t, 0);
        float *p;
        rnnts_rnn_tensor(n, t, &ti);
        p = n->param + ti.offset;
        for (size_t e = 0; e < ti.count; e++) {
            float u = rnnts_rng_uniform(key, e);
            if (cfg->model != RNNTS_MODEL_RNN) p[e] = (2.0f * u - 1.0f) * bound; /* every tensor U(-1/sqrt(H), 1/sqrt(H)) */
            else if (t == 0) p[e] = cfg->train_tau ? cfg->tau_init + u : cfg->fixed_tau;
            else if (t <= 2) p[e] = 2.0f * u - 1.0f; /* fan_in = 1: bound 1 */
            else p[e] = (2.0f * u - 1.0f) * bound;
        }
    }
    if (cfg->model == RNNTS_MODEL_RNN && cfg->train_tau && cfg->tau_mean > 0.0f) {
        /* The reference's init_tau: a rescaling, so the relative spread of the draw is kept. */
        double sum = 0.0;
        float mean, scale;
        for (int i = 0; i < n->H; i++) sum += (double)n->tau[i];
        mean = (float)(sum / (double)n->H);
        scale = cfg->tau_mean / mean;
        for (int i = 0; i < n->H; i++) n->tau[i] = n->tau[i] * scale;
    }
    *out = n;
    return RNNTS_OK;
}
void rnnts_rnn_destroy(rnnts_rnn *n) {
    rnnts_allocator a;
    if (!n) return;
    a = n->alloc;
    rnnts__afree(&a, n->param);
    if (n->meta_extra) a.free(n->meta_extra, a.user);
    a.free(n, a.user);
}
#define RNNTS__MAX_META 256 /* metadata entries of a file */
static const char *const rnnts__meta_reserved[] = {"format", "rnnts_version", "model", "variant", "activation", "hidden", "heads",
                                                   "tau", "fixed_tau", "tau_init", "k_continuous", "task", "curriculum", "ns",
                                                   "seed", "epoch", "checksum_xxh3", "train_config", "train_state", "tau_mean"};
static int rnnts__meta_is_reserved(const char *key) {
    for (size_t q = 0; q < sizeof rnnts__meta_reserved / sizeof rnnts__meta_reserved[0]; q++)
        if (strcmp(key, rnnts__meta_reserved[q]) == 0) return 1;
    return 0;
}
int rnnts_rnn_meta_extra(const rnnts_rnn *net, int i, const char **key, const char **value) {
    const char *p;
    if (!net) return 0;
    if (i < 0 || i >= net->n_meta_extra) { if (key) *key = NULL; if (value) *value = NULL; return net->n_meta_extra; }
    p = net->meta_extra;
    for (int q = 0; q < i; q++) { p += strlen(p) + 1; p += strlen(p) + 1; }
    if (key) *key = p;
    if (value) *value = p + strlen(p) + 1;
    return net->n_meta_extra;
}
rnnts_result rnnts_rnn_meta_set(rnnts_rnn *net, const char *key, const char *value, rnnts_error *err) {
    size_t kl, vl, cap, used = 0;
    char *nb, *p;
    int n = 0, found = 0;
    if (!net || !key) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "meta_set: net and key must not be NULL");
    kl = strlen(key);
    vl = value ? strlen(value) : 0;
    if (kl < 1 || kl > 63) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "meta_set: key of %zu bytes: allowed 1..63", kl);
    if (rnnts__meta_is_reserved(key)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "meta_set: \"%s\" is written by rnnts itself", key);
    if (vl > 4607) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "meta_set: value of \"%s\" has %zu bytes: allowed up to 4607", key, vl);
    /* the new list: the old entries in order (key replaced in place or dropped), a new key last */
    cap = net->meta_extra_len + kl + vl + 2;
    nb = (char *)net->alloc.alloc(cap, net->alloc.user);
    if (!nb) return rnnts__fail(err, RNNTS_ERR_OOM, "meta_set: out of memory");
    p = net->meta_extra;
    for (int q = 0; q < net->n_meta_extra; q++) {
        const char *k = p, *v = p + strlen(p) + 1;
        p = (char *)v + strlen(v) + 1;
        if (strcmp(k, key) == 0) {
            found = 1;
            if (!value) continue;
            v = value;
        }
        memcpy(nb + used, k, strlen(k) + 1); used += strlen(k) + 1;
        memcpy(nb + used, v, strlen(v) + 1); used += strlen(v) + 1;
        n++;
    }
    if (!found && value) {
        if (n >= RNNTS__MAX_META) { net->alloc.free(nb, net->alloc.user); return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "meta_set: more than %d extra entries", RNNTS__MAX_META); }
        memcpy(nb + used, key, kl + 1); used += kl + 1;
        memcpy(nb + used, value, vl + 1); used += vl + 1;
        n++;
    }
    if (net->meta_extra) net->alloc.free(net->meta_extra, net->alloc.user);
    net->meta_extra = n ? nb : NULL;
    if (!n) net->alloc.free(nb, net->alloc.user);
    net->meta_extra_len = used;
    net->n_meta_extra = n;
    return rnnts__ok(err);
}
void rnnts_rnn_zero_diag(rnnts_rnn *n) {
    if (!n || n->cfg.model != RNNTS_MODEL_RNN) return; /* GRU/LSTM have no such rule */
    for (int i = 0; i < n->H; i++) n->w[(size_t)i * (size_t)n->H + (size_t)i] = 0.0f;
}

struct rnnts_rnn_ws {
    rnnts_allocator alloc;
    int H, K, Bmax, Lmax, kc, Bp_max, Hp;
    int B, Bp, M, L, n_active, have_fwd, have_labels;
    rnnts_model model;
    int G, Q;               /* gates per neuron (1, 3, 4); rows of a step's ubuf: H (RNN), (G+1) H (GRU, LSTM) */
    rnnts_variant variant;
    rnnts_activation act;
    float *block;           /* one allocation for every buffer below */
    float *hist;            /* (L+1) states (H x Bp, blocked); stream mode uses slots 0 and 1 */
    float *ubuf;            /* L drives u_t (H x Bp, blocked); backward overwrites them with du_t.
                               GRU/LSTM: L gate blocks of Q rows (see >>gru) */
    float *chist;           /* LSTM: (L+1) cell states (H x Bp, blocked), same slots as hist */
    const float *c0;        /* LSTM: given c_0 [B][H] for the next pass (internal: chunked simulation), or NULL = 0 */
    float *gc;              /* LSTM: dL/dc (H x Bp, blocked) */
    float *S;               /* L inputs [Bp] */
    float *h0;              /* initial state of the last pass (H x Bp, blocked) */
    float *g, *gn;          /* dL/dh (H x Bp, blocked), current and next */
    float *hT;              /* h_t transposed: Bp rows x Hp columns, blocked */
    float *wz, *wzT;        /* packed (rnnts__pack_a): W with zero diagonal and its transpose, H x H (GRU/LSTM:
                               W_hh, G*H x H, and W_hh^T, H x G*H) */
    float *dWp;             /* dL/dW: G*H rows x Hp columns, blocked */
    float *acc;             /* per-neuron lane accumulators [3][H][8]: b, w_in, tau (GRU/LSTM: [3][G*H][8]: b_ih, b_hh, w_ih) */
    float *vpack, *vpackT;  /* head weights of the heads read out [2K][H], transposed [H][2K] */
    float *lg, *dl;         /* logits and dL/dlogits [2K][Bp] */
    float *ce;              /* [Bp] per-sequence loss */
    float *tauhat, *alpha;  /* per neuron */
    float *heads_f, *labels_f; /* storage of the two int arrays below */
    int *heads, *labels;    /* [K], [K][Bmax] */
};

static size_t rnnts__roundup(size_t x, size_t m) { return (x + m - 1) / m * m; }
/* Adds an aligned buffer of n1*n2*n3 floats to *total; 0 when the size overflows. */
static int rnnts__ws_size(size_t *total, size_t *sz, size_t n1, size_t n2, size_t n3) {
    size_t b = rnnts__fbytes(n1, n2, n3);
    if (!b && n1 && n2 && n3) return 0;
    if (b > SIZE_MAX - RNNTS__ALIGN) return 0;
    b = rnnts__roundup(b, RNNTS__ALIGN);
    if (*total > SIZE_MAX - b) return 0;
    *sz = b;
    *total += b;
    return 1;
}

rnnts_result rnnts_rnn_ws_create(const rnnts_rnn *net, int max_batch, int max_len, const rnnts_allocator *alloc,
                                 rnnts_rnn_ws **out, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts_rnn_ws *ws;
    size_t H, K, Bp, Hp, L, kc, G, Q, LS, total = 0, off = 0, sz[24];
    float **dst[24];
    int nb = 0;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "out is NULL");
    *out = NULL;
    if (!net) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "net is NULL");
    if (max_batch < 1 || max_batch > (1 << 24))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "max_batch = %d: allowed 1..%d", max_batch, 1 << 24);
    if (max_len < 1 || max_len > (1 << 24))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "max_len = %d: allowed 1..%d", max_len, 1 << 24);
    H = (size_t)net->H; K = (size_t)net->K;
    kc = net->cfg.k_continuous > 0 ? (size_t)net->cfg.k_continuous : 1;
    Bp = rnnts__roundup((size_t)max_batch, RNNTS__NR);
    Hp = rnnts__roundup(H, RNNTS__NR);
    L = (size_t)max_len * kc;
    if (L < 2) L = 2; /* stream mode needs two state slots */
    G = (size_t)rnnts__gates(net->cfg.model);
    Q = net->cfg.model == RNNTS_MODEL_RNN ? H : (G + 1) * H;
    LS = net->cfg.model == RNNTS_MODEL_LSTM ? 1 : 0;
    ws = (rnnts_rnn_ws *)a.alloc(sizeof *ws, a.user);
    if (!ws) return rnnts__fail(err, RNNTS_ERR_OOM, "workspace: out of memory");
    memset(ws, 0, sizeof *ws);
#define RNNTS__WSBUF(field, n1, n2, n3) do { int ok_; dst[nb] = &ws->field; ok_ = rnnts__ws_size(&total, &sz[nb], (n1), (n2), (n3)); \
        nb += ok_; if (!ok_) goto overflow; } while (0)
    RNNTS__WSBUF(hist, L + 1, H, Bp);
    RNNTS__WSBUF(ubuf, L, Q, Bp);
    RNNTS__WSBUF(chist, (L + 1) * LS, H, Bp);
    RNNTS__WSBUF(gc, LS, H, Bp);
    RNNTS__WSBUF(S, L, Bp, 1);
    RNNTS__WSBUF(h0, H, Bp, 1);
    RNNTS__WSBUF(g, H, Bp, 1);
    RNNTS__WSBUF(gn, H, Bp, 1);
    RNNTS__WSBUF(hT, Bp, Hp, 1);
    RNNTS__WSBUF(wz, rnnts__packed_floats(G * H, H), 1, 1);
    RNNTS__WSBUF(wzT, rnnts__packed_floats(H, G * H), 1, 1);
    RNNTS__WSBUF(dWp, G * H, Hp, 1);
    RNNTS__WSBUF(acc, 3, G * H, 8);
    RNNTS__WSBUF(vpack, 2 * K, H, 1);
    RNNTS__WSBUF(vpackT, H, 2 * K, 1);
    RNNTS__WSBUF(lg, 2 * K, Bp, 1);
    RNNTS__WSBUF(dl, 2 * K, Bp, 1);
    RNNTS__WSBUF(ce, Bp, 1, 1);
    RNNTS__WSBUF(tauhat, H, 1, 1);
    RNNTS__WSBUF(alpha, H, 1, 1);
    RNNTS__WSBUF(heads_f, K, 1, 1);
    RNNTS__WSBUF(labels_f, K, Bp, 1);
#undef RNNTS__WSBUF
    ws->block = (float *)rnnts__amalloc(&a, total);
    if (!ws->block) {
        a.free(ws, a.user);
        return rnnts__fail(err, RNNTS_ERR_OOM, "workspace: out of memory (%zu bytes for H=%zu, batch %d, length %d)",
                           total, H, max_batch, max_len);
    }
    memset(ws->block, 0, total);
    for (int i = 0; i < nb; i++) { *dst[i] = ws->block + off / sizeof(float); off += sz[i]; }
    ws->heads = (int *)(void *)ws->heads_f; /* int and float are both 4 bytes */
    ws->labels = (int *)(void *)ws->labels_f;
    ws->alloc = a;
    ws->H = (int)H; ws->K = (int)K; ws->Bmax = max_batch; ws->Lmax = max_len; ws->kc = (int)kc;
    ws->Bp_max = (int)Bp; ws->Hp = (int)Hp;
    ws->model = net->cfg.model; ws->G = (int)G; ws->Q = (int)Q;
    *out = ws;
    return rnnts__ok(err);
overflow:
    a.free(ws, a.user);
    return rnnts__fail(err, RNNTS_ERR_OOM, "workspace: size overflows (H=%zu, batch %d, length %d)", H, max_batch, max_len);
}
void rnnts_rnn_ws_destroy(rnnts_rnn_ws *ws) {
    rnnts_allocator a;
    if (!ws) return;
    a = ws->alloc;
    rnnts__afree(&a, ws->block);
    a.free(ws, a.user);
}

/* phi and phi' on native vectors. phi'(x) uses the pre-activation x (ReLU family, as PyTorch: x > 0)
   or the output y (tanh: 1 - y*y; sigmoid: y*(1 - y)). */
RNNTS__INLINE rnnts__vn rnnts__act(rnnts_activation k, rnnts__vn x) {
    switch (k) {
    case RNNTS_ACT_LEAKYRELU: return rnnts__vn_sel(rnnts__vn_gt(x, rnnts__vn_zero()), x, rnnts__vn_mul(x, rnnts__vn_set1(0.01f)));
    case RNNTS_ACT_RELU: return rnnts__vn_sel(rnnts__vn_gt(x, rnnts__vn_zero()), x, rnnts__vn_zero());
    case RNNTS_ACT_TANH: return rnnts__tanh_v(x);
    default: return rnnts__sigmoid_v(x);
    }
}
RNNTS__INLINE rnnts__vn rnnts__dact(rnnts_activation k, rnnts__vn x, rnnts__vn y) {
    rnnts__vn one = rnnts__vn_set1(1.0f);
    switch (k) {
    case RNNTS_ACT_LEAKYRELU: return rnnts__vn_sel(rnnts__vn_gt(x, rnnts__vn_zero()), one, rnnts__vn_set1(0.01f));
    case RNNTS_ACT_RELU: return rnnts__vn_sel(rnnts__vn_gt(x, rnnts__vn_zero()), one, rnnts__vn_zero());
    case RNNTS_ACT_TANH: return rnnts__vn_sub(one, rnnts__vn_mul(y, y));
    default: return rnnts__vn_mul(y, rnnts__vn_sub(one, y));
    }
}
/* Lanes n + l >= B set to 0 (pad columns). */
RNNTS__INLINE rnnts__vn rnnts__padzero(rnnts__vn v, int n, int B) {
    static const float iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    if (n + RNNTS__VN <= B) return v;
    return rnnts__vn_sel(rnnts__vn_lt(rnnts__vn_add(rnnts__vn_load(iota), rnnts__vn_set1((float)n)),
                                      rnnts__vn_set1((float)B)), v, rnnts__vn_zero());
}

/* Row i of a blocked state matrix (R rows, Bp columns) into column i of its blocked transpose
   (Bp rows): dst[BLK(Bp, n, i)] = src[BLK(R, i, n)] for every n < Bp (pad columns are 0 in both).
   Per panel, 16 contiguous floats go to a stride of 16: no index arithmetic per element. */
static void rnnts__transpose_row(float *dst, const float *src, int R, int Bp, int i) {
    float *d = dst + ((size_t)(i >> 4) * (size_t)Bp) * 16 + (size_t)(i & 15);
    for (int n0 = 0; n0 < Bp; n0 += 16, d += 16 * 16) {
        const float *sp = src + RNNTS__BLK(R, i, n0);
        for (int l = 0; l < 16; l++) d[l * 16] = sp[l];
    }
}

typedef struct rnnts__ctx {
    rnnts_rnn_ws *ws;
    const rnnts_rnn *net;
    int t;                     /* internal step */
    const float *h_in, *s;     /* forward step input */
    float *h_out, *u_out;
    const float *c_in;         /* LSTM cell state in and out */
    float *c_out;
    rnnts__gemm g1, g2;        /* the products of a phase */
    float *grad;               /* backward: the gradient vector */
} rnnts__ctx;

/* Forward step tile hooks: start value u = b_i, and after the last k-chunk the fused epilogue
   u += w_in s + b_in, then the leak and phi (rows i..i+mr, columns n..n+15, while in L1). */
static void rnnts__fwd_pre(void *vc, int i0, int mr, int n) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    for (int i = i0; i < i0 + mr; i++) {
        rnnts__vn b = rnnts__vn_set1(c->net->b[i]);
        float *u = c->u_out + RNNTS__BLK(c->ws->H, i, n);
        for (int l = 0; l < RNNTS__NR; l += RNNTS__VN) rnnts__vn_store(u + l, b);
    }
}
/* The epilogues are instantiated per (variant, activation) with constants, so that the switch of
   rnnts__act / rnnts__dact folds away (RNNTS__EPI_DISPATCH picks the instance once per call). */
#define RNNTS__EPI_ONE(fn, vd, a, ...)                                                                     \
    do {                                                                                                    \
        if (vd) { fn(__VA_ARGS__, RNNTS_VARIANT_DEFAULT, a); } else { fn(__VA_ARGS__, RNNTS_VARIANT_MOD, a); } \
    } while (0)
#define RNNTS__EPI_DISPATCH(fn, variant, act, ...)                                                        \
    do {                                                                                                    \
        int vd_ = (variant) == RNNTS_VARIANT_DEFAULT;                                                       \
        switch (act) {                                                                                      \
        case RNNTS_ACT_LEAKYRELU: RNNTS__EPI_ONE(fn, vd_, RNNTS_ACT_LEAKYRELU, __VA_ARGS__); break;         \
        case RNNTS_ACT_RELU: RNNTS__EPI_ONE(fn, vd_, RNNTS_ACT_RELU, __VA_ARGS__); break;                   \
        case RNNTS_ACT_TANH: RNNTS__EPI_ONE(fn, vd_, RNNTS_ACT_TANH, __VA_ARGS__); break;                   \
        default: RNNTS__EPI_ONE(fn, vd_, RNNTS_ACT_SIGMOID, __VA_ARGS__); break;                            \
        }                                                                                                   \
    } while (0)
RNNTS__INLINE void rnnts__fwd_epi(rnnts__ctx *c, int i0, int mr, int n0, rnnts_variant variant, rnnts_activation act) {
    rnnts_rnn_ws *ws = c->ws;
    const rnnts_rnn *net = c->net;
    int H = ws->H, B = ws->B;
    for (int i = i0; i < i0 + mr; i++) {
        rnnts__vn win = rnnts__vn_set1(net->w_in[i]), bin = rnnts__vn_set1(net->b_in[i]);
        rnnts__vn al = rnnts__vn_set1(ws->alpha[i]), th = rnnts__vn_set1(ws->tauhat[i]);
        for (int n = n0; n < n0 + RNNTS__NR; n += RNNTS__VN) {
            size_t o = RNNTS__BLK(H, i, n);
            rnnts__vn x = rnnts__vn_add(rnnts__vn_mul(win, rnnts__vn_load(c->s + n)), bin);
            rnnts__vn uu = rnnts__vn_add(rnnts__vn_load(c->u_out + o), x), hv = rnnts__vn_load(c->h_in + o), hn;
            if (variant == RNNTS_VARIANT_DEFAULT)
                hn = rnnts__act(act, rnnts__vn_add(rnnts__vn_mul(al, hv), rnnts__vn_div(uu, th)));
            else
                hn = rnnts__vn_add(rnnts__vn_mul(al, hv), rnnts__vn_div(rnnts__act(act, uu), th));
            rnnts__vn_store(c->u_out + o, rnnts__padzero(uu, n, B));
            rnnts__vn_store(c->h_out + o, rnnts__padzero(hn, n, B));
        }
    }
}
static void rnnts__fwd_post(void *vc, int i0, int mr, int n0) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    RNNTS__EPI_DISPATCH(rnnts__fwd_epi, c->ws->variant, c->ws->act, c, i0, mr, n0);
}

/* Backward step t, phase A (rows i): from g = dL/dh_{t+1}
     default: da = g phi'(a_t);  du = da / tau_hat;  gn = alpha da;  dtau_hat += da (h_t - u_t)
     mod:     du = (g / tau_hat) phi'(u_t);         gn = alpha g;   dtau_hat += g (h_t - phi(u_t))
   (dtau_hat is divided by tau_hat^2 at the end). Lane accumulators per neuron, lane l summing the
   columns b = l (mod 8), over t = M-1..0 then b ascending: db = sum du, dw_in = sum du s.
   du_t overwrites u_t; h_t is transposed into hT (blocked, rows b) for the dW product. */
RNNTS__INLINE void rnnts__bwd_a(rnnts__ctx *c, int p0, int p1, rnnts_variant variant, rnnts_activation act) {
    rnnts_rnn_ws *ws = c->ws;
    int H = ws->H, Bp = ws->Bp, t = c->t, i0 = p0 * RNNTS__MR, i1 = RNNTS__MIN(p1 * RNNTS__MR, H);
    const float *h = ws->hist + (size_t)t * H * Bp, *y = h + (size_t)H * Bp, *s = ws->S + (size_t)t * Bp, *g = ws->g;
    float *u = ws->ubuf + (size_t)t * H * Bp, *gn = ws->gn;
    for (int i = i0; i < i1; i++) {
        rnnts__vn al = rnnts__vn_set1(ws->alpha[i]), th = rnnts__vn_set1(ws->tauhat[i]);
        float *ab = ws->acc + (size_t)i * 8, *aw = ws->acc + ((size_t)H + i) * 8, *at = ws->acc + ((size_t)2 * H + i) * 8;
        rnnts__vf sb = rnnts__vf_load(ab), sw = rnnts__vf_load(aw), st = rnnts__vf_load(at);
        for (int n = 0; n < Bp; n += RNNTS__VN) {
            size_t o = RNNTS__BLK(H, i, n);
            rnnts__vn hv = rnnts__vn_load(h + o), uv = rnnts__vn_load(u + o), gv = rnnts__vn_load(g + o), du;
            if (variant == RNNTS_VARIANT_DEFAULT) {
                rnnts__vn a = rnnts__vn_add(rnnts__vn_mul(al, hv), rnnts__vn_div(uv, th));
                rnnts__vn da = rnnts__vn_mul(gv, rnnts__dact(act, a, rnnts__vn_load(y + o)));
                du = rnnts__vn_div(da, th);
                rnnts__vn_store(gn + o, rnnts__vn_mul(al, da));
                st = rnnts__vn_fma8(da, rnnts__vn_sub(hv, uv), st);
            } else {
                rnnts__vn ph = rnnts__act(act, uv);
                du = rnnts__vn_mul(rnnts__vn_div(gv, th), rnnts__dact(act, uv, ph));
                rnnts__vn_store(gn + o, rnnts__vn_mul(al, gv));
                st = rnnts__vn_fma8(gv, rnnts__vn_sub(hv, ph), st);
            }
            sb = rnnts__vn_add8(sb, du);
            sw = rnnts__vn_fma8(du, rnnts__vn_load(s + n), sw);
            rnnts__vn_store(u + o, du);
        }
        rnnts__vf_store(ab, sb); rnnts__vf_store(aw, sw); rnnts__vf_store(at, st);
        rnnts__transpose_row(ws->hT, h, H, Bp, i);
    }
}
static void rnnts__task_bwd_a(void *vc, int p0, int p1) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    RNNTS__EPI_DISPATCH(rnnts__bwd_a, c->ws->variant, c->ws->act, c, p0, p1);
}
/* Phase B (rows j): gn[j] += sum_i W[i][j] du[i] (i ascending; only for t > 0), and
   dW[i][j] += sum_b du[i][b] h_t[j][b] (b ascending; t runs M-1..0 across calls). */
static void rnnts__task_bwd_b(void *vc, int p0, int p1) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    if (c->t > 0) rnnts__gemm_run(&c->g1, p0, p1, c->ws->H);
    rnnts__gemm_run(&c->g2, p0, p1, c->ws->H);
}

/* >>gru -------------------------------------------------------------------------------------
   GRU and LSTM (PyTorch's equations, see rnnts_model) share the driver in >>model: forward step, BPTT,
   stream; the cell equations are the epilogues here (GRU) and in >>lstm. G = 3 (GRU) or 4 (LSTM)
   gates per neuron, gate rows gate-major as PyTorch stores them (row g*H + i).
   Forward step t, one packed GEMM for every gate (the GEMM driver and micro-kernel of >>kernels):
       P[p][b] = b_hh[p], then + W_hh[p][j] h_t[j][b] for j = 0..H-1 (fma), p = 0..G*H-1
   into the step's gate block ubuf_t (Q = (G+1) H rows x Bp, blocked with R = Q). The GEMM is split
   between threads by 16-column panels only, and the elementwise epilogue of a panel runs as soon as
   the panel's last row tile is done (that tile's post hook): all H neurons x 16 columns, while the
   panel's P is in cache. Input part gi[p] = w_ih[p] x + b_ih[p] (unfused), x = 2s - 1.
   Gate block rows after the forward epilogue (after backward phase A):
     GRU  [0,H) r  [H,2H) z  [2H,3H) hn = W_hn h + b_hn  [3H,4H) n            (dar daz dhn dan)
     LSTM [0,H) i  [H,2H) f  [2H,3H) g  [3H,4H) o  [4H,5H) tanh(c_{t+1})      (dai daf dag dao -)
   Backward step t (time runs M-1..0), from g = dL/dh_{t+1} (and LSTM gc = dL/dc_{t+1}, 0 at M):
     GRU   dn = g (1 - z); dz = g (h - n); dan = dn (1 - n n); dar = (dan hn) (r (1 - r));
           daz = dz (z (1 - z)); dhn = dan r; dh_t = g z + W_hh^T [dar daz dhn]
     LSTM  do = g tc; dc = gc + (g o) (1 - tc tc); dai = (dc g) (i (1 - i)); daf = (dc c_t) (f (1 - f));
           dag = (dc i) (1 - g g); dao = do (o (1 - o)); gc = dc f; dh_t = 0 + W_hh^T [dai daf dag dao]
   Orders: dh_t[j][b] = start value above, then + W_hh[p][j] dgh[p][b] for p = 0..G*H-1 (fma; not at
   t = 0); dW_hh[p][j] = 0, then + dgh_t[p][b] h_t[j][b] for t = M-1..0, b = 0..B-1 (fma);
   db_ih, db_hh, dw_ih per gate row p: lane l of 8 takes b = l (mod 8), over t = M-1..0 then b
   ascending (dw_ih one fma per term with x), lanes combined by the canonical tree. dgi = dgh except
   the GRU's n row (dgi = dan, dgh = dhn). Heads and loss as the leaky RNN's. */
#define RNNTS__GSTEP(ws) ((size_t)16 * (size_t)(ws)->H) /* offset between the gate rows of one neuron */

/* GRU: r = sig(gi_r + P_r), z = sig(gi_z + P_z), n = tanh(gi_n + r hn), h' = (1 - z) n + z h. */
static void rnnts__gru_epi(rnnts__ctx *c, int n0) {
    const rnnts_rnn_ws *ws = c->ws;
    const rnnts_rnn *net = c->net;
    int H = ws->H, Q = ws->Q, B = ws->B;
    size_t d = RNNTS__GSTEP(ws);
    rnnts__vn one = rnnts__vn_set1(1.0f), two = rnnts__vn_set1(2.0f);
    for (int i = 0; i < H; i++) {
        rnnts__vn wr = rnnts__vn_set1(net->w_in[i]), wz = rnnts__vn_set1(net->w_in[H + i]), wn = rnnts__vn_set1(net->w_in[2 * H + i]);
        rnnts__vn br = rnnts__vn_set1(net->b_in[i]), bz = rnnts__vn_set1(net->b_in[H + i]), bn = rnnts__vn_set1(net->b_in[2 * H + i]);
        for (int n = n0; n < n0 + RNNTS__NR; n += RNNTS__VN) {
            float *u = c->u_out + RNNTS__BLK(Q, i, n);
            size_t oh = RNNTS__BLK(H, i, n);
            rnnts__vn x = rnnts__vn_sub(rnnts__vn_mul(two, rnnts__vn_load(c->s + n)), one);
            rnnts__vn r = rnnts__sigmoid_v(rnnts__vn_add(rnnts__vn_add(rnnts__vn_mul(wr, x), br), rnnts__vn_load(u)));
            rnnts__vn z = rnnts__sigmoid_v(rnnts__vn_add(rnnts__vn_add(rnnts__vn_mul(wz, x), bz), rnnts__vn_load(u + d)));
            rnnts__vn hn = rnnts__vn_load(u + 2 * d);
            rnnts__vn nn = rnnts__tanh_v(rnnts__vn_add(rnnts__vn_add(rnnts__vn_mul(wn, x), bn), rnnts__vn_mul(r, hn)));
            rnnts__vn h = rnnts__vn_add(rnnts__vn_mul(rnnts__vn_sub(one, z), nn), rnnts__vn_mul(z, rnnts__vn_load(c->h_in + oh)));
            rnnts__vn_store(u, r);
            rnnts__vn_store(u + d, z);
            rnnts__vn_store(u + 3 * d, nn);
            rnnts__vn_store(c->h_out + oh, rnnts__padzero(h, n, B));
        }
    }
}

/* >>lstm ------------------------------------------------------------------------------------
   LSTM cell (driver in >>model): [i f g o] = gi + P; i, f, o = sig, g = tanh; c' = f c + i g
   (two products, then the sum); h' = o tanh(c'). */
static void rnnts__lstm_epi(rnnts__ctx *c, int n0) {
    const rnnts_rnn_ws *ws = c->ws;
    const rnnts_rnn *net = c->net;
    int H = ws->H, Q = ws->Q, B = ws->B;
    size_t d = RNNTS__GSTEP(ws);
    rnnts__vn one = rnnts__vn_set1(1.0f), two = rnnts__vn_set1(2.0f);
    for (int i = 0; i < H; i++) {
        rnnts__vn w[4], b[4];
        for (int q = 0; q < 4; q++) { w[q] = rnnts__vn_set1(net->w_in[q * H + i]); b[q] = rnnts__vn_set1(net->b_in[q * H + i]); }
        for (int n = n0; n < n0 + RNNTS__NR; n += RNNTS__VN) {
            float *u = c->u_out + RNNTS__BLK(Q, i, n);
            size_t oh = RNNTS__BLK(H, i, n);
            rnnts__vn x = rnnts__vn_sub(rnnts__vn_mul(two, rnnts__vn_load(c->s + n)), one), a[4];
            for (int q = 0; q < 4; q++) a[q] = rnnts__vn_add(rnnts__vn_add(rnnts__vn_mul(w[q], x), b[q]), rnnts__vn_load(u + q * d));
            a[0] = rnnts__sigmoid_v(a[0]);
            a[1] = rnnts__sigmoid_v(a[1]);
            a[2] = rnnts__tanh_v(a[2]);
            a[3] = rnnts__sigmoid_v(a[3]);
            rnnts__vn cn = rnnts__vn_add(rnnts__vn_mul(a[1], rnnts__vn_load(c->c_in + oh)), rnnts__vn_mul(a[0], a[2]));
            rnnts__vn tc = rnnts__tanh_v(cn);
            for (int q = 0; q < 4; q++) rnnts__vn_store(u + q * d, a[q]);
            rnnts__vn_store(u + 4 * d, tc);
            rnnts__vn_store(c->c_out + oh, rnnts__padzero(cn, n, B));
            rnnts__vn_store(c->h_out + oh, rnnts__padzero(rnnts__vn_mul(a[3], tc), n, B));
        }
    }
}

/* >>loss ------------------------------------------------------------------------------------ */
/* Per active head a: ce_b = lse_b - l_{y_b}, lse = m + ln(e^(l0 - m) + e^(l1 - m)), m = max;
   L_a = canon_sum(ce) / B; loss = ((0 + L_0) + L_1) + ... in head order.
   dL/dl_c = (e^(l_c - lse) - [c == y]) / B, pad columns 0. */
static float rnnts__loss(rnnts_rnn_ws *ws) {
    int B = ws->B, Bp = ws->Bp;
    float total = 0.0f;
    rnnts__vn one = rnnts__vn_set1(1.0f), zero = rnnts__vn_zero(), fb = rnnts__vn_set1((float)B);
    for (int a = 0; a < ws->n_active; a++) {
        const float *l0 = ws->lg + (size_t)(2 * a) * Bp, *l1 = l0 + Bp;
        const float *yb = ws->labels_f + (size_t)a * B; /* the int labels' bits (0 or 1); lanes >= B unused */
        float *d0 = ws->dl + (size_t)(2 * a) * Bp, *d1 = d0 + Bp;
        for (int b = 0; b < Bp; b += RNNTS__VN) { /* element-wise, native vectors */
            rnnts__vn x0 = rnnts__vn_load(l0 + b), x1 = rnnts__vn_load(l1 + b), m = rnnts__vn_max(x0, x1), lse;
            rnnts__vnm y1 = rnnts__vni_gt(rnnts__vn_bits(rnnts__vn_load(yb + b)), rnnts__vni_set1(0));
            lse = rnnts__vn_add(m, rnnts__log_v(rnnts__vn_add(rnnts__exp_v(rnnts__vn_sub(x0, m)), rnnts__exp_v(rnnts__vn_sub(x1, m)))));
            rnnts__vn_store(ws->ce + b, rnnts__vn_sub(lse, rnnts__vn_sel(y1, x1, x0)));
            rnnts__vn_store(d0 + b, rnnts__padzero(rnnts__vn_div(rnnts__vn_sub(rnnts__exp_v(rnnts__vn_sub(x0, lse)), rnnts__vn_sel(y1, zero, one)), fb), b, B));
            rnnts__vn_store(d1 + b, rnnts__padzero(rnnts__vn_div(rnnts__vn_sub(rnnts__exp_v(rnnts__vn_sub(x1, lse)), rnnts__vn_sel(y1, one, zero)), fb), b, B));
        }
        total = total + rnnts_sum_canon(ws->ce, (size_t)B) / (float)B;
    }
    return total;
}

/* >>model ----------------------------------------------------------------------------------- */
/* The driver every model shares: batch checks and preparation, the GRU/LSTM gate step, readout,
   BPTT, and the entry points forward, backward, stream. After >>loss: rnnts_rnn_forward computes
   the loss. */
/* Checks a batch against the workspace and the network; fills S, h0, tau_hat, alpha, W copies. */
/* The weight packing and the drawn h0 of prepare, on the pool: both write disjoint elements, each
   a pure function of its indices (packed panels [p0, p1); h0 sequences [b0, b1)). */
typedef struct {
    float *dst;
    const float *A;
    size_t rs, cs;
    int R, K, zero_diag;
    uint64_t key;            /* h0 draws */
    const rnnts_rnn_ws *ws;
} rnnts__prep_job;
static void rnnts__task_pack(void *vc, int p0, int p1) {
    const rnnts__prep_job *j = (const rnnts__prep_job *)vc;
    int r0 = p0 * RNNTS__MR, r1 = RNNTS__MIN(p1 * RNNTS__MR, j->R);
    rnnts__pack_a(j->dst + (size_t)r0 * (size_t)j->K, j->A + (size_t)r0 * j->rs, j->rs, j->cs, r1 - r0, j->K);
    if (j->zero_diag) /* W's diagonal: row r, column r, in panel r / MR */
        for (int r = r0; r < r1 && r < j->K; r++) {
            int p = r / RNNTS__MR;
            j->dst[((size_t)p * j->K + (size_t)r) * RNNTS__MR + (size_t)(r - p * RNNTS__MR)] = 0.0f;
        }
}
static void rnnts__pack_pool(rnnts_pool *pool, float *dst, const float *A, size_t rs, size_t cs, int R, int K, int zero_diag) {
    rnnts__prep_job j;
    memset(&j, 0, sizeof j);
    j.dst = dst; j.A = A; j.rs = rs; j.cs = cs; j.R = R; j.K = K; j.zero_diag = zero_diag;
    rnnts__pool_run(pool, rnnts__panels(R), rnnts__task_pack, &j, 16.0 * R * K); /* a strided copy: ~16 flops' time each */
}
/* h0 = 0.1 * U[0,1) from key(h0_seed, H0, h0_draw, 0), draw b*H + i, into the blocked layout. */
static void rnnts__task_h0(void *vc, int b0, int b1) {
    const rnnts__prep_job *j = (const rnnts__prep_job *)vc;
    int H = j->ws->H;
    for (int b = b0; b < b1; b++)
        for (int i = 0; i < H; i++) j->ws->h0[RNNTS__BLK(H, i, b)] = 0.1f * rnnts_rng_uniform(j->key, (uint64_t)b * H + i);
}
static rnnts_result rnnts__prepare(rnnts_rnn_ws *ws, const rnnts_rnn *net, const rnnts_batch *bt, int stream, rnnts_pool *pool,
                                   rnnts_error *err) {
    int H, B, M, kc;
    if (!ws || !net || !bt) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "ws, net and batch must not be NULL");
    ws->have_fwd = 0; /* a failed call must not leave an older pass usable by backward */
    H = net->H;
    if (ws->H != H || ws->K != net->K || ws->kc != (net->cfg.k_continuous > 0 ? net->cfg.k_continuous : 1) || ws->model != net->cfg.model)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "workspace was made for another network shape (%s H=%d K=%d)",
                           rnnts_model_name(ws->model), ws->H, ws->K);
    B = bt->batch; M = bt->len; kc = ws->kc;
    if (B < 1 || B > ws->Bmax) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "batch = %d: allowed 1..%d (workspace max_batch)", B, ws->Bmax);
    if (M < 1 || (!stream && M > ws->Lmax)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "len = %d: allowed 1..%d (workspace max_len)", M, ws->Lmax);
    if ((size_t)M * (size_t)kc > (size_t)0x7fffffff) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "len = %d: len * k_continuous must be below 2^31", M);
    if (!bt->input) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "batch.input is NULL");
    if (!stream) {
        if (bt->n_active < 1 || bt->n_active > net->K)
            return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "n_active = %d: allowed 1..%d (heads)", bt->n_active, net->K);
        if (!bt->heads) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "batch.heads is NULL");
        for (int a = 0; a < bt->n_active; a++) {
            if (bt->heads[a] < 0 || bt->heads[a] >= net->K)
                return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "heads[%d] = %d: allowed 0..%d", a, bt->heads[a], net->K - 1);
            for (int q = 0; q < a; q++)
                if (bt->labels && bt->heads[q] == bt->heads[a]) /* a repeated head is fine for read-out only */
                    return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "heads[%d] = %d repeats heads[%d] (not allowed with labels)", a, bt->heads[a], q);
            ws->heads[a] = bt->heads[a];
        }
        if (bt->labels)
            for (int a = 0; a < bt->n_active; a++)
                for (int b = 0; b < B; b++) {
                    int y = bt->labels[(size_t)a * B + b];
                    if (y != 0 && y != 1) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "labels[%d][%d] = %d: allowed 0 or 1", a, b, y);
                    ws->labels[(size_t)a * B + b] = y;
                }
    }
    for (size_t e = 0; e < (size_t)M * B; e++)
        if (!rnnts__isfinite(bt->input[e])) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "input[%zu] is not finite", e);
    ws->B = B; ws->Bp = (int)rnnts__roundup((size_t)B, RNNTS__NR); ws->M = M; ws->L = M * kc;
    ws->n_active = stream ? 0 : bt->n_active;
    ws->have_labels = !stream && bt->labels != NULL;
    ws->variant = net->cfg.variant;
    ws->act = net->cfg.activation;
    if (ws->model != RNNTS_MODEL_RNN) {
        /* GRU/LSTM: W_hh and W_hh^T packed for the two products; h_0 = 0 or the batch's h0, c_0 = 0. */
        int GH = ws->G * H;
        rnnts__pack_pool(pool, ws->wz, net->w, (size_t)H, 1, GH, H, 0);
        rnnts__pack_pool(pool, ws->wzT, net->w, 1, (size_t)H, H, GH, 0);
        memset(ws->h0, 0, (size_t)H * ws->Bp * sizeof(float));
        if (bt->h0)
            for (int b = 0; b < B; b++)
                for (int i = 0; i < H; i++) {
                    float v = bt->h0[(size_t)b * H + i];
                    if (!rnnts__isfinite(v)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "h0[%d][%d] is not finite", b, i);
                    ws->h0[RNNTS__BLK(H, i, b)] = v;
                }
        return RNNTS_OK;
    }
    /* tau_hat = max(k tau, 1) when learnable (k = 1 in discrete time), the fixed tau (times k) otherwise. */
    for (int i = 0; i < H; i++) {
        float th;
        if (!rnnts__isfinite(net->tau[net->cfg.train_tau ? i : 0]))
            return rnnts__fail(err, RNNTS_ERR_NONFINITE, "tau[%d] is not finite", net->cfg.train_tau ? i : 0);
        if (net->cfg.train_tau) {
            float kt = net->cfg.k_continuous > 0 ? net->tau[i] * (float)net->cfg.k_continuous : net->tau[i];
            th = kt > 1.0f ? kt : 1.0f;
        } else {
            th = net->cfg.k_continuous > 0 ? net->tau[0] * (float)net->cfg.k_continuous : net->tau[0];
        }
        if (!rnnts__isfinite(th) || !(th > 0.0f)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "tau[%d] gives tau_hat = %.9g", i, (double)th);
        ws->tauhat[i] = th;
        ws->alpha[i] = 1.0f - 1.0f / th;
    }
    rnnts__pack_pool(pool, ws->wz, net->w, (size_t)H, 1, H, H, 1);
    rnnts__pack_pool(pool, ws->wzT, net->w, 1, (size_t)H, H, H, 1);
    /* h0 (blocked): given ([B][H]) or 0.1 * U[0,1) from key(h0_seed, H0, h0_draw, 0), draw b*H + i. */
    {
        uint64_t key = rnnts_rng_key(bt->h0_seed, RNNTS_PURPOSE_H0, bt->h0_draw, 0);
        memset(ws->h0, 0, (size_t)H * ws->Bp * sizeof(float));
        if (!bt->h0) {
            rnnts__prep_job j;
            memset(&j, 0, sizeof j);
            j.key = key; j.ws = ws;
            rnnts__pool_run(pool, B, rnnts__task_h0, &j, 32.0 * B * H);
        } else {
            for (int b = 0; b < B; b++)
                for (int i = 0; i < H; i++) {
                    float v = bt->h0[(size_t)b * H + i];
                    if (!rnnts__isfinite(v)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "h0[%d][%d] is not finite", b, i);
                    ws->h0[RNNTS__BLK(H, i, b)] = v;
                }
        }
    }
    ws->have_fwd = 0;
    return RNNTS_OK;
}
/* State slot 0 of hist (and chist) from h0 (and c_0 = 0, or ws->c0 when set). */
static void rnnts__init_state(rnnts_rnn_ws *ws) {
    size_t HB = (size_t)ws->H * ws->Bp;
    memcpy(ws->hist, ws->h0, HB * sizeof(float));
    if (ws->model == RNNTS_MODEL_LSTM) {
        memset(ws->chist, 0, HB * sizeof(float));
        if (ws->c0)
            for (int b = 0; b < ws->B; b++)
                for (int i = 0; i < ws->H; i++) ws->chist[RNNTS__BLK(ws->H, i, b)] = ws->c0[(size_t)b * ws->H + i];
    }
}
/* s for internal step t (input step t / k) into dst [Bp]. */
static void rnnts__load_input(const rnnts_rnn_ws *ws, const rnnts_batch *bt, int t, float *dst) {
    const float *src = bt->input + (size_t)(t / ws->kc) * ws->B;
    memcpy(dst, src, (size_t)ws->B * sizeof(float));
    memset(dst + ws->B, 0, (size_t)(ws->Bp - ws->B) * sizeof(float));
}
/* GRU/LSTM forward step: one packed gate GEMM per step, each column panel finished by the
   cell epilogue of >>gru / >>lstm. */
/* Start value of the gate GEMM: P = b_hh. */
static void rnnts__gated_pre(void *vc, int i0, int mr, int n) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    for (int p = i0; p < i0 + mr; p++) {
        rnnts__vn b = rnnts__vn_set1(c->net->b[p]);
        float *u = c->u_out + RNNTS__BLK(c->ws->Q, p, n);
        for (int l = 0; l < RNNTS__NR; l += RNNTS__VN) rnnts__vn_store(u + l, b);
    }
}
/* Row tiles of a column panel run in ascending order, so the panel is complete after its last one. */
static void rnnts__gated_post(void *vc, int i0, int mr, int n) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    if (i0 + mr < c->ws->G * c->ws->H) return;
    if (c->ws->model == RNNTS_MODEL_GRU) rnnts__gru_epi(c, n);
    else rnnts__lstm_epi(c, n);
}
static void rnnts__gated_step(rnnts_rnn_ws *ws, const rnnts_rnn *net, rnnts_pool *pool, const float *h_in, const float *s,
                              float *h_out, float *u_out) {
    rnnts__ctx c;
    rnnts__gemm_task task;
    int GH = ws->G * ws->H;
    memset(&c, 0, sizeof c);
    c.ws = ws; c.net = net; c.h_in = h_in; c.s = s; c.h_out = h_out; c.u_out = u_out;
    if (ws->model == RNNTS_MODEL_LSTM) { /* the cell state lives in chist at the slot of h */
        c.c_in = ws->chist + (h_in - ws->hist);
        c.c_out = ws->chist + (h_out - ws->hist);
    }
    c.g1.K = ws->H; c.g1.ncols = ws->Bp;
    rnnts__gemm_ap(&c.g1, ws->wz);
    rnnts__gemm_b(&c.g1, h_in, RNNTS__NR, (size_t)ws->H * RNNTS__NR);
    rnnts__gemm_c(&c.g1, u_out, RNNTS__NR, (size_t)ws->Q * RNNTS__NR);
    c.g1.pre = rnnts__gated_pre; c.g1.post = rnnts__gated_post; c.g1.hook_ctx = &c;
    task.g = &c.g1; task.R = GH;
    rnnts__pool_run(pool, ws->Bp / RNNTS__NR, rnnts__task_gemm_cols, &task, 2.0 * GH * ws->H * ws->Bp);
}
/* One step; h_in and h_out point into ws->hist (GRU/LSTM find their cell state at the same slot of chist). */
static void rnnts__step(rnnts_rnn_ws *ws, const rnnts_rnn *net, rnnts_pool *pool, const float *h_in, const float *s,
                        float *h_out, float *u_out) {
    rnnts__ctx c;
    size_t HB = (size_t)ws->H * RNNTS__NR;
    if (ws->model != RNNTS_MODEL_RNN) { rnnts__gated_step(ws, net, pool, h_in, s, h_out, u_out); return; }
    memset(&c, 0, sizeof c);
    c.ws = ws; c.net = net; c.h_in = h_in; c.s = s; c.h_out = h_out; c.u_out = u_out;
    c.g1.K = ws->H; c.g1.ncols = ws->Bp;
    rnnts__gemm_ap(&c.g1, ws->wz);
    rnnts__gemm_b(&c.g1, h_in, RNNTS__NR, HB);
    rnnts__gemm_c(&c.g1, u_out, RNNTS__NR, HB);
    c.g1.pre = rnnts__fwd_pre; c.g1.post = rnnts__fwd_post; c.g1.hook_ctx = &c;
    rnnts__gemm_pool(pool, &c.g1, ws->H, 1);
}
/* Readout of heads into lg [2n][Bp] (plain rows): lg[r][b] = c_r + sum_i V[r][i] h[i][b] (i ascending).
   vpack must hold the 2n weight rows. */
static void rnnts__readout(rnnts_rnn_ws *ws, const rnnts_rnn *net, rnnts_pool *pool, const int *heads, int n, const float *h) {
    rnnts__gemm g;
    int H = ws->H, Bp = ws->Bp;
    for (int a = 0; a < n; a++)
        for (int cl = 0; cl < 2; cl++) {
            const float *hd = net->head + (size_t)heads[a] * (2 * (size_t)H + 2);
            float *row = ws->lg + (size_t)(2 * a + cl) * Bp;
            for (int b = 0; b < Bp; b++) row[b] = hd[2 * (size_t)H + cl];
        }
    memset(&g, 0, sizeof g);
    g.K = H; g.ncols = Bp;
    rnnts__gemm_a(&g, ws->vpack, (size_t)H, RNNTS__NR);
    rnnts__gemm_b(&g, h, RNNTS__NR, (size_t)H * RNNTS__NR);
    rnnts__gemm_c(&g, ws->lg, (size_t)Bp, RNNTS__NR);
    rnnts__gemm_pool(pool, &g, 2 * n, 1);
}
static void rnnts__pack_heads(rnnts_rnn_ws *ws, const rnnts_rnn *net, const int *heads, int n) {
    size_t H = (size_t)ws->H;
    for (int a = 0; a < n; a++) {
        const float *hd = net->head + (size_t)heads[a] * (2 * H + 2);
        memcpy(ws->vpack + (size_t)2 * a * H, hd, 2 * H * sizeof(float));
        for (size_t i = 0; i < H; i++) {
            ws->vpackT[i * (size_t)(2 * n) + 2 * a] = hd[i];
            ws->vpackT[i * (size_t)(2 * n) + 2 * a + 1] = hd[H + i];
        }
    }
}
/* Head weight gradients for rows i: dV[a][c][i] = canon_b(dl[a][c][b] h_M[i][b]) (lane form). */
static void rnnts__task_dv(void *vc, int p0, int p1) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    const rnnts_rnn_ws *ws = c->ws;
    int H = ws->H, Bp = ws->Bp, i1 = RNNTS__MIN(p1 * RNNTS__MR, H);
    const float *hM = ws->hist + (size_t)ws->L * H * Bp;
    for (int a = 0; a < ws->n_active; a++) {
        float *gh = c->grad + (c->net->head - c->net->param) + (size_t)ws->heads[a] * (2 * (size_t)H + 2);
        for (int cl = 0; cl < 2; cl++) {
            const float *d = ws->dl + (size_t)(2 * a + cl) * Bp;
            for (int i = p0 * RNNTS__MR; i < i1; i++) {
                rnnts__vf s = rnnts__vf_zero();
                for (int n = 0; n < Bp; n += 8)
                    s = rnnts__vf_fma(rnnts__vf_load(d + n), rnnts__vf_load(hM + RNNTS__BLK(H, i, n)), s);
                gh[(size_t)cl * H + i] = rnnts__vf_tree(s);
            }
        }
    }
}

/* Backward phase A for neurons [6 p0, 6 p1): the gate gradients (in place of the gates), the start
   value of dh_t, LSTM's dL/dc_t, the lane accumulators of b_ih, b_hh, w_ih, and h_t transposed. */
RNNTS__INLINE void rnnts__gated_bwd_a(rnnts__ctx *c, int p0, int p1, int lstm) {
    rnnts_rnn_ws *ws = c->ws;
    int H = ws->H, Bp = ws->Bp, Q = ws->Q, G = ws->G, GH = G * H, t = c->t;
    int i0 = p0 * RNNTS__MR, i1 = RNNTS__MIN(p1 * RNNTS__MR, H);
    size_t d = RNNTS__GSTEP(ws), HB = (size_t)H * Bp;
    const float *h = ws->hist + (size_t)t * HB, *s = ws->S + (size_t)t * Bp, *g = ws->g;
    const float *cp = lstm ? ws->chist + (size_t)t * HB : NULL;
    float *ub = ws->ubuf + (size_t)t * Q * Bp, *gn = ws->gn, *gc = ws->gc;
    rnnts__vn one = rnnts__vn_set1(1.0f), two = rnnts__vn_set1(2.0f);
    for (int i = i0; i < i1; i++) {
        rnnts__vf sbi[4], sbh[4], sw[4]; /* 8-lane accumulators (canonical order) */
        for (int q = G; q < 4; q++) sbi[q] = sbh[q] = sw[q] = rnnts__vf_zero(); /* unused rows (GRU): quiet -O3's warning */
        for (int q = 0; q < G; q++) {
            sbi[q] = rnnts__vf_load(ws->acc + ((size_t)q * H + i) * 8);
            sbh[q] = rnnts__vf_load(ws->acc + ((size_t)GH + (size_t)q * H + i) * 8);
            sw[q] = rnnts__vf_load(ws->acc + ((size_t)2 * GH + (size_t)q * H + i) * 8);
        }
        for (int n = 0; n < Bp; n += RNNTS__VN) {
            float *u = ub + RNNTS__BLK(Q, i, n);
            size_t oh = RNNTS__BLK(H, i, n);
            rnnts__vn x = rnnts__vn_sub(rnnts__vn_mul(two, rnnts__vn_load(s + n)), one), gv = rnnts__vn_load(g + oh);
            rnnts__vn dgi[4], dgh[4];
            if (!lstm) {
                rnnts__vn r = rnnts__vn_load(u), z = rnnts__vn_load(u + d), hn = rnnts__vn_load(u + 2 * d), nn = rnnts__vn_load(u + 3 * d);
                rnnts__vn dn = rnnts__vn_mul(gv, rnnts__vn_sub(one, z));
                rnnts__vn dz = rnnts__vn_mul(gv, rnnts__vn_sub(rnnts__vn_load(h + oh), nn));
                rnnts__vn dan = rnnts__vn_mul(dn, rnnts__vn_sub(one, rnnts__vn_mul(nn, nn)));
                dgi[0] = dgh[0] = rnnts__vn_mul(rnnts__vn_mul(dan, hn), rnnts__vn_mul(r, rnnts__vn_sub(one, r)));
                dgi[1] = dgh[1] = rnnts__vn_mul(dz, rnnts__vn_mul(z, rnnts__vn_sub(one, z)));
                dgh[2] = rnnts__vn_mul(dan, r);
                dgi[2] = dan;
                dgi[3] = dgh[3] = rnnts__vn_zero(); /* no fourth gate */
                rnnts__vn_store(gn + oh, rnnts__vn_mul(gv, z));
                rnnts__vn_store(u + 3 * d, dan);
            } else {
                rnnts__vn ig = rnnts__vn_load(u), fg = rnnts__vn_load(u + d), gg = rnnts__vn_load(u + 2 * d), og = rnnts__vn_load(u + 3 * d);
                rnnts__vn tc = rnnts__vn_load(u + 4 * d);
                rnnts__vn dc = rnnts__vn_add(rnnts__vn_load(gc + oh), rnnts__vn_mul(rnnts__vn_mul(gv, og), rnnts__vn_sub(one, rnnts__vn_mul(tc, tc))));
                dgi[0] = dgh[0] = rnnts__vn_mul(rnnts__vn_mul(dc, gg), rnnts__vn_mul(ig, rnnts__vn_sub(one, ig)));
                dgi[1] = dgh[1] = rnnts__vn_mul(rnnts__vn_mul(dc, rnnts__vn_load(cp + oh)), rnnts__vn_mul(fg, rnnts__vn_sub(one, fg)));
                dgi[2] = dgh[2] = rnnts__vn_mul(rnnts__vn_mul(dc, ig), rnnts__vn_sub(one, rnnts__vn_mul(gg, gg)));
                dgi[3] = dgh[3] = rnnts__vn_mul(rnnts__vn_mul(gv, tc), rnnts__vn_mul(og, rnnts__vn_sub(one, og)));
                rnnts__vn_store(gc + oh, rnnts__vn_mul(dc, fg));
                rnnts__vn_store(gn + oh, rnnts__vn_zero());
                rnnts__vn_store(u + 3 * d, dgh[3]);
            }
            rnnts__vn_store(u, dgh[0]);
            rnnts__vn_store(u + d, dgh[1]);
            rnnts__vn_store(u + 2 * d, dgh[2]);
            for (int q = 0; q < G; q++) {
                sbi[q] = rnnts__vn_add8(sbi[q], dgi[q]);
                sbh[q] = rnnts__vn_add8(sbh[q], dgh[q]);
                sw[q] = rnnts__vn_fma8(dgi[q], x, sw[q]);
            }
        }
        for (int q = 0; q < G; q++) {
            rnnts__vf_store(ws->acc + ((size_t)q * H + i) * 8, sbi[q]);
            rnnts__vf_store(ws->acc + ((size_t)GH + (size_t)q * H + i) * 8, sbh[q]);
            rnnts__vf_store(ws->acc + ((size_t)2 * GH + (size_t)q * H + i) * 8, sw[q]);
        }
        rnnts__transpose_row(ws->hT, h, H, Bp, i);
    }
}
static void rnnts__task_gated_bwd_a(void *vc, int p0, int p1) {
    rnnts__ctx *c = (rnnts__ctx *)vc;
    if (c->ws->model == RNNTS_MODEL_LSTM) rnnts__gated_bwd_a(c, p0, p1, 1);
    else rnnts__gated_bwd_a(c, p0, p1, 0);
}
/* BPTT of GRU/LSTM from ws->g = dL/dh_M; writes the cell tensors' gradients into grad. */
static void rnnts__gated_bptt(rnnts_rnn_ws *ws, const rnnts_rnn *net, rnnts_pool *pool, float *grad) {
    int H = ws->H, B = ws->B, Bp = ws->Bp, Hp = ws->Hp, Q = ws->Q, GH = ws->G * H;
    size_t Hs = (size_t)H;
    rnnts__ctx c;
    memset(&c, 0, sizeof c);
    c.ws = ws; c.net = net;
    if (ws->model == RNNTS_MODEL_LSTM) memset(ws->gc, 0, Hs * Bp * sizeof(float));
    for (int t = ws->L - 1; t >= 0; t--) {
        float *tmp, *du = ws->ubuf + (size_t)t * Q * Bp;
        c.t = t;
        rnnts__pool_run(pool, rnnts__panels(H), rnnts__task_gated_bwd_a, &c, 8.0 * GH * B);
        if (t > 0) { /* g1: gn (blocked) += W_hh^T dgh */
            c.g1.K = GH; c.g1.ncols = Bp;
            rnnts__gemm_ap(&c.g1, ws->wzT);
            rnnts__gemm_b(&c.g1, du, RNNTS__NR, (size_t)Q * RNNTS__NR);
            rnnts__gemm_c(&c.g1, ws->gn, RNNTS__NR, Hs * RNNTS__NR);
            rnnts__gemm_pool(pool, &c.g1, H, 0);
        }
        /* g2: dW_hh (blocked, G*H rows x Hp) += dgh (blocked, as A) hT (blocked, Bp rows) */
        c.g2.K = B; c.g2.ncols = Hp;
        rnnts__gemm_a(&c.g2, du, RNNTS__NR, (size_t)Q * RNNTS__NR);
        rnnts__gemm_b(&c.g2, ws->hT, RNNTS__NR, (size_t)Bp * RNNTS__NR);
        rnnts__gemm_c(&c.g2, ws->dWp, RNNTS__NR, (size_t)GH * RNNTS__NR);
        rnnts__gemm_pool(pool, &c.g2, GH, 0);
        tmp = ws->g; ws->g = ws->gn; ws->gn = tmp;
    }
    {
        float *g_win = grad + (net->w_in - net->param), *g_w = grad + (net->w - net->param);
        float *g_bin = grad + (net->b_in - net->param), *g_b = grad + (net->b - net->param);
        for (int p = 0; p < GH; p++) {
            g_bin[p] = rnnts__vf_tree(rnnts__vf_load(ws->acc + (size_t)p * 8));
            g_b[p] = rnnts__vf_tree(rnnts__vf_load(ws->acc + ((size_t)GH + p) * 8));
            g_win[p] = rnnts__vf_tree(rnnts__vf_load(ws->acc + ((size_t)2 * GH + p) * 8));
            for (int j = 0; j < H; j++) g_w[(size_t)p * Hs + j] = ws->dWp[RNNTS__BLK(GH, p, j)];
        }
    }
}

rnnts_result rnnts_rnn_forward(rnnts_rnn_ws *ws, const rnnts_rnn *net, const rnnts_batch *bt, rnnts_pool *pool,
                               float *logits, float *loss, rnnts_error *err) {
    rnnts_result r = rnnts__prepare(ws, net, bt, 0, pool, err);
    size_t HB;
    if (r != RNNTS_OK) return r;
    if (loss && !bt->labels) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "loss requested but batch.labels is NULL");
    HB = (size_t)ws->H * ws->Bp;
    rnnts__init_state(ws);
    for (int t = 0; t < ws->L; t++) {
        float *s = ws->S + (size_t)t * ws->Bp;
        rnnts__load_input(ws, bt, t, s);
        rnnts__step(ws, net, pool, ws->hist + (size_t)t * HB, s, ws->hist + (size_t)(t + 1) * HB, ws->ubuf + (size_t)t * ws->Q * ws->Bp);
    }
    rnnts__pack_heads(ws, net, ws->heads, ws->n_active);
    rnnts__readout(ws, net, pool, ws->heads, ws->n_active, ws->hist + (size_t)ws->L * HB);
    if (logits)
        for (int a = 0; a < ws->n_active; a++)
            for (int b = 0; b < ws->B; b++)
                for (int c = 0; c < 2; c++)
                    logits[((size_t)a * ws->B + b) * 2 + c] = ws->lg[(size_t)(2 * a + c) * ws->Bp + b];
    if (ws->have_labels) {
        float l = rnnts__loss(ws);
        if (loss) *loss = l;
        if (!rnnts__isfinite(l)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "loss is not finite (%.9g)", (double)l);
    }
    ws->have_fwd = 1;
    return rnnts__ok(err);
}

rnnts_result rnnts_rnn_backward(rnnts_rnn_ws *ws, const rnnts_rnn *net, rnnts_pool *pool, float *grad, rnnts_error *err) {
    int H, B, Bp, Hp, na;
    size_t Hs;
    rnnts__ctx c;
    if (!ws || !net || !grad) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "ws, net and grad must not be NULL");
    if (!ws->have_fwd || !ws->have_labels)
        return rnnts__fail(err, RNNTS_ERR_STATE, "backward needs a forward pass with labels before it");
    if (ws->H != net->H || ws->K != net->K || ws->model != net->cfg.model) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "network does not match the workspace");
    H = ws->H; B = ws->B; Bp = ws->Bp; Hp = ws->Hp; na = ws->n_active; Hs = (size_t)H;
    memset(grad, 0, net->n_param * sizeof(float));
    memset(ws->acc, 0, 3 * (size_t)ws->G * Hs * 8 * sizeof(float));
    memset(ws->dWp, 0, (size_t)ws->G * Hs * Hp * sizeof(float));
    memset(ws->hT, 0, (size_t)Bp * Hp * sizeof(float));
    /* Heads: dV[c][i] = canon_b(dl[c][b] h_M[i][b]), dc = canon_b(dl[c][b]);
       g_M[i][b] = sum over active heads a, classes c (ascending, from 0) of V[c][i] dl[a][c][b]. */
    {
        memset(&c, 0, sizeof c);
        c.ws = ws; c.net = net; c.grad = grad;
        rnnts__pool_run(pool, rnnts__panels(H), rnnts__task_dv, &c, 2.0 * na * 2 * H * Bp);
        for (int a = 0; a < na; a++)
            for (int cl = 0; cl < 2; cl++)
                grad[(net->head - net->param) + (size_t)ws->heads[a] * (2 * Hs + 2) + 2 * Hs + cl] =
                    rnnts_sum_canon(ws->dl + (size_t)(2 * a + cl) * Bp, (size_t)Bp);
        memset(ws->g, 0, Hs * Bp * sizeof(float));
        memset(&c, 0, sizeof c);
        c.g1.K = 2 * na; c.g1.ncols = Bp;
        rnnts__gemm_a(&c.g1, ws->vpackT, (size_t)(2 * na), RNNTS__NR);
        rnnts__gemm_b(&c.g1, ws->dl, (size_t)Bp, RNNTS__NR);
        rnnts__gemm_c(&c.g1, ws->g, RNNTS__NR, Hs * RNNTS__NR);
        rnnts__gemm_pool(pool, &c.g1, H, 1);
    }
    if (ws->model != RNNTS_MODEL_RNN) {
        rnnts__gated_bptt(ws, net, pool, grad);
        ws->have_fwd = 0; /* the gate gradients overwrote the gates */
        goto finite;
    }
    memset(&c, 0, sizeof c);
    c.ws = ws; c.net = net;
    for (int t = ws->L - 1; t >= 0; t--) {
        float *tmp, *du = ws->ubuf + (size_t)t * Hs * Bp;
        c.t = t;
        rnnts__pool_run(pool, rnnts__panels(H), rnnts__task_bwd_a, &c, 4.0 * H * H * B); /* with phase B: its du rows stay local */
        /* g1: gn (blocked) += W^T du; g2: dW (blocked, H rows x Hp) += du (blocked, as A) hT (blocked, Bp rows) */
        c.g1.K = H; c.g1.ncols = Bp;
        rnnts__gemm_ap(&c.g1, ws->wzT);
        rnnts__gemm_b(&c.g1, du, RNNTS__NR, Hs * RNNTS__NR);
        rnnts__gemm_c(&c.g1, ws->gn, RNNTS__NR, Hs * RNNTS__NR);
        c.g2.K = B; c.g2.ncols = Hp;
        rnnts__gemm_a(&c.g2, du, RNNTS__NR, Hs * RNNTS__NR);
        rnnts__gemm_b(&c.g2, ws->hT, RNNTS__NR, (size_t)Bp * RNNTS__NR);
        rnnts__gemm_c(&c.g2, ws->dWp, RNNTS__NR, Hs * RNNTS__NR);
        rnnts__pool_run(pool, rnnts__panels(H), rnnts__task_bwd_b, &c, 4.0 * H * H * B);
        tmp = ws->g; ws->g = ws->gn; ws->gn = tmp;
    }
    ws->have_fwd = 0; /* du overwrote u: a second backward needs a new forward */
    /* Per-neuron sums: tree of the lane accumulators. */
    {
        float *g_tau = grad, *g_win = net->w_in - net->param + grad, *g_bin = net->b_in - net->param + grad;
        float *g_w = net->w - net->param + grad, *g_b = net->b - net->param + grad;
        int kc = net->cfg.k_continuous;
        for (int i = 0; i < H; i++) {
            float db = rnnts__vf_tree(rnnts__vf_load(ws->acc + (size_t)i * 8));
            g_bin[i] = db;
            g_b[i] = db;
            g_win[i] = rnnts__vf_tree(rnnts__vf_load(ws->acc + (Hs + i) * 8));
            if (net->cfg.train_tau) {
                /* dtau_hat = sum / tau_hat^2; through max(k tau, 1): k dtau_hat where k tau >= 1, else 0. */
                float th = ws->tauhat[i];
                float dth = rnnts__vf_tree(rnnts__vf_load(ws->acc + (2 * Hs + i) * 8)) / (th * th);
                float kt = kc > 0 ? net->tau[i] * (float)kc : net->tau[i];
                g_tau[i] = kt >= 1.0f ? (kc > 0 ? dth * (float)kc : dth) : 0.0f;
            }
            for (int j = 0; j < H; j++) g_w[(size_t)i * Hs + j] = ws->dWp[RNNTS__BLK(H, i, j)];
        }
    }
finite:
    for (size_t e = 0; e < net->n_param; e++)
        if (!rnnts__isfinite(grad[e])) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "gradient element %zu is not finite", e);
    return rnnts__ok(err);
}

rnnts_result rnnts_rnn_stream(rnnts_rnn_ws *ws, const rnnts_rnn *net, const rnnts_batch *bt, rnnts_pool *pool, float *out,
                              float *states, rnnts_error *err) {
    rnnts_result r = rnnts__prepare(ws, net, bt, 1, pool, err);
    size_t HB;
    int K;
    if (r != RNNTS_OK) return r;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "out is NULL");
    K = net->K;
    HB = (size_t)ws->H * ws->Bp;
    for (int k = 0; k < K; k++) ws->heads[k] = k;
    rnnts__pack_heads(ws, net, ws->heads, K);
    rnnts__init_state(ws);
    if (states)
        for (int b = 0; b < ws->B; b++)
            for (int i = 0; i < ws->H; i++) states[(size_t)b * ws->H + i] = ws->h0[RNNTS__BLK(ws->H, i, b)];
    for (int t = 0; t < ws->L; t++) {
        float *hi = ws->hist + (size_t)(t & 1) * HB, *ho = ws->hist + (size_t)((t + 1) & 1) * HB;
        rnnts__load_input(ws, bt, t, ws->S);
        rnnts__step(ws, net, pool, hi, ws->S, ho, ws->ubuf);
        if ((t + 1) % ws->kc == 0) {
            size_t m = (size_t)(t / ws->kc);
            rnnts__readout(ws, net, pool, ws->heads, K, ho);
            for (int k = 0; k < K; k++)
                for (int b = 0; b < ws->B; b++)
                    for (int cl = 0; cl < 2; cl++)
                        out[((m * K + k) * ws->B + b) * 2 + cl] = ws->lg[(size_t)(2 * k + cl) * ws->Bp + b];
            if (states)
                for (int b = 0; b < ws->B; b++)
                    for (int i = 0; i < ws->H; i++)
                        states[((m + 1) * ws->B + b) * ws->H + i] = ho[RNNTS__BLK(ws->H, i, b)];
        }
    }
    return rnnts__ok(err);
}
rnnts_result rnnts_rnn_ws_h0(const rnnts_rnn_ws *ws, float *h0_out) {
    if (!ws || !h0_out || ws->B < 1) return RNNTS_ERR_INVALID_ARG;
    for (int b = 0; b < ws->B; b++)
        for (int i = 0; i < ws->H; i++) h0_out[(size_t)b * ws->H + i] = ws->h0[RNNTS__BLK(ws->H, i, b)];
    return RNNTS_OK;
}

/* >>tasks ----------------------------------------------------------------------------------- */
int rnnts_task_max_len(int n_max) { return 4 * n_max + 1; }
/* Draws: key0 = key(seed, purpose, index, 0): M = Nmax + 2 + (draw 0 mod 3 Nmax); parity's
   p_b = uniform(key0, 1 + b). key1 = key(seed, purpose, index, 1): bit(t, b) = uniform(key1, t B + b) < p_b
   (p_b = 0.5 for DMS). */
static rnnts_result rnnts__task_batch(rnnts_task task, rnnts_bits bits, const int *ns, int n_ns, int batch, int len, uint64_t seed,
                                     uint64_t purpose, uint64_t index, float *input, int *labels, int *len_out, rnnts_error *err);
rnnts_bits rnnts_task_bits_of(rnnts_model model) { return model == RNNTS_MODEL_RNN ? RNNTS_BITS_P_SEQUENCE : RNNTS_BITS_HALF; }
rnnts_result rnnts_task_batch(rnnts_task task, const int *ns, int n_ns, int batch, uint64_t seed, uint64_t purpose,
                              uint64_t index, float *input, int *labels, int *len_out, rnnts_error *err) {
    return rnnts__task_batch(task, RNNTS_BITS_P_SEQUENCE, ns, n_ns, batch, 0, seed, purpose, index, input, labels, len_out, err);
}
rnnts_result rnnts_task_batch_len(rnnts_task task, const int *ns, int n_ns, int batch, int len, uint64_t seed,
                                  uint64_t purpose, uint64_t index, float *input, int *labels, rnnts_error *err) {
    int M;
    if (len < 1 || len > 10000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "len = %d: allowed 1..1e7", len);
    return rnnts__task_batch(task, RNNTS_BITS_P_SEQUENCE, ns, n_ns, batch, len, seed, purpose, index, input, labels, &M, err);
}
rnnts_result rnnts_task_batch_bits(rnnts_task task, rnnts_bits bits, const int *ns, int n_ns, int batch, int len,
                                   uint64_t seed, uint64_t purpose, uint64_t index, float *input, int *labels, int *len_out,
                                   rnnts_error *err) {
    if (len < 0 || len > 10000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "len = %d: allowed 0 (draw M) or 1..1e7", len);
    return rnnts__task_batch(task, bits, ns, n_ns, batch, len, seed, purpose, index, input, labels, len_out, err);
}
/* len = 0: draw M; otherwise use it (it must be >= the largest N). */
static rnnts_result rnnts__task_batch(rnnts_task task, rnnts_bits bits, const int *ns, int n_ns, int batch, int len, uint64_t seed,
                                     uint64_t purpose, uint64_t index, float *input, int *labels, int *len_out, rnnts_error *err) {
    int nmax = 0, M;
    uint64_t k0, k1;
    if (task != RNNTS_TASK_PARITY && task != RNNTS_TASK_DMS)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "task = %d: allowed parity (0), dms (1)", (int)task);
    if (bits != RNNTS_BITS_P_SEQUENCE && bits != RNNTS_BITS_HALF)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "bits = %d: allowed p_sequence (0), half (1)", (int)bits);
    if (!ns || n_ns < 1 || n_ns > RNNTS_MAX_NS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "number of N = %d: allowed 1..%d", n_ns, RNNTS_MAX_NS);
    for (int a = 0; a < n_ns; a++) {
        if (ns[a] < 1 || ns[a] > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "N = %d: allowed 1..100000", ns[a]);
        if (ns[a] > nmax) nmax = ns[a];
    }
    if (batch < 1 || batch > (1 << 24)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "batch = %d: allowed 1..%d", batch, 1 << 24);
    if (!input || !labels || !len_out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "input, labels and len_out must not be NULL");
    k0 = rnnts_rng_key(seed, purpose, index, 0);
    k1 = rnnts_rng_key(seed, purpose, index, 1);
    M = nmax + 2 + (int)(rnnts_rng_u64(k0, 0) % (uint64_t)(3 * nmax));
    if (len > 0) {
        if (len < nmax) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "len = %d: must be >= the largest N (%d)", len, nmax);
        M = len;
    }
    for (int b = 0; b < batch; b++) {
        float p = task == RNNTS_TASK_PARITY && bits == RNNTS_BITS_P_SEQUENCE ? rnnts_rng_uniform(k0, 1 + (uint64_t)b) : 0.5f;
        for (int t = 0; t < M; t++)
            input[(size_t)t * batch + b] = rnnts_rng_uniform(k1, (uint64_t)t * (uint64_t)batch + (uint64_t)b) < p ? 1.0f : 0.0f;
    }
    for (int a = 0; a < n_ns; a++)
        for (int b = 0; b < batch; b++) {
            int N = ns[a], y = 0;
            if (task == RNNTS_TASK_PARITY) {
                for (int t = M - N; t < M; t++) y ^= input[(size_t)t * batch + b] != 0.0f;
            } else {
                y = input[(size_t)(M - N) * batch + b] == input[(size_t)(M - 1) * batch + b];
            }
            labels[(size_t)a * batch + b] = y;
        }
    *len_out = M;
    return rnnts__ok(err);
}

/* >>optim ----------------------------------------------------------------------------------- */
rnnts_optim_config rnnts_optim_config_sgd(void) {
    rnnts_optim_config c;
    memset(&c, 0, sizeof c);
    c.kind = RNNTS_OPT_SGD; c.lr = 0.05f; c.momentum = 0.1f; c.nesterov = 1;
    c.beta1 = 0.9f; c.beta2 = 0.999f; c.eps = 1e-8f; c.clip = 2.0f;
    return c;
}
rnnts_optim_config rnnts_optim_config_adam(void) {
    rnnts_optim_config c = rnnts_optim_config_sgd();
    c.kind = RNNTS_OPT_ADAM; c.lr = 1e-3f; c.momentum = 0.0f; c.nesterov = 0;
    return c;
}
rnnts_result rnnts_optim_config_check(const rnnts_optim_config *c, rnnts_error *err) {
    if (!c) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "optimiser config is NULL");
    if (c->kind != RNNTS_OPT_SGD && c->kind != RNNTS_OPT_ADAM) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "optimizer = %d: allowed sgd (0), adam (1)", (int)c->kind);
    if (!rnnts__isfinite(c->lr) || !(c->lr > 0.0f)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "lr = %.9g: allowed finite and > 0", (double)c->lr);
    if (!rnnts__isfinite(c->momentum) || c->momentum < 0.0f || c->momentum >= 1.0f) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "momentum = %.9g: allowed 0 <= momentum < 1", (double)c->momentum);
    if (c->nesterov != 0 && c->nesterov != 1) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "nesterov = %d: allowed 0 or 1", c->nesterov);
    if (c->kind == RNNTS_OPT_SGD && c->nesterov && !(c->momentum > 0.0f)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "nesterov needs momentum > 0");
    if (!rnnts__isfinite(c->beta1) || c->beta1 < 0.0f || c->beta1 >= 1.0f) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "beta1 = %.9g: allowed 0 <= beta1 < 1", (double)c->beta1);
    if (!rnnts__isfinite(c->beta2) || c->beta2 < 0.0f || c->beta2 >= 1.0f) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "beta2 = %.9g: allowed 0 <= beta2 < 1", (double)c->beta2);
    if (!rnnts__isfinite(c->eps) || !(c->eps > 0.0f)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "eps = %.9g: allowed finite and > 0", (double)c->eps);
    if (!rnnts__isfinite(c->clip) || c->clip < 0.0f) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "clip = %.9g: allowed finite and >= 0 (0 = off)", (double)c->clip);
    return rnnts__ok(err);
}
struct rnnts_optim {
    rnnts_optim_config cfg;
    rnnts_allocator alloc;
    int nt;
    size_t np;
    float *m, *v;      /* momentum buffer or Adam's first moment; Adam's second moment */
    float *steps;      /* per tensor: updates so far (exact below 2^24) */
    float *b1p, *b2p;  /* per tensor: beta1^steps, beta2^steps as running float products */
    float *sq, *norms; /* scratch */
    rnnts_tensor_info *ti;
};
rnnts_result rnnts_optim_create(const rnnts_optim_config *cfg, const rnnts_rnn *net, const rnnts_allocator *alloc,
                                rnnts_optim **out, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts_optim *o;
    rnnts_result r;
    size_t np;
    int nt;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "out is NULL");
    *out = NULL;
    if (!net) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "net is NULL");
    if ((r = rnnts_optim_config_check(cfg, err)) != RNNTS_OK) return r;
    np = net->n_param;
    nt = rnnts_rnn_tensor_count(net);
    o = (rnnts_optim *)a.alloc(sizeof *o, a.user);
    if (!o) return rnnts__fail(err, RNNTS_ERR_OOM, "optimiser: out of memory");
    memset(o, 0, sizeof *o);
    o->cfg = *cfg; o->alloc = a; o->nt = nt; o->np = np;
    o->m = (float *)rnnts__amalloc(&a, np * sizeof(float));
    o->v = (float *)rnnts__amalloc(&a, np * sizeof(float));
    o->sq = (float *)rnnts__amalloc(&a, np * sizeof(float));
    o->steps = (float *)rnnts__amalloc(&a, (size_t)nt * 4 * sizeof(float));
    o->ti = (rnnts_tensor_info *)a.alloc((size_t)nt * sizeof *o->ti, a.user);
    if (!o->m || !o->v || !o->sq || !o->steps || !o->ti) { rnnts_optim_destroy(o); return rnnts__fail(err, RNNTS_ERR_OOM, "optimiser: out of memory"); }
    memset(o->m, 0, np * sizeof(float));
    memset(o->v, 0, np * sizeof(float));
    o->b1p = o->steps + nt; o->b2p = o->b1p + nt; o->norms = o->b2p + nt;
    for (int t = 0; t < nt; t++) { o->steps[t] = 0.0f; o->b1p[t] = 1.0f; o->b2p[t] = 1.0f; rnnts_rnn_tensor(net, t, &o->ti[t]); }
    *out = o;
    return rnnts__ok(err);
}
void rnnts_optim_destroy(rnnts_optim *o) {
    rnnts_allocator a;
    if (!o) return;
    a = o->alloc;
    rnnts__afree(&a, o->m); rnnts__afree(&a, o->v); rnnts__afree(&a, o->sq); rnnts__afree(&a, o->steps);
    if (o->ti) a.free(o->ti, a.user);
    a.free(o, a.user);
}
/* Per tensor t: n_t = sqrt(canon(g^2)); total = sqrt(canon(n_t^2 over used t in file order)).
   SGD (PyTorch): buf = g at the first step, else buf = mu buf + g; d = g + mu buf (Nesterov) or buf;
   p = p - lr d. Adam (PyTorch, bias powers as float products): m = b1 m + (1-b1) g;
   v = b2 v + (1-b2) g g; p = p - (lr / (1 - b1^k)) m / (sqrt(v) / sqrt(1 - b2^k) + eps). */
/* One tensor's update, element-wise on native vectors (n rounded down to whole vectors), then the
   tail on one lane at a time through the same vector functions — every element sees the same
   operations in the same order whatever the width (N4 has no reduction here):
     clip   g = g * coef (when coef < 1)
     SGD    d = g;  m = first ? d : mom*m + d;  d = nesterov ? d + mom*m : m  (with momentum);  p = p - lr*d
     Adam   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*(g*g);  p = p - step*(m / (sqrt(v)/bc2s + eps)),
            step = lr / (1 - b1^t), bc2s = sqrt(1 - b2^t) (PyTorch's order) */
typedef struct {
    int sgd, first, mom, nesterov, scale;
    rnnts__vn coef, momentum, step, b1, b2, ob1, ob2, bc2s, eps;
} rnnts__optim_k;
/* One native vector of a tensor, in place at p, g, m, v. */
RNNTS__INLINE void rnnts__optim_vec(const rnnts__optim_k *k, float *p, float *g, float *m, float *v) {
    rnnts__vn gv = rnnts__vn_load(g), mv = rnnts__vn_load(m), d;
    if (k->scale) { gv = rnnts__vn_mul(gv, k->coef); rnnts__vn_store(g, gv); }
    if (k->sgd) {
        d = gv;
        if (k->mom) {
            mv = k->first ? d : rnnts__vn_add(rnnts__vn_mul(k->momentum, mv), d);
            d = k->nesterov ? rnnts__vn_add(d, rnnts__vn_mul(k->momentum, mv)) : mv;
            rnnts__vn_store(m, mv);
        }
    } else {
        rnnts__vn vv = rnnts__vn_load(v);
        mv = rnnts__vn_add(rnnts__vn_mul(k->b1, mv), rnnts__vn_mul(k->ob1, gv));
        vv = rnnts__vn_add(rnnts__vn_mul(k->b2, vv), rnnts__vn_mul(k->ob2, rnnts__vn_mul(gv, gv)));
        d = rnnts__vn_div(mv, rnnts__vn_add(rnnts__vn_div(rnnts__vn_sqrt(vv), k->bc2s), k->eps));
        rnnts__vn_store(m, mv);
        rnnts__vn_store(v, vv);
    }
    rnnts__vn_store(p, rnnts__vn_sub(rnnts__vn_load(p), rnnts__vn_mul(k->step, d)));
}
static void rnnts__optim_update(const rnnts_optim *o, int t, float *p, float *g, float *m, float *v, size_t n, float coef) {
    const rnnts_optim_config *c = &o->cfg;
    rnnts__optim_k k;
    size_t e = 0;
    k.sgd = c->kind == RNNTS_OPT_SGD; k.first = o->steps[t] == 0.0f; k.mom = c->momentum > 0.0f;
    k.nesterov = c->nesterov; k.scale = coef < 1.0f;
    k.coef = rnnts__vn_set1(coef); k.momentum = rnnts__vn_set1(c->momentum);
    k.step = rnnts__vn_set1(k.sgd ? c->lr : c->lr / (1.0f - o->b1p[t]));
    k.bc2s = rnnts__vn_set1(k.sgd ? 1.0f : sqrtf(1.0f - o->b2p[t]));
    k.b1 = rnnts__vn_set1(c->beta1); k.b2 = rnnts__vn_set1(c->beta2);
    k.ob1 = rnnts__vn_set1(1.0f - c->beta1); k.ob2 = rnnts__vn_set1(1.0f - c->beta2); k.eps = rnnts__vn_set1(c->eps);
    for (; e + RNNTS__VN <= n; e += RNNTS__VN) rnnts__optim_vec(&k, p + e, g + e, m + e, v + e);
    for (; e < n; e++) { /* the tail: one element at a time in lane 0 of a vector */
        float tp[16] = {0}, tg[16] = {0}, tm[16] = {0}, tv[16] = {0};
        tp[0] = p[e]; tg[0] = g[e]; tm[0] = m[e]; tv[0] = v[e];
        rnnts__optim_vec(&k, tp, tg, tm, tv);
        p[e] = tp[0]; g[e] = tg[0]; m[e] = tm[0]; v[e] = tv[0];
    }
}
rnnts_result rnnts_optim_step(rnnts_optim *o, rnnts_rnn *net, float *grad, const unsigned char *used, float *norm_out,
                              rnnts_error *err) {
    int nu = 0;
    float total, coef;
    if (!o || !net || !grad || !used) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "optim_step: NULL argument");
    if (net->n_param != o->np) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "optim_step: network does not match the optimiser");
    for (int t = 0; t < o->nt; t++) {
        const rnnts_tensor_info *ti = &o->ti[t];
        float n;
        if (!used[t]) continue;
        for (size_t e = 0; e < ti->count; e++) {
            float g = grad[ti->offset + e];
            if (!rnnts__isfinite(g)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "gradient of %s[%zu] is not finite", ti->name, e);
            o->sq[e] = g * g;
        }
        n = sqrtf(rnnts_sum_canon(o->sq, ti->count));
        o->norms[nu++] = n * n;
    }
    total = sqrtf(rnnts_sum_canon(o->norms, (size_t)nu));
    if (norm_out) *norm_out = total;
    if (!rnnts__isfinite(total)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "gradient norm is not finite");
    coef = o->cfg.clip > 0.0f ? o->cfg.clip / (total + 1e-6f) : 1.0f;
    for (int t = 0; t < o->nt; t++) {
        const rnnts_tensor_info *ti = &o->ti[t];
        if (!used[t]) continue;
        if (o->cfg.kind != RNNTS_OPT_SGD) {
            o->b1p[t] = o->b1p[t] * o->cfg.beta1;
            o->b2p[t] = o->b2p[t] * o->cfg.beta2;
        }
        rnnts__optim_update(o, t, net->param + ti->offset, grad + ti->offset, o->m + ti->offset, o->v + ti->offset, ti->count, coef);
        o->steps[t] = o->steps[t] + 1.0f;
    }
    return rnnts__ok(err);
}

/* >>curricula ------------------------------------------------------------------------------- */
rnnts_train_config rnnts_train_config_default(void) {
    rnnts_train_config c;
    memset(&c, 0, sizeof c);
    c.task = RNNTS_TASK_PARITY; c.curriculum = RNNTS_CURR_MULTI;
    c.n_start = 2; c.n_add = 1; c.window = 5; c.slide = 1; c.n_fixed = 2;
    c.batch = 256; c.steps_per_epoch = 600; c.test_batches = 50; c.max_epochs = 1000;
    c.target_n = 0; c.time_limit_s = 0.0; c.threshold = 98.0f;
    c.optim = rnnts_optim_config_sgd();
    c.seed = 0;
    c.init_heads = 1; c.n_k = 0;
    return c;
}
rnnts_result rnnts_train_config_preset(const char *name, rnnts_train_config *c, rnnts_error *err) {
    int w = 0, f = 0, used = 0;
    if (!name || !c) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "train_config_preset: NULL argument");
    if (sscanf(name, "sliding_%d_%d%n", &w, &f, &used) != 2 || name[used] != 0 || strncmp(name, "sliding_", 8) != 0 ||
        !(name[8] >= '0' && name[8] <= '9'))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "preset \"%.64s\": allowed sliding_W_F (window W, slide F), e.g. sliding_10_5", name);
    if (w < 1 || w > RNNTS_MAX_NS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "preset %.64s: window %d: allowed 1..%d", name, w, RNNTS_MAX_NS);
    if (f < 1 || f > w) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "preset %.64s: slide %d: allowed 1..%d (the window)", name, f, w);
    c->curriculum = RNNTS_CURR_SLIDING;
    c->window = w;
    c->slide = f;
    return rnnts__ok(err);
}
rnnts_train_config rnnts_train_config_lstm(void) {
    rnnts_train_config c = rnnts_train_config_default();
    c.optim = rnnts_optim_config_adam(); /* lr 1e-3, clip 2 */
    c.batch = 64; c.steps_per_epoch = 300; c.test_batches = 50; c.max_epochs = 100;
    return c;
}
rnnts_result rnnts_train_config_check(const rnnts_train_config *c, const rnnts_rnn *net, rnnts_error *err) {
    rnnts_result r;
    if (!c) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "train config is NULL");
    if (c->task != RNNTS_TASK_PARITY && c->task != RNNTS_TASK_DMS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "task = %d: allowed parity, dms", (int)c->task);
    if ((int)c->curriculum < 0 || (int)c->curriculum > 3) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "curriculum = %d: allowed single, multi, sliding, none", (int)c->curriculum);
    if (c->n_start < 1 || c->n_start > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "n_start = %d: allowed 1..100000", c->n_start);
    if (c->n_add < 1 || c->n_add > RNNTS_MAX_NS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "n_add = %d: allowed 1..%d", c->n_add, RNNTS_MAX_NS);
    if (c->window < 1 || c->window > RNNTS_MAX_NS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "window = %d: allowed 1..%d", c->window, RNNTS_MAX_NS);
    if (c->slide < 1 || c->slide > c->window) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "slide = %d: allowed 1..window (%d)", c->slide, c->window);
    if (c->n_fixed < 1 || c->n_fixed > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "n_fixed = %d: allowed 1..100000", c->n_fixed);
    if (c->batch < 1 || c->batch > 65536) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "batch = %d: allowed 1..65536", c->batch);
    if (c->steps_per_epoch < 1 || c->steps_per_epoch > 100000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "steps_per_epoch = %d: allowed 1..1e8", c->steps_per_epoch);
    if (c->test_batches < 1 || c->test_batches > 1000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "test_batches = %d: allowed 1..1e6", c->test_batches);
    if (c->max_epochs < 1 || c->max_epochs > 100000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "max_epochs = %d: allowed 1..1e8", c->max_epochs);
    if (c->target_n < 0 || c->target_n > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "target_n = %d: allowed 0 (none)..100000", c->target_n);
    if (!(c->time_limit_s >= 0.0) || c->time_limit_s > 1e9) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "time_limit_s = %g: allowed 0 (none)..1e9", c->time_limit_s);
    if (!rnnts__isfinite(c->threshold) || c->threshold < 0.0f || c->threshold > 100.0f) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "threshold = %.9g: allowed 0..100", (double)c->threshold);
    if ((r = rnnts_optim_config_check(&c->optim, err)) != RNNTS_OK) return r;
    if (c->init_heads < 1 || c->init_heads > RNNTS_MAX_NS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "init_heads = %d: allowed 1..%d", c->init_heads, RNNTS_MAX_NS);
    if (c->init_heads != 1 && c->curriculum != RNNTS_CURR_MULTI)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "init_heads = %d applies to the multi curriculum only (sliding starts with its window; allowed 1)", c->init_heads);
    if (c->n_k < 0 || c->n_k > RNNTS_MAX_K) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "n_k = %d: allowed 0 (off) or 1..%d values in k_list", c->n_k, RNNTS_MAX_K);
    for (int j = 0; j < c->n_k; j++)
        if (c->k_list[j] < 1 || c->k_list[j] > 10000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "k_list[%d] = %d: allowed 1..10000", j, c->k_list[j]);
    if (net) {
        int need = c->curriculum == RNNTS_CURR_SLIDING ? c->window : 1;
        if (net->K < need) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "the network has %d heads, the sliding window needs %d", net->K, need);
        if (c->curriculum == RNNTS_CURR_MULTI && net->K < c->init_heads)
            return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "the network has %d heads, init_heads = %d needs as many", net->K, c->init_heads);
        if (c->curriculum == RNNTS_CURR_MULTI && c->target_n > 0 && c->target_n - c->n_start >= net->K)
            return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "the network has %d heads, multi from n_start = %d to target_n = %d needs %d (head i serves N = n_start + i)",
                               net->K, c->n_start, c->target_n, c->target_n - c->n_start + 1);
        if (c->n_k > 0 && (net->cfg.model != RNNTS_MODEL_RNN || net->cfg.k_continuous < 1))
            return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "k_list needs a continuous-time network (k_continuous >= 1, variant mod); this one is discrete-time");
    }
    return rnnts__ok(err);
}

void rnnts_curriculum_start(const rnnts_train_config *c, rnnts_curriculum_state *s) {
    s->n_ns = 1;
    s->heads[0] = 0;
    switch (c->curriculum) {
    case RNNTS_CURR_SINGLE: s->ns[0] = c->n_start; break;
    case RNNTS_CURR_MULTI:
        s->n_ns = c->init_heads;
        for (int a = 0; a < c->init_heads; a++) { s->ns[a] = c->n_start + a; s->heads[a] = a; }
        break;
    case RNNTS_CURR_SLIDING:
        s->n_ns = c->window;
        for (int a = 0; a < c->window; a++) { s->ns[a] = c->n_start + a; s->heads[a] = a; }
        break;
    default: s->ns[0] = c->n_fixed; break;
    }
}
int rnnts_curriculum_solved(const rnnts_train_config *c, const float *acc, int n, float acc_mean) {
    return n > 0 && acc_mean > c->threshold && acc[n - 1] > c->threshold;
}
rnnts_done rnnts_curriculum_advance(const rnnts_train_config *c, int n_heads, rnnts_curriculum_state *s) {
    int nmax = s->ns[s->n_ns - 1];
    rnnts_done done = c->target_n > 0 && nmax >= c->target_n ? RNNTS_DONE_TARGET : RNNTS_DONE_RUNNING;
    switch (c->curriculum) {
    case RNNTS_CURR_SINGLE: s->ns[0] = nmax + 1; break;
    case RNNTS_CURR_MULTI:
        for (int q = 0; q < c->n_add; q++) {
            int N = nmax + 1 + q;
            if (s->n_ns >= RNNTS_MAX_NS || N - c->n_start >= n_heads) return RNNTS_DONE_CURRICULUM;
            s->ns[s->n_ns] = N;
            s->heads[s->n_ns] = N - c->n_start;
            s->n_ns++;
        }
        break;
    case RNNTS_CURR_SLIDING:
        memmove(s->ns, s->ns + c->slide, (size_t)(s->n_ns - c->slide) * sizeof(int));
        for (int q = 0; q < c->slide; q++) s->ns[s->n_ns - c->slide + q] = nmax + 1 + q;
        break;
    default: return RNNTS_DONE_CURRICULUM;
    }
    return done;
}
rnnts_result rnnts_rnn_head_for(const rnnts_rnn *net, int N, int *head, rnnts_error *err) {
    const char *c;
    int ns[RNNTS_MAX_NS], n, first;
    if (!net || !head) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "rnn_head_for: NULL argument");
    c = net->meta.curriculum;
    n = rnnts_ns_parse(net->meta.ns, ns, RNNTS_MAX_NS);
    *head = 0;
    if (net->K == 1 || strcmp(c, "single") == 0 || strcmp(c, "none") == 0) return rnnts__ok(err);
    if (strcmp(c, "sliding") == 0) {
        for (int i = 0; i < n; i++)
            if (ns[i] == N) { *head = i; return rnnts__ok(err); }
        *head = -1;
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "N = %d is not in the sliding window of this model (metadata ns = \"%.120s\")", N,
                           net->meta.ns);
    }
    first = n > 0 ? ns[0] : 2;
    *head = N - first;
    if (*head < 0 || *head >= net->K) {
        int h = *head;
        *head = -1;
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "N = %d maps to head %d, outside the network's %d heads (head i serves N = %d + i)",
                           N, h, net->K, first);
    }
    return rnnts__ok(err);
}

/* rnnts_config_differs: one comparison per field, in the documented order. */
static int rnnts__diff_i(rnnts_config_diff *d, const char *name, long long a, long long b) {
    if (a == b) return 0;
    rnnts__strcpy(d->field, sizeof d->field, name);
    snprintf(d->a, sizeof d->a, "%lld", a);
    snprintf(d->b, sizeof d->b, "%lld", b);
    return 1;
}
static int rnnts__diff_f(rnnts_config_diff *d, const char *name, double a, double b) {
    if (a == b) return 0;
    rnnts__strcpy(d->field, sizeof d->field, name);
    snprintf(d->a, sizeof d->a, "%.9g", a);
    snprintf(d->b, sizeof d->b, "%.9g", b);
    return 1;
}
static int rnnts__diff_model(const rnnts_rnn_config *ra, const rnnts_rnn_config *rb, rnnts_config_diff *d) {
    if (rnnts__diff_i(d, "model", ra->model, rb->model) || rnnts__diff_i(d, "hidden", ra->hidden, rb->hidden) ||
        rnnts__diff_i(d, "heads", ra->heads, rb->heads))
        return 1;
    if (rb->model != RNNTS_MODEL_RNN) return 0;
    return rnnts__diff_i(d, "variant", ra->variant, rb->variant) || rnnts__diff_i(d, "activation", ra->activation, rb->activation) ||
           rnnts__diff_i(d, "learnable tau", ra->train_tau, rb->train_tau) ||
           (rb->train_tau ? rnnts__diff_f(d, "tau_init", ra->tau_init, rb->tau_init) : rnnts__diff_f(d, "fixed_tau", ra->fixed_tau, rb->fixed_tau)) ||
           rnnts__diff_i(d, "k_continuous", ra->k_continuous, rb->k_continuous) || rnnts__diff_f(d, "tau_mean", ra->tau_mean, rb->tau_mean);
}
int rnnts_config_differs(const rnnts_rnn_config *ra, const rnnts_train_config *ta, const rnnts_rnn_config *rb, const rnnts_train_config *tb,
                         rnnts_config_diff *d) {
    if (rnnts__diff_model(ra, rb, d) || rnnts__diff_i(d, "init_heads", ta->init_heads, tb->init_heads) ||
        rnnts__diff_i(d, "number of k in k_list", ta->n_k, tb->n_k))
        return 1;
    for (int j = 0; j < tb->n_k && j < RNNTS_MAX_K; j++)
        if (rnnts__diff_i(d, "k_list value", ta->k_list[j], tb->k_list[j])) return 1;
    return rnnts__diff_i(d, "task", ta->task, tb->task) || rnnts__diff_i(d, "curriculum", ta->curriculum, tb->curriculum) ||
           rnnts__diff_i(d, "n_start", ta->n_start, tb->n_start) || rnnts__diff_i(d, "n_add", ta->n_add, tb->n_add) ||
           rnnts__diff_i(d, "window", ta->window, tb->window) || rnnts__diff_i(d, "slide", ta->slide, tb->slide) ||
           rnnts__diff_i(d, "n_fixed", ta->n_fixed, tb->n_fixed) || rnnts__diff_i(d, "batch", ta->batch, tb->batch) ||
           rnnts__diff_i(d, "steps_per_epoch", ta->steps_per_epoch, tb->steps_per_epoch) ||
           rnnts__diff_i(d, "test_batches", ta->test_batches, tb->test_batches) || rnnts__diff_f(d, "threshold", ta->threshold, tb->threshold) ||
           rnnts__diff_i(d, "seed", (long long)ta->seed, (long long)tb->seed) || rnnts__diff_i(d, "optimizer", ta->optim.kind, tb->optim.kind) ||
           rnnts__diff_f(d, "lr", ta->optim.lr, tb->optim.lr) || rnnts__diff_f(d, "momentum", ta->optim.momentum, tb->optim.momentum) ||
           rnnts__diff_f(d, "clip", ta->optim.clip, tb->optim.clip);
}
/* >>train ----------------------------------------------------------------------------------- */
struct rnnts_trainer {
    rnnts_train_config cfg;
    rnnts_rnn *net;
    rnnts_pool *pool;
    rnnts_allocator alloc;
    rnnts_optim *opt;
    rnnts_rnn_ws *ws;
    int ws_len;
    float *grad, *input, *losses;
    int *labels;
    unsigned char *used;
    rnnts_curriculum_state cur; /* the Ns trained now and their heads */
    int n_solved, solved[RNNTS_MAX_NS]; /* Ns of the last success (named by the checkpoint) */
    int epoch;
    rnnts_done done;
    int epoch_step;  /* training steps done in the current epoch (losses[0..epoch_step) are theirs) */
    int interrupt;   /* set by rnnts_trainer_interrupt (atomically), read between steps */
    uint64_t step;
    double elapsed;
    void (*on_step)(void *, int, int, float);
    void *on_step_user;
    /* k_list training: a workspace per k (they differ in k); tr->ws is the one of k_list[kcur],
       kws[j] holds the others. */
    rnnts_rnn_ws *kws[RNNTS_MAX_K];
    int kws_len[RNNTS_MAX_K], kcur;
};
#define RNNTS__TEST_DRAW0 ((uint64_t)1 << 62) /* h0 draws of test batches, disjoint from training steps */

/* Makes sure the workspace holds batches of the current largest N. */
static rnnts_result rnnts__trainer_ws(rnnts_trainer *tr, rnnts_error *err) {
    int nmax = 0, len;
    rnnts_result r;
    for (int a = 0; a < tr->cur.n_ns; a++) if (tr->cur.ns[a] > nmax) nmax = tr->cur.ns[a];
    len = rnnts_task_max_len(nmax);
    if (tr->ws && tr->ws_len >= len) return RNNTS_OK;
    rnnts_rnn_ws_destroy(tr->ws);
    tr->ws = NULL;
    if (tr->input) rnnts__afree(&tr->alloc, tr->input);
    tr->input = (float *)rnnts__amalloc(&tr->alloc, rnnts__fbytes((size_t)len, (size_t)tr->cfg.batch, 1));
    if (!tr->input) return rnnts__fail(err, RNNTS_ERR_OOM, "trainer: out of memory for inputs");
    if ((r = rnnts_rnn_ws_create(tr->net, tr->cfg.batch, len, &tr->alloc, &tr->ws, err)) != RNNTS_OK) return r;
    tr->ws_len = len;
    return RNNTS_OK;
}
/* k_list training: switches the network to k_list[j] and tr->ws to that k's workspace (made on
   first use, grown by rnnts__trainer_ws). A no-op without a k list. */
static rnnts_result rnnts__trainer_use_k(rnnts_trainer *tr, int j, rnnts_error *err) {
    if (tr->cfg.n_k < 1) return RNNTS_OK;
    if (j != tr->kcur) {
        tr->kws[tr->kcur] = tr->ws; tr->kws_len[tr->kcur] = tr->ws_len;
        tr->ws = tr->kws[j]; tr->ws_len = tr->kws_len[j];
        tr->kws[j] = NULL; tr->kws_len[j] = 0;
        tr->kcur = j;
    }
    tr->net->cfg.k_continuous = tr->cfg.k_list[j];
    return rnnts__trainer_ws(tr, err);
}
rnnts_result rnnts_trainer_create(const rnnts_train_config *cfg, rnnts_rnn *net, rnnts_pool *pool,
                                  const rnnts_allocator *alloc, rnnts_trainer **out, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts_trainer *tr;
    rnnts_result r;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "out is NULL");
    *out = NULL;
    if (!net) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "net is NULL");
    if ((r = rnnts_train_config_check(cfg, net, err)) != RNNTS_OK) return r;
    tr = (rnnts_trainer *)a.alloc(sizeof *tr, a.user);
    if (!tr) return rnnts__fail(err, RNNTS_ERR_OOM, "trainer: out of memory");
    memset(tr, 0, sizeof *tr);
    tr->cfg = *cfg; tr->net = net; tr->pool = pool; tr->alloc = a;
    if (cfg->n_k > 0) net->cfg.k_continuous = cfg->k_list[0]; /* the workspace below is k_list[0]'s */
    rnnts_curriculum_start(&tr->cfg, &tr->cur);
    tr->grad = (float *)rnnts__amalloc(&a, net->n_param * sizeof(float));
    tr->losses = (float *)rnnts__amalloc(&a, (size_t)cfg->steps_per_epoch * sizeof(float));
    tr->labels = (int *)a.alloc((size_t)RNNTS_MAX_NS * (size_t)cfg->batch * sizeof(int), a.user);
    tr->used = (unsigned char *)a.alloc((size_t)rnnts_rnn_tensor_count(net), a.user);
    if (!tr->grad || !tr->losses || !tr->labels || !tr->used) { rnnts_trainer_destroy(tr); return rnnts__fail(err, RNNTS_ERR_OOM, "trainer: out of memory"); }
    if ((r = rnnts_optim_create(&cfg->optim, net, &a, &tr->opt, err)) != RNNTS_OK || (r = rnnts__trainer_ws(tr, err)) != RNNTS_OK) {
        rnnts_trainer_destroy(tr);
        return r;
    }
    *out = tr;
    return rnnts__ok(err);
}
void rnnts_trainer_destroy(rnnts_trainer *tr) {
    rnnts_allocator a;
    if (!tr) return;
    a = tr->alloc;
    rnnts_optim_destroy(tr->opt);
    rnnts_rnn_ws_destroy(tr->ws);
    for (int j = 0; j < RNNTS_MAX_K; j++) rnnts_rnn_ws_destroy(tr->kws[j]);
    rnnts__afree(&a, tr->grad); rnnts__afree(&a, tr->losses); rnnts__afree(&a, tr->input);
    if (tr->labels) a.free(tr->labels, a.user);
    if (tr->used) a.free(tr->used, a.user);
    a.free(tr, a.user);
}
void rnnts_trainer_on_step(rnnts_trainer *tr, void (*fn)(void *, int, int, float), void *user) {
    if (!tr) return;
    tr->on_step = fn;
    tr->on_step_user = user;
}
int rnnts_trainer_ns(const rnnts_trainer *tr, int *ns, int max) {
    if (!tr) return 0;
    for (int a = 0; a < tr->cur.n_ns && a < max; a++) ns[a] = tr->cur.ns[a];
    return tr->cur.n_ns;
}
int rnnts_trainer_epochs(const rnnts_trainer *tr) { return tr ? tr->epoch : 0; }
int rnnts_trainer_epoch_step(const rnnts_trainer *tr) { return tr ? tr->epoch_step : 0; }
/* A relaxed atomic store of an int: async-signal-safe (lock-free) and race-free across threads. */
void rnnts_trainer_interrupt(rnnts_trainer *tr) {
    if (!tr) return;
    RNNTS__AT_STORE_RLX(&tr->interrupt, 1);
}
static int rnnts__trainer_take_interrupt(rnnts_trainer *tr) { return (int)RNNTS__AT_XCHG_RLX(&tr->interrupt, 0); }
const rnnts_train_config *rnnts_trainer_config(const rnnts_trainer *tr) { return tr ? &tr->cfg : NULL; }
rnnts_result rnnts_trainer_set_budget(rnnts_trainer *tr, int max_epochs, int target_n, double time_limit_s, rnnts_error *err) {
    rnnts_train_config c;
    rnnts_result r;
    int nmax = 0;
    if (!tr) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "trainer is NULL");
    c = tr->cfg;
    c.max_epochs = max_epochs; c.target_n = target_n; c.time_limit_s = time_limit_s;
    if ((r = rnnts_train_config_check(&c, tr->net, err)) != RNNTS_OK) return r;
    tr->cfg = c;
    for (int a = 0; a < tr->n_solved; a++) if (tr->solved[a] > nmax) nmax = tr->solved[a];
    if (tr->done == RNNTS_DONE_BUDGET || tr->done == RNNTS_DONE_TARGET) {
        int over = tr->epoch >= c.max_epochs || (c.time_limit_s > 0.0 && tr->elapsed >= c.time_limit_s) ||
                   (c.target_n > 0 && nmax >= c.target_n);
        tr->done = over ? tr->done : RNNTS_DONE_RUNNING;
    }
    return rnnts__ok(err);
}

/* Accuracy with a given workspace; argmax ties go to class 0 (as torch.argmax). */
static rnnts_result rnnts__evaluate_ws(rnnts_rnn_ws **ws, int *ws_len, float **input, int *labels, const rnnts_rnn *net,
                                       rnnts_task task, const int *ns, const int *heads, int n, int batch, int batches,
                                       int len, uint64_t seed, uint64_t first_index, rnnts_pool *pool, float *acc, float *logits,
                                       const rnnts_allocator *a, rnnts_error *err) {
    int nmax = 0, need;
    long long total = (long long)batches * batch;
    long long correct[RNNTS_MAX_NS];
    rnnts_result r;
    for (int q = 0; q < n; q++) { correct[q] = 0; if (ns[q] > nmax) nmax = ns[q]; }
    need = len > 0 ? len : rnnts_task_max_len(nmax);
    if (!*ws || *ws_len < need) {
        rnnts_rnn_ws_destroy(*ws);
        *ws = NULL;
        rnnts__afree(a, *input);
        *input = (float *)rnnts__amalloc(a, rnnts__fbytes((size_t)need, (size_t)batch, 1));
        if (!*input) return rnnts__fail(err, RNNTS_ERR_OOM, "evaluate: out of memory");
        if ((r = rnnts_rnn_ws_create(net, batch, need, a, ws, err)) != RNNTS_OK) return r;
        *ws_len = need;
    }
    for (int j = 0; j < batches; j++) {
        rnnts_batch bt;
        int M = len;
        r = rnnts_task_batch_bits(task, rnnts_task_bits_of(net->cfg.model), ns, n, batch, len, seed, RNNTS_PURPOSE_TEST,
                                  first_index + (uint64_t)j, *input, labels, &M, err);
        if (r != RNNTS_OK) return r;
        memset(&bt, 0, sizeof bt);
        bt.batch = batch; bt.len = M; bt.input = *input;
        bt.h0_seed = seed; bt.h0_draw = RNNTS__TEST_DRAW0 + first_index + (uint64_t)j;
        bt.n_active = n; bt.heads = heads;
        if ((r = rnnts_rnn_forward(*ws, net, &bt, pool, logits, NULL, err)) != RNNTS_OK) return r;
        for (int q = 0; q < n; q++)
            for (int b = 0; b < batch; b++) {
                const float *l = logits + ((size_t)q * batch + b) * 2;
                correct[q] += (l[1] > l[0] ? 1 : 0) == labels[(size_t)q * batch + b];
            }
    }
    for (int q = 0; q < n; q++) acc[q] = (float)(100.0 * (double)correct[q] / (double)total);
    return RNNTS_OK;
}
rnnts_result rnnts_evaluate(const rnnts_rnn *net, rnnts_task task, const int *ns, const int *heads, int n, int batch,
                            int batches, uint64_t seed, uint64_t first_index, rnnts_pool *pool, float *acc_out, rnnts_error *err) {
    rnnts_eval_config c = rnnts_eval_config_default();
    c.task = task; c.ns = ns; c.heads = heads; c.n = n; c.batch = batch; c.batches = batches;
    c.seed = seed; c.first_index = first_index;
    return rnnts_evaluate_config(net, &c, pool, acc_out, err);
}
rnnts_eval_config rnnts_eval_config_default(void) {
    rnnts_eval_config c;
    memset(&c, 0, sizeof c);
    c.task = RNNTS_TASK_PARITY;
    c.batch = 256; c.batches = 50;
    return c;
}
rnnts_result rnnts_evaluate_config(const rnnts_rnn *net, const rnnts_eval_config *cfg, rnnts_pool *pool, float *acc_out, rnnts_error *err) {
    rnnts_task task;
    const int *ns, *heads;
    int n, batch, batches, len;
    uint64_t seed, first_index;
    rnnts_allocator a;
    rnnts_rnn_ws *ws = NULL;
    float *input = NULL, *logits;
    int *labels, ws_len = 0;
    rnnts_result r;
    if (!net || !cfg || !cfg->ns || !cfg->heads || !acc_out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "evaluate: NULL argument");
    task = cfg->task; ns = cfg->ns; heads = cfg->heads; n = cfg->n; batch = cfg->batch; batches = cfg->batches; len = cfg->len;
    seed = cfg->seed; first_index = cfg->first_index;
    if (n < 1 || n > RNNTS_MAX_NS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "evaluate: %d Ns, allowed 1..%d", n, RNNTS_MAX_NS);
    if (batch < 1 || batch > 65536 || batches < 1 || batches > 1000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "evaluate: batch %d / batches %d out of range", batch, batches);
    for (int q = 0; q < n; q++) {
        if (ns[q] < 1 || ns[q] > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "evaluate: N = %d: allowed 1..100000", ns[q]);
        if (len != 0 && len < ns[q]) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "evaluate: len = %d is shorter than N = %d", len, ns[q]);
    }
    if (len < 0 || len > 100000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "evaluate: len = %d: allowed 0 (the task's random M) or N..1e8", len);
    a = net->alloc;
    logits = (float *)a.alloc((size_t)n * batch * 2 * sizeof(float), a.user);
    labels = (int *)a.alloc((size_t)n * batch * sizeof(int), a.user);
    if (!logits || !labels) r = rnnts__fail(err, RNNTS_ERR_OOM, "evaluate: out of memory");
    else r = rnnts__evaluate_ws(&ws, &ws_len, &input, labels, net, task, ns, heads, n, batch, batches, len, seed, first_index, pool, acc_out, logits, &a, err);
    rnnts_rnn_ws_destroy(ws);
    rnnts__afree(&a, input);
    if (logits) a.free(logits, a.user);
    if (labels) a.free(labels, a.user);
    return r == RNNTS_OK ? rnnts__ok(err) : r;
}

/* Wall-clock seconds (C11 timespec_get; Windows' msvcrt.dll has none: the system time, in 100 ns
   units since 1601); used only for budgets and reports, never in results. */
static double rnnts__seconds(void) {
#if defined(_WIN32) && !defined(TIME_UTC)
    FILETIME ft;
    GetSystemTimeAsFileTime(&ft);
    return 1e-7 * (double)(((unsigned long long)ft.dwHighDateTime << 32) | ft.dwLowDateTime);
#else
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
#endif
}

/* One optimiser step on the batch of (seed, index) at the network's current k; the loss in *loss. */
static rnnts_result rnnts__trainer_update(rnnts_trainer *tr, uint64_t index, float *loss, rnnts_error *err) {
    const rnnts_train_config *c = &tr->cfg;
    rnnts_batch bt;
    rnnts_result r;
    int M;
    if ((r = rnnts_task_batch_bits(c->task, rnnts_task_bits_of(tr->net->cfg.model), tr->cur.ns, tr->cur.n_ns, c->batch, 0, c->seed, RNNTS_PURPOSE_DATA, index, tr->input, tr->labels, &M, err)) != RNNTS_OK) return r;
    memset(&bt, 0, sizeof bt);
    bt.batch = c->batch; bt.len = M; bt.input = tr->input;
    bt.h0_seed = c->seed; bt.h0_draw = index;
    bt.n_active = tr->cur.n_ns; bt.heads = tr->cur.heads; bt.labels = tr->labels;
    r = rnnts_rnn_forward(tr->ws, tr->net, &bt, tr->pool, NULL, loss, err);
    if (r == RNNTS_OK) r = rnnts_rnn_backward(tr->ws, tr->net, tr->pool, tr->grad, err);
    if (r == RNNTS_OK) r = rnnts_optim_step(tr->opt, tr->net, tr->grad, tr->used, NULL, err);
    if (r == RNNTS_OK) rnnts_rnn_zero_diag(tr->net); /* the reference zeroes W's diagonal in .data at every forward */
    return r;
}
/* Training step s of the epoch (global step tr->step): one update, or with a k list one update
   per k in list order (the reference's continuous-time script: zero_grad, a fresh batch, forward,
   backward, clip, step for each k in turn). *loss: the update's loss, or the mean over k (summed in
   list order). The network is back at k_list[0] afterwards. */
static rnnts_result rnnts__trainer_step(rnnts_trainer *tr, int s, float *loss, rnnts_error *err) {
    const rnnts_train_config *c = &tr->cfg;
    int nk = c->n_k > 0 ? c->n_k : 1;
    float sum = 0.0f, l = 0.0f;
    rnnts_result r = RNNTS_OK;
    for (int j = 0; j < nk && r == RNNTS_OK; j++) {
        uint64_t index = c->n_k > 0 ? tr->step * (uint64_t)c->n_k + (uint64_t)j : tr->step;
        if ((r = rnnts__trainer_use_k(tr, j, err)) == RNNTS_OK) r = rnnts__trainer_update(tr, index, &l, err);
        sum = j == 0 ? l : sum + l;
        if (r != RNNTS_OK) {
            char msg[256], kmsg[48] = "";
            rnnts__strcpy(msg, sizeof msg, err ? err->msg : "");
            if (c->n_k > 0) snprintf(kmsg, sizeof kmsg, ", k = %d", c->k_list[j]);
            r = rnnts__fail(err, r, "epoch %d, step %d (global step %llu%s): %s", tr->epoch + 1, s, (unsigned long long)tr->step, kmsg, msg);
        }
    }
    if (r == RNNTS_OK) r = rnnts__trainer_use_k(tr, 0, err);
    *loss = nk > 1 ? sum / (float)nk : sum;
    return r;
}
/* The test batches of the epoch: accuracy per N in acc; with a k list the mean over k (summed in
   list order) of each k's accuracy on its own batches. */
static rnnts_result rnnts__trainer_test(rnnts_trainer *tr, float *acc, rnnts_error *err) {
    const rnnts_train_config *c = &tr->cfg;
    int nk = c->n_k > 0 ? c->n_k : 1;
    float acc_k[RNNTS_MAX_NS], *logits;
    rnnts_result r = RNNTS_OK;
    logits = (float *)tr->alloc.alloc((size_t)tr->cur.n_ns * c->batch * 2 * sizeof(float), tr->alloc.user);
    if (!logits) return rnnts__fail(err, RNNTS_ERR_OOM, "trainer: out of memory");
    for (int j = 0; j < nk && r == RNNTS_OK; j++) {
        uint64_t first = ((uint64_t)tr->epoch * (uint64_t)nk + (uint64_t)j) * (uint64_t)c->test_batches;
        if ((r = rnnts__trainer_use_k(tr, j, err)) != RNNTS_OK) break;
        r = rnnts__evaluate_ws(&tr->ws, &tr->ws_len, &tr->input, tr->labels, tr->net, c->task, tr->cur.ns, tr->cur.heads, tr->cur.n_ns, c->batch,
                               c->test_batches, 0, c->seed, first, tr->pool, nk > 1 ? acc_k : acc, logits, &tr->alloc, err);
        if (nk > 1 && r == RNNTS_OK)
            for (int q = 0; q < tr->cur.n_ns; q++) acc[q] = j == 0 ? acc_k[q] : acc[q] + acc_k[q];
    }
    tr->alloc.free(logits, tr->alloc.user);
    if (r == RNNTS_OK) r = rnnts__trainer_use_k(tr, 0, err);
    if (r == RNNTS_OK && nk > 1)
        for (int q = 0; q < tr->cur.n_ns; q++) acc[q] = acc[q] / (float)nk;
    return r;
}
rnnts_result rnnts_trainer_epoch(rnnts_trainer *tr, rnnts_epoch_report *rep, rnnts_error *err) {
    const rnnts_train_config *c;
    rnnts_result r;
    rnnts_epoch_report R;
    double t0;
    int nt;
    if (!tr || !rep) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "trainer_epoch: NULL argument");
    if (tr->done) return rnnts__fail(err, RNNTS_ERR_STATE, "training is over (epoch %d)", tr->epoch);
    c = &tr->cfg;
    t0 = rnnts__seconds();
    if ((r = rnnts__trainer_ws(tr, err)) != RNNTS_OK) return r;
    nt = rnnts_rnn_tensor_count(tr->net);
    /* Tensors that receive a gradient: tau (when learnable), input, recurrent (GRU/LSTM: the four
       cell tensors), the active heads. */
    memset(tr->used, 0, (size_t)nt);
    {
        int h0t = rnnts__head_t0(tr->net);
        for (int t = 0; t < h0t; t++) tr->used[t] = 1;
        if (tr->net->cfg.model == RNNTS_MODEL_RNN && !tr->net->cfg.train_tau) tr->used[0] = 0;
        for (int a = 0; a < tr->cur.n_ns; a++) { tr->used[h0t + 2 * tr->cur.heads[a]] = 1; tr->used[h0t + 1 + 2 * tr->cur.heads[a]] = 1; }
    }
    memset(&R, 0, sizeof R);
    R.n_ns = tr->cur.n_ns;
    for (int a = 0; a < tr->cur.n_ns; a++) { R.ns[a] = tr->cur.ns[a]; R.heads[a] = tr->cur.heads[a]; }
    for (int s = tr->epoch_step; s < c->steps_per_epoch; s++) {
        float loss;
        if (rnnts__trainer_take_interrupt(tr)) {
            tr->epoch_step = s;
            tr->elapsed += rnnts__seconds() - t0;
            return rnnts__fail(err, RNNTS_ERR_INTERRUPTED, "interrupted in epoch %d after %d of %d training steps", tr->epoch + 1, s,
                               c->steps_per_epoch);
        }
        if ((r = rnnts__trainer_step(tr, s, &loss, err)) != RNNTS_OK) return r;
        tr->losses[s] = loss;
        tr->step++;
        tr->epoch_step = s + 1;
        if (tr->on_step) tr->on_step(tr->on_step_user, s + 1, c->steps_per_epoch, loss);
    }
    R.loss = rnnts_sum_canon(tr->losses, (size_t)c->steps_per_epoch) / (float)c->steps_per_epoch;
    if ((r = rnnts__trainer_test(tr, R.acc, err)) != RNNTS_OK) return r;
    tr->epoch++;
    tr->epoch_step = 0;
    R.epoch = tr->epoch;
    R.acc_mean = rnnts_sum_canon(R.acc, (size_t)tr->cur.n_ns) / (float)tr->cur.n_ns;
    R.solved = rnnts_curriculum_solved(c, R.acc, tr->cur.n_ns, R.acc_mean);
    if (R.solved) {
        tr->n_solved = tr->cur.n_ns;
        memcpy(tr->solved, tr->cur.ns, sizeof tr->solved);
        tr->done = rnnts_curriculum_advance(c, tr->net->K, &tr->cur);
    }
    tr->elapsed += rnnts__seconds() - t0;
    if (!tr->done && tr->epoch >= c->max_epochs) tr->done = RNNTS_DONE_BUDGET;
    if (!tr->done && c->time_limit_s > 0.0 && tr->elapsed >= c->time_limit_s) tr->done = RNNTS_DONE_BUDGET;
    R.done = tr->done;
    R.seconds = rnnts__seconds() - t0;
    *rep = R;
    return rnnts__ok(err);
}

/* >>json ------------------------------------------------------------------------------------ */
/* JSON reading (public: the logs' reader in the tool uses the same cursor). RFC 8259 grammar;
   every access is bounds-checked against `end`; the first failure's message is kept in err. */
static int rnnts__json_fail(rnnts_json *j, const char *what) {
    if (!j->err[0]) rnnts__strcpy(j->err, sizeof j->err, what);
    return 0;
}
static void rnnts__json_ws(rnnts_json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}
static int rnnts__json_hex(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1; }
void rnnts_json_init(rnnts_json *j, const char *text, size_t len) {
    j->p = text;
    j->end = text ? text + len : text;
    j->err[0] = 0;
}
int rnnts_json_eat(rnnts_json *j, char c) {
    rnnts__json_ws(j);
    if (j->p < j->end && *j->p == c) { j->p++; return 1; }
    return 0;
}
int rnnts_json_end(rnnts_json *j) {
    rnnts__json_ws(j);
    return j->p == j->end;
}
int rnnts_json_literal(rnnts_json *j, const char *lit) {
    size_t n = strlen(lit);
    rnnts__json_ws(j);
    if ((size_t)(j->end - j->p) >= n && memcmp(j->p, lit, n) == 0) { j->p += n; return 1; }
    return 0;
}
/* Four hex digits of a \u escape into *cp; 0 when malformed. */
static int rnnts__json_u4(rnnts_json *j, unsigned long *cp) {
    *cp = 0;
    if (j->end - j->p < 4) return 0;
    for (int k = 0; k < 4; k++) /* all four checked before any is consumed: errors point at the escape */
        if (rnnts__json_hex(j->p[k]) < 0) return 0;
    for (int k = 0; k < 4; k++) *cp = *cp * 16 + (unsigned long)rnnts__json_hex(*j->p++);
    return 1;
}
/* The code point of a \u escape (after "\u"), a surrogate pair joined; 0 when malformed. */
static int rnnts__json_escape_u(rnnts_json *j, unsigned long *cp) {
    unsigned long lo;
    if (!rnnts__json_u4(j, cp)) return 0;
    if (*cp >= 0xDC00 && *cp <= 0xDFFF) return 0;
    if (*cp < 0xD800 || *cp > 0xDBFF) return 1;
    if (j->end - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u') return 0;
    j->p += 2;
    if (!rnnts__json_u4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF) return 0;
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
    return 1;
}
/* Code point cp as UTF-8 into u8; returns the byte count. */
static size_t rnnts__utf8(unsigned long cp, unsigned char *u8) {
    if (cp < 0x80) { u8[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) { u8[0] = (unsigned char)(0xC0 | (cp >> 6)); u8[1] = (unsigned char)(0x80 | (cp & 63)); return 2; }
    if (cp < 0x10000) {
        u8[0] = (unsigned char)(0xE0 | (cp >> 12)); u8[1] = (unsigned char)(0x80 | ((cp >> 6) & 63)); u8[2] = (unsigned char)(0x80 | (cp & 63));
        return 3;
    }
    u8[0] = (unsigned char)(0xF0 | (cp >> 18)); u8[1] = (unsigned char)(0x80 | ((cp >> 12) & 63));
    u8[2] = (unsigned char)(0x80 | ((cp >> 6) & 63)); u8[3] = (unsigned char)(0x80 | (cp & 63));
    return 4;
}
long rnnts_json_string(rnnts_json *j, char *out, size_t cap) {
    size_t n = 0;
    rnnts__json_ws(j);
    if (j->p >= j->end || *j->p != '"') return rnnts__json_fail(j, "expected a string") - 1;
    j->p++;
    for (;;) {
        unsigned long cp;
        unsigned char ch, u8[4];
        size_t m;
        if (j->p >= j->end) return rnnts__json_fail(j, "unterminated string") - 1;
        ch = (unsigned char)*j->p++;
        if (ch == '"') break;
        if (ch < 0x20) return rnnts__json_fail(j, "control character in a string") - 1;
        u8[0] = ch; /* a raw byte (UTF-8 already) is copied as it is; an escape is decoded */
        m = 1;
        if (ch == '\\') {
            if (j->p >= j->end) return rnnts__json_fail(j, "unterminated string") - 1;
            ch = (unsigned char)*j->p++;
            switch (ch) {
            case '"': case '\\': case '/': cp = ch; break;
            case 'b': cp = '\b'; break;
            case 'f': cp = '\f'; break;
            case 'n': cp = '\n'; break;
            case 'r': cp = '\r'; break;
            case 't': cp = '\t'; break;
            case 'u':
                if (!rnnts__json_escape_u(j, &cp)) return rnnts__json_fail(j, "bad \\u escape in a string") - 1;
                break;
            default: return rnnts__json_fail(j, "bad escape in a string") - 1;
            }
            m = rnnts__utf8(cp, u8);
        }
        for (size_t k = 0; k < m; k++, n++)
            if (out && n + 1 < cap) out[n] = (char)u8[k];
    }
    if (out && cap) out[n < cap ? n : cap - 1] = 0;
    return (long)n;
}
/* The characters of a number in the JSON grammar from j->p; returns their count, 0 when malformed. */
static size_t rnnts__json_number_span(rnnts_json *j, int allow_null) {
    const char *s = j->p;
#define RNNTS__DIGIT(q) ((q) < j->end && *(q) >= '0' && *(q) <= '9')
    if (j->p < j->end && *j->p == '-') j->p++;
    if (!RNNTS__DIGIT(j->p)) return rnnts__json_fail(j, allow_null ? "expected a number or null" : "expected a number");
    if (*j->p == '0') j->p++;
    else while (RNNTS__DIGIT(j->p)) j->p++;
    if (j->p < j->end && *j->p == '.') {
        j->p++;
        if (!RNNTS__DIGIT(j->p)) return rnnts__json_fail(j, "bad number");
        while (RNNTS__DIGIT(j->p)) j->p++;
    }
    if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        if (j->p < j->end && (*j->p == '+' || *j->p == '-')) j->p++;
        if (!RNNTS__DIGIT(j->p)) return rnnts__json_fail(j, "bad number");
        while (RNNTS__DIGIT(j->p)) j->p++;
    }
#undef RNNTS__DIGIT
    return (size_t)(j->p - s);
}
int rnnts_json_number(rnnts_json *j, double *v, int allow_null) {
    const char *s;
    char buf[64], *e;
    size_t n;
    rnnts__json_ws(j);
    if (allow_null && rnnts_json_literal(j, "null")) { *v = (double)NAN; return 1; }
    s = j->p;
    if (!(n = rnnts__json_number_span(j, allow_null))) return 0;
    if (n >= sizeof buf) return rnnts__json_fail(j, "number too long");
    memcpy(buf, s, n);
    buf[n] = 0;
    *v = strtod(buf, &e);
    if (*e || !(*v - *v == 0.0)) return rnnts__json_fail(j, "number out of range");
    return 1;
}
int rnnts_json_uint(rnnts_json *j, uint64_t *v) {
    uint64_t x = 0;
    int digits = 0;
    rnnts__json_ws(j);
    if (j->p < j->end && *j->p == '0' && j->end - j->p > 1 && j->p[1] >= '0' && j->p[1] <= '9') return rnnts__json_fail(j, "leading zero");
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        x = x * 10 + (uint64_t)(*j->p++ - '0');
        if (++digits > 16 || x > ((uint64_t)1 << 53)) return rnnts__json_fail(j, "integer above 2^53");
    }
    if (!digits) return rnnts__json_fail(j, "expected a non-negative integer");
    if (j->p < j->end && (*j->p == '.' || *j->p == 'e' || *j->p == 'E')) return rnnts__json_fail(j, "expected an integer");
    *v = x;
    return 1;
}
int rnnts_json_skip(rnnts_json *j, int max_depth) {
    double d;
    if (max_depth < 0) return rnnts__json_fail(j, "nested too deeply");
    rnnts__json_ws(j);
    if (j->p >= j->end) return rnnts__json_fail(j, "expected a value");
    if (*j->p == '"') return rnnts_json_string(j, NULL, 0) >= 0;
    if (rnnts_json_literal(j, "true") || rnnts_json_literal(j, "false") || rnnts_json_literal(j, "null")) return 1;
    if (*j->p == '[' || *j->p == '{') {
        char close = *j->p == '[' ? ']' : '}';
        int obj = *j->p == '{';
        j->p++;
        if (rnnts_json_eat(j, close)) return 1;
        for (;;) {
            if (obj && rnnts_json_string(j, NULL, 0) < 0) return 0;
            if (obj && !rnnts_json_eat(j, ':')) return rnnts__json_fail(j, "expected ':'");
            if (!rnnts_json_skip(j, max_depth - 1)) return 0;
            if (rnnts_json_eat(j, ',')) continue;
            if (rnnts_json_eat(j, close)) return 1;
            return rnnts__json_fail(j, obj ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    return rnnts_json_number(j, &d, 0);
}

/* >>xxh3 ------------------------------------------------------------------------------------ */
/* XXH3-64, seed 0, default secret: written from the public specification, checked against
   libxxhash by the tests for every length 0..4096 and beyond. */
#define RNNTS__XXH3_P32_1 0x9E3779B1U
#define RNNTS__XXH3_P32_2 0x85EBCA77U
#define RNNTS__XXH3_P32_3 0xC2B2AE3DU
#define RNNTS__XXH3_P64_1 0x9E3779B185EBCA87ULL
#define RNNTS__XXH3_P64_2 0xC2B2AE3D27D4EB4FULL
#define RNNTS__XXH3_P64_3 0x165667B19E3779F9ULL
#define RNNTS__XXH3_P64_4 0x85EBCA77C2B2AE63ULL
#define RNNTS__XXH3_P64_5 0x27D4EB2F165667C5ULL
#define RNNTS__XXH3_MX1   0x165667919E3779F9ULL
#define RNNTS__XXH3_MX2   0x9FB21C651E98DF25ULL

/* Default 192-byte XXH3 secret (spec constant). */
static const uint8_t rnnts__xxh3_secret[192] = {
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
    0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
    0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
    0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
};

/* Little-endian 32-bit load from any alignment. */
static uint32_t rnnts__xxh3_rd32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Little-endian 64-bit load from any alignment. */
static uint64_t rnnts__xxh3_rd64(const uint8_t *p) {
    return (uint64_t)rnnts__xxh3_rd32(p) | ((uint64_t)rnnts__xxh3_rd32(p + 4) << 32);
}

/* Rotate a 64-bit value left by r (0 < r < 64). */
static uint64_t rnnts__xxh3_rotl(uint64_t x, unsigned r) {
    return (x << r) | (x >> (64u - r));
}

/* Reverse the byte order of a 64-bit value. */
static uint64_t rnnts__xxh3_bswap(uint64_t x) {
    x = ((x & 0x00FF00FF00FF00FFULL) << 8) | ((x >> 8) & 0x00FF00FF00FF00FFULL);
    x = ((x & 0x0000FFFF0000FFFFULL) << 16) | ((x >> 16) & 0x0000FFFF0000FFFFULL);
    return (x << 32) | (x >> 32);
}

/* Full 64x64->128 product via 32-bit halves, folded as low ^ high. */
static uint64_t rnnts__xxh3_mulfold(uint64_t a, uint64_t b) {
    uint64_t alo = a & 0xFFFFFFFFu, ahi = a >> 32, blo = b & 0xFFFFFFFFu, bhi = b >> 32;
    uint64_t ll = alo * blo, hl = ahi * blo, lh = alo * bhi, hh = ahi * bhi;
    uint64_t cross = (ll >> 32) + (hl & 0xFFFFFFFFu) + lh;
    uint64_t hi = hh + (hl >> 32) + (cross >> 32);
    uint64_t lo = (cross << 32) | (ll & 0xFFFFFFFFu);
    return lo ^ hi;
}

/* XXH64-style final avalanche (used by the 0..3 byte paths). */
static uint64_t rnnts__xxh3_av64(uint64_t h) {
    h ^= h >> 33; h *= RNNTS__XXH3_P64_2;
    h ^= h >> 29; h *= RNNTS__XXH3_P64_3;
    return h ^ (h >> 32);
}

/* XXH3 avalanche (used by 9..240 and long paths). */
static uint64_t rnnts__xxh3_av(uint64_t h) {
    h ^= h >> 37; h *= RNNTS__XXH3_MX1;
    return h ^ (h >> 32);
}

/* rrmxmx mixer (used by the 4..8 byte path). */
static uint64_t rnnts__xxh3_rrmxmx(uint64_t h, uint64_t len) {
    h ^= rnnts__xxh3_rotl(h, 49) ^ rnnts__xxh3_rotl(h, 24);
    h *= RNNTS__XXH3_MX2; h ^= (h >> 35) + len;
    h *= RNNTS__XXH3_MX2;
    return h ^ (h >> 28);
}

/* Mix 16 input bytes with 16 secret bytes into one 64-bit lane. */
static uint64_t rnnts__xxh3_mix16(const uint8_t *in, const uint8_t *sec) {
    return rnnts__xxh3_mulfold(rnnts__xxh3_rd64(in) ^ rnnts__xxh3_rd64(sec),
                               rnnts__xxh3_rd64(in + 8) ^ rnnts__xxh3_rd64(sec + 8));
}

/* Hash of inputs of length 0..16. */
static uint64_t rnnts__xxh3_short(const uint8_t *p, size_t len) {
    const uint8_t *s = rnnts__xxh3_secret;
    if (len > 8) {
        uint64_t lo = rnnts__xxh3_rd64(p) ^ (rnnts__xxh3_rd64(s + 24) ^ rnnts__xxh3_rd64(s + 32));
        uint64_t hi = rnnts__xxh3_rd64(p + len - 8) ^ (rnnts__xxh3_rd64(s + 40) ^ rnnts__xxh3_rd64(s + 48));
        return rnnts__xxh3_av((uint64_t)len + rnnts__xxh3_bswap(lo) + hi + rnnts__xxh3_mulfold(lo, hi));
    }
    if (len >= 4) {
        uint64_t v = (uint64_t)rnnts__xxh3_rd32(p + len - 4) + ((uint64_t)rnnts__xxh3_rd32(p) << 32);
        return rnnts__xxh3_rrmxmx(v ^ (rnnts__xxh3_rd64(s + 8) ^ rnnts__xxh3_rd64(s + 16)), (uint64_t)len);
    }
    if (len > 0) {
        uint32_t c = ((uint32_t)p[0] << 16) | ((uint32_t)p[len >> 1] << 24) | (uint32_t)p[len - 1] | ((uint32_t)len << 8);
        return rnnts__xxh3_av64((uint64_t)c ^ (uint64_t)(rnnts__xxh3_rd32(s) ^ rnnts__xxh3_rd32(s + 4)));
    }
    return rnnts__xxh3_av64(rnnts__xxh3_rd64(s + 56) ^ rnnts__xxh3_rd64(s + 64));
}

/* Hash of inputs of length 17..240. */
static uint64_t rnnts__xxh3_mid(const uint8_t *p, size_t len) {
    const uint8_t *s = rnnts__xxh3_secret;
    uint64_t acc = (uint64_t)len * RNNTS__XXH3_P64_1;
    size_t i, n;
    if (len <= 128) {
        /* 16-byte blocks taken pairwise from both ends, outermost pair first */
        n = (len - 1) / 32; /* 0..3 extra pairs */
        for (i = 0; i <= n; i++) {
            acc += rnnts__xxh3_mix16(p + 16 * i, s + 32 * i);
            acc += rnnts__xxh3_mix16(p + len - 16 * (i + 1), s + 32 * i + 16);
        }
        return rnnts__xxh3_av(acc);
    }
    for (i = 0; i < 8; i++) acc += rnnts__xxh3_mix16(p + 16 * i, s + 16 * i);
    acc = rnnts__xxh3_av(acc);
    n = len / 16;
    for (i = 8; i < n; i++) acc += rnnts__xxh3_mix16(p + 16 * i, s + 16 * (i - 8) + 3);
    acc += rnnts__xxh3_mix16(p + len - 16, s + 136 - 17);
    return rnnts__xxh3_av(acc);
}

/* Accumulate one 64-byte stripe into the 8 lanes. */
static void rnnts__xxh3_stripe(uint64_t acc[8], const uint8_t *in, const uint8_t *sec) {
    size_t i;
    for (i = 0; i < 8; i++) {
        uint64_t v = rnnts__xxh3_rd64(in + 8 * i);
        uint64_t k = v ^ rnnts__xxh3_rd64(sec + 8 * i);
        acc[i ^ 1] += v;
        acc[i] += (k & 0xFFFFFFFFu) * (k >> 32);
    }
}

/* Scramble the 8 lanes at the end of each block. */
static void rnnts__xxh3_scramble(uint64_t acc[8], const uint8_t *sec) {
    size_t i;
    for (i = 0; i < 8; i++) {
        uint64_t a = acc[i];
        a ^= a >> 47;
        a ^= rnnts__xxh3_rd64(sec + 8 * i);
        acc[i] = a * RNNTS__XXH3_P32_1;
    }
}

/* Hash of inputs longer than 240 bytes (16 stripes per 1024-byte block). */
static uint64_t rnnts__xxh3_long(const uint8_t *p, size_t len) {
    const uint8_t *s = rnnts__xxh3_secret;
    uint64_t acc[8];
    uint64_t r = (uint64_t)len * RNNTS__XXH3_P64_1;
    size_t nblocks = (len - 1) / 1024, b, i, nstripes;
    acc[0] = RNNTS__XXH3_P32_3; acc[1] = RNNTS__XXH3_P64_1;
    acc[2] = RNNTS__XXH3_P64_2; acc[3] = RNNTS__XXH3_P64_3;
    acc[4] = RNNTS__XXH3_P64_4; acc[5] = RNNTS__XXH3_P32_2;
    acc[6] = RNNTS__XXH3_P64_5; acc[7] = RNNTS__XXH3_P32_1;
    for (b = 0; b < nblocks; b++) {
        for (i = 0; i < 16; i++) rnnts__xxh3_stripe(acc, p + 1024 * b + 64 * i, s + 8 * i);
        rnnts__xxh3_scramble(acc, s + 192 - 64);
    }
    nstripes = ((len - 1) - 1024 * nblocks) / 64;
    for (i = 0; i < nstripes; i++) rnnts__xxh3_stripe(acc, p + 1024 * nblocks + 64 * i, s + 8 * i);
    rnnts__xxh3_stripe(acc, p + len - 64, s + 192 - 64 - 7);
    for (i = 0; i < 4; i++)
        r += rnnts__xxh3_mulfold(acc[2 * i] ^ rnnts__xxh3_rd64(s + 11 + 16 * i),
                                 acc[2 * i + 1] ^ rnnts__xxh3_rd64(s + 11 + 16 * i + 8));
    return rnnts__xxh3_av(r);
}

/* XXH3-64 of len bytes at data, seed 0, default secret. */
static uint64_t rnnts__xxh3_64(const void *data, size_t len) {
    const uint8_t *p = (const uint8_t *)data;
    if (len <= 16) return rnnts__xxh3_short(p, len);
    if (len <= 240) return rnnts__xxh3_mid(p, len);
    return rnnts__xxh3_long(p, len);
}
uint64_t rnnts_xxh3_64(const void *data, size_t len) { return rnnts__xxh3_64(data, len); }

/* >>safetensors ----------------------------------------------------------------------------- */
/* The safetensors header parser's view: a string into out (cap bytes); 1, 0 when malformed, -1
   when it does not fit. */
static int rnnts__json_str_fit(rnnts_json *j, char *out, size_t cap) {
    long n = rnnts_json_string(j, out, cap);
    return n < 0 ? 0 : (size_t)n >= cap ? -1 : 1;
}

/* Little-endian float access independent of the host's byte order. */
static void rnnts__put_f32(unsigned char *p, float f) {
    uint32_t u = rnnts__f2u(f);
    p[0] = (unsigned char)u; p[1] = (unsigned char)(u >> 8); p[2] = (unsigned char)(u >> 16); p[3] = (unsigned char)(u >> 24);
}
static float rnnts__get_f32(const unsigned char *p) {
    return rnnts__u2f((uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24));
}
/* XXH3-64 of the parameters as little-endian bytes in tensor order (the model checksum). */
static uint64_t rnnts__param_hash(const rnnts_rnn *net, unsigned char *scratch) {
    for (size_t e = 0; e < net->n_param; e++) rnnts__put_f32(scratch + 4 * e, net->param[e]);
    return rnnts_xxh3_64(scratch, net->n_param * 4);
}
uint64_t rnnts_rnn_checksum(const rnnts_rnn *net) {
    unsigned char *b;
    uint64_t h;
    if (!net || !(b = (unsigned char *)rnnts__amalloc(&net->alloc, net->n_param * 4 + 1))) return 0;
    h = rnnts__param_hash(net, b);
    rnnts__afree(&net->alloc, b);
    return h;
}

/* Growable text buffer for writing headers. */
typedef struct { char *p; size_t n, cap; int oom; const rnnts_allocator *a; } rnnts__buf;
static void rnnts__buf_put(rnnts__buf *b, const char *s, size_t n) {
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 1024);
        char *q;
        while (cap < b->n + n + 1) cap *= 2;
        q = (char *)b->a->alloc(cap, b->a->user);
        if (!q) { b->oom = 1; return; }
        if (b->p) { memcpy(q, b->p, b->n); b->a->free(b->p, b->a->user); }
        b->p = q; b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}
static void rnnts__buf_fmt(rnnts__buf *b, const char *fmt, ...) RNNTS__PRINTF(2, 3);
static void rnnts__buf_fmt(rnnts__buf *b, const char *fmt, ...) {
    char tmp[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof tmp) { b->oom = 1; return; }
    rnnts__buf_put(b, tmp, (size_t)n);
}
/* JSON string with the characters that need it escaped. */
static void rnnts__buf_jstr(rnnts__buf *b, const char *s) {
    rnnts__buf_put(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') { char e[2] = {'\\', (char)c}; rnnts__buf_put(b, e, 2); }
        else if (c < 0x20) rnnts__buf_fmt(b, "\\u%04x", c);
        else rnnts__buf_put(b, s, 1);
    }
    rnnts__buf_put(b, "\"", 1);
}


/* Header: {"__metadata__":{...},"<tensor>":{"dtype":"F32","shape":[..],"data_offsets":[a,b]},...}
   in tensor order, padded with spaces to a multiple of 8; then the data, little-endian.
   Metadata keys in this fixed order: format, rnnts_version, model, variant, activation, hidden,
   heads, tau, fixed_tau, tau_init, k_continuous, task, curriculum, ns, seed, epoch, checksum_xxh3
   (GRU/LSTM, model "gru"/"lstm": format, rnnts_version, model, hidden, heads, task, ...). */
static rnnts_result rnnts__save_ex(const rnnts_rnn *net, const rnnts_named_tensor *extra, int n_extra,
                                   const char *const *extra_meta, void **out, size_t *out_size, rnnts_error *err) {
    rnnts__buf hb;
    unsigned char *file, *data;
    size_t data_bytes, hlen, off = 0, extra_floats = 0;
    uint64_t sum;
    if (!net || !out || !out_size) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "save: net, out and out_size must not be NULL");
    *out = NULL; *out_size = 0;
    data_bytes = net->n_param * 4;
    data = (unsigned char *)net->alloc.alloc(data_bytes, net->alloc.user);
    if (!data) return rnnts__fail(err, RNNTS_ERR_OOM, "save: out of memory");
    sum = rnnts__param_hash(net, data);
    memset(&hb, 0, sizeof hb);
    hb.a = &net->alloc;
    if (net->cfg.model != RNNTS_MODEL_RNN) {
        /* GRU/LSTM: model, hidden, heads (variant, activation and tau do not apply) */
        rnnts__buf_fmt(&hb, "{\"__metadata__\":{\"format\":\"rnnts\",\"rnnts_version\":\"" RNNTS_VERSION_STRING "\",\"model\":\"%s\"",
                       rnnts_model_name(net->cfg.model));
        rnnts__buf_fmt(&hb, ",\"hidden\":\"%d\",\"heads\":\"%d\"", net->H, net->K);
    } else {
    rnnts__buf_put(&hb, "{\"__metadata__\":{\"format\":\"rnnts\",\"rnnts_version\":\"" RNNTS_VERSION_STRING "\",\"model\":\"rnn\"", 0 + sizeof("{\"__metadata__\":{\"format\":\"rnnts\",\"rnnts_version\":\"" RNNTS_VERSION_STRING "\",\"model\":\"rnn\"") - 1);
    rnnts__buf_fmt(&hb, ",\"variant\":\"%s\",\"activation\":\"%s\",\"hidden\":\"%d\",\"heads\":\"%d\",\"tau\":\"%s\"",
                   rnnts_name(RNNTS_NAMES_VARIANT, (int)net->cfg.variant), rnnts_name(RNNTS_NAMES_ACTIVATION, (int)net->cfg.activation), net->H, net->K,
                   net->cfg.train_tau ? "learnable" : "fixed");
    rnnts__buf_fmt(&hb, ",\"fixed_tau\":\"%.9g\",\"tau_init\":\"%.9g\",\"k_continuous\":\"%d\"", (double)net->cfg.fixed_tau,
                   (double)net->cfg.tau_init, net->cfg.k_continuous);
    /* only when set, so that files of networks without it keep their bytes */
    if (net->cfg.tau_mean != 0.0f) rnnts__buf_fmt(&hb, ",\"tau_mean\":\"%.9g\"", (double)net->cfg.tau_mean);
    }
    rnnts__buf_put(&hb, ",\"task\":", 8); rnnts__buf_jstr(&hb, net->meta.task);
    rnnts__buf_put(&hb, ",\"curriculum\":", 14); rnnts__buf_jstr(&hb, net->meta.curriculum);
    rnnts__buf_put(&hb, ",\"ns\":", 6); rnnts__buf_jstr(&hb, net->meta.ns);
    rnnts__buf_fmt(&hb, ",\"seed\":\"%llu\",\"epoch\":\"%d\",\"checksum_xxh3\":\"%016llx\"", (unsigned long long)net->meta.seed,
                   net->meta.epoch, (unsigned long long)sum);
    for (int q = 0; q < net->n_meta_extra; q++) {
        const char *k, *v;
        rnnts_rnn_meta_extra(net, q, &k, &v);
        rnnts__buf_put(&hb, ",", 1);
        rnnts__buf_jstr(&hb, k);
        rnnts__buf_put(&hb, ":", 1);
        rnnts__buf_jstr(&hb, v);
    }
    for (int q = 0; extra_meta && extra_meta[q] && extra_meta[q + 1]; q += 2) {
        rnnts__buf_put(&hb, ",", 1);
        rnnts__buf_jstr(&hb, extra_meta[q]);
        rnnts__buf_put(&hb, ":", 1);
        rnnts__buf_jstr(&hb, extra_meta[q + 1]);
    }
    rnnts__buf_put(&hb, "}", 1);
    for (int t = 0; t < rnnts_rnn_tensor_count(net); t++) {
        rnnts_tensor_info ti;
        rnnts_rnn_tensor(net, t, &ti);
        rnnts__buf_fmt(&hb, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[%lld", ti.name, (long long)ti.shape[0]);
        if (ti.ndim == 2) rnnts__buf_fmt(&hb, ",%lld", (long long)ti.shape[1]);
        rnnts__buf_fmt(&hb, "],\"data_offsets\":[%zu,%zu]}", off, off + ti.count * 4);
        off += ti.count * 4;
    }
    for (int q = 0; q < n_extra; q++) {
        size_t cnt = 1;
        rnnts__buf_put(&hb, ",", 1);
        rnnts__buf_jstr(&hb, extra[q].name);
        rnnts__buf_put(&hb, ":{\"dtype\":\"F32\",\"shape\":[", 25);
        for (int dd = 0; dd < extra[q].ndim; dd++) { rnnts__buf_fmt(&hb, dd ? ",%lld" : "%lld", (long long)extra[q].shape[dd]); cnt *= (size_t)extra[q].shape[dd]; }
        rnnts__buf_fmt(&hb, "],\"data_offsets\":[%zu,%zu]}", off, off + cnt * 4);
        off += cnt * 4;
        extra_floats += cnt;
    }
    rnnts__buf_put(&hb, "}", 1);
    while (!hb.oom && hb.n % 8) rnnts__buf_put(&hb, " ", 1);
    if (hb.oom) {
        if (hb.p) net->alloc.free(hb.p, net->alloc.user);
        net->alloc.free(data, net->alloc.user);
        return rnnts__fail(err, RNNTS_ERR_OOM, "save: out of memory");
    }
    hlen = hb.n;
    file = (unsigned char *)net->alloc.alloc(8 + hlen + data_bytes + extra_floats * 4, net->alloc.user);
    if (!file) {
        net->alloc.free(hb.p, net->alloc.user);
        net->alloc.free(data, net->alloc.user);
        return rnnts__fail(err, RNNTS_ERR_OOM, "save: out of memory");
    }
    for (int k = 0; k < 8; k++) file[k] = (unsigned char)((uint64_t)hlen >> (8 * k));
    memcpy(file + 8, hb.p, hlen);
    memcpy(file + 8 + hlen, data, data_bytes);
    off = 8 + hlen + data_bytes;
    for (int q = 0; q < n_extra; q++) {
        size_t cnt = 1;
        for (int dd = 0; dd < extra[q].ndim; dd++) cnt *= (size_t)extra[q].shape[dd];
        for (size_t e = 0; e < cnt; e++) rnnts__put_f32(file + off + 4 * e, extra[q].data[e]);
        off += cnt * 4;
    }
    net->alloc.free(hb.p, net->alloc.user);
    net->alloc.free(data, net->alloc.user);
    *out = file;
    *out_size = 8 + hlen + data_bytes + extra_floats * 4;
    return rnnts__ok(err);
}
rnnts_result rnnts_rnn_save_mem(const rnnts_rnn *net, void **out, size_t *out_size, rnnts_error *err) {
    return rnnts__save_ex(net, NULL, 0, NULL, out, out_size, err);
}
void rnnts_free(const rnnts_allocator *alloc, void *p) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    if (p) a.free(p, a.user);
}

#define RNNTS__MAX_TENSORS 200000
#define RNNTS__MAX_HEADER (100u << 20)
typedef struct { char name[64]; int ndim; uint64_t shape[8]; uint64_t begin, end; int seen; } rnnts__st_entry;
typedef struct { char key[64]; char val[4608]; } rnnts__st_meta;

/* Parses the header into entries and metadata. */
static rnnts_result rnnts__st_parse(rnnts_json *j, rnnts__st_entry *ent, int max_ent, int *n_ent, rnnts__st_meta *meta,
                                    int max_meta, int *n_meta, uint64_t data_size, const rnnts_allocator *a, rnnts_error *err) {
    int first = 1, have_meta = 0;
    (void)a;
    *n_ent = 0; *n_meta = 0;
    if (!rnnts_json_eat(j, '{')) return rnnts__fail(err, RNNTS_ERR_JSON, "header: expected '{' at byte %zu", (size_t)0);
    if (rnnts_json_eat(j, '}')) goto done;
    for (;;) {
        char key[128];
        int s;
        if (!first && !rnnts_json_eat(j, ',')) return rnnts__fail(err, RNNTS_ERR_JSON, "header: expected ',' or '}'");
        first = 0;
        s = rnnts__json_str_fit(j, key, sizeof key);
        if (s == 0) return rnnts__fail(err, RNNTS_ERR_JSON, "header: expected a key string");
        if (s < 0) return rnnts__fail(err, RNNTS_ERR_FORMAT, "header: key longer than %d bytes", 63);
        if (strlen(key) > 63) return rnnts__fail(err, RNNTS_ERR_FORMAT, "header: key '%.40s...' longer than 63 bytes", key);
        if (!rnnts_json_eat(j, ':')) return rnnts__fail(err, RNNTS_ERR_JSON, "header: expected ':' after \"%s\"", key);
        if (!rnnts_json_eat(j, '{')) return rnnts__fail(err, RNNTS_ERR_JSON, "header: value of \"%s\" is not an object", key);
        if (strcmp(key, "__metadata__") == 0) {
            int f2 = 1;
            if (have_meta) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "header: __metadata__ appears twice");
            have_meta = 1;
            if (!rnnts_json_eat(j, '}'))
            for (;;) {
                rnnts__st_meta m;
                if (!f2 && !rnnts_json_eat(j, ',')) return rnnts__fail(err, RNNTS_ERR_JSON, "__metadata__: expected ',' or '}'");
                f2 = 0;
                s = rnnts__json_str_fit(j, m.key, sizeof m.key);
                if (s == 0) return rnnts__fail(err, RNNTS_ERR_JSON, "__metadata__: expected a key string");
                if (!rnnts_json_eat(j, ':')) return rnnts__fail(err, RNNTS_ERR_JSON, "__metadata__: expected ':'");
                if (s > 0) {
                    int s2 = rnnts__json_str_fit(j, m.val, sizeof m.val);
                    if (s2 == 0) return rnnts__fail(err, RNNTS_ERR_JSON, "__metadata__: value of \"%s\" is not a string", m.key);
                    for (int q = 0; q < *n_meta; q++)
                        if (strcmp(meta[q].key, m.key) == 0) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "__metadata__: key \"%s\" twice", m.key);
                    if (*n_meta >= max_meta) return rnnts__fail(err, RNNTS_ERR_FORMAT, "__metadata__: more than %d keys", max_meta);
                    if (s2 > 0) meta[(*n_meta)++] = m; /* values longer than 4607 bytes are left out, not fatal */
                } else {
                    char skip[4];
                    if (rnnts__json_str_fit(j, skip, sizeof skip) == 0) return rnnts__fail(err, RNNTS_ERR_JSON, "__metadata__: value is not a string");
                }
                if (rnnts_json_eat(j, '}')) break;
            }
            if (rnnts_json_eat(j, '}')) break;
            continue;
        }
        {
            rnnts__st_entry e;
            int have_dtype = 0, have_shape = 0, have_off = 0, f3 = 1;
            memset(&e, 0, sizeof e);
            rnnts__strcpy(e.name, sizeof e.name, key);
            for (int q = 0; q < *n_ent; q++)
                if (strcmp(ent[q].name, key) == 0) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "header: tensor \"%s\" twice", key);
            if (*n_ent >= max_ent) return rnnts__fail(err, RNNTS_ERR_FORMAT, "header: more than %d tensors", max_ent);
            if (rnnts_json_eat(j, '}')) return rnnts__fail(err, RNNTS_ERR_FORMAT, "tensor \"%s\": empty description", key);
            for (;;) {
                char fk[32];
                if (!f3 && !rnnts_json_eat(j, ',')) return rnnts__fail(err, RNNTS_ERR_JSON, "tensor \"%s\": expected ',' or '}'", key);
                f3 = 0;
                if (rnnts__json_str_fit(j, fk, sizeof fk) <= 0 || !rnnts_json_eat(j, ':'))
                    return rnnts__fail(err, RNNTS_ERR_JSON, "tensor \"%s\": expected a field name", key);
                if (strcmp(fk, "dtype") == 0) {
                    char dt[16];
                    if (have_dtype++) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "tensor \"%s\": dtype twice", key);
                    if (rnnts__json_str_fit(j, dt, sizeof dt) <= 0) return rnnts__fail(err, RNNTS_ERR_JSON, "tensor \"%s\": dtype is not a string", key);
                    if (strcmp(dt, "F32") != 0) return rnnts__fail(err, RNNTS_ERR_DTYPE, "tensor \"%s\": dtype %s, expected F32", key, dt);
                } else if (strcmp(fk, "shape") == 0) {
                    if (have_shape++) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "tensor \"%s\": shape twice", key);
                    if (!rnnts_json_eat(j, '[')) return rnnts__fail(err, RNNTS_ERR_JSON, "tensor \"%s\": shape is not an array", key);
                    if (!rnnts_json_eat(j, ']'))
                        for (;;) {
                            if (e.ndim >= 8) return rnnts__fail(err, RNNTS_ERR_SHAPE, "tensor \"%s\": more than 8 dimensions", key);
                            if (!rnnts_json_uint(j, &e.shape[e.ndim])) return rnnts__fail(err, RNNTS_ERR_JSON, "tensor \"%s\": bad shape entry", key);
                            e.ndim++;
                            if (rnnts_json_eat(j, ']')) break;
                            if (!rnnts_json_eat(j, ',')) return rnnts__fail(err, RNNTS_ERR_JSON, "tensor \"%s\": shape: expected ',' or ']'", key);
                        }
                } else if (strcmp(fk, "data_offsets") == 0) {
                    if (have_off++) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "tensor \"%s\": data_offsets twice", key);
                    if (!rnnts_json_eat(j, '[') || !rnnts_json_uint(j, &e.begin) || !rnnts_json_eat(j, ',') ||
                        !rnnts_json_uint(j, &e.end) || !rnnts_json_eat(j, ']'))
                        return rnnts__fail(err, RNNTS_ERR_JSON, "tensor \"%s\": data_offsets must be [begin, end]", key);
                } else {
                    return rnnts__fail(err, RNNTS_ERR_FORMAT, "tensor \"%s\": unknown field \"%s\"", key, fk);
                }
                if (rnnts_json_eat(j, '}')) break;
            }
            if (!have_dtype || !have_shape || !have_off)
                return rnnts__fail(err, RNNTS_ERR_FORMAT, "tensor \"%s\": needs dtype, shape and data_offsets", key);
            {
                uint64_t count = 1;
                for (int d = 0; d < e.ndim; d++) {
                    if (e.shape[d] && count > (UINT64_MAX / 8) / e.shape[d]) return rnnts__fail(err, RNNTS_ERR_SHAPE, "tensor \"%s\": shape too large", key);
                    count *= e.shape[d];
                }
                if (e.begin > e.end || e.end > data_size)
                    return rnnts__fail(err, RNNTS_ERR_OFFSETS, "tensor \"%s\": data_offsets [%llu, %llu] outside the %llu data bytes", key,
                                       (unsigned long long)e.begin, (unsigned long long)e.end, (unsigned long long)data_size);
                if (e.end - e.begin != count * 4)
                    return rnnts__fail(err, RNNTS_ERR_SHAPE, "tensor \"%s\": %llu bytes for a shape of %llu floats", key,
                                       (unsigned long long)(e.end - e.begin), (unsigned long long)count);
            }
            ent[(*n_ent)++] = e;
        }
        if (rnnts_json_eat(j, '}')) break;
    }
done:
    if (!rnnts_json_end(j)) return rnnts__fail(err, RNNTS_ERR_JSON, "header: bytes after the closing '}'");
    return RNNTS_OK;
}
static const char *rnnts__meta_get(const rnnts__st_meta *m, int n, const char *key) {
    for (int q = 0; q < n; q++) if (strcmp(m[q].key, key) == 0) return m[q].val;
    return NULL;
}
static int rnnts__cmp_entry(const void *a, const void *b) {
    const rnnts__st_entry *x = (const rnnts__st_entry *)a, *y = (const rnnts__st_entry *)b;
    return x->begin < y->begin ? -1 : x->begin > y->begin ? 1 : (x->end < y->end ? -1 : x->end > y->end);
}
static int rnnts__parse_int(const char *s, long lo, long hi, long *v) {
    char *e;
    long x;
    if (!s || !*s) return 0;
    x = strtol(s, &e, 10);
    if (*e || x < lo || x > hi) return 0;
    *v = x;
    return 1;
}
/* Moves entries named optim.* and trainer.* (checkpoint state) to the end; returns how many
   others there are. */
static int rnnts__drop_optim(rnnts__st_entry *e, int n) {
    int k = 0;
    for (int q = 0; q < n; q++)
        if (strncmp(e[q].name, "optim.", 6) != 0 && strncmp(e[q].name, "trainer.", 8) != 0) {
            rnnts__st_entry t = e[k];
            e[k++] = e[q];
            e[q] = t;
        }
    return k;
}
static rnnts__st_entry *rnnts__find(rnnts__st_entry *e, int n, const char *name) {
    for (int q = 0; q < n; q++) if (strcmp(e[q].name, name) == 0) return &e[q];
    return NULL;
}

/* Validates the framing of a safetensors buffer and parses its header: entries (sorted by data
   offset) and metadata. The data section must be indexed entirely, without holes or overlaps
   (the safetensors rule). On success the caller frees *ent and *meta with a. */
static rnnts_result rnnts__st_open(const unsigned char *d, size_t size, const rnnts_allocator *a, rnnts__st_entry **ent_out,
                                   int *n_ent_out, rnnts__st_meta **meta_out, int *n_meta_out, uint64_t *hlen_out, rnnts_error *err) {
    uint64_t hlen = 0, dsize;
    rnnts_json j;
    rnnts__st_entry *ent;
    rnnts__st_meta *meta;
    int n_ent = 0, n_meta = 0, max_ent;
    rnnts_result r;
    *ent_out = NULL; *meta_out = NULL;
    if (!d && size) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "load: data is NULL");
    if (size < 8) return rnnts__fail(err, RNNTS_ERR_TRUNCATED, "file has %zu bytes, fewer than the 8-byte header length", size);
    for (int k = 0; k < 8; k++) hlen |= (uint64_t)d[k] << (8 * k);
    if (hlen > size - 8)
        return rnnts__fail(err, RNNTS_ERR_TRUNCATED, "header length %llu exceeds the %zu bytes after it", (unsigned long long)hlen, size - 8);
    if (hlen > RNNTS__MAX_HEADER) return rnnts__fail(err, RNNTS_ERR_FORMAT, "header length %llu exceeds 100 MiB", (unsigned long long)hlen);
    if (hlen < 2) return rnnts__fail(err, RNNTS_ERR_JSON, "header of %llu bytes cannot hold a JSON object", (unsigned long long)hlen);
    dsize = (uint64_t)(size - 8) - hlen;
    max_ent = (int)RNNTS__MIN((uint64_t)RNNTS__MAX_TENSORS, hlen / 16 + 1);
    ent = (rnnts__st_entry *)a->alloc((size_t)max_ent * sizeof *ent, a->user);
    meta = (rnnts__st_meta *)a->alloc(RNNTS__MAX_META * sizeof *meta, a->user);
    if (!ent || !meta) { r = rnnts__fail(err, RNNTS_ERR_OOM, "load: out of memory"); goto fail; }
    rnnts_json_init(&j, (const char *)d + 8, (size_t)hlen);
    if ((r = rnnts__st_parse(&j, ent, max_ent, &n_ent, meta, RNNTS__MAX_META, &n_meta, dsize, a, err)) != RNNTS_OK) goto fail;
    qsort(ent, (size_t)n_ent, sizeof *ent, rnnts__cmp_entry);
    {
        uint64_t pos = 0;
        for (int q = 0; q < n_ent; q++) {
            if (ent[q].begin != pos) {
                r = rnnts__fail(err, RNNTS_ERR_OFFSETS, "tensor \"%s\" starts at %llu: %s at %llu", ent[q].name,
                                (unsigned long long)ent[q].begin, ent[q].begin < pos ? "overlaps the data ending" : "hole before it, previous data ends", (unsigned long long)pos);
                goto fail;
            }
            pos = ent[q].end;
        }
        if (pos != dsize) {
            r = rnnts__fail(err, RNNTS_ERR_OFFSETS, "tensors cover %llu of the %llu data bytes", (unsigned long long)pos, (unsigned long long)dsize);
            goto fail;
        }
    }
    *ent_out = ent; *n_ent_out = n_ent; *meta_out = meta; *n_meta_out = n_meta; *hlen_out = hlen;
    return RNNTS_OK;
fail:
    if (ent) a->free(ent, a->user);
    if (meta) a->free(meta, a->user);
    return r;
}
rnnts_result rnnts_st_header_mem(const void *data, size_t size, const rnnts_allocator *alloc, rnnts_st_header *out, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts__st_entry *ent = NULL;
    rnnts__st_meta *meta = NULL;
    int n_ent = 0, n_meta = 0;
    uint64_t hlen = 0;
    rnnts_result r;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "st_header: out is NULL");
    memset(out, 0, sizeof *out);
    out->alloc = a;
    if ((r = rnnts__st_open((const unsigned char *)data, size, &a, &ent, &n_ent, &meta, &n_meta, &hlen, err)) != RNNTS_OK) return r;
    out->tensors = (rnnts_st_tensor *)rnnts__amalloc(&a, (size_t)(n_ent ? n_ent : 1) * sizeof *out->tensors);
    out->meta = (rnnts_st_meta *)rnnts__amalloc(&a, (size_t)(n_meta ? n_meta : 1) * sizeof *out->meta);
    if (!out->tensors || !out->meta) r = rnnts__fail(err, RNNTS_ERR_OOM, "st_header: out of memory");
    for (int q = 0; r == RNNTS_OK && q < n_ent; q++) {
        rnnts_st_tensor *t = &out->tensors[q];
        memset(t, 0, sizeof *t);
        rnnts__strcpy(t->name, sizeof t->name, ent[q].name);
        t->ndim = ent[q].ndim;
        for (int d = 0; d < ent[q].ndim && d < 8; d++) t->shape[d] = ent[q].shape[d];
        t->begin = ent[q].begin; t->end = ent[q].end;
    }
    for (int q = 0; r == RNNTS_OK && q < n_meta; q++) {
        rnnts__strcpy(out->meta[q].key, sizeof out->meta[q].key, meta[q].key);
        rnnts__strcpy(out->meta[q].value, sizeof out->meta[q].value, meta[q].val);
    }
    a.free(ent, a.user);
    a.free(meta, a.user);
    if (r != RNNTS_OK) { rnnts_st_header_free(out); return r; }
    out->n_tensors = n_ent; out->n_meta = n_meta; out->header_len = hlen;
    return rnnts__ok(err);
}
const char *rnnts_st_header_meta(const rnnts_st_header *h, const char *key) {
    for (int q = 0; h && key && q < h->n_meta; q++)
        if (strcmp(h->meta[q].key, key) == 0) return h->meta[q].value;
    return NULL;
}
void rnnts_st_header_free(rnnts_st_header *h) {
    if (!h) return;
    rnnts__afree(&h->alloc, h->tensors);
    rnnts__afree(&h->alloc, h->meta);
    h->tensors = NULL; h->meta = NULL; h->n_tensors = h->n_meta = 0;
}

/* GRU/LSTM: H from weight_hh [G*H, H], K from the heads modulelist.{k}, k from 0. */
static rnnts_result rnnts__load_cfg_gated(rnnts__st_entry *ent, int n_ent, rnnts_rnn_config *cfg, rnnts_error *err) {
    rnnts__st_entry *e;
    char nm[64];
    int G = rnnts__gates(cfg->model), K = 0;
    snprintf(nm, sizeof nm, "%s.weight_hh_l0", rnnts_model_name(cfg->model));
    if (!(e = rnnts__find(ent, n_ent, nm))) { return rnnts__fail(err, RNNTS_ERR_MISSING, "tensor %s missing", nm); }
    if (e->ndim != 2 || e->shape[1] < 1 || e->shape[1] > 16384 || e->shape[0] != (uint64_t)G * e->shape[1]) {
        return rnnts__fail(err, RNNTS_ERR_SHAPE, "%s must be [%d*H,H] with 1 <= H <= 16384", nm, G);
    }
    cfg->hidden = (int)e->shape[1];
    for (;;) {
        snprintf(nm, sizeof nm, "modulelist.%d.weight", K);
        if (!rnnts__find(ent, n_ent, nm)) break;
        K++;
    }
    if (K < 1) { return rnnts__fail(err, RNNTS_ERR_MISSING, "no readout head (tensor modulelist.0.weight missing)"); }
    cfg->heads = K;
    return RNNTS_OK;
}
/* Leaky RNN: the shapes decide H and K, the metadata the rest (the reference's defaults when absent);
   a fixed tau is read from the file (d: the file, hlen: its header length). */
static rnnts_result rnnts__load_cfg_rnn(const unsigned char *d, uint64_t hlen, rnnts__st_entry *ent, int n_ent, const rnnts__st_meta *meta,
                                        int n_meta, rnnts_rnn_config *cfg, rnnts_error *err) {
    rnnts__st_entry *e;
    const char *mv;
    long v;
    /* Shapes decide H and K; metadata decides the rest (defaults of the reference when absent). */
    if (!(e = rnnts__find(ent, n_ent, "modulelist.1.weight"))) { return rnnts__fail(err, RNNTS_ERR_MISSING, "tensor modulelist.1.weight missing"); }
    if (e->ndim != 2 || e->shape[0] != e->shape[1] || e->shape[0] < 1 || e->shape[0] > RNNTS__MAX_H) {
        return rnnts__fail(err, RNNTS_ERR_SHAPE, "modulelist.1.weight must be [H,H] with 1 <= H <= %d", RNNTS__MAX_H);
    }
    cfg->hidden = (int)e->shape[0];
    {
        int K = 0;
        for (;;) {
            char nm[64];
            snprintf(nm, sizeof nm, "modulelist.%d.weight", 2 + K);
            if (!rnnts__find(ent, n_ent, nm)) break;
            K++;
        }
        if (K < 1) { return rnnts__fail(err, RNNTS_ERR_MISSING, "no readout head (tensor modulelist.2.weight missing)"); }
        cfg->heads = K;
    }
    if ((mv = rnnts__meta_get(meta, n_meta, "variant"))) {
        int found = rnnts_name_parse(RNNTS_NAMES_VARIANT, mv);
        if (found >= 0) cfg->variant = (rnnts_variant)found;
        else { return rnnts__fail(err, RNNTS_ERR_FORMAT, "metadata variant = \"%s\": allowed default, mod", mv); }
    }
    if ((mv = rnnts__meta_get(meta, n_meta, "activation"))) {
        int found = rnnts_name_parse(RNNTS_NAMES_ACTIVATION, mv);
        if (found < 0) { return rnnts__fail(err, RNNTS_ERR_FORMAT, "metadata activation = \"%s\": allowed leakyrelu, relu, tanh, sigmoid", mv); }
        cfg->activation = (rnnts_activation)found;
    }
    if ((mv = rnnts__meta_get(meta, n_meta, "k_continuous"))) {
        if (!rnnts__parse_int(mv, 0, 10000, &v)) { return rnnts__fail(err, RNNTS_ERR_FORMAT, "metadata k_continuous = \"%s\": allowed 0..10000", mv); }
        cfg->k_continuous = (int)v;
    }
    if ((mv = rnnts__meta_get(meta, n_meta, "tau_init"))) {
        char *end;
        float f = strtof(mv, &end);
        if (*end || !rnnts__isfinite(f)) { return rnnts__fail(err, RNNTS_ERR_FORMAT, "metadata tau_init = \"%s\" is not a finite number", mv); }
        cfg->tau_init = f;
    }
    if ((mv = rnnts__meta_get(meta, n_meta, "tau_mean"))) {
        char *end;
        float f = strtof(mv, &end);
        if (*end || !rnnts__isfinite(f)) { return rnnts__fail(err, RNNTS_ERR_FORMAT, "metadata tau_mean = \"%s\" is not a finite number", mv); }
        cfg->tau_mean = f;
    }
    if (!(e = rnnts__find(ent, n_ent, "parameterlist.0"))) { return rnnts__fail(err, RNNTS_ERR_MISSING, "tensor parameterlist.0 (tau) missing"); }
    if (e->ndim != 1 || (e->shape[0] != (uint64_t)cfg->hidden && e->shape[0] != 1)) {
        return rnnts__fail(err, RNNTS_ERR_SHAPE, "parameterlist.0 must be [%d] (learnable tau) or [1] (fixed tau)", cfg->hidden);
    }
    cfg->train_tau = e->shape[0] == (uint64_t)cfg->hidden;
    if ((mv = rnnts__meta_get(meta, n_meta, "tau"))) {
        if (strcmp(mv, "fixed") == 0) cfg->train_tau = 0;
        else if (strcmp(mv, "learnable") == 0) cfg->train_tau = 1;
        else { return rnnts__fail(err, RNNTS_ERR_FORMAT, "metadata tau = \"%s\": allowed learnable, fixed", mv); }
        if ((uint64_t)(cfg->train_tau ? cfg->hidden : 1) != e->shape[0]) {
            return rnnts__fail(err, RNNTS_ERR_SHAPE, "parameterlist.0 has %llu values but metadata says tau = %s", (unsigned long long)e->shape[0], mv);
        }
    }
    if (!cfg->train_tau) cfg->fixed_tau = rnnts__get_f32(d + 8 + hlen + e->begin);
    return RNNTS_OK;
}
/* The parameters: every tensor of net present with its shape and finite values, no tensor that is
   not net's (optimiser state already dropped). */
static rnnts_result rnnts__load_params(rnnts_rnn *net, const unsigned char *d, uint64_t hlen, rnnts__st_entry *ent, int n_ent,
                                       const rnnts_rnn_config *cfg, rnnts_error *err) {
    rnnts__st_entry *e;
    if ((int)n_ent > rnnts_rnn_tensor_count(net)) {
        /* Find the first tensor that is not ours, for the message. */
        for (int q = 0; q < n_ent; q++) {
            int ok = 0;
            for (int t = 0; t < rnnts_rnn_tensor_count(net) && !ok; t++) {
                rnnts_tensor_info ti;
                rnnts_rnn_tensor(net, t, &ti);
                ok = strcmp(ti.name, ent[q].name) == 0;
            }
            if (!ok) { return rnnts__fail(err, RNNTS_ERR_FORMAT, "unexpected tensor \"%s\"", ent[q].name); }
        }
        return rnnts__fail(err, RNNTS_ERR_FORMAT, "file has %d tensors, a%s %s with %d heads has %d", n_ent, cfg->model == RNNTS_MODEL_LSTM ? "n" : "",
                        cfg->model == RNNTS_MODEL_RNN ? "RNN" : cfg->model == RNNTS_MODEL_GRU ? "GRU" : "LSTM", cfg->heads, rnnts_rnn_tensor_count(net));
    }
    for (int t = 0; t < rnnts_rnn_tensor_count(net); t++) {
        rnnts_tensor_info ti;
        rnnts_rnn_tensor(net, t, &ti);
        if (!(e = rnnts__find(ent, n_ent, ti.name))) { return rnnts__fail(err, RNNTS_ERR_MISSING, "tensor %s missing", ti.name); }
        if (e->ndim != ti.ndim || e->shape[0] != (uint64_t)ti.shape[0] || (ti.ndim == 2 && e->shape[1] != (uint64_t)ti.shape[1])) {
            return rnnts__fail(err, RNNTS_ERR_SHAPE, "tensor %s: shape does not match H = %d", ti.name, cfg->hidden);
        }
        for (size_t q = 0; q < ti.count; q++) {
            float f = rnnts__get_f32(d + 8 + hlen + e->begin + 4 * q);
            if (!rnnts__isfinite(f)) { return rnnts__fail(err, RNNTS_ERR_NONFINITE, "tensor %s: element %zu is not finite", ti.name, q); }
            net->param[ti.offset + q] = f;
        }
    }
    return RNNTS_OK;
}
/* The checksum (when the file has one) against the parameters, the metadata rnnts reads, and the
   entries it does not interpret kept for save. */
static rnnts_result rnnts__load_meta(rnnts_rnn *net, const rnnts__st_meta *meta, int n_meta, const rnnts_allocator *alloc, rnnts_error *err) {
    rnnts_allocator a = *alloc;
    rnnts_result r;
    const char *mv;
    long v;
    if ((mv = rnnts__meta_get(meta, n_meta, "checksum_xxh3"))) {
        unsigned char *scratch = (unsigned char *)a.alloc(net->n_param * 4, a.user);
        char want[20];
        if (!scratch) return rnnts__fail(err, RNNTS_ERR_OOM, "load: out of memory");
        snprintf(want, sizeof want, "%016llx", (unsigned long long)rnnts__param_hash(net, scratch));
        a.free(scratch, a.user);
        if (strcmp(want, mv) != 0) return rnnts__fail(err, RNNTS_ERR_CHECKSUM, "checksum_xxh3 is %s, the parameters hash to %s", mv, want);
    }
    if ((mv = rnnts__meta_get(meta, n_meta, "task"))) rnnts__strcpy(net->meta.task, sizeof net->meta.task, mv);
    if ((mv = rnnts__meta_get(meta, n_meta, "curriculum"))) rnnts__strcpy(net->meta.curriculum, sizeof net->meta.curriculum, mv);
    if ((mv = rnnts__meta_get(meta, n_meta, "ns"))) rnnts__strcpy(net->meta.ns, sizeof net->meta.ns, mv);
    if ((mv = rnnts__meta_get(meta, n_meta, "seed"))) net->meta.seed = strtoull(mv, NULL, 10);
    if ((mv = rnnts__meta_get(meta, n_meta, "epoch")) && rnnts__parse_int(mv, 0, 1L << 30, &v)) net->meta.epoch = (int)v;
    /* entries rnnts does not interpret are kept (and written back by save), not fatal */
    for (int q = 0; q < n_meta; q++)
        if (!rnnts__meta_is_reserved(meta[q].key) && meta[q].key[0] && strlen(meta[q].key) <= 63 &&
            (r = rnnts_rnn_meta_set(net, meta[q].key, meta[q].val, err)) != RNNTS_OK)
            return r;
    return RNNTS_OK;
}
rnnts_result rnnts_rnn_load_mem(const void *vdata, size_t size, const rnnts_allocator *alloc, rnnts_rnn **out, rnnts_error *err) {
    const unsigned char *d = (const unsigned char *)vdata;
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    uint64_t hlen = 0;
    rnnts__st_entry *ent = NULL;
    rnnts__st_meta *meta = NULL;
    int n_ent = 0, n_meta = 0;
    rnnts_result r;
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    const char *mv;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "load: out is NULL");
    *out = NULL;
    if ((r = rnnts__st_open(d, size, &a, &ent, &n_ent, &meta, &n_meta, &hlen, err)) != RNNTS_OK) return r;
    /* Model kind: the metadata, else (files of other tools) the tensor names. */
    if ((mv = rnnts__meta_get(meta, n_meta, "model"))) {
        if (strcmp(mv, "rnn") == 0) cfg.model = RNNTS_MODEL_RNN;
        else if (strcmp(mv, "gru") == 0) cfg.model = RNNTS_MODEL_GRU;
        else if (strcmp(mv, "lstm") == 0) cfg.model = RNNTS_MODEL_LSTM;
        else { r = rnnts__fail(err, RNNTS_ERR_FORMAT, "metadata model = \"%s\": allowed rnn, gru, lstm", mv); goto fail; }
    } else if (rnnts__find(ent, n_ent, "gru.weight_hh_l0")) {
        cfg.model = RNNTS_MODEL_GRU;
    } else if (rnnts__find(ent, n_ent, "lstm.weight_hh_l0")) {
        cfg.model = RNNTS_MODEL_LSTM;
    }
    if (cfg.model != RNNTS_MODEL_RNN) {
        if ((r = rnnts__load_cfg_gated(ent, n_ent, &cfg, err)) != RNNTS_OK) goto fail;
    } else if ((r = rnnts__load_cfg_rnn(d, hlen, ent, n_ent, meta, n_meta, &cfg, err)) != RNNTS_OK) {
        goto fail;
    }
    {
        rnnts_error ce;
        if (rnnts_rnn_config_check(&cfg, &ce) != RNNTS_OK) { r = rnnts__fail(err, RNNTS_ERR_FORMAT, "file describes an invalid network: %s", ce.msg); goto fail; }
    }
    if ((r = rnnts_rnn_create_zero(&cfg, &a, &net, err)) != RNNTS_OK) goto fail;
    n_ent = rnnts__drop_optim(ent, n_ent); /* optimiser and trainer state of checkpoints: read by rnnts_trainer_resume */
    if ((r = rnnts__load_params(net, d, hlen, ent, n_ent, &cfg, err)) != RNNTS_OK) goto fail;
    if ((r = rnnts__load_meta(net, meta, n_meta, &a, err)) != RNNTS_OK) goto fail;
    a.free(ent, a.user);
    a.free(meta, a.user);
    *out = net;
    return rnnts__ok(err);
fail:
    if (ent) a.free(ent, a.user);
    if (meta) a.free(meta, a.user);
    rnnts_rnn_destroy(net);
    return r;
}

#ifndef RNNTS_NO_STDIO
/* Writes bytes to path atomically: path.tmp, flushed to the disk (fsync), then renamed over path
   and the directory synced, so that after any failure or crash (process or machine) path holds
   either its old content or the new one, never a mix. A failed write (disk full, file size limit,
   I/O error) removes path.tmp, leaves path untouched and names the cause. */
#if defined(__unix__) || defined(__APPLE__)
static rnnts_result rnnts__write_atomic(const char *path, const void *p, size_t n, rnnts_error *err) {
    char tmp[4096], dir[4096];
    const char *slash;
    const unsigned char *b = (const unsigned char *)p;
    size_t done = 0;
    int fd, e = 0;
    if (!path || !*path) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "path is empty");
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "path too long");
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) { e = errno; return rnnts__fail(err, RNNTS_ERR_IO, "cannot create %s: %s", tmp, strerror(e)); }
    while (done < n && !e) {
        size_t chunk = n - done < ((size_t)1 << 30) ? n - done : ((size_t)1 << 30);
        ssize_t w = write(fd, b + done, chunk);
        if (w > 0) done += (size_t)w;
        else if (w < 0 && errno == EINTR) continue;
        else e = w < 0 ? errno : EIO;
    }
    if (!e && fsync(fd) != 0 && errno != EINVAL) e = errno; /* EINVAL: a file system without fsync */
    if (close(fd) != 0 && !e && errno != EINTR) e = errno;
    if (e) {
        remove(tmp);
        return rnnts__fail(err, RNNTS_ERR_IO, "writing %s failed after %zu of %zu bytes: %s; %s is unchanged", tmp, done, n, strerror(e), path);
    }
    if (rename(tmp, path) != 0) {
        e = errno;
        remove(tmp);
        return rnnts__fail(err, RNNTS_ERR_IO, "cannot rename %s to %s: %s; %s is unchanged", tmp, path, strerror(e), path);
    }
    /* the rename itself reaches the disk with the directory (best effort: not every file system allows it) */
    slash = strrchr(path, '/');
    if (!slash) snprintf(dir, sizeof dir, ".");
    else snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    if ((fd = open(dir, O_RDONLY)) >= 0) { (void)fsync(fd); close(fd); }
    return RNNTS_OK;
}
#elif defined(_WIN32)
/* The Windows error text of code e into buf (system language; trailing ". " and line ends cut). */
static const char *rnnts__win_error(DWORD e, char *buf, size_t cap) {
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e, 0, buf, (DWORD)cap, NULL);
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '.')) n--;
    if (n == 0) snprintf(buf, cap, "Windows error %lu", (unsigned long)e);
    else buf[n] = 0;
    return buf;
}
/* Windows: path.tmp written with WriteFile and flushed to the disk (FlushFileBuffers), then moved
   over path by MoveFileExA(MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH), which replaces an
   existing file in one step and returns once the move is on the disk (there is no directory to
   sync). Paths are in the ANSI code page, as with fopen. */
static rnnts_result rnnts__write_atomic(const char *path, const void *p, size_t n, rnnts_error *err) {
    char tmp[4096], why[256];
    const unsigned char *b = (const unsigned char *)p;
    size_t done = 0;
    DWORD e = 0;
    HANDLE h;
    if (!path || !*path) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "path is empty");
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "path too long");
    h = CreateFileA(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE) return rnnts__fail(err, RNNTS_ERR_IO, "cannot create %s: %s", tmp, rnnts__win_error(GetLastError(), why, sizeof why));
    while (done < n && !e) {
        DWORD chunk = (DWORD)(n - done < ((size_t)1 << 30) ? n - done : ((size_t)1 << 30)), w = 0;
        if (!WriteFile(h, b + done, chunk, &w, NULL)) e = GetLastError();
        else if (w == 0) e = ERROR_WRITE_FAULT;
        else done += w;
    }
    if (!e && !FlushFileBuffers(h)) e = GetLastError();
    if (!CloseHandle(h) && !e) e = GetLastError();
    if (e) {
        DeleteFileA(tmp);
        return rnnts__fail(err, RNNTS_ERR_IO, "writing %s failed after %zu of %zu bytes: %s; %s is unchanged", tmp, done, n,
                           rnnts__win_error(e, why, sizeof why), path);
    }
    if (!MoveFileExA(tmp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
        e = GetLastError();
        DeleteFileA(tmp);
        return rnnts__fail(err, RNNTS_ERR_IO, "cannot rename %s to %s: %s; %s is unchanged", tmp, path, rnnts__win_error(e, why, sizeof why), path);
    }
    return RNNTS_OK;
}
#else
static rnnts_result rnnts__write_atomic(const char *path, const void *p, size_t n, rnnts_error *err) {
    char tmp[4096];
    FILE *f;
    int ok;
    if (!path || !*path) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "path is empty");
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "path too long");
    f = fopen(tmp, "wb");
    if (!f) return rnnts__fail(err, RNNTS_ERR_IO, "cannot create %s", tmp);
    ok = fwrite(p, 1, n, f) == n;
    ok = (fflush(f) == 0) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok) { remove(tmp); return rnnts__fail(err, RNNTS_ERR_IO, "writing %s failed (disk full?); %s is unchanged", tmp, path); }
    if (rename(tmp, path) != 0) { remove(tmp); return rnnts__fail(err, RNNTS_ERR_IO, "cannot rename %s to %s", tmp, path); }
    return RNNTS_OK;
}
#endif
rnnts_result rnnts_rnn_save(const rnnts_rnn *net, const char *path, rnnts_error *err) {
    void *buf;
    size_t n;
    rnnts_result r = rnnts_rnn_save_mem(net, &buf, &n, err);
    if (r != RNNTS_OK) return r;
    r = rnnts__write_atomic(path, buf, n, err);
    net->alloc.free(buf, net->alloc.user);
    return r == RNNTS_OK ? rnnts__ok(err) : r;
}
/* Reads a whole file into a buffer allocated with a. */
#if defined(_WIN32)
typedef long long rnnts__foff; /* long has 32 bits on Windows: files of 2 GiB and more need the 64-bit calls */
#define RNNTS__FSEEK _fseeki64
#define RNNTS__FTELL _ftelli64
#else
typedef long rnnts__foff;
#define RNNTS__FSEEK fseek
#define RNNTS__FTELL ftell
#endif
#define RNNTS__FOFF_MAX ((rnnts__foff)(~0ULL >> (65 - 8 * sizeof(rnnts__foff)))) /* LONG_MAX, LLONG_MAX */
static rnnts_result rnnts__read_file(const char *path, const rnnts_allocator *a, unsigned char **out, size_t *size, rnnts_error *err) {
    FILE *f;
    rnnts__foff len;
    unsigned char *buf;
    *out = NULL; *size = 0;
    if (!path) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "path is NULL");
    f = fopen(path, "rb");
    if (!f) return rnnts__fail(err, RNNTS_ERR_IO, "cannot open %s", path);
    /* A directory opens on glibc and reports LONG_MAX as its length. */
    if (RNNTS__FSEEK(f, 0, SEEK_END) != 0 || (len = RNNTS__FTELL(f)) < 0 || len == 0x7fffffffL || len == RNNTS__FOFF_MAX ||
        RNNTS__FSEEK(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return rnnts__fail(err, RNNTS_ERR_IO, "cannot read %s (not a regular file?)", path);
    }
    buf = (unsigned char *)a->alloc((size_t)len + 1, a->user);
    if (!buf) { fclose(f); return rnnts__fail(err, RNNTS_ERR_OOM, "out of memory reading %s (%lld bytes)", path, (long long)len); }
    if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
        fclose(f);
        a->free(buf, a->user);
        return rnnts__fail(err, RNNTS_ERR_IO, "reading %s failed", path);
    }
    fclose(f);
    *out = buf;
    *size = (size_t)len;
    return RNNTS_OK;
}
/* Reads path and hands the bytes to a from-memory loader. */
static rnnts_result rnnts__load_path(const char *path, const rnnts_allocator *alloc, rnnts_rnn **out, rnnts_error *err,
                                     rnnts_result (*from_mem)(const void *, size_t, const rnnts_allocator *, rnnts_rnn **,
                                                              rnnts_error *)) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    unsigned char *buf;
    size_t len;
    rnnts_result r;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "load: out is NULL");
    *out = NULL;
    if ((r = rnnts__read_file(path, &a, &buf, &len, err)) != RNNTS_OK) return r;
    r = from_mem(buf, len, &a, out, err);
    a.free(buf, a.user);
    return r;
}
rnnts_result rnnts_rnn_load(const char *path, const rnnts_allocator *alloc, rnnts_rnn **out, rnnts_error *err) {
    return rnnts__load_path(path, alloc, out, err, rnnts_rnn_load_mem);
}
rnnts_result rnnts_st_header_read(const char *path, const rnnts_allocator *alloc, rnnts_st_header *out, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    unsigned char *buf;
    size_t len;
    rnnts_result r;
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "st_header: out is NULL");
    memset(out, 0, sizeof *out);
    if ((r = rnnts__read_file(path, &a, &buf, &len, err)) != RNNTS_OK) return r;
    r = rnnts_st_header_mem(buf, len, &a, out, err);
    a.free(buf, a.user);
    return r;
}
rnnts_result rnnts_safetensors_write(const char *path, const rnnts_named_tensor *t, int n, const char *const *meta_kv, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(NULL);
    rnnts__buf hb;
    size_t off = 0, hlen, total;
    unsigned char *file;
    rnnts_result r;
    if (!t || n < 0) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "safetensors_write: no tensors");
    memset(&hb, 0, sizeof hb);
    hb.a = &a;
    rnnts__buf_put(&hb, "{", 1);
    if (meta_kv) {
        rnnts__buf_put(&hb, "\"__metadata__\":{", 16);
        for (int q = 0; meta_kv[q] && meta_kv[q + 1]; q += 2) {
            if (q) rnnts__buf_put(&hb, ",", 1);
            rnnts__buf_jstr(&hb, meta_kv[q]);
            rnnts__buf_put(&hb, ":", 1);
            rnnts__buf_jstr(&hb, meta_kv[q + 1]);
        }
        rnnts__buf_put(&hb, "}", 1);
    }
    for (int q = 0; q < n; q++) {
        size_t cnt = 1;
        if (t[q].ndim < 0 || t[q].ndim > 4 || !t[q].name) { if (hb.p) a.free(hb.p, a.user); return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tensor %d: bad description", q); }
        if (q || meta_kv) rnnts__buf_put(&hb, ",", 1);
        rnnts__buf_jstr(&hb, t[q].name);
        rnnts__buf_put(&hb, ":{\"dtype\":\"F32\",\"shape\":[", 25);
        for (int dd = 0; dd < t[q].ndim; dd++) { rnnts__buf_fmt(&hb, dd ? ",%lld" : "%lld", (long long)t[q].shape[dd]); cnt *= (size_t)t[q].shape[dd]; }
        rnnts__buf_fmt(&hb, "],\"data_offsets\":[%zu,%zu]}", off, off + cnt * 4);
        off += cnt * 4;
    }
    rnnts__buf_put(&hb, "}", 1);
    while (!hb.oom && hb.n % 8) rnnts__buf_put(&hb, " ", 1);
    if (hb.oom) { if (hb.p) a.free(hb.p, a.user); return rnnts__fail(err, RNNTS_ERR_OOM, "safetensors_write: out of memory"); }
    hlen = hb.n;
    total = 8 + hlen + off;
    file = (unsigned char *)a.alloc(total, a.user);
    if (!file) { a.free(hb.p, a.user); return rnnts__fail(err, RNNTS_ERR_OOM, "safetensors_write: out of memory"); }
    for (int k = 0; k < 8; k++) file[k] = (unsigned char)((uint64_t)hlen >> (8 * k));
    memcpy(file + 8, hb.p, hlen);
    off = 8 + hlen;
    for (int q = 0; q < n; q++) {
        size_t cnt = 1;
        for (int dd = 0; dd < t[q].ndim; dd++) cnt *= (size_t)t[q].shape[dd];
        for (size_t e2 = 0; e2 < cnt; e2++) rnnts__put_f32(file + off + 4 * e2, t[q].data[e2]);
        off += cnt * 4;
    }
    a.free(hb.p, a.user);
    r = rnnts__write_atomic(path, file, total, err);
    a.free(file, a.user);
    return r == RNNTS_OK ? rnnts__ok(err) : r;
}
#endif /* RNNTS_NO_STDIO */

/* >>checkpoint ------------------------------------------------------------------------------ */
/* Trainer checkpoints: the network, then optim.m.<tensor>, optim.v.<tensor> (Adam) and optim.state
   [3][tensors] (steps, beta1^steps, beta2^steps), trainer.losses [epoch_step] mid-epoch; metadata
   train_config and train_state. */
/* Parses "2,3,4" (values >= lo) into ns; returns the count or -1. */
static int rnnts__list_parse(const char *s, int lo, int *ns, int max) {
    int n = 0;
    while (*s) {
        char *e;
        long v = strtol(s, &e, 10);
        if (e == s || v < lo || v > 100000 || n >= max) return -1;
        ns[n++] = (int)v;
        s = e;
        if (*s == ',') s++;
        else if (*s) return -1;
    }
    return n;
}
int rnnts_ns_parse(const char *s, int *ns, int max) { return s && ns ? rnnts__list_parse(s, 1, ns, max) : -1; }
static void rnnts__ns_string(char *dst, size_t cap, const int *ns, int n) {
    size_t used = 0;
    dst[0] = 0;
    for (int a = 0; a < n; a++) {
        int w = snprintf(dst + used, cap - used, a ? ",%d" : "%d", ns[a]);
        if (w < 0 || (size_t)w >= cap - used) break;
        used += (size_t)w;
    }
}
rnnts_result rnnts_trainer_save_mem(const rnnts_trainer *tr, void **out, size_t *out_size, rnnts_error *err) {
    const rnnts_train_config *c;
    rnnts_rnn *net;
    rnnts_named_tensor *ext;
    char (*names)[64];
    char cfgs[1024], state[4608], ns[2048], heads[2048]; /* RNNTS_MAX_NS values of up to 7 characters each */
    const char *meta[5];
    int nt, n = 0;
    rnnts_result r;
    if (!tr || !out || !out_size) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "trainer_save: NULL argument");
    c = &tr->cfg;
    net = tr->net;
    nt = rnnts_rnn_tensor_count(net);
    rnnts__strcpy(net->meta.task, sizeof net->meta.task, rnnts_name(RNNTS_NAMES_TASK, (int)c->task));
    rnnts__strcpy(net->meta.curriculum, sizeof net->meta.curriculum, rnnts_name(RNNTS_NAMES_CURRICULUM, (int)c->curriculum));
    rnnts__ns_string(net->meta.ns, sizeof net->meta.ns, tr->solved, tr->n_solved);
    net->meta.seed = c->seed;
    net->meta.epoch = tr->epoch;
    snprintf(cfgs, sizeof cfgs,
             "task=%s curriculum=%s n_start=%d n_add=%d window=%d slide=%d n_fixed=%d batch=%d steps_per_epoch=%d "
             "test_batches=%d max_epochs=%d target_n=%d time_limit_s=%.17g threshold=%.9g optimizer=%s lr=%.9g momentum=%.9g "
             "nesterov=%d beta1=%.9g beta2=%.9g eps=%.9g clip=%.9g seed=%llu",
             rnnts_name(RNNTS_NAMES_TASK, (int)c->task), rnnts_name(RNNTS_NAMES_CURRICULUM, (int)c->curriculum), c->n_start, c->n_add, c->window, c->slide, c->n_fixed,
             c->batch, c->steps_per_epoch, c->test_batches, c->max_epochs, c->target_n, c->time_limit_s, (double)c->threshold,
             rnnts_name(RNNTS_NAMES_OPTIMIZER, (int)c->optim.kind), (double)c->optim.lr, (double)c->optim.momentum, c->optim.nesterov,
             (double)c->optim.beta1, (double)c->optim.beta2, (double)c->optim.eps, (double)c->optim.clip, (unsigned long long)c->seed);
    /* The options added later only when set, so that checkpoints without them keep their bytes. */
    if (c->init_heads != 1) {
        size_t used = strlen(cfgs);
        snprintf(cfgs + used, sizeof cfgs - used, " init_heads=%d", c->init_heads);
    }
    if (c->n_k > 0) {
        char kl[RNNTS_MAX_K * 7]; /* values up to 10000 */
        size_t used = strlen(cfgs);
        rnnts__ns_string(kl, sizeof kl, c->k_list, c->n_k);
        snprintf(cfgs + used, sizeof cfgs - used, " k_list=%s", kl);
    }
    rnnts__ns_string(ns, sizeof ns, tr->cur.ns, tr->cur.n_ns);
    rnnts__ns_string(heads, sizeof heads, tr->cur.heads, tr->cur.n_ns);
    /* No wall time in the file: checkpoints of a resumed run must equal an uninterrupted run's. */
    snprintf(state, sizeof state, "epoch=%d step=%llu done=%d ns=%s heads=%s", tr->epoch, (unsigned long long)tr->step, (int)tr->done, ns, heads);
    /* Mid-epoch (after an interruption): the steps done and their losses (the epoch's mean loss
       needs them). Absent at epoch boundaries, so those files are as before. */
    if (tr->epoch_step > 0) {
        size_t used = strlen(state);
        snprintf(state + used, sizeof state - used, " epoch_step=%d", tr->epoch_step);
    }
    meta[0] = "train_config"; meta[1] = cfgs; meta[2] = "train_state"; meta[3] = state; meta[4] = NULL;
    ext = (rnnts_named_tensor *)tr->alloc.alloc((size_t)(2 * nt + 2) * sizeof *ext, tr->alloc.user);
    names = (char (*)[64])tr->alloc.alloc((size_t)(2 * nt) * 64, tr->alloc.user);
    if (!ext || !names) {
        if (ext) tr->alloc.free(ext, tr->alloc.user);
        if (names) tr->alloc.free(names, tr->alloc.user);
        return rnnts__fail(err, RNNTS_ERR_OOM, "trainer_save: out of memory");
    }
    for (int pass = 0; pass < (c->optim.kind == RNNTS_OPT_ADAM ? 2 : 1); pass++)
        for (int t = 0; t < nt; t++) {
            const rnnts_tensor_info *ti = &tr->opt->ti[t];
            snprintf(names[n], 64, "optim.%s.%s", pass ? "v" : "m", ti->name);
            ext[n].name = names[n];
            ext[n].ndim = ti->ndim;
            ext[n].shape[0] = ti->shape[0];
            ext[n].shape[1] = ti->shape[1];
            ext[n].data = (pass ? tr->opt->v : tr->opt->m) + ti->offset;
            n++;
        }
    ext[n].name = "optim.state"; ext[n].ndim = 2; ext[n].shape[0] = 3; ext[n].shape[1] = nt; ext[n].data = tr->opt->steps; n++;
    if (tr->epoch_step > 0) { ext[n].name = "trainer.losses"; ext[n].ndim = 1; ext[n].shape[0] = tr->epoch_step; ext[n].data = tr->losses; n++; }
    r = rnnts__save_ex(net, ext, n, meta, out, out_size, err);
    tr->alloc.free(ext, tr->alloc.user);
    tr->alloc.free(names, tr->alloc.user);
    return r;
}
#ifndef RNNTS_NO_STDIO
rnnts_result rnnts_trainer_save(const rnnts_trainer *tr, const char *path, rnnts_error *err) {
    void *buf;
    size_t size;
    rnnts_result r;
    if (!tr || !path) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "trainer_save: NULL argument");
    if ((r = rnnts_trainer_save_mem(tr, &buf, &size, err)) != RNNTS_OK) return r;
    r = rnnts__write_atomic(path, buf, size, err);
    tr->net->alloc.free(buf, tr->net->alloc.user);
    return r == RNNTS_OK ? rnnts__ok(err) : r;
}
#endif /* RNNTS_NO_STDIO */
/* Value of key=... in a space-separated list, copied into out. */
static int rnnts__kv(const char *list, const char *key, char *out, size_t cap) {
    size_t kl = strlen(key);
    const char *p = list;
    while (p && *p) {
        while (*p == ' ') p++;
        if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
            size_t n = 0;
            p += kl + 1;
            while (p[n] && p[n] != ' ') n++;
            if (n >= cap) return 0;
            memcpy(out, p, n);
            out[n] = 0;
            return 1;
        }
        p = strchr(p, ' ');
    }
    return 0;
}
int rnnts_meta_kv(const char *list, const char *key, char *out, size_t cap) { return list && key && out ? rnnts__kv(list, key, out, cap) : 0; }
/* An unsigned 64-bit decimal (digits only, no overflow). */
static int rnnts__kv_u64(const char *list, const char *key, uint64_t *v) {
    char b[64];
    uint64_t x = 0;
    if (!rnnts__kv(list, key, b, sizeof b) || !b[0]) return 0;
    for (const char *p = b; *p; p++) {
        if (*p < '0' || *p > '9' || x > (UINT64_MAX - (uint64_t)(*p - '0')) / 10) return 0;
        x = x * 10 + (uint64_t)(*p - '0');
    }
    *v = x;
    return 1;
}
static int rnnts__kv_long(const char *list, const char *key, long lo, long hi, long *v) {
    char b[64];
    return rnnts__kv(list, key, b, sizeof b) && rnnts__parse_int(b, lo, hi, v);
}
static int rnnts__kv_double(const char *list, const char *key, double *v) {
    char b[64], *e;
    if (!rnnts__kv(list, key, b, sizeof b)) return 0;
    *v = strtod(b, &e);
    return *e == 0 && *v == *v;
}
/* The train_config keys written only when set (init_heads, k_list) into *c; NULL, or what is bad. */
static const char *rnnts__ref_opts_parse(const char *cs, const rnnts_rnn *net, rnnts_train_config *c) {
    char b[128];
    long v;
    if (rnnts__kv(cs, "init_heads", b, sizeof b)) { /* absent: 1 */
        if (!rnnts__parse_int(b, 1, RNNTS_MAX_NS, &v)) return "init_heads (allowed 1..256)";
        c->init_heads = (int)v;
    }
    if (rnnts__kv(cs, "k_list", b, sizeof b)) { /* absent: no k list */
        c->n_k = rnnts__list_parse(b, 1, c->k_list, RNNTS_MAX_K);
        if (c->n_k < 1) return "k_list (1..16 values in 1..10000)";
        for (int j = 0; j < c->n_k; j++) if (c->k_list[j] > 10000) return "k_list (1..16 values in 1..10000)";
        if (net->cfg.k_continuous != c->k_list[0]) return "k_list (the network's k_continuous must be its first value)";
    }
    return NULL;
}
/* Checkpoint metadata checks: a bad or missing value of the train metadata is a FORMAT error that
   names it (path: the checkpoint in messages). Defined for the three readers below. */
#define RNNTS__NEED(ok, what) do { if (!(ok)) return rnnts__fail(err, RNNTS_ERR_FORMAT, "%s: train metadata: bad or missing %s", path, what); } while (0)
/* The trainer configuration from the train_config metadata (cs) of the network net. */
static rnnts_result rnnts__resume_config(const char *cs, const rnnts_rnn *net, const char *path, rnnts_train_config *c,
                                         rnnts_error *err) {
    char b[4608];
    long v;
    double d;
    const char *bad;
    RNNTS__NEED(rnnts__kv(cs, "task", b, sizeof b) && (v = rnnts_name_parse(RNNTS_NAMES_TASK, b)) >= 0, "task");
    c->task = (rnnts_task)v;
    RNNTS__NEED(rnnts__kv(cs, "curriculum", b, sizeof b) && (v = rnnts_name_parse(RNNTS_NAMES_CURRICULUM, b)) >= 0, "curriculum");
    c->curriculum = (rnnts_curriculum)v;
    RNNTS__NEED(rnnts__kv_long(cs, "n_start", 1, 100000, &v), "n_start"); c->n_start = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "n_add", 1, RNNTS_MAX_NS, &v), "n_add"); c->n_add = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "window", 1, RNNTS_MAX_NS, &v), "window"); c->window = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "slide", 1, RNNTS_MAX_NS, &v), "slide"); c->slide = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "n_fixed", 1, 100000, &v), "n_fixed"); c->n_fixed = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "batch", 1, 65536, &v), "batch"); c->batch = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "steps_per_epoch", 1, 100000000, &v), "steps_per_epoch"); c->steps_per_epoch = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "test_batches", 1, 1000000, &v), "test_batches"); c->test_batches = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "max_epochs", 1, 100000000, &v), "max_epochs"); c->max_epochs = (int)v;
    RNNTS__NEED(rnnts__kv_long(cs, "target_n", 0, 100000, &v), "target_n"); c->target_n = (int)v;
    RNNTS__NEED(rnnts__kv_double(cs, "time_limit_s", &c->time_limit_s), "time_limit_s");
    RNNTS__NEED(rnnts__kv_double(cs, "threshold", &d), "threshold"); c->threshold = (float)d;
    RNNTS__NEED(rnnts__kv(cs, "optimizer", b, sizeof b) && (v = rnnts_name_parse(RNNTS_NAMES_OPTIMIZER, b)) >= 0, "optimizer (allowed sgd, adam)");
    c->optim.kind = (rnnts_optimizer)v;
    RNNTS__NEED(rnnts__kv_double(cs, "lr", &d), "lr"); c->optim.lr = (float)d;
    RNNTS__NEED(rnnts__kv_double(cs, "momentum", &d), "momentum"); c->optim.momentum = (float)d;
    RNNTS__NEED(rnnts__kv_long(cs, "nesterov", 0, 1, &v), "nesterov"); c->optim.nesterov = (int)v;
    RNNTS__NEED(rnnts__kv_double(cs, "beta1", &d), "beta1"); c->optim.beta1 = (float)d;
    RNNTS__NEED(rnnts__kv_double(cs, "beta2", &d), "beta2"); c->optim.beta2 = (float)d;
    RNNTS__NEED(rnnts__kv_double(cs, "eps", &d), "eps"); c->optim.eps = (float)d;
    RNNTS__NEED(rnnts__kv_double(cs, "clip", &d), "clip"); c->optim.clip = (float)d;
    RNNTS__NEED(rnnts__kv_u64(cs, "seed", &c->seed), "seed");
    RNNTS__NEED((bad = rnnts__ref_opts_parse(cs, net, c)) == NULL, bad);
    return RNNTS_OK;
}
/* The trainer state from the train_state metadata (ss): epoch, step, done, the current Ns and heads
   (checked against the curriculum of c), the Ns solved (network metadata). */
static rnnts_result rnnts__resume_state(rnnts_trainer *tr, const rnnts_train_config *c, const rnnts_rnn *net, const char *ss,
                                        const char *path, rnnts_error *err) {
    char b[4608];
    long v;
    RNNTS__NEED(rnnts__kv_long(ss, "epoch", 0, 100000000, &v), "epoch"); tr->epoch = (int)v;
    RNNTS__NEED(rnnts__kv_u64(ss, "step", &tr->step), "step");
    RNNTS__NEED(rnnts__kv_long(ss, "done", 0, 3, &v), "done"); tr->done = (rnnts_done)v;
    RNNTS__NEED(rnnts__kv(ss, "ns", b, sizeof b) && (tr->cur.n_ns = rnnts_ns_parse(b, tr->cur.ns, RNNTS_MAX_NS)) > 0, "ns");
    RNNTS__NEED(rnnts__kv(ss, "heads", b, sizeof b) && rnnts__list_parse(b, 0, tr->cur.heads, RNNTS_MAX_NS) == tr->cur.n_ns, "heads");
    for (int q = 0; q < tr->cur.n_ns; q++) RNNTS__NEED(tr->cur.heads[q] >= 0 && tr->cur.heads[q] < net->K, "heads (index beyond the network's heads)");
    /* What every curriculum keeps (see rnnts_trainer_epoch): head a serves the a-th N, the Ns are
       consecutive; one N for single and none (n_fixed), the window for sliding, from n_start for multi. */
    for (int q = 0; q < tr->cur.n_ns; q++) {
        RNNTS__NEED(tr->cur.heads[q] == q, "heads (the a-th N is read by head a)");
        RNNTS__NEED(tr->cur.ns[q] == tr->cur.ns[0] + q, "ns (consecutive)");
    }
    RNNTS__NEED(c->curriculum == RNNTS_CURR_SLIDING ? tr->cur.n_ns == c->window
                : c->curriculum == RNNTS_CURR_MULTI ? tr->cur.ns[0] == c->n_start && tr->cur.n_ns >= c->init_heads
                : tr->cur.n_ns == 1 && (c->curriculum != RNNTS_CURR_NONE || tr->cur.ns[0] == c->n_fixed),
                "ns (inconsistent with the curriculum)");
    RNNTS__NEED(tr->cur.ns[0] >= (c->curriculum == RNNTS_CURR_NONE ? 1 : c->n_start), "ns (below n_start)");
    tr->n_solved = rnnts_ns_parse(net->meta.ns, tr->solved, RNNTS_MAX_NS);
    if (tr->n_solved < 0) tr->n_solved = 0;
    return RNNTS_OK;
}
/* The optimiser state tensors (optim.m/v.<tensor>, optim.state) and an interrupted epoch's losses
   (trainer.losses) from the checkpoint file (header length hlen, entries ent). */
static rnnts_result rnnts__resume_tensors(rnnts_trainer *tr, const rnnts_train_config *c, const rnnts_rnn *net,
                                          const unsigned char *file, uint64_t hlen, rnnts__st_entry *ent, int n_ent, const char *ss, const char *path,
                                          rnnts_error *err) {
    char b[4608];
    long v;
    int nt = rnnts_rnn_tensor_count(net);
    const unsigned char *data = file + 8 + hlen;
    rnnts__st_entry *e;
    for (int pass = 0; pass < (c->optim.kind == RNNTS_OPT_ADAM ? 2 : 1); pass++)
        for (int t = 0; t < nt; t++) {
            const rnnts_tensor_info *ti = &tr->opt->ti[t];
            char nm[64];
            float *dst = (pass ? tr->opt->v : tr->opt->m) + ti->offset;
            snprintf(nm, sizeof nm, "optim.%s.%s", pass ? "v" : "m", ti->name);
            e = rnnts__find(ent, n_ent, nm);
            RNNTS__NEED(e && e->end - e->begin == ti->count * 4, nm);
            for (size_t q = 0; q < ti->count; q++) {
                dst[q] = rnnts__get_f32(data + e->begin + 4 * q);
                if (!rnnts__isfinite(dst[q])) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "%s: tensor %s: element %zu is not finite", path, nm, q);
            }
        }
    e = rnnts__find(ent, n_ent, "optim.state");
    RNNTS__NEED(e && e->end - e->begin == (uint64_t)nt * 12, "optim.state");
    for (int q = 0; q < 3 * nt; q++) {
        tr->opt->steps[q] = rnnts__get_f32(data + e->begin + 4 * (size_t)q);
        if (!rnnts__isfinite(tr->opt->steps[q])) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "%s: tensor optim.state: element %d is not finite", path, q);
    }
    /* an interrupted epoch: its steps so far and their losses */
    tr->epoch_step = 0;
    if (rnnts__kv(ss, "epoch_step", b, sizeof b)) {
        RNNTS__NEED(rnnts__parse_int(b, 1, (long)c->steps_per_epoch - 1, &v) && !tr->done, "epoch_step (allowed 1..steps_per_epoch - 1, running)");
        tr->epoch_step = (int)v;
        e = rnnts__find(ent, n_ent, "trainer.losses");
        RNNTS__NEED(e && e->end - e->begin == (uint64_t)tr->epoch_step * 4, "trainer.losses (one loss per step done in the epoch)");
        for (int q = 0; q < tr->epoch_step; q++) {
            tr->losses[q] = rnnts__get_f32(data + e->begin + 4 * (size_t)q);
            RNNTS__NEED(rnnts__isfinite(tr->losses[q]), "trainer.losses (not finite)");
        }
    }
    /* the global step counts every step done: epoch * steps_per_epoch + epoch_step */
    RNNTS__NEED(tr->step == (uint64_t)tr->epoch * (uint64_t)c->steps_per_epoch + (uint64_t)tr->epoch_step,
                "step (must be epoch * steps_per_epoch + epoch_step)");
    return RNNTS_OK;
}
#undef RNNTS__NEED
/* Resumes from the checkpoint bytes file[0..size); `path` names them in messages. */
static rnnts_result rnnts__trainer_resume_buf(const unsigned char *file, size_t size, const char *path, rnnts_pool *pool,
                                              const rnnts_allocator *alloc, rnnts_rnn **net_out, rnnts_trainer **out,
                                              rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts__st_entry *ent = NULL;
    rnnts__st_meta *meta = NULL;
    int n_ent = 0, n_meta = 0;
    uint64_t hlen = 0;
    rnnts_rnn *net = NULL;
    rnnts_trainer *tr = NULL;
    rnnts_train_config c = rnnts_train_config_default();
    const char *cs, *ss;
    rnnts_result r;
    if ((r = rnnts_rnn_load_mem(file, size, &a, &net, err)) != RNNTS_OK) goto done;
    if ((r = rnnts__st_open(file, size, &a, &ent, &n_ent, &meta, &n_meta, &hlen, err)) != RNNTS_OK) goto done;
    cs = rnnts__meta_get(meta, n_meta, "train_config");
    ss = rnnts__meta_get(meta, n_meta, "train_state");
    if (!cs || !ss) { r = rnnts__fail(err, RNNTS_ERR_FORMAT, "%s is a model file, not a training checkpoint (no train_config/train_state)", path); goto done; }
    if ((r = rnnts__resume_config(cs, net, path, &c, err)) != RNNTS_OK) goto done;
    if ((r = rnnts_trainer_create(&c, net, pool, &a, &tr, err)) != RNNTS_OK) goto done;
    if ((r = rnnts__resume_state(tr, &c, net, ss, path, err)) != RNNTS_OK) goto done;
    if ((r = rnnts__resume_tensors(tr, &c, net, file, hlen, ent, n_ent, ss, path, err)) != RNNTS_OK) goto done;
    r = rnnts__trainer_ws(tr, err);
done:
    if (ent) a.free(ent, a.user);
    if (meta) a.free(meta, a.user);
    if (r != RNNTS_OK) {
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(net);
        return r;
    }
    *net_out = net;
    *out = tr;
    return rnnts__ok(err);
}
rnnts_result rnnts_trainer_resume_mem(const void *data, size_t size, rnnts_pool *pool, const rnnts_allocator *alloc,
                                      rnnts_rnn **net_out, rnnts_trainer **out, rnnts_error *err) {
    if (!net_out || !out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "trainer_resume: NULL argument");
    *net_out = NULL; *out = NULL;
    if (!data && size) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "trainer_resume: data is NULL");
    return rnnts__trainer_resume_buf((const unsigned char *)data, size, "checkpoint", pool, alloc, net_out, out, err);
}
#ifndef RNNTS_NO_STDIO
rnnts_result rnnts_trainer_resume(const char *path, rnnts_pool *pool, const rnnts_allocator *alloc, rnnts_rnn **net_out,
                                  rnnts_trainer **out, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    unsigned char *file = NULL;
    size_t size = 0;
    rnnts_result r;
    if (!net_out || !out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "trainer_resume: NULL argument");
    *net_out = NULL; *out = NULL;
    if ((r = rnnts__read_file(path, &a, &file, &size, err)) != RNNTS_OK) return r;
    r = rnnts__trainer_resume_buf(file, size, path, pool, alloc, net_out, out, err);
    a.free(file, a.user);
    return r;
}
#endif /* RNNTS_NO_STDIO */

/* ---- a checkpoint's position, and two images compared (rnnts_checkpoint_info_of, _compare) ---- */
rnnts_result rnnts_checkpoint_info_of(const rnnts_st_header *h, rnnts_checkpoint_info *o, rnnts_error *err) {
    const char *cs, *ss, *v;
    char b[64];
    long x;
    if (!h || !o) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "checkpoint_info: NULL argument");
    memset(o, 0, sizeof *o);
    cs = rnnts_st_header_meta(h, "train_config");
    ss = rnnts_st_header_meta(h, "train_state");
    if (!cs || !ss) return rnnts__fail(err, RNNTS_ERR_FORMAT, "a model file, not a training checkpoint (no train_config/train_state)");
    if ((v = rnnts_st_header_meta(h, "rnnts_version"))) rnnts__strcpy(o->version, sizeof o->version, v);
#define RNNTS__INFO(ok, what) do { if (!(ok)) return rnnts__fail(err, RNNTS_ERR_FORMAT, "train metadata: bad or missing %s", what); } while (0)
    RNNTS__INFO(rnnts__kv_long(ss, "epoch", 0, 100000000, &x), "train_state epoch");
    o->epoch = (int)x;
    RNNTS__INFO(rnnts__kv_u64(ss, "step", &o->step), "train_state step");
    RNNTS__INFO(rnnts__kv_long(ss, "done", 0, 3, &x), "train_state done (allowed 0..3)");
    o->done = (rnnts_done)x;
    RNNTS__INFO(rnnts__kv_long(cs, "steps_per_epoch", 1, 100000000, &x), "train_config steps_per_epoch");
    o->steps_per_epoch = (int)x;
    if (rnnts__kv(ss, "epoch_step", b, sizeof b)) { /* absent at an epoch boundary */
        RNNTS__INFO(rnnts__parse_int(b, 1, (long)o->steps_per_epoch - 1, &x), "train_state epoch_step (allowed 1..steps_per_epoch - 1)");
        o->epoch_step = (int)x;
    }
    RNNTS__INFO(o->step == (uint64_t)o->epoch * (uint64_t)o->steps_per_epoch + (uint64_t)o->epoch_step,
                "train_state step (must be epoch * steps_per_epoch + epoch_step)");
    RNNTS__INFO(rnnts__kv_long(cs, "max_epochs", 1, 100000000, &x), "train_config max_epochs");
    o->max_epochs = (int)x;
    RNNTS__INFO(rnnts__kv_long(cs, "target_n", 0, 100000, &x), "train_config target_n");
    o->target_n = (int)x;
    RNNTS__INFO(rnnts__kv_double(cs, "time_limit_s", &o->time_limit_s) && o->time_limit_s >= 0.0, "train_config time_limit_s");
#undef RNNTS__INFO
    return rnnts__ok(err);
}

/* One image as the comparison reads it: its bytes and parsed header (entries in data order). */
typedef struct rnnts__ckimg {
    const unsigned char *d;
    size_t size;
    uint64_t hlen;
    rnnts__st_entry *ent;
    rnnts__st_meta *meta;
    int n_ent, n_meta;
} rnnts__ckimg;
/* "[16, 16]": the shape of e. */
static void rnnts__ck_shape(char *buf, size_t cap, const rnnts__st_entry *e) {
    size_t used = 0;
    buf[0] = 0;
    for (int k = 0; k < e->ndim && k < 8; k++) {
        int w = snprintf(buf + used, cap - used, "%s%llu", k ? ", " : "[", (unsigned long long)e->shape[k]);
        if (w < 0 || (size_t)w >= cap - used) return;
        used += (size_t)w;
    }
    snprintf(buf + used, cap - used, e->ndim ? "]" : "[]");
}
static void rnnts__ck_meta_diff(rnnts_ckpt_diff *d, const char *key, const char *field, const char *want, const char *got) {
    d->kind = RNNTS_CKPT_META;
    if (field) snprintf(d->key, sizeof d->key, "%.40s.%.38s", key, field);
    else rnnts__strcpy(d->key, sizeof d->key, key);
    rnnts__strcpy(d->want_text, sizeof d->want_text, want);
    rnnts__strcpy(d->got_text, sizeof d->got_text, got);
    snprintf(d->msg, sizeof d->msg, "metadata %s: expected \"%.180s\", got \"%.180s\"", d->key, want, got);
}
/* 1: the tensor lists differ (count, a name, a shape), recorded in d. */
static int rnnts__ck_tensors(const rnnts__ckimg *a, const rnnts__ckimg *b, rnnts_ckpt_diff *d) {
    int n = a->n_ent > b->n_ent ? a->n_ent : b->n_ent;
    for (int q = 0; q < n; q++) {
        const rnnts__st_entry *ea = q < a->n_ent ? &a->ent[q] : NULL, *eb = q < b->n_ent ? &b->ent[q] : NULL;
        char sa[96], sb[96];
        int same = ea && eb && strcmp(ea->name, eb->name) == 0 && ea->ndim == eb->ndim && ea->end - ea->begin == eb->end - eb->begin;
        for (int k = 0; same && k < ea->ndim && k < 8; k++) same = ea->shape[k] == eb->shape[k];
        if (same) continue;
        d->kind = RNNTS_CKPT_TENSORS;
        rnnts__strcpy(d->tensor, sizeof d->tensor, ea ? ea->name : eb->name);
        if (!eb) snprintf(d->msg, sizeof d->msg, "tensor %s (position %d of %d) is missing", ea->name, q + 1, a->n_ent);
        else if (!ea) snprintf(d->msg, sizeof d->msg, "tensor %s (position %d) is not expected (%d tensors expected)", eb->name, q + 1, a->n_ent);
        else if (strcmp(ea->name, eb->name) != 0) snprintf(d->msg, sizeof d->msg, "tensor at position %d: expected %s, got %s", q + 1, ea->name, eb->name);
        else {
            rnnts__ck_shape(sa, sizeof sa, ea);
            rnnts__ck_shape(sb, sizeof sb, eb);
            snprintf(d->msg, sizeof d->msg, "tensor %s: expected shape %s, got %s", ea->name, sa, sb);
        }
        return 1;
    }
    return 0;
}
/* 1: the metadata keys differ (count or a name at a position), recorded in d. */
static int rnnts__ck_meta_keys(const rnnts__ckimg *a, const rnnts__ckimg *b, rnnts_ckpt_diff *d) {
    int n = a->n_meta > b->n_meta ? a->n_meta : b->n_meta;
    for (int q = 0; q < n; q++) {
        const char *ka = q < a->n_meta ? a->meta[q].key : NULL, *kb = q < b->n_meta ? b->meta[q].key : NULL;
        if (ka && kb && strcmp(ka, kb) == 0) continue;
        d->kind = RNNTS_CKPT_META;
        rnnts__strcpy(d->key, sizeof d->key, ka ? ka : kb);
        rnnts__strcpy(d->want_text, sizeof d->want_text, ka ? ka : "(absent)");
        rnnts__strcpy(d->got_text, sizeof d->got_text, kb ? kb : "(absent)");
        snprintf(d->msg, sizeof d->msg, "metadata entry %d: expected key %s, got %s", q + 1, d->want_text, d->got_text);
        return 1;
    }
    return 0;
}
/* The next "name=value" of a train_config/train_state list at *p (cut to fit); 0 at its end. */
static int rnnts__ck_token(const char **p, char *name, size_t ncap, char *val, size_t vcap) {
    const char *s = *p, *e, *eq;
    while (*s == ' ') s++;
    if (!*s) { *p = s; return 0; }
    for (e = s; *e && *e != ' '; e++) {}
    for (eq = s; eq < e && *eq != '='; eq++) {}
    snprintf(name, ncap, "%.*s", (int)(eq - s), s);
    snprintf(val, vcap, "%.*s", eq < e ? (int)(e - eq - 1) : 0, eq < e ? eq + 1 : "");
    *p = e;
    return 1;
}
/* train_config / train_state field by field, in order; 1 when a difference was recorded. Under
   RNNTS_CKPT_IGNORE_BUDGET the budget fields are skipped and done counts only as over (3) or not. */
static int rnnts__ck_kv(const char *key, const char *a, const char *b, unsigned flags, rnnts_ckpt_diff *d) {
    char na[64], nb[64], va[4608], vb[4608], got[200];
    int budget = (flags & RNNTS_CKPT_IGNORE_BUDGET) != 0, cfg = strcmp(key, "train_config") == 0, st = strcmp(key, "train_state") == 0;
    for (;;) {
        int ha = rnnts__ck_token(&a, na, sizeof na, va, sizeof va), hb = rnnts__ck_token(&b, nb, sizeof nb, vb, sizeof vb);
        if (!ha && !hb) return 0;
        if (!hb) { rnnts__ck_meta_diff(d, key, na, va, "(absent)"); return 1; }
        if (!ha) { rnnts__ck_meta_diff(d, key, nb, "(absent)", vb); return 1; }
        if (strcmp(na, nb) != 0) {
            snprintf(got, sizeof got, "(absent; %.60s=%.100s in its place)", nb, vb);
            rnnts__ck_meta_diff(d, key, na, va, got);
            return 1;
        }
        if (budget && cfg && (strcmp(na, "max_epochs") == 0 || strcmp(na, "target_n") == 0 || strcmp(na, "time_limit_s") == 0)) continue;
        if (budget && st && strcmp(na, "done") == 0) {
            if ((strcmp(va, "3") == 0) == (strcmp(vb, "3") == 0)) continue;
        } else if (strcmp(va, vb) == 0) {
            continue;
        }
        rnnts__ck_meta_diff(d, key, na, va, vb);
        return 1;
    }
}
/* Entries that follow from the values and the trajectory (compared after the values). */
static int rnnts__ck_derived(const char *key) {
    return strcmp(key, "checksum_xxh3") == 0 || strcmp(key, "ns") == 0 || strcmp(key, "epoch") == 0 || strcmp(key, "train_state") == 0;
}
/* The metadata values of one group (derived or not; the keys agree); 1 when a difference was recorded. */
static int rnnts__ck_meta_values(const rnnts__ckimg *a, const rnnts__ckimg *b, int derived, unsigned flags, rnnts_ckpt_diff *d) {
    for (int q = 0; q < a->n_meta; q++) {
        const char *k = a->meta[q].key, *va = a->meta[q].val, *vb = b->meta[q].val;
        if (rnnts__ck_derived(k) != derived) continue;
        if (strcmp(k, "train_config") == 0 || strcmp(k, "train_state") == 0) {
            if (rnnts__ck_kv(k, va, vb, flags, d)) return 1;
        } else if (strcmp(va, vb) != 0) {
            rnnts__ck_meta_diff(d, k, NULL, va, vb);
            return 1;
        }
    }
    return 0;
}
/* The tensor values, bitwise, in file order (the lists agree); 1 when an element differs. */
static int rnnts__ck_values(const rnnts__ckimg *a, const rnnts__ckimg *b, rnnts_ckpt_diff *d) {
    const unsigned char *da = a->d + 8 + a->hlen, *db = b->d + 8 + b->hlen;
    for (int t = 0; t < a->n_ent; t++) {
        const rnnts__st_entry *e = &a->ent[t];
        uint64_t nbytes = e->end - e->begin, q;
        char where[160] = "", shape[96];
        if (memcmp(da + e->begin, db + b->ent[t].begin, (size_t)nbytes) == 0) continue;
        for (q = 0; q + 4 <= nbytes && memcmp(da + e->begin + q, db + b->ent[t].begin + q, 4) == 0; q += 4) {}
        d->kind = RNNTS_CKPT_VALUE;
        rnnts__strcpy(d->tensor, sizeof d->tensor, e->name);
        d->index = q / 4;
        d->want = rnnts__get_f32(da + e->begin + q);
        d->got = rnnts__get_f32(db + b->ent[t].begin + q);
        d->want_bits = rnnts__f2u(d->want);
        d->got_bits = rnnts__f2u(d->got);
        rnnts__ck_shape(shape, sizeof shape, e);
        if (e->ndim == 2 && e->shape[1] > 0)
            snprintf(where, sizeof where, "[%llu, %llu] of ", (unsigned long long)(d->index / e->shape[1]), (unsigned long long)(d->index % e->shape[1]));
        snprintf(d->msg, sizeof d->msg, "tensor %s element %llu (%s%s): expected %.9g (bits %08lx), got %.9g (bits %08lx)", e->name,
                 (unsigned long long)d->index, where, shape, (double)d->want, (unsigned long)d->want_bits, (double)d->got, (unsigned long)d->got_bits);
        return 1;
    }
    return 0;
}
/* 1 when the bytes differ (everything else agreeing: the header's formatting). */
static int rnnts__ck_bytes(const rnnts__ckimg *a, const rnnts__ckimg *b, rnnts_ckpt_diff *d) {
    size_t n = a->size < b->size ? a->size : b->size, q = 0;
    if (a->size == b->size && memcmp(a->d, b->d, n) == 0) return 0;
    while (q < n && a->d[q] == b->d[q]) q++;
    d->kind = RNNTS_CKPT_BYTES;
    d->offset = q;
    snprintf(d->msg, sizeof d->msg, "the bytes differ at offset %llu (%zu and %zu bytes; tensors and metadata agree: the header's formatting)",
             (unsigned long long)q, a->size, b->size);
    return 1;
}
/* A parse error of one image, its message prefixed with which one. */
static rnnts_result rnnts__ck_fail(rnnts_error *err, rnnts_result r, const char *which) {
    char m[256];
    if (!err) return r;
    rnnts__strcpy(m, sizeof m, err->msg);
    return rnnts__fail(err, r, "%s: %.200s", which, m);
}
rnnts_result rnnts_checkpoint_compare(const void *a, size_t a_size, const void *b, size_t b_size, unsigned flags, rnnts_ckpt_diff *d,
                                      rnnts_error *err) {
    rnnts_allocator al = rnnts__alloc_or_default(NULL);
    rnnts__ckimg A, B;
    rnnts_result r;
    if (!a || !b || !d) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "checkpoint_compare: NULL argument");
    memset(d, 0, sizeof *d);
    memset(&A, 0, sizeof A);
    memset(&B, 0, sizeof B);
    A.d = (const unsigned char *)a; A.size = a_size;
    B.d = (const unsigned char *)b; B.size = b_size;
    if ((r = rnnts__st_open(A.d, a_size, &al, &A.ent, &A.n_ent, &A.meta, &A.n_meta, &A.hlen, err)) != RNNTS_OK) return rnnts__ck_fail(err, r, "expected image");
    if ((r = rnnts__st_open(B.d, b_size, &al, &B.ent, &B.n_ent, &B.meta, &B.n_meta, &B.hlen, err)) != RNNTS_OK) {
        al.free(A.ent, al.user);
        al.free(A.meta, al.user);
        return rnnts__ck_fail(err, r, "compared image");
    }
    if (!rnnts__ck_tensors(&A, &B, d) && !rnnts__ck_meta_keys(&A, &B, d) && !rnnts__ck_meta_values(&A, &B, 0, flags, d) &&
        !rnnts__ck_values(&A, &B, d) && !rnnts__ck_meta_values(&A, &B, 1, flags, d) && !(flags & RNNTS_CKPT_IGNORE_BUDGET))
        rnnts__ck_bytes(&A, &B, d);
    if (d->kind == RNNTS_CKPT_SAME) snprintf(d->msg, sizeof d->msg, "identical");
    al.free(A.ent, al.user); al.free(A.meta, al.user);
    al.free(B.ent, al.user); al.free(B.meta, al.user);
    return rnnts__ok(err);
}

/* >>torch-import ---------------------------------------------------------------------------- */
/* PyTorch checkpoint import (zip + pickle, without PyTorch). */
/* Zip reader: only what torch.save writes (stored entries, one disk, no ZIP64 fields needed).
   Torch sets flag bit 3 (sizes and CRC in a data descriptor, zeros in the local header) and always
   appends ZIP64 end records; the classic end record is authoritative when no field is saturated. */
typedef struct {
    const unsigned char *name;
    size_t name_len, data, size; /* data: file offset of the entry's bytes */
    uint32_t crc;
} rnnts__zent;

static uint16_t rnnts__rd16(const unsigned char *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static uint32_t rnnts__rd32(const unsigned char *p) { return (uint32_t)rnnts__rd16(p) | ((uint32_t)rnnts__rd16(p + 2) << 16); }

static int rnnts__zcmp(const void *x, const void *y) {
    const rnnts__zent *a = (const rnnts__zent *)x, *b = (const rnnts__zent *)y;
    int c = memcmp(a->name, b->name, RNNTS__MIN(a->name_len, b->name_len));
    return c ? c : (a->name_len > b->name_len) - (a->name_len < b->name_len);
}
static const rnnts__zent *rnnts__zfind(const rnnts__zent *e, size_t n, const char *name, size_t len) {
    size_t lo = 0, hi = n;
    rnnts__zent k;
    k.name = (const unsigned char *)name;
    k.name_len = len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = rnnts__zcmp(&k, &e[mid]);
        if (c == 0) return &e[mid];
        if (c < 0) hi = mid; else lo = mid + 1;
    }
    return NULL;
}
static uint32_t rnnts__crc32(const uint32_t *tab, const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) c = tab[(c ^ *p++) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

/* Reads the central directory into a name-sorted array (allocated, *out). */
static rnnts_result rnnts__zip_read(const unsigned char *d, size_t size, const rnnts_allocator *a, rnnts__zent **out,
                                    size_t *n_out, rnnts_error *err) {
    size_t eocd = 0, lo = size > 65557 ? size - 65557 : 0, pos, cd_off, cd_end, n;
    int found = 0;
    rnnts__zent *e;
    *out = NULL;
    *n_out = 0;
    if (size < 22) return rnnts__fail(err, RNNTS_ERR_TRUNCATED, "zip: %zu bytes cannot hold an end-of-central-directory record", size);
    for (pos = size - 22;; pos--) {
        if (rnnts__rd32(d + pos) == 0x06054b50u && (size_t)rnnts__rd16(d + pos + 20) == size - pos - 22) { eocd = pos; found = 1; break; }
        if (pos == lo) break;
    }
    if (!found && rnnts__rd32(d) == 0x04034b50u)
        return rnnts__fail(err, RNNTS_ERR_TRUNCATED, "zip: starts as a zip archive but has no end-of-central-directory record at its end (file truncated?)");
    if (!found)
        return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: not a zip archive (no end-of-central-directory record in the last %zu bytes)%s", size - lo,
                           d[0] == 0x80 ? "; a pickle: the legacy torch.save format, re-save with torch >= 1.6 defaults" : "");
    if (rnnts__rd16(d + eocd + 10) == 0xFFFFu || rnnts__rd32(d + eocd + 12) == 0xFFFFFFFFu || rnnts__rd32(d + eocd + 16) == 0xFFFFFFFFu)
        return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: end record at byte %zu defers to ZIP64 (saturated fields): ZIP64 archives are not supported", eocd);
    if (rnnts__rd16(d + eocd + 4) != 0 || rnnts__rd16(d + eocd + 6) != 0 || rnnts__rd16(d + eocd + 8) != rnnts__rd16(d + eocd + 10))
        return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: end record at byte %zu describes a multi-disk archive", eocd);
    n = rnnts__rd16(d + eocd + 10);
    cd_off = rnnts__rd32(d + eocd + 16);
    cd_end = cd_off + rnnts__rd32(d + eocd + 12);
    if (cd_end > eocd || cd_end < cd_off)
        return rnnts__fail(err, RNNTS_ERR_TRUNCATED, "zip: central directory [%zu, %zu) runs past the end record at byte %zu", cd_off, cd_end, eocd);
    if (n == 0) return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: the archive is empty");
    e = (rnnts__zent *)a->alloc(n * sizeof *e, a->user);
    if (!e) return rnnts__fail(err, RNNTS_ERR_OOM, "zip: out of memory for %zu entries", n);
    pos = cd_off;
    for (size_t q = 0; q < n; q++) {
        const unsigned char *c = d + pos, *l;
        size_t nl, xl, cl, lh, lnl, lxl;
        uint16_t flags;
        if (cd_end - pos < 46 || rnnts__rd32(c) != 0x02014b50u) {
            a->free(e, a->user);
            return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: central directory entry %zu at byte %zu is malformed or cut short", q, pos);
        }
        nl = rnnts__rd16(c + 28); xl = rnnts__rd16(c + 30); cl = rnnts__rd16(c + 32);
        if (46 + nl + xl + cl > cd_end - pos) {
            a->free(e, a->user);
            return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: central directory entry %zu at byte %zu runs past the directory", q, pos);
        }
        e[q].name = c + 46;
        e[q].name_len = nl;
        e[q].crc = rnnts__rd32(c + 16);
        e[q].size = rnnts__rd32(c + 24);
        lh = rnnts__rd32(c + 42);
        flags = rnnts__rd16(c + 8);
/* the message first: its arguments may point into e (the duplicate-entry name) */
#define RNNTS__ZFAIL(code, ...) do { rnnts_result zr_ = rnnts__fail(err, code, __VA_ARGS__); a->free(e, a->user); return zr_; } while (0)
        if (rnnts__rd32(c + 20) == 0xFFFFFFFFu || e[q].size == 0xFFFFFFFFu || lh == 0xFFFFFFFFu)
            RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: entry '%.*s' (directory byte %zu) needs ZIP64: not supported", (int)RNNTS__MIN(nl, 200), (const char *)c + 46, pos);
        if (flags & 0x41u)
            RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: entry '%.*s' (directory byte %zu) is encrypted", (int)RNNTS__MIN(nl, 200), (const char *)c + 46, pos);
        if (rnnts__rd16(c + 10) != 0 || rnnts__rd32(c + 20) != e[q].size)
            RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: entry '%.*s' (directory byte %zu) uses compression method %u: only stored (0) is supported",
                         (int)RNNTS__MIN(nl, 200), (const char *)c + 46, pos, (unsigned)rnnts__rd16(c + 10));
        if (rnnts__rd16(c + 34) != 0)
            RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: entry '%.*s' (directory byte %zu) starts on disk %u", (int)RNNTS__MIN(nl, 200), (const char *)c + 46, pos, (unsigned)rnnts__rd16(c + 34));
        /* The local header: its extra field (torch pads with an 'FB' field) differs from the central one. */
        l = d + lh;
        if (lh > cd_off || cd_off - lh < 30 || rnnts__rd32(l) != 0x04034b50u)
            RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: entry '%.*s': no local header at byte %zu", (int)RNNTS__MIN(nl, 200), (const char *)c + 46, lh);
        lnl = rnnts__rd16(l + 26); lxl = rnnts__rd16(l + 28);
        if (30 + lnl + lxl > cd_off - lh || lnl != nl || memcmp(l + 30, c + 46, nl) != 0)
            RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: entry '%.*s': local header at byte %zu does not match the central directory",
                         (int)RNNTS__MIN(nl, 200), (const char *)c + 46, lh);
        if (rnnts__rd16(l + 8) != 0 ||
            (!(rnnts__rd16(l + 6) & 8u) && (rnnts__rd32(l + 14) != e[q].crc || rnnts__rd32(l + 18) != e[q].size ||
                                            rnnts__rd32(l + 22) != e[q].size)))
            RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: entry '%.*s': local header at byte %zu disagrees with the central directory (method, CRC or sizes)",
                         (int)RNNTS__MIN(nl, 200), (const char *)c + 46, lh);
        e[q].data = lh + 30 + lnl + lxl;
        if (e[q].size > cd_off - e[q].data)
            RNNTS__ZFAIL(RNNTS_ERR_TRUNCATED, "zip: entry '%.*s': %zu bytes at byte %zu run into the central directory at byte %zu",
                         (int)RNNTS__MIN(nl, 200), (const char *)c + 46, e[q].size, e[q].data, cd_off);
        pos += 46 + nl + xl + cl;
    }
    if (pos != cd_end) RNNTS__ZFAIL(RNNTS_ERR_FORMAT, "zip: central directory has %zu unused bytes at byte %zu", cd_end - pos, pos);
    qsort(e, n, sizeof *e, rnnts__zcmp);
    for (size_t q = 1; q < n; q++)
        if (rnnts__zcmp(&e[q - 1], &e[q]) == 0)
            RNNTS__ZFAIL(RNNTS_ERR_DUPLICATE, "zip: entry '%.*s' appears twice", (int)RNNTS__MIN(e[q].name_len, 200), (const char *)e[q].name);
#undef RNNTS__ZFAIL
    *out = e;
    *n_out = n;
    return RNNTS_OK;
}

/* Pickle machine: protocol 2 as torch.save writes it, with only the opcodes and globals that a
   state dict of float32 tensors needs. Objects live in arrays sized from the pickle length (every
   opcode makes at most one object and every stack slot is consumed once), so nothing grows. */
enum { RNNTS__PK_NONE, RNNTS__PK_BOOL, RNNTS__PK_INT, RNNTS__PK_FLOAT, RNNTS__PK_STR, RNNTS__PK_TUPLE, RNNTS__PK_LIST,
       RNNTS__PK_DICT, RNNTS__PK_GLOBAL, RNNTS__PK_STORAGE, RNNTS__PK_TENSOR };
enum { RNNTS__G_ODICT = 1, RNNTS__G_REBUILD_V2, RNNTS__G_REBUILD_PARAM, RNNTS__G_FLOATSTORAGE };
#define RNNTS__PK_MAX_BYTES ((size_t)16 << 20)
#define RNNTS__PK_MAX_MARKS 64
#define RNNTS__PK_MAX_DIM 8
typedef struct {
    int64_t i;     /* INT, BOOL; FLOAT: the bits (never used); TENSOR: storage offset; STORAGE: numel */
    int32_t a, b;  /* STR/STORAGE: key offset in the pickle; TUPLE: first ref; LIST/DICT: first/last entry;
                      TENSOR: a = storage object, b = size tuple object */
    int32_t n;     /* STR length, TUPLE/LIST/DICT element count */
    uint8_t t, g;  /* type; GLOBAL: which */
} rnnts__pobj;
typedef struct {
    const unsigned char *p;
    size_t n, base; /* pickle bytes, and their offset in the file (for messages) */
    rnnts__pobj *obj;
    int32_t *stk, *refs, *memo, *ent; /* ent: triples (key, value, next) */
    size_t nobj, sp, nref, nent, cap, memo_cap;
    size_t marks[RNNTS__PK_MAX_MARKS];
    int nmark;
    rnnts_error *err;
} rnnts__pvm;

static rnnts_result rnnts__pk_bad(rnnts__pvm *v, size_t at, const char *what) {
    return rnnts__fail(v->err, RNNTS_ERR_FORMAT, "data.pkl: %s at byte %zu (file offset %zu)", what, at, v->base + at);
}
static int32_t rnnts__pk_new(rnnts__pvm *v, int t) {
    rnnts__pobj *o = &v->obj[v->nobj]; /* capacity: one per opcode byte, checked by construction */
    memset(o, 0, sizeof *o);
    o->t = (uint8_t)t;
    o->a = o->b = -1;
    return (int32_t)v->nobj++;
}
static size_t rnnts__pk_floor(const rnnts__pvm *v) { return v->nmark ? v->marks[v->nmark - 1] : 0; }
static int rnnts__pk_str_is(const rnnts__pvm *v, int32_t o, const char *s) {
    size_t l = strlen(s);
    return v->obj[o].t == RNNTS__PK_STR && (size_t)v->obj[o].n == l && memcmp(v->p + v->obj[o].a, s, l) == 0;
}
static void rnnts__pk_add(rnnts__pvm *v, int32_t c, int32_t k, int32_t x) {
    int32_t e = (int32_t)v->nent++;
    v->ent[3 * e] = k; v->ent[3 * e + 1] = x; v->ent[3 * e + 2] = -1;
    if (v->obj[c].b >= 0) v->ent[3 * v->obj[c].b + 2] = e; else v->obj[c].a = e;
    v->obj[c].b = e;
    v->obj[c].n++;
}
static const char *rnnts__pk_opname(unsigned op) {
    static const struct { unsigned char op; const char *name; } t[] = {
        {'0', "POP"}, {'1', "POP_MARK"}, {'2', "DUP"}, {'F', "FLOAT"}, {'I', "INT"}, {'L', "LONG"}, {'P', "PERSID"},
        {'S', "STRING"}, {'T', "BINSTRING"}, {'U', "SHORT_BINSTRING"}, {'V', "UNICODE"}, {'d', "DICT"}, {'g', "GET"},
        {'i', "INST"}, {'l', "LIST"}, {'o', "OBJ"}, {'p', "PUT"}, {'B', "BINBYTES"}, {'C', "SHORT_BINBYTES"},
        {0x81, "NEWOBJ"}, {0x82, "EXT1"}, {0x83, "EXT2"}, {0x84, "EXT4"}, {0x8b, "LONG4"}, {0x8d, "BINUNICODE8"},
        {0x8e, "BINBYTES8"}, {0x8f, "EMPTY_SET"}, {0x90, "ADDITEMS"}, {0x91, "FROZENSET"}, {0x92, "NEWOBJ_EX"},
        {0x93, "STACK_GLOBAL"}, {0x94, "MEMOIZE"}, {0x95, "FRAME"}, {0x96, "BYTEARRAY8"}, {0x97, "NEXT_BUFFER"},
        {0x98, "READONLY_BUFFER"}};
    for (size_t q = 0; q < sizeof t / sizeof t[0]; q++) if (t[q].op == op) return t[q].name;
    return "not a pickle opcode";
}

/* _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks[, metadata]). */
static rnnts_result rnnts__pk_rebuild(rnnts__pvm *v, size_t at, int32_t args, int32_t *res) {
    const int32_t *x = v->refs + v->obj[args].a;
    const rnnts__pobj *sz, *st;
    int n = v->obj[args].n;
    uint64_t numel = 1;
    int64_t off;
    if (n != 6 && n != 7) return rnnts__pk_bad(v, at, "_rebuild_tensor_v2 needs 6 or 7 arguments");
    sz = &v->obj[x[2]];
    st = &v->obj[x[3]];
    if (v->obj[x[0]].t != RNNTS__PK_STORAGE || v->obj[x[1]].t != RNNTS__PK_INT || sz->t != RNNTS__PK_TUPLE ||
        st->t != RNNTS__PK_TUPLE || v->obj[x[4]].t != RNNTS__PK_BOOL || v->obj[x[5]].t != RNNTS__PK_DICT)
        return rnnts__pk_bad(v, at, "_rebuild_tensor_v2 arguments are not (storage, int, tuple, tuple, bool, dict)");
    if (v->obj[x[5]].n != 0) return rnnts__pk_bad(v, at, "tensor with backward hooks");
    if (n == 7 && !(v->obj[x[6]].t == RNNTS__PK_NONE || (v->obj[x[6]].t == RNNTS__PK_DICT && v->obj[x[6]].n == 0)))
        return rnnts__pk_bad(v, at, "tensor with metadata");
    if (sz->n > RNNTS__PK_MAX_DIM || st->n != sz->n) return rnnts__pk_bad(v, at, "tensor with more than 8 dimensions or size/stride of different lengths");
    for (int d = 0; d < sz->n; d++)
        if (v->obj[v->refs[sz->a + d]].t != RNNTS__PK_INT || v->obj[v->refs[st->a + d]].t != RNNTS__PK_INT ||
            v->obj[v->refs[sz->a + d]].i < 0 || v->obj[v->refs[sz->a + d]].i > ((int64_t)1 << 40))
            return rnnts__pk_bad(v, at, "tensor size or stride is not a tuple of small non-negative integers");
    for (int d = sz->n - 1; d >= 0; d--) { /* strides of size-1 dimensions do not matter (as in torch) */
        uint64_t s = (uint64_t)v->obj[v->refs[sz->a + d]].i;
        if (s != 1 && (uint64_t)v->obj[v->refs[st->a + d]].i != numel) return rnnts__pk_bad(v, at, "tensor is not contiguous (stride is not row-major)");
        if (s > ((uint64_t)1 << 40) / (numel ? numel : 1)) return rnnts__pk_bad(v, at, "tensor has more than 2^40 elements");
        numel *= s;
    }
    off = v->obj[x[1]].i;
    if (off < 0 || (uint64_t)off > (uint64_t)v->obj[x[0]].i || numel > (uint64_t)v->obj[x[0]].i - (uint64_t)off)
        return rnnts__pk_bad(v, at, "tensor offset + elements exceed its storage");
    *res = rnnts__pk_new(v, RNNTS__PK_TENSOR);
    v->obj[*res].a = x[0];
    v->obj[*res].b = x[2];
    v->obj[*res].i = off;
    return RNNTS_OK;
}

/* GLOBAL "module\nname\n" at pos: the four callables the reference's files use; a storage type
   other than FloatStorage is a DTYPE error, anything else FORMAT. */
static rnnts_result rnnts__pk_global(rnnts__pvm *v, size_t at, size_t *pos, int32_t *out) {
    int32_t o;
    const unsigned char *m = v->p + *pos, *nm, *e1, *e2;
    size_t rest = v->n - *pos;
    e1 = (const unsigned char *)memchr(m, '\n', RNNTS__MIN(rest, (size_t)128));
    if (!e1) return rnnts__pk_bad(v, at, "GLOBAL module name unterminated or longer than 127 bytes");
    nm = e1 + 1;
    e2 = (const unsigned char *)memchr(nm, '\n', RNNTS__MIN(rest - (size_t)(nm - m), (size_t)128));
    if (!e2) return rnnts__pk_bad(v, at, "GLOBAL name unterminated or longer than 127 bytes");
    *pos += (size_t)(e2 + 1 - m);
    o = *out = rnnts__pk_new(v, RNNTS__PK_GLOBAL);
#define RNNTS__GIS(mod, name) ((size_t)(e1 - m) == sizeof(mod) - 1 && memcmp(m, mod, sizeof(mod) - 1) == 0 && \
                       (size_t)(e2 - nm) == sizeof(name) - 1 && memcmp(nm, name, sizeof(name) - 1) == 0)
    if (RNNTS__GIS("collections", "OrderedDict")) v->obj[o].g = RNNTS__G_ODICT;
    else if (RNNTS__GIS("torch._utils", "_rebuild_tensor_v2")) v->obj[o].g = RNNTS__G_REBUILD_V2;
    else if (RNNTS__GIS("torch._utils", "_rebuild_parameter")) v->obj[o].g = RNNTS__G_REBUILD_PARAM;
    else if (RNNTS__GIS("torch", "FloatStorage")) v->obj[o].g = RNNTS__G_FLOATSTORAGE;
    else if ((size_t)(e1 - m) == 5 && memcmp(m, "torch", 5) == 0 && e2 - nm > 7 && memcmp(e2 - 7, "Storage", 7) == 0)
        return rnnts__fail(v->err, RNNTS_ERR_DTYPE, "data.pkl: storage type torch.%.*s at byte %zu (file offset %zu): only torch.FloatStorage (float32) is supported",
                           (int)(e2 - nm), (const char *)nm, at, v->base + at);
    else
        return rnnts__fail(v->err, RNNTS_ERR_FORMAT, "data.pkl: unsupported global %.*s.%.*s at byte %zu (file offset %zu)",
                           (int)(e1 - m), (const char *)m, (int)(e2 - nm), (const char *)nm, at, v->base + at);
#undef RNNTS__GIS
    return RNNTS_OK;
}
/* REDUCE of the callable x with the argument tuple y: OrderedDict(), _rebuild_tensor_v2(...),
   _rebuild_parameter(tensor, bool, {}). */
static rnnts_result rnnts__pk_reduce(rnnts__pvm *v, size_t at, int32_t x, int32_t y, int32_t *out) {
    rnnts_result r;
    if (v->obj[x].t != RNNTS__PK_GLOBAL || v->obj[y].t != RNNTS__PK_TUPLE) return rnnts__pk_bad(v, at, "REDUCE of a non-callable or without an argument tuple");
    if (v->obj[x].g == RNNTS__G_ODICT) {
        if (v->obj[y].n != 0) return rnnts__pk_bad(v, at, "OrderedDict with arguments");
        *out = rnnts__pk_new(v, RNNTS__PK_DICT);
    } else if (v->obj[x].g == RNNTS__G_REBUILD_V2) {
        if ((r = rnnts__pk_rebuild(v, at, y, out)) != RNNTS_OK) return r;
    } else if (v->obj[x].g == RNNTS__G_REBUILD_PARAM) {
        const int32_t *f = v->refs + v->obj[y].a;
        if (v->obj[y].n != 3 || v->obj[f[0]].t != RNNTS__PK_TENSOR || v->obj[f[1]].t != RNNTS__PK_BOOL ||
            v->obj[f[2]].t != RNNTS__PK_DICT || v->obj[f[2]].n != 0)
            return rnnts__pk_bad(v, at, "_rebuild_parameter arguments are not (tensor, bool, empty dict)");
        *out = f[0];
    } else {
        return rnnts__pk_bad(v, at, "REDUCE of torch.FloatStorage");
    }
    return RNNTS_OK;
}
/* TUPLE (the items above the last MARK) and TUPLE1..3 (the top 1..3 items): one tuple object. */
static rnnts_result rnnts__pk_tuple(rnnts__pvm *v, size_t at, unsigned op, int32_t *out) {
    int32_t o;
    size_t k, from;
    if (op == 't') {
        if (!v->nmark) return rnnts__pk_bad(v, at, "TUPLE without MARK");
        from = v->marks[--v->nmark];
    } else {
        k = op - 0x84u;
        if (v->sp - rnnts__pk_floor(v) < k) return rnnts__pk_bad(v, at, "stack underflow");
        from = v->sp - k;
    }
    o = *out = rnnts__pk_new(v, RNNTS__PK_TUPLE);
    v->obj[o].a = (int32_t)v->nref;
    v->obj[o].n = (int32_t)(v->sp - from);
    memcpy(v->refs + v->nref, v->stk + from, (v->sp - from) * sizeof *v->refs);
    v->nref += v->sp - from;
    v->sp = from;
    return RNNTS_OK;
}
/* LONG1 at pos: a little-endian two's complement integer of at most 8 bytes here. */
static rnnts_result rnnts__pk_long1(rnnts__pvm *v, size_t at, size_t *pos, int32_t *out) {
    int32_t o;
    size_t k;
    uint64_t u = 0;
    if (v->n - *pos < 1) return rnnts__pk_bad(v, at, "argument cut short by the end of the pickle");
    k = v->p[(*pos)++];
    if (k > 8) return rnnts__pk_bad(v, at, "LONG1 wider than 64 bits");
    if (v->n - *pos < k) return rnnts__pk_bad(v, at, "argument cut short by the end of the pickle");
    for (size_t q = 0; q < k; q++) u |= (uint64_t)v->p[*pos + q] << (8 * q);
    if (k && k < 8 && (v->p[*pos + k - 1] & 0x80)) u |= ~(uint64_t)0 << (8 * k);
    o = *out = rnnts__pk_new(v, RNNTS__PK_INT);
    memcpy(&v->obj[o].i, &u, 8);
    *pos += k;
    return RNNTS_OK;
}
/* Argument bytes and stack pops of rnnts__pk_run and its opcode helpers below (v, at and pos in scope):
   an argument cut short or a stack underflow is a FORMAT error at byte at. */
#define RNNTS__NEED(k) do { if (v->n - pos < (size_t)(k)) return rnnts__pk_bad(v, at, "argument cut short by the end of the pickle"); } while (0)
#define RNNTS__POP(dst) do { if (v->sp <= rnnts__pk_floor(v)) return rnnts__pk_bad(v, at, "stack underflow"); (dst) = v->stk[--v->sp]; } while (0)
/* BINUNICODE (4-byte length) and SHORT_BINUNICODE (1-byte length) at *posp: a string object that
   points at its bytes in the pickle. */
static rnnts_result rnnts__pk_unicode(rnnts__pvm *v, size_t at, unsigned op, size_t *posp, int32_t *out) {
    size_t pos = *posp;
    int32_t o;
    size_t k;
    RNNTS__NEED(op == 'X' ? 4 : 1);
    k = op == 'X' ? rnnts__rd32(v->p + pos) : v->p[pos];
    pos += op == 'X' ? 4 : 1;
    RNNTS__NEED(k);
    o = *out = rnnts__pk_new(v, RNNTS__PK_STR);
    v->obj[o].a = (int32_t)pos;
    v->obj[o].n = (int32_t)k;
    pos += k;
    *posp = pos;
    return RNNTS_OK;
}
/* BINPUT, LONG_BINPUT with the memo index at *posp: the top of the stack into the memo. */
static rnnts_result rnnts__pk_put(rnnts__pvm *v, size_t at, unsigned op, size_t *posp) {
    size_t pos = *posp;
    size_t k;
    RNNTS__NEED(op == 'q' ? 1 : 4);
    k = op == 'q' ? v->p[pos] : rnnts__rd32(v->p + pos);
    pos += op == 'q' ? 1 : 4;
    if (k >= v->memo_cap) return rnnts__pk_bad(v, at, "memo index too large");
    if (v->sp <= rnnts__pk_floor(v)) return rnnts__pk_bad(v, at, "BINPUT with nothing to store");
    v->memo[k] = v->stk[v->sp - 1];
    *posp = pos;
    return RNNTS_OK;
}
/* BINGET, LONG_BINGET with the memo index at *posp: the memo entry (to be pushed) into *out. */
static rnnts_result rnnts__pk_get(rnnts__pvm *v, size_t at, unsigned op, size_t *posp, int32_t *out) {
    size_t pos = *posp;
    size_t k;
    RNNTS__NEED(op == 'h' ? 1 : 4);
    k = op == 'h' ? v->p[pos] : rnnts__rd32(v->p + pos);
    pos += op == 'h' ? 1 : 4;
    if (k >= v->memo_cap || v->memo[k] < 0) return rnnts__pk_bad(v, at, "BINGET of an undefined memo index");
    *out = v->memo[k];
    *posp = pos;
    return RNNTS_OK;
}
/* BINPERSID: the persistent id ('storage', FloatStorage, key, location, numel) on the stack becomes a
   storage object (key, numel). */
static rnnts_result rnnts__pk_persid(rnnts__pvm *v, size_t at, int32_t *out) {
    int32_t o, x;
    const int32_t *f;
    RNNTS__POP(x);
    f = v->obj[x].t == RNNTS__PK_TUPLE ? v->refs + v->obj[x].a : v->refs;
    if (v->obj[x].t != RNNTS__PK_TUPLE || v->obj[x].n != 5 || !rnnts__pk_str_is(v, f[0], "storage") ||
        v->obj[f[1]].t != RNNTS__PK_GLOBAL || v->obj[f[1]].g != RNNTS__G_FLOATSTORAGE || v->obj[f[2]].t != RNNTS__PK_STR ||
        v->obj[f[3]].t != RNNTS__PK_STR || v->obj[f[4]].t != RNNTS__PK_INT || v->obj[f[4]].i < 0 || v->obj[f[4]].i > ((int64_t)1 << 40))
        return rnnts__pk_bad(v, at, "persistent id is not ('storage', torch.FloatStorage, key, location, numel)");
    o = *out = rnnts__pk_new(v, RNNTS__PK_STORAGE);
    v->obj[o].a = v->obj[f[2]].a;
    v->obj[o].n = v->obj[f[2]].n;
    v->obj[o].i = v->obj[f[4]].i;
    return RNNTS_OK;
}
/* SETITEMS, APPENDS: the items above the last MARK (key-value pairs, or values) into the dict or list
   below the MARK. */
static rnnts_result rnnts__pk_setitems(rnnts__pvm *v, size_t at, unsigned op) {
    size_t from, step = op == 'u' ? 2 : 1;
    if (!v->nmark) return rnnts__pk_bad(v, at, "SETITEMS/APPENDS without MARK");
    from = v->marks[--v->nmark];
    if (from <= rnnts__pk_floor(v) || v->obj[v->stk[from - 1]].t != (op == 'u' ? RNNTS__PK_DICT : RNNTS__PK_LIST) ||
        (v->sp - from) % step)
        return rnnts__pk_bad(v, at, op == 'u' ? "SETITEMS on a non-dict or with an odd item count" : "APPENDS on a non-list");
    for (size_t q = from; q < v->sp; q += step)
        rnnts__pk_add(v, v->stk[from - 1], step == 2 ? v->stk[q] : -1, v->stk[q + step - 1]);
    v->sp = from;
    return RNNTS_OK;
}
static rnnts_result rnnts__pk_run(rnnts__pvm *v, int32_t *result) {
    size_t pos = 0;
    for (;;) {
        size_t at = pos;
        unsigned op;
        int32_t o = -1, x, y, z;
        char msg[160];
        if (pos >= v->n) return rnnts__pk_bad(v, at, "pickle ends without STOP");
        op = v->p[pos++];
        switch (op) {
        case 0x80: /* PROTO */
            RNNTS__NEED(1);
            if (v->p[pos] < 2 || v->p[pos] > 5 || at != 0) return rnnts__pk_bad(v, at, "PROTO not first or protocol not 2..5");
            pos++;
            break;
        case '}': o = rnnts__pk_new(v, RNNTS__PK_DICT); break;  /* EMPTY_DICT */
        case ']': o = rnnts__pk_new(v, RNNTS__PK_LIST); break;  /* EMPTY_LIST */
        case ')': o = rnnts__pk_new(v, RNNTS__PK_TUPLE); v->obj[o].a = 0; break; /* EMPTY_TUPLE */
        case 'N': o = rnnts__pk_new(v, RNNTS__PK_NONE); break;
        case 0x88: case 0x89: o = rnnts__pk_new(v, RNNTS__PK_BOOL); v->obj[o].i = op == 0x88; break; /* NEWTRUE, NEWFALSE */
        case 'K': RNNTS__NEED(1); o = rnnts__pk_new(v, RNNTS__PK_INT); v->obj[o].i = v->p[pos]; pos += 1; break; /* BININT1 */
        case 'M': RNNTS__NEED(2); o = rnnts__pk_new(v, RNNTS__PK_INT); v->obj[o].i = rnnts__rd16(v->p + pos); pos += 2; break;
        case 'J': RNNTS__NEED(4); o = rnnts__pk_new(v, RNNTS__PK_INT); v->obj[o].i = (int32_t)rnnts__rd32(v->p + pos); pos += 4; break;
        case 0x8a: { /* LONG1: little-endian two's complement, at most 8 bytes here */
            rnnts_result r = rnnts__pk_long1(v, at, &pos, &o);
            if (r != RNNTS_OK) return r;
            break;
        }
        case 'G': { /* BINFLOAT: big-endian binary64 */
            uint64_t u = 0;
            RNNTS__NEED(8);
            for (size_t q = 0; q < 8; q++) u = (u << 8) | v->p[pos + q];
            o = rnnts__pk_new(v, RNNTS__PK_FLOAT);
            memcpy(&v->obj[o].i, &u, 8);
            pos += 8;
            break;
        }
        case 'X': case 0x8c: { /* BINUNICODE, SHORT_BINUNICODE */
            rnnts_result r = rnnts__pk_unicode(v, at, op, &pos, &o);
            if (r != RNNTS_OK) return r;
            break;
        }
        case 'q': case 'r': { /* BINPUT, LONG_BINPUT */
            rnnts_result r = rnnts__pk_put(v, at, op, &pos);
            if (r != RNNTS_OK) return r;
            break;
        }
        case 'h': case 'j': { /* BINGET, LONG_BINGET */
            rnnts_result r = rnnts__pk_get(v, at, op, &pos, &o);
            if (r != RNNTS_OK) return r;
            break;
        }
        case '(': /* MARK */
            if (v->nmark >= RNNTS__PK_MAX_MARKS) return rnnts__pk_bad(v, at, "MARKs nested deeper than 64");
            v->marks[v->nmark++] = v->sp;
            break;
        case 't': case 0x85: case 0x86: case 0x87: { /* TUPLE, TUPLE1..3 */
            rnnts_result r = rnnts__pk_tuple(v, at, op, &o);
            if (r != RNNTS_OK) return r;
            break;
        }
        case 'c': { /* GLOBAL "module\nname\n" */
            rnnts_result r = rnnts__pk_global(v, at, &pos, &o);
            if (r != RNNTS_OK) return r;
            break;
        }
        case 'Q': { /* BINPERSID: ('storage', FloatStorage, key, location, numel) */
            rnnts_result r = rnnts__pk_persid(v, at, &o);
            if (r != RNNTS_OK) return r;
            break;
        }
        case 'R': { /* REDUCE */
            rnnts_result r;
            RNNTS__POP(y);
            RNNTS__POP(x);
            if ((r = rnnts__pk_reduce(v, at, x, y, &o)) != RNNTS_OK) return r;
            break;
        }
        case 's': case 'a': /* SETITEM, APPEND */
            RNNTS__POP(z);
            if (op == 's') RNNTS__POP(y); else y = -1;
            if (v->sp <= rnnts__pk_floor(v) || v->obj[v->stk[v->sp - 1]].t != (op == 's' ? RNNTS__PK_DICT : RNNTS__PK_LIST))
                return rnnts__pk_bad(v, at, op == 's' ? "SETITEM on a non-dict" : "APPEND on a non-list");
            rnnts__pk_add(v, v->stk[v->sp - 1], y, z);
            break;
        case 'u': case 'e': { /* SETITEMS, APPENDS */
            rnnts_result r = rnnts__pk_setitems(v, at, op);
            if (r != RNNTS_OK) return r;
            break;
        }
        case 'b': /* BUILD: the state dict's _metadata (a dict of dicts) is ignored */
            RNNTS__POP(y);
            if (v->sp <= rnnts__pk_floor(v) || v->obj[v->stk[v->sp - 1]].t != RNNTS__PK_DICT ||
                (v->obj[y].t != RNNTS__PK_DICT && v->obj[y].t != RNNTS__PK_NONE))
                return rnnts__pk_bad(v, at, "BUILD of something other than a dict with a dict state");
            break;
        case '.': /* STOP */
            if (v->nmark || v->sp != 1) return rnnts__pk_bad(v, at, "STOP with open MARKs or not exactly one object on the stack");
            *result = v->stk[0];
            return RNNTS_OK;
        default:
            snprintf(msg, sizeof msg, "unsupported opcode 0x%02x %s", op, rnnts__pk_opname(op));
            return rnnts__pk_bad(v, at, msg);
        }
        if (o >= 0) v->stk[v->sp++] = o; /* capacity: one slot per opcode byte */
    }
#undef RNNTS__NEED
#undef RNNTS__POP
}

/* State-dict key -> tensor index of rnnts_rnn_tensor (5 + 2*(m-2) + bias for head m), or -1. */
static long rnnts__torch_key(const unsigned char *s, size_t n) {
    long m = 0;
    size_t q = 11;
    if (n == 15 && memcmp(s, "parameterlist.0", 15) == 0) return 0;
    if (n < 17 || memcmp(s, "modulelist.", 11) != 0 || s[q] < '0' || s[q] > '9' || (s[q] == '0' && s[q + 1] != '.')) return -1;
    while (q < n && s[q] >= '0' && s[q] <= '9' && m <= RNNTS__MAX_K + 1) m = 10 * m + (s[q++] - '0');
    if (m > RNNTS__MAX_K + 1) return -1;
    if (n - q == 7 && memcmp(s + q, ".weight", 7) == 0) return m < 2 ? 1 + 2 * m : 5 + 2 * (m - 2);
    if (n - q == 5 && memcmp(s + q, ".bias", 5) == 0) return m < 2 ? 2 + 2 * m : 6 + 2 * (m - 2);
    return -1;
}

/* Import (rnnts_import_torch_mem), step 1: <prefix>/data.pkl, exactly one; its prefix (*plen bytes)
   copied into name, <prefix>/byteorder "little" when present, the pickle's CRC-32 and size. */
static rnnts_result rnnts__torch_pickle_entry(const unsigned char *d, const rnnts__zent *ze, size_t nz, const uint32_t *crctab,
                                              const rnnts__zent **pk_out, char *name, size_t *plen_out, rnnts_error *err) {
    const rnnts__zent *pk = NULL, *ze2;
    size_t plen;
    for (size_t q = 0; q < nz; q++)
        if (ze[q].name_len > 9 && memcmp(ze[q].name + ze[q].name_len - 9, "/data.pkl", 9) == 0) {
            if (pk) return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: more than one */data.pkl entry");
            pk = &ze[q];
        }
    if (!pk) return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: no <name>/data.pkl entry (not a PyTorch zip checkpoint)");
    plen = pk->name_len - 9;
    if (plen > 255) return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: archive name of %zu bytes (at most 255)", plen);
    memcpy(name, pk->name, plen);
    memcpy(name + plen, "/byteorder", 10);
    if ((ze2 = rnnts__zfind(ze, nz, name, plen + 10)) && !(ze2->size == 6 && memcmp(d + ze2->data, "little", 6) == 0)) {
        return rnnts__fail(err, RNNTS_ERR_FORMAT, "zip: %.*s/byteorder is not \"little\"", (int)plen, name);
    }
    if (rnnts__crc32(crctab, d + pk->data, pk->size) != pk->crc) {
        return rnnts__fail(err, RNNTS_ERR_CHECKSUM, "zip: data.pkl (file offset %zu, %zu bytes) fails its CRC-32", pk->data, pk->size);
    }
    if (pk->size > RNNTS__PK_MAX_BYTES) return rnnts__fail(err, RNNTS_ERR_FORMAT, "data.pkl has %zu bytes (at most %zu)", pk->size, RNNTS__PK_MAX_BYTES);
    *pk_out = pk;
    *plen_out = plen;
    return RNNTS_OK;
}
/* Step 2: runs the pickle of entry pk and finds the state dict (*sd_out): the checkpoint itself or its
   'state_dict' entry. The machine's arrays are one allocation (*block_out, the caller frees it). */
static rnnts_result rnnts__torch_unpickle(rnnts__pvm *v, const unsigned char *d, const rnnts__zent *pk, const rnnts_allocator *a,
                                          void **block_out, int32_t *sd_out, rnnts_error *err) {
    size_t bytes;
    void *block;
    int32_t root = -1, sd = -1;
    rnnts_result r;
    /* Pickle machine arrays: cap = bytes + 1 objects, stack slots, refs and dict entries; memo. */
    memset(v, 0, sizeof *v);
    v->p = d + pk->data;
    v->n = pk->size;
    v->base = pk->data;
    v->err = err;
    v->cap = pk->size + 1;
    v->memo_cap = pk->size / 2 + 256;
    bytes = v->cap * (sizeof(rnnts__pobj) + 5 * sizeof(int32_t)) + v->memo_cap * sizeof(int32_t);
    block = a->alloc(bytes, a->user);
    *block_out = block;
    if (!block) return rnnts__fail(err, RNNTS_ERR_OOM, "import: out of memory (%zu bytes for the pickle)", bytes);
    v->obj = (rnnts__pobj *)block;
    v->stk = (int32_t *)(v->obj + v->cap);
    v->refs = v->stk + v->cap;
    v->ent = v->refs + v->cap;
    v->memo = v->ent + 3 * v->cap;
    memset(v->memo, 0xFF, v->memo_cap * sizeof(int32_t));
    if ((r = rnnts__pk_run(v, &root)) != RNNTS_OK) return r;
    if (v->obj[root].t != RNNTS__PK_DICT) return rnnts__fail(err, RNNTS_ERR_FORMAT, "data.pkl: the checkpoint is not a dict");
    for (int32_t e = v->obj[root].a; e >= 0; e = v->ent[3 * e + 2])
        if (rnnts__pk_str_is(v, v->ent[3 * e], "state_dict")) {
            if (sd >= 0) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "data.pkl: key 'state_dict' twice");
            sd = v->ent[3 * e + 1];
        }
    if (sd < 0) sd = root; /* a bare state dict */
    if (v->obj[sd].t != RNNTS__PK_DICT) return rnnts__fail(err, RNNTS_ERR_FORMAT, "data.pkl: 'state_dict' is not a dict");
    *sd_out = sd;
    return RNNTS_OK;
}
/* Step 3: state-dict keys -> tensor slots (slot[t]: the tensor object of rnnts_rnn_tensor index t,
   slot[nslot + t] its key, -1 when absent); the number of slots follows from the highest head number. */
static rnnts_result rnnts__torch_slots(const rnnts__pvm *v, int32_t sd, const rnnts_allocator *a, int32_t **slot_out,
                                       long *nslot_out, rnnts_error *err) {
    int32_t *slot = NULL;
    long nslot = 5;
    for (int pass = 0; pass < 2; pass++) {
        for (int32_t e = v->obj[sd].a; e >= 0; e = v->ent[3 * e + 2]) {
            int32_t k = v->ent[3 * e], x = v->ent[3 * e + 1];
            const unsigned char *s = v->p + v->obj[k].a;
            long t;
            if (v->obj[k].t != RNNTS__PK_STR) return rnnts__fail(err, RNNTS_ERR_FORMAT, "data.pkl: a state-dict key is not a string");
            if ((t = rnnts__torch_key(s, (size_t)v->obj[k].n)) < 0) {
                return rnnts__fail(err, RNNTS_ERR_FORMAT, "unexpected key \"%.*s\" in the state dict", (int)RNNTS__MIN(v->obj[k].n, 80), (const char *)s);
            }
            if (v->obj[x].t != RNNTS__PK_TENSOR) return rnnts__fail(err, RNNTS_ERR_FORMAT, "state dict: \"%.*s\" is not a tensor", v->obj[k].n, (const char *)s);
            if (pass == 0) { if (t + 2 > nslot) nslot = t + 2; continue; }
            if (slot[t] >= 0) return rnnts__fail(err, RNNTS_ERR_DUPLICATE, "state dict: key \"%.*s\" twice", v->obj[k].n, (const char *)s);
            slot[t] = x;
            slot[nslot + t] = k;
        }
        if (pass == 0) {
            slot = (int32_t *)a->alloc((size_t)nslot * 2 * sizeof *slot, a->user);
            *slot_out = slot; /* the caller frees it */
            if (!slot) return rnnts__fail(err, RNNTS_ERR_OOM, "import: out of memory");
            memset(slot, 0xFF, (size_t)nslot * 2 * sizeof *slot);
        }
    }
    *nslot_out = nslot;
    return RNNTS_OK;
}
/* Step 4: the configuration: H from modulelist.1.weight, K from consecutive heads, tau kind from
   parameterlist.0 (tensor_of: the slots of step 3). */
static rnnts_result rnnts__torch_config(const rnnts__pvm *v, const int32_t *tensor_of, long nslot, rnnts_rnn_config *cfg,
                                        rnnts_error *err) {
    const int32_t *slot = tensor_of;
    const rnnts__pobj *w = tensor_of[3] >= 0 ? &v->obj[v->obj[tensor_of[3]].b] : NULL, *tau;
    int64_t h0, h1;
    if (!w) return rnnts__fail(err, RNNTS_ERR_MISSING, "tensor modulelist.1.weight missing");
    h0 = w->n == 2 ? v->obj[v->refs[w->a]].i : 0;
    h1 = w->n == 2 ? v->obj[v->refs[w->a + 1]].i : -1;
    if (h0 != h1 || h0 < 1 || h0 > RNNTS__MAX_H) {
        return rnnts__fail(err, RNNTS_ERR_SHAPE, "modulelist.1.weight must be [H,H] with 1 <= H <= %d", RNNTS__MAX_H);
    }
    cfg->hidden = (int)h0;
    cfg->heads = 0;
    while (5 + 2 * cfg->heads < nslot && tensor_of[5 + 2 * cfg->heads] >= 0) cfg->heads++;
    if (cfg->heads < 1) return rnnts__fail(err, RNNTS_ERR_MISSING, "no readout head (tensor modulelist.2.weight missing)");
    for (long t = 5 + 2 * (long)cfg->heads; t < nslot; t++)
        if (tensor_of[t] >= 0) {
            int32_t k = slot[nslot + t];
            return rnnts__fail(err, RNNTS_ERR_FORMAT, "unexpected key \"%.*s\" in the state dict (heads must be modulelist.2..%d without gaps)",
                               v->obj[k].n, (const char *)v->p + v->obj[k].a, cfg->heads + 1);
        }
    if (tensor_of[0] < 0) return rnnts__fail(err, RNNTS_ERR_MISSING, "tensor parameterlist.0 (tau) missing");
    tau = &v->obj[v->obj[tensor_of[0]].b];
    if (tau->n == 1 && v->obj[v->refs[tau->a]].i == h0) cfg->train_tau = 1;
    else if (tau->n <= 1 && (tau->n == 0 || v->obj[v->refs[tau->a]].i == 1)) cfg->train_tau = 0;
    else return rnnts__fail(err, RNNTS_ERR_SHAPE, "parameterlist.0 must be [%d] (learnable tau) or [1] (fixed tau)", cfg->hidden);
    return RNNTS_OK;
}
/* Step 5: every tensor of net from its storage (name: the archive prefix, plen bytes), each storage
   found in the archive, CRC-checked, of numel * 4 bytes; shapes against cfg, values finite. */
static rnnts_result rnnts__torch_tensors(rnnts_rnn *net, const rnnts_rnn_config *cfg, const rnnts__pvm *v, const int32_t *tensor_of,
                                         const unsigned char *d, const rnnts__zent *ze, size_t nz, const uint32_t *crctab,
                                         char *name, size_t plen, rnnts_error *err) {
    const rnnts__zent *ze2;
    for (int t = 0; t < rnnts_rnn_tensor_count(net); t++) {
        rnnts_tensor_info ti;
        const rnnts__pobj *x, *st, *sz;
        const unsigned char *src;
        int ndim;
        rnnts_rnn_tensor(net, t, &ti);
        if (tensor_of[t] < 0) return rnnts__fail(err, RNNTS_ERR_MISSING, "tensor %s missing", ti.name);
        x = &v->obj[tensor_of[t]];
        st = &v->obj[x->a];
        sz = &v->obj[x->b];
        ndim = sz->n;
        if (!(t == 0 && ndim == 0 && ti.count == 1) &&
            (ndim != ti.ndim || v->obj[v->refs[sz->a]].i != ti.shape[0] || (ndim == 2 && v->obj[v->refs[sz->a + 1]].i != ti.shape[1]))) {
            char shp[48];
            if (ti.ndim == 2) snprintf(shp, sizeof shp, "[%lld,%lld]", (long long)ti.shape[0], (long long)ti.shape[1]);
            else snprintf(shp, sizeof shp, "[%lld]", (long long)ti.shape[0]);
            return rnnts__fail(err, RNNTS_ERR_SHAPE, "tensor %s: shape does not match H = %d, K = %d (expected %s)", ti.name, cfg->hidden, cfg->heads, shp);
        }
        if (st->n > 32) return rnnts__fail(err, RNNTS_ERR_FORMAT, "tensor %s: storage key longer than 32 bytes", ti.name);
        memcpy(name + plen, "/data/", 6);
        memcpy(name + plen + 6, v->p + st->a, (size_t)st->n);
        if (!(ze2 = rnnts__zfind(ze, nz, name, plen + 6 + (size_t)st->n))) {
            return rnnts__fail(err, RNNTS_ERR_FORMAT, "tensor %s: storage entry %.*s missing from the archive", ti.name, (int)(plen + 6 + (size_t)st->n), name);
        }
        if ((uint64_t)ze2->size != (uint64_t)st->i * 4) {
            return rnnts__fail(err, RNNTS_ERR_FORMAT, "tensor %s: storage %.*s has %zu bytes for %lld float32 values", ti.name,
                               (int)(plen + 6 + (size_t)st->n), name, ze2->size, (long long)st->i);
        }
        if (rnnts__crc32(crctab, d + ze2->data, ze2->size) != ze2->crc) {
            return rnnts__fail(err, RNNTS_ERR_CHECKSUM, "tensor %s: storage %.*s (file offset %zu) fails its CRC-32", ti.name,
                               (int)(plen + 6 + (size_t)st->n), name, ze2->data);
        }
        src = d + ze2->data + 4 * (size_t)x->i;
        for (size_t q = 0; q < ti.count; q++) {
            float f = rnnts__get_f32(src + 4 * q);
            if (!rnnts__isfinite(f)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "tensor %s: element %zu is not finite", ti.name, q);
            net->param[ti.offset + q] = f;
        }
    }
    return RNNTS_OK;
}
rnnts_result rnnts_import_torch_mem(const void *vdata, size_t size, const rnnts_allocator *alloc, rnnts_rnn **out,
                                    rnnts_error *err) {
    const unsigned char *d = (const unsigned char *)vdata;
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    rnnts__zent *ze = NULL;
    const rnnts__zent *pk = NULL;
    size_t nz = 0, plen = 0;
    uint32_t crctab[256];
    rnnts__pvm v;
    void *block = NULL;
    int32_t sd = -1, *slot = NULL, *tensor_of;
    long nslot = 5;
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_result r;
    char name[320];
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "import: out is NULL");
    *out = NULL;
    if (!d && size) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "import: data is NULL");
    for (uint32_t q = 0; q < 256; q++) {
        uint32_t c = q;
        for (int k = 0; k < 8; k++) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crctab[q] = c;
    }
    if ((r = rnnts__zip_read(d, size, &a, &ze, &nz, err)) != RNNTS_OK) return r;
    /* <prefix>/data.pkl: exactly one. */
    if ((r = rnnts__torch_pickle_entry(d, ze, nz, crctab, &pk, name, &plen, err)) != RNNTS_OK) goto fail;
    /* The pickle, and the state dict in it. */
    if ((r = rnnts__torch_unpickle(&v, d, pk, &a, &block, &sd, err)) != RNNTS_OK) goto fail;
    /* Keys -> tensor slots; the number of slots follows from the highest head number. */
    if ((r = rnnts__torch_slots(&v, sd, &a, &slot, &nslot, err)) != RNNTS_OK) goto fail;
    tensor_of = slot;
    /* H from modulelist.1.weight, K from consecutive heads, tau kind from parameterlist.0. */
    if ((r = rnnts__torch_config(&v, tensor_of, nslot, &cfg, err)) != RNNTS_OK) goto fail;
    /* Storages: CRC-checked, size = numel * 4; the tensors are copied into a fresh network. */
    if (cfg.train_tau == 0) cfg.fixed_tau = 1.0f; /* set from the file below, checked after the copy */
    if ((r = rnnts_rnn_create_zero(&cfg, &a, &net, err)) != RNNTS_OK) goto fail;
    if ((r = rnnts__torch_tensors(net, &cfg, &v, tensor_of, d, ze, nz, crctab, name, plen, err)) != RNNTS_OK) goto fail;
    if (!cfg.train_tau) {
        net->cfg.fixed_tau = net->tau[0];
        if ((r = rnnts_rnn_config_check(&net->cfg, err)) != RNNTS_OK) {
            r = rnnts__fail(err, RNNTS_ERR_FORMAT, "fixed tau = %.9g: allowed 1..1e6", (double)net->tau[0]);
            goto fail;
        }
    }
    a.free(block, a.user);
    a.free(slot, a.user);
    a.free(ze, a.user);
    *out = net;
    return rnnts__ok(err);
fail:
    if (block) a.free(block, a.user);
    if (slot) a.free(slot, a.user);
    if (ze) a.free(ze, a.user);
    rnnts_rnn_destroy(net);
    return r;
}

#ifndef RNNTS_NO_STDIO
rnnts_result rnnts_import_torch(const char *path, const rnnts_allocator *alloc, rnnts_rnn **out, rnnts_error *err) {
    return rnnts__load_path(path, alloc, out, err, rnnts_import_torch_mem);
}
#endif

/* >>analysis --------------------------------------------------------------------------------
   Numerical building blocks of the timescale and dimensionality analyses.

   AUTOCORRELATION (rnnts_autocorr). Per series, in this order:
     mean   m = (sum_t (double)x[t]) / n: the sum in double in the canonical 8-lane order (lane j
            adds t = j mod 8 in increasing t, lanes combined by the fixed tree of N4), one division.
     scale  D = max(xmax - m, m - xmin) (double), e = the binary exponent of D (D in [2^e, 2^(e+1)));
            e = 0 when D = 0. Scaling by 2^-e is exact and keeps the float FFT away from overflow and
            underflow whatever the magnitude of the data; it is undone exactly at the end.
     input  xp[t] = (float)(((double)x[t] - m) * 2^-e) for t < n, 0 for n <= t < P, where P = 2M is
            the power of two >= 2n (zero padding beyond 2n does not change lags < n). The real
            sequence is packed into M complex points z[j] = xp[2j] + i xp[2j+1] (a real FFT of size
            P through a complex FFT of size M, per lane).
     FFT    radix-2 decimation in frequency (DIF), size M, natural order in, bit-reversed order out:
                stage h = M/2, M/4, ..., 1; for every block b (multiple of 2h) and j < h:
                u = z[b+j], v = z[b+j+h], d = u - v,
                z[b+j] = u + v,  z[b+j+h] = d * W with W = w_h[j] = cos - i sin of 2 pi j / (2h):
                re = fma(d.re, cos, d.im * sin),  im = fma(d.re, -sin, d.im * cos).
     pairs  at bit-reversed position i (frequency f = rev(i)) with A = Z_f and B = Z_(M-f) (the
            partner position: i for i < 2, else 3*2^r - 1 - i for i in [2^r, 2^(r+1))) and
            (c, s) = (cos, sin) of 2 pi f / P (the table below at h = P/2, index f):
                E = A + conj(B) = (A.re + B.re, A.im - B.im)       (2 x the transform of xp[even])
                O = -i (A - conj(B)) = (A.im + B.im, B.re - A.re)  (2 x the transform of xp[odd])
                G = O * (c - i s) as in the DIF butterfly           (X_f = (E + G)/2, X_(f+M) = (E - G)/2)
                sum = fma(E.re, E.re, E.im * E.im) + fma(O.re, O.re, O.im * O.im)   (2 (S_f + S_(f+M)))
                dif = fma(E.re, G.re, E.im * G.im) * 2                              (2 (S_f - S_(f+M)))
                V = (fma(-s, dif, sum), c * dif)   = 2 [(S_f + S_(f+M)) + i e^(2 pi i f/P) (S_f - S_(f+M))]
            with S = |X|^2 the power spectrum of the P-point transform; every position i computes its
            own V from (its Z, its partner's Z, its own twiddle).
     IFFT   radix-2 decimation in time (DIT), size M, bit-reversed order in, natural order out,
            unnormalised:
                stage h = 1, 2, ..., M/2; for every block b and j < h:
                u = z[b+j], v = z[b+j+h] * conj(W):  t.re = fma(v.re, cos, v.im * (-sin)),
                t.im = fma(v.re, sin, v.im * cos);  z[b+j] = u + t,  z[b+j+h] = u - t.
            Then z[j] = 2 (r[2j] + i r[2j+1]), r[k] = P * sum_t xp[t] xp[t+k] (up to rounding).
     output ac[k] = (float)(((double)r'[k] * 2^(2e - log2 P - 1)) / (double)(n-1-k)), r'[k] the re
            (k even) or im (k odd) part of z[k/2]: the power-of-two factor exact in double, one double
            division, one rounding to float.
   Every arithmetic step above is a lane operation of the 8-lane vector layer; 8 series go through
   the FFT together, one per lane (the last group padded with zero lanes), so the SCALAR build is
   the exact twin of the SIMD builds and a series' result does not depend on its neighbours.
   Twiddles w_h[j] = w_{P/2}[j * P/(2h)]; w_{P/2}[k] (angle 2 pi k / P, k < P/2) comes from the
   first octant by symmetry: for k <= P/8, theta = (float)((double)k * (2 pi / P)) and
   (cos, sin) = (rnnts_cosf(theta), rnnts_sinf(theta)) (<= 0.79 ulp each, theta within 0.5 ulp:
   every twiddle within about 1.2 ulp); P/8 < k <= P/4: (sin, cos) of k' = P/4 - k; P/4 < k <= 3P/8:
   (-sin, cos) of k' = k - P/4; 3P/8 < k < P/2: (-cos, sin) of k' = P/2 - k. So w = 1, -i, ... are
   exact, the table has the exact symmetries of the circle, and w_h[j] does not depend on P.
   Schedule (changes no bit: every butterfly above is computed once from the same inputs): stages
   are fused in pairs (radix-4 schedule of the radix-2 algorithm); with M > B = RNNTS__FFT_BLOCK
   elements, the stages h >= B run column by column (8 adjacent columns of the [M/B][B] view at a
   time; the zero upper half is never read: its zeros are +0 vectors in registers), then each block
   of B elements with its partner block (block k >= 2 in [2^r, 2^(r+1)) pairs with 3*2^r - 1 - k)
   does its remaining DIF stages, the pair step and the DIT stages h < B while both are in cache,
   and the final DIT stages h >= B run only on the columns that hold lags < max_lag. Element
   layout: [M][16] floats, re of the 8 lanes then im.

   EXPONENTIAL FITS (rnnts_fit_ac). Double precision, scalar, with the own rnnts__exp_d/rnnts__log_d
   (fixed polynomials, no libm transcendental). Model 1: f = a e^(-t/tau), p = (a, tau); model 2:
   f = a (c e^(-t/t1) + (1-c) e^(-t/t2)), p = (a, t1, t2, c). Bounds a, c in [0,1], tau, t1, t2 in
   [1e-6, 100]. Levenberg-Marquardt with projection: from p, with r = f - y, J = df/dp, A = J^T J,
   g = J^T r (sums over t = 0..n-1 in increasing t), parameters on a bound whose gradient points
   outwards are held fixed; the others solve (A + lambda diag(max(A_ii, 1e-12 max_j A_jj))) d = -g
   (Cholesky); p' = clip(p + d). RSS(p') < RSS(p): accept, lambda /= 10 (>= 1e-12); else lambda *= 10.
   Stops (converged) when an accepted step moves every parameter by <= 1e-10 (relative, floor 1e-6)
   or lowers RSS by <= 1e-14 RSS, when RSS <= 1e-300, when the projected step is zero, or when
   lambda > 1e16 (no descent within rounding); 300 iterations at most per start (not converged).
   Starts, in this order: model 1 a = 1, tau in {0.5, 2, 8, 30, 90}; model 2 a = 1, (t1, t2) the 10
   pairs t1 < t2 of those values, c in {0.2, 0.5, 0.8}. The best converged start (smallest RSS, the
   first on ties) is kept. AIC = 2k + n ln(max(RSS/n, 1e-30)).
   The reference's fit (rnnts_fit_ac_method, RNNTS_FIT_REFERENCE; the default of rnnts_taunet):
   SciPy 1.10's least_squares(method='trf') as curve_fit calls it without p0, one start at the
   midpoints of the bounds (a = 0.5, tau = 50; a = 0.5, t1 = t2 = 50, c = 0.5), bounds [0, 1] and
   [0, 100] (iterates kept strictly inside; a component that would land on a bound moves to the
   next double inside). Forward-difference Jacobian, step sqrt(2^-52) sign(x) max(1, |x|) (reversed
   where it would leave the bounds), the difference quotient over the step actually taken. Per
   iteration: v, dv Coleman-Li (v_i = distance to the bound -g_i points at, 1 where g_i = 0),
   d = sqrt(v), the augmented matrix [J diag(d); diag(sqrt(g dv))] decomposed by one-sided Jacobi
   SVD (cyclic pairs, rotations until |a_i.a_j| <= eps |a_i| |a_j|, singular values sorted
   descending); the trust-region step: Gauss-Newton when s_min > eps m s_max and it fits, else More's
   iteration on alpha (at most 10 steps, |phi| < 0.01 Delta); the reflective step choice and the
   radius rule of SciPy (Delta /4 when the ratio < 0.25, x2 when > 0.75 at the boundary); stops on
   ||g v||_inf < 1e-8, dF < 1e-8 F with ratio > 0.25, or ||dx|| < 1e-8 (1e-8 + ||x||); 2000
   residual evaluations at most (then the fit failed). Sums in increasing index. AIC = 2k + n ln RSS.

   EIGENVALUES (rnnts_eig_sym). Double precision. The matrix is scaled by a power of two (exact) so
   that its largest entry is in [1, 2). Householder: for k = 0..n-3, x = A[k+1..n-1][k],
   sigma = sum x_i^2 (increasing i), alpha = -sign(x_0) sqrt(sigma), v = x - alpha e_1,
   beta = 1/(sigma - x_0 alpha), p = beta A' v (A' the trailing block; each p_i sums over increasing
   j), K = beta/2 v.p (increasing i), q = p - K v, A' -= v q^T + q v^T (each entry once:
   a - (v_i q_j + q_i v_j), so A' stays exactly symmetric). Then implicit QL with Wilkinson shifts on
   the tridiagonal (d, e) (Givens rotations from the bottom of the unreduced block upwards; e[m] is
   negligible when |e[m]| <= 2^-53 (|d[m]| + |d[m+1]|) or |e[m]| <= 2^-60 max_k (|d[k]| + |e[k]|), the
   norm of the whole tridiagonal, so that clusters of eigenvalues near 0 converge), at most 60
   sweeps per eigenvalue; then a
   stable insertion sort, descending, and the scale undone.

   PCA (rnnts_pca). m_j = (sum_t (double)X[t][j]) / rows (increasing t); d_tj = (double)X[t][j] - m_j;
   C_ij = (sum_t d_ti d_tj) / (rows - 1): each product rounded, added in increasing t from 0 (no fma).
   The accumulation runs in chunks of rows and tiles of (i, j) (neither changes a bit). Eigenvalues by
   rnnts_eig_sym; total = sum of all eigenvalues in descending order; n_components = the smallest k
   with sum_{i<k} eig_i >= var_fraction * total (the reference reports k - 1 and uses '>').
   --------------------------------------------------------------------------------------------- */
#ifndef RNNTS__FFT_BLOCK
#define RNNTS__FFT_BLOCK 4096 /* elements per cache block of the FFT schedule (a power of 2 >= 8); no bit depends on it */
#endif
#define RNNTS__AC_MAX_LOG2N 28 /* n <= 2^28 */

/* 2^k as a double, -1022 <= k <= 1023 (exact, from bits). */
static double rnnts__pow2_d(int k) {
    uint64_t u = (uint64_t)(k + 1023) << 52;
    double d;
    memcpy(&d, &u, 8);
    return d;
}
static int rnnts__isfinite_d(double x) {
    uint64_t u;
    memcpy(&u, &x, 8);
    return (u & 0x7ff0000000000000ull) != 0x7ff0000000000000ull;
}

/* Sum of (double)x[0..n) in the canonical 8-lane order (lane j adds the indices = j mod 8 in
   increasing order from 0, lanes combined by ((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7))), and the float
   extremes (order-free). Written so that compilers may vectorise it across the 8 lanes. */
static double rnnts__sum8_d(const float *x, size_t n, float *lo_out, float *hi_out) {
    double s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    float lo[8], hi[8];
    size_t t = 0;
    int j;
    for (j = 0; j < 8; j++) lo[j] = hi[j] = x[0];
    for (; t + 8 <= n; t += 8)
        for (j = 0; j < 8; j++) {
            float v = x[t + (size_t)j];
            s[j] += (double)v;
            lo[j] = v < lo[j] ? v : lo[j];
            hi[j] = v > hi[j] ? v : hi[j];
        }
    for (j = 0; t + (size_t)j < n; j++) {
        float v = x[t + (size_t)j];
        s[j] += (double)v;
        lo[j] = v < lo[j] ? v : lo[j];
        hi[j] = v > hi[j] ? v : hi[j];
    }
    for (j = 1; j < 8; j++) {
        lo[0] = lo[j] < lo[0] ? lo[j] : lo[0];
        hi[0] = hi[j] > hi[0] ? hi[j] : hi[0];
    }
    *lo_out = lo[0];
    *hi_out = hi[0];
    return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

/* ---- FFT on 8 lanes: element e at z + 16*e, re lanes at +0, im lanes at +8 ---------------- */
typedef struct { rnnts__vf r, i; } rnnts__cv;
RNNTS__INLINE rnnts__cv rnnts__cv_load(const float *p) { rnnts__cv v; v.r = rnnts__vf_load(p); v.i = rnnts__vf_load(p + 8); return v; }
RNNTS__INLINE void rnnts__cv_store(float *p, rnnts__cv v) { rnnts__vf_store(p, v.r); rnnts__vf_store(p + 8, v.i); }
/* Twiddle (cos, sin) at table entry idx, broadcast, with -sin. */
typedef struct { rnnts__vf c, s, ns; } rnnts__tw;
RNNTS__INLINE rnnts__tw rnnts__tw_get(const float *tw, size_t idx) {
    rnnts__tw w;
    w.c = rnnts__vf_set1(tw[2 * idx]);
    w.s = rnnts__vf_set1(tw[2 * idx + 1]);
    w.ns = rnnts__vf_set1(-tw[2 * idx + 1]);
    return w;
}
/* DIF butterfly: (u, v) -> (u + v, (u - v) * (cos - i sin)). */
RNNTS__INLINE void rnnts__dif2(rnnts__cv *u, rnnts__cv *v, rnnts__tw w) {
    rnnts__vf dr = rnnts__vf_sub(u->r, v->r), di = rnnts__vf_sub(u->i, v->i);
    u->r = rnnts__vf_add(u->r, v->r);
    u->i = rnnts__vf_add(u->i, v->i);
    v->r = rnnts__vf_fma(dr, w.c, rnnts__vf_mul(di, w.s));
    v->i = rnnts__vf_fma(dr, w.ns, rnnts__vf_mul(di, w.c));
}
/* DIT butterfly: t = v * (cos + i sin); (u, v) -> (u + t, u - t). */
RNNTS__INLINE void rnnts__dit2(rnnts__cv *u, rnnts__cv *v, rnnts__tw w) {
    rnnts__vf tr = rnnts__vf_fma(v->r, w.c, rnnts__vf_mul(v->i, w.ns));
    rnnts__vf ti = rnnts__vf_fma(v->r, w.s, rnnts__vf_mul(v->i, w.c));
    v->r = rnnts__vf_sub(u->r, tr);
    v->i = rnnts__vf_sub(u->i, ti);
    u->r = rnnts__vf_add(u->r, tr);
    u->i = rnnts__vf_add(u->i, ti);
}
/* One DIF stage pair (h, h/2) on elements x0 = base, x1 = x0 + q, x2 = x0 + h, x3 = x2 + q
   (q = h/2, element offsets already applied): stage h pairs (x0, x2) with wa = w_h[j] and (x1, x3)
   with wb = w_h[j + q]; stage q pairs (x0, x1) and (x2, x3) with wc = w_q[j]. */
RNNTS__INLINE void rnnts__dif4(float *p0, float *p1, float *p2, float *p3, rnnts__tw wa, rnnts__tw wb, rnnts__tw wc) {
    rnnts__cv x0 = rnnts__cv_load(p0), x1 = rnnts__cv_load(p1), x2 = rnnts__cv_load(p2), x3 = rnnts__cv_load(p3);
    rnnts__dif2(&x0, &x2, wa);
    rnnts__dif2(&x1, &x3, wb);
    rnnts__dif2(&x0, &x1, wc);
    rnnts__dif2(&x2, &x3, wc);
    rnnts__cv_store(p0, x0); rnnts__cv_store(p1, x1); rnnts__cv_store(p2, x2); rnnts__cv_store(p3, x3);
}
/* The DIT pair (q, h): stage q on (x0, x1), (x2, x3) with wc = w_q[j], then stage h on (x0, x2)
   with wa = w_h[j] and (x1, x3) with wb = w_h[j + q]. */
RNNTS__INLINE void rnnts__dit4(float *p0, float *p1, float *p2, float *p3, rnnts__tw wa, rnnts__tw wb, rnnts__tw wc) {
    rnnts__cv x0 = rnnts__cv_load(p0), x1 = rnnts__cv_load(p1), x2 = rnnts__cv_load(p2), x3 = rnnts__cv_load(p3);
    rnnts__dit2(&x0, &x1, wc);
    rnnts__dit2(&x2, &x3, wc);
    rnnts__dit2(&x0, &x2, wa);
    rnnts__dit2(&x1, &x3, wb);
    rnnts__cv_store(p0, x0); rnnts__cv_store(p1, x1); rnnts__cv_store(p2, x2); rnnts__cv_store(p3, x3);
}
RNNTS__INLINE void rnnts__dif2_mem(float *p0, float *p1, rnnts__tw w) {
    rnnts__cv u = rnnts__cv_load(p0), v = rnnts__cv_load(p1);
    rnnts__dif2(&u, &v, w);
    rnnts__cv_store(p0, u); rnnts__cv_store(p1, v);
}
RNNTS__INLINE void rnnts__dit2_mem(float *p0, float *p1, rnnts__tw w) {
    rnnts__cv u = rnnts__cv_load(p0), v = rnnts__cv_load(p1);
    rnnts__dit2(&u, &v, w);
    rnnts__cv_store(p0, u); rnnts__cv_store(p1, v);
}
/* The same on a first stage whose upper half (x2, x3, or v) is the zero padding: the zeros are
   +0 vectors in registers instead of loads (the same operations on the same values). */
RNNTS__INLINE void rnnts__dif4_z(float *p0, float *p1, float *p2, float *p3, rnnts__tw wa, rnnts__tw wb, rnnts__tw wc) {
    rnnts__cv x0 = rnnts__cv_load(p0), x1 = rnnts__cv_load(p1), x2, x3;
    x2.r = x2.i = x3.r = x3.i = rnnts__vf_zero();
    rnnts__dif2(&x0, &x2, wa);
    rnnts__dif2(&x1, &x3, wb);
    rnnts__dif2(&x0, &x1, wc);
    rnnts__dif2(&x2, &x3, wc);
    rnnts__cv_store(p0, x0); rnnts__cv_store(p1, x1); rnnts__cv_store(p2, x2); rnnts__cv_store(p3, x3);
}
RNNTS__INLINE void rnnts__dif2_z(float *p0, float *p1, rnnts__tw w) {
    rnnts__cv u = rnnts__cv_load(p0), v;
    v.r = v.i = rnnts__vf_zero();
    rnnts__dif2(&u, &v, w);
    rnnts__cv_store(p0, u); rnnts__cv_store(p1, v);
}
static int rnnts__log2z(size_t m) { int l = 0; while (((size_t)1 << l) < m) l++; return l; }

/* Twiddle table tw[2*(h + j)], tw[2*(h + j) + 1] = cos, sin of 2 pi j / (2h), for h = 1, 2, ..., P/2
   and j < h (2P floats; entry 0 unused). See the section comment for the octant reduction. */
static void rnnts__fft_twiddles(float *tw, size_t P) {
    size_t half = P / 2, oct = P / 8, k;
    float *top = tw + 2 * half;
    double step = 6.283185307179586476925 / (double)P; /* exact: 2 pi (double) / 2^L */
    for (k = 0; k <= oct; k += RNNTS__VN) {
        float th[16], c[16], s[16];
        int l, m = (int)(oct - k + 1 < RNNTS__VN ? oct - k + 1 : RNNTS__VN);
        for (l = 0; l < RNNTS__VN; l++) th[l] = l < m ? (float)((double)(k + (size_t)l) * step) : 0.0f;
        rnnts__vn_store(c, rnnts__cos_v(rnnts__vn_load(th)));
        rnnts__vn_store(s, rnnts__sin_v(rnnts__vn_load(th)));
        for (l = 0; l < m; l++) { top[2 * (k + (size_t)l)] = c[l]; top[2 * (k + (size_t)l) + 1] = s[l]; }
    }
    for (k = oct + 1; k < half; k++) {
        size_t kp;
        float c, s;
        if (8 * k <= 2 * P) { kp = P / 4 - k; c = top[2 * kp + 1]; s = top[2 * kp]; }
        else if (8 * k <= 3 * P) { kp = k - P / 4; c = -top[2 * kp + 1]; s = top[2 * kp]; }
        else { kp = P / 2 - k; c = -top[2 * kp]; s = top[2 * kp + 1]; }
        top[2 * k] = c;
        top[2 * k + 1] = s;
    }
    for (size_t h = half / 2; h >= 1; h /= 2) {
        size_t stride = half / h;
        for (size_t j = 0; j < h; j++) {
            tw[2 * (h + j)] = top[2 * j * stride];
            tw[2 * (h + j) + 1] = top[2 * j * stride + 1];
        }
    }
    tw[0] = tw[1] = 0.0f;
}

/* DIF stages h = m/2 .. 1 on the m >= 2 contiguous elements at z (one block). */
static void rnnts__fft_dif_blk(float *z, size_t m, const float *tw) {
    size_t h = m / 2;
    if (rnnts__log2z(m) & 1) {
        for (size_t j = 0; j < h; j++) rnnts__dif2_mem(z + 16 * j, z + 16 * (j + h), rnnts__tw_get(tw, h + j));
        h /= 2;
    }
    for (; h >= 2; h /= 4) {
        size_t q = h / 2;
        for (size_t b = 0; b < m; b += 2 * h)
            for (size_t j = 0; j < q; j++) {
                float *p0 = z + 16 * (b + j);
                rnnts__dif4(p0, p0 + 16 * q, p0 + 16 * h, p0 + 16 * (h + q), rnnts__tw_get(tw, h + j), rnnts__tw_get(tw, h + j + q),
                            rnnts__tw_get(tw, q + j));
            }
    }
}
/* DIT stages h = 1 .. m/2 on the m >= 2 contiguous elements at z. */
static void rnnts__fft_dit_blk(float *z, size_t m, const float *tw) {
    int nst = rnnts__log2z(m), pairs = nst / 2;
    size_t h = 2;
    for (int p = 0; p < pairs; p++, h *= 4) {
        size_t q = h / 2;
        for (size_t b = 0; b < m; b += 2 * h)
            for (size_t j = 0; j < q; j++) {
                float *p0 = z + 16 * (b + j);
                rnnts__dit4(p0, p0 + 16 * q, p0 + 16 * h, p0 + 16 * (h + q), rnnts__tw_get(tw, h + j), rnnts__tw_get(tw, h + j + q),
                            rnnts__tw_get(tw, q + j));
            }
    }
    if (nst & 1) {
        h = m / 2;
        for (size_t j = 0; j < h; j++) rnnts__dit2_mem(z + 16 * j, z + 16 * (j + h), rnnts__tw_get(tw, h + j));
    }
}
/* Partner of bit-reversed position i in an M-point transform: the position of frequency M - f,
   f = rev(i): 0 and 1 (f = 0, M/2) are their own, i in [2^r, 2^(r+1)) pairs with 3*2^r - 1 - i. */
static size_t rnnts__fft_mirror(size_t i) {
    size_t r = 1;
    if (i < 2) return i;
    while (r * 2 <= i) r *= 2;
    return 3 * r - 1 - i;
}
/* The pointwise step at position i: A = Z_f (own), B = Z_(M-f) (partner), (c, s) = cos, sin of
   2 pi f / P (f = rev(i), P = 2M). Returns V'' (see the section comment). */
RNNTS__INLINE rnnts__cv rnnts__fft_pair(rnnts__cv A, rnnts__cv B, rnnts__tw w) {
    rnnts__cv E, O, G, V;
    rnnts__vf sum, dif;
    E.r = rnnts__vf_add(A.r, B.r);
    E.i = rnnts__vf_sub(A.i, B.i);
    O.r = rnnts__vf_add(A.i, B.i);
    O.i = rnnts__vf_sub(B.r, A.r);
    G.r = rnnts__vf_fma(O.r, w.c, rnnts__vf_mul(O.i, w.s));
    G.i = rnnts__vf_fma(O.r, w.ns, rnnts__vf_mul(O.i, w.c));
    sum = rnnts__vf_add(rnnts__vf_fma(E.r, E.r, rnnts__vf_mul(E.i, E.i)), rnnts__vf_fma(O.r, O.r, rnnts__vf_mul(O.i, O.i)));
    dif = rnnts__vf_mul(rnnts__vf_fma(E.r, G.r, rnnts__vf_mul(E.i, G.i)), rnnts__vf_set1(2.0f));
    V.r = rnnts__vf_fma(w.ns, dif, sum);
    V.i = rnnts__vf_mul(w.c, dif);
    return V;
}
/* The pointwise step for positions [lo, hi) and their partners (each pair once, from its lower
   position). mid[i] = (cos, sin) of 2 pi rev(i) / P. */
static void rnnts__fft_pairs(float *z, size_t lo, size_t hi, const float *mid) {
    for (size_t i = lo; i < hi; i++) {
        size_t p = rnnts__fft_mirror(i);
        rnnts__cv A, B;
        if (p < i) continue;
        A = rnnts__cv_load(z + 16 * i);
        B = rnnts__cv_load(z + 16 * p);
        rnnts__cv_store(z + 16 * i, rnnts__fft_pair(A, B, rnnts__tw_get(mid, i)));
        if (p != i) rnnts__cv_store(z + 16 * p, rnnts__fft_pair(B, A, rnnts__tw_get(mid, p)));
    }
}
/* The [R][B] view (element r*B + c): stages h >= B pair rows. Columns [c0, c0 + 8) at a time.
   Global twiddle index of row offset jr and column c at stage h = hr*B: h + jr*B + c. The upper
   half (rows >= R/2, elements >= P/2) is the zero padding and is never read (see rnnts__dif4_z). */
static void rnnts__fft_dif_cols(float *z, size_t R, size_t B, const float *tw) {
    const size_t CW = 8;
    int nst = rnnts__log2z(R);
    for (size_t c0 = 0; c0 < B; c0 += CW) {
        size_t hr = R / 2;
        if (nst & 1) {
            size_t h = hr * B;
            for (size_t jr = 0; jr < hr; jr++)
                for (size_t c = c0; c < c0 + CW; c++) {
                    size_t i0 = jr * B + c;
                    rnnts__dif2_z(z + 16 * i0, z + 16 * (i0 + h), rnnts__tw_get(tw, h + i0));
                }
            hr /= 2;
        }
        for (int first = !(nst & 1); hr >= 2; hr /= 4, first = 0) {
            size_t qr = hr / 2, h = hr * B, q = qr * B;
            for (size_t rb = 0; rb < R; rb += 2 * hr)
                for (size_t jr = 0; jr < qr; jr++)
                    for (size_t c = c0; c < c0 + CW; c++) {
                        size_t j = jr * B + c;
                        float *p0 = z + 16 * (rb * B + j);
                        if (first)
                            rnnts__dif4_z(p0, p0 + 16 * q, p0 + 16 * h, p0 + 16 * (h + q), rnnts__tw_get(tw, h + j),
                                          rnnts__tw_get(tw, h + j + q), rnnts__tw_get(tw, q + j));
                        else
                            rnnts__dif4(p0, p0 + 16 * q, p0 + 16 * h, p0 + 16 * (h + q), rnnts__tw_get(tw, h + j),
                                        rnnts__tw_get(tw, h + j + q), rnnts__tw_get(tw, q + j));
                    }
        }
    }
}
/* DIT stages h >= B on the columns c < ncol only (the others are not needed). */
static void rnnts__fft_dit_cols(float *z, size_t R, size_t B, const float *tw, size_t ncol) {
    const size_t CW = 8;
    int nst = rnnts__log2z(R), pairs = nst / 2;
    for (size_t c0 = 0; c0 < ncol; c0 += CW) {
        size_t c1 = c0 + CW < ncol ? c0 + CW : ncol, hr = 2;
        for (int p = 0; p < pairs; p++, hr *= 4) {
            size_t qr = hr / 2, h = hr * B, q = qr * B;
            for (size_t rb = 0; rb < R; rb += 2 * hr)
                for (size_t jr = 0; jr < qr; jr++)
                    for (size_t c = c0; c < c1; c++) {
                        size_t j = jr * B + c;
                        float *p0 = z + 16 * (rb * B + j);
                        rnnts__dit4(p0, p0 + 16 * q, p0 + 16 * h, p0 + 16 * (h + q), rnnts__tw_get(tw, h + j),
                                    rnnts__tw_get(tw, h + j + q), rnnts__tw_get(tw, q + j));
                    }
        }
        if (nst & 1) {
            size_t h = (R / 2) * B;
            for (size_t jr = 0; jr < R / 2; jr++)
                for (size_t c = c0; c < c1; c++) {
                    size_t i0 = jr * B + c;
                    rnnts__dit2_mem(z + 16 * i0, z + 16 * (i0 + h), rnnts__tw_get(tw, h + i0));
                }
        }
    }
}
/* z: M = P/2 elements holding 8 real series packed as z_m = x_2m + i x_2m+1, elements >= M/2 zero
   (when M > RNNTS__FFT_BLOCK they need not be written: they are never read). Afterwards element m
   < need holds 2 (c_2m + i c_2m+1), c_k = P * sum_t xp[t] xp[t+k]; other elements are left in an
   intermediate state. Blocks are processed with their partner block (the pointwise step pairs
   bit-reversed positions across blocks: block k >= 2 in [2^r, 2^(r+1)) with 3*2^r - 1 - k). */
static void rnnts__fft_autocorr8(float *z, size_t M, const float *tw, const float *mid, size_t need) {
    size_t B = M < (size_t)RNNTS__FFT_BLOCK ? M : (size_t)RNNTS__FFT_BLOCK, R = M / B;
    if (R > 1) rnnts__fft_dif_cols(z, R, B, tw);
    for (size_t k = 0; k < R; k++) {
        size_t kp = rnnts__fft_mirror(k);
        if (kp < k) continue;
        rnnts__fft_dif_blk(z + 16 * k * B, B, tw);
        if (kp != k) rnnts__fft_dif_blk(z + 16 * kp * B, B, tw);
        rnnts__fft_pairs(z, k * B, (k + 1) * B, mid);
        rnnts__fft_dit_blk(z + 16 * k * B, B, tw);
        if (kp != k) rnnts__fft_dit_blk(z + 16 * kp * B, B, tw);
    }
    if (R > 1) rnnts__fft_dit_cols(z, R, B, tw, need < B ? need : B);
}

rnnts_result rnnts_autocorr(const float *x, size_t n, int n_series, int max_lag, float *ac, const rnnts_allocator *alloc,
                            rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    size_t P, M, need, nel, zero_end;
    int L;
    float *z, *tw, *mid;
    if (!x) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "autocorr: x is NULL");
    if (!ac) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "autocorr: ac is NULL");
    if (n_series < 1) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "autocorr: n_series = %d: allowed >= 1", n_series);
    if (n < 2)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "autocorr: n = %zu: too short, allowed 2..2^%d (max_lag must be in 1..n-1)", n,
                           RNNTS__AC_MAX_LOG2N);
    if (n > ((size_t)1 << RNNTS__AC_MAX_LOG2N))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "autocorr: n = %zu: allowed 2..2^%d", n, RNNTS__AC_MAX_LOG2N);
    if (max_lag < 1 || (size_t)max_lag > n - 1)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "autocorr: max_lag = %d: allowed 1..n-1 = %zu", max_lag, n - 1);
    L = rnnts__log2z(2 * n);
    P = (size_t)1 << L;
    M = P / 2;                          /* complex points: x_2m + i x_2m+1 */
    nel = (n + 1) / 2;                  /* elements holding data */
    need = ((size_t)max_lag + 1) / 2;   /* elements holding lags < max_lag */
    zero_end = M > (size_t)RNNTS__FFT_BLOCK ? M / 2 : M;
    z = (float *)rnnts__amalloc(&a, rnnts__fbytes(M, 16, 1));
    tw = (float *)rnnts__amalloc(&a, rnnts__fbytes(P, 3, 1)); /* levels (2P floats), then mid (P floats) */
    if (!z || !tw) {
        rnnts__afree(&a, z);
        rnnts__afree(&a, tw);
        return rnnts__fail(err, RNNTS_ERR_OOM, "autocorr: out of memory for the FFT work buffers (%zu bytes, n = %zu)",
                           rnnts__fbytes(P, 11, 1), n);
    }
    mid = tw + 2 * P;
    rnnts__fft_twiddles(tw, P);
    for (size_t i = 0; i < M; i++) { /* mid[i] = w_{P/2}[rev(i)], rev over log2(M) bits */
        size_t f = 0;
        for (int b = 0; b < L - 1; b++) f |= ((i >> b) & 1u) << (L - 2 - b);
        mid[2 * i] = tw[2 * (M + f)];
        mid[2 * i + 1] = tw[2 * (M + f) + 1];
    }
    for (int g = 0; g < n_series; g += 8) {
        int ns = n_series - g < 8 ? n_series - g : 8;
        double mean[8], scale[8], post[8];
        for (int l = 0; l < 8; l++) { mean[l] = 0.0; scale[l] = 0.0; post[l] = rnnts__pow2_d(-L - 1); }
        /* statistics per series: mean (canonical 8-lane order in double), extremes */
        for (int l = 0; l < ns; l++) {
            const float *xs = x + (size_t)(g + l) * n;
            double d;
            float lo, hi;
            mean[l] = rnnts__sum8_d(xs, n, &lo, &hi) / (double)n;
            if (!rnnts__isfinite_d(mean[l])) { /* a non-finite input makes the sum non-finite: find it */
                size_t t = 0;
                while (t < n && rnnts__isfinite(xs[t])) t++;
                rnnts__afree(&a, z);
                rnnts__afree(&a, tw);
                return rnnts__fail(err, RNNTS_ERR_NONFINITE, "autocorr: x[series %d][%zu] = %g is not finite", g + l, t,
                                   t < n ? (double)xs[t] : 0.0);
            }
            d = (double)hi - mean[l] > mean[l] - (double)lo ? (double)hi - mean[l] : mean[l] - (double)lo;
            if (d > 0.0) {
                uint64_t u;
                int ex;
                memcpy(&u, &d, 8);
                ex = (int)((u >> 52) & 0x7ff) - 1023; /* d >= 2^-149 (a float difference): normal */
                scale[l] = rnnts__pow2_d(-ex);
                post[l] = rnnts__pow2_d(2 * ex - L - 1);
            } else {
                scale[l] = 1.0;
            }
        }
        /* input: element m = (xp[2m], xp[2m+1]) (xp[n] = 0), zero padding up to zero_end; tiles of
           8 elements x 8 lanes so that every element is written once, whole */
        for (size_t m0 = 0; m0 < nel; m0 += 8) {
            float tile[8][16];
            size_t mc = nel - m0 < 8 ? nel - m0 : 8, tc = n - 2 * m0 < 16 ? n - 2 * m0 : 16;
            memset(tile, 0, sizeof tile);
            for (int l = 0; l < ns; l++) {
                const float *xs = x + (size_t)(g + l) * n + 2 * m0;
                for (size_t tt = 0; tt < tc; tt++) tile[tt / 2][(tt & 1) * 8 + (size_t)l] = (float)(((double)xs[tt] - mean[l]) * scale[l]);
            }
            for (size_t e = 0; e < mc; e++) {
                rnnts__vf_store(z + 16 * (m0 + e), rnnts__vf_load(tile[e]));
                rnnts__vf_store(z + 16 * (m0 + e) + 8, rnnts__vf_load(tile[e] + 8));
            }
        }
        memset(z + 16 * nel, 0, (zero_end - nel) * 16 * sizeof(float));
        rnnts__fft_autocorr8(z, M, tw, mid, need);
        for (int l = 0; l < ns; l++) {
            float *o = ac + (size_t)(g + l) * (size_t)max_lag;
            for (size_t k = 0; k < (size_t)max_lag; k++)
                o[k] = (float)(((double)z[16 * (k / 2) + 8 * (k & 1) + (size_t)l] * post[l]) / (double)(n - 1 - k));
        }
    }
    rnnts__afree(&a, z);
    rnnts__afree(&a, tw);
    return rnnts__ok(err);
}

/* ---- double exp and log (private; N5: no libm transcendental) ------------------------------ */
/* e^x: k = round(x/ln2) (by adding 1.5*2^52), r = (x - k ln2_hi) - k ln2_lo (ln2_hi has 32 bits, so
   k ln2_hi is exact), e^r by its Taylor polynomial of degree 13 in Horner form (truncation below
   3e-17 relative for |r| <= ln2/2), times 2^k in two exact-or-once-rounded steps. Within about 1 ulp.
   x > 709.78 gives +inf, x < -745.2 gives 0, NaN stays NaN. */
static double rnnts__exp_d(double x) {
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    const double inv_ln2 = 1.44269504088896338700e+00, magic = 0x1.8p52;
    double t, k, r, p;
    int ki, k1;
    if (x != x) return x;
    if (x > 709.782712893384) return rnnts__pow2_d(1023) * 2.0;
    if (x < -745.2) return 0.0;
    t = x * inv_ln2 + magic;
    k = t - magic;
    r = (x - k * ln2_hi) - k * ln2_lo;
    p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    ki = (int)k;
    k1 = ki / 2;
    return p * rnnts__pow2_d(k1) * rnnts__pow2_d(ki - k1);
}
/* ln x: x = 2^e m, m in [sqrt(1/2), sqrt(2)], f = m - 1 (exact), s = f/(2+f), ln m = 2 atanh s =
   2 (s + s^3/3 + ... + s^21/21) in Horner form in s^2 (|s| <= 0.1716: truncation below 2e-18),
   ln x = e ln2_hi + (ln m + e ln2_lo). Within about 2 ulp. ln 0 = -inf, ln(x < 0) = NaN. */
static double rnnts__log_d(double x) {
    const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;
    uint64_t u;
    int e = 0;
    double m, f, s, z, q;
    if (x != x || x == rnnts__pow2_d(1023) * 2.0) return x;
    if (!(x > 0.0)) return x == 0.0 ? -rnnts__pow2_d(1023) * 2.0 : (x - x) / (x - x);
    memcpy(&u, &x, 8);
    if ((u >> 52) == 0) { /* subnormal */
        x *= 0x1p54;
        memcpy(&u, &x, 8);
        e = -54;
    }
    e += (int)(u >> 52) - 1023;
    u = (u & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
    memcpy(&m, &u, 8);
    if (m > 1.41421356237309504880) { m *= 0.5; e += 1; }
    f = m - 1.0;
    s = f / (2.0 + f);
    z = s * s;
    q = 2.0 / 21.0;
    q = q * z + 2.0 / 19.0;
    q = q * z + 2.0 / 17.0;
    q = q * z + 2.0 / 15.0;
    q = q * z + 2.0 / 13.0;
    q = q * z + 2.0 / 11.0;
    q = q * z + 2.0 / 9.0;
    q = q * z + 2.0 / 7.0;
    q = q * z + 2.0 / 5.0;
    q = q * z + 2.0 / 3.0;
    q = q * z + 2.0;
    return (double)e * ln2_hi + (q * s + (double)e * ln2_lo);
}
static double rnnts__abs_d(double x) { return x < 0.0 ? -x : x; }
/* sqrt(a^2 + b^2) without overflow: m sqrt(1 + (s/m)^2), m = max(|a|, |b|). */
static double rnnts__hypot_d(double a, double b) {
    double m = rnnts__abs_d(a), s = rnnts__abs_d(b), t;
    if (s > m) { t = m; m = s; s = t; }
    if (m == 0.0) return 0.0;
    s /= m;
    return m * sqrt(1.0 + s * s);
}

/* ---- exponential fits ------------------------------------------------------------------------- */
#define RNNTS__FIT_TMIN 1e-6
#define RNNTS__FIT_TMAX 100.0
#define RNNTS__FIT_ITERS 300
/* Parameters: model 1 (a, tau); model 2 (a, t1, t2, c). */
static const double rnnts__fit_lo[2][4] = {{0.0, RNNTS__FIT_TMIN, 0.0, 0.0}, {0.0, RNNTS__FIT_TMIN, RNNTS__FIT_TMIN, 0.0}};
static const double rnnts__fit_hi[2][4] = {{1.0, RNNTS__FIT_TMAX, 0.0, 0.0}, {1.0, RNNTS__FIT_TMAX, RNNTS__FIT_TMAX, 1.0}};

/* RSS, A = J^T J (k x k, full) and g = J^T r at p; sums over t = 0..n-1 in increasing t. */
static double rnnts__fit_eval(int model, const double *p, const double *y, int n, double *A, double *g) {
    int k = model == 1 ? 2 : 4;
    double rss = 0.0, J[4];
    for (int i = 0; i < k * k; i++) A[i] = 0.0;
    for (int i = 0; i < k; i++) g[i] = 0.0;
    for (int t = 0; t < n; t++) {
        double tt = (double)t, f, r;
        if (model == 1) {
            double e = rnnts__exp_d(-tt / p[1]);
            f = p[0] * e;
            J[0] = e;
            J[1] = p[0] * e * tt / (p[1] * p[1]);
        } else {
            double e1 = rnnts__exp_d(-tt / p[1]), e2 = rnnts__exp_d(-tt / p[2]), c = p[3], mix = c * e1 + (1.0 - c) * e2;
            f = p[0] * mix;
            J[0] = mix;
            J[1] = p[0] * c * e1 * tt / (p[1] * p[1]);
            J[2] = p[0] * (1.0 - c) * e2 * tt / (p[2] * p[2]);
            J[3] = p[0] * (e1 - e2);
        }
        r = f - y[t];
        rss += r * r;
        for (int i = 0; i < k; i++) {
            g[i] += J[i] * r;
            for (int j = 0; j <= i; j++) A[i * k + j] += J[i] * J[j];
        }
    }
    for (int i = 0; i < k; i++)
        for (int j = i + 1; j < k; j++) A[i * k + j] = A[j * k + i];
    return rss;
}
/* Solves M x = b (m x m symmetric positive definite, m <= 4) by Cholesky in place; 0 if not PD. */
static int rnnts__chol_solve(double *M, double *b, int m) {
    for (int j = 0; j < m; j++) {
        double s = M[j * m + j];
        for (int k = 0; k < j; k++) s -= M[j * m + k] * M[j * m + k];
        if (!(s > 0.0) || !rnnts__isfinite_d(s)) return 0;
        s = sqrt(s);
        M[j * m + j] = s;
        for (int i = j + 1; i < m; i++) {
            double v = M[i * m + j];
            for (int k = 0; k < j; k++) v -= M[i * m + k] * M[j * m + k];
            M[i * m + j] = v / s;
        }
    }
    for (int i = 0; i < m; i++) { /* L z = b */
        double v = b[i];
        for (int k = 0; k < i; k++) v -= M[i * m + k] * b[k];
        b[i] = v / M[i * m + i];
    }
    for (int i = m - 1; i >= 0; i--) { /* L^T x = z */
        double v = b[i];
        for (int k = i + 1; k < m; k++) v -= M[k * m + i] * b[k];
        b[i] = v / M[i * m + i];
    }
    return 1;
}
/* Bounded Levenberg-Marquardt from p (overwritten). Returns 1 when a stopping test held (converged). */
static int rnnts__lm(int model, double *p, const double *y, int n, double *rss_out, int *iters) {
    int k = model == 1 ? 2 : 4, conv = 0, it;
    const double *lo = rnnts__fit_lo[model - 1], *hi = rnnts__fit_hi[model - 1];
    double A[16], g[4], An[16], gn[4], pn[4], rss, lambda = 1e-3;
    for (int i = 0; i < k; i++) p[i] = p[i] < lo[i] ? lo[i] : p[i] > hi[i] ? hi[i] : p[i];
    rss = rnnts__fit_eval(model, p, y, n, A, g);
    for (it = 0; it < RNNTS__FIT_ITERS && rnnts__isfinite_d(rss); it++) {
        int fr[4], nf = 0, moved = 0, small = 1;
        double M[16], b[4], dmax = 0.0, rssn;
        if (rss <= 1e-300) { conv = 1; break; }
        for (int i = 0; i < k; i++) dmax = A[i * k + i] > dmax ? A[i * k + i] : dmax;
        for (int i = 0; i < k; i++)
            if (!((p[i] <= lo[i] && g[i] > 0.0) || (p[i] >= hi[i] && g[i] < 0.0))) fr[nf++] = i;
        if (nf == 0) { conv = 1; break; }
        for (int a = 0; a < nf; a++) {
            double dii = A[fr[a] * k + fr[a]], fl = 1e-12 * dmax;
            for (int c = 0; c < nf; c++) M[a * nf + c] = A[fr[a] * k + fr[c]];
            M[a * nf + a] += lambda * (dii > fl ? dii : fl);
            b[a] = -g[fr[a]];
        }
        if (!rnnts__chol_solve(M, b, nf)) {
            lambda *= 10.0;
            if (lambda > 1e16) { conv = 1; break; }
            continue;
        }
        for (int i = 0; i < k; i++) pn[i] = p[i];
        for (int a = 0; a < nf; a++) {
            int i = fr[a];
            double v = p[i] + b[a];
            pn[i] = v < lo[i] ? lo[i] : v > hi[i] ? hi[i] : v;
        }
        for (int i = 0; i < k; i++) {
            double d = rnnts__abs_d(pn[i] - p[i]), s = rnnts__abs_d(p[i]) > 1e-6 ? rnnts__abs_d(p[i]) : 1e-6;
            if (pn[i] != p[i]) moved = 1;
            if (!(d <= 1e-10 * s)) small = 0;
        }
        if (!moved) { conv = 1; break; }
        rssn = rnnts__fit_eval(model, pn, y, n, An, gn);
        if (rssn < rss) {
            double dec = rss - rssn;
            for (int i = 0; i < k; i++) { p[i] = pn[i]; g[i] = gn[i]; }
            for (int i = 0; i < k * k; i++) A[i] = An[i];
            rss = rssn;
            lambda = lambda * 0.1 > 1e-12 ? lambda * 0.1 : 1e-12;
            if (small || dec <= 1e-14 * (rss + dec)) { conv = 1; it++; break; }
        } else {
            lambda *= 10.0;
            if (lambda > 1e16) { conv = 1; it++; break; }
        }
    }
    *iters += it;
    *rss_out = rss;
    for (int i = 0; i < k; i++)
        if (!rnnts__isfinite_d(p[i])) conv = 0;
    return conv && rnnts__isfinite_d(rss);
}
/* All starts of one model; best converged start (smallest RSS, first on ties), else best of all. */
static int rnnts__fit_model(int model, const double *y, int n, double *best, double *best_rss, int *iters) {
    static const double taus[5] = {0.5, 2.0, 8.0, 30.0, 90.0}, cs[3] = {0.2, 0.5, 0.8};
    int k = model == 1 ? 2 : 4, have = 0, have_any = 0;
    double any[4] = {0, 0, 0, 0}, any_rss = 0.0;
    *iters = 0;
    for (int s1 = 0; s1 < 5; s1++)
        for (int s2 = model == 1 ? 0 : s1 + 1; s2 < (model == 1 ? 1 : 5); s2++)
            for (int sc = 0; sc < (model == 1 ? 1 : 3); sc++) {
                double p[4], rss;
                int ok;
                p[0] = 1.0;
                p[1] = taus[s1];
                if (model == 2) { p[2] = taus[s2]; p[3] = cs[sc]; }
                ok = rnnts__lm(model, p, y, n, &rss, iters);
                if (ok && (!have || rss < *best_rss)) {
                    have = 1;
                    *best_rss = rss;
                    for (int i = 0; i < k; i++) best[i] = p[i];
                }
                if (rnnts__isfinite_d(rss) && (!have_any || rss < any_rss)) {
                    have_any = 1;
                    any_rss = rss;
                    for (int i = 0; i < k; i++) any[i] = p[i];
                }
            }
    if (!have) {
        *best_rss = have_any ? any_rss : rnnts__pow2_d(1023) * 2.0;
        for (int i = 0; i < k; i++) best[i] = any[i];
    }
    return have;
}
static double rnnts__aic(int k, int n, double rss) {
    double m = rss / (double)n;
    return 2.0 * (double)k + (double)n * rnnts__log_d(m > 1e-30 ? m : 1e-30);
}

rnnts_result rnnts_fit_ac(const double *y, int n, rnnts_expfit *out, rnnts_error *err) {
    double p1[4] = {0, 0, 0, 0}, p2[4] = {0, 0, 0, 0}, r1 = 0.0, r2 = 0.0, nan_ = (rnnts__pow2_d(1023) * 2.0) * 0.0;
    if (!y) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fit_ac: y is NULL");
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fit_ac: out is NULL");
    if (n < 5 || n > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fit_ac: n = %d: allowed 5..100000", n);
    for (int t = 0; t < n; t++)
        if (!rnnts__isfinite_d(y[t])) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "fit_ac: y[%d] = %g is not finite", t, y[t]);
    memset(out, 0, sizeof *out);
    out->ok1 = rnnts__fit_model(1, y, n, p1, &r1, &out->iters1);
    out->ok2 = rnnts__fit_model(2, y, n, p2, &r2, &out->iters2);
    out->a1 = p1[0]; out->tau1 = p1[1]; out->rss1 = r1;
    out->aic1 = out->ok1 ? rnnts__aic(2, n, r1) : nan_;
    out->a2 = p2[0]; out->t1 = p2[1]; out->t2 = p2[2]; out->c2 = p2[3]; out->rss2 = r2;
    out->aic2 = out->ok2 ? rnnts__aic(4, n, r2) : nan_;
    if (out->ok1 && out->ok2) out->selected = out->aic1 < out->aic2 ? RNNTS_FIT_SINGLE : out->aic2 < out->aic1 ? RNNTS_FIT_DOUBLE : RNNTS_FIT_NONE;
    else out->selected = out->ok1 ? RNNTS_FIT_SINGLE : out->ok2 ? RNNTS_FIT_DOUBLE : RNNTS_FIT_NONE;
    out->tau_net = out->selected == RNNTS_FIT_SINGLE ? out->tau1 : out->selected == RNNTS_FIT_DOUBLE ? (out->t1 > out->t2 ? out->t1 : out->t2) : nan_;
    return rnnts__ok(err);
}

/* ---- the reference's fit: a trust-region reflective least-squares solver -------------------------
   The reference fits with SciPy's curve_fit(f, t, y, maxfev=2000, bounds=...) and no p0, i.e.
   least_squares(method='trf') from the midpoint of the bounds, one start. rnnts__trf follows that
   algorithm step by step (Branch, Coleman & Li's trust-region reflective method with the exact
   trust-region solver of More): Coleman-Li scaling v, the problem in "hat" variables
   (J_h = J diag(sqrt v), extra rows diag(sqrt(|g|))), the trust-region step from the SVD of the
   augmented Jacobian, the choice among the step cut at the bound (scaled by theta), the reflected
   step and the Cauchy step, the radius rule, ftol = xtol = gtol = 1e-8, and a forward-difference
   Jacobian with step sqrt(eps) max(1, |x|) (flipped at a bound). An evaluation budget of 2000
   residual evaluations (Jacobian evaluations not counted); a fit that exhausts it failed (curve_fit
   raises, the reference then scores the model with AIC 10^5). All in double with rnnts's own exp;
   sums in index order. The start is symmetric for the double exponential (t1 = t2 = 50, c = 0.5):
   rounding in the SVD breaks the symmetry, as in SciPy, and the fit leaves the symmetric line only
   where the data pull it away. */
#define RNNTS__TRF_MAXFEV 2000
#define RNNTS__TRF_TOL 1e-8
#define RNNTS__EPS_D 2.220446049250313e-16
typedef struct {
    int model, k, n; /* model 1 (a, tau) or 2 (a, t1, t2, c); parameters; residuals */
    const double *y;
    double lb[4], ub[4];
} rnnts__trf;

/* r[t] = f(t; p) - y[t], f evaluated as the reference writes it: a e^(-t/tau), a c e^(-t/t1) + a (1-c) e^(-t/t2). */
static void rnnts__trf_resid(const rnnts__trf *q, const double *p, double *r) {
    for (int t = 0; t < q->n; t++) {
        double tt = (double)t, f;
        if (q->model == 1) f = p[0] * rnnts__exp_d(-tt / p[1]);
        else f = p[0] * p[3] * rnnts__exp_d(-tt / p[1]) + p[0] * (1.0 - p[3]) * rnnts__exp_d(-tt / p[2]);
        r[t] = f - q->y[t];
    }
}
static double rnnts__dot_d(const double *a, const double *b, int n) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
static int rnnts__all_finite_d(const double *a, int n) {
    for (int i = 0; i < n; i++)
        if (!rnnts__isfinite_d(a[i])) return 0;
    return 1;
}
/* Forward differences J[t][i] = (r(x + h e_i) - r(x)) / h, h = sqrt(eps) sign(x_i) max(1, |x_i|),
   reversed where x + h leaves the bounds (moved to the farther bound when even that does not fit). */
static void rnnts__trf_jac(const rnnts__trf *q, const double *x, const double *f0, double *J, double *fx) {
    for (int i = 0; i < q->k; i++) {
        double xh[4], h = 1.4901161193847656e-08 * (x[i] >= 0.0 ? 1.0 : -1.0) * (rnnts__abs_d(x[i]) > 1.0 ? rnnts__abs_d(x[i]) : 1.0);
        double lo = x[i] - q->lb[i], up = q->ub[i] - x[i], dx;
        if (rnnts__abs_d(h) > (lo > up ? lo : up)) h = up >= lo ? up : -lo;
        else if (x[i] + h < q->lb[i] || x[i] + h > q->ub[i]) h = -h;
        for (int j = 0; j < q->k; j++) xh[j] = x[j];
        xh[i] = x[i] + h;
        dx = xh[i] - x[i]; /* the step actually taken */
        rnnts__trf_resid(q, xh, fx);
        for (int t = 0; t < q->n; t++) J[t * q->k + i] = (fx[t] - f0[t]) / dx;
    }
}
/* One-sided Jacobi SVD: A (rows x cols, row-major, cols <= 4) is replaced by A V = U diag(s);
   s descending, V[i*cols + j] = component i of right singular vector j. */
static void rnnts__svd_small(double *A, int rows, int cols, double *s, double *V) {
    for (int i = 0; i < cols * cols; i++) V[i] = (i / cols == i % cols) ? 1.0 : 0.0;
    for (int sweep = 0; sweep < 60; sweep++) {
        int rotated = 0;
        for (int i = 0; i < cols - 1; i++)
            for (int j = i + 1; j < cols; j++) {
                double al = 0.0, be = 0.0, ga = 0.0, ze, t, c, sn;
                for (int r = 0; r < rows; r++) {
                    al += A[r * cols + i] * A[r * cols + i];
                    be += A[r * cols + j] * A[r * cols + j];
                    ga += A[r * cols + i] * A[r * cols + j];
                }
                if (ga == 0.0 || rnnts__abs_d(ga) <= RNNTS__EPS_D * sqrt(al) * sqrt(be)) continue;
                rotated = 1;
                ze = (be - al) / (2.0 * ga);
                t = (ze >= 0.0 ? 1.0 : -1.0) / (rnnts__abs_d(ze) + rnnts__hypot_d(1.0, ze));
                c = 1.0 / sqrt(1.0 + t * t);
                sn = c * t;
                for (int r = 0; r < rows; r++) {
                    double a = A[r * cols + i], b = A[r * cols + j];
                    A[r * cols + i] = c * a - sn * b;
                    A[r * cols + j] = sn * a + c * b;
                }
                for (int r = 0; r < cols; r++) {
                    double a = V[r * cols + i], b = V[r * cols + j];
                    V[r * cols + i] = c * a - sn * b;
                    V[r * cols + j] = sn * a + c * b;
                }
            }
        if (!rotated) break;
    }
    for (int j = 0; j < cols; j++) {
        double q = 0.0;
        for (int r = 0; r < rows; r++) q += A[r * cols + j] * A[r * cols + j];
        s[j] = sqrt(q);
    }
    for (int j = 1; j < cols; j++) /* insertion sort, descending; columns move with their values */
        for (int m = j; m > 0 && s[m] > s[m - 1]; m--) {
            double tmp = s[m]; s[m] = s[m - 1]; s[m - 1] = tmp;
            for (int r = 0; r < rows; r++) { tmp = A[r * cols + m]; A[r * cols + m] = A[r * cols + m - 1]; A[r * cols + m - 1] = tmp; }
            for (int r = 0; r < cols; r++) { tmp = V[r * cols + m]; V[r * cols + m] = V[r * cols + m - 1]; V[r * cols + m - 1] = tmp; }
        }
}
/* phi(alpha) = ||p(alpha)|| - Delta and its derivative, p(alpha) = -V diag(s / (s^2 + alpha)) u^T f. */
static void rnnts__trf_phi(double alpha, const double *suf, const double *s, int k, double Delta, double *phi, double *dphi) {
    double pn = 0.0, acc = 0.0;
    for (int i = 0; i < k; i++) {
        double den = s[i] * s[i] + alpha, q = suf[i] / den;
        pn += q * q;
        acc += suf[i] * suf[i] / (den * den * den);
    }
    pn = sqrt(pn);
    *phi = pn - Delta;
    *dphi = -acc / pn;
}
/* The trust-region subproblem min ||J p + f||, ||p|| <= Delta from the SVD (suf = s * U^T f): the
   Gauss-Newton step when J has full rank and it fits, else p(alpha) with ||p|| = Delta (More's
   safeguarded Newton iteration on alpha, at most 10 steps, |phi| < 0.01 Delta), scaled onto the
   sphere. *alpha: the previous Levenberg-Marquardt parameter in, the new one out. */
static void rnnts__trf_tr_solve(int k, int m, const double *suf, const double *s, const double *V, double Delta, double *alpha, double *p) {
    int full = s[k - 1] > RNNTS__EPS_D * (double)m * s[0];
    double lo = 0.0, up, al, phi, dphi, w[4], pn = 0.0;
    if (full) {
        for (int i = 0; i < k; i++) w[i] = suf[i] / (s[i] * s[i]);
        for (int r = 0; r < k; r++) { p[r] = -rnnts__dot_d(V + r * k, w, k); pn += p[r] * p[r]; }
        if (sqrt(pn) <= Delta) { *alpha = 0.0; return; }
    }
    up = sqrt(rnnts__dot_d(suf, suf, k)) / Delta;
    if (full) {
        rnnts__trf_phi(0.0, suf, s, k, Delta, &phi, &dphi);
        lo = -phi / dphi;
    }
    al = (!full && *alpha == 0.0) ? (0.001 * up > sqrt(lo * up) ? 0.001 * up : sqrt(lo * up)) : *alpha;
    for (int it = 0; it < 10; it++) {
        double ratio;
        if (al < lo || al > up) al = 0.001 * up > sqrt(lo * up) ? 0.001 * up : sqrt(lo * up);
        rnnts__trf_phi(al, suf, s, k, Delta, &phi, &dphi);
        if (phi < 0.0) up = al;
        ratio = phi / dphi;
        lo = lo > al - ratio ? lo : al - ratio;
        al -= (phi + Delta) * ratio / Delta;
        if (rnnts__abs_d(phi) < 0.01 * Delta) break;
    }
    for (int i = 0; i < k; i++) w[i] = suf[i] / (s[i] * s[i] + al);
    pn = 0.0;
    for (int r = 0; r < k; r++) { p[r] = -rnnts__dot_d(V + r * k, w, k); pn += p[r] * p[r]; }
    pn = Delta / sqrt(pn);
    for (int r = 0; r < k; r++) p[r] *= pn;
    *alpha = al;
}
/* Largest t >= 0 with lb <= x + t s <= ub (over the components with s != 0; inf when s = 0) and
   which components reach it (-1 lower, +1 upper, 0 none). */
static double rnnts__trf_to_bound(const rnnts__trf *q, const double *x, const double *s, int *hits) {
    double st[4], mn = rnnts__pow2_d(1023) * 2.0;
    for (int i = 0; i < q->k; i++) {
        st[i] = mn;
        if (s[i] != 0.0) {
            double a = (q->lb[i] - x[i]) / s[i], b = (q->ub[i] - x[i]) / s[i];
            st[i] = a > b ? a : b;
        }
    }
    for (int i = 0; i < q->k; i++) mn = st[i] < mn ? st[i] : mn;
    if (hits)
        for (int i = 0; i < q->k; i++) hits[i] = st[i] == mn ? (s[i] > 0.0 ? 1 : s[i] < 0.0 ? -1 : 0) : 0;
    return mn;
}
/* The quadratic model along s from s0: 0.5 (s0 + t s)^T (J^T J + diag) (s0 + t s) + g^T (s0 + t s)
   = a t^2 + b t + c (s0 = NULL: from 0, c = 0). J: n x k. */
static void rnnts__trf_quad1d(const rnnts__trf *q, const double *J, const double *g, const double *s, const double *diag, const double *s0,
                              double *a, double *b, double *c) {
    double aa = 0.0, bb, cc = 0.0;
    for (int t = 0; t < q->n; t++) {
        double v = rnnts__dot_d(J + t * q->k, s, q->k);
        aa += v * v;
    }
    for (int i = 0; i < q->k; i++) aa += s[i] * diag[i] * s[i];
    aa *= 0.5;
    bb = rnnts__dot_d(g, s, q->k);
    if (s0) {
        double uv = 0.0, uu = 0.0, sds = 0.0, s0ds0 = 0.0;
        for (int t = 0; t < q->n; t++) {
            double u = rnnts__dot_d(J + t * q->k, s0, q->k), v = rnnts__dot_d(J + t * q->k, s, q->k);
            uv += u * v;
            uu += u * u;
        }
        bb += uv;
        cc = 0.5 * uu + rnnts__dot_d(g, s0, q->k);
        for (int i = 0; i < q->k; i++) { sds += s0[i] * diag[i] * s[i]; s0ds0 += s0[i] * diag[i] * s0[i]; }
        bb += sds;
        cc += 0.5 * s0ds0;
    }
    *a = aa; *b = bb; *c = cc;
}
/* Minimum of a t^2 + b t + c over [lo, hi] (the ends and the interior extremum; first on ties). */
static double rnnts__trf_min1d(double a, double b, double c, double lo, double hi, double *value) {
    double ts[3] = {lo, hi, 0.0}, best_t, best;
    int n = 2;
    if (a != 0.0) {
        double e = -0.5 * b / a;
        if (lo < e && e < hi) ts[n++] = e;
    }
    best_t = ts[0];
    best = ts[0] * (a * ts[0] + b) + c;
    for (int i = 1; i < n; i++) {
        double y = ts[i] * (a * ts[i] + b) + c;
        if (y < best) { best = y; best_t = ts[i]; }
    }
    *value = best;
    return best_t;
}
static double rnnts__trf_model_value(const rnnts__trf *q, const double *J, const double *g, const double *s, const double *diag) {
    double a, b, c;
    rnnts__trf_quad1d(q, J, g, s, diag, NULL, &a, &b, &c);
    return a + b; /* the model at t = 1 */
}
/* Step selection of the reflective method: the trust-region step p (hat: p_h) if x + p stays in the
   bounds; else the best of three by the quadratic model: p cut at the first bound and scaled by
   theta, the step reflected at that bound, and the Cauchy step along -g_h. step/step_h get the
   chosen step; returns its predicted reduction. */
static double rnnts__trf_select(const rnnts__trf *q, const double *x, const double *Jh, const double *diag, const double *gh, const double *d,
                                double Delta, double theta, double *p, double *ph, double *step, double *step_h) {
    int k = q->k, hits[4], inside = 1;
    double rh[4], r[4], xb[4], ag[4], agh[4], pst, to_tr, to_bnd, rst, rl, ru, rv, pv, av, a, b, c, ags;
    for (int i = 0; i < k; i++)
        if (!(x[i] + p[i] >= q->lb[i] && x[i] + p[i] <= q->ub[i])) inside = 0;
    if (inside) {
        for (int i = 0; i < k; i++) { step[i] = p[i]; step_h[i] = ph[i]; }
        return -rnnts__trf_model_value(q, Jh, gh, ph, diag);
    }
    pst = rnnts__trf_to_bound(q, x, p, hits);
    for (int i = 0; i < k; i++) { rh[i] = hits[i] ? -ph[i] : ph[i]; r[i] = d[i] * rh[i]; }
    for (int i = 0; i < k; i++) { p[i] *= pst; ph[i] *= pst; xb[i] = x[i] + p[i]; }
    { /* the reflected direction leaves the trust region at the positive root of ||ph + t rh|| = Delta */
        double aa = rnnts__dot_d(rh, rh, k), bb = rnnts__dot_d(ph, rh, k), cc = rnnts__dot_d(ph, ph, k) - Delta * Delta;
        double dd = sqrt(bb * bb - aa * cc), qq = -(bb + (bb >= 0.0 ? dd : -dd)), t1 = qq / aa, t2 = cc / qq;
        to_tr = t1 > t2 ? t1 : t2;
    }
    to_bnd = rnnts__trf_to_bound(q, xb, r, NULL);
    rst = to_bnd < to_tr ? to_bnd : to_tr;
    if (rst > 0.0) {
        rl = (1.0 - theta) * pst / rst;
        ru = rst == to_bnd ? theta * to_bnd : to_tr;
    } else { rl = 0.0; ru = -1.0; }
    rv = rnnts__pow2_d(1023) * 2.0;
    if (rl <= ru) {
        rnnts__trf_quad1d(q, Jh, gh, rh, diag, ph, &a, &b, &c);
        rst = rnnts__trf_min1d(a, b, c, rl, ru, &rv);
        for (int i = 0; i < k; i++) { rh[i] = rh[i] * rst + ph[i]; r[i] = rh[i] * d[i]; }
    }
    for (int i = 0; i < k; i++) { p[i] *= theta; ph[i] *= theta; }
    pv = rnnts__trf_model_value(q, Jh, gh, ph, diag);
    for (int i = 0; i < k; i++) { agh[i] = -gh[i]; ag[i] = d[i] * agh[i]; }
    to_tr = Delta / sqrt(rnnts__dot_d(agh, agh, k));
    to_bnd = rnnts__trf_to_bound(q, x, ag, NULL);
    ags = to_bnd < to_tr ? theta * to_bnd : to_tr;
    rnnts__trf_quad1d(q, Jh, gh, agh, diag, NULL, &a, &b, &c);
    ags = rnnts__trf_min1d(a, b, 0.0, 0.0, ags, &av);
    for (int i = 0; i < k; i++) { agh[i] *= ags; ag[i] *= ags; }
    if (pv < rv && pv < av) {
        for (int i = 0; i < k; i++) { step[i] = p[i]; step_h[i] = ph[i]; }
        return -pv;
    }
    if (rv < pv && rv < av) {
        for (int i = 0; i < k; i++) { step[i] = r[i]; step_h[i] = rh[i]; }
        return -rv;
    }
    for (int i = 0; i < k; i++) { step[i] = ag[i]; step_h[i] = agh[i]; }
    return -av;
}
/* x moved strictly inside: a component on or beyond a bound goes to the next double inside. */
static double rnnts__next_inside(double bound, double toward) {
    uint64_t u;
    if (bound == toward) return bound;
    if (bound == 0.0) { /* the smallest subnormal toward `toward` */
        u = toward > 0.0 ? 1u : 0x8000000000000001ull;
        memcpy(&bound, &u, 8);
        return bound;
    }
    memcpy(&u, &bound, 8);
    u = ((bound > 0.0) == (toward > bound)) ? u + 1 : u - 1;
    memcpy(&bound, &u, 8);
    return bound;
}
/* The trust-region reflective fit of q from x (strictly inside the bounds; overwritten). Returns the termination status as
   SciPy numbers it (1 gtol, 2 ftol, 3 xtol, 4 both; 0 evaluation budget exhausted = failed);
   *rss = sum of squared residuals at the final x, *nfev = residual evaluations. */
static int rnnts__trf_fit(const rnnts__trf *q, double *x, double *rss, int *nfev) {
    enum { NMAX = RNNTS_FIT_REF_MAX_N };
    int k = q->k, n = q->n, status = -1, m = n;
    double f[NMAX], fn[NMAX], fx[NMAX], J[NMAX * 4], A[(NMAX + 4) * 4], g[4], v[4], dv[4], d[4], diag[4], gh[4];
    double s[4], V[16], suf[4], xn[4], p[4], ph[4], st[4], sth[4], cost, Delta = 0.0, alpha = 0.0;
    int first = 1;
    rnnts__trf_resid(q, x, f);
    *nfev = 1;
    if (!rnnts__all_finite_d(f, n)) { *rss = rnnts__pow2_d(1023) * 2.0; return 0; }
    cost = 0.5 * rnnts__dot_d(f, f, n);
    rnnts__trf_jac(q, x, f, J, fx);
    for (int i = 0; i < k; i++) { g[i] = 0.0; for (int t = 0; t < n; t++) g[i] += J[t * k + i] * f[t]; }
    for (;;) {
        double gnorm = 0.0, theta, ared = -1.0;
        for (int i = 0; i < k; i++) { /* Coleman-Li scaling: distance to the bound the anti-gradient points at */
            v[i] = 1.0; dv[i] = 0.0;
            if (g[i] < 0.0) { v[i] = q->ub[i] - x[i]; dv[i] = -1.0; }
            if (g[i] > 0.0) { v[i] = x[i] - q->lb[i]; dv[i] = 1.0; }
            gnorm = rnnts__abs_d(g[i] * v[i]) > gnorm ? rnnts__abs_d(g[i] * v[i]) : gnorm;
        }
        if (first) { /* the initial radius ||x / sqrt(v)||, 1 when that is 0 */
            for (int i = 0; i < k; i++) Delta += x[i] * x[i] / v[i];
            Delta = Delta > 0.0 ? sqrt(Delta) : 1.0;
            first = 0;
        }
        if (gnorm < RNNTS__TRF_TOL) status = 1;
        if (status >= 0 || *nfev == RNNTS__TRF_MAXFEV) break;
        for (int i = 0; i < k; i++) { d[i] = sqrt(v[i]); diag[i] = g[i] * dv[i]; gh[i] = d[i] * g[i]; }
        for (int t = 0; t < n; t++)
            for (int i = 0; i < k; i++) A[t * k + i] = J[t * k + i] * d[i];
        for (int r = 0; r < k; r++)
            for (int i = 0; i < k; i++) A[(n + r) * k + i] = r == i ? sqrt(diag[i]) : 0.0;
        rnnts__svd_small(A, n + k, k, s, V);
        for (int j = 0; j < k; j++) { suf[j] = 0.0; for (int t = 0; t < n; t++) suf[j] += A[t * k + j] * f[t]; }
        for (int t = 0; t < n; t++)
            for (int i = 0; i < k; i++) A[t * k + i] = J[t * k + i] * d[i]; /* J_h again (the SVD overwrote it) */
        theta = 1.0 - gnorm > 0.995 ? 1.0 - gnorm : 0.995;
        while (ared <= 0.0 && *nfev < RNNTS__TRF_MAXFEV) {
            double pred, shn, cost_n, ratio, Dn, stn, xnorm;
            int bound_hit;
            rnnts__trf_tr_solve(k, m, suf, s, V, Delta, &alpha, ph);
            for (int i = 0; i < k; i++) p[i] = d[i] * ph[i];
            pred = rnnts__trf_select(q, x, A, diag, gh, d, Delta, theta, p, ph, st, sth);
            for (int i = 0; i < k; i++) {
                xn[i] = x[i] + st[i];
                if (xn[i] <= q->lb[i]) xn[i] = rnnts__next_inside(q->lb[i], q->ub[i]);
                else if (xn[i] >= q->ub[i]) xn[i] = rnnts__next_inside(q->ub[i], q->lb[i]);
            }
            rnnts__trf_resid(q, xn, fn);
            (*nfev)++;
            shn = sqrt(rnnts__dot_d(sth, sth, k));
            if (!rnnts__all_finite_d(fn, n)) { Delta = 0.25 * shn; continue; }
            cost_n = 0.5 * rnnts__dot_d(fn, fn, n);
            ared = cost - cost_n;
            ratio = pred > 0.0 ? ared / pred : (pred == ared && ared == 0.0) ? 1.0 : 0.0;
            bound_hit = shn > 0.95 * Delta;
            Dn = ratio < 0.25 ? 0.25 * shn : (ratio > 0.75 && bound_hit) ? 2.0 * Delta : Delta;
            stn = sqrt(rnnts__dot_d(st, st, k));
            xnorm = sqrt(rnnts__dot_d(x, x, k));
            {
                int ftol_ok = ared < RNNTS__TRF_TOL * cost && ratio > 0.25, xtol_ok = stn < RNNTS__TRF_TOL * (RNNTS__TRF_TOL + xnorm);
                if (ftol_ok || xtol_ok) { status = ftol_ok && xtol_ok ? 4 : ftol_ok ? 2 : 3; break; }
            }
            alpha *= Delta / Dn;
            Delta = Dn;
        }
        if (ared > 0.0) {
            for (int i = 0; i < k; i++) x[i] = xn[i];
            for (int t = 0; t < n; t++) f[t] = fn[t];
            cost = 0.5 * rnnts__dot_d(f, f, n);
            rnnts__trf_jac(q, x, f, J, fx);
            for (int i = 0; i < k; i++) { g[i] = 0.0; for (int t = 0; t < n; t++) g[i] += J[t * k + i] * f[t]; }
        }
    }
    *rss = 2.0 * cost;
    return status < 0 ? 0 : status;
}

/* The reference's procedure: one trust-region reflective fit per model from the midpoints of the
   bounds (a = 0.5, tau = 50; a = 0.5, t1 = t2 = 50, c = 0.5), bounds a, c in [0, 1], taus in
   [0, 100] (kept strictly inside), AIC = 2k + n ln RSS, the smaller AIC selected, a tie gives none. */
static void rnnts__fit_ac_ref(const double *y, int n, rnnts_expfit *out) {
    rnnts__trf q1 = {1, 2, 0, NULL, {0.0, 0.0, 0.0, 0.0}, {1.0, 100.0, 0.0, 0.0}};
    rnnts__trf q2 = {2, 4, 0, NULL, {0.0, 0.0, 0.0, 0.0}, {1.0, 100.0, 100.0, 1.0}};
    double p1[4] = {0.5, 50.0, 0.0, 0.0}, p2[4] = {0.5, 50.0, 50.0, 0.5}, r1, r2, nan_ = (rnnts__pow2_d(1023) * 2.0) * 0.0;
    q1.n = q2.n = n;
    q1.y = q2.y = y;
    out->ok1 = rnnts__trf_fit(&q1, p1, &r1, &out->iters1) > 0;
    out->ok2 = rnnts__trf_fit(&q2, p2, &r2, &out->iters2) > 0;
    out->a1 = p1[0]; out->tau1 = p1[1]; out->rss1 = r1;
    out->aic1 = out->ok1 ? 4.0 + (double)n * rnnts__log_d(r1) : nan_;
    out->a2 = p2[0]; out->t1 = p2[1]; out->t2 = p2[2]; out->c2 = p2[3]; out->rss2 = r2;
    out->aic2 = out->ok2 ? 8.0 + (double)n * rnnts__log_d(r2) : nan_;
}
rnnts_result rnnts_fit_ac_method(const double *y, int n, rnnts_fit_method method, rnnts_expfit *out, rnnts_error *err) {
    double nan_ = (rnnts__pow2_d(1023) * 2.0) * 0.0;
    if (method != RNNTS_FIT_REFERENCE && method != RNNTS_FIT_BEST)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fit_ac: method = %d: allowed RNNTS_FIT_REFERENCE (0), RNNTS_FIT_BEST (1)", (int)method);
    if (method == RNNTS_FIT_BEST) return rnnts_fit_ac(y, n, out, err);
    if (!y) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fit_ac: y is NULL");
    if (!out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fit_ac: out is NULL");
    if (n < 5 || n > RNNTS_FIT_REF_MAX_N) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "fit_ac: n = %d: allowed 5..%d for the reference fit", n, RNNTS_FIT_REF_MAX_N);
    for (int t = 0; t < n; t++)
        if (!rnnts__isfinite_d(y[t])) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "fit_ac: y[%d] = %g is not finite", t, y[t]);
    memset(out, 0, sizeof *out);
    rnnts__fit_ac_ref(y, n, out);
    if (out->ok1 && out->ok2) out->selected = out->aic1 < out->aic2 ? RNNTS_FIT_SINGLE : out->aic2 < out->aic1 ? RNNTS_FIT_DOUBLE : RNNTS_FIT_NONE;
    else out->selected = out->ok1 ? RNNTS_FIT_SINGLE : out->ok2 ? RNNTS_FIT_DOUBLE : RNNTS_FIT_NONE;
    out->tau_net = out->selected == RNNTS_FIT_SINGLE ? out->tau1 : out->selected == RNNTS_FIT_DOUBLE ? (out->t1 > out->t2 ? out->t1 : out->t2) : nan_;
    return rnnts__ok(err);
}

/* ---- symmetric eigenvalues ---------------------------------------------------------------------- */
rnnts_result rnnts_eig_sym(double *A, int n, double *w, rnnts_error *err) {
    size_t N, i, j, k;
    double amax = 0.0, sc, unsc, tnorm, *e;
    int es = 0;
    if (!A) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "eig_sym: A is NULL");
    if (!w) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "eig_sym: eigvals is NULL");
    if (n < 1 || n > 65535) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "eig_sym: n = %d: allowed 1..65535", n);
    N = (size_t)n;
    for (i = 0; i < N; i++)
        for (j = 0; j <= i; j++) {
            double v = A[i * N + j];
            if (!rnnts__isfinite_d(v)) return rnnts__fail(err, RNNTS_ERR_NONFINITE, "eig_sym: A[%zu][%zu] = %g is not finite", i, j, v);
            v = rnnts__abs_d(v);
            amax = v > amax ? v : amax;
        }
    if (amax > 0.0) {
        uint64_t u;
        memcpy(&u, &amax, 8);
        es = (int)((u >> 52) & 0x7ff) - 1023;
        es = es < -1022 ? -1022 : es > 1022 ? 1022 : es;
    }
    sc = rnnts__pow2_d(-es);
    unsc = rnnts__pow2_d(es);
    for (i = 0; i < N; i++)
        for (j = 0; j <= i; j++) {
            A[i * N + j] *= sc;
            A[j * N + i] = A[i * N + j];
        }
    /* Householder tridiagonalisation; v in row k (A[k][k+1..]), p and q in w[k+1..] */
    for (k = 0; k + 2 < N; k++) {
        double sigma = 0.0, x0 = A[(k + 1) * N + k], alpha, beta, K = 0.0;
        for (i = k + 1; i < N; i++) sigma += A[i * N + k] * A[i * N + k];
        if (sigma == 0.0) { A[k * N + k + 1] = 0.0; continue; }
        alpha = x0 >= 0.0 ? -sqrt(sigma) : sqrt(sigma);
        beta = 1.0 / (sigma - x0 * alpha);
        A[k * N + k + 1] = x0 - alpha;
        for (i = k + 2; i < N; i++) A[k * N + i] = A[i * N + k];
        {
            const double *v = A + k * N;
            for (i = k + 1; i < N; i++) {
                const double *row = A + i * N;
                double s = 0.0;
                for (j = k + 1; j < N; j++) s += row[j] * v[j];
                w[i] = beta * s;
            }
            for (i = k + 1; i < N; i++) K += v[i] * w[i];
            K = 0.5 * beta * K;
            for (i = k + 1; i < N; i++) w[i] = w[i] - K * v[i];
            for (i = k + 1; i < N; i++) {
                double *row = A + i * N, vi = v[i], qi = w[i];
                for (j = k + 1; j < N; j++) row[j] = row[j] - (vi * w[j] + qi * v[j]);
            }
        }
        A[k * N + k + 1] = alpha;
    }
    /* d -> w, e -> the last row of A (e[k] couples k and k+1; e[N-1] is scratch) */
    for (i = 0; i < N; i++) w[i] = A[i * N + i];
    e = A + (N - 1) * N;
    for (k = 0; k + 1 < N; k++) e[k] = A[k * N + k + 1];
    e[N - 1] = 0.0;
    /* implicit QL with shifts. Deflation: |e_m| negligible next to |d_m| + |d_m+1|, or next to the
       norm of the whole tridiagonal matrix (without the second test, clusters of eigenvalues near 0,
       e.g. the covariance of neurons that never move, need not converge). */
    tnorm = 0.0;
    for (k = 0; k < N; k++) {
        double t = rnnts__abs_d(w[k]) + rnnts__abs_d(e[k]);
        if (t > tnorm) tnorm = t;
    }
    for (size_t l = 0; l < N; l++) {
        int iter = 0;
        for (;;) {
            size_t m;
            double g, r, s, c, p, f, b;
            int deflated = 0;
            for (m = l; m + 1 < N; m++) {
                double dd = rnnts__abs_d(w[m]) + rnnts__abs_d(w[m + 1]), em = rnnts__abs_d(e[m]);
                if (em <= 0x1p-53 * dd || em <= 0x1p-60 * tnorm || em <= 0x1p-1000) break;
            }
            if (m == l) break;
            if (++iter > 60) return rnnts__fail(err, RNNTS_ERR_STATE, "eig_sym: QL iteration did not converge (eigenvalue %zu)", l);
            g = (w[l + 1] - w[l]) / (2.0 * e[l]);
            r = rnnts__hypot_d(g, 1.0);
            g = w[m] - w[l] + e[l] / (g + (g >= 0.0 ? r : -r));
            s = 1.0; c = 1.0; p = 0.0;
            for (i = m; i-- > l;) {
                f = s * e[i];
                b = c * e[i];
                r = rnnts__hypot_d(f, g);
                e[i + 1] = r;
                if (r == 0.0) { w[i + 1] -= p; e[m] = 0.0; deflated = 1; break; }
                s = f / r;
                c = g / r;
                g = w[i + 1] - p;
                r = (w[i] - g) * s + 2.0 * c * b;
                p = s * r;
                w[i + 1] = g + p;
                g = c * r - b;
            }
            if (deflated) continue;
            w[l] -= p;
            e[l] = g;
            e[m] = 0.0;
        }
    }
    /* stable insertion sort, descending; undo the scale */
    for (i = 1; i < N; i++) {
        double v = w[i];
        j = i;
        while (j > 0 && w[j - 1] < v) { w[j] = w[j - 1]; j--; }
        w[j] = v;
    }
    for (i = 0; i < N; i++) w[i] *= unsc;
    return rnnts__ok(err);
}

/* ---- PCA ------------------------------------------------------------------------------------------ */
#define RNNTS__PCA_CHUNK 128
rnnts_result rnnts_pca(const float *X, int rows, int cols, double var_fraction, double *eigvals, int *n_components,
                       const rnnts_allocator *alloc, rnnts_error *err) {
    rnnts_allocator a = rnnts__alloc_or_default(alloc);
    size_t R, Cn, Cp, t0, i, j;
    double *mean, *C, *D, total = 0.0, target, cum = 0.0;
    rnnts_result rc;
    if (!X) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "pca: X is NULL");
    if (!eigvals) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "pca: eigvals is NULL");
    if (rows < 2) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "pca: rows = %d: allowed >= 2", rows);
    if (cols < 1 || cols > 65535) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "pca: cols = %d: allowed 1..65535", cols);
    if (!(var_fraction > 0.0 && var_fraction <= 1.0))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "pca: var_fraction = %g: allowed (0, 1]", var_fraction);
    R = (size_t)rows;
    Cn = (size_t)cols;
    Cp = (Cn + 7) / 8 * 8;
    mean = (double *)rnnts__amalloc(&a, Cn * sizeof(double));
    C = (double *)rnnts__amalloc(&a, Cp * Cp * sizeof(double));
    D = (double *)rnnts__amalloc(&a, (size_t)RNNTS__PCA_CHUNK * Cp * sizeof(double));
    if (!mean || !C || !D) {
        rnnts__afree(&a, mean); rnnts__afree(&a, C); rnnts__afree(&a, D);
        return rnnts__fail(err, RNNTS_ERR_OOM, "pca: out of memory (cols = %d)", cols);
    }
    /* means, increasing t */
    for (j = 0; j < Cn; j++) mean[j] = 0.0;
    for (t0 = 0; t0 < R; t0++) {
        const float *row = X + t0 * Cn;
        for (j = 0; j < Cn; j++) {
            if (!rnnts__isfinite(row[j])) {
                rnnts__afree(&a, mean); rnnts__afree(&a, C); rnnts__afree(&a, D);
                return rnnts__fail(err, RNNTS_ERR_NONFINITE, "pca: X[row %zu][col %zu] = %g is not finite", t0, j, (double)row[j]);
            }
            mean[j] += (double)row[j];
        }
    }
    for (j = 0; j < Cn; j++) mean[j] = mean[j] / (double)R;
    /* C = sum_t d_t d_t^T over chunks of rows (increasing t), tiles of 4 x 8 (lower triangle) */
    memset(C, 0, Cp * Cp * sizeof(double));
    for (t0 = 0; t0 < R; t0 += RNNTS__PCA_CHUNK) {
        size_t tc = R - t0 < RNNTS__PCA_CHUNK ? R - t0 : RNNTS__PCA_CHUNK, tt;
        for (tt = 0; tt < tc; tt++) {
            const float *row = X + (t0 + tt) * Cn;
            double *d = D + tt * Cp;
            for (j = 0; j < Cn; j++) d[j] = (double)row[j] - mean[j];
            for (; j < Cp; j++) d[j] = 0.0;
        }
        for (size_t ib = 0; ib < Cp; ib += 4)
            for (size_t jb = 0; jb < ib + 4; jb += 8) {
                double acc[4][8];
                int u, v;
                for (u = 0; u < 4; u++)
                    for (v = 0; v < 8; v++) acc[u][v] = C[(ib + (size_t)u) * Cp + jb + (size_t)v];
                for (tt = 0; tt < tc; tt++) {
                    const double *d = D + tt * Cp;
                    for (u = 0; u < 4; u++) {
                        double du = d[ib + (size_t)u];
                        for (v = 0; v < 8; v++) acc[u][v] += du * d[jb + (size_t)v];
                    }
                }
                for (u = 0; u < 4; u++)
                    for (v = 0; v < 8; v++) C[(ib + (size_t)u) * Cp + jb + (size_t)v] = acc[u][v];
            }
    }
    /* C_ij / (rows - 1) for j <= i, compacted to stride cols (rows move forward: memmove order) */
    for (i = 0; i < Cn; i++)
        for (j = 0; j <= i; j++) C[i * Cn + j] = C[i * Cp + j] / (double)(R - 1);
    rnnts__afree(&a, D);
    rnnts__afree(&a, mean);
    rc = rnnts_eig_sym(C, cols, eigvals, err);
    rnnts__afree(&a, C);
    if (rc != RNNTS_OK) return rc;
    for (j = 0; j < Cn; j++) total += eigvals[j];
    target = var_fraction * total;
    if (n_components) {
        int k = 0;
        if (total > 0.0)
            for (j = 0; j < Cn; j++) {
                cum += eigvals[j];
                if (cum >= target) { k = (int)j + 1; break; }
            }
        if (total > 0.0 && k == 0) k = cols;
        *n_components = k;
    }
    return rnnts__ok(err);
}

/* >>studies --------------------------------------------------------------------------------- */
/* Trained tau statistics over the stored tau (H values, or the one fixed value). Mean and SD in
   double, index order; SD is the population SD (numpy's default); median of the sorted values. */
static int rnnts__cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}
rnnts_result rnnts_tau_summary_of(const rnnts_rnn *net, rnnts_tau_summary *out, rnnts_error *err) {
    int n;
    float *v;
    double s = 0.0, q = 0.0;
    if (!net || !out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_summary: net and out must not be NULL");
    if (net->cfg.model != RNNTS_MODEL_RNN) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_summary: model = %s has no tau (leaky RNN only)", rnnts_model_name(net->cfg.model));
    n = net->cfg.train_tau ? net->H : 1;
    v = (float *)net->alloc.alloc((size_t)n * sizeof(float), net->alloc.user);
    if (!v) return rnnts__fail(err, RNNTS_ERR_OOM, "tau_summary: out of memory");
    memcpy(v, net->tau, (size_t)n * sizeof(float));
    qsort(v, (size_t)n, sizeof(float), rnnts__cmp_float);
    memset(out, 0, sizeof *out);
    out->n = n;
    for (int i = 0; i < n; i++) { s += (double)net->tau[i]; out->below_1 += net->tau[i] < 1.0f; }
    out->mean = s / n;
    for (int i = 0; i < n; i++) q += ((double)net->tau[i] - out->mean) * ((double)net->tau[i] - out->mean);
    out->sd = sqrt(q / n);
    out->min = v[0];
    out->max = v[n - 1];
    out->median = n % 2 ? (double)v[n / 2] : 0.5 * ((double)v[n / 2 - 1] + (double)v[n / 2]);
    net->alloc.free(v, net->alloc.user);
    return rnnts__ok(err);
}
rnnts_result rnnts_tau_histogram(const rnnts_rnn *net, double lo, double hi, int n_bins, int *counts, int *under,
                                 int *over, rnnts_error *err) {
    int n;
    if (!net || !counts) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_histogram: net and counts must not be NULL");
    if (net->cfg.model != RNNTS_MODEL_RNN) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_histogram: model = %s has no tau (leaky RNN only)", rnnts_model_name(net->cfg.model));
    if (n_bins < 1 || n_bins > 1000000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_histogram: n_bins = %d: allowed 1..1000000", n_bins);
    if (!(lo < hi) || !rnnts__isfinite((float)lo) || !rnnts__isfinite((float)hi))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "tau_histogram: need finite lo < hi (got %g, %g)", lo, hi);
    memset(counts, 0, (size_t)n_bins * sizeof(int));
    if (under) *under = 0;
    if (over) *over = 0;
    n = net->cfg.train_tau ? net->H : 1;
    for (int i = 0; i < n; i++) {
        double t = net->tau[i];
        if (t < lo) { if (under) (*under)++; }
        else if (t >= hi) { if (over) (*over)++; }
        else {
            int k = (int)((t - lo) / (hi - lo) * n_bins);
            counts[k < n_bins ? k : n_bins - 1]++;
        }
    }
    return rnnts__ok(err);
}

rnnts_result rnnts_rnn_clone(const rnnts_rnn *net, rnnts_rnn **out, rnnts_error *err) {
    rnnts_result r;
    if (!net || !out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "clone: net and out must not be NULL");
    r = rnnts_rnn_create_zero(&net->cfg, &net->alloc, out, err);
    if (r != RNNTS_OK) return r;
    memcpy((*out)->param, net->param, net->n_param * sizeof(float));
    (*out)->meta = net->meta;
    if (net->n_meta_extra) {
        rnnts_rnn *c = *out;
        c->meta_extra = (char *)c->alloc.alloc(net->meta_extra_len, c->alloc.user);
        if (!c->meta_extra) { rnnts_rnn_destroy(c); *out = NULL; return rnnts__fail(err, RNNTS_ERR_OOM, "clone: out of memory"); }
        memcpy(c->meta_extra, net->meta_extra, net->meta_extra_len);
        c->meta_extra_len = net->meta_extra_len;
        c->n_meta_extra = net->n_meta_extra;
    }
    return rnnts__ok(err);
}
rnnts_result rnnts_rnn_ablate(rnnts_rnn *net, int i, rnnts_error *err) {
    return rnnts_rnn_ablate_head(net, i, RNNTS_ABLATE_ALL_HEADS, err);
}
rnnts_result rnnts_rnn_ablate_head(rnnts_rnn *net, int i, int head, rnnts_error *err) {
    size_t H;
    if (!net) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "ablate: net is NULL");
    if (i < 0 || i >= net->H) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "ablate: neuron %d: allowed 0..%d", i, net->H - 1);
    if (head != RNNTS_ABLATE_ALL_HEADS && (head < 0 || head >= net->K))
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "ablate: head %d: allowed 0..%d or RNNTS_ABLATE_ALL_HEADS (-1)", head, net->K - 1);
    H = (size_t)net->H;
    for (size_t g = 0, G = (size_t)rnnts__gates(net->cfg.model); g < G; g++) { /* G = 1: the leaky RNN's W and w_in */
        size_t row = g * H + (size_t)i;
        for (size_t j = 0; j < H; j++) net->w[row * H + j] = 0.0f;
        for (size_t p = 0; p < G * H; p++) net->w[p * H + (size_t)i] = 0.0f;
        net->w_in[row] = 0.0f;
    }
    for (int k = head < 0 ? 0 : head; k < (head < 0 ? net->K : head + 1); k++) {
        float *v = net->head + (size_t)k * (2 * H + 2);
        v[i] = 0.0f;
        v[H + (size_t)i] = 0.0f;
    }
    return rnnts__ok(err);
}
rnnts_result rnnts_rnn_perturb_w(rnnts_rnn *net, double eps, uint64_t seed, uint64_t draw, rnnts_error *err) {
    size_t H, HH;
    double wn = 0.0, dn = 0.0, scale;
    uint64_t key;
    if (!net) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "perturb_w: net is NULL");
    if (!(eps >= 0.0) || eps > 1e6) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "perturb_w: eps = %g: allowed 0..1e6", eps);
    H = (size_t)net->H; HH = (size_t)rnnts__gates(net->cfg.model) * H * H; /* GRU/LSTM: W_hh of every gate */
    key = rnnts_rng_key(seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_PERTURB_W, draw);
    for (size_t e = 0; e < HH; e++) {
        double d = rnnts_rng_normal(key, e);
        wn += (double)net->w[e] * (double)net->w[e];
        dn += d * d;
    }
    if (eps == 0.0 || dn == 0.0) return rnnts__ok(err);
    scale = eps * sqrt(wn) / sqrt(dn);
    for (size_t e = 0; e < HH; e++) net->w[e] = (float)((double)net->w[e] + scale * (double)rnnts_rng_normal(key, e));
    rnnts_rnn_zero_diag(net);
    return rnnts__ok(err);
}
rnnts_result rnnts_rnn_perturb_tau(rnnts_rnn *net, double eps, uint64_t seed, uint64_t draw, rnnts_error *err) {
    double tn = 0.0, dn = 0.0, scale;
    uint64_t key;
    int H;
    if (!net) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "perturb_tau: net is NULL");
    if (net->cfg.model != RNNTS_MODEL_RNN) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "perturb_tau: model = %s has no tau (leaky RNN only)", rnnts_model_name(net->cfg.model));
    if (!net->cfg.train_tau) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "perturb_tau: the network has a fixed tau");
    if (!(eps >= 0.0) || eps > 1e6) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "perturb_tau: eps = %g: allowed 0..1e6", eps);
    H = net->H;
    key = rnnts_rng_key(seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_PERTURB_TAU, draw);
    for (int i = 0; i < H; i++) {
        double d = fabs((double)rnnts_rng_normal(key, (uint64_t)i));
        tn += (double)net->tau[i] * (double)net->tau[i];
        dn += d * d;
    }
    if (eps == 0.0 || dn == 0.0) return rnnts__ok(err);
    scale = eps * sqrt(tn) / sqrt(dn);
    for (int i = 0; i < H; i++)
        net->tau[i] = (float)((double)net->tau[i] + scale * fabs((double)rnnts_rng_normal(key, (uint64_t)i)));
    return rnnts__ok(err);
}
rnnts_result rnnts_rnn_set_k_continuous(rnnts_rnn *net, int k, rnnts_error *err) {
    if (!net) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "set_k_continuous: net is NULL");
    if (net->cfg.k_continuous < 1) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "set_k_continuous: the network is discrete-time (k_continuous = 0)");
    if (k < 1 || k > 10000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "set_k_continuous: k = %d: allowed 1..10000", k);
    net->cfg.k_continuous = k;
    return rnnts__ok(err);
}

rnnts_retrain_config rnnts_retrain_config_default(void) {
    rnnts_retrain_config c;
    c.train = rnnts_train_config_default();
    c.epochs = 20;
    return c;
}
rnnts_result rnnts_retrain(const rnnts_rnn *net, const rnnts_retrain_config *cfg, const int *ns, int n_ns, rnnts_pool *pool,
                           float *acc_out, void (*on_epoch)(void *user, int i, const rnnts_epoch_report *rep), void *user,
                           rnnts_error *err) {
    rnnts_result r = RNNTS_OK;
    if (!net || !cfg || !ns || !acc_out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "retrain: NULL argument");
    if (n_ns < 1 || n_ns > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "retrain: %d Ns: allowed 1..100000", n_ns);
    if (cfg->epochs < 1 || cfg->epochs > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "retrain: epochs = %d: allowed 1..100000", cfg->epochs);
    for (int i = 0; i < n_ns; i++) {
        rnnts_train_config tc = cfg->train;
        tc.curriculum = RNNTS_CURR_NONE;
        tc.n_fixed = ns[i];
        tc.max_epochs = cfg->epochs;
        tc.target_n = 0;
        tc.threshold = 100.0f; /* accuracy is never > 100: no early stop, exactly `epochs` epochs */
        if ((r = rnnts_train_config_check(&tc, net, err)) != RNNTS_OK) return r;
    }
    for (int i = 0; i < n_ns && r == RNNTS_OK; i++) {
        rnnts_train_config tc = cfg->train;
        rnnts_rnn *copy = NULL;
        rnnts_trainer *tr = NULL;
        tc.curriculum = RNNTS_CURR_NONE;
        tc.n_fixed = ns[i];
        tc.max_epochs = cfg->epochs;
        tc.target_n = 0;
        tc.time_limit_s = 0.0;
        tc.threshold = 100.0f;
        if ((r = rnnts_rnn_clone(net, &copy, err)) == RNNTS_OK &&
            (r = rnnts_trainer_create(&tc, copy, pool, &net->alloc, &tr, err)) == RNNTS_OK) {
            for (int e = 0; e < cfg->epochs && r == RNNTS_OK; e++) {
                rnnts_epoch_report rep;
                if ((r = rnnts_trainer_epoch(tr, &rep, err)) != RNNTS_OK) break;
                acc_out[(size_t)i * (size_t)cfg->epochs + (size_t)e] = rep.acc[0];
                if (on_epoch) on_epoch(user, i, &rep);
            }
        }
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(copy);
    }
    return r == RNNTS_OK ? rnnts__ok(err) : r;
}

/* Runs net over bt like rnnts_rnn_stream but without read-outs, calling sink after every input
   step m with the state h_{m+1} (blocked layout, H x Bp). */
typedef void (*rnnts__state_sink)(void *user, int m, const float *h, int H, int Bp);
static rnnts_result rnnts__simulate(rnnts_rnn_ws *ws, const rnnts_rnn *net, const rnnts_batch *bt, rnnts_pool *pool,
                                    rnnts__state_sink sink, void *user, rnnts_error *err) {
    rnnts_result r = rnnts__prepare(ws, net, bt, 1, pool, err);
    size_t HB;
    if (r != RNNTS_OK) return r;
    HB = (size_t)ws->H * ws->Bp;
    rnnts__init_state(ws);
    for (int t = 0; t < ws->L; t++) {
        float *hi = ws->hist + (size_t)(t & 1) * HB, *ho = ws->hist + (size_t)((t + 1) & 1) * HB;
        rnnts__load_input(ws, bt, t, ws->S);
        rnnts__step(ws, net, pool, hi, ws->S, ho, ws->ubuf);
        if ((t + 1) % ws->kc == 0) sink(user, t / ws->kc, ho, ws->H, ws->Bp);
    }
    return RNNTS_OK;
}

rnnts_taunet_config rnnts_taunet_config_default(void) {
    rnnts_taunet_config c;
    memset(&c, 0, sizeof c);
    c.steps = 100000 + 1000;
    c.burn = 500;
    c.trials = 10;
    c.fit_lag = 30;
    c.pop_lags = 200;
    c.seed = 0;
    c.max_bytes = (size_t)1 << 30;
    c.fit = RNNTS_FIT_REFERENCE;
    return c;
}
void rnnts_taunet_result_free(rnnts_taunet_result *r) {
    if (!r || !r->alloc.free) return;
    rnnts__afree(&r->alloc, r->tau_net);
    rnnts__afree(&r->alloc, r->selected);
    rnnts__afree(&r->alloc, r->tau_net_alt);
    rnnts__afree(&r->alloc, r->selected_alt);
    rnnts__afree(&r->alloc, r->fit);
    rnnts__afree(&r->alloc, r->ac);
    rnnts__afree(&r->alloc, r->pop_ac);
    memset(r, 0, sizeof *r);
}

/* Simulation state of one tau_net pass: keeps neurons [j0, j1) as act[(j - j0)][trial][t - burn]
   and (first pass) the population activity pop[trial][t - burn] (sum over i ascending, float).
   Values go through a staging block of 16 steps per series (one cache line each), so that the
   series, n floats apart, are written a line at a time rather than a float at a time. */
typedef struct rnnts__tn_sim {
    int j0, j1, trials, burn, n, want_pop;
    float *act, *pop;
    float *stage; /* [(j1 - j0) * trials][16] */
} rnnts__tn_sim;
static void rnnts__tn_sink(void *user, int t, const float *h, int H, int Bp) {
    rnnts__tn_sim *s = (rnnts__tn_sim *)user;
    int tt, q, ns;
    (void)Bp;
    if (t < s->burn) return;
    tt = t - s->burn;
    q = tt & 15;
    ns = (s->j1 - s->j0) * s->trials;
    for (int j = s->j0; j < s->j1; j++)
        for (int r = 0; r < s->trials; r++) s->stage[((size_t)(j - s->j0) * s->trials + r) * 16 + q] = h[RNNTS__BLK(H, j, r)];
    if (s->want_pop)
        for (int r = 0; r < s->trials; r++) {
            float sum = 0.0f;
            for (int i = 0; i < H; i++) sum += h[RNNTS__BLK(H, i, r)];
            s->pop[(size_t)r * s->n + tt] = sum;
        }
    if (q == 15 || tt == s->n - 1)
        for (int k = 0; k < ns; k++) memcpy(s->act + (size_t)k * s->n + (tt - q), s->stage + (size_t)k * 16, (size_t)(q + 1) * sizeof(float));
}
/* Input bits of the tau_net simulation: trial r, step t: 1 when u(seed, TAUNET_BITS, r; t) < p_r. */
static void rnnts__tn_bits(const rnnts_taunet_config *c, int t0, int len, float *input) {
    uint64_t kp = rnnts_rng_key(c->seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_TAUNET_P, 0);
    if (c->inputs) { /* given inputs: the same layout, [t][r] */
        memcpy(input, c->inputs + (size_t)t0 * c->trials, (size_t)len * c->trials * sizeof(float));
        return;
    }
    for (int r = 0; r < c->trials; r++) {
        float p = rnnts_rng_uniform(kp, (uint64_t)r);
        uint64_t kb = rnnts_rng_key(c->seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_TAUNET_BITS, (uint64_t)r);
        for (int t = 0; t < len; t++) input[(size_t)t * c->trials + r] = rnnts_rng_uniform(kb, (uint64_t)(t0 + t)) < p ? 1.0f : 0.0f;
    }
}
rnnts_result rnnts_taunet_inputs(const rnnts_taunet_config *cfg, int t0, int len, float *input, float *p, rnnts_error *err) {
    if (!cfg || !input) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet_inputs: cfg and input must not be NULL");
    if (cfg->trials < 1 || cfg->trials > 4096) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet_inputs: trials = %d: allowed 1..4096", cfg->trials);
    if (t0 < 0 || len < 0 || len > 100000000 - t0) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet_inputs: t0 = %d, len = %d: need 0 <= t0, 0 <= len, t0 + len <= 10^8", t0, len);
    if (cfg->inputs && t0 + len > cfg->steps)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet_inputs: t0 + len = %d exceeds the %d steps of the given inputs", t0 + len, cfg->steps);
    rnnts__tn_bits(cfg, t0, len, input);
    if (p && cfg->inputs)
        for (int r = 0; r < cfg->trials; r++) p[r] = NAN; /* given inputs: no probability of rnnts's */
    else if (p) {
        uint64_t kp = rnnts_rng_key(cfg->seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_TAUNET_P, 0);
        for (int r = 0; r < cfg->trials; r++) p[r] = rnnts_rng_uniform(kp, (uint64_t)r);
    }
    return rnnts__ok(err);
}
/* The driven simulation of tau_net and dimensionality: c->steps input steps in chunks of
   RNNTS__TN_CHUNK (each chunk's h0 = the previous chunk's final state, kept in `last` [trials][H],
   and an LSTM's c0 = its final cell state, kept in last + trials*H, which gives the same bits as
   one long run); sink(user, t, h_{t+1}) with the global step t.
   input: [RNNTS__TN_CHUNK][trials] scratch; last: 2 trials H floats; ws made for (trials, RNNTS__TN_CHUNK). */
#define RNNTS__TN_CHUNK 1000
typedef struct { rnnts__state_sink sink; void *user; int base, len, trials; float *last; const rnnts_rnn_ws *ws; } rnnts__tn_chunk;
static void rnnts__tn_chunk_sink(void *vc, int m, const float *h, int H, int Bp) {
    rnnts__tn_chunk *c = (rnnts__tn_chunk *)vc;
    if (m == c->len - 1) {
        const float *cs = c->ws->model == RNNTS_MODEL_LSTM ? c->ws->chist + (h - c->ws->hist) : NULL; /* the cell state at h's slot */
        for (int r = 0; r < c->trials; r++)
            for (int i = 0; i < H; i++) {
                c->last[(size_t)r * H + i] = h[RNNTS__BLK(H, i, r)];
                if (cs) c->last[(size_t)(c->trials + r) * H + i] = cs[RNNTS__BLK(H, i, r)];
            }
    }
    c->sink(c->user, c->base + m, h, H, Bp);
}
static rnnts_result rnnts__tn_simulate(const rnnts_rnn *net, const rnnts_taunet_config *c, rnnts_rnn_ws *ws, rnnts_pool *pool,
                                       float *input, float *last, rnnts__state_sink sink, void *user, rnnts_error *err) {
    rnnts_batch bt;
    rnnts__tn_chunk ch;
    ch.sink = sink; ch.user = user; ch.trials = c->trials; ch.last = last; ch.ws = ws;
    memset(&bt, 0, sizeof bt);
    bt.batch = c->trials;
    bt.input = input;
    bt.h0_seed = c->seed;
    bt.h0_draw = RNNTS_TAUNET_H0_DRAW;
    for (int t0 = 0; t0 < c->steps; t0 += RNNTS__TN_CHUNK) {
        rnnts_result r;
        bt.len = RNNTS__MIN(RNNTS__TN_CHUNK, c->steps - t0);
        rnnts__tn_bits(c, t0, bt.len, input);
        bt.h0 = t0 == 0 ? NULL : last;
        ws->c0 = t0 == 0 || ws->model != RNNTS_MODEL_LSTM ? NULL : last + (size_t)c->trials * (size_t)net->H;
        ch.base = t0;
        ch.len = bt.len;
        r = rnnts__simulate(ws, net, &bt, pool, rnnts__tn_chunk_sink, &ch, err);
        ws->c0 = NULL;
        if (r != RNNTS_OK) return r;
    }
    return RNNTS_OK;
}
/* Autocorrelations of series groups on the pool: task g handles series [8g, 8g+8). */
typedef struct { const float *x; size_t n; int n_series, max_lag; float *ac; const rnnts_allocator *a; rnnts_result r; } rnnts__ac_job;
static void rnnts__task_ac(void *vc, int g0, int g1) {
    rnnts__ac_job *j = (rnnts__ac_job *)vc;
    int s0 = 8 * g0, s1 = RNNTS__MIN(8 * g1, j->n_series);
    rnnts_result r = rnnts_autocorr(j->x + (size_t)s0 * j->n, j->n, s1 - s0, j->max_lag, j->ac + (size_t)s0 * j->max_lag, j->a, NULL);
    if (r != RNNTS_OK) RNNTS__AT_STORE_RLX(&j->r, r); /* a failing task's code (all failures are OOM alike) */
}

/* Fits neuron j's AC (lags 0..fit_lag of AC/AC[0]) by method m; tau NaN and sel 0 where nothing
   fits or the neuron is constant (AC[0] = 0: no timescale). */
static void rnnts__tn_fit_neuron(const float *acj, int fit_lag, rnnts_fit_method m, rnnts_expfit *fit, float *tau, rnnts_fit_model *sel) {
    double y[RNNTS_FIT_REF_MAX_N > 1024 ? RNNTS_FIT_REF_MAX_N : 1024];
    int ok = acj[0] > 0.0f && rnnts__isfinite(acj[0]) && fit_lag + 1 <= (m == RNNTS_FIT_REFERENCE ? RNNTS_FIT_REF_MAX_N : 1024);
    memset(fit, 0, sizeof *fit);
    *tau = NAN;
    *sel = RNNTS_FIT_NONE;
    for (int k = 0; ok && k <= fit_lag; k++) { y[k] = (double)acj[k] / (double)acj[0]; ok &= rnnts__isfinite((float)y[k]); }
    if (ok && rnnts_fit_ac_method(y, fit_lag + 1, m, fit, NULL) == RNNTS_OK) {
        *sel = fit->selected;
        *tau = fit->selected != RNNTS_FIT_NONE ? (float)fit->tau_net : NAN;
    }
}
/* Count, mean and median of tau over the neurons with tau > 1 (mean in index order, median of the
   sorted floats); the number of neurons with the double exponential selected. OK or OOM. */
static rnnts_result rnnts__tn_aggregate(const float *tau, const rnnts_fit_model *sel, int H, const rnnts_allocator *a, int *n_above, int *n_double,
                                        double *mean, double *median) {
    double sum = 0.0;
    int m = 0, nd = 0;
    float *v;
    for (int j = 0; j < H; j++) {
        if (tau[j] > 1.0f) { sum += tau[j]; m++; }
        nd += sel[j] == RNNTS_FIT_DOUBLE;
    }
    *n_above = m;
    *n_double = nd;
    *mean = m ? sum / m : NAN;
    *median = NAN;
    if (!m) return RNNTS_OK;
    if (!(v = (float *)rnnts__amalloc(a, (size_t)m * sizeof(float)))) return RNNTS_ERR_OOM;
    m = 0;
    for (int j = 0; j < H; j++)
        if (tau[j] > 1.0f) v[m++] = tau[j];
    qsort(v, (size_t)m, sizeof(float), rnnts__cmp_float);
    *median = m % 2 ? (double)v[m / 2] : 0.5 * ((double)v[m / 2 - 1] + (double)v[m / 2]);
    rnnts__afree(a, v);
    return RNNTS_OK;
}

rnnts_result rnnts_taunet(const rnnts_rnn *net, const rnnts_taunet_config *cfg, rnnts_pool *pool, rnnts_taunet_result *out,
                          rnnts_error *err) {
    rnnts_taunet_config c;
    rnnts_allocator a;
    rnnts_rnn_ws *ws = NULL;
    rnnts__tn_sim s;
    float *input = NULL, *acs = NULL, *tmp = NULL, *last = NULL;
    rnnts_result r = RNNTS_OK;
    int H, n, per_pass;
    if (!net || !out) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet: net and out must not be NULL");
    memset(out, 0, sizeof *out);
    c = cfg ? *cfg : rnnts_taunet_config_default();
    if (c.trials < 1 || c.trials > 4096) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet: trials = %d: allowed 1..4096", c.trials);
    if (c.burn < 0 || c.steps < 1 || c.steps > 100000000 || c.burn >= c.steps)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet: steps = %d, burn = %d: need 0 <= burn < steps <= 10^8", c.steps, c.burn);
    n = c.steps - c.burn;
    if (c.fit_lag < 2 || c.fit_lag > n - 2) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet: fit_lag = %d: allowed 2..%d (steps - burn - 2)", c.fit_lag, n - 2);
    if (c.inputs)
        for (size_t i = 0; i < (size_t)c.steps * (size_t)c.trials; i++)
            if (!rnnts__isfinite(c.inputs[i]))
                return rnnts__fail(err, RNNTS_ERR_NONFINITE, "taunet: inputs[%zu] (step %zu, trial %zu) is not finite", i, i / (size_t)c.trials,
                                   i % (size_t)c.trials);
    if (c.fit != RNNTS_FIT_REFERENCE && c.fit != RNNTS_FIT_BEST)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet: fit = %d: allowed RNNTS_FIT_REFERENCE (0), RNNTS_FIT_BEST (1)", (int)c.fit);
    if (c.fit_lag > RNNTS_FIT_REF_MAX_N - 1) /* both methods run (the other one for the *_alt fields) */
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet: fit_lag = %d: allowed up to %d (the reference fit's limit)", c.fit_lag, RNNTS_FIT_REF_MAX_N - 1);
    if (c.pop_lags < c.fit_lag + 1 || c.pop_lags > n - 1)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "taunet: pop_lags = %d: allowed %d..%d", c.pop_lags, c.fit_lag + 1, n - 1);
    H = net->H;
    a = net->alloc;
    {
        size_t per_neuron = (size_t)c.trials * (size_t)n * sizeof(float);
        size_t k = c.max_bytes / per_neuron;
        per_pass = k < 1 ? 1 : k > (size_t)H ? H : (int)k;
    }
    memset(&s, 0, sizeof s);
    s.trials = c.trials; s.burn = c.burn; s.n = n;
    out->H = H; out->pop_lags = c.pop_lags; out->fit_lag = c.fit_lag; out->alloc = a;
    out->tau_net = (float *)rnnts__amalloc(&a, (size_t)H * sizeof(float));
    out->selected = (rnnts_fit_model *)rnnts__amalloc(&a, (size_t)H * sizeof(rnnts_fit_model));
    out->tau_net_alt = (float *)rnnts__amalloc(&a, (size_t)H * sizeof(float));
    out->selected_alt = (rnnts_fit_model *)rnnts__amalloc(&a, (size_t)H * sizeof(rnnts_fit_model));
    out->fit = (rnnts_expfit *)rnnts__amalloc(&a, (size_t)H * sizeof(rnnts_expfit));
    out->ac = (float *)rnnts__amalloc(&a, (size_t)H * c.pop_lags * sizeof(float));
    out->pop_ac = (float *)rnnts__amalloc(&a, (size_t)c.pop_lags * sizeof(float));
    input = (float *)rnnts__amalloc(&a, (size_t)RNNTS__TN_CHUNK * c.trials * sizeof(float));
    last = (float *)rnnts__amalloc(&a, (size_t)2 * c.trials * H * sizeof(float));
    s.pop = (float *)rnnts__amalloc(&a, (size_t)c.trials * n * sizeof(float));
    s.act = (float *)rnnts__amalloc(&a, (size_t)per_pass * c.trials * n * sizeof(float));
    acs = (float *)rnnts__amalloc(&a, (size_t)per_pass * c.trials * c.pop_lags * sizeof(float));
    s.stage = (float *)rnnts__amalloc(&a, (size_t)per_pass * c.trials * 16 * sizeof(float));
    tmp = (float *)rnnts__amalloc(&a, (size_t)c.trials * c.pop_lags * sizeof(float));
    if (!out->tau_net || !out->selected || !out->tau_net_alt || !out->selected_alt || !out->fit || !out->ac || !out->pop_ac || !input || !last || !s.pop || !s.act || !acs || !tmp || !s.stage) {
        r = rnnts__fail(err, RNNTS_ERR_OOM, "taunet: out of memory (%d trials x %d steps, %d neurons per pass)", c.trials, n, per_pass);
        goto done;
    }
    if ((r = rnnts_rnn_ws_create(net, c.trials, RNNTS__TN_CHUNK, &a, &ws, err)) != RNNTS_OK) goto done;
    for (int j0 = 0; j0 < H; j0 += per_pass) {
        rnnts__ac_job job;
        int j1 = RNNTS__MIN(H, j0 + per_pass), ns = (j1 - j0) * c.trials;
        s.j0 = j0; s.j1 = j1; s.want_pop = j0 == 0;
        if ((r = rnnts__tn_simulate(net, &c, ws, pool, input, last, rnnts__tn_sink, &s, err)) != RNNTS_OK) goto done;
        out->passes++;
        if (j0 == 0) { /* population: per-trial AC, then the trial mean (trial order, float) */
            job.x = s.pop; job.n = (size_t)n; job.n_series = c.trials; job.max_lag = c.pop_lags; job.ac = tmp; job.a = &a; job.r = RNNTS_OK;
            rnnts__pool_run(pool, (c.trials + 7) / 8, rnnts__task_ac, &job, 1e12);
            if ((r = job.r) != RNNTS_OK) { r = rnnts__fail(err, r, "taunet: population autocorrelation failed"); goto done; }
            for (int k = 0; k < c.pop_lags; k++) {
                float sum = 0.0f;
                for (int q = 0; q < c.trials; q++) sum += tmp[(size_t)q * c.pop_lags + k];
                out->pop_ac[k] = sum / (float)c.trials;
            }
        }
        job.x = s.act; job.n = (size_t)n; job.n_series = ns; job.max_lag = c.pop_lags; job.ac = acs; job.a = &a; job.r = RNNTS_OK;
        rnnts__pool_run(pool, (ns + 7) / 8, rnnts__task_ac, &job, 1e12);
        if ((r = job.r) != RNNTS_OK) { r = rnnts__fail(err, r, "taunet: autocorrelation failed (neurons %d..%d)", j0, j1 - 1); goto done; }
        for (int j = j0; j < j1; j++) {
            rnnts_expfit alt;
            float *acj = out->ac + (size_t)j * c.pop_lags;
            for (int k = 0; k < c.pop_lags; k++) {
                float sum = 0.0f;
                for (int q = 0; q < c.trials; q++) sum += acs[((size_t)(j - j0) * c.trials + q) * c.pop_lags + k];
                acj[k] = sum / (float)c.trials;
            }
            rnnts__tn_fit_neuron(acj, c.fit_lag, c.fit, &out->fit[j], &out->tau_net[j], &out->selected[j]);
            rnnts__tn_fit_neuron(acj, c.fit_lag, c.fit == RNNTS_FIT_BEST ? RNNTS_FIT_REFERENCE : RNNTS_FIT_BEST, &alt, &out->tau_net_alt[j],
                                 &out->selected_alt[j]);
        }
    }
    if ((r = rnnts__tn_aggregate(out->tau_net, out->selected, H, &a, &out->n_above_1, &out->n_double, &out->mean_above_1,
                                 &out->median_above_1)) != RNNTS_OK ||
        (r = rnnts__tn_aggregate(out->tau_net_alt, out->selected_alt, H, &a, &out->n_above_1_alt, &out->n_double_alt,
                                 &out->mean_above_1_alt, &out->median_above_1_alt)) != RNNTS_OK) {
        r = rnnts__fail(err, r, "taunet: out of memory");
        goto done;
    }
done:
    rnnts_rnn_ws_destroy(ws);
    rnnts__afree(&a, input); rnnts__afree(&a, last); rnnts__afree(&a, s.pop); rnnts__afree(&a, s.act);
    rnnts__afree(&a, acs); rnnts__afree(&a, tmp); rnnts__afree(&a, s.stage);
    if (r != RNNTS_OK) { rnnts_taunet_result_free(out); return r; }
    return rnnts__ok(err);
}

/* ---- dimensionality ---- */
typedef struct { float *X; int burn, n, trials; } rnnts__pca_sim;
static void rnnts__pca_sink(void *user, int t, const float *h, int H, int Bp) {
    rnnts__pca_sim *s = (rnnts__pca_sim *)user;
    (void)Bp;
    if (t < s->burn) return;
    for (int r = 0; r < s->trials; r++)
        for (int i = 0; i < H; i++) s->X[((size_t)r * s->n + (size_t)(t - s->burn)) * H + i] = h[RNNTS__BLK(H, i, r)];
}
rnnts_dim_config rnnts_dim_config_default(void) {
    rnnts_dim_config c;
    c.steps = 10000; c.burn = 500; c.trials = 10; c.var_fraction = 0.9; c.seed = 0;
    return c;
}
rnnts_result rnnts_dimensionality(const rnnts_rnn *net, const rnnts_dim_config *cfg, rnnts_pool *pool, int *n_components, double *eigvals,
                                  rnnts_error *err) {
    rnnts_taunet_config c = rnnts_taunet_config_default();
    int steps, burn, trials;
    double var_fraction;
    uint64_t seed;
    rnnts_allocator a;
    rnnts_rnn_ws *ws = NULL;
    rnnts__pca_sim s;
    float *input = NULL, *last = NULL;
    double *ev = NULL;
    rnnts_result r = RNNTS_OK;
    int H, n;
    if (!net || !cfg || !n_components) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "dimensionality: net, cfg and n_components must not be NULL");
    steps = cfg->steps; burn = cfg->burn; trials = cfg->trials; var_fraction = cfg->var_fraction; seed = cfg->seed;
    if (trials < 1 || trials > 4096) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "dimensionality: trials = %d: allowed 1..4096", trials);
    if (burn < 0 || steps < 3 || steps > 100000000 || burn > steps - 2)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "dimensionality: steps = %d, burn = %d: need 0 <= burn <= steps - 2", steps, burn);
    if (!(var_fraction > 0.0 && var_fraction <= 1.0)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "dimensionality: var_fraction = %g: allowed (0, 1]", var_fraction);
    H = net->H; a = net->alloc; n = steps - burn;
    c.steps = steps; c.burn = burn; c.trials = trials; c.seed = seed;
    memset(&s, 0, sizeof s);
    s.burn = burn; s.n = n; s.trials = trials;
    if ((size_t)trials * (size_t)n > SIZE_MAX / sizeof(float) / (size_t)H) return rnnts__fail(err, RNNTS_ERR_OOM, "dimensionality: size overflows");
    s.X = (float *)rnnts__amalloc(&a, (size_t)trials * n * H * sizeof(float));
    last = (float *)rnnts__amalloc(&a, (size_t)2 * trials * H * sizeof(float));
    input = (float *)rnnts__amalloc(&a, (size_t)RNNTS__TN_CHUNK * trials * sizeof(float));
    ev = (double *)rnnts__amalloc(&a, (size_t)H * sizeof(double));
    if (!s.X || !last || !input || !ev) { r = rnnts__fail(err, RNNTS_ERR_OOM, "dimensionality: out of memory (%d trials x %d steps x %d neurons)", trials, n, H); goto done; }
    if ((r = rnnts_rnn_ws_create(net, trials, RNNTS__TN_CHUNK, &a, &ws, err)) != RNNTS_OK) goto done;
    if ((r = rnnts__tn_simulate(net, &c, ws, pool, input, last, rnnts__pca_sink, &s, err)) != RNNTS_OK) goto done;
    for (int q = 0; q < trials; q++) {
        if ((r = rnnts_pca(s.X + (size_t)q * n * H, n, H, var_fraction, eigvals ? eigvals + (size_t)q * H : ev, &n_components[q], &a, err)) != RNNTS_OK) goto done;
    }
done:
    rnnts_rnn_ws_destroy(ws);
    rnnts__afree(&a, s.X); rnnts__afree(&a, last); rnnts__afree(&a, input); rnnts__afree(&a, ev);
    return r == RNNTS_OK ? rnnts__ok(err) : r;
}

/* ---- stream accuracy ---- */
rnnts_stream_config rnnts_stream_config_default(void) {
    rnnts_stream_config c;
    memset(&c, 0, sizeof c);
    c.len = 1000;
    c.warmup = 100;
    c.trials = 10;
    c.p = 0.5f;
    return c;
}
rnnts_result rnnts_stream_accuracy(const rnnts_rnn *net, rnnts_task task, int N, int head, const rnnts_stream_config *cfg,
                                   rnnts_pool *pool, float *acc, rnnts_error *err) {
    rnnts_stream_config c;
    rnnts_allocator a;
    rnnts_rnn_ws *ws = NULL;
    rnnts_batch bt;
    float *input = NULL, *out = NULL;
    rnnts_result r;
    int M, B, K;
    if (!net || !acc) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "stream_accuracy: net and acc must not be NULL");
    c = cfg ? *cfg : rnnts_stream_config_default();
    if (task != RNNTS_TASK_PARITY && task != RNNTS_TASK_DMS) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "stream_accuracy: unknown task %d", (int)task);
    if (N < 1 || N > 100000) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "stream_accuracy: N = %d: allowed 1..100000", N);
    if (head < 0 || head >= net->K) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "stream_accuracy: head = %d: allowed 0..%d", head, net->K - 1);
    if (c.len < 1 || c.len > 10000000 || c.warmup < N - 1 || c.warmup > 10000000)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "stream_accuracy: len = %d, warmup = %d: need len >= 1 and warmup >= N - 1 = %d", c.len, c.warmup, N - 1);
    if (c.trials < 1 || c.trials > 65536) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "stream_accuracy: trials = %d: allowed 1..65536", c.trials);
    if (!(c.p >= 0.0f && c.p <= 1.0f)) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "stream_accuracy: p = %g: allowed [0, 1]", (double)c.p);
    a = net->alloc;
    M = c.warmup + c.len; B = c.trials; K = net->K;
    input = (float *)rnnts__amalloc(&a, (size_t)M * B * sizeof(float));
    out = (float *)rnnts__amalloc(&a, (size_t)M * K * B * 2 * sizeof(float));
    if (!input || !out) { r = rnnts__fail(err, RNNTS_ERR_OOM, "stream_accuracy: out of memory (%d steps x %d trials x %d heads)", M, B, K); goto done; }
    for (int b = 0; b < B; b++) {
        uint64_t kb = rnnts_rng_key(c.seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_STREAM_BITS + ((uint64_t)b << 8), c.draw);
        for (int t = 0; t < M; t++) input[(size_t)t * B + b] = rnnts_rng_uniform(kb, (uint64_t)t) < c.p ? 1.0f : 0.0f;
    }
    memset(&bt, 0, sizeof bt);
    bt.batch = B; bt.len = M; bt.input = input; bt.h0_seed = c.seed; bt.h0_draw = c.draw;
    if ((r = rnnts_rnn_ws_create(net, B, M, &a, &ws, err)) != RNNTS_OK) goto done;
    if ((r = rnnts_rnn_stream(ws, net, &bt, pool, out, NULL, err)) != RNNTS_OK) goto done;
    for (int b = 0; b < B; b++) {
        int correct = 0;
        for (int t = c.warmup; t < M; t++) {
            const float *o = out + (((size_t)t * K + head) * B + b) * 2;
            int pred = o[0] < o[1], y;
            if (task == RNNTS_TASK_PARITY) {
                int s = 0;
                for (int q = t - N + 1; q <= t; q++) s += input[(size_t)q * B + b] != 0.0f;
                y = s & 1;
            } else {
                y = input[(size_t)t * B + b] == input[(size_t)(t - N + 1) * B + b];
            }
            correct += pred == y;
        }
        acc[b] = (float)correct / (float)c.len;
    }
    r = RNNTS_OK;
done:
    rnnts_rnn_ws_destroy(ws);
    rnnts__afree(&a, input);
    rnnts__afree(&a, out);
    return r == RNNTS_OK ? rnnts__ok(err) : r;
}

rnnts_gate_config rnnts_gate_config_default(void) {
    rnnts_gate_config c;
    c.steps = 1100; c.burn = 100; c.trials = 10; c.seed = 0;
    return c;
}
/* One step of every trial's GRU or LSTM cell from the recurrent pre-activations pre[r][P] (P = b_hh
   + W_hh h, the library's order): h, c updated; gate 1 of each unit added to fsum when count. */
static void rnnts__gate_cells(const rnnts_rnn *net, const float *pre, const float *x, int trials, float *h, float *c, double *fsum, int count) {
    const int H = net->H, lstm = net->cfg.model == RNNTS_MODEL_LSTM, P = (lstm ? 4 : 3) * H;
    const float *wi = net->w_in, *bi = net->b_in;
    for (int r = 0; r < trials; r++) {
        const float *pr = pre + (size_t)r * P, xr = x[r];
        float *hr = h + (size_t)r * H, *cr = c + (size_t)r * H;
        for (int i = 0; i < H; i++) {
            float g1;
            if (lstm) {
                float ig = rnnts_sigmoidf((wi[i] * xr + bi[i]) + pr[i]), g = rnnts_tanhf((wi[2 * H + i] * xr + bi[2 * H + i]) + pr[2 * H + i]);
                float o = rnnts_sigmoidf((wi[3 * H + i] * xr + bi[3 * H + i]) + pr[3 * H + i]);
                g1 = rnnts_sigmoidf((wi[H + i] * xr + bi[H + i]) + pr[H + i]);
                cr[i] = g1 * cr[i] + ig * g;
                hr[i] = o * rnnts_tanhf(cr[i]);
            } else {
                float rg = rnnts_sigmoidf((wi[i] * xr + bi[i]) + pr[i]), n;
                g1 = rnnts_sigmoidf((wi[H + i] * xr + bi[H + i]) + pr[H + i]);
                n = rnnts_tanhf((wi[2 * H + i] * xr + bi[2 * H + i]) + rg * pr[2 * H + i]);
                hr[i] = (1.0f - g1) * n + g1 * hr[i];
            }
            if (count) fsum[i] += (double)g1;
        }
    }
}
/* All trials advance together, so W_hh^T (wt, [H][P]) is read once per step: pre = b_hh, then
   pre[q] = fma(W_hh[q][j], h[j], pre[q]) for j ascending (a zero h[j] adds nothing: fma(w, 0, p) = p). */
static void rnnts__gate_sum(const rnnts_rnn *net, const rnnts_gate_config *cfg, const float *wt, float *x, float *h, float *c, float *pre,
                            const float *p, const uint64_t *kb, double *fsum) {
    const int H = net->H, P = (net->cfg.model == RNNTS_MODEL_LSTM ? 4 : 3) * H, trials = cfg->trials;
    for (int i = 0; i < H; i++) fsum[i] = 0.0;
    for (int t = 0; t < cfg->steps; t++) {
        for (int r = 0; r < trials; r++) {
            x[r] = rnnts_rng_uniform(kb[r], (uint64_t)t) < p[r] ? 1.0f : -1.0f;
            memcpy(pre + (size_t)r * P, net->b, (size_t)P * sizeof(float));
        }
        for (int j = 0; j < H; j++) {
            const float *wj = wt + (size_t)j * P;
            for (int r = 0; r < trials; r++) {
                float hj = h[(size_t)r * H + j], *pr = pre + (size_t)r * P;
                if (hj == 0.0f) continue;
                for (int q = 0; q < P; q++) pr[q] = RNNTS__FMAF(wj[q], hj, pr[q]);
            }
        }
        rnnts__gate_cells(net, pre, x, trials, h, c, fsum, t >= cfg->burn);
    }
}
rnnts_result rnnts_gate_timescales(const rnnts_rnn *net, const rnnts_gate_config *cfg, double *gbar, double *ts, rnnts_error *err) {
    int H, P, trials;
    float *wt, *x, *h, *c, *pre, *p;
    uint64_t *kb, kp;
    rnnts_allocator a;
    double cnt;
    if (!net || !cfg || !gbar || !ts) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "gate_timescales: NULL argument");
    if (net->cfg.model == RNNTS_MODEL_RNN) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "gate_timescales: model = rnn has no gates (GRU and LSTM only)");
    if (cfg->trials < 1 || cfg->trials > 4096) return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "gate_timescales: trials = %d: allowed 1..4096", cfg->trials);
    if (cfg->steps < 1 || cfg->steps > 100000000 || cfg->burn < 0 || cfg->burn >= cfg->steps)
        return rnnts__fail(err, RNNTS_ERR_INVALID_ARG, "gate_timescales: steps = %d, burn = %d: need 0 <= burn < steps", cfg->steps, cfg->burn);
    H = net->H; P = (net->cfg.model == RNNTS_MODEL_LSTM ? 4 : 3) * H; trials = cfg->trials; a = net->alloc;
    wt = (float *)rnnts__amalloc(&a, (size_t)H * P * sizeof(float));
    x = (float *)rnnts__amalloc(&a, (size_t)trials * sizeof(float));
    h = (float *)rnnts__amalloc(&a, (size_t)trials * H * sizeof(float));
    c = (float *)rnnts__amalloc(&a, (size_t)trials * H * sizeof(float));
    pre = (float *)rnnts__amalloc(&a, (size_t)trials * P * sizeof(float));
    p = (float *)rnnts__amalloc(&a, (size_t)trials * sizeof(float));
    kb = (uint64_t *)rnnts__amalloc(&a, (size_t)trials * sizeof(uint64_t));
    if (wt && x && h && c && pre && p && kb) {
        kp = rnnts_rng_key(cfg->seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_TAUNET_P, 0);
        memset(h, 0, (size_t)trials * H * sizeof(float));
        memset(c, 0, (size_t)trials * H * sizeof(float));
        for (int q = 0; q < P; q++)
            for (int j = 0; j < H; j++) wt[(size_t)j * P + q] = net->w[(size_t)q * H + j];
        for (int r = 0; r < trials; r++) {
            p[r] = rnnts_rng_uniform(kp, (uint64_t)r);
            kb[r] = rnnts_rng_key(cfg->seed, RNNTS_PURPOSE_ANALYSIS, RNNTS_ANALYSIS_TAUNET_BITS, (uint64_t)r);
        }
        rnnts__gate_sum(net, cfg, wt, x, h, c, pre, p, kb, gbar);
        cnt = (double)(cfg->steps - cfg->burn) * trials;
        for (int i = 0; i < H; i++) {
            gbar[i] /= cnt;
            ts[i] = gbar[i] < 1.0 ? 1.0 / (1.0 - gbar[i]) : (double)INFINITY;
        }
    }
    rnnts__afree(&a, wt); rnnts__afree(&a, x); rnnts__afree(&a, h); rnnts__afree(&a, c);
    rnnts__afree(&a, pre); rnnts__afree(&a, p); rnnts__afree(&a, kb);
    if (!(wt && x && h && c && pre && p && kb)) return rnnts__fail(err, RNNTS_ERR_OOM, "gate_timescales: out of memory");
    return rnnts__ok(err);
}

/* >>public ---------------------------------------------------------------------------------- */
/* Names: one {value, name} table per set, from the public X-macro lists. */
typedef struct { int v; const char *name; } rnnts__name;
#define RNNTS__NAME_ROW(e, str) {(int)(e), str},
#define RNNTS__NAME_BAR(e, str) "|" str
static const rnnts__name rnnts__names_task[] = {RNNTS_TASK_NAMES(RNNTS__NAME_ROW){-1, NULL}};
static const rnnts__name rnnts__names_curriculum[] = {RNNTS_CURRICULUM_NAMES(RNNTS__NAME_ROW){-1, NULL}};
static const rnnts__name rnnts__names_activation[] = {RNNTS_ACTIVATION_NAMES(RNNTS__NAME_ROW){-1, NULL}};
static const rnnts__name rnnts__names_variant[] = {RNNTS_VARIANT_NAMES(RNNTS__NAME_ROW){-1, NULL}};
static const rnnts__name rnnts__names_model[] = {RNNTS_MODEL_NAMES(RNNTS__NAME_ROW){-1, NULL}};
static const rnnts__name rnnts__names_optimizer[] = {RNNTS_OPTIMIZER_NAMES(RNNTS__NAME_ROW){-1, NULL}};
static const rnnts__name *rnnts__names_of(rnnts_name_set set) {
    switch (set) {
    case RNNTS_NAMES_TASK: return rnnts__names_task;
    case RNNTS_NAMES_CURRICULUM: return rnnts__names_curriculum;
    case RNNTS_NAMES_ACTIVATION: return rnnts__names_activation;
    case RNNTS_NAMES_VARIANT: return rnnts__names_variant;
    case RNNTS_NAMES_MODEL: return rnnts__names_model;
    case RNNTS_NAMES_OPTIMIZER: return rnnts__names_optimizer;
    }
    return NULL;
}
const char *rnnts_name(rnnts_name_set set, int v) {
    const rnnts__name *t = rnnts__names_of(set);
    for (; t && t->name; t++)
        if (t->v == v) return t->name;
    return "?";
}
int rnnts_name_parse(rnnts_name_set set, const char *name) {
    const rnnts__name *t = rnnts__names_of(set);
    for (; t && t->name && name; t++)
        if (strcmp(t->name, name) == 0) return t->v;
    return -1;
}
const char *rnnts_name_choices(rnnts_name_set set) {
    switch (set) { /* [1]: past the leading '|' */
    case RNNTS_NAMES_TASK: return &(RNNTS_TASK_NAMES(RNNTS__NAME_BAR))[1];
    case RNNTS_NAMES_CURRICULUM: return &(RNNTS_CURRICULUM_NAMES(RNNTS__NAME_BAR))[1];
    case RNNTS_NAMES_ACTIVATION: return &(RNNTS_ACTIVATION_NAMES(RNNTS__NAME_BAR))[1];
    case RNNTS_NAMES_VARIANT: return &(RNNTS_VARIANT_NAMES(RNNTS__NAME_BAR))[1];
    case RNNTS_NAMES_MODEL: return &(RNNTS_MODEL_NAMES(RNNTS__NAME_BAR))[1];
    case RNNTS_NAMES_OPTIMIZER: return &(RNNTS_OPTIMIZER_NAMES(RNNTS__NAME_BAR))[1];
    }
    return "";
}
#undef RNNTS__NAME_ROW
#undef RNNTS__NAME_BAR
const char *rnnts_result_string(rnnts_result r) {
    switch (r) {
#define RNNTS__CASE(name, val, msg) case name: return msg;
        RNNTS__RESULTS(RNNTS__CASE)
#undef RNNTS__CASE
    default: return "unknown result code";
    }
}
const char *rnnts_simd_name(void) { return RNNTS__SIMD_NAME; }
int rnnts_simd_id(void) { return RNNTS_SIMD; }
const char *rnnts_simd_id_name(int simd) {
    switch (simd) {
    case RNNTS_SIMD_SCALAR: return "SCALAR";
    case RNNTS_SIMD_AVX2: return "AVX2";
    case RNNTS_SIMD_AVX512: return "AVX512";
    case RNNTS_SIMD_NEON: return "NEON";
    default: return "?";
    }
}
int rnnts_simd_parse(const char *name) {
    static const char *const names[] = {"scalar", "avx2", "neon", "avx512"}; /* index + 1 = id */
    for (int i = 0; name && i < 4; i++) {
        size_t k = 0;
        while (names[i][k] && (name[k] | 0x20) == names[i][k]) k++;
        if (!names[i][k] && !name[k]) return i + 1;
    }
    return 0;
}
int rnnts_simd_best(unsigned mask) {
    static const int order[] = {RNNTS_SIMD_AVX512, RNNTS_SIMD_AVX2, RNNTS_SIMD_NEON};
    for (int i = 0; i < 3; i++)
        if (mask & (1u << order[i])) return order[i];
    return RNNTS_SIMD_SCALAR;
}
char *rnnts_simd_mask_names(unsigned mask, char *buf, size_t cap) {
    static const int order[] = {RNNTS_SIMD_SCALAR, RNNTS_SIMD_NEON, RNNTS_SIMD_AVX2, RNNTS_SIMD_AVX512};
    size_t u = 0;
    if (!buf || !cap) return buf;
    buf[0] = 0;
    for (int i = 0; i < 4; i++)
        if (mask & (1u << order[i])) {
            int w = snprintf(buf + u, cap - u, "%s%s", u ? " " : "", rnnts_simd_id_name(order[i]));
            if (w > 0 && (size_t)w < cap - u) u += (size_t)w;
        }
    return buf;
}
int rnnts_simd_choose(const char *request, unsigned built, char *msg, size_t msg_size) {
    unsigned mask = rnnts_cpu_simd_mask() & built;
    char have[64];
    int path;
    if (!request || !*request) return rnnts_simd_best(mask);
    path = rnnts_simd_parse(request);
    if (!path || !(built & (1u << path))) {
        static const char *const lower[] = {"scalar", "neon", "avx2", "avx512"}; /* as RNNTS_ISA is written */
        static const int order[] = {RNNTS_SIMD_SCALAR, RNNTS_SIMD_NEON, RNNTS_SIMD_AVX2, RNNTS_SIMD_AVX512};
        size_t u = 0;
        have[0] = 0;
        for (int i = 0; i < 4; i++)
            if (built & (1u << order[i])) {
                int w = snprintf(have + u, sizeof have - u, "%s%s", u ? ", " : "", lower[i]);
                if (w > 0 && (size_t)w < sizeof have - u) u += (size_t)w;
            }
        if (msg && msg_size)
            snprintf(msg, msg_size, "RNNTS_ISA=%s: allowed %s (or unset: the widest the CPU runs)", request, have);
        return 0;
    }
    if (!(mask & (1u << path))) {
        if (msg && msg_size)
            snprintf(msg, msg_size, "RNNTS_ISA=%s: this CPU (or its operating system) cannot run the %s path; it runs: %s", request,
                     rnnts_simd_id_name(path), rnnts_simd_mask_names(mask, have, sizeof have));
        return 0;
    }
    return path;
}
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
/* XCR0 (the state components the OS saves); only valid when CPUID.1:ECX.OSXSAVE is set. */
static uint64_t rnnts__xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
unsigned rnnts_cpu_simd_mask(void) {
    unsigned mask = 1u << RNNTS_SIMD_SCALAR, a, b, c, d;
    uint64_t xcr0;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return mask;
    if (!(c & (1u << 27)) || !(c & (1u << 28)) || !(c & (1u << 12))) return mask; /* OSXSAVE, AVX, FMA */
    xcr0 = rnnts__xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return mask;                                          /* XMM and YMM state */
    if (__get_cpuid_max(0, NULL) < 7) return mask;
    __cpuid_count(7, 0, a, b, c, d);
    if (b & (1u << 5)) mask |= 1u << RNNTS_SIMD_AVX2;
    if ((b & (1u << 5)) && (b & (1u << 16)) && (xcr0 & 0xe0) == 0xe0)             /* AVX-512F; opmask, ZMM */
        mask |= 1u << RNNTS_SIMD_AVX512;
    return mask;
}
#elif defined(_MSC_VER) && defined(_M_X64)
/* MSVC (untested): the same rule through <intrin.h>'s __cpuid, __cpuidex and _xgetbv. */
unsigned rnnts_cpu_simd_mask(void) {
    unsigned mask = 1u << RNNTS_SIMD_SCALAR;
    int r[4];
    unsigned long long xcr0;
    __cpuid(r, 0);
    if (r[0] < 1) return mask;
    __cpuid(r, 1);
    if (!((unsigned)r[2] & (1u << 27)) || !((unsigned)r[2] & (1u << 28)) || !((unsigned)r[2] & (1u << 12))) return mask; /* OSXSAVE, AVX, FMA */
    xcr0 = _xgetbv(0);
    if ((xcr0 & 0x6) != 0x6) return mask;                                                             /* XMM and YMM state */
    __cpuid(r, 0);
    if (r[0] < 7) return mask;
    __cpuidex(r, 7, 0);
    if ((unsigned)r[1] & (1u << 5)) mask |= 1u << RNNTS_SIMD_AVX2;
    if (((unsigned)r[1] & (1u << 5)) && ((unsigned)r[1] & (1u << 16)) && (xcr0 & 0xe0) == 0xe0)         /* AVX-512F; opmask, ZMM */
        mask |= 1u << RNNTS_SIMD_AVX512;
    return mask;
}
#elif defined(__aarch64__)
unsigned rnnts_cpu_simd_mask(void) { return (1u << RNNTS_SIMD_SCALAR) | (1u << RNNTS_SIMD_NEON); }
#else
unsigned rnnts_cpu_simd_mask(void) { return 1u << RNNTS_SIMD_SCALAR; }
#endif
#define RNNTS__STR2(x) #x
#define RNNTS__STR(x) RNNTS__STR2(x)
#if defined(__x86_64__) || defined(_M_X64)
#define RNNTS__ARCH "x86_64"
#elif defined(__aarch64__) || defined(_M_ARM64)
#define RNNTS__ARCH "aarch64"
#elif defined(__s390x__)
#define RNNTS__ARCH "s390x"
#elif defined(__riscv) && __riscv_xlen == 64
#define RNNTS__ARCH "riscv64"
#else
#define RNNTS__ARCH "other"
#endif
#if defined(__clang__)
#define RNNTS__CC "clang-" RNNTS__STR(__clang_major__) "." RNNTS__STR(__clang_minor__)
#elif defined(__GNUC__)
#define RNNTS__CC "gcc-" RNNTS__STR(__GNUC__) "." RNNTS__STR(__GNUC_MINOR__)
#elif defined(_MSC_VER)
#define RNNTS__CC "msvc-" RNNTS__STR(_MSC_VER)
#else
#define RNNTS__CC "cc"
#endif
#ifdef RNNTS_NO_THREADS
#define RNNTS__THR "threads=none"
#elif defined(RNNTS__WIN32_THREADS)
#define RNNTS__THR "threads=win32"
#else
#define RNNTS__THR "threads=pthreads"
#endif
const char *rnnts_build_info(void) { return "rnnts " RNNTS_VERSION_STRING " " RNNTS__ARCH " " RNNTS__SIMD_NAME " " RNNTS__CC " " RNNTS__THR; }

rnnts_result rnnts_selfcheck(char *msg, size_t msg_size) {
    /* a = b = 1 + 2^-12: a*b = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11, so a*b - (1 + 2^-11) is 0
       unfused and 2^-24 when contracted into an fma. */
    volatile float a = 1.0f + 0x1p-12f, b = 1.0f + 0x1p-12f, c = -(1.0f + 0x1p-11f);
    volatile float tiny = 0x1p-126f, sub = 0x1p-140f, one = 1.0f;
    float fused = a * b + c;
    float ftz = tiny * 0.5f;     /* a subnormal result: 0 under flush-to-zero */
    float daz = sub * one;       /* a subnormal input: 0 under denormals-are-zero */
    int bad_c = fused != 0.0f, bad_f = ftz == 0.0f, bad_d = daz == 0.0f;
    if (msg && msg_size)
        snprintf(msg, msg_size, "contraction %s, flush-to-zero %s, denormals-are-zero %s", bad_c ? "ON (breaks N3)" : "off",
                 bad_f ? "ON (breaks N8)" : "off", bad_d ? "ON (breaks N8)" : "off");
    return bad_c || bad_f || bad_d ? RNNTS_ERR_STATE : RNNTS_OK;
}

#if defined(RNNTS__GCC_DIAG_PUSHED)
#pragma GCC diagnostic pop
#undef RNNTS__GCC_DIAG_PUSHED
#endif
#if defined(RNNTS__GCC_PUSHED)
#pragma GCC pop_options
#undef RNNTS__GCC_PUSHED
#endif
#endif /* RNNTS_IMPLEMENTATION_INCLUDED */
#endif /* RNNTS_IMPLEMENTATION */

/*
MIT License. Copyright (c) 2026 the rnnts authors.
Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction,
including without limitation the rights to use, copy, modify, merge, publish, distribute,
sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions: The above copyright notice and this
permission notice shall be included in all copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT
NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND
NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES
OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN
CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.
*/
