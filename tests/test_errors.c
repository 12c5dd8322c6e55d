/* test_errors.c — every error path returns its documented code and a message naming the field:
   configs, workspaces, forward/backward/stream, pools; the safetensors loader on malformed files
   (every prefix of a valid file, bad header lengths, bad JSON, dtypes, shapes, offsets, duplicate
   keys, checksums, non-finite data, missing/unknown tensors); save/load round trips in memory and
   through files; allocation failure at every allocation. Public API only. */
#define _POSIX_C_SOURCE 200809L
#include "test_common.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

/* The macro's error struct is err_; calls pass &err_. */

/* ---- configs ---------------------------------------------------------------------------------- */
static void bad_config(rnnts_rnn_config c, const char *field) {
    rnnts_rnn *net = NULL;
    EXPECT_ERR(rnnts_rnn_config_check(&c, &err_), RNNTS_ERR_INVALID_ARG, field);
    EXPECT_ERR(rnnts_rnn_create(&c, 1, NULL, &net, &err_), RNNTS_ERR_INVALID_ARG, field);
    cr_assert_null(net);
    net = (rnnts_rnn *)(uintptr_t)1;
    EXPECT_ERR(rnnts_rnn_create_zero(&c, NULL, &net, &err_), RNNTS_ERR_INVALID_ARG, field);
    cr_assert_null(net);
    cr_assert_eq(rnnts_rnn_param_count(&c), 0);
}
Test(errors, invalid_config_fields) {
    rnnts_rnn_config d = rnnts_rnn_config_default(), c;
    cr_assert_eq(rnnts_rnn_config_check(&d, NULL), RNNTS_OK);
    cr_assert_eq(d.hidden, 500);
    cr_assert_eq(d.heads, 1);
    c = d; c.hidden = 0; bad_config(c, "hidden");
    c = d; c.hidden = -3; bad_config(c, "hidden");
    c = d; c.hidden = 65537; bad_config(c, "hidden");
    c = d; c.heads = 0; bad_config(c, "heads");
    c = d; c.heads = -1; bad_config(c, "heads");
    c = d; c.variant = (rnnts_variant)2; bad_config(c, "variant");
    c = d; c.variant = (rnnts_variant)-1; bad_config(c, "variant");
    c = d; c.activation = (rnnts_activation)4; bad_config(c, "activation");
    c = d; c.activation = (rnnts_activation)-1; bad_config(c, "activation");
    c = d; c.train_tau = 2; bad_config(c, "train_tau");
    c = d; c.train_tau = 0; c.fixed_tau = 0.5f; bad_config(c, "fixed_tau");
    c = d; c.train_tau = 0; c.fixed_tau = 0.99999994f; bad_config(c, "fixed_tau");
    c = d; c.train_tau = 0; c.fixed_tau = NAN; bad_config(c, "fixed_tau");
    c = d; c.train_tau = 0; c.fixed_tau = INFINITY; bad_config(c, "fixed_tau");
    c = d; c.tau_init = NAN; bad_config(c, "tau_init");
    c = d; c.tau_init = -INFINITY; bad_config(c, "tau_init");
    c = d; c.tau_init = -1.0f; bad_config(c, "tau_init");
    c = d; c.k_continuous = 2; bad_config(c, "k_continuous"); /* default variant */
    c = d; c.k_continuous = -1; c.variant = RNNTS_VARIANT_MOD; bad_config(c, "k_continuous");
    EXPECT_ERR(rnnts_rnn_config_check(NULL, &err_), RNNTS_ERR_INVALID_ARG, "config");
    /* the boundary values are accepted */
    c = d; c.train_tau = 0; c.fixed_tau = 1.0f; cr_assert_eq(rnnts_rnn_config_check(&c, NULL), RNNTS_OK);
    c = d; c.k_continuous = 2; c.variant = RNNTS_VARIANT_MOD; cr_assert_eq(rnnts_rnn_config_check(&c, NULL), RNNTS_OK);
    c = d; c.hidden = 1; cr_assert_eq(rnnts_rnn_param_count(&c), 1 + 3 + 1 + 4);
}

/* Every constructor sets *out = NULL when it fails (create_zero, ws_create, pool_create and
   load_mem do); rnnts_rnn_create leaves *out untouched and does not check out for NULL. */
Test(errors, create_sets_out_null_on_failure) {
    rnnts_rnn_config c = rnnts_rnn_config_default();
    rnnts_rnn *net = (rnnts_rnn *)(uintptr_t)1;
    c.hidden = 0;
    EXPECT_ERR(rnnts_rnn_create(&c, 1, NULL, &net, &err_), RNNTS_ERR_INVALID_ARG, "hidden");
    cr_assert_null(net, "rnnts_rnn_create must set *out = NULL on failure (it left %p)", (void *)net);
    c.hidden = 4;
    EXPECT_ERR(rnnts_rnn_create(&c, 1, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "out");
}

Test(errors, ws_create_and_pool_bad_sizes) {
    tc_netspec s = {5, 2, 0, 0, 0, 0, 1.0f, 1};
    rnnts_rnn *net = tc_make_net(&s);
    rnnts_rnn_ws *ws = (rnnts_rnn_ws *)(uintptr_t)1;
    rnnts_pool *pool = (rnnts_pool *)(uintptr_t)1;
    EXPECT_ERR(rnnts_rnn_ws_create(net, 0, 5, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_batch");
    cr_assert_null(ws);
    EXPECT_ERR(rnnts_rnn_ws_create(net, -4, 5, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_batch");
    EXPECT_ERR(rnnts_rnn_ws_create(net, (1 << 24) + 1, 5, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_batch");
    EXPECT_ERR(rnnts_rnn_ws_create(net, 4, 0, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_len");
    EXPECT_ERR(rnnts_rnn_ws_create(net, 4, -1, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_len");
    EXPECT_ERR(rnnts_rnn_ws_create(net, 4, (1 << 24) + 1, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_len");
    EXPECT_ERR(rnnts_rnn_ws_create(NULL, 4, 4, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "net");
    EXPECT_ERR(rnnts_rnn_ws_create(net, 4, 4, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "out");
    EXPECT_ERR(rnnts_pool_create(0, NULL, &pool, &err_), RNNTS_ERR_INVALID_ARG, "threads");
    cr_assert_null(pool);
    EXPECT_ERR(rnnts_pool_create(1025, NULL, &pool, &err_), RNNTS_ERR_INVALID_ARG, "threads");
    EXPECT_ERR(rnnts_pool_create(2, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "out");
    cr_assert_eq(rnnts_pool_threads(NULL), 1);
    rnnts_pool_destroy(NULL);
    rnnts_rnn_ws_destroy(NULL);
    rnnts_rnn_destroy(NULL);
    rnnts_rnn_destroy(net);
}

/* ---- forward / backward / stream ---------------------------------------------------------------- */
typedef struct {
    rnnts_rnn *net;
    rnnts_rnn_ws *ws;
    tc_batch tb;
    float grad[200], logits[64], out[4096], loss;
} fx;
static void fx_init(fx *f) {
    static const int heads[2] = {2, 0};
    tc_netspec s = {5, 3, 0, 0, 0, 0, 1.0f, 3};
    memset(f, 0, sizeof *f);
    f->net = tc_make_net(&s);
    cr_assert_lt(f->net->n_param, 200);
    cr_assert_eq(rnnts_rnn_ws_create(f->net, 4, 6, NULL, &f->ws, NULL), RNNTS_OK);
    tc_make_batch(&f->tb, 5, 4, 6, 2, heads, 9, 0.2f);
}
static void fx_fini(fx *f) {
    tc_free_batch(&f->tb);
    rnnts_rnn_ws_destroy(f->ws);
    rnnts_rnn_destroy(f->net);
}
#define FWD(f) rnnts_rnn_forward((f)->ws, (f)->net, &(f)->tb.bt, NULL, (f)->logits, &(f)->loss, &err_)

Test(errors, forward_bad_batches) {
    fx f;
    fx_init(&f);
    cr_assert_eq(rnnts_rnn_forward(f.ws, f.net, &f.tb.bt, NULL, f.logits, &f.loss, NULL), RNNTS_OK);
    f.tb.bt.batch = 5; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "batch");
    f.tb.bt.batch = 0; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "batch");
    f.tb.bt.batch = 4;
    f.tb.bt.len = 7; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "len");
    f.tb.bt.len = 0; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "len");
    f.tb.bt.len = 6;
    f.tb.heads[1] = 3; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "heads[1]");
    f.tb.heads[1] = -1; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "heads[1]");
    f.tb.heads[1] = 2; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "repeats");
    f.tb.heads[1] = 0;
    f.tb.bt.n_active = 0; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "n_active");
    f.tb.bt.n_active = 4; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "n_active");
    f.tb.bt.n_active = 2;
    f.tb.labels[5] = 2; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "labels[1][1]");
    f.tb.labels[5] = -1; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "labels");
    f.tb.labels[5] = 1;
    f.tb.input[7] = NAN; EXPECT_ERR(FWD(&f), RNNTS_ERR_NONFINITE, "input[7]");
    f.tb.input[7] = -INFINITY; EXPECT_ERR(FWD(&f), RNNTS_ERR_NONFINITE, "input");
    f.tb.input[7] = 1.0f;
    f.tb.h0[6] = NAN; EXPECT_ERR(FWD(&f), RNNTS_ERR_NONFINITE, "h0[1][1]");
    f.tb.h0[6] = 0.0f;
    f.tb.bt.labels = NULL; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "labels");
    f.tb.bt.labels = f.tb.labels;
    f.tb.bt.heads = NULL; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "heads");
    f.tb.bt.heads = f.tb.heads;
    f.tb.bt.input = NULL; EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "input");
    f.tb.bt.input = f.tb.input;
    f.net->tau[2] = INFINITY; EXPECT_ERR(FWD(&f), RNNTS_ERR_NONFINITE, "tau[2]");
    f.net->tau[2] = 1.5f;
    EXPECT_ERR(rnnts_rnn_forward(NULL, f.net, &f.tb.bt, NULL, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "ws");
    {
        /* a workspace made for another network shape */
        tc_netspec s2 = {6, 3, 0, 0, 0, 0, 1.0f, 3};
        rnnts_rnn *other = tc_make_net(&s2);
        EXPECT_ERR(rnnts_rnn_forward(f.ws, other, &f.tb.bt, NULL, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "workspace");
        rnnts_rnn_destroy(other);
    }
    cr_assert_eq(rnnts_rnn_forward(f.ws, f.net, &f.tb.bt, NULL, f.logits, &f.loss, NULL), RNNTS_OK, "valid again");
    fx_fini(&f);
}

/* A NaN tau must be reported, not clamped away: max(NaN, 1) = 1 in the a > b ? a : b convention. */
Test(errors, nan_tau_is_rejected) {
    fx f;
    fx_init(&f);
    f.net->tau[2] = NAN;
    EXPECT_ERR(FWD(&f), RNNTS_ERR_NONFINITE, "tau[2]");
    EXPECT_ERR(rnnts_rnn_stream(f.ws, f.net, &f.tb.bt, NULL, f.out, NULL, &err_), RNNTS_ERR_NONFINITE, "tau[2]");
    fx_fini(&f);
}

Test(errors, stream_bad_batches) {
    fx f;
    fx_init(&f);
    EXPECT_ERR(rnnts_rnn_stream(f.ws, f.net, &f.tb.bt, NULL, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "out");
    f.tb.bt.batch = 5;
    EXPECT_ERR(rnnts_rnn_stream(f.ws, f.net, &f.tb.bt, NULL, f.out, NULL, &err_), RNNTS_ERR_INVALID_ARG, "batch");
    f.tb.bt.batch = 4;
    f.tb.input[3] = NAN;
    EXPECT_ERR(rnnts_rnn_stream(f.ws, f.net, &f.tb.bt, NULL, f.out, NULL, &err_), RNNTS_ERR_NONFINITE, "input[3]");
    f.tb.input[3] = 0.0f;
    /* labels and heads are ignored by stream mode */
    f.tb.labels[0] = 7;
    f.tb.bt.heads = NULL;
    cr_assert_eq(rnnts_rnn_stream(f.ws, f.net, &f.tb.bt, NULL, f.out, NULL, NULL), RNNTS_OK);
    fx_fini(&f);
}

Test(errors, backward_out_of_order) {
    fx f;
    fx_init(&f);
    EXPECT_ERR(rnnts_rnn_backward(f.ws, f.net, NULL, f.grad, &err_), RNNTS_ERR_STATE, "forward");
    /* forward without labels: no loss to differentiate */
    f.tb.bt.labels = NULL;
    cr_assert_eq(rnnts_rnn_forward(f.ws, f.net, &f.tb.bt, NULL, f.logits, NULL, NULL), RNNTS_OK);
    EXPECT_ERR(rnnts_rnn_backward(f.ws, f.net, NULL, f.grad, &err_), RNNTS_ERR_STATE, "labels");
    f.tb.bt.labels = f.tb.labels;
    cr_assert_eq(rnnts_rnn_forward(f.ws, f.net, &f.tb.bt, NULL, f.logits, &f.loss, NULL), RNNTS_OK);
    EXPECT_ERR(rnnts_rnn_backward(f.ws, f.net, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "grad");
    cr_assert_eq(rnnts_rnn_backward(f.ws, f.net, NULL, f.grad, NULL), RNNTS_OK);
    /* a second backward needs a new forward */
    EXPECT_ERR(rnnts_rnn_backward(f.ws, f.net, NULL, f.grad, &err_), RNNTS_ERR_STATE, "forward");
    /* stream mode in between invalidates the forward state */
    cr_assert_eq(rnnts_rnn_forward(f.ws, f.net, &f.tb.bt, NULL, f.logits, &f.loss, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_stream(f.ws, f.net, &f.tb.bt, NULL, f.out, NULL, NULL), RNNTS_OK);
    EXPECT_ERR(rnnts_rnn_backward(f.ws, f.net, NULL, f.grad, &err_), RNNTS_ERR_STATE, "forward");
    fx_fini(&f);
}

/* A forward that fails must not leave the previous forward's state usable: backward is then "out
   of order" (its result would mix the old pass with the new batch's heads and labels). */
Test(errors, backward_after_failed_forward) {
    fx f;
    fx_init(&f);
    cr_assert_eq(rnnts_rnn_forward(f.ws, f.net, &f.tb.bt, NULL, f.logits, &f.loss, NULL), RNNTS_OK);
    f.tb.heads[0] = 1;  /* new heads are copied into the workspace ... */
    f.tb.labels[6] = 2; /* ... before the bad label is found */
    EXPECT_ERR(FWD(&f), RNNTS_ERR_INVALID_ARG, "labels");
    EXPECT_ERR(rnnts_rnn_backward(f.ws, f.net, NULL, f.grad, &err_), RNNTS_ERR_STATE, "forward");
    f.tb.labels[6] = 1;
    cr_assert_eq(rnnts_rnn_forward(f.ws, f.net, &f.tb.bt, NULL, f.logits, &f.loss, NULL), RNNTS_OK);
    f.tb.input[0] = NAN;
    EXPECT_ERR(FWD(&f), RNNTS_ERR_NONFINITE, "input");
    EXPECT_ERR(rnnts_rnn_backward(f.ws, f.net, NULL, f.grad, &err_), RNNTS_ERR_STATE, "forward");
    fx_fini(&f);
}

/* ---- safetensors files built by hand -------------------------------------------------------- */
typedef struct {
    char name[64], dtype[8];
    int ndim;
    uint64_t shape[4], begin, end;
} st_ent;
typedef struct {
    st_ent e[40];
    int n;
    unsigned char *data;
    size_t dsize;
    char meta[4096]; /* members of __metadata__ without braces; "" for none */
    int has_meta, meta_last;
} st_file;

static void st_put_le(unsigned char *p, float f) {
    uint32_t u = tc_bits(f);
    p[0] = (unsigned char)u; p[1] = (unsigned char)(u >> 8); p[2] = (unsigned char)(u >> 16); p[3] = (unsigned char)(u >> 24);
}
/* Entries, data and metadata of net, in tensor order; checksum when asked. */
static void st_from_net(st_file *f, const rnnts_rnn *net, int checksum) {
    size_t off = 0;
    memset(f, 0, sizeof *f);
    f->dsize = net->n_param * 4;
    f->data = (unsigned char *)tc_xmalloc(f->dsize + 64);
    for (size_t q = 0; q < net->n_param; q++) st_put_le(f->data + 4 * q, net->param[q]);
    for (int t = 0; t < rnnts_rnn_tensor_count(net); t++) {
        rnnts_tensor_info ti;
        rnnts_rnn_tensor(net, t, &ti);
        snprintf(f->e[t].name, 64, "%s", ti.name);
        snprintf(f->e[t].dtype, 8, "F32");
        f->e[t].ndim = ti.ndim;
        f->e[t].shape[0] = (uint64_t)ti.shape[0];
        f->e[t].shape[1] = (uint64_t)ti.shape[1];
        f->e[t].begin = off;
        f->e[t].end = off + ti.count * 4;
        off += ti.count * 4;
    }
    f->n = rnnts_rnn_tensor_count(net);
    f->has_meta = 1;
    if (checksum)
        snprintf(f->meta, sizeof f->meta, "\"format\":\"rnnts\",\"checksum_xxh3\":\"%016llx\"",
                 (unsigned long long)rnnts_xxh3_64(f->data, f->dsize));
    else
        snprintf(f->meta, sizeof f->meta, "\"format\":\"rnnts\"");
}
static void st_free(st_file *f) { free(f->data); }
/* Assembles header (padded with spaces to a multiple of 8) and data. */
static unsigned char *st_raw(const char *hdr, size_t hlen, const unsigned char *data, size_t dsize, size_t *size) {
    size_t padded = (hlen + 7) / 8 * 8;
    unsigned char *out = (unsigned char *)tc_xmalloc(8 + padded + dsize);
    for (int k = 0; k < 8; k++) out[k] = (unsigned char)((uint64_t)padded >> (8 * k));
    memcpy(out + 8, hdr, hlen);
    memset(out + 8 + hlen, ' ', padded - hlen);
    if (dsize) memcpy(out + 8 + padded, data, dsize);
    *size = 8 + padded + dsize;
    return out;
}
static char *st_header(const st_file *f) {
    size_t cap = 8192 + (size_t)f->n * 256, n = 0;
    char *h = (char *)tc_xmalloc(cap);
    int first = 1;
    n += (size_t)snprintf(h + n, cap - n, "{");
    if (f->has_meta && !f->meta_last) { n += (size_t)snprintf(h + n, cap - n, "\"__metadata__\":{%s}", f->meta); first = 0; }
    for (int t = 0; t < f->n; t++) {
        const st_ent *e = &f->e[t];
        n += (size_t)snprintf(h + n, cap - n, "%s\"%s\":{\"dtype\":\"%s\",\"shape\":[", first ? "" : ",", e->name, e->dtype);
        for (int d = 0; d < e->ndim; d++) n += (size_t)snprintf(h + n, cap - n, d ? ",%llu" : "%llu", (unsigned long long)e->shape[d]);
        n += (size_t)snprintf(h + n, cap - n, "],\"data_offsets\":[%llu,%llu]}", (unsigned long long)e->begin, (unsigned long long)e->end);
        first = 0;
    }
    if (f->has_meta && f->meta_last) n += (size_t)snprintf(h + n, cap - n, "%s\"__metadata__\":{%s}", first ? "" : ",", f->meta);
    snprintf(h + n, cap - n, "}");
    return h;
}
static unsigned char *st_build(const st_file *f, size_t *size) {
    char *h = st_header(f);
    unsigned char *out = st_raw(h, strlen(h), f->data, f->dsize, size);
    free(h);
    return out;
}
/* Removes tensor idx and its bytes (later offsets shift down). */
static void st_drop(st_file *f, int idx) {
    uint64_t b = f->e[idx].begin, len = f->e[idx].end - f->e[idx].begin;
    memmove(f->data + b, f->data + b + len, f->dsize - b - len);
    f->dsize -= len;
    for (int t = idx; t + 1 < f->n; t++) f->e[t] = f->e[t + 1];
    f->n--;
    for (int t = 0; t < f->n; t++)
        if (f->e[t].begin > b) { f->e[t].begin -= len; f->e[t].end -= len; }
}
static int st_find(const st_file *f, const char *name) {
    for (int t = 0; t < f->n; t++)
        if (!strcmp(f->e[t].name, name)) return t;
    cr_assert_fail("no tensor %s", name);
    return -1;
}

/* Loads a buffer copied into an exactly-sized allocation; returns the code, checks the contract. */
static rnnts_result load_exact(const unsigned char *bytes, size_t size, rnnts_error *err, rnnts_rnn **keep) {
    unsigned char *copy = (unsigned char *)malloc(size ? size : 1);
    rnnts_rnn *net = (rnnts_rnn *)(uintptr_t)1;
    rnnts_result r;
    cr_assert(copy);
    if (size) memcpy(copy, bytes, size);
    memset(err, 0, sizeof *err);
    r = rnnts_rnn_load_mem(copy, size, NULL, &net, err);
    free(copy);
    if (r != RNNTS_OK) {
        cr_assert_null(net, "failed load must leave *out NULL");
        cr_assert_eq(err->code, r);
        cr_assert(err->msg[0] != 0, "failed load (%d) without a message", (int)r);
    } else cr_assert_not_null(net);
    if (keep) *keep = net;
    else rnnts_rnn_destroy(net);
    return r;
}
static void expect_load(const st_file *f, rnnts_result code, const char *field) {
    size_t size;
    unsigned char *b = st_build(f, &size);
    rnnts_error err;
    rnnts_result r = load_exact(b, size, &err, NULL);
    char *h = st_header(f);
    cr_assert_eq(r, code, "load returned %d (%s), expected %d (%s); message: %s\nheader: %s", (int)r, rnnts_result_string(r),
                 (int)code, rnnts_result_string(code), err.msg, h);
    if (field) cr_assert(strstr(err.msg, field) != NULL, "message '%s' does not name '%s'", err.msg, field);
    free(h);
    free(b);
}
static rnnts_rnn *small_net(void) {
    tc_netspec s = {3, 2, 0, 0, 0, 0, 1.0f, 77};
    return tc_make_net(&s);
}

Test(loader, hand_built_valid_file_loads) {
    rnnts_rnn *net = small_net(), *got;
    st_file f;
    size_t size;
    unsigned char *b;
    rnnts_error err;
    st_from_net(&f, net, 1);
    b = st_build(&f, &size);
    cr_assert_eq(load_exact(b, size, &err, &got), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(got->n_param, net->n_param);
    cr_assert_eq(memcmp(got->param, net->param, net->n_param * 4), 0);
    cr_assert_eq(got->H, 3);
    cr_assert_eq(got->K, 2);
    cr_assert_eq(got->cfg.train_tau, 1);
    rnnts_rnn_destroy(got);
    free(b);
    /* without metadata at all (as PyTorch's safetensors writes it) */
    f.has_meta = 0;
    expect_load(&f, RNNTS_OK, NULL);
    st_free(&f);
    rnnts_rnn_destroy(net);
}

/* JSON allows the members in any order; __metadata__ last is as valid as first. */
Test(loader, metadata_last_member) {
    rnnts_rnn *net = small_net();
    st_file f;
    st_from_net(&f, net, 1);
    f.meta_last = 1;
    expect_load(&f, RNNTS_OK, NULL);
    f.n = 0; /* only metadata: valid JSON, no tensors */
    f.dsize = 0;
    expect_load(&f, RNNTS_ERR_MISSING, "modulelist.1.weight");
    st_free(&f);
    rnnts_rnn_destroy(net);
}

Test(loader, every_prefix_fails_cleanly, .timeout = 60) {
    rnnts_rnn *net = small_net();
    void *file;
    size_t size;
    rnnts_error err;
    cr_assert_eq(rnnts_rnn_save_mem(net, &file, &size, NULL), RNNTS_OK);
    for (size_t n = 0; n < size; n++) {
        rnnts_result r = load_exact((const unsigned char *)file, n, &err, NULL);
        cr_assert_neq(r, RNNTS_OK, "prefix of %zu of %zu bytes loaded", n, size);
        if (n < 8) cr_assert_eq(r, RNNTS_ERR_TRUNCATED, "prefix %zu: %s", n, err.msg);
    }
    cr_assert_eq(load_exact((const unsigned char *)file, size, &err, NULL), RNNTS_OK, "%s", err.msg);
    {
        rnnts_rnn *other;
        EXPECT_ERR(rnnts_rnn_load_mem(NULL, 10, NULL, &other, &err_), RNNTS_ERR_INVALID_ARG, "data");
        EXPECT_ERR(rnnts_rnn_load_mem(file, size, NULL, NULL, &err_), RNNTS_ERR_INVALID_ARG, "out");
    }
    rnnts_free(NULL, file);
    rnnts_rnn_destroy(net);
}

Test(loader, bad_header_length) {
    rnnts_rnn *net = small_net();
    void *file;
    size_t size;
    unsigned char *b;
    rnnts_error err;
    uint64_t hlen = 0;
    cr_assert_eq(rnnts_rnn_save_mem(net, &file, &size, NULL), RNNTS_OK);
    b = (unsigned char *)file;
    for (int k = 0; k < 8; k++) hlen |= (uint64_t)b[k] << (8 * k);
    cr_assert_eq(hlen % 8, 0, "header not padded to 8 bytes");
    cr_assert_eq(b[8], '{');
    {
        const uint64_t bad[] = {size - 7, size, UINT64_MAX, (uint64_t)1 << 63};
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 8; k++) b[k] = (unsigned char)(bad[i] >> (8 * k));
            cr_assert_eq(load_exact(b, size, &err, NULL), RNNTS_ERR_TRUNCATED, "hlen %llu: %s", (unsigned long long)bad[i], err.msg);
            cr_assert(strstr(err.msg, "header length") != NULL, "%s", err.msg);
        }
    }
    {
        const uint64_t bad[] = {0, 1, hlen - 1, hlen - 8, hlen + 4, 2};
        for (int i = 0; i < 6; i++) {
            rnnts_result r;
            for (int k = 0; k < 8; k++) b[k] = (unsigned char)(bad[i] >> (8 * k));
            r = load_exact(b, size, &err, NULL);
            cr_assert(r == RNNTS_ERR_JSON || r == RNNTS_ERR_OFFSETS, "hlen %llu (real %llu): %d %s", (unsigned long long)bad[i],
                      (unsigned long long)hlen, (int)r, err.msg);
            /* hlen - 1 only drops a padding space: the JSON is complete, the data one byte longer */
            if (bad[i] < hlen - 7) cr_assert_eq(r, RNNTS_ERR_JSON, "hlen %llu: %s", (unsigned long long)bad[i], err.msg);
        }
    }
    rnnts_free(NULL, file);
    rnnts_rnn_destroy(net);
}

Test(loader, bad_json) {
    static const struct { const char *hdr; rnnts_result code; } cases[] = {
        {"[]", RNNTS_ERR_JSON},
        {"{", RNNTS_ERR_JSON},
        {"{}}", RNNTS_ERR_JSON},
        {"{} x", RNNTS_ERR_JSON},
        {"{\"a\":1}", RNNTS_ERR_JSON},
        {"{\"a\" {}}", RNNTS_ERR_JSON},
        {"{\"abc:{}}", RNNTS_ERR_JSON},
        {"{a:{}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1e0],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1,],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[[1]],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\"0,4\"}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":F32,\"shape\":[1],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\" \"shape\":[1],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\\q\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\\u12\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"t\x01\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", RNNTS_ERR_JSON},
        {"{\"__metadata__\":{\"a\":1}}", RNNTS_ERR_JSON},
        {"{\"__metadata__\":{\"a\":\"b\",}}", RNNTS_ERR_JSON},
        {"{\"__metadata__\":[]}", RNNTS_ERR_JSON},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", RNNTS_ERR_FORMAT},
        {"{\"t\":{}}", RNNTS_ERR_FORMAT},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}", RNNTS_ERR_FORMAT},
        {"{\"t\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}}", RNNTS_ERR_SHAPE},
    };
    unsigned char data[4] = {0, 0, 0x80, 0x3f};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t size;
        rnnts_error err;
        unsigned char *b = st_raw(cases[i].hdr, strlen(cases[i].hdr), data, 4, &size);
        rnnts_result r = load_exact(b, size, &err, NULL);
        cr_assert_eq(r, cases[i].code, "header %s: returned %d (%s), expected %d; message: %s", cases[i].hdr, (int)r,
                     rnnts_result_string(r), (int)cases[i].code, err.msg);
        free(b);
    }
}

Test(loader, dtype_shape_offsets) {
    rnnts_rnn *net = small_net();
    st_file f, g;
    st_from_net(&f, net, 1);
    /* wrong dtype */
    g = f; snprintf(g.e[3].dtype, 8, "F16"); expect_load(&g, RNNTS_ERR_DTYPE, "modulelist.1.weight");
    g = f; snprintf(g.e[0].dtype, 8, "F64"); expect_load(&g, RNNTS_ERR_DTYPE, "parameterlist.0");
    /* wrong shapes, same byte count */
    g = f; g.e[3].ndim = 1; g.e[3].shape[0] = 9; expect_load(&g, RNNTS_ERR_SHAPE, "modulelist.1.weight");
    g = f; g.e[1].shape[0] = 1; g.e[1].shape[1] = 3; expect_load(&g, RNNTS_ERR_SHAPE, "modulelist.0.weight");
    g = f; g.e[5].shape[0] = 3; g.e[5].shape[1] = 2; expect_load(&g, RNNTS_ERR_SHAPE, "modulelist.2.weight");
    g = f; g.e[2].ndim = 2; g.e[2].shape[1] = 1; expect_load(&g, RNNTS_ERR_SHAPE, "modulelist.0.bias");
    /* shape that does not match the byte count */
    g = f; g.e[4].shape[0] = 4; expect_load(&g, RNNTS_ERR_SHAPE, "modulelist.1.bias");
    /* offsets beyond the data */
    g = f; g.e[g.n - 1].end += 4; g.e[g.n - 1].begin += 4; expect_load(&g, RNNTS_ERR_OFFSETS, "modulelist.3.bias");
    g = f; g.e[0].begin = 8; g.e[0].end = 4; expect_load(&g, RNNTS_ERR_OFFSETS, "parameterlist.0");
    g = f; g.e[3].begin = UINT64_C(1) << 52; g.e[3].end = g.e[3].begin + 36; expect_load(&g, RNNTS_ERR_OFFSETS, "modulelist.1.weight");
    /* overlapping: modulelist.0.bias (12 bytes) on top of modulelist.0.weight (12 bytes) */
    g = f; g.e[2].begin = g.e[1].begin; g.e[2].end = g.e[1].end; expect_load(&g, RNNTS_ERR_OFFSETS, "overlap");
    /* a hole: 4 unindexed bytes after parameterlist.0 */
    g = f;
    g.data = (unsigned char *)tc_xmalloc(f.dsize + 4);
    memcpy(g.data, f.data, 12);
    memset(g.data + 12, 0, 4);
    memcpy(g.data + 16, f.data + 12, f.dsize - 12);
    g.dsize = f.dsize + 4;
    for (int t = 1; t < g.n; t++) { g.e[t].begin += 4; g.e[t].end += 4; }
    expect_load(&g, RNNTS_ERR_OFFSETS, "hole");
    /* unindexed bytes at the end */
    memcpy(g.data, f.data, f.dsize);
    memset(g.data + f.dsize, 0, 4);
    for (int t = 0; t < g.n; t++) g.e[t] = f.e[t];
    expect_load(&g, RNNTS_ERR_OFFSETS, "cover");
    free(g.data);
    /* tensors listed out of order in the header are fine */
    g = f;
    { st_ent tmp = g.e[0]; g.e[0] = g.e[4]; g.e[4] = tmp; }
    expect_load(&g, RNNTS_OK, NULL);
    st_free(&f);
    rnnts_rnn_destroy(net);
}

Test(loader, duplicates_checksum_nonfinite) {
    rnnts_rnn *net = small_net();
    st_file f, g;
    size_t size;
    unsigned char *b;
    rnnts_error err;
    char *h;
    st_from_net(&f, net, 1);
    /* duplicate tensor key */
    g = f; g.e[g.n] = g.e[2]; g.n++; expect_load(&g, RNNTS_ERR_DUPLICATE, "modulelist.0.bias");
    /* duplicate metadata key */
    g = f; snprintf(g.meta, sizeof g.meta, "\"format\":\"rnnts\",\"task\":\"a\",\"task\":\"b\""); expect_load(&g, RNNTS_ERR_DUPLICATE, "task");
    /* duplicate field inside a tensor, and __metadata__ twice (raw headers) */
    h = st_header(&f);
    {
        char *p = strstr(h, "\"dtype\":\"F32\""), *q = (char *)tc_xmalloc(strlen(h) + 64);
        size_t pre = (size_t)(p - h);
        memcpy(q, h, pre);
        sprintf(q + pre, "\"dtype\":\"F32\",%s", p);
        b = st_raw(q, strlen(q), f.data, f.dsize, &size);
        cr_assert_eq(load_exact(b, size, &err, NULL), RNNTS_ERR_DUPLICATE, "%s", err.msg);
        cr_assert(strstr(err.msg, "dtype") != NULL, "%s", err.msg);
        free(b);
        sprintf(q, "{\"__metadata__\":{},%s", h + 1);
        b = st_raw(q, strlen(q), f.data, f.dsize, &size);
        cr_assert_eq(load_exact(b, size, &err, NULL), RNNTS_ERR_DUPLICATE, "%s", err.msg);
        cr_assert(strstr(err.msg, "__metadata__") != NULL, "%s", err.msg);
        free(b);
        free(q);
    }
    free(h);
    /* checksum mismatch: one data byte flipped (lowest mantissa bit of w[0][1]) */
    g = f;
    g.data = (unsigned char *)tc_xmalloc(f.dsize);
    memcpy(g.data, f.data, f.dsize);
    g.data[g.e[3].begin + 4] ^= 1;
    expect_load(&g, RNNTS_ERR_CHECKSUM, "checksum");
    /* the same file without the checksum loads */
    snprintf(g.meta, sizeof g.meta, "\"format\":\"rnnts\"");
    expect_load(&g, RNNTS_OK, NULL);
    /* a malformed checksum string is a mismatch too */
    snprintf(g.meta, sizeof g.meta, "\"checksum_xxh3\":\"xyz\"");
    expect_load(&g, RNNTS_ERR_CHECKSUM, "checksum");
    /* NaN and infinity in the data (no checksum, so the value check is what fails) */
    snprintf(g.meta, sizeof g.meta, "\"format\":\"rnnts\"");
    memcpy(g.data, f.data, f.dsize);
    st_put_le(g.data + g.e[4].begin + 8, NAN);
    expect_load(&g, RNNTS_ERR_NONFINITE, "modulelist.1.bias");
    memcpy(g.data, f.data, f.dsize);
    st_put_le(g.data + g.e[6].begin, -INFINITY);
    expect_load(&g, RNNTS_ERR_NONFINITE, "modulelist.2.bias");
    memcpy(g.data, f.data, f.dsize);
    st_put_le(g.data + 4, NAN); /* tau */
    expect_load(&g, RNNTS_ERR_NONFINITE, "parameterlist.0");
    free(g.data);
    st_free(&f);
    rnnts_rnn_destroy(net);
}

static void expect_missing(const rnnts_rnn *net, const char *name) {
    st_file f;
    st_from_net(&f, net, 0);
    st_drop(&f, st_find(&f, name));
    expect_load(&f, RNNTS_ERR_MISSING, name);
    st_free(&f);
}
Test(loader, missing_tensor) {
    rnnts_rnn *net = small_net();
    expect_missing(net, "modulelist.1.weight");
    expect_missing(net, "parameterlist.0");
    expect_missing(net, "modulelist.0.weight");
    expect_missing(net, "modulelist.0.bias");
    expect_missing(net, "modulelist.1.bias");
    expect_missing(net, "modulelist.2.bias");
    expect_missing(net, "modulelist.3.bias");
    rnnts_rnn_destroy(net);
}

Test(loader, unknown_tensor_and_metadata) {
    rnnts_rnn *net = small_net();
    st_file f, g;
    st_from_net(&f, net, 0);
    g = f;
    g.data = (unsigned char *)tc_xmalloc(f.dsize + 4);
    memcpy(g.data, f.data, f.dsize);
    st_put_le(g.data + f.dsize, 1.0f);
    g.dsize = f.dsize + 4;
    snprintf(g.e[g.n].name, 64, "extra.weight");
    snprintf(g.e[g.n].dtype, 8, "F32");
    g.e[g.n].ndim = 1; g.e[g.n].shape[0] = 1; g.e[g.n].begin = f.dsize; g.e[g.n].end = f.dsize + 4;
    g.n++;
    expect_load(&g, RNNTS_ERR_FORMAT, "extra.weight");
    free(g.data);
    g = f; snprintf(g.meta, sizeof g.meta, "\"model\":\"transformer\""); expect_load(&g, RNNTS_ERR_FORMAT, "model");
    /* an RNN's tensors under model "gru" (issue 6): the GRU's cell tensors are missing */
    g = f; snprintf(g.meta, sizeof g.meta, "\"model\":\"gru\""); expect_load(&g, RNNTS_ERR_MISSING, "gru.weight_hh_l0");
    g = f; snprintf(g.meta, sizeof g.meta, "\"variant\":\"fancy\""); expect_load(&g, RNNTS_ERR_FORMAT, "variant");
    g = f; snprintf(g.meta, sizeof g.meta, "\"activation\":\"gelu\""); expect_load(&g, RNNTS_ERR_FORMAT, "activation");
    g = f; snprintf(g.meta, sizeof g.meta, "\"k_continuous\":\"-2\""); expect_load(&g, RNNTS_ERR_FORMAT, "k_continuous");
    g = f; snprintf(g.meta, sizeof g.meta, "\"tau_init\":\"nan\""); expect_load(&g, RNNTS_ERR_FORMAT, "tau_init");
    g = f; snprintf(g.meta, sizeof g.meta, "\"tau\":\"fixed\""); expect_load(&g, RNNTS_ERR_SHAPE, "parameterlist.0");
    g = f; snprintf(g.meta, sizeof g.meta, "\"tau\":\"sometimes\""); expect_load(&g, RNNTS_ERR_FORMAT, "tau");
    st_free(&f);
    rnnts_rnn_destroy(net);
}

/* A file that describes an invalid config: the message keeps the config checker's field name. */
Test(loader, invalid_network_message_names_field) {
    rnnts_rnn *net = small_net();
    st_file f;
    st_from_net(&f, net, 0);
    snprintf(f.meta, sizeof f.meta, "\"k_continuous\":\"2\""); /* with the default variant */
    expect_load(&f, RNNTS_ERR_FORMAT, "k_continuous = 2 needs variant = mod");
    st_free(&f);
    rnnts_rnn_destroy(net);
}

/* Random byte mutations of a valid file: never a crash or an out-of-bounds read (run under ASan
   to see the latter); every failure has a code and a message. */
Test(loader, random_mutations_never_crash, .timeout = 60) {
    rnnts_rnn *net = small_net();
    void *file;
    size_t size;
    unsigned char *b;
    uint64_t key = rnnts_rng_key(17, RNNTS_PURPOSE_TEST, 0, 0);
    long ok = 0, failed = 0;
    rnnts_error err;
    cr_assert_eq(rnnts_rnn_save_mem(net, &file, &size, NULL), RNNTS_OK);
    b = (unsigned char *)tc_xmalloc(size);
    for (uint64_t trial = 0; trial < 4000; trial++) {
        int nmut = 1 + (int)(rnnts_rng_u64(key, 4 * trial) % 4);
        memcpy(b, file, size);
        for (int m = 0; m < nmut; m++) {
            uint64_t r = rnnts_rng_u64(key, 4 * trial + 1 + (uint64_t)m);
            /* mostly inside the header, where the parser lives */
            size_t pos = (r & 3) ? 8 + (size_t)((r >> 8) % (size - 8 - 4 * net->n_param)) : (size_t)((r >> 8) % size);
            static const char tok[] = "{}[]\":,0123456789 \\u-.eE";
            b[pos] = (r >> 40) & 1 ? (unsigned char)tok[(r >> 48) % (sizeof tok - 1)] : (unsigned char)(r >> 56);
        }
        if (load_exact(b, size, &err, NULL) == RNNTS_OK) ok++;
        else failed++;
    }
    fprintf(stderr, "[loader] random mutations: %ld loaded, %ld rejected\n", ok, failed);
    cr_assert_gt(failed, 0);
    free(b);
    rnnts_free(NULL, file);
    rnnts_rnn_destroy(net);
}

/* Tensor names, shapes and order (the reference's state-dict keys). */
Test(io, tensor_names_shapes_offsets) {
    for (int fixed = 0; fixed < 2; fixed++) {
        tc_netspec s = {6, 3, 0, 0, fixed, 0, 2.0f, 4};
        rnnts_rnn *net = tc_make_net(&s);
        rnnts_tensor_info ti;
        static const char *names[] = {"parameterlist.0", "modulelist.0.weight", "modulelist.0.bias", "modulelist.1.weight",
                                      "modulelist.1.bias", "modulelist.2.weight", "modulelist.2.bias", "modulelist.3.weight",
                                      "modulelist.3.bias", "modulelist.4.weight", "modulelist.4.bias"};
        const int64_t shapes[11][2] = {{fixed ? 1 : 6, 0}, {6, 1}, {6, 0}, {6, 6}, {6, 0}, {2, 6}, {2, 0}, {2, 6}, {2, 0}, {2, 6}, {2, 0}};
        size_t off = 0;
        cr_assert_eq(rnnts_rnn_tensor_count(net), 11);
        for (int t = 0; t < 11; t++) {
            cr_assert_eq(rnnts_rnn_tensor(net, t, &ti), RNNTS_OK);
            cr_assert_str_eq(ti.name, names[t]);
            cr_assert_eq(ti.ndim, shapes[t][1] ? 2 : 1, "%s", names[t]);
            cr_assert_eq(ti.shape[0], shapes[t][0], "%s", names[t]);
            if (ti.ndim == 2) cr_assert_eq(ti.shape[1], shapes[t][1], "%s", names[t]);
            cr_assert_eq(ti.offset, off, "%s: tensors are contiguous in file order", names[t]);
            off += ti.count;
        }
        cr_assert_eq(off, net->n_param);
        cr_assert_eq(net->w - net->param, (ptrdiff_t)(fixed ? 1 : 6) + 12);
        cr_assert_eq(net->head - net->param, (ptrdiff_t)(fixed ? 1 : 6) + 12 + 36 + 6);
        cr_assert_eq(rnnts_rnn_tensor(net, 11, &ti), RNNTS_ERR_INVALID_ARG);
        cr_assert_eq(rnnts_rnn_tensor(net, -1, &ti), RNNTS_ERR_INVALID_ARG);
        cr_assert_eq(rnnts_rnn_tensor(net, 0, NULL), RNNTS_ERR_INVALID_ARG);
        cr_assert_eq(rnnts_rnn_tensor_count(NULL), 0);
        if (fixed) cr_assert_eq(net->tau[0], 2.0f, "a fixed tau is stored as given");
        rnnts_rnn_destroy(net);
    }
}

/* Initialisation (rnnts_rnn_create): tau = tau_init + U[0,1); w_in, b_in ~ U(-1,1); the rest U(-1/sqrt H, 1/sqrt H). */
Test(io, initial_parameter_ranges) {
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net, *again, *other;
    cfg.hidden = 50; cfg.heads = 3; cfg.tau_init = 2.0f;
    cr_assert_eq(rnnts_rnn_create(&cfg, 9, NULL, &net, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_create(&cfg, 9, NULL, &again, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_create(&cfg, 10, NULL, &other, NULL), RNNTS_OK);
    cr_assert_eq(memcmp(net->param, again->param, net->n_param * 4), 0, "create is not a pure function of the seed");
    cr_assert_neq(memcmp(net->param, other->param, net->n_param * 4), 0);
    for (int t = 0; t < rnnts_rnn_tensor_count(net); t++) {
        rnnts_tensor_info ti;
        float lo = 1e30f, hi = -1e30f, bound = t == 0 ? 0.0f : t <= 2 ? 1.0f : 1.0f / sqrtf(50.0f);
        rnnts_rnn_tensor(net, t, &ti);
        for (size_t q = 0; q < ti.count; q++) {
            float v = net->param[ti.offset + q];
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        if (t == 0) cr_assert(lo >= 2.0f && hi < 3.0f, "tau in [%g, %g]", (double)lo, (double)hi);
        else cr_assert(lo >= -bound && hi < bound && (ti.count < 40 || (lo < -0.5f * bound && hi > 0.5f * bound)),
                       "%s in [%g, %g], bound %g", ti.name, (double)lo, (double)hi, (double)bound);
    }
    cr_assert_eq(net->meta.seed, 9);
    rnnts_rnn_destroy(net);
    rnnts_rnn_destroy(again);
    rnnts_rnn_destroy(other);
}

/* ---- round trips ----------------------------------------------------------------------------- */
static void same_net(const rnnts_rnn *a, const rnnts_rnn *b) {
    cr_assert_eq(a->H, b->H);
    cr_assert_eq(a->K, b->K);
    cr_assert_eq(a->cfg.variant, b->cfg.variant);
    cr_assert_eq(a->cfg.activation, b->cfg.activation);
    cr_assert_eq(a->cfg.train_tau, b->cfg.train_tau);
    cr_assert_eq(a->cfg.k_continuous, b->cfg.k_continuous);
    cr_assert_eq(tc_bits(a->cfg.tau_init), tc_bits(b->cfg.tau_init));
    if (!a->cfg.train_tau) cr_assert_eq(tc_bits(a->cfg.fixed_tau), tc_bits(b->cfg.fixed_tau));
    cr_assert_eq(a->n_param, b->n_param);
    cr_assert_eq(memcmp(a->param, b->param, a->n_param * 4), 0, "parameters differ after a round trip");
    cr_assert_str_eq(a->meta.task, b->meta.task);
    cr_assert_str_eq(a->meta.curriculum, b->meta.curriculum);
    cr_assert_str_eq(a->meta.ns, b->meta.ns);
    cr_assert_eq(a->meta.seed, b->meta.seed);
    cr_assert_eq(a->meta.epoch, b->meta.epoch);
}
static rnnts_rnn *roundtrip_net(int c) {
    static const int cf[5][7] = {
        /* H, K, variant, act, fixed, kc, seed */
        {3, 2, 0, 0, 0, 0, 1}, {1, 1, 1, 3, 1, 0, 2}, {17, 4, 1, 2, 0, 3, 3}, {8, 3, 0, 1, 1, 0, 4}, {5, 9, 1, 0, 1, 2, 5},
    };
    tc_netspec s = {cf[c][0], cf[c][1], cf[c][2], cf[c][3], cf[c][4], cf[c][5], 2.625f, (uint64_t)cf[c][6]};
    rnnts_rnn *net = tc_make_net(&s);
    snprintf(net->meta.task, sizeof net->meta.task, "%s", c == 2 ? "q\"b\\s\n\x01\xc3\xa9" : "parity");
    snprintf(net->meta.curriculum, sizeof net->meta.curriculum, "%s", c ? "multi" : "");
    for (int i = 0; i < 255; i++) net->meta.ns[i] = c == 4 ? (char)('0' + i % 10) : 0;
    if (c != 4) snprintf(net->meta.ns, sizeof net->meta.ns, "2,3,4");
    net->meta.seed = c == 3 ? UINT64_MAX : net->meta.seed;
    net->meta.epoch = 1000 * c;
    return net;
}
Test(io, save_load_save_identical_bytes) {
    for (int c = 0; c < 5; c++) {
        rnnts_rnn *net = roundtrip_net(c), *back;
        void *f1, *f2;
        size_t s1, s2;
        rnnts_error err;
        cr_assert_eq(rnnts_rnn_save_mem(net, &f1, &s1, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_rnn_load_mem(f1, s1, NULL, &back, &err), RNNTS_OK, "config %d: %s", c, err.msg);
        same_net(net, back);
        cr_assert_eq(rnnts_rnn_save_mem(back, &f2, &s2, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(s1, s2, "config %d: sizes %zu and %zu", c, s1, s2);
        cr_assert_eq(memcmp(f1, f2, s1), 0, "config %d: save -> load -> save changed the bytes", c);
        rnnts_free(&net->alloc, f1);
        rnnts_free(&back->alloc, f2);
        rnnts_rnn_destroy(back);
        rnnts_rnn_destroy(net);
    }
}

Test(io, save_and_load_files) {
    char dir[] = "/tmp/rnnts_test_XXXXXX", path[256], tmp[300], bad[300];
    rnnts_rnn *net = roundtrip_net(2), *back = NULL;
    rnnts_error err;
    struct stat sb;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/model.safetensors", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    cr_assert_eq(rnnts_rnn_save(net, path, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_neq(stat(tmp, &sb), 0, "temporary file left behind");
    cr_assert_eq(rnnts_rnn_load(path, NULL, &back, &err), RNNTS_OK, "%s", err.msg);
    same_net(net, back);
    rnnts_rnn_destroy(back);
    /* overwrite an existing file */
    net->param[3] = 0.125f;
    cr_assert_eq(rnnts_rnn_save(net, path, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_rnn_load(path, NULL, &back, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(back->param[3], 0.125f);
    rnnts_rnn_destroy(back);
    /* errors */
    snprintf(bad, sizeof bad, "%s/missing.safetensors", dir);
    back = (rnnts_rnn *)(uintptr_t)1;
    EXPECT_ERR(rnnts_rnn_load(bad, NULL, &back, &err_), RNNTS_ERR_IO, "missing.safetensors");
    cr_assert_null(back);
    snprintf(bad, sizeof bad, "%s/no/such/dir/m.safetensors", dir);
    EXPECT_ERR(rnnts_rnn_save(net, bad, &err_), RNNTS_ERR_IO, "no/such/dir");
    EXPECT_ERR(rnnts_rnn_save(net, "", &err_), RNNTS_ERR_INVALID_ARG, "path");
    EXPECT_ERR(rnnts_rnn_load(NULL, NULL, &back, &err_), RNNTS_ERR_INVALID_ARG, "path");
    /* a truncated file on disk */
    {
        FILE *fp = fopen(path, "r+b");
        cr_assert_not_null(fp);
        cr_assert_eq(ftruncate(fileno(fp), 100), 0);
        fclose(fp);
        EXPECT_ERR(rnnts_rnn_load(path, NULL, &back, &err_), RNNTS_ERR_TRUNCATED, "header length");
    }
    /* rnnts_safetensors_write round trip through the model loader */
    {
        rnnts_named_tensor t[20];
        const char *meta[] = {"format", "rnnts", "note", "a \"quoted\" value", NULL};
        int nt = rnnts_rnn_tensor_count(net);
        for (int q = 0; q < nt; q++) {
            rnnts_tensor_info ti;
            rnnts_rnn_tensor(net, q, &ti);
            t[q].name = (const char *)malloc(40);
            snprintf((char *)t[q].name, 40, "%s", ti.name);
            t[q].ndim = ti.ndim; t[q].shape[0] = ti.shape[0]; t[q].shape[1] = ti.shape[1];
            t[q].data = net->param + ti.offset;
        }
        cr_assert_eq(rnnts_safetensors_write(path, t, nt, meta, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_rnn_load(path, NULL, &back, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(memcmp(back->param, net->param, net->n_param * 4), 0);
        rnnts_rnn_destroy(back);
        for (int q = 0; q < nt; q++) free((void *)t[q].name);
    }
    remove(path);
    rmdir(dir);
    rnnts_rnn_destroy(net);
}

/* Loading a directory is an I/O error ("not a regular file?"), not an attempt to allocate
   LONG_MAX bytes (glibc's ftell on a directory stream returns LONG_MAX). */
Test(io, load_directory_is_io_error) {
    char dir[] = "/tmp/rnnts_dir_XXXXXX";
    rnnts_rnn *back = (rnnts_rnn *)(uintptr_t)1;
    cr_assert_not_null(mkdtemp(dir));
    EXPECT_ERR(rnnts_rnn_load(dir, NULL, &back, &err_), RNNTS_ERR_IO, dir);
    cr_assert_null(back);
    rmdir(dir);
}

/* ---- allocation failure ----------------------------------------------------------------------- */
Test(oom, every_allocation_failure_is_reported_without_leaks, .timeout = 60) {
    tc_failalloc fa;
    rnnts_allocator a;
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *good;
    void *file;
    size_t fsize;
    int successes;
    cfg.hidden = 7; cfg.heads = 2;
    cr_assert_eq(rnnts_rnn_create(&cfg, 1, NULL, &good, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_save_mem(good, &file, &fsize, NULL), RNNTS_OK);
    /* create, create_zero */
    for (int which = 0; which < 2; which++) {
        successes = 0;
        for (long n = 0; n < 50 && !successes; n++) {
            rnnts_rnn *net = NULL;
            rnnts_error err;
            rnnts_result r;
            a = tc_fa_make(&fa, n);
            r = which ? rnnts_rnn_create_zero(&cfg, &a, &net, &err) : rnnts_rnn_create(&cfg, 1, &a, &net, &err);
            if (r == RNNTS_OK) { successes++; rnnts_rnn_destroy(net); }
            else {
                cr_assert_eq(r, RNNTS_ERR_OOM, "create fails at allocation %ld with %d (%s)", n, (int)r, err.msg);
                if (which) cr_assert_null(net); /* rnnts_rnn_create: see errors::create_sets_out_null_on_failure */
            }
            cr_assert_eq(fa.live, 0, "create (failing allocation %ld) leaks %ld blocks", n, fa.live);
        }
        cr_assert_eq(successes, 1);
    }
    /* ws_create */
    successes = 0;
    for (long n = 0; n < 50 && !successes; n++) {
        rnnts_rnn_ws *ws = (rnnts_rnn_ws *)(uintptr_t)1;
        rnnts_error err;
        rnnts_result r;
        a = tc_fa_make(&fa, n);
        r = rnnts_rnn_ws_create(good, 5, 9, &a, &ws, &err);
        if (r == RNNTS_OK) { successes++; rnnts_rnn_ws_destroy(ws); }
        else {
            cr_assert_eq(r, RNNTS_ERR_OOM, "ws_create fails at allocation %ld with %d (%s)", n, (int)r, err.msg);
            cr_assert_null(ws);
        }
        cr_assert_eq(fa.live, 0, "ws_create (failing allocation %ld) leaks %ld blocks", n, fa.live);
    }
    cr_assert_eq(successes, 1);
    /* load_mem */
    successes = 0;
    for (long n = 0; n < 50 && !successes; n++) {
        rnnts_rnn *net = (rnnts_rnn *)(uintptr_t)1;
        rnnts_error err;
        rnnts_result r;
        a = tc_fa_make(&fa, n);
        r = rnnts_rnn_load_mem(file, fsize, &a, &net, &err);
        if (r == RNNTS_OK) {
            successes++;
            cr_assert_eq(memcmp(net->param, good->param, good->n_param * 4), 0);
            rnnts_rnn_destroy(net);
        } else {
            cr_assert_eq(r, RNNTS_ERR_OOM, "load_mem fails at allocation %ld with %d (%s)", n, (int)r, err.msg);
            cr_assert_null(net);
        }
        cr_assert_eq(fa.live, 0, "load_mem (failing allocation %ld) leaks %ld blocks", n, fa.live);
    }
    cr_assert_eq(successes, 1);
    /* save_mem with a network whose allocator fails later */
    successes = 0;
    for (long n = 0; n < 50 && !successes; n++) {
        rnnts_rnn *net;
        void *out = (void *)(uintptr_t)1;
        size_t osize = 5;
        rnnts_error err;
        rnnts_result r;
        a = tc_fa_make(&fa, -1);
        cr_assert_eq(rnnts_rnn_create(&cfg, 1, &a, &net, NULL), RNNTS_OK);
        fa.calls = 0;
        fa.fail_at = n;
        r = rnnts_rnn_save_mem(net, &out, &osize, &err);
        if (r == RNNTS_OK) {
            successes++;
            cr_assert_eq(osize, fsize);
            cr_assert_eq(memcmp(out, file, fsize), 0);
            rnnts_free(&a, out);
        } else {
            cr_assert_eq(r, RNNTS_ERR_OOM, "save_mem fails at allocation %ld with %d (%s)", n, (int)r, err.msg);
            cr_assert_null(out);
        }
        rnnts_rnn_destroy(net);
        cr_assert_eq(fa.live, 0, "save_mem (failing allocation %ld) leaks %ld blocks", n, fa.live);
    }
    cr_assert_eq(successes, 1);
    /* pool_create */
    successes = 0;
    for (long n = 0; n < 10 && !successes; n++) {
        rnnts_pool *pool = (rnnts_pool *)(uintptr_t)1;
        rnnts_result r;
        a = tc_fa_make(&fa, n);
        r = rnnts_pool_create(3, &a, &pool, NULL);
        if (r == RNNTS_OK) { successes++; rnnts_pool_destroy(pool); }
        else {
            cr_assert_eq(r, RNNTS_ERR_OOM, "pool_create fails at allocation %ld with %d", n, (int)r);
            cr_assert_null(pool);
        }
        cr_assert_eq(fa.live, 0, "pool_create (failing allocation %ld) leaks %ld blocks", n, fa.live);
    }
    cr_assert_eq(successes, 1);
    /* load from a file */
    {
        char dir[] = "/tmp/rnnts_oom_XXXXXX", path[256];
        cr_assert_not_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/m.safetensors", dir);
        cr_assert_eq(rnnts_rnn_save(good, path, NULL), RNNTS_OK);
        successes = 0;
        for (long n = 0; n < 50 && !successes; n++) {
            rnnts_rnn *net = (rnnts_rnn *)(uintptr_t)1;
            rnnts_result r;
            a = tc_fa_make(&fa, n);
            r = rnnts_rnn_load(path, &a, &net, NULL);
            if (r == RNNTS_OK) { successes++; rnnts_rnn_destroy(net); }
            else {
                cr_assert_eq(r, RNNTS_ERR_OOM, "load fails at allocation %ld with %d", n, (int)r);
                cr_assert_null(net);
            }
            cr_assert_eq(fa.live, 0, "load (failing allocation %ld) leaks %ld blocks", n, fa.live);
        }
        cr_assert_eq(successes, 1);
        remove(path);
        rmdir(dir);
    }
    rnnts_free(NULL, file);
    rnnts_rnn_destroy(good);
}

/* Allocators passed to create are used for everything the object owns. */
Test(oom, custom_allocator_is_used) {
    tc_failalloc fa;
    rnnts_allocator a = tc_fa_make(&fa, -1);
    tc_netspec s = {6, 2, 0, 0, 0, 0, 1.0f, 2};
    rnnts_rnn *net0 = tc_make_net(&s), *net;
    rnnts_rnn_ws *ws;
    rnnts_rnn_config cfg = net0->cfg;
    cr_assert_eq(rnnts_rnn_create(&cfg, 2, &a, &net, NULL), RNNTS_OK);
    cr_assert_eq(memcmp(net->param, net0->param, net->n_param * 4), 0, "the allocator changed the initial parameters");
    cr_assert_eq(rnnts_rnn_ws_create(net, 3, 3, &a, &ws, NULL), RNNTS_OK);
    cr_assert_gt(fa.live, 0);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    cr_assert_eq(fa.live, 0);
    rnnts_rnn_destroy(net0);
}
