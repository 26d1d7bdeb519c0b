/* encap_mpls.c: MPLS in IP and in GRE (RFC 4023), MPLS in UDP (RFC 7510),
 * carrying the tenant Ethernet frame below the label stack (an Ethernet
 * pseudowire without control word, RFC 4448), with an optional entropy
 * label (RFC 6790).
 *
 *   mpls-ip   IP protocol 137 / labels            34 + 4n over IPv4
 *   mpls-gre  IP protocol 47 / GRE 0x8847 / labels 38 + 4n
 *   mpls-udp  UDP destination port 6635 / labels   42 + 4n
 * plus 20 over IPv6, 4 with an outer 802.1Q tag, 8 with ELI + EL, 4 with
 * the control word.
 *
 * Labels: 1 to 8 configured, each 16..2^20-1 (reserved labels 0-15 are
 * refused), TC 0, TTL cfg.ttl, S on the last.  The entropy label pair
 * goes just above the last (service) label: labels[0..n-2], ELI (label 7,
 * TTL as the others), EL (TTL 0, RFC 6790 section 4.2), labels[n-1].
 *
 * Entropy: MPLS in IP and in GRE have none in the IP header; the EL, when
 * configured, gives switches that hash labels 16..2^20-1 from the inner
 * flow hash.  MPLS in UDP carries the hash in the UDP source port (its
 * entropy field, RFC 7510 section 3), in 49152-65535 by default: the
 * dynamic port range (RFC 6335), as for VXLAN.
 *
 * Control word (cfg.control_word): the RFC 4448 section 4.6 word after the
 * bottom label, all zero (sequence numbers are not used).  A receiver
 * that expects it (pop_cw) checks its first nibble (RFC 4385) and strips
 * it; plain pop takes the bytes after the stack as the tenant frame.
 *
 * Not modelled: label swapping/popping by LSRs, PHP, control-word
 * sequence numbers, fragmentation bits and length, TC marking, MPLS over
 * GRE with GRE key or checksum (never sent; accepted and skipped on
 * receive). */
#include "overlay/encap.h"

#include <errno.h>

#include "wire/wire.h"

#define MPLS_UDP_SPORT_MIN 49152
#define MPLS_UDP_SPORT_MAX 65535
#define MPLS_MAX_LABELS 8
#define MPLS_POP_MAX_ENTRIES 16

enum mpls_kind { MPLS_IP, MPLS_GRE, MPLS_UDP };

static const uint8_t mpls_proto[] = {
    [MPLS_IP] = NVO_IPPROTO_MPLS,
    [MPLS_GRE] = NVO_IPPROTO_GRE,
    [MPLS_UDP] = NVO_IPPROTO_UDP,
};

static const size_t mpls_encap_len[] = {
    [MPLS_IP] = 0,
    [MPLS_GRE] = NVO_GRE_LEN,
    [MPLS_UDP] = NVO_UDP_LEN,
};

static int
mpls_build__(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg,
             enum mpls_kind kind)
{
    if (!cfg->n_labels || cfg->n_labels > MPLS_MAX_LABELS) {
        return EINVAL;
    }
    for (size_t i = 0; i < cfg->n_labels; i++) {
        if (nvo_mpls_label_reserved(cfg->labels[i])
            || cfg->labels[i] > NVO_MPLS_LABEL_MAX) {
            return EINVAL;
        }
    }
    size_t n_entries = cfg->n_labels + (cfg->entropy_label ? 2u : 0u);
    size_t encap_len = mpls_encap_len[kind];
    int error = nvo_tunnel_init__(t, cfg, mpls_proto[kind],
                                  encap_len + n_entries * NVO_MPLS_LSE_LEN
                                  + (cfg->control_word ? NVO_PW_CW_LEN : 0),
                                  MPLS_UDP_SPORT_MIN, MPLS_UDP_SPORT_MAX);
    if (error) {
        return error;
    }

    uint8_t *l4 = t->hdr + t->l4_ofs;
    if (kind == MPLS_UDP) {
        struct nvo_udp_info udp = { .dport = NVO_PORT_MPLS_UDP };
        nvo_udp_encode(l4, &udp);
    } else if (kind == MPLS_GRE) {
        struct nvo_gre_info gre = { .proto = NVO_ETH_TYPE_MPLS };
        nvo_gre_encode(l4, &gre);
    }
    uint8_t *lse = l4 + encap_len;
    for (size_t i = 0; i < cfg->n_labels; i++) {
        bool last = i + 1 == cfg->n_labels;
        if (last && cfg->entropy_label) {
            struct nvo_mpls_info eli = {
                .label = NVO_MPLS_LABEL_ELI, .ttl = t->cfg.ttl,
            };
            /* The EL value is per packet; TTL 0. */
            struct nvo_mpls_info el = { .label = 0, .ttl = 0 };
            nvo_mpls_encode(lse, &eli);
            nvo_mpls_encode(lse + NVO_MPLS_LSE_LEN, &el);
            lse += 2 * NVO_MPLS_LSE_LEN;
        }
        struct nvo_mpls_info m = {
            .label = cfg->labels[i], .bottom = last, .ttl = t->cfg.ttl,
        };
        nvo_mpls_encode(lse, &m);
        lse += NVO_MPLS_LSE_LEN;
    }
    if (cfg->control_word) {
        memset(lse, 0, NVO_PW_CW_LEN);
    }
    return 0;
}

static void
mpls_push__(const struct nvo_tunnel *t, struct nvo_pkt *p, enum mpls_kind kind)
{
    uint32_t hash = nvo_tunnel_hash__(t, p);
    uint8_t *l4 = nvo_tunnel_push__(t, p);

    if (t->cfg.entropy_label) {
        /* ELI is entry n-1 (0-based), EL entry n. */
        uint8_t *el = l4 + mpls_encap_len[kind]
                      + (size_t) t->cfg.n_labels * NVO_MPLS_LSE_LEN;
        uint32_t n = NVO_MPLS_LABEL_MAX - NVO_MPLS_LABEL_UNRESERVED_MIN + 1;
        uint32_t label = NVO_MPLS_LABEL_UNRESERVED_MIN
                         + (uint32_t) (((uint64_t) hash * n) >> 32);
        struct nvo_mpls_lse *e = (struct nvo_mpls_lse *) el;
        nvo_put_16aligned_be32(&e->lse, label << 12);
    }
    if (kind == MPLS_UDP) {
        struct nvo_udp_header *udp = (struct nvo_udp_header *) l4;
        udp->sport = nvo_htons(nvo_tunnel_sport__(t, hash));
        nvo_tunnel_udp_csum__(t, p);
    }
}

static int
mpls_pop__(struct nvo_pkt *p, uint32_t *id, enum mpls_kind kind, bool cw)
{
    struct nvo_tunnel_rx rx;
    int error = nvo_tunnel_rx__(p, mpls_proto[kind],
                                kind == MPLS_UDP ? NVO_PORT_MPLS_UDP : 0, &rx);
    if (error) {
        return error;
    }

    size_t ofs = rx.hdr_end;
    if (kind == MPLS_GRE) {
        struct nvo_gre_info gre;
        if (nvo_gre_decode(p->data + ofs, p->size - ofs, &gre)) {
            return EBADMSG;
        }
        if (gre.proto != NVO_ETH_TYPE_MPLS) {
            return EPROTONOSUPPORT;
        }
        ofs += gre.hdr_len;
    }

    struct nvo_mpls_info m = { .bottom = false };
    for (int i = 0; !m.bottom; i++) {
        if (i == MPLS_POP_MAX_ENTRIES
            || nvo_mpls_decode(p->data + ofs, p->size - ofs, &m)) {
            return EBADMSG;
        }
        ofs += NVO_MPLS_LSE_LEN;
        if (m.label == NVO_MPLS_LABEL_ELI) {
            /* Skip the EL; a service label must follow it. */
            if (m.bottom
                || nvo_mpls_decode(p->data + ofs, p->size - ofs, &m)
                || m.bottom) {
                return EBADMSG;
            }
            ofs += NVO_MPLS_LSE_LEN;
        } else if (nvo_mpls_label_reserved(m.label)) {
            return EBADMSG;
        }
    }
    if (cw) {
        if (p->size - ofs < NVO_PW_CW_LEN || p->data[ofs] >> 4) {
            return EBADMSG;
        }
        ofs += NVO_PW_CW_LEN;
    }
    *id = m.label;
    nvo_tunnel_pop__(p, (uint32_t) ofs);
    return 0;
}

#define MPLS_OPS(KIND, NAME, ENTROPY, FN)                                   \
    static int                                                              \
    FN##_build(struct nvo_tunnel *t, const struct nvo_tunnel_cfg *cfg)      \
    {                                                                       \
        return mpls_build__(t, cfg, KIND);                                  \
    }                                                                       \
    static void                                                             \
    FN##_push(const struct nvo_tunnel *t, struct nvo_pkt *p)                \
    {                                                                       \
        mpls_push__(t, p, KIND);                                            \
    }                                                                       \
    static int                                                              \
    FN##_pop(struct nvo_pkt *p, uint32_t *id)                               \
    {                                                                       \
        return mpls_pop__(p, id, KIND, false);                              \
    }                                                                       \
    static int                                                              \
    FN##_pop_cw(struct nvo_pkt *p, uint32_t *id)                            \
    {                                                                       \
        return mpls_pop__(p, id, KIND, true);                               \
    }                                                                       \
    const struct nvo_encap_ops nvo_encap_##FN##_ops = {                     \
        .name = NAME,                                                       \
        .entropy = ENTROPY,                                                 \
        .build = FN##_build,                                                \
        .push = FN##_push,                                                  \
        .pop = FN##_pop,                                                    \
        .pop_cw = FN##_pop_cw,                                              \
    }

MPLS_OPS(MPLS_IP, "mpls-ip", NVO_ENTROPY_NONE, mpls_ip);
MPLS_OPS(MPLS_GRE, "mpls-gre", NVO_ENTROPY_NONE, mpls_gre);
MPLS_OPS(MPLS_UDP, "mpls-udp", NVO_ENTROPY_UDP_SPORT, mpls_udp);
