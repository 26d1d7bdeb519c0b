/* nvosim.c: the nvosim command.  "nvosim COMMAND [OPTIONS]"; each command
 * lives in its own file (cmd_*.c) or, for benchmarks, in bench/. */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "bench.h"
#include "cmd.h"
#include "io/config.h"
#include "core/engine.h"
#include "core/nvo.h"
#include "core/suggest.h"

static int
cmd_bench(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("usage: nvosim bench BENCHMARK [OPTIONS]\n\n"
               "Benchmarks (see docs/performance.md):\n"
               "  hold    the classic hold model on the event engines\n"
               "  timers  the keepalive pattern: many timers pushed back "
               "by messages\n"
               "  fabric  packet-hops per second on a leaf-spine fabric, "
               "next to plain ns-3\n"
               "  scale   set-up, memory, route updates and packet-hops/s "
               "from 128 to 102,400 hypervisors\n"
               "  parse   per-hop header parsing: one shared parse against "
               "the old three\n"
               "  mac     the PE's MAC table: one table against one per "
               "VNI\n"
               "  overlay building 100,000 VMs, and overlay forwarding "
               "against the underlay's\n"
               "  ctrl    EVPN and VPLS-LDP control planes: build and "
               "converge at scale\n\n"
               "\"nvosim bench BENCHMARK --help\" describes its options.\n");
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "hold")) {
        return nvo_bench_hold_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "fabric")) {
        return nvo_bench_fabric_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "scale")) {
        return nvo_bench_scale_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "timers")) {
        return nvo_bench_timers_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "parse")) {
        return nvo_bench_parse_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "mac")) {
        return nvo_bench_mac_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "overlay")) {
        return nvo_bench_overlay_main(argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "ctrl")) {
        return nvo_bench_ctrl_main(argc - 1, argv + 1);
    }
    static const char *const benches[] = { "hold", "fabric", "scale",
                                           "timers", "parse", "mac",
                                           "overlay", "ctrl" };
    char *near = nvo_suggest(argv[1], benches, NVO_ARRAY_SIZE(benches));
    fprintf(stderr, "nvosim bench: unknown benchmark \"%s\"%s%s%s "
            "(benchmarks: hold, fabric, scale, timers, parse, mac, overlay, ctrl)\n", argv[1],
            near ? "; did you mean " : "", near ? near : "", near ? "?" : "");
    g_free(near);
    return 2;
}

struct command {
    const char *name;
    int (*main)(int argc, char **argv);
    const char *help;
};

static const struct command commands[] = {
    { "run", nvo_cmd_run_main,
      "run a scenario file and write its results" },
    { "batch", nvo_cmd_batch_main,
      "run many scenario files, one results folder each" },
    { "sweep", nvo_cmd_sweep_main,
      "run a scenario over a grid of parameters, with replications" },
    { "summarize", nvo_cmd_summarize_main,
      "mean and 95% confidence interval per grid point of a sweep" },
    { "plot", nvo_cmd_plot_main,
      "plot a sweep metric with confidence intervals (gnuplot)" },
    { "report", nvo_cmd_report_main,
      "one self-contained HTML page (SVG) for a run or a sweep folder" },
    { "tunnel", nvo_cmd_tunnel_main,
      "send tenant traffic between two hypervisor PEs over one tunnel" },
    { "validate", nvo_cmd_validate_main,
      "check scenario and topology files without running them" },
    { "bgp-replay", nvo_cmd_bgp_replay_main,
      "replay a simulated speaker's UPDATEs (MRT) to a real BGP daemon" },
    { "bench", cmd_bench, "run a benchmark (hold, fabric, scale, timers, parse, mac, overlay, ctrl)" },
};

static void
usage(FILE *f)
{
    fprintf(f, "usage: nvosim COMMAND [OPTIONS]\n\n"
            "nvosim %s: a discrete-event simulator of network-virtualization "
            "overlays.\n\nCommands:\n", NVO_VERSION);
    for (size_t i = 0; i < NVO_ARRAY_SIZE(commands); i++) {
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
    }
    fprintf(f, "\nOptions:\n"
            "  -h, --help   this help\n"
            "  --version    print the version (nvosim %s) and where the "
            "schemas\n               are, and exit\n"
            "\nEngines built in: %s.\n"
            "\"nvosim COMMAND --help\" describes a command's options.\n",
            NVO_VERSION, nvo_engine_names());
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")
        || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("nvosim %s\nschemas in %s\n", NVO_VERSION,
               nvo_config_schema_dir());
        return 0;
    }
    for (size_t i = 0; i < NVO_ARRAY_SIZE(commands); i++) {
        if (!strcmp(argv[1], commands[i].name)) {
            return commands[i].main(argc - 1, argv + 1);
        }
    }
    const char *names[NVO_ARRAY_SIZE(commands) + 3];
    for (size_t i = 0; i < NVO_ARRAY_SIZE(commands); i++) {
        names[i] = commands[i].name;
    }
    names[NVO_ARRAY_SIZE(commands)] = "--help";
    names[NVO_ARRAY_SIZE(commands) + 1] = "--version";
    names[NVO_ARRAY_SIZE(commands) + 2] = "help";
    char *near = nvo_suggest(argv[1], names, NVO_ARRAY_SIZE(names));
    if (near) {
        fprintf(stderr, "nvosim: unknown command \"%s\"; did you mean %s? "
                "(\"nvosim --help\" lists the commands)\n", argv[1], near);
    } else {
        fprintf(stderr, "nvosim: unknown command \"%s\"; \"nvosim --help\" "
                "lists the commands\n", argv[1]);
    }
    g_free(near);
    return 2;
}
