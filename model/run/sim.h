/* sim.h: one run of a scenario: build the network from a loaded scenario,
 * run it on an engine, check conservation, and write the results.
 *
 * Build: the topology's nodes and links become the underlay network
 * (net.h), each <flows> becomes traffic (traffic.h), each timed event is
 * scheduled, and the chosen ports get pcap captures and, if asked, every
 * port the ASCII trace.  Run: the engine runs to the scenario's duration;
 * with <run drain="true">, no flow starts after it, timed events after it
 * do not run, and the run goes on until the network is empty (no event
 * left) or drain-limit more time has passed.  Then every frame generated
 * must be delivered, dropped (by reason) or still in the network, and
 * every flow started completed, lost or still running; anything else is
 * an error.  Results: results.xml and summary.csv in the output
 * directory, written to temporary names and renamed (docs/outputs.md). */
#ifndef NVO_SIM_H
#define NVO_SIM_H

#include <glib.h>

#include "io/config.h"
#include "core/engine.h"
#include "fabric/net.h"
#include "traffic/traffic.h"

struct nvo_frame_fate;

struct nvo_sim {
    const struct nvo_scenario_cfg *cfg;     /* not owned */
    const char *engine_name;
    struct nvo_engine *engine;
    struct nvo_net *net;
    struct nvo_traffic *traffic;
    struct nvo_sim_overlay *overlay;    /* NULL without <overlay> */
    struct nvo_sim_ctrl *ctrl;          /* NULL without a control plane */
    struct nvo_frame_fate *fate;        /* with one: the flow frames'
                                         * fates per event */
    struct nvo_traffic_cfg *tcfgs;
    char **tnames;
    struct nvo_trace *trace;
    GPtrArray *pcaps;           /* struct nvo_pcap_out * */
    char *out_dir;
    GPtrArray *files;           /* char *: every file the run writes (if
                                 * it gets that far), results.xml first */
    struct ev_ctx *ev_ctx;      /* one per timed event */
    struct nvo_series *series;  /* <output series>; NULL: off */

    double wall_seconds;
    uint64_t n_events_at_start;
    bool ran;
    bool conserved;             /* frames and flows */
    uint64_t generated, delivered, dropped, in_flight;
    uint64_t flows_started, flows_completed, flows_running, flows_lost;
    uint64_t flows_unaccounted; /* see struct nvo_traffic_stats */
    bool drain_limit_hit;       /* the drain stopped at drain-limit */
    GPtrArray *warnings;        /* struct nvo_sim_warning *, in order */
};

/* Something a run's numbers cannot show, or a setting that has no effect:
 * said once on stderr and kept in results.xml (<warning>). */
struct nvo_sim_warning {
    char *about;                /* a short tag: "ecmp-fields", "no-traffic" */
    char *text;                 /* one or two sentences, no newline */
};

/* Builds a run of 'cfg' on engine 'engine' (NULL: the scenario's), writing
 * into 'out_dir' (NULL: the scenario's output directory), which is
 * created.  Returns NULL with 'error' set (NVO_CONFIG_ERROR) if the
 * network cannot be built or an output cannot be opened. */
struct nvo_sim *nvo_sim_create(const struct nvo_scenario_cfg *cfg,
                               const char *engine, const char *out_dir,
                               GError **error);

/* Runs to the scenario's duration, then drains if the scenario says so;
 * 'progress' shows a live line on a terminal.  Then checks conservation.
 * Returns 0, or EPROTO if frames or flows were lost without being
 * counted. */
int nvo_sim_run(struct nvo_sim *, bool progress);

/* Writes results.xml, closes the trace and pcaps, and last, only if the
 * conservation check passed, writes summary.csv (so a summary.csv marks a
 * complete, good run).  Returns 0 or an errno with 'error' set. */
int nvo_sim_write_results(struct nvo_sim *, GError **error);

/* Records a warning with tag 'about' (see struct nvo_sim_warning) and
 * prints it to stderr as "nvosim: warning: SCENARIO: TEXT".  A warning
 * with the same tag and text as an earlier one is neither kept nor
 * printed again.  nvo_sim_create() warns about ECMP fields the traffic
 * does not carry; nvo_sim_run() about a run that generated no frames. */
void nvo_sim_warn(struct nvo_sim *, const char *about, const char *fmt, ...)
    NVO_PRINTF(3, 4);

/* Frees everything; removes unfinished trace and pcap files.  Accepts
 * NULL. */
void nvo_sim_destroy(struct nvo_sim *);

/* summary.csv: its header line and its one row (without newlines),
 * each a new string for the caller to free. */
char *nvo_sim_summary_header(void);
char *nvo_sim_summary_row(const struct nvo_sim *);
/* The row without its first column (the scenario name): plain fields,
 * none of which contains a comma. */
char *nvo_sim_summary_values(const struct nvo_sim *);

#endif
