/* igmp.h: IGMPv3 Membership Reports (RFC 3376 section 4.2) and the IPv4
 * header with the Router Alert option (RFC 2113) they are sent in.
 *
 * A host (here: a hypervisor PE) joins a group by sending a report to
 * 224.0.0.22 (all IGMPv3-capable routers, RFC 3376 section 4.2.14) with
 * TTL 1, the IP Router Alert option and a group record per group; a
 * record of type CHANGE_TO_EXCLUDE_MODE with no sources is the (*,G)
 * join of RFC 3376 section 5.1.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Type = 0x22  |    Reserved   |           Checksum            |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |           Reserved            |  Number of Group Records (M)  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Record Type  |  Aux Data Len  |     Number of Sources (N)     |
 *  |                       Multicast Address                       |
 *  |                Source Address [1..N], Auxiliary Data          |
 *
 * The checksum is the internet checksum over the whole IGMP message.
 *
 * The router's General Query (section 4.1), to 224.0.0.1, 12 bytes:
 *  |  Type = 0x11  | Max Resp Code |           Checksum            |
 *  |                   Group Address (0: general)                  |
 *  | Resv  |S| QRV |     QQIC      |     Number of Sources (N)     |
 *
 * Scope: reports with no sources and General Queries without sources
 * when encoding (Max Resp Code and QQIC below 128, their linear range);
 * the report decoder reads any record and skips its sources and
 * auxiliary data. */
#ifndef NVO_WIRE_IGMP_H
#define NVO_WIRE_IGMP_H

#include <stddef.h>

#include "core/nvo.h"
#include "wire/pkt.h"

#define NVO_IGMP_V3_REPORT      0x22
#define NVO_IGMP_QUERY          0x11
#define NVO_IGMP_ALL_V3_ROUTERS 0xe0000016u     /* 224.0.0.22 */
#define NVO_IGMP_ALL_SYSTEMS    0xe0000001u     /* 224.0.0.1 */
#define NVO_IGMP_QUERY_LEN      12
/* RFC 3376 8.2, 8.3, 8.1 defaults: Query Interval 125 s, Query Response
 * Interval 10 s (Max Resp Code 100, tenths of a second), Robustness 2. */
#define NVO_IGMP_QUERY_INTERVAL_S       125
#define NVO_IGMP_MAX_RESP_CODE          100
#define NVO_IGMP_QRV                    2
#define NVO_IGMP_HDR_LEN        8
#define NVO_IGMP_RECORD_LEN     8       /* a record without sources */
/* The IPv4 header of an IGMP message: 20 bytes + Router Alert (4). */
#define NVO_IGMP_IP_LEN         24

/* Group record types (RFC 3376 section 4.2.12). */
enum nvo_igmp_record_type {
    NVO_IGMP_IS_IN = 1,         /* MODE_IS_INCLUDE */
    NVO_IGMP_IS_EX = 2,         /* MODE_IS_EXCLUDE */
    NVO_IGMP_TO_IN = 3,         /* CHANGE_TO_INCLUDE_MODE */
    NVO_IGMP_TO_EX = 4,         /* CHANGE_TO_EXCLUDE_MODE */
    NVO_IGMP_ALLOW = 5,         /* ALLOW_NEW_SOURCES */
    NVO_IGMP_BLOCK = 6,         /* BLOCK_OLD_SOURCES */
};

struct nvo_igmp_record {
    uint8_t type;               /* enum nvo_igmp_record_type */
    uint16_t n_sources;         /* decode only; encode writes 0 */
    uint32_t group;             /* host order */
};

/* Bytes of a report with 'n' source-less records: 8 + 8 n. */
static inline size_t
nvo_igmp_v3_report_len(size_t n)
{
    return NVO_IGMP_HDR_LEN + n * NVO_IGMP_RECORD_LEN;
}

/* Writes a report of 'n' records (n <= 65535) with its checksum into
 * 'buf' (nvo_igmp_v3_report_len(n) bytes). */
void nvo_igmp_v3_report_encode(void *buf, const struct nvo_igmp_record *recs,
                               size_t n);

/* Decodes a report of 'len' bytes: 0 and *n_records (the records' count
 * in the header), writing the first min(n, max) records into 'recs'; or
 * EBADMSG (not a v3 report, fewer bytes than its records need, a bad
 * checksum). */
int nvo_igmp_v3_report_decode(const void *buf, size_t len,
                              struct nvo_igmp_record *recs, size_t max,
                              size_t *n_records);

/* Writes a General Query (NVO_IGMP_QUERY_LEN bytes) with Max Resp Code
 * 'max_resp' and QQIC 'qqic' (both < 128), QRV NVO_IGMP_QRV, S clear. */
void nvo_igmp_query_encode(void *buf, uint8_t max_resp, uint8_t qqic);

/* Decodes a Query of 'len' bytes (12 or more): 0, *group (0: a General
 * Query) and *max_resp_ds (the Max Resp Time in tenths of a second, the
 * exponential form of RFC 3376 4.1.1 decoded), or EBADMSG (not a query,
 * shorter than its sources, a bad checksum; an IGMPv1/v2 query of 8
 * bytes). */
int nvo_igmp_query_decode(const void *buf, size_t len, uint32_t *group,
                          uint32_t *max_resp_ds);

/* Builds a whole General Query frame into 'p' (as the report frame
 * below): Ethernet to 01:00:5e:00:00:01, the IPv4 header with Router
 * Alert from 'src_ip' to 224.0.0.1.  Returns 0 or EMSGSIZE. */
int nvo_igmp_query_frame(struct nvo_pkt *p, const uint8_t src_mac[6],
                         uint32_t src_ip);

/* Writes the 24-byte IPv4 header of an IGMP or PIM control message:
 * IHL 6 with the Router Alert option (RFC 2113: 0x94 0x04 0x0000), TOS
 * 0xc0 (Internetwork Control, RFC 3376 section 4), TTL 1, protocol
 * 'proto', total length 24 + 'payload_len', a correct checksum. */
void nvo_igmp_ipv4_encode(void *hdr, uint8_t proto, uint32_t src,
                          uint32_t dst, size_t payload_len);

/* The Ethernet address of IPv4 group 'group' (RFC 1112 section 6.4):
 * 01:00:5e and the group's low 23 bits. */
void nvo_ip4_mcast_mac(uint32_t group, uint8_t mac[6]);

/* Whether host-order 'a' is an IPv4 multicast address (224.0.0.0/4). */
static inline bool
nvo_ip4_is_mcast(uint32_t a)
{
    return (a >> 28) == 0xe;
}

/* Builds a whole IGMPv3 report frame into 'p' (empty, with room for 14 +
 * 24 + the report): Ethernet from 'src_mac' to 01:00:5e:00:00:16, the IPv4
 * header above from 'src_ip' to 224.0.0.22, the report.  Sets the
 * packet's l2 / l3 / l4 offsets.  Returns 0, or EMSGSIZE if it does not
 * fit. */
int nvo_igmp_v3_report_frame(struct nvo_pkt *p, const uint8_t src_mac[6],
                             uint32_t src_ip,
                             const struct nvo_igmp_record *recs, size_t n);

#endif /* NVO_WIRE_IGMP_H */
