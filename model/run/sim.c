/* sim.c: one run of a scenario: build, run, conservation check.
 * Results are written by results.c.  See sim.h. */
#include "run/sim.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>

#include "core/fileio.h"
#include "io/pcap_out.h"
#include "io/progress.h"
#include "io/trace.h"
#include "ctrl/bgp_speaker.h"
#include "run/frame_fate.h"
#include "run/sim_ctrl.h"
#include "run/sim_overlay.h"
#include "run/series.h"

static void
warning_free__(gpointer w_)
{
    struct nvo_sim_warning *w = w_;
    g_free(w->about);
    g_free(w->text);
    g_free(w);
}

void
nvo_sim_warn(struct nvo_sim *sim, const char *about, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    for (guint i = 0; i < sim->warnings->len; i++) {
        const struct nvo_sim_warning *w = g_ptr_array_index(sim->warnings, i);
        if (!strcmp(w->about, about) && !strcmp(w->text, text)) {
            g_free(text);
            return;
        }
    }
    struct nvo_sim_warning *w = g_new(struct nvo_sim_warning, 1);
    w->about = g_strdup(about);
    w->text = text;
    g_ptr_array_add(sim->warnings, w);
    fprintf(stderr, "nvosim: warning: %s: %s\n", sim->cfg->name, text);
}

struct ev_ctx {
    struct nvo_sim *sim;
    const struct nvo_topo_event_cfg *ev;
    nvo_event_id id;
};

static void
run_event__(void *ctx_)
{
    struct ev_ctx *c = ctx_;
    struct nvo_net *net = c->sim->net;
    switch (c->ev->kind) {
    case NVO_EV_LINK_DOWN:
        nvo_net_set_link_up(net, c->ev->link, false);
        break;
    case NVO_EV_LINK_UP:
        nvo_net_set_link_up(net, c->ev->link, true);
        break;
    case NVO_EV_NODE_DOWN:
        nvo_net_set_node_up(net, c->ev->node, false);
        break;
    case NVO_EV_NODE_UP:
        nvo_net_set_node_up(net, c->ev->node, true);
        break;
    }
}

static uint32_t
fabric_seed__(const struct nvo_scenario_cfg *cfg)
{
    struct nvo_rng r;
    nvo_rng_init(&r, cfg->seed, cfg->run, "fabric/ecmp-seed");
    return (uint32_t) nvo_rng_next(&r);
}

static bool
build_traffic__(struct nvo_sim *sim, GError **error)
{
    const struct nvo_scenario_cfg *cfg = sim->cfg;
    sim->tcfgs = g_new0(struct nvo_traffic_cfg, cfg->n_flows ? cfg->n_flows : 1);
    sim->tnames = g_new0(char *, cfg->n_flows + 1);
    for (size_t i = 0; i < cfg->n_flows; i++) {
        const struct nvo_flows_cfg *f = &cfg->flows[i];
        struct nvo_traffic_cfg *t = &sim->tcfgs[i];
        sim->tnames[i] = g_strdup_printf("flows%zu", i + 1);
        t->name = sim->tnames[i];
        t->pattern = f->pattern;
        t->incast_target = f->pattern == NVO_PATTERN_INCAST
                           ? (int) f->target : -1;
        t->incast_senders = f->fan_in;
        t->size_dist = f->size_dist;
        t->size_bytes = f->size_dist == NVO_SIZE_FIXED
                        ? (double) f->size_fixed : f->size_mean;
        t->cdf = f->size_dist == NVO_SIZE_CDF ? &f->cdf : NULL;
        t->flows_per_sec = f->arrival == NVO_ARRIVAL_RATE ? f->rate : 0;
        t->load = f->arrival == NVO_ARRIVAL_LOAD ? f->load : 0;
        t->pkt_dist = f->pkt_mode == NVO_PKT_IMIX ? NVO_PKTSIZE_IMIX
                                                  : NVO_PKTSIZE_FIXED;
        t->pkt_size = f->pkt_size;
        t->proto = f->proto;
        t->sport = f->src_port;
        t->dport = f->dst_port;
        t->start = f->start;
        t->stop = f->stop;
    }
    if (sim->overlay) {
        struct nvo_traffic_vms v;
        nvo_sim_overlay_traffic_vms(sim->overlay, &v);
        sim->traffic = nvo_traffic_create_vms(sim->net, sim->tcfgs,
                                              cfg->n_flows, &v);
        sim->overlay->traffic = sim->traffic;
    } else {
        sim->traffic = nvo_traffic_create(sim->net, sim->tcfgs, cfg->n_flows);
    }
    if (!sim->traffic) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s: traffic needs at least two hypervisors, and an "
                    "incast target that is a hypervisor", cfg->path);
        return false;
    }
    return true;
}

/* The ECMP fields the run's frames carry: its traffic is plain UDP or TCP
 * between the hypervisors' underlay addresses (traffic.h), without a GRE
 * key, an MPLS label stack or encapsulated inner headers. */
#define SIM_TRAFFIC_ECMP_FIELDS NVO_ECMP_5TUPLE

static void
warn_ecmp_fields__(struct nvo_sim *sim)
{
    const struct nvo_underlay_ecmp_cfg *e = &sim->cfg->underlay.ecmp;
    uint32_t absent = e->fields & ~(uint32_t) SIM_TRAFFIC_ECMP_FIELDS;
    uint32_t present = e->fields & SIM_TRAFFIC_ECMP_FIELDS;
    if (!sim->cfg->n_flows || e->fn == NVO_HASH_RANDOM || !absent
        || sim->overlay) {   /* encapsulated frames: a later check */
        return;
    }
    char a[128], b[128];
    nvo_ecmp_fields_format(absent, a, sizeof a);
    nvo_ecmp_fields_format(present, b, sizeof b);
    const char *why = "plain UDP/TCP underlay traffic has no GRE key, MPLS "
                      "entropy label or inner headers";
    if (present) {
        nvo_sim_warn(sim, "ecmp-fields", "the ECMP hash fields %s are not in "
                     "this run's frames (%s): the switches hash %s alone",
                     a, why, b);
    } else {
        nvo_sim_warn(sim, "ecmp-fields", "the ECMP hash fields %s are not in "
                     "this run's frames (%s): the switches hash nothing "
                     "that differs between flows, so all flows hash alike",
                     a, why);
    }
}

static bool
open_outputs__(struct nvo_sim *sim, GError **error)
{
    const struct nvo_scenario_cfg *cfg = sim->cfg;
    int err = nvo_mkdir_p(sim->out_dir);
    if (err) {
        g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED,
                    "%s: cannot create the output directory: %s",
                    *sim->out_dir ? sim->out_dir : "\"\"", g_strerror(err));
        return false;
    }
    if (cfg->output.trace) {
        char *path = g_build_filename(sim->out_dir, "trace.txt", NULL);
        err = nvo_trace_open(path, &sim->trace);
        if (err) {
            g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED,
                        "%s: %s", path, g_strerror(err));
            g_free(path);
            return false;
        }
        g_ptr_array_add(sim->files, path);
        for (uint32_t i = 0; i < nvo_net_n_nodes(sim->net); i++) {
            struct nvo_node *n = nvo_net_node(sim->net, i);
            for (uint32_t p = 0; p < n->n_ports; p++) {
                nvo_trace_attach(sim->trace, &n->ports[p]);
            }
        }
    }
    GHashTable *captured = g_hash_table_new(NULL, NULL);  /* ports */
    for (size_t i = 0; i < cfg->output.n_captures; i++) {
        const struct nvo_capture_cfg *c = &cfg->output.captures[i];
        struct nvo_node *n = nvo_net_node(sim->net, c->node);
        uint32_t first = c->port ? c->port - 1 : 0;
        uint32_t last = c->port ? c->port - 1 : n->n_ports - 1;
        for (uint32_t p = first; p <= last && p < n->n_ports; p++) {
            if (g_hash_table_contains(captured, &n->ports[p])) {
                continue;       /* asked for twice */
            }
            g_hash_table_add(captured, &n->ports[p]);
            char *base = g_strdup_printf("%s-%u.pcap", n->name, p + 1);
            char *path = g_build_filename(sim->out_dir, base, NULL);
            char msg[512];
            struct nvo_pcap_out *pc;
            err = nvo_pcap_out_open(path, NVO_PCAP_SNAPLEN_HEADERS, &pc, msg,
                                    sizeof msg);
            g_free(base);
            if (err) {
                g_free(path);
                g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED,
                            "%s", msg);
                g_hash_table_destroy(captured);
                return false;
            }
            g_ptr_array_add(sim->files, path);
            g_ptr_array_add(sim->pcaps, pc);
            nvo_pcap_out_attach(pc, &n->ports[p]);
        }
    }
    g_hash_table_destroy(captured);
    return true;
}

struct nvo_sim *
nvo_sim_create(const struct nvo_scenario_cfg *cfg, const char *engine,
               const char *out_dir, GError **error)
{
    struct nvo_sim *sim = g_new0(struct nvo_sim, 1);
    sim->cfg = cfg;
    sim->engine_name = engine ? engine : cfg->engine;
    sim->out_dir = g_strdup(out_dir ? out_dir : cfg->output.dir);
    sim->pcaps = g_ptr_array_new();
    sim->warnings = g_ptr_array_new_with_free_func(warning_free__);
    sim->files = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(sim->files, g_build_filename(sim->out_dir, "results.xml",
                                                 NULL));
    g_ptr_array_add(sim->files, g_build_filename(sim->out_dir, "summary.csv",
                                                 NULL));
    const struct nvo_topo_cfg *topo = cfg->topo;

    int err = nvo_engine_create(sim->engine_name, cfg->scheduler,
                                &sim->engine);
    if (err) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "cannot create the %s engine%s%s: %s (engines built in: "
                    "%s)", sim->engine_name,
                    cfg->scheduler ? " with scheduler " : "",
                    cfg->scheduler ? cfg->scheduler : "",
                    err == ENOENT ? "unknown engine or scheduler"
                                  : g_strerror(err),
                    nvo_engine_names());
        nvo_sim_destroy(sim);
        return NULL;
    }

    struct nvo_net_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.ipv6 = cfg->underlay.ip == NVO_IP_V6;
    nc.convergence_delay = cfg->underlay.convergence_delay;
    nc.ecmp.fn = cfg->underlay.ecmp.fn;
    nc.ecmp.fields = cfg->underlay.ecmp.fields;
    nc.ecmp.parser_depth = cfg->underlay.ecmp.parser_depth;
    switch (cfg->underlay.ecmp.seed_mode) {
    case NVO_HASH_SEED_PER_SWITCH:
        nc.seed_mode = NVO_SEED_PER_SWITCH;
        break;
    case NVO_HASH_SEED_FIXED:
        nc.seed_mode = NVO_SEED_FABRIC;
        nc.fabric_seed = (uint32_t) cfg->underlay.ecmp.seed;
        break;
    case NVO_HASH_SEED_FABRIC:
        nc.seed_mode = NVO_SEED_FABRIC;
        nc.fabric_seed = fabric_seed__(cfg);
        break;
    }
    nc.seed = cfg->seed;
    nc.run = cfg->run;
    nc.flow_stats = cfg->underlay.flow_stats;
    sim->net = nvo_net_create(sim->engine, &nc);
    if (cfg->overlay.enabled) {
        sim->overlay = nvo_sim_overlay_create(cfg, sim->net, error);
        if (!sim->overlay) {
            nvo_sim_destroy(sim);
            return NULL;
        }
    }
    for (size_t i = 0; !sim->overlay && i < topo->n_nodes; i++) {
        if (nvo_net_add_node(sim->net, topo->nodes[i].name,
                             topo->nodes[i].role) != (int) i) {
            g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                        "%s:%d: cannot add node \"%s\"", topo->path,
                        topo->nodes[i].line, topo->nodes[i].name);
            nvo_sim_destroy(sim);
            return NULL;
        }
    }
    for (size_t i = 0; i < topo->n_links; i++) {
        const struct nvo_topo_link_cfg *l = &topo->links[i];
        err = nvo_net_add_link(sim->net, l->a, l->b, &l->cfg);
        if (err) {
            g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                        "%s:%d: cannot add the link %s - %s: %s", topo->path,
                        l->line, topo->nodes[l->a].name,
                        topo->nodes[l->b].name, g_strerror(err));
            nvo_sim_destroy(sim);
            return NULL;
        }
    }
    if (sim->overlay && !nvo_sim_overlay_populate(sim->overlay, cfg, error)) {
        nvo_sim_destroy(sim);
        return NULL;
    }
    err = nvo_net_finalize(sim->net);
    if (err) {
        g_set_error(error, NVO_CONFIG_ERROR, NVO_CONFIG_ERROR_INVALID,
                    "%s: cannot build the network: %s", topo->path,
                    g_strerror(err));
        nvo_sim_destroy(sim);
        return NULL;
    }
    if (sim->overlay) {
        nvo_sim_overlay_attach_taps(sim->overlay);
    }
    if (sim->overlay) {
        GError *ce = NULL;
        sim->ctrl = nvo_sim_ctrl_create(cfg, sim->overlay, &ce);
        if (ce) {
            g_propagate_error(error, ce);
            nvo_sim_destroy(sim);
            return NULL;
        }
        sim->fate = nvo_frame_fate_create(sim->net, sim->ctrl);
        sim->overlay->fate = sim->fate;
        for (uint32_t i = 0; cfg->overlay.bgp.mrt
                             && i < nvo_sim_ctrl_n_bgp(sim->ctrl); i++) {
            bool rr;
            const struct nvo_node *n = nvo_bgp_speaker_node(
                nvo_sim_ctrl_bgp(sim->ctrl, i, &rr));
            char *base = g_strdup_printf("%s.mrt", n->name);
            g_ptr_array_add(sim->files, g_build_filename(sim->out_dir, base,
                                                         NULL));
            g_free(base);
        }
    }
    if (!build_traffic__(sim, error) || !open_outputs__(sim, error)) {
        nvo_sim_destroy(sim);
        return NULL;
    }
    warn_ecmp_fields__(sim);
    if (cfg->output.series > 0) {
        sim->series = nvo_series_create(sim->engine, sim->net, sim->overlay,
                                        sim->ctrl, cfg->output.series,
                                        cfg->duration);
        g_ptr_array_add(sim->files, g_build_filename(sim->out_dir,
                                                     "series.csv", NULL));
    }
    if (cfg->output.flows) {
        g_ptr_array_add(sim->files, g_build_filename(sim->out_dir,
                                                     "flows.csv", NULL));
    }
    sim->ev_ctx = g_new(struct ev_ctx, cfg->n_events ? cfg->n_events : 1);
    for (size_t i = 0; i < cfg->n_events; i++) {
        struct ev_ctx *c = &sim->ev_ctx[i];
        c->sim = sim;
        c->ev = &cfg->events[i];
        c->id = nvo_engine_schedule_at(sim->engine, cfg->events[i].at,
                                       run_event__, c);
    }
    return sim;
}

static void
warn_no_traffic__(struct nvo_sim *sim)
{
    if (sim->generated) {
        return;
    }
    char t[NVO_TIME_STRLEN];
    nvo_sim_warn(sim, "no-traffic", "no traffic: 0 frames generated in %s "
                 "(%s); rates, latencies, completion times and balance are "
                 "missing", nvo_time_format(nvo_engine_now(sim->engine), t,
                                            sizeof t),
                 sim->cfg->n_flows ? "no flow started before the end"
                                   : "the scenario has no <flows>");
}
#define SIM_DRAIN_STEP (10 * NVO_US)

/* The drain: no more arrivals, no timed event after the duration (as
 * without a drain), then every event left, up to the drain limit. */
static void
drain__(struct nvo_sim *sim)
{
    struct nvo_engine *e = sim->engine;
    const struct nvo_scenario_cfg *cfg = sim->cfg;
    for (size_t i = 0; i < cfg->n_events; i++) {
        nvo_engine_cancel(e, sim->ev_ctx[i].id);
    }
    nvo_time_t now = nvo_engine_now(e);
    nvo_time_t deadline = cfg->drain_limit < NVO_TIME_MAX - now
                          ? now + cfg->drain_limit : NVO_TIME_MAX;
    nvo_traffic_drain(sim->traffic, deadline);
    if (sim->overlay) {
        /* The PEs' MAC aging keeps events pending after the network is
         * empty: the drain looks every SIM_DRAIN_STEP whether it is. */
        for (nvo_time_t t = now; ; ) {
            t = t < deadline - SIM_DRAIN_STEP ? t + SIM_DRAIN_STEP : deadline;
            nvo_engine_run(e, t);
            if (nvo_traffic_deadline_hit(sim->traffic) || t >= deadline
                || (nvo_net_in_flight(sim->net) == 0
                    && nvo_traffic_idle(sim->traffic))) {
                break;
            }
        }
    } else {
        nvo_engine_run(e, NVO_TIME_MAX);
    }
    sim->drain_limit_hit = nvo_traffic_deadline_hit(sim->traffic);
}

int
nvo_sim_run(struct nvo_sim *sim, bool progress)
{
    struct nvo_engine *e = sim->engine;
    sim->n_events_at_start = e->n_executed;
    double t0 = nvo_wall_seconds();
    nvo_net_start(sim->net);
    nvo_sim_ctrl_start(sim->ctrl);
    if (sim->series) {
        nvo_series_start(sim->series);
    }
    nvo_run_with_progress(e, sim->cfg->duration, sim->cfg->name, progress);
    /* Everything due exactly at the end time runs too; then time stops. */
    nvo_engine_run(e, sim->cfg->duration);
    if (sim->cfg->drain) {
        drain__(sim);
    }
    if (sim->series) {
        nvo_series_finish(sim->series);
    }
    nvo_net_stop(sim->net);
    sim->wall_seconds = nvo_wall_seconds() - t0;
    sim->ran = true;

    struct nvo_traffic_stats ts;
    nvo_traffic_get_stats(sim->traffic, &ts);
    sim->generated = sim->net->n_generated;
    /* Every frame a node gave to a handler bound to its protocol or port
     * (the traffic sink's, on hosts, which counts it too). */
    sim->delivered = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(sim->net); i++) {
        sim->delivered += nvo_net_node(sim->net, i)->n_local;
    }
    sim->dropped = nvo_net_drops(sim->net, NULL, NULL);
    sim->in_flight = nvo_net_in_flight(sim->net);
    sim->flows_started = ts.flows_started;
    sim->flows_completed = ts.flows_completed;
    sim->flows_running = ts.flows_running;
    sim->flows_lost = ts.flows_lost;
    sim->flows_unaccounted = ts.flows_unaccounted;
    sim->conserved = sim->generated
                     == sim->delivered + sim->dropped + sim->in_flight
                     && ts.flows_started == ts.flows_completed
                                            + ts.flows_running
                                            + ts.flows_lost
                     && !ts.flows_unaccounted;
    warn_no_traffic__(sim);
    uint64_t over;
    int64_t bad = nvo_frame_fate_check(sim->fate, &over);
    if (bad >= 0) {
        /* A frame ended twice: the per-event books are wrong, and the
         * in-flight count (never negative) would hide it. */
        sim->conserved = false;
        nvo_sim_warn(sim, "frame-fates", "control event %" PRId64 " counts "
                     "%" PRIu64 " more frame ends (delivered, lost, "
                     "misdelivered, flooded) than frames sent: the run's "
                     "frame accounting is wrong", bad + 1, over);
    }
    if (sim->ctrl) {
        struct nvo_sim_ctrl_totals ct;
        nvo_sim_ctrl_totals(sim->ctrl, &ct);
        if (ct.pending) {
            nvo_sim_warn(sim, "control-unsettled", "the control plane had "
                         "not settled at the end: %" PRIu32 " TCP "
                         "connections still had data to send or to have "
                         "acknowledged (a loss waiting for its "
                         "retransmission, or a handshake); no convergence "
                         "time is given: run longer", ct.pending);
        }
    }
    return sim->conserved ? 0 : EPROTO;
}

void
nvo_sim_destroy(struct nvo_sim *sim)
{
    if (!sim) {
        return;
    }
    nvo_trace_abort(sim->trace);
    for (guint i = 0; i < sim->pcaps->len; i++) {
        nvo_pcap_out_discard(g_ptr_array_index(sim->pcaps, i));
    }
    g_ptr_array_free(sim->pcaps, TRUE);
    g_ptr_array_free(sim->warnings, TRUE);
    g_ptr_array_free(sim->files, TRUE);
    nvo_series_destroy(sim->series);
    nvo_traffic_destroy(sim->traffic);
    nvo_frame_fate_destroy(sim->fate);
    nvo_sim_ctrl_destroy(sim->ctrl);
    nvo_net_destroy(sim->net);
    nvo_sim_overlay_destroy(sim->overlay);
    nvo_engine_destroy(sim->engine);
    if (sim->tnames) {
        g_strfreev(sim->tnames);
    }
    g_free(sim->tcfgs);
    g_free(sim->ev_ctx);
    g_free(sim->out_dir);
    g_free(sim);
}
