/* encap_vxlan.c: VXLAN (RFC 7348 section 5).
 *
 * Outer Ethernet / IP / UDP (destination port 4789) / VXLAN 8 bytes: flags
 * with I set, the 24-bit VNI.  Overhead 50 bytes over IPv4, 70 over IPv6
 * (+4 with an outer 802.1Q tag).
 *
 * Entropy: the UDP source port, from the inner flow hash, in 49152-65535
 * by default: RFC 7348 section 5 recommends the dynamic/private range for
 * it, and Linux and Open vSwitch VTEPs use a range like that.  cfg
 * sport_min/max override it.
 *
 * Not modelled: VXLAN-GPE (only decoded by wire.c), the Group Policy
 * extension, outer UDP checksums over IPv4. */
#include "overlay/encap.h"

#include <errno.h>

#include "wire/wire.h"

#define VXLAN_SPORT_MIN 49152
#define VXLAN_SPORT_MAX 65535

static int
vxlan_build(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg)
{
    if (cfg->vni > NVO_VNI_MAX) {
        return EINVAL;
    }
    int error = nvo_tunnel_init__(t, cfg, NVO_IPPROTO_UDP,
                                  NVO_UDP_LEN + NVO_VXLAN_LEN,
                                  VXLAN_SPORT_MIN, VXLAN_SPORT_MAX);
    if (error) {
        return error;
    }
    uint8_t *l4 = t->hdr + t->l4_ofs;
    struct nvo_udp_info udp = { .dport = NVO_PORT_VXLAN };
    struct nvo_vxlan_info vx = { .flags = NVO_VXLAN_F_I, .vni = cfg->vni };
    nvo_udp_encode(l4, &udp);
    nvo_vxlan_encode(l4 + NVO_UDP_LEN, &vx);
    return 0;
}

static int
vxlan_pop(struct nvo_pkt *p, uint32_t *id)
{
    struct nvo_tunnel_rx rx;
    struct nvo_vxlan_info vx;

    int error = nvo_tunnel_rx__(p, NVO_IPPROTO_UDP, NVO_PORT_VXLAN, &rx);
    if (error) {
        return error;
    }
    if (nvo_vxlan_decode(p->data + rx.hdr_end, p->size - rx.hdr_end, &vx)) {
        return EBADMSG;
    }
    *id = vx.vni;
    nvo_tunnel_pop__(p, rx.hdr_end + NVO_VXLAN_LEN);
    return 0;
}

const struct nvo_encap_ops nvo_encap_vxlan_ops = {
    .name = "vxlan",
    .entropy = NVO_ENTROPY_UDP_SPORT,
    .build = vxlan_build,
    .push = nvo_tunnel_push_udp__,
    .pop = vxlan_pop,
};
