/* test_vm_traffic.c: the BUM real VMs send and VM moves (traffic/vm_arp,
 * traffic.c's VM stacks, run/sim_overlay.c's clusters and moves) against
 * theory: the ARP cache's request count for constant-rate traffic
 * (ceil(T / (tau + delta))), its neighbour queue and retransmission; the
 * ARP / RARP bytes; the PE's second MACs and VM removal; one ARP exchange
 * per VM pair and no unknown unicast after it; MAC aging bringing unknown
 * unicast back exactly when the ARP cache outlives the MAC table (a
 * replayed reference over the flows); an NLB cluster flooding every frame
 * to it; a VM move re-pointing every PE's entry at the new PE; the checks
 * with file:line errors. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/config.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "overlay/pe_node.h"
#include "traffic/vm_arp.h"
#include "wire/wire.h"
#include "testutil.h"

struct run {
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
};

static void
run_scenario(struct run *r, const char *scen, const char *const *sets,
             size_t n)
{
    nvo_test_scenario(nvo_test_src(scen), sets, n, "vm-traffic", true,
                      &r->cfg, &r->sim, &r->dir);
}

static void
run_free(struct run *r)
{
    nvo_test_scenario_free(r->cfg, r->sim, r->dir);
}

/* ---- The cache alone ---------------------------------------------------- */

static struct nvo_pkt *
frame(struct nvo_pkt_pool *pool, uint64_t id)
{
    struct nvo_pkt *p = nvo_pkt_alloc(pool, NVO_PKT_HEADROOM, 64);
    p->flow_id = id;
    return p;
}

/* Frames every delta from 0 to T (exclusive) to one address; the reply
 * to each request comes r later.  A request at a_k resolves at a_k + r,
 * valid until a_k + r + tau; the next request is at the first frame at
 * or after that: with r < delta and tau a multiple of delta, a_k + tau +
 * delta.  So ceil(T / (tau + delta)) requests. */
static uint64_t
constant_rate_requests(nvo_time_t T, nvo_time_t delta, nvo_time_t tau,
                       nvo_time_t r)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_vm_arp a = { 0 };
    struct nvo_vm_arp_cfg cfg = { tau, NVO_VM_ARP_RETRANS_DEFAULT, 101 };
    static const uint8_t mac[6] = { 0, 0x50, 0x56, 0, 0, 2 };
    uint64_t requests = 0, hits = 0, released = 0;
    nvo_time_t reply_at = -1;
    for (nvo_time_t t = 0; t < T; t += delta) {
        if (reply_at >= 0 && reply_at <= t) {
            for (struct nvo_pkt *q = nvo_vm_arp_learn(&a, &cfg, 0x0a000002,
                                                      mac, reply_at, false);
                 q;) {
                struct nvo_pkt *next = q->next;
                q->next = NULL;
                nvo_pkt_free(q);
                released++;
                q = next;
            }
            reply_at = -1;
        }
        struct nvo_pkt *p = frame(&pool, 1), *dropped;
        uint8_t got[6];
        switch (nvo_vm_arp_resolve(&a, &cfg, 0x0a000002, t, p, got,
                                   &dropped)) {
        case NVO_VM_ARP_HIT:
            ck_assert_int_eq(memcmp(got, mac, 6), 0);
            nvo_pkt_free(p);
            hits++;
            break;
        case NVO_VM_ARP_REQUEST:
            requests++;
            reply_at = t + r;
            break;
        case NVO_VM_ARP_QUEUED:
            break;
        }
        ck_assert_ptr_null(dropped);
    }
    /* Every frame is a hit or waited for a reply (the last may still). */
    ck_assert_uint_eq(hits + released + nvo_vm_arp_n_queued(&a),
                      (uint64_t) ((T + delta - 1) / delta));
    ck_assert_uint_eq(a.n, 1);
    ck_assert_uint_eq(nvo_vm_arp_bytes(&a), 2 * sizeof(struct nvo_vm_arp_entry));
    nvo_vm_arp_clear(&a);
    nvo_pkt_pool_destroy(&pool);
    return requests;
}

START_TEST(cache_timeout_theory)
{
    ck_assert_uint_eq(sizeof(struct nvo_vm_arp_entry), 32);
    ck_assert_uint_eq(sizeof(struct nvo_vm_arp), 16);
    /* T = 100 s, one frame a second, reply after 1 us. */
    ck_assert_uint_eq(constant_rate_requests(100 * NVO_SEC, NVO_SEC,
                                             10 * NVO_SEC, NVO_US), 10);
    ck_assert_uint_eq(constant_rate_requests(100 * NVO_SEC, NVO_SEC,
                                             5 * NVO_SEC, NVO_US), 17);
    ck_assert_uint_eq(constant_rate_requests(100 * NVO_SEC, NVO_SEC,
                                             30 * NVO_SEC, NVO_US), 4);
    /* A timeout longer than the run: one request. */
    ck_assert_uint_eq(constant_rate_requests(100 * NVO_SEC, NVO_SEC,
                                             1000 * NVO_SEC, NVO_US), 1);
    /* Frames every 10 ms, timeout 1 s: period 1.01 s, ceil(10 / 1.01). */
    ck_assert_uint_eq(constant_rate_requests(10 * NVO_SEC, 10 * NVO_MS,
                                             NVO_SEC, NVO_US), 10);
}
END_TEST

START_TEST(cache_queue_and_retransmit)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_vm_arp a = { 0 };
    struct nvo_vm_arp_cfg cfg = { 30 * NVO_SEC, NVO_SEC, 3 };
    uint8_t mac[6];
    struct nvo_pkt *dropped;
    /* Five frames while unresolved: the queue keeps the last 3, the
     * oldest two are handed back in order. */
    ck_assert_int_eq(nvo_vm_arp_resolve(&a, &cfg, 7, 0, frame(&pool, 1), mac,
                                        &dropped), NVO_VM_ARP_REQUEST);
    ck_assert_ptr_null(dropped);
    for (uint64_t i = 2; i <= 5; i++) {
        ck_assert_int_eq(nvo_vm_arp_resolve(&a, &cfg, 7, (nvo_time_t) i,
                                            frame(&pool, i), mac, &dropped),
                         NVO_VM_ARP_QUEUED);
        if (i <= 3) {
            ck_assert_ptr_null(dropped);
        } else {
            ck_assert_ptr_nonnull(dropped);
            ck_assert_uint_eq(dropped->flow_id, i - 3);
            nvo_pkt_free(dropped);
        }
    }
    ck_assert_uint_eq(nvo_vm_arp_n_queued(&a), 3);
    /* 1 s after the request, unanswered: the next frame sends another;
     * 1 ps earlier it does not. */
    ck_assert_int_eq(nvo_vm_arp_resolve(&a, &cfg, 7, NVO_SEC - 1,
                                        frame(&pool, 6), mac, &dropped),
                     NVO_VM_ARP_QUEUED);
    nvo_pkt_free(dropped);
    ck_assert_int_eq(nvo_vm_arp_resolve(&a, &cfg, 7, NVO_SEC,
                                        frame(&pool, 7), mac, &dropped),
                     NVO_VM_ARP_REQUEST);
    nvo_pkt_free(dropped);
    /* An update of an absent address creates nothing (RFC 826: only the
     * target of a request adds the sender). */
    static const uint8_t m9[6] = { 2, 0, 0, 0, 0, 9 };
    ck_assert_ptr_null(nvo_vm_arp_learn(&a, &cfg, 9, m9, 2 * NVO_SEC, false));
    ck_assert_uint_eq(a.n, 1);
    /* The reply releases frames 5, 6, 7 in order. */
    static const uint8_t m7[6] = { 2, 0, 0, 0, 0, 7 };
    struct nvo_pkt *q = nvo_vm_arp_learn(&a, &cfg, 7, m7, 2 * NVO_SEC, false);
    for (uint64_t i = 5; i <= 7; i++) {
        ck_assert_ptr_nonnull(q);
        ck_assert_uint_eq(q->flow_id, i);
        struct nvo_pkt *next = q->next;
        q->next = NULL;
        nvo_pkt_free(q);
        q = next;
    }
    ck_assert_ptr_null(q);
    /* Valid for 30 s from the reply: a hit at 32 s - 1 ps, a request at
     * 32 s. */
    struct nvo_pkt *p = frame(&pool, 8);
    ck_assert_int_eq(nvo_vm_arp_resolve(&a, &cfg, 7, 32 * NVO_SEC - 1, p, mac,
                                        &dropped), NVO_VM_ARP_HIT);
    ck_assert_int_eq(memcmp(mac, m7, 6), 0);
    ck_assert_int_eq(nvo_vm_arp_resolve(&a, &cfg, 7, 32 * NVO_SEC, p, mac,
                                        &dropped), NVO_VM_ARP_REQUEST);
    nvo_vm_arp_clear(&a);       /* frees the waiting frame */
    ck_assert_uint_eq(a.n, 0);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(arp_rarp_bytes)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    static const uint8_t b[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t vm[6] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x05 };
    static const uint8_t z[6] = { 0 };
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 64);
    ck_assert_int_eq(nvo_vm_arp_build(p, NVO_ETH_TYPE_ARP, b, vm,
                                      NVO_ARP_OP_REQUEST, vm, 0x0a000006, z,
                                      0x0a000009), 0);
    static const uint8_t want[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x50, 0x56, 0x00, 0x00, 0x05,
        0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
        0x00, 0x50, 0x56, 0x00, 0x00, 0x05, 0x0a, 0x00, 0x00, 0x06,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x09,
    };
    ck_assert_uint_eq(nvo_pkt_len(p), 42);
    ck_assert_int_eq(memcmp(p->data, want, 42), 0);
    ck_assert_uint_eq(p->l3_ofs - p->l2_ofs, 14);
    nvo_pkt_free(p);
    /* RARP (RFC 903) as VMware and QEMU announce a VM: type 0x8035, op 3,
     * sender = target hardware address, protocol addresses 0. */
    p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 64);
    ck_assert_int_eq(nvo_vm_arp_build(p, NVO_ETH_TYPE_RARP, b, vm,
                                      NVO_RARP_OP_REQUEST, vm, 0, vm, 0), 0);
    static const uint8_t rarp[42] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x50, 0x56, 0x00, 0x00, 0x05,
        0x80, 0x35, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x03,
        0x00, 0x50, 0x56, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x50, 0x56, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00,
    };
    ck_assert_int_eq(memcmp(p->data, rarp, 42), 0);
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

/* ---- The PE's second MACs and removals ----------------------------------- */

/* A tenant frame from 'src' to 'dst' into PE 'pe' (its VM 'vm'). */
static void
pe_send(struct nvo_net *net, struct nvo_pe_node *pe, uint32_t vm,
        const uint8_t src[6], const uint8_t dst[6])
{
    struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    memcpy(s.src_mac, src, 6);
    memcpy(s.dst_mac, dst, 6);
    s.src_ip4 = 0x0a000001;
    s.dst_ip4 = 0x0a000002;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = s.dport = 9;
    p->payload_size = 100;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(pe, 0, vm, p), 0);
}

/* Three PEs on one leaf, one VNI on all; pe1 has two VMs sharing a second
 * MAC C (a cluster).  A frame to C from pe0 floods (2 copies): pe1 gives
 * it to both VMs, pe2 drops it (no-vm).  After pe1's VM 0 is removed, a
 * frame to its MAC still goes to pe1 (pe0 learned it there) and is
 * dropped: the black hole a move leaves until an announcement. */
START_TEST(pe_second_mac_and_removal)
{
    struct nvo_engine *e;
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(), NULL, &e), 0);
    struct nvo_net_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.ecmp.fn = NVO_HASH_CRC32;
    cfg.ecmp.fields = NVO_ECMP_5TUPLE;
    cfg.ecmp.parser_depth = 128;
    cfg.seed = cfg.run = 1;
    struct nvo_net *net = nvo_net_create(e, &cfg);
    int leaf = nvo_net_add_node(net, "leaf1", NVO_ROLE_LEAF);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = nvo_encap_lookup("vxlan");
    struct nvo_pe_node *pe[3];
    uint32_t list[3], t, vm;
    for (int i = 0; i < 3; i++) {
        char name[8];
        g_snprintf(name, sizeof name, "pe%d", i);
        pe[i] = nvo_pe_node_create(net, name, &pc);
        ck_assert_ptr_nonnull(pe[i]);
        list[i] = nvo_pe_node_index(pe[i]);
        ck_assert_int_eq(nvo_net_add_link(net, list[i], (uint32_t) leaf, &l),
                         0);
    }
    ck_assert_int_eq(nvo_net_finalize(net), 0);
    uint8_t m[4][6] = {
        { 0, 0x50, 0x56, 0, 0, 1 }, { 0, 0x50, 0x56, 0, 0, 2 },
        { 0, 0x50, 0x56, 0, 0, 3 }, { 0, 0x50, 0x56, 0, 0, 4 },
    };
    static const uint8_t c[6] = { 0x02, 0xbf, 0x0a, 0, 0, 0x11 };
    static const uint8_t group[6] = { 0x03, 0xbf, 0x0a, 0, 0, 0x11 };
    static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(nvo_pe_node_add_tenant(pe[i], 5000, &t), 0);
        ck_assert_int_eq(nvo_pe_node_set_flood(pe[i], 0, list, 3), 0);
    }
    ck_assert_int_eq(nvo_pe_node_add_vm(pe[0], 0, m[0], 0, &vm), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm(pe[1], 0, m[1], 0, &vm), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm(pe[1], 0, m[2], 0, &vm), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm(pe[2], 0, m[3], 0, &vm), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm_mac(pe[1], 0, 0, c), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm_mac(pe[1], 0, 1, c), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm_mac(pe[1], 0, 1, group), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_vm_mac(pe[1], 0, 2, c), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_vm_mac(pe[1], 1, 0, c), EINVAL);
    /* pe1's VM 0 says hello (pe0 and pe2 learn it), then pe0 sends two
     * frames to the cluster. */
    pe_send(net, pe[1], 0, m[1], bc);
    nvo_engine_run(e, NVO_MS);
    pe_send(net, pe[0], 0, m[0], c);
    pe_send(net, pe[0], 0, m[0], c);
    nvo_engine_run(e, 2 * NVO_MS);
    const struct nvo_pe_node_counters *c0 = nvo_pe_node_counters(pe[0]);
    const struct nvo_pe_node_counters *c1 = nvo_pe_node_counters(pe[1]);
    const struct nvo_pe_node_counters *c2 = nvo_pe_node_counters(pe[2]);
    ck_assert_uint_eq(c0->bum[NVO_BUM_UNKNOWN], 2);
    ck_assert_uint_eq(c0->bum_copies, 4);
    /* pe1: the broadcast's local copy to VM 1, then 2 frames x 2 VMs. */
    ck_assert_uint_eq(c1->delivered, 1 + 4);
    ck_assert_uint_eq(c1->drops[NVO_PE_DROP_NO_VM], 0);
    /* pe2: the broadcast, and 2 copies it has no VM for. */
    ck_assert_uint_eq(c2->delivered, 1);
    ck_assert_uint_eq(c2->drops[NVO_PE_DROP_NO_VM], 2);
    ck_assert_ptr_null(nvo_mac_table_lookup(nvo_pe_node_mac_table(pe[0]),
                                            5000, nvo_mac_from_bytes(c),
                                            NVO_MS));
    /* Removal: once; no such VM; no such tenant. */
    ck_assert_int_eq(nvo_pe_node_remove_vm(pe[1], 0, 0), 0);
    ck_assert_int_eq(nvo_pe_node_remove_vm(pe[1], 0, 0), EINVAL);
    ck_assert_int_eq(nvo_pe_node_remove_vm(pe[1], 0, 2), EINVAL);
    ck_assert_int_eq(nvo_pe_node_remove_vm(pe[1], 1, 0), EINVAL);
    ck_assert_uint_eq(c1->vms_removed, 1);
    ck_assert_ptr_null(nvo_mac_table_lookup(nvo_pe_node_mac_table(pe[1]),
                                            5000, nvo_mac_from_bytes(m[1]),
                                            nvo_engine_now(e)));
    /* pe0 still sends to pe1, which drops it; a frame to the cluster now
     * reaches VM 1 only. */
    pe_send(net, pe[0], 0, m[0], m[1]);
    pe_send(net, pe[0], 0, m[0], c);
    nvo_engine_run(e, 3 * NVO_MS);
    ck_assert_uint_eq(c0->remote_unicast, 1);
    ck_assert_uint_eq(c1->drops[NVO_PE_DROP_NO_VM], 1);
    ck_assert_uint_eq(c1->delivered, 5 + 1);
    /* The VM's MAC may now be learned elsewhere, and the number stays
     * taken: a new VM with it gets the next one. */
    ck_assert_int_eq(nvo_pe_node_add_vm(pe[1], 0, m[1], 0, &vm), 0);
    ck_assert_uint_eq(vm, 2);
    nvo_net_destroy(net);
    nvo_engine_destroy(e);
}
END_TEST

/* ---- Scenarios ---------------------------------------------------------- */

static const char *summary_cell(const struct nvo_sim *, const char *column);

/* overlay-encap (2 tenants of 32 VMs on all 8 PEs, each VM to one other
 * of a single-cycle derangement, 100-frame flows, drained) with ARP and a
 * 30 s cache: each VM that sent resolved its destination with exactly
 * one request, answered once; the target cached the requester (RFC 826),
 * and its own destination is another VM (a cycle of 32), so one request
 * per sender, two cache entries per request.  The request floods (PEs
 * learn the requester) and the unicast reply teaches the requester's PE
 * the target: no unknown unicast at all. */
START_TEST(arp_once_per_pair)
{
    struct run r;
    run_scenario(&r, "scenarios/overlay-encap.xml",
                 (const char *const[]) { "overlay.arp.cache-timeout=30s" }, 1);
    struct nvo_sim_overlay *o = r.sim->overlay;
    struct nvo_traffic_vm_stats v;
    nvo_traffic_vm_get_stats(r.sim->traffic, &v);
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(r.sim->traffic, &ts);
    bool *sent = g_new0(bool, o->n_vms), *cached = g_new0(bool, o->n_vms);
    uint64_t senders = 0, with_entries = 0;
    uint32_t a, b;
    nvo_time_t s;
    for (uint64_t i = 0; nvo_traffic_flow(r.sim->traffic, i, &a, &b, &s);
         i++) {
        senders += !sent[a];
        sent[a] = true;
        with_entries += !cached[a] + !cached[b];
        cached[a] = cached[b] = true;
    }
    g_free(sent);
    g_free(cached);
    /* Memory: a VM with one or two entries has an array of 2 (64 bytes). */
    ck_assert_uint_eq(v.arp_cache_bytes, 64 * with_entries);
    ck_assert_uint_gt(senders, 10);
    ck_assert_uint_eq(v.arp_requests, senders);
    ck_assert_uint_eq(v.arp_replies, senders);
    ck_assert_uint_eq(v.arp_entries, 2 * senders);
    ck_assert_uint_eq(v.arp_queue_drops, 0);
    ck_assert_uint_eq(v.arp_waiting, 0);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_UNKNOWN], 0);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_BROADCAST], senders);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_MULTICAST], 0);
    /* Every frame a VM sent: its flows' 100 each, requests and replies;
     * a request reaches the 31 other VMs of the tenant. */
    ck_assert_uint_eq(ts.flows_completed, ts.flows_started);
    ck_assert_uint_eq(t.c.vm_frames, ts.flows_started * 100 + 2 * senders);
    ck_assert_uint_eq(t.c.delivered,
                      ts.flows_started * 100 + 31 * senders + senders);
    ck_assert_uint_eq(t.c.bum_copies, 7 * senders);
    ck_assert_uint_eq(t.c.drops[NVO_PE_DROP_NO_VM], 0);
    ck_assert_uint_eq(v.arp_hits + v.arp_queued, ts.flows_started * 100);
    ck_assert_uint_eq(r.sim->generated, t.c.frames_out);
    run_free(&r);
}
END_TEST

/* The same with a neighbour queue of 1 frame: the frames a flow makes
 * while its request is out are all but the newest dropped, each a lost
 * frame of its flow; nothing else is lost. */
START_TEST(arp_queue_limit_loses_frames)
{
    struct run r;
    run_scenario(&r, "scenarios/overlay-encap.xml",
                 (const char *const[]) { "overlay.arp.queue=1" }, 1);
    struct nvo_traffic_vm_stats v;
    nvo_traffic_vm_get_stats(r.sim->traffic, &v);
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(r.sim->traffic, &ts);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(r.sim->overlay, &t);
    ck_assert_uint_gt(v.arp_queue_drops, 0);
    /* Each request's queue keeps its newest frame and drops the others
     * (no retransmission: a reply takes microseconds, retransmit is 1 s),
     * and every queue was resolved. */
    ck_assert_uint_eq(v.arp_waiting, 0);
    ck_assert_uint_eq(v.arp_queue_drops, v.arp_queued - v.arp_requests);
    ck_assert_uint_eq(v.arp_hits + v.arp_queued, ts.flows_started * 100);
    ck_assert_uint_eq(ts.pkts_delivered,
                      ts.flows_started * 100 - v.arp_queue_drops);
    ck_assert_uint_eq(t.c.vm_frames, ts.flows_started * 100
                      - v.arp_queue_drops + 2 * v.arp_requests);
    ck_assert_uint_gt(ts.flows_lost, 0);
    ck_assert_uint_eq(ts.flows_completed + ts.flows_lost, ts.flows_started);
    ck_assert_uint_eq(r.sim->dropped, 0);       /* none in the fabric */
    run_free(&r);
}
END_TEST

/* Two VMs of one tenant on hv1-1 and hv1-2, each sending 100-frame flows
 * to the other at 0.002 flows/s for 3000 s; MAC aging 300 s.  Replayed
 * over the flows: a VM sends a request when its cache has no live entry
 * (the target then caches it too, the PEs see both MACs); a flow's frames
 * are unknown unicast (all 100: UDP, nothing comes back) when its PE last
 * saw the destination MAC 300 s or more before. */
static void
aging_reference(const char *timeout, nvo_time_t tau, uint64_t *requests,
                uint64_t *unknown, uint64_t *known_after)
{
    char set_to[64];
    g_snprintf(set_to, sizeof set_to, "overlay.arp.cache-timeout=%s",
               timeout);
    struct run r;
    run_scenario(&r, "scenarios/overlay-encap.xml",
                 (const char *const[]) {
                     "overlay.tenants.count=1",
                     "overlay.tenants.vms-per-tenant=2", set_to,
                     "run.duration=3000s",
                     "traffic.flows.arrival.rate=0.002" }, 5);
    const nvo_time_t aging = 300 * NVO_SEC, margin = 10 * NVO_MS;
    nvo_time_t arp_exp[2] = { -1, -1 };     /* VM x's entry for the other */
    nvo_time_t seen[2] = { INT64_MIN / 2, INT64_MIN / 2 };
                                /* when the other VM's PE last saw x */
    nvo_time_t last_start = INT64_MIN / 2;
    uint64_t req = 0, unk = 0, known = 0, flows = 0;
    uint32_t a, b;
    nvo_time_t s;
    for (uint64_t i = 0; nvo_traffic_flow(r.sim->traffic, i, &a, &b, &s);
         i++) {
        ck_assert_uint_eq(a + b, 1);
        ck_assert_msg(s - last_start > margin, "flows overlap");
        last_start = s;
        flows++;
        if (arp_exp[a] < 0 || s >= arp_exp[a]) {
            ck_assert_msg(arp_exp[a] < 0 || s - arp_exp[a] > margin,
                          "a flow at the ARP expiry");
            req++;
            arp_exp[a] = arp_exp[b] = s + tau;
            seen[a] = seen[b] = s;
        }
        nvo_time_t gap = s - seen[b];
        ck_assert_msg(llabs(gap - aging) > margin, "a flow at the aging");
        if (gap >= aging) {
            unk += 100;
        } else {
            known++;
        }
        seen[a] = s;
    }
    ck_assert_uint_ge(flows, 6);
    struct nvo_traffic_vm_stats v;
    nvo_traffic_vm_get_stats(r.sim->traffic, &v);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(r.sim->overlay, &t);
    ck_assert_uint_eq(v.arp_requests, req);
    ck_assert_uint_eq(v.arp_replies, req);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_UNKNOWN], unk);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_BROADCAST], req);
    /* One flooded copy per unknown frame or request (2 PEs). */
    ck_assert_uint_eq(t.c.bum_copies, unk + req);
    *requests = req;
    *unknown = unk;
    *known_after = known;
    run_free(&r);
}

START_TEST(aging_brings_unknown_unicast_back)
{
    uint64_t req, unk, known;
    /* The ARP cache outlives the MAC tables: after a silence of 300 s the
     * VM still knows the MAC, the PE does not: unknown unicast again. */
    aging_reference("10000s", 10000 * NVO_SEC, &req, &unk, &known);
    ck_assert_uint_eq(req, 1);
    ck_assert_uint_gt(unk, 0);
    ck_assert_uint_gt(known, 0);
    /* A 200 s cache, shorter than the aging: the request and reply that
     * renew it teach both PEs the MACs again, so never unknown. */
    aging_reference("200s", 200 * NVO_SEC, &req, &unk, &known);
    ck_assert_uint_gt(req, 1);
    ck_assert_uint_eq(unk, 0);
}
END_TEST

/* overlay-nlb: tenant 0's VMs 0..3 are the cluster (on hv1-1..hv2-2);
 * each tenant has 2 VMs on each of the 8 PEs.  Every frame to the
 * cluster MAC is unknown unicast (no PE ever learns it): 7 copies to the
 * PEs, 1 to the other local VM of the tenant; the 4 members receive it,
 * 3 of them drop it as NLB's filter does; the PEs without a member and a
 * local non-member drop it (no-vm).  ARP requests are the other BUM. */
START_TEST(nlb_keeps_flooding)
{
    struct run r;
    run_scenario(&r, "scenarios/overlay-nlb.xml", NULL, 0);
    struct nvo_sim_overlay *o = r.sim->overlay;
    struct nvo_traffic_vm_stats v;
    nvo_traffic_vm_get_stats(r.sim->traffic, &v);
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(r.sim->traffic, &ts);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    const struct nvo_pe_node_counters *c = &t.c;
    ck_assert_uint_eq(o->n_nlb, 1);
    ck_assert_uint_eq(o->nlb[0].ip4, 0x0a000011);
    static const uint8_t mac[6] = { 0x02, 0xbf, 0x0a, 0x00, 0x00, 0x11 };
    ck_assert_int_eq(memcmp(o->nlb[0].mac, mac, 6), 0);
    uint64_t nlb = v.nlb_frames;
    ck_assert_uint_ge(nlb, 100);
    ck_assert_uint_eq(nlb % 100, 0);          /* whole flows */
    ck_assert_uint_eq(c->bum[NVO_BUM_UNKNOWN], nlb);
    ck_assert_uint_eq(c->bum[NVO_BUM_BROADCAST], v.arp_requests);
    uint64_t bum = c->bum[NVO_BUM_UNKNOWN] + c->bum[NVO_BUM_BROADCAST];
    ck_assert_uint_eq(c->bum_copies, 7 * bum);
    ck_assert_uint_eq(c->bum_local_copies, bum);
    ck_assert_uint_eq(v.nlb_copies_ignored, 3 * nlb);
    /* Drops, flow by flow: VM k of tenant 0 is on PE k mod 8, with VM
     * (k + 8) mod 16; the PEs without a member drop the copy, and so does
     * the sender's neighbour if it is not a member. */
    uint64_t to_cluster = 0, no_vm = 0;
    uint32_t a, b;
    nvo_time_t s;
    for (uint64_t i = 0; nvo_traffic_flow(r.sim->traffic, i, &a, &b, &s);
         i++) {
        if (b >= 4 || a < 4) {
            continue;           /* not a client to the cluster */
        }
        uint32_t pe = a % 8, remote_members = pe < 4 ? 3 : 4;
        uint32_t neighbour = (a + 8) % 16;
        to_cluster += 100;
        no_vm += 100 * ((7 - remote_members) + (neighbour >= 4));
    }
    ck_assert_uint_eq(to_cluster, nlb);
    ck_assert_uint_eq(c->drops[NVO_PE_DROP_NO_VM], no_vm);
    /* The cluster MAC is never learned anywhere. */
    for (uint32_t i = 0; i < o->n_pes; i++) {
        ck_assert_ptr_null(nvo_mac_table_lookup(
            nvo_pe_node_mac_table(o->pes[i]), 5000,
            nvo_mac_from_bytes(mac), nvo_engine_now(r.sim->engine)));
    }
    ck_assert_uint_eq(ts.flows_completed, ts.flows_started);
    ck_assert_uint_eq(ts.pkts_delivered, ts.flows_started * 100);
    ck_assert_str_eq(summary_cell(r.sim, "vm_moves"), "");   /* no <move> */
    run_free(&r);
}
END_TEST

/* The summary.csv cell of 'column' (a static copy). */
static const char *
summary_cell(const struct nvo_sim *sim, const char *column)
{
    static char cell[64];
    char *head = nvo_sim_summary_header();
    char *row = nvo_sim_summary_row(sim);
    gchar **h = g_strsplit(head, ",", -1), **v = g_strsplit(row, ",", -1);
    ck_assert_uint_eq(g_strv_length(h), g_strv_length(v));
    cell[0] = '\0';
    bool found = false;
    for (guint i = 0; h[i]; i++) {
        if (!strcmp(h[i], column)) {
            g_strlcpy(cell, v[i], sizeof cell);
            found = true;
        }
    }
    ck_assert_msg(found, "no column %s", column);
    g_strfreev(h);
    g_strfreev(v);
    g_free(head);
    g_free(row);
    return cell;
}

/* overlay-vm-move: VM 0 (tenant 0, VNI 5000) moves from hv1-1 to hv4-2 at
 * 1 ms and is announced once.  Afterwards the 7 other PEs of the tenant
 * hold its MAC as remote at hv4-2 and hv4-2 as local: 7 moves (6 PEs
 * re-pointed from hv1-1, hv4-2 from remote to local; hv1-1 removed its
 * local entry and learns the MAC anew). */
static void
check_move(const char *announce, bool rarp)
{
    char set[64];
    g_snprintf(set, sizeof set, "overlay.move.announce=%s", announce);
    struct run r;
    run_scenario(&r, "scenarios/overlay-vm-move.xml",
                 (const char *const[]) { set }, 1);
    struct nvo_sim_overlay *o = r.sim->overlay;
    uint32_t to = nvo_topo_cfg_find_node(r.cfg->topo, "hv4-2");
    uint32_t from = nvo_topo_cfg_find_node(r.cfg->topo, "hv1-1");
    ck_assert_uint_eq(o->vms[0].node, to);
    ck_assert_uint_eq(o->moves_done, 1);
    ck_assert_uint_eq(rarp ? o->announce_rarp : o->announce_garp, 1);
    ck_assert_uint_eq(rarp ? o->announce_garp : o->announce_rarp, 0);
    uint64_t vm_mac = nvo_mac_from_bytes(o->vms[0].mac), at_new = 0;
    for (uint32_t i = 0; i < o->n_pes; i++) {
        const struct nvo_mac_entry *e = nvo_mac_table_lookup(
            nvo_pe_node_mac_table(o->pes[i]), 5000, vm_mac,
            nvo_engine_now(r.sim->engine));
        ck_assert_ptr_nonnull(e);
        if (nvo_pe_node_index(o->pes[i]) == to) {
            ck_assert(!(e->flags & NVO_MAC_REMOTE));
        } else {
            ck_assert(e->flags & NVO_MAC_REMOTE);
            at_new += e->loc == to;
        }
        ck_assert_uint_eq(nvo_pe_node_counters(o->pes[i])->vms_removed,
                          nvo_pe_node_index(o->pes[i]) == from);
    }
    ck_assert_uint_eq(at_new, 7);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    ck_assert_uint_eq(t.c.moves, 7);
    struct nvo_traffic_vm_stats v;
    nvo_traffic_vm_get_stats(r.sim->traffic, &v);
    /* BUM by type: every broadcast is an ARP request, a NetBIOS
     * broadcast or the announcement; every multicast an mDNS query. */
    ck_assert_uint_gt(v.broadcasts, 0);
    ck_assert_uint_gt(v.multicasts, 0);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_BROADCAST],
                      v.arp_requests + v.broadcasts + 1);
    ck_assert_uint_eq(t.c.bum[NVO_BUM_MULTICAST], v.multicasts);
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(r.sim->traffic, &ts);
    ck_assert_uint_eq(ts.flows_completed, ts.flows_started);
    ck_assert_uint_eq(r.sim->generated, t.c.frames_out);
    /* summary.csv: arp_requests and vm_moves. */
    char *want = g_strdup_printf("%" PRIu64, v.arp_requests);
    ck_assert_str_eq(summary_cell(r.sim, "arp_requests"), want);
    ck_assert_str_eq(summary_cell(r.sim, "vm_moves"), "1");
    g_free(want);
    run_free(&r);
}

START_TEST(move_updates_every_pe)
{
    check_move("rarp", true);
    check_move("garp", false);
}
END_TEST

static void
expect_error(const char *scen, const char *const *sets, size_t n,
             const char *want)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(nvo_test_src(scen),
                                                     sets, n, &error);
    ck_assert_msg(!cfg && error, "%s: accepted", sets[n - 1]);
    ck_assert_msg(strstr(error->message, want), "\"%s\" not in: %s", want,
                  error->message);
    g_error_free(error);
}

START_TEST(bad_input)
{
    const char *mv = "scenarios/overlay-vm-move.xml";
    const char *nl = "scenarios/overlay-nlb.xml";
    expect_error(mv, (const char *const[]) { "overlay.move.to=leaf1" }, 1,
                 "<move to=\"leaf1\">: not a hypervisor");
    expect_error(mv, (const char *const[]) { "overlay.move.to=nowhere" }, 1,
                 "unknown node");
    expect_error(mv, (const char *const[]) { "overlay.move.at=2ms" }, 1,
                 "before the run's duration");
    expect_error(mv, (const char *const[]) { "overlay.move.vm=32" }, 1,
                 "vm");
    expect_error(mv, (const char *const[]) { "overlay.move.announce=ndp" },
                 1, "announce");
    expect_error(mv, (const char *const[]) { "overlay.bum.broadcast-rate=-1" },
                 1, "0 to 1e6");
    expect_error(mv, (const char *const[]) { "overlay.bum.multicast-rate=1e6",
                                             "run.duration=10s" }, 2,
                 "at most 1e+08");
    expect_error(mv, (const char *const[]) { "overlay.bum.broadcast-size=28" },
                 1, "broadcast-size");
    expect_error(mv, (const char *const[]) { "overlay.arp.cache-timeout=0s" },
                 1, "cache-timeout");
    expect_error(mv, (const char *const[]) { "overlay.arp.queue=0" }, 1,
                 "queue");
    /* The VM stacks need hypervisor PEs (the leaf VTEP mode refuses). */
    expect_error(mv, (const char *const[]) { "overlay.vtep=leaf" }, 1,
                 "\"leaf\" does not model the VMs' <arp>");
    expect_error(nl, (const char *const[]) { "overlay.vtep=leaf" }, 1,
                 "\"leaf\" does not model the VMs' <arp>");
    /* Nor multicast flooding. */
    expect_error("scenarios/overlay-flooding.xml",
                 (const char *const[]) { "overlay.vtep=leaf" }, 1,
                 "floods by ingress replication only");
    expect_error(nl, (const char *const[]) { "overlay.nlb.tenant=2" }, 1,
                 "tenant");
    expect_error(nl, (const char *const[]) { "overlay.nlb.vms=17" }, 1,
                 "vms");
    expect_error(nl, (const char *const[]) { "overlay.nlb[2].tenant=0",
                                             "overlay.nlb[2].vms=2" }, 2,
                 "has a cluster already");
    /* In a file: its name and line. */
    char *dir = nvo_test_tmpdir("vm-traffic-bad");
    char *path = g_build_filename(dir, "s.xml", NULL);
    char *text = g_strdup_printf(
        "<scenario name=\"s\">\n"
        "  <topology file=\"%s\"/>\n"
        "  <overlay>\n"
        "    <tenants count=\"2\" vms-per-tenant=\"2\"/>\n"
        "    <move vm=\"1\" to=\"spine1\" at=\"1us\"/>\n"
        "  </overlay>\n"
        "</scenario>\n", nvo_test_src("topologies/leaf-spine-small.xml"));
    ck_assert(g_file_set_contents(path, text, -1, NULL));
    GError *error = NULL;
    ck_assert_ptr_null(nvo_scenario_load(path, NULL, 0, &error));
    char *want = g_strdup_printf("%s:5: <move to=\"spine1\">: not a "
                                 "hypervisor", path);
    ck_assert_msg(strstr(error->message, want), "%s", error->message);
    g_free(want);
    g_error_free(error);
    remove(path);
    g_free(path);
    g_free(text);
    nvo_test_rmdir(dir);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("vm_traffic");
    TCase *tc = tcase_create("vm_traffic");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, cache_timeout_theory);
    tcase_add_test(tc, cache_queue_and_retransmit);
    tcase_add_test(tc, arp_rarp_bytes);
    tcase_add_test(tc, pe_second_mac_and_removal);
    tcase_add_test(tc, arp_once_per_pair);
    tcase_add_test(tc, arp_queue_limit_loses_frames);
    tcase_add_test(tc, aging_brings_unknown_unicast_back);
    tcase_add_test(tc, nlb_keeps_flooding);
    tcase_add_test(tc, move_updates_every_pe);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
