/* encap.c: the encapsulation registry and the outer Ethernet / IP / UDP
 * handling every encapsulation shares.  See encap.h.
 *
 * Outer IP: IPv4 (RFC 791) with DF, ID 0 and the header checksum, or IPv6
 * (RFC 8200) with flow label 0.  Outer UDP checksum: 0 over IPv4, computed
 * over IPv6 (RFC 8200 section 8.1; RFC 6935's zero-checksum exception is
 * not used).  Entropy: the inner frame's nvo_flow_hash() with
 * cfg.hash_basis, mapped onto the source port range by multiply-shift
 * (as Linux udp_flow_src_port(); uniform within 1 part in 2^16). */
#include "overlay/encap.h"

#include <errno.h>

#include "wire/flow.h"
#include "wire/hdrs.h"
#include "wire/wire.h"

const struct nvo_encap_ops *const nvo_encaps[] = {
    &nvo_encap_vxlan_ops,
    &nvo_encap_nvgre_ops,
    &nvo_encap_stt_ops,
    &nvo_encap_geneve_ops,
    &nvo_encap_mpls_gre_ops,
    &nvo_encap_mpls_ip_ops,
    &nvo_encap_mpls_udp_ops,
    &nvo_encap_greudp_ops,
    &nvo_encap_vxlan_gpe_ops,
    NULL,
};

const struct nvo_encap_ops *
nvo_encap_lookup(const char *name)
{
    for (size_t i = 0; nvo_encaps[i]; i++) {
        if (!strcmp(nvo_encaps[i]->name, name)) {
            return nvo_encaps[i];
        }
    }
    return NULL;
}

const char *
nvo_entropy_name(enum nvo_entropy e)
{
    switch (e) {
    case NVO_ENTROPY_NONE: return "none";
    case NVO_ENTROPY_UDP_SPORT: return "udp-sport";
    case NVO_ENTROPY_TCP_SPORT: return "tcp-sport";
    case NVO_ENTROPY_GRE_KEY: return "gre-key";
    case NVO_ENTROPY_MPLS_EL: return "mpls-el";
    }
    return "?";
}

int
nvo_tunnel_build(struct nvo_tunnel *t, const struct nvo_encap_ops *ops,
                 const struct nvo_tunnel_cfg *cfg)
{
    memset(t, 0, sizeof *t);
    t->ops = ops;
    return ops->build(t, cfg);
}

int
nvo_tunnel_pop(const struct nvo_tunnel *t, struct nvo_pkt *p, uint32_t *id)
{
    if (t->cfg.control_word && t->ops->pop_cw) {
        return t->ops->pop_cw(p, id);
    }
    return t->ops->pop(p, id);
}

int
nvo_tunnel_entropy_value(const struct nvo_tunnel *t, const struct nvo_pkt *p,
                         uint32_t *value)
{
    const uint8_t *l4 = nvo_pkt_at(p, p->l4_ofs);
    const uint8_t *end = p->data + p->size;
    if (!l4) {
        return ENOENT;
    }
    switch (nvo_tunnel_entropy(t)) {
    case NVO_ENTROPY_UDP_SPORT:
    case NVO_ENTROPY_TCP_SPORT:
        if (end - l4 < 2) {
            return ENOENT;
        }
        *value = nvo_rd16(l4);
        return 0;
    case NVO_ENTROPY_GRE_KEY:
        if (end - l4 < NVO_GRE_LEN + 4) {
            return ENOENT;
        }
        *value = nvo_rd32(l4 + NVO_GRE_LEN);
        return 0;
    case NVO_ENTROPY_MPLS_EL: {
        /* MPLS in IP or GRE (the outer IP protocol says which): walk the
         * stack to the ELI; the EL follows. */
        struct nvo_hdrs h;
        nvo_hdrs_parse(p, &h);
        const uint8_t *lse = l4 + (h.proto == NVO_IPPROTO_GRE
                                   ? NVO_GRE_LEN : 0);
        for (; end - lse >= 2 * NVO_MPLS_LSE_LEN; lse += NVO_MPLS_LSE_LEN) {
            uint32_t e = nvo_rd32(lse);
            if (e >> 12 == NVO_MPLS_LABEL_ELI) {
                *value = nvo_rd32(lse + NVO_MPLS_LSE_LEN) >> 12;
                return 0;
            }
            if (e & 0x100) {
                break;          /* bottom of stack without an ELI */
            }
        }
        return ENOENT;
    }
    case NVO_ENTROPY_NONE:
        break;
    }
    return ENOENT;
}

/* ---- Shared by encap_*.c ------------------------------------------------ */

int
nvo_tunnel_init__(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg,
                  uint8_t proto, size_t l4_len,
                  uint16_t sport_lo, uint16_t sport_hi)
{
    if (cfg->vlan > NVO_VLAN_VID_MAX) {
        return EINVAL;
    }
    if (cfg->sport_min || cfg->sport_max) {
        if (!cfg->sport_min || !cfg->sport_max
            || cfg->sport_min > cfg->sport_max) {
            return EINVAL;
        }
    }
    size_t l2_len = NVO_ETH_LEN + (cfg->vlan ? NVO_VLAN_LEN : 0);
    size_t l3_len = cfg->ipv6 ? NVO_IPV6_LEN : NVO_IPV4_LEN;
    if (l2_len + l3_len + l4_len > sizeof t->hdr) {
        return EINVAL;
    }

    t->cfg = *cfg;
    if (!t->cfg.ttl) {
        t->cfg.ttl = 64;
    }
    if (!t->cfg.sport_min && !t->cfg.sport_max) {
        t->cfg.sport_min = sport_lo;
        t->cfg.sport_max = sport_hi;
    }

    uint16_t l3_type = cfg->ipv6 ? NVO_ETH_TYPE_IPV6 : NVO_ETH_TYPE_IPV4;
    struct nvo_eth_info eth = {
        .type = cfg->vlan ? NVO_ETH_TYPE_VLAN : l3_type,
    };
    memcpy(eth.dst, cfg->dst_mac, sizeof eth.dst);
    memcpy(eth.src, cfg->src_mac, sizeof eth.src);
    nvo_eth_encode(t->hdr, &eth);
    if (cfg->vlan) {
        struct nvo_vlan_info v = { .vid = cfg->vlan, .type = l3_type };
        nvo_vlan_encode(t->hdr + NVO_ETH_LEN, &v);
    }

    /* Lengths (and the IPv4 checksum) are per packet. */
    if (cfg->ipv6) {
        struct nvo_ipv6_info ip = {
            .tclass = cfg->tos,
            .next_hdr = proto,
            .hop_limit = t->cfg.ttl,
        };
        memcpy(ip.src, cfg->src_ip6, sizeof ip.src);
        memcpy(ip.dst, cfg->dst_ip6, sizeof ip.dst);
        nvo_ipv6_encode(t->hdr + l2_len, &ip);
    } else {
        struct nvo_ipv4_info ip = {
            .tos = cfg->tos,
            .frag_off = NVO_IP_DF,
            .ttl = t->cfg.ttl,
            .proto = proto,
            .src = cfg->src_ip4,
            .dst = cfg->dst_ip4,
        };
        nvo_ipv4_encode(t->hdr + l2_len, &ip);
    }
    t->l3_ofs = (uint16_t) l2_len;
    t->l4_ofs = (uint16_t) (l2_len + l3_len);
    t->hdr_len = (uint16_t) (l2_len + l3_len + l4_len);
    return 0;
}

uint32_t
nvo_tunnel_hash__(const struct nvo_tunnel *t, const struct nvo_pkt *p)
{
    struct nvo_flow flow;
    /* A truncated frame still hashes the fields found before the
     * truncation, as a NIC would. */
    (void) nvo_flow_extract_pkt(p, &flow);
    return nvo_flow_hash(&flow, t->cfg.hash_basis);
}

uint16_t
nvo_tunnel_sport__(const struct nvo_tunnel *t, uint32_t hash)
{
    uint32_t lo = t->cfg.sport_min, n = (uint32_t) t->cfg.sport_max - lo + 1;
    return (uint16_t) (lo + (((uint64_t) hash * n) >> 32));
}

uint8_t *
nvo_tunnel_push__(const struct nvo_tunnel *t, struct nvo_pkt *p)
{
    nvo_pkt_shift_inner(p);
    uint8_t *h = nvo_pkt_push(p, t->hdr_len);
    memcpy(h, t->hdr, t->hdr_len);

    uint16_t ofs = nvo_pkt_data_ofs(p);
    p->l2_ofs = ofs;
    p->l3_ofs = (uint16_t) (ofs + t->l3_ofs);
    p->l4_ofs = (uint16_t) (ofs + t->l4_ofs);

    uint32_t l3_len = nvo_pkt_len(p) - t->l3_ofs;
    uint8_t *l3 = h + t->l3_ofs;
    uint8_t *l4 = h + t->l4_ofs;
    if (t->cfg.ipv6) {
        struct nvo_ipv6_header *ip = (struct nvo_ipv6_header *) l3;
        ip->payload_len = nvo_htons((uint16_t) NVO_MIN(l3_len - NVO_IPV6_LEN,
                                                       UINT16_MAX));
    } else {
        struct nvo_ipv4_header *ip = (struct nvo_ipv4_header *) l3;
        ip->tot_len = nvo_htons((uint16_t) NVO_MIN(l3_len, UINT16_MAX));
        ip->csum = 0;
        ip->csum = nvo_htons(nvo_inet_csum(ip, NVO_IPV4_LEN));
    }
    if (l3[t->cfg.ipv6 ? 6 : 9] == NVO_IPPROTO_UDP) {
        struct nvo_udp_header *udp = (struct nvo_udp_header *) l4;
        uint32_t l4_len = nvo_pkt_len(p) - t->l4_ofs;
        udp->len = nvo_htons((uint16_t) NVO_MIN(l4_len, UINT16_MAX));
    }
    return l4;
}

void
nvo_tunnel_udp_csum__(const struct nvo_tunnel *t, struct nvo_pkt *p)
{
    if (!t->cfg.ipv6) {
        return;
    }
    uint8_t *l3 = p->data + t->l3_ofs;
    uint8_t *l4 = p->data + t->l4_ofs;
    struct nvo_udp_header *udp = (struct nvo_udp_header *) l4;
    udp->csum = 0;
    uint16_t csum = nvo_l4_csum(l3, NVO_IPPROTO_UDP, l4, p->size - t->l4_ofs,
                                nvo_pkt_len(p) - t->l4_ofs);
    udp->csum = nvo_htons(csum ? csum : 0xffff);
}

void
nvo_tunnel_push_udp__(const struct nvo_tunnel *t, struct nvo_pkt *p)
{
    uint32_t hash = nvo_tunnel_hash__(t, p);
    struct nvo_udp_header *udp = (struct nvo_udp_header *)
                                 nvo_tunnel_push__(t, p);
    udp->sport = nvo_htons(nvo_tunnel_sport__(t, hash));
    nvo_tunnel_udp_csum__(t, p);
}

int
nvo_tunnel_rx__(const struct nvo_pkt *p, uint8_t proto, uint16_t dport,
                struct nvo_tunnel_rx *rx)
{
    const uint8_t *b = p->data;
    uint32_t wire_len = nvo_pkt_len(p);
    struct nvo_l2_info l2;

    memset(rx, 0, sizeof *rx);
    if (nvo_l2_decode(b, p->size, &l2)) {
        return EBADMSG;
    }
    if (l2.n_vlans > 1 || (l2.n_vlans && l2.eth.type != NVO_ETH_TYPE_VLAN)) {
        return EPROTONOSUPPORT;
    }
    rx->l3_ofs = l2.len;
    const uint8_t *l3 = b + l2.len;
    size_t l3_real = p->size - l2.len;
    uint32_t l3_wire = wire_len - l2.len;
    uint8_t got_proto;

    if (l2.type == NVO_ETH_TYPE_IPV4) {
        struct nvo_ipv4_info ip;
        if (nvo_ipv4_decode(l3, l3_real, &ip)
            || !nvo_ipv4_csum_ok(l3, ip.hdr_len)
            || ip.tot_len != l3_wire
            || (ip.frag_off & (NVO_IP_MF | NVO_IP_FRAG_OFF_MASK))) {
            return EBADMSG;
        }
        got_proto = ip.proto;
        rx->l4_ofs = (uint16_t) (rx->l3_ofs + ip.hdr_len);
        rx->l4_len = ip.tot_len - ip.hdr_len;
    } else if (l2.type == NVO_ETH_TYPE_IPV6) {
        struct nvo_ipv6_info ip;
        if (nvo_ipv6_decode(l3, l3_real, &ip)
            || (uint32_t) ip.payload_len + NVO_IPV6_LEN != l3_wire) {
            return EBADMSG;
        }
        rx->ipv6 = true;
        got_proto = ip.next_hdr;
        rx->l4_ofs = (uint16_t) (rx->l3_ofs + NVO_IPV6_LEN);
        rx->l4_len = ip.payload_len;
    } else {
        return EPROTONOSUPPORT;
    }
    if (got_proto != proto) {
        return EPROTONOSUPPORT;
    }
    rx->hdr_end = rx->l4_ofs;

    const uint8_t *l4 = b + rx->l4_ofs;
    size_t l4_real = p->size - rx->l4_ofs;
    if (proto == NVO_IPPROTO_UDP) {
        struct nvo_udp_info u;
        if (nvo_udp_decode(l4, l4_real, &u) || u.len != rx->l4_len) {
            return EBADMSG;
        }
        if (u.dport != dport) {
            return EPROTONOSUPPORT;
        }
        if (u.csum ? nvo_l4_csum(l3, proto, l4, l4_real, rx->l4_len) != 0
                   : rx->ipv6) {
            return EBADMSG;
        }
        rx->sport = u.sport;
        rx->hdr_end = (uint16_t) (rx->l4_ofs + NVO_UDP_LEN);
    } else if (proto == NVO_IPPROTO_TCP) {
        struct nvo_tcp_info t;
        if (nvo_tcp_decode(l4, l4_real, &t)) {
            return EBADMSG;
        }
        if (t.dport != dport) {
            return EPROTONOSUPPORT;
        }
        if (nvo_l4_csum(l3, proto, l4, l4_real, rx->l4_len) != 0) {
            return EBADMSG;
        }
        rx->sport = t.sport;
        rx->tcp_seq = t.seq;
        rx->tcp_ack = t.ack;
        rx->hdr_end = (uint16_t) (rx->l4_ofs + t.hdr_len);
    }
    return 0;
}

void
nvo_tunnel_pop__(struct nvo_pkt *p, uint32_t len)
{
    nvo_pkt_pull(p, len);
    (void) nvo_wire_set_offsets(p);
}
