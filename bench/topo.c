/* topo.c: a benchmark's leaf-spine fabric, built by the topology
 * generator (<leaf-spine>, io/config_topo.c) like a scenario's: the
 * generator's file is written to a temporary file, loaded with
 * nvo_topo_load() and its nodes and links added to the network in the
 * generator's order.  See bench.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "bench.h"
#include "fabric/net.h"
#include "io/config.h"

/* The attributes of one link element: every field of 'c', exactly. */
static void
link_attrs__(FILE *f, const char *elem, const struct nvo_link_cfg *c)
{
    fprintf(f, "    <%s rate=\"%" PRIu64 "bps\" delay=\"%" PRId64 "ps\" "
            "mtu=\"%" PRIu32 "\" queue=\"%" PRIu64 "B\" ctrl-queue=\"%"
            PRIu64 "B\" framing=\"%" PRIu32 "\"/>\n", elem, c->rate_bps,
            c->delay, c->mtu, c->queue_bytes, c->ctrl_queue_bytes,
            c->framing);
}

/* Writes the generator's file; returns its path (g_free) or NULL. */
static char *
write_topology__(const struct nvo_bench_leaf_spine *ls)
{
    char *path = NULL;
    int fd = g_file_open_tmp("nvosim-bench-XXXXXX.xml", &path, NULL);
    if (fd < 0) {
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(path);
        g_free(path);
        return NULL;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<topology name=\"bench-%" PRIu32 "x%" PRIu32 "x%" PRIu32 "\">\n"
            "  <leaf-spine spines=\"%" PRIu32 "\" leaves=\"%" PRIu32 "\" "
            "hypervisors-per-leaf=\"%" PRIu32 "\"%s>\n", ls->spines,
            ls->leaves, ls->hosts_per_leaf, ls->spines, ls->leaves,
            ls->hosts_per_leaf, ls->dual ? " dual-homed=\"true\"" : "");
    link_attrs__(f, "uplink", &ls->uplink);
    link_attrs__(f, "access", &ls->access);
    fprintf(f, "  </leaf-spine>\n</topology>\n");
    if (fclose(f)) {
        unlink(path);
        g_free(path);
        return NULL;
    }
    return path;
}

struct nvo_topo_cfg *
nvo_bench_leaf_spine_load(const struct nvo_bench_leaf_spine *ls,
                          const char *what, int *error)
{
    char *path = write_topology__(ls);
    if (!path) {
        *error = EIO;
        return NULL;
    }
    GError *gerr = NULL;
    struct nvo_topo_cfg *topo = nvo_topo_load(path, NULL, 0, &gerr);
    unlink(path);
    g_free(path);
    if (!topo) {
        fprintf(stderr, "nvosim bench %s: %s\n", what, gerr->message);
        g_error_free(gerr);
        *error = EINVAL;
        return NULL;
    }
    *error = 0;
    return topo;
}

int
nvo_bench_topo_add(struct nvo_net *net, const struct nvo_topo_cfg *topo)
{
    int error = 0;
    for (size_t i = 0; i < topo->n_nodes && !error; i++) {
        if (nvo_net_add_node(net, topo->nodes[i].name, topo->nodes[i].role)
            != (int) i) {
            error = EEXIST;
        }
    }
    for (size_t i = 0; i < topo->n_links && !error; i++) {
        const struct nvo_topo_link_cfg *l = &topo->links[i];
        error = nvo_net_add_link(net, l->a, l->b, &l->cfg);
    }
    return error;
}

int
nvo_bench_leaf_spine_build(struct nvo_net *net,
                           const struct nvo_bench_leaf_spine *ls,
                           const char *what)
{
    int error;
    struct nvo_topo_cfg *topo = nvo_bench_leaf_spine_load(ls, what, &error);
    if (!topo) {
        return error;
    }
    error = nvo_bench_topo_add(net, topo);
    nvo_topo_cfg_destroy(topo);
    return error;
}
