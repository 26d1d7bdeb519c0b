/* results.c: a run's results: results.xml (configuration echo, warnings,
 * the nodes with their addresses, counters, per-link and per-tier
 * statistics, ECMP balance per tier and per switch, latency and
 * flow-completion percentiles, drops by reason, conservation, event
 * fingerprint) and the one-row summary.csv.  Both are written to a
 * temporary name and renamed.  A measure without samples (a percentile
 * of no packets, the balance of no traffic) is missing: its attribute is
 * left out of results.xml and its summary.csv cell is empty, never 0.
 * docs/outputs.md describes every element; results.rng is the schema. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "core/fileio.h"
#include "core/mem.h"
#include "io/pcap_out.h"
#include "run/results_xml.h"
#include "run/sim.h"
#include "run/results_ctrl.h"
#include "run/sim_ctrl.h"
#include "run/series.h"
#include "run/flows_csv.h"
#include "overlay/access.h"
#include "run/sim_overlay.h"
#include "core/stats.h"
#include "fabric/mcast.h"
#include "io/trace.h"
#include "wire/wire.h"

/* A direction of a link: from node 'from' out of its port 'port'. */
struct dir {
    const struct nvo_node *from, *to;
    const struct nvo_port *port;
    const struct nvo_net_link *link;
};

/* Tier of a link direction: the link's class and whether it goes up
 * ("fabric-up": leaf to spine), down, or between nodes of one tier
 * ("-peer"); links of route reflectors and routers are "other", outside
 * the Clos tiers and their balance. */
static const char *
tier_name__(const struct nvo_sim *sim, const struct dir *d, uint32_t li)
{
    static const char *const names[NVO_LINK_CLASS_N][3] = {
        [NVO_LINK_ACCESS] = { "access-down", "access-up", "access-peer" },
        [NVO_LINK_FABRIC] = { "fabric-down", "fabric-up", "fabric-peer" },
        [NVO_LINK_SUPER] = { "super-down", "super-up", "super-peer" },
    };
    enum nvo_role a = d->from->role, b = d->to->role;
    if (a == NVO_ROLE_RR || a == NVO_ROLE_ROUTER || b == NVO_ROLE_RR
        || b == NVO_ROLE_ROUTER) {
        return "other";
    }
    enum nvo_link_class cls = sim->cfg->topo->links[li].cls;
    int ta = nvo_role_tier(a), tb = nvo_role_tier(b);
    return names[cls][ta == tb ? 2 : ta < tb];
}

static void
balance_attrs__(xmlTextWriterPtr w, const struct nvo_balance *b)
{
    attr_u64__(w, "n", b->n);
    attr_f__(w, "max-over-mean", b->max_over_mean);
    attr_f__(w, "cov", b->cov);
    attr_f__(w, "jain", b->jain);
    attr_f__(w, "min-share", b->mean > 0 ? b->min / b->mean : NAN);
}

static void
class_counters__(xmlTextWriterPtr w, const uint64_t *frames,
                 const uint64_t *bytes, const char *prefix)
{
    for (int tc = 0; tc < NVO_TC_N; tc++) {
        char name[64];
        snprintf(name, sizeof name, "%s-frames-%s", prefix,
                 nvo_tclass_name((enum nvo_tclass) tc));
        attr_u64__(w, name, frames[tc]);
        snprintf(name, sizeof name, "%s-bytes-%s", prefix,
                 nvo_tclass_name((enum nvo_tclass) tc));
        attr_u64__(w, name, bytes[tc]);
    }
}

struct tier_acc {
    const char *name;
    uint64_t links;
    uint64_t tx_frames[NVO_TC_N], tx_bytes[NVO_TC_N];
    uint64_t drops[NVO_DROP_N];
    double util_sum, util_max;
    GArray *bytes;              /* double, per link direction */
};

static struct tier_acc *
tier_get__(GPtrArray *tiers, const char *name)
{
    for (guint i = 0; i < tiers->len; i++) {
        struct tier_acc *t = g_ptr_array_index(tiers, i);
        if (!strcmp(t->name, name)) {
            return t;
        }
    }
    struct tier_acc *t = g_new0(struct tier_acc, 1);
    t->name = name;
    t->bytes = g_array_new(FALSE, FALSE, sizeof(double));
    g_ptr_array_add(tiers, t);
    return t;
}

static uint64_t
sum_tc__(const uint64_t *v)
{
    uint64_t s = 0;
    for (int i = 0; i < NVO_TC_N; i++) {
        s += v[i];
    }
    return s;
}

static void
write_links__(xmlTextWriterPtr w, const struct nvo_sim *sim, double dur_ps)
{
    const struct nvo_net *net = sim->net;
    GPtrArray *tiers = g_ptr_array_new();
    xmlTextWriterStartElement(w, BAD_CAST "links");
    for (uint32_t li = 0; li < net->links->len; li++) {
        const struct nvo_net_link *l = nvo_net_link(net, li);
        for (int side = 0; side < 2; side++) {
            struct dir d;
            d.from = nvo_net_node(net, side ? l->b : l->a);
            d.to = nvo_net_node(net, side ? l->a : l->b);
            d.port = &d.from->ports[side ? l->b_port : l->a_port];
            d.link = l;
            const struct nvo_port_stats *st = &d.port->st;
            const char *tier = tier_name__(sim, &d, li);
            double util = dur_ps > 0 ? (double) st->busy_time / dur_ps : NAN;

            xmlTextWriterStartElement(w, BAD_CAST "link");
            attr_s__(w, "from", d.from->name);
            attr_u64__(w, "port", (side ? l->b_port : l->a_port) + 1);
            attr_s__(w, "to", d.to->name);
            attr_s__(w, "tier", tier);
            attr_s__(w, "up", l->link.up ? "true" : "false");
            class_counters__(w, st->tx_frames, st->tx_bytes, "tx");
            attr_f__(w, "utilization", util);
            attr_time__(w, "mean-queue-delay-us",
                        st->n_qdelay ? (double) st->qdelay_sum
                                       / (double) st->n_qdelay : NAN);
            attr_time__(w, "max-queue-delay-us",
                        st->n_qdelay ? (double) st->qdelay_max : NAN);
            attr_u64__(w, "max-queue-bytes", st->max_queue_bytes);
            for (int r = 0; r < NVO_DROP_N; r++) {
                char name[64];
                snprintf(name, sizeof name, "drops-%s",
                         nvo_drop_reason_name((enum nvo_drop_reason) r));
                attr_u64__(w, name, st->drop_frames[r]);
            }
            xmlTextWriterEndElement(w);

            struct tier_acc *t = tier_get__(tiers, tier);
            t->links++;
            for (int tc = 0; tc < NVO_TC_N; tc++) {
                t->tx_frames[tc] += st->tx_frames[tc];
                t->tx_bytes[tc] += st->tx_bytes[tc];
            }
            for (int r = 0; r < NVO_DROP_N; r++) {
                t->drops[r] += st->drop_frames[r];
            }
            t->util_sum += util;
            t->util_max = t->links == 1 ? util : fmax(t->util_max, util);
            double b = (double) sum_tc__(st->tx_bytes);
            g_array_append_val(t->bytes, b);
        }
    }
    xmlTextWriterEndElement(w);

    xmlTextWriterStartElement(w, BAD_CAST "tiers");
    for (guint i = 0; i < tiers->len; i++) {
        struct tier_acc *t = g_ptr_array_index(tiers, i);
        xmlTextWriterStartElement(w, BAD_CAST "tier");
        attr_s__(w, "name", t->name);
        attr_u64__(w, "links", t->links);
        class_counters__(w, t->tx_frames, t->tx_bytes, "tx");
        attr_f__(w, "mean-utilization", t->util_sum / (double) t->links);
        attr_f__(w, "max-utilization", t->util_max);
        for (int r = 0; r < NVO_DROP_N; r++) {
            char name[64];
            snprintf(name, sizeof name, "drops-%s",
                     nvo_drop_reason_name((enum nvo_drop_reason) r));
            attr_u64__(w, name, t->drops[r]);
        }
        struct nvo_balance b;
        nvo_balance((const double *) (void *) t->bytes->data, t->bytes->len, &b);
        xmlTextWriterStartElement(w, BAD_CAST "balance");
        attr_s__(w, "of", "bytes");
        balance_attrs__(w, &b);
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
        g_array_free(t->bytes, TRUE);
        g_free(t);
    }
    g_ptr_array_free(tiers, TRUE);
    xmlTextWriterEndElement(w);
}

/* ECMP balance of each switch over its up-links (ports toward a higher
 * tier), and over all such switches of a role. */
static void
write_ecmp__(xmlTextWriterPtr w, const struct nvo_sim *sim,
             struct nvo_balance *leaf_up, struct nvo_balance *spine_up)
{
    const struct nvo_net *net = sim->net;
    nvo_balance(NULL, 0, leaf_up);          /* missing unless measured */
    nvo_balance(NULL, 0, spine_up);
    xmlTextWriterStartElement(w, BAD_CAST "ecmp");
    attr_s__(w, "function", nvo_hash_fn_name(net->cfg.ecmp.fn));
    char buf[128];
    attr_s__(w, "fields", nvo_ecmp_fields_format(net->cfg.ecmp.fields, buf,
                                                 sizeof buf));
    attr_u64__(w, "parser-depth", net->cfg.ecmp.parser_depth);
    attr_s__(w, "seed", net->cfg.seed_mode == NVO_SEED_PER_SWITCH
                        ? "per-switch" : "fabric");
    for (int role = 0; role < NVO_ROLE_N; role++) {
        GArray *all = g_array_new(FALSE, FALSE, sizeof(double));
        GArray *jains = g_array_new(FALSE, FALSE, sizeof(double));
        for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
            const struct nvo_node *n = nvo_net_node(net, i);
            if ((int) n->role != role || nvo_role_tier(n->role) == 0) {
                continue;
            }
            int tier = nvo_role_tier(n->role);
            double *x = g_new(double, n->n_ports ? n->n_ports : 1);
            uint32_t k = 0;
            for (uint32_t p = 0; p < n->n_ports; p++) {
                if (nvo_role_tier(nvo_net_node(net, n->peer[p])->role) > tier) {
                    x[k++] = (double) sum_tc__(n->ports[p].st.tx_bytes);
                }
            }
            if (k < 2) {
                g_free(x);
                continue;
            }
            struct nvo_balance b;
            nvo_balance(x, k, &b);
            xmlTextWriterStartElement(w, BAD_CAST "switch");
            attr_s__(w, "name", n->name);
            attr_s__(w, "role", nvo_role_name(n->role));
            attr_u64__(w, "seed", n->ecmp.seed);
            balance_attrs__(w, &b);
            for (uint32_t p = 0, j = 0; p < n->n_ports; p++) {
                const struct nvo_node *peer = nvo_net_node(net, n->peer[p]);
                if (nvo_role_tier(peer->role) <= tier) {
                    continue;
                }
                xmlTextWriterStartElement(w, BAD_CAST "next-hop");
                attr_u64__(w, "port", p + 1);
                attr_s__(w, "peer", peer->name);
                attr_u64__(w, "frames", sum_tc__(n->ports[p].st.tx_frames));
                attr_u64__(w, "bytes", (uint64_t) x[j++]);
                if (n->flows_on) {     /* <underlay flow-stats> */
                    attr_u64__(w, "flows", n->port_flows[p]);
                }
                xmlTextWriterEndElement(w);
            }
            xmlTextWriterEndElement(w);
            g_array_append_vals(all, x, k);
            g_array_append_val(jains, b.jain);
            g_free(x);
        }
        if (all->len) {
            struct nvo_balance b;
            nvo_balance((const double *) (void *) all->data, all->len, &b);
            /* Over the switches whose up-links carried anything. */
            double jmin = NAN, jsum = 0;
            guint n_jains = 0;
            for (guint j = 0; j < jains->len; j++) {
                double v = g_array_index(jains, double, j);
                if (isfinite(v)) {
                    jmin = n_jains++ ? fmin(jmin, v) : v;
                    jsum += v;
                }
            }
            xmlTextWriterStartElement(w, BAD_CAST "role");
            attr_s__(w, "name", nvo_role_name((enum nvo_role) role));
            attr_u64__(w, "switches", jains->len);
            balance_attrs__(w, &b);
            attr_u64__(w, "switches-measured", n_jains);
            attr_f__(w, "mean-switch-jain", n_jains ? jsum / n_jains : NAN);
            attr_f__(w, "min-switch-jain", jmin);
            xmlTextWriterEndElement(w);
            if (role == NVO_ROLE_LEAF) {
                *leaf_up = b;
            } else if (role == NVO_ROLE_SPINE) {
                *spine_up = b;
            }
        }
        g_array_free(all, TRUE);
        g_array_free(jains, TRUE);
    }
    xmlTextWriterEndElement(w);
}

static gint
type_by_name__(gconstpointer a, gconstpointer b)
{
    return strcmp(nvo_mem_type_name(*(const nvo_mem_type *) a),
                  nvo_mem_type_name(*(const nvo_mem_type *) b));
}

/* <memory>: the network's counted memory (core/mem.h) per type, by name,
 * and per role the nodes' largest and mean counts of the type. */
static void
write_memory__(xmlTextWriterPtr w, const struct nvo_net *net)
{
    xmlTextWriterStartElement(w, BAD_CAST "memory");
    attr_u64__(w, "bytes", nvo_mem_acct_bytes(&net->mem));
    attr_u64__(w, "objects", nvo_mem_acct_objects(&net->mem));
    xmlTextWriterWriteComment(w, BAD_CAST " requested bytes and blocks "
                              "now allocated; allocator overhead is not "
                              "counted ");
    uint32_t n_types = nvo_mem_n_types(), n_used = 0;
    nvo_mem_type *types = g_new(nvo_mem_type, n_types ? n_types : 1);
    for (nvo_mem_type t = 0; t < n_types; t++) {
        struct nvo_mem_count c = nvo_mem_acct_get(&net->mem, t);
        if (c.bytes || c.objects) {
            types[n_used++] = t;
        }
    }
    qsort(types, n_used, sizeof *types, type_by_name__);
    uint32_t role_nodes[NVO_ROLE_N] = { 0 };
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        role_nodes[nvo_net_node(net, i)->role]++;
    }
    for (uint32_t k = 0; k < n_used; k++) {
        struct nvo_mem_count c = nvo_mem_acct_get(&net->mem, types[k]);
        xmlTextWriterStartElement(w, BAD_CAST "type");
        attr_s__(w, "name", nvo_mem_type_name(types[k]));
        attr_u64__(w, "bytes", c.bytes);
        attr_u64__(w, "objects", c.objects);
        for (int role = 0; role < NVO_ROLE_N; role++) {
            uint64_t max = 0, sum = 0;
            for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
                const struct nvo_node *n = nvo_net_node(net, i);
                if (n->role == (enum nvo_role) role) {
                    uint64_t b = nvo_mem_acct_get(&n->mem, types[k]).bytes;
                    max = b > max ? b : max;
                    sum += b;
                }
            }
            if (!sum) {
                continue;
            }
            xmlTextWriterStartElement(w, BAD_CAST "role");
            attr_s__(w, "name", nvo_role_name((enum nvo_role) role));
            attr_u64__(w, "nodes", role_nodes[role]);
            attr_u64__(w, "max-bytes", max);
            attr_f__(w, "mean-bytes", (double) sum / role_nodes[role]);
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
    }
    g_free(types);
    xmlTextWriterEndElement(w);
}

/* Every node, so that the addresses in a pcap can be read as names: its
 * loopback address (the source and destination of the frames it sends
 * and receives) in the run's IP version, and its MAC (every port of a
 * node has it). */
static void
write_nodes__(xmlTextWriterPtr w, const struct nvo_net *net)
{
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        const struct nvo_node *n = nvo_net_node(net, i);
        char addr[INET6_ADDRSTRLEN], mac[18];
        uint32_t a4 = htonl(n->addr4);
        if (net->cfg.ipv6) {
            inet_ntop(AF_INET6, n->addr6, addr, sizeof addr);
        } else {
            inet_ntop(AF_INET, &a4, addr, sizeof addr);
        }
        xmlTextWriterStartElement(w, BAD_CAST "node");
        attr_s__(w, "name", n->name);
        attr_s__(w, "role", nvo_role_name(n->role));
        attr_s__(w, "address", addr);
        attr_s__(w, "mac", nvo_eth_addr_format(n->mac, mac));
        if (n->ops->report) {
            n->ops->report(n, w);           /* the role's own part */
        }
        xmlTextWriterEndElement(w);
    }
}

static void
write_hist__(xmlTextWriterPtr w, const char *elem, const struct nvo_hist *h,
             uint64_t count)
{
    xmlTextWriterStartElement(w, BAD_CAST elem);
    attr_u64__(w, "count", count);
    attr_time__(w, "mean-us", nvo_hist_mean(h));
    attr_time__(w, "min-us", h->n ? (double) h->min : NAN);
    attr_time__(w, "p50-us", nvo_hist_quantile(h, 0.50));
    attr_time__(w, "p90-us", nvo_hist_quantile(h, 0.90));
    attr_time__(w, "p99-us", nvo_hist_quantile(h, 0.99));
    attr_time__(w, "p999-us", nvo_hist_quantile(h, 0.999));
    attr_time__(w, "max-us", h->n ? (double) h->max : NAN);
    xmlTextWriterEndElement(w);
}

static int
write_file__(const char *dir, const char *name, const char *data,
             size_t len, GError **error)
{
    char *path = g_build_filename(dir, name, NULL);
    int err = nvo_file_write_atomic(path, data, len);
    if (err) {
        g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED, "%s: %s", path,
                    g_strerror(err));
    }
    g_free(path);
    return err;
}

/* The overlay's headline metrics (docs/outputs.md). */
#define OVERLAY_N_COUNTS 8
struct overlay_metrics {
    /* sent, delivered, dropped, bum frames, bum copies, bum link bytes,
     * unwanted deliveries, MAC entries max */
    uint64_t counts[OVERLAY_N_COUNTS];
    double mac_entries_mean;
    uint64_t encap_overhead;
    double goodput_efficiency;  /* NAN if the PEs sent nothing */
    struct nvo_sim_overlay_totals t;
};

/* ---- Multicast flooding (docs/multicast.md) ------------------------- */

/* BUM copies the switches put on links (multicast replication). */
static uint64_t
mcast_switch_copies__(const struct nvo_net *net)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; net->mcast && i < nvo_net_n_nodes(net); i++) {
        const struct nvo_mcast_sw_stats *s = nvo_mcast_stats(net, i);
        /* A Register carrying data is a BUM frame a switch put on a
         * link too. */
        sum += s ? s->copies + s->register_tx : 0;
    }
    return sum;
}

/* <multicast> inside <overlay>: the mode, and each switch's state and
 * counters. */
static void
write_mcast__(xmlTextWriterPtr w, const struct nvo_sim *sim)
{
    const struct nvo_net *net = sim->net;
    const struct nvo_mcast_cfg *mc = nvo_mcast_cfg(net);
    if (!mc) {
        return;
    }
    const struct nvo_overlay_cfg *oc = sim->overlay->cfg;
    xmlTextWriterStartElement(w, BAD_CAST "multicast");
    attr_s__(w, "pim", nvo_mcast_pim_name(mc->pim));
    attr_s__(w, "rp", nvo_net_node(net, mc->rp)->name);
    if (oc->mcast_groups) {
        attr_u64__(w, "groups", oc->mcast_groups);
    } else {
        attr_s__(w, "groups", "per-vni");
    }
    char base[INET_ADDRSTRLEN];
    struct in_addr ia = { htonl(oc->mcast_group_base) };
    inet_ntop(AF_INET, &ia, base, sizeof base);
    attr_s__(w, "group-base", base);
    attr_u64__(w, "state-entries", nvo_mcast_state_entries(net));
    attr_u64__(w, "switch-bum-copies", mcast_switch_copies__(net));
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        const struct nvo_mcast_sw_stats *s = nvo_mcast_stats(net, i);
        if (!s) {
            continue;
        }
        xmlTextWriterStartElement(w, BAD_CAST "switch");
        attr_s__(w, "node", nvo_net_node(net, i)->name);
        attr_u64__(w, "star-g", s->star_g);
        attr_u64__(w, "s-g", s->s_g);
        attr_u64__(w, "oifs", s->oifs);
        attr_u64__(w, "pim-neighbors", s->pim_neighbors);
        attr_u64__(w, "igmp-reports", s->igmp_rx);
        attr_u64__(w, "igmp-queries-sent", s->query_tx);
        attr_u64__(w, "hellos-sent", s->hello_tx);
        attr_u64__(w, "hellos-received", s->hello_rx);
        attr_u64__(w, "joins-sent", s->join_tx);
        attr_u64__(w, "joins-received", s->join_rx);
        attr_u64__(w, "control-refused", s->bad_rx);
        attr_u64__(w, "data-frames", s->data_rx);
        attr_u64__(w, "bum-copies", s->copies);
        attr_u64__(w, "no-state", s->no_state);
        attr_u64__(w, "absorbed", s->absorbed);
        attr_u64__(w, "rpf-fail", s->rpf_fail);
        attr_u64__(w, "registers-sent", s->register_tx);
        attr_u64__(w, "null-registers-sent", s->null_register_tx);
        attr_u64__(w, "registers-too-big", s->register_too_big);
        attr_u64__(w, "register-stops-received", s->register_stop_rx);
        attr_u64__(w, "registers-received", s->register_rx);
        attr_u64__(w, "null-registers-received", s->null_register_rx);
        attr_u64__(w, "registers-dropped", s->register_dropped);
        attr_u64__(w, "register-stops-sent", s->register_stop_tx);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
}

static void
overlay_metrics__(const struct nvo_sim *sim, struct overlay_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->goodput_efficiency = NAN;
    if (!sim->overlay) {
        return;
    }
    const struct nvo_sim_overlay *o = sim->overlay;
    nvo_sim_overlay_totals(o, &m->t);
    const struct nvo_pe_node_counters *c = &m->t.c;
    uint64_t drops = 0;
    for (int r = 0; r < NVO_PE_DROP_N; r++) {
        drops += c->drops[r];
    }
    uint64_t bum = 0;
    for (int k = 0; k < NVO_BUM_N; k++) {
        bum += c->bum[k];
    }
    uint64_t v[OVERLAY_N_COUNTS] = {
        c->vm_frames, c->delivered, drops, bum,
        c->bum_copies + mcast_switch_copies__(sim->net),
        o->bum_link_bytes, c->unwanted, m->t.mac_entries_max,
    };
    memcpy(m->counts, v, sizeof v);
    m->mac_entries_mean = m->t.mac_entries_mean;
    m->encap_overhead = c->bytes_out - c->encap_bytes;
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    if (c->bytes_out) {
        m->goodput_efficiency = (double) ts.payload_delivered
                                / (double) c->bytes_out;
    }
}

static void
write_pe_counters__(xmlTextWriterPtr w, const struct nvo_pe_node_counters *c)
{
    attr_u64__(w, "vm-frames", c->vm_frames);
    attr_u64__(w, "local-unicast", c->local_unicast);
    attr_u64__(w, "remote-unicast", c->remote_unicast);
    for (int k = 0; k < NVO_BUM_N; k++) {
        char name[64];
        g_snprintf(name, sizeof name, "bum-%s",
                   nvo_bum_kind_name((enum nvo_bum_kind) k));
        attr_u64__(w, name, c->bum[k]);
    }
    attr_u64__(w, "bum-copies", c->bum_copies);
    attr_u64__(w, "bum-local-copies", c->bum_local_copies);
    attr_u64__(w, "underlay-frames-sent", c->frames_out);
    attr_u64__(w, "underlay-bytes-sent", c->bytes_out);
    attr_u64__(w, "delivered", c->delivered);
    attr_u64__(w, "delivered-bytes", c->delivered_bytes);
    attr_u64__(w, "unwanted", c->unwanted);
    uint64_t drops = 0;
    for (int r = 0; r < NVO_PE_DROP_N; r++) {
        drops += c->drops[r];
    }
    attr_u64__(w, "dropped", drops);
}

/* The CPU cost model's attributes (docs/cpu.md), when the scenario has
 * <overlay><cpu>: cycles with three decimals, CPU seconds with a clock,
 * and with 'per_frame' the cycles per frame the VMs sent. */
static void
write_pe_cpu__(xmlTextWriterPtr w, const struct nvo_sim_overlay *o,
               const struct nvo_pe_node_counters *c, bool per_frame)
{
    const struct nvo_cpu_cost_cfg *cpu = &o->cfg->cpu;
    if (!cpu->enabled) {
        return;
    }
    uint64_t total = c->cpu_encap_mc + c->cpu_replica_mc + c->cpu_decap_mc;
    const struct { const char *name; uint64_t mc; } v[] = {
        { "cpu-cycles", total },
        { "cpu-encap-cycles", c->cpu_encap_mc },
        { "cpu-replica-cycles", c->cpu_replica_mc },
        { "cpu-decap-cycles", c->cpu_decap_mc },
    };
    for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
        char buf[32];
        nvo_cpu_format_mc(v[i].mc, buf, sizeof buf);
        attr_s__(w, v[i].name, buf);
    }
    if (cpu->ghz > 0) {
        attr_f__(w, "cpu-seconds", (double) total / 1000.0 / (cpu->ghz * 1e9));
    }
    if (per_frame && c->vm_frames) {
        attr_f__(w, "cpu-cycles-per-frame",
                 (double) total / 1000.0 / (double) c->vm_frames);
    }
}

/* <bum-tier>: BUM frames and bytes (framing included) per tier, the tiers
 * of <tiers>, in the same order. */
static void
write_bum_tiers__(xmlTextWriterPtr w, const struct nvo_sim *sim)
{
    const struct nvo_net *net = sim->net;
    const struct nvo_sim_overlay *o = sim->overlay;
    GPtrArray *names = g_ptr_array_new();
    GArray *frames = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    GArray *bytes = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    for (uint32_t li = 0; li < net->links->len; li++) {
        const struct nvo_net_link *l = nvo_net_link(net, li);
        for (int side = 0; side < 2; side++) {
            struct dir d;
            d.from = nvo_net_node(net, side ? l->b : l->a);
            d.to = nvo_net_node(net, side ? l->a : l->b);
            uint32_t port = side ? l->b_port : l->a_port;
            d.port = &d.from->ports[port];
            d.link = l;
            const char *tier = tier_name__(sim, &d, li);
            guint t = 0;
            while (t < names->len && strcmp(g_ptr_array_index(names, t),
                                            tier)) {
                t++;
            }
            if (t == names->len) {
                uint64_t zero = 0;
                g_ptr_array_add(names, (gpointer) tier);
                g_array_append_val(frames, zero);
                g_array_append_val(bytes, zero);
            }
            uint64_t f, b;
            nvo_sim_overlay_port_bum(o, d.from->index, port, &f, &b);
            g_array_index(frames, uint64_t, t) += f;
            g_array_index(bytes, uint64_t, t) += b;
        }
    }
    for (guint t = 0; t < names->len; t++) {
        xmlTextWriterStartElement(w, BAD_CAST "bum-tier");
        attr_s__(w, "name", g_ptr_array_index(names, t));
        attr_u64__(w, "frames", g_array_index(frames, uint64_t, t));
        attr_u64__(w, "bytes", g_array_index(bytes, uint64_t, t));
        xmlTextWriterEndElement(w);
    }
    g_ptr_array_free(names, TRUE);
    g_array_free(frames, TRUE);
    g_array_free(bytes, TRUE);
}

/* With MPLS, the label mode and the label state (labels known: of the
 * PE 'pe', or summed over the PEs); with several addresses per
 * hypervisor, their number.  Nothing otherwise, so results without
 * these features are as before. */
static void
write_overlay_labels__(xmlTextWriterPtr w, const struct nvo_sim_overlay *o,
                       const struct nvo_pe_node *pe)
{
    if (!pe && o->cfg->n_addrs > 1) {
        attr_u64__(w, "addresses", o->cfg->n_addrs);
    }
    if (!o->encap->pop_cw) {
        return;                 /* not MPLS: no labels */
    }
    uint64_t n = 0;
    for (uint32_t i = 0; !pe && i < o->n_pes; i++) {
        n += nvo_pe_node_label_state(o->pes[i]);
    }
    if (!pe) {
        attr_s__(w, "label", o->cfg->label_per_pe ? "per-pe" : "vni");
    }
    attr_u64__(w, "label-state", pe ? nvo_pe_node_label_state(pe) : n);
}

/* <vm-traffic>: what the VMs' stacks sent (ARP, broadcast, multicast,
 * NLB) and the moves, when the scenario has any (docs/outputs.md). */
static void
write_vm_traffic__(xmlTextWriterPtr w, const struct nvo_sim *sim)
{
    const struct nvo_sim_overlay *o = sim->overlay;
    if (!nvo_sim_overlay_has_vm_stack(o)) {
        return;
    }
    struct nvo_traffic_vm_stats v;
    nvo_traffic_vm_get_stats(sim->traffic, &v);
    struct nvo_sim_overlay_totals t;
    nvo_sim_overlay_totals(o, &t);
    xmlTextWriterStartElement(w, BAD_CAST "vm-traffic");
    attr_u64__(w, "arp-requests", v.arp_requests);
    attr_u64__(w, "arp-replies", v.arp_replies);
    attr_u64__(w, "gratuitous-arps", o->announce_garp);
    attr_u64__(w, "rarps", o->announce_rarp);
    attr_u64__(w, "broadcasts", v.broadcasts);
    attr_u64__(w, "multicasts", v.multicasts);
    attr_u64__(w, "unknown-unicast", t.c.bum[NVO_BUM_UNKNOWN]);
    attr_u64__(w, "nlb-frames", v.nlb_frames);
    attr_u64__(w, "nlb-copies-ignored", v.nlb_copies_ignored);
    attr_u64__(w, "arp-hits", v.arp_hits);
    attr_u64__(w, "arp-queued", v.arp_queued);
    attr_u64__(w, "arp-queue-drops", v.arp_queue_drops);
    attr_u64__(w, "arp-waiting", v.arp_waiting);
    attr_u64__(w, "arp-cache-entries", v.arp_entries);
    attr_u64__(w, "arp-cache-bytes", v.arp_cache_bytes);
    attr_u64__(w, "moves", o->moves_done);
    attr_u64__(w, "mac-moves", t.c.moves);
    xmlTextWriterEndElement(w);
}

/* summary.csv's arp_requests (empty without <arp>) and vm_moves (empty
 * without <move>). */
static void
vm_traffic_csv__(GString *s, const struct nvo_sim *sim)
{
    const struct nvo_sim_overlay *o = sim->overlay;
    struct nvo_traffic_vm_stats v;
    if (o && o->cfg->arp) {
        nvo_traffic_vm_get_stats(sim->traffic, &v);
        g_string_append_printf(s, ",%" PRIu64, v.arp_requests);
    } else {
        g_string_append_c(s, ',');
    }
    if (o && o->cfg->n_moves) {
        g_string_append_printf(s, ",%" PRIu64, o->moves_done);
    } else {
        g_string_append_c(s, ',');
    }
}

/* <overlay>: totals, per tenant (summed over its PEs), per PE. */
static void
write_overlay__(xmlTextWriterPtr w, const struct nvo_sim *sim)
{
    const struct nvo_sim_overlay *o = sim->overlay;
    if (!o) {
        return;
    }
    struct overlay_metrics m;
    overlay_metrics__(sim, &m);
    const struct nvo_pe_node_counters *c = &m.t.c;
    xmlTextWriterStartElement(w, BAD_CAST "overlay");
    attr_s__(w, "encap", o->encap->name);
    attr_s__(w, "flood", o->cfg->flood_mcast ? "multicast"
                                             : "ingress-replication");
    attr_s__(w, "flood-list", o->cfg->flood_list == NVO_FLOOD_ALL_PES
                              ? "all-pes" : "vni-pes");
    attr_u64__(w, "tenants", o->cfg->n_tenants);
    attr_u64__(w, "vms", o->n_vms);
    attr_u64__(w, "pes", o->n_pes);
    write_overlay_labels__(w, o, NULL);
    if (o->cfg->vtep == NVO_VTEP_LEAF) {
        /* The VTEPs are the leaves (the <pe> elements below). */
        attr_s__(w, "vtep", "leaf");
        attr_u64__(w, "vteps", o->n_pes);
        attr_u64__(w, "hypervisors", o->n_hvs);
    }
    xmlTextWriterStartElement(w, BAD_CAST "totals");
    write_pe_counters__(w, c);
    attr_u64__(w, "bum-link-frames", o->bum_link_frames);
    attr_u64__(w, "bum-link-bytes", o->bum_link_bytes);
    attr_u64__(w, "encap-overhead-bytes", m.encap_overhead);
    attr_f__(w, "goodput-efficiency", m.goodput_efficiency);
    attr_u64__(w, "mac-entries-max", m.t.mac_entries_max);
    attr_f__(w, "mac-entries-mean", m.t.mac_entries_mean);
    write_pe_cpu__(w, o, c, true);
    for (int r = 0; r < NVO_PE_DROP_N; r++) {
        xmlTextWriterStartElement(w, BAD_CAST "drop");
        attr_s__(w, "reason", nvo_pe_drop_name((enum nvo_pe_drop) r));
        attr_u64__(w, "frames", c->drops[r]);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
    write_bum_tiers__(w, sim);
    write_vm_traffic__(w, sim);
    uint32_t T = o->cfg->n_tenants;
    struct nvo_pe_node_counters *tc = g_new0(struct nvo_pe_node_counters,
                                             T ? T : 1);
    /* Each tenant summed over the PEs hosting it (a PE a VM moved away
     * from included; with vtep="leaf" the leaf VTEPs, plus the
     * hypervisors' VM side). */
    for (uint32_t t = 0; t < T; t++) {
        for (uint32_t i = 0; i < o->n_pes; i++) {
            uint32_t lt;
            if (nvo_pe_node_find_tenant(o->pes[i], o->tenant_id[t], &lt)) {
                continue;       /* no VM of the tenant there */
            }
            const uint64_t *sx = (const uint64_t *)
                nvo_pe_node_tenant_counters(o->pes[i], lt);
            uint64_t *d = (uint64_t *) &tc[t];
            for (size_t k = 0; k < sizeof tc[t] / sizeof (uint64_t); k++) {
                d[k] += sx[k];
            }
        }
    }
    for (uint32_t t = 0; o->cfg->vtep == NVO_VTEP_LEAF && t < T; t++) {
        nvo_sim_overlay_leaf_tenant__(o, t, &tc[t]);
    }
    for (uint32_t t = 0; t < T; t++) {
        xmlTextWriterStartElement(w, BAD_CAST "tenant");
        attr_u64__(w, "vni", o->tenant_vni[t]);
        attr_u64__(w, "pes", o->tenant_n_pes[t]);
        write_pe_counters__(w, &tc[t]);
        write_pe_cpu__(w, o, &tc[t], false);
        xmlTextWriterEndElement(w);
    }
    g_free(tc);
    for (uint32_t i = 0; i < o->n_pes; i++) {
        struct nvo_pe_node *pe = o->pes[i];
        const struct nvo_mac_counters *mc =
            nvo_mac_table_counters(nvo_pe_node_mac_table(pe));
        xmlTextWriterStartElement(w, BAD_CAST "pe");
        attr_s__(w, "node", nvo_pe_node_base(pe)->name);
        attr_u64__(w, "tenants", nvo_pe_node_n_tenants(pe));
        attr_u64__(w, "mac-entries", mc->entries);
        attr_u64__(w, "mac-entries-max", mc->entries_max);
        write_pe_counters__(w, nvo_pe_node_counters(pe));
        write_pe_cpu__(w, o, nvo_pe_node_counters(pe), false);
        write_overlay_labels__(w, o, pe);
        xmlTextWriterEndElement(w);
    }
    for (uint32_t i = 0; i < o->n_hvs; i++) {
        /* vtep="leaf": the hypervisors' side (docs/vtep-leaf.md). */
        xmlTextWriterStartElement(w, BAD_CAST "hypervisor");
        attr_s__(w, "node", nvo_access_hv_base(o->hvs[i])->name);
        attr_u64__(w, "tenants", nvo_access_hv_n_tenants(o->hvs[i]));
        write_pe_counters__(w, nvo_access_hv_counters(o->hvs[i]));
        xmlTextWriterEndElement(w);
    }
    write_mcast__(w, sim);
    xmlTextWriterEndElement(w);
}

/* Headline metrics, for summary.csv and sweeps. */
struct headline {
    uint64_t generated, delivered, dropped, in_flight;
    uint64_t flows_started, flows_completed, flows_running, flows_lost;
    double drop_rate;
    double lat_mean, lat_p50, lat_p99, fct_mean, fct_p50, fct_p99;
    struct nvo_balance leaf_up, spine_up;
};

static void
headline__(const struct nvo_sim *sim, struct headline *h)
{
    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    h->generated = sim->generated;
    h->delivered = sim->delivered;
    h->dropped = sim->dropped;
    h->in_flight = sim->in_flight;
    h->flows_started = ts.flows_started;
    h->flows_completed = ts.flows_completed;
    h->flows_running = ts.flows_running;
    h->flows_lost = ts.flows_lost;
    h->drop_rate = sim->generated ? (double) sim->dropped
                                    / (double) sim->generated : NAN;
    h->lat_mean = nvo_hist_mean(ts.latency) / 1e6;
    h->lat_p50 = nvo_hist_quantile(ts.latency, 0.5) / 1e6;
    h->lat_p99 = nvo_hist_quantile(ts.latency, 0.99) / 1e6;
    h->fct_mean = nvo_hist_mean(ts.fct) / 1e6;
    h->fct_p50 = nvo_hist_quantile(ts.fct, 0.5) / 1e6;
    h->fct_p99 = nvo_hist_quantile(ts.fct, 0.99) / 1e6;
}

char *
nvo_sim_summary_header(void)
{
    return g_strdup_printf("scenario,engine,seed,run,sim_time_s,events,"
                    "frames_generated,frames_delivered,frames_dropped,"
                    "frames_in_flight,drop_rate,flows_started,"
                    "flows_completed,flows_running,flows_lost,"
                    "latency_mean_us,latency_p50_us,"
                    "latency_p99_us,fct_mean_us,fct_p50_us,fct_p99_us,"
                    "leaf_up_jain,leaf_up_max_over_mean,spine_up_jain,"
                    "spine_up_max_over_mean,"
                    "overlay_frames_sent,overlay_frames_delivered,"
                    "overlay_frames_dropped,bum_frames,bum_copies,"
                    "bum_link_bytes,bum_unwanted_deliveries,"
                    "mac_entries_max,mac_entries_mean,"
                    "encap_overhead_bytes,goodput_efficiency,"
                    "pe_cpu_cycles,pe_cpu_cycles_per_frame,"
                    "overlay_vteps,overlay_vtep,"
                    "arp_requests,vm_moves,"
                    "mcast_state_entries,%s,"
                    "fingerprint,wall_s", nvo_results_ctrl_csv_header());
}

static void
ecmp_summary__(const struct nvo_sim *sim, struct nvo_balance *leaf,
               struct nvo_balance *spine)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    write_ecmp__(w, sim, leaf, spine);
    xmlFreeTextWriter(w);
    xmlBufferFree(buf);
}

/* ",VALUE" with 6 significant digits, or "," alone for a missing value
 * (NAN). */
static void
csv_num__(GString *s, double v)
{
    g_string_append_c(s, ',');
    if (isfinite(v)) {
        g_string_append_printf(s, "%.6g", v);
    }
}

/* ",CYCLES,CYCLES_PER_FRAME" of the CPU cost model, each empty when the
 * scenario has no <overlay><cpu> (and the second when the VMs sent
 * nothing). */
static void
pe_cpu_csv__(GString *s, const struct nvo_sim *sim,
             const struct overlay_metrics *om)
{
    if (!sim->overlay || !sim->overlay->cfg->cpu.enabled) {
        g_string_append(s, ",,");
        return;
    }
    const struct nvo_pe_node_counters *c = &om->t.c;
    uint64_t total = c->cpu_encap_mc + c->cpu_replica_mc + c->cpu_decap_mc;
    char buf[32];
    nvo_cpu_format_mc(total, buf, sizeof buf);
    g_string_append_printf(s, ",%s", buf);
    csv_num__(s, c->vm_frames ? (double) total / 1000.0 / (double) c->vm_frames
                              : NAN);
}

char *
nvo_sim_summary_values(const struct nvo_sim *sim)
{
    struct headline h;
    headline__(sim, &h);
    ecmp_summary__(sim, &h.leaf_up, &h.spine_up);
    char t[NVO_TIME_STRLEN];
    GString *s = g_string_new(NULL);
    g_string_append_printf(
        s, "%s,%" PRIu64 ",%" PRIu64 ",%s,%" PRIu64 ",%" PRIu64 ",%" PRIu64
        ",%" PRIu64 ",%" PRIu64, sim->engine->ops->name, sim->cfg->seed,
        sim->cfg->run,
        nvo_time_format_sec(nvo_engine_now(sim->engine), t, sizeof t),
        sim->engine->n_executed, h.generated, h.delivered, h.dropped,
        h.in_flight);
    csv_num__(s, h.drop_rate);
    g_string_append_printf(s, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                           ",%" PRIu64, h.flows_started, h.flows_completed,
                           h.flows_running, h.flows_lost);
    const double metrics[] = {
        h.lat_mean, h.lat_p50, h.lat_p99, h.fct_mean, h.fct_p50, h.fct_p99,
        h.leaf_up.jain, h.leaf_up.max_over_mean, h.spine_up.jain,
        h.spine_up.max_over_mean,
    };
    for (size_t i = 0; i < G_N_ELEMENTS(metrics); i++) {
        csv_num__(s, metrics[i]);
    }
    struct overlay_metrics om;
    overlay_metrics__(sim, &om);
    for (size_t i = 0; i < OVERLAY_N_COUNTS; i++) {
        if (sim->overlay) {
            g_string_append_printf(s, ",%" PRIu64, om.counts[i]);
        } else {
            g_string_append_c(s, ',');
        }
    }
    csv_num__(s, sim->overlay ? om.mac_entries_mean : NAN);
    csv_num__(s, sim->overlay ? (double) om.encap_overhead : NAN);
    csv_num__(s, sim->overlay ? om.goodput_efficiency : NAN);
    pe_cpu_csv__(s, sim, &om);
    if (sim->overlay) {
        g_string_append_printf(s, ",%" PRIu32 ",%s", sim->overlay->n_pes,
                               sim->overlay->cfg->vtep == NVO_VTEP_LEAF
                               ? "leaf" : "hypervisor");
    } else {
        g_string_append(s, ",,");
    }
    vm_traffic_csv__(s, sim);
    if (sim->net->mcast) {
        g_string_append_printf(s, ",%" PRIu64,
                               nvo_mcast_state_entries(sim->net));
    } else {
        g_string_append_c(s, ',');      /* no multicast flooding */
    }
    nvo_results_ctrl_csv(s, sim);
    g_string_append_printf(s, ",%016" PRIx64 ",%.3f",
                           sim->engine->fingerprint, sim->wall_seconds);
    return g_string_free(s, FALSE);
}

char *
nvo_sim_summary_row(const struct nvo_sim *sim)
{
    /* The scenario name is quoted only if CSV needs it (RFC 4180). */
    const char *name = sim->cfg->name;
    GString *s = g_string_new(NULL);
    if (strpbrk(name, ",\"\r\n")) {
        g_string_append_c(s, '"');
        for (const char *c = name; *c; c++) {
            if (*c == '"') {
                g_string_append_c(s, '"');
            }
            g_string_append_c(s, *c);
        }
        g_string_append_c(s, '"');
    } else {
        g_string_append(s, name);
    }
    char *values = nvo_sim_summary_values(sim);
    g_string_append_c(s, ',');
    g_string_append(s, values);
    g_free(values);
    return g_string_free(s, FALSE);
}

int
nvo_sim_write_results(struct nvo_sim *sim, GError **error)
{
    const struct nvo_scenario_cfg *cfg = sim->cfg;
    const struct nvo_net *net = sim->net;
    double dur = (double) nvo_engine_now(sim->engine);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buf, 0);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "results");
    attr_s__(w, "version", NVO_VERSION);

    char t[NVO_TIME_STRLEN];
    xmlTextWriterStartElement(w, BAD_CAST "run");
    attr_s__(w, "scenario", cfg->name);
    attr_s__(w, "file", cfg->path);
    attr_s__(w, "engine", sim->engine->ops->name);
    attr_u64__(w, "seed", cfg->seed);
    attr_u64__(w, "run", cfg->run);
    attr_s__(w, "sim-time", nvo_time_format(nvo_engine_now(sim->engine), t,
                                            sizeof t));
    attr_u64__(w, "events", sim->engine->n_executed);
    attr_s__(w, "drain", cfg->drain ? "true" : "false");
    if (cfg->drain) {
        attr_s__(w, "drain-limit", nvo_time_format(cfg->drain_limit, t,
                                                   sizeof t));
        /* empty: nothing left; limit: stopped at drain-limit; stalled:
         * data left at hosts that cannot send (a down uplink). */
        attr_s__(w, "drain-end", sim->drain_limit_hit ? "limit"
                 : sim->flows_running || sim->in_flight ? "stalled"
                 : "empty");
    }
    xmlTextWriterWriteFormatAttribute(w, BAD_CAST "fingerprint", "%016" PRIx64,
                                      sim->engine->fingerprint);
    attr_f__(w, "wall-seconds", sim->wall_seconds);
    attr_f__(w, "events-per-second", sim->wall_seconds > 0
             ? (double) sim->engine->n_executed / sim->wall_seconds : NAN);
    xmlTextWriterEndElement(w);

    for (guint i = 0; i < sim->warnings->len; i++) {
        const struct nvo_sim_warning *wa = g_ptr_array_index(sim->warnings,
                                                             i);
        xmlTextWriterStartElement(w, BAD_CAST "warning");
        attr_s__(w, "about", wa->about);
        xmlTextWriterWriteString(w, BAD_CAST wa->text);
        xmlTextWriterEndElement(w);
    }

    xmlTextWriterStartElement(w, BAD_CAST "scenario-as-run");
    xmlTextWriterWriteRaw(w, BAD_CAST "\n");
    xmlTextWriterWriteRaw(w, BAD_CAST cfg->xml);
    xmlTextWriterWriteRaw(w, BAD_CAST "\n");
    xmlTextWriterWriteRaw(w, BAD_CAST cfg->topo->xml);
    xmlTextWriterWriteRaw(w, BAD_CAST "\n");
    xmlTextWriterEndElement(w);

    xmlTextWriterStartElement(w, BAD_CAST "network");
    attr_u64__(w, "nodes", nvo_net_n_nodes(net));
    attr_u64__(w, "links", net->links->len);
    attr_s__(w, "ip", net->cfg.ipv6 ? "ipv6" : "ipv4");
    attr_u64__(w, "route-computations", net->n_route_computations);
    attr_s__(w, "last-convergence", nvo_time_format(net->last_convergence, t,
                                                    sizeof t));
    write_nodes__(w, net);
    xmlTextWriterEndElement(w);

    xmlTextWriterStartElement(w, BAD_CAST "conservation");
    attr_u64__(w, "generated", sim->generated);
    attr_u64__(w, "delivered", sim->delivered);
    attr_u64__(w, "dropped", sim->dropped);
    attr_u64__(w, "in-flight", sim->in_flight);
    attr_s__(w, "ok", sim->conserved ? "true" : "false");
    xmlTextWriterEndElement(w);

    uint64_t port_drops[NVO_DROP_N], node_drops[NVO_NODE_DROP_N];
    nvo_net_drops(net, port_drops, node_drops);
    xmlTextWriterStartElement(w, BAD_CAST "drops");
    for (int r = 0; r < NVO_DROP_N; r++) {
        xmlTextWriterStartElement(w, BAD_CAST "drop");
        attr_s__(w, "reason", nvo_drop_reason_name((enum nvo_drop_reason) r));
        attr_u64__(w, "frames", port_drops[r]);
        xmlTextWriterEndElement(w);
    }
    for (int r = 0; r < NVO_NODE_DROP_N; r++) {
        /* "no-listener" (a frame for a node with nothing bound to its
         * protocol or port) is written only when it happened, so the
         * results of scenarios without it are as they were. */
        if (r == NVO_NODE_DROP_NO_LISTENER && !node_drops[r]) {
            continue;
        }
        xmlTextWriterStartElement(w, BAD_CAST "drop");
        attr_s__(w, "reason", nvo_node_drop_name((enum nvo_node_drop) r));
        attr_u64__(w, "frames", node_drops[r]);
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);

    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    xmlTextWriterStartElement(w, BAD_CAST "traffic");
    attr_u64__(w, "flows-started", ts.flows_started);
    attr_u64__(w, "flows-completed", ts.flows_completed);
    attr_u64__(w, "flows-running", ts.flows_running);
    attr_u64__(w, "flows-lost", ts.flows_lost);
    attr_u64__(w, "flows-stalled", ts.flows_stalled);
    attr_u64__(w, "packets-sent", ts.pkts_sent);
    attr_u64__(w, "packets-delivered", ts.pkts_delivered);
    attr_u64__(w, "bytes-sent", ts.bytes_sent);
    attr_u64__(w, "bytes-delivered", ts.bytes_delivered);
    attr_u64__(w, "payload-bytes-delivered", ts.payload_delivered);
    write_hist__(w, "packet-latency", ts.latency, ts.latency->n);
    xmlTextWriterWriteComment(w, BAD_CAST " flow-completion: completed "
                              "flows only (flows-completed); lost and "
                              "running flows have no completion time ");
    write_hist__(w, "flow-completion", ts.fct, ts.fct->n);
    xmlTextWriterEndElement(w);

    write_overlay__(w, sim);
    nvo_results_write_ctrl(w, sim);
    write_links__(w, sim, dur);
    struct nvo_balance leaf, spine;
    write_ecmp__(w, sim, &leaf, &spine);
    write_memory__(w, net);

    xmlTextWriterEndElement(w);
    xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);

    int err = write_file__(sim->out_dir, "results.xml",
                           (const char *) xmlBufferContent(buf),
                           (size_t) xmlBufferLength(buf), error);
    xmlBufferFree(buf);
    if (err) {
        return err;
    }
    if (sim->series) {
        err = nvo_series_write(sim->series, sim->out_dir, error);
        if (err) {
            return err;
        }
    }
    if (sim->cfg->output.flows) {
        err = nvo_flows_csv_write(sim, sim->out_dir, error);
        if (err) {
            return err;
        }
    }

    /* Detach the trace and captures from the ports before closing them,
     * so that running on afterwards (tests do) records nothing. */
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        struct nvo_node *n = nvo_net_node(net, i);
        for (uint32_t p = 0; p < n->n_ports; p++) {
            if (sim->trace) {
                nvo_trace_detach(sim->trace, &n->ports[p]);
            }
            for (guint c = 0; c < sim->pcaps->len; c++) {
                nvo_pcap_out_detach(g_ptr_array_index(sim->pcaps, c),
                                    &n->ports[p]);
            }
        }
    }
    if (sim->trace) {
        err = nvo_trace_close(sim->trace);
        sim->trace = NULL;
        if (err) {
            g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED,
                        "%s/trace.txt: %s", sim->out_dir, g_strerror(err));
            return err;
        }
    }
    while (sim->pcaps->len) {
        struct nvo_pcap_out *pc = g_ptr_array_steal_index(sim->pcaps, 0);
        char msg[512];
        err = nvo_pcap_out_close(pc, msg, sizeof msg);
        if (err) {
            g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED, "%s", msg);
            return err;
        }
    }
    char *mrt_path;
    err = nvo_sim_ctrl_write_files(sim->ctrl, sim->out_dir, &mrt_path);
    if (err) {
        g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED, "%s: %s",
                    mrt_path, g_strerror(err));
        g_free(mrt_path);
        return err;
    }
    /* summary.csv comes last, and only for a run that kept its books: a
     * sweep counts a run with a summary.csv as complete. */
    if (!sim->conserved) {
        return 0;
    }
    char *head = nvo_sim_summary_header();
    char *row = nvo_sim_summary_row(sim);
    char *csv = g_strconcat(head, "\n", row, "\n", NULL);
    err = write_file__(sim->out_dir, "summary.csv", csv, strlen(csv), error);
    g_free(head);
    g_free(row);
    g_free(csv);
    return err;
}
