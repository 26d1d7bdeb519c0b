/* test_mac_table.c: the PE's MAC table (overlay/mac_table.h): exact
 * counters after sequences of learn / lookup / move / age / flush, the
 * size limit and its drop counter, sticky and static entries, aging at
 * exactly last seen + aging time (not before), moves counted once per
 * location change, memory counted exactly (entries x entry size, slots,
 * spare capacity), 100,000 entries, sorted reports, and aging driven by
 * the engine's timer on the backend and scheduler of $NVO_TEST_ENGINE /
 * $NVO_TEST_SCHEDULER (one timer per table: the exact number of events). */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "core/engine.h"
#include "core/mem.h"
#include "overlay/mac_table.h"
#include "testutil.h"

#define S NVO_SEC
#define MAC(n) ((uint64_t) 0x020000000000ull | (uint64_t) (n))
#define PORT(i) ((struct nvo_mac_loc) { .remote = false, .index = (i) })
#define PE(i) ((struct nvo_mac_loc) { .remote = true, .index = (i) })

static struct nvo_mac_table *
table_new(nvo_time_t aging, uint32_t max, struct nvo_engine *e,
          struct nvo_mem_acct *acct)
{
    struct nvo_mac_table_cfg cfg = {
        .aging = aging, .max_entries = max, .engine = e, .acct = acct,
        .hash_basis = 7,
    };
    struct nvo_mac_table *t = NULL;
    ck_assert_int_eq(nvo_mac_table_create(&cfg, &t), 0);
    return t;
}

static enum nvo_mac_learn_result
learn(struct nvo_mac_table *t, uint32_t vni, uint64_t mac,
      struct nvo_mac_loc loc, nvo_time_t now)
{
    return nvo_mac_table_learn(t, vni, mac, loc, NVO_MAC_ORIGIN_DATA, 0, 0,
                               now, NULL);
}

START_TEST(mac_bytes_roundtrip)
{
    const uint8_t m[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0xfe };
    ck_assert_uint_eq(nvo_mac_from_bytes(m), 0x0211223344feull);
    uint8_t b[6];
    nvo_mac_to_bytes(0x0211223344feull, b);
    ck_assert_mem_eq(b, m, 6);
}
END_TEST

START_TEST(learn_lookup_move_counts)
{
    struct nvo_mac_table *t = table_new(0, 0, NULL, NULL);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    const struct nvo_mac_entry *e;

    /* Same MAC in two VNIs: two entries. */
    ck_assert_int_eq(nvo_mac_table_learn(t, 100, MAC(1), PORT(3),
                                         NVO_MAC_ORIGIN_LOCAL, 0, 0, 1 * S,
                                         &e), NVO_MAC_LEARNED);
    ck_assert_uint_eq(e->vni, 100);
    ck_assert_uint_eq(e->mac, MAC(1));
    ck_assert_uint_eq(e->loc, 3);
    ck_assert_uint_eq(e->flags, 0);
    ck_assert_uint_eq(e->origin, NVO_MAC_ORIGIN_LOCAL);
    ck_assert_int_eq(e->seen, 1 * S);
    ck_assert_int_eq(learn(t, 200, MAC(1), PE(9), 2 * S), NVO_MAC_LEARNED);
    ck_assert_int_eq(learn(t, 100, MAC(2), PE(9), 2 * S), NVO_MAC_LEARNED);
    ck_assert_uint_eq(c->entries, 3);

    /* Refresh: same location; origin and seq follow the learn. */
    ck_assert_int_eq(nvo_mac_table_learn(t, 200, MAC(1), PE(9),
                                         NVO_MAC_ORIGIN_CONTROL, 5, 0, 3 * S,
                                         &e), NVO_MAC_REFRESHED);
    ck_assert_uint_eq(e->origin, NVO_MAC_ORIGIN_CONTROL);
    ck_assert_uint_eq(e->seq, 5);
    ck_assert_int_eq(e->seen, 3 * S);
    /* Created by a data-plane learn: it counts towards the limit. */
    ck_assert_uint_eq(e->flags, NVO_MAC_REMOTE | NVO_MAC_COUNTED);
    ck_assert_uint_eq(e->n_moves, 0);

    /* Moves: PE 9 -> PE 4 -> PE 4 (refresh) -> port 4 (local, same index:
     * a move) -> PE 9: three moves, one refresh. */
    ck_assert_int_eq(learn(t, 100, MAC(2), PE(4), 4 * S), NVO_MAC_MOVED);
    ck_assert_int_eq(learn(t, 100, MAC(2), PE(4), 5 * S), NVO_MAC_REFRESHED);
    ck_assert_int_eq(learn(t, 100, MAC(2), PORT(4), 6 * S), NVO_MAC_MOVED);
    e = nvo_mac_table_lookup(t, 100, MAC(2), 6 * S);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(e->flags, NVO_MAC_COUNTED);
    ck_assert_uint_eq(e->loc, 4);
    ck_assert_int_eq(learn(t, 100, MAC(2), PE(9), 7 * S), NVO_MAC_MOVED);
    e = nvo_mac_table_lookup(t, 100, MAC(2), 7 * S);
    ck_assert_uint_eq(e->flags, NVO_MAC_REMOTE | NVO_MAC_COUNTED);
    ck_assert_uint_eq(e->n_moves, 3);
    ck_assert_int_eq(e->seen, 7 * S);

    /* Lookups: hits and misses (absent MAC, MAC in another VNI). */
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 100, MAC(3), 7 * S));
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 300, MAC(1), 7 * S));
    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 200, MAC(1), 7 * S));

    ck_assert_uint_eq(c->entries, 3);
    ck_assert_uint_eq(c->entries_counted, 2);
    ck_assert_uint_eq(c->entries_max, 3);
    ck_assert_uint_eq(c->learns, 3);
    ck_assert_uint_eq(c->refreshes, 2);
    ck_assert_uint_eq(c->moves, 3);
    ck_assert_uint_eq(c->refused, 0);
    ck_assert_uint_eq(c->pinned, 0);
    ck_assert_uint_eq(c->aged, 0);
    ck_assert_uint_eq(c->lookups_hit, 3);
    ck_assert_uint_eq(c->lookups_miss, 2);

    /* Remove, and remove again. */
    ck_assert(nvo_mac_table_remove(t, 200, MAC(1)));
    ck_assert(!nvo_mac_table_remove(t, 200, MAC(1)));
    ck_assert_uint_eq(c->removed, 1);
    ck_assert_uint_eq(c->entries, 2);
    ck_assert_uint_eq(c->entries_counted, 1);
    ck_assert_uint_eq(c->entries_max, 3);
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 200, MAC(1), 8 * S));
    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 100, MAC(1), 8 * S));
    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 100, MAC(2), 8 * S));
    nvo_mac_table_destroy(t);
    nvo_mac_table_destroy(NULL);
}
END_TEST

START_TEST(sticky_and_static)
{
    struct nvo_mac_table *t = table_new(10 * S, 0, NULL, NULL);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    const struct nvo_mac_entry *e;
    ck_assert_int_eq(nvo_mac_table_learn(t, 1, MAC(1), PORT(0),
                                         NVO_MAC_ORIGIN_LOCAL, 0,
                                         NVO_MAC_STICKY, 0, &e),
                     NVO_MAC_LEARNED);
    ck_assert_uint_eq(e->flags, NVO_MAC_STICKY);
    /* A sticky entry does not move; the refused learn changes nothing. */
    ck_assert_int_eq(learn(t, 1, MAC(1), PE(5), 1 * S), NVO_MAC_PINNED);
    e = nvo_mac_table_lookup(t, 1, MAC(1), 1 * S);
    ck_assert_uint_eq(e->loc, 0);
    ck_assert_uint_eq(e->flags, NVO_MAC_STICKY);
    ck_assert_int_eq(e->seen, 0);
    ck_assert_uint_eq(c->pinned, 1);
    ck_assert_uint_eq(c->moves, 0);
    /* It refreshes at its own port, and ages like any dynamic entry. */
    ck_assert_int_eq(learn(t, 1, MAC(1), PORT(0), 2 * S), NVO_MAC_REFRESHED);
    ck_assert_uint_eq(nvo_mac_table_age(t, 12 * S), 1);

    /* A static entry never ages and survives flushes, but moves (it is not
     * sticky), and remove() takes it. */
    ck_assert_int_eq(nvo_mac_table_learn(t, 1, MAC(2), PE(3),
                                         NVO_MAC_ORIGIN_CONTROL, 0,
                                         NVO_MAC_STATIC, 13 * S, NULL),
                     NVO_MAC_LEARNED);
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), NVO_TIME_MAX);
    ck_assert_uint_eq(nvo_mac_table_age(t, 1000 * S), 0);
    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 1, MAC(2), 1000 * S));
    ck_assert_uint_eq(nvo_mac_table_flush_vni(t, 1), 0);
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PE(3)), 0);
    ck_assert_int_eq(learn(t, 1, MAC(2), PE(4), 1001 * S), NVO_MAC_MOVED);
    e = nvo_mac_table_lookup(t, 1, MAC(2), 1001 * S);
    ck_assert_uint_eq(e->flags, NVO_MAC_STATIC | NVO_MAC_REMOTE);
    ck_assert_uint_eq(e->loc, 4);
    ck_assert(nvo_mac_table_remove(t, 1, MAC(2)));
    ck_assert_uint_eq(c->entries, 0);
    ck_assert_uint_eq(c->aged, 1);
    ck_assert_uint_eq(c->learns, 2);
    ck_assert_uint_eq(c->moves, 1);
    nvo_mac_table_destroy(t);
}
END_TEST

START_TEST(limit_and_drop_counter)
{
    /* A limit of 3 data-plane learned entries. */
    struct nvo_mac_table *t = table_new(0, 3, NULL, NULL);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    const struct nvo_mac_entry *e = (const void *) 1;
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert_int_eq(learn(t, 1, MAC(i), PE(1), 0), NVO_MAC_LEARNED);
    }
    /* Full: new MACs are refused (and counted) whatever their VNI... */
    ck_assert_int_eq(nvo_mac_table_learn(t, 1, MAC(3), PE(1),
                                         NVO_MAC_ORIGIN_DATA, 0, 0, 0, &e),
                     NVO_MAC_REFUSED);
    ck_assert_ptr_null(e);
    ck_assert_int_eq(learn(t, 2, MAC(0), PE(1), 0), NVO_MAC_REFUSED);
    ck_assert_int_eq(learn(t, 2, MAC(0), PE(1), 1 * S), NVO_MAC_REFUSED);
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 1, MAC(3), 1 * S));
    /* ... while known ones still refresh and move. */
    ck_assert_int_eq(learn(t, 1, MAC(0), PE(1), 1 * S), NVO_MAC_REFRESHED);
    ck_assert_int_eq(learn(t, 1, MAC(1), PE(2), 1 * S), NVO_MAC_MOVED);
    ck_assert_uint_eq(c->entries, 3);
    ck_assert_uint_eq(c->refused, 3);
    ck_assert_uint_eq(c->learns, 3);
    /* Room again after a removal: exactly one more. */
    ck_assert(nvo_mac_table_remove(t, 1, MAC(2)));
    ck_assert_int_eq(learn(t, 2, MAC(0), PE(1), 2 * S), NVO_MAC_LEARNED);
    ck_assert_int_eq(learn(t, 2, MAC(1), PE(1), 2 * S), NVO_MAC_REFUSED);
    ck_assert_uint_eq(c->refused, 4);
    ck_assert_uint_eq(c->entries, 3);
    ck_assert_uint_eq(c->entries_max, 3);
    /* As the Linux bridge's fdb_max_learned: configured, control-plane
     * and static entries are never refused and do not count. */
    ck_assert_int_eq(nvo_mac_table_learn(t, 2, MAC(1), PORT(0),
                                         NVO_MAC_ORIGIN_LOCAL, 0, 0, 2 * S,
                                         NULL), NVO_MAC_LEARNED);
    ck_assert_int_eq(nvo_mac_table_learn(t, 2, MAC(2), PE(4),
                                         NVO_MAC_ORIGIN_CONTROL, 1, 0, 2 * S,
                                         NULL), NVO_MAC_LEARNED);
    ck_assert_int_eq(nvo_mac_table_learn(t, 2, MAC(3), PE(4),
                                         NVO_MAC_ORIGIN_DATA, 0,
                                         NVO_MAC_STATIC, 2 * S, &e),
                     NVO_MAC_LEARNED);
    ck_assert_uint_eq(e->flags, NVO_MAC_REMOTE | NVO_MAC_STATIC);
    ck_assert_uint_eq(c->entries, 6);
    ck_assert_uint_eq(c->entries_counted, 3);
    ck_assert_int_eq(learn(t, 2, MAC(4), PE(1), 2 * S), NVO_MAC_REFUSED);
    /* Removing an uncounted entry makes no room; a counted one does. */
    ck_assert(nvo_mac_table_remove(t, 2, MAC(2)));
    ck_assert_int_eq(learn(t, 2, MAC(4), PE(1), 2 * S), NVO_MAC_REFUSED);
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PE(2)), 1);
    ck_assert_uint_eq(c->entries_counted, 2);
    ck_assert_int_eq(learn(t, 2, MAC(4), PE(1), 2 * S), NVO_MAC_LEARNED);
    ck_assert_uint_eq(c->entries, 5);
    ck_assert_uint_eq(c->entries_counted, 3);
    ck_assert_uint_eq(c->refused, 6);
    /* Every learn counted exactly once. */
    ck_assert_uint_eq(c->learns + c->refreshes + c->moves + c->refused
                      + c->pinned, 16);
    nvo_mac_table_destroy(t);
}
END_TEST

/* Rule: last seen at t, an entry is alive at t + aging - 1 ps and aged at
 * t + aging exactly. */
START_TEST(aging_boundary)
{
    const nvo_time_t A = 10 * S;
    struct nvo_mac_table *t = table_new(A, 0, NULL, NULL);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), NVO_TIME_MAX);
    learn(t, 1, MAC(1), PE(1), 5 * S);          /* ages at 15 s */
    learn(t, 1, MAC(2), PE(1), 6 * S);          /* 16 s, refreshed below */
    learn(t, 1, MAC(3), PE(1), 7 * S);          /* 17 s */
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), 15 * S);
    ck_assert_int_eq(learn(t, 1, MAC(2), PE(1), 12 * S), NVO_MAC_REFRESHED);
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), 15 * S);

    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 1, MAC(1), 15 * S - 1));
    ck_assert_uint_eq(nvo_mac_table_age(t, 15 * S - 1), 0);
    ck_assert_uint_eq(c->entries, 3);
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 1, MAC(1), 15 * S));
    ck_assert_uint_eq(c->entries, 3);           /* not swept yet */
    ck_assert_uint_eq(nvo_mac_table_age(t, 15 * S), 1);
    ck_assert_uint_eq(c->entries, 2);
    /* MAC(2) was refreshed at 12 s: MAC(3) is next, at 17 s. */
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), 17 * S);
    ck_assert_uint_eq(nvo_mac_table_age(t, 17 * S - 1), 0);
    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 1, MAC(2), 21 * S));
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 1, MAC(2), 22 * S));
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 1, MAC(3), 22 * S));
    /* Learning an aged, unswept MAC: it aged, and is learned anew. */
    ck_assert_int_eq(learn(t, 1, MAC(3), PE(2), 22 * S), NVO_MAC_LEARNED);
    ck_assert_uint_eq(c->aged, 2);
    ck_assert_uint_eq(c->moves, 0);
    ck_assert_uint_eq(nvo_mac_table_age(t, 22 * S), 1);     /* MAC(2) */
    ck_assert_uint_eq(c->aged, 3);
    ck_assert_uint_eq(c->entries, 1);
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), 32 * S);
    /* Time never goes back: a learn "at 1 s" is taken at 22 s. */
    const struct nvo_mac_entry *e;
    nvo_mac_table_learn(t, 1, MAC(4), PE(2), NVO_MAC_ORIGIN_DATA, 0, 0,
                        1 * S, &e);
    ck_assert_int_eq(e->seen, 22 * S);
    ck_assert_uint_eq(nvo_mac_table_age(t, 32 * S), 2);
    ck_assert_uint_eq(c->entries, 0);
    ck_assert_uint_eq(c->learns, 5);
    ck_assert_uint_eq(c->aged, 5);
    ck_assert_uint_eq(c->sweeps, 5);
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), NVO_TIME_MAX);
    nvo_mac_table_destroy(t);

    /* The default aging time is 300 s; NVO_TIME_MAX never ages. */
    t = table_new(0, 0, NULL, NULL);
    learn(t, 1, MAC(1), PE(1), 0);
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), 300 * S);
    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 1, MAC(1), 300 * S - 1));
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 1, MAC(1), 300 * S));
    nvo_mac_table_destroy(t);
    t = table_new(NVO_TIME_MAX, 0, NULL, NULL);
    learn(t, 1, MAC(1), PE(1), 0);
    ck_assert_uint_eq(nvo_mac_table_age(t, NVO_TIME_MAX), 0);
    ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, 1, MAC(1), NVO_TIME_MAX));
    nvo_mac_table_destroy(t);

    struct nvo_mac_table_cfg bad = { .aging = -1 };
    ck_assert_int_eq(nvo_mac_table_create(&bad, &t), EINVAL);
    bad = (struct nvo_mac_table_cfg) { .sweep_granularity = -1 };
    ck_assert_int_eq(nvo_mac_table_create(&bad, &t), EINVAL);
}
END_TEST

START_TEST(flush_vni_and_pe)
{
    struct nvo_mac_table *t = table_new(0, 0, NULL, NULL);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    /* VNIs 1..4, 10 MACs each; MAC i at PE i % 3, MAC 0 also on port 0
     * in VNI 4, and one static entry at PE 1 in VNI 2. */
    for (uint32_t v = 1; v <= 4; v++) {
        for (uint32_t i = 0; i < 10; i++) {
            learn(t, v, MAC(i), PE(i % 3), v * S);
        }
    }
    learn(t, 4, MAC(0), PORT(0), 5 * S);        /* a move */
    nvo_mac_table_learn(t, 2, MAC(99), PE(1), NVO_MAC_ORIGIN_CONTROL, 0,
                        NVO_MAC_STATIC, 5 * S, NULL);
    ck_assert_uint_eq(c->entries, 41);
    ck_assert_uint_eq(nvo_mac_table_n_vni(t, 2), 11);

    /* VNI 3 goes: 10 entries. */
    ck_assert_uint_eq(nvo_mac_table_flush_vni(t, 3), 10);
    ck_assert_uint_eq(nvo_mac_table_n_vni(t, 3), 0);
    ck_assert_uint_eq(c->entries, 31);
    /* PE 1 fails: MACs 1, 4, 7 in VNIs 1, 2, 4 (9); the static stays. */
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PE(1)), 9);
    ck_assert_uint_eq(c->entries, 22);
    /* PE 0 holds MACs 0, 3, 6, 9 in VNIs 1, 2 and 3, 6, 9 in VNI 4 (MAC 0
     * moved to port 0): 11; port 0 then has the one. */
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PE(0)), 11);
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PORT(0)), 1);
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PORT(0)), 0);
    ck_assert_uint_eq(c->entries, 10);
    ck_assert_uint_eq(c->flushed, 31);
    /* What is left: MACs 2, 5, 8 at PE 2 in VNIs 1, 2, 4, and the static. */
    uint64_t n;
    struct nvo_mac_entry *v = nvo_mac_table_sorted(t, &n);
    ck_assert_uint_eq(n, 10);
    static const uint32_t vni[10] = { 1, 1, 1, 2, 2, 2, 2, 4, 4, 4 };
    static const uint32_t mac[10] = { 2, 5, 8, 2, 5, 8, 99, 2, 5, 8 };
    for (int i = 0; i < 10; i++) {
        ck_assert_uint_eq(v[i].vni, vni[i]);
        ck_assert_uint_eq(v[i].mac, MAC(mac[i]));
        ck_assert_uint_eq(v[i].loc, mac[i] == 99 ? 1 : 2);
        ck_assert_ptr_nonnull(nvo_mac_table_lookup(t, vni[i], MAC(mac[i]),
                                                   6 * S));
    }
    g_free(v);
    /* Every removed MAC misses. */
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 3, MAC(2), 6 * S));
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 1, MAC(1), 6 * S));
    ck_assert_ptr_null(nvo_mac_table_lookup(t, 4, MAC(0), 6 * S));
    /* The aging list survived the removals: everything ages together
     * (last seen 1, 2 or 4 s), the static does not. */
    ck_assert_int_eq(nvo_mac_table_next_expiry(t), 301 * S);
    ck_assert_uint_eq(nvo_mac_table_age(t, 304 * S), 9);
    ck_assert_uint_eq(c->entries, 1);
    nvo_mac_table_destroy(t);
}
END_TEST

/* Checks every memory type of the table against its formula. */
static void
check_mem(struct nvo_mem_acct *a, const struct nvo_mac_table *t,
          uint64_t n_entries)
{
    size_t es = nvo_mac_table_entry_size();
    struct nvo_mem_count ce = nvo_mem_acct_get(a, nvo_mac_table_mem_entry());
    struct nvo_mem_count cs = nvo_mem_acct_get(a, nvo_mac_table_mem_spare());
    struct nvo_mem_count cb = nvo_mem_acct_get(a, nvo_mac_table_mem_bucket());
    struct nvo_mem_count ct = nvo_mem_acct_get(a, nvo_mac_table_mem_table());
    ck_assert_uint_eq(ce.bytes, n_entries * es);
    ck_assert_uint_eq(ce.objects, n_entries);
    ck_assert_uint_eq(cs.bytes,
                      (nvo_mac_table_capacity(t) - n_entries) * es);
    ck_assert_uint_eq(cs.objects, nvo_mac_table_capacity(t) ? 1 : 0);
    ck_assert_uint_eq(cb.bytes, nvo_mac_table_n_slots(t) * 4ull);
    ck_assert_uint_eq(cb.objects, 1);
    ck_assert_uint_eq(ct.objects, 1);
    ck_assert_uint_eq(nvo_mem_acct_bytes(a),
                      ce.bytes + cs.bytes + cb.bytes + ct.bytes);
}

START_TEST(memory_exact)
{
    ck_assert_uint_eq(nvo_mac_table_entry_size(), 40);
    struct nvo_mem_acct top, pe;
    nvo_mem_acct_init(&top, NULL);
    nvo_mem_acct_init(&pe, &top);
    struct nvo_mac_table *t = table_new(0, 0, NULL, &pe);
    check_mem(&pe, t, 0);
    ck_assert_uint_eq(nvo_mac_table_n_slots(t), 16);
    ck_assert_uint_eq(nvo_mac_table_capacity(t), 0);
    for (uint32_t i = 0; i < 8; i++) {
        learn(t, 1, MAC(i), PE(1), 0);
    }
    /* 8 entries: capacity 8, slots still 16 (at most half full). */
    check_mem(&pe, t, 8);
    ck_assert_uint_eq(nvo_mac_table_capacity(t), 8);
    ck_assert_uint_eq(nvo_mac_table_n_slots(t), 16);
    ck_assert_uint_eq(nvo_mem_acct_get(&pe, nvo_mac_table_mem_entry()).bytes,
                      320);
    learn(t, 1, MAC(8), PE(1), 0);
    /* 9: capacity 16, slots 32. */
    check_mem(&pe, t, 9);
    ck_assert_uint_eq(nvo_mac_table_capacity(t), 16);
    ck_assert_uint_eq(nvo_mac_table_n_slots(t), 32);
    ck_assert_uint_eq(nvo_mem_acct_get(&pe, nvo_mac_table_mem_entry()).bytes,
                      360);
    ck_assert_uint_eq(nvo_mem_acct_get(&pe, nvo_mac_table_mem_spare()).bytes,
                      280);
    ck_assert_uint_eq(nvo_mem_acct_get(&pe, nvo_mac_table_mem_bucket()).bytes,
                      128);
    for (uint32_t i = 9; i < 1000; i++) {
        learn(t, 2, MAC(i), PE(i % 7), 0);
    }
    check_mem(&pe, t, 1000);
    ck_assert_uint_eq(nvo_mac_table_capacity(t), 1024);
    ck_assert_uint_eq(nvo_mac_table_n_slots(t), 2048);
    /* The parent counts the same. */
    ck_assert_uint_eq(nvo_mem_acct_bytes(&top), nvo_mem_acct_bytes(&pe));
    ck_assert_uint_eq(nvo_mem_acct_get(&top, nvo_mac_table_mem_entry()).bytes,
                      40000);
    /* Removals give back entry bytes to spare: the total stays. */
    uint64_t total = nvo_mem_acct_bytes(&pe);
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PE(3)), 142);
    ck_assert_uint_eq(nvo_mac_table_age(t, 300 * S), 858);
    check_mem(&pe, t, 0);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&pe), total);
    nvo_mac_table_destroy(t);
    ck_assert_uint_eq(nvo_mem_acct_bytes(&top), 0);
    ck_assert_uint_eq(nvo_mem_acct_objects(&top), 0);
    ck_assert(nvo_mem_acct_fini(&pe));
    ck_assert(nvo_mem_acct_fini(&top));
}
END_TEST

/* 100 VNIs x 1,000 MACs (the MAC values repeat across VNIs), at 10
 * remote PEs: every one learned once, found, at the right PE. */
START_TEST(hundred_thousand)
{
    struct nvo_mem_acct a;
    nvo_mem_acct_init(&a, NULL);
    struct nvo_mac_table *t = table_new(0, 0, NULL, &a);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    for (uint32_t v = 0; v < 100; v++) {
        for (uint32_t i = 0; i < 1000; i++) {
            ck_assert_int_eq(learn(t, 5000 + v, MAC(i * 7919), PE(i % 10),
                                   v * NVO_MS), NVO_MAC_LEARNED);
        }
    }
    ck_assert_uint_eq(c->entries, 100000);
    ck_assert_uint_eq(c->learns, 100000);
    ck_assert_uint_eq(nvo_mac_table_n_slots(t), 262144);
    ck_assert_uint_eq(nvo_mac_table_capacity(t), 131072);
    check_mem(&a, t, 100000);
    for (uint32_t v = 0; v < 100; v++) {
        for (uint32_t i = 0; i < 1000; i++) {
            const struct nvo_mac_entry *e =
                nvo_mac_table_lookup(t, 5000 + v, MAC(i * 7919), 1 * S);
            ck_assert_ptr_nonnull(e);
            ck_assert_uint_eq(e->loc, i % 10);
            ck_assert_uint_eq(e->vni, 5000 + v);
            /* Absent: an unused MAC, and a VNI not in the table. */
            ck_assert_ptr_null(nvo_mac_table_lookup(t, 5000 + v,
                                                    MAC(i * 7919 + 1), 1 * S));
            ck_assert_ptr_null(nvo_mac_table_lookup(t, 4999 - v,
                                                    MAC(i * 7919), 1 * S));
        }
    }
    ck_assert_uint_eq(c->lookups_hit, 100000);
    ck_assert_uint_eq(c->lookups_miss, 200000);
    /* Sorted by (VNI, MAC), strictly. */
    uint64_t n;
    struct nvo_mac_entry *v = nvo_mac_table_sorted(t, &n);
    ck_assert_uint_eq(n, 100000);
    for (uint64_t i = 1; i < n; i++) {
        ck_assert(v[i - 1].vni < v[i].vni
                  || (v[i - 1].vni == v[i].vni && v[i - 1].mac < v[i].mac));
    }
    ck_assert_uint_eq(v[0].vni, 5000);
    ck_assert_uint_eq(v[0].mac, MAC(0));
    ck_assert_uint_eq(v[n - 1].vni, 5099);
    ck_assert_uint_eq(v[n - 1].mac, MAC(999 * 7919));
    g_free(v);
    /* Half the VNIs flushed, then one PE: exact remainders, all found. */
    for (uint32_t vv = 0; vv < 100; vv += 2) {
        ck_assert_uint_eq(nvo_mac_table_flush_vni(t, 5000 + vv), 1000);
    }
    ck_assert_uint_eq(nvo_mac_table_flush_loc(t, PE(3)), 5000);
    ck_assert_uint_eq(c->entries, 45000);
    check_mem(&a, t, 45000);
    uint64_t hits = 0;
    for (uint32_t vv = 0; vv < 100; vv++) {
        for (uint32_t i = 0; i < 1000; i++) {
            const struct nvo_mac_entry *e =
                nvo_mac_table_lookup(t, 5000 + vv, MAC(i * 7919), 1 * S);
            bool want = (vv % 2) && i % 10 != 3;
            ck_assert(!!e == want);
            hits += e != NULL;
        }
    }
    ck_assert_uint_eq(hits, 45000);
    /* Aging in last-seen order: VNI v was learned at v ms. */
    ck_assert_uint_eq(nvo_mac_table_age(t, 300 * S + 50 * NVO_MS), 22500);
    ck_assert_uint_eq(c->entries, 22500);
    ck_assert_uint_eq(nvo_mac_table_age(t, 301 * S), 22500);
    check_mem(&a, t, 0);
    nvo_mac_table_destroy(t);
    ck_assert(nvo_mem_acct_fini(&a));
}
END_TEST

/* ---- Aging driven by the engine ---- */

struct ev {
    struct nvo_mac_table *t;
    uint32_t vni;
    uint64_t mac;
    struct nvo_mac_loc loc;
    bool lookup;                /* else learn */
    bool want_hit;
    uint64_t want_entries;      /* on a lookup */
    struct nvo_engine *e;
    int *n_bad;
};

static void
ev_run(void *arg)
{
    struct ev *x = arg;
    nvo_time_t now = nvo_engine_now(x->e);
    if (x->lookup) {
        const struct nvo_mac_entry *m =
            nvo_mac_table_lookup(x->t, x->vni, x->mac, now);
        if (!!m != x->want_hit
            || nvo_mac_table_counters(x->t)->entries != x->want_entries) {
            (*x->n_bad)++;
        }
    } else {
        nvo_mac_table_learn(x->t, x->vni, x->mac, x->loc,
                            NVO_MAC_ORIGIN_DATA, 0, 0, now, NULL);
    }
}

static struct nvo_engine *
engine_new(void)
{
    struct nvo_engine *e = NULL;
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(),
                                       nvo_test_scheduler(), &e), 0);
    return e;
}

START_TEST(engine_aging_exact)
{
    struct nvo_engine *e = engine_new();
    struct nvo_mac_table *t = table_new(0, 0, e, NULL);    /* 300 s */
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    int bad = 0;
    /* A learned at 0, B at 100 s, A refreshed at 250 s: B ages at 400 s,
     * A at 550 s.  Lookups check the boundary, and that the sweep has
     * removed B by the time a later event looks. */
    struct ev evs[] = {
        { .mac = MAC(1), .loc = PE(1) },
        { .mac = MAC(2), .loc = PE(2) },
        { .mac = MAC(1), .loc = PE(1) },
        { .mac = MAC(2), .lookup = true, .want_hit = true, .want_entries = 2 },
        { .mac = MAC(2), .lookup = true, .want_hit = false, .want_entries = 2 },
        { .mac = MAC(2), .lookup = true, .want_hit = false, .want_entries = 1 },
        { .mac = MAC(1), .lookup = true, .want_hit = true, .want_entries = 1 },
        { .mac = MAC(1), .lookup = true, .want_hit = false, .want_entries = 0 },
    };
    const nvo_time_t at[] = { 0, 100 * S, 250 * S, 400 * S - 1, 400 * S,
                              400 * S + 1, 550 * S - 1, 550 * S + 1 };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(evs); i++) {
        evs[i].t = t;
        evs[i].vni = 10;
        evs[i].e = e;
        evs[i].n_bad = &bad;
        nvo_engine_schedule_at(e, at[i], ev_run, &evs[i]);
    }
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(bad, 0);
    ck_assert_uint_eq(c->aged, 2);
    ck_assert_uint_eq(c->entries, 0);
    ck_assert_uint_eq(c->sweeps, 2);
    /* The timer's events: 300 s (pushed back: requeued at 400 s), 400 s
     * (B ages; queued for A at 550 s), 550 s (A ages): three. */
    ck_assert_uint_eq(e->n_executed, NVO_ARRAY_SIZE(evs) + 3);
    ck_assert_uint_eq(nvo_engine_n_pending(e), 0);
    nvo_mac_table_destroy(t);
    nvo_engine_destroy(e);
}
END_TEST

/* The keepalive pattern: one entry refreshed every 7 s for 994 s costs
 * the timer 5 events, not one per refresh. */
START_TEST(engine_aging_refresh_cheap)
{
    struct nvo_engine *e = engine_new();
    struct nvo_mac_table *t = table_new(0, 0, e, NULL);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    int bad = 0;
    struct ev learn_ev = { .t = t, .vni = 1, .mac = MAC(5), .loc = PE(2),
                           .e = e, .n_bad = &bad };
    nvo_engine_schedule_at(e, 0, ev_run, &learn_ev);
    for (int k = 1; k <= 142; k++) {
        nvo_engine_schedule_at(e, k * 7 * S, ev_run, &learn_ev);
    }
    struct ev look[2] = {
        { .t = t, .vni = 1, .mac = MAC(5), .lookup = true, .want_hit = true,
          .want_entries = 1, .e = e, .n_bad = &bad },
        { .t = t, .vni = 1, .mac = MAC(5), .lookup = true, .want_hit = false,
          .want_entries = 0, .e = e, .n_bad = &bad },
    };
    nvo_engine_schedule_at(e, 1294 * S - 1, ev_run, &look[0]);
    nvo_engine_schedule_at(e, 1294 * S + 1, ev_run, &look[1]);
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(bad, 0);
    ck_assert_uint_eq(c->refreshes, 142);
    ck_assert_uint_eq(c->aged, 1);
    ck_assert_uint_eq(c->sweeps, 1);
    /* Timer events at 300, 594, 888, 1182 (each pushed back to the last
     * refresh + 300 s) and 1294 s (994 + 300: aged). */
    ck_assert_uint_eq(e->n_executed, 1 + 142 + 2 + 5);
    nvo_mac_table_destroy(t);
    nvo_engine_destroy(e);
}
END_TEST

/* A coarse sweep: entries aging at 400 s and 410 s are removed together
 * at 420 s with a 60 s granularity; lookups are exact meanwhile. */
START_TEST(engine_aging_granularity)
{
    struct nvo_engine *e = engine_new();
    struct nvo_mac_table_cfg cfg = {
        .engine = e, .sweep_granularity = 60 * S,
    };
    struct nvo_mac_table *t;
    ck_assert_int_eq(nvo_mac_table_create(&cfg, &t), 0);
    const struct nvo_mac_counters *c = nvo_mac_table_counters(t);
    int bad = 0;
    struct ev evs[] = {
        { .mac = MAC(1), .loc = PE(1) },
        { .mac = MAC(2), .loc = PE(1) },
        { .mac = MAC(1), .lookup = true, .want_hit = false, .want_entries = 2 },
        { .mac = MAC(2), .lookup = true, .want_hit = true, .want_entries = 2 },
        { .mac = MAC(2), .lookup = true, .want_hit = false, .want_entries = 2 },
        { .mac = MAC(2), .lookup = true, .want_hit = false, .want_entries = 0 },
    };
    const nvo_time_t at[] = { 100 * S, 110 * S, 400 * S, 410 * S - 1,
                              410 * S, 420 * S + 1 };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(evs); i++) {
        evs[i].t = t;
        evs[i].vni = 10;
        evs[i].e = e;
        evs[i].n_bad = &bad;
        nvo_engine_schedule_at(e, at[i], ev_run, &evs[i]);
    }
    nvo_engine_run(e, NVO_TIME_MAX);
    ck_assert_int_eq(bad, 0);
    ck_assert_uint_eq(c->aged, 2);
    ck_assert_uint_eq(c->sweeps, 1);
    ck_assert_uint_eq(e->n_executed, NVO_ARRAY_SIZE(evs) + 1);
    nvo_mac_table_destroy(t);
    nvo_engine_destroy(e);
}
END_TEST

/* Destroying a table with its timer armed leaves nothing pending. */
START_TEST(engine_destroy_armed)
{
    struct nvo_engine *e = engine_new();
    struct nvo_mac_table *t = table_new(0, 0, e, NULL);
    learn(t, 1, MAC(1), PE(1), 0);
    ck_assert_uint_eq(nvo_engine_n_pending(e) >= 1, 1);
    nvo_mac_table_destroy(t);
    ck_assert_uint_eq(nvo_engine_run(e, NVO_TIME_MAX), 0);
    nvo_engine_destroy(e);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("mac_table");
    TCase *tc = tcase_create("table");
    tcase_add_test(tc, mac_bytes_roundtrip);
    tcase_add_test(tc, learn_lookup_move_counts);
    tcase_add_test(tc, sticky_and_static);
    tcase_add_test(tc, limit_and_drop_counter);
    tcase_add_test(tc, aging_boundary);
    tcase_add_test(tc, flush_vni_and_pe);
    tcase_add_test(tc, memory_exact);
    tcase_add_test(tc, hundred_thousand);
    suite_add_tcase(s, tc);
    TCase *te = tcase_create(nvo_test_engine());
    tcase_add_test(te, engine_aging_exact);
    tcase_add_test(te, engine_aging_refresh_cheap);
    tcase_add_test(te, engine_aging_granularity);
    tcase_add_test(te, engine_destroy_armed);
    suite_add_tcase(s, te);
    return nvo_test_run(s);
}
