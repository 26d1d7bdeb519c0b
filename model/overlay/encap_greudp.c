/* encap_greudp.c: GRE-in-UDP (RFC 8086) carrying Ethernet.
 *
 * Outer Ethernet / IP / UDP (destination port 4754, RFC 8086 section 3.1)
 * / GRE (RFC 2784, 2890) with K set, protocol type 0x6558 (Transparent
 * Ethernet Bridging, as NVGRE), key = 24-bit VNI << 8, low byte 0.
 * Overhead 14 + 20 + 8 + 8 = 50 bytes over IPv4, 70 over IPv6.
 *
 * Why the key: RFC 8086 section 3 takes the GRE header of RFC 2784/2890
 * unchanged, so an Ethernet payload has protocol type 0x6558 and nothing
 * in GRE identifies a tenant but the optional key (RFC 2890 2.1: it
 * "identifies an individual traffic flow within a tunnel").  A VNI in the
 * key's upper 24 bits, as NVGRE (RFC 7637 3.2) puts its VSID, lets one
 * tunnel carry many tenants; the low 8 bits are 0 because the entropy is
 * in the UDP source port, not in a FlowID.  Receivers refuse a frame
 * without the key (nothing to demultiplex on).
 *
 * Entropy: the UDP source port from the inner flow hash, in 49152-65535
 * by default: RFC 8086 section 3.2.1 says the source port SHOULD come from
 * the ephemeral range 49152-65535 (with 1024-65535 allowed in a
 * traffic-managed controlled environment; use cfg sport_min /
 * max for that).
 *
 * Not modelled: GRE checksum and sequence numbers (never sent; refused on
 * receive), other GRE payloads (IP, MPLS), DTLS, the
 * congestion-control requirements of the general-Internet case. */
#include "overlay/encap.h"

#include <errno.h>

#include "wire/wire.h"

#define GREUDP_PORT 4754        /* IANA "GRE-in-UDP", RFC 8086 */
#define GREUDP_SPORT_MIN 49152
#define GREUDP_SPORT_MAX 65535
#define GREUDP_GRE_LEN 8        /* base header + key */

static int
greudp_build(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg)
{
    if (cfg->vni > NVO_VNI_MAX) {
        return EINVAL;
    }
    int error = nvo_tunnel_init__(t, cfg, NVO_IPPROTO_UDP,
                                  NVO_UDP_LEN + GREUDP_GRE_LEN,
                                  GREUDP_SPORT_MIN, GREUDP_SPORT_MAX);
    if (error) {
        return error;
    }
    uint8_t *l4 = t->hdr + t->l4_ofs;
    struct nvo_udp_info udp = { .dport = GREUDP_PORT };
    struct nvo_gre_info g = {
        .key_present = true,
        .proto = NVO_ETH_TYPE_TEB,
        .key = cfg->vni << 8,
    };
    nvo_udp_encode(l4, &udp);
    nvo_gre_encode(l4 + NVO_UDP_LEN, &g);
    return 0;
}

static int
greudp_pop(struct nvo_pkt *p, uint32_t *id)
{
    struct nvo_tunnel_rx rx;
    struct nvo_gre_info g;

    int error = nvo_tunnel_rx__(p, NVO_IPPROTO_UDP, GREUDP_PORT, &rx);
    if (error) {
        return error;
    }
    if (nvo_gre_decode(p->data + rx.hdr_end, p->size - rx.hdr_end, &g)
        || !g.key_present || g.csum_present || g.seq_present) {
        return EBADMSG;
    }
    if (g.proto != NVO_ETH_TYPE_TEB) {
        return EPROTONOSUPPORT;
    }
    *id = g.key >> 8;
    nvo_tunnel_pop__(p, rx.hdr_end + GREUDP_GRE_LEN);
    return 0;
}

const struct nvo_encap_ops nvo_encap_greudp_ops = {
    .name = "gre-udp",
    .entropy = NVO_ENTROPY_UDP_SPORT,
    .build = greudp_build,
    .push = nvo_tunnel_push_udp__,
    .pop = greudp_pop,
};
