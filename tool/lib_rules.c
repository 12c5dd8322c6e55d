/* lib_rules.c — the tool's own copies of rules the library also knows (see lib_rules.h): each
   is to be replaced by a library API; until then they must agree with rnnts.h. */
#define _POSIX_C_SOURCE 200809L
#include "lib_rules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses a metadata "ns" string ("2,3,4"); returns the count (0 when empty or malformed). */
int parse_ns(const char *s, int *ns, int max) {
    int n = 0;
    while (s && *s) {
        char *e;
        long v = strtol(s, &e, 10);
        if (e == s || v < 1 || v > 100000 || n >= max) return 0;
        ns[n++] = (int)v;
        s = e;
        if (*s == ',') s++;
        else if (*s) return 0;
    }
    return n;
}

/* The parameter checksum: XXH3-64 of the parameters as little-endian float32 bytes. */
uint64_t param_checksum(const rnnts_rnn *net) {
    unsigned char *b = (unsigned char *)malloc(net->n_param * 4 + 1);
    uint64_t h;
    if (!b) return 0;
    for (size_t i = 0; i < net->n_param; i++) {
        uint32_t u;
        memcpy(&u, &net->param[i], 4);
        b[4 * i] = (unsigned char)u; b[4 * i + 1] = (unsigned char)(u >> 8);
        b[4 * i + 2] = (unsigned char)(u >> 16); b[4 * i + 3] = (unsigned char)(u >> 24);
    }
    h = rnnts_xxh3_64(b, net->n_param * 4);
    free(b);
    return h;
}

/* ---- head selection (eval, grad) ------------------------------------------------------------
   single-head models (curriculum single or none, or 1 head): head 0 for every N;
   multi: head N - N_min, N_min = first value of metadata ns (2 when absent);
   sliding: position of N in metadata ns;
   no curriculum in the metadata (e.g. an imported file without a name pattern): as multi.
   Returns the head, or -1 with a reason in why. */
int head_for(const rnnts_rnn *net, int N, char *why, size_t cap) {
    const char *c = net->meta.curriculum;
    int ns[RNNTS_MAX_NS], n = parse_ns(net->meta.ns, ns, RNNTS_MAX_NS), h;
    if (net->K == 1 || strcmp(c, "single") == 0 || strcmp(c, "none") == 0) return 0;
    if (strcmp(c, "sliding") == 0) {
        for (int i = 0; i < n; i++)
            if (ns[i] == N) return i;
        snprintf(why, cap, "N = %d is not in the sliding window of this model (metadata ns = \"%.120s\")", N, net->meta.ns);
        return -1;
    }
    h = N - (n > 0 ? ns[0] : 2);
    if (h < 0 || h >= net->K) {
        snprintf(why, cap, "N = %d maps to head %d, outside the network's %d heads (head i serves N = %d + i)", N, h, net->K,
                 n > 0 ? ns[0] : 2);
        return -1;
    }
    return h;
}


/* --auto-resume: the run found in --out (net, and its trainer's configuration have) must be the one
   the flags describe (want_rc, want_tc: opts_configs of the flags; the budget may differ: it is the
   flags'). Writes the first difference into why; returns 0 when they agree. */
int config_differs(const rnnts_rnn_config *want_rc, const rnnts_train_config *want_tc, const rnnts_rnn *net,
                   const rnnts_train_config *have, char *why, size_t cap) {
    const rnnts_rnn_config rc = *want_rc;
    const rnnts_train_config tc = *want_tc;
    const rnnts_rnn_config *hr = &net->cfg;
#define DIFF_I(name, a, b) do { if ((a) != (b)) { snprintf(why, cap, "%s = %lld, the flags say %lld", name, (long long)(a), (long long)(b)); return 1; } } while (0)
#define DIFF_F(name, a, b) do { if ((a) != (b)) { snprintf(why, cap, "%s = %.9g, the flags say %.9g", name, (double)(a), (double)(b)); return 1; } } while (0)
    DIFF_I("model", hr->model, rc.model);
    DIFF_I("hidden", hr->hidden, rc.hidden);
    DIFF_I("heads", hr->heads, rc.heads);
    if (rc.model == RNNTS_MODEL_RNN) {
        DIFF_I("variant", hr->variant, rc.variant);
        DIFF_I("activation", hr->activation, rc.activation);
        DIFF_I("learnable tau", hr->train_tau, rc.train_tau);
        if (rc.train_tau) DIFF_F("tau_init", hr->tau_init, rc.tau_init);
        else DIFF_F("fixed_tau", hr->fixed_tau, rc.fixed_tau);
        DIFF_I("k_continuous", hr->k_continuous, rc.k_continuous);
        DIFF_F("tau_mean", hr->tau_mean, rc.tau_mean);
    }
    DIFF_I("init_heads", have->init_heads, tc.init_heads);
    DIFF_I("number of k in k_list", have->n_k, tc.n_k);
    for (int j = 0; j < tc.n_k; j++) DIFF_I("k_list value", have->k_list[j], tc.k_list[j]);
    DIFF_I("task", have->task, tc.task);
    DIFF_I("curriculum", have->curriculum, tc.curriculum);
    DIFF_I("n_start", have->n_start, tc.n_start);
    DIFF_I("add", have->n_add, tc.n_add);
    DIFF_I("window", have->window, tc.window);
    DIFF_I("slide", have->slide, tc.slide);
    DIFF_I("n", have->n_fixed, tc.n_fixed);
    DIFF_I("batch", have->batch, tc.batch);
    DIFF_I("steps_per_epoch", have->steps_per_epoch, tc.steps_per_epoch);
    DIFF_I("test_batches", have->test_batches, tc.test_batches);
    DIFF_F("threshold", have->threshold, tc.threshold);
    DIFF_I("seed", have->seed, tc.seed);
    DIFF_I("optimizer", have->optim.kind, tc.optim.kind);
    DIFF_F("lr", have->optim.lr, tc.optim.lr);
    DIFF_F("momentum", have->optim.momentum, tc.optim.momentum);
    DIFF_F("clip", have->optim.clip, tc.optim.clip);
#undef DIFF_I
#undef DIFF_F
    return 0;
}
