/* test_mrt.c: the MRT writer (io/mrt.h): the exact bytes of BGP4MP_ET
 * MESSAGE_AS4 records read back from the file, refusals, the file
 * written whole or not at all, and bgpdump (an independent reader)
 * reading the records' headers, peers and message types. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "core/fileio.h"
#include "io/mrt.h"
#include "wire/bgp.h"
#include "wire/bgp_attr.h"

#define EPOCH 1700000000u       /* 2023-11-14 22:13:20 UTC */

static const struct nvo_mrt_peer PEER = {
    .peer_as = 65000, .local_as = 65000, .ifindex = 0,
    .peer_ip = { 192, 0, 2, 1 }, .local_ip = { 10, 255, 0, 1 },
};

/* The writer with three records: KEEPALIVE at 1.5 s, OPEN at 2.000001 s,
 * End-of-RIB at 3 s. */
static struct nvo_mrt_writer *
three_records(void)
{
    struct nvo_mrt_writer *w = nvo_mrt_writer_new(EPOCH);
    uint8_t buf[128];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(buf, sizeof buf);
    size_t l = nvo_bgp_keepalive_encode(&b);
    ck_assert_int_eq(nvo_mrt_add(w, NVO_SEC + NVO_SEC / 2, &PEER, buf, l), 0);
    struct nvo_bgp_open o = {
        .as = 65000, .hold_time = 180, .bgp_id = 0xc0000201, .n_mp = 1,
        .mp = { { 25, 70 } }, .route_refresh = true, .as4 = true,
    };
    b = nvo_bgp_buf_init(buf, sizeof buf);
    l = nvo_bgp_open_encode(&b, &o);
    ck_assert_uint_eq(l, 45);
    ck_assert_int_eq(nvo_mrt_add(w, 2 * NVO_SEC + NVO_US, &PEER, buf, l), 0);
    b = nvo_bgp_buf_init(buf, sizeof buf);
    l = nvo_bgp_eor_encode(&b, 25, 70);
    ck_assert_int_eq(nvo_mrt_add(w, 3 * NVO_SEC, &PEER, buf, l), 0);
    return w;
}

START_TEST(test_record_bytes)
{
    struct nvo_mrt_writer *w = three_records();
    ck_assert_uint_eq(nvo_mrt_count(w), 3);
    char *dir = nvo_test_tmpdir("mrt");
    char path[1024];
    snprintf(path, sizeof path, "%s/updates.mrt", dir);
    ck_assert_int_eq(nvo_mrt_write_file(w, path), 0);
    char *text;
    size_t len;
    ck_assert_int_eq(nvo_file_read(path, 1 << 20, &text, &len), 0);
    /* Each record: 12 header + 4 us + 20 (IPv4 peer part) + message. */
    ck_assert_uint_eq(len, (36 + 19) + (36 + 45) + (36 + 29));
    static const uint8_t first[] = {
        0x65, 0x53, 0xf1, 0x01,         /* RFC 6396 2: 1700000001 s */
        0x00, 0x11,                     /* type 17 BGP4MP_ET */
        0x00, 0x04,                     /* subtype 4 MESSAGE_AS4 */
        0x00, 0x00, 0x00, 0x2b,         /* length 43: 4 + 20 + 19 */
        0x00, 0x07, 0xa1, 0x20,         /* RFC 6396 3: 500000 us */
        0x00, 0x00, 0xfd, 0xe8,         /* 4.4.3: peer AS 65000 */
        0x00, 0x00, 0xfd, 0xe8,         /* local AS 65000 */
        0x00, 0x00,                     /* interface index 0 */
        0x00, 0x01,                     /* AFI 1 IPv4 */
        192, 0, 2, 1,                   /* peer IP */
        10, 255, 0, 1,                  /* local IP */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,     /* KEEPALIVE */
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0x00, 0x13, 0x04,
    };
    ck_assert(!memcmp(text, first, sizeof first));
    const uint8_t *second = (const uint8_t *) text + sizeof first;
    ck_assert_uint_eq(nvo_rd32(second), EPOCH + 2);
    ck_assert_uint_eq(nvo_rd32(second + 8), 4 + 20 + 45);
    ck_assert_uint_eq(nvo_rd32(second + 12), 1);         /* 1 us */
    ck_assert_uint_eq(second[36 + 18], NVO_BGP_OPEN);
    const uint8_t *third = second + 36 + 45;
    ck_assert_uint_eq(nvo_rd32(third), EPOCH + 3);
    ck_assert_uint_eq(nvo_rd32(third + 12), 0);
    ck_assert_uint_eq(nvo_rd16(third + 36 + 16), 29);
    /* The in-memory records are the file's bytes. */
    size_t mlen;
    const uint8_t *mem = nvo_mrt_data(w, &mlen);
    ck_assert_uint_eq(mlen, len);
    ck_assert(!memcmp(mem, text, len));
    g_free(text);

    /* Refusals: negative time, past 2106, a message shorter than 19. */
    uint8_t ka[19];
    memset(ka, 0xff, 16);
    nvo_wr16(ka + 16, 19);
    ka[18] = 4;
    ck_assert_int_eq(nvo_mrt_add(w, -1, &PEER, ka, 19), EINVAL);
    struct nvo_mrt_writer *late = nvo_mrt_writer_new(UINT32_MAX - 1);
    ck_assert_int_eq(nvo_mrt_add(late, NVO_SEC, &PEER, ka, 19), 0);
    ck_assert_int_eq(nvo_mrt_add(late, 2 * NVO_SEC, &PEER, ka, 19), EINVAL);
    nvo_mrt_writer_free(late);
    ck_assert_int_eq(nvo_mrt_add(w, 0, &PEER, ka, 18), EINVAL);
    ck_assert_uint_eq(nvo_mrt_count(w), 3);
    /* IPv6 peers: AFI 2, 16-byte addresses. */
    struct nvo_mrt_peer p6 = PEER;
    p6.ipv6 = true;
    p6.peer_ip[0] = 0x20;
    ck_assert_int_eq(nvo_mrt_add(w, 0, &p6, ka, 19), 0);
    mem = nvo_mrt_data(w, &mlen);
    ck_assert_uint_eq(mlen, len + 12 + 4 + 12 + 32 + 19);
    ck_assert_uint_eq(nvo_rd32(mem + len + 8), 4 + 12 + 32 + 19);
    ck_assert_uint_eq(nvo_rd16(mem + len + 26), 2);

    /* Written whole or not at all: into a missing directory nothing is
     * left behind. */
    char bad[1100];
    snprintf(bad, sizeof bad, "%s/missing/x.mrt", dir);
    ck_assert_int_eq(nvo_mrt_write_file(w, bad), ENOENT);
    remove(path);
    remove(dir);
    free(dir);
    nvo_mrt_writer_free(w);
    nvo_mrt_writer_free(NULL);
}
END_TEST

/* bgpdump reads the records: type, time, peer and message type. */
START_TEST(test_bgpdump_reads)
{
    if (system("command -v bgpdump >/dev/null 2>&1") != 0) {
        ck_abort_msg("bgpdump is not installed: scripts/setup installs it "
                     "(Debian: apt-get install bgpdump)");
    }
    struct nvo_mrt_writer *w = three_records();
    char *dir = nvo_test_tmpdir("mrt");
    char path[1024], cmd[1200];
    snprintf(path, sizeof path, "%s/updates.mrt", dir);
    ck_assert_int_eq(nvo_mrt_write_file(w, path), 0);
    snprintf(cmd, sizeof cmd, "TZ=UTC bgpdump -v '%s' 2>/dev/null", path);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    /* bgpdump 1.6 names the subtype MESSAGE for MESSAGE_AS4 too; it reads
     * the 4-octet ASes and the microseconds. */
    static const char *const want[] = {
        "TIME: 11/14/23 22:13:21.500000",
        "TYPE: BGP4MP_ET/MESSAGE/Keepalive",
        "FROM: 192.0.2.1 AS65000",
        "TO: 10.255.0.1 AS65000",
        "",
        "TIME: 11/14/23 22:13:22.000001",
        "TYPE: BGP4MP_ET/MESSAGE/Open",
        "FROM: 192.0.2.1 AS65000",
        "TO: 10.255.0.1 AS65000",
        "VERSION: 4",
        "AS: 65000",
        "HOLD_TIME: 180",
        "ID: 192.0.2.1",
        "OPT_PARM_LEN: 16",
        "",
        "TIME: 11/14/23 22:13:23.000000",
        "TYPE: BGP4MP_ET/MESSAGE/Update",
        "FROM: 192.0.2.1 AS65000",
        "TO: 10.255.0.1 AS65000",
        "MP_UNREACH_NLRI",
    };
    char line[512];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        ck_assert_uint_lt(n, NVO_ARRAY_SIZE(want));
        ck_assert_str_eq(line, want[n]);
        n++;
    }
    ck_assert_int_eq(pclose(f), 0);
    ck_assert_uint_eq(n, NVO_ARRAY_SIZE(want));
    remove(path);
    remove(dir);
    free(dir);
    nvo_mrt_writer_free(w);
}
END_TEST

static Suite *
mrt_suite(void)
{
    Suite *s = suite_create("mrt");
    TCase *tc = tcase_create("mrt");
    tcase_add_test(tc, test_record_bytes);
    tcase_add_test(tc, test_bgpdump_reads);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(mrt_suite());
}
