/* pkt.h: packets, with real wire-format headers and a virtual payload.
 *
 * A packet holds its headers as real bytes in a buffer with headroom:
 * nvo_pkt_push() prepends a header (encapsulate), nvo_pkt_pull() strips one
 * (decapsulate), nvo_pkt_put() appends real bytes at the tail (a BGP or LDP
 * PDU is all real bytes).  After the real bytes comes the payload, which is
 * virtual: only its length 'payload_size' is stored; pcap files show it as
 * zeros.  The wire length of a frame (without FCS) is size + payload_size.
 *
 *   base                data               data+size
 *   |<---- headroom ---->|<---- real bytes ---->|<-- virtual payload -->|
 *
 * Offsets of the outer (l2/l3/l4) and inner (inner_l2/l3/l4) headers are
 * kept from 'base', so they survive push and pull; NVO_PKT_OFS_NONE means
 * absent.  An encapsulation's push moves the current l2..l4 offsets to
 * inner_*, and sets new outer ones; its pop does the reverse.
 *
 * Packets come from a pool (no malloc per packet in steady state), in two
 * size classes: a packet is one block, its struct followed by its inline
 * buffer, of NVO_PKT_SMALL_SIZE bytes (the small class: 256 bytes in all)
 * when headroom + cap fits there, of NVO_PKT_INLINE_SIZE (the full class:
 * 752 bytes) when not; each class has its own free list.  An underlay
 * frame (headroom NVO_PKT_UNDERLAY_HEADROOM, its headers) is small; a
 * tenant frame, which an encapsulation may be pushed onto, asks for
 * NVO_PKT_HEADROOM and is full.  A push that does not fit the headroom
 * moves the real bytes to a malloc'ed buffer with NVO_PKT_HEADROOM more
 * (see nvo_pkt_push), so no sender's guess can write outside a buffer.
 * The pool keeps, per class, at most as many free packets as are live
 * (and at least NVO_PKT_POOL_KEEP): after a burst (a control plane's
 * synchronized start: 568,000 packets in flight, 0.4 GiB) the structs go
 * back to malloc for the state that follows, instead of staying on the
 * free list.  A BUM replica is nvo_pkt_clone(): a copy of the real bytes
 * and metadata, in the original's class. */
#ifndef NVO_PKT_H
#define NVO_PKT_H

#include "core/nvo.h"
#include "core/units.h"

/* Room for the worst-case encapsulation in front of a tenant frame:
 * outer Ethernet + 802.1Q (18) + IPv6 (40) + UDP (8) + Geneve with the
 * largest options (8 + 252) = 326, rounded up. */
#define NVO_PKT_HEADROOM 336u
/* Inline buffer: headroom plus a tenant frame's headers (Ethernet+802.1Q,
 * IPv6 with extension room, TCP with options) with margin. */
#define NVO_PKT_INLINE_SIZE 640u
/* Inline buffer of a small packet: the struct's 112 bytes and this make
 * 256 (four cache lines).  It holds an underlay frame's headers (Ethernet
 * with 802.1Q, IPv6, TCP: 78 bytes) after NVO_PKT_UNDERLAY_HEADROOM, a
 * TCP segment of up to 144 real bytes without headroom (a pure ACK, a BGP
 * KEEPALIVE), or a tenant frame's headers after a VXLAN-over-IPv4 push
 * when its sender asked for that headroom. */
#define NVO_PKT_SMALL_SIZE 144u
/* Headroom of an underlay frame (nothing is pushed onto it; an 802.1Q tag
 * would fit): its headers then start at byte 128 of the block. */
#define NVO_PKT_UNDERLAY_HEADROOM 16u

/* Size classes (see above). */
enum nvo_pkt_class {
    NVO_PKT_SMALL,
    NVO_PKT_FULL,
    NVO_PKT_CLASSES
};

#define NVO_PKT_OFS_NONE UINT16_MAX

/* Free packets a pool keeps whatever the live count. */
#define NVO_PKT_POOL_KEEP 4096u

/* Traffic classes, counted separately on every port. */
enum nvo_tclass {
    NVO_TC_DATA,        /* unicast tenant and underlay traffic */
    NVO_TC_BUM,         /* broadcast, unknown unicast, multicast */
    NVO_TC_CONTROL,     /* control plane: BGP, LDP, PIM, ARP to the PE */
    NVO_TC_N
};

const char *nvo_tclass_name(enum nvo_tclass);

struct nvo_pkt_pool;

/* The first 64 bytes hold what every hop reads or writes (a port's
 * queues and wire link through 'next'; length, class, time stamp, the
 * arrival event and its holder); the second what allocation, free and
 * delivery use; the buffer follows. */
struct nvo_pkt {
    struct nvo_pkt *next;       /* free list, or a queue the owner keeps */
    uint8_t *data;              /* first real byte */
    uint32_t size;              /* real bytes from 'data' */
    uint32_t payload_size;      /* virtual payload bytes after the real ones */
    uint8_t tclass;             /* enum nvo_tclass */
    uint8_t stt_segment;        /* STT: 0 = not segmented, else 1-based
                                 * segment number (only 1 has STT header) */
    uint16_t in_port;           /* port it arrived on, for models */
    uint32_t cap;               /* bytes in the buffer from 'base' */
    uint64_t flow_id;           /* the traffic source's flow, 0 = none */
    nvo_time_t stamp;           /* scratch time stamp of the current
                                 * holder (a port: enqueue time) */
    uint64_t event;             /* scratch event handle of the current
                                 * holder (a port: the frame's arrival) */
    void *holder;               /* scratch: the current holder (a port
                                 * while the frame is on its wire) */

    uint8_t *base;              /* start of the buffer */
    struct nvo_pkt_pool *pool;
    uint64_t uid;               /* unique per pool, in allocation order */
    nvo_time_t created;         /* when the source made it */
    uint16_t l2_ofs, l3_ofs, l4_ofs;              /* from base, or NONE */
    uint16_t inner_l2_ofs, inner_l3_ofs, inner_l4_ofs;
    uint8_t cls;                /* enum nvo_pkt_class */
    uint8_t pad_[3];

    /* NVO_PKT_SMALL_SIZE or NVO_PKT_INLINE_SIZE bytes, by class. */
    uint8_t inline_buf[];
};

/* A pool of packets.  Counts allocations so a run can report them: the
 * n_* counts are of both classes, the *_class ones per class. */
struct nvo_pkt_pool {
    struct nvo_pkt *free[NVO_PKT_CLASSES];
    uint64_t next_uid;
    uint64_t n_alloc;           /* allocations served */
    uint64_t n_live;            /* packets currently out of the pool */
    uint64_t n_peak;            /* most packets out at once */
    uint64_t n_made;            /* packet structs malloc'ed */
    uint64_t n_free;            /* on the free lists */
    uint64_t n_grown;           /* pushes that moved the real bytes to a
                                 * malloc'ed buffer (short headroom) */
    uint64_t n_live_class[NVO_PKT_CLASSES];
    uint64_t n_made_class[NVO_PKT_CLASSES];
    uint64_t n_free_class[NVO_PKT_CLASSES];
    uint64_t bytes_live;        /* blocks (struct + inline buffer) of the
                                 * live packets, plus their malloc'ed
                                 * buffers */
    uint64_t bytes_peak;        /* most bytes_live at once */
};

/* Bytes of a packet block (struct and inline buffer) of a class. */
size_t nvo_pkt_class_bytes(enum nvo_pkt_class);

void nvo_pkt_pool_init(struct nvo_pkt_pool *);
/* Frees the pooled packets.  Packets still live are the caller's leak. */
void nvo_pkt_pool_destroy(struct nvo_pkt_pool *);

/* Takes a packet with 'headroom' bytes of headroom (NVO_PKT_HEADROOM for a
 * tenant frame, NVO_PKT_UNDERLAY_HEADROOM for an underlay one) and room for
 * at least 'cap' real bytes after it: a small packet if headroom + cap <=
 * NVO_PKT_SMALL_SIZE (its cap is then NVO_PKT_SMALL_SIZE), a full one with
 * its inline buffer if <= NVO_PKT_INLINE_SIZE, a full one with a malloc'ed
 * buffer of headroom + cap bytes if larger.
 * The packet is empty: size 0, payload 0, offsets NONE, tclass DATA. */
struct nvo_pkt *nvo_pkt_alloc(struct nvo_pkt_pool *, uint32_t headroom,
                              uint32_t cap);

/* Returns the packet to its pool.  Accepts NULL. */
void nvo_pkt_free(struct nvo_pkt *);

/* A copy: real bytes, payload length, offsets and metadata, with a new uid.
 * The clone has the same headroom and at least the original's tailroom: a
 * small packet's clone is small, a full one's full (one whose bytes moved
 * to a malloc'ed buffer gets the class its headroom and cap need). */
struct nvo_pkt *nvo_pkt_clone(const struct nvo_pkt *);

static inline uint32_t
nvo_pkt_headroom(const struct nvo_pkt *p)
{
    return (uint32_t) (p->data - p->base);
}

static inline uint32_t
nvo_pkt_tailroom(const struct nvo_pkt *p)
{
    return p->cap - nvo_pkt_headroom(p) - p->size;
}

/* Length on the wire, without FCS. */
static inline uint32_t
nvo_pkt_len(const struct nvo_pkt *p)
{
    return p->size + p->payload_size;
}

/* Prepends 'n' bytes (uninitialized) and returns the new data pointer.
 * If the headroom is shorter than 'n' (a sender that asked for less than
 * an encapsulation needs), the real bytes first move to a malloc'ed buffer
 * with n + NVO_PKT_HEADROOM bytes of headroom and the same tailroom, the
 * offsets follow them (pool->n_grown counts it): pointers into the packet
 * taken before the push are then stale. */
void *nvo_pkt_push(struct nvo_pkt *, uint32_t n);

/* Removes 'n' real bytes from the front and returns the new data pointer.
 * The caller guarantees size >= n (asserted). */
void *nvo_pkt_pull(struct nvo_pkt *, uint32_t n);

/* Like pull, but returns NULL and changes nothing if fewer than 'n' real
 * bytes are present. */
void *nvo_pkt_try_pull(struct nvo_pkt *, uint32_t n);

/* Appends 'n' real bytes (uninitialized) at the tail, before the virtual
 * payload, and returns a pointer to them.  Tailroom is asserted. */
void *nvo_pkt_put(struct nvo_pkt *, uint32_t n);

/* Offset helpers: pointer to a header by its offset, or NULL if absent. */
static inline void *
nvo_pkt_at(const struct nvo_pkt *p, uint16_t ofs)
{
    return ofs == NVO_PKT_OFS_NONE ? NULL : p->base + ofs;
}

/* Offset of the current data pointer (for setting l2_ofs etc.). */
static inline uint16_t
nvo_pkt_data_ofs(const struct nvo_pkt *p)
{
    return (uint16_t) (p->data - p->base);
}

/* Moves l2/l3/l4 to inner_* and marks the outer ones absent (used by an
 * encapsulation's push before it writes the outer headers). */
void nvo_pkt_shift_inner(struct nvo_pkt *);

/* Moves inner_* back to l2/l3/l4 and marks the inner absent (used by an
 * encapsulation's pop after it stripped the outer headers). */
void nvo_pkt_unshift_inner(struct nvo_pkt *);

#endif /* NVO_PKT_H */
