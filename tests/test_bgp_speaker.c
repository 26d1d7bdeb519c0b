/* test_bgp_speaker.c: the BGP speaker and route reflector
 * (ctrl/bgp_speaker.c) against numbers worked out by hand: sessions, the
 * 45-byte OPEN, KEEPALIVE counts and times, hold expiry after a link cut
 * and the reconnection after connect_retry; UPDATE packing (103 routes
 * in one UPDATE from a PE, 102 + 1 from the reflector, the MP_UNREACH
 * arithmetic); reflection to n - 1 clients, two reflectors with equal or
 * different cluster ids, a full mesh; MRAI batching; the convergence
 * time of one route over two hops each way; a malformed UPDATE refused
 * with its NOTIFICATION; tshark on a pcap of the reflector's link;
 * determinism. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctrl/bgp_speaker.h"
#include "core/mem.h"
#include "ctrl/tcp.h"
#include "fabric/net.h"
#include "io/pcap_out.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/bgp_nlri.h"
#include "wire/bgp_pack.h"

/* ---- The bench: a star of one leaf, the reflectors and the PEs ---------- */

#define MAX_NODES NVO_TEST_STAR_MAX

struct mrec {                   /* a message a speaker sent or received */
    nvo_time_t t;
    int spk, peer;              /* node indices */
    bool sent;
    uint8_t type;
    size_t len;
    bool eor;
    uint8_t b20, b21;           /* NOTIFICATION code, subcode */
    uint64_t hash;
};

struct brec {                   /* a best-path change */
    nvo_time_t t;
    int spk;
    bool gone;
    uint32_t originator;
};

struct bench {
    struct nvo_test_star s;     /* first */
    GArray *msgs;               /* struct mrec */
    GArray *best;               /* struct brec */
};

static void
observer(void *ctx, const struct nvo_bgp_speaker *s, uint32_t peer, bool sent,
         nvo_time_t now, const uint8_t *msg, size_t len)
{
    struct bench *b = ctx;
    struct mrec r = {
        .t = now, .spk = (int) nvo_bgp_speaker_node(s)->index,
        .peer = (int) peer, .sent = sent, .type = msg[18], .len = len,
    };
    /* End-of-RIB for L2VPN/EVPN: an UPDATE of only an empty MP_UNREACH. */
    r.eor = r.type == NVO_BGP_UPDATE && len == 29;
    if (len > 20) {
        r.b20 = msg[19];
        r.b21 = msg[20];
    }
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ msg[i]) * 1099511628211ull;
    }
    r.hash = h;
    g_array_append_val(b->msgs, r);
}

/* A speaker's best-path callback: the context is a small struct. */
struct best_ctx {
    struct bench *b;
    int node;
};
static struct best_ctx best_ctxs[MAX_NODES];

static void
best_cb(void *ctx, uint16_t afi, uint8_t safi, const uint8_t *nlri,
        size_t len, const struct nvo_bgp_attrs *best, uint32_t originator)
{
    struct best_ctx *c = ctx;
    (void) afi;
    (void) safi;
    (void) nlri;
    (void) len;
    struct brec r = { .t = nvo_engine_now(c->b->s.e), .spk = c->node,
                      .gone = best == NULL, .originator = originator };
    g_array_append_val(c->b->best, r);
}

/* The reflectors' cluster id is the configuration's; a PE has none. */
static void
star_cfg(void *ctx, uint32_t slot, struct nvo_bgp_speaker_cfg *c)
{
    const struct nvo_bgp_speaker_cfg *cfg = ctx;
    (void) slot;
    bool rr = c->is_rr;
    if (cfg) {
        *c = *cfg;
    }
    c->is_rr = rr;
    if (!c->is_rr) {
        c->cluster_id = 0;
    }
}

/* The star (nvo_test_star_build()) of n_rr reflectors and n_pe PEs, each
 * speaker with 'cfg' (NULL: the default; the reflectors is_rr), its
 * messages and best-path changes logged. */
static void
bench_star(struct bench *b, uint32_t n_rr, uint32_t n_pe,
           const struct nvo_bgp_speaker_cfg *cfg)
{
    memset(b, 0, sizeof *b);
    nvo_test_star_build(&b->s, n_rr, n_pe, star_cfg, (void *) cfg);
    b->msgs = g_array_new(FALSE, FALSE, sizeof(struct mrec));
    b->best = g_array_new(FALSE, FALSE, sizeof(struct brec));
    for (uint32_t i = 0; i < b->s.n; i++) {
        nvo_bgp_speaker_set_observer(b->s.spk[i], observer, b);
        best_ctxs[i] = (struct best_ctx) { b, b->s.idx[i] };
        nvo_bgp_speaker_set_best_cb(b->s.spk[i], best_cb, &best_ctxs[i]);
    }
}

static void
bench_free(struct bench *b)
{
    nvo_test_star_free(&b->s);
    g_array_free(b->msgs, TRUE);
    g_array_free(b->best, TRUE);
}

/* Messages with the given sender / receiver slots (-1: any), 'sent' side,
 * type (0: any), End-of-RIB excluded unless eor.  Their times and lengths
 * into t[], len[] (up to max). */
static uint32_t
find(const struct bench *b, int from, int to, uint8_t type, bool eor,
     nvo_time_t *t, size_t *len, uint32_t max)
{
    uint32_t n = 0;
    for (guint i = 0; i < b->msgs->len; i++) {
        const struct mrec *r = &g_array_index(b->msgs, struct mrec, i);
        if (!r->sent || (type && r->type != type) || r->eor != eor) {
            continue;
        }
        if ((from >= 0 && r->spk != b->s.idx[from])
            || (to >= 0 && r->peer != b->s.idx[to])) {
            continue;
        }
        if (n < max) {
            if (t) {
                t[n] = r->t;
            }
            if (len) {
                len[n] = r->len;
            }
        }
        n++;
    }
    return n;
}

/* ---- Routes ------------------------------------------------------------- */

static uint8_t ec_buf[MAX_NODES][16];

/* The attributes of a PE's EVPN routes: ORIGIN IGP, empty AS_PATH,
 * LOCAL_PREF 100, RT 65000:100 and Encapsulation VXLAN, next hop the
 * PE's loopback. */
static struct nvo_bgp_attrs
pe_attrs(const struct bench *b, uint32_t i, uint32_t local_pref)
{
    struct nvo_bgp_attrs a;
    memset(&a, 0, sizeof a);
    a.present = (1u << NVO_BGP_ATTR_ORIGIN) | (1u << NVO_BGP_ATTR_AS_PATH)
                | (1u << NVO_BGP_ATTR_LOCAL_PREF)
                | (1u << NVO_BGP_ATTR_EXT_COMM);
    a.origin = 0;
    a.local_pref = local_pref;
    nvo_bgp_ec_rt(ec_buf[i], 65000, 100);
    nvo_bgp_ec_encap(ec_buf[i] + 8, 8);
    a.ext_comm = ec_buf[i];
    a.n_ext_comm = 2;
    a.mp_nh_len = 4;
    nvo_wr32(a.mp_nh, nvo_test_star_loop4(&b->s, i));
    return a;
}

/* MAC+IPv4 type-2 route k of PE slot i: MAC 00:50:56:ii:kk:kk (56 + k's
 * bits above 16 in the third byte), IP
 * 10.200.ii.kk, VNI 100, RD <loopback>:1.  Writes 39 bytes. */
static size_t
route2(const struct bench *b, uint32_t i, uint32_t k, uint8_t out[64])
{
    struct nvo_evpn_route r;
    memset(&r, 0, sizeof r);
    r.type = NVO_EVPN_MAC_IP;
    nvo_bgp_rd_type1(r.rd, nvo_test_star_loop4(&b->s, i), 1);
    uint8_t mac[6] = { 0x00, 0x50, (uint8_t) (0x56 + (k >> 16)), (uint8_t) i,
                       (uint8_t) (k >> 8), (uint8_t) k };
    memcpy(r.mac, mac, 6);
    r.ip_len = 32;
    nvo_wr32(r.ip, (10u << 24) | (200u << 16) | (i << 8) | (k & 0xff));
    r.n_labels = 1;
    r.label1 = 100;
    struct nvo_bgp_buf w = nvo_bgp_buf_init(out, 64);
    size_t n = nvo_evpn_route_encode(&w, &r);
    ck_assert_uint_eq(n, 39);
    return n;
}

static void
originate(struct bench *b, uint32_t i, uint32_t k0, uint32_t n)
{
    struct nvo_bgp_attrs a = pe_attrs(b, i, 100);
    for (uint32_t k = k0; k < k0 + n; k++) {
        uint8_t r[64];
        size_t len = route2(b, i, k, r);
        ck_assert_int_eq(nvo_bgp_speaker_originate(b->s.spk[i],
                                                   NVO_BGP_AFI_L2VPN,
                                                   NVO_BGP_SAFI_EVPN, r, len,
                                                   &a), 0);
    }
}

static void
withdraw(struct bench *b, uint32_t i, uint32_t k0, uint32_t n)
{
    for (uint32_t k = k0; k < k0 + n; k++) {
        uint8_t r[64];
        size_t len = route2(b, i, k, r);
        ck_assert_int_eq(nvo_bgp_speaker_withdraw(b->s.spk[i],
                                                  NVO_BGP_AFI_L2VPN,
                                                  NVO_BGP_SAFI_EVPN, r, len),
                         0);
    }
}

/* ---- Sessions ----------------------------------------------------------- */

/* 2 PEs and a reflector.  Each session: OPEN both ways (45 bytes: MP
 * 25/70, route refresh, 4-octet AS), KEEPALIVE both ways, End-of-RIB (29)
 * both ways.  The KeepaliveTimer (60 s) starts when the OPEN is answered
 * and restarts at every KEEPALIVE or UPDATE sent (RFC 4271 4.4): the
 * End-of-RIB restarts it, so the next KEEPALIVEs go at t_eor + 60, 120,
 * 180 s: 1 + 3 = 4 KEEPALIVEs per direction in 200 s, each exactly 60 s
 * after the previous KEEPALIVE or UPDATE of its direction.  Per
 * direction 45 + 4 x 19 + 29 = 150 bytes in 6 messages; 2 sessions: 24
 * messages, 600 bytes. */
START_TEST(sessions_and_keepalives)
{
    struct bench b;
    bench_star(&b, 1, 2, NULL);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.s.spk[i]),
                          i == 0 ? 2 : 1);
        ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[i])
                          ->sessions_established, i == 0 ? 2 : 1);
    }
    enum nvo_bgp_state st;
    ck_assert(
        nvo_bgp_speaker_peer_state(b.s.spk[1], (uint32_t) b.s.idx[0], &st));
    ck_assert_str_eq(nvo_bgp_state_name(st), "Established");
    ck_assert_int_eq(
        nvo_bgp_speaker_peer_hold(b.s.spk[1], (uint32_t) b.s.idx[0]),
        180 * NVO_SEC);
    size_t len[8];
    ck_assert_uint_eq(find(&b, -1, -1, NVO_BGP_OPEN, false, NULL, len, 8), 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(len[i], 45);
    }
    ck_assert_uint_eq(find(&b, -1, -1, NVO_BGP_UPDATE, true, NULL, len, 8), 4);
    ck_assert_uint_eq(len[0], 29);
    /* The router id is the loopback. */
    ck_assert_uint_eq(nvo_bgp_speaker_router_id(b.s.spk[1]),
                      nvo_test_star_loop4(&b.s, 1));

    const nvo_time_t T = 200 * NVO_SEC;
    nvo_engine_run(b.s.e, T);
    for (uint32_t from = 0; from < 3; from++) {
        for (uint32_t to = 0; to < 3; to++) {
            if (from == to || (from != 0 && to != 0)) {
                continue;
            }
            nvo_time_t tk[8], te[2];
            ck_assert_uint_eq(find(&b, (int) from, (int) to,
                                   NVO_BGP_KEEPALIVE, false, tk, NULL, 8), 4);
            ck_assert_uint_eq(find(&b, (int) from, (int) to, NVO_BGP_UPDATE,
                                   true, te, NULL, 2), 1);
            ck_assert_int_lt(tk[0], te[0]);
            ck_assert_int_eq(tk[1], te[0] + 60 * NVO_SEC);
            ck_assert_int_eq(tk[2], te[0] + 120 * NVO_SEC);
            ck_assert_int_eq(tk[3], te[0] + 180 * NVO_SEC);
        }
    }
    uint64_t msgs = 0, bytes = 0;
    for (uint32_t i = 0; i < 3; i++) {
        const struct nvo_bgp_counters *c =
            nvo_bgp_speaker_counters(b.s.spk[i]);
        msgs += nvo_bgp_counters_msgs_out(c);
        bytes += nvo_bgp_counters_bytes_out(c);
        ck_assert_uint_eq(c->msgs_in[NVO_BGP_KEEPALIVE], i == 0 ? 8 : 4);
        ck_assert_uint_eq(c->bytes_in[NVO_BGP_OPEN], i == 0 ? 90 : 45);
    }
    ck_assert_uint_eq(msgs, 24);
    ck_assert_uint_eq(bytes, 600);
    bench_free(&b);
}
END_TEST

/* The hold timer after a link cut.  PE1 (slot 1) originates one route.
 * Its link to the leaf fails at 100 s.  The last KEEPALIVEs that arrived
 * were sent at t_eor + 60 s; those of t_eor + 120 s are lost (and TCP's
 * retransmissions of them too: the RTO backs off from 200 ms, 0.2 +
 * 0.4 + ... + 102.4 = 204.6 s for the first 10 of its 15 retries, so TCP
 * gives up only long after).  So each end's hold timer expires 180 s
 * after that last KEEPALIVE arrived: both send NOTIFICATION 4/0 then
 * (the PE's is lost), the reflector withdraws PE1's route (its best
 * callback says "gone" at that instant) and PE2's Loc-RIB loses it.
 * The link returns at 300 s; the reflector (the lower node index, the
 * active end) connects again connect_retry = 120 s after its session
 * went down, and the route is back. */
START_TEST(hold_expiry_and_retry)
{
    struct bench b;
    bench_star(&b, 1, 2, NULL);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    originate(&b, 1, 0, 1);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[2]), 1);
    int link = nvo_net_find_link(b.s.net, (uint32_t) b.s.idx[1],
                                 (uint32_t) b.s.leaf);
    ck_assert_int_ge(link, 0);
    nvo_engine_run(b.s.e, 100 * NVO_SEC);
    nvo_net_set_link_up(b.s.net, (uint32_t) link, false);
    nvo_engine_run(b.s.e, 300 * NVO_SEC);
    /* The last KEEPALIVE from PE1 that reached the reflector. */
    nvo_time_t last_rx = -1;
    for (guint i = 0; i < b.msgs->len; i++) {
        const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
        if (!r->sent && r->spk == b.s.idx[0] && r->peer == b.s.idx[1]
            && r->type == NVO_BGP_KEEPALIVE) {
            last_rx = r->t;
        }
    }
    nvo_time_t t_eor[2];
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_UPDATE, true, t_eor, NULL, 2),
                      1);
    ck_assert_int_gt(last_rx, t_eor[0] + 60 * NVO_SEC);
    ck_assert_int_lt(last_rx, t_eor[0] + 61 * NVO_SEC);
    nvo_time_t tn[4];
    ck_assert_uint_eq(find(&b, 0, 1, NVO_BGP_NOTIFICATION, false, tn, NULL,
                           4), 1);
    ck_assert_int_eq(tn[0], last_rx + 180 * NVO_SEC);
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_NOTIFICATION, false, NULL, NULL,
                           4), 1);
    for (guint i = 0; i < b.msgs->len; i++) {
        const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
        if (r->type == NVO_BGP_NOTIFICATION) {
            ck_assert_uint_eq(r->b20, NVO_BGP_ERR_HOLD);
            ck_assert_uint_eq(r->b21, 0);
            ck_assert_uint_eq(r->len, 21);
        }
    }
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])
                      ->notifications_out_hold, 1);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->sessions_lost, 1);
    /* The reflector's best path went at tn[0]; PE2 heard the withdrawal. */
    bool rr_gone = false, pe2_gone = false;
    for (guint i = 0; i < b.best->len; i++) {
        const struct brec *r = &g_array_index(b.best, struct brec, i);
        if (r->gone && r->spk == b.s.idx[0]) {
            ck_assert_int_eq(r->t, tn[0]);
            rr_gone = true;
        }
        pe2_gone |= r->gone && r->spk == b.s.idx[2];
    }
    ck_assert(rr_gone && pe2_gone);
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[2]), 0);
    enum nvo_bgp_state st;
    ck_assert(
        nvo_bgp_speaker_peer_state(b.s.spk[0], (uint32_t) b.s.idx[1], &st));
    ck_assert_str_eq(nvo_bgp_state_name(st), "Idle");
    ck_assert(
        nvo_bgp_speaker_peer_state(b.s.spk[1], (uint32_t) b.s.idx[0], &st));
    ck_assert_str_eq(nvo_bgp_state_name(st), "Active");
    /* Back: the link is up again at 300 s; the reflector connects at
     * tn[0] + 120 s. */
    nvo_net_set_link_up(b.s.net, (uint32_t) link, true);
    nvo_time_t t_retry = tn[0] + 120 * NVO_SEC;
    nvo_engine_run(b.s.e, t_retry - 1);
    ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.s.spk[0]), 1);
    nvo_engine_run(b.s.e, t_retry + NVO_SEC);
    ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.s.spk[0]), 2);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[1])
                      ->sessions_established, 2);
    nvo_time_t to[8];
    uint32_t n_open = find(&b, 0, 1, NVO_BGP_OPEN, false, to, NULL, 8);
    ck_assert_uint_eq(n_open, 2);
    ck_assert_int_gt(to[1], t_retry);
    ck_assert_int_lt(to[1], t_retry + NVO_MS);
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[2]), 1);
    bench_free(&b);
}
END_TEST

/* ---- Packing ------------------------------------------------------------ */

/* 103 MAC+IPv4 type-2 routes with identical attributes: the PE's UPDATE
 * is 69 + 103 x 39 = 4086 bytes (bgp_pack.h: the fixed part 69), one
 * UPDATE.  The reflector adds ORIGINATOR_ID and CLUSTER_LIST, 7 bytes
 * each: fixed 83, floor((4096 - 83) / 39) = 102 routes, 83 + 102 x 39 =
 * 4061 bytes, then one route: 82 + 39 = 121 (MP_REACH's value 48 bytes,
 * a 3-byte header).  104 routes: the PE sends 4086 + (68 + 39 = 107).
 * Withdrawing: only MP_UNREACH, 23 + 4 + 3 + n x 39: 103 routes 4047
 * bytes, 104 routes 4086, one UPDATE each (capacity
 * floor((4096 - 30) / 39) = 104), and the reflector's are the same. */
START_TEST(packing)
{
    for (uint32_t n = 103; n <= 104; n++) {
        struct bench b;
        bench_star(&b, 1, 2, NULL);
        nvo_test_star_peer_rr(&b.s);
        nvo_engine_run(b.s.e, NVO_SEC);
        guint mark = b.msgs->len;
        originate(&b, 1, 0, n);
        nvo_engine_run(b.s.e, 2 * NVO_SEC);
        size_t len[8];
        ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_UPDATE, false, NULL, len, 8),
                          n == 103 ? 1 : 2);
        ck_assert_uint_eq(len[0], 4086);
        if (n == 104) {
            ck_assert_uint_eq(len[1], 107);
        }
        uint32_t k = find(&b, 0, 2, NVO_BGP_UPDATE, false, NULL, len, 8);
        if (n == 103) {
            ck_assert_uint_eq(k, 2);
            ck_assert_uint_eq(len[0], 4061);
            ck_assert_uint_eq(len[1], 121);
        } else {
            /* The PE's second UPDATE arrives after the reflector flushed
             * the first: 102 + 1, then 1. */
            ck_assert_uint_eq(k, 3);
            ck_assert_uint_eq(len[0], 4061);
            ck_assert_uint_eq(len[1], 121);
            ck_assert_uint_eq(len[2], 121);
        }
        ck_assert_uint_eq(find(&b, 0, 1, NVO_BGP_UPDATE, false, NULL, NULL,
                               8), 0);
        ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[2]), n);
        ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out(b.s.spk[0],
                                                       (uint32_t) b.s.idx[2]),
                          n);
        ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out(b.s.spk[0],
                                                       (uint32_t) b.s.idx[1]),
                          0);
        /* One attribute set at the PE, two at the reflector (as received
         * and as reflected). */
        ck_assert_uint_eq(nvo_bgp_speaker_n_attr_sets(b.s.spk[1]), 1);
        ck_assert_uint_eq(nvo_bgp_speaker_n_attr_sets(b.s.spk[0]), 2);
        ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])
                          ->routes_announced_out, n);
        (void) mark;

        withdraw(&b, 1, 0, n);
        nvo_engine_run(b.s.e, 3 * NVO_SEC);
        nvo_time_t t[8];
        ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_UPDATE, false, t, len, 8),
                          n == 103 ? 2 : 3);
        ck_assert_uint_eq(len[n == 103 ? 1 : 2], n == 103 ? 4047 : 4086);
        k = find(&b, 0, 2, NVO_BGP_UPDATE, false, NULL, len, 8);
        ck_assert_uint_eq(k, n == 103 ? 3 : 4);
        ck_assert_uint_eq(len[k - 1], n == 103 ? 4047 : 4086);
        ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[2]), 0);
        ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[0]), 0);
        ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[2])
                          ->routes_withdrawn_in, n);
        ck_assert_uint_eq(nvo_bgp_speaker_adj_out_size(b.s.spk[0]), 0);
        ck_assert_uint_eq(nvo_bgp_speaker_n_attr_sets(b.s.spk[0]), 0);
        ck_assert_uint_eq(nvo_bgp_speaker_mem_bytes(b.s.spk[0]), 0);
        bench_free(&b);
    }
}
END_TEST

/* Extended messages (RFC 8654) on both ends: the 104 routes go in one
 * UPDATE of 69 + 104 x 39 = 4125 bytes. */
START_TEST(extended_messages)
{
    struct nvo_bgp_speaker_cfg c;
    nvo_bgp_speaker_cfg_default(&c);
    c.extended_messages = true;
    struct bench b;
    bench_star(&b, 1, 2, &c);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    size_t len[4];
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_OPEN, false, NULL, len, 4), 1);
    ck_assert_uint_eq(len[0], 47);      /* capability 6: 2 bytes more */
    originate(&b, 1, 0, 104);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_UPDATE, false, NULL, len, 4), 1);
    ck_assert_uint_eq(len[0], 4125);
    ck_assert_uint_eq(find(&b, 0, 2, NVO_BGP_UPDATE, false, NULL, len, 4), 1);
    ck_assert_uint_eq(len[0], 4125 + 14);
    bench_free(&b);
}
END_TEST

/* A large table and a late session: PE1 originates 110,000 routes (one
 * attribute set) while only it peers with the reflector: ceil(110000 /
 * 103) = 1068 UPDATEs.  Then PE2's session comes up: the reflector dumps
 * its table in one flush, ceil(110000 / 102) = 1079 UPDATEs of 102
 * routes (4061 bytes) but the last, 110000 - 1078 x 102 = 44 routes: 83 +
 * 44 x 39 = 1799 bytes (MP_REACH's value is 1725 bytes: the 4-byte
 * header), then End-of-RIB.  That is 4.38 MB, more than
 * TCP's 4 MiB send buffer: the speaker queues the rest and sends it as
 * ACKs free room.  Memory: one attribute set at PE1, two at the
 * reflector; per route one destination and one path. */
START_TEST(large_table)
{
    const uint32_t n = 110000;
    struct bench b;
    bench_star(&b, 1, 2, NULL);
    nvo_test_star_peer(&b.s, 0, 1, true);
    nvo_test_star_peer(&b.s, 1, 0, false);
    nvo_engine_run(b.s.e, NVO_SEC);
    originate(&b, 1, 0, n);
    nvo_engine_run(b.s.e, 5 * NVO_SEC);
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_UPDATE, false, NULL, NULL, 0),
                      1068);
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[0]), n);
    nvo_test_star_peer(&b.s, 0, 2, true);
    nvo_test_star_peer(&b.s, 2, 0, false);
    nvo_engine_run(b.s.e, 30 * NVO_SEC);
    static size_t len[1100];
    ck_assert_uint_eq(find(&b, 0, 2, NVO_BGP_UPDATE, false, NULL, len, 1100),
                      1079);
    for (uint32_t i = 0; i < 1078; i++) {
        ck_assert_uint_eq(len[i], 4061);
    }
    ck_assert_uint_eq(len[1078], 1799);
    ck_assert_uint_eq(find(&b, 0, 2, NVO_BGP_UPDATE, true, NULL, NULL, 0), 1);
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[2]), n);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[2])->eor_in, 1);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[2])
                      ->bytes_in[NVO_BGP_UPDATE],
                      1078 * 4061 + 1799 + 29);
    /* Memory, by type: one destination and one path per route. */
    const struct nvo_mem_acct *m =
        &nvo_net_node(b.s.net, (uint32_t) b.s.idx[2])->mem;
    struct nvo_mem_count cd = nvo_mem_acct_get(m, nvo_mem_type_register(
                                                   "bgp-dest"));
    struct nvo_mem_count cp = nvo_mem_acct_get(m, nvo_mem_type_register(
                                                   "bgp-path"));
    struct nvo_mem_count ca = nvo_mem_acct_get(m, nvo_mem_type_register(
                                                   "bgp-attrs"));
    ck_assert_uint_eq(cd.objects, n);
    ck_assert_uint_eq(cp.objects, n);
    ck_assert_uint_eq(ca.objects, 1);
    ck_assert_uint_eq(cd.bytes % n, 0);
    ck_assert_uint_eq(nvo_bgp_speaker_n_attr_sets(b.s.spk[1]), 1);
    ck_assert_uint_eq(nvo_bgp_speaker_n_attr_sets(b.s.spk[0]), 2);
    double per = nvo_bgp_speaker_mem_per_route(b.s.spk[2]);
    ck_assert(per > (double) (cd.bytes + cp.bytes) / n);
    ck_assert(per < (double) (cd.bytes + cp.bytes) / n + 64);
    bench_free(&b);
}
END_TEST

/* ---- Reflection --------------------------------------------------------- */

/* n = 5 clients of one reflector, one route each: each route reaches the
 * n - 1 = 4 other clients once; each client's Loc-RIB holds 5; the
 * reflector sent 5 x 4 = 20 routes; the received attributes carry
 * ORIGINATOR_ID = the originating PE's router id and CLUSTER_LIST = the
 * reflector's router id. */
START_TEST(reflection_one_rr)
{
    const uint32_t n = 5;
    struct bench b;
    bench_star(&b, 1, n, NULL);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    for (uint32_t i = 1; i <= n; i++) {
        originate(&b, i, 0, 1);
    }
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    for (uint32_t i = 1; i <= n; i++) {
        const struct nvo_bgp_counters *c =
            nvo_bgp_speaker_counters(b.s.spk[i]);
        ck_assert_uint_eq(c->routes_announced_in, n - 1);
        ck_assert_uint_eq(c->routes_announced_out, 1);
        ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[i]), n);
        ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[i]), n - 1);
        for (uint32_t j = 1; j <= n; j++) {
            uint8_t r[64];
            size_t len = route2(&b, j, 0, r);
            struct nvo_bgp_attrs a;
            uint32_t orig;
            ck_assert(nvo_bgp_speaker_best(b.s.spk[i], NVO_BGP_AFI_L2VPN,
                                           NVO_BGP_SAFI_EVPN, r, len, &a,
                                           &orig));
            ck_assert_uint_eq(orig, nvo_test_star_loop4(&b.s, j));
            if (i != j) {
                ck_assert(NVO_BGP_HAS(&a, NVO_BGP_ATTR_ORIGINATOR_ID));
                ck_assert_uint_eq(a.originator_id,
                                  nvo_test_star_loop4(&b.s, j));
                ck_assert_uint_eq(a.n_clusters, 1);
                ck_assert_uint_eq(nvo_rd32(a.cluster_list),
                                  nvo_test_star_loop4(&b.s, 0));
                ck_assert_uint_eq(nvo_rd32(a.mp_nh),
                                  nvo_test_star_loop4(&b.s, j));
            }
        }
    }
    const struct nvo_bgp_counters *rc = nvo_bgp_speaker_counters(b.s.spk[0]);
    ck_assert_uint_eq(rc->routes_announced_in, n);
    ck_assert_uint_eq(rc->routes_announced_out, n * (n - 1));
    ck_assert_uint_eq(nvo_bgp_speaker_adj_out_size(b.s.spk[0]), n * (n - 1));
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[0]), n);
    ck_assert_uint_gt(nvo_bgp_speaker_mem_per_route(b.s.spk[0]), 0);
    bench_free(&b);
}
END_TEST

/* Two reflectors, each with the n = 4 PEs as clients and the other as a
 * non-client peer; one route per PE.  Each reflector reflects a client's
 * route to the 3 other clients and to the other reflector: 4 x 3 + 4 =
 * 16 routes out.  Each PE receives every other PE's route twice (once per
 * reflector): 2 x 3 = 6 announcements, 6 Adj-RIB-In entries.  With the
 * same cluster id the reflectors drop each other's copies (their
 * CLUSTER_LIST holds it): 4 looped at each, Adj-RIB-In 4; with different
 * ids each keeps them (Adj-RIB-In 8) but prefers the client's own path
 * (CLUSTER_LIST 0 against 1), so nothing more goes out.  The PE's best
 * is the copy of the reflector with the lower address (rr1). */
START_TEST(reflection_two_rrs)
{
    for (int same = 0; same < 2; same++) {
        struct bench b;
        struct nvo_bgp_speaker_cfg c;
        nvo_bgp_speaker_cfg_default(&c);
        c.cluster_id = same ? 0x01010101 : 0;
        bench_star(&b, 2, 4, &c);
        nvo_test_star_peer_rr(&b.s);
        nvo_engine_run(b.s.e, NVO_SEC);
        for (uint32_t i = 2; i < 6; i++) {
            ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.s.spk[i]), 2);
            originate(&b, i, 0, 1);
        }
        nvo_engine_run(b.s.e, 2 * NVO_SEC);
        for (uint32_t r = 0; r < 2; r++) {
            const struct nvo_bgp_counters *rc =
                nvo_bgp_speaker_counters(b.s.spk[r]);
            ck_assert_uint_eq(rc->routes_announced_out, 16);
            ck_assert_uint_eq(rc->routes_announced_in, 8);
            ck_assert_uint_eq(rc->routes_looped, same ? 4 : 0);
            ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[r]),
                              same ? 4 : 8);
            ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[r]), 4);
        }
        uint32_t cid0 = same ? 0x01010101 : nvo_test_star_loop4(&b.s, 0);
        for (uint32_t i = 2; i < 6; i++) {
            const struct nvo_bgp_counters *pc =
                nvo_bgp_speaker_counters(b.s.spk[i]);
            ck_assert_uint_eq(pc->routes_announced_in, 6);
            ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[i]), 6);
            ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[i]), 4);
            for (uint32_t j = 2; j < 6; j++) {
                if (j == i) {
                    continue;
                }
                uint8_t rt[64];
                size_t len = route2(&b, j, 0, rt);
                struct nvo_bgp_attrs a;
                uint32_t orig;
                ck_assert(nvo_bgp_speaker_best(b.s.spk[i], NVO_BGP_AFI_L2VPN,
                                               NVO_BGP_SAFI_EVPN, rt, len, &a,
                                               &orig));
                ck_assert_uint_eq(orig, nvo_test_star_loop4(&b.s, j));
                ck_assert_uint_eq(a.n_clusters, 1);
                ck_assert_uint_eq(nvo_rd32(a.cluster_list), cid0);
            }
        }
        bench_free(&b);
    }
}
END_TEST

/* A full iBGP mesh of n = 4 PEs: n(n-1)/2 = 6 sessions (12 ends); each
 * route goes out n - 1 = 3 times and is not passed on (a non-reflector
 * does not send iBGP routes to iBGP peers): 12 routes out in all. */
START_TEST(full_mesh)
{
    const uint32_t n = 4;
    struct bench b;
    bench_star(&b, 0, n, NULL);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            if (i != j) {
                nvo_test_star_peer(&b.s, i, j, false);
            }
        }
    }
    nvo_engine_run(b.s.e, NVO_SEC);
    uint32_t ends = 0;
    for (uint32_t i = 0; i < n; i++) {
        ends += nvo_bgp_speaker_n_established(b.s.spk[i]);
        originate(&b, i, 0, 1);
    }
    ck_assert_uint_eq(ends / 2, n * (n - 1) / 2);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    uint64_t out = 0;
    for (uint32_t i = 0; i < n; i++) {
        const struct nvo_bgp_counters *c =
            nvo_bgp_speaker_counters(b.s.spk[i]);
        ck_assert_uint_eq(c->routes_announced_out, n - 1);
        ck_assert_uint_eq(c->routes_announced_in, n - 1);
        ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[i]), n);
        out += c->routes_announced_out;
    }
    ck_assert_uint_eq(out, n * (n - 1));
    bench_free(&b);
}
END_TEST

/* The decision process through a reflector.  PE1 and PE2 originate the
 * same NLRI, PE1 with LOCAL_PREF 100, PE2 with 200: the reflector picks
 * PE2's (higher LOCAL_PREF) and reflects only its best, so PE3 has PE2's
 * path, PE1 keeps its own origination as best (own routes first) with
 * PE2's in its Adj-RIB-In, and PE2 has none from the reflector.  PE2
 * withdraws: PE1's path becomes the best, PE2 gets it, PE1 loses PE2's.
 * PE2 originates again with 100: a tie down to the originator, the lower
 * router id wins (PE1's). */
START_TEST(decision)
{
    struct bench b;
    bench_star(&b, 1, 3, NULL);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    uint8_t r[64];
    size_t len = route2(&b, 1, 7, r);
    struct nvo_bgp_attrs a1 = pe_attrs(&b, 1, 100);
    struct nvo_bgp_attrs a2 = pe_attrs(&b, 2, 200);
    ck_assert_int_eq(
        nvo_bgp_speaker_originate(b.s.spk[1], 25, 70, r, len, &a1), 0);
    ck_assert_int_eq(
        nvo_bgp_speaker_originate(b.s.spk[2], 25, 70, r, len, &a2), 0);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    struct nvo_bgp_attrs a;
    uint32_t orig;
    ck_assert(nvo_bgp_speaker_best(b.s.spk[0], 25, 70, r, len, &a, &orig));
    ck_assert_uint_eq(orig, nvo_test_star_loop4(&b.s, 2));
    ck_assert_uint_eq(a.local_pref, 200);
    ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[0]), 2);
    ck_assert(nvo_bgp_speaker_best(b.s.spk[3], 25, 70, r, len, &a, &orig));
    ck_assert_uint_eq(orig, nvo_test_star_loop4(&b.s, 2));
    ck_assert(nvo_bgp_speaker_best(b.s.spk[1], 25, 70, r, len, &a, &orig));
    ck_assert_uint_eq(orig, nvo_test_star_loop4(&b.s, 1));
    ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[1]), 1);
    ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[2]), 0);

    ck_assert_int_eq(nvo_bgp_speaker_withdraw(b.s.spk[2], 25, 70, r, len), 0);
    nvo_engine_run(b.s.e, 3 * NVO_SEC);
    ck_assert(nvo_bgp_speaker_best(b.s.spk[3], 25, 70, r, len, &a, &orig));
    ck_assert_uint_eq(orig, nvo_test_star_loop4(&b.s, 1));
    ck_assert_uint_eq(a.local_pref, 100);
    ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[1]), 0);
    ck_assert_uint_eq(nvo_bgp_speaker_adj_in_size(b.s.spk[2]), 1);
    const struct brec *last = &g_array_index(b.best, struct brec,
                                             b.best->len - 1);
    ck_assert_uint_eq(last->originator, nvo_test_star_loop4(&b.s, 1));

    a2.local_pref = 100;
    ck_assert_int_eq(
        nvo_bgp_speaker_originate(b.s.spk[2], 25, 70, r, len, &a2), 0);
    nvo_engine_run(b.s.e, 4 * NVO_SEC);
    uint32_t lower =
        NVO_MIN(nvo_test_star_loop4(&b.s, 1), nvo_test_star_loop4(&b.s, 2));
    ck_assert(nvo_bgp_speaker_best(b.s.spk[0], 25, 70, r, len, &a, &orig));
    ck_assert_uint_eq(orig, lower);
    ck_assert(nvo_bgp_speaker_best(b.s.spk[3], 25, 70, r, len, &a, &orig));
    ck_assert_uint_eq(orig, lower);
    bench_free(&b);
}
END_TEST

/* BGP-VPLS (25/65) beside EVPN: the OPEN has a second MP capability, 6
 * bytes more (51); End-of-RIB for each family both ways; one 19-byte
 * VPLS NLRI (RFC 4761 3.2.2) goes in 68 + 19 = 87 bytes from the PE and
 * 82 + 19 = 101 from the reflector, split by its 2-byte length. */
START_TEST(vpls_family)
{
    struct nvo_bgp_speaker_cfg c;
    nvo_bgp_speaker_cfg_default(&c);
    c.vpls = true;
    struct bench b;
    bench_star(&b, 1, 2, &c);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    size_t len[4];
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_OPEN, false, NULL, len, 4), 1);
    ck_assert_uint_eq(len[0], 51);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->eor_out, 4);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->eor_in, 4);
    struct nvo_vpls_nlri v;
    memset(&v, 0, sizeof v);
    nvo_bgp_rd_type1(v.rd, nvo_test_star_loop4(&b.s, 1), 5);
    v.ve_id = 1;
    v.block_offset = 1;
    v.block_size = 10;
    v.label_base = 1000;
    uint8_t nl[32];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(nl, sizeof nl);
    ck_assert_uint_eq(nvo_vpls_nlri_encode(&w, &v), 19);
    struct nvo_bgp_attrs a = pe_attrs(&b, 1, 100);
    ck_assert_int_eq(nvo_bgp_speaker_originate(b.s.spk[1], NVO_BGP_AFI_L2VPN,
                                               NVO_BGP_SAFI_VPLS, nl, 19, &a),
                     0);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_UPDATE, false, NULL, len, 4), 1);
    ck_assert_uint_eq(len[0], 87);
    ck_assert_uint_eq(find(&b, 0, 2, NVO_BGP_UPDATE, false, NULL, len, 4), 1);
    ck_assert_uint_eq(len[0], 101);
    ck_assert(nvo_bgp_speaker_best(b.s.spk[2], NVO_BGP_AFI_L2VPN,
                                   NVO_BGP_SAFI_VPLS, nl, 19, NULL, NULL));
    ck_assert(!nvo_bgp_speaker_best(b.s.spk[2], NVO_BGP_AFI_L2VPN,
                                    NVO_BGP_SAFI_EVPN, nl, 19, NULL, NULL));
    bench_free(&b);
}
END_TEST

/* ---- MRAI --------------------------------------------------------------- */

/* MRAI 5 s everywhere.  The PE's first route (10 s) goes at once (no
 * advertisement yet in the interval; End-of-RIB does not count); routes
 * at 11 s and 12 s wait for the end of the interval, 15 s, and go in one
 * UPDATE: 68 + 2 x 39 = 146 bytes.  The reflector's first reflection is
 * at once too, and the second arrives more than 5 s after it: at once. */
START_TEST(mrai_batching)
{
    struct nvo_bgp_speaker_cfg c;
    nvo_bgp_speaker_cfg_default(&c);
    c.mrai = 5 * NVO_SEC;
    struct bench b;
    bench_star(&b, 1, 2, &c);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, 10 * NVO_SEC);
    originate(&b, 1, 0, 1);
    nvo_engine_run(b.s.e, 11 * NVO_SEC);
    originate(&b, 1, 1, 1);
    nvo_engine_run(b.s.e, 12 * NVO_SEC);
    originate(&b, 1, 2, 1);
    nvo_engine_run(b.s.e, 20 * NVO_SEC);
    nvo_time_t t[4];
    size_t len[4];
    ck_assert_uint_eq(find(&b, 1, 0, NVO_BGP_UPDATE, false, t, len, 4), 2);
    ck_assert_int_eq(t[0], 10 * NVO_SEC);
    ck_assert_uint_eq(len[0], 107);
    ck_assert_int_eq(t[1], 15 * NVO_SEC);
    ck_assert_uint_eq(len[1], 146);
    /* At the reflector: arrival = processing (proc_delay 0), sent in the
     * same instant. */
    nvo_time_t tr[4];
    ck_assert_uint_eq(find(&b, 0, 2, NVO_BGP_UPDATE, false, tr, len, 4), 2);
    ck_assert_uint_eq(len[0], 121);
    ck_assert_uint_eq(len[1], 160);
    for (guint i = 0, k = 0; i < b.msgs->len; i++) {
        const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
        if (!r->sent && r->spk == b.s.idx[0] && r->type == NVO_BGP_UPDATE
            && !r->eor) {
            ck_assert_int_eq(r->t, tr[k++]);
        }
    }
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[2]), 3);
    bench_free(&b);
}
END_TEST

/* ---- Convergence time --------------------------------------------------- */

/* One route from PE1 via the reflector to PE2; every link 1 Gb/s, 10 us;
 * proc_delay 50 us at every speaker.  PE1's UPDATE (107 bytes) is one
 * TCP segment: frame 14 + 20 + 20 + 107 = 161 bytes, 185 on the wire
 * (preamble, FCS, gap: 24): 1.48 us per hop, two hops (PE1 - leaf - RR):
 * 2 x (1.48 + 10) = 22.96 us.  The reflector processes it 50 us later and
 * sends 121 bytes at once (MRAI 0): frame 175, 199 on the wire, 1.592 us
 * per hop: 2 x 11.592 = 23.184 us.  PE2 processes it 50 us later.  From
 * origination to PE2's best-path change: 22.96 + 50 + 23.184 + 50 =
 * 146.144 us.  (TCP sends at once, no Nagle; the reflector's ACK to PE1
 * leaves its port 50 us before the reflection: no queueing.) */
START_TEST(convergence_time)
{
    struct nvo_bgp_speaker_cfg c;
    nvo_bgp_speaker_cfg_default(&c);
    c.proc_delay = 50 * NVO_US;
    struct bench b;
    bench_star(&b, 1, 2, &c);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    g_array_set_size(b.best, 0);
    const nvo_time_t t0 = NVO_SEC;
    originate(&b, 1, 0, 1);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    ck_assert_uint_eq(b.best->len, 2);
    const struct brec *rr = &g_array_index(b.best, struct brec, 0);
    const struct brec *pe2 = &g_array_index(b.best, struct brec, 1);
    ck_assert_int_eq(rr->spk, b.s.idx[0]);
    ck_assert_int_eq(rr->t - t0, 22960 * NVO_NS + 50 * NVO_US);
    ck_assert_int_eq(pe2->spk, b.s.idx[2]);
    ck_assert_int_eq(pe2->t - t0, 146144 * NVO_NS);
    ck_assert_uint_eq(pe2->originator, nvo_test_star_loop4(&b.s, 1));
    ck_assert_int_eq(nvo_bgp_speaker_last_change(b.s.spk[2]), pe2->t);
    bench_free(&b);
}
END_TEST

/* The reflector processes one message at a time: PE1 and PE2 originate
 * one route each at t0 = 1 s.  Both UPDATEs reach the leaf at t0 +
 * 11.48 us and queue for its port to the reflector: the first arrives at
 * t0 + 22.96 us, the second one transmission later, t0 + 24.44 us.  With
 * proc_delay 50 us the reflector's decisions come at t0 + 72.96 us and,
 * waiting for the first, t0 + 122.96 us (not 74.44). */
START_TEST(proc_delay_queue)
{
    struct nvo_bgp_speaker_cfg c;
    nvo_bgp_speaker_cfg_default(&c);
    c.proc_delay = 50 * NVO_US;
    struct bench b;
    bench_star(&b, 1, 2, &c);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    g_array_set_size(b.best, 0);
    const nvo_time_t t0 = NVO_SEC;
    originate(&b, 1, 0, 1);
    originate(&b, 2, 0, 1);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    nvo_time_t at_rr[4];
    uint32_t n = 0;
    for (guint i = 0; i < b.best->len; i++) {
        const struct brec *r = &g_array_index(b.best, struct brec, i);
        if (r->spk == b.s.idx[0]) {
            ck_assert_uint_lt(n, 4);
            at_rr[n++] = r->t - t0;
        }
    }
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(at_rr[0], 72960 * NVO_NS);
    ck_assert_int_eq(at_rr[1], 122960 * NVO_NS);
    bench_free(&b);
}
END_TEST

/* ---- Malformed input ---------------------------------------------------- */

/* A fake peer: a bare TCP application on PE slot 1 (a node index above
 * the reflector's, so the reflector connects to it) that answers with an
 * OPEN and a KEEPALIVE and then sends an UPDATE whose ORIGIN is 5: the
 * reflector refuses it with NOTIFICATION 3/6 (RFC 4271 6.3), the data
 * the attribute (flags, type, length, value: 4 bytes): 21 + 4 = 25
 * bytes, and closes the session. */
struct fake {
    struct bench *b;
    struct nvo_tcp_conn *conn;
    GByteArray *rx;
    int step;
    bool refresh;               /* send a ROUTE-REFRESH, not a bad UPDATE */
    bool bad_marker;            /* send a KEEPALIVE with a zero marker */
    const uint8_t *msg;         /* else send these bytes, if set */
    size_t msg_len;
};

static void
fake_send(struct fake *f, const uint8_t *m, size_t n)
{
    ck_assert_int_eq(nvo_tcp_send(f->conn, m, n), 0);
}

static void
fake_recv(void *ctx, struct nvo_tcp_conn *c, const uint8_t *d, size_t len)
{
    struct fake *f = ctx;
    (void) c;
    g_byte_array_append(f->rx, d, (guint) len);
    uint8_t m[256];
    if (f->step == 0 && f->rx->len >= 45) {
        struct nvo_bgp_open o;
        memset(&o, 0, sizeof o);
        o.version = 4;
        o.as = 65000;
        o.hold_time = 180;
        o.bgp_id = 0x0a0a0a0a;
        o.n_mp = 1;
        o.mp[0] = (struct nvo_bgp_afi_safi) { 25, 70 };
        o.route_refresh = o.as4 = true;
        struct nvo_bgp_buf w = nvo_bgp_buf_init(m, sizeof m);
        fake_send(f, m, nvo_bgp_open_encode(&w, &o));
        w = nvo_bgp_buf_init(m, sizeof m);
        fake_send(f, m, nvo_bgp_keepalive_encode(&w));
        f->step = 1;
    } else if (f->step == 1 && f->refresh
               && f->rx->len >= 45 + 19 + 107 + 29) {
        struct nvo_bgp_route_refresh rr = { .afi = 25, .subtype = 0,
                                            .safi = 70 };
        struct nvo_bgp_buf w = nvo_bgp_buf_init(m, sizeof m);
        fake_send(f, m, nvo_bgp_route_refresh_encode(&w, &rr));
        f->step = 2;
    } else if (f->step == 1 && !f->refresh && f->rx->len >= 45 + 19) {
        /* ORIGIN 5 (and an empty AS_PATH). */
        static const uint8_t upd[] = {
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            0x00, 30, 2, 0x00, 0x00, 0x00, 7,
            0x40, 1, 1, 5, 0x40, 2, 0,
        };
        uint8_t ka[19];
        memcpy(ka, upd, 19);
        ka[16] = 0;
        ka[17] = 19;
        ka[18] = NVO_BGP_KEEPALIVE;
        ka[3] = 0;              /* the marker's fourth byte */
        if (f->msg) {
            fake_send(f, f->msg, f->msg_len);
        } else if (f->bad_marker) {
            fake_send(f, ka, sizeof ka);
        } else {
            fake_send(f, upd, sizeof upd);
        }
        f->step = 2;
    }
}

static const struct nvo_tcp_ops fake_ops = { .recv = fake_recv };

static bool
fake_accept(void *ctx, struct nvo_tcp_conn *c, int remote)
{
    struct fake *f = ctx;
    (void) remote;
    f->conn = c;
    nvo_tcp_conn_set_ops(c, &fake_ops, f);
    return true;
}

START_TEST(malformed_update)
{
    struct bench b;
    bench_star(&b, 1, 1, NULL);
    /* Slot 1's speaker steps aside: the fake listens instead. */
    nvo_bgp_speaker_destroy(b.s.spk[1]);
    b.s.spk[1] = NULL;
    struct fake f = { .b = &b, .rx = g_byte_array_new() };
    ck_assert_int_eq(nvo_tcp_listen(b.s.st[1], 179, fake_accept, &f), 0);
    nvo_test_star_peer(&b.s, 0, 1, true);
    nvo_engine_run(b.s.e, NVO_SEC);
    ck_assert_int_eq(f.step, 2);
    nvo_time_t t[2];
    size_t len[2];
    ck_assert_uint_eq(find(&b, 0, 1, NVO_BGP_NOTIFICATION, false, t, len, 2),
                      1);
    ck_assert_uint_eq(len[0], 25);
    const struct mrec *last = NULL;
    for (guint i = 0; i < b.msgs->len; i++) {
        const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
        if (r->type == NVO_BGP_NOTIFICATION) {
            last = r;
        }
    }
    ck_assert_uint_eq(last->b20, NVO_BGP_ERR_UPDATE);
    ck_assert_uint_eq(last->b21, NVO_BGP_UPD_BAD_ORIGIN);
    /* The fake got it after the OPEN, the KEEPALIVE and End-of-RIB. */
    ck_assert_uint_eq(f.rx->len, 45 + 19 + 29 + 25);
    ck_assert_uint_eq(f.rx->data[45 + 19 + 29 + 18], NVO_BGP_NOTIFICATION);
    ck_assert_uint_eq(f.rx->data[45 + 19 + 29 + 19], NVO_BGP_ERR_UPDATE);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->malformed_in, 1);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->sessions_lost, 1);
    enum nvo_bgp_state st;
    ck_assert(
        nvo_bgp_speaker_peer_state(b.s.spk[0], (uint32_t) b.s.idx[1], &st));
    ck_assert_str_eq(nvo_bgp_state_name(st), "Idle");
    g_byte_array_free(f.rx, TRUE);
    bench_free(&b);
}
END_TEST

/* A header whose marker is not all ones: NOTIFICATION 1/1 (RFC 4271 6.1,
 * no data: 21 bytes). */
START_TEST(bad_marker)
{
    struct bench b;
    bench_star(&b, 1, 1, NULL);
    nvo_bgp_speaker_destroy(b.s.spk[1]);
    b.s.spk[1] = NULL;
    struct fake f = { .b = &b, .rx = g_byte_array_new(), .bad_marker = true };
    ck_assert_int_eq(nvo_tcp_listen(b.s.st[1], 179, fake_accept, &f), 0);
    nvo_test_star_peer(&b.s, 0, 1, true);
    nvo_engine_run(b.s.e, NVO_SEC);
    ck_assert_int_eq(f.step, 2);
    ck_assert_uint_eq(f.rx->len, 45 + 19 + 29 + 21);
    const uint8_t *n = f.rx->data + 45 + 19 + 29;
    ck_assert_uint_eq(n[18], NVO_BGP_NOTIFICATION);
    ck_assert_uint_eq(n[19], NVO_BGP_ERR_HEADER);
    ck_assert_uint_eq(n[20], NVO_BGP_HDR_NOT_SYNC);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->malformed_in, 1);
    /* The refused message is not counted as received. */
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])
                      ->msgs_in[NVO_BGP_KEEPALIVE], 1);
    g_byte_array_free(f.rx, TRUE);
    bench_free(&b);
}
END_TEST

/* Loops (RFC 4456 8): the fake peer (a client of the reflector) sends two
 * routes, one UPDATE each: the first with ORIGINATOR_ID = the
 * reflector's router id (refused, routes_looped 1), the second with
 * CLUSTER_LIST = [its cluster id] (refused too); then a third with
 * neither, which is kept.  The session stays up. */
START_TEST(looped_routes)
{
    struct bench b;
    bench_star(&b, 1, 1, NULL);
    nvo_bgp_speaker_destroy(b.s.spk[1]);
    b.s.spk[1] = NULL;
    uint8_t cl[4];
    nvo_wr32(cl, nvo_test_star_loop4(&b.s, 0));
    GByteArray *msgs = g_byte_array_new();
    for (int k = 0; k < 3; k++) {
        struct nvo_bgp_attrs a = pe_attrs(&b, 1, 100);
        if (k == 0) {
            a.present |= 1u << NVO_BGP_ATTR_ORIGINATOR_ID;
            a.originator_id = nvo_test_star_loop4(&b.s, 0);
        } else if (k == 1) {
            a.present |= 1u << NVO_BGP_ATTR_CLUSTER_LIST;
            a.cluster_list = cl;
            a.n_clusters = 1;
        }
        uint8_t r[64];
        uint16_t size = (uint16_t) route2(&b, 1, (uint32_t) k, r);
        struct nvo_bgp_msgs m;
        ck_assert_int_eq(nvo_bgp_pack(&a, false, 25, 70, r, &size, 1,
                                      NVO_BGP_MAX_LEN, &m), 0);
        g_byte_array_append(msgs, m.buf, (guint) m.len);
        nvo_bgp_msgs_free(&m);
    }
    struct fake f = { .b = &b, .rx = g_byte_array_new(), .msg = msgs->data,
                      .msg_len = msgs->len };
    ck_assert_int_eq(nvo_tcp_listen(b.s.st[1], 179, fake_accept, &f), 0);
    nvo_test_star_peer(&b.s, 0, 1, true);
    nvo_engine_run(b.s.e, NVO_SEC);
    ck_assert_int_eq(f.step, 2);
    const struct nvo_bgp_counters *c = nvo_bgp_speaker_counters(b.s.spk[0]);
    ck_assert_uint_eq(c->msgs_in[NVO_BGP_UPDATE], 3);
    ck_assert_uint_eq(c->routes_announced_in, 3);
    ck_assert_uint_eq(c->routes_looped, 2);
    ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[0]), 1);
    ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.s.spk[0]), 1);
    uint8_t r[64];
    size_t len = route2(&b, 1, 2, r);
    uint32_t orig;
    ck_assert(nvo_bgp_speaker_best(b.s.spk[0], 25, 70, r, len, NULL, &orig));
    ck_assert_uint_eq(orig, 0x0a0a0a0a);    /* the fake's BGP identifier */
    g_byte_array_free(msgs, TRUE);
    g_byte_array_free(f.rx, TRUE);
    bench_free(&b);
}
END_TEST

/* ROUTE-REFRESH (RFC 2918): the reflector has one route of its own (107
 * bytes: it is no reflection); the fake peer gets it with End-of-RIB at
 * Established, asks for 25/70 again with a 23-byte ROUTE-REFRESH and
 * gets the UPDATE once more (no second End-of-RIB). */
START_TEST(route_refresh)
{
    struct bench b;
    bench_star(&b, 1, 1, NULL);
    nvo_bgp_speaker_destroy(b.s.spk[1]);
    b.s.spk[1] = NULL;
    struct fake f = { .b = &b, .rx = g_byte_array_new(), .refresh = true };
    ck_assert_int_eq(nvo_tcp_listen(b.s.st[1], 179, fake_accept, &f), 0);
    struct nvo_bgp_attrs a = pe_attrs(&b, 0, 100);
    uint8_t r[64];
    size_t len = route2(&b, 0, 0, r);
    ck_assert_int_eq(nvo_bgp_speaker_originate(b.s.spk[0], 25, 70, r, len, &a),
                     0);
    nvo_test_star_peer(&b.s, 0, 1, true);
    nvo_engine_run(b.s.e, NVO_SEC);
    ck_assert_int_eq(f.step, 2);
    ck_assert_uint_eq(f.rx->len, 45 + 19 + 107 + 29 + 107);
    ck_assert(!memcmp(f.rx->data + 45 + 19, f.rx->data + 45 + 19 + 107 + 29,
                      107));
    const struct nvo_bgp_counters *c = nvo_bgp_speaker_counters(b.s.spk[0]);
    ck_assert_uint_eq(c->msgs_in[NVO_BGP_ROUTE_REFRESH], 1);
    ck_assert_uint_eq(c->bytes_in[NVO_BGP_ROUTE_REFRESH], 23);
    ck_assert_uint_eq(c->msgs_out[NVO_BGP_UPDATE], 3);
    ck_assert_uint_eq(c->eor_out, 1);
    ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out(b.s.spk[0],
                                                   (uint32_t) b.s.idx[1]), 1);
    ck_assert_uint_eq(nvo_bgp_speaker_n_established(b.s.spk[0]), 1);
    g_byte_array_free(f.rx, TRUE);
    bench_free(&b);
}
END_TEST

/* ---- tshark ------------------------------------------------------------- */

/* The packing scenario of 103 routes captured on the reflector's link:
 * tshark decodes every BGP message (no malformed packet, no error), finds
 * each of the 103 MACs twice (from PE1 in, to PE2 out), the 45-byte OPENs,
 * and ORIGINATOR_ID = PE1's address on the reflected UPDATEs only (2 of
 * them). */
START_TEST(pcap_tshark)
{
    nvo_test_require_tshark();
    struct bench b;
    bench_star(&b, 1, 2, NULL);
    char *dir = nvo_test_tmpdir("bgpspk");
    char *path = g_strdup_printf("%s/rr.pcap", dir);
    struct nvo_pcap_out *po;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
    nvo_pcap_out_attach(po, &nvo_net_node(b.s.net, (uint32_t) b.s.idx[0])
                                 ->ports[0]);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    originate(&b, 1, 0, 103);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);

    char *cmd = g_strdup_printf(
        "tshark -r '%s' -Y '_ws.malformed || _ws.expert.severity >= error' "
        "-T fields -e frame.number 2>/dev/null", path);
    char *got = nvo_test_cmd_out(cmd);
    ck_assert_str_eq(got, "");
    g_free(got);
    g_free(cmd);

    cmd = g_strdup_printf("tshark -r '%s' -Y bgp -T fields "
                          "-e bgp.type 2>/dev/null | tr ',' '\\n' | sort | "
                          "uniq -c", path);
    got = nvo_test_cmd_out(cmd);
    /* OPEN x 4, KEEPALIVE x 4, UPDATE: 2 End-of-RIB each way + 1 in + 2
     * out = 7. */
    ck_assert_msg(strstr(got, "      4 1\n") && strstr(got, "      7 2\n")
                  && strstr(got, "      4 4\n"), "bgp types:\n%s", got);
    g_free(got);
    g_free(cmd);

    cmd = g_strdup_printf("tshark -r '%s' -Y bgp -T fields "
                          "-e bgp.evpn.nlri.mac_addr 2>/dev/null", path);
    got = nvo_test_cmd_out(cmd);
    for (uint32_t k = 0; k < 103; k++) {
        char mac[32];
        snprintf(mac, sizeof mac, "00:50:56:01:%02x:%02x", k >> 8, k & 0xff);
        ck_assert_msg(nvo_test_count_substr(got, mac) == 2, "%s", mac);
    }
    ck_assert_uint_eq(nvo_test_count_substr(got, "00:50:56:"), 206);
    g_free(got);
    g_free(cmd);

    cmd = g_strdup_printf("tshark -r '%s' -Y bgp.update.path_attribute."
                          "originator_id -T fields -e ip.src "
                          "-e bgp.update.path_attribute.originator_id "
                          "2>/dev/null", path);
    got = nvo_test_cmd_out(cmd);
    uint32_t rr = nvo_test_star_loop4(&b.s, 0),
             pe1 = nvo_test_star_loop4(&b.s, 1);
    char *want = g_strdup_printf("%u.%u.%u.%u\t%u.%u.%u.%u\n", rr >> 24,
                                 (rr >> 16) & 0xff, (rr >> 8) & 0xff,
                                 rr & 0xff, pe1 >> 24, (pe1 >> 16) & 0xff,
                                 (pe1 >> 8) & 0xff, pe1 & 0xff);
    char *want2 = g_strconcat(want, want, NULL);
    ck_assert_str_eq(got, want2);
    g_free(want);
    g_free(want2);
    g_free(got);
    g_free(cmd);
    g_free(path);
    nvo_test_rmdir(dir);
    bench_free(&b);
}
END_TEST

/* ---- Determinism -------------------------------------------------------- */

static uint64_t
scenario_digest(void)
{
    struct bench b;
    bench_star(&b, 2, 3, NULL);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    for (uint32_t i = 2; i < 5; i++) {
        originate(&b, i, 0, 50 + i);
    }
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    withdraw(&b, 3, 0, 20);
    nvo_engine_run(b.s.e, 100 * NVO_SEC);
    uint64_t h = 1469598103934665603ull;
    for (guint i = 0; i < b.msgs->len; i++) {
        const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
        h = (h ^ r->hash ^ (uint64_t) r->t) * 1099511628211ull;
        h = (h ^ (uint64_t) r->spk << 8 ^ (uint64_t) r->peer)
            * 1099511628211ull;
    }
    for (uint32_t i = 0; i < b.s.n; i++) {
        const struct nvo_bgp_counters *c =
            nvo_bgp_speaker_counters(b.s.spk[i]);
        h = (h ^ nvo_bgp_counters_bytes_out(c)) * 1099511628211ull;
        h = (h ^ nvo_bgp_speaker_mem_bytes(b.s.spk[i])) * 1099511628211ull;
    }
    ck_assert_uint_gt(b.msgs->len, 0);
    bench_free(&b);
    return h;
}

START_TEST(deterministic)
{
    ck_assert_uint_eq(scenario_digest(), scenario_digest());
}
END_TEST

/* ---- Configuration ------------------------------------------------------ */

START_TEST(cfg_refused)
{
    struct nvo_bgp_speaker_cfg c;
    char err[200];
    nvo_bgp_speaker_cfg_default(&c);
    ck_assert_uint_eq(c.asn, 65000);
    ck_assert_int_eq(c.hold_time, 180 * NVO_SEC);
    ck_assert_int_eq(c.keepalive, 60 * NVO_SEC);
    ck_assert_int_eq(c.connect_retry, 120 * NVO_SEC);
    ck_assert_int_eq(c.mrai, 0);
    ck_assert_int_eq(nvo_bgp_speaker_cfg_check(&c, err, sizeof err), 0);
    static const struct {
        int field;
        const char *name;
    } bad[] = {
        { 0, "asn" }, { 1, "hold_time" }, { 2, "hold_time" },
        { 3, "keepalive" }, { 4, "connect_retry" }, { 5, "mrai" },
        { 6, "proc_delay" }, { 7, "cluster_id" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(bad); i++) {
        nvo_bgp_speaker_cfg_default(&c);
        switch (bad[i].field) {
        case 0: c.asn = 0; break;
        case 1: c.hold_time = 2 * NVO_SEC; break;
        case 2: c.hold_time = 90 * NVO_SEC + 1; break;
        case 3: c.keepalive = 61 * NVO_SEC; break;
        case 4: c.connect_retry = 0; break;
        case 5: c.mrai = -1; break;
        case 6: c.proc_delay = -1; break;
        case 7: c.cluster_id = 1; break;
        }
        err[0] = '\0';
        ck_assert_int_eq(nvo_bgp_speaker_cfg_check(&c, err, sizeof err),
                         EINVAL);
        ck_assert_msg(strncmp(err, bad[i].name, strlen(bad[i].name)) == 0,
                      "%s: %s", bad[i].name, err);
    }
    /* Hold 0: no keepalives needed. */
    nvo_bgp_speaker_cfg_default(&c);
    c.hold_time = 0;
    c.keepalive = 0;
    ck_assert_int_eq(nvo_bgp_speaker_cfg_check(&c, err, sizeof err), 0);

    struct bench b;
    bench_star(&b, 1, 1, NULL);
    ck_assert_int_eq(
        nvo_bgp_speaker_add_peer(b.s.spk[1], (uint32_t) b.s.idx[1], false),
        EINVAL);
    ck_assert_int_eq(
        nvo_bgp_speaker_add_peer(b.s.spk[1], (uint32_t) b.s.idx[0], true),
        EINVAL);
    nvo_test_star_peer(&b.s, 1, 0, false);
    ck_assert_int_eq(
        nvo_bgp_speaker_add_peer(b.s.spk[1], (uint32_t) b.s.idx[0], false),
        EEXIST);
    uint8_t r[64];
    size_t len = route2(&b, 1, 0, r);
    ck_assert_int_eq(nvo_bgp_speaker_withdraw(b.s.spk[1], 25, 70, r, len),
                     ENOENT);
    struct nvo_bgp_speaker *s2;
    ck_assert_int_eq(nvo_bgp_speaker_create(b.s.st[1], NULL, &s2, err,
                                            sizeof err), EADDRINUSE);
    bench_free(&b);
}
END_TEST

static Suite *
bgp_speaker_suite(void)
{
    Suite *s = suite_create("bgp_speaker");
    TCase *tc = tcase_create("bgp_speaker");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, sessions_and_keepalives);
    tcase_add_test(tc, hold_expiry_and_retry);
    tcase_add_test(tc, packing);
    tcase_add_test(tc, extended_messages);
    tcase_add_test(tc, large_table);
    tcase_add_test(tc, reflection_one_rr);
    tcase_add_test(tc, reflection_two_rrs);
    tcase_add_test(tc, full_mesh);
    tcase_add_test(tc, decision);
    tcase_add_test(tc, vpls_family);
    tcase_add_test(tc, mrai_batching);
    tcase_add_test(tc, convergence_time);
    tcase_add_test(tc, proc_delay_queue);
    tcase_add_test(tc, malformed_update);
    tcase_add_test(tc, route_refresh);
    tcase_add_test(tc, bad_marker);
    tcase_add_test(tc, looped_routes);
    tcase_add_test(tc, pcap_tshark);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, cfg_refused);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(bgp_speaker_suite());
}
