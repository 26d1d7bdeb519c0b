/* encap_vxlan_gpe.c: VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe-12 section 3)
 * carrying Ethernet.
 *
 * Outer Ethernet / IP / UDP (destination port 4790) /
 * VXLAN-GPE 8 bytes: flags I (0x08, valid VNI) and P (0x04, next protocol
 * present), reserved 16, Next Protocol 3 (Ethernet),
 * 24-bit VNI, reserved 8.  Overhead 50 bytes over IPv4, 70 over IPv6, as
 * VXLAN.  The O bit (OAM) and the version bits are 0.
 *
 * Entropy: the UDP source port from the inner flow hash, in 49152-65535
 * by default, as VXLAN (the draft keeps RFC 7348's use of the source
 * port).  cfg sport_min/max override it.
 *
 * Receive: the I and P bits must be set, version 0; a next protocol other
 * than Ethernet is EPROTONOSUPPORT (IPv4, IPv6, NSH payloads are not
 * modelled), as is an OAM frame (O set). */
#include "overlay/encap.h"

#include <errno.h>

#include "wire/wire.h"

#define GPE_SPORT_MIN 49152
#define GPE_SPORT_MAX 65535
#define GPE_F_VER 0x30          /* version, 2 bits: 0 */

static int
gpe_build(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg)
{
    if (cfg->vni > NVO_VNI_MAX) {
        return EINVAL;
    }
    int error = nvo_tunnel_init__(t, cfg, NVO_IPPROTO_UDP,
                                  NVO_UDP_LEN + NVO_VXLAN_LEN,
                                  GPE_SPORT_MIN, GPE_SPORT_MAX);
    if (error) {
        return error;
    }
    uint8_t *l4 = t->hdr + t->l4_ofs;
    struct nvo_udp_info udp = { .dport = NVO_PORT_VXLAN_GPE };
    struct nvo_vxlan_info vx = {
        .flags = NVO_VXLAN_F_I | NVO_VXLAN_GPE_F_P,
        .next_proto = NVO_VXLAN_GPE_NP_ETH,
        .vni = cfg->vni,
    };
    nvo_udp_encode(l4, &udp);
    nvo_vxlan_encode(l4 + NVO_UDP_LEN, &vx);
    return 0;
}

static int
gpe_pop(struct nvo_pkt *p, uint32_t *id)
{
    struct nvo_tunnel_rx rx;
    struct nvo_vxlan_info vx;

    int error = nvo_tunnel_rx__(p, NVO_IPPROTO_UDP, NVO_PORT_VXLAN_GPE, &rx);
    if (error) {
        return error;
    }
    if (nvo_vxlan_decode(p->data + rx.hdr_end, p->size - rx.hdr_end, &vx)
        || !(vx.flags & NVO_VXLAN_GPE_F_P) || (vx.flags & GPE_F_VER)) {
        return EBADMSG;
    }
    if (vx.next_proto != NVO_VXLAN_GPE_NP_ETH
        || (vx.flags & NVO_VXLAN_GPE_F_O)) {
        return EPROTONOSUPPORT;
    }
    *id = vx.vni;
    nvo_tunnel_pop__(p, rx.hdr_end + NVO_VXLAN_LEN);
    return 0;
}

const struct nvo_encap_ops nvo_encap_vxlan_gpe_ops = {
    .name = "vxlan-gpe",
    .entropy = NVO_ENTROPY_UDP_SPORT,
    .build = gpe_build,
    .push = nvo_tunnel_push_udp__,
    .pop = gpe_pop,
};
