/* svg.c: the tiny SVG writer of the run report (svg.h): escaping,
 * numbers, the viridis colour scale, axes and plot frames. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "analysis/svg.h"

void
nvo_svg_escape(GString *out, const char *text)
{
    const char *p = text ? text : "";
    const char *end = p + strlen(p);
    while (p < end) {
        gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == (gunichar) -1 || c == (gunichar) -2) {
            g_string_append(out, "\xef\xbf\xbd");
            p++;
            continue;
        }
        const char *next = g_utf8_next_char(p);
        switch (c) {
        case '&':
            g_string_append(out, "&amp;");
            break;
        case '<':
            g_string_append(out, "&lt;");
            break;
        case '>':
            g_string_append(out, "&gt;");
            break;
        case '"':
            g_string_append(out, "&quot;");
            break;
        case '\'':
            g_string_append(out, "&#39;");
            break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
                g_string_append(out, "\xef\xbf\xbd");
            } else {
                g_string_append_len(out, p, next - p);
            }
        }
        p = next;
    }
}

const char *
nvo_svg_num(char *buf, double v, int digits)
{
    if (isnan(v)) {
        snprintf(buf, 32, "\xe2\x80\x93");
    } else {
        snprintf(buf, 32, "%.*g", digits, v == 0 ? 0.0 : v);
    }
    return buf;
}

static const unsigned char viridis__[9][3] = {
    { 0x44, 0x01, 0x54 }, { 0x47, 0x2d, 0x7b }, { 0x3b, 0x52, 0x8b },
    { 0x2c, 0x72, 0x8e }, { 0x21, 0x91, 0x8c }, { 0x28, 0xae, 0x80 },
    { 0x5e, 0xc9, 0x62 }, { 0xad, 0xdc, 0x30 }, { 0xfd, 0xe7, 0x25 },
};

const char *
nvo_svg_colour(char *buf, double t)
{
    if (isnan(t)) {
        snprintf(buf, 8, "#bbbbbb");
        return buf;
    }
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    double pos = t * 8;
    int i = (int) floor(pos);
    if (i >= 8) {
        i = 7;
    }
    double f = pos - i;
    int rgb[3];
    for (int k = 0; k < 3; k++) {
        double a = viridis__[i][k], b = viridis__[i + 1][k];
        rgb[k] = (int) lround(a + (b - a) * f);
    }
    snprintf(buf, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
    return buf;
}

static double
ceil_of__(double v, const double *m, size_t n)
{
    if (!(v > 0) || !isfinite(v)) {
        return 1;
    }
    /* m x 10^e, computed as m / 10^-e for e < 0 so that 0.3 is the
     * double nearest 0.3 (3 x 0.1 is not). */
    double e = floor(log10(v));
    for (size_t i = 0; i < n; i++) {
        double c = e >= 0 ? m[i] * pow(10, e) : m[i] / pow(10, -e);
        /* A relative slack so that 0.3 is not pushed to 0.4 by rounding. */
        if (c >= v * (1 - 1e-12)) {
            return c;
        }
    }
    return e >= 0 ? pow(10, e + 1) : 10 / pow(10, -e);
}

double
nvo_svg_nice_ceil(double v)
{
    static const double m[] = { 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
    return ceil_of__(v, m, G_N_ELEMENTS(m));
}

/* Tick steps: 1, 2 or 5 times a power of 10. */
static double
step_ceil__(double v)
{
    static const double m[] = { 1, 2, 5, 10 };
    return ceil_of__(v, m, G_N_ELEMENTS(m));
}

double
nvo_svg_map(const struct nvo_svg_axis *a, double v)
{
    double lo = a->lo, hi = a->hi;
    if (a->log) {
        v = v > 0 ? log10(v) : log10(lo);
        lo = log10(lo);
        hi = log10(hi);
    }
    if (!(hi > lo)) {
        return a->p0;
    }
    if (v < lo) {
        v = lo;
    } else if (v > hi) {
        v = hi;
    }
    return a->p0 + (v - lo) / (hi - lo) * (a->p1 - a->p0);
}

void
nvo_svg_axis_fit(struct nvo_svg_axis *a, double min, double max)
{
    if (!isfinite(min) || !isfinite(max)) {
        min = 0;
        max = 1;
    }
    if (a->log && min > 0) {
        a->lo = pow(10, floor(log10(min) + 1e-9));
        a->hi = pow(10, ceil(log10(max) - 1e-9));
        if (!(a->hi > a->lo)) {
            a->hi = a->lo * 10;
        }
        return;
    }
    a->log = false;
    if (min >= 0) {
        a->lo = 0;
        a->hi = nvo_svg_nice_ceil(max);
        return;
    }
    double m = nvo_svg_nice_ceil(fmax(-min, max));
    a->lo = -nvo_svg_nice_ceil(-min);
    a->hi = max > 0 ? nvo_svg_nice_ceil(max) : 0;
    if (!(a->hi > a->lo)) {
        a->hi = a->lo + m;
    }
}

size_t
nvo_svg_ticks(const struct nvo_svg_axis *a, double *ticks, size_t max)
{
    size_t n = 0;
    if (a->log) {
        for (double e = round(log10(a->lo)); n < max
             && e <= round(log10(a->hi)) + 1e-9; e++) {
            ticks[n++] = pow(10, e);
        }
        return n;
    }
    double span = a->hi - a->lo;
    if (!(span > 0)) {
        if (max) {
            ticks[n++] = a->lo;
        }
        return n;
    }
    /* About 5 intervals. */
    double step = step_ceil__(span / 5);
    double first = ceil(a->lo / step - 1e-9) * step;
    for (int i = 0; n < max; i++) {
        double v = first + i * step;
        if (v > a->hi + step * 1e-9) {
            break;
        }
        if (fabs(v) < step * 1e-9) {
            v = 0;
        }
        ticks[n++] = v;
    }
    return n;
}

#define PLOT_LEFT 78
#define PLOT_RIGHT 18
#define PLOT_TOP 28
#define PLOT_BOTTOM 50

void
nvo_svg_plot_begin(GString *out, struct nvo_svg_plot *p, const char *id,
                   const char *title, const char *xlabel,
                   const char *ylabel)
{
    char b[32];
    /* Category labels are slanted under the axis: more room. */
    double bottom = PLOT_BOTTOM + (p->x_categories ? 40 : 0);
    p->x.p0 = PLOT_LEFT;
    p->x.p1 = p->width - PLOT_RIGHT;
    p->y.p0 = p->height - bottom;
    p->y.p1 = PLOT_TOP;
    g_string_append_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                           "id=\"%s\" class=\"plot\" width=\"%.0f\" "
                           "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                           "role=\"img\" aria-label=\"", id, p->width,
                           p->height, p->width, p->height);
    nvo_svg_escape(out, title);
    g_string_append(out, "\"><title>");
    nvo_svg_escape(out, title);
    g_string_append(out, "</title>\n");
    g_string_append_printf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" "
                           "width=\"%.0f\" height=\"%.0f\"/>\n", PLOT_LEFT,
                           PLOT_TOP, p->x.p1 - p->x.p0, p->y.p0 - p->y.p1);
    double t[64];
    size_t n;
    if (!p->x_categories) {
        n = nvo_svg_ticks(&p->x, t, G_N_ELEMENTS(t));
        for (size_t i = 0; i < n; i++) {
            double x = nvo_svg_map(&p->x, t[i]);
            g_string_append_printf(out, "<line class=\"tick\" x1=\"%.1f\" "
                                   "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                                   "<text class=\"tick\" x=\"%.1f\" "
                                   "y=\"%.1f\" text-anchor=\"middle\">%s"
                                   "</text>\n", x, p->y.p0, x, p->y.p0 + 5,
                                   x, p->y.p0 + 18, nvo_svg_num(b, t[i], 6));
        }
    }
    n = nvo_svg_ticks(&p->y, t, G_N_ELEMENTS(t));
    for (size_t i = 0; i < n; i++) {
        double y = nvo_svg_map(&p->y, t[i]);
        nvo_svg_num(b, t[i], 6);
        g_string_append_printf(out, "<line class=\"grid\" data-value=\"%s\" "
                               "x1=\"%.1f\" y1=\"%.2f\" x2=\"%.1f\" "
                               "y2=\"%.2f\"/><text class=\"tick\" "
                               "x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
                               "%s</text>\n", b, p->x.p0 - 5, y, p->x.p1, y,
                               p->x.p0 - 8, y + 4, b);
    }
    g_string_append_printf(out, "<text class=\"axis-label\" x=\"%.1f\" "
                           "y=\"%.1f\" text-anchor=\"middle\">",
                           (p->x.p0 + p->x.p1) / 2, p->height - 10);
    nvo_svg_escape(out, xlabel);
    g_string_append_printf(out, "</text>\n<text class=\"axis-label\" "
                           "transform=\"translate(16 %.1f) rotate(-90)\" "
                           "text-anchor=\"middle\">",
                           (p->y.p0 + p->y.p1) / 2);
    nvo_svg_escape(out, ylabel);
    g_string_append(out, "</text>\n");
}

void
nvo_svg_plot_end(GString *out)
{
    g_string_append(out, "</svg>\n");
}

void
nvo_svg_legend(GString *out, const char *id, double x, double y, double w,
               double lo, double hi, const char *label)
{
    char c[8], b[32];
    g_string_append_printf(out, "<g class=\"legend\"><defs><linearGradient "
                           "id=\"%s\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">",
                           id);
    for (int i = 0; i <= 8; i++) {
        g_string_append_printf(out, "<stop offset=\"%g\" stop-color=\"%s\"/>",
                               i / 8.0, nvo_svg_colour(c, i / 8.0));
    }
    g_string_append_printf(out, "</linearGradient></defs>"
                           "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                           "height=\"12\" fill=\"url(#%s)\" "
                           "stroke=\"#000\" stroke-width=\"0.5\"/>\n", x, y, w,
                           id);
    struct nvo_svg_axis a = { .lo = lo, .hi = hi, .p0 = x, .p1 = x + w };
    double t[16];
    size_t n = nvo_svg_ticks(&a, t, G_N_ELEMENTS(t));
    for (size_t i = 0; i < n; i++) {
        double px = nvo_svg_map(&a, t[i]);
        g_string_append_printf(out, "<line class=\"tick\" x1=\"%.1f\" "
                               "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
                               "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
                               "text-anchor=\"middle\">%s</text>", px, y + 12,
                               px, y + 16, px, y + 27,
                               nvo_svg_num(b, t[i], 6));
    }
    g_string_append_printf(out, "<text class=\"axis-label\" x=\"%.1f\" "
                           "y=\"%.1f\" text-anchor=\"middle\">", x + w / 2,
                           y + 41);
    nvo_svg_escape(out, label);
    g_string_append(out, "</text></g>\n");
}
