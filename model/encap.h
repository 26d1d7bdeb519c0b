/* encap.h: encapsulation plug-ins (VXLAN, NVGRE, STT, Geneve, MPLS over
 * GRE / IP / UDP), one ops table each.
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
 * them against that table. */
#ifndef NVO_ENCAP_H
#define NVO_ENCAP_H

#include "nvo.h"
#include "pkt.h"

struct nvo_tunnel;

/* What entropy the outer header offers a switch's ECMP hash. */
enum nvo_entropy {
    NVO_ENTROPY_NONE,           /* nothing per flow (MPLS in IP/GRE w/o EL) */
    NVO_ENTROPY_UDP_SPORT,      /* UDP source port (VXLAN, Geneve, MPLSoUDP) */
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
                                     * encapsulation (49152-65535 for VXLAN,
                                     * full 1-65535 for Geneve... see each) */

    /* Geneve options: raw TLVs (class, type, length, data), a multiple of
     * 4 bytes, at most 252 bytes. */
    uint8_t geneve_opts[252];
    uint16_t geneve_opts_len;

    /* MPLS: the label stack to push, outermost first (up to 8), the TTL
     * of each entry (0 means 64), and whether to add ELI + entropy label
     * (RFC 6790) below the stack. */
    uint32_t labels[8];
    uint8_t n_labels;
    bool entropy_label;
};

#define NVO_TUNNEL_HDR_MAX 336

/* A built tunnel: its ops, configuration and outer header template. */
struct nvo_tunnel {
    const struct nvo_encap_ops *ops;
    struct nvo_tunnel_cfg cfg;
    uint8_t hdr[NVO_TUNNEL_HDR_MAX];    /* template, outer Ethernet first */
    uint16_t hdr_len;                   /* bytes of template = overhead */
    uint16_t l3_ofs, l4_ofs;            /* in the template; l4 = NONE if none */
};

struct nvo_encap_ops {
    const char *name;           /* "vxlan", "nvgre", "stt", "geneve",
                                 * "mpls-gre", "mpls-ip", "mpls-udp" */
    enum nvo_entropy entropy;

    /* Validates 'cfg' and fills 't' (ops, cfg copy, template).  Returns 0,
     * or EINVAL (VNI over 24 bits, label over 20 bits or reserved, no
     * labels for MPLS, bad Geneve options, sport range inverted...). */
    int (*build)(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg);

    /* Encapsulates the tenant Ethernet frame in 'p' (its l2/l3/l4 offsets
     * set, or at least l2): moves them to inner_*, prepends t->hdr, fills
     * the lengths, checksum and entropy, sets the outer offsets.  'p' must
     * have at least t->hdr_len headroom. */
    void (*push)(const struct nvo_tunnel *t, struct nvo_pkt *p);

    /* Decapsulates a frame whose data starts at the outer Ethernet header:
     * checks every outer header and strips them, leaving the tenant frame
     * with l2/l3/l4 set; stores the VNI / VSID / bottom label in *id.
     * Returns 0, or EBADMSG (malformed or truncated), EPROTONOSUPPORT (not
     * this encapsulation); on error 'p' is unchanged. */
    int (*pop)(struct nvo_pkt *p, uint32_t *id);
};

extern const struct nvo_encap_ops nvo_encap_vxlan_ops;
extern const struct nvo_encap_ops nvo_encap_nvgre_ops;
extern const struct nvo_encap_ops nvo_encap_stt_ops;
extern const struct nvo_encap_ops nvo_encap_geneve_ops;
extern const struct nvo_encap_ops nvo_encap_mpls_gre_ops;
extern const struct nvo_encap_ops nvo_encap_mpls_ip_ops;
extern const struct nvo_encap_ops nvo_encap_mpls_udp_ops;

/* Looks up an encapsulation by name; NULL if unknown. */
const struct nvo_encap_ops *nvo_encap_lookup(const char *name);

/* All encapsulations, NULL-terminated, in the order above. */
extern const struct nvo_encap_ops *const nvo_encaps[];

/* Builds 't' with 'ops' (a convenience: t->ops = ops, ops->build()). */
int nvo_tunnel_build(struct nvo_tunnel *t, const struct nvo_encap_ops *ops,
                     const struct nvo_tunnel_cfg *cfg);

/* Overhead in bytes this tunnel adds to every frame (STT: to the first
 * segment; see nvo_stt_segment() for the others). */
static inline uint32_t
nvo_tunnel_overhead(const struct nvo_tunnel *t)
{
    return t->hdr_len;
}

/* STT only: the sending NIC's TSO.  Cuts an STT-encapsulated frame 'p'
 * (as pushed) into segments of at most 'mtu' - 40 bytes of TCP payload
 * (IPv4; 'mtu' - 60 over IPv6).  The first segment keeps the 18-byte STT
 * header; later ones carry only Ethernet + IP + TCP-like headers (54 bytes
 * over IPv4), with sequence = frame length << 16 | offset and ack = packet
 * id.  Writes up to 'max' packets to out[] (out[0] is 'p' itself) and
 * returns their number, or 0 if 'max' is too small (p unchanged). */
size_t nvo_stt_segment(struct nvo_pkt *p, uint32_t mtu,
                       struct nvo_pkt **out, size_t max);

#endif /* NVO_ENCAP_H */
