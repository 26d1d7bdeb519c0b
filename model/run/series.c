/* series.c: the run's time series, sampled by one engine timer into a
 * long-format CSV (series.csv).  See series.h and docs/outputs.md. */
#include "run/series.h"

#include <inttypes.h>

#include "core/fileio.h"
#include "ctrl/bgp_speaker.h"
#include "ctrl/ldp_speaker.h"
#include "overlay/mac_table.h"

struct nvo_series {
    struct nvo_engine *engine;
    const struct nvo_net *net;
    const struct nvo_sim_overlay *o;
    const struct nvo_sim_ctrl *c;
    nvo_time_t interval, duration;
    nvo_event_id ev;
    uint64_t n_samples;
    nvo_time_t last;            /* time of the last sample; -1: none */
    GPtrArray *ports;           /* const struct nvo_port *, node and port
                                 * order, connected ports only */
    uint64_t *prev_tx;          /* per port, NVO_TC_N: tx_bytes before */
    uint64_t *prev_bgp;         /* per BGP speaker: messages sent before */
    uint64_t *prev_ldp;         /* per LDP speaker: messages sent before */
    GString *csv;
};

static const char *const tc_metric[NVO_TC_N] = {
    [NVO_TC_DATA] = "tx_bytes_data",
    [NVO_TC_BUM] = "tx_bytes_bum",
    [NVO_TC_CONTROL] = "tx_bytes_control",
};

static uint64_t
ldp_msgs_out__(const struct nvo_ldp_speaker *s)
{
    const struct nvo_ldp_counters *k = nvo_ldp_speaker_counters(s);
    uint64_t n = 0;
    for (int m = 0; m < NVO_LDP_K_N; m++) {
        n += k->msgs_out[m];
    }
    return n;
}

/* Appends a picosecond time as microseconds, exactly: "100", "2.5". */
static void
time_us__(GString *s, nvo_time_t t)
{
    g_string_append_printf(s, "%" PRId64, t / NVO_US);
    int64_t frac = t % NVO_US;
    if (frac) {
        char buf[16];
        snprintf(buf, sizeof buf, "%06" PRId64, frac);
        for (int i = 5; i > 0 && buf[i] == '0'; i--) {
            buf[i] = 0;
        }
        g_string_append_printf(s, ".%s", buf);
    }
}

static void
row__(struct nvo_series *s, nvo_time_t now, const char *kind,
      const char *entity, uint32_t port, const char *metric, uint64_t v)
{
    time_us__(s->csv, now);
    g_string_append_printf(s->csv, ",%s,%s", kind, entity);
    if (port) {
        g_string_append_printf(s->csv, ":%" PRIu32, port);
    }
    g_string_append_printf(s->csv, ",%s,%" PRIu64 "\n", metric, v);
}

static void
sample__(struct nvo_series *s)
{
    nvo_time_t now = nvo_engine_now(s->engine);
    for (guint i = 0; i < s->ports->len; i++) {
        const struct nvo_port *p = g_ptr_array_index(s->ports, i);
        for (int tc = 0; tc < NVO_TC_N; tc++) {
            uint64_t *prev = &s->prev_tx[i * NVO_TC_N + (guint) tc];
            row__(s, now, "link", p->node->name, p->index + 1, tc_metric[tc],
                  p->st.tx_bytes[tc] - *prev);
            *prev = p->st.tx_bytes[tc];
        }
        row__(s, now, "link", p->node->name, p->index + 1, "queue_bytes",
              p->q_data.bytes + p->q_ctrl.bytes);
    }
    for (uint32_t i = 0; s->o && i < s->o->n_pes; i++) {
        struct nvo_pe_node *pe = s->o->pes[i];
        const struct nvo_mac_counters *mc =
            nvo_mac_table_counters(nvo_pe_node_mac_table(pe));
        row__(s, now, "pe", nvo_pe_node_base(pe)->name, 0, "mac_entries",
              mc->entries);
    }
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_bgp(s->c); i++) {
        bool rr;
        const struct nvo_bgp_speaker *b = nvo_sim_ctrl_bgp(s->c, i, &rr);
        const char *name = nvo_bgp_speaker_node(b)->name;
        row__(s, now, "bgp", name, 0, "loc_rib",
              nvo_bgp_speaker_loc_rib_size(b));
        uint64_t m = nvo_bgp_counters_msgs_out(nvo_bgp_speaker_counters(b));
        row__(s, now, "bgp", name, 0, "msgs_out", m - s->prev_bgp[i]);
        s->prev_bgp[i] = m;
    }
    for (uint32_t i = 0; i < nvo_sim_ctrl_n_vpls(s->c); i++) {
        const struct nvo_ldp_speaker *l = nvo_sim_ctrl_ldp(s->c, i);
        uint64_t m = ldp_msgs_out__(l);
        row__(s, now, "ldp", nvo_ldp_speaker_node(l)->name, 0, "msgs_out",
              m - s->prev_ldp[i]);
        s->prev_ldp[i] = m;
    }
    s->n_samples++;
    s->last = now;
}

static void
timer__(void *s_)
{
    struct nvo_series *s = s_;
    s->ev = NVO_EVENT_NONE;
    sample__(s);
    nvo_time_t now = nvo_engine_now(s->engine);
    if (s->interval < s->duration - now) {
        s->ev = nvo_engine_schedule_at(s->engine, now + s->interval, timer__,
                                       s);
    }
}

struct nvo_series *
nvo_series_create(struct nvo_engine *e, const struct nvo_net *net,
                  const struct nvo_sim_overlay *o,
                  const struct nvo_sim_ctrl *c, nvo_time_t interval,
                  nvo_time_t duration)
{
    struct nvo_series *s = g_new0(struct nvo_series, 1);
    s->engine = e;
    s->net = net;
    s->o = o;
    s->c = c;
    s->interval = interval > 0 ? interval : 1;
    s->duration = duration;
    s->ev = NVO_EVENT_NONE;
    s->last = -1;
    s->ports = g_ptr_array_new();
    for (uint32_t i = 0; i < nvo_net_n_nodes(net); i++) {
        const struct nvo_node *n = nvo_net_node(net, i);
        for (uint32_t p = 0; p < n->n_ports; p++) {
            if (n->ports[p].link) {
                g_ptr_array_add(s->ports, (gpointer) &n->ports[p]);
            }
        }
    }
    s->prev_tx = g_new0(uint64_t, (s->ports->len ? s->ports->len : 1)
                                  * NVO_TC_N);
    uint32_t nb = nvo_sim_ctrl_n_bgp(c), nl = nvo_sim_ctrl_n_vpls(c);
    s->prev_bgp = g_new0(uint64_t, nb ? nb : 1);
    s->prev_ldp = g_new0(uint64_t, nl ? nl : 1);
    s->csv = g_string_new("time_us,kind,entity,metric,value\n");
    return s;
}

void
nvo_series_start(struct nvo_series *s)
{
    nvo_time_t now = nvo_engine_now(s->engine);
    if (s->interval < s->duration - now) {
        s->ev = nvo_engine_schedule_at(s->engine, now + s->interval, timer__,
                                       s);
    }
}

void
nvo_series_finish(struct nvo_series *s)
{
    nvo_engine_cancel(s->engine, s->ev);
    s->ev = NVO_EVENT_NONE;
    if (nvo_engine_now(s->engine) > s->last) {
        sample__(s);
    }
}

uint64_t
nvo_series_n_samples(const struct nvo_series *s)
{
    return s->n_samples;
}

const char *
nvo_series_csv(const struct nvo_series *s, size_t *len)
{
    *len = s->csv->len;
    return s->csv->str;
}

int
nvo_series_write(const struct nvo_series *s, const char *dir,
                 GError **error)
{
    char *path = g_build_filename(dir, "series.csv", NULL);
    int err = nvo_file_write_atomic(path, s->csv->str, s->csv->len);
    if (err) {
        g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED, "%s: %s", path,
                    g_strerror(err));
    }
    g_free(path);
    return err;
}

void
nvo_series_destroy(struct nvo_series *s)
{
    if (!s) {
        return;
    }
    nvo_engine_cancel(s->engine, s->ev);
    g_ptr_array_free(s->ports, TRUE);
    g_free(s->prev_tx);
    g_free(s->prev_bgp);
    g_free(s->prev_ldp);
    g_string_free(s->csv, TRUE);
    g_free(s);
}
