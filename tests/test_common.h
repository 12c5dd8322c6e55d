/* test_common.h — helpers shared by the Criterion unit tests (tests/test_*.c, one binary
   build/test_unit). Only test_unit.c defines RNNTS_IMPLEMENTATION; the other files use the
   public API. */
#ifndef RNNTS_TEST_COMMON_H
#define RNNTS_TEST_COMMON_H

#include "../rnnts.h"
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Leak check at the end of every test. Criterion runs each test in a forked child whose
   exit-time LeakSanitizer report never reaches the verdict (nor does a failure in a .fini: that
   runs after the verdict). So Test is redefined here: the body becomes a function, and the test
   calls it and then asks LeakSanitizer for a check while the test still runs, so a leak fails
   that test with LSan's report (allocation stacks) above the failure. Without AddressSanitizer
   the check is empty. Every tests/test_*.c includes this file before its first Test (the
   Makefile checks). */
#if defined(__SANITIZE_ADDRESS__)
#define TC_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TC_LSAN 1
#endif
#endif
#ifdef TC_LSAN
#include <sanitizer/lsan_interface.h>
#endif
static inline void tc_leak_check(void) {
#ifdef TC_LSAN
    cr_assert_eq(__lsan_do_recoverable_leak_check(), 0,
                 "LeakSanitizer: this test leaked (the report is above)");
#endif
}
#undef Test
#define Test(...) CR_EXPAND(TC_TEST_(__VA_ARGS__, .sentinel_ = 0))
#define TC_TEST_(Suite, Name, ...)                                        \
    static void tc_body_##Suite##_##Name(void);                           \
    CR_TEST_BASE(Suite, Name, __VA_ARGS__) {                              \
        tc_body_##Suite##_##Name();                                       \
        tc_leak_check();                                                  \
    }                                                                     \
    static void tc_body_##Suite##_##Name(void)

/* Counting allocator that fails the fail_at-th call (0-based; -1: never) and tracks live blocks. */
typedef struct {
    long calls, fail_at, live;
} tc_failalloc;
static inline void *tc_fa_alloc(size_t size, void *user) {
    tc_failalloc *f = (tc_failalloc *)user;
    void *p;
    if (f->calls++ == f->fail_at) return NULL;
    p = malloc(size ? size : 1);
    if (p) f->live++;
    return p;
}
static inline void tc_fa_free(void *p, void *user) {
    tc_failalloc *f = (tc_failalloc *)user;
    if (!p) return;
    f->live--;
    free(p);
}
static inline rnnts_allocator tc_fa_make(tc_failalloc *f, long fail_at) {
    rnnts_allocator a;
    f->calls = 0;
    f->fail_at = fail_at;
    f->live = 0;
    a.alloc = tc_fa_alloc;
    a.free = tc_fa_free;
    a.user = f;
    return a;
}

static inline void *tc_xmalloc(size_t n) {
    void *p = calloc(n ? n : 1, 1);
    cr_assert(p != NULL, "out of memory in the test itself");
    return p;
}

/* Whole file into a malloc'ed buffer (asserts on failure). */
static inline unsigned char *tc_read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long len;
    cr_assert_not_null(f, "cannot open %s", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    cr_assert_gt(len, 0);
    rewind(f);
    buf = (unsigned char *)tc_xmalloc((size_t)len);
    cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    *n = (size_t)len;
    return buf;
}
/* Asserts that two files are byte-identical (naming the first difference). */
static inline void tc_same_file(const char *p, const char *q, const char *what) {
    size_t n1, n2, first = 0;
    unsigned char *a = tc_read_file(p, &n1), *b = tc_read_file(q, &n2);
    if (n1 == n2) while (first < n1 && a[first] == b[first]) first++;
    cr_assert(n1 == n2 && first == n1, "%s: %s (%zu bytes) and %s (%zu bytes) differ (first difference at byte %zu)", what, p, n1, q, n2,
              first);
    free(a);
    free(b);
}

static inline uint32_t tc_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

/* A network with the given shape/options; learnable tau gets some values on and below the clamp
   when clamp != 0. */
typedef struct {
    int H, K, variant, act, fixed, kc;
    float fixed_tau;
    uint64_t seed;
} tc_netspec;
static inline rnnts_rnn *tc_make_net(const tc_netspec *s) {
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_error err;
    rnnts_result r;
    cfg.hidden = s->H;
    cfg.heads = s->K;
    cfg.variant = (rnnts_variant)s->variant;
    cfg.activation = (rnnts_activation)s->act;
    cfg.k_continuous = s->kc;
    if (s->fixed) {
        cfg.train_tau = 0;
        cfg.fixed_tau = s->fixed_tau;
    }
    r = rnnts_rnn_create(&cfg, s->seed, NULL, &net, &err);
    cr_assert_eq(r, RNNTS_OK, "rnnts_rnn_create: %s", err.msg);
    return net;
}

/* Batch storage owned by the test. */
typedef struct {
    int B, M, na;
    int heads[16];
    float *input, *h0;
    int *labels;
    rnnts_batch bt;
} tc_batch;
/* Inputs are bits, labels random, h0 given (uniform in [-h0_amp, h0_amp)) when h0_amp > 0, drawn otherwise. */
static inline void tc_make_batch(tc_batch *b, int H, int B, int M, int na, const int *heads, uint64_t seed, float h0_amp) {
    uint64_t key = rnnts_rng_key(seed, RNNTS_PURPOSE_USER, 11, 0);
    memset(b, 0, sizeof *b);
    b->B = B; b->M = M; b->na = na;
    for (int a = 0; a < na; a++) b->heads[a] = heads[a];
    b->input = (float *)tc_xmalloc((size_t)M * B * sizeof(float));
    b->labels = (int *)tc_xmalloc((size_t)(na ? na : 1) * B * sizeof(int));
    for (int e = 0; e < M * B; e++) b->input[e] = rnnts_rng_uniform(key, (uint64_t)e) < 0.5f ? 1.0f : 0.0f;
    for (int e = 0; e < na * B; e++) b->labels[e] = rnnts_rng_uniform(key, 1000000u + (uint64_t)e) < 0.5f;
    if (h0_amp > 0.0f) {
        b->h0 = (float *)tc_xmalloc((size_t)B * H * sizeof(float));
        for (int e = 0; e < B * H; e++) b->h0[e] = h0_amp * (2.0f * rnnts_rng_uniform(key, 2000000u + (uint64_t)e) - 1.0f);
    }
    b->bt.batch = B; b->bt.len = M; b->bt.input = b->input; b->bt.h0 = b->h0;
    b->bt.h0_seed = seed; b->bt.h0_draw = 5;
    b->bt.n_active = na; b->bt.heads = b->heads; b->bt.labels = b->labels;
}
static inline void tc_free_batch(tc_batch *b) {
    free(b->input);
    free(b->h0);
    free(b->labels);
}

/* Asserts that call returns want_, sets err_.code, and names field_ in the message. The call passes &err_. */
#define EXPECT_ERR(call, want_, field_)                                                                                 \
    do {                                                                                                                \
        rnnts_error err_;                                                                                               \
        memset(&err_, 0, sizeof err_);                                                                                  \
        rnnts_result r_ = (call);                                                                                       \
        cr_assert_eq(r_, (want_), "%s: returned %d (%s), expected %d (%s); message: %s", #call, (int)r_,                \
                     rnnts_result_string(r_), (int)(want_), rnnts_result_string(want_), err_.msg);                      \
        cr_assert_eq(err_.code, (want_), "%s: err.code %d", #call, (int)err_.code);                                     \
        cr_assert(strstr(err_.msg, (field_)) != NULL, "%s: message '%s' does not name '%s'", #call, err_.msg, (field_)); \
    } while (0)

#endif
