/* tcp.c: the control planes' small reliable transport: per-node stacks,
 * connections, the handshake, segmentation, cumulative ACKs, windows,
 * RFC 6298 retransmission and FIN / RST close, over real TCP segments.
 * See tcp.h and docs/tcp.md. */
#include "ctrl/tcp.h"

#include <errno.h>
#include <stdio.h>

#include "core/engine.h"
#include "core/mem.h"
#include "core/rng.h"
#include "fabric/net.h"
#include "wire/wire.h"

/* Sequence-number comparisons modulo 2^32 (RFC 9293 3.4). */
#define SEQ_LT(a, b) ((int32_t) ((uint32_t) (a) - (uint32_t) (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t) ((uint32_t) (a) - (uint32_t) (b)) <= 0)
#define SEQ_GT(a, b) SEQ_LT(b, a)
#define SEQ_GEQ(a, b) SEQ_LEQ(b, a)

#define EPHEMERAL_FIRST 49152u  /* IANA's dynamic range, RFC 6335 */
#define TTL 64
#define MSS_OPT_LEN 4           /* kind 2, length 4, MSS 16 bits */
#define MSS_DEFAULT4 536        /* without the option (RFC 9293 3.7.1) */
#define MSS_DEFAULT6 1220       /* IPv6 minimum MTU 1280 - 60 */

/* The demultiplexing key: local and remote address (IPv4 in the first 4
 * bytes, host order, the rest 0) and ports.  No padding. */
struct conn_key {
    uint8_t laddr[16];
    uint8_t raddr[16];
    uint16_t lport, rport;
};

/* A local port the stack uses: a listener, connections, or both. */
struct port_ent {
    nvo_tcp_accept_fn *accept;  /* NULL: not listening */
    void *ctx;
    uint32_t n_conns;
};

struct nvo_tcp_stack {
    struct nvo_node *node;
    struct nvo_net *net;
    struct nvo_engine *e;
    struct nvo_tcp_cfg cfg;
    struct nvo_rng rng;         /* "<node>/tcp-iss" */
    bool ipv6;
    bool proto_bound;           /* IP protocol 6 (rst_closed_ports) */
    GHashTable *conns;          /* struct conn_key * -> conn */
    GHashTable *ports;          /* port -> struct port_ent * */
    uint16_t next_eph;
    uint16_t ip_id;
    struct nvo_tcp_counters c;
    struct nvo_tcp_stack_counters sc;
    nvo_tcp_observer_fn *obs;
    void *obs_ctx;
};

struct nvo_tcp_conn {
    struct nvo_tcp_stack *st;
    struct conn_key key;
    int remote;
    enum nvo_tcp_state state;
    const struct nvo_tcp_ops *ops;
    void *ctx;

    uint32_t iss, irs;
    uint32_t snd_una, snd_nxt, snd_max;
    uint32_t snd_wnd, max_snd_wnd;
    uint32_t rcv_nxt;
    uint32_t mss_local;         /* advertised in our SYN */
    uint32_t mss;               /* what we send with */

    /* The send buffer: a ring of buf_len bytes from buf_head, the first
     * of which has sequence number buf_seq (the oldest unacknowledged
     * data byte). */
    uint8_t *buf;
    size_t buf_cap, buf_head, buf_len;
    uint32_t buf_seq;
    bool fin_queued;            /* closed: a FIN follows the buffer */

    /* RFC 6298. */
    nvo_time_t srtt, rttvar, rto;
    bool have_rtt;
    bool rtt_timing;            /* a segment is being timed (Karn) */
    uint32_t rtt_seq;           /* ... an ACK at or past this ends it */
    nvo_time_t rtt_start;
    uint32_t n_retx;            /* RTO expiries since the last progress */
    bool syn_timed_out;
    bool one_seg;               /* after an RTO: one segment until an ACK
                                 * of new data (go-back-N) */
    struct nvo_timer rto_timer; /* also TIME-WAIT's */
    struct nvo_timer ack_timer; /* delayed ACK */
    struct nvo_timer tx_timer;  /* the first hop's control queue full */
    bool ack_pending;
    uint32_t unacked_segs;      /* in-order data segments not ACKed yet */

    uint32_t busy;              /* stack frames using the conn */
    bool dead;                  /* unlinked; freed when busy drops to 0 */
    struct nvo_tcp_counters c;
};

/* One parsed segment. */
struct seg {
    struct conn_key key;        /* from the receiver's point of view */
    struct nvo_tcp_info t;
    const uint8_t *data;
    uint32_t len;
    uint32_t mss_opt;           /* 0: absent */
    uint32_t wire_len;
};

static nvo_mem_type mt_conn, mt_buf;

static void
mem_types__(void)
{
    static gsize done;
    if (g_once_init_enter(&done)) {
        mt_conn = nvo_mem_type_register("tcp-conn");
        mt_buf = nvo_mem_type_register("tcp-sndbuf");
        g_once_init_leave(&done, 1);
    }
}

/* ---- Configuration -------------------------------------------------------- */

void
nvo_tcp_cfg_default(struct nvo_tcp_cfg *cfg)
{
    *cfg = (struct nvo_tcp_cfg) {
        .rcv_wnd = 65535,
        .mss = 0,
        .rto_initial = NVO_SEC,
        .rto_min = 200 * NVO_MS,
        .rto_max = 120 * NVO_SEC,
        .rto_syn_fallback = 3 * NVO_SEC,
        .syn_retries = 6,
        .retries = 15,
        .delack = 0,
        .time_wait = 60 * NVO_SEC,
        .sndbuf = 4u << 20,
        .rst_closed_ports = true,
        .tos = 0xc0,
    };
}

int
nvo_tcp_cfg_check(const struct nvo_tcp_cfg *cfg, char *err, size_t err_size)
{
    const char *what = NULL;
    if (cfg->rcv_wnd < 1 || cfg->rcv_wnd > 65535) {
        what = "rcv_wnd: expected 1 to 65535 bytes (no window scaling)";
    } else if (cfg->mss > 65495) {
        what = "mss: expected 0 (from the MTU) or 1 to 65495 bytes";
    } else if (cfg->rto_min <= 0 || cfg->rto_min > cfg->rto_max) {
        what = "rto_min: expected above 0 and at most rto_max";
    } else if (cfg->rto_max > 3600 * NVO_SEC) {
        what = "rto_max: expected at most 3600 s";
    } else if (cfg->rto_initial < cfg->rto_min
               || cfg->rto_initial > cfg->rto_max) {
        what = "rto_initial: expected from rto_min to rto_max";
    } else if (cfg->rto_syn_fallback < cfg->rto_min
               || cfg->rto_syn_fallback > cfg->rto_max) {
        what = "rto_syn_fallback: expected from rto_min to rto_max";
    } else if (cfg->syn_retries > 255 || cfg->retries > 255) {
        what = "syn_retries, retries: expected 0 to 255";
    } else if (cfg->delack < 0 || cfg->delack > 500 * NVO_MS) {
        what = "delack: expected 0 to 500 ms (RFC 1122 4.2.3.2)";
    } else if (cfg->time_wait < 0 || cfg->time_wait > 3600 * NVO_SEC) {
        what = "time_wait: expected 0 to 3600 s";
    } else if (cfg->sndbuf < 1 || cfg->sndbuf > (1u << 30)) {
        what = "sndbuf: expected 1 byte to 1 GiB";
    }
    if (what) {
        if (err && err_size) {
            snprintf(err, err_size, "tcp %s", what);
        }
        return EINVAL;
    }
    return 0;
}

const char *
nvo_tcp_state_name(enum nvo_tcp_state s)
{
    switch (s) {
    case NVO_TCP_CLOSED: return "CLOSED";
    case NVO_TCP_SYN_SENT: return "SYN-SENT";
    case NVO_TCP_SYN_RCVD: return "SYN-RECEIVED";
    case NVO_TCP_ESTABLISHED: return "ESTABLISHED";
    case NVO_TCP_FIN_WAIT_1: return "FIN-WAIT-1";
    case NVO_TCP_FIN_WAIT_2: return "FIN-WAIT-2";
    case NVO_TCP_CLOSE_WAIT: return "CLOSE-WAIT";
    case NVO_TCP_CLOSING: return "CLOSING";
    case NVO_TCP_LAST_ACK: return "LAST-ACK";
    case NVO_TCP_TIME_WAIT: return "TIME-WAIT";
    }
    return "?";
}

/* ---- Keys and ports ------------------------------------------------------- */

static guint
key_hash__(gconstpointer k)
{
    const uint8_t *b = k;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof(struct conn_key); i++) {
        h = (h ^ b[i]) * 16777619u;
    }
    return h;
}

static gboolean
key_equal__(gconstpointer a, gconstpointer b)
{
    return !memcmp(a, b, sizeof(struct conn_key));
}

static void deliver__(void *ctx, struct nvo_node *n, struct nvo_pkt *p);

/* The port entry of 'port', created (and the port bound) if 'create'. */
static struct port_ent *
port_get__(struct nvo_tcp_stack *st, uint16_t port, bool create, int *error)
{
    struct port_ent *pe = g_hash_table_lookup(st->ports,
                                              GUINT_TO_POINTER(port));
    if (pe || !create) {
        return pe;
    }
    int e = nvo_node_bind_tcp(st->node, port, deliver__, st);
    if (e) {
        *error = e == EEXIST ? EADDRINUSE : e;
        return NULL;
    }
    pe = g_new0(struct port_ent, 1);
    g_hash_table_insert(st->ports, GUINT_TO_POINTER(port), pe);
    return pe;
}

/* Unbinds a port nothing uses any more. */
static void
port_put__(struct nvo_tcp_stack *st, uint16_t port)
{
    struct port_ent *pe = g_hash_table_lookup(st->ports,
                                              GUINT_TO_POINTER(port));
    if (pe && !pe->accept && !pe->n_conns) {
        nvo_node_unbind_tcp(st->node, port);
        g_hash_table_remove(st->ports, GUINT_TO_POINTER(port));
    }
}

/* ---- Counters ------------------------------------------------------------- */

#define COUNT(c, field, n) do {                                         \
        (c)->c.field += (n);                                            \
        (c)->st->c.field += (n);                                        \
    } while (0)

/* ---- Connections: life ---------------------------------------------------- */

static void rto_expire__(void *c_);
static void ack_expire__(void *c_);
static void tx_expire__(void *c_);

static struct nvo_tcp_conn *
conn_new__(struct nvo_tcp_stack *st, const struct conn_key *key, int remote)
{
    struct nvo_tcp_conn *c = nvo_mem_alloc0(&st->node->mem, mt_conn,
                                            sizeof *c);
    c->st = st;
    c->key = *key;
    c->remote = remote;
    c->rto = st->cfg.rto_initial;
    c->iss = (uint32_t) nvo_rng_next(&st->rng);
    c->snd_una = c->snd_nxt = c->snd_max = c->iss;
    c->buf_seq = c->iss + 1;
    nvo_timer_init(&c->rto_timer, st->e, rto_expire__, c);
    nvo_timer_init(&c->ack_timer, st->e, ack_expire__, c);
    nvo_timer_init(&c->tx_timer, st->e, tx_expire__, c);
    g_hash_table_insert(st->conns, &c->key, c);
    struct port_ent *pe = g_hash_table_lookup(st->ports,
                                              GUINT_TO_POINTER(key->lport));
    pe->n_conns++;
    return c;
}

static void
conn_free_mem__(struct nvo_tcp_conn *c)
{
    struct nvo_mem_acct *m = &c->st->node->mem;
    nvo_mem_free(m, mt_buf, c->buf, c->buf ? c->buf_cap : 0);
    nvo_mem_free(m, mt_conn, c, sizeof *c);
}

/* Takes the connection out of the stack: no segment or timer reaches it
 * any more; its memory goes when no one is using it. */
static void
conn_unlink__(struct nvo_tcp_conn *c)
{
    if (c->dead) {
        return;
    }
    struct nvo_tcp_stack *st = c->st;
    c->dead = true;
    c->state = NVO_TCP_CLOSED;
    nvo_timer_stop(&c->rto_timer);
    nvo_timer_stop(&c->ack_timer);
    nvo_timer_stop(&c->tx_timer);
    g_hash_table_remove(st->conns, &c->key);
    struct port_ent *pe = g_hash_table_lookup(st->ports,
                                              GUINT_TO_POINTER(c->key.lport));
    pe->n_conns--;
    port_put__(st, c->key.lport);
    if (!c->busy) {
        conn_free_mem__(c);
    }
}

static inline void
hold__(struct nvo_tcp_conn *c)
{
    c->busy++;
}

/* Returns false if the connection is gone. */
static inline bool
release__(struct nvo_tcp_conn *c)
{
    if (--c->busy == 0 && c->dead) {
        conn_free_mem__(c);
        return false;
    }
    return !c->dead;
}

/* Ends the connection with 'reason', telling the application. */
static void
conn_end__(struct nvo_tcp_conn *c, int reason)
{
    const struct nvo_tcp_ops *ops = c->ops;
    void *ctx = c->ctx;
    c->ops = NULL;
    c->state = NVO_TCP_CLOSED;
    hold__(c);
    if (ops && ops->closed) {
        ops->closed(ctx, c, reason);
    }
    conn_unlink__(c);
    release__(c);
}

/* ---- Segments out ----------------------------------------------------------- */

static uint32_t
mss_toward__(const struct nvo_tcp_stack *st, int remote)
{
    const struct nvo_node *n = st->node;
    uint32_t mtu = UINT32_MAX;
    if (remote >= 0 && (uint32_t) remote != n->index) {
        const uint16_t *ports;
        uint32_t k = nvo_net_next_hops(n, (uint32_t) remote, &ports);
        for (uint32_t i = 0; i < k; i++) {
            if (n->ports[ports[i]].mtu) {
                mtu = NVO_MIN(mtu, n->ports[ports[i]].mtu);
            }
        }
    }
    if (mtu == UINT32_MAX) {    /* no route now: the node's smallest */
        for (uint32_t i = 0; i < n->n_ports; i++) {
            if (n->ports[i].mtu) {
                mtu = NVO_MIN(mtu, n->ports[i].mtu);
            }
        }
    }
    uint32_t hdr = (st->ipv6 ? NVO_IPV6_LEN : NVO_IPV4_LEN) + NVO_TCP_LEN;
    uint32_t mss = mtu == UINT32_MAX || mtu <= hdr
                   ? (st->ipv6 ? MSS_DEFAULT6 : MSS_DEFAULT4) : mtu - hdr;
    mss = NVO_MIN(mss, 65535u);
    if (st->cfg.mss) {
        mss = NVO_MIN(mss, st->cfg.mss);
    }
    return mss;
}

/* Builds and sends one segment from key->laddr:lport to raddr:rport, its
 * data the n1 bytes at d1 then the n2 at d2; an MSS option if mss_opt. */
static void
xmit__(struct nvo_tcp_stack *st, struct nvo_tcp_conn *c,
       const struct conn_key *key, uint32_t seq, uint32_t ack, uint16_t flags,
       const uint8_t *d1, size_t n1, const uint8_t *d2, size_t n2,
       uint32_t mss_opt, bool retx)
{
    uint32_t l3_len = st->ipv6 ? NVO_IPV6_LEN : NVO_IPV4_LEN;
    uint32_t l4_hdr = NVO_TCP_LEN + (mss_opt ? MSS_OPT_LEN : 0);
    uint32_t len = (uint32_t) (n1 + n2);
    uint32_t l4_len = l4_hdr + len;
    uint32_t total = NVO_ETH_LEN + l3_len + l4_len;
    struct nvo_pkt *p = nvo_pkt_alloc(&st->net->pool, 0, total);
    uint8_t *l2 = nvo_pkt_put(p, total);
    uint8_t *l3 = l2 + NVO_ETH_LEN;
    uint8_t *l4 = l3 + l3_len;

    /* The Ethernet addresses are the first hop's: forwarding rewrites
     * them (switch.c). */
    struct nvo_eth_info eth = {
        .type = st->ipv6 ? NVO_ETH_TYPE_IPV6 : NVO_ETH_TYPE_IPV4,
    };
    memcpy(eth.src, st->node->mac, 6);
    nvo_eth_encode(l2, &eth);
    if (st->ipv6) {
        struct nvo_ipv6_info ip = {
            .tclass = st->cfg.tos, .payload_len = (uint16_t) l4_len,
            .next_hdr = NVO_IPPROTO_TCP, .hop_limit = TTL,
        };
        memcpy(ip.src, key->laddr, 16);
        memcpy(ip.dst, key->raddr, 16);
        nvo_ipv6_encode(l3, &ip);
    } else {
        struct nvo_ipv4_info ip = {
            .tos = st->cfg.tos, .tot_len = (uint16_t) (l3_len + l4_len),
            .id = st->ip_id++, .frag_off = NVO_IP_DF, .ttl = TTL,
            .proto = NVO_IPPROTO_TCP,
            .src = nvo_rd32(key->laddr), .dst = nvo_rd32(key->raddr),
        };
        nvo_ipv4_encode(l3, &ip);
    }
    uint16_t window = (uint16_t) st->cfg.rcv_wnd;
    struct nvo_tcp_info t = {
        .sport = key->lport, .dport = key->rport, .seq = seq,
        .ack = (flags & NVO_TCP_ACK) ? ack : 0, .hdr_len = (uint8_t) l4_hdr,
        .flags = flags, .window = window,
    };
    nvo_tcp_encode(l4, &t);
    if (mss_opt) {
        l4[20] = 2;
        l4[21] = MSS_OPT_LEN;
        nvo_wr16(l4 + 22, (uint16_t) mss_opt);
    }
    if (n1) {
        memcpy(l4 + l4_hdr, d1, n1);
    }
    if (n2) {
        memcpy(l4 + l4_hdr + n1, d2, n2);
    }
    nvo_wr16(l4 + 16, 0);
    nvo_wr16(l4 + 16, nvo_l4_csum(l3, NVO_IPPROTO_TCP, l4, l4_len, l4_len));

    p->tclass = NVO_TC_CONTROL;
    p->created = nvo_engine_now(st->e);
    p->l2_ofs = nvo_pkt_data_ofs(p);
    p->l3_ofs = (uint16_t) (p->l2_ofs + NVO_ETH_LEN);
    p->l4_ofs = (uint16_t) (p->l3_ofs + l3_len);

    if (c) {
        COUNT(c, segs_out, 1);
        COUNT(c, wire_bytes_out, total);
        if (len) {
            COUNT(c, data_segs_out, 1);
            COUNT(c, bytes_out, len);
        }
        if (retx) {
            COUNT(c, retx_segs, 1);
            COUNT(c, retx_bytes, len);
        }
        if (flags & NVO_TCP_RST) {
            COUNT(c, rst_out, 1);
        }
        if (flags & NVO_TCP_ACK) {
            c->ack_pending = false;
            c->unacked_segs = 0;
        }
    } else {
        st->c.segs_out++;
        st->c.wire_bytes_out += total;
        st->c.rst_out += (flags & NVO_TCP_RST) != 0;
    }
    if (st->obs) {
        struct nvo_tcp_seg_info si = {
            .seq = seq, .ack = t.ack, .flags = flags, .len = len,
            .window = window, .retransmission = retx,
        };
        st->obs(st->obs_ctx, c, &si, p);
    }
    nvo_node_send(st->node, p);
}

static void
send_ctl__(struct nvo_tcp_conn *c, uint32_t seq, uint16_t flags, bool retx)
{
    bool syn = flags & NVO_TCP_SYN;
    xmit__(c->st, c, &c->key, seq, c->rcv_nxt, flags, NULL, 0, NULL, 0,
           syn ? c->mss_local : 0, retx);
}

static void
send_ack__(struct nvo_tcp_conn *c)
{
    send_ctl__(c, c->snd_nxt, NVO_TCP_ACK, false);
}

static void
send_syn__(struct nvo_tcp_conn *c, bool retx)
{
    bool ack = c->state == NVO_TCP_SYN_RCVD;
    send_ctl__(c, c->iss, NVO_TCP_SYN | (ack ? NVO_TCP_ACK : 0), retx);
    c->snd_nxt = c->snd_max = c->iss + 1;
    if (retx) {
        c->rtt_timing = false;  /* Karn: which copy an ACK is for is moot */
    } else if (!c->rtt_timing) {
        c->rtt_timing = true;
        c->rtt_seq = c->iss + 1;
        c->rtt_start = nvo_engine_now(c->st->e);
    }
}

/* A reset answering segment 's' that belongs to no connection (RFC 9293
 * 3.10.7.1): never to a reset. */
static void
send_rst_for__(struct nvo_tcp_stack *st, struct nvo_tcp_conn *c,
               const struct seg *s)
{
    if (s->t.flags & NVO_TCP_RST) {
        return;
    }
    if (s->t.flags & NVO_TCP_ACK) {
        xmit__(st, c, &s->key, s->t.ack, 0, NVO_TCP_RST, NULL, 0, NULL, 0, 0,
               false);
    } else {
        uint32_t ack = s->t.seq + s->len
                       + ((s->t.flags & NVO_TCP_SYN) != 0)
                       + ((s->t.flags & NVO_TCP_FIN) != 0);
        xmit__(st, c, &s->key, 0, ack, NVO_TCP_RST | NVO_TCP_ACK, NULL, 0,
               NULL, 0, 0, false);
    }
}

static inline bool
outstanding__(const struct nvo_tcp_conn *c)
{
    return c->snd_una != c->snd_max;
}

static inline uint32_t
fin_seq__(const struct nvo_tcp_conn *c)
{
    return c->buf_seq + (uint32_t) c->buf_len;
}

static bool
can_send_data__(enum nvo_tcp_state s)
{
    return s == NVO_TCP_ESTABLISHED || s == NVO_TCP_CLOSE_WAIT
           || s == NVO_TCP_FIN_WAIT_1 || s == NVO_TCP_CLOSING
           || s == NVO_TCP_LAST_ACK;
}

/* True if a frame of 'frame' bytes fits in the control queue of every
 * port the node may send it out of toward the peer (the node's own
 * queue: the stack waits for room rather than drop its own segments, as
 * a host's socket waits for its NIC queue); else false and *at, when the
 * first of the full ones starts sending its next frame. */
static bool
room__(const struct nvo_tcp_conn *c, uint32_t frame, nvo_time_t *at)
{
    const struct nvo_node *n = c->st->node;
    if (c->remote < 0 || !n->up) {
        return true;
    }
    const uint16_t *ports;
    uint32_t k = nvo_net_next_hops(n, (uint32_t) c->remote, &ports);
    bool ok = true;
    for (uint32_t i = 0; i < k; i++) {
        const struct nvo_port *pt = &n->ports[ports[i]];
        if (pt->link_up && pt->q_ctrl.bytes + frame > pt->ctrl_queue_bytes) {
            nvo_time_t t = NVO_MAX(pt->busy_until,
                                   nvo_engine_now(c->st->e));
            *at = ok ? t : NVO_MIN(*at, t);
            ok = false;
        }
    }
    return ok;
}

/* Sends what the window allows from SND.NXT: data in segments of up to
 * the MSS, at once (no Nagle), with sender silly-window avoidance, and
 * the FIN after the last byte once closed. */
static void
output__(struct nvo_tcp_conn *c)
{
    if (c->dead || !can_send_data__(c->state)) {
        return;
    }
    nvo_time_t now = nvo_engine_now(c->st->e);
    for (;;) {
        uint32_t off = c->snd_nxt - c->buf_seq;
        size_t avail = off <= c->buf_len ? c->buf_len - off : 0;
        int32_t usable = (int32_t) (c->snd_una + c->snd_wnd - c->snd_nxt);
        uint32_t len = (uint32_t) NVO_MIN(avail, (size_t) c->mss);
        if (usable <= 0) {
            len = 0;
        } else if (len > (uint32_t) usable) {
            len = (uint32_t) usable;
        }
        bool fin = c->fin_queued && len == avail
                   && c->snd_nxt + len == fin_seq__(c);
        if (len == 0 && (avail || !fin)) {
            break;              /* window full, or nothing to send */
        }
        /* Silly-window avoidance (RFC 9293 3.8.6.2.1): a full segment,
         * or everything queued (every write is pushed), or half the
         * largest window the peer offered. */
        if (len < c->mss && len < avail && len < c->max_snd_wnd / 2) {
            break;
        }
        nvo_time_t at;
        uint32_t frame = NVO_ETH_LEN + NVO_TCP_LEN + len
                         + (c->st->ipv6 ? NVO_IPV6_LEN : NVO_IPV4_LEN);
        if (len && !room__(c, frame, &at)) {
            if (!nvo_timer_is_armed(&c->tx_timer)
                || nvo_timer_expiry(&c->tx_timer) > at) {
                nvo_timer_start_at(&c->tx_timer, at);
            }
            break;
        }
        bool retx = SEQ_LT(c->snd_nxt, c->snd_max);
        bool was_out = outstanding__(c);
        size_t start = (c->buf_head + off) % (c->buf_cap ? c->buf_cap : 1);
        size_t n1 = len ? NVO_MIN((size_t) len, c->buf_cap - start) : 0;
        uint16_t flags = NVO_TCP_ACK;
        if (len && len == avail) {
            flags |= NVO_TCP_PSH;
        }
        if (fin) {
            flags |= NVO_TCP_FIN;
        }
        uint32_t seq = c->snd_nxt;
        xmit__(c->st, c, &c->key, seq, c->rcv_nxt, flags,
               len ? c->buf + start : NULL, n1, c->buf, len - n1, 0, retx);
        c->snd_nxt += len + fin;
        if (SEQ_GT(c->snd_nxt, c->snd_max)) {
            c->snd_max = c->snd_nxt;
        }
        if (!retx && !c->rtt_timing) {
            c->rtt_timing = true;
            c->rtt_seq = c->snd_nxt;
            c->rtt_start = now;
        }
        if (!was_out) {         /* RFC 6298 5.1 */
            nvo_timer_start(&c->rto_timer, c->rto);
        }
        if (c->one_seg || fin) {
            break;
        }
    }
}

/* ---- RFC 6298 --------------------------------------------------------------- */

static void
rtt_sample__(struct nvo_tcp_conn *c, nvo_time_t r)
{
    const struct nvo_tcp_cfg *cfg = &c->st->cfg;
    if (!c->have_rtt) {         /* 2.2 */
        c->srtt = r;
        c->rttvar = r / 2;
        c->have_rtt = true;
    } else {                    /* 2.3, beta 1/4, alpha 1/8 */
        nvo_time_t d = c->srtt > r ? c->srtt - r : r - c->srtt;
        c->rttvar = (3 * c->rttvar + d) / 4;
        c->srtt = (7 * c->srtt + r) / 8;
    }
    /* RTO = SRTT + max(G, 4 RTTVAR), G the clock's 1 ps. */
    nvo_time_t rto = c->srtt + NVO_MAX((nvo_time_t) 1, 4 * c->rttvar);
    c->rto = NVO_MAX(cfg->rto_min, NVO_MIN(rto, cfg->rto_max));
    COUNT(c, rtt_samples, 1);
}

static void
rto_expire__(void *c_)
{
    struct nvo_tcp_conn *c = c_;
    const struct nvo_tcp_cfg *cfg = &c->st->cfg;
    if (c->state == NVO_TCP_TIME_WAIT) {
        conn_unlink__(c);
        return;
    }
    if (!outstanding__(c)) {
        return;                 /* all acknowledged since it was armed */
    }
    hold__(c);
    COUNT(c, rto_expiries, 1);
    bool syn = c->state == NVO_TCP_SYN_SENT || c->state == NVO_TCP_SYN_RCVD;
    if (c->n_retx >= (syn ? cfg->syn_retries : cfg->retries)) {
        c->st->sc.timeouts++;
        conn_end__(c, ETIMEDOUT);
        release__(c);
        return;
    }
    c->n_retx++;
    c->rto = NVO_MIN(c->rto * 2, cfg->rto_max);     /* 5.5 */
    c->rtt_timing = false;                          /* Karn */
    if (syn) {
        c->syn_timed_out = true;
        send_syn__(c, true);
    } else {
        c->snd_nxt = c->snd_una;                    /* go back */
        c->one_seg = true;
        output__(c);
    }
    nvo_timer_start(&c->rto_timer, c->rto);         /* 5.6 */
    release__(c);
}

static void
ack_expire__(void *c_)
{
    struct nvo_tcp_conn *c = c_;
    if (c->ack_pending) {
        send_ack__(c);
    }
}

static void
tx_expire__(void *c_)
{
    struct nvo_tcp_conn *c = c_;
    hold__(c);
    output__(c);
    release__(c);
}

/* ---- Segments in ------------------------------------------------------------ */

/* Parses the frame at p->data into 's'.  Returns 0 or EBADMSG. */
static int
parse__(const struct nvo_pkt *p, struct seg *s)
{
    if (p->payload_size) {
        return EBADMSG;         /* a virtual payload: not ours */
    }
    const uint8_t *d = p->data;
    size_t n = p->size;
    struct nvo_l2_info l2;
    if (nvo_l2_decode(d, n, &l2)) {
        return EBADMSG;
    }
    const uint8_t *ip = d + l2.len;
    size_t ip_len = n - l2.len;
    const uint8_t *l4;
    size_t l4_len;
    memset(&s->key, 0, sizeof s->key);
    if (l2.type == NVO_ETH_TYPE_IPV4) {
        struct nvo_ipv4_info v4;
        if (nvo_ipv4_decode(ip, ip_len, &v4) || v4.tot_len > ip_len
            || v4.proto != NVO_IPPROTO_TCP
            || (v4.frag_off & (NVO_IP_MF | NVO_IP_FRAG_OFF_MASK))
            || !nvo_ipv4_csum_ok(ip, v4.hdr_len)) {
            return EBADMSG;
        }
        nvo_wr32(s->key.laddr, v4.dst);
        nvo_wr32(s->key.raddr, v4.src);
        l4 = ip + v4.hdr_len;
        l4_len = v4.tot_len - v4.hdr_len;
    } else if (l2.type == NVO_ETH_TYPE_IPV6) {
        struct nvo_ipv6_info v6;
        uint8_t proto;
        size_t ofs;
        bool later;
        if (nvo_ipv6_decode(ip, ip_len, &v6)
            || (size_t) v6.payload_len + NVO_IPV6_LEN > ip_len
            || nvo_ipv6_skip_ext(ip, NVO_IPV6_LEN + v6.payload_len, &proto,
                                 &ofs, &later)
            || later || proto != NVO_IPPROTO_TCP) {
            return EBADMSG;
        }
        memcpy(s->key.laddr, v6.dst, 16);
        memcpy(s->key.raddr, v6.src, 16);
        l4 = ip + ofs;
        l4_len = NVO_IPV6_LEN + v6.payload_len - ofs;
    } else {
        return EBADMSG;
    }
    if (nvo_tcp_decode(l4, l4_len, &s->t)
        || nvo_l4_csum(ip, NVO_IPPROTO_TCP, l4, l4_len,
                       (uint32_t) l4_len) != 0) {
        return EBADMSG;
    }
    s->key.lport = s->t.dport;
    s->key.rport = s->t.sport;
    s->data = l4 + s->t.hdr_len;
    s->len = (uint32_t) (l4_len - s->t.hdr_len);
    s->wire_len = (uint32_t) n;
    /* Options: only MSS is read (kinds 0 end, 1 no-op). */
    s->mss_opt = 0;
    const uint8_t *o = l4 + NVO_TCP_LEN, *end = l4 + s->t.hdr_len;
    while (o < end) {
        if (o[0] == 0) {
            break;
        }
        if (o[0] == 1) {
            o++;
            continue;
        }
        if (end - o < 2 || o[1] < 2 || o[1] > end - o) {
            return EBADMSG;
        }
        if (o[0] == 2 && o[1] == MSS_OPT_LEN) {
            s->mss_opt = nvo_rd16(o + 2);
        }
        o += o[1];
    }
    return 0;
}

static void
established__(struct nvo_tcp_conn *c)
{
    c->state = NVO_TCP_ESTABLISHED;
    c->st->sc.established++;
    c->n_retx = 0;
    if (c->syn_timed_out && !c->have_rtt) {     /* RFC 6298 5.7 */
        c->rto = c->st->cfg.rto_syn_fallback;
    }
    if (c->fin_queued) {        /* closed in SYN-RECEIVED */
        c->state = NVO_TCP_FIN_WAIT_1;
    }
    if (c->ops && c->ops->established) {
        c->ops->established(c->ctx, c);
    }
}

static void
enter_time_wait__(struct nvo_tcp_conn *c)
{
    c->state = NVO_TCP_TIME_WAIT;
    nvo_timer_stop(&c->ack_timer);
    const struct nvo_tcp_ops *ops = c->ops;
    void *ctx = c->ctx;
    c->ops = NULL;
    c->st->sc.closed++;
    if (ops && ops->closed) {
        ops->closed(ctx, c, 0);
    }
    if (c->dead) {
        return;
    }
    if (c->st->cfg.time_wait == 0) {
        conn_unlink__(c);
    } else {
        nvo_timer_start(&c->rto_timer, c->st->cfg.time_wait);
    }
}

/* The ACK field of an acceptable segment in a synchronized state.
 * Returns false if the segment is to be dropped (an ACK of data not
 * sent). */
static bool
process_ack__(struct nvo_tcp_conn *c, const struct seg *s)
{
    uint32_t ack = s->t.ack;
    if (SEQ_GT(ack, c->snd_max)) {
        send_ack__(c);          /* RFC 9293 3.10.7.4, fifth check */
        return false;
    }
    c->snd_wnd = s->t.window;
    c->max_snd_wnd = NVO_MAX(c->max_snd_wnd, c->snd_wnd);
    if (!SEQ_GT(ack, c->snd_una)) {
        return true;            /* a duplicate ACK: nothing new */
    }
    /* Data bytes newly acknowledged, and the FIN. */
    uint32_t data_end = fin_seq__(c);
    size_t n = SEQ_GT(ack, data_end) ? c->buf_len
                                     : (size_t) (ack - c->buf_seq);
    if (SEQ_LT(ack, c->buf_seq)) {
        n = 0;                  /* only the SYN */
    }
    if (n) {
        c->buf_head = (c->buf_head + n) % c->buf_cap;
        c->buf_len -= n;
        c->buf_seq += (uint32_t) n;
        if (!c->buf_len) {
            nvo_mem_free(&c->st->node->mem, mt_buf, c->buf, c->buf_cap);
            c->buf = NULL;
            c->buf_cap = c->buf_head = 0;
        }
    }
    c->snd_una = ack;
    if (SEQ_LT(c->snd_nxt, ack)) {
        c->snd_nxt = ack;
    }
    if (c->rtt_timing && SEQ_GEQ(ack, c->rtt_seq)) {
        c->rtt_timing = false;
        rtt_sample__(c, nvo_engine_now(c->st->e) - c->rtt_start);
    }
    c->n_retx = 0;
    c->one_seg = false;
    if (outstanding__(c)) {     /* RFC 6298 5.3; 5.2: left to expire idle */
        nvo_timer_start(&c->rto_timer, c->rto);
    }
    bool fin_acked = c->fin_queued && SEQ_GT(ack, data_end);
    if (fin_acked) {
        switch (c->state) {
        case NVO_TCP_FIN_WAIT_1:
            c->state = NVO_TCP_FIN_WAIT_2;
            break;
        case NVO_TCP_CLOSING:
            enter_time_wait__(c);
            break;
        case NVO_TCP_LAST_ACK:
            c->st->sc.closed++;
            conn_end__(c, 0);
            return false;
        default:
            break;
        }
    }
    if (n && !c->dead && c->ops && c->ops->acked) {
        c->ops->acked(c->ctx, c, n);
    }
    return !c->dead;
}

static void
ack_now_or_later__(struct nvo_tcp_conn *c, bool now)
{
    if (c->dead || !c->ack_pending) {
        return;
    }
    nvo_time_t d = c->st->cfg.delack;
    if (now || d == 0 || c->unacked_segs >= 2) {
        send_ack__(c);
    } else if (!nvo_timer_is_armed(&c->ack_timer)) {
        nvo_timer_start(&c->ack_timer, d);
    }
}

/* A segment for a connection in a synchronized state (RFC 9293
 * 3.10.7.4, without urgent data and with in-order reception only). */
static void
input_sync__(struct nvo_tcp_conn *c, const struct seg *s)
{
    uint16_t fl = s->t.flags;
    uint32_t seq = s->t.seq;
    uint32_t len = s->len;
    bool fin = fl & NVO_TCP_FIN;
    uint32_t seg_len = len + fin + ((fl & NVO_TCP_SYN) != 0);
    uint32_t wnd = c->st->cfg.rcv_wnd;

    /* First: is it acceptable (does it touch the window)? */
    bool ok;
    if (seg_len == 0) {
        ok = seq == c->rcv_nxt
             || (SEQ_GEQ(seq, c->rcv_nxt) && SEQ_LT(seq, c->rcv_nxt + wnd));
    } else {
        uint32_t last = seq + seg_len - 1;
        ok = (SEQ_GEQ(seq, c->rcv_nxt) && SEQ_LT(seq, c->rcv_nxt + wnd))
             || (SEQ_GEQ(last, c->rcv_nxt)
                 && SEQ_LT(last, c->rcv_nxt + wnd));
    }
    if (!ok) {
        if (seg_len && SEQ_LT(seq + seg_len - 1, c->rcv_nxt)) {
            COUNT(c, dup_segs, 1);
        } else if (seg_len) {
            COUNT(c, ooo_segs, 1);
        }
        if (!(fl & NVO_TCP_RST)) {
            send_ack__(c);
            if (c->state == NVO_TCP_TIME_WAIT && fin && !c->dead) {
                nvo_timer_start(&c->rto_timer, c->st->cfg.time_wait);
            }
        }
        return;
    }
    /* Second: reset. */
    if (fl & NVO_TCP_RST) {
        COUNT(c, rst_in, 1);
        c->st->sc.resets++;
        conn_end__(c, ECONNRESET);
        return;
    }
    /* Fourth: a SYN in the window (RFC 5961 4.2: a challenge ACK). */
    if (fl & NVO_TCP_SYN) {
        send_ack__(c);
        return;
    }
    /* Fifth: the ACK field. */
    if (!(fl & NVO_TCP_ACK)) {
        return;
    }
    if (c->state == NVO_TCP_SYN_RCVD) {
        if (s->t.ack != c->iss + 1) {
            send_rst_for__(c->st, c, s);
            return;
        }
        c->snd_una = c->iss + 1;
        c->snd_wnd = s->t.window;
        c->max_snd_wnd = NVO_MAX(c->max_snd_wnd, c->snd_wnd);
        if (c->rtt_timing) {
            c->rtt_timing = false;
            rtt_sample__(c, nvo_engine_now(c->st->e) - c->rtt_start);
        }
        established__(c);
        if (c->dead) {
            return;
        }
    } else if (c->state == NVO_TCP_TIME_WAIT) {
        return;                 /* nothing new can arrive */
    } else if (!process_ack__(c, s)) {
        return;
    }

    /* Seventh: the data, in order only. */
    bool rx_ok = c->state == NVO_TCP_ESTABLISHED
                 || c->state == NVO_TCP_FIN_WAIT_1
                 || c->state == NVO_TCP_FIN_WAIT_2;
    if (len && rx_ok) {
        if (SEQ_GT(seq, c->rcv_nxt)) {
            COUNT(c, ooo_segs, 1);      /* a gap: drop, ACK what we have */
            send_ack__(c);
            output__(c);
            return;
        }
        uint32_t skip = c->rcv_nxt - seq;       /* already had these */
        uint32_t take = len - skip;
        if (take > wnd) {
            take = wnd;
            fin = false;
        }
        if (take == 0) {
            COUNT(c, dup_segs, 1);
        }
        c->rcv_nxt += take;
        c->ack_pending = true;
        c->unacked_segs++;
        COUNT(c, delivered, take);
        if (take && c->ops && c->ops->recv) {
            c->ops->recv(c->ctx, c, s->data + skip, take);
            if (c->dead) {
                return;
            }
        }
    } else if (len) {
        fin = false;            /* after the peer's FIN: ignored */
    }
    /* Eighth: the FIN.  The application hears of it first, so that a
     * close there sends its FIN with the ACK. */
    if (fin && seq + len == c->rcv_nxt && rx_ok) {
        c->rcv_nxt++;
        c->ack_pending = true;
        bool fw2 = c->state == NVO_TCP_FIN_WAIT_2;
        if (c->state == NVO_TCP_ESTABLISHED) {
            c->state = NVO_TCP_CLOSE_WAIT;
        } else if (c->state == NVO_TCP_FIN_WAIT_1) {
            c->state = NVO_TCP_CLOSING;     /* our FIN not acked yet */
        }
        if (c->ops && c->ops->eof) {
            c->ops->eof(c->ctx, c);
            if (c->dead) {
                return;
            }
        }
        output__(c);
        ack_now_or_later__(c, true);        /* a FIN at once */
        if (fw2 && !c->dead) {
            enter_time_wait__(c);
        }
        return;
    }
    output__(c);
    ack_now_or_later__(c, false);
}

static void
input_syn_sent__(struct nvo_tcp_conn *c, const struct seg *s)
{
    uint16_t fl = s->t.flags;
    if (fl & NVO_TCP_ACK) {
        if (s->t.ack != c->iss + 1) {
            send_rst_for__(c->st, c, s);        /* not for our SYN */
            return;
        }
    }
    if (fl & NVO_TCP_RST) {
        if (fl & NVO_TCP_ACK) {
            COUNT(c, rst_in, 1);
            c->st->sc.refused++;
            conn_end__(c, ECONNREFUSED);
        }
        return;
    }
    /* A SYN without ACK would be a simultaneous open, which cannot arise
     * (active opens use ephemeral ports): ignored, like anything else
     * without both SYN and ACK. */
    if (!(fl & NVO_TCP_SYN) || !(fl & NVO_TCP_ACK)) {
        return;
    }
    c->irs = s->t.seq;
    c->rcv_nxt = s->t.seq + 1;
    c->snd_una = c->iss + 1;
    c->snd_wnd = s->t.window;
    c->max_snd_wnd = c->snd_wnd;
    uint32_t peer = s->mss_opt ? s->mss_opt
                    : (c->st->ipv6 ? MSS_DEFAULT6 : MSS_DEFAULT4);
    c->mss = NVO_MAX(1u, NVO_MIN(c->mss_local, peer));
    if (c->rtt_timing) {
        c->rtt_timing = false;
        rtt_sample__(c, nvo_engine_now(c->st->e) - c->rtt_start);
    }
    /* The handshake's ACK at once (as connect() returns after it), then
     * the application, then what it queued before. */
    send_ack__(c);
    established__(c);
    if (c->dead) {
        return;
    }
    output__(c);
}

/* A SYN for a listening port: a new connection in SYN-RECEIVED. */
static void
input_listen__(struct nvo_tcp_stack *st, struct port_ent *pe,
               const struct seg *s)
{
    uint16_t fl = s->t.flags;
    if (fl & NVO_TCP_RST) {
        return;
    }
    if (fl & NVO_TCP_ACK) {
        send_rst_for__(st, NULL, s);
        return;
    }
    if (!(fl & NVO_TCP_SYN)) {
        return;
    }
    int remote = st->ipv6 ? nvo_net_addr6_node(st->net, s->key.raddr)
                          : nvo_net_addr4_node(st->net,
                                               nvo_rd32(s->key.raddr));
    struct nvo_tcp_conn *c = conn_new__(st, &s->key, remote);
    c->state = NVO_TCP_SYN_RCVD;
    c->irs = s->t.seq;
    c->rcv_nxt = s->t.seq + 1;
    c->snd_wnd = s->t.window;
    c->max_snd_wnd = c->snd_wnd;
    c->mss_local = mss_toward__(st, remote);
    uint32_t peer = s->mss_opt ? s->mss_opt
                    : (st->ipv6 ? MSS_DEFAULT6 : MSS_DEFAULT4);
    c->mss = NVO_MAX(1u, NVO_MIN(c->mss_local, peer));
    COUNT(c, segs_in, 1);
    COUNT(c, wire_bytes_in, s->wire_len);
    hold__(c);
    if (!pe->accept(pe->ctx, c, remote)) {
        st->sc.refused++;
        send_rst_for__(st, c, s);
        conn_unlink__(c);
        release__(c);
        return;
    }
    if (release__(c)) {
        st->sc.passive_opens++;
        send_syn__(c, false);
        nvo_timer_start(&c->rto_timer, c->rto);
    }
}

/* Every TCP segment for the node that reaches the stack (its ports, and
 * with rst_closed_ports every port without a binding). */
static void
deliver__(void *ctx, struct nvo_node *n, struct nvo_pkt *p)
{
    struct nvo_tcp_stack *st = ctx;
    (void) n;
    struct seg s;
    if (parse__(p, &s)) {
        st->c.bad_segs++;
        nvo_pkt_free(p);
        return;
    }
    struct nvo_tcp_conn *c = g_hash_table_lookup(st->conns, &s.key);
    if (!c) {
        struct port_ent *pe = g_hash_table_lookup(
            st->ports, GUINT_TO_POINTER(s.key.lport));
        if (pe && pe->accept) {
            input_listen__(st, pe, &s);
        } else {
            st->sc.no_conn++;
            st->c.segs_in++;
            st->c.wire_bytes_in += s.wire_len;
            send_rst_for__(st, NULL, &s);
        }
        nvo_pkt_free(p);
        return;
    }
    hold__(c);
    COUNT(c, segs_in, 1);
    COUNT(c, wire_bytes_in, s.wire_len);
    if (s.len) {
        COUNT(c, data_segs_in, 1);
        COUNT(c, bytes_in, s.len);
    }
    if (c->state == NVO_TCP_SYN_SENT) {
        input_syn_sent__(c, &s);
    } else if (c->state == NVO_TCP_SYN_RCVD && (s.t.flags & NVO_TCP_SYN)
               && !(s.t.flags & (NVO_TCP_ACK | NVO_TCP_RST))
               && s.t.seq == c->irs) {
        send_syn__(c, true);    /* the peer's SYN again: SYN-ACK again */
    } else {
        input_sync__(c, &s);
    }
    release__(c);
    nvo_pkt_free(p);
}

/* ---- Stack ------------------------------------------------------------------ */

int
nvo_tcp_stack_create(struct nvo_node *node, const struct nvo_tcp_cfg *cfg,
                     struct nvo_tcp_stack **out)
{
    struct nvo_tcp_cfg def;
    if (!cfg) {
        nvo_tcp_cfg_default(&def);
        cfg = &def;
    }
    if (nvo_tcp_cfg_check(cfg, NULL, 0)) {
        return EINVAL;
    }
    mem_types__();
    struct nvo_tcp_stack *st = g_new0(struct nvo_tcp_stack, 1);
    st->node = node;
    st->net = node->net;
    st->e = node->net->engine;
    st->cfg = *cfg;
    st->ipv6 = node->net->cfg.ipv6;
    char name[256];
    snprintf(name, sizeof name, "%s/tcp-iss", node->name);
    nvo_rng_init(&st->rng, st->net->cfg.seed, st->net->cfg.run, name);
    st->conns = g_hash_table_new(key_hash__, key_equal__);
    st->ports = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                      g_free);
    st->next_eph = EPHEMERAL_FIRST;
    if (cfg->rst_closed_ports) {
        int e = nvo_node_bind_ip(node, NVO_IPPROTO_TCP, deliver__, st);
        if (e) {
            g_hash_table_destroy(st->conns);
            g_hash_table_destroy(st->ports);
            g_free(st);
            return e;
        }
        st->proto_bound = true;
    }
    *out = st;
    return 0;
}

void
nvo_tcp_stack_destroy(struct nvo_tcp_stack *st)
{
    if (!st) {
        return;
    }
    GList *conns = g_hash_table_get_values(st->conns);
    for (GList *l = conns; l; l = l->next) {
        struct nvo_tcp_conn *c = l->data;
        c->ops = NULL;
        conn_unlink__(c);
    }
    g_list_free(conns);
    GList *ports = g_hash_table_get_keys(st->ports);
    for (GList *l = ports; l; l = l->next) {
        nvo_node_unbind_tcp(st->node, (uint16_t) GPOINTER_TO_UINT(l->data));
    }
    g_list_free(ports);
    if (st->proto_bound) {
        nvo_node_unbind_ip(st->node, NVO_IPPROTO_TCP);
    }
    g_hash_table_destroy(st->conns);
    g_hash_table_destroy(st->ports);
    g_free(st);
}

const struct nvo_tcp_cfg *
nvo_tcp_stack_cfg(const struct nvo_tcp_stack *st)
{
    return &st->cfg;
}

struct nvo_node *
nvo_tcp_stack_node(const struct nvo_tcp_stack *st)
{
    return st->node;
}

const struct nvo_tcp_counters *
nvo_tcp_stack_counters(const struct nvo_tcp_stack *st)
{
    return &st->c;
}

const struct nvo_tcp_stack_counters *
nvo_tcp_stack_conn_counters(const struct nvo_tcp_stack *st)
{
    return &st->sc;
}

uint32_t
nvo_tcp_stack_n_conns(const struct nvo_tcp_stack *st)
{
    return g_hash_table_size(st->conns);
}

uint32_t
nvo_tcp_stack_n_pending(const struct nvo_tcp_stack *st)
{
    uint32_t n = 0;
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, st->conns);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        const struct nvo_tcp_conn *c = v;
        n += !c->dead && (c->buf_len > 0 || c->state == NVO_TCP_SYN_SENT
                          || c->state == NVO_TCP_SYN_RCVD);
    }
    return n;
}

void
nvo_tcp_stack_set_observer(struct nvo_tcp_stack *st, nvo_tcp_observer_fn *fn,
                           void *ctx)
{
    st->obs = fn;
    st->obs_ctx = fn ? ctx : NULL;
}

int
nvo_tcp_listen(struct nvo_tcp_stack *st, uint16_t port,
               nvo_tcp_accept_fn *accept, void *ctx)
{
    if (!port || !accept) {
        return EINVAL;
    }
    struct port_ent *pe = port_get__(st, port, false, NULL);
    if (pe && pe->accept) {
        return EADDRINUSE;
    }
    int error = 0;
    if (!pe && !(pe = port_get__(st, port, true, &error))) {
        return error;
    }
    pe->accept = accept;
    pe->ctx = ctx;
    return 0;
}

int
nvo_tcp_unlisten(struct nvo_tcp_stack *st, uint16_t port)
{
    struct port_ent *pe = port_get__(st, port, false, NULL);
    if (!pe || !pe->accept) {
        return ENOENT;
    }
    pe->accept = NULL;
    pe->ctx = NULL;
    port_put__(st, port);
    return 0;
}

int
nvo_tcp_connect(struct nvo_tcp_stack *st, uint32_t remote, uint16_t port,
                const struct nvo_tcp_ops *ops, void *ctx,
                struct nvo_tcp_conn **out)
{
    if (remote >= nvo_net_n_nodes(st->net) || remote == st->node->index
        || !port) {
        return EINVAL;
    }
    uint16_t lport = 0;
    for (uint32_t k = 0; k < 65536u - EPHEMERAL_FIRST; k++) {
        uint16_t p = st->next_eph;
        st->next_eph = p == 65535 ? EPHEMERAL_FIRST : (uint16_t) (p + 1);
        if (!g_hash_table_lookup(st->ports, GUINT_TO_POINTER(p))
            && !nvo_node_binding(st->node, NVO_BIND_TCP, p)) {
            lport = p;
            break;
        }
    }
    int error = 0;
    if (!lport || !port_get__(st, lport, true, &error)) {
        return EADDRNOTAVAIL;
    }
    struct conn_key key;
    memset(&key, 0, sizeof key);
    if (st->ipv6) {
        nvo_net_node_addr6(st->net, st->node->index, 0, key.laddr);
        nvo_net_node_addr6(st->net, remote, 0, key.raddr);
    } else {
        nvo_wr32(key.laddr, nvo_net_node_addr4(st->net, st->node->index, 0));
        nvo_wr32(key.raddr, nvo_net_node_addr4(st->net, remote, 0));
    }
    key.lport = lport;
    key.rport = port;
    struct nvo_tcp_conn *c = conn_new__(st, &key, (int) remote);
    c->ops = ops;
    c->ctx = ctx;
    c->state = NVO_TCP_SYN_SENT;
    c->mss_local = mss_toward__(st, (int) remote);
    c->mss = c->mss_local;
    st->sc.active_opens++;
    send_syn__(c, false);
    nvo_timer_start(&c->rto_timer, c->rto);
    *out = c;
    return 0;
}

void
nvo_tcp_conn_set_ops(struct nvo_tcp_conn *c, const struct nvo_tcp_ops *ops,
                     void *ctx)
{
    c->ops = ops;
    c->ctx = ctx;
}

int
nvo_tcp_send(struct nvo_tcp_conn *c, const void *data, size_t len)
{
    if (c->dead || c->fin_queued
        || (c->state != NVO_TCP_SYN_SENT && c->state != NVO_TCP_SYN_RCVD
            && c->state != NVO_TCP_ESTABLISHED
            && c->state != NVO_TCP_CLOSE_WAIT)) {
        return EPIPE;
    }
    if (len > c->st->cfg.sndbuf - c->buf_len) {
        return ENOBUFS;
    }
    if (!len) {
        return 0;
    }
    if (c->buf_len + len > c->buf_cap) {
        /* From 256 bytes, doubling: a control-plane session queues a few
         * small messages at a time, and at 500,000 sessions a 4 KiB
         * floor was most of a run's memory (docs/performance.md). */
        size_t cap = NVO_MAX(c->buf_cap * 2, (size_t) 256);
        while (cap < c->buf_len + len) {
            cap *= 2;
        }
        uint8_t *nb = nvo_mem_alloc(&c->st->node->mem, mt_buf, cap);
        if (c->buf_len) {
            size_t n1 = NVO_MIN(c->buf_len, c->buf_cap - c->buf_head);
            memcpy(nb, c->buf + c->buf_head, n1);
            memcpy(nb + n1, c->buf, c->buf_len - n1);
        }
        nvo_mem_free(&c->st->node->mem, mt_buf, c->buf,
                     c->buf ? c->buf_cap : 0);
        c->buf = nb;
        c->buf_cap = cap;
        c->buf_head = 0;
    }
    size_t tail = (c->buf_head + c->buf_len) % c->buf_cap;
    size_t n1 = NVO_MIN(len, c->buf_cap - tail);
    memcpy(c->buf + tail, data, n1);
    memcpy(c->buf, (const uint8_t *) data + n1, len - n1);
    c->buf_len += len;
    hold__(c);
    output__(c);
    release__(c);
    return 0;
}

size_t
nvo_tcp_send_space(const struct nvo_tcp_conn *c)
{
    return c->st->cfg.sndbuf - c->buf_len;
}

int
nvo_tcp_close(struct nvo_tcp_conn *c)
{
    if (c->dead || c->fin_queued) {
        return EPIPE;
    }
    switch (c->state) {
    case NVO_TCP_SYN_SENT:
        c->ops = NULL;
        conn_unlink__(c);
        return 0;
    case NVO_TCP_SYN_RCVD:
        c->fin_queued = true;   /* sent once established */
        return 0;
    case NVO_TCP_ESTABLISHED:
        c->state = NVO_TCP_FIN_WAIT_1;
        break;
    case NVO_TCP_CLOSE_WAIT:
        c->state = NVO_TCP_LAST_ACK;
        break;
    default:
        return EPIPE;
    }
    c->fin_queued = true;
    hold__(c);
    output__(c);
    release__(c);
    return 0;
}

void
nvo_tcp_abort(struct nvo_tcp_conn *c)
{
    if (c->dead) {
        return;
    }
    if (c->state != NVO_TCP_SYN_SENT && c->state != NVO_TCP_CLOSED
        && c->state != NVO_TCP_TIME_WAIT) {
        send_ctl__(c, c->snd_nxt, NVO_TCP_RST | NVO_TCP_ACK, false);
    }
    c->ops = NULL;
    conn_unlink__(c);
}

enum nvo_tcp_state
nvo_tcp_conn_state(const struct nvo_tcp_conn *c)
{
    return c->state;
}

const struct nvo_tcp_counters *
nvo_tcp_conn_counters(const struct nvo_tcp_conn *c)
{
    return &c->c;
}

struct nvo_tcp_stack *
nvo_tcp_conn_stack(const struct nvo_tcp_conn *c)
{
    return c->st;
}

int
nvo_tcp_conn_remote(const struct nvo_tcp_conn *c)
{
    return c->remote;
}

uint16_t
nvo_tcp_conn_local_port(const struct nvo_tcp_conn *c)
{
    return c->key.lport;
}

uint16_t
nvo_tcp_conn_remote_port(const struct nvo_tcp_conn *c)
{
    return c->key.rport;
}

uint32_t
nvo_tcp_conn_mss(const struct nvo_tcp_conn *c)
{
    return c->mss;
}

nvo_time_t
nvo_tcp_conn_rto(const struct nvo_tcp_conn *c)
{
    return c->rto;
}

nvo_time_t
nvo_tcp_conn_srtt(const struct nvo_tcp_conn *c)
{
    return c->srtt;
}

nvo_time_t
nvo_tcp_conn_rttvar(const struct nvo_tcp_conn *c)
{
    return c->rttvar;
}

uint32_t
nvo_tcp_conn_in_flight(const struct nvo_tcp_conn *c)
{
    return c->snd_max - c->snd_una;
}

uint32_t
nvo_tcp_conn_snd_wnd(const struct nvo_tcp_conn *c)
{
    return c->snd_wnd;
}
