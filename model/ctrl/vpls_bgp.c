/* vpls_bgp.c: BGP-signalled VPLS (RFC 4761) on one PE: VSIs with VE IDs,
 * label blocks and their NLRI on the route bus, received NLRI turned into
 * the PE's pseudowire labels (see vpls_bgp.h, docs/vpls-bgp.md). */
#include "ctrl/vpls_bgp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "core/mem.h"
#include "fabric/net.h"
#include "overlay/mac_table.h"
#include "wire/wire.h"

#define NONE UINT32_MAX
#define LABEL_MAX 0xfffffu

/* One of this PE's label blocks of a VSI. */
struct block {
    uint16_t offset;
    uint32_t base;
};

/* Another PE of a VSI, as its NLRI describe it. */
struct remote {
    uint32_t node;
    uint16_t ve;
    struct nvo_vpls_nlri *blocks;   /* in arrival order */
    uint32_t n_blocks;
    uint32_t tx;                /* label pushed toward it (0: down) */
    uint32_t rx;                /* label expected from it (0: none) */
};

struct vsi {
    uint32_t tenant, vni;
    uint16_t ve;
    bool removed;
    struct block *blocks;       /* in allocation order */
    uint32_t n_blocks;
    struct remote *r;           /* ascending node */
    uint32_t n_r;
};

/* Memory types (core/mem.h), counted in the PE node's account. */
static nvo_mem_type mt_vb, mt_vsi, mt_remote, mt_nlri, mt_block;

struct nvo_vpls_bgp {
    struct nvo_pe_node *pe;
    struct nvo_mem_acct *acct;  /* the PE node's */
    struct nvo_net *net;
    struct nvo_vpls_bgp_cfg cfg;
    const struct nvo_vpls_bgp_bus_ops *bus;
    void *bus_ctx;
    uint32_t router_id;
    bool started;
    struct vsi *vsis;           /* by tenant */
    uint32_t n_vsis;
    uint32_t next_label;
    struct nvo_vpls_bgp_counters c;
};

void
nvo_vpls_bgp_cfg_default(struct nvo_vpls_bgp_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->asn = NVO_VPLS_BGP_ASN_DEFAULT;
    c->block_size = NVO_VPLS_BGP_BLOCK_DEFAULT;
    c->label_base = NVO_VPLS_BGP_LABEL_BASE;
    c->mtu = NVO_VPLS_BGP_MTU;
}

void
nvo_vpls_bgp_rt(uint8_t ec[NVO_BGP_EC_LEN], uint16_t asn, uint32_t vni)
{
    nvo_bgp_ec_rt(ec, asn, vni);
}

static struct vsi *
vsi_of(const struct nvo_vpls_bgp *v, uint32_t tenant)
{
    return tenant < v->n_vsis ? &v->vsis[tenant] : NULL;
}

/* The remote 'node' of 's' (ascending node): NULL if none. */
static struct remote *
remote_of(const struct vsi *s, uint32_t node)
{
    uint32_t lo = 0, hi = s->n_r;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (s->r[mid].node < node) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < s->n_r && s->r[lo].node == node ? &s->r[lo] : NULL;
}

static struct remote *
remote_get(struct nvo_vpls_bgp *v, struct vsi *s, uint32_t node)
{
    struct remote *r = remote_of(s, node);
    if (r) {
        return r;
    }
    uint32_t i = 0;
    while (i < s->n_r && s->r[i].node < node) {
        i++;
    }
    s->r = nvo_mem_renew(v->acct, mt_remote, struct remote, s->r, s->n_r,
                         s->n_r + 1);
    memmove(s->r + i + 1, s->r + i, (s->n_r - i) * sizeof *s->r);
    s->n_r++;
    memset(&s->r[i], 0, sizeof s->r[i]);
    s->r[i].node = node;
    return &s->r[i];
}

/* ---- Origination ------------------------------------------------------- */

static void
nlri_of(const struct nvo_vpls_bgp *v, const struct vsi *s,
        const struct block *b, struct nvo_vpls_nlri *n)
{
    memset(n, 0, sizeof *n);
    nvo_bgp_rd_type1(n->rd, v->router_id, (uint16_t) (s->tenant + 1));
    n->ve_id = s->ve;
    n->block_offset = b->offset;
    n->block_size = v->cfg.block_size;
    n->label_base = b->base;
}

/* The attributes of the VSI's NLRI: ORIGIN IGP, empty AS_PATH,
 * LOCAL_PREF 100, RT and Layer2 Info, next hop the router id. */
static void
attrs_of(const struct nvo_vpls_bgp *v, const struct vsi *s,
         struct nvo_bgp_attrs *a, uint8_t ec[2][NVO_BGP_EC_LEN])
{
    memset(a, 0, sizeof *a);
    nvo_vpls_bgp_rt(ec[0], v->cfg.asn, s->vni);
    nvo_bgp_ec_l2info(ec[1], NVO_VPLS_BGP_ENCAP,
                      v->cfg.control_word ? NVO_VPLS_BGP_FLAG_C : 0,
                      v->cfg.mtu);
    a->present = 1u << NVO_BGP_ATTR_ORIGIN | 1u << NVO_BGP_ATTR_AS_PATH
                 | 1u << NVO_BGP_ATTR_LOCAL_PREF | 1u << NVO_BGP_ATTR_EXT_COMM
                 | 1u << NVO_BGP_ATTR_MP_REACH;
    a->origin = 0;
    a->local_pref = 100;
    a->ext_comm = &ec[0][0];
    a->n_ext_comm = 2;
    a->mp_afi = NVO_BGP_AFI_L2VPN;
    a->mp_safi = NVO_BGP_SAFI_VPLS;
    a->mp_nh_len = 4;
    nvo_wr32(a->mp_nh, v->router_id);
}

static void
advertise(struct nvo_vpls_bgp *v, const struct vsi *s, const struct block *b)
{
    struct nvo_vpls_nlri n;
    struct nvo_bgp_attrs a;
    uint8_t ec[2][NVO_BGP_EC_LEN];
    nlri_of(v, s, b, &n);
    attrs_of(v, s, &a, ec);
    v->c.nlri_advertised++;
    if (v->bus->advertise(v->bus_ctx, &n, &a)) {
        v->c.bus_errors++;
    }
}

static void
withdraw(struct nvo_vpls_bgp *v, const struct vsi *s, const struct block *b)
{
    struct nvo_vpls_nlri n;
    nlri_of(v, s, b, &n);
    v->c.nlri_withdrawn++;
    if (v->bus->withdraw(v->bus_ctx, &n)) {
        v->c.bus_errors++;
    }
}

/* This PE's label for VE ID 've' in 's': from the block covering it,
 * allocated (and advertised) if there is none.  0: the label space is
 * used up. */
static uint32_t
own_label(struct nvo_vpls_bgp *v, struct vsi *s, uint16_t ve)
{
    uint32_t size = v->cfg.block_size;
    uint32_t offset = (uint32_t) (ve - 1) / size * size + 1;
    for (uint32_t i = 0; i < s->n_blocks; i++) {
        if (s->blocks[i].offset == offset) {
            return s->blocks[i].base + ve - offset;
        }
    }
    if ((uint64_t) v->next_label + size - 1 > LABEL_MAX) {
        v->c.labels_exhausted++;
        return 0;
    }
    s->blocks = nvo_mem_renew(v->acct, mt_block, struct block, s->blocks,
                              s->n_blocks, s->n_blocks + 1);
    struct block *b = &s->blocks[s->n_blocks++];
    b->offset = (uint16_t) offset;
    b->base = v->next_label;
    v->next_label += size;
    v->c.label_blocks++;
    v->c.labels_allocated += size;
    if (v->started && !s->removed) {
        advertise(v, s, b);
    }
    return b->base + ve - offset;
}

/* ---- Pseudowires ----------------------------------------------------------- */

/* Removes the remote, non-static MACs of the VSI learned at PE 'at'. */
static void
flush_macs(struct nvo_vpls_bgp *v, const struct vsi *s, uint32_t at)
{
    struct nvo_mac_table *t = nvo_pe_node_mac_table(v->pe);
    uint64_t n = 0;
    struct nvo_mac_entry *e = nvo_mac_table_sorted(t, &n);
    for (uint64_t i = 0; i < n; i++) {
        if (e[i].vni == s->vni && (e[i].flags & NVO_MAC_REMOTE)
            && !(e[i].flags & NVO_MAC_STATIC) && e[i].loc == at
            && nvo_mac_table_remove(t, s->vni, e[i].mac)) {
            v->c.macs_flushed++;
        }
    }
    g_free(e);
}

/* Brings the pseudowire of 's' with 'r' to what the blocks say. */
static void
pw_eval(struct nvo_vpls_bgp *v, struct vsi *s, struct remote *r)
{
    uint32_t tx = 0, rx = 0;
    if (v->started && !s->removed && r->n_blocks) {
        for (uint32_t i = 0; i < r->n_blocks && !tx; i++) {
            if (!nvo_vpls_label_for(&r->blocks[i], s->ve, &tx)) {
                tx = 0;
            }
        }
        rx = own_label(v, s, r->ve);
    }
    if (tx != r->tx) {
        if (!r->tx) {
            v->c.pws_up++;
            v->c.pw_up_events++;
        } else if (!tx) {
            v->c.pws_up--;
            v->c.pw_down_events++;
        }
        r->tx = tx;
        (void) nvo_pe_node_set_pw_label(v->pe, s->tenant, r->node, tx);
        if (!tx) {
            flush_macs(v, s, r->node);
        }
    }
    if (rx != r->rx) {
        if (r->rx) {
            (void) nvo_pe_node_set_pw_rx(v->pe, r->rx, UINT32_MAX, 0);
        }
        r->rx = rx;
        if (rx && nvo_pe_node_set_pw_rx(v->pe, rx, s->tenant, r->node)) {
            abort();            /* labels stay within 20 bits (own_label) */
        }
    }
}

/* ---- Received NLRI --------------------------------------------------------- */

static uint32_t
import_tenant(const struct nvo_vpls_bgp *v, const struct nvo_bgp_attrs *a)
{
    for (uint16_t i = 0; i < a->n_ext_comm; i++) {
        struct nvo_bgp_ec x = nvo_bgp_ec_parse(a->ext_comm + 8u * i);
        uint32_t t;
        if (x.kind == NVO_BGP_EC_RT && x.a == v->cfg.asn
            && !nvo_pe_node_find_tenant(v->pe, x.b, &t) && t < v->n_vsis) {
            return t;
        }
    }
    return NONE;
}

/* Whether the Layer2 Info community (if any) agrees with ours: VPLS
 * encapsulation, the same C flag and MTU (RFC 4761 3.2.4). */
static bool
l2info_ok(const struct nvo_vpls_bgp *v, const struct nvo_bgp_attrs *a)
{
    for (uint16_t i = 0; i < a->n_ext_comm; i++) {
        struct nvo_bgp_ec x = nvo_bgp_ec_parse(a->ext_comm + 8u * i);
        if (x.kind != NVO_BGP_EC_L2INFO) {
            continue;
        }
        uint32_t flags = x.b >> 16, mtu = x.b & 0xffffu;
        bool c = (flags & NVO_VPLS_BGP_FLAG_C) != 0;
        return x.a == NVO_VPLS_BGP_ENCAP && c == v->cfg.control_word
               && (!v->cfg.mtu || !mtu || mtu == v->cfg.mtu);
    }
    return true;
}

static bool
nlri_eq(const struct nvo_vpls_nlri *x, const struct nvo_vpls_nlri *y)
{
    return !memcmp(x->rd, y->rd, NVO_BGP_RD_LEN) && x->ve_id == y->ve_id
           && x->block_offset == y->block_offset
           && x->block_size == y->block_size
           && x->label_base == y->label_base;
}

/* The PE node at IPv4 'addr' other than this one, or NONE. */
static uint32_t
pe_at(const struct nvo_vpls_bgp *v, uint32_t addr)
{
    int n = nvo_net_addr4_node(v->net, addr);
    if (n < 0 || (uint32_t) n == nvo_pe_node_index(v->pe)
        || !nvo_pe_node_of(nvo_net_node(v->net, (uint32_t) n))) {
        return NONE;
    }
    return (uint32_t) n;
}

static void
nlri_in(struct nvo_vpls_bgp *v, const struct nvo_vpls_nlri *n,
        const struct nvo_bgp_attrs *a, uint32_t originator)
{
    v->c.nlri_received++;
    uint32_t t = import_tenant(v, a);
    if (t == NONE) {
        v->c.not_imported++;
        return;
    }
    struct vsi *s = &v->vsis[t];
    uint32_t node = pe_at(v, a->mp_nh_len == 4 ? nvo_rd32(a->mp_nh)
                                               : originator);
    bool collision = n->ve_id == s->ve;
    for (uint32_t i = 0; i < s->n_r && !collision; i++) {
        collision = s->r[i].node != node && s->r[i].n_blocks
                    && s->r[i].ve == n->ve_id;
    }
    struct remote *old = node == NONE ? NULL : remote_of(s, node);
    if (node == NONE || collision || !n->ve_id || !n->block_size
        || !l2info_ok(v, a)
        || (old && old->n_blocks && old->ve != n->ve_id)) {
        v->c.refused++;
        return;
    }
    struct remote *r = remote_get(v, s, node);
    r->ve = n->ve_id;
    for (uint32_t i = 0; i < r->n_blocks; i++) {
        if (nlri_eq(&r->blocks[i], n)) {
            pw_eval(v, s, r);   /* new attributes, same block */
            return;
        }
    }
    r->blocks = nvo_mem_renew(v->acct, mt_nlri, struct nvo_vpls_nlri,
                              r->blocks, r->n_blocks, r->n_blocks + 1);
    r->blocks[r->n_blocks++] = *n;
    pw_eval(v, s, r);
}

static void
nlri_gone(struct nvo_vpls_bgp *v, const struct nvo_vpls_nlri *n)
{
    v->c.nlri_unreach++;
    for (uint32_t t = 0; t < v->n_vsis; t++) {
        struct vsi *s = &v->vsis[t];
        for (uint32_t i = 0; i < s->n_r; i++) {
            struct remote *r = &s->r[i];
            for (uint32_t k = 0; k < r->n_blocks; k++) {
                if (!nlri_eq(&r->blocks[k], n)) {
                    continue;
                }
                memmove(r->blocks + k, r->blocks + k + 1,
                        (r->n_blocks - k - 1) * sizeof *r->blocks);
                r->blocks = nvo_mem_renew(v->acct, mt_nlri,
                                          struct nvo_vpls_nlri, r->blocks,
                                          r->n_blocks, r->n_blocks - 1);
                r->n_blocks--;
                pw_eval(v, s, r);
                return;
            }
        }
    }
}

void
nvo_vpls_bgp_route_in(struct nvo_vpls_bgp *v, const struct nvo_vpls_nlri *n,
                      const struct nvo_bgp_attrs *a, uint32_t originator)
{
    if (originator && originator == v->router_id) {
        return;
    }
    if (a) {
        nlri_in(v, n, a, originator);
    } else {
        nlri_gone(v, n);
    }
}

/* ---- Life cycle ------------------------------------------------------------ */

struct nvo_vpls_bgp *
nvo_vpls_bgp_create(struct nvo_pe_node *pe, const struct nvo_vpls_bgp_cfg *cfg,
                    const struct nvo_vpls_bgp_bus_ops *bus, void *bus_ctx)
{
    struct nvo_vpls_bgp_cfg c;
    if (cfg) {
        c = *cfg;
    } else {
        nvo_vpls_bgp_cfg_default(&c);
    }
    if (!c.asn) {
        c.asn = NVO_VPLS_BGP_ASN_DEFAULT;
    }
    if (!c.block_size) {
        c.block_size = NVO_VPLS_BGP_BLOCK_DEFAULT;
    }
    if (!c.label_base) {
        c.label_base = NVO_VPLS_BGP_LABEL_BASE;
    }
    if (!pe || !bus || !bus->advertise || !bus->withdraw
        || c.label_base < 16 || c.label_base > LABEL_MAX) {
        errno = EINVAL;
        return NULL;
    }
    struct nvo_node *node = nvo_pe_node_base(pe);
    uint32_t ve = c.ve_id;
    if (!ve) {                  /* the PE's position among the PEs + 1 */
        ve = 1;
        for (uint32_t i = 0; i < node->index; i++) {
            if (nvo_pe_node_of(nvo_net_node(node->net, i))) {
                ve++;
            }
        }
        if (ve > UINT16_MAX) {
            errno = EINVAL;
            return NULL;
        }
    }
    if (nvo_pe_node_set_pw_mode(pe)) {
        errno = EINVAL;
        return NULL;
    }
    if (!mt_vb) {
        mt_vb = nvo_mem_type_register("vpls-bgp");
        mt_vsi = nvo_mem_type_register("vpls-bgp-vsi");
        mt_remote = nvo_mem_type_register("vpls-bgp-remote");
        mt_nlri = nvo_mem_type_register("vpls-bgp-nlri");
        mt_block = nvo_mem_type_register("vpls-bgp-block");
    }
    struct nvo_vpls_bgp *v = nvo_mem_alloc0(&node->mem, mt_vb, sizeof *v);
    v->pe = pe;
    v->acct = &node->mem;
    v->net = node->net;
    v->cfg = c;
    v->bus = bus;
    v->bus_ctx = bus_ctx;
    v->router_id = node->addr4;
    v->next_label = c.label_base;
    v->n_vsis = nvo_pe_node_n_tenants(pe);
    v->vsis = nvo_mem_new0(v->acct, mt_vsi, struct vsi, v->n_vsis);
    for (uint32_t t = 0; t < v->n_vsis; t++) {
        v->vsis[t].tenant = t;
        v->vsis[t].vni = nvo_pe_node_vni(pe, t);
        v->vsis[t].ve = (uint16_t) ve;
    }
    return v;
}

void
nvo_vpls_bgp_destroy(struct nvo_vpls_bgp *v)
{
    if (!v) {
        return;
    }
    for (uint32_t t = 0; t < v->n_vsis; t++) {
        struct vsi *s = &v->vsis[t];
        for (uint32_t i = 0; i < s->n_r; i++) {
            nvo_mem_delete(v->acct, mt_nlri, struct nvo_vpls_nlri,
                           s->r[i].blocks, s->r[i].n_blocks);
        }
        nvo_mem_delete(v->acct, mt_remote, struct remote, s->r, s->n_r);
        nvo_mem_delete(v->acct, mt_block, struct block, s->blocks,
                       s->n_blocks);
    }
    nvo_mem_delete(v->acct, mt_vsi, struct vsi, v->vsis, v->n_vsis);
    nvo_mem_free(v->acct, mt_vb, v, sizeof *v);
}

int
nvo_vpls_bgp_set_ve_id(struct nvo_vpls_bgp *v, uint32_t tenant, uint16_t ve)
{
    struct vsi *s = vsi_of(v, tenant);
    if (!s || !ve) {
        return EINVAL;
    }
    if (v->started) {
        return EBUSY;
    }
    s->ve = ve;
    return 0;
}

static void
eval_all(struct nvo_vpls_bgp *v, struct vsi *s)
{
    for (uint32_t i = 0; i < s->n_r; i++) {
        pw_eval(v, s, &s->r[i]);
    }
}

int
nvo_vpls_bgp_start(struct nvo_vpls_bgp *v)
{
    if (v->started) {
        return EALREADY;
    }
    v->started = true;
    for (uint32_t t = 0; t < v->n_vsis; t++) {
        struct vsi *s = &v->vsis[t];
        (void) own_label(v, s, s->ve);  /* the first block, advertised */
        eval_all(v, s);
    }
    return 0;
}

int
nvo_vpls_bgp_remove_vsi(struct nvo_vpls_bgp *v, uint32_t tenant)
{
    struct vsi *s = vsi_of(v, tenant);
    if (!s || !v->started) {
        return ENOENT;
    }
    if (s->removed) {
        return EALREADY;
    }
    for (uint32_t i = 0; i < s->n_blocks; i++) {
        withdraw(v, s, &s->blocks[i]);
    }
    s->removed = true;
    eval_all(v, s);
    return 0;
}

int
nvo_vpls_bgp_restore_vsi(struct nvo_vpls_bgp *v, uint32_t tenant)
{
    struct vsi *s = vsi_of(v, tenant);
    if (!s || !v->started) {
        return ENOENT;
    }
    if (!s->removed) {
        return EALREADY;
    }
    s->removed = false;
    for (uint32_t i = 0; i < s->n_blocks; i++) {
        advertise(v, s, &s->blocks[i]);
    }
    eval_all(v, s);
    return 0;
}

/* ---- Queries --------------------------------------------------------------- */

const struct nvo_vpls_bgp_counters *
nvo_vpls_bgp_counters(const struct nvo_vpls_bgp *v)
{
    return &v->c;
}

struct nvo_pe_node *
nvo_vpls_bgp_pe(const struct nvo_vpls_bgp *v)
{
    return v->pe;
}

uint32_t
nvo_vpls_bgp_router_id(const struct nvo_vpls_bgp *v)
{
    return v->router_id;
}

uint16_t
nvo_vpls_bgp_ve_id(const struct nvo_vpls_bgp *v, uint32_t tenant)
{
    const struct vsi *s = vsi_of(v, tenant);
    return s ? s->ve : 0;
}

uint32_t
nvo_vpls_bgp_n_blocks(const struct nvo_vpls_bgp *v, uint32_t tenant)
{
    const struct vsi *s = vsi_of(v, tenant);
    return s && !s->removed ? s->n_blocks : 0;
}

bool
nvo_vpls_bgp_block(const struct nvo_vpls_bgp *v, uint32_t tenant, uint32_t k,
                   struct nvo_vpls_nlri *out)
{
    const struct vsi *s = vsi_of(v, tenant);
    if (!s || k >= s->n_blocks) {
        return false;
    }
    nlri_of(v, s, &s->blocks[k], out);
    return true;
}

uint32_t
nvo_vpls_bgp_tx_label(const struct nvo_vpls_bgp *v, uint32_t tenant,
                      uint32_t peer)
{
    const struct vsi *s = vsi_of(v, tenant);
    const struct remote *r = s ? remote_of(s, peer) : NULL;
    return r ? r->tx : 0;
}

uint32_t
nvo_vpls_bgp_rx_label(const struct nvo_vpls_bgp *v, uint32_t tenant,
                      uint32_t peer)
{
    const struct vsi *s = vsi_of(v, tenant);
    const struct remote *r = s ? remote_of(s, peer) : NULL;
    return r ? r->rx : 0;
}

uint32_t
nvo_vpls_bgp_n_remotes(const struct nvo_vpls_bgp *v, uint32_t tenant)
{
    const struct vsi *s = vsi_of(v, tenant);
    uint32_t k = 0;
    for (uint32_t i = 0; s && i < s->n_r; i++) {
        k += s->r[i].n_blocks != 0;
    }
    return k;
}
