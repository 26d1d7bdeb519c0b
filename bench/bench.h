/* bench.h: entry points of the benchmarks that "nvosim bench" runs.
 * Each takes the arguments after "bench" (argv[0] is the benchmark's name)
 * and returns the process exit status. */
#ifndef NVO_BENCH_H
#define NVO_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fabric/link.h"

struct nvo_net;

int nvo_bench_hold_main(int argc, char **argv);
int nvo_bench_fabric_main(int argc, char **argv);
int nvo_bench_scale_main(int argc, char **argv);
int nvo_bench_timers_main(int argc, char **argv);
int nvo_bench_parse_main(int argc, char **argv);
int nvo_bench_mac_main(int argc, char **argv);
int nvo_bench_overlay_main(int argc, char **argv);
int nvo_bench_ctrl_main(int argc, char **argv);

/* The body of a benchmark run: fills 'result' from 'arg'. */
typedef void nvo_bench_child_fn(void *arg, void *result);

/* Runs fn(arg, result) in a forked child, which sends the 'size' bytes of
 * 'result' back through a pipe, so that the run's peak resident memory is
 * its own.  Returns 0 with 'result' filled in and *maxrss_kib set; EIO if
 * the child died or sent less (one killed by a signal is said on stderr:
 * "nvosim bench WHAT killed by signal N"); or an errno of pipe(), fork()
 * or wait4(). */
int nvo_bench_run_child(const char *what, nvo_bench_child_fn *fn, void *arg,
                        void *result, size_t size, long *maxrss_kib);

/* Matches argv[*i] against the options 'names' (n of them) that take a
 * value, written "--opt VALUE" or "--opt=VALUE".  Returns the index of the
 * option and sets *val (advancing *i past a separate value), n if
 * argv[*i] is none of them, or -1 if the value is missing. */
int nvo_bench_opt_value(int argc, char **argv, int *i,
                        const char *const *names, size_t n, const char **val);

/* A whole number in [lo, hi], written "100000", "1e5" or "2.5e6": true
 * and sets *out, or false. */
bool nvo_bench_parse_count(const char *s, uint64_t lo, uint64_t hi,
                           uint64_t *out);

/* A leaf-spine fabric for a benchmark: what <leaf-spine> says. */
struct nvo_bench_leaf_spine {
    uint32_t spines, leaves, hosts_per_leaf;
    bool dual;                  /* dual-homed hypervisors */
    struct nvo_link_cfg uplink; /* leaf - spine */
    struct nvo_link_cfg access; /* hypervisor - leaf */
};

/* Adds the fabric 'ls' to 'net' (not yet finalized) as the topology
 * generator expands it (topo.c): nodes spine1..S, leaf1..L, hvL-K leaf by
 * leaf; links leaf-spine (the leaf at a), then hypervisor-leaf.  Returns
 * 0, or an errno (EINVAL after printing the loader's message as
 * "nvosim bench WHAT: ..."). */
int nvo_bench_leaf_spine_build(struct nvo_net *net,
                               const struct nvo_bench_leaf_spine *ls,
                               const char *what);

/* The two halves of nvo_bench_leaf_spine_build(), for a benchmark that
 * times them apart: the generator's expansion of 'ls' (NULL after
 * printing the loader's message, or with *error = EIO if the temporary
 * file could not be written), and adding a loaded topology's nodes and
 * links to 'net' (0 or an errno). */
struct nvo_topo_cfg;
struct nvo_topo_cfg *nvo_bench_leaf_spine_load(
    const struct nvo_bench_leaf_spine *ls, const char *what, int *error);
int nvo_bench_topo_add(struct nvo_net *net, const struct nvo_topo_cfg *topo);

/* The process's CPU time, seconds (CLOCK_PROCESS_CPUTIME_ID): what the
 * benchmarks time, so that other processes on the machine do not count. */
double nvo_bench_cpu_seconds(void);

/* A scenario built as "nvosim run" builds it (build.c). */
struct nvo_scenario_cfg;
struct nvo_sim;
struct nvo_bench_build {
    struct nvo_scenario_cfg *cfg;
    struct nvo_sim *sim;
    char *dir;                  /* its temporary output folder */
    double load_s, create_s;    /* CPU time of the loader, of the build */
    long rss_kib;               /* peak resident memory after the build */
};

/* Loads scenario file 'path' and creates its run (engine "native") with
 * a fresh temporary output folder, timing both.  Returns 0 with *b
 * filled (free with nvo_bench_build_done()), EIO (no temporary folder)
 * or EINVAL after printing the loader's or the build's message as
 * "nvosim bench WHAT: ...". */
int nvo_bench_build_scenario(const char *what, const char *path,
                             struct nvo_bench_build *b);
/* Destroys the run and its configuration, removes the folder (empty:
 * nothing was written) and clears *b. */
void nvo_bench_build_done(struct nvo_bench_build *b);

#endif
