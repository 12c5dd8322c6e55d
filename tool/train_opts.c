/* train_opts.c — a training run's options: defaults, the configurations they describe, and the checks
   of a new run's flags shared by train and sweep (train_opts.h). */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_args.h"
#include "train_opts.h"
#include "util.h"

void train_opts_default(train_opts *o) {
    rnnts_train_config tc = rnnts_train_config_default();
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    memset(o, 0, sizeof *o);
    o->task = 0; o->curriculum = RNNTS_CURR_MULTI;
    o->hidden = rc.hidden; o->batch = tc.batch; o->steps = tc.steps_per_epoch; o->test_batches = tc.test_batches;
    o->max_epochs = tc.max_epochs; o->target_n = 0; o->variant = 0; o->activation = 0;
    o->fixed_tau = 1.0; o->tau_init = rc.tau_init;
    o->seed = 0; o->threads = default_threads(); o->heads = 100; o->n_start = tc.n_start; o->add = tc.n_add;
    o->window = tc.window; o->slide = tc.slide; o->n_fixed = tc.n_fixed; o->optimizer = 0; o->log_format = 0;
    o->lr = tc.optim.lr; o->momentum = tc.optim.momentum; o->clip = tc.optim.clip; o->threshold = tc.threshold;
    o->time_limit = 0.0;
    o->init_heads = tc.init_heads;
}


/* The network and training configurations the flags describe. */
void opts_configs(const train_opts *o, rnnts_rnn_config *rc_out, rnnts_train_config *tc_out) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_train_config tc = rnnts_train_config_default();
    rc.model = (rnnts_model)o->model;
    rc.hidden = o->hidden; rc.heads = o->heads; rc.variant = (rnnts_variant)o->variant; rc.k_continuous = o->k_continuous;
    rc.activation = (rnnts_activation)o->activation; rc.tau_init = (float)o->tau_init;
    if (o->fixed_tau_set) { rc.train_tau = 0; rc.fixed_tau = (float)o->fixed_tau; }
    rc.tau_mean = (float)o->tau_mean;
    if (o->k_list.n > 0) rc.k_continuous = o->k_list.v[0]; /* the trainer leaves the network at the first k */
    tc.init_heads = o->init_heads;
    tc.n_k = o->k_list.n;
    for (int j = 0; j < o->k_list.n && j < RNNTS_MAX_K; j++) tc.k_list[j] = o->k_list.v[j];
    tc.task = (rnnts_task)o->task; tc.curriculum = (rnnts_curriculum)o->curriculum;
    tc.n_start = o->n_start; tc.n_add = o->add; tc.window = o->window; tc.slide = o->slide; tc.n_fixed = o->n_fixed;
    tc.batch = o->batch; tc.steps_per_epoch = o->steps; tc.test_batches = o->test_batches; tc.max_epochs = o->max_epochs;
    tc.target_n = o->target_n; tc.time_limit_s = o->time_limit; tc.threshold = (float)o->threshold; tc.seed = o->seed;
    tc.optim = o->optimizer == 1 ? rnnts_optim_config_adam() : rnnts_optim_config_sgd();
    if (o->lr_set || o->optimizer == 0) tc.optim.lr = (float)o->lr;
    if (o->momentum_set || o->optimizer == 0) tc.optim.momentum = (float)o->momentum;
    tc.optim.clip = (float)o->clip;
    *rc_out = rc;
    *tc_out = tc;
}

/* --model gru|lstm: the tau-only flags are usage errors; unset flags take rnnts_train_config_lstm()'s values.
   Returns 0, or -1 with a usage message. */
static int train_apply_model(train_opts *o, cli_flag *flags, int nf, char *msg, size_t cap) {
    static const char *const tau_only[] = {"--variant", "--activation", "--fixed-tau", "--tau-init", "--init-tau-mean", "--k-continuous",
                                           "--k-list"};
    rnnts_train_config lc = rnnts_train_config_lstm();
    char m[16];
    if (o->model == RNNTS_MODEL_RNN) return 0;
    cli_choice(MODELS, o->model, m, sizeof m);
    for (size_t q = 0; q < sizeof tau_only / sizeof tau_only[0]; q++)
        if (cli_seen(flags, nf, tau_only[q])) {
            snprintf(msg, cap, "%s applies to --model rnn only (a %s has no tau, variant or activation choice)", tau_only[q], m);
            return -1;
        }
    if (!cli_seen(flags, nf, "--batch")) o->batch = lc.batch;
    if (!cli_seen(flags, nf, "--steps-per-epoch")) o->steps = lc.steps_per_epoch;
    if (!cli_seen(flags, nf, "--test-batches")) o->test_batches = lc.test_batches;
    if (!cli_seen(flags, nf, "--max-epochs")) o->max_epochs = lc.max_epochs;
    if (!cli_seen(flags, nf, "--optimizer")) o->optimizer = lc.optim.kind == RNNTS_OPT_ADAM ? 1 : 0;
    if (!cli_seen(flags, nf, "--lr")) o->lr = lc.optim.lr;
    if (!cli_seen(flags, nf, "--clip")) o->clip = lc.optim.clip;
    if (!cli_seen(flags, nf, "--threshold")) o->threshold = lc.threshold;
    return 0;
}

/* --preset, --k-list, --init-tau-mean and --init-heads (the reference's options): applies the
   preset to o and checks the combinations. Returns 0, or -1 with a usage message. */
static int train_check_reference_opts(train_opts *o, cli_flag *flags, int nf, char *msg, size_t cap) {
    if (o->preset) {
        rnnts_train_config pc = rnnts_train_config_default();
        rnnts_error e;
        if (cli_seen(flags, nf, "--window") || cli_seen(flags, nf, "--slide")) {
            snprintf(msg, cap, "--preset %s sets the window and the slide; drop --window/--slide", o->preset);
            return -1;
        }
        if (cli_seen(flags, nf, "--curriculum") && o->curriculum != RNNTS_CURR_SLIDING) {
            snprintf(msg, cap, "--preset %s is a sliding curriculum; --curriculum must be sliding or absent", o->preset);
            return -1;
        }
        if (rnnts_train_config_preset(o->preset, &pc, &e) != RNNTS_OK) { snprintf(msg, cap, "--%s", e.msg); return -1; }
        o->curriculum = pc.curriculum; o->window = pc.window; o->slide = pc.slide;
    }
    if (o->k_list.n > 0) {
        if (o->k_list.n > RNNTS_MAX_K) { snprintf(msg, cap, "--k-list: %d values, allowed at most %d", o->k_list.n, RNNTS_MAX_K); return -1; }
        if (cli_seen(flags, nf, "--k-continuous")) {
            snprintf(msg, cap, "--k-list and --k-continuous exclude each other (--k-list %d is --k-continuous %d)", o->k_list.v[0], o->k_list.v[0]);
            return -1;
        }
        if (o->variant != RNNTS_VARIANT_MOD) { snprintf(msg, cap, "--k-list needs --variant mod (the continuous-time model is the mod form)"); return -1; }
    }
    if (o->tau_mean > 0.0 && cli_seen(flags, nf, "--fixed-tau")) {
        snprintf(msg, cap, "--init-tau-mean rescales learnable tau; with --fixed-tau there is nothing to rescale");
        return -1;
    }
    if (o->init_heads != 1 && o->curriculum != RNNTS_CURR_MULTI) {
        snprintf(msg, cap, "--init-heads %d applies to --curriculum multi only (sliding starts with its --window)", o->init_heads);
        return -1;
    }
    if (o->init_heads > o->heads) {
        snprintf(msg, cap, "--heads %d: allowed %d..65536 (--init-heads needs as many heads)", o->heads, o->init_heads);
        return -1;
    }
    return 0;
}

/* The checks of a new run's flags beyond each flag's own range, shared by train and sweep (which
   validates every run of a sweep before any starts). Applies the --model defaults to o.
   Returns 0, or -1 with a usage message. */
int train_opts_check(train_opts *o, cli_flag *flags, int nf, char *msg, size_t cap) {
    o->lr_set = cli_seen(flags, nf, "--lr");
    o->momentum_set = cli_seen(flags, nf, "--momentum");
    o->fixed_tau_set = cli_seen(flags, nf, "--fixed-tau");
    if (train_apply_model(o, flags, nf, msg, cap) != 0) return -1;
    if (train_check_reference_opts(o, flags, nf, msg, cap) != 0) return -1;
    if (o->k_continuous > 0 && o->variant != RNNTS_VARIANT_MOD) {
        snprintf(msg, cap, "--k-continuous %d needs --variant mod (the continuous-time model is the mod form)", o->k_continuous);
        return -1;
    }
    if (o->curriculum == RNNTS_CURR_SLIDING) {
        if (o->slide > o->window) { snprintf(msg, cap, "--slide %d: allowed 1..%d (the --window)", o->slide, o->window); return -1; }
        if (o->heads < o->window) {
            snprintf(msg, cap, "--heads %d: allowed %d..65536 (the sliding window needs --window heads)", o->heads, o->window);
            return -1;
        }
    }
    return 0;
}
