package org.ppfarm.loadtest;

import org.ppfarm.client.FarmClient;
import org.ppfarm.client.FarmException;
import org.ppfarm.embedded.EmbeddedFarm;
import org.ppfarm.embedded.ProductionCircuits;
import org.ppfarm.loadtest.workload.CommitmentSource;
import org.ppfarm.loadtest.workload.DirectorySource;
import org.ppfarm.loadtest.workload.RequestSource;
import org.ppfarm.loadtest.workload.WithdrawSource;
import org.ppfarm.proto.v1.Circuit;
import org.ppfarm.prover.groth16.PreparedVerifyingKey;
import org.ppfarm.prover.groth16.VerificationKey;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * {@code ppfarm load}: one campaign from its settings to its exit code. Checks every setting and the inputs before
 * any load, starts the embedded farm when no server is given, checks the farm answers and has the mix's circuits,
 * runs the load ({@link LoadRun}) with the fault events and the metrics scraper beside it, writes the report and
 * judges the thresholds.
 *
 * <p>Exit codes: 0 the campaign passed its thresholds; 1 it missed one (an SLO, the error rate, or a request that
 * ended other than with a valid proof when {@code max.error.rate} is 0); 2 a bad setting, before any load;
 * 3 the farm unreachable or failing (the campaign stopped after {@code abort.after}, with the report so far).
 */
public final class LoadTest {
    public static final int PASSED = 0, MISSED = 1, BAD_SETTING = 2, FARM_FAILED = 3;

    private LoadTest() {}

    /**
     * How the tool reaches a farm given by {@code server} beyond its address: what the command line's TLS, API key and
     * sealing options add to the client ({@code configure}), and the options given ({@code options}, e.g. "--tls-ca"),
     * refused with the embedded farm, which listens in plaintext on loopback and asks for no key.
     */
    public record Access(UnaryOperator<FarmClient.Builder> configure, List<String> options) {
        /** A plaintext farm that asks for no key. */
        public static final Access NONE = new Access(UnaryOperator.identity(), List.of());
    }

    /** Reads the campaign file (may be null), applies {@code overrides} (flags), and runs it against a plaintext farm. */
    public static int run(Path campaign, Map<String, String> overrides, PrintWriter out, PrintWriter err) throws Exception {
        return run(campaign, overrides, Access.NONE, out, err);
    }

    /** Reads the campaign file (may be null), applies {@code overrides} (flags), and runs it, reaching the farm with {@code access}. */
    public static int run(Path campaign, Map<String, String> overrides, Access access, PrintWriter out, PrintWriter err) throws Exception {
        LoadSettings s;
        List<RequestSource> sources;
        try {
            Map<String, String> raw = new java.util.LinkedHashMap<>();
            if (campaign != null) raw.putAll(Campaign.read(campaign));
            raw.putAll(overrides);
            s = LoadSettings.parse(raw);
            sources = sources(s);
        } catch (LoadSettingException e) {
            err.println("ppfarm load: " + e.getMessage());
            return BAD_SETTING;
        }
        if (s.servers().isEmpty() && !access.options().isEmpty()) {
            err.println("ppfarm load: " + access.options().getFirst() + ": needs a server (the embedded farm listens in plaintext on loopback)");
            return BAD_SETTING;
        }
        EmbeddedFarm farm = null;
        try {
            String target;
            List<String> metrics = new ArrayList<>(s.metrics());
            if (s.servers().isEmpty()) {
                err.println("ppfarm load: starting the embedded farm (KRaft broker, coordinator, CPU worker)");
                err.flush();
                farm = EmbeddedFarm.start(new EmbeddedFarm.Options(0, null, s.artifacts(), null, s.embeddedConcurrency(),
                        EmbeddedFarm.Options.defaults().protocolInputs(), 0, EmbeddedFarm.Notices.LOCAL));
                target = farm.address();
                if (metrics.isEmpty()) for (String url : farm.metricsUrls()) metrics.add(java.net.URI.create(url).getAuthority());
            } else {
                target = String.join(",", s.servers());
            }
            FarmClient.Builder b = FarmClient.builder(target).deadline(Duration.ofSeconds(10)).proveDeadline(s.timeout());
            try (FarmClient client = (farm != null ? b : access.configure().apply(b)).build()) {
                return run(s, sources, client, target + (farm != null ? " (embedded farm)" : ""), metrics, out, err);
            }
        } finally {
            if (farm != null) farm.close();
        }
    }

    /** Runs a checked campaign against {@code client}'s farm (what tests call with an in-process server). */
    public static int run(LoadSettings s, List<RequestSource> sources, FarmClient client, String target, List<String> metrics,
                          PrintWriter out, PrintWriter err) throws Exception {
        Recorder rec = new Recorder();
        String startedAt = Instant.now().toString();
        List<String> circuits;
        try {
            circuits = client.circuits().stream().map(Circuit::getName).toList();
        } catch (FarmException e) {
            String why = "the farm at " + target + " does not answer ListCircuits: " + e.getMessage();
            err.println("ppfarm load: " + why);
            finish(s, rec.snapshot(), info(s, target, startedAt, null, 0, metrics, why, -1, List.of()), out, err);
            return FARM_FAILED;
        }
        for (RequestSource src : sources)
            if (circuits.stream().noneMatch(c -> c.startsWith(src.circuit() + "@"))) {
                err.println("ppfarm load: circuit: " + src.circuit() + " is not registered with the farm at " + target + " (it has " + circuits + ")");
                return BAD_SETTING;
            }
        WeightedMix<RequestSource> mix = new WeightedMix<>(sources, List.copyOf(s.circuits().values()));
        LoadRun load = new LoadRun(s, client, mix, rec);
        MetricsScraper scraper = metrics.isEmpty() ? null : new MetricsScraper(metrics);
        ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, r -> Thread.ofPlatform().daemon().name("ppfarm-load-timer").unstarted(r));
        long[] runStart = new long[1];
        try {
            load.run(start -> {
                runStart[0] = start;
                if (scraper != null)
                    timers.scheduleAtFixedRate(() -> scraper.scrape(rec, System.nanoTime() - start),
                            Math.max(0, start - System.nanoTime()), 1_000_000_000L, TimeUnit.NANOSECONDS);
                for (LoadSettings.FaultEvent e : s.events())
                    timers.schedule(() -> fault(rec, e, start, err), start + e.at().toNanos() - System.nanoTime(), TimeUnit.NANOSECONDS);
            }, err);
        } finally {
            timers.shutdownNow();
            timers.awaitTermination(5, TimeUnit.SECONDS);
        }
        String measuredFrom = Instant.now().minusNanos(System.nanoTime() - runStart[0]).toString();   // every run announces its start
        double seconds = Math.min(s.schedule().duration().toNanos(), Math.max(1, System.nanoTime() - runStart[0])) / 1e9;
        List<Double> refined = load.refined();
        if (refined.isEmpty() && load.failedStep() >= 0)
            seconds = Math.min(seconds, (load.failedStep() + 1) * s.schedule().stepDuration().toNanos() / 1e9);
        else if (!refined.isEmpty()) seconds = Math.max(1, System.nanoTime() - runStart[0]) / 1e9;   // the refinement ran past the schedule
        Report.Verdict v = finish(s, rec.snapshot(), info(s, target, startedAt, measuredFrom, seconds, metrics, load.abortReason(), load.failedStep(), refined),
                out, err);
        if (load.abortReason() != null) return FARM_FAILED;
        return v.passed() ? PASSED : MISSED;
    }

    private static Report.RunInfo info(LoadSettings s, String target, String startedAt, String measuredFrom, double seconds,
                                       List<String> metrics, String abort, int failedStep, List<Double> refined) {
        Schedule sc = s.schedule();
        String schedule = switch (sc.kind()) {
            case CONSTANT -> SvgChart.num(sc.rate()) + " jobs/s";
            case STEP -> SvgChart.num(sc.rate()) + " jobs/s + " + SvgChart.num(sc.stepRate()) + " every " + sc.stepDuration().toSeconds() + " s";
            case RAMP -> SvgChart.num(sc.rate()) + " to " + SvgChart.num(sc.rateEnd()) + " jobs/s";
        } + (s.poisson() ? " (Poisson)" : "") + " for " + sc.duration().toSeconds() + " s"
                + (s.warmup().isZero() ? "" : " after " + s.warmup().toSeconds() + " s warm-up"
                        + (s.warmupRate() == sc.rateAt(0) ? "" : " at " + SvgChart.num(s.warmupRate()) + " jobs/s")
                        + (s.closedLoop() || s.leadIn().isZero() ? "" : " and a " + s.leadIn().toSeconds() + " s lead-in"))
                + (s.refineSteps() == 0 ? "" : ", then up to " + s.refineSteps() + " refinement steps");
        String mode = s.closedLoop() ? "closed (" + s.concurrency() + " in flight)" : "open";
        return new Report.RunInfo(s.name(), target, startedAt, measuredFrom, Math.max(seconds, 1e-3), mode,
                s.api().name().toLowerCase(Locale.ROOT).replace('_', '-') + " " + String.join(",", s.circuits().keySet()) + priorities(s)
                        + (s.deadline().isZero() ? "" : ", deadline " + s.deadline().toMillis() + " ms"), schedule,
                s.verifySample(), metrics, abort, failedStep, refined);
    }

    /** ", priority high:1,normal:3" when the mix is other than all normal. */
    private static String priorities(LoadSettings s) {
        if (s.priorities().keySet().equals(java.util.Set.of(org.ppfarm.proto.v1.Priority.PRIORITY_NORMAL))) return "";
        List<String> p = new ArrayList<>();
        s.priorities().forEach((k, w) -> p.add(k.name().substring("PRIORITY_".length()).toLowerCase(Locale.ROOT) + ":" + SvgChart.num(w)));
        return ", priority " + String.join(",", p);
    }

    private static Report.Verdict finish(LoadSettings s, Recorder.Snapshot snap, Report.RunInfo info, PrintWriter out, PrintWriter err) throws Exception {
        Report.Verdict v = Report.verdict(s, snap, info);
        var summary = Report.summary(snap, info, v);
        if (s.report() != null) {
            Report.write(s.report(), snap, info, v);
            err.println("ppfarm load: report in " + s.report().toAbsolutePath());
        }
        out.println(summary.toPrettyString());
        out.flush();
        if (!v.passed()) err.println("ppfarm load: FAILED: " + String.join("; ", v.failures()));
        err.flush();
        return v;
    }

    private static void fault(Recorder rec, LoadSettings.FaultEvent e, long start, PrintWriter err) {
        long at = System.nanoTime() - start;
        int code;
        try {
            Process p = new ProcessBuilder("bash", "-c", e.run()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            code = p.waitFor(120, TimeUnit.SECONDS) ? p.exitValue() : -1;
            if (code == -1) p.destroyForcibly();
        } catch (Exception ex) {
            code = -2;
        }
        rec.event(at, e.name(), code);
        err.println("ppfarm load: event '" + e.name() + "' at " + at / 1_000_000 + " ms, exit code " + code);
    }

    /** The request sources of the mix, with their verification keys; bad inputs directories are refused naming the key. */
    static List<RequestSource> sources(LoadSettings s) throws Exception {
        List<RequestSource> out = new ArrayList<>();
        Path production = null;
        for (String c : s.circuits().keySet()) {
            if (s.inputs().containsKey(c)) {
                out.add(DirectorySource.of(c, s.inputs().get(c)));
                continue;
            }
            if (production == null) {
                try {
                    production = ProductionCircuits.locate(s.artifacts());
                } catch (IllegalArgumentException e) {
                    throw new LoadSettingException("artifacts", e.getMessage());
                }
            }
            PreparedVerifyingKey vk = PreparedVerifyingKey.of(VerificationKey.readJson(production.resolve(c + ".vkey")));
            out.add(c.equals("withdraw") ? new WithdrawSource(vk) : new CommitmentSource(vk));
        }
        return out;
    }
}
