/* tor_vtep.h: the VTEP on the leaf switch (overlay vtep="leaf", the
 * seed's comment 8): a leaf that is both a switch (underlay forwarding of
 * transit frames, as fabric/switch.c) and a PE (overlay/pe_node.h) whose
 * local side is its 802.1Q access ports toward hypervisors
 * (overlay/access.h) instead of VMs.
 *
 * Each tenant the leaf hosts has a VNI (what the encapsulation carries)
 * and a VLAN id on this leaf's access ports (1..4094; run/sim_overlay.c
 * numbers them per leaf, docs/vtep-leaf.md).  A tagged frame from a
 * hypervisor is untagged, its VLAN gives the tenant, and it enters the
 * PE's virtual switch at its port (nvo_pe_node_local_send()): the MAC
 * table's local entries point at an access port (the VLAN follows from
 * the VNI), remote ones at another leaf VTEP (learned from decapsulated
 * frames); known remote destinations are encapsulated toward that VTEP
 * through the spines; BUM is flooded by ingress replication to the
 * tenant's flood list (the other leaf VTEPs hosting the VNI, or all) and
 * to the tenant's other access ports (never back to the port it came
 * from; a frame from the overlay never back into it).  What the overlay
 * delivers goes out tagged on the port its destination was learned at, or
 * to every access port of the tenant.
 *
 * Counters are the PE's (nvo_pe_node_counters(), with vm_frames = tagged
 * frames from hypervisors, delivered = tagged frames to them) and these:
 * frames on access ports that are not tagged or name no VLAN of a tenant
 * here (dropped, counted).  See docs/vtep-leaf.md. */
#ifndef NVO_TOR_VTEP_H
#define NVO_TOR_VTEP_H

#include "fabric/net.h"
#include "overlay/pe_node.h"

struct nvo_tor_vtep;

struct nvo_tor_vtep_counters {
    uint64_t access_rx;         /* frames received on access ports */
    uint64_t access_tx;         /* tagged frames sent on them */
    uint64_t untagged;          /* dropped: no 802.1Q C-tag */
    uint64_t unknown_vlan;      /* dropped: a VLAN of no tenant here */
};

/* Adds leaf 'name' (before nvo_net_finalize()) as a PE with the access
 * side; 'cfg' as for nvo_pe_node_create() (its access fields are set
 * here).  Returns the VTEP or NULL with errno (as nvo_pe_node_create()). */
struct nvo_tor_vtep *nvo_tor_vtep_create(struct nvo_net *, const char *name,
                                         const struct nvo_pe_node_cfg *);

struct nvo_pe_node *nvo_tor_vtep_pe(struct nvo_tor_vtep *);
/* The VTEP of a node (NULL if it is not one). */
struct nvo_tor_vtep *nvo_tor_vtep_of(struct nvo_node *);

/* After nvo_net_finalize(): every port toward a hypervisor becomes an
 * access port.  Returns the number of access ports. */
uint32_t nvo_tor_vtep_attach(struct nvo_tor_vtep *);

/* Tenant 'vni' on VLAN 'vid' (1..4094, unique on this leaf): 0 and
 * *tenant (the PE's tenant number), EINVAL, EEXIST or ENOMEM. */
int nvo_tor_vtep_add_tenant(struct nvo_tor_vtep *, uint32_t vni,
                            uint16_t vid, uint32_t *tenant);

/* Port 'port' (toward a hypervisor hosting VMs of 'tenant') floods that
 * tenant's BUM.  Adding a port twice is a no-op.  0, or EINVAL. */
int nvo_tor_vtep_add_port(struct nvo_tor_vtep *, uint32_t tenant,
                          uint32_t port);

/* The tenant on VLAN 'vid': 0 and *tenant, or ENOENT. */
int nvo_tor_vtep_find_vlan(const struct nvo_tor_vtep *, uint16_t vid,
                           uint32_t *tenant);
uint16_t nvo_tor_vtep_vlan(const struct nvo_tor_vtep *, uint32_t tenant);
/* The access ports of 'tenant' (in the order added) and their count. */
const uint32_t *nvo_tor_vtep_ports(const struct nvo_tor_vtep *,
                                   uint32_t tenant, uint32_t *n);
const struct nvo_tor_vtep_counters *
nvo_tor_vtep_counters(const struct nvo_tor_vtep *);

#endif /* NVO_TOR_VTEP_H */
