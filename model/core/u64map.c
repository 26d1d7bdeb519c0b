/* u64map.c: 64-bit keys to pointers by open addressing.  See u64map.h. */
#include "core/u64map.h"

#include <glib.h>

#define MIN_CAP 8u

void
nvo_u64map_init(struct nvo_u64map *m)
{
    *m = (struct nvo_u64map) NVO_U64MAP_INIT;
}

void
nvo_u64map_fini(struct nvo_u64map *m)
{
    g_free(m->e);
    nvo_u64map_init(m);
}

void
nvo_u64map_clear(struct nvo_u64map *m)
{
    if (m->cap) {
        memset(m->e, 0, (size_t) m->cap * sizeof *m->e);
    }
    m->n = 0;
}

/* The slot of 'key', or of the empty slot where it would go. */
static uint32_t
slot(const struct nvo_u64map *m, uint64_t key)
{
    uint32_t mask = m->cap - 1;
    uint32_t i = (uint32_t) nvo_u64map_hash(key) & mask;
    while (m->e[i].val && m->e[i].key != key) {
        i = (i + 1) & mask;
    }
    return i;
}

static void
grow(struct nvo_u64map *m)
{
    struct nvo_u64map old = *m;
    m->cap = old.cap ? 2 * old.cap : MIN_CAP;
    m->e = g_new0(struct nvo_u64map_entry, m->cap);
    for (uint32_t i = 0; i < old.cap; i++) {
        if (old.e[i].val) {
            m->e[slot(m, old.e[i].key)] = old.e[i];
        }
    }
    g_free(old.e);
}

void *
nvo_u64map_set(struct nvo_u64map *m, uint64_t key, void *val)
{
    g_assert(val != NULL);
    if (m->cap) {
        struct nvo_u64map_entry *x = &m->e[slot(m, key)];
        if (x->val) {
            void *old = x->val;
            x->val = val;
            return old;
        }
    }
    /* At most half full. */
    if (2 * ((size_t) m->n + 1) > m->cap) {
        grow(m);
    }
    struct nvo_u64map_entry *x = &m->e[slot(m, key)];
    x->key = key;
    x->val = val;
    m->n++;
    return NULL;
}

void *
nvo_u64map_remove(struct nvo_u64map *m, uint64_t key)
{
    if (m->n == 0) {
        return NULL;
    }
    uint32_t mask = m->cap - 1;
    uint32_t i = slot(m, key);
    void *old = m->e[i].val;
    if (!old) {
        return NULL;
    }
    /* Shift back the entries of the run after i whose home slot is not
     * between the hole and them (Knuth, TAOCP 3, 6.4, Algorithm R). */
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (!m->e[j].val) {
            break;
        }
        uint32_t h = (uint32_t) nvo_u64map_hash(m->e[j].key) & mask;
        /* Movable to i when h is cyclically outside (i, j]. */
        bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
        if (!stays) {
            m->e[i] = m->e[j];
            i = j;
        }
    }
    m->e[i].val = NULL;
    m->e[i].key = 0;
    m->n--;
    return old;
}

bool
nvo_u64map_next(const struct nvo_u64map *m, uint32_t *pos, uint64_t *key,
                void **val)
{
    while (*pos < m->cap) {
        const struct nvo_u64map_entry *x = &m->e[(*pos)++];
        if (x->val) {
            if (key) {
                *key = x->key;
            }
            if (val) {
                *val = x->val;
            }
            return true;
        }
    }
    return false;
}
