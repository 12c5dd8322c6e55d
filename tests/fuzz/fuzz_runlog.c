/* libFuzzer target: the reader of train's logs (tool/runlog.c) on arbitrary bytes, as JSON
   Lines (first byte even) or CSV (odd). Any result is fine; a crash, a sanitizer report (a read
   past the buffer: libFuzzer's data has no terminating NUL), a leak or a hang is a bug. */
#include <stddef.h>
#include <stdint.h>

#include "../../tool/runlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    runlog l;
    char msg[256];
    int csv;
    if (size < 1) return 0;
    csv = data[0] & 1;
    runlog_parse((const char *)data + 1, size - 1, csv, &l, msg, sizeof msg);
    /* what merge relies on: records in increasing epoch order, Ns in range */
    for (int i = 0; i < l.n; i++) {
        const runlog_rec *r = &l.rec[i];
        if (r->epoch < 1 || r->n_ns < 1 || r->n_ns > RUNLOG_MAX_NS || r->ns_lo < 1 || r->ns_lo > r->ns_hi) __builtin_trap();
        if (i > 0 && r->epoch <= l.rec[i - 1].epoch) __builtin_trap();
    }
    if (l.n_errors < 0 || l.n > l.cap) __builtin_trap();
    runlog_free(&l);
    return 0;
}
