/* evpn.h: the EVPN control plane logic of one hypervisor PE (RFC 7432,
 * RFC 8365 for the network virtualization overlays, RFC 9161 for ARP
 * suppression): which routes the PE originates and withdraws, and what
 * it does with the routes BGP hands it.  No BGP here: the module talks
 * to a speaker through a small ops table (the "route bus"), so it can be
 * tested exactly and bound later to ctrl/bgp_speaker.
 *
 * Per VNI the PE hosts (its tenants, overlay/pe_node.h):
 *   - RD type 1 = the PE's router id (its underlay IPv4 address) : the
 *     tenant's number + 1 (as FRR's auto RD, router-id:index);
 *   - route target auto-derived as ASN:VNI, 2-octet AS specific (type
 *     0x00 0x02; RFC 8365 5.1.2.1, with its A / Type / D-ID bits left 0
 *     as FRR does); received routes are imported by that route target;
 *   - at nvo_evpn_start() one type-3 IMET route with the PMSI tunnel
 *     attribute: ingress replication (type 6, the PE's address, label =
 *     the VNI) or multicast (PIM-SSM 3 / PIM-SM 4: the PE's address and
 *     the tenant's group).
 * Per local MAC: a type-2 route (MAC+IP when the IPv4 address is known,
 * and/or MAC only, by cfg), label1 the VNI (MPLS encapsulations: the
 * PE's label for the tenant << 4 | bottom of stack), when the MAC appears
 * (a configured VM, or a data-plane learn of a local frame) and withdrawn
 * when the VM leaves (nvo_pe_node_remove_vm()) or a learned entry ages
 * out (at its aging time exactly).  Every route carries the route target
 * and, where the encapsulation has a registered tunnel type, the
 * Encapsulation extended community (RFC 9012 4.1 / RFC 8365 5.1.3: VXLAN
 * 8, NVGRE 9, MPLS 10 (mpls-ip), MPLS in GRE 11, VXLAN-GPE 12, MPLS in
 * UDP 13, Geneve 19; STT and GRE-in-UDP have none, so none is sent); a
 * type 2 with a sequence number above 0 also the MAC Mobility community.
 *
 * Received routes (BGP's best path changes, nvo_evpn_route_in()):
 *   - type 2: the best route per (VNI, MAC) by RFC 7432 15.1 (highest
 *     sequence, a tie to the lowest originator) is installed in the MAC
 *     table as a static control-plane entry at the PE node whose address
 *     is the next hop; a withdrawal removes it (or installs the next
 *     best); a MAC+IP route also binds (VNI, IP) -> MAC for ARP
 *     suppression;
 *   - type 3 with ingress replication: the originator's PE joins the
 *     VNI's flood list; its withdrawal takes it out.  The flood list is
 *     exactly the PEs whose IMET routes were received, in node order.
 * Data-plane learning of remote MACs is turned off on the PE (with EVPN
 * remote MACs come from BGP); local learning stays.
 *
 * MAC mobility (RFC 7432 15): a MAC that appears locally while a remote
 * route has sequence s is advertised with s + 1; a received route with a
 * higher sequence (or an equal one from a lower originator) for a MAC
 * this PE advertises makes the PE withdraw its routes and install the
 * remote one.  Duplicate detection (RFC 7432 15.1, FRR's dup-addr-
 * detection): a local-learning move opens a window of cfg.dup_time; every
 * move of the MAC seen at this PE while it is open (local learns, and
 * losing the MAC to a remote route) counts; at cfg.dup_max_moves within
 * the window the MAC is a duplicate: one alarm, its local routes are
 * withdrawn and never advertised again.  See docs/evpn.md.
 *
 * ARP suppression (RFC 9161): with cfg.arp_suppression a VM's ARP request
 * for an IPv4 address bound by a received MAC+IP route or a local VM is
 * answered by the PE (a reply frame delivered to the VM) and not flooded.
 *
 * Times come from the PE's engine.  One struct nvo_evpn per PE; it must
 * be destroyed before the network.  Its state is counted in the PE
 * node's memory account (core/mem.h) as types "evpn" (the struct),
 * "evpn-tenant" (per tenant), "evpn-mac" (one object per (VNI, MAC) the
 * PE knows, local or remote), "evpn-route" (the remote routes' arrays),
 * "evpn-imet" (received IMET routes), "evpn-arp" (ARP bindings) and
 * "evpn-rd" (received RDs), "evpn-timer" (the aging checks of learned
 * local MACs); the hash tables' own memory is not counted. */
#ifndef NVO_CTRL_EVPN_H
#define NVO_CTRL_EVPN_H

#include "core/nvo.h"
#include "core/units.h"
#include "overlay/pe_node.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"

struct nvo_evpn;

/* The route bus: how the module hands its originations to BGP. */
struct nvo_evpn_bus_ops {
    /* Originate (or replace) route 'r' with attributes 'a' (r's and a's
     * pointers are valid during the call only).  Returns 0 or an errno,
     * which is counted (bus_errors) and otherwise ignored. */
    int (*advertise)(void *ctx, const struct nvo_evpn_route *r,
                     const struct nvo_bgp_attrs *a);
    /* Withdraw route 'r' (advertised before). */
    int (*withdraw)(void *ctx, const struct nvo_evpn_route *r);
};

/* How BUM frames reach the other PEs of a VNI (the IMET route's PMSI). */
enum nvo_evpn_flood {
    NVO_EVPN_FLOOD_INGRESS,     /* ingress replication, PMSI type 6 */
    NVO_EVPN_FLOOD_PIM_SSM,     /* the tenant's group, PMSI type 3 */
    NVO_EVPN_FLOOD_PIM_SM,      /* the tenant's group, PMSI type 4 */
};

/* Defaults: FRR's (zebra dup-addr-detection max-moves 5 time 180). */
#define NVO_EVPN_DUP_MOVES_DEFAULT 5u
#define NVO_EVPN_DUP_TIME_DEFAULT (180 * NVO_SEC)
#define NVO_EVPN_ASN_DEFAULT 65000u
#define NVO_EVPN_LOCAL_PREF 100u    /* iBGP LOCAL_PREF (RFC 4271 default
                                     * of FRR and GoBGP) */

struct nvo_evpn_cfg {
    uint16_t asn;               /* for the auto RTs; 0: 65000 */
    bool mac_ip;                /* advertise MAC+IP routes (VMs with an
                                 * address) */
    bool mac_only;              /* advertise MAC-only routes too (a VM
                                 * without an address always gets one) */
    enum nvo_evpn_flood flood;
    bool arp_suppression;
    uint32_t dup_max_moves;     /* 0: NVO_EVPN_DUP_MOVES_DEFAULT */
    nvo_time_t dup_time;        /* 0: NVO_EVPN_DUP_TIME_DEFAULT */
    bool advertise_configured;  /* configured VMs are advertised from
                                 * nvo_evpn_start() (or when added) until
                                 * removed; false: only MACs the data
                                 * plane learns (they age) */
};

/* Fills 'cfg' with the defaults: ASN 65000, MAC+IP only, ingress
 * replication, ARP suppression on, 5 moves in 180 s, configured VMs
 * advertised. */
void nvo_evpn_cfg_default(struct nvo_evpn_cfg *cfg);

struct nvo_evpn_counters {
    uint64_t type2_advertised, type3_advertised;    /* bus advertise calls */
    uint64_t type2_withdrawn, type3_withdrawn;      /* bus withdraw calls */
    uint64_t type2_received, type3_received;        /* routes in (not
                                                     * withdrawals) */
    uint64_t type2_unreach, type3_unreach;          /* withdrawals in */
    uint64_t not_imported;      /* received with no RT of a hosted VNI */
    uint64_t withdrawn_mobility;    /* local MACs lost to a better route
                                     * (their type-2 routes withdrawn) */
    uint64_t withdrawn_aged;    /* learned local MACs aged out */
    uint64_t remote_installed;  /* remote MAC table entries installed or
                                 * pointed at another PE */
    uint64_t remote_removed;    /* removed: withdrawn, or replaced by a
                                 * local MAC */
    uint64_t moves;             /* MAC moves seen (any location change) */
    uint64_t dup_alarms;        /* MACs declared duplicate */
    uint64_t dup_suppressed;    /* advertisements not made: duplicate */
    uint64_t arp_suppressed;    /* ARP requests answered locally */
    uint64_t arp_flooded;       /* ARP requests not answered (flooded) */
    uint64_t bus_errors;        /* bus calls that returned an error */
};

/* Creates the EVPN of PE 'pe' and sets the PE's control plane hooks
 * (remote data-plane learning off).  Returns it, or NULL with errno
 * EINVAL (no bus advertise / withdraw, no engine). */
struct nvo_evpn *nvo_evpn_create(struct nvo_pe_node *pe,
                                 const struct nvo_evpn_cfg *cfg,
                                 const struct nvo_evpn_bus_ops *bus,
                                 void *bus_ctx);

/* Originates the IMET route of every tenant and (advertise_configured)
 * the type-2 routes of every VM present, in tenant and VM order.  Once;
 * after nvo_net_finalize() (the addresses exist).  Returns 0, EALREADY,
 * or EINVAL (multicast flooding and a tenant without a group). */
int nvo_evpn_start(struct nvo_evpn *);

/* A route BGP selected ('a' not NULL; a's pointers valid during the
 * call) or withdrew (a NULL) for this PE, originated by router id
 * 'originator' (IPv4, host order).  Routes of this PE's own router id
 * are ignored. */
void nvo_evpn_route_in(struct nvo_evpn *, const struct nvo_evpn_route *r,
                       const struct nvo_bgp_attrs *a, uint32_t originator);

/* Frees the EVPN (stops its timers, clears the PE's hooks); NULL is a
 * no-op.  Routes are not withdrawn. */
void nvo_evpn_destroy(struct nvo_evpn *);

const struct nvo_evpn_counters *nvo_evpn_counters(const struct nvo_evpn *);

/* This PE's router id (its first underlay IPv4 address). */
uint32_t nvo_evpn_router_id(const struct nvo_evpn *);

/* The route target (extended community bytes) of 'vni' under 'asn', and
 * the tunnel type of an encapsulation (0: none registered). */
void nvo_evpn_rt(uint8_t ec[NVO_BGP_EC_LEN], uint16_t asn, uint32_t vni);
uint16_t nvo_evpn_tunnel_type(const struct nvo_encap_ops *);

/* The number of type-2 routes this PE now advertises. */
uint64_t nvo_evpn_n_local_routes(const struct nvo_evpn *);
/* The flood list size of 'tenant' as received IMET routes made it. */
uint32_t nvo_evpn_flood_size(const struct nvo_evpn *, uint32_t tenant);
/* The sequence number this PE advertises for (vni, mac), or -1 if it
 * advertises no route for it. */
int64_t nvo_evpn_local_seq(const struct nvo_evpn *, uint32_t vni,
                           uint64_t mac);
/* Whether (vni, mac) is marked duplicate here. */
bool nvo_evpn_is_dup(const struct nvo_evpn *, uint32_t vni, uint64_t mac);
/* The MAC bound to (vni, ip4) for ARP suppression, or 0 (none). */
uint64_t nvo_evpn_arp_lookup(const struct nvo_evpn *, uint32_t vni,
                             uint32_t ip4);

#endif /* NVO_CTRL_EVPN_H */
