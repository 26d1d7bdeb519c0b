/* encap_geneve.c: Geneve (RFC 8926 sections 3.3-3.5).
 *
 * Outer Ethernet / IP / UDP (destination port 6081) / Geneve 8 bytes
 * (version 0, protocol type 0x6558 Ethernet, 24-bit VNI) + the configured
 * option TLVs (0-252 bytes; the C flag is set when one of them has its
 * critical bit).  Overhead 50 + options over IPv4, 70 + options over IPv6.
 *
 * Entropy: the UDP source port, from the inner flow hash, in 49152-65535
 * by default: the dynamic port range (RFC 6335) that RFC 7348 suggests and
 * the other UDP encapsulations here use.  RFC 8926 section 3.3 would allow
 * the entire 16-bit range, but a source port on a well-known or registered
 * port makes decoders (Wireshark) take the frame for that protocol (RIP on
 * 520, CIP, ...); Linux and Open vSwitch draw from their ephemeral range
 * too.  cfg sport_min/max override it.
 *
 * Not modelled: the meaning of options (they are opaque bytes, the same on
 * every packet of the tunnel), the O (OAM) flag, non-Ethernet payloads. */
#include "overlay/encap.h"

#include <errno.h>

#include "wire/wire.h"

#define GENEVE_SPORT_MIN 49152
#define GENEVE_SPORT_MAX 65535

static int
geneve_build(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg)
{
    bool critical;
    if (cfg->vni > NVO_VNI_MAX || cfg->geneve_opts_len > NVO_GENEVE_OPTS_MAX
        || cfg->geneve_opts_len % 4
        || nvo_geneve_opts_check(cfg->geneve_opts, cfg->geneve_opts_len,
                                 &critical)) {
        return EINVAL;
    }
    int error = nvo_tunnel_init__(t, cfg, NVO_IPPROTO_UDP,
                                  NVO_UDP_LEN + NVO_GENEVE_LEN
                                  + cfg->geneve_opts_len,
                                  GENEVE_SPORT_MIN, GENEVE_SPORT_MAX);
    if (error) {
        return error;
    }
    uint8_t *l4 = t->hdr + t->l4_ofs;
    struct nvo_udp_info udp = { .dport = NVO_PORT_GENEVE };
    struct nvo_geneve_info g = {
        .critical = critical,
        .proto = NVO_ETH_TYPE_TEB,
        .vni = cfg->vni,
        .opts_len = cfg->geneve_opts_len,
        .opts = t->cfg.geneve_opts,
    };
    nvo_udp_encode(l4, &udp);
    nvo_geneve_encode(l4 + NVO_UDP_LEN, &g);
    return 0;
}

static int
geneve_pop(struct nvo_pkt *p, uint32_t *id)
{
    struct nvo_tunnel_rx rx;
    struct nvo_geneve_info g;

    int error = nvo_tunnel_rx__(p, NVO_IPPROTO_UDP, NVO_PORT_GENEVE, &rx);
    if (error) {
        return error;
    }
    if (nvo_geneve_decode(p->data + rx.hdr_end, p->size - rx.hdr_end, &g)) {
        return EBADMSG;
    }
    if (g.proto != NVO_ETH_TYPE_TEB) {
        return EPROTONOSUPPORT;
    }
    *id = g.vni;
    nvo_tunnel_pop__(p, rx.hdr_end + NVO_GENEVE_LEN + g.opts_len);
    return 0;
}

const struct nvo_encap_ops nvo_encap_geneve_ops = {
    .name = "geneve",
    .entropy = NVO_ENTROPY_UDP_SPORT,
    .build = geneve_build,
    .push = nvo_tunnel_push_udp__,
    .pop = geneve_pop,
};
