/* test_encap.c: the nine encapsulations of encap.h.
 *
 * For each: expected outer bytes for a fixed configuration and inner frame,
 * spelled out field by field from the RFC layouts (below); the overhead table of protocols.md over IPv4 and
 * IPv6; push/pop round trips that restore the exact inner frame; pop
 * rejecting malformed or foreign frames without touching them; bad
 * configurations; entropy (changes with the flow, stable per flow, in
 * range); STT segmentation; summaries; the registry. */
#include <errno.h>
#include <stdio.h>

#include "overlay/encap.h"
#include "wire/flow.h"
#include "wire/pkt.h"
#include "testutil.h"
#include "wire/wire.h"

/* ---- Expected bytes, spelled out from the RFC layouts -------------------
 *
 * Each expected outer header is written field by field below, from the
 * RFC diagrams, with nothing computed by nvosim's code: a bug in an
 * encoder cannot also produce the expected bytes.  The only inputs are
 * constants: the configuration of base_cfg() / cfg_for(), the inner frame
 * of make_inner() (Ethernet 14 + IPv4 20 + TCP 20 + 1000 bytes of payload
 * = 1054 bytes), and its flow hash with basis 0, 0xa7028ebe (the 5-tuple
 * 10.0.0.1 > 10.0.0.2 TCP 40000 > 80 through nvo_flow_hash(), checked on
 * its own in test_wire.c and by test_entropy here).  The entropy values
 * follow from that hash by the multiply-shift mapping of encap.h, worked
 * out by the _Static_asserts.  The IPv4 header checksums and the one UDP
 * checksum (over IPv6) are the RFC 1071 sums of the bytes shown, checked
 * again in test_golden by an RFC 1071 sum written in this file, and found
 * good by tshark in test_pcap.c. */

#define BE16(x) (uint8_t) ((x) >> 8), (uint8_t) (x)
#define BE24(x) (uint8_t) ((x) >> 16), (uint8_t) ((x) >> 8), (uint8_t) (x)
#define BE32(x) (uint8_t) ((uint32_t) (x) >> 24), BE24(x)

#define GOLDEN_HASH 0xa7028ebeu
/* Source port in 49152-65535: 49152 + (hash * 16384 >> 32). */
#define GOLDEN_SPORT 59840
_Static_assert(49152 + ((GOLDEN_HASH * 16384ull) >> 32) == GOLDEN_SPORT,
               "source port");
/* NVGRE FlowID: the low 8 bits of the hash. */
#define GOLDEN_FLOWID 0xbe
_Static_assert((GOLDEN_HASH & 0xff) == GOLDEN_FLOWID, "flowid");
/* Entropy label in 16..2^20-1: 16 + (hash * (2^20 - 16) >> 32). */
#define GOLDEN_EL 684078
_Static_assert(16 + ((GOLDEN_HASH * 1048560ull) >> 32) == GOLDEN_EL, "el");

#define TENANT_LEN 1054     /* the inner frame, bytes on the wire */

/* Ethernet II: destination 02:bb:00:00:00:01, source 02:aa:00:00:00:01,
 * EtherType. */
#define OUTER_ETH(TYPE) \
    0x02, 0xbb, 0x00, 0x00, 0x00, 0x01, \
    0x02, 0xaa, 0x00, 0x00, 0x00, 0x01, BE16(TYPE)

/* IPv4 (RFC 791 3.1): version 4 / IHL 5, TOS 0, total length, ID 0,
 * flags DF / fragment offset 0, TTL 64, protocol, header checksum,
 * source 192.168.1.1, destination 192.168.2.1. */
#define OUTER_IPV4(TOTAL_LEN, PROTO, CSUM) \
    0x45, 0x00, BE16(TOTAL_LEN), BE16(0), BE16(0x4000), 64, PROTO, \
    BE16(CSUM), 192, 168, 1, 1, 192, 168, 2, 1

/* MPLS label stack entry (RFC 3032 2.1): label 20, TC 3 (0), S 1, TTL. */
#define LSE(LABEL, S, TTL) BE32((uint32_t) (LABEL) << 12 | (S) << 8 | (TTL))

static const uint8_t golden_vxlan[] = {
    OUTER_ETH(0x0800),
    /* total = IPv4 20 + UDP 8 + VXLAN 8 + tenant frame */
    OUTER_IPV4(20 + 8 + 8 + TENANT_LEN, 17, 0xb258),
    /* UDP (RFC 768): source port (entropy), destination 4789, length,
     * checksum 0 (allowed over IPv4, RFC 7348 5) */
    BE16(GOLDEN_SPORT), BE16(4789), BE16(8 + 8 + TENANT_LEN), BE16(0),
    /* VXLAN (RFC 7348 5): flags I (0x08), reserved 24, VNI 24,
     * reserved 8 */
    0x08, 0x00, 0x00, 0x00, BE24(5001), 0x00,
};
static const uint8_t golden_greudp[] = {
    OUTER_ETH(0x0800),
    /* total = IPv4 20 + UDP 8 + GRE 4 + key 4 + tenant frame */
    OUTER_IPV4(20 + 8 + 8 + TENANT_LEN, 17, 0xb258),
    /* UDP (RFC 8086 3.2.1): source port (entropy, 49152-65535),
     * destination 4754, length, checksum 0 over IPv4 */
    BE16(GOLDEN_SPORT), BE16(4754), BE16(8 + 8 + TENANT_LEN), BE16(0),
    /* GRE (RFC 8086 3, RFC 2784, 2890): C 0, K 1, S 0, version 0;
     * protocol 0x6558 (Transparent Ethernet Bridging); key = VNI 24 << 8,
     * low byte 0 */
    BE16(0x2000), BE16(0x6558), BE24(5010), 0x00,
};
static const uint8_t golden_vxlan_gpe[] = {
    OUTER_ETH(0x0800),
    OUTER_IPV4(20 + 8 + 8 + TENANT_LEN, 17, 0xb258),
    /* UDP: source port (entropy), destination 4790 */
    BE16(GOLDEN_SPORT), BE16(4790), BE16(8 + 8 + TENANT_LEN), BE16(0),
    /* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe 3): version 0, flags I (0x08)
     * and P (0x04), O 0; reserved 16; next protocol 3 (Ethernet); VNI 24,
     * reserved 8 */
    0x0c, 0x00, 0x00, 0x03, BE24(5011), 0x00,
};
static const uint8_t golden_geneve[] = {
    OUTER_ETH(0x0800),
    OUTER_IPV4(20 + 8 + 8 + 8 + TENANT_LEN, 17, 0xb250),
    /* UDP: source port (entropy, 49152-65535 by default), 6081 */
    BE16(GOLDEN_SPORT), BE16(6081), BE16(8 + 8 + 8 + TENANT_LEN), BE16(0),
    /* Geneve (RFC 8926 3.4): version 0 / option length 2 words, O 0 /
     * C 1 (the option is critical) / reserved, protocol type 0x6558,
     * VNI 24, reserved 8 */
    0x02, 0x40, BE16(0x6558), BE24(5002), 0x00,
    /* option (RFC 8926 3.5): class 0x0102, type 0x80 (critical bit),
     * reserved 3 / length 5 = 1 word, data */
    BE16(0x0102), 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef,
};
static const uint8_t golden_nvgre[] = {
    OUTER_ETH(0x0800),
    OUTER_IPV4(20 + 8 + TENANT_LEN, 47, 0xb242),
    /* GRE (RFC 2784, 2890): C 0, K 1, S 0, version 0; protocol 0x6558 */
    BE16(0x2000), BE16(0x6558),
    /* key (RFC 7637 3.2): VSID 24, FlowID 8 (entropy) */
    BE24(5003), GOLDEN_FLOWID,
};
static const uint8_t golden_mpls_gre[] = {
    OUTER_ETH(0x0800),
    OUTER_IPV4(20 + 4 + 4 + TENANT_LEN, 47, 0xb242),
    /* GRE: no flags, version 0; protocol 0x8847 (MPLS unicast) */
    BE16(0x0000), BE16(0x8847),
    /* label 1001, bottom of stack, TTL 64 */
    LSE(1001, 1, 64),
};
static const uint8_t golden_mpls_ip[] = {
    OUTER_ETH(0x0800),
    /* protocol 137: MPLS in IP (RFC 4023) */
    OUTER_IPV4(20 + 4 + TENANT_LEN, 137, 0xb1ec),
    LSE(1002, 1, 64),
};
static const uint8_t golden_mpls_udp[] = {
    OUTER_ETH(0x0800),
    OUTER_IPV4(20 + 8 + 4 + TENANT_LEN, 17, 0xb25c),
    /* UDP: source port (entropy), 6635 (RFC 7510), length, checksum 0 */
    BE16(GOLDEN_SPORT), BE16(6635), BE16(8 + 4 + TENANT_LEN), BE16(0),
    LSE(1003, 1, 64),
};
static const uint8_t golden_mpls_udp_el[] = {
    OUTER_ETH(0x0800),
    OUTER_IPV4(20 + 8 + 16 + TENANT_LEN, 17, 0xb250),
    BE16(GOLDEN_SPORT), BE16(6635), BE16(8 + 16 + TENANT_LEN), BE16(0),
    /* transport label 2000; ELI (7) and the EL with TTL 0 (RFC 6790 4.2)
     * above the service label 1003 (bottom) */
    LSE(2000, 0, 64), LSE(7, 0, 64), LSE(GOLDEN_EL, 0, 0), LSE(1003, 1, 64),
};
static const uint8_t golden_mpls_gre_cw[] = {
    OUTER_ETH(0x0800),
    OUTER_IPV4(20 + 4 + 4 + 4 + TENANT_LEN, 47, 0xb23e),
    BE16(0x0000), BE16(0x8847),
    LSE(1001, 1, 64),
    /* control word (RFC 4448 4.6): first nibble 0, flags 0, frag 0,
     * length 0, sequence number 0 */
    BE32(0),
};
static const uint8_t golden_stt[] = {
    OUTER_ETH(0x0800),
    /* total = IPv4 20 + TCP 20 + STT 18 + tenant frame */
    OUTER_IPV4(20 + 20 + 18 + TENANT_LEN, 6, 0xb24d),
    /* TCP-like header (draft-davie-stt-08 3.2): source port (entropy),
     * destination 7471; sequence = STT frame length (18 + tenant) << 16 |
     * segment offset 0; acknowledgment = packet ID (uid 1); data offset
     * 5 / flags ACK|PSH (0x18); window 65535; checksum; urgent 0 */
    BE16(GOLDEN_SPORT), BE16(7471), BE16(18 + TENANT_LEN), BE16(0),
    BE32(1), 0x50, 0x18, BE16(0xffff), BE16(0x149f), BE16(0),
    /* STT header (3.1): version 0, flags 0, L4 offset 0, reserved 0,
     * MSS 0, PCP / V / VLAN 0, context ID 64 bits (the VNI), padding 16 */
    0x00, 0x00, 0x00, 0x00, BE16(0), BE16(0), BE32(0), BE32(5004), BE16(0),
};
static const uint8_t golden_vxlan6[] = {
    OUTER_ETH(0x86dd),
    /* IPv6 (RFC 8200 3): version 6 / traffic class 0 / flow label 0,
     * payload length, next header 17, hop limit 64, source
     * 2001:db8:1::1, destination 2001:db8:2::1 */
    BE32(0x60000000), BE16(8 + 8 + TENANT_LEN), 17, 64,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    /* UDP with its checksum (required over IPv6, RFC 8200 8.1) */
    BE16(GOLDEN_SPORT), BE16(4789), BE16(8 + 8 + TENANT_LEN), BE16(0x1a94),
    0x08, 0x00, 0x00, 0x00, BE24(5001), 0x00,
};

/* RFC 1071 internet checksum of 'len' bytes (even), written here apart
 * from wire.c's: the ones' complement of the ones' complement sum of the
 * 16-bit words. */
static uint16_t
rfc1071(const uint8_t *b, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (b[i] << 8 | b[i + 1]);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

#define INNER_PAYLOAD 1000
#define INNER_LEN (14 + 20 + 20 + INNER_PAYLOAD)

static struct nvo_pkt_pool pool;

static void
setup(void)
{
    nvo_pkt_pool_init(&pool);
}

static void
teardown(void)
{
    ck_assert_uint_eq(pool.n_live, 0);
    nvo_pkt_pool_destroy(&pool);
}

/* A tenant frame: Ethernet / IPv4 / TCP 40000>80 by default, or with the
 * given variation. */
struct inner_opts {
    bool ipv6;
    bool udp;
    uint16_t vlan;
    uint16_t sport;             /* 0 = 40000 */
    uint32_t src_ip4;           /* 0 = 10.0.0.1 */
    uint32_t payload;           /* 0 = INNER_PAYLOAD */
};

static struct nvo_pkt *
make_inner(const struct inner_opts *o)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec s = {
        .src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
        .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
        .vlan = o ? o->vlan : 0,
        .ipv6 = o && o->ipv6,
        .src_ip4 = o && o->src_ip4 ? o->src_ip4 : 0x0a000001,
        .dst_ip4 = 0x0a000002,
        .src_ip6 = { 0xfd, [15] = 1 },
        .dst_ip6 = { 0xfd, [15] = 2 },
        .proto = o && o->udp ? NVO_IPPROTO_UDP : NVO_IPPROTO_TCP,
        .sport = o && o->sport ? o->sport : 40000,
        .dport = 80,
        .tcp_seq = 1, .tcp_ack = 1,
    };
    p->payload_size = o && o->payload ? o->payload : INNER_PAYLOAD;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    return p;
}

static const uint8_t geneve_opt[] = { 0x01, 0x02, 0x80, 0x01,
                                      0xde, 0xad, 0xbe, 0xef };

/* The fixed outer configuration of the golden tests. */
static struct nvo_tunnel_cfg
base_cfg(bool ipv6)
{
    struct nvo_tunnel_cfg c = {
        .ipv6 = ipv6,
        .src_ip4 = 0xc0a80101, .dst_ip4 = 0xc0a80201,
        .src_ip6 = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, [15] = 1 },
        .dst_ip6 = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, [15] = 1 },
        .src_mac = { 0x02, 0xaa, 0, 0, 0, 0x01 },
        .dst_mac = { 0x02, 0xbb, 0, 0, 0, 0x01 },
        .vni = 5001,
        .labels = { 1001 },
        .n_labels = 1,
    };
    return c;
}

/* Configures 'c' for encapsulation 'name' as the golden and pcap tests
 * do: distinct VNI / VSID / label per encapsulation. */
static void
cfg_for(struct nvo_tunnel_cfg *c, const char *name)
{
    if (!strcmp(name, "vxlan")) {
        c->vni = 5001;
    } else if (!strcmp(name, "geneve")) {
        c->vni = 5002;
        memcpy(c->geneve_opts, geneve_opt, sizeof geneve_opt);
        c->geneve_opts_len = sizeof geneve_opt;
    } else if (!strcmp(name, "nvgre")) {
        c->vni = 5003;
    } else if (!strcmp(name, "stt")) {
        c->vni = 5004;
    } else if (!strcmp(name, "mpls-gre")) {
        c->labels[0] = 1001;
    } else if (!strcmp(name, "mpls-ip")) {
        c->labels[0] = 1002;
    } else if (!strcmp(name, "mpls-udp")) {
        c->labels[0] = 1003;
    } else if (!strcmp(name, "gre-udp")) {
        c->vni = 5010;
    } else if (!strcmp(name, "vxlan-gpe")) {
        c->vni = 5011;
    }
}

static struct nvo_tunnel
build(const char *name, const struct nvo_tunnel_cfg *cfg)
{
    struct nvo_tunnel t;
    const struct nvo_encap_ops *ops = nvo_encap_lookup(name);
    ck_assert_msg(ops != NULL, "no encapsulation %s", name);
    ck_assert_int_eq(nvo_tunnel_build(&t, ops, cfg), 0);
    return t;
}

/* ---- Golden bytes ------------------------------------------------------- */

START_TEST(test_golden)
{
    static const struct {
        const char *name;
        const uint8_t *golden;
        size_t len;
        bool ipv6, el;
        uint32_t expect_id;
    } cases[] = {
        { "vxlan", golden_vxlan, sizeof golden_vxlan, false, false, 5001 },
        { "geneve", golden_geneve, sizeof golden_geneve, false, false, 5002 },
        { "nvgre", golden_nvgre, sizeof golden_nvgre, false, false, 5003 },
        { "gre-udp", golden_greudp, sizeof golden_greudp, false, false,
          5010 },
        { "vxlan-gpe", golden_vxlan_gpe, sizeof golden_vxlan_gpe, false,
          false, 5011 },
        { "stt", golden_stt, sizeof golden_stt, false, false, 5004 },
        { "mpls-gre", golden_mpls_gre, sizeof golden_mpls_gre, false, false,
          1001 },
        { "mpls-ip", golden_mpls_ip, sizeof golden_mpls_ip, false, false,
          1002 },
        { "mpls-udp", golden_mpls_udp, sizeof golden_mpls_udp, false, false,
          1003 },
        { "mpls-udp", golden_mpls_udp_el, sizeof golden_mpls_udp_el, false,
          true, 1003 },
        { "vxlan", golden_vxlan6, sizeof golden_vxlan6, true, false, 5001 },
        { "mpls-gre", golden_mpls_gre_cw, sizeof golden_mpls_gre_cw, false,
          false, 1001 },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        /* A fresh pool, so the packet's uid (STT packet ID) is 1. */
        nvo_pkt_pool_destroy(&pool);
        nvo_pkt_pool_init(&pool);
        struct nvo_tunnel_cfg c = base_cfg(cases[i].ipv6);
        cfg_for(&c, cases[i].name);
        if (cases[i].el) {
            c.labels[0] = 2000;
            c.labels[1] = 1003;
            c.n_labels = 2;
            c.entropy_label = true;
        }
        bool cw = cases[i].golden == golden_mpls_gre_cw;
        c.control_word = cw;
        struct nvo_tunnel t = build(cases[i].name, &c);
        ck_assert_uint_eq(t.hdr_len, cases[i].len);
        /* The expected IPv4 header checksums are right. */
        if (!cases[i].ipv6) {
            ck_assert_uint_eq(rfc1071(cases[i].golden + 14, 20), 0);
        }
        struct nvo_pkt *p = make_inner(NULL);
        ck_assert_uint_eq(p->uid, 1);
        t.ops->push(&t, p);
        ck_assert_uint_eq(p->size, cases[i].len + 54);
        ck_assert_uint_eq(nvo_pkt_len(p), cases[i].len + INNER_LEN);
        for (size_t j = 0; j < cases[i].len; j++) {
            ck_assert_msg(p->data[j] == cases[i].golden[j],
                          "%s%s: byte %zu is 0x%02x, expected 0x%02x",
                          cases[i].name, cases[i].el ? "+el" : "", j,
                          p->data[j], cases[i].golden[j]);
        }
        uint32_t id = 0;
        ck_assert_int_eq(nvo_tunnel_pop(&t, p, &id), 0);
        ck_assert_uint_eq(id, cases[i].expect_id);
        /* The tenant frame is back, from its first byte. */
        ck_assert_uint_eq(nvo_pkt_len(p), INNER_LEN);
        ck_assert_uint_eq(p->data[0], 0x02);
        ck_assert_uint_eq(p->data[5], 0x02);
        nvo_pkt_free(p);
    }
}
END_TEST

/* ---- Overheads (protocols.md) ------------------------------------------- */

/* Fills 'len' bytes of valid Geneve options (TLVs of up to 124 bytes of
 * data). */
static void
fill_geneve_opts(struct nvo_tunnel_cfg *c, size_t len)
{
    size_t ofs = 0;
    while (ofs < len) {
        size_t data = NVO_MIN(len - ofs - 4, (size_t) NVO_GENEVE_OPT_DATA_MAX);
        uint8_t data_bytes[NVO_GENEVE_OPT_DATA_MAX];
        memset(data_bytes, 0x5a, sizeof data_bytes);
        struct nvo_geneve_opt_info o = {
            .opt_class = 0xffff, .type = 1, .data_len = (uint8_t) data,
            .data = data_bytes,
        };
        nvo_geneve_opt_encode(c->geneve_opts + ofs, &o);
        ofs += 4 + data;
    }
    c->geneve_opts_len = (uint16_t) len;
}

START_TEST(test_overhead)
{
    /* Over IPv4 without VLAN, from protocols.md; IPv6 adds 20, an outer
     * 802.1Q tag 4; MPLS 4 per label, 8 for ELI + EL, 4 for the control
     * word (so mpls-gre with one label and a control word: 42 over IPv4,
     * 62 over IPv6). */
    static const struct {
        const char *name;
        uint32_t v4, v6;
    } base[] = {
        { "vxlan", 50, 70 }, { "nvgre", 42, 62 }, { "stt", 72, 92 },
        { "geneve", 50, 70 }, { "gre-udp", 50, 70 }, { "vxlan-gpe", 50, 70 },
        /* + 4n, + 8 with an entropy label */
        { "mpls-ip", 34, 54 }, { "mpls-gre", 38, 58 }, { "mpls-udp", 42, 62 },
    };
    static const size_t geneve_o[] = { 0, 4, 8, 128, 252 };
    static const uint8_t mpls_n[] = { 1, 2, 3, 8 };

    for (size_t i = 0; i < NVO_ARRAY_SIZE(base); i++) {
        bool geneve = !strcmp(base[i].name, "geneve");
        bool mpls = !strncmp(base[i].name, "mpls", 4);
        size_t n_var = geneve ? NVO_ARRAY_SIZE(geneve_o)
                       : mpls ? 4 * NVO_ARRAY_SIZE(mpls_n) : 1;
        for (int v6 = 0; v6 <= 1; v6++) {
            for (int vlan = 0; vlan <= 1; vlan++) {
                for (size_t k = 0; k < n_var; k++) {
                    struct nvo_tunnel_cfg c = base_cfg(v6);
                    cfg_for(&c, base[i].name);
                    c.vlan = vlan ? 100 : 0;
                    uint32_t expect = (v6 ? base[i].v6 : base[i].v4)
                                      + (vlan ? 4 : 0);
                    if (geneve) {
                        fill_geneve_opts(&c, geneve_o[k]);
                        expect += (uint32_t) geneve_o[k];
                    } else if (mpls) {
                        uint8_t n = mpls_n[k / 4];
                        c.n_labels = n;
                        for (uint8_t j = 0; j < n; j++) {
                            c.labels[j] = 100 + j;
                        }
                        c.entropy_label = k % 2;
                        /* The RFC 4448 control word adds 4 bytes. */
                        c.control_word = k / 2 % 2;
                        expect += 4u * n + (c.entropy_label ? 8 : 0)
                                  + (c.control_word ? 4 : 0);
                    }
                    struct nvo_tunnel t = build(base[i].name, &c);
                    ck_assert_msg(nvo_tunnel_overhead(&t) == expect,
                                  "%s v6=%d vlan=%d var=%zu: %u, expected %u",
                                  base[i].name, v6, vlan, k,
                                  nvo_tunnel_overhead(&t), expect);
                    struct nvo_pkt *p = make_inner(NULL);
                    t.ops->push(&t, p);
                    ck_assert_uint_eq(nvo_pkt_len(p), INNER_LEN + expect);
                    nvo_pkt_free(p);
                }
            }
        }
    }
}
END_TEST

/* ---- Push / pop round trips --------------------------------------------- */

struct snapshot {
    uint8_t bytes[256];
    uint32_t size, payload_size;
    uint16_t ofs[6];
    uint16_t data_ofs;
};

static void
snap(const struct nvo_pkt *p, struct snapshot *s)
{
    ck_assert_uint_le(p->size, sizeof s->bytes);
    memcpy(s->bytes, p->data, p->size);
    s->size = p->size;
    s->payload_size = p->payload_size;
    s->ofs[0] = p->l2_ofs;
    s->ofs[1] = p->l3_ofs;
    s->ofs[2] = p->l4_ofs;
    s->ofs[3] = p->inner_l2_ofs;
    s->ofs[4] = p->inner_l3_ofs;
    s->ofs[5] = p->inner_l4_ofs;
    s->data_ofs = nvo_pkt_data_ofs(p);
}

static void
assert_same(const struct nvo_pkt *p, const struct snapshot *s,
            const char *what)
{
    struct snapshot now;
    snap(p, &now);
    ck_assert_msg(now.size == s->size && now.payload_size == s->payload_size
                  && now.data_ofs == s->data_ofs
                  && !memcmp(now.bytes, s->bytes, s->size)
                  && !memcmp(now.ofs, s->ofs, sizeof s->ofs),
                  "%s: packet changed", what);
}

START_TEST(test_round_trip)
{
    static const struct inner_opts inners[] = {
        { .payload = INNER_PAYLOAD },
        { .ipv6 = true, .udp = true, .vlan = 42, .payload = 1 },
    };
    for (size_t e = 0; nvo_encaps[e]; e++) {
        const char *name = nvo_encaps[e]->name;
        for (int v6 = 0; v6 <= 1; v6++) {
            for (int vlan = 0; vlan <= 1; vlan++) {
                for (int el = 0; el <= (!strncmp(name, "mpls", 4)); el++) {
                    for (size_t k = 0; k < NVO_ARRAY_SIZE(inners); k++) {
                        struct nvo_tunnel_cfg c = base_cfg(v6);
                        cfg_for(&c, name);
                        c.vlan = vlan ? 7 : 0;
                        c.entropy_label = el;
                        struct nvo_tunnel t = build(name, &c);
                        struct nvo_pkt *p = make_inner(&inners[k]);
                        struct snapshot before;
                        snap(p, &before);
                        uint32_t inner_len = nvo_pkt_len(p);

                        t.ops->push(&t, p);
                        ck_assert_uint_eq(nvo_pkt_len(p),
                                          inner_len + t.hdr_len);
                        /* Outer offsets set, inner = the old outer ones. */
                        ck_assert_uint_eq(p->l2_ofs, nvo_pkt_data_ofs(p));
                        ck_assert_uint_eq(p->l3_ofs, p->l2_ofs + t.l3_ofs);
                        ck_assert_uint_eq(p->l4_ofs, p->l2_ofs + t.l4_ofs);
                        ck_assert_uint_eq(p->inner_l2_ofs, before.ofs[0]);
                        ck_assert_uint_eq(p->inner_l3_ofs, before.ofs[1]);
                        ck_assert_uint_eq(p->inner_l4_ofs, before.ofs[2]);
                        ck_assert_mem_eq(p->data + t.hdr_len, before.bytes,
                                         before.size);

                        uint32_t id = 0;
                        ck_assert_int_eq(t.ops->pop(p, &id), 0);
                        uint32_t expect = !strcmp(name, "mpls-gre") ? 1001
                                          : !strcmp(name, "mpls-ip") ? 1002
                                          : !strcmp(name, "mpls-udp") ? 1003
                                          : c.vni;
                        ck_assert_uint_eq(id, expect);
                        assert_same(p, &before, name);
                        nvo_pkt_free(p);
                    }
                }
            }
        }
    }
}
END_TEST

/* ---- Pop rejects, leaving the packet unchanged -------------------------- */

typedef void corrupt_fn(struct nvo_pkt *, const struct nvo_tunnel *);

static void
corrupt_truncate(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    p->size = t->hdr_len - 1;
}

static void
corrupt_ipv4_csum(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    p->data[t->l3_ofs + 10] ^= 0x01;
}

static void
corrupt_ip_len(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    (void) t;
    p->payload_size++;          /* wire longer than the IP length says */
}

static void
corrupt_ip_version(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    p->data[t->l3_ofs] = (uint8_t) ((p->data[t->l3_ofs] & 0x0f) | 0x50);
}

static void
corrupt_fragment(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    uint8_t *ip = p->data + t->l3_ofs;
    ip[6] = 0x20;               /* MF */
    ip[10] = ip[11] = 0;
    nvo_wr16(ip + 10, nvo_inet_csum(ip, 20));
}

static void
corrupt_ethertype(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    nvo_wr16(p->data + t->l3_ofs - 2, NVO_ETH_TYPE_ARP);
}

static void
corrupt_l4_byte(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    /* The byte after the UDP/TCP/GRE header (or the first label). */
    size_t ofs = t->l4_ofs;
    uint8_t proto = p->data[t->l3_ofs + (t->cfg.ipv6 ? 6 : 9)];
    ofs += proto == NVO_IPPROTO_UDP ? 8 : proto == NVO_IPPROTO_TCP ? 20
           : proto == NVO_IPPROTO_GRE ? 4 : 0;
    p->data[ofs] ^= 0xff;
}

static void
corrupt_gre_flags(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    p->data[t->l4_ofs] ^= 0x80;  /* C */
}

static void
corrupt_mpls_no_bottom(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    /* The stack then runs into the inner Ethernet header, whose third
     * word (00 00 00 01) is label 0: reserved. */
    p->data[t->l4_ofs + 2] &= 0xfe;
}

static void
corrupt_dport(struct nvo_pkt *p, const struct nvo_tunnel *t)
{
    p->data[t->l4_ofs + 3] ^= 0x01;
}

START_TEST(test_pop_rejects)
{
    static const struct {
        const char *what;
        corrupt_fn *fn;
        int error;
        bool only_v4;
    } corruptions[] = {
        { "truncated", corrupt_truncate, EBADMSG, false },
        { "IP length", corrupt_ip_len, EBADMSG, false },
        { "IP version", corrupt_ip_version, EBADMSG, false },
        { "ethertype", corrupt_ethertype, EPROTONOSUPPORT, false },
        { "IPv4 checksum", corrupt_ipv4_csum, EBADMSG, true },
        { "IPv4 fragment", corrupt_fragment, EBADMSG, true },
    };
    for (size_t e = 0; nvo_encaps[e]; e++) {
        const char *name = nvo_encaps[e]->name;
        for (int v6 = 0; v6 <= 1; v6++) {
            for (size_t k = 0; k < NVO_ARRAY_SIZE(corruptions); k++) {
                if (corruptions[k].only_v4 && v6) {
                    continue;
                }
                struct nvo_tunnel_cfg c = base_cfg(v6);
                cfg_for(&c, name);
                struct nvo_tunnel t = build(name, &c);
                struct nvo_pkt *p = make_inner(NULL);
                t.ops->push(&t, p);
                corruptions[k].fn(p, &t);
                struct snapshot before;
                snap(p, &before);
                uint32_t id = 12345;
                int error = t.ops->pop(p, &id);
                ck_assert_msg(error == corruptions[k].error,
                              "%s v6=%d %s: pop returned %d", name, v6,
                              corruptions[k].what, error);
                ck_assert_uint_eq(id, 12345);
                assert_same(p, &before, name);
                nvo_pkt_free(p);
            }
        }
    }

    /* Each pop refuses the others' frames. */
    for (size_t e = 0; nvo_encaps[e]; e++) {
        for (size_t f = 0; nvo_encaps[f]; f++) {
            if (e == f) {
                continue;
            }
            struct nvo_tunnel_cfg c = base_cfg(false);
            cfg_for(&c, nvo_encaps[e]->name);
            struct nvo_tunnel t = build(nvo_encaps[e]->name, &c);
            struct nvo_pkt *p = make_inner(NULL);
            t.ops->push(&t, p);
            struct snapshot before;
            snap(p, &before);
            uint32_t id;
            int error = nvo_encaps[f]->pop(p, &id);
            ck_assert_msg(error == EPROTONOSUPPORT,
                          "%s popped a %s frame: %d", nvo_encaps[f]->name,
                          nvo_encaps[e]->name, error);
            assert_same(p, &before, nvo_encaps[f]->name);
            nvo_pkt_free(p);
        }
    }

    /* Encapsulation-specific damage. */
    static const struct {
        const char *name;
        bool v6;
        corrupt_fn *fn;
        int error;
    } specific[] = {
        { "vxlan", false, corrupt_l4_byte, EBADMSG },       /* I flag */
        { "vxlan", false, corrupt_dport, EPROTONOSUPPORT },
        { "geneve", false, corrupt_l4_byte, EBADMSG },      /* version */
        { "geneve", false, corrupt_dport, EPROTONOSUPPORT },
        { "nvgre", false, corrupt_gre_flags, EBADMSG },
        { "gre-udp", false, corrupt_l4_byte, EBADMSG },     /* GRE flags */
        { "gre-udp", false, corrupt_dport, EPROTONOSUPPORT },
        { "vxlan-gpe", false, corrupt_l4_byte, EBADMSG },   /* I, P flags */
        { "vxlan-gpe", false, corrupt_dport, EPROTONOSUPPORT },
        { "stt", false, corrupt_l4_byte, EBADMSG },         /* checksum */
        { "stt", false, corrupt_dport, EPROTONOSUPPORT },
        { "mpls-ip", false, corrupt_mpls_no_bottom, EBADMSG },
        { "mpls-udp", false, corrupt_dport, EPROTONOSUPPORT },
        { "vxlan", true, corrupt_l4_byte, EBADMSG },        /* UDP csum */
        { "mpls-udp", true, corrupt_l4_byte, EBADMSG },
    };
    for (size_t k = 0; k < NVO_ARRAY_SIZE(specific); k++) {
        struct nvo_tunnel_cfg c = base_cfg(specific[k].v6);
        cfg_for(&c, specific[k].name);
        struct nvo_tunnel t = build(specific[k].name, &c);
        struct nvo_pkt *p = make_inner(NULL);
        t.ops->push(&t, p);
        specific[k].fn(p, &t);
        struct snapshot before;
        snap(p, &before);
        uint32_t id;
        int error = t.ops->pop(p, &id);
        ck_assert_msg(error == specific[k].error, "%s case %zu: pop gave %d",
                      specific[k].name, k, error);
        assert_same(p, &before, specific[k].name);
        nvo_pkt_free(p);
    }

    /* A zero UDP checksum is fine over IPv4, refused over IPv6; a
     * reserved label in the stack is refused; an ELI at the bottom too. */
    struct nvo_tunnel_cfg c = base_cfg(true);
    struct nvo_tunnel t = build("vxlan", &c);
    struct nvo_pkt *p = make_inner(NULL);
    t.ops->push(&t, p);
    nvo_wr16(p->data + t.l4_ofs + 6, 0);
    uint32_t id;
    ck_assert_int_eq(t.ops->pop(p, &id), EBADMSG);
    nvo_pkt_free(p);

    c = base_cfg(false);
    c.labels[0] = 1002;
    t = build("mpls-ip", &c);
    p = make_inner(NULL);
    t.ops->push(&t, p);
    struct nvo_mpls_info m = { .label = NVO_MPLS_LABEL_GAL, .bottom = true,
                               .ttl = 64 };
    nvo_mpls_encode(p->data + t.l4_ofs, &m);
    ck_assert_int_eq(t.ops->pop(p, &id), EBADMSG);
    m.label = NVO_MPLS_LABEL_ELI;
    nvo_mpls_encode(p->data + t.l4_ofs, &m);
    ck_assert_int_eq(t.ops->pop(p, &id), EBADMSG);
    m.label = 77777;
    nvo_mpls_encode(p->data + t.l4_ofs, &m);
    ck_assert_int_eq(t.ops->pop(p, &id), 0);
    ck_assert_uint_eq(id, 77777);
    nvo_pkt_free(p);
}
END_TEST

/* ---- Bad configurations ------------------------------------------------- */

START_TEST(test_bad_config)
{
    struct nvo_tunnel t;
    struct nvo_tunnel_cfg c;

    static const char *const vni_encaps[] = { "vxlan", "geneve", "nvgre",
                                              "gre-udp", "vxlan-gpe" };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(vni_encaps); i++) {
        const struct nvo_encap_ops *ops = nvo_encap_lookup(vni_encaps[i]);
        c = base_cfg(false);
        c.vni = 0x1000000;
        ck_assert_int_eq(nvo_tunnel_build(&t, ops, &c), EINVAL);
        c.vni = 0xffffff - (ops == &nvo_encap_nvgre_ops);
        ck_assert_int_eq(nvo_tunnel_build(&t, ops, &c), 0);
    }
    /* NVGRE reserved VSIDs (RFC 7637 3.2). */
    c = base_cfg(false);
    c.vni = 0xfff;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_nvgre_ops, &c), EINVAL);
    c.vni = 0xffffff;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_nvgre_ops, &c), EINVAL);
    c.vni = 0x1000;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_nvgre_ops, &c), 0);
    /* STT: the context is 64 bits; any VNI. */
    c = base_cfg(false);
    c.vni = 0xffffffff;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_stt_ops, &c), 0);

    /* MPLS: reserved labels, over 20 bits, none, too many. */
    static const uint32_t bad_labels[] = { 0, 2, 3, 7, 13, 15, 0x100000 };
    for (size_t e = 0; nvo_encaps[e]; e++) {
        if (strncmp(nvo_encaps[e]->name, "mpls", 4)) {
            continue;
        }
        for (size_t i = 0; i < NVO_ARRAY_SIZE(bad_labels); i++) {
            c = base_cfg(false);
            c.labels[0] = bad_labels[i];
            ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), EINVAL);
            c.labels[0] = 16;
            c.labels[1] = bad_labels[i];
            c.n_labels = 2;
            ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), EINVAL);
        }
        c = base_cfg(false);
        c.labels[0] = 0xfffff;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), 0);
        c.n_labels = 0;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), EINVAL);
        c.n_labels = 9;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), EINVAL);
    }

    /* Geneve options: not a multiple of 4, too long, not whole TLVs. */
    c = base_cfg(false);
    c.vni = 1;
    memcpy(c.geneve_opts, geneve_opt, sizeof geneve_opt);
    c.geneve_opts_len = 6;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_geneve_ops, &c), EINVAL);
    c.geneve_opts_len = 4;      /* option says 1 word of data, none there */
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_geneve_ops, &c), EINVAL);
    c.geneve_opts_len = 256;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_geneve_ops, &c), EINVAL);
    fill_geneve_opts(&c, 252);
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_geneve_ops, &c), 0);

    /* Source port ranges and VLAN, for every encapsulation. */
    for (size_t e = 0; nvo_encaps[e]; e++) {
        c = base_cfg(false);
        cfg_for(&c, nvo_encaps[e]->name);
        c.sport_min = 2000;
        c.sport_max = 1999;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), EINVAL);
        c.sport_min = 0;
        c.sport_max = 1999;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), EINVAL);
        c.sport_min = 1999;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), 0);
        c.vlan = 4095;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), EINVAL);
        c.vlan = 4094;
        ck_assert_int_eq(nvo_tunnel_build(&t, nvo_encaps[e], &c), 0);
        ck_assert_uint_eq(t.cfg.ttl, 64);
    }
}
END_TEST

/* ---- Entropy ------------------------------------------------------------ */

/* The entropy value of a pushed frame: source port, FlowID or EL. */
static uint32_t
entropy_of(const struct nvo_tunnel *t, const struct nvo_pkt *p)
{
    const uint8_t *l4 = p->data + t->l4_ofs;
    if (t->cfg.entropy_label) {
        size_t stack = !strcmp(t->ops->name, "mpls-udp") ? 8
                       : !strcmp(t->ops->name, "mpls-gre") ? 4 : 0;
        struct nvo_mpls_info eli, el;
        size_t n = t->cfg.n_labels;
        const uint8_t *eli_at = l4 + stack + 4 * (n - 1);
        ck_assert_int_eq(nvo_mpls_decode(eli_at, 4, &eli), 0);
        ck_assert_int_eq(nvo_mpls_decode(l4 + stack + 4 * n, 4, &el), 0);
        ck_assert_uint_eq(eli.label, NVO_MPLS_LABEL_ELI);
        ck_assert_uint_eq(eli.ttl, t->cfg.ttl);
        ck_assert(!eli.bottom);
        ck_assert_uint_eq(el.ttl, 0);
        ck_assert(!el.bottom);
        return el.label;
    }
    switch (t->ops->entropy) {
    case NVO_ENTROPY_UDP_SPORT:
    case NVO_ENTROPY_TCP_SPORT:
        return nvo_rd16(l4);
    case NVO_ENTROPY_GRE_KEY:
        return l4[7];
    case NVO_ENTROPY_NONE:
    case NVO_ENTROPY_MPLS_EL:
        break;
    }
    return 0;
}

START_TEST(test_entropy)
{
    static const struct {
        const char *name;
        bool el;
        uint16_t sport_min, sport_max;
        uint32_t lo, hi;            /* expected range */
        unsigned int min_distinct;  /* of 1000 flows */
    } cases[] = {
        { "vxlan", false, 0, 0, 49152, 65535, 940 },
        { "vxlan", false, 10000, 10009, 10000, 10009, 10 },
        { "vxlan", false, 4789, 4789, 4789, 4789, 1 },
        { "geneve", false, 0, 0, 49152, 65535, 940 },
        { "geneve", false, 1, 65535, 1, 65535, 985 },
        { "stt", false, 0, 0, 49152, 65535, 940 },
        { "mpls-udp", false, 0, 0, 49152, 65535, 940 },
        { "mpls-udp", false, 20000, 20255, 20000, 20255, 240 },
        /* RFC 8086 3.2.1: 49152-65535; 1024-65535 when controlled. */
        { "gre-udp", false, 0, 0, 49152, 65535, 940 },
        { "gre-udp", false, 1024, 65535, 1024, 65535, 940 },
        { "vxlan-gpe", false, 0, 0, 49152, 65535, 940 },
        { "nvgre", false, 0, 0, 0, 255, 240 },
        { "mpls-ip", true, 0, 0, 16, 0xfffff, 995 },
        { "mpls-gre", true, 0, 0, 16, 0xfffff, 995 },
        { "mpls-udp", true, 0, 0, 16, 0xfffff, 995 },
    };
    static uint8_t seen[0x100000];
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        struct nvo_tunnel_cfg c = base_cfg(i % 2);
        cfg_for(&c, cases[i].name);
        c.sport_min = cases[i].sport_min;
        c.sport_max = cases[i].sport_max;
        c.entropy_label = cases[i].el;
        if (cases[i].el) {
            c.labels[1] = 500;
            c.n_labels = 2;
        }
        struct nvo_tunnel t = build(cases[i].name, &c);
        if (t.ops->entropy == NVO_ENTROPY_UDP_SPORT
            || t.ops->entropy == NVO_ENTROPY_TCP_SPORT) {
            /* The defaults are applied to the tunnel's copy. */
            ck_assert_uint_eq(t.cfg.sport_min,
                              cases[i].sport_min ? cases[i].sport_min
                                                 : 49152);
            ck_assert_uint_eq(t.cfg.sport_max,
                              cases[i].sport_max ? cases[i].sport_max : 65535);
        }
        memset(seen, 0, sizeof seen);
        unsigned int distinct = 0;
        for (uint32_t f = 0; f < 1000; f++) {
            /* Flows differ in source port and address. */
            struct inner_opts o = { .sport = (uint16_t) (1024 + f * 7),
                                    .src_ip4 = 0x0a000000 + f % 13 + 1 };
            struct nvo_pkt *p = make_inner(&o);
            struct nvo_pkt *q = make_inner(&o);
            q->payload_size = 17;   /* same flow, other size */
            t.ops->push(&t, p);
            t.ops->push(&t, q);
            uint32_t x = entropy_of(&t, p);
            ck_assert_msg(x == entropy_of(&t, q), "%s: unstable for a flow",
                          cases[i].name);
            ck_assert_msg(x >= cases[i].lo && x <= cases[i].hi,
                          "%s: %u out of range", cases[i].name, x);
            if (!seen[x]) {
                seen[x] = 1;
                distinct++;
            }
            nvo_pkt_free(p);
            nvo_pkt_free(q);
        }
        ck_assert_msg(distinct >= cases[i].min_distinct,
                      "%s case %zu: %u distinct of 1000 flows",
                      cases[i].name, i, distinct);
    }

    /* The hash basis changes the port of a flow. */
    struct nvo_tunnel_cfg c = base_cfg(false);
    struct nvo_tunnel a = build("vxlan", &c);
    c.hash_basis = 0x9e3779b9;
    struct nvo_tunnel b = build("vxlan", &c);
    struct nvo_pkt *p = make_inner(NULL), *q = make_inner(NULL);
    a.ops->push(&a, p);
    b.ops->push(&b, q);
    ck_assert_uint_eq(entropy_of(&a, p), 59840);
    ck_assert_uint_ne(entropy_of(&b, q), 59840);
    nvo_pkt_free(p);
    nvo_pkt_free(q);

    /* MPLS in IP / GRE without EL: no entropy; the outer header is the
     * same for every flow. */
    static const char *const none[] = { "mpls-ip", "mpls-gre" };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(none); i++) {
        c = base_cfg(false);
        struct nvo_tunnel t = build(none[i], &c);
        ck_assert_int_eq(nvo_tunnel_entropy(&t), NVO_ENTROPY_NONE);
        struct inner_opts o1 = { .sport = 1111 }, o2 = { .sport = 2222 };
        p = make_inner(&o1);
        q = make_inner(&o2);
        t.ops->push(&t, p);
        t.ops->push(&t, q);
        ck_assert_mem_eq(p->data, q->data, t.hdr_len);
        nvo_pkt_free(p);
        nvo_pkt_free(q);
        c.entropy_label = true;
        t = build(none[i], &c);
        ck_assert_int_eq(nvo_tunnel_entropy(&t), NVO_ENTROPY_MPLS_EL);
    }
}
END_TEST

/* ---- STT segmentation --------------------------------------------------- */

static void
check_segments(uint32_t inner_len, bool ipv6, uint32_t mtu)
{
    struct nvo_tunnel_cfg c = base_cfg(ipv6);
    cfg_for(&c, "stt");
    struct nvo_tunnel t = build("stt", &c);
    struct inner_opts o = { .payload = inner_len - 54 };
    struct nvo_pkt *p = make_inner(&o);
    ck_assert_uint_eq(nvo_pkt_len(p), inner_len);
    t.ops->push(&t, p);
    uint64_t uid = p->uid;
    uint32_t frame = inner_len + NVO_STT_LEN;
    uint32_t ip_hdrs = (ipv6 ? 40 : 20) + 20;
    uint32_t mss = mtu - ip_hdrs;
    size_t n_expect = (frame + mss - 1) / mss;
    uint32_t l2 = 14, first_ovh = ipv6 ? 92 : 72, later_ovh = ipv6 ? 74 : 54;
    ck_assert_uint_eq(t.hdr_len, first_ovh);

    struct nvo_pkt *segs[64];
    /* Too few slots: nothing happens. */
    struct snapshot before;
    snap(p, &before);
    ck_assert_uint_eq(nvo_stt_segment(p, mtu, segs, n_expect - 1), 0);
    assert_same(p, &before, "stt");
    ck_assert_uint_eq(nvo_stt_segment(p, ip_hdrs + 17, segs, 64), 0);

    size_t n = nvo_stt_segment(p, mtu, segs, 64);
    ck_assert_uint_eq(n, n_expect);
    ck_assert_ptr_eq(segs[0], p);
    uint32_t total = 0;
    for (size_t i = 0; i < n; i++) {
        struct nvo_pkt *s = segs[i];
        uint32_t ofs = (uint32_t) i * mss;
        uint32_t len = NVO_MIN(mss, frame - ofs);
        uint32_t ovh = i ? later_ovh : first_ovh;
        /* Wire size: headers + this segment's part of the frame. */
        ck_assert_uint_eq(nvo_pkt_len(s), l2 + ip_hdrs + len);
        ck_assert_uint_le(nvo_pkt_len(s) - l2, mtu);
        ck_assert_uint_eq(s->stt_segment, i + 1);
        ck_assert_uint_eq(s->l2_ofs, nvo_pkt_data_ofs(s));
        total += len - (i ? 0 : NVO_STT_LEN);
        (void) ovh;

        const uint8_t *ip = s->data + l2;
        const uint8_t *tcp = ip + ip_hdrs - 20;
        if (ipv6) {
            struct nvo_ipv6_info h;
            ck_assert_int_eq(nvo_ipv6_decode(ip, 40, &h), 0);
            ck_assert_uint_eq(h.payload_len, 20 + len);
        } else {
            struct nvo_ipv4_info h;
            ck_assert_int_eq(nvo_ipv4_decode(ip, 20, &h), 0);
            ck_assert_uint_eq(h.tot_len, 40 + len);
            ck_assert(nvo_ipv4_csum_ok(ip, 20));
        }
        struct nvo_stt_tcp_info th;
        ck_assert_int_eq(nvo_stt_tcp_decode(tcp, 20, &th), 0);
        ck_assert_uint_eq(th.frame_len, frame);
        ck_assert_uint_eq(th.seg_ofs, ofs);
        ck_assert_uint_eq(th.pkt_id, (uint32_t) uid);
        ck_assert_uint_eq(th.dport, NVO_PORT_STT);
        ck_assert_uint_eq(th.sport, nvo_rd16(segs[0]->data + l2
                                              + ip_hdrs - 20));
        ck_assert_uint_eq(nvo_l4_csum(ip, NVO_IPPROTO_TCP, tcp,
                                      s->size - (l2 + ip_hdrs - 20),
                                      20 + len), 0);
        if (i == 0) {
            struct nvo_stt_info st;
            ck_assert_int_eq(nvo_stt_decode(tcp + 20, 18, &st), 0);
            ck_assert(st.context == 5004);
        } else {
            ck_assert_uint_eq(s->size, l2 + ip_hdrs);
            ck_assert_uint_eq(s->inner_l2_ofs, NVO_PKT_OFS_NONE);
        }
    }
    ck_assert_uint_eq(total, inner_len);
    ck_assert_uint_eq(segs[0]->size, first_ovh + 54);
    /* Later segments do not pop; the first pops as the whole inner frame
     * (reassembly is not modelled). */
    uint32_t id = 0;
    for (size_t i = 1; i < n; i++) {
        struct snapshot seg;
        snap(segs[i], &seg);
        ck_assert_int_eq(t.ops->pop(segs[i], &id), EBADMSG);
        assert_same(segs[i], &seg, "stt segment");
    }
    ck_assert_int_eq(t.ops->pop(segs[0], &id), 0);
    ck_assert_uint_eq(id, 5004);
    ck_assert_uint_eq(nvo_pkt_len(segs[0]), inner_len);
    ck_assert_uint_eq(segs[0]->size, 54);
    ck_assert_uint_eq(segs[0]->stt_segment, 0);
    ck_assert_uint_eq(segs[0]->l3_ofs, segs[0]->l2_ofs + 14);
    ck_assert_uint_eq(segs[0]->l4_ofs, segs[0]->l2_ofs + 34);
    for (size_t i = 0; i < n; i++) {
        nvo_pkt_free(segs[i]);
    }
}

START_TEST(test_stt_segment)
{
    /* 9000-byte inner frame: STT frame 9018 bytes in ceil(9018/1460) = 7
     * segments; the last carries 9018 - 6 * 1460 = 258. */
    check_segments(9000, false, 1500);
    /* 64 KB: the largest inner frame, STT frame 65535 bytes, 45 segments
     * (44 * 1460 + 1295). */
    check_segments(65517, false, 1500);
    check_segments(9000, true, 1500);
    check_segments(9000, false, 9000);      /* fits: one segment */
    check_segments(1442, false, 1500);      /* exactly one full segment */
    check_segments(1443, false, 1500);      /* one byte more: two */

    /* Not an STT frame: nothing. */
    struct nvo_tunnel_cfg c = base_cfg(false);
    struct nvo_tunnel t = build("vxlan", &c);
    struct nvo_pkt *p = make_inner(NULL);
    struct nvo_pkt *segs[4];
    t.ops->push(&t, p);
    ck_assert_uint_eq(nvo_stt_segment(p, 1500, segs, 4), 0);
    nvo_pkt_free(p);
}
END_TEST

START_TEST(test_stt_segment_exact)
{
    /* Pin the exact numbers of the 9000-byte case. */
    struct nvo_tunnel_cfg c = base_cfg(false);
    cfg_for(&c, "stt");
    struct nvo_tunnel t = build("stt", &c);
    struct inner_opts o = { .payload = 9000 - 54 };
    struct nvo_pkt *p = make_inner(&o);
    t.ops->push(&t, p);
    struct nvo_pkt *segs[8];
    ck_assert_uint_eq(nvo_stt_segment(p, 1500, segs, 8), 7);
    static const uint32_t wire[] = { 1514, 1514, 1514, 1514, 1514, 1514,
                                     312 };
    static const uint32_t seq[] = {
        9018u << 16 | 0, 9018u << 16 | 1460, 9018u << 16 | 2920,
        9018u << 16 | 4380, 9018u << 16 | 5840, 9018u << 16 | 7300,
        9018u << 16 | 8760,
    };
    for (size_t i = 0; i < 7; i++) {
        ck_assert_uint_eq(nvo_pkt_len(segs[i]), wire[i]);
        ck_assert_uint_eq(nvo_rd32(segs[i]->data + 34 + 4), seq[i]);
        ck_assert_uint_eq(nvo_rd32(segs[i]->data + 34 + 8), 1);
    }
    /* Overheads: 72 on the first (1514 - 1442 inner bytes), 54 later. */
    ck_assert_uint_eq(wire[0] - (1460 - NVO_STT_LEN), 72);
    ck_assert_uint_eq(wire[1] - 1460, 54);

    char line[512];
    nvo_wire_summary(segs[1], line, sizeof line);
    ck_assert_str_eq(line, "eth 02:aa:00:00:00:01>02:bb:00:00:00:01 "
                     "ipv4 192.168.1.1>192.168.2.1 tcp 59840>7471 "
                     "stt seg off=1460/9018 id=0x1 len=1514");
    for (size_t i = 0; i < 7; i++) {
        nvo_pkt_free(segs[i]);
    }
}
END_TEST

/* ---- Summaries and registry --------------------------------------------- */

START_TEST(test_summary)
{
    static const struct {
        const char *name;
        bool el;
        const char *expect;
    } cases[] = {
        { "vxlan", false, "udp 59840>4789 vxlan vni=5001 |" },
        { "geneve", false, "udp 59840>6081 geneve vni=5002 opts=8 |" },
        { "nvgre", false, "nvgre vsid=5003 flowid=190 |" },
        { "gre-udp", false,
          "udp 59840>4754 gre-udp proto=0x6558 key=0x00139200 |" },
        { "vxlan-gpe", false, "udp 59840>4790 vxlan-gpe vni=5011 |" },
        { "stt", false, "tcp 59840>7471 stt ctx=5004 |" },
        { "mpls-gre", false, "gre proto=0x8847 mpls 1001 |" },
        { "mpls-ip", false, "mpls 1002 |" },
        { "mpls-udp", false, "udp 59840>6635 mpls 1003 |" },
        { "mpls-udp", true, "udp 59840>6635 mpls 2000,7,684078,1003 |" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        nvo_pkt_pool_destroy(&pool);
        nvo_pkt_pool_init(&pool);
        struct nvo_tunnel_cfg c = base_cfg(false);
        cfg_for(&c, cases[i].name);
        if (cases[i].el) {
            c.labels[0] = 2000;
            c.labels[1] = 1003;
            c.n_labels = 2;
            c.entropy_label = true;
        }
        struct nvo_tunnel t = build(cases[i].name, &c);
        struct nvo_pkt *p = make_inner(NULL);
        t.ops->push(&t, p);
        char line[512], expect[512];
        snprintf(expect, sizeof expect,
                 "eth 02:aa:00:00:00:01>02:bb:00:00:00:01 "
                 "ipv4 192.168.1.1>192.168.2.1 %s "
                 "eth 02:00:00:00:00:01>02:00:00:00:00:02 "
                 "ipv4 10.0.0.1>10.0.0.2 tcp 40000>80 len=%u",
                 cases[i].expect, nvo_pkt_len(p));
        size_t n = nvo_wire_summary(p, line, sizeof line);
        ck_assert_str_eq(line, expect);
        ck_assert_uint_eq(n, strlen(expect));
        nvo_pkt_free(p);
    }
    /* IPv6 outer with an 802.1Q tag. */
    struct nvo_tunnel_cfg c = base_cfg(true);
    c.vlan = 10;
    struct nvo_tunnel t = build("vxlan", &c);
    struct nvo_pkt *p = make_inner(NULL);
    t.ops->push(&t, p);
    char line[512];
    nvo_wire_summary(p, line, sizeof line);
    ck_assert_str_eq(line, "eth 02:aa:00:00:00:01>02:bb:00:00:00:01 vlan 10 "
                     "ipv6 2001:db8:1::1>2001:db8:2::1 udp 59840>4789 "
                     "vxlan vni=5001 | eth 02:00:00:00:00:01>"
                     "02:00:00:00:00:02 ipv4 10.0.0.1>10.0.0.2 "
                     "tcp 40000>80 len=1128");
    nvo_pkt_free(p);
}
END_TEST

/* The RFC 4448 control word: sent as 4 zero bytes after the bottom label,
 * stripped by a receiver that expects it, refused when its first nibble is
 * not 0 or it is missing; ignored by the non-MPLS encapsulations. */
START_TEST(test_control_word)
{
    static const char *const mpls[] = { "mpls-ip", "mpls-gre", "mpls-udp" };
    /* Offset of the label stack after Ethernet 14 + IPv4 20. */
    static const size_t stack_ofs[] = { 34, 38, 42 };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(mpls); i++) {
        for (int el = 0; el <= 1; el++) {
            struct nvo_tunnel_cfg c = base_cfg(false);
            c.labels[0] = 3000;
            c.n_labels = 1;
            c.entropy_label = el;
            c.control_word = true;
            struct nvo_tunnel t = build(mpls[i], &c);
            ck_assert_uint_eq(t.hdr_len, stack_ofs[i] + 4 + (el ? 8 : 0) + 4);
            struct nvo_pkt *p = make_inner(NULL);
            t.ops->push(&t, p);
            size_t cw = stack_ofs[i] + 4 + (el ? 8 : 0);
            ck_assert_uint_eq(nvo_rd32(p->data + cw - 4) & 0x100, 0x100);
            ck_assert_uint_eq(nvo_rd32(p->data + cw), 0);
            ck_assert_uint_eq(p->data[cw + 4], 0x02);   /* tenant dst MAC */
            /* The summary shows the word and decodes the frame after it. */
            char line[512];
            nvo_wire_summary(p, line, sizeof line);
            ck_assert_msg(strstr(line, "3000 cw | eth 02:00:00:00:00:01>"
                                 "02:00:00:00:00:02 ipv4 10.0.0.1>10.0.0.2")
                          != NULL, "%s", line);

            struct snapshot before;
            snap(p, &before);
            uint32_t id;
            /* First nibble 1 (an IPv4-looking payload): refused. */
            p->data[cw] = 0x10;
            ck_assert_int_eq(t.ops->pop_cw(p, &id), EBADMSG);
            p->data[cw] = 0x00;
            assert_same(p, &before, mpls[i]);
            ck_assert_int_eq(nvo_tunnel_pop(&t, p, &id), 0);
            ck_assert_uint_eq(id, 3000);
            ck_assert_uint_eq(nvo_pkt_len(p), INNER_LEN);
            ck_assert_uint_eq(p->data[0], 0x02);
            ck_assert_uint_eq(p->l3_ofs - p->l2_ofs, 14);
            nvo_pkt_free(p);

            /* A receiver that expects no control word takes the word as
             * the start of the frame: 4 bytes too many. */
            p = make_inner(NULL);
            t.ops->push(&t, p);
            ck_assert_int_eq(t.ops->pop(p, &id), 0);
            ck_assert_uint_eq(nvo_pkt_len(p), INNER_LEN + 4);
            nvo_pkt_free(p);
        }
    }
    /* The boundary: a well-formed packet with only 3 bytes after the
     * bottom label is refused, one with 4 (the word, nothing after it) is
     * not.  Built by hand: Ethernet, IPv4 (protocol 137, total length 20
     * + 4 + n, checksum computed), the label, n zero bytes. */
    for (uint32_t n = 3; n <= 4; n++) {
        struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
        uint8_t *b = nvo_pkt_put(p, 14 + 20 + 4 + n);
        memset(b, 0, 14 + 20 + 4 + n);
        b[12] = 0x08;                           /* EtherType IPv4 */
        b[14] = 0x45;
        b[17] = (uint8_t) (20 + 4 + n);         /* total length */
        b[20] = 0x40;                           /* DF */
        b[22] = 64;
        b[23] = 137;                            /* MPLS in IP */
        memcpy(b + 26, (const uint8_t[]) { 192, 168, 1, 1, 192, 168, 2, 1 },
               8);
        uint16_t sum = rfc1071(b + 14, 20);
        b[24] = (uint8_t) (sum >> 8);
        b[25] = (uint8_t) sum;
        memcpy(b + 34, (const uint8_t[]) { LSE(1001, 1, 64) }, 4);
        uint32_t id = 0;
        ck_assert_int_eq(nvo_encap_mpls_ip_ops.pop_cw(p, &id),
                         n < 4 ? EBADMSG : 0);
        ck_assert_uint_eq(id, n < 4 ? 0 : 1001);
        nvo_pkt_free(p);
    }
    /* The others have no control word: the option changes nothing. */
    static const char *const others[] = { "vxlan", "geneve", "nvgre", "stt" };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(others); i++) {
        struct nvo_tunnel_cfg o = base_cfg(false);
        cfg_for(&o, others[i]);
        struct nvo_tunnel plain = build(others[i], &o);
        o.control_word = true;
        struct nvo_tunnel with = build(others[i], &o);
        ck_assert_uint_eq(with.hdr_len, plain.hdr_len);
        ck_assert_ptr_null(with.ops->pop_cw);
    }
}
END_TEST

/* nvo_tunnel_entropy_value() reads the field nvo_tunnel_entropy() names:
 * the golden frame's values (see GOLDEN_*). */
START_TEST(test_entropy_value)
{
    static const struct {
        const char *name;
        bool el;
        int error;
        uint32_t value;
    } cases[] = {
        { "vxlan", false, 0, GOLDEN_SPORT },
        { "geneve", false, 0, GOLDEN_SPORT },
        { "stt", false, 0, GOLDEN_SPORT },
        { "mpls-udp", false, 0, GOLDEN_SPORT },
        { "mpls-udp", true, 0, GOLDEN_SPORT },  /* reports the port */
        { "gre-udp", false, 0, GOLDEN_SPORT },
        { "vxlan-gpe", false, 0, GOLDEN_SPORT },
        /* the whole key: VSID 5003 << 8 | FlowID */
        { "nvgre", false, 0, 5003u << 8 | GOLDEN_FLOWID },
        { "mpls-ip", true, 0, GOLDEN_EL },
        { "mpls-gre", true, 0, GOLDEN_EL },
        { "mpls-ip", false, ENOENT, 0 },
        { "mpls-gre", false, ENOENT, 0 },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        struct nvo_tunnel_cfg c = base_cfg(false);
        cfg_for(&c, cases[i].name);
        if (cases[i].el) {
            c.labels[0] = 2000;
            c.labels[1] = 1003;
            c.n_labels = 2;
            c.entropy_label = true;
        }
        struct nvo_tunnel t = build(cases[i].name, &c);
        struct nvo_pkt *p = make_inner(NULL);
        t.ops->push(&t, p);
        uint32_t v = 0;
        ck_assert_msg(nvo_tunnel_entropy_value(&t, p, &v) == cases[i].error,
                      "%s el=%d", cases[i].name, cases[i].el);
        ck_assert_msg(v == cases[i].value, "%s el=%d: %u, expected %u",
                      cases[i].name, cases[i].el, v, cases[i].value);
        nvo_pkt_free(p);
    }
}
END_TEST

START_TEST(test_registry)
{
    static const char *const names[] = {
        "vxlan", "nvgre", "stt", "geneve", "mpls-gre", "mpls-ip", "mpls-udp",
        "gre-udp", "vxlan-gpe",
    };
    static const enum nvo_entropy entropy[] = {
        NVO_ENTROPY_UDP_SPORT, NVO_ENTROPY_GRE_KEY, NVO_ENTROPY_TCP_SPORT,
        NVO_ENTROPY_UDP_SPORT, NVO_ENTROPY_NONE, NVO_ENTROPY_NONE,
        NVO_ENTROPY_UDP_SPORT, NVO_ENTROPY_UDP_SPORT, NVO_ENTROPY_UDP_SPORT,
    };
    size_t n = 0;
    while (nvo_encaps[n]) {
        ck_assert_str_eq(nvo_encaps[n]->name, names[n]);
        ck_assert_ptr_eq(nvo_encap_lookup(names[n]), nvo_encaps[n]);
        ck_assert_int_eq(nvo_encaps[n]->entropy, entropy[n]);
        n++;
    }
    ck_assert_uint_eq(n, 9);
    ck_assert_ptr_null(nvo_encap_lookup("vxlan-gbp"));
    ck_assert_ptr_null(nvo_encap_lookup(""));
    ck_assert_str_eq(nvo_entropy_name(NVO_ENTROPY_NONE), "none");
    ck_assert_str_eq(nvo_entropy_name(NVO_ENTROPY_UDP_SPORT), "udp-sport");
    ck_assert_str_eq(nvo_entropy_name(NVO_ENTROPY_TCP_SPORT), "tcp-sport");
    ck_assert_str_eq(nvo_entropy_name(NVO_ENTROPY_GRE_KEY), "gre-key");
    ck_assert_str_eq(nvo_entropy_name(NVO_ENTROPY_MPLS_EL), "mpls-el");
}
END_TEST

static Suite *
encap_suite(void)
{
    Suite *s = suite_create("encap");
    TCase *tc = tcase_create("encap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_golden);
    tcase_add_test(tc, test_control_word);
    tcase_add_test(tc, test_entropy_value);
    tcase_add_test(tc, test_overhead);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_pop_rejects);
    tcase_add_test(tc, test_bad_config);
    tcase_add_test(tc, test_entropy);
    tcase_add_test(tc, test_stt_segment);
    tcase_add_test(tc, test_stt_segment_exact);
    tcase_add_test(tc, test_summary);
    tcase_add_test(tc, test_registry);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(encap_suite());
}
