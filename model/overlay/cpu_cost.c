/* cpu_cost.c: the CPU cost model of a hypervisor PE (see cpu_cost.h and
 * docs/cpu.md). */
#include "overlay/cpu_cost.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

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
