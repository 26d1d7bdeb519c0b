/* results_ctrl.h: the control plane's part of results.xml and
 * summary.csv (results_ctrl.c, docs/outputs.md). */
#ifndef NVO_RUN_RESULTS_CTRL_H
#define NVO_RUN_RESULTS_CTRL_H

#include <glib.h>
#include <libxml/xmlwriter.h>

#include "run/sim.h"
#include "traffic/traffic.h"

/* <control>: nothing without a control plane. */
void nvo_results_write_ctrl(xmlTextWriterPtr, const struct nvo_sim *);

/* The summary.csv columns (without a leading comma) and a run's cells
 * (each with its leading comma). */
const char *nvo_results_ctrl_csv_header(void);
void nvo_results_ctrl_csv(GString *, const struct nvo_sim *);

#endif /* NVO_RUN_RESULTS_CTRL_H */
