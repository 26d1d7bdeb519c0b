/* ldp.h: LDP wire format (RFC 5036) for VPLS (RFC 4447, RFC 8077, RFC 4762):
 * PDUs, messages, TLVs, encode and decode, and the status codes a speaker
 * sends in a Notification when the input is malformed.
 *
 * Scope: the PDU header (3.1), the message header (3.5), the TLV encoding
 * (3.3) and the messages a VPLS PE exchanges over targeted LDP: Hello
 * (link and targeted), Initialization, KeepAlive, Notification, Address,
 * Address Withdraw (also as the MAC Address Withdraw of RFC 4762 6.2),
 * Label Mapping, Label Request, Label Withdraw and Label Release, whose FEC
 * is the PWid FEC element 128 (wire/ldp_fec.h).  The session FSM and the
 * VPLS model are elsewhere (ctrl/); this file knows bytes only.
 *
 * Encoding: nvo_ldp_msg_encode() writes one message; nvo_ldp_pdu_*()
 * assembles messages into a PDU up to a maximum PDU length.  Decoding:
 * nvo_ldp_pdu_begin() checks the PDU header, nvo_ldp_pdu_next() returns its
 * messages one at a time.  Both use wire/cursor.h; no byte outside the
 * given buffer is read.  An error is a struct nvo_ldp_error: the RFC 5036
 * status code (3.9) a real speaker would send, and the message it is
 * about; nvo_ldp_status_fatal() tells whether the session must close (the
 * E bit).  See docs/ldp-wire.md for the formats, sizes and limitations. */
#ifndef NVO_WIRE_LDP_H
#define NVO_WIRE_LDP_H

#include "core/nvo.h"
#include "wire/cursor.h"
#include "wire/ldp_fec.h"

/* ---- Numbers ------------------------------------------------------------ */

#define NVO_LDP_VERSION 1
#define NVO_LDP_PORT 646                /* TCP sessions, UDP hellos */
#define NVO_LDP_ALL_ROUTERS 0xe0000002u /* 224.0.0.2, link hellos */

#define NVO_LDP_PDU_HDR_LEN 10          /* version, length, LDP id */
#define NVO_LDP_MSG_HDR_LEN 8           /* U+type, length, message id */
#define NVO_LDP_TLV_HDR_LEN 4           /* U+F+type, length */
/* The default maximum PDU length (RFC 5036 3.5.3: a proposed value of
 * 255 or less means 4096).  It bounds the PDU Length field, as OpenBSD's
 * and FRR's ldpd check it, so a whole PDU is at most 4100 bytes. */
#define NVO_LDP_MAX_PDU_DEFAULT 4096
#define NVO_LDP_MAX_PDU_LEN_MIN 256     /* smaller proposals mean 4096 */

/* Message types (RFC 5036 3.7, without the U bit). */
#define NVO_LDP_MSG_NOTIFICATION    0x0001
#define NVO_LDP_MSG_HELLO           0x0100
#define NVO_LDP_MSG_INIT            0x0200
#define NVO_LDP_MSG_KEEPALIVE       0x0201
#define NVO_LDP_MSG_ADDRESS         0x0300
#define NVO_LDP_MSG_ADDRESS_WITHDRAW 0x0301
#define NVO_LDP_MSG_LABEL_MAPPING   0x0400
#define NVO_LDP_MSG_LABEL_REQUEST   0x0401
#define NVO_LDP_MSG_LABEL_WITHDRAW  0x0402
#define NVO_LDP_MSG_LABEL_RELEASE   0x0403
#define NVO_LDP_MSG_U_BIT           0x8000
#define NVO_LDP_MSG_TYPE_MASK       0x7fff

/* TLV types (RFC 5036 3.8, RFC 4447 5.4, RFC 4762 6.2.1; without the
 * U and F bits). */
#define NVO_LDP_TLV_FEC             0x0100
#define NVO_LDP_TLV_ADDRESS_LIST    0x0101
#define NVO_LDP_TLV_HOP_COUNT       0x0103
#define NVO_LDP_TLV_PATH_VECTOR     0x0104
#define NVO_LDP_TLV_GENERIC_LABEL   0x0200
#define NVO_LDP_TLV_STATUS          0x0300
#define NVO_LDP_TLV_EXT_STATUS      0x0301
#define NVO_LDP_TLV_RETURNED_PDU    0x0302
#define NVO_LDP_TLV_RETURNED_MSG    0x0303
#define NVO_LDP_TLV_COMMON_HELLO    0x0400
#define NVO_LDP_TLV_IPV4_TRANSPORT  0x0401
#define NVO_LDP_TLV_CONFIG_SEQ      0x0402
#define NVO_LDP_TLV_MAC_LIST        0x0404  /* RFC 4762, sent with U = 1 */
#define NVO_LDP_TLV_COMMON_SESSION  0x0500
#define NVO_LDP_TLV_LABEL_REQ_MSG_ID 0x0600
#define NVO_LDP_TLV_PW_STATUS       0x096a  /* RFC 4447, sent with U = 1 */
#define NVO_LDP_TLV_U_BIT           0x8000
#define NVO_LDP_TLV_F_BIT           0x4000
#define NVO_LDP_TLV_TYPE_MASK       0x3fff

/* Fixed TLV value lengths. */
#define NVO_LDP_COMMON_HELLO_LEN    4
#define NVO_LDP_COMMON_SESSION_LEN  14
#define NVO_LDP_STATUS_LEN          10
#define NVO_LDP_GENERIC_LABEL_LEN   4

/* Common Hello Parameters flags (RFC 5036 3.5.2). */
#define NVO_LDP_HELLO_T 0x8000          /* targeted */
#define NVO_LDP_HELLO_R 0x4000          /* request targeted hellos */
/* Hold times (seconds): 0 asks for the default, 0xffff is infinite. */
#define NVO_LDP_HOLD_DEFAULT_LINK 15
#define NVO_LDP_HOLD_DEFAULT_TARGETED 45
#define NVO_LDP_HOLD_INFINITE 0xffff

/* Address family of an Address List (IANA address family numbers). */
#define NVO_LDP_AF_IPV4 1

#define NVO_LDP_LABEL_MAX 0xfffffu      /* 20 bits */

/* Status codes (RFC 5036 3.9): the 30-bit status data.  The E (fatal)
 * and F (forward) bits are the top two bits of the Status Code field. */
#define NVO_LDP_STATUS_E 0x80000000u
#define NVO_LDP_STATUS_F 0x40000000u
#define NVO_LDP_STATUS_DATA_MASK 0x3fffffffu
enum nvo_ldp_status {
    NVO_LDP_ST_SUCCESS = 0x00,
    NVO_LDP_ST_BAD_LDP_ID = 0x01,
    NVO_LDP_ST_BAD_VERSION = 0x02,
    NVO_LDP_ST_BAD_PDU_LEN = 0x03,
    NVO_LDP_ST_UNKNOWN_MSG_TYPE = 0x04,
    NVO_LDP_ST_BAD_MSG_LEN = 0x05,
    NVO_LDP_ST_UNKNOWN_TLV = 0x06,
    NVO_LDP_ST_BAD_TLV_LEN = 0x07,
    NVO_LDP_ST_MALFORMED_TLV = 0x08,
    NVO_LDP_ST_HOLD_EXPIRED = 0x09,
    NVO_LDP_ST_SHUTDOWN = 0x0a,
    NVO_LDP_ST_LOOP_DETECTED = 0x0b,
    NVO_LDP_ST_UNKNOWN_FEC = 0x0c,
    NVO_LDP_ST_NO_ROUTE = 0x0d,
    NVO_LDP_ST_NO_LABEL_RESOURCES = 0x0e,
    NVO_LDP_ST_LABEL_RESOURCES_AVAILABLE = 0x0f,
    NVO_LDP_ST_REJ_NO_HELLO = 0x10,
    NVO_LDP_ST_REJ_ADV_MODE = 0x11,
    NVO_LDP_ST_REJ_MAX_PDU = 0x12,
    NVO_LDP_ST_REJ_LABEL_RANGE = 0x13,
    NVO_LDP_ST_KEEPALIVE_EXPIRED = 0x14,
    NVO_LDP_ST_LABEL_REQ_ABORTED = 0x15,
    NVO_LDP_ST_MISSING_PARAMS = 0x16,
    NVO_LDP_ST_UNSUPPORTED_AF = 0x17,
    NVO_LDP_ST_REJ_BAD_KEEPALIVE = 0x18,
    NVO_LDP_ST_INTERNAL_ERROR = 0x19,
};

/* True if the status code is a fatal error (E = 1 in RFC 5036 3.9's
 * table): the session closes after the Notification. */
bool nvo_ldp_status_fatal(uint32_t status_data);

/* The Status Code field to send for 'status_data': the data with the E
 * bit of the table above (F = 0). */
uint32_t nvo_ldp_status_code(uint32_t status_data);

/* "Bad TLV Length" and so on; "unknown status" for other values. */
const char *nvo_ldp_status_name(uint32_t status_data);

/* ---- Headers ------------------------------------------------------------ */

/* LDP identifier: LSR id (an IPv4 address) and label space (0 for the
 * platform-wide space). */
struct nvo_ldp_id {
    uint32_t lsr_id;            /* host order */
    uint16_t label_space;
};

/* PDU header (RFC 5036 3.1).
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Version                      |         PDU Length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                         LDP Identifier                        |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * PDU Length counts the bytes after itself (LDP id and messages). */
struct nvo_ldp_pdu_hdr {
    uint16_t version;
    uint16_t pdu_len;           /* the field: total length - 4 */
    struct nvo_ldp_id id;
};

/* Message header (RFC 5036 3.5).
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |U|   Message Type              |      Message Length           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Message ID                                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Mandatory Parameters / Optional Parameters
 * Message Length counts the bytes after itself (message id and TLVs).
 *
 * TLV (RFC 5036 3.3).
 * |U|F|        Type               |            Length             |
 * |                             Value                             |
 * Length counts the value's bytes. */

/* A list of addresses or MACs, as raw bytes on the wire (IPv4 addresses
 * 4 bytes big-endian each, MACs 6 bytes each).  Decoding points into the
 * input buffer; encoding reads 'raw'. */
struct nvo_ldp_list {
    const uint8_t *raw;
    uint16_t n;                 /* entries */
};

/* Hello (RFC 5036 3.5.2): Common Hello Parameters, optional IPv4
 * Transport Address and Configuration Sequence Number. */
struct nvo_ldp_hello {
    uint16_t hold_time;         /* seconds; 0 default, 0xffff infinite */
    bool targeted;              /* T */
    bool request_targeted;      /* R */
    bool has_transport;
    uint32_t transport_addr;    /* host order */
    bool has_cfg_seq;
    uint32_t cfg_seq;
};

/* The hold time a Hello asks for, in seconds: 0 means the default (15
 * for a link Hello, 45 for a targeted one), 0xffff infinite (returned
 * as is). */
uint16_t nvo_ldp_hello_hold(const struct nvo_ldp_hello *h);

/* Initialization (RFC 5036 3.5.3): Common Session Parameters. */
struct nvo_ldp_init {
    uint16_t proto_version;     /* 1 */
    uint16_t keepalive_time;    /* seconds, non-zero */
    bool downstream_on_demand;  /* A; VPLS uses unsolicited (0) */
    bool loop_detection;        /* D */
    uint8_t pv_limit;           /* path vector limit */
    uint16_t max_pdu_len;       /* 0..255 mean 4096 */
    struct nvo_ldp_id receiver; /* the peer's LDP identifier */
};

/* The maximum PDU length a proposal stands for: 0..255 mean 4096. */
uint16_t nvo_ldp_max_pdu(uint16_t proposed);

/* Notification (RFC 5036 3.5.1): the Status TLV; for the pseudowire
 * status signalling of RFC 4447 5.4 also a PW Status TLV and the FEC TLV
 * of the pseudowire (status code 0x28, "PW Status"). */
#define NVO_LDP_ST_PW_STATUS 0x28
struct nvo_ldp_notif {
    uint32_t status;            /* the Status Code field: E, F, data */
    uint32_t msg_id;            /* the message it refers to, or 0 */
    uint16_t msg_type;          /* its type, or 0 */
    bool has_pw_status;
    uint32_t pw_status;         /* RFC 4447 status bits */
    bool has_fec;
    struct nvo_ldp_fec fec;
};

/* Address and Address Withdraw (RFC 5036 3.5.5/3.5.6), and the MAC
 * Address Withdraw of RFC 4762 6.2.1: an Address Withdraw with a FEC TLV
 * naming the VPLS and a MAC List TLV (an empty list asks to flush every
 * MAC but those learned from the sender). */
struct nvo_ldp_addr {
    bool has_addrs;
    struct nvo_ldp_list addrs;  /* IPv4 addresses */
    bool has_fec;
    struct nvo_ldp_fec fec;
    bool has_macs;
    struct nvo_ldp_list macs;   /* MAC addresses */
};

/* Label Mapping, Request, Withdraw and Release (RFC 5036 3.5.7, 3.5.8, 3.5.10, 3.5.11,
 * RFC 4447 5.4): FEC TLV, Generic Label TLV (mandatory in a Mapping,
 * optional in Withdraw and Release), Label Request Message ID (optional
 * in a Mapping), PW Status (RFC 4447 5.4, optional). */
struct nvo_ldp_label {
    struct nvo_ldp_fec fec;
    bool has_label;
    uint32_t label;             /* 20 bits */
    bool has_req_msg_id;
    uint32_t req_msg_id;
    bool has_pw_status;
    uint32_t pw_status;
};

struct nvo_ldp_msg {
    uint16_t type;              /* NVO_LDP_MSG_*, without the U bit */
    bool u_bit;                 /* as sent; decode: as received */
    uint32_t id;                /* message ID */
    union {
        struct nvo_ldp_hello hello;
        struct nvo_ldp_init init;
        struct nvo_ldp_notif notif;
        struct nvo_ldp_addr addr;
        struct nvo_ldp_label label;
    };
};

/* What was wrong with the input: the status code to send, and the
 * message it is about (0 / 0 for a PDU header error). */
struct nvo_ldp_error {
    uint32_t status;            /* enum nvo_ldp_status; 0 = no error */
    uint32_t msg_id;
    uint16_t msg_type;          /* with the U bit as received */
    size_t offset;              /* of the offending header from the PDU */
};

/* "Label Mapping" and so on; NULL for an unknown type. */
const char *nvo_ldp_msg_name(uint16_t type);

/* ---- Encoding ----------------------------------------------------------- */

/* Bytes nvo_ldp_msg_encode() writes for 'm' (header included), or 0 if
 * 'm' cannot be encoded (unknown type, a label over 20 bits, a list too
 * long for a 16-bit length, an invalid FEC). */
size_t nvo_ldp_msg_size(const struct nvo_ldp_msg *m);

/* Writes 'm' into buf[0..size).  Returns the bytes written, or 0 (buf
 * unchanged beyond that point's use) if 'm' cannot be encoded or does
 * not fit. */
size_t nvo_ldp_msg_encode(const struct nvo_ldp_msg *m, uint8_t *buf,
                          size_t size);

/* A PDU being assembled in a caller's buffer. */
struct nvo_ldp_pdu_wr {
    uint8_t *buf;
    size_t size;                /* usable bytes of buf */
    size_t len;                 /* bytes written, header included */
    uint16_t n_msgs;
};

/* Starts a PDU from 'id' in buf[0..size).  'max_pdu_len' is the
 * session's maximum PDU length (0..255 mean 4096), which bounds the PDU
 * Length field; the usable size is the smaller of that plus 4 and
 * 'size'.  Returns 0, or ENOBUFS if 'size' cannot hold the header. */
int nvo_ldp_pdu_start(struct nvo_ldp_pdu_wr *w, uint8_t *buf, size_t size,
                      const struct nvo_ldp_id *id, uint16_t max_pdu_len);

/* Appends 'm'.  Returns 0, ENOSPC (it does not fit: finish this PDU
 * and start another) or EINVAL (it cannot be encoded). */
int nvo_ldp_pdu_add(struct nvo_ldp_pdu_wr *w, const struct nvo_ldp_msg *m);

/* Writes the PDU Length and returns the PDU's total bytes. */
size_t nvo_ldp_pdu_finish(struct nvo_ldp_pdu_wr *w);

/* ---- Decoding ----------------------------------------------------------- */

/* For a TCP byte stream: the total length of the PDU starting at buf
 * (4 + its PDU Length), or 0 if fewer than 4 bytes are there yet. */
size_t nvo_ldp_pdu_peek_len(const uint8_t *buf, size_t len);

/* A PDU being read. */
struct nvo_ldp_pdu_rd {
    struct nvo_rd r;            /* the messages not read yet */
    const uint8_t *start;       /* the PDU's first byte */
    struct nvo_ldp_pdu_hdr hdr;
    bool failed;                /* a fatal error: no more messages */
    struct nvo_ldp_error fatal; /* that error, returned again */
    uint32_t n_ignored;         /* unknown messages with U = 1 skipped */
};

/* Checks the PDU header at buf[0..len): version 1, a PDU Length that
 * holds the LDP id and at least one message header, is within
 * 'max_pdu_len' (0..255 mean 4096) and within 'len'.  Returns 0 and
 * fills *rd (the PDU is rd->hdr.pdu_len + 4 bytes; bytes after it are
 * not read), or the status: NVO_LDP_ST_BAD_VERSION or _BAD_PDU_LEN. */
uint32_t nvo_ldp_pdu_begin(struct nvo_ldp_pdu_rd *rd, const uint8_t *buf,
                           size_t len, uint16_t max_pdu_len);

/* Decodes the next message of the PDU into *m.  Returns true with *m, or
 * false: at the end (err->status 0) or on an error (err filled).  After
 * a non-fatal error (nvo_ldp_status_fatal() false: an unknown message
 * type with U = 0, an unknown TLV with U = 0, missing parameters, an
 * unknown FEC) that message is skipped and the next call goes on with
 * the next one; after a fatal one every call fails the same way.
 * Unknown messages and TLVs with U = 1 are skipped silently (RFC 5036
 * 3.5, 3.3).  Lists in *m point into the PDU's buffer. */
bool nvo_ldp_pdu_next(struct nvo_ldp_pdu_rd *rd, struct nvo_ldp_msg *m,
                      struct nvo_ldp_error *err);

/* Decodes one message at buf[0..len) (its header included), as
 * nvo_ldp_pdu_next() would; the message must fill 'len' exactly.
 * Returns 0 or the status (err filled if not NULL). */
uint32_t nvo_ldp_msg_decode(const uint8_t *buf, size_t len,
                            struct nvo_ldp_msg *m, struct nvo_ldp_error *err);

/* The Notification a speaker sends about 'err', with message id 'id'. */
void nvo_ldp_notif_for(const struct nvo_ldp_error *err, uint32_t id,
                       struct nvo_ldp_msg *out);

#endif /* NVO_WIRE_LDP_H */
