/* test_pe_fabric.c: the PE as a node role (overlay/pe_node.h) on a
 * leaf-spine built here (2 spines x 4 leaves x 2 PEs): every
 * encapsulation across the fabric with exact frame sizes per link (IPv4
 * and IPv6, up to the largest frame the MTU takes and one byte more),
 * ingress replication's copies and bytes per tier, flood-and-learn and
 * aging, an NLB-style MAC that always floods, unwanted deliveries with an
 * all-PEs flood list, ECMP of VXLAN versus NVGRE, and conservation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fabric/net.h"
#include "overlay/pe_node.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/wire.h"

#define N_SPINES 2
#define N_LEAVES 4
#define PPL 2                       /* PEs per leaf */
#define N_PES (N_LEAVES * PPL)
#define VNI 5000

struct fab {
    struct nvo_engine *e;
    struct nvo_net *net;
    int spine[N_SPINES], leaf[N_LEAVES];
    struct nvo_pe_node *pe[N_PES];  /* pe[l * PPL + k] on leaf l */
    uint32_t tenant[N_PES];
    bool hosts[N_PES];
};

/* The PEs' MAC table limit for the next fab_build() (0: none). */
static uint32_t fab_mac_limit;
/* An IPv6 underlay for the next fab_build(). */
static bool fab_ipv6;

static void
fab_build(struct fab *f, const struct nvo_encap_ops *ops, nvo_time_t aging)
{
    memset(f, 0, sizeof *f);
    struct nvo_net_cfg cfg;
    nvo_test_net_cfg(&cfg);
    cfg.seed_mode = NVO_SEED_PER_SWITCH;
    cfg.ipv6 = fab_ipv6;
    f->net = nvo_test_net(&cfg, &f->e);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    nvo_test_leaf_spine(f->net, 1, N_SPINES, N_LEAVES, &l, f->spine, f->leaf);
    char name[32];
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = ops;
    pc.mac_aging = aging;
    pc.mac_max_entries = fab_mac_limit;
    for (int i = 0; i < N_PES; i++) {
        snprintf(name, sizeof name, "pe%d", i);
        f->pe[i] = nvo_pe_node_create(f->net, name, &pc);
        ck_assert_ptr_nonnull(f->pe[i]);
        ck_assert_int_eq(nvo_net_add_link(f->net,
                                          nvo_pe_node_index(f->pe[i]),
                                          (uint32_t) f->leaf[i / PPL], &l), 0);
    }
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
}

static void
vm_mac(int pe, uint8_t mac[6])
{
    uint8_t m[6] = { 0x02, 0, 0, 0, 0x10, (uint8_t) (pe + 1) };
    memcpy(mac, m, 6);
}

/* One VM of tenant VNI on each PE in [0, n_hosts); flood list: those, or
 * every PE if 'all'. */
static void
fab_tenant(struct fab *f, int n_hosts, bool all)
{
    uint32_t list[N_PES];
    uint32_t n = 0;
    for (int i = 0; i < N_PES; i++) {
        if (i < n_hosts || all) {
            list[n++] = nvo_pe_node_index(f->pe[i]);
        }
    }
    for (int i = 0; i < n_hosts; i++) {
        uint8_t mac[6];
        uint32_t vm;
        vm_mac(i, mac);
        ck_assert_int_eq(nvo_pe_node_add_tenant(f->pe[i], VNI, &f->tenant[i]),
                         0);
        ck_assert_int_eq(nvo_pe_node_add_vm(f->pe[i], f->tenant[i], mac,
                                            0xc0a80001u + (uint32_t) i, &vm),
                         0);
        ck_assert_uint_eq(vm, 0);
        ck_assert_int_eq(nvo_pe_node_set_flood(f->pe[i], f->tenant[i], list,
                                               n), 0);
        f->hosts[i] = true;
    }
}

/* A tenant UDP frame of 'len' bytes from the VM on PE 'from' to MAC
 * 'dst' (IP 192.168.0.x), source port 'sport'. */
static void
vm_send(struct fab *f, int from, const uint8_t dst[6], uint32_t len,
        uint16_t sport)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    vm_mac(from, s.src_mac);
    memcpy(s.dst_mac, dst, 6);
    s.src_ip4 = 0xc0a80001u + (uint32_t) from;
    s.dst_ip4 = 0xc0a800feu;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = sport;
    s.dport = 80;
    p->payload_size = len - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(f->pe[from], f->tenant[from], 0, p),
                     0);
}

static void
vm_to_vm(struct fab *f, int from, int to, uint32_t len)
{
    uint8_t mac[6];
    vm_mac(to, mac);
    vm_send(f, from, mac, len, 1000);
}

/* Runs 1 ms: every frame arrives, no MAC ages (aging >= 1 s). */
static void
settle(struct fab *f)
{
    nvo_engine_run(f->e, nvo_engine_now(f->e) + NVO_MS);
}

static void
fab_destroy(struct fab *f)
{
    nvo_net_destroy(f->net);
    nvo_engine_destroy(f->e);
}

static uint64_t
tx_bytes(const struct nvo_port *p)
{
    uint64_t b = 0;
    for (int tc = 0; tc < NVO_TC_N; tc++) {
        b += p->st.tx_bytes[tc];
    }
    return b;
}

/* Bytes sent per tier direction: [0] PE -> leaf, [1] leaf -> spine,
 * [2] spine -> leaf, [3] leaf -> PE. */
static void
tier_bytes(const struct fab *f, uint64_t out[4], uint64_t frames[4])
{
    memset(out, 0, 4 * sizeof *out);
    memset(frames, 0, 4 * sizeof *frames);
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        const struct nvo_node *n = nvo_net_node(f->net, i);
        for (uint32_t k = 0; k < n->n_ports; k++) {
            const struct nvo_node *peer = nvo_net_node(f->net, n->peer[k]);
            int t;
            if (n->role == NVO_ROLE_HYPERVISOR) {
                t = 0;
            } else if (n->role == NVO_ROLE_SPINE) {
                t = 2;
            } else {
                t = peer->role == NVO_ROLE_SPINE ? 1 : 3;
            }
            out[t] += tx_bytes(&n->ports[k]);
            for (int tc = 0; tc < NVO_TC_N; tc++) {
                frames[t] += n->ports[k].st.tx_frames[tc];
            }
        }
    }
}

/* generated = delivered locally + dropped + in flight, over the fabric;
 * and every tenant frame the PEs put on the wire was received. */
static void
check_conservation(const struct fab *f)
{
    uint64_t local = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        local += nvo_net_node(f->net, i)->n_local;
    }
    uint64_t drops = nvo_net_drops(f->net, NULL, NULL);
    ck_assert_uint_eq(f->net->n_generated,
                      local + drops + nvo_net_in_flight(f->net));
    ck_assert_uint_eq(drops, 0);
    uint64_t out = 0, rx = 0;
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f->pe[i]);
        out += c->frames_out;
        rx += c->rx_frames;
        ck_assert_uint_eq(c->rx_frames,
                          c->rx_segments + c->drops[NVO_PE_DROP_DECAP]
                          + c->rx_decap);
        ck_assert_uint_eq(c->encap_frames, c->remote_unicast + c->bum_copies);
        uint64_t bum = 0;
        for (int k = 0; k < NVO_BUM_N; k++) {
            bum += c->bum[k];
        }
        ck_assert_uint_eq(c->vm_frames, c->local_unicast + c->remote_unicast
                          + bum + c->drops[NVO_PE_DROP_TOO_BIG]);
    }
    ck_assert_uint_eq(out, f->net->n_generated);
    ck_assert_uint_eq(out, rx + nvo_net_in_flight(f->net));
}

/* Overheads over IPv4 (docs/encapsulations.md), in nvo_encaps order. */
static const struct {
    const char *name;
    uint32_t overhead;
} overheads[] = {
    { "vxlan", 50 }, { "nvgre", 42 }, { "stt", 72 }, { "geneve", 50 },
    { "mpls-gre", 42 }, { "mpls-ip", 38 }, { "mpls-udp", 46 },
    { "gre-udp", 50 }, { "vxlan-gpe", 50 },
};

/* Every encapsulation: VM a on pe0 (leaf1) and VM b on pe6 (leaf4).  a
 * sends to b (unknown: flooded to pe6 alone, the flood list), b answers
 * (learned: unicast), a sends again (learned).  Three underlay frames of
 * 1000 + overhead bytes, each crossing PE->leaf, leaf->spine,
 * spine->leaf, leaf->PE. */
START_TEST(two_pe_every_encap)
{
    const struct nvo_encap_ops *ops = nvo_encaps[_i];
    ck_assert_str_eq(ops->name, overheads[_i].name);
    uint32_t oh = overheads[_i].overhead;
    struct fab f;
    fab_build(&f, ops, 0);
    uint8_t mac[6];
    uint32_t vm;
    uint32_t list[2] = { nvo_pe_node_index(f.pe[0]),
                         nvo_pe_node_index(f.pe[6]) };
    for (int k = 0; k < 2; k++) {
        int i = k ? 6 : 0;
        vm_mac(i, mac);
        ck_assert_int_eq(nvo_pe_node_add_tenant(f.pe[i], VNI, &f.tenant[i]),
                         0);
        ck_assert_int_eq(nvo_pe_node_add_tenant(f.pe[i], VNI, &vm), EEXIST);
        ck_assert_int_eq(nvo_pe_node_add_vm(f.pe[i], 0, mac, 0, &vm), 0);
        ck_assert_int_eq(nvo_pe_node_add_vm(f.pe[i], 0, mac, 0, &vm), EEXIST);
        ck_assert_int_eq(nvo_pe_node_set_flood(f.pe[i], 0, list, 2), 0);
    }
    vm_to_vm(&f, 0, 6, 1000);
    settle(&f);
    vm_to_vm(&f, 6, 0, 1000);
    settle(&f);
    vm_to_vm(&f, 0, 6, 1000);
    settle(&f);

    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(f.pe[0]);
    const struct nvo_pe_node_counters *b = nvo_pe_node_counters(f.pe[6]);
    ck_assert_uint_eq(a->vm_frames, 2);
    ck_assert_uint_eq(a->bum[NVO_BUM_UNKNOWN], 1);
    ck_assert_uint_eq(a->bum_copies, 1);
    ck_assert_uint_eq(a->remote_unicast, 1);
    ck_assert_uint_eq(b->remote_unicast, 1);
    ck_assert_uint_eq(b->bum[NVO_BUM_UNKNOWN], 0);
    ck_assert_uint_eq(a->frames_out, 2);
    ck_assert_uint_eq(a->bytes_out, 2 * (1000 + oh));
    ck_assert_uint_eq(b->bytes_out, 1000 + oh);
    ck_assert_uint_eq(b->delivered, 2);
    ck_assert_uint_eq(b->delivered_bytes, 2000);
    ck_assert_uint_eq(a->delivered, 1);
    ck_assert_uint_eq(a->learned_remote, 1);
    ck_assert_uint_eq(b->learned_remote, 1);
    ck_assert_uint_eq(a->learned_local, 1);
    uint64_t bytes[4], frames[4];
    tier_bytes(&f, bytes, frames);
    for (int t = 0; t < 4; t++) {
        ck_assert_uint_eq(frames[t], 3);
        ck_assert_uint_eq(bytes[t], 3 * (1000 + oh));
    }
    ck_assert_uint_eq(tx_bytes(&nvo_pe_node_base(f.pe[0])->ports[0]),
                      2 * (1000 + oh));
    /* Bound where the fabric delivers it: one binding took both. */
    const struct nvo_node *n6 = nvo_pe_node_base(f.pe[6]);
    ck_assert_uint_eq(n6->n_local, 2);
    ck_assert_uint_eq(n6->n_binds, 1);
    ck_assert_uint_eq(n6->binds[0].n_delivered, 2);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* Lengths of the frames a port sent, in order. */
struct sizes {
    uint32_t len[16];
    uint32_t n;
};

static void
size_tap(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
         const struct nvo_port *port, const struct nvo_pkt *p,
         const char *reason)
{
    struct sizes *s = ctx;
    (void) ev;
    (void) now;
    (void) port;
    (void) reason;
    ck_assert_uint_lt(s->n, 16);
    s->len[s->n++] = nvo_pkt_len(p);
}

/* Every encapsulation over IPv4 (_i < 9) and IPv6 (_i >= 9), one frame at
 * a time from pe0's VM to pe6's (after pe6's VM has sent once, so both
 * know each other): the frame sizes on pe0's uplink and on leaf4's port to
 * pe6, each exactly the tenant frame + the overhead (IPv6: + 20), for a
 * minimal frame (64), 1000 bytes, and the largest tenant frame whose
 * underlay IP packet fits the 1500-byte MTU, 1514 - overhead: a 1514-byte
 * frame.  One byte more is an MTU drop at pe0's port (STT instead cuts it
 * into two segments: 18 + T bytes of STT frame plus 2 x 54 of headers,
 * 2 x 74 over IPv6). */
START_TEST(exact_sizes_every_encap)
{
    int e = _i % 9;
    bool v6 = _i >= 9;
    const struct nvo_encap_ops *ops = nvo_encaps[e];
    ck_assert_str_eq(ops->name, overheads[e].name);
    uint32_t oh = overheads[e].overhead + (v6 ? 20 : 0);
    bool stt = !strcmp(ops->name, "stt");
    fab_ipv6 = v6;
    struct fab f;
    fab_build(&f, ops, 0);
    fab_ipv6 = false;
    uint8_t mac[6];
    uint32_t vm;
    uint32_t list[2] = { nvo_pe_node_index(f.pe[0]),
                         nvo_pe_node_index(f.pe[6]) };
    for (int k = 0; k < 2; k++) {
        int i = k ? 6 : 0;
        vm_mac(i, mac);
        ck_assert_int_eq(nvo_pe_node_add_tenant(f.pe[i], VNI, &f.tenant[i]),
                         0);
        ck_assert_int_eq(nvo_pe_node_add_vm(f.pe[i], 0, mac, 0, &vm), 0);
        ck_assert_int_eq(nvo_pe_node_set_flood(f.pe[i], 0, list, 2), 0);
    }
    vm_to_vm(&f, 6, 0, 100);        /* flooded to pe0: pe0 learns */
    settle(&f);
    vm_to_vm(&f, 0, 6, 100);        /* unicast: pe6 learns */
    settle(&f);
    struct sizes up, down;
    memset(&up, 0, sizeof up);
    memset(&down, 0, sizeof down);
    struct nvo_node *n0 = nvo_pe_node_base(f.pe[0]);
    nvo_port_add_tap(&n0->ports[0], size_tap, &up, NVO_TAP_MASK_SEND);
    struct nvo_node *l4 = nvo_net_node(f.net, (uint32_t) f.leaf[3]);
    struct nvo_node *n6 = nvo_pe_node_base(f.pe[6]);
    for (uint32_t k = 0; k < l4->n_ports; k++) {
        if (l4->peer[k] == n6->index) {
            nvo_port_add_tap(&l4->ports[k], size_tap, &down,
                             NVO_TAP_MASK_SEND);
        }
    }
    uint32_t max = 1514 - oh;
    const uint32_t lens[] = { 64, 1000, max };
    for (size_t k = 0; k < 3; k++) {
        vm_to_vm(&f, 0, 6, lens[k]);
        settle(&f);
    }
    ck_assert_uint_eq(up.n, 3);
    ck_assert_uint_eq(down.n, 3);
    for (size_t k = 0; k < 3; k++) {
        ck_assert_uint_eq(up.len[k], lens[k] + oh);
        ck_assert_uint_eq(down.len[k], lens[k] + oh);
    }
    ck_assert_uint_eq(up.len[2], 1514);
    const struct nvo_pe_node_counters *b = nvo_pe_node_counters(f.pe[6]);
    ck_assert_uint_eq(b->delivered, 4);
    ck_assert_uint_eq(b->delivered_bytes, 100 + 64 + 1000 + max);
    /* One byte more. */
    vm_to_vm(&f, 0, 6, max + 1);
    settle(&f);
    const struct nvo_port_stats *st = &n0->ports[0].st;
    if (stt) {
        uint32_t seg = v6 ? 74 : 54;
        ck_assert_uint_eq(up.n, 5);
        ck_assert_uint_eq(up.len[3], 1514);
        ck_assert_uint_eq(up.len[3] + up.len[4], 18 + max + 1 + 2 * seg);
        ck_assert_uint_eq(down.n, 5);
        ck_assert_uint_eq(b->rx_segments, 1);
        ck_assert_uint_eq(b->delivered, 5);
        ck_assert_uint_eq(st->drop_frames[NVO_DROP_MTU], 0);
    } else {
        ck_assert_uint_eq(up.n, 3);
        ck_assert_uint_eq(down.n, 3);
        ck_assert_uint_eq(st->drop_frames[NVO_DROP_MTU], 1);
        ck_assert_uint_eq(st->drop_bytes[NVO_DROP_MTU], max + 1 + oh);
        ck_assert_uint_eq(b->delivered, 4);
    }
    fab_destroy(&f);
}
END_TEST

/* STT over 1500-byte links: a 4000-byte tenant frame is 3 segments
 * (1460 bytes of TCP payload each: 4000 + 18 = 4018 = 1460 + 1460 +
 * 1098), 1514 + 1514 + 1152 bytes on each link; the receiver counts the
 * later two as segments and delivers the frame once. */
START_TEST(stt_segments_across_fabric)
{
    struct fab f;
    fab_build(&f, &nvo_encap_stt_ops, 0);
    fab_tenant(&f, 2, false);
    vm_to_vm(&f, 0, 1, 4000);
    settle(&f);
    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(f.pe[0]);
    const struct nvo_pe_node_counters *b = nvo_pe_node_counters(f.pe[1]);
    ck_assert_uint_eq(a->encap_frames, 1);
    ck_assert_uint_eq(a->frames_out, 3);
    ck_assert_uint_eq(a->bytes_out, 1514 + 1514 + 1152);
    ck_assert_uint_eq(b->rx_frames, 3);
    ck_assert_uint_eq(b->rx_segments, 2);
    ck_assert_uint_eq(b->delivered, 1);
    ck_assert_uint_eq(b->delivered_bytes, 4000);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* Ingress replication: the VNI on all 8 PEs, a broadcast from pe0 is 7
 * unicast copies; by hand, per tier (F = 1000 + 50): PE->leaf 7 (pe0's
 * uplink), leaf1->spine 6 (the copy for pe1 turns at leaf1), spine->leaf
 * 6, leaf->PE 7. */
START_TEST(ingress_replication)
{
    struct fab f;
    fab_build(&f, &nvo_encap_vxlan_ops, 0);
    fab_tenant(&f, N_PES, false);
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    vm_send(&f, 0, bcast, 1000, 1);
    settle(&f);
    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(f.pe[0]);
    ck_assert_uint_eq(a->bum[NVO_BUM_BROADCAST], 1);
    ck_assert_uint_eq(a->bum_copies, N_PES - 1);
    ck_assert_uint_eq(a->bum_local_copies, 0);
    uint64_t bytes[4], frames[4];
    tier_bytes(&f, bytes, frames);
    const uint64_t want[4] = { 7, 6, 6, 7 };
    for (int t = 0; t < 4; t++) {
        ck_assert_uint_eq(frames[t], want[t]);
        ck_assert_uint_eq(bytes[t], want[t] * 1050);
    }
    for (int i = 1; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        ck_assert_uint_eq(c->delivered, 1);
        ck_assert_uint_eq(c->bum_copies, 0);       /* split horizon */
        ck_assert_uint_eq(c->learned_remote, 1);
    }
    /* A multicast from pe3 the same: n - 1 copies, each to a VM. */
    vm_send(&f, 3, mcast, 200, 1);
    settle(&f);
    const struct nvo_pe_node_counters *d = nvo_pe_node_counters(f.pe[3]);
    ck_assert_uint_eq(d->bum[NVO_BUM_MULTICAST], 1);
    ck_assert_uint_eq(d->bum_copies, N_PES - 1);
    uint64_t delivered = 0;
    for (int i = 0; i < N_PES; i++) {
        delivered += nvo_pe_node_counters(f.pe[i])->delivered;
    }
    ck_assert_uint_eq(delivered, 2 * (N_PES - 1));
    /* A second VM on pe0 gets a local copy (and no remote PE a second). */
    uint8_t mac[6] = { 0x02, 0, 0, 0, 0x20, 1 };
    uint32_t vm;
    ck_assert_int_eq(nvo_pe_node_add_vm(f.pe[0], f.tenant[0], mac, 0, &vm), 0);
    vm_send(&f, 0, bcast, 100, 1);
    settle(&f);
    ck_assert_uint_eq(a->bum_copies, 2 * (N_PES - 1));
    ck_assert_uint_eq(a->bum_local_copies, 1);
    ck_assert_uint_eq(a->delivered, 1 + 1);    /* pe3's multicast + this */
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* Flood-and-learn: VM i sends to every VM j != i, in order i = 0..7.
 * VM i's frames to VMs j > i flood (j has not sent yet); those to j < i
 * are unicast (j's floods taught every PE): n(n-1)/2 = 28 unknown
 * unicast.  A second round: none.  After the aging time every entry is
 * gone and the first round repeats exactly. */
START_TEST(flood_and_learn_aging)
{
    struct fab f;
    fab_build(&f, &nvo_encap_vxlan_ops, NVO_SEC);
    fab_tenant(&f, N_PES, false);
    uint64_t want_unknown = 0;
    for (int round = 0; round < 3; round++) {
        if (round == 2) {
            nvo_engine_run(f.e, nvo_engine_now(f.e) + 2 * NVO_SEC);
            for (int i = 0; i < N_PES; i++) {
                const struct nvo_mac_counters *m =
                    nvo_mac_table_counters(nvo_pe_node_mac_table(f.pe[i]));
                ck_assert_uint_eq(m->entries, 0);
                ck_assert_uint_eq(m->aged, N_PES);
            }
        }
        for (int i = 0; i < N_PES; i++) {
            for (int j = 0; j < N_PES; j++) {
                if (i != j) {
                    vm_to_vm(&f, i, j, 500);
                    settle(&f);
                }
            }
        }
        want_unknown += round == 1 ? 0 : N_PES * (N_PES - 1) / 2;
        uint64_t unknown = 0, uni = 0;
        for (int i = 0; i < N_PES; i++) {
            const struct nvo_pe_node_counters *c =
                nvo_pe_node_counters(f.pe[i]);
            unknown += c->bum[NVO_BUM_UNKNOWN];
            uni += c->remote_unicast;
        }
        ck_assert_uint_eq(unknown, want_unknown);
        ck_assert_uint_eq(uni, (uint64_t) (round + 1) * N_PES * (N_PES - 1)
                               - want_unknown);
    }
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        /* Every VM received 7 frames a round: 21 deliveries; the flooded
         * copies to the other 6 PEs were dropped there as no-vm. */
        ck_assert_uint_eq(c->delivered, 3 * (N_PES - 1));
        ck_assert_uint_eq(c->moves, 0);
        const struct nvo_mac_counters *m =
            nvo_mac_table_counters(nvo_pe_node_mac_table(f.pe[i]));
        ck_assert_uint_eq(m->entries, N_PES);
        ck_assert_uint_eq(m->entries_max, N_PES);
    }
    uint64_t no_vm = 0;
    for (int i = 0; i < N_PES; i++) {
        no_vm += nvo_pe_node_counters(f.pe[i])->drops[NVO_PE_DROP_NO_VM];
    }
    ck_assert_uint_eq(no_vm, 2 * 28 * (N_PES - 2));
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* An NLB-style MAC no port ever sources: every frame floods, 10 of them
 * make 10 * 7 copies, however long the run.  A VM whose MAC appears at
 * another PE counts a move. */
START_TEST(nlb_always_floods_and_moves)
{
    struct fab f;
    fab_build(&f, &nvo_encap_vxlan_ops, 0);
    fab_tenant(&f, N_PES, false);
    const uint8_t nlb[6] = { 0x02, 0xbf, 0x0a, 0, 0, 0x63 };
    for (int k = 0; k < 10; k++) {
        vm_send(&f, 2, nlb, 800, (uint16_t) (k + 1));
        settle(&f);
    }
    const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[2]);
    ck_assert_uint_eq(c->bum[NVO_BUM_UNKNOWN], 10);
    ck_assert_uint_eq(c->bum_copies, 10 * (N_PES - 1));
    const struct nvo_pe_node_counters *t =
        nvo_pe_node_tenant_counters(f.pe[2], f.tenant[2]);
    ck_assert_uint_eq(t->bum[NVO_BUM_UNKNOWN], 10);
    uint64_t no_vm = 0;
    for (int i = 0; i < N_PES; i++) {
        no_vm += nvo_pe_node_counters(f.pe[i])->drops[NVO_PE_DROP_NO_VM];
    }
    ck_assert_uint_eq(no_vm, 10 * (N_PES - 1));
    /* pe2's VM MAC now sourced from pe5 (a VM move, frame from pe5's VM
     * with pe2's VM's MAC): every PE that receives the flood moves it. */
    struct nvo_pkt *p = nvo_pkt_alloc(&f.net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    vm_mac(2, s.src_mac);
    memset(s.dst_mac, 0xff, 6);
    s.proto = NVO_IPPROTO_UDP;
    p->payload_size = 100;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(f.pe[5], f.tenant[5], 0, p), 0);
    settle(&f);
    uint64_t moves = 0;
    for (int i = 0; i < N_PES; i++) {
        moves += nvo_pe_node_counters(f.pe[i])->moves;
    }
    /* Every PE knew it (pe2 local, the others at pe2 from the NLB
     * floods): pe5 moves it to its local VM, pe2 and the other six to
     * pe5. */
    ck_assert_uint_eq(moves, N_PES);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* The VNI on pe0..pe3 only, flood list all 8 PEs: each of 5 broadcasts
 * reaches pe4..pe7 for nothing: (8 - 4) * 5 unwanted deliveries. */
START_TEST(unwanted_all_pes)
{
    struct fab f;
    fab_build(&f, &nvo_encap_geneve_ops, 0);
    fab_tenant(&f, 4, true);
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    for (int k = 0; k < 5; k++) {
        vm_send(&f, 1, bcast, 300, 1);
        settle(&f);
    }
    uint64_t unwanted = 0, no_tenant = 0;
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        unwanted += c->unwanted;
        no_tenant += c->drops[NVO_PE_DROP_NO_TENANT];
        ck_assert_uint_eq(c->unwanted, i >= 4 ? 5 : 0);
    }
    ck_assert_uint_eq(unwanted, (N_PES - 4) * 5);
    ck_assert_uint_eq(no_tenant, unwanted);
    ck_assert_uint_eq(nvo_pe_node_counters(f.pe[1])->bum_copies,
                      5 * (N_PES - 1));
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* ECMP: 64 inner flows from pe0's VM to pe4's VM (leaf1 -> leaf3) after
 * learning.  VXLAN's UDP source port spreads them over both spines;
 * NVGRE's outer 5-tuple is the same for all (protocol 47, no ports): one
 * spine takes all 64. */
static void
ecmp_spines(const struct nvo_encap_ops *ops, uint64_t per_spine[N_SPINES])
{
    struct fab f;
    fab_build(&f, ops, 0);
    fab_tenant(&f, N_PES, false);
    vm_to_vm(&f, 4, 0, 200);        /* pe0 learns pe4's VM */
    settle(&f);
    uint64_t before[N_SPINES];
    for (int s = 0; s < N_SPINES; s++) {
        before[s] = nvo_net_node(f.net, (uint32_t) f.spine[s])->n_forwarded;
    }
    uint8_t mac[6];
    vm_mac(4, mac);
    for (int k = 0; k < 64; k++) {
        vm_send(&f, 0, mac, 200, (uint16_t) (10000 + k));
        settle(&f);
    }
    ck_assert_uint_eq(nvo_pe_node_counters(f.pe[0])->remote_unicast, 64);
    for (int s = 0; s < N_SPINES; s++) {
        per_spine[s] = nvo_net_node(f.net, (uint32_t) f.spine[s])->n_forwarded
                       - before[s];
    }
    ck_assert_uint_eq(per_spine[0] + per_spine[1], 64);
    check_conservation(&f);
    fab_destroy(&f);
}

START_TEST(ecmp_vxlan_vs_nvgre)
{
    uint64_t vx[N_SPINES], nv[N_SPINES];
    ecmp_spines(&nvo_encap_vxlan_ops, vx);
    ecmp_spines(&nvo_encap_nvgre_ops, nv);
    /* This deterministic run's split (CRC32, per-switch seeds of
     * leaf1): both spines for VXLAN, one for NVGRE. */
    ck_assert_uint_eq(vx[0], 37);
    ck_assert_uint_eq(vx[1], 27);
    ck_assert_uint_eq(nv[0], 0);
    ck_assert_uint_eq(nv[1], 64);
}
END_TEST

/* Dual homing over an IPv6 underlay: pe-a on leaf1 and leaf2, pe-b on
 * leaf3 and leaf4 (2 spines).  After learning, 64 VXLAN inner flows from
 * a to b use both of pe-a's uplinks (its ECMP hashes the outer UDP source
 * port: 31 / 33 in this run), every frame arrives, 1000 + 70 bytes
 * each (outer IPv6). */
START_TEST(dual_homed_ipv6)
{
    struct nvo_engine *e;
    struct nvo_net_cfg cfg;
    nvo_test_net_cfg(&cfg);
    cfg.ipv6 = true;
    cfg.seed_mode = NVO_SEED_PER_SWITCH;
    struct nvo_net *net = nvo_test_net(&cfg, &e);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    int sp[2], lf[4];
    char name[16];
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "s%d", i);
        sp[i] = nvo_net_add_node(net, name, NVO_ROLE_SPINE);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "l%d", i);
        lf[i] = nvo_net_add_node(net, name, NVO_ROLE_LEAF);
        for (int k = 0; k < 2; k++) {
            ck_assert_int_eq(nvo_net_add_link(net, (uint32_t) lf[i],
                                              (uint32_t) sp[k], &l), 0);
        }
    }
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_vxlan_ops;
    struct nvo_pe_node *pe[2];
    uint32_t list[2], t[2], vm;
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "pe%d", i);
        pe[i] = nvo_pe_node_create(net, name, &pc);
        ck_assert_ptr_nonnull(pe[i]);
        list[i] = nvo_pe_node_index(pe[i]);
        for (int k = 0; k < 2; k++) {
            ck_assert_int_eq(nvo_net_add_link(net, list[i],
                                              (uint32_t) lf[2 * i + k], &l),
                             0);
        }
    }
    ck_assert_int_eq(nvo_net_finalize(net), 0);
    for (int i = 0; i < 2; i++) {
        uint8_t mac[6];
        vm_mac(i, mac);
        ck_assert_int_eq(nvo_pe_node_add_tenant(pe[i], VNI, &t[i]), 0);
        ck_assert_int_eq(nvo_pe_node_add_vm(pe[i], t[i], mac, 0, &vm), 0);
        ck_assert_int_eq(nvo_pe_node_set_flood(pe[i], t[i], list, 2), 0);
    }
    for (int k = 0; k < 65; k++) {
        int from = k ? 0 : 1;       /* pe1's VM first: pe0 learns it */
        struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, NVO_PKT_HEADROOM, 64);
        struct nvo_frame_spec s;
        memset(&s, 0, sizeof s);
        vm_mac(from, s.src_mac);
        vm_mac(1 - from, s.dst_mac);
        s.proto = NVO_IPPROTO_UDP;
        s.sport = (uint16_t) (20000 + k);
        s.dport = 80;
        p->payload_size = 1000 - 42;
        ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
        ck_assert_int_eq(nvo_pe_node_vm_send(pe[from], t[from], 0, p), 0);
        nvo_engine_run(e, nvo_engine_now(e) + NVO_MS);
    }
    const struct nvo_pe_node_counters *a = nvo_pe_node_counters(pe[0]);
    const struct nvo_pe_node_counters *b = nvo_pe_node_counters(pe[1]);
    ck_assert_uint_eq(a->remote_unicast, 64);
    ck_assert_uint_eq(a->bum[NVO_BUM_UNKNOWN], 0);
    ck_assert_uint_eq(a->bytes_out, 64 * 1070);
    ck_assert_uint_eq(b->delivered, 64);
    ck_assert_uint_eq(a->delivered, 1);
    const struct nvo_node *na = nvo_pe_node_base(pe[0]);
    ck_assert_uint_eq(na->n_ports, 2);
    uint64_t up0 = tx_bytes(&na->ports[0]), up1 = tx_bytes(&na->ports[1]);
    ck_assert_uint_eq(up0 + up1, 64 * 1070);
    /* This deterministic run's split over the two uplinks. */
    ck_assert_uint_eq(up0, 31 * 1070);
    ck_assert_uint_eq(up1, 33 * 1070);
    ck_assert_uint_eq(nvo_net_drops(net, NULL, NULL), 0);
    ck_assert_uint_eq(net->n_generated, a->frames_out + b->frames_out);
    ck_assert_uint_eq(net->n_generated, a->rx_frames + b->rx_frames);
    nvo_net_destroy(net);
    nvo_engine_destroy(e);
}
END_TEST

/* The MAC table's limit, 3 learned entries per PE: each of the 8 VMs
 * broadcasts once, in order; every PE learns the first 3 MACs it sees
 * (VM0..VM2) and refuses the other 5, and the frames still flood and
 * arrive.  Then pe7's VM reaches VM0 by unicast (learned) and VM5 only by
 * flooding (refused). */
START_TEST(mac_limit)
{
    struct fab f;
    fab_mac_limit = 3;
    fab_build(&f, &nvo_encap_vxlan_ops, 0);
    fab_mac_limit = 0;
    fab_tenant(&f, N_PES, false);
    const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    for (int i = 0; i < N_PES; i++) {
        vm_send(&f, i, bcast, 100, 1);
        settle(&f);
    }
    uint64_t delivered = 0;
    for (int i = 0; i < N_PES; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[i]);
        ck_assert_uint_eq(c->learned_local + c->learned_remote, 3);
        ck_assert_uint_eq(c->learn_refused, N_PES - 3);
        ck_assert_uint_eq(c->learned_local, i < 3 ? 1 : 0);
        const struct nvo_mac_counters *m =
            nvo_mac_table_counters(nvo_pe_node_mac_table(f.pe[i]));
        ck_assert_uint_eq(m->entries, 3);
        ck_assert_uint_eq(m->refused, N_PES - 3);
        delivered += c->delivered;
    }
    ck_assert_uint_eq(delivered, N_PES * (N_PES - 1));
    vm_to_vm(&f, 7, 0, 100);
    settle(&f);
    vm_to_vm(&f, 7, 5, 100);
    settle(&f);
    const struct nvo_pe_node_counters *c = nvo_pe_node_counters(f.pe[7]);
    ck_assert_uint_eq(c->remote_unicast, 1);
    ck_assert_uint_eq(c->bum[NVO_BUM_UNKNOWN], 1);
    ck_assert_uint_eq(c->bum[NVO_BUM_BROADCAST], 1);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

START_TEST(bad_input)
{
    struct fab f;
    fab_build(&f, &nvo_encap_nvgre_ops, 0);
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_vxlan_ops;
    errno = 0;
    ck_assert_ptr_null(nvo_pe_node_create(f.net, "late", &pc));
    ck_assert_int_eq(errno, EINVAL);
    uint32_t t;
    ck_assert_int_eq(nvo_pe_node_add_tenant(f.pe[0], 10, &t), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_tenant(f.pe[0], VNI, &t), 0);
    const uint8_t group[6] = { 0x01, 0, 0, 0, 0, 1 };
    uint32_t vm;
    ck_assert_int_eq(nvo_pe_node_add_vm(f.pe[0], t, group, 0, &vm), EINVAL);
    ck_assert_int_eq(nvo_pe_node_add_vm(f.pe[0], 9, group, 0, &vm), EINVAL);
    uint32_t spine = (uint32_t) f.spine[0];
    ck_assert_int_eq(nvo_pe_node_set_flood(f.pe[0], t, &spine, 1), EINVAL);
    ck_assert_ptr_null(nvo_pe_node_of(nvo_net_node(f.net, spine)));
    ck_assert_ptr_eq(nvo_pe_node_of(nvo_pe_node_base(f.pe[3])), f.pe[3]);
    ck_assert_int_eq(nvo_pe_node_find_tenant(f.pe[0], VNI, &t), 0);
    ck_assert_int_eq(nvo_pe_node_find_tenant(f.pe[0], 7, &t), ENOENT);
    fab_destroy(&f);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("pe_fabric");
    TCase *tc = tcase_create("pe_fabric");
    tcase_add_loop_test(tc, two_pe_every_encap, 0, 9);
    tcase_add_loop_test(tc, exact_sizes_every_encap, 0, 18);
    tcase_add_test(tc, stt_segments_across_fabric);
    tcase_add_test(tc, ingress_replication);
    tcase_add_test(tc, flood_and_learn_aging);
    tcase_add_test(tc, nlb_always_floods_and_moves);
    tcase_add_test(tc, unwanted_all_pes);
    tcase_add_test(tc, ecmp_vxlan_vs_nvgre);
    tcase_add_test(tc, dual_homed_ipv6);
    tcase_add_test(tc, mac_limit);
    tcase_add_test(tc, bad_input);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
