/* hdrs.c: one parse of a frame's outer headers (Ethernet, tags, IPv4 or
 * IPv6 with extension headers, L4 ports).  See hdrs.h. */
#include "wire/hdrs.h"

#include <stddef.h>

#include "wire/cursor.h"
#include "wire/wire.h"

#define OFS(type, field) offsetof(struct type, field)

static void
clear__(struct nvo_hdrs *h, size_t len)
{
    *h = (struct nvo_hdrs) {
        .l3 = NVO_HDRS_NONE, .l4 = NVO_HDRS_NONE,
        .src = NVO_HDRS_NONE, .dst = NVO_HDRS_NONE, .ttl = NVO_HDRS_NONE,
        .len = (uint32_t) len,
    };
}

static enum nvo_hdrs_bad
fail__(struct nvo_hdrs *h, enum nvo_hdrs_bad why)
{
    h->bad = (uint8_t) why;
    return why;
}

/* The L4 ports at h->l4, for the protocols that start with them. */
static inline __attribute__((always_inline)) enum nvo_hdrs_bad
l4__(const uint8_t *f, size_t len, struct nvo_hdrs *h)
{
    if (h->later_frag || (h->proto != NVO_IPPROTO_UDP
                          && h->proto != NVO_IPPROTO_TCP
                          && h->proto != NVO_IPPROTO_SCTP)) {
        return NVO_HDRS_OK;
    }
    /* UDP, TCP and SCTP all start with source and destination port. */
    struct nvo_rd r = nvo_rd_init(f + h->l4, len - h->l4);
    h->sport = nvo_rd_u16(&r);
    h->dport = nvo_rd_u16(&r);
    if (!nvo_rd_ok(&r)) {
        h->sport = h->dport = 0;
        return fail__(h, NVO_HDRS_BAD_L4);
    }
    h->ports = true;
    return NVO_HDRS_OK;
}

/* The IP header at h->l3 (EtherType h->eth_type). */
static inline __attribute__((always_inline)) enum nvo_hdrs_bad
l3__(const uint8_t *f, size_t len, struct nvo_hdrs *h)
{
    size_t l3 = h->l3;
    struct nvo_rd r = nvo_rd_init(f + l3, len - l3);
    if (h->eth_type == NVO_ETH_TYPE_IPV4) {
        const uint8_t *ip = nvo_rd_take(&r, NVO_IPV4_LEN);
        if (!ip) {
            return fail__(h, NVO_HDRS_BAD_L3);
        }
        h->ip_version = 4;
        h->addr_len = 4;
        h->src = (uint16_t) (l3 + OFS(nvo_ipv4_header, src));
        h->dst = (uint16_t) (l3 + OFS(nvo_ipv4_header, dst));
        h->ttl = (uint16_t) (l3 + OFS(nvo_ipv4_header, ttl));
        h->ip_next = h->proto = ip[OFS(nvo_ipv4_header, proto)];
        uint8_t ver_ihl = ip[OFS(nvo_ipv4_header, ver_ihl)];
        size_t ihl = (size_t) (ver_ihl & 0x0f) * 4;
        if (ver_ihl >> 4 != 4 || ihl < NVO_IPV4_LEN
            || !nvo_rd_skip(&r, ihl - NVO_IPV4_LEN)) {
            return fail__(h, NVO_HDRS_BAD_L3);
        }
        uint16_t frag = nvo_rd16(ip + OFS(nvo_ipv4_header, frag_off));
        h->later_frag = (frag & NVO_IP_FRAG_OFF_MASK) != 0;
        if (!h->later_frag) {
            h->l4 = (uint16_t) (l3 + ihl);
        }
        return l4__(f, len, h);
    }
    if (h->eth_type == NVO_ETH_TYPE_IPV6) {
        const uint8_t *ip = nvo_rd_take(&r, NVO_IPV6_LEN);
        if (!ip) {
            return fail__(h, NVO_HDRS_BAD_L3);
        }
        h->ip_version = 6;
        h->addr_len = 16;
        h->src = (uint16_t) (l3 + OFS(nvo_ipv6_header, src));
        h->dst = (uint16_t) (l3 + OFS(nvo_ipv6_header, dst));
        h->ttl = (uint16_t) (l3 + OFS(nvo_ipv6_header, hop_limit));
        h->ip_next = h->proto = ip[OFS(nvo_ipv6_header, next_hdr)];
        if (ip[0] >> 4 != 6) {          /* the version nibble */
            return fail__(h, NVO_HDRS_BAD_L3);
        }
        switch (h->ip_next) {
        case NVO_IPPROTO_HOPOPTS: case NVO_IPPROTO_ROUTING:
        case NVO_IPPROTO_FRAGMENT: case NVO_IPPROTO_DSTOPTS: {
            uint8_t proto;
            size_t ofs;
            bool later;
            if (nvo_ipv6_skip_ext(ip, len - l3, &proto, &ofs, &later)) {
                return fail__(h, NVO_HDRS_BAD_EXT);
            }
            h->proto = proto;
            h->later_frag = later;
            if (!later) {
                h->l4 = (uint16_t) (l3 + ofs);
            }
            break;
        }
        default:
            h->l4 = (uint16_t) (l3 + NVO_IPV6_LEN);
            break;
        }
        return l4__(f, len, h);
    }
    return NVO_HDRS_OK;
}

static inline __attribute__((always_inline)) enum nvo_hdrs_bad
parse_eth__(const void *frame, size_t len, struct nvo_hdrs *h)
{
    const uint8_t *f = frame;
    len = NVO_MIN(len, (size_t) NVO_HDRS_NONE - 1);
    clear__(h, len);
    struct nvo_rd r = nvo_rd_init(f, len);
    const uint8_t *eth = nvo_rd_take(&r, NVO_ETH_LEN);
    if (!eth) {
        return fail__(h, NVO_HDRS_BAD_L2);
    }
    uint16_t type = nvo_rd16(eth + OFS(nvo_eth_header, type));
    while (type == NVO_ETH_TYPE_VLAN || type == NVO_ETH_TYPE_QINQ) {
        const uint8_t *tag = nvo_rd_take(&r, NVO_VLAN_LEN);
        if (!tag) {
            return fail__(h, NVO_HDRS_BAD_L2);
        }
        if (h->n_vlans < NVO_ARRAY_SIZE(h->vid)) {
            h->vid[h->n_vlans] = nvo_rd16(tag + OFS(nvo_vlan_header, tci))
                                 & 0xfff;
        }
        if (h->n_vlans < UINT8_MAX) {
            h->n_vlans++;
        }
        type = nvo_rd16(tag + OFS(nvo_vlan_header, type));
    }
    h->eth_type = type;
    h->l3 = (uint16_t) nvo_rd_ofs(&r, f);
    return l3__(f, len, h);
}

enum nvo_hdrs_bad
nvo_hdrs_parse_eth(const void *frame, size_t len, struct nvo_hdrs *h)
{
    return parse_eth__(frame, len, h);
}

enum nvo_hdrs_bad
nvo_hdrs_parse_ip(const void *frame, size_t len, struct nvo_hdrs *h)
{
    const uint8_t *f = frame;
    len = NVO_MIN(len, (size_t) NVO_HDRS_NONE - 1);
    clear__(h, len);
    h->l3 = 0;
    if (!len) {
        return fail__(h, NVO_HDRS_BAD_L3);
    }
    uint8_t v = f[0] >> 4;
    h->eth_type = v == 4 ? NVO_ETH_TYPE_IPV4
                : v == 6 ? NVO_ETH_TYPE_IPV6 : 0;
    if (!h->eth_type) {
        return fail__(h, NVO_HDRS_BAD_L3);
    }
    return l3__(f, len, h);
}

uint32_t
nvo_hdrs_l2_len(const void *frame, size_t len)
{
    struct nvo_rd r = nvo_rd_init(frame, len);
    const uint8_t *eth = nvo_rd_take(&r, NVO_ETH_LEN);
    if (!eth) {
        return NVO_ETH_LEN;
    }
    uint16_t type = nvo_rd16(eth + OFS(nvo_eth_header, type));
    const uint8_t *tag;
    while ((type == NVO_ETH_TYPE_VLAN || type == NVO_ETH_TYPE_QINQ)
           && (tag = nvo_rd_take(&r, NVO_VLAN_LEN)) != NULL) {
        type = nvo_rd16(tag + OFS(nvo_vlan_header, type));
    }
    return (uint32_t) nvo_rd_ofs(&r, frame);
}

const char *
nvo_hdrs_bad_name(enum nvo_hdrs_bad b)
{
    static const char *const names[] = { "ok", "l2", "l3", "ext", "l4" };
    return (size_t) b < NVO_ARRAY_SIZE(names) ? names[b] : "?";
}
