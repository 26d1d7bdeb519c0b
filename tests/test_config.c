/* test_config.c: topology and scenario files (config*.c).
 *
 * A table of malformed inputs, each written to a temporary directory and
 * loaded, with the exact message expected (file and line included); good
 * inputs with the expanded numbers checked (leaf-spine, five-stage,
 * dual-homing), the defaults, the --set overrides, and every file under
 * scenarios/ and topologies/ of the source tree. */
#include <errno.h>
#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/config.h"
#include "testutil.h"

/* ---- Helpers --------------------------------------------------------- */

static void
write_file(const char *dir, const char *name, const char *text)
{
    char *path = g_build_filename(dir, name, NULL);
    char *parent = g_path_get_dirname(path);
    ck_assert_int_eq(g_mkdir_with_parents(parent, 0777), 0);
    ck_assert_msg(g_file_set_contents(path, text, -1, NULL), "%s", path);
    g_free(parent);
    g_free(path);
}

/* 'pattern' with every '@' replaced by "DIR/". */
static char *
expand(const char *pattern, const char *dir)
{
    GString *s = g_string_new(NULL);
    for (const char *p = pattern; *p; p++) {
        if (*p == '@') {
            g_string_append_printf(s, "%s/", dir);
        } else {
            g_string_append_c(s, *p);
        }
    }
    return g_string_free(s, FALSE);
}

static size_t
n_sets(const char *const *sets)
{
    size_t n = 0;
    while (n < 8 && sets[n]) {
        n++;
    }
    return n;
}

/* A small topology for scenario cases: spine1-2, leaf1-2, hv1-1, hv1-2,
 * hv2-1, hv2-2. */
#define TOPO "<topology name=\"t\">\n" \
    "<leaf-spine spines=\"2\" leaves=\"2\" hypervisors-per-leaf=\"2\"/>\n" \
    "</topology>\n"

/* The first two lines of a scenario on TOPO (in t.xml). */
#define SCEN "<scenario name=\"s\">\n<topology file=\"t.xml\"/>\n"

/* ---- Malformed inputs ------------------------------------------------ */

struct bad_case {
    const char *name;
    const char *load;           /* the file loaded, in the case's dir */
    const char *files[3][2];    /* name, text */
    const char *sets[8];
    const char *expect;         /* '@' stands for "DIR/" */
};

static const struct bad_case bad_cases[] = {
    /* Not XML. */
    { "malformed-xml", "s.xml",
      { { "s.xml", "<scenario name=\"s\">\n<topology file=\"t.xml\">\n"
                   "</scenario>\n" } }, { NULL },
      "@s.xml:3: Opening and ending tag mismatch: topology line 2 and "
      "scenario\n"
      "@s.xml:4: Premature end of data in tag scenario line 1" },
    { "not-xml", "s.xml", { { "s.xml", "hello\n" } }, { NULL },
      "@s.xml:1: Start tag expected, '<' not found" },
    /* An external entity is not read (an internal one is substituted). */
    { "external-entity", "s.xml",
      { { "s.xml", "<!DOCTYPE scenario [\n<!ENTITY x SYSTEM \"x.txt\">\n"
                   "]>\n" SCEN "<traffic>&x;</traffic>\n</scenario>\n" },
        { "t.xml", TOPO }, { "x.txt", "<flows pattern=\"incast\"/>\n" } },
      { NULL },
      "@s.xml: the external entity or DTD \"@x.txt\" is not read: declare "
      "entities in the file itself" },
    { "missing-scenario", "nope.xml", { { NULL } }, { NULL },
      "@nope.xml: cannot read: No such file or directory" },
    { "wrong-root", "x.xml", { { "x.xml", TOPO } }, { NULL },
      "@x.xml:1: the root element is <topology>; expected <scenario>" },
    { "wrong-root-topology", "t.xml", { { "t.xml", SCEN "</scenario>\n" } },
      { NULL },
      "@t.xml:1: the root element is <scenario>; expected <topology>" },

    /* Schema violations. */
    { "unknown-element", "s.xml",
      { { "s.xml", SCEN "<bogus/>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:3: unknown element <bogus> in <scenario> (it may contain: "
      "topology, run, underlay, overlay, traffic, events, output, sweep)" },
    { "drain-limit-zero", "s.xml",
      { { "s.xml", SCEN "<run drain=\"true\" drain-limit=\"0s\"/>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:3: <run drain-limit=\"0s\">: must be more than 0" },
    { "unknown-attribute", "s.xml",
      { { "s.xml", SCEN "<run duration=\"1ms\" speed=\"2\"/>\n</scenario>\n" },
        { "t.xml", TOPO } }, { NULL },
      "@s.xml:3: <run speed=\"2\">: unknown attribute (<run> takes: "
      "duration, drain, drain-limit, seed, run, engine, scheduler)" },
    { "scheduler-of-other-engine", "s.xml",
      { { "s.xml", SCEN "<run scheduler=\"map\"/>\n</scenario>\n" },
        { "t.xml", TOPO } }, { NULL },
      "@s.xml:3: <run scheduler=\"map\">: not a scheduler of the native "
      "engine (ladder, heap4)" },
    { "set-scheduler-unknown", "s.xml",
      { { "s.xml", SCEN "<run engine=\"ns3\"/>\n</scenario>\n" },
        { "t.xml", TOPO } }, { "run.scheduler=ladder", NULL },
      "--set run.scheduler=ladder: <run scheduler=\"ladder\">: not a "
      "scheduler of the ns3 engine (map, heap, list, calendar, "
      "priority-queue)" },
    { "bad-choice", "s.xml",
      { { "s.xml", SCEN "<underlay ip=\"ipv5\"/>\n</scenario>\n" },
        { "t.xml", TOPO } }, { NULL },
      "@s.xml:3: <underlay ip=\"ipv5\">: expected ipv4 or ipv6" },
    { "bad-integer", "s.xml",
      { { "s.xml", SCEN "<run seed=\"-1\"/>\n</scenario>\n" },
        { "t.xml", TOPO } }, { NULL },
      "@s.xml:3: <run seed=\"-1\">: expected a whole number, 0 or more" },
    { "missing-attribute", "s.xml",
      { { "s.xml", "<scenario name=\"s\">\n<topology/>\n</scenario>\n" } },
      { NULL }, "@s.xml:2: <topology>: missing attribute file" },
    { "missing-element", "s.xml",
      { { "s.xml", "<scenario name=\"s\">\n</scenario>\n" } }, { NULL },
      "@s.xml:1: <scenario>: missing element <topology>" },
    { "missing-element-before", "s.xml",
      { { "s.xml", "<scenario name=\"s\">\n<run/>\n<traffic/>\n"
                   "</scenario>\n" } }, { NULL },
      "@s.xml:1: <scenario>: missing element <topology>" },
    { "missing-child", "s.xml",
      { { "s.xml", SCEN "<traffic>\n</traffic>\n</scenario>\n" },
        { "t.xml", TOPO } }, { NULL },
      "@s.xml:3: <traffic>: missing element <flows>" },
    { "out-of-order", "s.xml",
      { { "s.xml", SCEN "<output/>\n<run/>\n</scenario>\n" },
        { "t.xml", TOPO } }, { NULL },
      "@s.xml:4: <run> is repeated or out of order in <scenario> (order: "
      "topology, run, underlay, overlay, traffic, events, output, sweep)" },
    { "two-of-a-choice", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"incast\">\n"
                   "<size fixed=\"1MB\" cdf=\"x.cdf\"/>\n</flows>\n"
                   "</traffic>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:5: <size>: give only one of the attributes fixed, "
      "exponential-mean or cdf" },
    { "topology-schema", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" },
        { "t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"2\" "
                   "leaves=\"2\"/>\n<node name=\"x\" role=\"switch\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:2: <leaf-spine>: missing attribute hypervisors-per-leaf\n"
      "@t.xml:3: <node role=\"switch\">: expected spine, leaf, super-spine, "
      "hypervisor, route-reflector or router" },

    /* Topology meaning. */
    { "zero-spines", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"0\" "
                   "leaves=\"2\" hypervisors-per-leaf=\"1\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:2: <leaf-spine spines=\"0\">: must be at least 1" },
    { "zero-leaves-five-stage", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<five-stage pods=\"2\" "
                   "spines-per-pod=\"2\"\n  leaves-per-pod=\"0\" "
                   "hypervisors-per-leaf=\"1\" super-spines=\"2\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:3: <five-stage leaves-per-pod=\"0\">: must be at least 1" },
    { "super-spines-planes", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<five-stage pods=\"2\" "
                   "spines-per-pod=\"2\" leaves-per-pod=\"2\" "
                   "hypervisors-per-leaf=\"1\" super-spines=\"3\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:2: <five-stage super-spines=\"3\">: must be a multiple of "
      "spines-per-pod (2): spine S of every pod links to the super-spines "
      "of plane S" },
    { "bad-unit", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"2\" "
                   "leaves=\"2\" hypervisors-per-leaf=\"1\">\n"
                   "<uplink rate=\"10Gbit\"/>\n</leaf-spine>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:3: <uplink rate=\"10Gbit\">: bad rate: expected a number and "
      "a unit (bps, kbps, Mbps, Gbps or Tbps), e.g. \"10Gbps\"" },
    { "zero-rate", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<defaults>\n"
                   "<access rate=\"0Gbps\"/>\n</defaults>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:3: <access rate=\"0Gbps\">: must be more than 0" },
    { "bad-mtu-and-delay", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<node name=\"a\" role=\"router\"/>\n"
                   "<node name=\"b\" role=\"router\"/>\n"
                   "<link a=\"a\" b=\"b\" mtu=\"40\"\n"
                   "      delay=\"-1us\"/>\n"
                   "<link a=\"b\" b=\"a\" mtu=\"65536\" delay=\"1\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:5: <link delay=\"-1us\">: must not be negative\n"
      "@t.xml:4: <link mtu=\"40\">: must be at least 68\n"
      "@t.xml:6: <link delay=\"1\">: bad time: expected a number and a unit "
      "(ps, ns, us, ms or s), e.g. \"1.5us\"\n"
      "@t.xml:6: <link mtu=\"65536\">: must be at most 65535" },
    { "small-queue", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<node name=\"a\" role=\"router\"/>\n"
                   "<node name=\"b\" role=\"router\"/>\n"
                   "<link a=\"a\" b=\"b\" queue=\"1KB\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:4: <link queue=\"1KB\">: queue of 1000 bytes cannot hold one "
      "full-size frame (MTU 1500 + 18 bytes of Ethernet header and FCS)" },
    { "duplicate-node", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<leaf-spine spines=\"1\" leaves=\"2\" "
                   "hypervisors-per-leaf=\"1\"/>\n"
                   "<node name=\"rr\" role=\"route-reflector\"/>\n"
                   "<node name=\"leaf2\" role=\"leaf\"/>\n"
                   "<link a=\"rr\" b=\"spine1\"/>\n"
                   "<node name=\"rr\" role=\"router\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:4: <node name=\"leaf2\">: duplicate node name (first defined "
      "at @t.xml:2)\n"
      "@t.xml:6: <node name=\"rr\">: duplicate node name (first defined at "
      "@t.xml:3)" },
    { "unknown-node-in-link", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<leaf-spine spines=\"1\" leaves=\"2\" "
                   "hypervisors-per-leaf=\"1\"/>\n"
                   "<node name=\"rr\" role=\"route-reflector\"/>\n"
                   "<link a=\"rr\" b=\"spine9\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:4: <link b=\"spine9\">: unknown node" },
    { "duplicate-link", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<leaf-spine spines=\"1\" leaves=\"2\" "
                   "hypervisors-per-leaf=\"1\"/>\n"
                   "<link a=\"spine1\" b=\"leaf2\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:3: <link a=\"spine1\" b=\"leaf2\">: duplicate link (first "
      "defined at @t.xml:2)" },
    { "self-link", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<node name=\"a\" role=\"router\"/>\n"
                   "<link a=\"a\" b=\"a\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:3: <link a=\"a\" b=\"a\">: a link from a node to itself" },
    { "dual-homed-one-leaf", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<leaf-spine spines=\"2\" leaves=\"1\" "
                   "hypervisors-per-leaf=\"4\"\n"
                   "            dual-homed=\"true\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:3: <leaf-spine dual-homed=\"true\">: needs at least 2 "
      "leaves" },
    { "three-leaves", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<leaf-spine spines=\"1\" leaves=\"3\" "
                   "hypervisors-per-leaf=\"1\"/>\n"
                   "<link a=\"hv1-1\" b=\"leaf2\"/>\n"
                   "<link a=\"hv1-1\" b=\"leaf3\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:4: hypervisor hv1-1 is linked to more than 2 leaves" },
    { "not-connected", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<node name=\"a\" role=\"router\"/>\n"
                   "<node name=\"b\" role=\"router\"/>\n"
                   "<node name=\"c\" role=\"router\"/>\n"
                   "<node name=\"d\" role=\"router\"/>\n"
                   "<link a=\"a\" b=\"b\"/>\n<link a=\"c\" b=\"d\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:1: <topology>: not connected: no path from a to c" },
    { "isolated-node", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<leaf-spine spines=\"1\" leaves=\"1\" "
                   "hypervisors-per-leaf=\"1\"/>\n"
                   "<node name=\"rr\" role=\"route-reflector\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:3: node rr is not linked to any other node" },
    { "bad-node-name", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<node name=\"a b\" role=\"router\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:2: <node name=\"a b\">: a node name is letters, digits, '.', "
      "'_' and '-'" },

    /* Scenario meaning. */
    { "missing-topology", "s.xml",
      { { "s.xml", "<scenario name=\"s\">\n"
                   "<topology file=\"topo/nope.xml\"/>\n</scenario>\n" } },
      { NULL },
      "@s.xml:2: cannot read @topo/nope.xml: No such file or directory" },
    { "topology-relative", "sub/s.xml",
      { { "sub/s.xml", "<scenario name=\"s\">\n"
                       "<topology file=\"../topo/./t.xml\"/>\n"
                       "</scenario>\n" },
        { "topo/t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"0\" "
                        "leaves=\"2\" hypervisors-per-leaf=\"1\"/>\n"
                        "</topology>\n" } }, { NULL },
      "@topo/t.xml:2: <leaf-spine spines=\"0\">: must be at least 1" },
    { "missing-cdf", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"random-pairs\">\n"
                   "<size cdf=\"cdf/nope.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:5: <size cdf=\"cdf/nope.cdf\">: cannot read @cdf/nope.cdf: "
      "No such file or directory" },
    { "bad-cdf", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"random-pairs\">\n"
                   "<size cdf=\"x.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "x.cdf", "# sizes\n100 10\n50 100\n" } }, { NULL },
      "@x.cdf:3: flow size (column 1) must not decrease (50 after 100)" },
    { "cdf-1e30", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"x.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "x.cdf", "1000 50\n1e30 100\n" } }, { NULL },
      "@x.cdf:2: flow size (column 1) must be at most 9007199254740992 "
      "bytes (2^53)" },
    { "cdf-all-zero", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"x.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "x.cdf", "# all zero\n0 0\n0 100\n" } }, { NULL },
      "@x.cdf:3: flow size (column 1) must be at least 1 byte (0 only at 0 "
      "percent, where the CDF starts)" },
    { "cdf-negative", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"x.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "x.cdf", "-100 0\n-10 100\n" } }, { NULL },
      "@x.cdf:1: flow size (column 1) must not be negative" },
    { "cdf-decreasing-percent", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"x.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "x.cdf", "10 20\n20 10\n30 100\n" } }, { NULL },
      "@x.cdf:2: cumulative percent (column 2) must not decrease (10 after "
      "20)" },
    { "cdf-nan-size", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"x.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "x.cdf", "10 20\nnan 50\n30 100\n" } }, { NULL },
      "@x.cdf:2: flow size (column 1) is not a finite number" },
    { "cdf-nan-percent", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"x.cdf\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "x.cdf", "10 20\n20 nan\n30 100\n" } }, { NULL },
      "@x.cdf:2: cumulative percent (column 2) is not a finite number" },
    { "cdf-directory", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"d\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO },
        { "d/x", "" } }, { NULL },
      "@s.xml:5: <size cdf=\"d\">: cannot read @d: a directory, not a "
      "regular file" },
    { "rate-1e-8", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<arrival rate=\"1e-8\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:5: <arrival rate=\"1e-8\">: too low: the mean gap between "
      "flows, 1e+08 s, is longer than the longest simulated time (2^63 ps, "
      "106 days); the rate must be at least 1.08e-07 flows/s" },
    { "rate-too-high", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<arrival rate=\"1e13\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:5: <arrival rate=\"1e13\">: too high: the mean gap between "
      "flows must be at least 1ps (a rate of at most 1e12 flows/s)" },
    { "too-many-flows-rate", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<arrival rate=\"1e9\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:5: <arrival rate=\"1e9\">: about 4e+07 flows would start "
      "(1e+09 flows/s per host for 10ms on 4 hosts), but a run holds at "
      "most 10000000 flows in memory: lower the rate or shorten [start, "
      "stop)" },
    { "too-many-flows-default-load", "s.xml",
      { { "s.xml", SCEN "<traffic>\n"
                   "<flows pattern=\"permutation\" stop=\"1ms\">\n"
                   "<size fixed=\"1\"/>\n</flows>\n"
                   "<flows pattern=\"permutation\">\n"
                   "<size fixed=\"1\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:7: <flows>: with the default load of 0.5, about 2.5e+07 flows "
      "would start (6.25e+08 flows/s per host for 10ms on 4 hosts), more "
      "with the groups before, but a run holds at most 10000000 flows in "
      "memory: lower the load or shorten [start, stop)" },
    { "load-too-low", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size fixed=\"1GB\"/>\n"
                   "<arrival load=\"1e-20\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:6: <arrival load=\"1e-20\">: too low: with flows of 1e+09 "
      "bytes on average and a 10Gbps access link, the mean gap between "
      "flows is longer than the longest simulated time (2^63 ps, 106 "
      "days)" },
    { "size-too-large", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size exponential-mean=\"9100000GB\"/>\n</flows>\n"
                   "</traffic>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:5: <size exponential-mean=\"9100000GB\">: must be at most "
      "9007199254740992 bytes" },
    /* What nvo_net_finalize() could not build (net.h's limits). */
    { "too-many-links", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"2\" "
                   "leaves=\"262144\" hypervisors-per-leaf=\"0\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:2: <leaf-spine>: 524288 links; the underlay's link addresses "
      "(a /31 each in 172.16.0.0/12) have room for at most 524287" },
    { "too-many-links-explicit", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"8\" "
                   "leaves=\"65535\" hypervisors-per-leaf=\"0\"/>\n"
                   "<node name=\"x1\" role=\"router\"/>\n"
                   "<node name=\"x2\" role=\"router\"/>\n"
                   "<node name=\"x3\" role=\"router\"/>\n"
                   "<node name=\"x4\" role=\"router\"/>\n"
                   "<link a=\"x1\" b=\"leaf1\"/>\n"
                   "<link a=\"x1\" b=\"x2\"/>\n"
                   "<link a=\"x1\" b=\"x3\"/>\n"
                   "<link a=\"x1\" b=\"x4\"/>\n"
                   "<link a=\"x2\" b=\"x3\"/>\n"
                   "<link a=\"x2\" b=\"x4\"/>\n"
                   "<link a=\"x3\" b=\"x4\"/>\n"
                   "<link a=\"x2\" b=\"leaf2\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:1: <topology>: 524288 links; the underlay's link addresses "
      "(a /31 each in 172.16.0.0/12) have room for at most 524287" },
    { "too-many-ports", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"1\" "
                   "leaves=\"65536\" hypervisors-per-leaf=\"0\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@t.xml:2: node spine1 has 65536 links; a node has at most 65535 "
      "ports" },
    { "fifo-scenario", "fifo.xml", { { NULL } }, { NULL },
      "@fifo.xml: cannot read: a FIFO, not a regular file" },
    { "directory-scenario", "dir.xml", { { "dir.xml/x", "" } }, { NULL },
      "@dir.xml: cannot read: a directory, not a regular file" },
    { "fifo-topology", "s.xml",
      { { "s.xml", "<scenario name=\"s\">\n<topology file=\"fifo.xml\"/>\n"
                   "</scenario>\n" } }, { NULL },
      "@s.xml:2: cannot read @fifo.xml: a FIFO, not a regular file" },
    { "fifo-cdf", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\">\n"
                   "<size cdf=\"fifo.xml\"/>\n</flows>\n</traffic>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:5: <size cdf=\"fifo.xml\">: cannot read @fifo.xml: a FIFO, "
      "not a regular file" },
    { "no-hypervisors", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\"/>\n"
                   "</traffic>\n</scenario>\n" },
        { "t.xml", "<topology name=\"t\">\n<leaf-spine spines=\"1\" "
                   "leaves=\"2\" hypervisors-per-leaf=\"0\"/>\n"
                   "</topology>\n" } }, { NULL },
      "@s.xml:3: <traffic>: needs at least 2 hypervisors; the topology "
      "has 0" },
    { "unknown-node-in-event", "s.xml",
      { { "s.xml", SCEN "<events>\n"
                   "<link-down at=\"1ms\" a=\"spine1\" b=\"leaf7\"/>\n"
                   "<node-down at=\"1ms\" node=\"spine3\"/>\n"
                   "<link-up at=\"2ms\" a=\"spine1\" b=\"spine2\"/>\n"
                   "<node-up at=\"-2ms\" node=\"spine1\"/>\n"
                   "</events>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:4: <link-down b=\"leaf7\">: unknown node\n"
      "@s.xml:5: <node-down node=\"spine3\">: unknown node\n"
      "@s.xml:6: <link-up a=\"spine1\" b=\"spine2\">: no link between "
      "these nodes\n"
      "@s.xml:7: <node-up at=\"-2ms\">: must not be negative" },
    { "unknown-node-in-pcap", "s.xml",
      { { "s.xml", SCEN "<output>\n<pcap node=\"leaf3\"/>\n"
                   "<pcap node=\"leaf1\" port=\"5\"/>\n"
                   "<pcap node=\"leaf1\" peer=\"hv2-1\"/>\n"
                   "</output>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:4: <pcap node=\"leaf3\">: unknown node\n"
      "@s.xml:5: <pcap port=\"5\">: leaf1 has 4 ports\n"
      "@s.xml:6: <pcap peer=\"hv2-1\">: leaf1 has no link to it" },
    { "flows-values", "s.xml",
      { { "s.xml", SCEN "<run duration=\"5ms\"/>\n<traffic>\n"
                   "<flows pattern=\"incast\" target=\"leaf1\" "
                   "fan-in=\"4\">\n"
                   "<arrival load=\"1.5\"/>\n<packet size=\"28\"/>\n"
                   "</flows>\n"
                   "<flows pattern=\"permutation\" fan-in=\"2\" "
                   "start=\"6ms\"/>\n"
                   "</traffic>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:5: <flows target=\"leaf1\">: not a hypervisor\n"
      "@s.xml:5: <flows fan-in=\"4\">: must be at most 3\n"
      "@s.xml:6: <arrival load=\"1.5\">: must be more than 0 and at most 1\n"
      "@s.xml:7: <packet size=\"28\">: must be at least 29 bytes\n"
      "@s.xml:9: <flows fan-in=\"2\">: applies only to pattern=\"incast\"\n"
      "@s.xml:9: <flows start=\"6ms\">: must be earlier than the end of the "
      "run (5ms)" },
    { "ecmp-values", "s.xml",
      { { "s.xml", SCEN "<underlay ip=\"ipv6\">\n"
                   "<ecmp seed=\"per-run\" fields=\"src-ip dport src-ip\"\n"
                   "      parser-depth=\"40\"/>\n</underlay>\n"
                   "</scenario>\n" }, { "t.xml", TOPO } }, { NULL },
      "@s.xml:4: <ecmp seed=\"per-run\">: expected fabric, per-switch or a "
      "whole number\n"
      "@s.xml:4: <ecmp fields=\"src-ip dport src-ip\">: unknown field "
      "\"dport\" (fields: src-ip, dst-ip, proto, src-port, dst-port, "
      "gre-key, mpls-el, inner, 5-tuple, 3-tuple)\n"
      "@s.xml:5: <ecmp parser-depth=\"40\">: must be at least 54 bytes (the "
      "outer Ethernet and IPv6 headers)" },

    /* Overrides. */
    { "set-unknown-attribute", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\"/>\n"
                   "</traffic>\n</scenario>\n" }, { "t.xml", TOPO } },
      { "traffic.nope=1", NULL },
      "--set traffic.nope=1: no such element or attribute \"nope\" in "
      "<traffic>" },
    { "set-unknown-element", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "run.fast.x=1", NULL },
      "--set run.fast.x=1: no such element <fast> in <run>" },
    { "set-suggest-generator", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "topology.spins=8", NULL },
      "--set topology.spins=8: no such element or attribute \"spins\" in "
      "<leaf-spine>; did you mean topology.spines?" },
    { "set-suggest-attribute", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "run.duartion=3ms", "traffic.flows[1].sise.fixed=1", NULL },
      "--set run.duartion=3ms: no such element or attribute \"duartion\" "
      "in <run>; did you mean run.duration?\n"
      "--set traffic.flows[1].sise.fixed=1: no such element <sise> in "
      "<flows>; did you mean traffic.flows[1].size.fixed?" },
    { "set-syntax", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "run.seed", "traffic.flows[x].pattern=incast",
        "traffic.flows.pattern[2]=incast", NULL },
      "--set run.seed: expected PATH=VALUE, e.g. run.seed=5\n"
      "--set traffic.flows[x].pattern=incast: bad path segment "
      "\"flows[x]\": expected a name, or a name and a 1-based index as in "
      "flows[2]\n"
      "--set traffic.flows.pattern[2]=incast: the last path segment names "
      "an attribute and takes no index" },
    { "set-index", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\"/>\n"
                   "</traffic>\n</scenario>\n" }, { "t.xml", TOPO } },
      { "traffic.flows[3].pattern=incast", NULL },
      "--set traffic.flows[3].pattern=incast: no such element: <traffic> "
      "has 1 <flows>" },
    { "set-element-not-attribute", "s.xml",
      { { "s.xml", SCEN "<traffic>\n<flows pattern=\"permutation\"/>\n"
                   "</traffic>\n</scenario>\n" }, { "t.xml", TOPO } },
      { "traffic.flows=2", NULL },
      "--set traffic.flows=2: <flows> is an element; a path ends with an "
      "attribute, e.g. traffic.flows.pattern" },
    { "set-schema", "s.xml",
      { { "s.xml", SCEN "<run engine=\"native\"/>\n</scenario>\n" },
        { "t.xml", TOPO } }, { "run.engine=warp", NULL },
      "--set run.engine=warp: <run engine=\"warp\">: expected native or "
      "ns3" },
    { "set-created-incomplete", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "events.node-down.node=spine1", NULL },
      "--set events.node-down.node=spine1: <node-down>: missing attribute "
      "at" },
    { "set-values", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "topology.spines=0", "topology.uplink.rate=10Gbit",
        "run.duration=1", NULL },
      "--set topology.spines=0: <leaf-spine spines=\"0\">: must be at least "
      "1\n"
      "--set topology.uplink.rate=10Gbit: <uplink rate=\"10Gbit\">: bad "
      "rate: expected a number and a unit (bps, kbps, Mbps, Gbps or Tbps), "
      "e.g. \"10Gbps\"\n"
      "--set run.duration=1: <run duration=\"1\">: bad time: expected a "
      "number and a unit (ps, ns, us, ms or s), e.g. \"1.5us\"" },
    { "set-big-number-and-dot-name", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "run.seed=99999999999999999999999", "name=..", NULL },
      "--set name=..: <scenario name=\"..\">: a scenario name is letters, "
      "digits, '.', '_' and '-', and not \".\" or \"..\"\n"
      "--set run.seed=99999999999999999999999: <run seed="
      "\"99999999999999999999999\">: number too large" },
    { "set-topology-file", "s.xml",
      { { "s.xml", SCEN "</scenario>\n" }, { "t.xml", TOPO } },
      { "topology.file=other.xml", NULL },
      "--set topology.file=other.xml: cannot read @other.xml: No such file "
      "or directory" },
    /* <sweep>: malformed lists, a path varied twice, run.run. */
    { "sweep-schema", "s.xml",
      { { "s.xml", SCEN "<sweep runs=\"0\">\n<vary path=\"run.seed\"/>\n"
                   "</sweep>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:3: <sweep runs=\"0\">: expected a whole number, 1 or more\n"
      "@s.xml:4: <vary>: missing attribute values" },
    { "sweep-values", "s.xml",
      { { "s.xml", SCEN "<sweep runs=\"3\">\n"
                   "<vary path=\"topology.spines\" values=\"2:64:x1\"/>\n"
                   "<vary path=\"run.seed\" values=\"5:1\"/>\n"
                   "<vary path=\"run.duration\" values=\"1ms,,2ms\"/>\n"
                   "<vary path=\"topology.spines\" values=\"2\"/>\n"
                   "<vary path=\"run.run\" values=\"1,2\"/>\n"
                   "<vary path=\"underlay.ecmp.function\" "
                   "values=\"crc32,crc32\"/>\n"
                   "</sweep>\n</scenario>\n" }, { "t.xml", TOPO } },
      { NULL },
      "@s.xml:4: <vary values=\"2:64:x1\">: bad range \"2:64:x1\": the "
      "factor must be more than 1\n"
      "@s.xml:5: <vary values=\"5:1\">: bad range \"5:1\": START is more "
      "than END (to count down, write 5:1:-1)\n"
      "@s.xml:6: <vary values=\"1ms,,2ms\">: an empty item in the list\n"
      "@s.xml:7: <vary path=\"topology.spines\">: varied twice (first at "
      "line 4)\n"
      "@s.xml:8: <vary path=\"run.run\">: run numbers are the replications "
      "(<sweep runs>); vary run.seed instead\n"
      "@s.xml:9: <vary values=\"crc32,crc32\">: the value crc32 is listed "
      "twice" },
    { "set-no-generator", "t.xml",
      { { "t.xml", "<topology name=\"t\">\n"
                   "<node name=\"a\" role=\"router\"/>\n"
                   "</topology>\n" } }, { "topology.spines=8", NULL },
      "--set topology.spines=8: the topology has no generator (<leaf-spine> "
      "or <five-stage>)" },
    { "set-scenario-path-on-topology", "t.xml",
      { { "t.xml", TOPO } }, { "run.seed=5", NULL },
      "--set run.seed=5: a topology file takes only topology.* paths" },
};

static void
run_bad_case(const struct bad_case *c)
{
    char *base = nvo_test_tmpdir("config");
    char *dir = g_build_filename(base, c->name, NULL);
    ck_assert_int_eq(g_mkdir_with_parents(dir, 0777), 0);
    for (size_t i = 0; i < NVO_ARRAY_SIZE(c->files) && c->files[i][0]; i++) {
        write_file(dir, c->files[i][0], c->files[i][1]);
    }
    /* A FIFO, for the cases that load one: without a writer, open() of it
     * would block forever; alarm() turns a hang into a failure. */
    char *fifo = g_build_filename(dir, "fifo.xml", NULL);
    bool want_fifo = strstr(c->name, "fifo") != NULL;
    if (want_fifo) {
        ck_assert_int_eq(mkfifo(fifo, 0666), 0);
        alarm(10);
    }
    char *path = g_build_filename(dir, c->load, NULL);
    char *expect = expand(c->expect, dir);
    GError *error = NULL;
    bool topology = g_str_has_prefix(c->load, "t.");
    if (topology) {
        struct nvo_topo_cfg *t = nvo_topo_load(path, c->sets,
                                               n_sets(c->sets), &error);
        ck_assert_msg(!t, "%s: loaded", c->name);
    } else {
        struct nvo_scenario_cfg *s = nvo_scenario_load(path, c->sets,
                                                       n_sets(c->sets),
                                                       &error);
        ck_assert_msg(!s, "%s: loaded", c->name);
    }
    ck_assert_msg(error != NULL, "%s: no error", c->name);
    ck_assert_msg(error->domain == NVO_CONFIG_ERROR
                  && error->code == NVO_CONFIG_ERROR_INVALID, "%s", c->name);
    ck_assert_msg(!strcmp(error->message, expect),
                  "%s:\nexpected:\n%s\ngot:\n%s", c->name, expect,
                  error->message);
    g_error_free(error);
    if (want_fifo) {
        alarm(0);
        unlink(fifo);
    }
    g_free(fifo);
    g_free(expect);
    g_free(path);
    g_free(dir);
    g_free(base);
}

START_TEST(bad_inputs)
{
    run_bad_case(&bad_cases[_i]);
}
END_TEST

/* ---- Good inputs ----------------------------------------------------- */

static struct nvo_topo_cfg *
load_topo(const char *rel, const char *const *sets, size_t n)
{
    GError *error = NULL;
    struct nvo_topo_cfg *t = nvo_topo_load(nvo_test_src(rel), sets, n,
                                           &error);
    ck_assert_msg(t != NULL, "%s: %s", rel, error ? error->message : "");
    return t;
}

static struct nvo_scenario_cfg *
load_scen(const char *rel, const char *const *sets, size_t n)
{
    GError *error = NULL;
    struct nvo_scenario_cfg *s = nvo_scenario_load(nvo_test_src(rel), sets,
                                                   n, &error);
    ck_assert_msg(s != NULL, "%s: %s", rel, error ? error->message : "");
    return s;
}

static uint32_t
node(const struct nvo_topo_cfg *t, const char *name)
{
    uint32_t i = nvo_topo_cfg_find_node(t, name);
    ck_assert_msg(i != NVO_NODE_NONE, "no node %s", name);
    return i;
}

static const struct nvo_topo_link_cfg *
link_between(const struct nvo_topo_cfg *t, const char *a, const char *b)
{
    long l = nvo_topo_cfg_find_link(t, node(t, a), node(t, b));
    ck_assert_msg(l >= 0, "no link %s - %s", a, b);
    return &t->links[l];
}

START_TEST(leaf_spine_4x16x8)
{
    struct nvo_topo_cfg *t = load_topo("topologies/leaf-spine-4x16x8.xml",
                                       NULL, 0);
    ck_assert_str_eq(t->name, "leaf-spine-4x16x8");
    ck_assert_int_eq(t->generator, NVO_GEN_LEAF_SPINE);
    ck_assert_int_eq(t->n_nodes, 4 + 16 + 128);
    ck_assert_int_eq(t->n_links, 4 * 16 + 128);
    ck_assert_int_eq(t->n_role[NVO_ROLE_SPINE], 4);
    ck_assert_int_eq(t->n_role[NVO_ROLE_LEAF], 16);
    ck_assert_int_eq(t->n_role[NVO_ROLE_HYPERVISOR], 128);
    ck_assert_int_eq(t->n_class[NVO_LINK_FABRIC], 64);
    ck_assert_int_eq(t->n_class[NVO_LINK_ACCESS], 128);
    ck_assert_int_eq(t->n_class[NVO_LINK_SUPER], 0);
    /* Generated order and names. */
    ck_assert_str_eq(t->nodes[0].name, "spine1");
    ck_assert_str_eq(t->nodes[4].name, "leaf1");
    ck_assert_str_eq(t->nodes[20].name, "hv1-1");
    ck_assert_str_eq(t->nodes[147].name, "hv16-8");
    /* Ports: a leaf's uplinks, then its hypervisors. */
    uint32_t leaf3 = node(t, "leaf3");
    ck_assert_int_eq(t->nodes[leaf3].n_ports, 4 + 8);
    ck_assert_int_eq(t->nodes[node(t, "spine2")].n_ports, 16);
    const struct nvo_topo_link_cfg *up = link_between(t, "leaf3", "spine2");
    ck_assert_int_eq(up->a, leaf3);
    ck_assert_int_eq(up->a_port, 2);
    ck_assert_int_eq(up->b_port, 3);
    ck_assert_int_eq(up->cls, NVO_LINK_FABRIC);
    ck_assert_uint_eq(up->cfg.rate_bps, 40000000000ull);
    ck_assert_int_eq(up->cfg.mtu, 9000);
    ck_assert_int_eq(up->cfg.delay, NVO_US);
    ck_assert_uint_eq(up->cfg.queue_bytes, 1 << 20);
    const struct nvo_topo_link_cfg *acc = link_between(t, "hv3-5", "leaf3");
    ck_assert_int_eq(acc->cls, NVO_LINK_ACCESS);
    ck_assert_int_eq(acc->a_port, 1);
    ck_assert_int_eq(acc->b_port, 4 + 5);
    ck_assert_uint_eq(acc->cfg.rate_bps, 10000000000ull);
    ck_assert_uint_eq(acc->cfg.queue_bytes, 512 << 10);
    ck_assert_uint_eq(acc->cfg.ctrl_queue_bytes, 64 << 10);  /* default */
    ck_assert_int_eq(acc->cfg.framing, 24);                  /* default */
    const struct nvo_node_cfg *hv = &t->nodes[node(t, "hv3-5")];
    ck_assert_int_eq(hv->role, NVO_ROLE_HYPERVISOR);
    ck_assert_int_eq(hv->n_leaves, 1);
    ck_assert_int_eq(hv->leaves[0], leaf3);
    ck_assert_int_eq(hv->leaves[1], NVO_NODE_NONE);
    ck_assert_int_eq(nvo_topo_cfg_find_link(t, node(t, "hv1-1"),
                                            node(t, "leaf2")), -1);
    ck_assert_int_eq(nvo_topo_cfg_find_node(t, "spine5"), NVO_NODE_NONE);
    ck_assert(strstr(t->xml, "<leaf-spine spines=\"4\"") != NULL);
    ck_assert(g_path_is_absolute(t->path));
    nvo_topo_cfg_destroy(t);
}
END_TEST

START_TEST(five_stage)
{
    struct nvo_topo_cfg *t = load_topo("topologies/five-stage-small.xml",
                                       NULL, 0);
    ck_assert_int_eq(t->generator, NVO_GEN_FIVE_STAGE);
    /* 4 super-spines + 2 pods x (2 spines + 2 leaves + 4 hypervisors). */
    ck_assert_int_eq(t->n_nodes, 4 + 2 * (2 + 2 + 4));
    ck_assert_int_eq(t->n_class[NVO_LINK_FABRIC], 2 * 2 * 2);
    ck_assert_int_eq(t->n_class[NVO_LINK_SUPER], 2 * 2 * (4 / 2));
    ck_assert_int_eq(t->n_class[NVO_LINK_ACCESS], 2 * 2 * 2);
    ck_assert_int_eq(t->n_links, 24);
    ck_assert_int_eq(t->n_role[NVO_ROLE_SUPER_SPINE], 4);
    /* Planes: spine S of each pod to super-spines of plane S only. */
    const struct nvo_topo_link_cfg *l = link_between(t, "spine2-1",
                                                     "super2");
    ck_assert_int_eq(l->cls, NVO_LINK_SUPER);
    ck_assert_uint_eq(l->cfg.rate_bps, 100000000000ull);
    ck_assert_int_eq(l->cfg.delay, 2 * NVO_US);
    link_between(t, "spine1-2", "super3");
    link_between(t, "spine1-2", "super4");
    ck_assert_int_eq(nvo_topo_cfg_find_link(t, node(t, "spine1-1"),
                                            node(t, "super3")), -1);
    ck_assert_int_eq(nvo_topo_cfg_find_link(t, node(t, "leaf1-1"),
                                            node(t, "spine2-1")), -1);
    ck_assert_int_eq(link_between(t, "leaf2-2", "spine2-1")->cls,
                     NVO_LINK_FABRIC);
    ck_assert_int_eq(t->nodes[node(t, "hv2-1-2")].pod, 2);
    ck_assert_int_eq(t->nodes[node(t, "super1")].pod, 0);
    ck_assert_int_eq(t->nodes[node(t, "hv2-1-2")].leaves[0],
                     node(t, "leaf2-1"));
    /* A spine's ports: its leaves, then its super-spines. */
    ck_assert_int_eq(t->nodes[node(t, "spine1-1")].n_ports, 2 + 2);
    ck_assert_int_eq(link_between(t, "spine1-1", "super2")->a_port, 4);
    nvo_topo_cfg_destroy(t);

    /* A bigger one through overrides: 4 pods of 4x8x4 under 8 supers. */
    const char *sets[] = {
        "topology.pods=4", "topology.spines-per-pod=4",
        "topology.leaves-per-pod=8", "topology.hypervisors-per-leaf=4",
        "topology.super-spines=8",
    };
    t = load_topo("topologies/five-stage-small.xml", sets, 5);
    ck_assert_int_eq(t->n_nodes, 8 + 4 * (4 + 8 + 32));
    ck_assert_int_eq(t->n_class[NVO_LINK_FABRIC], 4 * 8 * 4);
    ck_assert_int_eq(t->n_class[NVO_LINK_SUPER], 4 * 4 * 2);
    ck_assert_int_eq(t->n_class[NVO_LINK_ACCESS], 4 * 8 * 4);
    nvo_topo_cfg_destroy(t);
}
END_TEST

START_TEST(dual_homed)
{
    struct nvo_topo_cfg *t = load_topo("topologies/dual-homed.xml", NULL, 0);
    ck_assert(t->dual_homed);
    ck_assert_int_eq(t->n_nodes, 2 + 4 + 8 + 2);
    ck_assert_int_eq(t->n_class[NVO_LINK_ACCESS], 2 * 8);  /* doubled */
    ck_assert_int_eq(t->n_class[NVO_LINK_FABRIC], 8 + 2);
    ck_assert_int_eq(t->n_links, 26);
    static const struct { const char *hv, *l1, *l2; } pairs[] = {
        { "hv1-1", "leaf1", "leaf2" }, { "hv2-2", "leaf2", "leaf1" },
        { "hv3-1", "leaf3", "leaf4" }, { "hv4-2", "leaf4", "leaf3" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(pairs); i++) {
        const struct nvo_node_cfg *hv = &t->nodes[node(t, pairs[i].hv)];
        ck_assert_int_eq(hv->n_leaves, 2);
        ck_assert_int_eq(hv->leaves[0], node(t, pairs[i].l1));
        ck_assert_int_eq(hv->leaves[1], node(t, pairs[i].l2));
        ck_assert_int_eq(hv->n_ports, 2);
    }
    /* The explicit route reflectors, next to the generator. */
    const struct nvo_node_cfg *rr = &t->nodes[node(t, "rr2")];
    ck_assert_int_eq(rr->role, NVO_ROLE_RR);
    ck_assert_int_eq(rr->line, 15);
    const struct nvo_topo_link_cfg *l = link_between(t, "rr2", "spine2");
    ck_assert_int_eq(l->cls, NVO_LINK_FABRIC);
    ck_assert_uint_eq(l->cfg.rate_bps, 10000000000ull);
    ck_assert_int_eq(l->cfg.mtu, 9000);     /* from <defaults><fabric> */
    ck_assert_int_eq(l->line, 17);
    nvo_topo_cfg_destroy(t);

    /* Dual-homing without it: half the access links. */
    const char *off[] = { "topology.dual-homed=false" };
    t = load_topo("topologies/dual-homed.xml", off, 1);
    ck_assert_int_eq(t->n_class[NVO_LINK_ACCESS], 8);
    nvo_topo_cfg_destroy(t);
}
END_TEST

START_TEST(defaults)
{
    char *dir = nvo_test_tmpdir("config-defaults");
    write_file(dir, "t.xml", TOPO);
    write_file(dir, "s.xml", SCEN "<traffic>\n<flows pattern=\"incast\"/>\n"
               "</traffic>\n</scenario>\n");
    char *path = g_build_filename(dir, "s.xml", NULL);
    GError *error = NULL;
    struct nvo_scenario_cfg *s = nvo_scenario_load(path, NULL, 0, &error);
    ck_assert_msg(s != NULL, "%s", error ? error->message : "");
    ck_assert_str_eq(s->name, "s");
    ck_assert_str_eq(s->path, path);
    ck_assert_int_eq(s->duration, 10 * NVO_MS);
    ck_assert(!s->drain);
    ck_assert_int_eq(s->drain_limit, NVO_SEC);
    ck_assert_uint_eq(s->seed, 1);
    ck_assert_uint_eq(s->run, 1);
    ck_assert_str_eq(s->engine, "native");
    ck_assert_int_eq(s->underlay.ip, NVO_IP_V4);
    ck_assert_int_eq(s->underlay.convergence_delay, NVO_MS);
    ck_assert_int_eq(s->underlay.ecmp.fn, NVO_HASH_CRC32);
    ck_assert_int_eq(s->underlay.ecmp.seed_mode, NVO_HASH_SEED_PER_SWITCH);
    ck_assert_uint_eq(s->underlay.ecmp.fields, NVO_ECMP_5TUPLE);
    ck_assert_uint_eq(s->underlay.ecmp.parser_depth, 128);
    ck_assert_int_eq(s->n_flows, 1);
    const struct nvo_flows_cfg *f = &s->flows[0];
    ck_assert_int_eq(f->pattern, NVO_PATTERN_INCAST);
    ck_assert_str_eq(s->topo->nodes[f->target].name, "hv1-1");
    ck_assert_int_eq(f->fan_in, 3);
    ck_assert_int_eq(f->size_dist, NVO_SIZE_FIXED);
    ck_assert_uint_eq(f->size_fixed, 64000);
    ck_assert(f->size_mean == 64000);
    ck_assert_int_eq(f->arrival, NVO_ARRIVAL_LOAD);
    ck_assert(f->load == 0.5);
    ck_assert_int_eq(f->pkt_mode, NVO_PKT_FIXED);
    ck_assert_int_eq(f->pkt_size, 1500);
    ck_assert_int_eq(f->proto, 17);
    ck_assert_int_eq(f->src_port, 0);
    ck_assert_int_eq(f->dst_port, 5001);
    ck_assert_int_eq(f->start, 0);
    ck_assert_int_eq(f->stop, 10 * NVO_MS);
    ck_assert_int_eq(f->line, 4);
    ck_assert_int_eq(s->n_events, 0);
    ck_assert(!s->output.trace);
    ck_assert_int_eq(s->output.n_captures, 0);
    char *cwd = g_get_current_dir();
    char *want = g_build_filename(cwd, "results", "s", NULL);
    ck_assert_str_eq(s->output.dir, want);
    g_free(want);
    g_free(cwd);
    /* Topology defaults: nvo_link_cfg_default() for every class. */
    struct nvo_link_cfg d;
    nvo_link_cfg_default(&d);
    for (size_t i = 0; i < s->topo->n_links; i++) {
        const struct nvo_link_cfg *c = &s->topo->links[i].cfg;
        ck_assert_uint_eq(c->rate_bps, d.rate_bps);
        ck_assert_int_eq(c->delay, d.delay);
        ck_assert_int_eq(c->mtu, d.mtu);
        ck_assert_uint_eq(c->queue_bytes, d.queue_bytes);
        ck_assert_uint_eq(c->ctrl_queue_bytes, d.ctrl_queue_bytes);
        ck_assert_int_eq(c->framing, d.framing);
    }
    ck_assert(!s->topo->dual_homed);
    nvo_scenario_cfg_destroy(s);
    g_free(path);
    g_free(dir);
}
END_TEST

START_TEST(values)
{
    char *dir = nvo_test_tmpdir("config-values");
    write_file(dir, "topo/t.xml",
               "<topology name=\"t\">\n"
               "<defaults>\n"
               "<fabric rate=\"25Gbps\" delay=\"2.5us\" mtu=\"9216\" "
               "queue=\"2MiB\" ctrl-queue=\"100KB\" framing=\"20\"/>\n"
               "<access rate=\"1Gbps\"/>\n"
               "</defaults>\n"
               "<node name=\"r1\" role=\"router\"/>\n"
               "<node name=\"r2\" role=\"router\"/>\n"
               "<node name=\"h1\" role=\"hypervisor\"/>\n"
               "<node name=\"h2\" role=\"hypervisor\"/>\n"
               "<link a=\"r1\" b=\"r2\"/>\n"
               "<link a=\"h1\" b=\"r1\"/>\n"
               "<link a=\"h2\" b=\"r2\" class=\"fabric\" rate=\"5Gbps\"/>\n"
               "</topology>\n");
    write_file(dir, "s/s.xml",
               "<scenario name=\"v\">\n"
               "<topology file=\"../topo/t.xml\"/>\n"
               "<run duration=\"20ms\" seed=\"18446744073709551615\" "
               "run=\"7\" engine=\"ns3\"/>\n"
               "<underlay ip=\"ipv6\" convergence-delay=\"0s\">\n"
               "<ecmp function=\"xor-fold\" seed=\"42\" "
               "fields=\"src-ip,dst-ip inner\" parser-depth=\"256B\"/>\n"
               "</underlay>\n"
               "<traffic>\n"
               "<flows pattern=\"all-to-all\" protocol=\"tcp\" "
               "src-port=\"1234\" "
               "dst-port=\"80\" start=\"1ms\" stop=\"2ms\">\n"
               "<size exponential-mean=\"1MiB\"/>\n"
               "<arrival rate=\"2500.5\"/>\n"
               "<packet mix=\"imix\"/>\n"
               "</flows>\n"
               "<flows pattern=\"random-pairs\">\n"
               "<size cdf=\"../cdf/w.cdf\"/>\n"
               "<packet size=\"9000\"/>\n"
               "</flows>\n"
               "</traffic>\n"
               "<events>\n"
               "<link-down at=\"1ms\" a=\"r2\" b=\"r1\"/>\n"
               "<node-up at=\"3ms\" node=\"h2\"/>\n"
               "</events>\n"
               "<output dir=\"out/v\" trace=\"true\">\n"
               "<pcap node=\"r1\"/>\n"
               "<pcap node=\"r1\" peer=\"h1\"/>\n"
               "<pcap node=\"r2\" port=\"2\"/>\n"
               "</output>\n"
               "</scenario>\n");
    write_file(dir, "cdf/w.cdf", "0 0\n1000 50\n3000 100\n");
    char *path = g_build_filename(dir, "s/s.xml", NULL);
    GError *error = NULL;
    struct nvo_scenario_cfg *s = nvo_scenario_load(path, NULL, 0, &error);
    ck_assert_msg(s != NULL, "%s", error ? error->message : "");
    const struct nvo_topo_cfg *t = s->topo;
    ck_assert_int_eq(t->generator, NVO_GEN_NONE);
    ck_assert_int_eq(t->n_nodes, 4);
    ck_assert_int_eq(t->n_links, 3);
    ck_assert_int_eq(t->links[0].cls, NVO_LINK_FABRIC);
    ck_assert_uint_eq(t->links[0].cfg.rate_bps, 25000000000ull);
    ck_assert_int_eq(t->links[0].cfg.delay, 2500 * NVO_NS);
    ck_assert_int_eq(t->links[0].cfg.mtu, 9216);
    ck_assert_uint_eq(t->links[0].cfg.queue_bytes, 2 << 20);
    ck_assert_uint_eq(t->links[0].cfg.ctrl_queue_bytes, 100000);
    ck_assert_int_eq(t->links[0].cfg.framing, 20);
    ck_assert_int_eq(t->links[1].cls, NVO_LINK_ACCESS);   /* inferred */
    ck_assert_uint_eq(t->links[1].cfg.rate_bps, 1000000000ull);
    ck_assert_int_eq(t->links[1].cfg.mtu, 1500);
    ck_assert_int_eq(t->links[2].cls, NVO_LINK_FABRIC);   /* written */
    ck_assert_uint_eq(t->links[2].cfg.rate_bps, 5000000000ull);
    ck_assert_int_eq(t->nodes[2].n_leaves, 0);            /* no leaf */

    ck_assert_int_eq(s->duration, 20 * NVO_MS);
    ck_assert_uint_eq(s->seed, UINT64_MAX);
    ck_assert_uint_eq(s->run, 7);
    ck_assert_str_eq(s->engine, "ns3");
    ck_assert_int_eq(s->underlay.ip, NVO_IP_V6);
    ck_assert_int_eq(s->underlay.convergence_delay, 0);
    ck_assert_int_eq(s->underlay.ecmp.fn, NVO_HASH_XOR_FOLD);
    ck_assert_int_eq(s->underlay.ecmp.seed_mode, NVO_HASH_SEED_FIXED);
    ck_assert_uint_eq(s->underlay.ecmp.seed, 42);
    ck_assert_uint_eq(s->underlay.ecmp.fields,
                      NVO_ECMP_SRC_IP | NVO_ECMP_DST_IP | NVO_ECMP_INNER);
    ck_assert_uint_eq(s->underlay.ecmp.parser_depth, 256);

    ck_assert_int_eq(s->n_flows, 2);
    const struct nvo_flows_cfg *f = &s->flows[0];
    ck_assert_int_eq(f->pattern, NVO_PATTERN_ALL_TO_ALL);
    ck_assert_int_eq(f->target, NVO_NODE_NONE);
    ck_assert_int_eq(f->proto, 6);
    ck_assert_int_eq(f->src_port, 1234);
    ck_assert_int_eq(f->dst_port, 80);
    ck_assert_int_eq(f->start, NVO_MS);
    ck_assert_int_eq(f->stop, 2 * NVO_MS);
    ck_assert_int_eq(f->size_dist, NVO_SIZE_EXPONENTIAL);
    ck_assert(f->size_mean == 1048576);
    ck_assert_int_eq(f->arrival, NVO_ARRIVAL_RATE);
    ck_assert(f->rate == 2500.5);
    ck_assert_int_eq(f->pkt_mode, NVO_PKT_IMIX);
    f = &s->flows[1];
    ck_assert_int_eq(f->size_dist, NVO_SIZE_CDF);
    ck_assert_int_eq(f->cdf.n, 3);
    ck_assert(fabs(f->size_mean - nvo_cdf_mean(&f->cdf)) < 1e-9);
    char *cdf = g_build_filename(dir, "cdf", "w.cdf", NULL);
    ck_assert_str_eq(f->cdf_path, cdf);
    g_free(cdf);
    ck_assert_int_eq(f->pkt_size, 9000);

    ck_assert_int_eq(s->n_events, 2);
    ck_assert_int_eq(s->events[0].kind, NVO_EV_LINK_DOWN);
    ck_assert_int_eq(s->events[0].at, NVO_MS);
    ck_assert_int_eq(s->events[0].link, 0);
    ck_assert_int_eq(s->events[0].line, 19);
    ck_assert_int_eq(s->events[1].kind, NVO_EV_NODE_UP);
    ck_assert_int_eq(s->events[1].node, 3);

    char *cwd = g_get_current_dir();
    char *out = g_build_filename(cwd, "out", "v", NULL);
    ck_assert_str_eq(s->output.dir, out);
    g_free(out);
    g_free(cwd);
    ck_assert(s->output.trace);
    ck_assert_int_eq(s->output.n_captures, 3);
    ck_assert_int_eq(s->output.captures[0].node, 0);
    ck_assert_int_eq(s->output.captures[0].port, 0);    /* every port */
    ck_assert_int_eq(s->output.captures[1].port, 2);    /* r1's to h1 */
    ck_assert_int_eq(s->output.captures[2].node, 1);
    ck_assert_int_eq(s->output.captures[2].port, 2);
    nvo_scenario_cfg_destroy(s);
    g_free(path);
    g_free(dir);
}
END_TEST

START_TEST(overrides)
{
    const char *sets[] = {
        "topology.spines=8", "run.seed=5", "underlay.ecmp.function=toeplitz",
        "underlay.ecmp.seed=fabric", "traffic.flows[1].pattern=incast",
        "traffic.flows.size.fixed=2MB", "topology.uplink.rate=100Gbps",
        "output.pcap.node=leaf2", "run.drain=true", "run.drain-limit=50ms",
    };
    struct nvo_scenario_cfg *s = load_scen("scenarios/ecmp-permutation.xml",
                                           sets, NVO_ARRAY_SIZE(sets));
    ck_assert(s->drain);
    ck_assert_int_eq(s->drain_limit, 50 * NVO_MS);
    const struct nvo_topo_cfg *t = s->topo;
    ck_assert_int_eq(t->spines, 8);
    ck_assert_int_eq(t->n_role[NVO_ROLE_SPINE], 8);
    ck_assert_int_eq(t->n_nodes, 8 + 16 + 128);
    ck_assert_int_eq(t->n_links, 8 * 16 + 128);
    ck_assert_uint_eq(link_between(t, "leaf1", "spine8")->cfg.rate_bps,
                      100000000000ull);
    ck_assert_uint_eq(s->seed, 5);
    ck_assert_int_eq(s->underlay.ecmp.fn, NVO_HASH_TOEPLITZ);
    ck_assert_int_eq(s->underlay.ecmp.seed_mode, NVO_HASH_SEED_FABRIC);
    ck_assert_int_eq(s->flows[0].pattern, NVO_PATTERN_INCAST);
    ck_assert_uint_eq(s->flows[0].size_fixed, 2000000);
    /* <pcap> was created inside the existing <output>. */
    ck_assert_int_eq(s->output.n_captures, 1);
    ck_assert_int_eq(s->output.captures[0].node, node(t, "leaf2"));
    /* The scenario as run. */
    ck_assert(strstr(s->xml, "seed=\"5\"") != NULL);
    ck_assert(strstr(s->xml, "function=\"toeplitz\"") != NULL);
    ck_assert(strstr(s->xml, "<pcap node=\"leaf2\"/>") != NULL);
    ck_assert(g_str_has_prefix(s->xml, "<scenario name=\"ecmp-permutation\""));
    ck_assert(strstr(t->xml, "spines=\"8\"") != NULL);
    ck_assert(strstr(t->xml, "rate=\"100Gbps\"") != NULL);
    nvo_scenario_cfg_destroy(s);

    /* Creating elements the file leaves out, at their schema place. */
    const char *more[] = {
        "run.duration=1ms", "output.trace=true", "underlay.ip=ipv6",
        "topology.uplink.mtu=1600", "events.node-down.at=0.5ms",
        "events.node-down.node=spine2",
    };
    s = load_scen("scenarios/websearch.xml", more, NVO_ARRAY_SIZE(more));
    ck_assert_int_eq(s->duration, NVO_MS);
    ck_assert(s->output.trace);
    ck_assert_int_eq(s->underlay.ip, NVO_IP_V6);
    ck_assert_int_eq(link_between(s->topo, "leaf1", "spine1")->cfg.mtu,
                     1600);
    ck_assert_uint_eq(link_between(s->topo, "leaf1", "spine1")->cfg.rate_bps,
                      40000000000ull);      /* still from <defaults> */
    ck_assert_int_eq(s->n_events, 1);
    ck_assert_int_eq(s->events[0].at, NVO_MS / 2);
    ck_assert_int_eq(s->events[0].node, node(s->topo, "spine2"));
    ck_assert_int_eq(s->events[0].kind, NVO_EV_NODE_DOWN);
    ck_assert_int_eq(s->flows[0].stop, NVO_MS);
    nvo_scenario_cfg_destroy(s);

    /* An index one past the last element adds one. */
    const char *add[] = {
        "traffic.flows[2].pattern=incast", "traffic.flows[2].fan-in=2",
        "traffic.flows[2].size.exponential-mean=10KB",
    };
    s = load_scen("scenarios/websearch.xml", add, NVO_ARRAY_SIZE(add));
    ck_assert_int_eq(s->n_flows, 2);
    ck_assert_int_eq(s->flows[0].pattern, NVO_PATTERN_RANDOM_PAIRS);
    ck_assert_int_eq(s->flows[1].pattern, NVO_PATTERN_INCAST);
    ck_assert_int_eq(s->flows[1].fan_in, 2);
    ck_assert_int_eq(s->flows[1].size_dist, NVO_SIZE_EXPONENTIAL);
    ck_assert(s->flows[1].size_mean == 10000);
    nvo_scenario_cfg_destroy(s);

    /* The last of two overrides of one attribute wins; topology.file. */
    const char *twice[] = {
        "run.seed=5", "run.seed=6",
        "topology.file=../topologies/dual-homed.xml",
    };
    s = load_scen("scenarios/websearch.xml", twice, 3);
    ck_assert_uint_eq(s->seed, 6);
    ck_assert_str_eq(s->topo->name, "dual-homed");
    nvo_scenario_cfg_destroy(s);
}
END_TEST

/* <sweep>: kept as written, lists checked; --set reaches it. */
START_TEST(sweep_element)
{
    char *dir = nvo_test_tmpdir("config-sweep");
    write_file(dir, "t.xml", TOPO);
    write_file(dir, "s.xml", SCEN "<sweep runs=\"4\">\n"
               "<vary path=\"underlay.ecmp.function\" "
               "values=\"crc32,toeplitz\"/>\n"
               "<vary path=\"topology.spines\" values=\"2:8:x2\"/>\n"
               "</sweep>\n</scenario>\n");
    char *path = g_build_filename(dir, "s.xml", NULL);
    GError *error = NULL;
    struct nvo_scenario_cfg *s = nvo_scenario_load(path, NULL, 0, &error);
    ck_assert_msg(s != NULL, "%s", error ? error->message : "");
    ck_assert(s->sweep.present);
    ck_assert_int_eq(s->sweep.line, 3);
    ck_assert_uint_eq(s->sweep.runs, 4);
    ck_assert_int_eq(s->sweep.n_vary, 2);
    ck_assert_str_eq(s->sweep.vary[0].path, "underlay.ecmp.function");
    ck_assert_str_eq(s->sweep.vary[0].values, "crc32,toeplitz");
    ck_assert_int_eq(s->sweep.vary[0].line, 4);
    ck_assert_str_eq(s->sweep.vary[1].path, "topology.spines");
    ck_assert_str_eq(s->sweep.vary[1].values, "2:8:x2");
    /* The scenario itself is unchanged by its sweep. */
    ck_assert_int_eq(s->underlay.ecmp.fn, NVO_HASH_CRC32);
    ck_assert_int_eq(s->topo->spines, 2);
    nvo_scenario_cfg_destroy(s);

    const char *sets[] = { "sweep.runs=7", "sweep.vary[3].path=run.seed",
                           "sweep.vary[3].values=1:3" };
    s = nvo_scenario_load(path, sets, 3, &error);
    ck_assert_msg(s != NULL, "%s", error ? error->message : "");
    ck_assert_uint_eq(s->sweep.runs, 7);
    ck_assert_int_eq(s->sweep.n_vary, 3);
    ck_assert_str_eq(s->sweep.vary[2].values, "1:3");
    ck_assert_int_eq(s->sweep.vary[2].line, 0);
    nvo_scenario_cfg_destroy(s);

    /* Without <sweep>: not present, 1 run. */
    write_file(dir, "s.xml", SCEN "</scenario>\n");
    s = nvo_scenario_load(path, NULL, 0, &error);
    ck_assert_msg(s != NULL, "%s", error ? error->message : "");
    ck_assert(!s->sweep.present);
    ck_assert_uint_eq(s->sweep.runs, 1);
    ck_assert_int_eq(s->sweep.n_vary, 0);
    nvo_scenario_cfg_destroy(s);
    g_free(path);
    g_free(dir);
}
END_TEST

START_TEST(examples)
{
    struct nvo_scenario_cfg *s = load_scen("scenarios/websearch.xml", NULL, 0);
    ck_assert_int_eq(s->flows[0].size_dist, NVO_SIZE_CDF);
    ck_assert(g_str_has_suffix(s->flows[0].cdf_path,
                               "/scenarios/cdf/websearch.cdf"));
    ck_assert(s->flows[0].cdf.n > 2);
    ck_assert(fabs(s->flows[0].size_mean - nvo_cdf_mean(&s->flows[0].cdf))
              < 1e-6);
    ck_assert_int_eq(s->flows[0].pattern, NVO_PATTERN_RANDOM_PAIRS);
    nvo_scenario_cfg_destroy(s);

    s = load_scen("scenarios/spine-failure.xml", NULL, 0);
    ck_assert_int_eq(s->n_events, 2);
    ck_assert_int_eq(s->events[0].kind, NVO_EV_NODE_DOWN);
    ck_assert_int_eq(s->events[0].node, node(s->topo, "spine1"));
    ck_assert_int_eq(s->events[0].at, NVO_MS);
    ck_assert_int_eq(s->events[1].kind, NVO_EV_NODE_UP);
    ck_assert_int_eq(s->output.n_captures, 1);
    ck_assert_int_eq(s->output.captures[0].node, node(s->topo, "leaf1"));
    ck_assert_int_eq(s->output.captures[0].port, 2);   /* to spine2 */
    ck_assert_int_eq(s->underlay.convergence_delay, 200 * NVO_US);
    nvo_scenario_cfg_destroy(s);

    s = load_scen("scenarios/ecmp-permutation.xml", NULL, 0);
    ck_assert_str_eq(s->topo->name, "leaf-spine-4x16x8");
    ck_assert_int_eq(s->flows[0].pattern, NVO_PATTERN_PERMUTATION);
    nvo_scenario_cfg_destroy(s);
}
END_TEST

/* Every scenario and topology in the source tree loads. */
START_TEST(every_file_validates)
{
    static const char *const globs[] = {
        "scenarios/*.xml", "topologies/*.xml",
    };
    size_t n_files = 0;
    for (size_t g = 0; g < NVO_ARRAY_SIZE(globs); g++) {
        glob_t gl;
        char *pattern = g_build_filename(NVO_SOURCE_DIR, globs[g], NULL);
        ck_assert_int_eq(glob(pattern, 0, NULL, &gl), 0);
        for (size_t i = 0; i < gl.gl_pathc; i++) {
            const char *path = gl.gl_pathv[i];
            GError *error = NULL;
            enum nvo_config_kind kind = nvo_config_kind_of(path, &error);
            ck_assert_msg(kind == (g ? NVO_CONFIG_TOPOLOGY
                                     : NVO_CONFIG_SCENARIO),
                          "%s: %s", path, error ? error->message : "kind");
            if (kind == NVO_CONFIG_SCENARIO) {
                struct nvo_scenario_cfg *s = nvo_scenario_load(path, NULL, 0,
                                                               &error);
                ck_assert_msg(s != NULL, "%s", error ? error->message : "");
                nvo_scenario_cfg_destroy(s);
            } else {
                struct nvo_topo_cfg *t = nvo_topo_load(path, NULL, 0, &error);
                ck_assert_msg(t != NULL, "%s", error ? error->message : "");
                nvo_topo_cfg_destroy(t);
            }
            n_files++;
        }
        globfree(&gl);
        g_free(pattern);
    }
    ck_assert_int_ge(n_files, 7);
}
END_TEST

START_TEST(kind_of)
{
    GError *error = NULL;
    ck_assert_int_eq(nvo_config_kind_of(
        nvo_test_src("topologies/leaf-spine-small.xml"), NULL),
        NVO_CONFIG_TOPOLOGY);
    ck_assert_int_eq(nvo_config_kind_of(
        nvo_test_src("scenarios/websearch.xml"), NULL), NVO_CONFIG_SCENARIO);
    char *dir = nvo_test_tmpdir("config-kind");
    write_file(dir, "x.xml", "<?xml version=\"1.0\"?>\n<!-- x -->\n"
               "<grammar\n  a=\"b\"/>\n");
    char *path = g_build_filename(dir, "x.xml", NULL);
    ck_assert_int_eq(nvo_config_kind_of(path, &error), NVO_CONFIG_UNKNOWN);
    char *expect = g_strdup_printf("%s:3: the root element is <grammar>; "
                                   "expected <scenario> or <topology>", path);
    ck_assert_str_eq(error->message, expect);
    g_free(expect);
    g_clear_error(&error);
    write_file(dir, "y.xml", "<scenario>\n");
    g_free(path);
    path = g_build_filename(dir, "y.xml", NULL);
    ck_assert_int_eq(nvo_config_kind_of(path, &error), NVO_CONFIG_UNKNOWN);
    expect = g_strdup_printf("%s:2: Premature end of data in tag scenario "
                             "line 1", path);
    ck_assert_str_eq(error->message, expect);
    g_free(expect);
    g_clear_error(&error);
    g_free(path);
    g_free(dir);
}
END_TEST

START_TEST(schema_dir)
{
    char *old = g_strdup(getenv("NVO_SCHEMA_DIR"));
    setenv("NVO_SCHEMA_DIR", "/nonexistent", 1);
    ck_assert_str_eq(nvo_config_schema_dir(), "/nonexistent");
    GError *error = NULL;
    struct nvo_topo_cfg *t = nvo_topo_load(
        nvo_test_src("topologies/leaf-spine-small.xml"), NULL, 0, &error);
    ck_assert(t == NULL);
    ck_assert_int_eq(error->code, NVO_CONFIG_ERROR_SCHEMA);
    ck_assert_msg(g_str_has_prefix(error->message, "/nonexistent/topologies/"
                                   "topology.rng: cannot load the schema"),
                  "%s", error->message);
    g_clear_error(&error);
    if (old) {
        setenv("NVO_SCHEMA_DIR", old, 1);
    } else {
        unsetenv("NVO_SCHEMA_DIR");
        ck_assert_str_eq(nvo_config_schema_dir(), NVO_SOURCE_DIR);
    }
    g_free(old);
}
END_TEST

/* libxml2 must not print: its messages come back in the GError. */
START_TEST(quiet_libxml2)
{
    char *dir = nvo_test_tmpdir("config-quiet");
    write_file(dir, "s.xml", "<scenario name=\"s\">\n<run seed=\"x\"/>\n"
               "<oops>\n");
    char *path = g_build_filename(dir, "s.xml", NULL);
    char *err_path = g_build_filename(dir, "stderr.txt", NULL);
    fflush(stderr);
    int saved = dup(2);
    FILE *f = fopen(err_path, "w");
    ck_assert(f != NULL);
    dup2(fileno(f), 2);
    GError *error = NULL;
    ck_assert(nvo_scenario_load(path, NULL, 0, &error) == NULL);
    g_clear_error(&error);
    ck_assert(nvo_topo_load(path, NULL, 0, &error) == NULL);
    g_clear_error(&error);
    ck_assert_int_eq(nvo_config_kind_of(path, &error), NVO_CONFIG_UNKNOWN);
    g_clear_error(&error);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    fclose(f);
    struct stat st;
    ck_assert_int_eq(stat(err_path, &st), 0);
    ck_assert_int_eq(st.st_size, 0);
    g_free(err_path);
    g_free(path);
    g_free(dir);
}
END_TEST

/* ---- --list-settings -------------------------------------------------- */

static const struct nvo_setting *
find_setting(const GPtrArray *list, const char *path)
{
    for (guint i = 0; i < list->len; i++) {
        const struct nvo_setting *s = list->pdata[i];
        if (!strcmp(s->path, path)) {
            return s;
        }
    }
    return NULL;
}

START_TEST(settings)
{
    static const char *const sets[] = { "run.seed=7", "topology.spines=3" };
    GError *error = NULL;
    GPtrArray *list = nvo_settings_list(
        nvo_test_src("scenarios/websearch.xml"), sets, 2, &error);
    ck_assert_msg(list != NULL, "%s", error ? error->message : "");
    /* Known paths with their type, unit, default and current value. */
    const struct nvo_setting *s = find_setting(list, "run.duration");
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s->type, "time");
    ck_assert_str_eq(s->unit, "ps, ns, us, ms, s");
    ck_assert_str_eq(s->dflt, "10ms");
    ck_assert_str_eq(s->value, "200ms");
    s = find_setting(list, "run.drain-limit");
    ck_assert_str_eq(s->type, "time");
    ck_assert_str_eq(s->dflt, "1s");
    s = find_setting(list, "run.seed");
    ck_assert_str_eq(s->dflt, "1");
    ck_assert_str_eq(s->value, "7");                    /* overridden */
    s = find_setting(list, "run.engine");
    ck_assert_str_eq(s->type, "native|ns3");            /* from the schema */
    ck_assert_ptr_null(s->value);
    s = find_setting(list, "traffic.flows[1].size.cdf");
    ck_assert_str_eq(s->value, "cdf/websearch.cdf");
    s = find_setting(list, "traffic.flows[1].arrival.load");
    ck_assert_str_eq(s->dflt, "0.5");
    ck_assert_str_eq(s->value, "0.3");
    s = find_setting(list, "topology.spines");
    ck_assert_str_eq(s->type, "integer");
    ck_assert_str_eq(s->value, "3");
    s = find_setting(list, "topology.defaults.access.rate");
    ck_assert_str_eq(s->unit, "bps, kbps, Mbps, Gbps, Tbps");
    ck_assert_str_eq(s->dflt, "10Gbps");
    ck_assert_str_eq(s->value, "10Gbps");
    ck_assert_ptr_nonnull(find_setting(list, "output.pcap[1].node"));
    /* Only the generator in the file. */
    ck_assert_ptr_null(find_setting(list, "topology.pods"));
    ck_assert_ptr_null(find_setting(list, "topology.leaf-spine.spines"));
    /* In schema order, the scenario's first, each path once. */
    ck_assert_str_eq(((struct nvo_setting *) list->pdata[0])->path, "name");
    ck_assert_str_eq(((struct nvo_setting *) list->pdata[1])->path,
                     "topology.file");
    GHashTable *paths = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; i < list->len; i++) {
        s = list->pdata[i];
        ck_assert_msg(g_hash_table_add(paths, s->path), "%s twice", s->path);
    }
    g_hash_table_destroy(paths);
    g_ptr_array_free(list, TRUE);

    /* Every attribute of every example is documented, and every path
     * listed is one that --set takes (setting it to its current value, or
     * skipping it, loads). */
    glob_t g;
    ck_assert_int_eq(glob(nvo_test_src("scenarios/*.xml"), 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        list = nvo_settings_list(g.gl_pathv[i], NULL, 0, &error);
        ck_assert_msg(list != NULL, "%s", error ? error->message : "");
        GPtrArray *again = g_ptr_array_new_with_free_func(g_free);
        for (guint j = 0; j < list->len; j++) {
            s = list->pdata[j];
            ck_assert_msg(s->documented && *s->type, "%s: %s has no type",
                          g.gl_pathv[i], s->path);
            if (s->value) {
                g_ptr_array_add(again, g_strdup_printf("%s=%s", s->path,
                                                       s->value));
            }
        }
        struct nvo_scenario_cfg *cfg = nvo_scenario_load(
            g.gl_pathv[i], (const char *const *) again->pdata, again->len,
            &error);
        ck_assert_msg(cfg != NULL, "%s: %s", g.gl_pathv[i],
                      error ? error->message : "");
        nvo_scenario_cfg_destroy(cfg);
        g_ptr_array_free(again, TRUE);
        g_ptr_array_free(list, TRUE);
    }
    globfree(&g);
}
END_TEST

/* The <cpu> costs' defaults in the listing follow the scenario's
 * encapsulation (overlay/cpu_cost.c's cited defaults): Geneve's 48.5 and
 * 33.2 per frame, 0.044 per byte of checksum for any; NVGRE none per
 * frame, so "(required for nvgre)"; the byte and replica costs have no
 * default for any encapsulation, "(required)". */
START_TEST(settings_cpu_defaults)
{
    bool geneve = _i == 0;
    const char *sets[] = {
        geneve ? "overlay.encap=geneve" : "overlay.encap=nvgre",
        "overlay.cpu.encap-frame-cycles=1000",
        "overlay.cpu.decap-frame-cycles=800",
        "overlay.cpu.encap-byte-cycles=0.5",
        "overlay.cpu.decap-byte-cycles=0.25",
        "overlay.cpu.replica-frame-cycles=300",
        "overlay.cpu.replica-byte-cycles=0.125",
    };
    GError *error = NULL;
    GPtrArray *list = nvo_settings_list(
        nvo_test_src("scenarios/overlay-encap.xml"), sets,
        NVO_ARRAY_SIZE(sets), &error);
    ck_assert_msg(list != NULL, "%s", error ? error->message : "");
    const char *const want[][2] = {
        { "overlay.cpu.encap-frame-cycles",
          geneve ? "48.5" : "(required for nvgre)" },
        { "overlay.cpu.decap-frame-cycles",
          geneve ? "33.2" : "(required for nvgre)" },
        { "overlay.cpu.csum-byte-cycles", "0.044" },
        { "overlay.cpu.encap-byte-cycles", "(required)" },
        { "overlay.cpu.replica-byte-cycles", "(required)" },
        { "overlay.cpu.tso", "on" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(want); i++) {
        const struct nvo_setting *s = find_setting(list, want[i][0]);
        ck_assert_msg(s, "no %s", want[i][0]);
        ck_assert_str_eq(s->dflt, want[i][1]);
    }
    /* The value given, next to the default. */
    ck_assert_str_eq(find_setting(list, "overlay.cpu.encap-frame-cycles")
                     ->value, "1000");
    g_ptr_array_free(list, TRUE);
}
END_TEST

static Suite *
config_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("bad");
    /* A few cases generate half a million links before refusing them:
     * a second alone, many under a sanitizer on a loaded machine. */
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, bad_inputs, 0, NVO_ARRAY_SIZE(bad_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("good");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, leaf_spine_4x16x8);
    tcase_add_test(tc, five_stage);
    tcase_add_test(tc, dual_homed);
    tcase_add_test(tc, defaults);
    tcase_add_test(tc, values);
    tcase_add_test(tc, overrides);
    tcase_add_test(tc, sweep_element);
    tcase_add_test(tc, examples);
    tcase_add_test(tc, every_file_validates);
    tcase_add_test(tc, kind_of);
    tcase_add_test(tc, schema_dir);
    tcase_add_test(tc, quiet_libxml2);
    tcase_add_test(tc, settings);
    tcase_add_loop_test(tc, settings_cpu_defaults, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(config_suite());
}
