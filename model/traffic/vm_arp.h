/* vm_arp.h: a VM's ARP (RFC 826): the wire-format ARP and RARP (RFC 903)
 * frames a VM or its hypervisor sends inside the tenant network, and the
 * VM's ARP cache: one compact array of entries per VM, each resolved
 * entry valid for a fixed timeout from the reply that made it, each
 * unresolved one holding the frames that wait for the reply (a
 * neighbour queue with a limit, oldest dropped first, as Linux's
 * neigh->arp_queue).  No engine: the caller passes the time.
 * See docs/vm-traffic.md. */
#ifndef NVO_VM_ARP_H
#define NVO_VM_ARP_H

#include "core/units.h"
#include "wire/pkt.h"

#define NVO_ETH_TYPE_RARP 0x8035
#define NVO_RARP_OP_REQUEST 3       /* RFC 903 "request reverse" */

/* Defaults: Linux's (docs/vm-traffic.md cites them). */
#define NVO_VM_ARP_TIMEOUT_DEFAULT (30 * NVO_SEC) /* base_reachable_time */
#define NVO_VM_ARP_RETRANS_DEFAULT (1 * NVO_SEC)  /* retrans_time */
#define NVO_VM_ARP_QUEUE_DEFAULT 101u             /* unres_qlen */

struct nvo_vm_arp_cfg {
    nvo_time_t timeout;         /* a resolved entry's life, > 0 */
    nvo_time_t retrans;         /* a frame this long after an unanswered
                                 * request sends another */
    uint32_t queue_max;         /* frames held per unresolved address */
};

/* One cache entry (32 bytes). */
struct nvo_vm_arp_entry {
    uint32_t ip;                /* host order */
    uint8_t mac[6];
    uint8_t resolved;           /* 1: mac valid until 't' */
    uint8_t pad;
    uint32_t n_queued;
    nvo_time_t t;               /* resolved: expiry; else: last request */
    struct nvo_pkt *queue;      /* waiting frames, oldest first, linked
                                 * by ->next (tail found by the count) */
};

/* A VM's cache (16 bytes): 'n' entries in 'e', capacity 'cap'. */
struct nvo_vm_arp {
    struct nvo_vm_arp_entry *e;
    uint32_t n, cap;
};

enum nvo_vm_arp_result {
    NVO_VM_ARP_HIT,             /* *mac set; the frame is the caller's */
    NVO_VM_ARP_QUEUED,          /* the frame waits; a request is out */
    NVO_VM_ARP_REQUEST,         /* the frame waits; send a request now */
};

/* The address of 'ip' for a frame 'p' at 'now'.  On a miss 'p' is taken
 * into the queue; if that passes cfg->queue_max the oldest frame is
 * returned in *dropped (the caller frees and counts it), else *dropped
 * is NULL.  A request is due for the first frame to an unresolved (or
 * expired) address and for the first frame cfg->retrans or more after
 * the last request. */
enum nvo_vm_arp_result nvo_vm_arp_resolve(struct nvo_vm_arp *,
                                          const struct nvo_vm_arp_cfg *,
                                          uint32_t ip, nvo_time_t now,
                                          struct nvo_pkt *p, uint8_t mac[6],
                                          struct nvo_pkt **dropped);

/* 'ip' is at 'mac' from 'now' on (for cfg->timeout).  With 'create'
 * false only an existing entry is updated (RFC 826: a request that is not
 * for this VM updates the sender's entry only if there is one).  Returns
 * the frames that waited (oldest first, linked by ->next; the caller's),
 * or NULL. */
struct nvo_pkt *nvo_vm_arp_learn(struct nvo_vm_arp *,
                                 const struct nvo_vm_arp_cfg *, uint32_t ip,
                                 const uint8_t mac[6], nvo_time_t now,
                                 bool create);

/* Frames waiting in the cache, and their payload bytes for 'flow_id'
 * accounting: calls 'fn' for each. */
void nvo_vm_arp_foreach_queued(const struct nvo_vm_arp *,
                               void (*fn)(void *ctx, const struct nvo_pkt *),
                               void *ctx);
uint64_t nvo_vm_arp_n_queued(const struct nvo_vm_arp *);

/* Bytes the cache holds (its entry array). */
size_t nvo_vm_arp_bytes(const struct nvo_vm_arp *);

/* Frees the entries and every waiting frame. */
void nvo_vm_arp_clear(struct nvo_vm_arp *);

/* Builds in 'p' (empty, with headroom) an Ethernet frame of type
 * 'ethertype' (NVO_ETH_TYPE_ARP or NVO_ETH_TYPE_RARP) from 'src' to
 * 'dst' carrying ARP operation 'op' with the given addresses (IPv4 in
 * host order): 14 + 28 = 42 bytes, unpadded as a VM's virtual NIC hands
 * it over; l2 and l3 set.  Returns 0 or ENOBUFS. */
int nvo_vm_arp_build(struct nvo_pkt *p, uint16_t ethertype,
                     const uint8_t dst[6], const uint8_t src[6], uint16_t op,
                     const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
                     uint32_t tpa);

#endif
