/* cmd_replay.c — `rnnts replay DIR`: proves a run recorded by `rnnts train` on this machine. It
   re-executes the run from DIR/init.safetensors through the library's own resume path
   (rnnts_trainer_resume: the configuration recorded in the file, nothing re-derived here) and
   compares every checkpoint it reaches with the stored one (rnnts_checkpoint_compare: tensors,
   optimiser and trainer state, metadata; the budget left out, since the replay runs to the stored
   epochs under a budget of its own, and checkpoints hold no wall time). The writers' provenance from
   the run's log is printed next to the replay's own. Exit 0 identical, 1 different, 2 usage, an
   unreadable directory, or a run of another rnnts version. Reads only: never takes the lock of a
   run directory, so it can replay a run that is training. */
#define _POSIX_C_SOURCE 200809L
#include "../rnnts.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "cli_args.h"
#include "platform.h"
#include "runlock.h"
#include "runlog.h"
#include "util.h"

/* A stored checkpoint of the run directory. */
typedef struct rp_file {
    char name[256];
    rnnts_checkpoint_info info;
    unsigned char *bytes; /* init and last: read once when listed (last is rewritten by a running train) */
    size_t size;
} rp_file;

/* What the replay found: the first difference (or failure) and the files found identical. */
typedef struct rp_result {
    int n_same, epoch, epoch_step;   /* identical files, and the furthest position they reach */
    int differs;                     /* 0 identical, 1 a difference (diff or msg) */
    const rp_file *file;             /* where (NULL: the replay itself failed, or a file could not be listed) */
    char kind[16];                   /* tensors, value, metadata, bytes (rnnts_checkpoint_compare), unreadable, replay */
    rnnts_ckpt_diff diff;
    char msg[1024];                  /* the difference as printed */
} rp_result;

typedef struct rp_ctx {
    const char *dir;
    rp_file *f;
    int n, json;
    rnnts_pool *pool;
    rnnts_rnn *net;
    rnnts_trainer *tr;
    int stop_step; /* the step callback interrupts the epoch after this step (0: none) */
    rp_result res;
} rp_ctx;

static int rp_pos_cmp(int e1, int s1, int e2, int s2) { return e1 != e2 ? (e1 > e2) - (e1 < e2) : (s1 > s2) - (s1 < s2); }
static int rp_file_cmp(const void *a, const void *b) {
    const rp_file *x = (const rp_file *)a, *y = (const rp_file *)b;
    int c = rp_pos_cmp(x->info.epoch, x->info.epoch_step, y->info.epoch, y->info.epoch_step);
    return c ? c : strcmp(x->name, y->name);
}
/* A whole file into *buf (malloc). 0, or -1 with msg. */
static int rp_read(const char *path, unsigned char **buf, size_t *size, char *msg, size_t cap) {
    FILE *f = fopen(path, "rb");
    long len;
    *buf = NULL;
    if (!f) { snprintf(msg, cap, "cannot open %s: %s", path, strerror(errno)); return -1; }
    if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 || !(*buf = (unsigned char *)malloc((size_t)len + 1)) ||
        fread(*buf, 1, (size_t)len, f) != (size_t)len) {
        snprintf(msg, cap, "cannot read %s%s", path, *buf ? "" : " (out of memory or not a regular file)");
        free(*buf);
        *buf = NULL;
        fclose(f);
        return -1;
    }
    fclose(f);
    *size = (size_t)len;
    return 0;
}
/* The position of a checkpoint image: its header's train_state. 0, or -1 with msg. */
static int rp_info(const unsigned char *b, size_t n, rnnts_checkpoint_info *info, char *msg, size_t cap) {
    rnnts_st_header h;
    rnnts_error e;
    rnnts_result r = rnnts_st_header_mem(b, n, NULL, &h, &e);
    if (r == RNNTS_OK) {
        r = rnnts_checkpoint_info_of(&h, info, &e);
        rnnts_st_header_free(&h);
    }
    if (r != RNNTS_OK) { snprintf(msg, cap, "%s", e.msg); return -1; }
    return 0;
}
/* Whether a directory entry is a checkpoint train writes: init, last, N<lo>_N<hi>.safetensors. */
static int rp_is_checkpoint(const char *nm) {
    int a, b, used = 0;
    if (strcmp(nm, "init.safetensors") == 0 || strcmp(nm, "last.safetensors") == 0) return 1;
    return sscanf(nm, "N%d_N%d.safetensors%n", &a, &b, &used) == 2 && used > 0 && nm[used] == 0;
}
static void rp_free_files(rp_ctx *x) {
    for (int k = 0; k < x->n; k++) free(x->f[k].bytes);
    free(x->f);
    x->f = NULL;
    x->n = 0;
}
/* Lists DIR's checkpoints with their positions, sorted (init first). Returns 0; 2 (exit code, after
   the message) for an unreadable directory, an unreadable init.safetensors or another version; 1
   with x->res set when a stored checkpoint cannot be read (a finding about the run). */
static int rp_list(rp_ctx *x) {
    DIR *d = opendir(x->dir);
    struct dirent *de;
    char path[4400], msg[600];
    int cap = 0, code = 0;
    if (!d) { fprintf(stderr, "%s: cannot read run directory %s: %s\n", cli_prog, x->dir, strerror(errno)); return CLI_EXIT_USAGE; }
    while (code == 0 && (de = readdir(d)) != NULL) {
        rp_file *f;
        unsigned char *b;
        size_t n;
        if (!rp_is_checkpoint(de->d_name) || strlen(de->d_name) >= sizeof f->name) continue;
        if (x->n == cap) {
            rp_file *v = (rp_file *)realloc(x->f, (size_t)(cap = cap ? 2 * cap : 16) * sizeof *v);
            if (!v) { fprintf(stderr, "%s: out of memory\n", cli_prog); code = CLI_EXIT_FAIL; break; }
            x->f = v;
        }
        f = &x->f[x->n];
        memset(f, 0, sizeof *f);
        snprintf(f->name, sizeof f->name, "%s", de->d_name);
        path_join(path, sizeof path, x->dir, f->name);
        if (rp_read(path, &b, &n, msg, sizeof msg) != 0 || rp_info(b, n, &f->info, msg, sizeof msg) != 0) {
            free(b);
            if (strcmp(f->name, "init.safetensors") == 0) { fprintf(stderr, "%s: %s: %s\n", cli_prog, path, msg); code = CLI_EXIT_USAGE; break; }
            x->res.differs = 1;
            snprintf(x->res.kind, sizeof x->res.kind, "unreadable");
            snprintf(x->res.msg, sizeof x->res.msg, "%s is not a readable checkpoint: %s", f->name, msg);
            code = CLI_EXIT_FAIL;
            break;
        }
        x->n++;
        if (strcmp(f->name, "init.safetensors") == 0 || strcmp(f->name, "last.safetensors") == 0) { f->bytes = b; f->size = n; }
        else free(b);
        /* the golden file is a version's contract: bits are promised within one version */
        if (strcmp(f->info.version, RNNTS_VERSION_STRING) != 0) {
            fprintf(stderr, "%s: %s was written by rnnts %s; this is rnnts %s: a replay proves bits within one version only (its contract is "
                            "reference/golden.txt of that version); replay it with rnnts %s\n", cli_prog, path, f->info.version[0] ? f->info.version : "(unknown)",
                    RNNTS_VERSION_STRING, f->info.version[0] ? f->info.version : "of the run");
            code = CLI_EXIT_USAGE;
        }
    }
    closedir(d);
    if (code) return code;
    if (x->n > 0) qsort(x->f, (size_t)x->n, sizeof *x->f, rp_file_cmp);
    if (x->n == 0 || strcmp(x->f[0].name, "init.safetensors") != 0) {
        fprintf(stderr, "%s: %s has no init.safetensors: not a run directory of rnnts train\n", cli_prog, x->dir);
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* ---- provenance: who wrote the run (its log) and who replays it --------------------------------- */
static void rp_writer_text(char *buf, size_t cap, const char *rnnts, const char *simd, int threads, const char *host, const char *build) {
    snprintf(buf, cap, "rnnts %s, %s, %d thread%s, host %s (%s)", rnnts, simd, threads, threads == 1 ? "" : "s", host, build);
}
/* The writers of the log in DIR, by runs of epochs (text, or JSON array items). */
static void rp_print_recorded(const rp_ctx *x, FILE *out) {
    char path[4400], msg[300], line[512];
    runlog l;
    int csv = 0, first = 1;
    path_join(path, sizeof path, x->dir, "log.jsonl");
    if (!file_exists(path)) { path_join(path, sizeof path, x->dir, "log.csv"); csv = 1; }
    if (!file_exists(path) || runlog_read_file(path, csv, &l, msg, sizeof msg) != 0) {
        if (!x->json) fprintf(out, "recorded by: (no readable log in %s)\n", x->dir);
        if (file_exists(path)) runlog_free(&l);
        return;
    }
    for (int i = 0; i < l.n;) {
        int j = i, w = l.rec[i].writer;
        while (j + 1 < l.n && l.rec[j + 1].writer == w) j++;
        if (w >= 0) {
            const runlog_writer *q = &l.writers[w];
            if (x->json) {
                fprintf(out, "%s{\"epochs\":[%d,%d],\"rnnts\":", first ? "" : ",", l.rec[i].epoch, l.rec[j].epoch);
                json_str(out, q->rnnts); fputs(",\"simd\":", out); json_str(out, q->simd);
                fprintf(out, ",\"threads\":%d,\"host\":", q->threads); json_str(out, q->host);
                fputs(",\"build\":", out); json_str(out, q->build); fputs("}", out);
            } else {
                rp_writer_text(line, sizeof line, q->rnnts, q->simd, q->threads, q->host, q->build);
                fprintf(out, "recorded by: epochs %d-%d: %s\n", l.rec[i].epoch, l.rec[j].epoch, line);
            }
        } else if (x->json) {
            fprintf(out, "%s{\"epochs\":[%d,%d],\"rnnts\":null}", first ? "" : ",", l.rec[i].epoch, l.rec[j].epoch);
        } else {
            fprintf(out, "recorded by: epochs %d-%d: %s\n", l.rec[i].epoch, l.rec[j].epoch,
                    w == -1 ? "not in the log (written before rnnts recorded provenance)" : "one of too many writers to list");
        }
        first = 0;
        i = j + 1;
    }
    runlog_free(&l);
}
static void rp_print_replayer(const rp_ctx *x, FILE *out) {
    char host[256], line[512];
    int threads = x->pool ? rnnts_pool_threads(x->pool) : 1;
    host_name(host, sizeof host);
    if (x->json) {
        fputs("{\"rnnts\":", out); json_str(out, RNNTS_VERSION_STRING); fputs(",\"simd\":", out); json_str(out, rnnts_simd_name());
        fprintf(out, ",\"threads\":%d,\"host\":", threads); json_str(out, host);
        fputs(",\"build\":", out); json_str(out, rnnts_build_info()); fputs("}", out);
        return;
    }
    rp_writer_text(line, sizeof line, RNNTS_VERSION_STRING, rnnts_simd_name(), threads, host, rnnts_build_info());
    fprintf(out, "replayed by: %s\n", line);
}

/* ---- the replay ------------------------------------------------------------------------------ */
static void rp_on_step(void *user, int step, int steps, float loss) {
    rp_ctx *x = (rp_ctx *)user;
    (void)steps; (void)loss;
    if (x->stop_step > 0 && step == x->stop_step) rnnts_trainer_interrupt(x->tr); /* as a signal stops train */
}
/* "epoch 8" (8 epochs done), or "epoch 9 step 7" (a checkpoint written on a signal 7 steps into
   epoch 9, as train's message says it). */
static void rp_pos_text(char *buf, size_t cap, int epoch, int k) {
    if (k > 0) snprintf(buf, cap, "epoch %d step %d", epoch + 1, k);
    else snprintf(buf, cap, "epoch %d", epoch);
}
/* A difference found at file f (NULL: the replay failed): recorded once, the first. */
static void rp_differs(rp_ctx *x, const rp_file *f, const rnnts_ckpt_diff *d, const char *fmt, const char *detail) {
    static const char *const kinds[] = {"same", "tensors", "value", "metadata", "bytes"};
    char pos[64] = "";
    x->res.differs = 1;
    snprintf(x->res.kind, sizeof x->res.kind, "%s", d && d->kind <= RNNTS_CKPT_BYTES ? kinds[d->kind] : f ? "unreadable" : "replay");
    x->res.file = f;
    if (d) x->res.diff = *d;
    if (f) rp_pos_text(pos, sizeof pos, f->info.epoch, f->info.epoch_step);
    if (f) snprintf(x->res.msg, sizeof x->res.msg, "%s at %s (global step %llu): %s", f->name, pos, (unsigned long long)f->info.step, detail);
    else snprintf(x->res.msg, sizeof x->res.msg, fmt, detail);
}
/* Runs the trainer to position (epoch, k): whole epochs, then k steps of the next one (the step
   callback interrupts, as a signal stops train). 0, or -1 after recording why it could not. */
static int rp_advance(rp_ctx *x, int epoch, int k) {
    char why[400];
    while (rp_pos_cmp(rnnts_trainer_epochs(x->tr), rnnts_trainer_epoch_step(x->tr), epoch, k) < 0) {
        rnnts_epoch_report rep;
        rnnts_error e;
        rnnts_result r;
        int at = rnnts_trainer_epochs(x->tr);
        x->stop_step = at == epoch ? k : 0;
        r = rnnts_trainer_epoch(x->tr, &rep, &e);
        x->stop_step = 0;
        if (r == RNNTS_ERR_INTERRUPTED && at == epoch) break;
        if (r != RNNTS_OK) {
            snprintf(why, sizeof why, "epoch %d: %s", at + 1, e.msg);
            rp_differs(x, NULL, NULL, "the replay failed in %s", why);
            return -1;
        }
        if (rep.done == RNNTS_DONE_CURRICULUM && rp_pos_cmp(rep.epoch, 0, epoch, k) < 0) {
            snprintf(why, sizeof why, "after epoch %d, before the stored checkpoints of epoch %d", rep.epoch, epoch + (k > 0));
            rp_differs(x, NULL, NULL, "the replay's curriculum was over %s", why);
            return -1;
        }
    }
    return 0;
}
/* The stored file f against the replay's image at its position. 0 identical, -1 different, 1 not
   compared: the file was replaced since it was listed (a train is running in the directory). */
static int rp_compare(rp_ctx *x, rp_file *f, const void *img, size_t img_size) {
    char path[4400], msg[600];
    unsigned char *b = f->bytes;
    size_t n = f->size;
    rnnts_checkpoint_info now;
    rnnts_ckpt_diff d;
    rnnts_error e;
    int rc = 0;
    path_join(path, sizeof path, x->dir, f->name);
    if (!b && (rp_read(path, &b, &n, msg, sizeof msg) != 0 || rp_info(b, n, &now, msg, sizeof msg) != 0)) {
        free(b);
        rp_differs(x, f, NULL, NULL, msg);
        return -1;
    }
    if (b != f->bytes && rp_pos_cmp(now.epoch, now.epoch_step, f->info.epoch, f->info.epoch_step) != 0) {
        free(b);
        return 1;
    }
    if (rnnts_checkpoint_compare(b, n, img, img_size, RNNTS_CKPT_IGNORE_BUDGET, &d, &e) != RNNTS_OK) {
        rp_differs(x, f, NULL, NULL, e.msg);
        rc = -1;
    } else if (d.kind != RNNTS_CKPT_SAME) {
        rp_differs(x, f, &d, NULL, d.msg);
        rc = -1;
    }
    if (b != f->bytes) free(b);
    return rc;
}
/* init.safetensors against a network and trainer created anew from its configuration and seed
   (what train does first): proves the start of the run. 0 identical, -1 different. */
static int rp_check_init(rp_ctx *x, rp_file *f) {
    const rnnts_train_config *tc = rnnts_trainer_config(x->tr);
    rnnts_rnn *net = NULL;
    rnnts_trainer *tr = NULL;
    rnnts_ckpt_diff d;
    rnnts_error e;
    void *img = NULL;
    size_t n = 0;
    int rc = 0;
    if (rnnts_rnn_create(&x->net->cfg, tc->seed, NULL, &net, &e) != RNNTS_OK || rnnts_trainer_create(tc, net, NULL, NULL, &tr, &e) != RNNTS_OK ||
        rnnts_trainer_save_mem(tr, &img, &n, &e) != RNNTS_OK) {
        rp_differs(x, f, NULL, NULL, e.msg);
        rc = -1;
    } else if (rnnts_checkpoint_compare(f->bytes, f->size, img, n, 0, &d, &e) != RNNTS_OK || d.kind != RNNTS_CKPT_SAME) {
        rp_differs(x, f, d.kind != RNNTS_CKPT_SAME ? &d : NULL, NULL, d.kind != RNNTS_CKPT_SAME ? d.msg : e.msg);
        rc = -1;
    }
    rnnts_free(NULL, img);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    return rc;
}
/* One line per stored file as it is compared (text mode). */
static void rp_file_line(const rp_ctx *x, const rp_file *f, const char *what) {
    char pos[64];
    if (x->json) return;
    rp_pos_text(pos, sizeof pos, f->info.epoch, f->info.epoch_step);
    printf("%-28s %-22s %s\n", f->name, pos, what);
    fflush(stdout);
}
/* The replay of the files f[0..upto): init checked, then the trainer run from it to each stored
   position in turn. Stops at the first difference (x->res). */
static void rp_run(rp_ctx *x, int upto) {
    rnnts_error e;
    const rp_file *end = &x->f[upto - 1];
    char path[4400];
    int need;
    path_join(path, sizeof path, x->dir, "init.safetensors");
    if (rnnts_trainer_resume(path, x->pool, NULL, &x->net, &x->tr, &e) != RNNTS_OK) { rp_differs(x, &x->f[0], NULL, NULL, e.msg); return; }
    if (rp_check_init(x, &x->f[0]) != 0) return;
    rp_file_line(x, &x->f[0], "identical (recreated from its configuration and seed)");
    x->res.n_same = 1;
    /* the recorded budget lifted (a time limit is wall time): exactly the epochs the files need */
    need = end->info.epoch + (end->info.epoch_step > 0);
    if (rnnts_trainer_set_budget(x->tr, need > 0 ? need : 1, 0, 0.0, &e) != RNNTS_OK) {
        rp_differs(x, NULL, NULL, "the replay failed: %s", e.msg);
        return;
    }
    rnnts_trainer_on_step(x->tr, rp_on_step, x);
    for (int k = 1; k < upto;) {
        void *img = NULL;
        size_t n = 0;
        int j = k, c;
        if (rp_advance(x, x->f[k].info.epoch, x->f[k].info.epoch_step) != 0) return;
        if (rnnts_trainer_save_mem(x->tr, &img, &n, &e) != RNNTS_OK) { rp_differs(x, NULL, NULL, "the replay failed: %s", e.msg); return; }
        /* every stored file at this position (a solved epoch's N<lo>_N<hi> and last) against one image */
        for (; j < upto && rp_pos_cmp(x->f[j].info.epoch, x->f[j].info.epoch_step, x->f[k].info.epoch, x->f[k].info.epoch_step) == 0; j++) {
            if ((c = rp_compare(x, &x->f[j], img, n)) < 0) break;
            rp_file_line(x, &x->f[j], c == 0 ? "identical" : "not compared (rewritten since the replay began: a train is running here)");
            if (c == 0) { x->res.n_same++; x->res.epoch = x->f[j].info.epoch; x->res.epoch_step = x->f[j].info.epoch_step; }
        }
        rnnts_free(NULL, img);
        if (x->res.differs) return;
        k = j;
    }
}

/* ---- output ---------------------------------------------------------------------------------- */
static void rp_print_json(rp_ctx *x, double seconds) {
    const rp_result *r = &x->res;
    fputs("{\"dir\":", stdout); json_str(stdout, x->dir);
    fprintf(stdout, ",\"identical\":%s,\"epoch\":%d,\"epoch_step\":%d,\"files\":%d,\"seconds\":", r->differs ? "false" : "true", r->epoch,
            r->epoch_step, r->n_same);
    json_num(stdout, seconds);
    fputs(",\"recorded\":[", stdout); rp_print_recorded(x, stdout);
    fputs("],\"replayed\":", stdout); rp_print_replayer(x, stdout);
    fputs(",\"difference\":", stdout);
    if (!r->differs) { fputs("null}\n", stdout); return; }
    fputs("{\"kind\":", stdout); json_str(stdout, r->kind);
    fputs(",\"file\":", stdout);
    if (r->file) {
        json_str(stdout, r->file->name);
        fprintf(stdout, ",\"epoch\":%d,\"epoch_step\":%d,\"step\":%llu", r->file->info.epoch, r->file->info.epoch_step, (unsigned long long)r->file->info.step);
    } else fputs("null", stdout);
    if (r->diff.kind == RNNTS_CKPT_VALUE || r->diff.kind == RNNTS_CKPT_TENSORS) { fputs(",\"tensor\":", stdout); json_str(stdout, r->diff.tensor); }
    if (r->diff.kind == RNNTS_CKPT_VALUE) {
        fprintf(stdout, ",\"index\":%llu,\"expected\":", (unsigned long long)r->diff.index); json_num(stdout, (double)r->diff.want);
        fputs(",\"got\":", stdout); json_num(stdout, (double)r->diff.got);
        fprintf(stdout, ",\"expected_bits\":\"%08lx\",\"got_bits\":\"%08lx\"", (unsigned long)r->diff.want_bits, (unsigned long)r->diff.got_bits);
    }
    if (r->diff.kind == RNNTS_CKPT_META) {
        fputs(",\"key\":", stdout); json_str(stdout, r->diff.key);
        fputs(",\"expected\":", stdout); json_str(stdout, r->diff.want_text);
        fputs(",\"got\":", stdout); json_str(stdout, r->diff.got_text);
    }
    fputs(",\"message\":", stdout); json_str(stdout, r->msg);
    fputs("}}\n", stdout);
}
static void rp_print_text(rp_ctx *x, double seconds) {
    const rp_result *r = &x->res;
    char pos[64];
    rp_pos_text(pos, sizeof pos, r->epoch, r->epoch_step);
    if (r->differs) {
        printf("different: %s\n", r->msg);
        if (r->n_same) printf("identical before it: through %s (%d file%s)\n", pos, r->n_same, r->n_same == 1 ? "" : "s");
    } else {
        printf("identical through %s (%d file%s)\n", pos, r->n_same, r->n_same == 1 ? "" : "s");
    }
    printf("replay time: %.2f s\n", seconds);
}

/* ---- the command ----------------------------------------------------------------------------- */
static void replay_help(const cli_flag *flags, int n) {
    printf("usage: rnnts replay DIR [--until FILE | --epochs K] [--threads P] [--json]\n\n"
           "Proves a run recorded by rnnts train: re-executes it from DIR/init.safetensors and its recorded\n"
           "configuration (the library's resume path; the recorded budget is lifted, so a run stopped by a\n"
           "time limit or a signal replays too) and compares every checkpoint it reaches with the stored one:\n"
           "init.safetensors (recreated from its configuration and seed), each N<lo>_N<hi>.safetensors and\n"
           "last.safetensors, also one written mid-epoch on a signal (the replay stops after the same step).\n"
           "Compared: every tensor bit for bit (network, optimiser state, an interrupted epoch's losses) and\n"
           "the metadata, but for the budget (max_epochs, target_n, time_limit_s, and whether done says\n"
           "budget or target): checkpoints hold no wall time. Any vector path, architecture and thread\n"
           "count must give the same bits. Prints the writers' provenance from the run's log (rnnts version,\n"
           "vector path, threads, host) next to the replay's own, one line per file, then \"identical\n"
           "through epoch E (n files)\" and exits 0, or names the first difference (file, epoch and step,\n"
           "tensor and element with the expected and replayed values, or the metadata key) and exits 1.\n"
           "Exit 2: usage, a directory without a readable init.safetensors, or a run written by another\n"
           "rnnts version (the golden file reference/golden.txt is a version's contract). It only reads:\n"
           "a run may be training in DIR meanwhile (files rewritten since the replay began are skipped).\n\nflags:\n");
    cli_print_flags(stdout, flags, n);
}
/* --until FILE: the index of that checkpoint of DIR (a name in DIR, or a path to it); exits 2 when it is none. */
static int rp_until_index(const rp_ctx *x, const char *until) {
    const char *base = until;
    char path[4400];
    for (const char *p = until; *p; p++)
        if (platform_is_sep(*p)) base = p + 1;
    for (int k = 0; k < x->n; k++) {
        if (strcmp(x->f[k].name, base) != 0) continue;
        path_join(path, sizeof path, x->dir, base);
        if (base != until && !platform_same_file(until, path)) break;
        return k;
    }
    cli_usage_error("--until %s: not a checkpoint of %s (allowed: init.safetensors, last.safetensors, N<lo>_N<hi>.safetensors in it)", until, x->dir);
}
int cmd_replay(int argc, char **argv) {
    const char *until = NULL, *pos[1];
    int epochs = 0, threads = default_threads(), json = 0, upto, code;
    cli_flag flags[] = {
        {"--until", CLI_STR, &until, 0, 0, NULL, "FILE", "replay up to this checkpoint of DIR (e.g. N2_N5.safetensors) and compare the ones before it", 0, 0},
        {"--epochs", CLI_INT, &epochs, 1, 100000000, NULL, "K", "replay the first K epochs (compare the checkpoints written in them)", 0, 0},
        {"--threads", CLI_INT, &threads, 1, 256, NULL, "P", "threads (default: online CPUs, at most 8; any count gives the same bits)", 0, 0},
        {"--json", CLI_FLAG, &json, 0, 0, NULL, NULL, "print one JSON object", 0, 0},
    };
    int nf = (int)(sizeof flags / sizeof flags[0]);
    rp_ctx x;
    double t0;
    cli_prog = "rnnts replay";
    if (cli_parse(argc, argv, 2, flags, nf, pos, 1, replay_help) != 1) cli_usage_error("DIR (a run directory of rnnts train) is required");
    if (until && cli_seen(flags, nf, "--epochs")) cli_usage_error("--until and --epochs exclude each other (replay to a checkpoint, or the first K epochs)");
    CLI_FUZZ_STOP();
    memset(&x, 0, sizeof x);
    x.dir = pos[0];
    x.json = json;
    if ((code = rp_list(&x)) != 0) {
        if (code == CLI_EXIT_FAIL && x.res.differs) {
            if (json) rp_print_json(&x, 0.0);
            else printf("different: %s\n", x.res.msg);
        }
        rp_free_files(&x);
        return code;
    }
    upto = x.n;
    if (until) upto = rp_until_index(&x, until) + 1;
    else if (epochs > 0) for (upto = 1; upto < x.n && rp_pos_cmp(x.f[upto].info.epoch, x.f[upto].info.epoch_step, epochs, 0) <= 0; upto++) {}
    t0 = now_s();
    x.pool = make_pool(threads);
    if (!json) { rp_print_recorded(&x, stdout); rp_print_replayer(&x, stdout); }
    rp_run(&x, upto);
    if (json) rp_print_json(&x, now_s() - t0);
    else rp_print_text(&x, now_s() - t0);
    code = x.res.differs ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    rnnts_trainer_destroy(x.tr);
    rnnts_rnn_destroy(x.net);
    rnnts_pool_destroy(x.pool);
    rp_free_files(&x);
    return code;
}
