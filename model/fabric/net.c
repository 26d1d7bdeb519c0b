/* net.c: the underlay network: building it, addresses, IP forwarding
 * with ECMP over the routes of routes.c, and link / node failures with a
 * convergence delay.  See net.h. */
#include "fabric/net.h"
#include "fabric/mcast.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "wire/wire.h"

struct nvo_net *
nvo_net_create(struct nvo_engine *e, const struct nvo_net_cfg *cfg)
{
    struct nvo_net *net = g_new0(struct nvo_net, 1);
    net->cfg = *cfg;
    net->engine = e;
    nvo_mem_acct_init(&net->mem, NULL);
    nvo_pkt_pool_init(&net->pool);
    net->nodes = g_ptr_array_new();
    net->links = g_array_new(FALSE, TRUE, sizeof(struct nvo_net_link));
    net->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    return net;
}

static void
node_free__(struct nvo_node *n)
{
    if (n->ops->destroy) {
        n->ops->destroy(n);
    }
    /* Before nvo_net_finalize() a node counts its links in n_ports but
     * has no ports yet. */
    for (uint32_t i = 0; n->ports && i < n->n_ports; i++) {
        nvo_port_destroy(&n->ports[i]);
    }
    g_free(n->ports);
    g_free(n->peer);
    g_free(n->link);
    g_free(n->port_flows);
    g_free(n->flows.keys);
    g_free(n->flows.seen);
    g_free(n->binds);
    g_free(n->name);
    nvo_mem_acct_fini(&n->mem);
    g_free(n);
}

void
nvo_net_destroy(struct nvo_net *net)
{
    if (!net) {
        return;
    }
    if (net->converge_event) {
        nvo_engine_cancel(net->engine, net->converge_event);
    }
    nvo_mcast_destroy__(net->mcast);
    nvo_routes_destroy__(net);          /* frees the switches' FIBs */
    for (uint32_t i = 0; i < net->nodes->len; i++) {
        node_free__(nvo_net_node(net, i));
    }
    g_ptr_array_free(net->nodes, TRUE);
    g_array_free(net->links, TRUE);
    g_hash_table_destroy(net->by_name);
    g_free(net->link_index.keys);
    g_free(net->link_index.links);
    g_free(net->addrs.n);
    g_free(net->addrs.first);
    g_free(net->addrs.node);
    if (net->route_listeners) {
        g_array_free(net->route_listeners, TRUE);
    }
    if (net->state_listeners) {
        g_array_free(net->state_listeners, TRUE);
    }
    nvo_pkt_pool_destroy(&net->pool);
    nvo_mem_acct_fini(&net->mem);
    g_free(net);
}

int
nvo_net_add_node(struct nvo_net *net, const char *name, enum nvo_role role)
{
    return nvo_net_add_node_ops(net, name, role,
                                role == NVO_ROLE_HYPERVISOR ? &nvo_host_ops
                                                            : &nvo_switch_ops);
}

int
nvo_net_add_node_ops(struct nvo_net *net, const char *name,
                     enum nvo_role role, const struct nvo_node_ops *ops)
{
    if (net->finalized || g_hash_table_contains(net->by_name, name)) {
        errno = EEXIST;
        return -1;
    }
    struct nvo_node *n = g_malloc0(NVO_MAX(ops->size, sizeof *n));
    n->name = g_strdup(name);
    n->role = role;
    n->ops = ops;
    n->index = net->nodes->len;
    n->net = net;
    n->up = true;
    nvo_mem_acct_init(&n->mem, &net->mem);
    g_ptr_array_add(net->nodes, n);
    g_hash_table_insert(net->by_name, n->name,
                        GUINT_TO_POINTER(n->index + 1));
    return (int) n->index;
}

int
nvo_net_find(const struct nvo_net *net, const char *name)
{
    gpointer v = g_hash_table_lookup(net->by_name, name);
    return v ? (int) GPOINTER_TO_UINT(v) - 1 : -1;
}

/* ---- Links by node pair ------------------------------------------------ */

/* The key of the unordered pair {a, b}, a != b: never 0, since the larger
 * index is at least 1. */
static inline uint64_t
pair_key__(uint32_t a, uint32_t b)
{
    return ((uint64_t) NVO_MIN(a, b) << 32) | NVO_MAX(a, b);
}

static inline size_t
pair_slot__(uint64_t key, size_t cap)
{
    /* Fibonacci hashing: the high bits of the product are well mixed. */
    return (size_t) ((key * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

/* The link of 'key', or -1. */
static long
link_index_find__(const struct nvo_net_link_index *ix, uint64_t key)
{
    if (!ix->cap) {
        return -1;
    }
    for (size_t i = pair_slot__(key, ix->cap);; i = (i + 1) & (ix->cap - 1)) {
        if (ix->keys[i] == key) {
            return ix->links[i];
        }
        if (!ix->keys[i]) {
            return -1;
        }
    }
}

static void
link_index_put__(struct nvo_net_link_index *ix, uint64_t key, uint32_t link)
{
    size_t i = pair_slot__(key, ix->cap);
    while (ix->keys[i]) {
        i = (i + 1) & (ix->cap - 1);
    }
    ix->keys[i] = key;
    ix->links[i] = link;
    ix->n++;
}

/* Adds 'key' (not present); the table stays at most half full. */
static void
link_index_add__(struct nvo_net_link_index *ix, uint64_t key, uint32_t link)
{
    if ((ix->n + 1) * 2 > ix->cap) {
        struct nvo_net_link_index old = *ix;
        ix->cap = old.cap ? old.cap * 2 : 64;
        ix->keys = g_new0(uint64_t, ix->cap);
        ix->links = g_new(uint32_t, ix->cap);
        ix->n = 0;
        for (size_t i = 0; i < old.cap; i++) {
            if (old.keys[i]) {
                link_index_put__(ix, old.keys[i], old.links[i]);
            }
        }
        g_free(old.keys);
        g_free(old.links);
    }
    link_index_put__(ix, key, link);
}

int
nvo_net_find_link(const struct nvo_net *net, uint32_t a, uint32_t b)
{
    if (a == b) {
        return -1;
    }
    return (int) link_index_find__(&net->link_index, pair_key__(a, b));
}

int
nvo_net_add_link(struct nvo_net *net, uint32_t a, uint32_t b,
                 const struct nvo_link_cfg *cfg)
{
    if (net->finalized || a == b || a >= net->nodes->len
        || b >= net->nodes->len) {
        return EINVAL;
    }
    if (net->links->len >= INT_MAX) {
        return ENOSPC;          /* link indexes are ints in this API */
    }
    uint64_t key = pair_key__(a, b);
    if (link_index_find__(&net->link_index, key) >= 0) {
        return EEXIST;
    }
    link_index_add__(&net->link_index, key, net->links->len);
    struct nvo_net_link l;
    memset(&l, 0, sizeof l);
    l.a = a;
    l.b = b;
    l.cfg = *cfg;
    g_array_append_val(net->links, l);
    nvo_net_node(net, a)->n_ports++;
    nvo_net_node(net, b)->n_ports++;
    return 0;
}

/* ---- Addresses ---------------------------------------------------------- */

#define LOOPBACK4_BASE NVO_NET_LOOPBACK4_BASE
#define LINK4_BASE 0xac100000u          /* 172.16.0.0/12: a /31 per link */

/* ---- Several addresses per node ----------------------------------------- */

int
nvo_net_set_node_addrs(struct nvo_net *net, uint32_t node, uint32_t n)
{
    if (net->finalized || node >= net->nodes->len || n == 0
        || n > NVO_NET_MAX_NODE_ADDRS) {
        return EINVAL;
    }
    struct nvo_net_addrs *a = &net->addrs;
    if (node >= a->n_cap) {
        uint32_t cap = NVO_MAX(node + 1, 2 * a->n_cap);
        a->n = g_renew(uint32_t, a->n, cap);
        memset(a->n + a->n_cap, 0, (cap - a->n_cap) * sizeof *a->n);
        a->n_cap = cap;
    }
    a->n[node] = n;
    return 0;
}

/* Numbers every node's extra addresses, in node order (finalize). */
static int
addrs_assign__(struct nvo_net *net)
{
    struct nvo_net_addrs *a = &net->addrs;
    uint64_t n_extra = 0;
    for (uint32_t i = 0; i < a->n_cap; i++) {
        n_extra += a->n[i] ? a->n[i] - 1 : 0;
    }
    if (!n_extra) {
        return 0;
    }
    if (net->nodes->len + n_extra > NVO_NET_MAX_NODES) {
        return E2BIG;
    }
    g_free(a->first);           /* a finalize that failed before */
    g_free(a->node);
    a->first = g_new0(uint32_t, a->n_cap);
    a->node = g_new(uint32_t, n_extra);
    uint32_t j = 0;
    for (uint32_t i = 0; i < a->n_cap; i++) {
        a->first[i] = j;
        for (uint32_t k = 1; k < nvo_net_node_n_addrs(net, i); k++) {
            a->node[j++] = i;
        }
    }
    a->n_extra = j;
    return 0;
}

uint32_t
nvo_net_node_addr4(const struct nvo_net *net, uint32_t node, uint32_t k)
{
    if (k == 0 || k >= nvo_net_node_n_addrs(net, node)) {
        return nvo_net_node(net, node)->addr4;
    }
    return NVO_NET_LOOPBACK4_BASE + net->nodes->len + 1
           + net->addrs.first[node] + k - 1;
}

void
nvo_net_node_addr6(const struct nvo_net *net, uint32_t node, uint32_t k,
                   uint8_t out[16])
{
    memcpy(out, nvo_net_node(net, node)->addr6, 16);
    if (k < nvo_net_node_n_addrs(net, node)) {
        nvo_wr32(out + 8, k);
    }
}

int
nvo_net_finalize(struct nvo_net *net)
{
    if (net->finalized) {
        return EINVAL;
    }
    uint32_t n_nodes = net->nodes->len;
    if (n_nodes > NVO_NET_MAX_NODES || net->links->len > NVO_NET_MAX_LINKS) {
        return E2BIG;
    }
    int addr_error = addrs_assign__(net);
    if (addr_error) {
        return addr_error;
    }
    for (uint32_t i = 0; i < n_nodes; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (n->n_ports > NVO_NET_MAX_PORTS) {
            return E2BIG;
        }
        n->ports = g_new0(struct nvo_port, n->n_ports ? n->n_ports : 1);
        n->peer = g_new0(uint32_t, n->n_ports ? n->n_ports : 1);
        n->link = g_new0(uint32_t, n->n_ports ? n->n_ports : 1);
        n->port_flows = g_new0(uint64_t, n->n_ports ? n->n_ports : 1);
        n->flows_on = net->cfg.flow_stats;
        for (uint32_t p = 0; p < n->n_ports; p++) {
            nvo_port_init(&n->ports[p], net->engine, NULL, n->name, p,
                          nvo_node_rx__);
            n->ports[p].node = n;
        }
        n->addr4 = LOOPBACK4_BASE + i + 1;
        memset(n->addr6, 0, 16);
        n->addr6[0] = 0xfd;
        nvo_wr32(n->addr6 + 12, i + 1);
        n->mac[0] = 0x02;               /* locally administered, unicast */
        n->mac[1] = 0xfe;
        nvo_wr32(n->mac + 2, i + 1);

        /* ECMP seed: one for the fabric, or one per switch derived from
         * the run's seed and the switch's name. */
        char rname[256];
        g_snprintf(rname, sizeof rname, "%s/ecmp", n->name);
        nvo_rng_init(&n->rng, net->cfg.seed, net->cfg.run, rname);
        uint32_t seed = net->cfg.fabric_seed;
        if (net->cfg.seed_mode == NVO_SEED_PER_SWITCH) {
            struct nvo_rng r;
            g_snprintf(rname, sizeof rname, "%s/ecmp-seed", n->name);
            nvo_rng_init(&r, net->cfg.seed, net->cfg.run, rname);
            seed = (uint32_t) nvo_rng_next(&r);
        }
        nvo_ecmp_init(&n->ecmp, &net->cfg.ecmp, seed);
        n->n_ports = 0;                 /* counted again below */
    }
    for (uint32_t li = 0; li < net->links->len; li++) {
        struct nvo_net_link *l = nvo_net_link(net, li);
        struct nvo_node *a = nvo_net_node(net, l->a);
        struct nvo_node *b = nvo_net_node(net, l->b);
        l->a_port = a->n_ports++;
        l->b_port = b->n_ports++;
        a->peer[l->a_port] = l->b;
        b->peer[l->b_port] = l->a;
        a->link[l->a_port] = li;
        b->link[l->b_port] = li;
        l->subnet4 = LINK4_BASE + 2 * li;
        int error = nvo_link_connect(&l->link, &a->ports[l->a_port],
                                     &b->ports[l->b_port], &l->cfg);
        if (error) {
            return error;
        }
    }
    net->finalized = true;
    nvo_net_compute_routes(net);
    return 0;
}

static void state_changed__(struct nvo_net *, enum nvo_net_change,
                            uint32_t index);

/* ---- Failures ---------------------------------------------------------- */

static void
converge__(void *net_)
{
    struct nvo_net *net = net_;
    net->converge_event = NVO_EVENT_NONE;
    nvo_net_update_routes(net);
}

static void
schedule_convergence__(struct nvo_net *net)
{
    /* Routing converges 'convergence_delay' after the latest change. */
    if (net->converge_event) {
        nvo_engine_cancel(net->engine, net->converge_event);
    }
    net->converge_event = nvo_engine_schedule_at(
        net->engine, nvo_time_add_sat(nvo_engine_now(net->engine),
                                      net->cfg.convergence_delay),
        converge__, net);
}

void
nvo_net_set_link_up(struct nvo_net *net, uint32_t li, bool up)
{
    struct nvo_net_link *l = nvo_net_link(net, li);
    if (l->link.up == up) {
        return;
    }
    nvo_link_set_up(&l->link, up);
    nvo_routes_note_link__(net, li);
    schedule_convergence__(net);
    state_changed__(net, up ? NVO_NET_LINK_UP : NVO_NET_LINK_DOWN, li);
}

void
nvo_net_set_node_up(struct nvo_net *net, uint32_t ni, bool up)
{
    struct nvo_node *n = nvo_net_node(net, ni);
    if (n->up == up) {
        return;
    }
    n->up = up;
    /* A dead node's links carry nothing; they come back with the node
     * (links that were down on their own before stay down only if a
     * link-down event said so after; this model keeps it simple: all). */
    for (uint32_t p = 0; p < n->n_ports; p++) {
        nvo_link_set_up(&nvo_net_link(net, n->link[p])->link, up);
        nvo_routes_note_link__(net, n->link[p]);
    }
    nvo_routes_note_node__(net, ni);
    schedule_convergence__(net);
    state_changed__(net, up ? NVO_NET_NODE_UP : NVO_NET_NODE_DOWN, ni);
}

/* ---- Listeners ------------------------------------------------------------ */

static int
listener_add__(GArray **list, void (*fn)(void), void *ctx)
{
    if (!*list) {
        *list = g_array_new(FALSE, FALSE, sizeof(struct nvo_net_listener));
    }
    for (guint i = 0; i < (*list)->len; i++) {
        struct nvo_net_listener *l =
            &g_array_index(*list, struct nvo_net_listener, i);
        if (l->fn == fn && l->ctx == ctx) {
            return EEXIST;
        }
    }
    struct nvo_net_listener l = { fn, ctx };
    g_array_append_val(*list, l);
    return 0;
}

static int
listener_remove__(GArray *list, void (*fn)(void), const void *ctx)
{
    for (guint i = 0; list && i < list->len; i++) {
        struct nvo_net_listener *l =
            &g_array_index(list, struct nvo_net_listener, i);
        if (l->fn == fn && l->ctx == ctx) {
            g_array_remove_index(list, i);
            return 0;
        }
    }
    return ENOENT;
}

int
nvo_net_add_route_listener(struct nvo_net *net, nvo_net_route_fn *fn,
                           void *ctx)
{
    return listener_add__(&net->route_listeners, (void (*)(void)) fn, ctx);
}

int
nvo_net_remove_route_listener(struct nvo_net *net, nvo_net_route_fn *fn,
                              const void *ctx)
{
    return listener_remove__(net->route_listeners, (void (*)(void)) fn, ctx);
}

int
nvo_net_add_state_listener(struct nvo_net *net, nvo_net_state_fn *fn,
                           void *ctx)
{
    return listener_add__(&net->state_listeners, (void (*)(void)) fn, ctx);
}

int
nvo_net_remove_state_listener(struct nvo_net *net, nvo_net_state_fn *fn,
                              const void *ctx)
{
    return listener_remove__(net->state_listeners, (void (*)(void)) fn, ctx);
}

void
nvo_net_set_drop_hook(struct nvo_net *net, nvo_net_drop_fn *fn, void *ctx)
{
    net->drop_fn = fn;
    net->drop_ctx = ctx;
}

void
nvo_node_drop_seen(const struct nvo_node *n, const struct nvo_pkt *p,
                   enum nvo_drop_site site, int reason)
{
    if (n->net && n->net->drop_fn) {
        n->net->drop_fn(n->net->drop_ctx, n, p, site, reason);
    }
}

void
nvo_net_routes_changed__(struct nvo_net *net)
{
    /* A listener may remove itself: walk by index over a copy's length. */
    for (guint i = 0; net->route_listeners && i < net->route_listeners->len;
         i++) {
        struct nvo_net_listener l =
            g_array_index(net->route_listeners, struct nvo_net_listener, i);
        ((nvo_net_route_fn *) l.fn)(l.ctx, net);
    }
}

static void
state_changed__(struct nvo_net *net, enum nvo_net_change c, uint32_t index)
{
    for (guint i = 0; net->state_listeners && i < net->state_listeners->len;
         i++) {
        struct nvo_net_listener l =
            g_array_index(net->state_listeners, struct nvo_net_listener, i);
        ((nvo_net_state_fn *) l.fn)(l.ctx, net, c, index);
    }
}

/* ---- Start and stop ------------------------------------------------------ */

void
nvo_net_start(struct nvo_net *net)
{
    if (net->mcast) {
        nvo_mcast_start__(net->mcast);
    }
    for (uint32_t i = 0; i < net->nodes->len; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (n->ops->start) {
            n->ops->start(n);
        }
    }
}

void
nvo_net_stop(struct nvo_net *net)
{
    if (net->mcast) {
        nvo_mcast_stop__(net->mcast);
    }
    for (uint32_t i = 0; i < net->nodes->len; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (n->ops->stop) {
            n->ops->stop(n);
        }
    }
}

/* ---- Accounting --------------------------------------------------------- */

uint64_t
nvo_net_in_flight(const struct nvo_net *net)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < net->nodes->len; i++) {
        const struct nvo_node *node = nvo_net_node(net, i);
        for (uint32_t p = 0; p < node->n_ports; p++) {
            /* The frame being serialized is already on the wire FIFO;
             * frames lost at a link-down have left it. */
            const struct nvo_port *port = &node->ports[p];
            n += port->q_ctrl.n + port->q_data.n + port->wire.n;
        }
    }
    return n;
}

uint64_t
nvo_net_drops(const struct nvo_net *net, uint64_t *port_drops,
              uint64_t *node_drops)
{
    uint64_t total = 0;
    if (port_drops) {
        memset(port_drops, 0, NVO_DROP_N * sizeof *port_drops);
    }
    if (node_drops) {
        memset(node_drops, 0, NVO_NODE_DROP_N * sizeof *node_drops);
    }
    for (uint32_t i = 0; i < net->nodes->len; i++) {
        const struct nvo_node *node = nvo_net_node(net, i);
        for (uint32_t p = 0; p < node->n_ports; p++) {
            for (int r = 0; r < NVO_DROP_N; r++) {
                uint64_t d = node->ports[p].st.drop_frames[r];
                total += d;
                if (port_drops) {
                    port_drops[r] += d;
                }
            }
        }
        for (int r = 0; r < NVO_NODE_DROP_N; r++) {
            total += node->drops[r];
            if (node_drops) {
                node_drops[r] += node->drops[r];
            }
        }
    }
    return total;
}
