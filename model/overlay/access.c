/* access.c: a hypervisor's plain virtual switch with an 802.1Q-tagged
 * uplink to the VTEP on its leaf, and the tag push / pop (see access.h). */
#include "overlay/access.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "wire/wire.h"

struct acc_vm {
    uint64_t mac;
    uint32_t ip4;
};

struct acc_tenant {
    uint16_t vid;
    struct acc_vm *vms;
    uint32_t n_vms, cap_vms;
    struct nvo_pe_node_counters c;
};

struct nvo_access_hv {
    struct nvo_node node;               /* first: the base */
    struct nvo_access_hv_cfg cfg;
    struct acc_tenant *tenants;
    uint32_t n_tenants, cap_tenants;
    GHashTable *by_vid;                 /* vid -> tenant + 1 */
    struct nvo_pe_node_counters c;
};

/* ---- The tag ------------------------------------------------------------ */

void
nvo_access_tag(struct nvo_pkt *p, uint16_t vid)
{
    uint8_t *d = nvo_pkt_push(p, NVO_VLAN_LEN);
    memmove(d, d + NVO_VLAN_LEN, 12);
    nvo_wr16(d + 12, NVO_ETH_TYPE_VLAN);
    struct nvo_vlan_info v = { .pcp = 0, .dei = false, .vid = vid,
                               .type = nvo_rd16(d + 16) };
    nvo_vlan_encode(d + 14, &v);
    p->l2_ofs = nvo_pkt_data_ofs(p);
}

int
nvo_access_untag(struct nvo_pkt *p, uint16_t *vid)
{
    if (p->size < 18 || nvo_rd16(p->data + 12) != NVO_ETH_TYPE_VLAN) {
        return EINVAL;
    }
    struct nvo_vlan_info v;
    if (nvo_vlan_decode(p->data + 14, 4, &v)) {
        return EINVAL;
    }
    *vid = v.vid;
    memmove(p->data + NVO_VLAN_LEN, p->data, 12);
    nvo_pkt_pull(p, NVO_VLAN_LEN);
    p->l2_ofs = nvo_pkt_data_ofs(p);
    return 0;
}

/* ---- Node ops ----------------------------------------------------------- */

static void
destroy__(struct nvo_node *n)
{
    struct nvo_access_hv *hv = NVO_CONTAINER_OF(n, struct nvo_access_hv,
                                                node);
    for (uint32_t t = 0; t < hv->n_tenants; t++) {
        free(hv->tenants[t].vms);
    }
    free(hv->tenants);
    if (hv->by_vid) {
        g_hash_table_destroy(hv->by_vid);
    }
}

/* Sends nothing IP: every frame leaves tagged by port 0. */
static const struct nvo_node_ops access_ops = {
    .name = "access-hypervisor",
    .size = sizeof(struct nvo_access_hv),
    .destroy = destroy__,
};

/* ---- Helpers ------------------------------------------------------------ */

/* Counts 'v' in a field of the hypervisor's and the tenant's counters. */
#define COUNT(hv, te, field, v)                                            \
    do {                                                                   \
        (hv)->c.field += (v);                                              \
        (te)->c.field += (v);                                              \
    } while (0)

static int64_t
find_vm(const struct acc_tenant *te, uint64_t mac)
{
    for (uint32_t v = 0; v < te->n_vms; v++) {
        if (te->vms[v].mac == mac) {
            return v;
        }
    }
    return -1;
}

static inline uint64_t
mac_at(const struct nvo_pkt *p, uint32_t at)
{
    return nvo_mac_from_bytes(p->data + at);
}

static void
deliver(struct nvo_access_hv *hv, struct acc_tenant *te, uint32_t vm,
        const struct nvo_pkt *p)
{
    COUNT(hv, te, delivered, 1);
    COUNT(hv, te, delivered_bytes, nvo_pkt_len(p));
    if (hv->cfg.deliver) {
        hv->cfg.deliver(hv->cfg.ctx, hv, (uint32_t) (te - hv->tenants), vm,
                        p);
    }
}

/* ---- From the leaf ------------------------------------------------------- */

static void
rx__(struct nvo_port *port, struct nvo_pkt *p)
{
    struct nvo_node *n = port->node;
    if (!n->up) {
        nvo_node_drop(n, p, NVO_NODE_DROP_NODE_DOWN);
        return;
    }
    struct nvo_access_hv *hv = NVO_CONTAINER_OF(n, struct nvo_access_hv,
                                                node);
    n->n_local++;               /* taken by the virtual switch */
    hv->c.rx_frames++;
    uint16_t vid;
    uintptr_t ix = 0;
    if (!nvo_access_untag(p, &vid)) {
        ix = GPOINTER_TO_UINT(g_hash_table_lookup(hv->by_vid,
                                                  GUINT_TO_POINTER(vid)));
    }
    if (!ix || p->size < 14) {
        hv->c.drops[NVO_PE_DROP_NO_TENANT]++;
        nvo_pkt_free(p);
        return;
    }
    struct acc_tenant *te = &hv->tenants[ix - 1];
    te->c.rx_frames++;
    uint64_t dmac = mac_at(p, 0);
    if (dmac & (1ull << 40)) {
        if (te->n_vms) {
            COUNT(hv, te, rx_accepted, 1);
        }
        for (uint32_t v = 0; v < te->n_vms; v++) {
            deliver(hv, te, v, p);
        }
    } else {
        int64_t vm = find_vm(te, dmac);
        if (vm < 0) {
            COUNT(hv, te, drops[NVO_PE_DROP_NO_VM], 1);
        } else {
            COUNT(hv, te, rx_accepted, 1);
            deliver(hv, te, (uint32_t) vm, p);
        }
    }
    nvo_pkt_free(p);
}

/* ---- API ---------------------------------------------------------------- */

struct nvo_access_hv *
nvo_access_hv_create(struct nvo_net *net, const char *name,
                     const struct nvo_access_hv_cfg *cfg)
{
    if (!name || net->finalized) {
        errno = EINVAL;
        return NULL;
    }
    int ix = nvo_net_add_node_ops(net, name, NVO_ROLE_HYPERVISOR,
                                  &access_ops);
    if (ix < 0) {
        return NULL;
    }
    struct nvo_node *n = nvo_net_node(net, (uint32_t) ix);
    struct nvo_access_hv *hv = NVO_CONTAINER_OF(n, struct nvo_access_hv,
                                                node);
    if (cfg) {
        hv->cfg = *cfg;
    }
    hv->by_vid = g_hash_table_new(g_direct_hash, g_direct_equal);
    return hv;
}

struct nvo_access_hv *
nvo_access_hv_of(struct nvo_node *n)
{
    return n && n->ops == &access_ops
           ? NVO_CONTAINER_OF(n, struct nvo_access_hv, node) : NULL;
}

struct nvo_node *
nvo_access_hv_base(struct nvo_access_hv *hv)
{
    return &hv->node;
}

int
nvo_access_hv_attach(struct nvo_access_hv *hv)
{
    if (hv->node.n_ports != 1) {
        return EINVAL;
    }
    nvo_node_set_port_rx(&hv->node, 0, rx__);
    return 0;
}

int
nvo_access_hv_add_tenant(struct nvo_access_hv *hv, uint16_t vid,
                         uint32_t *tenant)
{
    if (vid < 1 || vid > NVO_VLAN_VID_MAX) {
        return EINVAL;
    }
    if (g_hash_table_contains(hv->by_vid, GUINT_TO_POINTER(vid))) {
        return EEXIST;
    }
    if (hv->n_tenants == hv->cap_tenants) {
        uint32_t cap = hv->cap_tenants ? 2 * hv->cap_tenants : 4;
        struct acc_tenant *a = realloc(hv->tenants, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        hv->tenants = a;
        hv->cap_tenants = cap;
    }
    struct acc_tenant *te = &hv->tenants[hv->n_tenants];
    memset(te, 0, sizeof *te);
    te->vid = vid;
    g_hash_table_insert(hv->by_vid, GUINT_TO_POINTER(vid),
                        GUINT_TO_POINTER(hv->n_tenants + 1));
    *tenant = hv->n_tenants++;
    return 0;
}

int
nvo_access_hv_add_vm(struct nvo_access_hv *hv, uint32_t tenant,
                     const uint8_t mac[6], uint32_t ip4, uint32_t *vm)
{
    if (tenant >= hv->n_tenants || (mac[0] & 1)) {
        return EINVAL;
    }
    struct acc_tenant *te = &hv->tenants[tenant];
    uint64_t m = nvo_mac_from_bytes(mac);
    if (find_vm(te, m) >= 0) {
        return EEXIST;
    }
    if (te->n_vms == te->cap_vms) {
        uint32_t cap = te->cap_vms ? 2 * te->cap_vms : 2;
        struct acc_vm *a = realloc(te->vms, cap * sizeof *a);
        if (!a) {
            return ENOMEM;
        }
        te->vms = a;
        te->cap_vms = cap;
    }
    te->vms[te->n_vms] = (struct acc_vm) { .mac = m, .ip4 = ip4 };
    *vm = te->n_vms++;
    return 0;
}

int
nvo_access_hv_vm_send(struct nvo_access_hv *hv, uint32_t tenant, uint32_t vm,
                      struct nvo_pkt *p)
{
    if (tenant >= hv->n_tenants || vm >= hv->tenants[tenant].n_vms
        || p->l2_ofs == NVO_PKT_OFS_NONE || p->size < 14) {
        return EINVAL;
    }
    struct acc_tenant *te = &hv->tenants[tenant];
    COUNT(hv, te, vm_frames, 1);
    COUNT(hv, te, vm_bytes, nvo_pkt_len(p));
    uint64_t dmac = mac_at(p, 0);
    if (dmac & (1ull << 40)) {
        for (uint32_t v = 0; v < te->n_vms; v++) {
            if (v != vm) {
                COUNT(hv, te, bum_local_copies, 1);
                deliver(hv, te, v, p);
            }
        }
        p->tclass = NVO_TC_BUM;
    } else {
        int64_t d = find_vm(te, dmac);
        if (d >= 0) {
            COUNT(hv, te, local_unicast, 1);
            deliver(hv, te, (uint32_t) d, p);
            nvo_pkt_free(p);
            return 0;
        }
    }
    nvo_access_tag(p, te->vid);
    COUNT(hv, te, frames_out, 1);
    COUNT(hv, te, bytes_out, nvo_pkt_len(p));
    nvo_node_send_port(&hv->node, 0, p);
    return 0;
}

const struct nvo_pe_node_counters *
nvo_access_hv_counters(const struct nvo_access_hv *hv)
{
    return &hv->c;
}

const struct nvo_pe_node_counters *
nvo_access_hv_tenant_counters(const struct nvo_access_hv *hv, uint32_t tenant)
{
    return tenant < hv->n_tenants ? &hv->tenants[tenant].c : NULL;
}

uint16_t
nvo_access_hv_vlan(const struct nvo_access_hv *hv, uint32_t tenant)
{
    return tenant < hv->n_tenants ? hv->tenants[tenant].vid : 0;
}

uint32_t
nvo_access_hv_n_tenants(const struct nvo_access_hv *hv)
{
    return hv->n_tenants;
}
