/* ldp_fec.c: the PWid FEC element 128 and the Wildcard FEC element,
 * encode and decode (wire/ldp_fec.h). */
#include "wire/ldp_fec.h"

#include "wire/ldp.h"

#define MTU_SUBTLV_LEN 4

size_t
nvo_ldp_fec_size(const struct nvo_ldp_fec *f)
{
    if (f->kind == NVO_LDP_FEC_WILDCARD) {
        return 1;
    }
    if (f->kind != NVO_LDP_FEC_PWID || f->pw_type > NVO_LDP_PW_TYPE_MAX) {
        return 0;
    }
    if (!f->has_pw_id) {
        return f->has_mtu ? 0 : NVO_LDP_PWID_FIXED_LEN;
    }
    if (!f->pw_id) {
        return 0;
    }
    return NVO_LDP_PWID_FIXED_LEN + 4 + (f->has_mtu ? MTU_SUBTLV_LEN : 0);
}

size_t
nvo_ldp_fec_encode(const struct nvo_ldp_fec *f, uint8_t *buf, size_t size)
{
    size_t n = nvo_ldp_fec_size(f);
    if (!n || n > size) {
        return 0;
    }
    buf[0] = f->kind;
    if (f->kind == NVO_LDP_FEC_WILDCARD) {
        return 1;
    }
    nvo_wr16(buf + 1, (uint16_t) ((f->control_word ? 0x8000 : 0)
                                  | f->pw_type));
    buf[3] = (uint8_t) (n - NVO_LDP_PWID_FIXED_LEN);   /* PW info length */
    nvo_wr32(buf + 4, f->group_id);
    if (f->has_pw_id) {
        nvo_wr32(buf + 8, f->pw_id);
        if (f->has_mtu) {
            buf[12] = NVO_LDP_IFP_MTU;
            buf[13] = MTU_SUBTLV_LEN;
            nvo_wr16(buf + 14, f->mtu);
        }
    }
    return n;
}

uint32_t
nvo_ldp_fec_decode(struct nvo_rd *val, struct nvo_ldp_fec *f)
{
    memset(f, 0, sizeof *f);
    if (!nvo_rd_has(val, 1)) {
        return NVO_LDP_ST_MALFORMED_TLV;            /* no element */
    }
    f->kind = nvo_rd_u8(val);
    if (f->kind == NVO_LDP_FEC_WILDCARD) {
        return val->left ? NVO_LDP_ST_MALFORMED_TLV : 0;
    }
    if (f->kind != NVO_LDP_FEC_PWID) {
        return NVO_LDP_ST_UNKNOWN_FEC;
    }
    uint16_t ctype = nvo_rd_u16(val);
    f->control_word = ctype & 0x8000;
    f->pw_type = ctype & NVO_LDP_PW_TYPE_MAX;
    uint8_t info_len = nvo_rd_u8(val);
    f->group_id = nvo_rd_u32(val);
    struct nvo_rd info = nvo_rd_sub(val, info_len);
    if (!nvo_rd_ok(val) || val->left) {
        /* Truncated, or the info length disagrees with the TLV's, or a
         * second element follows. */
        return NVO_LDP_ST_MALFORMED_TLV;
    }
    if (!info_len) {
        return 0;                                   /* a group */
    }
    f->has_pw_id = true;
    f->pw_id = nvo_rd_u32(&info);
    if (!nvo_rd_ok(&info) || !f->pw_id) {
        return NVO_LDP_ST_MALFORMED_TLV;
    }
    while (info.left) {
        uint8_t type = nvo_rd_u8(&info);
        uint8_t len = nvo_rd_u8(&info);
        if (len < 2) {
            return NVO_LDP_ST_MALFORMED_TLV;
        }
        struct nvo_rd v = nvo_rd_sub(&info, len - 2u);
        if (!nvo_rd_ok(&info)) {
            return NVO_LDP_ST_MALFORMED_TLV;
        }
        if (type == NVO_LDP_IFP_MTU) {
            if (len != MTU_SUBTLV_LEN || f->has_mtu) {
                return NVO_LDP_ST_MALFORMED_TLV;
            }
            f->has_mtu = true;
            f->mtu = nvo_rd_u16(&v);
        } else if (f->n_other_params < UINT8_MAX) {
            f->n_other_params++;
        }
    }
    return 0;
}
