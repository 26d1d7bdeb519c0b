/* cpu_cost.h: the CPU cost model of a hypervisor PE: cycles per frame and
 * per byte for encapsulation, decapsulation and each ingress-replication
 * replica, with and without the NIC's offloads (TSO / receive coalescing,
 * checksum offload).
 *
 * Costs are kept in millicycles (1/1000 cycle) so that a per-byte cost of
 * 0.125 cycles and the sums over a run are exact integers.  The formulas
 * (docs/cpu.md), for a tenant frame of s bytes (the frame the VM sent,
 * before encapsulation) that becomes k underlay frames (STT segments; 1
 * for every other encapsulation):
 *
 *   encap   = encap_frame * (tso ? 1 : k) + s * encap_byte
 *             + (csum_offload ? 0 : s * csum_byte)
 *   replica = replica_frame + s * replica_byte    (each BUM copy to a PE,
 *                                                  on top of its encap)
 *   decap   = decap_frame + s * decap_byte
 *             + (csum_offload ? 0 : s * csum_byte)
 *   a later STT segment received = (tso ? 0 : decap_frame)
 *
 * A cost has a built-in value only where a published measurement gives
 * it: the table of cited defaults in cpu_cost.c (nvo_cpu_default_find(),
 * docs/cpu.md "Defaults and sources"); a scenario states the others
 * (<overlay><cpu>). */
#ifndef NVO_CPU_COST_H
#define NVO_CPU_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest cost a parameter may have, in cycles (per frame or per
 * byte): keeps every product of a frame's cost below 2^64 millicycles. */
#define NVO_CPU_MAX_CYCLES 1000000000.0

struct nvo_cpu_cost_cfg {
    bool enabled;               /* false: nothing is counted */
    bool tso;                   /* the NIC segments (TSO) and coalesces
                                 * received segments (LRO / GRO): the
                                 * per-frame cost once per tenant frame */
    bool csum_offload;          /* the NIC computes and checks checksums */
    uint64_t encap_frame, encap_byte;       /* millicycles */
    uint64_t decap_frame, decap_byte;
    uint64_t replica_frame, replica_byte;
    uint64_t csum_byte;         /* software checksum, per byte (used only
                                 * without csum_offload) */
    double ghz;                 /* clock, for CPU seconds; 0: not given */
};

/* The cost parameters, in the order of <cpu>'s attributes. */
enum nvo_cpu_param {
    NVO_CPU_ENCAP_FRAME,
    NVO_CPU_ENCAP_BYTE,
    NVO_CPU_DECAP_FRAME,
    NVO_CPU_DECAP_BYTE,
    NVO_CPU_REPLICA_FRAME,
    NVO_CPU_REPLICA_BYTE,
    NVO_CPU_CSUM_BYTE,
    NVO_CPU_N_PARAMS
};

/* The <cpu> attribute of 'p': "encap-frame-cycles". */
const char *nvo_cpu_param_name(enum nvo_cpu_param p);
/* The parameter whose attribute is 'name', or NVO_CPU_N_PARAMS. */
enum nvo_cpu_param nvo_cpu_param_lookup(const char *name);
/* The field of 'c' that holds 'p' (millicycles). */
uint64_t *nvo_cpu_param_mc(struct nvo_cpu_cost_cfg *c, enum nvo_cpu_param p);

/* A cost taken from a published measurement (docs/cpu.md, "Defaults and
 * sources", where 'source' names the row with the full citation). */
struct nvo_cpu_default {
    enum nvo_cpu_param param;
    const char *encap;          /* an encapsulation's name (nvo_encap_ops
                                 * .name), or NULL: any encapsulation */
    uint64_t mc;                /* the cost, millicycles */
    const char *source;         /* "vpp-a80d9cfcac02" */
};

/* The cited default of 'p' for the encapsulation named 'encap', or NULL
 * if no published measurement gives one. */
const struct nvo_cpu_default *nvo_cpu_default_find(enum nvo_cpu_param p,
                                                   const char *encap);
/* The whole table: *n entries. */
const struct nvo_cpu_default *nvo_cpu_defaults(size_t *n);

/* Millicycles to encapsulate a tenant frame of 's' bytes sent as 'k'
 * underlay frames. */
uint64_t nvo_cpu_encap_mc(const struct nvo_cpu_cost_cfg *, uint64_t s,
                          uint64_t k);
/* Millicycles of one BUM replica of a tenant frame of 's' bytes. */
uint64_t nvo_cpu_replica_mc(const struct nvo_cpu_cost_cfg *, uint64_t s);
/* Millicycles to decapsulate a tenant frame of 's' bytes. */
uint64_t nvo_cpu_decap_mc(const struct nvo_cpu_cost_cfg *, uint64_t s);
/* Millicycles of a later STT segment received. */
uint64_t nvo_cpu_rx_segment_mc(const struct nvo_cpu_cost_cfg *);

/* 'v' cycles (0 <= v <= NVO_CPU_MAX_CYCLES, at most three decimals) in
 * millicycles: 0 and *mc, or EINVAL. */
int nvo_cpu_cycles_to_mc(double v, uint64_t *mc);

/* Formats 'mc' millicycles as cycles with three decimals ("12.500"). */
void nvo_cpu_format_mc(uint64_t mc, char *buf, size_t size);

#endif /* NVO_CPU_COST_H */
