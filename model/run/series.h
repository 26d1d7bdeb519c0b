/* series.h: a run's time series (series.csv, <output series="INTERVAL">):
 * one engine timer samples, every INTERVAL of simulated time, every link
 * direction's bytes sent by traffic class and its queue depth, every PE's
 * MAC table size, every BGP speaker's Loc-RIB size and messages sent and
 * every LDP speaker's messages sent, into a long-format CSV kept in memory
 * and written whole at the end (docs/outputs.md has the schema).
 *
 * Samples are taken at INTERVAL, 2 INTERVAL, ... strictly before the
 * scenario's duration, and once more at the end of the run (the duration,
 * or the drain's end): that last sample covers what is left, so a
 * metric's intervals sum to the run's total.  Without a drain there are
 * ceil(duration / INTERVAL) samples; none is taken at time 0. */
#ifndef NVO_RUN_SERIES_H
#define NVO_RUN_SERIES_H

#include <glib.h>

#include "core/engine.h"
#include "fabric/net.h"
#include "run/sim_ctrl.h"
#include "run/sim_overlay.h"

struct nvo_series;

/* A series of 'net' (finalized), 'o' (NULL: no PEs) and 'c' (NULL: no
 * control plane) every 'interval' (> 0) up to 'duration'.  None of them
 * is owned; all must outlive it. */
struct nvo_series *nvo_series_create(struct nvo_engine *,
                                     const struct nvo_net *net,
                                     const struct nvo_sim_overlay *o,
                                     const struct nvo_sim_ctrl *c,
                                     nvo_time_t interval,
                                     nvo_time_t duration);

/* Schedules the first sample (at the run's start, time 0). */
void nvo_series_start(struct nvo_series *);

/* Takes the last sample, at the current time, and stops the timer. */
void nvo_series_finish(struct nvo_series *);

/* Samples taken so far. */
uint64_t nvo_series_n_samples(const struct nvo_series *);

/* The CSV so far (header line first), and its length in *len. */
const char *nvo_series_csv(const struct nvo_series *, size_t *len);

/* Writes DIR/series.csv whole or not at all.  Returns 0 or an errno
 * with 'error' set. */
int nvo_series_write(const struct nvo_series *, const char *dir,
                     GError **error);

void nvo_series_destroy(struct nvo_series *);  /* accepts NULL */

#endif /* NVO_RUN_SERIES_H */
