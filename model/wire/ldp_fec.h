/* ldp_fec.h: the FEC TLV's element for pseudowires: the PWid FEC element
 * 128 (RFC 4447 5.2; RFC 8077 keeps it) with its interface parameter sub-TLVs,
 * and the Wildcard element (RFC 5036 3.4.1).
 *
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  PWid (0x80)  |C|         PW type             |PW info Length |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Group ID                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        PW ID                                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Interface Parameter Sub-TLV             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * PW info Length counts the PW ID and the sub-TLVs (not the group ID); 0
 * means neither is present (a withdraw or release of a whole group).
 * A sub-TLV is type (1), length (1, counting the type and length bytes)
 * and value; MTU is type 0x01 with a 2-byte value (RFC 4447 5.5).
 *
 * A FEC TLV carrying a pseudowire holds exactly one element (RFC 4447
 * 5.2); decoding refuses more. */
#ifndef NVO_WIRE_LDP_FEC_H
#define NVO_WIRE_LDP_FEC_H

#include "core/nvo.h"
#include "wire/cursor.h"

#define NVO_LDP_FEC_WILDCARD 0x01
#define NVO_LDP_FEC_PWID 0x80

/* PW types (RFC 4446 IANA registry, RFC 4448). */
#define NVO_LDP_PW_ETH_TAGGED 0x0004
#define NVO_LDP_PW_ETH 0x0005
#define NVO_LDP_PW_TYPE_MAX 0x7fff

/* Interface parameter sub-TLV types (RFC 4446, RFC 5085). */
#define NVO_LDP_IFP_MTU 0x01
#define NVO_LDP_IFP_DESCRIPTION 0x03
#define NVO_LDP_IFP_VCCV 0x0c

#define NVO_LDP_PWID_FIXED_LEN 8        /* type, C+PW type, info len, group */

struct nvo_ldp_fec {
    uint8_t kind;               /* NVO_LDP_FEC_PWID or _WILDCARD */
    bool control_word;          /* C */
    uint16_t pw_type;           /* 15 bits */
    uint32_t group_id;
    bool has_pw_id;             /* PW info length > 0 */
    uint32_t pw_id;             /* non-zero */
    bool has_mtu;
    uint16_t mtu;
    uint8_t n_other_params;     /* decode: other sub-TLVs, skipped */
};

/* Bytes of the element nvo_ldp_fec_encode() writes (4 + 4 + PW info
 * length for PWid, 1 for Wildcard), or 0 if 'f' is invalid: an unknown
 * kind, a PW type over 15 bits, a PW ID of 0, or an MTU without a PW
 * ID. */
size_t nvo_ldp_fec_size(const struct nvo_ldp_fec *f);

/* Writes the element into buf[0..size); returns its bytes or 0 (invalid
 * or no room). */
size_t nvo_ldp_fec_encode(const struct nvo_ldp_fec *f, uint8_t *buf,
                          size_t size);

/* Decodes the value of a FEC TLV ('val' is exactly that value): one
 * element.  Returns 0 and *f, or the RFC 5036 status: Malformed TLV
 * Value (empty, truncated, an inconsistent PW info length or sub-TLV
 * length, a PW ID of 0, bytes after the element), Unknown FEC (another
 * element type, e.g. a prefix or FEC 129). */
uint32_t nvo_ldp_fec_decode(struct nvo_rd *val, struct nvo_ldp_fec *f);

#endif /* NVO_WIRE_LDP_FEC_H */
