/* vpls.h: LDP-signalled VPLS (RFC 4762) on one PE: a VSI per tenant, a
 * full mesh of pseudowires signalled with FEC 128 (PWid, RFC 4447) over
 * the PE's LDP speaker (ctrl/ldp_speaker.h), driving the PE's data plane
 * through its pseudowire hooks (overlay/pe_node.h, signalled labels).
 *
 * A VSI is one of the PE's tenants with a PW ID (the VNI unless given)
 * and its member PEs.  When the LDP session with a member comes up, this
 * PE assigns a local label for the (VSI, peer) pseudowire (per
 * pseudowire, as traditional implementations do: the label itself names
 * the peer, so learning per pseudowire needs no other field), installs it
 * for receive, and sends a Label Mapping (FEC 128: PW type Ethernet
 * 0x0005, the control word bit as configured, group id, PW ID, the MTU
 * interface parameter).  A Label Mapping from the peer for the same PW ID
 * brings the pseudowire up in that direction: the PE pushes that label
 * toward the peer and floods to it.  Label Withdraw from the peer takes
 * it down (MACs learned from the peer in the VSI are flushed, a Label
 * Release answers); a session going down takes every pseudowire with the
 * peer down the same way.  nvo_vpls_remove_vsi() withdraws this PE's
 * labels.  MAC Address Withdraw (RFC 4762 6.2) with or without a MAC
 * list: nvo_vpls_mac_withdraw(), and on a VM move (a VM added to the PE,
 * cfg.on_move); a hub relays one received on a spoke pseudowire to its
 * mesh pseudowires (RFC 4762 10.2); see docs/vpls.md for what a receiver
 * flushes. */
#ifndef NVO_CTRL_VPLS_H
#define NVO_CTRL_VPLS_H

#include "core/nvo.h"
#include "ctrl/ldp_speaker.h"
#include "ctrl/tcp.h"
#include "overlay/pe_node.h"

struct nvo_vpls;

/* What a PE sends when a VM appears on it (a move; cfg.on_move). */
enum nvo_vpls_mac_withdraw {
    NVO_VPLS_MW_NONE,           /* nothing: the others relearn from the
                                 * VM's RARP or gratuitous ARP */
    NVO_VPLS_MW_LIST,           /* an Address Withdraw with the VM's MAC */
    NVO_VPLS_MW_EMPTY,          /* with the empty MAC List: flush all but
                                 * the sender's */
};

struct nvo_vpls_cfg {
    uint32_t label_base;        /* the first local label: 16 (the first
                                 * unreserved MPLS label, RFC 3032) */
    bool control_word;          /* C bit sent; must match the PE's
                                 * cfg.control_word: false */
    uint16_t mtu;               /* MTU interface parameter: 1500 (FRR's
                                 * default pseudowire MTU); 0: none sent,
                                 * none checked */
    uint32_t group_id;          /* 0 */
    enum nvo_vpls_mac_withdraw on_move;     /* NVO_VPLS_MW_NONE */
};

void nvo_vpls_cfg_default(struct nvo_vpls_cfg *);

struct nvo_vpls_counters {
    uint64_t mappings_sent, mappings_rcvd;
    uint64_t mappings_retained; /* for a PW ID with no VSI here yet: kept
                                 * and used when the VSI is added */
    uint64_t mappings_refused;  /* not a member, another PW
                                 * type, an MTU or C bit mismatch: a Label
                                 * Release answers */
    uint64_t withdraws_sent, withdraws_rcvd;
    uint64_t releases_sent, releases_rcvd;
    uint64_t mac_withdraws_sent, mac_withdraws_rcvd;   /* sent: relayed
                                                        * ones too */
    uint64_t mac_withdraws_relayed; /* H-VPLS: a hub's copies of one
                                     * received on a spoke pseudowire */
    uint64_t macs_flushed;      /* MAC entries removed by withdraws and by
                                 * pseudowires going down */
    uint64_t labels_assigned;
    uint64_t pws_up;            /* directions up now (labels to push) */
};

/* Creates the VPLS of 'pe' and its LDP speaker on 'tcp' (the PE's node's
 * stack; 'lcfg' NULL: the speaker's defaults), and turns the PE's
 * signalled labels on (nvo_pe_node_set_pw_mode()).  After
 * nvo_net_finalize().  Returns 0 and *out, or EINVAL (the PE is not in
 * per-PE label mode with an MPLS encapsulation, bad configuration), or the
 * speaker's error. */
int nvo_vpls_create(struct nvo_pe_node *pe, struct nvo_tcp_stack *tcp,
                    const struct nvo_ldp_speaker_cfg *lcfg,
                    const struct nvo_vpls_cfg *cfg, struct nvo_vpls **out);
/* Destroys the speaker and the VSIs (the PE keeps its last labels). */
void nvo_vpls_destroy(struct nvo_vpls *);

/* Adds the VSI of 'tenant' with PW ID 'pw_id' (0: the tenant's VNI) and
 * the n member PEs (node indices; this PE may be listed).  Each other
 * member becomes a targeted LDP peer.  Returns 0, EEXIST (the tenant or
 * the PW ID has a VSI), EINVAL (no such tenant, a member not a PE). */
int nvo_vpls_add_vsi(struct nvo_vpls *, uint32_t tenant, uint32_t pw_id,
                     const uint32_t *members, uint32_t n);
/* Withdraws this PE's labels of the VSI from every peer (Label
 * Withdraw), takes its pseudowires down; the VSI stays known until the
 * Releases come back.  0 or ENOENT. */
int nvo_vpls_remove_vsi(struct nvo_vpls *, uint32_t tenant);
/* Sends a MAC Address Withdraw for the VSI of 'tenant' to every peer
 * with a session: the n MACs (6 bytes each), or the empty list (n 0).
 * Returns the messages sent, or -1 with no such VSI. */
int nvo_vpls_mac_withdraw(struct nvo_vpls *, uint32_t tenant,
                          const uint8_t *macs, uint16_t n);

/* H-VPLS (RFC 4762 10): the pseudowire of the VSI of 'tenant' with
 * member 'peer' is a spoke (true) or a mesh pseudowire (false, the
 * default).  On a hub, its spokes; on a spoke PE (an MTU), its hub.  The
 * PE then forwards between spokes and the rest
 * (nvo_pe_node_set_pw_spoke()).  Returns 0, ENOENT (no such VSI) or
 * EINVAL (not a member). */
int nvo_vpls_set_spoke(struct nvo_vpls *, uint32_t tenant, uint32_t peer,
                       bool spoke);

/* H-VPLS: the pseudowires marked spokes, over all VSIs (a spoke PE: one
 * per VSI; a hub: its spokes'; 0 in a full mesh). */
uint32_t nvo_vpls_n_spoke_pws(const struct nvo_vpls *);

/* Called after every received label message (Mapping, Withdraw,
 * Release, Address Withdraw) was processed: when its PDU arrived plus
 * the speaker's processing delay.  A control-plane change as
 * docs/control-planes.md counts them.  NULL: none. */
typedef void nvo_vpls_change_fn(void *ctx, struct nvo_vpls *);
void nvo_vpls_set_change_cb(struct nvo_vpls *, nvo_vpls_change_fn *fn,
                            void *ctx);

/* Starts the speaker (Hellos to every peer). */
void nvo_vpls_start(struct nvo_vpls *);

struct nvo_ldp_speaker *nvo_vpls_speaker(struct nvo_vpls *);
struct nvo_pe_node *nvo_vpls_pe(struct nvo_vpls *);
const struct nvo_vpls_counters *nvo_vpls_counters(const struct nvo_vpls *);
/* The labels of the pseudowire of 'tenant' with PE 'peer': the one this
 * PE assigned (0: none yet) and the one the peer signalled (0: down). */
uint32_t nvo_vpls_local_label(const struct nvo_vpls *, uint32_t tenant,
                              uint32_t peer);
uint32_t nvo_vpls_remote_label(const struct nvo_vpls *, uint32_t tenant,
                               uint32_t peer);

#endif /* NVO_CTRL_VPLS_H */
