/* bench.h: entry points of the benchmarks that "nvosim bench" runs.
 * Each takes the arguments after "bench" (argv[0] is the benchmark's name)
 * and returns the process exit status. */
#ifndef NVO_BENCH_H
#define NVO_BENCH_H

int nvo_bench_hold_main(int argc, char **argv);
int nvo_bench_fabric_main(int argc, char **argv);

#endif
