/* hdrs.h: a frame's outer headers, parsed once.
 *
 * nvo_hdrs_parse() walks Ethernet, any number of 802.1Q / 802.1ad tags,
 * IPv4 or IPv6 (with its extension headers) and the first 4 bytes of a
 * UDP, TCP or SCTP header, and records where each header starts and the
 * fields forwarding needs.  It reads only the packet's real bytes, through
 * the bounds-checked cursor (wire/cursor.h) and the wire.h header structs;
 * it copies no addresses (they are offsets into the frame) and allocates
 * nothing, so it is cheap enough to run once per frame per hop.
 *
 * How a switch uses it: parse once where the frame enters the node,
 *     struct nvo_hdrs h;
 *     nvo_hdrs_parse(p, &h);
 * then hand &h to everything that looks at the frame on that hop:
 * nvo_ecmp_select_hdrs(ecmp, p, &h, n, rng) for the next hop, h.l3 /
 * frame + h.dst (h.addr_len bytes) for the route lookup,
 * nvo_hdrs_ttl_dec(p->data, &h) for the TTL, and h.ip_version == 0 to
 * drop what is not IP (set whenever the 20 / 40 bytes of an IPv4 / IPv6
 * header are there, as net.c's outer_l3__ decides today; h.bad tells
 * more).  A frame changed in place
 * (TTL written) keeps its offsets; one pushed or pulled needs a new parse.
 *
 * Offsets count from the first real byte (p->data), not from p->base as
 * the pkt.h offsets do. */
#ifndef NVO_WIRE_HDRS_H
#define NVO_WIRE_HDRS_H

#include <stddef.h>

#include "core/nvo.h"
#include "wire/pkt.h"
#include "wire/wire.h"

#define NVO_HDRS_NONE UINT16_MAX

/* Why a parse stopped early.  A non-IP frame (ARP, MPLS, LLDP) is not
 * bad: its eth_type tells it, and l3 points after the tags. */
enum nvo_hdrs_bad {
    NVO_HDRS_OK,
    NVO_HDRS_BAD_L2,            /* Ethernet header or a tag truncated */
    NVO_HDRS_BAD_L3,            /* IP header truncated or invalid (version,
                                 * IHL < 5, IHL beyond the bytes) */
    NVO_HDRS_BAD_EXT,           /* IPv6 extension header truncated or more
                                 * than 8 of them */
    NVO_HDRS_BAD_L4,            /* fewer than 4 bytes of UDP/TCP/SCTP */
};

struct nvo_hdrs {
    uint16_t l3;                /* after the tags; NONE if L2 is bad */
    uint16_t l4;                /* upper-layer header (after IPv6 extension
                                 * headers); NONE if none, a later fragment,
                                 * or the IP header is bad */
    uint16_t eth_type;          /* EtherType after the tags; 0 if bad L2 */
    uint8_t n_vlans;            /* tags seen (all of them are skipped) */
    uint8_t ip_version;         /* 4 or 6 when 20 / 40 bytes of IP header
                                 * are there; 0 otherwise */
    uint16_t vid[2];            /* VLAN ids of the first two tags,
                                 * outermost first; 0 if absent */
    uint8_t ip_next;            /* the IP header's Protocol / Next Header
                                 * field as on the wire */
    uint8_t proto;              /* upper-layer protocol after IPv6
                                 * extension headers (= ip_next for v4) */
    uint8_t addr_len;           /* 4 or 16; 0 without IP */
    bool later_frag;            /* a non-first fragment: no L4 header */
    bool ports;                 /* sport/dport hold UDP/TCP/SCTP ports */
    uint8_t bad;                /* enum nvo_hdrs_bad */
    uint16_t src, dst;          /* IP source / destination address */
    uint16_t ttl;               /* IPv4 TTL or IPv6 Hop Limit byte */
    uint16_t sport, dport;      /* host order */
    uint32_t len;               /* real bytes the parse covered */
};


/* The same over 'len' bytes at 'frame', which starts with Ethernet
 * (nvo_hdrs_parse_eth) or directly with an IP header, told apart by its
 * version nibble (nvo_hdrs_parse_ip: eth_type is then set from the
 * version, l3 is 0 and n_vlans 0).  'len' above 65534 is cut to 65534. */
enum nvo_hdrs_bad nvo_hdrs_parse_eth(const void *frame, size_t len,
                                     struct nvo_hdrs *h);
enum nvo_hdrs_bad nvo_hdrs_parse_ip(const void *frame, size_t len,
                                    struct nvo_hdrs *h);

/* Parses the frame at p->data (p->size real bytes; the virtual payload is
 * never read).  Always fills every field (NONE / 0 where absent).
 * Returns h->bad.
 *
 * Inline, for the hop's one parse: the frames a fabric carries almost all
 * are untagged Ethernet with IPv4 without options or fragment offset, or
 * IPv6 without extension headers, and a UDP / TCP / SCTP (or other)
 * header; those are filled here in one go, with the values the full walk
 * (nvo_hdrs_parse_eth()) gives them, and everything else goes to it
 * (tests/test_hdrs.c compares the two on every truncation of its
 * frames). */
static inline enum nvo_hdrs_bad
nvo_hdrs_parse(const struct nvo_pkt *p, struct nvo_hdrs *h)
{
    const uint8_t *f = p->data;
    uint32_t len = p->size;
    enum {
        ETH = NVO_ETH_LEN,
        V4 = NVO_ETH_LEN + NVO_IPV4_LEN,
        V6 = NVO_ETH_LEN + NVO_IPV6_LEN,
    };
    if (NVO_LIKELY(len >= V4 + 4 && len < NVO_HDRS_NONE)) {
        uint16_t type = nvo_rd16(f + offsetof(struct nvo_eth_header, type));
        const uint8_t *ip = f + ETH;
        uint8_t proto;
        bool ports;
        if (type == NVO_ETH_TYPE_IPV4
            && ip[offsetof(struct nvo_ipv4_header, ver_ihl)] == 0x45
            && !(nvo_rd16(ip + offsetof(struct nvo_ipv4_header, frag_off))
                 & NVO_IP_FRAG_OFF_MASK)) {
            proto = ip[offsetof(struct nvo_ipv4_header, proto)];
            ports = proto == NVO_IPPROTO_UDP || proto == NVO_IPPROTO_TCP
                    || proto == NVO_IPPROTO_SCTP;
            *h = (struct nvo_hdrs) {
                .l3 = ETH, .l4 = V4, .eth_type = NVO_ETH_TYPE_IPV4,
                .ip_version = 4, .ip_next = proto, .proto = proto,
                .addr_len = 4, .ports = ports,
                .src = ETH + offsetof(struct nvo_ipv4_header, src),
                .dst = ETH + offsetof(struct nvo_ipv4_header, dst),
                .ttl = ETH + offsetof(struct nvo_ipv4_header, ttl),
                .sport = ports ? nvo_rd16(f + V4) : 0,
                .dport = ports ? nvo_rd16(f + V4 + 2) : 0,
                .len = len,
            };
            return NVO_HDRS_OK;
        }
        if (type == NVO_ETH_TYPE_IPV6 && len >= V6 + 4
            && ip[0] >> 4 == 6) {
            proto = ip[offsetof(struct nvo_ipv6_header, next_hdr)];
            if (proto != NVO_IPPROTO_HOPOPTS && proto != NVO_IPPROTO_ROUTING
                && proto != NVO_IPPROTO_FRAGMENT
                && proto != NVO_IPPROTO_DSTOPTS) {
                ports = proto == NVO_IPPROTO_UDP || proto == NVO_IPPROTO_TCP
                        || proto == NVO_IPPROTO_SCTP;
                *h = (struct nvo_hdrs) {
                    .l3 = ETH, .l4 = V6, .eth_type = NVO_ETH_TYPE_IPV6,
                    .ip_version = 6, .ip_next = proto, .proto = proto,
                    .addr_len = 16, .ports = ports,
                    .src = ETH + offsetof(struct nvo_ipv6_header, src),
                    .dst = ETH + offsetof(struct nvo_ipv6_header, dst),
                    .ttl = ETH + offsetof(struct nvo_ipv6_header, hop_limit),
                    .sport = ports ? nvo_rd16(f + V6) : 0,
                    .dport = ports ? nvo_rd16(f + V6 + 2) : 0,
                    .len = len,
                };
                return NVO_HDRS_OK;
            }
        }
    }
    return nvo_hdrs_parse_eth(f, len, h);
}

/* Decrements the TTL (IPv4, updating the header checksum incrementally,
 * RFC 1624 eqn. 3) or the Hop Limit (IPv6) of the frame at 'frame' parsed
 * into 'h' (h->ip_version 4 or 6).  Returns false, changing nothing, if
 * it is 1 or 0 already (the router drops the packet, RFC 791 / 8200). */
static inline bool
nvo_hdrs_ttl_dec(uint8_t *frame, const struct nvo_hdrs *h)
{
    uint8_t *ttl = frame + h->ttl;
    if (*ttl <= 1) {
        return false;
    }
    (*ttl)--;
    if (h->ip_version == 4) {
        /* HC' = ~(~HC + ~m + m') for the 16-bit word TTL | protocol,
         * whose TTL byte went down by one. */
        uint8_t *ip = frame + h->l3;
        uint16_t m_new = nvo_rd16(ip + offsetof(struct nvo_ipv4_header, ttl));
        uint8_t *csum = ip + offsetof(struct nvo_ipv4_header, csum);
        uint32_t sum = (uint16_t) ~nvo_rd16(csum)
                       + (uint16_t) ~(uint16_t) (m_new + 0x100) + m_new;
        sum = (sum & 0xffff) + (sum >> 16);
        sum = (sum & 0xffff) + (sum >> 16);
        nvo_wr16(csum, (uint16_t) ~sum);
    }
    return true;
}

/* Length of the Ethernet header and the complete 802.1Q / 802.1ad tags
 * at the start of 'len' bytes at 'frame': 14 + 4 per tag, where a tag
 * counts only if all of its 4 bytes are there; 14 for a frame shorter
 * than that.  What a link takes off a frame's length for the MTU. */
uint32_t nvo_hdrs_l2_len(const void *frame, size_t len);

/* "ok", "l2", "l3", "ext", "l4". */
const char *nvo_hdrs_bad_name(enum nvo_hdrs_bad);

#endif /* NVO_WIRE_HDRS_H */
