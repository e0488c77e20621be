package org.ppfarm.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A campaign's verdict and report: {@code summary.json} (rates, counts by outcome, corrected end-to-end percentiles,
 * the thresholds' verdicts), one {@code STAGE.hgrm} percentile spectrum per stage (HdrHistogram's text form, in ms),
 * {@code timeseries.csv} (one row per second) and {@code report.html} ({@link HtmlReport}). Everything is computed from
 * a {@link Recorder.Snapshot}, so a recorded run can be reported again.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {}

    /**
     * What is known of the run besides its measurements. {@code startedAt}: when the tool started (ISO-8601 instant);
     * {@code measuredFrom}: when the measured run began, after any warm-up — second 0 of the time series, so that it
     * can be laid beside the farm's own logs and monitoring — or null if it never began. {@code refined}: the rates of
     * a capacity search's decided refinement steps (steps {@code schedule.steps() + i}), empty without.
     */
    public record RunInfo(String name, String target, String startedAt, String measuredFrom, double seconds, String mode, String api, String schedule,
                          double verifySample, List<String> scraped, String abortReason, int failedStep, List<Double> refined) {}

    /** The thresholds' verdicts: failures empty means the campaign passed; steps: a capacity search's decided steps. */
    public record Verdict(List<String> failures, Double capacity, List<Step> steps) {
        public boolean passed() { return failures.isEmpty(); }
    }

    /**
     * One step of a capacity search: its offered rate, its requests offered and succeeded (by intended send time),
     * the succeeded per second of the step, the p99 of those that succeeded, whether it held the SLO, and whether it
     * was one of the refinement's steps (after the first step that did not hold).
     */
    public record Step(double rate, long offered, long succeeded, double achievedRate, Double p99Ms, boolean held, boolean refinement) {}

    public static String ms(long micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%.0f ms", micros / 1e3) : String.format(Locale.ROOT, "%.1f ms", micros / 1e3);
    }

    /** Whether step {@code k} of a step schedule held {@code slo}: enough of its requests succeeded under the limit. */
    public static boolean stepHeld(Recorder.Snapshot snap, int k, Slo slo) {
        long offered = snap.offeredBySteps().getOrDefault(k, 0L);
        if (offered == 0) return false;
        Histogram h = snap.steps().get(k);
        long under = h == null ? 0 : h.getCountBetweenValues(0, slo.limit().toNanos() / 1000 - 1);
        return offered - under <= (long) Math.floor((1 - slo.percentile() / 100) * offered);
    }

    public static Verdict verdict(LoadSettings s, Recorder.Snapshot snap, RunInfo info) {
        List<String> f = new ArrayList<>();
        if (info.abortReason() != null) f.add("aborted: " + info.abortReason());
        Histogram e2e = snap.stages().get("end_to_end");
        Double capacity = null;
        List<Step> steps = new ArrayList<>();
        if (s.stopOnSlo()) {
            Slo slo = s.slos().getFirst();
            // decided steps only: none past the one that stopped the search (its successor's first requests were sent)
            int last = info.failedStep() >= 0 ? info.failedStep() : s.schedule().steps() - 1;
            for (int k = 0; k <= last && snap.offeredBySteps().containsKey(k); k++) steps.add(step(s, snap, slo, k, s.schedule().stepRateOf(k), false));
            for (int k = 0; k < steps.size() && steps.get(k).held(); k++) capacity = steps.get(k).rate();
            // refinement steps lie between the highest step that held and the lowest that did not: any that held is higher
            for (int i = 0; i < info.refined().size(); i++) {
                Step r = step(s, snap, slo, s.schedule().steps() + i, info.refined().get(i), true);
                steps.add(r);
                if (r.held() && capacity != null && r.rate() > capacity) capacity = r.rate();
            }
            if (capacity == null) f.add("capacity search: not even the first step (" + SvgChart.num(s.schedule().stepRateOf(0)) + " jobs/s) held " + slo);
        } else {
            for (Slo slo : s.slos()) {
                long v = e2e.getTotalCount() == 0 ? Long.MAX_VALUE : e2e.getValueAtPercentile(slo.percentile());
                if (!slo.holds(v)) f.add("slo " + slo + " missed: " + (v == Long.MAX_VALUE ? "no request ended" : ms(v)));
            }
        }
        if (!Double.isNaN(s.maxErrorRate()) && snap.errorRate() > s.maxErrorRate())
            f.add(String.format(Locale.ROOT, "error rate %.4f above max.error.rate %s", snap.errorRate(), SvgChart.num(s.maxErrorRate())));
        if (snap.completed() == 0 && info.abortReason() == null) f.add("no request ended");
        return new Verdict(List.copyOf(f), capacity, List.copyOf(steps));
    }

    private static Step step(LoadSettings s, Recorder.Snapshot snap, Slo slo, int k, double rate, boolean refinement) {
        Histogram h = snap.steps().get(k);
        long ok = h == null ? 0 : h.getTotalCount();
        return new Step(rate, snap.offeredBySteps().getOrDefault(k, 0L), ok, round(ok / (s.schedule().stepDuration().toNanos() / 1e9)),
                ok == 0 ? null : h.getValueAtPercentile(99) / 1e3, stepHeld(snap, k, slo), refinement);
    }

    public static ObjectNode summary(Recorder.Snapshot snap, RunInfo info, Verdict verdict) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", info.name());
        o.put("target", info.target());
        o.put("started_at", info.startedAt());
        o.put("measured_from", info.measuredFrom());
        o.put("mode", info.mode());
        o.put("api", info.api());
        o.put("schedule", info.schedule());
        o.put("duration_s", round(info.seconds()));
        o.put("offered_rate", round(snap.offered() / info.seconds()));
        double window = Math.max(info.seconds(), snap.lastCompletion() / 1e9);
        o.put("achieved_rate", round(snap.succeeded() / window));
        ObjectNode c = o.putObject("counts");
        c.put("offered", snap.offered());
        c.put("sent", snap.sent());
        c.put("ended", snap.completed());
        c.put("succeeded", snap.succeeded());
        c.put("lost", snap.count(Recorder.LOST));
        c.put("duplicated", snap.duplicated());
        c.put("invalid", snap.count(Recorder.INVALID));
        ObjectNode by = c.putObject("by_outcome");
        snap.outcomes().forEach(by::put);
        o.put("error_rate", snap.errorRate());
        o.put("end_to_end_ms", "corrected: from each request's intended send time");
        putPercentiles(o.putObject("end_to_end_corrected_ms"), snap.stages().get("end_to_end"));
        putPercentiles(o.putObject("end_to_end_uncorrected_ms"), snap.stages().get("end_to_end_uncorrected"));
        ObjectNode st = o.putObject("stages_ms");
        snap.stages().forEach((k, h) -> { if (h.getTotalCount() > 0) putPercentiles(st.putObject(k), h); });
        ObjectNode v = o.putObject("verification");
        v.put("sample_rate", info.verifySample());
        v.put("verified", snap.verified());
        v.put("not_verified", snap.unverified());
        ArrayNode ev = o.putArray("events");
        for (Recorder.Event e : snap.events()) {
            ObjectNode n = ev.addObject();
            n.put("at_s", round(e.atNanos() / 1e9));
            n.put("name", e.name());
            n.put("exit_code", e.exitCode());
            Double r = recovery(snap, e);
            if (r == null) n.putNull("recovery_s"); else n.put("recovery_s", r);
        }
        o.put("metrics_scraped", String.join(",", info.scraped()));
        if (info.abortReason() != null) o.put("aborted", info.abortReason());
        if (verdict.capacity() != null) o.put("capacity_rate", verdict.capacity());
        if (!verdict.steps().isEmpty()) {
            ArrayNode steps = o.putArray("capacity_steps");
            for (Step step : verdict.steps()) {
                ObjectNode n = steps.addObject();
                n.put("rate", step.rate());
                n.put("offered", step.offered());
                n.put("succeeded", step.succeeded());
                n.put("achieved_rate", step.achievedRate());
                if (step.p99Ms() == null) n.putNull("p99_ms"); else n.put("p99_ms", step.p99Ms());
                n.put("held", step.held());
                if (step.refinement()) n.put("refinement", true);
            }
        }
        if (info.failedStep() >= 0) o.put("capacity_search_stopped_at_step", info.failedStep());
        o.put("passed", verdict.passed());
        ArrayNode f = o.putArray("failures");
        verdict.failures().forEach(f::add);
        return o;
    }

    /**
     * Seconds from a fault event to the first whole second after it in which every request that ended succeeded and
     * at least 90 % of the offered rate succeeded; null if that never happened before the run ended.
     */
    static Double recovery(Recorder.Snapshot snap, Recorder.Event e) {
        List<Recorder.Second> secs = snap.seconds();
        for (int i = (int) (e.atNanos() / 1_000_000_000L) + 1; i < secs.size(); i++) {
            Recorder.Second s = secs.get(i);
            if (s.offered > 0 && s.errors == 0 && s.succeeded >= 0.9 * s.offered) return round(i - e.atNanos() / 1e9);
        }
        return null;
    }

    private static void putPercentiles(ObjectNode o, Histogram h) {
        o.put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) return;
        o.put("p50", h.getValueAtPercentile(50) / 1e3);
        o.put("p90", h.getValueAtPercentile(90) / 1e3);
        o.put("p99", h.getValueAtPercentile(99) / 1e3);
        o.put("max", h.getMaxValue() / 1e3);
    }

    private static double round(double v) { return Math.round(v * 1000) / 1000.0; }

    /** Writes every file of the report into {@code dir}. */
    public static void write(Path dir, Recorder.Snapshot snap, RunInfo info, Verdict verdict) throws IOException {
        Files.createDirectories(dir);
        JSON.writeValue(dir.resolve("summary.json").toFile(), summary(snap, info, verdict));
        for (var e : snap.stages().entrySet()) {
            if (e.getValue().getTotalCount() == 0) continue;
            try (PrintStream ps = new PrintStream(Files.newOutputStream(dir.resolve(e.getKey() + ".hgrm")), false, StandardCharsets.UTF_8)) {
                e.getValue().outputPercentileDistribution(ps, 1000.0); // microseconds recorded, milliseconds written
            }
        }
        StringBuilder csv = new StringBuilder("second,offered,sent,succeeded,errors,in_flight,p50_ms,p90_ms,p99_ms,max_ms,farm_queued,farm_busy_provers,farm_utilization,farm_jobs_lag\n");
        List<Recorder.Second> secs = snap.seconds();
        for (int i = 0; i < secs.size(); i++) {
            Recorder.Second s = secs.get(i);
            boolean l = s.latency.getTotalCount() > 0;
            csv.append(i).append(',').append(s.offered).append(',').append(s.sent).append(',').append(s.succeeded).append(',')
                    .append(s.errors).append(',').append(s.inFlight).append(',')
                    .append(l ? fmt(s.latency.getValueAtPercentile(50) / 1e3) : "").append(',')
                    .append(l ? fmt(s.latency.getValueAtPercentile(90) / 1e3) : "").append(',')
                    .append(l ? fmt(s.latency.getValueAtPercentile(99) / 1e3) : "").append(',')
                    .append(l ? fmt(s.latency.getMaxValue() / 1e3) : "").append(',')
                    .append(fmt(s.queued)).append(',').append(fmt(s.busyProvers)).append(',').append(fmt(s.utilization)).append(',')
                    .append(fmt(s.lag)).append('\n');
        }
        Files.writeString(dir.resolve("timeseries.csv"), csv);
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(snap, info, verdict, summary(snap, info, verdict)));
    }

    private static String fmt(double v) { return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.3f", v); }
}
