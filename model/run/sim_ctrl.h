/* sim_ctrl.h: a scenario run's overlay control plane
 * (<overlay control="evpn|vpls-ldp">, docs/control-planes.md): the TCP
 * stacks, BGP speakers, route reflectors and EVPN instances, or the LDP
 * speakers and VPLS instances, built on the run's PEs and wired together;
 * their totals for results.xml and summary.csv, and the convergence
 * timeline (per control event: the run's start and each VM move, the time
 * until the last control-plane change it caused). */
#ifndef NVO_RUN_SIM_CTRL_H
#define NVO_RUN_SIM_CTRL_H

#include <glib.h>

#include "io/config.h"
#include "run/sim_overlay.h"

struct nvo_sim_ctrl;
struct nvo_bgp_speaker;
struct nvo_ldp_speaker;
struct nvo_evpn;
struct nvo_vpls;
struct nvo_vpls_bgp;

/* Builds the control plane of 'cfg' on overlay 'o' (after
 * nvo_net_finalize()).  NULL without one (control="none": *error stays
 * NULL), or NULL with *error set. */
struct nvo_sim_ctrl *nvo_sim_ctrl_create(const struct nvo_scenario_cfg *cfg,
                                         struct nvo_sim_overlay *o,
                                         GError **error);

/* Starts it (at the run's start, after nvo_net_start()): sessions open,
 * EVPN originates its routes, VPLS sends its Hellos. */
void nvo_sim_ctrl_start(struct nvo_sim_ctrl *);

/* Writes what the run asked for into 'dir' (MRT files: NODE.mrt, whole
 * or not at all).  Returns 0 or an errno, with the file in *path (free
 * it). */
int nvo_sim_ctrl_write_files(const struct nvo_sim_ctrl *, const char *dir,
                             char **path);

void nvo_sim_ctrl_destroy(struct nvo_sim_ctrl *);   /* accepts NULL */

/* Totals over every speaker (summary.csv, docs/outputs.md). */
struct nvo_sim_ctrl_totals {
    enum nvo_control control;
    /* BGP (control="evpn" or "vpls-bgp"). */
    uint64_t bgp_sessions;      /* sessions Established at the end */
    uint64_t bgp_messages, bgp_bytes, bgp_updates;  /* sent */
    uint64_t evpn_type2, evpn_type3;    /* advertisements made */
    uint64_t rib_max;           /* largest EVPN (or BGP VPLS) Loc-RIB at
                                 * a PE */
    uint64_t rr_rib_max;        /* ... at a reflector */
    uint64_t rt_filtered;       /* routes RT-constrain kept from peers */
    uint32_t n_rr;              /* reflectors (0: a full mesh) */
    uint64_t arp_suppressed;
    /* LDP (control="vpls-ldp"). */
    uint64_t ldp_sessions;      /* OPERATIONAL at the end */
    uint64_t ldp_messages, ldp_bytes;   /* sent: messages; PDU bytes */
    uint64_t pseudowires;       /* pseudowire directions up / 2 (both
                                 * VPLS planes) */
    uint64_t ldp_pw_dirs;
    uint64_t vpls_nlri;         /* vpls-bgp: NLRI advertisements made */
    /* Both. */
    uint64_t control_link_bytes;    /* control-class bytes over all links */
    uint64_t tcp_segs;          /* TCP segments sent by every stack, all
                                 * kinds (SYN, data, pure ACK, FIN, RST) */
    uint64_t tcp_data_segs;     /* ... those carrying data */
    /* Convergence: the largest over the events that caused a change,
     * and how many did. */
    nvo_time_t convergence_max;
    uint32_t n_converged;
    /* TCP connections with work left at the end (unacknowledged or
     * unsent bytes, a handshake): the run ended before the control plane
     * settled, so no convergence time is claimed. */
    uint32_t pending;
};

void nvo_sim_ctrl_totals(const struct nvo_sim_ctrl *,
                         struct nvo_sim_ctrl_totals *);

/* ---- Per speaker and per event (results.xml) ---------------------------- */

uint32_t nvo_sim_ctrl_n_bgp(const struct nvo_sim_ctrl *);
/* Speaker i (PEs in node order, then the reflectors); *is_rr. */
const struct nvo_bgp_speaker *nvo_sim_ctrl_bgp(const struct nvo_sim_ctrl *,
                                               uint32_t i, bool *is_rr);
/* The EVPN (control="evpn") or BGP VPLS ("vpls-bgp") of speaker i (NULL
 * for a reflector or the other plane). */
const struct nvo_evpn *nvo_sim_ctrl_evpn(const struct nvo_sim_ctrl *,
                                         uint32_t i);
const struct nvo_vpls_bgp *nvo_sim_ctrl_vpls_bgp(const struct nvo_sim_ctrl *,
                                                 uint32_t i);
uint32_t nvo_sim_ctrl_n_vpls(const struct nvo_sim_ctrl *);
const struct nvo_vpls *nvo_sim_ctrl_vpls(const struct nvo_sim_ctrl *,
                                         uint32_t i);
/* The LDP speaker of VPLS i. */
const struct nvo_ldp_speaker *nvo_sim_ctrl_ldp(const struct nvo_sim_ctrl *,
                                               uint32_t i);

/* Control events in time order: the run's start (kind "start"), each VM
 * move ("move", *index its <move>'s), each topology event ("link-down",
 * "link-up", "node-down", "node-up", *index its place in <events>), at
 * *at; the last control-plane change they caused at *last (-1: none:
 * before the next event, nothing changed). */
uint32_t nvo_sim_ctrl_n_events(const struct nvo_sim_ctrl *);
void nvo_sim_ctrl_event(const struct nvo_sim_ctrl *, uint32_t i,
                        const char **kind, uint32_t *index, nvo_time_t *at,
                        nvo_time_t *last);

/* The event a thing that happened at time 't' is charged to: the latest
 * at or before 't' (0, the start, for anything before the first other
 * event).  A control-plane change is charged so, and so is a VM's frame
 * by its creation time (run/frame_fate.h). */
uint32_t nvo_sim_ctrl_event_at(const struct nvo_sim_ctrl *, nvo_time_t t);

#endif /* NVO_RUN_SIM_CTRL_H */
