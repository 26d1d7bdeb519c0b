/* link.h: ports and point-to-point links.
 *
 * A port transmits one frame at a time at the link rate from two queues:
 * a strict-priority queue for control traffic (as switches treat network
 * control) and a byte-limited drop-tail queue for everything else.  A
 * frame leaves the port after its serialization time, (wire length +
 * framing overhead) * 8 / rate, and reaches the peer port after the
 * propagation delay.  A frame whose IP packet is larger than the link MTU
 * is dropped at the sending port and counted as an MTU drop.  When a link
 * goes down, its queued frames and the frames on the wire are dropped and
 * counted ("link-down"); frames sent to a down link are dropped likewise.
 *
 * Events: a frame costs one event, its arrival at the peer.  The end of a
 * serialization is an event only when something waits for it: a queued
 * frame, or a source that feeds the port at line rate (on_idle).  A frame
 * leaves the queue, is counted as sent and is put on the wire when its
 * serialization starts; until its last bit has left, the port is busy.
 *
 * Every port counts frames and bytes per traffic class sent and received,
 * drops by reason, and the queueing delay (enqueue to start of
 * transmission) of the frames it sent.
 *
 * Taps: a port tells its taps of every frame it queues, starts sending,
 * receives and drops (nvo_port_add_tap()).  The io layer attaches the
 * pcap writer and the ASCII trace this way, so this layer knows nothing
 * of files; a port without taps pays one test per event. */
#ifndef NVO_LINK_H
#define NVO_LINK_H

#include "core/engine.h"
#include "core/nvo.h"
#include "wire/pkt.h"

struct nvo_port;
struct nvo_node;

enum nvo_drop_reason {
    NVO_DROP_QUEUE,         /* drop-tail queue full */
    NVO_DROP_MTU,           /* IP packet larger than the link MTU */
    NVO_DROP_LINK_DOWN,     /* link down: queued, in flight, or sent to it */
    NVO_DROP_N
};

const char *nvo_drop_reason_name(enum nvo_drop_reason);

struct nvo_link_cfg {
    uint64_t rate_bps;          /* > 0 */
    nvo_time_t delay;           /* propagation delay, >= 0 */
    uint32_t mtu;               /* largest IP packet, bytes (e.g. 1500, 9000) */
    uint64_t queue_bytes;       /* data queue limit per port, bytes */
    uint64_t ctrl_queue_bytes;  /* control queue limit per port, bytes */
    uint32_t framing;           /* bytes per frame on the wire besides the
                                 * frame: FCS 4 + preamble 8 + IFG 12 = 24 */
};

/* Ethernet defaults: 10 Gb/s, 1 us, MTU 1500, 1 MiB data queue, 64 KiB
 * control queue, 24 bytes framing. */
void nvo_link_cfg_default(struct nvo_link_cfg *);

/* Called when a frame arrives at a port; the callee owns 'p'. */
typedef void nvo_port_rx_fn(struct nvo_port *port, struct nvo_pkt *p);

/* Called when a port has sent everything it had and goes idle; a source
 * that feeds the port at line rate (a host NIC) sends its next frame from
 * here. */
typedef void nvo_port_idle_fn(struct nvo_port *port);

/* What a tap sees; the values are the characters of the ASCII trace. */
enum nvo_tap_event {
    NVO_TAP_ENQUEUE = '+',      /* queued at the port */
    NVO_TAP_SEND = '-',         /* starts serialization (leaves the queue) */
    NVO_TAP_RECEIVE = 'r',      /* its last bit arrived at the port */
    NVO_TAP_DROP = 'd',         /* dropped by the port; 'reason' says why */
};

/* Masks of the events a tap asks for. */
#define NVO_TAP_MASK_ENQUEUE 1u
#define NVO_TAP_MASK_SEND 2u
#define NVO_TAP_MASK_RECEIVE 4u
#define NVO_TAP_MASK_DROP 8u
#define NVO_TAP_MASK_ALL 15u

/* Called for each event in the tap's mask.  'reason' is the drop reason's
 * name for NVO_TAP_DROP, else NULL.  The tap must not keep or change 'p'
 * or send anything. */
typedef void nvo_port_tap_fn(void *ctx, enum nvo_tap_event,
                             nvo_time_t now, const struct nvo_port *,
                             const struct nvo_pkt *p, const char *reason);

struct nvo_port_tap {
    nvo_port_tap_fn *fn;
    void *ctx;
    unsigned mask;              /* NVO_TAP_MASK_* */
};

struct nvo_fifo {
    struct nvo_pkt *head, *tail;
    uint64_t n, bytes;
};

/* In the order a hop uses them: what starting a transmission updates,
 * then what an arrival updates, then drops. */
struct nvo_port_stats {
    uint64_t tx_frames[NVO_TC_N], tx_bytes[NVO_TC_N];
    uint64_t n_qdelay;          /* frames whose queueing delay is summed */
    nvo_time_t qdelay_sum;      /* sum of queueing delays */
    nvo_time_t qdelay_max;
    nvo_time_t busy_time;       /* time spent serializing */
    uint64_t max_queue_bytes;   /* high-water mark of the data queue */
    uint64_t rx_frames[NVO_TC_N], rx_bytes[NVO_TC_N];
    uint64_t drop_frames[NVO_DROP_N], drop_bytes[NVO_DROP_N];
};

/* The state a frame's hop reads and writes comes first (the first two
 * cache lines: sending, the queues, the wire, the peer, the receive
 * function); the counters follow in the order a hop updates them; names
 * and taps last. */
struct nvo_port {
    struct nvo_engine *engine;
    struct nvo_link *link;      /* NULL until connected */
    struct nvo_port *peer;
    nvo_port_rx_fn *rx;
    struct nvo_node *node;      /* the node (net.c); NULL for a port that
                                 * is not a node's (a test bench's) */
    nvo_time_t busy_until;      /* end of the current serialization */
    nvo_event_id tx_event;      /* pending "serialization ends" event */
    nvo_port_idle_fn *on_idle;  /* may be NULL: nvo_port_set_idle() */
    struct nvo_fifo wire;       /* sent, propagating to the peer */
    struct nvo_fifo q_data, q_ctrl;
    uint32_t index;             /* port number on the node */
    unsigned tap_mask;          /* union of the taps' masks */
    /* Copies of the link's state and configuration (link->up, link->cfg),
     * kept by nvo_link_connect() and nvo_link_set_up(), so that a hop
     * does not load the link: */
    bool link_up;               /* connected and up */
    uint32_t mtu, framing;
    uint64_t queue_bytes, ctrl_queue_bytes, rate_bps;
    nvo_time_t delay;
    uint64_t ps_per_byte;       /* 8 s / rate_bps in ps when that is a whole
                                 * number below 2^31 (10 Gb/s: 800), so a
                                 * frame's serialization is one multiply;
                                 * else 0 (nvo_tx_time()) */

    struct nvo_port_stats st;

    void *ctx;                  /* for a non-node user's rx (nvo_port_init) */
    void *idle_ctx;             /* nvo_port_idle_ctx() */
    const char *node_name;      /* owner's name (not owned) */
    struct nvo_port_tap *taps;  /* n_taps, in the order added; owned */
    uint32_t n_taps;
};

struct nvo_link {
    struct nvo_link_cfg cfg;
    struct nvo_port *a, *b;
    bool up;
};

/* Initializes an unconnected port named after 'node_name'; 'ctx' is for
 * the rx function's use (port->ctx).  A node's port also has port->node
 * set (nvo_net_finalize()). */
void nvo_port_init(struct nvo_port *, struct nvo_engine *, void *ctx,
                   const char *node_name, uint32_t index, nvo_port_rx_fn *);

/* Sets the port's idle callback (NULL: none) and its context. */
static inline void
nvo_port_set_idle(struct nvo_port *port, nvo_port_idle_fn *fn, void *ctx)
{
    port->on_idle = fn;
    port->idle_ctx = fn ? ctx : NULL;
}

/* The context given with the idle callback. */
static inline void *
nvo_port_idle_ctx(const struct nvo_port *port)
{
    return port->idle_ctx;
}

/* Frees the frames still queued or in flight at the port, and its taps
 * (at teardown). */
void nvo_port_destroy(struct nvo_port *);

/* Adds a tap: fn(ctx, ...) is called, after the taps added before it, for
 * every event in 'mask'.  A tap may be added to many ports. */
void nvo_port_add_tap(struct nvo_port *, nvo_port_tap_fn *fn, void *ctx,
                      unsigned mask);

/* Removes the taps with this fn and ctx.  Returns how many were removed. */
uint32_t nvo_port_remove_tap(struct nvo_port *, nvo_port_tap_fn *fn,
                             const void *ctx);

/* Connects ports 'a' and 'b' with a link configured by 'cfg' (copied).
 * Returns 0, or EINVAL if 'cfg' is impossible (zero rate or MTU, negative
 * delay, a queue smaller than one MTU frame) or a port is connected. */
int nvo_link_connect(struct nvo_link *, struct nvo_port *a,
                     struct nvo_port *b, const struct nvo_link_cfg *cfg);

/* Takes a link down or up.  Down drops what the two ports have queued and
 * on the wire (counted as link-down drops at the sending port). */
void nvo_link_set_up(struct nvo_link *, bool up);

/* Sends 'p' out of 'port'.  The port owns 'p' from now on: it queues it,
 * or drops it (counting the drop) and frees it.  Returns true if queued. */
bool nvo_port_send(struct nvo_port *, struct nvo_pkt *p);

/* nvo_port_send() for a frame whose L2 header (Ethernet and its tags) the
 * caller's parse found to be 'l2_len' bytes (struct nvo_hdrs' l3): the
 * MTU check takes it instead of walking the tags again. */
bool nvo_port_send_l2(struct nvo_port *, struct nvo_pkt *p, uint32_t l2_len);

/* True if the port is sending nothing and has nothing queued. */
static inline bool
nvo_port_is_idle(const struct nvo_port *port)
{
    return nvo_engine_now(port->engine) >= port->busy_until
           && !port->q_ctrl.head && !port->q_data.head;
}

/* Frames queued at the port, including the one being sent. */
uint64_t nvo_port_queued_frames(const struct nvo_port *);

/* Mean queueing delay of the frames the port has sent (0 if none). */
double nvo_port_mean_qdelay(const struct nvo_port *);

#endif /* NVO_LINK_H */
