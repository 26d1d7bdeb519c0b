/* igmp.c: IGMPv3 Membership Report encode / decode, the Router Alert
 * IPv4 header of control messages, group MACs (see igmp.h). */
#include "wire/igmp.h"

#include <errno.h>
#include <string.h>

#include "wire/wire.h"

void
nvo_igmp_v3_report_encode(void *buf, const struct nvo_igmp_record *recs,
                          size_t n)
{
    uint8_t *b = buf;
    size_t len = nvo_igmp_v3_report_len(n);
    memset(b, 0, len);
    b[0] = NVO_IGMP_V3_REPORT;
    nvo_wr16(b + 6, (uint16_t) n);
    for (size_t i = 0; i < n; i++) {
        uint8_t *r = b + NVO_IGMP_HDR_LEN + i * NVO_IGMP_RECORD_LEN;
        r[0] = recs[i].type;
        nvo_wr32(r + 4, recs[i].group);
    }
    nvo_wr16(b + 2, nvo_inet_csum(b, len));
}

int
nvo_igmp_v3_report_decode(const void *buf, size_t len,
                          struct nvo_igmp_record *recs, size_t max,
                          size_t *n_records)
{
    const uint8_t *b = buf;
    if (len < NVO_IGMP_HDR_LEN || b[0] != NVO_IGMP_V3_REPORT
        || nvo_inet_csum(b, len) != 0) {
        return EBADMSG;
    }
    size_t n = nvo_rd16(b + 6), off = NVO_IGMP_HDR_LEN;
    for (size_t i = 0; i < n; i++) {
        if (len - off < NVO_IGMP_RECORD_LEN) {
            return EBADMSG;
        }
        size_t aux = (size_t) b[off + 1] * 4;
        size_t ns = nvo_rd16(b + off + 2);
        size_t rec_len = NVO_IGMP_RECORD_LEN + ns * 4 + aux;
        if (len - off < rec_len) {
            return EBADMSG;
        }
        if (i < max) {
            recs[i].type = b[off];
            recs[i].n_sources = (uint16_t) ns;
            recs[i].group = nvo_rd32(b + off + 4);
        }
        off += rec_len;
    }
    *n_records = n;
    return 0;
}

void
nvo_igmp_ipv4_encode(void *hdr, uint8_t proto, uint32_t src, uint32_t dst,
                     size_t payload_len)
{
    uint8_t *h = hdr;
    memset(h, 0, NVO_IGMP_IP_LEN);
    h[0] = 0x46;                        /* version 4, IHL 6 */
    h[1] = 0xc0;                        /* Internetwork Control */
    nvo_wr16(h + 2, (uint16_t) (NVO_IGMP_IP_LEN + payload_len));
    h[8] = 1;                           /* TTL */
    h[9] = proto;
    nvo_wr32(h + 12, src);
    nvo_wr32(h + 16, dst);
    h[20] = 0x94;                       /* Router Alert, copied, class 0 */
    h[21] = 0x04;                       /* length; value 0: "examine" */
    nvo_wr16(h + 10, nvo_inet_csum(h, NVO_IGMP_IP_LEN));
}

void
nvo_ip4_mcast_mac(uint32_t group, uint8_t mac[6])
{
    mac[0] = 0x01;
    mac[1] = 0x00;
    mac[2] = 0x5e;
    mac[3] = (uint8_t) ((group >> 16) & 0x7f);
    mac[4] = (uint8_t) (group >> 8);
    mac[5] = (uint8_t) group;
}

int
nvo_igmp_v3_report_frame(struct nvo_pkt *p, const uint8_t src_mac[6],
                         uint32_t src_ip, const struct nvo_igmp_record *recs,
                         size_t n)
{
    size_t len = nvo_igmp_v3_report_len(n);
    if (n > UINT16_MAX
        || nvo_pkt_tailroom(p) < NVO_ETH_LEN + NVO_IGMP_IP_LEN + len) {
        return EMSGSIZE;
    }
    uint8_t *eth = nvo_pkt_put(p, (uint32_t) (NVO_ETH_LEN + NVO_IGMP_IP_LEN
                                              + len));
    nvo_ip4_mcast_mac(NVO_IGMP_ALL_V3_ROUTERS, eth);
    memcpy(eth + 6, src_mac, 6);
    nvo_wr16(eth + 12, NVO_ETH_TYPE_IPV4);
    nvo_igmp_ipv4_encode(eth + NVO_ETH_LEN, NVO_IPPROTO_IGMP, src_ip,
                         NVO_IGMP_ALL_V3_ROUTERS, len);
    nvo_igmp_v3_report_encode(eth + NVO_ETH_LEN + NVO_IGMP_IP_LEN, recs, n);
    p->l2_ofs = (uint16_t) (eth - p->base);
    p->l3_ofs = (uint16_t) (p->l2_ofs + NVO_ETH_LEN);
    p->l4_ofs = (uint16_t) (p->l3_ofs + NVO_IGMP_IP_LEN);
    return 0;
}

void
nvo_igmp_query_encode(void *buf, uint8_t max_resp, uint8_t qqic)
{
    uint8_t *b = buf;
    memset(b, 0, NVO_IGMP_QUERY_LEN);
    b[0] = NVO_IGMP_QUERY;
    b[1] = max_resp & 0x7f;
    b[8] = NVO_IGMP_QRV;
    b[9] = qqic & 0x7f;
    nvo_wr16(b + 2, nvo_inet_csum(b, NVO_IGMP_QUERY_LEN));
}

int
nvo_igmp_query_decode(const void *buf, size_t len, uint32_t *group,
                      uint32_t *max_resp_ds)
{
    const uint8_t *b = buf;
    if (len < NVO_IGMP_QUERY_LEN || b[0] != NVO_IGMP_QUERY
        || (size_t) NVO_IGMP_QUERY_LEN + 4u * nvo_rd16(b + 10) > len
        || nvo_inet_csum(b, len) != 0) {
        return EBADMSG;
    }
    uint32_t c = b[1];
    if (c >= 128) {                     /* 1 exp(3) mant(4) */
        c = ((c & 0x0f) | 0x10) << (((c >> 4) & 0x07) + 3);
    }
    *group = nvo_rd32(b + 4);
    *max_resp_ds = c;
    return 0;
}

int
nvo_igmp_query_frame(struct nvo_pkt *p, const uint8_t src_mac[6],
                     uint32_t src_ip)
{
    if (nvo_pkt_tailroom(p) < NVO_ETH_LEN + NVO_IGMP_IP_LEN
                              + NVO_IGMP_QUERY_LEN) {
        return EMSGSIZE;
    }
    uint8_t *eth = nvo_pkt_put(p, NVO_ETH_LEN + NVO_IGMP_IP_LEN
                                  + NVO_IGMP_QUERY_LEN);
    nvo_ip4_mcast_mac(NVO_IGMP_ALL_SYSTEMS, eth);
    memcpy(eth + 6, src_mac, 6);
    nvo_wr16(eth + 12, NVO_ETH_TYPE_IPV4);
    nvo_igmp_ipv4_encode(eth + NVO_ETH_LEN, NVO_IPPROTO_IGMP, src_ip,
                         NVO_IGMP_ALL_SYSTEMS, NVO_IGMP_QUERY_LEN);
    nvo_igmp_query_encode(eth + NVO_ETH_LEN + NVO_IGMP_IP_LEN,
                          NVO_IGMP_MAX_RESP_CODE, NVO_IGMP_QUERY_INTERVAL_S);
    p->l2_ofs = (uint16_t) (eth - p->base);
    p->l3_ofs = (uint16_t) (p->l2_ofs + NVO_ETH_LEN);
    p->l4_ofs = (uint16_t) (p->l3_ofs + NVO_IGMP_IP_LEN);
    return 0;
}
