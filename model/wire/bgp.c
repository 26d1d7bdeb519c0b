/* bgp.c: BGP-4 message header, OPEN, KEEPALIVE, NOTIFICATION and
 * ROUTE-REFRESH encoders and decoders, and the error reporting they share
 * with the UPDATE decoder (wire/bgp_attr.c). */
#include "wire/bgp.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

int
nvo_bgp_fail(struct nvo_bgp_error *e, uint8_t code, uint8_t subcode,
             size_t ofs, size_t data_ofs, size_t data_len,
             const char *fmt, ...)
{
    if (e) {
        e->code = code;
        e->subcode = subcode;
        e->ofs = ofs;
        e->data_ofs = data_ofs;
        e->data_len = data_len;
        e->data_own_len = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->reason, sizeof e->reason, fmt, ap);
        va_end(ap);
    }
    return EBADMSG;
}

const char *
nvo_bgp_type_name(uint8_t type)
{
    switch (type) {
    case NVO_BGP_OPEN: return "OPEN";
    case NVO_BGP_UPDATE: return "UPDATE";
    case NVO_BGP_NOTIFICATION: return "NOTIFICATION";
    case NVO_BGP_KEEPALIVE: return "KEEPALIVE";
    case NVO_BGP_ROUTE_REFRESH: return "ROUTE-REFRESH";
    default: return "?";
    }
}

/* ---- Header -------------------------------------------------------------- */

size_t
nvo_bgp_msg_begin(struct nvo_bgp_buf *b, uint8_t type)
{
    size_t start = b->len;
    uint8_t *q = nvo_bgp_buf_put(b, NVO_BGP_HDR_LEN);
    if (q) {
        memset(q, 0xff, NVO_BGP_MARKER_LEN);    /* RFC 4271 4.1 */
        nvo_wr16(q + 16, 0);
        q[18] = type;
    }
    return start;
}

size_t
nvo_bgp_msg_end(struct nvo_bgp_buf *b, size_t start, size_t max_len)
{
    if (b->err || b->len < start + NVO_BGP_HDR_LEN) {
        return 0;
    }
    size_t len = b->len - start;
    if (len > max_len || len > NVO_BGP_EXT_MAX_LEN) {
        b->err = true;
        return 0;
    }
    nvo_wr16(b->p + start + 16, (uint16_t) len);
    return len;
}

int
nvo_bgp_hdr_decode(const uint8_t *msg, size_t len, size_t max_len,
                   uint8_t *type, size_t *msg_len, struct nvo_bgp_error *e)
{
    if (len < NVO_BGP_HDR_LEN) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_HEADER, NVO_BGP_HDR_BAD_LENGTH,
                            len, 0, 0, "truncated header: %zu of 19 bytes",
                            len);
    }
    for (size_t i = 0; i < NVO_BGP_MARKER_LEN; i++) {
        if (msg[i] != 0xff) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_HEADER, NVO_BGP_HDR_NOT_SYNC,
                                i, 0, 0, "marker byte %zu is 0x%02x, not 0xff",
                                i, msg[i]);
        }
    }
    size_t l = nvo_rd16(msg + 16);
    uint8_t t = msg[18];
    size_t min = NVO_BGP_HDR_LEN, exact = 0;
    switch (t) {
    case NVO_BGP_OPEN: min = NVO_BGP_OPEN_MIN_LEN; break;
    case NVO_BGP_UPDATE: min = NVO_BGP_UPDATE_MIN_LEN; break;
    case NVO_BGP_NOTIFICATION: min = NVO_BGP_NOTIFICATION_MIN_LEN; break;
    case NVO_BGP_KEEPALIVE: exact = NVO_BGP_HDR_LEN; break;
    case NVO_BGP_ROUTE_REFRESH: min = NVO_BGP_ROUTE_REFRESH_LEN; break;
    default:
        return nvo_bgp_fail(e, NVO_BGP_ERR_HEADER, NVO_BGP_HDR_BAD_TYPE,
                            18, 18, 1, "unknown message type %u", t);
    }
    /* RFC 4271 6.1: an OPEN or KEEPALIVE over 4096 bytes is refused even
     * after extended messages were negotiated (RFC 8654 4). */
    size_t max = max_len;
    if (t == NVO_BGP_OPEN || t == NVO_BGP_KEEPALIVE) {
        max = NVO_MIN(max_len, (size_t) NVO_BGP_MAX_LEN);
    }
    if (l < NVO_BGP_HDR_LEN || l > max || l < min || (exact && l != exact)) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_HEADER, NVO_BGP_HDR_BAD_LENGTH,
                            16, 16, 2,
                            "bad length %zu for a %s message (%zu..%zu)", l,
                            nvo_bgp_type_name(t), exact ? exact : min,
                            exact ? exact : max);
    }
    if (l > len) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_HEADER, NVO_BGP_HDR_BAD_LENGTH,
                            len, 16, 2,
                            "truncated message: %zu of %zu bytes", len, l);
    }
    *type = t;
    *msg_len = l;
    return 0;
}

/* ---- OPEN ---------------------------------------------------------------- */

size_t
nvo_bgp_open_encode(struct nvo_bgp_buf *b, const struct nvo_bgp_open *o)
{
    size_t start = nvo_bgp_msg_begin(b, NVO_BGP_OPEN);
    nvo_bgp_buf_u8(b, 4);                                   /* 4.2 version */
    nvo_bgp_buf_u16(b, o->as > 0xffff ? NVO_BGP_AS_TRANS
                                      : (uint16_t) o->as);  /* My AS */
    nvo_bgp_buf_u16(b, o->hold_time);
    nvo_bgp_buf_u32(b, o->bgp_id);
    size_t caps = 0;
    caps += o->n_mp * 6;
    caps += o->route_refresh ? 2 : 0;
    caps += o->ext_msg ? 2 : 0;
    caps += o->as4 ? 6 : 0;
    if (o->n_mp > NVO_BGP_OPEN_MP_MAX || (o->as > 0xffff && !o->as4)) {
        b->err = true;
        return 0;
    }
    if (caps == 0) {
        nvo_bgp_buf_u8(b, 0);                               /* opt len */
        return nvo_bgp_msg_end(b, start, NVO_BGP_MAX_LEN);
    }
    nvo_bgp_buf_u8(b, (uint8_t) (caps + 2));                /* opt len */
    nvo_bgp_buf_u8(b, 2);               /* RFC 5492 4: param Capabilities */
    nvo_bgp_buf_u8(b, (uint8_t) caps);
    for (size_t i = 0; i < o->n_mp; i++) {  /* RFC 4760 8 */
        nvo_bgp_buf_u8(b, NVO_BGP_CAP_MP);
        nvo_bgp_buf_u8(b, 4);
        nvo_bgp_buf_u16(b, o->mp[i].afi);
        nvo_bgp_buf_u8(b, 0);
        nvo_bgp_buf_u8(b, o->mp[i].safi);
    }
    if (o->route_refresh) {                 /* RFC 2918 2 */
        nvo_bgp_buf_u8(b, NVO_BGP_CAP_ROUTE_REFRESH);
        nvo_bgp_buf_u8(b, 0);
    }
    if (o->ext_msg) {                       /* RFC 8654 3 */
        nvo_bgp_buf_u8(b, NVO_BGP_CAP_EXT_MSG);
        nvo_bgp_buf_u8(b, 0);
    }
    if (o->as4) {                           /* RFC 6793 3 */
        nvo_bgp_buf_u8(b, NVO_BGP_CAP_AS4);
        nvo_bgp_buf_u8(b, 4);
        nvo_bgp_buf_u32(b, o->as);
    }
    return nvo_bgp_msg_end(b, start, NVO_BGP_MAX_LEN);
}

static int
open_caps__(const uint8_t *msg, struct nvo_rd *c, struct nvo_bgp_open *o,
            struct nvo_bgp_error *e)
{
    while (c->left > 0) {
        size_t at = nvo_rd_ofs(c, msg);
        uint8_t code = nvo_rd_u8(c);
        uint8_t clen = nvo_rd_u8(c);
        struct nvo_rd v = nvo_rd_sub(c, clen);
        if (!nvo_rd_ok(c)) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_UNSPECIFIC,
                                at, 0, 0, "capability %u at byte %zu runs "
                                "past its parameter", code, at);
        }
        switch (code) {
        case NVO_BGP_CAP_MP:
            if (clen != 4) {
                goto bad_len;
            }
            if (o->n_mp < NVO_BGP_OPEN_MP_MAX) {
                o->mp[o->n_mp].afi = nvo_rd_u16(&v);
                nvo_rd_u8(&v);
                o->mp[o->n_mp].safi = nvo_rd_u8(&v);
                o->n_mp++;
            } else {
                o->n_unknown_caps++;
            }
            break;
        case NVO_BGP_CAP_ROUTE_REFRESH:
            if (clen != 0) {
                goto bad_len;
            }
            o->route_refresh = true;
            break;
        case NVO_BGP_CAP_EXT_MSG:
            if (clen != 0) {
                goto bad_len;
            }
            o->ext_msg = true;
            break;
        case NVO_BGP_CAP_AS4:
            if (clen != 4) {
                goto bad_len;
            }
            o->as4 = true;
            o->as = nvo_rd_u32(&v);
            break;
        default:
            o->n_unknown_caps++;
            break;
        }
        continue;
    bad_len:
        return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_UNSPECIFIC,
                            at, at, 2u + clen, "capability %u has length %u",
                            code, clen);
    }
    return 0;
}

int
nvo_bgp_open_decode(const uint8_t *msg, size_t len, struct nvo_bgp_open *o,
                    struct nvo_bgp_error *e)
{
    memset(o, 0, sizeof *o);
    struct nvo_rd r = nvo_rd_init(msg, len);
    nvo_rd_skip(&r, NVO_BGP_HDR_LEN);
    o->version = nvo_rd_u8(&r);
    o->my_as = nvo_rd_u16(&r);
    o->hold_time = nvo_rd_u16(&r);
    o->bgp_id = nvo_rd_u32(&r);
    uint8_t opt_len = nvo_rd_u8(&r);
    if (!nvo_rd_ok(&r)) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_HEADER, NVO_BGP_HDR_BAD_LENGTH,
                            len, 16, 2, "OPEN shorter than 29 bytes");
    }
    if (o->version != 4) {
        nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_VERSION,
                     19, 0, 0, "version %u, not 4", o->version);
        if (e) {
            e->data_own[0] = 0;             /* RFC 4271 6.2: the largest */
            e->data_own[1] = 4;             /* version we support */
            e->data_own_len = 2;
        }
        return EBADMSG;
    }
    if (o->hold_time == 1 || o->hold_time == 2) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_HOLD,
                            22, 0, 0, "hold time %u s (0 or >= 3)",
                            o->hold_time);
    }
    if (o->bgp_id == 0) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_ID,
                            24, 0, 0, "BGP identifier 0.0.0.0");
    }
    if (opt_len != r.left) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_UNSPECIFIC,
                            28, 0, 0, "optional parameters length %u, but "
                            "%zu bytes follow", opt_len, r.left);
    }
    o->as = o->my_as;
    while (r.left > 0) {
        size_t at = nvo_rd_ofs(&r, msg);
        uint8_t ptype = nvo_rd_u8(&r);
        uint8_t plen = nvo_rd_u8(&r);
        struct nvo_rd v = nvo_rd_sub(&r, plen);
        if (!nvo_rd_ok(&r)) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_UNSPECIFIC,
                                at, 0, 0, "optional parameter at byte %zu "
                                "runs past the message", at);
        }
        if (ptype != 2) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_PARAM,
                                at, 0, 0, "optional parameter type %u "
                                "(only 2, capabilities)", ptype);
        }
        int rc = open_caps__(msg, &v, o, e);
        if (rc) {
            return rc;
        }
    }
    if (o->as4 && (o->as == 0 || (o->my_as != NVO_BGP_AS_TRANS
                                  && o->my_as != o->as))) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_PEER_AS,
                            20, 20, 2, "My AS %u does not match the 4-octet "
                            "AS %" PRIu32, o->my_as, o->as);
    }
    if (!o->as4 && o->my_as == 0) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_PEER_AS,
                            20, 20, 2, "My AS 0");
    }
    return 0;
}

/* ---- KEEPALIVE, NOTIFICATION, ROUTE-REFRESH ------------------------------ */

size_t
nvo_bgp_keepalive_encode(struct nvo_bgp_buf *b)
{
    size_t start = nvo_bgp_msg_begin(b, NVO_BGP_KEEPALIVE);
    return nvo_bgp_msg_end(b, start, NVO_BGP_MAX_LEN);
}

size_t
nvo_bgp_notification_encode(struct nvo_bgp_buf *b,
                            const struct nvo_bgp_notification *n)
{
    size_t start = nvo_bgp_msg_begin(b, NVO_BGP_NOTIFICATION);
    nvo_bgp_buf_u8(b, n->code);
    nvo_bgp_buf_u8(b, n->subcode);
    nvo_bgp_buf_bytes(b, n->data, n->data_len);
    return nvo_bgp_msg_end(b, start, NVO_BGP_MAX_LEN);
}

size_t
nvo_bgp_notification_from_error(struct nvo_bgp_buf *b,
                                const struct nvo_bgp_error *e,
                                const uint8_t *msg)
{
    struct nvo_bgp_notification n = {
        .code = e->code, .subcode = e->subcode,
        .data = msg ? msg + e->data_ofs : NULL,
        .data_len = msg ? NVO_MIN(e->data_len, NVO_BGP_MAX_LEN - 21u) : 0,
    };
    if (e->data_own_len) {
        n.data = e->data_own;
        n.data_len = e->data_own_len;
    }
    return nvo_bgp_notification_encode(b, &n);
}

int
nvo_bgp_notification_decode(const uint8_t *msg, size_t len,
                            struct nvo_bgp_notification *n,
                            struct nvo_bgp_error *e)
{
    if (len < NVO_BGP_NOTIFICATION_MIN_LEN) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_HEADER, NVO_BGP_HDR_BAD_LENGTH,
                            len, 16, 2, "NOTIFICATION shorter than 21 bytes");
    }
    n->code = msg[19];
    n->subcode = msg[20];
    n->data = msg + 21;
    n->data_len = len - 21;
    return 0;
}

size_t
nvo_bgp_route_refresh_encode(struct nvo_bgp_buf *b,
                             const struct nvo_bgp_route_refresh *rr)
{
    size_t start = nvo_bgp_msg_begin(b, NVO_BGP_ROUTE_REFRESH);
    nvo_bgp_buf_u16(b, rr->afi);
    nvo_bgp_buf_u8(b, rr->subtype);
    nvo_bgp_buf_u8(b, rr->safi);
    return nvo_bgp_msg_end(b, start, NVO_BGP_MAX_LEN);
}

int
nvo_bgp_route_refresh_decode(const uint8_t *msg, size_t len,
                             struct nvo_bgp_route_refresh *rr,
                             struct nvo_bgp_error *e)
{
    if (len != NVO_BGP_ROUTE_REFRESH_LEN) {
        /* RFC 7313 5: Invalid Message Length, data the whole message
         * (longer messages carry ORF entries, RFC 5291: not supported). */
        return nvo_bgp_fail(e, NVO_BGP_ERR_ROUTE_REFRESH,
                            NVO_BGP_RR_BAD_LENGTH, len, 0, len,
                            "ROUTE-REFRESH of %zu bytes, not 23", len);
    }
    rr->afi = nvo_rd16(msg + 19);
    rr->subtype = msg[21];
    rr->safi = msg[22];
    return 0;
}
