/* vpls_bgp.h: BGP-signalled VPLS (RFC 4761) on one hypervisor PE: a VSI
 * per tenant with a VE ID, label blocks advertised as BGP-VPLS NLRI
 * (AFI 25 / SAFI 65, wire/bgp_nlri.h), auto-discovery by route target,
 * and the PE's pseudowires (overlay/pe_node.h, signalled labels) driven
 * from the received NLRI.  No BGP here: like ctrl/evpn.h the module talks
 * to a speaker through a small ops table (the route bus), so it can be
 * tested exactly and bound to ctrl/bgp_speaker by its caller.
 *
 * Per VSI (one per tenant of the PE):
 *   - VE ID: unique in the VPLS (RFC 4761 3.2); by default the PE's
 *     position among the network's PE nodes + 1, or cfg.ve_id, or per
 *     VSI with nvo_vpls_bgp_set_ve_id() before start;
 *   - RD type 1 = the PE's router id : tenant + 1 (as ctrl/evpn.h);
 *   - route target ASN:VNI (2-octet AS specific), imported by it;
 *   - Layer2 Info extended community (RFC 4761 3.2.4): encapsulation 19
 *     (VPLS), control flags (C = 0x02 with the control word), MTU.
 * Label blocks (RFC 4761 3.2.2 / 3.2.3): aligned blocks of cfg.block_size
 * VE IDs, block k covering VE IDs [k*size + 1, (k+1)*size] (Junos's
 * offsets 1, 9, 17, ... with its default size 8), each with 'size'
 * consecutive labels from the PE's label space.  At start the PE
 * advertises the block covering its own VE ID (one NLRI per VSI); when a
 * remote VE ID falls in no block of its own it allocates and advertises
 * the block that covers it (one more NLRI with the same attributes).
 *
 * Received NLRI (nvo_vpls_bgp_route_in(), BGP's best path changes), for
 * a VSI this PE has by route target, from PE X (VE ID v_x, block (base_x,
 * offset_x, size_x)): if v_self is in X's block the PE pushes
 * base_x + v_self - offset_x toward X (nvo_pe_node_set_pw_label()); it
 * expects base_self + v_x - offset_self from X, from its block covering
 * v_x (nvo_pe_node_set_pw_rx()).  A withdrawn NLRI removes that block of
 * X; when none of X's blocks covers v_self the pseudowire toward X is
 * down (label 0), and when X has no block left its receive label goes
 * too.  The flood list is then the up pseudowires (the PE's hooks).
 * Refused (counted, nothing installed): a VE ID equal to this VSI's or
 * another PE's in the same VSI, a VE ID 0 or block size 0, a Layer2 Info
 * with another encapsulation, another MTU or another C flag, a next hop
 * that is no PE.  Its state is counted in the PE node's memory account
 * (core/mem.h) as types "vpls-bgp" (the struct), "vpls-bgp-vsi" (the
 * VSIs' array), "vpls-bgp-remote" (per VSI, the array of PEs heard
 * from), "vpls-bgp-nlri" (per remote PE, its received NLRI: one struct
 * nvo_vpls_nlri each) and "vpls-bgp-block" (per VSI, its own blocks).
 * See docs/vpls-bgp.md. */
#ifndef NVO_CTRL_VPLS_BGP_H
#define NVO_CTRL_VPLS_BGP_H

#include "core/nvo.h"
#include "overlay/pe_node.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"

struct nvo_vpls_bgp;

/* The route bus, as ctrl/evpn.h's: the module's originations to BGP. */
struct nvo_vpls_bgp_bus_ops {
    /* Originate (or replace) NLRI 'n' with attributes 'a' (valid during
     * the call).  Returns 0 or an errno (counted in bus_errors). */
    int (*advertise)(void *ctx, const struct nvo_vpls_nlri *n,
                     const struct nvo_bgp_attrs *a);
    /* Withdraw NLRI 'n' (advertised before). */
    int (*withdraw)(void *ctx, const struct nvo_vpls_nlri *n);
};

#define NVO_VPLS_BGP_ASN_DEFAULT 65000u
#define NVO_VPLS_BGP_BLOCK_DEFAULT 8u   /* Junos label-block-size default */
#define NVO_VPLS_BGP_LABEL_BASE 16u     /* first unreserved label, RFC 3032 */
#define NVO_VPLS_BGP_MTU 1500u
#define NVO_VPLS_BGP_ENCAP 19u          /* Layer2 Info: VPLS, RFC 4761 3.2.4 */
#define NVO_VPLS_BGP_FLAG_C 0x02u       /* control word, RFC 4761 3.2.4 */

struct nvo_vpls_bgp_cfg {
    uint16_t asn;               /* for the RTs; 0: 65000 */
    uint16_t ve_id;             /* every VSI's VE ID; 0: PE position + 1 */
    uint16_t block_size;        /* VE IDs per label block; 0: 8 */
    uint32_t label_base;        /* the first label of this PE's label
                                 * space; 0: 16 */
    uint16_t mtu;               /* Layer2 Info MTU; 0: none sent, none
                                 * checked */
    bool control_word;          /* C flag sent and required */
};

/* ASN 65000, VE ID by position, block size 8, labels from 16, MTU 1500,
 * no control word. */
void nvo_vpls_bgp_cfg_default(struct nvo_vpls_bgp_cfg *);

struct nvo_vpls_bgp_counters {
    uint64_t nlri_advertised;   /* bus advertise calls */
    uint64_t nlri_withdrawn;    /* bus withdraw calls */
    uint64_t nlri_received;     /* NLRI in with attributes (imported or
                                 * not) */
    uint64_t nlri_unreach;      /* withdrawals in */
    uint64_t not_imported;      /* no RT of a VSI here */
    uint64_t refused;           /* imported but refused (see above) */
    uint64_t pws_up;            /* directions up now (labels pushed) */
    uint64_t pw_up_events, pw_down_events;
    uint64_t macs_flushed;      /* remote MACs learned from a PE whose
                                 * pseudowire went down */
    uint64_t label_blocks;      /* blocks this PE allocated */
    uint64_t labels_allocated;  /* their labels (blocks x size) */
    uint64_t labels_exhausted;  /* blocks not allocated: over 20 bits */
    uint64_t bus_errors;
};

/* Creates the VPLS of 'pe' (a VSI per tenant it has now) and turns the
 * PE's signalled labels on (nvo_pe_node_set_pw_mode()).  After
 * nvo_net_finalize().  Returns it, or NULL with errno EINVAL (no bus, a
 * PE not in per-PE label mode with an MPLS encapsulation, a label base
 * under 16 or over 20 bits, a VE ID over 65535 by position). */
struct nvo_vpls_bgp *nvo_vpls_bgp_create(struct nvo_pe_node *pe,
                                         const struct nvo_vpls_bgp_cfg *cfg,
                                         const struct nvo_vpls_bgp_bus_ops *bus,
                                         void *bus_ctx);
/* Frees it (the PE keeps its last labels); NULL is a no-op.  NLRI are
 * not withdrawn. */
void nvo_vpls_bgp_destroy(struct nvo_vpls_bgp *);

/* The VE ID of the VSI of 'tenant' (before start).  0, EINVAL (VE ID 0,
 * no such tenant), EBUSY (started). */
int nvo_vpls_bgp_set_ve_id(struct nvo_vpls_bgp *, uint32_t tenant,
                           uint16_t ve_id);

/* Advertises every VSI's first block, in tenant order.  Once: 0 or
 * EALREADY. */
int nvo_vpls_bgp_start(struct nvo_vpls_bgp *);

/* Withdraws every NLRI of the VSI of 'tenant' and takes its pseudowires
 * down both ways; received NLRI are kept, so nvo_vpls_bgp_restore_vsi()
 * brings it back (the same blocks, re-advertised).  0, ENOENT (no such VSI or not
 * started), EALREADY (removed). */
int nvo_vpls_bgp_remove_vsi(struct nvo_vpls_bgp *, uint32_t tenant);
int nvo_vpls_bgp_restore_vsi(struct nvo_vpls_bgp *, uint32_t tenant);

/* A best path BGP selected ('a' not NULL; pointers valid during the
 * call) or withdrew (a NULL) for NLRI 'n', originated by router id
 * 'originator' (0 allowed on a withdrawal: the NLRI names the route).
 * The sending PE is the one at the MP_REACH next hop (else at the
 * originator).  This PE's own router id is ignored. */
void nvo_vpls_bgp_route_in(struct nvo_vpls_bgp *,
                           const struct nvo_vpls_nlri *n,
                           const struct nvo_bgp_attrs *a,
                           uint32_t originator);

const struct nvo_vpls_bgp_counters *
nvo_vpls_bgp_counters(const struct nvo_vpls_bgp *);
struct nvo_pe_node *nvo_vpls_bgp_pe(const struct nvo_vpls_bgp *);
uint32_t nvo_vpls_bgp_router_id(const struct nvo_vpls_bgp *);
/* The route target of 'vni' under 'asn' (as EVPN's: ASN:VNI). */
void nvo_vpls_bgp_rt(uint8_t ec[NVO_BGP_EC_LEN], uint16_t asn, uint32_t vni);

/* Per VSI: its VE ID (0: no such VSI), its label blocks now (blocks
 * advertised), block k's NLRI (false if none), the label this PE pushes
 * toward PE node 'peer' (0: down) and the one it expects from it (0:
 * none installed), and the PEs whose NLRI it holds. */
uint16_t nvo_vpls_bgp_ve_id(const struct nvo_vpls_bgp *, uint32_t tenant);
uint32_t nvo_vpls_bgp_n_blocks(const struct nvo_vpls_bgp *, uint32_t tenant);
bool nvo_vpls_bgp_block(const struct nvo_vpls_bgp *, uint32_t tenant,
                        uint32_t k, struct nvo_vpls_nlri *out);
uint32_t nvo_vpls_bgp_tx_label(const struct nvo_vpls_bgp *, uint32_t tenant,
                               uint32_t peer);
uint32_t nvo_vpls_bgp_rx_label(const struct nvo_vpls_bgp *, uint32_t tenant,
                               uint32_t peer);
uint32_t nvo_vpls_bgp_n_remotes(const struct nvo_vpls_bgp *, uint32_t tenant);

#endif /* NVO_CTRL_VPLS_BGP_H */
