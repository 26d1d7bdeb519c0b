/* bgp_attr.h: BGP UPDATE messages (RFC 4271 4.3) and their path
 * attributes: ORIGIN, AS_PATH (4-octet ASNs, RFC 6793), NEXT_HOP, MED,
 * LOCAL_PREF, ORIGINATOR_ID and CLUSTER_LIST (RFC 4456), MP_REACH_NLRI
 * and MP_UNREACH_NLRI (RFC 4760), EXTENDED_COMMUNITIES (RFC 4360: route
 * target, encapsulation RFC 9012 4.1, MAC mobility RFC 7432 7.7, Layer2
 * Info RFC 4761 3.2.4), the PMSI tunnel attribute (RFC 6514 5, as used
 * by RFC 7432 11.1); other attributes kept opaque with their flags.
 * End-of-RIB (RFC 4724 2) is an UPDATE with an empty MP_UNREACH_NLRI.
 *
 * Attribute:  flags 1 (0x80 optional, 0x40 transitive, 0x20 partial,
 *             0x10 extended length) | type 1 | length 1 or 2 | value
 *
 * Encoding order: the attributes in ascending type code, except that
 * MP_REACH_NLRI and MP_UNREACH_NLRI come last (after the extended
 * communities and the PMSI attribute).  RFC 4271 5 says attributes
 * SHOULD be ordered by type; receivers (FRR, GoBGP) accept any order,
 * and tshark 4.0 decodes EVPN label fields as VNIs only when it has seen
 * the Encapsulation community before the NLRI (docs/bgp-wire.md).  The
 * extended length flag is set only on an attribute longer than 255
 * bytes (as FRR and GoBGP do), so its header is 3 or 4 bytes. */
#ifndef NVO_WIRE_BGP_ATTR_H
#define NVO_WIRE_BGP_ATTR_H

#include "core/nvo.h"
#include "wire/bgp.h"

#define NVO_BGP_ATTR_F_OPTIONAL 0x80
#define NVO_BGP_ATTR_F_TRANSITIVE 0x40
#define NVO_BGP_ATTR_F_PARTIAL 0x20
#define NVO_BGP_ATTR_F_EXT_LEN 0x10

enum nvo_bgp_attr_type {
    NVO_BGP_ATTR_ORIGIN = 1,
    NVO_BGP_ATTR_AS_PATH = 2,
    NVO_BGP_ATTR_NEXT_HOP = 3,
    NVO_BGP_ATTR_MED = 4,
    NVO_BGP_ATTR_LOCAL_PREF = 5,
    NVO_BGP_ATTR_ORIGINATOR_ID = 9,
    NVO_BGP_ATTR_CLUSTER_LIST = 10,
    NVO_BGP_ATTR_MP_REACH = 14,
    NVO_BGP_ATTR_MP_UNREACH = 15,
    NVO_BGP_ATTR_EXT_COMM = 16,
    NVO_BGP_ATTR_PMSI = 22,
};

/* AS_PATH segment types (RFC 4271 4.3). */
#define NVO_BGP_AS_SET 1
#define NVO_BGP_AS_SEQUENCE 2

/* ---- Extended communities (8 bytes each, RFC 4360) ----------------------- */

#define NVO_BGP_EC_LEN 8

/* Route target, 2-octet AS specific (type 0x00, sub-type 0x02):
 * "RT:AS:N" in FRR. */
void nvo_bgp_ec_rt(uint8_t ec[NVO_BGP_EC_LEN], uint16_t as, uint32_t n);
/* Encapsulation (type 0x03 opaque, sub-type 0x0c, RFC 9012 4.1): the
 * tunnel type in the last 2 bytes (8 VXLAN, 9 NVGRE, 10 MPLS, 11 MPLS in
 * GRE, 12 VXLAN-GPE, 13 MPLS in UDP, 19 Geneve: RFC 8365 5.1.3). */
void nvo_bgp_ec_encap(uint8_t ec[NVO_BGP_EC_LEN], uint16_t tunnel_type);
/* MAC mobility (type 0x06 EVPN, sub-type 0x00, RFC 7432 7.7): flags
 * (0x01 sticky), reserved, 4-byte sequence number. */
void nvo_bgp_ec_mac_mobility(uint8_t ec[NVO_BGP_EC_LEN], bool sticky,
                             uint32_t seq);
/* Layer2 Info (type 0x800a, RFC 4761 3.2.4): encapsulation type (19
 * VPLS), control flags, Layer-2 MTU, 2 reserved bytes. */
void nvo_bgp_ec_l2info(uint8_t ec[NVO_BGP_EC_LEN], uint8_t encap,
                       uint8_t flags, uint16_t mtu);

enum nvo_bgp_ec_kind {
    NVO_BGP_EC_OTHER,
    NVO_BGP_EC_RT,              /* a = AS, b = number */
    NVO_BGP_EC_ENCAP,           /* a = tunnel type */
    NVO_BGP_EC_MAC_MOBILITY,    /* a = flags, b = sequence */
    NVO_BGP_EC_L2INFO,          /* a = encap, b = flags << 16 | MTU */
};

struct nvo_bgp_ec {
    enum nvo_bgp_ec_kind kind;
    uint32_t a, b;
};

struct nvo_bgp_ec nvo_bgp_ec_parse(const uint8_t ec[NVO_BGP_EC_LEN]);

/* ---- PMSI tunnel (RFC 6514 5) -------------------------------------------- */

#define NVO_PMSI_PIM_SSM 3
#define NVO_PMSI_PIM_SM 4
#define NVO_PMSI_BIDIR_PIM 5
#define NVO_PMSI_INGRESS_REPL 6

struct nvo_bgp_pmsi {
    uint8_t flags;              /* 0x01 leaf information required */
    uint8_t type;
    uint32_t label;             /* raw 24 bits: the VNI (RFC 8365 5.1.3) */
    /* Tunnel identifier: ingress replication: the PE address (id_len 4);
     * PIM-SSM / PIM-SM / BIDIR: sender (or RP) address then group
     * (RFC 6514 5: id_len 8).  Other types: raw. */
    uint8_t id_len;
    uint8_t id[32];
};

/* ---- Path attributes of an UPDATE ---------------------------------------- */

#define NVO_BGP_UNKNOWN_MAX 8

/* Bit (1 << type) of struct nvo_bgp_attrs.present, for types < 32. */
#define NVO_BGP_HAS(a, t) (((a)->present >> (t)) & 1u)

struct nvo_bgp_attr_raw {
    uint8_t flags, type;
    const uint8_t *value;
    uint16_t len;
};

/* The attributes of an UPDATE.  For encoding, set the fields and the
 * 'present' bits of the attributes to send; for decoding they are
 * filled and pointers refer into the message. */
struct nvo_bgp_attrs {
    uint32_t present;           /* 1 << type of each known attribute */
    uint8_t origin;             /* 0 IGP, 1 EGP, 2 INCOMPLETE */
    const uint8_t *as_path;     /* segments, 4-octet ASNs */
    uint16_t as_path_len;       /* bytes (0: empty, as on iBGP) */
    uint32_t next_hop;          /* NEXT_HOP (IPv4, host order) */
    uint32_t med;
    uint32_t local_pref;
    uint32_t originator_id;
    const uint8_t *cluster_list;/* 4 bytes per cluster id */
    uint16_t n_clusters;
    const uint8_t *ext_comm;    /* 8 bytes each */
    uint16_t n_ext_comm;
    struct nvo_bgp_pmsi pmsi;
    /* MP_REACH_NLRI (RFC 4760 3). */
    uint16_t mp_afi;
    uint8_t mp_safi;
    uint8_t mp_nh_len;          /* 4 or 16 (or 32, 24: IPv6 + link-local) */
    uint8_t mp_nh[32];
    const uint8_t *mp_nlri;
    uint16_t mp_nlri_len;
    /* MP_UNREACH_NLRI (RFC 4760 4). */
    uint16_t mpu_afi;
    uint8_t mpu_safi;
    const uint8_t *mpu_nlri;
    uint16_t mpu_nlri_len;
    /* Attributes of other types, opaque (encode: written after the known
     * ones, before MP_REACH; decode: the first NVO_BGP_UNKNOWN_MAX are
     * kept, n_unknown counts all). */
    size_t n_unknown;
    struct nvo_bgp_attr_raw unknown[NVO_BGP_UNKNOWN_MAX];
};

/* Builds AS_PATH segments for 'n' ASNs as AS_SEQUENCE segments of at most
 * 255 each into 'buf' ('cap' bytes).  Returns the length or 0 if it does
 * not fit (n == 0 gives 0 too: the empty path). */
size_t nvo_bgp_as_path_build(uint8_t *buf, size_t cap, const uint32_t *asns,
                             size_t n);
/* The number of ASNs of a decoded (valid) AS_PATH, counting an AS_SET as
 * one (RFC 4271 9.1.2.2 path length). */
size_t nvo_bgp_as_path_length(const uint8_t *path, size_t len);

/* Bytes the attributes take when encoded, without MP_REACH_NLRI's NLRI
 * and MP_UNREACH_NLRI's withdrawn routes but with those attributes'
 * fixed parts and 3-byte headers (the packing arithmetic adds 1 for the
 * extended length when the NLRI make the attribute exceed 255 bytes).
 * Unknown attributes count with their own lengths. */
size_t nvo_bgp_attrs_size(const struct nvo_bgp_attrs *);

/* Appends the attributes to 'b' in the documented order.  Returns the
 * bytes written or 0 (with b->err on overflow, or an attribute that
 * cannot be encoded: a value over 65535 bytes, a bad next-hop length). */
size_t nvo_bgp_attrs_encode(struct nvo_bgp_buf *, const struct nvo_bgp_attrs *);

/* An UPDATE: withdrawn IPv4 routes (raw, 'withdrawn_len' bytes), the
 * attributes, IPv4 NLRI (raw).  Returns the message length or 0 if it
 * does not fit 'max_len' or the buffer. */
size_t nvo_bgp_update_encode(struct nvo_bgp_buf *, size_t max_len,
                             const uint8_t *withdrawn, size_t withdrawn_len,
                             const struct nvo_bgp_attrs *,
                             const uint8_t *nlri, size_t nlri_len);

/* End-of-RIB for AFI/SAFI (RFC 4724 2): for IPv4 unicast an empty UPDATE
 * (23 bytes), else an UPDATE with only an empty MP_UNREACH_NLRI (29). */
size_t nvo_bgp_eor_encode(struct nvo_bgp_buf *, uint16_t afi, uint8_t safi);

struct nvo_bgp_update {
    const uint8_t *withdrawn;   /* IPv4 prefixes */
    uint16_t withdrawn_len;
    size_t n_withdrawn;
    struct nvo_bgp_attrs attrs;
    const uint8_t *nlri;        /* IPv4 prefixes */
    size_t nlri_len, n_nlri;
    size_t n_mp_reach, n_mp_unreach;    /* L2VPN NLRI decoded */
    bool eor;                   /* End-of-RIB; its AFI/SAFI in mpu_* (or
                                 * IPv4 unicast for an empty UPDATE) */
};

/* Decodes and validates an UPDATE whose header was checked (nvo_bgp_hdr_
 * decode).  Checks (RFC 4271 6.3, RFC 7606, RFC 4760 7): the withdrawn
 * and attribute lengths within the message (3/1); each attribute's
 * header and length within the attributes (3/1), no duplicates (3/1),
 * the flags of known attributes (3/4), the lengths of fixed-size ones
 * (3/5), ORIGIN 0..2 (3/6), AS_PATH segments (3/11), NEXT_HOP not 0 or
 * multicast (3/8), IPv4 prefixes of at most 32 bits and within their
 * field (3/10), MP_REACH next-hop lengths and the L2VPN EVPN / VPLS NLRI
 * inside MP_REACH and MP_UNREACH (3/9: nvo_evpn_route_decode,
 * nvo_vpls_nlri_decode), the PMSI attribute's length for its tunnel type
 * (3/9), an unrecognized well-known attribute (3/2), and ORIGIN, AS_PATH
 * (and NEXT_HOP for IPv4 NLRI) present when routes are announced (3/3,
 * data the missing type).  Returns 0 or EBADMSG with 'e'. */
int nvo_bgp_update_decode(const uint8_t *msg, size_t len,
                          struct nvo_bgp_update *, struct nvo_bgp_error *);

/* Decodes path attributes alone ('len' bytes as in an UPDATE's path
 * attributes field, as nvo_bgp_attrs_encode() writes them) into 'out',
 * with the per-attribute checks of nvo_bgp_update_decode (error offsets
 * from 'p'; MP NLRI checked too).  Returns 0 or EBADMSG with 'e'. */
int nvo_bgp_attrs_decode(const uint8_t *p, size_t len,
                         struct nvo_bgp_attrs *out, struct nvo_bgp_error *e);

#endif /* NVO_WIRE_BGP_ATTR_H */
