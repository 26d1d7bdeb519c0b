/* pkt.c: packet pool, push / pull / put, clone.  See pkt.h. */
#include "wire/pkt.h"

#include <assert.h>
#include <stdlib.h>

const char *
nvo_tclass_name(enum nvo_tclass tc)
{
    switch (tc) {
    case NVO_TC_DATA: return "data";
    case NVO_TC_BUM: return "bum";
    case NVO_TC_CONTROL: return "control";
    case NVO_TC_N: break;
    }
    return "?";
}

void
nvo_pkt_pool_init(struct nvo_pkt_pool *pool)
{
    memset(pool, 0, sizeof *pool);
    pool->next_uid = 1;
}

void
nvo_pkt_pool_destroy(struct nvo_pkt_pool *pool)
{
    if (!pool) {
        return;
    }
    struct nvo_pkt *p = pool->free;
    while (p) {
        struct nvo_pkt *next = p->next;
        free(p);
        p = next;
    }
    pool->free = NULL;
    pool->n_free = 0;
}

static void
pkt_reset__(struct nvo_pkt *p, uint32_t headroom)
{
    p->data = p->base + headroom;
    p->size = 0;
    p->payload_size = 0;
    p->l2_ofs = p->l3_ofs = p->l4_ofs = NVO_PKT_OFS_NONE;
    p->inner_l2_ofs = p->inner_l3_ofs = p->inner_l4_ofs = NVO_PKT_OFS_NONE;
    p->tclass = NVO_TC_DATA;
    p->stt_segment = 0;
    p->in_port = 0;
    p->flow_id = 0;
    p->created = 0;
    p->stamp = 0;
    p->event = 0;
    p->holder = NULL;
    p->next = NULL;
}

struct nvo_pkt *
nvo_pkt_alloc(struct nvo_pkt_pool *pool, uint32_t headroom, uint32_t cap)
{
    struct nvo_pkt *p = pool->free;
    if (p) {
        pool->free = p->next;
        pool->n_free--;
    } else {
        p = malloc(sizeof *p);
        if (!p) {
            abort();
        }
        p->pool = pool;
        pool->n_made++;
    }
    uint32_t need = headroom + cap;
    if (need <= NVO_PKT_INLINE_SIZE) {
        p->base = p->inline_buf;
        p->cap = NVO_PKT_INLINE_SIZE;
    } else {
        p->base = malloc(need);
        if (!p->base) {
            abort();
        }
        p->cap = need;
    }
    pkt_reset__(p, headroom);
    p->uid = pool->next_uid++;
    pool->n_alloc++;
    if (++pool->n_live > pool->n_peak) {
        pool->n_peak = pool->n_live;
    }
    return p;
}

void
nvo_pkt_free(struct nvo_pkt *p)
{
    if (!p) {
        return;
    }
    struct nvo_pkt_pool *pool = p->pool;
    if (p->base != p->inline_buf) {
        free(p->base);
        p->base = p->inline_buf;
    }
    assert(pool->n_live > 0);
    pool->n_live--;
    if (pool->n_free >= NVO_PKT_POOL_KEEP && pool->n_free >= pool->n_live) {
        free(p);                /* see pkt.h: no hoard after a burst */
        return;
    }
    p->next = pool->free;
    pool->free = p;
    pool->n_free++;
}

struct nvo_pkt *
nvo_pkt_clone(const struct nvo_pkt *src)
{
    uint32_t headroom = nvo_pkt_headroom(src);
    struct nvo_pkt *p = nvo_pkt_alloc(src->pool, headroom,
                                      src->cap - headroom);
    memcpy(p->data, src->data, src->size);
    p->size = src->size;
    p->payload_size = src->payload_size;
    p->l2_ofs = src->l2_ofs;
    p->l3_ofs = src->l3_ofs;
    p->l4_ofs = src->l4_ofs;
    p->inner_l2_ofs = src->inner_l2_ofs;
    p->inner_l3_ofs = src->inner_l3_ofs;
    p->inner_l4_ofs = src->inner_l4_ofs;
    p->tclass = src->tclass;
    p->stt_segment = src->stt_segment;
    p->in_port = src->in_port;
    p->flow_id = src->flow_id;
    p->created = src->created;
    p->stamp = src->stamp;
    p->event = 0;
    p->holder = NULL;
    return p;
}

void *
nvo_pkt_push(struct nvo_pkt *p, uint32_t n)
{
    assert(nvo_pkt_headroom(p) >= n);
    p->data -= n;
    p->size += n;
    return p->data;
}

void *
nvo_pkt_pull(struct nvo_pkt *p, uint32_t n)
{
    assert(p->size >= n);
    p->data += n;
    p->size -= n;
    return p->data;
}

void *
nvo_pkt_try_pull(struct nvo_pkt *p, uint32_t n)
{
    if (p->size < n) {
        return NULL;
    }
    return nvo_pkt_pull(p, n);
}

void *
nvo_pkt_put(struct nvo_pkt *p, uint32_t n)
{
    assert(nvo_pkt_tailroom(p) >= n);
    void *tail = p->data + p->size;
    p->size += n;
    return tail;
}

void
nvo_pkt_shift_inner(struct nvo_pkt *p)
{
    p->inner_l2_ofs = p->l2_ofs;
    p->inner_l3_ofs = p->l3_ofs;
    p->inner_l4_ofs = p->l4_ofs;
    p->l2_ofs = p->l3_ofs = p->l4_ofs = NVO_PKT_OFS_NONE;
}

void
nvo_pkt_unshift_inner(struct nvo_pkt *p)
{
    p->l2_ofs = p->inner_l2_ofs;
    p->l3_ofs = p->inner_l3_ofs;
    p->l4_ofs = p->inner_l4_ofs;
    p->inner_l2_ofs = p->inner_l3_ofs = p->inner_l4_ofs = NVO_PKT_OFS_NONE;
}
