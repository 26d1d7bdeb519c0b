/* cmd_report.c: "nvosim report DIR": one self-contained HTML page (inline
 * SVG, no script) for a run folder or a sweep folder
 * (model/analysis/report.h, docs/report.md). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "analysis/report.h"

static void
usage(FILE *f)
{
    fprintf(f,
"usage: nvosim report DIR [--out FILE]\n"
"\n"
"Writes one self-contained HTML page about DIR (docs/report.md): inline\n"
"SVG drawn by nvosim, a print stylesheet, no script and nothing fetched\n"
"when it is viewed.\n"
"\n"
"DIR is a run folder (nvosim run's results.xml and summary.csv, and when\n"
"present series.csv and flows.csv): the page has the headline numbers,\n"
"the fabric drawn as its tiers with each link direction coloured by\n"
"utilization and by BUM bytes (hypervisors aggregated per leaf above %d),\n"
"the tiers, ECMP bytes per next hop, the flow completion time CDF\n"
"(needs --set output.flows=true) and control messages and table sizes\n"
"over time (needs --set output.series=INTERVAL).  Or DIR is a sweep\n"
"folder (nvosim sweep's sweep.csv): every metric per grid point, mean ±\n"
"95%% confidence half-width (n), as a table and a plot.\n"
"\n"
"Options:\n"
"  --out FILE   write the page to FILE [DIR/report.html]\n"
"  -h, --help   this help\n"
"\n"
"Exit status: 0 when the page was written, 1 if DIR holds neither\n"
"results.xml nor sweep.csv or a file in it is malformed (FILE:LINE: what\n"
"is wrong; nothing is written), 2 on usage errors.\n",
            NVO_REPORT_AGG_HYPERVISORS);
}

int
nvo_cmd_report_main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL;
    int c;
    optind = 1;
    opterr = 0;                 /* nvo_cli_bad_option() says what is wrong */
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (!*optarg) {
                fprintf(stderr, "nvosim report: --out: an empty path\n");
                return 2;
            }
            out = optarg;
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            nvo_cli_bad_option("report", argv, longopts, "h");
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, optind == argc
                ? "nvosim report: which run or sweep folder? (nvosim "
                  "report --help)\n"
                : "nvosim report: one folder at a time\n");
        return 2;
    }
    const char *dir = argv[optind];
    GError *error = NULL;
    if (nvo_report_write(dir, out, &error)) {
        fprintf(stderr, "nvosim report: %s\n", error->message);
        g_error_free(error);
        return 1;
    }
    if (out) {
        printf("wrote %s\n", out);
    } else {
        char *p = g_build_filename(dir, "report.html", NULL);
        printf("wrote %s\n", p);
        g_free(p);
    }
    return 0;
}
