/* config_ctrl.c: the overlay's control plane in a scenario file:
 * <overlay control="none|evpn|vpls-ldp|vpls-bgp"> and its <bgp>, <ldp>
 * and <tcp> children (docs/scenarios.md, docs/control-planes.md). */
#include "io/config_priv.h"

#include <string.h>

#include "ctrl/bgp_speaker.h"
#include "ctrl/ldp_speaker.h"
#include "ctrl/tcp.h"
#include "ctrl/vpls.h"

const char *
nvo_control_name(enum nvo_control c)
{
    switch (c) {
    case NVO_CONTROL_NONE: return "none";
    case NVO_CONTROL_EVPN: return "evpn";
    case NVO_CONTROL_VPLS_LDP: return "vpls-ldp";
    case NVO_CONTROL_VPLS_BGP: return "vpls-bgp";
    }
    return "?";
}

void
cfg_overlay_control_free(struct nvo_overlay_cfg *o)
{
    g_free(o->bgp.rr);
    o->bgp.rr = NULL;
    o->bgp.n_rr = 0;
    g_free(o->ldp.hubs);
    o->ldp.hubs = NULL;
    o->ldp.n_hubs = 0;
    g_free(o->ldp.spokes);
    o->ldp.spokes = NULL;
    o->ldp.n_spokes = 0;
}

/* A hypervisor (a PE) named 'name' in attribute 'attr' of 'n', or
 * NVO_NODE_NONE after an error. */
static uint32_t
pe_named__(struct cfg_doc *d, const xmlNode *n, const char *attr,
           const char *name, const struct nvo_topo_cfg *t)
{
    uint32_t i = nvo_topo_cfg_find_node(t, name);
    if (i == NVO_NODE_NONE) {
        cfg_err_attr(d, n, attr, "unknown node \"%s\"", name);
    } else if (t->nodes[i].role != NVO_ROLE_HYPERVISOR) {
        cfg_err_attr(d, n, attr, "\"%s\" is not a hypervisor: H-VPLS hubs "
                     "and spokes are PEs", name);
        i = NVO_NODE_NONE;
    }
    return i;
}

/* H-VPLS: hubs="NODE ..." and <spoke pe="..." hub="..."/> children. */
static void
hvpls__(struct cfg_doc *d, const xmlNode *ln, struct nvo_overlay_ldp_cfg *l,
        const struct nvo_topo_cfg *t)
{
    const char *v = cfg_attr(d, ln, "hubs");
    if (v && !strcmp(v, "none")) {
        v = NULL;               /* a full mesh, as without hubs */
    }
    if (v && t) {
        char **names = g_strsplit_set(v, " \t\n,", -1);
        for (char **p = names; *p; p++) {
            if (!**p) {
                continue;
            }
            uint32_t i = pe_named__(d, ln, "hubs", *p, t);
            for (uint32_t k = 0; i != NVO_NODE_NONE && k < l->n_hubs; k++) {
                if (l->hubs[k] == i) {
                    cfg_err_attr(d, ln, "hubs", "\"%s\" is named twice", *p);
                    i = NVO_NODE_NONE;
                }
            }
            if (i != NVO_NODE_NONE) {
                l->hubs = g_renew(uint32_t, l->hubs, l->n_hubs + 1);
                l->hubs[l->n_hubs++] = i;
            }
        }
        g_strfreev(names);
        if (!l->n_hubs) {
            cfg_err_attr(d, ln, "hubs", "no hub named: give the hub PEs' "
                         "names, or \"none\" for a full mesh");
        }
    }
    CFG_FOR_CHILD(c, ln, "spoke") {
        if (!v) {
            cfg_err(d, c, NULL, "<spoke> needs <ldp hubs=\"PE ...\"> "
                    "(H-VPLS)");
            continue;
        }
        const char *pe = cfg_attr(d, c, "pe"), *hub = cfg_attr(d, c, "hub");
        if (!t || !pe || !hub) {
            continue;           /* the schema requires both */
        }
        uint32_t pi = pe_named__(d, c, "pe", pe, t);
        uint32_t hi = pe_named__(d, c, "hub", hub, t);
        bool hub_ok = false, pe_hub = false;
        for (uint32_t k = 0; k < l->n_hubs; k++) {
            hub_ok |= l->hubs[k] == hi;
            pe_hub |= l->hubs[k] == pi;
        }
        if (hi != NVO_NODE_NONE && !hub_ok) {
            cfg_err_attr(d, c, "hub", "\"%s\" is not one of <ldp hubs>",
                         hub);
            continue;
        }
        if (pi != NVO_NODE_NONE && pe_hub) {
            cfg_err_attr(d, c, "pe", "\"%s\" is a hub, not a spoke", pe);
            continue;
        }
        for (size_t k = 0; pi != NVO_NODE_NONE && k < l->n_spokes; k++) {
            if (l->spokes[k].pe == pi) {
                cfg_err_attr(d, c, "pe", "\"%s\" has a <spoke> already "
                             "(line %d): a spoke has one hub", pe,
                             l->spokes[k].line);
                pi = NVO_NODE_NONE;
            }
        }
        if (pi == NVO_NODE_NONE || hi == NVO_NODE_NONE) {
            continue;
        }
        l->spokes = g_renew(struct nvo_overlay_spoke_cfg, l->spokes,
                            l->n_spokes + 1);
        l->spokes[l->n_spokes++] = (struct nvo_overlay_spoke_cfg) {
            .pe = pi, .hub = hi, .line = cfg_line(d, c) };
    }
}

/* reflectors="NODE NODE ..." or "none". */
static void
reflectors__(struct cfg_doc *d, const xmlNode *ov, const xmlNode *bn,
             struct nvo_overlay_bgp_cfg *bg, const struct nvo_topo_cfg *t)
{
    const char *v = bn ? cfg_attr(d, bn, "reflectors") : NULL;
    if (v && !strcmp(v, "none")) {
        bg->full_mesh = true;
        return;
    }
    if (!t) {
        return;
    }
    if (!v) {
        /* The topology's route reflectors, else its first spine. */
        for (uint32_t i = 0; i < t->n_nodes; i++) {
            if (t->nodes[i].role == NVO_ROLE_RR) {
                bg->rr = g_renew(uint32_t, bg->rr, bg->n_rr + 1);
                bg->rr[bg->n_rr++] = i;
            }
        }
        for (uint32_t i = 0; i < t->n_nodes && !bg->n_rr; i++) {
            if (t->nodes[i].role == NVO_ROLE_SPINE) {
                bg->rr = g_new(uint32_t, 1);
                bg->rr[bg->n_rr++] = i;
            }
        }
        if (!bg->n_rr) {
            cfg_err(d, bn ? bn : ov, NULL, "<overlay control>: the topology "
                    "has no route-reflector node and no spine to be the "
                    "default reflector; name one with <bgp reflectors=\"NODE"
                    "\"> or use reflectors=\"none\" (a full mesh)");
        }
        return;
    }
    char **names = g_strsplit_set(v, " \t\n,", -1);
    for (char **p = names; *p; p++) {
        if (!**p) {
            continue;
        }
        uint32_t i = nvo_topo_cfg_find_node(t, *p);
        if (i == NVO_NODE_NONE) {
            cfg_err_attr(d, bn, "reflectors", "unknown node \"%s\"", *p);
            continue;
        }
        if (t->nodes[i].role == NVO_ROLE_HYPERVISOR) {
            cfg_err_attr(d, bn, "reflectors", "\"%s\" is a hypervisor: a "
                         "reflector is a route-reflector node or a switch",
                         *p);
            continue;
        }
        for (uint32_t k = 0; k < bg->n_rr; k++) {
            if (bg->rr[k] == i) {
                cfg_err_attr(d, bn, "reflectors", "\"%s\" is named twice",
                             *p);
                i = NVO_NODE_NONE;
                break;
            }
        }
        if (i != NVO_NODE_NONE) {
            bg->rr = g_renew(uint32_t, bg->rr, bg->n_rr + 1);
            bg->rr[bg->n_rr++] = i;
        }
    }
    g_strfreev(names);
    if (!bg->n_rr) {
        cfg_err_attr(d, bn, "reflectors", "no node named: give node names, "
                     "or \"none\" for a full mesh");
    }
}

static void
bgp__(struct cfg_doc *d, const xmlNode *ov, struct nvo_overlay_cfg *o,
      const struct nvo_topo_cfg *t)
{
    struct nvo_overlay_bgp_cfg *bg = &o->bgp;
    struct nvo_bgp_speaker_cfg def;
    nvo_bgp_speaker_cfg_default(&def);
    bg->asn = def.asn;
    bg->hold = def.hold_time;
    bg->keepalive = def.keepalive;
    bg->mrai = def.mrai;
    bg->proc_delay = def.proc_delay;
    bg->extended_messages = def.extended_messages;
    bg->mac_ip = true;
    bg->mac_only = false;
    bg->arp_suppression = true;
    /* Validated and kept whatever the control plane, used only with
     * control="evpn" and "vpls-bgp" (so that one file sweeps over the
     * planes). */
    const xmlNode *bn = cfg_child(ov, "bgp");
    if (bn) {
        bg->line = cfg_line(d, bn);
        uint64_t as = bg->asn;
        /* The auto-derived route targets are 2-octet AS specific
         * (docs/evpn.md). */
        if (cfg_get_uint(d, bn, "as", 1, 65535, &as)) {
            bg->asn = (uint32_t) as;
        }
        const char *c = cfg_attr(d, bn, "cluster-id");
        bg->shared_cluster = c && !strcmp(c, "shared");
        cfg_get_time(d, bn, "hold-time", true, &bg->hold);
        cfg_get_time(d, bn, "keepalive", true, &bg->keepalive);
        cfg_get_time(d, bn, "mrai", true, &bg->mrai);
        cfg_get_time(d, bn, "proc-delay", true, &bg->proc_delay);
        cfg_get_bool(d, bn, "extended-messages", &bg->extended_messages);
        cfg_get_bool(d, bn, "arp-suppression", &bg->arp_suppression);
        cfg_get_bool(d, bn, "mrt", &bg->mrt);
        cfg_get_bool(d, bn, "rt-constrain", &bg->rt_constrain);
        cfg_get_bool(d, bn, "rt-constrain-default", &bg->rtc_default);
        if (bg->rtc_default && !bg->rt_constrain) {
            cfg_err(d, bn, "rt-constrain-default",
                    "<bgp rt-constrain-default=\"true\"> needs "
                    "rt-constrain=\"true\"");
        }
        const char *r = cfg_attr(d, bn, "routes");
        if (r && !strcmp(r, "mac")) {
            bg->mac_ip = false;
            bg->mac_only = true;
        } else if (r && !strcmp(r, "both")) {
            bg->mac_only = true;
        }
        struct nvo_bgp_speaker_cfg sc = def;
        sc.hold_time = bg->hold;
        sc.keepalive = bg->keepalive;
        sc.mrai = bg->mrai;
        sc.proc_delay = bg->proc_delay;
        sc.asn = bg->asn;
        char err[256];
        if (nvo_bgp_speaker_cfg_check(&sc, err, sizeof err)) {
            cfg_err(d, bn, NULL, "<bgp>: %s", err);
        }
    }
    if (o->control == NVO_CONTROL_EVPN || o->control == NVO_CONTROL_VPLS_BGP) {
        reflectors__(d, ov, bn, bg, t);
    }
}

static void
ldp__(struct cfg_doc *d, const xmlNode *ov, struct nvo_overlay_cfg *o,
      const struct nvo_topo_cfg *t)
{
    struct nvo_overlay_ldp_cfg *l = &o->ldp;
    struct nvo_ldp_speaker_cfg def;
    nvo_ldp_speaker_cfg_default(&def);
    l->hello = def.hello_interval;
    l->hold = def.hello_hold;
    l->keepalive = def.keepalive_time;
    l->proc_delay = def.proc_delay;
    l->pack = def.pack;
    l->mac_withdraw = NVO_VPLS_MW_LIST;
    const xmlNode *ln = cfg_child(ov, "ldp");
    if (!ln) {
        return;
    }
    l->line = cfg_line(d, ln);
    cfg_get_time(d, ln, "hello", false, &l->hello);
    uint64_t v = l->hold;
    if (cfg_get_uint(d, ln, "hold", 1, 65535, &v)) {
        l->hold = (uint32_t) v;
    }
    v = l->keepalive;
    if (cfg_get_uint(d, ln, "keepalive", 1, 65535, &v)) {
        l->keepalive = (uint32_t) v;
    }
    cfg_get_time(d, ln, "proc-delay", true, &l->proc_delay);
    cfg_get_bool(d, ln, "pack", &l->pack);
    const char *mw = cfg_attr(d, ln, "mac-withdraw");
    if (mw && !strcmp(mw, "empty")) {
        l->mac_withdraw = NVO_VPLS_MW_EMPTY;
    } else if (mw && !strcmp(mw, "none")) {
        l->mac_withdraw = NVO_VPLS_MW_NONE;
    }
    hvpls__(d, ln, l, t);
    if (l->hello >= (nvo_time_t) l->hold * NVO_SEC) {
        cfg_err_attr(d, ln, "hello", "the Hello interval must be under the "
                     "hold time (%u s), or the adjacency expires between "
                     "Hellos", l->hold);
    }
}

/* <tcp delack="TIME"/>: the TCP of every control-plane stack. */
static void
tcp__(struct cfg_doc *d, const xmlNode *ov, struct nvo_overlay_cfg *o)
{
    struct nvo_overlay_tcp_cfg *tc = &o->tcp;
    struct nvo_tcp_cfg def;
    nvo_tcp_cfg_default(&def);
    tc->delack = def.delack;
    const xmlNode *tn = cfg_child(ov, "tcp");
    if (!tn) {
        return;
    }
    tc->line = cfg_line(d, tn);
    if (cfg_get_time(d, tn, "delack", true, &tc->delack)) {
        struct nvo_tcp_cfg c = def;
        c.delack = tc->delack;
        char err[256];
        if (nvo_tcp_cfg_check(&c, err, sizeof err)) {
            cfg_err_attr(d, tn, "delack", "%s", err);
        }
    }
}

void
cfg_overlay_control(struct cfg_doc *d, const xmlNode *ov,
                    struct nvo_scenario_cfg *s, const struct nvo_topo_cfg *t)
{
    struct nvo_overlay_cfg *o = &s->overlay;
    o->control = NVO_CONTROL_NONE;
    memset(&o->bgp, 0, sizeof o->bgp);
    memset(&o->ldp, 0, sizeof o->ldp);
    memset(&o->tcp, 0, sizeof o->tcp);
    const char *c = cfg_attr(d, ov, "control");
    if (c && !strcmp(c, "evpn")) {
        o->control = NVO_CONTROL_EVPN;
    } else if (c && !strcmp(c, "vpls-ldp")) {
        o->control = NVO_CONTROL_VPLS_LDP;
    } else if (c && !strcmp(c, "vpls-bgp")) {
        o->control = NVO_CONTROL_VPLS_BGP;
    }
    bgp__(d, ov, o, t);
    ldp__(d, ov, o, t);
    tcp__(d, ov, o);
    if (o->control == NVO_CONTROL_NONE) {
        return;
    }
    if (o->vtep == NVO_VTEP_LEAF) {
        cfg_err_attr(d, ov, "control", "\"%s\" runs on hypervisor PEs; the "
                     "VTEP on the leaf has no control plane but flood-and-"
                     "learn (docs/control-planes.md, Scope and Limitations)",
                     c);
    }
    if (s->underlay.ip == NVO_IP_V6) {
        cfg_err_attr(d, ov, "control", "\"%s\" is modelled over an IPv4 "
                     "underlay only (IPv4 router ids, next hops and "
                     "transport addresses); use ip=\"ipv4\"", c);
    }
    if (o->control == NVO_CONTROL_EVPN) {
        if (o->flood_mcast && o->mcast_pim == 1) {
            cfg_err_attr(d, ov, "control", "\"evpn\" with flood=\"multicast\""
                         " names the groups in PMSI tunnel attributes of "
                         "type PIM-SM (4); not with pim=\"bidir\"");
        }
        return;
    }
    /* VPLS: pseudowires over MPLS with labels the egress PE signals. */
    const char *e = o->encap;
    if (strcmp(e, "mpls-gre") && strcmp(e, "mpls-ip") && strcmp(e, "mpls-udp")) {
        cfg_err_attr(d, ov, "control", "\"%s\" signals MPLS "
                     "pseudowires: use encap=\"mpls-gre\", \"mpls-ip\" or "
                     "\"mpls-udp\" (not \"%s\")", c, e);
    }
    const char *lab = cfg_attr(d, ov, "label");
    if (lab && strcmp(lab, "per-pe")) {
        cfg_err_attr(d, ov, "label", "\"%s\" labels are assigned by "
                     "the egress PE and signalled (per-pe), not the VNI", c);
    }
    o->label_per_pe = true;
    if (o->flood_mcast) {
        cfg_err_attr(d, ov, "flood", "\"%s\" floods over its "
                     "pseudowires (ingress replication), not by multicast", c);
    }
}
