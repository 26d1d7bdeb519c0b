/* ldp_speaker.h: an LDP speaker (RFC 5036) on one node, for targeted
 * sessions between VPLS PEs: targeted Hellos on UDP 646, the session over
 * TCP 646 (ctrl/tcp.h), Initialization, KeepAlive and its timers,
 * Notification on errors, and a message API for the layer above
 * (ctrl/vpls.h): Label Mapping / Withdraw / Release and (MAC) Address
 * Withdraw, with callbacks on session up / down and per received message.
 *
 * Peers are configured (nvo_ldp_speaker_add_peer(): a node index; its
 * loopback is the targeted Hello's destination).  The LSR id and the
 * transport address of a node are its loopback (node->addr4).  When a
 * Hello adjacency comes up and no session exists, the end with the
 * higher transport address is active (RFC 5036 2.5.2) and opens the TCP
 * connection to the peer's 646; the passive end accepts it.  Then: the
 * active end sends Initialization (OPENSENT); the passive end answers an
 * acceptable Initialization with its own and a KeepAlive (OPENREC); the
 * active end answers that with a KeepAlive (OPENREC); a KeepAlive in
 * OPENREC makes the session OPERATIONAL (RFC 5036 2.5.4).  The KeepAlive
 * time is the smaller of the two proposals; a KeepAlive goes every third
 * of it, and a session that receives no PDU for the whole of it ends with
 * a "KeepAlive Timer Expired" Notification.  The adjacency ends when no
 * Hello came for its hold time (the smaller of the two proposals), which
 * ends the session ("Hold Timer Expired").
 *
 * Defaults and sources: docs/vpls.md.  IPv4 only (wire/ldp.h). */
#ifndef NVO_CTRL_LDP_SPEAKER_H
#define NVO_CTRL_LDP_SPEAKER_H

#include "core/nvo.h"
#include "core/units.h"
#include "ctrl/tcp.h"
#include "fabric/node.h"
#include "wire/ldp.h"

struct nvo_ldp_speaker;

struct nvo_ldp_speaker_cfg {
    nvo_time_t hello_interval;  /* targeted Hellos: 15 s (a third of the
                                 * hold time, RFC 5036 3.5.2; Junos) */
    uint16_t hello_hold;        /* seconds proposed: 45 (RFC 5036 3.5.2's
                                 * targeted default; FRR ldpd's) */
    uint16_t keepalive_time;    /* seconds proposed in Initialization:
                                 * 180 (FRR ldpd's DEFAULT_KEEPALIVE) */
    uint16_t max_pdu_len;       /* proposed: 4096 (0..255 mean 4096) */
    nvo_time_t proc_delay;      /* per received session message (not
                                 * Hellos), served in arrival order by
                                 * one processor: 0 */
    nvo_time_t retry_initial;   /* active end: wait after a failed
                                 * session before connecting again: 15 s,
                                 * doubling to retry_max (RFC 5036 2.5.3) */
    nvo_time_t retry_max;       /* 120 s */
    bool pack;                  /* label messages given in one event go
                                 * in as few PDUs as fit (as OpenBSD's and
                                 * FRR's ldpd): true; false: one PDU each.
                                 * Session messages always go alone. */
};

void nvo_ldp_speaker_cfg_default(struct nvo_ldp_speaker_cfg *);

/* Message type slots for the counters. */
enum nvo_ldp_kind {
    NVO_LDP_K_NOTIFICATION, NVO_LDP_K_HELLO, NVO_LDP_K_INIT,
    NVO_LDP_K_KEEPALIVE, NVO_LDP_K_ADDRESS, NVO_LDP_K_ADDRESS_WITHDRAW,
    NVO_LDP_K_MAPPING, NVO_LDP_K_REQUEST, NVO_LDP_K_WITHDRAW,
    NVO_LDP_K_RELEASE, NVO_LDP_K_N
};
enum nvo_ldp_kind nvo_ldp_kind_of(uint16_t msg_type);
const char *nvo_ldp_kind_name(enum nvo_ldp_kind);

/* Per speaker (all peers).  Message bytes count the message header and
 * its TLVs; PDU bytes the whole PDUs (header included); neither counts
 * UDP / TCP / IP / Ethernet. */
struct nvo_ldp_counters {
    uint64_t msgs_out[NVO_LDP_K_N], msg_bytes_out[NVO_LDP_K_N];
    uint64_t msgs_in[NVO_LDP_K_N], msg_bytes_in[NVO_LDP_K_N];
    uint64_t pdus_out, pdu_bytes_out, pdus_in, pdu_bytes_in;
    uint64_t sessions_up;       /* sessions that became OPERATIONAL */
    uint64_t sessions_down;     /* OPERATIONAL sessions that ended */
    uint64_t adjacencies_up, adjacencies_down;
    uint64_t notifs_sent_err;   /* Notifications about a received error */
    uint64_t bad_hellos;        /* dropped without a word (RFC 5036 3.5.2) */
};

enum nvo_ldp_state {
    NVO_LDP_NONEXISTENT, NVO_LDP_INITIALIZED, NVO_LDP_OPENSENT,
    NVO_LDP_OPENREC, NVO_LDP_OPERATIONAL
};
const char *nvo_ldp_state_name(enum nvo_ldp_state);

/* What the speaker tells the layer above.  Every member may be NULL. */
struct nvo_ldp_speaker_ops {
    void (*session_up)(void *ctx, struct nvo_ldp_speaker *, uint32_t peer);
    /* 'status' the Notification's status data that ended it (sent or
     * received), or 0 (the TCP connection ended). */
    void (*session_down)(void *ctx, struct nvo_ldp_speaker *, uint32_t peer,
                         uint32_t status);
    /* A received message other than Hello / Initialization / KeepAlive,
     * on an OPERATIONAL session ('m' lists point into a buffer valid
     * during the call). */
    void (*message)(void *ctx, struct nvo_ldp_speaker *, uint32_t peer,
                    const struct nvo_ldp_msg *m);
};

/* Every PDU sent or received (Hellos too): 'peer' node index, the PDU
 * bytes (LDP header on). */
typedef void nvo_ldp_pdu_observer_fn(void *ctx,
                                     const struct nvo_ldp_speaker *,
                                     uint32_t peer, bool sent,
                                     const uint8_t *pdu, size_t len);

/* Creates the speaker of 'tcp''s node (after nvo_net_finalize(); IPv4
 * nets only): binds UDP 646, listens on TCP 646.  'cfg' copied (NULL:
 * defaults).  Returns 0 and *out, EINVAL (IPv6 net, a zero hello
 * interval / hold / keepalive time) or EADDRINUSE (646 taken). */
int nvo_ldp_speaker_create(struct nvo_tcp_stack *tcp,
                           const struct nvo_ldp_speaker_cfg *cfg,
                           const struct nvo_ldp_speaker_ops *ops, void *ctx,
                           struct nvo_ldp_speaker **out);
/* Stops every timer, detaches from its TCP connections without sending
 * (no callbacks; the stack frees them), removes the bindings, frees.
 * Before the TCP stack.  Accepts NULL. */
void nvo_ldp_speaker_destroy(struct nvo_ldp_speaker *);

/* Adds a targeted peer (node index, another node).  Hellos to it start
 * at once if the speaker is started.  0, EEXIST, EINVAL. */
int nvo_ldp_speaker_add_peer(struct nvo_ldp_speaker *, uint32_t peer);
/* Starts sending Hellos to every peer (the first now). */
void nvo_ldp_speaker_start(struct nvo_ldp_speaker *);
/* Stops the Hellos and ends every session with a Shutdown Notification. */
void nvo_ldp_speaker_stop(struct nvo_ldp_speaker *);

void nvo_ldp_speaker_set_observer(struct nvo_ldp_speaker *,
                                  nvo_ldp_pdu_observer_fn *fn, void *ctx);

/* Sends message 'm' (its id is set by the speaker) on the OPERATIONAL
 * session with 'peer'.  Returns 0, ENOTCONN (no such session), EINVAL
 * (cannot be encoded) or ENOBUFS (the TCP send buffer is full). */
int nvo_ldp_speaker_send(struct nvo_ldp_speaker *, uint32_t peer,
                         const struct nvo_ldp_msg *m);
/* Label Mapping / Withdraw / Release of 'fec' with 'label' (Withdraw and
 * Release: 0 sends no Generic Label TLV). */
int nvo_ldp_speaker_send_mapping(struct nvo_ldp_speaker *, uint32_t peer,
                                 const struct nvo_ldp_fec *fec,
                                 uint32_t label);
int nvo_ldp_speaker_send_withdraw(struct nvo_ldp_speaker *, uint32_t peer,
                                  const struct nvo_ldp_fec *fec,
                                  uint32_t label);
int nvo_ldp_speaker_send_release(struct nvo_ldp_speaker *, uint32_t peer,
                                 const struct nvo_ldp_fec *fec,
                                 uint32_t label);
/* MAC Address Withdraw (RFC 4762 6.2.1): FEC naming the VSI, MAC List of
 * n MACs (6 bytes each in 'macs'; n 0: the empty list). */
int nvo_ldp_speaker_send_mac_withdraw(struct nvo_ldp_speaker *,
                                      uint32_t peer,
                                      const struct nvo_ldp_fec *fec,
                                      const uint8_t *macs, uint16_t n);

enum nvo_ldp_state nvo_ldp_speaker_state(const struct nvo_ldp_speaker *,
                                         uint32_t peer);
/* Whether the Hello adjacency with 'peer' is up. */
bool nvo_ldp_speaker_adjacent(const struct nvo_ldp_speaker *, uint32_t peer);
/* The negotiated KeepAlive time of the session with 'peer', seconds (0:
 * none). */
uint16_t nvo_ldp_speaker_keepalive(const struct nvo_ldp_speaker *,
                                   uint32_t peer);
/* OPERATIONAL sessions now. */
uint32_t nvo_ldp_speaker_n_sessions(const struct nvo_ldp_speaker *);
const struct nvo_ldp_counters *
nvo_ldp_speaker_counters(const struct nvo_ldp_speaker *);
struct nvo_node *nvo_ldp_speaker_node(const struct nvo_ldp_speaker *);

#endif /* NVO_CTRL_LDP_SPEAKER_H */
