/* test_tcp.c: the control planes' transport (ctrl/tcp.c) against numbers
 * worked out by hand: the handshake's time from the link's rate and
 * delay, the segments of a stream from the MSS, the window bound at every
 * send, RTO doubling from 1 s and from a computed RTO (RFC 6298), giving
 * up after the configured retries, resets, FIN close, delayed ACKs; a
 * connection each way across a leaf-spine with conservation; and tshark
 * on a pcap of an exchange with retransmissions (checksums, no malformed
 * frame, retransmission flags exactly on the retransmitted segments). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ctrl/tcp.h"
#include "fabric/net.h"
#include "io/pcap_out.h"
#include "testfabric.h"
#include "testutil.h"
#include "wire/wire.h"

/* ---- The bench: nodes, links, stacks -------------------------------------- */

#define MAX_SEGS 4096

struct rec {                    /* a segment a stack sent */
    nvo_time_t t;
    int node;                   /* the bench's index of the sender */
    uint16_t sport;
    struct nvo_tcp_seg_info s;
    uint64_t uid;
};

struct app {                    /* one end's application */
    struct bench *b;
    struct nvo_tcp_conn *conn;
    nvo_time_t t_est, t_eof, t_closed;
    int closed_reason;          /* -1: not closed */
    GByteArray *rx;
    uint32_t n_recv;
    uint64_t acked;
    bool close_on_eof;
    uint32_t mss;               /* at accept */
};

struct bench {
    struct nvo_engine *e;
    struct nvo_net *net;
    int idx[16];                /* node indices */
    struct nvo_tcp_stack *st[16];
    uint32_t n;                 /* nodes with a stack */
    struct rec segs[MAX_SEGS];
    uint32_t n_segs;
    struct app srv[4];          /* accepted connections */
    uint32_t n_srv;
    struct app cli[4];
    /* Window check at every send of node 0 toward node 1. */
    uint32_t max_ack_at0;       /* highest ACK that reached node 0 */
    bool have_ack_at0;
    uint32_t wnd_limit;         /* 0: no check */
    uint32_t max_unacked;
    uint32_t checked_sends;
};

static nvo_time_t
tx_time(uint32_t frame_bytes, uint64_t rate)
{
    return nvo_tx_time((uint64_t) frame_bytes + 24, rate);
}

static void
observer(void *ctx, const struct nvo_tcp_conn *conn,
         const struct nvo_tcp_seg_info *seg, const struct nvo_pkt *p)
{
    struct bench *b = ctx;
    (void) conn;
    ck_assert_uint_lt(b->n_segs, MAX_SEGS);
    struct rec *r = &b->segs[b->n_segs++];
    r->t = nvo_engine_now(b->e);
    /* The sender, from the IP source address. */
    const uint8_t *ip = p->data + NVO_ETH_LEN;
    int src = (ip[0] >> 4) == 4 ? nvo_net_addr4_node(b->net, nvo_rd32(ip + 12))
                                : nvo_net_addr6_node(b->net, ip + 8);
    r->node = -1;
    for (uint32_t i = 0; i < b->n; i++) {
        if (b->idx[i] == src) {
            r->node = (int) i;
        }
    }
    ck_assert_int_ge(r->node, 0);
    r->s = *seg;
    r->sport = nvo_rd16(p->base + p->l4_ofs);
    r->uid = p->uid;
    /* Every segment is a control-class frame with correct checksums. */
    ck_assert_uint_eq(p->tclass, NVO_TC_CONTROL);
    const uint8_t *l3 = p->data + NVO_ETH_LEN;
    const uint8_t *l4 = p->base + p->l4_ofs;
    uint32_t l4_len = (uint32_t) (p->size - (uint32_t) (l4 - p->data));
    ck_assert_uint_eq(nvo_l4_csum(l3, NVO_IPPROTO_TCP, l4, l4_len, l4_len),
                      0);
    if ((l3[0] >> 4) == 4) {
        ck_assert(nvo_ipv4_csum_ok(l3, 20));
    }
    /* The window bound: node 0's unacknowledged bytes after this send. */
    if (b->wnd_limit && r->node == 0 && (seg->len || (seg->flags
                                                      & NVO_TCP_FIN))) {
        ck_assert(b->have_ack_at0);
        uint32_t end = seg->seq + seg->len;
        uint32_t unacked = end - b->max_ack_at0;
        ck_assert_msg(unacked <= b->wnd_limit, "%u bytes unacknowledged "
                      "with a window of %u", unacked, b->wnd_limit);
        b->max_unacked = NVO_MAX(b->max_unacked, unacked);
        b->checked_sends++;
    }
}

/* Node 0's port: the ACKs that reach it (a tap, before its stack sees
 * them). */
static void
ack_tap(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
        const struct nvo_port *port, const struct nvo_pkt *p,
        const char *reason)
{
    struct bench *b = ctx;
    (void) now;
    (void) port;
    (void) reason;
    if (ev != NVO_TAP_RECEIVE) {
        return;
    }
    size_t l3 = NVO_ETH_LEN;
    size_t l4 = l3 + ((p->data[l3] >> 4) == 4 ? 20 : 40);
    uint16_t flags = nvo_rd16(p->data + l4 + 12) & NVO_TCP_FLAGS_MASK;
    if (flags & NVO_TCP_ACK) {
        uint32_t ack = nvo_rd32(p->data + l4 + 8);
        if (!b->have_ack_at0
            || (int32_t) (ack - b->max_ack_at0) > 0) {
            b->max_ack_at0 = ack;
        }
        b->have_ack_at0 = true;
    }
}

static void
app_established(void *ctx, struct nvo_tcp_conn *c)
{
    struct app *a = ctx;
    a->conn = c;
    a->t_est = nvo_engine_now(a->b->e);
}

static void
app_recv(void *ctx, struct nvo_tcp_conn *c, const uint8_t *data, size_t len)
{
    struct app *a = ctx;
    (void) c;
    g_byte_array_append(a->rx, data, (guint) len);
    a->n_recv++;
}

static void
app_acked(void *ctx, struct nvo_tcp_conn *c, size_t n)
{
    struct app *a = ctx;
    (void) c;
    a->acked += n;
}

static void
app_eof(void *ctx, struct nvo_tcp_conn *c)
{
    struct app *a = ctx;
    a->t_eof = nvo_engine_now(a->b->e);
    if (a->close_on_eof) {
        ck_assert_int_eq(nvo_tcp_close(c), 0);
    }
}

static void
app_closed(void *ctx, struct nvo_tcp_conn *c, int reason)
{
    struct app *a = ctx;
    (void) c;
    a->t_closed = nvo_engine_now(a->b->e);
    a->closed_reason = reason;
    a->conn = NULL;
}

static const struct nvo_tcp_ops app_ops = {
    .established = app_established,
    .recv = app_recv,
    .acked = app_acked,
    .eof = app_eof,
    .closed = app_closed,
};

static void
app_init(struct app *a, struct bench *b)
{
    memset(a, 0, sizeof *a);
    a->b = b;
    a->t_est = a->t_eof = a->t_closed = -1;
    a->closed_reason = -1;
    a->rx = g_byte_array_new();
}

static bool
accept_cb(void *ctx, struct nvo_tcp_conn *c, int remote)
{
    struct bench *b = ctx;
    ck_assert_int_ge(remote, 0);
    ck_assert_uint_lt(b->n_srv, 4);
    struct app *a = &b->srv[b->n_srv++];
    a->conn = c;
    a->mss = nvo_tcp_conn_mss(c);
    nvo_tcp_conn_set_ops(c, &app_ops, a);
    return true;
}

static bool
refuse_cb(void *ctx, struct nvo_tcp_conn *c, int remote)
{
    (void) ctx;
    (void) c;
    (void) remote;
    return false;
}

static void
bench_net(struct bench *b, bool ipv6)
{
    memset(b, 0, sizeof *b);
    struct nvo_net_cfg cfg;
    nvo_test_net_cfg(&cfg);
    cfg.ipv6 = ipv6;
    b->net = nvo_test_net(&cfg, &b->e);
    for (uint32_t i = 0; i < 4; i++) {
        app_init(&b->srv[i], b);
        app_init(&b->cli[i], b);
    }
}

/* Gives nodes idx[0..n) stacks with 'cfg' ('rcv' for node 1 if not NULL),
 * after finalize. */
static void
bench_stacks(struct bench *b, uint32_t n, const struct nvo_tcp_cfg *cfg,
             const struct nvo_tcp_cfg *cfg1)
{
    ck_assert_int_eq(nvo_net_finalize(b->net), 0);
    b->n = n;
    for (uint32_t i = 0; i < n; i++) {
        const struct nvo_tcp_cfg *c = i == 1 && cfg1 ? cfg1 : cfg;
        ck_assert_int_eq(nvo_tcp_stack_create(
                             nvo_net_node(b->net, (uint32_t) b->idx[i]), c,
                             &b->st[i]), 0);
        nvo_tcp_stack_set_observer(b->st[i], observer, b);
    }
    nvo_port_add_tap(&nvo_net_node(b->net, (uint32_t) b->idx[0])->ports[0],
                     ack_tap, b, NVO_TAP_MASK_RECEIVE);
}

/* Two hypervisors joined by one link of 'rate' and 'delay', MTU 'mtu'. */
static void
bench_two(struct bench *b, uint64_t rate, nvo_time_t delay, uint32_t mtu,
          bool ipv6, const struct nvo_tcp_cfg *cfg,
          const struct nvo_tcp_cfg *cfg1)
{
    bench_net(b, ipv6);
    b->idx[0] = nvo_net_add_node(b->net, "a", NVO_ROLE_HYPERVISOR);
    b->idx[1] = nvo_net_add_node(b->net, "b", NVO_ROLE_HYPERVISOR);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    l.rate_bps = rate;
    l.delay = delay;
    l.mtu = mtu;
    ck_assert_int_eq(nvo_net_add_link(b->net, 0, 1, &l), 0);
    bench_stacks(b, 2, cfg, cfg1);
}

static uint64_t
delivered_all(const struct bench *b)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < nvo_net_n_nodes(b->net); i++) {
        n += nvo_net_node(b->net, i)->n_local;
    }
    return n;
}

static void
check_conservation(const struct bench *b)
{
    uint64_t drops = nvo_net_drops(b->net, NULL, NULL);
    uint64_t in_flight = nvo_net_in_flight(b->net);
    ck_assert_uint_eq(b->net->n_generated,
                      delivered_all(b) + drops + in_flight);
}

static void
bench_free(struct bench *b)
{
    for (uint32_t i = 0; i < b->n; i++) {
        nvo_tcp_stack_destroy(b->st[i]);
    }
    nvo_net_destroy(b->net);
    nvo_engine_destroy(b->e);
    for (uint32_t i = 0; i < 4; i++) {
        g_byte_array_free(b->srv[i].rx, TRUE);
        g_byte_array_free(b->cli[i].rx, TRUE);
    }
}

static struct nvo_tcp_conn *
bench_connect(struct bench *b, uint32_t from, uint32_t to, uint16_t port,
              struct app *a)
{
    struct nvo_tcp_conn *c;
    ck_assert_int_eq(nvo_tcp_connect(b->st[from], (uint32_t) b->idx[to], port,
                                     &app_ops, a, &c), 0);
    a->conn = c;
    return c;
}

/* Segments node 'node' sent with data, and their total. */
static uint32_t
data_segs(const struct bench *b, int node, uint64_t *bytes, bool *retx)
{
    uint32_t n = 0;
    uint64_t sum = 0;
    bool any = false;
    for (uint32_t i = 0; i < b->n_segs; i++) {
        if (b->segs[i].node == node && b->segs[i].s.len) {
            n++;
            sum += b->segs[i].s.len;
            any |= b->segs[i].s.retransmission;
        }
    }
    if (bytes) {
        *bytes = sum;
    }
    if (retx) {
        *retx = any;
    }
    return n;
}

/* Times of node 'node''s segments with 'flags' set (all of them). */
static uint32_t
seg_times(const struct bench *b, int node, uint16_t flags, bool data,
          nvo_time_t *t, uint32_t max)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->n_segs && n < max; i++) {
        const struct rec *r = &b->segs[i];
        if (r->node == node && (r->s.flags & flags) == flags
            && (!data || r->s.len)) {
            t[n++] = r->t;
        }
    }
    return n;
}

static uint8_t
pattern(size_t i)
{
    return (uint8_t) ((i * 7 + 3) % 251);
}

static void
send_pattern(struct nvo_tcp_conn *c, size_t n)
{
    uint8_t *d = g_malloc(n);
    for (size_t i = 0; i < n; i++) {
        d[i] = pattern(i);
    }
    ck_assert_int_eq(nvo_tcp_send(c, d, n), 0);
    g_free(d);
}

static void
check_pattern(const GByteArray *rx, size_t n)
{
    ck_assert_uint_eq(rx->len, n);
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(rx->data[i] == pattern(i), "byte %zu", i);
    }
}

/* ---- The handshake ---------------------------------------------------------- */

/* 1 Gb/s, 10 us.  SYN and SYN-ACK: Ethernet 14 + IPv4 20 + TCP 20 + MSS
 * option 4 = 58 bytes, 82 on the wire with FCS, preamble and gap (24):
 * 656 ns; the ACK 54 bytes, 78 on the wire: 624 ns.  The active end is
 * established when the SYN-ACK arrives, one RTT: 2 x 10 us + 2 x 656 ns
 * = 21.312 us; the passive end when the ACK arrives, 1.5 RTT: 30 us +
 * 1312 + 624 ns = 31.936 us. */
START_TEST(handshake_time)
{
    static const struct {
        bool ipv6;
        uint32_t mtu, mss;
        nvo_time_t t_act, t_pas;
    } cases[] = {
        { false, 1500, 1460, 21312 * NVO_NS, 31936 * NVO_NS },
        /* IPv6: 20 bytes more per frame, 160 ns at 1 Gb/s: SYN 816 ns,
         * ACK 784 ns; MSS = MTU - 60. */
        { true, 1500, 1440, 21632 * NVO_NS, 32416 * NVO_NS },
        { false, 9000, 8960, 21312 * NVO_NS, 31936 * NVO_NS },
    };
    const uint64_t rate = 1000000000;
    const nvo_time_t d = 10 * NVO_US;
    for (size_t k = 0; k < NVO_ARRAY_SIZE(cases); k++) {
        struct bench b;
        bench_two(&b, rate, d, cases[k].mtu, cases[k].ipv6, NULL, NULL);
        uint32_t l3 = cases[k].ipv6 ? 40 : 20;
        nvo_time_t syn = tx_time(14 + l3 + 24, rate);
        nvo_time_t ack = tx_time(14 + l3 + 20, rate);
        ck_assert_int_eq(3 * d + 2 * syn + ack, cases[k].t_pas);
        ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
        struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
        ck_assert_str_eq(nvo_tcp_state_name(nvo_tcp_conn_state(c)),
                         "SYN-SENT");
        nvo_engine_run(b.e, NVO_SEC / 10);
        ck_assert_int_eq(b.cli[0].t_est, 2 * d + 2 * syn);
        ck_assert_int_eq(b.cli[0].t_est, cases[k].t_act);
        ck_assert_uint_eq(b.n_srv, 1);
        ck_assert_int_eq(b.srv[0].t_est, cases[k].t_pas);
        /* Exactly three segments: SYN, SYN-ACK, ACK. */
        ck_assert_uint_eq(b.n_segs, 3);
        ck_assert_uint_eq(b.segs[0].s.flags, NVO_TCP_SYN);
        ck_assert_uint_eq(b.segs[1].s.flags, NVO_TCP_SYN | NVO_TCP_ACK);
        ck_assert_uint_eq(b.segs[2].s.flags, NVO_TCP_ACK);
        ck_assert_uint_eq(b.segs[1].s.ack, b.segs[0].s.seq + 1);
        ck_assert_uint_eq(b.segs[2].s.seq, b.segs[0].s.seq + 1);
        ck_assert_uint_eq(b.segs[2].s.ack, b.segs[1].s.seq + 1);
        ck_assert_uint_eq(b.segs[0].sport, 49152);
        ck_assert_uint_eq(b.segs[0].s.window, 65535);
        ck_assert_uint_eq(nvo_tcp_conn_mss(c), cases[k].mss);
        ck_assert_uint_eq(nvo_tcp_conn_mss(b.srv[0].conn), cases[k].mss);
        /* The first RTT sample (RFC 6298 2.2): SRTT = R, RTTVAR = R / 2,
         * RTO = 3R = 64 us, raised to the 200 ms minimum. */
        ck_assert_int_eq(nvo_tcp_conn_srtt(c), cases[k].t_act);
        ck_assert_int_eq(nvo_tcp_conn_rttvar(c), cases[k].t_act / 2);
        ck_assert_int_eq(nvo_tcp_conn_rto(c), 200 * NVO_MS);
        ck_assert_int_eq(nvo_tcp_conn_srtt(b.srv[0].conn),
                         2 * d + syn + ack);
        ck_assert_str_eq(nvo_tcp_state_name(nvo_tcp_conn_state(c)),
                         "ESTABLISHED");
        /* Both in the control class on the link. */
        const struct nvo_port *pa = &nvo_net_node(b.net, 0)->ports[0];
        ck_assert_uint_eq(pa->st.tx_frames[NVO_TC_CONTROL], 2);
        ck_assert_uint_eq(pa->st.tx_frames[NVO_TC_DATA], 0);
        ck_assert_uint_eq(pa->st.tx_bytes[NVO_TC_CONTROL],
                          (14 + l3 + 24) + (14 + l3 + 20));
        ck_assert_uint_eq(pa->st.rx_frames[NVO_TC_CONTROL], 1);
        check_conservation(&b);
        bench_free(&b);
    }
}
END_TEST

/* ISS from the node's stream "a/tcp-iss": the first 32 bits of its
 * first draw; a second connection takes the next draw. */
START_TEST(iss_from_stream)
{
    struct bench b;
    bench_two(&b, 1000000000, NVO_US, 1500, false, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    bench_connect(&b, 0, 1, 179, &b.cli[0]);
    bench_connect(&b, 0, 1, 179, &b.cli[1]);
    struct nvo_rng r;
    nvo_rng_init(&r, 1, 1, "a/tcp-iss");
    ck_assert_uint_eq(b.segs[0].s.seq, (uint32_t) nvo_rng_next(&r));
    ck_assert_uint_eq(b.segs[1].s.seq, (uint32_t) nvo_rng_next(&r));
    ck_assert_uint_eq(b.segs[1].sport, 49153);
    nvo_engine_run(b.e, NVO_MS);
    nvo_rng_init(&r, 1, 1, "b/tcp-iss");
    ck_assert_uint_eq(b.segs[2].s.flags, NVO_TCP_SYN | NVO_TCP_ACK);
    ck_assert_uint_eq(b.segs[2].s.seq, (uint32_t) nvo_rng_next(&r));
    bench_free(&b);
}
END_TEST

/* ---- A stream ----------------------------------------------------------------- */

/* 100,000 bytes in one write arrive intact, in order, in exactly
 * ceil(100000 / MSS) segments: MTU 1500, MSS 1460: 68 full and one of 720
 * = 69; MTU 9000, MSS 8960: 11 full and one of 1440 = 12.  No
 * retransmission; every byte acknowledged; the RTO restarted on each ACK
 * cancels no event (one cancel: the SYN's 1 s timer brought forward to
 * 200 ms by the first data). */
START_TEST(stream_segments)
{
    static const struct { uint32_t mtu, mss, segs, last; } cases[] = {
        { 1500, 1460, 69, 720 },
        { 9000, 8960, 12, 1440 },
        { 1280, 1240, 81, 800 },
    };
    for (size_t k = 0; k < NVO_ARRAY_SIZE(cases); k++) {
        struct bench b;
        bench_two(&b, 10000000000ull, 2 * NVO_US, cases[k].mtu, false, NULL,
                  NULL);
        ck_assert_uint_eq((100000 + cases[k].mss - 1) / cases[k].mss,
                          cases[k].segs);
        ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
        struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
        nvo_engine_run(b.e, NVO_MS);
        uint64_t cancels = b.e->n_cancelled;
        send_pattern(c, 100000);
        nvo_engine_run(b.e, 100 * NVO_MS);
        check_pattern(b.srv[0].rx, 100000);
        uint64_t bytes;
        bool retx;
        ck_assert_uint_eq(data_segs(&b, 0, &bytes, &retx), cases[k].segs);
        ck_assert_uint_eq(bytes, 100000);
        ck_assert(!retx);
        uint32_t n_full = 0, last = 0;
        for (uint32_t i = 0; i < b.n_segs; i++) {
            if (b.segs[i].node == 0 && b.segs[i].s.len) {
                n_full += b.segs[i].s.len == cases[k].mss;
                last = b.segs[i].s.len;
            }
        }
        ck_assert_uint_eq(n_full, cases[k].segs - 1);
        ck_assert_uint_eq(last, cases[k].last);
        ck_assert_uint_eq(b.cli[0].acked, 100000);
        ck_assert_uint_eq(nvo_tcp_conn_in_flight(c), 0);
        const struct nvo_tcp_counters *ca = nvo_tcp_conn_counters(c);
        const struct nvo_tcp_counters *cb =
            nvo_tcp_conn_counters(b.srv[0].conn);
        ck_assert_uint_eq(ca->data_segs_out, cases[k].segs);
        ck_assert_uint_eq(ca->bytes_out, 100000);
        ck_assert_uint_eq(ca->retx_segs, 0);
        ck_assert_uint_eq(ca->rto_expiries, 0);
        ck_assert_uint_eq(cb->data_segs_in, cases[k].segs);
        ck_assert_uint_eq(cb->bytes_in, 100000);
        ck_assert_uint_eq(cb->delivered, 100000);
        ck_assert_uint_eq(cb->dup_segs, 0);
        /* Immediate ACKs: one per data segment, after the handshake's. */
        ck_assert_uint_eq(cb->segs_out, 1 + cases[k].segs);
        /* Frame bytes: 54 per segment plus the data, 58 for the SYN. */
        ck_assert_uint_eq(ca->wire_bytes_out,
                          58 + 54 + 54ull * cases[k].segs + 100000);
        const struct nvo_tcp_counters *na = nvo_tcp_stack_counters(b.st[0]);
        ck_assert_uint_eq(na->bytes_out, 100000);
        ck_assert_uint_eq(na->segs_out, ca->segs_out);
        ck_assert_uint_eq(b.e->n_cancelled - cancels, 1);
        /* The window (65535) is more than a's control queue holds (64
         * KiB of frames): the stack waited for room, nothing dropped. */
        ck_assert_uint_eq(nvo_net_drops(b.net, NULL, NULL), 0);
        check_conservation(&b);
        bench_free(&b);
    }
}
END_TEST

/* No Nagle: ten 100-byte messages written one after another leave at
 * once as ten 100-byte segments (each pushed), and arrive as ten recv
 * calls of 100 bytes in order. */
START_TEST(no_nagle)
{
    struct bench b;
    bench_two(&b, 1000000000, 50 * NVO_US, 1500, false, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 646, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 646, &b.cli[0]);
    nvo_engine_run(b.e, NVO_MS);
    uint32_t first = b.n_segs;
    nvo_time_t t0 = nvo_engine_now(b.e);
    uint8_t msg[100];
    for (int m = 0; m < 10; m++) {
        memset(msg, 'A' + m, sizeof msg);
        ck_assert_int_eq(nvo_tcp_send(c, msg, sizeof msg), 0);
    }
    ck_assert_uint_eq(b.n_segs - first, 10);
    for (uint32_t i = first; i < b.n_segs; i++) {
        ck_assert_int_eq(b.segs[i].t, t0);
        ck_assert_uint_eq(b.segs[i].s.len, 100);
        ck_assert_uint_eq(b.segs[i].s.flags, NVO_TCP_ACK | NVO_TCP_PSH);
    }
    nvo_engine_run(b.e, 10 * NVO_MS);
    ck_assert_uint_eq(b.srv[0].n_recv, 10);
    ck_assert_uint_eq(b.srv[0].rx->len, 1000);
    for (int i = 0; i < 1000; i++) {
        ck_assert_uint_eq(b.srv[0].rx->data[i], 'A' + i / 100);
    }
    bench_free(&b);
}
END_TEST

/* The stack waits for room in its own port's control queue instead of
 * dropping its segments there: with a queue of one frame (MTU + 18 =
 * 1518 bytes) ten 1460-byte segments still leave back to back at line
 * rate, none dropped.  The first goes on the wire at once and the second
 * waits in the queue; segment i >= 3 is handed to the port when segment
 * i - 1 starts, at (i - 2) x 12.304 us (1538 bytes at 1 Gb/s). */
START_TEST(own_queue_no_drop)
{
    struct bench b;
    bench_net(&b, false);
    b.idx[0] = nvo_net_add_node(b.net, "a", NVO_ROLE_HYPERVISOR);
    b.idx[1] = nvo_net_add_node(b.net, "b", NVO_ROLE_HYPERVISOR);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    l.rate_bps = 1000000000;
    l.ctrl_queue_bytes = 1518;
    ck_assert_int_eq(nvo_net_add_link(b.net, 0, 1, &l), 0);
    bench_stacks(&b, 2, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, NVO_MS);
    uint32_t first = b.n_segs;
    send_pattern(c, 14600);
    nvo_engine_run(b.e, 10 * NVO_MS);
    check_pattern(b.srv[0].rx, 14600);
    nvo_time_t t[16];
    ck_assert_uint_eq(seg_times(&b, 0, NVO_TCP_ACK, true, t, 16), 10);
    ck_assert_int_eq(t[0], NVO_MS);
    ck_assert_int_eq(t[1], NVO_MS);
    for (int i = 3; i <= 10; i++) {
        ck_assert_int_eq(t[i - 1], NVO_MS + (i - 2) * 12304 * NVO_NS);
    }
    ck_assert_uint_eq(b.segs[first].s.len, 1460);
    ck_assert_uint_eq(nvo_net_drops(b.net, NULL, NULL), 0);
    ck_assert_uint_eq(nvo_tcp_conn_counters(c)->retx_segs, 0);
    check_conservation(&b);
    bench_free(&b);
}
END_TEST

/* ---- The window --------------------------------------------------------------- */

/* The receiver advertises W in every segment; at every send the sender
 * has at most W bytes unacknowledged.  W = 4000, MSS 1460: two full
 * segments (2920) are out, the 1080 left are under an MSS and under half
 * the window, so it waits (silly-window avoidance), until the last 720
 * bytes of the stream, which fit: 3640; W = 3000: 2920 (80 left); W =
 * 65535: 44 full segments and the last 720 in the 1295 left; W = 1000 <
 * MSS: segments of 1000 bytes (half the window is allowed), 100 of them. */
START_TEST(window_bound)
{
    static const struct { uint32_t w, max_unacked, segs; } cases[] = {
        { 4000, 2920 + 720, 69 },       /* the last 720 fit too */
        { 3000, 2920, 69 },
        { 1000, 1000, 100 },
        { 65535, 65535 - 65535 % 1460 + 720, 69 },
    };
    for (size_t k = 0; k < NVO_ARRAY_SIZE(cases); k++) {
        struct nvo_tcp_cfg cfg, rcv;
        nvo_tcp_cfg_default(&cfg);
        rcv = cfg;
        rcv.rcv_wnd = cases[k].w;
        struct bench b;
        bench_two(&b, 1000000000, 20 * NVO_US, 1500, false, &cfg, &rcv);
        b.wnd_limit = cases[k].w;
        ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
        struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
        nvo_engine_run(b.e, NVO_MS);
        ck_assert_uint_eq(nvo_tcp_conn_snd_wnd(c), cases[k].w);
        send_pattern(c, 100000);
        nvo_engine_run(b.e, NVO_SEC);
        check_pattern(b.srv[0].rx, 100000);
        ck_assert_uint_eq(data_segs(&b, 0, NULL, NULL), cases[k].segs);
        ck_assert_uint_eq(b.checked_sends, cases[k].segs);
        ck_assert_uint_eq(b.max_unacked, cases[k].max_unacked);
        for (uint32_t i = 0; i < b.n_segs; i++) {
            if (b.segs[i].node == 1) {
                ck_assert_uint_eq(b.segs[i].s.window, cases[k].w);
            }
        }
        bench_free(&b);
    }
}
END_TEST

/* ---- Retransmission ------------------------------------------------------------ */

static void
link_up_cb(void *net_)
{
    nvo_net_set_link_up(net_, 0, true);
}

static void
link_down_cb(void *net_)
{
    nvo_net_set_link_up(net_, 0, false);
}

/* No RTT sample yet: the SYN into a link that is down goes again after
 * 1 s, 2 s, 4 s (at 1, 3, 7 s); the link is back at 5 s, so the one at
 * 7 s gets through.  Established with no sample (Karn): the RTO becomes
 * 3 s (RFC 6298 5.7). */
START_TEST(rto_doubles_from_initial)
{
    struct bench b;
    bench_two(&b, 1000000000, 10 * NVO_US, 1500, false, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    nvo_net_set_link_up(b.net, 0, false);
    nvo_engine_schedule(b.e, 5 * NVO_SEC, link_up_cb, b.net);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, 10 * NVO_SEC);
    nvo_time_t t[8];
    ck_assert_uint_eq(seg_times(&b, 0, NVO_TCP_SYN, false, t, 8), 4);
    ck_assert_int_eq(t[0], 0);
    ck_assert_int_eq(t[1], 1 * NVO_SEC);
    ck_assert_int_eq(t[2], 3 * NVO_SEC);
    ck_assert_int_eq(t[3], 7 * NVO_SEC);
    for (uint32_t i = 0; i < b.n_segs; i++) {
        ck_assert(b.segs[i].s.retransmission
                  == (b.segs[i].node == 0 && i > 0 && i < 4));
    }
    ck_assert_int_eq(b.cli[0].t_est, 7 * NVO_SEC + 21312 * NVO_NS);
    ck_assert_int_eq(b.srv[0].t_est, 7 * NVO_SEC + 31936 * NVO_NS);
    const struct nvo_tcp_counters *ca = nvo_tcp_conn_counters(c);
    ck_assert_uint_eq(ca->retx_segs, 3);
    ck_assert_uint_eq(ca->rto_expiries, 3);
    ck_assert_uint_eq(ca->rtt_samples, 0);
    ck_assert_int_eq(nvo_tcp_conn_rto(c), 3 * NVO_SEC);
    /* The passive end timed its SYN-ACK: a sample. */
    ck_assert_int_eq(nvo_tcp_conn_rto(b.srv[0].conn), 200 * NVO_MS);
    /* Three SYNs were dropped by the link being down. */
    uint64_t pd[NVO_DROP_N], nd[NVO_NODE_DROP_N];
    nvo_net_drops(b.net, pd, nd);
    ck_assert_uint_eq(pd[NVO_DROP_LINK_DOWN] + nd[NVO_NODE_DROP_NO_ROUTE], 3);
    check_conservation(&b);
    bench_free(&b);
}
END_TEST

/* From a computed RTO: minimum RTO 1 ms, 1 Gb/s, 5 ms each way.  The
 * handshake's sample R = 10 ms + 2 x 656 ns = 10.001312 ms gives RTO =
 * R + 4 R / 2 = 30.003936 ms.  The link goes down at 20 ms and 100 bytes
 * are written then: they go again at 20 ms + 1, 3, 7 x RTO (50.003936,
 * 110.011808, 230.027552 ms); the link is back at 220 ms, so the third
 * retransmission arrives, 154 bytes (1.424 us) and 5 ms later.  Karn: its
 * ACK gives no sample, the RTO stays at 8 x 30.003936 ms.  The next
 * message's ACK is a sample R2 = 10 ms + 1.424 us + 0.624 us: RTTVAR =
 * (3 x 5.000656 ms + 736 ns) / 4 = 3.750676 ms, SRTT = (7 R + R2) / 8 =
 * 10.001404 ms, RTO = 25.004108 ms. */
START_TEST(rto_doubles_from_computed)
{
    struct nvo_tcp_cfg cfg;
    nvo_tcp_cfg_default(&cfg);
    cfg.rto_min = NVO_MS;
    struct bench b;
    bench_two(&b, 1000000000, 5 * NVO_MS, 1500, false, &cfg, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, 20 * NVO_MS);
    const nvo_time_t R = 10001312 * NVO_NS;
    ck_assert_int_eq(nvo_tcp_conn_srtt(c), R);
    ck_assert_int_eq(nvo_tcp_conn_rto(c), 3 * R);
    link_down_cb(b.net);
    nvo_engine_schedule(b.e, 200 * NVO_MS, link_up_cb, b.net);
    uint8_t msg[100];
    memset(msg, 0x5a, sizeof msg);
    ck_assert_int_eq(nvo_tcp_send(c, msg, sizeof msg), 0);
    nvo_engine_run(b.e, 400 * NVO_MS);
    nvo_time_t t[8];
    ck_assert_uint_eq(seg_times(&b, 0, NVO_TCP_ACK, true, t, 8), 4);
    const nvo_time_t t0 = 20 * NVO_MS;
    ck_assert_int_eq(t[0], t0);
    ck_assert_int_eq(t[1], t0 + 3 * R);
    ck_assert_int_eq(t[2], t0 + 3 * R + 6 * R);
    ck_assert_int_eq(t[3], t0 + 3 * R + 6 * R + 12 * R);
    ck_assert_int_eq(t[3], 230027552 * NVO_NS);
    ck_assert_uint_eq(b.srv[0].rx->len, 100);
    ck_assert_uint_eq(b.srv[0].n_recv, 1);
    const struct nvo_tcp_counters *ca = nvo_tcp_conn_counters(c);
    ck_assert_uint_eq(ca->retx_segs, 3);
    ck_assert_uint_eq(ca->retx_bytes, 300);
    ck_assert_uint_eq(ca->rto_expiries, 3);
    ck_assert_uint_eq(ca->rtt_samples, 1);
    ck_assert_uint_eq(b.cli[0].acked, 100);
    ck_assert_int_eq(nvo_tcp_conn_rto(c), 24 * R);
    /* The receiver's recv ran when the third retransmission arrived. */
    const struct nvo_tcp_counters *cb = nvo_tcp_conn_counters(b.srv[0].conn);
    ck_assert_uint_eq(cb->data_segs_in, 1);
    ck_assert_uint_eq(cb->dup_segs, 0);
    /* A new message: a sample. */
    ck_assert_int_eq(nvo_tcp_send(c, msg, sizeof msg), 0);
    nvo_engine_run(b.e, 500 * NVO_MS);
    ck_assert_uint_eq(ca->rtt_samples, 2);
    ck_assert_int_eq(nvo_tcp_conn_rttvar(c), 3750676 * NVO_NS);
    ck_assert_int_eq(nvo_tcp_conn_srtt(c), 10001404 * NVO_NS);
    ck_assert_int_eq(nvo_tcp_conn_rto(c), 25004108 * NVO_NS);
    check_conservation(&b);
    bench_free(&b);
}
END_TEST

/* A repeated SYN gets the SYN-ACK again, as a retransmission, and
 * Karn's rule takes the passive end's sample away.  10 us links: the
 * SYN-ACK is lost (the link is down from 15 us to 500 ms); a's SYN again
 * at 1 s reaches b at 1 s + 10.656 us, before b's own RTO (2 s here);
 * b's second SYN-ACK establishes a at 1 s + 21.312 us.  b has no sample
 * and never timed out: its RTO stays the initial 2 s. */
START_TEST(syn_ack_again)
{
    struct nvo_tcp_cfg cfg, cfg1;
    nvo_tcp_cfg_default(&cfg);
    cfg1 = cfg;
    cfg1.rto_initial = 2 * NVO_SEC;
    struct bench b;
    bench_two(&b, 1000000000, 10 * NVO_US, 1500, false, &cfg, &cfg1);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    nvo_engine_schedule(b.e, 15 * NVO_US, link_down_cb, b.net);
    nvo_engine_schedule(b.e, 500 * NVO_MS, link_up_cb, b.net);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, 1500 * NVO_MS);
    ck_assert_int_eq(b.cli[0].t_est, NVO_SEC + 21312 * NVO_NS);
    ck_assert_int_eq(b.srv[0].t_est, NVO_SEC + 31936 * NVO_NS);
    ck_assert_uint_eq(b.n_segs, 5);
    ck_assert_uint_eq(b.segs[3].node, 1);
    ck_assert_uint_eq(b.segs[3].s.flags, NVO_TCP_SYN | NVO_TCP_ACK);
    ck_assert(b.segs[3].s.retransmission);
    ck_assert_int_eq(b.segs[3].t, NVO_SEC + 10656 * NVO_NS);
    const struct nvo_tcp_counters *cb = nvo_tcp_conn_counters(b.srv[0].conn);
    ck_assert_uint_eq(cb->retx_segs, 1);
    ck_assert_uint_eq(cb->rto_expiries, 0);
    ck_assert_uint_eq(cb->rtt_samples, 0);
    ck_assert_int_eq(nvo_tcp_conn_rto(b.srv[0].conn), 2 * NVO_SEC);
    ck_assert_int_eq(nvo_tcp_conn_rto(c), 3 * NVO_SEC);    /* a timed out */
    bench_free(&b);
}
END_TEST

/* The backoff stops at rto_max: 2 s, 4 retries: SYNs at 0, 1, 3, 5, 7 s
 * and the connection fails at 9 s. */
START_TEST(rto_capped)
{
    struct nvo_tcp_cfg cfg;
    nvo_tcp_cfg_default(&cfg);
    cfg.rto_max = cfg.rto_syn_fallback = 2 * NVO_SEC;
    cfg.syn_retries = 4;
    struct bench b;
    bench_two(&b, 1000000000, NVO_US, 1500, false, &cfg, NULL);
    nvo_net_set_link_up(b.net, 0, false);
    bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, 20 * NVO_SEC);
    nvo_time_t t[8];
    ck_assert_uint_eq(seg_times(&b, 0, NVO_TCP_SYN, false, t, 8), 5);
    static const int want[] = { 0, 1, 3, 5, 7 };
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(t[i], want[i] * NVO_SEC);
    }
    ck_assert_int_eq(b.cli[0].closed_reason, ETIMEDOUT);
    ck_assert_int_eq(b.cli[0].t_closed, 9 * NVO_SEC);
    bench_free(&b);
}
END_TEST

/* Giving up: a SYN with syn_retries 3 into a link that stays down fails
 * after 1 + 2 + 4 + 8 = 15 s with ETIMEDOUT; established data with
 * retries 2 and the 200 ms RTO fails 0.2 + 0.4 + 0.8 = 1.4 s after it was
 * sent. */
START_TEST(give_up)
{
    struct nvo_tcp_cfg cfg;
    nvo_tcp_cfg_default(&cfg);
    cfg.syn_retries = 3;
    cfg.retries = 2;
    struct bench b;
    bench_two(&b, 1000000000, NVO_US, 1500, false, &cfg, NULL);
    nvo_net_set_link_up(b.net, 0, false);
    bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, 14999 * NVO_MS);
    ck_assert_int_eq(b.cli[0].closed_reason, -1);
    nvo_engine_run(b.e, 100 * NVO_SEC);
    ck_assert_int_eq(b.cli[0].closed_reason, ETIMEDOUT);
    ck_assert_int_eq(b.cli[0].t_closed, 15 * NVO_SEC);
    ck_assert_uint_eq(nvo_tcp_stack_conn_counters(b.st[0])->timeouts, 1);
    ck_assert_uint_eq(nvo_tcp_stack_counters(b.st[0])->retx_segs, 3);
    ck_assert_uint_eq(nvo_tcp_stack_counters(b.st[0])->rto_expiries, 4);
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[0]), 0);
    /* Its ephemeral port is free again. */
    ck_assert_ptr_null(nvo_node_binding(nvo_net_node(b.net, 0), NVO_BIND_TCP,
                                        49152));

    /* Established, then the link fails. */
    nvo_net_set_link_up(b.net, 0, true);
    nvo_engine_run(b.e, 101 * NVO_SEC);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[1]);
    nvo_engine_run(b.e, 102 * NVO_SEC);
    ck_assert_int_eq(nvo_tcp_conn_rto(c), 200 * NVO_MS);
    nvo_net_set_link_up(b.net, 0, false);
    ck_assert_int_eq(nvo_tcp_send(c, "hello", 5), 0);
    nvo_engine_run(b.e, 200 * NVO_SEC);
    ck_assert_int_eq(b.cli[1].closed_reason, ETIMEDOUT);
    ck_assert_int_eq(b.cli[1].t_closed, 102 * NVO_SEC + 1400 * NVO_MS);
    ck_assert_uint_eq(nvo_tcp_stack_conn_counters(b.st[0])->timeouts, 2);
    bench_free(&b);
}
END_TEST

/* ---- Close and reset ----------------------------------------------------------- */

/* 1 Gb/s, 10 us.  A closes at 1 ms: FIN (54 bytes, 624 ns) reaches B at
 * 1 ms + 10.624 us; B's ACK and, as its application closes on eof, its
 * FIN go back; A's last ACK ends B at 1 ms + 3 x 10.624 us + 624 ns.  A
 * reports closed on entering TIME-WAIT and frees the connection (and its
 * port) 60 s later. */
START_TEST(fin_both_ways)
{
    struct bench b;
    bench_two(&b, 1000000000, 10 * NVO_US, 1500, false, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, NVO_MS);
    b.srv[0].close_on_eof = true;
    ck_assert_int_eq(nvo_tcp_send(c, "bye", 3), 0);
    ck_assert_int_eq(nvo_tcp_close(c), 0);
    ck_assert_int_eq(nvo_tcp_send(c, "x", 1), EPIPE);
    ck_assert_str_eq(nvo_tcp_state_name(nvo_tcp_conn_state(c)),
                     "FIN-WAIT-1");
    nvo_engine_run(b.e, 2 * NVO_MS);
    const nvo_time_t hop = 10 * NVO_US + 624 * NVO_NS;
    /* "bye" went with its own segment (57 bytes), the FIN after it. */
    ck_assert_int_eq(b.srv[0].t_eof, NVO_MS + 10 * NVO_US + 648 * NVO_NS
                     + 624 * NVO_NS);
    ck_assert_uint_eq(b.srv[0].rx->len, 3);
    ck_assert_int_eq(b.cli[0].closed_reason, 0);
    ck_assert_int_eq(b.srv[0].closed_reason, 0);
    ck_assert_int_eq(b.srv[0].t_closed, b.srv[0].t_eof + 2 * hop);
    ck_assert_int_eq(b.srv[0].t_eof, b.cli[0].t_closed - hop);
    ck_assert_int_eq(b.cli[0].t_closed, b.srv[0].t_eof + hop);
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[0]), 1);     /* TIME-WAIT */
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[1]), 0);
    ck_assert_ptr_nonnull(nvo_node_binding(nvo_net_node(b.net, 0),
                                           NVO_BIND_TCP, 49152));
    nvo_engine_run(b.e, 61 * NVO_SEC);
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[0]), 0);
    ck_assert_ptr_null(nvo_node_binding(nvo_net_node(b.net, 0),
                                        NVO_BIND_TCP, 49152));
    ck_assert_uint_eq(nvo_tcp_stack_conn_counters(b.st[0])->closed, 1);
    ck_assert_uint_eq(nvo_tcp_stack_conn_counters(b.st[1])->closed, 1);
    /* Segments: SYN, SYN-ACK, ACK; "bye", FIN; its ACK, and FIN with the
     * ACK of a's FIN (b's application closed on eof); ACK. */
    ck_assert_uint_eq(b.n_segs, 8);
    ck_assert_uint_eq(b.segs[6].s.flags, NVO_TCP_FIN | NVO_TCP_ACK);
    check_conservation(&b);
    bench_free(&b);
}
END_TEST

/* A SYN to a closed port is answered with a reset (RFC 9293 3.10.7.1):
 * the connection is refused one RTT later (SYN 82 bytes, RST 78 on the
 * wire).  A listener that refuses sends the reset too.  Without
 * rst_closed_ports the SYN is dropped as no-listener and retried. */
START_TEST(reset_closed_port)
{
    struct bench b;
    bench_two(&b, 1000000000, 10 * NVO_US, 1500, false, NULL, NULL);
    bench_connect(&b, 0, 1, 180, &b.cli[0]);
    nvo_engine_run(b.e, NVO_MS);
    ck_assert_int_eq(b.cli[0].closed_reason, ECONNREFUSED);
    ck_assert_int_eq(b.cli[0].t_closed, 20 * NVO_US + 656 * NVO_NS
                     + 624 * NVO_NS);
    ck_assert_uint_eq(b.segs[1].s.flags, NVO_TCP_RST | NVO_TCP_ACK);
    ck_assert_uint_eq(b.segs[1].s.ack, b.segs[0].s.seq + 1);
    ck_assert_uint_eq(nvo_tcp_stack_counters(b.st[1])->rst_out, 1);
    ck_assert_uint_eq(nvo_tcp_stack_conn_counters(b.st[0])->refused, 1);

    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 181, refuse_cb, &b), 0);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 181, refuse_cb, &b),
                     EADDRINUSE);
    bench_connect(&b, 0, 1, 181, &b.cli[1]);
    nvo_engine_run(b.e, 2 * NVO_MS);
    ck_assert_int_eq(b.cli[1].closed_reason, ECONNREFUSED);
    ck_assert_uint_eq(nvo_tcp_stack_conn_counters(b.st[1])->refused, 1);
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[1]), 0);
    check_conservation(&b);
    bench_free(&b);

    struct nvo_tcp_cfg cfg;
    nvo_tcp_cfg_default(&cfg);
    cfg.rst_closed_ports = false;
    bench_two(&b, 1000000000, 10 * NVO_US, 1500, false, &cfg, NULL);
    bench_connect(&b, 0, 1, 180, &b.cli[0]);
    nvo_engine_run(b.e, 1500 * NVO_MS);
    ck_assert_int_eq(b.cli[0].closed_reason, -1);
    ck_assert_uint_eq(nvo_net_node(b.net, 1)->drops[NVO_NODE_DROP_NO_LISTENER],
                      2);
    check_conservation(&b);
    bench_free(&b);
}
END_TEST

/* A reset from the application ends the peer's connection with
 * ECONNRESET. */
START_TEST(abort_resets_peer)
{
    struct bench b;
    bench_two(&b, 1000000000, 10 * NVO_US, 1500, false, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, NVO_MS);
    nvo_tcp_abort(c);
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[0]), 0);
    nvo_engine_run(b.e, 2 * NVO_MS);
    ck_assert_int_eq(b.srv[0].closed_reason, ECONNRESET);
    ck_assert_int_eq(b.srv[0].t_closed, NVO_MS + 10 * NVO_US + 624 * NVO_NS);
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[1]), 0);
    bench_free(&b);
}
END_TEST

/* ---- Delayed ACK ------------------------------------------------------------- */

/* With delack 40 ms: one segment is acknowledged 40 ms after it
 * arrived; of two back to back, the second is acknowledged at once. */
START_TEST(delayed_ack)
{
    struct nvo_tcp_cfg cfg;
    nvo_tcp_cfg_default(&cfg);
    cfg.delack = 40 * NVO_MS;
    struct bench b;
    bench_two(&b, 1000000000, 10 * NVO_US, 1500, false, &cfg, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    nvo_engine_run(b.e, NVO_MS);
    uint32_t first = b.n_segs;
    ck_assert_int_eq(nvo_tcp_send(c, "0123456789", 10), 0);
    nvo_engine_run(b.e, 100 * NVO_MS);
    /* 64 bytes, 88 on the wire: 704 ns. */
    nvo_time_t arrive = NVO_MS + 10 * NVO_US + 704 * NVO_NS;
    ck_assert_uint_eq(b.n_segs - first, 2);
    ck_assert_int_eq(b.segs[first + 1].node, 1);
    ck_assert_int_eq(b.segs[first + 1].t, arrive + 40 * NVO_MS);
    first = b.n_segs;
    send_pattern(c, 2920);
    nvo_engine_run(b.e, 200 * NVO_MS);
    ck_assert_uint_eq(b.n_segs - first, 3);
    /* Two of 1514 bytes (12.304 us each) sent from 100 ms. */
    ck_assert_int_eq(b.segs[first + 2].t, 100 * NVO_MS + 2 * 12304 * NVO_NS
                     + 10 * NVO_US);
    ck_assert_uint_eq(b.segs[first + 2].s.ack, b.segs[first + 1].s.seq + 1460);
    bench_free(&b);
}
END_TEST

/* ---- A leaf-spine ----------------------------------------------------------- */

/* Two spines, two leaves, a hypervisor on each: hv1 opens to hv2's 179
 * and hv2 to hv1's 646; 30,000 bytes each way on each connection arrive
 * intact; every segment crossed the fabric in the control class; both
 * close; conservation holds. */
START_TEST(leaf_spine_both_ways)
{
    for (int v6 = 0; v6 < 2; v6++) {
        struct bench b;
        bench_net(&b, v6);
        struct nvo_link_cfg l;
        nvo_link_cfg_default(&l);
        int s1 = nvo_net_add_node(b.net, "spine1", NVO_ROLE_SPINE);
        int s2 = nvo_net_add_node(b.net, "spine2", NVO_ROLE_SPINE);
        int l1 = nvo_net_add_node(b.net, "leaf1", NVO_ROLE_LEAF);
        int l2 = nvo_net_add_node(b.net, "leaf2", NVO_ROLE_LEAF);
        b.idx[0] = nvo_net_add_node(b.net, "hv1", NVO_ROLE_HYPERVISOR);
        b.idx[1] = nvo_net_add_node(b.net, "hv2", NVO_ROLE_HYPERVISOR);
        ck_assert_int_eq(nvo_net_add_link(b.net, (uint32_t) b.idx[0],
                                          (uint32_t) l1, &l), 0);
        ck_assert_int_eq(nvo_net_add_link(b.net, (uint32_t) b.idx[1],
                                          (uint32_t) l2, &l), 0);
        int sp[2] = { s1, s2 }, lf[2] = { l1, l2 };
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                ck_assert_int_eq(nvo_net_add_link(b.net, (uint32_t) lf[i],
                                                  (uint32_t) sp[j], &l), 0);
            }
        }
        bench_stacks(&b, 2, NULL, NULL);
        ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
        ck_assert_int_eq(nvo_tcp_listen(b.st[0], 646, accept_cb, &b), 0);
        struct nvo_tcp_conn *c1 = bench_connect(&b, 0, 1, 179, &b.cli[0]);
        struct nvo_tcp_conn *c2 = bench_connect(&b, 1, 0, 646, &b.cli[1]);
        nvo_engine_run(b.e, NVO_MS);
        ck_assert_uint_eq(b.n_srv, 2);
        ck_assert_int_ge(b.cli[0].t_est, 0);
        ck_assert_int_ge(b.cli[1].t_est, 0);
        /* srv[0] is hv2's end of c1 or hv1's of c2, in arrival order. */
        struct app *s1a = nvo_tcp_conn_local_port(b.srv[0].conn) == 179
                          ? &b.srv[0] : &b.srv[1];
        struct app *s2a = s1a == &b.srv[0] ? &b.srv[1] : &b.srv[0];
        ck_assert_uint_eq(nvo_tcp_conn_mss(c1), v6 ? 1440 : 1460);
        send_pattern(c1, 30000);
        send_pattern(c2, 30000);
        send_pattern(s1a->conn, 30000);
        send_pattern(s2a->conn, 30000);
        nvo_engine_run(b.e, 10 * NVO_MS);
        check_pattern(s1a->rx, 30000);
        check_pattern(s2a->rx, 30000);
        check_pattern(b.cli[0].rx, 30000);
        check_pattern(b.cli[1].rx, 30000);
        ck_assert_int_eq(nvo_tcp_conn_remote(c1), b.idx[1]);
        ck_assert_uint_eq(nvo_tcp_conn_remote_port(c2), 646);
        b.srv[0].close_on_eof = b.srv[1].close_on_eof = true;
        ck_assert_int_eq(nvo_tcp_close(c1), 0);
        ck_assert_int_eq(nvo_tcp_close(c2), 0);
        nvo_engine_run(b.e, 20 * NVO_MS);
        for (int i = 0; i < 2; i++) {
            ck_assert_int_eq(b.cli[i].closed_reason, 0);
            ck_assert_int_eq(b.srv[i].closed_reason, 0);
        }
        /* Every segment a hypervisor sent left its uplink as control. */
        for (int i = 0; i < 2; i++) {
            const struct nvo_node *hv = nvo_net_node(b.net,
                                                     (uint32_t) b.idx[i]);
            const struct nvo_tcp_counters *tc =
                nvo_tcp_stack_counters(b.st[i]);
            ck_assert_uint_eq(hv->ports[0].st.tx_frames[NVO_TC_CONTROL],
                              tc->segs_out);
            ck_assert_uint_eq(hv->ports[0].st.tx_bytes[NVO_TC_CONTROL],
                              tc->wire_bytes_out);
            ck_assert_uint_eq(hv->ports[0].st.rx_frames[NVO_TC_CONTROL],
                              tc->segs_in);
            ck_assert_uint_eq(tc->retx_segs, 0);
            ck_assert_uint_eq(tc->delivered, 60000);
            ck_assert_uint_eq(hv->n_local, tc->segs_in);
        }
        ck_assert_uint_eq(nvo_net_drops(b.net, NULL, NULL), 0);
        check_conservation(&b);
        bench_free(&b);
    }
}
END_TEST

/* A route reflector on the spines (a switch-role node, NVO_ROLE_RR):
 * both hypervisors open a session to its 179 and 200,000 bytes go each
 * way on each; 50 us into the transfer the reflector's link to spine1
 * fails.  Frames on it are lost, routes converge 50 us later over
 * spine2, retransmissions fill the gaps: every byte arrives in order, the
 * sessions survive (a path remains), conservation holds.  The drops
 * depend on the ECMP hash; their kinds do not. */
START_TEST(reflector_link_failure)
{
    struct bench b;
    bench_net(&b, false);
    struct nvo_link_cfg l;
    nvo_link_cfg_default(&l);
    int s1 = nvo_net_add_node(b.net, "spine1", NVO_ROLE_SPINE);
    int s2 = nvo_net_add_node(b.net, "spine2", NVO_ROLE_SPINE);
    int l1 = nvo_net_add_node(b.net, "leaf1", NVO_ROLE_LEAF);
    int l2 = nvo_net_add_node(b.net, "leaf2", NVO_ROLE_LEAF);
    b.idx[0] = nvo_net_add_node(b.net, "hv1", NVO_ROLE_HYPERVISOR);
    b.idx[1] = nvo_net_add_node(b.net, "hv2", NVO_ROLE_HYPERVISOR);
    b.idx[2] = nvo_net_add_node(b.net, "rr1", NVO_ROLE_RR);
    ck_assert_int_eq(nvo_net_add_link(b.net, (uint32_t) b.idx[0],
                                      (uint32_t) l1, &l), 0);
    ck_assert_int_eq(nvo_net_add_link(b.net, (uint32_t) b.idx[1],
                                      (uint32_t) l2, &l), 0);
    int sp[2] = { s1, s2 }, lf[2] = { l1, l2 };
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            ck_assert_int_eq(nvo_net_add_link(b.net, (uint32_t) lf[i],
                                              (uint32_t) sp[j], &l), 0);
        }
        ck_assert_int_eq(nvo_net_add_link(b.net, (uint32_t) b.idx[2],
                                          (uint32_t) sp[i], &l), 0);
    }
    bench_stacks(&b, 3, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[2], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c1 = bench_connect(&b, 0, 2, 179, &b.cli[0]);
    struct nvo_tcp_conn *c2 = bench_connect(&b, 1, 2, 179, &b.cli[1]);
    nvo_engine_run(b.e, NVO_MS);
    ck_assert_uint_eq(b.n_srv, 2);
    ck_assert_uint_eq(nvo_tcp_conn_remote(b.srv[0].conn) == b.idx[0]
                      ? 0 : 1, 0);
    send_pattern(c1, 200000);
    send_pattern(c2, 200000);
    send_pattern(b.srv[0].conn, 200000);
    send_pattern(b.srv[1].conn, 200000);
    int link = nvo_net_find_link(b.net, (uint32_t) b.idx[2], (uint32_t) s1);
    ck_assert_int_ge(link, 0);
    nvo_engine_run(b.e, NVO_MS + 50 * NVO_US);
    nvo_net_set_link_up(b.net, (uint32_t) link, false);
    nvo_engine_run(b.e, 10 * NVO_SEC);
    for (int i = 0; i < 2; i++) {
        check_pattern(b.cli[i].rx, 200000);
        check_pattern(b.srv[i].rx, 200000);
        ck_assert_int_eq(b.cli[i].closed_reason, -1);
        ck_assert_int_eq(b.srv[i].closed_reason, -1);
        ck_assert_str_eq(nvo_tcp_state_name(nvo_tcp_conn_state(
                             b.cli[i].conn)), "ESTABLISHED");
    }
    ck_assert_uint_eq(nvo_tcp_stack_n_conns(b.st[2]), 2);
    ck_assert_uint_eq(nvo_tcp_stack_counters(b.st[2])->delivered, 400000);
    /* What was lost was lost on the failed link, or in a switch's
     * control queue: with no congestion control two full windows (2 x 45
     * frames) meeting at one port overflow its 64 KiB (docs/tcp.md).
     * All of it was sent again. */
    uint64_t pd[NVO_DROP_N], nd[NVO_NODE_DROP_N];
    uint64_t drops = nvo_net_drops(b.net, pd, nd);
    ck_assert_uint_eq(drops, pd[NVO_DROP_LINK_DOWN] + pd[NVO_DROP_QUEUE]
                      + nd[NVO_NODE_DROP_NO_ROUTE]);
    ck_assert_uint_gt(pd[NVO_DROP_LINK_DOWN], 0);
    uint64_t retx = 0;
    for (int i = 0; i < 3; i++) {
        retx += nvo_tcp_stack_counters(b.st[i])->retx_segs;
    }
    ck_assert_uint_ge(retx, drops ? 1 : 0);
    check_conservation(&b);
    bench_free(&b);
}
END_TEST

/* ---- tshark -------------------------------------------------------------------- */

static void
require_tshark(void)
{
    int st = system("tshark -v >/dev/null 2>&1");
    ck_assert_msg(st == 0, "tshark is not installed or does not run: this "
                  "test needs it (Debian/Ubuntu: apt-get install tshark)");
}

struct capture {
    uint64_t uids[MAX_SEGS];    /* per pcap record */
    uint32_t n;
};

static void
capture_tap(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
            const struct nvo_port *port, const struct nvo_pkt *p,
            const char *reason)
{
    struct capture *cap = ctx;
    (void) ev;
    (void) now;
    (void) port;
    (void) reason;
    ck_assert_uint_lt(cap->n, MAX_SEGS);
    cap->uids[cap->n++] = p->uid;
}

static bool
uid_retx(const struct bench *b, uint64_t uid)
{
    for (uint32_t i = 0; i < b->n_segs; i++) {
        if (b->segs[i].uid == uid) {
            return b->segs[i].s.retransmission;
        }
    }
    ck_abort_msg("frame %" PRIu64 " not from a stack", uid);
    return false;
}

static char *
tshark_out(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    ck_assert_ptr_nonnull(f);
    GString *s = g_string_new(NULL);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        g_string_append(s, line);
    }
    ck_assert_int_eq(pclose(f), 0);
    return g_string_free(s, FALSE);
}

/* 1 Gb/s, 1 ms.  20,000 bytes at 5 ms: 14 segments (13 x 1460 + 1020) on
 * the wire by 5.18 ms; the link goes down at 5.5 ms and all are lost,
 * comes back at 305 ms.  The RTO (200 ms) retransmission at 205 ms is
 * dropped before the capture; the one at 605 ms arrives, and the 13 others
 * follow it (go-back-N): 14 retransmissions in the capture of a's port,
 * and tshark flags exactly those. */
START_TEST(pcap_tshark)
{
    require_tshark();
    for (int v6 = 0; v6 < 2; v6++) {
        struct bench b;
        bench_two(&b, 1000000000, NVO_MS, 1500, v6, NULL, NULL);
        char *dir = nvo_test_tmpdir("tcp");
        char *path = g_strdup_printf("%s/a.pcap", dir);
        struct nvo_pcap_out *po;
        char err[256];
        ck_assert_int_eq(nvo_pcap_out_open(path, 0, &po, err, sizeof err), 0);
        struct nvo_port *port = &nvo_net_node(b.net, 0)->ports[0];
        nvo_pcap_out_attach(po, port);
        static struct capture cap;
        cap.n = 0;
        nvo_port_add_tap(port, capture_tap, &cap,
                         NVO_TAP_MASK_SEND | NVO_TAP_MASK_RECEIVE);
        ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
        struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
        nvo_engine_run(b.e, 5 * NVO_MS);
        send_pattern(c, 20000);
        nvo_engine_schedule(b.e, NVO_MS / 2, link_down_cb, b.net);
        nvo_engine_schedule(b.e, 300 * NVO_MS, link_up_cb, b.net);
        nvo_engine_run(b.e, NVO_SEC);
        check_pattern(b.srv[0].rx, 20000);
        b.srv[0].close_on_eof = true;
        ck_assert_int_eq(nvo_tcp_close(c), 0);
        nvo_engine_run(b.e, 2 * NVO_SEC);
        ck_assert_int_eq(b.srv[0].closed_reason, 0);
        const struct nvo_tcp_counters *ca = nvo_tcp_stack_counters(b.st[0]);
        ck_assert_uint_eq(ca->retx_segs, 15);
        ck_assert_uint_eq(ca->rto_expiries, 2);
        ck_assert_uint_eq(nvo_pcap_out_count(po), cap.n);
        ck_assert_int_eq(nvo_pcap_out_close(po, err, sizeof err), 0);

        /* What the model says of each record. */
        GString *want = g_string_new(NULL);
        uint32_t n_retx = 0;
        for (uint32_t i = 0; i < cap.n; i++) {
            if (uid_retx(&b, cap.uids[i])) {
                g_string_append_printf(want, "%u\n", i + 1);
                n_retx++;
            }
        }
        ck_assert_uint_eq(n_retx, 14);

        char *cmd = g_strdup_printf(
            "tshark -r '%s' -o tcp.check_checksum:TRUE "
            "-o ip.check_checksum:TRUE -Y tcp.analysis.retransmission "
            "-T fields -e frame.number 2>/dev/null", path);
        char *got = tshark_out(cmd);
        ck_assert_str_eq(got, want->str);
        g_free(got);
        g_free(cmd);
        /* Every frame TCP, checksum good (status 1); none malformed. */
        cmd = g_strdup_printf(
            "tshark -r '%s' -o tcp.check_checksum:TRUE "
            "-o ip.check_checksum:TRUE -T fields -e tcp.checksum.status "
            "-e tcp.srcport -e tcp.dstport 2>/dev/null | sort | uniq -c", path);
        got = tshark_out(cmd);
        uint32_t from_a = 0, from_b = 0;
        for (uint32_t i = 0; i < cap.n; i++) {
            for (uint32_t k = 0; k < b.n_segs; k++) {
                if (b.segs[k].uid == cap.uids[i]) {
                    from_a += b.segs[k].node == 0;
                    from_b += b.segs[k].node == 1;
                }
            }
        }
        char *want2 = g_strdup_printf("%7u 1\t179\t49152\n%7u 1\t49152\t179\n",
                                      from_b, from_a);
        ck_assert_str_eq(got, want2);
        g_free(want2);
        g_free(got);
        g_free(cmd);
        cmd = g_strdup_printf(
            "tshark -r '%s' -o tcp.check_checksum:TRUE "
            "-o ip.check_checksum:TRUE -Y '_ws.malformed || "
            "_ws.expert.severity >= error || ip.checksum.status == 0' "
            "2>/dev/null", path);
        got = tshark_out(cmd);
        ck_assert_str_eq(got, "");
        g_free(got);
        g_free(cmd);
        /* The handshake's MSS options and the receiver's window. */
        cmd = g_strdup_printf(
            "tshark -r '%s' -Y tcp.flags.syn==1 -T fields "
            "-e tcp.options.mss_val -e tcp.window_size_value 2>/dev/null", path);
        got = tshark_out(cmd);
        ck_assert_str_eq(got, v6 ? "1440\t65535\n1440\t65535\n"
                                 : "1460\t65535\n1460\t65535\n");
        g_free(got);
        g_free(cmd);

        g_string_free(want, TRUE);
        unlink(path);
        rmdir(dir);
        g_free(path);
        g_free(dir);
        check_conservation(&b);
        bench_free(&b);
    }
}
END_TEST

/* ---- Bad input ------------------------------------------------------------ */

/* Sends from node b to node a a TCP frame to port 179 made by hand: the
 * fixed header, 'opts' (n_opts bytes, a multiple of 4), 'len' bytes of
 * data, correct checksums; then 'mangle' may spoil it. */
static void
craft(struct bench *b, uint16_t flags, const uint8_t *opts, uint32_t n_opts,
      uint32_t len, int mangle)
{
    struct nvo_node *nb = nvo_net_node(b->net, 1);
    uint32_t l4_len = NVO_TCP_LEN + n_opts + len;
    uint32_t total = NVO_ETH_LEN + NVO_IPV4_LEN + l4_len;
    struct nvo_pkt *p = nvo_pkt_alloc(&b->net->pool, 0, total);
    uint8_t *l2 = nvo_pkt_put(p, total);
    memset(l2, 0xab, total);
    struct nvo_eth_info eth = { .type = NVO_ETH_TYPE_IPV4 };
    nvo_eth_encode(l2, &eth);
    struct nvo_ipv4_info ip = {
        .tot_len = (uint16_t) (NVO_IPV4_LEN + l4_len), .ttl = 64,
        .proto = NVO_IPPROTO_TCP,
        .src = nvo_net_node_addr4(b->net, 1, 0),
        .dst = nvo_net_node_addr4(b->net, 0, 0),
    };
    uint8_t *l3 = l2 + NVO_ETH_LEN, *l4 = l3 + NVO_IPV4_LEN;
    nvo_ipv4_encode(l3, &ip);
    struct nvo_tcp_info t = {
        .sport = 40000, .dport = 179, .seq = 1000, .ack = 0,
        .hdr_len = (uint8_t) (NVO_TCP_LEN + n_opts), .flags = flags,
        .window = 1000,
    };
    nvo_tcp_encode(l4, &t);
    if (n_opts) {
        memcpy(l4 + NVO_TCP_LEN, opts, n_opts);
    }
    nvo_wr16(l4 + 16, 0);
    nvo_wr16(l4 + 16, nvo_l4_csum(l3, NVO_IPPROTO_TCP, l4, l4_len, l4_len));
    switch (mangle) {
    case 1:                     /* TCP checksum */
        l4[16] ^= 1;
        break;
    case 2:                     /* IP total length past the frame */
        nvo_wr16(l3 + 2, (uint16_t) (NVO_IPV4_LEN + l4_len + 1));
        nvo_wr16(l3 + 10, 0);
        nvo_wr16(l3 + 10, nvo_inet_csum(l3, 20));
        break;
    case 3:                     /* a virtual payload */
        p->payload_size = 10;
        break;
    case 4:                     /* a fragment */
        nvo_wr16(l3 + 6, NVO_IP_MF);
        nvo_wr16(l3 + 10, 0);
        nvo_wr16(l3 + 10, nvo_inet_csum(l3, 20));
        break;
    default:
        break;
    }
    p->tclass = NVO_TC_CONTROL;
    nvo_node_send(nb, p);
}

/* Malformed segments are counted and dropped, never answered: a bad
 * checksum, a truncated packet, a virtual payload, a fragment, options
 * that overrun the header or have length 0 or 1.  A well-formed SYN with
 * odd options (no-ops, an unknown kind, end of list) is accepted and its
 * MSS read; a well-formed ACK for no connection gets a reset. */
START_TEST(bad_segments)
{
    struct bench b;
    bench_two(&b, 1000000000, NVO_US, 1500, false, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[0], 179, accept_cb, &b), 0);
    static const uint8_t mss[4] = { 2, 4, 0x01, 0x00 };           /* 256 */
    static const uint8_t over[4] = { 2, 8, 0x01, 0x00 };
    static const uint8_t zero[4] = { 30, 0, 0, 0 };
    static const uint8_t one[4] = { 30, 1, 0, 0 };
    static const uint8_t odd[8] = { 1, 1, 30, 3, 9, 2, 4, 0x02 };  /* MSS cut */
    craft(&b, NVO_TCP_SYN, mss, 4, 0, 1);
    craft(&b, NVO_TCP_SYN, mss, 4, 0, 2);
    craft(&b, NVO_TCP_SYN, mss, 4, 0, 3);
    craft(&b, NVO_TCP_SYN, mss, 4, 0, 4);
    craft(&b, NVO_TCP_SYN, over, 4, 0, 0);
    craft(&b, NVO_TCP_SYN, zero, 4, 0, 0);
    craft(&b, NVO_TCP_SYN, one, 4, 0, 0);
    craft(&b, NVO_TCP_SYN, odd, 8, 0, 0);
    nvo_engine_run(b.e, NVO_MS);
    const struct nvo_tcp_counters *c = nvo_tcp_stack_counters(b.st[0]);
    ck_assert_uint_eq(c->bad_segs, 8);
    ck_assert_uint_eq(b.n_srv, 0);
    ck_assert_uint_eq(b.n_segs, 0);
    static const uint8_t good[8] = { 1, 30, 3, 9, 2, 4, 0x01, 0x00 };
    craft(&b, NVO_TCP_SYN, good, 8, 0, 0);
    nvo_engine_run(b.e, 2 * NVO_MS);
    ck_assert_uint_eq(b.n_srv, 1);
    ck_assert_uint_eq(b.srv[0].mss, 256);
    ck_assert_uint_eq(b.segs[0].s.flags, NVO_TCP_SYN | NVO_TCP_ACK);
    ck_assert_uint_eq(b.segs[0].s.ack, 1001);
    /* b's stack has no connection from port 40000: its reset ends a's. */
    ck_assert_uint_eq(b.segs[1].node, 1);
    ck_assert_uint_eq(b.segs[1].s.flags, NVO_TCP_RST);
    ck_assert_uint_eq(b.segs[1].s.seq, 1001);   /* the SYN-ACK's ACK */
    ck_assert_int_eq(b.srv[0].closed_reason, ECONNRESET);
    /* An ACK to a port that is bound (179) but for no connection. */
    uint32_t n = b.n_segs;
    craft(&b, NVO_TCP_ACK, NULL, 0, 10, 0);
    nvo_engine_run(b.e, 3 * NVO_MS);
    ck_assert_uint_eq(b.n_segs, n + 1);
    ck_assert_uint_eq(b.segs[n].s.flags, NVO_TCP_RST);
    ck_assert_uint_eq(b.segs[n].s.seq, 0);  /* the crafted ACK field */
    ck_assert_uint_eq(c->bad_segs, 8);
    check_conservation(&b);
    bench_free(&b);
}
END_TEST

/* The connection and its send buffer are in the node's memory account,
 * the buffer only while bytes are unacknowledged. */
START_TEST(memory_counted)
{
    struct bench b;
    bench_two(&b, 1000000000, NVO_MS, 1500, false, NULL, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    const struct nvo_mem_acct *m = &nvo_net_node(b.net, 0)->mem;
    nvo_mem_type conn = nvo_mem_type_register("tcp-conn");
    nvo_mem_type buf = nvo_mem_type_register("tcp-sndbuf");
    ck_assert_uint_eq(nvo_mem_acct_get(m, conn).objects, 1);
    ck_assert_uint_eq(nvo_mem_acct_get(m, buf).objects, 0);
    nvo_engine_run(b.e, 5 * NVO_MS);
    send_pattern(c, 5000);
    ck_assert_uint_eq(nvo_mem_acct_get(m, buf).objects, 1);
    ck_assert_uint_eq(nvo_mem_acct_get(m, buf).bytes, 8192);
    nvo_engine_run(b.e, 10 * NVO_MS);
    ck_assert_uint_eq(nvo_mem_acct_get(m, buf).objects, 0);
    nvo_tcp_abort(c);
    ck_assert_uint_eq(nvo_mem_acct_get(m, conn).objects, 0);
    ck_assert_uint_eq(nvo_mem_acct_get(&b.net->mem, conn).objects, 1);
    bench_free(&b);
}
END_TEST

/* ---- Configuration ------------------------------------------------------------- */

START_TEST(cfg_refused)
{
    struct nvo_tcp_cfg cfg;
    char err[256];
    nvo_tcp_cfg_default(&cfg);
    ck_assert_int_eq(nvo_tcp_cfg_check(&cfg, err, sizeof err), 0);
    cfg.rcv_wnd = 65536;
    ck_assert_int_eq(nvo_tcp_cfg_check(&cfg, err, sizeof err), EINVAL);
    ck_assert_str_eq(err, "tcp rcv_wnd: expected 1 to 65535 bytes (no "
                     "window scaling)");
    nvo_tcp_cfg_default(&cfg);
    cfg.rto_min = 0;
    ck_assert_int_eq(nvo_tcp_cfg_check(&cfg, err, sizeof err), EINVAL);
    ck_assert_str_eq(err, "tcp rto_min: expected above 0 and at most "
                     "rto_max");
    nvo_tcp_cfg_default(&cfg);
    cfg.rto_initial = 121 * NVO_SEC;
    ck_assert_int_eq(nvo_tcp_cfg_check(&cfg, err, sizeof err), EINVAL);
    ck_assert_str_eq(err, "tcp rto_initial: expected from rto_min to "
                     "rto_max");
    nvo_tcp_cfg_default(&cfg);
    cfg.delack = NVO_SEC;
    ck_assert_int_eq(nvo_tcp_cfg_check(&cfg, err, sizeof err), EINVAL);
    nvo_tcp_cfg_default(&cfg);
    cfg.sndbuf = 0;
    ck_assert_int_eq(nvo_tcp_cfg_check(&cfg, err, sizeof err), EINVAL);

    /* A stack refuses a bad cfg; a second stack on a node finds IP
     * protocol 6 taken. */
    struct bench b;
    bench_two(&b, 1000000000, NVO_US, 1500, false, NULL, NULL);
    struct nvo_tcp_stack *st;
    cfg.sndbuf = 0;
    ck_assert_int_eq(nvo_tcp_stack_create(nvo_net_node(b.net, 0), &cfg, &st),
                     EINVAL);
    ck_assert_int_eq(nvo_tcp_stack_create(nvo_net_node(b.net, 0), NULL, &st),
                     EEXIST);
    struct nvo_tcp_conn *c;
    ck_assert_int_eq(nvo_tcp_connect(b.st[0], 0, 179, &app_ops, NULL, &c),
                     EINVAL);
    ck_assert_int_eq(nvo_tcp_connect(b.st[0], 7, 179, &app_ops, NULL, &c),
                     EINVAL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[0], 0, accept_cb, &b), EINVAL);
    ck_assert_int_eq(nvo_tcp_unlisten(b.st[0], 179), ENOENT);
    /* A port someone else bound. */
    ck_assert_int_eq(nvo_node_bind_tcp(nvo_net_node(b.net, 0), 7471,
                                       (nvo_node_deliver_fn *) (void (*)(void))
                                       abort, NULL), 0);
    ck_assert_int_eq(nvo_tcp_listen(b.st[0], 7471, accept_cb, &b),
                     EADDRINUSE);
    bench_free(&b);
}
END_TEST

/* The send buffer's limit: a write that would pass it is refused whole. */
START_TEST(sndbuf_limit)
{
    struct nvo_tcp_cfg cfg;
    nvo_tcp_cfg_default(&cfg);
    cfg.sndbuf = 5000;
    struct bench b;
    bench_two(&b, 1000000000, NVO_MS, 1500, false, &cfg, NULL);
    ck_assert_int_eq(nvo_tcp_listen(b.st[1], 179, accept_cb, &b), 0);
    struct nvo_tcp_conn *c = bench_connect(&b, 0, 1, 179, &b.cli[0]);
    uint8_t d[3000];
    memset(d, 1, sizeof d);
    ck_assert_int_eq(nvo_tcp_send(c, d, 3000), 0);     /* before the SYN-ACK */
    ck_assert_uint_eq(nvo_tcp_send_space(c), 2000);
    ck_assert_int_eq(nvo_tcp_send(c, d, 2001), ENOBUFS);
    ck_assert_int_eq(nvo_tcp_send(c, d, 2000), 0);
    nvo_engine_run(b.e, 100 * NVO_MS);
    ck_assert_uint_eq(b.srv[0].rx->len, 5000);
    ck_assert_uint_eq(nvo_tcp_send_space(c), 5000);
    bench_free(&b);
}
END_TEST

static Suite *
tcp_suite(void)
{
    Suite *s = suite_create("tcp");
    TCase *tc = tcase_create("tcp");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, handshake_time);
    tcase_add_test(tc, iss_from_stream);
    tcase_add_test(tc, stream_segments);
    tcase_add_test(tc, no_nagle);
    tcase_add_test(tc, own_queue_no_drop);
    tcase_add_test(tc, window_bound);
    tcase_add_test(tc, rto_doubles_from_initial);
    tcase_add_test(tc, rto_doubles_from_computed);
    tcase_add_test(tc, syn_ack_again);
    tcase_add_test(tc, rto_capped);
    tcase_add_test(tc, give_up);
    tcase_add_test(tc, fin_both_ways);
    tcase_add_test(tc, reset_closed_port);
    tcase_add_test(tc, abort_resets_peer);
    tcase_add_test(tc, delayed_ack);
    tcase_add_test(tc, leaf_spine_both_ways);
    tcase_add_test(tc, reflector_link_failure);
    tcase_add_test(tc, pcap_tshark);
    tcase_add_test(tc, bad_segments);
    tcase_add_test(tc, memory_counted);
    tcase_add_test(tc, cfg_refused);
    tcase_add_test(tc, sndbuf_limit);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return nvo_test_run(tcp_suite());
}
