/* train_parity: trains a small leaky RNN with learnable tau on 3-parity for a few hundred SGD
   steps and prints the loss and the accuracy on fresh test batches.
   The task follows the reference: per sequence p ~ U[0,1), bits ~ Bernoulli(p), label = parity
   of the last N bits, one length M ~ U{N+2..4N+1} per batch. Every draw is a pure function of
   (seed, step). SGD with Nesterov momentum (PyTorch semantics) and clip_grad_norm_(2.0). */
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { H = 64, B = 64, N = 3, STEPS = 3000, TEST_BATCHES = 20 };

/* Fills input [M][B] and labels [B]; returns M. */
static int make_batch(uint64_t seed, uint64_t purpose, uint64_t step, float *input, int *labels) {
    uint64_t key = rnnts_rng_key(seed, purpose, step, 0);
    int M = N + 2 + (int)(rnnts_rng_u64(key, 0) % (uint64_t)(3 * N));
    for (int b = 0; b < B; b++) {
        float p = rnnts_rng_uniform(key, 1 + (uint64_t)b);
        int parity = 0;
        for (int t = 0; t < M; t++) {
            int bit = rnnts_rng_uniform(key, 1000 + (uint64_t)t * B + b) < p;
            input[t * B + b] = (float)bit;
            if (t >= M - N) parity ^= bit;
        }
        labels[b] = parity;
    }
    return M;
}

int main(void) {
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net;
    rnnts_rnn_ws *ws;
    rnnts_error err;
    const uint64_t seed = 1;
    const int maxM = 4 * N + 1;
    static float input[4 * N + 1][B], logits[B * 2];
    static int labels[B];
    int head = 0;
    char check[160];
    cfg.hidden = H;
    cfg.heads = 1;
    printf("%s\n", rnnts_build_info());
    if (rnnts_selfcheck(check, sizeof check) != RNNTS_OK) fprintf(stderr, "warning: %s\n", check);
    if (rnnts_rnn_create(&cfg, seed, NULL, &net, &err) || rnnts_rnn_ws_create(net, B, maxM, NULL, &ws, &err)) {
        fprintf(stderr, "train_parity: %s\n", err.msg);
        return 1;
    }
    float *grad = (float *)calloc(net->n_param, sizeof(float)), *buf = (float *)calloc(net->n_param, sizeof(float));
    float *sq = (float *)calloc(net->n_param, sizeof(float));
    for (int step = 0; step < STEPS; step++) {
        rnnts_batch bt;
        float loss, norm2, coef;
        memset(&bt, 0, sizeof bt);
        bt.batch = B; bt.len = make_batch(seed, RNNTS_PURPOSE_DATA, (uint64_t)step, &input[0][0], labels);
        bt.input = &input[0][0]; bt.h0_seed = seed; bt.h0_draw = (uint64_t)step;
        bt.n_active = 1; bt.heads = &head; bt.labels = labels;
        if (rnnts_rnn_forward(ws, net, &bt, NULL, NULL, &loss, &err) || rnnts_rnn_backward(ws, net, NULL, grad, &err)) {
            fprintf(stderr, "train_parity: step %d: %s\n", step, err.msg);
            return 1;
        }
        for (size_t e = 0; e < net->n_param; e++) sq[e] = grad[e] * grad[e];
        norm2 = rnnts_sum_canon(sq, net->n_param); /* one global norm in the canonical order */
        coef = 2.0f / (sqrtf(norm2) + 1e-6f);
        for (size_t e = 0; e < net->n_param; e++) {
            float g = coef < 1.0f ? grad[e] * coef : grad[e];
            buf[e] = step == 0 ? g : 0.1f * buf[e] + g;       /* momentum 0.1 */
            net->param[e] -= 0.05f * (g + 0.1f * buf[e]);     /* Nesterov, lr 0.05 */
        }
        rnnts_rnn_zero_diag(net);
        if (step % 250 == 0 || step == STEPS - 1) printf("step %4d  loss %.4f\n", step, (double)loss);
    }
    int correct = 0, total = 0;
    for (int tb = 0; tb < TEST_BATCHES; tb++) {
        rnnts_batch bt;
        memset(&bt, 0, sizeof bt);
        bt.batch = B; bt.len = make_batch(seed, RNNTS_PURPOSE_TEST, (uint64_t)tb, &input[0][0], labels);
        bt.input = &input[0][0]; bt.h0_seed = seed + 1; bt.h0_draw = (uint64_t)tb;
        bt.n_active = 1; bt.heads = &head;
        if (rnnts_rnn_forward(ws, net, &bt, NULL, logits, NULL, &err)) { fprintf(stderr, "train_parity: %s\n", err.msg); return 1; }
        for (int b = 0; b < B; b++, total++) correct += (logits[2 * b + 1] > logits[2 * b]) == labels[b];
    }
    printf("%d-parity test accuracy: %.1f %% (%d sequences)\n", N, 100.0 * correct / total, total);
    free(grad); free(buf); free(sq);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    return 0;
}
