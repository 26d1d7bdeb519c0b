/* mrt_read.c: a bounds-checked reader of BGP4MP(_ET) MESSAGE_AS4 records
 * (RFC 6396 4.4, RFC 8050 4); see io/mrt_read.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "io/mrt_read.h"
#include "wire/bgp.h"

static int
bad(char *err, size_t n, size_t ofs, const char *what)
{
    if (err && n) {
        snprintf(err, n, "offset %zu: %s", ofs, what);
    }
    return EBADMSG;
}

int
nvo_mrt_next(struct nvo_mrt_reader *r, struct nvo_mrt_record *rec,
             char *err, size_t err_size)
{
    for (;;) {
        size_t o = r->ofs;
        if (o == r->len) {
            return ENOENT;
        }
        if (r->len - o < NVO_MRT_HDR_LEN) {
            return bad(err, err_size, o, "truncated MRT record header "
                       "(fewer than 12 bytes left)");
        }
        const uint8_t *h = r->buf + o;
        uint16_t type = nvo_rd16(h + 4), subtype = nvo_rd16(h + 6);
        uint32_t body = nvo_rd32(h + 8);
        if (body > r->len - o - NVO_MRT_HDR_LEN) {
            char m[120];
            snprintf(m, sizeof m, "record length %u runs past the end of "
                     "the file (%zu bytes left)", body,
                     r->len - o - NVO_MRT_HDR_LEN);
            return bad(err, err_size, o + 8, m);
        }
        bool known = (type == NVO_MRT_BGP4MP_ET || type == NVO_MRT_BGP4MP)
                     && (subtype == NVO_MRT_MESSAGE_AS4
                         || subtype == NVO_MRT_MESSAGE_AS4_LOCAL);
        if (!known) {
            r->ofs = o + NVO_MRT_HDR_LEN + body;
            r->n_skipped++;
            continue;
        }
        const uint8_t *p = h + NVO_MRT_HDR_LEN;
        size_t left = body, at = o + NVO_MRT_HDR_LEN;
        memset(rec, 0, sizeof *rec);
        rec->ofs = o;
        rec->ts_s = nvo_rd32(h);
        rec->type = type;
        rec->subtype = subtype;
        rec->sent = subtype == NVO_MRT_MESSAGE_AS4_LOCAL;
        if (type == NVO_MRT_BGP4MP_ET) {
            if (left < 4) {
                return bad(err, err_size, at, "BGP4MP_ET record too short "
                           "for its microsecond field");
            }
            rec->ts_us = nvo_rd32(p);
            if (rec->ts_us > 999999) {
                return bad(err, err_size, at, "microseconds above 999999");
            }
            p += 4;
            left -= 4;
            at += 4;
        }
        if (left < 12) {
            return bad(err, err_size, at, "record too short for the peer "
                       "and local AS, interface and address family");
        }
        rec->peer.peer_as = nvo_rd32(p);
        rec->peer.local_as = nvo_rd32(p + 4);
        rec->peer.ifindex = nvo_rd16(p + 8);
        uint16_t afi = nvo_rd16(p + 10);
        if (afi != 1 && afi != 2) {
            char m[80];
            snprintf(m, sizeof m, "address family %u (expected 1 IPv4 or "
                     "2 IPv6)", afi);
            return bad(err, err_size, at + 10, m);
        }
        size_t alen = afi == 2 ? 16 : 4;
        rec->peer.ipv6 = afi == 2;
        p += 12;
        left -= 12;
        at += 12;
        if (left < 2 * alen) {
            return bad(err, err_size, at, "record too short for the peer "
                       "and local addresses");
        }
        memcpy(rec->peer.peer_ip, p, alen);
        memcpy(rec->peer.local_ip, p + alen, alen);
        p += 2 * alen;
        left -= 2 * alen;
        at += 2 * alen;
        if (left < NVO_BGP_HDR_LEN) {
            return bad(err, err_size, at, "BGP message shorter than its "
                       "19-byte header");
        }
        size_t mlen = nvo_rd16(p + 16);
        if (mlen != left) {
            char m[120];
            snprintf(m, sizeof m, "BGP message length field %zu, but the "
                     "record holds %zu bytes", mlen, left);
            return bad(err, err_size, at + 16, m);
        }
        rec->msg_ofs = at;
        rec->msg = p;
        rec->msg_len = left;
        rec->msg_type = p[18];
        r->ofs = o + NVO_MRT_HDR_LEN + body;
        r->n_records++;
        return 0;
    }
}
