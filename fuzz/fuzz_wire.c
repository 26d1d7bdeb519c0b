/* fuzz_wire.c: libFuzzer harness for every packet decoder of wire.c:
 * Ethernet, 802.1Q, the L2 walk, ARP, IPv4 (and its checksum test), IPv6
 * and its extension headers, UDP, TCP, GRE, NVGRE, VXLAN, Geneve (header,
 * one option, the option area), STT (header and TCP-like header), MPLS,
 * IGMPv3 reports and queries, PIMv2 headers and Join/Prunes (igmp.h, pim.h), and
 * the frame walkers nvo_wire_set_offsets() and nvo_wire_summary().
 *
 * The input is a frame (the corpus holds captured frames of each
 * encapsulation).  Every decoder runs on it at each of the first
 * OFFSETS_MAX byte offsets, so that each finds its header where a frame
 * carries it, and at every truncation of those windows that libFuzzer
 * tries.  Checks: a decoder that succeeds reports header lengths within
 * the bytes it was given (ASan checks that it read nothing beyond them);
 * the walkers run on a packet holding the input, once with every byte
 * real and once with the trailing zeros as the virtual payload (how
 * nvosim's frames look), and the summary line is as long as it says,
 * with a buffer or without. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "wire/igmp.h"
#include "wire/pim.h"
#include "wire/pkt.h"
#include "wire/wire.h"

#define OFFSETS_MAX 80u

static void
die__(const char *what, size_t ofs, size_t len)
{
    fprintf(stderr, "%s at offset %zu of %zu bytes: length out of range\n",
            what, ofs, len);
    abort();
}

static void
decode_at__(const uint8_t *b, size_t len, size_t ofs)
{
    union {
        struct nvo_eth_info eth;
        struct nvo_vlan_info vlan;
        struct nvo_l2_info l2;
        struct nvo_arp_info arp;
        struct nvo_ipv4_info ip4;
        struct nvo_ipv6_info ip6;
        struct nvo_udp_info udp;
        struct nvo_tcp_info tcp;
        struct nvo_gre_info gre;
        struct nvo_nvgre_info nvgre;
        struct nvo_vxlan_info vxlan;
        struct nvo_geneve_info geneve;
        struct nvo_geneve_opt_info opt;
        struct nvo_stt_info stt;
        struct nvo_stt_tcp_info stt_tcp;
        struct nvo_mpls_info mpls;
    } u;
    /* Each decoder gets its own heap copy of exactly 'len' bytes, so that
     * ASan sees any read past the end. */
    uint8_t *c = malloc(len ? len : 1);
    memcpy(c, b, len);

    nvo_eth_decode(c, len, &u.eth);
    nvo_vlan_decode(c, len, &u.vlan);
    if (!nvo_l2_decode(c, len, &u.l2) && u.l2.len > len) {
        die__("l2", ofs, len);
    }
    nvo_arp_decode(c, len, &u.arp);
    if (!nvo_ipv4_decode(c, len, &u.ip4)) {
        if (u.ip4.hdr_len < 20 || u.ip4.hdr_len > len) {
            die__("ipv4", ofs, len);
        }
        nvo_ipv4_csum_ok(c, u.ip4.hdr_len);
    }
    nvo_ipv6_decode(c, len, &u.ip6);
    uint8_t proto;
    size_t l4_ofs;
    bool later_frag;
    if (len >= NVO_IPV6_LEN
        && !nvo_ipv6_skip_ext(c, len, &proto, &l4_ofs, &later_frag)
        && l4_ofs > len) {
        die__("ipv6 extension headers", ofs, len);
    }
    nvo_udp_decode(c, len, &u.udp);
    if (!nvo_tcp_decode(c, len, &u.tcp)
        && (u.tcp.hdr_len < 20 || u.tcp.hdr_len > len)) {
        die__("tcp", ofs, len);
    }
    if (!nvo_gre_decode(c, len, &u.gre) && u.gre.hdr_len > len) {
        die__("gre", ofs, len);
    }
    nvo_nvgre_decode(c, len, &u.nvgre);
    nvo_vxlan_decode(c, len, &u.vxlan);
    if (!nvo_geneve_decode(c, len, &u.geneve)) {
        if (8u + u.geneve.opts_len > len) {
            die__("geneve", ofs, len);
        }
        bool critical;
        if (nvo_geneve_opts_check(u.geneve.opts, u.geneve.opts_len,
                                  &critical)) {
            die__("geneve options (accepted by the header decoder)", ofs,
                  len);
        }
    }
    if (!nvo_geneve_opt_decode(c, len, &u.opt)
        && 4u + u.opt.data_len > len) {
        die__("geneve option", ofs, len);
    }
    bool critical;
    nvo_geneve_opts_check(c, len, &critical);
    nvo_stt_decode(c, len, &u.stt);
    nvo_stt_tcp_decode(c, len, &u.stt_tcp);
    nvo_mpls_decode(c, len, &u.mpls);
    struct nvo_igmp_record recs[4];
    size_t n_rec;
    nvo_igmp_v3_report_decode(c, len, recs, 4, &n_rec);
    uint32_t q_group, q_ds;
    nvo_igmp_query_decode(c, len, &q_group, &q_ds);
    uint8_t pim_type;
    nvo_pim_decode_header(c, len, &pim_type);
    struct nvo_pim_jp_entry jp[4];
    uint32_t up;
    uint16_t hold;
    size_t n_jp;
    nvo_pim_jp_decode(c, len, &up, &hold, jp, 4, &n_jp);
    free(c);
}

/* Runs the frame walkers on a packet of 'real' real bytes of 'b' and
 * 'virt' bytes of virtual (zero) payload. */
static void
walk__(struct nvo_pkt_pool *pool, const uint8_t *b, size_t real, size_t virt)
{
    struct nvo_pkt *p = nvo_pkt_alloc(pool, NVO_PKT_HEADROOM,
                                      (uint32_t) real);
    memcpy(nvo_pkt_put(p, (uint32_t) real), b, real);
    p->payload_size = (uint32_t) virt;
    nvo_wire_set_offsets(p);
    char line[512];
    size_t n = nvo_wire_summary(p, line, sizeof line);
    if (n < sizeof line && strlen(line) != n) {
        fprintf(stderr, "summary says %zu bytes, wrote %zu\n", n,
                strlen(line));
        abort();
    }
    size_t n0 = nvo_wire_summary(p, NULL, 0);
    if (n0 != n) {
        fprintf(stderr, "summary length %zu, with no buffer %zu\n", n, n0);
        abort();
    }
    nvo_pkt_free(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) {
        return 0;
    }
    for (size_t ofs = 0; ofs < size && ofs < OFFSETS_MAX; ofs++) {
        decode_at__(data + ofs, size - ofs, ofs);
    }
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    walk__(&pool, data, size, 0);
    size_t real = size;
    while (real && !data[real - 1]) {
        real--;
    }
    if (real != size) {
        walk__(&pool, data, real, size - real);
    }
    nvo_pkt_pool_destroy(&pool);
    return 0;
}
