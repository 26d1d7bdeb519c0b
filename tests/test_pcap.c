/* test_pcap.c: pcap_out.h, checked by an independent decoder.
 *
 * Writes one pcap with a frame per encapsulation (distinct VNI / VSID /
 * label each, plus MPLS in UDP with an entropy label, VXLAN over IPv6 and
 * a segmented STT frame), then decodes it with tshark and checks that
 * every frame decodes as the encapsulation with the right identifier,
 * that the inner frame decodes, and that tshark finds the IPv4, UDP and
 * TCP checksums correct.  tshark is required: without it the test fails
 * (CI installs it).  Also: golden bytes of the file and record headers,
 * snap length, zero-filled payload, the .tmp / rename protocol, errors.
 *
 * NVO_TEST_KEEP=1 keeps the files (their directory is printed). */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "encap.h"
#include "pcap_out.h"
#include "pkt.h"
#include "testutil.h"
#include "wire.h"

static struct nvo_pkt_pool pool;
static char *tmpdir;            /* one for the run; each test its files */

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

/* Removes the (flat) directory 'dir' and its files. */
static void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char path[4400];
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                remove(path);
            }
        }
        closedir(d);
    }
    if (rmdir(dir)) {
        fprintf(stderr, "test_pcap: could not remove %s\n", dir);
    }
}

static bool
exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static uint8_t *
slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    uint8_t *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            buf = realloc(buf, cap);
            ck_assert_ptr_nonnull(buf);
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        if (!r) {
            break;
        }
        n += r;
    }
    fclose(f);
    *size = n;
    return buf;
}

static uint32_t
le32(const uint8_t *b)
{
    return (uint32_t) b[0] | ((uint32_t) b[1] << 8) | ((uint32_t) b[2] << 16)
           | ((uint32_t) b[3] << 24);
}

/* A tenant frame: Ethernet / IPv4 10.0.0.1 > 10.0.0.2 / TCP 40000 > 80. */
static struct nvo_pkt *
make_inner(uint32_t payload)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec s = {
        .src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
        .dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
        .src_ip4 = 0x0a000001, .dst_ip4 = 0x0a000002,
        .proto = NVO_IPPROTO_TCP, .sport = 40000, .dport = 80,
        .tcp_seq = 1, .tcp_ack = 1,
    };
    p->payload_size = payload;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    return p;
}

static struct nvo_tunnel_cfg
outer_cfg(void)
{
    struct nvo_tunnel_cfg c = {
        .src_ip4 = 0xc0a80101, .dst_ip4 = 0xc0a80201,
        .src_ip6 = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, [15] = 1 },
        .dst_ip6 = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x02, [15] = 1 },
        .src_mac = { 0x02, 0xaa, 0, 0, 0, 0x01 },
        .dst_mac = { 0x02, 0xbb, 0, 0, 0, 0x01 },
    };
    return c;
}

enum {
    COL_NUM, COL_VXLAN, COL_GENEVE, COL_GRE_KEY, COL_STT, COL_MPLS,
    COL_IP_DST, COL_IPV6_DST, COL_LEN, COL_CAPLEN, COL_IP_CSUM,
    COL_UDP_CSUM, COL_GENEVE_OPT, COL_TIME, COL_N
};

#define TSHARK_FIELDS                                                       \
    "-e frame.number -e vxlan.vni -e geneve.vni -e gre.key "                \
    "-e stt.context_id -e mpls.label -e ip.dst -e ipv6.dst -e frame.len "   \
    "-e frame.cap_len -e ip.checksum.status -e udp.checksum.status "        \
    "-e geneve.option.class -e frame.time_epoch"

/* Wireshark checksum status values (epan/proto.h). */
#define CSUM_GOOD "1"
#define CSUM_NOT_PRESENT "3"

/* Splits 'line' at tabs into cols[]; returns the count. */
static size_t
split_tabs(char *line, char *cols[], size_t max)
{
    size_t n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        cols[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab) {
            break;
        }
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

static void
require_tshark(void)
{
    FILE *f = popen("tshark -v 2>/dev/null", "r");
    char buf[256] = "";
    bool ok = f && fgets(buf, sizeof buf, f) && strstr(buf, "TShark");
    if (f) {
        while (fgets(buf, sizeof buf, f)) {
        }
        ok = pclose(f) == 0 && ok;
    }
    ck_assert_msg(ok, "tshark is not installed or does not run: this test "
                  "needs it to decode the pcap independently (Debian/Ubuntu: "
                  "apt-get install tshark)");
}

/* Runs tshark with 'args' on 'path' and reads up to 'max' lines. */
static size_t
run_tshark(const char *path, const char *args, char lines[][1024], size_t max)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "tshark -r '%s' %s 2>/dev/null", path, args);
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = 0;
    char dummy[1024];
    while (fgets(n < max ? lines[n] : dummy, 1024, f)) {
        n++;
    }
    int status = pclose(f);
    ck_assert_msg(status == 0, "tshark failed (status %d): %s", status, cmd);
    if (getenv("NVO_TEST_KEEP")) {
        for (size_t i = 0; i < NVO_MIN(n, max); i++) {
            fputs(lines[i], stderr);
        }
    }
    return n;
}

/* Every comma-separated value of 'col' is 'want'. */
static bool
all_are(const char *col, const char *want)
{
    size_t n = strlen(want);
    if (!*col) {
        return false;
    }
    while (*col) {
        if (strncmp(col, want, n) || (col[n] && col[n] != ',')) {
            return false;
        }
        col += n + (col[n] == ',');
    }
    return true;
}

#define N_SEGS 7
#define INNER_LEN 154       /* Ethernet + IPv4 + TCP + 100 */

START_TEST(test_tshark_decodes_every_encap)
{
    require_tshark();

    char path[4096];
    snprintf(path, sizeof path, "%s/encaps.pcap", tmpdir);
    char err[256];
    struct nvo_pcap_out *po;
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);

    static const uint8_t geneve_opt[] = { 0x01, 0x02, 0x80, 0x01,
                                          0xde, 0xad, 0xbe, 0xef };
    static const struct {
        const char *encap;
        uint32_t vni;
        uint32_t label;
        bool el, ipv6;
        uint32_t overhead;
        const char *udp_csum;   /* udp.checksum.status of the outer UDP */
    } frames[] = {
        { "vxlan", 5001, 0, false, false, 50, CSUM_NOT_PRESENT },
        { "geneve", 5002, 0, false, false, 58, CSUM_NOT_PRESENT },
        { "nvgre", 5003, 0, false, false, 42, "" },
        { "stt", 5004, 0, false, false, 72, "" },
        { "mpls-gre", 0, 1001, false, false, 42, "" },
        { "mpls-ip", 0, 1002, false, false, 38, "" },
        { "mpls-udp", 0, 1003, false, false, 46, CSUM_NOT_PRESENT },
        { "mpls-udp", 0, 1004, true, false, 54, CSUM_NOT_PRESENT },
        { "vxlan", 5005, 0, false, true, 70, CSUM_GOOD },
        { "geneve", 5006, 0, false, true, 78, CSUM_GOOD },
        { "mpls-udp", 0, 1007, false, true, 66, CSUM_GOOD },
    };
    enum { N_FRAMES = NVO_ARRAY_SIZE(frames) };
    uint32_t el_value = 0;
    nvo_time_t t = 0;
    for (size_t i = 0; i < N_FRAMES; i++) {
        struct nvo_tunnel_cfg c = outer_cfg();
        c.ipv6 = frames[i].ipv6;
        c.vni = frames[i].vni;
        c.labels[0] = frames[i].label;
        c.n_labels = 1;
        c.entropy_label = frames[i].el;
        if (!strcmp(frames[i].encap, "geneve")) {
            memcpy(c.geneve_opts, geneve_opt, sizeof geneve_opt);
            c.geneve_opts_len = sizeof geneve_opt;
        }
        struct nvo_tunnel tun;
        ck_assert_int_eq(nvo_tunnel_build(&tun,
                                          nvo_encap_lookup(frames[i].encap),
                                          &c), 0);
        struct nvo_pkt *p = make_inner(100);
        tun.ops->push(&tun, p);
        ck_assert_uint_eq(nvo_pkt_len(p), INNER_LEN + frames[i].overhead);
        if (frames[i].el) {
            /* UDP 8, ELI 4, then the EL. */
            el_value = nvo_rd32(p->data + tun.l4_ofs + 8 + 4) >> 12;
        }
        t += 1500 * NVO_NS + 7;     /* the sub-nanosecond part is cut */
        ck_assert_int_eq(nvo_pcap_out_write(po, t, p), 0);
        nvo_pkt_free(p);
    }

    /* A 9000-byte inner frame over STT, in 7 segments: tshark reassembles
     * them and decodes the inner frame in the last one. */
    struct nvo_tunnel_cfg c = outer_cfg();
    c.vni = 5008;
    struct nvo_tunnel stt;
    ck_assert_int_eq(nvo_tunnel_build(&stt, &nvo_encap_stt_ops, &c), 0);
    struct nvo_pkt *big = make_inner(9000 - 54);
    stt.ops->push(&stt, big);
    struct nvo_pkt *segs[N_SEGS];
    ck_assert_uint_eq(nvo_stt_segment(big, 1500, segs, N_SEGS), N_SEGS);
    for (size_t i = 0; i < N_SEGS; i++) {
        t += 1500 * NVO_NS + 7;
        ck_assert_int_eq(nvo_pcap_out_write(po, t, segs[i]), 0);
        nvo_pkt_free(segs[i]);
    }
    ck_assert_uint_eq(nvo_pcap_out_count(po), N_FRAMES + N_SEGS);
    ck_assert(!exists(path));
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);
    ck_assert(exists(path));

    /* STT is found only by the heuristic; the MPLS payload is an Ethernet
     * pseudowire without control word ("Decode As" per service label, as
     * a user would set it: Wireshark otherwise guesses from the first
     * nibble). */
    char args[2048];
    snprintf(args, sizeof args,
             "-o ip.try_heuristic_first:TRUE -o ip.check_checksum:TRUE "
             "-o udp.check_checksum:TRUE "
             "-d mpls.label==1001,pwethnocw -d mpls.label==1002,pwethnocw "
             "-d mpls.label==1003,pwethnocw -d mpls.label==1004,pwethnocw "
             "-d mpls.label==1007,pwethnocw "
             "-T fields -E separator=/t -E occurrence=a %s", TSHARK_FIELDS);
    char lines[32][1024];
    size_t n_lines = run_tshark(path, args, lines, 32);
    ck_assert_uint_eq(n_lines, N_FRAMES + N_SEGS);

    char el_labels[64];
    snprintf(el_labels, sizeof el_labels, "7,%" PRIu32 ",1004", el_value);
    for (size_t i = 0; i < n_lines; i++) {
        char copy[1024];
        char *col[COL_N + 1];
        memcpy(copy, lines[i], sizeof copy);
        size_t n = split_tabs(copy, col, COL_N + 1);
        ck_assert_msg(n == COL_N, "frame %zu: %zu columns: %s", i + 1, n,
                      lines[i]);
        ck_assert_uint_eq(strtoul(col[COL_NUM], NULL, 10), i + 1);

        /* Timestamps: frame i+1 at (i+1) * 1.5 us, in nanoseconds. */
        char when[32];
        snprintf(when, sizeof when, "0.%09u", (unsigned int) (i + 1) * 1500);
        ck_assert_msg(!strcmp(col[COL_TIME], when), "frame %zu: time %s",
                      i + 1, col[COL_TIME]);
        ck_assert_str_eq(col[COL_LEN], col[COL_CAPLEN]);
        /* tshark finds every IPv4 header checksum good. */
        if (i < N_FRAMES && frames[i].ipv6) {
            ck_assert_str_eq(col[COL_IP_CSUM], CSUM_GOOD);  /* inner */
        } else {
            ck_assert_msg(all_are(col[COL_IP_CSUM], CSUM_GOOD),
                          "frame %zu: ip checksum status %s", i + 1,
                          col[COL_IP_CSUM]);
        }

        if (i >= N_FRAMES) {
            /* STT segments: 1514 bytes but the last; only the last shows
             * the reassembled STT header and inner frame. */
            bool last = i == N_FRAMES + N_SEGS - 1;
            ck_assert_uint_eq(strtoul(col[COL_LEN], NULL, 10),
                              last ? 312 : 1514);
            if (last) {
                ck_assert_uint_eq(strtoull(col[COL_STT], NULL, 0), 5008);
                ck_assert_str_eq(col[COL_IP_DST], "192.168.2.1,10.0.0.2");
            } else {
                ck_assert_str_eq(col[COL_STT], "");
                ck_assert_str_eq(col[COL_IP_DST], "192.168.2.1");
            }
            continue;
        }

        const char *e = frames[i].encap;
        ck_assert_uint_eq(strtoul(col[COL_LEN], NULL, 10),
                          INNER_LEN + frames[i].overhead);
        /* Exactly the right decoder's column is filled, with the id. */
        char want[64] = "";
        const char *vx = "", *gn = "", *key = "", *ctx = "", *lab = "";
        if (!strcmp(e, "vxlan")) {
            snprintf(want, sizeof want, "%" PRIu32, frames[i].vni);
            vx = want;
        } else if (!strcmp(e, "geneve")) {
            ck_assert_uint_eq(strtoul(col[COL_GENEVE], NULL, 0),
                              frames[i].vni);
            gn = col[COL_GENEVE];
            ck_assert_str_eq(col[COL_GENEVE_OPT], "0x0102");
        } else if (!strcmp(e, "nvgre")) {
            ck_assert_uint_eq(strtoul(col[COL_GRE_KEY], NULL, 0) >> 8,
                              frames[i].vni);
            key = col[COL_GRE_KEY];
        } else if (!strcmp(e, "stt")) {
            ck_assert_uint_eq(strtoull(col[COL_STT], NULL, 0), frames[i].vni);
            ctx = col[COL_STT];
        } else if (frames[i].el) {
            lab = el_labels;
        } else {
            snprintf(want, sizeof want, "%" PRIu32, frames[i].label);
            lab = want;
        }
        ck_assert_msg(!strcmp(col[COL_VXLAN], vx)
                      && !strcmp(col[COL_GENEVE], gn)
                      && !strcmp(col[COL_GRE_KEY], key)
                      && !strcmp(col[COL_STT], ctx)
                      && !strcmp(col[COL_MPLS], lab),
                      "frame %zu (%s): tshark says: %s", i + 1, e, lines[i]);
        /* The inner frame decodes: its IPv4 destination is there. */
        const char *dst = frames[i].ipv6 ? "10.0.0.2"
                                         : "192.168.2.1,10.0.0.2";
        ck_assert_msg(!strcmp(col[COL_IP_DST], dst),
                      "frame %zu (%s): ip.dst %s", i + 1, e, col[COL_IP_DST]);
        ck_assert_str_eq(col[COL_IPV6_DST],
                         frames[i].ipv6 ? "2001:db8:2::1" : "");
        ck_assert_msg(!strcmp(col[COL_UDP_CSUM], frames[i].udp_csum),
                      "frame %zu (%s): udp checksum status '%s'", i + 1, e,
                      col[COL_UDP_CSUM]);
    }

    /* STT's TCP-like checksum, verified by tshark's TCP dissector (the
     * STT dissector of Wireshark 4.0 misreports it). */
    n_lines = run_tshark(path, "-o tcp.check_checksum:TRUE "
                         "-Y tcp.dstport==7471 -T fields -e frame.number "
                         "-e tcp.checksum.status", lines, 32);
    ck_assert_uint_eq(n_lines, 1 + N_SEGS);
    for (size_t i = 0; i < n_lines; i++) {
        char *col[3];
        ck_assert_uint_eq(split_tabs(lines[i], col, 3), 2);
        ck_assert_msg(!strcmp(col[1], CSUM_GOOD), "frame %s: tcp checksum "
                      "status %s", col[0], col[1]);
    }
}
END_TEST

/* Golden bytes of a little-endian nanosecond pcap. */
START_TEST(test_file_golden)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/golden.pcap", tmpdir);
    struct nvo_pcap_out *po;
    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);

    struct nvo_pkt *big = nvo_pkt_alloc(&pool, 0, 200);
    memset(nvo_pkt_put(big, 200), 0xee, 200);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, 0, 20);
    for (uint8_t i = 0; i < 20; i++) {
        *(uint8_t *) nvo_pkt_put(p, 1) = (uint8_t) (i + 1);
    }
    p->payload_size = 80;
    /* 1.5 s + 250 ns + 999 ps: 1 s, 500000250 ns. */
    ck_assert_int_eq(nvo_pcap_out_write(po, 1500000250999, p), 0);
    ck_assert_int_eq(nvo_pcap_out_write(po, 2 * NVO_SEC, big), 0);
    /* After the 200 real bytes, the virtual payload is zeros again. */
    ck_assert_int_eq(nvo_pcap_out_write(po, 3 * NVO_SEC, p), 0);
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);
    nvo_pkt_free(p);
    nvo_pkt_free(big);

    size_t size;
    uint8_t *f = slurp(path, &size);
    ck_assert_uint_eq(size, 24 + (16 + 100) + (16 + 200) + (16 + 100));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    static const uint8_t header[] = {
        0x4d, 0x3c, 0xb2, 0xa1,     /* nanosecond magic */
        0x02, 0x00, 0x04, 0x00,     /* version 2.4 */
        0x00, 0x00, 0x00, 0x00,     /* thiszone */
        0x00, 0x00, 0x00, 0x00,     /* sigfigs */
        0x00, 0x00, 0x04, 0x00,     /* snaplen 262144 */
        0x01, 0x00, 0x00, 0x00,     /* LINKTYPE_ETHERNET */
    };
    static const uint8_t record[] = {
        0x01, 0x00, 0x00, 0x00,     /* 1 s */
        0xfa, 0x65, 0xcd, 0x1d,     /* 500000250 ns = 0x1dcd65fa */
        0x64, 0x00, 0x00, 0x00,     /* caplen 100 */
        0x64, 0x00, 0x00, 0x00,     /* len 100 */
    };
    ck_assert_mem_eq(f, header, sizeof header);
    ck_assert_mem_eq(f + 24, record, sizeof record);
#else
    ck_assert_uint_eq(nvo_rd32(f), 0xa1b23c4d);
#endif
    for (size_t i = 0; i < 100; i++) {
        ck_assert_uint_eq(f[40 + i], i < 20 ? i + 1 : 0);
    }
    size_t third = 24 + 116 + 216;
    ck_assert_uint_eq(le32(f + third), 3);
    for (size_t i = 0; i < 100; i++) {
        ck_assert_uint_eq(f[third + 16 + i], i < 20 ? i + 1 : 0);
    }
    free(f);
}
END_TEST

START_TEST(test_snaplen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/snap.pcap", tmpdir);
    struct nvo_pcap_out *po;
    ck_assert_int_eq(nvo_pcap_out_open(path, 64, &po, NULL, 0), 0);
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, 0, 100);
    memset(nvo_pkt_put(p, 100), 0xab, 100);
    p->payload_size = 1400;
    ck_assert_int_eq(nvo_pcap_out_write(po, 0, p), 0);
    p->size = 10;
    ck_assert_int_eq(nvo_pcap_out_write(po, 1, p), 0);
    ck_assert_int_eq(nvo_pcap_out_close(po, NULL, 0), 0);
    nvo_pkt_free(p);

    size_t size;
    uint8_t *f = slurp(path, &size);
    ck_assert_uint_eq(size, 24 + 2 * (16 + 64));
    if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        ck_assert_uint_eq(le32(f + 16), 64);           /* snaplen */
        ck_assert_uint_eq(le32(f + 24 + 8), 64);       /* caplen */
        ck_assert_uint_eq(le32(f + 24 + 12), 1500);    /* len */
        ck_assert_uint_eq(le32(f + 104 + 8), 64);
        ck_assert_uint_eq(le32(f + 104 + 12), 1410);
    }
    for (size_t i = 0; i < 64; i++) {
        ck_assert_uint_eq(f[40 + i], 0xab);
        ck_assert_uint_eq(f[120 + i], i < 10 ? 0xab : 0);
    }
    free(f);

    char err[256];
    ck_assert_int_eq(nvo_pcap_out_open(path, NVO_PCAP_SNAPLEN_MAX + 1, &po,
                                       err, sizeof err), EINVAL);
    ck_assert_ptr_null(po);
    ck_assert_ptr_nonnull(strstr(err, "snap length"));
}
END_TEST

/* Nothing half-written: PATH appears only on a good close. */
START_TEST(test_tmp_and_rename)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/run.pcap", tmpdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *old = fopen(path, "w");
    ck_assert_ptr_nonnull(old);
    fputs("old", old);
    fclose(old);

    struct nvo_pcap_out *po;
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, NULL, 0), 0);
    ck_assert(exists(tmp));
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, 0, 60);
    memset(nvo_pkt_put(p, 60), 1, 60);
    ck_assert_int_eq(nvo_pcap_out_write(po, 0, p), 0);
    ck_assert_int_eq(nvo_pcap_out_write(po, -1, p), EINVAL);
    ck_assert_ptr_nonnull(strstr(nvo_pcap_out_error(po), "negative"));
    ck_assert_uint_eq(nvo_pcap_out_count(po), 1);
    /* Discard: the old file stays, the temporary goes. */
    nvo_pcap_out_discard(po);
    ck_assert(!exists(tmp));
    size_t size;
    uint8_t *f = slurp(path, &size);
    ck_assert_uint_eq(size, 3);
    free(f);

    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, NULL, 0), 0);
    ck_assert_int_eq(nvo_pcap_out_write(po, 0, p), 0);
    ck_assert_int_eq(nvo_pcap_out_close(po, NULL, 0), 0);
    ck_assert(!exists(tmp));
    f = slurp(path, &size);
    ck_assert_uint_eq(size, 24 + 16 + 60);
    free(f);
    nvo_pkt_free(p);

    /* Errors: a directory that does not exist. */
    char bad[4200], err[256];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.pcap", tmpdir);
    ck_assert_int_eq(nvo_pcap_out_open(bad, 0, &po, err, sizeof err), ENOENT);
    ck_assert_ptr_null(po);
    ck_assert_ptr_nonnull(strstr(err, "x.pcap.tmp"));
    ck_assert_ptr_nonnull(strstr(err, "No such file"));
    /* NULL writers. */
    ck_assert_int_eq(nvo_pcap_out_close(NULL, NULL, 0), 0);
    nvo_pcap_out_discard(NULL);
}
END_TEST

static Suite *
pcap_suite(void)
{
    Suite *s = suite_create("pcap");
    TCase *tc = tcase_create("pcap");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_tshark_decodes_every_encap);
    tcase_add_test(tc, test_file_golden);
    tcase_add_test(tc, test_snaplen);
    tcase_add_test(tc, test_tmp_and_rename);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    tmpdir = nvo_test_tmpdir("pcap");
    int status = nvo_test_run(pcap_suite());
    const char *keep = getenv("NVO_TEST_KEEP");
    if (keep && *keep == '1') {
        fprintf(stderr, "test_pcap: files kept in %s\n", tmpdir);
    } else {
        remove_dir(tmpdir);
    }
    free(tmpdir);
    return status;
}
