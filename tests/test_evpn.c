/* test_evpn.c: the EVPN control plane logic (ctrl/evpn.h) on PEs of a
 * small leaf-spine (2 spines, 2 leaves, up to 6 PEs), with an in-test
 * route bus that hands every advertisement and withdrawal of a PE to
 * every other PE's nvo_evpn_route_in() 1 ms later (as a full iBGP mesh
 * with no processing delay would), so the tests check the EVPN logic
 * exactly: IMET routes and flood lists (N x V), type-2 routes per VM
 * (M, 2M with MAC-only too), remote MACs installed, no unknown-unicast
 * flood after convergence (flood-and-learn floods), attribute bytes (RT,
 * Encapsulation, PMSI, RD, MAC Mobility) and an UPDATE they encode to,
 * MAC mobility sequences across moves, the tie to the lowest
 * originator, duplicate detection at the 5th move within 180 s and not
 * at the 4th nor with moves 200 s apart, ARP suppression counts, the
 * withdrawal of a learned MAC at its aging time exactly, the memory
 * counted per type, and tshark decoding the routes packed as UPDATEs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/mem.h"
#include "ctrl/evpn.h"
#include "fabric/mcast.h"
#include "fabric/net.h"
#include "io/pcap_out.h"
#include "overlay/pe_node.h"
#include "testfabric.h"
#include "testutil.h"
#include "traffic/vm_arp.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_pack.h"
#include "wire/wire.h"

/* This suite's tshark lines (tests/testfabric). */
#define run_tshark(path, args, lines, max)                                  \
    nvo_test_tshark(path, args, lines[0], sizeof lines[0], max,            \
                    NVO_TEST_TSHARK_STRIP | NVO_TEST_TSHARK_BARS)

#define MAX_PES 6
#define MAX_VNIS 3
#define BUS_DELAY NVO_MS
#define NO_TENANT UINT32_MAX

/* One call on the bus, as the tests read it back. */
struct rec {
    nvo_time_t t;
    int pe;                     /* the world's index of the sender */
    bool adv;                   /* advertise, else withdraw */
    struct nvo_evpn_route r;
    uint32_t present;
    uint8_t ec[4][NVO_BGP_EC_LEN];
    uint16_t n_ec;
    struct nvo_bgp_pmsi pmsi;
    uint8_t mp_nh_len;
    uint8_t mp_nh[4];
    uint32_t local_pref;
    uint16_t mp_afi;
    uint8_t mp_safi;
};

struct world;

struct bus {                    /* one PE's end of the bus */
    struct world *w;
    int pe;
};

struct world {
    struct nvo_engine *e;
    struct nvo_net *net;
    int n;                      /* PEs */
    struct nvo_pe_node *pe[MAX_PES];
    struct nvo_evpn *ev[MAX_PES];
    uint32_t tenant[MAX_PES][MAX_VNIS];    /* NO_TENANT: not hosted */
    struct bus bus[MAX_PES];
    GArray *log;                /* struct rec */
    /* Deliveries to VMs: count per PE, the last frame's first bytes. */
    uint64_t delivered[MAX_PES];
    uint8_t last[MAX_PES][64];
    uint32_t last_len[MAX_PES];
};

/* A message in flight on the bus. */
struct msg {
    struct world *w;
    int from, to;
    bool adv;
    struct nvo_evpn_route r;
    struct nvo_bgp_attrs a;
    uint8_t ec[4][NVO_BGP_EC_LEN];
};

static const uint32_t vnis[MAX_VNIS] = { 5000, 5001, 5002 };

/* For the next world_build(): multicast on the net (PIM-SM, RP spine 0)
 * and VNI v flooding to group mcast_base + v (0: ingress replication). */
static uint32_t mcast_base;

static void
deliver_msg(void *arg)
{
    struct msg *m = arg;
    struct world *w = m->w;
    if (m->adv) {
        m->a.ext_comm = &m->ec[0][0];
    }
    nvo_evpn_route_in(w->ev[m->to], &m->r, m->adv ? &m->a : NULL,
                      nvo_evpn_router_id(w->ev[m->from]));
    g_free(m);
}

static void
send_all(struct bus *b, const struct nvo_evpn_route *r,
         const struct nvo_bgp_attrs *a)
{
    struct world *w = b->w;
    struct rec x;
    memset(&x, 0, sizeof x);
    x.t = nvo_engine_now(w->e);
    x.pe = b->pe;
    x.adv = a != NULL;
    x.r = *r;
    if (a) {
        ck_assert_uint_le(a->n_ext_comm, 4);
        x.present = a->present;
        x.n_ec = a->n_ext_comm;
        memcpy(x.ec, a->ext_comm, a->n_ext_comm * (size_t) NVO_BGP_EC_LEN);
        x.pmsi = a->pmsi;
        x.mp_nh_len = a->mp_nh_len;
        memcpy(x.mp_nh, a->mp_nh, 4);
        x.local_pref = a->local_pref;
        x.mp_afi = a->mp_afi;
        x.mp_safi = a->mp_safi;
    }
    g_array_append_val(w->log, x);
    for (int i = 0; i < w->n; i++) {
        if (i == b->pe || !w->ev[i]) {
            continue;
        }
        struct msg *m = g_new0(struct msg, 1);
        m->w = w;
        m->from = b->pe;
        m->to = i;
        m->adv = a != NULL;
        m->r = *r;
        if (a) {
            m->a = *a;
            memcpy(m->ec, a->ext_comm,
                   a->n_ext_comm * (size_t) NVO_BGP_EC_LEN);
            m->a.ext_comm = NULL;
        }
        nvo_engine_schedule(w->e, BUS_DELAY, deliver_msg, m);
    }
}

static int
bus_adv(void *ctx, const struct nvo_evpn_route *r,
        const struct nvo_bgp_attrs *a)
{
    send_all(ctx, r, a);
    return 0;
}

static int
bus_wd(void *ctx, const struct nvo_evpn_route *r)
{
    send_all(ctx, r, NULL);
    return 0;
}

static const struct nvo_evpn_bus_ops test_bus = {
    .advertise = bus_adv,
    .withdraw = bus_wd,
};

static void
on_deliver(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
           const struct nvo_pkt *p)
{
    struct world *w = ctx;
    (void) tenant;
    (void) vm;
    for (int i = 0; i < w->n; i++) {
        if (w->pe[i] == pe) {
            w->delivered[i]++;
            const uint8_t *l2 = nvo_pkt_at(p, p->l2_ofs);
            uint32_t n = nvo_pkt_data_ofs(p) + p->size - p->l2_ofs;
            w->last_len[i] = n < 64 ? n : 64;
            memcpy(w->last[i], l2, w->last_len[i]);
        }
    }
}

static uint8_t
vm_mac_byte(int pe, int v)
{
    return (uint8_t) (0x10 * (v + 1) + pe);
}

static void
vm_mac(int pe, int v, uint8_t mac[6])
{
    uint8_t m[6] = { 0x02, 0, 0, 0, (uint8_t) v, vm_mac_byte(pe, v) };
    memcpy(mac, m, 6);
}

static uint32_t
vm_ip(int pe, int v)
{
    return 0x0a000000u | (uint32_t) (v << 8) | (uint32_t) (pe + 1);
}

/* 'n' PEs on 2 leaves (PE i on leaf i % 2) and 2 spines; PE i hosts VNI
 * v when hosts[i][v], with one VM (MAC vm_mac(i, v), IP vm_ip(i, v))
 * unless 'no_vms'.  EVPN on every PE if 'cfg' (else flood-and-learn with
 * flood lists of every PE of the VNI); aging 'aging' (0: default). */
static void
world_build(struct world *w, int n, bool hosts[MAX_PES][MAX_VNIS],
            const struct nvo_evpn_cfg *cfg, const struct nvo_encap_ops *ops,
            nvo_time_t aging, bool no_vms)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    w->log = g_array_new(FALSE, TRUE, sizeof(struct rec));
    struct nvo_net_cfg nc;
    nvo_test_net_cfg(&nc);
    nc.seed_mode = NVO_SEED_PER_SWITCH;
    w->net = nvo_test_net(&nc, &w->e);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    int spine[2], leaf[2];
    nvo_test_leaf_spine(w->net, 0, 2, 2, &l, spine, leaf);
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = ops ? ops : nvo_encap_lookup("vxlan");
    pc.mac_aging = aging;
    pc.deliver = on_deliver;
    pc.ctx = w;
    for (int i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "pe%d", i);
        w->pe[i] = nvo_pe_node_create(w->net, name, &pc);
        ck_assert_ptr_nonnull(w->pe[i]);
        ck_assert_int_eq(nvo_net_add_link(w->net, nvo_pe_node_index(w->pe[i]),
                                          (uint32_t) leaf[i % 2], &l), 0);
    }
    if (mcast_base) {
        struct nvo_mcast_cfg mc = { .pim = NVO_MCAST_PIM_SM,
                                    .rp = (uint32_t) spine[0] };
        ck_assert_int_eq(nvo_mcast_attach(w->net, &mc), 0);
    }
    ck_assert_int_eq(nvo_net_finalize(w->net), 0);
    for (int i = 0; i < n; i++) {
        for (int v = 0; v < MAX_VNIS; v++) {
            w->tenant[i][v] = NO_TENANT;
            if (!hosts[i][v]) {
                continue;
            }
            ck_assert_int_eq(nvo_pe_node_add_tenant(w->pe[i], vnis[v],
                                                    &w->tenant[i][v]), 0);
            if (mcast_base) {
                ck_assert_int_eq(nvo_pe_node_set_mcast_group(
                                     w->pe[i], w->tenant[i][v],
                                     mcast_base + (uint32_t) v), 0);
            }
            if (!no_vms) {
                uint8_t mac[6];
                uint32_t vm;
                vm_mac(i, v, mac);
                ck_assert_int_eq(nvo_pe_node_add_vm(w->pe[i], w->tenant[i][v],
                                                    mac, vm_ip(i, v), &vm),
                                 0);
                ck_assert_uint_eq(vm, 0);
            }
            if (!cfg) {
                uint32_t list[MAX_PES], k = 0;
                for (int j = 0; j < n; j++) {
                    if (hosts[j][v]) {
                        list[k++] = nvo_pe_node_index(w->pe[j]);
                    }
                }
                ck_assert_int_eq(nvo_pe_node_set_flood(w->pe[i],
                                                       w->tenant[i][v], list,
                                                       k), 0);
            }
        }
    }
    if (cfg) {
        for (int i = 0; i < n; i++) {
            w->bus[i] = (struct bus) { w, i };
            w->ev[i] = nvo_evpn_create(w->pe[i], cfg, &test_bus, &w->bus[i]);
            ck_assert_ptr_nonnull(w->ev[i]);
        }
        for (int i = 0; i < n; i++) {
            ck_assert_int_eq(nvo_evpn_start(w->ev[i]), 0);
        }
    }
}

static void
world_destroy(struct world *w)
{
    nvo_engine_run(w->e, NVO_TIME_MAX);      /* frees messages in flight */
    for (int i = 0; i < w->n; i++) {
        nvo_evpn_destroy(w->ev[i]);
    }
    nvo_net_destroy(w->net);
    nvo_engine_destroy(w->e);
    g_array_free(w->log, TRUE);
}

/* Runs 10 ms: every bus message (1 ms) and frame arrives. */
static void
settle(struct world *w)
{
    nvo_engine_run(w->e, nvo_engine_now(w->e) + 10 * NVO_MS);
}

static void
run_to(struct world *w, nvo_time_t t)
{
    nvo_engine_run(w->e, t);
}

/* A tenant UDP frame from VM (pe, v) with vm number 'vm' to 'dst'. */
static void
vm_udp(struct world *w, int pe, int v, uint32_t vm, const uint8_t dst[6])
{
    struct nvo_pkt *p = nvo_pkt_alloc(&w->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    vm_mac(pe, v, s.src_mac);
    memcpy(s.dst_mac, dst, 6);
    s.src_ip4 = vm_ip(pe, v);
    s.dst_ip4 = 0x0a0000feu;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = 1000;
    s.dport = 80;
    p->payload_size = 100 - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(w->pe[pe], w->tenant[pe][v], vm, p),
                     0);
}

/* An ARP request from VM (pe, v) for 'ip'. */
static void
vm_arp_request(struct world *w, int pe, int v, uint32_t ip)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t zero[6] = { 0 };
    uint8_t mac[6];
    vm_mac(pe, v, mac);
    struct nvo_pkt *p = nvo_pkt_alloc(&w->net->pool, NVO_PKT_HEADROOM, 64);
    ck_assert_int_eq(nvo_vm_arp_build(p, NVO_ETH_TYPE_ARP, bcast, mac,
                                      NVO_ARP_OP_REQUEST, mac, vm_ip(pe, v),
                                      zero, ip), 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(w->pe[pe], w->tenant[pe][v], 0, p),
                     0);
}

static uint64_t
sum_ev(const struct world *w, size_t ofs)
{
    uint64_t s = 0;
    for (int i = 0; i < w->n; i++) {
        s += *(const uint64_t *) ((const char *) nvo_evpn_counters(w->ev[i])
                                  + ofs);
    }
    return s;
}

#define SUM(w, f) sum_ev((w), offsetof(struct nvo_evpn_counters, f))

/* The remote entries of 'vni' in PE i's table, each checked to point at
 * the PE of its MAC (vm_mac's last byte names it) with origin CONTROL. */
static uint64_t
remote_entries(struct world *w, int i, uint32_t vni)
{
    uint64_t n, k = 0;
    struct nvo_mac_entry *es =
        nvo_mac_table_sorted(nvo_pe_node_mac_table(w->pe[i]), &n);
    for (uint64_t j = 0; j < n; j++) {
        if (es[j].vni != vni || !(es[j].flags & NVO_MAC_REMOTE)) {
            continue;
        }
        int owner = (int) (es[j].mac & 0x0f);
        ck_assert_int_lt(owner, w->n);
        ck_assert_uint_eq(es[j].loc, nvo_pe_node_index(w->pe[owner]));
        ck_assert_uint_eq(es[j].origin, NVO_MAC_ORIGIN_CONTROL);
        ck_assert(es[j].flags & NVO_MAC_STATIC);
        k++;
    }
    g_free(es);
    return k;
}

static void
all_hosts(bool h[MAX_PES][MAX_VNIS], int n, int v)
{
    memset(h, 0, sizeof(bool) * MAX_PES * MAX_VNIS);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < v; k++) {
            h[i][k] = true;
        }
    }
}

/* ---- IMET routes and flood lists ------------------------------------------ */

/* N = 5 PEs, V = 3 VNIs each on all: each PE originates V type-3 routes
 * (N x V = 15 in all), receives (N - 1) x V = 12, and each flood list
 * has N - 1 = 4 PEs; a broadcast makes exactly 4 copies, one to each
 * other PE, each delivered to its one VM of the VNI. */
START_TEST(imet_flood_lists)
{
    struct evpn_case { int n, v; } cs[] = { { 5, 3 }, { 2, 1 }, { 6, 2 } };
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
        int n = cs[c].n, nv = cs[c].v;
        bool h[MAX_PES][MAX_VNIS];
        all_hosts(h, n, nv);
        struct nvo_evpn_cfg cfg;
        nvo_evpn_cfg_default(&cfg);
        struct world w;
        world_build(&w, n, h, &cfg, NULL, 0, true);
        settle(&w);
        ck_assert_uint_eq(SUM(&w, type3_advertised), (uint64_t) (n * nv));
        ck_assert_uint_eq(SUM(&w, type3_received),
                          (uint64_t) (n * (n - 1) * nv));
        ck_assert_uint_eq(SUM(&w, type2_advertised), 0);
        for (int i = 0; i < n; i++) {
            ck_assert_uint_eq(nvo_evpn_counters(w.ev[i])->type3_advertised,
                              (uint64_t) nv);
            for (int v = 0; v < nv; v++) {
                ck_assert_uint_eq(nvo_evpn_flood_size(w.ev[i],
                                                      w.tenant[i][v]),
                                  (uint64_t) (n - 1));
            }
        }
        /* PE 1's IMET of VNI 0 withdrawn at PE 0 (as its speaker would
         * on losing PE 1): n - 2 left; advertised again: n - 1. */
        const struct rec *im = NULL;
        for (guint k = 0; k < w.log->len && !im; k++) {
            const struct rec *x = &g_array_index(w.log, struct rec, k);
            im = x->pe == 1 && x->r.type == NVO_EVPN_IMET ? x : NULL;
        }
        ck_assert_ptr_nonnull(im);
        uint32_t rid1 = nvo_evpn_router_id(w.ev[1]);
        nvo_evpn_route_in(w.ev[0], &im->r, NULL, rid1);
        ck_assert_uint_eq(nvo_evpn_flood_size(w.ev[0], w.tenant[0][0]),
                          (uint64_t) (n - 2));
        ck_assert_uint_eq(nvo_evpn_counters(w.ev[0])->type3_unreach, 1);
        struct nvo_bgp_attrs ra;
        memset(&ra, 0, sizeof ra);
        ra.present = im->present;
        ra.ext_comm = &im->ec[0][0];
        ra.n_ext_comm = im->n_ec;
        ra.pmsi = im->pmsi;
        nvo_evpn_route_in(w.ev[0], &im->r, &ra, rid1);
        ck_assert_uint_eq(nvo_evpn_flood_size(w.ev[0], w.tenant[0][0]),
                          (uint64_t) (n - 1));
        /* A broadcast from a VM added now on PE 0 (VNI 0): n - 1 copies,
         * one VM-less delivery each (no VMs elsewhere: drops NO_VM). */
        uint8_t mac[6], bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
        uint32_t vm;
        vm_mac(0, 0, mac);
        ck_assert_int_eq(nvo_pe_node_add_vm(w.pe[0], w.tenant[0][0], mac,
                                            vm_ip(0, 0), &vm), 0);
        vm_udp(&w, 0, 0, vm, bc);
        settle(&w);
        ck_assert_uint_eq(nvo_pe_node_counters(w.pe[0])->bum_copies,
                          (uint64_t) (n - 1));
        for (int i = 1; i < n; i++) {
            ck_assert_uint_eq(nvo_pe_node_counters(w.pe[i])->rx_decap, 1);
        }
        world_destroy(&w);
    }
}
END_TEST

/* Multicast flooding (PIM-SM): 3 PEs x 2 VNIs, each IMET's PMSI is type
 * 4 with the PE's address and the VNI's group (239.1.1.1 + v), label the
 * VNI; 3 x 2 = 6 advertised, (n - 1) x V = 4 received per PE; no flood
 * list (0 PEs), and a broadcast is one copy, to the group. */
START_TEST(imet_multicast)
{
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 3, 2);
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    cfg.flood = NVO_EVPN_FLOOD_PIM_SM;
    struct world w;
    mcast_base = 0xef010101u;
    world_build(&w, 3, h, &cfg, NULL, 0, false);
    mcast_base = 0;
    settle(&w);
    ck_assert_uint_eq(SUM(&w, type3_advertised), 6);
    for (int i = 0; i < 3; i++) {
        ck_assert_uint_eq(nvo_evpn_counters(w.ev[i])->type3_received, 4);
        for (int v = 0; v < 2; v++) {
            ck_assert_uint_eq(nvo_evpn_flood_size(w.ev[i], w.tenant[i][v]),
                              0);
        }
    }
    int n = 0;
    for (guint k = 0; k < w.log->len; k++) {
        const struct rec *x = &g_array_index(w.log, struct rec, k);
        if (x->r.type != NVO_EVPN_IMET) {
            continue;
        }
        uint32_t v = (uint32_t) (n % 2);  /* each PE: tenant 0, then 1 */
        ck_assert_uint_eq(x->pmsi.type, NVO_PMSI_PIM_SM);
        ck_assert_uint_eq(x->pmsi.id_len, 8);
        ck_assert_uint_eq(nvo_rd32(x->pmsi.id),
                          nvo_evpn_router_id(w.ev[x->pe]));
        ck_assert_uint_eq(nvo_rd32(x->pmsi.id + 4), 0xef010101u + v);
        ck_assert_uint_eq(x->pmsi.label, 5000 + v);
        n++;
    }
    ck_assert_int_eq(n, 6);
    uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    vm_udp(&w, 0, 0, 0, bc);
    ck_assert_uint_eq(nvo_pe_node_counters(w.pe[0])->bum_copies, 1);
    world_destroy(&w);
}
END_TEST

/* ---- Type-2 routes, remote MACs, no unknown-unicast flood ----------------- */

/* PEs 0..3 host VNI 5000, PEs 0..2 VNI 5001, one VM each: M = 4 + 3 = 7
 * VMs.  MAC+IP routes: 7 type-2 (14 with MAC-only too); type-3: 7 (PEs x
 * VNIs hosted).  PEs 0..2 install 3 + 2 = 5 remote MACs, PE 3 only the 3
 * of VNI 5000 and refuses the 3 type-2 (6 with MAC-only) and 3 type-3 of
 * 5001 (not imported: no RT of a VNI it hosts). */
START_TEST(type2_routes_and_install)
{
    for (int both = 0; both < 2; both++) {
        bool h[MAX_PES][MAX_VNIS];
        memset(h, 0, sizeof h);
        for (int i = 0; i < 4; i++) {
            h[i][0] = true;
            h[i][1] = i < 3;
        }
        struct nvo_evpn_cfg cfg;
        nvo_evpn_cfg_default(&cfg);
        cfg.mac_only = both;
        struct world w;
        world_build(&w, 4, h, &cfg, NULL, 0, false);
        settle(&w);
        uint64_t per = both ? 2 : 1;
        ck_assert_uint_eq(SUM(&w, type2_advertised), 7 * per);
        ck_assert_uint_eq(SUM(&w, type3_advertised), 7);
        /* Each route reaches the 3 other PEs. */
        ck_assert_uint_eq(SUM(&w, type2_received), 3 * 7 * per);
        ck_assert_uint_eq(nvo_evpn_counters(w.ev[3])->not_imported,
                          3 * per + 3);
        for (int i = 0; i < 4; i++) {
            const struct nvo_evpn_counters *c = nvo_evpn_counters(w.ev[i]);
            ck_assert_uint_eq(c->remote_installed, i < 3 ? 5 : 3);
            ck_assert_uint_eq(remote_entries(&w, i, 5000), 3);
            ck_assert_uint_eq(remote_entries(&w, i, 5001), i < 3 ? 2 : 0);
            ck_assert_uint_eq(nvo_evpn_n_local_routes(w.ev[i]),
                              (i < 3 ? 2 : 1) * per);
            ck_assert_uint_eq(nvo_evpn_flood_size(w.ev[i], w.tenant[i][0]),
                              3);
        }
        /* Memory: one "evpn-mac" object per MAC a PE knows (its own
         * and the imported remote ones), one "evpn-arp" binding per
         * address (as many). */
        nvo_mem_type tm = nvo_mem_type_register("evpn-mac");
        nvo_mem_type ta = nvo_mem_type_register("evpn-arp");
        for (int i = 0; i < 4; i++) {
            const struct nvo_mem_acct *acct = &nvo_pe_node_base(w.pe[i])->mem;
            ck_assert_uint_eq(nvo_mem_acct_get(acct, tm).objects,
                              i < 3 ? 7 : 4);
            ck_assert_uint_eq(nvo_mem_acct_get(acct, ta).objects,
                              i < 3 ? 7 : 4);
        }
        /* The first unicast from PE 0's VM to PE 1's: known, remote
         * unicast, no flood; delivered to that one VM. */
        uint8_t dst[6];
        vm_mac(1, 0, dst);
        vm_udp(&w, 0, 0, 0, dst);
        settle(&w);
        const struct nvo_pe_node_counters *pc =
            nvo_pe_node_counters(w.pe[0]);
        ck_assert_uint_eq(pc->bum[NVO_BUM_UNKNOWN], 0);
        ck_assert_uint_eq(pc->bum_copies, 0);
        ck_assert_uint_eq(pc->remote_unicast, 1);
        ck_assert_uint_eq(w.delivered[1], 1);
        /* The frame did not teach PE 1 anything (remote learning off):
         * still only control entries, none of them DATA. */
        ck_assert_uint_eq(nvo_pe_node_counters(w.pe[1])->learned_remote, 0);
        world_destroy(&w);
    }
    /* Flood-and-learn (no EVPN): the same first frame floods to the 3
     * other PEs of VNI 5000. */
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 4, 1);
    struct world w;
    world_build(&w, 4, h, NULL, NULL, 0, false);
    uint8_t dst[6];
    vm_mac(1, 0, dst);
    vm_udp(&w, 0, 0, 0, dst);
    nvo_engine_run(w.e, 10 * NVO_MS);
    ck_assert_uint_eq(nvo_pe_node_counters(w.pe[0])->bum[NVO_BUM_UNKNOWN], 1);
    ck_assert_uint_eq(nvo_pe_node_counters(w.pe[0])->bum_copies, 3);
    world_destroy(&w);
}
END_TEST

/* ---- Attribute bytes -------------------------------------------------------- */

static const struct rec *
find_rec(const struct world *w, int pe, uint8_t type, int nth)
{
    for (guint i = 0; i < w->log->len; i++) {
        const struct rec *x = &g_array_index(w->log, struct rec, i);
        if (x->pe == pe && x->r.type == type && x->adv && nth-- == 0) {
            return x;
        }
    }
    return NULL;
}

/* PE 1 (router id = its loopback), VNI 5001 (its tenant 1): RD type 1
 * 00 01 | router id | 00 02; RT 00 02 | fd e8 (65000) | 00 00 13 89;
 * Encapsulation 03 0c 00 00 00 00 | 00 08 (VXLAN); PMSI flags 0, type 6,
 * label 00 13 89 (the VNI), id the router id; MP_REACH next hop the
 * router id, LOCAL_PREF 100.  The type-2 of VM (1, 1) (MAC+IPv4, one
 * label 00 13 89) is 39 bytes, and an UPDATE of its attributes and NLRI
 * encodes and decodes back to the same route. */
START_TEST(attribute_bytes)
{
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 2, 2);
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    struct world w;
    world_build(&w, 2, h, &cfg, NULL, 0, false);
    uint32_t rid = nvo_evpn_router_id(w.ev[1]);
    ck_assert_uint_eq(rid, nvo_pe_node_base(w.pe[1])->addr4);
    uint8_t rid_b[4];
    nvo_wr32(rid_b, rid);
    const struct rec *im = find_rec(&w, 1, NVO_EVPN_IMET, 1);
    ck_assert_ptr_nonnull(im);
    uint8_t rd[8] = { 0, 1, rid_b[0], rid_b[1], rid_b[2], rid_b[3], 0, 2 };
    ck_assert_mem_eq(im->r.rd, rd, 8);
    ck_assert_uint_eq(im->r.ip_len, 32);
    ck_assert_mem_eq(im->r.ip, rid_b, 4);
    ck_assert_uint_eq(im->n_ec, 2);
    const uint8_t rt[8] = { 0x00, 0x02, 0xfd, 0xe8, 0x00, 0x00, 0x13, 0x89 };
    const uint8_t enc[8] = { 0x03, 0x0c, 0, 0, 0, 0, 0x00, 0x08 };
    ck_assert_mem_eq(im->ec[0], rt, 8);
    ck_assert_mem_eq(im->ec[1], enc, 8);
    ck_assert(im->present & (1u << NVO_BGP_ATTR_PMSI));
    ck_assert_uint_eq(im->pmsi.type, NVO_PMSI_INGRESS_REPL);
    ck_assert_uint_eq(im->pmsi.flags, 0);
    ck_assert_uint_eq(im->pmsi.label, 5001);
    ck_assert_uint_eq(im->pmsi.id_len, 4);
    ck_assert_mem_eq(im->pmsi.id, rid_b, 4);
    ck_assert_uint_eq(im->mp_afi, 25);
    ck_assert_uint_eq(im->mp_safi, 70);
    ck_assert_uint_eq(im->mp_nh_len, 4);
    ck_assert_mem_eq(im->mp_nh, rid_b, 4);
    ck_assert_uint_eq(im->local_pref, 100);

    const struct rec *t2 = find_rec(&w, 1, NVO_EVPN_MAC_IP, 1);
    ck_assert_ptr_nonnull(t2);
    ck_assert_mem_eq(t2->r.rd, rd, 8);
    uint8_t mac[6];
    vm_mac(1, 1, mac);
    ck_assert_mem_eq(t2->r.mac, mac, 6);
    ck_assert_uint_eq(t2->r.ip_len, 32);
    ck_assert_uint_eq(nvo_rd32(t2->r.ip), vm_ip(1, 1));
    ck_assert_uint_eq(t2->r.n_labels, 1);
    ck_assert_uint_eq(t2->r.label1, 5001);
    ck_assert_uint_eq(t2->n_ec, 2);       /* seq 0: no MAC Mobility */
    ck_assert_mem_eq(t2->ec[0], rt, 8);
    ck_assert_mem_eq(t2->ec[1], enc, 8);
    ck_assert(!(t2->present & (1u << NVO_BGP_ATTR_PMSI)));
    ck_assert_uint_eq(nvo_evpn_route_size(&t2->r), 39);

    /* Into an UPDATE (MP_REACH with the NLRI) and back. */
    uint8_t nl[64], msg[512];
    struct nvo_bgp_buf nb = nvo_bgp_buf_init(nl, sizeof nl);
    ck_assert_uint_eq(nvo_evpn_route_encode(&nb, &t2->r), 39);
    struct nvo_bgp_attrs a;
    memset(&a, 0, sizeof a);
    a.present = t2->present;
    a.local_pref = t2->local_pref;
    a.ext_comm = &t2->ec[0][0];
    a.n_ext_comm = t2->n_ec;
    a.mp_afi = t2->mp_afi;
    a.mp_safi = t2->mp_safi;
    a.mp_nh_len = 4;
    memcpy(a.mp_nh, t2->mp_nh, 4);
    a.mp_nlri = nl;
    a.mp_nlri_len = 39;
    struct nvo_bgp_buf mb = nvo_bgp_buf_init(msg, sizeof msg);
    size_t len = nvo_bgp_update_encode(&mb, 4096, NULL, 0, &a, NULL, 0);
    /* 19 header + 2 + 2 + ORIGIN 4 + AS_PATH 3 + LOCAL_PREF 7 + EXT_COMM
     * 3 + 16 + MP_REACH 3 + 2 + 1 + 1 + 4 + 1 + 39 = 107 (the 68 fixed
     * bytes of shared/protocols.md, without the extended length, + 39). */
    ck_assert_uint_eq(len, 107);
    struct nvo_bgp_update u;
    struct nvo_bgp_error err;
    ck_assert_int_eq(nvo_bgp_update_decode(msg, len, &u, &err), 0);
    ck_assert_uint_eq(u.n_mp_reach, 1);
    ck_assert_uint_eq(u.attrs.n_ext_comm, 2);

    /* Tunnel types (RFC 8365 5.1.3, IANA). */
    ck_assert_uint_eq(nvo_evpn_tunnel_type(nvo_encap_lookup("vxlan")), 8);
    ck_assert_uint_eq(nvo_evpn_tunnel_type(nvo_encap_lookup("nvgre")), 9);
    ck_assert_uint_eq(nvo_evpn_tunnel_type(nvo_encap_lookup("mpls-gre")), 11);
    ck_assert_uint_eq(nvo_evpn_tunnel_type(nvo_encap_lookup("vxlan-gpe")),
                      12);
    ck_assert_uint_eq(nvo_evpn_tunnel_type(nvo_encap_lookup("mpls-udp")), 13);
    ck_assert_uint_eq(nvo_evpn_tunnel_type(nvo_encap_lookup("geneve")), 19);
    ck_assert_uint_eq(nvo_evpn_tunnel_type(nvo_encap_lookup("stt")), 0);
    world_destroy(&w);

    /* NVGRE: encapsulation 9; MPLS over GRE: 11, the label field the
     * label (the VNI, in VNI-label mode) << 4 with bottom of stack. */
    const char *encs[] = { "nvgre", "mpls-gre" };
    const uint16_t types[] = { 9, 11 };
    const uint32_t labels[] = { 5000, 5000u << 4 | 1 };
    for (int k = 0; k < 2; k++) {
        all_hosts(h, 2, 1);
        world_build(&w, 2, h, &cfg, nvo_encap_lookup(encs[k]), 0, false);
        const struct rec *x = find_rec(&w, 0, NVO_EVPN_MAC_IP, 0);
        ck_assert_ptr_nonnull(x);
        ck_assert_uint_eq(nvo_rd16(x->ec[1] + 6), types[k]);
        ck_assert_uint_eq(x->r.label1, labels[k]);
        x = find_rec(&w, 0, NVO_EVPN_IMET, 0);
        ck_assert_uint_eq(x->pmsi.label, labels[k]);
        world_destroy(&w);
    }
}
END_TEST

/* ---- MAC mobility ------------------------------------------------------------ */

struct mover {
    int at;                     /* PE the VM is on */
    uint32_t vm;                /* its number there */
};

/* Moves VM (0, 0) (MAC 02:00:00:00:00:10, VNI 5000) to PE 'to': added
 * there, 10 ms for the bus, then removed from the old PE. */
static void
move_vm(struct world *w, struct mover *m, int to)
{
    uint8_t mac[6];
    vm_mac(0, 0, mac);
    uint32_t vm;
    ck_assert_int_eq(nvo_pe_node_add_vm(w->pe[to], w->tenant[to][0], mac,
                                        vm_ip(0, 0), &vm), 0);
    settle(w);
    ck_assert_int_eq(nvo_pe_node_remove_vm(w->pe[m->at], w->tenant[m->at][0],
                                           m->vm), 0);
    settle(w);
    m->at = to;
    m->vm = vm;
}

/* The sequence numbers of the advertisements of MAC 02:..:10, in order,
 * with their PEs. */
static int
mac_seqs(const struct world *w, uint32_t seq[], int pe[], int max)
{
    int n = 0;
    for (guint i = 0; i < w->log->len; i++) {
        const struct rec *x = &g_array_index(w->log, struct rec, i);
        if (x->adv && x->r.type == NVO_EVPN_MAC_IP
            && x->r.mac[5] == vm_mac_byte(0, 0) && n < max) {
            uint32_t s = 0;
            for (int k = 0; k < x->n_ec; k++) {
                struct nvo_bgp_ec e = nvo_bgp_ec_parse(x->ec[k]);
                if (e.kind == NVO_BGP_EC_MAC_MOBILITY) {
                    s = e.b;
                }
            }
            seq[n] = s;
            pe[n++] = x->pe;
        }
    }
    return n;
}

/* 3 PEs, the VM moves 0 -> 1 -> 0 -> 1: advertised with sequence 0
 * (PE 0), 1 (PE 1), 2 (PE 0), 3 (PE 1); at each move the old PE
 * withdraws its route on the higher sequence (withdrawn_mobility: PE 0
 * twice, PE 1 once) before the VM is removed there; PE 2's entry
 * follows (its seq field 3 at the end).  No duplicate: 3 moves. */
START_TEST(mobility_sequence)
{
    bool h[MAX_PES][MAX_VNIS];
    memset(h, 0, sizeof h);
    for (int i = 0; i < 3; i++) {
        h[i][0] = true;
    }
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    struct world w;
    world_build(&w, 3, h, &cfg, NULL, 0, true);
    uint8_t mac[6];
    vm_mac(0, 0, mac);
    uint32_t vm;
    ck_assert_int_eq(nvo_pe_node_add_vm(w.pe[0], w.tenant[0][0], mac,
                                        vm_ip(0, 0), &vm), 0);
    settle(&w);
    struct mover m = { 0, vm };
    const int path[3] = { 1, 0, 1 };
    uint64_t mm = nvo_mac_from_bytes(mac);
    for (int k = 0; k < 3; k++) {
        uint64_t wd_old = nvo_evpn_counters(w.ev[m.at])->type2_withdrawn;
        int old = m.at;
        move_vm(&w, &m, path[k]);
        /* One withdrawal at the old PE, on the mobility. */
        ck_assert_uint_eq(nvo_evpn_counters(w.ev[old])->type2_withdrawn,
                          wd_old + 1);
        ck_assert_int_eq(nvo_evpn_local_seq(w.ev[old], 5000, mm), -1);
        ck_assert_int_eq(nvo_evpn_local_seq(w.ev[m.at], 5000, mm), k + 1);
        const struct nvo_mac_entry *e =
            nvo_mac_table_lookup(nvo_pe_node_mac_table(w.pe[2]), 5000, mm,
                                 nvo_engine_now(w.e));
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->loc, nvo_pe_node_index(w.pe[m.at]));
        ck_assert_uint_eq(e->seq, (uint32_t) k + 1);
        /* The old PE points at the new one too. */
        e = nvo_mac_table_lookup(nvo_pe_node_mac_table(w.pe[old]), 5000, mm,
                                 nvo_engine_now(w.e));
        ck_assert_ptr_nonnull(e);
        ck_assert(e->flags & NVO_MAC_REMOTE);
        ck_assert_uint_eq(e->loc, nvo_pe_node_index(w.pe[m.at]));
    }
    uint32_t seq[8];
    int pes[8];
    ck_assert_int_eq(mac_seqs(&w, seq, pes, 8), 4);
    for (int k = 0; k < 4; k++) {
        ck_assert_uint_eq(seq[k], (uint32_t) k);
        ck_assert_int_eq(pes[k], k % 2);
    }
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[0])->withdrawn_mobility, 2);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->withdrawn_mobility, 1);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[2])->withdrawn_mobility, 0);
    ck_assert_uint_eq(SUM(&w, dup_alarms), 0);
    /* Each move is seen at the 3 PEs: the new one (remote -> local), the
     * old one (local -> remote) and PE 2 (one remote PE -> another). */
    ck_assert_uint_eq(SUM(&w, moves), 9);
    /* The MAC Mobility community of the last one: 06 00 00 00 | 00 00 00
     * 03. */
    const struct rec *x = find_rec(&w, 1, NVO_EVPN_MAC_IP, 1);
    ck_assert_ptr_nonnull(x);
    ck_assert_uint_eq(x->n_ec, 3);
    const uint8_t mob[8] = { 0x06, 0x00, 0, 0, 0, 0, 0, 3 };
    ck_assert_mem_eq(x->ec[2], mob, 8);
    world_destroy(&w);
}
END_TEST

/* Moves 10 s apart between PEs 0 and 1 (a move counts at the PE that
 * learns the MAC locally, opening the window, and at the PE that loses
 * it while its window is open): after the 4th move no alarm (PE 1 has
 * counted 4, PE 0 3); the 5th (to PE 1, 40 s after the first) is PE 1's
 * 5th within 180 s: one alarm, its route not advertised (dup_suppressed
 * 1, still 5 advertisements of the MAC in all).  Moves 200 s apart:
 * each window expires before the next move, 8 moves, no alarm. */
START_TEST(duplicate_detection)
{
    for (int spaced = 0; spaced < 2; spaced++) {
        bool h[MAX_PES][MAX_VNIS];
        memset(h, 0, sizeof h);
        for (int i = 0; i < 3; i++) {
            h[i][0] = true;
        }
        struct nvo_evpn_cfg cfg;
        nvo_evpn_cfg_default(&cfg);
        struct world w;
        world_build(&w, 3, h, &cfg, NULL, 0, true);
        uint8_t mac[6];
        vm_mac(0, 0, mac);
        uint64_t mm = nvo_mac_from_bytes(mac);
        uint32_t vm;
        ck_assert_int_eq(nvo_pe_node_add_vm(w.pe[0], w.tenant[0][0], mac,
                                            vm_ip(0, 0), &vm), 0);
        settle(&w);
        struct mover m = { 0, vm };
        nvo_time_t gap = spaced ? 200 * NVO_SEC : 10 * NVO_SEC;
        int n_moves = spaced ? 8 : 5;
        for (int k = 1; k <= n_moves; k++) {
            run_to(&w, (nvo_time_t) k * gap);
            move_vm(&w, &m, k % 2);
            if (k == 4 || spaced) {
                ck_assert_uint_eq(SUM(&w, dup_alarms), 0);
            }
        }
        uint32_t seq[16];
        int pes[16];
        if (spaced) {
            ck_assert_uint_eq(SUM(&w, dup_alarms), 0);
            ck_assert_int_eq(mac_seqs(&w, seq, pes, 16), 9);
            ck_assert_uint_eq(seq[8], 8);
        } else {
            ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->dup_alarms, 1);
            ck_assert_uint_eq(nvo_evpn_counters(w.ev[0])->dup_alarms, 0);
            ck_assert_uint_eq(nvo_evpn_counters(w.ev[2])->dup_alarms, 0);
            ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->dup_suppressed, 1);
            ck_assert(nvo_evpn_is_dup(w.ev[1], 5000, mm));
            ck_assert_int_eq(nvo_evpn_local_seq(w.ev[1], 5000, mm), -1);
            /* Initial + 4 moves advertised: seq 0..4; the 5th not. */
            ck_assert_int_eq(mac_seqs(&w, seq, pes, 16), 5);
            ck_assert_uint_eq(seq[4], 4);
        }
        world_destroy(&w);
    }
}
END_TEST

/* The same MAC configured on PEs 0 and 2 at once, both sequence 0: the
 * tie goes to the lower originator (PE 0's router id is lower: its node
 * was created first), so PE 2 withdraws and points at PE 0, as does
 * PE 1. */
START_TEST(mobility_tie_lowest_originator)
{
    bool h[MAX_PES][MAX_VNIS];
    memset(h, 0, sizeof h);
    for (int i = 0; i < 3; i++) {
        h[i][0] = true;
    }
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    struct world w;
    world_build(&w, 3, h, &cfg, NULL, 0, true);
    uint8_t mac[6];
    vm_mac(0, 0, mac);
    uint32_t vm;
    ck_assert_int_eq(nvo_pe_node_add_vm(w.pe[2], w.tenant[2][0], mac, 0, &vm),
                     0);
    ck_assert_int_eq(nvo_pe_node_add_vm(w.pe[0], w.tenant[0][0], mac, 0, &vm),
                     0);
    uint64_t mm = nvo_mac_from_bytes(mac);
    /* At 1.5 ms PE 1 has both routes (PE 2's withdrawal comes at 2 ms):
     * the tie already points it at PE 0. */
    run_to(&w, nvo_engine_now(w.e) + 1500 * NVO_US);
    const struct nvo_mac_entry *e1 =
        nvo_mac_table_lookup(nvo_pe_node_mac_table(w.pe[1]), 5000, mm,
                             nvo_engine_now(w.e));
    ck_assert_ptr_nonnull(e1);
    ck_assert_uint_eq(e1->loc, nvo_pe_node_index(w.pe[0]));
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->type2_received, 2);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->type2_unreach, 0);
    settle(&w);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->type2_unreach, 1);
    ck_assert_uint_lt(nvo_evpn_router_id(w.ev[0]), nvo_evpn_router_id(w.ev[2]));
    ck_assert_int_eq(nvo_evpn_local_seq(w.ev[0], 5000, mm), 0);
    ck_assert_int_eq(nvo_evpn_local_seq(w.ev[2], 5000, mm), -1);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[2])->withdrawn_mobility, 1);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[0])->withdrawn_mobility, 0);
    for (int i = 1; i < 3; i++) {
        const struct nvo_mac_entry *e =
            nvo_mac_table_lookup(nvo_pe_node_mac_table(w.pe[i]), 5000, mm,
                                 nvo_engine_now(w.e));
        ck_assert_ptr_nonnull(e);
        ck_assert_uint_eq(e->loc, nvo_pe_node_index(w.pe[0]));
    }
    world_destroy(&w);
}
END_TEST

/* ---- ARP suppression --------------------------------------------------------- */

/* 4 PEs on VNI 5000, one VM each.  PE 0's VM asks for the 3 other VMs'
 * addresses and for one nobody has.  On: 3 answered by PE 0 (3 replies
 * delivered to the VM, the last from 02:..:13 for 10.0.0.4), 1 flooded
 * (3 copies); off: all 4 flooded, 12 copies. */
START_TEST(arp_suppression)
{
    for (int on = 0; on < 2; on++) {
        bool h[MAX_PES][MAX_VNIS];
        all_hosts(h, 4, 1);
        struct nvo_evpn_cfg cfg;
        nvo_evpn_cfg_default(&cfg);
        cfg.arp_suppression = on;
        struct world w;
        world_build(&w, 4, h, &cfg, NULL, 0, false);
        settle(&w);
        for (int i = 1; i < 4; i++) {
            vm_arp_request(&w, 0, 0, vm_ip(i, 0));
        }
        vm_arp_request(&w, 0, 0, 0x0a0000c8u);     /* 10.0.0.200 */
        settle(&w);
        const struct nvo_pe_node_counters *pc =
            nvo_pe_node_counters(w.pe[0]);
        const struct nvo_evpn_counters *ec = nvo_evpn_counters(w.ev[0]);
        ck_assert_uint_eq(pc->vm_frames, 4);
        if (on) {
            ck_assert_uint_eq(ec->arp_suppressed, 3);
            ck_assert_uint_eq(ec->arp_flooded, 1);
            ck_assert_uint_eq(pc->ctrl_answered, 3);
            ck_assert_uint_eq(pc->bum[NVO_BUM_BROADCAST], 1);
            ck_assert_uint_eq(pc->bum_copies, 3);
            ck_assert_uint_eq(w.delivered[0], 3);
            /* The last reply: to the VM, from VM (3, 0), op 2. */
            struct nvo_arp_info ai;
            ck_assert_uint_eq(w.last_len[0], 42);
            ck_assert_int_eq(nvo_arp_decode(w.last[0] + 14, 28, &ai), 0);
            uint8_t vm0[6], vm3[6];
            vm_mac(0, 0, vm0);
            vm_mac(3, 0, vm3);
            ck_assert_mem_eq(w.last[0], vm0, 6);
            ck_assert_mem_eq(w.last[0] + 6, vm3, 6);
            ck_assert_uint_eq(ai.op, NVO_ARP_OP_REPLY);
            ck_assert_mem_eq(ai.sha, vm3, 6);
            ck_assert_uint_eq(ai.spa, vm_ip(3, 0));
            ck_assert_mem_eq(ai.tha, vm0, 6);
            ck_assert_uint_eq(ai.tpa, vm_ip(0, 0));
        } else {
            ck_assert_uint_eq(ec->arp_suppressed, 0);
            ck_assert_uint_eq(ec->arp_flooded, 4);
            ck_assert_uint_eq(pc->ctrl_answered, 0);
            ck_assert_uint_eq(pc->bum[NVO_BUM_BROADCAST], 4);
            ck_assert_uint_eq(pc->bum_copies, 12);
            ck_assert_uint_eq(w.delivered[0], 0);
        }
        ck_assert_uint_eq(SUM(&w, arp_suppressed), on ? 3 : 0);
        world_destroy(&w);
    }
}
END_TEST

/* ---- Withdrawal on aging ------------------------------------------------------ */

/* Only learned MACs advertised, aging 2 s.  VM (0, 0) sends at 1 s: its
 * type-2 goes out at 1 s and is withdrawn at 3 s exactly (PE 1 removes
 * its entry at 3 s + 1 ms).  VM (1, 0) sends at 1 s and 2.5 s: withdrawn
 * at 4.5 s.  Nothing at 2.999999999 s. */
START_TEST(withdraw_on_aging)
{
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 2, 1);
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    cfg.advertise_configured = false;
    struct world w;
    world_build(&w, 2, h, &cfg, NULL, 2 * NVO_SEC, false);
    ck_assert_uint_eq(SUM(&w, type2_advertised), 0);
    uint8_t dst[6] = { 0x02, 0, 0, 0, 0x55, 0x55 };
    run_to(&w, NVO_SEC);
    vm_udp(&w, 0, 0, 0, dst);
    vm_udp(&w, 1, 0, 0, dst);
    ck_assert_uint_eq(SUM(&w, type2_advertised), 2);
    /* One aging check (timer) per learned local MAC, none for the
     * remote one. */
    ck_assert_uint_eq(nvo_mem_acct_get(&nvo_pe_node_base(w.pe[0])->mem,
                                       nvo_mem_type_register("evpn-timer"))
                      .objects, 1);
    run_to(&w, 2500 * NVO_MS);
    vm_udp(&w, 1, 0, 0, dst);
    ck_assert_uint_eq(SUM(&w, type2_advertised), 2);
    uint8_t m0[6];
    vm_mac(0, 0, m0);
    uint64_t mm0 = nvo_mac_from_bytes(m0);
    run_to(&w, 3 * NVO_SEC - 1);
    ck_assert_uint_eq(SUM(&w, type2_withdrawn), 0);
    ck_assert_int_eq(nvo_evpn_local_seq(w.ev[0], 5000, mm0), 0);
    run_to(&w, 3 * NVO_SEC + 2 * NVO_MS);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[0])->type2_withdrawn, 1);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[0])->withdrawn_aged, 1);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->type2_withdrawn, 0);
    ck_assert_uint_eq(remote_entries(&w, 1, 5000), 0);
    ck_assert_uint_eq(remote_entries(&w, 0, 5000), 1);
    run_to(&w, 5 * NVO_SEC);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->type2_withdrawn, 1);
    ck_assert_uint_eq(remote_entries(&w, 0, 5000), 0);
    /* The withdrawals' times. */
    int n = 0;
    for (guint i = 0; i < w.log->len; i++) {
        const struct rec *x = &g_array_index(w.log, struct rec, i);
        if (!x->adv) {
            ck_assert_int_eq(x->t, x->pe == 0 ? 3 * NVO_SEC
                                              : 4500 * NVO_MS);
            n++;
        }
    }
    ck_assert_int_eq(n, 2);
    world_destroy(&w);
}
END_TEST

/* A data-plane learn of a MAC that is remote (a VM that moved without
 * being configured): sequence 1 from the remote 0, and the entry then
 * ages (it is not the control plane's static one). */
START_TEST(learned_move_ages)
{
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 2, 1);
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    struct world w;
    world_build(&w, 2, h, &cfg, NULL, 2 * NVO_SEC, false);
    settle(&w);
    /* VM (0, 0)'s MAC now sends from PE 1 (as if it moved there): a
     * frame from vm 0 of PE 1 with that source. */
    struct nvo_pkt *p = nvo_pkt_alloc(&w.net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    vm_mac(0, 0, s.src_mac);
    vm_mac(1, 0, s.dst_mac);
    s.proto = NVO_IPPROTO_UDP;
    p->payload_size = 58;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_int_eq(nvo_pe_node_vm_send(w.pe[1], w.tenant[1][0], 0, p), 0);
    uint64_t mm = nvo_mac_from_bytes(s.src_mac);
    ck_assert_int_eq(nvo_evpn_local_seq(w.ev[1], 5000, mm), 1);
    nvo_time_t t = nvo_engine_now(w.e);
    settle(&w);
    /* PE 0 lost it (seq 1 > 0): its configured VM's route withdrawn. */
    ck_assert_int_eq(nvo_evpn_local_seq(w.ev[0], 5000, mm), -1);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[0])->withdrawn_mobility, 1);
    run_to(&w, t + 2 * NVO_SEC);
    ck_assert_int_eq(nvo_evpn_local_seq(w.ev[1], 5000, mm), -1);
    ck_assert_uint_eq(nvo_evpn_counters(w.ev[1])->withdrawn_aged, 1);
    world_destroy(&w);
}
END_TEST

/* ---- tshark on the UPDATEs of the routes --------------------------------- */

/* Record 'x' as one UPDATE (nvo_bgp_pack_evpn) in a TCP 179 frame. */
static void
write_update(struct world *w, struct nvo_pcap_out *out, uint32_t *seq,
             const struct rec *x, nvo_time_t t)
{
    struct nvo_bgp_attrs a;
    memset(&a, 0, sizeof a);
    if (x->adv) {
        a.present = x->present;
        a.local_pref = x->local_pref;
        a.ext_comm = &x->ec[0][0];
        a.n_ext_comm = x->n_ec;
        a.pmsi = x->pmsi;
        a.mp_afi = x->mp_afi;
        a.mp_safi = x->mp_safi;
        a.mp_nh_len = x->mp_nh_len;
        memcpy(a.mp_nh, x->mp_nh, 4);
    }
    struct nvo_bgp_msgs m;
    ck_assert_int_eq(nvo_bgp_pack_evpn(&a, !x->adv, &x->r, 1, 4096, &m), 0);
    ck_assert_uint_eq(m.n, 1);
    size_t len = m.len;
    struct nvo_pkt *p = nvo_pkt_alloc(&w->net->pool, 64,
                                      (uint32_t) len + 128);
    struct nvo_frame_spec s = {
        .src_mac = { 0x02, 0, 0, 0, 0, 1 }, .dst_mac = { 0x02, 0, 0, 0, 0, 2 },
        .src_ip4 = nvo_evpn_router_id(w->ev[x->pe]), .dst_ip4 = 0x0aff0001,
        .tos = 0xc0, .proto = NVO_IPPROTO_TCP, .sport = 40000, .dport = 179,
        .tcp_seq = *seq, .tcp_ack = 1, .tcp_flags = NVO_TCP_ACK | NVO_TCP_PSH,
    };
    p->payload_size = (uint32_t) len;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    p->payload_size = 0;
    memcpy(nvo_pkt_put(p, (uint32_t) len), m.buf, len);
    uint8_t *l3 = p->data + NVO_ETH_LEN, *l4 = l3 + NVO_IPV4_LEN;
    nvo_wr16(l4 + 16, 0);
    nvo_wr16(l4 + 16, nvo_l4_csum(l3, NVO_IPPROTO_TCP, l4,
                                  NVO_TCP_LEN + len,
                                  (uint32_t) (NVO_TCP_LEN + len)));
    ck_assert_int_eq(nvo_pcap_out_write(out, t, p), 0);
    *seq += (uint32_t) len;
    nvo_pkt_free(p);
    nvo_bgp_msgs_free(&m);
}

/* PE 0 (node 4: router id 10.0.0.5, RDs 00 01 0a 00 00 05 00 0t) of 2
 * PEs with VNIs 5000 and 5001, MAC+IP and MAC-only routes; then VM
 * (1, 0)'s MAC appears on PE 0 (sequence 1) and is removed (two
 * withdrawals).  Every call of PE 0 on the bus, packed as an UPDATE,
 * decodes in tshark to the route type, RD, MAC, IP, VNI (the PMSI's for
 * an IMET), mobility sequence, PMSI type 6 and address, tunnel type 8
 * and RT 65000:VNI; a withdrawal (no Encapsulation community) shows its
 * label field as an MPLS label, 5000 >> 4 = 312.  No malformed frame. */
START_TEST(tshark_decodes_updates)
{
    nvo_test_require_tshark();
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 2, 2);
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    cfg.mac_only = true;
    struct world w;
    world_build(&w, 2, h, &cfg, NULL, 0, false);
    settle(&w);
    ck_assert_uint_eq(nvo_evpn_router_id(w.ev[0]), 0x0a000005u);
    uint8_t mac[6];
    vm_mac(1, 0, mac);
    uint32_t vm;
    ck_assert_int_eq(nvo_pe_node_add_vm(w.pe[0], w.tenant[0][0], mac,
                                        vm_ip(1, 0), &vm), 0);
    settle(&w);
    ck_assert_int_eq(nvo_pe_node_remove_vm(w.pe[0], w.tenant[0][0], vm), 0);
    settle(&w);

    char *dir = nvo_test_tmpdir("evpn");
    char path[1024];
    snprintf(path, sizeof path, "%s/evpn.pcap", dir);
    struct nvo_pcap_out *out;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &out, err, sizeof err), 0);
    uint32_t seq = 1, n_frames = 0;
    for (guint i = 0; i < w.log->len; i++) {
        const struct rec *x = &g_array_index(w.log, struct rec, i);
        if (x->pe == 0) {
            write_update(&w, out, &seq, x, (nvo_time_t) (i + 1) * NVO_US);
            n_frames++;
        }
    }
    ck_assert_int_eq(nvo_pcap_out_close(out, err, sizeof err), 0);
    ck_assert_uint_eq(n_frames, 10);

    static char lines[16][1024];
    size_t n = run_tshark(path,
        "-T fields -E separator=/t -E occurrence=a -E aggregator=, "
        "-e bgp.type -e bgp.evpn.nlri.rt -e bgp.evpn.nlri.rd "
        "-e bgp.evpn.nlri.mac_addr -e bgp.evpn.nlri.ip.addr "
        "-e bgp.evpn.nlri.vni -e bgp.evpn.nlri.mpls_ls1 "
        "-e bgp.ext_com_evpn.mmac.seq "
        "-e bgp.update.path_attribute.pmsi.tunnel.type "
        "-e bgp.update.path_attribute.pmsi.ingress_rep_ip "
        "-e bgp.ext_com.tunnel_type -e bgp.ext_com.value_as2 "
        "-e bgp.ext_com.value_an4", lines, 16);
    ck_assert_uint_eq(n, 10);
    /* type|route type|RD|MAC|IP|VNI|MPLS label|seq|PMSI|IR IP|tunnel|
     * RT AS|RT number */
    static const char *const want[10] = {
        "2|3|00010a0000050001||10.0.0.5|5000|||6|10.0.0.5|8|65000|5000",
        "2|2|00010a0000050001|02:00:00:00:00:10|10.0.0.1|5000|||||8|65000|5000",
        "2|2|00010a0000050001|02:00:00:00:00:10||5000|||||8|65000|5000",
        "2|3|00010a0000050002||10.0.0.5|5001|||6|10.0.0.5|8|65000|5001",
        "2|2|00010a0000050002|02:00:00:00:01:20|10.0.1.1|5001|||||8|65000|5001",
        "2|2|00010a0000050002|02:00:00:00:01:20||5001|||||8|65000|5001",
        "2|2|00010a0000050001|02:00:00:00:00:11|10.0.0.2|5000||1|||8|65000|5000",
        "2|2|00010a0000050001|02:00:00:00:00:11||5000||1|||8|65000|5000",
        "2|2|00010a0000050001|02:00:00:00:00:11|10.0.0.2||312||||||",
        "2|2|00010a0000050001|02:00:00:00:00:11|||312||||||",
    };
    for (size_t i = 0; i < 10; i++) {
        ck_assert_msg(!strcmp(lines[i], want[i]),
                      "frame %zu: tshark says\n%s\nwant\n%s", i + 1,
                      lines[i], want[i]);
    }
    n = run_tshark(path, "-Y '_ws.malformed || _ws.expert.severity >= warning'"
                   " -T fields -e frame.number", lines, 16);
    ck_assert_uint_eq(n, 0);
    remove(path);
    nvo_test_rmdir(dir);
    world_destroy(&w);
}
END_TEST

/* After nvo_evpn_destroy() nothing of the module stays counted. */
START_TEST(memory_released)
{
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 3, 2);
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    cfg.mac_only = true;
    struct world w;
    world_build(&w, 3, h, &cfg, NULL, 0, false);
    settle(&w);
    const char *names[] = { "evpn", "evpn-tenant", "evpn-mac", "evpn-route",
                            "evpn-imet", "evpn-arp", "evpn-rd",
                            "evpn-timer" };
    const struct nvo_mem_acct *acct = &nvo_pe_node_base(w.pe[0])->mem;
    /* 3 PEs x 2 VNIs x 1 VM: 6 MACs, 4 remote (2 routes each: MAC+IP
     * and MAC only, in one 2-entry array), 2 x 2 IMETs in 2 arrays, 4
     * received RDs (2 PEs x 2 VNIs). */
    ck_assert_uint_eq(nvo_mem_acct_get(acct,
                      nvo_mem_type_register("evpn-mac")).objects, 6);
    ck_assert_uint_eq(nvo_mem_acct_get(acct,
                      nvo_mem_type_register("evpn-route")).objects, 4);
    ck_assert_uint_eq(nvo_mem_acct_get(acct,
                      nvo_mem_type_register("evpn-imet")).objects, 2);
    ck_assert_uint_eq(nvo_mem_acct_get(acct,
                      nvo_mem_type_register("evpn-rd")).objects, 4);
    for (int i = 0; i < 3; i++) {
        nvo_evpn_destroy(w.ev[i]);
        w.ev[i] = NULL;
    }
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        struct nvo_mem_count c =
            nvo_mem_acct_get(acct, nvo_mem_type_register(names[k]));
        ck_assert_uint_eq(c.objects, 0);
        ck_assert_uint_eq(c.bytes, 0);
    }
    world_destroy(&w);
}
END_TEST

START_TEST(bad_input)
{
    bool h[MAX_PES][MAX_VNIS];
    all_hosts(h, 2, 1);
    struct world w;
    world_build(&w, 2, h, NULL, NULL, 0, false);
    struct nvo_evpn_cfg cfg;
    nvo_evpn_cfg_default(&cfg);
    struct nvo_evpn_bus_ops none = { 0 };
    errno = 0;
    ck_assert_ptr_null(nvo_evpn_create(w.pe[0], &cfg, &none, NULL));
    ck_assert_int_eq(errno, EINVAL);
    /* Multicast flooding without a group. */
    cfg.flood = NVO_EVPN_FLOOD_PIM_SM;
    struct nvo_evpn *ev = nvo_evpn_create(w.pe[0], &cfg, &test_bus, NULL);
    ck_assert_ptr_nonnull(ev);
    ck_assert_int_eq(nvo_evpn_start(ev), EINVAL);
    nvo_evpn_destroy(ev);
    nvo_evpn_destroy(NULL);
    world_destroy(&w);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("evpn");
    TCase *tc = tcase_create("evpn");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, imet_flood_lists);
    tcase_add_test(tc, imet_multicast);
    tcase_add_test(tc, type2_routes_and_install);
    tcase_add_test(tc, attribute_bytes);
    tcase_add_test(tc, mobility_sequence);
    tcase_add_test(tc, duplicate_detection);
    tcase_add_test(tc, mobility_tie_lowest_originator);
    tcase_add_test(tc, arp_suppression);
    tcase_add_test(tc, withdraw_on_aging);
    tcase_add_test(tc, learned_move_ages);
    tcase_add_test(tc, memory_released);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, tshark_decodes_updates);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
