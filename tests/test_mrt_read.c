/* test_mrt_read.c: the MRT reader (io/mrt_read.h) on records the writer
 * (io/mrt.h) made: offsets, timestamps, peers, the direction (subtype 4
 * received, 7 sent), the messages byte for byte; records of another type
 * skipped; and every truncation and bad length refused with the offset
 * of the fault. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "io/mrt.h"
#include "io/mrt_read.h"
#include "wire/bgp.h"
#include "wire/bgp_attr.h"

#define EPOCH 1700000000u

static const struct nvo_mrt_peer PEER = {
    .peer_as = 65000, .local_as = 65001, .ifindex = 3,
    .peer_ip = { 10, 0, 0, 3 }, .local_ip = { 10, 0, 0, 2 },
};

/* Records: KEEPALIVE received at 1.5 s (36 + 19 = 55 bytes, offset 0),
 * End-of-RIB sent at 2.000001 s (36 + 29 = 65, offset 55). */
static struct nvo_mrt_writer *
two_records(uint8_t ka[19], uint8_t eor[29])
{
    struct nvo_mrt_writer *w = nvo_mrt_writer_new(EPOCH);
    struct nvo_bgp_buf b = nvo_bgp_buf_init(ka, 19);
    ck_assert_uint_eq(nvo_bgp_keepalive_encode(&b), 19);
    ck_assert_int_eq(nvo_mrt_add(w, NVO_SEC + NVO_SEC / 2, &PEER, ka, 19), 0);
    b = nvo_bgp_buf_init(eor, 29);
    ck_assert_uint_eq(nvo_bgp_eor_encode(&b, 25, 70), 29);
    ck_assert_int_eq(nvo_mrt_add_sent(w, 2 * NVO_SEC + NVO_US, &PEER, eor,
                                      29), 0);
    return w;
}

START_TEST(test_read_back)
{
    uint8_t ka[19], eor[29];
    struct nvo_mrt_writer *w = two_records(ka, eor);
    size_t len;
    const uint8_t *d = nvo_mrt_data(w, &len);
    ck_assert_uint_eq(len, 55 + 65);
    /* The second record's subtype field (offset 55 + 6) is 7. */
    ck_assert_uint_eq(nvo_rd16(d + 61), 7);
    struct nvo_mrt_reader r = nvo_mrt_reader_init(d, len);
    struct nvo_mrt_record rec;
    char err[200];
    ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), 0);
    ck_assert_uint_eq(rec.ofs, 0);
    ck_assert_uint_eq(rec.ts_s, EPOCH + 1);
    ck_assert_uint_eq(rec.ts_us, 500000);
    ck_assert_uint_eq(rec.type, 17);
    ck_assert_uint_eq(rec.subtype, 4);
    ck_assert(!rec.sent);
    ck_assert_uint_eq(rec.peer.peer_as, 65000);
    ck_assert_uint_eq(rec.peer.local_as, 65001);
    ck_assert_uint_eq(rec.peer.ifindex, 3);
    ck_assert(!rec.peer.ipv6);
    ck_assert_mem_eq(rec.peer.peer_ip, PEER.peer_ip, 4);
    ck_assert_mem_eq(rec.peer.local_ip, PEER.local_ip, 4);
    ck_assert_uint_eq(rec.msg_ofs, 36);
    ck_assert_uint_eq(rec.msg_len, 19);
    ck_assert_uint_eq(rec.msg_type, NVO_BGP_KEEPALIVE);
    ck_assert_mem_eq(rec.msg, ka, 19);
    ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), 0);
    ck_assert_uint_eq(rec.ofs, 55);
    ck_assert_uint_eq(rec.ts_s, EPOCH + 2);
    ck_assert_uint_eq(rec.ts_us, 1);
    ck_assert_uint_eq(rec.subtype, 7);
    ck_assert(rec.sent);
    ck_assert_uint_eq(rec.msg_ofs, 55 + 36);
    ck_assert_uint_eq(rec.msg_len, 29);
    ck_assert_uint_eq(rec.msg_type, NVO_BGP_UPDATE);
    ck_assert_mem_eq(rec.msg, eor, 29);
    ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), ENOENT);
    ck_assert_uint_eq(r.n_records, 2);
    ck_assert_uint_eq(r.n_skipped, 0);
    nvo_mrt_writer_free(w);
}
END_TEST

/* A record of another type (TABLE_DUMP_V2, 13, with a 5-byte body)
 * before the two: skipped and counted; the others read at 17 and 17 + 55. */
START_TEST(test_skip_other_types)
{
    uint8_t ka[19], eor[29];
    struct nvo_mrt_writer *w = two_records(ka, eor);
    size_t len;
    const uint8_t *d = nvo_mrt_data(w, &len);
    uint8_t *buf = malloc(17 + len);
    uint8_t other[17] = { 0x65, 0x53, 0xf1, 0x00, 0, 13, 0, 1, 0, 0, 0, 5,
                          1, 2, 3, 4, 5 };
    memcpy(buf, other, 17);
    memcpy(buf + 17, d, len);
    struct nvo_mrt_reader r = nvo_mrt_reader_init(buf, 17 + len);
    struct nvo_mrt_record rec;
    char err[200];
    ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), 0);
    ck_assert_uint_eq(rec.ofs, 17);
    ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), 0);
    ck_assert_uint_eq(rec.ofs, 17 + 55);
    ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), ENOENT);
    ck_assert_uint_eq(r.n_skipped, 1);
    free(buf);
    nvo_mrt_writer_free(w);
}
END_TEST

/* Errors at the first record of the file cut or altered. */
static void
expect_error(const uint8_t *d, size_t len, const char *want)
{
    struct nvo_mrt_reader r = nvo_mrt_reader_init(d, len);
    struct nvo_mrt_record rec;
    char err[200];
    int rc;
    while ((rc = nvo_mrt_next(&r, &rec, err, sizeof err)) == 0) {
    }
    ck_assert_int_eq(rc, EBADMSG);
    ck_assert_str_eq(err, want);
}

START_TEST(test_errors)
{
    uint8_t ka[19], eor[29];
    struct nvo_mrt_writer *w = two_records(ka, eor);
    size_t len;
    const uint8_t *d = nvo_mrt_data(w, &len);
    uint8_t b[120];
    ck_assert_uint_le(len, sizeof b);
    /* Every cut inside the second record (file lengths 56..119) fails;
     * at 55 + 1 .. 55 + 11 the header is short, beyond it the length
     * field (offset 55 + 8: 4 + 12 + 8 + 29 = 53) runs past the end. */
    for (size_t cut = 56; cut < len; cut++) {
        struct nvo_mrt_reader r = nvo_mrt_reader_init(d, cut);
        struct nvo_mrt_record rec;
        char err[200];
        ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), 0);
        ck_assert_int_eq(nvo_mrt_next(&r, &rec, err, sizeof err), EBADMSG);
        char want[200];
        if (cut < 67) {
            snprintf(want, sizeof want, "offset 55: truncated MRT record "
                     "header (fewer than 12 bytes left)");
        } else {
            snprintf(want, sizeof want, "offset 63: record length 53 runs "
                     "past the end of the file (%zu bytes left)", cut - 67);
        }
        ck_assert_str_eq(err, want);
    }
    /* The BGP length field (file offset 36 + 16) says 20, the record 19. */
    memcpy(b, d, len);
    b[36 + 17] = 20;
    expect_error(b, len, "offset 52: BGP message length field 20, but the "
                 "record holds 19 bytes");
    /* Address family 3 (offset 12 + 4 + 10). */
    memcpy(b, d, len);
    b[27] = 3;
    expect_error(b, len, "offset 26: address family 3 (expected 1 IPv4 or "
                 "2 IPv6)");
    /* Microseconds 1000000. */
    memcpy(b, d, len);
    nvo_wr32(b + 12, 1000000);
    expect_error(b, len, "offset 12: microseconds above 999999");
    /* A record length too short for the fields: 4 + 12 + 8 + 18. */
    memcpy(b, d, len);
    nvo_wr32(b + 8, 4 + 12 + 8 + 18);
    expect_error(b, len, "offset 36: BGP message shorter than its 19-byte "
                 "header");
    memcpy(b, d, len);
    nvo_wr32(b + 8, 4 + 12 + 7);
    expect_error(b, len, "offset 28: record too short for the peer and "
                 "local addresses");
    nvo_mrt_writer_free(w);
}
END_TEST

static Suite *
mrt_read_suite(void)
{
    Suite *s = suite_create("mrt_read");
    TCase *tc = tcase_create("mrt_read");
    tcase_add_test(tc, test_read_back);
    tcase_add_test(tc, test_skip_other_types);
    tcase_add_test(tc, test_errors);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(mrt_read_suite());
}
