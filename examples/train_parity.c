/* train_parity: the C API in about 40 lines. A 64-neuron leaky RNN with learnable tau learns
   N-parity under the multi-head curriculum (N = 2, then 2..3, then 2..4, ...) until it solves N = 5. */
#define RNNTS_IMPLEMENTATION
#include "../rnnts.h"
#include <stdio.h>

int main(void) {
    rnnts_rnn_config net_cfg = rnnts_rnn_config_default();
    net_cfg.hidden = 64;
    net_cfg.heads = 10;
    rnnts_train_config cfg = rnnts_train_config_default(); /* the reference's: SGD 0.05, Nesterov 0.1, clip 2 */
    cfg.curriculum = RNNTS_CURR_MULTI;
    cfg.batch = 64;
    cfg.steps_per_epoch = 200;
    cfg.test_batches = 10;
    cfg.target_n = 5;
    cfg.max_epochs = 40;
    cfg.seed = 1;
    rnnts_rnn *net = NULL;
    rnnts_trainer *trainer = NULL;
    rnnts_error err;
    rnnts_epoch_report r;
    int status = 1;
    if (rnnts_rnn_create(&net_cfg, cfg.seed, NULL, &net, &err) || rnnts_trainer_create(&cfg, net, NULL, NULL, &trainer, &err))
        goto fail;
    printf("%s\n", rnnts_build_info());
    do {
        if (rnnts_trainer_epoch(trainer, &r, &err)) goto fail;
        printf("epoch %2d  N = %d..%d  loss %.4f  accuracy: mean %5.1f %%, N = %d: %5.1f %%%s\n", r.epoch, r.ns[0],
               r.ns[r.n_ns - 1], (double)r.loss, (double)r.acc_mean, r.ns[r.n_ns - 1], (double)r.acc[r.n_ns - 1],
               r.solved ? "  solved" : "");
    } while (r.done == RNNTS_DONE_RUNNING);
    printf("%s\n", r.done == RNNTS_DONE_TARGET ? "target N solved" : "stopped before the target N (budget or curriculum over)");
    status = 0;
fail:
    if (status) fprintf(stderr, "train_parity: %s\n", err.msg);
    rnnts_trainer_destroy(trainer); /* both accept NULL */
    rnnts_rnn_destroy(net);
    return status;
}
