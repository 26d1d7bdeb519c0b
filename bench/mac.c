/* mac.c: "nvosim bench mac", the PE's MAC table (overlay/mac_table.h) in
 * the two layouts a PE could use: one table keyed by (VNI, MAC) for all
 * its tenants, or one table per VNI (reached by the tenant's index, which
 * the PE already has when it looks up).  For each size VxM (V VNIs, M
 * remote MACs learned in each), it learns every MAC, looks up random
 * (VNI, MAC) pairs that are there and ones that are not, and learns every
 * MAC again (refreshes), --repeat rounds of one layout then the other,
 * and prints the best ns per operation of each, the ratio per-VNI / one
 * table (above 1: one table is faster), and the bytes per entry that the
 * memory accounts counted (entries, slots, spare capacity, table
 * structs). */
#include "bench.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "core/mem.h"
#include "core/rng.h"
#include "overlay/mac_table.h"

struct size {
    uint32_t v, m;
};

struct res {
    double build_ns, hit_ns, miss_ns, refresh_ns;   /* per operation */
    uint64_t bytes;
    uint64_t hits;
};

static double
now_ns__(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static inline uint64_t
mac_of__(uint32_t m)
{
    /* Distinct for distinct m (odd multiplier modulo 2^40). */
    return 0x020000000000ull
           | (((uint64_t) m * 0x9e3779b97full) & 0xffffffffffull);
}

/* One round of one layout: per_vni false = one table. */
static void
round__(struct size sz, bool per_vni, const uint32_t *qv, const uint32_t *qm,
        uint64_t nq, struct res *r)
{
    struct nvo_mem_acct acct;
    nvo_mem_acct_init(&acct, NULL);
    uint32_t nt = per_vni ? sz.v : 1;
    struct nvo_mac_table **t = g_new(struct nvo_mac_table *, nt);
    struct nvo_mac_table_cfg cfg = { .acct = &acct, .hash_basis = 1 };
    for (uint32_t i = 0; i < nt; i++) {
        if (nvo_mac_table_create(&cfg, &t[i])) {
            abort();
        }
    }
    const struct nvo_mac_loc pe = { .remote = true, .index = 7 };
    double t0 = now_ns__();
    for (uint32_t v = 0; v < sz.v; v++) {
        struct nvo_mac_table *tv = t[per_vni ? v : 0];
        for (uint32_t m = 0; m < sz.m; m++) {
            nvo_mac_table_learn(tv, 1000 + v, mac_of__(m), pe,
                                NVO_MAC_ORIGIN_DATA, 0, 0, 0, NULL);
        }
    }
    double t1 = now_ns__();
    uint64_t hits = 0;
    for (uint64_t q = 0; q < nq; q++) {
        hits += nvo_mac_table_lookup(t[per_vni ? qv[q] : 0], 1000 + qv[q],
                                     mac_of__(qm[q]), 1) != NULL;
    }
    double t2 = now_ns__();
    for (uint64_t q = 0; q < nq; q++) {
        hits += nvo_mac_table_lookup(t[per_vni ? qv[q] : 0], 1000 + qv[q],
                                     mac_of__(qm[q] + sz.m), 1) != NULL;
    }
    double t3 = now_ns__();
    for (uint64_t q = 0; q < nq; q++) {
        nvo_mac_table_learn(t[per_vni ? qv[q] : 0], 1000 + qv[q],
                            mac_of__(qm[q]), pe, NVO_MAC_ORIGIN_DATA, 0, 0,
                            2, NULL);
    }
    double t4 = now_ns__();
    double n = (double) sz.v * sz.m;
    r->build_ns = (t1 - t0) / n;
    r->hit_ns = (t2 - t1) / (double) nq;
    r->miss_ns = (t3 - t2) / (double) nq;
    r->refresh_ns = (t4 - t3) / (double) nq;
    r->bytes = nvo_mem_acct_bytes(&acct);
    r->hits = hits;
    for (uint32_t i = 0; i < nt; i++) {
        nvo_mac_table_destroy(t[i]);
    }
    g_free(t);
    nvo_mem_acct_fini(&acct);
}

static void
best__(struct res *b, const struct res *r, bool first)
{
    if (first) {
        *b = *r;
        return;
    }
    b->build_ns = NVO_MIN(b->build_ns, r->build_ns);
    b->hit_ns = NVO_MIN(b->hit_ns, r->hit_ns);
    b->miss_ns = NVO_MIN(b->miss_ns, r->miss_ns);
    b->refresh_ns = NVO_MIN(b->refresh_ns, r->refresh_ns);
}

static int
usage__(FILE *f)
{
    fprintf(f,
            "usage: nvosim bench mac [--sizes VxM[,VxM...]] [--lookups N] "
            "[--repeat R]\n\n"
            "The PE's MAC table: one table keyed by (VNI, MAC) against one "
            "table per VNI.\n"
            "  --sizes    V VNIs with M remote MACs each (default "
            "100x100,100x1000)\n"
            "  --lookups  random lookups per round (default 1e6)\n"
            "  --repeat   rounds, best of (default 5)\n");
    return f == stdout ? 0 : 2;
}

int
nvo_bench_mac_main(int argc, char **argv)
{
    const char *sizes = "100x100,100x1000";
    uint64_t nq = 1000000, repeat = 5;
    static const char *const names[] = { "--sizes", "--lookups",
                                         "--repeat" };
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            return usage__(stdout);
        }
        const char *val;
        int o = nvo_bench_opt_value(argc, argv, &i, names, 3, &val);
        if (o == 0) {
            sizes = val;
        } else if (o == 1 && nvo_bench_parse_count(val, 1, 100000000, &nq)) {
        } else if (o == 2 && nvo_bench_parse_count(val, 1, 1000, &repeat)) {
        } else {
            fprintf(stderr, "nvosim bench mac: bad option \"%s\"\n", argv[i]);
            return usage__(stderr);
        }
    }
    struct size sz[16];
    size_t n_sz = 0;
    for (const char *p = sizes; *p;) {
        unsigned v, m;
        int used;
        if (n_sz == NVO_ARRAY_SIZE(sz)
            || sscanf(p, "%ux%u%n", &v, &m, &used) != 2 || !v || !m
            || (uint64_t) v * m > 10000000 || (p[used] && p[used] != ',')) {
            fprintf(stderr, "nvosim bench mac: --sizes \"%s\": expected up "
                    "to 16 VxM, V x M at most 1e7\n", sizes);
            return 2;
        }
        sz[n_sz++] = (struct size) { v, m };
        p += used + (p[used] == ',');
    }
    printf("MAC table: one table keyed by (VNI, MAC) vs one table per VNI; "
           "%" PRIu64 " random lookups, best of %" PRIu64 " rounds\n\n",
           nq, repeat);
    printf("%-10s %8s  %-9s %8s %8s %8s %8s %9s\n", "VNIsxMACs", "entries",
           "layout", "learn", "hit", "miss", "refresh", "bytes/MAC");
    printf("%-10s %8s  %-9s %8s %8s %8s %8s %9s\n", "", "", "", "ns", "ns",
           "ns", "ns", "");
    uint32_t *qv = g_new(uint32_t, nq);
    uint32_t *qm = g_new(uint32_t, nq);
    for (size_t s = 0; s < n_sz; s++) {
        struct nvo_rng rng;
        nvo_rng_init(&rng, 42, s, "bench-mac");
        for (uint64_t q = 0; q < nq; q++) {
            qv[q] = (uint32_t) nvo_rng_below(&rng, sz[s].v);
            qm[q] = (uint32_t) nvo_rng_below(&rng, sz[s].m);
        }
        struct res best[2], r;
        for (uint64_t k = 0; k < repeat; k++) {
            for (int l = 0; l < 2; l++) {
                round__(sz[s], l == 1, qv, qm, nq, &r);
                if (r.hits != nq) {
                    fprintf(stderr, "nvosim bench mac: %" PRIu64 " hits of "
                            "%" PRIu64 " lookups\n", r.hits, nq);
                    return 1;
                }
                best__(&best[l], &r, k == 0);
            }
        }
        uint64_t n = (uint64_t) sz[s].v * sz[s].m;
        char label[32];
        snprintf(label, sizeof label, "%ux%u", sz[s].v, sz[s].m);
        for (int l = 0; l < 2; l++) {
            char ns[24] = "";
            if (!l) {
                snprintf(ns, sizeof ns, "%" PRIu64, n);
            }
            printf("%-10s %8s  %-9s %8.1f %8.1f %8.1f %8.1f %9.1f\n",
                   l ? "" : label, ns,
                   l ? "per-VNI" : "one", best[l].build_ns, best[l].hit_ns,
                   best[l].miss_ns, best[l].refresh_ns,
                   (double) best[l].bytes / (double) n);
        }
        printf("%-10s %8s  %-9s %8.2f %8.2f %8.2f %8.2f %9.2f\n", "", "",
               "ratio", best[1].build_ns / best[0].build_ns,
               best[1].hit_ns / best[0].hit_ns,
               best[1].miss_ns / best[0].miss_ns,
               best[1].refresh_ns / best[0].refresh_ns,
               (double) best[1].bytes / (double) best[0].bytes);
    }
    printf("\nratio: per-VNI / one table (above 1: one table is faster or "
           "smaller)\n");
    g_free(qv);
    g_free(qm);
    return 0;
}
