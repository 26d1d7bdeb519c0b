/* overlay_place.c: the placement of a scenario's VMs on its hypervisors
 * (see overlay_place.h and docs/scenarios.md, <overlay>). */
#include "run/overlay_place.h"

#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "wire/wire.h"

#define VM_NET 0x0a000000u

/* The hypervisors, three ways: topology order; leaf order (grouped by
 * their first leaf, groups in the leaves' topology order, a hypervisor
 * with no leaf a group of its own at its own index); and the groups. */
struct hvs {
    uint32_t n;
    uint32_t *topo;             /* node indices, topology order */
    uint32_t *leaf;             /* node indices, leaf order */
    uint32_t n_groups;
    uint32_t *group_start;      /* n_groups + 1 offsets into leaf[] */
};

struct keyed {
    uint32_t key, node;
};

static int
keyed_cmp__(const void *a_, const void *b_)
{
    const struct keyed *a = a_, *b = b_;
    if (a->key != b->key) {
        return a->key < b->key ? -1 : 1;
    }
    return a->node < b->node ? -1 : a->node > b->node;
}

static void
hvs_init__(struct hvs *h, const struct nvo_topo_cfg *topo)
{
    h->n = 0;
    h->topo = g_new(uint32_t, topo->n_nodes ? topo->n_nodes : 1);
    for (size_t i = 0; i < topo->n_nodes; i++) {
        if (topo->nodes[i].role == NVO_ROLE_HYPERVISOR) {
            h->topo[h->n++] = (uint32_t) i;
        }
    }
    struct keyed *k = g_new(struct keyed, h->n ? h->n : 1);
    for (uint32_t i = 0; i < h->n; i++) {
        const struct nvo_node_cfg *nc = &topo->nodes[h->topo[i]];
        k[i].node = h->topo[i];
        k[i].key = nc->n_leaves ? nc->leaves[0] : h->topo[i];
    }
    qsort(k, h->n, sizeof *k, keyed_cmp__);
    h->leaf = g_new(uint32_t, h->n ? h->n : 1);
    h->group_start = g_new(uint32_t, h->n + 1);
    h->n_groups = 0;
    for (uint32_t i = 0; i < h->n; i++) {
        h->leaf[i] = k[i].node;
        if (i == 0 || k[i].key != k[i - 1].key) {
            h->group_start[h->n_groups++] = i;
        }
    }
    h->group_start[h->n_groups] = h->n;
    g_free(k);
}

static void
hvs_fini__(struct hvs *h)
{
    g_free(h->topo);
    g_free(h->leaf);
    g_free(h->group_start);
}

/* packed-per-leaf: each hypervisor takes C = ceil(N / H) VMs; the leaves
 * fill one after the other (a leaf with h hypervisors takes C x h VMs),
 * and within a leaf its VMs go round-robin over its hypervisors.  VM k is
 * the (k - P)-th of its leaf, P the VMs of the leaves before. */
static uint32_t
packed__(const struct hvs *h, uint64_t per_hv, uint64_t k)
{
    uint32_t lo = 0, hi = h->n_groups;     /* group: start*C <= k */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if ((uint64_t) h->group_start[mid] * per_hv <= k) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    uint64_t m = k - (uint64_t) h->group_start[lo] * per_hv;
    uint32_t size = h->group_start[lo + 1] - h->group_start[lo];
    return h->leaf[h->group_start[lo] + (uint32_t) (m % size)];
}

static void
vm_set__(struct nvo_traffic_vm *v, uint32_t tenant, uint32_t node,
         enum nvo_vm_oui oui, uint32_t k, uint32_t j)
{
    v->node = node;
    v->group = tenant;
    v->ip4 = VM_NET + j + 1;
    nvo_vm_mac(v->mac, oui, k);
}

/* tenants-per-hypervisor K: the hypervisors in the placement's order
 * (topology, leaf, or a seeded shuffle); the one at position p hosts
 * tenants (p K + i) mod T, i = 0 .. K - 1; a tenant's VMs go round-robin
 * over the hypervisors that host it, in position order. */
static void
per_pe__(const struct nvo_overlay_cfg *oc, const struct hvs *h,
         struct nvo_rng *rng, struct nvo_traffic_vm *vms)
{
    uint32_t T = oc->n_tenants, V = oc->vms_per_tenant, K = oc->tenants_per_pe;
    uint32_t H = h->n;
    uint32_t *order = g_new(uint32_t, H);
    memcpy(order, oc->placement == NVO_PLACE_PACKED_PER_LEAF ? h->leaf
                                                             : h->topo,
           H * sizeof *order);
    if (oc->placement == NVO_PLACE_RANDOM) {
        for (uint32_t i = H - 1; i > 0; i--) {
            uint32_t j = (uint32_t) nvo_rng_below(rng, (uint64_t) i + 1);
            uint32_t x = order[i];
            order[i] = order[j];
            order[j] = x;
        }
    }
    /* Tenant t's hypervisors: list[start[t] .. start[t + 1]). */
    uint32_t *start = g_new0(uint32_t, T + 1);
    for (uint64_t p = 0; p < H; p++) {
        for (uint64_t i = 0; i < K; i++) {
            start[(p * K + i) % T + 1]++;
        }
    }
    for (uint32_t t = 0; t < T; t++) {
        start[t + 1] += start[t];
    }
    uint32_t *fill = g_new(uint32_t, T);
    memcpy(fill, start, T * sizeof *fill);
    uint32_t *list = g_new(uint32_t, (size_t) H * K);
    for (uint64_t p = 0; p < H; p++) {
        for (uint64_t i = 0; i < K; i++) {
            list[fill[(p * K + i) % T]++] = order[p];
        }
    }
    for (uint32_t t = 0; t < T; t++) {
        uint32_t n = start[t + 1] - start[t];
        for (uint32_t j = 0; j < V; j++) {
            uint32_t k = t * V + j;
            vm_set__(&vms[k], t, list[start[t] + j % n],
                     (enum nvo_vm_oui) oc->vm_oui, k, j);
        }
    }
    g_free(order);
    g_free(start);
    g_free(fill);
    g_free(list);
}

/* The hypervisor of VM k by policy 'pl'. */
static uint32_t
by_policy__(enum nvo_placement pl, const struct hvs *h, struct nvo_rng *rng,
            uint64_t per_hv, uint64_t k)
{
    switch (pl) {
    case NVO_PLACE_RANDOM:
        return h->topo[nvo_rng_below(rng, h->n)];
    case NVO_PLACE_PACKED_PER_LEAF:
        return packed__(h, per_hv, k);
    case NVO_PLACE_ROUND_ROBIN:
        break;
    }
    return h->topo[k % h->n];
}

bool
nvo_overlay_place(const struct nvo_scenario_cfg *cfg,
                  struct nvo_overlay_placement *out, GError **error)
{
    const struct nvo_overlay_cfg *oc = &cfg->overlay;
    memset(out, 0, sizeof *out);
    struct hvs h;
    hvs_init__(&h, cfg->topo);
    bool explicit = oc->n_tenant_cfgs > 0;
    uint32_t T = explicit ? (uint32_t) oc->n_tenant_cfgs : oc->n_tenants;
    uint64_t N = 0;
    for (uint32_t t = 0; explicit && t < T; t++) {
        N += oc->tenant_cfgs[t].n_explicit + oc->tenant_cfgs[t].n_generated;
    }
    if (!explicit) {
        N = (uint64_t) T * oc->vms_per_tenant;
    }
    if (!h.n || N > (uint64_t) NVO_VM_MAC_MAX_INDEX + 1) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s: cannot place %" G_GUINT64_FORMAT " VMs on %u "
                    "hypervisors", cfg->path, N, h.n);
        hvs_fini__(&h);
        return false;
    }
    out->n_vms = (uint32_t) N;
    out->n_tenants = T;
    out->vms = g_new0(struct nvo_traffic_vm, N ? N : 1);
    out->tenant_vni = g_new(uint32_t, T ? T : 1);
    out->tenant_id = g_new(uint32_t, T ? T : 1);
    out->tenant_first = g_new(uint32_t, T + 1);
    struct nvo_rng rng;
    nvo_rng_init(&rng, cfg->seed, cfg->run, "overlay/placement");
    uint64_t per_hv = (N + h.n - 1) / h.n;
    enum nvo_vm_oui oui = (enum nvo_vm_oui) oc->vm_oui;
    bool mpls = oc->encap && !strncmp(oc->encap, "mpls", 4);
    uint32_t k = 0;
    for (uint32_t t = 0; t < T; t++) {
        out->tenant_first[t] = k;
        if (!explicit) {
            out->tenant_vni[t] = out->tenant_id[t] = oc->first_vni + t;
            for (uint32_t j = 0; !oc->tenants_per_pe
                                 && j < oc->vms_per_tenant; j++, k++) {
                vm_set__(&out->vms[k], t,
                         by_policy__(oc->placement, &h, &rng, per_hv, k),
                         oui, k, j);
            }
            continue;
        }
        const struct nvo_tenant_cfg *tc = &oc->tenant_cfgs[t];
        out->tenant_vni[t] = tc->vni;
        out->tenant_id[t] = mpls && tc->has_label ? tc->label : tc->vni;
        uint32_t n = (uint32_t) (tc->n_explicit + tc->n_generated);
        for (uint32_t j = 0; j < n; j++, k++) {
            struct nvo_traffic_vm *v = &out->vms[k];
            if (j < tc->n_explicit) {
                const struct nvo_vm_cfg *vc = &tc->vms[j];
                vm_set__(v, t, vc->node, oui, k, j);
                if (vc->has_mac) {
                    memcpy(v->mac, vc->mac, 6);
                }
                if (vc->has_ip) {
                    v->ip4 = vc->ip4;
                }
            } else {
                vm_set__(v, t, by_policy__(tc->placement, &h, &rng, per_hv,
                                           k), oui, k, j);
            }
        }
    }
    if (!explicit && oc->tenants_per_pe) {
        per_pe__(oc, &h, &rng, out->vms);
        k = (uint32_t) N;
        for (uint32_t t = 0; t < T; t++) {
            out->tenant_first[t] = t * oc->vms_per_tenant;
        }
    }
    out->tenant_first[T] = k;
    hvs_fini__(&h);
    return true;
}

void
nvo_overlay_placement_free(struct nvo_overlay_placement *p)
{
    g_free(p->vms);
    g_free(p->tenant_vni);
    g_free(p->tenant_id);
    g_free(p->tenant_first);
    memset(p, 0, sizeof *p);
}
