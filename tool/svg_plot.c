/* svg_plot.c — see svg_plot.h. */
#define _POSIX_C_SOURCE 200809L
#include "svg_plot.h"

#include "platform.h"

static void svg_text(FILE *f, const char *s) {
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}
/* A round step (1, 2, 2.5 or 5 times a power of ten) giving about `want` intervals over span. */
static double svg_nice_step(double span, int want) {
    double raw = span / want, p = pow(10.0, floor(log10(raw))), m = raw / p;
    return (m <= 1.0 ? 1.0 : m <= 2.0 ? 2.0 : m <= 2.5 ? 2.5 : m <= 5.0 ? 5.0 : 10.0) * p;
}
static void svg_num(char *buf, size_t cap, double v, double step) {
    int dec = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (step < 1.0 && fabs(step * pow(10.0, dec) - round(step * pow(10.0, dec))) > 1e-6) dec++;
    if (fabs(v) < step * 1e-6) v = 0.0;
    snprintf(buf, cap, "%.*f", dec, v);
}

/* Writes the chart to path (path.tmp, then rename). Returns 0, or -1 with a message. */
/* Plot geometry: figure W x Hh, plot area [L,R] x [T,B]; the axis ranges and tick steps. */
#define SVG_W 930.0
#define SVG_HH 520.0
#define SVG_L 78.0
#define SVG_R 640.0
#define SVG_T 70.0
#define SVG_B 450.0
typedef struct svg_frame { double xmin, xmax, ymin, ymax, xs, ys; } svg_frame;
#define SVG_X(v) (SVG_L + ((v) - fr->xmin) / (fr->xmax - fr->xmin) * (SVG_R - SVG_L))
#define SVG_Y(v) (SVG_B - ((v) - fr->ymin) / (fr->ymax - fr->ymin) * (SVG_B - SVG_T))

/* Axis ranges from the data (error bars and bars included), padded and rounded to nice ticks. */
static void svg_frame_of(const svg_chart *c, const svg_series *s, int n_series, svg_frame *fr) {
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY, xs, ys;
    for (int k = 0; k < n_series; k++)
        for (int i = 0; i < s[k].n; i++) {
            double e = s[k].err ? s[k].err[i] : 0.0;
            if (!isfinite(s[k].x[i]) || !isfinite(s[k].y[i])) continue;
            if (!isfinite(e)) e = 0.0;
            xmin = fmin(xmin, s[k].x[i] - s[k].bar_width / 2); xmax = fmax(xmax, s[k].x[i] + s[k].bar_width / 2);
            ymin = fmin(ymin, s[k].y[i] - e); ymax = fmax(ymax, s[k].y[i] + e);
            if (s[k].bar_width > 0) { ymin = fmin(ymin, 0.0); ymax = fmax(ymax, 0.0); }
        }
    if (!(xmin <= xmax)) { xmin = 2; xmax = 3; }
    if (!(ymin <= ymax)) { ymin = 0; ymax = 1; }
    if (c->integer_x) { xmin = floor(xmin) - 0.5; xmax = ceil(xmax) + 0.5; if (xmax - xmin < 2) xmax = xmin + 2; }
    else if (xmax - xmin < 1e-9) { xmin -= 0.5; xmax += 0.5; }
    {
        double span = ymax - ymin, pad;
        if (span < 1e-6) span = fabs(ymax) > 0 ? fabs(ymax) * 0.2 : 1.0;
        pad = 0.08 * span;
        ys = svg_nice_step(span + 2 * pad, 8);
        if (c->integer_y) {
            double p = pow(10.0, floor(log10(ys))), m = ys / p;
            ys = fmax(1.0, (m > 2.0 && m < 5.0 ? 5.0 : m) * p); /* 1, 2, 5, 10, ... */
        }
        ymin = floor((ymin - pad) / ys) * ys;
        ymax = ceil((ymax + pad) / ys) * ys;
    }
    xs = svg_nice_step(xmax - xmin, c->integer_x ? 12 : 8);
    if (c->integer_x) {
        double p = pow(10.0, floor(log10(xs))), m = xs / p;
        xs = fmax(1.0, (m > 2.0 && m < 5.0 ? 5.0 : m) * p); /* 1, 2, 5, 10, ... */
    }
    fr->xmin = xmin; fr->xmax = xmax; fr->ymin = ymin; fr->ymax = ymax; fr->xs = xs; fr->ys = ys;
}
/* Header, titles, grid, ticks, frame and axis labels. */
static void svg_axes(FILE *f, const svg_chart *c, const svg_frame *fr) {
    const double W = SVG_W, Hh = SVG_HH, L = SVG_L, R = SVG_R, T = SVG_T, B = SVG_B;
    char num[64];
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
               "font-family=\"system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif\">\n", W, Hh, W, Hh);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
    fprintf(f, "<text x=\"%.0f\" y=\"32\" font-size=\"19\" font-weight=\"600\" fill=\"#222\">", L); svg_text(f, c->title); fprintf(f, "</text>\n");
    if (c->subtitle) { fprintf(f, "<text x=\"%.0f\" y=\"54\" font-size=\"13\" fill=\"#666\">", L); svg_text(f, c->subtitle); fprintf(f, "</text>\n"); }
    /* grid and y ticks */
    fprintf(f, "<g font-size=\"12\" fill=\"#444\">\n");
    for (double v = fr->ymin; v <= fr->ymax + fr->ys * 1e-6; v += fr->ys) {
        double y = SVG_Y(v);
        svg_num(num, sizeof num, v, fr->ys);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e6e6\"/>\n", L, y, R, y);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", L - 5, y, L, y);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", L - 8, y + 4, num);
    }
    for (double v = ceil(fr->xmin / fr->xs) * fr->xs; v <= fr->xmax + 1e-9; v += fr->xs) {
        double x = SVG_X(v);
        svg_num(num, sizeof num, v, fr->xs);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#f0f0f0\"/>\n", x, T, x, B);
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\"/>\n", x, B, x, B + 5);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n", x, B + 20, num);
    }
    fprintf(f, "</g>\n");
    fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#444\"/>\n", L, T, R - L, B - T);
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"14\" text-anchor=\"middle\" fill=\"#222\">", (L + R) / 2, B + 44); svg_text(f, c->xlabel); fprintf(f, "</text>\n");
    fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" font-size=\"14\" text-anchor=\"middle\" fill=\"#222\">", L - 52, (T + B) / 2);
    svg_text(f, c->ylabel); fprintf(f, "</text>\n");
}
/* One series: bars, or error bars, line and markers. */
static void svg_series_draw(FILE *f, const svg_series *q, const svg_frame *fr) {
    int started = 0;
    fprintf(f, "<g>\n");
    if (q->bar_width > 0) {
        double y0 = SVG_Y(fr->ymin > 0 ? fr->ymin : 0.0);
        for (int i = 0; i < q->n; i++) {
            double xa, xb, y;
            if (!isfinite(q->y[i]) || !isfinite(q->x[i])) continue;
            xa = SVG_X(q->x[i] - q->bar_width / 2); xb = SVG_X(q->x[i] + q->bar_width / 2); y = SVG_Y(q->y[i]);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.8\" stroke=\"#ffffff\" stroke-width=\"0.6\"/>\n",
                    xa, fmin(y, y0), fmax(xb - xa, 0.5), fabs(y0 - y), q->color);
        }
        fprintf(f, "</g>\n");
        return;
    }
    for (int i = 0; q->err && i < q->n; i++) {
        double x = SVG_X(q->x[i]) + q->dx, y0, y1;
        if (!isfinite(q->y[i]) || !isfinite(q->err[i])) continue;
        y0 = SVG_Y(q->y[i] - q->err[i]); y1 = SVG_Y(q->y[i] + q->err[i]);
        fprintf(f, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" stroke=\"%s\" stroke-width=\"1.4\" fill=\"none\" opacity=\"0.75\"/>\n",
                x, y0, y1, x - 5, y0, x + 5, x - 5, y1, x + 5, q->color);
    }
    if (q->n > 1) {
        fprintf(f, "<path d=\"");
        for (int i = 0; i < q->n; i++) {
            if (!isfinite(q->y[i])) { started = 0; continue; }
            fprintf(f, "%s%.1f %.1f", started ? " L" : "M", SVG_X(q->x[i]) + q->dx, SVG_Y(q->y[i]));
            started = 1;
        }
        fprintf(f, "\" stroke=\"%s\" stroke-width=\"2.2\" fill=\"none\"%s stroke-linejoin=\"round\"/>\n", q->color,
                q->dashed ? " stroke-dasharray=\"7 5\"" : "");
    }
    for (int i = 0; i < q->n && !q->no_markers; i++) {
        if (!isfinite(q->y[i])) continue;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.8\"/>\n", SVG_X(q->x[i]) + q->dx,
                SVG_Y(q->y[i]), q->hollow ? "#ffffff" : q->color, q->color);
    }
    fprintf(f, "</g>\n");
}
/* The legend right of the plot, then the note wrapped on '\n'. */
static void svg_legend(FILE *f, const svg_chart *c, const svg_series *s, int n_series) {
    double lx = SVG_R + 24, ly = SVG_T + 6;
    int shown = 0;
    fprintf(f, "<g font-size=\"13\" fill=\"#222\">\n");
    for (int k = 0; k < n_series; k++) {
        double y = ly + 26 * shown;
        if (!s[k].label) continue;
        shown++;
        if (s[k].bar_width > 0)
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"34\" height=\"12\" fill=\"%s\" fill-opacity=\"0.8\"/>\n", lx, y - 6, s[k].color);
        else
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2.2\"%s/>\n", lx, y, lx + 34, y,
                    s[k].color, s[k].dashed ? " stroke-dasharray=\"7 5\"" : "");
        if (s[k].bar_width <= 0 && !s[k].no_markers) fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"%s\" stroke-width=\"1.8\"/>\n", lx + 17, y,
                s[k].hollow ? "#ffffff" : s[k].color, s[k].color);
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx + 44, y + 4.5); svg_text(f, s[k].label);
        if (s[k].n == 0) fputs(" (none)", f);
        fprintf(f, "</text>\n");
    }
    fprintf(f, "</g>\n");
    if (c->note) {
        const char *p = c->note;
        int line = 0;
        fprintf(f, "<g font-size=\"11.5\" fill=\"#666\">\n");
        while (*p) {
            size_t n = strcspn(p, "\n");
            char buf[256];
            if (n >= sizeof buf) n = sizeof buf - 1;
            memcpy(buf, p, n);
            buf[n] = 0;
            fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">", lx, ly + 26 * shown + 20 + 17 * line++); svg_text(f, buf); fprintf(f, "</text>\n");
            p += n;
            if (*p) p++;
        }
        fprintf(f, "</g>\n");
    }
}
#undef SVG_X
#undef SVG_Y
int svg_line_chart(const char *path, const svg_chart *c, const svg_series *s, int n_series, char *msg, size_t cap) {
    char tmp[4096];
    svg_frame fr;
    FILE *f;
    svg_frame_of(c, s, n_series, &fr);
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) { snprintf(msg, cap, "path too long: %.400s", path); return -1; }
    f = fopen(tmp, "wb");
    if (!f) { snprintf(msg, cap, "cannot create %.400s", tmp); return -1; }
    svg_axes(f, c, &fr);
    for (int k = 0; k < n_series; k++) svg_series_draw(f, &s[k], &fr);
    svg_legend(f, c, s, n_series);
    fprintf(f, "</svg>\n");
    if (fclose(f) != 0) { remove(tmp); snprintf(msg, cap, "writing %.400s failed", tmp); return -1; }
    if (platform_rename_replace(tmp, path) != 0) { remove(tmp); snprintf(msg, cap, "cannot rename %.200s to %.200s", tmp, path); return -1; }
    return 0;
}

