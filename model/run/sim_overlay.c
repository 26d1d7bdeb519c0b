/* sim_overlay.c: a run's overlay: hypervisors as PE nodes, tenants' VMs
 * placed on them, flood lists, and the VM traffic's hooks.  See
 * sim_overlay.h. */
#include "run/sim_overlay.h"

#include <errno.h>
#include <stdlib.h>

#include "core/rng.h"
#include "fabric/mcast.h"
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

/* flood="multicast": multicast forwarding on the net (RP, PIM mode) and
 * each tenant's group on every PE that hosts it (docs/multicast.md). */
static int
mcast_groups__(struct nvo_sim_overlay *o)
{
    const struct nvo_overlay_cfg *oc = o->cfg;
    struct nvo_mcast_cfg mc = {
        .pim = oc->mcast_pim ? NVO_MCAST_PIM_BIDIR : NVO_MCAST_PIM_SM,
        .rp = oc->mcast_rp,
    };
    int err = nvo_mcast_attach(o->net, &mc);
    for (uint32_t t = 0; t < oc->n_tenants && !err; t++) {
        uint32_t vni = oc->first_vni + t;
        uint32_t g = oc->mcast_group_base
                     + (oc->mcast_groups ? vni % oc->mcast_groups : t);
        for (uint32_t h = 0; h < o->n_pes && !err; h++) {
            uint32_t lt;
            if (!nvo_pe_node_find_tenant(o->pes[h], vni, &lt)) {
                err = nvo_pe_node_set_mcast_group(o->pes[h], lt, g);
            }
        }
    }
    return err;
}

bool
nvo_sim_overlay_populate(struct nvo_sim_overlay *o,
                         const struct nvo_scenario_cfg *cfg, GError **error)
{
    const struct nvo_overlay_cfg *oc = o->cfg;
    uint32_t T = oc->n_tenants, V = oc->vms_per_tenant, H = o->n_pes;
    o->n_vms = T * V;
    o->vms = g_new0(struct nvo_traffic_vm, o->n_vms ? o->n_vms : 1);
    o->vm_pe_tenant = g_new(uint32_t, o->n_vms ? o->n_vms : 1);
    o->vm_pe_vm = g_new(uint32_t, o->n_vms ? o->n_vms : 1);
    o->tenant_n_pes = g_new0(uint32_t, T ? T : 1);
    struct nvo_rng rng;
    nvo_rng_init(&rng, cfg->seed, cfg->run, "overlay/placement");
    /* Per PE (position in o->pes): the last tenant added there + 1, and
     * its number on that PE. */
    uint32_t *last = g_new0(uint32_t, H ? H : 1);
    uint32_t *local = g_new0(uint32_t, H ? H : 1);
    uint32_t *list = g_new(uint32_t, H ? H : 1);   /* flood list */
    uint32_t *hosting = g_new(uint32_t, H ? H : 1); /* PE positions */
    uint32_t *all = g_new(uint32_t, H ? H : 1);
    for (uint32_t h = 0; h < H; h++) {
        all[h] = nvo_pe_node_index(o->pes[h]);
    }
    bool ok = true;
    int err = 0;
    for (uint32_t t = 0; t < T && ok; t++) {
        uint32_t vni = oc->first_vni + t, n_hosting = 0;
        for (uint32_t j = 0; j < V && ok; j++) {
            uint32_t k = t * V + j;
            uint32_t h = oc->placement == NVO_PLACE_RANDOM
                         ? (uint32_t) nvo_rng_below(&rng, H) : k % H;
            struct nvo_pe_node *pe = o->pes[h];
            struct nvo_traffic_vm *v = &o->vms[k];
            v->node = nvo_pe_node_index(pe);
            v->group = t;
            v->ip4 = 0x0a000000u + j + 1;
            nvo_vm_mac(v->mac, (enum nvo_vm_oui) oc->vm_oui, k);
            if (last[h] != t + 1) {
                err = nvo_pe_node_add_tenant(pe, vni, &local[h]);
                last[h] = t + 1;
                hosting[n_hosting++] = h;
            }
            if (!err) {
                o->vm_pe_tenant[k] = local[h];
                err = nvo_pe_node_add_vm(pe, local[h], v->mac, v->ip4,
                                         &o->vm_pe_vm[k]);
            }
            ok = !err;
        }
        o->tenant_n_pes[t] = n_hosting;
        for (uint32_t i = 0; i < n_hosting && ok; i++) {
            list[i] = nvo_pe_node_index(o->pes[hosting[i]]);
        }
        /* Sorted by node, so that a flood's copies go out in node order
         * whatever the placement. */
        for (uint32_t i = 1; i < n_hosting; i++) {
            for (uint32_t m = i; m > 0 && list[m - 1] > list[m]; m--) {
                uint32_t x = list[m];
                list[m] = list[m - 1];
                list[m - 1] = x;
            }
        }
        for (uint32_t i = 0; i < n_hosting && ok; i++) {
            struct nvo_pe_node *pe = o->pes[hosting[i]];
            uint32_t lt = local[hosting[i]];
            err = oc->flood_list == NVO_FLOOD_ALL_PES
                  ? nvo_pe_node_set_flood(pe, lt, all, H)
                  : nvo_pe_node_set_flood(pe, lt, list, n_hosting);
            ok = !err;
        }
    }
    g_free(last);
    g_free(local);
    g_free(list);
    g_free(hosting);
    g_free(all);
    if (ok && oc->flood_mcast) {
        err = mcast_groups__(o);
        ok = !err;
    }
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
    g_free(o);
}
