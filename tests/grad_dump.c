/* grad_dump: one seeded batch through rnnts, written out so that another implementation (PyTorch,
   reference/torch_check.py) can recompute the loss and every gradient on identical data.
   Writes MODEL (the network, safetensors) and GRADS (safetensors: grad.<tensor> per parameter,
   input [M,B], h0 [B,H], label.<head> [B] per active head, loss [1]; metadata "active_heads").
   --model gru|lstm builds PyTorch-style gated networks (tensors gru.* / lstm.* and heads
   modulelist.{k}); their h_0 is zero unless --given-h0 passes a seeded h0 in the batch (c_0 = 0
   always). --task parity|dms draws the bits and labels with rnnts_task_batch_len (head a reads
   N = 2 + heads[a]) instead of independent random bits and labels. */
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
    fprintf(stderr, "usage: grad_dump --variant default|mod --activation leakyrelu|relu|tanh|sigmoid --hidden H --heads K\n"
                    "                 --active 0,2 --batch B --len M --seed S [--fixed-tau X] [--k-continuous K]\n"
                    "                 [--clamp-some] [--net rnn|gru|lstm] [--given-h0] [--task parity|dms]\n"
                    "                 --model OUT.safetensors --grads OUT.safetensors\n");
    exit(2);
}
int main(int argc, char **argv) {
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    const char *model_path = NULL, *grad_path = NULL, *active = "0";
    int B = 4, M = 5, clamp_some = 0, given_h0 = 0, task = -1, heads[64], ns[64], na = 0;
    unsigned long long seed = 1;
    rnnts_error err;
    cfg.hidden = 8;
    cfg.heads = 2;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--clamp-some")) { clamp_some = 1; continue; }
        if (!strcmp(a, "--given-h0")) { given_h0 = 1; continue; }
        if (!v) usage();
        i++;
        if (!strcmp(a, "--variant")) cfg.variant = !strcmp(v, "mod") ? RNNTS_VARIANT_MOD : RNNTS_VARIANT_DEFAULT;
        else if (!strcmp(a, "--activation")) {
            const char *n[] = {"leakyrelu", "relu", "tanh", "sigmoid"};
            int f = -1;
            for (int k = 0; k < 4; k++) if (!strcmp(v, n[k])) f = k;
            if (f < 0) usage();
            cfg.activation = (rnnts_activation)f;
        } else if (!strcmp(a, "--hidden")) cfg.hidden = atoi(v);
        else if (!strcmp(a, "--heads")) cfg.heads = atoi(v);
        else if (!strcmp(a, "--active")) active = v;
        else if (!strcmp(a, "--batch")) B = atoi(v);
        else if (!strcmp(a, "--len")) M = atoi(v);
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--fixed-tau")) { cfg.train_tau = 0; cfg.fixed_tau = (float)atof(v); }
        else if (!strcmp(a, "--k-continuous")) cfg.k_continuous = atoi(v);
        else if (!strcmp(a, "--net")) {
            if (!strcmp(v, "rnn")) cfg.model = RNNTS_MODEL_RNN;
            else if (!strcmp(v, "gru")) cfg.model = RNNTS_MODEL_GRU;
            else if (!strcmp(v, "lstm")) cfg.model = RNNTS_MODEL_LSTM;
            else usage();
        } else if (!strcmp(a, "--task")) {
            if (!strcmp(v, "parity")) task = RNNTS_TASK_PARITY;
            else if (!strcmp(v, "dms")) task = RNNTS_TASK_DMS;
            else usage();
        }
        else if (!strcmp(a, "--model")) model_path = v;
        else if (!strcmp(a, "--grads")) grad_path = v;
        else usage();
    }
    if (!model_path || !grad_path) usage();
    for (const char *p = active; *p && na < 64;) {
        heads[na++] = atoi(p);
        while (*p && *p != ',') p++;
        if (*p == ',') p++;
    }
    rnnts_rnn *net;
    if (rnnts_rnn_create(&cfg, seed, NULL, &net, &err)) { fprintf(stderr, "grad_dump: %s\n", err.msg); return 1; }
    if (clamp_some && cfg.train_tau)
        for (int i = 0; i < net->H; i += 3) net->tau[i] = 0.75f + 0.05f * (float)(i % 5); /* below the clamp */
    float *input = (float *)calloc((size_t)M * B, sizeof(float));
    int *labels = (int *)calloc((size_t)na * B, sizeof(int));
    float *h0 = (float *)calloc((size_t)B * net->H, sizeof(float));
    float *grad = (float *)calloc(net->n_param, sizeof(float));
    uint64_t kd = rnnts_rng_key(seed, RNNTS_PURPOSE_USER, 1, 0);
    if (task < 0) {
        for (int e = 0; e < M * B; e++) input[e] = rnnts_rng_uniform(kd, (uint64_t)e) < 0.5f ? 1.0f : 0.0f;
        for (int e = 0; e < na * B; e++) labels[e] = rnnts_rng_uniform(kd, 1000000u + (uint64_t)e) < 0.5f;
    } else {
        for (int a = 0; a < na; a++) ns[a] = 2 + heads[a];
        if (rnnts_task_batch_len((rnnts_task)task, ns, na, B, M, seed, RNNTS_PURPOSE_USER, 0, input, labels, &err)) {
            fprintf(stderr, "grad_dump: %s\n", err.msg);
            return 1;
        }
    }
    /* a given h0 (any model): seeded values in (-0.5, 0.5) */
    if (given_h0)
        for (int e = 0; e < B * net->H; e++) h0[e] = rnnts_rng_uniform(kd, 2000000u + (uint64_t)e) - 0.5f;
    rnnts_batch bt;
    memset(&bt, 0, sizeof bt);
    bt.batch = B; bt.len = M; bt.input = input; bt.h0_seed = seed; bt.h0_draw = 7;
    bt.h0 = given_h0 ? h0 : NULL;
    bt.n_active = na; bt.heads = heads; bt.labels = labels;
    rnnts_rnn_ws *ws;
    if (rnnts_rnn_ws_create(net, B, M, NULL, &ws, &err)) { fprintf(stderr, "grad_dump: %s\n", err.msg); return 1; }
    float loss;
    if (rnnts_rnn_forward(ws, net, &bt, NULL, NULL, &loss, &err) || rnnts_rnn_backward(ws, net, NULL, grad, &err)) {
        fprintf(stderr, "grad_dump: %s\n", err.msg);
        return 1;
    }
    rnnts_rnn_ws_h0(ws, h0);
    if (rnnts_rnn_save(net, model_path, &err)) { fprintf(stderr, "grad_dump: %s\n", err.msg); return 1; }
    int nt = rnnts_rnn_tensor_count(net), n = 0;
    rnnts_named_tensor *t = (rnnts_named_tensor *)calloc((size_t)nt + na + 3, sizeof *t);
    char (*names)[64] = (char (*)[64])calloc((size_t)nt + na + 3, 64);
    float *labf = (float *)calloc((size_t)na * B, sizeof(float));
    for (int k = 0; k < nt; k++) {
        rnnts_tensor_info ti;
        rnnts_rnn_tensor(net, k, &ti);
        snprintf(names[n], 64, "grad.%s", ti.name);
        t[n].name = names[n]; t[n].ndim = ti.ndim; t[n].shape[0] = ti.shape[0]; t[n].shape[1] = ti.shape[1];
        t[n].data = grad + ti.offset; n++;
    }
    t[n].name = "input"; t[n].ndim = 2; t[n].shape[0] = M; t[n].shape[1] = B; t[n].data = input; n++;
    t[n].name = "h0"; t[n].ndim = 2; t[n].shape[0] = B; t[n].shape[1] = net->H; t[n].data = h0; n++;
    for (int a = 0; a < na; a++) {
        for (int b = 0; b < B; b++) labf[a * B + b] = (float)labels[a * B + b];
        snprintf(names[n], 64, "label.%d", heads[a]);
        t[n].name = names[n]; t[n].ndim = 1; t[n].shape[0] = B; t[n].data = labf + a * B; n++;
    }
    t[n].name = "loss"; t[n].ndim = 1; t[n].shape[0] = 1; t[n].data = &loss; n++;
    const char *meta[] = {"active_heads", active, "build", rnnts_build_info(), NULL};
    if (rnnts_safetensors_write(grad_path, t, n, meta, &err)) { fprintf(stderr, "grad_dump: %s\n", err.msg); return 1; }
    printf("loss %.9g\n", (double)loss);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    free(input); free(labels); free(h0); free(grad); free(t); free(names); free(labf);
    return 0;
}
