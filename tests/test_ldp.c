/* test_ldp.c: the LDP wire format (wire/ldp.h, wire/ldp_fec.h) and the
 * full-mesh arithmetic (wire/ldp_mesh.h).
 *
 * Golden PDUs written by hand from RFC 5036, RFC 4447 and RFC 4762 (each
 * byte group commented with its section) must be what the encoder writes
 * and decode to the values they were written from; every size
 * shared/protocols.md states is asserted; every class of malformed input
 * is refused with the status code RFC 5036 3.9 gives it, and its E bit;
 * the mesh cost is checked against n(n-1)/2, n(n-1)V and the byte
 * formulas computed by hand.  tshark checks are in test_ldp_pcap.c. */
#include <errno.h>
#include <stdlib.h>

#include "testutil.h"
#include "wire/ldp.h"
#include "wire/ldp_fec.h"
#include "wire/ldp_mesh.h"

#define LSR_A 0xc0000201u       /* 192.0.2.1 */
#define LSR_B 0xc0000202u       /* 192.0.2.2 */

static const struct nvo_ldp_id id_a = { .lsr_id = LSR_A, .label_space = 0 };

/* Encodes 'm' alone in a PDU from id_a into buf; returns its bytes. */
static size_t
one_pdu(const struct nvo_ldp_msg *m, uint8_t *buf, size_t size)
{
    struct nvo_ldp_pdu_wr w;
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, size, &id_a, 0), 0);
    ck_assert_int_eq(nvo_ldp_pdu_add(&w, m), 0);
    return nvo_ldp_pdu_finish(&w);
}

/* Decodes a PDU that must hold exactly one valid message. */
static void
decode_one(const uint8_t *buf, size_t len, struct nvo_ldp_msg *m)
{
    struct nvo_ldp_pdu_rd rd;
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, buf, len, 0), 0);
    ck_assert_uint_eq(rd.hdr.version, 1);
    ck_assert_uint_eq(rd.hdr.pdu_len + 4u, len);
    ck_assert_uint_eq(rd.hdr.id.lsr_id, LSR_A);
    ck_assert_uint_eq(rd.hdr.id.label_space, 0);
    struct nvo_ldp_error e;
    ck_assert_msg(nvo_ldp_pdu_next(&rd, m, &e), "status %s",
                  nvo_ldp_status_name(e.status));
    struct nvo_ldp_msg m2;
    ck_assert(!nvo_ldp_pdu_next(&rd, &m2, &e));
    ck_assert_uint_eq(e.status, 0);
}

/* The pseudowire of the golden Label Mapping. */
static struct nvo_ldp_fec
pw_fec(void)
{
    return (struct nvo_ldp_fec) {
        .kind = NVO_LDP_FEC_PWID, .control_word = true,
        .pw_type = NVO_LDP_PW_ETH, .group_id = 7, .has_pw_id = true,
        .pw_id = 100, .has_mtu = true, .mtu = 1500,
    };
}

/* ---- Golden PDUs -------------------------------------------------------- */

static const uint8_t golden_mapping[] = {
    0x00, 0x01,                 /* RFC 5036 3.1: version 1 */
    0x00, 0x2a,                 /* 3.1: PDU length 42 = 46 - 4 */
    0xc0, 0x00, 0x02, 0x01,     /* 3.1: LSR id 192.0.2.1 */
    0x00, 0x00,                 /* 3.1: label space 0 (platform-wide) */
    0x04, 0x00,                 /* 3.5.7: U = 0, Label Mapping 0x0400 */
    0x00, 0x20,                 /* 3.5: message length 32 = 36 - 4 */
    0x00, 0x00, 0x00, 0x11,     /* 3.5: message id 17 */
    0x01, 0x00,                 /* 3.4.1: U = F = 0, FEC TLV 0x0100 */
    0x00, 0x10,                 /* 3.3: TLV length 16 */
    0x80,                       /* RFC 4447 5.2: PWid FEC element 128 */
    0x80, 0x05,                 /* 5.2: C = 1, PW type 5 (Ethernet) */
    0x08,                       /* 5.2: PW info length 8 (PW ID + MTU) */
    0x00, 0x00, 0x00, 0x07,     /* 5.2: group id 7 */
    0x00, 0x00, 0x00, 0x64,     /* 5.2: PW ID 100 */
    0x01, 0x04, 0x05, 0xdc,     /* 5.5: MTU sub-TLV, length 4, 1500 */
    0x02, 0x00,                 /* RFC 5036 3.4.2.1: Generic Label 0x0200 */
    0x00, 0x04,                 /* 3.3: length 4 */
    0x00, 0x01, 0x00, 0x01,     /* 3.4.2.1: label 65537 (20 bits) */
};

static const uint8_t golden_hello[] = {
    0x00, 0x01, 0x00, 0x1e,     /* RFC 5036 3.1: version 1, PDU length 30 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id 192.0.2.1:0 */
    0x01, 0x00, 0x00, 0x14,     /* 3.5.2: Hello 0x0100, length 20 */
    0x00, 0x00, 0x00, 0x01,     /* 3.5: message id 1 */
    0x04, 0x00, 0x00, 0x04,     /* 3.5.2: Common Hello Parameters, len 4 */
    0x00, 0x2d,                 /* 3.5.2: hold time 45 s */
    0xc0, 0x00,                 /* 3.5.2: T = 1 (targeted), R = 1 */
    0x04, 0x01, 0x00, 0x04,     /* 3.5.2: IPv4 Transport Address, len 4 */
    0xc0, 0x00, 0x02, 0x01,     /* 192.0.2.1 */
};

static const uint8_t golden_init[] = {
    0x00, 0x01, 0x00, 0x20,     /* RFC 5036 3.1: version 1, PDU length 32 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id 192.0.2.1:0 */
    0x02, 0x00, 0x00, 0x16,     /* 3.5.3: Initialization 0x0200, len 22 */
    0x00, 0x00, 0x00, 0x02,     /* 3.5: message id 2 */
    0x05, 0x00, 0x00, 0x0e,     /* 3.5.3: Common Session Parameters, 14 */
    0x00, 0x01,                 /* 3.5.3: protocol version 1 */
    0x00, 0xb4,                 /* 3.5.3: KeepAlive time 180 s */
    0x00,                       /* 3.5.3: A = 0 (unsolicited), D = 0 */
    0x00,                       /* 3.5.3: PVLim 0 */
    0x10, 0x00,                 /* 3.5.3: max PDU length 4096 */
    0xc0, 0x00, 0x02, 0x02, 0x00, 0x00,  /* 3.5.3: receiver 192.0.2.2:0 */
};

static const uint8_t golden_keepalive[] = {
    0x00, 0x01, 0x00, 0x0e,     /* RFC 5036 3.1: version 1, PDU length 14 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id */
    0x02, 0x01, 0x00, 0x04,     /* 3.5.4: KeepAlive 0x0201, length 4 */
    0x00, 0x00, 0x00, 0x03,     /* 3.5: message id 3 */
};

static const uint8_t golden_notification[] = {
    0x00, 0x01, 0x00, 0x1c,     /* RFC 5036 3.1: version 1, PDU length 28 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id */
    0x00, 0x01, 0x00, 0x12,     /* 3.5.1: Notification 0x0001, length 18 */
    0x00, 0x00, 0x00, 0x04,     /* 3.5: message id 4 */
    0x03, 0x00, 0x00, 0x0a,     /* 3.4.6: Status TLV 0x0300, length 10 */
    0x80, 0x00, 0x00, 0x07,     /* 3.4.6/3.9: E = 1, F = 0, Bad TLV Length */
    0x00, 0x00, 0x00, 0x11,     /* 3.4.6: about message id 17 */
    0x04, 0x00,                 /* 3.4.6: of type Label Mapping */
};

static const uint8_t golden_mac_withdraw[] = {
    0x00, 0x01, 0x00, 0x2e,     /* RFC 5036 3.1: version 1, PDU length 46 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id */
    0x03, 0x01, 0x00, 0x24,     /* 3.5.6: Address Withdraw 0x0301, len 36 */
    0x00, 0x00, 0x00, 0x05,     /* 3.5: message id 5 */
    0x01, 0x00, 0x00, 0x0c,     /* RFC 4762 6.2.1: FEC TLV, length 12 */
    0x80, 0x00, 0x05, 0x04,     /* RFC 4447 5.2: PWid, C = 0, type 5, len 4 */
    0x00, 0x00, 0x00, 0x07,     /* 5.2: group id 7 */
    0x00, 0x00, 0x00, 0x64,     /* 5.2: PW ID 100 */
    0x84, 0x04, 0x00, 0x0c,     /* RFC 4762 6.2.1: U = 1, MAC List 0x0404 */
    0x00, 0x50, 0x56, 0x00, 0x00, 0x01,  /* 6.2.1: MAC 00:50:56:00:00:01 */
    0x00, 0x50, 0x56, 0x00, 0x00, 0x02,  /* 6.2.1: MAC 00:50:56:00:00:02 */
};

static const uint8_t golden_address[] = {
    0x00, 0x01, 0x00, 0x18,     /* RFC 5036 3.1: version 1, PDU length 24 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id */
    0x03, 0x00, 0x00, 0x0e,     /* 3.5.5: Address 0x0300, length 14 */
    0x00, 0x00, 0x00, 0x06,     /* 3.5: message id 6 */
    0x01, 0x01, 0x00, 0x06,     /* 3.4.3: Address List TLV, length 6 */
    0x00, 0x01,                 /* 3.4.3: address family 1 (IPv4) */
    0xc0, 0x00, 0x02, 0x01,     /* 3.4.3: 192.0.2.1 */
};

static const uint8_t golden_withdraw_group[] = {
    0x00, 0x01, 0x00, 0x1a,     /* RFC 5036 3.1: version 1, PDU length 26 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id */
    0x04, 0x02, 0x00, 0x10,     /* 3.5.10: Label Withdraw 0x0402, len 16 */
    0x00, 0x00, 0x00, 0x08,     /* 3.5: message id 8 */
    0x01, 0x00, 0x00, 0x08,     /* 3.4.1: FEC TLV, length 8 */
    0x80, 0x00, 0x04, 0x00,     /* RFC 4447 5.2: PWid, type 4 (tagged), */
                                /* PW info length 0: the whole group */
    0x00, 0x00, 0x00, 0x07,     /* 5.2: group id 7 */
};

static const uint8_t golden_request[] = {
    0x00, 0x01, 0x00, 0x22,     /* RFC 5036 3.1: version 1, PDU length 34 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id */
    0x04, 0x01, 0x00, 0x18,     /* 3.5.8: Label Request 0x0401, len 24 */
    0x00, 0x00, 0x00, 0x09,     /* 3.5: message id 9 */
    0x01, 0x00, 0x00, 0x10,     /* 3.4.1: FEC TLV, length 16 */
    0x80, 0x00, 0x04, 0x08,     /* RFC 4447 5.2: PWid, C = 0, type 4, 8 */
    0x00, 0x00, 0x00, 0x07,     /* 5.2: group id 7 */
    0x00, 0x00, 0x00, 0x64,     /* 5.2: PW ID 100 */
    0x01, 0x04, 0x05, 0xdc,     /* 5.5: MTU 1500 */
};

static const uint8_t golden_release[] = {
    0x00, 0x01, 0x00, 0x26,     /* RFC 5036 3.1: version 1, PDU length 38 */
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00,  /* 3.1: LDP id */
    0x04, 0x03, 0x00, 0x1c,     /* 3.5.11: Label Release 0x0403, len 28 */
    0x00, 0x00, 0x00, 0x0a,     /* 3.5: message id 10 */
    0x01, 0x00, 0x00, 0x0c,     /* 3.4.1: FEC TLV, length 12 */
    0x80, 0x00, 0x05, 0x04,     /* RFC 4447 5.2: PWid, C = 0, type 5, 4 */
    0x00, 0x00, 0x00, 0x07,     /* 5.2: group id 7 */
    0x00, 0x00, 0x00, 0x64,     /* 5.2: PW ID 100 */
    0x02, 0x00, 0x00, 0x04,     /* 3.4.2.1: Generic Label, length 4 */
    0x00, 0x01, 0x00, 0x01,     /* label 65537 */
};

START_TEST(test_golden_request_release)
{
    uint8_t buf[128];
    struct nvo_ldp_msg d;
    struct nvo_ldp_fec f = pw_fec();
    f.control_word = false;
    f.pw_type = NVO_LDP_PW_ETH_TAGGED;
    struct nvo_ldp_msg rq = { .type = NVO_LDP_MSG_LABEL_REQUEST, .id = 9,
                              .label = { .fec = f } };
    ck_assert_uint_eq(one_pdu(&rq, buf, sizeof buf), sizeof golden_request);
    ck_assert_mem_eq(buf, golden_request, sizeof golden_request);
    decode_one(golden_request, sizeof golden_request, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_LABEL_REQUEST);
    ck_assert_uint_eq(d.label.fec.pw_type, 4);
    ck_assert(d.label.fec.has_mtu && !d.label.has_label);

    f = pw_fec();
    f.control_word = false;
    f.has_mtu = false;
    struct nvo_ldp_msg rl = { .type = NVO_LDP_MSG_LABEL_RELEASE, .id = 10,
        .label = { .fec = f, .has_label = true, .label = 65537 } };
    ck_assert_uint_eq(one_pdu(&rl, buf, sizeof buf), sizeof golden_release);
    ck_assert_mem_eq(buf, golden_release, sizeof golden_release);
    decode_one(golden_release, sizeof golden_release, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_LABEL_RELEASE);
    ck_assert_uint_eq(d.label.fec.pw_id, 100);
    ck_assert(!d.label.fec.has_mtu && d.label.has_label);
    ck_assert_uint_eq(d.label.label, 65537);
}
END_TEST

START_TEST(test_golden_label_mapping)
{
    struct nvo_ldp_msg m = {
        .type = NVO_LDP_MSG_LABEL_MAPPING, .id = 17,
        .label = { .fec = pw_fec(), .has_label = true, .label = 65537 },
    };
    uint8_t buf[128];
    size_t n = one_pdu(&m, buf, sizeof buf);
    ck_assert_uint_eq(n, sizeof golden_mapping);
    ck_assert_mem_eq(buf, golden_mapping, n);

    struct nvo_ldp_msg d;
    decode_one(golden_mapping, sizeof golden_mapping, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_LABEL_MAPPING);
    ck_assert(!d.u_bit);
    ck_assert_uint_eq(d.id, 17);
    ck_assert_uint_eq(d.label.fec.kind, 0x80);
    ck_assert(d.label.fec.control_word);
    ck_assert_uint_eq(d.label.fec.pw_type, 5);
    ck_assert_uint_eq(d.label.fec.group_id, 7);
    ck_assert(d.label.fec.has_pw_id);
    ck_assert_uint_eq(d.label.fec.pw_id, 100);
    ck_assert(d.label.fec.has_mtu);
    ck_assert_uint_eq(d.label.fec.mtu, 1500);
    ck_assert_uint_eq(d.label.fec.n_other_params, 0);
    ck_assert(d.label.has_label);
    ck_assert_uint_eq(d.label.label, 65537);
    ck_assert(!d.label.has_req_msg_id && !d.label.has_pw_status);
}
END_TEST

START_TEST(test_golden_session_messages)
{
    uint8_t buf[128];
    struct nvo_ldp_msg d;

    struct nvo_ldp_msg hello = {
        .type = NVO_LDP_MSG_HELLO, .id = 1,
        .hello = { .hold_time = 45, .targeted = true,
                   .request_targeted = true, .has_transport = true,
                   .transport_addr = LSR_A },
    };
    ck_assert_uint_eq(one_pdu(&hello, buf, sizeof buf), sizeof golden_hello);
    ck_assert_mem_eq(buf, golden_hello, sizeof golden_hello);
    decode_one(golden_hello, sizeof golden_hello, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_HELLO);
    ck_assert_uint_eq(d.hello.hold_time, 45);
    ck_assert(d.hello.targeted && d.hello.request_targeted);
    ck_assert(d.hello.has_transport && !d.hello.has_cfg_seq);
    ck_assert_uint_eq(d.hello.transport_addr, LSR_A);

    struct nvo_ldp_msg init = {
        .type = NVO_LDP_MSG_INIT, .id = 2,
        .init = { .proto_version = 1, .keepalive_time = 180,
                  .max_pdu_len = 4096,
                  .receiver = { .lsr_id = LSR_B, .label_space = 0 } },
    };
    ck_assert_uint_eq(one_pdu(&init, buf, sizeof buf), sizeof golden_init);
    ck_assert_mem_eq(buf, golden_init, sizeof golden_init);
    decode_one(golden_init, sizeof golden_init, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_INIT);
    ck_assert_uint_eq(d.init.proto_version, 1);
    ck_assert_uint_eq(d.init.keepalive_time, 180);
    ck_assert(!d.init.downstream_on_demand && !d.init.loop_detection);
    ck_assert_uint_eq(d.init.pv_limit, 0);
    ck_assert_uint_eq(d.init.max_pdu_len, 4096);
    ck_assert_uint_eq(d.init.receiver.lsr_id, LSR_B);
    ck_assert_uint_eq(d.init.receiver.label_space, 0);

    struct nvo_ldp_msg ka = { .type = NVO_LDP_MSG_KEEPALIVE, .id = 3 };
    ck_assert_uint_eq(one_pdu(&ka, buf, sizeof buf), sizeof golden_keepalive);
    ck_assert_mem_eq(buf, golden_keepalive, sizeof golden_keepalive);
    decode_one(golden_keepalive, sizeof golden_keepalive, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_KEEPALIVE);
    ck_assert_uint_eq(d.id, 3);

    /* The Notification a speaker sends about a Bad TLV Length in the
     * golden Label Mapping (message 17): nvo_ldp_notif_for() sets E. */
    struct nvo_ldp_error e = { .status = NVO_LDP_ST_BAD_TLV_LEN,
                               .msg_id = 17, .msg_type = 0x0400 };
    struct nvo_ldp_msg notif;
    nvo_ldp_notif_for(&e, 4, &notif);
    ck_assert_uint_eq(one_pdu(&notif, buf, sizeof buf),
                      sizeof golden_notification);
    ck_assert_mem_eq(buf, golden_notification, sizeof golden_notification);
    decode_one(golden_notification, sizeof golden_notification, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_NOTIFICATION);
    ck_assert_uint_eq(d.notif.status, 0x80000007u);
    ck_assert_uint_eq(d.notif.msg_id, 17);
    ck_assert_uint_eq(d.notif.msg_type, 0x0400);
}
END_TEST

START_TEST(test_golden_address_messages)
{
    uint8_t buf[128];
    struct nvo_ldp_msg d;
    static const uint8_t macs[12] = { 0x00, 0x50, 0x56, 0, 0, 1,
                                      0x00, 0x50, 0x56, 0, 0, 2 };
    struct nvo_ldp_fec fec = pw_fec();
    fec.control_word = false;
    fec.has_mtu = false;
    struct nvo_ldp_msg mw = {
        .type = NVO_LDP_MSG_ADDRESS_WITHDRAW, .id = 5,
        .addr = { .has_fec = true, .fec = fec, .has_macs = true,
                  .macs = { .raw = macs, .n = 2 } },
    };
    ck_assert_uint_eq(one_pdu(&mw, buf, sizeof buf),
                      sizeof golden_mac_withdraw);
    ck_assert_mem_eq(buf, golden_mac_withdraw, sizeof golden_mac_withdraw);
    decode_one(golden_mac_withdraw, sizeof golden_mac_withdraw, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_ADDRESS_WITHDRAW);
    ck_assert(!d.addr.has_addrs && d.addr.has_fec && d.addr.has_macs);
    ck_assert_uint_eq(d.addr.fec.pw_id, 100);
    ck_assert_uint_eq(d.addr.fec.group_id, 7);
    ck_assert(!d.addr.fec.has_mtu && !d.addr.fec.control_word);
    ck_assert_uint_eq(d.addr.macs.n, 2);
    ck_assert_mem_eq(d.addr.macs.raw, macs, 12);

    /* The empty MAC list (flush all but the sender's): a 28-byte message
     * (header 8, FEC TLV 16, MAC List TLV header 4). */
    mw.addr.macs.n = 0;
    mw.addr.macs.raw = NULL;
    ck_assert_uint_eq(nvo_ldp_msg_size(&mw), 28);
    size_t n = one_pdu(&mw, buf, sizeof buf);
    ck_assert_uint_eq(n, 38);
    ck_assert_mem_eq(buf + 34, ((const uint8_t[]) { 0x84, 0x04, 0, 0 }), 4);
    decode_one(buf, n, &d);
    ck_assert(d.addr.has_macs);
    ck_assert_uint_eq(d.addr.macs.n, 0);

    static const uint8_t addrs[4] = { 0xc0, 0x00, 0x02, 0x01 };
    struct nvo_ldp_msg am = {
        .type = NVO_LDP_MSG_ADDRESS, .id = 6,
        .addr = { .has_addrs = true, .addrs = { .raw = addrs, .n = 1 } },
    };
    ck_assert_uint_eq(one_pdu(&am, buf, sizeof buf), sizeof golden_address);
    ck_assert_mem_eq(buf, golden_address, sizeof golden_address);
    decode_one(golden_address, sizeof golden_address, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_ADDRESS);
    ck_assert(d.addr.has_addrs);
    ck_assert_uint_eq(d.addr.addrs.n, 1);
    ck_assert_uint_eq(nvo_rd32(d.addr.addrs.raw), LSR_A);

    /* Label Withdraw of a whole PW group (PW info length 0). */
    struct nvo_ldp_msg wg = {
        .type = NVO_LDP_MSG_LABEL_WITHDRAW, .id = 8,
        .label = { .fec = { .kind = NVO_LDP_FEC_PWID,
                            .pw_type = NVO_LDP_PW_ETH_TAGGED,
                            .group_id = 7 } },
    };
    ck_assert_uint_eq(one_pdu(&wg, buf, sizeof buf),
                      sizeof golden_withdraw_group);
    ck_assert_mem_eq(buf, golden_withdraw_group,
                     sizeof golden_withdraw_group);
    decode_one(golden_withdraw_group, sizeof golden_withdraw_group, &d);
    ck_assert_uint_eq(d.type, NVO_LDP_MSG_LABEL_WITHDRAW);
    ck_assert_uint_eq(d.label.fec.pw_type, 4);
    ck_assert(!d.label.fec.has_pw_id && !d.label.has_label);
    ck_assert_uint_eq(d.label.fec.group_id, 7);
}
END_TEST

/* ---- Round trips -------------------------------------------------------- */

/* Every message kind with optional parts on and off, several per PDU:
 * decoding gives back what was encoded. */
START_TEST(test_round_trip_many_per_pdu)
{
    static const uint8_t macs[18] = { 0, 0x16, 0x3e, 1, 2, 3,
                                      0, 0x16, 0x3e, 4, 5, 6,
                                      0, 0x15, 0x5d, 7, 8, 9 };
    static const uint8_t addrs[8] = { 10, 0, 0, 1, 10, 0, 0, 2 };
    struct nvo_ldp_msg ms[16];
    size_t n = 0;
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_HELLO, .id = 100,
        .hello = { .hold_time = NVO_LDP_HOLD_INFINITE, .has_cfg_seq = true,
                   .cfg_seq = 0xdeadbeef } };
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_INIT, .id = 101,
        .init = { .proto_version = 1, .keepalive_time = 65535,
                  .downstream_on_demand = true, .loop_detection = true,
                  .pv_limit = 255, .max_pdu_len = 0,
                  .receiver = { .lsr_id = 0xffffffff,
                                .label_space = 0xffff } } };
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_KEEPALIVE,
                                     .id = 0xffffffff };
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_NOTIFICATION,
        .id = 102, .notif = { .status = NVO_LDP_STATUS_F | 0x3fffffff,
                              .msg_id = 9, .msg_type = 0x8777 } };
    /* A PW status notification (RFC 4447 5.4): PW not forwarding (1). */
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_NOTIFICATION,
        .id = 109, .notif = { .status = NVO_LDP_ST_PW_STATUS,
                              .has_pw_status = true, .pw_status = 1,
                              .has_fec = true, .fec = pw_fec() } };
    ms[n - 1].notif.fec.has_mtu = false;
    ck_assert_uint_eq(nvo_ldp_msg_size(&ms[n - 1]), 22 + 8 + 16);
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_ADDRESS, .id = 103,
        .addr = { .has_addrs = true, .addrs = { addrs, 2 } } };
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_ADDRESS_WITHDRAW,
        .id = 104, .addr = { .has_addrs = true, .addrs = { addrs, 1 },
                             .has_macs = true, .macs = { macs, 3 } } };
    struct nvo_ldp_fec f = pw_fec();
    f.pw_type = NVO_LDP_PW_ETH_TAGGED;
    f.pw_id = 0xffffffff;
    f.group_id = 0xffffffff;
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_LABEL_MAPPING,
        .id = 105, .label = { .fec = f, .has_label = true,
                              .label = NVO_LDP_LABEL_MAX,
                              .has_req_msg_id = true, .req_msg_id = 77,
                              .has_pw_status = true, .pw_status = 0x1 } };
    f.has_mtu = false;
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_LABEL_REQUEST,
        .id = 106, .label = { .fec = f } };
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_LABEL_WITHDRAW,
        .id = 107, .label = { .fec = f, .has_label = true, .label = 16 } };
    ms[n++] = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_LABEL_RELEASE,
        .id = 108, .label = { .fec = { .kind = NVO_LDP_FEC_WILDCARD } } };

    uint8_t buf[4100];
    struct nvo_ldp_pdu_wr w;
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, sizeof buf, &id_a, 0), 0);
    size_t total = NVO_LDP_PDU_HDR_LEN;
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(nvo_ldp_pdu_add(&w, &ms[i]), 0);
        total += nvo_ldp_msg_size(&ms[i]);
    }
    ck_assert_uint_eq(w.n_msgs, n);
    size_t len = nvo_ldp_pdu_finish(&w);
    ck_assert_uint_eq(len, total);
    ck_assert_uint_eq(nvo_ldp_pdu_peek_len(buf, len), len);

    struct nvo_ldp_pdu_rd rd;
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, buf, len, 0), 0);
    struct nvo_ldp_error e;
    for (size_t i = 0; i < n; i++) {
        struct nvo_ldp_msg d;
        ck_assert_msg(nvo_ldp_pdu_next(&rd, &d, &e), "message %zu: %s", i,
                      nvo_ldp_status_name(e.status));
        ck_assert_uint_eq(d.type, ms[i].type);
        ck_assert_uint_eq(d.id, ms[i].id);
        if (d.type == NVO_LDP_MSG_NOTIFICATION && d.notif.has_fec) {
            ck_assert(d.notif.has_pw_status);
            ck_assert_uint_eq(d.notif.pw_status, 1);
            ck_assert_uint_eq(d.notif.fec.pw_id, 100);
            ck_assert_uint_eq(d.notif.status, 0x28);
        }
        /* Re-encoding the decoded message gives the same bytes. */
        uint8_t a[256], b[256];
        size_t na = nvo_ldp_msg_encode(&ms[i], a, sizeof a);
        size_t nb = nvo_ldp_msg_encode(&d, b, sizeof b);
        ck_assert_uint_gt(na, 0);
        ck_assert_uint_eq(na, nb);
        ck_assert_mem_eq(a, b, na);
    }
    struct nvo_ldp_msg d;
    ck_assert(!nvo_ldp_pdu_next(&rd, &d, &e));
    ck_assert_uint_eq(e.status, 0);
    ck_assert_uint_eq(rd.n_ignored, 0);
}
END_TEST

/* Values the encoder refuses. */
START_TEST(test_encode_refused)
{
    uint8_t buf[64];
    struct nvo_ldp_msg m = {
        .type = NVO_LDP_MSG_LABEL_MAPPING,
        .label = { .fec = pw_fec(), .has_label = true,
                   .label = NVO_LDP_LABEL_MAX + 1 },
    };
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 0);          /* label > 20 b */
    m.label.label = 16;
    m.label.has_label = false;
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 0);          /* no label */
    m.label.has_label = true;
    m.label.fec.pw_id = 0;
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 0);          /* PW ID 0 */
    m.label.fec.pw_id = 1;
    m.label.fec.pw_type = 0x8000;
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 0);          /* 16-bit type */
    m.label.fec.pw_type = 5;
    m.label.fec.kind = 0x81;
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 0);          /* FEC 129 */
    m.label.fec.kind = NVO_LDP_FEC_PWID;
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 36);
    ck_assert_uint_eq(nvo_ldp_msg_encode(&m, buf, 35), 0);  /* no room */
    ck_assert_uint_eq(nvo_ldp_msg_encode(&m, buf, 36), 36);
    m.type = 0x0777;
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 0);          /* unknown type */
    struct nvo_ldp_msg a = { .type = NVO_LDP_MSG_ADDRESS };
    ck_assert_uint_eq(nvo_ldp_msg_size(&a), 0);          /* no list */
    /* A MAC list longer than a 16-bit TLV length. */
    static uint8_t many[6 * 11000];
    a = (struct nvo_ldp_msg) { .type = NVO_LDP_MSG_ADDRESS_WITHDRAW,
        .addr = { .has_macs = true, .macs = { many, 11000 } } };
    ck_assert_uint_eq(nvo_ldp_msg_size(&a), 0);
    a.addr.macs.n = 10000;
    ck_assert_uint_eq(nvo_ldp_msg_size(&a), 8 + 4 + 60000);

    /* A PDU writer refuses what does not fit, and a too-small buffer. */
    struct nvo_ldp_pdu_wr w;
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, 9, &id_a, 0), ENOBUFS);
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, 45, &id_a, 0), 0);
    m.type = NVO_LDP_MSG_LABEL_MAPPING;
    ck_assert_int_eq(nvo_ldp_pdu_add(&w, &m), ENOSPC);
    m.type = 0x0777;
    ck_assert_int_eq(nvo_ldp_pdu_add(&w, &m), EINVAL);
}
END_TEST

/* ---- Exact sizes (shared/protocols.md) ---------------------------------- */

START_TEST(test_sizes)
{
    ck_assert_uint_eq(NVO_LDP_PDU_HDR_LEN, 10);
    struct nvo_ldp_msg ka = { .type = NVO_LDP_MSG_KEEPALIVE };
    ck_assert_uint_eq(nvo_ldp_msg_size(&ka), 8);         /* the header */

    struct nvo_ldp_msg m = {
        .type = NVO_LDP_MSG_LABEL_MAPPING,
        .label = { .fec = pw_fec(), .has_label = true, .label = 16 },
    };
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 36);
    uint8_t buf[4 + 65535];
    ck_assert_uint_eq(one_pdu(&m, buf, sizeof buf), 46);
    m.label.fec.has_mtu = false;
    ck_assert_uint_eq(nvo_ldp_msg_size(&m), 32);
    m.label.fec.has_mtu = true;

    /* 113 FEC 128 mappings fit one 4096-byte PDU: 10 + 113 * 36 = 4078;
     * a 114th would make the PDU Length field 4110 > 4096. */
    struct nvo_ldp_pdu_wr w;
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, sizeof buf, &id_a, 4096),
                     0);
    unsigned int k = 0;
    while (!nvo_ldp_pdu_add(&w, &m)) {
        k++;
    }
    ck_assert_uint_eq(k, 113);
    ck_assert_uint_eq(nvo_ldp_pdu_finish(&w), 4078);
    /* A max PDU proposal of 255 or less means 4096 too. */
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, sizeof buf, &id_a, 255), 0);
    for (k = 0; !nvo_ldp_pdu_add(&w, &m); k++) {
    }
    ck_assert_uint_eq(k, 113);
    /* With 65535: (65535 - 6) / 36 = 1820. */
    ck_assert_int_eq(nvo_ldp_pdu_start(&w, buf, sizeof buf, &id_a, 65535),
                     0);
    for (k = 0; !nvo_ldp_pdu_add(&w, &m); k++) {
    }
    ck_assert_uint_eq(k, 1820);

    /* The other messages: Hello 24 (link: 16), Initialization 26,
     * Notification 22, Address with one IPv4 address 18, MAC withdraw
     * with a 12-byte FEC element and n MACs 28 + 6n. */
    struct nvo_ldp_msg h = { .type = NVO_LDP_MSG_HELLO,
        .hello = { .targeted = true, .has_transport = true } };
    ck_assert_uint_eq(nvo_ldp_msg_size(&h), 24);
    h.hello.has_transport = false;
    ck_assert_uint_eq(nvo_ldp_msg_size(&h), 16);
    struct nvo_ldp_msg init = { .type = NVO_LDP_MSG_INIT,
                                .init = { .keepalive_time = 1 } };
    ck_assert_uint_eq(nvo_ldp_msg_size(&init), 26);
    struct nvo_ldp_msg nt = { .type = NVO_LDP_MSG_NOTIFICATION };
    ck_assert_uint_eq(nvo_ldp_msg_size(&nt), 22);
    static const uint8_t macs[6 * 5];
    struct nvo_ldp_fec f = pw_fec();
    f.has_mtu = false;
    for (uint16_t i = 0; i <= 5; i++) {
        struct nvo_ldp_msg mw = { .type = NVO_LDP_MSG_ADDRESS_WITHDRAW,
            .addr = { .has_fec = true, .fec = f, .has_macs = true,
                      .macs = { macs, i } } };
        ck_assert_uint_eq(nvo_ldp_msg_size(&mw), 28u + 6u * i);
    }
}
END_TEST

/* ---- Full-mesh arithmetic ----------------------------------------------- */

START_TEST(test_mesh_cost)
{
    static const uint32_t ns[] = { 0, 1, 2, 3, 4, 10, 100, 1000 };
    static const uint32_t vs[] = { 1, 2, 113, 114, 200, 4000 };
    for (size_t i = 0; i < NVO_ARRAY_SIZE(ns); i++) {
        for (size_t j = 0; j < NVO_ARRAY_SIZE(vs); j++) {
            uint64_t n = ns[i], v = vs[j];
            struct nvo_ldp_mesh c;
            ck_assert_int_eq(nvo_ldp_mesh_cost(ns[i], vs[j], true, 0, &c),
                             0);
            uint64_t dir = n ? n * (n - 1) : 0;
            ck_assert_uint_eq(c.sessions, dir / 2);
            ck_assert_uint_eq(c.pseudowires, dir / 2 * v);
            ck_assert_uint_eq(c.label_mappings, dir * v);
            ck_assert_uint_eq(c.mapping_bytes, 36);
            ck_assert_uint_eq(c.mapping_pdu_bytes, 46);
            ck_assert_uint_eq(c.mappings_per_pdu, 113);
            ck_assert_uint_eq(c.bytes_one_per_pdu, 46 * dir * v);
            uint64_t pdus = (v + 112) / 113;
            ck_assert_uint_eq(c.pdus_packed, dir * pdus);
            ck_assert_uint_eq(c.bytes_packed, dir * (36 * v + 10 * pdus));
            /* Init 36 + KeepAlive 18, each way. */
            ck_assert_uint_eq(c.setup_bytes_per_session, 108);
            ck_assert_uint_eq(c.setup_bytes, 108 * (dir / 2));
        }
    }
    /* The 1,000-PE mesh, one VSI: 499,500 sessions, 999,000
     * mappings, 45,954,000 bytes as single PDUs. */
    struct nvo_ldp_mesh c;
    ck_assert_int_eq(nvo_ldp_mesh_cost(1000, 1, true, 0, &c), 0);
    ck_assert_uint_eq(c.sessions, 499500);
    ck_assert_uint_eq(c.label_mappings, 999000);
    ck_assert_uint_eq(c.bytes_one_per_pdu, 45954000);
    ck_assert_uint_eq(c.bytes_packed, 45954000);
    /* Without the MTU sub-TLV: 32 / 42 bytes, 127 per PDU (10 + 127 * 32
     * = 4074; 128 would need a PDU Length of 4102). */
    ck_assert_int_eq(nvo_ldp_mesh_cost(4, 1, false, 0, &c), 0);
    ck_assert_uint_eq(c.mapping_bytes, 32);
    ck_assert_uint_eq(c.mapping_pdu_bytes, 42);
    ck_assert_uint_eq(c.mappings_per_pdu, 127);
    /* Overflow is refused, not wrapped. */
    ck_assert_int_eq(nvo_ldp_mesh_cost(UINT32_MAX, UINT32_MAX, true, 0, &c),
                     EOVERFLOW);
}
END_TEST

/* ---- Malformed input ---------------------------------------------------- */

/* Decodes 'len' bytes as a PDU and returns the first error's status
 * (0 if every message decoded), its E bit in *fatal and the error. */
static uint32_t
first_error(const uint8_t *buf, size_t len, struct nvo_ldp_error *e)
{
    struct nvo_ldp_pdu_rd rd;
    uint32_t st = nvo_ldp_pdu_begin(&rd, buf, len, 0);
    if (st) {
        e->status = st;
        return st;
    }
    struct nvo_ldp_msg m;
    while (nvo_ldp_pdu_next(&rd, &m, e)) {
    }
    return e->status;
}

/* A copy of the golden Label Mapping with byte 'at' set to 'v'. */
static void
patched(uint8_t *out, size_t at, uint8_t v)
{
    memcpy(out, golden_mapping, sizeof golden_mapping);
    out[at] = v;
}

START_TEST(test_malformed_pdu_and_message)
{
    uint8_t b[64];
    struct nvo_ldp_error e;
    size_t n = sizeof golden_mapping;

    /* Bad Protocol Version: version 2. */
    patched(b, 1, 2);
    ck_assert_uint_eq(first_error(b, n, &e), NVO_LDP_ST_BAD_VERSION);
    ck_assert(nvo_ldp_status_fatal(e.status));
    ck_assert_uint_eq(nvo_ldp_status_code(e.status), 0x80000002u);

    /* Bad PDU Length: longer than the bytes; shorter than an LDP id and
     * a message header; over the maximum PDU length. */
    patched(b, 3, 43);
    ck_assert_uint_eq(first_error(b, n, &e), NVO_LDP_ST_BAD_PDU_LEN);
    patched(b, 3, 13);
    ck_assert_uint_eq(first_error(b, n, &e), NVO_LDP_ST_BAD_PDU_LEN);
    static uint8_t big[5000];
    memcpy(big, golden_keepalive, sizeof golden_keepalive);
    nvo_wr16(big + 2, 4097);
    struct nvo_ldp_pdu_rd rd;
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, big, sizeof big, 0),
                      NVO_LDP_ST_BAD_PDU_LEN);
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, big, sizeof big, 4097), 0);
    ck_assert(nvo_ldp_status_fatal(NVO_LDP_ST_BAD_PDU_LEN));

    /* Every truncation of a valid PDU is a Bad PDU Length (its length
     * field says more). */
    for (size_t k = 0; k < n; k++) {
        ck_assert_uint_eq(first_error(golden_mapping, k, &e),
                          NVO_LDP_ST_BAD_PDU_LEN);
    }

    /* Bad Message Length: the message says more than the PDU holds; or
     * less than its message id. */
    patched(b, 13, 33);
    ck_assert_uint_eq(first_error(b, n, &e), NVO_LDP_ST_BAD_MSG_LEN);
    ck_assert_uint_eq(e.offset, 10);
    ck_assert_uint_eq(e.msg_type, 0x0400);
    ck_assert(nvo_ldp_status_fatal(e.status));
    patched(b, 13, 3);
    ck_assert_uint_eq(first_error(b, n, &e), NVO_LDP_ST_BAD_MSG_LEN);
    /* A PDU whose length cuts its last message. */
    uint8_t two[64];
    memcpy(two, golden_keepalive, sizeof golden_keepalive);
    memcpy(two + 18, golden_keepalive + 10, 8);
    nvo_wr16(two + 2, 14 + 8);
    ck_assert_uint_eq(first_error(two, 26, &e), 0);      /* two KeepAlives */
    nvo_wr16(two + 2, 14 + 6);
    ck_assert_uint_eq(first_error(two, 26, &e), NVO_LDP_ST_BAD_MSG_LEN);
    ck_assert_uint_eq(e.offset, 18);
    nvo_wr16(two + 2, 14 + 2);
    ck_assert_uint_eq(first_error(two, 26, &e), NVO_LDP_ST_BAD_MSG_LEN);

    /* After a fatal error the reader stays failed, with that error; and
     * after a failed begin too. */
    patched(b, 13, 33);
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, b, n, 0), 0);
    struct nvo_ldp_msg m;
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(e.status, NVO_LDP_ST_BAD_MSG_LEN);
    ck_assert_uint_eq(e.msg_id, 17);
    patched(b, 43, 0x10);                           /* label > 20 bits */
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, b, n, 0), 0);
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(e.status, NVO_LDP_ST_MALFORMED_TLV);
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(e.status, NVO_LDP_ST_MALFORMED_TLV);
    ck_assert_uint_eq(e.offset, 38);                /* the Label TLV */
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, b, 20, 0),
                      NVO_LDP_ST_BAD_PDU_LEN);
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(e.status, NVO_LDP_ST_BAD_PDU_LEN);

    /* Framing a TCP stream: 0 until the length field is there. */
    for (size_t k = 0; k < 4; k++) {
        ck_assert_uint_eq(nvo_ldp_pdu_peek_len(golden_mapping, k), 0);
    }
    ck_assert_uint_eq(nvo_ldp_pdu_peek_len(golden_mapping, 4), 46);
}
END_TEST

/* The U bit: an unknown message with U = 0 gets Unknown Message Type
 * (not fatal: the next message is read); with U = 1 it is skipped
 * silently.  The same for an unknown TLV inside a known message. */
START_TEST(test_unknown_message_and_tlv)
{
    uint8_t b[64];
    /* PDU: an unknown message 0x0777 (length 4), then a KeepAlive. */
    memcpy(b, golden_keepalive, 10);
    static const uint8_t unk[8] = { 0x07, 0x77, 0x00, 0x04, 0, 0, 0, 9 };
    memcpy(b + 10, unk, 8);
    memcpy(b + 18, golden_keepalive + 10, 8);
    nvo_wr16(b + 2, 22);
    struct nvo_ldp_pdu_rd rd;
    struct nvo_ldp_msg m;
    struct nvo_ldp_error e;
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, b, 26, 0), 0);
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(e.status, NVO_LDP_ST_UNKNOWN_MSG_TYPE);
    ck_assert_uint_eq(e.msg_id, 9);
    ck_assert_uint_eq(e.msg_type, 0x0777);
    ck_assert(!nvo_ldp_status_fatal(e.status));
    ck_assert_uint_eq(nvo_ldp_status_code(e.status), 0x00000004u);
    ck_assert(nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(m.type, NVO_LDP_MSG_KEEPALIVE);
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(e.status, 0);

    b[10] = 0x87;                                   /* U = 1 */
    ck_assert_uint_eq(nvo_ldp_pdu_begin(&rd, b, 26, 0), 0);
    ck_assert(nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(m.type, NVO_LDP_MSG_KEEPALIVE);
    ck_assert_uint_eq(rd.n_ignored, 1);
    ck_assert(!nvo_ldp_pdu_next(&rd, &m, &e));
    ck_assert_uint_eq(e.status, 0);
    ck_assert_uint_eq(nvo_ldp_msg_decode(b + 10, 8, &m, &e),
                      NVO_LDP_ST_UNKNOWN_MSG_TYPE);

    /* A KeepAlive with an unknown TLV 0x0777 (length 0). */
    static const uint8_t ka_tlv[12] = { 0x02, 0x01, 0x00, 0x08, 0, 0, 0, 3,
                                        0x07, 0x77, 0x00, 0x00 };
    memcpy(b, ka_tlv, sizeof ka_tlv);
    ck_assert_uint_eq(nvo_ldp_msg_decode(b, 12, &m, &e),
                      NVO_LDP_ST_UNKNOWN_TLV);
    ck_assert_uint_eq(e.offset, 8);
    ck_assert(!nvo_ldp_status_fatal(e.status));
    b[8] = 0x87;                                    /* U = 1: ignored */
    ck_assert_uint_eq(nvo_ldp_msg_decode(b, 12, &m, &e), 0);
    ck_assert_uint_eq(m.type, NVO_LDP_MSG_KEEPALIVE);
    b[8] = 0xc7;                                    /* U = F = 1 */
    ck_assert_uint_eq(nvo_ldp_msg_decode(b, 12, &m, &e), 0);
    /* A MAC List TLV is known only in an Address Withdraw. */
    b[8] = 0x84;
    b[9] = 0x04;
    ck_assert_uint_eq(nvo_ldp_msg_decode(b, 12, &m, &e), 0);   /* U = 1 */
    b[8] = 0x04;
    ck_assert_uint_eq(nvo_ldp_msg_decode(b, 12, &m, &e),
                      NVO_LDP_ST_UNKNOWN_TLV);
}
END_TEST

/* Decodes the golden Label Mapping's message (from byte 10) with bytes
 * patched; returns the status. */
static uint32_t
mapping_with(size_t at, uint8_t v, struct nvo_ldp_error *e)
{
    uint8_t b[64];
    patched(b, at, v);
    struct nvo_ldp_msg m;
    return nvo_ldp_msg_decode(b + 10, sizeof golden_mapping - 10, &m, e);
}

START_TEST(test_malformed_tlvs)
{
    struct nvo_ldp_error e;
    struct nvo_ldp_msg m;
    /* Offsets in golden_mapping: FEC TLV 18, its length 20-21, element
     * 22: type 22, C+type 23-24, info length 25, group 26-29, PW ID
     * 30-33, MTU sub-TLV 34-37; Label TLV 38, length 40-41, label 42. */

    /* Bad TLV Length: a FEC TLV longer than the message. */
    ck_assert_uint_eq(mapping_with(21, 0x30, &e), NVO_LDP_ST_BAD_TLV_LEN);
    ck_assert_uint_eq(e.offset, 8);                 /* from the message */
    ck_assert_uint_eq(e.msg_id, 17);
    ck_assert(nvo_ldp_status_fatal(e.status));
    ck_assert_uint_eq(nvo_ldp_status_code(e.status), 0x80000007u);
    /* ... a Generic Label TLV of length 3 (the message has one byte
     * left over, less than a TLV header: Bad TLV Length too). */
    ck_assert_uint_eq(mapping_with(41, 3, &e), NVO_LDP_ST_BAD_TLV_LEN);
    ck_assert_uint_eq(mapping_with(41, 5, &e), NVO_LDP_ST_BAD_TLV_LEN);

    /* Malformed TLV Value: a label over 20 bits; a PW info length past
     * the TLV or short of it; a sub-TLV length of 1 or past the info; an
     * MTU sub-TLV of length 5; a PW ID of 0. */
    ck_assert_uint_eq(mapping_with(43, 0x10, &e), NVO_LDP_ST_MALFORMED_TLV);
    ck_assert(nvo_ldp_status_fatal(e.status));
    ck_assert_uint_eq(mapping_with(25, 9, &e), NVO_LDP_ST_MALFORMED_TLV);
    ck_assert_uint_eq(mapping_with(25, 7, &e), NVO_LDP_ST_MALFORMED_TLV);
    ck_assert_uint_eq(mapping_with(35, 1, &e), NVO_LDP_ST_MALFORMED_TLV);
    ck_assert_uint_eq(mapping_with(35, 6, &e), NVO_LDP_ST_MALFORMED_TLV);
    ck_assert_uint_eq(mapping_with(33, 0, &e), NVO_LDP_ST_MALFORMED_TLV);
    /* An unknown sub-TLV (type 0x99, length 4) is skipped and counted. */
    uint8_t b[64];
    patched(b, 34, 0x99);
    ck_assert_uint_eq(nvo_ldp_msg_decode(b + 10, 36, &m, &e), 0);
    ck_assert(!m.label.fec.has_mtu);
    ck_assert_uint_eq(m.label.fec.n_other_params, 1);

    /* Unknown FEC: a Prefix element (2) or FEC 129; not fatal. */
    ck_assert_uint_eq(mapping_with(22, 0x02, &e), NVO_LDP_ST_UNKNOWN_FEC);
    ck_assert(!nvo_ldp_status_fatal(e.status));
    ck_assert_uint_eq(mapping_with(22, 0x81, &e), NVO_LDP_ST_UNKNOWN_FEC);

    /* Missing Message Parameters: the Label TLV renamed to an unknown
     * type with U = 1 leaves a Mapping without a label. */
    ck_assert_uint_eq(mapping_with(38, 0x87, &e), NVO_LDP_ST_MISSING_PARAMS);
    ck_assert(!nvo_ldp_status_fatal(e.status));
    ck_assert_uint_eq(e.msg_id, 17);
    ck_assert_uint_eq(e.msg_type, 0x0400);
    /* ... a Hello without Common Hello Parameters. */
    uint8_t h[64];
    memcpy(h, golden_hello, sizeof golden_hello);
    h[18] = 0x84;                                   /* U = 1, unknown */
    h[19] = 0x77;
    ck_assert_uint_eq(nvo_ldp_msg_decode(h + 10, 24, &m, &e),
                      NVO_LDP_ST_MISSING_PARAMS);
    /* ... Common Hello Parameters of length 3 (+ the byte after). */
    memcpy(h, golden_hello, sizeof golden_hello);
    h[21] = 3;
    ck_assert_uint_eq(nvo_ldp_msg_decode(h + 10, 24, &m, &e),
                      NVO_LDP_ST_BAD_TLV_LEN);
    ck_assert_uint_eq(e.offset, 8);

    /* Initialization: KeepAlive 0, protocol version 2, a Common Session
     * Parameters TLV of length 13. */
    uint8_t in[64];
    memcpy(in, golden_init, sizeof golden_init);
    in[24] = 0;
    in[25] = 0;
    ck_assert_uint_eq(nvo_ldp_msg_decode(in + 10, 26, &m, &e),
                      NVO_LDP_ST_REJ_BAD_KEEPALIVE);
    ck_assert_uint_eq(nvo_ldp_status_code(e.status), 0x80000018u);
    memcpy(in, golden_init, sizeof golden_init);
    in[23] = 2;
    ck_assert_uint_eq(nvo_ldp_msg_decode(in + 10, 26, &m, &e),
                      NVO_LDP_ST_BAD_VERSION);
    memcpy(in, golden_init, sizeof golden_init);
    in[21] = 13;
    ck_assert_uint_eq(nvo_ldp_msg_decode(in + 10, 26, &m, &e),
                      NVO_LDP_ST_BAD_TLV_LEN);

    /* Address: family 2 (IPv6) is Unsupported Address Family; a list of
     * 5 address bytes is Malformed. */
    uint8_t ad[64];
    memcpy(ad, golden_address, sizeof golden_address);
    ad[23] = 2;
    ck_assert_uint_eq(nvo_ldp_msg_decode(ad + 10, 18, &m, &e),
                      NVO_LDP_ST_UNSUPPORTED_AF);
    ck_assert(!nvo_ldp_status_fatal(e.status));
    memcpy(ad, golden_address, sizeof golden_address);
    ad[21] = 5;                                     /* TLV length 5 */
    ad[13] = 13;                                    /* message length */
    ck_assert_uint_eq(nvo_ldp_msg_decode(ad + 10, 17, &m, &e),
                      NVO_LDP_ST_MALFORMED_TLV);

    /* MAC withdraw: a MAC list of 7 bytes; two FEC elements. */
    uint8_t mw[64];
    memcpy(mw, golden_mac_withdraw, sizeof golden_mac_withdraw);
    mw[13] = 0x1f;                                  /* message 31 */
    mw[37] = 7;
    ck_assert_uint_eq(nvo_ldp_msg_decode(mw + 10, 35, &m, &e),
                      NVO_LDP_ST_MALFORMED_TLV);
    ck_assert_uint_eq(e.offset, 24);
    static const uint8_t two_fecs[] = {
        0x04, 0x03, 0x00, 0x0d, 0, 0, 0, 1,     /* Label Release, 13 */
        0x01, 0x00, 0x00, 0x05,                 /* FEC TLV, 5 */
        0x01,                                   /* Wildcard */
        0x80, 0x00, 0x05, 0x00,                 /* a PWid element's start */
    };
    ck_assert_uint_eq(nvo_ldp_msg_decode(two_fecs, sizeof two_fecs, &m, &e),
                      NVO_LDP_ST_MALFORMED_TLV);
    static const uint8_t empty_fec[] = {
        0x04, 0x03, 0x00, 0x08, 0, 0, 0, 1,     /* Label Release, 8 */
        0x01, 0x00, 0x00, 0x00,                 /* FEC TLV, empty */
    };
    ck_assert_uint_eq(nvo_ldp_msg_decode(empty_fec, sizeof empty_fec, &m,
                                         &e), NVO_LDP_ST_MALFORMED_TLV);
    /* A message followed by stray bytes, decoded alone. */
    ck_assert_uint_eq(nvo_ldp_msg_decode(golden_keepalive + 10, 8, &m, &e),
                      0);
    uint8_t ka[9];
    memcpy(ka, golden_keepalive + 10, 8);
    ka[8] = 0;
    ck_assert_uint_eq(nvo_ldp_msg_decode(ka, 9, &m, &e),
                      NVO_LDP_ST_BAD_MSG_LEN);
}
END_TEST

/* Every single-byte change and every truncation of the golden PDUs is
 * either decoded or refused with one of the status codes above, never
 * with a read outside the buffer (the suite runs under ASan in CI). */
START_TEST(test_mutations_never_escape)
{
    static const struct { const uint8_t *b; size_t n; } g[] = {
        { golden_mapping, sizeof golden_mapping },
        { golden_hello, sizeof golden_hello },
        { golden_init, sizeof golden_init },
        { golden_notification, sizeof golden_notification },
        { golden_mac_withdraw, sizeof golden_mac_withdraw },
        { golden_address, sizeof golden_address },
        { golden_withdraw_group, sizeof golden_withdraw_group },
        { golden_request, sizeof golden_request },
        { golden_release, sizeof golden_release },
    };
    static const uint8_t vals[] = { 0x00, 0x01, 0x03, 0x7f, 0x80, 0xff };
    unsigned int refused = 0, decoded = 0;
    for (size_t i = 0; i < NVO_ARRAY_SIZE(g); i++) {
        for (size_t at = 0; at < g[i].n; at++) {
            for (size_t k = 0; k < NVO_ARRAY_SIZE(vals); k++) {
                uint8_t *b = malloc(g[i].n);
                memcpy(b, g[i].b, g[i].n);
                b[at] = vals[k];
                struct nvo_ldp_error e;
                uint32_t st = first_error(b, g[i].n, &e);
                ck_assert_msg(st <= NVO_LDP_ST_INTERNAL_ERROR
                              && nvo_ldp_status_name(st)[0] != 'u',
                              "status %u", st);
                st ? refused++ : decoded++;
                free(b);
            }
        }
    }
    ck_assert_uint_gt(refused, 0);
    ck_assert_uint_gt(decoded, 0);
}
END_TEST

START_TEST(test_status_table)
{
    /* E bits of RFC 5036 3.9. */
    static const uint32_t fatal[] = { 0x01, 0x02, 0x03, 0x05, 0x07, 0x08,
                                      0x09, 0x0a, 0x10, 0x11, 0x12, 0x13,
                                      0x14, 0x18, 0x19 };
    unsigned int n_fatal = 0;
    for (uint32_t s = 0; s <= 0x1a; s++) {
        n_fatal += nvo_ldp_status_fatal(s);
    }
    ck_assert_uint_eq(n_fatal, NVO_ARRAY_SIZE(fatal));
    for (size_t i = 0; i < NVO_ARRAY_SIZE(fatal); i++) {
        ck_assert(nvo_ldp_status_fatal(fatal[i]));
    }
    ck_assert_str_eq(nvo_ldp_status_name(0x07), "Bad TLV Length");
    /* Defaults of RFC 5036 3.5.2 and 3.5.3. */
    struct nvo_ldp_hello h = { .hold_time = 0 };
    ck_assert_uint_eq(nvo_ldp_hello_hold(&h), 15);
    h.targeted = true;
    ck_assert_uint_eq(nvo_ldp_hello_hold(&h), 45);
    h.hold_time = 0xffff;
    ck_assert_uint_eq(nvo_ldp_hello_hold(&h), 0xffff);
    h.hold_time = 7;
    ck_assert_uint_eq(nvo_ldp_hello_hold(&h), 7);
    ck_assert_uint_eq(nvo_ldp_max_pdu(0), 4096);
    ck_assert_uint_eq(nvo_ldp_max_pdu(255), 4096);
    ck_assert_uint_eq(nvo_ldp_max_pdu(256), 256);
    ck_assert_uint_eq(nvo_ldp_max_pdu(65535), 65535);
    ck_assert_str_eq(nvo_ldp_status_name(0x1a), "unknown status");
    ck_assert_str_eq(nvo_ldp_msg_name(0x0400), "Label Mapping");
    ck_assert_ptr_null(nvo_ldp_msg_name(0x0404));
}
END_TEST

static Suite *
ldp_suite(void)
{
    Suite *s = suite_create("ldp");
    TCase *tc = tcase_create("wire");
    tcase_add_test(tc, test_golden_label_mapping);
    tcase_add_test(tc, test_golden_session_messages);
    tcase_add_test(tc, test_golden_address_messages);
    tcase_add_test(tc, test_golden_request_release);
    tcase_add_test(tc, test_round_trip_many_per_pdu);
    tcase_add_test(tc, test_encode_refused);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_mesh_cost);
    tcase_add_test(tc, test_malformed_pdu_and_message);
    tcase_add_test(tc, test_unknown_message_and_tlv);
    tcase_add_test(tc, test_malformed_tlvs);
    tcase_add_test(tc, test_mutations_never_escape);
    tcase_add_test(tc, test_status_table);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(ldp_suite());
}
