/* test_pkt.c: packet buffer push / pull / put, offsets, pool, clone. */
#include <stdlib.h>

#include "wire/pkt.h"
#include "testutil.h"

START_TEST(push_pull)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    ck_assert_uint_eq(nvo_pkt_headroom(p), NVO_PKT_HEADROOM);
    ck_assert_uint_eq(p->size, 0);
    ck_assert_uint_eq(p->l2_ofs, NVO_PKT_OFS_NONE);

    uint8_t *tail = nvo_pkt_put(p, 4);
    memcpy(tail, "\x01\x02\x03\x04", 4);
    p->payload_size = 1000;
    ck_assert_uint_eq(nvo_pkt_len(p), 1004);
    p->l2_ofs = nvo_pkt_data_ofs(p);

    uint8_t *h = nvo_pkt_push(p, 8);
    memset(h, 0xaa, 8);
    ck_assert_uint_eq(nvo_pkt_headroom(p), NVO_PKT_HEADROOM - 8);
    ck_assert_uint_eq(p->size, 12);
    ck_assert_uint_eq(nvo_pkt_len(p), 1012);
    nvo_pkt_shift_inner(p);
    ck_assert_uint_eq(p->inner_l2_ofs, NVO_PKT_HEADROOM);
    ck_assert_uint_eq(p->l2_ofs, NVO_PKT_OFS_NONE);
    p->l2_ofs = nvo_pkt_data_ofs(p);

    ck_assert_ptr_null(nvo_pkt_try_pull(p, 13));
    ck_assert_uint_eq(p->size, 12);
    uint8_t *d = nvo_pkt_try_pull(p, 8);
    ck_assert_ptr_eq(d, p->data);
    ck_assert_mem_eq(d, "\x01\x02\x03\x04", 4);
    nvo_pkt_unshift_inner(p);
    ck_assert_uint_eq(p->l2_ofs, NVO_PKT_HEADROOM);
    ck_assert_ptr_eq(nvo_pkt_at(p, p->l2_ofs), p->data);
    ck_assert_ptr_null(nvo_pkt_at(p, p->inner_l2_ofs));
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(pool_reuse_and_clone)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *a = nvo_pkt_alloc(&pool, 64, 64);
    ck_assert_uint_eq(a->uid, 1);
    memcpy(nvo_pkt_put(a, 6), "abcdef", 6);
    a->payload_size = 900;
    a->tclass = NVO_TC_BUM;
    a->flow_id = 77;
    a->created = 1234;
    a->l3_ofs = 70;
    struct nvo_pkt *b = nvo_pkt_clone(a);
    ck_assert_ptr_ne(a, b);
    ck_assert_uint_eq(b->uid, 2);
    ck_assert_uint_eq(nvo_pkt_headroom(b), 64);
    ck_assert_mem_eq(b->data, "abcdef", 6);
    ck_assert_uint_eq(b->size, 6);
    ck_assert_uint_eq(b->payload_size, 900);
    ck_assert_uint_eq(b->tclass, NVO_TC_BUM);
    ck_assert_uint_eq(b->flow_id, 77);
    ck_assert_int_eq(b->created, 1234);
    ck_assert_uint_eq(b->l3_ofs, 70);
    b->data[0] = 'z';
    ck_assert_int_eq(a->data[0], 'a');        /* a real copy */
    ck_assert_uint_eq(pool.n_live, 2);

    /* Steady state: freed packets are reused, nothing more is made. */
    nvo_pkt_free(a);
    nvo_pkt_free(b);
    for (int i = 0; i < 1000; i++) {
        struct nvo_pkt *x = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 100);
        struct nvo_pkt *y = nvo_pkt_clone(x);
        nvo_pkt_free(x);
        nvo_pkt_free(y);
    }
    ck_assert_uint_eq(pool.n_made, 2);
    ck_assert_uint_eq(pool.n_peak, 2);
    ck_assert_uint_eq(pool.n_live, 0);
    ck_assert_uint_eq(pool.n_alloc, 2002);
    nvo_pkt_free(NULL);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(large_buffer)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    /* A 4096-byte BGP UPDATE is all real bytes. */
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 4096);
    ck_assert_uint_ge(nvo_pkt_tailroom(p), 4096);
    uint8_t *b = nvo_pkt_put(p, 4096);
    memset(b, 0xff, 4096);
    struct nvo_pkt *c = nvo_pkt_clone(p);
    ck_assert_uint_eq(c->size, 4096);
    ck_assert_int_eq(c->data[4095], 0xff);
    nvo_pkt_free(p);
    nvo_pkt_free(c);
    /* A recycled packet gets its inline buffer back. */
    struct nvo_pkt *s = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 64);
    ck_assert_ptr_eq(s->base, s->inline_buf);
    nvo_pkt_free(s);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pkt");
    TCase *tc = tcase_create("pkt");
    tcase_add_test(tc, push_pull);
    tcase_add_test(tc, pool_reuse_and_clone);
    tcase_add_test(tc, large_buffer);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
