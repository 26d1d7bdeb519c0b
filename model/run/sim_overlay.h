/* sim_overlay.h: a run's overlay (a scenario's <overlay>): the hypervisors
 * as PE nodes, the tenants' VMs placed on them, the flood lists, and the
 * hooks between the VM traffic (traffic.h VM mode) and the PEs' virtual
 * switches.  See docs/scenarios.md (<overlay>) and docs/pe.md. */
#ifndef NVO_SIM_OVERLAY_H
#define NVO_SIM_OVERLAY_H

#include <glib.h>

#include "io/config.h"
#include "overlay/pe_node.h"
#include "traffic/traffic.h"

struct nvo_frame_fate;

struct nvo_sim_overlay {
    const struct nvo_overlay_cfg *cfg;
    const struct nvo_encap_ops *encap;
    struct nvo_net *net;
    struct nvo_pe_node **pe_of_node;    /* node index -> PE, or NULL */
    struct nvo_pe_node **pes;           /* in node order */
    uint32_t n_pes;
    struct nvo_traffic_vm *vms;         /* global VM k: tenant k / V */
    uint32_t *vm_pe_tenant;             /* per VM: its tenant on its PE */
    uint32_t *vm_pe_vm;                 /* per VM: its number there */
    uint32_t n_vms;
    uint32_t *tenant_n_pes;             /* per tenant: PEs hosting it */
    struct nvo_traffic *traffic;        /* for deliveries; set later */
    struct nvo_frame_fate *fate;        /* the flow frames' fates per
                                         * control event (set later;
                                         * NULL: none) */
    uint64_t bum_link_frames;           /* BUM frames sent on links, */
    uint64_t bum_link_bytes;            /* each link a time; bytes with
                                         * the framing */
    /* The same per port (nvo_sim_overlay_port_bum()), from
     * nvo_sim_overlay_attach_taps() on: */
    uint32_t *port_base;                /* node -> its first port's slot */
    uint64_t *bum_port_frames, *bum_port_bytes;
    /* vtep="leaf" (run/sim_overlay_leaf.c): the hypervisors' virtual
     * switches (overlay/access.h) and the leaf VTEPs (overlay/tor_vtep.h);
     * pes / pe_of_node / n_pes are then the leaves' PEs, and vms[].node,
     * vm_pe_tenant, vm_pe_vm name a VM's hypervisor and its tenant and
     * number there. */
    struct nvo_access_hv **hvs;         /* in node order */
    uint32_t n_hvs;
    struct nvo_access_hv **hv_of_node;  /* node index -> it, or NULL */
    struct nvo_tor_vtep **vteps;        /* parallel to pes */
    uint32_t *hv_leaf;                  /* node index -> its leaf's node */
    /* VM stacks and moves (docs/vm-traffic.md). */
    GPtrArray **gvm;                    /* per node: per local tenant a
                                         * GArray of global VM numbers */
    struct nvo_traffic_nlb *nlb;        /* the clusters */
    uint32_t *nlb_members;
    uint32_t n_nlb;
    struct nvo_sim_overlay_move *moves; /* scheduled */
    uint64_t moves_done;                /* VMs moved to another PE */
    uint64_t announce_garp;             /* gratuitous ARPs sent */
    uint64_t announce_rarp;             /* RARPs sent */
    uint32_t gvm_n;                     /* nodes in gvm */
    struct nvo_engine *engine;          /* the net's (outlives it) */
    uint32_t n_tenants;                 /* tenants, in file order: */
    uint32_t *tenant_vni;               /* per tenant: its VNI */
    uint32_t *tenant_id;                /* the id its frames carry (the
                                         * VNI, or an MPLS tenant's label) */
    uint32_t *flood_pool;               /* the tenants' flood lists, which */
    uint32_t *flood_all;                /* the PEs share (all-pes: this) */
};

struct nvo_sim_overlay_move {
    struct nvo_sim_overlay *o;
    const struct nvo_overlay_move_cfg *cfg;
    nvo_event_id ev;
};

/* True if the scenario uses ARP, BUM rates, NLB or moves (results.xml
 * then has <vm-traffic>). */
bool nvo_sim_overlay_has_vm_stack(const struct nvo_sim_overlay *);

/* Adds every node of 'topo' to 'net' (before its links), each hypervisor
 * as a PE of the overlay's encapsulation.  Returns the overlay, or NULL
 * with 'error' set. */
struct nvo_sim_overlay *nvo_sim_overlay_create(const struct nvo_scenario_cfg *,
                                               struct nvo_net *,
                                               GError **error);

/* Places the VMs (seeded: stream "overlay/placement"), adds the tenants,
 * VMs and flood lists to the PEs.  Returns false with 'error' set. */
bool nvo_sim_overlay_populate(struct nvo_sim_overlay *,
                              const struct nvo_scenario_cfg *, GError **);

/* Taps every port of the (finalized) net to count BUM frames on links. */
void nvo_sim_overlay_attach_taps(struct nvo_sim_overlay *);

/* The VM traffic's hooks (traffic.h VM mode). */
void nvo_sim_overlay_traffic_vms(struct nvo_sim_overlay *,
                                 struct nvo_traffic_vms *);

/* Totals over every PE. */
struct nvo_sim_overlay_totals {
    struct nvo_pe_node_counters c;      /* summed */
    uint64_t mac_entries_max;           /* the largest PE's high-water */
    double mac_entries_mean;            /* the PEs' high-waters' mean */
};
void nvo_sim_overlay_totals(const struct nvo_sim_overlay *,
                            struct nvo_sim_overlay_totals *);

/* Frees the overlay; the PEs keep pointers into its flood lists
 * (nvo_pe_node_set_flood_shared()), so no PE may flood after this: call it
 * with or after the network's destruction. */
void nvo_sim_overlay_destroy(struct nvo_sim_overlay *);

/* BUM frames and bytes (framing included) sent on port 'port' (0-based)
 * of node 'node' (0 and 0 for none, or before the taps). */
void nvo_sim_overlay_port_bum(const struct nvo_sim_overlay *, uint32_t node,
                              uint32_t port, uint64_t *frames,
                              uint64_t *bytes);
/* The scenario's encapsulation options, underlay addresses and MPLS
 * label mode into a PE configuration (pc->encap set before). */
void nvo_sim_overlay_pe_options(const struct nvo_overlay_cfg *,
                                struct nvo_pe_node_cfg *);
/* ---- vtep="leaf" (run/sim_overlay_leaf.c), called from sim_overlay.c ---- */

/* Adds topology node i as a VTEP (leaf), a tagged-uplink hypervisor or a
 * plain node.  False if the net refused it. */
bool nvo_sim_overlay_leaf_add_node__(struct nvo_sim_overlay *,
                                     const struct nvo_topo_cfg *, size_t i);
struct nvo_overlay_placement;
bool nvo_sim_overlay_leaf_populate__(struct nvo_sim_overlay *,
                                     const struct nvo_scenario_cfg *,
                                     const struct nvo_overlay_placement *,
                                     GError **);
/* After finalize: the access ports of the leaves and hypervisors. */
void nvo_sim_overlay_leaf_attach__(struct nvo_sim_overlay *);
uint64_t nvo_sim_overlay_leaf_send__(void *ctx, uint32_t vm,
                                     struct nvo_pkt *p);
/* Adds the hypervisors' VM-side counts to totals of the VTEPs (all, or
 * one tenant's summed over its VTEPs). */
void nvo_sim_overlay_leaf_totals__(const struct nvo_sim_overlay *,
                                   struct nvo_sim_overlay_totals *);
void nvo_sim_overlay_leaf_tenant__(const struct nvo_sim_overlay *,
                                   uint32_t tenant,
                                   struct nvo_pe_node_counters *);

#endif
