/* pe_node.c: the hypervisor PE as a node role with its virtual switch:
 * MAC learning, forwarding, ingress replication (see pe_node.h). */
#include "overlay/pe_node.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fabric/mcast.h"
#include "fabric/switch.h"
#include "overlay/vm_index.h"
#include "wire/flow.h"
#include "wire/igmp.h"
#include "wire/wire.h"

#define NVO_LDP_LABEL_MAX_PE 0xfffffu    /* 20-bit MPLS labels */

struct pen_vm {
    uint64_t mac;
    uint32_t ip4;
    bool gone;                  /* removed (moved away); index kept */
    uint64_t mac2;              /* a second MAC it receives (an NLB
                                 * cluster's), never sourced; 0: none */
};

struct pen_tenant {
    uint32_t vni;
    struct pen_vm *vms;
    uint32_t n_vms, cap_vms;
    uint32_t *flood;                    /* PE node indices, self removed */
    uint32_t n_flood;
    GHashTable *tunnels;                /* node + 1 -> struct nvo_tunnel *
                                         * [n_addrs]: one per source
                                         * address, each built at first
                                         * use (NULL before) */
    struct nvo_pe_node_counters c;
    uint32_t last_dst, last_k;          /* tunnels' last lookup (PE node,
                                         * source address), */
    const struct nvo_tunnel *last_tunnel;   /* cached (NULL: none) */
    bool flood_shared;                  /* 'flood' is the caller's (may
                                         * list this PE: skipped) */
    uint32_t mcast_group;               /* flood to this IPv4 group; 0:
                                         * by the flood list */
    struct nvo_tunnel *mcast_tunnel;    /* to it, built at first use */
};

struct nvo_pe_node {
    struct nvo_node node;               /* first: the base */
    struct nvo_pe_node_cfg cfg;
    struct pen_tenant *tenants;
    uint32_t n_tenants, cap_tenants;
    GHashTable *by_vni;                 /* vni -> tenant + 1 */
    struct nvo_mac_table *mac;
    struct nvo_pe_node_counters c;
    struct nvo_vm_index vm_index;       /* (tenant, MAC) -> local VM */
    uint32_t last_vni, last_ix;         /* by_vni's last hit (ix 0: none;
                                         * tenants are never removed) */
    /* Control plane hooks (nvo_pe_node_set_ctrl_ops()). */
    const struct nvo_pe_ctrl_ops *ctrl;
    void *ctrl_ctx;
    bool ctrl_no_remote_learn;          /* no data-plane remote learning */
    struct pen_pw *pw;                  /* VPLS / pseudowire hooks: NULL
                                         * unless nvo_pe_node_set_pw_mode() */
};

/* VPLS / pseudowire hooks: signalled labels (pe_node.h). */
struct pen_pw {
    GHashTable **tx;            /* per tenant: dst + 1 -> label */
    GHashTable **spoke;         /* per tenant: dst + 1 -> 1 for an H-VPLS
                                 * spoke pseudowire (NULL: none) */
    uint32_t n_tx;              /* entries of tx and spoke */
    GHashTable *rx;             /* label -> struct pen_pw_rx * */
    struct nvo_pe_pw_counters c;
};

struct pen_pw_rx {
    uint32_t tenant, src;
};

static uint32_t
pw_tx_label(const struct nvo_pe_node *pe, uint32_t tenant, uint32_t dst)
{
    if (tenant >= pe->pw->n_tx || !pe->pw->tx[tenant]) {
        return 0;
    }
    return GPOINTER_TO_UINT(g_hash_table_lookup(pe->pw->tx[tenant],
                                                GUINT_TO_POINTER(dst + 1)));
}

static void pw_free(struct nvo_pe_node *);
static bool pw_has_spokes(const struct nvo_pe_node *, uint32_t tenant);
static uint32_t pw_transit(struct nvo_pe_node *, struct pen_tenant *,
                           int src, uint64_t dmac, const struct nvo_pkt *p,
                           bool bum);

const char *
nvo_bum_kind_name(enum nvo_bum_kind k)
{
    switch (k) {
    case NVO_BUM_BROADCAST: return "broadcast";
    case NVO_BUM_MULTICAST: return "multicast";
    case NVO_BUM_UNKNOWN: return "unknown-unicast";
    case NVO_BUM_N: break;
    }
    return "?";
}

const char *
nvo_pe_drop_name(enum nvo_pe_drop d)
{
    switch (d) {
    case NVO_PE_DROP_DECAP: return "decap";
    case NVO_PE_DROP_NO_TENANT: return "no-tenant";
    case NVO_PE_DROP_NO_VM: return "no-vm";
    case NVO_PE_DROP_TOO_BIG: return "too-big";
    case NVO_PE_DROP_N: break;
    }
    return "?";
}

/* ---- Node ops ------------------------------------------------------------ */

static void
receive__(struct nvo_node *n, struct nvo_port *in, struct nvo_pkt *p,
          const struct nvo_node_rx *rx)
{
    /* As a host: forward what the PE originates over its uplinks; a
     * frame in transit during a reroute is forwarded like a switch's. */
    if (rx->dst < 0) {
        /* A group (fabric/mcast.h): sent on the first uplink, or one the
         * leaf replicated to this PE, delivered to the binding. */
        if (in) {
            nvo_node_deliver(n, p, rx);
        } else {
            nvo_mcast_host_send(n, p, rx);
        }
        return;
    }
    if (in && !nvo_switch_decrement_ttl(n, p, rx)) {
        return;
    }
    nvo_switch_forward(n, p, rx, n->sw != NVO_SW_NONE);
}

static void
destroy__(struct nvo_node *n)
{
    struct nvo_pe_node *pe = NVO_CONTAINER_OF(n, struct nvo_pe_node, node);
    for (uint32_t t = 0; t < pe->n_tenants; t++) {
        struct pen_tenant *te = &pe->tenants[t];
        free(te->vms);
        if (!te->flood_shared) {
            free(te->flood);
        }
        if (te->tunnels) {
            GHashTableIter it;
            gpointer k, v;
            g_hash_table_iter_init(&it, te->tunnels);
            while (g_hash_table_iter_next(&it, &k, &v)) {
                struct nvo_tunnel **by_addr = v;
                for (uint32_t a = 0; a < NVO_MAX(pe->cfg.n_addrs, 1u); a++) {
                    g_free(by_addr[a]);
                }
            }
            g_hash_table_destroy(te->tunnels);  /* frees the arrays */
        }
        g_free(te->mcast_tunnel);
    }
    free(pe->tenants);
    if (pe->by_vni) {
        g_hash_table_destroy(pe->by_vni);
    }
    nvo_mac_table_destroy(pe->mac);
    if (pe->cfg.access && pe->cfg.access->destroy) {
        pe->cfg.access->destroy(pe->cfg.access_ctx);
    }
    nvo_vm_index_fini(&pe->vm_index);
    pw_free(pe);                /* VPLS / pseudowire hooks */
}

static void start__(struct nvo_node *);
static const struct nvo_tunnel *mcast_tunnel(struct nvo_pe_node *,
                                             struct pen_tenant *);

static const struct nvo_node_ops pe_ops = {
    .name = "pe",
    .size = sizeof(struct nvo_pe_node),
    .receive = receive__,
    .start = start__,
    .destroy = destroy__,
};

/* ---- Helpers ------------------------------------------------------------- */

static inline void
count2(struct nvo_pe_node *pe, struct pen_tenant *te, size_t field_ofs,
       uint64_t v)
{
    *(uint64_t *) ((char *) &pe->c + field_ofs) += v;
    if (te) {
        *(uint64_t *) ((char *) &te->c + field_ofs) += v;
    }
}

#define COUNT(pe, te, field, v) \
    count2((pe), (te), offsetof(struct nvo_pe_node_counters, field), (v))

/* Counts the drop of tenant frame (or underlay frame) 'p' and tells the
 * network's drop hook (the caller frees 'p'). */
static void
drop_(struct nvo_pe_node *pe, struct pen_tenant *te, enum nvo_pe_drop why,
      const struct nvo_pkt *p)
{
    pe->c.drops[why]++;
    if (te) {
        te->c.drops[why]++;
    }
    nvo_node_drop_seen(&pe->node, p, NVO_DROP_SITE_ROLE, (int) why);
}

static uint32_t
seg_mtu(const struct nvo_pe_node *pe)
{
    if (pe->cfg.mtu) {
        return pe->cfg.mtu;
    }
    if (pe->node.n_ports && pe->node.ports[0].link) {
        return pe->node.ports[0].link->cfg.mtu;
    }
    return 1500;
}

/* The encapsulation options of the PE's configuration into 'tc'. */
static void
tunnel_options(const struct nvo_pe_node *pe, struct nvo_tunnel_cfg *tc)
{
    tc->nvgre_no_flowid = pe->cfg.nvgre_no_flowid;
    memcpy(tc->geneve_opts, pe->cfg.geneve_opts, sizeof tc->geneve_opts);
    tc->geneve_opts_len = pe->cfg.geneve_opts_len;
}

/* The label PE node 'dst' assigned to 'vni' (per-PE labels), or 0. */
static uint32_t
remote_label(const struct nvo_pe_node *pe, uint32_t dst, uint32_t vni)
{
    struct nvo_pe_node *r = nvo_pe_node_of(nvo_net_node(pe->node.net, dst));
    uint32_t rt;
    return r && !nvo_pe_node_find_tenant(r, vni, &rt)
           ? nvo_pe_node_label(r, rt) : 0;
}

/* The tunnel of tenant 'te' to PE node 'dst' from this PE's address 'k',
 * built at first use (the node addresses exist only after
 * nvo_net_finalize()). */
static const struct nvo_tunnel *
tunnel_to(struct nvo_pe_node *pe, struct pen_tenant *te, uint32_t dst,
          uint32_t k)
{
    if (te->last_tunnel && te->last_dst == dst && te->last_k == k) {
        return te->last_tunnel;        /* a flow's frames: one lookup */
    }
    gpointer key = GUINT_TO_POINTER(dst + 1);
    if (!te->tunnels) {
        /* Made at first use: most (PE, tenant) pairs of a large overlay
         * talk to few PEs, many to none. */
        te->tunnels = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                            NULL, g_free);
    }
    struct nvo_tunnel **by_addr = g_hash_table_lookup(te->tunnels, key);
    if (!by_addr) {
        by_addr = g_new0(struct nvo_tunnel *, NVO_MAX(pe->cfg.n_addrs, 1u));
        g_hash_table_insert(te->tunnels, key, by_addr);
    }
    struct nvo_tunnel *t = by_addr[k];
    if (!t) {
        t = by_addr[k] = g_new(struct nvo_tunnel, 1);
        const struct nvo_net *net = pe->node.net;
        const struct nvo_node *d = nvo_net_node(net, dst);
        struct nvo_tunnel_cfg tc;
        memset(&tc, 0, sizeof tc);
        tc.ipv6 = pe->node.net->cfg.ipv6;
        tc.src_ip4 = nvo_net_node_addr4(net, pe->node.index, k);
        tc.dst_ip4 = d->addr4;
        nvo_net_node_addr6(net, pe->node.index, k, tc.src_ip6);
        memcpy(tc.dst_ip6, d->addr6, 16);
        memcpy(tc.src_mac, pe->node.mac, 6);
        memcpy(tc.dst_mac, d->mac, 6);     /* rewritten hop by hop */
        tc.vni = te->vni;
        tc.labels[0] = te->vni;
        if (pe->cfg.label_per_pe) {
            /* The egress PE's label; set_flood() and learning only name PEs
             * that host the VNI, so there is one. */
            uint32_t l = pe->pw   /* VPLS: the label dst signalled */
                         ? pw_tx_label(pe, (uint32_t) (te - pe->tenants),
                                       dst)
                         : remote_label(pe, dst, te->vni);
            tc.labels[0] = l ? l : te->vni;
        }
        tc.n_labels = 1;
        tc.entropy_label = pe->cfg.entropy_label;
        tc.control_word = pe->cfg.control_word;
        tc.sport_min = pe->cfg.sport_min;
        tc.sport_max = pe->cfg.sport_max;
        tc.hash_basis = pe->cfg.hash_basis;
        tunnel_options(pe, &tc);
        if (nvo_tunnel_build(t, pe->cfg.encap, &tc)) {
            abort();                /* add_tenant() built one with this vni */
        }
    }
    te->last_dst = dst;
    te->last_k = k;
    te->last_tunnel = t;
    return t;
}

/* Whether a tenant frame of 'len' bytes can be sent (STT: segments). */
static bool
fits(const struct nvo_pe_node *pe, uint32_t len)
{
    const struct nvo_encap_ops *ops = pe->cfg.encap;
    if (!ops->n_segments) {
        return true;
    }
    uint32_t need;
    uint32_t n = ops->n_segments(pe->node.net->cfg.ipv6, len, seg_mtu(pe),
                                 &need);
    return n >= 1 && n <= NVO_PE_NODE_MAX_SEGMENTS;
}

/* Encapsulates 'p' (a tenant frame; taken) in tunnel 't' and sends every
 * resulting frame into the fabric. */
static void
encap_send_t(struct nvo_pe_node *pe, struct pen_tenant *te,
             const struct nvo_tunnel *t, struct nvo_pkt *p,
             enum nvo_tclass tc)
{
    uint32_t len = nvo_pkt_len(p);
    t->ops->push(t, p);
    if (pe->cfg.on_encap) {
        pe->cfg.on_encap(pe->cfg.ctx, pe, (uint32_t) (te - pe->tenants), t,
                         p);
    }
    p->tclass = (uint8_t) tc;
    COUNT(pe, te, encap_frames, 1);
    COUNT(pe, te, encap_bytes, len);
    struct nvo_pkt *segs[NVO_PE_NODE_MAX_SEGMENTS];
    size_t n = 1;
    segs[0] = p;
    if (t->ops->segment) {
        n = t->ops->segment(p, seg_mtu(pe), segs, NVO_PE_NODE_MAX_SEGMENTS);
        if (!n) {
            abort();            /* fits() bounded the segments */
        }
    }
    COUNT(pe, te, cpu_encap_mc, nvo_cpu_encap_mc(&pe->cfg.cpu, len, n));
    for (size_t i = 0; i < n; i++) {
        COUNT(pe, te, frames_out, 1);
        COUNT(pe, te, bytes_out, nvo_pkt_len(segs[i]));
        segs[i]->tclass = (uint8_t) tc;
        nvo_node_send(&pe->node, segs[i]);
    }
}

/* Encapsulates 'p' (a tenant frame; taken) to PE node 'dst' and sends
 * every resulting frame into the fabric. */
static void
encap_send(struct nvo_pe_node *pe, struct pen_tenant *te, uint32_t dst,
           struct nvo_pkt *p, enum nvo_tclass tc)
{
    p->tclass = (uint8_t) tc;   /* what the drop hook sees, too */
    if (pe->pw && !pw_tx_label(pe, (uint32_t) (te - pe->tenants), dst)) {
        pe->pw->c.tx_pw_down++;     /* VPLS: the pseudowire is down */
        nvo_node_drop_seen(&pe->node, p, NVO_DROP_SITE_ROLE,
                           NVO_PE_HOOK_PW_DOWN);
        nvo_pkt_free(p);
        return;
    }
    uint32_t k = pe->cfg.n_addrs > 1 ? nvo_pe_node_src_addr(pe, p) : 0;
    encap_send_t(pe, te, tunnel_to(pe, te, dst, k), p, tc);
}

static void
deliver_vm(struct nvo_pe_node *pe, struct pen_tenant *te, uint32_t vm,
           const struct nvo_pkt *p)
{
    COUNT(pe, te, delivered, 1);
    COUNT(pe, te, delivered_bytes, nvo_pkt_len(p));
    if (pe->cfg.deliver) {
        pe->cfg.deliver(pe->cfg.ctx, pe, (uint32_t) (te - pe->tenants), vm,
                        p);
    }
}

/* The local VM of tenant 'te' with MAC 'mac', or -1: O(1). */
static int64_t
find_vm(const struct nvo_pe_node *pe, const struct pen_tenant *te,
        uint64_t mac)
{
    return nvo_vm_index_find(&pe->vm_index, (uint32_t) (te - pe->tenants),
                             mac);
}

/* Delivers 'p' to every VM that receives 'mac' as its second MAC (an NLB
 * cluster's members); returns how many. */
static uint32_t
deliver_mac2(struct nvo_pe_node *pe, struct pen_tenant *te, uint64_t mac,
             const struct nvo_pkt *p)
{
    uint32_t n = 0;
    for (uint32_t v = 0; v < te->n_vms; v++) {
        if (te->vms[v].mac2 && te->vms[v].mac2 == mac && !te->vms[v].gone) {
            deliver_vm(pe, te, v, p);
            n++;
        }
    }
    return n;
}

/* Control plane hook: a data-plane learn made 'mac' local at 'loc'. */
static void
ctrl_local_learned__(struct nvo_pe_node *pe, struct pen_tenant *te,
                     uint64_t mac, uint32_t loc)
{
    if (pe->ctrl && pe->ctrl->local_learned) {
        uint32_t ip4 = !pe->cfg.access && loc < te->n_vms
                       && te->vms[loc].mac == mac ? te->vms[loc].ip4 : 0;
        pe->ctrl->local_learned(pe->ctrl_ctx, pe,
                                (uint32_t) (te - pe->tenants), mac, ip4, loc,
                                false);
    }
}

static void
learn(struct nvo_pe_node *pe, struct pen_tenant *te, uint64_t mac,
      struct nvo_mac_loc loc)
{
    nvo_time_t now = nvo_engine_now(pe->node.net->engine);
    switch (nvo_mac_table_learn(pe->mac, te->vni, mac, loc,
                                NVO_MAC_ORIGIN_DATA, 0, 0, now, NULL)) {
    case NVO_MAC_LEARNED:
        if (loc.remote) {
            COUNT(pe, te, learned_remote, 1);
        } else {
            COUNT(pe, te, learned_local, 1);
            ctrl_local_learned__(pe, te, mac, loc.index);
        }
        break;
    case NVO_MAC_MOVED:
        COUNT(pe, te, moves, 1);
        if (!loc.remote) {
            ctrl_local_learned__(pe, te, mac, loc.index);
        }
        break;
    case NVO_MAC_REFUSED:
        COUNT(pe, te, learn_refused, 1);
        break;
    case NVO_MAC_REFRESHED:
    case NVO_MAC_PINNED:
        break;
    }
}

static inline uint64_t
eth_mac(const struct nvo_pkt *p, uint32_t at)
{
    return nvo_mac_from_bytes(nvo_pkt_at(p, p->l2_ofs) + at);
}

/* ---- Receive from the overlay --------------------------------------------- */

/* The node whose address is the outer source of 'p' (data at the outer
 * Ethernet header), or -1. */
static int
outer_src_node(const struct nvo_net *net, const struct nvo_pkt *p)
{
    uint32_t off = 12;
    while (p->size >= off + 2) {
        uint16_t type = nvo_rd16(p->data + off);
        off += 2;
        if (type == NVO_ETH_TYPE_VLAN || type == NVO_ETH_TYPE_QINQ) {
            off += 2;
            continue;
        }
        if (type == NVO_ETH_TYPE_IPV4 && p->size >= off + 20) {
            return nvo_net_addr4_node(net, nvo_rd32(p->data + off + 12));
        }
        if (type == NVO_ETH_TYPE_IPV6 && p->size >= off + 40) {
            return nvo_net_addr6_node(net, p->data + off + 8);
        }
        break;
    }
    return -1;
}

/* A decapsulated frame of 'te' at a PE with an access side: to the
 * location its destination was learned at, else to every location of the
 * tenant (a bridge floods what it does not know).  Takes 'p'. */
static void
rx_access__(struct nvo_pe_node *pe, struct pen_tenant *te, uint64_t dmac,
            struct nvo_pkt *p)
{
    const struct nvo_pe_access_ops *a = pe->cfg.access;
    uint32_t t = (uint32_t) (te - pe->tenants);
    const struct nvo_mac_entry *e = NULL;
    if (!(dmac & (1ull << 40))) {
        e = nvo_mac_table_lookup(pe->mac, te->vni, dmac,
                                 nvo_engine_now(pe->node.net->engine));
    }
    if (e && !(e->flags & NVO_MAC_REMOTE)) {
        COUNT(pe, te, rx_accepted, 1);
        COUNT(pe, te, delivered, 1);
        COUNT(pe, te, delivered_bytes, nvo_pkt_len(p));
        a->to_local(pe->cfg.access_ctx, pe, t, e->loc, p);
        return;
    }
    uint32_t n = a->flood_local(pe->cfg.access_ctx, pe, t, UINT32_MAX, p);
    if (n) {
        COUNT(pe, te, rx_accepted, 1);
        COUNT(pe, te, delivered, n);
        COUNT(pe, te, delivered_bytes, (uint64_t) n * nvo_pkt_len(p));
    } else {
        drop_(pe, te, NVO_PE_DROP_NO_VM, p);
    }
    nvo_pkt_free(p);
}

static void
rx_overlay(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    struct nvo_pe_node *pe = ctx;
    (void) n;
    pe->c.rx_frames++;
    if (p->stt_segment > 1) {
        pe->c.rx_segments++;
        pe->c.cpu_decap_mc += nvo_cpu_rx_segment_mc(&pe->cfg.cpu);
        nvo_pkt_free(p);
        return;
    }
    int src = outer_src_node(pe->node.net, p);
    const struct nvo_encap_ops *ops = pe->cfg.encap;
    uint32_t vni;
    int error = pe->cfg.control_word && ops->pop_cw ? ops->pop_cw(p, &vni)
                                                    : ops->pop(p, &vni);
    if (error || p->l2_ofs == NVO_PKT_OFS_NONE || nvo_pkt_len(p) < 14) {
        drop_(pe, NULL, NVO_PE_DROP_DECAP, p);
        nvo_pkt_free(p);
        return;
    }
    pe->c.rx_decap++;
    uint64_t decap_mc = nvo_cpu_decap_mc(&pe->cfg.cpu, nvo_pkt_len(p));
    pe->c.cpu_decap_mc += decap_mc;
    uintptr_t ix;
    if (pe->pw) {
        /* VPLS: a label this PE signalled names the tenant and the PE
         * at the far end of the pseudowire (learning per pseudowire). */
        const struct pen_pw_rx *r =
            g_hash_table_lookup(pe->pw->rx, GUINT_TO_POINTER(vni));
        ix = r ? r->tenant + 1 : 0;
        if (r) {
            src = (int) r->src;
        } else {
            pe->pw->c.rx_bad_label++;
        }
    } else if (pe->cfg.label_per_pe) {
        /* The label is this PE's own: base + tenant. */
        uint32_t t = vni - pe->cfg.label_base;
        ix = vni >= pe->cfg.label_base && t < pe->n_tenants ? t + 1 : 0;
    } else {
        ix = pe->last_ix && pe->last_vni == vni
            ? pe->last_ix
            : GPOINTER_TO_UINT(g_hash_table_lookup(pe->by_vni,
                                                   GUINT_TO_POINTER(vni)));
        if (ix) {
            pe->last_vni = vni;
            pe->last_ix = (uint32_t) ix;
        }
    }
    if (!ix) {
        pe->c.unwanted++;
        drop_(pe, NULL, NVO_PE_DROP_NO_TENANT, p);
        nvo_pkt_free(p);
        return;
    }
    struct pen_tenant *te = &pe->tenants[ix - 1];
    te->c.rx_frames++;
    te->c.rx_decap++;
    te->c.cpu_decap_mc += decap_mc;
    if (!te->n_vms && !pe->cfg.access
        && !(te->n_flood > 1
             && pw_has_spokes(pe, (uint32_t) (te - pe->tenants)))) {
        /* (not at an H-VPLS hub, which relays it between pseudowires) */
        COUNT(pe, te, unwanted, 1);
    }
    uint64_t dmac = eth_mac(p, 0);
    uint64_t smac = eth_mac(p, 6);
    if (src >= 0 && !pe->ctrl_no_remote_learn) {
        learn(pe, te, smac, (struct nvo_mac_loc) { true, (uint32_t) src });
    }
    if (pe->cfg.access) {
        rx_access__(pe, te, dmac, p);
        return;
    }
    if (dmac & (1ull << 40)) {
        /* Broadcast / multicast: every local VM of the VNI, never back
         * into the overlay (split horizon). */
        if (te->n_vms) {
            COUNT(pe, te, rx_accepted, 1);
        } else {
            drop_(pe, te, NVO_PE_DROP_NO_VM, p);
        }
        for (uint32_t v = 0; v < te->n_vms; v++) {
            if (!te->vms[v].gone) {
                deliver_vm(pe, te, v, p);
            }
        }
        if (pe->pw) {
            (void) pw_transit(pe, te, src, dmac, p, true);  /* H-VPLS */
        }
    } else {
        int64_t vm = find_vm(pe, te, dmac);
        if (vm < 0 && deliver_mac2(pe, te, dmac, p)) {
            COUNT(pe, te, rx_accepted, 1);
        } else if (vm < 0 && pe->pw && pw_transit(pe, te, src, dmac, p,
                                                  false)) {
            ;                   /* H-VPLS: forwarded to other PWs */
        } else if (vm < 0) {
            drop_(pe, te, NVO_PE_DROP_NO_VM, p);
        } else {
            COUNT(pe, te, rx_accepted, 1);
            deliver_vm(pe, te, (uint32_t) vm, p);
        }
    }
    nvo_pkt_free(p);
}

/* ---- API ---------------------------------------------------------------- */

struct nvo_pe_node *
nvo_pe_node_create(struct nvo_net *net, const char *name,
                   const struct nvo_pe_node_cfg *cfg)
{
    if (!cfg || !cfg->encap || !name || net->finalized) {
        errno = EINVAL;
        return NULL;
    }
    int ix = nvo_net_add_node_ops(net, name, cfg->access ? NVO_ROLE_LEAF
                                                      : NVO_ROLE_HYPERVISOR,
                                  &pe_ops);
    if (ix < 0) {
        return NULL;
    }
    struct nvo_node *n = nvo_net_node(net, (uint32_t) ix);
    struct nvo_pe_node *pe = NVO_CONTAINER_OF(n, struct nvo_pe_node, node);
    pe->cfg = *cfg;
    if (!pe->cfg.label_base) {
        pe->cfg.label_base = 16;
    }
    if (!cfg->encap->pop_cw) {
        pe->cfg.label_per_pe = false;   /* labels are MPLS's only */
    }
    if (cfg->n_addrs > 1) {
        int e = nvo_net_set_node_addrs(net, (uint32_t) ix, cfg->n_addrs);
        if (e) {
            errno = e;
            return NULL;        /* the net frees the node */
        }
    }
    pe->by_vni = g_hash_table_new(g_direct_hash, g_direct_equal);
    nvo_vm_index_init(&pe->vm_index, &n->mem);
    struct nvo_mac_table_cfg mc;
    memset(&mc, 0, sizeof mc);
    mc.aging = cfg->mac_aging;
    mc.max_entries = cfg->mac_max_entries;
    mc.engine = net->engine;
    mc.acct = &n->mem;
    mc.hash_basis = cfg->hash_basis;
    int error = nvo_mac_table_create(&mc, &pe->mac);
    if (error) {
        errno = error;
        return NULL;            /* the net frees the node */
    }
    const char *e = cfg->encap->name;
    if (!strcmp(e, "vxlan")) {
        error = nvo_node_bind_udp(n, 4789, rx_overlay, pe);
    } else if (!strcmp(e, "vxlan-gpe")) {
        error = nvo_node_bind_udp(n, 4790, rx_overlay, pe);
    } else if (!strcmp(e, "geneve")) {
        error = nvo_node_bind_udp(n, 6081, rx_overlay, pe);
    } else if (!strcmp(e, "gre-udp")) {
        error = nvo_node_bind_udp(n, 4754, rx_overlay, pe);
    } else if (!strcmp(e, "mpls-udp")) {
        error = nvo_node_bind_udp(n, 6635, rx_overlay, pe);
    } else if (!strcmp(e, "stt")) {
        error = nvo_node_bind_tcp(n, 7471, rx_overlay, pe);
    } else if (!strcmp(e, "nvgre") || !strcmp(e, "mpls-gre")) {
        error = nvo_node_bind_ip(n, 47, rx_overlay, pe);
    } else if (!strcmp(e, "mpls-ip")) {
        error = nvo_node_bind_ip(n, 137, rx_overlay, pe);
    } else {
        error = EINVAL;
    }
    if (error) {
        errno = error;
        return NULL;
    }
    return pe;
}

struct nvo_pe_node *
nvo_pe_node_of(struct nvo_node *n)
{
    return n && n->ops == &pe_ops
           ? NVO_CONTAINER_OF(n, struct nvo_pe_node, node) : NULL;
}

struct nvo_node *
nvo_pe_node_base(struct nvo_pe_node *pe)
{
    return &pe->node;
}

uint32_t
nvo_pe_node_index(const struct nvo_pe_node *pe)
{
    return pe->node.index;
}

int
nvo_pe_node_add_tenant(struct nvo_pe_node *pe, uint32_t vni, uint32_t *tenant)
{
    if (g_hash_table_contains(pe->by_vni, GUINT_TO_POINTER(vni))) {
        return EEXIST;
    }
    /* Let the encapsulation check the id once, with dummy addresses. */
    struct nvo_tunnel_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.ipv6 = pe->node.net->cfg.ipv6;
    tc.vni = vni;
    tc.labels[0] = pe->cfg.label_per_pe ? pe->cfg.label_base + pe->n_tenants
                                        : vni;
    tc.n_labels = 1;
    tc.entropy_label = pe->cfg.entropy_label;
    tc.control_word = pe->cfg.control_word;
    tc.sport_min = pe->cfg.sport_min;
    tc.sport_max = pe->cfg.sport_max;
    tunnel_options(pe, &tc);
    if (pe->cfg.label_per_pe
        && pe->cfg.label_base + (uint64_t) pe->n_tenants > UINT32_MAX) {
        return EINVAL;
    }
    struct nvo_tunnel t;
    int error = nvo_tunnel_build(&t, pe->cfg.encap, &tc);
    if (error) {
        return error;
    }
    if (pe->n_tenants == pe->cap_tenants) {
        uint32_t cap = pe->cap_tenants ? 2 * pe->cap_tenants : 4;
        struct pen_tenant *a = realloc(pe->tenants, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        pe->tenants = a;
        pe->cap_tenants = cap;
    }
    struct pen_tenant *te = &pe->tenants[pe->n_tenants];
    memset(te, 0, sizeof *te);
    te->vni = vni;
    g_hash_table_insert(pe->by_vni, GUINT_TO_POINTER(vni),
                        GUINT_TO_POINTER(pe->n_tenants + 1));
    *tenant = pe->n_tenants++;
    return 0;
}

int
nvo_pe_node_add_vm(struct nvo_pe_node *pe, uint32_t tenant,
                   const uint8_t mac[6], uint32_t ip4, uint32_t *vm)
{
    if (tenant >= pe->n_tenants || (mac[0] & 1)) {
        return EINVAL;
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    uint64_t m = nvo_mac_from_bytes(mac);
    if (find_vm(pe, te, m) >= 0) {
        return EEXIST;
    }
    if (te->n_vms == te->cap_vms) {
        uint32_t cap = te->cap_vms ? 2 * te->cap_vms : 2;
        struct pen_vm *a = realloc(te->vms, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        te->vms = a;
        te->cap_vms = cap;
    }
    int error = nvo_vm_index_add(&pe->vm_index, tenant, m, te->n_vms);
    if (error) {
        return error;
    }
    te->vms[te->n_vms] = (struct pen_vm) { .mac = m, .ip4 = ip4 };
    *vm = te->n_vms++;
    if (pe->ctrl && pe->ctrl->local_learned) {
        pe->ctrl->local_learned(pe->ctrl_ctx, pe, tenant, m, ip4, *vm, true);
    }
    return 0;
}

int
nvo_pe_node_set_flood(struct nvo_pe_node *pe, uint32_t tenant,
                      const uint32_t *pes, uint32_t n)
{
    if (tenant >= pe->n_tenants) {
        return EINVAL;
    }
    uint32_t *a = n ? malloc(n * sizeof *a) : NULL;
    if (n && !a) {
        return ENOMEM;
    }
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (pes[i] >= nvo_net_n_nodes(pe->node.net)
            || !nvo_pe_node_of(nvo_net_node(pe->node.net, pes[i]))) {
            free(a);
            return EINVAL;
        }
        /* Per-PE labels: a PE without the tenant has no label for it. */
        if (pe->cfg.label_per_pe && pes[i] != pe->node.index
            && !remote_label(pe, pes[i], pe->tenants[tenant].vni)) {
            free(a);
            return EINVAL;
        }
        if (pes[i] != pe->node.index) {
            a[k++] = pes[i];
        }
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    if (!te->flood_shared) {
        free(te->flood);
    }
    te->flood = a;
    te->n_flood = k;
    te->flood_shared = false;
    return 0;
}

int
nvo_pe_node_vm_send(struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
                    struct nvo_pkt *p)
{
    if (tenant >= pe->n_tenants || vm >= pe->tenants[tenant].n_vms
        || p->l2_ofs == NVO_PKT_OFS_NONE || nvo_pkt_len(p) < 14) {
        return EINVAL;
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    uint32_t len = nvo_pkt_len(p);
    COUNT(pe, te, vm_frames, 1);
    COUNT(pe, te, vm_bytes, len);
    if (!fits(pe, len)) {
        drop_(pe, te, NVO_PE_DROP_TOO_BIG, p);
        nvo_pkt_free(p);
        return 0;
    }
    uint64_t dmac = eth_mac(p, 0);
    uint64_t smac = eth_mac(p, 6);
    learn(pe, te, smac, (struct nvo_mac_loc) { false, vm });
    enum nvo_bum_kind kind = NVO_BUM_UNKNOWN;
    if (dmac == 0xffffffffffffull) {
        kind = NVO_BUM_BROADCAST;
    } else if (dmac & (1ull << 40)) {
        kind = NVO_BUM_MULTICAST;
    } else {
        const struct nvo_mac_entry *e =
            nvo_mac_table_lookup(pe->mac, te->vni, dmac,
                                 nvo_engine_now(pe->node.net->engine));
        if (e && (e->flags & NVO_MAC_REMOTE)) {
            COUNT(pe, te, remote_unicast, 1);
            encap_send(pe, te, e->loc, p, NVO_TC_DATA);
            return 0;
        }
        if (e) {
            COUNT(pe, te, local_unicast, 1);
            deliver_vm(pe, te, e->loc, p);
            nvo_pkt_free(p);
            return 0;
        }
    }
    if (kind != NVO_BUM_UNKNOWN && pe->ctrl && pe->ctrl->bum_frame
        && pe->ctrl->bum_frame(pe->ctrl_ctx, pe, tenant, vm, p)) {
        COUNT(pe, te, ctrl_answered, 1);    /* e.g. ARP suppression */
        nvo_pkt_free(p);
        return 0;
    }
    /* Ingress replication: a copy to every other PE of the flood list,
     * and to every other local VM of the VNI. */
    COUNT(pe, te, bum[kind], 1);
    p->tclass = NVO_TC_BUM;     /* every copy, the local ones too */
    if (te->mcast_group) {
        /* IP multicast underlay: one copy to the VNI's group. */
        COUNT(pe, te, bum_copies, 1);
        COUNT(pe, te, cpu_replica_mc, nvo_cpu_replica_mc(&pe->cfg.cpu, len));
        encap_send_t(pe, te, mcast_tunnel(pe, te), nvo_pkt_clone(p),
                     NVO_TC_BUM);
    }
    for (uint32_t i = 0; i < te->n_flood && !te->mcast_group; i++) {
        if (te->flood[i] == pe->node.index) {
            continue;           /* a shared list names this PE too */
        }
        COUNT(pe, te, bum_copies, 1);
        COUNT(pe, te, cpu_replica_mc, nvo_cpu_replica_mc(&pe->cfg.cpu, len));
        encap_send(pe, te, te->flood[i], nvo_pkt_clone(p), NVO_TC_BUM);
    }
    for (uint32_t v = 0; v < te->n_vms; v++) {
        if (v == vm || te->vms[v].gone) {
            continue;
        }
        COUNT(pe, te, bum_local_copies, 1);
        if (kind == NVO_BUM_UNKNOWN && te->vms[v].mac != dmac
            && (!te->vms[v].mac2 || te->vms[v].mac2 != dmac)) {
            drop_(pe, te, NVO_PE_DROP_NO_VM, p);
        } else {
            deliver_vm(pe, te, v, p);
        }
    }
    nvo_pkt_free(p);
    return 0;
}

const struct nvo_pe_node_counters *
nvo_pe_node_counters(const struct nvo_pe_node *pe)
{
    return &pe->c;
}

const struct nvo_pe_node_counters *
nvo_pe_node_tenant_counters(const struct nvo_pe_node *pe, uint32_t tenant)
{
    return tenant < pe->n_tenants ? &pe->tenants[tenant].c : NULL;
}

struct nvo_mac_table *
nvo_pe_node_mac_table(struct nvo_pe_node *pe)
{
    return pe->mac;
}

uint32_t
nvo_pe_node_n_tenants(const struct nvo_pe_node *pe)
{
    return pe->n_tenants;
}

int
nvo_pe_node_find_tenant(const struct nvo_pe_node *pe, uint32_t vni,
                        uint32_t *tenant)
{
    uintptr_t ix = GPOINTER_TO_UINT(g_hash_table_lookup(pe->by_vni,
                                                        GUINT_TO_POINTER(vni)));
    if (!ix) {
        return ENOENT;
    }
    *tenant = (uint32_t) (ix - 1);
    return 0;
}

uint32_t
nvo_pe_node_label(const struct nvo_pe_node *pe, uint32_t tenant)
{
    if (tenant >= pe->n_tenants) {
        return 0;
    }
    return pe->cfg.label_per_pe ? pe->cfg.label_base + tenant
                                : pe->tenants[tenant].vni;
}

uint64_t
nvo_pe_node_label_state(const struct nvo_pe_node *pe)
{
    if (!pe->cfg.label_per_pe) {
        return pe->n_tenants;
    }
    uint64_t n = 0;
    for (uint32_t t = 0; t < pe->n_tenants; t++) {
        const struct pen_tenant *te = &pe->tenants[t];
        for (uint32_t i = 0; i < te->n_flood; i++) {
            /* A shared flood list may name this PE: its own label is
             * its own assignment. */
            n += te->flood[i] != pe->node.index
                 && remote_label(pe, te->flood[i], te->vni) != 0;
        }
    }
    return n;
}

uint32_t
nvo_pe_node_src_addr(const struct nvo_pe_node *pe, const struct nvo_pkt *p)
{
    uint32_t n = NVO_MAX(pe->cfg.n_addrs, 1u);
    if (n == 1) {
        return 0;
    }
    struct nvo_flow flow;
    (void) nvo_flow_extract_pkt(p, &flow);
    uint32_t h = nvo_flow_hash(&flow, pe->cfg.hash_basis
                                      ^ NVO_PE_NODE_ADDR_BASIS);
    return (uint32_t) (((uint64_t) h * n) >> 32);
}

/* ---- The access side (a VTEP on the leaf) ---------------------------------- */

int
nvo_pe_node_local_send(struct nvo_pe_node *pe, uint32_t tenant, uint32_t loc,
                       struct nvo_pkt *p)
{
    const struct nvo_pe_access_ops *a = pe->cfg.access;
    if (!a || tenant >= pe->n_tenants || p->l2_ofs == NVO_PKT_OFS_NONE
        || nvo_pkt_len(p) < 14) {
        return EINVAL;
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    uint32_t len = nvo_pkt_len(p);
    COUNT(pe, te, vm_frames, 1);
    COUNT(pe, te, vm_bytes, len);
    if (!fits(pe, len)) {
        drop_(pe, te, NVO_PE_DROP_TOO_BIG, p);
        nvo_pkt_free(p);
        return 0;
    }
    uint64_t dmac = eth_mac(p, 0);
    uint64_t smac = eth_mac(p, 6);
    learn(pe, te, smac, (struct nvo_mac_loc) { false, loc });
    enum nvo_bum_kind kind = NVO_BUM_UNKNOWN;
    if (dmac == 0xffffffffffffull) {
        kind = NVO_BUM_BROADCAST;
    } else if (dmac & (1ull << 40)) {
        kind = NVO_BUM_MULTICAST;
    } else {
        const struct nvo_mac_entry *e =
            nvo_mac_table_lookup(pe->mac, te->vni, dmac,
                                 nvo_engine_now(pe->node.net->engine));
        if (e && (e->flags & NVO_MAC_REMOTE)) {
            COUNT(pe, te, remote_unicast, 1);
            encap_send(pe, te, e->loc, p, NVO_TC_DATA);
            return 0;
        }
        if (e) {
            COUNT(pe, te, local_unicast, 1);
            if (e->loc == loc) {
                nvo_pkt_free(p);        /* filtered: already there */
            } else {
                COUNT(pe, te, delivered, 1);
                COUNT(pe, te, delivered_bytes, len);
                a->to_local(pe->cfg.access_ctx, pe, tenant, e->loc, p);
            }
            return 0;
        }
    }
    COUNT(pe, te, bum[kind], 1);
    for (uint32_t i = 0; i < te->n_flood; i++) {
        COUNT(pe, te, bum_copies, 1);
        encap_send(pe, te, te->flood[i], nvo_pkt_clone(p), NVO_TC_BUM);
    }
    p->tclass = NVO_TC_BUM;
    uint32_t n = a->flood_local(pe->cfg.access_ctx, pe, tenant, loc, p);
    COUNT(pe, te, bum_local_copies, n);
    COUNT(pe, te, delivered, n);
    COUNT(pe, te, delivered_bytes, (uint64_t) n * len);
    nvo_pkt_free(p);
    return 0;
}

void *
nvo_pe_node_access_ctx(const struct nvo_pe_node *pe)
{
    return pe->cfg.access_ctx;
}

/* ---- VM moves and second MACs (docs/vm-traffic.md) ---------------------- */

int
nvo_pe_node_add_vm_mac(struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
                       const uint8_t mac[6])
{
    if (tenant >= pe->n_tenants || vm >= pe->tenants[tenant].n_vms
        || (mac[0] & 1)) {
        return EINVAL;
    }
    pe->tenants[tenant].vms[vm].mac2 = nvo_mac_from_bytes(mac);
    return 0;
}

int
nvo_pe_node_remove_vm(struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm)
{
    if (tenant >= pe->n_tenants || vm >= pe->tenants[tenant].n_vms
        || pe->tenants[tenant].vms[vm].gone) {
        return EINVAL;
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    te->vms[vm].gone = true;
    nvo_vm_index_remove(&pe->vm_index, tenant, te->vms[vm].mac);
    const struct nvo_mac_entry *e =
        nvo_mac_table_lookup(pe->mac, te->vni, te->vms[vm].mac,
                             nvo_engine_now(pe->node.net->engine));
    if (e && !(e->flags & NVO_MAC_REMOTE) && e->loc == vm) {
        nvo_mac_table_remove(pe->mac, te->vni, te->vms[vm].mac);
    }
    COUNT(pe, te, vms_removed, 1);
    if (pe->ctrl && pe->ctrl->local_removed) {
        pe->ctrl->local_removed(pe->ctrl_ctx, pe, tenant, te->vms[vm].mac, vm);
    }
    return 0;
}

int
nvo_pe_node_check_flood(const struct nvo_net *net, const uint32_t *pes,
                        uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (pes[i] >= nvo_net_n_nodes(net)
            || !nvo_pe_node_of(nvo_net_node(net, pes[i]))) {
            return EINVAL;
        }
    }
    return 0;
}

int
nvo_pe_node_set_flood_shared(struct nvo_pe_node *pe, uint32_t tenant,
                             const uint32_t *pes, uint32_t n)
{
    if (tenant >= pe->n_tenants) {
        return EINVAL;
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    if (!te->flood_shared) {
        free(te->flood);
    }
    te->flood = (uint32_t *) pes;      /* only read */
    te->n_flood = n;
    te->flood_shared = true;
    return 0;
}

/* ---- IP multicast flooding (docs/multicast.md) ------------------------- */

/* The tunnel of tenant 'te' to its group: outer destination the group
 * address, Ethernet destination its 01:00:5e MAC (RFC 1112 6.4). */
static const struct nvo_tunnel *
mcast_tunnel(struct nvo_pe_node *pe, struct pen_tenant *te)
{
    if (te->mcast_tunnel) {
        return te->mcast_tunnel;
    }
    struct nvo_tunnel_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.src_ip4 = pe->node.addr4;
    tc.dst_ip4 = te->mcast_group;
    memcpy(tc.src_mac, pe->node.mac, 6);
    nvo_ip4_mcast_mac(te->mcast_group, tc.dst_mac);
    tc.vni = te->vni;
    tc.labels[0] = te->vni;
    tc.n_labels = 1;
    tc.entropy_label = pe->cfg.entropy_label;
    tc.control_word = pe->cfg.control_word;
    tc.sport_min = pe->cfg.sport_min;
    tc.sport_max = pe->cfg.sport_max;
    tc.hash_basis = pe->cfg.hash_basis;
    tunnel_options(pe, &tc);
    te->mcast_tunnel = g_new(struct nvo_tunnel, 1);
    if (nvo_tunnel_build(te->mcast_tunnel, pe->cfg.encap, &tc)) {
        abort();                /* add_tenant() built one with this vni */
    }
    return te->mcast_tunnel;
}

/* At start: joins the groups of the tenants that flood by multicast, in
 * tenant order, each once (IGMPv3 reports, fabric/mcast.h). */
static void
start__(struct nvo_node *n)
{
    struct nvo_pe_node *pe = NVO_CONTAINER_OF(n, struct nvo_pe_node, node);
    uint32_t *g = g_new(uint32_t, pe->n_tenants ? pe->n_tenants : 1);
    size_t k = 0;
    for (uint32_t t = 0; t < pe->n_tenants; t++) {
        uint32_t grp = pe->tenants[t].mcast_group;
        bool seen = !grp;
        for (size_t i = 0; i < k && !seen; i++) {
            seen = g[i] == grp;
        }
        if (!seen) {
            g[k++] = grp;
        }
    }
    if (n->net->mcast && nvo_mcast_host_join(n, g, k)) {
        abort();                /* set_mcast_group() checked the net */
    }
    g_free(g);
}

int
nvo_pe_node_set_mcast_group(struct nvo_pe_node *pe, uint32_t tenant,
                            uint32_t group)
{
    if (tenant >= pe->n_tenants || !nvo_ip4_is_mcast(group)
        || !pe->node.net->mcast || pe->node.net->cfg.ipv6
        || pe->cfg.encap->n_segments) {
        return EINVAL;
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    te->mcast_group = group;
    g_free(te->mcast_tunnel);
    te->mcast_tunnel = NULL;
    return 0;
}

/* ---- Static remote MACs, tunnels and their cost ---------------------- */

/* Whether node 'dst' is a PE other than 'pe'. */
static bool
other_pe(const struct nvo_pe_node *pe, uint32_t dst)
{
    return dst != pe->node.index && dst < nvo_net_n_nodes(pe->node.net)
           && nvo_pe_node_of(nvo_net_node(pe->node.net, dst));
}

int
nvo_pe_node_add_static_mac(struct nvo_pe_node *pe, uint32_t tenant,
                           const uint8_t mac[6], uint32_t dst)
{
    if (tenant >= pe->n_tenants || (mac[0] & 1) || !other_pe(pe, dst)) {
        return EINVAL;
    }
    struct nvo_mac_loc loc = { true, dst };
    (void) nvo_mac_table_learn(pe->mac, pe->tenants[tenant].vni,
                               nvo_mac_from_bytes(mac), loc,
                               NVO_MAC_ORIGIN_CONTROL, 0, NVO_MAC_STATIC,
                               nvo_engine_now(pe->node.net->engine), NULL);
    return 0;
}

const struct nvo_tunnel *
nvo_pe_node_tunnel(struct nvo_pe_node *pe, uint32_t tenant, uint32_t dst)
{
    if (tenant >= pe->n_tenants || !other_pe(pe, dst)
        || !pe->node.net->finalized) {
        return NULL;
    }
    return tunnel_to(pe, &pe->tenants[tenant], dst, 0);
}

uint64_t
nvo_pe_node_wire_cost(struct nvo_pe_node *pe, uint32_t tenant, uint32_t dst,
                      uint32_t frame_len, uint32_t framing,
                      struct nvo_pkt_pool *pool, uint32_t *n_frames)
{
    *n_frames = 0;
    const struct nvo_tunnel *t = nvo_pe_node_tunnel(pe, tenant, dst);
    if (!t || frame_len < 42 || !fits(pe, frame_len)) {
        return 0;
    }
    struct nvo_pkt *p = nvo_pkt_alloc(pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec f;
    memset(&f, 0, sizeof f);
    f.proto = 17;
    /* Ethernet 14 + IPv4 20 + UDP 8 = 42 real bytes; the rest virtual. */
    p->payload_size = frame_len - 42;
    if (nvo_wire_build_frame(p, &f)) {
        nvo_pkt_free(p);
        return 0;
    }
    t->ops->push(t, p);
    struct nvo_pkt *segs[NVO_PE_NODE_MAX_SEGMENTS];
    size_t n = 1;
    segs[0] = p;
    if (t->ops->segment) {
        n = t->ops->segment(p, seg_mtu(pe), segs, NVO_PE_NODE_MAX_SEGMENTS);
        if (!n) {
            abort();            /* fits() bounded the segments */
        }
    }
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        bytes += nvo_pkt_len(segs[i]) + framing;
        nvo_pkt_free(segs[i]);
    }
    *n_frames = (uint32_t) n;
    return bytes;
}

/* ---- Control plane hooks (ctrl/evpn.h) ----------------------------------- */

void
nvo_pe_node_set_ctrl_ops(struct nvo_pe_node *pe,
                         const struct nvo_pe_ctrl_ops *ops, void *ctx,
                         bool learn_remote)
{
    pe->ctrl = ops;
    pe->ctrl_ctx = ops ? ctx : NULL;
    pe->ctrl_no_remote_learn = ops && !learn_remote;
}

int
nvo_pe_node_vm_info(const struct nvo_pe_node *pe, uint32_t tenant,
                    uint32_t vm, uint64_t *mac, uint32_t *ip4, bool *gone)
{
    if (tenant >= pe->n_tenants || vm >= pe->tenants[tenant].n_vms) {
        return EINVAL;
    }
    const struct pen_vm *v = &pe->tenants[tenant].vms[vm];
    *mac = v->mac;
    *ip4 = v->ip4;
    *gone = v->gone;
    return 0;
}

/* ---- VPLS / pseudowire hooks (ctrl/vpls.h) ------------------------------- */

static void
pw_free(struct nvo_pe_node *pe)
{
    if (!pe->pw) {
        return;
    }
    for (uint32_t t = 0; t < pe->pw->n_tx; t++) {
        if (pe->pw->tx[t]) {
            g_hash_table_destroy(pe->pw->tx[t]);
        }
        if (pe->pw->spoke[t]) {
            g_hash_table_destroy(pe->pw->spoke[t]);
        }
    }
    g_free(pe->pw->tx);
    g_free(pe->pw->spoke);
    g_hash_table_destroy(pe->pw->rx);
    g_free(pe->pw);
    pe->pw = NULL;
}

int
nvo_pe_node_set_pw_mode(struct nvo_pe_node *pe)
{
    if (!pe->cfg.label_per_pe || !pe->cfg.encap->pop_cw) {
        return EINVAL;
    }
    if (pe->pw) {
        return 0;
    }
    pe->pw = g_new0(struct pen_pw, 1);
    pe->pw->rx = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                       g_free);
    for (uint32_t t = 0; t < pe->n_tenants; t++) {
        struct pen_tenant *te = &pe->tenants[t];
        if (!te->flood_shared) {
            free(te->flood);
        }
        te->flood = NULL;
        te->n_flood = 0;
        te->flood_shared = false;
    }
    return 0;
}

bool
nvo_pe_node_pw_mode(const struct nvo_pe_node *pe)
{
    return pe->pw != NULL;
}

/* Forgets the tunnels of 'te' toward 'dst' (their label changed). */
static void
pw_drop_tunnels(struct nvo_pe_node *pe, struct pen_tenant *te, uint32_t dst)
{
    te->last_tunnel = NULL;
    if (!te->tunnels) {
        return;
    }
    gpointer key = GUINT_TO_POINTER(dst + 1);
    struct nvo_tunnel **by_addr = g_hash_table_lookup(te->tunnels, key);
    if (by_addr) {
        for (uint32_t a = 0; a < NVO_MAX(pe->cfg.n_addrs, 1u); a++) {
            g_free(by_addr[a]);
        }
        g_hash_table_remove(te->tunnels, key);  /* frees the array */
    }
}

/* Makes room for 'tenant' in the per-tenant tables. */
static void
pw_grow(struct nvo_pe_node *pe, uint32_t tenant)
{
    struct pen_pw *pw = pe->pw;
    if (tenant >= pw->n_tx) {
        pw->tx = g_renew(GHashTable *, pw->tx, pe->n_tenants);
        pw->spoke = g_renew(GHashTable *, pw->spoke, pe->n_tenants);
        for (uint32_t t = pw->n_tx; t < pe->n_tenants; t++) {
            pw->tx[t] = NULL;
            pw->spoke[t] = NULL;
        }
        pw->n_tx = pe->n_tenants;
    }
}

static bool
pw_is_spoke(const struct nvo_pe_node *pe, uint32_t tenant, uint32_t dst)
{
    return tenant < pe->pw->n_tx && pe->pw->spoke[tenant]
           && g_hash_table_contains(pe->pw->spoke[tenant],
                                    GUINT_TO_POINTER(dst + 1));
}

int
nvo_pe_node_set_pw_spoke(struct nvo_pe_node *pe, uint32_t tenant,
                         uint32_t dst, bool spoke)
{
    if (!pe->pw || tenant >= pe->n_tenants || !other_pe(pe, dst)) {
        return EINVAL;
    }
    pw_grow(pe, tenant);
    GHashTable **h = &pe->pw->spoke[tenant];
    if (spoke) {
        if (!*h) {
            *h = g_hash_table_new(g_direct_hash, g_direct_equal);
        }
        g_hash_table_add(*h, GUINT_TO_POINTER(dst + 1));
    } else if (*h) {
        g_hash_table_remove(*h, GUINT_TO_POINTER(dst + 1));
    }
    return 0;
}

/* The VSI of 'tenant' has H-VPLS spoke pseudowires here: a hub's to its
 * spokes, or a spoke's to its hub. */
static bool
pw_has_spokes(const struct nvo_pe_node *pe, uint32_t tenant)
{
    return pe->pw && tenant < pe->pw->n_tx && pe->pw->spoke[tenant]
           && g_hash_table_size(pe->pw->spoke[tenant]);
}

/* H-VPLS forwarding of a frame of 'te' that arrived over the pseudowire
 * from PE 'src' (RFC 4762 10.1): from a spoke it goes on to every other
 * pseudowire, from a mesh pseudowire only to spokes; a BUM frame (or an
 * unknown unicast) to each such up pseudowire, a known unicast to the
 * one its MAC was learned at.  Returns the copies sent (0 with no spoke
 * in the VSI: the full mesh's split horizon). */
static uint32_t
pw_transit(struct nvo_pe_node *pe, struct pen_tenant *te, int src,
           uint64_t dmac, const struct nvo_pkt *p, bool bum)
{
    uint32_t t = (uint32_t) (te - pe->tenants);
    if (src < 0 || !pw_has_spokes(pe, t)) {
        return 0;
    }
    bool from_spoke = pw_is_spoke(pe, t, (uint32_t) src);
    if (!bum) {
        const struct nvo_mac_entry *e =
            nvo_mac_table_lookup(pe->mac, te->vni, dmac,
                                 nvo_engine_now(pe->node.net->engine));
        if (e && (e->flags & NVO_MAC_REMOTE)) {
            if (e->loc == (uint32_t) src
                || !(from_spoke || pw_is_spoke(pe, t, e->loc))) {
                return 0;
            }
            pe->pw->c.transit++;
            COUNT(pe, te, remote_unicast, 1);
            /* A copy of a flood stays one (class BUM). */
            encap_send(pe, te, e->loc, nvo_pkt_clone(p),
                       p->tclass == NVO_TC_BUM ? NVO_TC_BUM : NVO_TC_DATA);
            return 1;
        }
        if (e) {
            return 0;           /* a local MAC with no VM: not forwarded */
        }
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < te->n_flood; i++) {
        uint32_t d = te->flood[i];
        if (d == (uint32_t) src || !(from_spoke || pw_is_spoke(pe, t, d))) {
            continue;
        }
        COUNT(pe, te, bum_copies, 1);
        encap_send(pe, te, d, nvo_pkt_clone(p), NVO_TC_BUM);
        n++;
    }
    pe->pw->c.transit += n;
    if (n && !bum && p->tclass != NVO_TC_BUM) {
        /* A unicast frame flooded on: it ends here, its copies are BUM. */
        nvo_node_drop_seen(&pe->node, p, NVO_DROP_SITE_ROLE,
                           NVO_PE_HOOK_TRANSIT_FLOOD);
    }
    return n;
}

int
nvo_pe_node_set_pw_label(struct nvo_pe_node *pe, uint32_t tenant,
                         uint32_t dst, uint32_t label)
{
    if (!pe->pw || tenant >= pe->n_tenants || !other_pe(pe, dst)
        || label > NVO_LDP_LABEL_MAX_PE) {
        return EINVAL;
    }
    struct pen_pw *pw = pe->pw;
    pw_grow(pe, tenant);
    if (!pw->tx[tenant]) {
        pw->tx[tenant] = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    uint32_t old = pw_tx_label(pe, tenant, dst);
    if (old == label) {
        return 0;
    }
    struct pen_tenant *te = &pe->tenants[tenant];
    pw_drop_tunnels(pe, te, dst);
    if (label) {
        g_hash_table_insert(pw->tx[tenant], GUINT_TO_POINTER(dst + 1),
                            GUINT_TO_POINTER(label));
    } else {
        g_hash_table_remove(pw->tx[tenant], GUINT_TO_POINTER(dst + 1));
    }
    if (old && label) {
        return 0;               /* a new label, still up */
    }
    /* The flood list: the up pseudowires, ascending. */
    uint32_t i = 0;
    while (i < te->n_flood && te->flood[i] < dst) {
        i++;
    }
    if (label) {
        te->flood = realloc(te->flood, (te->n_flood + 1) * sizeof *te->flood);
        if (!te->flood) {
            abort();
        }
        memmove(te->flood + i + 1, te->flood + i,
                (te->n_flood - i) * sizeof *te->flood);
        te->flood[i] = dst;
        te->n_flood++;
        pw->c.pw_up++;
    } else {
        memmove(te->flood + i, te->flood + i + 1,
                (te->n_flood - i - 1) * sizeof *te->flood);
        te->n_flood--;
        pw->c.pw_down++;
    }
    return 0;
}

uint32_t
nvo_pe_node_n_vms(const struct nvo_pe_node *pe, uint32_t tenant)
{
    return tenant < pe->n_tenants ? pe->tenants[tenant].n_vms : 0;
}

uint32_t
nvo_pe_node_vni(const struct nvo_pe_node *pe, uint32_t tenant)
{
    return tenant < pe->n_tenants ? pe->tenants[tenant].vni : 0;
}

uint32_t
nvo_pe_node_mcast_group(const struct nvo_pe_node *pe, uint32_t tenant)
{
    return tenant < pe->n_tenants ? pe->tenants[tenant].mcast_group : 0;
}

nvo_time_t
nvo_pe_node_mac_aging(const struct nvo_pe_node *pe)
{
    return pe->cfg.mac_aging ? pe->cfg.mac_aging : NVO_MAC_AGING_DEFAULT;
}

const struct nvo_encap_ops *
nvo_pe_node_encap(const struct nvo_pe_node *pe)
{
    return pe->cfg.encap;
}

int
nvo_pe_node_deliver_local(struct nvo_pe_node *pe, uint32_t tenant,
                          uint32_t vm, struct nvo_pkt *p)
{
    if (tenant >= pe->n_tenants || vm >= pe->tenants[tenant].n_vms
        || pe->tenants[tenant].vms[vm].gone) {
        return EINVAL;
    }
    deliver_vm(pe, &pe->tenants[tenant], vm, p);
    nvo_pkt_free(p);
    return 0;
}

uint32_t
nvo_pe_node_pw_label(const struct nvo_pe_node *pe, uint32_t tenant,
                     uint32_t dst)
{
    return pe->pw ? pw_tx_label(pe, tenant, dst) : 0;
}

int
nvo_pe_node_set_pw_rx(struct nvo_pe_node *pe, uint32_t label,
                      uint32_t tenant, uint32_t src)
{
    if (!pe->pw || !label || label > NVO_LDP_LABEL_MAX_PE
        || (tenant != UINT32_MAX && tenant >= pe->n_tenants)) {
        return EINVAL;
    }
    if (tenant == UINT32_MAX) {
        g_hash_table_remove(pe->pw->rx, GUINT_TO_POINTER(label));
        return 0;
    }
    struct pen_pw_rx *r = g_new(struct pen_pw_rx, 1);
    r->tenant = tenant;
    r->src = src;
    g_hash_table_insert(pe->pw->rx, GUINT_TO_POINTER(label), r);
    return 0;
}

const struct nvo_pe_pw_counters *
nvo_pe_node_pw_counters(const struct nvo_pe_node *pe)
{
    static const struct nvo_pe_pw_counters none;
    return pe->pw ? &pe->pw->c : &none;
}

const uint32_t *
nvo_pe_node_flood(const struct nvo_pe_node *pe, uint32_t tenant, uint32_t *n)
{
    if (tenant >= pe->n_tenants) {
        *n = 0;
        return NULL;
    }
    *n = pe->tenants[tenant].n_flood;
    return pe->tenants[tenant].flood;
}
