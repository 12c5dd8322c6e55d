/* st_header.c — see st_header.h. */
#define _POSIX_C_SOURCE 200809L
#include "st_header.h"

typedef struct st_json {
    const char *p, *end;
    int bad;
} st_json;

static void st_ws(st_json *j) {
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}
static int st_eat(st_json *j, char c) {
    st_ws(j);
    if (j->p < j->end && *j->p == c) { j->p++; return 1; }
    return 0;
}
/* Parses a JSON string into a malloc'ed UTF-8 string (NULL on error). */
static char *st_string(st_json *j) {
    char *out;
    size_t n = 0;
    st_ws(j);
    if (j->p >= j->end || *j->p != '"') { j->bad = 1; return NULL; }
    j->p++;
    out = (char *)malloc((size_t)(j->end - j->p) + 1);
    if (!out) { j->bad = 1; return NULL; }
    while (j->p < j->end && *j->p != '"') {
        unsigned char c = (unsigned char)*j->p++;
        if (c != '\\') { out[n++] = (char)c; continue; }
        if (j->p >= j->end) break;
        c = (unsigned char)*j->p++;
        switch (c) {
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'r': out[n++] = '\r'; break;
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'u': {
            unsigned v = 0;
            if (j->end - j->p < 4) { free(out); j->bad = 1; return NULL; }
            for (int k = 0; k < 4; k++) {
                char h = *j->p++;
                v = v * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : 0);
            }
            if (v < 0x80) out[n++] = (char)v;
            else if (v < 0x800) { out[n++] = (char)(0xC0 | (v >> 6)); out[n++] = (char)(0x80 | (v & 63)); }
            else { out[n++] = (char)(0xE0 | (v >> 12)); out[n++] = (char)(0x80 | ((v >> 6) & 63)); out[n++] = (char)(0x80 | (v & 63)); }
            break;
        }
        default: out[n++] = (char)c; break;
        }
    }
    if (j->p >= j->end) { free(out); j->bad = 1; return NULL; }
    j->p++; /* closing quote */
    out[n] = 0;
    return out;
}
static int st_uint(st_json *j, uint64_t *v) {
    int any = 0;
    st_ws(j);
    *v = 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        *v = *v * 10 + (uint64_t)(*j->p++ - '0');
        any = 1;
    }
    if (!any) j->bad = 1;
    return any;
}
/* Skips any JSON value (depth-limited). */
static void st_skip(st_json *j, int depth) {
    st_ws(j);
    if (depth > 64 || j->p >= j->end) { j->bad = 1; return; }
    if (*j->p == '"') { free(st_string(j)); return; }
    if (*j->p == '{' || *j->p == '[') {
        char close = *j->p == '{' ? '}' : ']';
        int obj = *j->p == '{';
        j->p++;
        if (st_eat(j, close)) return;
        do {
            if (obj) { free(st_string(j)); if (!st_eat(j, ':')) { j->bad = 1; return; } }
            st_skip(j, depth + 1);
            if (j->bad) return;
        } while (st_eat(j, ','));
        if (!st_eat(j, close)) j->bad = 1;
        return;
    }
    while (j->p < j->end && !strchr(",}] \t\r\n", *j->p)) j->p++; /* number, true, false, null */
}

void st_header_free(st_header *h) {
    for (int i = 0; i < h->n_tensors; i++) free(h->t[i].name);
    for (int i = 0; i < h->n_meta; i++) { free(h->meta[i].key); free(h->meta[i].val); }
    free(h->t);
    free(h->meta);
    memset(h, 0, sizeof *h);
}

/* Reads the header of path. Returns 0 and fills h, or -1 with a message in msg. */
int st_header_read(const char *path, st_header *h, char *msg, size_t cap) {
    FILE *f = fopen(path, "rb");
    unsigned char len8[8];
    char *text = NULL;
    st_json j;
    int cap_t = 0, cap_m = 0;
    memset(h, 0, sizeof *h);
    if (!f) { snprintf(msg, cap, "cannot open %.400s", path); return -1; }
    if (fread(len8, 1, 8, f) != 8) { fclose(f); snprintf(msg, cap, "%.400s: shorter than 8 bytes", path); return -1; }
    for (int k = 0; k < 8; k++) h->header_len |= (uint64_t)len8[k] << (8 * k);
    if (h->header_len < 2 || h->header_len > (100u << 20)) { fclose(f); snprintf(msg, cap, "%.400s: header length %llu out of range", path, (unsigned long long)h->header_len); return -1; }
    text = (char *)malloc((size_t)h->header_len);
    if (!text || fread(text, 1, (size_t)h->header_len, f) != (size_t)h->header_len) {
        free(text);
        fclose(f);
        snprintf(msg, cap, "%.400s: truncated header", path);
        return -1;
    }
    if (fseek(f, 0, SEEK_END) == 0) { long e = ftell(f); h->file_size = e > 0 ? (uint64_t)e : 0; }
    fclose(f);
    j.p = text; j.end = text + h->header_len; j.bad = 0;
    if (!st_eat(&j, '{')) j.bad = 1;
    if (!j.bad && !st_eat(&j, '}')) {
        do {
            char *key = st_string(&j);
            if (!key || !st_eat(&j, ':')) { free(key); j.bad = 1; break; }
            if (strcmp(key, "__metadata__") == 0) {
                free(key);
                if (!st_eat(&j, '{')) { j.bad = 1; break; }
                if (st_eat(&j, '}')) continue;
                do {
                    char *k = st_string(&j), *v = NULL;
                    if (k && st_eat(&j, ':')) v = st_string(&j);
                    if (!k || !v) { free(k); free(v); j.bad = 1; break; }
                    if (h->n_meta == cap_m) {
                        cap_m = cap_m ? 2 * cap_m : 16;
                        h->meta = (st_kv *)realloc(h->meta, (size_t)cap_m * sizeof *h->meta);
                        if (!h->meta) { free(k); free(v); j.bad = 1; break; }
                    }
                    h->meta[h->n_meta].key = k;
                    h->meta[h->n_meta].val = v;
                    h->n_meta++;
                } while (st_eat(&j, ','));
                if (j.bad || !st_eat(&j, '}')) { j.bad = 1; break; }
                continue;
            }
            if (h->n_tensors == cap_t) {
                cap_t = cap_t ? 2 * cap_t : 32;
                h->t = (st_tensor *)realloc(h->t, (size_t)cap_t * sizeof *h->t);
                if (!h->t) { free(key); j.bad = 1; break; }
            }
            {
                st_tensor *t = &h->t[h->n_tensors++];
                memset(t, 0, sizeof *t);
                t->name = key;
                if (!st_eat(&j, '{')) { j.bad = 1; break; }
                if (st_eat(&j, '}')) continue;
                do {
                    char *f2 = st_string(&j);
                    if (!f2 || !st_eat(&j, ':')) { free(f2); j.bad = 1; break; }
                    if (strcmp(f2, "dtype") == 0) {
                        char *d = st_string(&j);
                        if (d) { snprintf(t->dtype, sizeof t->dtype, "%s", d); free(d); }
                    } else if (strcmp(f2, "shape") == 0) {
                        if (!st_eat(&j, '[')) j.bad = 1;
                        else if (!st_eat(&j, ']')) {
                            do {
                                uint64_t v;
                                if (!st_uint(&j, &v)) break;
                                if (t->ndim < 8) t->shape[t->ndim] = (int64_t)v;
                                t->ndim++;
                            } while (st_eat(&j, ','));
                            if (!st_eat(&j, ']')) j.bad = 1;
                        }
                    } else if (strcmp(f2, "data_offsets") == 0) {
                        if (!st_eat(&j, '[') || !st_uint(&j, &t->begin) || !st_eat(&j, ',') || !st_uint(&j, &t->end) || !st_eat(&j, ']'))
                            j.bad = 1;
                    } else {
                        st_skip(&j, 0);
                    }
                    free(f2);
                } while (!j.bad && st_eat(&j, ','));
                if (j.bad || !st_eat(&j, '}')) { j.bad = 1; break; }
            }
        } while (st_eat(&j, ','));
        if (!j.bad && !st_eat(&j, '}')) j.bad = 1;
    }
    free(text);
    if (j.bad) {
        st_header_free(h);
        snprintf(msg, cap, "%.400s: malformed safetensors JSON header", path);
        return -1;
    }
    return 0;
}
