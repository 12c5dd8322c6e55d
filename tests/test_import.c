/* test_import.c — the PyTorch-checkpoint importer (rnnts_import_torch_mem / rnnts_import_torch)
   on the three published reference networks (../shared/reference-networks, or $RNNTS_REFNETS):
   shape and tau statistics against the folder's README, W's diagonal, truncations on a grid,
   deterministic single-byte corruptions, allocation failure at every allocation (no leaks), and a
   save/load round trip; plus hand-built malformed zips that need no files. The tests that need the
   folder are skipped (cr_skip_test) when it is absent. Public API only. */
#define _POSIX_C_SOURCE 200809L
#include "test_common.h"

#include <math.h>
#include <sys/stat.h>

/* ---- the reference networks --------------------------------------------------------------------- */
typedef struct {
    const char *stem;
    double mean, median, max, min, sd; /* README: raw tau, population SD, 4 decimals */
    int below1;                        /* count tau < 1 */
    int diag_zero;                     /* trained files: W's diagonal exactly zero */
} refnet;
static const refnet REFNETS[3] = {
    {"init_network_1__rnn_init", 1.4933, 1.5202, 1.9998, 1.0007, 0.2836, 0, 0},
    {"single_parity_network_1__rnn_N5_N5", 1.4725, 1.5020, 1.9998, 0.9994, 0.2967, 37, 1},
    {"cumulative_parity_network_1__rnn_N2_N5", 1.4561, 1.4945, 1.9998, 0.9985, 0.3025, 48, 1},
};

static const char *refdir(void) {
    const char *d = getenv("RNNTS_REFNETS");
    return d && d[0] ? d : "../shared/reference-networks";
}
/* Skips the calling test when the folder is absent. */
static void need_refdir(void) {
    struct stat st;
    if (stat(refdir(), &st) != 0 || !S_ISDIR(st.st_mode))
        cr_skip_test("reference networks not found at '%s' (set RNNTS_REFNETS to the folder)", refdir());
}
static void ref_path(int which, char *buf, size_t cap) {
    snprintf(buf, cap, "%s/%s.pt", refdir(), REFNETS[which].stem);
}
/* The whole file (malloc), or a failed assertion. */
static unsigned char *ref_read(int which, size_t *n) {
    char path[1024];
    FILE *f;
    long len;
    unsigned char *b;
    ref_path(which, path, sizeof path);
    f = fopen(path, "rb");
    cr_assert(f != NULL, "%s: cannot open (the folder exists but the file does not)", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    cr_assert_gt(len, 0, "%s: empty", path);
    cr_assert_eq(fseek(f, 0, SEEK_SET), 0);
    b = (unsigned char *)tc_xmalloc((size_t)len);
    cr_assert_eq(fread(b, 1, (size_t)len, f), (size_t)len, "%s: short read", path);
    fclose(f);
    *n = (size_t)len;
    return b;
}
static rnnts_rnn *import_ok(const unsigned char *buf, size_t n, const char *what) {
    rnnts_rnn *net = NULL;
    rnnts_error err;
    rnnts_result r = rnnts_import_torch_mem(buf, n, NULL, &net, &err);
    cr_assert_eq(r, RNNTS_OK, "%s: import returned %d (%s): %s", what, (int)r, rnnts_result_string(r), err.msg);
    cr_assert_not_null(net);
    return net;
}
static int same_params(const rnnts_rnn *a, const rnnts_rnn *b) {
    return a->n_param == b->n_param && a->H == b->H && a->K == b->K && a->cfg.train_tau == b->cfg.train_tau &&
           memcmp(a->param, b->param, a->n_param * sizeof(float)) == 0;
}
/* A failed import: an error code, err filled with it and a message, out left NULL. */
static void expect_failed(rnnts_result r, const rnnts_error *err, const rnnts_rnn *out, const char *what, size_t where) {
    cr_assert_neq(r, RNNTS_OK, "%s %zu: imported", what, where);
    cr_assert_eq(err->code, r, "%s %zu: err.code %d, returned %d", what, where, (int)err->code, (int)r);
    cr_assert(err->msg[0] != '\0', "%s %zu: error %d without a message", what, where, (int)r);
    cr_assert_null(out, "%s %zu: error but out is set", what, where);
}

/* One Test per reference file (they run in parallel under --jobs). */
#define PER_FILE(suite, name, fn, ...)                    \
    Test(suite, name##_init, __VA_ARGS__) { fn(0); }       \
    Test(suite, name##_single_N5, __VA_ARGS__) { fn(1); }  \
    Test(suite, name##_cumulative, __VA_ARGS__) { fn(2); }

/* ---- 1. shapes, W diagonal, tau statistics ------------------------------------------------------ */
static int cmp_float(const void *x, const void *y) {
    float a = *(const float *)x, b = *(const float *)y;
    return (a > b) - (a < b);
}
static void check_4dp(const char *stem, const char *what, double got, double want) {
    cr_assert_eq(llround(got * 1e4), llround(want * 1e4), "%s: tau %s is %.6f, README says %.4f", stem, what, got, want);
}
static void reference_values(int which) {
    const refnet *rf = &REFNETS[which];
    char path[1024];
    rnnts_rnn *net = NULL, *mem;
    rnnts_error err;
    rnnts_result r;
    unsigned char *buf;
    size_t n;
    int H, below = 0, diag_nonzero = 0;
    float *sorted;
    double mean = 0, var = 0;
    need_refdir();
    ref_path(which, path, sizeof path);
    r = rnnts_import_torch(path, NULL, &net, &err);
    cr_assert_eq(r, RNNTS_OK, "%s: %s", path, err.msg);
    cr_assert_eq(err.code, RNNTS_OK);
    H = net->H;
    cr_assert_eq(H, 500, "%s: H = %d", rf->stem, H);
    cr_assert_eq(net->K, 100, "%s: K = %d", rf->stem, net->K);
    cr_assert_eq(net->cfg.hidden, 500);
    cr_assert_eq(net->cfg.heads, 100);
    cr_assert_eq(net->cfg.train_tau, 1, "%s: tau not learnable", rf->stem);
    cr_assert_eq((int)net->cfg.variant, (int)RNNTS_VARIANT_DEFAULT);
    cr_assert_eq((int)net->cfg.activation, (int)RNNTS_ACT_LEAKYRELU);
    cr_assert_eq(net->n_param, (size_t)(500 + 3 * 500 + 500 * 500 + 100 * (2 * 500 + 2)));
    cr_assert_eq(net->n_param, rnnts_rnn_param_count(&net->cfg));
    /* the file and memory entry points agree */
    buf = ref_read(which, &n);
    mem = import_ok(buf, n, rf->stem);
    cr_assert(same_params(net, mem), "%s: rnnts_import_torch and rnnts_import_torch_mem differ", rf->stem);
    rnnts_rnn_destroy(mem);
    free(buf);
    /* W's diagonal: non-zero (every entry) in the init file, exactly zero in the trained ones */
    for (int i = 0; i < H; i++) {
        float w = net->w[(size_t)i * H + i];
        diag_nonzero += w != 0.0f;
        if (rf->diag_zero) cr_assert_eq(tc_bits(w), 0u, "%s: W[%d][%d] = %g, expected +0", rf->stem, i, i, (double)w);
    }
    if (!rf->diag_zero) cr_assert_eq(diag_nonzero, H, "%s: %d of %d diagonal entries non-zero", rf->stem, diag_nonzero, H);
    /* tau statistics (raw parameter): mean, median (mean of the middle two), max, min, population SD */
    sorted = (float *)tc_xmalloc((size_t)H * sizeof(float));
    for (int i = 0; i < H; i++) {
        mean += net->tau[i];
        below += net->tau[i] < 1.0f;
        sorted[i] = net->tau[i];
    }
    mean /= H;
    for (int i = 0; i < H; i++) var += ((double)net->tau[i] - mean) * ((double)net->tau[i] - mean);
    qsort(sorted, (size_t)H, sizeof(float), cmp_float);
    fprintf(stderr, "[import] %s: tau mean %.4f median %.4f max %.4f min %.4f SD %.4f count<1 %d; diagonal non-zero %d/%d\n", rf->stem,
            mean, 0.5 * ((double)sorted[H / 2 - 1] + sorted[H / 2]), (double)sorted[H - 1], (double)sorted[0], sqrt(var / H), below,
            diag_nonzero, H);
    check_4dp(rf->stem, "mean", mean, rf->mean);
    check_4dp(rf->stem, "median", 0.5 * ((double)sorted[H / 2 - 1] + sorted[H / 2]), rf->median);
    check_4dp(rf->stem, "max", sorted[H - 1], rf->max);
    check_4dp(rf->stem, "min", sorted[0], rf->min);
    check_4dp(rf->stem, "SD", sqrt(var / H), rf->sd);
    cr_assert_eq(below, rf->below1, "%s: %d tau < 1, README says %d", rf->stem, below, rf->below1);
    free(sorted);
    rnnts_rnn_destroy(net);
}
PER_FILE(import, reference_values, reference_values, .timeout = 30)

/* ---- 2. truncations ----------------------------------------------------------------------------- */
/* All prefixes shorter than 4096 bytes, every 997th length after that, and every length within
   4096 bytes of the end: each is an error (never OK, never a crash). RNNTS_TEST_EDGE_STEP=k
   (make test-asan: 7) takes every k-th length near the ends instead: under the sanitizers the
   full sweep costs ~2 min and the libFuzzer targets cut files at random anyway. */
static void truncations(int which) {
    unsigned char *buf, *cut;
    size_t n, tried = 0;
    long by_code[-RNNTS__RESULT_END + 1];
    char line[512];
    int len = 0;
    size_t edge_step = getenv("RNNTS_TEST_EDGE_STEP") ? (size_t)strtoul(getenv("RNNTS_TEST_EDGE_STEP"), NULL, 10) : 1;
    if (edge_step < 1 || edge_step > 4096) edge_step = 1;
    need_refdir();
    buf = ref_read(which, &n);
    memset(by_code, 0, sizeof by_code);
    cr_assert_gt(n, 3 * 4096u);
    for (size_t m = 0; m < n;) {
        rnnts_rnn *out = NULL;
        rnnts_error err;
        rnnts_result r;
        /* a fresh copy of exactly m bytes, so that the sanitizers see any read past the prefix */
        cut = (unsigned char *)malloc(m ? m : 1);
        cr_assert_not_null(cut);
        memcpy(cut, buf, m);
        memset(&err, 0, sizeof err);
        r = rnnts_import_torch_mem(cut, m, NULL, &out, &err);
        free(cut);
        expect_failed(r, &err, out, "truncation to", m);
        by_code[-r]++;
        tried++;
        if (m < 4096 || m + 4096 >= n) m += edge_step;
        else m = m + 997 + 4096 < n ? m + 997 : n - 4096;
    }
    for (int c = 1; c <= -RNNTS__RESULT_END; c++)
        if (by_code[c]) len += snprintf(line + len, sizeof line - (size_t)len, ", %s %ld", rnnts_result_string((rnnts_result)-c), by_code[c]);
    fprintf(stderr, "[import] %s: %zu truncations of %zu bytes, all rejected%s\n", REFNETS[which].stem, tried, n, line);
    free(buf);
}
PER_FILE(import, truncations_fail, truncations, .timeout = 240) /* ~40 s each under ASan on a loaded 2-core machine */

/* ---- 3. single-byte corruptions ----------------------------------------------------------------- */
/* 400 deterministic (position, xor) pairs: each import fails with a message, or succeeds with
   the original bits (the byte was in an area the reader does not use); never a crash. */
static void corruptions(int which) {
    unsigned char *buf;
    size_t n;
    rnnts_rnn *ref;
    uint64_t key = rnnts_rng_key(2024, RNNTS_PURPOSE_TEST, 77, (uint64_t)which);
    long same = 0, by_code[-RNNTS__RESULT_END + 1];
    char line[512];
    int len = 0;
    need_refdir();
    buf = ref_read(which, &n);
    ref = import_ok(buf, n, REFNETS[which].stem);
    memset(by_code, 0, sizeof by_code);
    for (uint64_t q = 0; q < 400; q++) {
        uint64_t u = rnnts_rng_u64(key, q);
        size_t at = (size_t)(u % n);
        unsigned char old = buf[at], x = (unsigned char)(1 + (u >> 40) % 255);
        rnnts_rnn *out = NULL;
        rnnts_error err;
        rnnts_result r;
        buf[at] ^= x;
        memset(&err, 0, sizeof err);
        r = rnnts_import_torch_mem(buf, n, NULL, &out, &err);
        buf[at] = old;
        if (r == RNNTS_OK) {
            cr_assert_not_null(out);
            cr_assert(same_params(out, ref), "%s: byte %zu ^ 0x%02x imported a different network", REFNETS[which].stem, at, x);
            same++;
            rnnts_rnn_destroy(out);
        } else {
            expect_failed(r, &err, out, "corruption at byte", at);
            by_code[-r]++;
        }
    }
    for (int c = 1; c <= -RNNTS__RESULT_END; c++)
        if (by_code[c]) len += snprintf(line + len, sizeof line - (size_t)len, ", %s %ld", rnnts_result_string((rnnts_result)-c), by_code[c]);
    fprintf(stderr, "[import] %s: 400 single-byte corruptions: imported with the original bits %ld%s\n", REFNETS[which].stem, same, line);
    cr_assert_gt(by_code[-RNNTS_ERR_CHECKSUM], 0, "no corruption was caught by the CRC-32 check");
    rnnts_rnn_destroy(ref);
    free(buf);
}
PER_FILE(import, corruptions_never_crash, corruptions, .timeout = 240)

/* ---- 4. allocation failures --------------------------------------------------------------------- */
/* Fail allocation k = 0, 1, ... until the import succeeds: every failure is RNNTS_ERR_OOM with
   out NULL and no live block; the success leaves exactly the network's blocks, freed by destroy. */
static void oom(int which) {
    unsigned char *buf;
    size_t n;
    char path[1024];
    rnnts_rnn *ref;
    need_refdir();
    buf = ref_read(which, &n);
    ref = import_ok(buf, n, REFNETS[which].stem);
    ref_path(which, path, sizeof path);
    for (int from_file = 0; from_file < 2; from_file++) {
        long k, failures = 0;
        int done = 0;
        for (k = 0; k < 1000 && !done; k++) {
            tc_failalloc fa;
            rnnts_allocator a = tc_fa_make(&fa, k);
            rnnts_rnn *out = NULL;
            rnnts_error err;
            rnnts_result r;
            memset(&err, 0, sizeof err);
            r = from_file ? rnnts_import_torch(path, &a, &out, &err) : rnnts_import_torch_mem(buf, n, &a, &out, &err);
            if (r == RNNTS_OK) {
                cr_assert(same_params(out, ref), "%s: import with a counting allocator differs", REFNETS[which].stem);
                cr_assert_gt(fa.live, 0);
                rnnts_rnn_destroy(out);
                done = 1;
            } else {
                cr_assert_eq(r, RNNTS_ERR_OOM, "%s (%s): failing allocation %ld gives %d (%s): %s", REFNETS[which].stem,
                             from_file ? "file" : "memory", k, (int)r, rnnts_result_string(r), err.msg);
                cr_assert(err.msg[0] != '\0');
                cr_assert_null(out);
                failures++;
            }
            cr_assert_eq(fa.live, 0, "%s (%s): failing allocation %ld leaves %ld live blocks", REFNETS[which].stem,
                         from_file ? "file" : "memory", k, fa.live);
        }
        cr_assert(done, "the import never succeeded");
        cr_assert_gt(failures, 0);
        fprintf(stderr, "[import] %s (%s): %ld allocations, each failure -> RNNTS_ERR_OOM, no leaks\n", REFNETS[which].stem,
                from_file ? "rnnts_import_torch" : "rnnts_import_torch_mem", failures);
    }
    rnnts_rnn_destroy(ref);
    free(buf);
}
PER_FILE(import, oom_no_leaks, oom, .timeout = 240)

/* ---- 6. round trip through the safetensors format ----------------------------------------------- */
static void roundtrip(int which) {
    unsigned char *buf;
    size_t n, s1, s2;
    rnnts_rnn *net, *back = NULL;
    void *f1 = NULL, *f2 = NULL;
    rnnts_error err;
    need_refdir();
    buf = ref_read(which, &n);
    net = import_ok(buf, n, REFNETS[which].stem);
    cr_assert_eq(rnnts_rnn_save_mem(net, &f1, &s1, &err), RNNTS_OK, "save: %s", err.msg);
    cr_assert_eq(rnnts_rnn_load_mem(f1, s1, NULL, &back, &err), RNNTS_OK, "load: %s", err.msg);
    cr_assert_eq(back->H, net->H);
    cr_assert_eq(back->K, net->K);
    cr_assert_eq(back->cfg.train_tau, net->cfg.train_tau);
    cr_assert_eq((int)back->cfg.variant, (int)net->cfg.variant);
    cr_assert_eq((int)back->cfg.activation, (int)net->cfg.activation);
    cr_assert_eq(back->n_param, net->n_param);
    cr_assert_eq(memcmp(back->param, net->param, net->n_param * sizeof(float)), 0, "%s: parameters changed in the round trip",
                 REFNETS[which].stem);
    cr_assert_eq(rnnts_rnn_save_mem(back, &f2, &s2, &err), RNNTS_OK, "save again: %s", err.msg);
    cr_assert_eq(s1, s2);
    cr_assert_eq(memcmp(f1, f2, s1), 0, "%s: save -> load -> save changed the bytes", REFNETS[which].stem);
    rnnts_free(&net->alloc, f1);
    rnnts_free(&back->alloc, f2);
    rnnts_rnn_destroy(back);
    rnnts_rnn_destroy(net);
    free(buf);
}
PER_FILE(import, roundtrip_bitwise, roundtrip, .timeout = 30)

/* ---- 5. hand-built malformed inputs (no files needed) ------------------------------------------- */
static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xFFFFu); put16(p + 2, v >> 16); }
static uint32_t crc32_of(const unsigned char *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    while (n--) {
        c ^= *p++;
        for (int k = 0; k < 8; k++) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return ~c;
}
/* End of central directory: entries, directory size and offset. */
static void put_eocd(unsigned char *p, unsigned entries, uint32_t cd_size, uint32_t cd_off) {
    memset(p, 0, 22);
    put32(p, 0x06054b50u);
    put16(p + 8, entries);
    put16(p + 10, entries);
    put32(p + 12, cd_size);
    put32(p + 16, cd_off);
}
/* A one-entry zip "archive/data.pkl" holding `data` (stored as is) with the given method; returns its size. */
static size_t one_entry_zip(unsigned char *z, unsigned method, const unsigned char *data, size_t dlen) {
    static const char name[] = "archive/data.pkl";
    const size_t nl = sizeof name - 1;
    uint32_t crc = crc32_of(data, dlen);
    size_t p = 0, cd;
    /* local header */
    memset(z, 0, 30);
    put32(z, 0x04034b50u);
    put16(z + 4, 20);
    put16(z + 8, method);
    put32(z + 14, crc);
    put32(z + 18, (uint32_t)dlen);
    put32(z + 22, (uint32_t)dlen);
    put16(z + 26, (unsigned)nl);
    memcpy(z + 30, name, nl);
    p = 30 + nl;
    memcpy(z + p, data, dlen);
    p += dlen;
    /* central directory */
    cd = p;
    memset(z + p, 0, 46);
    put32(z + p, 0x02014b50u);
    put16(z + p + 4, 20);
    put16(z + p + 6, 20);
    put16(z + p + 10, method);
    put32(z + p + 16, crc);
    put32(z + p + 20, (uint32_t)dlen);
    put32(z + p + 24, (uint32_t)dlen);
    put16(z + p + 28, (unsigned)nl);
    put32(z + p + 42, 0);
    memcpy(z + p + 46, name, nl);
    p += 46 + nl;
    put_eocd(z + p, 1, (uint32_t)(p - cd), (uint32_t)cd);
    return p + 22;
}
/* Two stored entries with the same name "archive/data.pkl", each holding `data`; returns the size. */
static size_t duplicate_entry_zip(unsigned char *z, const unsigned char *data, size_t dlen) {
    static const char name[] = "archive/data.pkl";
    const size_t nl = sizeof name - 1;
    uint32_t crc = crc32_of(data, dlen);
    size_t local[2], p = 0, cd;
    for (int k = 0; k < 2; k++) {
        local[k] = p;
        memset(z + p, 0, 30);
        put32(z + p, 0x04034b50u);
        put16(z + p + 4, 20);
        put32(z + p + 14, crc);
        put32(z + p + 18, (uint32_t)dlen);
        put32(z + p + 22, (uint32_t)dlen);
        put16(z + p + 26, (unsigned)nl);
        memcpy(z + p + 30, name, nl);
        memcpy(z + p + 30 + nl, data, dlen);
        p += 30 + nl + dlen;
    }
    cd = p;
    for (int k = 0; k < 2; k++) {
        memset(z + p, 0, 46);
        put32(z + p, 0x02014b50u);
        put16(z + p + 4, 20);
        put16(z + p + 6, 20);
        put32(z + p + 16, crc);
        put32(z + p + 20, (uint32_t)dlen);
        put32(z + p + 24, (uint32_t)dlen);
        put16(z + p + 28, (unsigned)nl);
        put32(z + p + 42, (uint32_t)local[k]);
        memcpy(z + p + 46, name, nl);
        p += 46 + nl;
    }
    put_eocd(z + p, 2, (uint32_t)(p - cd), (uint32_t)cd);
    return p + 22;
}
static rnnts_result import_bytes(const unsigned char *src, size_t n, rnnts_error *err, const char *what) {
    /* an exact-size copy, so that the sanitizers see a read past the end */
    unsigned char *b = (unsigned char *)malloc(n ? n : 1);
    rnnts_rnn *out = (rnnts_rnn *)(uintptr_t)1;
    rnnts_result r;
    cr_assert_not_null(b);
    if (n) memcpy(b, src, n);
    memset(err, 0, sizeof *err);
    r = rnnts_import_torch_mem(b, n, NULL, &out, err);
    free(b);
    expect_failed(r, err, out, what, n);
    fprintf(stderr, "[import] hand-built %s (%zu bytes): %s: %s\n", what, n, rnnts_result_string(r), err->msg);
    return r;
}
Test(import, hand_built_malformed_inputs) {
    unsigned char z[512];
    rnnts_error err;
    size_t n;
    memset(z, 0, sizeof z);
    /* empty buffer (also with a NULL pointer) */
    import_bytes(z, 0, &err, "empty buffer");
    {
        rnnts_rnn *out = NULL;
        rnnts_result r = rnnts_import_torch_mem(NULL, 0, NULL, &out, &err);
        expect_failed(r, &err, out, "NULL, 0 bytes", 0);
    }
    /* 22 zero bytes: the size of an end record, but none there */
    import_bytes(z, 22, &err, "22 zero bytes");
    /* a valid-looking end record whose central directory lies outside the buffer */
    put_eocd(z, 1, 46, 4096);
    cr_assert_eq(import_bytes(z, 22, &err, "end record pointing past the buffer"), RNNTS_ERR_TRUNCATED);
    memset(z, 0xAB, 100);
    put_eocd(z + 100, 3, 0x100, 0xFFFFFF00u);
    import_bytes(z, 122, &err, "end record with a directory at 4 GB");
    put_eocd(z + 100, 1, 0xFFFFFFF0u, 50);
    import_bytes(z, 122, &err, "end record with a huge directory");
    /* a well-formed zip, but its entry is compressed (deflate, method 8) */
    {
        static const unsigned char pkl[] = {0x80, 0x02, '}', 'q', 0x00, '.'}; /* {} as protocol 2 */
        n = one_entry_zip(z, 8, pkl, sizeof pkl);
        import_bytes(z, n, &err, "zip with a method-8 entry");
        cr_assert(strstr(err.msg, "method") != NULL, "method-8 entry rejected for another reason: %s", err.msg);
        /* the same archive stored (method 0) gets past the zip layer and fails later, for the empty state dict */
        n = one_entry_zip(z, 0, pkl, sizeof pkl);
        import_bytes(z, n, &err, "stored zip with an empty state dict");
        cr_assert(strstr(err.msg, "method") == NULL, "stored entry rejected for its method: %s", err.msg);
    }
    /* two entries with one name: refused naming it (the message was once formatted from the
       entry table after freeing it: found by fuzz_torch, 2026-12-02; the sanitizer build sees it) */
    {
        static const unsigned char pkl[] = {0x80, 0x02, '}', 'q', 0x00, '.'};
        n = duplicate_entry_zip(z, pkl, sizeof pkl);
        cr_assert_eq(import_bytes(z, n, &err, "zip with a duplicated entry"), RNNTS_ERR_DUPLICATE, "%s", err.msg);
        cr_assert(strstr(err.msg, "'archive/data.pkl' appears twice") != NULL, "%s", err.msg);
    }
    /* the file entry point: a missing file */
    {
        rnnts_rnn *out = (rnnts_rnn *)(uintptr_t)1;
        rnnts_result r = rnnts_import_torch("/nonexistent/rnnts/checkpoint.pt", NULL, &out, &err);
        cr_assert_eq(r, RNNTS_ERR_IO, "%s", err.msg);
        cr_assert_null(out);
        cr_assert_eq(rnnts_import_torch_mem(z, n, NULL, NULL, &err), RNNTS_ERR_INVALID_ARG);
        cr_assert(err.msg[0] != '\0');
    }
}
