/* plot.c: one metric of a sweep against one varied path, with 95%
 * confidence intervals, through gnuplot (PNG with pngcairo, and SVG);
 * and running gnuplot to images committed both or neither
 * (nvo_gnuplot_draw(), which the run plots of plot_run.c share).
 * See plot.h.  Leaves out: several metrics on one plot, filled bands,
 * terminals other than pngcairo and svg. */
#include "analysis/plot.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "analysis/summarize.h"
#include "core/fileio.h"
#include "core/spawn.h"

void
nvo_plot_result_clear(struct nvo_plot_result *res)
{
    if (!res) {
        return;
    }
    g_free(res->data);
    g_free(res->script);
    g_free(res->png);
    g_free(res->svg);
    g_free(res->gnuplot_messages);
    memset(res, 0, sizeof *res);
}

/* A gnuplot string literal: single quotes, in which only '' is special.
 * A newline would end the command, so control characters become spaces
 * (the CSV reader already refuses them; titles and paths come here too). */
void
nvo_gp_quote(GString *s, const char *text)
{
    g_string_append_c(s, '\'');
    for (const char *c = text; *c; c++) {
        if (*c == '\'') {
            g_string_append_c(s, '\'');
        }
        g_string_append_c(s, (unsigned char) *c < 0x20 || *c == 0x7f ? ' '
                                                                    : *c);
    }
    g_string_append_c(s, '\'');
}

/* 'name' with characters that do not belong in a file name replaced. */
static char *
file_name__(const char *name)
{
    char *s = g_strdup(name);
    for (char *c = s; *c; c++) {
        if (!g_ascii_isalnum(*c) && *c != '.' && *c != '_' && *c != '-') {
            *c = '_';
        }
    }
    return s;
}

/* "NAME (UNIT)", or NAME when its unit is unknown. */
static char *
axis_label__(const char *name)
{
    const char *unit = nvo_metric_unit(name);
    return unit ? g_strdup_printf("%s (%s)", name, unit) : g_strdup(name);
}

/* The index of 'v' among the distinct values 'vals', added if new. */
static size_t
distinct_index__(GPtrArray *vals, const char *v)
{
    for (size_t i = 0; i < vals->len; i++) {
        if (nvo_summary_values_equal(vals->pdata[i], v)) {
            return i;
        }
    }
    g_ptr_array_add(vals, (gpointer) v);
    return vals->len - 1;
}

static char *
join_values__(GPtrArray *vals)
{
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < vals->len; i++) {
        g_string_append_printf(s, "%s%s", i ? ", " : "",
                               (const char *) vals->pdata[i]);
    }
    return g_string_free(s, FALSE);
}

struct ppoint__ {
    double x;                   /* the number, or the category's index */
    const struct nvo_summary_point *pt;
    const struct nvo_stat *st;
};

static gint
ppoint_cmp__(gconstpointer a, gconstpointer b)
{
    const struct ppoint__ *p = a, *q = b;
    if (p->x != q->x) {
        return p->x < q->x ? -1 : 1;
    }
    return p->pt->point < q->pt->point ? -1 : p->pt->point > q->pt->point;
}

static int
fail__(GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static int
fail__(GError **error, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error_literal(error, NVO_SUMMARY_ERROR, code, msg);
    g_free(msg);
    return code == NVO_SUMMARY_ERROR_PLOT ? EIO : EINVAL;
}

static bool
nonempty_file__(const char *path)
{
    struct stat st;
    return !stat(path, &st) && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* Runs gnuplot on 'script' with the images going to 'png' and 'svg'. */
static int
run_gnuplot__(const char *prog, const char *data, const char *script,
              const char *png, const char *svg, char **messages,
              GError **error)
{
    GString *vars = g_string_new("png_out=");
    nvo_gp_quote(vars, png);
    g_string_append(vars, "; svg_out=");
    nvo_gp_quote(vars, svg);
    const char *argv[] = { prog, "-e", vars->str, script, NULL };
    struct nvo_spawn_opts so = {
        .argv = argv, .in = NVO_SPAWN_NULL, .out = NVO_SPAWN_CAPTURE,
        .err = NVO_SPAWN_CAPTURE,
    };
    struct nvo_spawn_result sr;
    int serr = nvo_spawn_run(&so, &sr);
    g_string_free(vars, TRUE);
    int rc = 0;
    char *out = sr.out, *err = sr.err;
    int status = sr.status;
    if (serr) {
        if (serr == ENOENT) {
            rc = fail__(error, NVO_SUMMARY_ERROR_PLOT,
                        "%s: not found: nvosim plot needs gnuplot (install "
                        "it: scripts/setup, or apt-get install gnuplot-nox); "
                        "the data and script are in %s and %s", prog,
                        data, script);
        } else {
            rc = fail__(error, NVO_SUMMARY_ERROR_PLOT, "cannot run %s: %s",
                        prog, g_strerror(serr));
        }
    } else {
        g_strstrip(err);
        if (*err && messages) {
            *messages = g_strdup(err);
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status)) {
            rc = fail__(error, NVO_SUMMARY_ERROR_PLOT,
                        "%s %s: failed (%s %d)%s%s", prog, script,
                        WIFEXITED(status) ? "exit status" : "signal",
                        WIFEXITED(status) ? WEXITSTATUS(status)
                                          : WTERMSIG(status),
                        *err ? ":\n" : "", err);
        } else if (!nonempty_file__(png) || !nonempty_file__(svg)) {
            rc = fail__(error, NVO_SUMMARY_ERROR_PLOT,
                        "%s %s: wrote no image (%s, %s)%s%s", prog, script,
                        png, svg, *err ? ":\n" : "", err);
        }
    }
    g_free(out);
    g_free(err);
    return rc;
}

int
nvo_gnuplot_draw(const char *prog, const char *data, const char *script,
                 const char *png, const char *svg, char **messages,
                 GError **error)
{
    if (messages) {
        *messages = NULL;
    }
    char *png_tmp = nvo_file_tmp_path(png), *svg_tmp = nvo_file_tmp_path(svg);
    int rc = run_gnuplot__(prog ? prog : "gnuplot", data, script, png_tmp,
                           svg_tmp, messages, error);
    if (!rc) {
        /* Both images or neither: a PNG whose SVG cannot be written is
         * removed again. */
        const char *failed = png;
        if (!(rc = nvo_file_commit_tmp(png))) {
            failed = svg;
            if ((rc = nvo_file_commit_tmp(svg))) {
                remove(png);
            }
        }
        if (rc) {
            g_set_error(error, NVO_SUMMARY_ERROR, NVO_SUMMARY_ERROR_IO,
                        "%s: cannot write: %s", failed, g_strerror(rc));
        }
    }
    remove(png_tmp);
    remove(svg_tmp);
    g_free(png_tmp);
    g_free(svg_tmp);
    return rc;
}

int
nvo_plot(const struct nvo_plot_opts *o, struct nvo_plot_result *res_out,
         GError **error)
{
    struct nvo_plot_result res0 = { 0 }, *res = res_out ? res_out : &res0;
    memset(res, 0, sizeof *res);
    struct nvo_summary *sw = nvo_summary_load(o->sweep, error);
    if (!sw) {
        return EINVAL;
    }
    int rc = 0;
    GPtrArray *xvals = g_ptr_array_new(), *svals = g_ptr_array_new();
    GArray *pps = g_array_new(FALSE, FALSE, sizeof(struct ppoint__));
    GArray *series = g_array_new(FALSE, FALSE, sizeof(size_t));
    GString *data = NULL, *gp = NULL;
    char *dir = NULL, *name = NULL, *base = NULL;
    char *varied = g_strjoinv(", ", sw->paths);

    int xi = nvo_summary_path_index(sw, o->x);
    if (xi < 0) {
        rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                    "-x %s: not a varied path of %s (%s%s)", o->x, sw->file,
                    sw->n_paths ? "varied: " : "nothing varies", varied);
        goto out;
    }
    int bi = -1;
    if (o->by) {
        bi = nvo_summary_path_index(sw, o->by);
        if (bi == xi) {
            rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                        "--by %s: already the x axis (varied: %s)", o->by,
                        varied);
            goto out;
        }
        if (bi < 0) {
            rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                        "--by %s: not a varied path of %s (%s%s)", o->by,
                        sw->file, sw->n_paths ? "varied: " : "nothing varies",
                        varied);
            goto out;
        }
    }
    GError *e = NULL;
    int yi = nvo_summary_metric_index(sw, o->y, &e);
    if (yi < 0) {
        rc = fail__(error, NVO_SUMMARY_ERROR_ARG, "-y %s: %s", o->y,
                    e->message);
        g_error_free(e);
        goto out;
    }
    for (size_t i = 0; i < o->n_where; i++) {
        if ((rc = nvo_summary_filter(sw, o->where[i], error))) {
            goto out;
        }
    }

    /* Every other varied path must be constant. */
    GString *vary = g_string_new(NULL);
    for (size_t k = 0; k < sw->n_paths; k++) {
        if ((int) k == xi || (int) k == bi) {
            continue;
        }
        GPtrArray *vals = g_ptr_array_new();
        for (size_t i = 0; i < sw->n_points; i++) {
            distinct_index__(vals, sw->points[i].values[k]);
        }
        if (vals->len > 1) {
            char *list = join_values__(vals);
            g_string_append_printf(vary, "%s%s (%s)", vary->len ? "; " : "",
                                   sw->paths[k], list);
            g_free(list);
        }
        g_ptr_array_free(vals, TRUE);
    }
    if (vary->len) {
        rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                    "%s: besides %s%s%s, these paths vary: %s; draw one line "
                    "per value with --by PATH%s, or keep one value with "
                    "--where PATH=VALUE", sw->file, o->x,
                    o->by ? " and " : "", o->by ? o->by : "", vary->str,
                    o->by ? " (instead of the one given)" : "");
        g_string_free(vary, TRUE);
        goto out;
    }
    g_string_free(vary, TRUE);

    /* x: numbers, or categories in grid order; series in grid order. */
    bool numeric = true;
    for (size_t i = 0; i < sw->n_points; i++) {
        double v;
        numeric = numeric && nvo_summary_parse_number(
                                 sw->points[i].values[xi], &v);
        distinct_index__(xvals, sw->points[i].values[xi]);
        distinct_index__(svals, bi >= 0 ? sw->points[i].values[bi] : "");
    }
    if (o->logx && !numeric) {
        rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                    "--logx: the values of %s are not all numbers (%s)",
                    o->x, sw->points[0].values[xi]);
        goto out;
    }
    for (size_t s = 0; s < svals->len; s++) {
        size_t first = pps->len;
        for (size_t i = 0; i < sw->n_points; i++) {
            const struct nvo_summary_point *pt = &sw->points[i];
            if (bi >= 0 && !nvo_summary_values_equal(pt->values[bi],
                                                   svals->pdata[s])) {
                continue;
            }
            struct ppoint__ pp = { 0, pt, &pt->stats[yi] };
            if (numeric) {
                nvo_summary_parse_number(pt->values[xi], &pp.x);
            } else {
                pp.x = (double) distinct_index__(xvals, pt->values[xi]);
            }
            for (size_t j = first; j < pps->len; j++) {
                const struct ppoint__ *q = &g_array_index(pps,
                                                          struct ppoint__, j);
                if (q->x == pp.x) {
                    char *sv = o->by ? g_strdup_printf(", %s=%s", o->by,
                                                       pt->values[bi])
                                     : g_strdup("");
                    rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                                "%s: points %lu (line %u) and %lu (line %u) "
                                "both have %s=%s%s: the grid lists a value "
                                "twice", sw->file, q->pt->point, q->pt->line,
                                pt->point, pt->line, o->x, pt->values[xi],
                                sv);
                    g_free(sv);
                    goto out;
                }
            }
            if (o->logx && pp.x <= 0) {
                rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                            "--logx: point %lu has %s=%s, which a log axis "
                            "cannot show", pt->point, o->x, pt->values[xi]);
                goto out;
            }
            if (o->logy && pp.st->n && pp.st->mean <= 0) {
                rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                            "--logy: point %lu has mean %s %g, which a log "
                            "axis cannot show", pt->point, o->y,
                            pp.st->mean);
                goto out;
            }
            g_array_append_val(pps, pp);
        }
        size_t n = pps->len - first;
        if (numeric && n > 1) {
            qsort(&g_array_index(pps, struct ppoint__, first), n,
                  sizeof(struct ppoint__), ppoint_cmp__);
        }
        g_array_append_val(series, n);
    }
    /* Something to draw. */
    bool any = false;
    for (size_t j = 0; j < pps->len; j++) {
        any = any || g_array_index(pps, struct ppoint__, j).st->n > 0;
    }
    if (!any) {
        rc = fail__(error, NVO_SUMMARY_ERROR_ARG,
                    "-y %s: no run of the %s plotted has a value of it (its "
                    "cells in %s are empty: a metric without samples, such "
                    "as spine_up_jain on a fabric without super-spines)",
                    o->y, pps->len == 1 ? "point" : "points", sw->file);
        goto out;
    }
    /* File names. */
    dir = g_file_test(o->sweep, G_FILE_TEST_IS_DIR) ? g_strdup(o->sweep)
                                                    : g_path_get_dirname(
                                                          o->sweep);
    if (o->out) {
        char *b = g_path_get_basename(o->out);
        name = file_name__(b);
        g_free(b);
        base = g_strdup(o->out);
    } else {
        char *n = o->by ? g_strdup_printf("plot-%s-vs-%s-by-%s", o->y, o->x,
                                          o->by)
                        : g_strdup_printf("plot-%s-vs-%s", o->y, o->x);
        name = file_name__(n);
        g_free(n);
        base = g_build_filename(dir, name, NULL);
    }
    char *rel;
    rel = g_strconcat(dir, G_DIR_SEPARATOR_S, name, ".dat", NULL);
    res->data = g_canonicalize_filename(rel, NULL);
    g_free(rel);
    rel = g_strconcat(dir, G_DIR_SEPARATOR_S, name, ".gp", NULL);
    res->script = g_canonicalize_filename(rel, NULL);
    g_free(rel);
    rel = g_strconcat(base, ".png", NULL);
    res->png = g_canonicalize_filename(rel, NULL);
    g_free(rel);
    rel = g_strconcat(base, ".svg", NULL);
    res->svg = g_canonicalize_filename(rel, NULL);
    g_free(rel);

    /* The data file: one block per series, two blank lines apart. */
    size_t n_min = SIZE_MAX, n_max = 0;
    data = g_string_new(NULL);
    g_string_append_printf(data, "# nvosim plot: %s vs %s", o->y, o->x);
    if (o->by) {
        g_string_append_printf(data, ", one block per value of %s", o->by);
    }
    g_string_append_printf(data, ", from %s\n", sw->file);
    for (size_t i = 0; i < o->n_where; i++) {
        g_string_append_printf(data, "# where %s\n", o->where[i]);
    }
    if (!numeric) {
        g_string_append(data, "# x is the index of a category:");
        for (size_t i = 0; i < xvals->len; i++) {
            g_string_append_printf(data, " %zu=%s", i,
                                   (const char *) xvals->pdata[i]);
        }
        g_string_append_c(data, '\n');
    }
    /* The bars: mean -+ half-width, clipped to the values the metric can
     * take (no FCT below 0, no Jain's index above 1). */
    double lo, hi;
    bool bounded = nvo_metric_bounds(o->y, &lo, &hi);
    g_string_append(data, "# columns: x, mean, bar low, bar high, 95% "
                          "confidence half-width (0 when n < 2), n (runs "
                          "with a value; 0: missing), point\n");
    if (bounded) {
        g_string_append_printf(data, "# the bars are clipped to [%g, %g], "
                               "the values %s can take\n", lo, hi, o->y);
    }
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    for (size_t s = 0, j = 0; s < series->len; s++) {
        if (s) {
            g_string_append(data, "\n\n");
        }
        if (o->by) {
            g_string_append_printf(data, "# index %zu: %s=%s\n", s, o->by,
                                   (const char *) svals->pdata[s]);
        }
        for (size_t k = 0; k < g_array_index(series, size_t, s); k++, j++) {
            const struct ppoint__ *pp = &g_array_index(pps, struct ppoint__,
                                                       j);
            const struct nvo_stat *st = pp->st;
            double half = st->n >= 2 ? st->ci95 : 0;
            const double cols[] = {
                pp->x, st->mean, fmax(st->mean - half, lo),
                fmin(st->mean + half, hi), half,
            };
            for (size_t c = 0; c < G_N_ELEMENTS(cols); c++) {
                if (c) {
                    g_string_append_c(data, ' ');
                }
                g_string_append(data, c > 0 && !st->n
                                      ? "NaN"
                                      : g_ascii_formatd(buf, sizeof buf,
                                                        "%.10g", cols[c]));
            }
            g_string_append_printf(data, " %zu %lu\n", st->n, pp->pt->point);
            n_min = MIN(n_min, st->n);
            n_max = MAX(n_max, st->n);
        }
    }
    res->n_series = series->len;
    res->n_points = pps->len;

    /* The script. */
    int w = o->width > 0 ? o->width : 800, h = o->height > 0 ? o->height
                                                               : 500;
    gp = g_string_new(NULL);
    g_string_append_printf(gp, "# nvosim plot: %s vs %s%s%s.\n"
                           "# Rerun with: gnuplot %s\n"
                           "set encoding utf8\n", o->y, o->x,
                           o->by ? " by " : "", o->by ? o->by : "",
                           res->script);
    g_string_append(gp, "if (!exists('png_out')) png_out = ");
    nvo_gp_quote(gp, res->png);
    g_string_append(gp, "\nif (!exists('svg_out')) svg_out = ");
    nvo_gp_quote(gp, res->svg);
    g_string_append(gp, "\ndata = ");
    nvo_gp_quote(gp, res->data);
    char *title;
    if (o->title) {
        title = g_strdup(o->title);
    } else {
        GString *t = g_string_new(NULL);
        g_string_append_printf(t, "%s vs %s: mean and 95%% CI, ", o->y,
                               o->x);
        if (n_min == n_max) {
            g_string_append_printf(t, "n = %zu per point", n_min);
        } else {
            g_string_append_printf(t, "n = %zu-%zu per point", n_min, n_max);
        }
        for (size_t i = 0; i < o->n_where; i++) {
            g_string_append_printf(t, "%s%s", i ? ", " : "; ", o->where[i]);
        }
        title = g_string_free(t, FALSE);
    }
    char *xl = axis_label__(o->x), *yl = axis_label__(o->y);
    g_string_append(gp, "\nset title ");
    nvo_gp_quote(gp, title);
    g_string_append(gp, "\nset xlabel ");
    nvo_gp_quote(gp, xl);
    g_string_append(gp, "\nset ylabel ");
    nvo_gp_quote(gp, yl);
    g_free(title);
    g_free(xl);
    g_free(yl);
    g_string_append(gp, "\nset grid\nset key below\n"
                        "set datafile missing 'NaN'\n"
                        "set style data yerrorlines\n"
                        "set bars 1.5\n");
    if (!numeric) {
        g_string_append(gp, "set xtics (");
        for (size_t i = 0; i < xvals->len; i++) {
            g_string_append(gp, i ? ", " : "");
            nvo_gp_quote(gp, xvals->pdata[i]);
            g_string_append_printf(gp, " %zu", i);
        }
        g_string_append_printf(gp, ")\nset xrange [-0.5:%zu.5]\n",
                               (size_t) xvals->len - 1);
    } else {
        g_string_append(gp, "set offsets graph 0.03, graph 0.03, 0, 0\n");
    }
    if (o->logx) {
        g_string_append(gp, "set logscale x\n");
    }
    if (o->logy) {
        g_string_append(gp, "set logscale y\n");
    }
    g_string_append_printf(gp, "set terminal pngcairo noenhanced size %d,%d "
                           "font 'Sans,10'\nset output png_out\nplot", w, h);
    size_t n_s = series->len;
    /* Categories: the lines side by side, so that their bars do not hide
     * each other. */
    double step = n_s > 1 ? MIN(0.08, 0.5 / (double) n_s) : 0;
    for (size_t s = 0; s < n_s; s++) {
        double off = (double) s - (double) (n_s - 1) / 2;
        g_string_append_printf(gp, "%s data index %zu using ",
                               s ? ", \\\n    " : "", s);
        if (!numeric && step > 0) {
            g_string_append_printf(gp, "($1%+.3f):2:3:4", off * step);
        } else {
            g_string_append(gp, "1:2:3:4");
        }
        g_string_append_printf(gp, " linewidth 1.5 pointtype %d "
                               "pointsize 0.9 title ", (int) (s % 6) + 5);
        if (o->by) {
            char *t = g_strdup_printf("%s=%s", o->by,
                                      (const char *) svals->pdata[s]);
            nvo_gp_quote(gp, t);
            g_free(t);
        } else {
            nvo_gp_quote(gp, "mean, 95% confidence interval");
        }
    }
    g_string_append_printf(gp, "\n"
        "set terminal svg noenhanced size %d,%d dynamic font 'Sans,10' "
        "background rgb 'white'\n"
        "set output svg_out\n"
        "replot\n"
        "unset output\n", w, h);

    if ((rc = nvo_summary_write_file(res->data, data->str, data->len,
                                     error))
        || (rc = nvo_summary_write_file(res->script, gp->str, gp->len,
                                        error))) {
        goto out;
    }
    rc = nvo_gnuplot_draw(o->gnuplot, res->data, res->script, res->png,
                          res->svg, &res->gnuplot_messages, error);

out:
    if (data) {
        g_string_free(data, TRUE);
    }
    if (gp) {
        g_string_free(gp, TRUE);
    }
    g_free(varied);
    g_free(dir);
    g_free(name);
    g_free(base);
    g_ptr_array_free(xvals, TRUE);
    g_ptr_array_free(svals, TRUE);
    g_array_free(pps, TRUE);
    g_array_free(series, TRUE);
    nvo_summary_destroy(sw);
    if (res == &res0) {
        nvo_plot_result_clear(&res0);
    }
    return rc;
}
