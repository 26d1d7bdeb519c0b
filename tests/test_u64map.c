/* test_u64map.c: the open-addressing map of 64-bit keys (core/u64map.h):
 * lookups, replacement, removal inside and across the wrap of a probe
 * run (the backward shift), growth to the documented capacity, iteration
 * visiting each entry once, and a long random sequence checked against a
 * plain array. */
#include "core/u64map.h"
#include "testutil.h"

#include <glib.h>

#define V(x) GUINT_TO_POINTER((guint) (x))

START_TEST(set_get_replace)
{
    struct nvo_u64map m = NVO_U64MAP_INIT;
    ck_assert_ptr_null(nvo_u64map_get(&m, 7));
    ck_assert_ptr_null(nvo_u64map_remove(&m, 7));
    ck_assert_ptr_null(nvo_u64map_set(&m, 7, V(70)));
    ck_assert_ptr_null(nvo_u64map_set(&m, 0, V(1)));      /* key 0 is a key */
    ck_assert_ptr_null(nvo_u64map_set(&m, UINT64_MAX, V(2)));
    ck_assert_uint_eq(nvo_u64map_size(&m), 3);
    ck_assert_uint_eq(m.cap, 8);        /* the first allocation */
    ck_assert_ptr_eq(nvo_u64map_get(&m, 7), V(70));
    ck_assert_ptr_eq(nvo_u64map_get(&m, 0), V(1));
    ck_assert_ptr_eq(nvo_u64map_get(&m, UINT64_MAX), V(2));
    ck_assert_ptr_null(nvo_u64map_get(&m, 8));
    /* Replacing returns the old value and keeps the size. */
    ck_assert_ptr_eq(nvo_u64map_set(&m, 7, V(71)), V(70));
    ck_assert_uint_eq(nvo_u64map_size(&m), 3);
    ck_assert_ptr_eq(nvo_u64map_get(&m, 7), V(71));
    ck_assert_ptr_eq(nvo_u64map_remove(&m, 7), V(71));
    ck_assert_ptr_null(nvo_u64map_get(&m, 7));
    ck_assert_uint_eq(nvo_u64map_size(&m), 2);
    nvo_u64map_clear(&m);
    ck_assert_uint_eq(nvo_u64map_size(&m), 0);
    ck_assert_uint_eq(m.cap, 8);        /* kept */
    ck_assert_ptr_null(nvo_u64map_get(&m, 0));
    nvo_u64map_fini(&m);
    ck_assert_uint_eq(m.cap, 0);
}
END_TEST

/* Keys whose home slot in a table of 8 is 'home', the first n found. */
static void
keys_at(uint32_t home, uint64_t *out, int n)
{
    int got = 0;
    for (uint64_t k = 1; got < n; k++) {
        if ((nvo_u64map_hash(k) & 7u) == home) {
            out[got++] = k;
        }
    }
}

START_TEST(remove_shifts_back)
{
    /* Three keys of home 7 take slots 7, 0 and 1 (the run wraps); one
     * key of home 0 goes after them, to slot 2 (4 entries: at most half
     * of 8).  Removing the first key (slot 7) must move the second to 7,
     * the third to 0 and the home-0 key to 1, or the later lookups would
     * stop at the hole. */
    uint64_t k7[3], k0[1];
    keys_at(7, k7, 3);
    keys_at(0, k0, 1);
    struct nvo_u64map m = NVO_U64MAP_INIT;
    for (int i = 0; i < 3; i++) {
        nvo_u64map_set(&m, k7[i], V(10 + i));
    }
    nvo_u64map_set(&m, k0[0], V(20));
    ck_assert_uint_eq(m.cap, 8);
    ck_assert_uint_eq(m.e[7].key, k7[0]);
    ck_assert_uint_eq(m.e[0].key, k7[1]);
    ck_assert_uint_eq(m.e[1].key, k7[2]);
    ck_assert_uint_eq(m.e[2].key, k0[0]);
    ck_assert_ptr_eq(nvo_u64map_remove(&m, k7[0]), V(10));
    ck_assert_uint_eq(m.e[7].key, k7[1]);
    ck_assert_uint_eq(m.e[0].key, k7[2]);
    ck_assert_uint_eq(m.e[1].key, k0[0]);
    ck_assert_ptr_null(m.e[2].val);
    ck_assert_ptr_eq(nvo_u64map_get(&m, k7[1]), V(11));
    ck_assert_ptr_eq(nvo_u64map_get(&m, k7[2]), V(12));
    ck_assert_ptr_eq(nvo_u64map_get(&m, k0[0]), V(20));
    /* Removing k7[2] (slot 0) moves the home-0 key back to slot 0, its
     * home. */
    ck_assert_ptr_eq(nvo_u64map_remove(&m, k7[2]), V(12));
    ck_assert_uint_eq(m.e[0].key, k0[0]);
    ck_assert_ptr_null(m.e[1].val);
    ck_assert_uint_eq(nvo_u64map_size(&m), 2);
    nvo_u64map_fini(&m);
}
END_TEST

START_TEST(grow_and_iterate)
{
    /* 1,000 keys at most half full: the capacity doubles from 8 while
     * 2 (n + 1) > cap, so it ends at 2,048 (1,024 would hold 512). */
    struct nvo_u64map m = NVO_U64MAP_INIT;
    for (uint64_t k = 0; k < 1000; k++) {
        nvo_u64map_set(&m, k << 32, V(k + 1));
    }
    ck_assert_uint_eq(m.cap, 2048);
    ck_assert_uint_eq(nvo_u64map_size(&m), 1000);
    for (uint64_t k = 0; k < 1000; k += 2) {
        ck_assert_ptr_eq(nvo_u64map_remove(&m, k << 32), V(k + 1));
    }
    ck_assert_uint_eq(nvo_u64map_size(&m), 500);
    /* Each of the 500 odd k once: sum of k = 1 + 3 + ... + 999 = 500^2. */
    uint32_t pos = 0, n = 0;
    uint64_t key, sum = 0;
    void *val;
    while (nvo_u64map_next(&m, &pos, &key, &val)) {
        ck_assert_uint_eq(GPOINTER_TO_UINT(val), (key >> 32) + 1);
        sum += key >> 32;
        n++;
    }
    ck_assert_uint_eq(n, 500);
    ck_assert_uint_eq(sum, 250000);
    for (uint64_t k = 0; k < 1000; k++) {
        ck_assert_ptr_eq(nvo_u64map_get(&m, k << 32),
                         k % 2 ? V(k + 1) : NULL);
    }
    nvo_u64map_fini(&m);
}
END_TEST

START_TEST(random_against_array)
{
    /* 200,000 random sets and removals of 300 keys (a linear congruential
     * generator, Knuth's MMIX constants), checked after each against a
     * plain array of the values. */
    enum { NK = 300 };
    guint ref[NK] = { 0 };
    uint32_t n_ref = 0;
    struct nvo_u64map m = NVO_U64MAP_INIT;
    uint64_t x = 1;
    for (int op = 0; op < 200000; op++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint32_t k = (uint32_t) (x >> 33) % NK;
        uint64_t key = 0x0002fde800001388ull + k;   /* RT 65000:5000 + k */
        if ((x >> 20) & 1) {
            void *old = nvo_u64map_set(&m, key, V(op + 1));
            ck_assert_ptr_eq(old, ref[k] ? V(ref[k]) : NULL);
            n_ref += ref[k] == 0;
            ref[k] = (guint) op + 1;
        } else {
            void *old = nvo_u64map_remove(&m, key);
            ck_assert_ptr_eq(old, ref[k] ? V(ref[k]) : NULL);
            n_ref -= ref[k] != 0;
            ref[k] = 0;
        }
        ck_assert_uint_eq(nvo_u64map_size(&m), n_ref);
        uint32_t j = (uint32_t) (x >> 45) % NK;
        ck_assert_ptr_eq(nvo_u64map_get(&m, 0x0002fde800001388ull + j),
                         ref[j] ? V(ref[j]) : NULL);
    }
    for (uint32_t k = 0; k < NK; k++) {
        ck_assert_ptr_eq(nvo_u64map_get(&m, 0x0002fde800001388ull + k),
                         ref[k] ? V(ref[k]) : NULL);
    }
    nvo_u64map_fini(&m);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("u64map");
    TCase *tc = tcase_create("u64map");
    tcase_add_test(tc, set_get_replace);
    tcase_add_test(tc, remove_shifts_back);
    tcase_add_test(tc, grow_and_iterate);
    tcase_add_test(tc, random_against_array);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
