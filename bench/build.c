/* build.c: a scenario file built for a benchmark as "nvosim run" builds
 * it (the loader, then nvo_sim_create() into a temporary output folder),
 * with the CPU time of each half and the peak resident memory after it;
 * and the process CPU clock the benchmarks time with. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "bench.h"
#include "io/config.h"
#include "run/sim.h"

double
nvo_bench_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

int
nvo_bench_build_scenario(const char *what, const char *path,
                         struct nvo_bench_build *b)
{
    memset(b, 0, sizeof *b);
    b->dir = g_dir_make_tmp("nvosim-bench-out-XXXXXX", NULL);
    if (!b->dir) {
        return EIO;
    }
    double t0 = nvo_bench_cpu_seconds();
    GError *error = NULL;
    b->cfg = nvo_scenario_load(path, NULL, 0, &error);
    double t1 = nvo_bench_cpu_seconds();
    b->sim = b->cfg ? nvo_sim_create(b->cfg, "native", b->dir, &error)
                    : NULL;
    double t2 = nvo_bench_cpu_seconds();
    if (!b->sim) {
        fprintf(stderr, "nvosim bench %s: %s\n", what,
                error ? error->message : "?");
        g_clear_error(&error);
        nvo_bench_build_done(b);
        return EINVAL;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    b->rss_kib = ru.ru_maxrss;
    b->load_s = t1 - t0;
    b->create_s = t2 - t1;
    return 0;
}

void
nvo_bench_build_done(struct nvo_bench_build *b)
{
    nvo_sim_destroy(b->sim);
    nvo_scenario_cfg_destroy(b->cfg);
    if (b->dir) {
        g_rmdir(b->dir);
    }
    g_free(b->dir);
    memset(b, 0, sizeof *b);
}
