/* ldp.c: LDP PDUs, messages and TLVs for VPLS, encode and decode
 * (wire/ldp.h, RFC 5036, RFC 4447, RFC 4762). */
#include "wire/ldp.h"

#include <errno.h>

/* ---- Status codes ------------------------------------------------------- */

static const struct {
    uint32_t code;
    bool fatal;                 /* E bit, RFC 5036 3.9 */
    const char *name;
} status_table[] = {
    { NVO_LDP_ST_SUCCESS, false, "Success" },
    { NVO_LDP_ST_BAD_LDP_ID, true, "Bad LDP Identifier" },
    { NVO_LDP_ST_BAD_VERSION, true, "Bad Protocol Version" },
    { NVO_LDP_ST_BAD_PDU_LEN, true, "Bad PDU Length" },
    { NVO_LDP_ST_UNKNOWN_MSG_TYPE, false, "Unknown Message Type" },
    { NVO_LDP_ST_BAD_MSG_LEN, true, "Bad Message Length" },
    { NVO_LDP_ST_UNKNOWN_TLV, false, "Unknown TLV" },
    { NVO_LDP_ST_BAD_TLV_LEN, true, "Bad TLV Length" },
    { NVO_LDP_ST_MALFORMED_TLV, true, "Malformed TLV Value" },
    { NVO_LDP_ST_HOLD_EXPIRED, true, "Hold Timer Expired" },
    { NVO_LDP_ST_SHUTDOWN, true, "Shutdown" },
    { NVO_LDP_ST_LOOP_DETECTED, false, "Loop Detected" },
    { NVO_LDP_ST_UNKNOWN_FEC, false, "Unknown FEC" },
    { NVO_LDP_ST_NO_ROUTE, false, "No Route" },
    { NVO_LDP_ST_NO_LABEL_RESOURCES, false, "No Label Resources" },
    { NVO_LDP_ST_LABEL_RESOURCES_AVAILABLE, false,
      "Label Resources Available" },
    { NVO_LDP_ST_REJ_NO_HELLO, true, "Session Rejected/No Hello" },
    { NVO_LDP_ST_REJ_ADV_MODE, true,
      "Session Rejected/Parameters Advertisement Mode" },
    { NVO_LDP_ST_REJ_MAX_PDU, true,
      "Session Rejected/Parameters Max PDU Length" },
    { NVO_LDP_ST_REJ_LABEL_RANGE, true,
      "Session Rejected/Parameters Label Range" },
    { NVO_LDP_ST_KEEPALIVE_EXPIRED, true, "KeepAlive Timer Expired" },
    { NVO_LDP_ST_LABEL_REQ_ABORTED, false, "Label Request Aborted" },
    { NVO_LDP_ST_MISSING_PARAMS, false, "Missing Message Parameters" },
    { NVO_LDP_ST_UNSUPPORTED_AF, false, "Unsupported Address Family" },
    { NVO_LDP_ST_REJ_BAD_KEEPALIVE, true,
      "Session Rejected/Bad KeepAlive Time" },
    { NVO_LDP_ST_INTERNAL_ERROR, true, "Internal Error" },
};

bool
nvo_ldp_status_fatal(uint32_t status_data)
{
    status_data &= NVO_LDP_STATUS_DATA_MASK;
    return status_data < NVO_ARRAY_SIZE(status_table)
           && status_table[status_data].fatal;
}

uint32_t
nvo_ldp_status_code(uint32_t status_data)
{
    status_data &= NVO_LDP_STATUS_DATA_MASK;
    return status_data | (nvo_ldp_status_fatal(status_data)
                          ? NVO_LDP_STATUS_E : 0);
}

const char *
nvo_ldp_status_name(uint32_t status_data)
{
    status_data &= NVO_LDP_STATUS_DATA_MASK;
    return status_data < NVO_ARRAY_SIZE(status_table)
           ? status_table[status_data].name : "unknown status";
}

const char *
nvo_ldp_msg_name(uint16_t type)
{
    switch (type & NVO_LDP_MSG_TYPE_MASK) {
    case NVO_LDP_MSG_NOTIFICATION: return "Notification";
    case NVO_LDP_MSG_HELLO: return "Hello";
    case NVO_LDP_MSG_INIT: return "Initialization";
    case NVO_LDP_MSG_KEEPALIVE: return "KeepAlive";
    case NVO_LDP_MSG_ADDRESS: return "Address";
    case NVO_LDP_MSG_ADDRESS_WITHDRAW: return "Address Withdraw";
    case NVO_LDP_MSG_LABEL_MAPPING: return "Label Mapping";
    case NVO_LDP_MSG_LABEL_REQUEST: return "Label Request";
    case NVO_LDP_MSG_LABEL_WITHDRAW: return "Label Withdraw";
    case NVO_LDP_MSG_LABEL_RELEASE: return "Label Release";
    default: return NULL;
    }
}

uint16_t
nvo_ldp_hello_hold(const struct nvo_ldp_hello *h)
{
    if (h->hold_time) {
        return h->hold_time;
    }
    return h->targeted ? NVO_LDP_HOLD_DEFAULT_TARGETED
                       : NVO_LDP_HOLD_DEFAULT_LINK;
}

uint16_t
nvo_ldp_max_pdu(uint16_t proposed)
{
    return proposed < NVO_LDP_MAX_PDU_LEN_MIN ? NVO_LDP_MAX_PDU_DEFAULT
                                              : proposed;
}

/* ---- A writer (counts only when buf is NULL) ---------------------------- */

struct wr {
    uint8_t *buf;
    size_t size;
    size_t len;
    bool err;                   /* no room, or a length over 16 bits */
};

static uint8_t *
wr_take__(struct wr *w, size_t n)
{
    if (w->err || (w->buf && w->size - w->len < n)) {
        w->err = true;
        return NULL;
    }
    uint8_t *q = w->buf ? w->buf + w->len : NULL;
    w->len += n;
    return q;
}

static void
wr_u8__(struct wr *w, uint8_t v)
{
    uint8_t *q = wr_take__(w, 1);
    if (q) {
        q[0] = v;
    }
}

static void
wr_u16__(struct wr *w, uint16_t v)
{
    uint8_t *q = wr_take__(w, 2);
    if (q) {
        nvo_wr16(q, v);
    }
}

static void
wr_u32__(struct wr *w, uint32_t v)
{
    uint8_t *q = wr_take__(w, 4);
    if (q) {
        nvo_wr32(q, v);
    }
}

static void
wr_bytes__(struct wr *w, const uint8_t *src, size_t n)
{
    uint8_t *q = wr_take__(w, n);
    if (q && n) {
        memcpy(q, src, n);
    }
}

/* Writes a 16-bit type and a length placeholder; returns the offset of
 * the length field. */
static size_t
wr_open__(struct wr *w, uint16_t type)
{
    wr_u16__(w, type);
    size_t at = w->len;
    wr_u16__(w, 0);
    return at;
}

/* Fills the length field at 'at' with the bytes written after it. */
static void
wr_close__(struct wr *w, size_t at)
{
    size_t n = w->len - at - 2;
    if (n > UINT16_MAX) {
        w->err = true;
    }
    if (!w->err && w->buf) {
        nvo_wr16(w->buf + at, (uint16_t) n);
    }
}

static void
wr_fec_tlv__(struct wr *w, const struct nvo_ldp_fec *f)
{
    size_t at = wr_open__(w, NVO_LDP_TLV_FEC);
    size_t n = nvo_ldp_fec_size(f);
    uint8_t *q = n ? wr_take__(w, n) : NULL;
    if (!n) {
        w->err = true;
    } else if (q) {
        nvo_ldp_fec_encode(f, q, n);
    }
    wr_close__(w, at);
}

static void
wr_tlv32__(struct wr *w, uint16_t type, uint32_t v)
{
    wr_u16__(w, type);
    wr_u16__(w, 4);
    wr_u32__(w, v);
}

static void
wr_body__(struct wr *w, const struct nvo_ldp_msg *m)
{
    switch (m->type) {
    case NVO_LDP_MSG_HELLO: {
        const struct nvo_ldp_hello *h = &m->hello;
        wr_u16__(w, NVO_LDP_TLV_COMMON_HELLO);
        wr_u16__(w, NVO_LDP_COMMON_HELLO_LEN);
        wr_u16__(w, h->hold_time);
        wr_u16__(w, (uint16_t) ((h->targeted ? NVO_LDP_HELLO_T : 0)
                                | (h->request_targeted ? NVO_LDP_HELLO_R
                                   : 0)));
        if (h->has_transport) {
            wr_tlv32__(w, NVO_LDP_TLV_IPV4_TRANSPORT, h->transport_addr);
        }
        if (h->has_cfg_seq) {
            wr_tlv32__(w, NVO_LDP_TLV_CONFIG_SEQ, h->cfg_seq);
        }
        break;
    }
    case NVO_LDP_MSG_INIT: {
        const struct nvo_ldp_init *s = &m->init;
        wr_u16__(w, NVO_LDP_TLV_COMMON_SESSION);
        wr_u16__(w, NVO_LDP_COMMON_SESSION_LEN);
        wr_u16__(w, s->proto_version);
        wr_u16__(w, s->keepalive_time);
        wr_u8__(w, (uint8_t) ((s->downstream_on_demand ? 0x80 : 0)
                              | (s->loop_detection ? 0x40 : 0)));
        wr_u8__(w, s->pv_limit);
        wr_u16__(w, s->max_pdu_len);
        wr_u32__(w, s->receiver.lsr_id);
        wr_u16__(w, s->receiver.label_space);
        break;
    }
    case NVO_LDP_MSG_KEEPALIVE:
        break;
    case NVO_LDP_MSG_NOTIFICATION:
        wr_u16__(w, NVO_LDP_TLV_STATUS);
        wr_u16__(w, NVO_LDP_STATUS_LEN);
        wr_u32__(w, m->notif.status);
        wr_u32__(w, m->notif.msg_id);
        wr_u16__(w, m->notif.msg_type);
        if (m->notif.has_pw_status) {
            wr_tlv32__(w, NVO_LDP_TLV_U_BIT | NVO_LDP_TLV_PW_STATUS,
                       m->notif.pw_status);
        }
        if (m->notif.has_fec) {
            wr_fec_tlv__(w, &m->notif.fec);
        }
        break;
    case NVO_LDP_MSG_ADDRESS:
    case NVO_LDP_MSG_ADDRESS_WITHDRAW: {
        const struct nvo_ldp_addr *a = &m->addr;
        if (!a->has_addrs && (m->type == NVO_LDP_MSG_ADDRESS
                              || !a->has_macs)) {
            w->err = true;                  /* the mandatory list */
        }
        if (a->has_addrs) {
            size_t at = wr_open__(w, NVO_LDP_TLV_ADDRESS_LIST);
            wr_u16__(w, NVO_LDP_AF_IPV4);
            wr_bytes__(w, a->addrs.raw, 4u * a->addrs.n);
            wr_close__(w, at);
        }
        if (a->has_fec) {
            wr_fec_tlv__(w, &a->fec);
        }
        if (a->has_macs) {
            size_t at = wr_open__(w, NVO_LDP_TLV_U_BIT
                                  | NVO_LDP_TLV_MAC_LIST);
            wr_bytes__(w, a->macs.raw, 6u * a->macs.n);
            wr_close__(w, at);
        }
        break;
    }
    case NVO_LDP_MSG_LABEL_MAPPING:
    case NVO_LDP_MSG_LABEL_REQUEST:
    case NVO_LDP_MSG_LABEL_WITHDRAW:
    case NVO_LDP_MSG_LABEL_RELEASE: {
        const struct nvo_ldp_label *l = &m->label;
        wr_fec_tlv__(w, &l->fec);
        if ((m->type == NVO_LDP_MSG_LABEL_MAPPING && !l->has_label)
            || (l->has_label && l->label > NVO_LDP_LABEL_MAX)) {
            w->err = true;
        }
        if (l->has_label) {
            wr_tlv32__(w, NVO_LDP_TLV_GENERIC_LABEL, l->label);
        }
        if (l->has_req_msg_id) {
            wr_tlv32__(w, NVO_LDP_TLV_LABEL_REQ_MSG_ID, l->req_msg_id);
        }
        if (l->has_pw_status) {
            wr_tlv32__(w, NVO_LDP_TLV_U_BIT | NVO_LDP_TLV_PW_STATUS,
                       l->pw_status);
        }
        break;
    }
    default:
        w->err = true;
        break;
    }
}

static size_t
wr_msg__(struct wr *w, const struct nvo_ldp_msg *m)
{
    size_t start = w->len;
    size_t at = wr_open__(w, (uint16_t) ((m->u_bit ? NVO_LDP_MSG_U_BIT : 0)
                                         | (m->type
                                            & NVO_LDP_MSG_TYPE_MASK)));
    wr_u32__(w, m->id);
    wr_body__(w, m);
    wr_close__(w, at);
    return w->err ? 0 : w->len - start;
}

size_t
nvo_ldp_msg_size(const struct nvo_ldp_msg *m)
{
    struct wr w = { .buf = NULL };
    return wr_msg__(&w, m);
}

size_t
nvo_ldp_msg_encode(const struct nvo_ldp_msg *m, uint8_t *buf, size_t size)
{
    size_t n = nvo_ldp_msg_size(m);
    if (!n || n > size) {
        return 0;
    }
    struct wr w = { .buf = buf, .size = size };
    return wr_msg__(&w, m);
}

/* ---- PDUs --------------------------------------------------------------- */

static size_t
max_pdu_total__(uint16_t max_pdu_len)
{
    return 4u + nvo_ldp_max_pdu(max_pdu_len);
}

int
nvo_ldp_pdu_start(struct nvo_ldp_pdu_wr *w, uint8_t *buf, size_t size,
                  const struct nvo_ldp_id *id, uint16_t max_pdu_len)
{
    size = NVO_MIN(size, max_pdu_total__(max_pdu_len));
    if (size < NVO_LDP_PDU_HDR_LEN) {
        return ENOBUFS;
    }
    *w = (struct nvo_ldp_pdu_wr) { .buf = buf, .size = size,
                                   .len = NVO_LDP_PDU_HDR_LEN };
    nvo_wr16(buf, NVO_LDP_VERSION);
    nvo_wr16(buf + 2, 6);
    nvo_wr32(buf + 4, id->lsr_id);
    nvo_wr16(buf + 8, id->label_space);
    return 0;
}

int
nvo_ldp_pdu_add(struct nvo_ldp_pdu_wr *w, const struct nvo_ldp_msg *m)
{
    size_t n = nvo_ldp_msg_size(m);
    if (!n) {
        return EINVAL;
    }
    if (n > w->size - w->len) {
        return ENOSPC;
    }
    nvo_ldp_msg_encode(m, w->buf + w->len, n);
    w->len += n;
    w->n_msgs++;
    return 0;
}

size_t
nvo_ldp_pdu_finish(struct nvo_ldp_pdu_wr *w)
{
    nvo_wr16(w->buf + 2, (uint16_t) (w->len - 4));
    return w->len;
}

size_t
nvo_ldp_pdu_peek_len(const uint8_t *buf, size_t len)
{
    return len < 4 ? 0 : 4u + nvo_rd16(buf + 2);
}

/* ---- Decoding ----------------------------------------------------------- */

/* Internal: an unknown message with U = 1, skipped without a word. */
#define IGNORED UINT32_MAX

/* Decodes the TLVs of message 'm' (whose body is 'b'); 'start' is the
 * PDU's first byte, for offsets. */
static uint32_t
decode_tlvs__(struct nvo_rd *b, const uint8_t *start, struct nvo_ldp_msg *m,
              struct nvo_ldp_error *err)
{
    bool have_main = false, have_fec = false;
    while (b->left) {
        err->offset = nvo_rd_ofs(b, start);
        if (!nvo_rd_has(b, NVO_LDP_TLV_HDR_LEN)) {
            return NVO_LDP_ST_BAD_TLV_LEN;
        }
        uint16_t tu = nvo_rd_u16(b);
        uint16_t type = tu & NVO_LDP_TLV_TYPE_MASK;
        struct nvo_rd v = nvo_rd_sub(b, nvo_rd_u16(b));
        if (!nvo_rd_ok(b)) {
            return NVO_LDP_ST_BAD_TLV_LEN;          /* past the message */
        }
        size_t vlen = v.left;
        bool known = true;
        switch (m->type) {
        case NVO_LDP_MSG_HELLO:
            if (type == NVO_LDP_TLV_COMMON_HELLO) {
                if (vlen != NVO_LDP_COMMON_HELLO_LEN) {
                    return NVO_LDP_ST_BAD_TLV_LEN;
                }
                m->hello.hold_time = nvo_rd_u16(&v);
                uint16_t flags = nvo_rd_u16(&v);
                m->hello.targeted = flags & NVO_LDP_HELLO_T;
                m->hello.request_targeted = flags & NVO_LDP_HELLO_R;
                have_main = true;
            } else if (type == NVO_LDP_TLV_IPV4_TRANSPORT
                       || type == NVO_LDP_TLV_CONFIG_SEQ) {
                if (vlen != 4) {
                    return NVO_LDP_ST_BAD_TLV_LEN;
                }
                bool tr = type == NVO_LDP_TLV_IPV4_TRANSPORT;
                *(tr ? &m->hello.has_transport : &m->hello.has_cfg_seq)
                    = true;
                *(tr ? &m->hello.transport_addr : &m->hello.cfg_seq)
                    = nvo_rd_u32(&v);
            } else {
                known = false;
            }
            break;
        case NVO_LDP_MSG_INIT:
            if (type == NVO_LDP_TLV_COMMON_SESSION) {
                if (vlen != NVO_LDP_COMMON_SESSION_LEN) {
                    return NVO_LDP_ST_BAD_TLV_LEN;
                }
                struct nvo_ldp_init *s = &m->init;
                s->proto_version = nvo_rd_u16(&v);
                s->keepalive_time = nvo_rd_u16(&v);
                uint8_t flags = nvo_rd_u8(&v);
                s->downstream_on_demand = flags & 0x80;
                s->loop_detection = flags & 0x40;
                s->pv_limit = nvo_rd_u8(&v);
                s->max_pdu_len = nvo_rd_u16(&v);
                s->receiver.lsr_id = nvo_rd_u32(&v);
                s->receiver.label_space = nvo_rd_u16(&v);
                if (s->proto_version != NVO_LDP_VERSION) {
                    return NVO_LDP_ST_BAD_VERSION;
                }
                if (!s->keepalive_time) {
                    return NVO_LDP_ST_REJ_BAD_KEEPALIVE;
                }
                have_main = true;
            } else {
                known = false;
            }
            break;
        case NVO_LDP_MSG_NOTIFICATION:
            if (type == NVO_LDP_TLV_STATUS) {
                if (vlen != NVO_LDP_STATUS_LEN) {
                    return NVO_LDP_ST_BAD_TLV_LEN;
                }
                m->notif.status = nvo_rd_u32(&v);
                m->notif.msg_id = nvo_rd_u32(&v);
                m->notif.msg_type = nvo_rd_u16(&v);
                have_main = true;
            } else if (type == NVO_LDP_TLV_PW_STATUS) {
                if (vlen != 4) {
                    return NVO_LDP_ST_BAD_TLV_LEN;
                }
                m->notif.has_pw_status = true;
                m->notif.pw_status = nvo_rd_u32(&v);
            } else if (type == NVO_LDP_TLV_FEC) {
                uint32_t st = nvo_ldp_fec_decode(&v, &m->notif.fec);
                if (st) {
                    return st;
                }
                m->notif.has_fec = true;
            } else if (type != NVO_LDP_TLV_EXT_STATUS
                       && type != NVO_LDP_TLV_RETURNED_PDU
                       && type != NVO_LDP_TLV_RETURNED_MSG) {
                known = false;              /* those three: read, unused */
            }
            break;
        case NVO_LDP_MSG_ADDRESS:
        case NVO_LDP_MSG_ADDRESS_WITHDRAW:
            if (type == NVO_LDP_TLV_ADDRESS_LIST) {
                if (vlen < 2) {
                    return NVO_LDP_ST_BAD_TLV_LEN;
                }
                if (nvo_rd_u16(&v) != NVO_LDP_AF_IPV4) {
                    return NVO_LDP_ST_UNSUPPORTED_AF;
                }
                if (v.left % 4) {
                    return NVO_LDP_ST_MALFORMED_TLV;
                }
                m->addr.has_addrs = true;
                m->addr.addrs.raw = v.p;
                m->addr.addrs.n = (uint16_t) (v.left / 4);
                have_main = true;
            } else if (type == NVO_LDP_TLV_MAC_LIST
                       && m->type == NVO_LDP_MSG_ADDRESS_WITHDRAW) {
                if (vlen % 6) {
                    return NVO_LDP_ST_MALFORMED_TLV;
                }
                m->addr.has_macs = true;
                m->addr.macs.raw = v.p;
                m->addr.macs.n = (uint16_t) (vlen / 6);
                have_main = true;
            } else if (type == NVO_LDP_TLV_FEC
                       && m->type == NVO_LDP_MSG_ADDRESS_WITHDRAW) {
                uint32_t st = nvo_ldp_fec_decode(&v, &m->addr.fec);
                if (st) {
                    return st;
                }
                m->addr.has_fec = true;
            } else {
                known = false;
            }
            break;
        default:                            /* the label messages */
            if (type == NVO_LDP_TLV_FEC) {
                uint32_t st = nvo_ldp_fec_decode(&v, &m->label.fec);
                if (st) {
                    return st;
                }
                have_fec = true;
            } else if (type == NVO_LDP_TLV_GENERIC_LABEL
                       || type == NVO_LDP_TLV_LABEL_REQ_MSG_ID
                       || type == NVO_LDP_TLV_PW_STATUS) {
                if (vlen != 4) {
                    return NVO_LDP_ST_BAD_TLV_LEN;
                }
                uint32_t x = nvo_rd_u32(&v);
                if (type == NVO_LDP_TLV_GENERIC_LABEL) {
                    if (x > NVO_LDP_LABEL_MAX) {
                        return NVO_LDP_ST_MALFORMED_TLV;
                    }
                    m->label.has_label = true;
                    m->label.label = x;
                } else if (type == NVO_LDP_TLV_LABEL_REQ_MSG_ID) {
                    m->label.has_req_msg_id = true;
                    m->label.req_msg_id = x;
                } else {
                    m->label.has_pw_status = true;
                    m->label.pw_status = x;
                }
            } else if (type != NVO_LDP_TLV_HOP_COUNT
                       && type != NVO_LDP_TLV_PATH_VECTOR) {
                known = false;              /* those two: read, unused */
            }
            break;
        }
        if (!known && !(tu & NVO_LDP_TLV_U_BIT)) {
            return NVO_LDP_ST_UNKNOWN_TLV;
        }
    }
    err->offset = 0;
    switch (m->type) {
    case NVO_LDP_MSG_KEEPALIVE:
        return 0;
    case NVO_LDP_MSG_LABEL_MAPPING:
        return have_fec && m->label.has_label ? 0
               : NVO_LDP_ST_MISSING_PARAMS;
    case NVO_LDP_MSG_LABEL_REQUEST:
    case NVO_LDP_MSG_LABEL_WITHDRAW:
    case NVO_LDP_MSG_LABEL_RELEASE:
        return have_fec ? 0 : NVO_LDP_ST_MISSING_PARAMS;
    default:
        return have_main ? 0 : NVO_LDP_ST_MISSING_PARAMS;
    }
}

/* Decodes the message at 'r' and moves past it (unless its own length is
 * bad: Bad Message Length is fatal, the rest of the PDU cannot be
 * found).  Returns 0, IGNORED or a status, with *err filled. */
static uint32_t
decode_msg__(struct nvo_rd *r, const uint8_t *start, struct nvo_ldp_msg *m,
             struct nvo_ldp_error *err)
{
    memset(m, 0, sizeof *m);
    *err = (struct nvo_ldp_error) { .offset = nvo_rd_ofs(r, start) };
    size_t ofs = err->offset;
    uint16_t tu = nvo_rd_u16(r);
    uint16_t len = nvo_rd_u16(r);
    err->msg_type = tu;
    if (nvo_rd_has(r, 4)) {
        err->msg_id = nvo_rd32(r->p);       /* for the Notification */
    }
    if (!nvo_rd_ok(r) || len < 4) {
        return NVO_LDP_ST_BAD_MSG_LEN;
    }
    struct nvo_rd b = nvo_rd_sub(r, len);
    if (!nvo_rd_ok(r)) {
        return NVO_LDP_ST_BAD_MSG_LEN;              /* past the PDU */
    }
    m->type = tu & NVO_LDP_MSG_TYPE_MASK;
    m->u_bit = tu & NVO_LDP_MSG_U_BIT;
    m->id = nvo_rd_u32(&b);
    err->msg_id = m->id;
    if (!nvo_ldp_msg_name(m->type)) {
        return m->u_bit ? IGNORED : NVO_LDP_ST_UNKNOWN_MSG_TYPE;
    }
    uint32_t st = decode_tlvs__(&b, start, m, err);
    if (!st) {
        err->offset = 0;
    } else if (!err->offset) {
        err->offset = ofs;
    }
    return st;
}

uint32_t
nvo_ldp_pdu_begin(struct nvo_ldp_pdu_rd *rd, const uint8_t *buf, size_t len,
                  uint16_t max_pdu_len)
{
    memset(rd, 0, sizeof *rd);
    rd->start = buf;
    struct nvo_rd r = nvo_rd_init(buf, len);
    rd->hdr.version = nvo_rd_u16(&r);
    rd->hdr.pdu_len = nvo_rd_u16(&r);
    rd->hdr.id.lsr_id = nvo_rd_u32(&r);
    rd->hdr.id.label_space = nvo_rd_u16(&r);
    rd->failed = true;
    if (len >= 2 && rd->hdr.version != NVO_LDP_VERSION) {
        rd->fatal.status = NVO_LDP_ST_BAD_VERSION;
        return rd->fatal.status;
    }
    if (!nvo_rd_ok(&r)
        || rd->hdr.pdu_len < NVO_LDP_PDU_HDR_LEN - 4 + NVO_LDP_MSG_HDR_LEN
        || 4u + rd->hdr.pdu_len > max_pdu_total__(max_pdu_len)
        || 4u + rd->hdr.pdu_len > len) {
        rd->fatal.status = NVO_LDP_ST_BAD_PDU_LEN;
        return rd->fatal.status;
    }
    rd->r = nvo_rd_init(buf + NVO_LDP_PDU_HDR_LEN,
                        rd->hdr.pdu_len - (NVO_LDP_PDU_HDR_LEN - 4u));
    rd->failed = false;
    return 0;
}

bool
nvo_ldp_pdu_next(struct nvo_ldp_pdu_rd *rd, struct nvo_ldp_msg *m,
                 struct nvo_ldp_error *err)
{
    for (;;) {
        if (rd->failed) {
            *err = rd->fatal;
            return false;
        }
        if (!rd->r.left) {
            *err = (struct nvo_ldp_error) { .status = 0 };
            return false;
        }
        uint32_t st = decode_msg__(&rd->r, rd->start, m, err);
        if (st == IGNORED) {
            rd->n_ignored++;
            continue;
        }
        err->status = st;
        if (!st) {
            return true;
        }
        if (nvo_ldp_status_fatal(st)) {
            rd->failed = true;
            rd->fatal = *err;
            rd->r.left = 0;
        }
        return false;
    }
}

uint32_t
nvo_ldp_msg_decode(const uint8_t *buf, size_t len, struct nvo_ldp_msg *m,
                   struct nvo_ldp_error *err)
{
    struct nvo_ldp_error e;
    struct nvo_rd r = nvo_rd_init(buf, len);
    uint32_t st = decode_msg__(&r, buf, m, &e);
    if (st == IGNORED) {
        st = NVO_LDP_ST_UNKNOWN_MSG_TYPE;
    } else if (!st && r.left) {
        st = NVO_LDP_ST_BAD_MSG_LEN;                /* bytes after it */
        e.offset = 0;
    }
    e.status = st;
    if (err) {
        *err = e;
    }
    return st;
}

void
nvo_ldp_notif_for(const struct nvo_ldp_error *err, uint32_t id,
                  struct nvo_ldp_msg *out)
{
    memset(out, 0, sizeof *out);
    out->type = NVO_LDP_MSG_NOTIFICATION;
    out->id = id;
    out->notif.status = nvo_ldp_status_code(err->status);
    out->notif.msg_id = err->msg_id;
    out->notif.msg_type = err->msg_type;
}
