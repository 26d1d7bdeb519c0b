/* ldp_speaker.c: the LDP speaker of one node: targeted Hello adjacencies,
 * the session FSM over ctrl/tcp, KeepAlives, Notifications, the message
 * API and its counters (see ldp_speaker.h, docs/vpls.md). */
#include "ctrl/ldp_speaker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "fabric/net.h"
#include "wire/wire.h"

#define LDP_TOS 0xc0            /* DSCP CS6, as FRR's ldpd sets it */

struct peer {
    struct nvo_ldp_speaker *sp;
    uint32_t node;
    uint32_t addr;              /* its loopback: LSR id, transport */
    bool adj;
    uint16_t adj_hold;          /* seconds; 0xffff infinite */
    enum nvo_ldp_state state;
    struct nvo_tcp_conn *conn;
    bool active;
    GByteArray *rx;
    uint16_t ka;                /* negotiated KeepAlive time, seconds */
    uint16_t max_pdu;           /* negotiated */
    nvo_time_t backoff;
    uint32_t gen;               /* bumped at each teardown */
    struct nvo_timer hello_tx, hello_hold, ka_tx, ka_hold, retry;
    /* Packing of label messages (cfg.pack). */
    uint8_t *pend_buf;
    struct nvo_ldp_pdu_wr pend;
    bool has_pend;
};

struct rxitem {                 /* a received message waiting for the
                                 * processor */
    struct peer *pr;
    uint32_t gen;
    struct nvo_ldp_error err;   /* err.status != 0: a decoding error */
    size_t len;
    uint8_t data[];
};

struct nvo_ldp_speaker {
    struct nvo_node *node;
    struct nvo_tcp_stack *tcp;
    struct nvo_engine *e;
    struct nvo_ldp_speaker_cfg cfg;
    struct nvo_ldp_speaker_ops ops;
    void *ctx;
    nvo_ldp_pdu_observer_fn *obs;
    void *obs_ctx;
    struct peer **peers;        /* in the order added */
    uint32_t n_peers;
    GHashTable *by_node;        /* node + 1 -> struct peer * */
    bool started;
    uint32_t msg_id;
    uint16_t ip_id;
    struct nvo_ldp_counters c;
    uint32_t n_sessions;
    GQueue rxq;                 /* struct rxitem *, for cfg.proc_delay */
    struct nvo_timer proc;
    struct nvo_timer flush;
    GPtrArray *pending;         /* peers with a packed PDU, in the order
                                 * they started it */
};

static void teardown(struct peer *pr, uint32_t status, bool notify);

/* ---- Names and defaults --------------------------------------------------- */

void
nvo_ldp_speaker_cfg_default(struct nvo_ldp_speaker_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->hello_interval = 15 * NVO_SEC;
    c->hello_hold = NVO_LDP_HOLD_DEFAULT_TARGETED;
    c->keepalive_time = 180;
    c->max_pdu_len = NVO_LDP_MAX_PDU_DEFAULT;
    c->proc_delay = 0;
    c->retry_initial = 15 * NVO_SEC;
    c->retry_max = 120 * NVO_SEC;
    c->pack = true;
}

enum nvo_ldp_kind
nvo_ldp_kind_of(uint16_t t)
{
    switch (t & NVO_LDP_MSG_TYPE_MASK) {
    case NVO_LDP_MSG_NOTIFICATION: return NVO_LDP_K_NOTIFICATION;
    case NVO_LDP_MSG_HELLO: return NVO_LDP_K_HELLO;
    case NVO_LDP_MSG_INIT: return NVO_LDP_K_INIT;
    case NVO_LDP_MSG_KEEPALIVE: return NVO_LDP_K_KEEPALIVE;
    case NVO_LDP_MSG_ADDRESS: return NVO_LDP_K_ADDRESS;
    case NVO_LDP_MSG_ADDRESS_WITHDRAW: return NVO_LDP_K_ADDRESS_WITHDRAW;
    case NVO_LDP_MSG_LABEL_MAPPING: return NVO_LDP_K_MAPPING;
    case NVO_LDP_MSG_LABEL_REQUEST: return NVO_LDP_K_REQUEST;
    case NVO_LDP_MSG_LABEL_WITHDRAW: return NVO_LDP_K_WITHDRAW;
    case NVO_LDP_MSG_LABEL_RELEASE: return NVO_LDP_K_RELEASE;
    default: return NVO_LDP_K_N;
    }
}

const char *
nvo_ldp_kind_name(enum nvo_ldp_kind k)
{
    static const char *const names[] = {
        "notification", "hello", "initialization", "keepalive", "address",
        "address-withdraw", "label-mapping", "label-request",
        "label-withdraw", "label-release",
    };
    return k < NVO_LDP_K_N ? names[k] : "?";
}

const char *
nvo_ldp_state_name(enum nvo_ldp_state s)
{
    switch (s) {
    case NVO_LDP_NONEXISTENT: return "NON EXISTENT";
    case NVO_LDP_INITIALIZED: return "INITIALIZED";
    case NVO_LDP_OPENSENT: return "OPENSENT";
    case NVO_LDP_OPENREC: return "OPENREC";
    case NVO_LDP_OPERATIONAL: return "OPERATIONAL";
    }
    return "?";
}

/* ---- Helpers -------------------------------------------------------------- */

static struct peer *
find_peer(const struct nvo_ldp_speaker *sp, uint32_t node)
{
    return g_hash_table_lookup(sp->by_node, GUINT_TO_POINTER(node + 1));
}

static struct nvo_ldp_id
own_id(const struct nvo_ldp_speaker *sp)
{
    return (struct nvo_ldp_id) { .lsr_id = sp->node->addr4 };
}

/* Counts the messages of an encoded PDU (buf[0..len), well formed). */
static void
count_msgs(uint64_t *msgs, uint64_t *bytes, const uint8_t *buf, size_t len)
{
    size_t off = NVO_LDP_PDU_HDR_LEN;
    while (off + NVO_LDP_MSG_HDR_LEN <= len) {
        size_t ml = 4u + nvo_rd16(buf + off + 2);
        enum nvo_ldp_kind k = nvo_ldp_kind_of(nvo_rd16(buf + off));
        if (k < NVO_LDP_K_N) {
            msgs[k]++;
            bytes[k] += ml;
        }
        off += ml;
    }
}

/* Sends a finished PDU on the session of 'pr'. */
static int
send_pdu(struct peer *pr, const uint8_t *buf, size_t len)
{
    struct nvo_ldp_speaker *sp = pr->sp;
    if (!pr->conn) {
        return ENOTCONN;
    }
    int e = nvo_tcp_send(pr->conn, buf, len);
    if (e) {
        return e;
    }
    sp->c.pdus_out++;
    sp->c.pdu_bytes_out += len;
    count_msgs(sp->c.msgs_out, sp->c.msg_bytes_out, buf, len);
    if (sp->obs) {
        sp->obs(sp->obs_ctx, sp, pr->node, true, buf, len);
    }
    return 0;
}

static uint16_t
pdu_limit(const struct peer *pr)
{
    return pr->max_pdu ? pr->max_pdu : NVO_LDP_MAX_PDU_DEFAULT;
}

/* Sends the packed PDU of 'pr', if any. */
static void
flush_peer(struct peer *pr)
{
    if (!pr->has_pend) {
        return;
    }
    size_t len = nvo_ldp_pdu_finish(&pr->pend);
    pr->has_pend = false;
    (void) send_pdu(pr, pr->pend_buf, len);
    g_free(pr->pend_buf);       /* held only while packing: a mesh of */
    pr->pend_buf = NULL;        /* n PEs has n(n-1) peers */
}

static void
flush_all(void *arg)
{
    struct nvo_ldp_speaker *sp = arg;
    for (guint i = 0; i < sp->pending->len; i++) {
        flush_peer(g_ptr_array_index(sp->pending, i));
    }
    g_ptr_array_set_size(sp->pending, 0);
}

/* Sends 'm' alone in a PDU (after what is packed). */
static int
send_alone(struct peer *pr, struct nvo_ldp_msg *m)
{
    struct nvo_ldp_speaker *sp = pr->sp;
    flush_peer(pr);
    m->id = ++sp->msg_id;
    size_t need = nvo_ldp_msg_size(m);
    if (!need) {
        return EINVAL;
    }
    uint8_t *buf = g_malloc(need + NVO_LDP_PDU_HDR_LEN);
    struct nvo_ldp_pdu_wr w;
    struct nvo_ldp_id id = own_id(sp);
    int e = nvo_ldp_pdu_start(&w, buf, need + NVO_LDP_PDU_HDR_LEN, &id,
                              pdu_limit(pr));
    if (!e) {
        e = nvo_ldp_pdu_add(&w, m);
        e = e == ENOSPC ? EMSGSIZE : e;
    }
    if (!e) {
        e = send_pdu(pr, buf, nvo_ldp_pdu_finish(&w));
    }
    g_free(buf);
    return e;
}

static void
send_notif(struct peer *pr, uint32_t status_data, uint32_t msg_id,
           uint16_t msg_type)
{
    struct nvo_ldp_msg m;
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_NOTIFICATION;
    m.notif.status = nvo_ldp_status_code(status_data);
    m.notif.msg_id = msg_id;
    m.notif.msg_type = msg_type;
    (void) send_alone(pr, &m);
}

static void
send_init(struct peer *pr)
{
    struct nvo_ldp_msg m;
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_INIT;
    m.init.proto_version = NVO_LDP_VERSION;
    m.init.keepalive_time = pr->sp->cfg.keepalive_time;
    m.init.max_pdu_len = pr->sp->cfg.max_pdu_len;
    m.init.receiver = (struct nvo_ldp_id) { .lsr_id = pr->addr };
    (void) send_alone(pr, &m);
}

static void
send_keepalive(struct peer *pr)
{
    struct nvo_ldp_msg m;
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_KEEPALIVE;
    (void) send_alone(pr, &m);
}

/* ---- Hellos (UDP 646) ------------------------------------------------------ */

static void
hello_tx(void *arg)
{
    struct peer *pr = arg;
    struct nvo_ldp_speaker *sp = pr->sp;
    struct nvo_ldp_msg m;
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_HELLO;
    m.id = ++sp->msg_id;
    m.hello.hold_time = sp->cfg.hello_hold;
    m.hello.targeted = true;
    m.hello.request_targeted = true;
    m.hello.has_transport = true;
    m.hello.transport_addr = sp->node->addr4;
    uint8_t buf[64];
    struct nvo_ldp_pdu_wr w;
    struct nvo_ldp_id id = own_id(sp);
    if (nvo_ldp_pdu_start(&w, buf, sizeof buf, &id, 0)
        || nvo_ldp_pdu_add(&w, &m)) {
        abort();                /* a Hello always fits */
    }
    size_t len = nvo_ldp_pdu_finish(&w);
    struct nvo_net *net = sp->node->net;
    struct nvo_frame_spec s;
    memset(&s, 0, sizeof s);
    memcpy(s.src_mac, sp->node->mac, 6);
    s.src_ip4 = sp->node->addr4;
    s.dst_ip4 = pr->addr;
    s.tos = LDP_TOS;
    s.ip_id = sp->ip_id++;
    s.proto = NVO_IPPROTO_UDP;
    s.sport = s.dport = NVO_LDP_PORT;
    struct nvo_pkt *p = nvo_pkt_alloc(&net->pool, NVO_PKT_HEADROOM,
                                      (uint32_t) (64 + len));
    p->payload_size = (uint32_t) len;
    if (nvo_wire_build_frame(p, &s)) {
        abort();
    }
    memcpy(nvo_pkt_put(p, (uint32_t) len), buf, len);
    p->payload_size = 0;
    uint8_t *l3 = nvo_pkt_at(p, p->l3_ofs);
    uint8_t *l4 = nvo_pkt_at(p, p->l4_ofs);
    uint32_t l4_len = (uint32_t) (NVO_UDP_LEN + len);
    nvo_wr16(l4 + 6, 0);
    uint16_t v = nvo_l4_csum(l3, NVO_IPPROTO_UDP, l4, l4_len, l4_len);
    nvo_wr16(l4 + 6, v ? v : 0xffff);
    p->tclass = NVO_TC_CONTROL;
    p->created = nvo_engine_now(sp->e);
    sp->c.pdus_out++;
    sp->c.pdu_bytes_out += len;
    count_msgs(sp->c.msgs_out, sp->c.msg_bytes_out, buf, len);
    if (sp->obs) {
        sp->obs(sp->obs_ctx, sp, pr->node, true, buf, len);
    }
    nvo_node_send(sp->node, p);
    nvo_timer_start(&pr->hello_tx, sp->cfg.hello_interval);
}

static void
connect_peer(struct peer *pr);

static bool
is_active(const struct peer *pr)
{
    return pr->sp->node->addr4 > pr->addr;
}

/* The adjacency is (still) up: open the session if this end is active
 * and none exists or waits. */
static void
maybe_connect(struct peer *pr)
{
    if (pr->adj && pr->sp->started && is_active(pr) && !pr->conn
        && pr->state == NVO_LDP_NONEXISTENT
        && !nvo_timer_is_armed(&pr->retry)) {
        connect_peer(pr);
    }
}

static void
hello_expired(void *arg)
{
    struct peer *pr = arg;
    pr->adj = false;
    pr->sp->c.adjacencies_down++;
    nvo_timer_stop(&pr->retry);
    if (pr->conn || pr->state != NVO_LDP_NONEXISTENT) {
        teardown(pr, NVO_LDP_ST_HOLD_EXPIRED, true);
    }
}

static void
rx_hello(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    struct nvo_ldp_speaker *sp = ctx;
    (void) n;
    struct nvo_l2_info l2;
    struct nvo_ipv4_info ip;
    struct nvo_udp_info u;
    const uint8_t *d = p->data;
    size_t len = p->size;
    if (p->payload_size || nvo_l2_decode(d, len, &l2)
        || l2.type != NVO_ETH_TYPE_IPV4
        || nvo_ipv4_decode(d + l2.len, len - l2.len, &ip)
        || ip.tot_len > len - l2.len || ip.proto != NVO_IPPROTO_UDP
        || nvo_udp_decode(d + l2.len + ip.hdr_len,
                          ip.tot_len - ip.hdr_len, &u)
        || u.len > ip.tot_len - ip.hdr_len) {
        sp->c.bad_hellos++;
        nvo_pkt_free(p);
        return;
    }
    const uint8_t *pdu = d + l2.len + ip.hdr_len + NVO_UDP_LEN;
    size_t pdu_len = u.len - NVO_UDP_LEN;
    int src = nvo_net_addr4_node(sp->node->net, ip.src);
    struct peer *pr = src >= 0 ? find_peer(sp, (uint32_t) src) : NULL;
    struct nvo_ldp_pdu_rd rd;
    struct nvo_ldp_msg m;
    struct nvo_ldp_error err;
    if (!pr || nvo_ldp_pdu_begin(&rd, pdu, pdu_len, 0)
        || rd.hdr.id.lsr_id != pr->addr || !nvo_ldp_pdu_next(&rd, &m, &err)
        || m.type != NVO_LDP_MSG_HELLO || !m.hello.targeted) {
        /* RFC 5036 3.5.2: a bad Hello is dropped without a word. */
        sp->c.bad_hellos++;
        nvo_pkt_free(p);
        return;
    }
    sp->c.pdus_in++;
    sp->c.pdu_bytes_in += pdu_len;
    count_msgs(sp->c.msgs_in, sp->c.msg_bytes_in, pdu, pdu_len);
    if (sp->obs) {
        sp->obs(sp->obs_ctx, sp, pr->node, false, pdu, pdu_len);
    }
    nvo_pkt_free(p);
    if (!sp->started) {
        return;
    }
    uint16_t mine = sp->cfg.hello_hold;
    uint16_t theirs = nvo_ldp_hello_hold(&m.hello);
    pr->adj_hold = NVO_MIN(mine, theirs);
    if (pr->adj_hold == NVO_LDP_HOLD_INFINITE) {
        nvo_timer_stop(&pr->hello_hold);
    } else {
        nvo_timer_start(&pr->hello_hold, pr->adj_hold * NVO_SEC);
    }
    if (!pr->adj) {
        pr->adj = true;
        sp->c.adjacencies_up++;
    }
    maybe_connect(pr);
}

/* ---- Sessions --------------------------------------------------------------- */

static void ka_tx(void *arg);

static void
ka_expired(void *arg)
{
    struct peer *pr = arg;
    teardown(pr, NVO_LDP_ST_KEEPALIVE_EXPIRED, true);
}

static void
retry_fired(void *arg)
{
    maybe_connect(arg);
}

/* Ends the session of 'pr' (whatever its state): the Notification with
 * 'status' first if 'notify', then a reset. */
static void
teardown(struct peer *pr, uint32_t status, bool notify)
{
    struct nvo_ldp_speaker *sp = pr->sp;
    bool was_up = pr->state == NVO_LDP_OPERATIONAL;
    pr->has_pend = false;
    g_free(pr->pend_buf);
    pr->pend_buf = NULL;
    if (pr->conn) {
        if (notify && status) {
            send_notif(pr, status, 0, 0);
        }
        struct nvo_tcp_conn *c = pr->conn;
        pr->conn = NULL;
        nvo_tcp_abort(c);
    }
    pr->state = NVO_LDP_NONEXISTENT;
    pr->gen++;
    pr->ka = 0;
    pr->max_pdu = 0;
    g_byte_array_set_size(pr->rx, 0);
    nvo_timer_stop(&pr->ka_tx);
    nvo_timer_stop(&pr->ka_hold);
    if (pr->active && pr->adj && sp->started) {
        nvo_timer_start(&pr->retry, pr->backoff);
        pr->backoff = NVO_MIN(2 * pr->backoff, sp->cfg.retry_max);
    }
    if (was_up) {
        sp->n_sessions--;
        sp->c.sessions_down++;
        if (sp->ops.session_down) {
            sp->ops.session_down(sp->ctx, sp, pr->node, status);
        }
    }
}

static void
negotiate(struct peer *pr, const struct nvo_ldp_init *in)
{
    pr->ka = NVO_MIN(pr->sp->cfg.keepalive_time, in->keepalive_time);
    pr->max_pdu = NVO_MIN(nvo_ldp_max_pdu(pr->sp->cfg.max_pdu_len),
                          nvo_ldp_max_pdu(in->max_pdu_len));
    /* A KeepAlive every third of the KeepAlive time (FRR's
     * KEEPALIVE_PER_PERIOD). */
    nvo_timer_start(&pr->ka_tx, pr->ka * NVO_SEC / 3);
    nvo_timer_start(&pr->ka_hold, pr->ka * NVO_SEC);
}

static void
ka_tx(void *arg)
{
    struct peer *pr = arg;
    send_keepalive(pr);
    nvo_timer_start(&pr->ka_tx, pr->ka * NVO_SEC / 3);
}

/* One received message (or decoding error) of the session of 'pr'. */
static void
process(struct peer *pr, const struct nvo_ldp_error *derr,
        const uint8_t *data, size_t len)
{
    struct nvo_ldp_speaker *sp = pr->sp;
    if (derr->status) {
        sp->c.notifs_sent_err++;
        if (nvo_ldp_status_fatal(derr->status)) {
            send_notif(pr, derr->status, derr->msg_id, derr->msg_type);
            teardown(pr, derr->status, false);
        } else {
            send_notif(pr, derr->status, derr->msg_id, derr->msg_type);
        }
        return;
    }
    struct nvo_ldp_msg m;
    if (nvo_ldp_msg_decode(data, len, &m, NULL)) {
        abort();                /* decoded once already */
    }
    switch (m.type) {
    case NVO_LDP_MSG_INIT:
        if (m.init.receiver.lsr_id != sp->node->addr4) {
            send_notif(pr, NVO_LDP_ST_REJ_NO_HELLO, m.id, m.type);
            teardown(pr, NVO_LDP_ST_REJ_NO_HELLO, false);
        } else if (pr->state == NVO_LDP_INITIALIZED && !pr->active) {
            send_init(pr);
            send_keepalive(pr);
            negotiate(pr, &m.init);
            pr->state = NVO_LDP_OPENREC;
        } else if (pr->state == NVO_LDP_OPENSENT) {
            send_keepalive(pr);
            negotiate(pr, &m.init);
            pr->state = NVO_LDP_OPENREC;
        } else {
            teardown(pr, NVO_LDP_ST_SHUTDOWN, true);
        }
        return;
    case NVO_LDP_MSG_KEEPALIVE:
        if (pr->state == NVO_LDP_OPENREC) {
            pr->state = NVO_LDP_OPERATIONAL;
            pr->backoff = sp->cfg.retry_initial;
            sp->n_sessions++;
            sp->c.sessions_up++;
            if (sp->ops.session_up) {
                sp->ops.session_up(sp->ctx, sp, pr->node);
            }
        } else if (pr->state != NVO_LDP_OPERATIONAL) {
            teardown(pr, NVO_LDP_ST_SHUTDOWN, true);
        }
        return;
    case NVO_LDP_MSG_NOTIFICATION:
        if (m.notif.status & NVO_LDP_STATUS_E) {
            teardown(pr, m.notif.status & NVO_LDP_STATUS_DATA_MASK, false);
            return;
        }
        break;
    case NVO_LDP_MSG_HELLO:
        return;                 /* not on a session */
    default:
        break;
    }
    if (pr->state != NVO_LDP_OPERATIONAL) {
        teardown(pr, NVO_LDP_ST_SHUTDOWN, true);
        return;
    }
    if (sp->ops.message) {
        sp->ops.message(sp->ctx, sp, pr->node, &m);
    }
}

static void
proc_fired(void *arg)
{
    struct nvo_ldp_speaker *sp = arg;
    struct rxitem *it = g_queue_pop_head(&sp->rxq);
    if (it && it->pr->gen == it->gen) {
        process(it->pr, &it->err, it->data, it->len);
    }
    g_free(it);
    if (!g_queue_is_empty(&sp->rxq)) {
        nvo_timer_start(&sp->proc, sp->cfg.proc_delay);
    }
}

/* A message of 'pr''s session: processed now (no delay, nothing queued)
 * or after the queue and cfg.proc_delay. */
static void
deliver(struct peer *pr, const struct nvo_ldp_error *err,
        const uint8_t *data, size_t len)
{
    struct nvo_ldp_speaker *sp = pr->sp;
    if (!sp->cfg.proc_delay && g_queue_is_empty(&sp->rxq)) {
        process(pr, err, data, len);
        return;
    }
    struct rxitem *it = g_malloc(sizeof *it + len);
    it->pr = pr;
    it->gen = pr->gen;
    it->err = *err;
    it->len = len;
    if (len) {
        memcpy(it->data, data, len);
    }
    g_queue_push_tail(&sp->rxq, it);
    if (!nvo_timer_is_armed(&sp->proc)) {
        nvo_timer_start(&sp->proc, sp->cfg.proc_delay);
    }
}

static void
handle_pdu(struct peer *pr, const uint8_t *buf, size_t len)
{
    struct nvo_ldp_speaker *sp = pr->sp;
    sp->c.pdus_in++;
    sp->c.pdu_bytes_in += len;
    if (sp->obs) {
        sp->obs(sp->obs_ctx, sp, pr->node, false, buf, len);
    }
    if (pr->ka) {
        nvo_timer_start(&pr->ka_hold, pr->ka * NVO_SEC);
    }
    struct nvo_ldp_pdu_rd rd;
    uint32_t st = nvo_ldp_pdu_begin(&rd, buf, len,
                                    nvo_ldp_max_pdu(sp->cfg.max_pdu_len));
    if (!st && rd.hdr.id.lsr_id != pr->addr) {
        st = NVO_LDP_ST_BAD_LDP_ID;
    }
    if (st) {
        sp->c.notifs_sent_err++;
        send_notif(pr, st, 0, 0);
        teardown(pr, st, false);
        return;
    }
    uint32_t gen = pr->gen;
    for (;;) {
        struct nvo_ldp_msg m;
        struct nvo_ldp_error err;
        const uint8_t *at = rd.r.p;
        bool ok = nvo_ldp_pdu_next(&rd, &m, &err);
        if (!ok && !err.status) {
            break;
        }
        size_t ml = (size_t) (rd.r.p - at);
        if (ok) {
            err.status = 0;
            /* Unknown messages with U = 1 the reader skipped may come
             * first: the message is the last one before rd.r.p. */
            while (at + 4u + nvo_rd16(at + 2) < rd.r.p) {
                at += 4u + nvo_rd16(at + 2);
            }
            ml = (size_t) (rd.r.p - at);
            enum nvo_ldp_kind k = nvo_ldp_kind_of(m.type);
            if (k < NVO_LDP_K_N) {
                sp->c.msgs_in[k]++;
                sp->c.msg_bytes_in[k] += ml;
            }
        }
        deliver(pr, &err, at, ok ? ml : 0);
        if (pr->gen != gen || (!ok && nvo_ldp_status_fatal(err.status))) {
            break;
        }
    }
}

static void
tcp_established(void *ctx, struct nvo_tcp_conn *c)
{
    struct peer *pr = ctx;
    (void) c;
    pr->state = NVO_LDP_INITIALIZED;
    /* Until Initialization is done: the proposed KeepAlive time bounds
     * the wait (RFC 5036 2.5.4's session set-up timer). */
    nvo_timer_start(&pr->ka_hold, pr->sp->cfg.keepalive_time * NVO_SEC);
    if (pr->active) {
        send_init(pr);
        pr->state = NVO_LDP_OPENSENT;
    }
}

static void
tcp_recv(void *ctx, struct nvo_tcp_conn *c, const uint8_t *data, size_t len)
{
    struct peer *pr = ctx;
    (void) c;
    g_byte_array_append(pr->rx, data, (guint) len);
    uint32_t gen = pr->gen;
    size_t off = 0;
    while (pr->gen == gen) {
        size_t n = nvo_ldp_pdu_peek_len(pr->rx->data + off,
                                        pr->rx->len - off);
        if (!n || pr->rx->len - off < n) {
            if (n > 4u + nvo_ldp_max_pdu(pr->sp->cfg.max_pdu_len)) {
                pr->sp->c.notifs_sent_err++;
                send_notif(pr, NVO_LDP_ST_BAD_PDU_LEN, 0, 0);
                teardown(pr, NVO_LDP_ST_BAD_PDU_LEN, false);
            }
            break;
        }
        handle_pdu(pr, pr->rx->data + off, n);
        off += n;
    }
    if (pr->gen == gen && off) {
        g_byte_array_remove_range(pr->rx, 0, (guint) off);
    }
}

static void
tcp_eof(void *ctx, struct nvo_tcp_conn *c)
{
    (void) c;
    teardown(ctx, 0, false);
}

static void
tcp_closed(void *ctx, struct nvo_tcp_conn *c, int reason)
{
    struct peer *pr = ctx;
    (void) c;
    (void) reason;
    pr->conn = NULL;            /* already gone */
    teardown(pr, 0, false);
}

static const struct nvo_tcp_ops session_ops = {
    .established = tcp_established,
    .recv = tcp_recv,
    .eof = tcp_eof,
    .closed = tcp_closed,
};

static void
connect_peer(struct peer *pr)
{
    struct nvo_tcp_conn *c;
    pr->active = true;
    if (nvo_tcp_connect(pr->sp->tcp, pr->node, NVO_LDP_PORT, &session_ops,
                        pr, &c)) {
        nvo_timer_start(&pr->retry, pr->backoff);
        return;
    }
    pr->conn = c;
}

static bool
tcp_accept(void *ctx, struct nvo_tcp_conn *c, int remote)
{
    struct nvo_ldp_speaker *sp = ctx;
    struct peer *pr = remote >= 0 ? find_peer(sp, (uint32_t) remote) : NULL;
    /* The passive end of a configured peer with no session. */
    if (!pr || !sp->started || pr->conn || is_active(pr)) {
        return false;
    }
    pr->active = false;
    pr->conn = c;
    nvo_tcp_conn_set_ops(c, &session_ops, pr);
    return true;
}

/* ---- API ------------------------------------------------------------------- */

int
nvo_ldp_speaker_create(struct nvo_tcp_stack *tcp,
                       const struct nvo_ldp_speaker_cfg *cfg,
                       const struct nvo_ldp_speaker_ops *ops, void *ctx,
                       struct nvo_ldp_speaker **out)
{
    struct nvo_node *node = nvo_tcp_stack_node(tcp);
    struct nvo_ldp_speaker_cfg c;
    if (cfg) {
        c = *cfg;
    } else {
        nvo_ldp_speaker_cfg_default(&c);
    }
    if (node->net->cfg.ipv6 || c.hello_interval <= 0 || !c.hello_hold
        || !c.keepalive_time || c.retry_initial <= 0 || c.proc_delay < 0) {
        return EINVAL;
    }
    struct nvo_ldp_speaker *sp = g_new0(struct nvo_ldp_speaker, 1);
    sp->node = node;
    sp->tcp = tcp;
    sp->e = node->net->engine;
    sp->cfg = c;
    if (ops) {
        sp->ops = *ops;
    }
    sp->ctx = ctx;
    sp->by_node = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_queue_init(&sp->rxq);
    nvo_timer_init(&sp->proc, sp->e, proc_fired, sp);
    nvo_timer_init(&sp->flush, sp->e, flush_all, sp);
    if (nvo_node_bind_udp(node, NVO_LDP_PORT, rx_hello, sp)) {
        g_hash_table_destroy(sp->by_node);
        g_free(sp);
        return EADDRINUSE;
    }
    int e = nvo_tcp_listen(tcp, NVO_LDP_PORT, tcp_accept, sp);
    if (e) {
        nvo_node_unbind_udp(node, NVO_LDP_PORT);
        g_hash_table_destroy(sp->by_node);
        g_free(sp);
        return e;
    }
    sp->pending = g_ptr_array_new();
    *out = sp;
    return 0;
}

void
nvo_ldp_speaker_destroy(struct nvo_ldp_speaker *sp)
{
    if (!sp) {
        return;
    }
    for (uint32_t i = 0; i < sp->n_peers; i++) {
        struct peer *pr = sp->peers[i];
        if (pr->conn) {
            nvo_tcp_conn_set_ops(pr->conn, NULL, NULL);
        }
        nvo_timer_stop(&pr->hello_tx);
        nvo_timer_stop(&pr->hello_hold);
        nvo_timer_stop(&pr->ka_tx);
        nvo_timer_stop(&pr->ka_hold);
        nvo_timer_stop(&pr->retry);
        g_byte_array_free(pr->rx, TRUE);
        g_free(pr->pend_buf);
        g_free(pr);
    }
    nvo_timer_stop(&sp->proc);
    nvo_timer_stop(&sp->flush);
    struct rxitem *it;
    while ((it = g_queue_pop_head(&sp->rxq))) {
        g_free(it);
    }
    (void) nvo_tcp_unlisten(sp->tcp, NVO_LDP_PORT);
    (void) nvo_node_unbind_udp(sp->node, NVO_LDP_PORT);
    g_free(sp->peers);
    g_ptr_array_free(sp->pending, TRUE);
    g_hash_table_destroy(sp->by_node);
    g_free(sp);
}

int
nvo_ldp_speaker_add_peer(struct nvo_ldp_speaker *sp, uint32_t node)
{
    struct nvo_net *net = sp->node->net;
    if (node >= nvo_net_n_nodes(net) || node == sp->node->index) {
        return EINVAL;
    }
    if (find_peer(sp, node)) {
        return EEXIST;
    }
    struct peer *pr = g_new0(struct peer, 1);
    pr->sp = sp;
    pr->node = node;
    pr->addr = nvo_net_node(net, node)->addr4;
    pr->rx = g_byte_array_new();
    pr->backoff = sp->cfg.retry_initial;
    nvo_timer_init(&pr->hello_tx, sp->e, hello_tx, pr);
    nvo_timer_init(&pr->hello_hold, sp->e, hello_expired, pr);
    nvo_timer_init(&pr->ka_tx, sp->e, ka_tx, pr);
    nvo_timer_init(&pr->ka_hold, sp->e, ka_expired, pr);
    nvo_timer_init(&pr->retry, sp->e, retry_fired, pr);
    sp->peers = g_renew(struct peer *, sp->peers, sp->n_peers + 1);
    sp->peers[sp->n_peers++] = pr;
    g_hash_table_insert(sp->by_node, GUINT_TO_POINTER(node + 1), pr);
    if (sp->started) {
        nvo_timer_start(&pr->hello_tx, 0);
    }
    return 0;
}

void
nvo_ldp_speaker_start(struct nvo_ldp_speaker *sp)
{
    if (sp->started) {
        return;
    }
    sp->started = true;
    for (uint32_t i = 0; i < sp->n_peers; i++) {
        nvo_timer_start(&sp->peers[i]->hello_tx, 0);
    }
}

void
nvo_ldp_speaker_stop(struct nvo_ldp_speaker *sp)
{
    sp->started = false;
    for (uint32_t i = 0; i < sp->n_peers; i++) {
        struct peer *pr = sp->peers[i];
        nvo_timer_stop(&pr->hello_tx);
        nvo_timer_stop(&pr->hello_hold);
        nvo_timer_stop(&pr->retry);
        if (pr->adj) {
            pr->adj = false;
            sp->c.adjacencies_down++;
        }
        if (pr->conn || pr->state != NVO_LDP_NONEXISTENT) {
            teardown(pr, NVO_LDP_ST_SHUTDOWN, true);
        }
    }
}

void
nvo_ldp_speaker_set_observer(struct nvo_ldp_speaker *sp,
                             nvo_ldp_pdu_observer_fn *fn, void *ctx)
{
    sp->obs = fn;
    sp->obs_ctx = ctx;
}

int
nvo_ldp_speaker_send(struct nvo_ldp_speaker *sp, uint32_t peer,
                     const struct nvo_ldp_msg *msg)
{
    struct peer *pr = find_peer(sp, peer);
    if (!pr || pr->state != NVO_LDP_OPERATIONAL || !pr->conn) {
        return ENOTCONN;
    }
    struct nvo_ldp_msg m = *msg;
    if (!nvo_ldp_msg_size(&m)) {
        return EINVAL;
    }
    if (!sp->cfg.pack) {
        return send_alone(pr, &m);
    }
    m.id = ++sp->msg_id;
    for (int tries = 0; tries < 2; tries++) {
        if (!pr->has_pend) {
            size_t cap = 4u + pdu_limit(pr);
            g_free(pr->pend_buf);
            pr->pend_buf = g_malloc(cap);
            struct nvo_ldp_id id = own_id(sp);
            if (nvo_ldp_pdu_start(&pr->pend, pr->pend_buf, cap, &id,
                                  pdu_limit(pr))) {
                abort();
            }
            pr->has_pend = true;
            g_ptr_array_add(sp->pending, pr);   /* flush_all skips it if
                                                 * it was sent before */
        }
        int e = nvo_ldp_pdu_add(&pr->pend, &m);
        if (!e) {
            if (!nvo_timer_is_armed(&sp->flush)) {
                nvo_timer_start(&sp->flush, 0);
            }
            return 0;
        }
        if (e != ENOSPC || pr->pend.n_msgs == 0) {
            return e == ENOSPC ? EMSGSIZE : e;
        }
        flush_peer(pr);
    }
    return EMSGSIZE;
}

static int
send_label(struct nvo_ldp_speaker *sp, uint32_t peer, uint16_t type,
           const struct nvo_ldp_fec *fec, uint32_t label)
{
    struct nvo_ldp_msg m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.label.fec = *fec;
    m.label.has_label = label != 0;
    m.label.label = label;
    return nvo_ldp_speaker_send(sp, peer, &m);
}

int
nvo_ldp_speaker_send_mapping(struct nvo_ldp_speaker *sp, uint32_t peer,
                             const struct nvo_ldp_fec *fec, uint32_t label)
{
    if (!label) {
        return EINVAL;
    }
    return send_label(sp, peer, NVO_LDP_MSG_LABEL_MAPPING, fec, label);
}

int
nvo_ldp_speaker_send_withdraw(struct nvo_ldp_speaker *sp, uint32_t peer,
                              const struct nvo_ldp_fec *fec, uint32_t label)
{
    return send_label(sp, peer, NVO_LDP_MSG_LABEL_WITHDRAW, fec, label);
}

int
nvo_ldp_speaker_send_release(struct nvo_ldp_speaker *sp, uint32_t peer,
                             const struct nvo_ldp_fec *fec, uint32_t label)
{
    return send_label(sp, peer, NVO_LDP_MSG_LABEL_RELEASE, fec, label);
}

int
nvo_ldp_speaker_send_mac_withdraw(struct nvo_ldp_speaker *sp, uint32_t peer,
                                  const struct nvo_ldp_fec *fec,
                                  const uint8_t *macs, uint16_t n)
{
    struct nvo_ldp_msg m;
    memset(&m, 0, sizeof m);
    m.type = NVO_LDP_MSG_ADDRESS_WITHDRAW;
    m.addr.has_fec = true;
    m.addr.fec = *fec;
    m.addr.has_macs = true;
    m.addr.macs.raw = macs;
    m.addr.macs.n = n;
    return nvo_ldp_speaker_send(sp, peer, &m);
}

enum nvo_ldp_state
nvo_ldp_speaker_state(const struct nvo_ldp_speaker *sp, uint32_t peer)
{
    const struct peer *pr = find_peer(sp, peer);
    return pr ? pr->state : NVO_LDP_NONEXISTENT;
}

bool
nvo_ldp_speaker_adjacent(const struct nvo_ldp_speaker *sp, uint32_t peer)
{
    const struct peer *pr = find_peer(sp, peer);
    return pr && pr->adj;
}

uint16_t
nvo_ldp_speaker_keepalive(const struct nvo_ldp_speaker *sp, uint32_t peer)
{
    const struct peer *pr = find_peer(sp, peer);
    return pr ? pr->ka : 0;
}

uint32_t
nvo_ldp_speaker_n_sessions(const struct nvo_ldp_speaker *sp)
{
    return sp->n_sessions;
}

const struct nvo_ldp_counters *
nvo_ldp_speaker_counters(const struct nvo_ldp_speaker *sp)
{
    return &sp->c;
}

struct nvo_node *
nvo_ldp_speaker_node(const struct nvo_ldp_speaker *sp)
{
    return sp->node;
}
