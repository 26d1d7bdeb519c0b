/* vm_arp.c: a VM's ARP cache with a timeout and a neighbour queue, and
 * ARP / RARP frames (see vm_arp.h). */
#include "traffic/vm_arp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire/wire.h"

static struct nvo_vm_arp_entry *
find__(struct nvo_vm_arp *a, uint32_t ip)
{
    for (uint32_t i = 0; i < a->n; i++) {
        if (a->e[i].ip == ip) {
            return &a->e[i];
        }
    }
    return NULL;
}

static struct nvo_vm_arp_entry *
add__(struct nvo_vm_arp *a, uint32_t ip)
{
    if (a->n == a->cap) {
        uint32_t cap = a->cap ? 2 * a->cap : 2;
        struct nvo_vm_arp_entry *e = realloc(a->e, cap * sizeof *e);
        if (!e) {
            abort();            /* as g_new: out of memory */
        }
        a->e = e;
        a->cap = cap;
    }
    struct nvo_vm_arp_entry *e = &a->e[a->n++];
    memset(e, 0, sizeof *e);
    e->ip = ip;
    return e;
}

static bool
valid__(const struct nvo_vm_arp_entry *e, nvo_time_t now)
{
    return e->resolved && now < e->t;
}

enum nvo_vm_arp_result
nvo_vm_arp_resolve(struct nvo_vm_arp *a, const struct nvo_vm_arp_cfg *cfg,
                   uint32_t ip, nvo_time_t now, struct nvo_pkt *p,
                   uint8_t mac[6], struct nvo_pkt **dropped)
{
    *dropped = NULL;
    struct nvo_vm_arp_entry *e = find__(a, ip);
    if (e && valid__(e, now)) {
        memcpy(mac, e->mac, 6);
        return NVO_VM_ARP_HIT;
    }
    bool request;
    if (!e) {
        e = add__(a, ip);
        request = true;
    } else if (e->resolved) {
        e->resolved = 0;        /* expired: unresolved again */
        request = true;
    } else {
        request = now - e->t >= cfg->retrans;
    }
    if (request) {
        e->t = now;
    }
    p->next = NULL;
    if (!e->queue) {
        e->queue = p;
    } else {
        struct nvo_pkt *t = e->queue;
        while (t->next) {
            t = t->next;
        }
        t->next = p;
    }
    e->n_queued++;
    if (e->n_queued > cfg->queue_max) {
        struct nvo_pkt *old = e->queue;
        e->queue = old->next;
        old->next = NULL;
        e->n_queued--;
        *dropped = old;
    }
    return request ? NVO_VM_ARP_REQUEST : NVO_VM_ARP_QUEUED;
}

struct nvo_pkt *
nvo_vm_arp_learn(struct nvo_vm_arp *a, const struct nvo_vm_arp_cfg *cfg,
                 uint32_t ip, const uint8_t mac[6], nvo_time_t now,
                 bool create)
{
    struct nvo_vm_arp_entry *e = find__(a, ip);
    if (!e) {
        if (!create) {
            return NULL;
        }
        e = add__(a, ip);
    }
    memcpy(e->mac, mac, 6);
    e->resolved = 1;
    e->t = cfg->timeout < NVO_TIME_MAX - now ? now + cfg->timeout
                                             : NVO_TIME_MAX;
    struct nvo_pkt *q = e->queue;
    e->queue = NULL;
    e->n_queued = 0;
    return q;
}

void
nvo_vm_arp_foreach_queued(const struct nvo_vm_arp *a,
                          void (*fn)(void *ctx, const struct nvo_pkt *),
                          void *ctx)
{
    for (uint32_t i = 0; i < a->n; i++) {
        for (const struct nvo_pkt *p = a->e[i].queue; p; p = p->next) {
            fn(ctx, p);
        }
    }
}

uint64_t
nvo_vm_arp_n_queued(const struct nvo_vm_arp *a)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < a->n; i++) {
        n += a->e[i].n_queued;
    }
    return n;
}

size_t
nvo_vm_arp_bytes(const struct nvo_vm_arp *a)
{
    return (size_t) a->cap * sizeof *a->e;
}

void
nvo_vm_arp_clear(struct nvo_vm_arp *a)
{
    for (uint32_t i = 0; i < a->n; i++) {
        struct nvo_pkt *p = a->e[i].queue;
        while (p) {
            struct nvo_pkt *next = p->next;
            p->next = NULL;
            nvo_pkt_free(p);
            p = next;
        }
    }
    free(a->e);
    memset(a, 0, sizeof *a);
}

int
nvo_vm_arp_build(struct nvo_pkt *p, uint16_t ethertype, const uint8_t dst[6],
                 const uint8_t src[6], uint16_t op, const uint8_t sha[6],
                 uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
    uint8_t *b = nvo_pkt_put(p, NVO_ETH_LEN + NVO_ARP_LEN);
    if (!b) {
        return ENOBUFS;
    }
    struct nvo_eth_info eth;
    memcpy(eth.dst, dst, 6);
    memcpy(eth.src, src, 6);
    eth.type = ethertype;
    nvo_eth_encode(b, &eth);
    struct nvo_arp_info arp;
    arp.op = op;
    memcpy(arp.sha, sha, 6);
    arp.spa = spa;
    memcpy(arp.tha, tha, 6);
    arp.tpa = tpa;
    nvo_arp_encode(b + NVO_ETH_LEN, &arp);
    p->payload_size = 0;
    p->l2_ofs = nvo_pkt_data_ofs(p);
    p->l3_ofs = (uint16_t) (p->l2_ofs + NVO_ETH_LEN);
    p->l4_ofs = NVO_PKT_OFS_NONE;
    p->inner_l2_ofs = p->inner_l3_ofs = p->inner_l4_ofs = NVO_PKT_OFS_NONE;
    return 0;
}
