/* encap_stt.c: STT, Stateless Transport Tunneling (draft-davie-stt-08).
 *
 * Outer Ethernet / IP (protocol 6) / a TCP-like header (destination port
 * 7471, section 3.3) / the 18-byte STT frame header (version 0, 64-bit
 * context ID) / the inner Ethernet frame.  The "STT frame" is the STT
 * header plus the inner frame, at most 65535 bytes.  The TCP-like header
 * carries sequence = STT frame length << 16 | offset of the segment in
 * the frame, acknowledgment = packet ID (here the packet's uid), data
 * offset 5, flags ACK|PSH, window 65535, and a real TCP checksum.
 *
 * A sending NIC cuts the frame by TSO into segments of at most MTU - 40
 * bytes (IPv4) of TCP payload: nvo_stt_segment().  Only the first segment
 * has the STT header, so the overhead is 72 bytes on the first segment and
 * 54 on the others over IPv4 (92 / 74 over IPv6).
 *
 * Entropy: the TCP source port, from the inner flow hash, in 49152-65535
 * by default (the draft asks for a hash of the inner headers; the dynamic
 * port range keeps the TCP-like header looking like a client connection
 * to middleboxes, as VXLAN's range does).
 *
 * Not modelled: the checksum-offload metadata of the STT header (flags,
 * L4 offset and MSS stay 0, i.e. no offload requested, section 3.1), the
 * V/VLAN field (a tenant VLAN tag stays in the inner frame), reassembly at
 * the receiver.  Instead, pop() of a first segment (offset 0) stands for
 * the reassembled frame: it returns the inner frame with its whole length
 * (from the STT frame length in the sequence number); later segments
 * (offset > 0) carry only payload and pop() refuses them with EBADMSG,
 * so a receiver drops them (check p->stt_segment > 1 first). */
#include "overlay/encap.h"

#include <assert.h>
#include <errno.h>

#include "wire/wire.h"

#define STT_SPORT_MIN 49152
#define STT_SPORT_MAX 65535

static int
stt_build(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg)
{
    int error = nvo_tunnel_init__(t, cfg, NVO_IPPROTO_TCP,
                                  NVO_TCP_LEN + NVO_STT_LEN,
                                  STT_SPORT_MIN, STT_SPORT_MAX);
    if (error) {
        return error;
    }
    uint8_t *l4 = t->hdr + t->l4_ofs;
    struct nvo_stt_tcp_info tcp = { .dport = NVO_PORT_STT };
    struct nvo_stt_info stt = {
        .context = cfg->stt_context ? cfg->stt_context : cfg->vni,
    };
    nvo_stt_tcp_encode(l4, &tcp);
    nvo_stt_encode(l4 + NVO_TCP_LEN, &stt);
    return 0;
}

/* Writes the IP length (and IPv4 checksum) and the TCP checksum of the
 * STT segment in 'p' whose IP and TCP headers are 'l3' and 'l4' bytes
 * from p->data.  A frame too big for one IP packet (before segmentation)
 * gets saturated lengths and checksum 0. */
static void
stt_finish__(struct nvo_pkt *p, uint32_t l3, uint32_t l4)
{
    uint8_t *ip = p->data + l3;
    uint8_t *tcp = p->data + l4;
    uint32_t l3_len = nvo_pkt_len(p) - l3;
    uint32_t l4_len = nvo_pkt_len(p) - l4;
    bool ipv6 = (ip[0] >> 4) == 6;
    bool fits = (ipv6 ? l4_len : l3_len) <= UINT16_MAX;

    if (ipv6) {
        struct nvo_ipv6_header *h = (struct nvo_ipv6_header *) ip;
        h->payload_len = nvo_htons((uint16_t) NVO_MIN(l4_len, UINT16_MAX));
    } else {
        struct nvo_ipv4_header *h = (struct nvo_ipv4_header *) ip;
        h->tot_len = nvo_htons((uint16_t) NVO_MIN(l3_len, UINT16_MAX));
        h->csum = 0;
        h->csum = nvo_htons(nvo_inet_csum(h, (size_t) (l4 - l3)));
    }
    struct nvo_tcp_header *th = (struct nvo_tcp_header *) tcp;
    th->csum = 0;
    if (fits) {
        th->csum = nvo_htons(nvo_l4_csum(ip, NVO_IPPROTO_TCP, tcp,
                                         p->size - l4, l4_len));
    }
}

static void
stt_push(const struct nvo_tunnel *t, struct nvo_pkt *p)
{
    uint32_t hash = nvo_tunnel_hash__(t, p);
    uint32_t frame_len = nvo_pkt_len(p) + NVO_STT_LEN;
    assert(frame_len <= NVO_STT_FRAME_MAX);

    uint8_t *l4 = nvo_tunnel_push__(t, p);
    struct nvo_stt_tcp_info tcp = {
        .sport = nvo_tunnel_sport__(t, hash),
        .dport = NVO_PORT_STT,
        .frame_len = (uint16_t) frame_len,
        .seg_ofs = 0,
        .pkt_id = (uint32_t) p->uid,
    };
    nvo_stt_tcp_encode(l4, &tcp);
    stt_finish__(p, t->l3_ofs, t->l4_ofs);
}

static int
stt_pop(struct nvo_pkt *p, uint32_t *id)
{
    struct nvo_tunnel_rx rx;
    struct nvo_stt_info stt;

    int error = nvo_tunnel_rx__(p, NVO_IPPROTO_TCP, NVO_PORT_STT, &rx);
    if (error) {
        return error;
    }
    uint32_t frame_len = rx.tcp_seq >> 16, seg_ofs = rx.tcp_seq & 0xffff;
    uint32_t seg_len = rx.l4_len - NVO_TCP_LEN;
    /* A first segment must have its STT header, and either be the whole
     * frame or end in virtual payload (its real bytes were not cut). */
    if (rx.hdr_end - rx.l4_ofs != NVO_TCP_LEN || seg_ofs
        || frame_len < NVO_STT_LEN || seg_len > frame_len
        || (seg_len < frame_len && !p->payload_size)
        || nvo_stt_decode(p->data + rx.hdr_end, p->size - rx.hdr_end, &stt)) {
        return EBADMSG;
    }
    *id = (uint32_t) stt.context;
    nvo_tunnel_pop__(p, rx.hdr_end + NVO_STT_LEN);
    p->payload_size += frame_len - seg_len;     /* the later segments */
    p->stt_segment = 0;
    return 0;
}

/* Segments carry 'mtu' - IP - TCP bytes of the STT frame each (the
 * 18-byte STT header and the inner frame); see nvo_stt_segment(). */
static uint32_t
stt_n_segments(bool ipv6, uint32_t inner_len, uint32_t mtu, uint32_t *need)
{
    uint32_t h = (ipv6 ? 40 : 20) + NVO_TCP_LEN;
    if (mtu <= h + NVO_STT_LEN) {
        *need = h + NVO_STT_LEN;
        return 0;
    }
    uint32_t per = mtu - h;
    return (inner_len + NVO_STT_LEN + per - 1) / per;
}

const struct nvo_encap_ops nvo_encap_stt_ops = {
    .name = "stt",
    .entropy = NVO_ENTROPY_TCP_SPORT,
    .build = stt_build,
    .push = stt_push,
    .pop = stt_pop,
    .segment = nvo_stt_segment,
    .n_segments = stt_n_segments,
};

static void
copy_meta__(struct nvo_pkt *dst, const struct nvo_pkt *src)
{
    dst->tclass = src->tclass;
    dst->in_port = src->in_port;
    dst->flow_id = src->flow_id;
    dst->created = src->created;
}

size_t
nvo_stt_segment(struct nvo_pkt *p, uint32_t mtu, struct nvo_pkt **out,
                size_t max)
{
    if (!max || p->l3_ofs == NVO_PKT_OFS_NONE
        || p->l4_ofs == NVO_PKT_OFS_NONE) {
        return 0;
    }
    const uint8_t *ip = p->base + p->l3_ofs;
    const uint8_t *tcp = p->base + p->l4_ofs;
    const uint8_t *end = p->data + p->size;
    if (ip < p->data || tcp <= ip || tcp + NVO_TCP_LEN > end) {
        return 0;
    }
    uint8_t proto = (ip[0] >> 4) == 6 ? ip[6] : ip[9];
    struct nvo_stt_tcp_info th;
    if (proto != NVO_IPPROTO_TCP
        || nvo_stt_tcp_decode(tcp, (size_t) (end - tcp), &th)
        || th.dport != NVO_PORT_STT || th.seg_ofs) {
        return 0;
    }
    uint32_t l3 = (uint32_t) (ip - p->data);
    uint32_t l4 = (uint32_t) (tcp - p->data);
    uint32_t hdr = l4 + NVO_TCP_LEN;            /* outer headers */
    uint32_t frame = nvo_pkt_len(p) - hdr;      /* the STT frame */
    uint32_t ip_hdrs = hdr - l3;                /* IP + TCP headers */
    if (frame != th.frame_len || frame < NVO_STT_LEN
        || mtu < ip_hdrs + NVO_STT_LEN) {
        return 0;
    }
    uint32_t mss = mtu - ip_hdrs;
    size_t n = (frame + mss - 1) / mss;
    if (n > max) {
        return 0;
    }

    uint32_t real = p->size - hdr;              /* real bytes of the frame */
    for (size_t i = 1; i < n; i++) {
        uint32_t ofs = (uint32_t) i * mss;
        uint32_t len = NVO_MIN(mss, frame - ofs);
        uint32_t n_real = ofs < real ? NVO_MIN(len, real - ofs) : 0;
        struct nvo_pkt *q = nvo_pkt_alloc(p->pool, nvo_pkt_headroom(p),
                                          hdr + n_real);
        uint8_t *d = nvo_pkt_put(q, hdr + n_real);
        memcpy(d, p->data, hdr);
        memcpy(d + hdr, p->data + hdr + ofs, n_real);
        q->payload_size = len - n_real;
        uint16_t q_ofs = nvo_pkt_data_ofs(q);
        q->l2_ofs = q_ofs;
        q->l3_ofs = (uint16_t) (q_ofs + l3);
        q->l4_ofs = (uint16_t) (q_ofs + l4);
        copy_meta__(q, p);
        q->stt_segment = (uint8_t) NVO_MIN(i + 1, UINT8_MAX);
        struct nvo_tcp_header *qt = (struct nvo_tcp_header *) (d + l4);
        nvo_put_16aligned_be32(&qt->seq, (frame << 16) | ofs);
        stt_finish__(q, l3, l4);
        out[i] = q;
    }

    uint32_t len0 = NVO_MIN(mss, frame);
    if (real > len0) {
        p->size -= real - len0;
        p->payload_size = 0;
        /* Inner headers cut off are absent (NONE is above any end). */
        uint16_t end = (uint16_t) (nvo_pkt_data_ofs(p) + p->size);
        uint16_t *inner[] = { &p->inner_l2_ofs, &p->inner_l3_ofs,
                              &p->inner_l4_ofs };
        for (size_t i = 0; i < NVO_ARRAY_SIZE(inner); i++) {
            if (*inner[i] >= end) {
                *inner[i] = NVO_PKT_OFS_NONE;
            }
        }
    } else {
        p->payload_size = len0 - real;
    }
    p->stt_segment = 1;
    stt_finish__(p, l3, l4);
    out[0] = p;
    return n;
}
