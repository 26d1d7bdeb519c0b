/* sim_overlay.c: a run's overlay: hypervisors as PE nodes, tenants' VMs
 * placed on them, flood lists, and the VM traffic's hooks.  See
 * sim_overlay.h. */
#include "run/sim_overlay.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "fabric/mcast.h"
#include "run/frame_fate.h"
#include "run/overlay_place.h"
#include "traffic/vm_arp.h"
#include "wire/wire.h"

/* The global number of VM 'vm' of local tenant 'tenant' on 'pe'. */
static uint32_t
global_vm__(const struct nvo_sim_overlay *o, struct nvo_pe_node *pe,
            uint32_t tenant, uint32_t vm)
{
    GPtrArray *ts = o->gvm[nvo_pe_node_index(pe)];
    if (!ts || tenant >= ts->len) {
        return UINT32_MAX;
    }
    GArray *a = g_ptr_array_index(ts, tenant);
    return vm < a->len ? g_array_index(a, uint32_t, vm) : UINT32_MAX;
}

/* Records that VM k is VM 'vm' of local tenant 'tenant' on node 'node'. */
static void
gvm_add__(struct nvo_sim_overlay *o, uint32_t node, uint32_t tenant,
          uint32_t vm, uint32_t k)
{
    if (!o->gvm[node]) {
        o->gvm[node] = g_ptr_array_new_with_free_func(
            (GDestroyNotify) g_array_unref);
    }
    GPtrArray *ts = o->gvm[node];
    while (ts->len <= tenant) {
        g_ptr_array_add(ts, g_array_new(FALSE, FALSE, sizeof (uint32_t)));
    }
    GArray *a = g_ptr_array_index(ts, tenant);
    while (a->len < vm) {
        uint32_t none = UINT32_MAX;
        g_array_append_val(a, none);
    }
    if (a->len == vm) {
        g_array_append_val(a, k);
    } else {
        g_array_index(a, uint32_t, vm) = k;
    }
}

/* The PE delivered a tenant frame to one of its VMs. */
static void
deliver__(void *ctx, struct nvo_pe_node *pe, uint32_t tenant, uint32_t vm,
          const struct nvo_pkt *p)
{
    struct nvo_sim_overlay *o = ctx;
    uint32_t k = global_vm__(o, pe, tenant, vm);
    if (o->fate && p->flow_id) {
        uint32_t src, dst;
        nvo_time_t start;
        bool right = o->traffic
                     && nvo_traffic_flow(o->traffic, p->flow_id - 1, &src,
                                         &dst, &start)
                     && dst == k;
        nvo_frame_fate_delivered(o->fate, p, right);
    }
    if (o->traffic) {
        nvo_traffic_vm_deliver_to(o->traffic, k, p);
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
    uint64_t flooded = c->bum[NVO_BUM_UNKNOWN];
    uint64_t flow = p->flow_id;
    nvo_time_t created = p->created;
    if (nvo_pe_node_vm_send(pe, o->vm_pe_tenant[vm], o->vm_pe_vm[vm], p)) {
        abort();                /* the VM was added to this PE */
    }
    nvo_frame_fate_sent(o->fate, flow, created,
                        c->bum[NVO_BUM_UNKNOWN] != flooded);
    const struct nvo_node *n = nvo_pe_node_base(pe);
    uint32_t framing = n->n_ports
                       ? nvo_net_link(o->net, n->link[0])->cfg.framing : 0;
    return c->bytes_out - bytes + (c->frames_out - frames) * framing;
}


/* ---- VM stacks and moves (docs/vm-traffic.md) --------------------------- */

static const uint8_t bcast__[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* Sets the flood list of tenant 't' (VNI 'vni') on every PE hosting it,
 * after a PE joined it. */
static int
reflood__(struct nvo_sim_overlay *o, uint32_t t, uint32_t vni)
{
    uint32_t H = o->n_pes, n = 0;
    uint32_t *list = g_new(uint32_t, H ? H : 1);
    uint32_t *all = g_new(uint32_t, H ? H : 1);
    for (uint32_t h = 0; h < H; h++) {
        uint32_t lt;
        all[h] = nvo_pe_node_index(o->pes[h]);
        if (!nvo_pe_node_find_tenant(o->pes[h], vni, &lt)) {
            list[n++] = all[h];
        }
    }
    o->tenant_n_pes[t] = n;
    int err = 0;
    for (uint32_t i = 0; i < n && !err; i++) {
        struct nvo_pe_node *pe = o->pe_of_node[list[i]];
        uint32_t lt;
        nvo_pe_node_find_tenant(pe, vni, &lt);
        err = o->cfg->flood_list == NVO_FLOOD_ALL_PES
              ? nvo_pe_node_set_flood(pe, lt, all, H)
              : nvo_pe_node_set_flood(pe, lt, list, n);
    }
    g_free(list);
    g_free(all);
    return err;
}

/* The hypervisor announces VM k after a move: a gratuitous ARP (a
 * broadcast request for its own address) or a RARP request (RFC 903, as
 * VMware ESXi and QEMU send: sender and target hardware address the VM's,
 * protocol addresses 0). */
static void
announce__(struct nvo_sim_overlay *o, uint32_t k, bool rarp)
{
    const struct nvo_traffic_vm *v = &o->vms[k];
    struct nvo_pe_node *pe = o->pe_of_node[v->node];
    struct nvo_pkt *p = nvo_pkt_alloc(&o->net->pool, NVO_PKT_HEADROOM, 64);
    static const uint8_t zero[6] = { 0 };
    int err = rarp
        ? nvo_vm_arp_build(p, NVO_ETH_TYPE_RARP, bcast__, v->mac,
                           NVO_RARP_OP_REQUEST, v->mac, 0, v->mac, 0)
        : nvo_vm_arp_build(p, NVO_ETH_TYPE_ARP, bcast__, v->mac,
                           NVO_ARP_OP_REQUEST, v->mac, v->ip4, zero, v->ip4);
    if (err) {
        abort();                /* 42 bytes fit */
    }
    p->created = nvo_engine_now(o->net->engine);
    p->tclass = NVO_TC_DATA;
    if (rarp) {
        o->announce_rarp++;
    } else {
        o->announce_garp++;
    }
    if (nvo_pe_node_vm_send(pe, o->vm_pe_tenant[k], o->vm_pe_vm[k], p)) {
        abort();                /* the VM was added to this PE */
    }
}

static void
move__(void *m_)
{
    struct nvo_sim_overlay_move *m = m_;
    struct nvo_sim_overlay *o = m->o;
    const struct nvo_overlay_move_cfg *c = m->cfg;
    m->ev = NVO_EVENT_NONE;
    uint32_t k = c->vm;
    struct nvo_traffic_vm *v = &o->vms[k];
    struct nvo_pe_node *from = o->pe_of_node[v->node];
    struct nvo_pe_node *to = o->pe_of_node[c->node];
    if (from != to && to) {
        uint32_t vni = o->tenant_id[v->group], lt, nv;
        /* The VM appears on the new PE before it leaves the old one, as a
         * control plane sees a live migration: EVPN's MAC mobility takes
         * the sequence number up from the old PE's route. */
        bool joined = false;
        if (nvo_pe_node_find_tenant(to, vni, &lt)) {
            if (nvo_pe_node_add_tenant(to, vni, &lt)) {
                abort();        /* checked on the first PE */
            }
            joined = true;
        }
        if (nvo_pe_node_add_vm(to, lt, v->mac, v->ip4, &nv)
            || (joined && reflood__(o, v->group, vni))) {
            abort();            /* a unicast MAC new on this PE */
        }
        for (uint32_t i = 0; i < o->n_nlb; i++) {
            for (uint32_t j = 0; j < o->nlb[i].n_members; j++) {
                if (o->nlb[i].members[j] == k) {
                    nvo_pe_node_add_vm_mac(to, lt, nv, o->nlb[i].mac);
                }
            }
        }
        if (nvo_pe_node_remove_vm(from, o->vm_pe_tenant[k], o->vm_pe_vm[k])) {
            abort();            /* it was there */
        }
        gvm_add__(o, c->node, lt, nv, k);
        o->vm_pe_tenant[k] = lt;
        o->vm_pe_vm[k] = nv;
        v->node = c->node;
        if (o->traffic) {
            nvo_traffic_vm_move(o->traffic, k, c->node);
        }
        o->moves_done++;
    }
    announce__(o, k, c->rarp);
}

/* NLB clusters and timed moves. */
static int
vm_stack_populate__(struct nvo_sim_overlay *o)
{
    const struct nvo_overlay_cfg *c = o->cfg;
    uint32_t V = c->vms_per_tenant, n_members = 0;
    for (size_t i = 0; i < c->n_nlb; i++) {
        n_members += c->nlb[i].vms;
    }
    o->n_nlb = (uint32_t) c->n_nlb;
    o->nlb = g_new0(struct nvo_traffic_nlb, o->n_nlb ? o->n_nlb : 1);
    o->nlb_members = g_new(uint32_t, n_members ? n_members : 1);
    uint32_t *mem = o->nlb_members;
    for (uint32_t i = 0; i < o->n_nlb; i++) {
        struct nvo_traffic_nlb *l = &o->nlb[i];
        uint32_t t = c->nlb[i].tenant;
        /* The address after the tenant's VMs; NLB unicast mode's MAC
         * 02:bf and the cluster IPv4 address. */
        l->ip4 = 0x0a000000u + V + 1;
        l->mac[0] = 0x02;
        l->mac[1] = 0xbf;
        nvo_wr32(&l->mac[2], l->ip4);
        l->members = mem;
        l->n_members = c->nlb[i].vms;
        for (uint32_t j = 0; j < l->n_members; j++) {
            uint32_t k = t * V + j;
            mem[j] = k;
            int err = nvo_pe_node_add_vm_mac(o->pe_of_node[o->vms[k].node],
                                             o->vm_pe_tenant[k],
                                             o->vm_pe_vm[k], l->mac);
            if (err) {
                return err;
            }
        }
        mem += l->n_members;
    }
    o->moves = g_new0(struct nvo_sim_overlay_move,
                      c->n_moves ? c->n_moves : 1);
    for (size_t i = 0; i < c->n_moves; i++) {
        struct nvo_sim_overlay_move *m = &o->moves[i];
        m->o = o;
        m->cfg = &c->moves[i];
        if (m->cfg->vm >= o->n_vms || !o->pe_of_node[m->cfg->node]) {
            return EINVAL;
        }
        m->ev = nvo_engine_schedule_at(o->net->engine, m->cfg->at, move__, m);
    }
    return 0;
}

static void
vm_stack_destroy__(struct nvo_sim_overlay *o)
{
    for (size_t i = 0; o->moves && i < o->cfg->n_moves; i++) {
        nvo_engine_cancel(o->engine, o->moves[i].ev);
    }
    g_free(o->moves);
    g_free(o->nlb);
    g_free(o->nlb_members);
    for (uint32_t i = 0; o->gvm && i < o->gvm_n; i++) {
        if (o->gvm[i]) {
            g_ptr_array_free(o->gvm[i], TRUE);
        }
    }
    g_free(o->gvm);
}

bool
nvo_sim_overlay_has_vm_stack(const struct nvo_sim_overlay *o)
{
    const struct nvo_overlay_cfg *c = o->cfg;
    return c->arp || c->broadcast_rate > 0 || c->multicast_rate > 0
           || c->n_nlb || c->n_moves;
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
    o->gvm = g_new0(GPtrArray *, topo->n_nodes + 1);
    o->gvm_n = (uint32_t) topo->n_nodes;
    o->engine = net->engine;
    struct nvo_pe_node_cfg pc;
    memset(&pc, 0, sizeof pc);
    pc.encap = o->encap;
    pc.deliver = deliver__;
    pc.ctx = o;
    pc.cpu = cfg->overlay.cpu;
    nvo_sim_overlay_pe_options(&cfg->overlay, &pc);
    for (size_t i = 0; i < topo->n_nodes; i++) {
        const struct nvo_node_cfg *tn = &topo->nodes[i];
        bool ok;
        if (o->cfg->vtep == NVO_VTEP_LEAF && o->encap) {
            ok = nvo_sim_overlay_leaf_add_node__(o, topo, i);
        } else if (tn->role == NVO_ROLE_HYPERVISOR && o->encap) {
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
    for (uint32_t t = 0; t < o->n_tenants && !err; t++) {
        uint32_t vni = o->tenant_vni[t];
        uint32_t g = oc->mcast_group_base
                     + (oc->mcast_groups ? vni % oc->mcast_groups : t);
        for (uint32_t h = 0; h < o->n_pes && !err; h++) {
            uint32_t lt;
            if (!nvo_pe_node_find_tenant(o->pes[h], o->tenant_id[t], &lt)) {
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
    if (oc->vtep == NVO_VTEP_LEAF) {
        bool r = nvo_sim_overlay_leaf_populate__(o, cfg, &pl, error);
        g_free(pl.tenant_first);
        return r;
    }
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
            if (!err) {
                gvm_add__(o, v->node, local[node], o->vm_pe_vm[k], k);
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
    if (ok) {
        err = vm_stack_populate__(o);
        ok = !err;
    }
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
        if (port->node && o->bum_port_frames) {
            uint32_t k = o->port_base[port->node->index] + port->index;
            o->bum_port_frames[k]++;
            o->bum_port_bytes[k] += nvo_pkt_len(p) + port->link->cfg.framing;
        }
    }
}

void
nvo_sim_overlay_attach_taps(struct nvo_sim_overlay *o)
{
    uint32_t n_nodes = nvo_net_n_nodes(o->net), n_ports = 0;
    g_free(o->port_base);
    g_free(o->bum_port_frames);
    g_free(o->bum_port_bytes);
    o->port_base = g_new(uint32_t, n_nodes + 1);
    for (uint32_t i = 0; i < n_nodes; i++) {
        o->port_base[i] = n_ports;
        n_ports += nvo_net_node(o->net, i)->n_ports;
    }
    o->port_base[n_nodes] = n_ports;
    o->bum_port_frames = g_new0(uint64_t, n_ports + 1);
    o->bum_port_bytes = g_new0(uint64_t, n_ports + 1);
    if (o->cfg->vtep == NVO_VTEP_LEAF) {
        nvo_sim_overlay_leaf_attach__(o);
    }
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
    v->send = o->cfg->vtep == NVO_VTEP_LEAF ? nvo_sim_overlay_leaf_send__
                                            : send__;
    v->ctx = o;
    const struct nvo_overlay_cfg *c = o->cfg;
    v->arp = c->arp;
    v->arp_cfg.timeout = c->arp_timeout;
    v->arp_cfg.retrans = c->arp_retrans;
    v->arp_cfg.queue_max = c->arp_queue;
    v->broadcast_rate = c->broadcast_rate;
    v->multicast_rate = c->multicast_rate;
    v->broadcast_size = c->broadcast_size;
    v->multicast_size = c->multicast_size;
    v->nlb = o->nlb;
    v->n_nlb = o->n_nlb;
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
    if (o->cfg->vtep == NVO_VTEP_LEAF) {
        nvo_sim_overlay_leaf_totals__(o, t);
    }
}

void
nvo_sim_overlay_destroy(struct nvo_sim_overlay *o)
{
    if (!o) {
        return;
    }
    vm_stack_destroy__(o);
    g_free(o->pe_of_node);
    g_free(o->pes);
    g_free(o->vms);
    g_free(o->vm_pe_tenant);
    g_free(o->vm_pe_vm);
    g_free(o->tenant_n_pes);
    g_free(o->port_base);
    g_free(o->bum_port_frames);
    g_free(o->bum_port_bytes);
    g_free(o->hvs);
    g_free(o->hv_of_node);
    g_free(o->vteps);
    g_free(o->hv_leaf);
    g_free(o->tenant_vni);
    g_free(o->tenant_id);
    g_free(o->flood_pool);
    g_free(o->flood_all);
    g_free(o);
}

void
nvo_sim_overlay_port_bum(const struct nvo_sim_overlay *o, uint32_t node,
                         uint32_t port, uint64_t *frames, uint64_t *bytes)
{
    *frames = *bytes = 0;
    if (!o->bum_port_frames || node >= nvo_net_n_nodes(o->net)
        || port >= nvo_net_node(o->net, node)->n_ports) {
        return;
    }
    uint32_t k = o->port_base[node] + port;
    *frames = o->bum_port_frames[k];
    *bytes = o->bum_port_bytes[k];
}

void
nvo_sim_overlay_pe_options(const struct nvo_overlay_cfg *oc,
                           struct nvo_pe_node_cfg *pc)
{
    pc->sport_min = oc->sport_min;
    pc->sport_max = oc->sport_max;
    if (!oc->entropy) {
        /* One source port for every flow: the range's first (the
         * encapsulations' default ranges all start at 49152). */
        pc->sport_min = oc->sport_min ? oc->sport_min : 49152;
        pc->sport_max = pc->sport_min;
    }
    pc->nvgre_no_flowid = !oc->flowid;
    pc->entropy_label = oc->entropy_label;
    pc->control_word = oc->control_word;
    /* Geneve: 'geneve_opts_len' bytes as non-critical options of the
     * experimental class 0xffff (RFC 8926 section 7: 0xff00-0xffff), type
     * 1, zero data, each at most 4 + 124 bytes. */
    uint32_t left = oc->geneve_opts_len, at = 0;
    static const uint8_t zero[NVO_GENEVE_OPT_DATA_MAX];
    while (left >= NVO_GENEVE_OPT_LEN) {
        uint32_t data = NVO_MIN(left - NVO_GENEVE_OPT_LEN,
                                (uint32_t) NVO_GENEVE_OPT_DATA_MAX);
        struct nvo_geneve_opt_info gi = {
            .opt_class = 0xffff, .type = 1, .data_len = (uint8_t) data,
            .data = zero,
        };
        nvo_geneve_opt_encode(pc->geneve_opts + at, &gi);
        at += NVO_GENEVE_OPT_LEN + data;
        left -= NVO_GENEVE_OPT_LEN + data;
    }
    pc->geneve_opts_len = (uint16_t) at;
    pc->n_addrs = oc->n_addrs;
    /* Per-PE labels mean something only to the MPLS encapsulations (the
     * ones with a control-word receive). */
    pc->label_per_pe = oc->label_per_pe && pc->encap && pc->encap->pop_cw;
    pc->label_base = oc->label_base;
}
