/* plant_leak.c — a deliberately leaking test, never part of build/test_unit. `make check-leak`
   builds it alone and requires its run under AddressSanitizer to FAIL (proof that the leak check
   of test_common.h sees a leak inside a Criterion test); `make test PLANT=leak` adds it to the
   sanitizer build of the unit tests, so test-asan, and make test, must fail. */
#include "test_common.h"

/* A list of blocks whose head is dropped: no pointer to any of them is left in a register or a
   live stack slot by the time the test ends (one lost malloc can linger in a register). */
static __attribute__((noinline)) void plant_lose_a_list(int n) {
    void **head = NULL;
    for (int i = 0; i < n; i++) {
        void **node = (void **)malloc(64);
        cr_assert_not_null(node);
        *node = head;
        head = node;
    }
}

Test(plant, leaks_a_list_of_blocks) {
    plant_lose_a_list(8);
}
