/* bgp.h: BGP-4 messages on the wire (RFC 4271 4): the 19-byte header,
 * OPEN with capabilities (RFC 5492: multiprotocol RFC 4760, route refresh
 * RFC 2918, 4-octet AS RFC 6793, extended message RFC 8654), KEEPALIVE,
 * NOTIFICATION, ROUTE-REFRESH (RFC 2918 / 7313) and the UPDATE frame
 * (withdrawn routes, path attributes, NLRI); the error codes of
 * RFC 4271 6 that a malformed message is refused with, ready for a
 * NOTIFICATION.  Path attributes are in wire/bgp_attr.h, EVPN and VPLS
 * NLRI in wire/bgp_nlri.h, UPDATE packing in wire/bgp_pack.h.
 *
 * Encoders write into a caller's buffer through struct nvo_bgp_buf (a
 * bounded writer with a sticky overflow flag) and return the message
 * length or 0.  Decoders read through wire/cursor.h; on a malformed
 * message they return EBADMSG and fill struct nvo_bgp_error with the
 * NOTIFICATION code, subcode, the data the RFC asks for (as a range of
 * the message) and a reason for logs.  Decoded structures may point into
 * the message (zero copy); they are valid while it is. */
#ifndef NVO_WIRE_BGP_H
#define NVO_WIRE_BGP_H

#include "core/nvo.h"
#include "wire/cursor.h"

#define NVO_BGP_PORT 179
#define NVO_BGP_MARKER_LEN 16
#define NVO_BGP_HDR_LEN 19          /* marker 16, length 2, type 1 */
#define NVO_BGP_MAX_LEN 4096        /* RFC 4271 4.1 */
#define NVO_BGP_EXT_MAX_LEN 65535   /* RFC 8654 */
#define NVO_BGP_OPEN_MIN_LEN 29     /* header + 10 */
#define NVO_BGP_UPDATE_MIN_LEN 23   /* header + 2 + 2 */
#define NVO_BGP_NOTIFICATION_MIN_LEN 21
#define NVO_BGP_ROUTE_REFRESH_LEN 23
#define NVO_BGP_AS_TRANS 23456      /* RFC 6793 */

enum nvo_bgp_type {
    NVO_BGP_OPEN = 1,
    NVO_BGP_UPDATE = 2,
    NVO_BGP_NOTIFICATION = 3,
    NVO_BGP_KEEPALIVE = 4,
    NVO_BGP_ROUTE_REFRESH = 5,
};

/* NOTIFICATION error codes (RFC 4271 4.5, RFC 7313 for 7). */
enum nvo_bgp_err_code {
    NVO_BGP_ERR_HEADER = 1,
    NVO_BGP_ERR_OPEN = 2,
    NVO_BGP_ERR_UPDATE = 3,
    NVO_BGP_ERR_HOLD = 4,
    NVO_BGP_ERR_FSM = 5,
    NVO_BGP_ERR_CEASE = 6,
    NVO_BGP_ERR_ROUTE_REFRESH = 7,
};

/* Subcodes (RFC 4271 6.1-6.3, RFC 5492 for OPEN 7, RFC 7313). */
enum {
    NVO_BGP_HDR_NOT_SYNC = 1,       /* marker not all ones */
    NVO_BGP_HDR_BAD_LENGTH = 2,
    NVO_BGP_HDR_BAD_TYPE = 3,

    NVO_BGP_OPEN_UNSPECIFIC = 0,    /* malformed optional parameters */
    NVO_BGP_OPEN_BAD_VERSION = 1,
    NVO_BGP_OPEN_BAD_PEER_AS = 2,
    NVO_BGP_OPEN_BAD_ID = 3,
    NVO_BGP_OPEN_BAD_PARAM = 4,
    NVO_BGP_OPEN_BAD_HOLD = 6,
    NVO_BGP_OPEN_BAD_CAP = 7,

    NVO_BGP_UPD_MALFORMED_ATTRS = 1,
    NVO_BGP_UPD_UNKNOWN_WELL_KNOWN = 2,
    NVO_BGP_UPD_MISSING_WELL_KNOWN = 3,
    NVO_BGP_UPD_ATTR_FLAGS = 4,
    NVO_BGP_UPD_ATTR_LENGTH = 5,
    NVO_BGP_UPD_BAD_ORIGIN = 6,
    NVO_BGP_UPD_BAD_NEXT_HOP = 8,
    NVO_BGP_UPD_OPTIONAL_ATTR = 9,
    NVO_BGP_UPD_BAD_NETWORK = 10,
    NVO_BGP_UPD_MALFORMED_AS_PATH = 11,

    NVO_BGP_RR_BAD_LENGTH = 1,
};

/* Why a message was refused: what a NOTIFICATION would carry.  'data'
 * is data_len bytes at data_ofs of the message (the bad length field,
 * the bad type, the erroneous attribute...), data_len 0 if none. */
struct nvo_bgp_error {
    uint8_t code, subcode;
    size_t data_ofs, data_len;
    size_t ofs;                 /* where in the message the fault is */
    /* Data not in the message (the missing attribute's type code; the
     * highest version we support): used instead when data_own_len > 0. */
    uint8_t data_own[2];
    size_t data_own_len;
    char reason[120];
};

/* Fills 'e' and returns EBADMSG (for decoders' one failure path). */
int nvo_bgp_fail(struct nvo_bgp_error *e, uint8_t code, uint8_t subcode,
                 size_t ofs, size_t data_ofs, size_t data_len,
                 const char *fmt, ...) NVO_PRINTF(7, 8);

/* ---- A bounded writer ---------------------------------------------------- */

struct nvo_bgp_buf {
    uint8_t *p;
    size_t cap, len;
    bool err;                   /* a write did not fit (sticky) */
};

static inline struct nvo_bgp_buf
nvo_bgp_buf_init(void *p, size_t cap)
{
    return (struct nvo_bgp_buf) { .p = p, .cap = cap, .len = 0, .err = false };
}

/* Room for 'n' more bytes at the end, or NULL (and err set). */
static inline uint8_t *
nvo_bgp_buf_put(struct nvo_bgp_buf *b, size_t n)
{
    if (b->err || b->cap - b->len < n) {
        b->err = true;
        return NULL;
    }
    uint8_t *q = b->p + b->len;
    b->len += n;
    return q;
}

static inline void
nvo_bgp_buf_u8(struct nvo_bgp_buf *b, uint8_t v)
{
    uint8_t *q = nvo_bgp_buf_put(b, 1);
    if (q) {
        q[0] = v;
    }
}

static inline void
nvo_bgp_buf_u16(struct nvo_bgp_buf *b, uint16_t v)
{
    uint8_t *q = nvo_bgp_buf_put(b, 2);
    if (q) {
        nvo_wr16(q, v);
    }
}

static inline void
nvo_bgp_buf_u24(struct nvo_bgp_buf *b, uint32_t v)
{
    uint8_t *q = nvo_bgp_buf_put(b, 3);
    if (q) {
        nvo_wr24(q, v);
    }
}

static inline void
nvo_bgp_buf_u32(struct nvo_bgp_buf *b, uint32_t v)
{
    uint8_t *q = nvo_bgp_buf_put(b, 4);
    if (q) {
        nvo_wr32(q, v);
    }
}

static inline void
nvo_bgp_buf_bytes(struct nvo_bgp_buf *b, const void *v, size_t n)
{
    uint8_t *q = nvo_bgp_buf_put(b, n);
    if (q && n) {
        memcpy(q, v, n);
    }
}

/* ---- Header -------------------------------------------------------------- */

/* Starts a message of 'type' in 'b' (marker, a length to be filled by
 * nvo_bgp_msg_end, the type); returns the message's offset in b. */
size_t nvo_bgp_msg_begin(struct nvo_bgp_buf *b, uint8_t type);

/* Writes the length of the message begun at 'start'.  Returns its length,
 * or 0 if the buffer overflowed or it is longer than 'max_len'. */
size_t nvo_bgp_msg_end(struct nvo_bgp_buf *b, size_t start, size_t max_len);

/* Checks the header of the message at the start of 'msg' (RFC 4271 6.1):
 * marker, length (19..max_len, at most 4096 for OPEN and KEEPALIVE, at
 * most 'len', at least the type's minimum: OPEN 29, UPDATE 23,
 * NOTIFICATION 21, ROUTE-REFRESH 23; KEEPALIVE exactly 19), type.  Returns 0 with *type and *msg_len, or EBADMSG and 'e'.
 * A 'len' shorter than the header or than the length field says is
 * refused as truncated (a stream reader waits for more instead). */
int nvo_bgp_hdr_decode(const uint8_t *msg, size_t len, size_t max_len,
                       uint8_t *type, size_t *msg_len,
                       struct nvo_bgp_error *e);

/* ---- OPEN (RFC 4271 4.2, capabilities RFC 5492) -------------------------- */

#define NVO_BGP_CAP_MP 1
#define NVO_BGP_CAP_ROUTE_REFRESH 2
#define NVO_BGP_CAP_EXT_MSG 6
#define NVO_BGP_CAP_AS4 65
#define NVO_BGP_OPEN_MP_MAX 8

struct nvo_bgp_afi_safi {
    uint16_t afi;
    uint8_t safi;
};

struct nvo_bgp_open {
    uint8_t version;            /* 4 */
    uint32_t as;                /* the 4-octet AS (from capability 65 if
                                 * present, else My AS) */
    uint16_t my_as;             /* decoded: the 2-octet field */
    uint16_t hold_time;         /* seconds: 0 or >= 3 */
    uint32_t bgp_id;
    size_t n_mp;
    struct nvo_bgp_afi_safi mp[NVO_BGP_OPEN_MP_MAX];
    bool route_refresh, as4, ext_msg;
    size_t n_unknown_caps;      /* decoded: capabilities ignored */
};

/* Encodes an OPEN: one optional parameter 2 holding the capabilities in
 * the order MP (each), route refresh, extended message, 4-octet AS.  My
 * AS is AS_TRANS when 'as' needs 4 octets (then 'as4' must be set).
 * Returns the length (45 with one MP, RR and AS4) or 0. */
size_t nvo_bgp_open_encode(struct nvo_bgp_buf *, const struct nvo_bgp_open *);

/* Decodes the OPEN whose header was checked ('msg', 'len' its length).
 * Refuses: version not 4 (2/1, data 0x0004: the version we support),
 * hold time 1 or 2 (2/6),
 * BGP identifier 0 (2/3), an optional parameter other than 2 (2/4),
 * parameters or capabilities overrunning their lengths, MP or AS4
 * capabilities of the wrong length (2/0), a 4-octet AS 0 or a My AS
 * that is neither the AS nor AS_TRANS (2/2).  Unknown capabilities are
 * counted and ignored (RFC 5492 3). */
int nvo_bgp_open_decode(const uint8_t *msg, size_t len,
                        struct nvo_bgp_open *, struct nvo_bgp_error *);

/* ---- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ------------------------------ */

size_t nvo_bgp_keepalive_encode(struct nvo_bgp_buf *);

struct nvo_bgp_notification {
    uint8_t code, subcode;
    const uint8_t *data;
    size_t data_len;
};

size_t nvo_bgp_notification_encode(struct nvo_bgp_buf *,
                                   const struct nvo_bgp_notification *);
/* The NOTIFICATION that refuses a message with error 'e' ('msg' the
 * refused message, for the data). */
size_t nvo_bgp_notification_from_error(struct nvo_bgp_buf *,
                                       const struct nvo_bgp_error *e,
                                       const uint8_t *msg);
int nvo_bgp_notification_decode(const uint8_t *msg, size_t len,
                                struct nvo_bgp_notification *,
                                struct nvo_bgp_error *);

/* ROUTE-REFRESH (RFC 2918; subtype RFC 7313: 0 request, 1 BoRR, 2 EoRR). */
struct nvo_bgp_route_refresh {
    uint16_t afi;
    uint8_t subtype;
    uint8_t safi;
};

size_t nvo_bgp_route_refresh_encode(struct nvo_bgp_buf *,
                                    const struct nvo_bgp_route_refresh *);
/* Refuses a ROUTE-REFRESH that is not 23 bytes with 7/1 (RFC 7313 5;
 * ORF entries, RFC 5291, are not supported). */
int nvo_bgp_route_refresh_decode(const uint8_t *msg, size_t len,
                                 struct nvo_bgp_route_refresh *,
                                 struct nvo_bgp_error *);

/* Short names: "OPEN", "UPDATE", ...; "?" for others. */
const char *nvo_bgp_type_name(uint8_t type);

#endif /* NVO_WIRE_BGP_H */
