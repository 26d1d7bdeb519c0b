/* tcp.h: the small reliable transport that control-plane sessions (BGP on
 * TCP 179, LDP on TCP 646) run over the simulated underlay.
 *
 * One stack per node (struct nvo_tcp_stack) holds the node's listeners
 * and connections.  Segments are real Ethernet / IPv4 or IPv6 / TCP
 * frames (RFC 9293 header, correct IP and TCP checksums, the MSS option
 * in SYNs), sent through nvo_node_send() in the strict-priority control
 * traffic class (NVO_TC_CONTROL), so they take bandwidth and delay,
 * count for conservation and appear in pcaps.  The stack binds each local
 * port it uses (listeners, and the ephemeral port of each active open)
 * with nvo_node_bind_tcp(), and, unless told not to, IP protocol 6 for
 * segments to closed ports, which it answers with a reset.
 *
 * What the transport does (docs/tcp.md has the details and the sources):
 *   - the three-way handshake, ISS from the node's rng stream
 *     "<node>/tcp-iss" (docs/rng.md); no simultaneous open;
 *   - a byte stream: nvo_tcp_send() queues the bytes and sends them at
 *     once (no Nagle, as routing stacks set TCP_NODELAY), in segments of
 *     at most the MSS: the smaller of the two ends' MSS options, each end
 *     advertising the MTU of its egress port toward the peer minus the IP
 *     and TCP headers (40 bytes over IPv4, 60 over IPv6);
 *   - a fixed receive window advertised in every segment (the application
 *     consumes each segment at once, so the window never shrinks) and a
 *     send window bounded by the peer's, with sender silly-window
 *     avoidance (RFC 9293 3.8.6.2.1);
 *   - cumulative ACKs, immediate or delayed (an option);
 *   - retransmission on RTO per RFC 6298 (SRTT / RTTVAR, initial RTO 1 s,
 *     minimum 200 ms by default as Linux, Karn's algorithm, exponential
 *     backoff up to a maximum, 3 s after a handshake that timed out),
 *     go-back-N from the oldest unacknowledged byte; after the configured
 *     number of retransmissions without progress, the connection fails;
 *   - FIN close both ways (half-close), TIME-WAIT, resets.
 * Not done: congestion control, fast retransmit, SACK, window scaling,
 * timestamps, out-of-order reassembly (such segments are dropped and
 * answered with a duplicate ACK), urgent data, path MTU discovery.
 *
 * Callbacks run inside the stack's own processing; from them the
 * application may send, close or abort (this or another connection).  A
 * connection belongs to the stack; after its 'closed' callback (or after
 * nvo_tcp_abort()) the application must not use its pointer again. */
#ifndef NVO_TCP_H
#define NVO_TCP_H

#include "core/nvo.h"
#include "core/units.h"
#include "fabric/node.h"
#include "wire/pkt.h"

struct nvo_tcp_stack;
struct nvo_tcp_conn;

/* ---- Configuration ------------------------------------------------------- */

struct nvo_tcp_cfg {
    uint32_t rcv_wnd;           /* receive window advertised, bytes,
                                 * 1 .. 65535 (no window scaling);
                                 * default 65535 */
    uint32_t mss;               /* a cap on the MSS this end advertises,
                                 * bytes; 0: none (the port MTU's) */
    nvo_time_t rto_initial;     /* RTO before any RTT sample: 1 s
                                 * (RFC 6298 2.1) */
    nvo_time_t rto_min;         /* lower bound of a computed RTO: 200 ms
                                 * (Linux's TCP_RTO_MIN; RFC 6298 2.4 says
                                 * 1 s) */
    nvo_time_t rto_max;         /* upper bound, also of backoff: 120 s
                                 * (Linux's TCP_RTO_MAX) */
    nvo_time_t rto_syn_fallback;    /* RTO once established after the
                                     * SYN or SYN-ACK timed out: 3 s
                                     * (RFC 6298 5.7) */
    uint32_t syn_retries;       /* SYN / SYN-ACK retransmissions before
                                 * failing: 6 (Linux tcp_syn_retries) */
    uint32_t retries;           /* retransmissions of the same data
                                 * without progress before failing: 15
                                 * (Linux tcp_retries2) */
    nvo_time_t delack;          /* delayed ACK: 0 = ACK every segment at
                                 * once (the default); else ACK every
                                 * second segment, or after this long */
    nvo_time_t time_wait;       /* TIME-WAIT: 60 s (Linux) */
    uint32_t sndbuf;            /* most bytes queued to send (unacked and
                                 * unsent) per connection: 4 MiB */
    bool rst_closed_ports;      /* bind IP protocol 6 and answer segments
                                 * to closed ports with a reset: true */
    uint8_t tos;                /* IPv4 TOS / IPv6 traffic class: 0xc0
                                 * (DSCP CS6, network control, as FRR's
                                 * bgpd and ldpd set it) */
};

/* Fills 'cfg' with the defaults above. */
void nvo_tcp_cfg_default(struct nvo_tcp_cfg *cfg);

/* Checks 'cfg': 0, or EINVAL with a message naming the field and its
 * range in 'err' (one line; may be NULL). */
int nvo_tcp_cfg_check(const struct nvo_tcp_cfg *cfg, char *err,
                      size_t err_size);

/* ---- Counters ------------------------------------------------------------ */

/* Per connection, and per stack (every connection it had, plus segments
 * that reached no connection). */
struct nvo_tcp_counters {
    uint64_t segs_out;          /* segments sent, every kind */
    uint64_t data_segs_out;     /* ... carrying data */
    uint64_t bytes_out;         /* data bytes sent, retransmissions too */
    uint64_t wire_bytes_out;    /* frame bytes sent (Ethernet on, no FCS) */
    uint64_t segs_in;           /* valid segments received */
    uint64_t data_segs_in;      /* ... carrying data */
    uint64_t bytes_in;          /* data bytes received, duplicates too */
    uint64_t wire_bytes_in;
    uint64_t delivered;         /* bytes delivered in order to the app */
    uint64_t retx_segs;         /* segments sent again (data, SYN, FIN) */
    uint64_t retx_bytes;        /* data bytes in them */
    uint64_t rto_expiries;      /* retransmission timeouts */
    uint64_t dup_segs;          /* received segments with no new sequence
                                 * space (a duplicate, all below RCV.NXT) */
    uint64_t ooo_segs;          /* received beyond RCV.NXT: dropped */
    uint64_t rst_out, rst_in;   /* resets sent, accepted */
    uint64_t bad_segs;          /* malformed, bad checksum, virtual payload */
    uint64_t rtt_samples;
};

/* Per stack, about connections. */
struct nvo_tcp_stack_counters {
    uint64_t active_opens;      /* nvo_tcp_connect() */
    uint64_t passive_opens;     /* SYNs a listener accepted */
    uint64_t established;       /* connections that reached ESTABLISHED */
    uint64_t refused;           /* SYNs to a listener that refused, or
                                 * answered by a reset */
    uint64_t timeouts;          /* connections failed on retries */
    uint64_t resets;            /* connections ended by a reset */
    uint64_t closed;            /* connections closed by FIN both ways */
    uint64_t no_conn;           /* segments for no connection */
};

/* ---- Application interface ----------------------------------------------- */

enum nvo_tcp_state {
    NVO_TCP_CLOSED,
    NVO_TCP_SYN_SENT,
    NVO_TCP_SYN_RCVD,
    NVO_TCP_ESTABLISHED,
    NVO_TCP_FIN_WAIT_1,
    NVO_TCP_FIN_WAIT_2,
    NVO_TCP_CLOSE_WAIT,
    NVO_TCP_CLOSING,
    NVO_TCP_LAST_ACK,
    NVO_TCP_TIME_WAIT,
};

/* "ESTABLISHED", "SYN-SENT", ... as RFC 9293 spells them. */
const char *nvo_tcp_state_name(enum nvo_tcp_state);

/* What a connection tells its application.  Every member may be NULL. */
struct nvo_tcp_ops {
    /* The handshake completed. */
    void (*established)(void *ctx, struct nvo_tcp_conn *);
    /* In-order bytes of the peer's stream, exactly as it sent them, in
     * sequence (the application frames its own messages). */
    void (*recv)(void *ctx, struct nvo_tcp_conn *, const uint8_t *data,
                 size_t len);
    /* 'bytes' more of this end's stream were acknowledged: that much
     * room is free again in the send buffer. */
    void (*acked)(void *ctx, struct nvo_tcp_conn *, size_t bytes);
    /* The peer closed its direction (its FIN): no more recv. */
    void (*eof)(void *ctx, struct nvo_tcp_conn *);
    /* The connection is over: 0 (closed by FIN both ways; it may linger
     * in TIME-WAIT without the application), ETIMEDOUT (retries
     * exhausted), ECONNREFUSED (a reset answered the SYN), ECONNRESET (a
     * reset later).  The pointer is invalid after this returns. */
    void (*closed)(void *ctx, struct nvo_tcp_conn *, int reason);
};

/* A listener is asked about each SYN to its port: it returns false to
 * refuse (a reset is sent), or sets the connection's ops with
 * nvo_tcp_conn_set_ops() and returns true.  'remote' is the peer's node
 * index (-1 if its address is no node's). */
typedef bool nvo_tcp_accept_fn(void *ctx, struct nvo_tcp_conn *,
                               int remote);

/* Creates node 'node''s stack with configuration 'cfg' (copied; checked
 * with nvo_tcp_cfg_check(), NULL: the defaults), after nvo_net_finalize().
 * Returns 0 and *out, EINVAL (cfg), or EEXIST when rst_closed_ports is set
 * and IP protocol 6 is bound already on the node. */
int nvo_tcp_stack_create(struct nvo_node *node, const struct nvo_tcp_cfg *cfg,
                         struct nvo_tcp_stack **out);

/* Frees every connection without sending anything (no callbacks),
 * stops the timers and removes the stack's bindings.  Accepts NULL. */
void nvo_tcp_stack_destroy(struct nvo_tcp_stack *);

const struct nvo_tcp_cfg *nvo_tcp_stack_cfg(const struct nvo_tcp_stack *);
struct nvo_node *nvo_tcp_stack_node(const struct nvo_tcp_stack *);
/* The node's totals: of every connection it has had, and what reached no
 * connection. */
const struct nvo_tcp_counters *
nvo_tcp_stack_counters(const struct nvo_tcp_stack *);
const struct nvo_tcp_stack_counters *
nvo_tcp_stack_conn_counters(const struct nvo_tcp_stack *);
/* Connections the stack holds now (TIME-WAIT included). */
uint32_t nvo_tcp_stack_n_conns(const struct nvo_tcp_stack *);
/* Of them, those with work left: bytes sent and not acknowledged or not
 * sent yet, or a handshake under way (a run that ends with such a
 * connection ended before its control plane settled). */
uint32_t nvo_tcp_stack_n_pending(const struct nvo_tcp_stack *);

/* Listens on 'port': SYNs to it are offered to accept(ctx, ...).
 * Returns 0, EADDRINUSE (the stack listens there already, or another
 * module bound the port) or EINVAL (port 0, or no accept). */
int nvo_tcp_listen(struct nvo_tcp_stack *, uint16_t port,
                   nvo_tcp_accept_fn *accept, void *ctx);
/* Stops listening (connections already accepted go on).  0 or ENOENT. */
int nvo_tcp_unlisten(struct nvo_tcp_stack *, uint16_t port);

/* Opens a connection to port 'port' of node 'remote' (its loopback
 * address) from this node's loopback and an ephemeral port (the first
 * free one from 49152 up, in turn): sends the SYN now.  Returns 0 and
 * *out, EINVAL (no such node, the node itself, port 0) or EADDRNOTAVAIL
 * (no free ephemeral port). */
int nvo_tcp_connect(struct nvo_tcp_stack *, uint32_t remote, uint16_t port,
                    const struct nvo_tcp_ops *ops, void *ctx,
                    struct nvo_tcp_conn **out);

/* Sets the application's ops and context (from an accept callback). */
void nvo_tcp_conn_set_ops(struct nvo_tcp_conn *, const struct nvo_tcp_ops *,
                          void *ctx);

/* Queues 'len' bytes to send and sends what the window allows now.
 * Allowed from SYN-SENT (sent once established) to CLOSE-WAIT.  Returns
 * 0, ENOBUFS (the send buffer would exceed cfg.sndbuf: nothing queued)
 * or EPIPE (closed for sending, or not connected). */
int nvo_tcp_send(struct nvo_tcp_conn *, const void *data, size_t len);

/* Room left in the send buffer, bytes. */
size_t nvo_tcp_send_space(const struct nvo_tcp_conn *);

/* Closes this end's direction: a FIN follows the queued bytes.  The
 * application still receives until the peer's FIN ('eof'), then 'closed'
 * (0).  In SYN-SENT: the connection goes away at once, no callback.
 * Returns 0 or EPIPE (closed already). */
int nvo_tcp_close(struct nvo_tcp_conn *);

/* Sends a reset (not in SYN-SENT, where the peer holds no state yet, nor
 * in TIME-WAIT) and frees the connection (no callback). */
void nvo_tcp_abort(struct nvo_tcp_conn *);

enum nvo_tcp_state nvo_tcp_conn_state(const struct nvo_tcp_conn *);
const struct nvo_tcp_counters *
nvo_tcp_conn_counters(const struct nvo_tcp_conn *);
struct nvo_tcp_stack *nvo_tcp_conn_stack(const struct nvo_tcp_conn *);
/* The peer's node index, or -1. */
int nvo_tcp_conn_remote(const struct nvo_tcp_conn *);
uint16_t nvo_tcp_conn_local_port(const struct nvo_tcp_conn *);
uint16_t nvo_tcp_conn_remote_port(const struct nvo_tcp_conn *);
/* The MSS this end sends with (after the handshake), bytes. */
uint32_t nvo_tcp_conn_mss(const struct nvo_tcp_conn *);
/* The current RTO (backed off, if it is), SRTT and RTTVAR (0 before the
 * first RTT sample). */
nvo_time_t nvo_tcp_conn_rto(const struct nvo_tcp_conn *);
nvo_time_t nvo_tcp_conn_srtt(const struct nvo_tcp_conn *);
nvo_time_t nvo_tcp_conn_rttvar(const struct nvo_tcp_conn *);
/* Bytes sent and not yet acknowledged (SYN and FIN count one each). */
uint32_t nvo_tcp_conn_in_flight(const struct nvo_tcp_conn *);
/* The peer's advertised window, bytes. */
uint32_t nvo_tcp_conn_snd_wnd(const struct nvo_tcp_conn *);

/* ---- Observing segments (tests, traces) ---------------------------------- */

struct nvo_tcp_seg_info {
    uint32_t seq, ack;
    uint16_t flags;             /* NVO_TCP_* (wire/wire.h) */
    uint32_t len;               /* data bytes */
    uint16_t window;
    bool retransmission;        /* carries sequence space sent before */
};

/* Called with each segment the stack sends, just before it goes to
 * nvo_node_send() ('p' is the frame; the observer must not keep or change
 * it).  'conn' is NULL for a reset to a segment that had no connection.
 * NULL fn: none. */
typedef void nvo_tcp_observer_fn(void *ctx, const struct nvo_tcp_conn *conn,
                                 const struct nvo_tcp_seg_info *seg,
                                 const struct nvo_pkt *p);
void nvo_tcp_stack_set_observer(struct nvo_tcp_stack *,
                                nvo_tcp_observer_fn *fn, void *ctx);

#endif /* NVO_TCP_H */
