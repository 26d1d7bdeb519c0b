/* results_ctrl.c: the control plane's part of a run's results: the
 * <control> element of results.xml (totals, each BGP or LDP speaker, the
 * convergence timeline) and its summary.csv cells (docs/outputs.md). */
#include "run/results_ctrl.h"

#include <string.h>

#include "ctrl/bgp_speaker.h"
#include "ctrl/evpn.h"
#include "ctrl/ldp_speaker.h"
#include "ctrl/vpls.h"
#include "ctrl/vpls_bgp.h"
#include "run/frame_fate.h"
#include "run/results_xml.h"
#include "run/sim_ctrl.h"
#include "wire/bgp_nlri.h"


static const char *const bgp_type__[NVO_BGP_N_TYPES] = {
    NULL, "open", "update", "notification", "keepalive", "route-refresh",
};

static void
write_bgp__(xmlTextWriterPtr w, const struct nvo_sim_ctrl *c, uint32_t i)
{
    bool rr;
    const struct nvo_bgp_speaker *s = nvo_sim_ctrl_bgp(c, i, &rr);
    const struct nvo_bgp_counters *k = nvo_bgp_speaker_counters(s);
    xmlTextWriterStartElement(w, BAD_CAST "bgp-speaker");
    attr_s__(w, "node", nvo_bgp_speaker_node(s)->name);
    attr_s__(w, "role", rr ? "reflector" : "pe");
    attr_u64__(w, "sessions", nvo_bgp_speaker_n_established(s));
    attr_u64__(w, "sessions-lost", k->sessions_lost);
    for (int t = 1; t < NVO_BGP_N_TYPES; t++) {
        char name[64];
        g_snprintf(name, sizeof name, "%s-sent", bgp_type__[t]);
        attr_u64__(w, name, k->msgs_out[t]);
        g_snprintf(name, sizeof name, "%s-received", bgp_type__[t]);
        attr_u64__(w, name, k->msgs_in[t]);
        g_snprintf(name, sizeof name, "%s-bytes-sent", bgp_type__[t]);
        attr_u64__(w, name, k->bytes_out[t]);
        g_snprintf(name, sizeof name, "%s-bytes-received", bgp_type__[t]);
        attr_u64__(w, name, k->bytes_in[t]);
    }
    attr_u64__(w, "bytes-sent", nvo_bgp_counters_bytes_out(k));
    uint64_t in = 0;
    for (int t = 1; t < NVO_BGP_N_TYPES; t++) {
        in += k->bytes_in[t];
    }
    attr_u64__(w, "bytes-received", in);
    attr_u64__(w, "routes-announced", k->routes_announced_out);
    attr_u64__(w, "routes-withdrawn", k->routes_withdrawn_out);
    attr_u64__(w, "routes-received", k->routes_announced_in);
    attr_u64__(w, "withdrawals-received", k->routes_withdrawn_in);
    attr_u64__(w, "loc-rib", nvo_bgp_speaker_loc_rib_size(s));
    attr_u64__(w, "evpn-routes",
               nvo_bgp_speaker_n_routes(s, NVO_BGP_AFI_L2VPN,
                                        NVO_BGP_SAFI_EVPN));
    attr_u64__(w, "vpls-routes",
               nvo_bgp_speaker_n_routes(s, NVO_BGP_AFI_L2VPN,
                                        NVO_BGP_SAFI_VPLS));
    attr_u64__(w, "rt-filtered", k->routes_rt_filtered);
    attr_u64__(w, "adj-rib-in", nvo_bgp_speaker_adj_in_size(s));
    attr_u64__(w, "adj-rib-out", nvo_bgp_speaker_adj_out_size(s));
    attr_u64__(w, "attribute-sets", nvo_bgp_speaker_n_attr_sets(s));
    attr_u64__(w, "rib-bytes", nvo_bgp_speaker_mem_bytes(s));
    attr_f__(w, "rib-bytes-per-route",
             nvo_bgp_speaker_loc_rib_size(s)
             ? nvo_bgp_speaker_mem_per_route(s) : NAN);
    nvo_time_t last = nvo_bgp_speaker_last_change(s);
    attr_time__(w, "last-change-us", last >= 0 ? (double) last : NAN);
    const struct nvo_evpn *ev = nvo_sim_ctrl_evpn(c, i);
    if (ev) {
        const struct nvo_evpn_counters *e = nvo_evpn_counters(ev);
        attr_u64__(w, "type2-advertised", e->type2_advertised);
        attr_u64__(w, "type3-advertised", e->type3_advertised);
        attr_u64__(w, "type2-withdrawn", e->type2_withdrawn);
        attr_u64__(w, "type2-received", e->type2_received);
        attr_u64__(w, "type3-received", e->type3_received);
        attr_u64__(w, "not-imported", e->not_imported);
        attr_u64__(w, "remote-macs-installed", e->remote_installed);
        attr_u64__(w, "mac-moves", e->moves);
        attr_u64__(w, "duplicate-alarms", e->dup_alarms);
        attr_u64__(w, "arp-suppressed", e->arp_suppressed);
        attr_u64__(w, "arp-flooded", e->arp_flooded);
    }
    const struct nvo_vpls_bgp *vb = nvo_sim_ctrl_vpls_bgp(c, i);
    if (vb) {
        const struct nvo_vpls_bgp_counters *v = nvo_vpls_bgp_counters(vb);
        attr_u64__(w, "nlri-advertised", v->nlri_advertised);
        attr_u64__(w, "nlri-received", v->nlri_received);
        attr_u64__(w, "nlri-refused", v->refused);
        attr_u64__(w, "label-blocks", v->label_blocks);
        attr_u64__(w, "labels-allocated", v->labels_allocated);
        attr_u64__(w, "pseudowire-directions-up", v->pws_up);
        attr_u64__(w, "macs-flushed", v->macs_flushed);
    }
    xmlTextWriterEndElement(w);
}

static void
write_ldp__(xmlTextWriterPtr w, const struct nvo_sim_ctrl *c, uint32_t i)
{
    const struct nvo_vpls *v = nvo_sim_ctrl_vpls(c, i);
    const struct nvo_ldp_speaker *s = nvo_sim_ctrl_ldp(c, i);
    const struct nvo_ldp_counters *k = nvo_ldp_speaker_counters(s);
    const struct nvo_vpls_counters *vc = nvo_vpls_counters(v);
    xmlTextWriterStartElement(w, BAD_CAST "ldp-speaker");
    attr_s__(w, "node", nvo_ldp_speaker_node(s)->name);
    attr_u64__(w, "sessions", nvo_ldp_speaker_n_sessions(s));
    attr_u64__(w, "sessions-lost", k->sessions_down);
    attr_u64__(w, "pdus-sent", k->pdus_out);
    attr_u64__(w, "pdu-bytes-sent", k->pdu_bytes_out);
    attr_u64__(w, "pdus-received", k->pdus_in);
    attr_u64__(w, "pdu-bytes-received", k->pdu_bytes_in);
    for (int m = 0; m < NVO_LDP_K_N; m++) {
        char name[64];
        g_snprintf(name, sizeof name, "%s-sent",
                   nvo_ldp_kind_name((enum nvo_ldp_kind) m));
        attr_u64__(w, name, k->msgs_out[m]);
    }
    attr_u64__(w, "labels-assigned", vc->labels_assigned);
    attr_u64__(w, "pseudowire-directions-up", vc->pws_up);
    attr_u64__(w, "mappings-received", vc->mappings_rcvd);
    attr_u64__(w, "mappings-refused", vc->mappings_refused);
    attr_u64__(w, "macs-flushed", vc->macs_flushed);
    attr_u64__(w, "mac-withdraws-received", vc->mac_withdraws_rcvd);
    attr_u64__(w, "mac-withdraws-relayed", vc->mac_withdraws_relayed);
    attr_u64__(w, "spoke-pseudowires", nvo_vpls_n_spoke_pws(v));
    xmlTextWriterEndElement(w);
}

/* An event's flow frames and their fates (run/frame_fate.h). */
static void
write_fate__(xmlTextWriterPtr w, const struct nvo_frame_fate_counts *k)
{
    attr_u64__(w, "frames-sent", k->sent);
    attr_u64__(w, "frames-delivered", k->delivered);
    attr_u64__(w, "frames-lost", nvo_frame_fate_lost(k));
    for (int i = 0; i < NVO_FATE_LOST_N; i++) {
        char name[64];
        g_snprintf(name, sizeof name, "frames-lost-%s",
                   nvo_fate_loss_name((enum nvo_fate_loss) i));
        attr_u64__(w, name, k->lost[i]);
    }
    attr_u64__(w, "frames-lost-forwarding", nvo_frame_fate_lost_forwarding(k));
    attr_u64__(w, "frames-misdelivered", k->misdelivered);
    attr_u64__(w, "frames-flooded", k->flooded);
    attr_u64__(w, "frames-in-flight", nvo_frame_fate_in_flight(k));
    attr_u64__(w, "copies-wrong-vm", k->wrong_vm);
}

void
nvo_results_write_ctrl(xmlTextWriterPtr w, const struct nvo_sim *sim)
{
    const struct nvo_sim_ctrl *c = sim->ctrl;
    if (!c) {
        return;
    }
    struct nvo_sim_ctrl_totals t;
    nvo_sim_ctrl_totals(c, &t);
    xmlTextWriterStartElement(w, BAD_CAST "control");
    attr_s__(w, "plane", nvo_control_name(t.control));
    if (t.control != NVO_CONTROL_VPLS_LDP) {
        attr_u64__(w, "reflectors", t.n_rr);
        attr_u64__(w, "bgp-sessions", t.bgp_sessions);
        attr_u64__(w, "bgp-messages", t.bgp_messages);
        attr_u64__(w, "bgp-bytes", t.bgp_bytes);
        attr_u64__(w, "bgp-updates", t.bgp_updates);
    }
    if (t.control == NVO_CONTROL_EVPN) {
        attr_u64__(w, "type2-routes", t.evpn_type2);
        attr_u64__(w, "type3-routes", t.evpn_type3);
    } else if (t.control == NVO_CONTROL_VPLS_BGP) {
        attr_u64__(w, "vpls-nlri", t.vpls_nlri);
    }
    if (t.control != NVO_CONTROL_VPLS_LDP) {
        attr_u64__(w, "rib-entries-max", t.rib_max);
        if (t.n_rr) {
            attr_u64__(w, "rr-rib-entries", t.rr_rib_max);
        }
    }
    if (t.control == NVO_CONTROL_EVPN) {
        attr_u64__(w, "arp-suppressed", t.arp_suppressed);
    }
    if (t.control != NVO_CONTROL_VPLS_LDP) {
        attr_u64__(w, "rt-filtered", t.rt_filtered);
    }
    if (t.control == NVO_CONTROL_VPLS_LDP) {
        attr_u64__(w, "ldp-sessions", t.ldp_sessions);
        attr_u64__(w, "ldp-messages", t.ldp_messages);
        attr_u64__(w, "ldp-bytes", t.ldp_bytes);
    }
    if (t.control != NVO_CONTROL_EVPN) {
        attr_u64__(w, "pseudowires", t.pseudowires);
    }
    attr_u64__(w, "control-link-bytes", t.control_link_bytes);
    attr_time__(w, "convergence-max-us",
                t.n_converged && !t.pending ? (double) t.convergence_max
                                            : NAN);
    attr_u64__(w, "unsettled-connections", t.pending);
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_bgp(c); i++) {
        write_bgp__(w, c, i);
    }
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_vpls(c); i++) {
        write_ldp__(w, c, i);
    }
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_events(c); i++) {
        const char *kind;
        uint32_t move;
        nvo_time_t at, last;
        nvo_sim_ctrl_event(c, i, &kind, &move, &at, &last);
        xmlTextWriterStartElement(w, BAD_CAST "event");
        attr_s__(w, "kind", kind);
        if (!strcmp(kind, "move")) {
            attr_u64__(w, "move", move + 1);
        } else if (strcmp(kind, "start")) {
            attr_u64__(w, "event", move + 1);
        }
        attr_time__(w, "at-us", (double) at);
        attr_time__(w, "last-change-us", last >= 0 ? (double) last : NAN);
        attr_time__(w, "convergence-us",
                    last >= 0 ? (double) (last - at) : NAN);
        write_fate__(w, nvo_frame_fate_event(sim->fate, i));
        xmlTextWriterEndElement(w);
    }
    xmlTextWriterEndElement(w);
}

const char *
nvo_results_ctrl_csv_header(void)
{
    return "control_plane,bgp_sessions,bgp_messages,bgp_bytes,bgp_updates,"
           "evpn_type2_routes,evpn_type3_routes,rib_entries_max,"
           "rr_rib_entries,ldp_sessions,ldp_messages,ldp_bytes,pseudowires,"
           "control_link_bytes,convergence_max_ms,frames_lost_convergence,"
           "arp_suppressed";
}

static void
cell__(GString *s, bool present, uint64_t v)
{
    if (present) {
        g_string_append_printf(s, ",%" PRIu64, v);
    } else {
        g_string_append_c(s, ',');
    }
}

void
nvo_results_ctrl_csv(GString *s, const struct nvo_sim *sim)
{
    struct nvo_sim_ctrl_totals t;
    nvo_sim_ctrl_totals(sim->ctrl, &t);
    bool ov = sim->overlay != NULL;
    bool evpn = t.control == NVO_CONTROL_EVPN && sim->ctrl;
    bool vpls = t.control == NVO_CONTROL_VPLS_LDP && sim->ctrl;
    bool bgp = (evpn || t.control == NVO_CONTROL_VPLS_BGP) && sim->ctrl;
    bool pws = (vpls || t.control == NVO_CONTROL_VPLS_BGP) && sim->ctrl;
    g_string_append_printf(s, ",%s", ov ? nvo_control_name(
        sim->ctrl ? t.control : NVO_CONTROL_NONE) : "");
    cell__(s, bgp, t.bgp_sessions);
    cell__(s, bgp, t.bgp_messages);
    cell__(s, bgp, t.bgp_bytes);
    cell__(s, bgp, t.bgp_updates);
    cell__(s, evpn, t.evpn_type2);
    cell__(s, evpn, t.evpn_type3);
    cell__(s, bgp, t.rib_max);
    cell__(s, bgp && t.n_rr, t.rr_rib_max);
    cell__(s, vpls, t.ldp_sessions);
    cell__(s, vpls, t.ldp_messages);
    cell__(s, vpls, t.ldp_bytes);
    cell__(s, pws, t.pseudowires);
    uint64_t ctl = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(sim->net); i++) {
        const struct nvo_node *n = nvo_net_node(sim->net, i);
        for (uint32_t p = 0; p < n->n_ports; p++) {
            ctl += n->ports[p].st.tx_bytes[NVO_TC_CONTROL];
        }
    }
    cell__(s, true, ctl);
    if (sim->ctrl && t.n_converged && !t.pending) {
        g_string_append_printf(s, ",%.6g",
                               (double) t.convergence_max / (double) NVO_MS);
    } else {
        g_string_append_c(s, ',');
    }
    /* The flow frames the control plane's forwarding state lost or
     * misdelivered, summed over its events (run/frame_fate.h,
     * docs/outputs.md). */
    struct nvo_frame_fate_counts f;
    nvo_frame_fate_sum(sim->fate, &f);
    cell__(s, sim->ctrl != NULL,
           nvo_frame_fate_lost_forwarding(&f) + f.misdelivered);
    cell__(s, evpn, t.arp_suppressed);
}
