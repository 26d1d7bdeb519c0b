/* test_hdrs.c: the public read cursor (wire/cursor.h) and the one-parse
 * outer headers (wire/hdrs.c): exact values, overrun behaviour, every
 * truncation of real frames, and exact fields of IPv4 / IPv6 frames with
 * 0, 1 and 2 VLAN tags, extension headers, fragments and non-IP frames. */
#include <errno.h>
#include <stddef.h>

#include "testutil.h"
#include "wire/cursor.h"
#include "wire/hdrs.h"
#include "wire/wire.h"

/* ---- Cursor ------------------------------------------------------------- */

START_TEST(test_rd_values)
{
    static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
                                 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14 };
    struct nvo_rd r = nvo_rd_init(b, sizeof b);
    ck_assert_uint_eq(nvo_rd_u8(&r), 0x01);
    ck_assert_uint_eq(nvo_rd_u16(&r), 0x0203);
    ck_assert_uint_eq(nvo_rd_u24(&r), 0x040506);
    ck_assert_uint_eq(nvo_rd_u32(&r), 0x0708090a);
    ck_assert_uint_eq(nvo_rd_u64(&r), 0x0b0c0d0e0f101112ull);
    ck_assert_uint_eq(r.left, 2);
    ck_assert_uint_eq(nvo_rd_ofs(&r, b), 18);
    ck_assert(nvo_rd_ok(&r));
    ck_assert(nvo_rd_has(&r, 2));
    ck_assert(!nvo_rd_has(&r, 3));

    /* Overrun: 0, error set, no move; sticky even for a read that fits. */
    ck_assert_uint_eq(nvo_rd_u32(&r), 0);
    ck_assert(!nvo_rd_ok(&r));
    ck_assert_uint_eq(r.left, 2);
    ck_assert_ptr_eq(r.p, b + 18);
    ck_assert_uint_eq(nvo_rd_u8(&r), 0);
    ck_assert_uint_eq(r.left, 2);
    ck_assert(!nvo_rd_skip(&r, 1));
    ck_assert_ptr_null(nvo_rd_take(&r, 0));

    /* bytes: copies, or zero-fills on overrun. */
    r = nvo_rd_init(b, 5);
    uint8_t out[4];
    ck_assert(nvo_rd_bytes(&r, out, 3));
    ck_assert_mem_eq(out, b, 3);
    memset(out, 0xaa, sizeof out);
    ck_assert(!nvo_rd_bytes(&r, out, 4));
    ck_assert_mem_eq(out, ((const uint8_t[4]) { 0 }), 4);
    ck_assert_uint_eq(r.left, 2);

    /* skip and take. */
    r = nvo_rd_init(b, sizeof b);
    ck_assert(nvo_rd_skip(&r, 19));
    ck_assert_ptr_eq(nvo_rd_take(&r, 1), b + 19);
    ck_assert_uint_eq(r.left, 0);
    ck_assert(nvo_rd_ok(&r));
    ck_assert_uint_eq(nvo_rd_u8(&r), 0);
    ck_assert(!nvo_rd_ok(&r));
}
END_TEST

/* A BGP-like path attribute list: flags, type, length (2 bytes if flag
 * 0x10, Extended Length), value; walked with sub-cursors. */
START_TEST(test_rd_tlv)
{
    static const uint8_t attrs[] = {
        0x40, 1, 1, 0x02,                       /* ORIGIN: INCOMPLETE */
        0x50, 2, 0x00, 0x06, 2, 1, 0, 0, 0xfd, 0xe8,  /* AS_PATH 65000 */
        0x40, 3, 4, 10, 0, 0, 1,                /* NEXT_HOP 10.0.0.1 */
    };
    struct nvo_rd r = nvo_rd_init(attrs, sizeof attrs);
    uint8_t types[3];
    uint32_t vals[3];
    int n = 0;
    while (r.left && n < 3) {
        uint8_t flags = nvo_rd_u8(&r);
        types[n] = nvo_rd_u8(&r);
        size_t len = flags & 0x10 ? nvo_rd_u16(&r) : nvo_rd_u8(&r);
        struct nvo_rd v = nvo_rd_sub(&r, len);
        if (types[n] == 2) {
            nvo_rd_skip(&v, 2);                 /* segment type, count */
            vals[n] = nvo_rd_u32(&v);
        } else if (len == 4) {
            vals[n] = nvo_rd_u32(&v);
        } else {
            vals[n] = nvo_rd_u8(&v);
        }
        ck_assert(nvo_rd_ok(&v));
        ck_assert_uint_eq(v.left, 0);
        n++;
    }
    ck_assert(nvo_rd_ok(&r));
    ck_assert_int_eq(n, 3);
    ck_assert_uint_eq(types[0], 1);
    ck_assert_uint_eq(vals[0], 2);
    ck_assert_uint_eq(types[1], 2);
    ck_assert_uint_eq(vals[1], 65000);
    ck_assert_uint_eq(types[2], 3);
    ck_assert_uint_eq(vals[2], 0x0a000001);

    /* A length past the end: the parent and the sub-cursor fail, the
     * parent does not move, the sub-cursor is empty. */
    static const uint8_t bad[] = { 0x40, 3, 9, 10, 0, 0, 1 };
    r = nvo_rd_init(bad, sizeof bad);
    nvo_rd_skip(&r, 2);
    size_t len = nvo_rd_u8(&r);
    struct nvo_rd v = nvo_rd_sub(&r, len);
    ck_assert(!nvo_rd_ok(&r));
    ck_assert(!nvo_rd_ok(&v));
    ck_assert_uint_eq(v.left, 0);
    ck_assert_uint_eq(r.left, 4);
    ck_assert_uint_eq(nvo_rd_u32(&v), 0);
}
END_TEST

/* ---- Frames ------------------------------------------------------------- */

static struct nvo_pkt_pool pool;

static struct nvo_pkt *
frame4(uint16_t vlan, uint8_t proto, uint16_t frag_off)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 256);
    p->payload_size = 100;
    struct nvo_frame_spec s = {
        .src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
        .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
        .vlan = vlan,
        .src_ip4 = 0x0a000001, .dst_ip4 = 0x0a000002, .ttl = 9,
        .proto = proto, .sport = 40000, .dport = 5000,
    };
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    if (frag_off) {
        uint8_t *ip = p->data + 14 + (vlan ? 4 : 0);
        nvo_wr16(ip + offsetof(struct nvo_ipv4_header, frag_off), frag_off);
    }
    return p;
}

/* Ethernet, S-tag 10, C-tag 20, IPv6 (optionally with an 8-byte
 * hop-by-hop header), TCP 1234 > 80. */
static struct nvo_pkt *
frame6_qinq(bool hbh)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 256);
    uint8_t *b = p->data;
    size_t o = 0;
    struct nvo_eth_info eth = { .dst = { 2, 0, 0, 0, 0, 2 },
                                .src = { 2, 0, 0, 0, 0, 1 },
                                .type = NVO_ETH_TYPE_QINQ };
    nvo_eth_encode(b, &eth);
    o += NVO_ETH_LEN;
    nvo_vlan_encode(b + o, &(struct nvo_vlan_info) {
        .pcp = 3, .vid = 10, .type = NVO_ETH_TYPE_VLAN });
    o += NVO_VLAN_LEN;
    nvo_vlan_encode(b + o, &(struct nvo_vlan_info) {
        .vid = 20, .type = NVO_ETH_TYPE_IPV6 });
    o += NVO_VLAN_LEN;
    struct nvo_ipv6_info ip = {
        .payload_len = (uint16_t) (NVO_TCP_LEN + (hbh ? 8 : 0)),
        .next_hdr = hbh ? NVO_IPPROTO_HOPOPTS : NVO_IPPROTO_TCP,
        .hop_limit = 33,
    };
    ip.src[0] = 0xfd; ip.src[15] = 1;
    ip.dst[0] = 0xfd; ip.dst[15] = 2;
    nvo_ipv6_encode(b + o, &ip);
    o += NVO_IPV6_LEN;
    if (hbh) {
        memset(b + o, 0, 8);
        b[o] = NVO_IPPROTO_TCP;         /* next header; length 0 = 8 bytes */
        b[o + 2] = 1;                   /* PadN */
        b[o + 3] = 4;
        o += 8;
    }
    nvo_tcp_encode(b + o, &(struct nvo_tcp_info) {
        .sport = 1234, .dport = 80, .flags = NVO_TCP_ACK });
    o += NVO_TCP_LEN;
    p->size = (uint32_t) o;
    return p;
}

START_TEST(test_parse_ipv4)
{
    struct nvo_pkt *p = frame4(0, NVO_IPPROTO_UDP, 0);
    struct nvo_hdrs h;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
    ck_assert_uint_eq(h.bad, NVO_HDRS_OK);
    ck_assert_uint_eq(h.l3, 14);
    ck_assert_uint_eq(h.l4, 34);
    ck_assert_uint_eq(h.eth_type, NVO_ETH_TYPE_IPV4);
    ck_assert_uint_eq(h.n_vlans, 0);
    ck_assert_uint_eq(h.vid[0], 0);
    ck_assert_uint_eq(h.vid[1], 0);
    ck_assert_uint_eq(h.ip_version, 4);
    ck_assert_uint_eq(h.ip_next, 17);
    ck_assert_uint_eq(h.proto, 17);
    ck_assert_uint_eq(h.addr_len, 4);
    ck_assert_uint_eq(h.src, 26);
    ck_assert_uint_eq(h.dst, 30);
    ck_assert_uint_eq(h.ttl, 22);
    ck_assert_uint_eq(p->data[h.ttl], 9);
    ck_assert_uint_eq(nvo_rd32(p->data + h.dst), 0x0a000002);
    ck_assert(h.ports);
    ck_assert(!h.later_frag);
    ck_assert_uint_eq(h.sport, 40000);
    ck_assert_uint_eq(h.dport, 5000);
    ck_assert_uint_eq(h.len, 42);
    ck_assert_uint_eq(nvo_hdrs_l2_len(p->data, p->size), 14);

    /* TTL decrement keeps the header checksum right. */
    ck_assert(nvo_hdrs_ttl_dec(p->data, &h));
    ck_assert_uint_eq(p->data[22], 8);
    ck_assert(nvo_ipv4_csum_ok(p->data + 14, 20));
    p->data[22] = 1;
    ck_assert(!nvo_hdrs_ttl_dec(p->data, &h));
    ck_assert_uint_eq(p->data[22], 1);
    nvo_pkt_free(p);

    /* One tag. */
    p = frame4(100, NVO_IPPROTO_TCP, 0);
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
    ck_assert_uint_eq(h.n_vlans, 1);
    ck_assert_uint_eq(h.vid[0], 100);
    ck_assert_uint_eq(h.vid[1], 0);
    ck_assert_uint_eq(h.l3, 18);
    ck_assert_uint_eq(h.l4, 38);
    ck_assert_uint_eq(h.proto, NVO_IPPROTO_TCP);
    ck_assert_uint_eq(h.src, 30);
    ck_assert_uint_eq(h.ttl, 26);
    ck_assert_uint_eq(h.sport, 40000);
    ck_assert_uint_eq(h.dport, 5000);
    ck_assert_uint_eq(h.len, 58);
    ck_assert_uint_eq(nvo_hdrs_l2_len(p->data, p->size), 18);
    nvo_pkt_free(p);

    /* A later fragment: no L4 header, no ports. */
    p = frame4(0, NVO_IPPROTO_UDP, 185);
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
    ck_assert(h.later_frag);
    ck_assert_uint_eq(h.l4, NVO_HDRS_NONE);
    ck_assert(!h.ports);
    ck_assert_uint_eq(h.sport, 0);
    nvo_pkt_free(p);

    /* A first fragment (MF only) has its ports. */
    p = frame4(0, NVO_IPPROTO_UDP, NVO_IP_MF);
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
    ck_assert(!h.later_frag);
    ck_assert(h.ports);
    nvo_pkt_free(p);

    /* IHL 4: the addresses are there, the header is bad. */
    p = frame4(0, NVO_IPPROTO_UDP, 0);
    p->data[14] = 0x44;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_BAD_L3);
    ck_assert_uint_eq(h.ip_version, 4);
    ck_assert_uint_eq(h.dst, 30);
    ck_assert_uint_eq(h.l4, NVO_HDRS_NONE);
    ck_assert(!h.ports);
    ck_assert_str_eq(nvo_hdrs_bad_name(h.bad), "l3");
    nvo_pkt_free(p);
}
END_TEST

START_TEST(test_parse_ipv6_qinq)
{
    struct nvo_pkt *p = frame6_qinq(false);
    struct nvo_hdrs h;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
    ck_assert_uint_eq(h.n_vlans, 2);
    ck_assert_uint_eq(h.vid[0], 10);
    ck_assert_uint_eq(h.vid[1], 20);
    ck_assert_uint_eq(h.eth_type, NVO_ETH_TYPE_IPV6);
    ck_assert_uint_eq(h.l3, 22);
    ck_assert_uint_eq(h.l4, 62);
    ck_assert_uint_eq(h.ip_version, 6);
    ck_assert_uint_eq(h.ip_next, NVO_IPPROTO_TCP);
    ck_assert_uint_eq(h.proto, NVO_IPPROTO_TCP);
    ck_assert_uint_eq(h.addr_len, 16);
    ck_assert_uint_eq(h.src, 30);
    ck_assert_uint_eq(h.dst, 46);
    ck_assert_uint_eq(h.ttl, 29);
    ck_assert_uint_eq(p->data[h.ttl], 33);
    ck_assert_uint_eq(p->data[h.dst + 15], 2);
    ck_assert(h.ports);
    ck_assert_uint_eq(h.sport, 1234);
    ck_assert_uint_eq(h.dport, 80);
    ck_assert_uint_eq(h.len, 82);
    ck_assert_uint_eq(nvo_hdrs_l2_len(p->data, p->size), 22);
    ck_assert(nvo_hdrs_ttl_dec(p->data, &h));
    ck_assert_uint_eq(p->data[29], 32);
    nvo_pkt_free(p);

    /* With a hop-by-hop header: ip_next is 0, proto and l4 after it. */
    p = frame6_qinq(true);
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
    ck_assert_uint_eq(h.ip_next, NVO_IPPROTO_HOPOPTS);
    ck_assert_uint_eq(h.proto, NVO_IPPROTO_TCP);
    ck_assert_uint_eq(h.l4, 70);
    ck_assert_uint_eq(h.sport, 1234);
    ck_assert_uint_eq(h.dport, 80);
    /* Truncated inside the extension header. */
    p->size = 66;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_BAD_EXT);
    ck_assert_uint_eq(h.ip_version, 6);
    ck_assert_uint_eq(h.l4, NVO_HDRS_NONE);
    nvo_pkt_free(p);
}
END_TEST

START_TEST(test_parse_non_ip_and_short)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 256);
    struct nvo_eth_info eth = { .dst = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
                                .src = { 2, 0, 0, 0, 0, 1 },
                                .type = NVO_ETH_TYPE_ARP };
    nvo_eth_encode(p->data, &eth);
    nvo_arp_encode(p->data + 14, &(struct nvo_arp_info) {
        .op = NVO_ARP_OP_REQUEST, .spa = 1, .tpa = 2 });
    p->size = 42;
    struct nvo_hdrs h;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_OK);
    ck_assert_uint_eq(h.eth_type, NVO_ETH_TYPE_ARP);
    ck_assert_uint_eq(h.l3, 14);
    ck_assert_uint_eq(h.l4, NVO_HDRS_NONE);
    ck_assert_uint_eq(h.ip_version, 0);
    ck_assert_uint_eq(h.addr_len, 0);
    ck_assert_uint_eq(h.src, NVO_HDRS_NONE);
    ck_assert_uint_eq(h.ttl, NVO_HDRS_NONE);
    ck_assert(!h.ports);

    /* 13 bytes: no Ethernet header. */
    p->size = 13;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_BAD_L2);
    ck_assert_uint_eq(h.l3, NVO_HDRS_NONE);
    ck_assert_uint_eq(h.eth_type, 0);
    ck_assert_uint_eq(nvo_hdrs_l2_len(p->data, p->size), 14);
    nvo_pkt_free(p);

    /* A tag cut short; IPv4 of 19 bytes; UDP of 3 bytes. */
    p = frame4(7, NVO_IPPROTO_UDP, 0);
    p->size = 17;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_BAD_L2);
    ck_assert_uint_eq(h.n_vlans, 0);
    ck_assert_uint_eq(nvo_hdrs_l2_len(p->data, p->size), 14);
    p->size = 18 + 19;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_BAD_L3);
    ck_assert_uint_eq(h.ip_version, 0);
    ck_assert_uint_eq(h.l3, 18);
    ck_assert_uint_eq(h.n_vlans, 1);
    ck_assert_uint_eq(h.vid[0], 7);
    p->size = 18 + 20 + 3;
    ck_assert_int_eq(nvo_hdrs_parse(p, &h), NVO_HDRS_BAD_L4);
    ck_assert_uint_eq(h.ip_version, 4);
    ck_assert_uint_eq(h.l4, 38);
    ck_assert(!h.ports);
    nvo_pkt_free(p);

    /* IP with no Ethernet in front (below an MPLS stack). */
    p = frame4(0, NVO_IPPROTO_UDP, 0);
    ck_assert_int_eq(nvo_hdrs_parse_ip(p->data + 14, p->size - 14, &h),
                     NVO_HDRS_OK);
    ck_assert_uint_eq(h.l3, 0);
    ck_assert_uint_eq(h.l4, 20);
    ck_assert_uint_eq(h.dst, 16);
    ck_assert_uint_eq(h.eth_type, NVO_ETH_TYPE_IPV4);
    ck_assert_uint_eq(h.dport, 5000);
    ck_assert_int_eq(nvo_hdrs_parse_ip(p->data, 0, &h), NVO_HDRS_BAD_L3);
    ck_assert_int_eq(nvo_hdrs_parse_ip(p->data, p->size, &h),
                     NVO_HDRS_BAD_L3);          /* 0x02: version 0 */
    nvo_pkt_free(p);
}
END_TEST

/* Every truncation of real frames: the parse never claims a header past
 * the bytes, fails exactly where the bytes run out, and agrees with the
 * whole frame's parse on what it did find. */
START_TEST(test_parse_truncations)
{
    struct nvo_pkt *frames[] = {
        frame4(0, NVO_IPPROTO_UDP, 0), frame4(300, NVO_IPPROTO_TCP, 0),
        frame6_qinq(false), frame6_qinq(true),
    };
    /* Bytes at which each parse becomes complete: L2, L3 header, ports. */
    static const size_t need[][3] = {
        { 14, 34, 38 }, { 18, 38, 42 }, { 22, 62, 66 }, { 22, 70, 74 },
    };
    for (size_t f = 0; f < NVO_ARRAY_SIZE(frames); f++) {
        struct nvo_pkt *p = frames[f];
        uint32_t full_size = p->size;
        struct nvo_hdrs full, h;
        ck_assert_int_eq(nvo_hdrs_parse(p, &full), NVO_HDRS_OK);
        for (uint32_t n = 0; n <= full_size; n++) {
            p->size = n;
            enum nvo_hdrs_bad b = nvo_hdrs_parse(p, &h);
            ck_assert_uint_eq(h.len, n);
            enum nvo_hdrs_bad want = n < need[f][0] ? NVO_HDRS_BAD_L2
                                   : n < need[f][1] ? (f == 3 && n >= 62
                                                       ? NVO_HDRS_BAD_EXT
                                                       : NVO_HDRS_BAD_L3)
                                   : n < need[f][2] ? NVO_HDRS_BAD_L4
                                   : NVO_HDRS_OK;
            ck_assert_msg(b == want, "frame %zu, %u bytes: %s, want %s", f,
                          n, nvo_hdrs_bad_name(b), nvo_hdrs_bad_name(want));
            if (h.l3 != NVO_HDRS_NONE) {
                ck_assert_uint_le(h.l3, n);
                ck_assert_uint_eq(h.l3, full.l3);
                ck_assert_uint_eq(h.eth_type, full.eth_type);
            }
            if (h.ip_version) {
                ck_assert_uint_le(h.dst + h.addr_len, n);
                ck_assert_uint_eq(h.dst, full.dst);
                ck_assert_uint_eq(h.ttl, full.ttl);
            }
            if (h.ports) {
                ck_assert_uint_le(h.l4 + 4u, n);
                ck_assert_uint_eq(h.sport, full.sport);
                ck_assert_uint_eq(h.dport, full.dport);
            }
            /* A cursor over the same bytes reads exactly n / 4 words. */
            struct nvo_rd r = nvo_rd_init(p->data, n);
            uint32_t words = 0;
            while (nvo_rd_u32(&r) || nvo_rd_ok(&r)) {
                words++;
            }
            ck_assert_uint_eq(words, n / 4);
            ck_assert_uint_eq(r.left, n % 4);
        }
        p->size = full_size;
        nvo_pkt_free(p);
    }
}
END_TEST

/* The untagged IPv6 frame of frame6_qinq(): its two tags taken out. */
static struct nvo_pkt *
frame6_untagged(bool hbh)
{
    struct nvo_pkt *p = frame6_qinq(hbh);
    memmove(p->data + 2 * NVO_VLAN_LEN, p->data, 12);
    nvo_pkt_pull(p, 2 * NVO_VLAN_LEN);
    nvo_wr16(p->data + 12, NVO_ETH_TYPE_IPV6);
    return p;
}

/* nvo_hdrs_parse()'s inline fast path (untagged IPv4 without options or
 * fragment offset, IPv6 without extension headers) fills every byte of
 * the result as the full walk does, on every truncation, and the frames
 * it leaves to the walk come out the same too. */
START_TEST(test_parse_fast_path)
{
    struct nvo_pkt *frames[] = {
        frame4(0, NVO_IPPROTO_UDP, 0), frame4(0, NVO_IPPROTO_TCP, 0),
        frame4(0, NVO_IPPROTO_ICMP, 0), frame4(0, NVO_IPPROTO_UDP, 0x2000),
        frame4(0, NVO_IPPROTO_UDP, 0x0010), frame4(0, NVO_IPPROTO_GRE, 0),
        frame6_untagged(false), frame6_untagged(true),
    };
    /* Which of them the fast path takes whole (at full length). */
    static const bool fast[] = { 1, 1, 1, 1, 0, 1, 1, 0 };
    /* An IPv4 header with options and one with version 5. */
    struct nvo_pkt *opt = frame4(0, NVO_IPPROTO_UDP, 0);
    opt->data[14] = 0x46;
    struct nvo_pkt *ver = frame4(0, NVO_IPPROTO_UDP, 0);
    ver->data[14] = 0x55;
    for (size_t f = 0; f < NVO_ARRAY_SIZE(frames) + 2; f++) {
        struct nvo_pkt *p = f < NVO_ARRAY_SIZE(frames) ? frames[f]
                            : f == NVO_ARRAY_SIZE(frames) ? opt : ver;
        uint32_t full_size = p->size;
        for (uint32_t n = 0; n <= full_size; n++) {
            struct nvo_hdrs a, b;
            memset(&a, 0xa5, sizeof a);
            memset(&b, 0x5a, sizeof b);
            p->size = n;
            enum nvo_hdrs_bad ra = nvo_hdrs_parse(p, &a);
            enum nvo_hdrs_bad rb = nvo_hdrs_parse_eth(p->data, n, &b);
            ck_assert_int_eq(ra, rb);
            ck_assert_msg(!memcmp(&a, &b, sizeof a), "frame %zu, %u bytes",
                          f, n);
        }
        p->size = full_size;
        if (f < NVO_ARRAY_SIZE(frames)) {
            struct nvo_hdrs h;
            nvo_hdrs_parse(p, &h);
            ck_assert_uint_eq(h.l3, 14);
            ck_assert_uint_eq(h.l4, fast[f] ? (h.ip_version == 4 ? 34 : 54)
                                    : f == 4 ? NVO_HDRS_NONE : 62);
        }
        nvo_pkt_free(p);
    }
}
END_TEST

static Suite *
hdrs_suite(void)
{
    Suite *s = suite_create("hdrs");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, test_rd_values);
    tcase_add_test(tc, test_rd_tlv);
    tcase_add_test(tc, test_parse_ipv4);
    tcase_add_test(tc, test_parse_ipv6_qinq);
    tcase_add_test(tc, test_parse_non_ip_and_short);
    tcase_add_test(tc, test_parse_truncations);
    tcase_add_test(tc, test_parse_fast_path);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    nvo_pkt_pool_init(&pool);
    int rc = nvo_test_run(hdrs_suite());
    nvo_pkt_pool_destroy(&pool);
    return rc;
}
