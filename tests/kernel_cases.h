/* kernel_cases.h — deterministic kernel cases shared by tests/kernel_dump.c (plain C, built for
   SCALAR / AVX2 / NEON, x86-64 and AArch64) and tests/test_unit.c (which recomputes every case
   in-process and compares with the scalar dump).

   Every case computes some output of the library on awkward inputs and reports one XXH3-64
   (rnnts_xxh3_64) of the raw little-endian bytes. Float outputs have NaN canonicalised to
   0x7fc00000 first (x86 and ARM default NaNs differ in the sign bit, N9); integer and mask
   outputs are hashed raw.

   Use: include after `#define RNNTS_IMPLEMENTATION` + `#include "../rnnts.h"` (the cases call
   static internals: rnnts__gemm_tile1/2 (one 16-column panel), rnnts__gemm_run, rnnts__pack_a, rnnts__vf_*, rnnts__vi_*, rnnts__act,
   rnnts__dact, rnnts__fft_twiddles, rnnts__exp_d, rnnts__log_d), then call kc_run_all(emit, ctx): emit(ctx, name, hash) once per case, in a fixed
   order. Names are unique and contain no spaces. */
#ifndef RNNTS_KERNEL_CASES_H
#define RNNTS_KERNEL_CASES_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*kc_emit_fn)(void *ctx, const char *name, uint64_t hash);

/* ---- byte buffer, hashing ------------------------------------------------------------------ */
typedef struct {
    unsigned char *p;
    size_t n, cap;
} kc_buf;

static void kc_die(const char *what) {
    fprintf(stderr, "kernel_cases: %s\n", what);
    exit(3);
}
static void *kc_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) kc_die("out of memory");
    return p;
}
static void kc_put_bytes(kc_buf *b, const void *src, size_t n) {
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        unsigned char *q;
        while (cap < b->n + n) cap *= 2;
        q = (unsigned char *)realloc(b->p, cap);
        if (!q) kc_die("out of memory");
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->n, src, n);
    b->n += n;
}
static void kc_put_u32(kc_buf *b, const uint32_t *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char le[4] = {(unsigned char)x[i], (unsigned char)(x[i] >> 8), (unsigned char)(x[i] >> 16),
                               (unsigned char)(x[i] >> 24)};
        kc_put_bytes(b, le, 4);
    }
}
/* Floats with NaN canonicalised (any NaN -> 0x7fc00000). */
static void kc_put_f(kc_buf *b, const float *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], 4);
        if ((u & 0x7f800000u) == 0x7f800000u && (u & 0x007fffffu)) u = 0x7fc00000u;
        kc_put_u32(b, &u, 1);
    }
}
static void kc_put_u64(kc_buf *b, uint64_t v) {
    uint32_t w[2] = {(uint32_t)v, (uint32_t)(v >> 32)};
    kc_put_u32(b, w, 2);
}
static void kc_flush(kc_emit_fn emit, void *ctx, kc_buf *b, const char *name) {
    emit(ctx, name, rnnts_xxh3_64(b->p, b->n));
    b->n = 0;
}

/* ---- deterministic data -------------------------------------------------------------------- */
static float kc_pow2(int e) { /* 2^e for -126 <= e <= 127, built from bits (exact) */
    uint32_t u = (uint32_t)(127 + e) << 23;
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static float kc_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}
/* Uniform in [-1, 1) times 2^e with e in [-emax, emax] (exact operations only). */
static void kc_fill(float *x, size_t n, uint64_t seed, int emax) {
    uint64_t key = rnnts_rng_key(seed, RNNTS_PURPOSE_TEST, 77, 0);
    for (size_t i = 0; i < n; i++) {
        float u = rnnts_rng_uniform(key, 2 * i);
        int e = emax ? (int)(rnnts_rng_u64(key, 2 * i + 1) % (uint64_t)(2 * emax + 1)) - emax : 0;
        x[i] = (2.0f * u - 1.0f) * kc_pow2(e);
    }
}

/* 27 edge-case floats (an odd count, so that pair and triple lists end in partial vectors). */
#define KC_NEDGE 27
static void kc_edges(float *e) {
    static const uint32_t bits[KC_NEDGE] = {
        0x00000000u, /* +0 */
        0x80000000u, /* -0 */
        0x00000001u, /* smallest subnormal */
        0x80000001u, /* -smallest subnormal */
        0x007fffffu, /* largest subnormal */
        0x00400000u, /* 2^-127 */
        0x00800000u, /* smallest normal */
        0x80800000u, /* -smallest normal */
        0x3f800000u, /* 1 */
        0xbf800000u, /* -1 */
        0x3f800001u, /* 1 + ulp */
        0x3f7fffffu, /* 1 - ulp/2 */
        0xbf800001u, /* -(1 + ulp) */
        0x3f000000u, /* 0.5 */
        0x40400000u, /* 3 */
        0xc0600000u, /* -3.5 */
        0x3dcccccdu, /* 0.1 */
        0x1e3ce508u, /* 1e-20 */
        0x60ad78ecu, /* 1e20 */
        0x7f7fffffu, /* max float */
        0xff7fffffu, /* -max float */
        0x7f800000u, /* +inf */
        0xff800000u, /* -inf */
        0x7fc00000u, /* NaN */
        0xffc00001u, /* -NaN with payload */
        0x4b000001u, /* 2^23 + 1 */
        0x33800000u, /* 2^-24 */
    };
    for (int i = 0; i < KC_NEDGE; i++) e[i] = kc_bits(bits[i]);
}

/* ---- vector layer --------------------------------------------------------------------------- */
enum { KC_ADD, KC_SUB, KC_MUL, KC_DIV, KC_MAX, KC_MIN, KC_XORSIGN, KC_NBIN };
static const char *const kc_bin_names[KC_NBIN] = {"add", "sub", "mul", "div", "max", "min", "xorsign"};
static rnnts__vf kc_binop(int op, rnnts__vf a, rnnts__vf b) {
    switch (op) {
    case KC_ADD: return rnnts__vf_add(a, b);
    case KC_SUB: return rnnts__vf_sub(a, b);
    case KC_MUL: return rnnts__vf_mul(a, b);
    case KC_DIV: return rnnts__vf_div(a, b);
    case KC_MAX: return rnnts__vf_max(a, b);
    case KC_MIN: return rnnts__vf_min(a, b);
    default: return rnnts__vf_xorsign(a, b);
    }
}
enum { KC_GT, KC_GE, KC_LT, KC_GE_AND_LE, KC_GT_OR_LT, KC_NCMP };
static const char *const kc_cmp_names[KC_NCMP] = {"gt", "ge", "lt", "ge_and_le", "gt_or_lt"};
static rnnts__vm kc_cmpop(int op, rnnts__vf a, rnnts__vf b) {
    switch (op) {
    case KC_GT: return rnnts__vf_gt(a, b);
    case KC_GE: return rnnts__vf_ge(a, b);
    case KC_LT: return rnnts__vf_lt(a, b);
    case KC_GE_AND_LE: return rnnts__vm_and(rnnts__vf_ge(a, b), rnnts__vf_ge(b, a));
    default: return rnnts__vm_or(rnnts__vf_gt(a, b), rnnts__vf_lt(a, b));
    }
}
/* Mask lanes as 32-bit patterns: all-ones (0xffffffff) or 0. */
static void kc_store_mask(uint32_t *dst, rnnts__vm m, int n) {
    float t[8];
    rnnts__vf_store(t, rnnts__vi_asf(rnnts__vi_sel(m, rnnts__vi_set1(-1), rnnts__vi_set1(0))));
    memcpy(dst, t, (size_t)n * 4);
}
static rnnts__vi kc_load_vi(const int32_t *p, int n) {
    float t[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    memcpy(t, p, (size_t)n * 4);
    return rnnts__vf_bits(rnnts__vf_load(t));
}
static void kc_store_vi(int32_t *p, rnnts__vi v, int n) {
    float t[8];
    rnnts__vf_store(t, rnnts__vi_asf(v));
    memcpy(p, t, (size_t)n * 4);
}

static void kc_cases_vector(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    float e[KC_NEDGE];
    char name[96];
    size_t np = (size_t)KC_NEDGE * KC_NEDGE, nt = np * KC_NEDGE;
    float *A = (float *)kc_malloc(nt * 4), *B = (float *)kc_malloc(nt * 4), *C = (float *)kc_malloc(nt * 4),
          *R = (float *)kc_malloc(nt * 4);
    uint32_t *Mk = (uint32_t *)kc_malloc(np * 4);
    kc_edges(e);
    /* pairs (a, b) and triples (a, b, c) of edge values */
    for (size_t i = 0; i < nt; i++) {
        A[i] = e[i / np];
        B[i] = e[(i / KC_NEDGE) % KC_NEDGE];
        C[i] = e[i % KC_NEDGE];
    }
    /* pairs are the last np of the triples' (b, c) columns: use B, C at [0, np) */
    for (int op = 0; op < KC_NBIN; op++) {
        for (size_t i = 0; i < np; i += 8) {
            int n = (int)(np - i < 8 ? np - i : 8);
            rnnts__vf a = n == 8 ? rnnts__vf_load(B + i) : rnnts__vf_load_part(B + i, n);
            rnnts__vf b = n == 8 ? rnnts__vf_load(C + i) : rnnts__vf_load_part(C + i, n);
            if (n == 8) rnnts__vf_store(R + i, kc_binop(op, a, b));
            else rnnts__vf_store_part(R + i, kc_binop(op, a, b), n);
        }
        kc_put_f(buf, R, np);
        snprintf(name, sizeof name, "vec/%s", kc_bin_names[op]);
        kc_flush(emit, ctx, buf, name);
    }
    /* fma over all triples */
    for (size_t i = 0; i < nt; i += 8) {
        int n = (int)(nt - i < 8 ? nt - i : 8);
        rnnts__vf a = rnnts__vf_load_part(A + i, n), b = rnnts__vf_load_part(B + i, n), c = rnnts__vf_load_part(C + i, n);
        rnnts__vf_store_part(R + i, rnnts__vf_fma(a, b, c), n);
    }
    kc_put_f(buf, R, nt);
    kc_flush(emit, ctx, buf, "vec/fma");
    /* unary: sqrt, abs, set1/zero, lane */
    for (int op = 0; op < 2; op++) {
        for (size_t i = 0; i < np; i += 8) {
            int n = (int)(np - i < 8 ? np - i : 8);
            rnnts__vf a = rnnts__vf_load_part(C + i, n);
            rnnts__vf_store_part(R + i, op == 0 ? rnnts__vf_sqrt(a) : rnnts__vf_abs(a), n);
        }
        kc_put_f(buf, R, np);
        kc_flush(emit, ctx, buf, op == 0 ? "vec/sqrt" : "vec/abs");
    }
    for (int i = 0; i < KC_NEDGE; i++) {
        float t[8];
        rnnts__vf_store(t, rnnts__vf_set1(e[i]));
        kc_put_f(buf, t, 8);
    }
    {
        float t[8];
        rnnts__vf_store(t, rnnts__vf_zero());
        kc_put_f(buf, t, 8);
    }
    kc_flush(emit, ctx, buf, "vec/set1_zero");
    for (size_t i = 0; i + 8 <= np; i += 8) {
        rnnts__vf a = rnnts__vf_load(C + i);
        for (int l = 0; l < 8; l++) {
            float x = rnnts__vf_lane(a, l);
            kc_put_f(buf, &x, 1);
        }
    }
    kc_flush(emit, ctx, buf, "vec/lane");
    /* comparisons and mask logic */
    for (int op = 0; op < KC_NCMP; op++) {
        for (size_t i = 0; i < np; i += 8) {
            int n = (int)(np - i < 8 ? np - i : 8);
            kc_store_mask(Mk + i, kc_cmpop(op, rnnts__vf_load_part(B + i, n), rnnts__vf_load_part(C + i, n)), n);
        }
        kc_put_u32(buf, Mk, np);
        snprintf(name, sizeof name, "vec/cmp_%s", kc_cmp_names[op]);
        kc_flush(emit, ctx, buf, name);
    }
    /* select: (a > b) ? a : c-shifted */
    for (size_t i = 0; i < np; i += 8) {
        int n = (int)(np - i < 8 ? np - i : 8);
        rnnts__vf a = rnnts__vf_load_part(B + i, n), b = rnnts__vf_load_part(C + i, n);
        rnnts__vf_store_part(R + i, rnnts__vf_sel(rnnts__vf_ge(a, b), rnnts__vf_mul(a, rnnts__vf_set1(3.0f)), b), n);
    }
    kc_put_f(buf, R, np);
    kc_flush(emit, ctx, buf, "vec/sel");
    /* tree of 8 lanes (canonical combine) */
    for (size_t i = 0; i + 8 <= nt; i += 8) {
        float s = rnnts__vf_tree(rnnts__vf_load(C + i));
        float s2 = rnnts__vf_tree(rnnts__vf_load(A + i));
        kc_put_f(buf, &s, 1);
        kc_put_f(buf, &s2, 1);
    }
    kc_flush(emit, ctx, buf, "vec/tree");
    /* load_part / store_part: every n in 0..7, lanes beyond n read as 0 and are not written */
    for (int n = 0; n < 8; n++) {
        float src[8], dst[8], full[8];
        for (int l = 0; l < 8; l++) { src[l] = e[(l * 5 + n) % KC_NEDGE]; dst[l] = -7.25f; }
        rnnts__vf v = rnnts__vf_load_part(src, n);
        rnnts__vf_store(full, v);
        rnnts__vf_store_part(dst, rnnts__vf_add(v, rnnts__vf_set1(1.0f)), n);
        kc_put_f(buf, full, 8);
        kc_put_f(buf, dst, 8);
    }
    kc_flush(emit, ctx, buf, "vec/load_store_part");

    /* integer lanes */
    {
        static const int32_t ie[] = {0, 1, -1, 2, -2, 0x7fffffff, (int32_t)0x80000000u, 0x3f800000, 12345678, -987654,
                                     0x00800000, 255, -256, 23, 127, -127, 0x55555555, (int32_t)0xaaaaaaaau, 65536};
        enum { NI = sizeof ie / sizeof ie[0] };
        int32_t a[NI * NI], b[NI * NI], r[NI * NI];
        uint32_t m[NI * NI];
        const int ni = NI * NI;
        for (int i = 0; i < ni; i++) { a[i] = ie[i / NI]; b[i] = ie[i % NI]; }
        for (int op = 0; op < 6; op++) {
            static const char *const nm[] = {"vi_add", "vi_sub", "vi_and", "vi_or", "vi_gt", "vi_sel"};
            for (int i = 0; i < ni; i += 8) {
                int n = ni - i < 8 ? ni - i : 8;
                rnnts__vi x = kc_load_vi(a + i, n), y = kc_load_vi(b + i, n);
                switch (op) {
                case 0: kc_store_vi(r + i, rnnts__vi_add(x, y), n); break;
                case 1: kc_store_vi(r + i, rnnts__vi_sub(x, y), n); break;
                case 2: kc_store_vi(r + i, rnnts__vi_and(x, y), n); break;
                case 3: kc_store_vi(r + i, rnnts__vi_or(x, y), n); break;
                case 4: kc_store_mask(m + i, rnnts__vi_gt(x, y), n); memcpy(r + i, m + i, (size_t)n * 4); break;
                default: kc_store_vi(r + i, rnnts__vi_sel(rnnts__vi_gt(x, y), rnnts__vi_sub(x, y), rnnts__vi_add(x, y)), n); break;
                }
            }
            kc_put_u32(buf, (const uint32_t *)r, (size_t)ni);
            snprintf(name, sizeof name, "vec/%s", nm[op]);
            kc_flush(emit, ctx, buf, name);
        }
        /* shifts by constants (the AVX2 forms need immediates) */
        for (int i = 0; i < NI; i += 8) {
            int n = NI - i < 8 ? NI - i : 8;
            rnnts__vi x = kc_load_vi(ie + i, n);
            int32_t t[8];
            kc_store_vi(t, rnnts__vi_shl(x, 0), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_shl(x, 1), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_shl(x, 7), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_shl(x, 23), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_shl(x, 31), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_sra(x, 0), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_sra(x, 1), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_sra(x, 7), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_sra(x, 23), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
            kc_store_vi(t, rnnts__vi_sra(x, 31), n); kc_put_u32(buf, (const uint32_t *)t, (size_t)n);
        }
        kc_flush(emit, ctx, buf, "vec/vi_shifts");
        /* int -> float (rounding of large values), float bits and back */
        for (int i = 0; i < NI; i += 8) {
            int n = NI - i < 8 ? NI - i : 8;
            float t[8];
            rnnts__vf_store_part(t, rnnts__vi_to_vf(kc_load_vi(ie + i, n)), n);
            kc_put_f(buf, t, (size_t)n);
        }
        {
            static const int32_t big[8] = {16777217, 16777219, 33554435, -33554435, 2147483647, -2147483647 - 1, 1 << 30, -1000001};
            float t[8];
            rnnts__vf_store(t, rnnts__vi_to_vf(kc_load_vi(big, 8)));
            kc_put_f(buf, t, 8);
        }
        kc_flush(emit, ctx, buf, "vec/vi_to_vf");
    }
    {
        /* float -> int of integer-valued, in-range floats */
        static const float iv[16] = {0.0f, -0.0f, 1.0f, -1.0f, 8388608.0f, 16777216.0f, -2147483648.0f, 2147483520.0f,
                                     12345.0f, -127.0f, 126.0f, -16777216.0f, 3.0f, -3.0f, 1073741824.0f, -8388607.0f};
        int32_t t[16];
        kc_store_vi(t, rnnts__vf_to_vi_exact(rnnts__vf_load(iv)), 8);
        kc_store_vi(t + 8, rnnts__vf_to_vi_exact(rnnts__vf_load(iv + 8)), 8);
        kc_put_u32(buf, (const uint32_t *)t, 16);
        /* bits of every edge float, and the same bits turned back into floats */
        for (size_t i = 0; i < np; i += 8) {
            int n = (int)(np - i < 8 ? np - i : 8);
            int32_t bi[8];
            float back[8];
            rnnts__vi v = rnnts__vf_bits(rnnts__vf_load_part(C + i, n));
            kc_store_vi(bi, v, n);
            kc_put_u32(buf, (const uint32_t *)bi, (size_t)n);
            rnnts__vf_store_part(back, rnnts__vi_asf(v), n);
            kc_put_f(buf, back, (size_t)n);
        }
        kc_flush(emit, ctx, buf, "vec/vf_to_vi_bits_asf");
    }
    free(A); free(B); free(C); free(R); free(Mk);
}

/* ---- GEMM ------------------------------------------------------------------------------------ */
/* C[i][0..N) += A[i][0..K) B[0..K)[0..N) for rows i in [i0, R), all plain row-major, through the
   strided driver rnnts__gemm_run (rows from i0: A and C shifted by i0 rows). */
static void kc_gemm_rows(int i0, int R, int K, const float *A, size_t lda, const float *B, size_t ldb, float *C,
                         size_t ldc, int N) {
    rnnts__gemm g;
    memset(&g, 0, sizeof g);
    g.K = K; g.ncols = N;
    rnnts__gemm_a(&g, A + (size_t)i0 * lda, lda, 16);
    rnnts__gemm_b(&g, B, ldb, 16);
    rnnts__gemm_c(&g, C + (size_t)i0 * ldc, ldc, 16);
    rnnts__gemm_run(&g, 0, rnnts__panels(R - i0), R - i0);
}
/* Row-major [rows][ld] to the blocked layout (panels of rows x 16; cols a multiple of 16) and back. */
RNNTS__UNUSED static void kc_to_blocked(const float *X, size_t ld, int rows, int cols, float *Y) {
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) Y[RNNTS__BLK(rows, r, c)] = X[(size_t)r * ld + c];
}
/* The same product with A, B and C in the blocked layout (A's columns k blocked: akb = R*16). */
static void kc_gemm_blocked(int R, int K, const float *Ablk, const float *Bblk, float *Cblk, int N) {
    rnnts__gemm g;
    memset(&g, 0, sizeof g);
    g.K = K; g.ncols = N;
    rnnts__gemm_a(&g, Ablk, 16, (size_t)R * 16);
    rnnts__gemm_b(&g, Bblk, 16, (size_t)K * 16);
    rnnts__gemm_c(&g, Cblk, 16, (size_t)R * 16);
    rnnts__gemm_run(&g, 0, rnnts__panels(R), R);
}
/* The packed A operand (rnnts__pack_a of a row-major A) with B and C blocked, columns N. */
static void kc_gemm_packed(int R, int K, const float *A, size_t lda, const float *Bblk, float *Cblk, int N) {
    rnnts__gemm g;
    float *Ap = (float *)kc_malloc(rnnts__packed_floats((size_t)R, (size_t)K) * 4 + 4);
    rnnts__pack_a(Ap, A, lda, 1, R, K);
    memset(&g, 0, sizeof g);
    g.K = K; g.ncols = N;
    rnnts__gemm_ap(&g, Ap);
    rnnts__gemm_b(&g, Bblk, 16, (size_t)K * 16);
    rnnts__gemm_c(&g, Cblk, 16, (size_t)R * 16);
    rnnts__gemm_run(&g, 0, rnnts__panels(R), R);
    free(Ap);
}
/* One 16-column panel of the micro-kernel, rows < mr (<= 6, the smallest tile height): two 8-lane
   vectors per row with 8 lanes, one 16-lane vector on AVX-512. */
static void kc_tile16(int K, const float *A, size_t lda, int mr, const float *B, size_t ldb, float *C, size_t ldc) {
#if RNNTS__VN == 16
    rnnts__gemm_tile1(K, A, lda, 16, mr, B, ldb, C, ldc);
#else
    rnnts__gemm_tile2(K, A, lda, 16, mr, B, ldb, 8, C, ldc, 8);
#endif
}
/* K = 300 crosses the k-block boundary of rnnts__gemm_run (RNNTS__KC = 256). Rows and columns
   cover one and several tiles of every path (6 rows x 16 columns on 8 lanes, 10 x 32 on AVX-512)
   with partial last tiles and an odd number of 16-column panels. */
static void kc_cases_gemm(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    static const int Ks[] = {1, 2, 7, 33, 300}, rows[] = {1, 5, 6, 7, 13, 14, 15, 29, 31}, cols[] = {16, 32, 48, 80};
    char name[96];
    for (int ki = 0; ki < 5; ki++) {
        int K = Ks[ki];
        /* the micro-kernel itself, every mr */
        for (int mr = 1; mr <= 6; mr++) {
            size_t lda = (size_t)K + 3, ldb = 16 + 5, ldc = 16 + 3;
            float *A = (float *)kc_malloc(6 * lda * 4), *B = (float *)kc_malloc((size_t)K * ldb * 4),
                  *C = (float *)kc_malloc(6 * ldc * 4);
            kc_fill(A, 6 * lda, 100 + (uint64_t)K * 8 + (uint64_t)mr, 6);
            kc_fill(B, (size_t)K * ldb, 200 + (uint64_t)K, 6);
            kc_fill(C, 6 * ldc, 300 + (uint64_t)mr, 3);
            kc_tile16(K, A, lda, mr, B, ldb, C, ldc);
            kc_put_f(buf, C, 6 * ldc);
            snprintf(name, sizeof name, "gemm6x16/K%d/mr%d", K, mr);
            kc_flush(emit, ctx, buf, name);
            free(A); free(B); free(C);
        }
        for (int ri = 0; ri < 9; ri++)
            for (int ci = 0; ci < 4; ci++)
                for (int i0 = 0; i0 < 2; i0++) {
                    int R = rows[ri], N = cols[ci];
                    size_t lda = (size_t)K + 1, ldb = (size_t)N + 16, ldc = (size_t)N + 8;
                    float *A, *B, *C;
                    if (i0 >= R) continue;
                    A = (float *)kc_malloc((size_t)R * lda * 4);
                    B = (float *)kc_malloc((size_t)K * ldb * 4);
                    C = (float *)kc_malloc((size_t)R * ldc * 4);
                    kc_fill(A, (size_t)R * lda, 400 + (uint64_t)(K * 100 + R), 8);
                    kc_fill(B, (size_t)K * ldb, 500 + (uint64_t)(K * 100 + N), 8);
                    kc_fill(C, (size_t)R * ldc, 600 + (uint64_t)(R * 100 + N), 2);
                    kc_gemm_rows(i0, R, K, A, lda, B, ldb, C, ldc, N);
                    kc_put_f(buf, C, (size_t)R * ldc);
                    snprintf(name, sizeof name, "gemm_rows/K%d/rows%d-%d/cols%d", K, i0, R, N);
                    kc_flush(emit, ctx, buf, name);
                    free(A); free(B); free(C);
                }
        /* the blocked state layout (A, B and C blocked; K padded to 16 for A's panels) */
        for (int ri = 0; ri < 9; ri++)
            for (int ci = 0; ci < 4; ci++) {
                int R = rows[ri], N = cols[ci], Kp = (K + 15) / 16 * 16;
                float *A = (float *)kc_malloc((size_t)R * Kp * 4), *B = (float *)kc_malloc((size_t)K * N * 4),
                      *C = (float *)kc_malloc((size_t)R * N * 4);
                kc_fill(A, (size_t)R * Kp, 700 + (uint64_t)(K * 100 + R), 8);
                kc_fill(B, (size_t)K * N, 800 + (uint64_t)(K * 100 + N), 8);
                kc_fill(C, (size_t)R * N, 900 + (uint64_t)(R * 100 + N), 2);
                kc_gemm_blocked(R, K, A, B, C, N);
                kc_put_f(buf, C, (size_t)R * N);
                snprintf(name, sizeof name, "gemm_blocked/K%d/rows%d/cols%d", K, R, N);
                kc_flush(emit, ctx, buf, name);
                free(A); free(B); free(C);
            }
        /* packed A (the weight products), B and C blocked */
        for (int ri = 0; ri < 9; ri++)
            for (int ci = 0; ci < 4; ci++) {
                int R = rows[ri], N = cols[ci];
                size_t lda = (size_t)K + 2;
                float *A = (float *)kc_malloc((size_t)R * lda * 4), *B = (float *)kc_malloc((size_t)K * N * 4),
                      *C = (float *)kc_malloc((size_t)R * N * 4);
                kc_fill(A, (size_t)R * lda, 1000 + (uint64_t)(K * 100 + R), 8);
                kc_fill(B, (size_t)K * N, 1100 + (uint64_t)(K * 100 + N), 8);
                kc_fill(C, (size_t)R * N, 1200 + (uint64_t)(R * 100 + N), 2);
                kc_gemm_packed(R, K, A, lda, B, C, N);
                kc_put_f(buf, C, (size_t)R * N);
                snprintf(name, sizeof name, "gemm_packed/K%d/rows%d/cols%d", K, R, N);
                kc_flush(emit, ctx, buf, name);
                free(A); free(B); free(C);
            }
    }
}

/* ---- own math ---------------------------------------------------------------------------------- */
/* Dense inputs: a linear grid over [-100, 100] in steps of 1/128 and a sweep over the bit patterns
   of all finite floats of both signs (stride 0x1003f). */
static float *kc_math_inputs(size_t *n_out) {
    size_t n = 0, cap = 25601 + 2 * (0x7f800000u / 0x1003fu + 2);
    float *x = (float *)kc_malloc(cap * 4);
    for (int i = -12800; i <= 12800; i++) x[n++] = (float)i * 0x1p-7f;
    for (uint32_t u = 0; u < 0x7f800000u; u += 0x1003fu) {
        x[n++] = kc_bits(u);
        x[n++] = kc_bits(u | 0x80000000u);
    }
    *n_out = n;
    return x;
}
enum { KC_EXP, KC_LOG, KC_TANH, KC_SIGMOID, KC_SIN, KC_COS, KC_NMATH };
static const char *const kc_math_names[KC_NMATH] = {"exp", "log", "tanh", "sigmoid", "sin", "cos"};
static float kc_math_scalar(int f, float x) {
    switch (f) {
    case KC_EXP: return rnnts_expf(x);
    case KC_LOG: return rnnts_logf(x);
    case KC_TANH: return rnnts_tanhf(x);
    case KC_SIGMOID: return rnnts_sigmoidf(x);
    case KC_SIN: return rnnts_sinf(x);
    default: return rnnts_cosf(x);
    }
}
static rnnts__vn kc_math_vec(int f, rnnts__vn x) { /* native vectors (the math's own width) */
    switch (f) {
    case KC_EXP: return rnnts__exp_v(x);
    case KC_LOG: return rnnts__log_v(x);
    case KC_TANH: return rnnts__tanh_v(x);
    case KC_SIGMOID: return rnnts__sigmoid_v(x);
    case KC_SIN: return rnnts__sin_v(x);
    default: return rnnts__cos_v(x);
    }
}
static void kc_cases_math(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    size_t n;
    float *x = kc_math_inputs(&n), *r = (float *)kc_malloc(n * 4), special[KC_NEDGE];
    char name[96];
    kc_edges(special);
    for (int f = 0; f < KC_NMATH; f++) {
        for (size_t i = 0; i < n; i++) r[i] = kc_math_scalar(f, x[i]);
        kc_put_f(buf, r, n);
        snprintf(name, sizeof name, "math/%s/scalar", kc_math_names[f]);
        kc_flush(emit, ctx, buf, name);
        for (size_t i = 0; i < n; i += RNNTS__VN) {
            int m = (int)(n - i < RNNTS__VN ? n - i : RNNTS__VN);
            float t[16] = {0};
            memcpy(t, x + i, (size_t)m * sizeof(float));
            rnnts__vn_store(t, kc_math_vec(f, rnnts__vn_load(t)));
            memcpy(r + i, t, (size_t)m * sizeof(float));
        }
        kc_put_f(buf, r, n);
        snprintf(name, sizeof name, "math/%s/vector", kc_math_names[f]);
        kc_flush(emit, ctx, buf, name);
        /* edge inputs (zeros, subnormals, infinities, NaN, max float) on their own */
        for (int i = 0; i < KC_NEDGE; i++) {
            float y = kc_math_scalar(f, special[i]);
            kc_put_f(buf, &y, 1);
        }
        snprintf(name, sizeof name, "math/%s/special", kc_math_names[f]);
        kc_flush(emit, ctx, buf, name);
    }
    free(x);
    free(r);
}

/* ---- canonical sum, activations, RNG, xxh3 ------------------------------------------------------ */
static void kc_cases_misc(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    static const size_t ns[] = {0, 1, 7, 8, 9, 63, 1000};
    char name[96];
    float *x = (float *)kc_malloc(1000 * 4);
    for (int k = 0; k < 7; k++) {
        for (int v = 0; v < 3; v++) {
            float s;
            kc_fill(x, ns[k], 900 + (uint64_t)v, v == 0 ? 0 : v == 1 ? 12 : 30);
            s = rnnts_sum_canon(x, ns[k]);
            kc_put_f(buf, &s, 1);
        }
        snprintf(name, sizeof name, "sum_canon/n%zu", ns[k]);
        kc_flush(emit, ctx, buf, name);
    }
    free(x);
    {
        /* activations and derivatives on edges, +-0 and a grid over [-8, 8] step 1/32 */
        float e[KC_NEDGE], in[KC_NEDGE + 513], y[KC_NEDGE + 520], d[KC_NEDGE + 520];
        int n = 0;
        kc_edges(e);
        for (int i = 0; i < KC_NEDGE; i++) in[n++] = e[i];
        for (int i = -256; i <= 256; i++) in[n++] = (float)i / 32.0f;
        for (int k = 0; k < 4; k++) {
            for (int i = 0; i < n; i += RNNTS__VN) { /* native vectors, as the epilogues use them */
                int m = n - i < RNNTS__VN ? n - i : RNNTS__VN;
                float t[16] = {0}, ty[16], td[16];
                memcpy(t, in + i, (size_t)m * sizeof(float));
                rnnts__vn xv = rnnts__vn_load(t), yv = rnnts__act((rnnts_activation)k, xv);
                rnnts__vn_store(ty, yv);
                rnnts__vn_store(td, rnnts__dact((rnnts_activation)k, xv, yv));
                memcpy(y + i, ty, (size_t)m * sizeof(float));
                memcpy(d + i, td, (size_t)m * sizeof(float));
            }
            kc_put_f(buf, y, (size_t)n);
            snprintf(name, sizeof name, "act/%d", k);
            kc_flush(emit, ctx, buf, name);
            kc_put_f(buf, d, (size_t)n);
            snprintf(name, sizeof name, "dact/%d", k);
            kc_flush(emit, ctx, buf, name);
        }
    }
    {
        /* RNG: keys, raw draws, uniforms and normals */
        for (uint64_t s = 0; s < 4; s++)
            for (uint64_t p = 1; p < 4; p++) {
                uint64_t key = rnnts_rng_key(s * 0x9E3779B97F4A7C15ull, p, s + p, 7 * s);
                kc_put_u64(buf, key);
                for (uint64_t i = 0; i < 64; i++) kc_put_u64(buf, rnnts_rng_u64(key, i * 1000003u));
            }
        kc_flush(emit, ctx, buf, "rng/u64");
        {
            uint64_t key = rnnts_rng_key(42, RNNTS_PURPOSE_TEST, 1, 2);
            for (uint64_t i = 0; i < 4096; i++) {
                float u = rnnts_rng_uniform(key, i);
                kc_put_f(buf, &u, 1);
            }
            kc_flush(emit, ctx, buf, "rng/uniform");
            for (uint64_t i = 0; i < 4096; i++) {
                float z = rnnts_rng_normal(key, i);
                kc_put_f(buf, &z, 1);
            }
            kc_flush(emit, ctx, buf, "rng/normal");
        }
    }
    {
        /* the hash itself on lengths 0..300 and a few long ones */
        unsigned char *d = (unsigned char *)kc_malloc(5000);
        uint64_t key = rnnts_rng_key(3, RNNTS_PURPOSE_TEST, 3, 3);
        for (int i = 0; i < 5000; i++) d[i] = (unsigned char)(rnnts_rng_u64(key, (uint64_t)i) >> 56);
        for (size_t len = 0; len <= 300; len++) kc_put_u64(buf, rnnts_xxh3_64(d, len));
        kc_put_u64(buf, rnnts_xxh3_64(d, 1024));
        kc_put_u64(buf, rnnts_xxh3_64(d, 1025));
        kc_put_u64(buf, rnnts_xxh3_64(d, 4999));
        kc_put_u64(buf, rnnts_xxh3_64(d + 1, 3333));
        free(d);
        kc_flush(emit, ctx, buf, "xxh3/lengths");
    }
}

/* ---- networks --------------------------------------------------------------------------------- */
static const char *const kc_act_names[4] = {"leakyrelu", "relu", "tanh", "sigmoid"};

/* One network case: forward (logits, loss), backward (gradients), stream (outputs, states).
   Learnable tau: tau[0] sits exactly on the clamp (k tau = 1), tau[1] below it. */
static void kc_net_case(kc_emit_fn emit, void *ctx, kc_buf *buf, int H, int B, int M, int K, int variant, int act,
                        int fixed, int kc, int given_h0) {
    char name[160], base[128];
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_rnn_ws *ws = NULL;
    rnnts_error err;
    rnnts_batch bt;
    int heads[4], na, rc;
    uint64_t seed = 1000003u * (uint64_t)H + 10007u * (uint64_t)B + 101u * (uint64_t)M + (uint64_t)K +
                    ((uint64_t)variant << 20) + ((uint64_t)act << 24) + ((uint64_t)fixed << 28) + ((uint64_t)kc << 32) +
                    ((uint64_t)given_h0 << 36);
    float *input, *h0 = NULL, *logits, *grad, *out, *states, loss = 0.0f;
    int *labels;
    uint64_t dkey = rnnts_rng_key(seed, RNNTS_PURPOSE_TEST, 5, 0);
    snprintf(base, sizeof base, "net/H%dB%dM%dK%d/%s/%s/%s/k%d/%s", H, B, M, K, variant ? "mod" : "default",
             kc_act_names[act], fixed ? "fixedtau" : "learntau", kc, given_h0 ? "h0given" : "h0drawn");
    cfg.hidden = H;
    cfg.heads = K;
    cfg.variant = (rnnts_variant)variant;
    cfg.activation = (rnnts_activation)act;
    cfg.k_continuous = kc;
    if (fixed) {
        cfg.train_tau = 0;
        cfg.fixed_tau = 1.5f;
    }
    if ((rc = rnnts_rnn_create(&cfg, seed, NULL, &net, &err)) != RNNTS_OK) {
        snprintf(name, sizeof name, "%s/create_failed", base);
        emit(ctx, name, (uint64_t)(int64_t)rc);
        return;
    }
    if (!fixed) {
        float k = kc > 0 ? (float)kc : 1.0f;
        net->tau[0] = 1.0f / k; /* exactly on the clamp */
        if (H > 1) net->tau[1] = 0.75f / k;
        if (H > 2) net->tau[2] = 0.25f;
    }
    na = K == 1 ? 1 : K == 2 ? 2 : K - 1;
    if (K == 2) { heads[0] = 1; heads[1] = 0; }
    else if (K >= 3) { heads[0] = K - 1; heads[1] = 0; for (int a = 2; a < na; a++) heads[a] = a - 1; }
    else heads[0] = 0;
    input = (float *)kc_malloc((size_t)M * B * 4);
    labels = (int *)kc_malloc((size_t)na * B * sizeof(int));
    logits = (float *)kc_malloc((size_t)na * B * 2 * 4);
    grad = (float *)kc_malloc(net->n_param * 4);
    out = (float *)kc_malloc((size_t)M * K * B * 2 * 4);
    states = (float *)kc_malloc((size_t)(M + 1) * B * H * 4);
    for (int e = 0; e < M * B; e++) input[e] = rnnts_rng_uniform(dkey, (uint64_t)e) < 0.5f ? 1.0f : 0.0f;
    for (int e = 0; e < na * B; e++) labels[e] = rnnts_rng_uniform(dkey, 100000u + (uint64_t)e) < 0.5f;
    if (given_h0) {
        h0 = (float *)kc_malloc((size_t)B * H * 4);
        for (int e = 0; e < B * H; e++) h0[e] = 0.6f * rnnts_rng_uniform(dkey, 200000u + (uint64_t)e) - 0.3f;
    }
    memset(&bt, 0, sizeof bt);
    bt.batch = B; bt.len = M; bt.input = input; bt.h0 = h0; bt.h0_seed = seed ^ 0x5555u; bt.h0_draw = 3;
    bt.n_active = na; bt.heads = heads; bt.labels = labels;
    rc = rnnts_rnn_ws_create(net, B, M, NULL, &ws, &err);
    if (rc == RNNTS_OK) rc = rnnts_rnn_forward(ws, net, &bt, NULL, logits, &loss, &err);
    if (rc == RNNTS_OK) rc = rnnts_rnn_backward(ws, net, NULL, grad, &err);
    if (rc != RNNTS_OK) {
        snprintf(name, sizeof name, "%s/fwdbwd_failed", base);
        emit(ctx, name, (uint64_t)(int64_t)rc);
    } else {
        kc_put_f(buf, logits, (size_t)na * B * 2);
        kc_put_f(buf, &loss, 1);
        kc_put_f(buf, grad, net->n_param);
        snprintf(name, sizeof name, "%s/fwdbwd", base);
        kc_flush(emit, ctx, buf, name);
    }
    rc = ws ? rnnts_rnn_stream(ws, net, &bt, NULL, out, states, &err) : RNNTS_ERR_STATE;
    if (rc != RNNTS_OK) {
        snprintf(name, sizeof name, "%s/stream_failed", base);
        emit(ctx, name, (uint64_t)(int64_t)rc);
    } else {
        kc_put_f(buf, out, (size_t)M * K * B * 2);
        kc_put_f(buf, states, (size_t)(M + 1) * B * H);
        snprintf(name, sizeof name, "%s/stream", base);
        kc_flush(emit, ctx, buf, name);
    }
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    free(input); free(labels); free(logits); free(grad); free(out); free(states); free(h0);
}

static void kc_cases_nets(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    static const int shapes[4][4] = {{1, 1, 1, 1}, {7, 3, 5, 2}, {13, 17, 9, 3}, {32, 16, 4, 1}};
    for (int s = 0; s < 4; s++)
        for (int variant = 0; variant < 2; variant++)
            for (int act = 0; act < 4; act++)
                for (int fixed = 0; fixed < 2; fixed++)
                    for (int g = 0; g < 2; g++)
                        kc_net_case(emit, ctx, buf, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], variant, act, fixed, 0, g);
    /* k-blocked products (RNNTS__KC = 256): H = 260 (W h, W^T du) and B = 260 (dW over the batch) */
    kc_net_case(emit, ctx, buf, 260, 3, 2, 1, 0, 0, 0, 0, 0);
    kc_net_case(emit, ctx, buf, 260, 2, 2, 2, 1, 2, 0, 0, 1);
    kc_net_case(emit, ctx, buf, 3, 260, 2, 1, 0, 0, 0, 0, 1);
    kc_net_case(emit, ctx, buf, 5, 270, 3, 2, 1, 3, 1, 0, 0);
    /* continuous time, k = 2 (mod form) */
    for (int s = 0; s < 4; s++)
        for (int act = 0; act < 4; act++)
            for (int fixed = 0; fixed < 2; fixed++)
                for (int g = 0; g < 2; g++)
                    kc_net_case(emit, ctx, buf, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], 1, act, fixed, 2, g);
}

/* GRU / LSTM (issue 6): forward (logits, loss), backward (gradients), stream (outputs, states),
   parameters scaled by 2.5 so that gates saturate; optional given h0. Exercises the packed gate
   GEMM, the panel-fused epilogues (own sigmoid/tanh) and the BPTT elementwise kernels. */
static void kc_gated_case(kc_emit_fn emit, void *ctx, kc_buf *buf, int model, int H, int B, int M, int K, int given_h0) {
    char name[160], base[128];
    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_rnn_ws *ws = NULL;
    rnnts_error err;
    rnnts_batch bt;
    int heads[2] = {K - 1, 0}, na = K >= 2 ? 2 : 1, rc;
    uint64_t seed = 7919u * (uint64_t)H + 131u * (uint64_t)B + 17u * (uint64_t)M + (uint64_t)K + ((uint64_t)model << 40) +
                    ((uint64_t)given_h0 << 44);
    uint64_t dkey = rnnts_rng_key(seed, RNNTS_PURPOSE_TEST, 6, 0);
    float *input, *h0 = NULL, *logits, *grad, *out, *states, loss = 0.0f;
    int *labels;
    snprintf(base, sizeof base, "gated/%s/H%dB%dM%dK%d/%s", model == RNNTS_MODEL_GRU ? "gru" : "lstm", H, B, M, K,
             given_h0 ? "h0given" : "h0zero");
    cfg.model = (rnnts_model)model; cfg.hidden = H; cfg.heads = K;
    if ((rc = rnnts_rnn_create(&cfg, seed, NULL, &net, &err)) != RNNTS_OK) {
        snprintf(name, sizeof name, "%s/create_failed", base);
        emit(ctx, name, (uint64_t)(int64_t)rc);
        return;
    }
    for (size_t e = 0; e < net->n_param; e++) net->param[e] *= 2.5f;
    input = (float *)kc_malloc((size_t)M * B * 4);
    labels = (int *)kc_malloc((size_t)na * B * sizeof(int));
    logits = (float *)kc_malloc((size_t)na * B * 2 * 4);
    grad = (float *)kc_malloc(net->n_param * 4);
    out = (float *)kc_malloc((size_t)M * K * B * 2 * 4);
    states = (float *)kc_malloc((size_t)(M + 1) * B * H * 4);
    for (int e = 0; e < M * B; e++) input[e] = rnnts_rng_uniform(dkey, (uint64_t)e) < 0.5f ? 1.0f : 0.0f;
    for (int e = 0; e < na * B; e++) labels[e] = rnnts_rng_uniform(dkey, 100000u + (uint64_t)e) < 0.5f;
    if (given_h0) {
        h0 = (float *)kc_malloc((size_t)B * H * 4);
        for (int e = 0; e < B * H; e++) h0[e] = 1.6f * rnnts_rng_uniform(dkey, 200000u + (uint64_t)e) - 0.8f;
    }
    memset(&bt, 0, sizeof bt);
    bt.batch = B; bt.len = M; bt.input = input; bt.h0 = h0;
    bt.n_active = na; bt.heads = heads; bt.labels = labels;
    rc = rnnts_rnn_ws_create(net, B, M, NULL, &ws, &err);
    if (rc == RNNTS_OK) rc = rnnts_rnn_forward(ws, net, &bt, NULL, logits, &loss, &err);
    if (rc == RNNTS_OK) rc = rnnts_rnn_backward(ws, net, NULL, grad, &err);
    if (rc != RNNTS_OK) {
        snprintf(name, sizeof name, "%s/fwdbwd_failed", base);
        emit(ctx, name, (uint64_t)(int64_t)rc);
    } else {
        kc_put_f(buf, logits, (size_t)na * B * 2);
        kc_put_f(buf, &loss, 1);
        kc_put_f(buf, grad, net->n_param);
        snprintf(name, sizeof name, "%s/fwdbwd", base);
        kc_flush(emit, ctx, buf, name);
    }
    rc = ws ? rnnts_rnn_stream(ws, net, &bt, NULL, out, states, &err) : RNNTS_ERR_STATE;
    if (rc != RNNTS_OK) {
        snprintf(name, sizeof name, "%s/stream_failed", base);
        emit(ctx, name, (uint64_t)(int64_t)rc);
    } else {
        kc_put_f(buf, out, (size_t)M * K * B * 2);
        kc_put_f(buf, states, (size_t)(M + 1) * B * H);
        snprintf(name, sizeof name, "%s/stream", base);
        kc_flush(emit, ctx, buf, name);
    }
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    free(input); free(labels); free(logits); free(grad); free(out); free(states); free(h0);
}
static void kc_cases_gated(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    /* H, B, M, K: tiny, not multiples of 8 or 16, and the k-blocked products (G*H rows, K = H > 256
       in W_hh h; B > 256 in dW_hh) */
    static const int shapes[7][4] = {{1, 1, 1, 1}, {7, 3, 5, 2}, {13, 17, 9, 3}, {32, 16, 4, 1}, {5, 33, 6, 2}, {260, 3, 2, 1}, {3, 260, 2, 2}};
    for (int m = RNNTS_MODEL_GRU; m <= RNNTS_MODEL_LSTM; m++)
        for (int s = 0; s < 7; s++)
            for (int g = 0; g < 2; g++) kc_gated_case(emit, ctx, buf, m, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], g);
}

/* Initial parameters and the safetensors bytes of a few networks. */
static void kc_cases_create_save(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    static const int cf[6][6] = {
        /* H, K, variant, act, fixed, kc */
        {1, 1, 0, 0, 0, 0}, {7, 2, 1, 2, 0, 0}, {33, 3, 0, 3, 1, 0}, {64, 1, 1, 1, 0, 3}, {5, 9, 1, 0, 1, 2}, {500, 1, 0, 0, 0, 0},
    };
    char name[96];
    for (int c = 0; c < 6; c++)
        for (uint64_t seed = 1; seed <= 2; seed++) {
            rnnts_rnn_config cfg = rnnts_rnn_config_default();
            rnnts_rnn *net;
            void *file = NULL;
            size_t fsize = 0;
            int rc;
            cfg.hidden = cf[c][0]; cfg.heads = cf[c][1]; cfg.variant = (rnnts_variant)cf[c][2];
            cfg.activation = (rnnts_activation)cf[c][3]; cfg.k_continuous = cf[c][5];
            if (cf[c][4]) { cfg.train_tau = 0; cfg.fixed_tau = 2.75f; }
            cfg.tau_init = seed == 2 ? 3.5f : 1.0f;
            rc = rnnts_rnn_create(&cfg, seed * 0xDEADBEEFull, NULL, &net, NULL);
            snprintf(name, sizeof name, "create/H%dK%d/cfg%d/seed%d", cf[c][0], cf[c][1], c, (int)seed);
            if (rc != RNNTS_OK) { emit(ctx, name, (uint64_t)(int64_t)rc); continue; }
            kc_put_f(buf, net->param, net->n_param);
            kc_flush(emit, ctx, buf, name);
            snprintf(net->meta.task, sizeof net->meta.task, "%s", seed == 1 ? "parity" : "dms \"q\"\\\n");
            snprintf(net->meta.curriculum, sizeof net->meta.curriculum, "%s", "multi");
            snprintf(net->meta.ns, sizeof net->meta.ns, "%s", "2,3,4,5");
            net->meta.epoch = 17 * c;
            rc = rnnts_rnn_save_mem(net, &file, &fsize, NULL);
            snprintf(name, sizeof name, "save_mem/H%dK%d/cfg%d/seed%d", cf[c][0], cf[c][1], c, (int)seed);
            if (rc != RNNTS_OK) emit(ctx, name, (uint64_t)(int64_t)rc);
            else {
                kc_put_bytes(buf, file, fsize);
                kc_flush(emit, ctx, buf, name);
            }
            rnnts_free(&net->alloc, file);
            rnnts_rnn_destroy(net);
        }
}

/* ---- analyses (>>analysis): autocorrelation by FFT, exponential fits, eigenvalues, PCA ---------- */
/* Doubles as raw little-endian bits, NaN canonicalised to 0x7ff8000000000000 (x86 and ARM default
   NaNs differ in the sign bit, N9). */
static void kc_put_d(kc_buf *b, const double *x, size_t n) {
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &x[i], 8);
        if ((u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (u & 0x000fffffffffffffull)) u = 0x7ff8000000000000ull;
        kc_put_u64(b, u);
    }
}
static void kc_put_fit(kc_buf *b, const rnnts_expfit *f) {
    double d[12] = {f->a1, f->tau1, f->rss1, f->aic1, f->a2, f->t1, f->t2, f->c2, f->rss2, f->aic2, f->tau_net, 0.0};
    uint32_t i[5] = {(uint32_t)f->ok1, (uint32_t)f->ok2, (uint32_t)f->selected, (uint32_t)f->iters1, (uint32_t)f->iters2};
    kc_put_d(b, d, 11);
    kc_put_u32(b, i, 5);
}
static void kc_cases_analysis(kc_emit_fn emit, void *ctx, kc_buf *buf) {
    char name[96];
    /* twiddle tables (the first-octant sin/cos and the symmetries) */
    for (size_t P = 4; P <= 65536; P *= 4) {
        float *tw = (float *)kc_malloc(2 * P * sizeof(float));
        rnnts__fft_twiddles(tw, P);
        kc_put_f(buf, tw, 2 * P);
        snprintf(name, sizeof name, "analysis/twiddles/P%zu", P);
        kc_flush(emit, ctx, buf, name);
        free(tw);
    }
    /* autocorrelation: 9 series (a full and a partial group of 8), awkward n; n = 4097, 9000 and
       20000 run the column schedule (M/B = 2, 4, 8 rows; M = P/2 complex points, B = 4096). Series: Gaussian noise with offsets and
       scales from 2^-100 to 2^100, a constant series, an AR(1)-like smooth one, a spike. */
    {
        static const size_t ns[] = {2, 3, 7, 100, 1000, 2049, 4097, 9000, 20000};
        for (int q = 0; q < 9; q++) {
            size_t n = ns[q];
            int S = 9, ml = (int)(n - 1 < 300 ? n - 1 : 300), rc;
            float *x = (float *)kc_malloc(n * (size_t)S * sizeof(float)), *ac = (float *)kc_malloc((size_t)ml * (size_t)S * sizeof(float));
            uint64_t key = rnnts_rng_key(77, RNNTS_PURPOSE_TEST, n, 1);
            for (int s = 0; s < S; s++)
                for (size_t t = 0; t < n; t++) {
                    float z = rnnts_rng_normal(key, (uint64_t)s * n + t);
                    float *o = x + (size_t)s * n + t;
                    switch (s) {
                    case 0: *o = z; break;
                    case 1: *o = 1000.0f + z * 0.01f; break;                 /* large offset */
                    case 2: *o = z * kc_pow2(-100); break;                     /* tiny */
                    case 3: *o = z * kc_pow2(100); break;                      /* huge */
                    case 4: *o = 2.5f; break;                                  /* constant: ac = 0 */
                    case 5: *o = t ? 0.9f * o[-1] + z : z; break;              /* smooth */
                    case 6: *o = t == n / 3 ? 1.0f : 0.0f; break;              /* spike */
                    case 7: *o = (t & 1) ? -1.0f : 1.0f; break;               /* alternating */
                    default: *o = -3.0f + z * z; break;
                    }
                }
            rc = rnnts_autocorr(x, n, S, ml, ac, NULL, NULL);
            snprintf(name, sizeof name, "analysis/autocorr/n%zu", n);
            if (rc != RNNTS_OK) emit(ctx, name, (uint64_t)(int64_t)rc);
            else {
                kc_put_f(buf, ac, (size_t)ml * (size_t)S);
                kc_flush(emit, ctx, buf, name);
            }
            free(x);
            free(ac);
        }
    }
    /* exponential fits: exact and noisy curves, bounds, degenerate data */
    {
        double y[31];
        for (int c = 0; c < 8; c++) {
            rnnts_expfit f;
            int rc;
            memset(&f, 0, sizeof f);
            for (int t = 0; t < 31; t++) {
                double tt = (double)t, e = (double)rnnts_rng_normal(rnnts_rng_key(5, RNNTS_PURPOSE_TEST, (uint64_t)c, 2), (uint64_t)t);
                switch (c) {
                case 0: y[t] = 0.8 * rnnts__exp_d(-tt / 7.5); break;
                case 1: y[t] = 0.9 * (0.4 * rnnts__exp_d(-tt / 1.5) + 0.6 * rnnts__exp_d(-tt / 12.0)); break;
                case 2: y[t] = rnnts__exp_d(-tt / 300.0); break;
                case 3: y[t] = t == 0 ? 1.0 : 0.0; break;
                case 4: y[t] = rnnts__exp_d(-tt / 5.0) + 0.01 * e; break;
                case 5: y[t] = 0.5 * rnnts__exp_d(-tt / 2.0) + 0.5 * rnnts__exp_d(-tt / 20.0) + 0.003 * e; break;
                case 6: y[t] = tt - 0.5; break;
                default: y[t] = 0.0; break;
                }
            }
            rc = rnnts_fit_ac(y, 31, &f, NULL);
            snprintf(name, sizeof name, "analysis/fit_ac/case%d", c);
            if (rc != RNNTS_OK) emit(ctx, name, (uint64_t)(int64_t)rc);
            else {
                kc_put_fit(buf, &f);
                kc_flush(emit, ctx, buf, name);
            }
        }
        /* the private double exp and log over a grid */
        for (int i = -8000; i <= 8000; i++) {
            double x = (double)i * 0.09375 + 0.001 * (double)(i % 7), r[2];
            r[0] = rnnts__exp_d(x);
            r[1] = rnnts__log_d(x > 0 ? x : -x + 1e-300);
            kc_put_d(buf, r, 2);
        }
        kc_flush(emit, ctx, buf, "analysis/exp_log_d");
    }
    /* eigenvalues: tridiagonal Toeplitz (2, -1), a dense random symmetric matrix, a diagonal one */
    {
        static const int ns[] = {1, 2, 7, 50};
        for (int q = 0; q < 5; q++) {
            int n = q < 4 ? ns[q] : 33, rc;
            double *A = (double *)kc_malloc((size_t)n * (size_t)n * sizeof(double)), *w = (double *)kc_malloc((size_t)n * sizeof(double));
            uint64_t key = rnnts_rng_key(9, RNNTS_PURPOSE_TEST, (uint64_t)n, 3);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    A[(size_t)i * (size_t)n + (size_t)j] = q < 4 ? (i == j ? 2.0 : (i - j == 1 || j - i == 1) ? -1.0 : 0.0)
                                                               : (double)rnnts_rng_uniform(key, (uint64_t)(i > j ? i * n + j : j * n + i)) - 0.5;
            rc = rnnts_eig_sym(A, n, w, NULL);
            snprintf(name, sizeof name, "analysis/eig_sym/n%d%s", n, q < 4 ? "" : "/dense");
            if (rc != RNNTS_OK) emit(ctx, name, (uint64_t)(int64_t)rc);
            else {
                kc_put_d(buf, w, (size_t)n);
                kc_flush(emit, ctx, buf, name);
            }
            free(A);
            free(w);
        }
    }
    /* PCA of 200 x 13 data with correlated columns */
    {
        int rows = 200, cols = 13, nc = -1, rc;
        float *X = (float *)kc_malloc((size_t)rows * (size_t)cols * sizeof(float));
        double w[13];
        uint64_t key = rnnts_rng_key(10, RNNTS_PURPOSE_TEST, 0, 4);
        for (int t = 0; t < rows; t++) {
            float f0 = rnnts_rng_normal(key, (uint64_t)t * 100), f1 = rnnts_rng_normal(key, (uint64_t)t * 100 + 1);
            for (int j = 0; j < cols; j++)
                X[t * cols + j] = (float)(j + 1) * f0 + (j % 3 == 0 ? 2.0f : -0.5f) * f1 +
                                  0.1f * rnnts_rng_normal(key, (uint64_t)t * 100 + 2 + (uint64_t)j) + (float)j;
        }
        rc = rnnts_pca(X, rows, cols, 0.9, w, &nc, NULL, NULL);
        if (rc != RNNTS_OK) emit(ctx, "analysis/pca/200x13", (uint64_t)(int64_t)rc);
        else {
            uint32_t u = (uint32_t)nc;
            kc_put_d(buf, w, 13);
            kc_put_u32(buf, &u, 1);
            kc_flush(emit, ctx, buf, "analysis/pca/200x13");
        }
        free(X);
    }
}

static void kc_run_all(kc_emit_fn emit, void *ctx) {
    kc_buf buf = {NULL, 0, 0};
    kc_cases_vector(emit, ctx, &buf);
    kc_cases_gemm(emit, ctx, &buf);
    kc_cases_math(emit, ctx, &buf);
    kc_cases_misc(emit, ctx, &buf);
    kc_cases_nets(emit, ctx, &buf);
    kc_cases_create_save(emit, ctx, &buf);
    kc_cases_analysis(emit, ctx, &buf);
    kc_cases_gated(emit, ctx, &buf);
    free(buf.p);
}

#endif /* RNNTS_KERNEL_CASES_H */
