/* report_fabric.h: the run report's drawing of the fabric (report.h):
 * nodes in rows by tier (route reflectors and routers, super-spines,
 * spines, leaves, hypervisors), one line per link direction, coloured by
 * utilization (<svg id="fabric-util">) and by BUM bytes
 * (<svg id="fabric-bum">), each with its legend.  Above
 * NVO_REPORT_AGG_HYPERVISORS hypervisors, the hypervisors whose first
 * up-link goes to one leaf are one box, and their directions to and from
 * each leaf one line each way (mean utilization, summed bytes). */
#ifndef NVO_REPORT_FABRIC_H
#define NVO_REPORT_FABRIC_H

#include <stddef.h>

#include <glib.h>

#include "analysis/report_data.h"

/* Appends both views (and a paragraph saying what was aggregated) to
 * 'out'.  Returns the number of link elements (class "link") in each
 * view: the link directions of results.xml, or fewer when aggregated. */
size_t nvo_rep_fabric(GString *out, const struct nvo_rep_run *r);

#endif
