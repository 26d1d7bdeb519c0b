/* test_mcast.c: the IP-multicast underlay flooding of the overlay:
 * IGMPv3 / PIMv2 golden bytes and decoders (wire/igmp.h, wire/pim.h), and
 * on a leaf-spine built here (2 spines x 4 leaves x 2 PEs, RP spine1) the
 * (*,G) / (S,G) state the joins imply, one copy per tree link per BUM
 * frame counted on every link, the unwanted deliveries of N:1 groups,
 * ingress replication's n - 1 copies against multicast's 1,
 * conservation with replicas, the group hash picking the spine when the
 * RP is a leaf, and tshark decoding the captured IGMP and PIM. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/mcast.h"
#include "fabric/net.h"
#include "io/config.h"
#include "io/pcap_out.h"
#include "overlay/pe_node.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/igmp.h"
#include "wire/pim.h"
#include "wire/wire.h"

/* This suite's tshark lines (tests/testfabric). */
#define run_tshark(path, args, lines, max)                                  \
    nvo_test_tshark(path, args, lines[0], sizeof lines[0], max,            \
                    NVO_TEST_TSHARK_STRIP)

/* ---- Golden bytes (computed independently, by a Python script of the
 * RFC 3376 / RFC 7761 layouts and the RFC 1071 checksum) ------------- */

static size_t
unhex(const char *h, uint8_t *out)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) {
        unsigned int v;
        ck_assert_int_eq(sscanf(h, "%2x", &v), 1);
        out[n++] = (uint8_t) v;
    }
    return n;
}

START_TEST(igmp_golden)
{
    const struct nvo_igmp_record r[2] = {
        { .type = NVO_IGMP_TO_EX, .group = 0xef010000u },
        { .type = NVO_IGMP_TO_EX, .group = 0xef010001u },
    };
    uint8_t buf[64], want[64];
    ck_assert_uint_eq(nvo_igmp_v3_report_len(2), 24);
    nvo_igmp_v3_report_encode(buf, r, 2);
    size_t n = unhex("2200f7f80000000204000000ef01000004000000ef010001", want);
    ck_assert_uint_eq(n, 24);
    ck_assert_mem_eq(buf, want, 24);
    /* The IPv4 header: IHL 6, TOS 0xc0, TTL 1, protocol 2, Router Alert. */
    nvo_igmp_ipv4_encode(buf, NVO_IPPROTO_IGMP, 0x0a000009u,
                         NVO_IGMP_ALL_V3_ROUTERS, 24);
    n = unhex("46c0003000000000010239e90a000009e000001694040000", want);
    ck_assert_uint_eq(n, NVO_IGMP_IP_LEN);
    ck_assert_mem_eq(buf, want, NVO_IGMP_IP_LEN);
    ck_assert(nvo_ipv4_csum_ok(buf, NVO_IGMP_IP_LEN));
    /* Decode: the records back; a flipped bit or a short buffer refused. */
    nvo_igmp_v3_report_encode(buf, r, 2);
    struct nvo_igmp_record d[4];
    size_t k = 0;
    ck_assert_int_eq(nvo_igmp_v3_report_decode(buf, 24, d, 4, &k), 0);
    ck_assert_uint_eq(k, 2);
    ck_assert_uint_eq(d[1].group, 0xef010001u);
    ck_assert_uint_eq(d[1].type, NVO_IGMP_TO_EX);
    ck_assert_uint_eq(d[1].n_sources, 0);
    ck_assert_int_eq(nvo_igmp_v3_report_decode(buf, 16, d, 4, &k), EBADMSG);
    buf[9] ^= 1;
    ck_assert_int_eq(nvo_igmp_v3_report_decode(buf, 24, d, 4, &k), EBADMSG);
    buf[9] ^= 1;
    /* A record claiming sources beyond the end (checksum fixed up). */
    buf[10] = 0;
    buf[11] = 9;
    buf[2] = buf[3] = 0;
    nvo_wr16(buf + 2, nvo_inet_csum(buf, 24));
    ck_assert_int_eq(nvo_igmp_v3_report_decode(buf, 24, d, 4, &k), EBADMSG);
    /* A General Query: Max Resp Code 100 (10 s), QRV 2, QQIC 125. */
    nvo_igmp_query_encode(buf, NVO_IGMP_MAX_RESP_CODE,
                          NVO_IGMP_QUERY_INTERVAL_S);
    n = unhex("1164ec1e00000000027d0000", want);
    ck_assert_uint_eq(n, NVO_IGMP_QUERY_LEN);
    ck_assert_mem_eq(buf, want, n);
    uint32_t grp = 1, ds = 0;
    ck_assert_int_eq(nvo_igmp_query_decode(buf, n, &grp, &ds), 0);
    ck_assert_uint_eq(grp, 0);
    ck_assert_uint_eq(ds, 100);
    /* The exponential form (RFC 3376 4.1.1): 0x8f is (0xf | 0x10) << 3. */
    buf[1] = 0x8f;
    buf[2] = buf[3] = 0;
    nvo_wr16(buf + 2, nvo_inet_csum(buf, n));
    ck_assert_int_eq(nvo_igmp_query_decode(buf, n, &grp, &ds), 0);
    ck_assert_uint_eq(ds, 248);
    ck_assert_int_eq(nvo_igmp_query_decode(buf, 8, &grp, &ds), EBADMSG);
    ck_assert_int_eq(nvo_igmp_v3_report_decode(buf, n, d, 4, &k), EBADMSG);
    buf[11] = 1;                        /* a source beyond the end */
    ck_assert_int_eq(nvo_igmp_query_decode(buf, n, &grp, &ds), EBADMSG);
    uint8_t mac[6];
    nvo_ip4_mcast_mac(0xefff8102u, mac);    /* 239.255.129.2 */
    const uint8_t wmac[6] = { 0x01, 0x00, 0x5e, 0x7f, 0x81, 0x02 };
    ck_assert_mem_eq(mac, wmac, 6);
}
END_TEST

START_TEST(pim_golden)
{
    uint8_t buf[128], want[128];
    nvo_pim_hello_encode(buf, 0x01020304u);
    size_t n = unhex("2000db5d00010002006900130004000000010014000401020304",
                     want);
    ck_assert_uint_eq(n, NVO_PIM_HELLO_LEN);
    ck_assert_mem_eq(buf, want, n);
    uint8_t type = 99;
    ck_assert_int_eq(nvo_pim_decode_header(buf, n, &type), 0);
    ck_assert_uint_eq(type, NVO_PIM_HELLO);
    struct nvo_pim_jp_entry e[2] = {
        { .group = 0xef010000u, .source = 0x0a000001u, .flags = 7,
          .join = true },
        { .group = 0xef010001u, .source = 0x0a000001u, .flags = 7,
          .join = true },
    };
    ck_assert_uint_eq(nvo_pim_jp_len(2), 54);
    nvo_pim_jp_encode(buf, 0xac100001u, e, 2);
    n = unhex("23002a910100ac100001000200d201000020ef010000000100000100072"
              "00a00000101000020ef01000100010000010007200a000001", want);
    ck_assert_uint_eq(n, 54);
    ck_assert_mem_eq(buf, want, n);
    e[0].group_flags = NVO_PIM_GRP_B;
    nvo_pim_jp_encode(buf, 0xac100001u, e, 1);
    n = unhex("2300acd60100ac100001000100d201008020ef010000000100000100072"
              "00a000001", want);
    ck_assert_mem_eq(buf, want, n);
    uint32_t up = 0;
    uint16_t hold = 0;
    struct nvo_pim_jp_entry d[4];
    size_t k = 0;
    ck_assert_int_eq(nvo_pim_jp_decode(buf, n, &up, &hold, d, 4, &k), 0);
    ck_assert_uint_eq(up, 0xac100001u);
    ck_assert_uint_eq(hold, 210);
    ck_assert_uint_eq(k, 1);
    ck_assert_uint_eq(d[0].group, 0xef010000u);
    ck_assert_uint_eq(d[0].group_flags, NVO_PIM_GRP_B);
    ck_assert_uint_eq(d[0].source, 0x0a000001u);
    ck_assert_uint_eq(d[0].flags, 7);
    ck_assert(d[0].join);
    ck_assert_int_eq(nvo_pim_jp_decode(buf, n - 1, &up, &hold, d, 4, &k),
                     EBADMSG);
    buf[20] ^= 0x10;
    ck_assert_int_eq(nvo_pim_jp_decode(buf, n, &up, &hold, d, 4, &k),
                     EBADMSG);
    /* A Hello is not a Join/Prune. */
    nvo_pim_hello_encode(buf, 7);
    ck_assert_int_eq(nvo_pim_jp_decode(buf, NVO_PIM_HELLO_LEN, &up, &hold, d,
                                       4, &k), EBADMSG);
    /* The group hash (murmur3's finalizer), by the same script. */
    ck_assert_uint_eq(nvo_mcast_hash(0xef010000u), 0x7a623424u);
    ck_assert_uint_eq(nvo_mcast_hash(0xef010002u), 0xf348b8d7u);
}
END_TEST

/* ---- The fabric --------------------------------------------------------- */

#define N_SPINES 2
#define N_LEAVES 4
#define PPL 2
#define N_PES (N_LEAVES * PPL)
#define MAX_T 4
#define G0 0xef010000u              /* 239.1.0.0 */
#define G1 0xef010001u

struct fab {
    struct nvo_engine *e;
    struct nvo_net *net;
    int spine[N_SPINES], leaf[N_LEAVES];
    struct nvo_pe_node *pe[N_PES];
    uint32_t tenant[N_PES][MAX_T];  /* local tenant index, or UINT32_MAX */
};

static void
fab_build(struct fab *f, bool mcast, enum nvo_mcast_pim pim, int rp_leaf)
{
    memset(f, 0, sizeof *f);
    memset(f->tenant, 0xff, sizeof f->tenant);
    struct nvo_net_cfg cfg;
    nvo_test_net_cfg(&cfg);
    cfg.seed_mode = NVO_SEED_PER_SWITCH;
    f->net = nvo_test_net(&cfg, &f->e);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    nvo_test_leaf_spine(f->net, 1, N_SPINES, N_LEAVES, &l, f->spine, f->leaf);
    char name[32];
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_vxlan_ops;
    for (int i = 0; i < N_PES; i++) {
        snprintf(name, sizeof name, "pe%d", i);
        f->pe[i] = nvo_pe_node_create(f->net, name, &pc);
        ck_assert_ptr_nonnull(f->pe[i]);
        ck_assert_int_eq(nvo_net_add_link(f->net,
                                          nvo_pe_node_index(f->pe[i]),
                                          (uint32_t) f->leaf[i / PPL], &l), 0);
    }
    if (mcast) {
        struct nvo_mcast_cfg mc = {
            .pim = pim,
            .rp = (uint32_t) (rp_leaf >= 0 ? f->leaf[rp_leaf] : f->spine[0]),
        };
        ck_assert_int_eq(nvo_mcast_attach(f->net, &mc), 0);
        ck_assert_int_eq(nvo_mcast_attach(f->net, &mc), EINVAL);
    }
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
}

static void
vm_mac(int pe, int t, uint8_t mac[6])
{
    uint8_t m[6] = { 0x02, 0, 0, 0, (uint8_t) (0x10 + t), (uint8_t) (pe + 1) };
    memcpy(mac, m, 6);
}

/* Tenant t (VNI 5000 + t) with one VM on each PE of 'pes' (n of them);
 * floods to group 'group' (0: ingress replication over those PEs). */
static void
fab_tenant(struct fab *f, int t, const int *pes, int n, uint32_t group)
{
    uint32_t list[N_PES];
    for (int i = 0; i < n; i++) {
        list[i] = nvo_pe_node_index(f->pe[pes[i]]);
    }
    for (int i = 0; i < n; i++) {
        struct nvo_pe_node *pe = f->pe[pes[i]];
        uint32_t lt, vm;
        uint8_t mac[6];
        vm_mac(pes[i], t, mac);
        ck_assert_int_eq(nvo_pe_node_add_tenant(pe, 5000 + (uint32_t) t,
                                                &lt), 0);
        ck_assert_int_eq(nvo_pe_node_add_vm(pe, lt, mac, 0, &vm), 0);
        f->tenant[pes[i]][t] = lt;
        if (group) {
            ck_assert_int_eq(nvo_pe_node_set_mcast_group(pe, lt, group), 0);
        } else {
            ck_assert_int_eq(nvo_pe_node_set_flood(pe, lt, list,
                                                   (uint32_t) n), 0);
        }
    }
}

static void
settle(struct fab *f)
{
    nvo_engine_run(f->e, nvo_engine_now(f->e) + NVO_MS);
}

/* Starts the net (Hellos, the PEs' IGMP reports) and lets the joins
 * reach the RP. */
static void
fab_start(struct fab *f)
{
    nvo_net_start(f->net);
    settle(f);
}

/* A broadcast of 'len' bytes from the VM of tenant t on PE 'from'. */
static void
bcast(struct fab *f, int from, int t, uint32_t len)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    vm_mac(from, t, s.src_mac);
    memset(s.dst_mac, 0xff, 6);
    s.src_ip4 = 0xc0a80001u + (uint32_t) from;
    s.dst_ip4 = 0xc0a800ffu;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = 1000;
    s.dport = 80;
    p->payload_size = len - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_uint_ne(f->tenant[from][t], UINT32_MAX);
    ck_assert_int_eq(nvo_pe_node_vm_send(f->pe[from], f->tenant[from][t], 0,
                                         p), 0);
}

static void
fab_destroy(struct fab *f)
{
    nvo_net_destroy(f->net);
    nvo_engine_destroy(f->e);
}

static uint32_t
node_of(const struct fab *f, int kind, int i)
{
    return kind == 0 ? (uint32_t) f->spine[i]
           : kind == 1 ? (uint32_t) f->leaf[i] : nvo_pe_node_index(f->pe[i]);
}

/* Frames of class 'tc' node a sent to node b. */
static uint64_t
sent(const struct fab *f, uint32_t a, uint32_t b, enum nvo_tclass tc)
{
    const struct nvo_node *n = nvo_net_node(f->net, a);
    for (uint32_t k = 0; k < n->n_ports; k++) {
        if (n->peer[k] == b) {
            return n->ports[k].st.tx_frames[tc];
        }
    }
    ck_abort_msg("no link %u - %u", a, b);
    return 0;
}

static uint64_t
bum_total(const struct fab *f, uint64_t *bytes)
{
    uint64_t fr = 0, by = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        const struct nvo_node *n = nvo_net_node(f->net, i);
        for (uint32_t k = 0; k < n->n_ports; k++) {
            fr += n->ports[k].st.tx_frames[NVO_TC_BUM];
            by += n->ports[k].st.tx_bytes[NVO_TC_BUM];
        }
    }
    if (bytes) {
        *bytes = by;
    }
    return fr;
}

/* generated = delivered + dropped + in flight (replicas and control
 * messages included), and nothing dropped. */
static void
check_conservation(const struct fab *f)
{
    uint64_t local = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        local += nvo_net_node(f->net, i)->n_local;
    }
    uint64_t drops = nvo_net_drops(f->net, NULL, NULL);
    ck_assert_uint_eq(drops, 0);
    ck_assert_uint_eq(f->net->n_generated,
                      local + drops + nvo_net_in_flight(f->net));
}

static uint32_t
star_g(const struct fab *f, uint32_t node)
{
    const struct nvo_mcast_sw_stats *s = nvo_mcast_stats(f->net, node);
    ck_assert_ptr_nonnull(s);
    return s->star_g;
}

/* One VNI on all 8 PEs (1:1 group G0), RP spine1.  Joins: every leaf has
 * (*,G0) with its 2 PEs, upstream spine1 (the one path); spine1 has it
 * with the 4 leaves; spine2 none: 5 (*,G).  Control: a Hello each way on
 * the 8 leaf-spine links (16), 8 IGMP reports, 4 Joins.  A broadcast from
 * pe0 is ONE copy from pe0; every link of the tree carries it once: pe0 ->
 * leaf1, leaf1 -> pe1, leaf1 -> spine1, spine1 -> leaf2..4, leaf2..4 ->
 * their PEs: 12 frames, 11 of them copies made by switches; never back
 * to pe0 or leaf1, nothing on spine2.  That is BIDIR.  PIM-SM registers
 * the source instead: leaf1 (the DR) sends the copy to pe1 and a
 * Register to spine1 in place of the native frame; spine1 decapsulates it
 * and sends it down all 4 leaves of the shared tree, leaf1 included,
 * which drops its copy (the RPF check: pe0's packets come from pe0's
 * port): 13 link frames, 11 switch copies as before plus the Register.
 * spine1 then joins (S,G) toward pe0 (one Join to leaf1).  (S,G) at
 * leaf1 and spine1: 7 entries; BIDIR stays at 5. */
START_TEST(one_vni_tree)
{
    enum nvo_mcast_pim pim = _i ? NVO_MCAST_PIM_BIDIR : NVO_MCAST_PIM_SM;
    struct fab f;
    fab_build(&f, true, pim, -1);
    const int all[N_PES] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    fab_tenant(&f, 0, all, N_PES, G0);
    fab_start(&f);
    uint32_t s1 = node_of(&f, 0, 0), s2 = node_of(&f, 0, 1);
    for (int l = 0; l < N_LEAVES; l++) {
        uint32_t L = node_of(&f, 1, l), oifs;
        int up;
        ck_assert_int_eq(nvo_mcast_entry(f.net, L, G0, &oifs, &up), 0);
        ck_assert_uint_eq(oifs, 2);
        ck_assert_uint_eq(nvo_net_node(f.net, L)->peer[up], s1);
        ck_assert_uint_eq(star_g(&f, L), 1);
        const struct nvo_mcast_sw_stats *st = nvo_mcast_stats(f.net, L);
        ck_assert_uint_eq(st->igmp_rx, 2);
        ck_assert_uint_eq(st->join_tx, 1);
        ck_assert_uint_eq(st->hello_tx, 2);
        ck_assert_uint_eq(st->hello_rx, 2);
        ck_assert_uint_eq(st->pim_neighbors, 2);
        ck_assert_uint_eq(sent(&f, L, s1, NVO_TC_CONTROL), 2);  /* Hello,
                                                                 * Join */
        ck_assert_uint_eq(sent(&f, L, s2, NVO_TC_CONTROL), 1);  /* Hello */
    }
    uint32_t oifs;
    int up;
    ck_assert_int_eq(nvo_mcast_entry(f.net, s1, G0, &oifs, &up), 0);
    ck_assert_uint_eq(oifs, 4);
    ck_assert_int_eq(up, -1);
    ck_assert_int_eq(nvo_mcast_entry(f.net, s2, G0, &oifs, &up), ENOENT);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s1)->join_rx, 4);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s2)->join_rx, 0);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s2)->hello_rx, 4);
    ck_assert_uint_eq(nvo_mcast_state_entries(f.net), 5);
    ck_assert_ptr_null(nvo_mcast_stats(f.net, nvo_pe_node_index(f.pe[0])));
    check_conservation(&f);
    /* 16 Hellos + 8 reports + 4 Joins, all consumed where they arrived. */
    ck_assert_uint_eq(f.net->n_generated, 28);

    bool sm = pim == NVO_MCAST_PIM_SM;
    bcast(&f, 0, 0, 1000);
    settle(&f);
    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(f.pe[0]);
    ck_assert_uint_eq(a->bum[NVO_BUM_BROADCAST], 1);
    ck_assert_uint_eq(a->bum_copies, 1);
    ck_assert_uint_eq(a->frames_out, 1);
    uint64_t bytes;
    /* The Register: 1050 bytes of the packet from its IP header on (1036)
     * behind Ethernet, an IPv4 header and the 8-byte Register header. */
    ck_assert_uint_eq(bum_total(&f, &bytes), sm ? 13 : 12);
    ck_assert_uint_eq(bytes, sm ? 12 * 1050 + 1050 + 28 : 12 * 1050);
    uint32_t L1 = node_of(&f, 1, 0);
    uint32_t p0 = node_of(&f, 2, 0);
    ck_assert_uint_eq(sent(&f, p0, L1, NVO_TC_BUM), 1);
    ck_assert_uint_eq(sent(&f, L1, p0, NVO_TC_BUM), 0);
    ck_assert_uint_eq(sent(&f, L1, node_of(&f, 2, 1), NVO_TC_BUM), 1);
    ck_assert_uint_eq(sent(&f, L1, s1, NVO_TC_BUM), 1);  /* SM: Register */
    ck_assert_uint_eq(sent(&f, L1, s2, NVO_TC_BUM), 0);
    ck_assert_uint_eq(sent(&f, s1, L1, NVO_TC_BUM), sm ? 1 : 0);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, L1)->register_tx, sm ? 1 : 0);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s1)->register_rx, sm ? 1 : 0);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, L1)->rpf_fail, sm ? 1 : 0);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s1)->register_stop_tx, 0);
    /* spine1's (S,G) Join to leaf1 (control class, after leaf1's Hello
     * and (*,G) Join). */
    ck_assert_uint_eq(sent(&f, s1, L1, NVO_TC_CONTROL), sm ? 2 : 1);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, L1)->join_rx, sm ? 1 : 0);
    for (int l = 1; l < N_LEAVES; l++) {
        uint32_t L = node_of(&f, 1, l);
        ck_assert_uint_eq(sent(&f, s1, L, NVO_TC_BUM), 1);
        ck_assert_uint_eq(sent(&f, s2, L, NVO_TC_BUM), 0);
        ck_assert_uint_eq(sent(&f, L, s1, NVO_TC_BUM), 0);
        ck_assert_uint_eq(sent(&f, L, s2, NVO_TC_BUM), 0);
        for (int k = 0; k < PPL; k++) {
            uint32_t P = node_of(&f, 2, l * PPL + k);
            ck_assert_uint_eq(sent(&f, L, P, NVO_TC_BUM), 1);
            ck_assert_uint_eq(sent(&f, P, L, NVO_TC_BUM), 0);
        }
    }
    uint64_t sw_copies = 0;
    for (int l = 0; l < N_LEAVES; l++) {
        sw_copies += nvo_mcast_stats(f.net, node_of(&f, 1, l))->copies;
    }
    sw_copies += nvo_mcast_stats(f.net, s1)->copies
                 + nvo_mcast_stats(f.net, s2)->copies;
    ck_assert_uint_eq(sw_copies, 11);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s1)->copies, sm ? 4 : 3);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, L1)->copies, sm ? 1 : 2);
    for (int i = 1; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        ck_assert_uint_eq(c->rx_frames, 1);
        ck_assert_uint_eq(c->delivered, 1);
        ck_assert_uint_eq(c->unwanted, 0);
        ck_assert_uint_eq(c->learned_remote, 1);
    }
    ck_assert_uint_eq(a->rx_frames, 0);     /* never back to the source */
    ck_assert_uint_eq(nvo_mcast_state_entries(f.net),
                      pim == NVO_MCAST_PIM_SM ? 7 : 5);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, L1)->s_g,
                      pim == NVO_MCAST_PIM_SM ? 1 : 0);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s1)->s_g,
                      pim == NVO_MCAST_PIM_SM ? 1 : 0);
    /* Counted memory: 5 (*,G) entries and their 5 interface arrays (room
     * for 4 ports each: 8 bytes); 2 (S,G) entries and leaf1's interface
     * array for spine1's (S,G) Join (8 bytes). */
    struct nvo_mem_count ms = nvo_mem_acct_get(
        &f.net->mem, nvo_mem_type_register("mcast-star-g"));
    ck_assert_uint_eq(ms.objects, 10);
    ck_assert_uint_eq(ms.bytes % 8, 0);
    ck_assert_uint_ge(ms.bytes, 5 * 8 + 5 * 12);
    struct nvo_mem_count mg = nvo_mem_acct_get(
        &f.net->mem, nvo_mem_type_register("mcast-s-g"));
    ck_assert_uint_eq(mg.objects, sm ? 3 : 0);
    ck_assert_uint_eq(mg.bytes, sm ? 2 * nvo_mcast_sg_entry_size() + 8 : 0);
    /* 28 control frames + the 7 BUM frames that exist: pe0's, and a
     * replica for every copy but the first at each of the 5 switches that
     * forward it (11 - 5 = 6); each reaches one PE.  SM: pe0's, the
     * Register, spine1's decapsulated packet, 3 replicas of it at spine1
     * and 1 at each of leaves 2-4, and the (S,G) Join: 10. */
    ck_assert_uint_eq(f.net->n_generated, sm ? 28 + 10 : 28 + 1 + 6);
    check_conservation(&f);

    /* A second broadcast, from pe5 (leaf3): the same 12 links' worth (SM:
     * 13, leaf3 registering it). */
    bcast(&f, 5, 0, 1000);
    settle(&f);
    ck_assert_uint_eq(bum_total(&f, NULL), sm ? 26 : 24);
    ck_assert_uint_eq(sent(&f, node_of(&f, 1, 2), s1, NVO_TC_BUM), 1);
    ck_assert_uint_eq(sent(&f, s1, L1, NVO_TC_BUM), sm ? 2 : 1);
    ck_assert_uint_eq(sent(&f, s1, node_of(&f, 1, 2), NVO_TC_BUM),
                      sm ? 2 : 1);
    ck_assert_uint_eq(nvo_mcast_state_entries(f.net),
                      pim == NVO_MCAST_PIM_SM ? 9 : 5);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* The same broadcast by ingress replication: n - 1 = 7 unicast copies
 * from pe0 (against multicast's 1) and 7 + 6 + 6 + 7 = 26 frames on the
 * links (against 12); no switch state. */
START_TEST(versus_ingress_replication)
{
    struct fab f;
    fab_build(&f, false, NVO_MCAST_PIM_SM, -1);
    const int all[N_PES] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    fab_tenant(&f, 0, all, N_PES, 0);
    nvo_net_start(f.net);
    bcast(&f, 0, 0, 1000);
    settle(&f);
    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(f.pe[0]);
    ck_assert_uint_eq(a->bum_copies, N_PES - 1);
    ck_assert_uint_eq(sent(&f, node_of(&f, 2, 0), node_of(&f, 1, 0),
                           NVO_TC_BUM), N_PES - 1);
    ck_assert_uint_eq(bum_total(&f, NULL), 26);
    ck_assert_ptr_null(nvo_mcast_stats(f.net, node_of(&f, 0, 0)));
    ck_assert_uint_eq(nvo_mcast_state_entries(f.net), 0);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* N:1: four VNIs over two groups, VNI mod 2 (RFC 7348 4.2): 5000 on
 * pe0, pe1 and 5002 on pe0, pe6 share G0; 5001 on pe2, pe4 and 5003 on
 * pe5, pe7 share G1.  Joins: leaf1 (*,G0) {pe0, pe1}; leaf2 (*,G1)
 * {pe2}; leaf3 (*,G1) {pe4, pe5}; leaf4 (*,G0) {pe6} and (*,G1) {pe7};
 * spine1 (*,G0) {leaf1, leaf4}, (*,G1) {leaf2, leaf3, leaf4}: 7 (*,G).
 * Unwanted deliveries = the PEs that joined the group but do not host the
 * VNI: 5000 from pe0 -> pe6 (1); 5001 from pe2 -> pe5, pe7 (2); 5002
 * from pe6 -> pe1 (1); 5003 from pe7 -> pe2, pe4 (2): 6 in all. */
START_TEST(n_to_one_unwanted)
{
    struct fab f;
    fab_build(&f, true, NVO_MCAST_PIM_BIDIR, -1);
    const int t0[] = { 0, 1 }, t1[] = { 2, 4 }, t2[] = { 0, 6 },
              t3[] = { 5, 7 };
    const uint32_t grp[4] = { G0 + 5000 % 2, G0 + 5001 % 2, G0 + 5002 % 2,
                              G0 + 5003 % 2 };
    fab_tenant(&f, 0, t0, 2, grp[0]);
    fab_tenant(&f, 1, t1, 2, grp[1]);
    fab_tenant(&f, 2, t2, 2, grp[2]);
    fab_tenant(&f, 3, t3, 2, grp[3]);
    fab_start(&f);
    const uint32_t want_star[N_LEAVES] = { 1, 1, 1, 2 };
    for (int l = 0; l < N_LEAVES; l++) {
        ck_assert_uint_eq(star_g(&f, node_of(&f, 1, l)), want_star[l]);
    }
    uint32_t s1 = node_of(&f, 0, 0), oifs;
    int up;
    ck_assert_uint_eq(star_g(&f, s1), 2);
    ck_assert_uint_eq(star_g(&f, node_of(&f, 0, 1)), 0);
    ck_assert_int_eq(nvo_mcast_entry(f.net, s1, G0, &oifs, &up), 0);
    ck_assert_uint_eq(oifs, 2);
    ck_assert_int_eq(nvo_mcast_entry(f.net, s1, G1, &oifs, &up), 0);
    ck_assert_uint_eq(oifs, 3);
    ck_assert_int_eq(nvo_mcast_entry(f.net, node_of(&f, 1, 3), G1, &oifs,
                                     &up), 0);
    ck_assert_uint_eq(oifs, 1);
    ck_assert_uint_eq(nvo_mcast_state_entries(f.net), 7);
    /* pe0 hosts two VNIs of G0 and sends one report with one record. */
    ck_assert_uint_eq(nvo_mcast_stats(f.net, node_of(&f, 1, 0))->igmp_rx, 2);
    /* leaf4 joined G0 (pe6's report) and G1 (pe7's) toward spine1: a
     * Join/Prune for each report that created state. */
    ck_assert_uint_eq(nvo_mcast_stats(f.net, node_of(&f, 1, 3))->join_tx, 2);

    bcast(&f, 0, 0, 500);
    bcast(&f, 2, 1, 500);
    bcast(&f, 6, 2, 500);
    bcast(&f, 7, 3, 500);
    settle(&f);
    uint64_t unwanted = 0, delivered = 0;
    const uint64_t want_unw[N_PES] = { 0, 1, 1, 0, 1, 1, 1, 1 };
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        unwanted += c->unwanted;
        delivered += c->delivered;
        ck_assert_msg(c->unwanted == want_unw[i], "pe%d: %llu unwanted", i,
                      (unsigned long long) c->unwanted);
        ck_assert_uint_eq(c->unwanted, c->drops[NVO_PE_DROP_NO_TENANT]);
    }
    ck_assert_uint_eq(unwanted, 6);
    ck_assert_uint_eq(delivered, 4);        /* one other VM per VNI */
    /* Links: G0 from pe0: pe0-l1, l1-pe1, l1-s1, s1-l4, l4-pe6 (5); G1
     * from pe2: pe2-l2, l2-s1, s1-l3, s1-l4, l3-pe4, l3-pe5, l4-pe7 (7);
     * G0 from pe6: pe6-l4, l4-s1, s1-l1, l1-pe0, l1-pe1 (5); G1 from
     * pe7: pe7-l4, l4-s1, s1-l2, s1-l3, l2-pe2, l3-pe4, l3-pe5 (7). */
    ck_assert_uint_eq(bum_total(&f, NULL), 24);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* RP on leaf1: leaf3's path to it has two equal-cost next hops (the
 * spines); its Join goes to spine[hash(G) mod 2] (ports ascending: the
 * spines in order): hash(239.1.0.0) = 0x7a623424, even: spine1;
 * hash(239.1.0.2) = 0xf348b8d7, odd: spine2.  That spine gets (*,G) and
 * joins the RP; the other has none.  A broadcast from pe0 (on the RP)
 * takes the same spine down to leaf3. */
START_TEST(rp_on_leaf_hashes_group)
{
    for (int k = 0; k < 2; k++) {
        uint32_t g = k ? G0 + 2 : G0;
        int want = (int) (nvo_mcast_hash(g) % 2);
        ck_assert_int_eq(want, k);
        struct fab f;
        fab_build(&f, true, NVO_MCAST_PIM_SM, 0);
        const int pes[] = { 0, 4 };
        fab_tenant(&f, 0, pes, 2, g);
        fab_start(&f);
        uint32_t L1 = node_of(&f, 1, 0), L3 = node_of(&f, 1, 2);
        uint32_t sp = node_of(&f, 0, want), other = node_of(&f, 0, 1 - want);
        uint32_t oifs;
        int up;
        ck_assert_int_eq(nvo_mcast_entry(f.net, L3, g, &oifs, &up), 0);
        ck_assert_uint_eq(nvo_net_node(f.net, L3)->peer[up], sp);
        ck_assert_int_eq(nvo_mcast_entry(f.net, sp, g, &oifs, &up), 0);
        ck_assert_uint_eq(oifs, 1);
        ck_assert_uint_eq(nvo_net_node(f.net, sp)->peer[up], L1);
        ck_assert_int_eq(nvo_mcast_entry(f.net, other, g, &oifs, &up),
                         ENOENT);
        ck_assert_int_eq(nvo_mcast_entry(f.net, L1, g, &oifs, &up), 0);
        ck_assert_int_eq(up, -1);
        ck_assert_uint_eq(oifs, 2);             /* pe0 and the spine */
        ck_assert_uint_eq(nvo_mcast_state_entries(f.net), 3);
        bcast(&f, 0, 0, 300);
        settle(&f);
        ck_assert_uint_eq(sent(&f, L1, sp, NVO_TC_BUM), 1);
        ck_assert_uint_eq(sent(&f, L1, other, NVO_TC_BUM), 0);
        ck_assert_uint_eq(sent(&f, sp, L3, NVO_TC_BUM), 1);
        ck_assert_uint_eq(bum_total(&f, NULL), 4);
        ck_assert_uint_eq(nvo_pe_node_counters(f.pe[4])->delivered, 1);
        /* SM: (S,G) at leaf1, which is both pe0's DR and the RP. */
        ck_assert_uint_eq(nvo_mcast_state_entries(f.net), 4);
        check_conservation(&f);
        fab_destroy(&f);
    }
}
END_TEST

/* A source on a leaf with no receiver of its group: leaf2 has no (*,G),
 * sends the frame toward the RP (no-state); the RP sends it down its tree
 * (leaf1 only). */
START_TEST(source_without_state)
{
    struct fab f;
    fab_build(&f, true, NVO_MCAST_PIM_BIDIR, -1);
    const int pes[] = { 0, 1 };
    fab_tenant(&f, 0, pes, 2, G0);
    /* pe2 sends to the VNI's group without hosting... it hosts a VM of the
     * VNI but has not joined (no IGMP: added after start). */
    fab_start(&f);
    uint32_t lt, vm;
    uint8_t mac[6];
    vm_mac(2, 0, mac);
    ck_assert_int_eq(nvo_pe_node_add_tenant(f.pe[2], 5000, &lt), 0);
    ck_assert_int_eq(nvo_pe_node_add_vm(f.pe[2], lt, mac, 0, &vm), 0);
    ck_assert_int_eq(nvo_pe_node_set_mcast_group(f.pe[2], lt, G0), 0);
    f.tenant[2][0] = lt;
    bcast(&f, 2, 0, 400);
    settle(&f);
    uint32_t L2 = node_of(&f, 1, 1), s1 = node_of(&f, 0, 0);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, L2)->no_state, 1);
    ck_assert_uint_eq(star_g(&f, L2), 0);
    ck_assert_uint_eq(sent(&f, L2, s1, NVO_TC_BUM), 1);
    ck_assert_uint_eq(sent(&f, L2, node_of(&f, 2, 3), NVO_TC_BUM), 0);
    ck_assert_uint_eq(bum_total(&f, NULL), 5);  /* pe2-l2-s1-l1-{pe0,pe1} */
    ck_assert_uint_eq(nvo_pe_node_counters(f.pe[0])->delivered, 1);
    ck_assert_uint_eq(nvo_pe_node_counters(f.pe[1])->delivered, 1);
    check_conservation(&f);
    /* A frame reaching the RP from its only tree interface ends there:
     * pe0's broadcast goes leaf1 -> pe1 and leaf1 -> spine1, absorbed. */
    bcast(&f, 0, 0, 400);
    settle(&f);
    ck_assert_uint_eq(nvo_mcast_stats(f.net, s1)->absorbed, 1);
    ck_assert_uint_eq(bum_total(&f, NULL), 5 + 3);
    check_conservation(&f);
    /* Bad input: not a group, a tenant that does not exist. */
    ck_assert_int_eq(nvo_pe_node_set_mcast_group(f.pe[2], lt, 0x0a000001u),
                     EINVAL);
    ck_assert_int_eq(nvo_pe_node_set_mcast_group(f.pe[2], 9, G0), EINVAL);
    fab_destroy(&f);
}
END_TEST

/* The periodic messages (RFC 7761 defaults): Hellos every 30 s, the Join
 * refresh every 60 s, with the N:1 state.  At 61 s each leaf has sent 3
 * Hellos per spine (0, 30, 60 s); leaves 1-3 have sent 2 Joins (the first,
 * the refresh), leaf4 3 (one per report at first, then one refresh with
 * both groups); spine1 received 5 + 4 and sent none (the RP); the state
 * is unchanged (7 (*,G)); conservation: 16 x 3 Hellos, 8 reports (pe3
 * hosts nothing and sends none: 7), 5 + 4 Joins. */
START_TEST(periodic_refresh)
{
    struct fab f;
    fab_build(&f, true, NVO_MCAST_PIM_BIDIR, -1);
    const int t0[] = { 0, 1 }, t1[] = { 2, 4 }, t2[] = { 0, 6 },
              t3[] = { 5, 7 };
    fab_tenant(&f, 0, t0, 2, G0);
    fab_tenant(&f, 1, t1, 2, G1);
    fab_tenant(&f, 2, t2, 2, G0);
    fab_tenant(&f, 3, t3, 2, G1);
    nvo_net_start(f.net);
    nvo_engine_run(f.e, 61 * NVO_SEC);
    for (int l = 0; l < N_LEAVES; l++) {
        const struct nvo_mcast_sw_stats *s =
            nvo_mcast_stats(f.net, node_of(&f, 1, l));
        ck_assert_uint_eq(s->hello_tx, 6);
        ck_assert_uint_eq(s->hello_rx, 6);
        ck_assert_uint_eq(s->join_tx, l == 3 ? 3 : 2);
    }
    const struct nvo_mcast_sw_stats *s1 =
        nvo_mcast_stats(f.net, node_of(&f, 0, 0));
    ck_assert_uint_eq(s1->hello_tx, 12);
    ck_assert_uint_eq(s1->join_rx, 9);
    ck_assert_uint_eq(s1->join_tx, 0);
    ck_assert_uint_eq(s1->pim_neighbors, 4);
    ck_assert_uint_eq(nvo_mcast_state_entries(f.net), 7);
    ck_assert_uint_eq(f.net->n_generated, 16 * 3 + 7 + 9);
    check_conservation(&f);
    /* At 125 s each leaf sends a General Query on its 2 host ports; the 7
     * PEs with groups answer within the 10 s Max Resp Time with one
     * Current-State Report each (pe3 has none to report).  By 136 s: 5
     * Hellos per link direction (0, 30, 60, 90, 120 s), Join refreshes at
     * 60 and 120 s; the state still 7 entries. */
    nvo_engine_run(f.e, 136 * NVO_SEC);
    const uint64_t igmp[N_LEAVES] = { 4, 2, 4, 4 };
    for (int l = 0; l < N_LEAVES; l++) {
        const struct nvo_mcast_sw_stats *s =
            nvo_mcast_stats(f.net, node_of(&f, 1, l));
        ck_assert_uint_eq(s->query_tx, 2);
        ck_assert_uint_eq(s->igmp_rx, igmp[l]);
        ck_assert_uint_eq(s->hello_tx, 10);
        ck_assert_uint_eq(s->join_tx, l == 3 ? 4 : 3);
    }
    ck_assert_uint_eq(s1->query_tx, 0);
    ck_assert_uint_eq(s1->join_rx, 13);
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_mcast_host_stats *h =
            nvo_mcast_host_stats(f.net, node_of(&f, 2, i));
        ck_assert_ptr_nonnull(h);
        ck_assert_uint_eq(h->queries, 1);
        ck_assert_uint_eq(h->responses, i == 3 ? 0 : 1);
        ck_assert_uint_eq(h->joins, i == 3 ? 0 : 1);
    }
    ck_assert_uint_eq(nvo_mcast_state_entries(f.net), 7);
    ck_assert_uint_eq(f.net->n_generated, 16 * 5 + 7 + 13 + 8 + 7);
    check_conservation(&f);
    /* Stopped, nothing of it is pending. */
    nvo_net_stop(f.net);
    nvo_engine_run(f.e, 400 * NVO_SEC);
    ck_assert_uint_eq(s1->hello_tx, 20);
    ck_assert_uint_eq(nvo_engine_n_pending(f.e), 0);
    fab_destroy(&f);
}
END_TEST

/* ---- tshark ------------------------------------------------------------- */

/* The IGMP and PIM the model sends, captured on leaf4's ports (both
 * directions, whole frames) during the N:1 setup: tshark decodes the 2
 * IGMPv3 reports leaf4 receives (pe6: G0, pe7: G1; TTL 1, Router Alert
 * (148), good IP and IGMP checksums, one TO_EX record each), 4 Hellos
 * (leaf4's to the spines and theirs; holdtime 105 s) and leaf4's 2
 * Join/Prunes (one per report that created state) with good checksums,
 * naming spine1's address on the link as upstream neighbour and (*,G)
 * toward the RP 10.0.0.1 (flags S W R = 0x07, holdtime 210 s); the VXLAN
 * frame to the group (VNI 5000) arriving from spine1 and sent to pe6;
 * and no malformed frame, no expert error. */
START_TEST(tshark_decodes_igmp_pim)
{
    nvo_test_require_tshark();
    struct fab f;
    fab_build(&f, true, NVO_MCAST_PIM_SM, -1);
    const int t2[] = { 0, 6 }, t3[] = { 5, 7 };
    fab_tenant(&f, 0, t2, 2, G0);
    fab_tenant(&f, 1, t3, 2, G1);
    char *dir = nvo_test_tmpdir("mcast");
    char *path = g_build_filename(dir, "leaf4.pcap", NULL);
    struct nvo_pcap_out *po;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
    uint32_t L4 = node_of(&f, 1, 3);
    struct nvo_node *n4 = nvo_net_node(f.net, L4);
    for (uint32_t k = 0; k < n4->n_ports; k++) {
        nvo_pcap_out_attach(po, &n4->ports[k]);
    }
    fab_start(&f);
    bcast(&f, 0, 0, 200);
    settle(&f);
    for (uint32_t k = 0; k < n4->n_ports; k++) {
        nvo_pcap_out_detach(po, &n4->ports[k]);
    }
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);
    char lines[64][512];
    size_t n = run_tshark(path, "-Y igmp -T fields -e ip.src -e ip.dst "
                          "-e ip.ttl -e ip.opt.type -e ip.checksum.status "
                          "-e igmp.version -e igmp.type -e igmp.checksum.status "
                          "-e igmp.num_grp_recs -e igmp.record_type "
                          "-e igmp.maddr -o ip.check_checksum:TRUE", lines, 64);
    ck_assert_uint_eq(n, 2);
    /* pe6 is node 12 (10.0.0.13), pe7 node 13; checksum status 1: good. */
    ck_assert_str_eq(lines[0], "10.0.0.13\t224.0.0.22\t1\t148\t1\t3\t0x22\t1"
                     "\t1\t4\t239.1.0.0");
    ck_assert_str_eq(lines[1], "10.0.0.14\t224.0.0.22\t1\t148\t1\t3\t0x22\t1"
                     "\t1\t4\t239.1.0.1");
    n = run_tshark(path, "-Y pim -T fields -e ip.src -e ip.dst -e ip.ttl "
                   "-e pim.type -e pim.cksum.status -e pim.holdtime "
                   "-e pim.upstream_neighbor -e pim.numgroups -e pim.group "
                   "-e pim.source -e pim.source_addr.flags -E occurrence=f "
                   "-o ip.check_checksum:TRUE", lines, 64);
    ck_assert_uint_eq(n, 6);
    /* leaf4's address on its link to spine1 and spine1's. */
    uint32_t k = n4->peer[0] == node_of(&f, 0, 0) ? 0 : 1;
    const struct nvo_net_link *l = nvo_net_link(f.net, n4->link[k]);
    uint32_t mine = l->a == L4 ? l->subnet4 : l->subnet4 + 1;
    uint32_t peer = l->a == L4 ? l->subnet4 + 1 : l->subnet4;
    size_t hellos = 0, joins = 0;
    for (size_t i = 0; i < n; i++) {
        char src[64], dst[64], ttl[8], type[16], ck[16], hold[16];
        ck_assert_int_eq(sscanf(lines[i], "%63s %63s %7s %15s %15s %15s", src,
                                dst, ttl, type, ck, hold), 6);
        ck_assert_str_eq(dst, "224.0.0.13");
        ck_assert_str_eq(ttl, "1");
        ck_assert_str_eq(ck, "1");
        if (!strcmp(type, "0")) {
            hellos++;
            ck_assert_str_eq(hold, "105");
            continue;
        }
        char want[256];
        snprintf(want, sizeof want, "%u.%u.%u.%u\t224.0.0.13\t1\t3\t1\t210\t"
                 "%u.%u.%u.%u\t1\t239.1.0.%zu\t10.0.0.1\t0x07",
                 mine >> 24, (mine >> 16) & 255, (mine >> 8) & 255,
                 mine & 255, peer >> 24, (peer >> 16) & 255,
                 (peer >> 8) & 255, peer & 255, joins);
        ck_assert_str_eq(lines[i], want);
        joins++;
    }
    ck_assert_uint_eq(hellos, 4);
    ck_assert_uint_eq(joins, 2);
    n = run_tshark(path, "-Y vxlan -T fields -e ip.dst -e eth.dst -e vxlan.vni "
                   "-E occurrence=f",
                   lines, 64);
    ck_assert_uint_eq(n, 2);                    /* spine1 -> leaf4 -> pe6 */
    ck_assert_str_eq(lines[0], "239.1.0.0\t01:00:5e:01:00:00\t5000");
    ck_assert_str_eq(lines[1], "239.1.0.0\t01:00:5e:01:00:00\t5000");
    n = run_tshark(path, "-Y _ws.malformed -T fields -e frame.number", lines,
                   64);
    ck_assert_uint_eq(n, 0);
    n = run_tshark(path, "-Y _ws.expert.severity==error -T fields "
                   "-e frame.number", lines, 64);
    ck_assert_uint_eq(n, 0);
    g_free(path);

    /* The General Query a leaf sends and a Current-State Report (IS_EX),
     * as the model builds them. */
    path = g_build_filename(dir, "query.pcap", NULL);
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
    struct nvo_pkt *q = nvo_pkt_alloc(&f.net->pool, 0, 64);
    ck_assert_int_eq(nvo_igmp_query_frame(q, n4->mac, 0xac100010u), 0);
    ck_assert_int_eq(nvo_pcap_out_write(po, 0, q), 0);
    nvo_pkt_free(q);
    q = nvo_pkt_alloc(&f.net->pool, 0, 64);
    const struct nvo_igmp_record cs[2] = {
        { .type = NVO_IGMP_IS_EX, .group = G0 },
        { .type = NVO_IGMP_IS_EX, .group = G1 },
    };
    ck_assert_int_eq(nvo_igmp_v3_report_frame(q, n4->mac, 0x0a00000du, cs,
                                              2), 0);
    ck_assert_int_eq(nvo_pcap_out_write(po, 1000, q), 0);
    nvo_pkt_free(q);
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);
    n = run_tshark(path, "-T fields -e ip.dst -e ip.ttl -e ip.opt.type "
                   "-e ip.checksum.status -e igmp.version -e igmp.type "
                   "-e igmp.checksum.status -e igmp.max_resp -e igmp.qrv "
                   "-e igmp.qqic -e igmp.record_type -e igmp.maddr "
                   "-E occurrence=a -E aggregator=, "
                   "-o ip.check_checksum:TRUE", lines, 64);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(lines[0], "224.0.0.1\t1\t148\t1\t3\t0x11\t1\t100\t2"
                     "\t125\t\t0.0.0.0");
    ck_assert_str_eq(lines[1], "224.0.0.22\t1\t148\t1\t3\t0x22\t1\t\t\t"
                     "\t2,2\t239.1.0.0,239.1.0.1");
    n = run_tshark(path, "-Y _ws.malformed -T fields -e frame.number", lines,
                   64);
    ck_assert_uint_eq(n, 0);
    g_free(path);
    g_free(dir);
    fab_destroy(&f);
}
END_TEST

/* ---- The shipped scenario ------------------------------------------------ */

struct flood_run {
    uint64_t floods, pe_copies, sw_copies, link_frames, unwanted;
    uint64_t star_g[6];             /* spine1, spine2, leaf1..4 */
    uint64_t s_g_leaves, s_g_rp, entries;
    uint64_t regs, regs_rx, reg_dropped, stops_tx, stops_rx, rpf_fail;
    char *cell;                     /* summary.csv mcast_state_entries */
    char *bum_copies_cell;
};

/* Runs scenarios/overlay-flooding.xml with 'sets'; every flow completes,
 * every VM frame is delivered, conservation holds. */
static void
run_flooding(const char *const *sets, size_t n, struct flood_run *fr)
{
    memset(fr, 0, sizeof *fr);
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    nvo_test_scenario(nvo_test_src("scenarios/overlay-flooding.xml"), sets, n,
                      "flooding", true, &cfg, &sim, &dir);
    ck_assert(sim->conserved);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(sim->overlay, &t);
    fr->floods = t.c.bum[NVO_BUM_UNKNOWN];
    ck_assert_uint_gt(fr->floods, 10);
    ck_assert_uint_eq(t.c.delivered, t.c.vm_frames);
    ck_assert_uint_eq(sim->dropped, 0);
    fr->pe_copies = t.c.bum_copies;
    fr->link_frames = sim->overlay->bum_link_frames;
    fr->unwanted = t.c.unwanted;
    static const char *const sw[6] = { "spine1", "spine2", "leaf1", "leaf2",
                                       "leaf3", "leaf4" };
    for (int i = 0; i < 6; i++) {
        int ix = nvo_net_find(sim->net, sw[i]);
        ck_assert_int_ge(ix, 0);
        const struct nvo_mcast_sw_stats *s = nvo_mcast_stats(sim->net,
                                                             (uint32_t) ix);
        if (!s) {
            continue;
        }
        fr->star_g[i] = s->star_g;
        fr->sw_copies += s->copies;
        fr->regs += s->register_tx;
        fr->regs_rx += s->register_rx;
        fr->reg_dropped += s->register_dropped;
        fr->stops_tx += s->register_stop_tx;
        fr->stops_rx += s->register_stop_rx;
        fr->rpf_fail += s->rpf_fail;
        if (i == 0) {
            fr->s_g_rp = s->s_g;
        } else {
            fr->s_g_leaves += s->s_g;
        }
    }
    fr->entries = nvo_mcast_state_entries(sim->net);
    fr->cell = nvo_test_summary_cell(dir, "mcast_state_entries");
    fr->bum_copies_cell = nvo_test_summary_cell(dir, "bum_copies");
    nvo_test_scenario_free(cfg, sim, dir);
}

static void
flood_run_free(struct flood_run *fr)
{
    g_free(fr->cell);
    g_free(fr->bum_copies_cell);
}

/* scenarios/overlay-flooding.xml: each tenant on the 4 PEs of two leaves
 * (5000, 5002: leaves 1-2; 5001, 5003: leaves 3-4), one VM per PE, a
 * group per VNI, RP spine1.  Per flood (unknown unicast): multicast, 1
 * copy from the PE and 6 link frames (PE -> leaf, leaf -> the other PE,
 * leaf -> spine1, spine1 -> the other leaf, that leaf -> its 2 PEs), 5 of
 * them switch copies; ingress replication, 3 copies from the PE and 10
 * link frames (2 to the PE on the same leaf, 4 to each of the other
 * two).  (*,G): 2 per leaf (its two VNIs' groups), 4 at spine1 (12).  N:1
 * with groups=1: every PE joins the one group, a flood reaches the 7
 * other PEs, 4 of which host no VM of the VNI (unwanted), over 12 links;
 * (*,G): 1 per leaf and spine1's (5).  PIM-SM adds one link frame per
 * Register: before spine1 is on the source's tree a Register replaces
 * the DR's native frame to spine1 and spine1's decapsulated copy goes
 * back down to the DR too (dropped there by the RPF check); after it,
 * the Register follows the native frame and spine1 drops it.  Every
 * Register arrives; spine1 answers each it drops, and the first native
 * packet of each source, with a Register-Stop, which reaches the DR. */
START_TEST(shipped_scenario)
{
    struct flood_run m, ir, n1, bd;
    run_flooding(NULL, 0, &m);
    ck_assert_uint_eq(m.pe_copies, m.floods);
    ck_assert_uint_ge(m.regs, m.s_g_rp);
    ck_assert_uint_eq(m.regs_rx, m.regs);
    ck_assert_uint_eq(m.link_frames, 6 * m.floods + m.regs);
    ck_assert_uint_eq(m.rpf_fail, m.regs - m.reg_dropped);
    ck_assert_uint_eq(m.stops_tx, m.s_g_rp + m.reg_dropped);
    ck_assert_uint_eq(m.stops_rx, m.stops_tx);
    ck_assert_uint_eq(m.sw_copies, 5 * m.floods);
    ck_assert_uint_eq(m.unwanted, 0);
    const uint64_t star[6] = { 4, 0, 2, 2, 2, 2 };
    for (int i = 0; i < 6; i++) {
        ck_assert_uint_eq(m.star_g[i], star[i]);
    }
    /* PIM-SM: an (S,G) at the DR and at the RP per (source PE, group)
     * that flooded; at most 8 PEs x 2 groups. */
    ck_assert_uint_eq(m.s_g_leaves, m.s_g_rp);
    ck_assert_uint_ge(m.s_g_rp, 1);
    ck_assert_uint_le(m.s_g_rp, 16);
    ck_assert_uint_eq(m.entries, 12 + 2 * m.s_g_rp);
    char want[32];
    snprintf(want, sizeof want, "%llu", (unsigned long long) m.entries);
    ck_assert_str_eq(m.cell, want);
    snprintf(want, sizeof want, "%llu",
             (unsigned long long) (6 * m.floods + m.regs));
    ck_assert_str_eq(m.bum_copies_cell, want);

    const char *const s_ir[] = { "overlay.flood=ingress-replication" };
    run_flooding(s_ir, 1, &ir);
    ck_assert_uint_eq(ir.pe_copies, 3 * ir.floods);
    ck_assert_uint_eq(ir.link_frames, 10 * ir.floods);
    ck_assert_uint_eq(ir.sw_copies, 0);
    ck_assert_uint_eq(ir.entries, 0);
    ck_assert_str_eq(ir.cell, "");          /* missing, not 0 */

    const char *const s_n1[] = { "overlay.groups=1" };
    run_flooding(s_n1, 1, &n1);
    ck_assert_uint_eq(n1.pe_copies, n1.floods);
    ck_assert_uint_eq(n1.unwanted, 4 * n1.floods);
    ck_assert_uint_eq(n1.link_frames, 12 * n1.floods + n1.regs);
    const uint64_t star1[6] = { 1, 0, 1, 1, 1, 1 };
    for (int i = 0; i < 6; i++) {
        ck_assert_uint_eq(n1.star_g[i], star1[i]);
    }

    const char *const s_bd[] = { "overlay.pim=bidir" };
    run_flooding(s_bd, 1, &bd);
    ck_assert_uint_eq(bd.entries, 12);
    ck_assert_str_eq(bd.cell, "12");
    ck_assert_uint_eq(bd.link_frames, 6 * bd.floods);
    flood_run_free(&m);
    flood_run_free(&ir);
    flood_run_free(&n1);
    flood_run_free(&bd);
}
END_TEST

static void
expect_error(const char *set, const char *want)
{
    GError *error = NULL;
    const char *const sets[] = { set };
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        nvo_test_src("scenarios/overlay-flooding.xml"), sets, 1, &error);
    ck_assert_msg(!cfg && error, "%s: accepted", set);
    ck_assert_msg(strstr(error->message, want), "\"%s\" not in: %s", want,
                  error->message);
    g_error_free(error);
}

/* Bad multicast attributes: each refused with what is wrong, at the
 * <overlay> line where the fault is in the file (line 29). */
START_TEST(bad_attributes)
{
    expect_error("overlay.groups=0", "groups");
    expect_error("overlay.groups=16777217", "at most 16777216");
    expect_error("overlay.groups=some", "per-vni");
    expect_error("overlay.group-base=10.1.0.0", "not a multicast group");
    expect_error("overlay.group-base=224.0.0.9", "224.0.0.0/24");
    expect_error("overlay.group-base=239.1.0", "expected an IPv4 address");
    expect_error("overlay.group-base=239.1.0.256", "expected an IPv4");
    expect_error("overlay.group-base=239.255.255.254",
                 "4 groups from group-base run past 239.255.255.255");
    expect_error("overlay.rp=hv1-1", "not a switch");
    expect_error("overlay.rp=nosuch", "unknown node");
    expect_error("overlay.pim=dm", "expected sm or bidir");
    expect_error("overlay.flood=pim", "flood");
    char *at = g_strdup_printf("%s:30: <overlay flood=\"multicast\">: IGMP",
                               nvo_test_src("scenarios/overlay-flooding.xml"));
    expect_error("underlay.ip=ipv6", at);
    g_free(at);
    expect_error("overlay.encap=stt", "not with encap=\"stt\"");
    expect_error("overlay.encap=mpls-udp", "not with encap=\"mpls-udp\"");
    /* Ingress replication keeps the (valid) multicast attributes unused;
     * other encapsulations with multicast load. */
    static const char *const ok[] = {
        "overlay.flood=ingress-replication", "overlay.encap=geneve",
        "overlay.encap=nvgre", "overlay.encap=gre-udp",
        "overlay.encap=vxlan-gpe", "overlay.rp=leaf2",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(ok); i++) {
        GError *error = NULL;
        struct nvo_scenario_cfg *cfg = nvo_scenario_load(
            nvo_test_src("scenarios/overlay-flooding.xml"), &ok[i], 1,
            &error);
        ck_assert_msg(cfg, "%s: %s", ok[i], error ? error->message : "?");
        nvo_scenario_cfg_destroy(cfg);
    }
    /* The net refuses an RP that is not a switch, IPv6, a second attach. */
    struct nvo_engine *e;
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(),
                                       nvo_test_scheduler(), &e), 0);
    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    struct nvo_net *net = nvo_net_create(e, &nc);
    int h = nvo_net_add_node(net, "h", NVO_ROLE_HYPERVISOR);
    struct nvo_mcast_cfg mc = { .pim = NVO_MCAST_PIM_SM, .rp = (uint32_t) h };
    ck_assert_int_eq(nvo_mcast_attach(net, &mc), EINVAL);
    mc.rp = 5;
    ck_assert_int_eq(nvo_mcast_attach(net, &mc), EINVAL);
    nvo_net_destroy(net);
    nc.ipv6 = true;
    net = nvo_net_create(e, &nc);
    mc.rp = (uint32_t) nvo_net_add_node(net, "s", NVO_ROLE_SPINE);
    ck_assert_int_eq(nvo_mcast_attach(net, &mc), EINVAL);
    nvo_net_destroy(net);
    nvo_engine_destroy(e);
}
END_TEST


/* PIM-SM source registration, its whole cycle, on the tree of
 * one_vni_tree (RP spine1), with leaf1's ports captured.  Broadcast 1
 * from pe0: registered, decapsulated, spine1 joins (S,G) toward pe0.
 * Broadcast 2: leaf1 sends the native frame to spine1 (its (S,G)
 * interface) and then the Register; spine1 sees the native packet first
 * on its RPF port toward pe0 (the SPT bit), sends a Register-Stop, then
 * drops the Register's data and answers it with a second one: 13 link
 * frames (12 + the Register), nothing lost, nothing duplicated.
 * Broadcast 3: native only, 12.  55 s after the last Register-Stop
 * (Register_Suppression_Time 60 s less Register_Probe_Time 5 s) leaf1
 * probes with a Null-Register, spine1 answers with a third Register-Stop,
 * and broadcast 4 is native only again.  tshark decodes the Registers
 * (with the VXLAN frame inside), the Null-Register, the Register-Stops
 * (group, source) and spine1's (S,G) Join (source pe0, flags S only) with
 * good checksums, and finds nothing malformed. */
START_TEST(sm_register_cycle)
{
    nvo_test_require_tshark();
    struct fab f;
    fab_build(&f, true, NVO_MCAST_PIM_SM, -1);
    const int all[N_PES] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    fab_tenant(&f, 0, all, N_PES, G0);
    char *dir = nvo_test_tmpdir("mcast");
    char *path = g_build_filename(dir, "leaf1.pcap", NULL);
    struct nvo_pcap_out *po;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
    uint32_t L1 = node_of(&f, 1, 0), s1 = node_of(&f, 0, 0);
    struct nvo_node *n1 = nvo_net_node(f.net, L1);
    for (uint32_t k = 0; k < n1->n_ports; k++) {
        nvo_pcap_out_attach(po, &n1->ports[k]);
    }
    fab_start(&f);
    const struct nvo_mcast_sw_stats *d = nvo_mcast_stats(f.net, L1);
    const struct nvo_mcast_sw_stats *r = nvo_mcast_stats(f.net, s1);
    bcast(&f, 0, 0, 1000);
    settle(&f);
    ck_assert_uint_eq(bum_total(&f, NULL), 13);
    ck_assert_uint_eq(d->register_tx, 1);
    ck_assert_uint_eq(r->register_rx, 1);
    ck_assert_uint_eq(r->register_stop_tx, 0);
    ck_assert_uint_eq(r->join_tx, 1);       /* (S,G) toward pe0 */
    bcast(&f, 0, 0, 1000);
    settle(&f);
    ck_assert_uint_eq(bum_total(&f, NULL), 13 + 13);
    ck_assert_uint_eq(d->register_tx, 2);
    ck_assert_uint_eq(r->register_rx, 2);
    ck_assert_uint_eq(r->register_dropped, 1);
    ck_assert_uint_eq(r->register_stop_tx, 2);
    ck_assert_uint_eq(d->register_stop_rx, 2);
    ck_assert_uint_eq(d->rpf_fail, 1);      /* broadcast 1's copy only */
    for (int i = 1; i < N_PES; i++) {
        ck_assert_uint_eq(nvo_pe_node_counters(f.pe[i])->delivered, 2);
    }
    bcast(&f, 0, 0, 1000);
    settle(&f);
    ck_assert_uint_eq(bum_total(&f, NULL), 13 + 13 + 12);
    ck_assert_uint_eq(d->register_tx, 2);
    nvo_time_t t0 = nvo_engine_now(f.e);
    nvo_engine_run(f.e, t0 + 54 * NVO_SEC);
    ck_assert_uint_eq(d->null_register_tx, 0);
    nvo_engine_run(f.e, t0 + 56 * NVO_SEC);
    ck_assert_uint_eq(d->null_register_tx, 1);
    ck_assert_uint_eq(r->null_register_rx, 1);
    ck_assert_uint_eq(r->register_stop_tx, 3);
    ck_assert_uint_eq(d->register_stop_rx, 3);
    bcast(&f, 0, 0, 1000);
    settle(&f);
    ck_assert_uint_eq(bum_total(&f, NULL), 13 + 13 + 12 + 12);
    ck_assert_uint_eq(d->register_tx, 2);
    for (int i = 1; i < N_PES; i++) {
        ck_assert_uint_eq(nvo_pe_node_counters(f.pe[i])->delivered, 4);
    }
    check_conservation(&f);
    for (uint32_t k = 0; k < n1->n_ports; k++) {
        nvo_pcap_out_detach(po, &n1->ports[k]);
    }
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);

    char lines[64][512];
    /* pe0 is node 6 (10.0.0.7), leaf1 node 2 (10.0.0.3), spine1 node 0
     * (10.0.0.1). */
    size_t n = run_tshark(path, "-Y 'pim.type == 1' -T fields -e ip.src "
                          "-e ip.dst -e pim.cksum.status -e pim.register_flag.null_register "
                          "-e vxlan.vni -E occurrence=f "
                          "-o ip.check_checksum:TRUE", lines, 64);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(lines[0], "10.0.0.3\t10.0.0.1\t1\t0\t5000");
    ck_assert_str_eq(lines[1], "10.0.0.3\t10.0.0.1\t1\t0\t5000");
    ck_assert_str_eq(lines[2], "10.0.0.3\t10.0.0.1\t1\t1\t");
    n = run_tshark(path, "-Y 'pim.type == 2' -T fields -e ip.src -e ip.dst "
                   "-e pim.cksum.status -e pim.group -e pim.source "
                   "-E occurrence=f -o ip.check_checksum:TRUE", lines, 64);
    ck_assert_uint_eq(n, 3);
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(lines[i], "10.0.0.1\t10.0.0.3\t1\t239.1.0.0\t"
                                   "10.0.0.7");
    }
    n = run_tshark(path, "-Y 'pim.type == 3 && pim.source == 10.0.0.7' "
                   "-T fields -e pim.cksum.status -e pim.group -e pim.source "
                   "-e pim.source_addr.flags -E occurrence=f", lines, 64);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(lines[0], "1\t239.1.0.0\t10.0.0.7\t0x04");
    n = run_tshark(path, "-Y _ws.malformed -T fields -e frame.number", lines,
                   64);
    ck_assert_uint_eq(n, 0);
    n = run_tshark(path, "-Y _ws.expert.severity==error -T fields "
                   "-e frame.number", lines, 64);
    ck_assert_uint_eq(n, 0);
    g_free(path);
    nvo_test_rmdir(dir);
    fab_destroy(&f);
}
END_TEST

static Suite *
mcast_suite(void)
{
    Suite *s = suite_create("mcast");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, igmp_golden);
    tcase_add_test(tc, pim_golden);
    suite_add_tcase(s, tc);
    tc = tcase_create("fabric");
    tcase_add_loop_test(tc, one_vni_tree, 0, 2);
    tcase_add_test(tc, versus_ingress_replication);
    tcase_add_test(tc, n_to_one_unwanted);
    tcase_add_test(tc, rp_on_leaf_hashes_group);
    tcase_add_test(tc, source_without_state);
    tcase_add_test(tc, periodic_refresh);
    suite_add_tcase(s, tc);
    tc = tcase_create("scenario");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, shipped_scenario);
    tcase_add_test(tc, bad_attributes);
    suite_add_tcase(s, tc);
    tc = tcase_create("tshark");
    tcase_add_test(tc, tshark_decodes_igmp_pim);
    tcase_add_test(tc, sm_register_cycle);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(mcast_suite());
}
