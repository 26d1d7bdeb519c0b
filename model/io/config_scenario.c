/* config_scenario.c: scenario files: meaning checks and defaults.
 *
 * After the schema accepted the scenario, this file loads the topology
 * it names (relative to the scenario's directory), then checks what the
 * schema cannot: units and ranges, node names in traffic, events and
 * captures against the topology, links named by events, CDF files; and
 * fills struct nvo_scenario_cfg with every value in host units, the
 * defaults applied.  The defaults are listed in docs/scenarios.md. */
#include "io/config_priv.h"
#include "core/fileio.h"
#include "fabric/net.h"
#include "io/sweep_grid.h"
#include "overlay/encap.h"
#include "traffic/vm_arp.h"
#include "wire/wire.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>

#include <libxml/tree.h>

#define DEFAULT_DURATION (10 * NVO_MS)
#define DEFAULT_DRAIN_LIMIT NVO_SEC
#define DEFAULT_CONVERGENCE NVO_MS
#define DEFAULT_PARSER_DEPTH 128
#define DEFAULT_FLOW_SIZE 64000
#define DEFAULT_LOAD 0.5
#define DEFAULT_PKT_SIZE 1500
#define DEFAULT_DST_PORT 5001
#define DEFAULT_FIRST_VNI 5000

struct scen_builder {
    struct cfg_doc *d;
    struct nvo_scenario_cfg *s;
    const struct nvo_topo_cfg *t;   /* NULL if the topology failed */
};

void
nvo_scenario_cfg_destroy(struct nvo_scenario_cfg *s)
{
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->n_flows; i++) {
        nvo_cdf_destroy(&s->flows[i].cdf);
        g_free(s->flows[i].cdf_path);
    }
    g_free(s->flows);
    g_free(s->events);
    g_free(s->overlay.nlb);
    g_free(s->overlay.moves);
    g_free(s->output.dir);
    g_free(s->output.captures);
    for (size_t i = 0; i < s->sweep.n_vary; i++) {
        g_free(s->sweep.vary[i].path);
        g_free(s->sweep.vary[i].values);
    }
    g_free(s->sweep.vary);
    cfg_overlay_tenants_free(&s->overlay);
    cfg_overlay_control_free(&s->overlay);
    nvo_topo_cfg_destroy(s->topo);
    g_free(s->name);
    g_free(s->path);
    g_free(s->xml);
    g_free(s);
}

/* The node named by attribute 'attr' of 'n'; NVO_NODE_NONE if absent,
 * unknown (reported) or the topology failed. */
static uint32_t
node_ref__(struct scen_builder *b, const xmlNode *n, const char *attr)
{
    const char *name = cfg_attr(b->d, n, attr);
    if (!name || !b->t) {
        return NVO_NODE_NONE;
    }
    uint32_t i = nvo_topo_cfg_find_node(b->t, name);
    if (i == NVO_NODE_NONE) {
        cfg_err_attr(b->d, n, attr, "unknown node");
    }
    return i;
}

static void
run__(struct scen_builder *b, const xmlNode *root)
{
    struct nvo_scenario_cfg *s = b->s;
    s->duration = DEFAULT_DURATION;
    s->drain = false;
    s->drain_limit = DEFAULT_DRAIN_LIMIT;
    s->seed = 1;
    s->run = 1;
    s->engine = "native";
    s->scheduler = NULL;
    const xmlNode *r = cfg_child(root, "run");
    if (!r) {
        return;
    }
    cfg_get_time(b->d, r, "duration", false, &s->duration);
    cfg_get_bool(b->d, r, "drain", &s->drain);
    cfg_get_time(b->d, r, "drain-limit", false, &s->drain_limit);
    cfg_get_uint(b->d, r, "seed", 0, UINT64_MAX, &s->seed);
    cfg_get_uint(b->d, r, "run", 0, UINT64_MAX, &s->run);
    const char *e = cfg_attr(b->d, r, "engine");
    if (e && !strcmp(e, "ns3")) {
        s->engine = "ns3";
    }
    /* The schema allows every engine's names; this one's are checked. */
    static const char *const native[] = { "ladder", "heap4" };
    static const char *const ns3[] = {
        "map", "heap", "list", "calendar", "priority-queue",
    };
    const char *q = cfg_attr(b->d, r, "scheduler");
    bool is_ns3 = !strcmp(s->engine, "ns3");
    const char *const *known = is_ns3 ? ns3 : native;
    size_t n_known = is_ns3 ? NVO_ARRAY_SIZE(ns3) : NVO_ARRAY_SIZE(native);
    for (size_t i = 0; q && i < n_known; i++) {
        if (!strcmp(q, known[i])) {
            s->scheduler = known[i];
        }
    }
    if (q && !s->scheduler) {
        cfg_err_attr(b->d, r, "scheduler", is_ns3
                     ? "not a scheduler of the ns3 engine (map, heap, list, "
                       "calendar, priority-queue)"
                     : "not a scheduler of the native engine (ladder, "
                       "heap4)");
    }
}

static void
ecmp__(struct scen_builder *b, const xmlNode *e,
       struct nvo_underlay_ecmp_cfg *c)
{
    c->fn = NVO_HASH_CRC32;
    c->seed_mode = NVO_HASH_SEED_PER_SWITCH;
    c->seed = 0;
    c->fields = NVO_ECMP_5TUPLE;
    c->parser_depth = DEFAULT_PARSER_DEPTH;
    if (!e) {
        return;
    }
    const char *fn = cfg_attr(b->d, e, "function");
    if (fn && !nvo_hash_fn_from_name(fn, &c->fn)) {
        cfg_err_attr(b->d, e, "function", "unknown hash function");
    }
    const char *seed = cfg_attr(b->d, e, "seed");
    if (seed && !strcmp(seed, "fabric")) {
        c->seed_mode = NVO_HASH_SEED_FABRIC;
    } else if (seed && !strcmp(seed, "per-switch")) {
        c->seed_mode = NVO_HASH_SEED_PER_SWITCH;
    } else if (seed) {
        guint64 v;
        if (g_ascii_isdigit(seed[0])
            && g_ascii_string_to_unsigned(seed, 10, 0, G_MAXUINT64, &v,
                                          NULL)) {
            c->seed_mode = NVO_HASH_SEED_FIXED;
            c->seed = v;
        } else {
            cfg_err_attr(b->d, e, "seed", "expected fabric, per-switch or "
                         "a whole number");
        }
    }
    const char *f = cfg_attr(b->d, e, "fields");
    if (f) {
        char **words = g_strsplit_set(f, " ,\t\r\n", -1);
        uint32_t set = 0;
        bool ok = true;
        for (char **w = words; *w && ok; w++) {
            uint32_t bits;
            if (!**w) {
                continue;
            }
            if (!nvo_ecmp_fields_parse(*w, &bits)) {
                cfg_err_attr(b->d, e, "fields", "unknown field \"%s\" "
                             "(fields: src-ip, dst-ip, proto, src-port, "
                             "dst-port, gre-key, mpls-el, inner, 5-tuple, "
                             "3-tuple)", *w);
                ok = false;
            }
            for (char **v = words; ok && v < w; v++) {
                if (!strcmp(*v, *w)) {
                    cfg_err_attr(b->d, e, "fields", "field \"%s\" is "
                                 "listed twice", *w);
                    ok = false;
                }
            }
            set |= ok ? bits : 0;
        }
        g_strfreev(words);
        if (ok && !set) {
            cfg_err_attr(b->d, e, "fields", "needs at least one field");
        } else if (ok) {
            c->fields = set;
        }
    }
    uint64_t depth = c->parser_depth;
    uint64_t min = b->s->underlay.ip == NVO_IP_V4 ? 34 : 54;
    if (xmlHasProp(e, (const xmlChar *) "parser-depth")
        && cfg_get_size(b->d, e, "parser-depth", 1, 65535, &depth)) {
        if (depth < min) {
            cfg_err_attr(b->d, e, "parser-depth", "must be at least %"
                         G_GUINT64_FORMAT " bytes (the outer Ethernet and "
                         "IPv%d headers)", min,
                         b->s->underlay.ip == NVO_IP_V4 ? 4 : 6);
        } else {
            c->parser_depth = (uint32_t) depth;
        }
    }
}

static void
underlay__(struct scen_builder *b, const xmlNode *root)
{
    struct nvo_underlay_cfg *u = &b->s->underlay;
    u->ip = NVO_IP_V4;
    u->convergence_delay = DEFAULT_CONVERGENCE;
    u->flow_stats = true;       /* results.xml's per-port "flows" */
    const xmlNode *n = cfg_child(root, "underlay");
    if (n) {
        cfg_get_bool(b->d, n, "flow-stats", &u->flow_stats);
        const char *ip = cfg_attr(b->d, n, "ip");
        if (ip && !strcmp(ip, "ipv6")) {
            u->ip = NVO_IP_V6;
        }
        cfg_get_time(b->d, n, "convergence-delay", true,
                     &u->convergence_delay);
    }
    ecmp__(b, n ? cfg_child(n, "ecmp") : NULL, &u->ecmp);
}

/* True if 'vni' is an id 'ops' accepts (its build() with dummy
 * addresses). */
static bool
vni_ok__(const struct nvo_encap_ops *ops, bool ipv6, uint32_t vni)
{
    struct nvo_tunnel_cfg tc;
    memset(&tc, 0, sizeof tc);
    tc.ipv6 = ipv6;
    tc.vni = vni;
    tc.labels[0] = vni;
    tc.n_labels = 1;
    struct nvo_tunnel t;
    return nvo_tunnel_build(&t, ops, &tc) == 0;
}

/* <overlay><cpu>: the PEs' CPU cost model (docs/cpu.md).  'n' is the
 * <overlay> element or NULL; 'encap' the encapsulation's name, or NULL if
 * it is unknown (already an error).  A missing cost takes its cited
 * default (cpu_cost.c) if it has one for 'encap'; else it is required
 * wherever the model uses it (csum-byte-cycles only with
 * csum-offload="off"). */
static void
overlay_cpu__(struct scen_builder *b, const xmlNode *n, const char *encap)
{
    struct nvo_cpu_cost_cfg *c = &b->s->overlay.cpu;
    memset(c, 0, sizeof *c);
    c->tso = true;
    c->csum_offload = true;
    const xmlNode *e = n ? cfg_child(n, "cpu") : NULL;
    if (!e) {
        return;
    }
    c->enabled = true;
    static const char *const onoff[] = { "tso", "csum-offload" };
    bool *flags[] = { &c->tso, &c->csum_offload };
    for (size_t i = 0; i < G_N_ELEMENTS(onoff); i++) {
        const char *v = cfg_attr(b->d, e, onoff[i]);
        if (v && !strcmp(v, "off")) {
            *flags[i] = false;
        } else if (v && strcmp(v, "on")) {
            cfg_err_attr(b->d, e, onoff[i], "expected on or off");
        }
    }
    for (int i = 0; i < NVO_CPU_N_PARAMS; i++) {
        enum nvo_cpu_param p = (enum nvo_cpu_param) i;
        const char *name = nvo_cpu_param_name(p);
        uint64_t *mc = nvo_cpu_param_mc(c, p);
        if (!cfg_attr(b->d, e, name)) {
            const struct nvo_cpu_default *dflt =
                nvo_cpu_default_find(p, encap);
            bool used = p != NVO_CPU_CSUM_BYTE || !c->csum_offload;
            if (dflt) {
                *mc = dflt->mc;
            } else if (encap && used) {
                cfg_err(b->d, e, NULL, "<cpu>: %s is required with "
                        "encap=\"%s\"%s: no published measurement gives "
                        "it a default for %s (docs/cpu.md, \"Defaults and "
                        "sources\")", name, encap,
                        p == NVO_CPU_CSUM_BYTE
                        ? " and csum-offload=\"off\"" : "", encap);
            }
            continue;
        }
        double v = -1;
        if (cfg_get_double(b->d, e, name, &v)
            && nvo_cpu_cycles_to_mc(v, mc)) {
            cfg_err_attr(b->d, e, name, "expected cycles from 0 to "
                         "1e9 with at most three decimals");
        }
    }
    double ghz = 0;
    if (cfg_attr(b->d, e, "ghz") && cfg_get_double(b->d, e, "ghz", &ghz)) {
        if (!(ghz > 0 && ghz <= 1000)) {
            cfg_err_attr(b->d, e, "ghz", "expected a clock rate in GHz "
                         "above 0 and at most 1000");
        } else {
            c->ghz = ghz;
        }
    }
}

/* <overlay>'s encapsulation options, addresses and label mode (the
 * defaults first). */
static void
overlay_options__(struct scen_builder *b, const xmlNode *n,
                  const struct nvo_encap_ops *ops)
{
    struct nvo_overlay_cfg *o = &b->s->overlay;
    uint64_t lo = 0, hi = 0, opts = 0, addrs = 1, base = 16;
    bool has_lo = xmlHasProp(n, (const xmlChar *) "sport-min") != NULL;
    bool has_hi = xmlHasProp(n, (const xmlChar *) "sport-max") != NULL;
    bool ok = cfg_get_uint(b->d, n, "sport-min", 1, 65535, &lo);
    ok &= cfg_get_uint(b->d, n, "sport-max", 1, 65535, &hi);
    if (ok && (has_lo || has_hi)) {
        /* One end given: the other is the default range's, 49152-65535
         * (every encapsulation here with a source port uses it). */
        lo = has_lo ? lo : 49152;
        hi = has_hi ? hi : 65535;
        if (lo > hi) {
            cfg_err_attr(b->d, n, has_hi ? "sport-max" : "sport-min",
                         "the source port range %" G_GUINT64_FORMAT "-%"
                         G_GUINT64_FORMAT " is empty (sport-min must be at "
                         "most sport-max)", lo, hi);
        } else {
            o->sport_min = (uint16_t) lo;
            o->sport_max = (uint16_t) hi;
        }
    }
    cfg_get_bool(b->d, n, "entropy", &o->entropy);
    cfg_get_bool(b->d, n, "flowid", &o->flowid);
    cfg_get_bool(b->d, n, "entropy-label", &o->entropy_label);
    cfg_get_bool(b->d, n, "control-word", &o->control_word);
    if (cfg_get_size(b->d, n, "geneve-options", 0, NVO_GENEVE_OPTS_MAX,
                     &opts)) {
        if (opts % 4) {
            cfg_err_attr(b->d, n, "geneve-options", "must be a multiple of "
                         "4 bytes (Geneve options are 4-byte words)");
        } else {
            o->geneve_opts_len = (uint32_t) opts;
        }
    }
    if (cfg_get_uint(b->d, n, "addresses", 1, NVO_NET_MAX_NODE_ADDRS,
                     &addrs)) {
        o->n_addrs = (uint32_t) addrs;
    }
    const char *lm = cfg_attr(b->d, n, "label");
    o->label_per_pe = lm && !strcmp(lm, "per-pe");
    if (cfg_get_uint(b->d, n, "label-base", 16, NVO_MPLS_LABEL_MAX, &base)) {
        o->label_base = (uint32_t) base;
    }
    if (o->label_per_pe && o->flood_list == NVO_FLOOD_ALL_PES && ops
        && ops->pop_cw) {
        cfg_err_attr(b->d, n, "label", "per-pe labels need flood-list="
                     "\"vni-pes\": a PE that does not host a tenant has no "
                     "label for it");
    }
}

/* <overlay vtep>: the hypervisors, or the leaves (each hypervisor then
 * needs exactly one link, to a leaf). */
static void
overlay_vtep__(struct scen_builder *b, const xmlNode *n,
               struct nvo_overlay_cfg *o)
{
    o->vtep = NVO_VTEP_HYPERVISOR;
    const char *v = cfg_attr(b->d, n, "vtep");
    if (v && !strcmp(v, "leaf")) {
        o->vtep = NVO_VTEP_LEAF;
    } else if (v && strcmp(v, "hypervisor")) {
        cfg_err_attr(b->d, n, "vtep", "expected hypervisor or leaf");
    }
    if (o->vtep != NVO_VTEP_LEAF || !b->t) {
        return;
    }
    const struct nvo_topo_cfg *t = b->t;
    uint32_t *deg = g_new0(uint32_t, t->n_nodes ? t->n_nodes : 1);
    uint32_t *up = g_new0(uint32_t, t->n_nodes ? t->n_nodes : 1);
    for (size_t i = 0; i < t->n_links; i++) {
        uint32_t a = t->links[i].a, z = t->links[i].b;
        deg[a]++;
        deg[z]++;
        up[a] = z;
        up[z] = a;
    }
    for (size_t i = 0; i < t->n_nodes; i++) {
        if (t->nodes[i].role != NVO_ROLE_HYPERVISOR) {
            continue;
        }
        if (deg[i] != 1 || t->nodes[up[i]].role != NVO_ROLE_LEAF) {
            cfg_err_attr(b->d, n, "vtep", "\"leaf\" needs every hypervisor "
                         "on exactly one link, to a leaf; %s:%d: hypervisor "
                         "\"%s\" has %u link%s%s", t->path, t->nodes[i].line,
                         t->nodes[i].name, deg[i], deg[i] == 1 ? "" : "s",
                         deg[i] == 1 ? " to a non-leaf" : "");
            break;
        }
    }
    g_free(deg);
    g_free(up);
}

/* <overlay>'s <arp>, <bum>, <nlb> and <move> (docs/vm-traffic.md). */
#define BUM_FRAMES_MAX 1e8
static void
overlay_vm_bum__(struct scen_builder *b, const xmlNode *n)
{
    struct nvo_overlay_cfg *o = &b->s->overlay;
    uint64_t V = o->vms_per_tenant, T = o->n_tenants;
    const xmlNode *a = cfg_child(n, "arp");
    if (a) {
        o->arp = true;
        uint64_t q = o->arp_queue;
        cfg_get_time(b->d, a, "cache-timeout", false, &o->arp_timeout);
        cfg_get_time(b->d, a, "retransmit", false, &o->arp_retrans);
        if (cfg_get_uint(b->d, a, "queue", 1, 1000000, &q)) {
            o->arp_queue = (uint32_t) q;
        }
    }
    const xmlNode *m = cfg_child(n, "bum");
    if (m) {
        uint64_t bs = o->broadcast_size, ms = o->multicast_size;
        bool ok = cfg_get_double(b->d, m, "broadcast-rate",
                                 &o->broadcast_rate);
        ok &= cfg_get_double(b->d, m, "multicast-rate", &o->multicast_rate);
        /* UDP in IPv4 (28 bytes) and one byte, at most a 1500-byte MTU. */
        if (cfg_get_uint(b->d, m, "broadcast-size", 29, 1500, &bs)) {
            o->broadcast_size = (uint32_t) bs;
        }
        if (cfg_get_uint(b->d, m, "multicast-size", 29, 1500, &ms)) {
            o->multicast_size = (uint32_t) ms;
        }
        const char *which[] = { "broadcast-rate", "multicast-rate" };
        double *rate[] = { &o->broadcast_rate, &o->multicast_rate };
        for (int i = 0; ok && i < 2; i++) {
            if (!(*rate[i] >= 0 && *rate[i] <= 1e6)) {
                cfg_err_attr(b->d, m, which[i], "frames per second per VM, "
                             "0 to 1e6");
                ok = false;
            }
        }
        double secs = (double) b->s->duration / (double) NVO_SEC;
        double frames = (o->broadcast_rate + o->multicast_rate) * (double) V
                        * (double) T * secs;
        if (ok && frames > BUM_FRAMES_MAX) {
            cfg_err(b->d, m, NULL, "<bum>: about %.3g broadcast and "
                    "multicast frames in the run (%g + %g per second, "
                    "%" G_GUINT64_FORMAT " VMs); at most %.0e: lower the "
                    "rates or the duration", frames, o->broadcast_rate,
                    o->multicast_rate, V * T, BUM_FRAMES_MAX);
        }
    }
    size_t n_nlb = 0, n_moves = 0;
    CFG_FOR_CHILD(c, n, "nlb") {
        n_nlb++;
    }
    CFG_FOR_CHILD(c, n, "move") {
        n_moves++;
    }
    o->nlb = g_new0(struct nvo_overlay_nlb_cfg, n_nlb ? n_nlb : 1);
    bool *seen = g_new0(bool, T ? T : 1);
    CFG_FOR_CHILD(c, n, "nlb") {
        struct nvo_overlay_nlb_cfg *l = &o->nlb[o->n_nlb];
        uint64_t t = 0, k = 0;
        l->line = cfg_line(b->d, c);
        if (!cfg_get_uint(b->d, c, "tenant", 0, T ? T - 1 : 0, &t)
            || !cfg_get_uint(b->d, c, "vms", 2, V >= 2 ? V : 2, &k)) {
            continue;
        }
        if (V < 2) {
            cfg_err_attr(b->d, c, "vms", "a cluster needs 2 VMs; the "
                         "tenants have %" G_GUINT64_FORMAT, V);
            continue;
        }
        if (V + 1 >= (1u << 24) - 1) {
            cfg_err_attr(b->d, c, "tenant", "the cluster's address 10.0.0.0 "
                         "+ vms-per-tenant + 1 must be below 10.255.255.255: "
                         "at most %u VMs per tenant", (1u << 24) - 3);
            continue;
        }
        if (seen[t]) {
            cfg_err_attr(b->d, c, "tenant", "tenant %" G_GUINT64_FORMAT
                         " has a cluster already (one per tenant)", t);
            continue;
        }
        seen[t] = true;
        l->tenant = (uint32_t) t;
        l->vms = (uint32_t) k;
        o->n_nlb++;
    }
    g_free(seen);
    o->moves = g_new0(struct nvo_overlay_move_cfg, n_moves ? n_moves : 1);
    CFG_FOR_CHILD(c, n, "move") {
        struct nvo_overlay_move_cfg *v = &o->moves[o->n_moves];
        uint64_t k = 0;
        v->line = cfg_line(b->d, c);
        bool ok = cfg_get_uint(b->d, c, "vm", 0, V * T > 0 ? V * T - 1 : 0, &k);
        ok &= cfg_get_time(b->d, c, "at", true, &v->at);
        uint32_t to = node_ref__(b, c, "to");
        const char *an = cfg_attr(b->d, c, "announce");
        v->rarp = !an || !strcmp(an, "rarp");
        if (an && strcmp(an, "rarp") && strcmp(an, "garp")) {
            cfg_err_attr(b->d, c, "announce", "expected garp or rarp");
            ok = false;
        }
        if (to != NVO_NODE_NONE
            && b->t->nodes[to].role != NVO_ROLE_HYPERVISOR) {
            cfg_err_attr(b->d, c, "to", "not a hypervisor");
            ok = false;
        }
        if (ok && v->at >= b->s->duration) {
            cfg_err_attr(b->d, c, "at", "a move must come before the "
                         "run's duration");
            ok = false;
        }
        if (!ok || to == NVO_NODE_NONE) {
            continue;
        }
        v->vm = (uint32_t) k;
        v->node = to;
        o->n_moves++;
    }
}

/* ---- <overlay flood="multicast" ...> (docs/multicast.md) ------------- */

#define DEFAULT_GROUP_BASE 0xef010000u  /* 239.1.0.0 */

/* A dotted-quad IPv4 address: true and *out (host order). */
static bool
ip4_parse__(const char *s, uint32_t *out)
{
    uint32_t a = 0;
    for (int i = 0; i < 4; i++) {
        if (*s < '0' || *s > '9') {
            return false;
        }
        uint32_t v = 0;
        int digits = 0;
        while (*s >= '0' && *s <= '9') {
            v = v * 10 + (uint32_t) (*s++ - '0');
            if (++digits > 3 || v > 255) {
                return false;
            }
        }
        a = a << 8 | v;
        if (i < 3 && *s++ != '.') {
            return false;
        }
    }
    if (*s) {
        return false;
    }
    *out = a;
    return true;
}

/* The multicast flooding attributes of <overlay> 'n'. */
static void
overlay_mcast__(struct scen_builder *b, const xmlNode *n)
{
    struct nvo_overlay_cfg *o = &b->s->overlay;
    o->flood_mcast = false;
    o->mcast_groups = 0;
    o->mcast_group_base = DEFAULT_GROUP_BASE;
    o->mcast_pim = 0;
    o->mcast_rp = NVO_NODE_NONE;
    const char *fl = cfg_attr(b->d, n, "flood");
    o->flood_mcast = fl && !strcmp(fl, "multicast");
    const char *g = cfg_attr(b->d, n, "groups");
    uint64_t ng = 0;
    if (g && strcmp(g, "per-vni")
        && cfg_get_uint(b->d, n, "groups", 1, 1u << 24, &ng)) {
        o->mcast_groups = (uint32_t) ng;
    }
    const char *base = cfg_attr(b->d, n, "group-base");
    uint32_t a;
    if (base && !ip4_parse__(base, &a)) {
        cfg_err_attr(b->d, n, "group-base", "expected an IPv4 address "
                     "(dotted quad)");
    } else if (base && ((a >> 28) != 0xe || (a >> 8) == 0xe00000u)) {
        cfg_err_attr(b->d, n, "group-base", "not a multicast group: "
                     "224.0.1.0 .. 239.255.255.255 (224.0.0.0/24 is for "
                     "routing protocols, RFC 5771)");
    } else if (base) {
        o->mcast_group_base = a;
    }
    const char *pim = cfg_attr(b->d, n, "pim");
    o->mcast_pim = pim && !strcmp(pim, "bidir") ? 1 : 0;
    if (xmlHasProp(n, (const xmlChar *) "rp")) {
        o->mcast_rp = node_ref__(b, n, "rp");
        if (o->mcast_rp != NVO_NODE_NONE
            && b->t->nodes[o->mcast_rp].role == NVO_ROLE_HYPERVISOR) {
            cfg_err_attr(b->d, n, "rp", "not a switch (the RP is a leaf, "
                         "spine, super-spine or router)");
            o->mcast_rp = NVO_NODE_NONE;
        } else if (o->mcast_rp != NVO_NODE_NONE
                   && b->t->nodes[o->mcast_rp].role == NVO_ROLE_RR) {
            cfg_err_attr(b->d, n, "rp", "a route reflector forwards no "
                         "multicast; name a leaf, spine, super-spine or "
                         "router");
            o->mcast_rp = NVO_NODE_NONE;
        }
    } else if (b->t) {
        for (uint32_t i = 0; i < b->t->n_nodes; i++) {
            if (b->t->nodes[i].role == NVO_ROLE_SPINE) {
                o->mcast_rp = i;
                break;
            }
        }
        if (o->mcast_rp == NVO_NODE_NONE && o->flood_mcast) {
            cfg_err(b->d, n, NULL, "<overlay flood=\"multicast\">: the "
                    "topology has no spine to be the default RP; name one "
                    "with rp=\"NODE\"");
        }
    }
    if (!o->flood_mcast) {
        return;
    }
    if (b->s->underlay.ip == NVO_IP_V6) {
        cfg_err(b->d, n, "flood", "<overlay flood=\"multicast\">: IGMP "
                "and PIM are modelled over an IPv4 underlay only (no MLD, "
                "no PIM for IPv6); use ip=\"ipv4\" or ingress-replication");
    }
    const char *e = o->encap;
    if (strcmp(e, "vxlan") && strcmp(e, "vxlan-gpe") && strcmp(e, "geneve")
        && strcmp(e, "gre-udp") && strcmp(e, "nvgre")) {
        cfg_err(b->d, n, "flood", "<overlay flood=\"multicast\">: not with "
                "encap=\"%s\" (multicast flooding is modelled for vxlan, "
                "vxlan-gpe, geneve, gre-udp and nvgre; STT is TCP, the MPLS "
                "encapsulations carry labels)", e);
    }
}

/* The groups the tenants need fit in the multicast range. */
static void
overlay_mcast_groups__(struct scen_builder *b, const xmlNode *n,
                       const xmlNode *t)
{
    const struct nvo_overlay_cfg *o = &b->s->overlay;
    (void) t;
    uint64_t need = o->mcast_groups ? o->mcast_groups : o->n_tenants;
    if (o->flood_mcast && need
        && (uint64_t) o->mcast_group_base + need - 1 > 0xefffffffu) {
        cfg_err(b->d, n, "group-base", "<overlay>: %" G_GUINT64_FORMAT
                " groups from group-base run past 239.255.255.255", need);
    }
}

/* <overlay>: encapsulation, flooding, tenants and their VMs. */
static void
overlay__(struct scen_builder *b, const xmlNode *root)
{
    struct nvo_overlay_cfg *o = &b->s->overlay;
    o->enabled = false;
    o->encap = "vxlan";
    o->flood_list = NVO_FLOOD_VNI_PES;
    o->n_tenants = 0;
    o->vms_per_tenant = 0;
    o->first_vni = DEFAULT_FIRST_VNI;
    o->placement = NVO_PLACE_ROUND_ROBIN;
    o->vm_oui = NVO_VM_OUI_VMWARE;
    o->sport_min = o->sport_max = 0;
    o->entropy = true;
    o->flowid = true;
    o->entropy_label = o->control_word = false;
    o->geneve_opts_len = 0;
    o->n_addrs = 1;
    o->label_per_pe = false;
    o->label_base = 16;
    o->arp = false;
    o->arp_timeout = NVO_VM_ARP_TIMEOUT_DEFAULT;
    o->arp_retrans = NVO_VM_ARP_RETRANS_DEFAULT;
    o->arp_queue = NVO_VM_ARP_QUEUE_DEFAULT;
    o->broadcast_rate = o->multicast_rate = 0;
    o->broadcast_size = 78;
    o->multicast_size = 62;
    const xmlNode *n = cfg_child(root, "overlay");
    if (!n) {
        overlay_cpu__(b, NULL, NULL);
        return;
    }
    o->enabled = true;
    o->line = cfg_line(b->d, n);
    overlay_vtep__(b, n, o);
    const char *e = cfg_attr(b->d, n, "encap");
    const struct nvo_encap_ops *ops = nvo_encap_lookup(e ? e : o->encap);
    if (!ops) {
        cfg_err_attr(b->d, n, "encap", "unknown encapsulation");
    } else {
        o->encap = ops->name;
    }
    overlay_cpu__(b, n, ops ? ops->name : NULL);
    const char *fl = cfg_attr(b->d, n, "flood-list");
    if (fl && !strcmp(fl, "all-pes")) {
        o->flood_list = NVO_FLOOD_ALL_PES;
    }
    const char *oui = cfg_attr(b->d, n, "vm-oui");
    enum nvo_vm_oui vo;
    if (oui && nvo_vm_oui_lookup(oui, &vo) == 0) {
        o->vm_oui = (int) vo;
    } else if (oui) {
        cfg_err_attr(b->d, n, "vm-oui", "expected vmware, xen or hyperv");
    }
    overlay_options__(b, n, ops);
    overlay_mcast__(b, n);
    cfg_overlay_control(b->d, n, b->s, b->t);
    const xmlNode *t = cfg_child(n, "tenants");
    if (!t) {
        /* The schema requires <tenants> or <tenant> elements. */
        cfg_overlay_tenant_list(b->d, n, b->s, b->t, ops);
        if (b->t && b->t->n_role[NVO_ROLE_HYPERVISOR] == 0) {
            cfg_err(b->d, n, NULL, "<overlay>: the topology has no "
                    "hypervisor to host VMs");
        }
        return;
    }
    uint64_t count = 0, vms = 0, first = o->first_vni;
    bool ok = cfg_get_uint(b->d, t, "count", 1, UINT32_MAX, &count);
    ok &= cfg_get_uint(b->d, t, "vms-per-tenant", 1, UINT32_MAX, &vms);
    ok &= cfg_get_uint(b->d, t, "first-vni", 0, UINT32_MAX, &first);
    const char *pl = cfg_attr(b->d, t, "placement");
    if (pl && !strcmp(pl, "random")) {
        o->placement = NVO_PLACE_RANDOM;
    } else if (pl && !strcmp(pl, "packed-per-leaf")) {
        o->placement = NVO_PLACE_PACKED_PER_LEAF;
    }
    if (!ok) {
        return;
    }
    o->n_tenants = (uint32_t) count;
    o->vms_per_tenant = (uint32_t) vms;
    o->first_vni = (uint32_t) first;
    if (count * vms > (uint64_t) NVO_VM_MAC_MAX_INDEX + 1) {
        cfg_err(b->d, t, NULL, "<tenants>: %" G_GUINT64_FORMAT " VMs; the "
                "VM MACs (an OUI and a 24-bit number) allow at most %u",
                count * vms, NVO_VM_MAC_MAX_INDEX + 1);
    } else if (vms > (1u << 24) - 2) {
        cfg_err_attr(b->d, t, "vms-per-tenant", "at most %u (a tenant's "
                     "VMs are numbered in 10.0.0.0/8)", (1u << 24) - 2);
    }
    uint64_t last = first + count - 1;
    bool ipv6 = b->s->underlay.ip == NVO_IP_V6;
    if (ops && (last > UINT32_MAX || !vni_ok__(ops, ipv6, (uint32_t) first)
                || !vni_ok__(ops, ipv6, (uint32_t) last))) {
        cfg_err(b->d, t, "first-vni", "<tenants>: VNIs %" G_GUINT64_FORMAT
                "..%" G_GUINT64_FORMAT " are not all ids %s carries (VXLAN, "
                "Geneve, GRE-in-UDP, VXLAN-GPE, STT: 24 bits; NVGRE: "
                "0x1000..0xfffffe; MPLS: labels 16..1048575)", first, last,
                ops->name);
    }
    cfg_overlay_tenants_per_pe(b->d, t, b->s, b->t);
    if (b->t && b->t->n_role[NVO_ROLE_HYPERVISOR] == 0) {
        cfg_err(b->d, n, NULL, "<overlay>: the topology has no "
                "hypervisor to host VMs");
    }
    if (o->label_per_pe && ops && ops->pop_cw
        && (uint64_t) o->label_base + count - 1 > NVO_MPLS_LABEL_MAX) {
        /* A PE may host every tenant: labels base .. base + T - 1. */
        cfg_err_attr(b->d, n, "label-base", "%u + %" G_GUINT64_FORMAT
                     " tenants - 1 is over the largest label, %u",
                     o->label_base, count, NVO_MPLS_LABEL_MAX);
    }
    if (b->t && o->n_addrs > 1
        && (uint64_t) b->t->n_nodes
           + (uint64_t) b->t->n_role[NVO_ROLE_HYPERVISOR] * (o->n_addrs - 1)
           > NVO_NET_MAX_NODES) {
        cfg_err_attr(b->d, n, "addresses", "the loopbacks and %u addresses "
                     "per hypervisor do not fit in 10.0.0.0/8 (at most %u)",
                     o->n_addrs, NVO_NET_MAX_NODES);
    }
    overlay_vm_bum__(b, n);
    if (o->vtep == NVO_VTEP_LEAF
        && (o->arp || o->n_nlb || o->n_moves || o->broadcast_rate > 0
            || o->multicast_rate > 0)) {
        /* The VM stacks answer ARP and move through the hypervisor PEs;
         * the leaf mode's plain virtual switches do not carry them yet. */
        cfg_err_attr(b->d, n, "vtep", "\"leaf\" does not model the VMs' "
                     "<arp>, <bum>, <nlb> or <move> (docs/vm-traffic.md, "
                     "Scope and Limitations); use vtep=\"hypervisor\"");
    }
    overlay_mcast_groups__(b, n, t);
    if (o->vtep == NVO_VTEP_LEAF && o->flood_mcast) {
        /* The leaf VTEPs are switches: they would join groups of
         * themselves; not modelled. */
        cfg_err_attr(b->d, n, "vtep", "\"leaf\" floods by ingress "
                     "replication only, not flood=\"multicast\" "
                     "(docs/vtep-leaf.md, Scope and Limitations)");
    }
}

/* <size>: the flow-size distribution. */
static void
flow_size__(struct scen_builder *b, const xmlNode *n, struct nvo_flows_cfg *f)
{
    f->size_dist = NVO_SIZE_FIXED;
    f->size_fixed = DEFAULT_FLOW_SIZE;
    f->size_mean = DEFAULT_FLOW_SIZE;
    if (!n) {
        return;
    }
    uint64_t v;
    const char *cdf = cfg_attr(b->d, n, "cdf");
    if (xmlHasProp(n, (const xmlChar *) "fixed")) {
        v = f->size_fixed;
        cfg_get_size(b->d, n, "fixed", 1, NVO_FLOW_SIZE_MAX, &v);
        f->size_fixed = v;
        f->size_mean = (double) v;
    } else if (xmlHasProp(n, (const xmlChar *) "exponential-mean")) {
        v = DEFAULT_FLOW_SIZE;
        cfg_get_size(b->d, n, "exponential-mean", 1, NVO_FLOW_SIZE_MAX,
                     &v);
        f->size_dist = NVO_SIZE_EXPONENTIAL;
        f->size_mean = (double) v;
    } else if (cdf) {
        f->size_dist = NVO_SIZE_CDF;
        char *path = cfg_path_join(b->d->display, cdf);
        char *text = NULL;
        size_t len;
        int error = nvo_file_read(path, NVO_CDF_MAX_FILE_SIZE, &text, &len);
        if (error) {
            cfg_err_attr(b->d, n, "cdf", "cannot read %s: %s", path,
                         nvo_file_strerror(path, error));
            g_free(path);
            return;
        }
        char err[1024];
        error = nvo_cdf_parse(&f->cdf, text, path, err, sizeof err);
        g_free(text);
        if (error) {
            cfg_errs_add_raw(b->d->errs, err);
        } else {
            f->cdf_path = g_canonicalize_filename(path, NULL);
            f->size_mean = nvo_cdf_mean(&f->cdf);
        }
        g_free(path);
    }
}

/* <arrival>: Poisson arrivals at a rate or a load. */
static void
flow_arrival__(struct scen_builder *b, const xmlNode *n,
               struct nvo_flows_cfg *f)
{
    f->arrival = NVO_ARRIVAL_LOAD;
    f->load = DEFAULT_LOAD;
    if (!n) {
        return;
    }
    double v;
    if (xmlHasProp(n, (const xmlChar *) "rate")) {
        f->arrival = NVO_ARRIVAL_RATE;
        nvo_time_t gap;
        if (cfg_get_double(b->d, n, "rate", &v)) {
            if (v <= 0) {
                cfg_err_attr(b->d, n, "rate", "must be more than 0");
            } else if (!nvo_time_from_ps(1e12 / v, &gap)) {
                /* The mean gap between arrivals must be a time. */
                cfg_err_attr(b->d, n, "rate", "too low: the mean gap "
                             "between flows, %.3g s, is longer than the "
                             "longest simulated time (2^63 ps, 106 days); "
                             "the rate must be at least %.3g flows/s",
                             1 / v, 1e12 / 0x1p63);
            } else if (1e12 / v < 1) {
                cfg_err_attr(b->d, n, "rate", "too high: the mean gap "
                             "between flows must be at least 1ps (a rate "
                             "of at most 1e12 flows/s)");
            } else {
                f->rate = v;
            }
        }
    } else if (xmlHasProp(n, (const xmlChar *) "load")
               && cfg_get_double(b->d, n, "load", &v)) {
        if (v <= 0 || v > 1) {
            cfg_err_attr(b->d, n, "load", "must be more than 0 and at "
                         "most 1");
        } else {
            f->load = v;
        }
    }
}

/* The number of flows a run may start, all groups together: each is held
 * in memory until the run ends. */
#define MAX_FLOWS 10000000

/* Checks the arrival rate of group 'f' (<flows> 'n') against the
 * hypervisors' access links: with a load, the mean gap between flows at
 * the slowest host, 8 * mean size / (load * rate of its first link),
 * must be a time; and the flows expected in [start, stop) at the fastest
 * rate, over every sending host, are added to *n_expected.  Reported at
 * <arrival rate|load>, or at <flows> when the default load applies. */
static void
flow_rate_check__(struct scen_builder *b, const xmlNode *n,
                  const struct nvo_flows_cfg *f, uint32_t n_hv,
                  double *n_expected)
{
    if (!b->t || !(f->size_mean > 0) || !n_hv) {
        return;
    }
    const xmlNode *arr = cfg_child(n, "arrival");
    const char *attr = f->arrival == NVO_ARRIVAL_RATE ? "rate" : "load";
    if (arr && !xmlHasProp(arr, (const xmlChar *) attr)) {
        arr = NULL;
    }
    /* One pass over the links: each hypervisor's first link. */
    bool *seen = g_new0(bool, b->t->n_nodes ? b->t->n_nodes : 1);
    uint64_t slowest = 0, fastest = 0;
    for (size_t l = 0; l < b->t->n_links; l++) {
        const struct nvo_topo_link_cfg *lc = &b->t->links[l];
        uint32_t ends[2] = { lc->a, lc->b };
        for (int k = 0; k < 2; k++) {
            uint32_t i = ends[k];
            if (!seen[i] && b->t->nodes[i].role == NVO_ROLE_HYPERVISOR) {
                seen[i] = true;
                uint64_t bps = lc->cfg.rate_bps;
                slowest = !slowest || bps < slowest ? bps : slowest;
                fastest = bps > fastest ? bps : fastest;
            }
        }
    }
    g_free(seen);
    if (!slowest) {
        return;
    }
    double r_max = f->rate;
    if (f->arrival == NVO_ARRIVAL_LOAD) {
        nvo_time_t gap;
        if (!nvo_time_from_ps(8e12 * f->size_mean
                              / (f->load * (double) slowest), &gap)) {
            char buf[64];
            char *msg = g_strdup_printf(
                "with flows of %.3g bytes on average and a %s access link, "
                "the mean gap between flows is longer than the longest "
                "simulated time (2^63 ps, 106 days)", f->size_mean,
                nvo_rate_format(slowest, buf, sizeof buf));
            if (arr) {
                cfg_err_attr(b->d, arr, "load", "too low: %s", msg);
            } else {
                cfg_err(b->d, n, NULL, "<flows>: the default load of %g is "
                        "too low: %s", DEFAULT_LOAD, msg);
            }
            g_free(msg);
            return;
        }
        r_max = f->load * (double) fastest / (8 * f->size_mean);
    }
    uint32_t senders = f->pattern == NVO_PATTERN_INCAST && f->fan_in
                       ? f->fan_in : n_hv;
    double flows = r_max * (double) (f->stop - f->start) / 1e12 * senders;
    *n_expected += flows;
    if (*n_expected > MAX_FLOWS) {
        char t[NVO_TIME_STRLEN];
        char *msg = g_strdup_printf(
            "about %.3g flows would start (%.3g flows/s per host for %s on %u "
            "hosts), %sbut a run holds at most %d flows in memory: lower "
            "the %s or shorten [start, stop)", flows, r_max,
            nvo_time_format(f->stop - f->start, t, sizeof t), senders,
            *n_expected > flows ? "more with the groups before, " : "",
            MAX_FLOWS, attr);
        if (arr) {
            cfg_err_attr(b->d, arr, attr, "%s", msg);
        } else {
            cfg_err(b->d, n, NULL, "<flows>: with the default load of %g, %s",
                    DEFAULT_LOAD, msg);
        }
        g_free(msg);
    }
}

/* <packet>: packet sizes. */
static void
flow_packet__(struct scen_builder *b, const xmlNode *n,
              struct nvo_flows_cfg *f)
{
    f->pkt_mode = NVO_PKT_FIXED;
    f->pkt_size = DEFAULT_PKT_SIZE;
    if (!n) {
        return;
    }
    if (xmlHasProp(n, (const xmlChar *) "mix")) {
        f->pkt_mode = NVO_PKT_IMIX;
        f->pkt_size = 0;
        return;
    }
    uint64_t ip = b->s->underlay.ip == NVO_IP_V4 ? 20 : 40;
    uint64_t l4 = f->proto == 6 ? 20 : 8;
    uint64_t v = f->pkt_size;
    if (cfg_get_size(b->d, n, "size", ip + l4 + 1, 65535, &v)) {
        f->pkt_size = (uint32_t) v;
    }
}

static void
flows__(struct scen_builder *b, const xmlNode *n, struct nvo_flows_cfg *f,
        uint32_t n_hv)
{
    f->line = cfg_line(b->d, n);
    const char *p = cfg_attr(b->d, n, "pattern");
    if (!p || !nvo_pattern_from_name(p, &f->pattern)) {
        cfg_err_attr(b->d, n, "pattern", "unknown pattern");
    } else if (b->s->overlay.enabled && f->pattern == NVO_PATTERN_INCAST) {
        cfg_err_attr(b->d, n, "pattern", "incast is not yet supported "
                     "between VMs (with <overlay>)");
    }

    /* Incast's receiver and senders. */
    f->target = NVO_NODE_NONE;
    if (f->pattern != NVO_PATTERN_INCAST) {
        static const char *const incast_only[] = { "target", "fan-in" };
        for (size_t i = 0; i < NVO_ARRAY_SIZE(incast_only); i++) {
            if (xmlHasProp(n, (const xmlChar *) incast_only[i])) {
                cfg_err_attr(b->d, n, incast_only[i], "applies only to "
                             "pattern=\"incast\"");
            }
        }
    } else if (b->t && n_hv >= 2) {
        if (xmlHasProp(n, (const xmlChar *) "target")) {
            f->target = node_ref__(b, n, "target");
            if (f->target != NVO_NODE_NONE
                && b->t->nodes[f->target].role != NVO_ROLE_HYPERVISOR) {
                cfg_err_attr(b->d, n, "target", "not a hypervisor");
            }
        } else {
            for (uint32_t i = 0; i < b->t->n_nodes; i++) {
                if (b->t->nodes[i].role == NVO_ROLE_HYPERVISOR) {
                    f->target = i;
                    break;
                }
            }
        }
        uint64_t fan_in = n_hv - 1;
        cfg_get_uint(b->d, n, "fan-in", 1, n_hv - 1, &fan_in);
        f->fan_in = (uint32_t) fan_in;
    }

    /* Protocol and ports. */
    const char *proto = cfg_attr(b->d, n, "protocol");
    f->proto = proto && !strcmp(proto, "tcp") ? 6 : 17;
    const char *sport = cfg_attr(b->d, n, "src-port");
    f->src_port = 0;
    if (sport && strcmp(sport, "random")) {
        guint64 v;
        if (g_ascii_string_to_unsigned(sport, 10, 1, 65535, &v, NULL)) {
            f->src_port = (uint16_t) v;
        } else {
            cfg_err_attr(b->d, n, "src-port", "expected random or a port "
                         "number from 1 to 65535");
        }
    }
    uint64_t dport = DEFAULT_DST_PORT;
    cfg_get_uint(b->d, n, "dst-port", 1, 65535, &dport);
    f->dst_port = (uint16_t) dport;

    /* When. */
    f->start = 0;
    f->stop = b->s->duration;
    bool ok = cfg_get_time(b->d, n, "start", true, &f->start);
    ok &= cfg_get_time(b->d, n, "stop", true, &f->stop);
    if (ok && f->stop <= f->start) {
        char buf[NVO_TIME_STRLEN];
        if (xmlHasProp(n, (const xmlChar *) "stop")) {
            cfg_err_attr(b->d, n, "stop", "must be later than the start "
                         "(%s)", nvo_time_format(f->start, buf, sizeof buf));
        } else {
            cfg_err_attr(b->d, n, "start", "must be earlier than the end "
                         "of the run (%s)",
                         nvo_time_format(f->stop, buf, sizeof buf));
        }
    }

    flow_size__(b, cfg_child(n, "size"), f);
    flow_arrival__(b, cfg_child(n, "arrival"), f);
    flow_packet__(b, cfg_child(n, "packet"), f);
}

static void
traffic__(struct scen_builder *b, const xmlNode *root)
{
    struct nvo_scenario_cfg *s = b->s;
    const xmlNode *tr = cfg_child(root, "traffic");
    if (!tr) {
        return;
    }
    uint32_t n_hv = b->t ? b->t->n_role[NVO_ROLE_HYPERVISOR] : 0;
    if (b->t && n_hv < 2) {
        cfg_err(b->d, tr, NULL, "<traffic>: needs at least 2 hypervisors; "
                "the topology has %u", n_hv);
    }
    size_t n = 0;
    CFG_FOR_CHILD(c, tr, "flows") {
        n++;
    }
    s->flows = g_new0(struct nvo_flows_cfg, n);
    double n_expected = 0;
    CFG_FOR_CHILD(c, tr, "flows") {
        struct nvo_flows_cfg *f = &s->flows[s->n_flows++];
        guint n_errs = b->d->errs->msgs->len;
        flows__(b, c, f, n_hv);
        if (b->d->errs->msgs->len == n_errs) {
            flow_rate_check__(b, c, f, n_hv, &n_expected);
        }
    }
}

static void
events__(struct scen_builder *b, const xmlNode *root)
{
    static const char *const kinds[] = {
        [NVO_EV_LINK_DOWN] = "link-down",
        [NVO_EV_LINK_UP] = "link-up",
        [NVO_EV_NODE_DOWN] = "node-down",
        [NVO_EV_NODE_UP] = "node-up",
    };
    struct nvo_scenario_cfg *s = b->s;
    const xmlNode *ev = cfg_child(root, "events");
    if (!ev) {
        return;
    }
    size_t n = 0;
    CFG_FOR_CHILD(c, ev, NULL) {
        n++;
    }
    s->events = g_new0(struct nvo_topo_event_cfg, n ? n : 1);
    CFG_FOR_CHILD(c, ev, NULL) {
        struct nvo_topo_event_cfg *e = &s->events[s->n_events++];
        for (size_t i = 0; i < NVO_ARRAY_SIZE(kinds); i++) {
            if (!strcmp(cfg_name(c), kinds[i])) {
                e->kind = (enum nvo_topo_event_kind) i;
            }
        }
        e->line = cfg_line(b->d, c);
        e->node = NVO_NODE_NONE;
        e->link = UINT32_MAX;
        cfg_get_time(b->d, c, "at", true, &e->at);
        if (e->kind == NVO_EV_NODE_DOWN || e->kind == NVO_EV_NODE_UP) {
            e->node = node_ref__(b, c, "node");
            continue;
        }
        uint32_t x = node_ref__(b, c, "a");
        uint32_t y = node_ref__(b, c, "b");
        if (x == NVO_NODE_NONE || y == NVO_NODE_NONE) {
            continue;
        }
        long l = nvo_topo_cfg_find_link(b->t, x, y);
        if (l < 0) {
            cfg_err(b->d, c, NULL, "<%s a=\"%s\" b=\"%s\">: no link between "
                    "these nodes", cfg_name(c), b->t->nodes[x].name,
                    b->t->nodes[y].name);
            continue;
        }
        e->link = (uint32_t) l;
    }
}

static void
output__(struct scen_builder *b, const xmlNode *root)
{
    struct nvo_output_cfg *o = &b->s->output;
    const xmlNode *out = cfg_child(root, "output");
    const char *dir = out ? cfg_attr(b->d, out, "dir") : NULL;
    char *rel = dir ? g_strdup(dir)
                    : g_build_filename("results", b->s->name, NULL);
    o->dir = g_canonicalize_filename(rel, NULL);
    g_free(rel);
    o->trace = false;
    o->series = 0;
    o->flows = false;
    if (!out) {
        return;
    }
    if (dir && !*dir) {
        cfg_err_attr(b->d, out, "dir", "must not be empty");
    }
    cfg_get_bool(b->d, out, "trace", &o->trace);
    if (xmlHasProp(out, (const xmlChar *) "series")) {
        cfg_get_time(b->d, out, "series", false, &o->series);
    }
    cfg_get_bool(b->d, out, "flows", &o->flows);
    size_t n = 0;
    CFG_FOR_CHILD(c, out, "pcap") {
        n++;
    }
    o->captures = g_new0(struct nvo_capture_cfg, n ? n : 1);
    CFG_FOR_CHILD(c, out, "pcap") {
        uint32_t node = node_ref__(b, c, "node");
        if (node == NVO_NODE_NONE) {
            continue;
        }
        const struct nvo_node_cfg *nc = &b->t->nodes[node];
        struct nvo_capture_cfg cap = {
            .node = node, .port = 0, .line = cfg_line(b->d, c),
        };
        if (xmlHasProp(c, (const xmlChar *) "port")) {
            uint64_t port = 0;
            if (!cfg_get_uint(b->d, c, "port", 1, UINT32_MAX, &port)) {
                continue;
            }
            if (port > nc->n_ports) {
                cfg_err_attr(b->d, c, "port", "%s has %u port%s", nc->name,
                             nc->n_ports, nc->n_ports == 1 ? "" : "s");
                continue;
            }
            cap.port = (uint32_t) port;
        } else if (xmlHasProp(c, (const xmlChar *) "peer")) {
            uint32_t peer = node_ref__(b, c, "peer");
            if (peer == NVO_NODE_NONE) {
                continue;
            }
            long l = nvo_topo_cfg_find_link(b->t, node, peer);
            if (l < 0) {
                cfg_err_attr(b->d, c, "peer", "%s has no link to it",
                             nc->name);
                continue;
            }
            const struct nvo_topo_link_cfg *lc = &b->t->links[l];
            cap.port = lc->a == node ? lc->a_port : lc->b_port;
        }
        o->captures[o->n_captures++] = cap;
    }
}

/* <sweep>: the lists are expanded here only to check them. */
static void
sweep__(struct scen_builder *b, const xmlNode *root)
{
    struct nvo_sweep_cfg *sw = &b->s->sweep;
    sw->runs = 1;
    const xmlNode *n = cfg_child(root, "sweep");
    if (!n) {
        return;
    }
    sw->present = true;
    sw->line = cfg_line(b->d, n);
    uint64_t runs = 1;
    cfg_get_uint(b->d, n, "runs", 1, NVO_SWEEP_MAX_RUNS, &runs);
    sw->runs = (uint32_t) runs;
    size_t count = 0;
    CFG_FOR_CHILD(c, n, "vary") {
        count++;
    }
    sw->vary = g_new0(struct nvo_sweep_vary_cfg, count ? count : 1);
    struct nvo_sweep_def *check = nvo_sweep_def_create("");
    CFG_FOR_CHILD(c, n, "vary") {
        const char *path = cfg_attr(b->d, c, "path");
        const char *values = cfg_attr(b->d, c, "values");
        if (!path || !values) {
            continue;           /* the schema said so */
        }
        int first = -1;
        for (size_t i = 0; i < sw->n_vary && first < 0; i++) {
            if (!strcmp(sw->vary[i].path, path)) {
                first = sw->vary[i].line;
            }
        }
        char *err = NULL;
        if (first >= 0) {
            cfg_err_attr(b->d, c, "path", "varied twice (first at line %d)",
                         first);
        } else if (!strcmp(path, "run.run")) {
            cfg_err_attr(b->d, c, "path", "run numbers are the "
                         "replications (<sweep runs>); vary run.seed "
                         "instead");
        } else if (!*path || strpbrk(path, "=,")) {
            cfg_err_attr(b->d, c, "path", "not an override path (e.g. "
                         "underlay.ecmp.function)");
        } else if (!nvo_sweep_def_vary(check, path, values, &err)) {
            cfg_err_attr(b->d, c, "values", "%s", err);
            g_free(err);
        }
        struct nvo_sweep_vary_cfg *v = &sw->vary[sw->n_vary++];
        v->path = g_strdup(path);
        v->values = g_strdup(values);
        v->line = cfg_line(b->d, c);
    }
    nvo_sweep_def_destroy(check);
}

static struct nvo_scenario_cfg *
scenario_build__(struct cfg_doc *d, struct nvo_topo_cfg *topo)
{
    struct nvo_scenario_cfg *s = g_new0(struct nvo_scenario_cfg, 1);
    struct scen_builder b = { .d = d, .s = s, .t = topo };
    const xmlNode *root = xmlDocGetRootElement(d->xml);
    s->topo = topo;
    const char *name = cfg_attr(d, root, "name");
    if (!cfg_name_ok(name)) {
        cfg_err_attr(d, root, "name", "a scenario name is letters, digits, "
                     "'.', '_' and '-', and not \".\" or \"..\"");
    }
    s->name = g_strdup(name ? name : "");
    s->path = g_strdup(d->abs);
    run__(&b, root);
    underlay__(&b, root);
    overlay__(&b, root);
    traffic__(&b, root);
    events__(&b, root);
    output__(&b, root);
    sweep__(&b, root);
    s->xml = cfg_doc_serialize(d);
    return s;
}

struct nvo_scenario_cfg *
nvo_scenario_load(const char *path, const char *const *sets, size_t n_sets,
                  GError **error)
{
    struct cfg_errs errs;
    cfg_errs_init(&errs);
    struct cfg_capture cap;
    cfg_capture_begin(&cap, &errs);
    struct cfg_set *parsed = NULL;
    struct cfg_schema *schema = NULL;
    struct cfg_doc d = { 0 };
    struct nvo_scenario_cfg *s = NULL;
    bool have_doc = false;

    if (!cfg_sets_parse(sets, n_sets, &parsed, &errs)) {
        goto out;
    }
    schema = cfg_schema_load("scenarios/scenario.rng", &errs);
    if (!schema) {
        goto out;
    }
    char *abs = g_canonicalize_filename(path, NULL);
    cfg_doc_init(&d, path, abs, schema, &errs);
    g_free(abs);
    have_doc = true;
    if (!cfg_doc_read(&d, &cap, NULL, "scenario")) {
        goto out;
    }
    cfg_sets_apply(&d, parsed, n_sets, false, false);
    if (cfg_errs_any(&errs) || !cfg_doc_validate(&d, &cap)) {
        goto out;
    }

    /* The topology, relative to the scenario's directory. */
    const xmlNode *te = cfg_child(xmlDocGetRootElement(d.xml), "topology");
    const char *file = cfg_attr(&d, te, "file");
    char *tdisplay = cfg_path_join(d.display, file ? file : "");
    char *tabs = g_canonicalize_filename(tdisplay, NULL);
    char ioloc[CFG_LOC_SIZE];
    cfg_loc(&d, te, "file", ioloc, sizeof ioloc);
    struct nvo_topo_cfg *topo = cfg_topo_load(tdisplay, tabs, parsed, n_sets,
                                              false, ioloc, &cap, &errs);
    g_free(tdisplay);
    g_free(tabs);

    s = scenario_build__(&d, topo);
    if (cfg_errs_any(&errs)) {
        nvo_scenario_cfg_destroy(s);
        s = NULL;
    }

out:
    cfg_capture_end(&cap);
    if (!s) {
        cfg_errs_to_gerror(&errs, error);
    }
    if (have_doc) {
        cfg_doc_destroy(&d);
    }
    cfg_schema_destroy(schema);
    cfg_sets_free(parsed, n_sets);
    cfg_errs_destroy(&errs);
    return s;
}
