/* pim.c: PIMv2 Hello, Join/Prune, Register and Register-Stop encode /
 * decode (see pim.h). */
#include "wire/pim.h"

#include <errno.h>
#include <string.h>

#include "wire/igmp.h"
#include "wire/wire.h"

static void
header__(uint8_t *b, uint8_t type)
{
    b[0] = (uint8_t) (NVO_PIM_VERSION << 4 | type);
    b[1] = 0;
    b[2] = b[3] = 0;
}

void
nvo_pim_hello_encode(void *buf, uint32_t gen_id)
{
    uint8_t *b = buf;
    memset(b, 0, NVO_PIM_HELLO_LEN);
    header__(b, NVO_PIM_HELLO);
    uint8_t *o = b + NVO_PIM_HDR_LEN;
    nvo_wr16(o, 1);                     /* Holdtime */
    nvo_wr16(o + 2, 2);
    nvo_wr16(o + 4, NVO_PIM_HELLO_HOLDTIME);
    o += 6;
    nvo_wr16(o, 19);                    /* DR Priority */
    nvo_wr16(o + 2, 4);
    nvo_wr32(o + 4, 1);
    o += 8;
    nvo_wr16(o, 20);                    /* Generation ID */
    nvo_wr16(o + 2, 4);
    nvo_wr32(o + 4, gen_id);
    nvo_wr16(b + 2, nvo_inet_csum(b, NVO_PIM_HELLO_LEN));
}

void
nvo_pim_jp_encode(void *buf, uint32_t upstream,
                  const struct nvo_pim_jp_entry *e, size_t n)
{
    uint8_t *b = buf;
    size_t len = nvo_pim_jp_len(n);
    memset(b, 0, len);
    header__(b, NVO_PIM_JOIN_PRUNE);
    uint8_t *o = b + NVO_PIM_HDR_LEN;
    o[0] = 1;                           /* IPv4 */
    o[1] = 0;                           /* native encoding */
    nvo_wr32(o + 2, upstream);
    o[6] = 0;                           /* reserved */
    o[7] = (uint8_t) n;
    nvo_wr16(o + 8, NVO_PIM_JP_HOLDTIME);
    o += 10;
    for (size_t i = 0; i < n; i++) {
        o[0] = 1;
        o[1] = 0;
        o[2] = e[i].group_flags;
        o[3] = 32;
        nvo_wr32(o + 4, e[i].group);
        nvo_wr16(o + 8, 1);             /* joined sources */
        nvo_wr16(o + 10, 0);            /* pruned sources */
        o += NVO_PIM_JP_GROUP_LEN;
        o[0] = 1;
        o[1] = 0;
        o[2] = e[i].flags;
        o[3] = 32;
        nvo_wr32(o + 4, e[i].source);
        o += NVO_PIM_JP_SOURCE_LEN;
    }
    nvo_wr16(b + 2, nvo_inet_csum(b, len));
}

int
nvo_pim_decode_header(const void *buf, size_t len, uint8_t *type)
{
    const uint8_t *b = buf;
    if (len < NVO_PIM_HDR_LEN || (b[0] >> 4) != NVO_PIM_VERSION
        || nvo_inet_csum(b, len) != 0) {
        return EBADMSG;
    }
    *type = b[0] & 0xf;
    return 0;
}

int
nvo_pim_jp_decode(const void *buf, size_t len, uint32_t *upstream,
                  uint16_t *holdtime, struct nvo_pim_jp_entry *entries,
                  size_t max, size_t *n_entries)
{
    const uint8_t *b = buf;
    uint8_t type;
    if (nvo_pim_decode_header(b, len, &type) || type != NVO_PIM_JOIN_PRUNE
        || len < NVO_PIM_JP_HDR_LEN || b[4] != 1 || b[5] != 0) {
        return EBADMSG;
    }
    *upstream = nvo_rd32(b + 6);
    size_t n_groups = b[11];
    *holdtime = nvo_rd16(b + 12);
    size_t off = NVO_PIM_JP_HDR_LEN, k = 0;
    for (size_t g = 0; g < n_groups; g++) {
        if (len - off < NVO_PIM_JP_GROUP_LEN || b[off] != 1
            || b[off + 1] != 0) {
            return EBADMSG;
        }
        uint32_t group = nvo_rd32(b + off + 4);
        uint8_t gflags = b[off + 2];
        size_t n_join = nvo_rd16(b + off + 8);
        size_t n_prune = nvo_rd16(b + off + 10);
        off += NVO_PIM_JP_GROUP_LEN;
        for (size_t s = 0; s < n_join + n_prune; s++) {
            if (len - off < NVO_PIM_JP_SOURCE_LEN || b[off] != 1
                || b[off + 1] != 0) {
                return EBADMSG;
            }
            if (k < max) {
                entries[k] = (struct nvo_pim_jp_entry) {
                    .group = group, .group_flags = gflags,
                    .source = nvo_rd32(b + off + 4),
                    .flags = b[off + 2] & 0x07, .join = s < n_join,
                };
            }
            k++;
            off += NVO_PIM_JP_SOURCE_LEN;
        }
    }
    *n_entries = k;
    return 0;
}

uint8_t *
nvo_pim_frame(struct nvo_pkt *p, const uint8_t src_mac[6], uint32_t src_ip,
              size_t len)
{
    if (len > UINT16_MAX - NVO_IPV4_LEN
        || nvo_pkt_tailroom(p) < NVO_ETH_LEN + NVO_IPV4_LEN + len) {
        return NULL;
    }
    uint8_t *eth = nvo_pkt_put(p, (uint32_t) (NVO_ETH_LEN + NVO_IPV4_LEN
                                              + len));
    nvo_ip4_mcast_mac(NVO_PIM_ALL_ROUTERS, eth);
    memcpy(eth + 6, src_mac, 6);
    nvo_wr16(eth + 12, NVO_ETH_TYPE_IPV4);
    struct nvo_ipv4_info ip = {
        .tos = 0xc0, .tot_len = (uint16_t) (NVO_IPV4_LEN + len), .ttl = 1,
        .proto = NVO_IPPROTO_PIM, .src = src_ip, .dst = NVO_PIM_ALL_ROUTERS,
    };
    nvo_ipv4_encode(eth + NVO_ETH_LEN, &ip);
    p->l2_ofs = (uint16_t) (eth - p->base);
    p->l3_ofs = (uint16_t) (p->l2_ofs + NVO_ETH_LEN);
    p->l4_ofs = (uint16_t) (p->l3_ofs + NVO_IPV4_LEN);
    return eth + NVO_ETH_LEN + NVO_IPV4_LEN;
}

uint8_t *
nvo_pim_unicast_frame(struct nvo_pkt *p, const uint8_t src_mac[6],
                      uint32_t src_ip, uint32_t dst_ip, uint8_t tos,
                      size_t len, uint32_t virtual_len)
{
    if (len + virtual_len > UINT16_MAX - NVO_IPV4_LEN
        || nvo_pkt_tailroom(p) < NVO_ETH_LEN + NVO_IPV4_LEN + len) {
        return NULL;
    }
    uint8_t *eth = nvo_pkt_put(p, (uint32_t) (NVO_ETH_LEN + NVO_IPV4_LEN
                                              + len));
    memset(eth, 0, 6);
    memcpy(eth + 6, src_mac, 6);
    nvo_wr16(eth + 12, NVO_ETH_TYPE_IPV4);
    struct nvo_ipv4_info ip = {
        .tos = tos,
        .tot_len = (uint16_t) (NVO_IPV4_LEN + len + virtual_len),
        .ttl = NVO_PIM_UNICAST_TTL, .proto = NVO_IPPROTO_PIM,
        .src = src_ip, .dst = dst_ip,
    };
    nvo_ipv4_encode(eth + NVO_ETH_LEN, &ip);
    p->payload_size = virtual_len;
    p->l2_ofs = (uint16_t) (eth - p->base);
    p->l3_ofs = (uint16_t) (p->l2_ofs + NVO_ETH_LEN);
    p->l4_ofs = (uint16_t) (p->l3_ofs + NVO_IPV4_LEN);
    return eth + NVO_ETH_LEN + NVO_IPV4_LEN;
}

void
nvo_pim_register_encode(void *buf, uint32_t flags)
{
    uint8_t *b = buf;
    header__(b, NVO_PIM_REGISTER);
    nvo_wr32(b + 4, flags & (NVO_PIM_REG_B | NVO_PIM_REG_N));
    nvo_wr16(b + 2, nvo_inet_csum(b, NVO_PIM_REGISTER_LEN));
}

int
nvo_pim_register_decode(const void *buf, size_t len, uint32_t *flags,
                        const uint8_t **inner)
{
    const uint8_t *b = buf;
    if (len < NVO_PIM_REGISTER_LEN + NVO_IPV4_LEN
        || (b[0] >> 4) != NVO_PIM_VERSION || (b[0] & 0xf) != NVO_PIM_REGISTER
        || nvo_inet_csum(b, NVO_PIM_REGISTER_LEN) != 0
        || (b[NVO_PIM_REGISTER_LEN] >> 4) != 4) {
        return EBADMSG;
    }
    *flags = nvo_rd32(b + 4) & (NVO_PIM_REG_B | NVO_PIM_REG_N);
    *inner = b + NVO_PIM_REGISTER_LEN;
    return 0;
}

void
nvo_pim_register_stop_encode(void *buf, uint32_t group, uint32_t source)
{
    uint8_t *b = buf;
    memset(b, 0, NVO_PIM_REGISTER_STOP_LEN);
    header__(b, NVO_PIM_REGISTER_STOP);
    uint8_t *o = b + NVO_PIM_HDR_LEN;
    o[0] = 1;                           /* Encoded-Group: IPv4 */
    o[1] = 0;
    o[2] = 0;
    o[3] = 32;
    nvo_wr32(o + 4, group);
    o += 8;
    o[0] = 1;                           /* Encoded-Unicast: IPv4 */
    o[1] = 0;
    nvo_wr32(o + 2, source);
    nvo_wr16(b + 2, nvo_inet_csum(b, NVO_PIM_REGISTER_STOP_LEN));
}

int
nvo_pim_register_stop_decode(const void *buf, size_t len, uint32_t *group,
                             uint32_t *source)
{
    const uint8_t *b = buf;
    uint8_t type;
    if (nvo_pim_decode_header(b, len, &type) || type != NVO_PIM_REGISTER_STOP
        || len < NVO_PIM_REGISTER_STOP_LEN || b[4] != 1 || b[5] != 0
        || b[12] != 1 || b[13] != 0) {
        return EBADMSG;
    }
    *group = nvo_rd32(b + 8);
    *source = nvo_rd32(b + 14);
    return 0;
}
