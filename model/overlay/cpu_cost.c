/* cpu_cost.c: the CPU cost model of a hypervisor PE (see cpu_cost.h and
 * docs/cpu.md). */
#include "overlay/cpu_cost.h"

#include "core/nvo.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const param_names__[NVO_CPU_N_PARAMS] = {
    [NVO_CPU_ENCAP_FRAME] = "encap-frame-cycles",
    [NVO_CPU_ENCAP_BYTE] = "encap-byte-cycles",
    [NVO_CPU_DECAP_FRAME] = "decap-frame-cycles",
    [NVO_CPU_DECAP_BYTE] = "decap-byte-cycles",
    [NVO_CPU_REPLICA_FRAME] = "replica-frame-cycles",
    [NVO_CPU_REPLICA_BYTE] = "replica-byte-cycles",
    [NVO_CPU_CSUM_BYTE] = "csum-byte-cycles",
};

/* The defaults taken from published measurements, and only those
 * (docs/cpu.md, "Defaults and sources", has the full citations):
 * - VPP graph-node clocks per packet on Skylake, from FDio/vpp commit
 *   messages by Zhiyong Yang (Intel), May 2019: the encap or decap node
 *   alone (no NIC rx/tx, no lookup, no rewrite).  geneve-encap 48.5
 *   (a80d9cfcac02), geneve-input 33.2 (d3ebc83af33b), vxlan-gpe encap
 *   37.6 (359776abfb80).
 * - VPP's VXLAN nodes on Haswell (E5-2667 v3, TSC 3.2 GHz), 4k tunnels,
 *   from the `show runtime` pasted in FDio Gerrit change 15098 (patch
 *   set 2's review comment, 2018-10-03; the change merged as
 *   efd9cf302ff6): vxlan4-encap 54.3 at 256 vectors per call,
 *   vxlan4-input 30.4 at 156.7, with the change's code.
 * - Linux csum_partial on Icelake, rdtsc, data in cache: N. Goldstein,
 *   commit 688eb8191b47 (2023, v6.5): (72.01 - 6.65) / (1552 - 64) =
 *   0.043925 cycles per byte, rounded to the model's millicycles: 0.044.
 * Nothing published gives the per-byte encap / decap costs, the replica
 * costs or the other encapsulations' per-frame costs: those stay
 * required. */
static const struct nvo_cpu_default defaults__[] = {
    { NVO_CPU_ENCAP_FRAME, "geneve", 48500, "vpp-a80d9cfcac02" },
    { NVO_CPU_ENCAP_FRAME, "vxlan-gpe", 37600, "vpp-359776abfb80" },
    { NVO_CPU_ENCAP_FRAME, "vxlan", 54300, "vpp-gerrit-15098" },
    { NVO_CPU_DECAP_FRAME, "geneve", 33200, "vpp-d3ebc83af33b" },
    { NVO_CPU_DECAP_FRAME, "vxlan", 30400, "vpp-gerrit-15098" },
    { NVO_CPU_CSUM_BYTE, NULL, 44, "linux-688eb8191b47" },
};

const char *
nvo_cpu_param_name(enum nvo_cpu_param p)
{
    return p < NVO_CPU_N_PARAMS ? param_names__[p] : NULL;
}

enum nvo_cpu_param
nvo_cpu_param_lookup(const char *name)
{
    for (int p = 0; p < NVO_CPU_N_PARAMS; p++) {
        if (!strcmp(param_names__[p], name)) {
            return (enum nvo_cpu_param) p;
        }
    }
    return NVO_CPU_N_PARAMS;
}

uint64_t *
nvo_cpu_param_mc(struct nvo_cpu_cost_cfg *c, enum nvo_cpu_param p)
{
    switch (p) {
    case NVO_CPU_ENCAP_FRAME:
        return &c->encap_frame;
    case NVO_CPU_ENCAP_BYTE:
        return &c->encap_byte;
    case NVO_CPU_DECAP_FRAME:
        return &c->decap_frame;
    case NVO_CPU_DECAP_BYTE:
        return &c->decap_byte;
    case NVO_CPU_REPLICA_FRAME:
        return &c->replica_frame;
    case NVO_CPU_REPLICA_BYTE:
        return &c->replica_byte;
    case NVO_CPU_CSUM_BYTE:
        return &c->csum_byte;
    case NVO_CPU_N_PARAMS:
        break;
    }
    return NULL;
}

const struct nvo_cpu_default *
nvo_cpu_default_find(enum nvo_cpu_param p, const char *encap)
{
    for (size_t i = 0; i < NVO_ARRAY_SIZE(defaults__); i++) {
        const struct nvo_cpu_default *d = &defaults__[i];
        if (d->param == p
            && (!d->encap || (encap && !strcmp(d->encap, encap)))) {
            return d;
        }
    }
    return NULL;
}

const struct nvo_cpu_default *
nvo_cpu_defaults(size_t *n)
{
    *n = NVO_ARRAY_SIZE(defaults__);
    return defaults__;
}

uint64_t
nvo_cpu_encap_mc(const struct nvo_cpu_cost_cfg *c, uint64_t s, uint64_t k)
{
    if (!c->enabled) {
        return 0;
    }
    uint64_t mc = c->encap_frame * (c->tso ? 1 : k) + s * c->encap_byte;
    if (!c->csum_offload) {
        mc += s * c->csum_byte;
    }
    return mc;
}

uint64_t
nvo_cpu_replica_mc(const struct nvo_cpu_cost_cfg *c, uint64_t s)
{
    return c->enabled ? c->replica_frame + s * c->replica_byte : 0;
}

uint64_t
nvo_cpu_decap_mc(const struct nvo_cpu_cost_cfg *c, uint64_t s)
{
    if (!c->enabled) {
        return 0;
    }
    uint64_t mc = c->decap_frame + s * c->decap_byte;
    if (!c->csum_offload) {
        mc += s * c->csum_byte;
    }
    return mc;
}

uint64_t
nvo_cpu_rx_segment_mc(const struct nvo_cpu_cost_cfg *c)
{
    return c->enabled && !c->tso ? c->decap_frame : 0;
}

int
nvo_cpu_cycles_to_mc(double v, uint64_t *mc)
{
    if (!isfinite(v) || v < 0 || v > NVO_CPU_MAX_CYCLES) {
        return EINVAL;
    }
    double m = v * 1000.0;
    double r = nearbyint(m);
    if (fabs(m - r) > 1e-6 * fmax(1.0, m)) {
        return EINVAL;          /* more than three decimals */
    }
    *mc = (uint64_t) r;
    return 0;
}

void
nvo_cpu_format_mc(uint64_t mc, char *buf, size_t size)
{
    snprintf(buf, size, "%" PRIu64 ".%03" PRIu64, mc / 1000, mc % 1000);
}
