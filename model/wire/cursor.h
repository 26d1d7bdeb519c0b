/* cursor.h: a bounds-checked read cursor over a byte buffer.
 *
 * For every parser that walks a sequence of headers or TLVs (L2 tags,
 * IPv6 extension headers, Geneve options; BGP path attributes and LDP
 * TLVs to come).  Reads are big-endian.  A read past the end sets the
 * sticky 'err' flag, returns 0 (or NULL / false), and does not move the
 * cursor; once 'err' is set every later read fails the same way, so a
 * parser may read a whole structure and test nvo_rd_ok() once at the end.
 * The cursor never reads a byte outside [p, p + left).
 *
 *   struct nvo_rd r = nvo_rd_init(buf, len);
 *   uint8_t type = nvo_rd_u8(&r);
 *   struct nvo_rd val = nvo_rd_sub(&r, nvo_rd_u16(&r));   // a TLV's value
 *   uint32_t x = nvo_rd_u32(&val);
 *   if (!nvo_rd_ok(&r) || !nvo_rd_ok(&val)) return EBADMSG; */
#ifndef NVO_WIRE_CURSOR_H
#define NVO_WIRE_CURSOR_H

#include "core/nvo.h"

struct nvo_rd {
    const uint8_t *p;           /* next byte */
    size_t left;                /* bytes from p */
    bool err;                   /* a read ran past the end (sticky) */
};

static inline struct nvo_rd
nvo_rd_init(const void *buf, size_t len)
{
    return (struct nvo_rd) { .p = buf, .left = len, .err = false };
}

static inline bool
nvo_rd_ok(const struct nvo_rd *r)
{
    return !r->err;
}

/* True if 'n' more bytes can be read (and no error so far). */
static inline bool
nvo_rd_has(const struct nvo_rd *r, size_t n)
{
    return !r->err && r->left >= n;
}

/* Returns a pointer to the next 'n' bytes and advances past them; NULL
 * (and the error set) if fewer remain. */
static inline const uint8_t *
nvo_rd_take(struct nvo_rd *r, size_t n)
{
    if (!nvo_rd_has(r, n)) {
        r->err = true;
        return NULL;
    }
    const uint8_t *q = r->p;
    r->p += n;
    r->left -= n;
    return q;
}

/* Advances by 'n' bytes; false (the error set, no move) if fewer remain. */
static inline bool
nvo_rd_skip(struct nvo_rd *r, size_t n)
{
    return nvo_rd_take(r, n) != NULL;
}

static inline uint8_t
nvo_rd_u8(struct nvo_rd *r)
{
    const uint8_t *q = nvo_rd_take(r, 1);
    return q ? q[0] : 0;
}

static inline uint16_t
nvo_rd_u16(struct nvo_rd *r)
{
    const uint8_t *q = nvo_rd_take(r, 2);
    return q ? nvo_rd16(q) : 0;
}

static inline uint32_t
nvo_rd_u24(struct nvo_rd *r)
{
    const uint8_t *q = nvo_rd_take(r, 3);
    return q ? nvo_rd24(q) : 0;
}

static inline uint32_t
nvo_rd_u32(struct nvo_rd *r)
{
    const uint8_t *q = nvo_rd_take(r, 4);
    return q ? nvo_rd32(q) : 0;
}

static inline uint64_t
nvo_rd_u64(struct nvo_rd *r)
{
    const uint8_t *q = nvo_rd_take(r, 8);
    return q ? nvo_rd64(q) : 0;
}

/* Copies the next 'n' bytes to 'out'.  On overrun 'out' is zero-filled,
 * the error set and false returned. */
static inline bool
nvo_rd_bytes(struct nvo_rd *r, void *out, size_t n)
{
    const uint8_t *q = nvo_rd_take(r, n);
    if (!q) {
        memset(out, 0, n);
        return false;
    }
    memcpy(out, q, n);
    return true;
}

/* The next 'n' bytes as a cursor of their own (a TLV's value), and
 * advances past them.  On overrun the parent's error is set and the
 * result is an empty cursor with its error set too. */
static inline struct nvo_rd
nvo_rd_sub(struct nvo_rd *r, size_t n)
{
    const uint8_t *q = nvo_rd_take(r, n);
    if (!q) {
        return (struct nvo_rd) { .p = r->p, .left = 0, .err = true };
    }
    return nvo_rd_init(q, n);
}

/* Offset of the cursor from 'start' (the buffer it was made over). */
static inline size_t
nvo_rd_ofs(const struct nvo_rd *r, const void *start)
{
    return (size_t) (r->p - (const uint8_t *) start);
}

#endif /* NVO_WIRE_CURSOR_H */
