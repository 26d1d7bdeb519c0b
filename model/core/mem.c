/* mem.c: named memory types and counting accounts (mem.h). */
#include "core/mem.h"

#include <glib.h>
#include <string.h>

static GMutex types_lock__;
static const char *type_names__[NVO_MEM_TYPES_MAX];
static uint32_t n_types__;      /* read with g_atomic_int_get */

nvo_mem_type
nvo_mem_type_register(const char *name)
{
    g_mutex_lock(&types_lock__);
    uint32_t n = n_types__;
    for (uint32_t t = 0; t < n; t++) {
        if (!strcmp(type_names__[t], name)) {
            g_mutex_unlock(&types_lock__);
            return t;
        }
    }
    if (n == NVO_MEM_TYPES_MAX) {
        g_error("nvo_mem_type_register(\"%s\"): more than %u memory types",
                name, NVO_MEM_TYPES_MAX);
    }
    type_names__[n] = name;
    g_atomic_int_set((gint *) &n_types__, (gint) (n + 1));
    g_mutex_unlock(&types_lock__);
    return n;
}

uint32_t
nvo_mem_n_types(void)
{
    return (uint32_t) g_atomic_int_get((gint *) &n_types__);
}

const char *
nvo_mem_type_name(nvo_mem_type t)
{
    return t < nvo_mem_n_types() ? type_names__[t] : "?";
}

void
nvo_mem_acct_init(struct nvo_mem_acct *a, struct nvo_mem_acct *parent)
{
    a->parent = parent;
    a->n = 0;
    a->c = NULL;
}

bool
nvo_mem_acct_fini(struct nvo_mem_acct *a)
{
    if (!a) {
        return true;
    }
    bool zero = true;
    for (uint32_t t = 0; t < a->n; t++) {
        zero = zero && !a->c[t].bytes && !a->c[t].objects;
    }
    g_free(a->c);
    a->c = NULL;
    a->n = 0;
    return zero;
}

struct nvo_mem_count
nvo_mem_acct_get(const struct nvo_mem_acct *a, nvo_mem_type t)
{
    if (!a || t >= a->n) {
        return (struct nvo_mem_count) { 0, 0 };
    }
    return a->c[t];
}

uint64_t
nvo_mem_acct_bytes(const struct nvo_mem_acct *a)
{
    uint64_t s = 0;
    for (uint32_t t = 0; a && t < a->n; t++) {
        s += a->c[t].bytes;
    }
    return s;
}

uint64_t
nvo_mem_acct_objects(const struct nvo_mem_acct *a)
{
    uint64_t s = 0;
    for (uint32_t t = 0; a && t < a->n; t++) {
        s += a->c[t].objects;
    }
    return s;
}

void
nvo_mem_count__(struct nvo_mem_acct *a, nvo_mem_type t, int64_t bytes,
                int64_t objects)
{
    for (; a; a = a->parent) {
        if (G_UNLIKELY(t >= a->n)) {
            uint32_t n = nvo_mem_n_types();
            g_assert(t < n);
            a->c = g_renew(struct nvo_mem_count, a->c, n);
            memset(a->c + a->n, 0, (n - a->n) * sizeof *a->c);
            a->n = n;
        }
        /* Unsigned wrap-around adds a negative delta exactly. */
        a->c[t].bytes += (uint64_t) bytes;
        a->c[t].objects += (uint64_t) objects;
    }
}

void *
nvo_mem_alloc(struct nvo_mem_acct *a, nvo_mem_type t, size_t bytes)
{
    void *p = g_malloc(bytes);
    if (a && p) {
        nvo_mem_count__(a, t, (int64_t) bytes, 1);
    }
    return p;
}

void *
nvo_mem_alloc0(struct nvo_mem_acct *a, nvo_mem_type t, size_t bytes)
{
    void *p = g_malloc0(bytes);
    if (a && p) {
        nvo_mem_count__(a, t, (int64_t) bytes, 1);
    }
    return p;
}

void *
nvo_mem_realloc(struct nvo_mem_acct *a, nvo_mem_type t, void *p,
                size_t old_bytes, size_t new_bytes)
{
    void *q = g_realloc(p, new_bytes);
    if (a) {
        int64_t objects = (q != NULL) - (p != NULL);
        nvo_mem_count__(a, t, (int64_t) new_bytes - (int64_t) old_bytes,
                        objects);
    }
    return q;
}

void
nvo_mem_free(struct nvo_mem_acct *a, nvo_mem_type t, void *p, size_t bytes)
{
    if (!p) {
        return;
    }
    g_free(p);
    if (a) {
        nvo_mem_count__(a, t, -(int64_t) bytes, -1);
    }
}
