/* report_fabric.c: the fabric drawing of the run report
 * (report_fabric.h): layout in tier rows, aggregation of hypervisors per
 * leaf for big fabrics, and the two coloured views. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/report.h"
#include "analysis/report_fabric.h"
#include "analysis/svg.h"

enum { ROW_OTHER, ROW_SUPER, ROW_SPINE, ROW_LEAF, ROW_HV, ROW_N };

static const char *const row_names[ROW_N] = {
    "reflectors, routers", "super-spines", "spines", "leaves",
    "hypervisors",
};

static int
row_of__(const char *role)
{
    if (!strcmp(role, "super-spine")) {
        return ROW_SUPER;
    }
    if (!strcmp(role, "spine")) {
        return ROW_SPINE;
    }
    if (!strcmp(role, "leaf")) {
        return ROW_LEAF;
    }
    if (!strcmp(role, "hypervisor")) {
        return ROW_HV;
    }
    return ROW_OTHER;
}

struct box {
    char *label;                /* the node's name, or "N hypervisors" */
    char *title;                /* the hover text */
    int row;
    size_t members;
    double x, y;
};

struct edge {
    size_t from, to;            /* boxes */
    const char *tier;
    size_t n;                   /* link directions in it */
    size_t n_down;              /* of which down */
    double util_sum, util_max;
    uint64_t data, bum, control;
    const struct nvo_rep_link *one;     /* the direction, when n == 1 */
};

struct layout {
    GArray *boxes;              /* struct box */
    GArray *edges;              /* struct edge */
    size_t *box_of;             /* node -> box */
    bool aggregated;
    size_t n_hv;
    double width, height;
    double pitch;
    double row_y[ROW_N];
    size_t row_n[ROW_N];
};

static void
layout_build__(struct layout *L, const struct nvo_rep_run *r)
{
    size_t nn = r->nodes->len;
    L->boxes = g_array_new(FALSE, TRUE, sizeof(struct box));
    L->edges = g_array_new(FALSE, TRUE, sizeof(struct edge));
    L->box_of = g_new0(size_t, nn ? nn : 1);
    for (size_t i = 0; i < nn; i++) {
        const struct nvo_rep_node *n = &g_array_index(r->nodes,
                                                      struct nvo_rep_node, i);
        L->n_hv += row_of__(n->role) == ROW_HV;
    }
    L->aggregated = L->n_hv > NVO_REPORT_AGG_HYPERVISORS;

    /* The leaf of each hypervisor: the peer of its lowest-port up-link. */
    size_t *leaf_of = g_new(size_t, nn ? nn : 1);
    unsigned *leaf_port = g_new0(unsigned, nn ? nn : 1);
    for (size_t i = 0; i < nn; i++) {
        leaf_of[i] = SIZE_MAX;
    }
    for (guint k = 0; k < r->links->len; k++) {
        const struct nvo_rep_link *l = &g_array_index(r->links,
                                                      struct nvo_rep_link, k);
        const struct nvo_rep_node *a = &g_array_index(r->nodes,
                                                      struct nvo_rep_node,
                                                      l->from);
        if (row_of__(a->role) == ROW_HV
            && (leaf_of[l->from] == SIZE_MAX || l->port < leaf_port[l->from])) {
            leaf_of[l->from] = l->to;
            leaf_port[l->from] = l->port;
        }
    }

    /* Boxes: one per node, except hypervisors when aggregated: one per
     * leaf (in the order of the leaves), and one for hypervisors without
     * links. */
    size_t *group_box = g_new(size_t, nn + 1);
    for (size_t i = 0; i <= nn; i++) {
        group_box[i] = SIZE_MAX;
    }
    for (size_t i = 0; i < nn; i++) {
        const struct nvo_rep_node *n = &g_array_index(r->nodes,
                                                      struct nvo_rep_node, i);
        int row = row_of__(n->role);
        if (row == ROW_HV && L->aggregated) {
            continue;
        }
        struct box b = { .label = g_strdup(n->name), .row = row,
                         .members = 1 };
        b.title = g_strdup_printf("%s (%s)", n->name, n->role);
        L->box_of[i] = L->boxes->len;
        g_array_append_val(L->boxes, b);
    }
    if (L->aggregated) {
        for (size_t i = 0; i < nn; i++) {
            const struct nvo_rep_node *n = &g_array_index(
                r->nodes, struct nvo_rep_node, i);
            if (row_of__(n->role) != ROW_HV) {
                continue;
            }
            size_t g = leaf_of[i] == SIZE_MAX ? nn : leaf_of[i];
            if (group_box[g] == SIZE_MAX) {
                struct box b = { .row = ROW_HV };
                group_box[g] = L->boxes->len;
                g_array_append_val(L->boxes, b);
            }
            g_array_index(L->boxes, struct box, group_box[g]).members++;
            L->box_of[i] = group_box[g];
        }
        for (size_t g = 0; g <= nn; g++) {
            if (group_box[g] == SIZE_MAX) {
                continue;
            }
            struct box *b = &g_array_index(L->boxes, struct box,
                                           group_box[g]);
            b->label = g_strdup_printf("%zu hv", b->members);
            b->title = g < nn
                ? g_strdup_printf("%zu hypervisors whose first up-link goes "
                                  "to %s", b->members,
                                  g_array_index(r->nodes, struct nvo_rep_node,
                                                g).name)
                : g_strdup_printf("%zu hypervisors without links",
                                  b->members);
        }
    }

    /* Edges: one per link direction, or per (box, box) pair when an end
     * is an aggregated box. */
    GHashTable *pair = g_hash_table_new(g_int64_hash, g_int64_equal);
    GArray *keys = g_array_new(FALSE, FALSE, sizeof(gint64));
    g_array_set_size(keys, r->links->len);
    for (guint k = 0; k < r->links->len; k++) {
        const struct nvo_rep_link *l = &g_array_index(r->links,
                                                      struct nvo_rep_link, k);
        size_t a = L->box_of[l->from], b = L->box_of[l->to];
        bool agg = L->aggregated
            && (g_array_index(L->boxes, struct box, a).row == ROW_HV
                || g_array_index(L->boxes, struct box, b).row == ROW_HV);
        struct edge *e = NULL;
        if (agg) {
            gint64 *key = &g_array_index(keys, gint64, k);
            *key = (gint64) a * (gint64) (L->boxes->len + 1) + (gint64) b;
            gpointer ix = g_hash_table_lookup(pair, key);
            if (ix) {
                e = &g_array_index(L->edges, struct edge,
                                   GPOINTER_TO_SIZE(ix) - 1);
            }
        }
        if (!e) {
            struct edge ne = { .from = a, .to = b, .tier = l->tier };
            g_array_append_val(L->edges, ne);
            e = &g_array_index(L->edges, struct edge, L->edges->len - 1);
            if (agg) {
                g_hash_table_insert(pair, &g_array_index(keys, gint64, k),
                                    GSIZE_TO_POINTER(L->edges->len));
            }
        }
        e->n++;
        e->n_down += !l->up;
        e->util_sum += l->utilization;
        e->util_max = e->n == 1 ? l->utilization
                      : fmax(e->util_max, l->utilization);
        e->data += l->bytes_data;
        e->bum += l->bytes_bum;
        e->control += l->bytes_control;
        e->one = e->n == 1 ? l : NULL;
    }
    g_hash_table_destroy(pair);
    g_array_free(keys, TRUE);
    g_free(group_box);
    g_free(leaf_of);
    g_free(leaf_port);

    /* Positions: the rows that have boxes, top to bottom; boxes evenly
     * spaced in their row, in node order. */
    size_t widest = 1;
    for (guint i = 0; i < L->boxes->len; i++) {
        L->row_n[g_array_index(L->boxes, struct box, i).row]++;
    }
    for (int row = 0; row < ROW_N; row++) {
        widest = MAX(widest, L->row_n[row]);
    }
    L->pitch = MAX(22.0, MIN(90.0, 1100.0 / (double) widest));
    L->width = 150 + widest * L->pitch + 20;
    double y = 40, last = 40;
    for (int row = 0; row < ROW_N; row++) {
        L->row_y[row] = y;
        if (L->row_n[row]) {
            last = y;
            y += 110;
        }
    }
    L->height = last + 30;
    size_t seen[ROW_N] = { 0 };
    for (guint i = 0; i < L->boxes->len; i++) {
        struct box *b = &g_array_index(L->boxes, struct box, i);
        double span = widest * L->pitch;
        double step = span / (double) L->row_n[b->row];
        b->x = 150 + step * ((double) seen[b->row]++ + 0.5);
        b->y = L->row_y[b->row];
    }
}

static void
layout_free__(struct layout *L)
{
    for (guint i = 0; i < L->boxes->len; i++) {
        struct box *b = &g_array_index(L->boxes, struct box, i);
        g_free(b->label);
        g_free(b->title);
    }
    g_array_free(L->boxes, TRUE);
    g_array_free(L->edges, TRUE);
    g_free(L->box_of);
}

static double
edge_value__(const struct edge *e, bool bum)
{
    return bum ? (double) e->bum : e->util_sum / (double) e->n;
}

static void
edge_title__(GString *out, const struct layout *L, const struct nvo_rep_run *r,
           const struct edge *e)
{
    char b1[32], b2[32];
    const struct box *a = &g_array_index(L->boxes, struct box, e->from);
    const struct box *z = &g_array_index(L->boxes, struct box, e->to);
    GString *t = g_string_new(NULL);
    if (e->one) {
        const struct nvo_rep_node *f = &g_array_index(
            r->nodes, struct nvo_rep_node, e->one->from);
        const struct nvo_rep_node *to = &g_array_index(
            r->nodes, struct nvo_rep_node, e->one->to);
        g_string_append_printf(t, "%s port %u \xe2\x86\x92 %s (%s%s): "
                               "utilization %s (fraction of time sending)",
                               f->name, e->one->port, to->name, e->tier,
                               e->one->up ? "" : ", down",
                               nvo_svg_num(b1, e->one->utilization, 4));
    } else {
        g_string_append_printf(t, "%s \xe2\x86\x92 %s (%s): %zu link "
                               "directions%s; utilization mean %s, max %s "
                               "(fraction of time sending)", a->title,
                               z->title, e->tier, e->n,
                               e->n_down ? ", some down" : "",
                               nvo_svg_num(b1, e->util_sum / (double) e->n,
                                           4),
                               nvo_svg_num(b2, e->util_max, 4));
    }
    g_string_append_printf(t, "; bytes sent: data %" G_GUINT64_FORMAT
                           ", BUM %" G_GUINT64_FORMAT ", control %"
                           G_GUINT64_FORMAT, e->data, e->bum, e->control);
    nvo_svg_escape(out, t->str);
    g_string_free(t, TRUE);
}

static void
draw_view__(GString *out, const struct layout *L, const struct nvo_rep_run *r,
          bool bum)
{
    const char *id = bum ? "fabric-bum" : "fabric-util";
    double vmax = 0;
    for (guint i = 0; i < L->edges->len; i++) {
        vmax = fmax(vmax, edge_value__(&g_array_index(L->edges, struct edge, i),
                                     bum));
    }
    double hi = nvo_svg_nice_ceil(vmax);
    char b[32], c[8];
    g_string_append_printf(out, "<figure><svg xmlns=\"http://www.w3.org/2000/"
                           "svg\" id=\"%s\" class=\"fabric\" width=\"%.0f\" "
                           "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                           "role=\"img\" aria-label=\"the fabric, links "
                           "coloured by %s\"><title>The fabric, each link "
                           "direction coloured by %s</title>\n", id,
                           L->width, L->height + 60, L->width,
                           L->height + 60, bum ? "BUM bytes" : "utilization",
                           bum ? "BUM bytes" : "utilization");
    for (int row = 0; row < ROW_N; row++) {
        if (!L->row_n[row]) {
            continue;
        }
        g_string_append_printf(out, "<text class=\"row-label\" x=\"8\" "
                               "y=\"%.1f\">%s (%zu)</text>\n",
                               L->row_y[row] + 4, row_names[row],
                               row == ROW_HV ? L->n_hv : L->row_n[row]);
        if (row == ROW_HV && L->aggregated) {
            g_string_append_printf(out, "<text class=\"row-label\" "
                                   "x=\"8\" y=\"%.1f\">one box per leaf"
                                   "</text>\n", L->row_y[row] + 17);
        }
    }
    g_string_append_printf(out, "<g class=\"links\">\n");
    for (guint i = 0; i < L->edges->len; i++) {
        const struct edge *e = &g_array_index(L->edges, struct edge, i);
        const struct box *a = &g_array_index(L->boxes, struct box, e->from);
        const struct box *z = &g_array_index(L->boxes, struct box, e->to);
        double t = edge_value__(e, bum) / hi;
        double w = 1.2 + 3.0 * fmin(1, fmax(0, t));
        const char *dash = e->n_down == e->n ? " stroke-dasharray=\"4 3\""
                           : "";
        if (a->row == z->row) {
            /* Within a row: an arc above it, one per direction. */
            double lift = a->x < z->x ? 30 : 22;
            g_string_append_printf(out, "<path class=\"link\" d=\"M%.1f %.1f "
                                   "Q%.1f %.1f %.1f %.1f\" fill=\"none\" "
                                   "stroke=\"%s\" stroke-width=\"%.2f\"%s>"
                                   "<title>", a->x, a->y - 9,
                                   (a->x + z->x) / 2, a->y - 9 - lift, z->x,
                                   z->y - 9, nvo_svg_colour(c, t), w, dash);
        } else {
            /* The two directions of a link side by side: offset across the
             * line, to the left of the direction of travel. */
            double y1 = a->y + (z->y > a->y ? 9 : -9);
            double y2 = z->y + (z->y > a->y ? -9 : 9);
            double dx = z->x - a->x, dy = y2 - y1;
            double len = sqrt(dx * dx + dy * dy);
            double ox = len > 0 ? -dy / len * 1.6 : 0;
            double oy = len > 0 ? dx / len * 1.6 : 0;
            g_string_append_printf(out, "<line class=\"link\" x1=\"%.1f\" "
                                   "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                   "stroke=\"%s\" stroke-width=\"%.2f\"%s>"
                                   "<title>", a->x + ox, y1 + oy, z->x + ox,
                                   y2 + oy, nvo_svg_colour(c, t), w, dash);
        }
        edge_title__(out, L, r, e);
        g_string_append(out, "</title></");
        g_string_append(out, a->row == z->row ? "path>\n" : "line>\n");
    }
    g_string_append(out, "</g>\n<g class=\"nodes\">\n");
    double bw = fmin(64, L->pitch - 4);
    for (guint i = 0; i < L->boxes->len; i++) {
        const struct box *bx = &g_array_index(L->boxes, struct box, i);
        g_string_append_printf(out, "<g class=\"node\"><title>");
        nvo_svg_escape(out, bx->title);
        g_string_append_printf(out, "</title><rect class=\"node%s\" "
                               "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                               "height=\"18\" rx=\"3\"/>",
                               bx->members > 1 ? " agg" : "", bx->x - bw / 2,
                               bx->y - 9, bw);
        /* A name that fits (about 6 px per character at 10 px). */
        if (strlen(bx->label) * 6.0 <= bw + 8) {
            g_string_append_printf(out, "<text class=\"node-label\" "
                                   "x=\"%.1f\" y=\"%.1f\" "
                                   "text-anchor=\"middle\">", bx->x,
                                   bx->y + 3.5);
            nvo_svg_escape(out, bx->label);
            g_string_append(out, "</text>");
        }
        g_string_append(out, "</g>\n");
    }
    g_string_append(out, "</g>\n");
    char *label = bum
        ? g_strdup_printf("BUM bytes sent on the link direction (bytes, "
                          "framing included; busiest %s)",
                          nvo_svg_num(b, vmax, 6))
        : g_strdup_printf("utilization: fraction of the time the direction "
                          "was sending (busiest %s%s)",
                          nvo_svg_num(b, vmax, 4),
                          L->aggregated ? "; aggregated lines: the mean"
                          : "");
    nvo_svg_legend(out, bum ? "scale-bum" : "scale-util", 150, L->height,
                   320, 0, hi, label);
    g_free(label);
    g_string_append_printf(out, "</svg><figcaption>%s Line colour and width "
                           "grow with the value; hover a line for its "
                           "numbers.%s</figcaption></figure>\n",
                           bum ? "BUM (broadcast, unknown-unicast, "
                           "multicast) bytes per link direction."
                           : "Utilization per link direction.",
                           bum && vmax == 0 ? " This run sent no BUM frame: "
                           "every direction is at 0." : "");
}

size_t
nvo_rep_fabric(GString *out, const struct nvo_rep_run *r)
{
    struct layout L = { 0 };
    layout_build__(&L, r);
    g_string_append_printf(out, "<p>%u nodes and %u link directions "
                           "(results.xml <code>&lt;network&gt;</code> and "
                           "<code>&lt;links&gt;</code>); each link is drawn "
                           "as its two directions side by side, the one on "
                           "the left of the direction of travel.",
                           r->nodes->len, r->links->len);
    if (L.aggregated) {
        g_string_append_printf(out, " <strong>Aggregated:</strong> the %zu "
                               "hypervisors (more than %d) are drawn as one "
                               "box per leaf (the leaf of each hypervisor's "
                               "first up-link), and their link directions "
                               "to and from a leaf as one line each way "
                               "(%u lines in all): its colour is the mean "
                               "utilization of those directions, its BUM "
                               "bytes their sum.", L.n_hv,
                               NVO_REPORT_AGG_HYPERVISORS, L.edges->len);
    }
    g_string_append(out, "</p>\n");
    draw_view__(out, &L, r, false);
    draw_view__(out, &L, r, true);
    size_t n = L.edges->len;
    layout_free__(&L);
    return n;
}
