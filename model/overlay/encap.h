/* encap.h: encapsulation plug-ins (VXLAN, NVGRE, STT, Geneve, MPLS over
 * GRE / IP / UDP, GRE-in-UDP, VXLAN-GPE), one ops table each.
 *
 * Three steps, as in Open vSwitch's native tunnels:
 *   build  once per tunnel: validate the configuration and write the outer
 *          header template (returns an errno);
 *   push   per packet: prepend the template, fill the per-packet fields
 *          (lengths, IPv4 checksum, entropy from the inner flow); cannot
 *          fail, the headroom is guaranteed by NVO_PKT_HEADROOM;
 *   pop    on receive: check and strip the outer headers, report the
 *          VNI / VSID / label; on error the packet is left unchanged and
 *          an errno returned, and the caller frees it and counts the drop.
 *
 * Overheads are those of ../shared/protocols.md; tests/test_encap.c checks
 * them against that table.  docs/encapsulations.md describes each format,
 * its entropy and what is not modelled.
 *
 * Every tunnel sends its outer IPv4 header with DF set, ID 0 and a correct
 * header checksum; the outer UDP checksum is 0 over IPv4 (RFC 7348 5,
 * RFC 8926 3.3, RFC 7510 3) and computed over IPv6 (RFC 8200 8.1), over the
 * real bytes plus the zero-filled virtual payload, so pcaps show it valid;
 * STT's TCP-like checksum is always computed.  The outer IPv6 flow label
 * is 0 (RFC 6438 flow-label entropy is not modelled). */
#ifndef NVO_ENCAP_H
#define NVO_ENCAP_H

#include "core/nvo.h"
#include "wire/pkt.h"

struct nvo_tunnel;

/* What entropy the outer header offers a switch's ECMP hash. */
enum nvo_entropy {
    NVO_ENTROPY_NONE,           /* nothing per flow (MPLS in IP/GRE w/o EL) */
    NVO_ENTROPY_UDP_SPORT,      /* UDP source port (VXLAN, Geneve, MPLSoUDP,
                                 * GRE-in-UDP, VXLAN-GPE) */
    NVO_ENTROPY_TCP_SPORT,      /* TCP-like source port (STT) */
    NVO_ENTROPY_GRE_KEY,        /* only the 8-bit FlowID in the GRE key
                                 * (NVGRE), for switches that hash it */
    NVO_ENTROPY_MPLS_EL,        /* MPLS entropy label (RFC 6790) */
};

const char *nvo_entropy_name(enum nvo_entropy);

/* Tunnel configuration, in host order.  Unused fields are ignored. */
struct nvo_tunnel_cfg {
    bool ipv6;                  /* outer IPv6 instead of IPv4 */
    uint32_t src_ip4, dst_ip4;  /* outer IPv4 addresses (host order) */
    uint8_t src_ip6[16], dst_ip6[16];
    uint8_t src_mac[6], dst_mac[6]; /* outer Ethernet (next hop's MAC) */
    uint16_t vlan;              /* outer 802.1Q VLAN id, 0 = untagged */
    uint8_t ttl;                /* outer TTL / hop limit; 0 means 64 */
    uint8_t tos;                /* outer DSCP/ECN byte */

    uint32_t vni;               /* VXLAN/Geneve VNI, NVGRE VSID (24 bits),
                                 * STT context id (low 32 bits) */
    uint64_t stt_context;       /* STT: full 64-bit context id; 0 = use vni */

    uint16_t sport_min, sport_max;  /* UDP/TCP source port range for the
                                     * entropy; 0,0 = the default of the
                                     * encapsulation: 49152-65535 for VXLAN,
                                     * Geneve, MPLS-in-UDP, STT, GRE-in-UDP
                                     * and VXLAN-GPE (see
                                     * each encap_*.c).  Both
                                     * nonzero and min <= max otherwise. */
    uint32_t hash_basis;        /* seed of the inner flow hash that gives
                                 * the entropy (Linux: random per boot;
                                 * Open vSwitch: 0) */

    /* Geneve options: raw TLVs (class, type, length, data), a multiple of
     * 4 bytes, at most 252 bytes. */
    uint8_t geneve_opts[252];
    uint16_t geneve_opts_len;

    /* MPLS: the label stack to push, outermost first (1 to 8 labels,
     * each 16..2^20-1), and whether to add an entropy label (RFC 6790).
     * Every entry has TC 0 and TTL 'ttl' (0 means 64).  With the entropy
     * label, ELI (7, same TTL) + EL (TTL 0) go just above the last
     * (service) label, below any transport labels, as RFC 6790 4.2 puts
     * them under the innermost LSP label: labels[0..n-2], ELI, EL,
     * labels[n-1] (bottom of stack).  The EL is 16..2^20-1, from the inner
     * flow hash. */
    uint32_t labels[8];
    uint8_t n_labels;
    bool entropy_label;
    /* MPLS: put the RFC 4448 control word (4 bytes, all zero: first
     * nibble 0, flags 0, sequence number 0 = not used) between the bottom
     * label and the tenant frame.  The receiver must expect it too
     * (nvo_tunnel_pop()), as pseudowire signalling would agree. */
    bool control_word;
    /* NVGRE: send FlowID 0 on every frame instead of the low 8 bits of
     * the inner flow hash (RFC 7637 3.1: "If a FlowID is not generated,
     * it MUST be set to all zeros"). */
    bool nvgre_no_flowid;
};

#define NVO_TUNNEL_HDR_MAX 336

/* A built tunnel: its ops, configuration and outer header template. */
struct nvo_tunnel {
    const struct nvo_encap_ops *ops;
    struct nvo_tunnel_cfg cfg;
    uint8_t hdr[NVO_TUNNEL_HDR_MAX];    /* template, outer Ethernet first */
    uint16_t hdr_len;                   /* bytes of template = overhead */
    uint16_t l3_ofs, l4_ofs;            /* in the template; l4 is the IP
                                         * payload: UDP, TCP-like, GRE
                                         * header or MPLS label stack */
};

struct nvo_encap_ops {
    const char *name;           /* "vxlan", "nvgre", "stt", "geneve",
                                 * "mpls-gre", "mpls-ip", "mpls-udp",
                                 * "gre-udp", "vxlan-gpe" */
    enum nvo_entropy entropy;

    /* Validates 'cfg' and fills 't' (ops, cfg copy with the defaults
     * applied: ttl, sport range; template).  Returns 0, or EINVAL (VNI
     * over 24 bits, NVGRE VSID reserved (below 0x1000 or 0xffffff),
     * label over 20 bits or reserved, no labels or more than 8 for MPLS,
     * bad Geneve options, sport range inverted or with a 0, VLAN id over
     * 4094). */
    int (*build)(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg);

    /* Encapsulates the tenant Ethernet frame in 'p' (its l2/l3/l4 offsets
     * set, or at least l2): moves them to inner_*, prepends t->hdr, fills
     * the lengths, checksum and entropy, sets the outer offsets.  'p' must
     * have at least t->hdr_len headroom.  The entropy comes from
     * nvo_flow_hash() of the frame's real bytes with cfg.hash_basis.
     * STT: the inner frame must be at most 65517 bytes (the STT frame
     * length is 16 bits; asserted); see nvo_stt_segment(). */
    void (*push)(const struct nvo_tunnel *t, struct nvo_pkt *p);

    /* Decapsulates a frame whose data starts at the outer Ethernet header:
     * checks every outer header and strips them, leaving the tenant frame
     * with l2/l3/l4 set; stores the VNI / VSID / bottom label in *id.
     * Returns 0, or EBADMSG (malformed or truncated), EPROTONOSUPPORT (not
     * this encapsulation); on error 'p' is unchanged.  Checked: outer
     * Ethernet with at most one 802.1Q tag; IPv4 version, IHL, header
     * checksum, no fragment, total length = the wire length; IPv6 payload
     * length = the wire length, next header without extension headers;
     * protocol / destination port of this encapsulation (else
     * EPROTONOSUPPORT); UDP length, UDP checksum if nonzero (0 is refused
     * over IPv6); the encapsulation header (VXLAN I flag, Geneve version
     * and options, NVGRE flags, GRE-in-UDP key and protocol, VXLAN-GPE
     * I and P bits and next protocol, STT TCP-like checksum and segment offset
     * 0, MPLS stack ending with S).  STT: reassembly is not modelled; the
     * first segment of a segmented frame pops as the whole inner frame
     * (wire length from the STT frame length) and later segments are
     * refused (EBADMSG).  The id is the
     * VNI (VXLAN, Geneve, VXLAN-GPE, GRE-in-UDP key >> 8), VSID (NVGRE), low 32 bits of the context
     * (STT), or the bottom-of-stack label (MPLS; ELI/EL are skipped). */
    int (*pop)(struct nvo_pkt *p, uint32_t *id);

    /* MPLS only, NULL for the others: pop() for a receiver that expects
     * the RFC 4448 control word after the bottom label; it also refuses
     * (EBADMSG) a frame with fewer than 4 bytes there or whose first
     * nibble is not 0, and strips the word. */
    int (*pop_cw)(struct nvo_pkt *p, uint32_t *id);

    /* Segmentation by the sending NIC (TSO), for an encapsulation whose
     * frames may exceed the MTU and are cut into segments (STT); NULL for
     * the others, whose frames go out whole (or are dropped by the link
     * when over its MTU).  segment() is nvo_stt_segment() for STT: cuts a
     * frame as push() left it into at most 'max' packets at 'mtu' (the IP
     * packet), out[0] = p, and returns their number, or 0 (p unchanged).
     * n_segments() says how many segments an inner frame of 'inner_len'
     * bytes becomes at 'mtu' over IPv4 / IPv6, or returns 0 when 'mtu'
     * leaves no room for any, with *need = the bytes 'mtu' must exceed. */
    size_t (*segment)(struct nvo_pkt *p, uint32_t mtu, struct nvo_pkt **out,
                      size_t max);
    uint32_t (*n_segments)(bool ipv6, uint32_t inner_len, uint32_t mtu,
                           uint32_t *need);
};

extern const struct nvo_encap_ops nvo_encap_vxlan_ops;
extern const struct nvo_encap_ops nvo_encap_nvgre_ops;
extern const struct nvo_encap_ops nvo_encap_stt_ops;
extern const struct nvo_encap_ops nvo_encap_geneve_ops;
extern const struct nvo_encap_ops nvo_encap_mpls_gre_ops;
extern const struct nvo_encap_ops nvo_encap_mpls_ip_ops;
extern const struct nvo_encap_ops nvo_encap_mpls_udp_ops;
extern const struct nvo_encap_ops nvo_encap_greudp_ops;
extern const struct nvo_encap_ops nvo_encap_vxlan_gpe_ops;

/* Looks up an encapsulation by name; NULL if unknown. */
const struct nvo_encap_ops *nvo_encap_lookup(const char *name);

/* All encapsulations, NULL-terminated, in the order above. */
extern const struct nvo_encap_ops *const nvo_encaps[];

/* Builds 't' with 'ops' (a convenience: t->ops = ops, ops->build()). */
int nvo_tunnel_build(struct nvo_tunnel *t, const struct nvo_encap_ops *ops,
                     const struct nvo_tunnel_cfg *cfg);

/* The receive side of tunnel 't' (its configuration as the receiver
 * knows it): ops->pop_cw when t->cfg.control_word and the encapsulation
 * has one, else ops->pop.  Same results as pop(). */
int nvo_tunnel_pop(const struct nvo_tunnel *t, struct nvo_pkt *p,
                   uint32_t *id);

/* Overhead in bytes this tunnel adds to every frame (STT: to the first
 * segment; see nvo_stt_segment() for the others). */
static inline uint32_t
nvo_tunnel_overhead(const struct nvo_tunnel *t)
{
    return t->hdr_len;
}

/* The entropy this tunnel's outer header carries: ops->entropy, except
 * MPLS in IP / GRE with cfg.entropy_label (NVO_ENTROPY_MPLS_EL).  MPLS in
 * UDP with an entropy label reports the UDP source port and carries both. */
static inline enum nvo_entropy
nvo_tunnel_entropy(const struct nvo_tunnel *t)
{
    if (t->ops->entropy == NVO_ENTROPY_NONE && t->cfg.entropy_label) {
        return NVO_ENTROPY_MPLS_EL;
    }
    return t->ops->entropy;
}

/* The value of the entropy field (nvo_tunnel_entropy()) in the outer
 * header of 'p', a frame as t->ops->push() left it: the UDP / TCP source
 * port, the whole 32-bit GRE key (VSID << 8 | FlowID, what a switch that
 * hashes the key sees), or the entropy label.  Returns 0 and *value, or
 * ENOENT (the tunnel carries no entropy, or 'p' is not such a frame). */
int nvo_tunnel_entropy_value(const struct nvo_tunnel *t,
                             const struct nvo_pkt *p, uint32_t *value);

/* STT only: the sending NIC's TSO.  Cuts an STT-encapsulated frame 'p'
 * (as pushed) into segments of at most 'mtu' - 40 bytes of TCP payload
 * (IPv4; 'mtu' - 60 over IPv6).  The first segment keeps the 18-byte STT
 * header; later ones carry only Ethernet + IP + TCP-like headers (54 bytes
 * over IPv4), with sequence = frame length << 16 | offset and ack = packet
 * id.  Writes up to 'max' packets to out[] (out[0] is 'p' itself) and
 * returns their number, or 0 if 'max' is too small or 'p' is not an STT
 * frame as pushed or 'mtu' leaves less than 18 bytes (p unchanged).  Each
 * segment gets its IP length, IPv4 checksum and TCP checksum, and
 * stt_segment = its 1-based number (also when there is only one); later
 * segments are new packets from p's pool, with p's metadata (tclass,
 * flow_id, created, in_port), outer offsets and no inner offsets. */
size_t nvo_stt_segment(struct nvo_pkt *p, uint32_t mtu,
                       struct nvo_pkt **out, size_t max);

/* ---- Internals shared by the encap_*.c files; not for models. ---------- */

/* Validates the part of 'cfg' every tunnel has (VLAN id, source port
 * range), copies it to t->cfg with the defaults applied (ttl 64, sport
 * range sport_lo..sport_hi when cfg gives 0,0), and writes the outer
 * Ethernet (+ 802.1Q) and IPv4 / IPv6 header with protocol 'proto' into
 * t->hdr.  Sets t->l3_ofs, t->l4_ofs and t->hdr_len = L2 + L3 + 'l4_len';
 * the caller writes those 'l4_len' bytes at t->hdr + t->l4_ofs.  Returns
 * 0 or EINVAL. */
int nvo_tunnel_init__(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg,
                      uint8_t proto, size_t l4_len,
                      uint16_t sport_lo, uint16_t sport_hi);

/* The inner frame's flow hash (call before nvo_tunnel_push__). */
uint32_t nvo_tunnel_hash__(const struct nvo_tunnel *t,
                           const struct nvo_pkt *p);

/* 'hash' mapped onto the tunnel's source port range. */
uint16_t nvo_tunnel_sport__(const struct nvo_tunnel *t, uint32_t hash);

/* Prepends the template, moves l2..l4 to inner_*, sets the outer offsets,
 * writes the IP length (and IPv4 checksum) and, over UDP, the UDP length.
 * Returns a pointer to the outer IP payload (t->l4_ofs). */
uint8_t *nvo_tunnel_push__(const struct nvo_tunnel *t, struct nvo_pkt *p);

/* Over IPv6, computes the outer UDP checksum (call last); no-op over
 * IPv4. */
void nvo_tunnel_udp_csum__(const struct nvo_tunnel *t, struct nvo_pkt *p);

/* The whole push of a UDP encapsulation whose template is complete
 * (VXLAN, Geneve): the template, the source port from the inner flow
 * hash, the lengths and checksums.  Usable as an ops table's push. */
void nvo_tunnel_push_udp__(const struct nvo_tunnel *t, struct nvo_pkt *p);

/* The outer headers of a received frame, as nvo_tunnel_rx__ found them;
 * offsets from p->data. */
struct nvo_tunnel_rx {
    bool ipv6;
    uint16_t l3_ofs;
    uint16_t l4_ofs;            /* the IP payload */
    uint32_t l4_len;            /* IP payload bytes on the wire */
    uint16_t hdr_end;           /* after UDP / TCP; = l4_ofs otherwise */
    uint16_t sport;             /* UDP / TCP */
    uint32_t tcp_seq, tcp_ack;  /* TCP */
};

/* Checks the outer Ethernet, IP and (for proto UDP or TCP, with 'dport')
 * transport header of 'p' as pop() documents.  Returns 0, EBADMSG or
 * EPROTONOSUPPORT. */
int nvo_tunnel_rx__(const struct nvo_pkt *p, uint8_t proto, uint16_t dport,
                    struct nvo_tunnel_rx *rx);

/* Strips 'len' bytes of outer headers and sets l2/l3/l4 from the inner
 * frame (nvo_wire_set_offsets); inner_* become NONE. */
void nvo_tunnel_pop__(struct nvo_pkt *p, uint32_t len);

#endif /* NVO_ENCAP_H */
