/* overlay_place.h: where a scenario's VMs go: every VM of the overlay
 * (tenants by count or explicit) with its tenant, hypervisor, MAC and
 * IPv4, by the placement policies of docs/scenarios.md (round-robin,
 * random, packed-per-leaf, tenants-per-hypervisor, or a <vm>'s named
 * hypervisor).
 *
 * VMs are numbered k = 0, 1, ... tenant by tenant in file order (a
 * counted tenant t's VM j is k = t x V + j; an explicit tenant's <vm>
 * children come first, then its vms="N"), and that number is what the
 * policies and the default MAC (OUI:k) use.  Random choices come from
 * the stream "overlay/placement" of the run's seed and run number, drawn
 * in VM order (docs/rng.md).  O(VMs + hypervisors x tenants-per-
 * hypervisor), plus O(log leaves) per packed VM. */
#ifndef NVO_OVERLAY_PLACE_H
#define NVO_OVERLAY_PLACE_H

#include <glib.h>

#include "io/config.h"
#include "traffic/traffic.h"

struct nvo_overlay_placement {
    struct nvo_traffic_vm *vms;     /* n_vms: node, group (its tenant),
                                     * mac, ip4 */
    uint32_t n_vms;
    uint32_t n_tenants;
    uint32_t *tenant_vni;           /* per tenant: its VNI */
    uint32_t *tenant_id;            /* the id its frames carry: the VNI,
                                     * or (MPLS) its label if it has one */
    uint32_t *tenant_first;         /* n_tenants + 1: its VMs are
                                     * [first[t], first[t + 1]) */
};

/* Places the overlay's VMs of 'cfg' (cfg->overlay.enabled).  Returns
 * true, or false with 'error' set (a policy the topology cannot meet
 * that the loader could not see; not for a loaded scenario). */
bool nvo_overlay_place(const struct nvo_scenario_cfg *cfg,
                       struct nvo_overlay_placement *out, GError **error);

void nvo_overlay_placement_free(struct nvo_overlay_placement *);

#endif
