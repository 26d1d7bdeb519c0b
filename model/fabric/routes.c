/* routes.c: the underlay's shortest-path routes, by destination group.
 *
 * Switches route toward where destinations attach, as a fabric advertises
 * a leaf's prefixes rather than every host: destinations are grouped by
 * the set of switches they hang off (struct nvo_route_group; a switch,
 * router or route reflector is its own group), one multi-source
 * breadth-first search per group gives every switch's distance to the
 * group's nearest source, and every switch's FIB holds, per group, the
 * set of ports toward switches one hop closer (every equal-cost next hop,
 * ports ascending).  Equal sets are stored once per switch, so a leaf's
 * FIB toward the remote leaves is one set of spine ports.
 *
 * The routes are those of a breadth-first search from every destination
 * over up nodes and usable links in which only the destination itself and
 * switches relay (hypervisors never carry transit): for a hypervisor
 * destination d, the switches at distance 1 from d are exactly its group's
 * sources, so a switch's distance to d is one more than its distance to
 * the group, and its next hops are the same ports.  A source forwards to
 * d on its own link to d; a hypervisor's next hops are its link to d if it
 * has one, else its uplinks to the switches nearest the group (every such
 * uplink, ports ascending), computed when asked.
 *
 * Updates (nvo_net_update_routes) look at the links whose usability
 * (link up and both ends up) changed since the latest computation.
 * Hypervisors on changed links move to the group of their usable
 * attachments (a new group is searched).  For every other group the
 * distances stay valid, and only FIB entries at the ends of changed links
 * are patched, unless a switch loses its last next hop toward the group, a
 * new link joins switches whose distances differ by more than one, or a
 * switch that came up is a source: then the group is searched again.  A
 * port that stopped being usable is removed from every set of its switch
 * at once (a map from old to new set id), so a spine failure costs one
 * array pass per leaf. */
#include "fabric/net.h"

#include <errno.h>
#include <stdlib.h>

#include "core/mem.h"

/* ---- Memory types (net.h lists them) ------------------------------------ */

static struct {
    nvo_mem_type fib, nh_sets, nh_pool, nh_hash;        /* per switch */
    nvo_mem_type groups, group_keys, group_dists, index;  /* per network */
} mt__;

static void
mem_types__(void)
{
    static gsize once;
    if (g_once_init_enter(&once)) {
        mt__.fib = nvo_mem_type_register("fib");
        mt__.nh_sets = nvo_mem_type_register("nh-sets");
        mt__.nh_pool = nvo_mem_type_register("nh-pool");
        mt__.nh_hash = nvo_mem_type_register("nh-set-hash");
        mt__.groups = nvo_mem_type_register("route-groups");
        mt__.group_keys = nvo_mem_type_register("group-keys");
        mt__.group_dists = nvo_mem_type_register("group-dists");
        mt__.index = nvo_mem_type_register("route-index");
        g_once_init_leave(&once, 1);
    }
}

/* ---- Next-hop sets ------------------------------------------------------ */

static uint32_t
nhs_hash__(const uint16_t *ports, uint32_t n)
{
    uint32_t h = 2166136261u ^ n;
    for (uint32_t i = 0; i < n; i++) {
        h = (h ^ ports[i]) * 16777619u;
    }
    return h ^ (h >> 15);
}

static void
nhs_reset__(struct nvo_node *n)
{
    if (!n->nhs) {
        n->nhs_cap = 16;
        n->nhs = nvo_mem_new(&n->mem, mt__.nh_sets, struct nvo_nhs,
                             n->nhs_cap);
        n->pool_cap = 64;
        n->nh_pool = nvo_mem_new(&n->mem, mt__.nh_pool, uint16_t,
                                 n->pool_cap);
        n->nhs_mask = 31;
        n->nhs_slots = nvo_mem_new(&n->mem, mt__.nh_hash, uint32_t,
                                   n->nhs_mask + 1);
    }
    memset(n->nhs_slots, 0, (n->nhs_mask + 1) * sizeof *n->nhs_slots);
    n->nhs[NVO_NHS_NONE] = (struct nvo_nhs) { 0, 0 };
    n->nhs[NVO_NHS_SOURCE] = (struct nvo_nhs) { 0, 0 };
    n->n_nhs = 2;
    n->pool_len = 0;
}

static bool
nhs_equal__(const struct nvo_node *n, uint32_t id, const uint16_t *ports,
            uint32_t k)
{
    return n->nhs[id].n == k
           && !memcmp(n->nh_pool + n->nhs[id].off, ports, k * sizeof *ports);
}

static void
nhs_grow_slots__(struct nvo_node *n)
{
    uint32_t mask = n->nhs_mask * 2 + 1;
    uint32_t *slots = nvo_mem_new0(&n->mem, mt__.nh_hash, uint32_t, mask + 1);
    for (uint32_t id = 2; id < n->n_nhs; id++) {
        uint32_t i = nhs_hash__(n->nh_pool + n->nhs[id].off, n->nhs[id].n)
                     & mask;
        while (slots[i]) {
            i = (i + 1) & mask;
        }
        slots[i] = id;
    }
    nvo_mem_delete(&n->mem, mt__.nh_hash, uint32_t, n->nhs_slots,
                   n->nhs_mask + 1);
    n->nhs_slots = slots;
    n->nhs_mask = mask;
}

/* The id of the set of 'k' (> 0) ascending ports at switch 'n', added if
 * new. */
static uint32_t
nhs_intern__(struct nvo_node *n, const uint16_t *ports, uint32_t k)
{
    uint32_t i = nhs_hash__(ports, k) & n->nhs_mask;
    for (uint32_t id; (id = n->nhs_slots[i]) != 0;
         i = (i + 1) & n->nhs_mask) {
        if (nhs_equal__(n, id, ports, k)) {
            return id;
        }
    }
    if (n->n_nhs == n->nhs_cap) {
        n->nhs = nvo_mem_renew(&n->mem, mt__.nh_sets, struct nvo_nhs, n->nhs,
                               n->nhs_cap, n->nhs_cap * 2);
        n->nhs_cap *= 2;
    }
    if (n->pool_len + k > n->pool_cap) {
        uint32_t cap = n->pool_cap;
        while (n->pool_len + k > cap) {
            cap *= 2;
        }
        n->nh_pool = nvo_mem_renew(&n->mem, mt__.nh_pool, uint16_t,
                                   n->nh_pool, n->pool_cap, cap);
        n->pool_cap = cap;
    }
    uint32_t id = n->n_nhs++;
    n->nhs[id] = (struct nvo_nhs) { n->pool_len, k };
    memcpy(n->nh_pool + n->pool_len, ports, k * sizeof *ports);
    n->pool_len += k;
    n->nhs_slots[i] = id;
    if (n->n_nhs * 2 > n->nhs_mask) {
        nhs_grow_slots__(n);
    }
    return id;
}

/* ---- Groups ------------------------------------------------------------- */

static guint
key_hash__(gconstpointer k_)
{
    const uint32_t *k = k_;
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i <= k[0]; i++) {
        h = (h ^ k[i]) * 16777619u;
    }
    return h;
}

static gboolean
key_equal__(gconstpointer a_, gconstpointer b_)
{
    const uint32_t *a = a_, *b = b_;
    return a[0] == b[0] && !memcmp(a + 1, b + 1, a[0] * sizeof *a);
}

static bool
usable__(const struct nvo_net *net, uint32_t li)
{
    const struct nvo_net_link *l = nvo_net_link(net, li);
    return l->link.up && nvo_net_node(net, l->a)->up
           && nvo_net_node(net, l->b)->up;
}

/* Makes room for group index 'g': every switch's FIB and the flags. */
static void
groups_reserve__(struct nvo_net *net, uint32_t g)
{
    struct nvo_routes *rt = &net->rt;
    if (g < rt->groups_cap) {
        return;
    }
    uint32_t cap = rt->groups_cap ? rt->groups_cap : 16;
    while (cap <= g) {
        cap *= 2;
    }
    rt->groups = nvo_mem_renew(&net->mem, mt__.groups, struct nvo_route_group,
                               rt->groups, rt->groups_cap, cap);
    memset(rt->groups + rt->groups_cap, 0,
           (cap - rt->groups_cap) * sizeof *rt->groups);
    rt->dirty = nvo_mem_renew(&net->mem, mt__.index, bool, rt->dirty,
                              rt->groups_cap, cap);
    memset(rt->dirty + rt->groups_cap, 0, cap - rt->groups_cap);
    /* At most every group is free: the free list has a slot per group. */
    rt->free_groups = nvo_mem_renew(&net->mem, mt__.index, uint32_t,
                                    rt->free_groups, rt->groups_cap, cap);
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
        n->fib = nvo_mem_renew(&n->mem, mt__.fib, uint32_t, n->fib,
                               rt->groups_cap, cap);
        memset(n->fib + rt->groups_cap, 0,
               (cap - rt->groups_cap) * sizeof *n->fib);
    }
    rt->groups_cap = cap;
}

/* Adds the group with key 'key' (copied); returns its index. */
static uint32_t
group_add__(struct nvo_net *net, const uint32_t *key)
{
    struct nvo_routes *rt = &net->rt;
    uint32_t g = rt->n_free ? rt->free_groups[--rt->n_free] : rt->n_groups++;
    groups_reserve__(net, g);
    struct nvo_route_group *gr = &rt->groups[g];
    gr->key = nvo_mem_new(&net->mem, mt__.group_keys, uint32_t, key[0] + 1);
    memcpy(gr->key, key, (key[0] + 1) * sizeof *key);
    gr->n_members = 0;
    gr->dist = nvo_mem_new(&net->mem, mt__.group_dists, int32_t,
                           rt->n_sw ? rt->n_sw : 1);
    g_hash_table_insert(rt->by_key, gr->key, GUINT_TO_POINTER(g + 1));
    rt->dirty[g] = true;
    return g;
}

static void
group_free__(struct nvo_net *net, uint32_t g)
{
    struct nvo_routes *rt = &net->rt;
    struct nvo_route_group *gr = &rt->groups[g];
    g_hash_table_remove(rt->by_key, gr->key);
    nvo_mem_delete(&net->mem, mt__.group_keys, uint32_t, gr->key,
                   gr->key[0] + 1);
    nvo_mem_delete(&net->mem, mt__.group_dists, int32_t, gr->dist,
                   rt->n_sw ? rt->n_sw : 1);
    memset(gr, 0, sizeof *gr);
    rt->dirty[g] = false;
    rt->free_groups[rt->n_free++] = g;
}

/* Puts hypervisor 'h' into the group of the switches it has usable links
 * to (none: no group, nothing routes to it). */
static void
regroup__(struct nvo_net *net, const struct nvo_node *h)
{
    struct nvo_routes *rt = &net->rt;
    uint32_t stack[17];
    uint32_t *key = h->n_ports < 16 ? stack : g_new(uint32_t, h->n_ports + 1);
    key[0] = 0;
    if (h->up) {
        for (uint32_t p = 0; p < h->n_ports; p++) {
            uint32_t s = h->peer[p];
            if (nvo_net_node(net, s)->sw == NVO_SW_NONE
                || !rt->link_usable[h->link[p]]) {
                continue;
            }
            uint32_t j = ++key[0];
            while (j > 1 && key[j - 1] > s) {       /* insertion sort */
                key[j] = key[j - 1];
                j--;
            }
            key[j] = s;
        }
    }
    uint32_t old = rt->node_group[h->index], g = NVO_GROUP_NONE;
    if (key[0]) {
        gpointer v = g_hash_table_lookup(rt->by_key, key);
        g = v ? GPOINTER_TO_UINT(v) - 1 : group_add__(net, key);
    }
    if (key != stack) {
        g_free(key);
    }
    if (g == old) {
        return;
    }
    if (old != NVO_GROUP_NONE && --rt->groups[old].n_members == 0) {
        group_free__(net, old);
    }
    if (g != NVO_GROUP_NONE) {
        rt->groups[g].n_members++;
    }
    rt->node_group[h->index] = g;
}

/* ---- Set-up ------------------------------------------------------------- */

static uint32_t
max1__(uint32_t n)
{
    return n ? n : 1;
}

static void
build__(struct nvo_net *net)
{
    struct nvo_routes *rt = &net->rt;
    uint32_t n_nodes = nvo_net_n_nodes(net);
    struct nvo_mem_acct *m = &net->mem;
    mem_types__();
    rt->built = true;
    rt->noted_links = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    rt->noted_nodes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    rt->by_key = g_hash_table_new(key_hash__, key_equal__);
    rt->node_group = nvo_mem_new(m, mt__.index, uint32_t, max1__(n_nodes));
    rt->node_up = nvo_mem_new(m, mt__.index, bool, max1__(n_nodes));
    rt->link_usable = nvo_mem_new(m, mt__.index, bool,
                                  max1__(net->links->len));
    rt->n_sw = 0;
    for (uint32_t i = 0; i < n_nodes; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        rt->node_group[i] = NVO_GROUP_NONE;
        if (n->role == NVO_ROLE_HYPERVISOR) {
            n->sw = NVO_SW_NONE;
            if (n->n_ports > rt->scratch_cap) {
                rt->scratch_cap = n->n_ports;
            }
        } else {
            n->sw = rt->n_sw++;
        }
    }
    rt->sw_node = nvo_mem_new(m, mt__.index, uint32_t, max1__(rt->n_sw));
    rt->adj_off = nvo_mem_new(m, mt__.index, uint32_t, rt->n_sw + 1);
    uint32_t n_adj = 0;
    for (uint32_t i = 0; i < n_nodes; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        if (n->sw == NVO_SW_NONE) {
            continue;
        }
        rt->sw_node[n->sw] = i;
        rt->adj_off[n->sw] = n_adj;
        for (uint32_t p = 0; p < n->n_ports; p++) {
            n_adj += nvo_net_node(net, n->peer[p])->sw != NVO_SW_NONE;
        }
    }
    rt->adj_off[rt->n_sw] = n_adj;
    rt->adj_peer = nvo_mem_new(m, mt__.index, uint32_t, max1__(n_adj));
    rt->adj_link = nvo_mem_new(m, mt__.index, uint32_t, max1__(n_adj));
    rt->adj_port = nvo_mem_new(m, mt__.index, uint16_t, max1__(n_adj));
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        const struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
        uint32_t e = rt->adj_off[s];
        for (uint32_t p = 0; p < n->n_ports; p++) {
            uint32_t peer_sw = nvo_net_node(net, n->peer[p])->sw;
            if (peer_sw != NVO_SW_NONE) {
                rt->adj_peer[e] = peer_sw;
                rt->adj_link[e] = n->link[p];
                rt->adj_port[e] = (uint16_t) p;
                e++;
            }
        }
    }
    /* Links to hypervisors per switch, sorted by the hypervisor. */
    rt->att_off = nvo_mem_new(m, mt__.index, uint32_t, rt->n_sw + 1);
    uint32_t n_att = 0;
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        const struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
        rt->att_off[s] = n_att;
        n_att += n->n_ports - (rt->adj_off[s + 1] - rt->adj_off[s]);
    }
    rt->att_off[rt->n_sw] = n_att;
    rt->att_node = nvo_mem_new(m, mt__.index, uint32_t, max1__(n_att));
    rt->att_link = nvo_mem_new(m, mt__.index, uint32_t, max1__(n_att));
    rt->att_port = nvo_mem_new(m, mt__.index, uint16_t, max1__(n_att));
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        const struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
        uint32_t base = rt->att_off[s], k = 0;
        for (uint32_t p = 0; p < n->n_ports; p++) {
            uint32_t h = n->peer[p];
            if (nvo_net_node(net, h)->sw != NVO_SW_NONE) {
                continue;
            }
            uint32_t j = base + k++;
            while (j > base && rt->att_node[j - 1] > h) {  /* insertion */
                rt->att_node[j] = rt->att_node[j - 1];
                rt->att_link[j] = rt->att_link[j - 1];
                rt->att_port[j] = rt->att_port[j - 1];
                j--;
            }
            rt->att_node[j] = h;
            rt->att_link[j] = n->link[p];
            rt->att_port[j] = (uint16_t) p;
        }
    }
    /* A next hop set at a hypervisor or a source switch has at most one
     * port per link of the node. */
    rt->scratch_cap = rt->scratch_cap ? rt->scratch_cap : 1;
    rt->scratch = nvo_mem_new(m, mt__.index, uint16_t, rt->scratch_cap);
    /* Every switch's own group, index = its slot. */
    groups_reserve__(net, rt->n_sw);
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        uint32_t key[2] = { 1, rt->sw_node[s] };
        uint32_t g = group_add__(net, key);
        rt->groups[g].n_members = 1;
        rt->node_group[rt->sw_node[s]] = g;
    }
}

void
nvo_routes_destroy__(struct nvo_net *net)
{
    struct nvo_routes *rt = &net->rt;
    if (!rt->built) {
        return;
    }
    struct nvo_mem_acct *m = &net->mem;
    uint32_t n_nodes = nvo_net_n_nodes(net);
    uint32_t n_adj = rt->adj_off[rt->n_sw], n_att = rt->att_off[rt->n_sw];
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
        nvo_mem_delete(&n->mem, mt__.fib, uint32_t, n->fib, rt->groups_cap);
        if (n->nhs) {
            nvo_mem_delete(&n->mem, mt__.nh_sets, struct nvo_nhs, n->nhs,
                           n->nhs_cap);
            nvo_mem_delete(&n->mem, mt__.nh_pool, uint16_t, n->nh_pool,
                           n->pool_cap);
            nvo_mem_delete(&n->mem, mt__.nh_hash, uint32_t, n->nhs_slots,
                           n->nhs_mask + 1);
        }
        n->fib = NULL;
        n->nhs = NULL;
        n->nh_pool = NULL;
        n->nhs_slots = NULL;
        n->n_nhs = n->nhs_cap = n->pool_len = n->pool_cap = n->nhs_mask = 0;
    }
    for (uint32_t g = 0; g < rt->n_groups; g++) {
        struct nvo_route_group *gr = &rt->groups[g];
        if (gr->key) {
            nvo_mem_delete(m, mt__.group_keys, uint32_t, gr->key,
                           gr->key[0] + 1);
            nvo_mem_delete(m, mt__.group_dists, int32_t, gr->dist,
                           max1__(rt->n_sw));
        }
    }
    g_hash_table_destroy(rt->by_key);
    g_array_free(rt->noted_links, TRUE);
    g_array_free(rt->noted_nodes, TRUE);
    nvo_mem_delete(m, mt__.groups, struct nvo_route_group, rt->groups,
                   rt->groups_cap);
    nvo_mem_delete(m, mt__.index, uint32_t, rt->free_groups, rt->groups_cap);
    nvo_mem_delete(m, mt__.index, bool, rt->dirty, rt->groups_cap);
    nvo_mem_delete(m, mt__.index, uint32_t, rt->node_group, max1__(n_nodes));
    nvo_mem_delete(m, mt__.index, bool, rt->node_up, max1__(n_nodes));
    nvo_mem_delete(m, mt__.index, bool, rt->link_usable,
                   max1__(net->links->len));
    nvo_mem_delete(m, mt__.index, uint32_t, rt->sw_node, max1__(rt->n_sw));
    nvo_mem_delete(m, mt__.index, uint32_t, rt->adj_off, rt->n_sw + 1);
    nvo_mem_delete(m, mt__.index, uint32_t, rt->adj_peer, max1__(n_adj));
    nvo_mem_delete(m, mt__.index, uint32_t, rt->adj_link, max1__(n_adj));
    nvo_mem_delete(m, mt__.index, uint16_t, rt->adj_port, max1__(n_adj));
    nvo_mem_delete(m, mt__.index, uint32_t, rt->att_off, rt->n_sw + 1);
    nvo_mem_delete(m, mt__.index, uint32_t, rt->att_node, max1__(n_att));
    nvo_mem_delete(m, mt__.index, uint32_t, rt->att_link, max1__(n_att));
    nvo_mem_delete(m, mt__.index, uint16_t, rt->att_port, max1__(n_att));
    nvo_mem_delete(m, mt__.index, uint16_t, rt->scratch, rt->scratch_cap);
    memset(rt, 0, sizeof *rt);
}

void
nvo_routes_note_link__(struct nvo_net *net, uint32_t li)
{
    if (net->rt.built) {
        g_array_append_val(net->rt.noted_links, li);
    }
}

void
nvo_routes_note_node__(struct nvo_net *net, uint32_t ni)
{
    if (net->rt.built) {
        g_array_append_val(net->rt.noted_nodes, ni);
    }
}

/* ---- Computation -------------------------------------------------------- */

/* Breadth-first from group g's sources over up switches and usable
 * links; 'queue' has room for every switch. */
static void
search__(struct nvo_net *net, uint32_t g, uint32_t *queue)
{
    struct nvo_routes *rt = &net->rt;
    struct nvo_route_group *gr = &rt->groups[g];
    int32_t *dist = gr->dist;
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        dist[s] = -1;
    }
    uint32_t head = 0, tail = 0;
    for (uint32_t i = 1; i <= gr->key[0]; i++) {
        const struct nvo_node *n = nvo_net_node(net, gr->key[i]);
        if (n->up && dist[n->sw] < 0) {
            dist[n->sw] = 0;
            queue[tail++] = n->sw;
        }
    }
    while (head < tail) {
        uint32_t u = queue[head++];
        int32_t du = dist[u] + 1;
        for (uint32_t e = rt->adj_off[u]; e < rt->adj_off[u + 1]; e++) {
            uint32_t v = rt->adj_peer[e];
            if (dist[v] < 0 && rt->link_usable[rt->adj_link[e]]) {
                dist[v] = du;
                queue[tail++] = v;
            }
        }
    }
}

/* The FIB entry of switch slot s toward group g from g's distances:
 * every usable port toward a switch one hop closer. */
static uint32_t
entry__(struct nvo_net *net, uint32_t s, uint32_t g, uint16_t *buf)
{
    struct nvo_routes *rt = &net->rt;
    struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
    const int32_t *dist = rt->groups[g].dist;
    int32_t d = dist[s];
    if (!n->up || d < 0) {
        return NVO_NHS_NONE;
    }
    if (d == 0) {
        return NVO_NHS_SOURCE;
    }
    uint32_t k = 0;
    for (uint32_t e = rt->adj_off[s]; e < rt->adj_off[s + 1]; e++) {
        if (dist[rt->adj_peer[e]] == d - 1
            && rt->link_usable[rt->adj_link[e]]) {
            buf[k++] = rt->adj_port[e];
        }
    }
    return k ? nhs_intern__(n, buf, k) : NVO_NHS_NONE;
}

static void
fill__(struct nvo_net *net, uint32_t g, uint16_t *buf)
{
    struct nvo_routes *rt = &net->rt;
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        nvo_net_node(net, rt->sw_node[s])->fib[g] = entry__(net, s, g, buf);
    }
}

static uint32_t
max_sw_degree__(const struct nvo_routes *rt)
{
    uint32_t m = 1;
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        uint32_t d = rt->adj_off[s + 1] - rt->adj_off[s];
        m = d > m ? d : m;
    }
    return m;
}

static void
finish__(struct nvo_net *net)
{
    net->n_route_computations++;
    net->last_convergence = nvo_engine_now(net->engine);
    if (net->n_route_computations > 1) {
        nvo_net_routes_changed__(net);
    }
}

void
nvo_net_compute_routes(struct nvo_net *net)
{
    struct nvo_routes *rt = &net->rt;
    if (!rt->built) {
        build__(net);
    }
    uint32_t n_nodes = nvo_net_n_nodes(net);
    g_array_set_size(rt->noted_links, 0);
    g_array_set_size(rt->noted_nodes, 0);
    for (uint32_t li = 0; li < net->links->len; li++) {
        rt->link_usable[li] = usable__(net, li);
    }
    for (uint32_t i = 0; i < n_nodes; i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        rt->node_up[i] = n->up;
        if (n->sw != NVO_SW_NONE) {
            nhs_reset__(n);
        }
    }
    for (uint32_t i = 0; i < n_nodes; i++) {
        const struct nvo_node *n = nvo_net_node(net, i);
        if (n->sw == NVO_SW_NONE) {
            regroup__(net, n);
        }
    }
    uint32_t *queue = g_new(uint32_t, rt->n_sw ? rt->n_sw : 1);
    uint16_t *buf = g_new(uint16_t, max_sw_degree__(rt));
    rt->last_groups_searched = 0;
    for (uint32_t g = 0; g < rt->n_groups; g++) {
        rt->dirty[g] = false;
        if (rt->groups[g].key) {
            search__(net, g, queue);
            fill__(net, g, buf);
            rt->last_groups_searched++;
        }
    }
    g_free(queue);
    g_free(buf);
    rt->last_full = true;
    rt->last_groups_patched = 0;
    rt->n_full++;
    finish__(net);
}

/* A port of a switch whose usability changed. */
struct change {
    uint32_t e;                 /* adjacency entry */
    bool usable;                /* now */
};

/* At switch slot s, with one changed port (entry e), maps every FIB
 * entry's set to the set with that port removed or added; 'memo' has room
 * for the node's sets.  For an added port, only groups in which the peer
 * is one hop closer change.  A group whose entry empties is marked dirty. */
static void
patch_one__(struct nvo_net *net, uint32_t s, const struct change *c,
            uint32_t *memo, uint16_t *buf)
{
    struct nvo_routes *rt = &net->rt;
    struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
    uint32_t n_old = n->n_nhs;
    uint16_t port = rt->adj_port[c->e];
    uint32_t peer = rt->adj_peer[c->e];
    for (uint32_t id = 0; id < n_old; id++) {
        memo[id] = UINT32_MAX;
    }
    for (uint32_t g = 0; g < rt->n_groups; g++) {
        if (!rt->groups[g].key || rt->dirty[g]) {
            continue;
        }
        uint32_t old = n->fib[g];
        if (c->usable) {
            const int32_t *dist = rt->groups[g].dist;
            if (dist[s] <= 0 || dist[peer] != dist[s] - 1) {
                continue;
            }
        }
        if (old <= NVO_NHS_SOURCE) {
            if (c->usable) {
                rt->dirty[g] = true;    /* cannot happen with valid d */
            }
            continue;
        }
        if (memo[old] == UINT32_MAX) {
            const uint16_t *ports = n->nh_pool + n->nhs[old].off;
            uint32_t k = 0, m = n->nhs[old].n;
            bool placed = false;
            for (uint32_t i = 0; i < m; i++) {
                if (c->usable && !placed && port < ports[i]) {
                    buf[k++] = port;
                    placed = true;
                }
                if (ports[i] != port) {
                    buf[k++] = ports[i];
                } else if (c->usable) {
                    placed = true;
                    buf[k++] = port;
                }
            }
            if (c->usable && !placed) {
                buf[k++] = port;
            }
            /* nhs_intern__ may move the pool: 'ports' is not used after. */
            memo[old] = k ? nhs_intern__(n, buf, k) : NVO_NHS_NONE;
        }
        n->fib[g] = memo[old];
        if (memo[old] == NVO_NHS_NONE) {
            rt->dirty[g] = true;        /* lost its last next hop */
        }
    }
}

void
nvo_net_update_routes(struct nvo_net *net)
{
    struct nvo_routes *rt = &net->rt;
    if (!rt->built) {
        nvo_net_compute_routes(net);
        return;
    }
    /* What changed since the routes were computed, of what was noted (a
     * link or node noted twice, or changed and changed back, counts once
     * or not at all). */
    GArray *links = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    for (guint k = 0; k < rt->noted_links->len; k++) {
        uint32_t li = g_array_index(rt->noted_links, uint32_t, k);
        bool u = usable__(net, li);
        if (u != rt->link_usable[li]) {
            rt->link_usable[li] = u;
            g_array_append_val(links, li);
        }
    }
    GArray *up_sw = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    GArray *down_sw = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    uint8_t *sw_state = g_new0(uint8_t, rt->n_sw ? rt->n_sw : 1);
    enum { SW_SAME, SW_CAME_UP, SW_WENT_DOWN };
    for (guint k = 0; k < rt->noted_nodes->len; k++) {
        uint32_t i = g_array_index(rt->noted_nodes, uint32_t, k);
        struct nvo_node *n = nvo_net_node(net, i);
        if (n->up == rt->node_up[i]) {
            continue;
        }
        rt->node_up[i] = n->up;
        if (n->sw == NVO_SW_NONE) {
            regroup__(net, n);
            continue;
        }
        sw_state[n->sw] = n->up ? SW_CAME_UP : SW_WENT_DOWN;
        rt->dirty[rt->node_group[i]] = true;    /* its own group */
        g_array_append_val(n->up ? up_sw : down_sw, n->sw);
    }
    g_array_set_size(rt->noted_links, 0);
    g_array_set_size(rt->noted_nodes, 0);
    /* Hypervisors on changed links move groups; changed switch ports are
     * collected per switch. */
    uint32_t *n_chg = g_new0(uint32_t, rt->n_sw ? rt->n_sw : 1);
    struct change *chg = g_new(struct change, rt->n_sw ? rt->n_sw : 1);
    GArray *sw_links = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    for (guint i = 0; i < links->len; i++) {
        uint32_t li = g_array_index(links, uint32_t, i);
        const struct nvo_net_link *l = nvo_net_link(net, li);
        const struct nvo_node *a = nvo_net_node(net, l->a);
        const struct nvo_node *b = nvo_net_node(net, l->b);
        if (a->sw == NVO_SW_NONE || b->sw == NVO_SW_NONE) {
            if (a->sw == NVO_SW_NONE) {
                regroup__(net, a);
            }
            if (b->sw == NVO_SW_NONE) {
                regroup__(net, b);
            }
            continue;
        }
        g_array_append_val(sw_links, li);
        const struct nvo_node *end[2] = { a, b };
        uint32_t port[2] = { l->a_port, l->b_port };
        for (int k = 0; k < 2; k++) {
            uint32_t s = end[k]->sw;
            if (sw_state[s] != SW_SAME) {
                continue;               /* redone from scratch below */
            }
            uint32_t e = rt->adj_off[s];
            while (rt->adj_port[e] != port[k]) {
                e++;
            }
            if (n_chg[s]++ == 0) {
                chg[s] = (struct change) { e, rt->link_usable[li] };
            }
        }
    }

    /* Distances: a switch that went down is unreachable; one that came up
     * is one hop past its nearest usable neighbour; a new link between
     * switches whose distances differ by more than one shortens paths. */
    for (uint32_t g = 0; g < rt->n_groups; g++) {
        struct nvo_route_group *gr = &rt->groups[g];
        if (!gr->key || rt->dirty[g]) {
            continue;
        }
        for (guint i = 0; i < down_sw->len; i++) {
            gr->dist[g_array_index(down_sw, uint32_t, i)] = -1;
        }
        for (guint i = 0; i < up_sw->len; i++) {
            uint32_t s = g_array_index(up_sw, uint32_t, i);
            int32_t best = -1;
            for (uint32_t e = rt->adj_off[s]; e < rt->adj_off[s + 1]; e++) {
                int32_t d = gr->dist[rt->adj_peer[e]];
                if (d >= 0 && rt->link_usable[rt->adj_link[e]]
                    && (best < 0 || d < best)) {
                    best = d;
                }
            }
            gr->dist[s] = best < 0 ? -1 : best + 1;
        }
        for (guint i = 0; i < sw_links->len && !rt->dirty[g]; i++) {
            uint32_t li = g_array_index(sw_links, uint32_t, i);
            if (!rt->link_usable[li]) {
                continue;
            }
            const struct nvo_net_link *l = nvo_net_link(net, li);
            int32_t da = gr->dist[nvo_net_node(net, l->a)->sw];
            int32_t db = gr->dist[nvo_net_node(net, l->b)->sw];
            if (da != db && (da < 0 || db < 0 || abs(da - db) > 1)) {
                rt->dirty[g] = true;
            }
        }
    }

    /* FIB entries at the ends of changed links. */
    uint32_t max_deg = max_sw_degree__(rt);
    uint16_t *buf = g_new(uint16_t, max_deg + 1);
    uint32_t *memo = NULL;
    uint32_t memo_cap = 0;
    for (uint32_t s = 0; s < rt->n_sw; s++) {
        struct nvo_node *n = nvo_net_node(net, rt->sw_node[s]);
        if (sw_state[s] == SW_WENT_DOWN) {
            for (uint32_t g = 0; g < rt->n_groups; g++) {
                n->fib[g] = NVO_NHS_NONE;
            }
            nhs_reset__(n);
            continue;
        }
        if (sw_state[s] == SW_CAME_UP || n_chg[s] > 1) {
            for (uint32_t g = 0; g < rt->n_groups; g++) {
                if (!rt->groups[g].key || rt->dirty[g]) {
                    continue;
                }
                n->fib[g] = entry__(net, s, g, buf);
                if (n->fib[g] == NVO_NHS_NONE && rt->groups[g].dist[s] > 0) {
                    rt->dirty[g] = true;
                }
            }
            continue;
        }
        if (n_chg[s] == 1) {
            if (memo_cap < n->n_nhs) {
                memo_cap = n->n_nhs;
                memo = g_renew(uint32_t, memo, memo_cap);
            }
            patch_one__(net, s, &chg[s], memo, buf);
        }
    }

    /* Groups whose distances changed (or that are new) are searched again
     * and refilled at every switch. */
    uint32_t *queue = g_new(uint32_t, rt->n_sw ? rt->n_sw : 1);
    rt->last_groups_searched = 0;
    rt->last_groups_patched = 0;
    for (uint32_t g = 0; g < rt->n_groups; g++) {
        if (!rt->groups[g].key) {
            continue;
        }
        if (rt->dirty[g]) {
            search__(net, g, queue);
            fill__(net, g, buf);
            rt->dirty[g] = false;
            rt->last_groups_searched++;
        } else if (links->len || up_sw->len) {
            rt->last_groups_patched++;
        }
    }
    g_free(queue);
    g_free(memo);
    g_free(buf);
    g_free(n_chg);
    g_free(chg);
    g_free(sw_state);
    g_array_free(links, TRUE);
    g_array_free(up_sw, TRUE);
    g_array_free(down_sw, TRUE);
    g_array_free(sw_links, TRUE);
    rt->last_full = false;
    rt->n_incremental++;
    finish__(net);
}

/* ---- Queries ------------------------------------------------------------ */

uint32_t
nvo_net_next_hops(const struct nvo_node *n, uint32_t dst,
                  const uint16_t **ports)
{
    struct nvo_net *net = n->net;
    struct nvo_routes *rt = &net->rt;
    *ports = rt->scratch;
    if (!n->up || dst == n->index || dst >= nvo_net_n_nodes(net)) {
        return 0;
    }
    uint32_t g = rt->node_group[dst];
    if (n->sw != NVO_SW_NONE) {
        if (g == NVO_GROUP_NONE) {
            return 0;
        }
        uint32_t id = n->fib[g];
        if (id > NVO_NHS_SOURCE) {
            *ports = n->nh_pool + n->nhs[id].off;
            return n->nhs[id].n;
        }
        if (id == NVO_NHS_NONE) {
            return 0;
        }
        /* A source of the group, not the destination itself: the
         * destination is a hypervisor attached to it. */
        return nvo_routes_attached__(rt, n->sw, dst, rt->scratch);
    }
    return nvo_routes_hv_next_hops__(net, n, dst, g, rt->scratch);
}

uint32_t
nvo_node_n_next_hops(const struct nvo_node *n, uint32_t dst)
{
    const uint16_t *ports;
    return nvo_net_next_hops(n, dst, &ports);
}

int
nvo_net_hops(const struct nvo_net *net, uint32_t a, uint32_t b)
{
    /* Follow the first next hop; all equal-cost paths have one length. */
    int hops = 0;
    uint32_t v = a;
    while (v != b) {
        const struct nvo_node *n = nvo_net_node(net, v);
        const uint16_t *ports;
        if (!nvo_net_next_hops(n, b, &ports) || hops > (int) net->nodes->len) {
            return -1;
        }
        v = n->peer[ports[0]];
        hops++;
    }
    return hops;
}
