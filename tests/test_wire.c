/* test_wire.c: wire.h headers (golden bytes in, fields out; encode/decode
 * round trips; truncated and malformed input), the internet checksum
 * (RFC 1071 example), tenant frames built into packets, header offsets,
 * summaries, and flow.h extraction and hash.
 *
 * Golden checksums were computed independently (Python, RFC 1071 sum). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "wire/flow.h"
#include "wire/pkt.h"
#include "testutil.h"
#include "wire/wire.h"

#define BYTES(...) ((const uint8_t[]) { __VA_ARGS__ })
#define LEN(...) sizeof((const uint8_t[]) { __VA_ARGS__ })

/* A malformed-input case: bytes that a decoder must reject. */
struct bad_case {
    const char *what;
    const uint8_t *bytes;
    size_t len;
};
#define BAD(what, ...) { what, BYTES(__VA_ARGS__), LEN(__VA_ARGS__) }

/* Checks that 'decode' accepts all of 'good' and rejects every
 * truncation of it. */
#define CHECK_TRUNCATED(decode, info_type, good)                            \
    do {                                                                    \
        info_type info_;                                                    \
        for (size_t n_ = 0; n_ < sizeof good; n_++) {                       \
            ck_assert_msg(decode(good, n_, &info_) == EBADMSG,              \
                          "%s accepted %zu of %zu bytes", #decode, n_,      \
                          sizeof good);                                     \
        }                                                                   \
        ck_assert_int_eq(decode(good, sizeof good, &info_), 0);             \
    } while (0)

/* CHECK_TRUNCATED, and 'decode' rejects every case of 'bads'. */
#define CHECK_REJECTS(decode, info_type, good, bads)                        \
    do {                                                                    \
        info_type info_;                                                    \
        for (size_t i_ = 0; i_ < NVO_ARRAY_SIZE(bads); i_++) {              \
            ck_assert_msg(decode(bads[i_].bytes, bads[i_].len, &info_)      \
                          == EBADMSG, "%s accepted: %s", #decode,           \
                          bads[i_].what);                                   \
        }                                                                   \
        CHECK_TRUNCATED(decode, info_type, good);                           \
    } while (0)

/* ---- Checksum ----------------------------------------------------------- */

START_TEST(test_csum_rfc1071)
{
    /* RFC 1071 section 3: 0001 f203 f4f5 f6f7 sums to 0xddf2. */
    static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
                                 0xf6, 0xf7 };
    ck_assert_uint_eq(nvo_csum_finish(nvo_csum_add(0, b, sizeof b)), 0x220d);
    ck_assert_uint_eq(nvo_inet_csum(b, sizeof b), 0x220d);
    /* Split into pieces: the same sum. */
    uint32_t s = nvo_csum_add(0, b, 2);
    s = nvo_csum_add(s, b + 2, 4);
    s = nvo_csum_add(s, b + 6, 2);
    ck_assert_uint_eq(nvo_csum_finish(s), 0x220d);
    /* Odd length: the last byte is padded with zero. */
    static const uint8_t odd[] = { 0x00, 0x01, 0xf2 };
    ck_assert_uint_eq(nvo_inet_csum(odd, sizeof odd), (uint16_t) ~0xf201);
    /* With its checksum in place the data sums to 0. */
    static const uint8_t with[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
                                    0xf6, 0xf7, 0x22, 0x0d };
    ck_assert_uint_eq(nvo_inet_csum(with, sizeof with), 0);
}
END_TEST

START_TEST(test_csum_ipv4_header)
{
    /* A well-known IPv4 header; its checksum is 0xb861. */
    static const uint8_t h[] = {
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    };
    ck_assert(nvo_ipv4_csum_ok(h, sizeof h));
    uint8_t z[sizeof h];
    memcpy(z, h, sizeof h);
    z[10] = z[11] = 0;
    ck_assert_uint_eq(nvo_inet_csum(z, sizeof z), 0xb861);
    ck_assert(!nvo_ipv4_csum_ok(z, sizeof z));
}
END_TEST

/* ---- Golden bytes in, fields out ---------------------------------------- */

START_TEST(test_eth_vlan)
{
    static const uint8_t eth[] = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x81, 0x00,
    };
    struct nvo_eth_info e;
    ck_assert_int_eq(nvo_eth_decode(eth, sizeof eth, &e), 0);
    ck_assert_mem_eq(e.dst, BYTES(0x02, 0, 0, 0, 0, 0x02), 6);
    ck_assert_mem_eq(e.src, BYTES(0x02, 0, 0, 0, 0, 0x01), 6);
    ck_assert_uint_eq(e.type, NVO_ETH_TYPE_VLAN);
    uint8_t out[NVO_ETH_LEN];
    nvo_eth_encode(out, &e);
    ck_assert_mem_eq(out, eth, sizeof eth);

    static const struct {
        uint8_t bytes[4];
        uint8_t pcp;
        bool dei;
        uint16_t vid, type;
    } vlans[] = {
        { { 0xa0, 0x64, 0x08, 0x00 }, 5, false, 100, 0x0800 },
        { { 0xf1, 0x2c, 0x86, 0xdd }, 7, true, 300, 0x86dd },
        { { 0x0f, 0xfe, 0x81, 0x00 }, 0, false, 4094, 0x8100 },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(vlans); i++) {
        struct nvo_vlan_info v;
        ck_assert_int_eq(nvo_vlan_decode(vlans[i].bytes,
                                         sizeof vlans[i].bytes, &v), 0);
        ck_assert_uint_eq(v.pcp, vlans[i].pcp);
        ck_assert_int_eq(v.dei, vlans[i].dei);
        ck_assert_uint_eq(v.vid, vlans[i].vid);
        ck_assert_uint_eq(v.type, vlans[i].type);
        uint8_t o[NVO_VLAN_LEN];
        nvo_vlan_encode(o, &v);
        ck_assert_mem_eq(o, vlans[i].bytes, sizeof o);
    }

    /* Two tags (S-tag, C-tag) then IPv4. */
    static const uint8_t qinq[] = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00,
    };
    struct nvo_l2_info l2;
    ck_assert_int_eq(nvo_l2_decode(qinq, sizeof qinq, &l2), 0);
    ck_assert_uint_eq(l2.n_vlans, 2);
    ck_assert_uint_eq(l2.vlans[0].vid, 10);
    ck_assert_uint_eq(l2.vlans[1].vid, 20);
    ck_assert_uint_eq(l2.type, NVO_ETH_TYPE_IPV4);
    ck_assert_uint_eq(l2.len, sizeof qinq);
    for (size_t n = 0; n < sizeof qinq; n++) {
        ck_assert_int_eq(nvo_l2_decode(qinq, n, &l2), EBADMSG);
    }

    static const uint8_t good_vlan[] = { 0xa0, 0x64, 0x08, 0x00 };
    CHECK_TRUNCATED(nvo_vlan_decode, struct nvo_vlan_info, good_vlan);
    CHECK_TRUNCATED(nvo_eth_decode, struct nvo_eth_info, eth);
}
END_TEST

START_TEST(test_arp)
{
    static const uint8_t arp[] = {
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x02,
    };
    struct nvo_arp_info a;
    ck_assert_uint_eq(sizeof arp, NVO_ARP_LEN);
    ck_assert_int_eq(nvo_arp_decode(arp, sizeof arp, &a), 0);
    ck_assert_uint_eq(a.op, NVO_ARP_OP_REQUEST);
    ck_assert_mem_eq(a.sha, BYTES(0x02, 0, 0, 0, 0, 0x01), 6);
    ck_assert_uint_eq(a.spa, 0x0a000001);
    ck_assert_mem_eq(a.tha, BYTES(0, 0, 0, 0, 0, 0), 6);
    ck_assert_uint_eq(a.tpa, 0x0a000002);
    uint8_t out[NVO_ARP_LEN];
    nvo_arp_encode(out, &a);
    ck_assert_mem_eq(out, arp, sizeof arp);

    const struct bad_case bad[] = {
        BAD("htype 6", 0x00, 0x06, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
            0x02, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2),
        BAD("ptype ipv6", 0x00, 0x01, 0x86, 0xdd, 0x06, 0x04, 0x00, 0x01,
            0x02, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2),
        BAD("plen 16", 0x00, 0x01, 0x08, 0x00, 0x06, 0x10, 0x00, 0x01,
            0x02, 0, 0, 0, 0, 1, 10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2),
    };
    CHECK_REJECTS(nvo_arp_decode, struct nvo_arp_info, arp, bad);
}
END_TEST

START_TEST(test_ipv4)
{
    static const uint8_t h[] = {
        0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
        0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
    };
    struct nvo_ipv4_info ip;
    ck_assert_int_eq(nvo_ipv4_decode(h, sizeof h, &ip), 0);
    ck_assert_uint_eq(ip.hdr_len, 20);
    ck_assert_uint_eq(ip.tos, 0);
    ck_assert_uint_eq(ip.tot_len, 115);
    ck_assert_uint_eq(ip.id, 0);
    ck_assert_uint_eq(ip.frag_off, NVO_IP_DF);
    ck_assert_uint_eq(ip.ttl, 64);
    ck_assert_uint_eq(ip.proto, NVO_IPPROTO_UDP);
    ck_assert_uint_eq(ip.csum, 0xb861);
    ck_assert_uint_eq(ip.src, 0xc0a80001);
    ck_assert_uint_eq(ip.dst, 0xc0a800c7);
    uint8_t out[NVO_IPV4_LEN + 1];
    out[NVO_IPV4_LEN] = 0xee;
    nvo_ipv4_encode(out, &ip);     /* computes the checksum */
    ck_assert_mem_eq(out, h, sizeof h);
    ck_assert_uint_eq(out[NVO_IPV4_LEN], 0xee);

    /* IHL 6: one option word, skipped. */
    static const uint8_t opt[] = {
        0x46, 0x10, 0x00, 0x18, 0x12, 0x34, 0x20, 0x05, 0x01, 0x06,
        0x00, 0x00, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
        0x01, 0x01, 0x01, 0x00,
    };
    ck_assert_int_eq(nvo_ipv4_decode(opt, sizeof opt, &ip), 0);
    ck_assert_uint_eq(ip.hdr_len, 24);
    ck_assert_uint_eq(ip.tos, 0x10);
    ck_assert_uint_eq(ip.id, 0x1234);
    ck_assert_uint_eq(ip.frag_off, NVO_IP_MF | 5);
    ck_assert_uint_eq(ip.proto, NVO_IPPROTO_TCP);

    const struct bad_case bad[] = {
        BAD("version 6", 0x65, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
            0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
            0x00, 0xc7),
        BAD("IHL 4", 0x44, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
            0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8,
            0x00, 0xc7),
        BAD("IHL 6 in 20 bytes", 0x46, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
            0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0,
            0xa8, 0x00, 0xc7),
        BAD("total length 16", 0x45, 0x00, 0x00, 0x10, 0x00, 0x00, 0x40,
            0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0,
            0xa8, 0x00, 0xc7),
    };
    CHECK_REJECTS(nvo_ipv4_decode, struct nvo_ipv4_info, h, bad);
}
END_TEST

START_TEST(test_ipv6)
{
    static const uint8_t h[] = {
        0x6b, 0x8a, 0xbc, 0xde, 0x00, 0x20, 0x11, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
    };
    struct nvo_ipv6_info ip;
    ck_assert_uint_eq(sizeof h, NVO_IPV6_LEN);
    ck_assert_int_eq(nvo_ipv6_decode(h, sizeof h, &ip), 0);
    ck_assert_uint_eq(ip.tclass, 0xb8);
    ck_assert_uint_eq(ip.flow_label, 0xabcde);
    ck_assert_uint_eq(ip.payload_len, 32);
    ck_assert_uint_eq(ip.next_hdr, NVO_IPPROTO_UDP);
    ck_assert_uint_eq(ip.hop_limit, 64);
    ck_assert_mem_eq(ip.src, h + 8, 16);
    ck_assert_mem_eq(ip.dst, h + 24, 16);
    uint8_t out[NVO_IPV6_LEN];
    nvo_ipv6_encode(out, &ip);
    ck_assert_mem_eq(out, h, sizeof h);

    const struct bad_case bad[] = {
        BAD("version 4", 0x4b, 0x8a, 0xbc, 0xde, 0x00, 0x20, 0x11, 0x40,
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02),
    };
    CHECK_REJECTS(nvo_ipv6_decode, struct nvo_ipv6_info, h, bad);

    /* Extension headers: hop-by-hop (8), destination options (16), then
     * TCP. */
    uint8_t ext[NVO_IPV6_LEN + 24 + 4];
    memcpy(ext, h, sizeof h);
    ext[6] = NVO_IPPROTO_HOPOPTS;
    memcpy(ext + 40, BYTES(NVO_IPPROTO_DSTOPTS, 0, 1, 4, 0, 0, 0, 0), 8);
    memcpy(ext + 48, BYTES(NVO_IPPROTO_TCP, 1, 1, 12, 0, 0, 0, 0,
                           0, 0, 0, 0, 0, 0, 0, 0), 16);
    memcpy(ext + 64, BYTES(0x9c, 0x40, 0x00, 0x50), 4);
    uint8_t proto;
    size_t l4;
    bool later;
    ck_assert_int_eq(nvo_ipv6_skip_ext(ext, sizeof ext, &proto, &l4, &later),
                     0);
    ck_assert_uint_eq(proto, NVO_IPPROTO_TCP);
    ck_assert_uint_eq(l4, 64);
    ck_assert(!later);
    ck_assert_int_eq(nvo_ipv6_skip_ext(ext, 63, &proto, &l4, &later),
                     EBADMSG);
    /* A non-first fragment. */
    ext[6] = NVO_IPPROTO_FRAGMENT;
    memcpy(ext + 40, BYTES(NVO_IPPROTO_UDP, 0, 0x05, 0xa9, 0, 0, 0, 1), 8);
    ck_assert_int_eq(nvo_ipv6_skip_ext(ext, sizeof ext, &proto, &l4, &later),
                     0);
    ck_assert(later);
    ck_assert_uint_eq(proto, NVO_IPPROTO_UDP);
}
END_TEST

START_TEST(test_udp_tcp)
{
    static const uint8_t u[] = { 0xc0, 0x01, 0x12, 0xb5, 0x00, 0x38,
                                 0xab, 0xcd };
    struct nvo_udp_info ui;
    ck_assert_int_eq(nvo_udp_decode(u, sizeof u, &ui), 0);
    ck_assert_uint_eq(ui.sport, 49153);
    ck_assert_uint_eq(ui.dport, NVO_PORT_VXLAN);
    ck_assert_uint_eq(ui.len, 56);
    ck_assert_uint_eq(ui.csum, 0xabcd);
    uint8_t uo[NVO_UDP_LEN];
    nvo_udp_encode(uo, &ui);
    ck_assert_mem_eq(uo, u, sizeof u);
    const struct bad_case bad_udp[] = {
        BAD("length 7", 0xc0, 0x01, 0x12, 0xb5, 0x00, 0x07, 0x00, 0x00),
    };
    CHECK_REJECTS(nvo_udp_decode, struct nvo_udp_info, u, bad_udp);

    static const uint8_t t[] = {
        0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00, 0x00,
        0x02, 0x50, 0x18, 0xff, 0xff, 0x12, 0x34, 0x00, 0x07,
    };
    struct nvo_tcp_info ti;
    ck_assert_int_eq(nvo_tcp_decode(t, sizeof t, &ti), 0);
    ck_assert_uint_eq(ti.sport, 40000);
    ck_assert_uint_eq(ti.dport, 80);
    ck_assert_uint_eq(ti.seq, 1);
    ck_assert_uint_eq(ti.ack, 0x80000002u);
    ck_assert_uint_eq(ti.hdr_len, 20);
    ck_assert_uint_eq(ti.flags, NVO_TCP_PSH | NVO_TCP_ACK);
    ck_assert_uint_eq(ti.window, 65535);
    ck_assert_uint_eq(ti.csum, 0x1234);
    ck_assert_uint_eq(ti.urg, 7);
    uint8_t to[NVO_TCP_LEN];
    nvo_tcp_encode(to, &ti);
    ck_assert_mem_eq(to, t, sizeof t);

    /* Data offset 6: 4 bytes of options (MSS 1460). */
    static const uint8_t topt[] = {
        0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        0x00, 0x61, 0x02, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
        0x02, 0x04, 0x05, 0xb4,
    };
    ck_assert_int_eq(nvo_tcp_decode(topt, sizeof topt, &ti), 0);
    ck_assert_uint_eq(ti.hdr_len, 24);
    ck_assert_uint_eq(ti.flags, NVO_TCP_NS | NVO_TCP_SYN);

    const struct bad_case bad_tcp[] = {
        BAD("data offset 4", 0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 2,
            0x40, 0x18, 0xff, 0xff, 0x12, 0x34, 0x00, 0x00),
        BAD("data offset 6 in 20 bytes", 0x9c, 0x40, 0x00, 0x50, 0, 0, 0, 1,
            0, 0, 0, 2, 0x60, 0x18, 0xff, 0xff, 0x12, 0x34, 0x00, 0x00),
    };
    CHECK_REJECTS(nvo_tcp_decode, struct nvo_tcp_info, t, bad_tcp);
}
END_TEST

START_TEST(test_gre)
{
    static const struct {
        const char *what;
        uint8_t bytes[16];
        size_t len;
        struct nvo_gre_info info;
    } cases[] = {
        { "base", { 0x00, 0x00, 0x08, 0x00 }, 4,
          { .proto = 0x0800, .hdr_len = 4 } },
        { "key", { 0x20, 0x00, 0x88, 0x47, 0x12, 0x34, 0x56, 0x78 }, 8,
          { .key_present = true, .proto = 0x8847, .key = 0x12345678,
            .hdr_len = 8 } },
        { "csum key seq", { 0xb0, 0x00, 0x65, 0x58, 0xab, 0xcd, 0x00, 0x00,
                            0x00, 0x00, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x07 },
          16, { .csum_present = true, .key_present = true,
                .seq_present = true, .proto = 0x6558, .csum = 0xabcd,
                .key = 42, .seq = 7, .hdr_len = 16 } },
        { "seq", { 0x10, 0x00, 0x86, 0xdd, 0xff, 0xff, 0xff, 0xfe }, 8,
          { .seq_present = true, .proto = 0x86dd, .seq = 0xfffffffe,
            .hdr_len = 8 } },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        const struct nvo_gre_info *e = &cases[i].info;
        struct nvo_gre_info g;
        ck_assert_int_eq(nvo_gre_decode(cases[i].bytes, cases[i].len, &g), 0);
        ck_assert_int_eq(g.csum_present, e->csum_present);
        ck_assert_int_eq(g.key_present, e->key_present);
        ck_assert_int_eq(g.seq_present, e->seq_present);
        ck_assert_uint_eq(g.proto, e->proto);
        ck_assert_uint_eq(g.csum, e->csum);
        ck_assert_uint_eq(g.key, e->key);
        ck_assert_uint_eq(g.seq, e->seq);
        ck_assert_uint_eq(g.hdr_len, cases[i].len);
        ck_assert_uint_eq(nvo_gre_hdr_len(&g), cases[i].len);
        uint8_t out[NVO_GRE_MAX_LEN];
        nvo_gre_encode(out, &g);
        ck_assert_mem_eq(out, cases[i].bytes, cases[i].len);
        for (size_t n = 0; n < cases[i].len; n++) {
            ck_assert_int_eq(nvo_gre_decode(cases[i].bytes, n, &g), EBADMSG);
        }
    }
    /* Reserved bits 6-12 are ignored on receipt (RFC 2784 2.3). */
    struct nvo_gre_info g;
    ck_assert_int_eq(nvo_gre_decode(BYTES(0x01, 0xf8, 0x08, 0x00), 4, &g), 0);
    ck_assert_uint_eq(g.proto, 0x0800);
    static const uint8_t good[] = { 0x20, 0x00, 0x65, 0x58, 0, 0, 0, 1 };
    const struct bad_case bad[] = {
        BAD("version 1", 0x00, 0x01, 0x88, 0x0b),
        BAD("routing bit", 0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0),
        BAD("recursion", 0x04, 0x00, 0x08, 0x00),
        BAD("strict route", 0x08, 0x00, 0x08, 0x00),
        BAD("key flag, 4 bytes", 0x20, 0x00, 0x65, 0x58),
    };
    CHECK_REJECTS(nvo_gre_decode, struct nvo_gre_info, good, bad);
}
END_TEST

START_TEST(test_nvgre)
{
    static const uint8_t h[] = { 0x20, 0x00, 0x65, 0x58, 0x00, 0x13, 0x8b,
                                 0x2a };
    struct nvo_nvgre_info n;
    ck_assert_uint_eq(sizeof h, NVO_NVGRE_LEN);
    ck_assert_int_eq(nvo_nvgre_decode(h, sizeof h, &n), 0);
    ck_assert_uint_eq(n.vsid, 5003);
    ck_assert_uint_eq(n.flow_id, 0x2a);
    uint8_t out[NVO_NVGRE_LEN];
    nvo_nvgre_encode(out, &n);
    ck_assert_mem_eq(out, h, sizeof h);
    /* Also a valid GRE header with the key. */
    struct nvo_gre_info g;
    ck_assert_int_eq(nvo_gre_decode(h, sizeof h, &g), 0);
    ck_assert_uint_eq(g.key, (5003u << 8) | 0x2a);

    const struct bad_case bad[] = {
        BAD("checksum flag", 0xa0, 0x00, 0x65, 0x58, 0x00, 0x13, 0x8b, 0x2a),
        BAD("sequence flag", 0x30, 0x00, 0x65, 0x58, 0x00, 0x13, 0x8b, 0x2a),
        BAD("no key", 0x00, 0x00, 0x65, 0x58, 0x00, 0x13, 0x8b, 0x2a),
        BAD("version 1", 0x20, 0x01, 0x65, 0x58, 0x00, 0x13, 0x8b, 0x2a),
        BAD("protocol IPv4", 0x20, 0x00, 0x08, 0x00, 0x00, 0x13, 0x8b, 0x2a),
    };
    CHECK_REJECTS(nvo_nvgre_decode, struct nvo_nvgre_info, h, bad);
}
END_TEST

START_TEST(test_vxlan)
{
    static const struct {
        uint8_t bytes[8];
        uint8_t flags, next_proto;
        uint32_t vni;
    } cases[] = {
        { { 0x08, 0, 0, 0, 0x00, 0x00, 0x64, 0x00 }, 0x08, 0, 100 },
        { { 0x08, 0, 0, 0, 0xff, 0xff, 0xff, 0x00 }, 0x08, 0, 0xffffff },
        /* VXLAN-GPE: I and P, next protocol Ethernet (3), VNI 5001. */
        { { 0x0c, 0, 0, 0x03, 0x00, 0x13, 0x89, 0x00 }, 0x0c, 3, 5001 },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        struct nvo_vxlan_info v;
        ck_assert_int_eq(nvo_vxlan_decode(cases[i].bytes, 8, &v), 0);
        ck_assert_uint_eq(v.flags, cases[i].flags);
        ck_assert_uint_eq(v.next_proto, cases[i].next_proto);
        ck_assert_uint_eq(v.vni, cases[i].vni);
        uint8_t out[NVO_VXLAN_LEN];
        nvo_vxlan_encode(out, &v);
        ck_assert_mem_eq(out, cases[i].bytes, 8);
    }
    static const uint8_t good[] = { 0x08, 0, 0, 0, 0x00, 0x00, 0x64, 0x00 };
    const struct bad_case bad[] = {
        BAD("I flag clear", 0x00, 0, 0, 0, 0x00, 0x00, 0x64, 0x00),
        BAD("only reserved flags", 0xf7, 0, 0, 0, 0x00, 0x00, 0x64, 0x00),
    };
    CHECK_REJECTS(nvo_vxlan_decode, struct nvo_vxlan_info, good, bad);
}
END_TEST

START_TEST(test_geneve)
{
    static const uint8_t h[] = {
        0x02, 0x40, 0x65, 0x58, 0x00, 0x13, 0x8a, 0x00,
        /* option: class 0x0102, type 0x80 (critical), 1 word */
        0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef,
    };
    struct nvo_geneve_info g;
    ck_assert_int_eq(nvo_geneve_decode(h, sizeof h, &g), 0);
    ck_assert_uint_eq(g.version, 0);
    ck_assert_uint_eq(g.opts_len, 8);
    ck_assert(!g.oam);
    ck_assert(g.critical);
    ck_assert_uint_eq(g.proto, NVO_ETH_TYPE_TEB);
    ck_assert_uint_eq(g.vni, 5002);
    ck_assert_ptr_eq(g.opts, h + 8);
    uint8_t out[sizeof h];
    nvo_geneve_encode(out, &g);
    ck_assert_mem_eq(out, h, sizeof h);

    struct nvo_geneve_opt_info o;
    ck_assert_int_eq(nvo_geneve_opt_decode(h + 8, 8, &o), 0);
    ck_assert_uint_eq(o.opt_class, 0x0102);
    ck_assert_uint_eq(o.type, 0x80);
    ck_assert_uint_eq(o.data_len, 4);
    ck_assert_mem_eq(o.data, BYTES(0xde, 0xad, 0xbe, 0xef), 4);
    uint8_t oout[8];
    nvo_geneve_opt_encode(oout, &o);
    ck_assert_mem_eq(oout, h + 8, 8);
    ck_assert_int_eq(nvo_geneve_opt_decode(h + 8, 7, &o), EBADMSG);
    bool crit = false;
    ck_assert_int_eq(nvo_geneve_opts_check(h + 8, 8, &crit), 0);
    ck_assert(crit);

    /* No options, O flag. */
    static const uint8_t plain[] = { 0x00, 0x80, 0x65, 0x58, 0x00, 0x00,
                                     0x01, 0x00 };
    ck_assert_int_eq(nvo_geneve_decode(plain, sizeof plain, &g), 0);
    ck_assert(g.oam);
    ck_assert(!g.critical);
    ck_assert_uint_eq(g.opts_len, 0);
    ck_assert_uint_eq(g.vni, 1);

    const struct bad_case bad[] = {
        BAD("version 1", 0x40, 0x00, 0x65, 0x58, 0x00, 0x00, 0x01, 0x00),
        BAD("options past the end", 0x01, 0x00, 0x65, 0x58, 0x00, 0x00, 0x01,
            0x00),
        BAD("option longer than the option area", 0x01, 0x00, 0x65, 0x58,
            0x00, 0x00, 0x01, 0x00, 0x01, 0x02, 0x03, 0x01, 0, 0, 0, 0),
        BAD("option area not whole options", 0x02, 0x00, 0x65, 0x58,
            0x00, 0x00, 0x01, 0x00, 0x01, 0x02, 0x03, 0x00, 0xaa, 0xbb,
            0xcc, 0xdd),
    };
    CHECK_REJECTS(nvo_geneve_decode, struct nvo_geneve_info, h, bad);
}
END_TEST

START_TEST(test_stt)
{
    static const uint8_t h[] = {
        0x00, 0x0e, 0x22, 0x00, 0x05, 0xb4, 0xb0, 0x64,
        0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x13, 0x8c, 0x00, 0x00,
    };
    struct nvo_stt_info s;
    ck_assert_uint_eq(sizeof h, NVO_STT_LEN);
    ck_assert_int_eq(nvo_stt_decode(h, sizeof h, &s), 0);
    ck_assert_uint_eq(s.version, 0);
    ck_assert_uint_eq(s.flags, NVO_STT_F_CSUM_PARTIAL | NVO_STT_F_IPV4
                               | NVO_STT_F_TCP);
    ck_assert_uint_eq(s.l4_ofs, 0x22);
    ck_assert_uint_eq(s.mss, 1460);
    ck_assert_uint_eq(s.pcp, 5);
    ck_assert(s.vlan_valid);
    ck_assert_uint_eq(s.vid, 100);
    ck_assert_uint_eq(s.context, 0x10000138cull);
    uint8_t out[NVO_STT_LEN];
    nvo_stt_encode(out, &s);
    ck_assert_mem_eq(out, h, sizeof h);
    const struct bad_case bad[] = {
        BAD("version 1", 0x01, 0x0e, 0x22, 0x00, 0x05, 0xb4, 0xb0, 0x64,
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x13, 0x8c, 0x00, 0x00),
    };
    CHECK_REJECTS(nvo_stt_decode, struct nvo_stt_info, h, bad);

    /* The TCP-like header: frame length 9018, offset 1460, packet id 42. */
    static const uint8_t t[] = {
        0xc0, 0x00, 0x1d, 0x2f, 0x23, 0x3a, 0x05, 0xb4, 0x00, 0x00, 0x00,
        0x2a, 0x50, 0x18, 0xff, 0xff, 0xbe, 0xef, 0x00, 0x00,
    };
    struct nvo_stt_tcp_info ti;
    ck_assert_int_eq(nvo_stt_tcp_decode(t, sizeof t, &ti), 0);
    ck_assert_uint_eq(ti.sport, 49152);
    ck_assert_uint_eq(ti.dport, NVO_PORT_STT);
    ck_assert_uint_eq(ti.frame_len, 9018);
    ck_assert_uint_eq(ti.seg_ofs, 1460);
    ck_assert_uint_eq(ti.pkt_id, 42);
    ck_assert_uint_eq(ti.csum, 0xbeef);
    uint8_t tout[NVO_TCP_LEN];
    nvo_stt_tcp_encode(tout, &ti);
    ck_assert_mem_eq(tout, t, sizeof t);
    const struct bad_case bad_tcp[] = {
        BAD("data offset 6", 0xc0, 0x00, 0x1d, 0x2f, 0x23, 0x3a, 0x05, 0xb4,
            0, 0, 0, 0x2a, 0x60, 0x18, 0xff, 0xff, 0, 0, 0, 0, 1, 1, 1, 0),
    };
    CHECK_REJECTS(nvo_stt_tcp_decode, struct nvo_stt_tcp_info, t, bad_tcp);
}
END_TEST

START_TEST(test_mpls)
{
    static const struct {
        uint8_t bytes[4];
        struct nvo_mpls_info info;
    } cases[] = {
        { { 0x00, 0x3e, 0x91, 0x40 }, { 1001, 0, true, 64 } },
        { { 0x00, 0x00, 0x70, 0x40 }, { NVO_MPLS_LABEL_ELI, 0, false, 64 } },
        { { 0xff, 0xff, 0xfa, 0x00 }, { 0xfffff, 5, false, 0 } },
        { { 0x00, 0x01, 0x0f, 0xff }, { 16, 7, true, 255 } },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        struct nvo_mpls_info m;
        ck_assert_int_eq(nvo_mpls_decode(cases[i].bytes, 4, &m), 0);
        ck_assert_uint_eq(m.label, cases[i].info.label);
        ck_assert_uint_eq(m.tc, cases[i].info.tc);
        ck_assert_int_eq(m.bottom, cases[i].info.bottom);
        ck_assert_uint_eq(m.ttl, cases[i].info.ttl);
        uint8_t out[NVO_MPLS_LSE_LEN];
        nvo_mpls_encode(out, &m);
        ck_assert_mem_eq(out, cases[i].bytes, 4);
        for (size_t n = 0; n < 4; n++) {
            ck_assert_int_eq(nvo_mpls_decode(cases[i].bytes, n, &m), EBADMSG);
        }
    }
    ck_assert(nvo_mpls_label_reserved(0));
    ck_assert(nvo_mpls_label_reserved(NVO_MPLS_LABEL_ELI));
    ck_assert(nvo_mpls_label_reserved(15));
    ck_assert(!nvo_mpls_label_reserved(16));
}
END_TEST

/* ---- Round trips of many values ----------------------------------------- */

START_TEST(test_round_trips)
{
    uint32_t x = 12345;
    for (int i = 0; i < 1000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t y = x * 2654435761u;

        struct nvo_ipv4_info a = {
            .tos = (uint8_t) x, .tot_len = (uint16_t) (20 + (y & 0xfff)),
            .id = (uint16_t) (x >> 16), .frag_off = (uint16_t) y,
            .ttl = (uint8_t) (y >> 8), .proto = (uint8_t) (y >> 16),
            .src = x, .dst = y,
        }, b;
        uint8_t buf[64];
        nvo_ipv4_encode(buf + 1, &a);       /* odd address: unaligned */
        ck_assert_int_eq(nvo_ipv4_decode(buf + 1, NVO_IPV4_LEN, &b), 0);
        ck_assert(nvo_ipv4_csum_ok(buf + 1, NVO_IPV4_LEN));
        ck_assert_uint_eq(b.tos, a.tos);
        ck_assert_uint_eq(b.tot_len, a.tot_len);
        ck_assert_uint_eq(b.id, a.id);
        ck_assert_uint_eq(b.frag_off, a.frag_off);
        ck_assert_uint_eq(b.ttl, a.ttl);
        ck_assert_uint_eq(b.proto, a.proto);
        ck_assert_uint_eq(b.src, a.src);
        ck_assert_uint_eq(b.dst, a.dst);

        struct nvo_tcp_info t = {
            .sport = (uint16_t) x, .dport = (uint16_t) y, .seq = x, .ack = y,
            .hdr_len = 20, .flags = (uint16_t) (x & NVO_TCP_FLAGS_MASK),
            .window = (uint16_t) (y >> 16), .csum = (uint16_t) (x >> 8),
            .urg = (uint16_t) (y >> 4),
        }, t2;
        nvo_tcp_encode(buf + 3, &t);
        ck_assert_int_eq(nvo_tcp_decode(buf + 3, NVO_TCP_LEN, &t2), 0);
        ck_assert_uint_eq(t2.seq, t.seq);
        ck_assert_uint_eq(t2.ack, t.ack);
        ck_assert_uint_eq(t2.flags, t.flags);
        ck_assert_uint_eq(t2.window, t.window);
        ck_assert_uint_eq(t2.urg, t.urg);

        struct nvo_vxlan_info v = { .flags = NVO_VXLAN_F_I,
                                    .vni = x & NVO_VNI_MAX }, v2;
        nvo_vxlan_encode(buf + 1, &v);
        ck_assert_int_eq(nvo_vxlan_decode(buf + 1, NVO_VXLAN_LEN, &v2), 0);
        ck_assert_uint_eq(v2.vni, v.vni);

        struct nvo_nvgre_info n = { .vsid = y & NVO_VNI_MAX,
                                    .flow_id = (uint8_t) x }, n2;
        nvo_nvgre_encode(buf + 1, &n);
        ck_assert_int_eq(nvo_nvgre_decode(buf + 1, NVO_NVGRE_LEN, &n2), 0);
        ck_assert_uint_eq(n2.vsid, n.vsid);
        ck_assert_uint_eq(n2.flow_id, n.flow_id);

        struct nvo_mpls_info m = { .label = x & NVO_MPLS_LABEL_MAX,
                                   .tc = (uint8_t) (y & 7),
                                   .bottom = y & 8, .ttl = (uint8_t) y }, m2;
        nvo_mpls_encode(buf + 1, &m);
        ck_assert_int_eq(nvo_mpls_decode(buf + 1, 4, &m2), 0);
        ck_assert_uint_eq(m2.label, m.label);
        ck_assert_uint_eq(m2.tc, m.tc);
        ck_assert_int_eq(m2.bottom, m.bottom);
        ck_assert_uint_eq(m2.ttl, m.ttl);

        struct nvo_stt_info s = {
            .flags = (uint8_t) (x & 0xf), .l4_ofs = (uint8_t) y,
            .mss = (uint16_t) x, .pcp = (uint8_t) (y & 7),
            .vlan_valid = x & 1, .vid = (uint16_t) (y & 0xfff),
            .context = ((uint64_t) x << 32) | y,
        }, s2;
        nvo_stt_encode(buf + 1, &s);
        ck_assert_int_eq(nvo_stt_decode(buf + 1, NVO_STT_LEN, &s2), 0);
        ck_assert(s2.context == s.context);
        ck_assert_uint_eq(s2.mss, s.mss);
        ck_assert_uint_eq(s2.vid, s.vid);
        ck_assert_uint_eq(s2.pcp, s.pcp);
        ck_assert_int_eq(s2.vlan_valid, s.vlan_valid);

        struct nvo_ipv6_info p6 = { .tclass = (uint8_t) x,
                                    .flow_label = y & 0xfffff,
                                    .payload_len = (uint16_t) x,
                                    .next_hdr = (uint8_t) y,
                                    .hop_limit = (uint8_t) (x >> 24) }, q6;
        memcpy(p6.src, &x, 4);
        memcpy(p6.dst + 12, &y, 4);
        nvo_ipv6_encode(buf + 1, &p6);
        ck_assert_int_eq(nvo_ipv6_decode(buf + 1, NVO_IPV6_LEN, &q6), 0);
        ck_assert_uint_eq(q6.tclass, p6.tclass);
        ck_assert_uint_eq(q6.flow_label, p6.flow_label);
        ck_assert_uint_eq(q6.payload_len, p6.payload_len);
        ck_assert_mem_eq(q6.src, p6.src, 16);
        ck_assert_mem_eq(q6.dst, p6.dst, 16);
    }
}
END_TEST

/* ---- Frames in packets -------------------------------------------------- */

static struct nvo_frame_spec
udp4_spec(void)
{
    struct nvo_frame_spec s = {
        .src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
        .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
        .src_ip4 = 0x0a000001, .dst_ip4 = 0x0a000002,
        .ip_id = 0x1234,
        .proto = NVO_IPPROTO_UDP, .sport = 40000, .dport = 5000,
    };
    return s;
}

START_TEST(test_build_frame_udp4)
{
    /* Independently computed: IPv4 checksum 0x1437, UDP 0x3b4b over a
     * 100-byte zero payload. */
    static const uint8_t golden[] = {
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x80, 0x12, 0x34, 0x40, 0x00,
        0x40, 0x11, 0x14, 0x37, 0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00,
        0x02, 0x9c, 0x40, 0x13, 0x88, 0x00, 0x6c, 0x3b, 0x4b,
    };
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    p->payload_size = 100;
    struct nvo_frame_spec s = udp4_spec();
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_uint_eq(p->size, sizeof golden);
    ck_assert_mem_eq(p->data, golden, sizeof golden);
    ck_assert_uint_eq(nvo_pkt_len(p), 142);
    ck_assert_uint_eq(p->l2_ofs, NVO_PKT_HEADROOM);
    ck_assert_uint_eq(p->l3_ofs, NVO_PKT_HEADROOM + 14);
    ck_assert_uint_eq(p->l4_ofs, NVO_PKT_HEADROOM + 34);
    /* The UDP checksum verifies over real bytes + virtual zeros. */
    ck_assert_uint_eq(nvo_l4_csum(p->data + 14, NVO_IPPROTO_UDP,
                                  p->data + 34, 8, 108), 0);

    char line[256];
    size_t n = nvo_wire_summary(p, line, sizeof line);
    ck_assert_str_eq(line, "eth 02:00:00:00:00:01>02:00:00:00:00:02 "
                     "ipv4 10.0.0.1>10.0.0.2 udp 40000>5000 len=142");
    ck_assert_uint_eq(n, strlen(line));
    /* Cut to fit, same length reported. */
    char small[10];
    ck_assert_uint_eq(nvo_wire_summary(p, small, sizeof small), n);
    ck_assert_str_eq(small, "eth 02:00");
    ck_assert_uint_eq(nvo_wire_summary(p, NULL, 0), n);

    /* set_offsets finds the same offsets. */
    p->l3_ofs = p->l4_ofs = NVO_PKT_OFS_NONE;
    ck_assert_int_eq(nvo_wire_set_offsets(p), 0);
    ck_assert_uint_eq(p->l3_ofs, NVO_PKT_HEADROOM + 14);
    ck_assert_uint_eq(p->l4_ofs, NVO_PKT_HEADROOM + 34);

    /* Errors leave the packet unchanged. */
    struct nvo_pkt *q = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    s.vlan = 4095;
    ck_assert_int_eq(nvo_wire_build_frame(q, &s), EINVAL);
    s.vlan = 0;
    q->payload_size = 65535 - 20 - 8 + 1;
    ck_assert_int_eq(nvo_wire_build_frame(q, &s), EMSGSIZE);
    ck_assert_uint_eq(q->size, 0);
    ck_assert_uint_eq(q->l2_ofs, NVO_PKT_OFS_NONE);
    q->payload_size = 65535 - 20 - 8;
    ck_assert_int_eq(nvo_wire_build_frame(q, &s), 0);
    nvo_pkt_free(q);
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(test_build_frame_tcp6_vlan)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    p->payload_size = 1000;
    struct nvo_frame_spec s = {
        .src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
        .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
        .vlan = 100, .vlan_pcp = 3,
        .ipv6 = true,
        .src_ip6 = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
        .dst_ip6 = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
        .flow_label = 0x12345,
        .proto = NVO_IPPROTO_TCP, .sport = 40000, .dport = 80,
        .tcp_seq = 1000, .tcp_ack = 2000,
        .tcp_flags = NVO_TCP_ACK | NVO_TCP_PSH,
    };
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_uint_eq(p->size, 18 + 40 + 20);
    ck_assert_uint_eq(nvo_pkt_len(p), 1078);
    ck_assert_uint_eq(p->l3_ofs - p->l2_ofs, 18);
    ck_assert_uint_eq(p->l4_ofs - p->l2_ofs, 58);

    struct nvo_l2_info l2;
    ck_assert_int_eq(nvo_l2_decode(p->data, p->size, &l2), 0);
    ck_assert_uint_eq(l2.n_vlans, 1);
    ck_assert_uint_eq(l2.vlans[0].vid, 100);
    ck_assert_uint_eq(l2.vlans[0].pcp, 3);
    ck_assert_uint_eq(l2.type, NVO_ETH_TYPE_IPV6);
    struct nvo_ipv6_info ip;
    ck_assert_int_eq(nvo_ipv6_decode(p->data + 18, 40, &ip), 0);
    ck_assert_uint_eq(ip.payload_len, 1020);
    ck_assert_uint_eq(ip.flow_label, 0x12345);
    ck_assert_uint_eq(ip.hop_limit, 64);
    struct nvo_tcp_info t;
    ck_assert_int_eq(nvo_tcp_decode(p->data + 58, 20, &t), 0);
    ck_assert_uint_eq(t.seq, 1000);
    ck_assert_uint_eq(t.ack, 2000);
    ck_assert_uint_eq(t.flags, NVO_TCP_ACK | NVO_TCP_PSH);
    ck_assert_uint_eq(t.csum, 0xa827);     /* computed independently */

    char line[256];
    nvo_wire_summary(p, line, sizeof line);
    ck_assert_str_eq(line, "eth 02:00:00:00:00:01>02:00:00:00:00:02 vlan 100 "
                     "ipv6 2001:db8::1>2001:db8::2 tcp 40000>80 len=1078");
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(test_summary_arp_and_truncated)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    uint8_t *b = nvo_pkt_put(p, NVO_ETH_LEN + NVO_ARP_LEN);
    struct nvo_eth_info e = { .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
                              .src = { 0x02, 0, 0, 0, 0, 0x01 },
                              .type = NVO_ETH_TYPE_ARP };
    struct nvo_arp_info a = { .op = NVO_ARP_OP_REQUEST,
                              .sha = { 0x02, 0, 0, 0, 0, 0x01 },
                              .spa = 0x0a000001, .tpa = 0x0a000002 };
    nvo_eth_encode(b, &e);
    nvo_arp_encode(b + NVO_ETH_LEN, &a);
    p->payload_size = 18;       /* padding to 60 bytes */
    char line[256];
    nvo_wire_summary(p, line, sizeof line);
    ck_assert_str_eq(line, "eth 02:00:00:00:00:01>ff:ff:ff:ff:ff:ff "
                     "arp request 10.0.0.1>10.0.0.2 len=60");
    ck_assert_int_eq(nvo_wire_set_offsets(p), 0);
    ck_assert_uint_eq(p->l3_ofs, p->l2_ofs + 14);
    ck_assert_uint_eq(p->l4_ofs, NVO_PKT_OFS_NONE);

    p->size = 20;
    nvo_wire_summary(p, line, sizeof line);
    ck_assert_str_eq(line, "eth 02:00:00:00:00:01>ff:ff:ff:ff:ff:ff "
                     "arp [bad] len=38");
    p->size = 10;
    nvo_wire_summary(p, line, sizeof line);
    ck_assert_str_eq(line, "eth [bad] len=28");
    ck_assert_int_eq(nvo_wire_set_offsets(p), EBADMSG);
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

/* ---- Flow keys and hash ------------------------------------------------- */

START_TEST(test_flow_extract)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec s = udp4_spec();
    s.vlan = 7;
    s.tos = 0xb8;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);

    struct nvo_flow f;
    ck_assert_int_eq(nvo_flow_extract_pkt(p, &f), 0);
    ck_assert_mem_eq(f.dl_src, s.src_mac, 6);
    ck_assert_mem_eq(f.dl_dst, s.dst_mac, 6);
    ck_assert_uint_eq(f.dl_type, NVO_ETH_TYPE_IPV4);
    ck_assert_uint_eq(f.vlan_vid, 7);
    ck_assert_uint_eq(f.ip_version, 4);
    ck_assert_uint_eq(f.nw_proto, NVO_IPPROTO_UDP);
    ck_assert_uint_eq(f.nw_tos, 0xb8);
    ck_assert_uint_eq(f.ip4_src, 0x0a000001);
    ck_assert_uint_eq(f.ip4_dst, 0x0a000002);
    ck_assert_uint_eq(f.tp_src, 40000);
    ck_assert_uint_eq(f.tp_dst, 5000);
    ck_assert(!f.later_frag);

    /* Truncated in the UDP header: the IP fields, no ports, EBADMSG. */
    ck_assert_int_eq(nvo_flow_extract(p->data, 18 + 20 + 3, &f), EBADMSG);
    ck_assert_uint_eq(f.ip4_dst, 0x0a000002);
    ck_assert_uint_eq(f.tp_src, 0);
    ck_assert_int_eq(nvo_flow_extract(p->data, 13, &f), EBADMSG);

    /* A non-first fragment has no ports. */
    p->data[18 + 6] = 0x00;
    p->data[18 + 7] = 0x10;
    ck_assert_int_eq(nvo_flow_extract_pkt(p, &f), 0);
    ck_assert(f.later_frag);
    ck_assert_uint_eq(f.tp_src, 0);
    ck_assert_uint_eq(f.tp_dst, 0);
    nvo_pkt_free(p);

    /* IPv6 TCP. */
    p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    s = udp4_spec();
    s.ipv6 = true;
    s.src_ip6[0] = 0xfd;
    s.src_ip6[15] = 1;
    s.dst_ip6[0] = 0xfd;
    s.dst_ip6[15] = 2;
    s.proto = NVO_IPPROTO_TCP;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    ck_assert_int_eq(nvo_flow_extract_pkt(p, &f), 0);
    ck_assert_uint_eq(f.ip_version, 6);
    ck_assert_uint_eq(f.nw_proto, NVO_IPPROTO_TCP);
    ck_assert_mem_eq(f.ip6_src, s.src_ip6, 16);
    ck_assert_mem_eq(f.ip6_dst, s.dst_ip6, 16);
    ck_assert_uint_eq(f.tp_src, 40000);
    ck_assert_uint_eq(f.ip4_src, 0);
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

START_TEST(test_flow_hash)
{
    struct nvo_flow a = {
        .dl_type = NVO_ETH_TYPE_IPV4, .ip_version = 4,
        .nw_proto = NVO_IPPROTO_TCP, .ip4_src = 0x0a000001,
        .ip4_dst = 0x0a000002, .tp_src = 40000, .tp_dst = 80,
    };
    uint32_t h = nvo_flow_hash(&a, 0);
    /* Deterministic, and pinned so a change of the function is seen. */
    ck_assert_uint_eq(nvo_flow_hash(&a, 0), h);
    struct nvo_flow b = a;
    b.dl_src[0] = 0x02;         /* MACs do not matter for IP */
    b.vlan_vid = 9;
    ck_assert_uint_eq(nvo_flow_hash(&b, 0), h);
    /* Each 5-tuple field and the basis changes it. */
    b = a; b.tp_src++;
    ck_assert_uint_ne(nvo_flow_hash(&b, 0), h);
    b = a; b.tp_dst++;
    ck_assert_uint_ne(nvo_flow_hash(&b, 0), h);
    b = a; b.ip4_src++;
    ck_assert_uint_ne(nvo_flow_hash(&b, 0), h);
    b = a; b.ip4_dst++;
    ck_assert_uint_ne(nvo_flow_hash(&b, 0), h);
    b = a; b.nw_proto = NVO_IPPROTO_UDP;
    ck_assert_uint_ne(nvo_flow_hash(&b, 0), h);
    ck_assert_uint_ne(nvo_flow_hash(&a, 1), h);
    /* Reversed direction differs. */
    b = a; b.ip4_src = a.ip4_dst; b.ip4_dst = a.ip4_src;
    b.tp_src = a.tp_dst; b.tp_dst = a.tp_src;
    ck_assert_uint_ne(nvo_flow_hash(&b, 0), h);

    /* Spread: 4096 flows differing only in the source port fill 16
     * buckets of the top 4 bits within +-25%, and the low 8 bits (NVGRE
     * FlowID) take at least 250 of 256 values. */
    unsigned int buckets[16] = { 0 };
    bool low[256] = { false };
    for (uint32_t i = 0; i < 4096; i++) {
        b = a;
        b.tp_src = (uint16_t) (32768 + i);
        uint32_t x = nvo_flow_hash(&b, 0);
        buckets[x >> 28]++;
        low[x & 0xff] = true;
    }
    for (int i = 0; i < 16; i++) {
        ck_assert_msg(buckets[i] > 192 && buckets[i] < 320,
                      "bucket %d has %u of 4096", i, buckets[i]);
    }
    int n_low = 0;
    for (int i = 0; i < 256; i++) {
        n_low += low[i];
    }
    ck_assert_int_ge(n_low, 250);

    /* Non-IP: MACs, type and VLAN matter. */
    struct nvo_flow l2 = { .dl_src = { 2, 0, 0, 0, 0, 1 },
                           .dl_dst = { 2, 0, 0, 0, 0, 2 },
                           .dl_type = NVO_ETH_TYPE_ARP };
    uint32_t hl = nvo_flow_hash(&l2, 0);
    struct nvo_flow l2b = l2;
    l2b.dl_dst[5] = 3;
    ck_assert_uint_ne(nvo_flow_hash(&l2b, 0), hl);
    l2b = l2;
    l2b.vlan_vid = 1;
    ck_assert_uint_ne(nvo_flow_hash(&l2b, 0), hl);

    /* IPv6 addresses matter. */
    struct nvo_flow v6 = { .ip_version = 6, .nw_proto = NVO_IPPROTO_UDP,
                           .tp_src = 1, .tp_dst = 2 };
    uint32_t h6 = nvo_flow_hash(&v6, 0);
    v6.ip6_src[7] = 1;
    ck_assert_uint_ne(nvo_flow_hash(&v6, 0), h6);
}
END_TEST

/* VM MACs: the vendor OUI, then the index in 24 bits; unique, unicast,
 * globally administered; bad input refused. */
START_TEST(test_vm_mac)
{
    static const struct {
        const char *name;
        enum nvo_vm_oui oui;
        uint32_t index;
        uint8_t mac[6];
    } cases[] = {
        { "vmware", NVO_VM_OUI_VMWARE, 0, { 0x00, 0x50, 0x56, 0, 0, 0 } },
        { "vmware", NVO_VM_OUI_VMWARE, 0x0102a3,
          { 0x00, 0x50, 0x56, 0x01, 0x02, 0xa3 } },
        { "xen", NVO_VM_OUI_XEN, 7, { 0x00, 0x16, 0x3e, 0, 0, 7 } },
        { "hyperv", NVO_VM_OUI_HYPERV, 0xffffff,
          { 0x00, 0x15, 0x5d, 0xff, 0xff, 0xff } },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        enum nvo_vm_oui oui;
        ck_assert_int_eq(nvo_vm_oui_lookup(cases[i].name, &oui), 0);
        ck_assert_int_eq(oui, cases[i].oui);
        ck_assert_str_eq(nvo_vm_oui_name(oui), cases[i].name);
        uint8_t mac[6];
        ck_assert_int_eq(nvo_vm_mac(mac, oui, cases[i].index), 0);
        ck_assert_mem_eq(mac, cases[i].mac, 6);
        ck_assert_uint_eq(mac[0] & 0x03, 0);    /* unicast, global */
    }
    enum nvo_vm_oui oui = NVO_VM_OUI_XEN;
    ck_assert_int_eq(nvo_vm_oui_lookup("qemu", &oui), EINVAL);
    ck_assert_int_eq(oui, NVO_VM_OUI_XEN);
    ck_assert_ptr_null(nvo_vm_oui_name(NVO_VM_OUI_N));
    uint8_t mac[6] = { 9, 9, 9, 9, 9, 9 };
    ck_assert_int_eq(nvo_vm_mac(mac, NVO_VM_OUI_VMWARE, 0x1000000), EINVAL);
    ck_assert_int_eq(nvo_vm_mac(mac, NVO_VM_OUI_N, 0), EINVAL);
    ck_assert_uint_eq(mac[0], 9);
    /* Distinct indexes, distinct MACs: 2^16 of them. */
    static uint8_t seen[1 << 16];
    memset(seen, 0, sizeof seen);
    for (uint32_t k = 0; k < (1u << 16); k++) {
        ck_assert_int_eq(nvo_vm_mac(mac, NVO_VM_OUI_VMWARE, k * 7 % 65536),
                         0);
        uint32_t back = (uint32_t) mac[4] << 8 | mac[5];
        ck_assert_uint_eq(mac[3], 0);
        ck_assert_uint_eq(seen[back], 0);
        seen[back] = 1;
    }
}
END_TEST

/* The hand-rolled IPv6 formatting of summaries is inet_ntop's (RFC 5952
 * compression, dotted tails for mapped addresses). */
START_TEST(test_summary_ipv6_forms)
{
    static const uint8_t addrs[][16] = {
        { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
        { [15] = 1 },
        { 0 },
        { 0xfe, 0x80, [8] = 0x12, 0x34, 0, 0, 0, 0, 0xab, 0xcd },
        { 0x20, 0x01, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 },
        { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1 },
        { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
        { [10] = 0xff, [11] = 0xff, 192, 0, 2, 1 },
        { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11 },
        { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 },
    };
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    for (size_t i = 0; i < NVO_ARRAY_SIZE(addrs); i++) {
        struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
        struct nvo_frame_spec f = { .ipv6 = true, .proto = NVO_IPPROTO_UDP,
                                    .sport = 1, .dport = 2 };
        memcpy(f.src_ip6, addrs[i], 16);
        memcpy(f.dst_ip6, addrs[(i + 1) % NVO_ARRAY_SIZE(addrs)], 16);
        ck_assert_int_eq(nvo_wire_build_frame(p, &f), 0);
        char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], want[256], line[256];
        snprintf(want, sizeof want, "eth 00:00:00:00:00:00>00:00:00:00:00:00 "
                 "ipv6 %s>%s udp 1>2 len=%u",
                 inet_ntop(AF_INET6, f.src_ip6, a, sizeof a),
                 inet_ntop(AF_INET6, f.dst_ip6, b, sizeof b), nvo_pkt_len(p));
        nvo_wire_summary(p, line, sizeof line);
        ck_assert_str_eq(line, want);
        nvo_pkt_free(p);
    }
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

static Suite *
wire_suite(void)
{
    Suite *s = suite_create("wire");
    TCase *tc = tcase_create("headers");
    tcase_add_test(tc, test_csum_rfc1071);
    tcase_add_test(tc, test_csum_ipv4_header);
    tcase_add_test(tc, test_eth_vlan);
    tcase_add_test(tc, test_arp);
    tcase_add_test(tc, test_ipv4);
    tcase_add_test(tc, test_ipv6);
    tcase_add_test(tc, test_udp_tcp);
    tcase_add_test(tc, test_gre);
    tcase_add_test(tc, test_nvgre);
    tcase_add_test(tc, test_vxlan);
    tcase_add_test(tc, test_geneve);
    tcase_add_test(tc, test_stt);
    tcase_add_test(tc, test_mpls);
    tcase_add_test(tc, test_round_trips);
    suite_add_tcase(s, tc);

    tc = tcase_create("frames");
    tcase_add_test(tc, test_build_frame_udp4);
    tcase_add_test(tc, test_build_frame_tcp6_vlan);
    tcase_add_test(tc, test_summary_arp_and_truncated);
    suite_add_tcase(s, tc);

    tc = tcase_create("flow");
    tcase_add_test(tc, test_flow_extract);
    tcase_add_test(tc, test_flow_hash);
    tcase_add_test(tc, test_vm_mac);
    tcase_add_test(tc, test_summary_ipv6_forms);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(wire_suite());
}
