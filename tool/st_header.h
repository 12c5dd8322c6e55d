/* st_header.h — reads the JSON header of a safetensors file (tensor names, dtypes, shapes and the
   __metadata__ strings) for `rnnts info`, which shows everything a file holds, including the
   optimiser tensors and training metadata of checkpoints that rnnts_rnn_load does not expose.
   A small recursive-descent JSON reader; every read is bounds-checked.
   Implemented in st_header.c. */
#ifndef RNNTS_ST_HEADER_H
#define RNNTS_ST_HEADER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct st_tensor {
    char *name;
    char dtype[16];
    int ndim;
    int64_t shape[8];
    uint64_t begin, end;
} st_tensor;
typedef struct st_kv {
    char *key, *val;
} st_kv;
typedef struct st_header {
    int n_tensors, n_meta;
    st_tensor *t;
    st_kv *meta;
    uint64_t header_len, file_size;
} st_header;

/* Frees what st_header_read allocated. */
void st_header_free(st_header *h);
/* Reads the header of path. Returns 0 and fills h, or -1 with a message in msg. */
int st_header_read(const char *path, st_header *h, char *msg, size_t cap);

#endif /* RNNTS_ST_HEADER_H */
