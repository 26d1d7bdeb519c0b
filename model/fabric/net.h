/* net.h: the underlay network: nodes, links, addresses, routes, and IP
 * forwarding with ECMP.
 *
 * Build a network by adding nodes and links, then nvo_net_finalize():
 * it gives every node its ports, a loopback address (IPv4 10.0.0.0/8 or
 * IPv6 fd00::/64, from the node's index) and MAC, every link a /31 (or
 * /127) subnet, and computes the routes: shortest paths in hops with every
 * equal-cost next hop (the multipath a BGP or IS-IS fabric installs).
 * Hypervisors never carry transit traffic.
 *
 * Nodes are node.h's base with a role's ops: a switch (switch.c) forwards
 * on the outer destination address; a frame for the node itself is
 * delivered by protocol and port to what is bound there (node.h).
 *
 * Link and node down/up events change the topology at once (frames in
 * flight on a downed link are lost, frames sent into it are dropped and
 * counted); routes are recomputed only after the convergence delay, as a
 * routing protocol would take time to converge. */
#ifndef NVO_NET_H
#define NVO_NET_H

#include <glib.h>

#include "fabric/ecmp.h"
#include "core/engine.h"
#include "core/mem.h"
#include "fabric/link.h"
#include "fabric/node.h"
#include "core/nvo.h"
#include "wire/pkt.h"
#include "core/rng.h"

struct nvo_node;
struct nvo_net;
struct nvo_mcast;

#define NVO_GROUP_NONE UINT32_MAX
#define NVO_NHS_NONE 0u         /* no route */
#define NVO_NHS_SOURCE 1u       /* the node is a source of the group */

/* A destination group (routes.c): the destinations that attach to the
 * same set of switches, the sources of its shortest paths.  A switch,
 * router or route reflector is its own group {itself}; a hypervisor
 * belongs to the group of the switches it has usable links to (a
 * single-homed hypervisor shares its leaf's group; a dual-homed one has
 * the group of its pair of leaves). */
struct nvo_route_group {
    uint32_t *key;              /* key[0] = n, key[1..n] node indices,
                                 * ascending; NULL: a free slot */
    uint32_t n_members;         /* hypervisors in it, + 1 for a switch's
                                 * own group */
    int32_t *dist;              /* per switch slot: hops to the nearest
                                 * source over usable links, -1 none */
};

/* The routing state of a network (routes.c). */
struct nvo_routes {
    bool built;
    uint32_t n_sw;              /* switches (every node but hypervisors) */
    uint32_t *sw_node;          /* switch slot -> node index */
    /* Switch-to-switch adjacency by slot, in port order: adj_*[adj_off[s]
     * .. adj_off[s + 1]). */
    uint32_t *adj_off;
    uint32_t *adj_peer;         /* peer's switch slot */
    uint32_t *adj_link;         /* link index */
    uint16_t *adj_port;         /* port on s */
    /* Each switch's links to hypervisors, by hypervisor node index
     * (ascending): att_*[att_off[s] .. att_off[s + 1]). */
    uint32_t *att_off;
    uint32_t *att_node;
    uint32_t *att_link;
    uint16_t *att_port;
    uint32_t *node_group;       /* node index -> group, NVO_GROUP_NONE */
    struct nvo_route_group *groups;
    uint32_t n_groups, groups_cap;
    uint32_t *free_groups;
    uint32_t n_free;
    GHashTable *by_key;         /* group key -> group index + 1 */
    bool *dirty;                /* per group, during an update */
    bool *link_usable;          /* per link, as the routes were computed */
    bool *node_up;              /* per node, as the routes were computed */
    GArray *noted_links;        /* uint32_t: changed since computed */
    GArray *noted_nodes;        /* uint32_t */
    uint16_t *scratch;          /* next hops built on demand */
    uint32_t scratch_cap;

    /* Statistics of the latest computation. */
    bool last_full;             /* a full computation */
    uint32_t last_groups_searched;  /* groups whose distances were
                                     * searched again (breadth-first) */
    uint32_t last_groups_patched;   /* groups whose FIB entries were
                                     * patched without a search */
    uint64_t n_full, n_incremental;
};

struct nvo_net_link {
    uint32_t a, b;              /* node indices */
    uint32_t a_port, b_port;
    struct nvo_link_cfg cfg;
    struct nvo_link link;
    uint32_t subnet4;           /* a's address; b's is subnet4 + 1 */
};

enum nvo_seed_mode {
    NVO_SEED_FABRIC,            /* one seed for every switch */
    NVO_SEED_PER_SWITCH,        /* a seed per switch, from its name */
};

struct nvo_net_cfg {
    bool ipv6;
    nvo_time_t convergence_delay;
    struct nvo_ecmp_cfg ecmp;
    enum nvo_seed_mode seed_mode;
    uint32_t fabric_seed;       /* NVO_SEED_FABRIC */
    uint64_t seed, run;         /* the run's master seed and run number */
    bool flow_stats;            /* switches record which egress ports each
                                 * flow used (nvo_node.port_flows, the
                                 * "flows" of results.xml): a hash-table
                                 * update per forwarded packet, so off
                                 * unless asked for */
};

/* The drop hook's type (nvo_net_set_drop_hook()). */
typedef void nvo_net_drop_fn(void *ctx, const struct nvo_node *n,
                             const struct nvo_pkt *p,
                             enum nvo_drop_site site, int reason);

struct nvo_net {
    struct nvo_net_cfg cfg;
    struct nvo_engine *engine;
    struct nvo_pkt_pool pool;
    GPtrArray *nodes;           /* struct nvo_node * */
    GArray *links;              /* struct nvo_net_link */
    GHashTable *by_name;        /* name -> node index + 1 */
    struct nvo_net_link_index {  /* node pair -> link (net.c) */
        uint64_t *keys;         /* open addressing; 0 = empty slot */
        uint32_t *links;        /* link index of keys[i] */
        size_t cap, n;          /* cap a power of 2 (or 0), n <= cap / 2 */
    } link_index;
    bool finalized;

    struct nvo_routes rt;
    /* The network's memory: every node's counts, plus the routes' shared
     * state: "route-groups" (rt.groups, groups_cap), "group-keys" (a
     * group's key), "group-dists" (a group's dist, n_sw int32_t),
     * "route-index" (the adjacency, attachment, node and link arrays, the
     * dirty flags, free list and scratch).  glib containers (by_key, the
     * noted arrays) are not counted. */
    struct nvo_mem_acct mem;
    uint64_t n_route_computations;
    nvo_time_t last_convergence;
    nvo_event_id converge_event;
    uint64_t n_generated;       /* frames nodes originated (counted by
                                 * nvo_node_send*() only) */

    /* Called in the order added after every route computation but the
     * first (traffic sources move flows off uplinks that stopped being
     * next hops): nvo_net_add_route_listener(). */
    GArray *route_listeners;    /* struct nvo_net_listener */
    /* Called in the order added on every link or node up / down change,
     * when it happens (before routes converge). */
    GArray *state_listeners;    /* struct nvo_net_listener */
    /* Told of every dropped frame: nvo_net_set_drop_hook(). */
    nvo_net_drop_fn *drop_fn;
    void *drop_ctx;

    /* Several underlay addresses per node (nvo_net_set_node_addrs()):
     * besides its loopback, node i's address k (1 <= k < n[i]) is, over
     * IPv4, 10.0.0.0 + n_nodes + 1 + first[i] + k - 1 (after every
     * node's loopback), and over IPv6 fd00::/64 with interface id
     * k << 32 | i + 1.  Routes are unchanged: every address of a node
     * maps to the node, and so to its destination group. */
    struct nvo_net_addrs {
        uint32_t *n;            /* per node (n_cap of them): its number of
                                 * addresses; 0 means 1 */
        uint32_t n_cap;
        uint32_t *first;        /* per node: its first extra address's
                                 * number (after finalize) */
        uint32_t *node;         /* extra address number -> node index */
        uint32_t n_extra;       /* extra addresses in the network */
    } addrs;
    /* IP multicast forwarding (fabric/mcast.h), or NULL: set by
     * nvo_mcast_attach(), started by nvo_net_start(), freed with the
     * net. */
    struct nvo_mcast *mcast;
};

/* What changed, for a state listener. */
enum nvo_net_change {
    NVO_NET_LINK_DOWN,
    NVO_NET_LINK_UP,
    NVO_NET_NODE_DOWN,
    NVO_NET_NODE_UP,
};

typedef void nvo_net_route_fn(void *ctx, struct nvo_net *);
typedef void nvo_net_state_fn(void *ctx, struct nvo_net *,
                              enum nvo_net_change, uint32_t index);

struct nvo_net_listener {
    void (*fn)(void);           /* nvo_net_route_fn or nvo_net_state_fn */
    void *ctx;
};

/* Adds a listener: fn(ctx, net) after every route computation but the
 * first, after the listeners added before it.  The same fn and ctx may be
 * added once (EEXIST). */
int nvo_net_add_route_listener(struct nvo_net *, nvo_net_route_fn *fn,
                               void *ctx);
/* Removes it: 0, or ENOENT. */
int nvo_net_remove_route_listener(struct nvo_net *, nvo_net_route_fn *fn,
                                  const void *ctx);

/* Adds a listener: fn(ctx, net, change, link or node index) on every
 * link or node state change (nvo_net_set_link_up / _node_up when the
 * state does change; a node's links go down and up with it, reported as
 * the node's change only). */
int nvo_net_add_state_listener(struct nvo_net *, nvo_net_state_fn *fn,
                               void *ctx);
int nvo_net_remove_state_listener(struct nvo_net *, nvo_net_state_fn *fn,
                                  const void *ctx);

/* Sets the drop hook (NULL fn: none): fn(ctx, node, frame, site,
 * reason) for every frame dropped at a node's port, by the node base or
 * by its role (nvo_node_drop_seen(), node.h), before the frame is freed;
 * it must not keep or change the frame.  One hook per network (the
 * run's per-event frame accounting, run/frame_fate.h). */
void nvo_net_set_drop_hook(struct nvo_net *, nvo_net_drop_fn *fn, void *ctx);

/* For routes.c: calls the route listeners. */
void nvo_net_routes_changed__(struct nvo_net *);

/* The largest network nvo_net_finalize() builds (else E2BIG): node
 * loopbacks are 10.0.0.0/8 (and fd00::/64), links a /31 each in
 * 172.16.0.0/12, ports numbered in 16 bits. */
#define NVO_NET_MAX_NODES ((1u << 24) - 3)
#define NVO_NET_MAX_LINKS ((1u << 19) - 1)
#define NVO_NET_MAX_PORTS UINT16_MAX

/* Creates an empty network on engine 'e'. */
struct nvo_net *nvo_net_create(struct nvo_engine *e,
                               const struct nvo_net_cfg *cfg);
/* Frees the network and every frame it holds.  Accepts NULL. */
void nvo_net_destroy(struct nvo_net *);

/* Adds a node; returns its index, or -1 with errno EEXIST (name taken).
 * Its ops are the role's default: nvo_host_ops for a hypervisor, else
 * nvo_switch_ops. */
int nvo_net_add_node(struct nvo_net *, const char *name, enum nvo_role);

/* Adds a node with role 'ops' (its struct of ops->size bytes, base
 * first); 'role' names it and gives its tier in results. */
int nvo_net_add_node_ops(struct nvo_net *, const char *name, enum nvo_role,
                         const struct nvo_node_ops *ops);

/* Calls every node's start hook, in node order (once, after finalize);
 * and its stop hook. */
void nvo_net_start(struct nvo_net *);
void nvo_net_stop(struct nvo_net *);

/* Adds a link between nodes a and b.  Returns 0, or EINVAL (same node,
 * bad index, impossible cfg), EEXIST (already linked, either way round:
 * found in constant time through a hash of the node pair). */
int nvo_net_add_link(struct nvo_net *, uint32_t a, uint32_t b,
                     const struct nvo_link_cfg *cfg);

/* Allocates ports, connects links, assigns addresses, computes routes. */
int nvo_net_finalize(struct nvo_net *);

static inline struct nvo_node *
nvo_net_node(const struct nvo_net *net, uint32_t i)
{
    return g_ptr_array_index(net->nodes, i);
}

static inline uint32_t
nvo_net_n_nodes(const struct nvo_net *net)
{
    return net->nodes->len;
}

static inline struct nvo_net_link *
nvo_net_link(const struct nvo_net *net, uint32_t i)
{
    return &g_array_index(net->links, struct nvo_net_link, i);
}

/* Index of node 'name', or -1. */
int nvo_net_find(const struct nvo_net *, const char *name);

/* Index of the link between nodes a and b (either way round), or -1; in
 * constant time. */
int nvo_net_find_link(const struct nvo_net *, uint32_t a, uint32_t b);

/* Node index of an underlay address (IPv4 host order, or IPv6), or -1. */
#define NVO_NET_LOOPBACK4_BASE 0x0a000000u  /* 10.0.0.0/8: node i is base+i+1 */
static inline int
nvo_net_addr4_node(const struct nvo_net *net, uint32_t addr)
{
    uint32_t i = addr - NVO_NET_LOOPBACK4_BASE - 1;
    if (i < net->nodes->len) {
        return (int) i;
    }
    uint32_t j = i - net->nodes->len;   /* an extra address (net->addrs) */
    return j < net->addrs.n_extra ? (int) net->addrs.node[j] : -1;
}

/* The number of underlay addresses of node 'i' (1 unless
 * nvo_net_set_node_addrs() said more). */
static inline uint32_t
nvo_net_node_n_addrs(const struct nvo_net *net, uint32_t i)
{
    return i < net->addrs.n_cap && net->addrs.n[i] ? net->addrs.n[i] : 1;
}

static inline int
nvo_net_addr6_node(const struct nvo_net *net, const uint8_t addr[16])
{
    /* fd00::/64, interface id = node index + 1. */
    static const uint8_t prefix[8] = { 0xfd };
    if (memcmp(addr, prefix, 8)) {
        return -1;
    }
    uint32_t k = nvo_rd32(addr + 8);    /* the node's address k */
    uint32_t i = nvo_rd32(addr + 12) - 1;
    if (i >= net->nodes->len || (k && k >= nvo_net_node_n_addrs(net, i))) {
        return -1;
    }
    return (int) i;
}

/* The most underlay addresses one node may have. */
#define NVO_NET_MAX_NODE_ADDRS 256

/* Gives node 'node' 'n' underlay addresses (its loopback and n - 1 more;
 * before nvo_net_finalize(), which assigns them; see struct
 * nvo_net_addrs).  Frames to any of them are for the node, and the node
 * may send from any of them.  Returns 0, or EINVAL (finalized, no such
 * node, n = 0 or over NVO_NET_MAX_NODE_ADDRS).  nvo_net_finalize()
 * returns E2BIG when the loopbacks and the extra addresses together do
 * not fit in 10.0.0.0/8 (NVO_NET_MAX_NODES). */
int nvo_net_set_node_addrs(struct nvo_net *, uint32_t node, uint32_t n);

/* Address k (0: the loopback, up to nvo_net_node_n_addrs() - 1) of node
 * 'node' (after finalize): IPv4 in host order, or IPv6 into 'out'. */
uint32_t nvo_net_node_addr4(const struct nvo_net *, uint32_t node,
                            uint32_t k);
void nvo_net_node_addr6(const struct nvo_net *, uint32_t node, uint32_t k,
                        uint8_t out[16]);

/* Recomputes every FIB from the current link and node states now, from
 * scratch. */
void nvo_net_compute_routes(struct nvo_net *);

/* Brings the FIBs up to date with the current link and node states,
 * recomputing only what the changes since the latest computation affect
 * (what convergence runs); the result is the same as
 * nvo_net_compute_routes()'s. */
void nvo_net_update_routes(struct nvo_net *);

/* Link / node state changes; routes follow after the convergence delay. */
void nvo_net_set_link_up(struct nvo_net *, uint32_t link, bool up);
void nvo_net_set_node_up(struct nvo_net *, uint32_t node, bool up);

/* The next hops of node 'n' toward node 'dst' over the current routes:
 * returns their number and points *ports at them, in ascending port order
 * (the order an ECMP hash indexes).  A hypervisor's, and those of a
 * destination's attachment switch, are built in a buffer that the next
 * call overwrites. */
uint32_t nvo_net_next_hops(const struct nvo_node *n, uint32_t dst,
                           const uint16_t **ports);

/* For net.c and routes.c: the port of switch slot 'sw' to the hypervisor
 * 'dst' attached to it, found by bisection in the switch's links to
 * hypervisors; 1 and *port if the link was usable when routes were
 * computed, else 0. */
static inline uint32_t
nvo_routes_attached__(const struct nvo_routes *rt, uint32_t sw, uint32_t dst,
                      uint16_t *port)
{
    uint32_t lo = rt->att_off[sw], hi = rt->att_off[sw + 1], end = hi;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (rt->att_node[mid] < dst) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < end && rt->att_node[lo] == dst
        && rt->link_usable[rt->att_link[lo]]) {
        *port = rt->att_port[lo];
        return 1;
    }
    return 0;
}

/* For net.c and routes.c: the next hops of hypervisor 'n' (up) toward
 * 'dst' (not n) of group 'g' into 'out' (room for n's ports): its own
 * usable link to 'dst' if it has one, else every usable uplink to a switch
 * nearest the group, ports ascending. */
static inline uint32_t
nvo_routes_hv_next_hops__(const struct nvo_net *net, const struct nvo_node *n,
                          uint32_t dst, uint32_t g, uint16_t *out)
{
    const struct nvo_routes *rt = &net->rt;
    const int32_t *dist = g != NVO_GROUP_NONE ? rt->groups[g].dist : NULL;
    int32_t best = -1;
    uint32_t k = 0;
    for (uint32_t p = 0; p < n->n_ports; p++) {
        uint32_t peer = n->peer[p];
        if (!rt->link_usable[n->link[p]]) {
            continue;
        }
        if (peer == dst) {
            out[0] = (uint16_t) p;
            return 1;
        }
        uint32_t s = nvo_net_node(net, peer)->sw;
        if (!dist || s == NVO_SW_NONE || dist[s] < 0) {
            continue;
        }
        if (best < 0 || dist[s] < best) {
            best = dist[s];
            k = 0;
        }
        if (dist[s] == best) {
            out[k++] = (uint16_t) p;
        }
    }
    return k;
}

/* Number of next hops node 'n' has toward node 'dst'. */
uint32_t nvo_node_n_next_hops(const struct nvo_node *n, uint32_t dst);

/* For net.c: frees the routing state; notes that a link's or node's state
 * changed (the next update looks only at what was noted). */
void nvo_routes_destroy__(struct nvo_net *);
void nvo_routes_note_link__(struct nvo_net *, uint32_t link);
void nvo_routes_note_node__(struct nvo_net *, uint32_t node);

/* Hop count from node 'a' to node 'b' over the current routes, or -1. */
int nvo_net_hops(const struct nvo_net *, uint32_t a, uint32_t b);

/* Frames held anywhere in the network: queued, being sent, on a wire. */
uint64_t nvo_net_in_flight(const struct nvo_net *);

/* Sum of all drops: ports by reason (into port_drops[NVO_DROP_N]) and
 * nodes by reason (node_drops[NVO_NODE_DROP_N]); returns the total. */
uint64_t nvo_net_drops(const struct nvo_net *, uint64_t *port_drops,
                       uint64_t *node_drops);

#endif /* NVO_NET_H */
