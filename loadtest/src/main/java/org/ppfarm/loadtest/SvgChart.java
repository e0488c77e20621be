package org.ppfarm.loadtest;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Line charts as inline SVG, drawn by the tool so that a report is one self-contained file that renders offline in
 * any browser. Each chart is an {@code <svg class="chart">} holding its axes, one {@code <polyline class="series">}
 * per series (a series with no points is left out), vertical {@code <line class="event">} markers with labels, and a
 * legend.
 */
final class SvgChart {
    static final int W = 900, H = 300, L = 70, R = 20, T = 30, B = 45;

    record Series(String name, String color, List<double[]> points) {
        static Series of(String name, String color) { return new Series(name, color, new ArrayList<>()); }

        void add(double x, double y) { if (Double.isFinite(x) && Double.isFinite(y)) points.add(new double[] {x, y}); }
    }

    record Marker(double x, String label) {}

    private SvgChart() {}

    /**
     * @param xTicks where to label the x axis (in x units), with {@code xLabel} formatting each tick
     */
    static String draw(String id, String title, String xTitle, String yTitle, List<Series> series, List<Marker> markers,
                       double[] xTicks, DoubleFunction<String> xLabel, String empty) {
        List<Series> drawn = series.stream().filter(s -> !s.points().isEmpty()).toList();
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y1 = 0;
        for (Series s : drawn) for (double[] p : s.points()) { x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); y1 = Math.max(y1, p[1]); }
        for (double t : xTicks) { x0 = Math.min(x0, t); x1 = Math.max(x1, t); }
        if (x0 >= x1) { x0 = x0 == Double.MAX_VALUE ? 0 : x0; x1 = x0 + 1; }
        y1 = niceCeil(y1 <= 0 ? 1 : y1 * 1.05);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">%n",
                id, W, H, W, H));
        b.append("<rect x=\"0\" y=\"0\" width=\"").append(W).append("\" height=\"").append(H).append("\" fill=\"#fff\"/>\n");
        b.append(text(W / 2.0, 18, "middle", "title", title));
        int pw = W - L - R, ph = H - T - B;
        // axes and grid
        for (int k = 0; k <= 4; k++) {
            double y = T + ph - ph * k / 4.0, v = y1 * k / 4.0;
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", L, y, L + pw, y));
            b.append(text(L - 6, y + 4, "end", "tick", num(v)));
        }
        for (double t : xTicks) {
            double x = L + pw * (t - x0) / (x1 - x0);
            b.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", x, T, x, T + ph));
            b.append(text(x, T + ph + 16, "middle", "tick", xLabel.apply(t)));
        }
        b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", L, T, pw, ph));
        b.append(text(L + pw / 2.0, H - 6, "middle", "axis", xTitle));
        b.append(String.format(Locale.ROOT, "<text class=\"axis\" transform=\"translate(14,%.1f) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">%s</text>%n",
                T + ph / 2.0, esc(yTitle)));
        for (Marker m : markers) {
            if (m.x() < x0 || m.x() > x1) continue;
            double x = L + pw * (m.x() - x0) / (x1 - x0);
            b.append(String.format(Locale.ROOT, "<line class=\"event\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>%n",
                    x, T, x, T + ph));
            b.append(text(x + 3, T + 12, "start", "event-label", m.label()));
        }
        int legend = 0;
        for (Series s : drawn) {
            StringBuilder pts = new StringBuilder();
            for (double[] p : s.points())
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", L + pw * (p[0] - x0) / (x1 - x0), T + ph - ph * Math.min(p[1], y1) / y1));
            b.append(String.format(Locale.ROOT, "<polyline class=\"series\" data-name=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\" points=\"%s\"/>%n",
                    esc(s.name()), s.color(), pts.toString().strip()));
            if (s.points().size() == 1) { // one point draws no line: a dot
                double[] p = s.points().getFirst();
                b.append(String.format(Locale.ROOT, "<circle class=\"series-dot\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>%n",
                        L + pw * (p[0] - x0) / (x1 - x0), T + ph - ph * Math.min(p[1], y1) / y1, s.color()));
            }
            double lx = L + 10 + 150 * legend++;
            b.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>%n", lx, T + ph + 26, s.color()));
            b.append(text(lx + 16, T + ph + 31, "start", "legend", s.name()));
        }
        if (drawn.isEmpty()) b.append(text(L + pw / 2.0, T + ph / 2.0, "middle", "empty", empty));
        return b.append("</svg>\n").toString();
    }

    /** Evenly spaced ticks from 0 to {@code max}, about {@code n} of them at round values. */
    static double[] ticks(double max, int n) {
        double step = niceCeil(Math.max(max, 1) / n);
        int k = (int) Math.floor(max / step);
        double[] out = new double[k + 1];
        for (int i = 0; i <= k; i++) out[i] = i * step;
        return out;
    }

    private static double niceCeil(double v) {
        double e = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) if (m * e >= v) return m * e;
        return 10 * e;
    }

    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.0f" : "%.2g", v);
    }

    private static String text(double x, double y, String anchor, String cls, String s) {
        return String.format(Locale.ROOT, "<text class=\"%s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"12\">%s</text>%n", cls, x, y, anchor, esc(s));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
