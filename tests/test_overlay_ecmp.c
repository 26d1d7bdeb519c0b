/* test_overlay_ecmp.c: ECMP of overlay traffic on a leaf-spine from a
 * scenario (scenarios/overlay-ecmp.xml: 4 spines, 16 PEs, one tenant of
 * 128 VMs sending one-packet flows): how many spines one PE pair's flows
 * use, per encapsulation and option, against balls-into-bins.
 *
 * Model.  A frame's spine is chosen by its source leaf, the hash of the
 * fields it hashes modulo 4.  Each distinct value of those fields is a
 * ball thrown into one of S = 4 bins (spines), uniformly and
 * independently (the hash); a PE pair uses as many spines as its balls
 * hit.  With B balls, spine j is missed with q1 = (1 - 1/S)^B and two
 * given spines with q2 = (1 - 2/S)^B, so the distinct spines D have
 *   E[D] = S (1 - q1),  Var[D] = S q1 (1 - q1) + S (S - 1) (q2 - q1^2).
 * - Entropy per flow (a UDP / TCP source port from the inner flow hash,
 *   NVGRE's FlowID with gre-key hashed, an MPLS entropy label with
 *   mpls-el hashed): every inner flow is its own ball, B = F, the pair's
 *   distinct inner flows.  (The hash of a source port in 49152-65535 is
 *   balanced over the spines, so each flow's spine is uniform.)
 * - No entropy (NVGRE, MPLS over GRE / in IP, a fixed source port, inner
 *   headers beyond the parser depth): the fields are the same for every
 *   flow of the pair: exactly one spine.
 * - N addresses per PE: a flow's source address is one of N by the inner
 *   flow hash; the addresses are the balls.  Address i gets spine g(i),
 *   the F flows land on the addresses uniformly, so spine j is missed
 *   iff no flow picks one of the m addresses with g = j, m ~
 *   Binomial(N, 1/S):
 *     q1 = sum_m Bin(m; N, 1/S) (1 - m/N)^F,
 *     q2 = sum_m Bin(m; N, 2/S) (1 - m/N)^F,
 *   which tend to (1 - 1/S)^N and (1 - 2/S)^N for many flows: E[D] ->
 *   S (1 - (1 - 1/S)^N).  The switches hash with Jenkins' lookup3 here:
 *   CRC-32 and Toeplitz are linear over GF(2), so the N addresses (close
 *   together) are not independent balls for them.
 * Test: the mean of D over the P pairs of several runs lies within 4
 * standard deviations of the mean of E[D] (sd = sqrt(sum Var) / P, the
 * pairs independent: their hash inputs differ), a bound a wrong spread
 * (one spine fewer on a fifth of the pairs) exceeds.  Exact cases are
 * asserted exactly. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/config.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "testutil.h"

#define S 4                     /* spines of leaf-spine-4x4x4 */

/* One ordered PE pair: the spines its frames took, its inner flows. */
struct pair {
    uint32_t spines;            /* bit per spine */
    GHashTable *flows;          /* 64-bit key of the inner flow */
};

struct watch {
    struct nvo_net *net;
    const struct nvo_sim_overlay *o;
    GHashTable *vm_node;        /* inner MAC (48 bits) -> node + 1 */
    GHashTable *pairs;          /* src node << 32 | dst node -> pair */
    uint64_t frames, skipped;
};

static uint64_t
mac48(const uint8_t *m)
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++) {
        v = v << 8 | m[i];
    }
    return v;
}

/* Every frame a leaf sends to a spine: its PE pair (outer addresses to
 * nodes, any of a PE's addresses) and its inner flow (MACs, IPv4
 * addresses, ports).  A flooded copy to a PE without the destination VM
 * is not the pair's traffic and is skipped. */
static void
uplink_tap(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
           const struct nvo_port *port, const struct nvo_pkt *p,
           const char *reason)
{
    struct watch *w = ctx;
    (void) ev;
    (void) now;
    (void) reason;
    ck_assert(p->l3_ofs != NVO_PKT_OFS_NONE);
    ck_assert(p->inner_l2_ofs != NVO_PKT_OFS_NONE);
    ck_assert(p->inner_l3_ofs != NVO_PKT_OFS_NONE);
    ck_assert(p->inner_l4_ofs != NVO_PKT_OFS_NONE);
    const uint8_t *ip = nvo_pkt_at(p, p->l3_ofs);
    int src = nvo_net_addr4_node(w->net, nvo_rd32(ip + 12));
    int dst = nvo_net_addr4_node(w->net, nvo_rd32(ip + 16));
    ck_assert_int_ge(src, 0);
    ck_assert_int_ge(dst, 0);
    const uint8_t *l2 = nvo_pkt_at(p, p->inner_l2_ofs);
    uintptr_t at = GPOINTER_TO_UINT(g_hash_table_lookup(
        w->vm_node, (gpointer) (uintptr_t) mac48(l2)));
    w->frames++;
    if (at != (uintptr_t) dst + 1) {
        w->skipped++;
        return;
    }
    const uint8_t *l3 = nvo_pkt_at(p, p->inner_l3_ofs);
    const uint8_t *l4 = nvo_pkt_at(p, p->inner_l4_ofs);
    uint64_t key = 1469598103934665603ull;      /* FNV-1a */
    for (int i = 0; i < 12; i++) {
        key = (key ^ l2[i]) * 1099511628211ull;
    }
    for (int i = 12; i < 20; i++) {
        key = (key ^ l3[i]) * 1099511628211ull;
    }
    for (int i = 0; i < 4; i++) {
        key = (key ^ l4[i]) * 1099511628211ull;
    }
    uint32_t spine = port->link->a == port ? port->link->b->node->index
                                           : port->link->a->node->index;
    ck_assert_int_eq(nvo_net_node(w->net, spine)->role, NVO_ROLE_SPINE);
    ck_assert_uint_lt(spine, S);      /* spine1..spine4 come first */
    gpointer pk = (gpointer) ((uintptr_t) src << 32 | (uint32_t) dst);
    struct pair *pr = g_hash_table_lookup(w->pairs, pk);
    if (!pr) {
        pr = g_new0(struct pair, 1);
        pr->flows = g_hash_table_new(NULL, NULL);
        g_hash_table_insert(w->pairs, pk, pr);
    }
    pr->spines |= 1u << spine;
    g_hash_table_add(pr->flows, (gpointer) (uintptr_t) key);
}

static void
pair_free(gpointer v)
{
    struct pair *pr = v;
    g_hash_table_destroy(pr->flows);
    g_free(pr);
}

/* Accumulated over runs: pairs, the sum of D, of E[D] and of Var[D]. */
struct spread {
    uint32_t pairs;
    uint32_t one, all;          /* pairs on 1 spine, on all S */
    uint32_t min_flows;
    double sum_d, sum_e, sum_var;
    uint64_t frames, skipped;
};

/* q: the probability that a set of spines holding 'frac' of the hash
 * space gets none of F flows' balls; n_addrs 0: a ball per flow. */
static double
miss(double frac, uint32_t n_addrs, uint32_t F)
{
    if (!n_addrs) {
        return pow(1 - frac, F);
    }
    double q = 0;
    for (uint32_t m = 0; m <= n_addrs; m++) {
        double bin = exp(lgamma(n_addrs + 1.0) - lgamma(m + 1.0)
                         - lgamma(n_addrs - m + 1.0))
                     * pow(frac, m) * pow(1 - frac, n_addrs - m);
        q += bin * pow(1 - (double) m / n_addrs, F);
    }
    return q;
}

/* Runs overlay-ecmp.xml with 'sets' (and run number 'run') and adds its
 * cross-leaf pairs to 's' with the model of 'n_addrs' balls (0: a ball
 * per flow). */
static void
measure(const char *const *sets, size_t n_sets, uint32_t run,
        uint32_t n_addrs, struct spread *s)
{
    const char *all[16];
    char run_set[32];
    ck_assert_uint_lt(n_sets, 15);
    memcpy(all, sets, n_sets * sizeof *all);
    snprintf(run_set, sizeof run_set, "run.run=%u", run);
    all[n_sets] = run_set;
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    nvo_test_scenario(nvo_test_src("scenarios/overlay-ecmp.xml"), all,
                      n_sets + 1, "overlay-ecmp", false, &cfg, &sim, &dir);
    const struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_uint_eq(o->n_pes, 16);
    struct watch w = {
        .net = sim->net, .o = o,
        .vm_node = g_hash_table_new(NULL, NULL),
        .pairs = g_hash_table_new_full(NULL, NULL, NULL, pair_free),
    };
    for (uint32_t v = 0; v < o->n_vms; v++) {
        g_hash_table_insert(w.vm_node,
                            (gpointer) (uintptr_t) mac48(o->vms[v].mac),
                            GUINT_TO_POINTER(o->vms[v].node + 1));
    }
    for (uint32_t i = 0; i < nvo_net_n_nodes(sim->net); i++) {
        struct nvo_node *n = nvo_net_node(sim->net, i);
        for (uint32_t p = 0; n->role == NVO_ROLE_LEAF && p < n->n_ports;
             p++) {
            if (nvo_net_node(sim->net, n->peer[p])->role == NVO_ROLE_SPINE) {
                nvo_port_add_tap(&n->ports[p], uplink_tap, &w,
                                 NVO_TAP_MASK_SEND);
            }
        }
    }
    ck_assert_int_eq(nvo_sim_run(sim, false), 0);
    /* Every frame arrived: nothing dropped by the fabric. */
    ck_assert_uint_eq(sim->delivered, sim->generated);
    /* 16 PEs, 4 per leaf: 16 x 12 ordered pairs on different leaves, each
     * with traffic. */
    ck_assert_uint_eq(g_hash_table_size(w.pairs), 192);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, w.pairs);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const struct pair *pr = v;
        uint32_t F = g_hash_table_size(pr->flows);
        uint32_t D = (uint32_t) __builtin_popcount(pr->spines);
        double q1 = miss(1.0 / S, n_addrs, F), q2 = miss(2.0 / S, n_addrs, F);
        s->pairs++;
        s->one += D == 1;
        s->all += D == S;
        s->min_flows = s->pairs == 1 ? F : NVO_MIN(s->min_flows, F);
        s->sum_d += D;
        s->sum_e += S * (1 - q1);
        s->sum_var += S * q1 * (1 - q1) + S * (S - 1.0) * (q2 - q1 * q1);
    }
    s->frames += w.frames;
    s->skipped += w.skipped;
    g_hash_table_destroy(w.pairs);
    g_hash_table_destroy(w.vm_node);
    nvo_test_scenario_free(cfg, sim, dir);
}

/* Runs 1..n_runs. */
static struct spread
spread(const char *const *sets, size_t n_sets, uint32_t n_runs,
       uint32_t n_addrs)
{
    struct spread s;
    memset(&s, 0, sizeof s);
    for (uint32_t r = 1; r <= n_runs; r++) {
        measure(sets, n_sets, r, n_addrs, &s);
    }
    return s;
}

/* The mean distinct spines per pair within 4 sd of the model's. */
static void
check_model(const struct spread *s, const char *what)
{
    double mean = s->sum_d / s->pairs, e = s->sum_e / s->pairs;
    double sd = sqrt(s->sum_var) / s->pairs;
    fprintf(stderr, "%-44s pairs %u, flows/pair >= %u: spines/pair %.4f, "
            "model %.4f +- %.4f (4 sd), 1 spine %u, all %u\n", what,
            s->pairs, s->min_flows, mean, e, 4 * sd, s->one, s->all);
    ck_assert_msg(fabs(mean - e) <= 4 * sd, "%s: %.4f spines per pair, the "
                  "model %.4f +- %.4f", what, mean, e, 4 * sd);
}

/* Each flow its own ball: all 4 spines, but for the few pairs whose flows
 * happen to miss one. */
static void
check_per_flow(const char *const *sets, size_t n, const char *what)
{
    struct spread s = spread(sets, n, 1, 0);
    ck_assert_uint_ge(s.min_flows, 15);
    check_model(&s, what);
    /* With 15 or more flows, a pair misses a spine with probability at
     * most 4 (3/4)^15 = 5 %: at least 4/5 of the pairs use all. */
    ck_assert_uint_ge(s.all * 5, s.pairs * 4);
}

/* No entropy: every pair on exactly one spine. */
static void
check_one(const char *const *sets, size_t n, const char *what)
{
    struct spread s = spread(sets, n, 1, 0);
    fprintf(stderr, "%-44s pairs %u: every pair on %s\n", what, s.pairs,
            s.one == s.pairs ? "1 spine" : "MORE THAN ONE SPINE");
    ck_assert_msg(s.one == s.pairs, "%s: %u of %u pairs on one spine", what,
                  s.one, s.pairs);
    ck_assert_uint_ge(s.min_flows, 15);
}

START_TEST(udp_and_stt_spread)
{
    /* VXLAN, VXLAN-GPE, Geneve, GRE-in-UDP, MPLS-in-UDP: the UDP source
     * port; STT: its TCP-like source port. */
    static const char *const encaps[] = {
        "vxlan", "vxlan-gpe", "geneve", "gre-udp", "mpls-udp", "stt",
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(encaps); i++) {
        char set[64];
        snprintf(set, sizeof set, "overlay.encap=%s", encaps[i]);
        const char *const sets[] = { set };
        check_per_flow(sets, 1, set);
    }
}
END_TEST

START_TEST(no_entropy_one_spine)
{
    static const char *const encaps[] = { "nvgre", "mpls-gre", "mpls-ip" };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(encaps); i++) {
        char set[64];
        snprintf(set, sizeof set, "overlay.encap=%s", encaps[i]);
        const char *const sets[] = { set };
        check_one(sets, 1, set);
    }
    /* A fixed source port (entropy off): one spine, also for VXLAN. */
    check_one((const char *const[]) { "overlay.entropy=false" }, 1,
              "vxlan entropy=false");
    check_one((const char *const[]) { "overlay.encap=stt",
                                      "overlay.entropy=false" }, 2,
              "stt entropy=false");
    /* A range of one port is the same. */
    check_one((const char *const[]) { "overlay.encap=gre-udp",
                                      "overlay.sport-min=50000",
                                      "overlay.sport-max=50000" }, 3,
              "gre-udp sport 50000-50000");
    /* The entropy label helps no switch that does not hash it. */
    check_one((const char *const[]) { "overlay.encap=mpls-ip",
                                      "overlay.entropy-label=true" }, 2,
              "mpls-ip el, 5-tuple");
}
END_TEST

START_TEST(switches_that_hash_more)
{
    /* NVGRE's FlowID, for switches that hash the GRE key. */
    check_per_flow((const char *const[]) {
                       "overlay.encap=nvgre",
                       "underlay.ecmp.fields=5-tuple,gre-key" }, 2,
                   "nvgre, gre-key");
    /* ... unless the PE sends FlowID 0. */
    check_one((const char *const[]) { "overlay.encap=nvgre",
                                      "overlay.flowid=false",
                                      "underlay.ecmp.fields=5-tuple,gre-key" },
              3, "nvgre flowid=false, gre-key");
    /* The MPLS entropy label, for switches that hash it. */
    check_per_flow((const char *const[]) {
                       "overlay.encap=mpls-gre", "overlay.entropy-label=true",
                       "underlay.ecmp.fields=5-tuple,mpls-el" }, 3,
                   "mpls-gre el, mpls-el");
    check_per_flow((const char *const[]) {
                       "overlay.encap=mpls-ip", "overlay.entropy-label=true",
                       "overlay.control-word=true",
                       "underlay.ecmp.fields=5-tuple,mpls-el" }, 4,
                   "mpls-ip el cw, mpls-el");
    /* Inner headers within the parser depth: NVGRE's Ethernet payload. */
    check_per_flow((const char *const[]) {
                       "overlay.encap=nvgre", "overlay.flowid=false",
                       "underlay.ecmp.fields=5-tuple,inner" }, 3,
                   "nvgre flowid=false, inner");
    /* Behind MPLS the payload is an Ethernet pseudowire: its first nibble
     * (of a 00:50:56 MAC) is 0, not an IP version, so there is no inner
     * IP for a switch to guess (RFC 4928), with or without a control
     * word. */
    check_one((const char *const[]) { "overlay.encap=mpls-gre",
                                      "underlay.ecmp.fields=5-tuple,inner" },
              2, "mpls-gre, inner");
    check_one((const char *const[]) { "overlay.encap=mpls-ip",
                                      "overlay.control-word=true",
                                      "underlay.ecmp.fields=5-tuple,inner" },
              3, "mpls-ip cw, inner");
    /* Geneve without source-port entropy: the inner headers at 50 + 14
     * bytes are within a 128-byte parser... */
    check_per_flow((const char *const[]) {
                       "overlay.encap=geneve", "overlay.entropy=false",
                       "underlay.ecmp.fields=5-tuple,inner" }, 3,
                   "geneve entropy=false, inner");
    /* ... 64 option bytes push the inner IP header to byte 128: beyond
     * it, one spine; a parser of 256 bytes reaches it again. */
    check_one((const char *const[]) { "overlay.encap=geneve",
                                      "overlay.entropy=false",
                                      "overlay.geneve-options=64",
                                      "underlay.ecmp.fields=5-tuple,inner" },
              4, "geneve 64 option bytes, inner, depth 128");
    check_per_flow((const char *const[]) {
                       "overlay.encap=geneve", "overlay.entropy=false",
                       "overlay.geneve-options=64",
                       "underlay.ecmp.fields=5-tuple,inner",
                       "underlay.ecmp.parser-depth=256" }, 5,
                   "geneve 64 option bytes, inner, depth 256");
}
END_TEST

START_TEST(addresses_balls_into_bins)
{
    /* NVGRE, 5-tuple, Jenkins: N addresses per PE. */
    double prev = 0;
    for (uint32_t n = 1; n <= 8; n *= 2) {
        char set[64], what[64];
        snprintf(set, sizeof set, "overlay.addresses=%u", n);
        snprintf(what, sizeof what, "nvgre, %u addresses", n);
        const char *const sets[] = {
            "overlay.encap=nvgre", "underlay.ecmp.function=jenkins", set,
        };
        struct spread s = spread(sets, 3, 3, n);
        ck_assert_uint_eq(s.pairs, 3 * 192);
        check_model(&s, what);
        double mean = s.sum_d / s.pairs;
        if (n == 1) {
            ck_assert_uint_eq(s.one, s.pairs);      /* exact */
        } else {
            /* The many-flows limit, S (1 - (1 - 1/S)^N), is close (every
             * address used): within 0.05 of the model's mean. */
            double limit = S * (1 - pow(1 - 1.0 / S, n));
            ck_assert_double_eq_tol(s.sum_e / s.pairs, limit, 0.05);
        }
        ck_assert_double_gt(mean, prev);   /* balance rises with N */
        prev = mean;
    }
    /* MPLS over GRE the same: its outer header differs from NVGRE's only
     * in what the 5-tuple does not hash. */
    struct spread s = spread((const char *const[]) {
                                 "overlay.encap=mpls-gre",
                                 "underlay.ecmp.function=jenkins",
                                 "overlay.addresses=4" }, 3, 3, 4);
    check_model(&s, "mpls-gre, 4 addresses");
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("overlay_ecmp");
    TCase *tc = tcase_create("overlay_ecmp");
    tcase_add_test(tc, udp_and_stt_spread);
    tcase_add_test(tc, no_entropy_one_spine);
    tcase_add_test(tc, switches_that_hash_more);
    tcase_add_test(tc, addresses_balls_into_bins);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
