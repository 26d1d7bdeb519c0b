/* test_ldp_pcap.c: LDP PDUs from wire/ldp.h, checked by tshark.
 *
 * Writes a pcap of real Ethernet/IPv4 frames built with the wire builders
 * (nvo_wire_build_frame, io/pcap_out.h): a link Hello over UDP 646 to
 * 224.0.0.2, targeted Hellos over unicast UDP 646, then a TCP session to
 * port 646 (handshake, Initialization and KeepAlive both ways, Address,
 * Label Mappings for several pseudowires with PW types 5 and 4, with and
 * without the control word, Label Request, Withdraw of a PW and of a
 * group, Release, MAC Address Withdraws with two MACs and with none, a
 * Notification and a PW status Notification), several messages per PDU
 * and several PDUs per segment.
 * tshark must find, frame by frame, exactly the message types, message
 * ids, FEC element types, PW ids, group ids, PW types, control-word bits,
 * labels, hold times, targeted bits, KeepAlive times, max PDU lengths,
 * transport addresses, MACs and status codes that were encoded (the
 * expectation is built from the same message structs, independently of
 * the encoder), and report no malformed packet and no expert error or
 * warning.  tshark is required (CI installs it).
 *
 * NVO_TEST_KEEP=1 keeps the pcap (its directory is printed). */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/pcap_out.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/ldp.h"
#include "wire/pkt.h"
#include "wire/wire.h"

/* This suite's tshark lines (tests/testfabric). */
#define run_tshark(path, args, lines, max)                                  \
    nvo_test_tshark(path, args, lines[0], sizeof lines[0], max,            \
                    NVO_TEST_TSHARK_ECHO)

static struct nvo_pkt_pool pool;
static char *tmpdir;

#define IP_A 0xc0000201u        /* 192.0.2.1, LSR A, passive */
#define IP_B 0xc0000202u        /* 192.0.2.2, LSR B, active (higher id) */
#define PORT_B 40001

/* ---- What tshark must show, per frame ----------------------------------- */

enum {
    F_TYPE, F_ID, F_FEC_TYPE, F_PWID, F_GROUP, F_PWTYPE, F_CW, F_LABEL,
    F_HOLD, F_TARGETED, F_KA, F_MXPDU, F_TADDR, F_MAC, F_STATUS, F_N
};

static const char *const field_names[F_N] = {
    "ldp.msg.type", "ldp.msg.id", "ldp.msg.tlv.fec.type",
    "ldp.msg.tlv.fec.pw.pwid", "ldp.msg.tlv.fec.pw.groupid",
    "ldp.msg.tlv.fec.pw.pwtype", "ldp.msg.tlv.fec.pw.controlword",
    "ldp.msg.tlv.generic.label", "ldp.msg.tlv.hello.hold",
    "ldp.msg.tlv.hello.targeted", "ldp.msg.tlv.sess.ka",
    "ldp.msg.tlv.sess.mxpdu", "ldp.msg.tlv.ipv4.taddr", "ldp.msg.tlv.mac",
    "ldp.msg.tlv.status.data",
};

struct expect {
    char f[F_N][512];
};

#define MAX_FRAMES 32

struct cap {
    struct nvo_pcap_out *po;
    nvo_time_t t;
    uint32_t seq[2];            /* next TCP sequence number of A, B */
    struct expect exp[MAX_FRAMES];
    size_t n_frames;
    size_t n_msgs;              /* LDP messages written */
};

static void
add__(struct expect *e, int f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add__(struct expect *e, int f, const char *fmt, ...)
{
    size_t n = strlen(e->f[f]);
    if (n) {
        e->f[f][n++] = ',';
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->f[f] + n, sizeof e->f[f] - n, fmt, ap);
    va_end(ap);
}

static void
add_ip__(struct expect *e, int f, uint32_t ip)
{
    add__(e, f, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
          (ip >> 8) & 0xff, ip & 0xff);
}

static void
expect_fec__(struct expect *e, const struct nvo_ldp_fec *f)
{
    add__(e, F_FEC_TYPE, "%u", f->kind);
    if (f->kind != NVO_LDP_FEC_PWID) {
        return;
    }
    add__(e, F_CW, "%u", f->control_word ? 1u : 0u);
    add__(e, F_PWTYPE, "0x%04x", f->pw_type);
    add__(e, F_GROUP, "%u", f->group_id);
    if (f->has_pw_id) {
        add__(e, F_PWID, "%u", f->pw_id);
    }
}

/* What tshark shows for message 'm', from its struct (not its bytes). */
static void
expect_msg__(struct expect *e, const struct nvo_ldp_msg *m)
{
    add__(e, F_TYPE, "0x%04x", m->type);
    add__(e, F_ID, "0x%08x", m->id);
    switch (m->type) {
    case NVO_LDP_MSG_HELLO:
        add__(e, F_HOLD, "%u", m->hello.hold_time);
        add__(e, F_TARGETED, "%u", m->hello.targeted ? 1u : 0u);
        if (m->hello.has_transport) {
            add_ip__(e, F_TADDR, m->hello.transport_addr);
        }
        break;
    case NVO_LDP_MSG_INIT:
        add__(e, F_KA, "%u", m->init.keepalive_time);
        add__(e, F_MXPDU, "%u", m->init.max_pdu_len);
        break;
    case NVO_LDP_MSG_KEEPALIVE:
        break;
    case NVO_LDP_MSG_NOTIFICATION:
        add__(e, F_STATUS, "0x%08x",
              m->notif.status & NVO_LDP_STATUS_DATA_MASK);
        if (m->notif.has_fec) {
            expect_fec__(e, &m->notif.fec);
        }
        break;
    case NVO_LDP_MSG_ADDRESS:
    case NVO_LDP_MSG_ADDRESS_WITHDRAW:
        if (m->addr.has_fec) {
            expect_fec__(e, &m->addr.fec);
        }
        for (uint16_t i = 0; m->addr.has_macs && i < m->addr.macs.n; i++) {
            const uint8_t *a = m->addr.macs.raw + 6 * i;
            add__(e, F_MAC, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1],
                  a[2], a[3], a[4], a[5]);
        }
        break;
    default:
        expect_fec__(e, &m->label.fec);
        if (m->label.has_label) {
            add__(e, F_LABEL, "%u", m->label.label);
        }
        break;
    }
}

/* ---- Frames ------------------------------------------------------------- */

/* Appends the PDU of 'n' messages from LSR 'from' to 'out'; returns its
 * bytes and adds the messages to the frame's expectation. */
static size_t
pdu__(struct cap *c, uint32_t from, const struct nvo_ldp_msg *ms, size_t n,
      uint8_t *out, size_t size)
{
    struct nvo_ldp_pdu_wr w;
    struct nvo_ldp_id id = { .lsr_id = from, .label_space = 0 };
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, out, size, &id, 0), 0);
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(nvo_ldp_pdu_add(&w, &ms[i]), 0);
        expect_msg__(&c->exp[c->n_frames], &ms[i]);
        c->n_msgs++;
    }
    return nvo_ldp_pdu_finish(&w);
}

/* Writes one frame from 'from' (0 = A, 1 = B) to 'dst_ip': UDP or TCP
 * with 'len' real bytes of LDP after the L4 header. */
static void
frame__(struct cap *c, int from, uint32_t dst_ip, bool udp, uint16_t flags,
        const uint8_t *data, size_t len)
{
    struct nvo_frame_spec s = {
        .src_mac = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (from + 1) },
        .dst_mac = { 0x00, 0x50, 0x56, 0, 0, (uint8_t) (2 - from) },
        .src_ip4 = from ? IP_B : IP_A, .dst_ip4 = dst_ip,
        .proto = udp ? NVO_IPPROTO_UDP : NVO_IPPROTO_TCP,
        .sport = udp ? NVO_LDP_PORT : from ? PORT_B : NVO_LDP_PORT,
        .dport = udp ? NVO_LDP_PORT : from ? NVO_LDP_PORT : PORT_B,
        .tcp_seq = c->seq[from], .tcp_ack = c->seq[!from],
        .tcp_flags = flags,
        .ip_id = (uint16_t) c->n_frames,
    };
    if ((dst_ip >> 28) == 0xe) {                /* link hello, RFC 1112 */
        static const uint8_t mc[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x02 };
        memcpy(s.dst_mac, mc, 6);
        s.ttl = 1;
    }
    if (flags & NVO_TCP_SYN) {
        s.tcp_ack = flags & NVO_TCP_ACK ? c->seq[!from] : 0;
    }
    struct nvo_pkt *p = nvo_pkt_alloc(&pool, NVO_PKT_HEADROOM,
                                      (uint32_t) (64 + len));
    p->payload_size = (uint32_t) len;
    ck_assert_int_eq(nvo_wire_build_frame(p, &s), 0);
    /* The LDP bytes become real bytes; the L4 checksum is redone over
     * them. */
    uint8_t *bytes = nvo_pkt_put(p, (uint32_t) len);
    if (len) {
        memcpy(bytes, data, len);       /* none in a bare SYN or ACK */
    }
    p->payload_size = 0;
    uint8_t *l3 = nvo_pkt_at(p, p->l3_ofs);
    uint8_t *l4 = nvo_pkt_at(p, p->l4_ofs);
    size_t l4_len = (udp ? NVO_UDP_LEN : NVO_TCP_LEN) + len;
    uint8_t *csum = l4 + (udp ? 6 : 16);
    nvo_wr16(csum, 0);
    uint16_t v = nvo_l4_csum(l3, s.proto, l4, l4_len, (uint32_t) l4_len);
    nvo_wr16(csum, udp && !v ? 0xffff : v);
    c->t += 100 * NVO_US;
    ck_assert_int_eq(nvo_pcap_out_write(c->po, c->t, p), 0);
    nvo_pkt_free(p);
    if (!udp) {
        c->seq[from] += (uint32_t) len
                        + ((flags & (NVO_TCP_SYN | NVO_TCP_FIN)) ? 1 : 0);
    }
    c->n_frames++;
    ck_assert_uint_lt(c->n_frames, MAX_FRAMES);
}

/* A segment from 'from' carrying the PDUs built into 'buf'. */
static void
seg__(struct cap *c, int from, const uint8_t *buf, size_t len)
{
    frame__(c, from, from ? IP_A : IP_B, false, NVO_TCP_ACK | NVO_TCP_PSH,
            buf, len);
}

static struct nvo_ldp_msg
mapping__(uint32_t id, uint16_t pw_type, bool cw, uint32_t group,
          uint32_t pw_id, uint32_t label)
{
    return (struct nvo_ldp_msg) {
        .type = NVO_LDP_MSG_LABEL_MAPPING, .id = id,
        .label = {
            .fec = { .kind = NVO_LDP_FEC_PWID, .control_word = cw,
                     .pw_type = pw_type, .group_id = group,
                     .has_pw_id = true, .pw_id = pw_id, .has_mtu = true,
                     .mtu = 1500 },
            .has_label = true, .label = label,
        },
    };
}

/* Writes the whole exchange into 'path'. */
static void
write_exchange(struct cap *c, const char *path)
{
    char err[256];
    memset(c, 0, sizeof *c);
    c->seq[0] = 5000;
    c->seq[1] = 1000;
    ck_assert_int_eq(nvo_pcap_out_open(path, 0, &c->po, err, sizeof err), 0);
    uint8_t buf[8192];
    size_t n;

    /* Discovery: a link Hello from A, targeted Hellos both ways. */
    struct nvo_ldp_msg h = { .type = NVO_LDP_MSG_HELLO, .id = 1,
        .hello = { .hold_time = 15, .has_transport = true,
                   .transport_addr = IP_A } };
    n = pdu__(c, IP_A, &h, 1, buf, sizeof buf);
    frame__(c, 0, NVO_LDP_ALL_ROUTERS, true, 0, buf, n);
    h.hello = (struct nvo_ldp_hello) { .hold_time = 45, .targeted = true,
        .request_targeted = true, .has_transport = true,
        .transport_addr = IP_A };
    h.id = 2;
    n = pdu__(c, IP_A, &h, 1, buf, sizeof buf);
    frame__(c, 0, IP_B, true, 0, buf, n);
    h.hello.transport_addr = IP_B;
    h.hello.hold_time = NVO_LDP_HOLD_INFINITE;
    h.id = 1;
    n = pdu__(c, IP_B, &h, 1, buf, sizeof buf);
    frame__(c, 1, IP_A, true, 0, buf, n);

    /* B (the higher LSR id) opens TCP to A:646. */
    frame__(c, 1, IP_A, false, NVO_TCP_SYN, NULL, 0);
    frame__(c, 0, IP_B, false, NVO_TCP_SYN | NVO_TCP_ACK, NULL, 0);
    frame__(c, 1, IP_A, false, NVO_TCP_ACK, NULL, 0);

    /* Initialization from B; A answers with Initialization and KeepAlive
     * as two PDUs in one segment; B's KeepAlive. */
    struct nvo_ldp_msg init = { .type = NVO_LDP_MSG_INIT, .id = 2,
        .init = { .proto_version = 1, .keepalive_time = 180,
                  .max_pdu_len = 4096,
                  .receiver = { .lsr_id = IP_A } } };
    n = pdu__(c, IP_B, &init, 1, buf, sizeof buf);
    seg__(c, 1, buf, n);
    init.id = 3;
    init.init.keepalive_time = 60;
    init.init.max_pdu_len = 0;
    init.init.receiver.lsr_id = IP_B;
    n = pdu__(c, IP_A, &init, 1, buf, sizeof buf);
    struct nvo_ldp_msg ka = { .type = NVO_LDP_MSG_KEEPALIVE, .id = 4 };
    n += pdu__(c, IP_A, &ka, 1, buf + n, sizeof buf - n);
    seg__(c, 0, buf, n);
    ka.id = 3;
    n = pdu__(c, IP_B, &ka, 1, buf, sizeof buf);
    seg__(c, 1, buf, n);

    /* A: Address, then Label Mappings for five pseudowires in one PDU. */
    static const uint8_t addr_a[4] = { 0xc0, 0x00, 0x02, 0x01 };
    struct nvo_ldp_msg ms[8];
    ms[0] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_ADDRESS, .id = 5,
        .addr = { .has_addrs = true, .addrs = { addr_a, 1 } } };
    ms[1] = mapping__(6, NVO_LDP_PW_ETH, true, 0, 100, 16);
    ms[2] = mapping__(7, NVO_LDP_PW_ETH, false, 0, 200, 17);
    ms[3] = mapping__(8, NVO_LDP_PW_ETH_TAGGED, true, 7, 300, 1048575);
    ms[4] = mapping__(9, NVO_LDP_PW_ETH_TAGGED, false, 0xffffffff,
                      0xffffffff, 299792);
    ms[5] = mapping__(10, NVO_LDP_PW_ETH, false, 1, 4000, 100000);
    n = pdu__(c, IP_A, ms, 6, buf, sizeof buf);
    seg__(c, 0, buf, n);

    /* B: its mappings, and a Label Request. */
    ms[0] = mapping__(4, NVO_LDP_PW_ETH, true, 0, 100, 524288);
    ms[1] = mapping__(5, NVO_LDP_PW_ETH, false, 0, 200, 524289);
    ms[2] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_LABEL_REQUEST,
        .id = 6, .label = { .fec = ms[1].label.fec } };
    ms[2].label.fec.pw_id = 500;
    n = pdu__(c, IP_B, ms, 3, buf, sizeof buf);
    seg__(c, 1, buf, n);

    /* A withdraws group 7 (no PW ID) and PW 200 (with its label); B
     * releases PW 200's label.  (Wireshark 4.0 throws "Malformed Packet"
     * on a group-only PWid element that ends its PDU, although RFC 4447
     * 5.2 allows it and it decodes correctly when another message
     * follows, as here; docs/ldp-wire.md.) */
    ms[0] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_LABEL_WITHDRAW,
        .id = 11, .label = { .fec = { .kind = NVO_LDP_FEC_PWID,
                                      .pw_type = NVO_LDP_PW_ETH_TAGGED,
                                      .group_id = 7 } } };
    ms[1] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_LABEL_WITHDRAW,
        .id = 12, .label = { .fec = mapping__(0, NVO_LDP_PW_ETH, false, 0,
                                              200, 0).label.fec,
                             .has_label = true, .label = 17 } };
    ms[1].label.fec.has_mtu = false;
    n = pdu__(c, IP_A, ms, 2, buf, sizeof buf);
    seg__(c, 0, buf, n);
    ms[1].id = 7;
    ms[1].type = NVO_LDP_MSG_LABEL_RELEASE;
    n = pdu__(c, IP_B, ms + 1, 1, buf, sizeof buf);
    seg__(c, 1, buf, n);

    /* A: MAC Address Withdraws for VSI 100, two MACs and then none
     * (flush all but A's); B: a Notification (Unknown FEC, not fatal)
     * about A's message 12. */
    static const uint8_t macs[12] = { 0x00, 0x50, 0x56, 0x00, 0x00, 0x0a,
                                      0x00, 0x16, 0x3e, 0x12, 0x34, 0x56 };
    struct nvo_ldp_fec vsi = mapping__(0, NVO_LDP_PW_ETH, false, 0, 100,
                                       0).label.fec;
    vsi.has_mtu = false;
    ms[0] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_ADDRESS_WITHDRAW,
        .id = 13, .addr = { .has_fec = true, .fec = vsi, .has_macs = true,
                            .macs = { macs, 2 } } };
    ms[1] = ms[0];
    ms[1].id = 14;
    ms[1].addr.macs.n = 0;
    n = pdu__(c, IP_A, ms, 2, buf, sizeof buf);
    seg__(c, 0, buf, n);
    struct nvo_ldp_error e = { .status = NVO_LDP_ST_UNKNOWN_FEC,
                               .msg_id = 12, .msg_type = 0x0402 };
    nvo_ldp_notif_for(&e, 8, &ms[0]);
    /* ... and the status of its PW 100: not forwarding (RFC 4447 5.4). */
    ms[1] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_NOTIFICATION,
        .id = 9, .notif = { .status = NVO_LDP_ST_PW_STATUS,
                            .has_pw_status = true, .pw_status = 1,
                            .has_fec = true, .fec = vsi } };
    n = pdu__(c, IP_B, ms, 2, buf, sizeof buf);
    seg__(c, 1, buf, n);

    ck_assert_int_eq(nvo_pcap_out_close(c->po, err, sizeof err), 0);
}

/* ---- tshark ------------------------------------------------------------- */

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

static char lines[MAX_FRAMES + 8][4096];

START_TEST(test_tshark_decodes_ldp)
{
    nvo_test_require_tshark();
    char path[4096];
    snprintf(path, sizeof path, "%s/ldp.pcap", tmpdir);
    static struct cap c;
    write_exchange(&c, path);
    ck_assert_uint_eq(c.n_frames, 15);
    ck_assert_uint_eq(c.n_msgs, 23);

    char args[2048] = "-T fields -E occurrence=a -E separator=/t "
                      "-e frame.number -e tcp.checksum.status "
                      "-e udp.checksum.status -e ip.checksum.status";
    for (int f = 0; f < F_N; f++) {
        strcat(args, " -e ");
        strcat(args, field_names[f]);
    }
    strcat(args, " -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE "
                 "-o ip.check_checksum:TRUE");
    size_t n = run_tshark(path, args, lines, MAX_FRAMES + 8);
    ck_assert_uint_eq(n, c.n_frames);
    for (size_t i = 0; i < n; i++) {
        char *cols[4 + F_N + 1];
        size_t nc = split_tabs(lines[i], cols, 4 + F_N + 1);
        ck_assert_uint_eq(nc, 4 + F_N);
        ck_assert_uint_eq(strtoul(cols[0], NULL, 10), i + 1);
        /* Checksums: 1 = good (TCP or UDP, whichever the frame has). */
        ck_assert_msg(!strcmp(cols[1], "1") || !strcmp(cols[2], "1"),
                      "frame %zu: L4 checksum status '%s' '%s'", i + 1,
                      cols[1], cols[2]);
        ck_assert_str_eq(cols[3], "1");
        for (int f = 0; f < F_N; f++) {
            ck_assert_msg(!strcmp(cols[4 + f], c.exp[i].f[f]),
                          "frame %zu %s: tshark '%s', expected '%s'", i + 1,
                          field_names[f], cols[4 + f], c.exp[i].f[f]);
        }
    }

    /* No malformed frame, no expert error or warning, with one
     * exception: Wireshark 4.0 warns "GTSM is not supported by the
     * source, since basic discovery is not enabled" on every targeted
     * Hello, whose G flag stays 0 (GTSM, RFC 6720, is for link hellos
     * only; Wireshark reports G = 1 with T as an error).  That warning must be
     * on the two targeted Hellos and nowhere else. */
    n = run_tshark(path, "-Y '_ws.malformed || _ws.expert.severity >= "
                   "warning' -T fields -E aggregator='|' -e frame.number "
                   "-e _ws.expert.severity -e _ws.expert.message "
                   "-e ldp.msg.tlv.hello.targeted", lines, MAX_FRAMES + 8);
    static const char gtsm[] = "GTSM is not supported by the source, since "
                               "basic discovery is not enabled";
    unsigned int n_gtsm = 0;
    for (size_t i = 0; i < n; i++) {
        char *cols[5];
        ck_assert_uint_eq(split_tabs(lines[i], cols, 5), 4);
        ck_assert_msg(!strcmp(cols[3], "1"), "frame %s: %s", cols[0],
                      cols[2]);
        char *sv = cols[1], *msg = cols[2];
        while (sv && *sv) {
            char *sv_end = strchr(sv, '|'), *msg_end = strchr(msg, '|');
            if (sv_end) {
                *sv_end = '\0';
            }
            if (msg_end) {
                *msg_end = '\0';
            }
            if (strtoul(sv, NULL, 10) >= 0x600000) {    /* PI_WARN */
                ck_assert_msg(!strcmp(msg, gtsm), "frame %s: %s", cols[0],
                              msg);
                n_gtsm++;
            }
            sv = sv_end ? sv_end + 1 : NULL;
            msg = msg_end ? msg_end + 1 : msg + strlen(msg);
        }
    }
    ck_assert_uint_eq(n_gtsm, 2);
    n = run_tshark(path, "-Y ldp -T fields -e frame.number", lines,
                   MAX_FRAMES + 8);
    ck_assert_uint_eq(n, c.n_frames - 3);       /* all but the handshake */
}
END_TEST

static Suite *
ldp_pcap_suite(void)
{
    Suite *s = suite_create("ldp_pcap");
    TCase *tc = tcase_create("tshark");
    tcase_add_test(tc, test_tshark_decodes_ldp);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    return s;
}

static void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char p[4400];
                snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
                remove(p);
            }
        }
        closedir(d);
    }
    rmdir(dir);
}

int
main(void)
{
    nvo_pkt_pool_init(&pool);
    tmpdir = nvo_test_tmpdir("ldp_pcap");
    int status = nvo_test_run(ldp_pcap_suite());
    const char *keep = getenv("NVO_TEST_KEEP");
    if (keep && *keep == '1') {
        fprintf(stderr, "test_ldp_pcap: files kept in %s\n", tmpdir);
    } else {
        remove_dir(tmpdir);
    }
    free(tmpdir);
    if (pool.n_live) {
        fprintf(stderr, "test_ldp_pcap: %llu packets leaked\n",
                (unsigned long long) pool.n_live);
        status = 1;
    }
    nvo_pkt_pool_destroy(&pool);
    return status;
}
