/* cmd_validate.c: "nvosim validate [--set PATH=VALUE]... FILE...": load
 * and check scenario and topology files (each told apart by its root
 * element) exactly as "nvosim run" would, without running anything.
 * Prints "FILE: ok (...)" per good file on stdout and every problem as
 * "FILE:LINE: what is wrong" on stderr. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "cli.h"
#include "cmd.h"
#include "io/config.h"

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim validate [OPTIONS] FILE...\n"
"\n"
"Checks scenario and topology files against their schemas\n"
"(scenarios/scenario.rng, topologies/topology.rng) and for meaning (units,\n"
"ranges, node names, duplicates); a scenario's topology file is checked\n"
"too.  Each FILE may be a scenario or a topology.\n"
"\n"
"Options:\n"
"  --set PATH=VALUE   override an attribute before checking, as \"nvosim\n"
"                     run\" does, e.g. --set run.seed=5,\n"
"                     --set topology.spines=8 (docs/scenarios.md);\n"
"                     repeatable; applied to every FILE (a topology FILE\n"
"                     takes only topology.* paths)\n"
"  -q, --quiet        print nothing for good files\n"
"  -h, --help         this help\n"
"\n"
"Schemas are read from $NVO_SCHEMA_DIR, else from %s.\n"
"Exit status: 0 if every file is good, 1 if any is bad, 2 on usage\n"
"errors.\n", nvo_config_schema_dir());
}

static char *
plural__(uint64_t n, const char *what)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT " %s%s", n, what,
                           n == 1 ? "" : "s");
}

static char *
topo_summary__(const struct nvo_topo_cfg *t)
{
    char *nodes = plural__(t->n_nodes, "node");
    char *links = plural__(t->n_links, "link");
    char *hvs = plural__(t->n_role[NVO_ROLE_HYPERVISOR], "hypervisor");
    char *s = g_strdup_printf("topology %s: %s, %s, %s", t->name, nodes,
                              links, hvs);
    g_free(nodes);
    g_free(links);
    g_free(hvs);
    return s;
}

/* Checks one file; returns true if it is good. */
static bool
validate_one__(const char *path, const char *const *sets, size_t n_sets,
               bool quiet)
{
    GError *error = NULL;
    enum nvo_config_kind kind = nvo_config_kind_of(path, &error);
    char *summary = NULL;
    if (kind == NVO_CONFIG_SCENARIO) {
        struct nvo_scenario_cfg *s = nvo_scenario_load(path, sets, n_sets,
                                                       &error);
        if (s) {
            char *topo = topo_summary__(s->topo);
            char *flows = plural__(s->n_flows, "flow group");
            char *events = plural__(s->n_events, "event");
            char *pcaps = plural__(s->output.n_captures, "pcap");
            summary = g_strdup_printf("scenario %s on %s; %s, %s, %s",
                                      s->name, topo, flows, events, pcaps);
            g_free(topo);
            g_free(flows);
            g_free(events);
            g_free(pcaps);
            nvo_scenario_cfg_destroy(s);
        }
    } else if (kind == NVO_CONFIG_TOPOLOGY) {
        struct nvo_topo_cfg *t = nvo_topo_load(path, sets, n_sets, &error);
        if (t) {
            summary = topo_summary__(t);
            nvo_topo_cfg_destroy(t);
        }
    }
    if (!summary) {
        fprintf(stderr, "%s\n", error ? error->message : "invalid");
        g_clear_error(&error);
        return false;
    }
    if (!quiet) {
        printf("%s: ok (%s)\n", path, summary);
    }
    g_free(summary);
    return true;
}

int
nvo_cmd_validate_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "set", required_argument, NULL, 'S' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    GPtrArray *sets = g_ptr_array_new_with_free_func(g_free);
    bool quiet = false;
    int c;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'S':
            g_ptr_array_add(sets, g_strdup(optarg));
            break;
        case 'q':
            quiet = true;
            break;
        case 'h':
            usage(stdout);
            g_ptr_array_free(sets, TRUE);
            return 0;
        default:
            nvo_cli_bad_option("validate", argv, longopts, "qh");
            g_ptr_array_free(sets, TRUE);
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        g_ptr_array_free(sets, TRUE);
        return 2;
    }
    bool all_ok = true;
    for (int i = optind; i < argc; i++) {
        all_ok &= validate_one__(argv[i], (const char *const *) sets->pdata,
                                 sets->len, quiet);
    }
    g_ptr_array_free(sets, TRUE);
    fflush(stdout);
    return all_ok ? 0 : 1;
}
