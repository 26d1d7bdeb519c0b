/* test_bgp.c: the BGP wire formats (wire/bgp*.h): golden bytes of every
 * message type written by hand from the RFCs, round trips, every class
 * of malformed input refused with its RFC 4271 6 error code/subcode,
 * the UPDATE packing against every figure of shared/protocols.md, and
 * tshark decoding a pcap of the messages in Ethernet/IPv4/TCP 179 frames
 * (fields with exact values, no malformed packet, no expert error). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testfabric.h"
#include "testutil.h"
#include "io/pcap_out.h"
#include "wire/bgp.h"
#include "wire/bgp_attr.h"
#include "wire/bgp_nlri.h"
#include "wire/bgp_pack.h"
#include "wire/pkt.h"
#include "wire/wire.h"

/* This suite's tshark lines (tests/testfabric). */
#define run_tshark(path, args, lines, max)                                  \
    nvo_test_tshark(path, args, lines[0], sizeof lines[0], max,            \
                    NVO_TEST_TSHARK_STRIP)

static struct nvo_pkt_pool pool;

/* Parses hex digits (whitespace ignored) into out; returns the count. */
static size_t
hex(const char *s, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *s; s++) {
        int v;
        if (*s >= '0' && *s <= '9') {
            v = *s - '0';
        } else if (*s >= 'a' && *s <= 'f') {
            v = *s - 'a' + 10;
        } else {
            ck_assert_msg(*s == ' ', "bad hex character '%c'", *s);
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            ck_assert_uint_lt(n, cap);
            out[n++] = (uint8_t) (hi << 4 | v);
            hi = -1;
        }
    }
    ck_assert_int_eq(hi, -1);
    return n;
}

static void
assert_bytes(const uint8_t *got, size_t got_len, const char *want_hex)
{
    uint8_t want[4096];
    size_t n = hex(want_hex, want, sizeof want);
    ck_assert_uint_eq(got_len, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(got[i] == want[i], "byte %zu: 0x%02x, want 0x%02x", i,
                      got[i], want[i]);
    }
}

#define MARKER "ffffffffffffffffffffffffffffffff "

/* ---- Common attributes (iBGP, as protocols.md measures) ---------------- */

#define PE1 0xc0000201u          /* 192.0.2.1 */
#define VNI 10100u

static uint8_t ec_rt_encap[2][8];
static uint8_t ec_rt_encap_mm[3][8];

/* ORIGIN IGP, empty AS_PATH, LOCAL_PREF 100, RT 65000:VNI and the VXLAN
 * Encapsulation (plus a MAC mobility sequence if 'mm'), next hop PE1. */
static struct nvo_bgp_attrs
evpn_attrs(bool mm, uint32_t seq)
{
    nvo_bgp_ec_rt(ec_rt_encap[0], 65000, VNI);
    nvo_bgp_ec_encap(ec_rt_encap[1], 8);
    memcpy(ec_rt_encap_mm, ec_rt_encap, sizeof ec_rt_encap);
    nvo_bgp_ec_mac_mobility(ec_rt_encap_mm[2], false, seq);
    struct nvo_bgp_attrs a = {
        .present = 1u << NVO_BGP_ATTR_ORIGIN | 1u << NVO_BGP_ATTR_AS_PATH
                 | 1u << NVO_BGP_ATTR_LOCAL_PREF | 1u << NVO_BGP_ATTR_EXT_COMM
                 | 1u << NVO_BGP_ATTR_MP_REACH,
        .origin = 0, .local_pref = 100,
        .ext_comm = mm ? ec_rt_encap_mm[0] : ec_rt_encap[0],
        .n_ext_comm = mm ? 3 : 2,
        .mp_afi = NVO_BGP_AFI_L2VPN, .mp_safi = NVO_BGP_SAFI_EVPN,
        .mp_nh_len = 4,
    };
    nvo_wr32(a.mp_nh, PE1);
    return a;
}

static struct nvo_evpn_route
type2(uint32_t i, uint8_t ip_len, uint8_t n_labels)
{
    struct nvo_evpn_route r = {
        .type = NVO_EVPN_MAC_IP, .ip_len = ip_len, .n_labels = n_labels,
        .label1 = VNI, .label2 = n_labels == 2 ? 50000 : 0,
        .mac = { 0x00, 0x50, 0x56, 0x00, (uint8_t) (i >> 8), (uint8_t) i },
    };
    nvo_bgp_rd_type1(r.rd, PE1, 100);
    if (ip_len == 32) {
        nvo_wr32(r.ip, 0x0a000000u + i);
    } else if (ip_len == 128) {
        r.ip[0] = 0x20;
        r.ip[1] = 0x01;
        r.ip[2] = 0x0d;
        r.ip[3] = 0xb8;
        nvo_wr32(r.ip + 12, i);
    }
    return r;
}

/* Encodes one UPDATE announcing 'rt' with 'a' into buf. */
static size_t
update_one(uint8_t *buf, size_t cap, struct nvo_bgp_attrs *a,
           const struct nvo_evpn_route *rt)
{
    uint8_t nlri[64];
    struct nvo_bgp_buf nb = nvo_bgp_buf_init(nlri, sizeof nlri);
    size_t l = nvo_evpn_route_encode(&nb, rt);
    ck_assert_uint_gt(l, 0);
    a->mp_nlri = nlri;
    a->mp_nlri_len = (uint16_t) l;
    struct nvo_bgp_buf b = nvo_bgp_buf_init(buf, cap);
    return nvo_bgp_update_encode(&b, NVO_BGP_MAX_LEN, NULL, 0, a, NULL, 0);
}

/* Decodes header and UPDATE; asserts success. */
static void
decode_update_ok(const uint8_t *m, size_t len, struct nvo_bgp_update *u)
{
    struct nvo_bgp_error e;
    uint8_t type;
    size_t ml;
    ck_assert_int_eq(nvo_bgp_hdr_decode(m, len, NVO_BGP_MAX_LEN, &type, &ml,
                                        &e), 0);
    ck_assert_uint_eq(type, NVO_BGP_UPDATE);
    ck_assert_uint_eq(ml, len);
    int rc = nvo_bgp_update_decode(m, len, u, &e);
    ck_assert_msg(rc == 0, "%s", e.reason);
}

/* ---- Golden messages --------------------------------------------------- */

static const char *const OPEN_HEX =
    MARKER                          /* RFC 4271 4.1 marker */
    "002d 01 "                      /* length 45, type 1 OPEN */
    "04 fde8 00b4 c0000201 "        /* 4.2: version 4, My AS 65000, hold
                                     * 180 s, BGP id 192.0.2.1 */
    "10 "                           /* optional parameters length 16 */
    "02 0e "                        /* RFC 5492 4: parameter 2, 14 bytes */
    "01 04 0019 00 46 "             /* RFC 4760 8: MP, AFI 25, SAFI 70 */
    "02 00 "                        /* RFC 2918 2: route refresh */
    "41 04 0000fde8";               /* RFC 6793 3: 4-octet AS 65000 */

START_TEST(test_open_golden)
{
    struct nvo_bgp_open o = {
        .as = 65000, .hold_time = 180, .bgp_id = PE1, .n_mp = 1,
        .mp = { { NVO_BGP_AFI_L2VPN, NVO_BGP_SAFI_EVPN } },
        .route_refresh = true, .as4 = true,
    };
    uint8_t buf[128];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(buf, sizeof buf);
    size_t l = nvo_bgp_open_encode(&b, &o);
    ck_assert_uint_eq(l, 45);           /* protocols.md: OPEN 45 bytes */
    assert_bytes(buf, l, OPEN_HEX);

    struct nvo_bgp_open d;
    struct nvo_bgp_error e;
    uint8_t type;
    size_t ml;
    ck_assert_int_eq(nvo_bgp_hdr_decode(buf, l, NVO_BGP_MAX_LEN, &type, &ml,
                                        &e), 0);
    ck_assert_uint_eq(type, NVO_BGP_OPEN);
    ck_assert_int_eq(nvo_bgp_open_decode(buf, l, &d, &e), 0);
    ck_assert_uint_eq(d.version, 4);
    ck_assert_uint_eq(d.as, 65000);
    ck_assert_uint_eq(d.hold_time, 180);
    ck_assert_uint_eq(d.bgp_id, PE1);
    ck_assert_uint_eq(d.n_mp, 1);
    ck_assert_uint_eq(d.mp[0].afi, 25);
    ck_assert_uint_eq(d.mp[0].safi, 70);
    ck_assert(d.route_refresh && d.as4 && !d.ext_msg);

    /* A 4-octet AS: My AS is AS_TRANS; extended message adds 2 bytes; two
     * MP capabilities (EVPN and VPLS) 6 more. */
    o.as = 4200000001u;
    o.ext_msg = true;
    o.n_mp = 2;
    o.mp[1] = (struct nvo_bgp_afi_safi) { 25, 65 };
    b = nvo_bgp_buf_init(buf, sizeof buf);
    l = nvo_bgp_open_encode(&b, &o);
    ck_assert_uint_eq(l, 45 + 2 + 6);
    ck_assert_uint_eq(nvo_rd16(buf + 20), NVO_BGP_AS_TRANS);
    ck_assert_int_eq(nvo_bgp_open_decode(buf, l, &d, &e), 0);
    ck_assert_uint_eq(d.as, 4200000001u);
    ck_assert_uint_eq(d.my_as, 23456);
    ck_assert(d.ext_msg);
    ck_assert_uint_eq(d.n_mp, 2);
    ck_assert_uint_eq(d.mp[1].safi, 65);
    /* Without AS4 a 4-octet AS cannot be encoded. */
    o.as4 = false;
    b = nvo_bgp_buf_init(buf, sizeof buf);
    ck_assert_uint_eq(nvo_bgp_open_encode(&b, &o), 0);
}
END_TEST

START_TEST(test_small_messages_golden)
{
    uint8_t buf[64];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(buf, sizeof buf);
    size_t l = nvo_bgp_keepalive_encode(&b);
    assert_bytes(buf, l, MARKER "0013 04");         /* 4.4: 19 bytes */

    b = nvo_bgp_buf_init(buf, sizeof buf);
    struct nvo_bgp_notification n = { .code = 6, .subcode = 2 };
    l = nvo_bgp_notification_encode(&b, &n);
    /* 4.5: Cease (6), administrative shutdown (RFC 4486 2: 2) */
    assert_bytes(buf, l, MARKER "0015 03 06 02");
    struct nvo_bgp_notification nd;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_bgp_notification_decode(buf, l, &nd, &e), 0);
    ck_assert_uint_eq(nd.code, 6);
    ck_assert_uint_eq(nd.subcode, 2);
    ck_assert_uint_eq(nd.data_len, 0);

    b = nvo_bgp_buf_init(buf, sizeof buf);
    struct nvo_bgp_route_refresh rr = { .afi = 25, .safi = 70 };
    l = nvo_bgp_route_refresh_encode(&b, &rr);
    /* RFC 2918 3: AFI 25, reserved (RFC 7313 subtype 0), SAFI 70 */
    assert_bytes(buf, l, MARKER "0017 05 0019 00 46");
    struct nvo_bgp_route_refresh rd;
    ck_assert_int_eq(nvo_bgp_route_refresh_decode(buf, l, &rd, &e), 0);
    ck_assert_uint_eq(rd.afi, 25);
    ck_assert_uint_eq(rd.safi, 70);
    ck_assert_uint_eq(rd.subtype, 0);

    /* End-of-RIB for L2VPN/EVPN: protocols.md 29 bytes. */
    b = nvo_bgp_buf_init(buf, sizeof buf);
    l = nvo_bgp_eor_encode(&b, 25, 70);
    assert_bytes(buf, l, MARKER "001d 02 "
                 "0000 0006 "               /* 4.3: no withdrawn, 6 bytes */
                 "80 0f 03 0019 46");       /* RFC 4724 2 / RFC 4760 4 */
    struct nvo_bgp_update u;
    decode_update_ok(buf, l, &u);
    ck_assert(u.eor);
    ck_assert_uint_eq(u.attrs.mpu_afi, 25);
    ck_assert_uint_eq(u.attrs.mpu_safi, 70);
    /* IPv4 unicast End-of-RIB: the empty UPDATE. */
    b = nvo_bgp_buf_init(buf, sizeof buf);
    l = nvo_bgp_eor_encode(&b, 1, 1);
    assert_bytes(buf, l, MARKER "0017 02 0000 0000");
    decode_update_ok(buf, l, &u);
    ck_assert(u.eor);
    ck_assert_uint_eq(u.attrs.mpu_afi, 1);
}
END_TEST

static const char *const T2_HEX =
    MARKER "006b 02 "               /* length 107, UPDATE */
    "0000 "                         /* 4.3: withdrawn routes length 0 */
    "0054 "                         /* total path attribute length 84 */
    "40 01 01 00 "                  /* 5.1.1 ORIGIN IGP (well-known) */
    "40 02 00 "                     /* 5.1.2 AS_PATH empty (iBGP) */
    "40 05 04 00000064 "            /* 5.1.5 LOCAL_PREF 100 */
    "c0 10 10 "                     /* RFC 4360: ext communities, 16 */
    "0002 fde8 00002774 "           /* 3.1 RT 65000:10100 */
    "030c 0000 0000 0008 "          /* RFC 9012 4.1 encapsulation VXLAN */
    "80 0e 30 "                     /* RFC 4760 3 MP_REACH_NLRI, 48 */
    "0019 46 04 c0000201 00 "       /* AFI 25 SAFI 70, next hop 192.0.2.1,
                                     * reserved */
    "02 25 "                        /* RFC 7432 7.2: type 2, 37 bytes */
    "0001 c0000201 0064 "           /* RD type 1 192.0.2.1:100 */
    "00000000000000000000 "         /* ESI 0 */
    "00000000 "                     /* Ethernet tag 0 */
    "30 005056000001 "              /* MAC length 48, MAC */
    "20 0a000001 "                  /* IP length 32, 10.0.0.1 */
    "002774";                       /* label1 = VNI 10100 (RFC 8365 5.1.3) */

START_TEST(test_update_type2_golden)
{
    struct nvo_bgp_attrs a = evpn_attrs(false, 0);
    struct nvo_evpn_route rt = type2(1, 32, 1);
    uint8_t buf[256];
    size_t l = update_one(buf, sizeof buf, &a, &rt);
    ck_assert_uint_eq(l, 107);          /* protocols.md */
    assert_bytes(buf, l, T2_HEX);

    struct nvo_bgp_update u;
    decode_update_ok(buf, l, &u);
    ck_assert(!u.eor);
    ck_assert_uint_eq(u.n_mp_reach, 1);
    ck_assert_uint_eq(u.attrs.local_pref, 100);
    ck_assert_uint_eq(u.attrs.as_path_len, 0);
    ck_assert_uint_eq(u.attrs.n_ext_comm, 2);
    struct nvo_bgp_ec ec = nvo_bgp_ec_parse(u.attrs.ext_comm);
    ck_assert_int_eq(ec.kind, NVO_BGP_EC_RT);
    ck_assert_uint_eq(ec.a, 65000);
    ck_assert_uint_eq(ec.b, VNI);
    ec = nvo_bgp_ec_parse(u.attrs.ext_comm + 8);
    ck_assert_int_eq(ec.kind, NVO_BGP_EC_ENCAP);
    ck_assert_uint_eq(ec.a, 8);
    ck_assert_uint_eq(nvo_rd32(u.attrs.mp_nh), PE1);
    struct nvo_rd r = nvo_rd_init(u.attrs.mp_nlri, u.attrs.mp_nlri_len);
    struct nvo_evpn_route d;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_evpn_route_decode(&r, buf, &d, &e), 0);
    ck_assert_uint_eq(r.left, 0);
    ck_assert_uint_eq(d.type, 2);
    ck_assert_uint_eq(d.ip_len, 32);
    ck_assert_uint_eq(nvo_rd32(d.ip), 0x0a000001);
    ck_assert_uint_eq(d.label1, VNI);
    ck_assert_uint_eq(d.n_labels, 1);
    ck_assert(!memcmp(d.mac, rt.mac, 6));
    char rd[40];
    ck_assert_str_eq(nvo_bgp_rd_format(d.rd, rd), "192.0.2.1:100");
    uint8_t rd0[8];
    nvo_bgp_rd_type0(rd0, 65000, 10100);
    ck_assert_str_eq(nvo_bgp_rd_format(rd0, rd), "65000:10100");
    /* Re-encoding the decoded attributes gives the same bytes. */
    uint8_t again[256];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(again, sizeof again);
    ck_assert_uint_eq(nvo_bgp_update_encode(&b, NVO_BGP_MAX_LEN, NULL, 0,
                                            &u.attrs, NULL, 0), 107);
    ck_assert(!memcmp(again, buf, 107));

    /* The route sizes of protocols.md: 33/37/49 bodies (+3 label2). */
    struct nvo_evpn_route x = type2(1, 0, 1);
    ck_assert_uint_eq(nvo_evpn_route_size(&x), 35);
    x = type2(1, 32, 1);
    ck_assert_uint_eq(nvo_evpn_route_size(&x), 39);
    x = type2(1, 128, 1);
    ck_assert_uint_eq(nvo_evpn_route_size(&x), 51);
    x = type2(1, 32, 2);
    ck_assert_uint_eq(nvo_evpn_route_size(&x), 42);
    x.ip_len = 24;
    ck_assert_uint_eq(nvo_evpn_route_size(&x), 0);
}
END_TEST

/* MAC-only with a MAC mobility community: 111 bytes (protocols.md). */
START_TEST(test_update_mobility_golden)
{
    struct nvo_bgp_attrs a = evpn_attrs(true, 3);
    struct nvo_evpn_route rt = type2(1, 0, 1);
    uint8_t buf[256];
    size_t l = update_one(buf, sizeof buf, &a, &rt);
    ck_assert_uint_eq(l, 111);
    assert_bytes(buf, l, MARKER "006f 02 0000 0058 "    /* attrs 88 */
                 "40 01 01 00 40 02 00 40 05 04 00000064 "
                 "c0 10 18 0002 fde8 00002774 030c 0000 0000 0008 "
                 "0600 00 00 00000003 "     /* RFC 7432 7.7: MAC mobility,
                                             * not sticky, sequence 3 */
                 "80 0e 2c 0019 46 04 c0000201 00 "
                 "02 21 "                   /* type 2, 33 bytes */
                 "0001 c0000201 0064 00000000000000000000 00000000 "
                 "30 005056000001 "
                 "00 "                      /* IP length 0: MAC only */
                 "002774");
    struct nvo_bgp_update u;
    decode_update_ok(buf, l, &u);
    struct nvo_bgp_ec ec = nvo_bgp_ec_parse(u.attrs.ext_comm + 16);
    ck_assert_int_eq(ec.kind, NVO_BGP_EC_MAC_MOBILITY);
    ck_assert_uint_eq(ec.a, 0);
    ck_assert_uint_eq(ec.b, 3);
    uint8_t s[8];
    nvo_bgp_ec_mac_mobility(s, true, 7);
    ec = nvo_bgp_ec_parse(s);
    ck_assert_uint_eq(ec.a, 1);
    ck_assert_uint_eq(ec.b, 7);
}
END_TEST

static struct nvo_bgp_attrs
imet_attrs(void)
{
    struct nvo_bgp_attrs a = evpn_attrs(false, 0);
    a.present |= 1u << NVO_BGP_ATTR_PMSI;
    a.pmsi = (struct nvo_bgp_pmsi) { .type = NVO_PMSI_INGRESS_REPL,
                                     .label = VNI, .id_len = 4 };
    nvo_wr32(a.pmsi.id, PE1);
    return a;
}

static struct nvo_evpn_route
imet(uint32_t etag)
{
    struct nvo_evpn_route r = { .type = NVO_EVPN_IMET, .etag = etag,
                                .ip_len = 32 };
    nvo_bgp_rd_type1(r.rd, PE1, 100);
    nvo_wr32(r.ip, PE1);
    return r;
}

/* Type 3 with PMSI ingress replication: 99 bytes (protocols.md). */
START_TEST(test_update_imet_golden)
{
    struct nvo_bgp_attrs a = imet_attrs();
    struct nvo_evpn_route rt = imet(0);
    uint8_t buf[256];
    size_t l = update_one(buf, sizeof buf, &a, &rt);
    ck_assert_uint_eq(l, 99);
    assert_bytes(buf, l, MARKER "0063 02 0000 004c "    /* attrs 76 */
                 "40 01 01 00 40 02 00 40 05 04 00000064 "
                 "c0 10 10 0002 fde8 00002774 030c 0000 0000 0008 "
                 "c0 16 09 "                /* RFC 6514 5: PMSI, 9 bytes */
                 "00 06 002774 c0000201 "   /* flags 0, ingress replication,
                                             * label = VNI, PE 192.0.2.1 */
                 "80 0e 1c 0019 46 04 c0000201 00 "
                 "03 11 "                   /* RFC 7432 7.3: type 3, 17 */
                 "0001 c0000201 0064 "      /* RD */
                 "00000000 "                /* Ethernet tag */
                 "20 c0000201");            /* originator 192.0.2.1 */
    struct nvo_bgp_update u;
    decode_update_ok(buf, l, &u);
    ck_assert(NVO_BGP_HAS(&u.attrs, NVO_BGP_ATTR_PMSI));
    ck_assert_uint_eq(u.attrs.pmsi.type, 6);
    ck_assert_uint_eq(u.attrs.pmsi.label, VNI);
    ck_assert_uint_eq(u.attrs.pmsi.id_len, 4);
    ck_assert_uint_eq(nvo_rd32(u.attrs.pmsi.id), PE1);
    struct nvo_rd r = nvo_rd_init(u.attrs.mp_nlri, u.attrs.mp_nlri_len);
    struct nvo_evpn_route d;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_evpn_route_decode(&r, buf, &d, &e), 0);
    ck_assert_uint_eq(d.type, 3);
    ck_assert_uint_eq(nvo_rd32(d.ip), PE1);

    /* PIM-SM tree: sender (here the RP 10.255.0.1) and group 239.1.1.1. */
    a.pmsi = (struct nvo_bgp_pmsi) { .type = NVO_PMSI_PIM_SM, .label = VNI,
                                     .id_len = 8 };
    nvo_wr32(a.pmsi.id, 0x0aff0001);
    nvo_wr32(a.pmsi.id + 4, 0xef010101);
    l = update_one(buf, sizeof buf, &a, &rt);
    ck_assert_uint_eq(l, 103);
    ck_assert(!memcmp(buf + 56, "\xc0\x16\x0d\x00\x04\x00\x27\x74"
                                "\x0a\xff\x00\x01\xef\x01\x01\x01", 16));
    decode_update_ok(buf, l, &u);
    ck_assert_uint_eq(u.attrs.pmsi.type, 4);
    ck_assert_uint_eq(nvo_rd32(u.attrs.pmsi.id + 4), 0xef010101);
}
END_TEST

/* Reflected: ORIGINATOR_ID and CLUSTER_LIST add 7 bytes each. */
START_TEST(test_update_reflected_golden)
{
    struct nvo_bgp_attrs a = evpn_attrs(false, 0);
    uint8_t cl[4];
    nvo_wr32(cl, 0x0aff0001);
    a.present |= 1u << NVO_BGP_ATTR_ORIGINATOR_ID
               | 1u << NVO_BGP_ATTR_CLUSTER_LIST;
    a.originator_id = PE1;
    a.cluster_list = cl;
    a.n_clusters = 1;
    struct nvo_evpn_route rt = type2(1, 32, 1);
    uint8_t buf[256];
    size_t l = update_one(buf, sizeof buf, &a, &rt);
    ck_assert_uint_eq(l, 121);
    assert_bytes(buf, 51, MARKER "0079 02 0000 0062 "
                 "40 01 01 00 40 02 00 40 05 04 00000064 "
                 "80 09 04 c0000201 "       /* RFC 4456 8 ORIGINATOR_ID */
                 "80 0a 04 0aff0001");      /* CLUSTER_LIST 10.255.0.1 */
    struct nvo_bgp_update u;
    decode_update_ok(buf, l, &u);
    ck_assert_uint_eq(u.attrs.originator_id, PE1);
    ck_assert_uint_eq(u.attrs.n_clusters, 1);
    ck_assert_uint_eq(nvo_rd32(u.attrs.cluster_list), 0x0aff0001);
}
END_TEST

/* Path attributes alone (what the speaker interns): the reflected route's
 * attributes without MP_REACH are the UPDATE's attribute field less the
 * MP_REACH attribute: 0x62 = 98 bytes less 3 + 5 + 4 (next hop) + 39
 * (the route) = 51, so 47 bytes (ORIGIN 4, AS_PATH 3, LOCAL_PREF 7,
 * ORIGINATOR_ID 7, CLUSTER_LIST 7, EXT_COMM 3 + 16), the same bytes as
 * the UPDATE's from byte 23; decoded back to the same values; an ORIGIN
 * of 5 is refused as in an UPDATE (3/6) with the offsets from the first
 * attribute byte: the attribute at 0, 4 bytes. */
START_TEST(test_attrs_decode)
{
    struct nvo_bgp_attrs a = evpn_attrs(false, 0);
    uint8_t cl[4];
    nvo_wr32(cl, 0x0aff0001);
    a.present |= 1u << NVO_BGP_ATTR_ORIGINATOR_ID
               | 1u << NVO_BGP_ATTR_CLUSTER_LIST;
    a.originator_id = PE1;
    a.cluster_list = cl;
    a.n_clusters = 1;
    struct nvo_evpn_route rt = type2(1, 32, 1);
    uint8_t upd[256];
    ck_assert_uint_eq(update_one(upd, sizeof upd, &a, &rt), 121);
    struct nvo_bgp_attrs b = a;
    b.present &= ~(1u << NVO_BGP_ATTR_MP_REACH);
    uint8_t buf[128];
    struct nvo_bgp_buf w = nvo_bgp_buf_init(buf, sizeof buf);
    size_t n = nvo_bgp_attrs_encode(&w, &b);
    ck_assert_uint_eq(n, 47);
    ck_assert(!memcmp(buf, upd + 23, n));
    struct nvo_bgp_attrs d;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_bgp_attrs_decode(buf, n, &d, &e), 0);
    ck_assert_uint_eq(d.present, b.present);
    ck_assert_uint_eq(d.origin, 0);
    ck_assert_uint_eq(d.as_path_len, 0);
    ck_assert_uint_eq(d.local_pref, 100);
    ck_assert_uint_eq(d.originator_id, PE1);
    ck_assert_uint_eq(d.n_clusters, 1);
    ck_assert_uint_eq(nvo_rd32(d.cluster_list), 0x0aff0001);
    ck_assert_uint_eq(d.n_ext_comm, 2);
    ck_assert(!memcmp(d.ext_comm, ec_rt_encap[0], 16));
    ck_assert(d.ext_comm >= buf && d.ext_comm < buf + n);
    buf[3] = 5;                             /* ORIGIN 5 */
    ck_assert_int_eq(nvo_bgp_attrs_decode(buf, n, &d, &e), EBADMSG);
    ck_assert_uint_eq(e.code, 3);
    ck_assert_uint_eq(e.subcode, 6);
    ck_assert_uint_eq(e.data_ofs, 0);
    ck_assert_uint_eq(e.data_len, 4);
}
END_TEST

/* BGP-VPLS: NLRI 19 bytes (protocols.md), Layer2 Info community. */
static size_t
vpls_update(uint8_t *buf, size_t cap)
{
    static uint8_t ec[2][8];
    nvo_bgp_ec_rt(ec[0], 65000, 200);
    nvo_bgp_ec_l2info(ec[1], 19, 0, 1500);
    struct nvo_vpls_nlri n = { .ve_id = 1, .block_offset = 1,
                               .block_size = 10, .label_base = 100000 };
    nvo_bgp_rd_type0(n.rd, 65000, 200);
    uint8_t nlri[32];
    struct nvo_bgp_buf nb = nvo_bgp_buf_init(nlri, sizeof nlri);
    ck_assert_uint_eq(nvo_vpls_nlri_encode(&nb, &n), 19);
    struct nvo_bgp_attrs a = {
        .present = 1u << NVO_BGP_ATTR_ORIGIN | 1u << NVO_BGP_ATTR_AS_PATH
                 | 1u << NVO_BGP_ATTR_LOCAL_PREF | 1u << NVO_BGP_ATTR_EXT_COMM
                 | 1u << NVO_BGP_ATTR_MP_REACH,
        .local_pref = 100, .ext_comm = ec[0], .n_ext_comm = 2,
        .mp_afi = 25, .mp_safi = 65, .mp_nh_len = 4,
        .mp_nlri = nlri, .mp_nlri_len = 19,
    };
    nvo_wr32(a.mp_nh, PE1);
    struct nvo_bgp_buf b = nvo_bgp_buf_init(buf, cap);
    return nvo_bgp_update_encode(&b, NVO_BGP_MAX_LEN, NULL, 0, &a, NULL, 0);
}

START_TEST(test_update_vpls_golden)
{
    uint8_t buf[256];
    size_t l = vpls_update(buf, sizeof buf);
    ck_assert_uint_eq(l, 87);
    assert_bytes(buf, l, MARKER "0057 02 0000 0040 "
                 "40 01 01 00 40 02 00 40 05 04 00000064 "
                 "c0 10 10 0002 fde8 000000c8 "     /* RT 65000:200 */
                 "800a 13 00 05dc 0000 "    /* RFC 4761 3.2.4 Layer2 Info:
                                             * VPLS 19, flags 0, MTU 1500 */
                 "80 0e 1c 0019 41 04 c0000201 00 "  /* AFI 25, SAFI 65 */
                 "0011 "                    /* RFC 4761 3.2.2: length 17 */
                 "0000 fde8 000000c8 "      /* RD type 0 65000:200 */
                 "0001 0001 000a "          /* VE ID 1, offset 1, size 10 */
                 "186a01");                 /* label base 100000 << 4, S */
    struct nvo_bgp_update u;
    decode_update_ok(buf, l, &u);
    ck_assert_uint_eq(u.n_mp_reach, 1);
    struct nvo_rd r = nvo_rd_init(u.attrs.mp_nlri, u.attrs.mp_nlri_len);
    struct nvo_vpls_nlri d;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_vpls_nlri_decode(&r, buf, &d, &e), 0);
    ck_assert_uint_eq(d.ve_id, 1);
    ck_assert_uint_eq(d.block_offset, 1);
    ck_assert_uint_eq(d.block_size, 10);
    ck_assert_uint_eq(d.label_base, 100000);
    struct nvo_bgp_ec ec = nvo_bgp_ec_parse(u.attrs.ext_comm + 8);
    ck_assert_int_eq(ec.kind, NVO_BGP_EC_L2INFO);
    ck_assert_uint_eq(ec.a, 19);
    ck_assert_uint_eq(ec.b, 1500);
    /* RFC 4761 3.2.3: VE 7 uses base + 7 - 1; VE 11 is outside. */
    uint32_t label;
    ck_assert(nvo_vpls_label_for(&d, 7, &label));
    ck_assert_uint_eq(label, 100006);
    ck_assert(!nvo_vpls_label_for(&d, 11, &label));
    ck_assert(!nvo_vpls_label_for(&d, 0, &label));
}
END_TEST

/* An unknown optional transitive attribute stays opaque with its flags
 * and is written back as it came (after the PMSI, before MP_REACH). */
START_TEST(test_unknown_attribute_opaque)
{
    struct nvo_bgp_attrs a = evpn_attrs(false, 0);
    static const uint8_t val[3] = { 1, 2, 3 };
    a.n_unknown = 1;
    a.unknown[0] = (struct nvo_bgp_attr_raw) {
        .flags = 0xe0 /* optional, transitive, partial */, .type = 99,
        .value = val, .len = 3 };
    struct nvo_evpn_route rt = type2(1, 32, 1);
    uint8_t buf[256];
    size_t l = update_one(buf, sizeof buf, &a, &rt);
    ck_assert_uint_eq(l, 107 + 6);
    ck_assert(!memcmp(buf + 56, "\xe0\x63\x03\x01\x02\x03", 6));
    struct nvo_bgp_update u;
    decode_update_ok(buf, l, &u);
    ck_assert_uint_eq(u.attrs.n_unknown, 1);
    ck_assert_uint_eq(u.attrs.unknown[0].flags, 0xe0);
    ck_assert_uint_eq(u.attrs.unknown[0].type, 99);
    ck_assert_uint_eq(u.attrs.unknown[0].len, 3);
    uint8_t again[256];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(again, sizeof again);
    ck_assert_uint_eq(nvo_bgp_update_encode(&b, NVO_BGP_MAX_LEN, NULL, 0,
                                            &u.attrs, NULL, 0), l);
    ck_assert(!memcmp(again, buf, l));
    /* AS_PATH with 4-octet ASNs: one AS_SEQUENCE. */
    uint32_t asns[2] = { 65001, 4200000000u };
    uint8_t path[16];
    size_t pl = nvo_bgp_as_path_build(path, sizeof path, asns, 2);
    ck_assert_uint_eq(pl, 10);
    ck_assert(!memcmp(path, "\x02\x02\x00\x00\xfd\xe9\xfa\x56\xea\x00", 10));
    ck_assert_uint_eq(nvo_bgp_as_path_length(path, pl), 2);
}
END_TEST

/* Every NLRI shape: encode, decode, encode again gives the same bytes;
 * an EVPN type the decoder does not interpret comes back opaque. */
START_TEST(test_nlri_round_trip)
{
    struct nvo_evpn_route shapes[6] = {
        type2(1, 0, 1), type2(2, 32, 1), type2(3, 128, 1), type2(4, 32, 2),
        type2(5, 128, 2), imet(7),
    };
    shapes[4].esi[0] = 0x01;            /* an ESI type 1 */
    shapes[4].esi[9] = 0x42;
    shapes[4].etag = 4094;
    static const size_t sizes[6] = { 35, 39, 51, 42, 54, 19 };
    for (size_t i = 0; i < 6; i++) {
        uint8_t a[64], c[64];
        struct nvo_bgp_buf b = nvo_bgp_buf_init(a, sizeof a);
        ck_assert_uint_eq(nvo_evpn_route_encode(&b, &shapes[i]), sizes[i]);
        struct nvo_rd r = nvo_rd_init(a, b.len);
        struct nvo_evpn_route d;
        struct nvo_bgp_error e;
        ck_assert_int_eq(nvo_evpn_route_decode(&r, a, &d, &e), 0);
        ck_assert_uint_eq(r.left, 0);
        ck_assert_uint_eq(d.etag, shapes[i].etag);
        ck_assert(!memcmp(d.esi, shapes[i].esi, sizeof d.esi));
        ck_assert_uint_eq(d.label2, shapes[i].label2);
        struct nvo_bgp_buf b2 = nvo_bgp_buf_init(c, sizeof c);
        ck_assert_uint_eq(nvo_evpn_route_encode(&b2, &d), sizes[i]);
        ck_assert(!memcmp(a, c, sizes[i]));
    }
    /* Type 3 with an IPv6 originator: 31 bytes. */
    struct nvo_evpn_route t3v6 = imet(0);
    t3v6.ip_len = 128;
    ck_assert_uint_eq(nvo_evpn_route_size(&t3v6), 31);
    /* Type 1 (Ethernet A-D, 25 bytes) is passed through opaque. */
    uint8_t ad[27] = { 1, 25 };
    ad[26] = 0x55;
    struct nvo_rd r = nvo_rd_init(ad, sizeof ad);
    struct nvo_evpn_route d;
    struct nvo_bgp_error e;
    ck_assert_int_eq(nvo_evpn_route_decode(&r, ad, &d, &e), 0);
    ck_assert_uint_eq(d.type, 1);
    ck_assert_uint_eq(d.body_len, 25);
    ck_assert_ptr_eq(d.body, ad + 2);
    ck_assert_uint_eq(nvo_evpn_route_size(&d), 0);    /* not encodable */
    /* VPLS: the label base must fit 20 bits. */
    struct nvo_vpls_nlri v = { .label_base = 1u << 20 };
    uint8_t vb[32];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(vb, sizeof vb);
    ck_assert_uint_eq(nvo_vpls_nlri_encode(&b, &v), 0);
    /* Encoding into a buffer too small fails, never writes past it. */
    uint8_t small[38];
    b = nvo_bgp_buf_init(small, sizeof small);
    ck_assert_uint_eq(nvo_evpn_route_encode(&b, &shapes[1]), 0);
    ck_assert(b.err);
}
END_TEST

/* ---- Packing: every figure of protocols.md ----------------------------- */

static size_t
fit(struct nvo_bgp_attrs *a, bool withdraw, uint8_t ip_len, uint8_t labels,
    size_t max_len, size_t n, size_t *n_msgs)
{
    struct nvo_evpn_route *r = calloc(n, sizeof *r);
    for (size_t i = 0; i < n; i++) {
        r[i] = type2((uint32_t) i, ip_len, labels);
    }
    struct nvo_bgp_msgs m;
    ck_assert_int_eq(nvo_bgp_pack_evpn(a, withdraw, r, n, max_len, &m), 0);
    free(r);
    size_t first = 0, total = 0;
    for (size_t i = 0; i < m.n; i++) {
        struct nvo_bgp_update u;
        size_t l = m.ofs[i + 1] - m.ofs[i];
        ck_assert_uint_le(l, max_len);
        struct nvo_bgp_error e;
        uint8_t type;
        size_t ml;
        ck_assert_int_eq(nvo_bgp_hdr_decode(m.buf + m.ofs[i], l, max_len,
                                            &type, &ml, &e), 0);
        ck_assert_int_eq(nvo_bgp_update_decode(m.buf + m.ofs[i], l, &u, &e),
                         0);
        size_t k = withdraw ? u.n_mp_unreach : u.n_mp_reach;
        ck_assert_uint_eq(withdraw ? u.n_mp_reach : u.n_mp_unreach, 0);
        if (i == 0) {
            first = k;
        }
        total += k;
    }
    ck_assert_uint_eq(total, n);
    *n_msgs = m.n;
    nvo_bgp_msgs_free(&m);
    return first;
}

START_TEST(test_packing_figures)
{
    struct nvo_bgp_attrs a = evpn_attrs(false, 0);
    size_t k;
    /* 69 fixed bytes. */
    ck_assert_uint_eq(nvo_bgp_pack_msg_size(&a, false, 0), 68);
    ck_assert_uint_eq(nvo_bgp_pack_msg_size(&a, false, 39), 107);
    ck_assert_uint_eq(nvo_bgp_pack_msg_size(&a, false, 103 * 39), 69 + 4017);
    /* One 4096-byte UPDATE holds 103 MAC+IPv4, 115 MAC-only, 78 MAC+IPv6,
     * 95 with two labels: the 104th, 116th, ... start a second message. */
    ck_assert_uint_eq(fit(&a, false, 32, 1, 4096, 104, &k), 103);
    ck_assert_uint_eq(k, 2);
    ck_assert_uint_eq(fit(&a, false, 0, 1, 4096, 116, &k), 115);
    ck_assert_uint_eq(k, 2);
    ck_assert_uint_eq(fit(&a, false, 128, 1, 4096, 79, &k), 78);
    ck_assert_uint_eq(k, 2);
    ck_assert_uint_eq(fit(&a, false, 32, 2, 4096, 96, &k), 95);
    ck_assert_uint_eq(k, 2);
    ck_assert_uint_eq(nvo_bgp_pack_capacity(&a, false, 39, 4096), 103);
    ck_assert_uint_eq(nvo_bgp_pack_capacity(&a, false, 35, 4096), 115);
    ck_assert_uint_eq(nvo_bgp_pack_capacity(&a, false, 51, 4096), 78);
    ck_assert_uint_eq(nvo_bgp_pack_capacity(&a, false, 42, 4096), 95);
    /* Exactly 103 routes: one message of 69 + 103 * 39 = 4086 bytes. */
    ck_assert_uint_eq(fit(&a, false, 32, 1, 4096, 103, &k), 103);
    ck_assert_uint_eq(k, 1);
    /* 1000 routes: ceil(1000 / 103) = 10 messages. */
    ck_assert_uint_eq(fit(&a, false, 32, 1, 4096, 1000, &k), 103);
    ck_assert_uint_eq(k, 10);

    /* Through a reflector (+7 +7): 102 per 4096 bytes, 1678 per 65535. */
    uint8_t cl[4] = { 10, 255, 0, 1 };
    struct nvo_bgp_attrs rr = a;
    rr.present |= 1u << NVO_BGP_ATTR_ORIGINATOR_ID
                | 1u << NVO_BGP_ATTR_CLUSTER_LIST;
    rr.originator_id = PE1;
    rr.cluster_list = cl;
    rr.n_clusters = 1;
    ck_assert_uint_eq(fit(&rr, false, 32, 1, 4096, 103, &k), 102);
    ck_assert_uint_eq(k, 2);
    ck_assert_uint_eq(fit(&rr, false, 32, 1, 65535, 1679, &k), 1678);
    ck_assert_uint_eq(k, 2);

    /* MAC-only with a mobility community (+8): floor(4019 / 35) = 114. */
    struct nvo_bgp_attrs mm = evpn_attrs(true, 1);
    ck_assert_uint_eq(nvo_bgp_pack_capacity(&mm, false, 35, 4096), 114);

    /* Withdrawals: only MP_UNREACH_NLRI, 30 fixed bytes:
     * floor((4096 - 30) / 39) = 104 MAC+IPv4 routes, 116 MAC-only. */
    ck_assert_uint_eq(nvo_bgp_pack_msg_size(&a, true, 39), 23 + 3 + 3 + 39);
    ck_assert_uint_eq(fit(&a, true, 32, 1, 4096, 105, &k), 104);
    ck_assert_uint_eq(k, 2);
    ck_assert_uint_eq(fit(&a, true, 0, 1, 4096, 117, &k), 116);
    ck_assert_uint_eq(k, 2);

    /* Type 3 routes with the PMSI attribute (12 bytes): 19 bytes each,
     * floor((4096 - 81) / 19) = 211 share an UPDATE when their attributes
     * are identical (a per-VNI label or RT splits them). */
    struct nvo_bgp_attrs im = imet_attrs();
    ck_assert_uint_eq(nvo_bgp_pack_msg_size(&im, false, 19), 99);
    ck_assert_uint_eq(nvo_bgp_pack_capacity(&im, false, 19, 4096), 211);
    struct nvo_evpn_route t3[212];
    for (size_t i = 0; i < 212; i++) {
        t3[i] = imet((uint32_t) i);
    }
    struct nvo_bgp_msgs m;
    ck_assert_int_eq(nvo_bgp_pack_evpn(&im, false, t3, 212, 4096, &m), 0);
    ck_assert_uint_eq(m.n, 2);
    ck_assert_uint_eq(m.ofs[1], 81 + 211 * 19);
    ck_assert_uint_eq(m.len - m.ofs[1], 99);
    nvo_bgp_msgs_free(&m);

    /* Refusals: no routes, a route that does not fit alone. */
    ck_assert_int_eq(nvo_bgp_pack_evpn(&a, false, t3, 0, 4096, &m), EINVAL);
    ck_assert_int_eq(nvo_bgp_pack_evpn(&a, false, t3, 1, 80, &m), EMSGSIZE);
}
END_TEST

/* ---- Malformed input --------------------------------------------------- */

/* Decodes 'm' as a whole message (header, then the body decoder of its
 * type) and asserts error code/subcode. */
static void
expect_error(const uint8_t *m, size_t len, uint8_t code, uint8_t subcode,
             const char *what)
{
    struct nvo_bgp_error e = { 0 };
    uint8_t type;
    size_t ml;
    int rc = nvo_bgp_hdr_decode(m, len, NVO_BGP_MAX_LEN, &type, &ml, &e);
    if (rc == 0) {
        union {
            struct nvo_bgp_open o;
            struct nvo_bgp_update u;
            struct nvo_bgp_notification n;
            struct nvo_bgp_route_refresh r;
        } x;
        switch (type) {
        case NVO_BGP_OPEN: rc = nvo_bgp_open_decode(m, ml, &x.o, &e); break;
        case NVO_BGP_UPDATE: rc = nvo_bgp_update_decode(m, ml, &x.u, &e);
            break;
        case NVO_BGP_NOTIFICATION:
            rc = nvo_bgp_notification_decode(m, ml, &x.n, &e);
            break;
        case NVO_BGP_ROUTE_REFRESH:
            rc = nvo_bgp_route_refresh_decode(m, ml, &x.r, &e);
            break;
        default: break;
        }
    }
    ck_assert_msg(rc == EBADMSG, "%s: accepted", what);
    ck_assert_msg(e.code == code && e.subcode == subcode,
                  "%s: error %u/%u (%s), want %u/%u", what, e.code,
                  e.subcode, e.reason, code, subcode);
    ck_assert_msg(e.reason[0], "%s: no reason", what);
    ck_assert_uint_le(e.data_ofs + e.data_len, len);
}

/* A copy of T2_HEX with byte 'at' set to 'v' (at < 0: none). */
static size_t
t2_with(uint8_t *buf, long at, uint8_t v)
{
    size_t n = hex(T2_HEX, buf, 512);
    if (at >= 0) {
        buf[at] = v;
    }
    return n;
}

START_TEST(test_malformed)
{
    uint8_t m[512];
    size_t n;
    /* Header (RFC 4271 6.1). */
    n = hex(MARKER "0013 04", m, sizeof m);
    expect_error(m, 18, 1, 2, "truncated header");
    m[3] = 0xfe;
    expect_error(m, n, 1, 1, "bad marker");
    n = hex(MARKER "0012 04", m, sizeof m);
    expect_error(m, n, 1, 2, "length 18");
    n = hex(MARKER "0014 04 00", m, sizeof m);
    expect_error(m, n, 1, 2, "KEEPALIVE of 20");
    n = hex(MARKER "1001 02", m, sizeof m);
    expect_error(m, n, 1, 2, "length 4097");
    n = hex(MARKER "0013 06", m, sizeof m);
    expect_error(m, n, 1, 3, "type 6");
    n = hex(MARKER "0016 02 0000", m, sizeof m);
    expect_error(m, n, 1, 2, "UPDATE of 22");
    n = hex(MARKER "0016 05 0019 00", m, sizeof m);
    expect_error(m, n, 1, 2, "ROUTE-REFRESH of 22");
    /* RFC 7313 5: a longer one is Invalid Message Length, 7/1, with the
     * whole message as data. */
    n = hex(MARKER "0018 05 0019 01 46 00", m, sizeof m);
    expect_error(m, n, 7, 1, "ROUTE-REFRESH of 24");
    struct nvo_bgp_error e;
    {
        struct nvo_bgp_route_refresh rr;
        ck_assert_int_eq(nvo_bgp_route_refresh_decode(m, n, &rr, &e),
                         EBADMSG);
        ck_assert_uint_eq(e.data_len, 24);
    }
    /* An OPEN over 4096 bytes even with extended messages (RFC 8654 4);
     * an UPDATE of 5000 bytes only with them. */
    n = hex(MARKER "1388 01", m, sizeof m);
    {
        uint8_t type;
        size_t ml;
        ck_assert_int_eq(nvo_bgp_hdr_decode(m, 5000, NVO_BGP_EXT_MAX_LEN,
                                            &type, &ml, &e), EBADMSG);
        ck_assert_uint_eq(e.code, 1);
        ck_assert_uint_eq(e.subcode, 2);
        m[18] = 2;
        ck_assert_int_eq(nvo_bgp_hdr_decode(m, 5000, NVO_BGP_MAX_LEN, &type,
                                            &ml, &e), EBADMSG);
        ck_assert_int_eq(nvo_bgp_hdr_decode(m, 5000, NVO_BGP_EXT_MAX_LEN,
                                            &type, &ml, &e), 0);
        ck_assert_uint_eq(ml, 5000);
    }
    /* The NOTIFICATION for a bad length carries the length field
     * (RFC 4271 6.1); for a bad marker nothing. */
    n = hex(MARKER "0012 04", m, sizeof m);
    {
        uint8_t type, nb[64];
        size_t ml;
        ck_assert_int_eq(nvo_bgp_hdr_decode(m, n, NVO_BGP_MAX_LEN, &type,
                                            &ml, &e), EBADMSG);
        struct nvo_bgp_buf b = nvo_bgp_buf_init(nb, sizeof nb);
        size_t l = nvo_bgp_notification_from_error(&b, &e, m);
        assert_bytes(nb, l, MARKER "0017 03 01 02 0012");
        m[0] = 0;
        ck_assert_int_eq(nvo_bgp_hdr_decode(m, n, NVO_BGP_MAX_LEN, &type,
                                            &ml, &e), EBADMSG);
        b = nvo_bgp_buf_init(nb, sizeof nb);
        l = nvo_bgp_notification_from_error(&b, &e, m);
        assert_bytes(nb, l, MARKER "0015 03 01 01");
    }
    /* A message shorter than its length field (truncated). */
    n = t2_with(m, -1, 0);
    for (size_t cut = 0; cut < n; cut++) {
        expect_error(m, cut, 1, 2, "truncated UPDATE");
    }

    /* OPEN (6.2). */
    n = hex(OPEN_HEX, m, sizeof m);
    m[19] = 3;
    expect_error(m, n, 2, 1, "version 3");
    n = hex(OPEN_HEX, m, sizeof m);
    m[23] = 2;                              /* hold time 2 s */
    expect_error(m, n, 2, 6, "hold time 2");
    n = hex(OPEN_HEX, m, sizeof m);
    memset(m + 24, 0, 4);
    expect_error(m, n, 2, 3, "BGP id 0");
    n = hex(OPEN_HEX, m, sizeof m);
    m[29] = 1;                              /* parameter type 1 */
    expect_error(m, n, 2, 4, "parameter type 1");
    n = hex(OPEN_HEX, m, sizeof m);
    m[28] = 17;                             /* opt len past the end */
    expect_error(m, n, 2, 0, "optional parameters length");
    n = hex(OPEN_HEX, m, sizeof m);
    m[30] = 15;                             /* capabilities past param */
    expect_error(m, n, 2, 0, "parameter length");
    n = hex(OPEN_HEX, m, sizeof m);
    m[40] = 3;                              /* AS4 capability length 3 */
    expect_error(m, n, 2, 0, "capability length");
    n = hex(OPEN_HEX, m, sizeof m);
    m[44] = 0xe9;                           /* AS4 65001 != My AS 65000 */
    expect_error(m, n, 2, 2, "AS mismatch");

    /* UPDATE (6.3). */
    n = t2_with(m, 20, 0x60);               /* withdrawn length 96 */
    expect_error(m, n, 3, 1, "withdrawn length past the end");
    n = t2_with(m, 22, 0x55);               /* attribute length 85 */
    expect_error(m, n, 3, 1, "attribute total past the end");
    n = t2_with(m, 25, 0x02);               /* ORIGIN length 2 */
    expect_error(m, n, 3, 5, "ORIGIN length");
    n = t2_with(m, 26, 0x03);               /* ORIGIN 3 */
    expect_error(m, n, 3, 6, "ORIGIN value");
    n = t2_with(m, 23, 0xc0);               /* ORIGIN optional */
    expect_error(m, n, 3, 4, "ORIGIN flags");
    n = t2_with(m, 56, 0x40);               /* MP_REACH transitive */
    expect_error(m, n, 3, 4, "MP_REACH flags");
    n = t2_with(m, 29, 0x01);               /* AS_PATH of 1 byte: 0x40 */
    expect_error(m, n, 3, 11, "AS_PATH of one byte");
    n = t2_with(m, 32, 0x03);               /* LOCAL_PREF length 3 */
    expect_error(m, n, 3, 5, "LOCAL_PREF length");
    n = t2_with(m, 39, 0x0f);               /* ext communities 15 */
    expect_error(m, n, 3, 5, "extended communities length");
    n = t2_with(m, 58, 0x31);               /* MP_REACH length 49 */
    expect_error(m, n, 3, 1, "attribute length past the end");
    n = t2_with(m, 62, 0x05);               /* next-hop length 5 */
    expect_error(m, n, 3, 9, "next-hop length");
    n = t2_with(m, 69, 0x24);               /* EVPN route length 36 */
    expect_error(m, n, 3, 9, "EVPN route length");
    n = t2_with(m, 69, 0x26);               /* EVPN route past the field */
    expect_error(m, n, 3, 9, "EVPN route past the NLRI");
    n = t2_with(m, 92, 0x2f);               /* MAC length 47 */
    expect_error(m, n, 3, 9, "MAC length");
    n = t2_with(m, 99, 0x18);               /* IP length 24 */
    expect_error(m, n, 3, 9, "IP length");
    n = t2_with(m, 31, 0x02);               /* LOCAL_PREF -> AS_PATH */
    expect_error(m, n, 3, 1, "duplicate AS_PATH");
    n = t2_with(m, 31, 0x30);               /* well-known type 48 */
    expect_error(m, n, 3, 2, "unrecognized well-known");
    /* Missing ORIGIN: make it an unknown optional attribute 200. */
    n = t2_with(m, 23, 0xc0);
    m[24] = 200;
    expect_error(m, n, 3, 3, "missing ORIGIN");
    {
        /* The NOTIFICATION's data is the missing type code. */
        struct nvo_bgp_update u;
        ck_assert_int_eq(nvo_bgp_update_decode(m, n, &u, &e), EBADMSG);
        uint8_t nb[64];
        struct nvo_bgp_buf b = nvo_bgp_buf_init(nb, sizeof nb);
        size_t l = nvo_bgp_notification_from_error(&b, &e, m);
        assert_bytes(nb, l, MARKER "0016 03 03 03 01");
    }
    /* The attribute area ends inside an attribute header. */
    n = hex(MARKER "0019 02 0000 0002 4001", m, sizeof m);
    expect_error(m, n, 3, 1, "attribute header truncated");
    /* IPv4 NLRI and withdrawn routes (3/10), NEXT_HOP (3/8). */
    n = hex(MARKER "001d 02 0000 0000 21 0a000001 00", m, sizeof m);
    expect_error(m, n, 3, 10, "prefix of 33 bits");
    n = hex(MARKER "0019 02 0002 1808 0000", m, sizeof m);
    expect_error(m, n, 3, 10, "withdrawn prefix past its field");
    n = hex(MARKER "002d 02 0000 0014 40010100 400206 0202 0000fde8"
            " 400304 0a000001 080a", m, sizeof m);
    expect_error(m, n, 3, 11, "AS_PATH segment of 2 bytes");
    n = hex(MARKER "0027 02 0000 000e 40010100 400200 40 03 04 00000000"
            " 08 0a", m, sizeof m);
    expect_error(m, n, 3, 8, "NEXT_HOP 0.0.0.0");
    /* ... which with next hop 10.0.0.1 is a valid IPv4 UPDATE. */
    m[33] = 10;
    m[36] = 1;
    struct nvo_bgp_update u;
    decode_update_ok(m, n, &u);
    ck_assert_uint_eq(u.n_nlri, 1);
    ck_assert_uint_eq(u.attrs.next_hop, 0x0a000001);
    n = hex(MARKER "0020 02 0000 0007 40010100 400200 08 0a", m, sizeof m);
    expect_error(m, n, 3, 3, "NLRI without NEXT_HOP");
    /* PMSI: ingress replication with a 3-byte id. */
    n = hex(MARKER "0029 02 0000 0012 40010100 400200 c0 16 08 00 06 002774"
            " c00002", m, sizeof m);
    expect_error(m, n, 3, 9, "PMSI length");
    /* VPLS NLRI with length 18. */
    n = vpls_update(m, sizeof m);
    m[n - 19 + 1] = 18;
    expect_error(m, n, 3, 9, "VPLS NLRI length");
    /* MP_UNREACH of 2 bytes. */
    n = hex(MARKER "001c 02 0000 0005 80 0f 02 0019", m, sizeof m);
    expect_error(m, n, 3, 9, "MP_UNREACH of 2 bytes");
}
END_TEST

/* Every single-byte corruption and truncation of each golden message is
 * either accepted or refused with a reason, never read out of bounds
 * (the fuzz target does this at scale). */
START_TEST(test_corruptions_bounded)
{
    const char *const golden[] = { OPEN_HEX, T2_HEX };
    size_t refused = 0, accepted = 0;
    for (size_t g = 0; g < NVO_ARRAY_SIZE(golden); g++) {
        uint8_t orig[512];
        size_t n = hex(golden[g], orig, sizeof orig);
        for (size_t i = 0; i < n; i++) {
            for (unsigned v = 0; v < 256; v += 17) {
                uint8_t *m = malloc(n);
                memcpy(m, orig, n);
                m[i] = (uint8_t) v;
                struct nvo_bgp_error e;
                uint8_t type;
                size_t ml;
                int rc = nvo_bgp_hdr_decode(m, n, NVO_BGP_MAX_LEN, &type,
                                            &ml, &e);
                if (!rc && type == NVO_BGP_OPEN) {
                    struct nvo_bgp_open o;
                    rc = nvo_bgp_open_decode(m, ml, &o, &e);
                } else if (!rc && type == NVO_BGP_UPDATE) {
                    struct nvo_bgp_update u;
                    rc = nvo_bgp_update_decode(m, ml, &u, &e);
                }
                if (rc) {
                    ck_assert(e.code >= 1 && e.code <= 7 && e.reason[0]);
                    refused++;
                } else {
                    accepted++;
                }
                free(m);
            }
        }
    }
    /* Both outcomes occur (a corrupted MAC is still a valid route). */
    ck_assert_uint_gt(refused, 100);
    ck_assert_uint_gt(accepted, 100);
}
END_TEST

/* ---- tshark ------------------------------------------------------------ */

/* One frame PE1:40000 -> RR 10.255.0.1:179 carrying 'msg'. */
static void
write_frame(struct nvo_pcap_out *out, uint32_t *seq, const uint8_t *msg,
            size_t len, nvo_time_t t)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, 64, (uint32_t) len + 128);
    struct nvo_frame_spec s = {
        .src_mac = { 0x02, 0, 0, 0, 0, 1 }, .dst_mac = { 0x02, 0, 0, 0, 0, 2 },
        .src_ip4 = PE1, .dst_ip4 = 0x0aff0001, .tos = 0xc0 /* CS6 */,
        .proto = NVO_IPPROTO_TCP, .sport = 40000, .dport = NVO_BGP_PORT,
        .tcp_seq = *seq, .tcp_ack = 1, .tcp_flags = NVO_TCP_ACK | NVO_TCP_PSH,
    };
    p->payload_size = (uint32_t) len;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    p->payload_size = 0;
    memcpy(nvo_pkt_put(p, (uint32_t) len), msg, len);
    /* The TCP checksum over the real message bytes. */
    uint8_t *l3 = p->data + NVO_ETH_LEN, *l4 = l3 + NVO_IPV4_LEN;
    nvo_wr16(l4 + 16, 0);
    nvo_wr16(l4 + 16, nvo_l4_csum(l3, NVO_IPPROTO_TCP, l4,
                                  NVO_TCP_LEN + len,
                                  (uint32_t) (NVO_TCP_LEN + len)));
    ck_assert_int_eq(nvo_pcap_out_write(out, t, p), 0);
    *seq += (uint32_t) len;
    nvo_pkt_free(p);
}

START_TEST(test_tshark_decodes)
{
    nvo_test_require_tshark();
    char *dir = nvo_test_tmpdir("bgp");
    char path[1024];
    snprintf(path, sizeof path, "%s/bgp.pcap", dir);
    struct nvo_pcap_out *out;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &out, err, sizeof err), 0);
    uint32_t seq = 1;
    nvo_time_t t = 0;
    uint8_t buf[4200];
    size_t l;
    struct nvo_bgp_buf b;

    /* 1 OPEN */
    l = hex(OPEN_HEX, buf, sizeof buf);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 2 KEEPALIVE */
    b = nvo_bgp_buf_init(buf, sizeof buf);
    l = nvo_bgp_keepalive_encode(&b);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 3 MAC+IPv4 type 2 */
    struct nvo_bgp_attrs a = evpn_attrs(false, 0);
    struct nvo_evpn_route rt = type2(1, 32, 1);
    l = update_one(buf, sizeof buf, &a, &rt);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 4 MAC-only, mobility sequence 3 */
    a = evpn_attrs(true, 3);
    rt = type2(2, 0, 1);
    l = update_one(buf, sizeof buf, &a, &rt);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 5 IMET with ingress replication */
    a = imet_attrs();
    rt = imet(0);
    l = update_one(buf, sizeof buf, &a, &rt);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 6 reflected MAC+IPv6 with two labels */
    a = evpn_attrs(false, 0);
    uint8_t cl[4] = { 10, 255, 0, 1 };
    a.present |= 1u << NVO_BGP_ATTR_ORIGINATOR_ID
               | 1u << NVO_BGP_ATTR_CLUSTER_LIST;
    a.originator_id = 0xc0000202;
    a.cluster_list = cl;
    a.n_clusters = 1;
    rt = type2(3, 128, 2);
    l = update_one(buf, sizeof buf, &a, &rt);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 7 VPLS */
    l = vpls_update(buf, sizeof buf);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 8 a full UPDATE of 103 routes (4086 bytes) */
    struct nvo_evpn_route r103[103];
    for (uint32_t i = 0; i < 103; i++) {
        r103[i] = type2(i + 16, 32, 1);
    }
    a = evpn_attrs(false, 0);
    struct nvo_bgp_msgs m;
    ck_assert_int_eq(nvo_bgp_pack_evpn(&a, false, r103, 103, 4096, &m), 0);
    ck_assert_uint_eq(m.n, 1);
    ck_assert_uint_eq(m.len, 4086);
    write_frame(out, &seq, m.buf, m.len, t += NVO_US);
    nvo_bgp_msgs_free(&m);
    /* 9 withdrawal of one type 2 */
    rt = type2(1, 32, 1);
    ck_assert_int_eq(nvo_bgp_pack_evpn(&a, true, &rt, 1, 4096, &m), 0);
    write_frame(out, &seq, m.buf, m.len, t += NVO_US);
    nvo_bgp_msgs_free(&m);
    /* 10 End-of-RIB, 11 ROUTE-REFRESH, 12 NOTIFICATION */
    b = nvo_bgp_buf_init(buf, sizeof buf);
    l = nvo_bgp_eor_encode(&b, 25, 70);
    write_frame(out, &seq, buf, l, t += NVO_US);
    b = nvo_bgp_buf_init(buf, sizeof buf);
    struct nvo_bgp_route_refresh rr = { .afi = 25, .safi = 70 };
    l = nvo_bgp_route_refresh_encode(&b, &rr);
    write_frame(out, &seq, buf, l, t += NVO_US);
    b = nvo_bgp_buf_init(buf, sizeof buf);
    struct nvo_bgp_notification nt = { .code = 6, .subcode = 2 };
    l = nvo_bgp_notification_encode(&b, &nt);
    write_frame(out, &seq, buf, l, t += NVO_US);
    /* 13 IMET with a PIM-SM tree (sender 10.255.0.1, group 239.1.1.1),
     * 14 with a BIDIR-PIM tree (RP 10.255.0.2, group 239.1.1.2) */
    static const uint8_t pim_types[2] = { NVO_PMSI_PIM_SM,
                                          NVO_PMSI_BIDIR_PIM };
    for (uint32_t i = 0; i < 2; i++) {
        a = imet_attrs();
        a.pmsi = (struct nvo_bgp_pmsi) { .type = pim_types[i], .label = VNI,
                                         .id_len = 8 };
        nvo_wr32(a.pmsi.id, 0x0aff0001 + i);
        nvo_wr32(a.pmsi.id + 4, 0xef010101 + i);
        rt = imet(0);
        l = update_one(buf, sizeof buf, &a, &rt);
        write_frame(out, &seq, buf, l, t += NVO_US);
    }
    ck_assert_int_eq(nvo_pcap_out_close(out, err, sizeof err), 0);

    static char lines[16][16384];
    /* EVPN fields.  RDs are printed as their 8 bytes in hex; the
     * withdrawal (frame 9) carries no Encapsulation community, so tshark
     * shows its label field as an MPLS label, 10100 >> 4 = 631
     * (interop.md). */
    const char *f1 =
        "-Y 'frame.number <= 12' -T fields -E separator=/t -E occurrence=a -E aggregator=, "
        "-e bgp.type -e bgp.evpn.nlri.rt -e bgp.evpn.nlri.rd "
        "-e bgp.evpn.nlri.mac_addr -e bgp.evpn.nlri.ip.addr "
        "-e bgp.evpn.nlri.ipv6.addr -e bgp.evpn.nlri.vni "
        "-e bgp.evpn.nlri.mpls_ls1 -e bgp.ext_com_evpn.mmac.seq "
        "-e bgp.update.path_attribute.pmsi.tunnel.type "
        "-e bgp.update.path_attribute.pmsi.ingress_rep_ip "
        "-e bgp.update.path_attribute.originator_id "
        "-e bgp.path_attribute.cluster_id -e bgp.ext_com.tunnel_type "
        "-e bgp.ext_com.value_as2 -e bgp.ext_com.value_an4";
    static const char *const want1[12] = {
        /* type|rt|rd|mac|ip|ipv6|vni|mpls_ls1|mm seq|pmsi type|IR ip|
         * originator|cluster|tunnel type|RT AS|RT number */
        "1|||||||||||||||",
        "4|||||||||||||||",
        "2|2|0001c00002010064|00:50:56:00:00:01|10.0.0.1||10100|||||||8|65000|10100",
        "2|2|0001c00002010064|00:50:56:00:00:02|||10100||3|||||8|65000|10100",
        "2|3|0001c00002010064||192.0.2.1||10100|||6|192.0.2.1|||8|65000|10100",
        "2|2|0001c00002010064|00:50:56:00:00:03||2001:db8::3|10100,50000|||||"
            "192.0.2.2|10.255.0.1|8|65000|10100",
        "2||||||||||||||65000|200",
        NULL,                   /* 103 routes: checked below */
        "2|2|0001c00002010064|00:50:56:00:00:01|10.0.0.1|||631||||||||",
        "2|||||||||||||||",
        "5|||||||||||||||",
        "3|||||||||||||||",
    };
    /* OPEN, VPLS, End-of-RIB, ROUTE-REFRESH, NOTIFICATION fields. */
    const char *f2 =
        "-Y 'frame.number <= 12' -T fields -E separator=/t -E occurrence=a -E aggregator=, "
        "-e bgp.type -e bgp.open.myas -e bgp.open.holdtime "
        "-e bgp.open.identifier -e bgp.cap.type -e bgp.cap.mp.afi "
        "-e bgp.cap.mp.safi -e bgp.vplsbgp.ce_id "
        "-e bgp.vplsbgp.labelblock.offset -e bgp.vplsbgp.labelblock.size "
        "-e bgp.vplsbgp.labelblock.base -e bgp.ext_com_l2.l2_mtu "
        "-e bgp.update.path_attribute.mp_unreach_nlri.afi "
        "-e bgp.update.path_attribute.mp_unreach_nlri.safi "
        "-e bgp.route_refresh.afi -e bgp.route_refresh.safi "
        "-e bgp.notify.major_error -e bgp.notify.minor_error_cease";
    static const char *const want2[12] = {
        /* type|My AS|hold|id|caps|MP AFI|SAFI|VE ID|offset|size|base|MTU|
         * unreach AFI|SAFI|RR AFI|SAFI|error|cease subcode */
        "1|65000|180|192.0.2.1|1,2,65|25|70|||||||||||",
        "4|||||||||||||||||",
        "2|||||||||||||||||",
        "2|||||||||||||||||",
        "2|||||||||||||||||",
        "2|||||||||||||||||",
        "2|||||||1|1|10|100000 (bottom)|1500||||||",
        "2|||||||||||||||||",
        "2||||||||||||25|70||||",
        "2||||||||||||25|70||||",
        "5||||||||||||||25|70||",
        "3||||||||||||||||6|2",
    };
    const char *const fs[2] = { f1, f2 };
    const char *const *wants[2] = { want1, want2 };
    for (size_t k = 0; k < 2; k++) {
        size_t n = run_tshark(path, fs[k], lines, 16);
        ck_assert_uint_eq(n, 12);
        for (size_t i = 0; i < 12; i++) {
            for (char *q = lines[i]; *q; q++) {
                *q = *q == '\t' ? '|' : *q;
            }
            if (wants[k][i]) {
                ck_assert_msg(!strcmp(lines[i], wants[k][i]),
                              "frame %zu: tshark says\n%s\nwant\n%s", i + 1,
                              lines[i], wants[k][i]);
            }
        }
        if (k == 0) {
            /* Frame 8: 103 MACs, the last 00:50:56:00:00:76 (16 + 102 =
             * 0x76), and 103 VNIs of 10100. */
            char *cols[8] = { 0 };
            char *q = lines[7];
            for (size_t c = 0; c < 8 && q; c++) {
                cols[c] = q;
                q = strchr(q, '|');
                if (q) {
                    *q++ = 0;
                }
            }
            ck_assert_ptr_nonnull(cols[6]);
            size_t n_mac = 1, n_vni = 1;
            for (const char *x = cols[3]; *x; x++) {
                n_mac += *x == ',';
            }
            for (const char *x = cols[6]; *x; x++) {
                ck_assert(*x == ',' || (*x >= '0' && *x <= '9'));
                n_vni += *x == ',';
            }
            ck_assert_uint_eq(n_mac, 103);
            ck_assert_uint_eq(n_vni, 103);
            ck_assert_str_eq(cols[3] + strlen(cols[3]) - 17,
                             "00:50:56:00:00:76");
            ck_assert_str_eq(cols[6] + strlen(cols[6]) - 6, ",10100");
        }
    }

    /* The PMSI tunnels: ingress replication (frame 5), PIM-SM (13),
     * BIDIR-PIM (14); the VNI from the PMSI label. */
    size_t np = run_tshark(path, "-Y bgp.update.path_attribute.pmsi.tunnel.type "
        "-T fields -E separator=/t -e frame.number "
        "-e bgp.update.path_attribute.pmsi.tunnel.type "
        "-e bgp.update.path_attribute.pmsi.ingress_rep_ip "
        "-e bgp.update.path_attribute.pmsi.pimsm.sender_address "
        "-e bgp.update.path_attribute.pmsi.pimsm.pmulticast_group "
        "-e bgp.update.path_attribute.pmsi.bidir_pim_tree.sender "
        "-e bgp.update.path_attribute.pmsi.bidir_pim_tree.pmulticast_group "
        "-e bgp.evpn.nlri.vni", lines, 16);
    ck_assert_uint_eq(np, 3);
    static const char *const want_pmsi[3] = {
        "5|6|192.0.2.1|||||10100",
        "13|4||10.255.0.1|239.1.1.1|||10100",
        "14|5||||10.255.0.2|239.1.1.2|10100",
    };
    for (size_t i = 0; i < 3; i++) {
        for (char *q = lines[i]; *q; q++) {
            *q = *q == '\t' ? '|' : *q;
        }
        ck_assert_msg(!strcmp(lines[i], want_pmsi[i]), "PMSI %zu: tshark "
                      "says %s, want %s", i, lines[i], want_pmsi[i]);
    }

    /* No malformed packet, no expert error or warning. */
    size_t n = run_tshark(path, "-z expert -q", lines, 16);
    for (size_t i = 0; i < NVO_MIN(n, (size_t) 16); i++) {
        ck_assert_msg(strncmp(lines[i], "Errors", 6)
                      && strncmp(lines[i], "Warns", 5)
                      && !strstr(lines[i], "Malformed"),
                      "tshark expert: %s", lines[i]);
    }
    n = run_tshark(path, "-Y '_ws.malformed || _ws.expert.severity >= warning'"
                   " -T fields -e frame.number", lines, 16);
    ck_assert_uint_eq(n, 0);
    if (!getenv("NVO_TEST_KEEP")) {
        remove(path);
        remove(dir);
    }
    free(dir);
}
END_TEST

static Suite *
bgp_suite(void)
{
    Suite *s = suite_create("bgp");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, test_open_golden);
    tcase_add_test(tc, test_small_messages_golden);
    tcase_add_test(tc, test_update_type2_golden);
    tcase_add_test(tc, test_update_mobility_golden);
    tcase_add_test(tc, test_update_imet_golden);
    tcase_add_test(tc, test_update_reflected_golden);
    tcase_add_test(tc, test_attrs_decode);
    tcase_add_test(tc, test_update_vpls_golden);
    tcase_add_test(tc, test_unknown_attribute_opaque);
    tcase_add_test(tc, test_nlri_round_trip);
    tcase_add_test(tc, test_packing_figures);
    tcase_add_test(tc, test_malformed);
    tcase_add_test(tc, test_corruptions_bounded);
    suite_add_tcase(s, tc);
    TCase *ts = tcase_create("tshark");
    tcase_add_test(ts, test_tshark_decodes);
    suite_add_tcase(s, ts);
    return s;
}

int
main(void)
{
    nvo_pkt_pool_init(&pool);
    int rc = nvo_test_run(bgp_suite());
    nvo_pkt_pool_destroy(&pool);
    return rc;
}
