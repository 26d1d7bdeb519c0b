/* pkt.c: packet pool, push / pull / put, clone.  See pkt.h. */
#include "wire/pkt.h"

#include <assert.h>
#include <stddef.h>
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

/* The block layout the class sizes assume (see pkt.h). */
_Static_assert(offsetof(struct nvo_pkt, inline_buf) == 112,
               "packet struct: 112 bytes before the inline buffer");
_Static_assert(sizeof(struct nvo_pkt) + NVO_PKT_SMALL_SIZE == 256,
               "a small packet is four cache lines");
_Static_assert(NVO_PKT_SMALL_SIZE < NVO_PKT_INLINE_SIZE,
               "the small class is the smaller");

static const uint32_t class_size__[NVO_PKT_CLASSES] = {
    [NVO_PKT_SMALL] = NVO_PKT_SMALL_SIZE,
    [NVO_PKT_FULL] = NVO_PKT_INLINE_SIZE,
};

size_t
nvo_pkt_class_bytes(enum nvo_pkt_class c)
{
    return sizeof(struct nvo_pkt) + class_size__[c];
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
    for (int c = 0; c < NVO_PKT_CLASSES; c++) {
        struct nvo_pkt *p = pool->free[c];
        while (p) {
            struct nvo_pkt *next = p->next;
            free(p);
            p = next;
        }
        pool->free[c] = NULL;
        pool->n_free_class[c] = 0;
    }
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

/* Bytes a live packet holds: its block, and its malloc'ed buffer. */
static uint64_t
pkt_bytes__(const struct nvo_pkt *p)
{
    return nvo_pkt_class_bytes(p->cls)
           + (p->base != p->inline_buf ? p->cap : 0);
}

static void
bytes_add__(struct nvo_pkt_pool *pool, uint64_t n)
{
    pool->bytes_live += n;
    if (pool->bytes_live > pool->bytes_peak) {
        pool->bytes_peak = pool->bytes_live;
    }
}

struct nvo_pkt *
nvo_pkt_alloc(struct nvo_pkt_pool *pool, uint32_t headroom, uint32_t cap)
{
    uint32_t need = headroom + cap;
    enum nvo_pkt_class c = need <= NVO_PKT_SMALL_SIZE ? NVO_PKT_SMALL
                                                      : NVO_PKT_FULL;
    struct nvo_pkt *p = pool->free[c];
    if (p) {
        pool->free[c] = p->next;
        pool->n_free--;
        pool->n_free_class[c]--;
    } else {
        p = malloc(nvo_pkt_class_bytes(c));
        if (!p) {
            abort();
        }
        p->pool = pool;
        p->cls = (uint8_t) c;
        pool->n_made++;
        pool->n_made_class[c]++;
    }
    if (need <= class_size__[c]) {
        p->base = p->inline_buf;
        p->cap = class_size__[c];
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
    pool->n_live_class[c]++;
    bytes_add__(pool, pkt_bytes__(p));
    return p;
}

void
nvo_pkt_free(struct nvo_pkt *p)
{
    if (!p) {
        return;
    }
    struct nvo_pkt_pool *pool = p->pool;
    enum nvo_pkt_class c = p->cls;
    assert(pool->n_live > 0 && pool->n_live_class[c] > 0);
    pool->bytes_live -= pkt_bytes__(p);
    if (p->base != p->inline_buf) {
        free(p->base);
        p->base = p->inline_buf;
    }
    pool->n_live--;
    pool->n_live_class[c]--;
    if (pool->n_free_class[c] >= NVO_PKT_POOL_KEEP
        && pool->n_free_class[c] >= pool->n_live_class[c]) {
        free(p);                /* see pkt.h: no hoard after a burst */
        return;
    }
    p->next = pool->free[c];
    pool->free[c] = p;
    pool->n_free++;
    pool->n_free_class[c]++;
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

static uint16_t
ofs_move__(uint16_t ofs, uint32_t delta)
{
    return ofs == NVO_PKT_OFS_NONE ? ofs : (uint16_t) (ofs + delta);
}

/* The headroom is short of 'n': moves the real bytes to a malloc'ed
 * buffer with n + NVO_PKT_HEADROOM of headroom and the same tailroom. */
static void
pkt_grow__(struct nvo_pkt *p, uint32_t n)
{
    struct nvo_pkt_pool *pool = p->pool;
    uint32_t old_head = nvo_pkt_headroom(p);
    uint32_t head = n + NVO_PKT_HEADROOM;
    uint32_t cap = head + p->size + nvo_pkt_tailroom(p);
    uint8_t *buf = malloc(cap);
    if (!buf) {
        abort();
    }
    memcpy(buf + head, p->data, p->size);
    pool->bytes_live -= pkt_bytes__(p);
    if (p->base != p->inline_buf) {
        free(p->base);
    }
    p->base = buf;
    p->data = buf + head;
    p->cap = cap;
    bytes_add__(pool, pkt_bytes__(p));
    uint32_t delta = head - old_head;
    p->l2_ofs = ofs_move__(p->l2_ofs, delta);
    p->l3_ofs = ofs_move__(p->l3_ofs, delta);
    p->l4_ofs = ofs_move__(p->l4_ofs, delta);
    p->inner_l2_ofs = ofs_move__(p->inner_l2_ofs, delta);
    p->inner_l3_ofs = ofs_move__(p->inner_l3_ofs, delta);
    p->inner_l4_ofs = ofs_move__(p->inner_l4_ofs, delta);
    pool->n_grown++;
}

void *
nvo_pkt_push(struct nvo_pkt *p, uint32_t n)
{
    if (nvo_pkt_headroom(p) < n) {
        pkt_grow__(p, n);
    }
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
