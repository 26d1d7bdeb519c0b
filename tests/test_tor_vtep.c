/* test_tor_vtep.c: the VTEP on the leaf (overlay/tor_vtep.h) with
 * hypervisors sending 802.1Q-tagged frames (overlay/access.h), on a
 * leaf-spine built here (2 spines, 3 leaves, 2 hypervisors per leaf),
 * against the same placement with a PE in every hypervisor
 * (overlay/pe_node.h): exact frame sizes per tier (inner + 4-byte tag on
 * access links, inner + outer encapsulation on fabric links), MAC entries
 * per VTEP after every VM sent once, BUM copies (access copies to the
 * other local hypervisors of the VLAN, encapsulated copies to the other
 * VTEPs of the VNI) per broadcast as the placement implies, IPv6 outer
 * headers, conservation; and the shipped overlay-vtep scenario
 * (leaf versus hypervisor by --set), its results, its bad inputs, and
 * its captures decoded by tshark (802.1Q on a hypervisor's link, VXLAN
 * with the VNI on a leaf's uplink). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fabric/net.h"
#include "io/config.h"
#include "overlay/access.h"
#include "overlay/pe_node.h"
#include "overlay/tor_vtep.h"
#include "run/sim.h"
#include "run/sim_overlay.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/wire.h"

#define N_SPINES 2
#define N_LEAVES 3
#define HPL 2                       /* hypervisors per leaf */
#define N_HVS (N_LEAVES * HPL)
#define VNI_A 5000
#define VNI_B 5001
#define INNER 1000u                 /* tenant frame bytes */
#define TAGGED (INNER + 4u)
#define VXLAN (INNER + 50u)

/* The VMs: tenant A on hv0, hv1 (leaf0), hv2 (leaf1), hv4, hv5 (leaf2);
 * tenant B twice on hv0 (leaf0) and on hv3 (leaf1). */
#define N_VMS 8
static const struct {
    int tenant;                     /* 0 = A, 1 = B */
    int hv;
} vms[N_VMS] = {
    { 0, 0 }, { 0, 1 }, { 0, 2 }, { 0, 4 }, { 0, 5 },
    { 1, 0 }, { 1, 0 }, { 1, 3 },
};

struct fab {
    bool leaf_mode;
    struct nvo_engine *e;
    struct nvo_net *net;
    int spine[N_SPINES];
    struct nvo_tor_vtep *vtep[N_LEAVES];        /* leaf mode */
    int leaf[N_LEAVES];
    struct nvo_access_hv *hv[N_HVS];            /* leaf mode */
    struct nvo_pe_node *pe[N_HVS];              /* hypervisor mode */
    uint32_t hv_tenant[N_HVS][2];               /* tenant -> local + 1 */
    uint32_t vm_local[N_VMS];
};

static void
vm_mac(int k, uint8_t mac[6])
{
    uint8_t m[6] = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (k + 1) };
    memcpy(mac, m, 6);
}

static struct nvo_node *
hv_node(struct fab *f, int h)
{
    return f->leaf_mode ? nvo_access_hv_base(f->hv[h])
                        : nvo_pe_node_base(f->pe[h]);
}

/* The underlay of the next fab_build(): IPv6 if set. */
static bool fab_ipv6;

static void
fab_build(struct fab *f, bool leaf_mode)
{
    memset(f, 0, sizeof *f);
    f->leaf_mode = leaf_mode;
    struct nvo_net_cfg cfg;
    nvo_test_net_cfg(&cfg);
    cfg.seed_mode = NVO_SEED_PER_SWITCH;
    cfg.ipv6 = fab_ipv6;
    f->net = nvo_test_net(&cfg, &f->e);
    char name[32];
    for (int i = 0; i < N_SPINES; i++) {
        snprintf(name, sizeof name, "spine%d", i);
        f->spine[i] = nvo_net_add_node(f->net, name, NVO_ROLE_SPINE);
    }
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = &nvo_encap_vxlan_ops;
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    for (int i = 0; i < N_LEAVES; i++) {
        snprintf(name, sizeof name, "leaf%d", i);
        if (leaf_mode) {
            f->vtep[i] = nvo_tor_vtep_create(f->net, name, &pc);
            ck_assert_ptr_nonnull(f->vtep[i]);
            f->leaf[i] = (int) nvo_pe_node_index(nvo_tor_vtep_pe(f->vtep[i]));
            ck_assert_int_eq(nvo_net_node(f->net, (uint32_t) f->leaf[i])->role,
                             NVO_ROLE_LEAF);
        } else {
            f->leaf[i] = nvo_net_add_node(f->net, name, NVO_ROLE_LEAF);
        }
        for (int s = 0; s < N_SPINES; s++) {
            ck_assert_int_eq(nvo_net_add_link(f->net, (uint32_t) f->leaf[i],
                                              (uint32_t) f->spine[s], &l), 0);
        }
    }
    for (int h = 0; h < N_HVS; h++) {
        snprintf(name, sizeof name, "hv%d", h);
        if (leaf_mode) {
            f->hv[h] = nvo_access_hv_create(f->net, name, NULL);
            ck_assert_ptr_nonnull(f->hv[h]);
        } else {
            f->pe[h] = nvo_pe_node_create(f->net, name, &pc);
            ck_assert_ptr_nonnull(f->pe[h]);
        }
        ck_assert_int_eq(nvo_net_add_link(f->net, hv_node(f, h)->index,
                                          (uint32_t) f->leaf[h / HPL], &l), 0);
    }
    ck_assert_int_eq(nvo_net_finalize(f->net), 0);
    /* Tenants in order; per leaf their VLANs 1, 2, ... in that order. */
    uint32_t vlans[N_LEAVES] = { 0 };
    uint32_t leaf_tenant[N_LEAVES][2] = { { 0 } };
    uint32_t flood[2][N_HVS], n_flood[2] = { 0, 0 };
    for (int k = 0; k < N_VMS; k++) {
        int t = vms[k].tenant, h = vms[k].hv, lf = h / HPL;
        uint8_t mac[6];
        vm_mac(k, mac);
        uint32_t lt;
        if (leaf_mode && !leaf_tenant[lf][t]) {
            ck_assert_int_eq(nvo_tor_vtep_add_tenant(f->vtep[lf],
                                                     t ? VNI_B : VNI_A,
                                                     (uint16_t) ++vlans[lf],
                                                     &lt), 0);
            leaf_tenant[lf][t] = lt + 1;
            flood[t][n_flood[t]++] = (uint32_t) f->leaf[lf];
        }
        if (!f->hv_tenant[h][t]) {
            if (leaf_mode) {
                uint16_t vid = nvo_tor_vtep_vlan(f->vtep[lf],
                                                 leaf_tenant[lf][t] - 1);
                ck_assert_int_eq(nvo_access_hv_add_tenant(f->hv[h], vid, &lt),
                                 0);
                ck_assert_int_eq(nvo_access_hv_add_tenant(f->hv[h], vid, &lt),
                                 EEXIST);
                ck_assert_int_eq(nvo_tor_vtep_add_port(
                                     f->vtep[lf], leaf_tenant[lf][t] - 1,
                                     hv_node(f, h)->ports[0].peer->index), 0);
            } else {
                ck_assert_int_eq(nvo_pe_node_add_tenant(f->pe[h],
                                                        t ? VNI_B : VNI_A,
                                                        &lt), 0);
                flood[t][n_flood[t]++] = hv_node(f, h)->index;
            }
            f->hv_tenant[h][t] = lt + 1;
        }
        lt = f->hv_tenant[h][t] - 1;
        if (leaf_mode) {
            ck_assert_int_eq(nvo_access_hv_add_vm(f->hv[h], lt, mac, 0,
                                                  &f->vm_local[k]), 0);
        } else {
            ck_assert_int_eq(nvo_pe_node_add_vm(f->pe[h], lt, mac, 0,
                                                &f->vm_local[k]), 0);
        }
    }
    /* Flood lists: the VTEPs (leaves, or PEs) hosting the VNI. */
    for (int t = 0; t < 2; t++) {
        for (uint32_t i = 0; i < n_flood[t]; i++) {
            struct nvo_pe_node *pe = nvo_pe_node_of(
                nvo_net_node(f->net, flood[t][i]));
            uint32_t lt;
            ck_assert_int_eq(nvo_pe_node_find_tenant(pe, t ? VNI_B : VNI_A,
                                                     &lt), 0);
            ck_assert_int_eq(nvo_pe_node_set_flood(pe, lt, flood[t],
                                                   n_flood[t]), 0);
        }
    }
    if (leaf_mode) {
        for (int i = 0; i < N_LEAVES; i++) {
            ck_assert_uint_eq(nvo_tor_vtep_attach(f->vtep[i]), HPL);
        }
        for (int h = 0; h < N_HVS; h++) {
            ck_assert_int_eq(nvo_access_hv_attach(f->hv[h]), 0);
        }
    }
}

/* A tenant UDP frame of INNER (or 'len') bytes from VM 'from' to 'dst'. */
static void
send_to(struct fab *f, int from, const uint8_t dst[6], uint32_t len)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&f->net->pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    vm_mac(from, s.src_mac);
    memcpy(s.dst_mac, dst, 6);
    s.src_ip4 = 0x0a000001u + (uint32_t) from;
    s.dst_ip4 = 0x0a0000feu;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = 1000;
    s.dport = 80;
    p->payload_size = len - 42;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    int h = vms[from].hv, t = vms[from].tenant;
    uint32_t lt = f->hv_tenant[h][t] - 1;
    if (f->leaf_mode) {
        ck_assert_int_eq(nvo_access_hv_vm_send(f->hv[h], lt, f->vm_local[from],
                                               p), 0);
    } else {
        ck_assert_int_eq(nvo_pe_node_vm_send(f->pe[h], lt, f->vm_local[from],
                                             p), 0);
    }
    nvo_engine_run(f->e, nvo_engine_now(f->e) + NVO_MS);
}

static void
vm_to_vm(struct fab *f, int from, int to)
{
    uint8_t mac[6];
    vm_mac(to, mac);
    send_to(f, from, mac, INNER);
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void
fab_destroy(struct fab *f)
{
    nvo_net_destroy(f->net);
    nvo_engine_destroy(f->e);
}

/* Frames and bytes sent per tier direction: [0] hypervisor -> leaf,
 * [1] leaf -> spine, [2] spine -> leaf, [3] leaf -> hypervisor; every
 * frame of a tier must have the size 'size[t]'. */
static void
tiers(const struct fab *f, uint64_t frames[4], uint64_t bytes[4])
{
    memset(frames, 0, 4 * sizeof *frames);
    memset(bytes, 0, 4 * sizeof *bytes);
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        const struct nvo_node *n = nvo_net_node(f->net, i);
        for (uint32_t k = 0; k < n->n_ports; k++) {
            const struct nvo_node *peer = nvo_net_node(f->net, n->peer[k]);
            int t = n->role == NVO_ROLE_HYPERVISOR ? 0
                    : n->role == NVO_ROLE_SPINE ? 2
                    : peer->role == NVO_ROLE_SPINE ? 1 : 3;
            for (int tc = 0; tc < NVO_TC_N; tc++) {
                frames[t] += n->ports[k].st.tx_frames[tc];
                bytes[t] += n->ports[k].st.tx_bytes[tc];
            }
        }
    }
}

static void
check_tiers(const struct fab *f, const uint64_t want[4], const uint32_t sz[4])
{
    uint64_t frames[4], bytes[4];
    tiers(f, frames, bytes);
    for (int t = 0; t < 4; t++) {
        ck_assert_msg(frames[t] == want[t], "tier %d: %" PRIu64 " frames, "
                      "want %" PRIu64, t, frames[t], want[t]);
        ck_assert_uint_eq(bytes[t], want[t] * sz[t]);
    }
}

/* The counters of every VTEP (leaves, or PEs) summed, and of every
 * leaf-mode hypervisor. */
static void
sums(const struct fab *f, struct nvo_pe_node_counters *v,
     struct nvo_pe_node_counters *h)
{
    memset(v, 0, sizeof *v);
    memset(h, 0, sizeof *h);
    for (int i = 0; i < (f->leaf_mode ? N_LEAVES : N_HVS); i++) {
        const uint64_t *s = (const uint64_t *) nvo_pe_node_counters(
            f->leaf_mode ? nvo_tor_vtep_pe(f->vtep[i]) : f->pe[i]);
        for (size_t k = 0; k < sizeof *v / sizeof (uint64_t); k++) {
            ((uint64_t *) v)[k] += s[k];
        }
    }
    for (int i = 0; f->leaf_mode && i < N_HVS; i++) {
        const uint64_t *s = (const uint64_t *) nvo_access_hv_counters(f->hv[i]);
        for (size_t k = 0; k < sizeof *h / sizeof (uint64_t); k++) {
            ((uint64_t *) h)[k] += s[k];
        }
    }
}

/* generated = taken (bindings, access ports) + dropped + in flight, no
 * drop, and the per-VTEP identities. */
static void
check_conservation(const struct fab *f)
{
    uint64_t local = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(f->net); i++) {
        local += nvo_net_node(f->net, i)->n_local;
    }
    uint64_t drops = nvo_net_drops(f->net, NULL, NULL);
    ck_assert_uint_eq(drops, 0);
    ck_assert_uint_eq(nvo_net_in_flight(f->net), 0);
    ck_assert_uint_eq(f->net->n_generated, local);
    struct nvo_pe_node_counters v, h;
    sums(f, &v, &h);
    uint64_t bum = v.bum[0] + v.bum[1] + v.bum[2];
    ck_assert_uint_eq(v.vm_frames, v.local_unicast + v.remote_unicast + bum
                      + v.drops[NVO_PE_DROP_TOO_BIG]);
    ck_assert_uint_eq(v.encap_frames, v.remote_unicast + v.bum_copies);
    ck_assert_uint_eq(v.rx_frames, v.rx_decap);
    if (f->leaf_mode) {
        /* Every tagged frame a hypervisor sent reached its VTEP; every
         * one a VTEP sent down reached a hypervisor; generated counts
         * both and the encapsulated frames. */
        uint64_t acc_rx = 0, acc_tx = 0;
        for (int i = 0; i < N_LEAVES; i++) {
            const struct nvo_tor_vtep_counters *c =
                nvo_tor_vtep_counters(f->vtep[i]);
            acc_rx += c->access_rx;
            acc_tx += c->access_tx;
            ck_assert_uint_eq(c->untagged + c->unknown_vlan, 0);
        }
        ck_assert_uint_eq(h.vm_frames, h.local_unicast + h.frames_out);
        ck_assert_uint_eq(acc_rx, h.frames_out);
        ck_assert_uint_eq(acc_rx, v.vm_frames);
        ck_assert_uint_eq(acc_tx, h.rx_frames);
        ck_assert_uint_eq(acc_tx, v.delivered);
        ck_assert_uint_eq(f->net->n_generated,
                          h.frames_out + v.frames_out + acc_tx);
    } else {
        ck_assert_uint_eq(f->net->n_generated, v.frames_out);
    }
}

static uint64_t
delivered_to_vms(const struct fab *f)
{
    struct nvo_pe_node_counters v, h;
    sums(f, &v, &h);
    return f->leaf_mode ? h.delivered : v.delivered;
}

/* Across leaves: a0 (hv0, leaf0) -> a2 (hv2, leaf1), unknown at leaf0:
 * flooded to hv1 (the other hypervisor of VLAN A on leaf0) and
 * encapsulated to leaf1 and leaf2; leaf1 does not know a2 either and
 * sends it to hv2, leaf2 to hv4 and hv5 (no such VM: dropped there).  a2
 * answers: leaf1 learned a0 at leaf0 (one VXLAN frame), leaf0 knows a0 at
 * hv0's port.  a0 again: leaf0 learned a2 at leaf1.  Per tier: 3 tagged
 * frames up (1004 bytes), 4 VXLAN frames (1050) up and 4 down the
 * spines, 6 tagged frames down to hypervisors. */
START_TEST(leaf_unicast_frame_sizes)
{
    struct fab f;
    fab_build(&f, true);
    vm_to_vm(&f, 0, 2);
    const struct nvo_pe_node_counters *l0 =
        nvo_pe_node_counters(nvo_tor_vtep_pe(f.vtep[0]));
    ck_assert_uint_eq(l0->bum[NVO_BUM_UNKNOWN], 1);
    ck_assert_uint_eq(l0->bum_copies, 2);
    ck_assert_uint_eq(l0->bum_local_copies, 1);
    vm_to_vm(&f, 2, 0);
    vm_to_vm(&f, 0, 2);
    ck_assert_uint_eq(l0->remote_unicast, 1);
    ck_assert_uint_eq(l0->bum[NVO_BUM_UNKNOWN], 1);
    const struct nvo_pe_node_counters *l1 =
        nvo_pe_node_counters(nvo_tor_vtep_pe(f.vtep[1]));
    ck_assert_uint_eq(l1->remote_unicast, 1);
    ck_assert_uint_eq(l1->bum[NVO_BUM_UNKNOWN], 0);
    ck_assert_uint_eq(l1->bytes_out, VXLAN);
    ck_assert_uint_eq(l0->bytes_out, 3 * VXLAN);
    ck_assert_uint_eq(l0->encap_bytes, 3 * INNER);
    const uint64_t want[4] = { 3, 4, 4, 6 };
    const uint32_t sz[4] = { TAGGED, VXLAN, VXLAN, TAGGED };
    check_tiers(&f, want, sz);
    /* a2 got both, a0 one; hv1, hv4, hv5 dropped a flooded copy each. */
    const struct nvo_pe_node_counters *h2 = nvo_access_hv_counters(f.hv[2]);
    ck_assert_uint_eq(h2->delivered, 2);
    ck_assert_uint_eq(h2->delivered_bytes, 2 * INNER);
    ck_assert_uint_eq(nvo_access_hv_counters(f.hv[0])->delivered, 1);
    for (int h = 1; h < N_HVS; h += (h == 1 ? 3 : 1)) {
        ck_assert_uint_eq(nvo_access_hv_counters(f.hv[h])
                              ->drops[NVO_PE_DROP_NO_VM], 1);
    }
    ck_assert_uint_eq(delivered_to_vms(&f), 3);
    /* Every frame on an access link is tagged with its VLAN: A is VLAN 1
     * on every leaf; the hypervisors never encapsulate. */
    ck_assert_uint_eq(nvo_access_hv_vlan(f.hv[0], 0), 1);
    ck_assert_uint_eq(nvo_access_hv_counters(f.hv[0])->bytes_out,
                      2 * TAGGED);
    /* Same hypervisor: b0 -> b1 never leaves hv0. */
    uint64_t gen = f.net->n_generated;
    vm_to_vm(&f, 5, 6);
    ck_assert_uint_eq(f.net->n_generated, gen);
    ck_assert_uint_eq(nvo_access_hv_counters(f.hv[0])->local_unicast, 1);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* The same three frames with a PE in every hypervisor: VXLAN on every
 * tier (1050 bytes).  The flood is 4 copies (tenant A on 5 PEs); the copy
 * for hv1 turns at leaf0: 4 + 2 PE->leaf, 3 + 2 leaf->spine, 3 + 2
 * spine->leaf, 4 + 2 leaf->PE. */
START_TEST(hypervisor_unicast_frame_sizes)
{
    struct fab f;
    fab_build(&f, false);
    vm_to_vm(&f, 0, 2);
    ck_assert_uint_eq(nvo_pe_node_counters(f.pe[0])->bum_copies, 4);
    vm_to_vm(&f, 2, 0);
    vm_to_vm(&f, 0, 2);
    const uint64_t want[4] = { 6, 5, 5, 6 };
    const uint32_t sz[4] = { VXLAN, VXLAN, VXLAN, VXLAN };
    check_tiers(&f, want, sz);
    ck_assert_uint_eq(delivered_to_vms(&f), 3);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* Every VM broadcasts once (a0..a4, b0..b2).  Leaf: per broadcast,
 * (hypervisors of the VLAN on the leaf - 1) access copies + (VTEPs of the
 * VNI - 1) encapsulated copies: A is on 2, 1, 2 hypervisors of leaf0,
 * leaf1, leaf2 (3 VTEPs), B on 1, 1 of leaf0, leaf1 (2 VTEPs):
 *   access copies 1 + 1 + 0 + 1 + 1 + 0 + 0 + 0 = 4,
 *   encapsulated  2 + 2 + 2 + 2 + 2 + 1 + 1 + 1 = 13,
 * and each VTEP learns every MAC of its VNIs: leaf0 5 + 3, leaf1 5 + 3,
 * leaf2 5.  Hypervisor PEs: A on 5 PEs, B on 2: 5 x 4 + 3 x 1 = 23
 * copies; hv0 learns 5 + 3, hv3 3, the others 5.  Either way every other
 * VM of the tenant gets each broadcast: 5 x 4 + 3 x 2 = 26. */
static void
every_vm_broadcasts(bool leaf_mode)
{
    struct fab f;
    fab_build(&f, leaf_mode);
    struct nvo_pe_node_counters v, h;
    for (int k = 0; k < N_VMS; k++) {
        /* From the placement: the hypervisors of k's tenant on k's leaf,
         * the leaves and the hypervisors hosting the tenant. */
        bool hv_has[N_HVS] = { false }, leaf_has[N_LEAVES] = { false };
        for (int j = 0; j < N_VMS; j++) {
            if (vms[j].tenant == vms[k].tenant) {
                hv_has[vms[j].hv] = true;
                leaf_has[vms[j].hv / HPL] = true;
            }
        }
        int hvs_here = 0, hvs = 0, leaves = 0;
        for (int i = 0; i < N_HVS; i++) {
            hvs += hv_has[i];
            hvs_here += hv_has[i] && i / HPL == vms[k].hv / HPL;
        }
        for (int i = 0; i < N_LEAVES; i++) {
            leaves += leaf_has[i];
        }
        sums(&f, &v, &h);
        uint64_t copies = v.bum_copies, local = v.bum_local_copies;
        send_to(&f, k, bcast, 200);
        sums(&f, &v, &h);
        if (leaf_mode) {
            /* Access copies on the ingress leaf (the remote leaves'
             * copies down to their hypervisors count as delivered). */
            ck_assert_uint_eq(v.bum_copies - copies, (uint64_t) leaves - 1);
            ck_assert_uint_eq(v.bum_local_copies - local,
                              (uint64_t) hvs_here - 1);
        } else {
            ck_assert_uint_eq(v.bum_copies - copies, (uint64_t) hvs - 1);
        }
    }
    sums(&f, &v, &h);
    ck_assert_uint_eq(v.bum[NVO_BUM_BROADCAST], N_VMS);
    ck_assert_uint_eq(delivered_to_vms(&f), 26);
    if (leaf_mode) {
        ck_assert_uint_eq(v.bum_local_copies, 4);
        ck_assert_uint_eq(v.bum_copies, 13);
        ck_assert_uint_eq(h.bum_local_copies, 2);   /* b0 <-> b1 on hv0 */
        const uint64_t want[N_LEAVES] = { 8, 8, 5 };
        const uint64_t local[N_LEAVES] = { 4, 2, 2 };
        double sum = 0;
        for (int i = 0; i < N_LEAVES; i++) {
            struct nvo_pe_node *pe = nvo_tor_vtep_pe(f.vtep[i]);
            const struct nvo_mac_counters *m =
                nvo_mac_table_counters(nvo_pe_node_mac_table(pe));
            ck_assert_uint_eq(m->entries, want[i]);
            ck_assert_uint_eq(m->entries_max, want[i]);
            ck_assert_uint_eq(nvo_pe_node_counters(pe)->learned_local,
                              local[i]);
            ck_assert_uint_eq(nvo_pe_node_counters(pe)->learned_remote,
                              want[i] - local[i]);
            sum += (double) m->entries_max;
        }
        ck_assert(sum / N_LEAVES == 21.0 / 3);
        /* A local entry is the hypervisor's port on the leaf: b0 and b1
         * both at hv0's. */
        uint8_t mac[6];
        vm_mac(5, mac);
        const struct nvo_mac_entry *e = nvo_mac_table_lookup(
            nvo_pe_node_mac_table(nvo_tor_vtep_pe(f.vtep[0])), VNI_B,
            nvo_mac_from_bytes(mac), nvo_engine_now(f.e));
        ck_assert_ptr_nonnull(e);
        ck_assert(!(e->flags & NVO_MAC_REMOTE));
        ck_assert_uint_eq(e->loc, nvo_access_hv_base(f.hv[0])->ports[0]
                                      .peer->index);
        /* A remote one is the VTEP: b2 at leaf1. */
        vm_mac(7, mac);
        e = nvo_mac_table_lookup(
            nvo_pe_node_mac_table(nvo_tor_vtep_pe(f.vtep[0])), VNI_B,
            nvo_mac_from_bytes(mac), nvo_engine_now(f.e));
        ck_assert_ptr_nonnull(e);
        ck_assert(e->flags & NVO_MAC_REMOTE);
        ck_assert_uint_eq(e->loc, (uint32_t) f.leaf[1]);
    } else {
        ck_assert_uint_eq(v.bum_copies, 23);
        ck_assert_uint_eq(v.bum_local_copies, 2);
        const uint64_t want[N_HVS] = { 8, 5, 5, 3, 5, 5 };
        for (int i = 0; i < N_HVS; i++) {
            const struct nvo_mac_counters *m =
                nvo_mac_table_counters(nvo_pe_node_mac_table(f.pe[i]));
            ck_assert_uint_eq(m->entries_max, want[i]);
        }
    }
    /* Now every MAC is known: a unicast between any two VMs of different
     * leaves is one frame, no flood. */
    vm_to_vm(&f, 3, 0);
    sums(&f, &v, &h);
    ck_assert_uint_eq(v.bum[NVO_BUM_UNKNOWN], 0);
    ck_assert_uint_eq(v.remote_unicast, 1);
    check_conservation(&f);
    fab_destroy(&f);
}

START_TEST(leaf_broadcasts_and_state)
{
    every_vm_broadcasts(true);
}
END_TEST

START_TEST(hypervisor_broadcasts_and_state)
{
    every_vm_broadcasts(false);
}
END_TEST

/* One broadcast from a0 per tier.  Leaf: 1 tagged frame up, 2 VXLAN
 * copies (leaf1, leaf2) up and down the spines, 1 + 1 + 2 tagged copies
 * down (hv1; hv2; hv4, hv5).  PEs: 4 VXLAN copies from hv0, the one for
 * hv1 turning at leaf0: 4, 3, 3, 4. */
START_TEST(one_broadcast_per_tier)
{
    struct fab f;
    fab_build(&f, true);
    send_to(&f, 0, bcast, INNER);
    const uint64_t want[4] = { 1, 2, 2, 4 };
    const uint32_t sz[4] = { TAGGED, VXLAN, VXLAN, TAGGED };
    check_tiers(&f, want, sz);
    check_conservation(&f);
    fab_destroy(&f);
    fab_build(&f, false);
    send_to(&f, 0, bcast, INNER);
    const uint64_t want2[4] = { 4, 3, 3, 4 };
    const uint32_t sz2[4] = { VXLAN, VXLAN, VXLAN, VXLAN };
    check_tiers(&f, want2, sz2);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* Over an IPv6 underlay the outer headers are 20 bytes more (VXLAN 70):
 * the same broadcast, 1, 2, 2, 4 frames of 1004, 1070, 1070, 1004 bytes;
 * the tags on the access links do not change. */
START_TEST(one_broadcast_ipv6)
{
    struct fab f;
    fab_ipv6 = true;
    fab_build(&f, true);
    fab_ipv6 = false;
    send_to(&f, 0, bcast, INNER);
    const uint64_t want[4] = { 1, 2, 2, 4 };
    const uint32_t sz[4] = { TAGGED, INNER + 70, INNER + 70, TAGGED };
    check_tiers(&f, want, sz);
    check_conservation(&f);
    fab_destroy(&f);
}
END_TEST

/* The tag: 4 bytes after the MACs, TPID 0x8100, the VLAN id, the inner
 * type kept; untag restores the bytes; an untagged frame is refused. */
START_TEST(tag_bytes)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 64);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    vm_mac(0, s.src_mac);
    vm_mac(1, s.dst_mac);
    s.src_ip4 = 1;
    s.dst_ip4 = 2;
    s.proto = NVO_IPPROTO_UDP;
    p->payload_size = 100;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    uint8_t before[42];
    ck_assert_uint_eq(p->size, 42);
    memcpy(before, p->data, 42);
    uint16_t l3 = p->l3_ofs, vid = 0;
    ck_assert_int_eq(nvo_access_untag(p, &vid), EINVAL);
    nvo_access_tag(p, 0xabc);
    ck_assert_uint_eq(p->size, 46);
    ck_assert_uint_eq(nvo_pkt_len(p), 146);
    ck_assert_mem_eq(p->data, before, 12);
    const uint8_t tag[6] = { 0x81, 0x00, 0x0a, 0xbc, 0x08, 0x00 };
    ck_assert_mem_eq(p->data + 12, tag, 6);
    ck_assert_mem_eq(p->data + 18, before + 14, 28);
    ck_assert_uint_eq(p->l3_ofs, l3);
    ck_assert_uint_eq(p->l2_ofs, nvo_pkt_data_ofs(p));
    ck_assert_int_eq(nvo_access_untag(p, &vid), 0);
    ck_assert_uint_eq(vid, 0xabc);
    ck_assert_uint_eq(p->size, 42);
    ck_assert_mem_eq(p->data, before, 42);
    ck_assert_uint_eq(p->l2_ofs, nvo_pkt_data_ofs(p));
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

/* Bad input to the roles: VLAN 0 and 4095, a VLAN twice, a port that
 * does not exist, a hypervisor with two uplinks. */
START_TEST(bad_roles)
{
    struct fab f;
    fab_build(&f, true);
    uint32_t t;
    ck_assert_int_eq(nvo_tor_vtep_add_tenant(f.vtep[2], 7000, 0, &t), EINVAL);
    ck_assert_int_eq(nvo_tor_vtep_add_tenant(f.vtep[2], 7000, 4095, &t),
                     EINVAL);
    ck_assert_int_eq(nvo_tor_vtep_add_tenant(f.vtep[2], 7000, 1, &t), EEXIST);
    ck_assert_int_eq(nvo_tor_vtep_add_tenant(f.vtep[2], 7000, 4094, &t), 0);
    ck_assert_int_eq(nvo_tor_vtep_add_port(f.vtep[2], t, 99), EINVAL);
    ck_assert_int_eq(nvo_tor_vtep_add_port(f.vtep[2], t + 1, 0), EINVAL);
    ck_assert_int_eq(nvo_access_hv_add_tenant(f.hv[0], 0, &t), EINVAL);
    ck_assert_int_eq(nvo_access_hv_add_tenant(f.hv[0], 4095, &t), EINVAL);
    const uint8_t group[6] = { 1, 0, 0, 0, 0, 1 };
    ck_assert_int_eq(nvo_access_hv_add_vm(f.hv[0], 0, group, 0, &t), EINVAL);
    fab_destroy(&f);
}
END_TEST

/* ---- The shipped scenario ------------------------------------------------ */

static struct nvo_sim *
run_scenario(const char *const *sets, size_t n, char **dir,
             struct nvo_scenario_cfg **cfgp)
{
    struct nvo_sim *sim;
    nvo_test_scenario(nvo_test_src("scenarios/overlay-vtep.xml"), sets, n,
                      "tor", true, cfgp, &sim, dir);
    return sim;
}

static char *
slurp(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *s = NULL;
    ck_assert_msg(g_file_get_contents(path, &s, NULL, NULL), "%s", path);
    g_free(path);
    return s;
}

/* Runs tshark on dir/name with 'fields' and counts each distinct line. */
static GHashTable *
tshark_fields(const char *dir, const char *name, const char *fields)
{
    char *cmd = g_strdup_printf("tshark -r '%s/%s' -T fields %s 2>/dev/null",
                                dir, name, fields);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          NULL);
    char line[256];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        gpointer old = g_hash_table_lookup(h, line);
        g_hash_table_replace(h, g_strdup(line),
                             GUINT_TO_POINTER(GPOINTER_TO_UINT(old) + 1));
    }
    int status = pclose(f);
    ck_assert_msg(status == 0, "tshark failed (%d): %s (tshark is required: "
                  "apt-get install tshark)", status, cmd);
    g_free(cmd);
    return h;
}

static uint32_t
count_of(GHashTable *h, const char *line)
{
    return GPOINTER_TO_UINT(g_hash_table_lookup(h, line));
}

/* 3 tenants of 4 VMs round-robin on 6 hypervisors: tenant 0 on hv1-1,
 * hv1-2 (leaf1), hv2-1, hv2-2 (leaf2); 1 on hv3-1, hv3-2, hv1-1, hv1-2; 2
 * on hv2-*, hv3-*: every tenant on 2 leaves, each leaf hosting 2 tenants
 * (VLANs 1 and 2).  Leaf VTEPs: one encapsulated copy per BUM frame;
 * PEs: 3. */
START_TEST(scenario_leaf_versus_hypervisor)
{
    char *dir;
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim = run_scenario(NULL, 0, &dir, &cfg);
    struct nvo_sim_overlay *o = sim->overlay;
    ck_assert_uint_eq(o->n_pes, 3);
    ck_assert_uint_eq(o->n_hvs, 6);
    for (uint32_t t = 0; t < 3; t++) {
        ck_assert_uint_eq(o->tenant_n_pes[t], 2);
    }
    for (uint32_t l = 0; l < 3; l++) {
        ck_assert_uint_eq(nvo_pe_node_n_tenants(o->pes[l]), 2);
        ck_assert_uint_eq(nvo_tor_vtep_vlan(o->vteps[l], 0), 1);
        ck_assert_uint_eq(nvo_tor_vtep_vlan(o->vteps[l], 1), 2);
    }
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    const struct nvo_pe_node_counters *c = &t.c;
    uint64_t bum = c->bum[0] + c->bum[1] + c->bum[2];
    ck_assert_uint_gt(bum, 0);
    ck_assert_uint_eq(c->bum_copies, bum);
    ck_assert_uint_eq(c->unwanted, 0);
    ck_assert_uint_eq(c->vm_frames, c->local_unicast + c->remote_unicast
                      + bum);
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    ck_assert_uint_eq(ts.flows_completed, ts.flows_started);
    ck_assert_uint_eq(c->vm_frames, ts.flows_started * 100);
    ck_assert_uint_eq(c->delivered, c->vm_frames);
    ck_assert_uint_eq(ts.pkts_delivered, c->vm_frames);
    /* Overhead: 50 bytes per VXLAN frame, only between leaves. */
    ck_assert_uint_eq(c->bytes_out - c->encap_bytes, c->frames_out * 50);
    ck_assert_uint_eq(sim->generated, sim->delivered);
    ck_assert_uint_le(t.mac_entries_max, 8);    /* 2 tenants x 4 VMs */
    /* Per tenant (as results.xml's <tenant>: the VTEPs' counters of the
     * tenant with the VM side from its hypervisors), the tenants add up
     * to the totals. */
    struct nvo_pe_node_counters sum;
    memset(&sum, 0, sizeof sum);
    for (uint32_t tn = 0; tn < 3; tn++) {
        struct nvo_pe_node_counters tc;
        memset(&tc, 0, sizeof tc);
        for (uint32_t l = 0; l < o->n_pes; l++) {
            uint32_t lt;
            if (nvo_pe_node_find_tenant(o->pes[l], 5000 + tn, &lt)) {
                continue;
            }
            const uint64_t *sx = (const uint64_t *)
                nvo_pe_node_tenant_counters(o->pes[l], lt);
            for (size_t k = 0; k < sizeof tc / sizeof (uint64_t); k++) {
                ((uint64_t *) &tc)[k] += sx[k];
            }
        }
        nvo_sim_overlay_leaf_tenant__(o, tn, &tc);
        ck_assert_uint_gt(tc.vm_frames, 0);
        ck_assert_uint_eq(tc.delivered, tc.vm_frames);
        for (size_t k = 0; k < sizeof tc / sizeof (uint64_t); k++) {
            ((uint64_t *) &sum)[k] += ((uint64_t *) &tc)[k];
        }
    }
    ck_assert_mem_eq(&sum, c, sizeof sum);
    char *xml = slurp(dir, "results.xml");
    ck_assert_ptr_nonnull(strstr(xml, "pes=\"3\" vtep=\"leaf\" vteps=\"3\" "
                                      "hypervisors=\"6\""));
    ck_assert_ptr_nonnull(strstr(xml, "<pe node=\"leaf1\""));
    /* The hypervisors' side: their VM frames add up to the totals'. */
    uint64_t hv_frames = 0;
    for (const char *q = xml; (q = strstr(q, "<hypervisor node=")); q++) {
        ck_assert(!strncmp(strstr(q, "tenants="), "tenants=\"2\"", 11));
        hv_frames += strtoull(strstr(q, "vm-frames=\"") + 11, NULL, 10);
    }
    ck_assert_uint_eq(hv_frames, c->vm_frames);
    ck_assert_ptr_nonnull(strstr(xml, "<hypervisor node=\"hv3-2\""));
    g_free(xml);
    char *csv = slurp(dir, "summary.csv");
    ck_assert_ptr_nonnull(strstr(csv, ",3,leaf,"));
    g_free(csv);

    /* tshark: hv1-1's link carries only 802.1Q frames of 1042 + 4 bytes,
     * VLANs 1 and 2 (its tenants 0 and 1), never VXLAN; leaf1's uplink to
     * spine1 only VXLAN frames of 1042 + 50 bytes with VNI 5000 or 5001,
     * their inner frames untagged. */
    GHashTable *h = tshark_fields(dir, "hv1-1-1.pcap",
                                  "-e frame.len -e eth.type -e vlan.id "
                                  "-e vxlan.vni");
    ck_assert_uint_gt(count_of(h, "1046\t0x8100\t1\t"), 0);
    ck_assert_uint_gt(count_of(h, "1046\t0x8100\t2\t"), 0);
    ck_assert_uint_eq(g_hash_table_size(h), 2);
    g_hash_table_destroy(h);
    h = tshark_fields(dir, "leaf1-1.pcap",
                      "-e frame.len -e vxlan.vni -e vlan.id -e udp.dstport");
    ck_assert_uint_gt(count_of(h, "1092\t5000\t\t4789,5001"), 0);
    ck_assert_uint_gt(count_of(h, "1092\t5001\t\t4789,5001"), 0);
    ck_assert_uint_eq(g_hash_table_size(h), 2);
    g_hash_table_destroy(h);
    nvo_test_scenario_free(cfg, sim, dir);

    /* The same with a PE in every hypervisor: each tenant on 4 PEs. */
    const char *sets[] = { "overlay.vtep=hypervisor" };
    sim = run_scenario(sets, 1, &dir, &cfg);
    o = sim->overlay;
    ck_assert_uint_eq(o->n_pes, 6);
    nvo_sim_overlay_totals(o, &t);
    bum = c->bum[0] + c->bum[1] + c->bum[2];
    ck_assert_uint_gt(bum, 0);
    ck_assert_uint_eq(c->bum_copies, 3 * bum);
    ck_assert_uint_eq(c->delivered, c->vm_frames);
    ck_assert_uint_eq(sim->generated, c->frames_out);
    ck_assert_uint_le(t.mac_entries_max, 8);
    xml = slurp(dir, "results.xml");
    ck_assert_ptr_null(strstr(xml, "vteps="));
    ck_assert_ptr_null(strstr(xml, "<hypervisor "));
    g_free(xml);
    csv = slurp(dir, "summary.csv");
    ck_assert_ptr_nonnull(strstr(csv, ",6,hypervisor,"));
    g_free(csv);
    h = tshark_fields(dir, "hv1-1-1.pcap", "-e frame.len -e vxlan.vni");
    ck_assert_uint_gt(count_of(h, "1092\t5000"), 0);
    ck_assert_uint_gt(count_of(h, "1092\t5001"), 0);
    ck_assert_uint_eq(g_hash_table_size(h), 2);
    g_hash_table_destroy(h);
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

static void
expect_error(const char *const *sets, size_t n, const char *want)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *cfg = nvo_scenario_load(
        nvo_test_src("scenarios/overlay-vtep.xml"), sets, n, &error);
    if (cfg) {
        char *dir = nvo_test_tmpdir("tor");
        struct nvo_sim *sim = nvo_sim_create(cfg, nvo_test_engine(), dir,
                                             &error);
        ck_assert_ptr_null(sim);
        nvo_scenario_cfg_destroy(cfg);
        nvo_test_rmdir(dir);
    }
    ck_assert_ptr_nonnull(error);
    ck_assert_msg(strstr(error->message, want), "\"%s\" not in: %s", want,
                  error->message);
    g_error_free(error);
}

/* Bad scenarios: an unknown vtep; a dual-homed topology; more than 4094
 * tenants on a leaf (3 x 4095 tenants of 1 VM round-robin on 6
 * hypervisors: 4095 on each leaf), and 3 x 4094 is accepted. */
START_TEST(scenario_refusals)
{
    expect_error((const char *const[]) { "overlay.vtep=tor" }, 1, "vtep");
    char *topo = g_strdup_printf("topology.file=%s",
                                 nvo_test_src("topologies/dual-homed.xml"));
    expect_error((const char *const[]) { topo }, 1,
                 "\"leaf\" needs every hypervisor on exactly one link, to a "
                 "leaf");
    expect_error((const char *const[]) { topo }, 1, "has 2 links");
    g_free(topo);
    /* At the line of <overlay>. */
    char *text;
    ck_assert(g_file_get_contents(nvo_test_src("scenarios/overlay-vtep.xml"),
                                  &text, NULL, NULL));
    int line = 1;
    for (const char *q = text; q < strstr(text, "<overlay "); q++) {
        line += *q == '\n';
    }
    g_free(text);
    char *want = g_strdup_printf("%s:%d: <overlay vtep=\"leaf\">: leaf "
                                 "\"leaf1\" would host more than 4094 "
                                 "tenants (one 802.1Q VLAN each on its "
                                 "access ports, VLAN ids 1..4094)",
                                 nvo_test_src("scenarios/overlay-vtep.xml"),
                                 line);
    expect_error((const char *const[]) {
                     "overlay.tenants.count=12285",
                     "overlay.tenants.vms-per-tenant=1" }, 2, want);
    g_free(want);
    const char *ok[] = { "overlay.tenants.count=12282",
                         "overlay.tenants.vms-per-tenant=1",
                         "run.duration=1ns" };
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;
    nvo_test_scenario(nvo_test_src("scenarios/overlay-vtep.xml"), ok, 3,
                      "tor", false, &cfg, &sim, &dir);
    for (uint32_t l = 0; l < 3; l++) {
        ck_assert_uint_eq(nvo_pe_node_n_tenants(sim->overlay->pes[l]), 4094);
        ck_assert_uint_eq(nvo_tor_vtep_vlan(sim->overlay->vteps[l], 4093),
                          4094);
    }
    nvo_test_scenario_free(cfg, sim, dir);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("tor_vtep");
    TCase *tc = tcase_create("tor_vtep");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tag_bytes);
    tcase_add_test(tc, leaf_unicast_frame_sizes);
    tcase_add_test(tc, hypervisor_unicast_frame_sizes);
    tcase_add_test(tc, leaf_broadcasts_and_state);
    tcase_add_test(tc, hypervisor_broadcasts_and_state);
    tcase_add_test(tc, one_broadcast_per_tier);
    tcase_add_test(tc, one_broadcast_ipv6);
    tcase_add_test(tc, bad_roles);
    tcase_add_test(tc, scenario_leaf_versus_hypervisor);
    tcase_add_test(tc, scenario_refusals);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
