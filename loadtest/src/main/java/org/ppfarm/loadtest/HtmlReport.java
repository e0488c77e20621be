package org.ppfarm.loadtest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code report.html}: one self-contained page (no external file, font or script) with the summary table and five
 * charts drawn as inline SVG by {@link SvgChart}: latency percentiles over time, the percentile spectrum (corrected
 * and uncorrected), offered vs achieved throughput, the farm's queue depth and worker utilization (from its
 * {@code /metrics}), and errors over time; fault events are marked on every time axis. A few lines of inline script
 * mark each chart {@code data-drawn="ok"} once the browser has laid out its series with a non-empty bounding box
 * (what the headless-browser test reads); the page shows the same without script.
 */
final class HtmlReport {
    private HtmlReport() {}

    static String render(Recorder.Snapshot snap, Report.RunInfo info, Report.Verdict verdict, ObjectNode summary) {
        List<Recorder.Second> secs = snap.seconds();
        List<SvgChart.Marker> markers = new ArrayList<>();
        for (Recorder.Event e : snap.events()) markers.add(new SvgChart.Marker(e.atNanos() / 1e9, e.name()));
        double[] timeTicks = SvgChart.ticks(Math.max(secs.size(), 1), 10);

        SvgChart.Series p50 = SvgChart.Series.of("p50", "#1f77b4"), p90 = SvgChart.Series.of("p90", "#2ca02c"),
                p99 = SvgChart.Series.of("p99", "#ff7f0e"), max = SvgChart.Series.of("max", "#d62728");
        SvgChart.Series offered = SvgChart.Series.of("offered", "#7f7f7f"), achieved = SvgChart.Series.of("achieved (valid proofs)", "#1f77b4");
        SvgChart.Series queued = SvgChart.Series.of("queued at workers", "#9467bd"), busy = SvgChart.Series.of("proving now", "#2ca02c"),
                util = SvgChart.Series.of("busy stage-seconds/s", "#ff7f0e"), lag = SvgChart.Series.of("jobs-topic lag", "#8c564b");
        SvgChart.Series errors = SvgChart.Series.of("errors/s", "#d62728"), inFlight = SvgChart.Series.of("in flight (tool)", "#7f7f7f");
        for (int i = 0; i < secs.size(); i++) {
            Recorder.Second s = secs.get(i);
            double x = i + 0.5;
            if (s.latency.getTotalCount() > 0) {
                p50.add(x, s.latency.getValueAtPercentile(50) / 1e3);
                p90.add(x, s.latency.getValueAtPercentile(90) / 1e3);
                p99.add(x, s.latency.getValueAtPercentile(99) / 1e3);
                max.add(x, s.latency.getMaxValue() / 1e3);
            }
            offered.add(x, s.offered);
            achieved.add(x, s.succeeded);
            queued.add(x, s.queued);
            busy.add(x, s.busyProvers);
            util.add(x, s.utilization);
            lag.add(x, s.lag);
            errors.add(x, s.errors);
            inFlight.add(x, s.inFlight);
        }
        // the spectrum: x = log10(1 / (1 - percentile)), so 90 %, 99 %, 99.9 % are evenly spaced
        SvgChart.Series corrected = SvgChart.Series.of("corrected (from intended send)", "#d62728"),
                uncorrected = SvgChart.Series.of("uncorrected (from actual send)", "#1f77b4");
        spectrum(snap.stages().get("end_to_end"), corrected);
        spectrum(snap.stages().get("end_to_end_uncorrected"), uncorrected);
        double[] pTicks = {0, 1, 2, 3, 4};
        java.util.function.DoubleFunction<String> time = t -> SvgChart.num(t) + " s";

        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ppfarm load: ").append(SvgChart.esc(info.name()))
                .append("</title>\n<style>body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f4f4f4}td.l,th.l{text-align:left}"
                        + ".pass{color:#080}.fail{color:#c00}svg.chart{display:block;margin:16px 0;border:1px solid #eee}</style></head><body>\n");
        h.append("<h1>ppfarm load: ").append(SvgChart.esc(info.name())).append("</h1>\n");
        h.append("<p>").append(SvgChart.esc(info.target())).append(", started ").append(SvgChart.esc(info.startedAt()))
                .append(info.measuredFrom() == null || info.measuredFrom().equals(info.startedAt()) ? ""
                        : ", measured from " + SvgChart.esc(info.measuredFrom()) + " (second 0 of the charts)").append("; ")
                .append(SvgChart.esc(info.mode())).append(" loop, ").append(SvgChart.esc(info.api())).append(", schedule ")
                .append(SvgChart.esc(info.schedule())).append(". Latency is measured from each request's intended send time "
                        + "(coordinated omission corrected) unless marked uncorrected. ")
                .append(String.format(Locale.ROOT, "The tool verified %d returned proofs (sample rate %s of valid-looking results); %d were not sampled.",
                        snap.verified(), SvgChart.num(info.verifySample()), snap.unverified()))
                .append("</p>\n");
        h.append("<p class=\"").append(verdict.passed() ? "pass\">PASSED" : "fail\">FAILED: " + SvgChart.esc(String.join("; ", verdict.failures())))
                .append("</p>\n");
        h.append("<table>\n");
        row(h, "offered rate (jobs/s)", summary.get("offered_rate").asText());
        row(h, "achieved rate (valid proofs/s)", summary.get("achieved_rate").asText());
        if (verdict.capacity() != null) row(h, "capacity (highest step rate that held the SLO, jobs/s)", SvgChart.num(verdict.capacity()));
        var counts = summary.get("counts");
        for (String k : List.of("offered", "sent", "ended", "succeeded", "lost", "duplicated", "invalid")) row(h, k, counts.get(k).asText());
        counts.get("by_outcome").fields().forEachRemaining(e -> row(h, "outcome " + e.getKey(), e.getValue().asText()));
        h.append("</table>\n<h2>Latency by stage (ms)</h2>\n<table><tr><th class=\"l\">stage</th><th>count</th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr>\n");
        snap.stages().forEach((k, st) -> {
            if (st.getTotalCount() == 0) return;
            h.append("<tr><td class=\"l\">").append(k).append("</td><td>").append(st.getTotalCount()).append("</td>");
            for (double p : new double[] {50, 90, 99}) h.append("<td>").append(fmt(st.getValueAtPercentile(p) / 1e3)).append("</td>");
            h.append("<td>").append(fmt(st.getMaxValue() / 1e3)).append("</td></tr>\n");
        });
        h.append("</table>\n");
        if (!snap.events().isEmpty()) {
            h.append("<h2>Fault events</h2>\n<table><tr><th>at (s)</th><th class=\"l\">event</th><th>exit code</th><th>recovery (s)</th></tr>\n");
            for (Recorder.Event e : snap.events()) {
                Double r = Report.recovery(snap, e);
                h.append("<tr><td>").append(fmt(e.atNanos() / 1e9)).append("</td><td class=\"l\">").append(SvgChart.esc(e.name()))
                        .append("</td><td>").append(e.exitCode()).append("</td><td>").append(r == null ? "not recovered" : fmt(r)).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append(SvgChart.draw("latency-over-time", "End-to-end latency by second of completion (corrected)", "time", "ms",
                List.of(p50, p90, p99, max), markers, timeTicks, time, "no request ended"));
        h.append(SvgChart.draw("percentile-spectrum", "Percentile spectrum, end to end", "percentile", "ms",
                List.of(corrected, uncorrected), List.of(), pTicks, x -> x == 0 ? "0%" : SvgChart.num(100 - 100 / Math.pow(10, x)) + "%",
                "no request ended"));
        h.append(SvgChart.draw("throughput", "Offered vs achieved throughput", "time", "jobs/s", List.of(offered, achieved), markers,
                timeTicks, time, "nothing offered"));
        h.append(SvgChart.draw("farm", "The farm, from its /metrics" + (info.scraped().isEmpty() ? " (not scraped)" : ""), "time", "jobs / provers",
                List.of(queued, busy, util, lag), markers, timeTicks, time, "no /metrics scraped: pass metrics=HOST:PORT,..."));
        h.append(SvgChart.draw("errors", "Errors over time", "time", "requests", List.of(errors, inFlight), markers, timeTicks, time,
                "no errors"));
        h.append("<script>for(const s of document.querySelectorAll('svg.chart')){let ok=0;"
                + "for(const p of s.querySelectorAll('polyline.series')){const b=p.getBBox();if(b.width>0||b.height>0)ok++;}"
                + "s.setAttribute('data-drawn',ok>0?'ok':'empty');s.setAttribute('data-series',String(ok));}</script>\n");
        return h.append("</body></html>\n").toString();
    }

    private static void spectrum(Histogram h, SvgChart.Series s) {
        if (h.getTotalCount() == 0) return;
        for (double x = 0; x <= 4.0001; x += 0.05) {
            double p = 100 - 100 / Math.pow(10, x);
            s.add(x, h.getValueAtPercentile(p) / 1e3);
        }
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th class=\"l\">").append(SvgChart.esc(k)).append("</th><td>").append(SvgChart.esc(v)).append("</td></tr>\n");
    }

    private static String fmt(double v) { return String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.1f", v); }
}
