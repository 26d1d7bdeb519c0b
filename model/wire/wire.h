/* wire.h: wire-format headers, encode and decode.
 *
 * Scope: the headers an overlay frame is made of, as typed big-endian
 * structs with their RFC bit diagrams:
 *   Ethernet II and IEEE 802.1Q tags, ARP (RFC 826), IPv4 (RFC 791) with
 *   the internet checksum (RFC 1071) and the TCP/UDP pseudo-header, IPv6
 *   (RFC 8200), UDP (RFC 768), TCP (RFC 9293), GRE (RFC 2784, key and
 *   sequence number of RFC 2890), VXLAN (RFC 7348 section 5) and the
 *   VXLAN-GPE flags and next protocol (draft-ietf-nvo3-vxlan-gpe), Geneve
 *   (RFC 8926 section 3.4/3.5, with option TLVs), NVGRE (RFC 7637 section
 *   3.2), STT (draft-davie-stt-08 sections 3.1-3.3, header and the reuse of
 *   the TCP header) and MPLS label stack entries (RFC 3032 section 2.1,
 *   reserved labels of RFC 7274, entropy labels of RFC 6790).
 * Plus: building a tenant test frame into a packet, setting a packet's
 * header offsets from its bytes, and a one-line summary for traces.
 *
 * Conventions.  Each header has a struct of nvo_be16 / nvo_16aligned_be32 /
 * uint8_t fields (so it may sit at any even offset inside an encapsulated
 * frame), an NVO_xxx_LEN macro checked by _Static_assert, and a host-order
 * "info" struct.  nvo_xxx_encode(hdr, info) writes the header (hdr need
 * not be aligned); nvo_xxx_decode(buf, len, info) checks that 'len' holds
 * the header the RFC allows and its fixed fields are valid, and returns 0
 * or EBADMSG (info is then unspecified).  Decoders never read past 'len'.
 *
 * Left out: IPv4 options are skipped, not interpreted (encode writes none);
 * TCP options likewise; IPv6 extension headers only where noted; GRE
 * routing (RFC 1701) and version 1 (PPTP); VXLAN-GPE's O bit semantics. */
#ifndef NVO_WIRE_H
#define NVO_WIRE_H

#include "core/nvo.h"
#include "wire/pkt.h"

/* ---- Numbers ------------------------------------------------------------ */

/* Ethertypes (IEEE registry). */
#define NVO_ETH_TYPE_IPV4       0x0800
#define NVO_ETH_TYPE_ARP        0x0806
#define NVO_ETH_TYPE_VLAN       0x8100  /* 802.1Q C-tag */
#define NVO_ETH_TYPE_QINQ       0x88a8  /* 802.1ad S-tag */
#define NVO_ETH_TYPE_IPV6       0x86dd
#define NVO_ETH_TYPE_MPLS       0x8847  /* MPLS unicast */
#define NVO_ETH_TYPE_MPLS_MC    0x8848  /* MPLS multicast */
#define NVO_ETH_TYPE_TEB        0x6558  /* Transparent Ethernet Bridging */
#define NVO_ETH_TYPE_LLDP       0x88cc
#define NVO_ETH_TYPE_MIN        0x0600  /* below: an 802.3 length */

/* IP protocol numbers (IANA). */
#define NVO_IPPROTO_HOPOPTS     0
#define NVO_IPPROTO_ICMP        1
#define NVO_IPPROTO_IGMP        2
#define NVO_IPPROTO_IPIP        4
#define NVO_IPPROTO_TCP         6
#define NVO_IPPROTO_UDP         17
#define NVO_IPPROTO_IPV6        41
#define NVO_IPPROTO_ROUTING     43
#define NVO_IPPROTO_FRAGMENT    44
#define NVO_IPPROTO_GRE         47
#define NVO_IPPROTO_ICMPV6      58
#define NVO_IPPROTO_NONE        59
#define NVO_IPPROTO_DSTOPTS     60
#define NVO_IPPROTO_PIM         103
#define NVO_IPPROTO_SCTP        132
#define NVO_IPPROTO_MPLS        137     /* MPLS in IP, RFC 4023 */

/* Well-known ports (IANA). */
#define NVO_PORT_BGP            179
#define NVO_PORT_LDP            646
#define NVO_PORT_VXLAN          4789    /* RFC 7348 */
#define NVO_PORT_VXLAN_GPE      4790
#define NVO_PORT_GRE_UDP        4754    /* RFC 8086 */
#define NVO_PORT_GENEVE         6081    /* RFC 8926 */
#define NVO_PORT_MPLS_UDP       6635    /* RFC 7510 */
#define NVO_PORT_STT            7471    /* draft-davie-stt */

/* ---- Internet checksum (RFC 1071) --------------------------------------- */

/* Adds 'len' bytes at 'data' to the one's-complement partial sum 'sum'
 * (start from 0).  Bytes are taken as big-endian 16-bit words; when 'len'
 * is odd the last byte is padded with a zero.  Only the last piece of a
 * checksummed area may have an odd length.  Zero bytes add nothing, so a
 * virtual (zero-filled) payload needs no summing. */
uint32_t nvo_csum_add(uint32_t sum, const void *data, size_t len);

/* Folds a partial sum to 16 bits and complements it: the value to store
 * in a checksum field (host order; write it with nvo_htons / nvo_wr16).
 * Over data that includes a correct checksum field the result is 0. */
uint16_t nvo_csum_finish(uint32_t sum);

/* nvo_csum_finish(nvo_csum_add(0, data, len)). */
uint16_t nvo_inet_csum(const void *data, size_t len);

/* Partial sums of the TCP/UDP pseudo-headers (RFC 9293 section 3.1,
 * RFC 8200 section 8.1).  'src'/'dst' IPv4 addresses in host order. */
uint32_t nvo_csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto,
                              uint32_t l4_len);
uint32_t nvo_csum_pseudo_ipv6(const uint8_t src[16], const uint8_t dst[16],
                              uint8_t proto, uint32_t l4_len);

/* TCP or UDP checksum of the segment at 'l4' whose IP header (v4 or v6,
 * told apart by the version nibble) is at 'l3': 'real_len' real bytes
 * followed by zeros up to 'l4_len' bytes in all, with the pseudo-header
 * for protocol 'proto'.  Computed with the checksum field as it is: to
 * fill it in, zero it first and store the result (a UDP result of 0 is
 * sent as 0xffff); over a segment with a correct checksum the result is
 * 0. */
uint16_t nvo_l4_csum(const void *l3, uint8_t proto, const void *l4,
                     size_t real_len, uint32_t l4_len);

/* ---- Ethernet ----------------------------------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Destination MAC address                     |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                     Source MAC address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_ETH_ADDR_LEN 6
#define NVO_ETH_LEN 14
struct nvo_eth_header {
    uint8_t dst[NVO_ETH_ADDR_LEN];
    uint8_t src[NVO_ETH_ADDR_LEN];
    nvo_be16 type;
};
_Static_assert(sizeof(struct nvo_eth_header) == NVO_ETH_LEN, "eth");

struct nvo_eth_info {
    uint8_t dst[NVO_ETH_ADDR_LEN];
    uint8_t src[NVO_ETH_ADDR_LEN];
    uint16_t type;
};

void nvo_eth_encode(void *hdr, const struct nvo_eth_info *);
int nvo_eth_decode(const void *buf, size_t len, struct nvo_eth_info *);

/* IEEE 802.1Q tag: the TPID (0x8100) is the Ethernet type before it; the
 * 4 bytes here follow the MAC addresses' type field.
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | PCP |D|        VLAN ID        |        Inner EtherType        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_VLAN_LEN 4
#define NVO_VLAN_VID_MAX 4094   /* 4095 is reserved */
struct nvo_vlan_header {
    nvo_be16 tci;
    nvo_be16 type;
};
_Static_assert(sizeof(struct nvo_vlan_header) == NVO_VLAN_LEN, "vlan");

struct nvo_vlan_info {
    uint8_t pcp;                /* 3 bits */
    bool dei;
    uint16_t vid;               /* 12 bits */
    uint16_t type;              /* EtherType after the tag */
};

void nvo_vlan_encode(void *hdr, const struct nvo_vlan_info *);
int nvo_vlan_decode(const void *buf, size_t len, struct nvo_vlan_info *);

/* An Ethernet header with up to two VLAN tags (802.1ad S-tag 0x88a8 or
 * C-tag 0x8100), as a switch parses it. */
struct nvo_l2_info {
    struct nvo_eth_info eth;    /* eth.type is the first type field */
    uint8_t n_vlans;
    struct nvo_vlan_info vlans[2];  /* outermost first */
    uint16_t type;              /* EtherType after the tags */
    uint16_t len;               /* 14 + 4 per tag */
};
int nvo_l2_decode(const void *buf, size_t len, struct nvo_l2_info *);

/* ---- ARP (RFC 826), Ethernet / IPv4 only -------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Hardware type (1)         |     Protocol type (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HLEN (6)     |   PLEN (4)    |          Operation            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Sender hardware address (6) ...                        |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | Sender protocol address (4)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                               | Target hardware address (6)   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Target protocol address (4)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_ARP_LEN 28
#define NVO_ARP_OP_REQUEST 1
#define NVO_ARP_OP_REPLY 2
struct nvo_arp_header {
    nvo_be16 htype;
    nvo_be16 ptype;
    uint8_t hlen;
    uint8_t plen;
    nvo_be16 op;
    uint8_t sha[NVO_ETH_ADDR_LEN];
    nvo_16aligned_be32 spa;
    uint8_t tha[NVO_ETH_ADDR_LEN];
    nvo_16aligned_be32 tpa;
};
_Static_assert(sizeof(struct nvo_arp_header) == NVO_ARP_LEN, "arp");

struct nvo_arp_info {
    uint16_t op;
    uint8_t sha[NVO_ETH_ADDR_LEN];
    uint32_t spa;               /* host order */
    uint8_t tha[NVO_ETH_ADDR_LEN];
    uint32_t tpa;
};

/* Encode writes htype 1, ptype 0x0800, hlen 6, plen 4; decode rejects
 * anything else. */
void nvo_arp_encode(void *hdr, const struct nvo_arp_info *);
int nvo_arp_decode(const void *buf, size_t len, struct nvo_arp_info *);

/* ---- IPv4 (RFC 791) ----------------------------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_IPV4_LEN 20
#define NVO_IPV4_MAX_LEN 60
#define NVO_IP_RF 0x8000            /* reserved ("evil") bit */
#define NVO_IP_DF 0x4000
#define NVO_IP_MF 0x2000
#define NVO_IP_FRAG_OFF_MASK 0x1fff /* in 8-byte units */
struct nvo_ipv4_header {
    uint8_t ver_ihl;
    uint8_t tos;
    nvo_be16 tot_len;
    nvo_be16 id;
    nvo_be16 frag_off;
    uint8_t ttl;
    uint8_t proto;
    nvo_be16 csum;
    nvo_16aligned_be32 src;
    nvo_16aligned_be32 dst;
};
_Static_assert(sizeof(struct nvo_ipv4_header) == NVO_IPV4_LEN, "ipv4");

struct nvo_ipv4_info {
    uint8_t hdr_len;            /* decode: IHL * 4; encode writes 20 */
    uint8_t tos;
    uint16_t tot_len;
    uint16_t id;
    uint16_t frag_off;          /* flags and offset, as on the wire */
    uint8_t ttl;
    uint8_t proto;
    uint16_t csum;              /* decode: as received; encode computes it */
    uint32_t src, dst;          /* host order */
};

/* Writes a 20-byte header (IHL 5) with a correct header checksum. */
void nvo_ipv4_encode(void *hdr, const struct nvo_ipv4_info *);
/* Rejects: fewer than 20 bytes, version != 4, IHL < 5, IHL * 4 > len,
 * total length < IHL * 4.  Does not check the checksum (see below) nor
 * the total length against 'len' (the payload may be virtual). */
int nvo_ipv4_decode(const void *buf, size_t len, struct nvo_ipv4_info *);
/* True if the IPv4 header of 'hdr_len' bytes at 'hdr' sums correctly. */
bool nvo_ipv4_csum_ok(const void *hdr, size_t hdr_len);

/* ---- IPv6 (RFC 8200) ---------------------------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |           Flow Label                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                  Source Address (128 bits)                    +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +               Destination Address (128 bits)                  +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_IPV6_LEN 40
#define NVO_IPV6_FLOW_LABEL_MASK 0xfffff
struct nvo_ipv6_header {
    nvo_16aligned_be32 ver_tc_fl;
    nvo_be16 payload_len;
    uint8_t next_hdr;
    uint8_t hop_limit;
    uint8_t src[16];
    uint8_t dst[16];
};
_Static_assert(sizeof(struct nvo_ipv6_header) == NVO_IPV6_LEN, "ipv6");

struct nvo_ipv6_info {
    uint8_t tclass;
    uint32_t flow_label;        /* 20 bits */
    uint16_t payload_len;
    uint8_t next_hdr;
    uint8_t hop_limit;
    uint8_t src[16], dst[16];
};

void nvo_ipv6_encode(void *hdr, const struct nvo_ipv6_info *);
/* Rejects: fewer than 40 bytes, version != 6. */
int nvo_ipv6_decode(const void *buf, size_t len, struct nvo_ipv6_info *);

/* Walks the extension headers (hop-by-hop 0, routing 43, fragment 44,
 * destination options 60) after the IPv6 header at 'buf' ('len' bytes
 * from that header).  Sets *proto to the upper-layer protocol and *l4_ofs
 * to its offset from 'buf'; *later_frag tells a non-first fragment (no
 * upper-layer header).  Returns 0, or EBADMSG if a header is truncated or
 * there are more than 8. */
int nvo_ipv6_skip_ext(const void *buf, size_t len, uint8_t *proto,
                      size_t *l4_ofs, bool *later_frag);

/* ---- UDP (RFC 768) ------------------------------------------------------ */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_UDP_LEN 8
struct nvo_udp_header {
    nvo_be16 sport;
    nvo_be16 dport;
    nvo_be16 len;
    nvo_be16 csum;
};
_Static_assert(sizeof(struct nvo_udp_header) == NVO_UDP_LEN, "udp");

struct nvo_udp_info {
    uint16_t sport, dport;
    uint16_t len;               /* header + data */
    uint16_t csum;              /* written and read as is */
};

void nvo_udp_encode(void *hdr, const struct nvo_udp_info *);
/* Rejects: fewer than 8 bytes, length field < 8. */
int nvo_udp_decode(const void *buf, size_t len, struct nvo_udp_info *);

/* ---- TCP (RFC 9293) ----------------------------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |     |N|C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsv |S|W|C|R|C|S|S|Y|I|            Window             |
 * |       |     | |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Options (data offset > 5)                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_TCP_LEN 20
#define NVO_TCP_MAX_LEN 60
#define NVO_TCP_FIN 0x001
#define NVO_TCP_SYN 0x002
#define NVO_TCP_RST 0x004
#define NVO_TCP_PSH 0x008
#define NVO_TCP_ACK 0x010
#define NVO_TCP_URG 0x020
#define NVO_TCP_ECE 0x040
#define NVO_TCP_CWR 0x080
#define NVO_TCP_NS  0x100
#define NVO_TCP_FLAGS_MASK 0x1ff
struct nvo_tcp_header {
    nvo_be16 sport;
    nvo_be16 dport;
    nvo_16aligned_be32 seq;
    nvo_16aligned_be32 ack;
    nvo_be16 off_flags;         /* data offset 4, reserved 3, flags 9 */
    nvo_be16 window;
    nvo_be16 csum;
    nvo_be16 urg;
};
_Static_assert(sizeof(struct nvo_tcp_header) == NVO_TCP_LEN, "tcp");

struct nvo_tcp_info {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t hdr_len;            /* data offset * 4: 20 + options */
    uint16_t flags;             /* NVO_TCP_* */
    uint16_t window;
    uint16_t csum;
    uint16_t urg;
};

/* Writes the 20 fixed bytes with data offset hdr_len / 4 (hdr_len 0 means
 * 20); the caller writes any options after them. */
void nvo_tcp_encode(void *hdr, const struct nvo_tcp_info *);
/* Rejects: fewer than 20 bytes, data offset < 5, data offset * 4 > len. */
int nvo_tcp_decode(const void *buf, size_t len, struct nvo_tcp_info *);

/* ---- GRE (RFC 2784, RFC 2890) ------------------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |C| |K|S| Reserved0       | Ver |         Protocol Type         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Checksum (optional)      |       Reserved1 (Optional)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         Key (optional)                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Sequence Number (Optional)                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_GRE_LEN 4               /* the base header */
#define NVO_GRE_MAX_LEN 16
#define NVO_GRE_C 0x8000
#define NVO_GRE_K 0x2000
#define NVO_GRE_S 0x1000
#define NVO_GRE_VER_MASK 0x0007
/* Bits 1, 4 and 5 (RFC 1701 routing, strict source route, recursion):
 * a receiver MUST discard a packet with any of them set (RFC 2784 2.3). */
#define NVO_GRE_MUST_BE_ZERO 0x4c00
struct nvo_gre_header {
    nvo_be16 flags;
    nvo_be16 proto;
};
_Static_assert(sizeof(struct nvo_gre_header) == NVO_GRE_LEN, "gre");

struct nvo_gre_info {
    bool csum_present, key_present, seq_present;
    uint16_t proto;
    uint16_t csum;              /* written and read as is */
    uint32_t key;
    uint32_t seq;
    uint8_t hdr_len;            /* decode: 4 + 4 per optional field */
};

/* Bytes nvo_gre_encode() writes for 'info': 4, 8, 12 or 16. */
size_t nvo_gre_hdr_len(const struct nvo_gre_info *);
/* Writes version 0 and the optional fields that are present. */
void nvo_gre_encode(void *hdr, const struct nvo_gre_info *);
/* Rejects: truncated, version != 0, any NVO_GRE_MUST_BE_ZERO bit. */
int nvo_gre_decode(const void *buf, size_t len, struct nvo_gre_info *);

/* ---- NVGRE (RFC 7637 section 3.2) --------------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0| |1|0|   Reserved0     | Ver |   Protocol Type 0x6558        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Virtual Subnet ID (VSID)        |    FlowID     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_NVGRE_LEN 8
#define NVO_NVGRE_VSID_MIN 0x1000   /* 0-0xfff reserved */
#define NVO_NVGRE_VSID_MAX 0xfffffe /* 0xffffff vendor-specific */
struct nvo_nvgre_header {
    nvo_be16 flags;
    nvo_be16 proto;
    nvo_16aligned_be32 key;
};
_Static_assert(sizeof(struct nvo_nvgre_header) == NVO_NVGRE_LEN, "nvgre");

struct nvo_nvgre_info {
    uint32_t vsid;              /* 24 bits */
    uint8_t flow_id;
};

/* Writes flags K, version 0, protocol 0x6558, key VSID << 8 | FlowID. */
void nvo_nvgre_encode(void *hdr, const struct nvo_nvgre_info *);
/* Rejects: fewer than 8 bytes, C or S set or K clear, version != 0, a
 * must-be-zero bit, protocol != 0x6558. */
int nvo_nvgre_decode(const void *buf, size_t len, struct nvo_nvgre_info *);

/* ---- VXLAN (RFC 7348 section 5) and VXLAN-GPE --------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |R|R|R|R|I|R|R|R|            Reserved           | Rsvd / GPE NP |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                VXLAN Network Identifier (VNI) |   Reserved    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * VXLAN-GPE (UDP 4790) also uses flag P (0x04, next protocol present) and
 * O (0x01, OAM), and the last byte of the first word as Next Protocol. */
#define NVO_VXLAN_LEN 8
#define NVO_VXLAN_F_I 0x08
#define NVO_VXLAN_GPE_F_P 0x04
#define NVO_VXLAN_GPE_F_O 0x01
#define NVO_VXLAN_GPE_NP_IPV4 1
#define NVO_VXLAN_GPE_NP_IPV6 2
#define NVO_VXLAN_GPE_NP_ETH 3
#define NVO_VNI_MAX 0xffffff
struct nvo_vxlan_header {
    nvo_16aligned_be32 flags;   /* flags 8, reserved 16, GPE next proto 8 */
    nvo_16aligned_be32 vni;     /* VNI 24, reserved 8 */
};
_Static_assert(sizeof(struct nvo_vxlan_header) == NVO_VXLAN_LEN, "vxlan");

struct nvo_vxlan_info {
    uint8_t flags;              /* NVO_VXLAN_F_I for VXLAN */
    uint8_t next_proto;         /* VXLAN-GPE; 0 (reserved) for VXLAN */
    uint32_t vni;               /* 24 bits */
};

void nvo_vxlan_encode(void *hdr, const struct nvo_vxlan_info *);
/* Rejects: fewer than 8 bytes, I flag clear (no valid VNI). */
int nvo_vxlan_decode(const void *buf, size_t len, struct nvo_vxlan_info *);

/* ---- Geneve (RFC 8926 sections 3.4, 3.5) -------------------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Virtual Network Identifier (VNI)       |    Reserved   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Variable-Length Options                    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Option:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Option Class         |      Type     |R|R|R| Length  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Variable-Length Option Data                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Opt Len and Length count 4-byte words; the top bit of Type is the
 * critical bit. */
#define NVO_GENEVE_LEN 8
#define NVO_GENEVE_OPTS_MAX 252     /* 63 words */
#define NVO_GENEVE_F_O 0x80
#define NVO_GENEVE_F_C 0x40
#define NVO_GENEVE_OPT_LEN 4        /* option header */
#define NVO_GENEVE_OPT_DATA_MAX 124 /* 31 words */
#define NVO_GENEVE_OPT_CRIT 0x80    /* in the option type */
struct nvo_geneve_header {
    uint8_t ver_opt_len;
    uint8_t flags;
    nvo_be16 proto;
    nvo_16aligned_be32 vni;     /* VNI 24, reserved 8 */
};
_Static_assert(sizeof(struct nvo_geneve_header) == NVO_GENEVE_LEN, "geneve");

struct nvo_geneve_opt_header {
    nvo_be16 opt_class;
    uint8_t type;
    uint8_t len;                /* reserved 3, length 5 (words) */
};
_Static_assert(sizeof(struct nvo_geneve_opt_header) == NVO_GENEVE_OPT_LEN,
               "geneve option");

struct nvo_geneve_info {
    uint8_t version;            /* 0 */
    bool oam;                   /* O */
    bool critical;              /* C */
    uint16_t proto;             /* NVO_ETH_TYPE_TEB for Ethernet */
    uint32_t vni;               /* 24 bits */
    uint16_t opts_len;          /* bytes of options, multiple of 4 */
    const uint8_t *opts;        /* encode: copied; decode: points into buf */
};

struct nvo_geneve_opt_info {
    uint16_t opt_class;
    uint8_t type;               /* top bit: critical */
    uint8_t data_len;           /* bytes, multiple of 4, <= 124 */
    const uint8_t *data;        /* encode: copied; decode: into buf */
};

/* Writes 8 + opts_len bytes (opts_len must be a multiple of 4, <= 252). */
void nvo_geneve_encode(void *hdr, const struct nvo_geneve_info *);
/* Rejects: fewer than 8 bytes, version != 0, options longer than 'len',
 * options that do not tile the option area exactly. */
int nvo_geneve_decode(const void *buf, size_t len, struct nvo_geneve_info *);
/* Writes 4 + data_len bytes. */
void nvo_geneve_opt_encode(void *hdr, const struct nvo_geneve_opt_info *);
/* Decodes the option at 'buf'; its size is 4 + out->data_len.  Rejects an
 * option longer than 'len'. */
int nvo_geneve_opt_decode(const void *buf, size_t len,
                          struct nvo_geneve_opt_info *);
/* Checks that 'len' bytes of options are whole TLVs; sets *critical if
 * any has the critical bit (may be NULL).  Returns 0 or EBADMSG. */
int nvo_geneve_opts_check(const void *opts, size_t len, bool *critical);

/* ---- STT (draft-davie-stt-08) ------------------------------------------- */

/* The STT frame header follows a TCP-like header (see nvo_stt_tcp_*).
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Version      | Flags         |  L4 Offset    |  Reserved     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Max. Segment Size          | PCP |V|     VLAN ID           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +                     Context ID (64 bits)                      +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Padding                   |    (inner Ethernet frame...)
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+ */
#define NVO_STT_LEN 18
#define NVO_STT_F_CSUM_VERIFIED 0x01
#define NVO_STT_F_CSUM_PARTIAL 0x02
#define NVO_STT_F_IPV4 0x04
#define NVO_STT_F_TCP 0x08
#define NVO_STT_FRAME_MAX 65535     /* the 16-bit length in the sequence */
struct nvo_stt_header {
    uint8_t version;
    uint8_t flags;
    uint8_t l4_ofs;
    uint8_t reserved;
    nvo_be16 mss;
    nvo_be16 vlan_tci;          /* PCP 3, V 1, VLAN ID 12 */
    nvo_16aligned_be32 context_hi;
    nvo_16aligned_be32 context_lo;
    nvo_be16 padding;
};
_Static_assert(sizeof(struct nvo_stt_header) == NVO_STT_LEN, "stt");

struct nvo_stt_info {
    uint8_t version;            /* 0 */
    uint8_t flags;              /* NVO_STT_F_* */
    uint8_t l4_ofs;             /* 0 unless CSUM_PARTIAL */
    uint16_t mss;               /* 0 unless CSUM_PARTIAL with TSO */
    uint8_t pcp;
    bool vlan_valid;            /* V */
    uint16_t vid;
    uint64_t context;
};

void nvo_stt_encode(void *hdr, const struct nvo_stt_info *);
/* Rejects: fewer than 18 bytes, version != 0. */
int nvo_stt_decode(const void *buf, size_t len, struct nvo_stt_info *);

/* STT's reuse of the TCP header (draft section 3.3): source port =
 * entropy, destination port 7471, sequence number = STT frame length
 * (STT header + inner frame) << 16 | offset of this segment in the STT
 * frame, acknowledgment number = packet ID, data offset 5, flags ACK|PSH,
 * window 65535, urgent pointer 0. */
struct nvo_stt_tcp_info {
    uint16_t sport, dport;
    uint16_t frame_len;         /* sequence number, high half */
    uint16_t seg_ofs;           /* sequence number, low half */
    uint32_t pkt_id;            /* acknowledgment number */
    uint16_t csum;              /* written and read as is */
};

/* Writes a 20-byte TCP header (struct nvo_tcp_header). */
void nvo_stt_tcp_encode(void *hdr, const struct nvo_stt_tcp_info *);
/* Rejects: fewer than 20 bytes, data offset != 5 (STT uses no options). */
int nvo_stt_tcp_decode(const void *buf, size_t len, struct nvo_stt_tcp_info *);

/* ---- MPLS label stack entry (RFC 3032 section 2.1) ---------------------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Label                  | TC  |S|       TTL     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * An entropy label (RFC 6790) follows an entropy label indicator (label
 * 7); its value is any unreserved label and its TTL is 0. */
#define NVO_MPLS_LSE_LEN 4
#define NVO_MPLS_LABEL_IPV4_NULL 0
#define NVO_MPLS_LABEL_ROUTER_ALERT 1
#define NVO_MPLS_LABEL_IPV6_NULL 2
#define NVO_MPLS_LABEL_IMPLICIT_NULL 3
#define NVO_MPLS_LABEL_ELI 7
#define NVO_MPLS_LABEL_GAL 13
#define NVO_MPLS_LABEL_OAM_ALERT 14
#define NVO_MPLS_LABEL_EXTENSION 15
#define NVO_MPLS_LABEL_UNRESERVED_MIN 16
#define NVO_MPLS_LABEL_MAX 0xfffff
/* Fields of a label stack entry read as a host-order 32-bit word. */
#define NVO_MPLS_LSE_LABEL(lse) ((lse) >> 12)
#define NVO_MPLS_LSE_TC(lse) (((lse) >> 9) & 0x7)
#define NVO_MPLS_LSE_S 0x100u
#define NVO_MPLS_LSE_TTL(lse) ((lse) & 0xff)
struct nvo_mpls_lse {
    nvo_16aligned_be32 lse;
};
_Static_assert(sizeof(struct nvo_mpls_lse) == NVO_MPLS_LSE_LEN, "mpls");

struct nvo_mpls_info {
    uint32_t label;             /* 20 bits */
    uint8_t tc;                 /* 3 bits */
    bool bottom;                /* S */
    uint8_t ttl;
};

static inline bool
nvo_mpls_label_reserved(uint32_t label)
{
    return label < NVO_MPLS_LABEL_UNRESERVED_MIN;
}

void nvo_mpls_encode(void *hdr, const struct nvo_mpls_info *);
/* Rejects: fewer than 4 bytes. */
int nvo_mpls_decode(const void *buf, size_t len, struct nvo_mpls_info *);

/* ---- Pseudowire control word (RFC 4448 section 4.6, RFC 4385) ----------- */

/*  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0|   Reserved (flags, frag, length)  |  Sequence Number  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Between the bottom label and the Ethernet frame of an Ethernet
 * pseudowire.  The first nibble is 0 (RFC 4385); nvosim sends the
 * sequence number 0 (not used, RFC 4448 section 4.6), so the whole word
 * is 0. */
#define NVO_PW_CW_LEN 4

/* ---- VM MAC addresses ---------------------------------------------------- */

/* The OUI of the hypervisor vendor whose MACs a VM gets, as real VMs have
 * them.  Wireshark's Ethernet-pseudowire heuristic decodes the payload of
 * an MPLS stack as Ethernet only when both MACs carry a registered OUI,
 * so locally administered MACs (02:...) would show as malformed. */
enum nvo_vm_oui {
    NVO_VM_OUI_VMWARE,          /* 00:50:56, the default */
    NVO_VM_OUI_XEN,             /* 00:16:3e */
    NVO_VM_OUI_HYPERV,          /* 00:15:5d */
    NVO_VM_OUI_N
};

/* VMs per OUI: the 24 bits after it. */
#define NVO_VM_MAC_MAX_INDEX 0xffffffu

/* "vmware", "xen" or "hyperv"; NULL for an unknown value. */
const char *nvo_vm_oui_name(enum nvo_vm_oui);

/* Looks up 'name' as nvo_vm_oui_name() spells it.  Returns 0 and *out,
 * or EINVAL. */
int nvo_vm_oui_lookup(const char *name, enum nvo_vm_oui *out);

/* The MAC of VM number 'index' (0..NVO_VM_MAC_MAX_INDEX): the OUI, then
 * 'index' in 24 bits big-endian, so distinct indexes give distinct
 * MACs, all unicast and globally administered.  Returns 0, or EINVAL
 * (index too large or unknown OUI; mac unchanged). */
int nvo_vm_mac(uint8_t mac[NVO_ETH_ADDR_LEN], enum nvo_vm_oui, uint32_t index);

/* ---- Frames in packets -------------------------------------------------- */

/* A tenant test frame: Ethernet (+ 802.1Q) / IPv4 or IPv6 / UDP or TCP. */
struct nvo_frame_spec {
    uint8_t src_mac[NVO_ETH_ADDR_LEN], dst_mac[NVO_ETH_ADDR_LEN];
    uint16_t vlan;              /* 802.1Q VLAN id, 0 = untagged */
    uint8_t vlan_pcp;
    bool ipv6;
    uint32_t src_ip4, dst_ip4;  /* host order */
    uint8_t src_ip6[16], dst_ip6[16];
    uint8_t tos;                /* DSCP/ECN, or IPv6 traffic class */
    uint8_t ttl;                /* 0 means 64 */
    uint32_t flow_label;        /* IPv6 */
    uint16_t ip_id;             /* IPv4 identification */
    uint8_t proto;              /* NVO_IPPROTO_UDP or _TCP; another value
                                 * writes no L4 header */
    uint16_t sport, dport;
    uint32_t tcp_seq, tcp_ack;
    uint16_t tcp_flags;         /* 0 means ACK */
    uint16_t tcp_window;        /* 0 means 65535 */
};

/* Appends the frame's headers to 'p' (normally empty) and sets l2/l3/l4
 * (l4 is the IP payload).  p->payload_size must already hold the bytes
 * after the L4 header: the IP total/payload length and UDP length count
 * it, and the IPv4 header and the UDP/TCP checksums are computed over the
 * real bytes plus that many zeros.  IPv4 is sent with DF.  Returns 0,
 * EINVAL (VLAN id over 4094), EMSGSIZE (the IP packet would exceed 65535
 * bytes) or ENOBUFS (no tailroom); 'p' is unchanged on error. */
int nvo_wire_build_frame(struct nvo_pkt *p, const struct nvo_frame_spec *);

/* Sets l2/l3/l4 from the frame at p->data: l2 = data, l3 after the
 * Ethernet header and VLAN tags (if IPv4, IPv6, ARP or MPLS follows), l4 at
 * the IP payload (after IPv6 hop-by-hop/routing/destination options; none
 * for a non-first fragment).  The inner_* offsets become NONE.  Returns 0,
 * or EBADMSG if a header is truncated (the offsets found so far are set). */
int nvo_wire_set_offsets(struct nvo_pkt *p);

/* Writes a one-line decode of the real bytes of 'p' (from p->data) into
 * 'buf', like
 *   eth 02:00:00:00:00:01>02:00:00:00:00:02 ipv4 10.0.0.1>10.0.0.2
 *   udp 49321>4789 vxlan vni=100 | eth ... ipv4 ... tcp 40000>80 len=1554
 * recognizing VXLAN, VXLAN-GPE, Geneve, NVGRE, GRE, STT, MPLS in IP / GRE
 * / UDP and MPLS over Ethernet, and decoding one level of inner frame
 * after the '|'.  "len" is the wire length including the virtual payload.
 * Returns the length of the whole line (as snprintf; the line is cut to
 * fit 'size', which may be 0). */
size_t nvo_wire_summary(const struct nvo_pkt *p, char *buf, size_t size);

/* Formats an Ethernet address as "02:00:00:00:00:01" into buf[18]. */
char *nvo_eth_addr_format(const uint8_t mac[NVO_ETH_ADDR_LEN], char buf[18]);

#endif /* NVO_WIRE_H */
