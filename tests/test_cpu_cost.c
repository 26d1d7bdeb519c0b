/* test_cpu_cost.c: the PE's CPU cost model (overlay/cpu_cost.h,
 * docs/cpu.md): the formulas by hand, then PEs on a leaf-spine (2 spines,
 * 2 leaves, 2 PEs per leaf) whose counted cycles equal the formulas for
 * known frames: ingress replication's replicas, unicast, checksum offload
 * off, and STT with and without TSO (the per-frame cost once per tenant
 * frame or once per segment, on both ends). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fabric/net.h"
#include "overlay/cpu_cost.h"
#include "overlay/pe_node.h"
#include "testutil.h"
#include "wire/wire.h"

#define N_PES 4
#define VNI 5000

/* Costs in cycles: encap 1000 + 0.5 / byte, decap 800 + 0.25 / byte,
 * replica 300 + 0.125 / byte, software checksum 2 / byte. */
static struct nvo_cpu_cost_cfg
costs(bool tso, bool csum)
{
    struct nvo_cpu_cost_cfg c;
    memset(&c, 0, sizeof c);
    c.enabled = true;
    c.tso = tso;
    c.csum_offload = csum;
    c.encap_frame = 1000000;
    c.encap_byte = 500;
    c.decap_frame = 800000;
    c.decap_byte = 250;
    c.replica_frame = 300000;
    c.replica_byte = 125;
    c.csum_byte = 2000;
    return c;
}

START_TEST(formulas)
{
    struct nvo_cpu_cost_cfg c = costs(true, true);
    /* 1000 + 1000 * 0.5 = 1500 cycles, whatever the segments with TSO. */
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 1), 1500000);
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 3), 1500000);
    ck_assert_uint_eq(nvo_cpu_decap_mc(&c, 1000), 1050000);
    ck_assert_uint_eq(nvo_cpu_replica_mc(&c, 1000), 425000);
    ck_assert_uint_eq(nvo_cpu_rx_segment_mc(&c), 0);
    /* Without TSO: 3 segments, 3 * 1000 + 500. */
    c = costs(false, true);
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 3), 3500000);
    ck_assert_uint_eq(nvo_cpu_rx_segment_mc(&c), 800000);
    /* Without checksum offload: + 2 cycles per byte on both ends; a
     * replica's own cost is the copy, not a checksum. */
    c = costs(true, false);
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 1), 3500000);
    ck_assert_uint_eq(nvo_cpu_decap_mc(&c, 1000), 3050000);
    ck_assert_uint_eq(nvo_cpu_replica_mc(&c, 1000), 425000);
    /* Off: nothing. */
    c.enabled = false;
    ck_assert_uint_eq(nvo_cpu_encap_mc(&c, 1000, 3), 0);
    ck_assert_uint_eq(nvo_cpu_decap_mc(&c, 1000), 0);
    ck_assert_uint_eq(nvo_cpu_replica_mc(&c, 1000), 0);
    ck_assert_uint_eq(nvo_cpu_rx_segment_mc(&c), 0);

    uint64_t mc = 7;
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(0.125, &mc), 0);
    ck_assert_uint_eq(mc, 125);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(1755, &mc), 0);
    ck_assert_uint_eq(mc, 1755000);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(0.1, &mc), 0);
    ck_assert_uint_eq(mc, 100);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(1e9, &mc), 0);
    ck_assert_uint_eq(mc, 1000000000000ull);
    mc = 7;
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(0.0001, &mc), EINVAL);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(-1, &mc), EINVAL);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(1e9 + 1, &mc), EINVAL);
    ck_assert_int_eq(nvo_cpu_cycles_to_mc(NAN, &mc), EINVAL);
    ck_assert_uint_eq(mc, 7);
    char buf[32];
    nvo_cpu_format_mc(1500125, buf, sizeof buf);
    ck_assert_str_eq(buf, "1500.125");
    nvo_cpu_format_mc(7, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.007");
}
END_TEST

struct fab {
    struct nvo_engine *e;
    struct nvo_net *net;
    struct nvo_pe_node *pe[N_PES];      /* pe0, pe1 on leaf1; pe2, pe3 */
};

static void
fab_build(struct fab *f, const struct nvo_encap_ops *ops,
          const struct nvo_cpu_cost_cfg *cpu)
{
    memset(f, 0, sizeof *f);
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(), nvo_test_scheduler(),
                                       &f->e), 0);
    struct nvo_net_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.convergence_delay = 50 * NVO_US;
    cfg.ecmp.fn = NVO_HASH_CRC32;
    cfg.ecmp.fields = NVO_ECMP_5TUPLE;
    cfg.ecmp.parser_depth = 128;
    cfg.seed_mode = NVO_SEED_PER_SWITCH;
    cfg.seed = cfg.run = 1;
    f->net = nvo_net_create(f->e, &cfg);
    int spine[2], leaf[2];
    char name[32];
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "spine%d", i + 1);
        spine[i] = nvo_net_add_node(f->net, name, NVO_ROLE_SPINE);
    }
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "leaf%d", i + 1);
        leaf[i] = nvo_net_add_node(f->net, name, NVO_ROLE_LEAF);
        for (int s = 0; s < 2; s++) {
            ck_assert_int_eq(nvo_net_add_link(f->net, (uint32_t) leaf[i],
                                              (uint32_t) spine[s], &l), 0);
        }
    }
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = ops;
    pc.cpu = *cpu;
    uint32_t list[N_PES];
    for (int i = 0; i < N_PES; i++) {
        snprintf(name, sizeof name, "pe%d", i);
        f->pe[i] = nvo_pe_node_create(f->net, name, &pc);
        ck_assert_ptr_nonnull(f->pe[i]);
        ck_assert_int_eq(nvo_net_add_link(f->net, nvo_pe_node_index(f->pe[i]),
                                          (uint32_t) leaf[i / 2], &l), 0);
        list[i] = nvo_pe_node_index(f->pe[i]);
    }
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
    /* One VM of the VNI on every PE, all four in the flood list. */
    for (int i = 0; i < N_PES; i++) {
        uint8_t mac[6] = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (i + 1) };
        uint32_t t, vm;
        ck_assert_int_eq(nvo_pe_node_add_tenant(f->pe[i], VNI, &t), 0);
        ck_assert_int_eq(nvo_pe_node_add_vm(f->pe[i], t, mac, 0, &vm), 0);
        ck_assert_int_eq(nvo_pe_node_set_flood(f->pe[i], t, list, N_PES), 0);
    }
}

/* A tenant UDP frame of 'len' bytes from the VM on PE 'from' to the VM
 * on PE 'to' (-1: broadcast); then 1 ms for it to arrive. */
static void
send(struct fab *f, int from, int to, uint32_t len)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    uint8_t src[6] = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (from + 1) };
    uint8_t dst[6] = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (to + 1) };
    memcpy(s.src_mac, src, 6);
    if (to < 0) {
        memset(s.dst_mac, 0xff, 6);
    } else {
        memcpy(s.dst_mac, dst, 6);
    }
    s.src_ip4 = 0x0a000001u + (uint32_t) from;
    s.dst_ip4 = to < 0 ? 0x0affffffu : 0x0a000001u + (uint32_t) to;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = 1000;
    s.dport = 80;
    p->payload_size = len - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_uint_eq(nvo_pkt_len(p), len);
    ck_assert_int_eq(nvo_pe_node_vm_send(f->pe[from], 0, 0, p), 0);
    nvo_engine_run(f->e, nvo_engine_now(f->e) + NVO_MS);
}

static void
fab_destroy(struct fab *f)
{
    nvo_net_destroy(f->net);
    nvo_engine_destroy(f->e);
}

/* VXLAN, offloads on: pe0's VM broadcasts 1000 bytes (3 replicas), then
 * pe1's VM sends n = 5 frames of 1000 bytes to pe0's VM (learned from the
 * broadcast: unicast).  By hand, in cycles:
 *   pe0: encap 3 * (1000 + 1000 * 0.5) = 4500, replicas 3 * (300 + 125)
 *        = 1275, decap 5 * (800 + 1000 * 0.25) = 5250;
 *   pe1: encap 5 * 1500 = 7500, decap 1050 (the broadcast);
 *   pe2, pe3: decap 1050 each. */
START_TEST(replicas_and_unicast)
{
    bool csum = _i == 0;
    struct nvo_cpu_cost_cfg cpu = costs(true, csum);
    struct fab f;
    fab_build(&f, &nvo_encap_vxlan_ops, &cpu);
    send(&f, 0, -1, 1000);
    for (int k = 0; k < 5; k++) {
        send(&f, 1, 0, 1000);
    }
    /* Without checksum offload, every encap and decap adds 2 per byte. */
    uint64_t x = csum ? 0 : 2000;
    const struct nvo_pe_node_counters *c[N_PES];
    for (int i = 0; i < N_PES; i++) {
        c[i] = nvo_pe_node_counters(f.pe[i]);
    }
    ck_assert_uint_eq(c[0]->bum_copies, 3);
    ck_assert_uint_eq(c[1]->remote_unicast, 5);
    ck_assert_uint_eq(c[0]->cpu_encap_mc, 3 * (1500000 + 1000 * x));
    ck_assert_uint_eq(c[0]->cpu_replica_mc, 3 * 425000);
    ck_assert_uint_eq(c[0]->cpu_decap_mc, 5 * (1050000 + 1000 * x));
    ck_assert_uint_eq(c[1]->cpu_encap_mc, 5 * (1500000 + 1000 * x));
    ck_assert_uint_eq(c[1]->cpu_replica_mc, 0);
    ck_assert_uint_eq(c[1]->cpu_decap_mc, 1050000 + 1000 * x);
    for (int i = 2; i < N_PES; i++) {
        ck_assert_uint_eq(c[i]->cpu_encap_mc, 0);
        ck_assert_uint_eq(c[i]->cpu_decap_mc, 1050000 + 1000 * x);
    }
    /* The tenant's counters hold the same (one tenant per PE). */
    const struct nvo_pe_node_counters *t0 =
        nvo_pe_node_tenant_counters(f.pe[0], 0);
    ck_assert_uint_eq(t0->cpu_encap_mc, c[0]->cpu_encap_mc);
    ck_assert_uint_eq(t0->cpu_replica_mc, c[0]->cpu_replica_mc);
    ck_assert_uint_eq(t0->cpu_decap_mc, c[0]->cpu_decap_mc);
    fab_destroy(&f);
}
END_TEST

/* STT, a 4000-byte tenant frame from pe0 to pe1 (after a broadcast from
 * pe1 taught pe0 where it is): 3 segments at MTU 1500 (test_pe_fabric).
 * With TSO the per-frame cost is paid once on each end: encap 1000 + 4000
 * * 0.5 = 3000, decap 800 + 4000 * 0.25 = 1800; without it once per
 * segment: encap 3 * 1000 + 2000 = 5000, decap 1800 + 2 * 800 = 3400. */
START_TEST(stt_tso)
{
    bool tso = _i == 0;
    struct nvo_cpu_cost_cfg cpu = costs(tso, true);
    struct fab f;
    fab_build(&f, &nvo_encap_stt_ops, &cpu);
    send(&f, 1, -1, 100);
    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(f.pe[0]);
    const struct nvo_pe_node_counters *b = nvo_pe_node_counters(f.pe[1]);
    uint64_t a_decap = a->cpu_decap_mc, b_encap = b->cpu_encap_mc;
    /* The 100-byte broadcast: one segment each, 1000 + 50 and 800 + 25. */
    ck_assert_uint_eq(b_encap, 3 * 1050000);
    ck_assert_uint_eq(a_decap, 825000);
    send(&f, 0, 1, 4000);
    ck_assert_uint_eq(a->frames_out, 3);
    ck_assert_uint_eq(b->rx_segments, 2);
    ck_assert_uint_eq(a->cpu_encap_mc, (tso ? 3000000 : 5000000));
    ck_assert_uint_eq(b->cpu_decap_mc, (tso ? 1800000 : 3400000));
    ck_assert_uint_eq(b->cpu_encap_mc, b_encap);
    fab_destroy(&f);
}
END_TEST

/* Without <cpu> nothing is counted. */
START_TEST(off_counts_nothing)
{
    struct nvo_cpu_cost_cfg cpu;
    memset(&cpu, 0, sizeof cpu);
    struct fab f;
    fab_build(&f, &nvo_encap_vxlan_ops, &cpu);
    send(&f, 0, -1, 1000);
    send(&f, 1, 0, 1000);
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        ck_assert_uint_eq(c->cpu_encap_mc + c->cpu_replica_mc
                          + c->cpu_decap_mc, 0);
    }
    ck_assert_uint_eq(nvo_pe_node_counters(f.pe[0])->rx_decap, 1);
    fab_destroy(&f);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("cpu_cost");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, formulas);
    tcase_add_loop_test(tc, replicas_and_unicast, 0, 2);
    tcase_add_loop_test(tc, stt_tso, 0, 2);
    tcase_add_test(tc, off_counts_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(suite());
}
