/* mem.h: owned memory with counts: named memory types and per-owner
 * accounts that count the bytes and objects allocated through them.
 *
 * A type is a small integer (nvo_mem_type) handed out once per name by
 * nvo_mem_type_register(); a module registers its types at first use and
 * keeps the ids.  An account (struct nvo_mem_acct) is embedded in its
 * owner (a node, a network); it may have a parent account (a node's is its
 * network's), and every count goes to the account and each of its
 * ancestors.  The wrappers allocate with g_malloc / g_realloc / g_free and
 * add the requested bytes and the number of blocks to the account's counts
 * for the type: an array of 100 FIB entries is one object of 400 bytes.
 * Allocator overhead (headers, rounding, glib's own tables) is not
 * counted.  The caller gives the size it allocated back on free and
 * realloc, as with g_slice_free1(); no header is stored.
 *
 * Cost: a caller that does not use it pays nothing; with a NULL account
 * the wrappers are g_malloc and friends plus one test.  With an account,
 * counting is an array index by type per account in the chain (no hash
 * lookup, no lock).  An account is not thread-safe: it belongs to one
 * network, which one thread runs.  Registration is thread-safe. */
#ifndef NVO_MEM_H
#define NVO_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t nvo_mem_type;

#define NVO_MEM_TYPES_MAX 64u

/* Counts of one type in one account. */
struct nvo_mem_count {
    uint64_t bytes;             /* requested bytes now allocated */
    uint64_t objects;           /* blocks now allocated */
};

struct nvo_mem_acct {
    struct nvo_mem_acct *parent;    /* also counted there; may be NULL */
    uint32_t n;                 /* types with room in c[] */
    struct nvo_mem_count *c;    /* by type; grown at first use of a type */
};

/* The id of the type 'name' (a static string, kept by reference), created
 * at the first call with that name; later calls return the same id.
 * Aborts past NVO_MEM_TYPES_MAX types.  Thread-safe. */
nvo_mem_type nvo_mem_type_register(const char *name);
/* Types registered so far (ids 0 .. n - 1), and a type's name. */
uint32_t nvo_mem_n_types(void);
const char *nvo_mem_type_name(nvo_mem_type);

/* An empty account whose counts also go to 'parent' (NULL: none). */
void nvo_mem_acct_init(struct nvo_mem_acct *, struct nvo_mem_acct *parent);
/* Frees the account's count array (not the memory it counted); returns
 * true if every count was zero.  Accepts NULL. */
bool nvo_mem_acct_fini(struct nvo_mem_acct *);

/* The counts of type 't' in account 'a' (zeros if never used). */
struct nvo_mem_count nvo_mem_acct_get(const struct nvo_mem_acct *a,
                                      nvo_mem_type t);
/* Sum of the bytes (objects) of every type in 'a'. */
uint64_t nvo_mem_acct_bytes(const struct nvo_mem_acct *a);
uint64_t nvo_mem_acct_objects(const struct nvo_mem_acct *a);

/* Adds signed deltas to type t's counts in 'a' and its ancestors (for
 * memory allocated elsewhere); the wrappers below use it. */
void nvo_mem_count__(struct nvo_mem_acct *a, nvo_mem_type t, int64_t bytes,
                     int64_t objects);

/* g_malloc(bytes) (g_malloc0: zeroed), counted as one object of 'bytes'
 * of type t in 'a' (NULL: not counted).  bytes 0 gives NULL, uncounted. */
void *nvo_mem_alloc(struct nvo_mem_acct *a, nvo_mem_type t, size_t bytes);
void *nvo_mem_alloc0(struct nvo_mem_acct *a, nvo_mem_type t, size_t bytes);
/* g_realloc(p, new_bytes) of a block of 'old_bytes' counted in 'a' (p NULL
 * with old_bytes 0: a new object; new_bytes 0: frees it, returns NULL). */
void *nvo_mem_realloc(struct nvo_mem_acct *a, nvo_mem_type t, void *p,
                      size_t old_bytes, size_t new_bytes);
/* g_free(p) of a block of 'bytes' counted in 'a'.  Accepts NULL (then
 * bytes must be 0, and nothing is counted). */
void nvo_mem_free(struct nvo_mem_acct *a, nvo_mem_type t, void *p,
                  size_t bytes);

/* Typed helpers: n elements of 'type'. */
#define nvo_mem_new(a, t, type, n) \
    ((type *) nvo_mem_alloc((a), (t), sizeof(type) * (size_t) (n)))
#define nvo_mem_new0(a, t, type, n) \
    ((type *) nvo_mem_alloc0((a), (t), sizeof(type) * (size_t) (n)))
#define nvo_mem_renew(a, t, type, p, old_n, new_n) \
    ((type *) nvo_mem_realloc((a), (t), (p), sizeof(type) * (size_t) (old_n), \
                              sizeof(type) * (size_t) (new_n)))
#define nvo_mem_delete(a, t, type, p, n) \
    nvo_mem_free((a), (t), (p), sizeof(type) * (size_t) (n))

#endif /* NVO_MEM_H */
