/* progress.h: runs an engine to a simulated end time while showing a live
 * progress line on stderr (simulated time, events per second, ETA).  The
 * run is cut into slices with nvo_engine_run(until), which adds no events,
 * so the progress display never changes a run's results. */
#ifndef NVO_PROGRESS_H
#define NVO_PROGRESS_H

#include <stdbool.h>

#include "core/engine.h"

/* Runs 'e' until 'end' or until nothing is left to do.  Shows the line only
 * if 'show' and stderr is a terminal (or NVO_PROGRESS=1 is set).  Returns
 * the wall-clock seconds the run took. */
double nvo_run_with_progress(struct nvo_engine *e, nvo_time_t end,
                             const char *label, bool show);

/* Seconds on the monotonic clock. */
double nvo_wall_seconds(void);

#endif
