/* bgp_pack.h: packing routes that share their path attributes into as
 * few UPDATE messages as fit a maximum message size (4096 bytes, or
 * 65535 with extended messages, RFC 8654), in the order given.
 *
 * The arithmetic (docs/bgp-wire.md): an UPDATE of k routes of sizes
 * s_1..s_k announced in MP_REACH_NLRI is
 *   23 (header 19, withdrawn length 2, attribute length 2)
 *   + the other attributes (nvo_bgp_attrs_size without MP_REACH)
 *   + MP_REACH: 3 (4 when its value exceeds 255 bytes) + AFI 2 + SAFI 1
 *     + next-hop length 1 + next hop + reserved 1 + sum(s_i)
 * and a withdrawal carries only MP_UNREACH_NLRI: 23 + 3 (or 4) + AFI 2 +
 * SAFI 1 + sum(s_i).  With ORIGIN, an empty AS_PATH, LOCAL_PREF, two
 * extended communities and an IPv4 next hop the fixed part is 69 bytes,
 * so floor((4096 - 69) / 39) = 103 MAC+IPv4 type-2 routes fit. */
#ifndef NVO_WIRE_BGP_PACK_H
#define NVO_WIRE_BGP_PACK_H

#include "core/nvo.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"

/* Messages back to back in 'buf'; message i is at ofs[i], of length
 * ofs[i + 1] - ofs[i]. */
struct nvo_bgp_msgs {
    uint8_t *buf;
    size_t len;                 /* bytes of all messages */
    size_t n;                   /* messages */
    size_t *ofs;                /* n + 1 offsets */
    size_t n_routes;            /* routes packed */
};

void nvo_bgp_msgs_free(struct nvo_bgp_msgs *);

/* Bytes of an UPDATE with 'nlri_bytes' of NLRI in MP_REACH (withdraw
 * false; 'attrs' its other attributes and the MP_REACH next hop) or in
 * MP_UNREACH alone (withdraw true; attrs unused). */
size_t nvo_bgp_pack_msg_size(const struct nvo_bgp_attrs *attrs, bool withdraw,
                             size_t nlri_bytes);

/* How many routes of 'route_size' bytes each fit in one UPDATE of at most
 * 'max_len' bytes (0 if not even one). */
size_t nvo_bgp_pack_capacity(const struct nvo_bgp_attrs *attrs, bool withdraw,
                             size_t route_size, size_t max_len);

/* Packs 'n' NLRI of AFI/SAFI (encoded back to back in 'nlri', route i of
 * sizes[i] bytes) into UPDATEs: announced with 'attrs' (its present bits
 * and values; MP_REACH is added with attrs->mp_nh, mp_nh_len; its own
 * mp_nlri and MP_UNREACH are ignored) or withdrawn (only MP_UNREACH_NLRI,
 * RFC 4760 4).  Each message takes as many routes, in order, as fit
 * 'max_len' (NVO_BGP_MAX_LEN or up to NVO_BGP_EXT_MAX_LEN).  Returns 0
 * and *out (free with nvo_bgp_msgs_free), EMSGSIZE if one route alone
 * does not fit, EINVAL for n == 0 or max_len out of 19..65535, ENOMEM. */
int nvo_bgp_pack(const struct nvo_bgp_attrs *attrs, bool withdraw,
                 uint16_t afi, uint8_t safi, const uint8_t *nlri,
                 const uint16_t *sizes, size_t n, size_t max_len,
                 struct nvo_bgp_msgs *out);

/* nvo_bgp_pack for EVPN routes (AFI 25, SAFI 70), encoding them first.
 * EINVAL also for a route nvo_evpn_route_size refuses. */
int nvo_bgp_pack_evpn(const struct nvo_bgp_attrs *attrs, bool withdraw,
                      const struct nvo_evpn_route *routes, size_t n,
                      size_t max_len, struct nvo_bgp_msgs *out);

#endif /* NVO_WIRE_BGP_PACK_H */
