/* flow.c: flow key extraction and the flow hash.  See flow.h.
 *
 * Parsing goes through the wire.h decoders, which check every length, so
 * a truncated frame yields the fields before the truncation and EBADMSG.
 * The hash is MurmurHash3's 32-bit block mixing and finalizer (Austin
 * Appleby, public domain), fed with 32-bit words of the key. */
#include "wire/flow.h"

#include <errno.h>

#include "wire/wire.h"

int
nvo_flow_extract(const void *frame, size_t len, struct nvo_flow *flow)
{
    const uint8_t *b = frame;
    struct nvo_l2_info l2;

    memset(flow, 0, sizeof *flow);
    if (nvo_l2_decode(b, len, &l2)) {
        return EBADMSG;
    }
    memcpy(flow->dl_src, l2.eth.src, sizeof flow->dl_src);
    memcpy(flow->dl_dst, l2.eth.dst, sizeof flow->dl_dst);
    flow->dl_type = l2.type;
    flow->vlan_vid = l2.n_vlans ? l2.vlans[0].vid : 0;
    b += l2.len;
    len -= l2.len;

    size_t l4_ofs;
    if (l2.type == NVO_ETH_TYPE_IPV4) {
        struct nvo_ipv4_info ip;
        if (nvo_ipv4_decode(b, len, &ip)) {
            return EBADMSG;
        }
        flow->ip_version = 4;
        flow->nw_proto = ip.proto;
        flow->nw_tos = ip.tos;
        flow->ip4_src = ip.src;
        flow->ip4_dst = ip.dst;
        flow->later_frag = (ip.frag_off & NVO_IP_FRAG_OFF_MASK) != 0;
        l4_ofs = ip.hdr_len;
    } else if (l2.type == NVO_ETH_TYPE_IPV6) {
        struct nvo_ipv6_info ip;
        uint8_t proto;
        bool later_frag;
        if (nvo_ipv6_decode(b, len, &ip)) {
            return EBADMSG;
        }
        flow->ip_version = 6;
        flow->nw_tos = ip.tclass;
        memcpy(flow->ip6_src, ip.src, sizeof flow->ip6_src);
        memcpy(flow->ip6_dst, ip.dst, sizeof flow->ip6_dst);
        flow->nw_proto = ip.next_hdr;
        if (nvo_ipv6_skip_ext(b, len, &proto, &l4_ofs, &later_frag)) {
            return EBADMSG;
        }
        flow->nw_proto = proto;
        flow->later_frag = later_frag;
    } else {
        return 0;
    }

    if (flow->later_frag
        || (flow->nw_proto != NVO_IPPROTO_TCP
            && flow->nw_proto != NVO_IPPROTO_UDP
            && flow->nw_proto != NVO_IPPROTO_SCTP)) {
        return 0;
    }
    /* Source and destination ports are the first 4 bytes of all three. */
    if (len - l4_ofs < 4) {
        return EBADMSG;
    }
    flow->tp_src = nvo_rd16(b + l4_ofs);
    flow->tp_dst = nvo_rd16(b + l4_ofs + 2);
    return 0;
}

int
nvo_flow_extract_pkt(const struct nvo_pkt *p, struct nvo_flow *flow)
{
    const uint8_t *start = p->l2_ofs != NVO_PKT_OFS_NONE
                           ? p->base + p->l2_ofs : p->data;
    const uint8_t *end = p->data + p->size;
    if (start < p->data || start > end) {
        memset(flow, 0, sizeof *flow);
        return EBADMSG;
    }
    return nvo_flow_extract(start, (size_t) (end - start), flow);
}

static inline uint32_t
rotl32__(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

/* One MurmurHash3 block. */
static inline uint32_t
hash_add__(uint32_t h, uint32_t data)
{
    data *= 0xcc9e2d51u;
    data = rotl32__(data, 15);
    data *= 0x1b873593u;
    h ^= data;
    h = rotl32__(h, 13);
    return h * 5 + 0xe6546b64u;
}

/* MurmurHash3's finalizer, after mixing in the number of bytes hashed. */
static inline uint32_t
hash_finish__(uint32_t h, uint32_t n_bytes)
{
    h ^= n_bytes;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static uint32_t
hash_bytes16__(uint32_t h, const uint8_t b[16])
{
    for (int i = 0; i < 16; i += 4) {
        h = hash_add__(h, nvo_rd32(b + i));
    }
    return h;
}

uint32_t
nvo_flow_hash(const struct nvo_flow *f, uint32_t basis)
{
    uint32_t h = basis;

    if (f->ip_version == 4) {
        h = hash_add__(h, f->ip4_src);
        h = hash_add__(h, f->ip4_dst);
        h = hash_add__(h, ((uint32_t) f->tp_src << 16) | f->tp_dst);
        h = hash_add__(h, f->nw_proto);
        return hash_finish__(h, 16);
    } else if (f->ip_version == 6) {
        h = hash_bytes16__(h, f->ip6_src);
        h = hash_bytes16__(h, f->ip6_dst);
        h = hash_add__(h, ((uint32_t) f->tp_src << 16) | f->tp_dst);
        h = hash_add__(h, f->nw_proto);
        return hash_finish__(h, 40);
    }
    h = hash_add__(h, nvo_rd32(f->dl_src));
    h = hash_add__(h, ((uint32_t) nvo_rd16(f->dl_src + 4) << 16)
                      | nvo_rd16(f->dl_dst));
    h = hash_add__(h, nvo_rd32(f->dl_dst + 2));
    h = hash_add__(h, ((uint32_t) f->dl_type << 16) | f->vlan_vid);
    return hash_finish__(h, 16);
}
