/* bgp_nlri.c: EVPN (RFC 7432 7) and BGP-VPLS (RFC 4761 3.2.2) NLRI,
 * route distinguishers (RFC 4364 4.2) and Route Target membership NLRI
 * (RFC 4684 4). */
#include "wire/bgp_nlri.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

void
nvo_bgp_rd_type0(uint8_t rd[NVO_BGP_RD_LEN], uint16_t as, uint32_t n)
{
    nvo_wr16(rd, 0);
    nvo_wr16(rd + 2, as);
    nvo_wr32(rd + 4, n);
}

void
nvo_bgp_rd_type1(uint8_t rd[NVO_BGP_RD_LEN], uint32_t ip, uint16_t n)
{
    nvo_wr16(rd, 1);
    nvo_wr32(rd + 2, ip);
    nvo_wr16(rd + 6, n);
}

char *
nvo_bgp_rd_format(const uint8_t rd[NVO_BGP_RD_LEN], char buf[40])
{
    uint16_t t = nvo_rd16(rd);
    switch (t) {
    case 0:
        snprintf(buf, 40, "%u:%" PRIu32, nvo_rd16(rd + 2), nvo_rd32(rd + 4));
        break;
    case 1:
        snprintf(buf, 40, "%u.%u.%u.%u:%u", rd[2], rd[3], rd[4], rd[5],
                 nvo_rd16(rd + 6));
        break;
    case 2:
        snprintf(buf, 40, "%" PRIu32 ":%u", nvo_rd32(rd + 2),
                 nvo_rd16(rd + 6));
        break;
    default:
        snprintf(buf, 40, "type %u:0x%012" PRIx64, t,
                 (uint64_t) (nvo_rd64(rd) & 0xffffffffffffull));
        break;
    }
    return buf;
}

/* ---- EVPN ---------------------------------------------------------------- */

static size_t
ip_bytes__(uint8_t bits)
{
    return bits == 32 ? 4 : bits == 128 ? 16 : bits == 0 ? 0 : SIZE_MAX;
}

size_t
nvo_evpn_route_size(const struct nvo_evpn_route *rt)
{
    size_t ip = ip_bytes__(rt->ip_len);
    if (ip == SIZE_MAX) {
        return 0;
    }
    switch (rt->type) {
    case NVO_EVPN_MAC_IP:
        if (rt->n_labels != 1 && rt->n_labels != 2) {
            return 0;
        }
        return 2 + 33 + ip + 3u * (rt->n_labels - 1u);
    case NVO_EVPN_IMET:
        return ip ? 2 + 13 + ip : 0;
    default:
        return 0;
    }
}

size_t
nvo_evpn_route_encode(struct nvo_bgp_buf *b, const struct nvo_evpn_route *rt)
{
    size_t size = nvo_evpn_route_size(rt);
    if (!size || rt->label1 > 0xffffff || rt->label2 > 0xffffff) {
        return 0;
    }
    size_t ip = ip_bytes__(rt->ip_len);
    nvo_bgp_buf_u8(b, rt->type);                    /* RFC 7432 7 */
    nvo_bgp_buf_u8(b, (uint8_t) (size - 2));
    nvo_bgp_buf_bytes(b, rt->rd, NVO_BGP_RD_LEN);
    if (rt->type == NVO_EVPN_MAC_IP) {              /* RFC 7432 7.2 */
        nvo_bgp_buf_bytes(b, rt->esi, NVO_EVPN_ESI_LEN);
        nvo_bgp_buf_u32(b, rt->etag);
        nvo_bgp_buf_u8(b, 48);
        nvo_bgp_buf_bytes(b, rt->mac, 6);
        nvo_bgp_buf_u8(b, rt->ip_len);
        nvo_bgp_buf_bytes(b, rt->ip, ip);
        nvo_bgp_buf_u24(b, rt->label1);
        if (rt->n_labels == 2) {
            nvo_bgp_buf_u24(b, rt->label2);
        }
    } else {                                        /* RFC 7432 7.3 */
        nvo_bgp_buf_u32(b, rt->etag);
        nvo_bgp_buf_u8(b, rt->ip_len);
        nvo_bgp_buf_bytes(b, rt->ip, ip);
    }
    return b->err ? 0 : size;
}

int
nvo_evpn_route_decode(struct nvo_rd *r, const uint8_t *msg,
                      struct nvo_evpn_route *rt, struct nvo_bgp_error *e)
{
    memset(rt, 0, sizeof *rt);
    size_t at = nvo_rd_ofs(r, msg);
    rt->type = nvo_rd_u8(r);
    uint8_t len = nvo_rd_u8(r);
    struct nvo_rd v = nvo_rd_sub(r, len);
    if (!nvo_rd_ok(r)) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_OPTIONAL_ATTR,
                            at, 0, 0, "EVPN route at byte %zu: length %u "
                            "runs past the NLRI field", at, len);
    }
    if (rt->type == NVO_EVPN_MAC_IP) {
        nvo_rd_bytes(&v, rt->rd, NVO_BGP_RD_LEN);
        nvo_rd_bytes(&v, rt->esi, NVO_EVPN_ESI_LEN);
        rt->etag = nvo_rd_u32(&v);
        uint8_t mac_len = nvo_rd_u8(&v);
        nvo_rd_bytes(&v, rt->mac, 6);
        rt->ip_len = nvo_rd_u8(&v);
        size_t ip = ip_bytes__(rt->ip_len);
        if (!nvo_rd_ok(&v) || mac_len != 48 || ip == SIZE_MAX) {
            goto bad;
        }
        nvo_rd_bytes(&v, rt->ip, ip);
        rt->label1 = nvo_rd_u24(&v);
        rt->n_labels = 1;
        if (v.left == 3) {
            rt->label2 = nvo_rd_u24(&v);
            rt->n_labels = 2;
        }
        if (!nvo_rd_ok(&v) || v.left != 0) {
            goto bad;
        }
    } else if (rt->type == NVO_EVPN_IMET) {
        nvo_rd_bytes(&v, rt->rd, NVO_BGP_RD_LEN);
        rt->etag = nvo_rd_u32(&v);
        rt->ip_len = nvo_rd_u8(&v);
        size_t ip = ip_bytes__(rt->ip_len);
        if (!nvo_rd_ok(&v) || ip == SIZE_MAX || ip == 0 || v.left != ip) {
            goto bad;
        }
        nvo_rd_bytes(&v, rt->ip, ip);
    } else {
        rt->body = v.p;
        rt->body_len = len;
    }
    return 0;
bad:
    return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_OPTIONAL_ATTR,
                        at, 0, 0, "EVPN type %u route at byte %zu: length "
                        "%u does not match its MAC/IP length fields",
                        rt->type, at, len);
}

/* ---- VPLS ---------------------------------------------------------------- */

size_t
nvo_vpls_nlri_encode(struct nvo_bgp_buf *b, const struct nvo_vpls_nlri *n)
{
    if (n->label_base > 0xfffff) {
        return 0;
    }
    nvo_bgp_buf_u16(b, 17);                         /* RFC 4761 3.2.2 */
    nvo_bgp_buf_bytes(b, n->rd, NVO_BGP_RD_LEN);
    nvo_bgp_buf_u16(b, n->ve_id);
    nvo_bgp_buf_u16(b, n->block_offset);
    nvo_bgp_buf_u16(b, n->block_size);
    nvo_bgp_buf_u24(b, n->label_base << 4 | 1);     /* bottom of stack */
    return b->err ? 0 : NVO_VPLS_NLRI_LEN;
}

int
nvo_vpls_nlri_decode(struct nvo_rd *r, const uint8_t *msg,
                     struct nvo_vpls_nlri *n, struct nvo_bgp_error *e)
{
    size_t at = nvo_rd_ofs(r, msg);
    uint16_t len = nvo_rd_u16(r);
    if (!nvo_rd_ok(r) || len != 17 || !nvo_rd_has(r, 17)) {
        r->err = true;
        return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_OPTIONAL_ATTR,
                            at, 0, 0, "VPLS NLRI at byte %zu: length %u, "
                            "not 17 or past the NLRI field", at, len);
    }
    nvo_rd_bytes(r, n->rd, NVO_BGP_RD_LEN);
    n->ve_id = nvo_rd_u16(r);
    n->block_offset = nvo_rd_u16(r);
    n->block_size = nvo_rd_u16(r);
    n->label_base = nvo_rd_u24(r) >> 4;
    return 0;
}

bool
nvo_vpls_label_for(const struct nvo_vpls_nlri *n, uint16_t ve,
                   uint32_t *label)
{
    if (ve < n->block_offset
        || (uint32_t) ve >= (uint32_t) n->block_offset + n->block_size) {
        return false;
    }
    *label = n->label_base + (uint32_t) (ve - n->block_offset);
    return true;
}

/* ---- Route Target membership (RFC 4684 4) ------------------------------- */

size_t
nvo_rtc_nlri_size(uint8_t plen)
{
    if (plen != 0 && (plen < 32 || plen > 96)) {
        return 0;
    }
    return 1u + (plen + 7u) / 8u;
}

size_t
nvo_rtc_nlri_encode(struct nvo_bgp_buf *b, const struct nvo_rtc_nlri *n)
{
    size_t size = nvo_rtc_nlri_size(n->plen);
    if (!size) {
        return 0;
    }
    uint8_t pfx[12];
    nvo_wr32(pfx, n->origin_as);
    memcpy(pfx + 4, n->rt, 8);
    if (n->plen % 8) {
        pfx[n->plen / 8] &= (uint8_t) (0xff00u >> (n->plen % 8));
    }
    nvo_bgp_buf_u8(b, n->plen);
    nvo_bgp_buf_bytes(b, pfx, size - 1);
    return b->err ? 0 : size;
}

int
nvo_rtc_nlri_decode(struct nvo_rd *r, const uint8_t *msg,
                    struct nvo_rtc_nlri *n, struct nvo_bgp_error *e)
{
    memset(n, 0, sizeof *n);
    size_t at = nvo_rd_ofs(r, msg);
    n->plen = nvo_rd_u8(r);
    size_t size = nvo_rtc_nlri_size(n->plen);
    uint8_t pfx[12] = { 0 };
    if (!nvo_rd_ok(r) || !size || !nvo_rd_bytes(r, pfx, size - 1)) {
        r->err = true;
        return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_OPTIONAL_ATTR,
                            at, 0, 0, "RT membership NLRI at byte %zu: "
                            "length %u bits, not 0 or 32 .. 96 or past the "
                            "NLRI field", at, n->plen);
    }
    n->origin_as = nvo_rd32(pfx);
    memcpy(n->rt, pfx + 4, 8);
    return 0;
}

bool
nvo_rtc_nlri_match(const struct nvo_rtc_nlri *n, const uint8_t *rt)
{
    if (n->plen <= 32) {
        return true;
    }
    unsigned bits = n->plen - 32u;
    unsigned whole = bits / 8u;
    if (whole && memcmp(n->rt, rt, whole)) {
        return false;
    }
    if (bits % 8) {
        uint8_t m = (uint8_t) (0xff00u >> (bits % 8));
        return (n->rt[whole] & m) == (rt[whole] & m);
    }
    return true;
}
