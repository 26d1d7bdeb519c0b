/* bgp_attr.c: BGP path attributes and UPDATE messages: encoding in the
 * order bgp_attr.h documents, decoding with the checks of RFC 4271 6.3,
 * RFC 7606 and RFC 4760. */
#include "wire/bgp_attr.h"

#include <errno.h>

#include "wire/bgp_nlri.h"

/* ---- Extended communities ------------------------------------------------ */

void
nvo_bgp_ec_rt(uint8_t ec[NVO_BGP_EC_LEN], uint16_t as, uint32_t n)
{
    ec[0] = 0x00;                   /* RFC 4360 3.1: transitive 2-octet AS */
    ec[1] = 0x02;                   /* route target */
    nvo_wr16(ec + 2, as);
    nvo_wr32(ec + 4, n);
}

void
nvo_bgp_ec_encap(uint8_t ec[NVO_BGP_EC_LEN], uint16_t tunnel_type)
{
    ec[0] = 0x03;                   /* RFC 9012 4.1: transitive opaque */
    ec[1] = 0x0c;                   /* encapsulation */
    memset(ec + 2, 0, 4);           /* reserved */
    nvo_wr16(ec + 6, tunnel_type);
}

void
nvo_bgp_ec_mac_mobility(uint8_t ec[NVO_BGP_EC_LEN], bool sticky,
                        uint32_t seq)
{
    ec[0] = 0x06;                   /* RFC 7432 7.7: EVPN */
    ec[1] = 0x00;                   /* MAC mobility */
    ec[2] = sticky ? 0x01 : 0x00;
    ec[3] = 0;
    nvo_wr32(ec + 4, seq);
}

void
nvo_bgp_ec_l2info(uint8_t ec[NVO_BGP_EC_LEN], uint8_t encap, uint8_t flags,
                  uint16_t mtu)
{
    ec[0] = 0x80;                   /* RFC 4761 3.2.4: Layer2 Info 0x800a */
    ec[1] = 0x0a;
    ec[2] = encap;
    ec[3] = flags;
    nvo_wr16(ec + 4, mtu);
    nvo_wr16(ec + 6, 0);
}

struct nvo_bgp_ec
nvo_bgp_ec_parse(const uint8_t ec[NVO_BGP_EC_LEN])
{
    struct nvo_bgp_ec x = { .kind = NVO_BGP_EC_OTHER };
    uint8_t t = ec[0] & 0xbf;       /* ignore the non-transitive bit */
    if (t == 0x00 && ec[1] == 0x02) {
        x.kind = NVO_BGP_EC_RT;
        x.a = nvo_rd16(ec + 2);
        x.b = nvo_rd32(ec + 4);
    } else if (t == 0x03 && ec[1] == 0x0c) {
        x.kind = NVO_BGP_EC_ENCAP;
        x.a = nvo_rd16(ec + 6);
    } else if (t == 0x06 && ec[1] == 0x00) {
        x.kind = NVO_BGP_EC_MAC_MOBILITY;
        x.a = ec[2];
        x.b = nvo_rd32(ec + 4);
    } else if (ec[0] == 0x80 && ec[1] == 0x0a) {
        x.kind = NVO_BGP_EC_L2INFO;
        x.a = ec[2];
        x.b = (uint32_t) ec[3] << 16 | nvo_rd16(ec + 4);
    }
    return x;
}

/* ---- AS_PATH ------------------------------------------------------------- */

size_t
nvo_bgp_as_path_build(uint8_t *buf, size_t cap, const uint32_t *asns,
                      size_t n)
{
    struct nvo_bgp_buf b = nvo_bgp_buf_init(buf, cap);
    for (size_t i = 0; i < n; i += 255) {
        size_t k = NVO_MIN(n - i, 255u);
        nvo_bgp_buf_u8(&b, NVO_BGP_AS_SEQUENCE);
        nvo_bgp_buf_u8(&b, (uint8_t) k);
        for (size_t j = 0; j < k; j++) {
            nvo_bgp_buf_u32(&b, asns[i + j]);
        }
    }
    return b.err ? 0 : b.len;
}

/* Whether 'len' bytes at 'p' are well-formed segments of 4-octet ASNs. */
static bool
as_path_ok__(const uint8_t *p, size_t len)
{
    struct nvo_rd r = nvo_rd_init(p, len);
    while (r.left > 0) {
        uint8_t t = nvo_rd_u8(&r);
        uint8_t n = nvo_rd_u8(&r);
        /* RFC 4271 4.3 sets and sequences, RFC 5065 confederations */
        if (t < 1 || t > 4 || n == 0 || !nvo_rd_skip(&r, 4u * n)) {
            return false;
        }
    }
    return nvo_rd_ok(&r);
}

size_t
nvo_bgp_as_path_length(const uint8_t *path, size_t len)
{
    struct nvo_rd r = nvo_rd_init(path, len);
    size_t n_as = 0;
    while (r.left > 0 && nvo_rd_ok(&r)) {
        uint8_t t = nvo_rd_u8(&r);
        uint8_t n = nvo_rd_u8(&r);
        if (!nvo_rd_skip(&r, 4u * n)) {
            break;
        }
        n_as += t == NVO_BGP_AS_SET ? 1 : t == NVO_BGP_AS_SEQUENCE ? n : 0;
    }
    return n_as;
}

/* ---- Encoding ------------------------------------------------------------ */

static size_t
pmsi_len__(const struct nvo_bgp_pmsi *p)
{
    return 5u + p->id_len;
}

/* Header then value: extended length only when over 255 bytes. */
static void
attr_hdr__(struct nvo_bgp_buf *b, uint8_t flags, uint8_t type, size_t len)
{
    if (len > 0xffff) {
        b->err = true;
        return;
    }
    if (len > 255) {
        nvo_bgp_buf_u8(b, flags | NVO_BGP_ATTR_F_EXT_LEN);
        nvo_bgp_buf_u8(b, type);
        nvo_bgp_buf_u16(b, (uint16_t) len);
    } else {
        nvo_bgp_buf_u8(b, flags & (uint8_t) ~NVO_BGP_ATTR_F_EXT_LEN);
        nvo_bgp_buf_u8(b, type);
        nvo_bgp_buf_u8(b, (uint8_t) len);
    }
}

static size_t
hdr_len__(size_t len)
{
    return len > 255 ? 4 : 3;
}

size_t
nvo_bgp_attrs_size(const struct nvo_bgp_attrs *a)
{
    size_t n = 0;
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_ORIGIN)) {
        n += 4;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_AS_PATH)) {
        n += hdr_len__(a->as_path_len) + a->as_path_len;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_NEXT_HOP)) {
        n += 7;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MED)) {
        n += 7;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_LOCAL_PREF)) {
        n += 7;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_ORIGINATOR_ID)) {
        n += 7;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_CLUSTER_LIST)) {
        n += hdr_len__(4u * a->n_clusters) + 4u * a->n_clusters;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_EXT_COMM)) {
        size_t l = (size_t) NVO_BGP_EC_LEN * a->n_ext_comm;
        n += hdr_len__(l) + l;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_PMSI)) {
        n += 3 + pmsi_len__(&a->pmsi);
    }
    for (size_t i = 0; i < a->n_unknown && i < NVO_BGP_UNKNOWN_MAX; i++) {
        n += hdr_len__(a->unknown[i].len) + a->unknown[i].len;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_REACH)) {
        n += 3 + 5u + a->mp_nh_len;
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_UNREACH)) {
        n += 3 + 3;
    }
    return n;
}

#define WK NVO_BGP_ATTR_F_TRANSITIVE                      /* well-known */
#define ONT NVO_BGP_ATTR_F_OPTIONAL                       /* non-transitive */
#define OT (NVO_BGP_ATTR_F_OPTIONAL | NVO_BGP_ATTR_F_TRANSITIVE)

size_t
nvo_bgp_attrs_encode(struct nvo_bgp_buf *b, const struct nvo_bgp_attrs *a)
{
    size_t start = b->len;
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_ORIGIN)) {            /* RFC 4271 5.1.1 */
        attr_hdr__(b, WK, NVO_BGP_ATTR_ORIGIN, 1);
        nvo_bgp_buf_u8(b, a->origin);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_AS_PATH)) {           /* 5.1.2 */
        attr_hdr__(b, WK, NVO_BGP_ATTR_AS_PATH, a->as_path_len);
        nvo_bgp_buf_bytes(b, a->as_path, a->as_path_len);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_NEXT_HOP)) {          /* 5.1.3 */
        attr_hdr__(b, WK, NVO_BGP_ATTR_NEXT_HOP, 4);
        nvo_bgp_buf_u32(b, a->next_hop);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MED)) {               /* 5.1.4 */
        attr_hdr__(b, ONT, NVO_BGP_ATTR_MED, 4);
        nvo_bgp_buf_u32(b, a->med);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_LOCAL_PREF)) {        /* 5.1.5 */
        attr_hdr__(b, WK, NVO_BGP_ATTR_LOCAL_PREF, 4);
        nvo_bgp_buf_u32(b, a->local_pref);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_ORIGINATOR_ID)) {     /* RFC 4456 8 */
        attr_hdr__(b, ONT, NVO_BGP_ATTR_ORIGINATOR_ID, 4);
        nvo_bgp_buf_u32(b, a->originator_id);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_CLUSTER_LIST)) {      /* RFC 4456 8 */
        attr_hdr__(b, ONT, NVO_BGP_ATTR_CLUSTER_LIST, 4u * a->n_clusters);
        nvo_bgp_buf_bytes(b, a->cluster_list, 4u * a->n_clusters);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_EXT_COMM)) {          /* RFC 4360 2 */
        size_t l = (size_t) NVO_BGP_EC_LEN * a->n_ext_comm;
        attr_hdr__(b, OT, NVO_BGP_ATTR_EXT_COMM, l);
        nvo_bgp_buf_bytes(b, a->ext_comm, l);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_PMSI)) {              /* RFC 6514 5 */
        if (a->pmsi.id_len > sizeof a->pmsi.id || a->pmsi.label > 0xffffff) {
            b->err = true;
            return 0;
        }
        attr_hdr__(b, OT, NVO_BGP_ATTR_PMSI, pmsi_len__(&a->pmsi));
        nvo_bgp_buf_u8(b, a->pmsi.flags);
        nvo_bgp_buf_u8(b, a->pmsi.type);
        nvo_bgp_buf_u24(b, a->pmsi.label);
        nvo_bgp_buf_bytes(b, a->pmsi.id, a->pmsi.id_len);
    }
    for (size_t i = 0; i < a->n_unknown && i < NVO_BGP_UNKNOWN_MAX; i++) {
        const struct nvo_bgp_attr_raw *u = &a->unknown[i];
        attr_hdr__(b, u->flags, u->type, u->len);
        nvo_bgp_buf_bytes(b, u->value, u->len);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_REACH)) {          /* RFC 4760 3 */
        if (a->mp_nh_len > sizeof a->mp_nh) {
            b->err = true;
            return 0;
        }
        attr_hdr__(b, ONT, NVO_BGP_ATTR_MP_REACH,
                   5u + a->mp_nh_len + a->mp_nlri_len);
        nvo_bgp_buf_u16(b, a->mp_afi);
        nvo_bgp_buf_u8(b, a->mp_safi);
        nvo_bgp_buf_u8(b, a->mp_nh_len);
        nvo_bgp_buf_bytes(b, a->mp_nh, a->mp_nh_len);
        nvo_bgp_buf_u8(b, 0);                             /* reserved */
        nvo_bgp_buf_bytes(b, a->mp_nlri, a->mp_nlri_len);
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_UNREACH)) {        /* RFC 4760 4 */
        attr_hdr__(b, ONT, NVO_BGP_ATTR_MP_UNREACH, 3u + a->mpu_nlri_len);
        nvo_bgp_buf_u16(b, a->mpu_afi);
        nvo_bgp_buf_u8(b, a->mpu_safi);
        nvo_bgp_buf_bytes(b, a->mpu_nlri, a->mpu_nlri_len);
    }
    return b->err ? 0 : b->len - start;
}

size_t
nvo_bgp_update_encode(struct nvo_bgp_buf *b, size_t max_len,
                      const uint8_t *withdrawn, size_t withdrawn_len,
                      const struct nvo_bgp_attrs *a,
                      const uint8_t *nlri, size_t nlri_len)
{
    size_t start = nvo_bgp_msg_begin(b, NVO_BGP_UPDATE);   /* 4.3 */
    if (withdrawn_len > 0xffff) {
        b->err = true;
        return 0;
    }
    nvo_bgp_buf_u16(b, (uint16_t) withdrawn_len);
    nvo_bgp_buf_bytes(b, withdrawn, withdrawn_len);
    size_t alen_at = b->len;
    nvo_bgp_buf_u16(b, 0);
    size_t alen = a ? nvo_bgp_attrs_encode(b, a) : 0;
    if (b->err || alen > 0xffff) {
        b->err = true;
        return 0;
    }
    nvo_wr16(b->p + alen_at, (uint16_t) alen);
    nvo_bgp_buf_bytes(b, nlri, nlri_len);
    return nvo_bgp_msg_end(b, start, max_len);
}

size_t
nvo_bgp_eor_encode(struct nvo_bgp_buf *b, uint16_t afi, uint8_t safi)
{
    if (afi == NVO_BGP_AFI_IPV4 && safi == NVO_BGP_SAFI_UNICAST) {
        return nvo_bgp_update_encode(b, NVO_BGP_MAX_LEN, NULL, 0, NULL,
                                     NULL, 0);
    }
    struct nvo_bgp_attrs a = {
        .present = 1u << NVO_BGP_ATTR_MP_UNREACH,
        .mpu_afi = afi, .mpu_safi = safi,
    };
    return nvo_bgp_update_encode(b, NVO_BGP_MAX_LEN, NULL, 0, &a, NULL, 0);
}

/* ---- Decoding ------------------------------------------------------------ */

/* Walks IPv4 prefixes (RFC 4271 4.3); counts them or fails with 3/10. */
static int
ipv4_prefixes__(const uint8_t *msg, const uint8_t *p, size_t len,
                const char *what, size_t *n, struct nvo_bgp_error *e)
{
    struct nvo_rd r = nvo_rd_init(p, len);
    *n = 0;
    while (r.left > 0) {
        size_t at = nvo_rd_ofs(&r, msg);
        uint8_t bits = nvo_rd_u8(&r);
        if (bits > 32 || !nvo_rd_skip(&r, (bits + 7u) / 8u)) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                NVO_BGP_UPD_BAD_NETWORK, at, 0, 0,
                                "%s prefix at byte %zu: length %u bits %s",
                                what, at, bits, bits > 32 ? "over 32"
                                : "runs past the field");
        }
        (*n)++;
    }
    return 0;
}

/* Walks the L2VPN NLRI of an MP attribute (EVPN or VPLS; others are not
 * looked into). */
static int
mp_nlri__(const uint8_t *msg, uint16_t afi, uint8_t safi, const uint8_t *p,
          size_t len, size_t *n, struct nvo_bgp_error *e)
{
    struct nvo_rd r = nvo_rd_init(p, len);
    *n = 0;
    if (afi != NVO_BGP_AFI_L2VPN
        || (safi != NVO_BGP_SAFI_EVPN && safi != NVO_BGP_SAFI_VPLS)) {
        return 0;
    }
    while (r.left > 0) {
        int rc;
        if (safi == NVO_BGP_SAFI_EVPN) {
            struct nvo_evpn_route rt;
            rc = nvo_evpn_route_decode(&r, msg, &rt, e);
        } else {
            struct nvo_vpls_nlri v;
            rc = nvo_vpls_nlri_decode(&r, msg, &v, e);
        }
        if (rc) {
            return rc;
        }
        (*n)++;
    }
    return 0;
}

/* The flags a recognized attribute must have (optional, transitive). */
static bool
known_flags__(uint8_t type, uint8_t *want)
{
    switch (type) {
    case NVO_BGP_ATTR_ORIGIN:
    case NVO_BGP_ATTR_AS_PATH:
    case NVO_BGP_ATTR_NEXT_HOP:
    case NVO_BGP_ATTR_LOCAL_PREF:
        *want = WK;
        return true;
    case NVO_BGP_ATTR_MED:
    case NVO_BGP_ATTR_ORIGINATOR_ID:
    case NVO_BGP_ATTR_CLUSTER_LIST:
    case NVO_BGP_ATTR_MP_REACH:
    case NVO_BGP_ATTR_MP_UNREACH:
        *want = ONT;
        return true;
    case NVO_BGP_ATTR_EXT_COMM:
    case NVO_BGP_ATTR_PMSI:
        *want = OT;
        return true;
    default:
        return false;
    }
}

/* Decodes the PMSI value; false if its length does not fit its type. */
static bool
pmsi_decode__(const uint8_t *v, size_t len, struct nvo_bgp_pmsi *p)
{
    if (len < 5 || len - 5 > sizeof p->id) {
        return false;
    }
    p->flags = v[0];
    p->type = v[1];
    p->label = nvo_rd24(v + 2);
    p->id_len = (uint8_t) (len - 5);
    memcpy(p->id, v + 5, p->id_len);
    switch (p->type) {
    case NVO_PMSI_INGRESS_REPL:
        return p->id_len == 4 || p->id_len == 16;
    case NVO_PMSI_PIM_SSM:
    case NVO_PMSI_PIM_SM:
    case NVO_PMSI_BIDIR_PIM:
        return p->id_len == 8 || p->id_len == 32;
    default:
        return true;
    }
}

/* The path attributes in 'ar' into u->attrs (and the MP NLRI counts);
 * error offsets are from 'msg'. */
static int
attrs_decode__(const uint8_t *msg, struct nvo_rd *ar,
               struct nvo_bgp_update *u, struct nvo_bgp_error *e)
{
    struct nvo_bgp_attrs *a = &u->attrs;
    int rc;
    uint32_t seen[8] = { 0 };
    while (ar->left > 0) {
        size_t at = nvo_rd_ofs(ar, msg);
        uint8_t flags = nvo_rd_u8(ar);
        uint8_t type = nvo_rd_u8(ar);
        size_t vlen = flags & NVO_BGP_ATTR_F_EXT_LEN ? nvo_rd_u16(ar)
                                                     : nvo_rd_u8(ar);
        size_t hlen = flags & NVO_BGP_ATTR_F_EXT_LEN ? 4 : 3;
        const uint8_t *v = nvo_rd_take(ar, vlen);
        if (!nvo_rd_ok(ar)) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                NVO_BGP_UPD_MALFORMED_ATTRS, at, 0, 0,
                                "attribute %u at byte %zu: its header or "
                                "length runs past the path attributes",
                                type, at);
        }
        size_t whole = hlen + vlen;
        if (seen[type / 32] >> (type % 32) & 1u) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                NVO_BGP_UPD_MALFORMED_ATTRS, at, 0, 0,
                                "attribute %u appears twice", type);
        }
        seen[type / 32] |= 1u << (type % 32);
        uint8_t want;
        if (!known_flags__(type, &want)) {
            if (!(flags & NVO_BGP_ATTR_F_OPTIONAL)
                && type != 6 /* ATOMIC_AGGREGATE, RFC 4271 5.1.6 */) {
                return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                    NVO_BGP_UPD_UNKNOWN_WELL_KNOWN, at, at,
                                    whole, "unrecognized well-known "
                                    "attribute %u", type);
            }
            if (u->attrs.n_unknown < NVO_BGP_UNKNOWN_MAX) {
                a->unknown[a->n_unknown] = (struct nvo_bgp_attr_raw) {
                    .flags = flags, .type = type, .value = v,
                    .len = (uint16_t) vlen };
            }
            a->n_unknown++;
            continue;
        }
        /* RFC 4271 6.3: the optional and transitive bits must be the
         * type's; partial only on optional transitive ones. */
        uint8_t f = flags & (NVO_BGP_ATTR_F_OPTIONAL | NVO_BGP_ATTR_F_TRANSITIVE);
        if (f != want || ((flags & NVO_BGP_ATTR_F_PARTIAL) && want != OT)) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_ATTR_FLAGS,
                                at, at, whole, "attribute %u has flags 0x%02x",
                                type, flags);
        }
        size_t want_len = 0;
        switch (type) {
        case NVO_BGP_ATTR_ORIGIN: want_len = 1; break;
        case NVO_BGP_ATTR_NEXT_HOP:
        case NVO_BGP_ATTR_MED:
        case NVO_BGP_ATTR_LOCAL_PREF:
        case NVO_BGP_ATTR_ORIGINATOR_ID: want_len = 4; break;
        default: break;
        }
        if ((want_len && vlen != want_len)
            || (type == NVO_BGP_ATTR_CLUSTER_LIST && vlen % 4)
            || (type == NVO_BGP_ATTR_EXT_COMM && vlen % NVO_BGP_EC_LEN)) {
            return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_ATTR_LENGTH,
                                at, at, whole, "attribute %u has length %zu",
                                type, vlen);
        }
        switch (type) {
        case NVO_BGP_ATTR_ORIGIN:
            a->origin = v[0];
            if (a->origin > 2) {
                return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                    NVO_BGP_UPD_BAD_ORIGIN, at, at, whole,
                                    "ORIGIN %u (0..2)", a->origin);
            }
            break;
        case NVO_BGP_ATTR_AS_PATH:
            if (!as_path_ok__(v, vlen)) {
                return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                    NVO_BGP_UPD_MALFORMED_AS_PATH, at, 0, 0,
                                    "AS_PATH segments malformed");
            }
            a->as_path = v;
            a->as_path_len = (uint16_t) vlen;
            break;
        case NVO_BGP_ATTR_NEXT_HOP:
            a->next_hop = nvo_rd32(v);
            if (a->next_hop == 0 || (a->next_hop >> 28) == 0xe) {
                return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                    NVO_BGP_UPD_BAD_NEXT_HOP, at, at, whole,
                                    "NEXT_HOP %u.%u.%u.%u", v[0], v[1],
                                    v[2], v[3]);
            }
            break;
        case NVO_BGP_ATTR_MED: a->med = nvo_rd32(v); break;
        case NVO_BGP_ATTR_LOCAL_PREF: a->local_pref = nvo_rd32(v); break;
        case NVO_BGP_ATTR_ORIGINATOR_ID: a->originator_id = nvo_rd32(v); break;
        case NVO_BGP_ATTR_CLUSTER_LIST:
            a->cluster_list = v;
            a->n_clusters = (uint16_t) (vlen / 4);
            break;
        case NVO_BGP_ATTR_EXT_COMM:
            a->ext_comm = v;
            a->n_ext_comm = (uint16_t) (vlen / NVO_BGP_EC_LEN);
            break;
        case NVO_BGP_ATTR_PMSI:
            if (!pmsi_decode__(v, vlen, &a->pmsi)) {
                return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                    NVO_BGP_UPD_OPTIONAL_ATTR, at, at, whole,
                                    "PMSI tunnel attribute of %zu bytes for "
                                    "tunnel type %u", vlen,
                                    vlen >= 2 ? v[1] : 0);
            }
            break;
        case NVO_BGP_ATTR_MP_REACH: {
            struct nvo_rd m = nvo_rd_init(v, vlen);
            a->mp_afi = nvo_rd_u16(&m);
            a->mp_safi = nvo_rd_u8(&m);
            a->mp_nh_len = nvo_rd_u8(&m);
            if (a->mp_nh_len > sizeof a->mp_nh
                || (a->mp_afi == NVO_BGP_AFI_L2VPN && a->mp_nh_len != 4
                    && a->mp_nh_len != 16 && a->mp_nh_len != 32)
                || !nvo_rd_bytes(&m, a->mp_nh, a->mp_nh_len)
                || !nvo_rd_skip(&m, 1)) {
                return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                    NVO_BGP_UPD_OPTIONAL_ATTR, at, at, whole,
                                    "MP_REACH_NLRI: next hop length %u in "
                                    "%zu bytes", a->mp_nh_len, vlen);
            }
            a->mp_nlri = m.p;
            a->mp_nlri_len = (uint16_t) m.left;
            rc = mp_nlri__(msg, a->mp_afi, a->mp_safi, a->mp_nlri,
                           a->mp_nlri_len, &u->n_mp_reach, e);
            if (rc) {
                if (e) {
                    e->data_ofs = at;
                    e->data_len = whole;
                }
                return rc;
            }
            break;
        }
        case NVO_BGP_ATTR_MP_UNREACH:
            if (vlen < 3) {
                return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                                    NVO_BGP_UPD_OPTIONAL_ATTR, at, at, whole,
                                    "MP_UNREACH_NLRI of %zu bytes", vlen);
            }
            a->mpu_afi = nvo_rd16(v);
            a->mpu_safi = v[2];
            a->mpu_nlri = v + 3;
            a->mpu_nlri_len = (uint16_t) (vlen - 3);
            rc = mp_nlri__(msg, a->mpu_afi, a->mpu_safi, a->mpu_nlri,
                           a->mpu_nlri_len, &u->n_mp_unreach, e);
            if (rc) {
                if (e) {
                    e->data_ofs = at;
                    e->data_len = whole;
                }
                return rc;
            }
            break;
        default:
            break;
        }
        a->present |= 1u << type;
    }
    return 0;
}

int
nvo_bgp_attrs_decode(const uint8_t *p, size_t len, struct nvo_bgp_attrs *out,
                     struct nvo_bgp_error *e)
{
    struct nvo_bgp_update u;
    memset(&u, 0, sizeof u);
    struct nvo_rd ar = nvo_rd_init(p, len);
    int rc = attrs_decode__(p, &ar, &u, e);
    *out = u.attrs;
    return rc;
}

int
nvo_bgp_update_decode(const uint8_t *msg, size_t len,
                      struct nvo_bgp_update *u, struct nvo_bgp_error *e)
{
    memset(u, 0, sizeof *u);
    struct nvo_bgp_attrs *a = &u->attrs;
    struct nvo_rd r = nvo_rd_init(msg, len);
    nvo_rd_skip(&r, NVO_BGP_HDR_LEN);
    u->withdrawn_len = nvo_rd_u16(&r);
    u->withdrawn = r.p;
    if (!nvo_rd_skip(&r, u->withdrawn_len)) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_MALFORMED_ATTRS,
                            19, 0, 0, "withdrawn routes length %u runs past "
                            "the message", u->withdrawn_len);
    }
    uint16_t alen = nvo_rd_u16(&r);
    size_t alen_at = 21u + u->withdrawn_len;
    struct nvo_rd ar = nvo_rd_sub(&r, alen);
    if (!nvo_rd_ok(&r)) {
        return nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE, NVO_BGP_UPD_MALFORMED_ATTRS,
                            alen_at, 0, 0, "total path attribute length %u "
                            "runs past the message", alen);
    }
    u->nlri = r.p;
    u->nlri_len = r.left;
    int rc = ipv4_prefixes__(msg, u->withdrawn, u->withdrawn_len,
                             "withdrawn", &u->n_withdrawn, e);
    if (rc) {
        return rc;
    }
    rc = attrs_decode__(msg, &ar, u, e);
    if (rc) {
        return rc;
    }
    rc = ipv4_prefixes__(msg, u->nlri, u->nlri_len, "NLRI", &u->n_nlri, e);
    if (rc) {
        return rc;
    }
    /* RFC 4271 6.3 / RFC 4760 3: mandatory attributes with routes. */
    if (u->n_nlri > 0 || NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_REACH)) {
        static const uint8_t need[] = {
            NVO_BGP_ATTR_ORIGIN, NVO_BGP_ATTR_AS_PATH, NVO_BGP_ATTR_NEXT_HOP };
        for (size_t i = 0; i < NVO_ARRAY_SIZE(need); i++) {
            if (need[i] == NVO_BGP_ATTR_NEXT_HOP && u->n_nlri == 0) {
                continue;
            }
            if (!NVO_BGP_HAS(a, need[i])) {
                nvo_bgp_fail(e, NVO_BGP_ERR_UPDATE,
                             NVO_BGP_UPD_MISSING_WELL_KNOWN, alen_at, 0, 0,
                             "missing well-known attribute %u", need[i]);
                if (e) {
                    e->data_own[0] = need[i];
                    e->data_own_len = 1;
                }
                return EBADMSG;
            }
        }
    }
    u->eor = (alen == 0 && u->withdrawn_len == 0 && u->nlri_len == 0)
             || (a->present == 1u << NVO_BGP_ATTR_MP_UNREACH
                 && a->n_unknown == 0 && a->mpu_nlri_len == 0
                 && u->withdrawn_len == 0 && u->nlri_len == 0);
    if (u->eor && alen == 0) {
        a->mpu_afi = NVO_BGP_AFI_IPV4;
        a->mpu_safi = NVO_BGP_SAFI_UNICAST;
    }
    return 0;
}
