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
 * A switch forwards on the outer destination address: it decrements the
 * TTL / hop limit (fixing the IPv4 checksum), rewrites the Ethernet
 * addresses, and picks among the equal-cost next hops with its ECMP hasher
 * (ecmp.h).  A frame for the node itself goes to the node's local handler
 * (a hypervisor's traffic sink).
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
#include "core/nvo.h"
#include "wire/pkt.h"
#include "core/rng.h"

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

/* Drops a node counts (ports count theirs in struct nvo_port_stats). */
enum nvo_node_drop {
    NVO_NODE_DROP_NO_ROUTE,     /* no route to the destination */
    NVO_NODE_DROP_TTL,          /* TTL / hop limit exhausted */
    NVO_NODE_DROP_NODE_DOWN,    /* arrived at a node that is down */
    NVO_NODE_DROP_NOT_IP,       /* not an IP frame, or truncated */
    NVO_NODE_DROP_N
};

const char *nvo_node_drop_name(enum nvo_node_drop);

struct nvo_node;
struct nvo_net;

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

/* Called with frames addressed to the node itself; the callee owns 'p'. */
typedef void nvo_node_local_fn(struct nvo_node *, struct nvo_pkt *p);

struct nvo_node {
    char *name;
    enum nvo_role role;
    uint32_t index;
    struct nvo_net *net;
    bool up;

    uint32_t n_ports;
    struct nvo_port *ports;
    uint32_t *peer;             /* peer node index per port */
    uint32_t *link;             /* link index per port */

    uint32_t addr4;             /* loopback, host order */
    uint8_t addr6[16];
    uint8_t mac[6];

    struct nvo_ecmp ecmp;
    struct nvo_rng rng;         /* "<name>/ecmp": random spraying */

    /* Routes (routes.c).  A switch (any node but a hypervisor) has a
     * slot 'sw' and a FIB indexed by destination group: fib[g] is the id
     * of a next-hop set, NVO_NHS_NONE (no route) or NVO_NHS_SOURCE (the
     * node is one of the group's sources: the destination is the node
     * itself or a hypervisor attached to it).  Set s holds nhs[s].n ports
     * at nh_pool + nhs[s].off in ascending order; equal sets are stored
     * once.  Hypervisors have no FIB (sw = NVO_SW_NONE): their next hops
     * follow from their uplinks' distances (nvo_net_next_hops()). */
    uint32_t sw;
    uint32_t *fib;
    struct nvo_nhs *nhs;
    uint32_t n_nhs, nhs_cap;
    uint16_t *nh_pool;
    uint32_t pool_len, pool_cap;
    uint32_t *nhs_slots;        /* hash of the sets: set id, 0 = empty */
    uint32_t nhs_mask;
    /* The node's memory (core/mem.h), counted also in net->mem.  Routes
     * count, per switch: "fib" (fib, groups_cap uint32_t), "nh-sets"
     * (nhs, nhs_cap), "nh-pool" (nh_pool, pool_cap uint16_t),
     * "nh-set-hash" (nhs_slots, nhs_mask + 1 uint32_t). */
    struct nvo_mem_acct mem;

    nvo_node_local_fn *local;   /* NULL: frames for the node are dropped */
    void *local_ctx;

    uint64_t n_forwarded;
    uint64_t n_local;
    uint64_t drops[NVO_NODE_DROP_N];
    struct nvo_flowmap flows;   /* flow id -> last egress port (switches) */
    uint64_t *port_flows;       /* distinct flows that used each egress
                                 * port (a flow moved by spraying or by
                                 * rerouting counts on each port it used) */
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
};

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
    uint64_t n_generated;       /* frames the traffic sources made */

    /* Called after every route computation but the first (traffic
     * sources move flows off uplinks that stopped being next hops). */
    void (*routes_changed)(void *ctx);
    void *routes_ctx;
};

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

/* Adds a node; returns its index, or -1 with errno EEXIST (name taken). */
int nvo_net_add_node(struct nvo_net *, const char *name, enum nvo_role);

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
int nvo_net_addr4_node(const struct nvo_net *, uint32_t addr);
int nvo_net_addr6_node(const struct nvo_net *, const uint8_t addr[16]);

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

/* Sends 'p' (an IP frame, data at its Ethernet header) from node 'n'
 * toward its destination as the node's forwarding would: used by traffic
 * sources.  The network owns 'p'. */
void nvo_net_send(struct nvo_node *n, struct nvo_pkt *p);

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

/* Tier of a role for "up"/"down": hypervisor 0, leaf 1, spine 2, super 3;
 * route reflectors and routers 1 (they hang off leaves or spines). */
int nvo_role_tier(enum nvo_role);

#endif /* NVO_NET_H */
