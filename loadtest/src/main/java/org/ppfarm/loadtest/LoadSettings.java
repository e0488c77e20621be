package org.ppfarm.loadtest;

import org.ppfarm.proto.v1.Priority;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything one campaign is run with, parsed from flat {@code key=value} settings: a campaign file's keys
 * ({@link Campaign}) overridden by {@code ppfarm load}'s flags, which are the same keys ({@code --rate} is
 * {@code rate}). Every key is checked here, before any load is sent; a bad one is a {@link LoadSettingException}
 * naming it. {@link #KEYS} documents each.
 */
public record LoadSettings(
        String name,
        List<String> servers,
        List<String> metrics,
        Path artifacts,
        Map<String, Double> circuits,
        Map<String, Path> inputs,
        Map<Priority, Double> priorities,
        Duration deadline,
        Api api,
        int batchSize,
        boolean closedLoop,
        int concurrency,
        Schedule schedule,
        boolean poisson,
        Duration warmup,
        double warmupRate,
        Duration leadIn,
        long seed,
        Duration timeout,
        Duration drain,
        int maxInFlight,
        double verifySample,
        List<Slo> slos,
        double maxErrorRate,
        Path report,
        boolean stopOnSlo,
        int refineSteps,
        Duration abortAfter,
        int embeddedConcurrency,
        List<FaultEvent> events) {

    /** How each request reaches the farm. */
    public enum Api {
        /** Submit, then WatchJob until a terminal state: the acceptance time is measured, and a job that never ends is seen as lost. */
        SUBMIT_WATCH,
        /** SubmitBatch waiting for results, {@code batch.size} jobs per call. */
        BATCH,
        /** Prove: submit and wait in one call. */
        PROVE
    }

    /** A command the campaign runs at a set time (a fault: kill a worker, restart the broker), marked on the report. */
    public record FaultEvent(Duration at, String name, String run) {}

    /** The keys, with their defaults and meaning (ppfarm load --help prints them; loadtest/README.md lists them). */
    public static final Map<String, String> KEYS = keys(
            "name", "load", "the campaign's name, in the report",
            "server", "", "coordinators, host:port[,host:port...]; empty: start the embedded farm in this process",
            "metrics", "", "farm nodes' /metrics addresses, host:port[,...], scraped every second (embedded farm: its own)",
            "artifacts", "", "directory of the production 0xbow artifacts (default: fetched and SHA-256-checked as bin/ppfarm demo does)",
            "circuit", "commitment", "the circuit mix, NAME[:WEIGHT][,...]: withdraw (privacy-pool request), commitment, or a circuit with inputs.NAME",
            "inputs", "", "NAME=DIR[,...]: a circuit's inputs (*.json circuit input, *.wtns witnesses; used in turn) and its verification_key.json",
            "priority", "normal", "the priority mix, low|normal|high[:WEIGHT][,...], chosen per request independently of the circuit",
            "deadline", "", "each job's deadline (SubmitRequest.deadline) from its intended send time: the farm drops a job not proved by then; empty: none",
            "api", "prove", "prove | submit-watch | batch",
            "batch.size", "10", "jobs per SubmitBatch call (api batch)",
            "mode", "open", "open (arrivals on the schedule, whatever the farm does) | closed (concurrency requests in flight, each sent when one ends)",
            "concurrency", "4", "requests in flight in closed mode",
            "schedule", "constant", "constant | step | ramp",
            "rate", "1", "jobs per second (step: the first step's; ramp: the start)",
            "rate.end", "", "ramp: the rate at the end of duration",
            "step.rate", "", "step: added to the rate at each step",
            "step.duration", "10s", "step: how long each step lasts",
            "arrivals", "uniform", "uniform (evenly spaced) | poisson (exponential gaps, seeded)",
            "duration", "60s", "how long load is offered (after the warm-up)",
            "warmup", "0s", "load at the first rate (or warmup.rate) before the measured run, not recorded",
            "warmup.rate", "", "open loop: jobs per second during the warm-up (default: the first rate); e.g. a farm's JIT warmed "
                    + "at a high rate before a low rate is measured, which at that rate alone would take hours",
            "lead.in", "10s", "open loop after a warm-up: once the warm-up's requests have ended, load at the first rate for this long, "
                    + "not recorded, so the measured run starts on a farm already at its rate (not on one that just emptied its queue)",
            "seed", "1", "seed of the inputs and of Poisson gaps: the same seed, the same requests",
            "timeout", "60s", "a request's deadline from its intended send time",
            "drain", "", "after the schedule, how long to wait for requests in flight (default: timeout)",
            "max.in.flight", "10000", "open mode: arrivals wait beyond this many requests in flight (their latency still counts from the intended time)",
            "verify.sample", "1", "fraction of returned proofs the tool verifies (0 to 1)",
            "slo", "", "latency thresholds, e.g. p99<2s,p50<500ms (end-to-end, corrected)",
            "max.error.rate", "", "largest fraction of requests allowed to end other than with a valid proof (e.g. 0)",
            "report", "", "directory for summary.json, report.html, timeseries.csv and *.hgrm",
            "stop.on.slo", "false", "step schedule: stop at the first step whose p99 exceeds the slo (capacity search)",
            "refine.steps", "0", "capacity search: after the first step that did not hold, this many more steps of step.duration, "
                    + "each after the farm drained, bisecting between the last rate that held and the lowest that did not",
            "abort.after", "30s", "stop the campaign when nothing has succeeded for this long after the warm-up while requests fail or hang",
            "embedded.concurrency", "2", "the embedded farm's worker.concurrency (one proof at a time: the second job computes its witness meanwhile)",
            "events.N.at", "", "a fault event's time from the start of the measured run (chaos)",
            "events.N.name", "", "the fault event's label on the report",
            "events.N.run", "", "the shell command the event runs (bash -c)");

    private static final Pattern EVENT_KEY = Pattern.compile("events\\.(\\d+)\\.(at|name|run)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private static Map<String, String> keys(String... kdv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kdv.length; i += 3) m.put(kdv[i], (kdv[i + 1].isEmpty() ? "" : "(default " + kdv[i + 1] + ") ") + kdv[i + 2]);
        return m;
    }

    private static String def(String key) {
        String d = KEYS.get(key);
        if (!d.startsWith("(default ")) return "";
        return d.substring("(default ".length(), d.indexOf(") "));
    }

    /** Parses and checks {@code raw}; unknown keys and bad values are refused naming the key. */
    public static LoadSettings parse(Map<String, String> raw) {
        Map<String, String> s = new TreeMap<>();
        Map<Integer, Map<String, String>> events = new TreeMap<>();
        for (var e : raw.entrySet()) {
            String k = e.getKey().strip(), v = e.getValue() == null ? "" : e.getValue().strip();
            Matcher m = EVENT_KEY.matcher(k);
            if (m.matches()) events.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new TreeMap<>()).put(m.group(2), v);
            else if (!KEYS.containsKey(k)) throw new LoadSettingException(k, "unknown key (known: " + String.join(", ", KEYS.keySet()) + ")");
            else s.put(k, v);
        }
        R r = new R(s);
        Map<String, Double> circuits = new LinkedHashMap<>();
        for (String c : r.list("circuit")) {
            String[] p = c.split(":", -1);
            if (p.length > 2 || p[0].isBlank()) throw new LoadSettingException("circuit", "'" + c + "' is not NAME[:WEIGHT]");
            double w = p.length == 2 ? positive("circuit", p[1]) : 1;
            if (circuits.put(p[0], w) != null) throw new LoadSettingException("circuit", p[0] + " is given twice");
        }
        if (circuits.isEmpty()) throw new LoadSettingException("circuit", "at least one circuit is required");
        Map<String, Path> inputs = new LinkedHashMap<>();
        for (String i : r.list("inputs")) {
            int eq = i.indexOf('=');
            if (eq <= 0 || eq == i.length() - 1) throw new LoadSettingException("inputs", "'" + i + "' is not NAME=DIR");
            inputs.put(i.substring(0, eq), Path.of(i.substring(eq + 1)));
        }
        for (String c : circuits.keySet())
            if (!Set.of("withdraw", "commitment").contains(c) && !inputs.containsKey(c))
                throw new LoadSettingException("circuit", c + " needs inputs " + c + "=DIR (only withdraw and commitment have input generators)");

        Map<Priority, Double> priorities = new LinkedHashMap<>();
        for (String c : r.list("priority")) {
            String[] p = c.split(":", -1);
            Priority pr = switch (p[0]) {
                case "low" -> Priority.PRIORITY_LOW;
                case "normal" -> Priority.PRIORITY_NORMAL;
                case "high" -> Priority.PRIORITY_HIGH;
                default -> throw new LoadSettingException("priority", "'" + c + "' is not low|normal|high[:WEIGHT]");
            };
            if (p.length > 2) throw new LoadSettingException("priority", "'" + c + "' is not low|normal|high[:WEIGHT]");
            if (priorities.put(pr, p.length == 2 ? positive("priority", p[1]) : 1) != null)
                throw new LoadSettingException("priority", p[0] + " is given twice");
        }
        if (priorities.isEmpty()) throw new LoadSettingException("priority", "at least one priority is required");
        Duration deadline = r.get("deadline").isEmpty() ? Duration.ZERO : r.duration("deadline");
        if (!r.get("deadline").isEmpty() && deadline.isZero()) throw new LoadSettingException("deadline", "must be positive (empty: none)");

        Api api = switch (r.get("api")) {
            case "prove" -> Api.PROVE;
            case "submit-watch" -> Api.SUBMIT_WATCH;
            case "batch" -> Api.BATCH;
            default -> throw new LoadSettingException("api", "'" + r.get("api") + "' is not prove, submit-watch or batch");
        };
        boolean closed = switch (r.get("mode")) {
            case "open" -> false;
            case "closed" -> true;
            default -> throw new LoadSettingException("mode", "'" + r.get("mode") + "' is not open or closed");
        };
        boolean poisson = switch (r.get("arrivals")) {
            case "uniform" -> false;
            case "poisson" -> true;
            default -> throw new LoadSettingException("arrivals", "'" + r.get("arrivals") + "' is not uniform or poisson");
        };
        double rate = positive("rate", r.get("rate"));
        Duration duration = r.duration("duration");
        if (duration.isZero()) throw new LoadSettingException("duration", "must be positive");
        Schedule schedule = switch (r.get("schedule")) {
            case "constant" -> Schedule.constant(rate, duration);
            case "step" -> {
                if (r.get("step.rate").isEmpty()) throw new LoadSettingException("step.rate", "required with schedule step");
                Duration step = r.duration("step.duration");
                if (step.isZero()) throw new LoadSettingException("step.duration", "must be positive");
                yield Schedule.steps(rate, positive("step.rate", r.get("step.rate")), step, duration);
            }
            case "ramp" -> {
                if (r.get("rate.end").isEmpty()) throw new LoadSettingException("rate.end", "required with schedule ramp");
                yield Schedule.ramp(rate, positive("rate.end", r.get("rate.end")), duration);
            }
            default -> throw new LoadSettingException("schedule", "'" + r.get("schedule") + "' is not constant, step or ramp");
        };
        Duration timeout = r.duration("timeout");
        if (timeout.isZero()) throw new LoadSettingException("timeout", "must be positive");
        double sample = r.fraction("verify.sample");
        List<Slo> slos = new ArrayList<>();
        for (String t : r.list("slo")) slos.add(Slo.parse("slo", t));
        boolean stopOnSlo = r.bool("stop.on.slo");
        if (stopOnSlo && (slos.isEmpty() || !r.get("schedule").equals("step")))
            throw new LoadSettingException("stop.on.slo", "needs schedule step and an slo");
        int refineSteps = r.intIn("refine.steps", 0, 20);
        if (refineSteps > 0 && !stopOnSlo) throw new LoadSettingException("refine.steps", "needs stop.on.slo (a capacity search)");
        if (refineSteps > 0 && closed) throw new LoadSettingException("refine.steps", "needs mode open");
        Duration warmup = r.duration("warmup");
        double warmupRate = schedule.rateAt(0);
        if (!r.get("warmup.rate").isEmpty()) {
            warmupRate = positive("warmup.rate", r.get("warmup.rate"));
            if (closed) throw new LoadSettingException("warmup.rate", "needs mode open (a closed loop has no rate)");
            if (warmup.isZero()) throw new LoadSettingException("warmup.rate", "needs a warmup");
        }

        List<FaultEvent> ev = new ArrayList<>();
        for (var e : events.entrySet()) {
            String prefix = "events." + e.getKey() + ".";
            Map<String, String> f = e.getValue();
            if (!f.containsKey("at")) throw new LoadSettingException(prefix + "at", "required");
            if (f.getOrDefault("run", "").isBlank()) throw new LoadSettingException(prefix + "run", "required");
            Duration at = duration(prefix + "at", f.get("at"));
            if (at.compareTo(duration) >= 0) throw new LoadSettingException(prefix + "at", "is not within duration " + r.get("duration"));
            ev.add(new FaultEvent(at, f.getOrDefault("name", "event " + e.getKey()), f.get("run")));
        }
        return new LoadSettings(r.get("name"), r.list("server"), r.list("metrics"),
                r.get("artifacts").isEmpty() ? null : Path.of(r.get("artifacts")), circuits, inputs, priorities, deadline, api,
                r.intIn("batch.size", 1, 1000), closed, r.intIn("concurrency", 1, 100_000), schedule, poisson,
                warmup, warmupRate, r.duration("lead.in"), r.longValue("seed"), timeout, r.get("drain").isEmpty() ? timeout : r.duration("drain"),
                r.intIn("max.in.flight", 1, 1_000_000), sample, List.copyOf(slos),
                r.get("max.error.rate").isEmpty() ? Double.NaN : r.fraction("max.error.rate"),
                r.get("report").isEmpty() ? null : Path.of(r.get("report")), stopOnSlo, refineSteps, r.duration("abort.after"),
                r.intIn("embedded.concurrency", 1, 64), List.copyOf(ev));
    }

    /** "60s", "500ms", "2m", "1.5h", or "0". */
    public static Duration duration(String key, String v) {
        if (v.equals("0")) return Duration.ZERO;
        Matcher m = DURATION.matcher(v.toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new LoadSettingException(key, "'" + v + "' is not a duration such as 500ms, 60s, 2m");
        double x = Double.parseDouble(m.group(1));
        double nanos = x * switch (m.group(2)) {
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "m" -> 60e9;
            default -> 3600e9;
        };
        return Duration.ofNanos((long) nanos);
    }

    private static double positive(String key, String v) {
        try {
            double d = Double.parseDouble(v);
            if (d > 0 && Double.isFinite(d)) return d;
        } catch (NumberFormatException ignored) {
            // refused below
        }
        throw new LoadSettingException(key, "'" + v + "' is not a positive number");
    }

    /** Values with defaults filled in. */
    private record R(Map<String, String> s) {
        String get(String k) { return s.getOrDefault(k, def(k)); }

        List<String> list(String k) {
            List<String> out = new ArrayList<>();
            for (String p : get(k).split(",")) if (!p.isBlank()) out.add(p.strip());
            return out;
        }

        Duration duration(String k) { return LoadSettings.duration(k, get(k)); }

        int intIn(String k, int lo, int hi) {
            try {
                int v = Integer.parseInt(get(k));
                if (v >= lo && v <= hi) return v;
            } catch (NumberFormatException ignored) {
                // refused below
            }
            throw new LoadSettingException(k, "'" + get(k) + "' is not an integer from " + lo + " to " + hi);
        }

        long longValue(String k) {
            try {
                return Long.parseLong(get(k));
            } catch (NumberFormatException e) {
                throw new LoadSettingException(k, "'" + get(k) + "' is not an integer");
            }
        }

        double fraction(String k) {
            try {
                double d = Double.parseDouble(get(k));
                if (d >= 0 && d <= 1) return d;
            } catch (NumberFormatException ignored) {
                // refused below
            }
            throw new LoadSettingException(k, "'" + get(k) + "' is not a number from 0 to 1");
        }

        boolean bool(String k) {
            return switch (get(k)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new LoadSettingException(k, "'" + get(k) + "' is not true or false");
            };
        }
    }
}
