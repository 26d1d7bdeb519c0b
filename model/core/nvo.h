/* nvo.h: definitions every nvosim file uses.
 *
 * Fixed-width types, container_of, big-endian wire typedefs with
 * alignment-safe accessors, and the version string.  Nothing here
 * allocates or has state. */
#ifndef NVO_H
#define NVO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NVO_VERSION "0.1.0"

/* Gets the struct that embeds 'ptr' as its member 'member'. */
#define NVO_CONTAINER_OF(ptr, type, member) \
    ((type *) (void *) ((char *) (ptr) - offsetof(type, member)))

#define NVO_ARRAY_SIZE(a) (sizeof (a) / sizeof (a)[0])
#define NVO_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NVO_MAX(a, b) ((a) > (b) ? (a) : (b))

#if defined(__GNUC__)
#define NVO_LIKELY(x) __builtin_expect(!!(x), 1)
#define NVO_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define NVO_UNUSED __attribute__((unused))
#define NVO_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define NVO_LIKELY(x) (x)
#define NVO_UNLIKELY(x) (x)
#define NVO_UNUSED
#define NVO_PRINTF(f, a)
#endif

/* Big-endian ("network order") values as they sit in a wire header.  The
 * typedefs say which fields are in network order; they are plain integers
 * to the compiler. */
typedef uint16_t nvo_be16;
typedef uint32_t nvo_be32;
typedef uint64_t nvo_be64;

/* A 32-bit big-endian field that may be only 16-bit aligned, as fields of
 * an inner IPv4 header behind a 14-byte Ethernet header are.  Read and
 * write it with nvo_get_16aligned_be32() / nvo_put_16aligned_be32(). */
typedef struct { nvo_be16 hi, lo; } nvo_16aligned_be32;

static inline uint16_t nvo_ntohs(nvo_be16 x) { return __builtin_bswap16(x); }
static inline nvo_be16 nvo_htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t nvo_ntohl(nvo_be32 x) { return __builtin_bswap32(x); }
static inline nvo_be32 nvo_htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint64_t nvo_ntohll(nvo_be64 x) { return __builtin_bswap64(x); }
static inline nvo_be64 nvo_htonll(uint64_t x) { return __builtin_bswap64(x); }

static inline uint32_t
nvo_get_16aligned_be32(const nvo_16aligned_be32 *x)
{
    return ((uint32_t) nvo_ntohs(x->hi) << 16) | nvo_ntohs(x->lo);
}

static inline void
nvo_put_16aligned_be32(nvo_16aligned_be32 *x, uint32_t v)
{
    x->hi = nvo_htons((uint16_t) (v >> 16));
    x->lo = nvo_htons((uint16_t) v);
}

/* Unaligned big-endian loads and stores on raw bytes. */
static inline uint16_t nvo_rd16(const void *p)
{ const uint8_t *b = p; return (uint16_t) ((b[0] << 8) | b[1]); }
static inline uint32_t nvo_rd24(const void *p)
{ const uint8_t *b = p; return ((uint32_t) b[0] << 16) | ((uint32_t) b[1] << 8) | b[2]; }
static inline uint32_t nvo_rd32(const void *p)
{ const uint8_t *b = p; return ((uint32_t) b[0] << 24) | ((uint32_t) b[1] << 16) | ((uint32_t) b[2] << 8) | b[3]; }
static inline uint64_t nvo_rd64(const void *p)
{ return ((uint64_t) nvo_rd32(p) << 32) | nvo_rd32((const uint8_t *) p + 4); }
static inline void nvo_wr16(void *p, uint16_t v)
{ uint8_t *b = p; b[0] = (uint8_t) (v >> 8); b[1] = (uint8_t) v; }
static inline void nvo_wr24(void *p, uint32_t v)
{ uint8_t *b = p; b[0] = (uint8_t) (v >> 16); b[1] = (uint8_t) (v >> 8); b[2] = (uint8_t) v; }
static inline void nvo_wr32(void *p, uint32_t v)
{ uint8_t *b = p; b[0] = (uint8_t) (v >> 24); b[1] = (uint8_t) (v >> 16); b[2] = (uint8_t) (v >> 8); b[3] = (uint8_t) v; }
static inline void nvo_wr64(void *p, uint64_t v)
{ nvo_wr32(p, (uint32_t) (v >> 32)); nvo_wr32((uint8_t *) p + 4, (uint32_t) v); }

#endif /* NVO_H */
