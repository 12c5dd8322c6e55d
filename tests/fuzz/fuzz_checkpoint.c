/* libFuzzer target: training checkpoints (rnnts_trainer_resume_mem): the model loader plus the
   train_config / train_state metadata parser, the optimiser and mid-epoch state. Any result code
   is fine; a crash, a sanitizer report, a leak or a hang is a bug, and so is a checkpoint that
   resumes with a configuration rnnts_train_config_check rejects. */
#ifndef RNNTS_FUZZ_SHARED_IMPL /* run.sh links one implementation compiled for every target */
#define RNNTS_IMPLEMENTATION
#endif
#include "../../rnnts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rnnts_rnn *net = NULL;
    rnnts_trainer *tr = NULL;
    rnnts_error err;
    if (rnnts_trainer_resume_mem(data, size, NULL, NULL, &net, &tr, &err) == RNNTS_OK) {
        if (rnnts_train_config_check(rnnts_trainer_config(tr), net, &err) != RNNTS_OK) __builtin_trap();
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(net);
    }
    return 0;
}
