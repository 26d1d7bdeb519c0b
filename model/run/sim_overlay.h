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
    uint64_t bum_link_frames;           /* BUM frames sent on links, */
    uint64_t bum_link_bytes;            /* each link a time; bytes with
                                         * the framing */
    uint32_t n_tenants;                 /* tenants, in file order: */
    uint32_t *tenant_vni;               /* per tenant: its VNI */
    uint32_t *tenant_id;                /* the id its frames carry (the
                                         * VNI, or an MPLS tenant's label) */
    uint32_t *flood_pool;               /* the tenants' flood lists, which */
    uint32_t *flood_all;                /* the PEs share (all-pes: this) */
};

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

#endif
