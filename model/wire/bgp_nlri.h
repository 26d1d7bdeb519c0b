/* bgp_nlri.h: the L2VPN NLRI that MP_REACH_NLRI / MP_UNREACH_NLRI carry
 * (AFI 25): EVPN routes (SAFI 70, RFC 7432 7; labels as VNIs RFC 8365 5.1.3)
 * of type 2 (MAC/IP advertisement) and 3 (inclusive multicast Ethernet tag),
 * other EVPN types kept opaque; BGP-VPLS NLRI (SAFI 65, RFC 4761 3.2.2);
 * route distinguishers of type 0 and 1 (RFC 4364 4.2); Route Target
 * membership NLRI (AFI 1, SAFI 132, RFC 4684 4).
 *
 * EVPN NLRI:  type (1) | length (1) | body (length bytes)
 *   type 2 body: RD 8 | ESI 10 | Ethernet tag 4 | MAC length 1 (48) |
 *                MAC 6 | IP length 1 (0/32/128) | IP 0/4/16 |
 *                label1 3 | [label2 3]                    33/37/49 (+3)
 *   type 3 body: RD 8 | Ethernet tag 4 | IP length 1 (32/128) |
 *                originator IP 4/16                       17/29
 * VPLS NLRI:  length (2) = 17 | RD 8 | VE ID 2 | VE block offset 2 |
 *             VE block size 2 | label base 3 (label << 4 | bottom bit)
 *
 * The EVPN label fields are kept as their raw 24 bits: with VXLAN or
 * NVGRE (RFC 8365) the whole field is the VNI; with MPLS the label is
 * the top 20 bits (nvo_evpn_mpls_label). */
#ifndef NVO_WIRE_BGP_NLRI_H
#define NVO_WIRE_BGP_NLRI_H

#include "core/nvo.h"
#include "wire/bgp.h"

#define NVO_BGP_AFI_IPV4 1
#define NVO_BGP_AFI_L2VPN 25
#define NVO_BGP_SAFI_UNICAST 1
#define NVO_BGP_SAFI_VPLS 65
#define NVO_BGP_SAFI_EVPN 70
#define NVO_BGP_SAFI_RTC 132        /* Route Target membership, RFC 4684 */

#define NVO_BGP_RD_LEN 8
#define NVO_EVPN_ESI_LEN 10
#define NVO_VPLS_NLRI_LEN 19        /* with its 2-byte length field */

/* ---- Route distinguishers (RFC 4364 4.2) --------------------------------- */

/* Type 0: 2-byte type, 2-byte AS, 4-byte number; type 1: IPv4, 2-byte
 * number. */
void nvo_bgp_rd_type0(uint8_t rd[NVO_BGP_RD_LEN], uint16_t as, uint32_t n);
void nvo_bgp_rd_type1(uint8_t rd[NVO_BGP_RD_LEN], uint32_t ip, uint16_t n);
/* Formats as tshark and FRR print it: "65000:100", "192.0.2.1:100";
 * type 2 "4200000000:7"; another type as "type T:0x...". Returns buf. */
char *nvo_bgp_rd_format(const uint8_t rd[NVO_BGP_RD_LEN], char buf[40]);

/* ---- EVPN (RFC 7432 7) --------------------------------------------------- */

enum nvo_evpn_route_type {
    NVO_EVPN_AD = 1,
    NVO_EVPN_MAC_IP = 2,
    NVO_EVPN_IMET = 3,
    NVO_EVPN_ES = 4,
};

struct nvo_evpn_route {
    uint8_t type;
    uint8_t rd[NVO_BGP_RD_LEN];
    uint8_t esi[NVO_EVPN_ESI_LEN];      /* type 2 */
    uint32_t etag;
    uint8_t mac[6];                     /* type 2 */
    uint8_t ip_len;                     /* bits: 0, 32 or 128 (type 3: the
                                         * originator's, 32 or 128) */
    uint8_t ip[16];                     /* IPv4 in the first 4 bytes */
    uint8_t n_labels;                   /* type 2: 1 or 2 */
    uint32_t label1, label2;            /* raw 24-bit fields */
    /* Another route type, decoded: its body, kept opaque. */
    const uint8_t *body;
    uint8_t body_len;
};

/* Bytes of the NLRI with its type and length (39 for a MAC+IPv4 type 2
 * with one label), or 0 if the route cannot be encoded (a type other
 * than 2 or 3, a bad IP length, n_labels not 1 or 2). */
size_t nvo_evpn_route_size(const struct nvo_evpn_route *);

/* Appends the NLRI to 'b'.  Returns its size or 0 (bad route or no
 * room; b->err set for no room). */
size_t nvo_evpn_route_encode(struct nvo_bgp_buf *b,
                             const struct nvo_evpn_route *);

/* Decodes the next EVPN NLRI from 'r' (the NLRI field of an MP_REACH or
 * MP_UNREACH attribute; 'msg' the message, for offsets).  Returns 0, or
 * EBADMSG with 'e' (UPDATE error 9, optional attribute error, with the
 * MP attribute as data: the caller sets data) when the length runs past
 * the field or disagrees with the type: a type 2 whose length is not
 * 33/36/37/40/49/52 or whose MAC or IP length fields do not match it, a
 * type 3 not 17 or 29 or whose IP length does not match.  Types other
 * than 2 and 3 are returned with their body (RFC 7432 7: ignored). */
int nvo_evpn_route_decode(struct nvo_rd *r, const uint8_t *msg,
                          struct nvo_evpn_route *, struct nvo_bgp_error *e);

/* The MPLS label in a label field (RFC 7432: the high-order 20 bits). */
static inline uint32_t
nvo_evpn_mpls_label(uint32_t field)
{
    return field >> 4;
}

/* ---- BGP-VPLS (RFC 4761 3.2.2) ------------------------------------------- */

struct nvo_vpls_nlri {
    uint8_t rd[NVO_BGP_RD_LEN];
    uint16_t ve_id, block_offset, block_size;
    uint32_t label_base;                /* 20-bit label */
};

/* Appends the 19 bytes of the NLRI.  Returns 19, or 0 if the label base
 * needs more than 20 bits or there is no room. */
size_t nvo_vpls_nlri_encode(struct nvo_bgp_buf *b,
                            const struct nvo_vpls_nlri *);

/* Decodes the next VPLS NLRI; EBADMSG (3/9) when its length field is not
 * 17 or it runs past the field. */
int nvo_vpls_nlri_decode(struct nvo_rd *r, const uint8_t *msg,
                         struct nvo_vpls_nlri *, struct nvo_bgp_error *e);

/* The label a PE with VE ID 've' uses towards the NLRI's sender, if 've'
 * is in the block [offset, offset + size): label base + ve - offset
 * (RFC 4761 3.2.3).  Returns false if outside. */
bool nvo_vpls_label_for(const struct nvo_vpls_nlri *, uint16_t ve,
                        uint32_t *label);

/* ---- Route Target membership (AFI 1, SAFI 132, RFC 4684 4) -------------- */

/* NLRI: prefix length in bits (1) | prefix (ceil(length / 8) bytes) of
 * origin AS (4) | route target (the 8-byte extended community).  Length 0
 * is the default route target (matches every RT, 1 byte); otherwise 32
 * (an origin AS, any RT) .. 96 (one RT: 13 bytes). */
#define NVO_RTC_NLRI_LEN 13         /* length 96, with its length byte */

struct nvo_rtc_nlri {
    uint8_t plen;                   /* bits: 0 or 32 .. 96 */
    uint32_t origin_as;
    uint8_t rt[8];                  /* the extended community; bits past
                                     * plen - 32 are zero */
};

/* Bytes of an NLRI of 'plen' bits with its length byte (13 for 96), or 0
 * if plen is not 0 or 32 .. 96. */
size_t nvo_rtc_nlri_size(uint8_t plen);

/* Appends the NLRI (bits past plen written as zero).  Returns its size,
 * or 0 (bad plen, or no room: b->err set). */
size_t nvo_rtc_nlri_encode(struct nvo_bgp_buf *b, const struct nvo_rtc_nlri *);

/* Decodes the next NLRI from 'r'.  Returns 0, or EBADMSG with 'e' (3/9,
 * optional attribute error) for a length not 0 or 32 .. 96 or one that
 * runs past the field. */
int nvo_rtc_nlri_decode(struct nvo_rd *r, const uint8_t *msg,
                        struct nvo_rtc_nlri *, struct nvo_bgp_error *e);

/* Whether a route carrying route target 'rt' matches the NLRI: its first
 * plen - 32 bits equal rt's (every RT for plen <= 32; the origin AS is
 * not compared, RFC 4684 4). */
bool nvo_rtc_nlri_match(const struct nvo_rtc_nlri *, const uint8_t *rt);

#endif /* NVO_WIRE_BGP_NLRI_H */
