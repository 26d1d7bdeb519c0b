/* progress.c: a live progress line for long runs.  See progress.h. */
#include "io/progress.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

double
nvo_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

double
nvo_run_with_progress(struct nvo_engine *e, nvo_time_t end,
                      const char *label, bool show)
{
    const char *env = getenv("NVO_PROGRESS");
    show = show && ((env && !strcmp(env, "1")) || isatty(STDERR_FILENO));
    double t0 = nvo_wall_seconds();
    nvo_time_t start = nvo_engine_now(e);
    nvo_time_t slice = (end - start) / 1000;
    if (slice < NVO_NS) {
        slice = NVO_NS;
    }
    double last_print = t0;
    uint64_t ev0 = e->n_executed;
    bool printed = false;
    while (nvo_engine_now(e) < end && nvo_engine_n_pending(e) > 0) {
        nvo_time_t until = nvo_engine_now(e) + slice;
        nvo_engine_run(e, until < end && until > 0 ? until : end);
        double now = nvo_wall_seconds();
        if (show && now - last_print >= 0.5) {
            double frac = (double) (nvo_engine_now(e) - start)
                          / (double) (end - start);
            double rate = (double) (e->n_executed - ev0) / (now - t0);
            double eta = frac > 0 ? (now - t0) * (1 - frac) / frac : 0;
            char ts[NVO_TIME_STRLEN], te[NVO_TIME_STRLEN];
            fprintf(stderr, "\r%s: sim %s / %s (%.0f%%), %.2f M events/s, "
                    "ETA %.0f s   ", label,
                    nvo_time_format(nvo_engine_now(e), ts, sizeof ts),
                    nvo_time_format(end, te, sizeof te), 100 * frac,
                    rate / 1e6, eta);
            last_print = now;
            printed = true;
        }
    }
    if (printed) {
        fprintf(stderr, "\r%*s\r", 79, "");
    }
    return nvo_wall_seconds() - t0;
}
