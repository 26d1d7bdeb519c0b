/* report_data.h: what the run report (report.h) reads from a run's
 * folder: results.xml (nodes, link directions, tiers, ECMP next hops, the
 * run's identity), summary.csv (the headline row), and when present
 * series.csv (control messages and table sizes over time, reduced to a
 * sum, a maximum and a count per sample) and flows.csv (the completion
 * times of the completed flows).  Formats: docs/outputs.md.  Errors read
 * "FILE:LINE: what is wrong" (or "FILE: what is wrong"). */
#ifndef NVO_REPORT_DATA_H
#define NVO_REPORT_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "analysis/summarize.h"

struct nvo_rep_node {
    char *name;
    char *role;                 /* hypervisor, leaf, spine, ... */
};

struct nvo_rep_link {           /* one <link>: a link direction */
    size_t from, to;            /* node indexes */
    unsigned port;
    char *tier;
    bool up;
    double utilization;
    uint64_t bytes_data, bytes_bum, bytes_control;
    uint64_t frames_data, frames_bum, frames_control;
};

struct nvo_rep_nh {             /* one <next-hop> */
    unsigned port;
    char *peer;
    uint64_t frames, bytes, flows;
};

struct nvo_rep_switch {         /* one <ecmp><switch> */
    char *name, *role;
    double jain, max_over_mean; /* NAN when missing */
    size_t n_nh;
    struct nvo_rep_nh *nh;
};

struct nvo_rep_tier {           /* one <tiers><tier> */
    char *name;
    uint64_t links, bytes_data, bytes_bum, bytes_control;
    double mean_util, max_util, jain, max_over_mean;  /* NAN: missing */
};

/* The series' metrics the report draws. */
enum nvo_rep_series_metric {
    NVO_REP_BGP_MSGS,           /* bgp msgs_out */
    NVO_REP_BGP_LOC_RIB,        /* bgp loc_rib */
    NVO_REP_PE_MAC,             /* pe mac_entries */
    NVO_REP_LDP_MSGS,           /* ldp msgs_out */
    NVO_REP_LINK_DATA,          /* link tx_bytes_data */
    NVO_REP_LINK_BUM,           /* link tx_bytes_bum */
    NVO_REP_LINK_CONTROL,       /* link tx_bytes_control */
    NVO_REP_SERIES_N,
};

/* Per sample (time) and metric: the sum, maximum and number of rows
 * (entities).  A metric without rows has count 0 at every sample. */
struct nvo_rep_series {
    GArray *times;              /* double, microseconds */
    GArray *sum[NVO_REP_SERIES_N];      /* double */
    GArray *max[NVO_REP_SERIES_N];      /* double */
    GArray *count[NVO_REP_SERIES_N];    /* guint */
    uint64_t rows;
};

struct nvo_rep_run {
    char *dir;
    char *results_path;
    /* <run> attributes as written (NULL when absent). */
    char *scenario, *file, *engine, *seed, *run, *sim_time, *events,
         *fingerprint;
    char *topology;             /* <scenario-as-run><topology name> */
    GPtrArray *warnings;        /* char *: "about: text" */
    GArray *nodes;              /* struct nvo_rep_node */
    GArray *links;              /* struct nvo_rep_link */
    GArray *tiers;              /* struct nvo_rep_tier */
    GArray *switches;           /* struct nvo_rep_switch */
    size_t n_next_hops;         /* over every switch */
    char *ecmp_function, *ecmp_fields;  /* NULL without <ecmp> */
    struct nvo_csv *summary;    /* summary.csv */
    bool has_flows;
    size_t flows;               /* rows of flows.csv */
    GArray *fct_us;             /* double: completed flows, sorted */
    bool has_series;
    struct nvo_rep_series series;
};

/* Reads the run folder 'dir'.  Returns NULL with 'error' set
 * (NVO_REPORT_ERROR): results.xml or summary.csv cannot be read, is not
 * well-formed, lacks an element or attribute the report needs, or names
 * a node <network> does not list; series.csv or flows.csv is malformed. */
struct nvo_rep_run *nvo_rep_run_load(const char *dir, GError **error);

/* Accepts NULL. */
void nvo_rep_run_destroy(struct nvo_rep_run *);

#endif
