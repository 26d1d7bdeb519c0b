/* test_link.c: ports and links (link.c): serialization and propagation
 * times, MTU and queue drops, strict priority for control, link down, and
 * the mean queueing delay and utilisation of an M/D/1 queue against
 * Pollaczek-Khinchine (over 10 seeds, precise enough to notice a missing
 * FCS) and exactly against Lindley's recursion on the same arrivals. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>

#include <glib.h>

#include "core/engine.h"
#include "fabric/link.h"
#include "core/rng.h"
#include "testutil.h"

/* A two-port bench: a sender port and a receiver port that logs arrivals. */
struct bench {
    struct nvo_engine *e;
    struct nvo_pkt_pool pool;
    struct nvo_port tx, rx;
    struct nvo_link link;
    uint64_t n_rx;
    nvo_time_t last_rx;
    uint64_t order[64];         /* flow_id of arrivals, in order */
    nvo_time_t rx_time[64];
};

static void
on_rx(struct nvo_port *port, struct nvo_pkt *p)
{
    struct bench *b = port->ctx;
    if (b->n_rx < 64) {
        b->order[b->n_rx] = p->flow_id;
        b->rx_time[b->n_rx] = nvo_engine_now(b->e);
    }
    b->n_rx++;
    b->last_rx = nvo_engine_now(b->e);
    nvo_pkt_free(p);
}

static void
on_tx_side_rx(struct nvo_port *port, struct nvo_pkt *p)
{
    (void) port;
    nvo_pkt_free(p);
}

static void
bench_init(struct bench *b, const struct nvo_link_cfg *cfg)
{
    memset(b, 0, sizeof *b);
    ck_assert_int_eq(nvo_engine_create(nvo_test_engine(), nvo_test_scheduler(), &b->e), 0);
    nvo_pkt_pool_init(&b->pool);
    nvo_port_init(&b->tx, b->e, b, "a", 0, on_tx_side_rx);
    nvo_port_init(&b->rx, b->e, b, "b", 0, on_rx);
    ck_assert_int_eq(nvo_link_connect(&b->link, &b->tx, &b->rx, cfg), 0);
}

static void
bench_destroy(struct bench *b)
{
    nvo_port_destroy(&b->tx);
    nvo_port_destroy(&b->rx);
    ck_assert_uint_eq(b->pool.n_live, 0);
    nvo_pkt_pool_destroy(&b->pool);
    nvo_engine_destroy(b->e);
}

/* A frame whose wire length is 'len': an Ethernet header (with 'vlan'
 * 802.1Q tags) for IPv4 and a virtual payload. */
static struct nvo_pkt *
frame(struct bench *b, uint32_t len, int vlan, enum nvo_tclass tc,
      uint64_t id)
{
    struct nvo_pkt *p = nvo_pkt_alloc(&b->pool, NVO_PKT_HEADROOM, 64);
    uint32_t hl = 14 + 4 * (uint32_t) vlan;
    uint8_t *h = nvo_pkt_put(p, hl);
    memset(h, 0, hl);
    for (int i = 0; i < vlan; i++) {
        nvo_wr16(h + 12 + 4 * i, 0x8100);
    }
    nvo_wr16(h + hl - 2, 0x0800);
    p->l2_ofs = nvo_pkt_data_ofs(p);
    p->payload_size = len - hl;
    p->tclass = tc;
    p->flow_id = id;
    return p;
}

START_TEST(timing)
{
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);     /* 10 Gb/s, 1 us, 24 bytes framing */
    struct bench b;
    bench_init(&b, &cfg);
    ck_assert(nvo_port_send(&b.tx, frame(&b, 1500, 0, NVO_TC_DATA, 1)));
    ck_assert(nvo_port_send(&b.tx, frame(&b, 64, 0, NVO_TC_DATA, 2)));
    nvo_engine_run(b.e, NVO_TIME_MAX);
    ck_assert_uint_eq(b.n_rx, 2);
    /* (1500 + 24) * 8 / 10 Gb/s = 1219.2 ns, then 1 us on the wire. */
    ck_assert_int_eq(b.rx_time[0], 1219200 + NVO_US);
    /* The second starts when the first ends: + (64 + 24) * 8 / 10G. */
    ck_assert_int_eq(b.rx_time[1], 1219200 + 70400 + NVO_US);
    ck_assert_uint_eq(b.tx.st.tx_frames[NVO_TC_DATA], 2);
    ck_assert_uint_eq(b.tx.st.tx_bytes[NVO_TC_DATA], 1564);
    ck_assert_uint_eq(b.rx.st.rx_frames[NVO_TC_DATA], 2);
    ck_assert_uint_eq(b.rx.st.rx_bytes[NVO_TC_DATA], 1564);
    ck_assert_int_eq(b.tx.st.busy_time, 1219200 + 70400);
    /* The second frame waited for the first's serialization. */
    ck_assert_int_eq(b.tx.st.qdelay_sum, 1219200);
    bench_destroy(&b);
}
END_TEST

/* A tap that logs what it sees as "EV port flow [reason]" lines. */
struct tap_log {
    GString *s;
};

static void
log_tap(void *ctx, enum nvo_tap_event ev, nvo_time_t now,
        const struct nvo_port *port, const struct nvo_pkt *p,
        const char *reason)
{
    struct tap_log *l = ctx;
    g_string_append_printf(l->s, "%c %s %" PRId64 " %" PRIu64 "%s%s;",
                           (char) ev, port->node_name, now, p->flow_id,
                           reason ? " " : "", reason ? reason : "");
}

/* Taps see enqueue, send, receive and drop, in order and at the
 * serialization and propagation times; a tap with a mask sees only its events; removed taps
 * see nothing more. */
START_TEST(taps)
{
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);
    cfg.mtu = 1000;
    cfg.queue_bytes = 1050;
    struct bench b;
    bench_init(&b, &cfg);
    struct tap_log all = { g_string_new("") }, rx = { g_string_new("") };
    nvo_port_add_tap(&b.tx, log_tap, &all, NVO_TAP_MASK_ALL);
    nvo_port_add_tap(&b.rx, log_tap, &all, NVO_TAP_MASK_ALL);
    nvo_port_add_tap(&b.rx, log_tap, &rx, NVO_TAP_MASK_RECEIVE);
    /* 1014 bytes: (1014 + 24) * 8 / 10 Gb/s = 830.4 ns; then 64 bytes,
     * 70.4 ns; the third does not fit beside the second (1078 > 1050). */
    ck_assert(nvo_port_send(&b.tx, frame(&b, 1014, 0, NVO_TC_DATA, 1)));
    ck_assert(nvo_port_send(&b.tx, frame(&b, 64, 0, NVO_TC_DATA, 2)));
    ck_assert(!nvo_port_send(&b.tx, frame(&b, 1014, 0, NVO_TC_DATA, 3)));
    nvo_engine_run(b.e, NVO_TIME_MAX);
    ck_assert_str_eq(all.s->str,
                     "+ a 0 1;- a 0 1;+ a 0 2;d a 0 3 queue;"
                     "- a 830400 2;r b 1830400 1;r b 1900800 2;");
    ck_assert_str_eq(rx.s->str, "r b 1830400 1;r b 1900800 2;");
    ck_assert_uint_eq(nvo_port_remove_tap(&b.rx, log_tap, &all), 1);
    ck_assert_uint_eq(nvo_port_remove_tap(&b.rx, log_tap, &all), 0);
    ck_assert_uint_eq(b.rx.n_taps, 1);
    ck_assert_uint_eq(b.rx.tap_mask, NVO_TAP_MASK_RECEIVE);
    ck_assert_uint_eq(nvo_port_remove_tap(&b.tx, log_tap, &all), 1);
    ck_assert_uint_eq(b.tx.tap_mask, 0);
    g_string_truncate(all.s, 0);
    g_string_truncate(rx.s, 0);
    ck_assert(nvo_port_send(&b.tx, frame(&b, 64, 0, NVO_TC_DATA, 4)));
    nvo_engine_run(b.e, NVO_TIME_MAX);
    ck_assert_str_eq(all.s->str, "");
    ck_assert_str_eq(rx.s->str, "r b 2971200 4;");
    g_string_free(all.s, TRUE);
    g_string_free(rx.s, TRUE);
    bench_destroy(&b);
}
END_TEST

START_TEST(mtu)
{
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);
    struct bench b;
    bench_init(&b, &cfg);
    /* MTU 1500 limits the IP packet: 1514-byte frames pass, 1515 do not;
     * with an 802.1Q tag the frame may be 1518. */
    ck_assert(nvo_port_send(&b.tx, frame(&b, 1514, 0, NVO_TC_DATA, 1)));
    ck_assert(!nvo_port_send(&b.tx, frame(&b, 1515, 0, NVO_TC_DATA, 2)));
    ck_assert(nvo_port_send(&b.tx, frame(&b, 1518, 1, NVO_TC_DATA, 3)));
    ck_assert(!nvo_port_send(&b.tx, frame(&b, 1519, 1, NVO_TC_DATA, 4)));
    nvo_engine_run(b.e, NVO_TIME_MAX);
    ck_assert_uint_eq(b.n_rx, 2);
    ck_assert_uint_eq(b.tx.st.drop_frames[NVO_DROP_MTU], 2);
    ck_assert_uint_eq(b.tx.st.drop_bytes[NVO_DROP_MTU], 1515 + 1519);
    bench_destroy(&b);
}
END_TEST

START_TEST(drop_tail)
{
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);
    cfg.queue_bytes = 3100;
    cfg.mtu = 1000;
    struct bench b;
    bench_init(&b, &cfg);
    /* The first goes straight onto the wire; three fill the queue
     * (3000 bytes); the fifth and sixth do not fit. */
    int accepted = 0;
    for (int i = 0; i < 6; i++) {
        accepted += nvo_port_send(&b.tx, frame(&b, 1000, 0, NVO_TC_DATA, i));
    }
    ck_assert_int_eq(accepted, 4);
    ck_assert_uint_eq(nvo_port_queued_frames(&b.tx), 4);
    ck_assert_uint_eq(b.tx.st.max_queue_bytes, 3000);
    nvo_engine_run(b.e, NVO_TIME_MAX);
    ck_assert_uint_eq(b.n_rx, 4);
    ck_assert_uint_eq(b.tx.st.drop_frames[NVO_DROP_QUEUE], 2);
    for (int i = 0; i < 4; i++) {
        ck_assert_uint_eq(b.order[i], (uint64_t) i);
    }
    bench_destroy(&b);
}
END_TEST

START_TEST(control_priority)
{
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);
    struct bench b;
    bench_init(&b, &cfg);
    nvo_port_send(&b.tx, frame(&b, 1500, 0, NVO_TC_DATA, 1));
    nvo_port_send(&b.tx, frame(&b, 1500, 0, NVO_TC_DATA, 2));
    nvo_port_send(&b.tx, frame(&b, 1500, 0, NVO_TC_BUM, 3));
    nvo_port_send(&b.tx, frame(&b, 100, 0, NVO_TC_CONTROL, 4));
    nvo_engine_run(b.e, NVO_TIME_MAX);
    /* 1 was already on the wire; the control frame overtakes 2 and 3. */
    ck_assert_uint_eq(b.n_rx, 4);
    ck_assert_uint_eq(b.order[0], 1);
    ck_assert_uint_eq(b.order[1], 4);
    ck_assert_uint_eq(b.order[2], 2);
    ck_assert_uint_eq(b.order[3], 3);
    ck_assert_uint_eq(b.rx.st.rx_frames[NVO_TC_DATA], 2);
    ck_assert_uint_eq(b.rx.st.rx_frames[NVO_TC_BUM], 1);
    ck_assert_uint_eq(b.rx.st.rx_frames[NVO_TC_CONTROL], 1);
    ck_assert_uint_eq(b.rx.st.rx_bytes[NVO_TC_CONTROL], 100);
    bench_destroy(&b);
}
END_TEST

static struct bench *down_bench;

static void
take_down(void *arg)
{
    nvo_link_set_up(arg, false);
}

static void
bring_up(void *arg)
{
    nvo_link_set_up(arg, true);
    nvo_port_send(&down_bench->tx, frame(down_bench, 1000, 0, NVO_TC_DATA, 99));
}

START_TEST(link_down)
{
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);
    cfg.delay = 10 * NVO_US;
    struct bench b;
    bench_init(&b, &cfg);
    down_bench = &b;
    /* 1000 + 24 bytes at 10G: 819.2 ns each.  At 2 us, frames 0 and 1 are
     * on the wire, frame 2 is being serialized, 3 and 4 are queued. */
    for (int i = 0; i < 5; i++) {
        nvo_port_send(&b.tx, frame(&b, 1000, 0, NVO_TC_DATA, i));
    }
    nvo_engine_schedule(b.e, 2 * NVO_US, take_down, &b.link);
    nvo_engine_schedule(b.e, 5 * NVO_US, bring_up, &b.link);
    nvo_engine_run(b.e, NVO_TIME_MAX);
    ck_assert_uint_eq(b.tx.st.drop_frames[NVO_DROP_LINK_DOWN], 5);
    ck_assert_uint_eq(b.n_rx, 1);
    ck_assert_uint_eq(b.order[0], 99);
    ck_assert_int_eq(b.rx_time[0], 5 * NVO_US + 819200 + 10 * NVO_US);
    /* Sending into a down link drops too. */
    nvo_link_set_up(&b.link, false);
    ck_assert(!nvo_port_send(&b.tx, frame(&b, 1000, 0, NVO_TC_DATA, 7)));
    ck_assert_uint_eq(b.tx.st.drop_frames[NVO_DROP_LINK_DOWN], 6);
    bench_destroy(&b);
}
END_TEST

static struct bench *flap_bench;

static void
flap_down(void *arg)
{
    nvo_link_set_up(arg, false);
}

static void
flap_up(void *arg)
{
    nvo_link_set_up(arg, true);
    nvo_port_send(&flap_bench->tx, frame(flap_bench, 64, 0, NVO_TC_DATA, 2));
}

START_TEST(link_flap)
{
    /* A 9000-byte frame is cut by a link flap (down at 1 us, up at 2 us);
     * a small frame sent at 2 us arrives on time, after its own
     * serialization and the propagation delay, and the cut frame counts
     * as dropped, not as sent. */
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);
    cfg.mtu = 9000;
    struct bench b;
    bench_init(&b, &cfg);
    flap_bench = &b;
    nvo_port_send(&b.tx, frame(&b, 9014, 0, NVO_TC_DATA, 1));
    nvo_engine_schedule(b.e, NVO_US, flap_down, &b.link);
    nvo_engine_schedule(b.e, 2 * NVO_US, flap_up, &b.link);
    nvo_engine_run(b.e, NVO_TIME_MAX);
    ck_assert_uint_eq(b.n_rx, 1);
    ck_assert_uint_eq(b.order[0], 2);
    /* (64 + 24) * 8 / 10 Gb/s = 70.4 ns, then 1 us on the wire. */
    ck_assert_int_eq(b.rx_time[0], 2 * NVO_US + 70400 + NVO_US);
    ck_assert_uint_eq(b.tx.st.tx_frames[NVO_TC_DATA], 1);
    ck_assert_uint_eq(b.tx.st.tx_bytes[NVO_TC_DATA], 64);
    ck_assert_uint_eq(b.tx.st.drop_frames[NVO_DROP_LINK_DOWN], 1);
    ck_assert_int_eq(b.tx.st.busy_time, NVO_US + 70400);
    bench_destroy(&b);
}
END_TEST

START_TEST(bad_cfg)
{
    struct nvo_link_cfg cfg;
    struct nvo_port a, c;
    struct nvo_link l;
    nvo_port_init(&a, NULL, NULL, "a", 0, on_rx);
    nvo_port_init(&c, NULL, NULL, "c", 0, on_rx);
    nvo_link_cfg_default(&cfg);
    cfg.rate_bps = 0;
    ck_assert_int_eq(nvo_link_connect(&l, &a, &c, &cfg), EINVAL);
    nvo_link_cfg_default(&cfg);
    cfg.mtu = 0;
    ck_assert_int_eq(nvo_link_connect(&l, &a, &c, &cfg), EINVAL);
    nvo_link_cfg_default(&cfg);
    cfg.queue_bytes = 1000;         /* smaller than one MTU frame */
    ck_assert_int_eq(nvo_link_connect(&l, &a, &c, &cfg), EINVAL);
    nvo_link_cfg_default(&cfg);
    cfg.delay = -1;
    ck_assert_int_eq(nvo_link_connect(&l, &a, &c, &cfg), EINVAL);
    nvo_link_cfg_default(&cfg);
    ck_assert_int_eq(nvo_link_connect(&l, &a, &a, &cfg), EINVAL);
    ck_assert_int_eq(nvo_link_connect(&l, &a, &c, &cfg), 0);
    ck_assert_int_eq(nvo_link_connect(&l, &a, &c, &cfg), EINVAL);
}
END_TEST

/* M/D/1: Poisson arrivals of fixed-size frames at one port.  Beside the
 * simulation, the test runs Lindley's recursion on the same arrival gaps,
 * W(k+1) = max(0, W(k) + S - gap(k)), in integer picoseconds with the
 * service time S computed from the frame size: the port's queueing delays
 * must add up to exactly the same sum. */
struct md1 {
    struct bench b;
    struct nvo_rng rng;
    double mean_gap_ps;
    uint64_t left, sent;
    nvo_time_t service;             /* S, from (1000 + 24) bytes */
    nvo_time_t lindley_w;           /* the next frame's wait */
    nvo_time_t lindley_sum;         /* sum of every frame's wait */
    nvo_time_t last_arrival;
};

static void
md1_arrival(void *arg)
{
    struct md1 *m = arg;
    m->lindley_sum += m->lindley_w;
    m->last_arrival = nvo_engine_now(m->b.e);
    nvo_port_send(&m->b.tx, frame(&m->b, 1000, 0, NVO_TC_DATA, m->sent++));
    if (--m->left) {
        nvo_time_t gap = (nvo_time_t) llround(
            nvo_rng_exponential(&m->rng, m->mean_gap_ps));
        m->lindley_w = NVO_MAX(m->lindley_w + m->service - gap, 0);
        nvo_engine_schedule(m->b.e, gap, md1_arrival, m);
    }
}

/* One M/D/1 run of 'n' frames at load 'rho' with RNG seed 'seed'; returns
 * the mean queueing delay (ps) and sets *util to the port's utilisation
 * (busy time / elapsed time). */
static double
run_md1(double rho, uint64_t n, uint64_t seed, double *util)
{
    struct nvo_link_cfg cfg;
    nvo_link_cfg_default(&cfg);
    cfg.queue_bytes = 1ull << 30;   /* effectively infinite */
    static struct md1 m;
    memset(&m, 0, sizeof m);
    bench_init(&m.b, &cfg);
    /* Service time: (1000 + 24) * 8 bits at 10 Gb/s = 819.2 ns; the 24
     * bytes are preamble and SFD (8), FCS (4) and the gap (12). */
    m.service = nvo_tx_time(1024, cfg.rate_bps);
    ck_assert_int_eq(m.service, 819200);
    m.mean_gap_ps = (double) m.service / rho;
    m.left = n;
    nvo_rng_init(&m.rng, seed, 1, rho < 0.6 ? "md1-low" : "md1-high");
    nvo_engine_schedule(m.b.e, 0, md1_arrival, &m);
    nvo_engine_run(m.b.e, NVO_TIME_MAX);

    /* Conservation: every frame generated was delivered (no drops). */
    ck_assert_uint_eq(m.b.n_rx, n);
    ck_assert_uint_eq(m.b.tx.st.n_qdelay, n);
    /* Exactly Lindley's waits, and exactly n service times of busy time;
     * the last frame arrives S + 1 us after it was offered. */
    ck_assert_int_eq(m.b.tx.st.qdelay_sum, m.lindley_sum);
    ck_assert_int_eq(m.b.tx.st.busy_time, (nvo_time_t) n * m.service);
    ck_assert_int_eq(m.b.last_rx, m.last_arrival + m.lindley_w + m.service
                                  + NVO_US);
    *util = (double) m.b.tx.st.busy_time / (double) m.b.last_rx;
    double wq = nvo_port_mean_qdelay(&m.b.tx);
    bench_destroy(&m.b);
    return wq;
}

/* Mean queueing delay and utilisation over 'n_seeds' independent runs of
 * 'n' frames, against Pollaczek-Khinchine for M/D/1:
 * Wq = rho S / (2 (1 - rho)), and utilisation rho.  'tol' and 'tol_util'
 * are their relative tolerances; the test also checks, from the spread
 * between the seeds, that three standard errors of Wq fit in 'tol'. */
static void
check_md1(double rho, uint64_t n, uint32_t n_seeds, double tol,
          double tol_util)
{
    const double service = 819200.0;
    double wq_theory = rho * service / (2 * (1 - rho));
    double sum = 0, sum2 = 0, usum = 0;
    for (uint32_t i = 0; i < n_seeds; i++) {
        double util;
        double rel = run_md1(rho, n, 1 + i, &util) / wq_theory;
        sum += rel;
        sum2 += rel * rel;
        usum += util;
    }
    double mean = sum / n_seeds;
    double sd = sqrt(fmax(sum2 / n_seeds - mean * mean, 0)
                     * n_seeds / (n_seeds - 1));
    double se = sd / sqrt(n_seeds);
    ck_assert_msg(fabs(mean - 1) < tol, "rho %.2f: Wq %.1f ps, theory %.1f "
                  "ps (%+.3f%%, tolerance %.2f%%)", rho, mean * wq_theory,
                  wq_theory, 100 * (mean - 1), 100 * tol);
    ck_assert_msg(3 * se < tol, "rho %.2f: standard error %.3f%% too large "
                  "for the tolerance %.2f%%", rho, 100 * se, 100 * tol);
    double util = usum / n_seeds;
    ck_assert_msg(fabs(util / rho - 1) < tol_util, "rho %.2f: utilisation "
                  "%.5f (%+.3f%%, tolerance %.2f%%)", rho, util,
                  100 * (util / rho - 1), 100 * tol_util);
}

/* How precise the test must be: a link that forgot the 4-byte FCS would
 * serve a frame in S' = 1020 * 8 / 10 Gb/s = 816 ns instead of
 * S = 819.2 ns.  At the offered rho = 0.5 (mean gap 1638.4 ns) its load
 * is rho' = 816 / 1638.4 = 0.49805 and its
 * Wq' = rho' S' / (2 (1 - rho')) = 404.82 ns instead of Wq = 409.60 ns:
 * 1.17% lower; its utilisation is 0.39% lower.  The tolerances are 0.7%
 * for Wq (60% of its shift) and 0.2% for the utilisation (half).
 * The statistical error: the mean of n waits in an M/D/1 queue at
 * rho = 0.5 has a relative standard deviation of about 4.2 / sqrt(n)
 * (measured over 40 runs of 500,000 frames; the waits are correlated, so
 * not 1 / sqrt(n)), so 10 seeds of 500,000 frames give
 * 4.2 / sqrt(5e6) = 0.19%: the tolerance is 3.7 standard errors from the
 * theory and the FCS error 2.5 beyond it (check_md1 checks the standard
 * error from the seeds' spread).  The utilisation's error comes from the
 * elapsed time, a sum of 5e6 exponential gaps: 1 / sqrt(5e6) = 0.045%, a
 * quarter of its tolerance, the FCS shift 4 of them beyond.  An FCS
 * error therefore fails both; it also fails the exact comparisons with
 * Lindley's recursion in run_md1.  Run time: 5e6 frames, about 0.7 s on
 * the native engine, 3 s on ns-3. */
START_TEST(md1_rho_05)
{
    check_md1(0.5, 500000, 10, 0.007, 0.002);
}
END_TEST

/* At rho = 0.8 the waits are more correlated (relative standard deviation
 * about 8.7 / sqrt(n)): one run of 1e6 frames is within 0.9% (1 sd) and
 * checks the shape of the P-K curve at high load to 3%; precision comes
 * from rho = 0.5 and from the exact Lindley comparison, which holds at any
 * load. */
START_TEST(md1_rho_08)
{
    double util;
    double wq = run_md1(0.8, 1000000, 1, &util);
    double wq_theory = 0.8 * 819200.0 / (2 * (1 - 0.8));
    ck_assert_msg(fabs(wq / wq_theory - 1) < 0.03, "rho 0.80: Wq %.1f ps, "
                  "theory %.1f ps", wq, wq_theory);
    ck_assert_double_eq_tol(util, 0.8, 0.004);
}
END_TEST

int
main(void)
{
    Suite *s = suite_create("link");
    TCase *tc = tcase_create(nvo_test_engine());
    tcase_add_test(tc, timing);
    tcase_add_test(tc, taps);
    tcase_add_test(tc, mtu);
    tcase_add_test(tc, drop_tail);
    tcase_add_test(tc, control_priority);
    tcase_add_test(tc, link_down);
    tcase_add_test(tc, link_flap);
    tcase_add_test(tc, bad_cfg);
    tcase_add_test(tc, md1_rho_05);
    tcase_add_test(tc, md1_rho_08);
    tcase_set_timeout(tc, 300);
    suite_add_tcase(s, tc);
    return nvo_test_run(s);
}
