/* node.h: the node base: what every node of the underlay is, whatever
 * its role, and the ops table through which a role gives it behaviour.
 *
 * A role (a switch, switch.c; a host, host.c; later a PE, a route
 * reflector) allocates its own struct with 'struct nvo_node' as its first
 * member and gets back to it from the base with NVO_CONTAINER_OF().  The
 * network (net.h) owns every node and frees it through its ops' destroy.
 *
 * Every frame that arrives on a port goes through the node's common
 * receive (node.c): a node that is down drops it ("node-down"); the frame's
 * outer headers are parsed once (nvo_hdrs_parse(), struct nvo_node_rx); a
 * frame that is not IP drops ("not-ip").
 * A frame addressed to the node itself is delivered locally, by protocol
 * and port, to what is bound there (below), else dropped ("no-listener");
 * any other frame goes to the ops' receive hook (a switch forwards it);
 * so does one to an IPv4 group when the network has multicast forwarding
 * (fabric/mcast.h), with rx->dst -1, else it drops ("no-route").
 *
 * Every frame a node originates goes through one entry point,
 * nvo_node_send() or nvo_node_send_port(), which counts it in the
 * network's n_generated (the conservation check: generated = delivered +
 * dropped + in flight) and the node's n_forwarded. */
#ifndef NVO_NODE_H
#define NVO_NODE_H

#include <glib.h>

#include "core/mem.h"
#include "core/nvo.h"
#include "core/rng.h"
#include "fabric/ecmp.h"
#include "fabric/link.h"
#include "wire/hdrs.h"
#include "wire/pkt.h"

struct nvo_node;
struct nvo_net;
struct _xmlTextWriter;          /* libxml2's xmlTextWriter */

enum nvo_role {
    NVO_ROLE_HYPERVISOR,
    NVO_ROLE_LEAF,
    NVO_ROLE_SPINE,
    NVO_ROLE_SUPER_SPINE,
    NVO_ROLE_RR,                /* route reflector (hangs off a switch) */
    NVO_ROLE_ROUTER,            /* generic router (provider topologies) */
    NVO_ROLE_N
};

const char *nvo_role_name(enum nvo_role);
bool nvo_role_from_name(const char *name, enum nvo_role *role);

/* Tier of a role for "up"/"down": hypervisor 0, leaf 1, spine 2, super 3;
 * route reflectors and routers 1 (they hang off leaves or spines). */
int nvo_role_tier(enum nvo_role);

/* Drops a node counts (ports count theirs in struct nvo_port_stats). */
enum nvo_node_drop {
    NVO_NODE_DROP_NO_ROUTE,     /* no route to the destination */
    NVO_NODE_DROP_TTL,          /* TTL / hop limit exhausted */
    NVO_NODE_DROP_NODE_DOWN,    /* arrived at a node that is down */
    NVO_NODE_DROP_NOT_IP,       /* not an IP frame, or truncated */
    NVO_NODE_DROP_NO_LISTENER,  /* for the node, nothing bound to its
                                 * protocol / port */
    NVO_NODE_DROP_N
};

const char *nvo_node_drop_name(enum nvo_node_drop);

/* The one parse of a frame's outer headers on a hop (wire/hdrs.h), done
 * where the frame enters the node (the common receive, or
 * nvo_node_send()); everything on that hop (local delivery, TTL, route
 * lookup, ECMP, the link's MTU check) uses it.  'l3' and 'version' repeat
 * h.l3 and h.ip_version for the roles' convenience. */
struct nvo_node_rx {
    struct nvo_hdrs h;          /* the outer headers, offsets from p->data */
    uint32_t l3;                /* offset of the IP header from p->data */
    int version;                /* 4 or 6 */
    int dst;                    /* destination node index, or -1 */
};

/* A role's behaviour.  Every hook may be NULL (nothing to do). */
struct nvo_node_ops {
    /* The role's name, for messages ("switch", "host"). */
    const char *name;

    /* Size of the role's struct, which begins with struct nvo_node:
     * nvo_net_add_node_ops() allocates this much, zeroed. */
    size_t size;

    /* A frame arrived on 'in' (NULL: the node originated it, through
     * nvo_node_send()), passed the common receive and is not for the
     * node itself; 'rx' tells where its IP header is.  The hook owns 'p':
     * it forwards it or drops it with nvo_node_drop().  NULL: drop as
     * "no-route". */
    void (*receive)(struct nvo_node *, struct nvo_port *in,
                    struct nvo_pkt *p, const struct nvo_node_rx *rx);

    /* At simulation start (nvo_net_start()), after routes are computed
     * and before the first event runs: a role arms its timers here. */
    void (*start)(struct nvo_node *);

    /* At simulation end (nvo_net_stop()), before results are written:
     * cancels the role's timers.  The node's counters stay readable. */
    void (*stop)(struct nvo_node *);

    /* Writes the role's own attributes or child elements into the
     * node's element of results.xml, which the caller has opened (and
     * closes); must write nothing a shipped scenario's results.xml did
     * not have before unless the role is new. */
    void (*report)(const struct nvo_node *, struct _xmlTextWriter *w);

    /* Frees what the role allocated beyond the base (the base's own
     * tables and the struct itself are freed by the network after). */
    void (*destroy)(struct nvo_node *);
};

/* A frame for the node itself, bound by protocol or port: the callee
 * owns 'p'. */
typedef void nvo_node_deliver_fn(void *ctx, struct nvo_node *,
                                 struct nvo_pkt *p);

enum nvo_bind_kind {
    NVO_BIND_IP,                /* an IP protocol (47 GRE, 137 MPLS, ...) */
    NVO_BIND_UDP,               /* a UDP destination port (4789, 6081, ...) */
    NVO_BIND_TCP,               /* a TCP destination port (179, 646, ...) */
};

struct nvo_node_binding {
    enum nvo_bind_kind kind;
    uint16_t key;               /* protocol or port */
    nvo_node_deliver_fn *fn;
    void *ctx;
    uint64_t n_delivered;       /* frames given to fn */
};

/* Which egress port each flow last took at a switch: an open-addressing
 * hash table (linear probing, at most half full), cheap enough to update
 * on every forwarded packet. */
struct nvo_flowmap {
    uint64_t *keys;             /* flow ids; 0 = empty slot */
    uint64_t *seen;             /* ports the flow has used (bit per port;
                                 * ports past 63 share bit 63) */
    size_t mask;                /* capacity - 1; capacity 0 = disabled */
    size_t n;
};

/* A set of equal-cost next hops: n ports at a node's nh_pool + off. */
struct nvo_nhs {
    uint32_t off;
    uint32_t n;
};

#define NVO_SW_NONE UINT32_MAX  /* nvo_node.sw of a hypervisor */

/* The fields a forwarded frame touches come first, in the first three
 * cache lines (the ECMP hasher's configuration and seed included; its
 * Toeplitz key follows them); names, addresses, tables and counts the hop
 * does not read come after. */
struct nvo_node {
    /* ---- Hot: read or written by every frame the node forwards. */
    const struct nvo_node_ops *ops;
    struct nvo_net *net;
    uint32_t index;
    bool up;
    bool flows_on;              /* record flows (nvo_net_cfg.flow_stats) */
    uint32_t sw;                /* routes: switch slot (below) */
    uint32_t n_ports;
    struct nvo_port *ports;     /* ports[i].node is this node */
    uint32_t *peer;             /* peer node index per port */
    uint32_t *fib;              /* routes (below) */
    struct nvo_nhs *nhs;
    uint16_t *nh_pool;
    uint64_t n_forwarded;       /* frames sent out of a port, forwarded or
                                 * originated */
    uint8_t mac[6];
    struct nvo_ecmp ecmp;       /* cfg and seed first, then the key */
    struct nvo_rng rng;         /* "<name>/ecmp": random spraying */

    /* ---- Cold. */
    char *name;
    enum nvo_role role;         /* a name and a tier for results */
    uint32_t *link;             /* link index per port */

    uint32_t addr4;             /* loopback, host order */
    uint8_t addr6[16];

    /* Routes (routes.c).  A switch (any node but a hypervisor) has a
     * slot 'sw' and a FIB indexed by destination group: fib[g] is the id
     * of a next-hop set, NVO_NHS_NONE (no route) or NVO_NHS_SOURCE (the
     * node is one of the group's sources: the destination is the node
     * itself or a hypervisor attached to it).  Set s holds nhs[s].n ports
     * at nh_pool + nhs[s].off in ascending order; equal sets are stored
     * once.  Hypervisors have no FIB (sw = NVO_SW_NONE): their next hops
     * follow from their uplinks' distances (nvo_net_next_hops()).  sw,
     * fib, nhs and nh_pool are above, with the hot fields. */
    uint32_t n_nhs, nhs_cap;
    uint32_t pool_len, pool_cap;
    uint32_t *nhs_slots;        /* hash of the sets: set id, 0 = empty */
    uint32_t nhs_mask;
    /* The node's memory (core/mem.h), counted also in net->mem.  Routes
     * count, per switch: "fib" (fib, groups_cap uint32_t), "nh-sets"
     * (nhs, nhs_cap), "nh-pool" (nh_pool, pool_cap uint16_t),
     * "nh-set-hash" (nhs_slots, nhs_mask + 1 uint32_t). */
    struct nvo_mem_acct mem;

    /* Local delivery (nvo_node_bind_*()), sorted by (kind, key). */
    struct nvo_node_binding *binds;
    uint32_t n_binds, binds_cap;

    uint64_t n_generated;       /* frames the node originated */
    uint64_t n_local;           /* frames for the node given to a handler */
    uint64_t drops[NVO_NODE_DROP_N];
    struct nvo_flowmap flows;   /* flow id -> last egress port (switches,
                                 * if flows_on) */
    uint64_t *port_flows;       /* distinct flows that used each egress
                                 * port (a flow moved by spraying or by
                                 * rerouting counts on each port it used) */
};

/* The ops of the built-in roles: a switch (every role but hypervisor)
 * forwards (switch.c); a host (hypervisor) forwards what it originates
 * and delivers what is bound (host.c). */
extern const struct nvo_node_ops nvo_switch_ops;
extern const struct nvo_node_ops nvo_host_ops;

/* ---- Local delivery by protocol and port ------------------------------- */

/* Binds fn(ctx, node, p) to frames for the node with IP protocol 'proto'
 * (any destination port), or UDP / TCP destination port 'port'.  A port
 * binding wins over a binding of its protocol.  Returns 0, or EEXIST if
 * that protocol or port is bound already. */
int nvo_node_bind_ip(struct nvo_node *, uint8_t proto,
                     nvo_node_deliver_fn *fn, void *ctx);
int nvo_node_bind_udp(struct nvo_node *, uint16_t port,
                      nvo_node_deliver_fn *fn, void *ctx);
int nvo_node_bind_tcp(struct nvo_node *, uint16_t port,
                      nvo_node_deliver_fn *fn, void *ctx);

/* Removes a binding.  Returns 0, or ENOENT if there was none. */
int nvo_node_unbind_ip(struct nvo_node *, uint8_t proto);
int nvo_node_unbind_udp(struct nvo_node *, uint16_t port);
int nvo_node_unbind_tcp(struct nvo_node *, uint16_t port);

/* The binding of that protocol or port, or NULL (its n_delivered counts
 * the frames it took). */
const struct nvo_node_binding *
nvo_node_binding(const struct nvo_node *, enum nvo_bind_kind, uint16_t key);

/* Delivers 'p', addressed to node 'n' (IP header at p->data + rx->l3),
 * to its binding, or drops it as "no-listener".  Used by the common
 * receive; the node owns 'p'. */
void nvo_node_deliver(struct nvo_node *n, struct nvo_pkt *p,
                      const struct nvo_node_rx *rx);

/* For net.c: every node port's rx function, the common receive. */
void nvo_node_rx__(struct nvo_port *port, struct nvo_pkt *p);

/* ---- Sending and dropping --------------------------------------------- */

/* Originates 'p' (an IP frame, data at its Ethernet header) at node 'n'
 * toward its destination, through the role's receive hook (its
 * forwarding).  Counts it as generated.  The network owns 'p'. */
void nvo_node_send(struct nvo_node *n, struct nvo_pkt *p);

/* Originates 'p' out of port 'port' of node 'n' as it is (a host NIC
 * feeding its uplink).  Counts it as generated and forwarded.  Returns
 * nvo_port_send()'s result. */
bool nvo_node_send_port(struct nvo_node *n, uint32_t port, struct nvo_pkt *p);

/* Where a frame was dropped, as the network's drop hook hears it
 * (nvo_net_set_drop_hook(), net.h). */
enum nvo_drop_site {
    NVO_DROP_SITE_PORT,         /* a port of the node: enum nvo_drop_reason */
    NVO_DROP_SITE_NODE,         /* the node base: enum nvo_node_drop */
    NVO_DROP_SITE_ROLE,         /* the node's role, for its own reasons (a
                                 * PE's: overlay/pe_node.h) */
};

/* Tells the drop hook of n's network (if one is set) that 'p' is dropped
 * at 'n' for 'reason' (of 'site's kind), before it is freed.  The ports
 * and nvo_node_drop() call it for every drop they count; a role calls it
 * for a frame it took (n_local) and drops, so that every frame's end but
 * a delivery passes one place. */
void nvo_node_drop_seen(const struct nvo_node *n, const struct nvo_pkt *p,
                        enum nvo_drop_site site, int reason);

/* Drops 'p' at node 'n', counting it under 'why'. */
static inline void
nvo_node_drop(struct nvo_node *n, struct nvo_pkt *p, enum nvo_node_drop why)
{
    n->drops[why]++;
    nvo_node_drop_seen(n, p, NVO_DROP_SITE_NODE, (int) why);
    nvo_pkt_free(p);
}

/* Sets port 'port' of node 'n' to call fn when it goes idle, with
 * nvo_port_idle_ctx() giving 'ctx' (NULL fn: no callback). */
void nvo_node_set_port_idle(struct nvo_node *n, uint32_t port,
                            nvo_port_idle_fn *fn, void *ctx);

/* Makes port 'port' of node 'n' an access port (after nvo_net_finalize()):
 * frames arriving on it go to 'fn' instead of the common receive (no IP
 * parse, no routing: 802.1Q-tagged tenant frames between a hypervisor's
 * virtual switch and a VTEP on its leaf, overlay/access.h).  'fn' owns
 * each frame; for conservation it counts one it takes in n_local, or
 * drops it with nvo_node_drop(). */
void nvo_node_set_port_rx(struct nvo_node *n, uint32_t port,
                          nvo_port_rx_fn *fn);

#endif /* NVO_NODE_H */
