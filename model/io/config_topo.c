/* config_topo.c: topology files: meaning checks and generator expansion.
 *
 * After the schema accepted the document, this file checks what the
 * schema cannot (units, ranges, names, duplicates, connectivity) and
 * expands <leaf-spine> and <five-stage> into explicit nodes and links,
 * then adds the explicit <node>s and <link>s.
 *
 * Generated names (docs/scenarios.md):
 *   leaf-spine   spine1..S, leaf1..L, hvL-K (hypervisor K on leaf L)
 *   five-stage   super1..X, spineP-S, leafP-L, hvP-L-K (pod P)
 * Generated order: super-spines, spines, leaves, hypervisors; links:
 * leaf-spine, then spine-super-spine, then hypervisor-leaf, with the
 * lower tier at 'a'.  So a leaf's ports are its uplinks (in spine order)
 * then its hypervisors; a spine's ports are its leaves then its
 * super-spines.
 *
 * Dual-homing pairs leaves 1-2, 3-4, ...: hypervisor hvL-K is linked to
 * leaf L (its port 1) and to L's partner (its port 2). */
#include "io/config_priv.h"

#include <libxml/tree.h>

/* Upper bound on generated nodes and links, against typos like
 * hypervisors-per-leaf="80000000". */
#define MAX_ELEMS 10000000ull

struct topo_index {
    GHashTable *by_name;        /* node name -> index + 1 */
    GHashTable *pairs;          /* gint64 (min << 32 | max) -> index + 1 */
};

struct topo_builder {
    struct cfg_doc *d;
    struct nvo_topo_cfg *t;
    GArray *nodes;              /* struct nvo_node_cfg */
    GArray *links;              /* struct nvo_topo_link_cfg */
    GPtrArray *node_src;        /* xmlNode * each node came from */
    GPtrArray *link_src;        /* xmlNode * each link came from */
    struct topo_index *ix;
    struct nvo_link_cfg dflt[NVO_LINK_CLASS_N];
    bool gen_failed;            /* names of generated nodes are unknown */
    guint n_errs_at_start;
};

static void
index_free__(struct topo_index *ix)
{
    if (ix) {
        g_hash_table_destroy(ix->by_name);
        g_hash_table_destroy(ix->pairs);
        g_free(ix);
    }
}

static gint64 *
pair_key__(uint32_t a, uint32_t b)
{
    gint64 *k = g_new(gint64, 1);
    *k = (gint64) (((uint64_t) NVO_MIN(a, b) << 32) | NVO_MAX(a, b));
    return k;
}

uint32_t
nvo_topo_cfg_find_node(const struct nvo_topo_cfg *t, const char *name)
{
    const struct topo_index *ix = t->index__;
    void *v = ix ? g_hash_table_lookup(ix->by_name, name) : NULL;
    return v ? (uint32_t) (GPOINTER_TO_SIZE(v) - 1) : NVO_NODE_NONE;
}

long
nvo_topo_cfg_find_link(const struct nvo_topo_cfg *t, uint32_t a, uint32_t b)
{
    const struct topo_index *ix = t->index__;
    if (!ix) {
        return -1;
    }
    gint64 k = (gint64) (((uint64_t) NVO_MIN(a, b) << 32) | NVO_MAX(a, b));
    void *v = g_hash_table_lookup(ix->pairs, &k);
    return v ? (long) GPOINTER_TO_SIZE(v) - 1 : -1;
}

void
nvo_topo_cfg_destroy(struct nvo_topo_cfg *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_nodes; i++) {
        g_free(t->nodes[i].name);
    }
    g_free(t->nodes);
    g_free(t->links);
    g_free(t->name);
    g_free(t->path);
    g_free(t->xml);
    index_free__(t->index__);
    g_free(t);
}

/* Location of what node/link 'src' came from. */
static const char *
src_loc__(const struct topo_builder *b, const xmlNode *src, char *buf,
          size_t size)
{
    return cfg_loc(b->d, src, NULL, buf, size);
}

/* Adds a node; takes 'name'.  Returns its index, or NVO_NODE_NONE (after
 * reporting) if the name is taken. */
static uint32_t
add_node__(struct topo_builder *b, char *name, enum nvo_role role,
           uint32_t pod, const xmlNode *src)
{
    void *old = g_hash_table_lookup(b->ix->by_name, name);
    if (old) {
        char first[CFG_LOC_SIZE];
        const xmlNode *osrc = b->node_src->pdata[GPOINTER_TO_SIZE(old) - 1];
        src_loc__(b, osrc, first, sizeof first);
        cfg_err_attr(b->d, src, "name", "duplicate node name (first "
                     "defined at %s)", first);
        g_free(name);
        return NVO_NODE_NONE;
    }
    struct nvo_node_cfg n = {
        .name = name, .role = role, .pod = pod,
        .leaves = { NVO_NODE_NONE, NVO_NODE_NONE },
        .line = cfg_line(b->d, src),
    };
    uint32_t idx = b->nodes->len;
    g_array_append_val(b->nodes, n);
    g_ptr_array_add(b->node_src, (void *) src);
    g_hash_table_insert(b->ix->by_name, name, GSIZE_TO_POINTER(idx + 1));
    return idx;
}

static struct nvo_node_cfg *
node__(struct topo_builder *b, uint32_t i)
{
    return &g_array_index(b->nodes, struct nvo_node_cfg, i);
}

/* Adds a link between nodes 'x' and 'y' (checked to exist). */
static void
add_link__(struct topo_builder *b, uint32_t x, uint32_t y,
           enum nvo_link_class cls, const struct nvo_link_cfg *cfg,
           const xmlNode *src)
{
    if (x == y) {
        cfg_err(b->d, src, NULL, "<%s a=\"%s\" b=\"%s\">: a link from a "
                "node to itself", cfg_name(src), node__(b, x)->name,
                node__(b, y)->name);
        return;
    }
    gint64 *key = pair_key__(x, y);
    void *old = g_hash_table_lookup(b->ix->pairs, key);
    if (old) {
        char first[CFG_LOC_SIZE];
        src_loc__(b, b->link_src->pdata[GPOINTER_TO_SIZE(old) - 1], first,
                  sizeof first);
        cfg_err(b->d, src, NULL, "<%s a=\"%s\" b=\"%s\">: duplicate link "
                "(first defined at %s)", cfg_name(src), node__(b, x)->name,
                node__(b, y)->name, first);
        g_free(key);
        return;
    }
    struct nvo_topo_link_cfg l = {
        .a = x, .b = y, .cls = cls, .cfg = *cfg,
        .line = cfg_line(b->d, src),
    };
    uint32_t idx = b->links->len;
    g_array_append_val(b->links, l);
    g_ptr_array_add(b->link_src, (void *) src);
    g_hash_table_insert(b->ix->pairs, key, GSIZE_TO_POINTER(idx + 1));
}

/* Reads the link parameters of element 'n' into 'cfg'. */
static void
link_params__(struct topo_builder *b, const xmlNode *n,
              struct nvo_link_cfg *cfg)
{
    uint64_t v;
    if (!n) {
        return;
    }
    cfg_get_rate(b->d, n, "rate", &cfg->rate_bps);
    cfg_get_time(b->d, n, "delay", true, &cfg->delay);
    v = cfg->mtu;
    if (cfg_get_uint(b->d, n, "mtu", 68, 65535, &v)) {
        cfg->mtu = (uint32_t) v;
    }
    cfg_get_size(b->d, n, "queue", 1, UINT64_MAX, &cfg->queue_bytes);
    cfg_get_size(b->d, n, "ctrl-queue", 1, UINT64_MAX,
                 &cfg->ctrl_queue_bytes);
    v = cfg->framing;
    if (cfg_get_uint(b->d, n, "framing", 0, 1024, &v)) {
        cfg->framing = (uint32_t) v;
    }
}

/* Checks that the queues of 'cfg' hold a full-size frame (as
 * nvo_link_connect() requires); reports at 'n'. */
static bool
link_cfg_ok__(struct topo_builder *b, const xmlNode *n,
              const struct nvo_link_cfg *cfg)
{
    static const char *const attrs[2] = { "queue", "ctrl-queue" };
    const uint64_t q[2] = { cfg->queue_bytes, cfg->ctrl_queue_bytes };
    bool ok = true;
    for (int i = 0; i < 2; i++) {
        if (q[i] >= (uint64_t) cfg->mtu + 18) {
            continue;
        }
        char what[160];
        snprintf(what, sizeof what, "%s of %" G_GUINT64_FORMAT " bytes "
                 "cannot hold one full-size frame (MTU %u + 18 bytes of "
                 "Ethernet header and FCS)", attrs[i], q[i], cfg->mtu);
        if (xmlHasProp(n, (const xmlChar *) attrs[i])) {
            cfg_err_attr(b->d, n, attrs[i], "%s", what);
        } else {
            cfg_err(b->d, n, NULL, "<%s>: %s", cfg_name(n), what);
        }
        ok = false;
    }
    return ok;
}

/* The leaf paired with 'l' (1-based) for dual-homing. */
static uint32_t
partner__(uint32_t l)
{
    return l % 2 ? l + 1 : l - 1;
}

/* Reads a count attribute; false (reported) if bad. */
static bool
count__(struct topo_builder *b, const xmlNode *g, const char *attr,
        uint64_t min, uint64_t *out)
{
    *out = 0;
    return cfg_get_uint(b->d, g, attr, min, 1000000, out);
}

/* Checks the dual-homing of 'leaves' leaves per group. */
static bool
dual_ok__(struct topo_builder *b, const xmlNode *g, bool dual,
          uint64_t leaves)
{
    if (!dual) {
        return true;
    }
    if (leaves < 2) {
        cfg_err_attr(b->d, g, "dual-homed", "needs at least 2 leaves%s",
                     strcmp(cfg_name(g), "five-stage") ? "" : " per pod");
        return false;
    }
    if (leaves % 2) {
        cfg_err_attr(b->d, g, "dual-homed", "needs an even number of "
                     "leaves%s (leaves are paired 1-2, 3-4, ...)",
                     strcmp(cfg_name(g), "five-stage") ? "" : " per pod");
        return false;
    }
    return true;
}

static bool
size_ok__(struct topo_builder *b, const xmlNode *g, uint64_t n_nodes,
          uint64_t n_links)
{
    if (n_nodes > MAX_ELEMS || n_links > MAX_ELEMS) {
        cfg_err(b->d, g, NULL, "<%s>: %" G_GUINT64_FORMAT " nodes and %"
                G_GUINT64_FORMAT " links are too many (at most %llu each)",
                cfg_name(g), n_nodes, n_links, MAX_ELEMS);
        return false;
    }
    /* Refused before they are generated (finish__() checks the total). */
    if (n_links > NVO_NET_MAX_LINKS) {
        cfg_err(b->d, g, NULL, "<%s>: %" G_GUINT64_FORMAT " links; the "
                "underlay's link addresses (a /31 each in 172.16.0.0/12) "
                "have room for at most %u", cfg_name(g), n_links,
                NVO_NET_MAX_LINKS);
        return false;
    }
    return true;
}

/* Link parameters of a generator's child 'name' over class defaults;
 * reports at the child (or the generator).  False if bad. */
static bool
gen_link_cfg__(struct topo_builder *b, const xmlNode *g, const char *name,
               enum nvo_link_class cls, struct nvo_link_cfg *cfg)
{
    guint n0 = b->d->errs->msgs->len;
    const xmlNode *c = cfg_child(g, name);
    *cfg = b->dflt[cls];
    link_params__(b, c, cfg);
    if (b->d->errs->msgs->len != n0) {
        return false;
    }
    return link_cfg_ok__(b, c ? c : g, cfg);
}

static void
gen_access__(struct topo_builder *b, const xmlNode *g, uint32_t leaf_base,
             uint32_t hv, uint32_t l, bool dual,
             const struct nvo_link_cfg *acc)
{
    add_link__(b, hv, leaf_base + l - 1, NVO_LINK_ACCESS, acc, g);
    if (dual) {
        add_link__(b, hv, leaf_base + partner__(l) - 1, NVO_LINK_ACCESS,
                   acc, g);
    }
}

static void
gen_leaf_spine__(struct topo_builder *b, const xmlNode *g)
{
    struct nvo_topo_cfg *t = b->t;
    uint64_t S, L, H;
    bool dual = false;
    bool ok = count__(b, g, "spines", 1, &S);
    ok &= count__(b, g, "leaves", 1, &L);
    ok &= count__(b, g, "hypervisors-per-leaf", 0, &H);
    ok &= cfg_get_bool(b->d, g, "dual-homed", &dual);
    ok = ok && dual_ok__(b, g, dual, L);
    ok = ok && size_ok__(b, g, S + L + L * H,
                         S * L + L * H * (dual ? 2 : 1));
    struct nvo_link_cfg up, acc;
    ok &= gen_link_cfg__(b, g, "uplink", NVO_LINK_FABRIC, &up);
    ok &= gen_link_cfg__(b, g, "access", NVO_LINK_ACCESS, &acc);
    t->generator = NVO_GEN_LEAF_SPINE;
    t->pods = 1;
    t->spines = (uint32_t) S;
    t->leaves = (uint32_t) L;
    t->hypervisors_per_leaf = (uint32_t) H;
    t->dual_homed = dual;
    if (!ok) {
        b->gen_failed = true;
        return;
    }
    uint32_t spine_base = b->nodes->len;
    for (uint32_t s = 1; s <= S; s++) {
        add_node__(b, g_strdup_printf("spine%u", s), NVO_ROLE_SPINE, 0, g);
    }
    uint32_t leaf_base = b->nodes->len;
    for (uint32_t l = 1; l <= L; l++) {
        add_node__(b, g_strdup_printf("leaf%u", l), NVO_ROLE_LEAF, 0, g);
    }
    uint32_t hv_base = b->nodes->len;
    for (uint32_t l = 1; l <= L; l++) {
        for (uint32_t k = 1; k <= H; k++) {
            add_node__(b, g_strdup_printf("hv%u-%u", l, k),
                       NVO_ROLE_HYPERVISOR, 0, g);
        }
    }
    for (uint32_t l = 0; l < L; l++) {
        for (uint32_t s = 0; s < S; s++) {
            add_link__(b, leaf_base + l, spine_base + s, NVO_LINK_FABRIC,
                       &up, g);
        }
    }
    for (uint32_t l = 1; l <= L; l++) {
        for (uint32_t k = 0; k < H; k++) {
            gen_access__(b, g, leaf_base, hv_base + (l - 1) * H + k, l,
                         dual, &acc);
        }
    }
}

static void
gen_five_stage__(struct topo_builder *b, const xmlNode *g)
{
    struct nvo_topo_cfg *t = b->t;
    uint64_t P, SP, LP, H, X;
    bool dual = false;
    bool ok = count__(b, g, "pods", 1, &P);
    ok &= count__(b, g, "spines-per-pod", 1, &SP);
    ok &= count__(b, g, "leaves-per-pod", 1, &LP);
    ok &= count__(b, g, "hypervisors-per-leaf", 0, &H);
    ok &= count__(b, g, "super-spines", 1, &X);
    ok &= cfg_get_bool(b->d, g, "dual-homed", &dual);
    if (ok && X % SP) {
        cfg_err_attr(b->d, g, "super-spines", "must be a multiple of "
                     "spines-per-pod (%" G_GUINT64_FORMAT "): spine S of "
                     "every pod links to the super-spines of plane S", SP);
        ok = false;
    }
    ok = ok && dual_ok__(b, g, dual, LP);
    ok = ok && size_ok__(b, g, X + P * (SP + LP + LP * H),
                         P * LP * SP + P * X + P * LP * H * (dual ? 2 : 1));
    struct nvo_link_cfg up, sup, acc;
    ok &= gen_link_cfg__(b, g, "uplink", NVO_LINK_FABRIC, &up);
    ok &= gen_link_cfg__(b, g, "super-uplink", NVO_LINK_SUPER, &sup);
    ok &= gen_link_cfg__(b, g, "access", NVO_LINK_ACCESS, &acc);
    t->generator = NVO_GEN_FIVE_STAGE;
    t->pods = (uint32_t) P;
    t->spines = (uint32_t) SP;
    t->leaves = (uint32_t) LP;
    t->hypervisors_per_leaf = (uint32_t) H;
    t->super_spines = (uint32_t) X;
    t->dual_homed = dual;
    if (!ok) {
        b->gen_failed = true;
        return;
    }
    uint32_t super_base = b->nodes->len;
    for (uint32_t x = 1; x <= X; x++) {
        add_node__(b, g_strdup_printf("super%u", x), NVO_ROLE_SUPER_SPINE,
                   0, g);
    }
    uint32_t spine_base = b->nodes->len;
    for (uint32_t p = 1; p <= P; p++) {
        for (uint32_t s = 1; s <= SP; s++) {
            add_node__(b, g_strdup_printf("spine%u-%u", p, s),
                       NVO_ROLE_SPINE, p, g);
        }
    }
    uint32_t leaf_base = b->nodes->len;
    for (uint32_t p = 1; p <= P; p++) {
        for (uint32_t l = 1; l <= LP; l++) {
            add_node__(b, g_strdup_printf("leaf%u-%u", p, l),
                       NVO_ROLE_LEAF, p, g);
        }
    }
    uint32_t hv_base = b->nodes->len;
    for (uint32_t p = 1; p <= P; p++) {
        for (uint32_t l = 1; l <= LP; l++) {
            for (uint32_t k = 1; k <= H; k++) {
                add_node__(b, g_strdup_printf("hv%u-%u-%u", p, l, k),
                           NVO_ROLE_HYPERVISOR, p, g);
            }
        }
    }
    for (uint32_t p = 0; p < P; p++) {
        for (uint32_t l = 0; l < LP; l++) {
            for (uint32_t s = 0; s < SP; s++) {
                add_link__(b, leaf_base + p * LP + l, spine_base + p * SP + s,
                           NVO_LINK_FABRIC, &up, g);
            }
        }
    }
    uint32_t per_plane = (uint32_t) (X / SP);
    for (uint32_t p = 0; p < P; p++) {
        for (uint32_t s = 0; s < SP; s++) {
            for (uint32_t j = 0; j < per_plane; j++) {
                add_link__(b, spine_base + p * SP + s,
                           super_base + s * per_plane + j, NVO_LINK_SUPER,
                           &sup, g);
            }
        }
    }
    for (uint32_t p = 0; p < P; p++) {
        for (uint32_t l = 1; l <= LP; l++) {
            for (uint32_t k = 0; k < H; k++) {
                gen_access__(b, g, leaf_base + p * (uint32_t) LP,
                             hv_base + (p * (uint32_t) LP + l - 1) * H + k,
                             l, dual, &acc);
            }
        }
    }
}

static void
explicit_nodes__(struct topo_builder *b, const xmlNode *root)
{
    CFG_FOR_CHILD(n, root, "node") {
        const char *name = cfg_attr(b->d, n, "name");
        const char *role = cfg_attr(b->d, n, "role");
        if (!cfg_name_ok(name)) {
            cfg_err_attr(b->d, n, "name", "a node name is letters, digits, "
                         "'.', '_' and '-'");
            continue;
        }
        enum nvo_role r = NVO_ROLE_ROUTER;
        if (!role || !nvo_role_from_name(role, &r)) {
            cfg_err_attr(b->d, n, "role", "unknown role");
            continue;
        }
        add_node__(b, g_strdup(name), r, 0, n);
    }
}

static uint32_t
endpoint__(struct topo_builder *b, const xmlNode *n, const char *attr)
{
    const char *name = cfg_attr(b->d, n, attr);
    void *v = name ? g_hash_table_lookup(b->ix->by_name, name) : NULL;
    if (!v) {
        if (!b->gen_failed) {
            cfg_err_attr(b->d, n, attr, "unknown node");
        }
        return NVO_NODE_NONE;
    }
    return (uint32_t) (GPOINTER_TO_SIZE(v) - 1);
}

static void
explicit_links__(struct topo_builder *b, const xmlNode *root)
{
    CFG_FOR_CHILD(n, root, "link") {
        uint32_t x = endpoint__(b, n, "a");
        uint32_t y = endpoint__(b, n, "b");
        if (x == NVO_NODE_NONE || y == NVO_NODE_NONE) {
            continue;
        }
        enum nvo_role rx = node__(b, x)->role, ry = node__(b, y)->role;
        enum nvo_link_class cls = NVO_LINK_FABRIC;
        const char *c = cfg_attr(b->d, n, "class");
        if (c) {
            cls = !strcmp(c, "access") ? NVO_LINK_ACCESS
                  : !strcmp(c, "super") ? NVO_LINK_SUPER : NVO_LINK_FABRIC;
        } else if (rx == NVO_ROLE_HYPERVISOR || ry == NVO_ROLE_HYPERVISOR) {
            cls = NVO_LINK_ACCESS;
        } else if (rx == NVO_ROLE_SUPER_SPINE
                   || ry == NVO_ROLE_SUPER_SPINE) {
            cls = NVO_LINK_SUPER;
        }
        struct nvo_link_cfg cfg = b->dflt[cls];
        guint n0 = b->d->errs->msgs->len;
        link_params__(b, n, &cfg);
        if (b->d->errs->msgs->len != n0 || !link_cfg_ok__(b, n, &cfg)) {
            continue;
        }
        add_link__(b, x, y, cls, &cfg, n);
    }
}

/* Ports, hypervisors' leaves, isolated nodes, connectivity. */
static void
finish__(struct topo_builder *b, const xmlNode *root)
{
    struct nvo_topo_cfg *t = b->t;
    for (uint32_t i = 0; i < b->links->len; i++) {
        struct nvo_topo_link_cfg *l = &g_array_index(
            b->links, struct nvo_topo_link_cfg, i);
        struct nvo_node_cfg *na = node__(b, l->a), *nb = node__(b, l->b);
        l->a_port = ++na->n_ports;
        l->b_port = ++nb->n_ports;
        t->n_class[l->cls]++;
        for (int side = 0; side < 2; side++) {
            struct nvo_node_cfg *hv = side ? nb : na;
            uint32_t leaf = side ? l->a : l->b;
            if (hv->role != NVO_ROLE_HYPERVISOR
                || node__(b, leaf)->role != NVO_ROLE_LEAF) {
                continue;
            }
            if (hv->n_leaves == 2) {
                cfg_err(b->d, b->link_src->pdata[i], NULL, "hypervisor %s "
                        "is linked to more than 2 leaves", hv->name);
                continue;
            }
            hv->leaves[hv->n_leaves++] = leaf;
        }
    }
    /* The rest would only repeat problems already reported. */
    if (b->gen_failed || b->d->errs->msgs->len != b->n_errs_at_start) {
        return;
    }
    if (!b->nodes->len) {
        cfg_err(b->d, root, NULL, "<topology>: no nodes");
        return;
    }
    guint n0 = b->d->errs->msgs->len;
    /* What the network can be built with (net.h's limits): refused here,
     * with the place, rather than when a run builds it. */
    if (b->nodes->len > NVO_NET_MAX_NODES) {
        cfg_err(b->d, root, NULL, "<topology>: %u nodes; the underlay's "
                "addresses (10.0.0.0/8) have room for at most %u",
                b->nodes->len, NVO_NET_MAX_NODES);
    }
    if (b->links->len > NVO_NET_MAX_LINKS) {
        cfg_err(b->d, root, NULL, "<topology>: %u links; the underlay's "
                "link addresses (a /31 each in 172.16.0.0/12) have room "
                "for at most %u", b->links->len, NVO_NET_MAX_LINKS);
    }
    bool ports_reported = false;
    for (uint32_t i = 0; i < b->nodes->len; i++) {
        struct nvo_node_cfg *n = node__(b, i);
        t->n_role[n->role]++;
        if (!n->n_ports) {
            cfg_err(b->d, b->node_src->pdata[i], NULL, "node %s is not "
                    "linked to any other node", n->name);
        } else if (n->n_ports > NVO_NET_MAX_PORTS && !ports_reported) {
            cfg_err(b->d, b->node_src->pdata[i], NULL, "node %s has %u "
                    "links; a node has at most %u ports", n->name,
                    n->n_ports, NVO_NET_MAX_PORTS);
            ports_reported = true;     /* once: its peers have as many */
        }
    }
    if (b->d->errs->msgs->len != n0) {
        return;
    }
    /* Breadth-first search from node 0 over the links. */
    uint32_t n_nodes = b->nodes->len;
    GArray **adj = g_new0(GArray *, n_nodes);
    for (uint32_t i = 0; i < n_nodes; i++) {
        adj[i] = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    }
    for (uint32_t i = 0; i < b->links->len; i++) {
        const struct nvo_topo_link_cfg *l = &g_array_index(
            b->links, struct nvo_topo_link_cfg, i);
        g_array_append_val(adj[l->a], l->b);
        g_array_append_val(adj[l->b], l->a);
    }
    bool *seen = g_new0(bool, n_nodes);
    uint32_t *queue = g_new(uint32_t, n_nodes);
    uint32_t head = 0, tail = 0;
    queue[tail++] = 0;
    seen[0] = true;
    while (head < tail) {
        uint32_t u = queue[head++];
        for (guint j = 0; j < adj[u]->len; j++) {
            uint32_t v = g_array_index(adj[u], uint32_t, j);
            if (!seen[v]) {
                seen[v] = true;
                queue[tail++] = v;
            }
        }
    }
    for (uint32_t i = 0; i < n_nodes; i++) {
        if (!seen[i]) {
            cfg_err(b->d, root, NULL, "<topology>: not connected: no path "
                    "from %s to %s", node__(b, 0)->name, node__(b, i)->name);
            break;
        }
    }
    for (uint32_t i = 0; i < n_nodes; i++) {
        g_array_free(adj[i], TRUE);
    }
    g_free(adj);
    g_free(seen);
    g_free(queue);
}

static struct nvo_topo_cfg *
topo_build__(struct cfg_doc *d)
{
    struct topo_builder b = {
        .d = d,
        .t = g_new0(struct nvo_topo_cfg, 1),
        .nodes = g_array_new(FALSE, TRUE, sizeof(struct nvo_node_cfg)),
        .links = g_array_new(FALSE, TRUE, sizeof(struct nvo_topo_link_cfg)),
        .node_src = g_ptr_array_new(),
        .link_src = g_ptr_array_new(),
        .ix = g_new0(struct topo_index, 1),
        .n_errs_at_start = d->errs->msgs->len,
    };
    b.ix->by_name = g_hash_table_new(g_str_hash, g_str_equal);
    b.ix->pairs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                        NULL);
    struct nvo_topo_cfg *t = b.t;
    const xmlNode *root = xmlDocGetRootElement(d->xml);

    const char *name = cfg_attr(d, root, "name");
    if (!cfg_name_ok(name)) {
        cfg_err_attr(d, root, "name", "a topology name is letters, digits, "
                     "'.', '_' and '-'");
    }
    t->name = g_strdup(name ? name : "");
    t->path = g_strdup(d->abs);

    /* Link defaults per class. */
    for (int c = 0; c < NVO_LINK_CLASS_N; c++) {
        nvo_link_cfg_default(&b.dflt[c]);
    }
    const xmlNode *defaults = cfg_child(root, "defaults");
    if (defaults) {
        const xmlNode *fabric = cfg_child(defaults, "fabric");
        link_params__(&b, fabric, &b.dflt[NVO_LINK_FABRIC]);
        link_params__(&b, fabric, &b.dflt[NVO_LINK_SUPER]);
        link_params__(&b, cfg_child(defaults, "super"),
                      &b.dflt[NVO_LINK_SUPER]);
        link_params__(&b, cfg_child(defaults, "access"),
                      &b.dflt[NVO_LINK_ACCESS]);
    }

    const xmlNode *g = cfg_child(root, "leaf-spine");
    if (g) {
        gen_leaf_spine__(&b, g);
    } else if ((g = cfg_child(root, "five-stage"))) {
        gen_five_stage__(&b, g);
    }
    explicit_nodes__(&b, root);
    explicit_links__(&b, root);
    finish__(&b, root);

    t->n_nodes = b.nodes->len;
    t->nodes = (struct nvo_node_cfg *) (void *) g_array_free(b.nodes, FALSE);
    t->n_links = b.links->len;
    t->links = (struct nvo_topo_link_cfg *) (void *)
               g_array_free(b.links, FALSE);
    t->index__ = b.ix;
    t->xml = cfg_doc_serialize(d);
    g_ptr_array_free(b.node_src, TRUE);
    g_ptr_array_free(b.link_src, TRUE);
    return t;
}

struct nvo_topo_cfg *
cfg_topo_load(const char *display, const char *abs,
              const struct cfg_set *sets, size_t n_sets, bool standalone,
              const char *ioloc, struct cfg_capture *cap,
              struct cfg_errs *errs)
{
    struct cfg_schema *schema = cfg_schema_load("topologies/topology.rng",
                                                errs);
    if (!schema) {
        return NULL;
    }
    struct cfg_doc d;
    cfg_doc_init(&d, display, abs, schema, errs);
    struct nvo_topo_cfg *t = NULL;
    guint n0 = errs->msgs->len;
    if (cfg_doc_read(&d, cap, ioloc, "topology")) {
        cfg_sets_apply(&d, sets, n_sets, true, standalone);
        if (errs->msgs->len == n0 && cfg_doc_validate(&d, cap)) {
            t = topo_build__(&d);
            if (errs->msgs->len != n0) {
                nvo_topo_cfg_destroy(t);
                t = NULL;
            }
        }
    }
    cap->doc = NULL;
    cfg_doc_destroy(&d);
    cfg_schema_destroy(schema);
    return t;
}

struct nvo_topo_cfg *
nvo_topo_load(const char *path, const char *const *sets, size_t n_sets,
              GError **error)
{
    struct cfg_errs errs;
    cfg_errs_init(&errs);
    struct cfg_capture cap;
    cfg_capture_begin(&cap, &errs);
    struct cfg_set *parsed = NULL;
    struct nvo_topo_cfg *t = NULL;
    if (cfg_sets_parse(sets, n_sets, &parsed, &errs)) {
        char *abs = g_canonicalize_filename(path, NULL);
        t = cfg_topo_load(path, abs, parsed, n_sets, true, NULL, &cap, &errs);
        g_free(abs);
    }
    cfg_capture_end(&cap);
    if (!t) {
        cfg_errs_to_gerror(&errs, error);
    }
    cfg_sets_free(parsed, n_sets);
    cfg_errs_destroy(&errs);
    return t;
}
