/* sim_overlay_leaf.c: a run's overlay with the VTEP on the leaves
 * (<overlay vtep="leaf">): every leaf a VTEP (overlay/tor_vtep.h), every
 * hypervisor a plain virtual switch with an 802.1Q-tagged uplink
 * (overlay/access.h), the VMs placed as with vtep="hypervisor", a VLAN per
 * tenant per leaf, flood lists of leaf VTEPs, and the VM traffic's hooks.
 * See docs/vtep-leaf.md. */
#include "run/sim_overlay.h"

#include <errno.h>
#include <stdlib.h>

#include "overlay/access.h"
#include "overlay/tor_vtep.h"
#include "run/overlay_place.h"
#include "wire/wire.h"

static void
deliver__(void *ctx, struct nvo_access_hv *hv, uint32_t tenant, uint32_t vm,
          const struct nvo_pkt *p)
{
    struct nvo_sim_overlay *o = ctx;
    (void) hv;
    (void) tenant;
    (void) vm;
    if (o->traffic) {
        nvo_traffic_vm_deliver(o->traffic, p);
    }
}

bool
nvo_sim_overlay_leaf_add_node__(struct nvo_sim_overlay *o,
                                const struct nvo_topo_cfg *topo, size_t i)
{
    if (!o->hvs) {
        size_t n = topo->n_nodes + 1;
        o->hvs = g_new0(struct nvo_access_hv *, n);
        o->hv_of_node = g_new0(struct nvo_access_hv *, n);
        o->vteps = g_new0(struct nvo_tor_vtep *, n);
        o->hv_leaf = g_new0(uint32_t, n);
        for (size_t l = 0; l < topo->n_links; l++) {
            uint32_t a = topo->links[l].a, b = topo->links[l].b;
            o->hv_leaf[a] = b;  /* for a hypervisor: its one uplink's end */
            o->hv_leaf[b] = a;
        }
    }
    const struct nvo_node_cfg *tn = &topo->nodes[i];
    if (tn->role == NVO_ROLE_HYPERVISOR) {
        struct nvo_access_hv_cfg hc = { .deliver = deliver__, .ctx = o };
        struct nvo_access_hv *hv = nvo_access_hv_create(o->net, tn->name,
                                                        &hc);
        if (!hv || nvo_access_hv_base(hv)->index != i) {
            return false;
        }
        o->hv_of_node[i] = hv;
        o->hvs[o->n_hvs++] = hv;
        return true;
    }
    if (tn->role == NVO_ROLE_LEAF) {
        struct nvo_pe_node_cfg pc;
        memset(&pc, 0, sizeof pc);
        pc.encap = o->encap;
        /* The encapsulation options, addresses, label mode and CPU
         * model are the leaf VTEP's, as they are a hypervisor PE's. */
        pc.cpu = o->cfg->cpu;
        nvo_sim_overlay_pe_options(o->cfg, &pc);
        struct nvo_tor_vtep *v = nvo_tor_vtep_create(o->net, tn->name, &pc);
        if (!v || nvo_pe_node_index(nvo_tor_vtep_pe(v)) != i) {
            return false;
        }
        o->pe_of_node[i] = nvo_tor_vtep_pe(v);
        o->vteps[o->n_pes] = v;
        o->pes[o->n_pes++] = nvo_tor_vtep_pe(v);
        return true;
    }
    return nvo_net_add_node(o->net, tn->name, tn->role) == (int) i;
}

static void
sort_u32(uint32_t *a, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        for (uint32_t m = i; m > 0 && a[m - 1] > a[m]; m--) {
            uint32_t x = a[m];
            a[m] = a[m - 1];
            a[m - 1] = x;
        }
    }
}

bool
nvo_sim_overlay_leaf_populate__(struct nvo_sim_overlay *o,
                                const struct nvo_scenario_cfg *cfg,
                                const struct nvo_overlay_placement *pl,
                                GError **error)
{
    const struct nvo_overlay_cfg *oc = o->cfg;
    uint32_t T = pl->n_tenants, H = o->n_hvs;
    uint32_t L = o->n_pes, N = nvo_net_n_nodes(o->net);
    /* o->vms (placed by run/overlay_place.c, as with vtep="hypervisor")
     * and the tenants' ids are set. */
    o->vm_pe_tenant = g_new(uint32_t, o->n_vms ? o->n_vms : 1);
    o->vm_pe_vm = g_new(uint32_t, o->n_vms ? o->n_vms : 1);
    o->tenant_n_pes = g_new0(uint32_t, T ? T : 1);
    if (!H) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s:%d: <overlay>: no hypervisor to host VMs", cfg->path,
                    oc->line);
        return false;
    }
    /* Per hypervisor node and per leaf (position in o->pes): the last
     * tenant added there + 1 and its number there. */
    uint32_t *hv_last = g_new0(uint32_t, N ? N : 1);
    uint32_t *hv_local = g_new0(uint32_t, N ? N : 1);
    uint32_t *lf_last = g_new0(uint32_t, L ? L : 1);
    uint32_t *lf_local = g_new0(uint32_t, L ? L : 1);
    uint32_t *lf_vlans = g_new0(uint32_t, L ? L : 1);
    uint32_t *lf_pos = g_new0(uint32_t, N ? N : 1);     /* node -> pos+1 */
    uint32_t *list = g_new(uint32_t, L ? L : 1), *hosting = g_new(uint32_t,
                                                                  L ? L : 1);
    uint32_t *all = g_new(uint32_t, L ? L : 1);
    for (uint32_t l = 0; l < L; l++) {
        all[l] = nvo_pe_node_index(o->pes[l]);
        lf_pos[all[l]] = l + 1;
    }
    bool ok = true;
    int err = 0;
    char *msg = NULL;
    for (uint32_t t = 0; t < T && ok; t++) {
        uint32_t vni = pl->tenant_id[t], n_hosting = 0;
        for (uint32_t k = pl->tenant_first[t];
             k < pl->tenant_first[t + 1] && ok; k++) {
            struct nvo_traffic_vm *v = &o->vms[k];
            uint32_t node = v->node;
            struct nvo_access_hv *hv = node < N ? o->hv_of_node[node] : NULL;
            uint32_t lp = hv ? lf_pos[o->hv_leaf[node]] : 0;
            if (!lp) {
                abort();        /* placed on a hypervisor; the scenario
                                 * checked the uplinks */
            }
            uint32_t l = lp - 1;
            if (lf_last[l] != t + 1) {
                /* The tenant's VLAN on this leaf: the next free id, in
                 * tenant order (docs/vtep-leaf.md). */
                if (lf_vlans[l] == NVO_VLAN_VID_MAX) {
                    msg = g_strdup_printf(
                        "%s:%d: <overlay vtep=\"leaf\">: leaf \"%s\" would "
                        "host more than %u tenants (one 802.1Q VLAN each on "
                        "its access ports, VLAN ids 1..%u)", cfg->path,
                        oc->line, nvo_pe_node_base(o->pes[l])->name,
                        NVO_VLAN_VID_MAX, NVO_VLAN_VID_MAX);
                    ok = false;
                    break;
                }
                lf_vlans[l]++;
                err = nvo_tor_vtep_add_tenant(o->vteps[l], vni,
                                              (uint16_t) lf_vlans[l],
                                              &lf_local[l]);
                lf_last[l] = t + 1;
                hosting[n_hosting++] = l;
            }
            if (!err && hv_last[node] != t + 1) {
                err = nvo_access_hv_add_tenant(
                    hv, nvo_tor_vtep_vlan(o->vteps[l], lf_local[l]),
                    &hv_local[node]);
                hv_last[node] = t + 1;
            }
            if (!err) {
                o->vm_pe_tenant[k] = hv_local[node];
                err = nvo_access_hv_add_vm(hv, hv_local[node], v->mac, v->ip4,
                                           &o->vm_pe_vm[k]);
            }
            ok = !err;
        }
        o->tenant_n_pes[t] = n_hosting;
        for (uint32_t i = 0; i < n_hosting; i++) {
            list[i] = nvo_pe_node_index(o->pes[hosting[i]]);
        }
        sort_u32(list, n_hosting);
        for (uint32_t i = 0; i < n_hosting && ok; i++) {
            uint32_t l = hosting[i];
            err = oc->flood_list == NVO_FLOOD_ALL_PES
                  ? nvo_pe_node_set_flood(o->pes[l], lf_local[l], all, L)
                  : nvo_pe_node_set_flood(o->pes[l], lf_local[l], list,
                                          n_hosting);
            ok = !err;
        }
    }
    g_free(hv_last);
    g_free(hv_local);
    g_free(lf_last);
    g_free(lf_local);
    g_free(lf_vlans);
    g_free(lf_pos);
    g_free(list);
    g_free(hosting);
    g_free(all);
    if (msg) {
        g_set_error_literal(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                            msg);
        g_free(msg);
    } else if (!ok) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s: cannot place the overlay's VMs: %s", cfg->path,
                    g_strerror(err));
    }
    return ok;
}

void
nvo_sim_overlay_leaf_attach__(struct nvo_sim_overlay *o)
{
    for (uint32_t l = 0; l < o->n_pes; l++) {
        nvo_tor_vtep_attach(o->vteps[l]);
    }
    for (uint32_t h = 0; h < o->n_hvs; h++) {
        struct nvo_access_hv *hv = o->hvs[h];
        struct nvo_node *n = nvo_access_hv_base(hv);
        if (nvo_access_hv_attach(hv)) {
            abort();            /* the scenario checked: one uplink */
        }
        struct nvo_tor_vtep *v = nvo_tor_vtep_of(
            nvo_net_node(o->net, n->peer[0]));
        uint32_t leaf_port = n->ports[0].peer->index;
        for (uint32_t t = 0; ; t++) {
            uint16_t vid = nvo_access_hv_vlan(hv, t);
            uint32_t lt;
            if (!vid) {
                break;
            }
            if (nvo_tor_vtep_find_vlan(v, vid, &lt)
                || nvo_tor_vtep_add_port(v, lt, leaf_port)) {
                abort();        /* populate added the VLAN there */
            }
        }
    }
}

uint64_t
nvo_sim_overlay_leaf_send__(void *ctx, uint32_t vm, struct nvo_pkt *p)
{
    struct nvo_sim_overlay *o = ctx;
    struct nvo_access_hv *hv = o->hv_of_node[o->vms[vm].node];
    const struct nvo_pe_node_counters *c = nvo_access_hv_counters(hv);
    uint64_t frames = c->frames_out, bytes = c->bytes_out;
    if (nvo_access_hv_vm_send(hv, o->vm_pe_tenant[vm], o->vm_pe_vm[vm], p)) {
        abort();                /* the VM was added to this hypervisor */
    }
    const struct nvo_node *n = nvo_access_hv_base(hv);
    uint32_t framing = n->n_ports
                       ? nvo_net_link(o->net, n->link[0])->cfg.framing : 0;
    return c->bytes_out - bytes + (c->frames_out - frames) * framing;
}

/* The VMs' side is the hypervisors': what VMs sent and what reached
 * them; the hypervisors' local unicast, local copies and drops add to the
 * VTEPs'.  'c' holds VTEP counters whose VM side was cleared. */
static void
add_hv__(struct nvo_pe_node_counters *c, const struct nvo_pe_node_counters *s)
{
    c->vm_frames += s->vm_frames;
    c->vm_bytes += s->vm_bytes;
    c->delivered += s->delivered;
    c->delivered_bytes += s->delivered_bytes;
    c->local_unicast += s->local_unicast;
    c->bum_local_copies += s->bum_local_copies;
    for (int r = 0; r < NVO_PE_DROP_N; r++) {
        c->drops[r] += s->drops[r];
    }
}

static void
clear_vm_side__(struct nvo_pe_node_counters *c)
{
    c->vm_frames = c->vm_bytes = c->delivered = c->delivered_bytes = 0;
}

void
nvo_sim_overlay_leaf_totals__(const struct nvo_sim_overlay *o,
                              struct nvo_sim_overlay_totals *t)
{
    clear_vm_side__(&t->c);
    for (uint32_t h = 0; h < o->n_hvs; h++) {
        add_hv__(&t->c, nvo_access_hv_counters(o->hvs[h]));
    }
}

void
nvo_sim_overlay_leaf_tenant__(const struct nvo_sim_overlay *o,
                              uint32_t tenant,
                              struct nvo_pe_node_counters *c)
{
    clear_vm_side__(c);
    /* Each hypervisor hosting a VM of the tenant, once: VM k's hypervisor
     * and its tenant number there (VMs of a tenant are k = t V .. t V +
     * V - 1). */
    uint32_t V = o->cfg->vms_per_tenant;
    GHashTable *seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (uint32_t k = tenant * V; k < (tenant + 1) * V && k < o->n_vms;
         k++) {
        uint32_t node = o->vms[k].node;
        if (g_hash_table_add(seen, GUINT_TO_POINTER(node + 1))) {
            add_hv__(c, nvo_access_hv_tenant_counters(o->hv_of_node[node],
                                                      o->vm_pe_tenant[k]));
        }
    }
    g_hash_table_destroy(seen);
}
