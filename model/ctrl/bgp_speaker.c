/* bgp_speaker.c: the BGP speaker of ctrl/bgp_speaker.h: configuration,
 * sessions and their FSM over ctrl/tcp (OPEN, KEEPALIVE, hold and
 * connect-retry timers, NOTIFICATION), message framing, the processing
 * delay, UPDATE and ROUTE-REFRESH processing, the imported route
 * targets (RT-constrain), the life cycle and the queries.  The RIBs, the
 * decision and advertisement are in ctrl/bgp_rib.c. */
#include "ctrl/bgp_speaker_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fabric/net.h"
#include "wire/bgp_nlri.h"

/* RFC 4271 8.2.2: the hold timer in OpenSent, "a large value" (4 min). */
#define OPEN_SENT_HOLD (240 * NVO_SEC)

static const struct nvo_tcp_ops conn_ops;
static const struct nvo_tcp_ops detached_ops = { 0 };

/* ---- Configuration ------------------------------------------------------ */

void
nvo_bgp_speaker_cfg_default(struct nvo_bgp_speaker_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->asn = 65000;
    cfg->hold_time = 180 * NVO_SEC;
    cfg->keepalive = 60 * NVO_SEC;
    cfg->connect_retry = 120 * NVO_SEC;
    cfg->mrai = 0;
    cfg->proc_delay = 0;
}

static int
cfg_fail__(char *err, size_t err_size, const char *fmt, ...)
{
    if (err && err_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, err_size, fmt, ap);
        va_end(ap);
    }
    return EINVAL;
}

int
nvo_bgp_speaker_cfg_check(const struct nvo_bgp_speaker_cfg *c, char *err,
                          size_t err_size)
{
    if (c->asn == 0) {
        return cfg_fail__(err, err_size, "asn: must be 1 .. 4294967295");
    }
    if (c->hold_time < 0 || c->hold_time % NVO_SEC
        || (c->hold_time && c->hold_time < 3 * NVO_SEC)
        || c->hold_time > 65535 * NVO_SEC) {
        return cfg_fail__(err, err_size, "hold_time: must be 0 or 3 .. "
                          "65535 s, whole seconds (RFC 4271 4.2)");
    }
    if (c->hold_time
        && (c->keepalive <= 0 || c->keepalive > c->hold_time / 3)) {
        return cfg_fail__(err, err_size, "keepalive: must be > 0 and at "
                          "most hold_time / 3 (RFC 4271 10)");
    }
    if (c->keepalive < 0) {
        return cfg_fail__(err, err_size, "keepalive: must be >= 0");
    }
    if (c->connect_retry <= 0) {
        return cfg_fail__(err, err_size, "connect_retry: must be > 0");
    }
    if (c->mrai < 0) {
        return cfg_fail__(err, err_size, "mrai: must be >= 0");
    }
    if (c->proc_delay < 0) {
        return cfg_fail__(err, err_size, "proc_delay: must be >= 0");
    }
    if (c->cluster_id && !c->is_rr) {
        return cfg_fail__(err, err_size, "cluster_id: only for a route "
                          "reflector (is_rr)");
    }
    return 0;
}

const char *
nvo_bgp_state_name(enum nvo_bgp_state s)
{
    static const char *const names[] = {
        "Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
    };
    return (unsigned) s < NVO_ARRAY_SIZE(names) ? names[s] : "?";
}

uint64_t
nvo_bgp_counters_msgs_out(const struct nvo_bgp_counters *c)
{
    uint64_t n = 0;
    for (int i = 0; i < NVO_BGP_N_TYPES; i++) {
        n += c->msgs_out[i];
    }
    return n;
}

uint64_t
nvo_bgp_counters_bytes_out(const struct nvo_bgp_counters *c)
{
    uint64_t n = 0;
    for (int i = 0; i < NVO_BGP_N_TYPES; i++) {
        n += c->bytes_out[i];
    }
    return n;
}

/* ---- Sending ------------------------------------------------------------ */

static void
count_msg(struct nvo_bgp_counters *c, bool out, uint8_t type, size_t len)
{
    uint8_t t = type < NVO_BGP_N_TYPES ? type : 0;
    if (out) {
        c->msgs_out[t]++;
        c->bytes_out[t] += len;
    } else {
        c->msgs_in[t]++;
        c->bytes_in[t] += len;
    }
}

void
nvo_bgp_send_msg__(struct peer *p, const uint8_t *msg, size_t len)
{
    struct nvo_bgp_speaker *s = p->spk;
    if (!p->conn) {
        return;
    }
    uint8_t type = msg[18];
    count_msg(&p->c, true, type, len);
    count_msg(&s->c, true, type, len);
    if (s->obs) {
        s->obs(s->obs_ctx, s, p->node, true, nvo_engine_now(s->e), msg, len);
    }
    /* RFC 4271 4.4: the KeepaliveTimer restarts on each KEEPALIVE or
     * UPDATE sent. */
    if ((type == NVO_BGP_KEEPALIVE || type == NVO_BGP_UPDATE)
        && p->keepalive && nvo_timer_is_armed(&p->t_keepalive)) {
        nvo_timer_start(&p->t_keepalive, p->keepalive);
    }
    if (p->outq->len == 0 && nvo_tcp_send(p->conn, msg, len) == 0) {
        return;
    }
    g_byte_array_append(p->outq, msg, (guint) len);
}

/* Hands TCP what its send buffer takes of the queue.  The bytes handed
 * over are dropped from the front by moving p->outq_head; the array is
 * compacted only when the head is past half of it (a reflector's queue to
 * the other reflector holds tens of MiB at the start: removing each
 * acknowledged window's worth from the front moved all the rest). */
static void
outq_push(struct peer *p)
{
    while (p->conn && p->outq->len > p->outq_head) {
        size_t n = NVO_MIN((size_t) (p->outq->len - p->outq_head),
                           nvo_tcp_send_space(p->conn));
        if (n == 0
            || nvo_tcp_send(p->conn, p->outq->data + p->outq_head, n) != 0) {
            break;
        }
        p->outq_head += n;
    }
    if (p->outq_head == p->outq->len) {
        g_byte_array_set_size(p->outq, 0);
        p->outq_head = 0;
    } else if (p->outq_head > p->outq->len / 2) {
        g_byte_array_remove_range(p->outq, 0, (guint) p->outq_head);
        p->outq_head = 0;
    }
}

static void
send_keepalive(struct peer *p)
{
    uint8_t m[NVO_BGP_HDR_LEN];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(m, sizeof m);
    size_t n = nvo_bgp_keepalive_encode(&b);
    nvo_bgp_send_msg__(p, m, n);
}

static void
send_open(struct peer *p)
{
    const struct nvo_bgp_speaker_cfg *c = &p->spk->cfg;
    struct nvo_bgp_open o;
    memset(&o, 0, sizeof o);
    o.version = 4;
    o.as = c->asn;
    o.hold_time = (uint16_t) (c->hold_time / NVO_SEC);
    o.bgp_id = c->router_id;
    o.mp[o.n_mp++] = (struct nvo_bgp_afi_safi) { NVO_BGP_AFI_L2VPN,
                                                 NVO_BGP_SAFI_EVPN };
    if (c->vpls) {
        o.mp[o.n_mp++] = (struct nvo_bgp_afi_safi) { NVO_BGP_AFI_L2VPN,
                                                     NVO_BGP_SAFI_VPLS };
    }
    if (c->rt_constrain) {
        o.mp[o.n_mp++] = (struct nvo_bgp_afi_safi) { NVO_BGP_AFI_IPV4,
                                                     NVO_BGP_SAFI_RTC };
    }
    o.route_refresh = true;
    o.as4 = true;
    o.ext_msg = c->extended_messages;
    uint8_t m[NVO_BGP_MAX_LEN];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(m, sizeof m);
    size_t n = nvo_bgp_open_encode(&b, &o);
    if (n) {
        nvo_bgp_send_msg__(p, m, n);
    }
}

/* ---- Session loss ------------------------------------------------------- */


static void
session_down(struct peer *p)
{
    struct nvo_bgp_speaker *s = p->spk;
    bool was_est = p->state == NVO_BGP_ESTABLISHED;
    nvo_timer_stop(&p->t_hold);
    nvo_timer_stop(&p->t_keepalive);
    nvo_timer_stop(&p->t_flush);
    p->gen++;
    g_byte_array_set_size(p->rx, 0);
    g_byte_array_set_size(p->outq, 0);
    p->outq_head = 0;
    p->hold = p->keepalive = 0;
    p->n_afs = 0;
    p->ext_msg = false;
    p->max_len = NVO_BGP_MAX_LEN;
    p->dump_pending = false;
    p->adv_sent = false;
    /* Adj-RIB-Out and pending go; then the routes learned from the peer
     * (RFC 4271 8.2.2: delete all routes associated with the
     * connection). */
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, p->adj_out);
    GPtrArray *touched = g_ptr_array_new();
    while (g_hash_table_iter_next(&it, &k, &v)) {
        struct dest *d = k;
        nvo_bgp_aset_unref__(s, v);
        g_ptr_array_add(touched, d);    /* its reference: dropped below */
    }
    nvo_mem_count__(&s->mem, nvo_bgp_mt_adj_out,
                    -(int64_t) (g_hash_table_size(p->adj_out) * HASH_ENTRY),
                    0);
    g_hash_table_remove_all(p->adj_out);
    g_hash_table_iter_init(&it, p->pending);
    while (g_hash_table_iter_next(&it, &k, &v)) {
        g_ptr_array_add(touched, k);
    }
    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                    -(int64_t) (g_hash_table_size(p->pending) * HASH_ENTRY),
                    0);
    g_hash_table_remove_all(p->pending);
    /* The state first, so the withdrawals below are not queued for this
     * peer. */
    p->state = p->active ? NVO_BGP_IDLE : NVO_BGP_ACTIVE;
    p->spk->peers_dirty = true;
    /* The dests with paths from this peer, in key order (each removal
     * advertises to the other peers); held while the others go. */
    GPtrArray *mine = g_ptr_array_new();
    if (p->adj_in) {
        g_hash_table_iter_init(&it, s->rib);
        while (g_hash_table_iter_next(&it, &k, NULL)) {
            struct dest *d = k;
            for (uint32_t i = 0; i < d->n_paths; i++) {
                if (d->paths[i].peer == (int32_t) p->index) {
                    g_ptr_array_add(mine, d);
                    d->refs++;
                    break;
                }
            }
        }
        g_ptr_array_sort(mine, nvo_bgp_dest_cmp__);
    }
    for (guint i = 0; i < touched->len; i++) {
        struct dest *d = touched->pdata[i];
        d->refs--;
        nvo_bgp_dest_maybe_free__(s, d);
    }
    g_ptr_array_free(touched, TRUE);
    for (guint i = 0; i < mine->len; i++) {
        struct dest *d = mine->pdata[i];
        nvo_bgp_rib_remove_path__(s, d, (int32_t) p->index);
        d->refs--;
        nvo_bgp_dest_maybe_free__(s, d);
    }
    g_ptr_array_free(mine, TRUE);
    nvo_bgp_rtc_peer_clear__(p);
    p->bgp_id = 0;
    if (was_est) {
        p->c.sessions_lost++;
        s->c.sessions_lost++;
    }
    nvo_bgp_rtc_default_check__(s);
    if (p->active) {
        nvo_timer_start(&p->t_retry, s->cfg.connect_retry);
    }
}

/* Ends the session: NOTIFICATION (code 0: none), then the TCP close; the
 * connection is detached from the peer. */
static void
session_close(struct peer *p, const uint8_t *notif, size_t notif_len)
{
    if (p->conn) {
        if (notif_len) {
            nvo_bgp_send_msg__(p, notif, notif_len);
        }
        struct nvo_tcp_conn *c = p->conn;
        p->conn = NULL;
        nvo_tcp_conn_set_ops(c, &detached_ops, NULL);
        if (nvo_tcp_conn_state(c) == NVO_TCP_SYN_SENT) {
            nvo_tcp_close(c);
        } else if (nvo_tcp_close(c) != 0) {
            nvo_tcp_abort(c);
        }
    }
    session_down(p);
}

static void
session_notify(struct peer *p, uint8_t code, uint8_t subcode)
{
    uint8_t m[64];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(m, sizeof m);
    struct nvo_bgp_notification n = { .code = code, .subcode = subcode };
    size_t len = nvo_bgp_notification_encode(&b, &n);
    session_close(p, m, len);
}

static void
session_refuse(struct peer *p, const struct nvo_bgp_error *e,
               const uint8_t *msg)
{
    uint8_t m[NVO_BGP_EXT_MAX_LEN];
    struct nvo_bgp_buf b = nvo_bgp_buf_init(m, sizeof m);
    size_t len = nvo_bgp_notification_from_error(&b, e, msg);
    p->c.malformed_in++;
    p->spk->c.malformed_in++;
    session_close(p, m, len);
}

/* ---- Timers ------------------------------------------------------------- */

static void
hold_expired(void *arg)
{
    struct peer *p = arg;
    p->c.notifications_out_hold++;
    p->spk->c.notifications_out_hold++;
    session_notify(p, NVO_BGP_ERR_HOLD, 0);
}

static void
keepalive_expired(void *arg)
{
    struct peer *p = arg;
    if (p->keepalive) {
        nvo_timer_start(&p->t_keepalive, p->keepalive);
        send_keepalive(p);
    }
}

static void
peer_connect(struct peer *p)
{
    struct nvo_tcp_conn *c;
    if (nvo_tcp_connect(p->spk->stack, p->node, NVO_BGP_PORT, &conn_ops, p,
                        &c) == 0) {
        p->conn = c;
        p->state = NVO_BGP_CONNECT;
        p->spk->peers_dirty = true;
    } else {
        p->state = NVO_BGP_IDLE;
        p->spk->peers_dirty = true;
        nvo_timer_start(&p->t_retry, p->spk->cfg.connect_retry);
    }
}

static void
retry_expired(void *arg)
{
    struct peer *p = arg;
    if (p->state == NVO_BGP_IDLE && !p->conn) {
        peer_connect(p);
    }
}

/* ---- Receiving ---------------------------------------------------------- */

static void
established(struct peer *p)
{
    struct nvo_bgp_speaker *s = p->spk;
    p->state = NVO_BGP_ESTABLISHED;
    p->spk->peers_dirty = true;
    p->c.sessions_established++;
    s->c.sessions_established++;
    nvo_bgp_rtc_default_check__(s);
    /* The initial table: every destination, in one nvo_bgp_flush__, then
     * End-of-RIB (RFC 4724 2). */
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, s->rib);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        struct dest *d = k;
        if (d->best >= 0 && g_hash_table_add(p->pending, d)) {
            d->refs++;
            nvo_mem_count__(&s->mem, nvo_bgp_mt_hash, (int64_t) HASH_ENTRY, 0);
        }
    }
    p->dump_pending = true;
    nvo_bgp_schedule_flush__(p, true);
}

static void
rx_open(struct peer *p, const uint8_t *msg, size_t len)
{
    struct nvo_bgp_speaker *s = p->spk;
    struct nvo_bgp_open o;
    struct nvo_bgp_error e;
    if (nvo_bgp_open_decode(msg, len, &o, &e) != 0) {
        session_refuse(p, &e, msg);
        return;
    }
    if (o.as != s->cfg.asn) {
        p->c.malformed_in++;
        s->c.malformed_in++;
        session_notify(p, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_PEER_AS);
        return;
    }
    if (o.bgp_id == s->cfg.router_id) {
        p->c.malformed_in++;
        s->c.malformed_in++;
        session_notify(p, NVO_BGP_ERR_OPEN, NVO_BGP_OPEN_BAD_ID);
        return;
    }
    p->bgp_id = o.bgp_id;
    /* RFC 4271 4.2: the smaller hold time; keepalive a third of it at
     * most (as FRR: min(configured, hold / 3)). */
    nvo_time_t hold = NVO_MIN(s->cfg.hold_time,
                              (nvo_time_t) o.hold_time * NVO_SEC);
    p->hold = hold;
    p->keepalive = hold ? NVO_MIN(s->cfg.keepalive, hold / 3) : 0;
    p->ext_msg = s->cfg.extended_messages && o.ext_msg;
    p->max_len = p->ext_msg ? NVO_BGP_EXT_MAX_LEN : NVO_BGP_MAX_LEN;
    p->n_afs = 0;
    /* With RT-constrain 1/132 first: its End-of-RIB goes first. */
    struct nvo_bgp_afi_safi mine[3];
    int n_mine = 0;
    if (s->cfg.rt_constrain) {
        mine[n_mine++] = (struct nvo_bgp_afi_safi) { NVO_BGP_AFI_IPV4,
                                                     NVO_BGP_SAFI_RTC };
    }
    mine[n_mine++] = (struct nvo_bgp_afi_safi) { NVO_BGP_AFI_L2VPN,
                                                 NVO_BGP_SAFI_EVPN };
    if (s->cfg.vpls) {
        mine[n_mine++] = (struct nvo_bgp_afi_safi) { NVO_BGP_AFI_L2VPN,
                                                     NVO_BGP_SAFI_VPLS };
    }
    p->rtc = false;
    for (int m = 0; m < n_mine; m++) {
        for (size_t i = 0; i < o.n_mp; i++) {
            if (o.mp[i].afi == mine[m].afi && o.mp[i].safi == mine[m].safi
                && p->n_afs < MAX_AFS) {
                p->afs[p->n_afs++] = mine[m];
                p->rtc |= mine[m].safi == NVO_BGP_SAFI_RTC;
                break;
            }
        }
    }
    send_keepalive(p);
    p->state = NVO_BGP_OPEN_CONFIRM;
    p->spk->peers_dirty = true;
    if (hold) {
        nvo_timer_start(&p->t_hold, hold);
        nvo_timer_start(&p->t_keepalive, p->keepalive);
    } else {
        nvo_timer_stop(&p->t_hold);
    }
}

/* The length of the next NLRI of AFI/SAFI in 'p' ('left' bytes), or 0
 * when AFI/SAFI is not one the speaker can split. */
static size_t
nlri_next(uint16_t afi, uint8_t safi, const uint8_t *p, size_t left)
{
    size_t n = 0;
    if (afi == NVO_BGP_AFI_L2VPN && safi == NVO_BGP_SAFI_EVPN && left >= 2) {
        n = 2u + p[1];
    } else if (afi == NVO_BGP_AFI_L2VPN && safi == NVO_BGP_SAFI_VPLS
               && left >= 2) {
        n = 2u + nvo_rd16(p);
    } else if (afi == NVO_BGP_AFI_IPV4 && safi == NVO_BGP_SAFI_RTC
               && left >= 1) {
        n = nvo_rtc_nlri_size(p[0]);    /* 0 for a bad length */
    }
    return n <= left && n <= 255 ? n : 0;
}

static bool
looped(const struct nvo_bgp_speaker *s, const struct nvo_bgp_attrs *a)
{
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_ORIGINATOR_ID)
        && a->originator_id == s->cfg.router_id) {
        return true;
    }
    if (s->cfg.is_rr) {
        for (uint16_t i = 0; i < a->n_clusters; i++) {
            if (nvo_rd32(a->cluster_list + 4u * i) == cluster_id(s)) {
                return true;
            }
        }
    }
    return false;
}

/* The MP attribute (type 14 or 15) whose value starts at 'v' in 'msg':
 * its offset and whole length (header of 3 or 4 bytes). */
static void
mp_attr_span(const uint8_t *msg, const uint8_t *v, size_t vlen, uint8_t type,
             size_t *ofs, size_t *whole)
{
    size_t at = (size_t) (v - msg);
    bool ext = !(at >= 3 && v[-1] == vlen && v[-2] == type
                 && !(v[-3] & NVO_BGP_ATTR_F_EXT_LEN));
    *ofs = at - (ext ? 4 : 3);
    *whole = vlen + (ext ? 4 : 3);
}

/* Checks the RT membership NLRI of an MP field (the wire decoder does not
 * look into AFI 1 / SAFI 132): 0, or EBADMSG with 'e' (3/9 with the
 * attribute as data). */
static int
rtc_check(const uint8_t *msg, const uint8_t *nlri, size_t len,
          const uint8_t *v, size_t vlen, uint8_t type,
          struct nvo_bgp_error *e)
{
    struct nvo_rd r = nvo_rd_init(nlri, len);
    while (r.left) {
        struct nvo_rtc_nlri n;
        if (nvo_rtc_nlri_decode(&r, msg, &n, e) != 0) {
            mp_attr_span(msg, v, vlen, type, &e->data_ofs, &e->data_len);
            return EBADMSG;
        }
    }
    return 0;
}

static void
rx_update(struct peer *p, const uint8_t *msg, size_t len)
{
    struct nvo_bgp_speaker *s = p->spk;
    struct nvo_bgp_update u;
    struct nvo_bgp_error e;
    if (nvo_bgp_update_decode(msg, len, &u, &e) != 0) {
        session_refuse(p, &e, msg);
        return;
    }
    if (u.eor) {
        p->c.eor_in++;
        s->c.eor_in++;
        if (u.attrs.mpu_afi == NVO_BGP_AFI_IPV4
            && u.attrs.mpu_safi == NVO_BGP_SAFI_RTC) {
            nvo_bgp_rtc_eor_in__(p);
        }
        return;
    }
    const struct nvo_bgp_attrs *a = &u.attrs;
    int32_t pi = (int32_t) p->index;
    /* RT membership routes only from a peer that negotiated them, and
     * checked first. */
    bool rtc_reach = NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_REACH)
                     && a->mp_afi == NVO_BGP_AFI_IPV4
                     && a->mp_safi == NVO_BGP_SAFI_RTC;
    bool rtc_unreach = NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_UNREACH)
                       && a->mpu_afi == NVO_BGP_AFI_IPV4
                       && a->mpu_safi == NVO_BGP_SAFI_RTC;
    if (rtc_reach && p->rtc) {
        const uint8_t *v = a->mp_nlri - (5u + a->mp_nh_len);
        if (rtc_check(msg, a->mp_nlri, a->mp_nlri_len, v,
                      (size_t) (a->mp_nlri - v) + a->mp_nlri_len,
                      NVO_BGP_ATTR_MP_REACH, &e) != 0) {
            session_refuse(p, &e, msg);
            return;
        }
    }
    if (rtc_unreach && p->rtc) {
        const uint8_t *v = a->mpu_nlri - 3;
        if (rtc_check(msg, a->mpu_nlri, a->mpu_nlri_len, v,
                      3u + a->mpu_nlri_len, NVO_BGP_ATTR_MP_UNREACH,
                      &e) != 0) {
            session_refuse(p, &e, msg);
            return;
        }
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_UNREACH) && (!rtc_unreach || p->rtc)) {
        const uint8_t *q = a->mpu_nlri;
        size_t left = a->mpu_nlri_len, n;
        while (left && (n = nlri_next(a->mpu_afi, a->mpu_safi, q, left))) {
            p->c.routes_withdrawn_in++;
            s->c.routes_withdrawn_in++;
            struct dest *d = nvo_bgp_dest_get__(s, a->mpu_afi,
                                                a->mpu_safi, q, n, false);
            if (d) {
                nvo_bgp_rib_remove_path__(s, d, pi);
            }
            q += n;
            left -= n;
        }
    }
    if (NVO_BGP_HAS(a, NVO_BGP_ATTR_MP_REACH) && a->mp_nlri_len
        && (!rtc_reach || p->rtc)) {
        bool loop = looped(s, a);
        struct aset *as = loop ? NULL : nvo_bgp_aset_intern__(s, a);
        const uint8_t *q = a->mp_nlri;
        size_t left = a->mp_nlri_len, n;
        while (left && (n = nlri_next(a->mp_afi, a->mp_safi, q, left))) {
            p->c.routes_announced_in++;
            s->c.routes_announced_in++;
            if (as) {
                struct dest *d = nvo_bgp_dest_get__(s, a->mp_afi,
                                                    a->mp_safi, q, n, true);
                nvo_bgp_rib_set_path__(s, d, pi, nvo_bgp_aset_ref__(as));
            } else {
                /* RFC 4456 8: ignored; an earlier path from the peer goes
                 * (treat-as-withdraw). */
                p->c.routes_looped++;
                s->c.routes_looped++;
                struct dest *d = nvo_bgp_dest_get__(s, a->mp_afi,
                                                    a->mp_safi, q, n, false);
                if (d) {
                    nvo_bgp_rib_remove_path__(s, d, pi);
                }
            }
            q += n;
            left -= n;
        }
        nvo_bgp_aset_unref__(s, as);
    }
}

/* Processes one whole message (after proc_delay). */
static void
process(struct peer *p, const uint8_t *msg, size_t len)
{
    struct nvo_bgp_speaker *s = p->spk;
    uint8_t type = msg[18];
    switch (type) {
    case NVO_BGP_OPEN:
        if (p->state != NVO_BGP_OPEN_SENT) {
            session_notify(p, NVO_BGP_ERR_FSM, 0);
            return;
        }
        rx_open(p, msg, len);
        return;
    case NVO_BGP_KEEPALIVE:
        if (p->state == NVO_BGP_OPEN_CONFIRM) {
            established(p);
        } else if (p->state != NVO_BGP_ESTABLISHED) {
            session_notify(p, NVO_BGP_ERR_FSM, 0);
        }
        return;
    case NVO_BGP_UPDATE:
        if (p->state != NVO_BGP_ESTABLISHED) {
            session_notify(p, NVO_BGP_ERR_FSM, 0);
            return;
        }
        rx_update(p, msg, len);
        return;
    case NVO_BGP_NOTIFICATION:
        session_close(p, NULL, 0);
        return;
    case NVO_BGP_ROUTE_REFRESH: {
        struct nvo_bgp_route_refresh rr;
        struct nvo_bgp_error e;
        if (nvo_bgp_route_refresh_decode(msg, len, &rr, &e) != 0) {
            session_refuse(p, &e, msg);
            return;
        }
        if (p->state != NVO_BGP_ESTABLISHED || rr.subtype != 0) {
            return;
        }
        /* RFC 2918: advertise the Adj-RIB-Out of the AFI/SAFI again. */
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, p->adj_out);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            struct dest *d = k;
            if (nvo_bgp_dest_afi__(d) == rr.afi
                && nvo_bgp_dest_safi__(d) == rr.safi) {
                nvo_bgp_aset_unref__(s, v);
                g_hash_table_iter_remove(&it);
                nvo_mem_count__(&s->mem, nvo_bgp_mt_adj_out,
                                -(int64_t) HASH_ENTRY, 0);
                if (g_hash_table_add(p->pending, d)) {
                    nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                                    (int64_t) HASH_ENTRY, 0);
                } else {
                    d->refs--;
                }
            }
        }
        nvo_bgp_schedule_flush__(p, true);
        return;
    }
    default:
        return;
    }
}

static void
proc_expired(void *arg)
{
    struct nvo_bgp_speaker *s = arg;
    struct rxmsg *m = g_queue_pop_head(&s->rxq);
    if (m && m->gen == m->p->gen && m->p->conn) {
        process(m->p, m->data, m->len);
    }
    g_free(m);
    struct rxmsg *next = g_queue_peek_head(&s->rxq);
    if (next) {
        nvo_timer_start_at(&s->t_proc, next->done);
    }
}

/* A whole message arrived. */
static void
deliver(struct peer *p, const uint8_t *msg, size_t len)
{
    struct nvo_bgp_speaker *s = p->spk;
    uint8_t type = msg[18];
    nvo_time_t now = nvo_engine_now(s->e);
    count_msg(&p->c, false, type, len);
    count_msg(&s->c, false, type, len);
    if (s->obs) {
        s->obs(s->obs_ctx, s, p->node, false, now, msg, len);
    }
    /* RFC 4271 4.4 / 8.2.2: KEEPALIVE and UPDATE restart the hold timer. */
    if ((type == NVO_BGP_KEEPALIVE || type == NVO_BGP_UPDATE) && p->hold
        && p->state >= NVO_BGP_OPEN_CONFIRM) {
        nvo_timer_start(&p->t_hold, p->hold);
    }
    if (s->cfg.proc_delay == 0) {
        process(p, msg, len);
        return;
    }
    struct rxmsg *m = g_malloc(sizeof *m + len);
    m->p = p;
    m->gen = p->gen;
    m->len = len;
    memcpy(m->data, msg, len);
    s->busy_until = NVO_MAX(s->busy_until, now) + s->cfg.proc_delay;
    m->done = s->busy_until;
    g_queue_push_tail(&s->rxq, m);
    if (!nvo_timer_is_armed(&s->t_proc)) {
        nvo_timer_start_at(&s->t_proc, m->done);
    }
}

/* ---- TCP callbacks ------------------------------------------------------ */

static void
conn_established(void *ctx, struct nvo_tcp_conn *c)
{
    struct peer *p = ctx;
    p->conn = c;
    nvo_timer_stop(&p->t_retry);
    send_open(p);
    p->state = NVO_BGP_OPEN_SENT;
    p->spk->peers_dirty = true;
    nvo_timer_start(&p->t_hold, OPEN_SENT_HOLD);
}

static void
conn_recv(void *ctx, struct nvo_tcp_conn *c, const uint8_t *data, size_t len)
{
    struct peer *p = ctx;
    (void) c;
    /* With nothing buffered (a whole message or more per segment, the
     * common case) the messages are read from the segment itself and only
     * an incomplete rest is buffered. */
    bool direct = p->rx->len == 0;
    if (!direct) {
        g_byte_array_append(p->rx, data, (guint) len);
    }
    uint32_t gen = p->gen;
    size_t ofs = 0;
    for (;;) {
        const uint8_t *base = direct ? data : p->rx->data;
        size_t total = direct ? len : p->rx->len;
        if (p->gen != gen || total - ofs < NVO_BGP_HDR_LEN) {
            break;
        }
        const uint8_t *m = base + ofs;
        size_t avail = total - ofs;
        size_t mlen = nvo_rd16(m + 16);
        if (mlen >= NVO_BGP_HDR_LEN && mlen <= p->max_len && avail < mlen) {
            break;              /* wait for the rest */
        }
        uint8_t type;
        size_t got;
        struct nvo_bgp_error e;
        if (nvo_bgp_hdr_decode(m, avail, p->max_len, &type, &got, &e) != 0) {
            uint8_t *copy = g_memdup2(m, avail);
            session_refuse(p, &e, copy);
            g_free(copy);
            return;
        }
        ofs += got;
        deliver(p, m, got);
    }
    if (p->gen != gen) {
        return;
    }
    if (direct) {
        g_byte_array_append(p->rx, data + ofs, (guint) (len - ofs));
    } else {
        g_byte_array_remove_range(p->rx, 0, (guint) ofs);
    }
}

static void
conn_acked(void *ctx, struct nvo_tcp_conn *c, size_t bytes)
{
    (void) c;
    (void) bytes;
    outq_push(ctx);
}

static void
conn_eof(void *ctx, struct nvo_tcp_conn *c)
{
    struct peer *p = ctx;
    (void) c;
    session_close(p, NULL, 0);
}

static void
conn_closed(void *ctx, struct nvo_tcp_conn *c, int reason)
{
    struct peer *p = ctx;
    (void) reason;
    if (p->conn == c) {
        p->conn = NULL;
        session_down(p);
    }
}

static const struct nvo_tcp_ops conn_ops = {
    .established = conn_established,
    .recv = conn_recv,
    .acked = conn_acked,
    .eof = conn_eof,
    .closed = conn_closed,
};

static struct peer *
peer_by_node(const struct nvo_bgp_speaker *s, uint32_t node)
{
    for (guint i = 0; i < s->peers->len; i++) {
        struct peer *p = s->peers->pdata[i];
        if (p->node == node) {
            return p;
        }
    }
    return NULL;
}

static bool
accept_cb(void *ctx, struct nvo_tcp_conn *c, int remote)
{
    struct nvo_bgp_speaker *s = ctx;
    struct peer *p = remote >= 0 ? peer_by_node(s, (uint32_t) remote) : NULL;
    if (!p || p->active || p->conn || p->state != NVO_BGP_ACTIVE) {
        return false;
    }
    p->conn = c;
    nvo_tcp_conn_set_ops(c, &conn_ops, p);
    return true;
}

/* ---- Life cycle --------------------------------------------------------- */

int
nvo_bgp_speaker_create(struct nvo_tcp_stack *stack,
                       const struct nvo_bgp_speaker_cfg *cfg,
                       struct nvo_bgp_speaker **out, char *err,
                       size_t err_size)
{
    struct nvo_bgp_speaker_cfg c;
    if (cfg) {
        c = *cfg;
    } else {
        nvo_bgp_speaker_cfg_default(&c);
    }
    int rc = nvo_bgp_speaker_cfg_check(&c, err, err_size);
    if (rc) {
        return rc;
    }
    struct nvo_node *node = nvo_tcp_stack_node(stack);
    if (c.router_id == 0) {
        c.router_id = node->addr4;
    }
    if (c.router_id == 0) {
        return cfg_fail__(err, err_size, "router_id: the node has no IPv4 "
                          "loopback; set one");
    }
    struct nvo_bgp_speaker *s = g_new0(struct nvo_bgp_speaker, 1);
    s->cfg = c;
    s->stack = stack;
    s->node = node;
    s->net = node->net;
    s->e = s->net->engine;
    nvo_mem_acct_init(&s->mem, &node->mem);
    s->peers = g_ptr_array_new();
    s->import_rts = g_array_new(FALSE, FALSE, sizeof(uint64_t));
    nvo_bgp_rib_init__(s);
    s->last_change = -1;
    g_queue_init(&s->rxq);
    nvo_timer_init(&s->t_proc, s->e, proc_expired, s);
    rc = nvo_tcp_listen(stack, NVO_BGP_PORT, accept_cb, s);
    if (rc) {
        nvo_bgp_speaker_destroy(s);
        return rc;
    }
    *out = s;
    return 0;
}

void
nvo_bgp_speaker_destroy(struct nvo_bgp_speaker *s)
{
    if (!s) {
        return;
    }
    nvo_timer_stop(&s->t_proc);
    struct rxmsg *m;
    while ((m = g_queue_pop_head(&s->rxq))) {
        g_free(m);
    }
    for (guint i = 0; i < s->peers->len; i++) {
        struct peer *p = s->peers->pdata[i];
        nvo_timer_stop(&p->t_hold);
        nvo_timer_stop(&p->t_keepalive);
        nvo_timer_stop(&p->t_retry);
        nvo_timer_stop(&p->t_flush);
        if (p->conn) {
            /* Left to the stack, detached: nothing is sent now. */
            nvo_tcp_conn_set_ops(p->conn, &detached_ops, NULL);
            p->conn = NULL;
        }
        GHashTableIter it;
        gpointer k, v;
        g_hash_table_iter_init(&it, p->adj_out);
        while (g_hash_table_iter_next(&it, &k, &v)) {
            nvo_bgp_aset_unref__(s, v);
        }
        nvo_mem_count__(&s->mem, nvo_bgp_mt_adj_out,
                        -(int64_t) (g_hash_table_size(p->adj_out)
                                    * HASH_ENTRY), 0);
        nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                        -(int64_t) (g_hash_table_size(p->pending)
                                    * HASH_ENTRY), 0);
        nvo_mem_count__(&s->mem, nvo_bgp_mt_hash,
                        -(int64_t) (nvo_u64map_size(&p->rt_in)
                                    * (HASH_ENTRY + sizeof(gint64))), 0);
        g_hash_table_destroy(p->adj_out);
        g_hash_table_destroy(p->pending);
        nvo_u64map_fini(&p->rt_in);
        g_array_free(p->rt_pfx, TRUE);
        g_byte_array_free(p->rx, TRUE);
        g_byte_array_free(p->outq, TRUE);
        g_free(p);
    }
    nvo_tcp_unlisten(s->stack, NVO_BGP_PORT);
    nvo_bgp_rib_fini__(s);
    g_ptr_array_free(s->peers, TRUE);
    g_array_free(s->import_rts, TRUE);
    nvo_mem_acct_fini(&s->mem);
    g_free(s);
}

void
nvo_bgp_speaker_set_best_cb(struct nvo_bgp_speaker *s, nvo_bgp_best_fn *fn,
                            void *ctx)
{
    s->best_cb = fn;
    s->best_ctx = ctx;
}

void
nvo_bgp_speaker_set_observer(struct nvo_bgp_speaker *s, nvo_bgp_msg_fn *fn,
                             void *ctx)
{
    s->obs = fn;
    s->obs_ctx = ctx;
}

int
nvo_bgp_speaker_add_peer(struct nvo_bgp_speaker *s, uint32_t remote,
                         bool rr_client)
{
    if (remote == s->node->index || remote >= nvo_net_n_nodes(s->net)
        || (rr_client && !s->cfg.is_rr)) {
        return EINVAL;
    }
    if (peer_by_node(s, remote)) {
        return EEXIST;
    }
    struct peer *p = g_new0(struct peer, 1);
    p->spk = s;
    p->index = s->peers->len;
    p->node = remote;
    p->addr = nvo_net_node(s->net, remote)->addr4;
    p->rr_client = rr_client;
    p->active = s->node->index < remote;
    p->rx = g_byte_array_new();
    p->outq = g_byte_array_new();
    p->max_len = NVO_BGP_MAX_LEN;
    p->adj_out = g_hash_table_new(g_direct_hash, g_direct_equal);
    p->pending = g_hash_table_new(g_direct_hash, g_direct_equal);
    nvo_u64map_init(&p->rt_in);
    p->rt_pfx = g_array_new(FALSE, FALSE, sizeof(struct rt_pfx));
    nvo_timer_init(&p->t_hold, s->e, hold_expired, p);
    nvo_timer_init(&p->t_keepalive, s->e, keepalive_expired, p);
    nvo_timer_init(&p->t_retry, s->e, retry_expired, p);
    nvo_timer_init(&p->t_flush, s->e, nvo_bgp_flush__, p);
    g_ptr_array_add(s->peers, p);
    if (p->active) {
        peer_connect(p);
    } else {
        p->state = NVO_BGP_ACTIVE;
        p->spk->peers_dirty = true;
    }
    return 0;
}

int
nvo_bgp_speaker_originate(struct nvo_bgp_speaker *s, uint16_t afi,
                          uint8_t safi, const uint8_t *nlri, size_t len,
                          const struct nvo_bgp_attrs *attrs)
{
    if (len == 0 || len > 255 || !attrs) {
        return EINVAL;
    }
    struct aset *a = nvo_bgp_aset_intern__(s, attrs);
    if (!a) {
        return EINVAL;
    }
    struct dest *d = nvo_bgp_dest_get__(s, afi, safi, nlri, len, true);
    nvo_bgp_rib_set_path__(s, d, -1, a);
    return 0;
}

int
nvo_bgp_speaker_withdraw(struct nvo_bgp_speaker *s, uint16_t afi,
                         uint8_t safi, const uint8_t *nlri, size_t len)
{
    if (len == 0 || len > 255) {
        return ENOENT;
    }
    struct dest *d = nvo_bgp_dest_get__(s, afi, safi, nlri, len, false);
    if (!d) {
        return ENOENT;
    }
    bool have = false;
    for (uint32_t i = 0; i < d->n_paths; i++) {
        have |= d->paths[i].peer == -1;
    }
    if (!have) {
        return ENOENT;
    }
    nvo_bgp_rib_remove_path__(s, d, -1);
    return 0;
}

/* ---- RT-constrain: the imported route targets (RFC 4684 4) ------------ */

static int
import_rt_find(const struct nvo_bgp_speaker *s, uint64_t v)
{
    for (guint i = 0; i < s->import_rts->len; i++) {
        if (g_array_index(s->import_rts, uint64_t, i) == v) {
            return (int) i;
        }
    }
    return -1;
}

/* The membership NLRI of one RT: length 96, our AS, the RT. */
static size_t
rtc_nlri_of(const struct nvo_bgp_speaker *s, uint64_t v, uint8_t out[16])
{
    struct nvo_rtc_nlri n = { .plen = 96, .origin_as = s->cfg.asn };
    nvo_wr64(n.rt, v);
    struct nvo_bgp_buf b = nvo_bgp_buf_init(out, 16);
    return nvo_rtc_nlri_encode(&b, &n);
}

/* The attributes of our RT membership routes: ORIGIN IGP, empty AS_PATH,
 * LOCAL_PREF 100, next hop the router id. */
static void
rtc_attrs(const struct nvo_bgp_speaker *s, struct nvo_bgp_attrs *a)
{
    memset(a, 0, sizeof *a);
    a->present = (1u << NVO_BGP_ATTR_ORIGIN) | (1u << NVO_BGP_ATTR_AS_PATH)
                 | (1u << NVO_BGP_ATTR_LOCAL_PREF);
    a->origin = 0;
    a->local_pref = 100;
    a->mp_nh_len = 4;
    nvo_wr32(a->mp_nh, s->cfg.router_id);
}

/* A reflector with a peer without RT-constrain must receive every VPN
 * route to pass them on, so it asks its RT-constrain peers for all: the
 * default RT membership (RFC 4684 4: length 0 matches every RT).  With
 * cfg.rtc_advertise_default it always does. */
void
nvo_bgp_rtc_default_check__(struct nvo_bgp_speaker *s)
{
    if (!s->cfg.rt_constrain || !s->cfg.is_rr) {
        return;
    }
    bool want = s->cfg.rtc_advertise_default;
    for (guint i = 0; !want && i < s->peers->len; i++) {
        const struct peer *p = s->peers->pdata[i];
        want |= p->state == NVO_BGP_ESTABLISHED && !p->rtc && p->n_afs;
    }
    if (want == s->rtc_default) {
        return;
    }
    s->rtc_default = want;
    const uint8_t nlri[1] = { 0 };
    if (want) {
        struct nvo_bgp_attrs a;
        rtc_attrs(s, &a);
        nvo_bgp_speaker_originate(s, NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC, nlri,
                                  1, &a);
    } else {
        nvo_bgp_speaker_withdraw(s, NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC, nlri,
                                 1);
    }
}

int
nvo_bgp_speaker_add_import_rt(struct nvo_bgp_speaker *s, const uint8_t rt[8])
{
    uint64_t v = nvo_rd64(rt);
    if (import_rt_find(s, v) >= 0) {
        return EEXIST;
    }
    g_array_append_val(s->import_rts, v);
    if (!s->cfg.rt_constrain) {
        return 0;
    }
    struct nvo_bgp_attrs a;
    rtc_attrs(s, &a);
    uint8_t nlri[16];
    size_t len = rtc_nlri_of(s, v, nlri);
    return nvo_bgp_speaker_originate(s, NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC,
                                     nlri, len, &a);
}

int
nvo_bgp_speaker_remove_import_rt(struct nvo_bgp_speaker *s,
                                 const uint8_t rt[8])
{
    uint64_t v = nvo_rd64(rt);
    int i = import_rt_find(s, v);
    if (i < 0) {
        return ENOENT;
    }
    g_array_remove_index(s->import_rts, (guint) i);
    if (!s->cfg.rt_constrain) {
        return 0;
    }
    uint8_t nlri[16];
    size_t len = rtc_nlri_of(s, v, nlri);
    return nvo_bgp_speaker_withdraw(s, NVO_BGP_AFI_IPV4, NVO_BGP_SAFI_RTC,
                                    nlri, len);
}

int
nvo_bgp_speaker_set_import_rts(struct nvo_bgp_speaker *s,
                               const uint8_t (*rts)[8], size_t n)
{
    if (n && !rts) {
        return EINVAL;
    }
    /* The old RTs not in the new list go, in the old order. */
    for (guint i = 0; i < s->import_rts->len;) {
        uint64_t v = g_array_index(s->import_rts, uint64_t, i);
        bool keep = false;
        for (size_t j = 0; j < n && !keep; j++) {
            keep = nvo_rd64(rts[j]) == v;
        }
        if (keep) {
            i++;
            continue;
        }
        uint8_t rt[8];
        nvo_wr64(rt, v);
        int rc = nvo_bgp_speaker_remove_import_rt(s, rt);
        if (rc) {
            return rc;
        }
    }
    for (size_t j = 0; j < n; j++) {
        int rc = nvo_bgp_speaker_add_import_rt(s, rts[j]);
        if (rc && rc != EEXIST) {
            return rc;
        }
    }
    return 0;
}

uint32_t
nvo_bgp_speaker_n_import_rts(const struct nvo_bgp_speaker *s)
{
    return s->import_rts->len;
}

/* ---- Queries ------------------------------------------------------------ */

struct nvo_node *
nvo_bgp_speaker_node(const struct nvo_bgp_speaker *s)
{
    return s->node;
}

uint32_t
nvo_bgp_speaker_router_id(const struct nvo_bgp_speaker *s)
{
    return s->cfg.router_id;
}

const struct nvo_bgp_speaker_cfg *
nvo_bgp_speaker_cfg(const struct nvo_bgp_speaker *s)
{
    return &s->cfg;
}

const struct nvo_bgp_counters *
nvo_bgp_speaker_counters(const struct nvo_bgp_speaker *s)
{
    return &s->c;
}

uint32_t
nvo_bgp_speaker_loc_rib_size(const struct nvo_bgp_speaker *s)
{
    return s->loc_rib;
}

uint64_t
nvo_bgp_speaker_adj_in_size(const struct nvo_bgp_speaker *s)
{
    uint64_t n = 0;
    for (guint i = 0; i < s->peers->len; i++) {
        n += ((const struct peer *) s->peers->pdata[i])->adj_in;
    }
    return n;
}

uint64_t
nvo_bgp_speaker_adj_out_size(const struct nvo_bgp_speaker *s)
{
    uint64_t n = 0;
    for (guint i = 0; i < s->peers->len; i++) {
        n += g_hash_table_size(
            ((const struct peer *) s->peers->pdata[i])->adj_out);
    }
    return n;
}

uint32_t
nvo_bgp_speaker_n_attr_sets(const struct nvo_bgp_speaker *s)
{
    return g_hash_table_size(s->attrs);
}

uint64_t
nvo_bgp_speaker_mem_bytes(const struct nvo_bgp_speaker *s)
{
    return nvo_mem_acct_bytes(&s->mem);
}

double
nvo_bgp_speaker_mem_per_route(const struct nvo_bgp_speaker *s)
{
    return s->loc_rib ? (double) nvo_mem_acct_bytes(&s->mem) / s->loc_rib
                      : 0.0;
}

nvo_time_t
nvo_bgp_speaker_last_change(const struct nvo_bgp_speaker *s)
{
    return s->last_change;
}

uint32_t
nvo_bgp_speaker_n_established(const struct nvo_bgp_speaker *s)
{
    uint32_t n = 0;
    for (guint i = 0; i < s->peers->len; i++) {
        n += ((const struct peer *) s->peers->pdata[i])->state
             == NVO_BGP_ESTABLISHED;
    }
    return n;
}

bool
nvo_bgp_speaker_best(const struct nvo_bgp_speaker *s, uint16_t afi,
                     uint8_t safi, const uint8_t *nlri, size_t len,
                     struct nvo_bgp_attrs *best, uint32_t *originator)
{
    if (len == 0 || len > 255) {
        return false;
    }
    struct dest *d = nvo_bgp_dest_get__((struct nvo_bgp_speaker *) s, afi,
                                        safi, nlri, len, false);
    if (!d || d->best < 0) {
        return false;
    }
    if (best) {
        nvo_bgp_aset_attrs__(d->paths[d->best].a, best);
    }
    if (originator) {
        *originator = nvo_bgp_path_originator__(s, &d->paths[d->best]);
    }
    return true;
}

bool
nvo_bgp_speaker_peer_state(const struct nvo_bgp_speaker *s, uint32_t remote,
                           enum nvo_bgp_state *state)
{
    const struct peer *p = peer_by_node(s, remote);
    if (p && state) {
        *state = p->state;
    }
    return p != NULL;
}

const struct nvo_bgp_counters *
nvo_bgp_speaker_peer_counters(const struct nvo_bgp_speaker *s,
                              uint32_t remote)
{
    const struct peer *p = peer_by_node(s, remote);
    return p ? &p->c : NULL;
}

uint32_t
nvo_bgp_speaker_peer_adj_in(const struct nvo_bgp_speaker *s, uint32_t remote)
{
    const struct peer *p = peer_by_node(s, remote);
    return p ? p->adj_in : 0;
}

uint32_t
nvo_bgp_speaker_peer_adj_out(const struct nvo_bgp_speaker *s,
                             uint32_t remote)
{
    const struct peer *p = peer_by_node(s, remote);
    return p ? g_hash_table_size(p->adj_out) : 0;
}

nvo_time_t
nvo_bgp_speaker_peer_hold(const struct nvo_bgp_speaker *s, uint32_t remote)
{
    const struct peer *p = peer_by_node(s, remote);
    return p ? p->hold : 0;
}

bool
nvo_bgp_speaker_peer_rtc(const struct nvo_bgp_speaker *s, uint32_t remote)
{
    const struct peer *p = peer_by_node(s, remote);
    return p && p->rtc;
}

uint32_t
nvo_bgp_speaker_n_routes(const struct nvo_bgp_speaker *s, uint16_t afi,
                         uint8_t safi)
{
    int k = nvo_bgp_af_slot__(afi, safi);
    if (k >= 0) {
        return s->loc_rib_af[k];
    }
    /* Another AFI/SAFI (only an origination can make one): counted. */
    uint32_t n = 0;
    GHashTableIter it;
    gpointer d_;
    g_hash_table_iter_init(&it, s->rib);
    while (g_hash_table_iter_next(&it, &d_, NULL)) {
        const struct dest *d = d_;
        n += d->best >= 0 && nvo_bgp_dest_afi__(d) == afi
             && nvo_bgp_dest_safi__(d) == safi;
    }
    return n;
}

uint32_t
nvo_bgp_speaker_peer_adj_out_af(const struct nvo_bgp_speaker *s,
                                uint32_t remote, uint16_t afi, uint8_t safi)
{
    const struct peer *p = peer_by_node(s, remote);
    if (!p) {
        return 0;
    }
    uint32_t n = 0;
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, p->adj_out);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        const struct dest *d = k;
        n += nvo_bgp_dest_afi__(d) == afi && nvo_bgp_dest_safi__(d) == safi;
    }
    return n;
}
