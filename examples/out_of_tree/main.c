/* out_of_tree: a tiny program built against an *installed* rnnts (`make install`), not against
   this source tree. tests/install_test.sh (`make test-install`) builds it twice, with
       cc main.c $(pkg-config --cflags --libs rnnts)
   and with CMake (find_package(rnnts) + target rnnts::rnnts, see CMakeLists.txt), runs both and
   compares their output: the same bits whatever the build. */
#define RNNTS_IMPLEMENTATION /* exactly one translation unit of a program defines this */
#include <rnnts.h>
#include <stdio.h>
#include <string.h>

#define B 8

int main(void) {
    char msg[256];
    rnnts_error err;
    if (rnnts_selfcheck(msg, sizeof msg) != RNNTS_OK) { fprintf(stderr, "out_of_tree: selfcheck: %s\n", msg); return 1; }
    printf("%s\n", rnnts_build_info());

    rnnts_rnn_config cfg = rnnts_rnn_config_default();
    cfg.hidden = 16;
    cfg.heads = 2;
    rnnts_rnn *net;
    if (rnnts_rnn_create(&cfg, 42, NULL, &net, &err) != RNNTS_OK) { fprintf(stderr, "out_of_tree: %s\n", err.msg); return 1; }
    printf("network: H = %d, %d heads, %zu parameters\n", net->H, net->K, rnnts_rnn_param_count(&cfg));

    /* One 2- and 3-parity batch, scored on one thread and on a pool of two (same bits). */
    const int ns[2] = {2, 3}, heads[2] = {0, 1};
    float input[B * 13]; /* rnnts_task_max_len(3) = 13 steps */
    int labels[2 * B], len;
    rnnts_rnn_ws *ws;
    rnnts_pool *pool;
    float loss1, loss2;
    if (rnnts_task_batch(RNNTS_TASK_PARITY, ns, 2, B, 7, 1, 0, input, labels, &len, &err) != RNNTS_OK ||
        rnnts_rnn_ws_create(net, B, rnnts_task_max_len(3), NULL, &ws, &err) != RNNTS_OK ||
        rnnts_pool_create(2, NULL, &pool, &err) != RNNTS_OK) {
        fprintf(stderr, "out_of_tree: %s\n", err.msg);
        return 1;
    }
    rnnts_pool_set_min_flops(pool, 0); /* make the two workers run even on a batch this small */
    rnnts_batch batch = {B, len, input, NULL, 7, 0, 2, heads, labels};
    if (rnnts_rnn_forward(ws, net, &batch, NULL, NULL, &loss1, &err) != RNNTS_OK ||
        rnnts_rnn_forward(ws, net, &batch, pool, NULL, &loss2, &err) != RNNTS_OK) {
        fprintf(stderr, "out_of_tree: %s\n", err.msg);
        return 1;
    }
    uint32_t bits1, bits2;
    memcpy(&bits1, &loss1, 4);
    memcpy(&bits2, &loss2, 4);
    printf("loss on N = 2, 3 parity (M = %d): %.6f (bits %08x; 2 threads: %08x)\n", len, (double)loss1,
           (unsigned)bits1, (unsigned)bits2);
    rnnts_pool_destroy(pool);
    rnnts_rnn_ws_destroy(ws);
    rnnts_rnn_destroy(net);
    if (bits1 != bits2) { fprintf(stderr, "out_of_tree: loss depends on the thread count\n"); return 1; }
    printf("out_of_tree: ok\n");
    return 0;
}
