/* svg_plot.h — a small line chart written as plain SVG text (no dependencies), for the plots of
   the rnnts tool: series of (x, y) points with optional symmetric error bars, solid or dashed
   lines, filled or hollow markers, or bars (histograms), axes with round-number ticks, labels and a legend
   (series with a NULL label stay out of it: many runs drawn in one colour per group).
   Implemented in svg_plot.c. */
#ifndef RNNTS_SVG_PLOT_H
#define RNNTS_SVG_PLOT_H

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct svg_series {
    const char *label;
    const char *color;  /* CSS colour */
    int dashed;         /* dashed line */
    int hollow;         /* hollow markers */
    int n;
    const double *x, *y;
    const double *err;  /* half-length of the error bar at each point, or NULL */
    double dx;          /* horizontal shift in pixels (to keep error bars of series apart) */
    double bar_width;   /* > 0: each point drawn as a bar of this width (x units) centred on x, from 0 to y
                           (a histogram: x = bin centres, y = counts); no line, no markers */
    int no_markers;     /* a line only (many points, e.g. one per epoch) */
} svg_series;

typedef struct svg_chart {
    const char *title, *subtitle, *xlabel, *ylabel;
    int integer_x;      /* ticks on integers only */
    int integer_y;      /* the same for y (counts, N) */
    const char *note;   /* small text under the plot, or NULL */
} svg_chart;

/* Writes the chart of n_series series as an SVG file (atomically). Returns 0, or -1 with msg. */
int svg_line_chart(const char *path, const svg_chart *c, const svg_series *s, int n_series, char *msg, size_t cap);

#endif /* RNNTS_SVG_PLOT_H */
