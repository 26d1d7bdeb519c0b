/* sim_overlay.c: a run's overlay: hypervisors as PE nodes, tenants' VMs
 * placed on them, flood lists, and the VM traffic's hooks.  See
 * sim_overlay.h. */
#include "run/sim_overlay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "run/overlay_place.h"
#include "wire/wire.h"

/* The PE delivered a tenant frame to one of its VMs. */
static void
deliver__(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
          const struct nvo_pkt *p)
{
    struct nvo_sim_overlay *o = ctx;
    (void) pe;
    (void) tenant;
    (void) vm;
    if (o->traffic) {
        nvo_traffic_vm_deliver(o->traffic, p);
    }
}

/* A VM's frame into its PE's virtual switch; returns the bytes (framing
 * included) the PE put on the wire for it. */
static uint64_t
send__(void *ctx, uint32_t vm, struct nvo_pkt *p)
{
    struct nvo_sim_overlay *o = ctx;
    struct nvo_pe_node *pe = o->pe_of_node[o->vms[vm].node];
    const struct nvo_pe_node_counters *c = nvo_pe_node_counters(pe);
    uint64_t frames = c->frames_out, bytes = c->bytes_out;
    if (nvo_pe_node_vm_send(pe, o->vm_pe_tenant[vm], o->vm_pe_vm[vm], p)) {
        abort();                /* the VM was added to this PE */
    }
    const struct nvo_node *n = nvo_pe_node_base(pe);
    uint32_t framing = n->n_ports
                       ? nvo_net_link(o->net, n->link[0])->cfg.framing : 0;
    return c->bytes_out - bytes + (c->frames_out - frames) * framing;
}

struct nvo_sim_overlay *
nvo_sim_overlay_create(const struct nvo_scenario_cfg *cfg,
                       struct nvo_net *net, GError **error)
{
    const struct nvo_topo_cfg *topo = cfg->topo;
    struct nvo_sim_overlay *o = g_new0(struct nvo_sim_overlay, 1);
    o->cfg = &cfg->overlay;
    o->net = net;
    o->encap = nvo_encap_lookup(cfg->overlay.encap);
    o->pe_of_node = g_new0(struct nvo_pe_node *, topo->n_nodes + 1);
    o->pes = g_new0(struct nvo_pe_node *, topo->n_nodes + 1);
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = o->encap;
    pc.deliver = deliver__;
    pc.ctx = o;
    for (size_t i = 0; i < topo->n_nodes; i++) {
        const struct nvo_node_cfg *tn = &topo->nodes[i];
        bool ok;
        if (tn->role == NVO_ROLE_HYPERVISOR && o->encap) {
            struct nvo_pe_node *pe = nvo_pe_node_create(net, tn->name, &pc);
            ok = pe && nvo_pe_node_index(pe) == i;
            if (ok) {
                o->pe_of_node[i] = pe;
                o->pes[o->n_pes++] = pe;
            }
        } else {
            ok = nvo_net_add_node(net, tn->name, tn->role) == (int) i;
        }
        if (!ok) {
            g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                        "%s:%d: cannot add node \"%s\"", topo->path,
                        tn->line, tn->name);
            nvo_sim_overlay_destroy(o);
            return NULL;
        }
    }
    return o;
}

static int
u32_cmp__(const void *a_, const void *b_)
{
    uint32_t a = *(const uint32_t *) a_, b = *(const uint32_t *) b_;
    return a < b ? -1 : a > b;
}

bool
nvo_sim_overlay_populate(struct nvo_sim_overlay *o,
                         const struct nvo_scenario_cfg *cfg, GError **error)
{
    const struct nvo_overlay_cfg *oc = o->cfg;
    struct nvo_overlay_placement pl;
    if (!nvo_overlay_place(cfg, &pl, error)) {
        return false;
    }
    uint32_t T = pl.n_tenants, H = o->n_pes;
    uint32_t n_nodes = nvo_net_n_nodes(o->net);
    o->n_vms = pl.n_vms;
    o->vms = pl.vms;
    o->n_tenants = T;
    o->tenant_vni = pl.tenant_vni;
    o->tenant_id = pl.tenant_id;
    o->vm_pe_tenant = g_new(uint32_t, o->n_vms ? o->n_vms : 1);
    o->vm_pe_vm = g_new(uint32_t, o->n_vms ? o->n_vms : 1);
    o->tenant_n_pes = g_new0(uint32_t, T ? T : 1);
    /* Per node: the last tenant added there + 1, and its number on that
     * PE. */
    uint32_t *last = g_new0(uint32_t, n_nodes ? n_nodes : 1);
    uint32_t *local = g_new0(uint32_t, n_nodes ? n_nodes : 1);
    uint32_t *list = g_new(uint32_t, H ? H : 1);   /* flood list */
    /* The flood lists, one per tenant (or one of all PEs), shared by the
     * tenant's PEs: at most one entry per VM. */
    uint32_t *all = g_new(uint32_t, H ? H : 1);
    for (uint32_t h = 0; h < H; h++) {
        all[h] = nvo_pe_node_index(o->pes[h]);
    }
    o->flood_all = all;
    o->flood_pool = g_new(uint32_t, o->n_vms ? o->n_vms : 1);
    uint32_t pool_used = 0;
    bool ok = true;
    int err = nvo_pe_node_check_flood(o->net, all, H);
    ok = !err;
    for (uint32_t t = 0; t < T && ok; t++) {
        uint32_t n_hosting = 0;
        for (uint32_t k = pl.tenant_first[t];
             k < pl.tenant_first[t + 1] && ok; k++) {
            const struct nvo_traffic_vm *v = &o->vms[k];
            uint32_t node = v->node;
            struct nvo_pe_node *pe = node < n_nodes ? o->pe_of_node[node]
                                                    : NULL;
            if (!pe) {
                err = EINVAL;
                ok = false;
                break;
            }
            if (last[node] != t + 1) {
                err = nvo_pe_node_add_tenant(pe, pl.tenant_id[t],
                                             &local[node]);
                last[node] = t + 1;
                list[n_hosting++] = node;
            }
            if (!err) {
                o->vm_pe_tenant[k] = local[node];
                err = nvo_pe_node_add_vm(pe, local[node], v->mac, v->ip4,
                                         &o->vm_pe_vm[k]);
            }
            ok = !err;
        }
        o->tenant_n_pes[t] = n_hosting;
        /* Sorted by node, so that a flood's copies go out in node order
         * whatever the placement. */
        qsort(list, n_hosting, sizeof *list, u32_cmp__);
        uint32_t *shared = &o->flood_pool[pool_used];
        memcpy(shared, list, n_hosting * sizeof *list);
        pool_used += n_hosting;
        for (uint32_t i = 0; i < n_hosting && ok; i++) {
            struct nvo_pe_node *pe = o->pe_of_node[list[i]];
            uint32_t lt = local[list[i]];
            err = oc->flood_list == NVO_FLOOD_ALL_PES
                  ? nvo_pe_node_set_flood_shared(pe, lt, all, H)
                  : nvo_pe_node_set_flood_shared(pe, lt, shared, n_hosting);
            ok = !err;
        }
    }
    g_free(last);
    g_free(local);
    g_free(list);
    g_free(pl.tenant_first);
    if (!ok) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s: cannot place the overlay's VMs: %s", cfg->path,
                    g_strerror(err));
    }
    return ok;
}

static void
bum_tap__(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
          const struct nvo_port *port, const struct nvo_pkt *p,
          const char *reason)
{
    struct nvo_sim_overlay *o = ctx;
    (void) ev;
    (void) now;
    (void) reason;
    if (p->tclass == NVO_TC_BUM && port->link) {
        o->bum_link_frames++;
        o->bum_link_bytes += nvo_pkt_len(p) + port->link->cfg.framing;
    }
}

void
nvo_sim_overlay_attach_taps(struct nvo_sim_overlay *o)
{
    for (uint32_t i = 0; i < nvo_net_n_nodes(o->net); i++) {
        struct nvo_node *n = nvo_net_node(o->net, i);
        for (uint32_t p = 0; p < n->n_ports; p++) {
            nvo_port_add_tap(&n->ports[p], bum_tap__, o, NVO_TAP_MASK_SEND);
        }
    }
}

void
nvo_sim_overlay_traffic_vms(struct nvo_sim_overlay *o,
                            struct nvo_traffic_vms *v)
{
    v->vms = o->vms;
    v->n_vms = o->n_vms;
    v->n_groups = o->cfg->n_tenants;
    v->send = send__;
    v->ctx = o;
}

void
nvo_sim_overlay_totals(const struct nvo_sim_overlay *o,
                       struct nvo_sim_overlay_totals *t)
{
    memset(t, 0, sizeof *t);
    uint64_t sum = 0;
    for (uint32_t i = 0; i < o->n_pes; i++) {
        const struct nvo_pe_node_counters *c = nvo_pe_node_counters(o->pes[i]);
        uint64_t *d = (uint64_t *) &t->c;
        const uint64_t *s = (const uint64_t *) c;
        for (size_t k = 0; k < sizeof *c / sizeof (uint64_t); k++) {
            d[k] += s[k];
        }
        uint64_t m = nvo_mac_table_counters(
            nvo_pe_node_mac_table(o->pes[i]))->entries_max;
        sum += m;
        if (m > t->mac_entries_max) {
            t->mac_entries_max = m;
        }
    }
    t->mac_entries_mean = o->n_pes ? (double) sum / o->n_pes : 0;
}

void
nvo_sim_overlay_destroy(struct nvo_sim_overlay *o)
{
    if (!o) {
        return;
    }
    g_free(o->pe_of_node);
    g_free(o->pes);
    g_free(o->vms);
    g_free(o->vm_pe_tenant);
    g_free(o->vm_pe_vm);
    g_free(o->tenant_n_pes);
    g_free(o->tenant_vni);
    g_free(o->tenant_id);
    g_free(o->flood_pool);
    g_free(o->flood_all);
    g_free(o);
}
