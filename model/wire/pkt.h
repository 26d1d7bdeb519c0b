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
 * Packets come from a pool (no malloc per packet in steady state).  The
 * pool keeps at most as many free packets as are live (and at least
 * NVO_PKT_POOL_KEEP): after a burst (a control plane's synchronized start:
 * 568,000 packets in flight, 0.4 GiB) the structs go back to malloc for
 * the state that follows, instead of staying on the free list.  A BUM
 * replica is nvo_pkt_clone(): a copy of the real bytes and metadata. */
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

    uint8_t inline_buf[NVO_PKT_INLINE_SIZE];
};

/* A pool of packets.  Counts allocations so a run can report them. */
struct nvo_pkt_pool {
    struct nvo_pkt *free;
    uint64_t next_uid;
    uint64_t n_alloc;           /* allocations served */
    uint64_t n_live;            /* packets currently out of the pool */
    uint64_t n_peak;            /* most packets out at once */
    uint64_t n_made;            /* packet structs malloc'ed */
    uint64_t n_free;            /* on the free list */
};

void nvo_pkt_pool_init(struct nvo_pkt_pool *);
/* Frees the pooled packets.  Packets still live are the caller's leak. */
void nvo_pkt_pool_destroy(struct nvo_pkt_pool *);

/* Takes a packet with 'headroom' bytes of headroom (NVO_PKT_HEADROOM for a
 * tenant frame) and room for at least 'cap' real bytes after it (up to
 * NVO_PKT_INLINE_SIZE - headroom inline; larger buffers are malloc'ed).
 * The packet is empty: size 0, payload 0, offsets NONE, tclass DATA. */
struct nvo_pkt *nvo_pkt_alloc(struct nvo_pkt_pool *, uint32_t headroom,
                              uint32_t cap);

/* Returns the packet to its pool.  Accepts NULL. */
void nvo_pkt_free(struct nvo_pkt *);

/* A copy: real bytes, payload length, offsets and metadata, with a new uid.
 * The clone has the same headroom as the original. */
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
 * The caller guarantees the headroom (asserted). */
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
