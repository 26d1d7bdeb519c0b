/* flows_csv.c: the per-flow records of a run as CSV (flows.csv).  See
 * flows_csv.h and docs/outputs.md. */
#include "run/flows_csv.h"

#include <inttypes.h>

#include "core/fileio.h"
#include "run/sim_overlay.h"

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

char *
nvo_flows_csv(const struct nvo_sim *sim, size_t *len)
{
    GString *s = g_string_new("id,src,dst,src_vm,dst_vm,vni,size_bytes,"
                              "start_us,completion_us,packets_sent,"
                              "packets_delivered,packets_in_network,"
                              "drops\n");
    uint64_t n = 0;
    struct nvo_traffic_flow_rec *r = nvo_traffic_flow_records(sim->traffic,
                                                              &n);
    const struct nvo_sim_overlay *o = sim->overlay;
    for (uint64_t i = 0; i < n; i++) {
        const struct nvo_traffic_flow_rec *f = &r[i];
        g_string_append_printf(s, "%" PRIu64 ",%s,%s,", i + 1,
                               nvo_net_node(sim->net, f->src_node)->name,
                               nvo_net_node(sim->net, f->dst_node)->name);
        if (o && f->src_ep < o->n_vms && f->dst_ep < o->n_vms) {
            g_string_append_printf(s, "%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",",
                                   f->src_ep, f->dst_ep,
                                   o->tenant_vni[o->vms[f->src_ep].group]);
        } else {
            g_string_append(s, ",,,");      /* no VMs: no tenant */
        }
        g_string_append_printf(s, "%" PRIu64 ",", f->size);
        time_us__(s, f->start);
        g_string_append_c(s, ',');
        if (f->completion >= 0) {
            time_us__(s, f->completion);
        }
        g_string_append_printf(s, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
                               ",%" PRIu64 "\n", f->pkts_sent,
                               f->pkts_delivered, f->pkts_in_net,
                               f->pkts_lost);
    }
    g_free(r);
    *len = s->len;
    return g_string_free(s, FALSE);
}

int
nvo_flows_csv_write(const struct nvo_sim *sim, const char *dir,
                    GError **error)
{
    size_t len;
    char *csv = nvo_flows_csv(sim, &len);
    char *path = g_build_filename(dir, "flows.csv", NULL);
    int err = nvo_file_write_atomic(path, csv, len);
    if (err) {
        g_set_error(error, NVO_IO_ERROR, NVO_IO_ERROR_FAILED, "%s: %s", path,
                    g_strerror(err));
    }
    g_free(path);
    g_free(csv);
    return err;
}
