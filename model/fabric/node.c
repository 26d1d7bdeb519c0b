/* node.c: the node base: role names, the common receive, local delivery
 * by protocol and port, and the one send entry point.  See node.h. */
#include "fabric/node.h"

#include <errno.h>

#include "fabric/mcast.h"
#include "fabric/net.h"
#include "wire/wire.h"

static const char *const role_names[NVO_ROLE_N] = {
    [NVO_ROLE_HYPERVISOR] = "hypervisor",
    [NVO_ROLE_LEAF] = "leaf",
    [NVO_ROLE_SPINE] = "spine",
    [NVO_ROLE_SUPER_SPINE] = "super-spine",
    [NVO_ROLE_RR] = "route-reflector",
    [NVO_ROLE_ROUTER] = "router",
};

const char *
nvo_role_name(enum nvo_role r)
{
    return r < NVO_ROLE_N ? role_names[r] : "?";
}

bool
nvo_role_from_name(const char *name, enum nvo_role *role)
{
    for (int i = 0; i < NVO_ROLE_N; i++) {
        if (!strcmp(name, role_names[i])) {
            *role = (enum nvo_role) i;
            return true;
        }
    }
    return false;
}

int
nvo_role_tier(enum nvo_role r)
{
    switch (r) {
    case NVO_ROLE_HYPERVISOR: return 0;
    case NVO_ROLE_LEAF: return 1;
    case NVO_ROLE_SPINE: return 2;
    case NVO_ROLE_SUPER_SPINE: return 3;
    case NVO_ROLE_RR: return 1;
    case NVO_ROLE_ROUTER: return 1;
    case NVO_ROLE_N: break;
    }
    return 0;
}

const char *
nvo_node_drop_name(enum nvo_node_drop d)
{
    switch (d) {
    case NVO_NODE_DROP_NO_ROUTE: return "no-route";
    case NVO_NODE_DROP_TTL: return "ttl";
    case NVO_NODE_DROP_NODE_DOWN: return "node-down";
    case NVO_NODE_DROP_NOT_IP: return "not-ip";
    case NVO_NODE_DROP_NO_LISTENER: return "no-listener";
    case NVO_NODE_DROP_N: break;
    }
    return "?";
}

/* ---- Local delivery ------------------------------------------------------ */

/* The bindings are sorted by (kind, key), so that a node with many (a
 * route reflector's ephemeral TCP ports: one per client session, 10,000
 * at 10,000 PEs) finds one by binary search.  The first binding not
 * below (kind, key): its index, n_binds if none. */
static uint32_t
lower__(const struct nvo_node *n, enum nvo_bind_kind kind, uint16_t key)
{
    uint32_t want = (uint32_t) kind << 16 | key;
    uint32_t lo = 0, hi = n->n_binds;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const struct nvo_node_binding *b = &n->binds[mid];
        if (((uint32_t) b->kind << 16 | b->key) < want) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static struct nvo_node_binding *
find__(const struct nvo_node *n, enum nvo_bind_kind kind, uint16_t key)
{
    uint32_t i = lower__(n, kind, key);
    if (i < n->n_binds && n->binds[i].kind == kind && n->binds[i].key == key) {
        return &n->binds[i];
    }
    return NULL;
}

static int
bind__(struct nvo_node *n, enum nvo_bind_kind kind, uint16_t key,
       nvo_node_deliver_fn *fn, void *ctx)
{
    if (!fn) {
        return EINVAL;
    }
    if (find__(n, kind, key)) {
        return EEXIST;
    }
    if (n->n_binds == n->binds_cap) {
        n->binds_cap = n->binds_cap ? n->binds_cap * 2 : 4;
        n->binds = g_renew(struct nvo_node_binding, n->binds, n->binds_cap);
    }
    uint32_t i = lower__(n, kind, key);
    memmove(&n->binds[i + 1], &n->binds[i],
            (n->n_binds - i) * sizeof *n->binds);
    n->n_binds++;
    n->binds[i] = (struct nvo_node_binding) {
        .kind = kind, .key = key, .fn = fn, .ctx = ctx,
    };
    return 0;
}

static int
unbind__(struct nvo_node *n, enum nvo_bind_kind kind, uint16_t key)
{
    struct nvo_node_binding *b = find__(n, kind, key);
    if (!b) {
        return ENOENT;
    }
    size_t i = (size_t) (b - n->binds);
    memmove(b, b + 1, (n->n_binds - i - 1) * sizeof *b);
    n->n_binds--;
    return 0;
}

int
nvo_node_bind_ip(struct nvo_node *n, uint8_t proto, nvo_node_deliver_fn *fn,
                 void *ctx)
{
    return bind__(n, NVO_BIND_IP, proto, fn, ctx);
}

int
nvo_node_bind_udp(struct nvo_node *n, uint16_t port, nvo_node_deliver_fn *fn,
                  void *ctx)
{
    return bind__(n, NVO_BIND_UDP, port, fn, ctx);
}

int
nvo_node_bind_tcp(struct nvo_node *n, uint16_t port, nvo_node_deliver_fn *fn,
                  void *ctx)
{
    return bind__(n, NVO_BIND_TCP, port, fn, ctx);
}

int
nvo_node_unbind_ip(struct nvo_node *n, uint8_t proto)
{
    return unbind__(n, NVO_BIND_IP, proto);
}

int
nvo_node_unbind_udp(struct nvo_node *n, uint16_t port)
{
    return unbind__(n, NVO_BIND_UDP, port);
}

int
nvo_node_unbind_tcp(struct nvo_node *n, uint16_t port)
{
    return unbind__(n, NVO_BIND_TCP, port);
}

const struct nvo_node_binding *
nvo_node_binding(const struct nvo_node *n, enum nvo_bind_kind kind,
                 uint16_t key)
{
    return find__(n, kind, key);
}

void
nvo_node_deliver(struct nvo_node *n, struct nvo_pkt *p,
                 const struct nvo_node_rx *rx)
{
    const struct nvo_hdrs *h = &rx->h;
    if (h->bad == NVO_HDRS_BAD_EXT) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NOT_IP);  /* IPv6 ext. headers */
        return;
    }
    struct nvo_node_binding *b = NULL;
    /* A later fragment, or fewer than 4 bytes of the L4 header: no port. */
    if ((h->proto == NVO_IPPROTO_UDP || h->proto == NVO_IPPROTO_TCP)
        && h->ports) {
        b = find__(n, h->proto == NVO_IPPROTO_UDP ? NVO_BIND_UDP
                                                  : NVO_BIND_TCP, h->dport);
    }
    if (!b) {
        b = find__(n, NVO_BIND_IP, h->proto);
    }
    if (!b) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NO_LISTENER);
        return;
    }
    n->n_local++;
    b->n_delivered++;
    b->fn(b->ctx, n, p);
}

/* Parses the outer headers of the frame at p->data once (wire/hdrs.h) into
 * rx: 0, or NVO_NODE_DROP_NOT_IP if there is no IPv4 / IPv6 header (20 /
 * 40 bytes of it after the tags). */
static inline int
parse__(const struct nvo_net *net, const struct nvo_pkt *p,
        struct nvo_node_rx *rx)
{
    nvo_hdrs_parse(p, &rx->h);
    const struct nvo_hdrs *h = &rx->h;
    if (!h->ip_version) {
        return NVO_NODE_DROP_NOT_IP;
    }
    rx->l3 = h->l3;
    rx->version = h->ip_version;
    rx->dst = h->ip_version == 4
              ? nvo_net_addr4_node(net, nvo_rd32(p->data + h->dst))
              : nvo_net_addr6_node(net, p->data + h->dst);
    return 0;
}

/* ---- Receive and send ----------------------------------------------------- */

void
nvo_node_rx__(struct nvo_port *port, struct nvo_pkt *p)
{
    struct nvo_node *n = port->node;
    if (!n->up) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NODE_DOWN);
        return;
    }
    struct nvo_node_rx rx;
    if (parse__(n->net, p, &rx)) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NOT_IP);
        return;
    }
    if (rx.dst == (int) n->index) {
        nvo_node_deliver(n, p, &rx);
    } else if ((rx.dst < 0 && !nvo_mcast_dst__(n, p, &rx))
               || !n->ops->receive) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NO_ROUTE);
    } else {
        n->ops->receive(n, port, p, &rx);
    }
}

void
nvo_node_send(struct nvo_node *n, struct nvo_pkt *p)
{
    n->net->n_generated++;
    n->n_generated++;
    if (!n->up) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NODE_DOWN);
        return;
    }
    struct nvo_node_rx rx;
    if (parse__(n->net, p, &rx)) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NOT_IP);
        return;
    }
    if ((rx.dst < 0 && !nvo_mcast_dst__(n, p, &rx))
        || rx.dst == (int) n->index || !n->ops->receive) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NO_ROUTE);
        return;
    }
    n->ops->receive(n, NULL, p, &rx);
}

bool
nvo_node_send_port(struct nvo_node *n, uint32_t port, struct nvo_pkt *p)
{
    n->net->n_generated++;
    n->n_generated++;
    n->n_forwarded++;
    return nvo_port_send(&n->ports[port], p);
}

void
nvo_node_set_port_idle(struct nvo_node *n, uint32_t port,
                       nvo_port_idle_fn *fn, void *ctx)
{
    nvo_port_set_idle(&n->ports[port], fn, ctx);
}

void
nvo_node_set_port_rx(struct nvo_node *n, uint32_t port, nvo_port_rx_fn *fn)
{
    n->ports[port].rx = fn;
}
