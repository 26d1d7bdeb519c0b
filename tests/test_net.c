/* test_net.c: the underlay (net.c): equal-cost next hops in 3- and
 * 5-stage Clos fabrics against their arithmetic, forwarding with TTL and
 * MACs, polarization with one fabric-wide ECMP seed and its removal with
 * per-switch seeds, failure and reconvergence with the loss counted, and
 * frame conservation. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fabric/net.h"
#include "core/stats.h"
#include "testfabric.h"
#include "testutil.h"
#include "traffic/traffic.h"
#include "wire/wire.h"

struct fab {
    struct nvo_engine *e;
    struct nvo_net *net;
    int spine[16], leaf[64], hv[64][8], super[16];
    uint32_t n_spines, n_leaves, hpl, n_supers;
    uint64_t delivered;
    uint64_t bad_csum;          /* delivered IPv4 frames with a bad checksum */
    int last_ttl;
};

static void
count_local(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    struct fab *f = ctx;
    (void) n;
    f->delivered++;
    /* Every router on the way decremented the TTL and fixed the IPv4
     * header checksum incrementally (RFC 1624): it must still verify. */
    const uint8_t *ip = p->data + 14;
    f->bad_csum += !nvo_ipv4_csum_ok(ip, 20);
    f->last_ttl = ip[8];
    nvo_pkt_free(p);
}

static void
fab_init(struct fab *f, enum nvo_seed_mode mode, enum nvo_hash_fn fn)
{
    memset(f, 0, sizeof *f);
    struct nvo_net_cfg cfg;
    nvo_test_net_cfg(&cfg);
    cfg.ecmp.fn = fn;
    cfg.seed_mode = mode;
    cfg.fabric_seed = 99;
    f->net = nvo_test_net(&cfg, &f->e);
}

static void
fab_link(struct fab *f, int a, int b)
{
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    ck_assert_int_eq(nvo_net_add_link(f->net, (uint32_t) a, (uint32_t) b, &l), 0);
}

static int
fab_node(struct fab *f, const char *fmt, int i, int j, enum nvo_role r)
{
    char name[64];
    snprintf(name, sizeof name, fmt, i, j);
    int idx = nvo_net_add_node(f->net, name, r);
    ck_assert_int_ge(idx, 0);
    return idx;
}

/* A leaf-spine with 'hpl' hypervisors per leaf, each on one leaf or, if
 * 'dual', on two (leaf 2k and 2k+1). */
static void
leaf_spine(struct fab *f, uint32_t s, uint32_t l, uint32_t hpl, bool dual)
{
    f->n_spines = s;
    f->n_leaves = l;
    f->hpl = hpl;
    for (uint32_t i = 0; i < s; i++) {
        f->spine[i] = fab_node(f, "spine%d", (int) i + 1, 0, NVO_ROLE_SPINE);
    }
    for (uint32_t i = 0; i < l; i++) {
        f->leaf[i] = fab_node(f, "leaf%d", (int) i + 1, 0, NVO_ROLE_LEAF);
        for (uint32_t j = 0; j < s; j++) {
            fab_link(f, f->leaf[i], f->spine[j]);
        }
    }
    for (uint32_t i = 0; i < l; i++) {
        for (uint32_t h = 0; h < hpl; h++) {
            if (dual && i % 2) {
                f->hv[i][h] = f->hv[i - 1][h];
                fab_link(f, f->hv[i][h], f->leaf[i]);
                continue;
            }
            f->hv[i][h] = fab_node(f, "hv%d-%d", (int) i + 1, (int) h + 1,
                                   NVO_ROLE_HYPERVISOR);
            fab_link(f, f->hv[i][h], f->leaf[i]);
        }
    }
}

static void
fab_finalize(struct fab *f)
{
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        struct nvo_node *n = nvo_net_node(f->net, i);
        if (n->role == NVO_ROLE_HYPERVISOR) {
            ck_assert_int_eq(nvo_node_bind_udp(n, 7000, count_local, f), 0);
        }
    }
}

static void
fab_destroy(struct fab *f)
{
    nvo_net_destroy(f->net);
    nvo_engine_destroy(f->e);
}

/* Sends one UDP frame from node a to node b. */
static void
send_udp(struct fab *f, int a, int b, uint16_t sport, uint64_t flow)
{
    struct nvo_node *src = nvo_net_node(f->net, (uint32_t) a);
    struct nvo_node *dst = nvo_net_node(f->net, (uint32_t) b);
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    memcpy(s.src_mac, src->mac, 6);
    s.src_ip4 = src->addr4;
    s.dst_ip4 = dst->addr4;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = sport;
    s.dport = 7000;
    p->payload_size = 100;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    p->flow_id = flow;
    nvo_node_send(src, p);
}

static void
check_conservation(struct fab *f)
{
    uint64_t drops = nvo_net_drops(f->net, NULL, NULL);
    uint64_t in_flight = nvo_net_in_flight(f->net);
    ck_assert_uint_eq(f->net->n_generated, f->delivered + drops + in_flight);
}

START_TEST(leaf_spine_routes)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&f, 4, 16, 2, false);
    fab_finalize(&f);
    ck_assert_uint_eq(nvo_net_n_nodes(f.net), 4 + 16 + 32);
    ck_assert_uint_eq(f.net->links->len, 4 * 16 + 32);
    for (uint32_t i = 0; i < 16; i++) {
        struct nvo_node *leaf = nvo_net_node(f.net, (uint32_t) f.leaf[i]);
        for (uint32_t j = 0; j < 16; j++) {
            /* Leaf to another leaf (or its hypervisors): one next hop per
             * spine.  To its own hypervisors: one. */
            uint32_t want = i == j ? 1 : 4;
            ck_assert_uint_eq(nvo_node_n_next_hops(leaf, (uint32_t) f.hv[j][0]),
                              want);
            if (i != j) {
                ck_assert_uint_eq(nvo_node_n_next_hops(leaf, (uint32_t) f.leaf[j]), 4);
            }
        }
    }
    /* A spine reaches each leaf directly; a hypervisor has one uplink. */
    struct nvo_node *sp = nvo_net_node(f.net, (uint32_t) f.spine[0]);
    ck_assert_uint_eq(nvo_node_n_next_hops(sp, (uint32_t) f.hv[5][1]), 1);
    ck_assert_int_eq(nvo_net_hops(f.net, (uint32_t) f.hv[0][0], (uint32_t) f.hv[5][1]), 4);
    ck_assert_int_eq(nvo_net_hops(f.net, (uint32_t) f.hv[0][0], (uint32_t) f.hv[0][1]), 2);
    /* Hypervisors carry no transit: a leaf never routes via one. */
    struct nvo_node *hv = nvo_net_node(f.net, (uint32_t) f.hv[0][0]);
    ck_assert_uint_eq(nvo_node_n_next_hops(hv, (uint32_t) f.hv[3][0]), 1);
    /* Addresses map back to nodes. */
    ck_assert_int_eq(nvo_net_addr4_node(f.net, hv->addr4), f.hv[0][0]);
    ck_assert_int_eq(nvo_net_addr6_node(f.net, hv->addr6), f.hv[0][0]);
    ck_assert_int_eq(nvo_net_addr4_node(f.net, 0x0b000001), -1);
    fab_destroy(&f);
}
END_TEST

/* Five stages: pods of 'sp' spines and 'lp' leaves; super-spine plane k
 * (of 'per' super-spines) connects spine k of every pod. */
static void
five_stage(struct fab *f, uint32_t pods, uint32_t sp, uint32_t lp,
           uint32_t per)
{
    f->n_supers = sp * per;
    for (uint32_t k = 0; k < sp * per; k++) {
        f->super[k] = fab_node(f, "super%d", (int) k + 1, 0,
                               NVO_ROLE_SUPER_SPINE);
    }
    f->n_spines = pods * sp;
    f->n_leaves = pods * lp;
    f->hpl = 1;
    for (uint32_t p = 0; p < pods; p++) {
        for (uint32_t s = 0; s < sp; s++) {
            int idx = fab_node(f, "spine%d-%d", (int) p + 1, (int) s + 1,
                               NVO_ROLE_SPINE);
            f->spine[p * sp + s] = idx;
            for (uint32_t k = 0; k < per; k++) {
                fab_link(f, idx, f->super[s * per + k]);
            }
        }
        for (uint32_t l = 0; l < lp; l++) {
            int idx = fab_node(f, "leaf%d-%d", (int) p + 1, (int) l + 1,
                               NVO_ROLE_LEAF);
            f->leaf[p * lp + l] = idx;
            for (uint32_t s = 0; s < sp; s++) {
                fab_link(f, idx, f->spine[p * sp + s]);
            }
            f->hv[p * lp + l][0] = fab_node(f, "hv%d-%d", (int) p + 1,
                                            (int) l + 1, NVO_ROLE_HYPERVISOR);
            fab_link(f, f->hv[p * lp + l][0], idx);
        }
    }
}

START_TEST(five_stage_routes)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    five_stage(&f, 2, 4, 4, 2);     /* 2 pods, 4 spines, 4 leaves, 8 supers */
    fab_finalize(&f);
    uint32_t far = (uint32_t) f.hv[4][0];      /* a host in pod 2 */
    struct nvo_node *leaf = nvo_net_node(f.net, (uint32_t) f.leaf[0]);
    struct nvo_node *spine = nvo_net_node(f.net, (uint32_t) f.spine[0]);
    struct nvo_node *super = nvo_net_node(f.net, (uint32_t) f.super[0]);
    ck_assert_uint_eq(nvo_node_n_next_hops(leaf, far), 4);     /* spines */
    ck_assert_uint_eq(nvo_node_n_next_hops(spine, far), 2);    /* its plane */
    ck_assert_uint_eq(nvo_node_n_next_hops(super, far), 1);    /* pod 2's spine */
    ck_assert_int_eq(nvo_net_hops(f.net, (uint32_t) f.hv[0][0], far), 6);
    /* Inside a pod the spines are the top: 4 paths of 4 hops. */
    ck_assert_uint_eq(nvo_node_n_next_hops(leaf, (uint32_t) f.hv[1][0]), 4);
    ck_assert_int_eq(nvo_net_hops(f.net, (uint32_t) f.hv[0][0], (uint32_t) f.hv[1][0]), 4);
    fab_destroy(&f);
}
END_TEST

START_TEST(forwarding)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&f, 2, 2, 1, false);
    fab_finalize(&f);
    /* Capture what reaches hv2-1 to check TTL and MACs. */
    send_udp(&f, f.hv[0][0], f.hv[1][0], 1234, 1);
    nvo_engine_run(f.e, NVO_TIME_MAX);
    ck_assert_uint_eq(f.delivered, 1);
    /* Three routers: leaf, spine, leaf. */
    ck_assert_int_eq(f.last_ttl, 64 - 3);
    ck_assert_uint_eq(f.bad_csum, 0);
    struct nvo_node *l1 = nvo_net_node(f.net, (uint32_t) f.leaf[0]);
    struct nvo_node *l2 = nvo_net_node(f.net, (uint32_t) f.leaf[1]);
    ck_assert_uint_eq(l1->n_forwarded + l2->n_forwarded, 2);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* The per-switch flow record follows nvo_net_cfg.flow_stats: on, each of
 * 64 one-frame flows counts once on the leaf uplink it took (so each
 * uplink's distinct flows equal its frames, 64 in all); sending every flow
 * again counts nothing new.  Off (the default), nothing is recorded, no
 * table is allocated, and the frames take the same ports. */
START_TEST(flow_stats)
{
    uint64_t frames[2][2];
    for (int on = 0; on < 2; on++) {
        struct fab f;
        fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
        f.net->cfg.flow_stats = on;
        leaf_spine(&f, 2, 2, 1, false);
        fab_finalize(&f);
        for (int round = 0; round < 2; round++) {
            for (uint16_t k = 0; k < 64; k++) {
                send_udp(&f, f.hv[0][0], f.hv[1][0], (uint16_t) (1000 + k),
                         k + 1u);
            }
            nvo_engine_run(f.e, NVO_TIME_MAX);
        }
        ck_assert_uint_eq(f.delivered, 128);
        struct nvo_node *l1 = nvo_net_node(f.net, (uint32_t) f.leaf[0]);
        ck_assert(l1->flows_on == (bool) on);
        uint64_t sum = 0;
        for (uint32_t p = 0; p < 2; p++) {   /* ports 0, 1: the spines */
            ck_assert_uint_eq(l1->peer[p], (uint32_t) f.spine[p]);
            frames[on][p] = l1->ports[p].st.tx_frames[NVO_TC_DATA];
            sum += l1->port_flows[p];
            ck_assert_uint_eq(l1->port_flows[p], on ? frames[on][p] / 2 : 0);
        }
        ck_assert_uint_eq(sum, on ? 64 : 0);
        ck_assert_uint_eq(l1->flows.n, on ? 64 : 0);
        ck_assert_uint_eq(l1->flows.mask, on ? 1023 : 0);
        check_conservation(&f);
        fab_destroy(&f);
    }
    ck_assert_uint_eq(frames[0][0], frames[1][0]);
    ck_assert_uint_eq(frames[0][1], frames[1][1]);
    ck_assert_uint_eq(frames[0][0] + frames[0][1], 128);
    ck_assert_uint_gt(frames[0][0], 0);
    ck_assert_uint_gt(frames[0][1], 0);
}
END_TEST

/* Frames per uplink of each leaf toward the spines, for 'n_flows' flows
 * from every hypervisor to a random one on another leaf. */
static double
uplink_jain(struct fab *f, uint32_t n_flows, double *min_share)
{
    struct nvo_rng rng;
    nvo_rng_init(&rng, 3, 1, "flows");
    uint32_t hosts[64];
    uint32_t n_hosts = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        if (nvo_net_node(f->net, i)->role == NVO_ROLE_HYPERVISOR) {
            hosts[n_hosts++] = i;
        }
    }
    for (uint32_t k = 0; k < n_flows; k++) {
        uint32_t a = hosts[nvo_rng_below(&rng, n_hosts)];
        uint32_t b = hosts[nvo_rng_below(&rng, n_hosts)];
        if (a == b) {
            continue;
        }
        send_udp(f, (int) a, (int) b,
                 (uint16_t) (49152 + nvo_rng_below(&rng, 16384)), k + 1);
        nvo_engine_run(f->e, nvo_engine_now(f->e) + 2 * NVO_US);
    }
    nvo_engine_run(f->e, NVO_TIME_MAX);
    check_conservation(f);
    ck_assert_uint_eq(f->bad_csum, 0);
    /* Jain's index over all leaf->spine (up) ports, by frames. */
    double x[1024];
    uint32_t n = 0;
    double total = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        struct nvo_node *node = nvo_net_node(f->net, i);
        int tier = nvo_role_tier(node->role);
        if (tier == 0) {
            continue;
        }
        for (uint32_t p = 0; p < node->n_ports; p++) {
            if (nvo_role_tier(nvo_net_node(f->net, node->peer[p])->role) > tier) {
                x[n] = (double) node->ports[p].st.tx_frames[NVO_TC_DATA];
                total += x[n++];
            }
        }
    }
    struct nvo_balance b;
    nvo_balance(x, n, &b);
    *min_share = b.min / (total / n);
    return b.jain;
}

/* Jain's index of the up-links of a 4-pod five-stage fabric (4 spines per
 * pod, 4 super-spines per plane) with the given hash and seed mode. */
static double
five_stage_jain(enum nvo_seed_mode mode, enum nvo_hash_fn fn,
                double *min_share)
{
    struct fab f;
    fab_init(&f, mode, fn);
    five_stage(&f, 4, 4, 4, 4);
    fab_finalize(&f);
    double jain = uplink_jain(&f, 4000, min_share);
    fab_destroy(&f);
    if (getenv("NVO_DEBUG")) {
        fprintf(stderr, "%s %s: jain %.3f min share %.3f\n",
                mode == NVO_SEED_FABRIC ? "fabric" : "per-switch",
                nvo_hash_fn_name(fn), jain, *min_share);
    }
    return jain;
}

START_TEST(polarization)
{
    /* With one fabric-wide seed, a spine receives only flows whose hash
     * is j mod 4 and sends them all to super-spine j mod 4 of its plane:
     * three of its four uplinks carry nothing. */
    double min_share;
    for (int fn = 0; fn < NVO_HASH_RANDOM; fn++) {
        double jain = five_stage_jain(NVO_SEED_FABRIC, (enum nvo_hash_fn) fn,
                                      &min_share);
        ck_assert_double_eq_tol(min_share, 0, 1e-9);
        ck_assert_double_lt(jain, 0.75);
    }
    /* A seed per switch removes it for hashes whose seed changes the
     * function (Toeplitz: the key; Jenkins: the initial state)... */
    ck_assert_double_gt(five_stage_jain(NVO_SEED_PER_SWITCH, NVO_HASH_TOEPLITZ,
                                        &min_share), 0.95);
    ck_assert_double_gt(min_share, 0.5);
    ck_assert_double_gt(five_stage_jain(NVO_SEED_PER_SWITCH, NVO_HASH_JENKINS,
                                        &min_share), 0.95);
    ck_assert_double_gt(min_share, 0.5);
    /* ...but not for CRCs and XOR-fold, where a seed only XORs a constant
     * into the hash of equal-length keys: (h ^ c) mod 4 = (h mod 4) ^
     * (c mod 4), the same partition relabelled.  Uplinks stay unused. */
    for (int fn = NVO_HASH_CRC32; fn <= NVO_HASH_XOR_FOLD; fn++) {
        if (fn == NVO_HASH_TOEPLITZ) {
            continue;
        }
        double jain = five_stage_jain(NVO_SEED_PER_SWITCH,
                                      (enum nvo_hash_fn) fn, &min_share);
        ck_assert_double_eq_tol(min_share, 0, 1e-9);
        ck_assert_double_lt(jain, 0.9);
    }
    /* Per-packet spraying balances regardless. */
    ck_assert_double_gt(five_stage_jain(NVO_SEED_FABRIC, NVO_HASH_RANDOM,
                                        &min_share), 0.95);
}
END_TEST

START_TEST(dual_homed_polarization)
{
    /* Dual-homed hypervisors hash over 2 leaves, leaves over 4 spines: with
     * one seed the leaf that gets the even hashes uses only the even
     * spines. */
    struct fab f;
    double min_share;
    fab_init(&f, NVO_SEED_FABRIC, NVO_HASH_TOEPLITZ);
    leaf_spine(&f, 4, 8, 4, true);
    fab_finalize(&f);
    ck_assert_uint_eq(nvo_node_n_next_hops(nvo_net_node(f.net, (uint32_t) f.hv[0][0]),
                                           (uint32_t) f.hv[2][0]), 2);
    double jain_fabric = uplink_jain(&f, 4000, &min_share);
    ck_assert_double_lt(min_share, 0.01);
    fab_destroy(&f);
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_TOEPLITZ);
    leaf_spine(&f, 4, 8, 4, true);
    fab_finalize(&f);
    double jain_switch = uplink_jain(&f, 4000, &min_share);
    ck_assert_double_gt(min_share, 0.5);
    fab_destroy(&f);
    ck_assert_double_lt(jain_fabric, 0.8);
    ck_assert_double_gt(jain_switch, 0.95);
}
END_TEST

/* Failure: hypervisor hv1-1 sends a frame every 100 ns to hv2-1 over 4
 * spines; spine1 dies at 100 us; routes converge 50 us later. */
struct fail {
    struct fab f;
    uint32_t sent;
};

static void
tick(void *arg)
{
    struct fail *x = arg;
    send_udp(&x->f, x->f.hv[0][0], x->f.hv[1][0],
             (uint16_t) (10000 + x->sent % 1000), x->sent % 1000 + 1);
    if (++x->sent < 3000) {
        nvo_engine_schedule(x->f.e, 100 * NVO_NS, tick, x);
    }
}

static void
kill_spine(void *arg)
{
    struct fail *x = arg;
    nvo_net_set_node_up(x->f.net, (uint32_t) x->f.spine[0], false);
}

START_TEST(spine_failure)
{
    static struct fail x;
    memset(&x, 0, sizeof x);
    fab_init(&x.f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&x.f, 4, 2, 1, false);
    fab_finalize(&x.f);
    nvo_engine_schedule(x.f.e, 0, tick, &x);
    nvo_engine_schedule(x.f.e, 100 * NVO_US, kill_spine, &x);
    nvo_engine_run(x.f.e, NVO_TIME_MAX);
    check_conservation(&x.f);
    uint64_t port_drops[NVO_DROP_N], node_drops[NVO_NODE_DROP_N];
    uint64_t drops = nvo_net_drops(x.f.net, port_drops, node_drops);
    ck_assert_uint_gt(drops, 0);
    ck_assert_uint_eq(drops, port_drops[NVO_DROP_LINK_DOWN]
                             + node_drops[NVO_NODE_DROP_NODE_DOWN]);
    /* Loss is bounded by the convergence window: about a quarter of the
     * 500 frames sent in those 50 us hash onto the dead spine, plus what
     * was on its links. */
    ck_assert_uint_lt(drops, 200);
    ck_assert_uint_eq(x.f.delivered + drops, 3000);
    /* After convergence the leaf has 3 next hops, and frames sent then
     * all arrive: none of the last 1000 was lost. */
    struct nvo_node *leaf = nvo_net_node(x.f.net, (uint32_t) x.f.leaf[0]);
    ck_assert_uint_eq(nvo_node_n_next_hops(leaf, (uint32_t) x.f.hv[1][0]), 3);
    ck_assert_uint_eq(x.f.net->n_route_computations, 2);
    ck_assert_int_eq(x.f.net->last_convergence, 150 * NVO_US);
    struct nvo_node *dead = nvo_net_node(x.f.net, (uint32_t) x.f.spine[0]);
    /* The dead spine forwarded nothing after 100 us: about a quarter of
     * the 1000 frames before. */
    ck_assert_uint_lt(dead->n_forwarded, 400);
    fab_destroy(&x.f);
}
END_TEST

START_TEST(build_errors)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    int a = nvo_net_add_node(f.net, "a", NVO_ROLE_LEAF);
    ck_assert_int_eq(nvo_net_add_node(f.net, "a", NVO_ROLE_SPINE), -1);
    ck_assert_int_eq(errno, EEXIST);
    int b = nvo_net_add_node(f.net, "b", NVO_ROLE_SPINE);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    ck_assert_int_eq(nvo_net_add_link(f.net, (uint32_t) a, (uint32_t) a, &l), EINVAL);
    ck_assert_int_eq(nvo_net_add_link(f.net, (uint32_t) a, (uint32_t) b, &l), 0);
    ck_assert_int_eq(nvo_net_add_link(f.net, (uint32_t) b, (uint32_t) a, &l), EEXIST);
    ck_assert_int_eq(nvo_net_add_link(f.net, (uint32_t) a, 7, &l), EINVAL);
    l.rate_bps = 0;
    int c = nvo_net_add_node(f.net, "c", NVO_ROLE_SPINE);
    ck_assert_int_eq(nvo_net_add_link(f.net, (uint32_t) a, (uint32_t) c, &l), 0);
    ck_assert_int_eq(nvo_net_finalize(f.net), EINVAL);   /* zero rate */
    fab_destroy(&f);
}
END_TEST

/* Duplicate links are found through a hash of the node pair: on a
 * 9 x 20000 fabric (180,000 links; the scan it replaced took 106 s here)
 * every link is found either way round, every duplicate is refused, and
 * a net that was never finalized is destroyed cleanly. */
START_TEST(link_index)
{
    enum { SPINES = 9, LEAVES = 20000 };
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    char name[32];
    for (int i = 0; i < SPINES + LEAVES; i++) {
        snprintf(name, sizeof name, "n%d", i);
        ck_assert_int_eq(nvo_net_add_node(f.net, name, i < SPINES
                                          ? NVO_ROLE_SPINE : NVO_ROLE_LEAF),
                         i);
    }
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    for (uint32_t i = 0; i < LEAVES; i++) {
        for (uint32_t j = 0; j < SPINES; j++) {
            ck_assert_int_eq(nvo_net_add_link(f.net, SPINES + i, j, &l), 0);
        }
    }
    ck_assert_uint_eq(f.net->links->len, SPINES * LEAVES);
    for (uint32_t i = 0; i < LEAVES; i++) {
        for (uint32_t j = 0; j < SPINES; j++) {
            int want = (int) (i * SPINES + j);
            ck_assert_int_eq(nvo_net_find_link(f.net, SPINES + i, j), want);
            ck_assert_int_eq(nvo_net_find_link(f.net, j, SPINES + i), want);
            ck_assert_int_eq(nvo_net_add_link(f.net, j, SPINES + i, &l),
                             EEXIST);
        }
    }
    /* Pairs without a link. */
    ck_assert_int_eq(nvo_net_find_link(f.net, 0, 1), -1);
    ck_assert_int_eq(nvo_net_find_link(f.net, SPINES, SPINES + 1), -1);
    ck_assert_int_eq(nvo_net_find_link(f.net, 3, 3), -1);
    ck_assert_uint_eq(f.net->links->len, SPINES * LEAVES);
    ck_assert_uint_eq(nvo_net_node(f.net, 0)->n_ports, LEAVES);
    ck_assert_uint_eq(nvo_net_node(f.net, SPINES)->n_ports, SPINES);
    fab_destroy(&f);
}
END_TEST

static void
noop(void *arg)
{
    (void) arg;
}

/* A link delay of 2^63 ps - 1 (the largest time the files take, 9223372s)
 * added to a frame's departure after 1 ms saturates at NVO_TIME_MAX (never)
 * instead of wrapping to a time in the past. */
START_TEST(huge_delay)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    int a = fab_node(&f, "hv%d-%d", 1, 1, NVO_ROLE_HYPERVISOR);
    int l = fab_node(&f, "leaf%d", 1, 0, NVO_ROLE_LEAF);
    int b = fab_node(&f, "hv%d-%d", 1, 2, NVO_ROLE_HYPERVISOR);
    struct nvo_link_cfg c;
    nvo_link_cfg_default(&c);
    c.delay = 9223372 * NVO_SEC;
    ck_assert_int_eq(nvo_net_add_link(f.net, (uint32_t) a, (uint32_t) l,
                                      &c), 0);
    ck_assert_int_eq(nvo_net_add_link(f.net, (uint32_t) l, (uint32_t) b,
                                      &c), 0);
    fab_finalize(&f);
    nvo_engine_schedule_at(f.e, NVO_MS, noop, NULL);
    nvo_engine_run(f.e, NVO_MS);
    send_udp(&f, a, b, 1000, 1);
    nvo_engine_run(f.e, 2 * NVO_MS);
    ck_assert_uint_eq(f.delivered, 0);
    ck_assert_uint_eq(nvo_net_in_flight(f.net), 1);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* Arrival gaps and flow sizes too large for a time or a count: a rate of
 * 1e-8 flows/s (a mean gap of 1e20 ps, beyond 2^63) gives no arrival
 * before the stop time instead of one at -2^63 ps; exponential sizes with
 * a mean of 2^53 bytes saturate at NVO_FLOW_SIZE_MAX instead of an
 * undefined cast. */
START_TEST(traffic_out_of_range)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&f, 1, 2, 1, false);
    fab_finalize(&f);
    struct nvo_traffic_cfg c[2];
    memset(c, 0, sizeof c);
    for (int i = 0; i < 2; i++) {
        c[i].name = i ? "huge" : "rare";
        c[i].pattern = NVO_PATTERN_PERMUTATION;
        c[i].incast_target = -1;
        c[i].size_dist = NVO_SIZE_EXPONENTIAL;
        c[i].pkt_dist = NVO_PKTSIZE_FIXED;
        c[i].pkt_size = 1500;
        c[i].proto = 17;
        c[i].dport = 5001;
        c[i].start = 0;
        c[i].stop = NVO_MS;
    }
    c[0].size_bytes = 1000;
    c[0].flows_per_sec = 1e-8;
    c[1].size_bytes = 0x1p53;
    c[1].flows_per_sec = 1e6;
    c[1].max_flows = 50;
    c[1].start = 2 * NVO_MS;            /* after the first run */
    c[1].stop = 3 * NVO_MS;
    struct nvo_traffic *tr = nvo_traffic_create(f.net, &c[0], 1);
    ck_assert_ptr_nonnull(tr);
    nvo_engine_run(f.e, 2 * NVO_MS);
    struct nvo_traffic_stats st;
    nvo_traffic_get_stats(tr, &st);
    ck_assert_uint_eq(st.flows_started, 0);
    ck_assert_uint_eq(st.pkts_sent, 0);
    nvo_traffic_destroy(tr);

    tr = nvo_traffic_create(f.net, &c[1], 1);
    ck_assert_ptr_nonnull(tr);
    nvo_engine_run(f.e, 4 * NVO_MS);
    nvo_traffic_get_stats(tr, &st);
    /* Two senders, 50 flows each, 1e6 flows/s: all start within the 1 ms
     * they may; at 10 Gb/s none of them (2^53 bytes on average)
     * completes. */
    ck_assert_uint_eq(st.flows_started, 100);
    ck_assert_uint_eq(st.flows_completed, 0);
    ck_assert_uint_gt(st.pkts_sent, 1000);
    nvo_traffic_destroy(tr);
    fab_destroy(&f);
}
END_TEST
/* ---- Routes by destination group (routes.c) ----------------------------- */

/* The next hops of node v toward node d by the definition the groups must
 * reproduce: breadth-first from d over up nodes and usable links, only d
 * and switches relaying; every usable port toward a node one hop closer
 * that is d or a switch.  Ports into 'out', ascending; returns the count. */
static uint32_t
ref_next_hops(const struct nvo_net *net, uint32_t v, uint32_t d,
              uint16_t *out)
{
    uint32_t n = nvo_net_n_nodes(net);
    int32_t *dist = g_new(int32_t, n);
    uint32_t *queue = g_new(uint32_t, n);
    for (uint32_t i = 0; i < n; i++) {
        dist[i] = -1;
    }
    uint32_t head = 0, tail = 0;
    if (nvo_net_node(net, d)->up) {
        dist[d] = 0;
        queue[tail++] = d;
    }
    while (head < tail) {
        uint32_t u = queue[head++];
        const struct nvo_node *un = nvo_net_node(net, u);
        if (u != d && un->role == NVO_ROLE_HYPERVISOR) {
            continue;
        }
        for (uint32_t p = 0; p < un->n_ports; p++) {
            uint32_t w = un->peer[p];
            if (dist[w] < 0 && nvo_net_link(net, un->link[p])->link.up
                && nvo_net_node(net, w)->up) {
                dist[w] = dist[u] + 1;
                queue[tail++] = w;
            }
        }
    }
    uint32_t k = 0;
    const struct nvo_node *vn = nvo_net_node(net, v);
    if (dist[v] > 0 && vn->up) {
        for (uint32_t p = 0; p < vn->n_ports; p++) {
            uint32_t u = vn->peer[p];
            if (dist[u] == dist[v] - 1
                && nvo_net_link(net, vn->link[p])->link.up
                && nvo_net_node(net, u)->up
                && (u == d || nvo_net_node(net, u)->role
                              != NVO_ROLE_HYPERVISOR)) {
                out[k++] = (uint16_t) p;
            }
        }
    }
    g_free(dist);
    g_free(queue);
    return k;
}

/* Every node's next hops toward every node, as one byte string: for each
 * pair the count, then the ports. */
static GByteArray *
fib_snapshot(const struct nvo_net *net)
{
    GByteArray *b = g_byte_array_new();
    uint32_t n = nvo_net_n_nodes(net);
    for (uint32_t v = 0; v < n; v++) {
        for (uint32_t d = 0; d < n; d++) {
            const uint16_t *nh;
            uint32_t k = nvo_net_next_hops(nvo_net_node(net, v), d, &nh);
            g_byte_array_append(b, (const guint8 *) &k, sizeof k);
            g_byte_array_append(b, (const guint8 *) nh,
                                (guint) (k * sizeof *nh));
        }
    }
    return b;
}

/* The FIB equals the per-destination definition, pair by pair. */
static void
check_against_reference(const struct nvo_net *net)
{
    uint32_t n = nvo_net_n_nodes(net);
    uint16_t ref[64];
    for (uint32_t v = 0; v < n; v++) {
        for (uint32_t d = 0; d < n; d++) {
            const uint16_t *nh;
            uint32_t k = nvo_net_next_hops(nvo_net_node(net, v), d, &nh);
            uint32_t kr = ref_next_hops(net, v, d, ref);
            if (k != kr || memcmp(nh, ref, k * sizeof *nh)) {
                ck_abort_msg("next hops of %s toward %s: %u, reference %u",
                             nvo_net_node(net, v)->name,
                             nvo_net_node(net, d)->name, k, kr);
            }
        }
    }
}

/* Updates the routes incrementally, then checks them against the
 * reference and, every other call, against a full computation (which
 * then replaces them; in between, updates build on updates). */
static void
check_update(struct nvo_net *net)
{
    static unsigned calls;
    nvo_net_update_routes(net);
    ck_assert(!net->rt.last_full);
    check_against_reference(net);
    if (calls++ % 2) {
        return;
    }
    GByteArray *inc = fib_snapshot(net);
    uint32_t searched = net->rt.last_groups_searched;
    uint32_t patched = net->rt.last_groups_patched;
    nvo_net_compute_routes(net);
    GByteArray *full = fib_snapshot(net);
    ck_assert_uint_eq(inc->len, full->len);
    ck_assert(!memcmp(inc->data, full->data, inc->len));
    g_byte_array_free(inc, TRUE);
    g_byte_array_free(full, TRUE);
    net->rt.last_groups_searched = searched;
    net->rt.last_groups_patched = patched;
}

static uint32_t
n_live_groups(const struct nvo_net *net)
{
    uint32_t k = 0;
    for (uint32_t g = 0; g < net->rt.n_groups; g++) {
        k += net->rt.groups[g].key != NULL;
    }
    return k;
}

START_TEST(group_routes_leaf_spine)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&f, 4, 8, 3, false);
    fab_finalize(&f);
    check_against_reference(f.net);
    /* 12 switches, each its own group; single-homed hosts share their
     * leaf's. */
    ck_assert_uint_eq(n_live_groups(f.net), 12);
    ck_assert_uint_eq(f.net->rt.node_group[f.hv[5][2]],
                      f.net->rt.node_group[f.leaf[5]]);
    struct nvo_node *leaf = nvo_net_node(f.net, (uint32_t) f.leaf[0]);
    const uint16_t *nh;
    /* Toward a remote leaf's group: every spine, ports 0..3 (the leaf's
     * links to the spines come first). */
    ck_assert_uint_eq(nvo_net_next_hops(leaf, (uint32_t) f.hv[5][2], &nh), 4);
    for (uint16_t i = 0; i < 4; i++) {
        ck_assert_uint_eq(nh[i], i);
    }
    /* Its own host: the access port (4 + host). */
    ck_assert_uint_eq(nvo_net_next_hops(leaf, (uint32_t) f.hv[0][2], &nh), 1);
    ck_assert_uint_eq(nh[0], 6);
    /* A spine: one port, the leaf's; a host: its one uplink. */
    struct nvo_node *sp = nvo_net_node(f.net, (uint32_t) f.spine[2]);
    ck_assert_uint_eq(nvo_net_next_hops(sp, (uint32_t) f.hv[5][1], &nh), 1);
    ck_assert_uint_eq(nh[0], 5);
    ck_assert_uint_eq(nvo_node_n_next_hops(nvo_net_node(f.net, (uint32_t) f.hv[1][0]),
                                           (uint32_t) f.spine[3]), 1);
    /* The leaf stores each distinct set once: none, source, all spines,
     * and one per spine (toward the spines' own groups). */
    ck_assert_uint_eq(leaf->n_nhs, 2 + 1 + 4);
    ck_assert_uint_eq(leaf->pool_len, 4 + 4);
    fab_destroy(&f);
}
END_TEST

START_TEST(group_routes_dual_homed)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&f, 4, 8, 2, true);  /* hosts on leaves (1,2), (3,4), .. */
    fab_finalize(&f);
    check_against_reference(f.net);
    /* 12 switch groups and 4 leaf pairs. */
    ck_assert_uint_eq(n_live_groups(f.net), 16);
    uint32_t g = f.net->rt.node_group[f.hv[2][0]];
    ck_assert_uint_eq(f.net->rt.groups[g].key[0], 2);
    ck_assert_uint_eq(f.net->rt.groups[g].key[1], (uint32_t) f.leaf[2]);
    ck_assert_uint_eq(f.net->rt.groups[g].key[2], (uint32_t) f.leaf[3]);
    ck_assert_uint_eq(g, f.net->rt.node_group[f.hv[2][1]]);
    const uint16_t *nh;
    struct nvo_node *leaf = nvo_net_node(f.net, (uint32_t) f.leaf[0]);
    ck_assert_uint_eq(nvo_net_next_hops(leaf, (uint32_t) f.hv[2][0], &nh), 4);
    /* A dual-homed host: both uplinks toward a remote pair, and toward
     * its neighbour on the same pair; one toward a leaf it hangs off. */
    struct nvo_node *hv = nvo_net_node(f.net, (uint32_t) f.hv[0][0]);
    ck_assert_uint_eq(nvo_net_next_hops(hv, (uint32_t) f.hv[2][0], &nh), 2);
    ck_assert_uint_eq(nh[0], 0);
    ck_assert_uint_eq(nh[1], 1);
    ck_assert_uint_eq(nvo_node_n_next_hops(hv, (uint32_t) f.hv[0][1]), 2);
    ck_assert_uint_eq(nvo_net_next_hops(hv, (uint32_t) f.leaf[1], &nh), 1);
    ck_assert_uint_eq(nh[0], 1);
    ck_assert_int_eq(nvo_net_hops(f.net, (uint32_t) f.hv[0][0], (uint32_t) f.hv[0][1]), 2);
    ck_assert_int_eq(nvo_net_hops(f.net, (uint32_t) f.hv[0][0], (uint32_t) f.hv[2][1]), 4);
    fab_destroy(&f);
}
END_TEST

START_TEST(group_routes_five_stage)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    five_stage(&f, 3, 2, 3, 2);     /* 3 pods, 2 spines, 3 leaves, 4 supers */
    fab_finalize(&f);
    check_against_reference(f.net);
    ck_assert_uint_eq(n_live_groups(f.net), 4 + 6 + 9);
    struct nvo_node *leaf = nvo_net_node(f.net, (uint32_t) f.leaf[0]);
    struct nvo_node *spine = nvo_net_node(f.net, (uint32_t) f.spine[0]);
    struct nvo_node *super = nvo_net_node(f.net, (uint32_t) f.super[0]);
    uint32_t far = (uint32_t) f.hv[7][0];       /* pod 3 */
    /* Leaf: its pod's 2 spines; spine: the 2 supers of its plane; super:
     * the far pod's spine of its plane. */
    ck_assert_uint_eq(nvo_node_n_next_hops(leaf, far), 2);
    ck_assert_uint_eq(nvo_node_n_next_hops(spine, far), 2);
    ck_assert_uint_eq(nvo_node_n_next_hops(super, far), 1);
    /* Spine to the other spine of its pod: through the pod's 3 leaves. */
    ck_assert_uint_eq(nvo_node_n_next_hops(spine, (uint32_t) f.spine[1]), 3);
    /* Super to a super of the same plane: through every pod's spine of
     * the plane (3); of the other plane: 4 hops away via a spine-leaf-
     * spine detour, through the 3 pod spines of its plane. */
    ck_assert_uint_eq(nvo_node_n_next_hops(super, (uint32_t) f.super[1]), 3);
    ck_assert_uint_eq(nvo_node_n_next_hops(super, (uint32_t) f.super[2]), 3);
    ck_assert_int_eq(nvo_net_hops(f.net, (uint32_t) f.super[0], (uint32_t) f.super[2]), 4);
    fab_destroy(&f);
}
END_TEST

START_TEST(group_routes_incremental)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&f, 4, 8, 2, true);
    fab_finalize(&f);
    struct nvo_net *net = f.net;
    uint32_t n_groups = n_live_groups(net);
    /* A spine fails: only its own group is searched again. */
    nvo_net_set_node_up(net, (uint32_t) f.spine[1], false);
    check_update(net);
    ck_assert_uint_eq(net->rt.last_groups_searched, 1);
    /* A leaf-spine link fails, then a second spine. */
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) f.leaf[3],
                                                          (uint32_t) f.spine[0]), false);
    check_update(net);
    /* Searched: spine 1's group (leaf 4 lost its one next hop, and is 3
     * hops away now) and leaf 4's (spine 1 likewise); the other groups
     * only lose a port at leaf 4 or spine 1. */
    ck_assert_uint_eq(net->rt.last_groups_searched, 2);
    ck_assert_uint_eq(net->rt.last_groups_patched, n_groups - 2);
    nvo_net_set_node_up(net, (uint32_t) f.spine[2], false);
    check_update(net);
    /* A dual-homed host loses one access link: it moves to a group of
     * its own (one leaf), which is searched; then a leaf fails. */
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) f.hv[4][0],
                                                          (uint32_t) f.leaf[4]), false);
    check_update(net);
    ck_assert_uint_eq(net->rt.node_group[f.hv[4][0]], net->rt.node_group[f.leaf[5]]);
    nvo_net_set_node_up(net, (uint32_t) f.leaf[6], false);
    check_update(net);
    /* Leaf 4's link to spine 1 goes: leaf 4 can reach only through spine
     * 4 now; then spine 4 goes too, cutting leaf 4 off (a group's
     * distances change: searched again). */
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) f.leaf[3],
                                                          (uint32_t) f.spine[3]), false);
    check_update(net);
    ck_assert_uint_gt(net->rt.last_groups_searched, 0);
    /* A host goes down, and everything comes back in another order. */
    nvo_net_set_node_up(net, (uint32_t) f.hv[0][1], false);
    check_update(net);
    nvo_net_set_node_up(net, (uint32_t) f.spine[2], true);
    check_update(net);
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) f.leaf[3],
                                                          (uint32_t) f.spine[0]), true);
    check_update(net);
    nvo_net_set_node_up(net, (uint32_t) f.leaf[6], true);
    nvo_net_set_node_up(net, (uint32_t) f.hv[0][1], true);
    check_update(net);
    nvo_net_set_node_up(net, (uint32_t) f.spine[1], true);
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) f.hv[4][0],
                                                          (uint32_t) f.leaf[4]), true);
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) f.leaf[3],
                                                          (uint32_t) f.spine[3]), true);
    check_update(net);
    /* Back to the start: the groups that single-link states made are
     * gone again. */
    ck_assert_uint_eq(n_live_groups(net), n_groups);
    fab_destroy(&f);

    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    five_stage(&f, 3, 2, 3, 2);
    fab_finalize(&f);
    net = f.net;
    nvo_net_set_node_up(net, (uint32_t) f.super[1], false);
    check_update(net);
    nvo_net_set_node_up(net, (uint32_t) f.spine[2], false);
    check_update(net);
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) f.spine[3],
                                                          (uint32_t) f.super[2]), false);
    check_update(net);
    nvo_net_set_node_up(net, (uint32_t) f.super[0], false);
    check_update(net);
    nvo_net_set_node_up(net, (uint32_t) f.super[1], true);
    check_update(net);
    nvo_net_set_node_up(net, (uint32_t) f.spine[2], true);
    nvo_net_set_node_up(net, (uint32_t) f.super[0], true);
    check_update(net);
    fab_destroy(&f);
}
END_TEST

/* Generic routers in a ring of six, a route reflector on router 1, a
 * hypervisor on router 3 and one linked to both routers 5 and 6. */
START_TEST(group_routes_routers)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    int r[6];
    for (int i = 0; i < 6; i++) {
        r[i] = fab_node(&f, "r%d", i + 1, 0, NVO_ROLE_ROUTER);
    }
    for (int i = 0; i < 6; i++) {
        fab_link(&f, r[i], r[(i + 1) % 6]);
    }
    int rr = fab_node(&f, "rr", 0, 0, NVO_ROLE_RR);
    fab_link(&f, rr, r[0]);
    int h1 = fab_node(&f, "h1", 0, 0, NVO_ROLE_HYPERVISOR);
    fab_link(&f, h1, r[2]);
    int h2 = fab_node(&f, "h2", 0, 0, NVO_ROLE_HYPERVISOR);
    fab_link(&f, h2, r[4]);
    fab_link(&f, h2, r[5]);
    fab_finalize(&f);
    check_against_reference(f.net);
    struct nvo_net *net = f.net;
    /* r4 is opposite r1 and the RR: two equal paths, ports 0 and 1. */
    const uint16_t *nh;
    ck_assert_uint_eq(nvo_net_next_hops(nvo_net_node(net, (uint32_t) r[3]),
                                        (uint32_t) rr, &nh), 2);
    ck_assert_int_eq(nvo_net_hops(net, (uint32_t) r[3], (uint32_t) rr), 4);
    ck_assert_int_eq(nvo_net_hops(net, (uint32_t) h1, (uint32_t) rr), 4);
    ck_assert_int_eq(nvo_net_hops(net, (uint32_t) rr, (uint32_t) h2), 3);
    /* h2 to the RR: r6 is nearer (2 hops to r1) than r5 (3). */
    ck_assert_uint_eq(nvo_net_next_hops(nvo_net_node(net, (uint32_t) h2),
                                        (uint32_t) rr, &nh), 1);
    ck_assert_uint_eq(nh[0], 1);
    ck_assert_uint_eq(nvo_node_n_next_hops(nvo_net_node(net, (uint32_t) r[1]),
                                           (uint32_t) h2), 1);
    /* r3 reaches h2 in 3 hops only through r4 and r5. */
    ck_assert_uint_eq(nvo_node_n_next_hops(nvo_net_node(net, (uint32_t) r[2]),
                                           (uint32_t) h2), 1);
    nvo_net_set_link_up(net, (uint32_t) nvo_net_find_link(net, (uint32_t) r[0],
                                                          (uint32_t) r[1]), false);
    check_update(net);
    ck_assert_int_eq(nvo_net_hops(net, (uint32_t) h1, (uint32_t) rr), 6);
    nvo_net_set_node_up(net, (uint32_t) r[5], false);
    check_update(net);
    ck_assert_int_eq(nvo_net_hops(net, (uint32_t) rr, (uint32_t) h2), -1);
    nvo_net_set_node_up(net, (uint32_t) r[5], true);
    check_update(net);
    ck_assert_int_eq(nvo_net_hops(net, (uint32_t) rr, (uint32_t) h2), 3);
    fab_destroy(&f);
}
END_TEST

/* ---- Node base: bindings, send entry point, listeners, ops ---------------- */

struct counts {
    uint64_t n;
    int tag;                    /* which handler took the latest frame */
    int *log;                   /* order of calls, shared by listeners */
    int n_log;
};

static void
take(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    struct counts *c = ctx;
    (void) n;
    c->n++;
    nvo_pkt_free(p);
}

/* Two routers a - b; sends from a to b frames of protocol 'proto' (UDP
 * and TCP with destination port 'dport'), IPv4 or IPv6. */
static void
send_to(struct fab *f, int a, int b, bool v6, uint8_t proto, uint16_t dport)
{
    struct nvo_node *src = nvo_net_node(f->net, (uint32_t) a);
    struct nvo_node *dst = nvo_net_node(f->net, (uint32_t) b);
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec sp;
    memset(&sp, 0, sizeof sp);
    memcpy(sp.src_mac, src->mac, 6);
    sp.ipv6 = v6;
    sp.src_ip4 = src->addr4;
    sp.dst_ip4 = dst->addr4;
    memcpy(sp.src_ip6, src->addr6, 16);
    memcpy(sp.dst_ip6, dst->addr6, 16);
    sp.proto = proto;
    sp.sport = 1234;
    sp.dport = dport;
    p->payload_size = 10;
    ck_assert_int_eq(nvo_wire_build_frame(p, &sp), 0);
    nvo_node_send(src, p);
}

static void
check_bindings(bool v6)
{
    struct fab f;
    fab_init(&f, NVO_SEED_FABRIC, NVO_HASH_CRC32);
    int a = fab_node(&f, "a", 0, 0, NVO_ROLE_ROUTER);
    int b = fab_node(&f, "b", 0, 0, NVO_ROLE_ROUTER);
    fab_link(&f, a, b);
    ck_assert_int_eq(nvo_net_finalize(f.net), 0);
    struct nvo_node *nb = nvo_net_node(f.net, (uint32_t) b);
    struct counts vx = { 0 }, gre = { 0 }, udp = { 0 }, bgp = { 0 };
    ck_assert_int_eq(nvo_node_bind_udp(nb, 4789, take, &vx), 0);
    ck_assert_int_eq(nvo_node_bind_udp(nb, 4789, take, &udp), EEXIST);
    ck_assert_int_eq(nvo_node_bind_ip(nb, NVO_IPPROTO_GRE, take, &gre), 0);
    ck_assert_int_eq(nvo_node_bind_tcp(nb, 179, take, &bgp), 0);
    for (int i = 0; i < 3; i++) {
        send_to(&f, a, b, v6, NVO_IPPROTO_UDP, 4789);  /* vx */
    }
    send_to(&f, a, b, v6, NVO_IPPROTO_UDP, 6081);      /* no listener */
    send_to(&f, a, b, v6, NVO_IPPROTO_GRE, 0);         /* gre */
    send_to(&f, a, b, v6, NVO_IPPROTO_GRE, 0);
    send_to(&f, a, b, v6, NVO_IPPROTO_TCP, 179);       /* bgp */
    send_to(&f, a, b, v6, NVO_IPPROTO_TCP, 4789);      /* no listener */
    send_to(&f, a, b, v6, NVO_IPPROTO_MPLS, 0);        /* no listener */
    nvo_engine_run(f.e, NVO_TIME_MAX);
    ck_assert_uint_eq(vx.n, 3);
    ck_assert_uint_eq(gre.n, 2);
    ck_assert_uint_eq(bgp.n, 1);
    ck_assert_uint_eq(nvo_node_binding(nb, NVO_BIND_UDP, 4789)->n_delivered, 3);
    ck_assert_uint_eq(nvo_node_binding(nb, NVO_BIND_IP, 47)->n_delivered, 2);
    ck_assert_uint_eq(nvo_node_binding(nb, NVO_BIND_TCP, 179)->n_delivered, 1);
    ck_assert_uint_eq(nb->n_local, 6);
    ck_assert_uint_eq(nb->drops[NVO_NODE_DROP_NO_LISTENER], 3);
    /* A protocol binding takes every port of it without its own. */
    ck_assert_int_eq(nvo_node_bind_ip(nb, NVO_IPPROTO_UDP, take, &udp), 0);
    send_to(&f, a, b, v6, NVO_IPPROTO_UDP, 6081);      /* udp */
    send_to(&f, a, b, v6, NVO_IPPROTO_UDP, 4789);      /* still vx */
    /* Unbound: dropped. */
    ck_assert_int_eq(nvo_node_unbind_ip(nb, NVO_IPPROTO_GRE), 0);
    ck_assert_int_eq(nvo_node_unbind_ip(nb, NVO_IPPROTO_GRE), ENOENT);
    ck_assert_int_eq(nvo_node_unbind_tcp(nb, 179), 0);
    ck_assert_int_eq(nvo_node_unbind_udp(nb, 179), ENOENT);
    ck_assert_ptr_null(nvo_node_binding(nb, NVO_BIND_IP, 47));
    send_to(&f, a, b, v6, NVO_IPPROTO_GRE, 0);
    send_to(&f, a, b, v6, NVO_IPPROTO_TCP, 179);
    nvo_engine_run(f.e, NVO_TIME_MAX);
    ck_assert_uint_eq(udp.n, 1);
    ck_assert_uint_eq(vx.n, 4);
    ck_assert_uint_eq(gre.n, 2);
    ck_assert_uint_eq(bgp.n, 1);
    ck_assert_uint_eq(nb->n_local, 8);
    ck_assert_uint_eq(nb->drops[NVO_NODE_DROP_NO_LISTENER], 5);
    /* The send entry point counted all 13, at the network and at a. */
    struct nvo_node *na = nvo_net_node(f.net, (uint32_t) a);
    ck_assert_uint_eq(f.net->n_generated, 13);
    ck_assert_uint_eq(na->n_generated, 13);
    ck_assert_uint_eq(na->n_forwarded, 13);
    ck_assert_uint_eq(f.net->n_generated,
                      nb->n_local + nvo_net_drops(f.net, NULL, NULL)
                      + nvo_net_in_flight(f.net));
    fab_destroy(&f);
}

/* Many bindings (a reflector's ephemeral ports): TCP ports 50000 + 3k for
 * k = 999 down to 0 bound in that (descending) order, then UDP 179 and
 * IP 47: each is found with its own context, the ports between them
 * (50000 + 3k + 1) are not, and the array is in (kind, key) order (IP
 * first, then UDP, then TCP 50000 upwards); after unbinding the odd k,
 * 500 TCP ports and the two others are left, the even k still found. */
START_TEST(bindings_many)
{
    struct fab f;
    fab_init(&f, NVO_SEED_FABRIC, NVO_HASH_CRC32);
    int a = fab_node(&f, "a", 0, 0, NVO_ROLE_ROUTER);
    ck_assert_int_eq(nvo_net_finalize(f.net), 0);
    struct nvo_node *na = nvo_net_node(f.net, (uint32_t) a);
    static struct counts c[1000];
    struct counts u = { 0 }, g = { 0 };
    for (int k = 999; k >= 0; k--) {
        ck_assert_int_eq(nvo_node_bind_tcp(na, (uint16_t) (50000 + 3 * k),
                                           take, &c[k]), 0);
    }
    ck_assert_int_eq(nvo_node_bind_udp(na, 179, take, &u), 0);
    ck_assert_int_eq(nvo_node_bind_ip(na, NVO_IPPROTO_GRE, take, &g), 0);
    ck_assert_int_eq(nvo_node_bind_tcp(na, 50003, take, &u), EEXIST);
    ck_assert_uint_eq(na->n_binds, 1002);
    for (int k = 0; k < 1000; k++) {
        const struct nvo_node_binding *b =
            nvo_node_binding(na, NVO_BIND_TCP, (uint16_t) (50000 + 3 * k));
        ck_assert_ptr_nonnull(b);
        ck_assert_ptr_eq(b->ctx, &c[k]);
        ck_assert_ptr_null(nvo_node_binding(na, NVO_BIND_TCP,
                                            (uint16_t) (50001 + 3 * k)));
    }
    ck_assert_ptr_eq(nvo_node_binding(na, NVO_BIND_UDP, 179)->ctx, &u);
    ck_assert_ptr_eq(nvo_node_binding(na, NVO_BIND_IP, 47)->ctx, &g);
    ck_assert_ptr_null(nvo_node_binding(na, NVO_BIND_TCP, 179));
    ck_assert_int_eq(na->binds[0].kind, NVO_BIND_IP);
    ck_assert_int_eq(na->binds[1].kind, NVO_BIND_UDP);
    ck_assert_uint_eq(na->binds[2].key, 50000);
    ck_assert_uint_eq(na->binds[1001].key, 50000 + 3 * 999);
    for (int k = 1; k < 1000; k += 2) {
        ck_assert_int_eq(nvo_node_unbind_tcp(na, (uint16_t) (50000 + 3 * k)),
                         0);
    }
    ck_assert_uint_eq(na->n_binds, 502);
    for (int k = 0; k < 1000; k++) {
        const struct nvo_node_binding *b =
            nvo_node_binding(na, NVO_BIND_TCP, (uint16_t) (50000 + 3 * k));
        if (k % 2) {
            ck_assert_ptr_null(b);
        } else {
            ck_assert_ptr_eq(b->ctx, &c[k]);
        }
    }
    fab_destroy(&f);
}
END_TEST

START_TEST(bindings_ipv4)
{
    check_bindings(false);
}
END_TEST

START_TEST(bindings_ipv6)
{
    check_bindings(true);
}
END_TEST

struct call_log {
    int tags[16];
    int n;
};

struct listener {
    uint64_t n;
    int tag;
    struct call_log *log;
};

static void
route_listener(void *ctx, struct nvo_net *net)
{
    struct listener *l = ctx;
    (void) net;
    l->n++;
    ck_assert_int_lt(l->log->n, 16);
    l->log->tags[l->log->n++] = l->tag;
}

struct state_log {
    int n;
    enum nvo_net_change change[8];
    uint32_t index[8];
};

static void
state_listener(void *ctx, struct nvo_net *net, enum nvo_net_change c,
               uint32_t index)
{
    struct state_log *l = ctx;
    (void) net;
    ck_assert_int_lt(l->n, 8);
    l->change[l->n] = c;
    l->index[l->n++] = index;
}

START_TEST(listeners)
{
    struct fab f;
    fab_init(&f, NVO_SEED_FABRIC, NVO_HASH_CRC32);
    leaf_spine(&f, 2, 2, 1, false);
    fab_finalize(&f);
    struct call_log log = { .n = 0 };
    struct listener one = { .tag = 1, .log = &log };
    struct listener two = { .tag = 2, .log = &log };
    ck_assert_int_eq(nvo_net_add_route_listener(f.net, route_listener, &one), 0);
    ck_assert_int_eq(nvo_net_add_route_listener(f.net, route_listener, &two), 0);
    ck_assert_int_eq(nvo_net_add_route_listener(f.net, route_listener, &two),
                     EEXIST);
    struct state_log st = { 0 };
    ck_assert_int_eq(nvo_net_add_state_listener(f.net, state_listener, &st), 0);
    uint32_t li = (uint32_t) nvo_net_find_link(f.net, (uint32_t) f.leaf[0],
                                               (uint32_t) f.spine[0]);
    nvo_net_set_link_up(f.net, li, false);
    nvo_net_set_link_up(f.net, li, false);      /* no change: no call */
    nvo_engine_run(f.e, NVO_TIME_MAX);          /* converges once */
    ck_assert_uint_eq(one.n, 1);
    ck_assert_uint_eq(two.n, 1);
    nvo_net_set_link_up(f.net, li, true);
    nvo_engine_run(f.e, NVO_TIME_MAX);
    ck_assert_uint_eq(one.n, 2);
    ck_assert_uint_eq(two.n, 2);
    /* Both called in the order added, each time. */
    ck_assert_int_eq(log.n, 4);
    ck_assert_int_eq(log.tags[0], 1);
    ck_assert_int_eq(log.tags[1], 2);
    ck_assert_int_eq(log.tags[2], 1);
    ck_assert_int_eq(log.tags[3], 2);
    ck_assert_int_eq(nvo_net_remove_route_listener(f.net, route_listener,
                                                   &one), 0);
    ck_assert_int_eq(nvo_net_remove_route_listener(f.net, route_listener,
                                                   &one), ENOENT);
    nvo_net_set_node_up(f.net, (uint32_t) f.spine[1], false);
    nvo_engine_run(f.e, NVO_TIME_MAX);
    ck_assert_uint_eq(one.n, 2);
    ck_assert_uint_eq(two.n, 3);
    ck_assert_int_eq(log.n, 5);
    ck_assert_int_eq(log.tags[4], 2);
    /* State changes, when they happened: link down, link up, node down
     * (its links go down with it, reported as the node's change). */
    ck_assert_int_eq(st.n, 3);
    ck_assert_int_eq(st.change[0], NVO_NET_LINK_DOWN);
    ck_assert_uint_eq(st.index[0], li);
    ck_assert_int_eq(st.change[1], NVO_NET_LINK_UP);
    ck_assert_uint_eq(st.index[1], li);
    ck_assert_int_eq(st.change[2], NVO_NET_NODE_DOWN);
    ck_assert_uint_eq(st.index[2], (uint32_t) f.spine[1]);
    ck_assert_int_eq(nvo_net_remove_state_listener(f.net, state_listener,
                                                   &st), 0);
    nvo_net_set_node_up(f.net, (uint32_t) f.spine[1], true);
    ck_assert_int_eq(st.n, 3);
    fab_destroy(&f);
}
END_TEST

/* A role of its own: the base first, hooks counted, back to the role's
 * struct with NVO_CONTAINER_OF. */
struct probe {
    struct nvo_node base;
    int started, stopped, received;
    int *destroyed;
};

static void
probe_receive(struct nvo_node *n, struct nvo_port *in, struct nvo_pkt *p,
              const struct nvo_node_rx *rx)
{
    struct probe *pr = NVO_CONTAINER_OF(n, struct probe, base);
    pr->received++;
    ck_assert_ptr_null(in);             /* originated here */
    ck_assert_int_eq(rx->version, 4);
    ck_assert_int_eq(rx->l3, 14);
    nvo_node_drop(n, p, NVO_NODE_DROP_NO_ROUTE);
}

static void
probe_start(struct nvo_node *n)
{
    NVO_CONTAINER_OF(n, struct probe, base)->started++;
}

static void
probe_stop(struct nvo_node *n)
{
    NVO_CONTAINER_OF(n, struct probe, base)->stopped++;
}

static void
probe_destroy(struct nvo_node *n)
{
    (*NVO_CONTAINER_OF(n, struct probe, base)->destroyed)++;
}

static const struct nvo_node_ops probe_ops = {
    .name = "probe",
    .size = sizeof(struct probe),
    .receive = probe_receive,
    .start = probe_start,
    .stop = probe_stop,
    .destroy = probe_destroy,
};

START_TEST(node_ops)
{
    struct fab f;
    fab_init(&f, NVO_SEED_FABRIC, NVO_HASH_CRC32);
    int a = nvo_net_add_node_ops(f.net, "a", NVO_ROLE_ROUTER, &probe_ops);
    int b = fab_node(&f, "b", 0, 0, NVO_ROLE_ROUTER);
    fab_link(&f, a, b);
    ck_assert_int_eq(nvo_net_finalize(f.net), 0);
    struct nvo_node *na = nvo_net_node(f.net, (uint32_t) a);
    struct probe *pr = NVO_CONTAINER_OF(na, struct probe, base);
    int destroyed = 0;
    pr->destroyed = &destroyed;
    ck_assert_ptr_eq(na->ops, &probe_ops);
    ck_assert_ptr_eq(nvo_net_node(f.net, (uint32_t) b)->ops, &nvo_switch_ops);
    ck_assert_ptr_eq(na->ports[0].node, na);
    nvo_net_start(f.net);
    send_to(&f, a, b, false, NVO_IPPROTO_UDP, 4789);
    send_to(&f, a, b, false, NVO_IPPROTO_UDP, 4789);
    nvo_net_stop(f.net);
    ck_assert_int_eq(pr->started, 1);
    ck_assert_int_eq(pr->stopped, 1);
    ck_assert_int_eq(pr->received, 2);
    ck_assert_uint_eq(na->drops[NVO_NODE_DROP_NO_ROUTE], 2);
    ck_assert_uint_eq(f.net->n_generated, 2);
    fab_destroy(&f);
    ck_assert_int_eq(destroyed, 1);
}
END_TEST

/* The traffic model registers through the node's APIs and takes it all
 * back: bindings, idle callbacks, its route listener. */
START_TEST(traffic_registrations)
{
    struct fab f;
    fab_init(&f, NVO_SEED_PER_SWITCH, NVO_HASH_CRC32);
    leaf_spine(&f, 1, 2, 1, false);
    fab_finalize(&f);
    struct nvo_traffic_cfg c;
    memset(&c, 0, sizeof c);
    c.name = "t";
    c.pattern = NVO_PATTERN_PERMUTATION;
    c.incast_target = -1;
    c.size_dist = NVO_SIZE_EXPONENTIAL;
    c.pkt_dist = NVO_PKTSIZE_FIXED;
    c.pkt_size = 1500;
    c.proto = 6;
    c.dport = 5001;
    c.size_bytes = 1000;
    c.flows_per_sec = 1e-8;
    c.stop = NVO_MS;
    struct nvo_node *hv = nvo_net_node(f.net, (uint32_t) f.hv[0][0]);
    struct nvo_traffic *tr = nvo_traffic_create(f.net, &c, 1);
    ck_assert_ptr_nonnull(tr);
    ck_assert_ptr_nonnull(nvo_node_binding(hv, NVO_BIND_TCP, 5001));
    ck_assert_ptr_null(nvo_node_binding(hv, NVO_BIND_UDP, 5001));
    ck_assert_ptr_nonnull(hv->ports[0].on_idle);
    ck_assert_ptr_nonnull(nvo_port_idle_ctx(&hv->ports[0]));
    ck_assert_uint_eq(f.net->route_listeners->len, 1);
    nvo_traffic_destroy(tr);
    ck_assert_ptr_null(nvo_node_binding(hv, NVO_BIND_TCP, 5001));
    ck_assert_ptr_null(hv->ports[0].on_idle);
    ck_assert_ptr_null(nvo_port_idle_ctx(&hv->ports[0]));
    ck_assert_uint_eq(f.net->route_listeners->len, 0);
    ck_assert_uint_eq(hv->n_binds, 1);          /* fab_finalize's UDP 7000 */
    /* A port someone else holds: the sink cannot take it. */
    c.proto = 17;
    c.dport = 7000;
    errno = 0;
    ck_assert_ptr_null(nvo_traffic_create(f.net, &c, 1));
    ck_assert_int_eq(errno, EADDRINUSE);
    ck_assert_uint_eq(hv->n_binds, 1);
    ck_assert_ptr_null(hv->ports[0].on_idle);
    fab_destroy(&f);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("net");
    TCase *tc = tcase_create(nvo_test_engine());
    tcase_add_test(tc, leaf_spine_routes);
    tcase_add_test(tc, five_stage_routes);
    tcase_add_test(tc, forwarding);
    tcase_add_test(tc, flow_stats);
    tcase_add_test(tc, polarization);
    tcase_add_test(tc, dual_homed_polarization);
    tcase_add_test(tc, spine_failure);
    tcase_add_test(tc, build_errors);
    tcase_add_test(tc, link_index);
    tcase_add_test(tc, traffic_out_of_range);
    tcase_add_test(tc, huge_delay);
    tcase_add_test(tc, group_routes_leaf_spine);
    tcase_add_test(tc, group_routes_dual_homed);
    tcase_add_test(tc, group_routes_five_stage);
    tcase_add_test(tc, group_routes_incremental);
    tcase_add_test(tc, group_routes_routers);
    tcase_add_test(tc, bindings_ipv4);
    tcase_add_test(tc, bindings_ipv6);
    tcase_add_test(tc, bindings_many);
    tcase_add_test(tc, listeners);
    tcase_add_test(tc, node_ops);
    tcase_add_test(tc, traffic_registrations);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
