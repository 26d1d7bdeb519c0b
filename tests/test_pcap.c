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

#include "overlay/encap.h"
#include "io/pcap_out.h"
#include "wire/pkt.h"
#include "testfabric.h"
#include "testutil.h"
#include "io/trace.h"
#include "wire/wire.h"

/* This suite's tshark lines (tests/testfabric). */
#define run_tshark(path, args, lines, max)                                  \
    nvo_test_tshark(path, args, lines[0], sizeof lines[0], max,            \
                    NVO_TEST_TSHARK_ECHO)

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

/* Removes the directory 'dir' and what it holds. */
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
                struct stat st;
                if (!lstat(path, &st) && S_ISDIR(st.st_mode)) {
                    remove_dir(path);       /* the tunnel runs' folders */
                } else {
                    remove(path);
                }
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

/* A tenant frame: Ethernet between two VMs (VMware MACs 00:50:56:...)
 * / IPv4 10.0.0.1 > 10.0.0.2 / TCP 40000 > 80. */
static struct nvo_pkt *
make_inner(uint32_t payload)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec s = {
        .src_mac = { 0x00, 0x50, 0x56, 0, 0, 0x01 },
        .dst_mac = { 0x00, 0x50, 0x56, 0, 0, 0x02 },
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
    COL_UDP_CSUM, COL_GENEVE_OPT, COL_TIME, COL_GPE_NP, COL_N
};

#define TSHARK_FIELDS                                                       \
    "-e frame.number -e vxlan.vni -e geneve.vni -e gre.key "                \
    "-e stt.context_id -e mpls.label -e ip.dst -e ipv6.dst -e frame.len "   \
    "-e frame.cap_len -e ip.checksum.status -e udp.checksum.status "        \
    "-e geneve.option.class -e frame.time_epoch -e vxlan.next_proto"

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
    nvo_test_require_tshark();

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
        { "gre-udp", 5010, 0, false, false, 50, CSUM_NOT_PRESENT },
        { "vxlan-gpe", 5011, 0, false, false, 50, CSUM_NOT_PRESENT },
        { "gre-udp", 5012, 0, false, true, 70, CSUM_GOOD },
        { "vxlan-gpe", 5013, 0, false, true, 70, CSUM_GOOD },
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

    /* STT is found only by the heuristic.  The MPLS payload needs no
     * "Decode As": with vendor OUIs in the tenant MACs, Wireshark's
     * pseudowire heuristic takes it for Ethernet. */
    char args[2048];
    snprintf(args, sizeof args,
             "-o ip.try_heuristic_first:TRUE -o ip.check_checksum:TRUE "
             "-o udp.check_checksum:TRUE "
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
        } else if (!strcmp(e, "vxlan-gpe")) {
            /* tshark's VXLAN dissector on udp 4790, next protocol 3. */
            snprintf(want, sizeof want, "%" PRIu32, frames[i].vni);
            vx = want;
            ck_assert_str_eq(col[COL_GPE_NP], "3");
        } else if (!strcmp(e, "nvgre") || !strcmp(e, "gre-udp")) {
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

/* ---- tshark's expert info: no malformed frame, no warning ------------- */

/* A tenant frame as a VM sends it: MACs of VMware's OUI (nvo_vm_mac), so
 * that Wireshark's Ethernet-pseudowire heuristic takes the payload of an
 * MPLS stack for Ethernet; IPv4 / TCP 40000 > 80. */
static struct nvo_pkt *
make_vm_frame(uint32_t payload, uint16_t sport)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM, 128);
    struct nvo_frame_spec s = {
        .src_ip4 = 0x0a000001, .dst_ip4 = 0x0a000002,
        .proto = NVO_IPPROTO_TCP, .sport = sport, .dport = 80,
        .tcp_seq = 1, .tcp_ack = 1,
    };
    ck_assert_int_eq(nvo_vm_mac(s.src_mac, NVO_VM_OUI_VMWARE, 1), 0);
    ck_assert_int_eq(nvo_vm_mac(s.dst_mac, NVO_VM_OUI_VMWARE, 2), 0);
    p->payload_size = payload;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    return p;
}

struct expert_counts {
    unsigned int errors, warns, notes, chats;
};

/* Runs `tshark -r PATH ARGS -z expert -q` and reads the counts of its
 * section headers ("Errors (3)", "Warns (1)", ...). */
static struct expert_counts
run_expert(const char *path, const char *args)
{
    char lines[64][1024];
    char cmd_args[1024];
    snprintf(cmd_args, sizeof cmd_args, "%s -z expert -q", args);
    size_t n = run_tshark(path, cmd_args, lines, 64);
    struct expert_counts c = { 0, 0, 0, 0 };
    for (size_t i = 0; i < NVO_MIN(n, (size_t) 64); i++) {
        unsigned int v;
        if (sscanf(lines[i], "Errors (%u)", &v) == 1) {
            c.errors = v;
        } else if (sscanf(lines[i], "Warns (%u)", &v) == 1) {
            c.warns = v;
        } else if (sscanf(lines[i], "Notes (%u)", &v) == 1) {
            c.notes = v;
        } else if (sscanf(lines[i], "Chats (%u)", &v) == 1) {
            c.chats = v;
        }
    }
    if (c.errors || c.warns) {
        for (size_t i = 0; i < NVO_MIN(n, (size_t) 64); i++) {
            fputs(lines[i], stderr);
        }
    }
    return c;
}

/* One tunnel variant of the expert test. */
struct variant {
    const char *encap;
    bool ipv6;
    uint32_t vni;               /* VNI / VSID / STT context */
    uint32_t label;             /* the service label */
    bool el, cw;
    uint16_t geneve_opts_len;   /* 0, 8 or 252 */
};

/* Writes every variant of 'encap' (edge VNIs, labels, options, EL and
 * control word, IPv4 and IPv6), headers only or whole, into 'path';
 * returns the number of frames. */
static size_t
write_variants(const char *path, const char *encap, uint32_t snaplen,
               bool ipv6)
{
    struct variant v[64];
    size_t n = 0;
    if (!strncmp(encap, "mpls", 4)) {
        static const uint32_t labels[] = { 16, 1001, NVO_MPLS_LABEL_MAX };
        for (size_t l = 0; l < NVO_ARRAY_SIZE(labels); l++) {
            for (int el = 0; el <= 1; el++) {
                for (int cw = 0; cw <= 1; cw++) {
                    v[n++] = (struct variant) { .encap = encap, .ipv6 = ipv6,
                        .label = labels[l], .el = el, .cw = cw };
                }
            }
        }
    } else {
        /* Edge VNIs; NVGRE's VSIDs below 0x1000 and 0xffffff are
         * reserved (refused by build), so its edges are the next ones. */
        bool nvgre = !strcmp(encap, "nvgre");
        uint32_t vnis[] = { nvgre ? 0x1000 : 0, nvgre ? 0x1001 : 1,
                            nvgre ? 0xfffffe : NVO_VNI_MAX, 5001 };
        for (size_t k = 0; k < NVO_ARRAY_SIZE(vnis); k++) {
            v[n++] = (struct variant) { .encap = encap, .ipv6 = ipv6,
                                        .vni = vnis[k] };
            if (!strcmp(encap, "geneve")) {
                v[n - 1].geneve_opts_len = 8;
                v[n++] = (struct variant) { .encap = encap, .ipv6 = ipv6,
                    .vni = vnis[k], .geneve_opts_len = 252 };
                v[n++] = (struct variant) { .encap = encap, .ipv6 = ipv6,
                    .vni = vnis[k], .geneve_opts_len = 0 };
            }
        }
    }

    char err[256];
    struct nvo_pcap_out *po;
    ck_assert_int_eq(nvo_pcap_out_open(path, snaplen, &po, err, sizeof err),
                     0);
    nvo_time_t t = 0;
    size_t n_frames = 0;
    for (size_t i = 0; i < n; i++) {
        struct nvo_tunnel_cfg c = outer_cfg();
        c.ipv6 = v[i].ipv6;
        c.vni = v[i].vni;
        c.labels[0] = v[i].label;
        c.n_labels = 1;
        c.entropy_label = v[i].el;
        c.control_word = v[i].cw;
        /* Geneve options: class 0x0102 type 0x01 with 4 bytes, or
         * whole TLVs of class 0xffff filling 252 bytes. */
        size_t ofs = 0;
        while (ofs < v[i].geneve_opts_len) {
            size_t data = NVO_MIN((size_t) v[i].geneve_opts_len - ofs - 4,
                                  (size_t) 124);
            if (v[i].geneve_opts_len == 8) {
                data = 4;
            }
            uint8_t bytes[124];
            memset(bytes, 0x5a, sizeof bytes);
            struct nvo_geneve_opt_info o = {
                .opt_class = v[i].geneve_opts_len == 8 ? 0x0102 : 0xffff,
                .type = 1, .data_len = (uint8_t) data, .data = bytes,
            };
            nvo_geneve_opt_encode(c.geneve_opts + ofs, &o);
            ofs += 4 + data;
        }
        c.geneve_opts_len = v[i].geneve_opts_len;
        struct nvo_tunnel tun;
        ck_assert_msg(nvo_tunnel_build(&tun, nvo_encap_lookup(encap), &c)
                      == 0, "%s variant %zu", encap, i);
        /* Many flows: the source ports spread over their range. */
        for (uint32_t f = 0; f < 8; f++) {
            struct nvo_pkt *p = make_vm_frame(1000,
                                              (uint16_t) (40000 + 97 * f));
            tun.ops->push(&tun, p);
            struct nvo_pkt *segs[8] = { p };
            size_t n_segs = 1;
            if (tun.ops->segment) {
                n_segs = tun.ops->segment(p, 1500, segs, 8);
                ck_assert_uint_ge(n_segs, 1);
            }
            for (size_t k = 0; k < n_segs; k++) {
                t += 2 * NVO_US;
                ck_assert_int_eq(nvo_pcap_out_write(po, t, segs[k]), 0);
                nvo_pkt_free(segs[k]);
                n_frames++;
            }
        }
    }
    ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);
    return n_frames;
}

/* tshark, with its default settings, finds no malformed frame and no
 * expert error or warning in any encapsulation, over IPv4 and IPv6, with
 * edge VNIs and labels, Geneve options, entropy labels and control words,
 * headers only (the default snap length) and whole frames; and decodes the
 * tenant frame of every one (the last protocols are eth:ethertype:ip:tcp).
 * Notes and chats do not count.  STT's documented exceptions, restricted
 * to them: it is decoded only with -o ip.try_heuristic_first:TRUE, and
 * only over IPv4 (Wireshark 4.0 does not decode it over IPv6, so there
 * only the outer TCP is checked).  (Its STT dissector would report the
 * correct checksum as bad with -o stt.check_checksum:TRUE, which is off
 * by default and not set here; the TCP dissector finds it good,
 * test_tshark_decodes_every_encap.) */
START_TEST(test_tshark_expert_clean)
{
    nvo_test_require_tshark();
    static const char *const encaps[] = {
        "vxlan", "geneve", "nvgre", "stt", "mpls-gre", "mpls-ip", "mpls-udp",
        "gre-udp", "vxlan-gpe",
    };
    for (size_t e = 0; e < NVO_ARRAY_SIZE(encaps); e++) {
        bool stt = !strcmp(encaps[e], "stt");
        for (int v6 = 0; v6 <= 1; v6++) {
            for (int whole = 0; whole <= 1; whole++) {
                char path[4096];
                snprintf(path, sizeof path, "%s/expert-%s-%d-%d.pcap", tmpdir,
                         encaps[e], v6, whole);
                size_t n = write_variants(path, encaps[e],
                                          whole ? 0 : NVO_PCAP_SNAPLEN_HEADERS,
                                          v6);
                const char *args = stt ? "-o ip.try_heuristic_first:TRUE"
                                       : "";
                struct expert_counts c = run_expert(path, args);
                ck_assert_msg(c.errors == 0 && c.warns == 0,
                              "%s ipv6=%d whole=%d: tshark reports %u errors, "
                              "%u warnings", encaps[e], v6, whole, c.errors,
                              c.warns);
                /* Every frame decodes to the tenant's TCP (STT: its
                 * segments are reassembled into the last one of each
                 * frame; over IPv6 only the outer TCP). */
                char fargs[512];
                snprintf(fargs, sizeof fargs, "%s -T fields -e frame.protocols"
                         " -e frame.len -e frame.cap_len", args);
                static char lines[1024][1024];
                size_t n_lines = run_tshark(path, fargs, lines, 1024);
                ck_assert_uint_eq(n_lines, n);
                size_t n_tenant = 0;
                for (size_t i = 0; i < n_lines; i++) {
                    char *col[4];
                    ck_assert_uint_eq(split_tabs(lines[i], col, 4), 3);
                    size_t plen = strlen(col[0]);
                    const char *tail = "eth:ethertype:ip:tcp";
                    if (plen > strlen(tail)
                        && !strcmp(col[0] + plen - strlen(tail), tail)) {
                        n_tenant++;
                    }
                    ck_assert_msg(!strstr(col[0], "malformed")
                                  && !strstr(col[0], "pwethcw:data")
                                  && !strstr(col[0], "rip")
                                  && !strstr(col[0], "cip"), "%s: frame %zu: "
                                  "%s", encaps[e], i + 1, col[0]);
                    if (!whole) {
                        /* Headers only: orig_len > incl_len. */
                        ck_assert_uint_gt(strtoul(col[1], NULL, 10),
                                          strtoul(col[2], NULL, 10));
                    }
                }
                /* STT over IPv6: Wireshark 4.0 stops at the outer TCP. */
                size_t want = stt && v6 ? 0 : n;
                ck_assert_msg(n_tenant == want, "%s ipv6=%d whole=%d: %zu of "
                              "%zu frames decode to the tenant frame",
                              encaps[e], v6, whole, n_tenant, n);
            }
        }
    }
}
END_TEST

/* ---- ASCII traces ------------------------------------------------------- */

/* A known frame gives exactly the expected lines (the format of trace.h,
 * port numbered from 1); a packet changed under the same uid is
 * summarized again (the summary cache compares the bytes); many lines
 * (several buffers handed to the writer thread) arrive whole and in
 * order; abort leaves nothing. */
/* The outer source port of make_vm_frame(100, 40000) over VXLAN: the
 * flow hash of 10.0.0.1 > 10.0.0.2 TCP 40000 > 80 (basis 0) is 0xa7028ebe,
 * the golden frame's of test_encap.c: 49152 + (hash * 16384 >> 32). */
#define SPORT_VM_FRAME 59840

START_TEST(test_trace_lines)
{
    char path[4096], tmp[4200];
    snprintf(path, sizeof path, "%s/trace.txt", tmpdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    struct nvo_trace *tr;
    ck_assert_int_eq(nvo_trace_open(path, &tr), 0);
    ck_assert(exists(tmp));

    struct nvo_tunnel_cfg c = outer_cfg();
    c.vni = 5001;
    struct nvo_tunnel tun;
    ck_assert_int_eq(nvo_tunnel_build(&tun, &nvo_encap_vxlan_ops, &c), 0);
    struct nvo_pkt *p = make_vm_frame(100, 40000);
    tun.ops->push(&tun, p);
    p->uid = 42;
    nvo_trace_event(tr, '+', 1500000250999, "leaf1", 0, p, NULL);
    nvo_trace_event(tr, '-', 2 * NVO_SEC, "leaf1", 0, p, NULL);
    nvo_trace_event(tr, 'r', 2 * NVO_SEC + 1, "spine2", 3, p, NULL);
    /* The same uid, other bytes (VNI 5001 -> 5002: the last VNI byte,
     * Ethernet 14 + IPv4 20 + UDP 8 + 6): a new summary, not the cached
     * one. */
    ck_assert_uint_eq(p->data[14 + 20 + 8 + 6], 0x89);
    p->data[14 + 20 + 8 + 6] = 0x8a;
    nvo_trace_event(tr, 'd', 3 * NVO_SEC, "spine2", 3, p, "queue");
    nvo_pkt_free(p);
    ck_assert_uint_eq(nvo_trace_n_lines(tr), 4);

    /* 20000 lines of another frame: over 4 MB, several buffers. */
    struct nvo_pkt *q = make_vm_frame(1, 1234);
    for (uint32_t i = 0; i < 20000; i++) {
        q->uid = 100 + i % 3;
        nvo_trace_event(tr, '+', (nvo_time_t) i * NVO_NS, "h", 1, q, NULL);
    }
    nvo_pkt_free(q);
    ck_assert_int_eq(nvo_trace_close(tr), 0);
    ck_assert(!exists(tmp));

    size_t size;
    char *text = (char *) slurp(path, &size);
    text = realloc(text, size + 1);
    text[size] = '\0';
    /* Outer: Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8; inner 14 + 20 +
     * 20 + 100 = 204 bytes. */
    const char *sum = "eth 02:aa:00:00:00:01>02:bb:00:00:00:01 "
                      "ipv4 192.168.1.1>192.168.2.1 udp %u>4789 vxlan "
                      "vni=5001 | eth 00:50:56:00:00:01>00:50:56:00:00:02 "
                      "ipv4 10.0.0.1>10.0.0.2 tcp 40000>80 len=204";
    char s1[512], want[2048];
    unsigned int sport = SPORT_VM_FRAME;
    snprintf(s1, sizeof s1, sum, sport);
    snprintf(want, sizeof want,
             "+ 1.500000250999 leaf1/1 uid=42 tc=data len=204 %s\n"
             "- 2.000000000000 leaf1/1 uid=42 tc=data len=204 %s\n"
             "r 2.000000000001 spine2/4 uid=42 tc=data len=204 %s\n",
             s1, s1, s1);
    ck_assert_msg(!strncmp(text, want, strlen(want)), "got:\n%.1200s", text);
    /* The changed packet shows its own VNI. */
    const char *d = text + strlen(want);
    char dwant[1024], s2[512];
    snprintf(s2, sizeof s2, sum, sport);
    memcpy(strstr(s2, "vni=5001"), "vni=5002", 8);
    snprintf(dwant, sizeof dwant, "d 3.000000000000 spine2/4 uid=42 tc=data "
             "len=204 reason=queue %s\n", s2);
    ck_assert_msg(!strncmp(d, dwant, strlen(dwant)), "got: %.600s", d);
    /* Then the 20000 lines, in order. */
    const char *line = d + strlen(dwant);
    size_t n = 0;
    char first[64];
    for (const char *e; (e = strchr(line, '\n')); line = e + 1, n++) {
        if (n == 19999) {
            snprintf(first, sizeof first, "+ 0.000019999000 h/2 uid=%u ",
                     100 + 19999 % 3);
            ck_assert_msg(!strncmp(line, first, strlen(first)), "%.80s",
                          line);
        }
    }
    ck_assert_uint_eq(n, 20000);
    ck_assert_uint_eq(line - text, size);
    free(text);

    /* Abort: nothing published, no temporary left. */
    snprintf(path, sizeof path, "%s/aborted.txt", tmpdir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_eq(nvo_trace_open(path, &tr), 0);
    p = make_vm_frame(1, 1);
    nvo_trace_event(tr, '+', 0, "x", 0, p, NULL);
    nvo_pkt_free(p);
    nvo_trace_abort(tr);
    ck_assert(!exists(tmp));
    ck_assert(!exists(path));
    /* A folder that does not exist. */
    snprintf(path, sizeof path, "%s/no/such/trace.txt", tmpdir);
    ck_assert_int_eq(nvo_trace_open(path, &tr), ENOENT);
    ck_assert_int_eq(nvo_trace_close(NULL), 0);
    nvo_trace_abort(NULL);
}
END_TEST

/* ---- nvosim tunnel ------------------------------------------------------ */

/* Runs `nvosim tunnel ARGS --out DIR` quietly; returns its exit status. */
static int
run_tunnel(const char *dir, const char *args)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s/tools/nvosim' tunnel %s --out '%s' "
             ">'%s.out' 2>&1", NVO_BUILD_DIR, args, dir, dir);
    int status = system(cmd);
    ck_assert_msg(status != -1 && WIFEXITED(status), "%s", cmd);
    return WEXITSTATUS(status);
}

/* The value of column 'name' in the one-row CSV 'path'. */
static void
csv_value(const char *path, const char *name, char *out, size_t size)
{
    size_t n;
    char *text = (char *) slurp(path, &n);
    text = realloc(text, n + 1);
    text[n] = '\0';
    char *row = strchr(text, '\n');
    ck_assert_ptr_nonnull(row);
    *row++ = '\0';
    char *hcol[64], *vcol[64];
    size_t nh = 0, nv = 0;
    for (char *h = strtok(text, ","); h && nh < 64; h = strtok(NULL, ",")) {
        hcol[nh++] = h;
    }
    row[strcspn(row, "\n")] = '\0';
    for (char *v = row; nv < 64; ) {
        vcol[nv++] = v;
        char *comma = strchr(v, ',');
        if (!comma) {
            break;
        }
        *comma = '\0';
        v = comma + 1;
    }
    ck_assert_uint_eq(nh, nv);
    bool found = false;
    for (size_t i = 0; i < nh; i++) {
        if (!strcmp(hcol[i], name)) {
            snprintf(out, size, "%s", vcol[i]);
            found = true;
        }
    }
    ck_assert_msg(found, "%s: no column %s", path, name);
    free(text);
}

/* NVGRE's entropy is the GRE key: the tunnel counts as many distinct
 * values as tshark finds distinct gre.key values in its pcap (59 for
 * these 64 flows over 4 tenants); UDP encapsulations count source ports
 * the same way.  The pcap is pe1-1.pcap (ports numbered from 1). */
START_TEST(test_tunnel_entropy_matches_tshark)
{
    nvo_test_require_tshark();
    static const struct {
        const char *args, *field, *entropy;
        unsigned int expect;
    } cases[] = {
        { "--encap nvgre", "gre.key", "gre-key", 59 },
        { "--encap vxlan", "udp.srcport", "udp-sport", 0 },
        { "--encap mpls-gre --entropy-label", "mpls.label", "mpls-el", 0 },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        char dir[4200], args[512], path[4400];
        snprintf(dir, sizeof dir, "%s/tunnel-entropy-%zu", tmpdir, i);
        snprintf(args, sizeof args, "%s --frames 2000 --pcap", cases[i].args);
        ck_assert_int_eq(run_tunnel(dir, args), 0);
        snprintf(path, sizeof path, "%s/summary.csv", dir);
        char field[64], values[64], generated[64], delivered[64];
        csv_value(path, "entropy_field", field, sizeof field);
        csv_value(path, "entropy_values", values, sizeof values);
        csv_value(path, "frames_generated", generated, sizeof generated);
        csv_value(path, "frames_delivered", delivered, sizeof delivered);
        ck_assert_str_eq(field, cases[i].entropy);
        ck_assert_str_eq(generated, "2000");
        ck_assert_str_eq(delivered, "2000");

        /* tshark's distinct values (MPLS: whole stacks "7,EL,1001..",
         * which differ only in the EL; the others: the outer field). */
        snprintf(path, sizeof path, "%s/pe1-1.pcap", dir);
        char targs[256];
        snprintf(targs, sizeof targs, "-T fields -E occurrence=%s -e %s",
                 !strcmp(cases[i].entropy, "mpls-el") ? "a" : "f",
                 cases[i].field);
        static char lines[2048][1024];
        size_t n = run_tshark(path, targs, lines, 2048);
        ck_assert_uint_eq(n, 2000);
        size_t distinct = 0;
        for (size_t a = 0; a < n; a++) {
            bool dup = false;
            for (size_t b = 0; b < a && !dup; b++) {
                dup = !strcmp(lines[a], lines[b]);
            }
            distinct += !dup;
        }
        ck_assert_uint_eq(strtoul(values, NULL, 10), distinct);
        if (cases[i].expect) {
            ck_assert_uint_eq(distinct, cases[i].expect);
        }
    }
    /* MPLS in GRE without EL carries no entropy: an empty cell. */
    char dir[4200], path[4400], values[64], field[64];
    snprintf(dir, sizeof dir, "%s/tunnel-entropy-none", tmpdir);
    ck_assert_int_eq(run_tunnel(dir, "--encap mpls-gre --frames 100"), 0);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    csv_value(path, "entropy_field", field, sizeof field);
    csv_value(path, "entropy_values", values, sizeof values);
    ck_assert_str_eq(field, "none");
    ck_assert_str_eq(values, "");
}
END_TEST

/* The tunnel's pcap: headers only by default (incl_len 92 of 1050 for
 * VXLAN: 50 + 42 real bytes), the whole frame with --snaplen 0, at most N
 * bytes with --snaplen N; tshark decodes the headers-only capture (the
 * expert test checks it stays clean). */
START_TEST(test_tunnel_snaplen)
{
    nvo_test_require_tshark();
    static const struct {
        const char *args;
        const char *caplen;
    } cases[] = {
        { "", "92" }, { "--snaplen 0", "1050" }, { "--snaplen 64", "64" },
        { "--snaplen 5000", "1050" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(cases); i++) {
        char dir[4200], args[256], path[4400];
        snprintf(dir, sizeof dir, "%s/tunnel-snap-%zu", tmpdir, i);
        snprintf(args, sizeof args, "--frames 3 --pcap %s", cases[i].args);
        ck_assert_int_eq(run_tunnel(dir, args), 0);
        snprintf(path, sizeof path, "%s/pe1-1.pcap", dir);
        char lines[8][1024];
        size_t n = run_tshark(path, "-T fields -e frame.len -e frame.cap_len "
                              "-e vxlan.vni", lines, 8);
        ck_assert_uint_eq(n, 3);
        for (size_t k = 0; k < n; k++) {
            char *col[4];
            ck_assert_uint_eq(split_tabs(lines[k], col, 4), 3);
            ck_assert_str_eq(col[0], "1050");
            ck_assert_str_eq(col[1], cases[i].caplen);
            ck_assert_uint_ge(strtoul(col[2], NULL, 10), 5001);
        }
        /* Cut frames are "[Packet size limited during capture]"
         * (_ws.short), never malformed. */
        bool cut = strcmp(cases[i].caplen, "1050");
        n = run_tshark(path, "-Y _ws.short -T fields -e frame.number", lines,
                       8);
        ck_assert_uint_eq(n, cut ? 3 : 0);
        n = run_tshark(path, "-Y _ws.malformed -T fields -e frame.number",
                       lines, 8);
        ck_assert_uint_eq(n, 0);
    }
    /* --vm-oui: tenant t's VMs are numbers 2t (on pe1) and 2t + 1 (on
     * pe2) of the OUI; the PEs' own MACs are the fabric's (fabric/net.h:
     * 02:fe and the node index + 1 in 32 bits), 02:fe:00:00:00:01 for pe1
     * and 02:fe:00:00:00:02 for pe2, whatever the OUI.  One tenant, one
     * frame: VMs 0 and 1. */
    static const struct { const char *oui, *macs; } ouis[] = {
        { "xen", "02:fe:00:00:00:01,00:16:3e:00:00:00\t"
                 "02:fe:00:00:00:02,00:16:3e:00:00:01" },
        { "hyperv", "02:fe:00:00:00:01,00:15:5d:00:00:00\t"
                    "02:fe:00:00:00:02,00:15:5d:00:00:01" },
        { "vmware", "02:fe:00:00:00:01,00:50:56:00:00:00\t"
                    "02:fe:00:00:00:02,00:50:56:00:00:01" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(ouis); i++) {
        char odir[4200], args[256], path[4400];
        snprintf(odir, sizeof odir, "%s/tunnel-oui-%zu", tmpdir, i);
        snprintf(args, sizeof args, "--frames 1 --flows 1 --tenants 1 --pcap "
                 "--vm-oui %s", ouis[i].oui);
        ck_assert_int_eq(run_tunnel(odir, args), 0);
        snprintf(path, sizeof path, "%s/pe1-1.pcap", odir);
        char lines[4][1024];
        ck_assert_uint_eq(run_tshark(path, "-T fields -E occurrence=a "
                                     "-e eth.src -e eth.dst", lines, 4), 1);
        lines[0][strcspn(lines[0], "\n")] = '\0';
        ck_assert_str_eq(lines[0], ouis[i].macs);
    }

    char dir[4200];
    snprintf(dir, sizeof dir, "%s/tunnel-snap-bad", tmpdir);
    ck_assert_int_eq(run_tunnel(dir, "--snaplen 262145"), 2);
    ck_assert_int_eq(run_tunnel(dir, "--vm-oui qemu"), 2);
    ck_assert_int_eq(run_tunnel(dir, "--control-word"), 2);  /* vxlan */
}
END_TEST

/* `nvosim tunnel` runs two PE nodes (overlay/pe_node.h) on one link: for
 * every encapsulation (all nine) over IPv4 and IPv6, one 1000-byte tenant
 * frame of tenant 0 (VNI 5001, MPLS label 1001) crosses as exactly 1000 +
 * the encapsulation's overhead bytes (+20 over IPv6), and tshark decodes
 * the outer headers (the fabric's MACs 02:fe:00:00:00:01 ->
 * 02:fe:00:00:00:02, 10.0.0.1 -> 10.0.0.2 or fd00::1 -> fd00::2), the
 * tenant's id in the right dissector, and the inner frame (VMs 00:50:56:
 * 00:00:00 -> 00:50:56:00:00:01, 10.0.0.1 -> 10.0.0.2). */
START_TEST(test_tunnel_every_encap)
{
    nvo_test_require_tshark();
    static const struct { const char *encap; uint32_t overhead; } encaps[] = {
        { "vxlan", 50 }, { "nvgre", 42 }, { "stt", 72 }, { "geneve", 50 },
        { "mpls-gre", 42 }, { "mpls-ip", 38 }, { "mpls-udp", 46 },
        { "gre-udp", 50 }, { "vxlan-gpe", 50 },
    };
    size_t n_encaps = 0;
    for (const struct nvo_encap_ops *const *ops = nvo_encaps; *ops; ops++) {
        n_encaps++;
    }
    ck_assert_uint_eq(n_encaps, NVO_ARRAY_SIZE(encaps));
    enum { C_LEN, C_ESRC, C_EDST, C_IPSRC, C_IPDST, C_IP6SRC, C_IP6DST,
           C_VXLAN, C_GENEVE, C_GRE_KEY, C_STT, C_MPLS, C_N };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(encaps); i++) {
        for (int v6 = 0; v6 < 2; v6++) {
            const char *e = encaps[i].encap;
            char dir[4200], args[256], path[4400];
            snprintf(dir, sizeof dir, "%s/tunnel-encap-%zu-%d", tmpdir, i, v6);
            snprintf(args, sizeof args, "--encap %s%s --frames 1 --tenants 1 "
                     "--flows 1 --frame-size 1000 --pcap", e,
                     v6 ? " --ipv6" : "");
            ck_assert_int_eq(run_tunnel(dir, args), 0);
            snprintf(path, sizeof path, "%s/pe1-1.pcap", dir);
            char lines[4][1024];
            /* STT is found by the heuristic only, over IPv6 too. */
            ck_assert_uint_eq(run_tshark(path,
                                         "-o ip.try_heuristic_first:TRUE "
                                         "-o ipv6.try_heuristic_first:TRUE "
                                         "-T fields -E occurrence=a "
                                         "-e frame.len -e eth.src -e eth.dst "
                                         "-e ip.src -e ip.dst -e ipv6.src "
                                         "-e ipv6.dst -e vxlan.vni "
                                         "-e geneve.vni -e gre.key "
                                         "-e stt.context_id -e mpls.label",
                                         lines, 4), 1);
            char *col[C_N + 1];
            ck_assert_uint_eq(split_tabs(lines[0], col, C_N + 1), C_N);
            ck_assert_msg(strtoul(col[C_LEN], NULL, 10)
                          == 1000 + encaps[i].overhead + (v6 ? 20u : 0u),
                          "%s%s: frame.len %s", e, v6 ? " v6" : "",
                          col[C_LEN]);
            ck_assert_str_eq(col[C_ESRC],
                             "02:fe:00:00:00:01,00:50:56:00:00:00");
            ck_assert_str_eq(col[C_EDST],
                             "02:fe:00:00:00:02,00:50:56:00:00:01");
            ck_assert_str_eq(col[C_IPSRC],
                             v6 ? "10.0.0.1" : "10.0.0.1,10.0.0.1");
            ck_assert_str_eq(col[C_IPDST],
                             v6 ? "10.0.0.2" : "10.0.0.2,10.0.0.2");
            ck_assert_str_eq(col[C_IP6SRC], v6 ? "fd00::1" : "");
            ck_assert_str_eq(col[C_IP6DST], v6 ? "fd00::2" : "");
            const char *vx = "", *gn = "", *key = "", *ctx = "", *lab = "";
            if (!strcmp(e, "vxlan") || !strcmp(e, "vxlan-gpe")) {
                vx = "5001";
            } else if (!strcmp(e, "geneve")) {
                ck_assert_uint_eq(strtoul(col[C_GENEVE], NULL, 0), 5001);
                gn = col[C_GENEVE];
            } else if (!strcmp(e, "nvgre") || !strcmp(e, "gre-udp")) {
                ck_assert_uint_eq(strtoul(col[C_GRE_KEY], NULL, 0) >> 8, 5001);
                key = col[C_GRE_KEY];
            } else if (!strcmp(e, "stt")) {
                ck_assert_uint_eq(strtoull(col[C_STT], NULL, 0), 5001);
                ctx = col[C_STT];
            } else {
                lab = "1001";
            }
            ck_assert_msg(!strcmp(col[C_VXLAN], vx)
                          && !strcmp(col[C_GENEVE], gn)
                          && !strcmp(col[C_GRE_KEY], key)
                          && !strcmp(col[C_STT], ctx)
                          && !strcmp(col[C_MPLS], lab),
                          "%s%s: vxlan %s geneve %s gre %s stt %s mpls %s",
                          e, v6 ? " v6" : "", col[C_VXLAN], col[C_GENEVE],
                          col[C_GRE_KEY], col[C_STT], col[C_MPLS]);
        }
    }
}
END_TEST

/* Every frame dropped (MTU 500 < 1050-byte frames): the tunnel says that
 * nothing was delivered and exits 1; its CSV has the counts and empty
 * latency cells, not zeros. */
START_TEST(test_tunnel_nothing_delivered)
{
    char dir[4200], path[4400], v[64];
    snprintf(dir, sizeof dir, "%s/tunnel-none", tmpdir);
    ck_assert_int_eq(run_tunnel(dir, "--mtu 500 --frames 100"), 1);
    snprintf(path, sizeof path, "%s.out", dir);
    size_t n;
    char *out = (char *) slurp(path, &n);
    out = realloc(out, n + 1);
    out[n] = '\0';
    ck_assert_msg(strstr(out, "nothing was delivered: all 100 tenant frames "
                         "were lost (underlay drops: queue 0, mtu 100;")
                  != NULL, "%s", out);
    ck_assert_ptr_null(strstr(out, "-100.0%"));
    ck_assert_ptr_null(strstr(out, "mean 0 s"));
    free(out);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    static const struct { const char *col, *value; } want[] = {
        { "frames_generated", "100" }, { "frames_delivered", "0" },
        { "frames_dropped", "100" }, { "drop_rate", "1.000000" },
        { "underlay_frames_dropped_mtu", "100" },
        { "latency_mean_us", "" }, { "latency_p50_us", "" },
        { "latency_p99_us", "" }, { "latency_max_us", "" },
        { "qdelay_mean_us", "" },
    };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(want); i++) {
        csv_value(path, want[i].col, v, sizeof v);
        ck_assert_msg(!strcmp(v, want[i].value), "%s is '%s', expected '%s'",
                      want[i].col, v, want[i].value);
    }
    /* A normal run delivers everything and exits 0. */
    snprintf(dir, sizeof dir, "%s/tunnel-some", tmpdir);
    ck_assert_int_eq(run_tunnel(dir, "--frames 100"), 0);
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    csv_value(path, "frames_delivered", v, sizeof v);
    ck_assert_str_eq(v, "100");
    csv_value(path, "drop_rate", v, sizeof v);
    ck_assert_str_eq(v, "0.000000");
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

    /* Headers only: incl_len = the real bytes, orig_len = the wire
     * length; the file header says 262144. */
    ck_assert_int_eq(nvo_pcap_out_open(path, NVO_PCAP_SNAPLEN_HEADERS, &po,
                                       NULL, 0), 0);
    p = nvo_pkt_alloc(&pool, 0, 100);
    memset(nvo_pkt_put(p, 92), 0xcd, 92);
    p->payload_size = 958;
    ck_assert_int_eq(nvo_pcap_out_write(po, 0, p), 0);
    p->payload_size = 0;
    ck_assert_int_eq(nvo_pcap_out_write(po, 1, p), 0);
    ck_assert_int_eq(nvo_pcap_out_close(po, NULL, 0), 0);
    nvo_pkt_free(p);
    f = slurp(path, &size);
    ck_assert_uint_eq(size, 24 + 2 * (16 + 92));
    if (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) {
        ck_assert_uint_eq(le32(f + 16), 262144);       /* snaplen */
        ck_assert_uint_eq(le32(f + 24 + 8), 92);       /* incl_len */
        ck_assert_uint_eq(le32(f + 24 + 12), 1050);    /* orig_len */
        ck_assert_uint_eq(le32(f + 132 + 8), 92);
        ck_assert_uint_eq(le32(f + 132 + 12), 92);
    }
    for (size_t i = 0; i < 92; i++) {
        ck_assert_uint_eq(f[40 + i], 0xcd);
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
    /* tshark over every encapsulation: 72 - 174 s on a loaded 2-core machine. */
    tcase_set_timeout(tc, 400);
    tcase_add_test(tc, test_tshark_decodes_every_encap);
    tcase_add_test(tc, test_tshark_expert_clean);
    tcase_add_test(tc, test_trace_lines);
    tcase_add_test(tc, test_tunnel_entropy_matches_tshark);
    tcase_add_test(tc, test_tunnel_nothing_delivered);
    tcase_add_test(tc, test_tunnel_snaplen);
    tcase_add_test(tc, test_tunnel_every_encap);
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
