/* mac_table.h: the MAC table of a hypervisor PE's virtual switch.
 *
 * One table per PE, keyed by (VNI, MAC): every tenant's entries share one
 * open-addressing hash table, so a lookup is one hash and one linear probe
 * sequence (no allocation, no per-VNI indirection), and the size limit is
 * per PE as in Open vSwitch (other_config:mac-table-size) and the Linux
 * bridge (fdb_max_learned).  As the Linux bridge's, the limit bounds the
 * entries data-plane learning created; configured, static and
 * control-plane entries are never refused and do not count.  A caller that wants per-VNI tables creates one
 * table per VNI; the module does not care (docs/pe.md "MAC table" has the
 * measurement behind the choice).
 *
 * An entry says where a MAC is: behind a local VM port of this PE (a port
 * or VM index the PE defines), or behind a remote PE (its node index; the
 * PE maps it to the tunnel and underlay address).  It keeps how it was
 * learned (origin: configured local VM, data-plane learning from a
 * decapsulated or local frame, control plane), when it was last seen, a
 * sequence number for EVPN MAC mobility (RFC 7432 section 15; the table
 * stores it, the control plane decides it), the number of moves, and the
 * flags STATIC (never ages, survives flushes) and STICKY (never moves).
 *
 * Aging: an entry last seen at time t is alive while now < t + aging and
 * aged from t + aging on (at t + aging exactly, a lookup misses and the
 * sweep removes it).  Dynamic entries sit on one list in last-seen order
 * (learning and refreshing append to the tail), so the sweep only looks
 * at the head, and with an engine the table keeps ONE nvo_timer (core/
 * engine.h) armed at the head's expiry: no timer per entry, and a refresh
 * of the head pushes the timer back in O(1) with no queue operation.  A
 * coarser 'sweep_granularity' rounds the timer's time up to a multiple of
 * it (fewer events, entries reclaimed up to that much later; lookups stay
 * exact).  The default aging time is 300 s, the IEEE 802.1Q recommended
 * ageing time and the default of the Linux bridge and Open vSwitch.
 *
 * Memory goes through core/mem.h: types "mac-entry" (exactly entries x
 * nvo_mac_table_entry_size() bytes, one object per entry), "mac-spare"
 * (entry array capacity not in use), "mac-bucket" (the slot array) and
 * "mac-table" (the table struct).  Their sum is what the table allocated.
 *
 * Times passed in never go back: a time below the latest one seen is taken
 * as the latest (so the aging list stays in order). */
#ifndef NVO_MAC_TABLE_H
#define NVO_MAC_TABLE_H

#include "core/engine.h"
#include "core/mem.h"
#include "core/nvo.h"
#include "core/units.h"

struct nvo_mac_table;

/* How an entry was learned. */
enum nvo_mac_origin {
    NVO_MAC_ORIGIN_LOCAL,       /* a VM configured on this PE */
    NVO_MAC_ORIGIN_DATA,        /* data-plane learning (flood-and-learn) */
    NVO_MAC_ORIGIN_CONTROL,     /* a control plane: EVPN, VPLS */
};

/* Entry flags. */
#define NVO_MAC_REMOTE 0x01u    /* 'loc' is a remote PE, else a local port */
#define NVO_MAC_STATIC 0x02u    /* never ages; flushes keep it */
#define NVO_MAC_STICKY 0x04u    /* a learn at another location is refused */
#define NVO_MAC_COUNTED 0x08u   /* set by the table on an entry created by
                                 * a data-plane learn (origin DATA, not
                                 * static): it counts towards max_entries */

/* The default aging time, 300 s (IEEE 802.1Q recommended value; Linux
 * bridge ageing_time, Open vSwitch mac-aging-time). */
#define NVO_MAC_AGING_DEFAULT (300 * NVO_SEC)

/* One entry, as the table shows it (read-only to callers). */
struct nvo_mac_entry {
    uint64_t mac;               /* 48-bit MAC, first octet in bits 47..40 */
    uint32_t vni;               /* the tenant's identifier */
    uint32_t loc;               /* local port, or remote PE's node index */
    nvo_time_t seen;            /* last learned or refreshed */
    uint32_t seq;               /* mobility sequence number (as given) */
    uint16_t n_moves;           /* location changes (saturates at 65535) */
    uint8_t origin;             /* enum nvo_mac_origin */
    uint8_t flags;              /* NVO_MAC_REMOTE | STATIC | STICKY */
};

/* A location: a local port or a remote PE. */
struct nvo_mac_loc {
    bool remote;
    uint32_t index;
};

struct nvo_mac_table_cfg {
    nvo_time_t aging;           /* 0: NVO_MAC_AGING_DEFAULT; NVO_TIME_MAX:
                                 * never */
    uint32_t max_entries;       /* limit on data-plane learned entries
                                 * (NVO_MAC_COUNTED); 0: none */
    nvo_time_t sweep_granularity;   /* 0: sweep at each expiry exactly */
    struct nvo_engine *engine;  /* NULL: the caller calls
                                 * nvo_mac_table_age() itself */
    struct nvo_mem_acct *acct;  /* counts the memory; NULL: not counted */
    uint32_t hash_basis;        /* hash seed */
};

/* The table's counters.  Every call to nvo_mac_table_learn() counts
 * exactly one of learns, refreshes, moves, refused, pinned. */
struct nvo_mac_counters {
    uint64_t entries;           /* now in the table (aged but not yet
                                 * swept ones included) */
    uint64_t entries_max;       /* the most there ever were */
    uint64_t entries_counted;   /* now NVO_MAC_COUNTED (the limit's) */
    uint64_t learns;            /* new entries */
    uint64_t refreshes;         /* learned again at the same location */
    uint64_t moves;             /* learned again at another location */
    uint64_t refused;           /* new data-plane entries refused: the
                                 * limit is reached */
    uint64_t pinned;            /* moves refused: the entry is sticky */
    uint64_t aged;              /* removed (or replaced) after aging */
    uint64_t flushed;           /* removed by a flush */
    uint64_t removed;           /* removed by nvo_mac_table_remove() */
    uint64_t lookups_hit;
    uint64_t lookups_miss;      /* absent, or aged */
    uint64_t sweeps;            /* nvo_mac_table_age() runs (timer or
                                 * caller) */
};

/* What one learn did. */
enum nvo_mac_learn_result {
    NVO_MAC_LEARNED,            /* a new entry */
    NVO_MAC_REFRESHED,          /* same location: last seen, origin and
                                 * seq updated */
    NVO_MAC_MOVED,              /* new location (and origin, seq) */
    NVO_MAC_REFUSED,            /* limit reached: nothing changed */
    NVO_MAC_PINNED,             /* sticky entry elsewhere: nothing changed */
};

/* Packs a MAC's 6 octets into the 48-bit value entries hold, and back. */
static inline uint64_t
nvo_mac_from_bytes(const uint8_t m[6])
{
    return ((uint64_t) m[0] << 40) | ((uint64_t) m[1] << 32)
           | ((uint64_t) m[2] << 24) | ((uint64_t) m[3] << 16)
           | ((uint64_t) m[4] << 8) | m[5];
}

static inline void
nvo_mac_to_bytes(uint64_t mac, uint8_t m[6])
{
    for (int i = 0; i < 6; i++) {
        m[i] = (uint8_t) (mac >> (40 - 8 * i));
    }
}

/* Creates an empty table.  Returns 0, EINVAL (a negative aging time or
 * granularity) or ENOMEM. */
int nvo_mac_table_create(const struct nvo_mac_table_cfg *,
                         struct nvo_mac_table **out);

/* Frees the table and stops its timer; NULL is a no-op.  Must happen
 * before its engine is destroyed. */
void nvo_mac_table_destroy(struct nvo_mac_table *);

/* The hot path: the live entry for (vni, mac) at time 'now', or NULL (a
 * miss: absent, or aged at 'now').  Counts a hit or a miss; does not
 * refresh the entry (only learning does, as in a bridge).  The pointer is
 * valid until the table next changes. */
const struct nvo_mac_entry *nvo_mac_table_lookup(struct nvo_mac_table *,
                                                 uint32_t vni, uint64_t mac,
                                                 nvo_time_t now);

/* Learns (vni, mac) at 'loc' at time 'now' with 'origin' and sequence
 * number 'seq'.  A new entry gets 'flags' (STATIC, STICKY; REMOTE comes
 * from 'loc'; COUNTED from origin DATA without STATIC); an existing entry
 * keeps its flags.  An existing entry that
 * has aged at 'now' counts as aged and is learned anew.  The entry's last
 * seen time becomes 'now' (a dynamic entry goes to the tail of the aging
 * list).  Returns what it did (enum above); *entry (if not NULL) is the
 * entry, or NULL when refused. */
enum nvo_mac_learn_result nvo_mac_table_learn(struct nvo_mac_table *,
                                              uint32_t vni, uint64_t mac,
                                              struct nvo_mac_loc loc,
                                              enum nvo_mac_origin origin,
                                              uint32_t seq, uint8_t flags,
                                              nvo_time_t now,
                                              const struct nvo_mac_entry
                                              **entry);

/* Removes (vni, mac), whatever its flags.  Returns true if it was there. */
bool nvo_mac_table_remove(struct nvo_mac_table *, uint32_t vni,
                          uint64_t mac);

/* Removes every non-static entry of VNI 'vni' / at remote PE 'pe' (a PE
 * failure) / at local port 'port'.  Returns how many (counted in
 * 'flushed'). */
uint64_t nvo_mac_table_flush_vni(struct nvo_mac_table *, uint32_t vni);
uint64_t nvo_mac_table_flush_loc(struct nvo_mac_table *,
                                 struct nvo_mac_loc loc);

/* Removes every dynamic entry aged at 'now' (last seen <= now - aging),
 * counts them in 'aged', and re-arms the timer.  Returns how many.  The
 * engine's timer calls it; without an engine the caller does. */
uint64_t nvo_mac_table_age(struct nvo_mac_table *, nvo_time_t now);

/* The time the next dynamic entry ages (NVO_TIME_MAX if none). */
nvo_time_t nvo_mac_table_next_expiry(const struct nvo_mac_table *);

/* A sorted copy of the entries (by VNI, then MAC), for reports: a
 * g_malloc'd array of *n entries (NULL when empty) the caller g_free()s.
 * Aged but unswept entries are included. */
struct nvo_mac_entry *nvo_mac_table_sorted(const struct nvo_mac_table *,
                                           uint64_t *n);

/* The number of entries of one VNI (a scan). */
uint64_t nvo_mac_table_n_vni(const struct nvo_mac_table *, uint32_t vni);

const struct nvo_mac_counters *
nvo_mac_table_counters(const struct nvo_mac_table *);

/* Bytes one entry takes in the entry array (what "mac-entry" counts per
 * entry), and the current slot count (each a uint32_t of "mac-bucket"). */
size_t nvo_mac_table_entry_size(void);
uint32_t nvo_mac_table_n_slots(const struct nvo_mac_table *);
/* Entries the entry array has room for ("mac-entry" + "mac-spare"). */
uint32_t nvo_mac_table_capacity(const struct nvo_mac_table *);

/* The memory types the table counts in (registered at first use). */
nvo_mem_type nvo_mac_table_mem_entry(void);
nvo_mem_type nvo_mac_table_mem_spare(void);
nvo_mem_type nvo_mac_table_mem_bucket(void);
nvo_mem_type nvo_mac_table_mem_table(void);

#endif /* NVO_MAC_TABLE_H */
