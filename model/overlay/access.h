/* access.h: a hypervisor whose VTEP is on its leaf (overlay vtep="leaf"):
 * a plain local virtual switch with an 802.1Q-tagged uplink, and the tag
 * push / pop both ends of that link use.
 *
 * nvo_access_hv_create() adds a hypervisor node that does not
 * encapsulate.  Its tenants are VLANs (one VLAN id per tenant, chosen by
 * the caller: run/sim_overlay.c numbers them per leaf, docs/vtep-leaf.md);
 * its VMs have a MAC and an IPv4 address.  A VM's frame to another local
 * VM of its tenant stays in the hypervisor (local_unicast, delivered); a
 * broadcast / multicast goes to every other local VM of the tenant
 * (bum_local_copies) and, tagged, to the leaf; any other frame goes
 * tagged to the leaf (frames_out, bytes_out with the tag).  The virtual
 * switch knows its own VMs and learns nothing: the leaf's VTEP
 * (overlay/tor_vtep.h) does the learning.  A tagged frame from the leaf
 * is untagged and goes to the VM with its destination MAC (broadcast /
 * multicast: every VM of the VLAN), else it is dropped (no-vm: a flooded
 * unknown unicast's usual fate; no-tenant: a VLAN with no tenant here).
 *
 * Counters reuse struct nvo_pe_node_counters (only the fields named
 * above, rx_frames and rx_accepted), per hypervisor and per tenant.  The node has one uplink, to a leaf;
 * frames on it are counted for conservation (nvo_node_send_port() when
 * sent, n_local when taken).  See docs/vtep-leaf.md. */
#ifndef NVO_ACCESS_H
#define NVO_ACCESS_H

#include "fabric/net.h"
#include "fabric/node.h"
#include "overlay/pe_node.h"
#include "wire/pkt.h"

struct nvo_access_hv;

/* Inserts an 802.1Q tag (TPID 0x8100, PCP 0, VLAN 'vid') after the MAC
 * addresses of the Ethernet frame at p->data (l2 there; NVO_VLAN_LEN bytes
 * of headroom), keeping every header offset valid. */
void nvo_access_tag(struct nvo_pkt *p, uint16_t vid);

/* Removes the outer 802.1Q tag of the frame at p->data: 0 and *vid, or
 * EINVAL (no C-tag, or shorter than 18 bytes: nothing changes). */
int nvo_access_untag(struct nvo_pkt *p, uint16_t *vid);

/* Called with every tenant frame handed to a VM (must not keep 'p'). */
typedef void nvo_access_deliver_fn(void *ctx, struct nvo_access_hv *,
                                   uint32_t tenant, uint32_t vm,
                                   const struct nvo_pkt *p);

struct nvo_access_hv_cfg {
    nvo_access_deliver_fn *deliver;     /* optional */
    void *ctx;
};

/* Adds hypervisor 'name' to 'net' (before nvo_net_finalize()).  Returns
 * it, or NULL with errno EINVAL (finalized net, no name), EEXIST. */
struct nvo_access_hv *nvo_access_hv_create(struct nvo_net *, const char *name,
                                           const struct nvo_access_hv_cfg *);

/* The hypervisor of a node (NULL if it is not one). */
struct nvo_access_hv *nvo_access_hv_of(struct nvo_node *);
struct nvo_node *nvo_access_hv_base(struct nvo_access_hv *);

/* After nvo_net_finalize(): makes port 0 the tagged uplink.  EINVAL if
 * the node has not exactly one port. */
int nvo_access_hv_attach(struct nvo_access_hv *);

/* Tenant on VLAN 'vid' (1..4094): 0 and *tenant, EINVAL or EEXIST. */
int nvo_access_hv_add_tenant(struct nvo_access_hv *, uint16_t vid,
                             uint32_t *tenant);
/* A VM (unicast MAC unique in the tenant here, IPv4 or 0): 0 and *vm,
 * EINVAL or EEXIST. */
int nvo_access_hv_add_vm(struct nvo_access_hv *, uint32_t tenant,
                         const uint8_t mac[6], uint32_t ip4, uint32_t *vm);

/* A VM's Ethernet frame (l2 at p->data): as above.  Takes 'p'.  Returns
 * 0 or EINVAL (no such tenant or VM; p is still the caller's). */
int nvo_access_hv_vm_send(struct nvo_access_hv *, uint32_t tenant,
                          uint32_t vm, struct nvo_pkt *p);

const struct nvo_pe_node_counters *
nvo_access_hv_counters(const struct nvo_access_hv *);
/* The same counters for one tenant (NULL if there is no such tenant). */
const struct nvo_pe_node_counters *
nvo_access_hv_tenant_counters(const struct nvo_access_hv *, uint32_t tenant);
uint32_t nvo_access_hv_n_tenants(const struct nvo_access_hv *);
/* The VLAN of 'tenant' (0 if there is none). */
uint16_t nvo_access_hv_vlan(const struct nvo_access_hv *, uint32_t tenant);

#endif /* NVO_ACCESS_H */
