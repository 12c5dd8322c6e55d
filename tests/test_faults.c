/* Faults during training (issue 7): interruption at any step and resumption with the same bits,
   writes that fail part-way leave the previous checkpoint intact, allocation failure anywhere in
   training and checkpointing is RNNTS_ERR_OOM without leaks, oversized inputs are errors, and
   metadata rnnts does not interpret survives load and save. */
#define _POSIX_C_SOURCE 200809L
#include "test_common.h"
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static rnnts_rnn *tf_net(int H, int K, uint64_t seed, rnnts_model model) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_error err;
    rc.hidden = H; rc.heads = K; rc.model = model;
    cr_assert_eq(rnnts_rnn_create(&rc, seed, NULL, &net, &err), RNNTS_OK, "create: %s", err.msg);
    return net;
}
/* 3 epochs of 7 steps (batch 16, 2 test batches); threshold 0 advances after every epoch. */
static rnnts_train_config tf_cfg(rnnts_curriculum curr, int adam) {
    rnnts_train_config c = rnnts_train_config_default();
    c.curriculum = curr; c.threshold = 0.0f;
    c.batch = 16; c.steps_per_epoch = 7; c.test_batches = 2; c.seed = 5; c.max_epochs = 3;
    if (adam) c.optim = rnnts_optim_config_adam();
    return c;
}
static int tf_exists(const char *p) {
    FILE *f = fopen(p, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* on_step hook that interrupts once the global step count reaches `at`. */
typedef struct { rnnts_trainer *tr; int at, seen; } tf_stopper;
static void tf_on_step(void *user, int step, int steps, float loss) {
    tf_stopper *s = (tf_stopper *)user;
    (void)step; (void)steps; (void)loss;
    if (++s->seen == s->at) rnnts_trainer_interrupt(s->tr);
}

/* Uninterrupted: e<k> after epoch k. Interrupted after global step `at` (1..21): the mid-epoch
   checkpoint, saved again right after resuming, is byte-identical; the resumed run's epoch files
   and reports equal the uninterrupted ones. The same trainer also continues in-process. */
static void tf_interrupt_case(rnnts_curriculum curr, int adam, rnnts_model model, const char *what) {
    char dir[] = "/tmp/rnnts_faults_XXXXXX", p[4][300], mid[300], mid2[300], r[300];
    rnnts_train_config c = tf_cfg(curr, adam);
    rnnts_epoch_report rr[4], rep;
    rnnts_error err;
    rnnts_rnn *net = tf_net(8, 5, 3, model);
    rnnts_trainer *tr = NULL;
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
    for (int e = 1; e <= 3; e++) {
        snprintf(p[e], sizeof p[e], "%s/e%d", dir, e);
        cr_assert_eq(rnnts_trainer_epoch(tr, &rr[e], &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_save(tr, p[e], &err), RNNTS_OK, "%s", err.msg);
    }
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    snprintf(mid, sizeof mid, "%s/mid", dir);
    snprintf(mid2, sizeof mid2, "%s/mid2", dir);
    snprintf(r, sizeof r, "%s/r", dir);
    for (int at = 1; at <= 21; at++) { /* after every step of the 3 epochs */
        tf_stopper st = {NULL, at, 0};
        rnnts_rnn *n1 = tf_net(8, 5, 3, model), *n2 = NULL;
        rnnts_trainer *t1 = NULL, *t2 = NULL;
        int epoch_of_stop = (at - 1) / 7 + 1, done = 0;
        cr_assert_eq(rnnts_trainer_create(&c, n1, NULL, NULL, &t1, &err), RNNTS_OK, "%s", err.msg);
        st.tr = t1;
        rnnts_trainer_on_step(t1, tf_on_step, &st);
        for (int e = 1; e < epoch_of_stop; e++) cr_assert_eq(rnnts_trainer_epoch(t1, &rep, &err), RNNTS_OK, "%s", err.msg);
        {
            rnnts_result res = rnnts_trainer_epoch(t1, &rep, &err);
            if (at % 7 == 0) {
                /* the last step of an epoch: the epoch finishes (its test batches run), the flag waits */
                cr_assert_eq(res, RNNTS_OK, "%s at %d: %s", what, at, err.msg);
                cr_assert_eq(rnnts_trainer_epoch_step(t1), 0);
                cr_assert_eq(tc_bits(rep.loss), tc_bits(rr[epoch_of_stop].loss));
                done = epoch_of_stop;
                if (done == 3) { rnnts_trainer_destroy(t1); rnnts_rnn_destroy(n1); continue; }
                cr_assert_eq(rnnts_trainer_epoch(t1, &rep, &err), RNNTS_ERR_INTERRUPTED, "%s at %d: pending flag", what, at);
                cr_assert_eq(rnnts_trainer_epoch_step(t1), 0);
            } else {
                cr_assert_eq(res, RNNTS_ERR_INTERRUPTED, "%s at %d: returned %d (%s)", what, at, (int)res, err.msg);
                cr_assert_eq(err.code, RNNTS_ERR_INTERRUPTED);
                cr_assert(strstr(err.msg, "interrupted") != NULL, "%s", err.msg);
                cr_assert_eq(rnnts_trainer_epoch_step(t1), at - 7 * (epoch_of_stop - 1));
                done = epoch_of_stop - 1;
            }
        }
        cr_assert_eq(rnnts_trainer_save(t1, mid, &err), RNNTS_OK, "%s", err.msg);
        if (rnnts_trainer_epoch_step(t1) == 0) tc_same_file(mid, p[done], "a stop at an epoch boundary writes that epoch's checkpoint");
        cr_assert_eq(rnnts_trainer_resume(mid, NULL, NULL, &n2, &t2, &err), RNNTS_OK, "%s at %d: resume: %s", what, at, err.msg);
        cr_assert_eq(rnnts_trainer_epoch_step(t2), rnnts_trainer_epoch_step(t1));
        cr_assert_eq(rnnts_trainer_save(t2, mid2, &err), RNNTS_OK, "%s", err.msg);
        tc_same_file(mid, mid2, "mid-epoch checkpoint saved again after resume");
        for (int e = done + 1; e <= 3; e++) {
            rnnts_epoch_report a, b;
            cr_assert_eq(rnnts_trainer_epoch(t2, &a, &err), RNNTS_OK, "%s at %d, epoch %d: %s", what, at, e, err.msg);
            cr_assert_eq(rnnts_trainer_epoch(t1, &b, &err), RNNTS_OK, "%s at %d, epoch %d (in-process): %s", what, at, e, err.msg);
            cr_assert_eq(a.epoch, e);
            cr_assert_eq(tc_bits(a.loss), tc_bits(rr[e].loss), "%s at %d: epoch %d loss %.9g resumed, %.9g uninterrupted", what, at, e,
                         (double)a.loss, (double)rr[e].loss);
            cr_assert_eq(tc_bits(b.loss), tc_bits(rr[e].loss), "%s at %d: epoch %d loss (continued in-process)", what, at, e);
            for (int q = 0; q < a.n_ns; q++) cr_assert_eq(tc_bits(a.acc[q]), tc_bits(rr[e].acc[q]));
            cr_assert_eq(rnnts_trainer_save(t2, r, &err), RNNTS_OK, "%s", err.msg);
            tc_same_file(p[e], r, what);
            cr_assert_eq(rnnts_trainer_save(t1, r, &err), RNNTS_OK, "%s", err.msg);
            tc_same_file(p[e], r, what);
        }
        rnnts_trainer_destroy(t2);
        rnnts_rnn_destroy(n2);
        rnnts_trainer_destroy(t1);
        rnnts_rnn_destroy(n1);
    }
    for (int e = 1; e <= 3; e++) remove(p[e]);
    remove(mid); remove(mid2); remove(r);
    rmdir(dir);
}
Test(faults, interrupt_any_step_single_sgd) { tf_interrupt_case(RNNTS_CURR_SINGLE, 0, RNNTS_MODEL_RNN, "single/sgd"); }
Test(faults, interrupt_any_step_multi_adam) { tf_interrupt_case(RNNTS_CURR_MULTI, 1, RNNTS_MODEL_RNN, "multi/adam"); }
Test(faults, interrupt_any_step_lstm) { tf_interrupt_case(RNNTS_CURR_MULTI, 1, RNNTS_MODEL_LSTM, "multi/adam/lstm"); }

/* An interruption from another thread while the pool's workers run: the epoch stops at some
   step, and the run continued from its checkpoint equals the uninterrupted run. */
typedef struct { rnnts_trainer *tr; int started; } tf_thread_arg;
static void tf_mark_started(void *user, int step, int steps, float loss) {
    (void)steps; (void)loss;
    if (step == 3) __atomic_store_n(&((tf_thread_arg *)user)->started, 1, __ATOMIC_RELEASE);
}
/* waits until training runs (step 3 done), then interrupts it while it runs on */
static void *tf_interrupter(void *v) {
    tf_thread_arg *a = (tf_thread_arg *)v;
    struct timespec ts = {0, 100 * 1000};
    while (!__atomic_load_n(&a->started, __ATOMIC_ACQUIRE)) nanosleep(&ts, NULL);
    rnnts_trainer_interrupt(a->tr);
    return NULL;
}
Test(faults, interrupt_from_another_thread) {
    char dir[] = "/tmp/rnnts_faults_XXXXXX", a[300], b[300], m[300];
    rnnts_train_config c = tf_cfg(RNNTS_CURR_MULTI, 0);
    rnnts_rnn *n1 = tf_net(32, 5, 4, RNNTS_MODEL_RNN), *n0 = tf_net(32, 5, 4, RNNTS_MODEL_RNN), *n2 = NULL;
    rnnts_trainer *t1 = NULL, *t0 = NULL, *t2 = NULL;
    rnnts_pool *pool = NULL;
    rnnts_epoch_report rep;
    rnnts_error err;
    pthread_t th;
    tf_thread_arg arg;
    rnnts_result res;
    c.steps_per_epoch = 2000; c.max_epochs = 1;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(a, sizeof a, "%s/a", dir); snprintf(b, sizeof b, "%s/b", dir); snprintf(m, sizeof m, "%s/m", dir);
    cr_assert_eq(rnnts_pool_create(2, NULL, &pool, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_trainer_create(&c, n0, NULL, NULL, &t0, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_epoch(t0, &rep, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_save(t0, a, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_create(&c, n1, pool, NULL, &t1, &err), RNNTS_OK, "%s", err.msg);
    arg.tr = t1;
    arg.started = 0;
    rnnts_trainer_on_step(t1, tf_mark_started, &arg);
    cr_assert_eq(pthread_create(&th, NULL, tf_interrupter, &arg), 0);
    res = rnnts_trainer_epoch(t1, &rep, &err);
    pthread_join(th, NULL);
    if (res == RNNTS_OK) cr_log_warn("the epoch finished before the interruption arrived (slow machine?)");
    else {
        cr_log_info("interrupted by another thread after %d of 2000 steps", rnnts_trainer_epoch_step(t1));
        cr_assert_eq(res, RNNTS_ERR_INTERRUPTED, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_save(t1, m, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_resume(m, pool, NULL, &n2, &t2, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_epoch(t2, &rep, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_save(t2, b, &err), RNNTS_OK, "%s", err.msg);
        tc_same_file(a, b, "interrupted by a thread, resumed with 2 threads");
    }
    rnnts_trainer_destroy(t2); rnnts_rnn_destroy(n2);
    rnnts_trainer_destroy(t1); rnnts_rnn_destroy(n1);
    rnnts_trainer_destroy(t0); rnnts_rnn_destroy(n0);
    rnnts_pool_destroy(pool);
    remove(a); remove(b); remove(m);
    rmdir(dir);
}

/* Replaces the first occurrence of `from` in the file by `to` (same length). */
static void tf_patch(const char *path, const char *from, const char *to) {
    size_t n, fl = strlen(from);
    unsigned char *buf = tc_read_file(path, &n);
    FILE *f;
    int done = 0;
    cr_assert_eq(strlen(to), fl);
    for (size_t i = 0; i + fl <= n && !done; i++)
        if (memcmp(buf + i, from, fl) == 0) { memcpy(buf + i, to, fl); done = 1; }
    cr_assert(done, "%s not found in %s", from, path);
    f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(buf, 1, n, f), n);
    fclose(f);
    free(buf);
}
/* A checkpoint whose state does not fit (epoch_step, losses, step count, optimizer, seed, heads,
   Ns) is refused, naming the field. */
Test(faults, inconsistent_mid_epoch_checkpoint_is_refused) {
    char dir[] = "/tmp/rnnts_faults_XXXXXX", m[300];
    rnnts_train_config c = tf_cfg(RNNTS_CURR_SINGLE, 0);
    rnnts_rnn *net = tf_net(8, 2, 3, RNNTS_MODEL_RNN), *n2 = NULL;
    rnnts_trainer *tr = NULL, *t2 = NULL;
    tf_stopper st = {NULL, 3, 0};
    rnnts_epoch_report rep;
    rnnts_error err;
    static const struct { const char *from, *to, *field; } cases[] = {
        {"epoch_step=3", "epoch_step=9", "epoch_step"},   /* beyond steps_per_epoch - 1 */
        {"epoch_step=3", "epoch_step=0", "epoch_step"},   /* 0 is written as absent */
        {"epoch_step=3", "epoch_step=2", "trainer.losses"}, /* count differs from the tensor */
        {"\"trainer.losses\"", "\"trainer.lossez\"", "trainer.losses"},
        {"epoch=0 step=3", "epoch=0 step=4", "step"},     /* not epoch * steps + epoch_step */
        {"optimizer=sgd", "optimizer=sga", "optimizer"},  /* not silently sgd */
        {"seed=5", "seed=x", "seed"},
        {"heads=0", "heads=1", "heads"},                  /* the a-th N is read by head a */
        {"ns=2 ", "ns=1 ", "ns"},                         /* below n_start */
    };
    cr_assert_not_null(mkdtemp(dir));
    snprintf(m, sizeof m, "%s/m", dir);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        cr_assert_eq(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
        st.tr = tr; st.seen = 0;
        rnnts_trainer_on_step(tr, tf_on_step, &st);
        cr_assert_eq(rnnts_trainer_epoch(tr, &rep, &err), RNNTS_ERR_INTERRUPTED);
        cr_assert_eq(rnnts_trainer_save(tr, m, &err), RNNTS_OK, "%s", err.msg);
        rnnts_trainer_destroy(tr);
        tf_patch(m, cases[k].from, cases[k].to);
        {
            rnnts_result res = rnnts_trainer_resume(m, NULL, NULL, &n2, &t2, &err);
            cr_assert_eq(res, RNNTS_ERR_FORMAT, "case %zu: %d (%s)", k, (int)res, err.msg);
            cr_assert(strstr(err.msg, cases[k].field) != NULL, "case %zu: '%s' does not name %s", k, err.msg, cases[k].field);
            cr_assert_null(n2);
            cr_assert_null(t2);
        }
    }
    rnnts_rnn_destroy(net);
    remove(m);
    rmdir(dir);
}

/* A write that fails part-way (the file size limit, as a full disk would) leaves the previous
   checkpoint byte-identical, no temporary file, and an error naming the cause; a later save
   succeeds. */
Test(faults, failing_write_keeps_previous_checkpoint) {
    char dir[] = "/tmp/rnnts_faults_XXXXXX", p[300], tmp[310], nodir[300];
    rnnts_train_config c = tf_cfg(RNNTS_CURR_MULTI, 1);
    rnnts_rnn *net = tf_net(24, 4, 6, RNNTS_MODEL_RNN);
    rnnts_trainer *tr = NULL;
    rnnts_epoch_report rep;
    rnnts_error err;
    unsigned char *before, *after;
    size_t nb, na;
    struct rlimit old, lim;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/last.safetensors", dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", p);
    cr_assert_eq(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_epoch(tr, &rep, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_save(tr, p, &err), RNNTS_OK, "%s", err.msg);
    before = tc_read_file(p, &nb);
    cr_assert_eq(rnnts_trainer_epoch(tr, &rep, &err), RNNTS_OK, "%s", err.msg);
    /* RLIMIT_FSIZE: writes beyond half the file fail with EFBIG (SIGXFSZ ignored) */
    cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, SIG_IGN);
    lim = old;
    lim.rlim_cur = (rlim_t)(nb / 2);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    cr_assert_eq(rnnts_trainer_save(tr, p, &err), RNNTS_ERR_IO, "a save beyond the size limit succeeded");
    cr_assert(strstr(err.msg, "unchanged") && strstr(err.msg, "large"), "message: %s", err.msg);
    lim.rlim_cur = 64; /* a model file fails inside its header */
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
    cr_assert_eq(rnnts_rnn_save(net, p, &err), RNNTS_ERR_IO);
    cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
    after = tc_read_file(p, &na);
    cr_assert(na == nb && memcmp(before, after, nb) == 0, "the previous checkpoint changed");
    cr_assert(!tf_exists(tmp), "%s left behind", tmp);
    {   /* the previous checkpoint still resumes */
        rnnts_rnn *n2 = NULL;
        rnnts_trainer *t2 = NULL;
        cr_assert_eq(rnnts_trainer_resume(p, NULL, NULL, &n2, &t2, &err), RNNTS_OK, "%s", err.msg);
        cr_assert_eq(rnnts_trainer_epochs(t2), 1);
        rnnts_trainer_destroy(t2);
        rnnts_rnn_destroy(n2);
    }
    cr_assert_eq(rnnts_trainer_save(tr, p, &err), RNNTS_OK, "%s", err.msg);
    free(after);
    after = tc_read_file(p, &na);
    cr_assert(na != nb || memcmp(before, after, nb) != 0, "the new checkpoint was not written");
    /* a directory that does not exist: IO naming the path */
    snprintf(nodir, sizeof nodir, "%s/missing/x.safetensors", dir);
    cr_assert_eq(rnnts_trainer_save(tr, nodir, &err), RNNTS_ERR_IO);
    cr_assert(strstr(err.msg, "missing/x.safetensors.tmp") != NULL, "%s", err.msg);
    free(before); free(after);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    remove(p);
    rmdir(dir);
}

/* Every allocation of trainer creation, an epoch, a checkpoint and a resume may fail: each
   failure is RNNTS_ERR_OOM (never a crash), and nothing leaks. */
Test(oom, training_and_checkpoints, .timeout = 120) {
    char dir[] = "/tmp/rnnts_faults_XXXXXX", p[300];
    rnnts_train_config c = tf_cfg(RNNTS_CURR_MULTI, 1);
    int finished = 0;
    long k;
    c.steps_per_epoch = 2; c.test_batches = 1; c.batch = 4;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/ck", dir);
    for (k = 0; !finished && k < 10000; k++) {
        tc_failalloc fa;
        rnnts_allocator a = tc_fa_make(&fa, k);
        rnnts_rnn_config rc = rnnts_rnn_config_default();
        rnnts_rnn *net = NULL, *n2 = NULL;
        rnnts_trainer *tr = NULL, *t2 = NULL;
        rnnts_epoch_report rep;
        rnnts_error err;
        rnnts_result r;
        rc.hidden = 6; rc.heads = 3;
        r = rnnts_rnn_create(&rc, 1, &a, &net, &err);
        if (r == RNNTS_OK) r = rnnts_trainer_create(&c, net, NULL, &a, &tr, &err);
        if (r == RNNTS_OK) r = rnnts_trainer_epoch(tr, &rep, &err);
        if (r == RNNTS_OK) r = rnnts_trainer_save(tr, p, &err);
        if (r == RNNTS_OK) r = rnnts_trainer_resume(p, NULL, &a, &n2, &t2, &err);
        if (r == RNNTS_OK) r = rnnts_trainer_epoch(t2, &rep, &err);
        if (r == RNNTS_OK) finished = 1;
        else cr_assert_eq(r, RNNTS_ERR_OOM, "failing allocation %ld gives %d (%s)", k, (int)r, err.msg);
        rnnts_trainer_destroy(t2);
        rnnts_rnn_destroy(n2);
        rnnts_trainer_destroy(tr);
        rnnts_rnn_destroy(net);
        cr_assert_eq(fa.live, 0, "failing allocation %ld: %ld blocks leaked", k, fa.live);
        if (finished) cr_assert_gt(fa.calls, 10);
    }
    cr_assert(finished, "never finished");
    remove(p);
    rmdir(dir);
}

/* Sizes that cannot be allocated are refused before any allocation. */
Test(faults, oversized_requests_are_errors) {
    rnnts_rnn_config rc = rnnts_rnn_config_default();
    rnnts_rnn *net = NULL;
    rnnts_rnn_ws *ws = NULL;
    tc_failalloc fa;
    rnnts_allocator a = tc_fa_make(&fa, -1);
    rc.hidden = 1000000000;
    EXPECT_ERR(rnnts_rnn_create(&rc, 0, &a, &net, &err_), RNNTS_ERR_INVALID_ARG, "hidden = 1000000000");
    cr_assert_eq(fa.calls, 0, "an allocation was attempted");
    rc.hidden = 16; rc.heads = 1000000000;
    EXPECT_ERR(rnnts_rnn_create(&rc, 0, &a, &net, &err_), RNNTS_ERR_INVALID_ARG, "heads");
    rc.heads = 2;
    cr_assert_eq(rnnts_rnn_create(&rc, 0, NULL, &net, NULL), RNNTS_OK);
    EXPECT_ERR(rnnts_rnn_ws_create(net, 1 << 30, 10, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_batch");
    EXPECT_ERR(rnnts_rnn_ws_create(net, 10, 1 << 30, NULL, &ws, &err_), RNNTS_ERR_INVALID_ARG, "max_len");
    {   /* a file whose header claims 2^60 bytes */
        void *file;
        size_t size;
        unsigned char *b;
        rnnts_rnn *m = NULL;
        uint64_t big = (uint64_t)1 << 60;
        cr_assert_eq(rnnts_rnn_save_mem(net, &file, &size, NULL), RNNTS_OK);
        b = (unsigned char *)file;
        for (int k = 0; k < 8; k++) b[k] = (unsigned char)(big >> (8 * k));
        a = tc_fa_make(&fa, -1);
        EXPECT_ERR(rnnts_rnn_load_mem(file, size, &a, &m, &err_), RNNTS_ERR_TRUNCATED, "header length");
        cr_assert_eq(fa.live, 0);
        rnnts_free(NULL, file);
    }
    rnnts_rnn_destroy(net);
}

/* Metadata rnnts does not interpret is kept through load, save, clone and checkpoints. */
Test(meta, extra_entries_are_kept) {
    rnnts_rnn *net = tf_net(6, 2, 1, RNNTS_MODEL_GRU), *m = NULL, *cl = NULL;
    void *f1, *f2;
    size_t s1, s2;
    const char *k, *v;
    cr_assert_eq(rnnts_rnn_meta_extra(net, 0, &k, &v), 0);
    cr_assert_null(k);
    cr_assert_eq(rnnts_rnn_meta_set(net, "experiment", "sweep \"A\"\n", NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_meta_set(net, "host", "node7", NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_meta_set(net, "tmp", "x", NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_meta_set(net, "experiment", "sweep B", NULL), RNNTS_OK); /* replaced in place */
    cr_assert_eq(rnnts_rnn_meta_set(net, "tmp", NULL, NULL), RNNTS_OK);             /* removed */
    EXPECT_ERR(rnnts_rnn_meta_set(net, "hidden", "3", &err_), RNNTS_ERR_INVALID_ARG, "hidden");
    EXPECT_ERR(rnnts_rnn_meta_set(net, "train_state", "3", &err_), RNNTS_ERR_INVALID_ARG, "train_state");
    EXPECT_ERR(rnnts_rnn_meta_set(net, "", "3", &err_), RNNTS_ERR_INVALID_ARG, "key");
    cr_assert_eq(rnnts_rnn_meta_extra(net, 0, &k, &v), 2);
    cr_assert_str_eq(k, "experiment"); cr_assert_str_eq(v, "sweep B");
    cr_assert_eq(rnnts_rnn_meta_extra(net, 1, &k, &v), 2);
    cr_assert_str_eq(k, "host"); cr_assert_str_eq(v, "node7");
    cr_assert_eq(rnnts_rnn_save_mem(net, &f1, &s1, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_load_mem(f1, s1, NULL, &m, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_meta_extra(m, 1, &k, &v), 2);
    cr_assert_str_eq(k, "host"); cr_assert_str_eq(v, "node7");
    cr_assert_eq(rnnts_rnn_save_mem(m, &f2, &s2, NULL), RNNTS_OK);
    cr_assert(s1 == s2 && memcmp(f1, f2, s1) == 0, "load + save changed the file");
    cr_assert_eq(rnnts_rnn_clone(m, &cl, NULL), RNNTS_OK);
    cr_assert_eq(rnnts_rnn_meta_extra(cl, 0, &k, &v), 2);
    cr_assert_str_eq(v, "sweep B");
    {   /* through a training checkpoint */
        char dir[] = "/tmp/rnnts_faults_XXXXXX", p[300];
        rnnts_train_config c = tf_cfg(RNNTS_CURR_SINGLE, 0);
        rnnts_trainer *tr = NULL, *t2 = NULL;
        rnnts_rnn *n2 = NULL;
        cr_assert_not_null(mkdtemp(dir));
        snprintf(p, sizeof p, "%s/ck", dir);
        c.batch = 4; c.steps_per_epoch = 1; c.test_batches = 1;
        cr_assert_eq(rnnts_trainer_create(&c, cl, NULL, NULL, &tr, NULL), RNNTS_OK);
        cr_assert_eq(rnnts_trainer_save(tr, p, NULL), RNNTS_OK);
        cr_assert_eq(rnnts_trainer_resume(p, NULL, NULL, &n2, &t2, NULL), RNNTS_OK);
        cr_assert_eq(rnnts_rnn_meta_extra(n2, 0, &k, &v), 2);
        cr_assert_str_eq(k, "experiment");
        rnnts_trainer_destroy(t2); rnnts_rnn_destroy(n2); rnnts_trainer_destroy(tr);
        remove(p); rmdir(dir);
    }
    rnnts_free(NULL, f1); rnnts_free(NULL, f2);
    rnnts_rnn_destroy(cl); rnnts_rnn_destroy(m); rnnts_rnn_destroy(net);
}

/* Optimiser state that is not finite (a corrupted checkpoint) is reported, naming the tensor. */
Test(faults, nonfinite_optimizer_state_is_reported) {
    char dir[] = "/tmp/rnnts_faults_XXXXXX", p[300];
    rnnts_train_config c = tf_cfg(RNNTS_CURR_SINGLE, 1);
    rnnts_rnn *net = tf_net(8, 2, 3, RNNTS_MODEL_RNN), *n2 = NULL;
    rnnts_trainer *tr = NULL, *t2 = NULL;
    rnnts_epoch_report rep;
    rnnts_error err;
    static const char *const names[] = {"\"optim.v.modulelist.1.weight\"", "\"optim.state\""};
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/ck", dir);
    cr_assert_eq(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_epoch(tr, &rep, &err), RNNTS_OK, "%s", err.msg);
    for (int k = 0; k < 2; k++) {
        size_t n;
        unsigned char *b;
        uint64_t hlen = 0;
        unsigned long long a0, a1;
        const char *at;
        FILE *f;
        const float nan = __builtin_nanf("");
        cr_assert_eq(rnnts_trainer_save(tr, p, &err), RNNTS_OK, "%s", err.msg);
        b = tc_read_file(p, &n);
        for (int q = 0; q < 8; q++) hlen |= (uint64_t)b[q] << (8 * q);
        at = strstr((const char *)b + 8, names[k]);
        cr_assert_not_null(at, "%s not in the header", names[k]);
        at = strstr(at, "\"data_offsets\":[");
        cr_assert_eq(sscanf(at, "\"data_offsets\":[%llu,%llu]", &a0, &a1), 2);
        memcpy(b + 8 + hlen + a0 + 4, &nan, 4); /* element 1 */
        f = fopen(p, "wb");
        cr_assert_eq(fwrite(b, 1, n, f), n);
        fclose(f);
        free(b);
        cr_assert_eq(rnnts_trainer_resume(p, NULL, NULL, &n2, &t2, &err), RNNTS_ERR_NONFINITE, "%s: %s", names[k], err.msg);
        cr_assert(strstr(err.msg, k ? "optim.state" : "optim.v.modulelist.1.weight") && strstr(err.msg, "element 1"), "%s", err.msg);
        cr_assert_null(t2);
    }
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    remove(p);
    rmdir(dir);
}

/* rnnts_trainer_resume_mem gives the trainer rnnts_trainer_resume gives (same saved bytes). */
Test(faults, resume_from_memory_equals_file) {
    char dir[] = "/tmp/rnnts_faults_XXXXXX", p[300], q[300];
    rnnts_train_config c = tf_cfg(RNNTS_CURR_MULTI, 1);
    rnnts_rnn *net = tf_net(8, 3, 3, RNNTS_MODEL_GRU), *n2 = NULL;
    rnnts_trainer *tr = NULL, *t2 = NULL;
    rnnts_epoch_report rep;
    rnnts_error err;
    unsigned char *b;
    size_t n;
    cr_assert_not_null(mkdtemp(dir));
    snprintf(p, sizeof p, "%s/a", dir);
    snprintf(q, sizeof q, "%s/b", dir);
    cr_assert_eq(rnnts_trainer_create(&c, net, NULL, NULL, &tr, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_epoch(tr, &rep, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_save(tr, p, &err), RNNTS_OK, "%s", err.msg);
    b = tc_read_file(p, &n);
    cr_assert_eq(rnnts_trainer_resume_mem(b, n, NULL, NULL, &n2, &t2, &err), RNNTS_OK, "%s", err.msg);
    cr_assert_eq(rnnts_trainer_save(t2, q, &err), RNNTS_OK, "%s", err.msg);
    tc_same_file(p, q, "resume_mem + save");
    rnnts_trainer_destroy(t2); rnnts_rnn_destroy(n2);
    EXPECT_ERR(rnnts_trainer_resume_mem(b, n - 1, NULL, NULL, &n2, &t2, &err_), RNNTS_ERR_OFFSETS, "");
    EXPECT_ERR(rnnts_trainer_resume_mem(NULL, 5, NULL, NULL, &n2, &t2, &err_), RNNTS_ERR_INVALID_ARG, "data");
    free(b);
    rnnts_trainer_destroy(tr);
    rnnts_rnn_destroy(net);
    remove(p); remove(q);
    rmdir(dir);
}
