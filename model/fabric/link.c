/* link.c: ports with strict-priority control queue and drop-tail data
 * queue, serialization at the link rate, propagation delay, MTU and
 * link-down drops.  See link.h. */
#include "fabric/link.h"

#include <assert.h>
#include <errno.h>

#include <glib.h>

#include "fabric/node.h"
#include "wire/hdrs.h"

const char *
nvo_drop_reason_name(enum nvo_drop_reason r)
{
    switch (r) {
    case NVO_DROP_QUEUE: return "queue";
    case NVO_DROP_MTU: return "mtu";
    case NVO_DROP_LINK_DOWN: return "link-down";
    case NVO_DROP_N: break;
    }
    return "?";
}

void
nvo_link_cfg_default(struct nvo_link_cfg *cfg)
{
    cfg->rate_bps = 10000000000ull;
    cfg->delay = NVO_US;
    cfg->mtu = 1500;
    cfg->queue_bytes = 1 << 20;
    cfg->ctrl_queue_bytes = 64 << 10;
    cfg->framing = 24;
}

static inline void
fifo_push(struct nvo_fifo *q, struct nvo_pkt *p)
{
    p->next = NULL;
    if (q->tail) {
        q->tail->next = p;
    } else {
        q->head = p;
    }
    q->tail = p;
    q->n++;
    q->bytes += nvo_pkt_len(p);
}

static inline struct nvo_pkt *
fifo_pop(struct nvo_fifo *q)
{
    struct nvo_pkt *p = q->head;
    if (p) {
        q->head = p->next;
        if (!q->head) {
            q->tail = NULL;
        }
        p->next = NULL;
        q->n--;
        q->bytes -= nvo_pkt_len(p);
    }
    return p;
}

void
nvo_port_init(struct nvo_port *port, struct nvo_engine *engine, void *ctx,
              const char *node_name, uint32_t index, nvo_port_rx_fn *rx)
{
    memset(port, 0, sizeof *port);
    port->engine = engine;
    port->ctx = ctx;
    port->node_name = node_name;
    port->index = index;
    port->rx = rx;
}

/* Tells the port's taps that asked for 'mask' of event 'ev'. */
static void
tap__(const struct nvo_port *port, unsigned mask, enum nvo_tap_event ev,
      nvo_time_t now, const struct nvo_pkt *p, const char *reason)
{
    for (uint32_t i = 0; i < port->n_taps; i++) {
        const struct nvo_port_tap *t = &port->taps[i];
        if (t->mask & mask) {
            t->fn(t->ctx, ev, now, port, p, reason);
        }
    }
}

void
nvo_port_add_tap(struct nvo_port *port, nvo_port_tap_fn *fn, void *ctx,
                 unsigned mask)
{
    port->taps = g_renew(struct nvo_port_tap, port->taps, port->n_taps + 1);
    port->taps[port->n_taps++] = (struct nvo_port_tap) {
        .fn = fn, .ctx = ctx, .mask = mask & NVO_TAP_MASK_ALL,
    };
    port->tap_mask |= mask & NVO_TAP_MASK_ALL;
}

uint32_t
nvo_port_remove_tap(struct nvo_port *port, nvo_port_tap_fn *fn,
                    const void *ctx)
{
    uint32_t kept = 0, removed = 0;
    port->tap_mask = 0;
    for (uint32_t i = 0; i < port->n_taps; i++) {
        struct nvo_port_tap t = port->taps[i];
        if (t.fn == fn && t.ctx == ctx) {
            removed++;
        } else {
            port->taps[kept++] = t;
            port->tap_mask |= t.mask;
        }
    }
    port->n_taps = kept;
    if (!kept) {
        g_free(port->taps);
        port->taps = NULL;
    }
    return removed;
}

static void
drop__(struct nvo_port *port, struct nvo_pkt *p, enum nvo_drop_reason r)
{
    port->st.drop_frames[r]++;
    port->st.drop_bytes[r] += nvo_pkt_len(p);
    if (port->tap_mask & NVO_TAP_MASK_DROP) {
        tap__(port, NVO_TAP_MASK_DROP, NVO_TAP_DROP,
              nvo_engine_now(port->engine), p, nvo_drop_reason_name(r));
    }
    if (port->node) {
        nvo_node_drop_seen(port->node, p, NVO_DROP_SITE_PORT, (int) r);
    }
    nvo_pkt_free(p);
}

static void
drop_fifo__(struct nvo_port *port, struct nvo_fifo *q)
{
    struct nvo_pkt *p;
    while ((p = fifo_pop(q))) {
        drop__(port, p, NVO_DROP_LINK_DOWN);
    }
}

void
nvo_port_destroy(struct nvo_port *port)
{
    struct nvo_pkt *p;
    while ((p = fifo_pop(&port->q_ctrl))) {
        nvo_pkt_free(p);
    }
    while ((p = fifo_pop(&port->q_data))) {
        nvo_pkt_free(p);
    }
    while ((p = fifo_pop(&port->wire))) {
        nvo_pkt_free(p);
    }
    g_free(port->taps);
    port->taps = NULL;
    port->n_taps = 0;
    port->tap_mask = 0;
}

int
nvo_link_connect(struct nvo_link *link, struct nvo_port *a,
                 struct nvo_port *b, const struct nvo_link_cfg *cfg)
{
    if (!cfg->rate_bps || !cfg->mtu || cfg->delay < 0
        || cfg->queue_bytes < (uint64_t) cfg->mtu + 18
        || cfg->ctrl_queue_bytes < (uint64_t) cfg->mtu + 18
        || a->link || b->link || a == b) {
        return EINVAL;
    }
    link->cfg = *cfg;
    link->a = a;
    link->b = b;
    link->up = true;
    a->link = b->link = link;
    a->peer = b;
    b->peer = a;
    for (int i = 0; i < 2; i++) {
        struct nvo_port *port = i ? b : a;
        port->link_up = true;
        port->mtu = cfg->mtu;
        port->framing = cfg->framing;
        port->queue_bytes = cfg->queue_bytes;
        port->ctrl_queue_bytes = cfg->ctrl_queue_bytes;
        port->rate_bps = cfg->rate_bps;
        port->delay = cfg->delay;
        uint64_t bit8 = 8 * (uint64_t) NVO_SEC;
        port->ps_per_byte = bit8 % cfg->rate_bps == 0
                            && bit8 / cfg->rate_bps < (UINT64_C(1) << 31)
                            ? bit8 / cfg->rate_bps : 0;
    }
    return 0;
}

static void tx_done__(void *port_);
static void arrive__(void *port_);

/* Starts sending the next queued frame, if any (the port is not busy). */
static void
tx_start__(struct nvo_port *port)
{
    struct nvo_pkt *p = fifo_pop(&port->q_ctrl);
    if (!p) {
        p = fifo_pop(&port->q_data);
    }
    if (!p) {
        if (port->on_idle && port->link_up) {
            port->on_idle(port);    /* may send: re-enters tx_start__ */
        }
        return;
    }
    nvo_time_t now = nvo_engine_now(port->engine);
    nvo_time_t wait = now - p->stamp;
    port->st.n_qdelay++;
    port->st.qdelay_sum += wait;
    if (wait > port->st.qdelay_max) {
        port->st.qdelay_max = wait;
    }
    if (port->tap_mask & NVO_TAP_MASK_SEND) {
        tap__(port, NVO_TAP_MASK_SEND, NVO_TAP_SEND, now, p, NULL);
    }
    /* The same as nvo_tx_time() (exact: the rate divides 8 s), without
     * its 128-bit division, for frames below 4 GiB. */
    uint64_t bytes = (uint64_t) nvo_pkt_len(p) + port->framing;
    nvo_time_t tx = port->ps_per_byte && bytes <= UINT32_MAX
                    ? (nvo_time_t) (bytes * port->ps_per_byte)
                    : nvo_tx_time(bytes, port->rate_bps);
    port->st.busy_time += tx;
    port->busy_until = nvo_time_add_sat(now, tx);
    enum nvo_tclass tc = p->tclass;
    port->st.tx_frames[tc]++;
    port->st.tx_bytes[tc] += nvo_pkt_len(p);
    fifo_push(&port->wire, p);
    /* The arrival's argument is the frame, so that the engine's prefetch
     * of the next event's argument brings the frame in; the frame names
     * its port. */
    p->holder = port;
    p->event = nvo_engine_schedule_at(port->engine,
                                      nvo_time_add_sat(port->busy_until,
                                                       port->delay),
                                      arrive__, p);
    if (port->q_ctrl.head || port->q_data.head || port->on_idle) {
        port->tx_event = nvo_engine_schedule_at(port->engine,
                                                port->busy_until,
                                                tx_done__, port);
    }
}

static void
tx_done__(void *port_)
{
    struct nvo_port *port = port_;
    port->tx_event = NVO_EVENT_NONE;
    tx_start__(port);
}

static void
arrive__(void *p_)
{
    struct nvo_pkt *p = p_;
    struct nvo_port *port = p->holder;
    struct nvo_port *peer = port->peer;
    __builtin_prefetch(p->data);        /* the receive parses it next */
    __builtin_prefetch(&peer->st.rx_frames[p->tclass], 1);
    /* Frames arrive in the order they were sent: one delay, one
     * serialization after the other. */
    assert(port->wire.head == p);
    fifo_pop(&port->wire);
    p->holder = NULL;
    enum nvo_tclass tc = p->tclass;
    peer->st.rx_frames[tc]++;
    peer->st.rx_bytes[tc] += nvo_pkt_len(p);
    nvo_time_t now = nvo_engine_now(port->engine);
    if (peer->tap_mask & NVO_TAP_MASK_RECEIVE) {
        tap__(peer, NVO_TAP_MASK_RECEIVE, NVO_TAP_RECEIVE, now, p, NULL);
    }
    p->in_port = (uint16_t) peer->index;
    peer->rx(peer, p);
}

bool
nvo_port_send(struct nvo_port *port, struct nvo_pkt *p)
{
    /* Bytes of the frame's L2 header: 14, plus 4 per 802.1Q/802.1ad tag. */
    return nvo_port_send_l2(port, p, nvo_hdrs_l2_len(p->data, p->size));
}

bool
nvo_port_send_l2(struct nvo_port *port, struct nvo_pkt *p, uint32_t l2_len)
{
    if (!port->link_up) {       /* not connected, or down */
        drop__(port, p, NVO_DROP_LINK_DOWN);
        return false;
    }
    uint32_t len = nvo_pkt_len(p);
    if (len - l2_len > port->mtu) {
        drop__(port, p, NVO_DROP_MTU);
        return false;
    }
    bool ctrl = p->tclass == NVO_TC_CONTROL;
    struct nvo_fifo *q = ctrl ? &port->q_ctrl : &port->q_data;
    uint64_t limit = ctrl ? port->ctrl_queue_bytes : port->queue_bytes;
    if (q->bytes + len > limit) {
        drop__(port, p, NVO_DROP_QUEUE);
        return false;
    }
    nvo_time_t now = nvo_engine_now(port->engine);
    p->stamp = now;
    fifo_push(q, p);
    if (!ctrl && q->bytes > port->st.max_queue_bytes) {
        port->st.max_queue_bytes = q->bytes;
    }
    if (port->tap_mask & NVO_TAP_MASK_ENQUEUE) {
        tap__(port, NVO_TAP_MASK_ENQUEUE, NVO_TAP_ENQUEUE, now, p, NULL);
    }
    if (port->tx_event == NVO_EVENT_NONE) {
        if (now >= port->busy_until) {
            tx_start__(port);
        } else {
            port->tx_event = nvo_engine_schedule_at(port->engine,
                                                    port->busy_until,
                                                    tx_done__, port);
        }
    }
    return true;
}

static void
port_down__(struct nvo_port *port)
{
    drop_fifo__(port, &port->q_ctrl);
    drop_fifo__(port, &port->q_data);
    /* The frame being serialized is already on the wire FIFO.  Its
     * serialization is cut short: only the part sent counts as busy time,
     * and it does not count as sent. */
    nvo_time_t now = nvo_engine_now(port->engine);
    if (now < port->busy_until && port->wire.tail) {
        struct nvo_pkt *cut = port->wire.tail;
        port->st.busy_time -= port->busy_until - now;
        port->st.tx_frames[cut->tclass]--;
        port->st.tx_bytes[cut->tclass] -= nvo_pkt_len(cut);
    }
    nvo_engine_cancel(port->engine, port->tx_event);
    port->tx_event = NVO_EVENT_NONE;
    port->busy_until = now;
    /* Frames on the wire are lost: their arrivals will not happen. */
    for (struct nvo_pkt *p = port->wire.head; p; p = p->next) {
        nvo_engine_cancel(port->engine, p->event);
    }
    drop_fifo__(port, &port->wire);
}

void
nvo_link_set_up(struct nvo_link *link, bool up)
{
    if (link->up == up) {
        return;
    }
    link->up = up;
    link->a->link_up = link->b->link_up = up;
    if (!up) {
        port_down__(link->a);
        port_down__(link->b);
    } else {
        /* Sources that feed a port at line rate resume. */
        if (link->a->on_idle && nvo_port_is_idle(link->a)) {
            link->a->on_idle(link->a);
        }
        if (link->b->on_idle && nvo_port_is_idle(link->b)) {
            link->b->on_idle(link->b);
        }
    }
}

uint64_t
nvo_port_queued_frames(const struct nvo_port *port)
{
    return port->q_ctrl.n + port->q_data.n
           + (nvo_engine_now(port->engine) < port->busy_until);
}

double
nvo_port_mean_qdelay(const struct nvo_port *port)
{
    return port->st.n_qdelay
           ? (double) port->st.qdelay_sum / (double) port->st.n_qdelay : 0;
}
