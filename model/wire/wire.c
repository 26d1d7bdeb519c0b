/* wire.c: wire-format headers, encode and decode; frames in packets;
 * one-line summaries.  See wire.h for the RFC sections covered.
 *
 * Every encoder fills a local typed header and copies it out, and every
 * decoder copies the bytes into a local typed header after checking the
 * length, so neither depends on the alignment of the caller's buffer and
 * neither reads past 'len'.  Multi-header parsing (L2 tags, IPv6 extension
 * headers, summaries) goes through the bounds-checked cursor of cursor.h. */
#include "wire/wire.h"
#include "wire/cursor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

/* ---- Internet checksum -------------------------------------------------- */

uint32_t
nvo_csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *b = data;
    uint64_t acc = sum;

    while (len >= 2) {
        acc += (uint32_t) ((b[0] << 8) | b[1]);
        b += 2;
        len -= 2;
    }
    if (len) {
        acc += (uint32_t) b[0] << 8;
    }
    while (acc >> 32) {
        acc = (acc & 0xffffffffu) + (acc >> 32);
    }
    return (uint32_t) acc;
}

uint16_t
nvo_csum_finish(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

uint16_t
nvo_inet_csum(const void *data, size_t len)
{
    return nvo_csum_finish(nvo_csum_add(0, data, len));
}

static uint32_t
csum_add32__(uint32_t sum, uint32_t v)
{
    uint64_t acc = (uint64_t) sum + (v >> 16) + (v & 0xffff);
    return (uint32_t) ((acc & 0xffffffffu) + (acc >> 32));
}

uint32_t
nvo_csum_pseudo_ipv4(uint32_t src, uint32_t dst, uint8_t proto,
                     uint32_t l4_len)
{
    uint32_t sum = 0;
    sum = csum_add32__(sum, src);
    sum = csum_add32__(sum, dst);
    sum = csum_add32__(sum, proto);
    return csum_add32__(sum, l4_len);
}

uint32_t
nvo_csum_pseudo_ipv6(const uint8_t src[16], const uint8_t dst[16],
                     uint8_t proto, uint32_t l4_len)
{
    uint32_t sum = nvo_csum_add(0, src, 16);
    sum = nvo_csum_add(sum, dst, 16);
    sum = csum_add32__(sum, l4_len);
    return csum_add32__(sum, proto);
}

uint16_t
nvo_l4_csum(const void *l3, uint8_t proto, const void *l4, size_t real_len,
            uint32_t l4_len)
{
    const uint8_t *ip = l3;
    uint32_t sum;

    if ((ip[0] >> 4) == 4) {
        sum = nvo_csum_pseudo_ipv4(nvo_rd32(ip + 12), nvo_rd32(ip + 16),
                                   proto, l4_len);
    } else {
        sum = nvo_csum_pseudo_ipv6(ip + 8, ip + 24, proto, l4_len);
    }
    return nvo_csum_finish(nvo_csum_add(sum, l4, real_len));
}

/* ---- Ethernet, 802.1Q --------------------------------------------------- */

void
nvo_eth_encode(void *hdr, const struct nvo_eth_info *info)
{
    struct nvo_eth_header h;
    memcpy(h.dst, info->dst, sizeof h.dst);
    memcpy(h.src, info->src, sizeof h.src);
    h.type = nvo_htons(info->type);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_eth_decode(const void *buf, size_t len, struct nvo_eth_info *out)
{
    struct nvo_eth_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    memcpy(out->dst, h.dst, sizeof out->dst);
    memcpy(out->src, h.src, sizeof out->src);
    out->type = nvo_ntohs(h.type);
    return 0;
}

void
nvo_vlan_encode(void *hdr, const struct nvo_vlan_info *info)
{
    struct nvo_vlan_header h;
    h.tci = nvo_htons((uint16_t) (((info->pcp & 7) << 13)
                                  | (info->dei ? 0x1000 : 0)
                                  | (info->vid & 0xfff)));
    h.type = nvo_htons(info->type);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_vlan_decode(const void *buf, size_t len, struct nvo_vlan_info *out)
{
    struct nvo_vlan_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    uint16_t tci = nvo_ntohs(h.tci);
    out->pcp = (uint8_t) (tci >> 13);
    out->dei = (tci & 0x1000) != 0;
    out->vid = tci & 0xfff;
    out->type = nvo_ntohs(h.type);
    return 0;
}

int
nvo_l2_decode(const void *buf, size_t len, struct nvo_l2_info *out)
{
    struct nvo_rd c = nvo_rd_init(buf, len);

    memset(out, 0, sizeof *out);
    if (nvo_eth_decode(c.p, c.left, &out->eth)) {
        return EBADMSG;
    }
    nvo_rd_skip(&c, NVO_ETH_LEN);
    uint16_t type = out->eth.type;
    while ((type == NVO_ETH_TYPE_VLAN || type == NVO_ETH_TYPE_QINQ)
           && out->n_vlans < NVO_ARRAY_SIZE(out->vlans)) {
        struct nvo_vlan_info *v = &out->vlans[out->n_vlans];
        if (nvo_vlan_decode(c.p, c.left, v)) {
            return EBADMSG;
        }
        nvo_rd_skip(&c, NVO_VLAN_LEN);
        out->n_vlans++;
        type = v->type;
    }
    out->type = type;
    out->len = (uint16_t) (len - c.left);
    return 0;
}

char *
nvo_eth_addr_format(const uint8_t mac[NVO_ETH_ADDR_LEN], char buf[18])
{
    snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
             mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    return buf;
}

/* ---- VM MAC addresses ---------------------------------------------------- */

static const struct {
    const char *name;
    uint8_t oui[3];
} vm_ouis[NVO_VM_OUI_N] = {
    [NVO_VM_OUI_VMWARE] = { "vmware", { 0x00, 0x50, 0x56 } },
    [NVO_VM_OUI_XEN] = { "xen", { 0x00, 0x16, 0x3e } },
    [NVO_VM_OUI_HYPERV] = { "hyperv", { 0x00, 0x15, 0x5d } },
};

const char *
nvo_vm_oui_name(enum nvo_vm_oui oui)
{
    return (unsigned) oui < NVO_VM_OUI_N ? vm_ouis[oui].name : NULL;
}

int
nvo_vm_oui_lookup(const char *name, enum nvo_vm_oui *out)
{
    for (int i = 0; i < NVO_VM_OUI_N; i++) {
        if (!strcmp(name, vm_ouis[i].name)) {
            *out = (enum nvo_vm_oui) i;
            return 0;
        }
    }
    return EINVAL;
}

int
nvo_vm_mac(uint8_t mac[NVO_ETH_ADDR_LEN], enum nvo_vm_oui oui, uint32_t index)
{
    if ((unsigned) oui >= NVO_VM_OUI_N || index > NVO_VM_MAC_MAX_INDEX) {
        return EINVAL;
    }
    memcpy(mac, vm_ouis[oui].oui, 3);
    mac[3] = (uint8_t) (index >> 16);
    mac[4] = (uint8_t) (index >> 8);
    mac[5] = (uint8_t) index;
    return 0;
}

/* ---- ARP ---------------------------------------------------------------- */

void
nvo_arp_encode(void *hdr, const struct nvo_arp_info *info)
{
    struct nvo_arp_header h;
    h.htype = nvo_htons(1);
    h.ptype = nvo_htons(NVO_ETH_TYPE_IPV4);
    h.hlen = NVO_ETH_ADDR_LEN;
    h.plen = 4;
    h.op = nvo_htons(info->op);
    memcpy(h.sha, info->sha, sizeof h.sha);
    nvo_put_16aligned_be32(&h.spa, info->spa);
    memcpy(h.tha, info->tha, sizeof h.tha);
    nvo_put_16aligned_be32(&h.tpa, info->tpa);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_arp_decode(const void *buf, size_t len, struct nvo_arp_info *out)
{
    struct nvo_arp_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    if (nvo_ntohs(h.htype) != 1 || nvo_ntohs(h.ptype) != NVO_ETH_TYPE_IPV4
        || h.hlen != NVO_ETH_ADDR_LEN || h.plen != 4) {
        return EBADMSG;
    }
    out->op = nvo_ntohs(h.op);
    memcpy(out->sha, h.sha, sizeof out->sha);
    out->spa = nvo_get_16aligned_be32(&h.spa);
    memcpy(out->tha, h.tha, sizeof out->tha);
    out->tpa = nvo_get_16aligned_be32(&h.tpa);
    return 0;
}

/* ---- IPv4 --------------------------------------------------------------- */

void
nvo_ipv4_encode(void *hdr, const struct nvo_ipv4_info *info)
{
    struct nvo_ipv4_header h;
    h.ver_ihl = 0x45;
    h.tos = info->tos;
    h.tot_len = nvo_htons(info->tot_len);
    h.id = nvo_htons(info->id);
    h.frag_off = nvo_htons(info->frag_off);
    h.ttl = info->ttl;
    h.proto = info->proto;
    h.csum = 0;
    nvo_put_16aligned_be32(&h.src, info->src);
    nvo_put_16aligned_be32(&h.dst, info->dst);
    h.csum = nvo_htons(nvo_inet_csum(&h, sizeof h));
    memcpy(hdr, &h, sizeof h);
}

int
nvo_ipv4_decode(const void *buf, size_t len, struct nvo_ipv4_info *out)
{
    struct nvo_ipv4_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    size_t hdr_len = (size_t) (h.ver_ihl & 0xf) * 4;
    if ((h.ver_ihl >> 4) != 4 || hdr_len < NVO_IPV4_LEN || hdr_len > len
        || nvo_ntohs(h.tot_len) < hdr_len) {
        return EBADMSG;
    }
    out->hdr_len = (uint8_t) hdr_len;
    out->tos = h.tos;
    out->tot_len = nvo_ntohs(h.tot_len);
    out->id = nvo_ntohs(h.id);
    out->frag_off = nvo_ntohs(h.frag_off);
    out->ttl = h.ttl;
    out->proto = h.proto;
    out->csum = nvo_ntohs(h.csum);
    out->src = nvo_get_16aligned_be32(&h.src);
    out->dst = nvo_get_16aligned_be32(&h.dst);
    return 0;
}

bool
nvo_ipv4_csum_ok(const void *hdr, size_t hdr_len)
{
    return nvo_inet_csum(hdr, hdr_len) == 0;
}

/* ---- IPv6 --------------------------------------------------------------- */

void
nvo_ipv6_encode(void *hdr, const struct nvo_ipv6_info *info)
{
    struct nvo_ipv6_header h;
    nvo_put_16aligned_be32(&h.ver_tc_fl,
                           (6u << 28) | ((uint32_t) info->tclass << 20)
                           | (info->flow_label & NVO_IPV6_FLOW_LABEL_MASK));
    h.payload_len = nvo_htons(info->payload_len);
    h.next_hdr = info->next_hdr;
    h.hop_limit = info->hop_limit;
    memcpy(h.src, info->src, sizeof h.src);
    memcpy(h.dst, info->dst, sizeof h.dst);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_ipv6_decode(const void *buf, size_t len, struct nvo_ipv6_info *out)
{
    struct nvo_ipv6_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    uint32_t w = nvo_get_16aligned_be32(&h.ver_tc_fl);
    if ((w >> 28) != 6) {
        return EBADMSG;
    }
    out->tclass = (uint8_t) (w >> 20);
    out->flow_label = w & NVO_IPV6_FLOW_LABEL_MASK;
    out->payload_len = nvo_ntohs(h.payload_len);
    out->next_hdr = h.next_hdr;
    out->hop_limit = h.hop_limit;
    memcpy(out->src, h.src, sizeof out->src);
    memcpy(out->dst, h.dst, sizeof out->dst);
    return 0;
}

int
nvo_ipv6_skip_ext(const void *buf, size_t len, uint8_t *proto,
                  size_t *l4_ofs, bool *later_frag)
{
    struct nvo_rd c = nvo_rd_init(buf, len);
    if (!nvo_rd_skip(&c, NVO_IPV6_LEN)) {
        return EBADMSG;
    }
    uint8_t next = ((const uint8_t *) buf)[6];
    *later_frag = false;
    for (int i = 0; ; i++) {
        if (next != NVO_IPPROTO_HOPOPTS && next != NVO_IPPROTO_ROUTING
            && next != NVO_IPPROTO_FRAGMENT && next != NVO_IPPROTO_DSTOPTS) {
            break;
        }
        if (i == 8 || c.left < 8) {
            return EBADMSG;
        }
        const uint8_t *e = c.p;
        size_t ext_len;
        if (next == NVO_IPPROTO_FRAGMENT) {
            ext_len = 8;
            if (nvo_rd16(e + 2) & 0xfff8) {
                *later_frag = true;
            }
        } else {
            ext_len = ((size_t) e[1] + 1) * 8;
        }
        next = e[0];
        if (!nvo_rd_skip(&c, ext_len)) {
            return EBADMSG;
        }
        if (*later_frag) {
            break;
        }
    }
    *proto = next;
    *l4_ofs = len - c.left;
    return 0;
}

/* ---- UDP, TCP ----------------------------------------------------------- */

void
nvo_udp_encode(void *hdr, const struct nvo_udp_info *info)
{
    struct nvo_udp_header h;
    h.sport = nvo_htons(info->sport);
    h.dport = nvo_htons(info->dport);
    h.len = nvo_htons(info->len);
    h.csum = nvo_htons(info->csum);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_udp_decode(const void *buf, size_t len, struct nvo_udp_info *out)
{
    struct nvo_udp_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    if (nvo_ntohs(h.len) < NVO_UDP_LEN) {
        return EBADMSG;
    }
    out->sport = nvo_ntohs(h.sport);
    out->dport = nvo_ntohs(h.dport);
    out->len = nvo_ntohs(h.len);
    out->csum = nvo_ntohs(h.csum);
    return 0;
}

void
nvo_tcp_encode(void *hdr, const struct nvo_tcp_info *info)
{
    struct nvo_tcp_header h;
    unsigned int doff = info->hdr_len ? info->hdr_len / 4u : 5u;
    h.sport = nvo_htons(info->sport);
    h.dport = nvo_htons(info->dport);
    nvo_put_16aligned_be32(&h.seq, info->seq);
    nvo_put_16aligned_be32(&h.ack, info->ack);
    h.off_flags = nvo_htons((uint16_t) ((doff << 12)
                                        | (info->flags & NVO_TCP_FLAGS_MASK)));
    h.window = nvo_htons(info->window);
    h.csum = nvo_htons(info->csum);
    h.urg = nvo_htons(info->urg);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_tcp_decode(const void *buf, size_t len, struct nvo_tcp_info *out)
{
    struct nvo_tcp_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    uint16_t off_flags = nvo_ntohs(h.off_flags);
    size_t hdr_len = (size_t) (off_flags >> 12) * 4;
    if (hdr_len < NVO_TCP_LEN || hdr_len > len) {
        return EBADMSG;
    }
    out->sport = nvo_ntohs(h.sport);
    out->dport = nvo_ntohs(h.dport);
    out->seq = nvo_get_16aligned_be32(&h.seq);
    out->ack = nvo_get_16aligned_be32(&h.ack);
    out->hdr_len = (uint8_t) hdr_len;
    out->flags = off_flags & NVO_TCP_FLAGS_MASK;
    out->window = nvo_ntohs(h.window);
    out->csum = nvo_ntohs(h.csum);
    out->urg = nvo_ntohs(h.urg);
    return 0;
}

/* ---- GRE, NVGRE --------------------------------------------------------- */

size_t
nvo_gre_hdr_len(const struct nvo_gre_info *info)
{
    return NVO_GRE_LEN + 4u * ((size_t) info->csum_present
                               + info->key_present + info->seq_present);
}

void
nvo_gre_encode(void *hdr, const struct nvo_gre_info *info)
{
    struct {
        struct nvo_gre_header base;
        nvo_16aligned_be32 opt[3];
    } h;
    size_t n = 0;

    uint16_t flags = (uint16_t) ((info->csum_present ? NVO_GRE_C : 0)
                                 | (info->key_present ? NVO_GRE_K : 0)
                                 | (info->seq_present ? NVO_GRE_S : 0));
    h.base.flags = nvo_htons(flags);
    h.base.proto = nvo_htons(info->proto);
    if (info->csum_present) {
        nvo_put_16aligned_be32(&h.opt[n++], (uint32_t) info->csum << 16);
    }
    if (info->key_present) {
        nvo_put_16aligned_be32(&h.opt[n++], info->key);
    }
    if (info->seq_present) {
        nvo_put_16aligned_be32(&h.opt[n++], info->seq);
    }
    memcpy(hdr, &h, NVO_GRE_LEN + 4 * n);
}

int
nvo_gre_decode(const void *buf, size_t len, struct nvo_gre_info *out)
{
    struct nvo_gre_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    uint16_t flags = nvo_ntohs(h.flags);
    if ((flags & NVO_GRE_VER_MASK) || (flags & NVO_GRE_MUST_BE_ZERO)) {
        return EBADMSG;
    }
    out->csum_present = (flags & NVO_GRE_C) != 0;
    out->key_present = (flags & NVO_GRE_K) != 0;
    out->seq_present = (flags & NVO_GRE_S) != 0;
    out->proto = nvo_ntohs(h.proto);
    out->hdr_len = (uint8_t) nvo_gre_hdr_len(out);
    if (len < out->hdr_len) {
        return EBADMSG;
    }
    const uint8_t *opt = (const uint8_t *) buf + NVO_GRE_LEN;
    out->csum = out->key = out->seq = 0;
    if (out->csum_present) {
        out->csum = nvo_rd16(opt);
        opt += 4;
    }
    if (out->key_present) {
        out->key = nvo_rd32(opt);
        opt += 4;
    }
    if (out->seq_present) {
        out->seq = nvo_rd32(opt);
    }
    return 0;
}

void
nvo_nvgre_encode(void *hdr, const struct nvo_nvgre_info *info)
{
    struct nvo_nvgre_header h;
    h.flags = nvo_htons(NVO_GRE_K);
    h.proto = nvo_htons(NVO_ETH_TYPE_TEB);
    nvo_put_16aligned_be32(&h.key, ((info->vsid & NVO_VNI_MAX) << 8)
                                   | info->flow_id);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_nvgre_decode(const void *buf, size_t len, struct nvo_nvgre_info *out)
{
    struct nvo_nvgre_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    uint16_t flags = nvo_ntohs(h.flags);
    if ((flags & (NVO_GRE_C | NVO_GRE_K | NVO_GRE_S)) != NVO_GRE_K
        || (flags & NVO_GRE_VER_MASK) || (flags & NVO_GRE_MUST_BE_ZERO)
        || nvo_ntohs(h.proto) != NVO_ETH_TYPE_TEB) {
        return EBADMSG;
    }
    uint32_t key = nvo_get_16aligned_be32(&h.key);
    out->vsid = key >> 8;
    out->flow_id = (uint8_t) key;
    return 0;
}

/* ---- VXLAN -------------------------------------------------------------- */

void
nvo_vxlan_encode(void *hdr, const struct nvo_vxlan_info *info)
{
    struct nvo_vxlan_header h;
    nvo_put_16aligned_be32(&h.flags, ((uint32_t) info->flags << 24)
                                     | info->next_proto);
    nvo_put_16aligned_be32(&h.vni, (info->vni & NVO_VNI_MAX) << 8);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_vxlan_decode(const void *buf, size_t len, struct nvo_vxlan_info *out)
{
    struct nvo_vxlan_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    uint32_t w = nvo_get_16aligned_be32(&h.flags);
    out->flags = (uint8_t) (w >> 24);
    out->next_proto = (uint8_t) w;
    out->vni = nvo_get_16aligned_be32(&h.vni) >> 8;
    return out->flags & NVO_VXLAN_F_I ? 0 : EBADMSG;
}

/* ---- Geneve ------------------------------------------------------------- */

void
nvo_geneve_encode(void *hdr, const struct nvo_geneve_info *info)
{
    struct nvo_geneve_header h;
    h.ver_opt_len = (uint8_t) (((info->version & 3) << 6)
                               | ((info->opts_len / 4) & 0x3f));
    h.flags = (uint8_t) ((info->oam ? NVO_GENEVE_F_O : 0)
                         | (info->critical ? NVO_GENEVE_F_C : 0));
    h.proto = nvo_htons(info->proto);
    nvo_put_16aligned_be32(&h.vni, (info->vni & NVO_VNI_MAX) << 8);
    memcpy(hdr, &h, sizeof h);
    if (info->opts_len) {
        memcpy((uint8_t *) hdr + sizeof h, info->opts, info->opts_len);
    }
}

int
nvo_geneve_opts_check(const void *opts, size_t len, bool *critical)
{
    struct nvo_rd c = nvo_rd_init(opts, len);
    bool crit = false;

    while (c.left) {
        struct nvo_geneve_opt_info o;
        if (nvo_geneve_opt_decode(c.p, c.left, &o)) {
            return EBADMSG;
        }
        crit |= (o.type & NVO_GENEVE_OPT_CRIT) != 0;
        nvo_rd_skip(&c, NVO_GENEVE_OPT_LEN + (size_t) o.data_len);
    }
    if (critical) {
        *critical = crit;
    }
    return 0;
}

int
nvo_geneve_decode(const void *buf, size_t len, struct nvo_geneve_info *out)
{
    struct nvo_geneve_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    out->version = h.ver_opt_len >> 6;
    out->opts_len = (uint16_t) ((h.ver_opt_len & 0x3f) * 4);
    if (out->version != 0 || sizeof h + out->opts_len > len) {
        return EBADMSG;
    }
    out->oam = (h.flags & NVO_GENEVE_F_O) != 0;
    out->critical = (h.flags & NVO_GENEVE_F_C) != 0;
    out->proto = nvo_ntohs(h.proto);
    out->vni = nvo_get_16aligned_be32(&h.vni) >> 8;
    out->opts = (const uint8_t *) buf + sizeof h;
    return nvo_geneve_opts_check(out->opts, out->opts_len, NULL);
}

void
nvo_geneve_opt_encode(void *hdr, const struct nvo_geneve_opt_info *info)
{
    struct nvo_geneve_opt_header h;
    h.opt_class = nvo_htons(info->opt_class);
    h.type = info->type;
    h.len = (uint8_t) ((info->data_len / 4) & 0x1f);
    memcpy(hdr, &h, sizeof h);
    if (info->data_len) {
        memcpy((uint8_t *) hdr + sizeof h, info->data, info->data_len);
    }
}

int
nvo_geneve_opt_decode(const void *buf, size_t len,
                      struct nvo_geneve_opt_info *out)
{
    struct nvo_geneve_opt_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    out->opt_class = nvo_ntohs(h.opt_class);
    out->type = h.type;
    out->data_len = (uint8_t) ((h.len & 0x1f) * 4);
    if (sizeof h + out->data_len > len) {
        return EBADMSG;
    }
    out->data = (const uint8_t *) buf + sizeof h;
    return 0;
}

/* ---- STT ---------------------------------------------------------------- */

void
nvo_stt_encode(void *hdr, const struct nvo_stt_info *info)
{
    struct nvo_stt_header h;
    h.version = info->version;
    h.flags = info->flags;
    h.l4_ofs = info->l4_ofs;
    h.reserved = 0;
    h.mss = nvo_htons(info->mss);
    h.vlan_tci = nvo_htons((uint16_t) (((info->pcp & 7) << 13)
                                       | (info->vlan_valid ? 0x1000 : 0)
                                       | (info->vid & 0xfff)));
    nvo_put_16aligned_be32(&h.context_hi, (uint32_t) (info->context >> 32));
    nvo_put_16aligned_be32(&h.context_lo, (uint32_t) info->context);
    h.padding = 0;
    memcpy(hdr, &h, sizeof h);
}

int
nvo_stt_decode(const void *buf, size_t len, struct nvo_stt_info *out)
{
    struct nvo_stt_header h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    if (h.version != 0) {
        return EBADMSG;
    }
    uint16_t tci = nvo_ntohs(h.vlan_tci);
    out->version = h.version;
    out->flags = h.flags;
    out->l4_ofs = h.l4_ofs;
    out->mss = nvo_ntohs(h.mss);
    out->pcp = (uint8_t) (tci >> 13);
    out->vlan_valid = (tci & 0x1000) != 0;
    out->vid = tci & 0xfff;
    out->context = ((uint64_t) nvo_get_16aligned_be32(&h.context_hi) << 32)
                   | nvo_get_16aligned_be32(&h.context_lo);
    return 0;
}

void
nvo_stt_tcp_encode(void *hdr, const struct nvo_stt_tcp_info *info)
{
    struct nvo_tcp_info t = {
        .sport = info->sport,
        .dport = info->dport,
        .seq = ((uint32_t) info->frame_len << 16) | info->seg_ofs,
        .ack = info->pkt_id,
        .hdr_len = NVO_TCP_LEN,
        .flags = NVO_TCP_ACK | NVO_TCP_PSH,
        .window = 0xffff,
        .csum = info->csum,
        .urg = 0,
    };
    nvo_tcp_encode(hdr, &t);
}

int
nvo_stt_tcp_decode(const void *buf, size_t len, struct nvo_stt_tcp_info *out)
{
    struct nvo_tcp_info t;
    if (nvo_tcp_decode(buf, len, &t) || t.hdr_len != NVO_TCP_LEN) {
        return EBADMSG;
    }
    out->sport = t.sport;
    out->dport = t.dport;
    out->frame_len = (uint16_t) (t.seq >> 16);
    out->seg_ofs = (uint16_t) t.seq;
    out->pkt_id = t.ack;
    out->csum = t.csum;
    return 0;
}

/* ---- MPLS --------------------------------------------------------------- */

void
nvo_mpls_encode(void *hdr, const struct nvo_mpls_info *info)
{
    struct nvo_mpls_lse h;
    nvo_put_16aligned_be32(&h.lse, ((info->label & NVO_MPLS_LABEL_MAX) << 12)
                                   | ((uint32_t) (info->tc & 7) << 9)
                                   | (info->bottom ? 0x100u : 0)
                                   | info->ttl);
    memcpy(hdr, &h, sizeof h);
}

int
nvo_mpls_decode(const void *buf, size_t len, struct nvo_mpls_info *out)
{
    struct nvo_mpls_lse h;
    if (len < sizeof h) {
        return EBADMSG;
    }
    memcpy(&h, buf, sizeof h);
    uint32_t w = nvo_get_16aligned_be32(&h.lse);
    out->label = w >> 12;
    out->tc = (w >> 9) & 7;
    out->bottom = (w & 0x100) != 0;
    out->ttl = (uint8_t) w;
    return 0;
}

/* ---- Frames in packets -------------------------------------------------- */

int
nvo_wire_build_frame(struct nvo_pkt *p, const struct nvo_frame_spec *s)
{
    if (s->vlan > NVO_VLAN_VID_MAX) {
        return EINVAL;
    }
    size_t l2_len = NVO_ETH_LEN + (s->vlan ? NVO_VLAN_LEN : 0);
    size_t l3_len = s->ipv6 ? NVO_IPV6_LEN : NVO_IPV4_LEN;
    size_t l4_len = (s->proto == NVO_IPPROTO_UDP ? NVO_UDP_LEN
                     : s->proto == NVO_IPPROTO_TCP ? NVO_TCP_LEN : 0);
    uint64_t ip_payload = l4_len + (uint64_t) p->payload_size;
    if (ip_payload + (s->ipv6 ? 0 : l3_len) > UINT16_MAX) {
        return EMSGSIZE;
    }
    if (nvo_pkt_tailroom(p) < l2_len + l3_len + l4_len) {
        return ENOBUFS;
    }

    uint8_t *l2 = nvo_pkt_put(p, (uint32_t) (l2_len + l3_len + l4_len));
    uint8_t *l3 = l2 + l2_len;
    uint8_t *l4 = l3 + l3_len;
    uint16_t l3_type = s->ipv6 ? NVO_ETH_TYPE_IPV6 : NVO_ETH_TYPE_IPV4;
    uint8_t ttl = s->ttl ? s->ttl : 64;

    struct nvo_eth_info eth = {
        .type = s->vlan ? NVO_ETH_TYPE_VLAN : l3_type,
    };
    memcpy(eth.dst, s->dst_mac, sizeof eth.dst);
    memcpy(eth.src, s->src_mac, sizeof eth.src);
    nvo_eth_encode(l2, &eth);
    if (s->vlan) {
        struct nvo_vlan_info v = {
            .pcp = s->vlan_pcp, .vid = s->vlan, .type = l3_type,
        };
        nvo_vlan_encode(l2 + NVO_ETH_LEN, &v);
    }

    if (s->ipv6) {
        struct nvo_ipv6_info ip = {
            .tclass = s->tos,
            .flow_label = s->flow_label,
            .payload_len = (uint16_t) ip_payload,
            .next_hdr = s->proto,
            .hop_limit = ttl,
        };
        memcpy(ip.src, s->src_ip6, sizeof ip.src);
        memcpy(ip.dst, s->dst_ip6, sizeof ip.dst);
        nvo_ipv6_encode(l3, &ip);
    } else {
        struct nvo_ipv4_info ip = {
            .tos = s->tos,
            .tot_len = (uint16_t) (l3_len + ip_payload),
            .id = s->ip_id,
            .frag_off = NVO_IP_DF,
            .ttl = ttl,
            .proto = s->proto,
            .src = s->src_ip4,
            .dst = s->dst_ip4,
        };
        nvo_ipv4_encode(l3, &ip);
    }

    if (s->proto == NVO_IPPROTO_UDP) {
        struct nvo_udp_info u = {
            .sport = s->sport, .dport = s->dport,
            .len = (uint16_t) ip_payload,
        };
        nvo_udp_encode(l4, &u);
        uint16_t csum = nvo_l4_csum(l3, s->proto, l4, l4_len,
                                    (uint32_t) ip_payload);
        nvo_wr16(l4 + 6, csum ? csum : 0xffff);
    } else if (s->proto == NVO_IPPROTO_TCP) {
        struct nvo_tcp_info t = {
            .sport = s->sport, .dport = s->dport,
            .seq = s->tcp_seq, .ack = s->tcp_ack,
            .hdr_len = NVO_TCP_LEN,
            .flags = s->tcp_flags ? s->tcp_flags : NVO_TCP_ACK,
            .window = s->tcp_window ? s->tcp_window : 0xffff,
        };
        nvo_tcp_encode(l4, &t);
        nvo_wr16(l4 + 16, nvo_l4_csum(l3, s->proto, l4, l4_len,
                                      (uint32_t) ip_payload));
    }

    p->l2_ofs = (uint16_t) (l2 - p->base);
    p->l3_ofs = (uint16_t) (l3 - p->base);
    p->l4_ofs = (uint16_t) (l4 - p->base);
    return 0;
}

int
nvo_wire_set_offsets(struct nvo_pkt *p)
{
    uint16_t ofs = nvo_pkt_data_ofs(p);
    struct nvo_l2_info l2;

    p->l2_ofs = ofs;
    p->l3_ofs = p->l4_ofs = NVO_PKT_OFS_NONE;
    p->inner_l2_ofs = p->inner_l3_ofs = p->inner_l4_ofs = NVO_PKT_OFS_NONE;
    if (nvo_l2_decode(p->data, p->size, &l2)) {
        return EBADMSG;
    }
    if (l2.type != NVO_ETH_TYPE_IPV4 && l2.type != NVO_ETH_TYPE_IPV6
        && l2.type != NVO_ETH_TYPE_ARP && l2.type != NVO_ETH_TYPE_MPLS
        && l2.type != NVO_ETH_TYPE_MPLS_MC) {
        return 0;
    }
    p->l3_ofs = (uint16_t) (ofs + l2.len);

    const uint8_t *l3 = p->data + l2.len;
    size_t left = p->size - l2.len;
    if (l2.type == NVO_ETH_TYPE_IPV4) {
        struct nvo_ipv4_info ip;
        if (nvo_ipv4_decode(l3, left, &ip)) {
            return EBADMSG;
        }
        if (!(ip.frag_off & NVO_IP_FRAG_OFF_MASK)) {
            p->l4_ofs = (uint16_t) (p->l3_ofs + ip.hdr_len);
        }
    } else if (l2.type == NVO_ETH_TYPE_IPV6) {
        uint8_t proto;
        size_t l4;
        bool later_frag;
        if (nvo_ipv6_skip_ext(l3, left, &proto, &l4, &later_frag)) {
            return EBADMSG;
        }
        if (!later_frag) {
            p->l4_ofs = (uint16_t) (p->l3_ofs + l4);
        }
    }
    return 0;
}

/* ---- Summary ------------------------------------------------------------ */

/* The summary is formatted by hand, not through printf: it is written for
 * every trace event, and vsnprintf's format parsing dominated the cost of
 * tracing.  The output is the same as the printf formats noted beside
 * each helper. */

struct sbuf {
    char *buf;
    size_t size;
    size_t len;                 /* of the whole line, even if cut */
};

/* Appends 'n' bytes (cut to fit; the NUL is written at the end). */
static void
sb_put(struct sbuf *sb, const char *s, size_t n)
{
    if (sb->len + 1 < sb->size) {
        size_t room = sb->size - 1 - sb->len;
        memcpy(sb->buf + sb->len, s, n < room ? n : room);
    }
    sb->len += n;
}

#define SB_LIT(SB, LIT) sb_put(SB, LIT, sizeof LIT - 1)

static void
sb_str(struct sbuf *sb, const char *s)
{
    sb_put(sb, s, strlen(s));
}

/* "%" PRIu64 */
static void
sb_u64(struct sbuf *sb, uint64_t v)
{
    char tmp[20];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char) ('0' + v % 10);
        v /= 10;
    } while (v);
    sb_put(sb, tmp + i, sizeof tmp - i);
}

/* "0x%0*" PRIx32 with 'width' digits (at least; 0 = no padding). */
static void
sb_hex(struct sbuf *sb, uint32_t v, int width)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[10];
    size_t i = sizeof tmp;
    int n = 0;
    do {
        tmp[--i] = digits[v & 0xf];
        v >>= 4;
        n++;
    } while (v || n < width);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    sb_put(sb, tmp + i, sizeof tmp - i);
}

/* nvo_eth_addr_format() */
static void
sb_mac(struct sbuf *sb, const uint8_t mac[NVO_ETH_ADDR_LEN])
{
    static const char digits[] = "0123456789abcdef";
    char tmp[17];
    for (int i = 0; i < 6; i++) {
        tmp[3 * i] = digits[mac[i] >> 4];
        tmp[3 * i + 1] = digits[mac[i] & 0xf];
        if (i < 5) {
            tmp[3 * i + 2] = ':';
        }
    }
    sb_put(sb, tmp, sizeof tmp);
}

/* inet_ntop(AF_INET) of a host-order address */
static void
sb_ip4(struct sbuf *sb, uint32_t a)
{
    char tmp[16];
    size_t n = 0;
    for (int i = 3; i >= 0; i--) {
        unsigned int o = (a >> (8 * i)) & 0xff;
        if (o >= 100) {
            tmp[n++] = (char) ('0' + o / 100);
        }
        if (o >= 10) {
            tmp[n++] = (char) ('0' + o / 10 % 10);
        }
        tmp[n++] = (char) ('0' + o % 10);
        tmp[n++] = '.';
    }
    sb_put(sb, tmp, n - 1);
}

/* inet_ntop(AF_INET6): lower-case hex words without leading zeros, the
 * first longest run of two or more zero words as "::" (RFC 5952).
 * Addresses that glibc prints with a dotted IPv4 tail (a run of five or
 * more zero words at the start) go through inet_ntop itself. */
static void
sb_ip6(struct sbuf *sb, const uint8_t a[16])
{
    uint16_t w[8];
    int best = -1, best_len = 0;
    for (int i = 0, run = 0; i < 8; i++) {
        w[i] = (uint16_t) (a[2 * i] << 8 | a[2 * i + 1]);
        run = w[i] ? 0 : run + 1;
        if (run > best_len) {
            best_len = run;
            best = i - run + 1;
        }
    }
    if (best_len < 2) {
        best = -1;
    }
    if (best == 0 && best_len >= 5) {
        char tmp[INET6_ADDRSTRLEN];
        sb_str(sb, inet_ntop(AF_INET6, a, tmp, sizeof tmp));
        return;
    }
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        if (i == best) {
            SB_LIT(sb, "::");
            i += best_len - 1;
            continue;
        }
        if (i && i != best + best_len) {
            SB_LIT(sb, ":");
        }
        char tmp[4];
        size_t k = sizeof tmp;
        uint16_t v = w[i];
        do {
            tmp[--k] = digits[v & 0xf];
            v >>= 4;
        } while (v);
        sb_put(sb, tmp + k, sizeof tmp - k);
    }
}

static void summarize_eth(struct sbuf *, const uint8_t *, size_t, int depth);

static void
summarize_inner(struct sbuf *sb, const uint8_t *b, size_t len, int depth)
{
    if (depth == 0) {
        SB_LIT(sb, " |");
        summarize_eth(sb, b, len, depth + 1);
    }
}

static void
summarize_mpls(struct sbuf *sb, const uint8_t *b, size_t len, int depth)
{
    struct nvo_rd c = nvo_rd_init(b, len);
    SB_LIT(sb, " mpls");
    for (int i = 0; ; i++) {
        struct nvo_mpls_info m;
        if (i == 16 || nvo_mpls_decode(c.p, c.left, &m)) {
            SB_LIT(sb, " [bad]");
            return;
        }
        nvo_rd_skip(&c, NVO_MPLS_LSE_LEN);
        if (i) {
            SB_LIT(sb, ",");
        } else {
            SB_LIT(sb, " ");
        }
        sb_u64(sb, m.label);
        if (m.bottom) {
            break;
        }
    }
    /* The overlays here carry Ethernet (a pseudowire) below the stack.
     * A control word is recognized when the 4 bytes after the stack are
     * all zero, as nvosim sends it: an Ethernet destination address
     * starting 00:00:00:00 is not a real one. */
    if (depth == 0 && c.left >= NVO_PW_CW_LEN + NVO_ETH_LEN
        && !c.p[0] && !c.p[1] && !c.p[2] && !c.p[3]) {
        SB_LIT(sb, " cw");
        nvo_rd_skip(&c, NVO_PW_CW_LEN);
    }
    summarize_inner(sb, c.p, c.left, depth);
}

/* GRE directly in IP (protocol 47), or in UDP (RFC 8086: 'in_udp', shown
 * as "gre-udp" and never read as NVGRE, whose header it shares). */
static void
summarize_gre(struct sbuf *sb, const uint8_t *b, size_t len, int depth,
              bool in_udp)
{
    struct nvo_gre_info g;
    if (nvo_gre_decode(b, len, &g)) {
        if (in_udp) {
            SB_LIT(sb, " gre-udp [bad]");
        } else {
            SB_LIT(sb, " gre [bad]");
        }
        return;
    }
    if (in_udp) {
        SB_LIT(sb, " gre-udp proto=");      /* " gre-udp proto=0x%04x" */
        sb_hex(sb, g.proto, 4);
        if (g.key_present) {
            SB_LIT(sb, " key=");            /* " key=0x%08x" */
            sb_hex(sb, g.key, 8);
        }
    } else if (g.proto == NVO_ETH_TYPE_TEB && g.key_present
               && !g.csum_present && !g.seq_present) {
        SB_LIT(sb, " nvgre vsid=");         /* " nvgre vsid=%u flowid=%u" */
        sb_u64(sb, g.key >> 8);
        SB_LIT(sb, " flowid=");
        sb_u64(sb, g.key & 0xff);
    } else {
        SB_LIT(sb, " gre proto=");          /* " gre proto=0x%04x" */
        sb_hex(sb, g.proto, 4);
        if (g.key_present) {
            SB_LIT(sb, " key=");            /* " key=0x%08x" */
            sb_hex(sb, g.key, 8);
        }
    }
    if (depth > 0) {
        return;
    }
    if (g.proto == NVO_ETH_TYPE_MPLS) {
        summarize_mpls(sb, b + g.hdr_len, len - g.hdr_len, depth);
    } else if (g.proto == NVO_ETH_TYPE_TEB) {
        summarize_inner(sb, b + g.hdr_len, len - g.hdr_len, depth);
    }
}

static void
summarize_udp(struct sbuf *sb, const uint8_t *b, size_t len, int depth)
{
    struct nvo_udp_info u;
    if (nvo_udp_decode(b, len, &u)) {
        SB_LIT(sb, " udp [bad]");
        return;
    }
    SB_LIT(sb, " udp ");                    /* " udp %u>%u" */
    sb_u64(sb, u.sport);
    SB_LIT(sb, ">");
    sb_u64(sb, u.dport);
    if (depth > 0) {
        return;
    }
    b += NVO_UDP_LEN;
    len -= NVO_UDP_LEN;
    if (u.dport == NVO_PORT_VXLAN || u.dport == NVO_PORT_VXLAN_GPE) {
        struct nvo_vxlan_info v;
        bool gpe = u.dport == NVO_PORT_VXLAN_GPE;
        if (nvo_vxlan_decode(b, len, &v)) {
            SB_LIT(sb, " vxlan [bad]");
            return;
        }
        if (gpe) {
            SB_LIT(sb, " vxlan-gpe vni=");
        } else {
            SB_LIT(sb, " vxlan vni=");
        }
        sb_u64(sb, v.vni);
        if (!gpe || !(v.flags & NVO_VXLAN_GPE_F_P)
            || v.next_proto == NVO_VXLAN_GPE_NP_ETH) {
            summarize_inner(sb, b + NVO_VXLAN_LEN, len - NVO_VXLAN_LEN, depth);
        } else {
            SB_LIT(sb, " np=");
            sb_u64(sb, v.next_proto);
        }
    } else if (u.dport == NVO_PORT_GENEVE) {
        struct nvo_geneve_info g;
        if (nvo_geneve_decode(b, len, &g)) {
            SB_LIT(sb, " geneve [bad]");
            return;
        }
        SB_LIT(sb, " geneve vni=");
        sb_u64(sb, g.vni);
        if (g.opts_len) {
            SB_LIT(sb, " opts=");
            sb_u64(sb, g.opts_len);
        }
        if (g.proto == NVO_ETH_TYPE_TEB) {
            size_t n = NVO_GENEVE_LEN + g.opts_len;
            summarize_inner(sb, b + n, len - n, depth);
        } else {
            SB_LIT(sb, " proto=");          /* " proto=0x%04x" */
            sb_hex(sb, g.proto, 4);
        }
    } else if (u.dport == NVO_PORT_MPLS_UDP) {
        summarize_mpls(sb, b, len, depth);
    } else if (u.dport == NVO_PORT_GRE_UDP) {
        summarize_gre(sb, b, len, depth, true);
    }
}

static void
summarize_tcp(struct sbuf *sb, const uint8_t *b, size_t len, int depth)
{
    struct nvo_tcp_info t;
    if (nvo_tcp_decode(b, len, &t)) {
        SB_LIT(sb, " tcp [bad]");
        return;
    }
    SB_LIT(sb, " tcp ");
    sb_u64(sb, t.sport);
    SB_LIT(sb, ">");
    sb_u64(sb, t.dport);
    if (depth > 0 || t.dport != NVO_PORT_STT || t.hdr_len != NVO_TCP_LEN) {
        return;
    }
    uint16_t frame_len = (uint16_t) (t.seq >> 16);
    uint16_t seg_ofs = (uint16_t) t.seq;
    if (seg_ofs) {
        SB_LIT(sb, " stt seg off=");        /* " stt seg off=%u/%u id=0x%x" */
        sb_u64(sb, seg_ofs);
        SB_LIT(sb, "/");
        sb_u64(sb, frame_len);
        SB_LIT(sb, " id=");
        sb_hex(sb, t.ack, 0);
        return;
    }
    struct nvo_stt_info s;
    if (nvo_stt_decode(b + NVO_TCP_LEN, len - NVO_TCP_LEN, &s)) {
        SB_LIT(sb, " stt [bad]");
        return;
    }
    SB_LIT(sb, " stt ctx=");
    sb_u64(sb, s.context);
    summarize_inner(sb, b + NVO_TCP_LEN + NVO_STT_LEN,
                    len - NVO_TCP_LEN - NVO_STT_LEN, depth);
}

static void
summarize_l4(struct sbuf *sb, uint8_t proto, const uint8_t *b, size_t len,
             int depth)
{
    switch (proto) {
    case NVO_IPPROTO_UDP:
        summarize_udp(sb, b, len, depth);
        break;
    case NVO_IPPROTO_TCP:
        summarize_tcp(sb, b, len, depth);
        break;
    case NVO_IPPROTO_GRE:
        summarize_gre(sb, b, len, depth, false);
        break;
    case NVO_IPPROTO_MPLS:
        if (depth == 0) {
            summarize_mpls(sb, b, len, depth);
        } else {
            SB_LIT(sb, " mpls");
        }
        break;
    default:
        SB_LIT(sb, " proto=");
        sb_u64(sb, proto);
        break;
    }
}

static void
summarize_eth(struct sbuf *sb, const uint8_t *b, size_t len, int depth)
{
    struct nvo_l2_info l2;

    if (depth) {
        SB_LIT(sb, " ");
    }
    if (nvo_l2_decode(b, len, &l2)) {
        SB_LIT(sb, "eth [bad]");
        return;
    }
    SB_LIT(sb, "eth ");                     /* "eth %s>%s" */
    sb_mac(sb, l2.eth.src);
    SB_LIT(sb, ">");
    sb_mac(sb, l2.eth.dst);
    for (int i = 0; i < l2.n_vlans; i++) {
        SB_LIT(sb, " vlan ");
        sb_u64(sb, l2.vlans[i].vid);
    }
    b += l2.len;
    len -= l2.len;

    switch (l2.type) {
    case NVO_ETH_TYPE_IPV4: {
        struct nvo_ipv4_info ip;
        if (nvo_ipv4_decode(b, len, &ip)) {
            SB_LIT(sb, " ipv4 [bad]");
            return;
        }
        SB_LIT(sb, " ipv4 ");
        sb_ip4(sb, ip.src);
        SB_LIT(sb, ">");
        sb_ip4(sb, ip.dst);
        if (ip.frag_off & NVO_IP_FRAG_OFF_MASK) {
            SB_LIT(sb, " frag");
            return;
        }
        summarize_l4(sb, ip.proto, b + ip.hdr_len, len - ip.hdr_len, depth);
        break;
    }
    case NVO_ETH_TYPE_IPV6: {
        struct nvo_ipv6_info ip;
        uint8_t proto;
        size_t l4;
        bool later_frag;
        if (nvo_ipv6_decode(b, len, &ip)
            || nvo_ipv6_skip_ext(b, len, &proto, &l4, &later_frag)) {
            SB_LIT(sb, " ipv6 [bad]");
            return;
        }
        SB_LIT(sb, " ipv6 ");
        sb_ip6(sb, ip.src);
        SB_LIT(sb, ">");
        sb_ip6(sb, ip.dst);
        if (later_frag) {
            SB_LIT(sb, " frag");
            return;
        }
        summarize_l4(sb, proto, b + l4, len - l4, depth);
        break;
    }
    case NVO_ETH_TYPE_ARP: {
        struct nvo_arp_info arp;
        if (nvo_arp_decode(b, len, &arp)) {
            SB_LIT(sb, " arp [bad]");
            return;
        }
        SB_LIT(sb, " arp ");
        sb_str(sb, arp.op == NVO_ARP_OP_REQUEST ? "request"
                   : arp.op == NVO_ARP_OP_REPLY ? "reply" : "op");
        SB_LIT(sb, " ");
        sb_ip4(sb, arp.spa);
        SB_LIT(sb, ">");
        sb_ip4(sb, arp.tpa);
        break;
    }
    case NVO_ETH_TYPE_MPLS:
    case NVO_ETH_TYPE_MPLS_MC:
        summarize_mpls(sb, b, len, depth);
        break;
    default:
        SB_LIT(sb, " type=");               /* " type=0x%04x" */
        sb_hex(sb, l2.type, 4);
        break;
    }
}

size_t
nvo_wire_summary(const struct nvo_pkt *p, char *buf, size_t size)
{
    struct sbuf sb = { .buf = buf, .size = size, .len = 0 };
    summarize_eth(&sb, p->data, p->size, 0);
    SB_LIT(&sb, " len=");
    sb_u64(&sb, nvo_pkt_len(p));
    if (size) {
        buf[NVO_MIN(sb.len, size - 1)] = '\0';
    }
    return sb.len;
}
