/* klist_dump: one epoch of continuous-time training over a list of k (rnnts_train_config.k_list)
   by rnnts's trainer, written out so that PyTorch (reference/torch_klist_check.py) can redo the
   same optimiser steps on the same data and compare the parameters.
   Writes DIR/init.safetensors (the network before training), DIR/final.safetensors (after the
   epoch) and DIR/batches.safetensors: for training step s and k index j, input.<s>.<j> [M,B] (the
   bits), h0.<s>.<j> [B,H] and label.<s>.<j> [n_ns,B]; metadata k_list, steps, ns, heads, loss (the
   epoch's mean loss). The trainer runs with threshold 100 so that the Ns stay those of the dump. */
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void) {
    fprintf(stderr, "usage: klist_dump --hidden H --heads K --k-list 1,3,2 --steps S --batch B --seed S\n"
                    "                  [--init-heads N] [--tau-mean X] --out DIR\n");
    exit(2);
}
static void die(const char *what, const rnnts_error *err) {
    fprintf(stderr, "klist_dump: %s: %s\n", what, err ? err->msg : "");
    exit(1);
}
/* The h0 the trainer drew for (seed, draw): rnnts_rnn_forward without a given h0, read back. */
static void draw_h0(const rnnts_rnn *net, rnnts_rnn_ws *ws, const rnnts_batch *bt, float *h0) {
    rnnts_error err;
    if (rnnts_rnn_forward(ws, net, bt, NULL, NULL, NULL, &err) != RNNTS_OK) die("forward", &err);
    rnnts_rnn_ws_h0(ws, h0);
}
/* The batches of every training step and k, as the trainer draws them (see rnnts_train_config). */
static void dump_batches(const char *path, const rnnts_rnn *net, const rnnts_train_config *c, const int *ns, const int *heads, int n_ns) {
    int S = c->steps_per_epoch, nk = c->n_k, B = c->batch, H = net->H, Lmax = rnnts_task_max_len(ns[n_ns - 1]);
    int n = 0, nt = 3 * S * nk;
    rnnts_named_tensor *t = (rnnts_named_tensor *)calloc((size_t)nt, sizeof *t);
    char (*names)[64] = (char (*)[64])calloc((size_t)nt, 64);
    float *store = (float *)calloc((size_t)S * nk * ((size_t)Lmax * B + (size_t)B * H + (size_t)n_ns * B), sizeof(float)), *p = store;
    int *labels = (int *)calloc((size_t)n_ns * B, sizeof(int));
    rnnts_rnn_ws *ws;
    rnnts_error err;
    char kl[128], nsb[128], hb[128], loss[32] = "";
    const char *meta[9];
    if (!t || !names || !store || !labels) die("out of memory", NULL);
    if (rnnts_rnn_ws_create(net, B, Lmax, NULL, &ws, &err) != RNNTS_OK) die("ws_create", &err);
    for (int s = 0; s < S; s++)
        for (int j = 0; j < nk; j++) {
            uint64_t idx = (uint64_t)s * (uint64_t)nk + (uint64_t)j;
            rnnts_batch bt;
            int M;
            if (rnnts_task_batch(c->task, ns, n_ns, B, c->seed, RNNTS_PURPOSE_DATA, idx, p, labels, &M, &err) != RNNTS_OK) die("task_batch", &err);
            memset(&bt, 0, sizeof bt);
            bt.batch = B; bt.len = M; bt.input = p; bt.h0_seed = c->seed; bt.h0_draw = idx;
            bt.n_active = n_ns; bt.heads = heads;
            snprintf(names[n], 64, "input.%d.%d", s, j);
            t[n].name = names[n]; t[n].ndim = 2; t[n].shape[0] = M; t[n].shape[1] = B; t[n].data = p; n++;
            p += (size_t)M * B;
            draw_h0(net, ws, &bt, p);
            snprintf(names[n], 64, "h0.%d.%d", s, j);
            t[n].name = names[n]; t[n].ndim = 2; t[n].shape[0] = B; t[n].shape[1] = H; t[n].data = p; n++;
            p += (size_t)B * H;
            for (int e = 0; e < n_ns * B; e++) p[e] = (float)labels[e];
            snprintf(names[n], 64, "label.%d.%d", s, j);
            t[n].name = names[n]; t[n].ndim = 2; t[n].shape[0] = n_ns; t[n].shape[1] = B; t[n].data = p; n++;
            p += (size_t)n_ns * B;
        }
    kl[0] = nsb[0] = hb[0] = 0;
    for (int j = 0; j < nk; j++) snprintf(kl + strlen(kl), sizeof kl - strlen(kl), j ? ",%d" : "%d", c->k_list[j]);
    for (int a = 0; a < n_ns; a++) {
        snprintf(nsb + strlen(nsb), sizeof nsb - strlen(nsb), a ? ",%d" : "%d", ns[a]);
        snprintf(hb + strlen(hb), sizeof hb - strlen(hb), a ? ",%d" : "%d", heads[a]);
    }
    snprintf(loss, sizeof loss, "%d", S);
    meta[0] = "k_list"; meta[1] = kl; meta[2] = "steps"; meta[3] = loss; meta[4] = "ns"; meta[5] = nsb; meta[6] = "heads"; meta[7] = hb;
    meta[8] = NULL;
    if (rnnts_safetensors_write(path, t, n, meta, &err) != RNNTS_OK) die("write batches", &err);
    rnnts_rnn_ws_destroy(ws);
    free(t); free(names); free(store); free(labels);
}
int main(int argc, char **argv) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_train_config c = rnnts_train_config_default();
    const char *dir = NULL;
    char path[4200];
    int ns[RNNTS_MAX_NS], heads[RNNTS_MAX_NS], n_ns;
    unsigned long long seed = 1;
    rnnts_rnn *net;
    rnnts_trainer *tr;
    rnnts_epoch_report rep;
    rnnts_error err;
    rc.hidden = 8; rc.heads = 2; rc.variant = RNNTS_VARIANT_MOD;
    c.batch = 4; c.steps_per_epoch = 2; c.test_batches = 1; c.max_epochs = 1; c.threshold = 100.0f;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) usage();
        i++;
        if (!strcmp(a, "--hidden")) rc.hidden = atoi(v);
        else if (!strcmp(a, "--heads")) rc.heads = atoi(v);
        else if (!strcmp(a, "--steps")) c.steps_per_epoch = atoi(v);
        else if (!strcmp(a, "--batch")) c.batch = atoi(v);
        else if (!strcmp(a, "--seed")) seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--init-heads")) c.init_heads = atoi(v);
        else if (!strcmp(a, "--tau-mean")) rc.tau_mean = (float)atof(v);
        else if (!strcmp(a, "--out")) dir = v;
        else if (!strcmp(a, "--k-list")) {
            for (const char *p = v; *p && c.n_k < RNNTS_MAX_K;) {
                c.k_list[c.n_k++] = atoi(p);
                while (*p && *p != ',') p++;
                if (*p == ',') p++;
            }
        } else usage();
    }
    if (!dir || c.n_k < 1) usage();
    c.seed = seed;
    rc.k_continuous = c.k_list[0];
    if (rnnts_rnn_create(&rc, seed, NULL, &net, &err) != RNNTS_OK) die("rnn_create", &err);
    snprintf(path, sizeof path, "%s/init.safetensors", dir);
    if (rnnts_rnn_save(net, path, &err) != RNNTS_OK) die("save init", &err);
    if (rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err) != RNNTS_OK) die("trainer_create", &err);
    n_ns = rnnts_trainer_ns(tr, ns, RNNTS_MAX_NS);
    for (int a = 0; a < n_ns; a++) heads[a] = c.init_heads > 1 ? a : 0; /* multi: head a serves ns[a] */
    snprintf(path, sizeof path, "%s/batches.safetensors", dir);
    dump_batches(path, net, &c, ns, heads, n_ns);
    if (rnnts_trainer_epoch(tr, &rep, &err) != RNNTS_OK) die("trainer_epoch", &err);
    snprintf(path, sizeof path, "%s/final.safetensors", dir);
    if (rnnts_rnn_save(net, path, &err) != RNNTS_OK) die("save final", &err);
    printf("loss %.9g\n", (double)rep.loss);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    return 0;
}
