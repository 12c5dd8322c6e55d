/* libFuzzer target: the safetensors model loader (rnnts_rnn_load_mem) on arbitrary bytes. Any
   result code is fine; a crash, a sanitizer report, a leak or a hang is a bug. */
#ifndef RNNTS_FUZZ_SHARED_IMPL /* run.sh links one implementation compiled for every target */
#define RNNTS_IMPLEMENTATION
#endif
#include "../../rnnts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rnnts_rnn *net = NULL;
    rnnts_error err;
    if (rnnts_rnn_load_mem(data, size, NULL, &net, &err) == RNNTS_OK) {
        void *out = NULL;
        size_t n = 0;
        /* a loaded model must save again */
        if (rnnts_rnn_save_mem(net, &out, &n, &err) != RNNTS_OK) __builtin_trap();
        rnnts_free(&net->alloc, out);
        rnnts_rnn_destroy(net);
    }
    return 0;
}
