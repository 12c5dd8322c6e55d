/* libFuzzer target: the PyTorch checkpoint importer (zip + pickle; rnnts_import_torch_mem) on
   arbitrary bytes. Any result code is fine; a crash, a sanitizer report, a leak or a hang is a bug. */
#ifndef RNNTS_FUZZ_SHARED_IMPL /* run.sh links one implementation compiled for every target */
#define RNNTS_IMPLEMENTATION
#endif
#include "../../rnnts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rnnts_rnn *net = NULL;
    rnnts_error err;
    if (rnnts_import_torch_mem(data, size, NULL, &net, &err) == RNNTS_OK) rnnts_rnn_destroy(net);
    return 0;
}
