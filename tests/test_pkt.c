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
    /* a and b (64 + 64 = 128 bytes <= 144) are small, x and y (336 + 100)
     * full: two structs of each class, nothing more. */
    ck_assert_uint_eq(pool.n_made_class[NVO_PKT_SMALL], 2);
    ck_assert_uint_eq(pool.n_made_class[NVO_PKT_FULL], 2);
    ck_assert_uint_eq(pool.n_made, 4);
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

/* Size classes: which class an allocation gets, its cap, the counters. */
START_TEST(size_classes)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    /* The block sizes: 112 bytes of struct + 144 or + 640. */
    ck_assert_uint_eq(nvo_pkt_class_bytes(NVO_PKT_SMALL), 256);
    ck_assert_uint_eq(nvo_pkt_class_bytes(NVO_PKT_FULL), 752);

    /* An underlay frame: 16 + 128 = 144 fits the small buffer exactly. */
    struct nvo_pkt *u = nvo_pkt_alloc(&pool, NVO_PKT_UNDERLAY_HEADROOM, 128);
    ck_assert_uint_eq(u->cls, NVO_PKT_SMALL);
    ck_assert_ptr_eq(u->base, u->inline_buf);
    ck_assert_uint_eq(u->cap, 144);
    ck_assert_uint_eq(nvo_pkt_headroom(u), 16);
    ck_assert_uint_eq(nvo_pkt_tailroom(u), 128);
    /* A TCP segment without headroom: 144 real bytes small, 145 full. */
    struct nvo_pkt *s144 = nvo_pkt_alloc(&pool, 0, 144);
    struct nvo_pkt *s145 = nvo_pkt_alloc(&pool, 0, 145);
    ck_assert_uint_eq(s144->cls, NVO_PKT_SMALL);
    ck_assert_uint_eq(s145->cls, NVO_PKT_FULL);
    ck_assert_uint_eq(s145->cap, 640);
    /* A tenant frame: 336 + 128 = 464, full with its inline buffer. */
    struct nvo_pkt *t = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    ck_assert_uint_eq(t->cls, NVO_PKT_FULL);
    ck_assert_ptr_eq(t->base, t->inline_buf);
    ck_assert_uint_eq(nvo_pkt_tailroom(t), 640 - 336);
    /* 336 + 400 = 736 > 640: full with a malloc'ed buffer of 736. */
    struct nvo_pkt *m = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 400);
    ck_assert_uint_eq(m->cls, NVO_PKT_FULL);
    ck_assert_ptr_ne(m->base, m->inline_buf);
    ck_assert_uint_eq(m->cap, 736);
    ck_assert_uint_eq(pool.n_live_class[NVO_PKT_SMALL], 2);
    ck_assert_uint_eq(pool.n_live_class[NVO_PKT_FULL], 3);
    ck_assert_uint_eq(pool.n_live, 5);
    /* 2 x 256 + 3 x 752 + the 736-byte buffer = 512 + 2256 + 736. */
    ck_assert_uint_eq(pool.bytes_live, 3504);

    /* A clone keeps the class and headroom. */
    memcpy(nvo_pkt_put(u, 3), "xyz", 3);
    struct nvo_pkt *c = nvo_pkt_clone(u);
    ck_assert_uint_eq(c->cls, NVO_PKT_SMALL);
    ck_assert_uint_eq(nvo_pkt_headroom(c), 16);
    ck_assert_uint_eq(nvo_pkt_tailroom(c), 125);
    ck_assert_mem_eq(c->data, "xyz", 3);
    ck_assert_uint_eq(pool.bytes_live, 3504 + 256);
    ck_assert_uint_eq(pool.bytes_peak, 3760);

    /* Freed packets go to their class's free list and come back from it. */
    nvo_pkt_free(c);
    nvo_pkt_free(s144);
    nvo_pkt_free(m);
    ck_assert_uint_eq(pool.n_free_class[NVO_PKT_SMALL], 2);
    ck_assert_uint_eq(pool.n_free_class[NVO_PKT_FULL], 1);
    ck_assert_uint_eq(pool.n_free, 3);
    /* Left: u (256), s145 and t (752 each). */
    ck_assert_uint_eq(pool.bytes_live, 256 + 2 * 752);
    struct nvo_pkt *u2 = nvo_pkt_alloc(&pool, NVO_PKT_UNDERLAY_HEADROOM, 64);
    struct nvo_pkt *t2 = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 64);
    ck_assert_uint_eq(u2->cls, NVO_PKT_SMALL);
    ck_assert_uint_eq(t2->cls, NVO_PKT_FULL);
    ck_assert_ptr_eq(t2->base, t2->inline_buf);   /* m's buffer was freed */
    ck_assert_uint_eq(pool.n_made_class[NVO_PKT_SMALL], 3);
    ck_assert_uint_eq(pool.n_made_class[NVO_PKT_FULL], 3);
    ck_assert_uint_eq(pool.n_free, 1);
    nvo_pkt_free(u);
    nvo_pkt_free(u2);
    nvo_pkt_free(s145);
    nvo_pkt_free(t);
    nvo_pkt_free(t2);
    ck_assert_uint_eq(pool.n_live, 0);
    ck_assert_uint_eq(pool.bytes_live, 0);
    ck_assert_uint_eq(pool.n_free, 6);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

/* A push longer than the headroom moves the real bytes to a malloc'ed
 * buffer; the offsets and the bytes follow. */
START_TEST(push_grows)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_UNDERLAY_HEADROOM, 128);
    /* A 42-byte UDP frame: Ethernet at 16, IPv4 at 30, UDP at 50. */
    uint8_t *f = nvo_pkt_put(p, 42);
    for (int i = 0; i < 42; i++) {
        f[i] = (uint8_t) i;
    }
    p->payload_size = 958;
    p->l2_ofs = 16;
    p->l3_ofs = 30;
    p->l4_ofs = 50;
    nvo_pkt_shift_inner(p);
    /* VXLAN over IPv4 (14 + 20 + 8 + 8 = 50) does not fit 16: the new
     * headroom is 50 + 336 = 386, so everything moves by 386 - 16 = 370;
     * the tailroom stays 144 - 16 - 42 = 86; cap 386 + 42 + 86 = 514. */
    uint8_t *h = nvo_pkt_push(p, 50);
    memset(h, 0xee, 50);
    ck_assert_ptr_ne(p->base, p->inline_buf);
    ck_assert_uint_eq(p->cap, 514);
    ck_assert_uint_eq(nvo_pkt_headroom(p), 336);
    ck_assert_uint_eq(nvo_pkt_tailroom(p), 86);
    ck_assert_uint_eq(p->size, 92);
    ck_assert_uint_eq(nvo_pkt_len(p), 1050);
    ck_assert_uint_eq(p->inner_l2_ofs, 386);
    ck_assert_uint_eq(p->inner_l3_ofs, 400);
    ck_assert_uint_eq(p->inner_l4_ofs, 420);
    ck_assert_uint_eq(p->l2_ofs, NVO_PKT_OFS_NONE);
    const uint8_t *in = nvo_pkt_at(p, p->inner_l2_ofs);
    ck_assert_ptr_eq(in, p->data + 50);
    for (int i = 0; i < 42; i++) {
        ck_assert_uint_eq(in[i], (uint8_t) i);
    }
    ck_assert_uint_eq(pool.n_grown, 1);
    ck_assert_uint_eq(pool.bytes_live, 256 + 514);
    /* A push that fits moves nothing. */
    uint8_t *base = p->base;
    nvo_pkt_push(p, 4);
    ck_assert_ptr_eq(p->base, base);
    ck_assert_uint_eq(pool.n_grown, 1);
    /* The clone of a moved packet: headroom 332 + cap 514 - 332 = 514 <=
     * 640, so a full packet with its inline buffer. */
    struct nvo_pkt *c = nvo_pkt_clone(p);
    ck_assert_uint_eq(c->cls, NVO_PKT_FULL);
    ck_assert_ptr_eq(c->base, c->inline_buf);
    ck_assert_uint_eq(nvo_pkt_headroom(c), 332);
    ck_assert_mem_eq(c->data, p->data, 96);
    nvo_pkt_free(c);
    nvo_pkt_free(p);
    ck_assert_uint_eq(pool.bytes_live, 0);
    /* The struct is back on the small list with its inline buffer. */
    struct nvo_pkt *q = nvo_pkt_alloc(&pool, 0, 64);
    ck_assert_ptr_eq(q, p);
    ck_assert_ptr_eq(q->base, q->inline_buf);
    ck_assert_uint_eq(q->cap, 144);
    nvo_pkt_free(q);
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
    tcase_add_test(tc, size_classes);
    tcase_add_test(tc, push_grows);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
