/* sim_ctrl.c: a scenario run's overlay control plane: BGP EVPN or
 * BGP-signalled VPLS with route reflectors (or a full mesh), or
 * LDP-signalled VPLS, on the run's PEs (see sim_ctrl.h and
 * docs/control-planes.md). */
#include "run/sim_ctrl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctrl/bgp_speaker.h"
#include "ctrl/evpn.h"
#include "ctrl/ldp_speaker.h"
#include "ctrl/tcp.h"
#include "ctrl/vpls.h"
#include "ctrl/vpls_bgp.h"
#include "io/mrt.h"
#include "wire/bgp_nlri.h"
#include "wire/ldp.h"
#include "wire/wire.h"

struct ctrl_event {
    nvo_time_t at;
    nvo_time_t last;            /* -1: no change yet */
    int32_t move;               /* a <move>'s index, or -1 */
    int32_t topo;               /* an <events> entry's index, or -1 */
};

/* One BGP speaker: a PE's (with its EVPN) or a reflector's. */
struct ctrl_bgp {
    struct nvo_sim_ctrl *c;
    struct nvo_node *node;
    struct nvo_tcp_stack *tcp;
    struct nvo_bgp_speaker *spk;
    bool pe;                    /* else a reflector */
    struct nvo_evpn *evpn;      /* control="evpn" */
    struct nvo_vpls_bgp *vb;    /* control="vpls-bgp" */
    struct nvo_mrt_writer *mrt; /* bgp.mrt */
};

struct ctrl_ldp {
    struct nvo_sim_ctrl *c;
    struct nvo_tcp_stack *tcp;
    struct nvo_vpls *vpls;
};

struct nvo_sim_ctrl {
    const struct nvo_overlay_cfg *cfg;
    struct nvo_sim_overlay *o;
    struct nvo_net *net;
    struct ctrl_bgp *bgp;       /* PEs in node order, then reflectors */
    uint32_t n_bgp, n_pe_bgp;
    struct ctrl_ldp *ldp;       /* per PE */
    uint32_t n_ldp;
    struct ctrl_event *ev;      /* by time; ev[0] the start */
    uint32_t n_ev;
    const struct nvo_topo_event_cfg *topo_events;
};

/* The one TCP configuration of every stack of the run (<overlay><tcp>):
 * the defaults of ctrl/tcp.h with the scenario's delayed ACK. */
static void
tcp_cfg__(const struct nvo_sim_ctrl *c, struct nvo_tcp_cfg *tc)
{
    nvo_tcp_cfg_default(tc);
    tc->delack = c->cfg->tcp.delack;
}

/* ---- Convergence --------------------------------------------------------- */

uint32_t
nvo_sim_ctrl_event_at(const struct nvo_sim_ctrl *c, nvo_time_t t)
{
    uint32_t lo = 0, hi = c->n_ev;
    while (hi - lo > 1) {       /* the last event with at <= t */
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->ev[mid].at <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* A control-plane change now: the latest event at or before now caused
 * it. */
static void
changed__(struct nvo_sim_ctrl *c)
{
    nvo_time_t now = nvo_engine_now(c->net->engine);
    c->ev[nvo_sim_ctrl_event_at(c, now)].last = now;
}

/* By time; at one time the start, then the topology events (they run
 * first: scheduled at build), then the moves, each in file order. */
static int
event_cmp__(const void *a_, const void *b_)
{
    const struct ctrl_event *a = a_, *b = b_;
    if (a->at != b->at) {
        return a->at < b->at ? -1 : 1;
    }
    int ka = a->topo >= 0 ? 1 : a->move >= 0 ? 2 : 0;
    int kb = b->topo >= 0 ? 1 : b->move >= 0 ? 2 : 0;
    if (ka != kb) {
        return ka < kb ? -1 : 1;
    }
    int32_t ia = ka == 1 ? a->topo : a->move, ib = kb == 1 ? b->topo : b->move;
    return ia < ib ? -1 : ia > ib;
}

static void
events__(struct nvo_sim_ctrl *c, const struct nvo_scenario_cfg *cfg)
{
    const struct nvo_overlay_cfg *oc = c->cfg;
    c->n_ev = (uint32_t) (oc->n_moves + cfg->n_events) + 1;
    c->ev = g_new(struct ctrl_event, c->n_ev);
    c->ev[0] = (struct ctrl_event) { 0, -1, -1, -1 };
    uint32_t k = 1;
    for (size_t i = 0; i < oc->n_moves; i++) {
        c->ev[k++] = (struct ctrl_event) { oc->moves[i].at, -1, (int32_t) i,
                                           -1 };
    }
    for (size_t i = 0; i < cfg->n_events; i++) {
        c->ev[k++] = (struct ctrl_event) { cfg->events[i].at, -1, -1,
                                           (int32_t) i };
    }
    qsort(c->ev, c->n_ev, sizeof *c->ev, event_cmp__);
    c->topo_events = cfg->events;
}

/* ---- The route buses: EVPN and BGP-signalled VPLS over the speaker ------ */

/* Originates (attrs given) or withdraws (NULL) the L2VPN NLRI of SAFI
 * 'safi' that 'buf' holds ('len' bytes: 0 if it could not be encoded). */
static int
bus_route__(struct ctrl_bgp *b, uint8_t safi, const uint8_t *nlri, size_t len,
            const struct nvo_bgp_attrs *a)
{
    if (!len) {
        return EINVAL;
    }
    return a ? nvo_bgp_speaker_originate(b->spk, NVO_BGP_AFI_L2VPN, safi,
                                         nlri, len, a)
             : nvo_bgp_speaker_withdraw(b->spk, NVO_BGP_AFI_L2VPN, safi,
                                        nlri, len);
}

static int
evpn_route__(struct ctrl_bgp *b, const struct nvo_evpn_route *r,
             const struct nvo_bgp_attrs *a)
{
    uint8_t nlri[64];
    struct nvo_bgp_buf buf = nvo_bgp_buf_init(nlri, sizeof nlri);
    size_t len = nvo_evpn_route_encode(&buf, r);
    return bus_route__(b, NVO_BGP_SAFI_EVPN, nlri, len, a);
}

static int
bus_advertise__(void *ctx, const struct nvo_evpn_route *r,
                const struct nvo_bgp_attrs *a)
{
    return evpn_route__(ctx, r, a);
}

static int
bus_withdraw__(void *ctx, const struct nvo_evpn_route *r)
{
    return evpn_route__(ctx, r, NULL);
}

static const struct nvo_evpn_bus_ops bus_ops__ = {
    .advertise = bus_advertise__,
    .withdraw = bus_withdraw__,
};

static int
vb_route__(struct ctrl_bgp *b, const struct nvo_vpls_nlri *nl,
           const struct nvo_bgp_attrs *a)
{
    uint8_t nlri[32];
    struct nvo_bgp_buf buf = nvo_bgp_buf_init(nlri, sizeof nlri);
    size_t len = nvo_vpls_nlri_encode(&buf, nl);
    return bus_route__(b, NVO_BGP_SAFI_VPLS, nlri, len, a);
}

static int
vb_advertise__(void *ctx, const struct nvo_vpls_nlri *nl,
               const struct nvo_bgp_attrs *a)
{
    return vb_route__(ctx, nl, a);
}

static int
vb_withdraw__(void *ctx, const struct nvo_vpls_nlri *nl)
{
    return vb_route__(ctx, nl, NULL);
}

static const struct nvo_vpls_bgp_bus_ops vb_ops__ = {
    .advertise = vb_advertise__,
    .withdraw = vb_withdraw__,
};

/* A Loc-RIB best path changed at a speaker: a control-plane change; at a
 * PE the route goes to its EVPN or BGP-VPLS instance. */
static void
best__(void *ctx, uint16_t afi, uint8_t safi, const uint8_t *nlri,
       size_t len, const struct nvo_bgp_attrs *best, uint32_t originator)
{
    struct ctrl_bgp *b = ctx;
    changed__(b->c);
    if (b->vb && afi == NVO_BGP_AFI_L2VPN && safi == NVO_BGP_SAFI_VPLS) {
        struct nvo_rd rd = nvo_rd_init(nlri, len);
        struct nvo_vpls_nlri nl;
        struct nvo_bgp_error e;
        if (!nvo_vpls_nlri_decode(&rd, nlri, &nl, &e)) {
            nvo_vpls_bgp_route_in(b->vb, &nl, best, originator);
        }
        return;
    }
    if (!b->evpn || afi != NVO_BGP_AFI_L2VPN || safi != NVO_BGP_SAFI_EVPN) {
        return;
    }
    struct nvo_rd rd = nvo_rd_init(nlri, len);
    struct nvo_evpn_route r;
    struct nvo_bgp_error e;
    if (nvo_evpn_route_decode(&rd, nlri, &r, &e)) {
        return;
    }
    if (!best && r.rd[0] == 0 && r.rd[1] == 1) {
        /* A withdrawal names no originator (the speaker has no path left
         * to take one from); the EVPN instance matches it by the one it
         * announced, which every nvosim PE puts in its RDs: type 1, its
         * router id : n (docs/evpn.md). */
        originator = nvo_rd32(r.rd + 2);
    }
    nvo_evpn_route_in(b->evpn, &r, best, originator);
}

static void
mrt__(void *ctx, const struct nvo_bgp_speaker *spk, uint32_t peer_node,
      bool sent, nvo_time_t now, const uint8_t *msg, size_t len)
{
    struct ctrl_bgp *b = ctx;
    uint32_t asn = nvo_bgp_speaker_cfg(spk)->asn;
    struct nvo_mrt_peer p = { .peer_as = asn, .local_as = asn };
    nvo_wr32(p.peer_ip, nvo_net_node(b->c->net, peer_node)->addr4);
    nvo_wr32(p.local_ip, b->node->addr4);
    if (sent) {
        nvo_mrt_add_sent(b->mrt, now, &p, msg, len);
    } else {
        nvo_mrt_add(b->mrt, now, &p, msg, len);
    }
}

static int
bgp_node__(struct nvo_sim_ctrl *c, struct ctrl_bgp *b, struct nvo_node *n,
           bool is_rr, uint32_t cluster_id, char *err, size_t err_size)
{
    const struct nvo_overlay_bgp_cfg *bc = &c->cfg->bgp;
    b->c = c;
    b->node = n;
    struct nvo_tcp_cfg tc;
    tcp_cfg__(c, &tc);
    int rc = nvo_tcp_stack_create(n, &tc, &b->tcp);
    if (rc) {
        snprintf(err, err_size, "node %s: cannot create its TCP stack: %s",
                 n->name, g_strerror(rc));
        return rc;
    }
    struct nvo_bgp_speaker_cfg sc;
    nvo_bgp_speaker_cfg_default(&sc);
    sc.asn = bc->asn;
    sc.hold_time = bc->hold;
    sc.keepalive = bc->keepalive;
    sc.mrai = bc->mrai;
    sc.proc_delay = bc->proc_delay;
    sc.extended_messages = bc->extended_messages;
    sc.is_rr = is_rr;
    sc.cluster_id = cluster_id;
    sc.rt_constrain = bc->rt_constrain;
    sc.rtc_advertise_default = bc->rtc_default;
    sc.vpls = c->cfg->control == NVO_CONTROL_VPLS_BGP;
    rc = nvo_bgp_speaker_create(b->tcp, &sc, &b->spk, err, err_size);
    if (rc) {
        return rc;
    }
    nvo_bgp_speaker_set_best_cb(b->spk, best__, b);
    if (bc->mrt) {
        b->mrt = nvo_mrt_writer_new(0);
        nvo_bgp_speaker_set_observer(b->spk, mrt__, b);
    }
    return 0;
}

/* The PE side of a BGP plane on speaker 'b' of PE 'pe': its EVPN or
 * BGP-VPLS instance, and the route targets it imports (RT-constrain
 * originates a membership route for each). */
static int
bgp_pe__(struct nvo_sim_ctrl *c, struct ctrl_bgp *b, struct nvo_pe_node *pe,
         char *err, size_t err_size)
{
    const struct nvo_overlay_cfg *oc = c->cfg;
    const struct nvo_overlay_bgp_cfg *bc = &oc->bgp;
    struct nvo_node *n = nvo_pe_node_base(pe);
    b->pe = true;
    if (oc->control == NVO_CONTROL_EVPN) {
        struct nvo_evpn_cfg ec;
        nvo_evpn_cfg_default(&ec);
        ec.asn = (uint16_t) bc->asn;
        ec.mac_ip = bc->mac_ip;
        ec.mac_only = bc->mac_only;
        ec.arp_suppression = bc->arp_suppression;
        ec.flood = oc->flood_mcast ? NVO_EVPN_FLOOD_PIM_SM
                                   : NVO_EVPN_FLOOD_INGRESS;
        b->evpn = nvo_evpn_create(pe, &ec, &bus_ops__, b);
    } else {
        struct nvo_vpls_bgp_cfg vc;
        nvo_vpls_bgp_cfg_default(&vc);
        vc.asn = (uint16_t) bc->asn;
        vc.control_word = oc->control_word;
        b->vb = nvo_vpls_bgp_create(pe, &vc, &vb_ops__, b);
    }
    if (!b->evpn && !b->vb) {
        int rc = errno ? errno : EINVAL;
        snprintf(err, err_size, "node %s: cannot create its %s: %s", n->name,
                 oc->control == NVO_CONTROL_EVPN ? "EVPN" : "BGP VPLS",
                 g_strerror(rc));
        return rc;
    }
    uint32_t nt = nvo_pe_node_n_tenants(pe);
    uint8_t (*rts)[8] = g_malloc(sizeof *rts * (nt ? nt : 1));
    for (uint32_t t = 0; t < nt; t++) {
        /* Both auto-derive ASN:VNI, 2-octet AS specific. */
        nvo_evpn_rt(rts[t], (uint16_t) bc->asn, nvo_pe_node_vni(pe, t));
    }
    const uint8_t (*crts)[8] = (const void *) rts;
    int rc = nvo_bgp_speaker_set_import_rts(b->spk, crts, nt);
    g_free(rts);
    if (rc) {
        snprintf(err, err_size, "node %s: cannot set its route targets: %s",
                 n->name, g_strerror(rc));
    }
    return rc;
}

static int
bgp_build__(struct nvo_sim_ctrl *c, char *err, size_t err_size)
{
    const struct nvo_overlay_cfg *oc = c->cfg;
    const struct nvo_overlay_bgp_cfg *bc = &oc->bgp;
    struct nvo_sim_overlay *o = c->o;
    uint32_t n_rr = bc->full_mesh ? 0 : bc->n_rr;
    c->n_pe_bgp = o->n_pes;
    c->n_bgp = o->n_pes + n_rr;
    c->bgp = g_new0(struct ctrl_bgp, c->n_bgp ? c->n_bgp : 1);
    for (uint32_t h = 0; h < o->n_pes; h++) {
        struct ctrl_bgp *b = &c->bgp[h];
        int rc = bgp_node__(c, b, nvo_pe_node_base(o->pes[h]), false, 0, err,
                            err_size);
        if (!rc) {
            rc = bgp_pe__(c, b, o->pes[h], err, err_size);
        }
        if (rc) {
            return rc;
        }
    }
    uint32_t shared = n_rr && bc->shared_cluster
                      ? nvo_net_node(c->net, bc->rr[0])->addr4 : 0;
    for (uint32_t r = 0; r < n_rr; r++) {
        struct ctrl_bgp *b = &c->bgp[o->n_pes + r];
        int rc = bgp_node__(c, b, nvo_net_node(c->net, bc->rr[r]), true,
                            shared, err, err_size);
        if (rc) {
            return rc;
        }
    }
    /* Sessions: every PE with every reflector (a client), the reflectors
     * with each other; or, without reflectors, every pair of PEs. */
    for (uint32_t h = 0; h < o->n_pes; h++) {
        uint32_t me = c->bgp[h].node->index;
        for (uint32_t r = 0; r < n_rr; r++) {
            struct ctrl_bgp *rb = &c->bgp[o->n_pes + r];
            if (nvo_bgp_speaker_add_peer(c->bgp[h].spk, rb->node->index,
                                         false)
                || nvo_bgp_speaker_add_peer(rb->spk, me, true)) {
                snprintf(err, err_size, "cannot peer %s with reflector %s",
                         c->bgp[h].node->name, rb->node->name);
                return EINVAL;
            }
        }
        for (uint32_t k = h + 1; !n_rr && k < o->n_pes; k++) {
            if (nvo_bgp_speaker_add_peer(c->bgp[h].spk, c->bgp[k].node->index,
                                         false)
                || nvo_bgp_speaker_add_peer(c->bgp[k].spk, me, false)) {
                snprintf(err, err_size, "cannot peer %s with %s",
                         c->bgp[h].node->name, c->bgp[k].node->name);
                return EINVAL;
            }
        }
    }
    for (uint32_t r = 0; r < n_rr; r++) {
        for (uint32_t s = r + 1; s < n_rr; s++) {
            struct ctrl_bgp *a = &c->bgp[o->n_pes + r];
            struct ctrl_bgp *b = &c->bgp[o->n_pes + s];
            if (nvo_bgp_speaker_add_peer(a->spk, b->node->index, false)
                || nvo_bgp_speaker_add_peer(b->spk, a->node->index, false)) {
                snprintf(err, err_size, "cannot peer reflectors %s and %s",
                         a->node->name, b->node->name);
                return EINVAL;
            }
        }
    }
    return 0;
}

/* ---- VPLS over LDP ------------------------------------------------------- */

/* A label message (Mapping, Withdraw, Release, Address Withdraw)
 * processed at a PE (its PDU's arrival plus the processing delay): a
 * control-plane change. */
static void
ldp_change__(void *ctx, struct nvo_vpls *v)
{
    (void) v;
    changed__(ctx);
}

static bool
is_hub__(const struct nvo_overlay_ldp_cfg *lc, uint32_t node)
{
    for (uint32_t i = 0; i < lc->n_hubs; i++) {
        if (lc->hubs[i] == node) {
            return true;
        }
    }
    return false;
}

/* H-VPLS (<ldp hubs>): the hub of each PE (by its place in o->pes; a
 * hub its own): a <spoke>'s, else the hubs in turn for the PEs without
 * one, in node order.  NULL without hubs (a full mesh). */
static uint32_t *
hub_of__(struct nvo_sim_ctrl *c)
{
    const struct nvo_overlay_ldp_cfg *lc = &c->cfg->ldp;
    struct nvo_sim_overlay *o = c->o;
    if (!lc->n_hubs) {
        return NULL;
    }
    uint32_t *hub = g_new(uint32_t, o->n_pes ? o->n_pes : 1);
    uint32_t k = 0;
    for (uint32_t h = 0; h < o->n_pes; h++) {
        uint32_t node = nvo_pe_node_index(o->pes[h]);
        hub[h] = is_hub__(lc, node) ? node : UINT32_MAX;
        for (size_t i = 0; hub[h] == UINT32_MAX && i < lc->n_spokes; i++) {
            if (lc->spokes[i].pe == node) {
                hub[h] = lc->spokes[i].hub;
            }
        }
        if (hub[h] == UINT32_MAX) {
            hub[h] = lc->hubs[k++ % lc->n_hubs];
        }
    }
    return hub;
}

/* The members of the VSI of tenant t at PE h: with H-VPLS, a spoke's
 * hub; for a hub, the other hubs that carry the VNI and its spokes that
 * host it.  Without, the tenant's flood list (the PEs hosting it, or
 * all PEs), read before the pseudowire mode takes the flood lists over.
 * A g_free()d array, its length in *n. */
static uint32_t *
vsi_members__(struct nvo_sim_ctrl *c, const uint32_t *hub, uint32_t h,
              uint32_t t, uint32_t *n)
{
    struct nvo_sim_overlay *o = c->o;
    uint32_t *m = g_new(uint32_t, o->n_pes + 1);
    *n = 0;
    if (!hub) {
        const uint32_t *f = nvo_pe_node_flood(o->pes[h], t, n);
        if (*n) {
            memcpy(m, f, *n * sizeof *f);
        }
        return m;
    }
    uint32_t me = nvo_pe_node_index(o->pes[h]), vni = nvo_pe_node_vni(
        o->pes[h], t), lt;
    if (hub[h] != me) {
        m[(*n)++] = hub[h];
        return m;
    }
    for (uint32_t k = 0; k < o->n_pes; k++) {
        uint32_t node = nvo_pe_node_index(o->pes[k]);
        bool is_hub = hub[k] == node;
        if (k != h && (is_hub || hub[k] == me)
            && !nvo_pe_node_find_tenant(o->pes[k], vni, &lt)) {
            m[(*n)++] = node;
        }
    }
    return m;
}

/* H-VPLS: a hub carries the VSI of every VNI one of its spokes hosts (a
 * tenant without VMs on it, if it hosts none). */
static int
hubs_carry__(struct nvo_sim_ctrl *c, const uint32_t *hub, char *err,
             size_t err_size)
{
    struct nvo_sim_overlay *o = c->o;
    for (uint32_t h = 0; hub && h < o->n_pes; h++) {
        if (hub[h] == nvo_pe_node_index(o->pes[h])) {
            continue;
        }
        struct nvo_pe_node *hp = o->pe_of_node[hub[h]];
        if (!hp) {
            snprintf(err, err_size, "hub %s is not a PE",
                     nvo_net_node(c->net, hub[h])->name);
            return EINVAL;
        }
        for (uint32_t t = 0; t < nvo_pe_node_n_tenants(o->pes[h]); t++) {
            uint32_t vni = nvo_pe_node_vni(o->pes[h], t), lt;
            int rc = nvo_pe_node_find_tenant(hp, vni, &lt)
                     ? nvo_pe_node_add_tenant(hp, vni, &lt) : 0;
            if (rc) {
                snprintf(err, err_size, "hub %s: cannot carry VNI %u: %s",
                         nvo_pe_node_base(hp)->name, vni, g_strerror(rc));
                return rc;
            }
        }
    }
    return 0;
}

static int
vpls_build__(struct nvo_sim_ctrl *c, char *err, size_t err_size)
{
    const struct nvo_overlay_ldp_cfg *lc = &c->cfg->ldp;
    struct nvo_sim_overlay *o = c->o;
    struct nvo_ldp_speaker_cfg sc;
    nvo_ldp_speaker_cfg_default(&sc);
    sc.hello_interval = lc->hello;
    sc.hello_hold = (uint16_t) lc->hold;
    sc.keepalive_time = (uint16_t) lc->keepalive;
    sc.proc_delay = lc->proc_delay;
    sc.pack = lc->pack;
    struct nvo_vpls_cfg vc;
    nvo_vpls_cfg_default(&vc);
    vc.control_word = c->cfg->control_word;
    vc.on_move = (enum nvo_vpls_mac_withdraw) lc->mac_withdraw;
    uint32_t *hub = hub_of__(c);
    int rc = hubs_carry__(c, hub, err, err_size);
    /* A VSI per tenant on each PE that carries it, its members read
     * before the pseudowire mode takes the flood lists over. */
    GPtrArray *members = g_ptr_array_new_with_free_func(g_free);
    for (uint32_t h = 0; h < o->n_pes && !rc; h++) {
        for (uint32_t t = 0; t < nvo_pe_node_n_tenants(o->pes[h]); t++) {
            uint32_t n;
            uint32_t *m = vsi_members__(c, hub, h, t, &n);
            memmove(m + 1, m, n * sizeof *m);
            m[0] = n;
            g_ptr_array_add(members, m);
        }
    }
    c->n_ldp = o->n_pes;
    c->ldp = g_new0(struct ctrl_ldp, o->n_pes ? o->n_pes : 1);
    struct nvo_tcp_cfg tc;
    tcp_cfg__(c, &tc);
    guint k = 0;
    for (uint32_t h = 0; h < o->n_pes && !rc; h++) {
        struct ctrl_ldp *l = &c->ldp[h];
        struct nvo_pe_node *pe = o->pes[h];
        struct nvo_node *n = nvo_pe_node_base(pe);
        l->c = c;
        rc = nvo_tcp_stack_create(n, &tc, &l->tcp);
        if (!rc) {
            rc = nvo_vpls_create(pe, l->tcp, &sc, &vc, &l->vpls);
        }
        if (rc) {
            snprintf(err, err_size, "node %s: cannot create its VPLS: %s",
                     n->name, g_strerror(rc));
            break;
        }
        nvo_vpls_set_change_cb(l->vpls, ldp_change__, c);
        for (uint32_t t = 0; t < nvo_pe_node_n_tenants(pe) && !rc; t++) {
            const uint32_t *m = g_ptr_array_index(members, k++);
            rc = nvo_vpls_add_vsi(l->vpls, t, 0, m + 1, m[0]);
            /* H-VPLS: a spoke's one pseudowire, a hub's to its spokes. */
            for (uint32_t i = 0; hub && !rc && i < m[0]; i++) {
                uint32_t peer = m[1 + i];
                bool spoke = hub[h] != n->index || !is_hub__(lc, peer);
                if (spoke) {
                    rc = nvo_vpls_set_spoke(l->vpls, t, peer, true);
                }
            }
            if (rc) {
                snprintf(err, err_size, "node %s: cannot add the VSI of VNI "
                         "%u: %s", n->name, nvo_pe_node_vni(pe, t),
                         g_strerror(rc));
            }
        }
    }
    g_ptr_array_free(members, TRUE);
    g_free(hub);
    return rc;
}

/* ---- Life cycle ------------------------------------------------------------ */

/* With a control plane, tenants are known to it at start: a VM moves only
 * to a PE that hosts its tenant (docs/control-planes.md). */
static bool
moves_ok__(const struct nvo_scenario_cfg *cfg, struct nvo_sim_overlay *o,
           GError **error)
{
    const struct nvo_overlay_cfg *oc = &cfg->overlay;
    for (size_t i = 0; i < oc->n_moves; i++) {
        const struct nvo_overlay_move_cfg *m = &oc->moves[i];
        struct nvo_pe_node *to = m->node < nvo_net_n_nodes(o->net)
                                 ? o->pe_of_node[m->node] : NULL;
        uint32_t lt;
        if (m->vm < o->n_vms && to
            && nvo_pe_node_find_tenant(to, o->tenant_id[o->vms[m->vm].group],
                                       &lt)) {
            g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                        "%s:%d: <move>: with control=\"%s\" a VM moves only "
                        "to a hypervisor that hosts its tenant from the "
                        "start; %s hosts no VM of VNI %u (docs/control-"
                        "planes.md, Scope and Limitations)", cfg->path,
                        m->line, nvo_control_name(oc->control),
                        nvo_pe_node_base(to)->name,
                        o->tenant_vni[o->vms[m->vm].group]);
            return false;
        }
    }
    return true;
}

struct nvo_sim_ctrl *
nvo_sim_ctrl_create(const struct nvo_scenario_cfg *cfg,
                    struct nvo_sim_overlay *o, GError **error)
{
    const struct nvo_overlay_cfg *oc = &cfg->overlay;
    if (!o || oc->control == NVO_CONTROL_NONE) {
        return NULL;
    }
    if (!moves_ok__(cfg, o, error)) {
        return NULL;
    }
    struct nvo_sim_ctrl *c = g_new0(struct nvo_sim_ctrl, 1);
    c->cfg = oc;
    c->o = o;
    c->net = o->net;
    events__(c, cfg);
    char err[512] = "";
    int rc = oc->control != NVO_CONTROL_VPLS_LDP
             ? bgp_build__(c, err, sizeof err)
             : vpls_build__(c, err, sizeof err);
    if (rc) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s:%d: <overlay control>: %s", cfg->path, oc->line,
                    err[0] ? err : g_strerror(rc));
        nvo_sim_ctrl_destroy(c);
        return NULL;
    }
    return c;
}

void
nvo_sim_ctrl_start(struct nvo_sim_ctrl *c)
{
    if (!c) {
        return;
    }
    for (uint32_t i = 0; i < c->n_pe_bgp; i++) {
        if (c->bgp[i].evpn) {
            nvo_evpn_start(c->bgp[i].evpn);
        } else {
            nvo_vpls_bgp_start(c->bgp[i].vb);
        }
    }
    for (uint32_t i = 0; i < c->n_ldp; i++) {
        nvo_vpls_start(c->ldp[i].vpls);
    }
}

int
nvo_sim_ctrl_write_files(const struct nvo_sim_ctrl *c, const char *dir,
                         char **path)
{
    *path = NULL;
    for (uint32_t i = 0; c && i < c->n_bgp; i++) {
        if (!c->bgp[i].mrt) {
            continue;
        }
        char *name = g_strdup_printf("%s.mrt", c->bgp[i].node->name);
        char *p = g_build_filename(dir, name, NULL);
        g_free(name);
        int rc = nvo_mrt_write_file(c->bgp[i].mrt, p);
        if (rc) {
            *path = p;
            return rc;
        }
        g_free(p);
    }
    return 0;
}

void
nvo_sim_ctrl_destroy(struct nvo_sim_ctrl *c)
{
    if (!c) {
        return;
    }
    for (uint32_t i = 0; i < c->n_bgp; i++) {
        nvo_evpn_destroy(c->bgp[i].evpn);
        nvo_vpls_bgp_destroy(c->bgp[i].vb);
        nvo_bgp_speaker_destroy(c->bgp[i].spk);
        nvo_tcp_stack_destroy(c->bgp[i].tcp);
        nvo_mrt_writer_free(c->bgp[i].mrt);
    }
    for (uint32_t i = 0; i < c->n_ldp; i++) {
        nvo_vpls_destroy(c->ldp[i].vpls);
        nvo_tcp_stack_destroy(c->ldp[i].tcp);
    }
    g_free(c->bgp);
    g_free(c->ldp);
    g_free(c->ev);
    g_free(c);
}

/* ---- Results ------------------------------------------------------------- */

void
nvo_sim_ctrl_totals(const struct nvo_sim_ctrl *c, struct nvo_sim_ctrl_totals *t)
{
    memset(t, 0, sizeof *t);
    if (!c) {
        return;
    }
    t->control = c->cfg->control;
    for (uint32_t i = 0; i < c->n_bgp; i++) {
        const struct ctrl_bgp *b = &c->bgp[i];
        const struct nvo_bgp_counters *k = nvo_bgp_speaker_counters(b->spk);
        t->bgp_sessions += nvo_bgp_speaker_n_established(b->spk);
        t->bgp_messages += nvo_bgp_counters_msgs_out(k);
        t->bgp_bytes += nvo_bgp_counters_bytes_out(k);
        t->bgp_updates += k->msgs_out[NVO_BGP_UPDATE];
        uint64_t rib = nvo_bgp_speaker_n_routes(
            b->spk, NVO_BGP_AFI_L2VPN,
            c->cfg->control == NVO_CONTROL_EVPN ? NVO_BGP_SAFI_EVPN
                                                : NVO_BGP_SAFI_VPLS);
        t->rt_filtered += k->routes_rt_filtered;
        if (b->evpn) {
            const struct nvo_evpn_counters *e = nvo_evpn_counters(b->evpn);
            t->evpn_type2 += e->type2_advertised;
            t->evpn_type3 += e->type3_advertised;
            t->arp_suppressed += e->arp_suppressed;
        } else if (b->vb) {
            const struct nvo_vpls_bgp_counters *v = nvo_vpls_bgp_counters(b->vb);
            t->vpls_nlri += v->nlri_advertised;
            t->pseudowires += v->pws_up;
        }
        if (b->pe) {
            t->rib_max = NVO_MAX(t->rib_max, rib);
        } else {
            t->n_rr++;
            t->rr_rib_max = NVO_MAX(t->rr_rib_max, rib);
        }
    }
    for (uint32_t i = 0; i < c->n_bgp + c->n_ldp; i++) {
        const struct nvo_tcp_stack *st = i < c->n_bgp ? c->bgp[i].tcp
                                         : c->ldp[i - c->n_bgp].tcp;
        const struct nvo_tcp_counters *k = nvo_tcp_stack_counters(st);
        t->pending += nvo_tcp_stack_n_pending(st);
        t->tcp_segs += k->segs_out;
        t->tcp_data_segs += k->data_segs_out;
    }
    t->bgp_sessions /= 2;       /* each counted at both ends */
    t->pseudowires /= 2;        /* BGP VPLS: directions up / 2 */
    for (uint32_t i = 0; i < c->n_ldp; i++) {
        const struct nvo_ldp_speaker *s = nvo_vpls_speaker(c->ldp[i].vpls);
        const struct nvo_ldp_counters *k = nvo_ldp_speaker_counters(s);
        t->ldp_sessions += nvo_ldp_speaker_n_sessions(s);
        for (int m = 0; m < NVO_LDP_K_N; m++) {
            t->ldp_messages += k->msgs_out[m];
        }
        t->ldp_bytes += k->pdu_bytes_out;
        t->ldp_pw_dirs += nvo_vpls_counters(c->ldp[i].vpls)->pws_up;
    }
    t->ldp_sessions /= 2;
    t->pseudowires += t->ldp_pw_dirs / 2;
    for (uint32_t i = 0; i < nvo_net_n_nodes(c->net); i++) {
        const struct nvo_node *n = nvo_net_node(c->net, i);
        for (uint32_t p = 0; p < n->n_ports; p++) {
            t->control_link_bytes += n->ports[p].st.tx_bytes[NVO_TC_CONTROL];
        }
    }
    for (uint32_t i = 0; i < c->n_ev; i++) {
        if (c->ev[i].last >= 0) {
            t->n_converged++;
            t->convergence_max = NVO_MAX(t->convergence_max,
                                         c->ev[i].last - c->ev[i].at);
        }
    }
}

uint32_t
nvo_sim_ctrl_n_bgp(const struct nvo_sim_ctrl *c)
{
    return c ? c->n_bgp : 0;
}

const struct nvo_bgp_speaker *
nvo_sim_ctrl_bgp(const struct nvo_sim_ctrl *c, uint32_t i, bool *is_rr)
{
    *is_rr = !c->bgp[i].pe;
    return c->bgp[i].spk;
}

const struct nvo_evpn *
nvo_sim_ctrl_evpn(const struct nvo_sim_ctrl *c, uint32_t i)
{
    return c->bgp[i].evpn;
}

const struct nvo_vpls_bgp *
nvo_sim_ctrl_vpls_bgp(const struct nvo_sim_ctrl *c, uint32_t i)
{
    return c->bgp[i].vb;
}

uint32_t
nvo_sim_ctrl_n_vpls(const struct nvo_sim_ctrl *c)
{
    return c ? c->n_ldp : 0;
}

const struct nvo_vpls *
nvo_sim_ctrl_vpls(const struct nvo_sim_ctrl *c, uint32_t i)
{
    return c->ldp[i].vpls;
}

const struct nvo_ldp_speaker *
nvo_sim_ctrl_ldp(const struct nvo_sim_ctrl *c, uint32_t i)
{
    return nvo_vpls_speaker(c->ldp[i].vpls);
}

uint32_t
nvo_sim_ctrl_n_events(const struct nvo_sim_ctrl *c)
{
    return c ? c->n_ev : 0;
}

void
nvo_sim_ctrl_event(const struct nvo_sim_ctrl *c, uint32_t i,
                   const char **kind, uint32_t *index, nvo_time_t *at,
                   nvo_time_t *last)
{
    const struct ctrl_event *e = &c->ev[i];
    if (e->topo >= 0) {
        *kind = nvo_topo_event_kind_name(c->topo_events[e->topo].kind);
        *index = (uint32_t) e->topo;
    } else {
        *kind = e->move < 0 ? "start" : "move";
        *index = e->move < 0 ? 0 : (uint32_t) e->move;
    }
    *at = e->at;
    *last = e->last;
}
