/* vm_index.c: a PE's local VMs by (tenant, MAC), open addressing (see
 * vm_index.h). */
#include "overlay/vm_index.h"

#include <errno.h>
#include <string.h>

#define EMPTY UINT64_MAX
#define MIN_CAP 8u

static nvo_mem_type
mem_type__(void)
{
    static nvo_mem_type t;
    static int done;
    if (!done) {
        t = nvo_mem_type_register("pe-vm-index");
        done = 1;
    }
    return t;
}

static inline uint32_t
hash__(uint32_t tenant, uint64_t mac)
{
    uint64_t x = mac ^ ((uint64_t) tenant << 48) ^ ((uint64_t) tenant >> 16);
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return (uint32_t) x;
}

void
nvo_vm_index_init(struct nvo_vm_index *x, struct nvo_mem_acct *acct)
{
    memset(x, 0, sizeof *x);
    x->acct = acct;
}

void
nvo_vm_index_fini(struct nvo_vm_index *x)
{
    nvo_mem_free(x->acct, mem_type__(), x->slots,
                 (size_t) x->cap * sizeof *x->slots);
    x->slots = NULL;
    x->n = x->cap = 0;
}

static void
put__(struct nvo_vm_index_slot *slots, uint32_t cap,
      const struct nvo_vm_index_slot *s)
{
    uint32_t mask = cap - 1;
    for (uint32_t i = hash__(s->tenant, s->mac) & mask; ;
         i = (i + 1) & mask) {
        if (slots[i].mac == EMPTY) {
            slots[i] = *s;
            return;
        }
    }
}

static int
grow__(struct nvo_vm_index *x)
{
    uint32_t cap = x->cap ? 2 * x->cap : MIN_CAP;
    if (cap > (1u << 31) || cap < x->cap) {
        return ENOMEM;
    }
    struct nvo_vm_index_slot *s =
        nvo_mem_alloc(x->acct, mem_type__(), (size_t) cap * sizeof *s);
    for (uint32_t i = 0; i < cap; i++) {
        s[i].mac = EMPTY;
    }
    for (uint32_t i = 0; i < x->cap; i++) {
        if (x->slots[i].mac != EMPTY) {
            put__(s, cap, &x->slots[i]);
        }
    }
    nvo_mem_free(x->acct, mem_type__(), x->slots,
                 (size_t) x->cap * sizeof *x->slots);
    x->slots = s;
    x->cap = cap;
    return 0;
}

int64_t
nvo_vm_index_find(const struct nvo_vm_index *x, uint32_t tenant,
                  uint64_t mac)
{
    if (!x->cap) {
        return -1;
    }
    uint32_t mask = x->cap - 1;
    for (uint32_t i = hash__(tenant, mac) & mask; ; i = (i + 1) & mask) {
        const struct nvo_vm_index_slot *s = &x->slots[i];
        if (s->mac == EMPTY) {
            return -1;
        }
        if (s->mac == mac && s->tenant == tenant) {
            return s->vm;
        }
    }
}

int
nvo_vm_index_add(struct nvo_vm_index *x, uint32_t tenant, uint64_t mac,
                 uint32_t vm)
{
    if (nvo_vm_index_find(x, tenant, mac) >= 0) {
        return EEXIST;
    }
    if (2 * (uint64_t) (x->n + 1) > x->cap) {
        int error = grow__(x);
        if (error) {
            return error;
        }
    }
    struct nvo_vm_index_slot s = { .mac = mac, .tenant = tenant, .vm = vm };
    put__(x->slots, x->cap, &s);
    x->n++;
    return 0;
}

int
nvo_vm_index_remove(struct nvo_vm_index *x, uint32_t tenant, uint64_t mac)
{
    if (!x->cap) {
        return ENOENT;
    }
    uint32_t mask = x->cap - 1;
    uint32_t i = hash__(tenant, mac) & mask;
    for (;; i = (i + 1) & mask) {
        const struct nvo_vm_index_slot *s = &x->slots[i];
        if (s->mac == EMPTY) {
            return ENOENT;
        }
        if (s->mac == mac && s->tenant == tenant) {
            break;
        }
    }
    /* Backward-shift deletion: move up every later entry of the run that
     * may sit at or before the hole, so no lookup stops early. */
    for (uint32_t j = (i + 1) & mask; ; j = (j + 1) & mask) {
        struct nvo_vm_index_slot *s = &x->slots[j];
        if (s->mac == EMPTY) {
            break;
        }
        uint32_t home = hash__(s->tenant, s->mac) & mask;
        /* s may move to the hole i if its home is not in (i, j]. */
        bool between = i <= j ? (home > i && home <= j)
                              : (home > i || home <= j);
        if (!between) {
            x->slots[i] = *s;
            i = j;
        }
    }
    x->slots[i].mac = EMPTY;
    x->n--;
    return 0;
}
