/* bgp_speaker.h: a BGP-4 speaker (RFC 4271) on a node, a PE or a route
 * reflector (RFC 4456), for iBGP in one AS over ctrl/tcp.h: the FSM with
 * OPEN, KEEPALIVE, hold and connect-retry timers, NOTIFICATION on
 * malformed messages and hold expiry; per peer Adj-RIB-In and
 * Adj-RIB-Out, the Loc-RIB with the decision process; route reflection
 * with ORIGINATOR_ID and CLUSTER_LIST; batching per peer (MRAI), UPDATE
 * packing (wire/bgp_pack.h), End-of-RIB (RFC 4724); counters, memory per
 * route (core/mem.h) and an observer of every message sent and received
 * (io/ writes MRT from it); RT-constrain (RFC 4684) as an option.
 * docs/bgp-speaker.md has the details and the Scope and Limitations.
 *
 * NLRI are opaque: the RIBs are keyed by (AFI, SAFI, NLRI bytes), so the
 * speaker carries EVPN (25/70) and BGP-VPLS (25/65) routes without
 * knowing their contents; it splits a received MP_REACH / MP_UNREACH
 * field into routes with the NLRI's own length fields (EVPN: type and
 * length bytes; VPLS: the 2-byte length).  Path attribute sets are
 * interned (encoded once, refcounted), so routes sharing attributes
 * share one copy.
 *
 * Sessions: the speaker of the lower node index of a pair opens the TCP
 * connection to the other's port 179; the other only listens, so there
 * are never two connections to resolve (no collision detection). */
#ifndef NVO_CTRL_BGP_SPEAKER_H
#define NVO_CTRL_BGP_SPEAKER_H

#include "core/nvo.h"
#include "core/units.h"
#include "ctrl/tcp.h"
#include "wire/bgp.h"
#include "wire/bgp_attr.h"

struct nvo_bgp_speaker;

/* ---- Configuration ------------------------------------------------------ */

struct nvo_bgp_speaker_cfg {
    uint32_t asn;               /* 65000; 1 .. 4294967295 */
    uint32_t router_id;         /* BGP identifier; 0: the node's loopback
                                 * IPv4 address */
    nvo_time_t hold_time;       /* 180 s (FRR); 0 or 3 .. 65535 s, whole
                                 * seconds */
    nvo_time_t keepalive;       /* 60 s (FRR); 0 < keepalive <= hold / 3
                                 * unless hold is 0 */
    nvo_time_t connect_retry;   /* 120 s (RFC 4271 10); > 0 */
    nvo_time_t mrai;            /* advertisement interval: 0 (FRR 8.4 for
                                 * iBGP); RFC 4271 9.2.1.1 suggests 5 s */
    nvo_time_t proc_delay;      /* per received message processing time
                                 * at this speaker, messages processed
                                 * one at a time in arrival order: 0 */
    bool extended_messages;     /* advertise capability 6 (RFC 8654):
                                 * false */
    bool vpls;                  /* advertise MP 25/65 too: false */
    bool is_rr;                 /* a route reflector: false */
    uint32_t cluster_id;        /* RR: 0 means the router id */
    bool rt_constrain;          /* RFC 4684: advertise MP 1/132 (RT
                                 * membership), originate the import RTs
                                 * and send a peer that negotiated it
                                 * only the VPN routes of RTs it is a
                                 * member of: false */
    bool rtc_advertise_default; /* a reflector with rt_constrain:
                                 * originate the default RT membership
                                 * (length 0) and send no other
                                 * membership route to any peer (Junos'
                                 * "route-target advertise-default"):
                                 * its clients then send it every VPN
                                 * route and hold no other PE's
                                 * membership; false */
};

/* Fills 'cfg' with the defaults above. */
void nvo_bgp_speaker_cfg_default(struct nvo_bgp_speaker_cfg *cfg);

/* Checks 'cfg': 0, or EINVAL with a message naming the field and its
 * range in 'err' (one line; may be NULL). */
int nvo_bgp_speaker_cfg_check(const struct nvo_bgp_speaker_cfg *cfg,
                              char *err, size_t err_size);

/* ---- Counters ----------------------------------------------------------- */

#define NVO_BGP_N_TYPES 6       /* indexed by message type 1..5 */

struct nvo_bgp_counters {
    uint64_t sessions_established;  /* times a session reached Established */
    uint64_t sessions_lost;         /* ... and left it */
    uint64_t msgs_out[NVO_BGP_N_TYPES], bytes_out[NVO_BGP_N_TYPES];
    uint64_t msgs_in[NVO_BGP_N_TYPES], bytes_in[NVO_BGP_N_TYPES];
    uint64_t routes_announced_out;  /* NLRI sent in MP_REACH */
    uint64_t routes_withdrawn_out;  /* NLRI sent in MP_UNREACH */
    uint64_t routes_announced_in;
    uint64_t routes_withdrawn_in;
    uint64_t routes_looped;         /* refused: our ORIGINATOR_ID or
                                     * cluster id (RFC 4456 8) */
    uint64_t eor_out, eor_in;       /* End-of-RIB markers */
    uint64_t notifications_out_hold;    /* NOTIFICATION 4 sent */
    uint64_t malformed_in;          /* messages refused with a
                                     * NOTIFICATION */
    uint64_t routes_rt_filtered;    /* RT-constrain: VPN routes a peer
                                     * would have been sent (at a flush)
                                     * but for its RT membership */
};

/* Totals of all messages of a counter set. */
uint64_t nvo_bgp_counters_msgs_out(const struct nvo_bgp_counters *);
uint64_t nvo_bgp_counters_bytes_out(const struct nvo_bgp_counters *);

/* ---- FSM states (RFC 4271 8.2.2) ---------------------------------------- */

enum nvo_bgp_state {
    NVO_BGP_IDLE,
    NVO_BGP_CONNECT,
    NVO_BGP_ACTIVE,
    NVO_BGP_OPEN_SENT,
    NVO_BGP_OPEN_CONFIRM,
    NVO_BGP_ESTABLISHED,
};

/* "Idle", "Connect", ... as RFC 4271 spells them. */
const char *nvo_bgp_state_name(enum nvo_bgp_state);

/* ---- Callbacks ---------------------------------------------------------- */

/* The Loc-RIB best path of an NLRI changed, and the old or the new best
 * was learned from a peer (never for a change between the speaker's own
 * originations only).  'best' is the new best path's attributes (NULL
 * when no path remains; MP_REACH's next hop in mp_nh, mp_nlri unset),
 * valid during the call; 'originator' its ORIGINATOR_ID, or the BGP
 * identifier of the peer it came from, or this speaker's router id for
 * its own origination (0 with best NULL). */
typedef void nvo_bgp_best_fn(void *ctx, uint16_t afi, uint8_t safi,
                             const uint8_t *nlri, size_t len,
                             const struct nvo_bgp_attrs *best,
                             uint32_t originator);

/* Every whole BGP message this speaker sends (sent true: when handed to
 * TCP) or receives (false: when it arrived whole, before proc_delay),
 * with the peer's node index. */
typedef void nvo_bgp_msg_fn(void *ctx, const struct nvo_bgp_speaker *,
                            uint32_t peer_node, bool sent, nvo_time_t now,
                            const uint8_t *msg, size_t len);

/* ---- Speaker ------------------------------------------------------------ */

/* Creates a speaker on the node of 'stack' (a TCP stack made with
 * nvo_tcp_stack_create) with 'cfg' (copied; NULL: defaults) and listens
 * on TCP 179.  Returns 0 and *out, EINVAL (cfg, with 'err'), EADDRINUSE
 * (179 taken). */
int nvo_bgp_speaker_create(struct nvo_tcp_stack *stack,
                           const struct nvo_bgp_speaker_cfg *cfg,
                           struct nvo_bgp_speaker **out, char *err,
                           size_t err_size);

/* Frees the speaker; its TCP connections are detached and left to the
 * stack (nothing is sent: destroy the stack too, or the peers find out
 * by their hold timers).  Before the TCP stack is destroyed.  Accepts
 * NULL. */
void nvo_bgp_speaker_destroy(struct nvo_bgp_speaker *);

void nvo_bgp_speaker_set_best_cb(struct nvo_bgp_speaker *, nvo_bgp_best_fn *,
                                 void *ctx);
void nvo_bgp_speaker_set_observer(struct nvo_bgp_speaker *, nvo_bgp_msg_fn *,
                                  void *ctx);

/* Adds a peer: node 'remote' (an iBGP neighbour in the same AS),
 * 'rr_client' meaning it is a client of this route reflector.  The
 * session starts at once: the lower node index connects now (Connect),
 * the higher waits (Active).  Returns 0, EINVAL (itself, no such node,
 * rr_client on a non-RR), EEXIST. */
int nvo_bgp_speaker_add_peer(struct nvo_bgp_speaker *, uint32_t remote,
                             bool rr_client);

/* Originates (or replaces this speaker's origination of) one NLRI of
 * AFI/SAFI with 'attrs' (copied and interned: the announcement's
 * attributes with the MP_REACH next hop in mp_nh / mp_nh_len; mp_nlri
 * and MP_UNREACH ignored).  Returns 0, EINVAL (len 0 or > 255, attrs
 * that cannot be encoded), ENOMEM. */
int nvo_bgp_speaker_originate(struct nvo_bgp_speaker *, uint16_t afi,
                              uint8_t safi, const uint8_t *nlri, size_t len,
                              const struct nvo_bgp_attrs *attrs);

/* Withdraws this speaker's origination.  0 or ENOENT. */
int nvo_bgp_speaker_withdraw(struct nvo_bgp_speaker *, uint16_t afi,
                             uint8_t safi, const uint8_t *nlri, size_t len);

/* ---- RT-constrain (RFC 4684) ------------------------------------------- */

/* The route targets (8-byte extended communities) the application
 * imports.  With cfg.rt_constrain the speaker originates one RT
 * membership route (AFI 1, SAFI 132, prefix length 96: its AS and the RT;
 * ORIGIN IGP, empty AS_PATH, LOCAL_PREF 100, next hop its router id) per
 * RT; without it the list is only kept.  set replaces the list: RTs no
 * longer in it are withdrawn (in the old list's order), new ones
 * originated (in the given order); duplicates count once.  Return 0,
 * EEXIST (add: already imported), ENOENT (remove: not imported), EINVAL
 * (NULL rts with n > 0). */
int nvo_bgp_speaker_set_import_rts(struct nvo_bgp_speaker *,
                                   const uint8_t (*rts)[8], size_t n);
int nvo_bgp_speaker_add_import_rt(struct nvo_bgp_speaker *,
                                  const uint8_t rt[8]);
int nvo_bgp_speaker_remove_import_rt(struct nvo_bgp_speaker *,
                                     const uint8_t rt[8]);
/* Number of imported RTs. */
uint32_t nvo_bgp_speaker_n_import_rts(const struct nvo_bgp_speaker *);
/* Whether the session with 'remote' negotiated MP 1/132. */
bool nvo_bgp_speaker_peer_rtc(const struct nvo_bgp_speaker *, uint32_t remote);

/* ---- Queries ------------------------------------------------------------ */

struct nvo_node *nvo_bgp_speaker_node(const struct nvo_bgp_speaker *);
uint32_t nvo_bgp_speaker_router_id(const struct nvo_bgp_speaker *);
const struct nvo_bgp_speaker_cfg *
nvo_bgp_speaker_cfg(const struct nvo_bgp_speaker *);
/* Totals over every peer. */
const struct nvo_bgp_counters *
nvo_bgp_speaker_counters(const struct nvo_bgp_speaker *);
/* NLRI with a best path (own originations included). */
uint32_t nvo_bgp_speaker_loc_rib_size(const struct nvo_bgp_speaker *);
/* Sums over peers of the Adj-RIB-In and Adj-RIB-Out entries. */
uint64_t nvo_bgp_speaker_adj_in_size(const struct nvo_bgp_speaker *);
uint64_t nvo_bgp_speaker_adj_out_size(const struct nvo_bgp_speaker *);
/* Distinct interned attribute sets held. */
uint32_t nvo_bgp_speaker_n_attr_sets(const struct nvo_bgp_speaker *);
/* Bytes of the speaker's RIB memory (core/mem.h types "bgp-dest",
 * "bgp-path", "bgp-attrs", "bgp-adj-out", "bgp-hash") and per Loc-RIB
 * entry (0 if none). */
uint64_t nvo_bgp_speaker_mem_bytes(const struct nvo_bgp_speaker *);
double nvo_bgp_speaker_mem_per_route(const struct nvo_bgp_speaker *);
/* When the Loc-RIB last changed (-1: never). */
nvo_time_t nvo_bgp_speaker_last_change(const struct nvo_bgp_speaker *);
/* Number of sessions Established now. */
uint32_t nvo_bgp_speaker_n_established(const struct nvo_bgp_speaker *);

/* The best path of an NLRI now: true with its attributes (valid until
 * the next event) and originator as for nvo_bgp_best_fn; false if none. */
bool nvo_bgp_speaker_best(const struct nvo_bgp_speaker *, uint16_t afi,
                          uint8_t safi, const uint8_t *nlri, size_t len,
                          struct nvo_bgp_attrs *best, uint32_t *originator);

/* Per peer (by the peer's node index): false if no such peer. */
bool nvo_bgp_speaker_peer_state(const struct nvo_bgp_speaker *,
                                uint32_t remote, enum nvo_bgp_state *state);
const struct nvo_bgp_counters *
nvo_bgp_speaker_peer_counters(const struct nvo_bgp_speaker *, uint32_t remote);
uint32_t nvo_bgp_speaker_peer_adj_in(const struct nvo_bgp_speaker *,
                                     uint32_t remote);
uint32_t nvo_bgp_speaker_peer_adj_out(const struct nvo_bgp_speaker *,
                                      uint32_t remote);
/* Loc-RIB entries (NLRI with a best path) of one AFI/SAFI; a peer's
 * Adj-RIB-Out entries of one AFI/SAFI. */
uint32_t nvo_bgp_speaker_n_routes(const struct nvo_bgp_speaker *,
                                  uint16_t afi, uint8_t safi);
uint32_t nvo_bgp_speaker_peer_adj_out_af(const struct nvo_bgp_speaker *,
                                         uint32_t remote, uint16_t afi,
                                         uint8_t safi);
/* The negotiated hold time of the session (0 if not past OpenConfirm). */
nvo_time_t nvo_bgp_speaker_peer_hold(const struct nvo_bgp_speaker *,
                                     uint32_t remote);

#endif /* NVO_CTRL_BGP_SPEAKER_H */
