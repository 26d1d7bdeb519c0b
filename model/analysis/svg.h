/* svg.h: a tiny writer of inline SVG (and the HTML text around it) for
 * the run report (report.h): escaping, numbers, a colour scale, axes,
 * plot frames.  Everything appends to a GString; nothing here reads files
 * or runs a script.  The colour scale is viridis (perceptually uniform,
 * readable by colour-blind readers, and monotonic in lightness, so a grey
 * printout keeps the order); every coloured element of the report also
 * carries its number in a <title> and the scale a legend. */
#ifndef NVO_SVG_H
#define NVO_SVG_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>

/* Appends 'text' with &, <, >, " and ' escaped (for element text and
 * attribute values alike).  Bytes that are not valid UTF-8 and control
 * characters other than tab and line feed become U+FFFD. */
void nvo_svg_escape(GString *out, const char *text);

/* Formats 'v' with 'digits' significant digits (%g), "–" for NaN:
 * into 'buf' (at least 32 bytes), which it returns. */
const char *nvo_svg_num(char *buf, double v, int digits);

/* The colour of 't' (clamped to [0, 1]) on the viridis scale: "#rrggbb"
 * into 'buf' (at least 8 bytes), which it returns.  Linear in RGB between
 * the 9 stops at 0, 1/8, ..., 1 (#440154 ... #fde725); NaN gives grey
 * #bbbbbb (no value). */
const char *nvo_svg_colour(char *buf, double t);

/* The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of 10
 * that is >= v (v > 0); 1 for v <= 0 or NaN.  The top of a colour scale
 * or an axis. */
double nvo_svg_nice_ceil(double v);

/* A linear or logarithmic (base 10) map from values [lo, hi] to pixels
 * [p0, p1] (p1 < p0 for a y axis). */
struct nvo_svg_axis {
    double lo, hi;
    double p0, p1;
    bool log;
};

/* Pixel of value 'v' (clamped to [lo, hi]). */
double nvo_svg_map(const struct nvo_svg_axis *, double v);

/* Sets the axis' range to cover [min, max] with "nice" ends: linear from
 * 0 (or min when it is < 0) to nvo_svg_nice_ceil(max); log from the power
 * of 10 at or below min to the one at or above max (min > 0).  A range of
 * one value is widened. */
void nvo_svg_axis_fit(struct nvo_svg_axis *, double min, double max);

/* Up to 'max' tick values of the axis into 'ticks'; returns how many.
 * Linear: 1, 2 or 5 times a power of 10 apart; log: the powers of 10. */
size_t nvo_svg_ticks(const struct nvo_svg_axis *, double *ticks,
                     size_t max);

/* A plot: an <svg> with a frame, x and y axes, tick labels, axis labels
 * (with their units).  'id' names the <svg> element. */
struct nvo_svg_plot {
    struct nvo_svg_axis x, y;
    double width, height;
    bool x_categories;          /* tick labels are given by the caller */
};

/* Opens the <svg id=ID> of the given size with its axes set (call
 * nvo_svg_axis_fit() on p->x and p->y first, or set them); the plot area
 * is inside fixed margins (the axes' p0/p1 are set here).  'title' is the
 * accessible name and the <title> of the figure. */
void nvo_svg_plot_begin(GString *out, struct nvo_svg_plot *p,
                        const char *id, const char *title,
                        const char *xlabel, const char *ylabel);

/* Closes the </svg>. */
void nvo_svg_plot_end(GString *out);

/* A horizontal legend of the colour scale from 'lo' to 'hi' at (x, y),
 * 'w' pixels wide: a gradient bar of 9 stops, tick values, and 'label'
 * (with the unit) under it.  'id' names the gradient. */
void nvo_svg_legend(GString *out, const char *id, double x, double y,
                    double w, double lo, double hi, const char *label);

#endif
