/* bgp_pack.c: routes with identical attributes into as few UPDATEs as
 * fit (the arithmetic in bgp_pack.h). */
#include "wire/bgp_pack.h"

#include <errno.h>
#include <stdlib.h>

void
nvo_bgp_msgs_free(struct nvo_bgp_msgs *m)
{
    if (m) {
        free(m->buf);
        free(m->ofs);
        memset(m, 0, sizeof *m);
    }
}

/* The attributes of an announcement: the caller's, with MP_REACH and
 * without MP_UNREACH. */
static struct nvo_bgp_attrs
reach_attrs__(const struct nvo_bgp_attrs *attrs, uint16_t afi, uint8_t safi)
{
    struct nvo_bgp_attrs a = *attrs;
    a.present |= 1u << NVO_BGP_ATTR_MP_REACH;
    a.present &= ~(1u << NVO_BGP_ATTR_MP_UNREACH);
    a.mp_afi = afi;
    a.mp_safi = safi;
    a.mp_nlri = NULL;
    a.mp_nlri_len = 0;
    return a;
}

size_t
nvo_bgp_pack_msg_size(const struct nvo_bgp_attrs *attrs, bool withdraw,
                      size_t nlri_bytes)
{
    if (withdraw) {
        size_t v = 3 + nlri_bytes;
        return NVO_BGP_UPDATE_MIN_LEN + (v > 255 ? 4 : 3) + v;
    }
    struct nvo_bgp_attrs a = reach_attrs__(attrs, 0, 0);
    size_t fixed = nvo_bgp_attrs_size(&a);      /* MP_REACH with 3-byte hdr */
    size_t v = 5u + a.mp_nh_len + nlri_bytes;
    return NVO_BGP_UPDATE_MIN_LEN + fixed + nlri_bytes + (v > 255 ? 1 : 0);
}

size_t
nvo_bgp_pack_capacity(const struct nvo_bgp_attrs *attrs, bool withdraw,
                      size_t route_size, size_t max_len)
{
    if (route_size == 0) {
        return 0;
    }
    size_t k = 0;
    /* The size grows by route_size per route, plus 1 once (the extended
     * length): start from the estimate and step down. */
    size_t base = nvo_bgp_pack_msg_size(attrs, withdraw, 0);
    if (base >= max_len) {
        return 0;
    }
    k = (max_len - base) / route_size;
    while (k > 0 && nvo_bgp_pack_msg_size(attrs, withdraw,
                                          k * route_size) > max_len) {
        k--;
    }
    return k;
}

int
nvo_bgp_pack(const struct nvo_bgp_attrs *attrs, bool withdraw, uint16_t afi,
             uint8_t safi, const uint8_t *nlri, const uint16_t *sizes,
             size_t n, size_t max_len, struct nvo_bgp_msgs *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0 || max_len < NVO_BGP_HDR_LEN || max_len > NVO_BGP_EXT_MAX_LEN) {
        return EINVAL;
    }
    /* First pass: where each message starts (in routes) and its size. */
    for (size_t i = 0; i < n; i++) {
        if (nvo_bgp_pack_msg_size(attrs, withdraw, sizes[i]) > max_len) {
            return EMSGSIZE;
        }
    }
    size_t n_msgs = 0, bytes = 0;
    for (size_t i = 0; i < n;) {
        size_t sum = 0, j = i;
        while (j < n && nvo_bgp_pack_msg_size(attrs, withdraw,
                                              sum + sizes[j]) <= max_len) {
            sum += sizes[j++];
        }
        bytes += nvo_bgp_pack_msg_size(attrs, withdraw, sum);
        n_msgs++;
        i = j;
    }
    out->buf = malloc(bytes);
    out->ofs = malloc((n_msgs + 1) * sizeof *out->ofs);
    if (!out->buf || !out->ofs) {
        nvo_bgp_msgs_free(out);
        return ENOMEM;
    }
    struct nvo_bgp_buf b = nvo_bgp_buf_init(out->buf, bytes);
    struct nvo_bgp_attrs a;
    if (withdraw) {
        a = (struct nvo_bgp_attrs) {
            .present = 1u << NVO_BGP_ATTR_MP_UNREACH,
            .mpu_afi = afi, .mpu_safi = safi };
    } else {
        a = reach_attrs__(attrs, afi, safi);
    }
    const uint8_t *p = nlri;
    for (size_t i = 0; i < n;) {
        size_t sum = 0, j = i;
        while (j < n && nvo_bgp_pack_msg_size(attrs, withdraw,
                                              sum + sizes[j]) <= max_len) {
            sum += sizes[j++];
        }
        if (withdraw) {
            a.mpu_nlri = p;
            a.mpu_nlri_len = (uint16_t) sum;
        } else {
            a.mp_nlri = p;
            a.mp_nlri_len = (uint16_t) sum;
        }
        out->ofs[out->n++] = b.len;
        size_t l = nvo_bgp_update_encode(&b, max_len, NULL, 0, &a, NULL, 0);
        if (l == 0 || l != nvo_bgp_pack_msg_size(attrs, withdraw, sum)) {
            nvo_bgp_msgs_free(out);
            return EINVAL;      /* attributes that cannot be encoded */
        }
        p += sum;
        i = j;
    }
    out->ofs[out->n] = b.len;
    out->len = b.len;
    out->n_routes = n;
    return 0;
}

int
nvo_bgp_pack_evpn(const struct nvo_bgp_attrs *attrs, bool withdraw,
                  const struct nvo_evpn_route *routes, size_t n,
                  size_t max_len, struct nvo_bgp_msgs *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0) {
        return EINVAL;
    }
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = nvo_evpn_route_size(&routes[i]);
        if (s == 0) {
            return EINVAL;
        }
        total += s;
    }
    uint8_t *nlri = malloc(total);
    uint16_t *sizes = malloc(n * sizeof *sizes);
    if (!nlri || !sizes) {
        free(nlri);
        free(sizes);
        return ENOMEM;
    }
    struct nvo_bgp_buf b = nvo_bgp_buf_init(nlri, total);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        size_t s = nvo_evpn_route_encode(&b, &routes[i]);
        sizes[i] = (uint16_t) s;
        rc = s ? 0 : EINVAL;
    }
    if (!rc) {
        rc = nvo_bgp_pack(attrs, withdraw, NVO_BGP_AFI_L2VPN,
                          NVO_BGP_SAFI_EVPN, nlri, sizes, n, max_len, out);
    }
    free(nlri);
    free(sizes);
    return rc;
}
