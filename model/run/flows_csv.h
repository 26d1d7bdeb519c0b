/* flows_csv.h: a run's per-flow records (flows.csv, <output
 * flows="true">): one row per flow started, in arrival order, with its
 * endpoints, tenant, size, arrival, completion and packets sent,
 * delivered, in the network and lost (traffic.h's
 * nvo_traffic_flow_records()).  docs/outputs.md has the schema. */
#ifndef NVO_RUN_FLOWS_CSV_H
#define NVO_RUN_FLOWS_CSV_H

#include <glib.h>

#include "run/sim.h"

/* The CSV of 'sim' (run), header line first: a new string (g_free), its
 * length in *len. */
char *nvo_flows_csv(const struct nvo_sim *sim, size_t *len);

/* Writes DIR/flows.csv whole or not at all.  Returns 0 or an errno with
 * 'error' set. */
int nvo_flows_csv_write(const struct nvo_sim *sim, const char *dir,
                        GError **error);

#endif /* NVO_RUN_FLOWS_CSV_H */
