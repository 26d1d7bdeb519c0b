/* tor_vtep.c: the VTEP on the leaf: a PE node (overlay/pe_node.c) whose
 * local side is the leaf's 802.1Q access ports (see tor_vtep.h). */
#include "overlay/tor_vtep.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "overlay/access.h"
#include "wire/wire.h"

struct tv_tenant {
    uint16_t vid;
    uint32_t *ports;                    /* access ports hosting it */
    uint32_t n_ports, cap_ports;
};

struct nvo_tor_vtep {
    struct nvo_pe_node *pe;
    struct tv_tenant *tenants;          /* by the PE's tenant number */
    uint32_t n_tenants, cap_tenants;
    uint32_t by_vid[NVO_VLAN_VID_MAX + 1];  /* vid -> tenant + 1 */
    struct nvo_tor_vtep_counters c;
};

/* ---- The access side (struct nvo_pe_access_ops) ---------------------------- */

static void
to_port(struct nvo_tor_vtep *v, uint32_t tenant, uint32_t port,
        struct nvo_pkt *p)
{
    nvo_access_tag(p, v->tenants[tenant].vid);
    v->c.access_tx++;
    nvo_node_send_port(nvo_pe_node_base(v->pe), port, p);
}

static void
to_local__(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint32_t loc,
           struct nvo_pkt *p)
{
    (void) pe;
    to_port(ctx, tenant, loc, p);
}

static uint32_t
flood_local__(void *ctx, struct nvo_pe_node *pe, uint32_t tenant,
              uint32_t except, const struct nvo_pkt *p)
{
    (void) pe;
    struct nvo_tor_vtep *v = ctx;
    const struct tv_tenant *te = &v->tenants[tenant];
    uint32_t n = 0;
    for (uint32_t i = 0; i < te->n_ports; i++) {
        if (te->ports[i] == except) {
            continue;
        }
        struct nvo_pkt *c = nvo_pkt_clone(p);
        c->tclass = NVO_TC_BUM;
        to_port(v, tenant, te->ports[i], c);
        n++;
    }
    return n;
}

static void
destroy__(void *ctx)
{
    struct nvo_tor_vtep *v = ctx;
    for (uint32_t t = 0; t < v->n_tenants; t++) {
        free(v->tenants[t].ports);
    }
    free(v->tenants);
    g_free(v);
}

static const struct nvo_pe_access_ops tor_access_ops = {
    .to_local = to_local__,
    .flood_local = flood_local__,
    .destroy = destroy__,
};

/* A frame from a hypervisor on access port 'port'. */
static void
rx__(struct nvo_port *port, struct nvo_pkt *p)
{
    struct nvo_node *n = port->node;
    if (!n->up) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NODE_DOWN);
        return;
    }
    struct nvo_tor_vtep *v = nvo_pe_node_access_ctx(nvo_pe_node_of(n));
    n->n_local++;               /* taken by the VTEP */
    v->c.access_rx++;
    uint16_t vid;
    if (nvo_access_untag(p, &vid)) {
        v->c.untagged++;
        nvo_pkt_free(p);
        return;
    }
    uint32_t t = vid <= NVO_VLAN_VID_MAX ? v->by_vid[vid] : 0;
    if (!t || nvo_pe_node_local_send(v->pe, t - 1, port->index, p)) {
        v->c.unknown_vlan++;
        nvo_pkt_free(p);
    }
}

/* ---- API ---------------------------------------------------------------- */

struct nvo_tor_vtep *
nvo_tor_vtep_create(struct nvo_net *net, const char *name,
                    const struct nvo_pe_node_cfg *cfg)
{
    if (!cfg) {
        errno = EINVAL;
        return NULL;
    }
    struct nvo_tor_vtep *v = g_new0(struct nvo_tor_vtep, 1);
    struct nvo_pe_node_cfg c = *cfg;
    c.access = &tor_access_ops;
    c.access_ctx = v;
    v->pe = nvo_pe_node_create(net, name, &c);
    if (!v->pe) {
        /* A node that was added is freed by the net with its ops' destroy,
         * which frees v; else v is ours. */
        int e = errno;
        int ix = nvo_net_find(net, name);
        struct nvo_node *n = ix >= 0 ? nvo_net_node(net, (uint32_t) ix)
                                     : NULL;
        if (!nvo_pe_node_of(n) || nvo_pe_node_access_ctx(nvo_pe_node_of(n))
                                  != v) {
            g_free(v);
        }
        errno = e;
        return NULL;
    }
    return v;
}

struct nvo_pe_node *
nvo_tor_vtep_pe(struct nvo_tor_vtep *v)
{
    return v->pe;
}

struct nvo_tor_vtep *
nvo_tor_vtep_of(struct nvo_node *n)
{
    struct nvo_pe_node *pe = nvo_pe_node_of(n);
    return pe ? nvo_pe_node_access_ctx(pe) : NULL;
}

uint32_t
nvo_tor_vtep_attach(struct nvo_tor_vtep *v)
{
    struct nvo_node *n = nvo_pe_node_base(v->pe);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n->n_ports; i++) {
        if (nvo_net_node(n->net, n->peer[i])->role == NVO_ROLE_HYPERVISOR) {
            nvo_node_set_port_rx(n, i, rx__);
            k++;
        }
    }
    return k;
}

int
nvo_tor_vtep_add_tenant(struct nvo_tor_vtep *v, uint32_t vni, uint16_t vid,
                        uint32_t *tenant)
{
    if (vid < 1 || vid > NVO_VLAN_VID_MAX) {
        return EINVAL;
    }
    if (v->by_vid[vid]) {
        return EEXIST;
    }
    if (v->n_tenants == v->cap_tenants) {
        uint32_t cap = v->cap_tenants ? 2 * v->cap_tenants : 4;
        struct tv_tenant *a = realloc(v->tenants, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        v->tenants = a;
        v->cap_tenants = cap;
    }
    uint32_t t;
    int error = nvo_pe_node_add_tenant(v->pe, vni, &t);
    if (error) {
        return error;
    }
    if (t != v->n_tenants) {
        abort();                /* only this file adds the PE's tenants */
    }
    memset(&v->tenants[t], 0, sizeof v->tenants[t]);
    v->tenants[t].vid = vid;
    v->by_vid[vid] = t + 1;
    v->n_tenants++;
    *tenant = t;
    return 0;
}

int
nvo_tor_vtep_add_port(struct nvo_tor_vtep *v, uint32_t tenant, uint32_t port)
{
    const struct nvo_node *n = nvo_pe_node_base(v->pe);
    if (tenant >= v->n_tenants || port >= n->n_ports) {
        return EINVAL;
    }
    struct tv_tenant *te = &v->tenants[tenant];
    for (uint32_t i = 0; i < te->n_ports; i++) {
        if (te->ports[i] == port) {
            return 0;
        }
    }
    if (te->n_ports == te->cap_ports) {
        uint32_t cap = te->cap_ports ? 2 * te->cap_ports : 2;
        uint32_t *a = realloc(te->ports, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        te->ports = a;
        te->cap_ports = cap;
    }
    te->ports[te->n_ports++] = port;
    return 0;
}

uint16_t
nvo_tor_vtep_vlan(const struct nvo_tor_vtep *v, uint32_t tenant)
{
    return tenant < v->n_tenants ? v->tenants[tenant].vid : 0;
}

const uint32_t *
nvo_tor_vtep_ports(const struct nvo_tor_vtep *v, uint32_t tenant, uint32_t *n)
{
    *n = tenant < v->n_tenants ? v->tenants[tenant].n_ports : 0;
    return tenant < v->n_tenants ? v->tenants[tenant].ports : NULL;
}

const struct nvo_tor_vtep_counters *
nvo_tor_vtep_counters(const struct nvo_tor_vtep *v)
{
    return &v->c;
}

int
nvo_tor_vtep_find_vlan(const struct nvo_tor_vtep *v, uint16_t vid,
                       uint32_t *tenant)
{
    if (vid > NVO_VLAN_VID_MAX || !v->by_vid[vid]) {
        return ENOENT;
    }
    *tenant = v->by_vid[vid] - 1;
    return 0;
}
