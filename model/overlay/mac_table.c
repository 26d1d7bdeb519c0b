/* mac_table.c: the MAC table of a hypervisor PE (see mac_table.h).
 *
 * Layout: a dense array of entries (index 0 .. n-1; a removal moves the
 * last entry into the hole) and an open-addressing slot array of uint32_t
 * (entry index + 1, 0 = empty), linear probing, at most half full, with
 * backward-shift deletion (no tombstones).  Dynamic entries are linked, by
 * index, in last-seen order: the aging list. */
#include "overlay/mac_table.h"

#include <errno.h>
#include <stdlib.h>

#include <glib.h>

#define NONE UINT32_MAX
#define MIN_SLOTS 16u
#define MIN_CAP 8u

struct ent {
    struct nvo_mac_entry e;
    uint32_t prev, next;        /* aging list (dynamic entries only) */
};
_Static_assert(sizeof(struct nvo_mac_entry) == 32, "public entry size");
_Static_assert(sizeof(struct ent) == 40, "entry size");

struct nvo_mac_table {
    nvo_time_t aging;
    nvo_time_t gran;
    uint32_t max_entries;
    uint32_t basis;
    struct nvo_mem_acct *acct;

    struct ent *ents;
    uint32_t n, cap;
    uint32_t *slots;
    uint32_t mask;              /* slots - 1 */
    uint32_t head, tail;        /* aging list: oldest, newest */
    nvo_time_t latest;          /* the latest time seen */

    struct nvo_engine *engine;
    struct nvo_timer timer;
    nvo_time_t armed_at;        /* the timer's expiry, NVO_TIME_MAX: none */

    struct nvo_mac_counters c;
};

static nvo_mem_type mt_entry, mt_spare, mt_bucket, mt_table;

static void
mem_types__(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        mt_entry = nvo_mem_type_register("mac-entry");
        mt_spare = nvo_mem_type_register("mac-spare");
        mt_bucket = nvo_mem_type_register("mac-bucket");
        mt_table = nvo_mem_type_register("mac-table");
        g_once_init_leave(&done, 1);
    }
}

nvo_mem_type nvo_mac_table_mem_entry(void) { mem_types__(); return mt_entry; }
nvo_mem_type nvo_mac_table_mem_spare(void) { mem_types__(); return mt_spare; }
nvo_mem_type nvo_mac_table_mem_bucket(void) { mem_types__(); return mt_bucket; }
nvo_mem_type nvo_mac_table_mem_table(void) { mem_types__(); return mt_table; }

size_t
nvo_mac_table_entry_size(void)
{
    return sizeof(struct ent);
}

static inline uint32_t
hash__(const struct nvo_mac_table *t, uint32_t vni, uint64_t mac)
{
    uint64_t x = (mac * 0x9e3779b97f4a7c15ull)
                 ^ (((uint64_t) vni + t->basis) * 0xc2b2ae3d27d4eb4full);
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 29;
    return (uint32_t) x;
}

/* The slot holding (vni, mac), or the empty slot where it would go;
 * *found says which. */
static inline uint32_t
probe__(const struct nvo_mac_table *t, uint32_t vni, uint64_t mac,
        bool *found)
{
    uint32_t i = hash__(t, vni, mac) & t->mask;
    for (;;) {
        uint32_t s = t->slots[i];
        if (!s) {
            *found = false;
            return i;
        }
        const struct nvo_mac_entry *e = &t->ents[s - 1].e;
        if (e->mac == mac && e->vni == vni) {
            *found = true;
            return i;
        }
        i = (i + 1) & t->mask;
    }
}

static inline bool
is_dynamic__(const struct ent *x)
{
    return !(x->e.flags & NVO_MAC_STATIC);
}

/* True if dynamic entry 'x' has aged at 'now': last seen at t, it ages at
 * t + aging exactly. */
static inline bool
is_aged__(const struct nvo_mac_table *t, const struct ent *x, nvo_time_t now)
{
    return is_dynamic__(x) && t->aging != NVO_TIME_MAX
           && now - x->e.seen >= t->aging;
}

static inline nvo_time_t
clamp_now__(struct nvo_mac_table *t, nvo_time_t now)
{
    if (now < t->latest) {
        return t->latest;
    }
    t->latest = now;
    return now;
}

/* ---- The aging list and its timer ---- */

static void
list_unlink__(struct nvo_mac_table *t, uint32_t x)
{
    struct ent *e = &t->ents[x];
    if (e->prev != NONE) {
        t->ents[e->prev].next = e->next;
    } else {
        t->head = e->next;
    }
    if (e->next != NONE) {
        t->ents[e->next].prev = e->prev;
    } else {
        t->tail = e->prev;
    }
    e->prev = e->next = NONE;
}

static void
list_append__(struct nvo_mac_table *t, uint32_t x)
{
    struct ent *e = &t->ents[x];
    e->prev = t->tail;
    e->next = NONE;
    if (t->tail != NONE) {
        t->ents[t->tail].next = x;
    } else {
        t->head = x;
    }
    t->tail = x;
}

nvo_time_t
nvo_mac_table_next_expiry(const struct nvo_mac_table *t)
{
    if (t->head == NONE) {
        return NVO_TIME_MAX;
    }
    nvo_time_t seen = t->ents[t->head].e.seen;
    if (t->aging >= NVO_TIME_MAX - seen) {
        return NVO_TIME_MAX;    /* beyond the end of time: never */
    }
    return seen + t->aging;
}

static void timer_fired__(void *arg);

/* Arms the timer at the head's expiry (rounded up to the granularity), or
 * stops it when nothing will age.  O(1); a later time than the queued
 * event's costs no queue operation (core/engine.h). */
static void
rearm__(struct nvo_mac_table *t)
{
    if (!t->engine) {
        return;
    }
    nvo_time_t at = nvo_mac_table_next_expiry(t);
    if (at != NVO_TIME_MAX && t->gran > 0) {
        nvo_time_t r = at % t->gran;
        if (r && at <= NVO_TIME_MAX - (t->gran - r)) {
            at += t->gran - r;
        }
    }
    if (at == t->armed_at) {
        return;
    }
    t->armed_at = at;
    if (at == NVO_TIME_MAX) {
        nvo_timer_stop(&t->timer);
        return;
    }
    nvo_time_t now = nvo_engine_now(t->engine);
    nvo_timer_start_at(&t->timer, at > now ? at : now);
}

static void
timer_fired__(void *arg)
{
    struct nvo_mac_table *t = arg;
    t->armed_at = NVO_TIME_MAX;
    nvo_mac_table_age(t, nvo_engine_now(t->engine));
}

/* ---- Memory ---- */

static void
count_entries__(struct nvo_mac_table *t, int64_t d)
{
    if (t->acct) {
        int64_t b = d * (int64_t) sizeof(struct ent);
        nvo_mem_count__(t->acct, mt_entry, b, d);
        nvo_mem_count__(t->acct, mt_spare, -b, 0);
    }
}

static void
grow_entries__(struct nvo_mac_table *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : MIN_CAP;
    t->ents = g_renew(struct ent, t->ents, cap);
    if (t->acct) {
        nvo_mem_count__(t->acct, mt_spare,
                        (int64_t) (cap - t->cap) * (int64_t) sizeof(struct ent),
                        t->cap ? 0 : 1);
    }
    t->cap = cap;
}

static void
rehash__(struct nvo_mac_table *t, uint32_t n_slots)
{
    uint32_t old = t->mask + 1;
    nvo_mem_free(t->acct, mt_bucket, t->slots, old * sizeof(uint32_t));
    t->slots = nvo_mem_new0(t->acct, mt_bucket, uint32_t, n_slots);
    t->mask = n_slots - 1;
    for (uint32_t x = 0; x < t->n; x++) {
        bool found;
        uint32_t i = probe__(t, t->ents[x].e.vni, t->ents[x].e.mac, &found);
        t->slots[i] = x + 1;
    }
}

/* ---- Create, destroy ---- */

int
nvo_mac_table_create(const struct nvo_mac_table_cfg *cfg,
                     struct nvo_mac_table **out)
{
    if (cfg->aging < 0 || cfg->sweep_granularity < 0) {
        return EINVAL;
    }
    mem_types__();
    struct nvo_mac_table *t = nvo_mem_new0(cfg->acct, mt_table,
                                           struct nvo_mac_table, 1);
    t->aging = cfg->aging ? cfg->aging : NVO_MAC_AGING_DEFAULT;
    t->gran = cfg->sweep_granularity;
    t->max_entries = cfg->max_entries;
    t->basis = cfg->hash_basis;
    t->acct = cfg->acct;
    t->slots = nvo_mem_new0(t->acct, mt_bucket, uint32_t, MIN_SLOTS);
    t->mask = MIN_SLOTS - 1;
    t->head = t->tail = NONE;
    t->latest = INT64_MIN;
    t->engine = cfg->engine;
    t->armed_at = NVO_TIME_MAX;
    if (t->engine) {
        nvo_timer_init(&t->timer, t->engine, timer_fired__, t);
    }
    *out = t;
    return 0;
}

void
nvo_mac_table_destroy(struct nvo_mac_table *t)
{
    if (!t) {
        return;
    }
    if (t->engine) {
        nvo_timer_stop(&t->timer);
    }
    count_entries__(t, -(int64_t) t->n);
    if (t->acct && t->cap) {
        nvo_mem_count__(t->acct, mt_spare,
                        -(int64_t) t->cap * (int64_t) sizeof(struct ent), -1);
    }
    g_free(t->ents);
    nvo_mem_free(t->acct, mt_bucket, t->slots,
                 (t->mask + 1) * sizeof(uint32_t));
    nvo_mem_free(t->acct, mt_table, t, sizeof *t);
}

/* ---- Removal ---- */

/* Empties slot i, shifting back the entries of its probe run that may
 * move (Knuth's algorithm R for linear probing). */
static void
slot_delete__(struct nvo_mac_table *t, uint32_t i)
{
    uint32_t j = i;
    t->slots[i] = 0;
    for (;;) {
        j = (j + 1) & t->mask;
        uint32_t s = t->slots[j];
        if (!s) {
            return;
        }
        const struct nvo_mac_entry *e = &t->ents[s - 1].e;
        uint32_t k = hash__(t, e->vni, e->mac) & t->mask;
        /* The entry at j stays if its home k lies cyclically in (i, j]. */
        bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!stays) {
            t->slots[i] = s;
            t->slots[j] = 0;
            i = j;
        }
    }
}

/* Removes the entry at index x whose slot is 'slot'. */
static void
remove_at__(struct nvo_mac_table *t, uint32_t x, uint32_t slot)
{
    slot_delete__(t, slot);
    if (t->ents[x].e.flags & NVO_MAC_COUNTED) {
        t->c.entries_counted--;
    }
    if (is_dynamic__(&t->ents[x])) {
        list_unlink__(t, x);
    }
    uint32_t last = t->n - 1;
    if (x != last) {
        struct ent *m = &t->ents[last];
        bool found;
        uint32_t i = probe__(t, m->e.vni, m->e.mac, &found);
        t->slots[i] = x + 1;
        if (is_dynamic__(m)) {
            if (m->prev != NONE) {
                t->ents[m->prev].next = x;
            } else {
                t->head = x;
            }
            if (m->next != NONE) {
                t->ents[m->next].prev = x;
            } else {
                t->tail = x;
            }
        }
        t->ents[x] = *m;
    }
    t->n--;
    t->c.entries--;
    count_entries__(t, -1);
}

/* Removes the entry at index x (its slot found by a probe). */
static void
remove_index__(struct nvo_mac_table *t, uint32_t x)
{
    bool found;
    uint32_t slot = probe__(t, t->ents[x].e.vni, t->ents[x].e.mac, &found);
    remove_at__(t, x, slot);
}

/* ---- Lookup, learn ---- */

const struct nvo_mac_entry *
nvo_mac_table_lookup(struct nvo_mac_table *t, uint32_t vni, uint64_t mac,
                     nvo_time_t now)
{
    bool found;
    uint32_t i = probe__(t, vni, mac, &found);
    if (found) {
        const struct ent *x = &t->ents[t->slots[i] - 1];
        if (NVO_LIKELY(!is_aged__(t, x, now < t->latest ? t->latest : now))) {
            t->c.lookups_hit++;
            return &x->e;
        }
    }
    t->c.lookups_miss++;
    return NULL;
}

enum nvo_mac_learn_result
nvo_mac_table_learn(struct nvo_mac_table *t, uint32_t vni, uint64_t mac,
                    struct nvo_mac_loc loc, enum nvo_mac_origin origin,
                    uint32_t seq, uint8_t flags, nvo_time_t now,
                    const struct nvo_mac_entry **entry)
{
    now = clamp_now__(t, now);
    uint8_t remote = loc.remote ? NVO_MAC_REMOTE : 0;
    bool found;
    uint32_t i = probe__(t, vni, mac, &found);
    if (found) {
        uint32_t x = t->slots[i] - 1;
        struct ent *e = &t->ents[x];
        if (is_aged__(t, e, now)) {
            /* Aged, not yet swept: it goes, and the MAC is learned anew. */
            remove_at__(t, x, i);
            t->c.aged++;
            i = probe__(t, vni, mac, &found);
        } else {
            enum nvo_mac_learn_result r = NVO_MAC_REFRESHED;
            if ((e->e.flags & NVO_MAC_REMOTE) != remote
                || e->e.loc != loc.index) {
                if (e->e.flags & NVO_MAC_STICKY) {
                    t->c.pinned++;
                    if (entry) {
                        *entry = &e->e;
                    }
                    return NVO_MAC_PINNED;
                }
                e->e.flags = (uint8_t) ((e->e.flags & ~NVO_MAC_REMOTE)
                                        | remote);
                e->e.loc = loc.index;
                if (e->e.n_moves < UINT16_MAX) {
                    e->e.n_moves++;
                }
                r = NVO_MAC_MOVED;
                t->c.moves++;
            } else {
                t->c.refreshes++;
            }
            e->e.seen = now;
            e->e.origin = (uint8_t) origin;
            e->e.seq = seq;
            if (is_dynamic__(e)) {
                if (t->tail != x) {
                    list_unlink__(t, x);
                    list_append__(t, x);
                }
                rearm__(t);     /* O(1): the head may be later now */
            }
            if (entry) {
                *entry = &e->e;
            }
            return r;
        }
    }
    bool counted = origin == NVO_MAC_ORIGIN_DATA && !(flags & NVO_MAC_STATIC);
    if (counted && t->max_entries
        && t->c.entries_counted >= t->max_entries) {
        t->c.refused++;
        if (entry) {
            *entry = NULL;
        }
        rearm__(t);
        return NVO_MAC_REFUSED;
    }
    if (t->n == t->cap) {
        grow_entries__(t);
    }
    if ((uint64_t) (t->n + 1) * 2 > (uint64_t) t->mask + 1) {
        rehash__(t, (t->mask + 1) * 2);
        i = probe__(t, vni, mac, &found);
    }
    uint32_t x = t->n++;
    struct ent *e = &t->ents[x];
    *e = (struct ent) {
        .e = {
            .mac = mac, .vni = vni, .loc = loc.index, .seen = now,
            .seq = seq, .origin = (uint8_t) origin,
            .flags = (uint8_t) ((flags & (NVO_MAC_STATIC | NVO_MAC_STICKY))
                                | remote | (counted ? NVO_MAC_COUNTED : 0)),
        },
        .prev = NONE, .next = NONE,
    };
    t->slots[i] = x + 1;
    if (is_dynamic__(e)) {
        list_append__(t, x);
    }
    count_entries__(t, 1);
    t->c.entries++;
    t->c.entries_counted += counted;
    if (t->c.entries > t->c.entries_max) {
        t->c.entries_max = t->c.entries;
    }
    t->c.learns++;
    rearm__(t);
    if (entry) {
        *entry = &e->e;
    }
    return NVO_MAC_LEARNED;
}

bool
nvo_mac_table_remove(struct nvo_mac_table *t, uint32_t vni, uint64_t mac)
{
    bool found;
    uint32_t i = probe__(t, vni, mac, &found);
    if (!found) {
        return false;
    }
    remove_at__(t, t->slots[i] - 1, i);
    t->c.removed++;
    rearm__(t);
    return true;
}

/* ---- Flush, age ---- */

/* Removes the non-static entries 'match' accepts; scanning downwards, the
 * entry a removal moves into the hole has been looked at already. */
static uint64_t
flush__(struct nvo_mac_table *t,
        bool (*match)(const struct nvo_mac_entry *, const void *),
        const void *arg)
{
    uint64_t n = 0;
    for (uint32_t x = t->n; x-- > 0;) {
        const struct ent *e = &t->ents[x];
        if (is_dynamic__(e) && match(&e->e, arg)) {
            remove_index__(t, x);
            n++;
        }
    }
    t->c.flushed += n;
    rearm__(t);
    return n;
}

static bool
match_vni__(const struct nvo_mac_entry *e, const void *arg)
{
    return e->vni == *(const uint32_t *) arg;
}

static bool
match_loc__(const struct nvo_mac_entry *e, const void *arg)
{
    const struct nvo_mac_loc *l = arg;
    return !!(e->flags & NVO_MAC_REMOTE) == l->remote && e->loc == l->index;
}

uint64_t
nvo_mac_table_flush_vni(struct nvo_mac_table *t, uint32_t vni)
{
    return flush__(t, match_vni__, &vni);
}

uint64_t
nvo_mac_table_flush_loc(struct nvo_mac_table *t, struct nvo_mac_loc loc)
{
    return flush__(t, match_loc__, &loc);
}

uint64_t
nvo_mac_table_age(struct nvo_mac_table *t, nvo_time_t now)
{
    now = clamp_now__(t, now);
    t->c.sweeps++;
    uint64_t n = 0;
    while (t->head != NONE && is_aged__(t, &t->ents[t->head], now)) {
        remove_index__(t, t->head);
        n++;
    }
    t->c.aged += n;
    rearm__(t);
    return n;
}

/* ---- Reports ---- */

static int
cmp_entry__(const void *a, const void *b)
{
    const struct nvo_mac_entry *x = a, *y = b;
    if (x->vni != y->vni) {
        return x->vni < y->vni ? -1 : 1;
    }
    return x->mac < y->mac ? -1 : x->mac > y->mac;
}

struct nvo_mac_entry *
nvo_mac_table_sorted(const struct nvo_mac_table *t, uint64_t *n)
{
    *n = t->n;
    if (!t->n) {
        return NULL;
    }
    struct nvo_mac_entry *v = g_new(struct nvo_mac_entry, t->n);
    for (uint32_t x = 0; x < t->n; x++) {
        v[x] = t->ents[x].e;
    }
    qsort(v, t->n, sizeof *v, cmp_entry__);
    return v;
}

uint64_t
nvo_mac_table_n_vni(const struct nvo_mac_table *t, uint32_t vni)
{
    uint64_t n = 0;
    for (uint32_t x = 0; x < t->n; x++) {
        n += t->ents[x].e.vni == vni;
    }
    return n;
}

const struct nvo_mac_counters *
nvo_mac_table_counters(const struct nvo_mac_table *t)
{
    return &t->c;
}

uint32_t
nvo_mac_table_n_slots(const struct nvo_mac_table *t)
{
    return t->mask + 1;
}

uint32_t
nvo_mac_table_capacity(const struct nvo_mac_table *t)
{
    return t->cap;
}
