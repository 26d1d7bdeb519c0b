/* switch.c: the switch role: IP forwarding on the outer destination
 * address over the routes of routes.c, with ECMP, and the per-flow record
 * of egress ports.  See switch.h. */
#include "fabric/switch.h"

#include "fabric/mcast.h"
#include "fabric/net.h"
#include "wire/wire.h"

static inline size_t
flowmap_slot__(const struct nvo_flowmap *m, uint64_t key)
{
    uint64_t h = key * 0x9e3779b97f4a7c15ull;
    size_t i = (size_t) (h >> 32) & m->mask;
    while (m->keys[i] && m->keys[i] != key) {
        i = (i + 1) & m->mask;
    }
    return i;
}

static void
flowmap_grow__(struct nvo_flowmap *m)
{
    struct nvo_flowmap old = *m;
    m->mask = old.mask * 2 + 1;
    m->keys = g_new0(uint64_t, m->mask + 1);
    m->seen = g_new0(uint64_t, m->mask + 1);
    for (size_t i = 0; i <= old.mask; i++) {
        if (old.keys[i]) {
            size_t j = flowmap_slot__(m, old.keys[i]);
            m->keys[j] = old.keys[i];
            m->seen[j] = old.seen[i];
        }
    }
    g_free(old.keys);
    g_free(old.seen);
}

/* Records that flow 'id' left node 'n' by 'port': the first time a flow
 * uses a port, that port's count of distinct flows goes up. */
static inline void
flowmap_note__(struct nvo_node *n, uint64_t id, uint16_t port)
{
    struct nvo_flowmap *m = &n->flows;
    if (NVO_UNLIKELY(!m->mask)) {
        m->mask = 1023;
        m->keys = g_new0(uint64_t, 1024);
        m->seen = g_new0(uint64_t, 1024);
    }
    uint64_t bit = 1ull << (port < 63 ? port : 63);
    size_t i = flowmap_slot__(m, id);
    if (m->keys[i] == id) {
        if (m->seen[i] & bit) {
            return;
        }
        m->seen[i] |= bit;
        n->port_flows[port]++;
        return;
    }
    m->keys[i] = id;
    m->seen[i] = bit;
    n->port_flows[port]++;
    if (++m->n * 2 > m->mask) {
        flowmap_grow__(m);
    }
}

static inline void
forward__(struct nvo_node *n, struct nvo_pkt *p, const struct nvo_node_rx *rx,
          bool track_flows)
{
    /* A switch's FIB by the destination's group (routes.c); a group's own
     * switches deliver on their link to the hypervisor, a hypervisor
     * works its next hops out.  'n' is up and the destination is not 'n'. */
    uint32_t dst = (uint32_t) rx->dst;
    const struct nvo_routes *rt = &n->net->rt;
    uint32_t g = rt->node_group[dst];
    const uint16_t *nh = rt->scratch;
    uint32_t n_nh = 0;
    if (n->sw == NVO_SW_NONE) {
        n_nh = nvo_routes_hv_next_hops__(n->net, n, dst, g, rt->scratch);
    } else if (g != NVO_GROUP_NONE) {
        uint32_t id = n->fib[g];
        if (id > NVO_NHS_SOURCE) {
            nh = n->nh_pool + n->nhs[id].off;
            n_nh = n->nhs[id].n;
        } else if (id == NVO_NHS_SOURCE) {
            n_nh = nvo_routes_attached__(rt, n->sw, dst, rt->scratch);
        }
    }
    if (!n_nh) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NO_ROUTE);
        return;
    }
    uint32_t port = nh[n_nh == 1 ? 0
                       : nvo_ecmp_select_hdrs(&n->ecmp, p, &rx->h, n_nh,
                                              &n->rng)];
    if (track_flows && p->flow_id && n->flows_on) {
        flowmap_note__(n, p->flow_id, (uint16_t) port);
    }
    /* Ethernet: from this node to the next hop, whose MAC follows from its
     * index (as finalize assigns it), so the hop does not read the peer's
     * node. */
    struct nvo_eth_header *eth = (struct nvo_eth_header *) (void *) p->data;
    eth->dst[0] = 0x02;
    eth->dst[1] = 0xfe;
    nvo_wr32(eth->dst + 2, n->peer[port] + 1);
    memcpy(eth->src, n->mac, 6);
    n->n_forwarded++;
    /* The parse's L2 length for the link's MTU check (the rewrite above
     * kept every offset). */
    nvo_port_send_l2(&n->ports[port], p, rx->h.l3);
}

static inline bool
ttl__(struct nvo_node *n, struct nvo_pkt *p, const struct nvo_node_rx *rx)
{
    if (!nvo_hdrs_ttl_dec(p->data, &rx->h)) {
        nvo_node_drop(n, p, NVO_NODE_DROP_TTL);
        return false;
    }
    return true;
}

static void
receive__(struct nvo_node *n, struct nvo_port *in, struct nvo_pkt *p,
          const struct nvo_node_rx *rx)
{
    if (NVO_UNLIKELY(rx->dst < 0)) {
        nvo_mcast_switch_receive(n, in, p, rx);    /* a group (mcast.h) */
        return;
    }
    if (in && !ttl__(n, p, rx)) {
        return;
    }
    forward__(n, p, rx, true);
}

void
nvo_switch_forward(struct nvo_node *n, struct nvo_pkt *p,
                   const struct nvo_node_rx *rx, bool track_flows)
{
    if (NVO_UNLIKELY(rx->dst < 0)) {
        /* A group (mcast.h) given to a role that does not handle one. */
        nvo_node_drop(n, p, NVO_NODE_DROP_NO_ROUTE);
        return;
    }
    forward__(n, p, rx, track_flows);
}

bool
nvo_switch_decrement_ttl(struct nvo_node *n, struct nvo_pkt *p,
                         const struct nvo_node_rx *rx)
{
    return ttl__(n, p, rx);
}

const struct nvo_node_ops nvo_switch_ops = {
    .name = "switch",
    .size = sizeof(struct nvo_node),
    .receive = receive__,
};
