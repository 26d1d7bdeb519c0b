/* test_ecmp.c: ECMP hashing (ecmp.c): the hash functions against their
 * published test vectors, field extraction, the spread of many flows over
 * next hops against the balls-into-bins expectation, and which
 * encapsulations give a switch's 5-tuple hash any entropy. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "fabric/ecmp.h"
#include "overlay/encap.h"
#include "testutil.h"
#include "wire/wire.h"

static struct nvo_ecmp
hasher(enum nvo_hash_fn fn, uint32_t fields, uint32_t seed)
{
    struct nvo_ecmp e;
    struct nvo_ecmp_cfg cfg = { fn, fields, 256 };
    nvo_ecmp_init(&e, &cfg, seed);
    return e;
}

/* The CRC-32 bit by bit (reflected 0xEDB88320), as the definition says. */
static uint32_t
crc32_bitwise(const uint8_t *p, size_t n, uint32_t seed)
{
    uint32_t c = ~seed;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) {
            c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
        }
    }
    return ~c;
}

/* The table-driven CRC-32 (four bytes per step, then byte-wise) equals the
 * bit-wise one for every length 0..67 and start, with and without a
 * seed. */
START_TEST(crc32_slices)
{
    uint8_t buf[72];
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t) (i * 37 + 11);
    }
    static const uint32_t seeds[] = { 0, 1, 0x9e3779b9u };
    for (size_t k = 0; k < NVO_ARRAY_SIZE(seeds); k++) {
        struct nvo_ecmp e = hasher(NVO_HASH_CRC32, NVO_ECMP_5TUPLE, seeds[k]);
        for (size_t start = 0; start < 4; start++) {
            for (size_t n = 0; n + start <= 68; n++) {
                ck_assert_uint_eq(nvo_ecmp_hash(&e, buf + start, n),
                                  crc32_bitwise(buf + start, n, seeds[k]));
            }
        }
    }
}
END_TEST

START_TEST(vectors)
{
    const uint8_t *check = (const uint8_t *) "123456789";
    struct nvo_ecmp e = hasher(NVO_HASH_CRC32, NVO_ECMP_5TUPLE, 0);
    ck_assert_uint_eq(nvo_ecmp_hash(&e, check, 9), 0xcbf43926);     /* CRC-32 */
    e = hasher(NVO_HASH_CRC16, NVO_ECMP_5TUPLE, 0);
    ck_assert_uint_eq(nvo_ecmp_hash(&e, check, 9), 0x29b1);   /* CCITT-FALSE */

    /* lookup3.c's own driver values. */
    e = hasher(NVO_HASH_JENKINS, NVO_ECMP_5TUPLE, 0);
    ck_assert_uint_eq(nvo_ecmp_hash(&e, (const uint8_t *) "", 0), 0xdeadbeef);
    const char *four = "Four score and seven years ago";
    ck_assert_uint_eq(nvo_ecmp_hash(&e, (const uint8_t *) four, 30), 0x17770551);
    e = hasher(NVO_HASH_JENKINS, NVO_ECMP_5TUPLE, 1);
    ck_assert_uint_eq(nvo_ecmp_hash(&e, (const uint8_t *) four, 30), 0xcd628161);

    /* Microsoft's RSS verification suite: 66.9.149.187:2794 ->
     * 161.142.100.80:1766. */
    e = hasher(NVO_HASH_TOEPLITZ, NVO_ECMP_5TUPLE, 0);
    const uint8_t in[12] = { 66, 9, 149, 187, 161, 142, 100, 80,
                             2794 >> 8, 2794 & 0xff, 1766 >> 8, 1766 & 0xff };
    ck_assert_uint_eq(nvo_ecmp_hash(&e, in, 8), 0x323e8fc2);
    ck_assert_uint_eq(nvo_ecmp_hash(&e, in, 12), 0x51ccc178);

    /* XOR-fold: words 0x01020304 ^ 0x05060708 ^ seed 0x10 = 0x0404041c,
     * folded 0x0404 ^ 0x041c = 0x0018. */
    e = hasher(NVO_HASH_XOR_FOLD, NVO_ECMP_5TUPLE, 0x10);
    const uint8_t w[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    ck_assert_uint_eq(nvo_ecmp_hash(&e, w, 8), 0x0018);

    /* A seed changes the hash. */
    struct nvo_ecmp e0 = hasher(NVO_HASH_CRC32, NVO_ECMP_5TUPLE, 0);
    struct nvo_ecmp e1 = hasher(NVO_HASH_CRC32, NVO_ECMP_5TUPLE, 1);
    ck_assert_uint_ne(nvo_ecmp_hash(&e0, check, 9), nvo_ecmp_hash(&e1, check, 9));
}
END_TEST

START_TEST(names)
{
    uint32_t f;
    ck_assert(nvo_ecmp_fields_parse("5-tuple", &f));
    ck_assert_uint_eq(f, NVO_ECMP_5TUPLE);
    ck_assert(nvo_ecmp_fields_parse("src-ip, dst-ip,gre-key", &f));
    ck_assert_uint_eq(f, NVO_ECMP_SRC_IP | NVO_ECMP_DST_IP | NVO_ECMP_GRE_KEY);
    ck_assert(!nvo_ecmp_fields_parse("src-ip,bogus", &f));
    ck_assert(!nvo_ecmp_fields_parse("", &f));
    char buf[128];
    ck_assert_str_eq(nvo_ecmp_fields_format(NVO_ECMP_5TUPLE | NVO_ECMP_MPLS_EL,
                                            buf, sizeof buf),
                     "src-ip,dst-ip,proto,src-port,dst-port,mpls-el");
    enum nvo_hash_fn fn;
    ck_assert(nvo_hash_fn_from_name("toeplitz", &fn));
    ck_assert_int_eq(fn, NVO_HASH_TOEPLITZ);
    ck_assert(!nvo_hash_fn_from_name("md5", &fn));
}
END_TEST

/* A tenant UDP frame from 192.168.0.1:sport to 192.168.0.2:5001. */
static struct nvo_pkt *
tenant_frame(struct nvo_pkt_pool *pool, uint32_t src, uint32_t dst,
             uint16_t sport)
{
    struct nvo_pkt *p = nvo_pkt_alloc(pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    s.src_mac[0] = s.dst_mac[0] = 2;
    s.src_mac[5] = 1;
    s.dst_mac[5] = 2;
    s.src_ip4 = src;
    s.dst_ip4 = dst;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = sport;
    s.dport = 5001;
    p->payload_size = 958;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    return p;
}

START_TEST(fields)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_pkt *p = tenant_frame(&pool, 0xc0a80001, 0xc0a80002, 40000);
    uint8_t key[NVO_ECMP_KEY_MAX];
    struct nvo_ecmp e = hasher(NVO_HASH_CRC32, NVO_ECMP_5TUPLE, 0);
    ck_assert_uint_eq(nvo_ecmp_key(&e, p, key), 4 + 4 + 1 + 2 + 2);
    const uint8_t want[] = { 192, 168, 0, 1, 192, 168, 0, 2, 17,
                             40000 >> 8, 40000 & 0xff, 5001 >> 8, 5001 & 0xff };
    ck_assert_mem_eq(key, want, sizeof want);

    /* VXLAN over IPv4: outer 5-tuple, then the inner 5-tuple behind it,
     * but only within the parser depth. */
    struct nvo_tunnel t;
    struct nvo_tunnel_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.src_ip4 = 0x0a000001;
    cfg.dst_ip4 = 0x0a000002;
    cfg.vni = 100;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_vxlan_ops, &cfg), 0);
    t.ops->push(&t, p);
    struct nvo_ecmp deep = hasher(NVO_HASH_CRC32,
                                  NVO_ECMP_5TUPLE | NVO_ECMP_INNER, 0);
    ck_assert_uint_eq(nvo_ecmp_key(&deep, p, key), 13 + 13);
    ck_assert_mem_eq(key + 13, want, sizeof want);
    /* Inner IP ends at 50 + 14 + 20 = 84 bytes, the inner ports at 88:
     * a parser depth of 86 sees the inner addresses but not the ports. */
    deep.cfg.parser_depth = 86;
    ck_assert_uint_eq(nvo_ecmp_key(&deep, p, key), 13 + 9);
    deep.cfg.parser_depth = 64;
    ck_assert_uint_eq(nvo_ecmp_key(&deep, p, key), 13);
    nvo_pkt_free(p);
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

/* The entry points that take the caller's parse give the key and the
 * choice of the ones that parse themselves. */
START_TEST(with_hdrs)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_tunnel t;
    struct nvo_tunnel_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.src_ip4 = 0x0a000001;
    cfg.dst_ip4 = 0x0a000002;
    cfg.vni = 100;
    ck_assert_int_eq(nvo_tunnel_build(&t, &nvo_encap_vxlan_ops, &cfg), 0);
    struct nvo_ecmp e = hasher(NVO_HASH_CRC32,
                               NVO_ECMP_5TUPLE | NVO_ECMP_INNER, 3);
    struct nvo_rng rng;
    nvo_rng_init(&rng, 1, 1, "with-hdrs");
    for (int i = 0; i < 200; i++) {
        struct nvo_pkt *p = tenant_frame(&pool, 0xc0a80001 + (uint32_t) i,
                                         0xc0a80002, (uint16_t) (1000 + i));
        if (i % 2) {
            t.ops->push(&t, p);
        }
        struct nvo_hdrs h;
        ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
        ck_assert_uint_eq(h.l3, 14);
        uint8_t k1[NVO_ECMP_KEY_MAX], k2[NVO_ECMP_KEY_MAX];
        size_t n1 = nvo_ecmp_key(&e, p, k1);
        ck_assert_uint_eq(nvo_ecmp_key_hdrs(&e, p, &h, k2), n1);
        ck_assert_uint_eq(n1, i % 2 ? 26 : 13);
        ck_assert_mem_eq(k1, k2, n1);
        /* The outer source address comes first. */
        ck_assert_uint_eq(nvo_rd32(k1), i % 2 ? 0x0a000001
                                              : 0xc0a80001 + (uint32_t) i);
        ck_assert_uint_eq(nvo_ecmp_select(&e, p, 16, &rng),
                          nvo_ecmp_select_hdrs(&e, p, &h, 16, &rng));
        ck_assert_uint_eq(nvo_ecmp_select_hdrs(&e, p, &h, 16, &rng),
                          nvo_ecmp_hash(&e, k1, n1) % 16);
        nvo_pkt_free(p);
    }
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

/* Spread of 'm' flows over 'n' next hops: every bin within 5 standard
 * deviations of m/n (Binomial(m, 1/n)), and the chi-square statistic below
 * the 99.9th percentile of its distribution with n - 1 degrees of freedom
 * (approximated by Wilson-Hilferty). */
static void
check_spread(const uint64_t *bins, uint32_t n, uint64_t m, const char *what)
{
    double mean = (double) m / n;
    double sd = sqrt(m * (1.0 / n) * (1 - 1.0 / n));
    double chi2 = 0;
    for (uint32_t i = 0; i < n; i++) {
        double d = (double) bins[i] - mean;
        ck_assert_msg(fabs(d) < 5 * sd, "%s: bin %u has %" PRIu64
                      " flows, expected %.0f +- %.0f", what, i, bins[i],
                      mean, sd);
        chi2 += d * d / mean;
    }
    double k = n - 1, z = 3.09;     /* 99.9% */
    double limit = k * pow(1 - 2 / (9 * k) + z * sqrt(2 / (9 * k)), 3);
    ck_assert_msg(chi2 < limit, "%s: chi2 %.1f over %.1f", what, chi2, limit);
}

START_TEST(spread)
{
    /* Flows between 128 hypervisors' loopbacks with random ephemeral
     * source ports, as an underlay switch sees them. */
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_rng rng;
    nvo_rng_init(&rng, 1, 1, "spread");
    const uint64_t m = 20000;
    for (int fn = 0; fn < NVO_HASH_N; fn++) {
        for (uint32_t n = 2; n <= 8; n *= 2) {
            struct nvo_ecmp e = hasher((enum nvo_hash_fn) fn,
                                       NVO_ECMP_5TUPLE, 12345);
            uint64_t bins[8] = { 0 };
            for (uint64_t i = 0; i < m; i++) {
                uint32_t a = (uint32_t) nvo_rng_below(&rng, 128);
                uint32_t b = (uint32_t) nvo_rng_below(&rng, 127);
                b += b >= a;
                struct nvo_pkt *p = tenant_frame(
                    &pool, 0x0a000001 + a, 0x0a000001 + b,
                    (uint16_t) (49152 + nvo_rng_below(&rng, 16384)));
                bins[nvo_ecmp_select(&e, p, n, &rng)]++;
                nvo_pkt_free(p);
            }
            char what[64];
            snprintf(what, sizeof what, "%s over %u",
                     nvo_hash_fn_name((enum nvo_hash_fn) fn), n);
            check_spread(bins, n, m, what);
        }
    }
    nvo_pkt_pool_destroy(&pool);
}
END_TEST

/* All tenant flows between one pair of PEs, encapsulated: how many
 * distinct next hops out of 8 does a 5-tuple hash (plus optional fields)
 * spread them over? */
static uint32_t
encap_spread(const struct nvo_encap_ops *ops, uint32_t fields, bool el)
{
    struct nvo_pkt_pool pool;
    nvo_pkt_pool_init(&pool);
    struct nvo_tunnel t;
    struct nvo_tunnel_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.src_ip4 = 0x0a000001;
    cfg.dst_ip4 = 0x0a000002;
    cfg.vni = 5001;
    cfg.labels[0] = 1001;
    cfg.n_labels = 1;
    cfg.entropy_label = el;
    ck_assert_int_eq(nvo_tunnel_build(&t, ops, &cfg), 0);
    struct nvo_ecmp e = hasher(NVO_HASH_CRC32, fields, 7);
    struct nvo_rng rng;
    nvo_rng_init(&rng, 1, 1, "encap-spread");
    uint64_t bins[8] = { 0 };
    for (int i = 0; i < 4000; i++) {
        struct nvo_pkt *p = tenant_frame(
            &pool, 0xc0a80000 + (uint32_t) nvo_rng_below(&rng, 250) + 1,
            0xc0a80100 + (uint32_t) nvo_rng_below(&rng, 250) + 1,
            (uint16_t) (1024 + nvo_rng_below(&rng, 60000)));
        t.ops->push(&t, p);
        bins[nvo_ecmp_select(&e, p, 8, &rng)]++;
        nvo_pkt_free(p);
    }
    uint32_t used = 0;
    for (int i = 0; i < 8; i++) {
        used += bins[i] > 0;
    }
    if (used == 8) {
        check_spread(bins, 8, 4000, ops->name);
    }
    nvo_pkt_pool_destroy(&pool);
    return used;
}

START_TEST(encap_entropy)
{
    const uint32_t five = NVO_ECMP_5TUPLE;
    /* Encapsulations with a UDP or TCP source port derived from the inner
     * flow spread over all next hops with a plain 5-tuple hash. */
    ck_assert_uint_eq(encap_spread(&nvo_encap_vxlan_ops, five, false), 8);
    ck_assert_uint_eq(encap_spread(&nvo_encap_geneve_ops, five, false), 8);
    ck_assert_uint_eq(encap_spread(&nvo_encap_stt_ops, five, false), 8);
    ck_assert_uint_eq(encap_spread(&nvo_encap_mpls_udp_ops, five, false), 8);
    /* NVGRE and MPLS in GRE / IP have no ports: every flow between the
     * two PEs takes one path. */
    ck_assert_uint_eq(encap_spread(&nvo_encap_nvgre_ops, five, false), 1);
    ck_assert_uint_eq(encap_spread(&nvo_encap_mpls_gre_ops, five, false), 1);
    ck_assert_uint_eq(encap_spread(&nvo_encap_mpls_ip_ops, five, false), 1);
    /* A switch that hashes the GRE key sees NVGRE's 8-bit FlowID. */
    ck_assert_uint_eq(encap_spread(&nvo_encap_nvgre_ops,
                                   five | NVO_ECMP_GRE_KEY, false), 8);
    /* An entropy label helps only a switch that hashes it. */
    ck_assert_uint_eq(encap_spread(&nvo_encap_mpls_ip_ops, five, true), 1);
    ck_assert_uint_eq(encap_spread(&nvo_encap_mpls_ip_ops,
                                   five | NVO_ECMP_MPLS_EL, true), 8);
    ck_assert_uint_eq(encap_spread(&nvo_encap_mpls_gre_ops,
                                   five | NVO_ECMP_MPLS_EL, true), 8);
    /* Deep parsing reaches the inner flow behind VXLAN and NVGRE. */
    ck_assert_uint_eq(encap_spread(&nvo_encap_nvgre_ops,
                                   five | NVO_ECMP_INNER, false), 8);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("ecmp");
    TCase *tc = tcase_create("ecmp");
    tcase_add_test(tc, vectors);
    tcase_add_test(tc, crc32_slices);
    tcase_add_test(tc, names);
    tcase_add_test(tc, fields);
    tcase_add_test(tc, with_hdrs);
    tcase_add_test(tc, spread);
    tcase_add_test(tc, encap_entropy);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
