/* test_bgp_rtc.c: RT-constrain (RFC 4684) in the BGP speaker
 * (ctrl/bgp_speaker.c, ctrl/bgp_rib.c) and the RT membership NLRI
 * (wire/bgp_nlri.c) against numbers worked out by hand: PEs with disjoint
 * VNIs behind one and two reflectors receive exactly the routes of the RTs
 * they import (and every route without RT-constrain or without the
 * capability), the reflectors' Adj-RIB-Out sizes per peer, the filtered
 * counts; a full mesh of PEs; a PE that adds an RT later gets its routes,
 * one that removes it the withdrawals; an RT with one member stays at its
 * PE until a second joins; the 1/132 End-of-RIB before any VPN route and
 * before the VPN End-of-RIB (also against a fake peer, which a malformed
 * membership NLRI gets NOTIFICATION 3/9 from); the UPDATE sizes of RT
 * membership routes; the NLRI codec; tshark decoding of a pcap;
 * determinism. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mem.h"
#include "ctrl/bgp_speaker.h"
#include "ctrl/tcp.h"
#include "fabric/net.h"
#include "io/pcap_out.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/bgp_nlri.h"
#include "wire/bgp_pack.h"

/* ---- The bench: a star of one leaf, the reflectors and the PEs ---------- */

#define MAX_NODES NVO_TEST_STAR_MAX
#define RTC_AS_FIELD "bgp.originating_as"
#define RTC_RT_FIELD "bgp.community_prefix"
#define VNI0 5000u              /* PE i's VNI and RT: 65000:(5000 + i % k) */

struct mrec {                   /* a message a speaker sent */
    nvo_time_t t;
    int spk, peer;              /* node indices */
    uint8_t type;
    size_t len;
    bool eor;
    uint16_t afi;               /* UPDATE: of MP_REACH, else MP_UNREACH */
    uint8_t safi;
    uint32_t n_reach, n_unreach;    /* NLRI in MP_REACH, MP_UNREACH */
    uint64_t hash;
};

struct bench {
    struct nvo_test_star s;     /* first */
    GArray *msgs;               /* struct mrec, sent only */
};

/* NLRI in an MP field: EVPN and RTC split by their length fields. */
static uint32_t
count_nlri(uint16_t afi, uint8_t safi, const uint8_t *p, size_t len)
{
    uint32_t n = 0;
    size_t o = 0;
    while (o < len) {
        size_t k;
        if (afi == NVO_BGP_AFI_IPV4 && safi == NVO_BGP_SAFI_RTC) {
            k = nvo_rtc_nlri_size(p[o]);
        } else if (afi == NVO_BGP_AFI_L2VPN && safi == NVO_BGP_SAFI_EVPN
                   && o + 1 < len) {
            k = 2u + p[o + 1];
        } else {
            k = 0;
        }
        ck_assert_uint_gt(k, 0);
        o += k;
        n++;
    }
    ck_assert_uint_eq(o, len);
    return n;
}

static void
observer(void *ctx, const struct nvo_bgp_speaker *s, uint32_t peer, bool sent,
         nvo_time_t now, const uint8_t *msg, size_t len)
{
    struct bench *b = ctx;
    if (!sent) {
        return;
    }
    struct mrec r = {
        .t = now, .spk = (int) nvo_bgp_speaker_node(s)->index,
        .peer = (int) peer, .type = msg[18], .len = len,
    };
    if (r.type == NVO_BGP_UPDATE) {
        struct nvo_bgp_update u;
        struct nvo_bgp_error e;
        ck_assert_int_eq(nvo_bgp_update_decode(msg, len, &u, &e), 0);
        r.eor = u.eor;
        const struct nvo_bgp_attrs *a = &u.attrs;
        if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_REACH)) {
            r.afi = a->mp_afi;
            r.safi = a->mp_safi;
            r.n_reach = count_nlri(a->mp_afi, a->mp_safi, a->mp_nlri,
                                   a->mp_nlri_len);
        } else {
            r.afi = a->mpu_afi;
            r.safi = a->mpu_safi;
        }
        if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_UNREACH)) {
            r.n_unreach = count_nlri(a->mpu_afi, a->mpu_safi, a->mpu_nlri,
                                     a->mpu_nlri_len);
        }
    }
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h = (h ^ msg[i]) * 1099511628211ull;
    }
    r.hash = h;
    g_array_append_val(b->msgs, r);
}

/* The reflectors of the next bench_star() send only the default RT
 * membership (rtc_advertise_default). */
static bool rr_default;

/* bench_star()'s rt_constrain: on with rtc, but off on the PE slots whose
 * bit is set in plain. */
struct star_rtc {
    bool rtc;
    uint32_t plain;
};

static void
star_cfg(void *ctx, uint32_t slot, struct nvo_bgp_speaker_cfg *c)
{
    const struct star_rtc *r = ctx;
    c->rt_constrain = r->rtc && !(r->plain & (1u << slot));
    c->rtc_advertise_default = c->is_rr && rr_default;
}

/* The star (nvo_test_star_build()) of n_rr reflectors and n_pe PEs, the
 * messages each speaker sends logged.  rt_constrain on every speaker, but
 * off on the PE slots whose bit is set in 'plain'. */
static void
bench_star(struct bench *b, uint32_t n_rr, uint32_t n_pe, bool rtc,
           uint32_t plain)
{
    memset(b, 0, sizeof *b);
    struct star_rtc r = { rtc, plain };
    nvo_test_star_build(&b->s, n_rr, n_pe, star_cfg, &r);
    b->msgs = g_array_new(FALSE, FALSE, sizeof(struct mrec));
    for (uint32_t i = 0; i < b->s.n; i++) {
        nvo_bgp_speaker_set_observer(b->s.spk[i], observer, b);
    }
}

static void
bench_free(struct bench *b)
{
    nvo_test_star_free(&b->s);
    g_array_free(b->msgs, TRUE);
}

/* ---- Routes ------------------------------------------------------------- */

static void
rt_of(uint32_t vni, uint8_t rt[8])
{
    nvo_bgp_ec_rt(rt, 65000, vni);
}

static uint8_t ec_buf[MAX_NODES][16];

/* PE slot i's EVPN attributes: ORIGIN IGP, empty AS_PATH, LOCAL_PREF 100,
 * RT 65000:vni and Encapsulation VXLAN, next hop its loopback. */
static struct nvo_bgp_attrs
pe_attrs(const struct bench *b, uint32_t i, uint32_t vni)
{
    struct nvo_bgp_attrs a;
    memset(&a, 0, sizeof a);
    a.present = (1u << NVO_BGP_ATTR_ORIGIN) | (1u << NVO_BGP_ATTR_AS_PATH)
                | (1u << NVO_BGP_ATTR_LOCAL_PREF)
                | (1u << NVO_BGP_ATTR_EXT_COMM);
    a.local_pref = 100;
    rt_of(vni, ec_buf[i]);
    nvo_bgp_ec_encap(ec_buf[i] + 8, 8);
    a.ext_comm = ec_buf[i];
    a.n_ext_comm = 2;
    a.mp_nh_len = 4;
    nvo_wr32(a.mp_nh, nvo_test_star_loop4(&b->s, i));
    return a;
}

/* MAC+IPv4 type-2 route k of PE slot i in 'vni': 39 bytes. */
static size_t
route2(const struct bench *b, uint32_t i, uint32_t k, uint32_t vni,
       uint8_t out[64])
{
    struct nvo_evpn_route r;
    memset(&r, 0, sizeof r);
    r.type = NVO_EVPN_MAC_IP;
    nvo_bgp_rd_type1(r.rd, nvo_test_star_loop4(&b->s, i), 1);
    uint8_t mac[6] = { 0x00, 0x50, 0x56, (uint8_t) i, (uint8_t) (k >> 8),
                       (uint8_t) k };
    memcpy(r.mac, mac, 6);
    r.ip_len = 32;
    nvo_wr32(r.ip, (10u << 24) | (200u << 16) | (i << 8) | (k & 0xff));
    r.n_labels = 1;
    r.label1 = vni;
    struct nvo_bgp_buf w = nvo_bgp_buf_init(out, 64);
    size_t n = nvo_evpn_route_encode(&w, &r);
    ck_assert_uint_eq(n, 39);
    return n;
}

static void
originate(struct bench *b, uint32_t i, uint32_t n, uint32_t vni)
{
    struct nvo_bgp_attrs a = pe_attrs(b, i, vni);
    for (uint32_t k = 0; k < n; k++) {
        uint8_t r[64];
        size_t len = route2(b, i, k, vni, r);
        ck_assert_int_eq(nvo_bgp_speaker_originate(b->s.spk[i],
                                                   NVO_BGP_AFI_L2VPN,
                                                   NVO_BGP_SAFI_EVPN, r, len,
                                                   &a), 0);
    }
}

static bool
has_route(const struct bench *b, uint32_t at, uint32_t i, uint32_t k,
          uint32_t vni)
{
    uint8_t r[64];
    size_t len = route2(b, i, k, vni, r);
    return nvo_bgp_speaker_best(b->s.spk[at], NVO_BGP_AFI_L2VPN,
                                NVO_BGP_SAFI_EVPN, r, len, NULL, NULL);
}

/* Sums over the messages sent by slot 'from' (-1: any) to slot 'to' (-1:
 * any) of AFI/SAFI: NLRI announced, withdrawn. */
static void
sum_routes(const struct bench *b, int from, int to, uint16_t afi,
           uint8_t safi, uint32_t *ann, uint32_t *wd)
{
    *ann = *wd = 0;
    for (guint i = 0; i < b->msgs->len; i++) {
        const struct mrec *r = &g_array_index(b->msgs, struct mrec, i);
        if (r->type != NVO_BGP_UPDATE || r->afi != afi || r->safi != safi
            || (from >= 0 && r->spk != b->s.idx[from])
            || (to >= 0 && r->peer != b->s.idx[to])) {
            continue;
        }
        *ann += r->n_reach;
        *wd += r->n_unreach;
    }
}

static uint32_t
evpn_in(const struct bench *b, uint32_t to)
{
    uint32_t a, w;
    sum_routes(b, -1, (int) to, NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN, &a, &w);
    return a;
}

/* The PEs (slots n_rr ..) with VNI 5000 + (PE number) % k, the PE number
 * being slot - n_rr + 1; each imports its VNI's RT and originates m
 * routes in it. */
static uint32_t
vni_of(const struct bench *b, uint32_t slot, uint32_t k)
{
    return VNI0 + (slot - b->s.n_rr + 1) % k;
}

static void
setup_pes(struct bench *b, uint32_t k)
{
    for (uint32_t i = b->s.n_rr; i < b->s.n; i++) {
        uint8_t rt[1][8];
        rt_of(vni_of(b, i, k), rt[0]);
        ck_assert_int_eq(nvo_bgp_speaker_set_import_rts(b->s.spk[i], rt, 1),
                         0);
    }
}

static void
originate_pes(struct bench *b, uint32_t k, uint32_t m)
{
    for (uint32_t i = b->s.n_rr; i < b->s.n; i++) {
        originate(b, i, m, vni_of(b, i, k));
    }
}

/* ---- One reflector ------------------------------------------------------ */

/* 6 PEs, k = 3 VNIs: PE1, PE4 in 5001; PE2, PE5 in 5002; PE3, PE6 in
 * 5000; m = 5 routes each.  With RT-constrain each PE receives the m
 * routes of the other PE of its VNI, none of the 4 others (Loc-RIB EVPN
 * 2m = 10), and k = 3 membership routes from the reflector (one per RT:
 * for its own the other PE's path, for the others one of their two); the
 * reflector's Adj-RIB-Out per PE: m EVPN + 3 RTC; its filtered count:
 * each of the 6m routes to the 4 PEs of other VNIs, 6 x 5 x 4 = 120;
 * nothing filtered at the PEs (each VNI has a second member).  Without
 * it each PE receives (N - 1) m = 25 routes (Loc-RIB 30), the reflector
 * sends 6 x 25 = 150.  With RT-constrain off at PE6 only, the reflector
 * (which must pass every route to PE6) originates the default RT
 * membership (length 0) to the others, so every PE sends it all: PE6 gets
 * all 25; the others their VNI partner's m as before (PE3 those of PE6),
 * k + 1 membership routes in their Loc-RIB (with the default) and from
 * the reflector k + 1 (PE3: k; its RT 5000 has no other member with
 * RT-constrain, so only the other 2 RTs and the default).  Filtered: of
 * each 5000 route (PE3's, PE6's) the 4 other RT-constrain PEs, of each
 * other route the 3 RT-constrain PEs of other VNIs: (4 + 4 + 4 x 3) x 5
 * = 100; sent 5 x 5 + 25 = 50. */
START_TEST(one_rr_disjoint_vnis)
{
    const uint32_t n = 6, k = 3, m = 5;
    for (int mode = 0; mode < 3; mode++) {
        struct bench b;
        bench_star(&b, 1, n, mode != 1, mode == 2 ? 1u << 6 : 0);
        setup_pes(&b, k);
        nvo_test_star_peer_rr(&b.s);
        nvo_engine_run(b.s.e, NVO_SEC);
        originate_pes(&b, k, m);
        nvo_engine_run(b.s.e, 2 * NVO_SEC);
        const struct nvo_bgp_counters *rc =
            nvo_bgp_speaker_counters(b.s.spk[0]);
        for (uint32_t i = 1; i <= n; i++) {
            bool plain = mode == 1 || (mode == 2 && i == 6);
            ck_assert(
                nvo_bgp_speaker_peer_rtc(b.s.spk[0], (uint32_t) b.s.idx[i])
                == !plain);
            ck_assert(
                nvo_bgp_speaker_peer_rtc(b.s.spk[i], (uint32_t) b.s.idx[0])
                == !plain);
            uint32_t want = plain ? (n - 1) * m : m;
            ck_assert_uint_eq(evpn_in(&b, i), want);
            ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                                  b.s.spk[i], NVO_BGP_AFI_L2VPN,
                                  NVO_BGP_SAFI_EVPN), want + m);
            ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                  b.s.spk[0], (uint32_t) b.s.idx[i],
                                  NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN),
                              want);
            ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                  b.s.spk[0], (uint32_t) b.s.idx[i],
                                  NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC),
                              plain ? 0 : mode == 0 ? k : i == 3 ? k : k + 1);
            ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                                  b.s.spk[i], NVO_BGP_AFI_IPV4,
                                  NVO_BGP_SAFI_RTC),
                              plain ? 0 : mode == 0 ? k : k + 1);
            ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[i])
                              ->routes_rt_filtered, 0);
            /* Exactly the routes of its VNI (all with RT-constrain off). */
            for (uint32_t j = 1; j <= n; j++) {
                bool same = vni_of(&b, j, k) == vni_of(&b, i, k);
                ck_assert(has_route(&b, i, j, m - 1, vni_of(&b, j, k))
                          == (same || plain));
            }
        }
        /* mode 0: 6 x 5 x 4 = 120 filtered, 6 x 5 sent; mode 2: 100
         * filtered, 50 sent (above). */
        uint64_t filt = mode == 0 ? 120 : mode == 1 ? 0 : 100;
        uint64_t out = mode == 0 ? 30 : mode == 1 ? 150 : 50;
        ck_assert_uint_eq(rc->routes_rt_filtered, filt);
        uint32_t ann, wd;
        sum_routes(&b, 0, -1, NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN, &ann,
                   &wd);
        ck_assert_uint_eq(ann, out);
        ck_assert_uint_eq(wd, 0);
        ck_assert_uint_eq(nvo_bgp_speaker_n_routes(b.s.spk[0],
                                                   NVO_BGP_AFI_L2VPN,
                                                   NVO_BGP_SAFI_EVPN), n * m);
        bench_free(&b);
    }
}
END_TEST

/* ---- Two reflectors ----------------------------------------------------- */

/* 2 reflectors (non-clients of each other, different cluster ids), 4
 * PEs clients of both, k = 2: PE1, PE3 in 5001; PE2, PE4 in 5000; m = 3.
 * Each PE receives its VNI partner's m routes from each reflector (2m =
 * 6 announcements, Loc-RIB 2m = 6) and none of the other VNI's.  Each
 * reflector sends a client's route to the one PE of its VNI and to the
 * other reflector (which has clients in every VNI): 4m x 2 = 24 out
 * (against 4 x 3 + 4 = 16 per route set without RT-constrain: 16m =
 * 48), Adj-RIB-Out per PE m EVPN + k = 2 RTC, to the other reflector 4m
 * = 12 EVPN + 2 RTC; filtered: each route to the 2 PEs of the other VNI,
 * 4m x 2 = 24 per reflector. */
START_TEST(two_rrs_disjoint_vnis)
{
    const uint32_t n = 4, k = 2, m = 3;
    for (int rtc = 1; rtc >= 0; rtc--) {
        struct bench b;
        bench_star(&b, 2, n, rtc, 0);
        setup_pes(&b, k);
        nvo_test_star_peer_rr(&b.s);
        nvo_engine_run(b.s.e, NVO_SEC);
        originate_pes(&b, k, m);
        nvo_engine_run(b.s.e, 2 * NVO_SEC);
        for (uint32_t i = 2; i < 2 + n; i++) {
            ck_assert_uint_eq(evpn_in(&b, i), rtc ? 2 * m : 2 * (n - 1) * m);
            ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                                  b.s.spk[i], NVO_BGP_AFI_L2VPN,
                                  NVO_BGP_SAFI_EVPN), rtc ? 2 * m : n * m);
            for (uint32_t j = 2; j < 2 + n; j++) {
                bool same = vni_of(&b, j, k) == vni_of(&b, i, k);
                ck_assert(has_route(&b, i, j, 0, vni_of(&b, j, k))
                          == (same || !rtc));
            }
            for (uint32_t r = 0; r < 2; r++) {
                ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                      b.s.spk[r], (uint32_t) b.s.idx[i],
                                      NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN),
                                  rtc ? m : (n - 1) * m);
                ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                      b.s.spk[r], (uint32_t) b.s.idx[i],
                                      NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC),
                                  rtc ? k : 0);
            }
        }
        for (uint32_t r = 0; r < 2; r++) {
            uint32_t other = 1 - r;
            ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                  b.s.spk[r], (uint32_t) b.s.idx[other],
                                  NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN),
                              n * m);
            ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                  b.s.spk[r], (uint32_t) b.s.idx[other],
                                  NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC),
                              rtc ? k : 0);
            uint32_t ann, wd;
            sum_routes(&b, (int) r, -1, NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN,
                       &ann, &wd);
            ck_assert_uint_eq(ann, rtc ? 2 * n * m : 16 * m);
            ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[r])
                              ->routes_rt_filtered, rtc ? 2 * n * m : 0);
        }
        bench_free(&b);
    }
}
END_TEST

/* ---- A full mesh -------------------------------------------------------- */


/* ---- Reflectors sending only the default RT membership ------------------ */

/* rtc_advertise_default at the reflectors, the topologies above.  One
 * reflector, 6 PEs, k = 3, m = 5: each PE still receives only its VNI
 * partner's m routes (Loc-RIB EVPN 2m = 10); from the reflector exactly
 * one membership route, the default (Adj-RIB-Out RTC 1 per PE, 6
 * announced in all, none withdrawn), so its Loc-RIB holds 2 (its own RT
 * and the default) instead of k = 3; the PEs send the reflector all
 * their routes (the default matches every RT) and filter none; the
 * reflector filters the same 6 x 5 x 4 = 120 and sends 30.  Two
 * reflectors, 4 PEs, k = 2, m = 3: each PE gets 2m = 6, each reflector
 * sends 24 EVPN routes and filters 24 as with the full memberships, and
 * its only membership route, the default, to its 4 PEs and the other
 * reflector: 5. */
START_TEST(rr_advertise_default)
{
    rr_default = true;
    {
        const uint32_t n = 6, k = 3, m = 5;
        struct bench b;
        bench_star(&b, 1, n, true, 0);
        setup_pes(&b, k);
        nvo_test_star_peer_rr(&b.s);
        nvo_engine_run(b.s.e, NVO_SEC);
        originate_pes(&b, k, m);
        nvo_engine_run(b.s.e, 2 * NVO_SEC);
        for (uint32_t i = 1; i <= n; i++) {
            ck_assert(
                nvo_bgp_speaker_peer_rtc(b.s.spk[0], (uint32_t) b.s.idx[i]));
            ck_assert_uint_eq(evpn_in(&b, i), m);
            ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                                  b.s.spk[i], NVO_BGP_AFI_L2VPN,
                                  NVO_BGP_SAFI_EVPN), 2 * m);
            ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                  b.s.spk[0], (uint32_t) b.s.idx[i],
                                  NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC), 1);
            ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                                  b.s.spk[i], NVO_BGP_AFI_IPV4,
                                  NVO_BGP_SAFI_RTC), 2);
            ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[i])
                              ->routes_rt_filtered, 0);
            for (uint32_t j = 1; j <= n; j++) {
                ck_assert(has_route(&b, i, j, m - 1, vni_of(&b, j, k))
                          == (vni_of(&b, j, k) == vni_of(&b, i, k)));
            }
        }
        uint32_t ann, wd;
        sum_routes(&b, 0, -1, NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC, &ann, &wd);
        ck_assert_uint_eq(ann, n);
        ck_assert_uint_eq(wd, 0);
        sum_routes(&b, 0, -1, NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN, &ann, &wd);
        ck_assert_uint_eq(ann, 30);
        ck_assert_uint_eq(wd, 0);
        ck_assert_uint_eq(
            nvo_bgp_speaker_counters(b.s.spk[0])->routes_rt_filtered, 120);
        bench_free(&b);
    }
    {
        const uint32_t n = 4, k = 2, m = 3;
        struct bench b;
        bench_star(&b, 2, n, true, 0);
        setup_pes(&b, k);
        nvo_test_star_peer_rr(&b.s);
        nvo_engine_run(b.s.e, NVO_SEC);
        originate_pes(&b, k, m);
        nvo_engine_run(b.s.e, 2 * NVO_SEC);
        for (uint32_t i = 2; i < 2 + n; i++) {
            ck_assert_uint_eq(evpn_in(&b, i), 2 * m);
            ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                                  b.s.spk[i], NVO_BGP_AFI_L2VPN,
                                  NVO_BGP_SAFI_EVPN), 2 * m);
        }
        for (int r = 0; r < 2; r++) {
            uint32_t ann, wd;
            sum_routes(&b, r, -1, NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN, &ann,
                       &wd);
            ck_assert_uint_eq(ann, 24);
            ck_assert_uint_eq(wd, 0);
            sum_routes(&b, r, -1, NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC, &ann,
                       &wd);
            ck_assert_uint_eq(ann, n + 1);
            ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[r])
                              ->routes_rt_filtered, 24);
        }
        bench_free(&b);
    }
    rr_default = false;
}
END_TEST

/* 3 PEs in a full mesh (no reflector), k = 2: PE1, PE3 in 5001, PE2 alone
 * in 5000; m = 4.  A PE passes only its own routes, each to the peers
 * whose membership (received directly) has its RT: PE1 and PE3 get each
 * other's 4, PE2 none; filtered: PE1's and PE3's routes to PE2 (4 each),
 * PE2's to both others (8).  Membership: each PE sends 1 route per peer
 * (its own), so its 1/132 Loc-RIB is its own plus the other RT: 2. */
START_TEST(full_mesh_pes)
{
    const uint32_t n = 3, k = 2, m = 4;
    struct bench b;
    bench_star(&b, 0, n, true, 0);
    setup_pes(&b, k);
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            if (i != j) {
                nvo_test_star_peer(&b.s, i, j, false);
            }
        }
    }
    nvo_engine_run(b.s.e, NVO_SEC);
    originate_pes(&b, k, m);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    static const uint32_t got[3] = { 4, 0, 4 }, filt[3] = { 4, 8, 4 };
    for (uint32_t i = 0; i < n; i++) {
        ck_assert_uint_eq(evpn_in(&b, i), got[i]);
        ck_assert_uint_eq(nvo_bgp_speaker_n_routes(b.s.spk[i],
                                                   NVO_BGP_AFI_L2VPN,
                                                   NVO_BGP_SAFI_EVPN),
                          got[i] + m);
        ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[i])
                          ->routes_rt_filtered, filt[i]);
        ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                              b.s.spk[i], NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC),
                          2);
        for (uint32_t j = 0; j < n; j++) {
            if (j != i) {
                ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                                      b.s.spk[i], (uint32_t) b.s.idx[j],
                                      NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC),
                                  1);
            }
        }
    }
    ck_assert(has_route(&b, 0, 2, m - 1, 5001));
    ck_assert(!has_route(&b, 1, 0, 0, 5001));
    bench_free(&b);
}
END_TEST

/* ---- Membership changes ------------------------------------------------- */

/* 1 reflector, 4 PEs, k = 2 (PE1, PE3 in 5001; PE2, PE4 in 5000), m = 4.
 * At 2 s PE1 adds RT 65000:5000: it receives the 2m = 8 routes of PE2 and
 * PE4 (Loc-RIB EVPN 2m -> 4m); at 3 s it removes it: 8 withdrawals, the
 * reflector's filtered count + 8 (those routes again kept from PE1), its
 * Adj-RIB-Out to PE1 back to m.  The RT list replaced with the same RTs
 * sends nothing. */
START_TEST(membership_change)
{
    const uint32_t n = 4, k = 2, m = 4;
    struct bench b;
    bench_star(&b, 1, n, true, 0);
    setup_pes(&b, k);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    originate_pes(&b, k, m);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    const struct nvo_bgp_counters *rc = nvo_bgp_speaker_counters(b.s.spk[0]);
    /* 4m routes, each kept from the 2 PEs of the other VNI. */
    ck_assert_uint_eq(rc->routes_rt_filtered, 2 * n * m);
    ck_assert_uint_eq(evpn_in(&b, 1), m);
    uint8_t rts[2][8];
    rt_of(5001, rts[0]);
    rt_of(5000, rts[1]);
    ck_assert_uint_eq(nvo_bgp_speaker_n_import_rts(b.s.spk[1]), 1);
    ck_assert_int_eq(nvo_bgp_speaker_add_import_rt(b.s.spk[1], rts[0]),
                     EEXIST);
    ck_assert_int_eq(nvo_bgp_speaker_remove_import_rt(b.s.spk[1], rts[1]),
                     ENOENT);
    ck_assert_int_eq(nvo_bgp_speaker_set_import_rts(b.s.spk[1], rts, 2), 0);
    ck_assert_uint_eq(nvo_bgp_speaker_n_import_rts(b.s.spk[1]), 2);
    nvo_engine_run(b.s.e, 3 * NVO_SEC);
    ck_assert_uint_eq(evpn_in(&b, 1), 3 * m);
    ck_assert_uint_eq(nvo_bgp_speaker_n_routes(b.s.spk[1], NVO_BGP_AFI_L2VPN,
                                               NVO_BGP_SAFI_EVPN), 4 * m);
    ck_assert(has_route(&b, 1, 2, 0, 5000) && has_route(&b, 1, 4, m - 1,
                                                        5000));
    ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                          b.s.spk[0], (uint32_t) b.s.idx[1], NVO_BGP_AFI_L2VPN,
                          NVO_BGP_SAFI_EVPN), 3 * m);
    ck_assert_uint_eq(rc->routes_rt_filtered, 2 * n * m);
    guint mark = b.msgs->len;
    /* The same list again: nothing. */
    ck_assert_int_eq(nvo_bgp_speaker_set_import_rts(b.s.spk[1], rts, 2), 0);
    nvo_engine_run(b.s.e, 3 * NVO_SEC + 500 * NVO_MS);
    ck_assert_uint_eq(b.msgs->len, mark);

    ck_assert_int_eq(nvo_bgp_speaker_remove_import_rt(b.s.spk[1], rts[1]), 0);
    nvo_engine_run(b.s.e, 4 * NVO_SEC);
    uint32_t ann, wd;
    sum_routes(&b, 0, 1, NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN, &ann, &wd);
    ck_assert_uint_eq(ann, 3 * m);
    ck_assert_uint_eq(wd, 2 * m);
    ck_assert_uint_eq(nvo_bgp_speaker_n_routes(b.s.spk[1], NVO_BGP_AFI_L2VPN,
                                               NVO_BGP_SAFI_EVPN), 2 * m);
    ck_assert(!has_route(&b, 1, 2, 0, 5000));
    ck_assert(has_route(&b, 1, 3, 0, 5001));
    ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                          b.s.spk[0], (uint32_t) b.s.idx[1], NVO_BGP_AFI_L2VPN,
                          NVO_BGP_SAFI_EVPN), m);
    ck_assert_uint_eq(rc->routes_rt_filtered, 2 * n * m + 2 * m);
    /* The other PEs saw nothing of it in EVPN. */
    for (uint32_t i = 2; i <= n; i++) {
        ck_assert_uint_eq(evpn_in(&b, i), m);
    }
    bench_free(&b);
}
END_TEST

/* 1 reflector, 2 PEs in different VNIs (PE1 5001, PE2 5000), m = 3.
 * Neither RT has a second member: the reflector sends each PE only the
 * other's membership route (its own is never sent back), so each PE
 * keeps its 3 routes (3 filtered at each PE, none reach the reflector,
 * nothing filtered there).  When PE2 adds 5001, the reflector passes that
 * membership to PE1, which then sends its 3 routes (evaluated again: not
 * filtered), and the reflector reflects them to PE2: 3 received. */
START_TEST(lonely_rt)
{
    const uint32_t m = 3;
    struct bench b;
    bench_star(&b, 1, 2, true, 0);
    setup_pes(&b, 2);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    originate_pes(&b, 2, m);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    for (uint32_t i = 1; i <= 2; i++) {
        ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[i])
                          ->routes_rt_filtered, m);
        ck_assert_uint_eq(nvo_bgp_speaker_peer_adj_out_af(
                              b.s.spk[0], (uint32_t) b.s.idx[i],
                              NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC), 1);
    }
    ck_assert_uint_eq(evpn_in(&b, 0), 0);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->routes_rt_filtered,
                      0);
    uint8_t rt[8];
    rt_of(5001, rt);
    ck_assert_int_eq(nvo_bgp_speaker_add_import_rt(b.s.spk[2], rt), 0);
    nvo_engine_run(b.s.e, 3 * NVO_SEC);
    ck_assert_uint_eq(evpn_in(&b, 0), m);
    ck_assert_uint_eq(evpn_in(&b, 2), m);
    ck_assert_uint_eq(evpn_in(&b, 1), 0);
    ck_assert(has_route(&b, 2, 1, m - 1, 5001));
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[1])->routes_rt_filtered,
                      m);
    ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->routes_rt_filtered,
                      0);
    bench_free(&b);
}
END_TEST

/* ---- End-of-RIB order --------------------------------------------------- */

/* RFC 4684 6: on every session with RT-constrain each side sends its RT
 * membership routes and the 1/132 End-of-RIB before any VPN route and
 * before the 25/70 End-of-RIB: per direction exactly 2 End-of-RIB, 1/132
 * first.  Routes originated before the sessions come up (m = 2 at each
 * of 2 PEs in one VNI) still reach the other PE after the membership:
 * PE1's first EVPN UPDATE to the reflector follows the reflector's 1/132
 * End-of-RIB to PE1. */
START_TEST(eor_order)
{
    struct bench b;
    bench_star(&b, 1, 2, true, 0);
    for (uint32_t i = 1; i <= 2; i++) {
        uint8_t rt[1][8];
        rt_of(5000, rt[0]);
        ck_assert_int_eq(nvo_bgp_speaker_set_import_rts(b.s.spk[i], rt, 1), 0);
        originate(&b, i, 2, 5000);
    }
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    for (uint32_t x = 0; x <= 2; x++) {
        for (uint32_t y = 0; y <= 2; y++) {
            if ((x == 0) == (y == 0)) {
                continue;
            }
            int state = 0;      /* 0: no 1/132 EoR yet, 1: it, 2: VPN EoR */
            nvo_time_t t_rtc_eor_in = -1;
            for (guint i = 0; i < b.msgs->len; i++) {
                const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
                if (r->spk == b.s.idx[y] && r->peer == b.s.idx[x] && r->eor
                    && r->safi == NVO_BGP_SAFI_RTC && t_rtc_eor_in < 0) {
                    t_rtc_eor_in = r->t;
                }
                if (r->spk != b.s.idx[x] || r->peer != b.s.idx[y]
                    || r->type != NVO_BGP_UPDATE) {
                    continue;
                }
                if (r->eor) {
                    ck_assert_int_eq(state, r->safi == NVO_BGP_SAFI_RTC ? 0
                                                                        : 1);
                    state++;
                } else if (r->afi == NVO_BGP_AFI_L2VPN) {
                    ck_assert_int_ge(state, 1);
                    /* Not before the peer's 1/132 End-of-RIB was sent. */
                    ck_assert_int_ge(t_rtc_eor_in, 0);
                    ck_assert_int_ge(r->t, t_rtc_eor_in);
                }
                /* RT membership routes may follow at any time (others'
                 * memberships reflected later). */
            }
            ck_assert_int_eq(state, 2);
        }
    }
    for (uint32_t i = 1; i <= 2; i++) {
        ck_assert_uint_eq(nvo_bgp_speaker_peer_counters(b.s.spk[0],
                                                        (uint32_t) b.s.idx[i])
                          ->eor_out, 2);
        ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[i])->eor_in, 2);
        ck_assert_uint_eq(nvo_bgp_speaker_n_routes(b.s.spk[i],
                                                   NVO_BGP_AFI_L2VPN,
                                                   NVO_BGP_SAFI_EVPN), 4);
    }
    bench_free(&b);
}
END_TEST

/* ---- UPDATE sizes ------------------------------------------------------- */

static uint32_t
update_lens(const struct bench *b, int from, int to, uint8_t safi,
            size_t *len, uint32_t max)
{
    uint32_t n = 0;
    for (guint i = 0; i < b->msgs->len; i++) {
        const struct mrec *r = &g_array_index(b->msgs, struct mrec, i);
        if (r->type != NVO_BGP_UPDATE || r->eor || r->safi != safi
            || r->spk != b->s.idx[from] || r->peer != b->s.idx[to]) {
            continue;
        }
        if (n < max) {
            len[n] = r->len;
        }
        n++;
    }
    return n;
}

/* RT membership routes are 13 bytes (length 96 + origin AS 4 + RT 8).  A
 * PE's UPDATE of k of them: 23 + ORIGIN 4 + AS_PATH 3 + LOCAL_PREF 7 +
 * MP_REACH (3 + AFI 2 + SAFI 1 + NH length 1 + NH 4 + reserved 1 + 13k)
 * = 49 + 13k while MP_REACH's value 9 + 13k <= 255 (k <= 18), 50 + 13k
 * with its 2-byte length: 18 RTs in 283 bytes, 19 in 297; at 4096 bytes
 * floor((4096 - 50) / 13) = 311 fit: 312 RTs go as 4093 + 62.  Reflected
 * (ORIGINATOR_ID 7 and CLUSTER_LIST 7 more): 64 + 13k, floor((4096 - 64)
 * / 13) = 310 in 4094 bytes; the reflector flushes after the PE's first
 * UPDATE (310 + 1: 4094, 76), then the second's 1 (76).  Withdrawing all
 * 312: 23 + MP_UNREACH (4 + 3 + 13k) = 30 + 13k: one UPDATE of 4086
 * bytes each hop.  The OPEN with MP 1/132: 45 + 6 = 51 bytes. */
START_TEST(rtc_update_sizes)
{
    static const uint32_t counts[] = { 18, 19, 312 };
    for (size_t c = 0; c < NVO_ARRAY_SIZE(counts); c++) {
        uint32_t n = counts[c];
        struct bench b;
        bench_star(&b, 1, 2, true, 0);
        nvo_test_star_peer_rr(&b.s);
        nvo_engine_run(b.s.e, NVO_SEC);
        for (guint i = 0; i < b.msgs->len; i++) {
            const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
            if (r->type == NVO_BGP_OPEN) {
                ck_assert_uint_eq(r->len, 51);
            }
        }
        uint8_t (*rts)[8] = g_malloc(n * sizeof *rts);
        for (uint32_t i = 0; i < n; i++) {
            rt_of(10000 + i, rts[i]);
        }
        ck_assert_int_eq(nvo_bgp_speaker_set_import_rts(b.s.spk[1],
                                                        (const uint8_t (*)[8])
                                                            rts, n), 0);
        nvo_engine_run(b.s.e, 2 * NVO_SEC);
        size_t len[8];
        uint32_t k = update_lens(&b, 1, 0, NVO_BGP_SAFI_RTC, len, 8);
        if (n == 18) {
            ck_assert_uint_eq(k, 1);
            ck_assert_uint_eq(len[0], 283);
        } else if (n == 19) {
            ck_assert_uint_eq(k, 1);
            ck_assert_uint_eq(len[0], 297);
        } else {
            ck_assert_uint_eq(k, 2);
            ck_assert_uint_eq(len[0], 4093);
            ck_assert_uint_eq(len[1], 62);
            k = update_lens(&b, 0, 2, NVO_BGP_SAFI_RTC, len, 8);
            ck_assert_uint_eq(k, 3);
            ck_assert_uint_eq(len[0], 4094);
            ck_assert_uint_eq(len[1], 76);
            ck_assert_uint_eq(len[2], 76);
        }
        ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                              b.s.spk[2], NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC),
                          n);
        /* Nothing goes back to PE1: it originated them all. */
        ck_assert_uint_eq(update_lens(&b, 0, 1, NVO_BGP_SAFI_RTC, len, 8), 0);
        ck_assert_int_eq(nvo_bgp_speaker_set_import_rts(b.s.spk[1], NULL, 0),
                         0);
        nvo_engine_run(b.s.e, 3 * NVO_SEC);
        if (n == 312) {
            guint last = b.msgs->len;
            uint32_t w = 0;
            for (guint i = 0; i < last; i++) {
                const struct mrec *r = &g_array_index(b.msgs, struct mrec, i);
                if (r->type == NVO_BGP_UPDATE && r->n_unreach) {
                    ck_assert_uint_eq(r->len, 4086);
                    ck_assert_uint_eq(r->n_unreach, 312);
                    w++;
                }
            }
            ck_assert_uint_eq(w, 2);    /* PE1 -> RR, RR -> PE2 */
        }
        ck_assert_uint_eq(nvo_bgp_speaker_n_routes(
                              b.s.spk[2], NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC),
                          0);
        ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[0]), 0);
        /* The membership tables and RIBs are empty again. */
        for (uint32_t i = 0; i < 3; i++) {
            ck_assert_uint_eq(nvo_bgp_speaker_mem_bytes(b.s.spk[i]), 0);
        }
        g_free(rts);
        bench_free(&b);
    }
}
END_TEST

/* ---- The NLRI codec ----------------------------------------------------- */

/* Lengths 0 (1 byte), 32 (5), 40 (6: the RT's first byte), 96 (13); 31,
 * 97 and a truncated one refused; prefix matching on the RT bits. */
START_TEST(nlri_codec)
{
    ck_assert_uint_eq(nvo_rtc_nlri_size(0), 1);
    ck_assert_uint_eq(nvo_rtc_nlri_size(32), 5);
    ck_assert_uint_eq(nvo_rtc_nlri_size(41), 7);
    ck_assert_uint_eq(nvo_rtc_nlri_size(96), 13);
    ck_assert_uint_eq(nvo_rtc_nlri_size(31), 0);
    ck_assert_uint_eq(nvo_rtc_nlri_size(97), 0);
    struct nvo_rtc_nlri n = { .plen = 96, .origin_as = 65000 };
    nvo_bgp_ec_rt(n.rt, 65000, 5001);
    uint8_t buf[32];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(buf, sizeof buf);
    ck_assert_uint_eq(nvo_rtc_nlri_encode(&w, &n), 13);
    static const uint8_t want[13] = { 96, 0, 0, 0xfd, 0xe8, 0x00, 0x02,
                                      0xfd, 0xe8, 0, 0, 0x13, 0x89 };
    ck_assert_mem_eq(buf, want, 13);
    struct nvo_rd r = nvo_rd_init(buf, 13);
    struct nvo_rtc_nlri d;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_rtc_nlri_decode(&r, buf, &d, &e), 0);
    ck_assert_uint_eq(d.plen, 96);
    ck_assert_uint_eq(d.origin_as, 65000);
    ck_assert_mem_eq(d.rt, n.rt, 8);
    uint8_t other[8];
    nvo_bgp_ec_rt(other, 65000, 5002);
    ck_assert(nvo_rtc_nlri_match(&d, n.rt));
    ck_assert(!nvo_rtc_nlri_match(&d, other));
    /* Length 80: the first 6 RT bytes (type, sub-type, AS, 2 high bytes of
     * the number): 5001 and 5002 both match. */
    n.plen = 80;
    w = nvo_bgp_buf_init(buf, sizeof buf);
    ck_assert_uint_eq(nvo_rtc_nlri_encode(&w, &n), 11);
    r = nvo_rd_init(buf, 11);
    ck_assert_int_eq(nvo_rtc_nlri_decode(&r, buf, &d, &e), 0);
    ck_assert(nvo_rtc_nlri_match(&d, other));
    n.plen = 0;
    w = nvo_bgp_buf_init(buf, sizeof buf);
    ck_assert_uint_eq(nvo_rtc_nlri_encode(&w, &n), 1);
    ck_assert_uint_eq(buf[0], 0);
    /* Refused: 31 bits; 96 bits in 12 bytes. */
    buf[0] = 31;
    r = nvo_rd_init(buf, 5);
    ck_assert_int_eq(nvo_rtc_nlri_decode(&r, buf, &d, &e), EBADMSG);
    ck_assert_uint_eq(e.code, NVO_BGP_ERR_UPDATE);
    ck_assert_uint_eq(e.subcode, NVO_BGP_UPD_OPTIONAL_ATTR);
    memcpy(buf, want, 13);
    r = nvo_rd_init(buf, 12);
    ck_assert_int_eq(nvo_rtc_nlri_decode(&r, buf, &d, &e), EBADMSG);
}
END_TEST

/* ---- A fake peer -------------------------------------------------------- */

struct fake {
    struct nvo_tcp_conn *conn;
    GByteArray *rx;
    int step;
    const uint8_t *msg;         /* sent once Established */
    size_t msg_len;
};

static void
fake_recv(void *ctx, struct nvo_tcp_conn *c, const uint8_t *d, size_t len)
{
    struct fake *f = ctx;
    (void) c;
    g_byte_array_append(f->rx, d, (guint) len);
    uint8_t m[256];
    /* The speaker's OPEN: 51 bytes (MP 25/70 and 1/132). */
    if (f->step == 0 && f->rx->len >= 51) {
        struct nvo_bgp_open o;
        memset(&o, 0, sizeof o);
        o.version = 4;
        o.as = 65000;
        o.hold_time = 180;
        o.bgp_id = 0x0a0a0a0a;
        o.n_mp = 2;
        o.mp[0] = (struct nvo_bgp_afi_safi) { 25, 70 };
        o.mp[1] = (struct nvo_bgp_afi_safi) { 1, 132 };
        o.route_refresh = o.as4 = true;
        struct nvo_bgp_buf w = nvo_bgp_buf_init(m, sizeof m);
        ck_assert_int_eq(nvo_tcp_send(f->conn, m,
                                      nvo_bgp_open_encode(&w, &o)), 0);
        w = nvo_bgp_buf_init(m, sizeof m);
        ck_assert_int_eq(nvo_tcp_send(f->conn, m,
                                      nvo_bgp_keepalive_encode(&w)), 0);
        f->step = 1;
    } else if (f->step == 1 && f->rx->len >= 51 + 19 + 29) {
        ck_assert_int_eq(nvo_tcp_send(f->conn, f->msg, f->msg_len), 0);
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

/* A reflector and a fake client that negotiates 1/132.  The reflector
 * sends OPEN (51), KEEPALIVE (19) and its 1/132 End-of-RIB (29), and holds
 * its 25/70 End-of-RIB until the client's 1/132 End-of-RIB: with it, 29
 * more bytes (128 in all, the last an End-of-RIB of AFI 25 SAFI 70).  An
 * RT membership NLRI of 31 bits (47-byte UPDATE: 23 + ORIGIN 4 + AS_PATH
 * 3 + MP_REACH 3 + 2 + 1 + 1 + 4 + 1 + 5) is refused with NOTIFICATION
 * 3/9 carrying the 17-byte MP_REACH attribute: 21 + 17 = 38 bytes after
 * the 99. */
START_TEST(fake_peer_eor_and_malformed)
{
    static const uint8_t eor[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 29, 2, 0x00, 0x00, 0x00, 6,
        0x80, 15, 3, 0x00, 0x01, 132,
    };
    static const uint8_t bad[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 47, 2, 0x00, 0x00, 0x00, 24,
        0x40, 1, 1, 0, 0x40, 2, 0,
        0x80, 14, 14, 0x00, 0x01, 132, 4, 10, 10, 10, 10, 0,
        31, 0, 0, 0xfd, 0xe8,
    };
    for (int v = 0; v < 2; v++) {
        struct bench b;
        bench_star(&b, 1, 1, true, 0);
        nvo_bgp_speaker_destroy(b.s.spk[1]);
        b.s.spk[1] = NULL;
        struct fake f = { .rx = g_byte_array_new() };
        f.msg = v == 0 ? eor : bad;
        f.msg_len = v == 0 ? sizeof eor : sizeof bad;
        ck_assert_int_eq(nvo_tcp_listen(b.s.st[1], 179, fake_accept, &f), 0);
        nvo_test_star_peer(&b.s, 0, 1, true);
        nvo_engine_run(b.s.e, NVO_SEC);
        ck_assert_int_eq(f.step, 2);
        const uint8_t *x = f.rx->data + 51 + 19;
        ck_assert_uint_eq(x[18], NVO_BGP_UPDATE);
        ck_assert_uint_eq(nvo_rd16(x + 26), 1);        /* 1/132 EoR */
        ck_assert_uint_eq(x[28], 132);
        if (v == 0) {
            ck_assert_uint_eq(f.rx->len, 51 + 19 + 29 + 29);
            x += 29;
            ck_assert_uint_eq(nvo_rd16(x + 16), 29);
            ck_assert_uint_eq(nvo_rd16(x + 26), 25);
            ck_assert_uint_eq(x[28], 70);
            ck_assert(nvo_bgp_speaker_peer_rtc(b.s.spk[0],
                                               (uint32_t) b.s.idx[1]));
            ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->eor_in, 1);
            ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])->eor_out,
                              2);
        } else {
            ck_assert_uint_eq(f.rx->len, 51 + 19 + 29 + 38);
            x += 29;
            ck_assert_uint_eq(x[18], NVO_BGP_NOTIFICATION);
            ck_assert_uint_eq(x[19], NVO_BGP_ERR_UPDATE);
            ck_assert_uint_eq(x[20], NVO_BGP_UPD_OPTIONAL_ATTR);
            ck_assert_mem_eq(x + 21, bad + 30, 17);
            ck_assert_uint_eq(nvo_bgp_speaker_counters(b.s.spk[0])
                              ->malformed_in, 1);
            ck_assert_uint_eq(nvo_bgp_speaker_loc_rib_size(b.s.spk[0]), 0);
        }
        g_byte_array_free(f.rx, TRUE);
        bench_free(&b);
    }
}
END_TEST

/* ---- tshark ------------------------------------------------------------- */

/* The one-reflector bench of 4 PEs, k = 2, m = 2, captured on the
 * reflector's link: no malformed packet or error; the OPENs (8) carry MP
 * 1/132 (AFI 1 and SAFI 132 in each); the RT membership NLRI decode with
 * origin AS 65000 and the route targets 65000:5000 / 65000:5001: each PE
 * sends 1 to the reflector, the reflector 2 to each PE (k = 2), 4 + 8 =
 * 12 in all; the EVPN routes: 4 x 2 = 8 in, 8 out (each to the one
 * partner PE), 16 MACs. */
START_TEST(pcap_tshark)
{
    nvo_test_require_tshark();
    struct bench b;
    bench_star(&b, 1, 4, true, 0);
    char *dir = nvo_test_tmpdir("bgprtc");
    char *path = g_strdup_printf("%s/rr.pcap", dir);
    struct nvo_pcap_out *po;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
    nvo_pcap_out_attach(po, &nvo_net_node(b.s.net, (uint32_t) b.s.idx[0])
                                 ->ports[0]);
    setup_pes(&b, 2);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    originate_pes(&b, 2, 2);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);

    char *cmd = g_strdup_printf(
        "tshark -r '%s' -Y '_ws.malformed || _ws.expert.severity >= error' "
        "-T fields -e frame.number 2>/dev/null", path);
    char *got = nvo_test_cmd_out(cmd);
    ck_assert_str_eq(got, "");
    g_free(got);
    g_free(cmd);

    cmd = g_strdup_printf("tshark -r '%s' -Y 'bgp.type == 1' -T fields "
                          "-e bgp.cap.mp.afi -e bgp.cap.mp.safi 2>/dev/null",
                          path);
    got = nvo_test_cmd_out(cmd);
    ck_assert_uint_eq(nvo_test_count_substr(got, "25,1\t70,132\n"), 8);
    g_free(got);
    g_free(cmd);

    cmd = g_strdup_printf("tshark -r '%s' -Y bgp -T fields "
                          "-e " RTC_AS_FIELD " 2>/dev/null | tr ',' '\\n' | "
                          "grep -c 65000", path);
    got = nvo_test_cmd_out(cmd);
    ck_assert_str_eq(got, "12\n");
    g_free(got);
    g_free(cmd);

    cmd = g_strdup_printf("tshark -r '%s' -Y bgp -T fields "
                          "-e " RTC_RT_FIELD " 2>/dev/null | tr ',' '\\n' | "
                          "sort | uniq -c", path);
    got = nvo_test_cmd_out(cmd);
    ck_assert_msg(strstr(got, "      6 65000:5000\n")
                  && strstr(got, "      6 65000:5001\n"), "RTs:\n%s", got);
    g_free(got);
    g_free(cmd);

    cmd = g_strdup_printf("tshark -r '%s' -Y bgp -T fields "
                          "-e bgp.evpn.nlri.mac_addr 2>/dev/null", path);
    got = nvo_test_cmd_out(cmd);
    ck_assert_uint_eq(nvo_test_count_substr(got, "00:50:56:"), 16);
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
    bench_star(&b, 2, 5, true, 1u << 6);
    setup_pes(&b, 3);
    nvo_test_star_peer_rr(&b.s);
    nvo_engine_run(b.s.e, NVO_SEC);
    originate_pes(&b, 3, 7);
    nvo_engine_run(b.s.e, 2 * NVO_SEC);
    uint8_t rt[8];
    rt_of(5000, rt);
    ck_assert_int_eq(nvo_bgp_speaker_add_import_rt(b.s.spk[2], rt), 0);
    nvo_engine_run(b.s.e, 3 * NVO_SEC);
    ck_assert_int_eq(nvo_bgp_speaker_remove_import_rt(b.s.spk[2], rt), 0);
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
        h = (h ^ c->routes_rt_filtered) * 1099511628211ull;
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

static Suite *
bgp_rtc_suite(void)
{
    Suite *s = suite_create("bgp_rtc");
    TCase *tc = tcase_create("bgp_rtc");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, nlri_codec);
    tcase_add_test(tc, one_rr_disjoint_vnis);
    tcase_add_test(tc, two_rrs_disjoint_vnis);
    tcase_add_test(tc, rr_advertise_default);
    tcase_add_test(tc, full_mesh_pes);
    tcase_add_test(tc, membership_change);
    tcase_add_test(tc, lonely_rt);
    tcase_add_test(tc, eor_order);
    tcase_add_test(tc, rtc_update_sizes);
    tcase_add_test(tc, fake_peer_eor_and_malformed);
    tcase_add_test(tc, pcap_tshark);
    tcase_add_test(tc, deterministic);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(bgp_rtc_suite());
}
